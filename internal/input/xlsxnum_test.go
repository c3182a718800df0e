package input

import (
	"archive/zip"
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

func TestExcelNumber(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		inexact  bool
		why      string
	}{
		{"4155550100", "4155550100", false, "an integer as Excel writes it is kept"},
		{"4155550100.0", "4155550100", false, "a program writing floats adds .0, which Excel does not show"},
		{"4.1555501E+9", "4155550100", false, "an exponent is not how Excel shows a ten-digit number"},
		{"4.1555501e9", "4155550100", false, "the exponent in lower case"},
		{"0.30000000000000004", "0.3", false, "a binary fraction Excel rounds to 15 significant digits"},
		{"46027.75", "46027.75", false, "a date serial with a time of day is kept"},
		{"1.50", "1.5", false, "a trailing zero after the point is not shown"},
		{"-12", "-12", false, "a negative number is kept"},
		{"-0", "0", false, "minus zero is shown as 0"},
		{"0.0", "0", false, "zero with a point"},
		{"007", "7", false, "leading zeros of a number are not shown (text keeps them)"},
		{"0.5", "0.5", false, "a fraction is kept"},
		{"123456789012345", "123456789012345", false, "15 digits: what Excel keeps exactly"},
		{"1.23456789012345E+14", "123456789012345", false, "15 digits with an exponent"},
		{"1234567890123456", "1234567890123460", true, "16 digits: Excel keeps 15, the 16th reads as 0"},
		{"1.2345678901234567E+19", "12345678901234600000", true, "a 20-digit ID stored by another program: not what was typed"},
		{"1.23456789012345E+19", "12345678901234500000", true, "the same ID as Excel stores it, its last five digits already 0"},
		{"1E+21", "1E+21", true, "too long for digits: with an exponent, as Excel shows it"},
		{"1E-7", "0.0000001", false, "a small number without exponent, as the formula bar shows it"},
		{"abc", "abc", false, "not a number: as it is"},
		{"1,5", "1,5", false, "not a number Go reads: as it is"},
		{"NaN", "NaN", false, "ParseFloat's words are not numbers of a cell"},
		{"Inf", "Inf", false, "nor is infinity"},
		{"", "", false, "empty"},
	} {
		got, inexact := excelNumber(tc.in)
		if got != tc.want || inexact != tc.inexact {
			t.Errorf("excelNumber(%q) = %q, %v; want %q, %v: %s", tc.in, got, inexact, tc.want, tc.inexact, tc.why)
		}
		if plainNumber(tc.in) && (got != tc.in || inexact) {
			t.Errorf("plainNumber(%q) but excelNumber changes it to %q: %s", tc.in, got, tc.why)
		}
	}
}

// numberBook is a workbook excelize writes, a user table of number cells as a user types
// them into Excel: a phone number and a user ID in General format and in "0" format, the
// same typed as text ("@"), a start date, a 20-digit ID.
func numberBook(t *testing.T) []byte {
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "Users")
	zero, _ := f.NewStyle(&excelize.Style{NumFmt: 1})  // "0"
	text, _ := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@"
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14}) // m/d/yyyy
	f.SetSheetRow("Users", "A1", &[]any{"Login", "Phone", "User ID", "Start Date", "Text ID"})
	f.SetSheetRow("Users", "A2", &[]any{"ava", 4155550100, 123456789012345, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), "004155550100"})
	f.SetSheetRow("Users", "A3", &[]any{"ben", 4155550100.0, 12345678901234567890.0, 46027.75, "1.2E+19"})
	f.SetCellStyle("Users", "B3", "C3", zero)
	f.SetCellStyle("Users", "E2", "E3", text)
	f.SetCellStyle("Users", "D2", "D3", date)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestXLSXNumbersAsShown: number cells read as Excel shows them, whichever reader reads
