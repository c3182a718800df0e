package main

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

func toUTF16(t *testing.T, b []byte) []byte {
	t.Helper()
	out, _, err := transform.Bytes(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder(), b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestEveryCommandReadsEveryForm runs the commands over the forms one input can take: what
// one form of a file gives, every other form of it gives too.
func TestEveryCommandReadsEveryForm(t *testing.T) {
	dir := t.TempDir()
	informPath := filepath.Join("testdata", "diff", "inform.xml")
	xml, err := os.ReadFile(informPath)
	if err != nil {
		t.Fatal(err)
	}
	// UTF-16 with a BOM, declaration rewritten as a UTF-16 producer writes it.
	u16 := writeFile(t, dir, "inform-utf16.xml", toUTF16(t, bytes.Replace(xml, []byte(`encoding="UTF-8"`), []byte(`encoding="UTF-16"`), 1)))
	code, odmJSON, errs := runCmd(nil, "convert", "--to", "json", informPath)
	if code != 0 {
		t.Fatalf("convert: %d %s", code, errs)
	}
	jsonPath := writeFile(t, dir, "inform.json", []byte(odmJSON))
	code, dirJSON, errs := runCmd(nil, "map", "--quiet", informPath)
	if code != 0 {
		t.Fatalf("map: %d %s", code, errs)
	}
	dirPath := writeFile(t, dir, "inform-dir.json", []byte(dirJSON))

	for _, p := range []string{u16, jsonPath, dirPath} {
		t.Run(filepath.Base(p), func(t *testing.T) {
			code, out, errs := runCmd(nil, "diff", informPath, p)
			if code != 0 {
				t.Errorf("diff against the XML: exit %d, %s%s (want no differences)", code, out, errs)
			}
			code, out, errs = runCmd(nil, "map", "--quiet", p)
			if code != 0 || out != dirJSON {
				t.Errorf("map: exit %d, %s; the directory differs from the XML's: %v", code, errs, out != dirJSON)
			}
		})
	}
	// The commands working on XML read UTF-16 and ODM JSON too.
	for _, p := range []string{u16, jsonPath} {
		if code, out, errs := runCmd(nil, "query", "--format", "text", "--xpath", "count(//odm:User)", p); code != 0 || strings.TrimSpace(out) == "0" {
			t.Errorf("query %s: exit %d, %q %s", p, code, out, errs)
		}
		if code, _, errs := runCmd(nil, "check", p); code == 2 {
			t.Errorf("check %s: exit 2 %s", p, errs)
		}
	}
	// convert reads UTF-16 ODM and writes the JSON of the UTF-8 file (but for the XML
	// declaration, which the JSON keeps as written).
	code, out, errs := runCmd(nil, "convert", "--to", "json", u16)
	out = strings.Replace(out, `encoding=\"UTF-16\"`, `encoding=\"UTF-8\"`, 1)
	if code != 0 || out != odmJSON {
		t.Errorf("convert of UTF-16: exit %d %s; same JSON as UTF-8: %v", code, errs, out == odmJSON)
	}
}

func TestCSVDialectsAndWorkbooks(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join("testdata", "map", "users.csv")
	base, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	code, want, errs := runCmd(nil, "map", "--quiet", "--study", "S1", csvPath)
	if code != 0 {
		t.Fatalf("map: %d %s", code, errs)
	}
	semi := bytes.ReplaceAll(bytes.ReplaceAll(base, []byte(","), []byte(";")), []byte("\n"), []byte("\r\n"))
	cp1252, err := charmap.Windows1252.NewEncoder().Bytes(semi)
	if err != nil {
		t.Fatal(err)
	}
	xlsxOut := filepath.Join(dir, "users.xlsx")
	if code, _, errs := runCmd(nil, "map", "--quiet", "--study", "S1", "--to", "xlsx", "-o", xlsxOut, csvPath); code != 0 {
		t.Fatalf("map --to xlsx: %d %s", code, errs)
	}
	tests := []struct {
		name, reason string
		data         []byte
		args         []string
	}{
		{"semicolon.csv", "Excel in a comma-decimal locale: ';', CRLF, BOM", append([]byte("\xEF\xBB\xBF"), semi...), nil},
		{"unicode.txt", "Excel's Unicode text: UTF-16LE, tabs", toUTF16(t, bytes.ReplaceAll(bytes.ReplaceAll(base, []byte(","), []byte("\t")), []byte(`"1001; 1002"`), []byte("1001; 1002"))), nil},
		{"latin.csv", "an 8-bit file with --charset", cp1252, []string{"--charset", "windows-1252"}},
		{"users.xlsx", "the workbook map --to xlsx wrote", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := xlsxOut
			if tc.data != nil {
				p = writeFile(t, dir, tc.name, tc.data)
			}
			args := append([]string{"map", "--quiet", "--study", "S1"}, tc.args...)
			code, out, errs := runCmd(nil, append(args, p)...)
			if code != 0 || out != want {
				t.Fatalf("%s: exit %d %s; same directory as the CSV: %v\n%s", tc.reason, code, errs, out == want, out)
			}
			if code, out, errs := runCmd(nil, append([]string{"diff", "--study", "S1"}, append(tc.args, csvPath, p)...)...); code != 0 {
				t.Fatalf("%s: diff against the CSV: exit %d %s %s", tc.reason, code, out, errs)
			}
		})
	}
	// Without --charset, the 8-bit file is an error naming line and column, not U+FFFD.
	p := writeFile(t, dir, "latin-no-charset.csv", cp1252)
	code, _, errs = runCmd(nil, "map", "--study", "S1", p)
	if code != 2 || !strings.Contains(errs, "line 4, column 2: byte 0xF8 is not UTF-8") || strings.Count(errs, "\n") != 1 {
		t.Fatalf("exit %d, %q", code, errs)
	}
}

func TestUnreadableInputsAreOneLine(t *testing.T) {
	dir := t.TempDir()
	var xlsb bytes.Buffer
	zw := zip.NewWriter(&xlsb)
	w, _ := zw.Create("xl/workbook.bin")
	w.Write([]byte{1, 2, 3})
	zw.Close()
	noTab := excelize.NewFile()
	noTab.SetCellValue("Sheet1", "A1", "instructions only")
	noTabBuf, _ := noTab.WriteToBuffer()
	tests := []struct {
		name string
		data []byte
		cmd  []string
		want string
	}{
		{"template.xlsb", xlsb.Bytes(), []string{"map"}, "(.xlsb), which odmadmin does not read; save it as .xlsx or CSV"},
		{"template.xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00\x00\x00"), []string{"plan", "--existing", filepath.Join("testdata", "plan", "existing.xml"), "--upload"}, "save it as .xlsx"},
		{"notab.xlsx", noTabBuf.Bytes(), []string{"map"}, `no sheet named "Clinical One Users" (sheets: "Sheet1")`},
		{"cut.xlsx", noTabBuf.Bytes()[:200], []string{"diff", filepath.Join("testdata", "diff", "inform.xml")}, "damaged zip archive"},
		{"image.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), []string{"map"}, "binary data (first bytes 89 50 4E 47"},
		{"table.csv", []byte("First Name,Last Name,Email,User Name,Study Role\n"), []string{"convert"}, "it is a CSV; want ODM XML or ODM JSON"},
		{"table.csv", []byte("First Name,Last Name,Email,User Name,Study Role\n"), []string{"query", "--xpath", "/"}, "it is a CSV; want ODM XML or ODM JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name+" "+tc.cmd[0], func(t *testing.T) {
			p := writeFile(t, dir, tc.name, tc.data)
			code, _, errs := runCmd(nil, append(tc.cmd, p)...)
			if code != 2 || !strings.Contains(errs, tc.want) || strings.Count(errs, "\n") != 1 {
				t.Fatalf("exit %d, stderr %q; want 2 and one line containing %q", code, errs, tc.want)
			}
		})
	}
}

func TestDiffXLSXAuditLog(t *testing.T) {
	out := filepath.Join(t.TempDir(), "changes.xlsx")
	code, _, errs := runCmd(nil, "diff", "--format", "xlsx", "-o", out, filepath.Join("testdata", "diff", "inform.xml"), filepath.Join("testdata", "diff", "rave.xml"))
	if code != 1 {
		t.Fatalf("exit %d %s (want 1: differences)", code, errs)
	}
	_, csvOut, _ := runCmd(nil, "diff", "--format", "csv", filepath.Join("testdata", "diff", "inform.xml"), filepath.Join("testdata", "diff", "rave.xml"))
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("User and Role Audit Log")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], "|") != "AUDIT EVENT|DATE/TIME|TARGET OBJECT|BY|VALUE TYPE|OLD VALUE|NEW VALUE" {
		t.Fatalf("header %q", rows[0])
	}
	lines := strings.Split(strings.TrimSpace(csvOut), "\n")
	if len(rows) != len(lines) || len(rows) < 2 {
		t.Fatalf("%d rows in the workbook, %d lines of CSV", len(rows), len(lines))
	}
	if rows[1][0] == "" || !strings.HasPrefix(lines[1], rows[1][0]+",") {
		t.Fatalf("first change %q vs CSV %q", rows[1], lines[1])
	}
}
