package auditlog

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/odmadmin/odmadmin/internal/input"
)

// Entry is one row of the User and Role Audit Log.
type Entry struct {
	Event string `json:"event"`
	// Time is DATE/TIME, in UTC.
	Time      time.Time `json:"time"`
	Target    string    `json:"target"`
	By        string    `json:"by"`
	ValueType string    `json:"valueType"`
	Old       string    `json:"old"`
	New       string    `json:"new"`
	// Line is the entry's line in the file (the header is line 1 of a file without blank
	// lines before it).
	Line int `json:"line"`
}

// TargetUser returns the username in TARGET OBJECT ("Paul Bowen (pbowen)" gives "pbowen").
func (e Entry) TargetUser() string { return Username(e.Target) }

// Username returns the username in a user as the log writes one, "First Last (username)":
// the text inside the last pair of parentheses at the end, or the whole text trimmed when
// there is none.
func Username(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndexByte(s, '('); i >= 0 {
			return strings.TrimSpace(s[i+1 : len(s)-1])
		}
	}
	return s
}

// Columns returns the log's columns in the order it writes them.
func Columns() []string {
	return []string{"AUDIT EVENT", "DATE/TIME", "TARGET OBJECT", "BY", "VALUE TYPE", "OLD VALUE", "NEW VALUE"}
}

// Log is what Read returns: the entries kept, in file order, and what was noticed.
type Log struct {
	Entries []Entry
	// Warnings say what was read but not kept or not as expected: unknown event names,
	// times without a zone, columns outside the log's seven, entries outside the range.
	// Each has a code and a count.
	Warnings []Warning
}

// Warning is one kind of thing noticed while reading, with how often it happened.
type Warning struct {
	Code    string `json:"code"`
	Count   int    `json:"count"`
	Message string `json:"message"`
	// Line is the first line it happened on (0 for the whole file).
	Line int `json:"line"`
}

// The warning codes of Read.
const (
	WarnUnknownEvent = "auditlog.unknownEvent" // an AUDIT EVENT not in Events; the entry is kept
	WarnNoZone       = "auditlog.noZone"       // a DATE/TIME without a zone, read as UTC
	WarnExtraColumn  = "auditlog.extraColumn"  // a column outside the log's seven, not kept
	WarnOutOfRange   = "auditlog.outOfRange"   // an entry outside Options.Range, not kept
	// WarnLooseValue: a row's value under no header (a blank header cell, or past the
	// header's last), not kept. Most often a separator in an unquoted cell, which moves
	// the rest of the row along.
	WarnLooseValue = "auditlog.valueWithoutColumn"
	// WarnInexactNumber: a workbook cell holds a number of more than 15 digits, which
	// Excel does not keep (the digits after the 15th read as 0): a value typed as a
	// number (a long ID, a phone number) is not the one typed. It is kept as Excel shows
	// it.
	WarnInexactNumber = "auditlog.inexactNumber"
)

// Options control Read. The zero value reads every entry.
type Options struct {
	// Range keeps only entries in the range, both dates inclusive, as the download does.
	// The zero Range keeps everything; a non-zero one must be valid (Range.Validate).
	Range Range
	// Name is the input's name for errors.
	Name string
	// MaxEntries bounds the number of rows read; 0 means 10,000,000. A longer file is an
	// error, so that a hostile file cannot exhaust memory.
	MaxEntries int
	// Sheets names the worksheet of a workbook to read, in order of preference. Default:
	// the only sheet, or the first that has the log's header row.
	Sheets []string
}

// ErrFormat is the sentinel every error about the content of a log wraps.
var ErrFormat = errors.New("not a User and Role Audit Log")

