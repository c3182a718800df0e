// Package xlsxtest writes small workbooks for tests, as a user makes them in Excel: each
// row's cells as given, numbers as number cells and strings as text, so that the readers
// are tested on the cell types a typed value gets (a phone number typed as a number is a
// number cell, not its digits as text).
package xlsxtest

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Book returns a workbook of one sheet named sheet ("" keeps excelize's first sheet,
// Sheet1) whose rows, from row 1, are rows.
func Book(t testing.TB, sheet string, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	name := f.GetSheetName(0)
	if sheet != "" && sheet != name {
		if err := f.SetSheetName(name, sheet); err != nil {
			t.Fatal(err)
		}
		name = sheet
	}
	for i, r := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err == nil {
			err = f.SetSheetRow(name, cell, &r)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
