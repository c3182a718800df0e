package mapping

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWarningPositions: a warning about a value a reader placed carries the input's name
// and where the first such value is (a table's row and the header's spelling of the
// column, an ODM record's line and column), so that the warnings of several files each
// name their own place.
func TestWarningPositions(t *testing.T) {
	oc, err := os.ReadFile(filepath.Join("testdata", "openclinica.xml"))
	if err != nil {
		t.Fatal(err)
	}
	const c1Header = "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots"
	cases := []struct {
		name, in      string
		code          Code
		field         string
		reason        string
		want          Warning // File, Line, Col, Row, Column, Count
		subjectPrefix string
	}{
		{"users.csv", c1Header + "\nAna,Test,ana@example.org,ana,someday,,CRA,All,\n", CodeInvalidValue, "CSV/Start Date",
			"a template date that is no date: its row and column",
			Warning{File: "users.csv", Row: 2, Column: "Start Date", Count: 1}, "row 2"},
		{"users.csv", strings.ToLower(c1Header) + "\nAna,Test,ana@example.org,ana,01-Jan-2026,,CRA,,\n", CodeGenerated, "CSV/Sites",
			"the column is named as the header spells it",
			Warning{File: "users.csv", Row: 2, Column: "sites", Count: 1}, "row 2"},
		{"users.csv", c1Header + ",Notes\nAna,Test,ana@example.org,ana,01-Jan-2026,,CRA,All,,x\n", CodeUnrepresentable, "CSV/Notes",
			"a column the template lacks: its header cell",
			Warning{File: "users.csv", Row: 1, Column: "Notes", Count: 1}, "column 10"},
		{"users.csv", c1Header + "\n\nAna,Test,ana@example.org,ana,x,,CRA,All,\nBo,Test,bo@example.org,bo,y,,CRA,All,\n", CodeInvalidValue, "CSV/Start Date",
			"merged warnings keep the first value's place; a blank row still counts",
			Warning{File: "users.csv", Row: 3, Column: "Start Date", Count: 2}, "row 3"},
		{"oc4.csv", "Username,Roles,Type,Status\nmv,Data Manager,User,Available\nti,\"Investigator, Wizard\",User,Available\n", CodeUnknownRole, "table/Role",
			"an OpenClinica 4 role from the Roles column: that column",
			Warning{File: "oc4.csv", Row: 3, Column: "Roles", Count: 1}, "row 3"},
		{"logins.csv", "User OID,Email\nU1,a@example.org\n,b@example.org\n", CodeInvalidValue, "table/OID",
			"a user table row without OID: the OID column as spelled",
			Warning{File: "logins.csv", Row: 3, Column: "User OID", Count: 1}, "row 3"},
		{"oc.xml", string(oc), CodeNormalized, "User/@OID",
			"an ODM record: the line and column of its start tag",
			Warning{File: "oc.xml", Line: 63, Col: 5, Count: 1}, "User USR_7"},
	}
	for _, c := range cases {
		t.Run(c.reason, func(t *testing.T) {
			_, ws, err := ReadAny(strings.NewReader(c.in), c.name, Options{Study: "S1"})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range ws {
				if w.Code != c.code || w.Field != c.field {
					continue
				}
				got := Warning{File: w.File, Line: w.Line, Col: w.Col, Row: w.Row, Column: w.Column, Count: w.Count}
				if got != c.want || !strings.HasPrefix(w.Subject, c.subjectPrefix) {
					t.Errorf("placed at %+v (subject %q), want %+v (%q)", got, w.Subject, c.want, c.subjectPrefix)
				}
				return
			}
			t.Errorf("no %s warning on %s; got %v", c.code, c.field, ws)
		})
	}
}
