package input

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// sniffZip reads the whole archive (bounded by MaxWorkbookBytes: the zip directory is at
// its end) and tells an .xlsx workbook from other zip-based formats.
func (in *Input) sniffZip() error {
	limit := in.opts.maxWorkbook()
	data, err := io.ReadAll(io.LimitReader(in.br, limit+1))
	if err != nil {
		return fmt.Errorf("%s: %w", in.Name, err)
	}
	if int64(len(data)) > limit {
		return fmt.Errorf("%s: %w: a zip archive (workbook) larger than %d bytes", in.Name, ErrLimit, limit)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("%s: %w: a damaged zip archive or workbook (%v); save it again as .xlsx or CSV", in.Name, ErrUnknown, err)
	}
	has := map[string]bool{}
	for _, f := range zr.File {
		has[strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))] = true
	}
	switch {
	case has["xl/workbook.xml"]:
		in.Kind, in.data = XLSX, data
		return nil
	case has["xl/workbook.bin"]:
		return fmt.Errorf("%s: %w: an Excel binary workbook (.xlsb), which odmadmin does not read; save it as .xlsx or CSV", in.Name, ErrUnknown)
	case has["mimetype"] && has["content.xml"]:
		return fmt.Errorf("%s: %w: an OpenDocument file (.ods), which odmadmin does not read; save it as .xlsx or CSV", in.Name, ErrUnknown)
	case has["word/document.xml"]:
		return fmt.Errorf("%s: %w: a Word document; %s", in.Name, ErrUnknown, accepted)
	}
	return fmt.Errorf("%s: %w: a zip archive that is not an Excel workbook; %s", in.Name, ErrUnknown, accepted)
}

// OpenWorkbook opens the workbook with the input's limits. The caller closes it.
func (in *Input) OpenWorkbook() (*excelize.File, error) {
	if in.Kind != XLSX {
		return nil, in.Expect(XLSX)
	}
	max := in.opts.maxUnzipped()
	xmlLimit := min(int64(16<<20), max)
	f, err := excelize.OpenReader(bytes.NewReader(in.data), excelize.Options{UnzipSizeLimit: max, UnzipXMLSizeLimit: xmlLimit})
	if err != nil {
		msg := err.Error()
		if strings.Contains(msg, "unzip size exceeds") {
			return nil, fmt.Errorf("%s: %w: the workbook inflates to more than %d bytes", in.Name, ErrLimit, max)
		}
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrAlgorithm) || errors.Is(err, zip.ErrChecksum) {
			return nil, fmt.Errorf("%s: damaged workbook: %v (a part inflates to more than it declares, or its data is corrupt)", in.Name, err)
		}
		return nil, fmt.Errorf("%s: damaged workbook: %v", in.Name, err)
	}
	return f, nil
}

func (in *Input) xlsxTable(opts TableOptions) (*Table, error) {
	f, err := in.OpenWorkbook()
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
		}
	}()
	sheets := f.GetSheetList()
	date1904 := false
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		date1904 = *p.Date1904
	}
	var t *Table
	open := func(sheet string) (*Table, error) {
		rows, err := f.Rows(sheet)
		if err != nil {
			return nil, fmt.Errorf("%s: sheet %q: %v", in.Name, sheet, err)
		}
		n := 0
		t := &Table{Name: in.Name + "[" + sheet + "]", Sheet: sheet, date1904: date1904}
		t.next = func() ([]string, int, error) {
			if !rows.Next() {
				if err := rows.Error(); err != nil {
					return nil, 0, fmt.Errorf("%s: row %d: %v", t.Name, n+1, err)
				}
				return nil, 0, io.EOF
			}
			n++
			cells, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				return nil, 0, fmt.Errorf("%s: row %d: %v", t.Name, n, err)
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
		return nil, fmt.Errorf("%s: no %s (sheets: %s)", in.Name, strings.TrimPrefix(want, "a "), strings.Join(quoteAll(sheets), ", "))
	}
	closeRows := t.closer
	t.closer = func() error {
		if closeRows != nil {
			closeRows()
		}
		return f.Close()
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
