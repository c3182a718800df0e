package input

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
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

// TestXLSXSheetsWithRows: one sheet is read; a second that holds rows under a header row
// (a copy of the users sheet, "Users (2)", or a batch a sheet) had its rows left out
// without a word. It is now an error naming the sheets, whichever sheet is named. A
// second sheet with the header alone, or no header, is no other table.
func TestXLSXSheetsWithRows(t *testing.T) {
	book := func(sheets ...[][]any) []byte {
		f := excelize.NewFile()
		defer f.Close()
		for i, rows := range sheets {
			name := "Users"
			if i > 0 {
				name = "Users (" + string(rune('1'+i)) + ")"
				f.NewSheet(name)
			} else {
				f.SetSheetName("Sheet1", name)
			}
			for j, r := range rows {
				f.SetSheetRow(name, "A"+string(rune('1'+j)), &r)
			}
		}
		buf, err := f.WriteToBuffer()
		if err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	header := []any{"First Name", "Last Name"}
	for _, tc := range []struct {
		sheets [][][]any
		err    string
		why    string
	}{
		{[][][]any{{header, {"Ada", "Morel"}}, {header, {"Bo", "Lin"}}}, `u.xlsx: 2 sheets hold rows under a header row ("Users", "Users (2)")`, "two sheets of users"},
		{[][][]any{{header, {"Ada", "Morel"}}, {header}}, "", "a copy with the header alone"},
		{[][][]any{{header, {"Ada", "Morel"}}, {header, {"", " "}}}, "", "a copy with blank cells under the header"},
		{[][][]any{{header, {"Ada", "Morel"}}, {{"Notes"}, {"any text"}}}, "", "another sheet without the header"},
	} {
		for _, named := range [][]string{nil, {"Users"}} {
			in, err := New(bytes.NewReader(book(tc.sheets...)), "u.xlsx", Options{})
			if err != nil {
				t.Fatal(err)
			}
			tb, err := in.Table(TableOptions{Sheets: named, IsHeader: isHeader})
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.err)) {
				t.Errorf("%s (sheets %q): %v, want %q", tc.why, named, err, tc.err)
			}
			if err == nil {
				if tb.Sheet != "Users" {
					t.Errorf("%s: sheet %q read", tc.why, tb.Sheet)
				}
				tb.Close()
			}
		}
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

// bigWorkbook writes to a file in dir, with SheetWriter (as map --to xlsx writes), an
// .xlsx of a header and rows-1 rows of two cells of random letters, which deflate
// poorly: a file of some 0.7 MB per 10,000 rows.
func bigWorkbook(t testing.TB, dir string, rows int) (path string, header []string) {
	t.Helper()
	sw, err := NewSheetWriter("Users", []float64{12, 12})
	if err != nil {
		t.Fatal(err)
	}
	defer sw.Close()
	header = []string{"Login", "Note"}
	if err := sw.Header(header); err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]byte, 48)
		for i := range b {
			b[i] = 'a' + byte(rnd.IntN(26))
		}
		return string(b)
	}
	for range rows - 1 {
		if err := sw.Row([]string{word(), word()}); err != nil {
			t.Fatal(err)
		}
	}
	path = filepath.Join(dir, "big.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := sw.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	return path, header
}

// filer reads a file and names it, as the command's input does (Filer).
type filer struct{ f *os.File }

func (r filer) Read(p []byte) (int, error) { return r.f.Read(p) }
func (r filer) File() *os.File             { return r.f }

// TestXLSXFileReadInPlace: a workbook in a regular file is recognized from its zip
// directory and opened by its path, not read into memory: excelize, given bytes, holds
// all of them and a copy while it opens them (176 MiB for the 42 MB workbook of a
// 1,000,000-row template). Recognizing it allocates a small part of its size however the
// file reaches New; a stream is still read whole (the bound there is 64 MiB). Every way
// gives the same rows.
func TestXLSXFileReadInPlace(t *testing.T) {
	path, header := bigWorkbook(t, t.TempDir(), 20000)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	size := fi.Size()
	if size < 1<<20 {
		t.Fatalf("the workbook is %d bytes; want more than a MB", size)
	}
	tests := []struct {
		name    string
		open    func(f *os.File) io.Reader
		inPlace bool
	}{
		{"an os.File is read in place", func(f *os.File) io.Reader { return f }, true},
		{"a reader that names its file (Filer) is read in place", func(f *os.File) io.Reader { return filer{f} }, true},
		{"the Raw of a workbook read in place is read in place again (map hands it on)", func(f *os.File) io.Reader {
			in, err := New(f, "big.xlsx", Options{})
			if err != nil {
				t.Fatal(err)
			}
			return in.Raw()
		}, true},
		{"a stream is read whole into memory", func(f *os.File) io.Reader { return bufio.NewReader(f) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r := tt.open(f)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			in, err := New(r, "big.xlsx", Options{})
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			alloc := int64(after.TotalAlloc - before.TotalAlloc)
			t.Logf("New allocated %d bytes for a workbook of %d", alloc, size)
			if tt.inPlace && alloc > size/8 {
				t.Errorf("New allocated %d bytes for a workbook of %d in a file: read into memory, not in place", alloc, size)
			}
			if !tt.inPlace && alloc < size {
				t.Errorf("New allocated %d bytes for a workbook of %d from a stream; want it read whole", alloc, size)
			}
			tab, err := in.Table(TableOptions{Sheets: []string{"Users"}})
			if err != nil {
				t.Fatal(err)
			}
			defer tab.Close()
			if h := tab.Header(); !slices.Equal(h, header) {
				t.Fatalf("header %q, want %q", h, header)
			}
			n := 0
			for {
				if _, err := tab.Read(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatal(err)
				}
				n++
			}
			if n != 20000 { // the header row, read first, and 19,999 more
				t.Fatalf("%d rows read, want %d", n, 20000)
			}
		})
	}
}

