package input

import (
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/odmadmin/odmadmin/internal/csvcell"
)

// TableOptions say which table of a CSV file or workbook to read.
type TableOptions struct {
	// Sheets are the names of the worksheet to read, in order of preference, matched
	// ignoring case and surrounding spaces. Default: the workbook's only sheet, or the
	// first whose rows hold a header row (see IsHeader). With IsHeader set, a workbook
	// of two sheets or more that each hold a row with a value under a header row is an
	// error, named or not: one is read, and the other's rows would be lost.
	Sheets []string
	// IsHeader reports whether a row is the header row. The table starts at the first row
	// for which it is true among the first HeaderScan rows, so that title or instruction
	// rows above the header are skipped. Default: the first row that is not empty.
	IsHeader func(row []string) bool
	// HeaderScan is how many rows are searched for the header. Default 50.
	HeaderScan int
	// DateColumns name more columns (by header, ignoring case and surrounding spaces)
	// whose workbook cells are dates, besides those whose header says "date", "(UTC)" or
	// "last login": a date of birth typed into Excel is stored as a serial number.
	DateColumns []string
	// Restore, for CSV text, reads a cell that a writer of this module neutralized
	// (internal/csvcell: a leading apostrophe before what a spreadsheet would run as a
	// formula) without the apostrophe, so that a table written and read back holds what
	// was written. Workbook cells are left as they are: the writers write them unchanged,
	// and a spreadsheet keeps a typed apostrophe out of the cell's value.
	Restore bool
}

func (o TableOptions) scan() int { return positiveOr(o.HeaderScan, 50) }

// Table yields the rows of a CSV file or worksheet, starting with its header row. Its Read
// method has the signature of encoding/csv's, so code written for csv.Reader reads
// workbooks too.
type Table struct {
	// Name is the input's name, with the sheet for a workbook ("users.xlsx[Clinical One Users]").
	Name string
	// Sheet is the worksheet read ("" for CSV).
	Sheet string

	next   func() ([]string, int, error) // a row and its number
	closer func() error
	// pending rows read while looking for the header, returned before reading on.
	pending   [][]string
	pendRows  []int
	row       int
	header    []string
	headerNum int
	dateCols  []bool
	date1904  bool
	// uncalc are the columns of the row read last whose formula has no value (the
	// workbook reader's, for the row next gave last); see Uncalculated.
	uncalc []int
	// inexact are those of its number cells of more digits than Excel keeps; see
	// InexactNumbers.
	inexact []int
	// pendingRead: the row Read gave last was one of the pending rows, whose formulas
	// were not kept.
	pendingRead bool
	restore     bool // TableOptions.Restore, for CSV
}

// Uncalculated returns the columns (from 1) of the cells of the row Read returned last
// that hold a formula saved without its value, by a program that does not calculate
// (excelize, openpyxl): they read as empty, although the formula gives a value, which is
// not in the file. A reader checks the columns it reads (Header.Uncalculated), so that
// such a value is an error, not an empty cell; a column nobody reads may hold formulas
// of its own. Nil for CSV, for the header row and the rows the header search read, and
// for a sheet this package hands to excelize (an unusual one).
func (t *Table) Uncalculated() []int {
	if t.pendingRead {
		return nil
	}
	return t.uncalc
}

// InexactNumbers returns the columns (from 1) of the cells of the row Read returned last
// that hold a number of more than 15 digits before its decimal point: Excel keeps 15
// significant digits of a number, so what was typed into such a cell (a long user ID, a
// phone number with its country code and more) lost its later digits, which read as 0.
// A reader warns of the columns it reads (Header.InexactNumbers). Nil for CSV, whose
// cells are the text written, and for the header row and the rows the header search
// read.
func (t *Table) InexactNumbers() []int {
	if t.pendingRead {
		return nil
	}
	return t.inexact
}

// Header returns the header row.
func (t *Table) Header() []string { return t.header }

// Row returns the number of the row Read returned last, as the file counts it: the line
// of a CSV file (the first line of a record spanning several), the row of a worksheet.
func (t *Table) Row() int { return t.row }

// Read returns the next row, the header row first, and io.EOF after the last. Cells of a
// workbook are their values: text as typed, numbers as Excel shows them in the formula
// bar whatever program saved them (4155550100, not 4155550100.0 or 4.15555E+9; 0.3, not
// 0.30000000000000004: 15 significant digits, no exponent below 1E+21, see
// InexactNumbers for longer ones) but unformatted, and numbers in a column
// whose header names a date ("Start Date", "Created (UTC)") as ISO 8601 dates
// (YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS with a time of day); a formula's computed value
// (see Uncalculated for a formula saved without one).
func (t *Table) Read() ([]string, error) {
	t.pendingRead = len(t.pending) > 0
	if len(t.pending) > 0 {
		r := t.pending[0]
		t.row = t.pendRows[0]
		t.pending, t.pendRows = t.pending[1:], t.pendRows[1:]
		return t.restoreCells(t.dates(r)), nil
	}
	r, n, err := t.next()
	if err != nil {
		return nil, err
	}
	t.row = n
	return t.restoreCells(t.dates(r)), nil
}

