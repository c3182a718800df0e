package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// contactOutcome is what a record's result says, apart from where the record is.
func contactOutcomes(t *testing.T, stdout string) []string {
	t.Helper()
	var out []string
	for _, r := range decodeResults(t, stdout) {
		var codes []string
		for _, e := range r.Errors {
			codes = append(codes, e.Field+" "+e.Code)
		}
		out = append(out, fmt.Sprintf("%s row %d %v", r.SubjectKey, r.Row, codes))
	}
	return out
}

func encodeUTF16(t *testing.T, b []byte, order unicode.Endianness, bom unicode.BOMPolicy) []byte {
	t.Helper()
	out, _, err := transform.Bytes(unicode.UTF16(order, bom).NewEncoder(), b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestContactsCSVDialects reads the same four fictitious participants in every CSV
// dialect a spreadsheet program writes and expects the results of the plain UTF-8 comma
// file: the same records, findings and spreadsheet rows. contacts reads through the one
// input reader of every command, so a dialect another command reads, contacts reads.
func TestContactsCSVDialects(t *testing.T) {
	plain, err := os.ReadFile(filepath.Join("testdata", "contacts", "mixed.csv"))
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCmd(bytes.NewReader(plain), "contacts")
	if code != 1 {
		t.Fatalf("plain CSV: exit %d, %s", code, stderr)
	}
	want := contactOutcomes(t, stdout)
	if len(want) != 4 {
		t.Fatalf("plain CSV: %d records, want 4", len(want))
	}
	sep := func(s string) []byte { return []byte(strings.ReplaceAll(string(plain), ",", s)) }
	crlf := func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")) }
	cases := []struct {
		name, reason string
		in           []byte
	}{
		{"semicolon", "Excel writes ; where the decimal mark is a comma", sep(";")},
		{"semicolon-crlf-bom", "as Excel saves \"CSV UTF-8\": a byte-order mark and CRLF", append([]byte("\ufeff"), crlf(sep(";"))...)},
		{"sep-line", "a first line sep=; names the separator (Excel reads and writes it)", append([]byte("sep=;\n"), sep(";")...)},
		{"tab", "tab-separated text", sep("\t")},
		{"utf16le-bom-tab", "Excel's \"Unicode text\": UTF-16LE with a byte-order mark, tabs, CRLF", encodeUTF16(t, crlf(sep("\t")), unicode.LittleEndian, unicode.UseBOM)},
		{"utf16be-bom", "UTF-16BE with a byte-order mark", encodeUTF16(t, plain, unicode.BigEndian, unicode.UseBOM)},
		{"utf16le-no-bom", "UTF-16LE without a byte-order mark, told by its zero bytes", encodeUTF16(t, plain, unicode.LittleEndian, unicode.IgnoreBOM)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(bytes.NewReader(tc.in), "contacts")
			if code != 1 || stderr != "" {
				t.Fatalf("%s: exit %d, stderr %q", tc.reason, code, stderr)
			}
			got := contactOutcomes(t, stdout)
			if tc.name == "sep-line" {
				// The sep= line is line 1 of the file: the header is on line 2.
				for i := range want {
					want := strings.Replace(want[i], fmt.Sprintf(" row %d ", i+2), fmt.Sprintf(" row %d ", i+3), 1)
					if got[i] != want {
						t.Errorf("%s: record %d: %s, want %s", tc.reason, i, got[i], want)
					}
				}
				return
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s:\ngot  %v\nwant %v", tc.reason, got, want)
			}
		})
	}
}

// TestContactsCharset reads a windows-1252 CSV of fictitious people: with --charset the
// names are decoded (the value shown with --values is the UTF-8 text), without it the
// first byte that is not UTF-8 is an error naming its line and column, never a silent
// U+FFFD, and never quoting the person's data.
func TestContactsCharset(t *testing.T) {
	long := "Zoë" + strings.Repeat("x", 33) // 36 characters: over the first-name limit
	text := "subjectKey;firstName;lastName\r\nSS-1;Jürgen;Beispiel\r\nSS-2;" + long + ";Müller\r\n"
	cp1252, err := charmap.Windows1252.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCmd(bytes.NewReader(cp1252), "contacts", "--charset", "windows-1252", "--values")
	if code != 1 || stderr != "" {
		t.Fatalf("--charset windows-1252: exit %d, stderr %q", code, stderr)
	}
	res := decodeResults(t, stdout)
	if len(res) != 2 || len(res[0].Errors) != 0 || len(res[1].Errors) != 1 || res[1].Errors[0].Value == nil || *res[1].Errors[0].Value != long {
		t.Fatalf("--charset windows-1252: want SS-2's first name decoded as %q: %s", long, stdout)
	}
	if res[1].Row != 3 || res[1].Errors[0].Column != "firstName" {
		t.Errorf("SS-2 is at row 3, column firstName: %+v", res[1])
	}

	code, stdout, stderr = runCmd(bytes.NewReader(cp1252), "contacts")
	// "Jürgen": the ü (0xFC) is the 7th byte of line 2 (SS-1;J is 6 bytes).
	wantErr := "odmadmin contacts: <stdin>: line 2, column 7: byte 0xFC is not UTF-8; name the file's character set with --charset"
	if code != 2 || !strings.HasPrefix(stderr, wantErr) || strings.Count(stderr, "\n") != 1 {
		t.Errorf("no --charset: exit %d, stderr %q; want exit 2 and %q", code, stderr, wantErr)
	}
	if strings.Contains(stderr, "rgen") || strings.Contains(stdout, "\uFFFD") {
		t.Errorf("no --charset: the error quotes the name, or U+FFFD reached the output: %q %q", stderr, stdout)
	}

	code, _, stderr = runCmd(bytes.NewReader(cp1252), "contacts", "--charset", "klingon")
	if code != 2 || !strings.Contains(stderr, "--charset") {
		t.Errorf("unknown --charset: exit %d, %q", code, stderr)
	}
}

// TestContactsWorkbook reads participants from an .xlsx workbook as a coordinator keeps
// them: an instructions sheet first, a title row above the header, a date of birth typed
// as an Excel date, a blank row, and formatting right of the last column. Findings cite
// the worksheet's own rows.
func TestContactsWorkbook(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "participants.xlsx")
	write := func(extra bool) {
		f := excelize.NewFile()
		defer f.Close()
		f.SetSheetName("Sheet1", "Read me")
		f.SetCellValue("Read me", "A1", "Fill in the Participants sheet.")
		if _, err := f.NewSheet("Participants"); err != nil {
			t.Fatal(err)
		}
		rows := [][]any{
			{"Participants of study DEMO"},
			{"subjectKey", "FirstName", "lastName", "fullDob", "register"},
			{"SS-1", "Ada", "Example", time.Date(1980, 2, 29, 0, 0, 0, 0, time.UTC), "n"},
			{},
			{"SS-2", strings.Repeat("Ada", 12), "Example", "1980-13-01", "y"},
		}
		if extra {
			rows[4] = append(rows[4], "ada.secret@example.org")
		}
		for i, r := range rows {
			if err := f.SetSheetRow("Participants", fmt.Sprintf("A%d", i+1), &r); err != nil {
				t.Fatal(err)
			}
		}
		// A styled but empty cell right of the header: formatting, not a column.
		style, _ := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFFF00"}}})
		f.SetCellStyle("Participants", "G2", "G5", style)
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
	}
	write(false)
	code, stdout, stderr := runCmd(nil, "contacts", path)
	if code != 1 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	got := contactOutcomes(t, stdout)
	want := []string{
		"SS-1 row 3 []", // the date cell is read as 1980-02-29, a valid date of birth
		"SS-2 row 5 [firstName errorCode.firstNameTooLong fullDob errorCode.invalidFullDob]",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("\ngot  %v\nwant %v", got, want)
	}
	res := decodeResults(t, stdout)
	if res[1].File != path+"[Participants]" || res[1].Errors[0].Column != "FirstName" {
		t.Errorf("want the file and sheet, and the header's spelling of the column: %+v", res[1])
	}
	_, text, _ := runCmd(nil, "contacts", "--format", "text", path)
	if !strings.HasPrefix(text, path+"[Participants]:5:FirstName: error errorCode.firstNameTooLong: ") {
		t.Errorf("text: %q", text)
	}

	// A value right of the header's last column would be read by no field: an error
	// naming the row and column, not the value.
	write(true)
	code, _, stderr = runCmd(nil, "contacts", path)
	if code != 2 || !strings.Contains(stderr, "[Participants]:5: column 6 has a value, but the header row has 5 columns") || strings.Contains(stderr, "ada.secret") {
		t.Errorf("value outside the header: exit %d, %q", code, stderr)
	}
}