// the sheet (fastBook, or excelize for a sheet handed over), text cells as typed, and a
// number of more digits than Excel keeps is said (InexactNumbers), for the columns a
// reader reads (Header.InexactNumbers).
func TestXLSXNumbersAsShown(t *testing.T) {
	// A sheet of the number forms programs other than Excel write; the second copy has a
	// cell fastBook hands to excelize from row 1 on.
	forms := `<row r="1"><c r="A1" t="inlineStr"><is><t>Login</t></is></c><c r="B1" t="inlineStr"><is><t>Phone</t></is></c><c r="C1" t="inlineStr"><is><t>User ID</t></is></c><c r="D1" t="inlineStr"><is><t>Note</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>ava</t></is></c><c r="B2"><v>4155550100.0</v></c><c r="C2" t="n"><v>1.2345678901234567E+19</v></c><c r="D2" t="s"><v>0</v></c></row>` +
		`<row r="3"><c r="A3" t="inlineStr"><is><t>ben</t></is></c><c r="B3"><v>4.1555501E+9</v></c><c r="C3"><v>123456789012345</v></c><c r="D3" t="str"><f>"x"</f><v>1.0</v></c></row>`
	sst := sstHead + `<si><t>4155550100.0</t></si></sst>`
	want := []string{`1 ["Login" "Phone" "User ID" "Note"]`, `2 ["ava" "4155550100" "12345678901234600000" "4155550100.0"]`, `3 ["ben" "4155550100" "123456789012345" "1.0"]`}
	for _, c := range []struct {
		why   string
		sheet string
		fast  bool
	}{
		{"read by fastBook", forms, true},
		{"handed to excelize", strings.Replace(forms, `<c r="A1" t="inlineStr">`, `<c r="$A$1" t="inlineStr">`, 1), false},
	} {
		data := zipBook(t, sheetHead+c.sheet+sheetTail, sst)
		if fast := compareBooks(t, c.why, data); fast != c.fast {
			t.Errorf("%s: read by fastBook alone %v, want %v", c.why, fast, c.fast)
		}
		zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		fb, err := newFastBook(zr, excelize.Options{}, func() (book, error) {
			f, err := excelize.OpenReader(bytes.NewReader(data))
			return exBook{f}, err
		})
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(sheetRead{Rows: want}, readSheet(fb, "Users")); d != "" {
			t.Errorf("%s (-want +got):\n%s", c.why, d)
		}
		fb.close()

		in, err := New(bytes.NewReader(data), "users.xlsx", Options{})
		if err != nil {
			t.Fatal(err)
		}
		tb, err := in.Table(TableOptions{})
		if err != nil {
			t.Fatal(err)
		}
		header, _ := tb.Read()
		h, err := NewHeader(header, func(c string) (string, bool) { return c, c != "Note" })
		if err != nil {
			t.Fatal(err)
		}
		var inexact []string
		for {
			if _, err := tb.Read(); err != nil {
				break
			}
			names, cols := h.InexactNumbers(tb)
			for i := range names {
				inexact = append(inexact, fmt.Sprintf("%s %d/%d", names[i], tb.Row(), cols[i]))
			}
		}
		tb.Close()
		if !slices.Equal(inexact, []string{"User ID 2/3"}) {
			t.Errorf("%s: inexact numbers %v, want the 20-digit ID of row 2 alone", c.why, inexact)
		}
	}

	// A workbook excelize writes, as a user fills one in: General and "0" formats give the
	// number's digits, text cells what was typed, a date column its ISO date.
	in, err := New(bytes.NewReader(numberBook(t)), "users.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := in.Table(TableOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	var rows []string
	var inexact [][]int
	for {
		r, err := tb.Read()
		if err != nil {
			break
		}
		rows = append(rows, strings.Join(r, "|"))
		inexact = append(inexact, slices.Clone(tb.InexactNumbers()))
	}
	wantRows := []string{"Login|Phone|User ID|Start Date|Text ID",
		"ava|4155550100|123456789012345|2026-01-05|004155550100",
		// excelize stores the 20-digit ID as Excel would, in 15 digits.
		"ben|4155550100|12345678901234500000|2026-01-05T18:00:00|1.2E+19"}
	if d := cmp.Diff(wantRows, rows); d != "" {
		t.Errorf("excelize's workbook (-want +got):\n%s", d)
	}
	if d := cmp.Diff([][]int{nil, {}, {3}}, inexact, cmp.Comparer(func(a, b []int) bool { return len(a) == 0 && len(b) == 0 || slices.Equal(a, b) })); d != "" {
		t.Errorf("excelize's workbook, inexact numbers by row (-want +got):\n%s", d)
	}
}
