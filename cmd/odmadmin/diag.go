package main

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/odmadmin/odmadmin/internal/jsontext"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// Diagnostic is one finding or warning in the form every command prints:
//
//	FILE:LINE:COL: SEVERITY CODE: message       XML input (LINE and COL from 1)
//	FILE:ROW:COLUMN-NAME: SEVERITY CODE: message CSV or spreadsheet input
//
// ROW is the row a spreadsheet shows: the header is row 1, the first record row 2, in
// every command. Parts the reader does not know are left out (FILE:LINE:, FILE:). JSON
// output carries the same fields under the names of the json tags.
type Diagnostic struct {
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`   // XML: the line, from 1
	Col      int    `json:"col,omitempty"`    // XML: the column, from 1
	Row      int    `json:"row,omitempty"`    // CSV/XLSX: the spreadsheet row, header = 1
	Column   string `json:"column,omitempty"` // CSV/XLSX: the column's header name
	Severity string `json:"severity"`         // "error" or "warning"
	Code     string `json:"code"`
	Message  string `json:"message"`
	Value    string `json:"value,omitempty"` // the offending value, only when asked for (--values)
	// Count is how many occurrences this one diagnostic stands for (merged warnings);
	// 0 means 1. It is not printed; the summary counts it.
	Count int `json:"-"`
}

// Position returns the FILE:LINE:COL or FILE:ROW:COLUMN part, without the trailing colon.
func (d Diagnostic) Position() string {
	p := d.File
	if p == "" {
		p = "-"
	}
	switch {
	case d.Row > 0:
		p += ":" + strconv.Itoa(d.Row)
		if d.Column != "" {
			p += ":" + d.Column
		}
	case d.Line > 0:
		p += ":" + strconv.Itoa(d.Line)
		if d.Col > 0 {
			p += ":" + strconv.Itoa(d.Col)
		}
	case d.Column != "":
		p += ":" + d.Column
	}
	return p
}

// String formats the diagnostic as one line (without the newline).
func (d Diagnostic) String() string {
	s := d.Position() + ": " + d.Severity + " " + d.Code + ": " + oneLine(d.Message)
	if d.Value != "" {
		s += " (value " + strconv.Quote(d.Value) + ")"
	}
	return s
}

// appendJSON appends the diagnostic as one JSON object.
func (d Diagnostic) appendJSON(b []byte) []byte {
	b = append(b, `{"file":`...)
	b = jsontext.AppendString(b, d.File)
	if d.Line > 0 {
		b = append(b, `,"line":`...)
		b = strconv.AppendInt(b, int64(d.Line), 10)
	}
	if d.Col > 0 {
		b = append(b, `,"col":`...)
		b = strconv.AppendInt(b, int64(d.Col), 10)
	}
	if d.Row > 0 {
		b = append(b, `,"row":`...)
		b = strconv.AppendInt(b, int64(d.Row), 10)
	}
	if d.Column != "" {
		b = append(b, `,"column":`...)
		b = jsontext.AppendString(b, d.Column)
	}
	b = append(b, `,"severity":`...)
	b = jsontext.AppendString(b, d.Severity)
	b = append(b, `,"code":`...)
	b = jsontext.AppendString(b, d.Code)
	b = append(b, `,"message":`...)
	b = jsontext.AppendString(b, d.Message)
	if d.Value != "" {
		b = append(b, `,"value":`...)
		b = jsontext.AppendString(b, d.Value)
	}
	return append(b, '}')
}

// oneLine keeps a message on its line: a line break in it would make one diagnostic
// look like two to a line-oriented reader. Any other control character (an ESC that
// starts a terminal's escape sequence, in a value the message names) is escaped as in a
// quoted value; a tab stays.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, isLineControl) {
		return s
	}
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	var b strings.Builder
	for _, r := range s {
		if isLineControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isLineControl reports whether r is a control character other than a tab, or a Unicode
// line or paragraph separator.
func isLineControl(r rune) bool {
	return r != '\t' && unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
}

// diagWriter lists diagnostics as text lines or a JSON array, at most max of each code
// (0: all), and counts them all for the summary.
type diagWriter struct {
	w      io.Writer
	json   bool
	max    int
	n      int // listed
	total  int
	counts map[codeKey]int
	shown  map[codeKey]int
	held   bool // some diagnostic was not listed for --max
	// places, when set, rewrites positions in a JSON-form input's XML as JSON places.
	places *jsonPlaces
	buf    []byte
}

type codeKey struct{ severity, code string }

// newDiagWriter returns a writer of diagnostics to w. In JSON, everything is listed unless
// --max was given; text listings are capped at o.max per code.
func newDiagWriter(w io.Writer, o *outputFlags) *diagWriter {
	dw := &diagWriter{w: w, counts: map[codeKey]int{}, shown: map[codeKey]int{}, max: listMax(o)}
	dw.json = o != nil && o.format == "json"
	return dw
}

// listMax is how many diagnostics of one code a listing shows: --max, or 0 (all) for
// JSON without --max.
func listMax(o *outputFlags) int {
	if o == nil || (o.format == "json" && !o.maxSet) {
		return 0
	}
	return o.max
}

// Write lists d unless its code has been listed max times already; it is counted either way.
func (dw *diagWriter) Write(d Diagnostic) error {
	dw.places.fixDiagnostic(&d)
	k := codeKey{d.Severity, d.Code}
	n := max(d.Count, 1)
	dw.counts[k] += n
	dw.total += n
	if dw.max > 0 && dw.shown[k] >= dw.max {
		dw.held = true
		return nil
	}
	dw.shown[k]++
	b := dw.buf[:0]
	if dw.json {
		if dw.n == 0 {
			b = append(b, "[\n  "...)
		} else {
			b = append(b, ",\n  "...)
		}
		b = d.appendJSON(b)
	} else {
		b = append(b, d.String()...)
		b = append(b, '\n')
	}
	dw.n++
	dw.buf = b
	_, err := dw.w.Write(b)
	return err
}

// Close ends the listing (the JSON array's bracket).
func (dw *diagWriter) Close() error {
	if !dw.json {
		return nil
	}
	end := "\n]\n"
	if dw.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(dw.w, end)
	return err
}

// Summary writes, when some code was repeated or held back, one line with the total and
// one per code with its count, most frequent first:
//
//	odmadmin map: 4002 warnings, 20 listed (--max 0 lists all):
//	   4000 warning mapping.quirk
//	      2 warning mapping.unrepresentable
func (dw *diagWriter) Summary(w io.Writer, cmd string) {
	repeated := false
	for _, c := range dw.counts {
		repeated = repeated || c > 1
	}
	if !repeated && dw.n == dw.total {
		return
	}
	keys := make([]codeKey, 0, len(dw.counts))
	errs, warns := 0, 0
	for k, c := range dw.counts {
		keys = append(keys, k)
		if k.severity == "error" {
			errs += c
		} else {
			warns += c
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		ci, cj := dw.counts[keys[i]], dw.counts[keys[j]]
		if ci != cj {
			return ci > cj
		}
		if keys[i].severity != keys[j].severity {
			return keys[i].severity < keys[j].severity
		}
		return keys[i].code < keys[j].code
	})
	var parts []string
	if errs > 0 {
		parts = append(parts, plural(errs, "error"))
	}
	if warns > 0 {
		parts = append(parts, plural(warns, "warning"))
	}
	head := fmt.Sprintf("odmadmin %s: %s", cmd, strings.Join(parts, ", "))
	if dw.n < dw.total {
		// Fewer lines than warnings: some were held back for --max, or one line stands
		// for several (merged repeats, the reader's count of those past its bound).
		head += fmt.Sprintf(", %d listed", dw.n)
		if dw.held {
			head += " (--max 0 lists all)"
		}
	}
	fmt.Fprintln(w, head+":")
	for _, k := range keys {
		fmt.Fprintf(w, "  %7d %s %s\n", dw.counts[k], k.severity, k.code)
	}
}

// Errors reports how many error diagnostics were written (listed or not).
func (dw *diagWriter) Errors() int {
	n := 0
	for k, c := range dw.counts {
		if k.severity == "error" {
			n += c
		}
	}
	return n
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// quirkWarning carries a reader warning among mapping's warnings. The one that stands for
// the warnings past the reader's bound counts them all.
func quirkWarning(x *odm.Error) mapping.Warning {
	return mapping.Warning{Code: mapping.CodeQuirk, Field: "ODM", Count: max(1, x.More), Message: strings.TrimSpace(x.Error())}
}

// countODMWarnings adds up the warnings ws stand for.
func countODMWarnings(ws []*odm.Error) int {
	n := 0
	for _, w := range ws {
		n += max(1, w.More)
	}
	return n
}

// odmDiagnostic turns a reader warning or error of package odm into a Diagnostic.
func odmDiagnostic(x *odm.Error, severity string) Diagnostic {
	code := string(x.Code)
	if code == "" {
		code = "odm"
	} else {
		code = "odm." + code
	}
	msg := x.Msg
	if x.Code != "" && msg != "" {
		// The code names the kind; the sentinel's text ("non-standard content") adds nothing.
	} else if msg == "" && x.Err != nil {
		msg = x.Err.Error()
	} else if x.Err != nil {
		msg = x.Err.Error() + ": " + msg
	}
	if x.More > 0 {
		msg = fmt.Sprintf("%d more warnings of this kind not listed (%s)", x.More, x.Msg)
	}
	return Diagnostic{File: x.File, Line: x.Line, Col: x.Col, Severity: severity, Code: code, Message: strings.TrimSpace(msg), Count: x.More}
}

// mappingDiagnostic turns a mapping warning into a Diagnostic of file name. Mapping
// merges warnings of one kind; Count carries how many occurrences it stands for.
func mappingDiagnostic(name string, w mapping.Warning) Diagnostic {
	// A reader warning carried as a mapping warning holds its position in its text
	// ("file:line:col: odm: ..."): give it back its place in the diagnostic.
	if m := odmWarningText.FindStringSubmatch(w.Message); m != nil && w.Count <= 1 {
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		return Diagnostic{File: m[1], Line: line, Col: col, Severity: "warning", Code: "mapping." + string(w.Code), Message: m[4]}
	}
	msg := w.Message
	if w.Field != "" {
		msg = w.Field + ": " + msg
	}
	// A warning the reader placed names its own file (one of several inputs) and where in
	// it the first value is: line and column of ODM, row and column of a table.
	if w.File != "" {
		name = w.File
	}
	if w.Subject != "" {
		if w.Count > 1 {
			msg += fmt.Sprintf(" (%d values, first: %s)", w.Count, w.Subject)
		} else {
			msg += " (" + w.Subject + ")"
		}
	}
	return Diagnostic{File: name, Line: w.Line, Col: w.Col, Row: w.Row, Column: w.Column,
		Severity: "warning", Code: "mapping." + string(w.Code), Message: msg, Count: w.Count}
}

// odmWarningText matches the text of an *odm.Error with a position.
var odmWarningText = regexp.MustCompile(`^(.+):(\d+):(\d+): odm: (?:non-standard content: |content outside the ODM model: )?(.*)$`)

// printDiagnostics lists diagnostics on stderr (unless --quiet), capped and summarized.
func printDiagnostics(e *env, cmd string, o *outputFlags, ds []Diagnostic) {
	if o != nil && o.quiet {
		return
	}
	dw := newDiagWriter(e.stderr, &outputFlags{max: maxOr(o), maxSet: true})
	dw.places = placesOf(e.context())
	for _, d := range ds {
		dw.Write(d)
	}
	dw.Summary(e.stderr, cmd)
}

func maxOr(o *outputFlags) int {
	if o == nil {
		return defaultMax
	}
	return o.max
}