// TestContactsRefusesOtherInputs checks that inputs contacts does not read get the input
// reader's one line saying what the input is and what is accepted.
func TestContactsRefusesOtherInputs(t *testing.T) {
	cases := []struct {
		name, reason string
		in           []byte
		want         string
	}{
		{"odm", "an ODM file is not a list of participants", []byte(`<?xml version="1.0"?><ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"/>`),
			"<stdin>: unrecognized input: it is an ODM XML; want JSON array, CSV or Excel workbook"},
		{"directory-json", "map's JSON is a directory of users", []byte(`{"users":[]}`),
			"<stdin>: unrecognized input: it is a directory JSON; want JSON array, CSV or Excel workbook"},
		{"xls", "Excel 97-2003 has no reader: the way out is named", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"),
			"save it as .xlsx (without a password) or CSV"},
		{"binary", "binary data says what it saw and what is accepted", []byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08"),
			"binary data (first bytes 00 01 02 03 04 05 06 07); want ODM XML, odmadmin's JSON, CSV or an .xlsx workbook"},
		{"json-not-utf8", "JSON in an 8-bit character set is an error at the byte, never U+FFFD",
			[]byte("[\n {\"subjectKey\":\"SS-1\",\"firstName\":\"J\xFCrgen\"}\n]"),
			"<stdin>:2:37: byte 0xFC is not UTF-8; JSON must be UTF-8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(bytes.NewReader(tc.in), "contacts")
			if code != 2 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("%s: exit %d, stderr %q; want exit 2 and one line with %q", tc.reason, code, stderr, tc.want)
			}
			if strings.Contains(stderr, "rgen") || strings.Contains(stdout, "\uFFFD") {
				t.Errorf("%s: personal data in the error, or U+FFFD in the output", tc.reason)
			}
		})
	}
}

