package input

import (
	"archive/zip"
	"bufio"
	"bytes"
	binenc "encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"

	"github.com/xuri/excelize/v2"
)

// SheetWriter writes one worksheet row by row. Every cell is text, so that nothing (a site
// number "01", a date the reader must see as written) is reinterpreted by a spreadsheet
// program.
//
// excelize builds the workbook around the rows: the styles with the bold header, the frozen
// pane, the column widths, the header row itself (through its stream writer) and every other
// part. The data rows do not go through excelize: its stream writer keeps a worksheet's rows
// in memory until they reach 16 MiB (excelize.StreamChunkSize), and the buffer's growth
// holds up to three times that. SheetWriter writes each data row itself, in the XML
// excelize's stream writer writes for a row of strings (see xlsxcells.go), to a temporary file
// through a small buffer, and WriteTo splices the file into excelize's worksheet part at
// its </sheetData>, so that memory does not grow with the sheet.
//
// WriteTo streams the zip container to its writer, so that writing a large workbook does
// not hold it in memory, as long as a safe upper bound of the worksheet's size (kept as
// rows are written) stays below 4 GiB. A larger worksheet needs a ZIP64 entry, whose local
// header must say version 4.5 (excelize patches it too) because Excel rejects it otherwise;
// a streamed zip cannot be patched afterwards, so such a workbook is built in memory.
type SheetWriter struct {
	f   *excelize.File
	sw  *excelize.StreamWriter
	row int
	// size is an upper bound of the bytes of the worksheet part written so far.
	size uint64
	// streamLimit is the size below which WriteTo streams (zipStreamLimit; tests lower it).
	streamLimit uint64
	// rows holds the data rows' XML (nil until the first data row).
	rows *rowFile
	// tmpDir is where the rows' temporary file is made ("": os.TempDir; tests change it).
	tmpDir string
	enc    cellEncoder
	cuts   []CellCut
}

// CellCut says that cells of a column held more than the 32,767 characters an Excel
// cell holds (excelize.TotalCellChars) and were cut there, as excelize cuts them: Count
// cells, the first in row FirstRow (the header is row 1). Column counts from 0.
type CellCut struct {
	Column, Count, FirstRow int
}

// sheetPart is the worksheet part of a workbook excelize's NewFile makes; renaming the
// sheet does not rename its part.
const sheetPart = "xl/worksheets/sheet1.xml"

// rowBufferSize is the buffer between the rows' XML and their temporary file.
const rowBufferSize = 64 << 10

// Upper bounds of what excelize's stream writer writes to the worksheet part besides the
// cell text: the parts before and after the rows, each column width, each row's
// <row r="1048576"></row>, and each cell's <c r="XFD1048576" s="N" t="inlineStr"><is><t
// xml:space="preserve"></t></is></c> (under 100 bytes). A cell's text grows at most six
// times: an escaped '"' is "&#34;", and the "_x005F" marking a run "_xHHHH_"
// (markEscapes) adds 6 bytes to at least 6 of the run's bytes, none of which XML escapes.
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

// Header writes a bold header row and freezes it. It must be the first row.
func (s *SheetWriter) Header(cells []string) error {
	if s.row > 0 {
		// excelize refuses panes after a row too; the header cannot follow the data.
		return errors.New("xlsx: the header must be the first row")
	}
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
	if err := s.next(cells); err != nil {
		return err
	}
	// The header is the only row excelize writes: it stays in excelize's small buffer.
	return s.sw.SetRow("A1", row)
}

// Row writes a row of text cells.
func (s *SheetWriter) Row(cells []string) error {
	if err := s.next(cells); err != nil {
		return err
	}
	if len(cells) > excelize.MaxColumns {
		return fmt.Errorf("row %d: %w", s.row, excelize.ErrColumnNumber)
	}
	if s.rows == nil {
		rf, err := newRowFile(s.tmpDir)
		if err != nil {
			return err
		}
		s.rows = rf
	}
	if err := s.enc.writeRow(s.rows.w, s.row, cells); err != nil {
		return err
	}
	for _, c := range s.enc.cut {
		s.noteCut(c)
	}
	return nil
}

