package input

import (
	"archive/zip"
	"bytes"
	binenc "encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// recordWriter records what reaches the destination of SheetWriter.WriteTo.
type recordWriter struct {
	buf      bytes.Buffer
	writes   int
	maxWrite int
}

func (r *recordWriter) Write(p []byte) (int, error) {
	r.writes++
	r.maxWrite = max(r.maxWrite, len(p))
	return r.buf.Write(p)
}

// testSheet is a fictitious user table: a header and n rows.
func testSheet(n int) [][]string {
	rows := [][]string{{"First Name", "Last Name", "Email", "Sites", "Start Date"}}
	for i := range n {
		rows = append(rows, []string{
			fmt.Sprintf("Ada%d", i), "Example", fmt.Sprintf("user%06d@site.example.org", i),
			fmt.Sprintf("%02d", i%50), "05-Jan-2026",
		})
	}
	return rows
}

// writeSheet writes rows (the first one the header) with the given stream limit (0: the
// default) and returns the writer's count and the destination.
func writeSheet(t *testing.T, rows [][]string, streamLimit uint64) (int64, *recordWriter) {
	t.Helper()
	sw, err := NewSheetWriter("Clinical One Users", []float64{20, 20, 36})
	if err != nil {
		t.Fatal(err)
	}
	defer sw.Close()
	if streamLimit != 0 {
		sw.streamLimit = streamLimit
	}
	if err := sw.Header(rows[0]); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		if err := sw.Row(r); err != nil {
			t.Fatal(err)
		}
	}
	var rw recordWriter
	n, err := sw.WriteTo(&rw)
	if err != nil {
		t.Fatal(err)
	}
	return n, &rw
}

func TestSheetWriterStreams(t *testing.T) {
	// 20,000 rows make a workbook of several hundred KB. Built in memory, it reaches the
	// destination in one Write; streamed, in pieces no larger than archive/zip's buffer or
	// one stored deflate block.
	n, rw := writeSheet(t, testSheet(20000), 0)
	if rw.buf.Len() < 256<<10 {
		t.Fatalf("workbook of %d bytes: too small to tell streaming from buffering", rw.buf.Len())
	}
	if rw.maxWrite > 64<<10 {
		t.Errorf("largest Write %d bytes (of %d in %d writes), want at most 64 KiB", rw.maxWrite, rw.buf.Len(), rw.writes)
	}
	if n != int64(rw.buf.Len()) {
		t.Errorf("WriteTo returned %d, wrote %d bytes", n, rw.buf.Len())
	}
}

func TestSheetWriterPaths(t *testing.T) {
	rows := testSheet(300)
	rows = append(rows,
		[]string{"Zoë", "O'Brien & <Sons>", `"quoted"`, " 01", "tab\tand\nline"},
		[]string{"_x0041_", "_x005F_x0041_", "", "", "last"},
		[]string{"", "empty first"},
	)
	tests := []struct {
		name        string
		streamLimit uint64
		streamed    bool
		reason      string
	}{
		{"streamed", 0, true, "a worksheet bound far below 4 GiB streams the zip to the writer"},
		{"buffered", 1, false, "a worksheet bound at the limit builds the workbook in memory, so that excelize can patch ZIP64 local headers"},
	}
	var parts []map[string]string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, rw := writeSheet(t, rows, tt.streamLimit)
			if n != int64(rw.buf.Len()) {
				t.Errorf("WriteTo returned %d, wrote %d bytes (%s)", n, rw.buf.Len(), tt.reason)
			}
			if streamed := rw.writes > 1; streamed != tt.streamed {
				t.Errorf("%d writes: streamed %v, want %v (%s)", rw.writes, streamed, tt.streamed, tt.reason)
			}
			f, err := excelize.OpenReader(bytes.NewReader(rw.buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := f.GetRows("Clinical One Users")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(rows) {
				t.Fatalf("%d rows read back, want %d (%s)", len(got), len(rows), tt.reason)
			}
			for i, want := range rows {
				// GetRows drops trailing empty cells.
				for len(want) > 0 && want[len(want)-1] == "" {
					want = want[:len(want)-1]
				}
				if !slices.Equal(got[i], want) {
					t.Errorf("row %d: %q, want %q (%s)", i+1, got[i], want, tt.reason)
				}
			}
			for _, cell := range []string{"A1", "E1", "A2"} {
				bold := isBold(t, f, "Clinical One Users", cell)
				if want := strings.HasSuffix(cell, "1"); bold != want {
					t.Errorf("%s bold %v, want %v (%s)", cell, bold, want, tt.reason)
				}
			}
			panes, err := f.GetPanes("Clinical One Users")
			if err != nil {
				t.Fatal(err)
			}
			if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
				t.Errorf("panes %+v, want the header row frozen (%s)", panes, tt.reason)
			}
			parts = append(parts, zipParts(t, rw.buf.Bytes()))
		})
	}
	if len(parts) == 2 && !maps.Equal(parts[0], parts[1]) {
		t.Errorf("the streamed and the buffered workbook differ in their parts")
	}
}