// TestContactsUTF16JSON reads JSON saved as UTF-16, with the record's line and column.
func TestContactsUTF16JSON(t *testing.T) {
	in := encodeUTF16(t, []byte("[\n  {\"subjectKey\":\"<x>\",\"lastName\":\"Müller\"}\n]\n"), unicode.LittleEndian, unicode.UseBOM)
	code, stdout, stderr := runCmd(bytes.NewReader(in), "contacts", "--format", "text")
	want := "<stdin>:2:3: error errorCode.participantIDContainsUnsupportedHTMLCharacter: subjectKey: "
	if code != 1 || !strings.HasPrefix(stdout, want) {
		t.Errorf("exit %d, stdout %q, stderr %q; want %q", code, stdout, stderr, want)
	}
}

// TestContactsSingleObject: one request body as the API takes it ({"subjectKey": ...}) is
// not a JSON array; the error said to give the ODM JSON of convert or the directory of
// map, which contacts does not read either, and now says what contacts reads.
func TestContactsSingleObject(t *testing.T) {
	code, _, stderr := runCmd(strings.NewReader(`{"subjectKey":"OHIO-5","firstName":"OHIO-5"}`), "contacts")
	if code != 2 || !strings.Contains(stderr, "contacts reads a JSON array of participant records: put a single record in [ ]") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
