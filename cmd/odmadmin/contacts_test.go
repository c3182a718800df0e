package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/validate"
)

// runCmd runs odmadmin in-process through the command table, as main does.
func runCmd(stdin io.Reader, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	code = run(&env{stdin: stdin, stdout: &out, stderr: &errb}, args)
	return code, out.String(), errb.String()
}

// contactResult is the documented JSON output shape. Value is a pointer so a test can tell
// a missing "value" key from an empty one.
type contactResult struct {
	Index      int    `json:"index"`
	File       string `json:"file"`
	Row        int    `json:"row"`  // CSV: the spreadsheet row, header = 1
	Line       int    `json:"line"` // JSON: where the record starts
	Col        int    `json:"col"`
	SubjectKey string `json:"subjectKey"`
	Errors     []struct {
		Field    string  `json:"field"`
		Column   string  `json:"column"` // CSV: the header that names the field
		Severity string  `json:"severity"`
		Code     string  `json:"code"`
		Message  string  `json:"message"`
		Value    *string `json:"value"`
		// Suggestion is set only with --values, for a phone number with one valid form.
		Suggestion *string `json:"suggestion"`
	} `json:"errors"`
}

func decodeResults(t *testing.T, stdout string) []contactResult {
	t.Helper()
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatalf("output is not a JSON array: %v\n%s", err, stdout)
	}
	out := make([]contactResult, len(raw))
	for i, r := range raw {
		dec := json.NewDecoder(bytes.NewReader(r))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&out[i]); err != nil {
			t.Fatalf("object %d: %v: %s", i, err, r)
		}
		if !bytes.Contains(r, []byte(`"errors":[`)) {
			t.Errorf("object %d: errors must be an array, never null: %s", i, r)
		}
	}
	return out
}

// TestContactsTextLine checks the text format: FILE:ROW:COLUMN: error CODE: message, the
// fourth record being row 5 of a spreadsheet (the header is row 1).
func TestContactsTextLine(t *testing.T) {
	in := "subjectKey,firstName\nSS-0,Ada\nSS-A,Ada\nSS-B,Ada\nSS-1," + strings.Repeat("x", 36) + "\n"
	code, stdout, stderr := runCmd(strings.NewReader(in), "contacts", "--format", "text")
	want := "<stdin>:5:firstName: error errorCode.firstNameTooLong: first name is 36 characters, over the limit of 35 (subjectKey SS-1)\n"
	if code != 1 || stdout != want || stderr != "" {
		t.Fatalf("exit %d\nstdout %q\nwant   %q\nstderr %q", code, stdout, want, stderr)
	}
}

// TestContactsJSONAndCSVAgree validates the same four records from CSV and from JSON (which
// uses the identifier alias) and expects the same result, derived from the seed's rules.
func TestContactsJSONAndCSVAgree(t *testing.T) {
	type want struct {
		subjectKey string
		codes      []string
	}
	wants := []want{
		{"SS-1", nil},
		{"SS-2", []string{"firstName errorCode.firstNameTooLong", "emailAddress errorCode.invalidEmailAddress", "phoneNumber errorCode.invalidPhoneNumber"}},
		{"SS<3>", []string{"subjectKey errorCode.participantIDContainsUnsupportedHTMLCharacter", "fullDob errorCode.invalidFullDob", "register errorCode.invalidRegisterValue"}},
		{"SS-4", nil},
	}
	var outputs []string
	for _, file := range []string{"mixed.csv", "mixed.json"} {
		path := filepath.Join("testdata", "contacts", file)
		code, stdout, stderr := runCmd(nil, "contacts", filepath.Join("testdata", "contacts", file))
		if code != 1 || stderr != "" {
			t.Fatalf("%s: exit %d, stderr %q", file, code, stderr)
		}
		res := decodeResults(t, stdout)
		if len(res) != len(wants) {
			t.Fatalf("%s: %d results for %d records", file, len(res), len(wants))
		}
		for i, r := range res {
			var got []string
			for _, e := range r.Errors {
				got = append(got, e.Field+" "+e.Code)
				if e.Value != nil {
					t.Errorf("%s record %d: value key without --values", file, i)
				}
			}
			if r.Index != i || r.SubjectKey != wants[i].subjectKey || fmt.Sprint(got) != fmt.Sprint(wants[i].codes) {
				t.Errorf("%s record %d: got %d %q %v, want %q %v", file, i, r.Index, r.SubjectKey, got, wants[i].subjectKey, wants[i].codes)
			}
			// Both fixtures hold one record per line after the header or the "[" line: the
			// CSV's spreadsheet row and the JSON record's line are both i+2.
			if file == "mixed.csv" && (r.Row != i+2 || r.Line != 0) || file == "mixed.json" && (r.Line != i+2 || r.Col != 3 || r.Row != 0) || r.File != path {
				t.Errorf("%s record %d: at %s row %d line %d col %d", file, i, r.File, r.Row, r.Line, r.Col)
			}
			for _, e := range r.Errors {
				if e.Severity != "error" || (file == "mixed.csv") != (e.Column == e.Field) {
					t.Errorf("%s record %d: error %+v: severity error, and the column (CSV only)", file, i, e)
				}
			}
		}
		// Apart from where each record is, the outputs agree.
		pos := regexp.MustCompile(`"file":"[^"]*",("row":\d+|"line":\d+,"col":\d+),|,"column":"[^"]*"`)
		outputs = append(outputs, pos.ReplaceAllString(stdout, ""))
	}
	if outputs[0] != outputs[1] {
		t.Errorf("CSV and JSON input gave different output:\n%s\n%s", outputs[0], outputs[1])
	}
}