// zipParts returns the parts of a workbook by name.
func zipParts(t *testing.T, b []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name] = string(data)
	}
	return parts
}

func TestSheetWriterBound(t *testing.T) {
	// The worksheet's bound decides whether WriteTo may stream, so it must hold for the
	// cells that grow most in XML.
	long := strings.Repeat("&", 40000)
	tests := []struct {
		name   string
		row    []string
		reason string
	}{
		{"plain", []string{"Ada", "Example"}, "text written as it is"},
		{"escaped", []string{"&&&&", "<<<<", `""""`, "''''", ">>>>"}, "every byte escaped to five"},
		{"controls", []string{"\t\t\t", "\r\r\r", "a\x01b"}, "tabs and carriage returns escaped as character references"},
		{"invalid-utf8", []string{"\xff\xfe\xfd"}, "each invalid byte written as U+FFFD (3 bytes)"},
		{"bstr", []string{"_x0041__x0041_", "_x005F_x005F_"}, "excelize escapes _xHHHH_ as _x005F_xHHHH_"},
		{"space", []string{" a", "b ", "\nc"}, `edge white space gets xml:space="preserve"`},
		{"empty", []string{"", "", "", ""}, "empty cells are still written"},
		{"wide", slices.Repeat([]string{"&"}, 800), "cell references of three letters"},
		{"too-long", []string{long}, "a cell beyond 32,767 characters is cut, never longer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sw, err := NewSheetWriter("Sheet", []float64{0.1, 255})
			if err != nil {
				t.Fatal(err)
			}
			defer sw.Close()
			if err := sw.Header(tt.row); err != nil {
				t.Fatal(err)
			}
			for range 50 {
				if err := sw.Row(tt.row); err != nil {
					t.Fatal(err)
				}
			}
			bound := sw.size
			var buf bytes.Buffer
			if _, err := sw.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			var size uint64
			for _, f := range zr.File {
				if strings.HasPrefix(f.Name, "xl/worksheets/") {
					size = f.UncompressedSize64
				}
			}
			if size == 0 || size > bound {
				t.Errorf("worksheet of %d bytes, bound %d (%s)", size, bound, tt.reason)
			}
		})
	}
}

var errDisk = errors.New("disk full")

// failWriter accepts limit bytes, then fails.
type failWriter struct {
	n, limit int
}

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n+len(p) > f.limit {
		k := f.limit - f.n
		f.n = f.limit
		return k, errDisk
	}
	f.n += len(p)
	return len(p), nil
}

func TestSheetWriterWriteError(t *testing.T) {
	tests := []struct {
		name        string
		streamLimit uint64
		failAfter   int
		reason      string
	}{
		{"streamed-start", 0, 0, "the first write fails"},
		{"streamed-mid", 0, 100 << 10, "a write within the worksheet part fails"},
		{"streamed-end", 0, -300, "the last write, with the central directory, fails"},
		{"buffered-mid", 1, 100 << 10, "the copy of the built workbook fails"},
	}
	rows := testSheet(20000)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sw, err := NewSheetWriter("Sheet", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer sw.Close()
			if tt.streamLimit != 0 {
				sw.streamLimit = tt.streamLimit
			}
			for _, r := range rows {
				if err := sw.Row(r); err != nil {
					t.Fatal(err)
				}
			}
			limit := tt.failAfter
			if limit < 0 {
				_, rw := writeSheet(t, rows, 0)
				limit += rw.buf.Len()
			}
			fw := &failWriter{limit: limit}
			n, err := sw.WriteTo(fw)
			if !errors.Is(err, errDisk) {
				t.Errorf("error %v, want %v (%s)", err, errDisk, tt.reason)
			}
			if n != int64(fw.n) {
				t.Errorf("WriteTo returned %d, the writer took %d bytes (%s)", n, fw.n, tt.reason)
			}
		})
	}
}

