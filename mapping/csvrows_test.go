package mapping

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestClinicalOneRowsAllocs: the template's rows allocate nothing per user once the
// warnings they give are listed: the subjects are built for each warning's first value,
// the dates of the last row are kept, and the lists a row is made of are used again,
// where "User " and the OID, the template row (fmt), the assignments, sites and cells and
// two dates parsed and formatted were some eight allocations a user.
func TestClinicalOneRowsAllocs(t *testing.T) {
	users := func(n int) []*User {
		out := make([]*User, n)
		src := &Source{Vendor: ProfileInForm, Attrs: []Attr{{Space: "http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0", Name: "DBUID", Value: "1"}}}
		for i := range out {
			out[i] = &User{ID: fmt.Sprintf("user%06d", i), Login: fmt.Sprintf("user%06d", i), GivenName: "Ada", FamilyName: "Example",
				DisplayName: "Ada Example", Emails: []string{"ada@example.org"}, Phones: []string{"+1 555 0100"}, Category: CategorySite,
				Addresses: []Address{{City: "Springfield"}}, Source: src,
				Assignments: []Assignment{{Study: "S1", Site: fmt.Sprintf("%d", 100+i%7), Role: Role{Name: "Investigator", Canonical: RoleInvestigator},
					Scope: ScopeSite, Environment: EnvProduction}}}
		}
		return out
	}
	sites := templateSitesOf([]*Site{{ID: "100", Number: "S-100"}})
	opts := Options{Now: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)}
	discard := func([]string) error { return nil }
	rows := func(us []*User) {
		if _, err := clinicalOneRows(discard, sites, slices.Values(us), len(us), "S1", opts); err != nil {
			t.Fatal(err)
		}
	}
	few, many := users(10), users(1010)
	a := testing.AllocsPerRun(5, func() { rows(few) })
	b := testing.AllocsPerRun(5, func() { rows(many) })
	if per := (b - a) / 1000; per > 0.01 {
		t.Errorf("clinicalOneRows allocates %.2f times a user (%.0f for 10 users, %.0f for 1,010), want 0", per, a, b)
	}
	// The rows and warnings are those of the users, each subject the first one's.
	var got [][]string
	ws, err := clinicalOneRows(func(r []string) error { got = append(got, slices.Clone(r)); return nil }, sites, slices.Values(users(3)), 3, "S1", opts)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Ada", "Example", "ada@example.org", "user000000", "05-Jan-2026", "", "Investigator", "S-100", ""},
		{"Ada", "Example", "ada@example.org", "user000001", "05-Jan-2026", "", "Investigator", "101", ""},
		{"Ada", "Example", "ada@example.org", "user000002", "05-Jan-2026", "", "Investigator", "102", ""},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("rows\n%q\nwant\n%q", got, want)
	}
	for _, w := range ws {
		if w.Subject != "User user000000" || w.Count != 3 {
			t.Errorf("warning %v: want the first user's subject and 3 values", w)
		}
	}
	if len(ws) < 4 {
		t.Errorf("%d warnings, want start date, phones, address, category, the attribute: %v", len(ws), ws)
	}
}

// templateSites gives the number of each site that has one, by short and long ID, the
// last one given for an ID listed twice, and nothing for the others.
func TestTemplateSitesNumber(t *testing.T) {
	ts := templateSitesOf([]*Site{{ID: "10000", Number: "S1"}, {ID: "SITE-BOSTON-01", Number: "S2"}, {ID: "10001"},
		{ID: "", Number: "S0"}, {ID: "10002", Number: "S3"}, {ID: "10002", Number: "S4"}})
	ts.own()
	for id, want := range map[string]string{"10000": "S1", "SITE-BOSTON-01": "S2", "": "S0", "10002": "S4"} {
		if got, ok := ts.number(id); !ok || got != want {
			t.Errorf("site %q: got %q, %v; want %q", id, got, ok, want)
		}
	}
	for _, id := range []string{"10001", "1000", "SITE-BOSTON-02", "x"} {
		if got, ok := ts.number(id); ok {
			t.Errorf("site %q has no number, got %q", id, got)
		}
	}
}
