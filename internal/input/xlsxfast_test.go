package input

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// sheetRead is what a reader of a sheet gives, in the calls xlsxTable makes: each row's
// number (Next calls so far) and cells, then how it ended.
type sheetRead struct {
	Rows []string
	End  string
}

func readSheet(b book, sheet string) sheetRead {
	var out sheetRead
	rows, err := b.rows(sheet)
	if err != nil {
		out.End = "open: " + err.Error()
		return out
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			out.End = fmt.Sprintf("row %d: %v", n, err)
			return out
		}
		out.Rows = append(out.Rows, fmt.Sprintf("%d %q", n, cells))
		if n > 100000 {
			out.End = "runaway"
			return out
		}
	}
	if err := rows.Error(); err != nil {
		out.End = "error: " + err.Error()
	}
	return out
}

// compareBooks reads every sheet of the workbook data with fastBook and with excelize and
// fails on any difference. It reports whether fastBook opened the workbook and read
// every sheet without handing it to excelize.
func compareBooks(t *testing.T, what string, data []byte) (fast bool) {
	t.Helper()
	xo := excelize.Options{UnzipSizeLimit: 1 << 30, UnzipXMLSizeLimit: 16 << 20}
	openEx := func() (book, error) {
		f, err := excelize.OpenReader(bytes.NewReader(data), xo)
		if err != nil {
			return nil, err
		}
		return exBook{f}, nil
	}
	ex, exErr := openEx()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if exErr == nil {
			t.Fatalf("%s: archive/zip refuses what excelize opens: %v", what, err)
		}
		return false
	}
	fb, err := newFastBook(zr, xo, openEx)
	if err != nil {
		if ex != nil {
			ex.close()
		}
		return false
	}
	defer fb.close()
	if exErr != nil {
		t.Fatalf("%s: fastBook opens what excelize refuses (%v)", what, exErr)
	}
	defer ex.close()
	if d := cmp.Diff(ex.sheetList(), fb.sheetList()); d != "" {
		t.Fatalf("%s: sheets (-excelize +fast):\n%s", what, d)
	}
	if ex.is1904() != fb.is1904() {
		t.Fatalf("%s: 1904 dates %v, excelize %v", what, fb.is1904(), ex.is1904())
	}
	fast = true
	for _, s := range append(ex.sheetList(), "No Such Sheet") {
		want := readSheet(ex, s)
		rows, err := fb.rows(s)
		if err == nil {
			rows.Close()
		}
		fr, _ := rows.(*fastRows)
		got := readSheet(fb, s)
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("%s, sheet %q (-excelize +fast):\n%s", what, s, d)
		}
		// Whether the last read stayed fast: read again and look.
		if fr != nil {
			r2, _ := fb.rows(s)
			for r2.Next() {
				r2.Columns()
			}
			if f2, ok := r2.(*fastRows); !ok || f2.ex != nil {
				fast = false
			}
			r2.Close()
		}
	}
	return fast
}