func TestZipStreamRefusesLargePart(t *testing.T) {
	// A part beyond the limit would need ZIP64 local headers a stream cannot patch.
	zs := &zipStream{zw: zip.NewWriter(io.Discard), limit: 10}
	w, err := zs.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("0123456789")); err != nil {
		t.Fatalf("a part at the limit: %v", err)
	}
	if _, err := w.Write([]byte("x")); err == nil {
		t.Fatal("a part beyond the limit was written")
	}
}

// excelizeWorkbook writes header (nil: none) and rows through excelize's own stream
// writer, the way SheetWriter wrote every row before it wrote the data rows itself.
func excelizeWorkbook(t *testing.T, sheet string, widths []float64, header []string, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		t.Fatal(err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range widths {
		if w > 0 {
			if err := sw.SetColWidth(i+1, i+1, w); err != nil {
				t.Fatal(err)
			}
		}
	}
	r := 0
	if header != nil {
		style, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
		if err != nil {
			t.Fatal(err)
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			t.Fatal(err)
		}
		row := make([]any, len(header))
		for i, c := range header {
			row[i] = excelize.Cell{StyleID: style, Value: c}
		}
		r++
		if err := sw.SetRow("A1", row); err != nil {
			t.Fatal(err)
		}
	}
	for _, cells := range rows {
		row := make([]any, len(cells))
		for i, c := range cells {
			row[i] = c
		}
		r++
		cell, err := excelize.CoordinatesToCellName(1, r)
		if err != nil {
			t.Fatal(err)
		}
		if err := sw.SetRow(cell, row); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSheetWriterMatchesExcelize(t *testing.T) {
	// SheetWriter writes the data rows' XML itself; it must be what excelize's stream
	// writer writes, byte for byte, for any text, so that the workbooks stay the same.
	hdr := []string{"First Name", "Last Name", "Email"}
	nonBMP := strings.Repeat("a", excelize.TotalCellChars-1) + "😀b"
	tests := []struct {
		name   string
		header []string
		rows   [][]string
		reason string
	}{
		{"empty", hdr, [][]string{{""}, {"", "", ""}, {}, {"", "x", ""}}, "empty cells are written as empty inline strings, an empty row as <row>"},
		{"edge-space", hdr, [][]string{{" a", "a ", "\na", "a\n", "\ta", "a\r", " ", "\n", "a b"}}, `leading or trailing white space gets xml:space="preserve", inner space does not`},
		{"xml-specials", hdr, [][]string{{`&<>"'`, "a&b", "<t>", `O'Brien "Jr"`, "]]>"}}, "the five XML specials are escaped the way xml.EscapeText does"},
		{"newlines-tabs", hdr, [][]string{{"a\nb", "a\r\nb", "a\tb", "\r", "a\n\n"}}, "new lines stay raw, tab and carriage return become character references"},
		{"controls", hdr, [][]string{{"\x7f", "a\u0085b"}}, "DEL and NEL are XML characters, kept (those XML cannot hold: TestSheetWriterEscapeLookalikes)"},
		{"bstr", hdr, [][]string{{"_x0041_", "_x005F_", "_x005F_x0041_", "_x005f_", "_x0041__x0042_", "__x0041__", "_xZZZZ_", "a_x", "_x00411_", "_x005F_x005F_"}}, "text that looks like an _xHHHH_ escape gets excelize's _x005F escape, quirks included"},
		{"bstr-runs", hdr, [][]string{{"_x005F_x0041_x0042_", "_x005F_x005F_x0041_", "a_x005F_x0041_b"}}, "runs sharing an underscore after _x005F_"},
		{"bstr-escaped", hdr, [][]string{{"&_x0041_", "_x0041_&", "<_x005F_x0041_>"}}, "the _xHHHH_ escape applies to the XML-escaped text"},
		{"invalid-utf8", hdr, [][]string{{"\xff", "a\xfeb", "\xc3", "é\xc3", "\xed\xa0\x80"}}, "each invalid byte becomes U+FFFD"},
		{"non-bmp", hdr, [][]string{{"😀", "𝄞 music", "a\U0010FFFF", "Zoë Ωmega"}}, "characters beyond the BMP are kept"},
		{"long", hdr, [][]string{{strings.Repeat("x", 40000), strings.Repeat("&", 40000), strings.Repeat("é", 40000)}}, "a cell beyond 32,767 UTF-16 units is cut before it is escaped"},
		{"long-edge", hdr, [][]string{{nonBMP, strings.Repeat("a", excelize.TotalCellChars-1) + " ", strings.Repeat(" ", 40000) + "a", strings.Repeat("\xff", 40000)}}, "the cut falls on a surrogate pair, on trailing space, or on invalid bytes"},
		{"formula-like", hdr, [][]string{{"=1+1", "+1", "-1", "@SUM(A1)", "=HYPERLINK(\"x\")"}}, "text that looks like a formula stays text"},
		{"numbers", hdr, [][]string{{"01", "1e5", "0x10", "TRUE", "05-Jan-2026"}}, "text that looks like a number, a boolean or a date stays text"},
		{"wide", hdr, [][]string{slices.Repeat([]string{"w"}, 800)}, "cell references of two and three letters"},
		{"many-rows", hdr, testSheet(3000)[1:], "a sheet larger than the row buffer"},
		{"no-header", nil, testSheet(5)[1:], "without a header the data starts at row 1 and nothing is frozen"},
		{"header-only", hdr, nil, "a header with no data rows: nothing to splice"},
		{"nothing", nil, nil, "an empty sheet"},
		{"hostile-header", []string{" a", "&_x0041_", "\x00", ""}, [][]string{{"x"}}, "the header is excelize's own: it is the workbook's scaffold"},
	}
	widths := []float64{20, 0, 36}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := excelizeWorkbook(t, "Users", widths, tt.header, tt.rows)
			sw, err := NewSheetWriter("Users", widths)
			if err != nil {
				t.Fatal(err)
			}
			defer sw.Close()
			sw.tmpDir = t.TempDir()
			if tt.header != nil {
				if err := sw.Header(tt.header); err != nil {
					t.Fatal(err)
				}
			}
			for _, r := range tt.rows {
				if err := sw.Row(r); err != nil {
					t.Fatal(err)
				}
			}
			var got bytes.Buffer
			if _, err := sw.WriteTo(&got); err != nil {
				t.Fatal(err)
			}
			gotParts, wantParts := zipParts(t, got.Bytes()), zipParts(t, want)
			if g, w := gotParts["xl/worksheets/sheet1.xml"], wantParts["xl/worksheets/sheet1.xml"]; g != w {
				i := 0
				for i < min(len(g), len(w)) && g[i] == w[i] {
					i++
				}
				t.Errorf("worksheet differs from excelize's at byte %d: %.80q, want %.80q (%s)", i, g[i:], w[i:], tt.reason)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("workbook of %d bytes differs from excelize's of %d (%s)", got.Len(), len(want), tt.reason)
			}
			checkReadBack(t, got.Bytes(), want, tt.header != nil, tt.reason)
		})
	}
}