func (s *SheetWriter) noteCut(col int) {
	for i := range s.cuts {
		if s.cuts[i].Column == col {
			s.cuts[i].Count++
			return
		}
	}
	s.cuts = append(s.cuts, CellCut{Column: col, Count: 1, FirstRow: s.row})
}

// Cut returns, by column in the order first met, the data cells cut to the length an
// Excel cell holds: a caller that must not lose text silently reports them.
func (s *SheetWriter) Cut() []CellCut { return s.cuts }

// next numbers the next row and adds it to the worksheet's bound.
func (s *SheetWriter) next(cells []string) error {
	s.row++
	if s.row > excelize.TotalRows {
		// Said in words a user can act on: excelize's own message names no number.
		return fmt.Errorf("%w: a sheet holds at most %d rows (Excel's limit), this one needs more; CSV has no such limit", excelize.ErrMaxRows, excelize.TotalRows)
	}
	s.size += sheetRowBytes
	for _, c := range cells {
		s.size += sheetCellBytes + sheetTextExpanded*uint64(len(c))
	}
	return nil
}

// WriteTo finishes the workbook and writes it to w. The writer cannot be used afterwards.
func (s *SheetWriter) WriteTo(w io.Writer) (int64, error) {
	defer s.Close()
	if err := s.sw.Flush(); err != nil {
		return 0, err
	}
	var rows *io.SectionReader
	if s.rows != nil {
		r, err := s.rows.reader()
		if err != nil {
			return 0, err
		}
		rows = r
	}
	if s.size >= s.streamLimit {
		return s.writeBuffered(w, rows)
	}
	cw := &countWriter{w: w}
	var zs *zipStream
	s.f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		// The buffer excelize passes is left empty: every byte goes to w.
		zs = &zipStream{zw: zip.NewWriter(cw), limit: s.streamLimit, sheet: sheetPart, rows: rows}
		return zs
	})
	buf, err := s.f.WriteToBuffer()
	if err == nil && (zs == nil || buf.Len() != 0) {
		err = errors.New("xlsx: the workbook was not streamed")
	}
	return cw.n, err
}

// writeBuffered builds the workbook in memory, marks a worksheet part of 4 GiB or more as
// ZIP64 in its local header (version 4.5, as excelize's own WriteTo does), and copies the
// workbook to w.
func (s *SheetWriter) writeBuffered(w io.Writer, rows *io.SectionReader) (int64, error) {
	var buf bytes.Buffer
	var zs *zipStream
	s.f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zs = &zipStream{zw: zip.NewWriter(&buf), limit: math.MaxUint64, sheet: sheetPart, rows: rows}
		return zs
	})
	empty, err := s.f.WriteToBuffer()
	if err == nil && (zs == nil || empty.Len() != 0) {
		err = errors.New("xlsx: the workbook was not built")
	}
	if err != nil {
		return 0, err
	}
	if zs.sheetSize > math.MaxUint32 {
		markZip64(buf.Bytes(), sheetPart)
	}
	return buf.WriteTo(w)
}

// markZip64 sets "version needed to extract" to 4.5 in the local headers of the zip
// entries called name, as excelize's writeZip64LFH does for its large parts.
func markZip64(data []byte, name string) {
	sig := []byte{0x50, 0x4b, 0x03, 0x04}
	for offset := 0; offset < len(data); {
		i := bytes.Index(data[offset:], sig)
		if i < 0 {
			return
		}
		i += offset
		if i+30 > len(data) {
			return
		}
		n := int(binenc.LittleEndian.Uint16(data[i+26 : i+28]))
		if i+30+n > len(data) {
			return
		}
		if string(data[i+30:i+30+n]) == name {
			binenc.LittleEndian.PutUint16(data[i+4:i+6], 45)
		}
		offset = i + 1
	}
}

