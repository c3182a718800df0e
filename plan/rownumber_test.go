package plan_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/plan"
)

// TestRowNumbersBelowTitleRows: a row is numbered as a spreadsheet shows it, and title
// rows above the header are rows of the sheet. The header was counted as row 1 wherever it
// was, so a workbook whose header is on row 3 had its first user reported as row 2, a row
// of the title.
func TestRowNumbersBelowTitleRows(t *testing.T) {
	cells := [][]string{
		{"Clinical One Users"},
		{"Study: DEMO-01"},
		strings.Split(strings.TrimSuffix(header, "\n"), ","),
		{"Jo", "Demo", "jo.demo@site1.example.org", "jdoe", "05-Jan-2026", "", "Site User", "101", ""},
		{"Noor", "Fictus", "noor.fictus@site2.example.org", "nfictus", "05-Jan-2026", "", "Site User", "102", ""},
	}
	sw, err := input.NewSheetWriter("Clinical One Users", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.Header(cells[0]); err != nil {
		t.Fatal(err)
	}
	for _, r := range cells[1:] {
		if err := sw.Row(r); err != nil {
			t.Fatal(err)
		}
	}
	var book bytes.Buffer
	if _, err := sw.WriteTo(&book); err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	for _, r := range cells {
		csv.WriteString(strings.Join(r, ",") + "\n")
	}
	for _, tc := range []struct {
		name string
		read func() ([]plan.Row, error)
	}{
		{"xlsx", func() ([]plan.Row, error) { return plan.ReadXLSX(bytes.NewReader(book.Bytes())) }},
		{"csv", func() ([]plan.Row, error) { return plan.ReadCSV(strings.NewReader(csv.String())) }},
	} {
		rows, err := tc.read()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var got []int
		for _, r := range rows {
			got = append(got, r.Number)
		}
		if len(got) != 2 || got[0] != 4 || got[1] != 5 {
			t.Errorf("%s: rows numbered %v, want [4 5] (the header is row 3)", tc.name, got)
		}
	}
}
