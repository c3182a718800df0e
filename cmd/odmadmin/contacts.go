package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	inp "github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/internal/jsontext"
	"github.com/odmadmin/odmadmin/validate"
)

func runContacts(e *env, args []string) int {
	fs := newFlagSet(e, "contacts",
		"odmadmin contacts [--format json|text] [--values] [--charset SET] [--study OID [--site OID] --role ROLE ...] [-o OUT] [--max N] [--quiet] [FILE]",
		"odmadmin contacts --format text cmd/odmadmin/testdata/contacts/mixed.csv # exit 1\n"+
			"odmadmin contacts --study S_DEMO --site S_SITE1 --role CRC --caller-site S_SITE1 --participate --cap 100 --enrolled 99 cmd/odmadmin/testdata/contacts/valid.csv # exit 1")
	o := fs.outputFlags("json", "text")
	values := fs.Bool("values", false, "include each offending value in the output; it is personal data, so only on request")
	rf := addReadFlags(fs)
	ctx := fs.requestFlags()
	fs.setHelp(contactsHelp())
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	path, ok := inputPath(e, fs, "contacts", pos)
	if !ok {
		return 2
	}
	inOpts, err := rf.options()
	if err != nil {
		return usagef(e, "contacts", "%v", err)
	}
	inOpts.MaxRecordBytes = maxContactRecord
	in, err := openInput(e, path)
	if err != nil {
		return fail(e, "contacts", err)
	}
	defer in.Close()
	si, err := inp.New(in, in.Name, inOpts)
	if err != nil {
		if errors.Is(err, inp.ErrUnknown) && strings.Contains(err.Error(), "a JSON object whose first member is") {
			// One request body, as the API takes it: the reader's error names the JSON
			// objects other commands read, not what contacts reads.
			err = fmt.Errorf("%w; contacts reads a JSON array of participant records: put a single record in [ ]", err)
		}
		return fail(e, "contacts", err)
	}
	src, err := newContactSource(si, *values)
	if err != nil {
		return fail(e, "contacts", err)
	}
	defer src.Close()
	opts := validate.Options{Values: *values}
	req, err := ctx.request()
	if err != nil {
		return usagef(e, "contacts", "%v", err)
	}
	invalid := false
	err = writeOutput(e, o.out, func(w io.Writer) error {
		out := &contactWriter{w: w, text: o.format == "text", values: *values, src: src}
		if out.text {
			out.dw = newDiagWriter(w, o)
			src.dw = out.dw
		}
		// One record at a time: read, check, write, forget. What stays is a fingerprint
		// of each participant ID and where its first record is (validate.ParticipantIDs,
		// some 16 bytes a participant), for the records that repeat one.
		ids := validate.NewParticipantIDs()
		for i := 0; ; i++ {
			rec, err := src.next()
			if err == io.EOF {
				return out.finish()
			}
			if err != nil {
				return err
			}
			if req != nil && rec.Register == "" {
				rec.Register = ctx.register // the request's ?register=, unless the record says
			}
			first, updates, repeated := ids.Find(rec.SubjectKey)
			findings := validate.CheckContact(rec, opts)
			if req != nil {
				r := *req
				if updates {
					// An earlier record of this ID adds the participant, at the request's
					// site; this one updates it, so it is no new enrolment.
					r.Existing = &validate.Participant{SiteOID: req.SiteOID}
				}
				findings = append(findings, validate.CheckRequest(rec, r, opts)...)
				if len(findings) == 0 && !updates {
					req.Study.Enrolled++ // an accepted record adds a participant
				}
			}
			accepted := len(findings) == 0
			if !accepted {
				invalid = true
			}
			at := src.at()
			place := at.Row
			if place == 0 {
				place = at.Line
			}
			if repeated {
				findings = append(findings, validate.RepeatedParticipantID(rec.SubjectKey, recordPlace(at.Row > 0, first), updates, opts))
			}
			ids.Note(rec.SubjectKey, int64(place), accepted)
			if err := out.record(i, rec.SubjectKey, findings); err != nil {
				return err
			}
		}
	})
	if err != nil {
		return fail(e, "contacts", err)
	}
	if dw := src.dw; dw != nil && !o.quiet {
		dw.Summary(e.stderr, "contacts")
	}
	if invalid {
		return 1
	}
	return 0
}

// recordPlace names the record at place: a table's row, or the line a JSON record
// starts on.
func recordPlace(table bool, place int64) string {
	if table {
		return "row " + strconv.FormatInt(place, 10)
	}
	return "the record at line " + strconv.FormatInt(place, 10)
}

