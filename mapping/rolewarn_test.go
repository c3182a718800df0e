package mapping

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// verbatimDir is a directory as read from vendor from: users u1 and u2 with the same role
// name, u3 with another, every assignment in study S1 at site 01.
func verbatimDir(from Profile, name1, name3 string) *Directory {
	user := func(id, role string) *User {
		return &User{ID: id, Login: id, GivenName: "Pat", FamilyName: "Example", Emails: []string{id + "@example.org"},
			Source: &Source{Vendor: from},
			Assignments: []Assignment{{Study: "S1", Site: "01", Scope: ScopeSite, From: "2026-01-05",
				Role: RoleFor(from, role, ScopeSite)}}}
	}
	return &Directory{
		Studies: []*Study{{ID: "S1"}},
		// A version, so that the site is a Location of the ODM targets (without one its
		// site-level access is left out).
		Sites:  []*Site{{ID: "01", Name: "01", Versions: []StudyVersion{{Study: "S1", Version: "v1", Effective: "2026-01-01"}}}},
		Users:  []*User{user("u1", name1), user("u2", name1), user("u3", name3)},
		Source: &FileSource{Vendor: from},
	}
}

var verbatimName = regexp.MustCompile(`^[A-Za-z ]+ role "([^"]+)" is written as it is into ([A-Za-z ]+),`)

// verbatimCounts returns the roles ws report as CodeRoleVerbatim, with their counts, and
// checks that each warning names the target and says how to fix it.
func verbatimCounts(t *testing.T, ws []Warning, target string) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, w := range ws {
		if w.Code != CodeRoleVerbatim {
			continue
		}
		m := verbatimName.FindStringSubmatch(w.Message)
		if m == nil {
			t.Errorf("message does not name the role and target: %q", w.Message)
			continue
		}
		if m[2] != target {
			t.Errorf("target %q, want %q: %q", m[2], target, w.Message)
		}
		if !strings.Contains(w.Message, "odmadmin map --spec-template") || !strings.Contains(w.Message, "--spec spec.csv") {
			t.Errorf("message does not say how to fix it: %q", w.Message)
		}
		got[m[1]] += w.Count
	}
	return got
}

