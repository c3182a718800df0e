package plan_test

import (
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/plan"
)

// TestRenameAndUpdateOfOneUser: with AllowRenames a row that renames an existing user and
// another row that updates that user under its old name (or renames it again) act on one
// account twice; neither row warned, and the plan read as two clean updates although
// after the rename the old user name names no one.
func TestRenameAndUpdateOfOneUser(t *testing.T) {
	const rename = "Jo,Demo,jo.demo@site1.example.org,jdoe2,05-Jan-2026,,Site User,101,\n"
	const update = "Jo,Demo,jo.other@example.org,jdoe,05-Jan-2026,,Site User,101,\n"
	const rename3 = "Jo,Demo,jo.demo@site1.example.org,jdoe3,05-Jan-2026,,Site User,101,\n"
	for _, tc := range []struct {
		name, csv string
		warnRow   int // the row that gets duplicateRow
		first     int // the row it names
	}{
		{"rename, then update under the old name", rename + update, 3, 2},
		{"update, then rename", update + rename, 3, 2},
		{"two renames", rename + rename3, 3, 2},
	} {
		p := mustPlan(t, existing(t), tc.csv, plan.Options{AllowRenames: true})
		for _, a := range p.Actions {
			var dup []string
			for _, w := range a.Warnings {
				if w.Code == plan.DuplicateRow {
					dup = append(dup, w.Message)
				}
			}
			switch {
			case a.Row == tc.warnRow && (len(dup) != 1 || !strings.Contains(dup[0], "existing user jdoe") || !strings.Contains(dup[0], "row 2")):
				t.Errorf("%s: row %d: duplicateRow %q, want one naming existing user jdoe and row %d", tc.name, a.Row, dup, tc.first)
			case a.Row != tc.warnRow && len(dup) > 0:
				t.Errorf("%s: row %d: unexpected duplicateRow %q", tc.name, a.Row, dup)
			}
		}
	}
	// Without AllowRenames the row with jdoe's e-mail and name creates a new account
	// (usernameChange), so the other row is the only update of jdoe: no duplicateRow.
	p := mustPlan(t, existing(t), rename+update, plan.Options{})
	for _, a := range p.Actions {
		for _, w := range a.Warnings {
			if w.Code == plan.DuplicateRow {
				t.Errorf("without renames: row %d: %s", a.Row, w.Message)
			}
		}
	}
}