func TestContactsValues(t *testing.T) {
	in := `[{"subjectKey":"SS-1","phoneNumber":"555-0100 Ada"}]`
	_, without, _ := runCmd(strings.NewReader(in), "contacts")
	if strings.Contains(without, "555-0100") {
		t.Errorf("value in output without --values: %s", without)
	}
	code, with, _ := runCmd(strings.NewReader(in), "contacts", "--values")
	res := decodeResults(t, with)
	if code != 1 || len(res) != 1 || len(res[0].Errors) != 1 || res[0].Errors[0].Value == nil || *res[0].Errors[0].Value != "555-0100 Ada" {
		t.Errorf("--values: exit %d, %s", code, with)
	}
	_, text, _ := runCmd(strings.NewReader(in), "contacts", "--values", "--format=text")
	if !strings.HasSuffix(text, ` (value "555-0100 Ada")`+"\n") {
		t.Errorf("--values text: %q", text)
	}
}

func TestContactsExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, reason string
		stdin        string
		args         []string
		code         int
		stdout       string // exact, when not empty
		stderr       []string
	}{
		{name: "valid-csv", reason: "every record valid: exit 0", args: []string{"testdata/contacts/valid.csv"}, code: 0},
		{name: "valid-stdin-dash", reason: "- reads stdin", stdin: `[{"subjectKey":"SS-1"}]`, args: []string{"-"}, code: 0,
			stdout: "[\n{\"index\":0,\"file\":\"<stdin>\",\"line\":1,\"col\":2,\"subjectKey\":\"SS-1\",\"errors\":[]}\n]\n"},
		{name: "empty-array", reason: "no records are all valid", stdin: " \n[]", code: 0, stdout: "[]\n"},
		{name: "header-only", reason: "a CSV header without rows has no records", stdin: "subjectKey,firstName\n", code: 0, stdout: "[]\n"},
		{name: "header-only-text", reason: "text output of no violations is empty", stdin: "subjectKey\n", args: []string{"--format", "text"}, code: 0},
		{name: "invalid", reason: "an invalid record: exit 1", stdin: "subjectKey\n<x>\n", code: 1},
		{name: "field-count", reason: "a CSV row with the wrong number of fields names file and line",
			args: []string{"testdata/contacts/bad-fieldcount.csv"}, code: 2,
			stderr: []string{"odmadmin contacts: testdata/contacts/bad-fieldcount.csv:4: 3 fields, but the header row has 2"}},
		{name: "bare-quote", reason: "CSV syntax errors name the line and column, as the input reader of every command says them", stdin: "subjectKey,firstName\nSS-1,Ada\nSS-2,A\"da\n", code: 2,
			stderr: []string{"<stdin>: line 3, column 7: bare \""}},
		{name: "bom-and-blank-lines", reason: "a byte order mark and leading blank lines do not shift line numbers",
			stdin: "\ufeff\n\nsubjectKey,firstName\nSS-1,Ada\nSS-2\n", code: 2, stderr: []string{"<stdin>:5: 1 field, but the header row has 2"}},
		{name: "bom-csv-ok", reason: "a spreadsheet's byte order mark is not part of the first column name",
			stdin: "\ufeffsubjectKey,firstName\nSS-1,Ada\n", code: 0},
		{name: "unknown-column", reason: "a misspelt column is an error, not silently ignored",
			stdin: "subjectKey,first_name\nSS-1,Ada\n", code: 2, stderr: []string{"<stdin>:1: column 2 of the header is not a field name"}},
		{name: "unknown-column-values", reason: "--values shows the cell", args: []string{"--values"},
			stdin: "subjectKey,first_name\nSS-1,Ada\n", code: 2, stderr: []string{"<stdin>:1: column 2 of the header \"first_name\" is not a field name"}},
		{name: "both-secondary-columns", reason: "identifier and secondaryId are one field",
			stdin: "secondaryId,identifier\nA,B\n", code: 2, stderr: []string{"appears twice"}},
		{name: "json-syntax", reason: "malformed JSON names the file and where", stdin: `[{"subjectKey":"SS-1"},{"subjectKey":}]`, code: 2,
			stderr: []string{"<stdin>:1:38: record 1: invalid character '}' looking for beginning of value"}},
		{name: "json-missing-comma", reason: "elements need commas", stdin: `[{"subjectKey":"A"} {"subjectKey":"B"}]`, code: 2,
			stderr: []string{"<stdin>:"}},
		{name: "json-unknown-key", reason: "an unknown key is an error", stdin: `[{"subjectKey":"SS-1","nickname":"A"}]`, code: 2,
			stderr: []string{"record 0", "nickname"}},
		{name: "json-number", reason: "values must be strings", stdin: `[{"postalCode":12345}]`, code: 2, stderr: []string{"record 0"}},
		{name: "json-null-record", reason: "null is not a record", stdin: `[null]`, code: 2, stderr: []string{"record 0", "null"}},
		{name: "json-not-closed", reason: "a truncated array is unreadable", stdin: `[{"subjectKey":"SS-1"}`, code: 2,
			stderr: []string{"not closed"}},
		{name: "json-trailing", reason: "data after the array is unreadable", stdin: `[] {}`, code: 2, stderr: []string{"after the closing ]"}},
		{name: "json-scalar-element", reason: "an element must be an object", stdin: `["SS-1"]`, code: 2, stderr: []string{"record 0"}},
		{name: "empty", reason: "empty input is neither JSON nor CSV", stdin: " \n\t", code: 2, stderr: []string{"<stdin>: unrecognized input: the input holds only white space"}},
		{name: "missing-file", reason: "an unopenable file is exit 2", args: []string{filepath.Join(dir, "nope.csv")}, code: 2,
			stderr: []string{"nope.csv"}},
		{name: "file-arg", reason: "a file named on the command line is read",
			args: []string{write("x.json", `[{"subjectKey":"SS-9","emailAddress":"ada@example.org"}]`)}, code: 0},
		{name: "bad-format", reason: "only json and text exist", args: []string{"--format", "xml"}, code: 2, stderr: []string{"--format"}},
		{name: "two-files", reason: "one input at most", args: []string{"a", "b"}, code: 2, stderr: []string{"at most one"}},
		{name: "help", reason: "--help succeeds and documents the fields and exit codes", args: []string{"--help"}, code: 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.reason == "" {
				t.Fatal("test case needs a reason")
			}
			code, stdout, stderr := runCmd(strings.NewReader(tc.stdin), append([]string{"contacts"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("%s: exit %d, want %d\nstdout %s\nstderr %s", tc.reason, code, tc.code, stdout, stderr)
			}
			if tc.stdout != "" && stdout != tc.stdout {
				t.Errorf("stdout %q, want %q", stdout, tc.stdout)
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr %q lacks %q", stderr, s)
				}
			}
			if code == 2 && tc.name != "bad-format" && tc.name != "two-files" && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("want a one-line error, got %q", stderr)
			}
			if code < 2 && tc.args != nil && tc.args[0] == "--help" {
				for _, f := range append(validate.ContactFields(), "identifier", "Exit status") {
					if !strings.Contains(stdout, f) {
						t.Errorf("help lacks %q: %s", f, stdout)
					}
				}
			} else if code < 2 && !strings.Contains(strings.Join(tc.args, " "), "text") {
				decodeResults(t, stdout)
			}
		})
	}
}