// Error is an error at a line of the log.
type Error struct {
	Name string
	Line int
	Err  error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Name != "" {
		b.WriteString(e.Name)
		b.WriteByte(':')
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:", e.Line)
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Read reads a log saved as CSV or as an .xlsx workbook. See the package documentation
// for what it accepts.
func Read(r io.Reader, opts Options) (*Log, error) {
	if !opts.Range.IsZero() {
		if err := opts.Range.Validate(); err != nil {
			return nil, err
		}
	}
	max := opts.MaxEntries
	if max <= 0 {
		max = 10_000_000
	}
	in, err := input.New(r, opts.Name, input.Options{})
	if err == nil {
		err = in.Expect(input.CSV, input.XLSX)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	defer in.Close()
	t, err := in.Table(input.TableOptions{Sheets: opts.Sheets, IsHeader: isHeader})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	defer t.Close()
	name := opts.Name
	if t.Name != "" {
		name = t.Name
	}
	fail := func(line int, format string, args ...any) error {
		return &Error{Name: name, Line: line, Err: fmt.Errorf("%w: "+format, append([]any{ErrFormat}, args...)...)}
	}
	header, err := t.Read()
	if err == io.EOF {
		return nil, fail(0, "the file is empty")
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	hline := t.Row()
	log := &Log{}
	warns := map[string]*Warning{}
	warn := func(code string, line int, msg string) {
		if w := warns[code]; w != nil {
			w.Count++
			return
		}
		w := &Warning{Code: code, Count: 1, Message: msg, Line: line}
		warns[code] = w
	}
	column := func(h string) (string, bool) {
		name := strings.ToUpper(strings.Join(strings.Fields(h), " "))
		return name, slices.Contains(Columns(), name)
	}
	cols, err := input.NewHeader(header, column)
	if err != nil {
		return nil, fail(hline, "%w", err)
	}
	for range cols.Unknown() {
		warn(WarnExtraColumn, hline, "a column outside the log's seven is not kept")
	}
	var missing []string
	for _, c := range Columns() {
		if !cols.Has(c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fail(hline, "the header lacks %s (want %s)", strings.Join(missing, ", "), strings.Join(Columns(), ", "))
	}
	get := func(rec []string, col string) string { return cols.Get(rec, col) }
	known := knownEvents()
	for {
		rec, err := t.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrFormat, err)
		}
		line := t.Row()
		if err := cols.Uncalculated(t, line); err != nil {
			return nil, fail(line, "%w", err)
		}
		if blank(rec) {
			continue
		}
		if cols.Loose(rec) > 0 {
			warn(WarnLooseValue, line, "a value in a column the header does not name is not kept")
		}
		if names, _ := cols.InexactNumbers(t); len(names) > 0 {
			warn(WarnInexactNumber, line, "a number of more than 15 digits, which Excel does not keep (the digits after the 15th read as 0), is not the value typed")
		}
		if len(log.Entries) >= max {
			return nil, fail(line, "more than %d entries", max)
		}
		for _, v := range rec {
			if !utf8.ValidString(v) {
				return nil, fail(line, "the row is not UTF-8 text")
			}
		}
		ev := get(rec, "AUDIT EVENT")
		if ev == "" {
			return nil, fail(line, "AUDIT EVENT is empty")
		}
		t, zoned, ok := parseTime(get(rec, "DATE/TIME"))
		if !ok {
			return nil, fail(line, "DATE/TIME is not a time like 2020-12-11T04:49:38.306448Z")
		}
		if !zoned {
			warn(WarnNoZone, line, "a DATE/TIME without a zone is read as UTC, the log's zone")
		}
		if !opts.Range.IsZero() && !opts.Range.Contains(t) {
			warn(WarnOutOfRange, line, "an entry outside the date range is not kept")
			continue
		}
		if !known[ev] {
			warn(WarnUnknownEvent, line, "an AUDIT EVENT this reader does not know is kept as it is")
		}
		log.Entries = append(log.Entries, Entry{
			Event: ev, Time: t, Target: get(rec, "TARGET OBJECT"), By: get(rec, "BY"),
			ValueType: get(rec, "VALUE TYPE"), Old: get(rec, "OLD VALUE"), New: get(rec, "NEW VALUE"), Line: line,
		})
	}
	for _, code := range []string{WarnExtraColumn, WarnLooseValue, WarnInexactNumber, WarnUnknownEvent, WarnNoZone, WarnOutOfRange} {
		if w := warns[code]; w != nil {
			log.Warnings = append(log.Warnings, *w)
		}
	}
	return log, nil
}

// isHeader recognizes the log's header row, so that title rows above it are skipped: it
// names AUDIT EVENT and DATE/TIME.
func isHeader(row []string) bool {
	ev, dt := false, false
	for _, c := range row {
		switch strings.ToUpper(strings.Join(strings.Fields(c), " ")) {
		case "AUDIT EVENT":
			ev = true
		case "DATE/TIME":
			dt = true
		}
	}
	return ev && dt
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// parseTime reads a DATE/TIME: RFC 3339 with any fraction of a second, or the same
// without a zone (then UTC and zoned is false).
func parseTime(s string) (t time.Time, zoned, ok bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true, true
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, false, true
		}
	}
	return time.Time{}, false, false
}
