package input

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

func utf16le(s string, bom bool) []byte {
	b, _, _ := transform.Bytes(unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder(), []byte(s))
	if bom {
		return append([]byte{0xFF, 0xFE}, b...)
	}
	return b
}

func utf16be(s string) []byte {
	b, _, _ := transform.Bytes(unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewEncoder(), []byte(s))
	return append([]byte{0xFE, 0xFF}, b...)
}

func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want Kind
		err  string // substring of the error when one is wanted
	}{
		{"ODM XML", []byte(`<?xml version="1.0"?><ODM/>`), ODM, ""},
		{"ODM after a UTF-8 BOM and spaces", []byte("\xEF\xBB\xBF\n  <ODM/>"), ODM, ""},
		{"UTF-16LE ODM with BOM", utf16le(`<?xml version="1.0" encoding="UTF-16"?><ODM/>`, true), ODM, ""},
		{"UTF-16LE ODM without BOM", utf16le(`<?xml version="1.0"?><ODM/>`, false), ODM, ""},
		{"UTF-16BE ODM", utf16be(`<?xml version="1.0"?><ODM/>`), ODM, ""},
		{"declared 8-bit ODM", []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><ODM><x>\xE9</x></ODM>"), ODM, ""},
		{"ODM JSON", []byte(`{"odm":{"version":"1.3.2"}}`), ODMJSON, ""},
		{"directory JSON", []byte(`{"studies":[],"sites":[],"users":[]}`), DirectoryJSON, ""},
		{"UTF-16 directory JSON", utf16le(`{"users":[]}`, true), DirectoryJSON, ""},
		{"empty JSON object is a directory", []byte(`{}`), DirectoryJSON, ""},
		{"other JSON object", []byte(`{"foo":1}`), Unknown, `first member is "foo"`},
		{"JSON array", []byte(`[{"subjectKey":"1"}]`), JSONArray, ""},
		{"CSV", []byte("First Name,Last Name\nAda,Lovelace\n"), CSV, ""},
		{"windows-1252 CSV is text", []byte("First Name;Last Name\nRen\xE9;Dupr\xE9\n"), CSV, ""},
		{"UTF-16 TSV (Excel Unicode text)", utf16le("First Name\tLast Name\r\nAda\tLovelace\r\n", true), CSV, ""},
		{"empty", nil, Unknown, "empty"},
		{"white space only", []byte(" \n\t"), Unknown, "white space"},
		{"xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}, Unknown, "save it as .xlsx"},
		{"xlsb", zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>", "xl/workbook.bin": "x"}), Unknown, ".xlsb), which odmadmin does not read; save it as .xlsx or CSV"},
		{"ods", zipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}), Unknown, ".ods"},
		{"other zip", zipOf(t, map[string]string{"a.txt": "x"}), Unknown, "not an Excel workbook"},
		{"damaged zip", []byte("PK\x03\x04garbage"), Unknown, "damaged zip"},
		{"HTML table saved as .xls", []byte("<html><body><table><tr><td>x</td></tr></table></body></html>"), Unknown, "HTML page"},
		{"gzip", []byte{0x1F, 0x8B, 8, 0}, Unknown, "gunzip"},
		{"PNG", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), Unknown, "binary data (first bytes 89 50 4E 47"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, err := New(bytes.NewReader(tc.in), "f", Options{})
			if tc.err != "" {
				if err == nil {
					t.Fatalf("got kind %q, want an error containing %q", in.Kind, tc.err)
				}
				if !strings.Contains(err.Error(), tc.err) || !errors.Is(err, ErrUnknown) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("error %q: want one line wrapping ErrUnknown containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if in.Kind != tc.want {
				t.Fatalf("kind %q, want %q", in.Kind, tc.want)
			}
		})
	}
}

func TestExpect(t *testing.T) {
	in, err := New(strings.NewReader("a,b\n"), "users.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = in.Expect(ODM, ODMJSON)
	if err == nil || err.Error() != "users.csv: unrecognized input: it is a CSV; want ODM XML or ODM JSON" {
		t.Fatalf("got %v", err)
	}
}

func readAll(t *testing.T, tb *Table) [][]string {
	t.Helper()
	var rows [][]string
	for {
		r, err := tb.Read()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
}

func TestCSVDialects(t *testing.T) {
	want := [][]string{{"First Name", "Last Name", "Email"}, {"Zoë", "Brandt", "zb@example.org"}}
	cp1252, _ := charmap.Windows1252.NewEncoder().String("First Name;Last Name;Email\r\nZoë;Brandt;zb@example.org\r\n")
	tests := []struct {
		name    string
		in      []byte
		charset string
	}{
		{"comma, LF", []byte("First Name,Last Name,Email\nZoë,Brandt,zb@example.org\n"), ""},
		{"semicolon, CRLF, BOM (Excel in a comma-decimal locale)", []byte("\xEF\xBB\xBFFirst Name;Last Name;Email\r\nZoë;Brandt;zb@example.org\r\n"), ""},
		{"tab, UTF-16LE with BOM (Excel Unicode text)", utf16le("First Name\tLast Name\tEmail\r\nZoë\tBrandt\tzb@example.org\r\n", true), ""},
		{"UTF-16BE", utf16be("First Name,Last Name,Email\nZoë,Brandt,zb@example.org\n"), ""},
		{"windows-1252 with --charset", []byte(cp1252), "windows-1252"},
		{"sep= line names the separator", []byte("sep=|\nFirst Name|Last Name|Email\nZoë|Brandt|zb@example.org\n"), ""},
		{"quoted separators do not count", []byte("First Name;Last Name;Email\n\"Zoë\";\"Brandt\";\"zb@example.org\"\n"), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, err := New(bytes.NewReader(tc.in), "f.csv", Options{Charset: tc.charset})
			if err != nil {
				t.Fatal(err)
			}
			tb, err := in.Table(TableOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got := readAll(t, tb)
			if len(got) != len(want) || strings.Join(got[0], "|") != strings.Join(want[0], "|") || strings.Join(got[1], "|") != strings.Join(want[1], "|") {
				t.Fatalf("got %q, want %q", got, want)
			}
		})
	}
}

func TestCSVInvalidUTF8IsAnErrorWithPosition(t *testing.T) {
	in, err := New(strings.NewReader("First Name,Last Name\nAda,Lovelace\nRen\xE9,Dupont\n"), "users.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := in.Table(TableOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for {
		_, err = tb.Read()
		if err != nil {
			break
		}
	}
	want := "users.csv: line 3, column 4: byte 0xE9 is not UTF-8"
	if err == io.EOF || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "--charset") {
		t.Fatalf("got %v, want %q...", err, want)
	}
}

func TestCSVHeaderFoundBelowTitle(t *testing.T) {
	in, _ := New(strings.NewReader("Clinical One Users\n\nFirst Name,Last Name\nAda,Lovelace\n"), "f", Options{})
	tb, err := in.Table(TableOptions{IsHeader: func(r []string) bool { return len(r) > 1 && r[0] == "First Name" }})
	if err != nil {
		t.Fatal(err)
	}
	rows := readAll(t, tb)
	if len(rows) != 2 || rows[0][0] != "First Name" || tb.Row() != 4 {
		t.Fatalf("rows %q, last row %d", rows, tb.Row())
	}
}

// endless yields n bytes of b repeated, without holding them.
type endless struct {
	b []byte
	n int64
}

func (e *endless) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && int64(k) < e.n {
		p[k] = e.b[k%len(e.b)]
		k++
	}
	e.n -= int64(k)
	return k, nil
}