func TestRoleVerbatim(t *testing.T) {
	type write func(*testing.T, *Directory) ([]Warning, string)
	csvOut := func(t *testing.T, d *Directory) ([]Warning, string) {
		var b bytes.Buffer
		ws, err := WriteClinicalOneCSV(&b, d, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return ws, b.String()
	}
	odmOut := func(p Profile) write {
		return func(t *testing.T, d *Directory) ([]Warning, string) {
			doc, ws, err := ToDocument(d, p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			return ws, string(encode(t, doc))
		}
	}
	oc4Out := func(t *testing.T, d *Directory) ([]Warning, string) {
		var b bytes.Buffer
		ws, err := WriteOC4Users(&b, d, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return ws, b.String()
	}
	specRules := func(rows string, target Profile) func(*testing.T, *Directory) {
		return func(t *testing.T, d *Directory) {
			s, err := readSpecString(t, specHeader+rows)
			if err != nil {
				t.Fatal(err)
			}
			s.Apply(d, target, nil)
		}
	}
	cases := []struct {
		name, why    string
		dir          *Directory
		prepare      func(*testing.T, *Directory)
		write        write
		target       string
		want         map[string]int
		wantInOutput string
	}{
		{"inform to csv", "an InForm rights group is no Clinical One study role; one warning per name, counting its users",
			verbatimDir(ProfileInForm, "Site Investigator Rights", "Sponsor CRA Rights"), nil, csvOut, "Clinical One",
			map[string]int{"Site Investigator Rights": 2, "Sponsor CRA Rights": 1}, "Site Investigator Rights"},
		{"inform to rave", "mdsol:UserRole gets the InForm name as it is, reported per name",
			verbatimDir(ProfileInForm, "Site Investigator Rights", "Data Manager Rights"), nil, odmOut(ProfileRave), "Rave",
			map[string]int{"Site Investigator Rights": 2, "Data Manager Rights": 1}, `mdsol:UserRole="Site Investigator Rights"`},
		{"inform to inform", "a same-vendor write keeps the vendor's own names",
			verbatimDir(ProfileInForm, "Site Investigator Rights", "Mystery Rights"), nil, odmOut(ProfileInForm), "InForm",
			map[string]int{}, ""},
		{"clinical one to clinical one", "Clinical One's own study roles, however renamed, go back to Clinical One",
			verbatimDir(ProfileClinicalOne, "Site Investigator Rights", "Study Nurse"), nil, csvOut, "Clinical One",
			map[string]int{}, ""},
		{"spec maps the roles", "a spec with role rules made the names the target's, even a name outside the vocabulary",
			verbatimDir(ProfileInForm, "Site Investigator Rights", "Sponsor CRA Rights"),
			specRules("role,,,Site Investigator Rights,Site User,,\nrole,,,Sponsor CRA Rights,CRA (east),,\n", ProfileClinicalOne),
			csvOut, "Clinical One", map[string]int{}, "CRA (east)"},
		{"spec without role rules", "a spec that maps only sites says nothing about roles",
			verbatimDir(ProfileInForm, "Site Investigator Rights", "Site Investigator Rights"),
			specRules("site,,,01,S-01,,\n", ProfileClinicalOne),
			csvOut, "Clinical One", map[string]int{"Site Investigator Rights": 3}, ""},
		{"spec for another target", "roles mapped to Clinical One names are still not Rave's",
			verbatimDir(ProfileInForm, "Site Investigator Rights", "Site Investigator Rights"),
			specRules("role,,,Site Investigator Rights,Site User (blinded),,\n", ProfileClinicalOne),
			odmOut(ProfileRave), "Rave", map[string]int{"Site User (blinded)": 3}, ""},
		{"target's own default name", "an InForm group named as Rave's name for the canonical role needs no mapping",
			verbatimDir(ProfileInForm, "Data Manager", "Sponsor CRA Rights"), nil, odmOut(ProfileRave), "Rave",
			map[string]int{"Sponsor CRA Rights": 1}, ""},
		{"rave to clinical one default", "Rave's \"Data Manager\" is Clinical One's template role of that name",
			verbatimDir(ProfileRave, "Data Manager", "CRA"), nil, csvOut, "Clinical One",
			map[string]int{"CRA": 1}, ""},
		{"unknown source", "a role of a directory built in code has no vendor to be carried from",
			func() *Directory {
				d := verbatimDir(ProfileInForm, "Site Investigator Rights", "Site Investigator Rights")
				for _, u := range d.Users {
					u.Source = nil
				}
				return d
			}(), nil, csvOut, "Clinical One", map[string]int{}, ""},
		{"inform to oc4 table", "the table swaps in OpenClinica's display name where it has one; a Sponsor has none",
			verbatimDir(ProfileInForm, "Site Investigator Rights", "Sponsor Rights"), nil, oc4Out, "OpenClinica",
			map[string]int{"Sponsor Rights": 1}, ",Investigator,"},
		{"spec to oc4 table", "a spec's custom OpenClinica role is written as the spec says, not swapped for a display name",
			verbatimDir(ProfileInForm, "Site Investigator Rights", "Site Investigator Rights"),
			specRules("role,,,Site Investigator Rights,CRC (TEST),,\n", ProfileOpenClinica),
			oc4Out, "OpenClinica", map[string]int{}, ",CRC (TEST),"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.prepare != nil {
				c.prepare(t, c.dir)
			}
			ws, out := c.write(t, c.dir)
			if d := cmp.Diff(c.want, verbatimCounts(t, ws, c.target)); d != "" {
				t.Errorf("%s: role-verbatim warnings (-want +got):\n%s", c.why, d)
			}
			// The name is written as it is, never renamed behind the user's back.
			if c.wantInOutput != "" && !strings.Contains(out, c.wantInOutput) {
				t.Errorf("%s: output lacks %q:\n%s", c.why, c.wantInOutput, out)
			}
		})
	}
}

// TestRoleVerbatimOncePerUser: a user written in two AdminData blocks with the same role is
// one user for the count.
func TestRoleVerbatimOncePerUser(t *testing.T) {
	d := verbatimDir(ProfileInForm, "Site Investigator Rights", "Site Investigator Rights")
	d.Studies = append(d.Studies, &Study{ID: "S2"})
	u := d.Users[0]
	u.Assignments = append(u.Assignments, Assignment{Study: "S2", Site: "01", Scope: ScopeSite, Role: u.Assignments[0].Role})
	doc, ws, err := ToDocument(d, ProfileRave, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(encode(t, doc)), `<User OID="u1"`); n < 2 {
		t.Skipf("u1 is written in %d blocks; the case needs two", n)
	}
	if got := verbatimCounts(t, ws, "Rave"); got["Site Investigator Rights"] != 3 {
		t.Errorf("3 users have the role, counted %d", got["Site Investigator Rights"])
	}
}

// TestWarnVerbatimRoleRemembers: warnVerbatimRole remembers each message by what it
// depends on; the warnings it gives over users that differ in each of those (and in
// nothing else) must be those of asking roleVerbatim afresh for every user.
func TestWarnVerbatimRoleRemembers(t *testing.T) {
	type call struct {
		target Profile
		u      *User
		r      Role
		name   string
		s      Scope
	}
	user := func(id string, vendor, rolesFor Profile) *User {
		return &User{ID: id, Source: &Source{Vendor: vendor, RolesFor: rolesFor}}
	}
	inv := Role{Name: "Site Investigator Rights", Canonical: RoleInvestigator}
	crc := Role{Name: "CRC Rights", Canonical: RoleCRC}
	calls := []call{
		{ProfileClinicalOne, user("u1", ProfileInForm, ""), inv, inv.Name, ScopeSite},                 // warns
		{ProfileClinicalOne, user("u2", ProfileInForm, ""), inv, inv.Name, ScopeSite},                 // same message, counted
		{ProfileClinicalOne, user("u3", ProfileRave, ""), inv, inv.Name, ScopeSite},                   // another vendor: another message
		{ProfileClinicalOne, user("u4", ProfileInForm, ProfileClinicalOne), inv, inv.Name, ScopeSite}, // mapped by a spec: none
		{ProfileClinicalOne, user("u5", ProfileInForm, RolesForAny), inv, inv.Name, ScopeSite},        // mapped for any target: none
		{ProfileClinicalOne, user("u6", ProfileInForm, ""), crc, crc.Name, ScopeSite},                 // another role
		{ProfileClinicalOne, user("u7", ProfileInForm, ""), crc, "", ScopeSite},                       // no name: none
		{ProfileClinicalOne, user("u8", ProfileInForm, ""), Role{Canonical: RoleInvestigator}, // the target's own name: none
			DefaultRoleName(ProfileClinicalOne, RoleInvestigator, ScopeSite), ScopeSite},
		{ProfileClinicalOne, user("u9", ProfileInForm, ""), crc, crc.Name, ScopeStudy}, // another scope
		{ProfileRave, user("u10", ProfileInForm, ""), inv, inv.Name, ScopeSite},        // another target
		{ProfileClinicalOne, &User{ID: "u11"}, inv, inv.Name, ScopeSite},               // no source: none
		{ProfileClinicalOne, user("u12", ProfileInForm, ""), inv, inv.Name, ScopeSite}, // the first message again
	}
	var got, want warner
	for _, c := range calls {
		warnVerbatimRole(&got, "F", c.target, c.u, c.r, c.name, c.s)
		if msg := roleVerbatim(c.target, c.u, c.r, c.name, c.s); msg != "" {
			want.add(CodeRoleVerbatim, "F", "User "+c.u.ID, msg)
		}
	}
	if diff := cmp.Diff(want.result(), got.result()); diff != "" {
		t.Errorf("remembered messages differ from fresh ones (-fresh +remembered):\n%s", diff)
	}
	if len(want.result()) < 4 {
		t.Fatalf("the calls give %d warnings; the test needs several distinct messages", len(want.result()))
	}
}
