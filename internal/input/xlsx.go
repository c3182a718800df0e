package input

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/xuri/excelize/v2"
)

// sniffZip tells an .xlsx workbook from other zip-based formats by the names in the zip
// directory, which is at the end of the archive. A regular file read from its start is
// looked at in place and later opened by its path: excelize then reads of it only what
// each part needs, where given bytes it holds them all and a copy of them while it opens
// them (the 42 MB workbook of a 1,000,000-row template took 176 MiB before it was even
// read). Other input (stdin, a pipe) is read whole into memory, within
// maxWorkbookInMemory.
func (in *Input) sniffZip() error {
	wb := &archive{}
	if in.src != nil {
		if fi, err := in.src.Stat(); err == nil && fi.Mode().IsRegular() {
			wb.file, wb.path, wb.size = in.src, in.src.Name(), fi.Size()
		}
	}
	limit := in.opts.maxWorkbook()
	if wb.file == nil {
		limit = min(limit, maxWorkbookInMemory)
		data, err := io.ReadAll(io.LimitReader(in.br, limit+1))
		if err != nil {
			return &Error{Name: in.Name, Err: err}
		}
		wb.data, wb.size = data, int64(len(data))
	}
	if wb.size > limit {
		what := ""
		if wb.file == nil {
			what = " read from a stream (pass the workbook as a file: a file is read in place, up to a larger bound)"
		}
		return errorf(in.Name, "%w: a zip archive (workbook) larger than %d bytes%s", ErrLimit, limit, what)
	}
	zr, err := zip.NewReader(wb.readerAt(), wb.size)
	if err != nil {
		return errorf(in.Name, "%w: a damaged zip archive or workbook (%v); save it again as .xlsx or CSV", ErrUnknown, err)
	}
	has := map[string]bool{}
	for _, f := range zr.File {
		has[strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))] = true
	}
	switch {
	case has["xl/workbook.xml"]:
		in.Kind, in.wb = XLSX, wb
		return nil
	case has["xl/workbook.bin"]:
		return errorf(in.Name, "%w: an Excel binary workbook (.xlsb), which odmadmin does not read; save it as .xlsx or CSV", ErrUnknown)
	case has["mimetype"] && has["content.xml"]:
		return errorf(in.Name, "%w: an OpenDocument file (.ods), which odmadmin does not read; save it as .xlsx or CSV", ErrUnknown)
	case has["word/document.xml"]:
		return errorf(in.Name, "%w: a Word document; %s", ErrUnknown, accepted)
	}
	return errorf(in.Name, "%w: a zip archive that is not an Excel workbook; %s", ErrUnknown, accepted)
}

// spillPart is the size above which excelize inflates a worksheet or the shared strings
// into a temporary file rather than into memory (its UnzipXMLSizeLimit).
const spillPart = 16 << 20

// checkParts bounds what the workbook's parts inflate to, by the sizes its zip directory
// declares (archive/zip refuses a part that inflates to more than it declares): all of
// them together to MaxUnzippedBytes, and those excelize holds in memory (every part but
// a worksheet or the shared strings above spillPart) to maxInMemoryParts together, so
// that a large limit for the sheets lets no part of another kind fill the memory.
func (in *Input) checkParts(zr *zip.Reader) error {
	max := in.opts.maxUnzipped()
	var total, held uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		total += size
		if total > uint64(max) || size > uint64(max) {
			return errorf(in.Name, "%w: the workbook inflates to more than %d bytes", ErrLimit, max)
		}
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		spilled := size > spillPart && (strings.HasPrefix(name, "xl/worksheets/sheet") || name == "xl/sharedstrings.xml")
		if !spilled {
			held += size
		}
	}
	if held > maxInMemoryParts {
		return errorf(in.Name, "%w: the workbook's parts other than its sheets inflate to more than %d bytes", ErrLimit, maxInMemoryParts)
	}
	return nil
}

// maxInMemoryParts bounds what the parts excelize inflates into memory (styles, the
// workbook, themes, comments, pictures; a sheet or the shared strings up to spillPart
// each) hold together. A workbook Excel writes has some tens of KB of them, or a few MB
// with a picture; the bound leaves room for several sheets just under spillPart, and for
// pictures, which excelize holds too.
const maxInMemoryParts = 128 << 20

// maxWorkbookInMemory bounds a workbook that is not a regular file (stdin, a pipe),
// which is read into memory.
const maxWorkbookInMemory = 64 << 20

// archive is the zip archive of a recognized workbook: the input's own file, or the bytes
// of input that is not a regular file.
type archive struct {
	file *os.File // nil: data
	path string
	data []byte
	size int64
}

// readerAt reads the archive from its start.
func (w *archive) readerAt() *io.SectionReader {
	if w.file != nil {
		return io.NewSectionReader(w.file, 0, w.size)
	}
	return io.NewSectionReader(bytes.NewReader(w.data), 0, w.size)
}