func TestCSVLimits(t *testing.T) {
	tests := []struct {
		name string
		r    io.Reader
		want string
	}{
		{"a 1 GB line", io.MultiReader(strings.NewReader("a,b\n"), &endless{b: []byte("x"), n: 1 << 30}), "a line longer than"},
		{"an unclosed quote over many short lines", io.MultiReader(strings.NewReader("a,b\n\"x"), &endless{b: []byte("abcdefgh\n"), n: 1 << 30}), "a record longer than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, err := New(tc.r, "big.csv", Options{})
			if err != nil {
				t.Fatal(err)
			}
			tb, err := in.Table(TableOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for {
				_, err = tb.Read()
				if err != nil {
					break
				}
			}
			if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want ErrLimit %q", err, tc.want)
			}
		})
	}
}

func TestSerialDate(t *testing.T) {
	tests := []struct {
		in, want string
		d1904    bool
		ok       bool
	}{
		{"46027", "2026-01-05", false, true},
		{"46027.5", "2026-01-05T12:00:00", false, true},
		{"1", "1900-01-01", false, true},
		{"44566", "2026-01-06", true, true}, // 1904 system: 1462 days later
		{"05-Jan-2026", "", false, false},
		{"-3", "", false, false},
		{"", "", false, false},
	}
	for _, tc := range tests {
		got, ok := serialDate(tc.in, tc.d1904)
		if ok != tc.ok || got != tc.want {
			t.Errorf("serialDate(%q, %v) = %q, %v; want %q, %v", tc.in, tc.d1904, got, ok, tc.want, tc.ok)
		}
	}
}

func FuzzCSVTable(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a;b\r\n\"1;x\";2\r\n", "sep=;\na;b\n", "a\tb\n1\t2", "\xEF\xBB\xBFa,b\n\xE9,2\n", "\"a\nb\",c\n", string(utf16le("a,b\n1,2\n", true))} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := New(bytes.NewReader(b), "f", Options{MaxLineBytes: 1 << 10, MaxRecordBytes: 1 << 12})
		if err != nil || in.Kind != CSV {
			return
		}
		tb, err := in.Table(TableOptions{IsHeader: func(r []string) bool { return len(r) > 1 }})
		if err != nil {
			return
		}
		for i := 0; i < 1000; i++ {
			if _, err := tb.Read(); err != nil {
				if err != io.EOF && strings.Contains(err.Error(), "\n") {
					t.Fatalf("multi-line error %q", err)
				}
				return
			}
		}
	})
}

// TestXMLDeclarationOnlyAtStart checks what XML() does to the encoding named in UTF-16
// input: the real declaration's encoding becomes UTF-8, since the text handed on is UTF-8,
// while a PI whose target merely begins with "xml", or a declaration-like text that is not
// at the very start, is passed on as it was read.
func TestXMLDeclarationOnlyAtStart(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"real declaration: rewritten", `<?xml version="1.0" encoding="UTF-16"?><ODM/>`,
			`<?xml version="1.0" encoding="UTF-8"?><ODM/>`},
		{"PI named xmlx is no declaration: kept", `<?xmlx encoding="UTF-16"?><ODM/>`,
			`<?xmlx encoding="UTF-16"?><ODM/>`},
		{"not at the very start: kept", ` <?xml version="1.0" encoding="UTF-16"?><ODM/>`,
			` <?xml version="1.0" encoding="UTF-16"?><ODM/>`},
		{"a PI before the root that mentions encoding: kept", `<?xml version="1.0"?><?xml-stylesheet encoding="UTF-16"?><ODM/>`,
			`<?xml version="1.0"?><?xml-stylesheet encoding="UTF-16"?><ODM/>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, err := New(bytes.NewReader(utf16le(tc.doc, true)), "t.xml", Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(in.XML())
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("XML() = %q, want %q", got, tc.want)
			}
		})
	}
}