// contactsHelp describes the input formats and exit codes, since they are what people
// look up.
func contactsHelp() string {
	return fmt.Sprintf(`
Input (FILE, or stdin when FILE is absent or "-"): a JSON array of participant records
with the API's field names, CSV whose header row uses those names or the headers of
OpenClinica's bulk participant CSV (ParticipantID, FirstName, LastName, EmailAddress,
MobileNumber), or an .xlsx workbook whose sheet has such a header row (title rows above
it are skipped; a workbook with several sheets is read from the first that has one).
The input is recognized from its bytes, as by every command: CSV may start with a
byte-order mark, be separated by ",", ";" or tabs, end lines with CRLF and be UTF-8 or
UTF-16; CSV in an 8-bit character set needs --charset (a byte that is not UTF-8 is an
error naming its line and column, never replaced). JSON is UTF-8 or UTF-16. Fields:
  %s (also "identifier")

Request context: with --study (or any other context flag) every record is also checked
against the request it would be sent in, as the participant API checks it: the study and
site exist and are Available, the Participant ID Method, the caller's role (custom roles
such as "CRC (TEST)" act as their base role; --base-role or --custom-role NAME=BASE give
it), a site-level caller stays at their site, CRCs and Investigators cannot add
study-level participants, registration needs --participate, study-level participants get
no contact data, and --cap is not exceeded (every accepted record adds one to
--enrolled). Without --site the records go to the study-level endpoint. Every record is
a new participant, but one whose participant ID an earlier accepted record of the input
has: the API takes that one as an update of the participant, so it is checked as an
update and adds nothing to --enrolled.

A record that repeats the participant ID (subjectKey, trimmed, in the same letter case)
of an earlier record is a warning, contacts.repeatedParticipantID, naming the row (JSON:
the line) of the first record of the ID, with or without a request context; warnings do
not change the exit status. What is kept for it is a fingerprint of each ID and where
its first record is, some 16 to 32 bytes a participant.

A phone number in another form that has exactly one form the server takes
("+1 (555) 555-1212") is reported with that form as the suggestion when --values is given.

Findings are placed as every command places them: CSV records by the row a spreadsheet
shows (the header is row 1) and the column's header, FILE:ROW:COLUMN: error CODE: message;
JSON records by the line and column where the record starts, FILE:LINE:COL: error CODE:
field: message. The JSON output has one object per record with its "index" (from 0),
"file", "row" or "line" and "col", "subjectKey" and "errors" (each with "field", "column"
for CSV, "severity", "code", "message"). Output is written
as records are read; when the input turns out to be unreadable part-way, the command stops
there, leaving the JSON array unclosed so that it cannot pass for a complete result.

Exit status: 0 every record is valid, 1 some record is not, 2 the input cannot be read.
`, strings.Join(validate.ContactFields(), ", "))
}

// contactSource yields the records of a JSON, CSV or workbook input one at a time.
type contactSource struct {
	next func() (validate.Contact, error)
	// at returns the position of the record next returned last: File and Row (CSV,
	// workbook) or Line and Col (JSON).
	at func() Diagnostic
	// column names a field's column as the CSV header spells it ("" for JSON).
	column func(field string) string
	close  func() error // releases a workbook's temporary files
	dw     *diagWriter  // the text listing, for the summary
}

func (s *contactSource) Close() error {
	if s.close == nil {
		return nil
	}
	return s.close()
}

// newContactSource reads the records of an input the one input reader recognized (see
// internal/input): a JSON array, or a table (CSV in any of its dialects, or a workbook).
// Other kinds (ODM, odmadmin's JSON objects) get the reader's one-line error naming what
// the input is and what contacts reads.
func newContactSource(in *inp.Input, values bool) (*contactSource, error) {
	switch in.Kind {
	case inp.JSONArray:
		return newJSONContacts(in.Text(), in.Name)
	case inp.CSV, inp.XLSX:
		return newTableContacts(in, values)
	}
	return nil, in.Expect(inp.JSONArray, inp.CSV, inp.XLSX)
}

// lineTracker counts lines in what a reader hands out, so that a byte offset the JSON
// decoder reports turns into a line and column. It keeps only the line starts not yet
// asked about (offsets are asked for in increasing order), so memory stays small. It also
// refuses bytes that are not UTF-8, which the JSON decoder would silently turn into U+FFFD.
type lineTracker struct {
	r      io.Reader
	off    int64   // bytes read
	starts []int64 // offsets of line starts after the last one asked about
	line   int     // line number of lineStart
	start  int64   // offset of the start of that line
	name   string
	carry  []byte // an incomplete UTF-8 sequence at the end of the last read
	lines  int    // lines seen, for the position of a byte that is not UTF-8
	lstart int64  // offset of the start of the current line
	err    error
}