// zipBook is a minimal workbook around a worksheet's XML and optional shared strings.
func zipBook(t testing.TB, sheet, sst string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	add("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	add("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	add("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Users" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	add("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	add("xl/worksheets/sheet1.xml", sheet)
	if sst != "" {
		add("xl/sharedStrings.xml", sst)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
const sheetTail = `</sheetData></worksheet>`
const sstHead = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`

// sheetCases are worksheets (and shared strings) with why fastBook must read them as
// excelize does; fast says fastBook reads them itself, not handing them over.
var sheetCases = []struct {
	why, sheet, sst string
	fast            bool
}{
	{"plain rows with references", `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>Ada</t></is></c><c r="B2"><v>42</v></c></row>`,
		sstHead + `<si><t>First Name</t></si><si><t>Last Name</t></si></sst>`, true},
	{"rows and cells without references are numbered in turn", `<row><c><v>1</v></c><c><v>2</v></c></row><row><c t="str"><v>x</v></c></row>`, "", true},
	{"gaps between rows give empty rows", `<row r="2"><c r="A2"><v>1</v></c></row><row r="5"><c r="C5"><v>2</v></c></row>`, "", true},
	{"gaps between cells give empty cells; empty cells are dropped", `<row r="1"><c r="B1"><v>1</v></c><c r="C1"/><c r="E1" s="3"/><c r="F1"><v>x</v></c></row>`, "", true},
	{"row numbers going back", `<row r="3"><c r="A3"><v>3</v></c></row><row r="2"><c r="A2"><v>2</v></c></row><row><c><v>n</v></c></row>`, "", true},
	{"a formula keeps its cell even without a value", `<row r="1"><c r="A1"><f>1+1</f></c><c r="B1" t="str"><f>"a"</f><v>a</v></c><c r="C1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>`, "", true},
	{"booleans and dates stay raw, numbers as Excel shows them", `<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="d"><v>2026-01-05T00:00:00Z</v></c><c r="C1" s="1"><v>46027</v></c><c r="D1"><v>1.50</v></c></row>`, "", true},
	{"shared string indexes: spaces around, past the end, not a number (index 0)", `<row r="1"><c r="A1" t="s"><v> 1 </v></c><c r="B1" t="s"><v>9</v></c><c r="C1" t="s"><v>x</v></c><c r="D1" t="s"><v>-1</v></c><c r="E1" t="s"><v></v></c></row>`,
		sstHead + `<si><t>zero</t></si><si><t>one</t></si></sst>`, true},
	{"rich text runs joined, phonetic runs left out", `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><r><rPr><b/><sz val="11"/><color theme="1"/></rPr><t>Bold</t></r><r><t xml:space="preserve"> text</t></r><rPh sb="0" eb="1"><t>ふ</t></rPh><phoneticPr fontId="1"/></is></c></row>`,
		sstHead + `<si><t>A</t><r><t>B</t></r><r><t>C</t></r></si></sst>`, true},
	{"escapes _xHHHH_: carriage return, an escaped underscore, a lone surrogate dropped", `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>a_x000D_b_x005F_x000D_c_xD800_d_x00e9_</t></is></c><c r="C1" t="str"><v>raw_x000D_</v></c></row>`,
		sstHead + `<si><t>x_x000A_y</t></si></sst>`, true},
	{"CDATA, comments and references in a value", `<row r="1"><c r="A1" t="str"><v>a<![CDATA[<b>]]><!--c-->&amp;&#233;</v></c></row>`, "", true},
	{"line breaks and spaces inside text are kept", "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>  two\nlines\r\n </t></is></c></row>", "", true},
	{"lower-case references", `<row r="1"><c r="b1"><v>1</v></c><c r="aa1"><v>2</v></c></row>`, "", true},
	{"elements in another prefix are matched by local name", `<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>`, "", true},
	{"a second t in an item replaces the first", `<row r="1"><c r="A1" t="inlineStr"><is><t>first</t><t>second</t></is></c></row>`, "", true},
	{"a second v in a cell replaces the first", `<row r="1"><c r="A1"><v>1</v><v>2</v></c></row>`, "", true},
	{"a cell with an element excelize would search (handed over)", `<row r="1"><c r="A1"><extLst><v>9</v></extLst></c></row><row r="2"><c r="A2"><v>2</v></c></row>`, "", false},
	{"a reference with $ (handed over at that row)", `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="$B$2"><v>2</v></c></row>`, "", false},
	{"a row number that is no number", `<row r="1"><c r="A1"><v>1</v></c></row><row r="x"><c><v>2</v></c></row>`, "", false},
	{"a row number past the sheet's last", `<row r="1"><c r="A1"><v>1</v></c></row><row r="1048577"><c><v>2</v></c></row>`, "", false},
	{"a style that is no number", `<row r="1"><c r="A1" s="x"><v>1</v></c><c r="B1"><v>2</v></c></row>`, "", false},
	{"a typed run property that does not parse (excelize drops the shared strings)", `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`,
		sstHead + `<si><r><rPr><b val="maybe"/></rPr><t>x</t></r></si></sst>`, false},
	{"a phonetic run whose position does not parse (excelize's cell loses its text)", `<row r="1"><c r="A1" t="inlineStr"><is><rPh sb="x"><t>b</t></rPh><t>a</t></is></c><c r="B1"><v>2</v></c></row>`, "", false},
	{"cut inside the sheet data", `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2`, "", false},
	{"no sheetData end: rows up to the end of the part", `<row r="1"><c r="A1"><v>1</v></c></row>`, "", false},
}

// TestFastRowsAsExcelize: fastBook gives each case, and workbooks written by excelize and by
// SheetWriter, the rows and errors excelize gives; the cases meant to stay fast do.
func TestFastRowsAsExcelize(t *testing.T) {
	for _, c := range sheetCases {
		sheet := sheetHead + c.sheet + sheetTail
		if strings.HasPrefix(c.why, "cut") || strings.HasPrefix(c.why, "no sheetData end") {
			sheet = sheetHead + c.sheet
		}
		fast := compareBooks(t, c.why, zipBook(t, sheet, c.sst))
		if c.fast && !fast {
			t.Errorf("%s: handed to excelize", c.why)
		}
	}

	// A sheet as Excel writes one: namespaces declared on the root, row attributes in
	// another namespace, parts before and after the sheet data.
	excel := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac xr xr2 xr3" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" xr:uid="{00000000-0001-0000-0000-000000000000}">` +
		`<dimension ref="A1:C3"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"><selection activeCell="B3" sqref="B3"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/><cols><col min="1" max="3" width="14.7109375" customWidth="1"/></cols>` +
		`<sheetData><row r="1" spans="1:3" x14ac:dyDescent="0.25"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>` +
		`<row r="3" spans="1:3" ht="30" customHeight="1" x14ac:dyDescent="0.25"><c r="A3" t="s"><v>3</v></c><c r="C3" s="2"><v>46027</v></c></row></sheetData>` +
		`<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><pageSetup orientation="portrait" r:id="rId1"/></worksheet>`
	excelSST := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n" +
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4"><si><t>First Name</t></si><si><t>Last Name</t></si><si><t>Start Date</t></si>` +
		`<si><r><rPr><b/><sz val="11"/><color theme="1"/><rFont val="Calibri"/><family val="2"/><scheme val="minor"/></rPr><t>Ada</t></r><r><rPr><sz val="11"/><color rgb="FFFF0000"/><rFont val="Calibri"/><family val="2"/><scheme val="minor"/></rPr><t xml:space="preserve"> Example</t></r><phoneticPr fontId="1" type="noConversion"/></si></sst>`
	data := zipBook(t, excel, excelSST)
	if !compareBooks(t, "a sheet as Excel writes one", data) {
		t.Errorf("a sheet as Excel writes one: handed to excelize")
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	fb, err := newFastBook(zr, excelize.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := sheetRead{Rows: []string{`1 ["First Name" "Last Name" "Start Date"]`, `2 []`, `3 ["Ada Example" "" "46027"]`}}
	if d := cmp.Diff(want, readSheet(fb, "Users")); d != "" {
		t.Errorf("a sheet as Excel writes one (-want +got):\n%s", d)
	}

	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "Users")
	f.NewSheet("users")
	f.NewSheet("Other")
	f.SetSheetRow("Users", "A1", &[]any{"First Name", "Last Name", "Start Date", "Count", "Active"})
	f.SetSheetRow("Users", "A2", &[]any{"Ada", "Example", time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), 3, true})
	f.SetSheetRow("Users", "B4", &[]any{"  spaced  ", "new\nline", 1.25, "_x000D_", "=not a formula"})
	f.SetCellFormula("Users", "F2", "D2*2")
	f.SetCellRichText("Users", "A6", []excelize.RichTextRun{{Text: "Rich "}, {Text: "text", Font: &excelize.Font{Bold: true}}})
	f.SetCellValue("Other", "C3", "only cell")
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	// Users and users differ in case only: excelize finds either by either name.
	compareBooks(t, "excelize's workbook", buf.Bytes())
	f.DeleteSheet("users")
	buf.Reset()
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if !compareBooks(t, "excelize's workbook, sheet names distinct", buf.Bytes()) {
		t.Errorf("excelize's workbook: handed to excelize")
	}

	sw, err := NewSheetWriter("Clinical One Users", []float64{12, 12})
	if err != nil {
		t.Fatal(err)
	}
	sw.Header([]string{"First Name", "Start Date"})
	sw.Row([]string{"Ada", "05-Jan-2026"})
	sw.Row([]string{"=1+1", "  x  "})
	buf.Reset()
	if _, err := sw.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if !compareBooks(t, "SheetWriter's workbook", buf.Bytes()) {
		t.Errorf("SheetWriter's workbook: handed to excelize")
	}
}

// FuzzFastRowsAsExcelize: for any sheet data and shared strings, fastBook gives what
// excelize gives.
func FuzzFastRowsAsExcelize(f *testing.F) {
	for _, c := range sheetCases {
		f.Add(c.sheet, c.sst)
	}
	f.Fuzz(func(t *testing.T, sheet, sst string) {
		if sst != "" {
			sst = sstHead + sst + `</sst>`
		}
		compareBooks(t, "fuzz input", zipBook(t, sheetHead+sheet+sheetTail, sst))
	})
}
