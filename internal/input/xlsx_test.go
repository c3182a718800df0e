package input

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// workbook builds an .xlsx with an instructions tab and a data tab whose header is below
// a title row, the way the Clinical One template is laid out.
func workbook(t testing.TB, dataSheet string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "Instructions")
	f.SetCellValue("Instructions", "A1", "Fill in one row per user.")
	if dataSheet != "" {
		f.NewSheet(dataSheet)
		f.SetCellValue(dataSheet, "A1", "Clinical One Users")
		f.SetSheetRow(dataSheet, "A3", &[]any{"First Name", "Last Name", "Start Date", "Sites"})
		f.SetSheetRow(dataSheet, "A4", &[]any{"Ada", "Lovelace", 46027, "01"})
		f.SetSheetRow(dataSheet, "A6", &[]any{"Zoë", "Brandt", "05-Jan-2026", 2})
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func isHeader(r []string) bool { return len(r) > 1 && r[0] == "First Name" }

func TestXLSXTable(t *testing.T) {
	in, err := New(bytes.NewReader(workbook(t, "Clinical One Users")), "users.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if in.Kind != XLSX {
		t.Fatalf("kind %q", in.Kind)
	}
	tb, err := in.Table(TableOptions{Sheets: []string{"clinical one users"}, IsHeader: isHeader})
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	var got []string
	var rows []int
	for {
		r, err := tb.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Join(r, "|"))
		rows = append(rows, tb.Row())
	}
	want := []string{"First Name|Last Name|Start Date|Sites", "Ada|Lovelace|2026-01-05|01", "", "Zoë|Brandt|05-Jan-2026|2"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rows\n%q\nwant\n%q", got, want)
	}
	if rows[0] != 3 || rows[3] != 6 {
		t.Fatalf("row numbers %v, want the sheet's (3 ... 6)", rows)
	}
}

func TestXLSXSheetChoice(t *testing.T) {
	// Without the named tab, the sheet whose rows hold the header is read.
	in, _ := New(bytes.NewReader(workbook(t, "Users")), "u.xlsx", Options{})
	tb, err := in.Table(TableOptions{Sheets: []string{"Clinical One Users"}, IsHeader: isHeader})
	if err != nil {
		t.Fatal(err)
	}
	if tb.Sheet != "Users" {
		t.Fatalf("sheet %q", tb.Sheet)
	}
	tb.Close()
	// A workbook with no such tab and no header anywhere is a one-line error naming the tabs.
	in, _ = New(bytes.NewReader(workbook(t, "")), "u.xlsx", Options{})
	_, err = in.Table(TableOptions{Sheets: []string{"Clinical One Users"}, IsHeader: isHeader})
	if err == nil || err.Error() != `u.xlsx: no sheet named "Clinical One Users" (sheets: "Instructions")` {
		t.Fatalf("got %v", err)
	}
}

// bomb is an .xlsx whose sheet part inflates to size bytes.
func bomb(t testing.TB, size int) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, body string) {
		w, _ := zw.Create(name)
		io.WriteString(w, body)
	}
	add("[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	add("xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Clinical One Users" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	add("xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	io.WriteString(w, `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>`)
	io.Copy(w, &endless{b: []byte("A"), n: int64(size)})
	io.WriteString(w, `</t></is></c></row></sheetData></worksheet>`)
	zw.Close()
	return buf.Bytes()
}

func TestXLSXLimits(t *testing.T) {
	b := bomb(t, 8<<20)
	if len(b) > 64<<10 {
		t.Fatalf("the bomb is %d bytes compressed; want a small file", len(b))
	}
	in, err := New(bytes.NewReader(b), "bomb.xlsx", Options{MaxUnzippedBytes: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	_, err = in.Table(TableOptions{})
	if !errors.Is(err, ErrLimit) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("got %v, want a one-line ErrLimit", err)
	}
	// The compressed size is bounded too (excelize holds the file in memory).
	_, err = New(bytes.NewReader(b), "bomb.xlsx", Options{MaxWorkbookBytes: 1 << 10})
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("got %v, want ErrLimit", err)
	}
}

func TestXLSXDamaged(t *testing.T) {
	b := workbook(t, "Clinical One Users")
	// Cut the central directory off: not a readable zip.
	_, err := New(bytes.NewReader(b[:len(b)/2]), "cut.xlsx", Options{})
	if err == nil || strings.Contains(err.Error(), "\n") {
		t.Fatalf("got %v", err)
	}
}

func TestSheetWriterRoundTrip(t *testing.T) {
	sw, err := NewSheetWriter("Clinical One Users", []float64{12, 12})
	if err != nil {
		t.Fatal(err)
	}
	sw.Header([]string{"First Name", "Start Date"})
	sw.Row([]string{"Ada", "05-Jan-2026"})
	sw.Row([]string{"01", ""})
	var buf bytes.Buffer
	if _, err := sw.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	in, err := New(&buf, "out.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := in.Table(TableOptions{Sheets: []string{"Clinical One Users"}})
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	got := readAll(t, tb)
	if len(got) != 3 || got[1][1] != "05-Jan-2026" || got[2][0] != "01" {
		t.Fatalf("read back %q", got)
	}
}

func FuzzXLSX(f *testing.F) {
	f.Add(workbook(f, "Clinical One Users"))
	f.Add(workbook(f, ""))
	f.Add(bomb(f, 1<<10))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := New(bytes.NewReader(b), "f.xlsx", Options{MaxUnzippedBytes: 1 << 20, MaxWorkbookBytes: 1 << 20})
		if err != nil || in.Kind != XLSX {
			return
		}
		tb, err := in.Table(TableOptions{Sheets: []string{"Clinical One Users"}, IsHeader: isHeader})
		if err != nil {
			return
		}
		defer tb.Close()
		for i := 0; i < 1000; i++ {
			if _, err := tb.Read(); err != nil {
				return
			}
		}
	})
}
