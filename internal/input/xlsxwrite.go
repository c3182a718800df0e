package input

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// SheetWriter writes one worksheet row by row (excelize's stream writer: rows go to a
// temporary file, not memory). Every cell is text, so that nothing (a site number "01",
// a date the reader must see as written) is reinterpreted by a spreadsheet program.
type SheetWriter struct {
	f   *excelize.File
	sw  *excelize.StreamWriter
	row int
}

// NewSheetWriter starts a workbook with one sheet called sheet. widths are column widths
// in characters (0 or missing: the default).
func NewSheetWriter(sheet string, widths []float64) (*SheetWriter, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		f.Close()
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		f.Close()
		return nil, err
	}
	for i, w := range widths {
		if w > 0 {
			if err := sw.SetColWidth(i+1, i+1, w); err != nil {
				f.Close()
				return nil, err
			}
		}
	}
	return &SheetWriter{f: f, sw: sw}, nil
}

// Header writes a bold header row and freezes it.
func (s *SheetWriter) Header(cells []string) error {
	style, err := s.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if err := s.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	row := make([]any, len(cells))
	for i, c := range cells {
		row[i] = excelize.Cell{StyleID: style, Value: c}
	}
	return s.write(row)
}

// Row writes a row of text cells.
func (s *SheetWriter) Row(cells []string) error {
	row := make([]any, len(cells))
	for i, c := range cells {
		row[i] = c
	}
	return s.write(row)
}

func (s *SheetWriter) write(row []any) error {
	s.row++
	cell, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return fmt.Errorf("row %d: %w", s.row, err)
	}
	return s.sw.SetRow(cell, row)
}

// WriteTo finishes the workbook and writes it to w. The writer cannot be used afterwards.
func (s *SheetWriter) WriteTo(w io.Writer) (int64, error) {
	defer s.f.Close()
	if err := s.sw.Flush(); err != nil {
		return 0, err
	}
	return s.f.WriteTo(w)
}

// Close discards an unfinished workbook's temporary files.
func (s *SheetWriter) Close() error { return s.f.Close() }
