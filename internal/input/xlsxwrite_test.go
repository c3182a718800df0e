package input

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
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
				id, err := f.GetCellStyle("Clinical One Users", cell)
				if err != nil {
					t.Fatal(err)
				}
				st, err := f.GetStyle(id)
				if err != nil {
					t.Fatal(err)
				}
				bold := st.Font != nil && st.Font.Bold
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