// Close discards an unfinished workbook and its temporary files. It may be called more
// than once.
func (s *SheetWriter) Close() error {
	err := s.f.Close()
	if s.rows != nil {
		err = errors.Join(err, s.rows.close())
		s.rows = nil
	}
	return err
}

// rowFile is the temporary file of the data rows' XML.
type rowFile struct {
	f *os.File
	w *bufio.Writer
}

func newRowFile(dir string) (*rowFile, error) {
	f, err := os.CreateTemp(dir, "odmadmin-xlsx-*")
	if err != nil {
		return nil, fmt.Errorf("xlsx: temporary file for the rows: %w", err)
	}
	return &rowFile{f: f, w: bufio.NewWriterSize(f, rowBufferSize)}, nil
}

// reader flushes the rows and returns a reader of all of them.
func (r *rowFile) reader() (*io.SectionReader, error) {
	if err := r.w.Flush(); err != nil {
		return nil, err
	}
	fi, err := r.f.Stat()
	if err != nil {
		return nil, err
	}
	return io.NewSectionReader(r.f, 0, fi.Size()), nil
}

// close closes and removes the file.
func (r *rowFile) close() error {
	return errors.Join(r.f.Close(), os.Remove(r.f.Name()))
}

// zipStream is the excelize.ZipWriter of a workbook. It refuses a part larger than limit,
// in case the worksheet's bound was wrong: that part may need the ZIP64 header patch a
// stream cannot get, and an error is better than a workbook Excel calls damaged.
//
// It keeps the part called sheet, as excelize writes it, until the next part begins (or
// the zip ends), and then writes it with rows inserted before its </sheetData>.
type zipStream struct {
	zw    *zip.Writer
	limit uint64
	sheet string
	rows  *io.SectionReader // nil: no data rows
	// part is the worksheet part's entry, and held what excelize wrote to it.
	part      *partWriter
	held      *bytes.Buffer
	spliced   bool
	sheetSize uint64
}

func (z *zipStream) Create(name string) (io.Writer, error) {
	if err := z.splice(); err != nil {
		return nil, err
	}
	w, err := z.zw.Create(name)
	if err != nil {
		return nil, err
	}
	pw := &partWriter{w: w, name: name, limit: z.limit}
	if name == z.sheet && !z.spliced {
		// excelize's worksheet part holds at most the header row: a few KB.
		z.part, z.held = pw, new(bytes.Buffer)
		return z.held, nil
	}
	return pw, nil
}

// splice writes the held worksheet part with the rows before its </sheetData>.
func (z *zipStream) splice() error {
	if z.held == nil {
		return nil
	}
	b := z.held.Bytes()
	end := []byte("</sheetData>")
	// The cell text before it is escaped, so the first </sheetData> is the element's.
	i := bytes.Index(b, end)
	if i < 0 || bytes.Contains(b[i+len(end):], end) {
		return fmt.Errorf("xlsx: part %s has no single </sheetData>", z.sheet)
	}
	if _, err := z.part.Write(b[:i]); err != nil {
		return err
	}
	if z.rows != nil {
		if _, err := io.Copy(z.part, z.rows); err != nil {
			return err
		}
	}
	if _, err := z.part.Write(b[i:]); err != nil {
		return err
	}
	z.sheetSize = z.part.n
	z.held, z.part, z.spliced = nil, nil, true
	return nil
}

func (z *zipStream) AddFS(fsys fs.FS) error {
	if err := z.splice(); err != nil {
		return err
	}
	return z.zw.AddFS(fsys)
}

func (z *zipStream) Close() error {
	if err := z.splice(); err != nil {
		return err
	}
	if z.sheet != "" && !z.spliced {
		return fmt.Errorf("xlsx: the workbook has no part %s for the rows", z.sheet)
	}
	return z.zw.Close()
}

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