func TestContactsRegistered(t *testing.T) {
	_, stdout, _ := runCmd(nil, "--help")
	if !strings.Contains(stdout, "contacts") {
		t.Errorf("odmadmin --help does not list contacts:\n%s", stdout)
	}
}

func TestContactsTextQuotesSubjectKey(t *testing.T) {
	in := `[{"subjectKey":"SS 1\n","firstName":"` + strings.Repeat("x", 36) + `"}]`
	_, stdout, _ := runCmd(strings.NewReader(in), "contacts", "--format", "text")
	if !strings.HasPrefix(stdout, `<stdin>:1:2: error errorCode.firstNameTooLong: firstName: `) || !strings.Contains(stdout, `(subjectKey "SS 1\n")`) || strings.Count(stdout, "\n") != 1 {
		t.Errorf("a subject key with a newline must not break the line format: %q", stdout)
	}
}

// countingReader serves generated CSV records and remembers how far it got, so a test can
// see whether output appeared before the input was used up.
type countingReader struct {
	n, total int
	served   int // records handed out
	buf      []byte
	started  bool
	ended    bool
	json     bool
}

func (r *countingReader) Read(p []byte) (int, error) {
	if !r.started {
		r.started = true
		if r.json {
			r.buf = append(r.buf, '[')
		} else {
			r.buf = append(r.buf, "subjectKey,firstName,lastName,emailAddress,phoneNumber\n"...)
		}
	}
	for len(r.buf) < len(p) && r.n < r.total {
		r.buf = r.appendRecord(r.buf)
	}
	if r.n == r.total && !r.ended {
		r.ended = true
		if r.json {
			r.buf = append(r.buf, "]\n"...)
		}
	}
	if len(r.buf) == 0 {
		return 0, io.EOF
	}
	k := copy(p, r.buf)
	r.buf = r.buf[k:]
	return k, nil
}