// restoreCells undoes csvcell.Neutralize in the cells of r, with TableOptions.Restore.
func (t *Table) restoreCells(r []string) []string {
	if !t.restore {
		return r
	}
	for i, c := range r {
		if v, ok := csvcell.Restore(c); ok {
			r[i] = v
		}
	}
	return r
}

// Close releases the workbook's temporary files.
func (t *Table) Close() error {
	if t.closer == nil {
		return nil
	}
	c := t.closer
	t.closer = nil
	return c()
}

// hasRow reports whether a row with a value follows the header row; it reads the table
// up to that row.
func (t *Table) hasRow() bool {
	if _, err := t.Read(); err != nil { // the header
		return false
	}
	for {
		row, err := t.Read()
		if err != nil {
			return false
		}
		for _, c := range row {
			if strings.TrimSpace(c) != "" {
				return true
			}
		}
	}
}

// findHeader reads rows until opts.IsHeader accepts one; that row and the rows after it
// are what Read returns. Without a match the table starts at the first non-empty row, so
// the caller's check of the header names what is missing.
func (t *Table) findHeader(opts TableOptions) error {
	var rows [][]string
	var nums []int
	first := -1
	for len(rows) < opts.scan() {
		r, n, err := t.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		rows, nums = append(rows, r), append(nums, n)
		if first < 0 && !blank(r) {
			first = len(rows) - 1
			if opts.IsHeader == nil {
				break
			}
		}
		if opts.IsHeader != nil && opts.IsHeader(r) {
			t.setHeader(rows[len(rows)-1:], nums[len(nums)-1:], opts.DateColumns)
			return nil
		}
	}
	if first < 0 {
		t.pending, t.pendRows = nil, nil
		return nil
	}
	t.setHeader(rows[first:], nums[first:], opts.DateColumns)
	return nil
}

func (t *Table) setHeader(rows [][]string, nums []int, more []string) {
	t.pending, t.pendRows = rows, nums
	t.header, t.headerNum = rows[0], nums[0]
	t.dateCols = make([]bool, len(t.header))
	for i, h := range t.header {
		h = strings.ToLower(strings.TrimSpace(h))
		t.dateCols[i] = strings.Contains(h, "date") || strings.Contains(h, "(utc)") || strings.Contains(h, "last login")
		for _, m := range more {
			t.dateCols[i] = t.dateCols[i] || h == strings.ToLower(strings.TrimSpace(m))
		}
	}
}

// dates turns Excel date serial numbers in date columns into ISO 8601. Only workbooks
// store dates as numbers; CSV cells are left alone.
func (t *Table) dates(r []string) []string {
	if t.Sheet == "" || t.row == t.headerNum {
		return r
	}
	for i, c := range r {
		if i < len(t.dateCols) && t.dateCols[i] {
			if iso, ok := serialDate(c, t.date1904); ok {
				r[i] = iso
			}
		}
	}
	return r
}

// serialDate reads an Excel date serial number ("46027", "46027.75") as an ISO date or
// date-time. Serial 60 is the 29 February 1900 that Excel counts but never was.
func serialDate(s string, date1904 bool) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || (s[0] < '0' || s[0] > '9') {
		return "", false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 1 || f > 2958465 || math.IsNaN(f) {
		return "", false
	}
	var base time.Time
	if date1904 {
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	} else {
		base = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
		if f < 61 {
			base = base.AddDate(0, 0, 1)
		}
	}
	days := math.Floor(f)
	secs := math.Round((f - days) * 86400)
	t := base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	if secs == 0 {
		return t.Format("2006-01-02"), true
	}
	return t.Format("2006-01-02T15:04:05"), true
}

func blank(r []string) bool {
	for _, c := range r {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Table opens the input's table: the CSV rows, or a worksheet's. The header row is found
// as opts says.
func (in *Input) Table(opts TableOptions) (*Table, error) {
	if in.used {
		return nil, errorf(in.Name, "the input was read already")
	}
	in.used = true
	switch in.Kind {
	case CSV:
		t, err := in.csvTable()
		if err != nil {
			return nil, err
		}
		if err := t.findHeader(opts); err != nil {
			return nil, err
		}
		t.restore = opts.Restore
		return t, nil
	case XLSX:
		return in.xlsxTable(opts)
	}
	return nil, in.Expect(CSV, XLSX)
}
