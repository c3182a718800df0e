package input

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Error is an error reading an input, placed as well as it can be: the input's name and,
// in CSV text, a line and column; in a workbook, a row or a cell. It names the input, so
// that a caller wrapping it does not name the input again (errors.As finds it; Name is
// empty only for an error made before the input had one).
type Error struct {
	Name         string // the input, as the caller named it; a workbook's with its sheet
	Line, Column int    // CSV text, from 1; 0 when not known
	Row          int    // a workbook's row, from 1, when no cell is known
	Cell         string // a workbook's cell ("C2")
	Err          error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Name)
	add := func(s string) {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(s)
	}
	switch {
	case e.Line > 0 && e.Column > 0:
		add("line " + strconv.Itoa(e.Line) + ", column " + strconv.Itoa(e.Column))
	case e.Line > 0:
		add("line " + strconv.Itoa(e.Line))
	case e.Cell != "":
		add("cell " + e.Cell)
	case e.Row > 0:
		add("row " + strconv.Itoa(e.Row))
	}
	add(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// errorf returns an *Error of input name, with the message and wrapping of fmt.Errorf.
func errorf(name string, format string, args ...any) *Error {
	return &Error{Name: name, Err: fmt.Errorf(format, args...)}
}

// cellName returns a cell's name ("C2") from its row and column (from 1).
func cellName(row, col int) string {
	name, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return "R" + strconv.Itoa(row) + "C" + strconv.Itoa(col)
	}
	return name
}

// NamesInput reports whether err carries the name of the input it is about (an *Error
// with a name), so that a caller adds the name only to an error that lacks it.
func NamesInput(err error) bool {
	for err != nil {
		if e, ok := err.(*Error); ok && e.Name != "" {
			return true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				if NamesInput(x) {
					return true
				}
			}
			return false
		default:
			return false
		}
	}
	return false
}

// RowError places err, an error about row (from 1, a spreadsheet's row) of the table
// rows, at that row of the table's input when rows is a *Table; otherwise at the row
// alone, for the caller to name the input.
func RowError(rows any, row int, err error) *Error {
	e := &Error{Row: row, Err: err}
	if t, ok := rows.(*Table); ok {
		e.Name = t.Name
	}
	return e
}

// WithName returns err naming the input name: err itself when it names its input already
// (NamesInput), else an *Error of name wrapping it.
func WithName(name string, err error) error {
	if err == nil || NamesInput(err) {
		return err
	}
	return &Error{Name: name, Err: err}
}