// TestSheetWriterEscapeLookalikes: text that looks like _xHHHH_ escapes reads back as
// written, through excelize's reader. Where excelize's writer would lose text (a run that
// starts on the '_' ending another, a run naming a UTF-16 surrogate) SheetWriter marks
// every run; the rest is byte for byte excelize's (TestSheetWriterMatchesExcelize).
func TestSheetWriterEscapeLookalikes(t *testing.T) {
	tests := []struct{ cell, reason string }{
		{"_x0041_", "one run"},
		{"_x0041_x0042_", "a run on the '_' ending the one before (excelize: _x0041B)"},
		{"x_x0041_xD800_", "an overlapping run naming a surrogate"},
		{"_xD800_", "a run naming a surrogate (excelize: empty)"},
		{"a_xD800_b", "the same inside text (excelize: ab)"},
		{"_xdfff_", "a lower-case surrogate"},
		{"_xDBFF__xDC00_", "a surrogate pair spelled as two runs"},
		{"_x005F_xD800_", "an escaped '_' before a surrogate run (excelize: _x005F)"},
		{"_x005F_x005F_x0041_", "escaped underscores in a row"},
		{"_x005f_x0041_x0042_x0043_", "four runs, each on the end of the one before"},
		{"_x0041", "no closing '_': no run"},
		{"&_x0041_<", "a run between XML specials"},
		// Characters XML cannot hold: excelize writes U+FFFD for them, and the cell read
		// back was another value (a login "jo\x01doe" came back "jo\uFFFDdoe" through
		// map --to xlsx). SheetWriter writes the escape Excel writes.
		{"\x00", "NUL"},
		{"a\x01b", "a control character inside text"},
		{"\x08\x0b\x0c\x1f", "several in a row"},
		{"\uFFFE\uFFFF", "the two noncharacters XML excludes"},
		{"_x0041\x01", "text that ends like a run before an escape"},
		{"\x01_x0041_&", "an escape before a run and an XML special"},
		{"a\x01\nb\r", "beside a line break and a carriage return, which XML holds"},
	}
	header, cells := []string{}, []string{}
	for i, tt := range tests {
		header = append(header, fmt.Sprintf("C%d", i))
		cells = append(cells, tt.cell)
	}
	_, rw := writeSheet(t, [][]string{header, cells}, 0)
	f, err := excelize.OpenReader(bytes.NewReader(rw.buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := f.GetRows("Clinical One Users")
	if err != nil || len(all) != 2 {
		t.Fatalf("rows %q, %v", all, err)
	}
	rows := all[1:]
	// Our reader (xlsxfast.go) reads them back as excelize's does.
	in, err := New(bytes.NewReader(rw.buf.Bytes()), "w.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := in.Table(TableOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	tb.Read() // the header
	if ours, err := tb.Read(); err != nil || !slices.Equal(ours, rows[0]) {
		t.Errorf("our reader read %q, %v; excelize %q", ours, err, rows[0])
	}
	for i, tt := range tests {
		if i >= len(rows[0]) || rows[0][i] != tt.cell {
			got := ""
			if i < len(rows[0]) {
				got = rows[0][i]
			}
			t.Errorf("%q read back %q (%s)", tt.cell, got, tt.reason)
		}
	}
}

// isBold reports whether cell of sheet has a bold font.
func isBold(t *testing.T, f *excelize.File, sheet, cell string) bool {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st.Font != nil && st.Font.Bold
}

// checkReadBack reads both workbooks with excelize: the same cells, a bold header and a
// frozen pane when there is a header.
func checkReadBack(t *testing.T, got, want []byte, header bool, reason string) {
	t.Helper()
	open := func(b []byte) *excelize.File {
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	gf, wf := open(got), open(want)
	defer gf.Close()
	defer wf.Close()
	gr, err := gf.GetRows("Users")
	if err != nil {
		t.Fatal(err)
	}
	wr, err := wf.GetRows("Users")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(gr, wr, slices.Equal) {
		t.Errorf("cells read back differ from excelize's workbook (%s)", reason)
	}
	for _, cell := range []string{"A1", "A2"} {
		bold := isBold(t, gf, "Users", cell)
		if want := header && cell == "A1"; bold != want {
			t.Errorf("%s bold %v, want %v (%s)", cell, bold, want, reason)
		}
	}
	panes, err := gf.GetPanes("Users")
	if err != nil {
		t.Fatal(err)
	}
	if frozen := panes.Freeze && panes.YSplit == 1 && panes.TopLeftCell == "A2"; frozen != header {
		t.Errorf("panes %+v, want frozen %v (%s)", panes, header, reason)
	}
}

func TestSheetWriterMemory(t *testing.T) {
	// The data rows go to a temporary file through a small buffer, so the heap does not
	// grow with the sheet. excelize's stream writer held up to 16 MiB of rows in memory
	// (more while its buffer grew) before it moved them to its own temporary file.
	sw, err := NewSheetWriter("Sheet", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sw.Close()
	sw.tmpDir = t.TempDir()
	row := slices.Repeat([]string{strings.Repeat("abcdefghij", 20)}, 5) // 1 KB
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	var before uint64
	for i := range 60000 {
		if i == 1000 {
			before = heap()
		}
		if err := sw.Row(row); err != nil {
			t.Fatal(err)
		}
	}
	after := heap()
	t.Logf("heap %d -> %d", before, after)
	if after > before && after-before > 4<<20 {
		t.Errorf("heap grew by %d bytes over 59,000 rows of 1 KB, want under 4 MiB", after-before)
	}
}

func TestSheetWriterTempFile(t *testing.T) {
	// The rows' temporary file: its failures are errors, and it never outlives the writer.
	tests := []struct {
		name   string
		run    func(t *testing.T, sw *SheetWriter, dir string) error
		want   error
		reason string
	}{
		{"no-dir", func(t *testing.T, sw *SheetWriter, dir string) error {
			sw.tmpDir = filepath.Join(dir, "missing")
			return sw.Row([]string{"a"})
		}, fs.ErrNotExist, "the temporary file cannot be made: Row fails"},
		{"write-fails", func(t *testing.T, sw *SheetWriter, dir string) error {
			if err := sw.Row([]string{"a"}); err != nil {
				t.Fatal(err)
			}
			sw.rows.f.Close()
			big := []string{strings.Repeat("x", rowBufferSize)}
			for range 3 {
				if err := sw.Row(big); err != nil {
					return err
				}
			}
			return nil
		}, os.ErrClosed, "a write to the temporary file fails: Row fails once the buffer is full"},
		{"flush-fails", func(t *testing.T, sw *SheetWriter, dir string) error {
			if err := sw.Row([]string{"a"}); err != nil {
				t.Fatal(err)
			}
			sw.rows.f.Close()
			_, err := sw.WriteTo(io.Discard)
			return err
		}, os.ErrClosed, "the last rows cannot reach the temporary file: WriteTo fails"},
		{"closed", func(t *testing.T, sw *SheetWriter, dir string) error {
			for _, r := range testSheet(100) {
				if err := sw.Row(r); err != nil {
					t.Fatal(err)
				}
			}
			return sw.Close()
		}, nil, "Close removes the file of an unfinished workbook"},
		{"written", func(t *testing.T, sw *SheetWriter, dir string) error {
			for _, r := range testSheet(100) {
				if err := sw.Row(r); err != nil {
					t.Fatal(err)
				}
			}
			_, err := sw.WriteTo(io.Discard)
			return err
		}, nil, "WriteTo removes the file"},
		{"header-late", func(t *testing.T, sw *SheetWriter, dir string) error {
			if err := sw.Row([]string{"a"}); err != nil {
				t.Fatal(err)
			}
			if err := sw.Header([]string{"h"}); err == nil {
				t.Error("a header after a data row was accepted")
			}
			return nil
		}, nil, "the header must be the first row, as excelize's panes required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			sw, err := NewSheetWriter("Sheet", nil)
			if err != nil {
				t.Fatal(err)
			}
			sw.tmpDir = dir
			err = tt.run(t, sw, dir)
			if tt.want == nil && err != nil || !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v (%s)", err, tt.want, tt.reason)
			}
			sw.Close()
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Errorf("%d files left in the temporary directory (%s)", len(left), tt.reason)
			}
		})
	}
}

func TestMarkZip64(t *testing.T) {
	// A worksheet of 4 GiB or more, built in memory, gets version 4.5 in its local header
	// as excelize gives it; other entries keep theirs.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"a.xml", "xl/worksheets/sheet1.xml", "z.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(w, "<%s/>", name)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	markZip64(data, "xl/worksheets/sheet1.xml")
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		off, err := f.DataOffset()
		if err != nil {
			t.Fatal(err)
		}
		hdr := off - 30 - int64(len(f.Name))
		version := binenc.LittleEndian.Uint16(data[hdr+4:])
		want := uint16(20)
		if f.Name == "xl/worksheets/sheet1.xml" {
			want = 45
		}
		if version != want {
			t.Errorf("%s: local header version %d, want %d", f.Name, version, want)
		}
	}
}

// TestSheetWriterRowLimit: a row past Excel's 1,048,576 is an error that says the limit
// and what to write instead (excelize's own names no number), and is still
// excelize.ErrMaxRows.
func TestSheetWriterRowLimit(t *testing.T) {
	sw, err := NewSheetWriter("Users", []float64{12})
	if err != nil {
		t.Fatal(err)
	}
	defer sw.Close()
	if err := sw.Header([]string{"Login"}); err != nil {
		t.Fatal(err)
	}
	// Writing a million rows first would take seconds; the writer counts them.
	sw.row = excelize.TotalRows - 1
	if err := sw.Row([]string{"last-row"}); err != nil {
		t.Fatalf("row %d: %v", excelize.TotalRows, err)
	}
	err = sw.Row([]string{"one-too-many"})
	if !errors.Is(err, excelize.ErrMaxRows) || !strings.Contains(err.Error(), "1048576 rows") || !strings.Contains(err.Error(), "CSV") {
		t.Fatalf("got %v, want ErrMaxRows naming the limit and CSV", err)
	}
}
