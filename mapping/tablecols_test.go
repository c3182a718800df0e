package mapping

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/odmadmin/odmadmin/internal/input"
)

// TestTableValueWithoutColumn: every table mapping reads (the Clinical One template, the
// OpenClinica 4 user table, the user table by OID) reports a value that stands under no
// header, with a count and the first row and column, instead of leaving it out without a
// word; and refuses a header that names a column twice, which the template reader took
// the last of and plan the first.
func TestTableValueWithoutColumn(t *testing.T) {
	const (
		c1   = "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n"
		oc4  = "First,Last,Username,Email,Role,Type,Status\n"
		oids = "OID,Login,Email\n"
	)
	tests := []struct {
		name, in string
		field    string // of the warning, "" for none
		count    int
		row      int
		why      string
	}{
		{"template past the end", c1 +
			"Ada,Morel,ada@site01.example.org,amorel,06-Dec-2026,,CRA,01,02,Depot A\n" +
			"Bo,Li,bo@site02.example.org,boli,06-Dec-2026,,CRA,02,,\n" +
			"Cy,Ng,cy@site02.example.org,cng,06-Dec-2026,,CRA,01,02,Depot B,x\n",
			"CSV/column 10", 2, 2,
			"two sites typed with an unquoted comma push the depot past the last column, on two rows; an empty cell there is nothing"},
		{"template blank header cell", strings.Replace(c1, ",Depots", ",,Depots", 1) +
			"Ada,Morel,ada@site01.example.org,amorel,06-Dec-2026,,CRA,01,stray,\n",
			"CSV/column 9", 1, 2, "a value under a blank header cell has no column either"},
		{"template short row", c1 + "Ada,Morel,ada@site01.example.org,amorel,06-Dec-2026,,CRA,01\n",
			"", 0, 0, "a row that ends early lacks only empty cells"},
		{"oc4 user table", oc4 + "Ada,Morel,amorel,ada@example.org,Data Manager,User,Available,Monitor\n",
			"table/column 8", 1, 2, "the OpenClinica 4 user table reads through the same table"},
		{"user table by OID", oids + "U1,amorel,ada@example.org,ada.morel@example.org\n",
			"table/column 4", 1, 2, "and so does the user table by OID"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, ws, err := ReadAny(strings.NewReader(tc.in), "t.csv", Options{Study: "S1"})
			if err != nil {
				t.Fatal(err)
			}
			var got []Warning
			for _, w := range ws {
				if strings.Contains(w.Field, "/column ") {
					got = append(got, w)
				}
			}
			if tc.field == "" {
				if len(got) > 0 {
					t.Errorf("warnings %+v, want none: %s", got, tc.why)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("warnings %+v, want one of %s: %s", got, tc.field, tc.why)
			}
			w := got[0]
			_, col, _ := strings.Cut(tc.field, "/")
			if w.Code != CodeUnrepresentable || w.Field != tc.field || w.Count != tc.count || w.Row != tc.row || w.Column != col {
				t.Errorf("got %s %s count %d row %d column %q, want %s %s count %d row %d column %q: %s",
					w.Code, w.Field, w.Count, w.Row, w.Column, CodeUnrepresentable, tc.field, tc.count, tc.row, col, tc.why)
			}
			if !strings.Contains(w.Message, "left out") {
				t.Errorf("message %q does not say the value is left out", w.Message)
			}
		})
	}
}

func TestTableDuplicateColumn(t *testing.T) {
	tests := []struct{ name, in, msg, why string }{
		{"template", "First Name,Last Name,Email,User Name,Start Date,Study Role,email\nAda,Morel,a@example.org,amorel,06-Dec-2026,CRA,b@example.org\n",
			`the column "email" appears twice in the header row (columns 3 and 7)`,
			"two Email columns: map read the last and plan the first, so one upload read two ways"},
		{"oc4 user table", "First,Last,Username,User,Role,Type,Status\nA,B,ab,ab2,CRA,User,Available\n",
			`the header row names one column twice: "Username" (column 3) and "User" (column 4)`,
			"two spellings of one column"},
		{"user table by OID", "OID,User ID,Login\nU1,U2,amorel\n",
			`the header row names one column twice: "OID" (column 1) and "User ID" (column 2)`,
			"two columns that both name the key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ReadAny(strings.NewReader(tc.in), "t.csv", Options{Study: "S1"})
			if err == nil || !strings.Contains(err.Error(), tc.msg) || !errors.Is(err, input.ErrDuplicateColumn) {
				t.Errorf("got %v, want an error wrapping input.ErrDuplicateColumn saying %q: %s", err, tc.msg, tc.why)
			}
		})
	}
}

