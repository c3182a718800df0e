package plan_test

import (
	"testing"

	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/plan"
)

// TestDirectoryRowWithoutAccessInStudy: a directory upload (a migration planned whole,
// map --to json of a multi-study export) whose user has access only in another study, or
// none, was planned as "create" of an account with no role in the plan's study, with no
// warning and exit status 0; its other studies' access left out unsaid. A template row
// names a Study Role (missingValue when it does not); a directory row without access in
// the study gets that warning too.
func TestDirectoryRowWithoutAccessInStudy(t *testing.T) {
	up := &mapping.Directory{Users: []*mapping.User{
		{Login: "nfictus", GivenName: "Noor", FamilyName: "Fictus", Emails: []string{"noor@example.org"},
			Assignments: []mapping.Assignment{{Study: "OTHER-02", Environment: mapping.EnvProduction, Scope: mapping.ScopeStudy,
				Role: mapping.Role{Name: "Data Manager", Canonical: mapping.RoleDataManager}}}},
		{Login: "nobody", GivenName: "No", FamilyName: "Body", Emails: []string{"nobody@example.org"}},
		{Login: "zfictus", GivenName: "Zed", FamilyName: "Fictus", Emails: []string{"zed@example.org"},
			Assignments: []mapping.Assignment{{Study: "DEMO-01", Environment: mapping.EnvProduction, Scope: mapping.ScopeStudy,
				Role: mapping.Role{Name: "Data Manager", Canonical: mapping.RoleDataManager}}}},
	}}
	p, err := plan.Make(existing(t), plan.FromDirectory(up), plan.Options{Study: "DEMO-01"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"nfictus": true, "nobody": true, "zfictus": false}
	for _, a := range p.Actions {
		got := false
		for _, w := range a.Warnings {
			got = got || w.Code == plan.MissingValue
		}
		if got != want[a.User] {
			t.Errorf("row %d (%s): missingValue %v, want %v: %v", a.Row, a.User, got, want[a.User], a.Warnings)
		}
	}
}

// TestDirectoryRowWithoutAccessNoStudy: an export that names no study (a template read
// without --study) and a directory row with no access: the message names no empty study.
func TestDirectoryRowWithoutAccessNoStudy(t *testing.T) {
	up := &mapping.Directory{Users: []*mapping.User{{Login: "nobody", GivenName: "No", FamilyName: "Body", Emails: []string{"nobody@example.org"}}}}
	p, err := plan.Make(&mapping.Directory{}, plan.FromDirectory(up), plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Actions) != 1 || len(p.Actions[0].Warnings) != 1 || p.Actions[0].Warnings[0].Message != "the user has no access, so the row has no Study Role" {
		t.Errorf("actions %+v", p.Actions)
	}
}
