package input

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"

	"github.com/xuri/excelize/v2"
)

// SheetWriter writes one worksheet row by row (excelize's stream writer: rows go to a
// temporary file, not memory). Every cell is text, so that nothing (a site number "01",
// a date the reader must see as written) is reinterpreted by a spreadsheet program.
//
// WriteTo streams the zip container to its writer, so that writing a large workbook does
// not hold it in memory, as long as a safe upper bound of the worksheet's size (kept as
// rows are written) stays below 4 GiB. A larger worksheet needs a ZIP64 entry, whose local
// header excelize patches to version 4.5 in a whole-file buffer because Excel rejects it
// otherwise; a streamed zip cannot be patched afterwards, so such a workbook is built in
// memory as before.
type SheetWriter struct {
	f   *excelize.File
	sw  *excelize.StreamWriter
	row int
	// size is an upper bound of the bytes of the worksheet part written so far.
	size uint64
	// streamLimit is the size below which WriteTo streams (zipStreamLimit; tests lower it).
	streamLimit uint64
}

// Upper bounds of what excelize's stream writer writes to the worksheet part besides the
// cell text: the parts before and after the rows, each column width, each row's
// <row r="1048576"></row>, and each cell's <c r="XFD1048576" s="N" t="inlineStr"><is><t
// xml:space="preserve"></t></is></c> (under 100 bytes). A cell's text grows at most five
// times (an escaped "&" is "&amp;"; excelize's "_x005F" escape of "_xHHHH_" adds less),
// counted as six.
const (
	sheetFixedBytes   = 16 << 10
	sheetColBytes     = 512
	sheetRowBytes     = 64
	sheetCellBytes    = 128
	sheetTextExpanded = 6
)

// zipStreamLimit is the largest worksheet bound that is streamed. It stays below
// math.MaxUint32 by a margin for deflate's worst-case growth of incompressible data
// (5 bytes per 64 KiB stored block), since archive/zip also makes an entry ZIP64 when its
// compressed size reaches 4 GiB.
const zipStreamLimit = math.MaxUint32 - math.MaxUint32/64

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
	size := sheetFixedBytes + sheetColBytes*uint64(len(widths))
	return &SheetWriter{f: f, sw: sw, size: size, streamLimit: zipStreamLimit}, nil
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
	return s.write(row, cells)
}

// Row writes a row of text cells.
func (s *SheetWriter) Row(cells []string) error {
	row := make([]any, len(cells))
	for i, c := range cells {
		row[i] = c
	}
	return s.write(row, cells)
}

func (s *SheetWriter) write(row []any, cells []string) error {
	s.row++
	cell, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return fmt.Errorf("row %d: %w", s.row, err)
	}
	s.size += sheetRowBytes
	for _, c := range cells {
		s.size += sheetCellBytes + sheetTextExpanded*uint64(len(c))
	}
	return s.sw.SetRow(cell, row)
}

// WriteTo finishes the workbook and writes it to w. The writer cannot be used afterwards.
func (s *SheetWriter) WriteTo(w io.Writer) (int64, error) {
	defer s.f.Close()
	if err := s.sw.Flush(); err != nil {
		return 0, err
	}
	if s.size >= s.streamLimit {
		return s.f.WriteTo(w)
	}
	cw := &countWriter{w: w}
	var zs *zipStream
	s.f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		// The buffer excelize passes is left empty: every byte goes to w.
		zs = &zipStream{zw: zip.NewWriter(cw), limit: s.streamLimit}
		return zs
	})
	buf, err := s.f.WriteToBuffer()
	if err == nil && (zs == nil || buf.Len() != 0) {
		err = errors.New("xlsx: the workbook was not streamed")
	}
	return cw.n, err
}

// Close discards an unfinished workbook's temporary files.
func (s *SheetWriter) Close() error { return s.f.Close() }

// zipStream is the excelize.ZipWriter of a streamed workbook. It refuses a part larger
// than limit, in case the worksheet's bound was wrong: that part may need the ZIP64 header
// patch a stream cannot get, and an error is better than a workbook Excel calls damaged.
type zipStream struct {
	zw    *zip.Writer
	limit uint64
}

func (z *zipStream) Create(name string) (io.Writer, error) {
	w, err := z.zw.Create(name)
	if err != nil {
		return nil, err
	}
	return &partWriter{w: w, name: name, limit: z.limit}, nil
}

func (z *zipStream) AddFS(fsys fs.FS) error { return z.zw.AddFS(fsys) }

func (z *zipStream) Close() error { return z.zw.Close() }

// partWriter counts one part's uncompressed bytes.
type partWriter struct {
	w     io.Writer
	name  string
	n     uint64
	limit uint64
}

func (p *partWriter) Write(b []byte) (int, error) {
	p.n += uint64(len(b))
	if p.n > p.limit {
		return 0, fmt.Errorf("xlsx: part %s is larger than %d bytes, too large to stream", p.name, p.limit)
	}
	return p.w.Write(b)
}

// countWriter counts the bytes written to w.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}