// TestXLSXInMemoryPartsBounded: the parts excelize inflates into memory (all but a
// worksheet or the shared strings above 16 MiB) are bounded together by 128 MiB, apart
// from the bound on all parts (2 GiB, for the sheets, which go to temporary files): a
// 129 MiB docProps part that deflates to some 130 KB is refused before anything is
// inflated, where it used to be read into memory.
func TestXLSXInMemoryPartsBounded(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`},
		{"xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>`},
	} {
		w, _ := zw.Create(p[0])
		io.WriteString(w, p[1])
	}
	w, _ := zw.Create("docProps/custom.xml")
	io.Copy(w, &endless{b: []byte("A"), n: 129 << 20})
	zw.Close()
	in, err := New(bytes.NewReader(buf.Bytes()), "props.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = in.Table(TableOptions{})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "other than its sheets") {
		t.Fatalf("got %v, want ErrLimit for the parts held in memory", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Fatalf("refusing the workbook allocated %d bytes; want it refused before the part is inflated", alloc)
	}
}

// TestXLSXUncalculatedFormula: a formula cell saved without its value (as excelize and
// openpyxl write one; excelize reads it as empty) is reported by Table.Uncalculated, and
// Header.Uncalculated makes it an error naming the cell where it is in a column the
// reader reads; a formula with its value, an empty value included, is read as that value.
func TestXLSXUncalculatedFormula(t *testing.T) {
	tests := []struct {
		name, row string
		cells     string // the second row's cells
		uncalc    []int
		err       string // Header.Uncalculated's, "" for none
		why       string
	}{
		{"calculated", `<c r="A2" t="inlineStr"><is><t>Ada</t></is></c><c r="B2" t="str"><f>LOWER(A2)</f><v>ada</v></c>`, "Ada|ada", nil, "",
			"a spreadsheet saved the value beside the formula"},
		{"calculated empty", `<c r="A2" t="inlineStr"><is><t>Ada</t></is></c><c r="B2" t="str"><f>""</f><v></v></c>`, "Ada|", nil, "",
			"a formula whose value is the empty string has a value"},
		{"uncalculated", `<c r="A2" t="inlineStr"><is><t>Ada</t></is></c><c r="B2" t="str"><f>LOWER(A2)</f></c>`, "Ada|", []int{2},
			"users.xlsx[Users]: cell B2: the cell holds a formula that was never calculated: the workbook was saved by a program that does not compute formulas",
			"no value saved in a column the reader reads: the cell's value is not in the file"},
		{"shared formula, no column", `<c r="A2"><v>1</v></c><c r="C2"><f t="shared" si="0"/></c>`, "1||", []int{3}, "",
			"a cell of a shared formula saved without its value, in a column no header names: nothing is lost that a reader reads"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sheet := sheetHead + `<row r="1"><c r="A1" t="inlineStr"><is><t>First Name</t></is></c><c r="B1" t="inlineStr"><is><t>Login</t></is></c></row><row r="2">` + tc.row + `</row>` + sheetTail
			in, err := New(bytes.NewReader(zipBook(t, sheet, "")), "users.xlsx", Options{})
			if err != nil {
				t.Fatal(err)
			}
			tb, err := in.Table(TableOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer tb.Close()
			header, err := tb.Read()
			if err != nil {
				t.Fatal(err)
			}
			if u := tb.Uncalculated(); u != nil {
				t.Errorf("the header row: Uncalculated() = %v, want none", u)
			}
			h, err := NewHeader(header, knownColumns)
			if err != nil {
				t.Fatal(err)
			}
			row, err := tb.Read()
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(row, "|"); got != tc.cells || !slices.Equal(tb.Uncalculated(), tc.uncalc) {
				t.Errorf("got %q, Uncalculated() = %v; want %q, %v: %s", got, tb.Uncalculated(), tc.cells, tc.uncalc, tc.why)
			}
			err = h.Uncalculated(tb, tb.Row())
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !errors.Is(err, ErrUncalculated) || !strings.HasPrefix(err.Error(), tc.err)) {
				t.Errorf("Header.Uncalculated: %v, want %q: %s", err, tc.err, tc.why)
			}
			var ie *Error
			if tc.err != "" && (!errors.As(err, &ie) || ie.Name != "users.xlsx[Users]" || ie.Cell == "") {
				t.Errorf("Header.Uncalculated: %#v, want an *Error naming the sheet and the cell", ie)
			}
		})
	}
}
