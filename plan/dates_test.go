package plan_test

import (
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/plan"
)

// TestUploadDateYears: an upload row's dates are read as map reads the template
// (mapping.ParseTemplateDate): a two-digit year is planned with the year the warning
// names, a year padded to four digits with zeros (0026) is no date. Both were planned
// without a word, the second as the year 26.
func TestUploadDateYears(t *testing.T) {
	cases := []struct {
		start, end string
		want       map[plan.Code]string // code: what its message must say
		from, to   string
		reason     string
	}{
		{"05-Jan-2026", "", nil, "2026-01-05", "", "four digits: no warning"},
		{"05-Jan-26", "", map[plan.Code]string{plan.TwoDigitYear: "Start Date has a two-digit year, read as 2026"}, "2026-01-05", "", "a spreadsheet's DD-MMM-YY"},
		{"05-Jan-2026", "31-Dec-99", map[plan.Code]string{plan.TwoDigitYear: "End Date has a two-digit year, read as 1999"}, "2026-01-05", "1999-12-31", "99 is 1999, which the message says"},
		{"05-Jan-0026", "", map[plan.Code]string{plan.InvalidDate: "Start Date is not a date"}, "", "", "the year 26 is no date an upload means"},
	}
	for _, c := range cases {
		rows, err := plan.ReadCSV(strings.NewReader(header + "Jo,Demo,jo.demo@site1.example.org,jdemo," + c.start + "," + c.end + ",Site User,101,\n"))
		if err != nil || len(rows) != 1 {
			t.Fatalf("%s: %d rows, %v", c.reason, len(rows), err)
		}
		r := rows[0]
		got := map[plan.Code]string{}
		for _, w := range r.Warnings {
			got[w.Code] = w.Message
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: warnings %v, want %v", c.reason, r.Warnings, c.want)
		}
		for code, msg := range c.want {
			if !strings.Contains(got[code], msg) {
				t.Errorf("%s: %s warning %q, want it to say %q", c.reason, code, got[code], msg)
			}
		}
		if len(r.Assignments) != 1 || r.Assignments[0].From != c.from || r.Assignments[0].To != c.to {
			t.Errorf("%s: assignments %+v, want %s to %s", c.reason, r.Assignments, c.from, c.to)
		}
	}
}