// OpenWorkbook opens the workbook with the input's limits. The caller closes it.
func (in *Input) OpenWorkbook() (*excelize.File, error) {
	if in.Kind != XLSX {
		return nil, in.Expect(XLSX)
	}
	zr, err := zip.NewReader(in.wb.readerAt(), in.wb.size)
	if err == nil {
		err = in.checkParts(zr)
	}
	if err != nil {
		return nil, err
	}
	max := in.opts.maxUnzipped()
	xo := in.excelizeOptions()
	var f *excelize.File
	if in.wb.file != nil {
		f, err = excelize.OpenFile(in.wb.path, xo)
	} else {
		f, err = excelize.OpenReader(bytes.NewReader(in.wb.data), xo)
	}
	if err != nil {
		if f != nil {
			f.Close()
		}
		msg := err.Error()
		if strings.Contains(msg, "unzip size exceeds") {
			return nil, errorf(in.Name, "%w: the workbook inflates to more than %d bytes", ErrLimit, max)
		}
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrAlgorithm) || errors.Is(err, zip.ErrChecksum) {
			return nil, errorf(in.Name, "damaged workbook: %v (a part inflates to more than it declares, or its data is corrupt)", err)
		}
		return nil, errorf(in.Name, "damaged workbook: %v", err)
	}
	// excelize.OpenFile names the file it read in f.Path; the workbook is never saved,
	// least of all back there.
	f.Path = ""
	return f, nil
}

// excelizeOptions are the limits excelize opens the workbook with.
func (in *Input) excelizeOptions() excelize.Options {
	max := in.opts.maxUnzipped()
	return excelize.Options{UnzipSizeLimit: max, UnzipXMLSizeLimit: min(int64(spillPart), max)}
}

// openBook opens the workbook for its rows: read by fastBook where it can, else by
// excelize.
func (in *Input) openBook() (book, error) {
	zr, err := zip.NewReader(in.wb.readerAt(), in.wb.size)
	if err == nil {
		err = in.checkParts(zr)
	}
	if err != nil {
		return nil, err
	}
	openEx := func() (book, error) {
		f, err := in.OpenWorkbook()
		if err != nil {
			return nil, err
		}
		return exBook{f}, nil
	}
	if b, err := newFastBook(zr, in.excelizeOptions(), openEx); err == nil {
		return b, nil
	}
	return openEx()
}

func (in *Input) xlsxTable(opts TableOptions) (*Table, error) {
	if in.Kind != XLSX {
		return nil, in.Expect(XLSX)
	}
	f, err := in.openBook()
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			f.close()
		}
	}()
	sheets := f.sheetList()
	date1904 := f.is1904()
	var t *Table
	open := func(sheet string) (*Table, error) {
		rows, err := f.rows(sheet)
		if err != nil {
			return nil, errorf(in.Name, "sheet %q: %v", sheet, err)
		}
		n := 0
		t := &Table{Name: in.Name + "[" + sheet + "]", Sheet: sheet, date1904: date1904}
		t.next = func() ([]string, int, error) {
			if !rows.Next() {
				if err := rows.Error(); err != nil {
					return nil, 0, &Error{Name: t.Name, Row: n + 1, Err: err}
				}
				return nil, 0, io.EOF
			}
			n++
			cells, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				return nil, 0, &Error{Name: t.Name, Row: n, Err: err}
			}
			t.uncalc, t.inexact = t.uncalc[:0], t.inexact[:0]
			if u, ok := rows.(interface{ uncalculated() []int }); ok {
				t.uncalc = append(t.uncalc, u.uncalculated()...)
			}
			if u, ok := rows.(interface{ inexactNumbers() []int }); ok {
				t.inexact = append(t.inexact, u.inexactNumbers()...)
			}
			return cells, n, nil
		}
		t.closer = rows.Close
		if err := t.findHeader(opts); err != nil {
			rows.Close()
			return nil, err
		}
		return t, nil
	}
	if opts.IsHeader != nil && len(sheets) > 1 {
		// One sheet is read. Two that hold rows under a header row (a sheet copied to
		// add users, "Users (2)", or a batch a sheet) would have the other's rows left
		// out without a word: refused instead, with the sheets named.
		var full []string
		for _, s := range sheets {
			c, err := open(s)
			if err != nil {
				return nil, err
			}
			if c.header != nil && opts.IsHeader(c.header) && c.hasRow() {
				full = append(full, s)
			}
			c.Close()
		}
		if len(full) > 1 {
			return nil, errorf(in.Name, "%d sheets hold rows under a header row (%s): one sheet is read, and the rows of the others would be left out; move the rows into one sheet, or save each sheet as a file of its own", len(full), strings.Join(quoteAll(full), ", "))
		}
	}
	for _, want := range opts.Sheets {
		for _, s := range sheets {
			if strings.EqualFold(strings.TrimSpace(s), strings.TrimSpace(want)) {
				if t, err = open(s); err != nil {
					return nil, err
				}
				break
			}
		}
		if t != nil {
			break
		}
	}
	if t == nil && len(sheets) == 1 && (opts.IsHeader == nil || len(opts.Sheets) == 0) {
		if t, err = open(sheets[0]); err != nil {
			return nil, err
		}
	}
	if t == nil && opts.IsHeader != nil {
		// No sheet of the wanted name: take the first whose rows hold the header.
		for _, s := range sheets {
			c, err := open(s)
			if err != nil {
				return nil, err
			}
			if c.header != nil && opts.IsHeader(c.header) {
				t = c
				break
			}
			c.Close()
		}
	}
	if t == nil {
		want := "a sheet with the expected header row"
		if len(opts.Sheets) > 0 {
			want = fmt.Sprintf("a sheet named %q", opts.Sheets[0])
		}
		return nil, errorf(in.Name, "no %s (sheets: %s)", strings.TrimPrefix(want, "a "), strings.Join(quoteAll(sheets), ", "))
	}
	closeRows := t.closer
	t.closer = func() error {
		if closeRows != nil {
			closeRows()
		}
		return f.close()
	}
	ok = true
	return t, nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
