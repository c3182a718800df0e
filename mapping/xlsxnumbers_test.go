package mapping

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/xlsxtest"
)

// TestWorkbookNumbers: a workbook's number cells read as Excel shows them (a site number
// typed as a number is its digits), and a number of more digits than Excel keeps, which
// is not what was typed, is reported (invalid-value, naming the row and column, never
// the value), in the Clinical One template and in a user table by OID.
func TestWorkbookNumbers(t *testing.T) {
	const longID = 12345678901234567890.0 // a fictitious 20-digit employee number as login
	for _, tc := range []struct {
		name, why string
		data      []byte
		opts      Options
		field     string
		check     func(d *Directory) string
	}{
		{"template", "User Name and Sites typed as numbers",
			xlsxtest.Book(t, ClinicalOneSheet, []any{"First Name", "Last Name", "Email", "User Name", "Start Date", "End Date", "Study Role", "Sites", "Depots"},
				[]any{"Avery", "Kline", "avery@example.org", longID, "05-Jan-2026", "", "Site User", 101, ""}),
			Options{Study: "S"}, "CSV/User Name",
			func(d *Directory) string {
				if len(d.Users) != 1 || d.Users[0].Login != "12345678901234500000" || len(d.Users[0].Assignments) != 1 || d.Users[0].Assignments[0].Site != "101" {
					return "want login 12345678901234500000 (as Excel shows it) at site 101"
				}
				return ""
			}},
		{"user table", "Login and Phone typed as numbers",
			xlsxtest.Book(t, "Users", []any{"OID", "Login", "Phone"}, []any{"U1", longID, 4155550100}),
			Options{}, "table/Login",
			func(d *Directory) string {
				if len(d.Users) != 1 || d.Users[0].Login != "12345678901234500000" || !slices.Equal(d.Users[0].Phones, []string{"4155550100"}) {
					return "want login 12345678901234500000 and phone 4155550100"
				}
				return ""
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, ws, err := ReadAny(bytes.NewReader(tc.data), "users.xlsx", tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if msg := tc.check(d); msg != "" {
				t.Errorf("%s: %s; got %+v", tc.why, msg, d.Users)
			}
			var got []Warning
			for _, w := range ws {
				if w.Code == CodeInvalidValue {
					got = append(got, w)
				}
				if strings.Contains(w.String(), "123456789") || strings.Contains(w.String(), "Avery") {
					t.Errorf("a warning names the value: %s", w)
				}
			}
			if len(got) != 1 || got[0].Field != tc.field || got[0].Row != 2 || got[0].Count != 1 || got[0].Subject != "row 2" {
				t.Errorf("%s: invalid-value warnings %+v, want one of %s at row 2", tc.why, got, tc.field)
			}
		})
	}
}