func (t *lineTracker) Read(p []byte) (int, error) {
	if t.err != nil {
		return 0, t.err
	}
	n, err := t.r.Read(p)
	if at, c, ok := t.checkUTF8(p[:n], err != nil); !ok {
		t.countLines(p[:max(at, 0)], false)
		t.err = &textError{fmt.Sprintf("%s:%d:%d: byte 0x%02X is not UTF-8; JSON must be UTF-8 (or UTF-16 with a byte-order mark)",
			t.name, t.lines+1, int(t.off+int64(at)-t.lstart)+1, c)}
		return 0, t.err
	}
	t.countLines(p[:n], true)
	t.off += int64(n)
	return n, err
}

// textError is an error in the text under the JSON, positioned already.
type textError struct{ msg string }

func (e *textError) Error() string { return e.msg }

// checkUTF8 checks that p continues the input as UTF-8. A sequence cut by the end of p is
// kept and checked with the next read; at the end of input it is invalid. When p is not
// UTF-8, at is the offset in p of the first byte that is not (negative when it is a byte
// carried from the read before) and c is that byte.
func (t *lineTracker) checkUTF8(p []byte, eof bool) (at int, c byte, ok bool) {
	i := 0
	if len(t.carry) > 0 {
		seq := append(t.carry[:len(t.carry):len(t.carry)], p[:min(len(p), utf8.UTFMax)]...)
		r, size := utf8.DecodeRune(seq)
		switch {
		case r != utf8.RuneError || size > 1:
			i = size - len(t.carry)
			t.carry = t.carry[:0]
		case !eof && !utf8.FullRune(seq):
			t.carry = seq // still cut short: p is shorter than the rest of the sequence
			return 0, 0, true
		default:
			return -len(t.carry), t.carry[0], false
		}
	}
	rest := p[i:]
	if utf8.Valid(rest) {
		return 0, 0, true
	}
	for j := 0; j < len(rest); {
		r, size := utf8.DecodeRune(rest[j:])
		if r == utf8.RuneError && size == 1 {
			if !eof && !utf8.FullRune(rest[j:]) {
				t.carry = append(t.carry[:0], rest[j:]...)
				return 0, 0, true
			}
			return i + j, rest[j], false
		}
		j += size
	}
	return 0, 0, true
}

// countLines counts the lines p ends (p continues the input at t.off), and with note
// keeps where the next ones start, for pos.
func (t *lineTracker) countLines(p []byte, note bool) {
	for i := 0; ; {
		k := bytes.IndexByte(p[i:], '\n')
		if k < 0 {
			return
		}
		i += k + 1
		t.lines++
		t.lstart = t.off + int64(i)
		if note {
			t.starts = append(t.starts, t.lstart)
		}
	}
}

// pos returns the 1-based line and column (in bytes) of offset off.
func (t *lineTracker) pos(off int64) (line, col int) {
	i := 0
	for i < len(t.starts) && t.starts[i] <= off {
		i++
	}
	if i > 0 {
		t.line += i
		t.start = t.starts[i-1]
		t.starts = t.starts[i:]
	}
	return t.line + 1, int(off-t.start) + 1
}

// isContactHeader reports whether row is a header row of contact fields: every cell that
// is not blank names a field. Title rows above the header (a workbook's heading) are
// skipped this way; a row with a misspelt column is not taken for the header, so the
// table starts at its first row and the check below names the column.
func isContactHeader(row []string) bool {
	n := 0
	for _, c := range row {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if _, ok := validate.FieldName(c); !ok {
			return false
		}
		n++
	}
	return n > 0
}

