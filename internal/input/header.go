package input

import (
	"errors"
	"fmt"
	"strings"
)

// ErrDuplicateColumn is wrapped by the error NewHeader returns for a header row that
// names one column twice.
var ErrDuplicateColumn = errors.New("a column appears twice in the header row")

// DuplicateColumnError is a header row naming one column in two cells. Which of the two
// holds a row's value cannot be told, so no reader picks one: the readers of this
// project took the first or the last, and so read one upload two ways.
type DuplicateColumnError struct {
	Column        string    // the column, as the reader calls it
	First, Second int       // the two cells' column numbers, from 1
	Cells         [2]string // the two cells as the header spells them (trimmed)
}

func (e *DuplicateColumnError) Error() string {
	if strings.EqualFold(e.Cells[0], e.Cells[1]) {
		return fmt.Sprintf("the column %q appears twice in the header row (columns %d and %d)", e.Cells[1], e.First, e.Second)
	}
	return fmt.Sprintf("the header row names one column twice: %q (column %d) and %q (column %d)", e.Cells[0], e.First, e.Cells[1], e.Second)
}

func (e *DuplicateColumnError) Unwrap() error { return ErrDuplicateColumn }

// Header is a table's header row resolved against the columns a reader knows. Besides
// where each column is, it tells which cells of a row stand under no header at all (a
// blank header cell, or past the header's last cell): a value there belongs to no column,
// and a reader that left it out without a word would drop it silently. Such a value is
// most often a sign that the row does not line up with the header (a separator typed
// into an unquoted cell), so every reader reports it.
type Header struct {
	width int // cells in the header row
	index map[string]int
	// open lists the cells whose header is blank: a row's value there has no column.
	open []int
	// unknown lists the cells that name no column the reader knows.
	unknown []int
}

// NewHeader resolves the header row cells: column gives the column a cell names (a byte
// order mark and surrounding spaces are trimmed first) and false for a cell that names
// none. A column named by two cells is a *DuplicateColumnError.
func NewHeader(cells []string, column func(cell string) (string, bool)) (*Header, error) {
	h := &Header{width: len(cells), index: make(map[string]int)}
	for i, c := range cells {
		c = strings.TrimSpace(strings.TrimPrefix(c, "\ufeff"))
		if c == "" {
			h.open = append(h.open, i)
			continue
		}
		name, ok := column(c)
		if !ok {
			h.unknown = append(h.unknown, i)
			continue
		}
		if j, dup := h.index[name]; dup {
			first := strings.TrimSpace(strings.TrimPrefix(cells[j], "\ufeff"))
			return nil, &DuplicateColumnError{Column: name, First: j + 1, Second: i + 1, Cells: [2]string{first, c}}
		}
		h.index[name] = i
	}
	return h, nil
}

// Unknown returns the cells (from 0, in order) that hold a name but name no column the
// reader knows: the reader reports them, or refuses them.
func (h *Header) Unknown() []int { return h.unknown }

// Index returns the cell of column c.
func (h *Header) Index(c string) (int, bool) {
	i, ok := h.index[c]
	return i, ok
}

// Has reports whether the header names column c.
func (h *Header) Has(c string) bool {
	_, ok := h.index[c]
	return ok
}

// Get returns row's value of column c, with surrounding spaces trimmed: "" when the
// header has no such column or the row is shorter.
func (h *Header) Get(row []string, c string) string {
	if i, ok := h.index[c]; ok && i < len(row) {
		return strings.TrimSpace(row[i])
	}
	return ""
}

// Loose returns the column number (from 1) of row's first cell that holds a value (not
// only spaces) under no header: under a blank header cell or past the header's last
// cell; 0 when there is none. A row shorter than the header is not loose: the cells it
// lacks are empty.
func (h *Header) Loose(row []string) int {
	for _, i := range h.open {
		if i < len(row) && strings.TrimSpace(row[i]) != "" {
			return i + 1
		}
	}
	for i := h.width; i < len(row); i++ {
		if strings.TrimSpace(row[i]) != "" {
			return i + 1
		}
	}
	return 0
}

// Uncalculated returns an error wrapping ErrUncalculated for the first cell of the row
// rows read last (at spreadsheet row row) that is in one of the header's columns and
// holds a formula saved without its value (Table.Uncalculated), nil for none or when
// rows is no Table. The formula's value is not in the file, and the cell would read as
// empty; a column the reader does not know may hold formulas of its own.
func (h *Header) Uncalculated(rows any, row int) error {
	u, ok := rows.(interface{ Uncalculated() []int })
	if !ok {
		return nil
	}
	for _, c := range u.Uncalculated() {
		for _, i := range h.index {
			if i == c-1 {
				err := UncalculatedError(row, c)
				if t, ok := rows.(*Table); ok {
					err.Name = t.Name
				}
				return err
			}
		}
	}
	return nil
}

// InexactNumbers returns the header spellings and columns (from 1) of the cells of the
// row rows read last that are in one of the header's columns and hold a number of more
// digits than Excel keeps (Table.InexactNumbers); none when rows is no Table.
func (h *Header) InexactNumbers(rows any) (names []string, cols []int) {
	t, ok := rows.(interface {
		InexactNumbers() []int
		Header() []string
	})
	if !ok {
		return nil, nil
	}
	for _, c := range t.InexactNumbers() {
		for _, i := range h.index {
			if i == c-1 {
				name := ""
				if header := t.Header(); c-1 < len(header) {
					name = strings.TrimSpace(strings.TrimPrefix(header[c-1], "\ufeff"))
				}
				names, cols = append(names, name), append(cols, c)
				break
			}
		}
	}
	return names, cols
}

// UncalculatedError is the error of the workbook cell at row and column col (from 1)
// that holds a formula saved without its value, with what to do about it. Its Name is
// for the caller to set.
func UncalculatedError(row, col int) *Error {
	return &Error{Cell: cellName(row, col), Err: fmt.Errorf("%w: the workbook was saved by a program that does not compute formulas; open it in Excel or LibreOffice and save it, or type the value in", ErrUncalculated)}
}