// TestTableUncalculatedFormula: a workbook written by a program that does not calculate
// (excelize here; openpyxl alike) holds formulas without their values. One in a column
// the template reader reads is an error naming the cell, not an empty e-mail address; one
// in a column it does not read costs nothing but the unknown column's warning.
func TestTableUncalculatedFormula(t *testing.T) {
	book := func(formulaCol string) []byte {
		f := excelize.NewFile()
		defer f.Close()
		s := f.GetSheetName(0)
		f.SetSheetRow(s, "A1", &[]any{"First Name", "Last Name", "Email", "User Name", "Start Date", "End Date", "Study Role", "Sites", "Depots", "Notes"})
		row := []any{"Ada", "Morel", "ada@example.org", "amorel", "06-Dec-2026", "", "CRA", "01", "", "n"}
		row[formulaCol[0]-'A'] = nil // the formula's cell, with no value of its own
		f.SetSheetRow(s, "A2", &row)
		if err := f.SetCellFormula(s, formulaCol+"2", `LOWER(A2)&"@example.org"`); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := f.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	_, _, err := ReadAny(bytes.NewReader(book("C")), "users.xlsx", Options{Study: "S1"})
	if !errors.Is(err, input.ErrUncalculated) || !strings.Contains(err.Error(), "cell C2") {
		t.Errorf("a formula for the e-mail address: got %v, want an error wrapping input.ErrUncalculated at cell C2", err)
	}
	d, ws, err := ReadAny(bytes.NewReader(book("J")), "users.xlsx", Options{Study: "S1"})
	if err != nil {
		t.Fatalf("a formula in the Notes column, which is not read: %v", err)
	}
	if len(d.Users) != 1 || len(d.Users[0].Emails) != 1 || d.Users[0].Emails[0] != "ada@example.org" {
		t.Errorf("got %+v, want the row as typed", d.Users)
	}
	if !slices.ContainsFunc(ws, func(w Warning) bool { return w.Field == "CSV/Notes" }) {
		t.Errorf("warnings %v lack the unknown column's", ws)
	}
}

// TestClinicalOneColumnNames: the template reader takes a column under the other names
// plan takes (both read them through ClinicalOneColumn). map used to warn that E-mail
// was no template column and leave the addresses out, while plan read them.
func TestClinicalOneColumnNames(t *testing.T) {
	for _, tc := range []struct {
		header, want string
		why          string
	}{
		{"Email", "Email", "the template's own name"},
		{"\ufeffFIRST_NAME", "First Name", "a byte-order mark, case and underscores"},
		{"E-mail", "Email", "a common spelling"},
		{"Email Address", "Email", "a longer name"},
		{"Login", "User Name", "the ODM element's name"},
		{"Role", "Study Role", "short for the column"},
		{"Site", "Sites", "singular"},
		{"Surname", "Last Name", "another name for it"},
		{"Depot (template)", "Depots", "the template's own suffix, singular"},
		{"Notes", "", "no column of the template"},
		{"Mail", "", "too loose to be sure"},
	} {
		got, ok := ClinicalOneColumn(tc.header)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("%s: ClinicalOneColumn(%q) = %q, %v; want %q", tc.why, tc.header, got, ok, tc.want)
		}
	}

	// Read through the template reader: the same user as under the template's names,
	// without a warning.
	own := "First Name,Last Name,Email,User Name,Start Date,Study Role,Sites\nAda,Morel,ada@example.org,amorel,06-Dec-2026,CRA,01\n"
	other := "Given Name,Surname,E-mail,Login,Start Date,Role,Site\nAda,Morel,ada@example.org,amorel,06-Dec-2026,CRA,01\n"
	want, wws, err := ReadClinicalOneCSV(strings.NewReader(own), Options{Study: "S1"})
	if err != nil {
		t.Fatal(err)
	}
	got, gws, err := ReadClinicalOneCSV(strings.NewReader(other), Options{Study: "S1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Users) != 1 || len(want.Users) != 1 || !slices.Equal(got.Users[0].Emails, want.Users[0].Emails) ||
		got.Users[0].Login != want.Users[0].Login || len(got.Users[0].Assignments) != len(want.Users[0].Assignments) || len(gws) != len(wws) {
		t.Errorf("other names read otherwise: %+v, warnings %v; want %+v, %v", got.Users, gws, want.Users, wws)
	}
}