// newTableContacts reads contact records from a CSV file or a worksheet. The input
// reader bounds a CSV line and record (inp.Options) and a workbook's size, so memory per
// row stays bounded; rows are read one at a time.
func newTableContacts(in *inp.Input, values bool) (*contactSource, error) {
	t, err := in.Table(inp.TableOptions{IsHeader: isContactHeader, DateColumns: []string{"fullDob"}})
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			t.Close()
		}
	}()
	name := in.Name
	workbook := in.Kind == inp.XLSX
	if workbook {
		name = t.Name // the file and its sheet: "participants.xlsx[Sheet1]"
	}
	header, err := t.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty input: want a JSON array or a header row of contact fields", name)
	}
	if err != nil {
		return nil, err
	}
	headerRow := t.Row()
	if workbook {
		// A worksheet's row ends at its last cell with a value; trailing empty header
		// cells are formatting, not columns.
		for len(header) > 0 && strings.TrimSpace(header[len(header)-1]) == "" {
			header = header[:len(header)-1]
		}
	}
	cols := make([]string, len(header))
	colName := map[string]string{} // field -> the header cell that names it
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		field, ok := validate.FieldName(h)
		if !ok {
			// A file without a header row has a person's data here: the cell is named by
			// its column number, and shown only with --values.
			cell := ""
			if values {
				cell = fmt.Sprintf(" %q", h)
			}
			return nil, fmt.Errorf("%s:%d: column %d of the header%s is not a field name (is the header row missing?); the header row must use the API field names: %s (or identifier), or OpenClinica's bulk CSV headers ParticipantID, FirstName, LastName, EmailAddress, MobileNumber",
				name, headerRow, i+1, cell, strings.Join(validate.ContactFields(), ", "))
		}
		h = field
		key := h
		if h == validate.IdentifierAlias {
			key = "secondaryId" // the same field under two names would be ambiguous
		}
		if seen[key] {
			return nil, fmt.Errorf("%s:%d: column %q appears twice (identifier and secondaryId are one field, and so are a bulk CSV header and its API name)", name, headerRow, h)
		}
		seen[key] = true
		cols[i] = h
		// Findings name the field (secondaryId for an identifier column); the
		// diagnostic names the column by its header as written.
		colName[h] = strings.TrimSpace(header[i])
		colName[key] = colName[h]
	}
	// row is the row a spreadsheet shows: a worksheet's own row number; for CSV the
	// header's line (blank lines above it are rows too) plus one per record, since a
	// spreadsheet shows a record whose quoted field spans lines as one row.
	row := headerRow
	next := func() (validate.Contact, error) {
		for {
			rec, err := t.Read()
			if err != nil {
				// io.EOF, or the reader's one-line error with file and line or row: CSV
				// syntax, a byte that is not in the character set, a record past the limit.
				return validate.Contact{}, err
			}
			if workbook {
				row = t.Row()
				// Every column of the header names a field: a formula saved without its
				// value in one of them is a value that is not in the file.
				for _, c := range t.Uncalculated() {
					if c <= len(cols) {
						e := inp.UncalculatedError(row, c)
						e.Name = name
						return validate.Contact{}, e
					}
				}
				if blankRow(rec) {
					continue // an empty or only formatted worksheet row is no record
				}
				if len(rec) > len(cols) {
					for i := len(cols); i < len(rec); i++ {
						if strings.TrimSpace(rec[i]) != "" {
							return validate.Contact{}, fmt.Errorf("%s:%d: column %d has a value, but the header row has %d columns", name, row, i+1, len(cols))
						}
					}
					rec = rec[:len(cols)]
				}
			} else {
				row++
				if len(rec) != len(cols) {
					return validate.Contact{}, fmt.Errorf("%s:%d: %s, but the header row has %d", name, t.Row(), fieldCount(len(rec)), len(cols))
				}
			}
			var c validate.Contact
			for i, v := range rec {
				c.Set(cols[i], v) // cannot fail: the header was checked
			}
			return c, nil
		}
	}
	at := func() Diagnostic { return Diagnostic{File: name, Row: row} }
	column := func(field string) string {
		if c, ok := colName[field]; ok {
			return c
		}
		return field // a rule about a field the file has no column for
	}
	ok = true
	return &contactSource{next: next, at: at, column: column, close: t.Close}, nil
}