func (r *countingReader) appendRecord(b []byte) []byte {
	i := r.n
	r.n++
	r.served = r.n
	first := "Ada"
	if i%10 == 0 {
		first = strings.Repeat("Ada", 12) // 36 characters: one record in ten is invalid
	}
	if r.json {
		if i > 0 {
			b = append(b, ',')
		}
		return fmt.Appendf(b, `{"subjectKey":"SS-%d","firstName":"%s","lastName":"Example","emailAddress":"ada%d@example.org","phoneNumber":"+1 202555%04d"}`, i, first, i, i%10000)
	}
	return fmt.Appendf(b, "SS-%d,%s,Example,ada%d@example.org,+1 202555%04d\n", i, first, i, i%10000)
}

// firstWriteWatcher records how many input records had been read when output first arrived.
type firstWriteWatcher struct {
	src     *countingReader
	atFirst int
	bytes   int
}

func (w *firstWriteWatcher) Write(p []byte) (int, error) {
	if w.bytes == 0 {
		w.atFirst = w.src.served
	}
	w.bytes += len(p)
	return len(p), nil
}

// TestContactsStreams proves the command streams: with 200,000 records, output starts long
// before the input has been read, which cannot happen if records are collected first.
func TestContactsStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 200,000 records")
	}
	for _, isJSON := range []bool{false, true} {
		src := &countingReader{total: 200_000, json: isJSON}
		w := &firstWriteWatcher{src: src}
		code := run(&env{stdin: src, stdout: w, stderr: io.Discard}, []string{"contacts"})
		if code != 1 {
			t.Fatalf("json=%v: exit %d, want 1 (one record in ten is invalid)", isJSON, code)
		}
		if w.atFirst == 0 || w.atFirst > src.total/10 {
			t.Errorf("json=%v: first output after %d of %d records were read", isJSON, w.atFirst, src.total)
		}
	}
}

// FuzzContacts feeds arbitrary input to the command: it must never panic, must exit 0, 1
// or 2, and whenever it exits 0 or 1 its JSON output must parse.
func FuzzContacts(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "contacts", "*"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`[{"subjectKey":"SS-1","identifier":"X","secondaryId":"Y"}]`))
	f.Add([]byte("subjectKey\n\"unterminated\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		code, stdout, stderr := runCmd(bytes.NewReader(in), "contacts")
		switch code {
		case 0, 1:
			var res []json.RawMessage
			if err := json.Unmarshal([]byte(stdout), &res); err != nil {
				t.Fatalf("exit %d with unparsable output: %v\n%s", code, err, stdout)
			}
		case 2:
			if stderr == "" {
				t.Fatal("exit 2 without an error message")
			}
		default:
			t.Fatalf("exit %d", code)
		}
	})
}

