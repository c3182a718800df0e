package input

import (
	"math"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// A number cell of a workbook holds the number in the form the program that saved it
// wrote: Excel writes 4155550100, but another program may write 4155550100.0 or
// 4.15555E+9, and a value computed in the sheet may keep a binary fraction Excel never
// shows (0.30000000000000004). The cell is read as Excel shows it (excelNumber): a user
// ID or phone number typed as a number is its digits, whoever saved the workbook.

// excelDigits is how many significant digits Excel keeps of a number: it turns the
// digits after the 15th of one typed into 0.
const excelDigits = 15

// excelNumber returns the stored value v of a number cell as Excel shows it in the
// formula bar: rounded to excelDigits significant digits, without exponent or trailing
// zeros (what is not a number is returned as it is). inexact says the number has more
// than excelDigits digits before its decimal point, which Excel cannot hold: what was
// typed into such a cell (a long ID) lost its later digits, and the cell is not what was
// typed.
func excelNumber(v string) (out string, inexact bool) {
	if plainNumber(v) {
		return v, false // the usual cell: nothing to do, nothing made
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return v, false
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', excelDigits, 64), 64)
	switch {
	case r == 0:
		return "0", false // also -0, which Excel shows as 0
	case math.Abs(r) >= 1e21:
		// Too long for plain digits; Excel shows these with an exponent too.
		return strconv.FormatFloat(r, 'G', -1, 64), true
	}
	return strconv.FormatFloat(r, 'f', -1, 64), math.Abs(r) >= 1e15
}

// plainNumber reports whether v is a number as Excel writes those it shows as written:
// an optional minus, at most excelDigits digits before an optional decimal point and at
// most excelDigits significant digits in all, and no trailing zero after the point (nor
// a lone point). Such a value is what excelNumber returns for it.
func plainNumber(v string) bool {
	i := 0
	if i < len(v) && v[i] == '-' {
		i++
	}
	start, digits, sig, point := i, 0, 0, -1
	for ; i < len(v); i++ {
		c := v[i]
		switch {
		case '0' <= c && c <= '9':
			digits++
			if sig > 0 || c != '0' {
				sig++
			}
		case c == '.' && point < 0:
			point = i
		default:
			return false
		}
	}
	if digits == 0 || sig > excelDigits {
		return false
	}
	if point >= 0 {
		// "5." or "5.50": not as Excel writes them; an integer part of leading zeros
		// other than one ("00.5") neither.
		if point == len(v)-1 || v[len(v)-1] == '0' || point-start > excelDigits || point-start > 1 && v[start] == '0' {
			return false
		}
		return point > start
	}
	return i-start <= excelDigits && (i-start == 1 || v[start] != '0') && v != "-0"
}

// numberCell reports whether a cell of type attribute t holds a number, as excelize's
// getValueFrom reads one (every type but boolean, date and the string types).
func numberCell(t string) bool {
	switch t {
	case "b", "d", "s", "str", "inlineStr":
		return false
	}
	return true
}

// exRows are excelize's rows of a sheet (exBook), with number cells read as fastRows
// reads them (excelNumber). excelize's raw values do not say which cells are numbers:
// a value excelNumber would change is looked up (GetCellType), which a sheet read here,
// an unusual one, seldom needs. A sheet excelize cannot read whole for that (one it reads
// row by row only) keeps such values as stored.
type exRows struct {
	*excelize.Rows
	f       *excelize.File
	sheet   string
	row     int   // the row Next moved to (excelize counts a Next a row)
	inexact []int // as fastRows.inexact
}

func (r *exRows) Next() bool {
	r.row++
	return r.Rows.Next()
}

func (r *exRows) Columns(opts ...excelize.Options) ([]string, error) {
	r.inexact = r.inexact[:0]
	cells, err := r.Rows.Columns(opts...)
	if err != nil {
		return cells, err
	}
	for i, v := range cells {
		if v == "" || plainNumber(v) {
			continue
		}
		out, inexact := excelNumber(v)
		if out == v && !inexact {
			continue
		}
		name, err := excelize.CoordinatesToCellName(i+1, r.row)
		if err != nil {
			continue
		}
		if t, err := r.f.GetCellType(r.sheet, name); err != nil || t != excelize.CellTypeUnset && t != excelize.CellTypeNumber && t != excelize.CellTypeError {
			continue
		}
		cells[i] = out
		if inexact {
			r.inexact = append(r.inexact, i+1)
		}
	}
	return cells, nil
}

// inexactNumbers returns the columns (from 1) of the number cells of the row Columns gave
// last that hold more digits than Excel keeps (excelNumber).
func (r *exRows) inexactNumbers() []int { return r.inexact }
