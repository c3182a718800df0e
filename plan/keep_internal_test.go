package plan

import (
	"testing"

	"github.com/odmadmin/odmadmin/mapping"
)

// TestComparedAllocs checks that copying a kept user costs a fixed number of allocations:
// its strings in one buffer, and the user, its e-mail addresses, its assignments, their
// depots and the list of string spans one each, whatever the number of strings (a whole
// copy, detach.Copy, made one per string and slice: 108 for this user).
func TestComparedAllocs(t *testing.T) {
	asg := func(site string) mapping.Assignment {
		return mapping.Assignment{Study: "DEMO", Site: site, Role: mapping.Role{Name: "Site Investigator", Canonical: "investigator"},
			Scope: mapping.ScopeSite, Environment: mapping.EnvProduction, From: "2026-01-05", To: "2026-12-31", Depots: []string{"D1", "D2"}}
	}
	u := &mapping.User{ID: "U1", Login: "aexample", FullName: "Ada Example", GivenName: "Ada", FamilyName: "Example",
		Emails: []string{"ada@example.org", "ada.example@example.org"}, Phones: []string{"+1 555 0100"},
		Addresses: []mapping.Address{{City: "Exampleton", Country: "XX"}}, Groups: []mapping.GroupRef{{ID: "G1", Name: "Site Staff"}},
		Assignments: []mapping.Assignment{asg("S1"), asg("S2"), asg("")}}
	if n := testing.AllocsPerRun(100, func() { compared(u) }); n > 6 {
		t.Errorf("copying a kept user: %.0f allocations, want at most 6", n)
	}
}