func blankRow(r []string) bool {
	for _, c := range r {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// maxContactRecord bounds one contact record, CSV row or JSON object: a record is a few
// hundred bytes of the API's fields, and neither encoding/csv nor the JSON decoder limits
// what it buffers for one (an unclosed quote would read the whole file into one field).
const maxContactRecord = 8 << 20

// recordGuard fails reading once more than max bytes (plus what a parser reads ahead)
// have been read past the end of the last complete record, so that memory stays bounded
// whatever the input: "constant memory" holds for hostile files too.
type recordGuard struct {
	r    io.Reader
	max  int64
	read int64 // bytes handed out
	end  int64 // parser offset of the end of the last record
	err  error
}

func (g *recordGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	left := g.max + 64<<10 - (g.read - g.end) // 64 KiB for what a parser reads ahead
	if left <= 0 {
		g.err = fmt.Errorf("%w: a record longer than %d bytes (an unclosed quote, or not a file of contact records?)", inp.ErrLimit, g.max)
		return 0, g.err
	}
	if int64(len(p)) > left {
		p = p[:left] // a decoder asks for more and more as its buffer grows
	}
	n, err := g.r.Read(p)
	g.read += int64(n)
	return n, err
}

// mark records the parser's offset at the end of a complete record.
func (g *recordGuard) mark(off int64) { g.end = off }

func fieldCount(n int) string {
	if n == 1 {
		return "1 field"
	}
	return strconv.Itoa(n) + " fields"
}

// contactWriter writes results as they come. JSON output is an array with one object per
// line; it is written by hand because the shape is fixed and encoding/json's reflection
// would dominate the cost per record.
type contactWriter struct {
	w      io.Writer
	text   bool
	values bool
	n      int
	buf    []byte
	src    *contactSource
	dw     *diagWriter // text: the diagnostic listing
}

func (cw *contactWriter) record(index int, subjectKey string, findings []validate.Finding) error {
	b := cw.buf[:0]
	at := cw.src.at()
	if cw.text {
		for _, f := range findings {
			d := at
			d.Severity, d.Code, d.Message = severity(f), string(f.Code), f.Message
			if d.Row > 0 {
				d.Column = cw.src.column(f.Field)
			} else if f.Field != "" {
				d.Message = f.Field + ": " + f.Message
			}
			if subjectKey != "" {
				d.Message += " (subjectKey " + string(appendTextValue(nil, subjectKey)) + ")"
			}
			if cw.values {
				d.Value = f.Value
				if d.Value == "" {
					d.Message += ` (value "")`
				}
				if f.Suggestion != "" {
					d.Message += " (suggestion " + strconv.Quote(f.Suggestion) + ")"
				}
			}
			if err := cw.dw.Write(d); err != nil {
				return err
			}
		}
		cw.n++
		return nil
	} else {
		if cw.n == 0 {
			b = append(b, "[\n"...)
		} else {
			b = append(b, ",\n"...)
		}
		b = append(b, `{"index":`...)
		b = strconv.AppendInt(b, int64(index), 10)
		b = append(b, `,"file":`...)
		b = jsontext.AppendString(b, at.File)
		if at.Row > 0 {
			b = append(b, `,"row":`...)
			b = strconv.AppendInt(b, int64(at.Row), 10)
		} else {
			b = append(b, `,"line":`...)
			b = strconv.AppendInt(b, int64(at.Line), 10)
			b = append(b, `,"col":`...)
			b = strconv.AppendInt(b, int64(at.Col), 10)
		}
		b = append(b, `,"subjectKey":`...)
		b = jsontext.AppendString(b, subjectKey)
		b = append(b, `,"errors":[`...)
		for i, f := range findings {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"field":`...)
			b = jsontext.AppendString(b, f.Field)
			if at.Row > 0 {
				b = append(b, `,"column":`...)
				b = jsontext.AppendString(b, cw.src.column(f.Field))
			}
			b = append(b, `,"severity":"`...)
			b = append(b, severity(f)...)
			b = append(b, `","code":`...)
			b = jsontext.AppendString(b, string(f.Code))
			b = append(b, `,"message":`...)
			b = jsontext.AppendString(b, f.Message)
			if cw.values {
				b = append(b, `,"value":`...)
				b = jsontext.AppendString(b, f.Value)
				if f.Suggestion != "" {
					b = append(b, `,"suggestion":`...)
					b = jsontext.AppendString(b, f.Suggestion)
				}
			}
			b = append(b, '}')
		}
		b = append(b, "]}"...)
	}
	cw.n++
	cw.buf = b
	_, err := cw.w.Write(b)
	return err
}

// severity is f's severity as the output writes it: error unless the finding says
// otherwise (a repeated participant ID is a warning).
func severity(f validate.Finding) string {
	if f.Severity == "" {
		return string(validate.SeverityError)
	}
	return string(f.Severity)
}

func (cw *contactWriter) finish() error {
	if cw.text {
		return cw.dw.Close()
	}
	end := "\n]\n"
	if cw.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(cw.w, end)
	return err
}

// appendTextValue writes a subject key into a text line as is when that is unambiguous,
// and Go-quoted when it is empty-looking or has spaces, quotes or control characters that
// would break the one-line-per-violation format.
func appendTextValue(b []byte, s string) []byte {
	for _, r := range s {
		if r <= ' ' || r == '"' || r == '(' || r == ')' || r == utf8.RuneError || !strconv.IsPrint(r) {
			return strconv.AppendQuote(b, s)
		}
	}
	return append(b, s...)
}
