package auditlog_test

import (
	"slices"
	"testing"

	"github.com/odmadmin/odmadmin/auditlog"
	"github.com/odmadmin/odmadmin/diff"
	"github.com/odmadmin/odmadmin/plan"
)

func TestPlanChanges(t *testing.T) {
	p := &plan.Plan{Actions: []plan.Action{
		{Row: 2, Action: plan.Create, User: "pnair", Changes: []plan.Change{
			{Field: "givenName", New: "Priya"},
			{Field: "role", Where: "S (Production)-S101", New: "Site User"},
		}},
		{Row: 3, Action: plan.Update, User: "bokafor", Changes: []plan.Change{
			{Field: "email", Old: "b@example.org", New: "bo@example.org"},
			{Field: "role", Where: "S (Production)-S102", Old: "Site User", New: "Site Manager"},
			{Field: "endDate", Where: "S (Production)-S102", New: "2026-12-31"},
		}},
		{Row: 4, Action: plan.Unchanged, User: "mfischer"},
	}}
	got := auditlog.PlanChanges(p)
	want := []diff.Change{
		{Event: diff.UserAdded, User: "pnair", Target: "(pnair)"},
		{Event: diff.RoleChange, User: "pnair", Target: "(pnair)", ValueType: "S (Production)-S101", New: "Site User"},
		{Event: diff.ProfileChange, User: "bokafor", Target: "(bokafor)", ValueType: "emails", Old: "b@example.org", New: "bo@example.org"},
		{Event: diff.RoleChange, User: "bokafor", Target: "(bokafor)", ValueType: "S (Production)-S102", Old: "Site User", New: "Site Manager"},
		{Event: diff.RoleChange, User: "bokafor", Target: "(bokafor)", ValueType: "S (Production)-S102", New: "endDate 2026-12-31"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("which changes of a plan appear in the log: the plan as changes\ngot  %+v\nwant %+v", got, want)
	}
	entries := []auditlog.Entry{{Event: "USER_ADDED", Target: "Priya Nair (pnair)"}, {Event: "PROFILE_CHANGE", Target: "Bruno Okafor (bokafor)", ValueType: "emails", Old: "b@example.org", New: "bo@example.org"}}
	ms := auditlog.Reconcile(got, entries)
	if l, _, m := auditlog.Counts(ms); l != 2 || m != 3 {
		t.Errorf("reconciled: %d logged, %d missing", l, m)
	}
}