// BenchmarkContacts measures the whole command on generated input: decode, validate and
// encode. One record in ten is invalid.
func BenchmarkContacts(b *testing.B) {
	const n = 100_000
	for _, format := range []string{"csv", "json"} {
		b.Run(format, func(b *testing.B) {
			src := &countingReader{total: n, json: format == "json"}
			input, err := io.ReadAll(src)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(input)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				code := run(&env{stdin: bytes.NewReader(input), stdout: io.Discard, stderr: io.Discard}, []string{"contacts"})
				if code != 1 {
					b.Fatalf("exit %d", code)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// hugeRecordReader hands out head, then fill bytes up to n bytes in all, counting what was read.
type hugeRecordReader struct {
	head      string
	fill      byte
	n, read   int64
	tailAfter string
}

func (r *hugeRecordReader) Read(p []byte) (int, error) {
	if r.read >= r.n {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && r.read < r.n {
		switch {
		case r.read < int64(len(r.head)):
			p[k] = r.head[r.read]
		case r.read >= r.n-int64(len(r.tailAfter)):
			p[k] = r.tailAfter[r.read-(r.n-int64(len(r.tailAfter)))]
		default:
			p[k] = r.fill
		}
		k++
		r.read++
	}
	return k, nil
}

// TestContactsRecordLimit feeds records far longer than any contact (an unclosed quote, a
// huge field, a huge JSON string): the command must refuse with exit 2 and one line naming
// the limit, having read only a little past the limit, not the whole 64 MiB input (neither
// encoding/csv nor encoding/json bounds what it buffers for one record).
func TestContactsRecordLimit(t *testing.T) {
	const size = 64 << 20
	tests := []struct {
		name, head, tail, where string
		fill                    byte
	}{
		{"a huge CSV field", "subjectKey,emailAddress\nSS-1,a@example.org\n", ",x@example.org\n", "<stdin>: line 3: ", 'a'},
		{"an unclosed quote", "subjectKey,emailAddress\n\"", "\n", "<stdin>: line 2: ", 'a'},
		{"an unclosed quote over many lines", "subjectKey,emailAddress\n\"", "\n", "a record longer than 8388608 bytes", '\n'},
		{"a huge JSON string", `[{"subjectKey":"SS-1"},{"subjectKey":"`, `"}]`, "record 1", 'a'},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &hugeRecordReader{head: tc.head, fill: tc.fill, n: size, tailAfter: tc.tail}
			code, _, stderr := runCmd(r, "contacts", "--format", "text")
			if code != 2 || !strings.Contains(stderr, "input limit exceeded") || !strings.Contains(stderr, tc.where) || strings.Count(stderr, "\n") != 1 {
				t.Fatalf("exit %d, stderr %q: want exit 2 and one line at %s naming the limit", code, stderr, tc.where)
			}
			if r.read > 12<<20 {
				t.Errorf("read %d MiB of the input before refusing it; want the limit (8 MiB) and a little read-ahead", r.read>>20)
			}
		})
	}
}

// TestContactsTrailingDataNamesNoValue checks that JSON after the closing bracket is
// refused with exit 2 by the kind of value found, never by its text (it may be a person's
// e-mail address or name).
func TestContactsTrailingDataNamesNoValue(t *testing.T) {
	for _, tc := range []struct{ trailing, kind string }{
		{`"ada.secret@example.org"`, "a string"},
		{`12345`, "a number"},
		{`{"emailAddress":"ada.secret@example.org"}`, `"{"`},
	} {
		in := `[{"subjectKey":"SS-1"}] ` + tc.trailing
		code, _, stderr := runCmd(strings.NewReader(in), "contacts")
		if code != 2 || !strings.Contains(stderr, "unexpected "+tc.kind+" after the closing ]") {
			t.Errorf("trailing %s: exit %d, stderr %q; want 2 and %q", tc.trailing, code, stderr, tc.kind)
		}
		if strings.Contains(stderr, "ada.secret") || strings.Contains(stderr, "12345") {
			t.Errorf("trailing %s: the message quotes the value: %q", tc.trailing, stderr)
		}
	}
}

// TestContactsColumnAsWritten: a finding is placed at the column's header as the file
// writes it; findings name the field secondaryId, but a CSV whose header says identifier
// (the API's older name) has no column of that name.
func TestContactsColumnAsWritten(t *testing.T) {
	long := strings.Repeat("x", 36)
	for _, tc := range []struct {
		reason, in, format, want string
	}{
		{"text: the identifier column is named identifier", "identifier,firstName\n" + long + ",Ada\n", "text",
			"<stdin>:2:identifier: error errorCode.secondaryIdTooLong"},
		{"json: the column is identifier, the field secondaryId", "subjectKey,identifier\nSS-1," + long + "\n", "json",
			`"field":"secondaryId","column":"identifier"`},
	} {
		_, stdout, stderr := runCmd(strings.NewReader(tc.in), "contacts", "--format", tc.format)
		if !strings.Contains(stdout, tc.want) {
			t.Errorf("%s: want %q in\n%s%s", tc.reason, tc.want, stdout, stderr)
		}
	}
}
