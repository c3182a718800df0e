package mapping

import (
	"bytes"
	"strings"
	"testing"
)

// TestTemplateSitelessSiteRole: a site-level role whose site the input does not name (an
// OpenClinica 4 user table has no site column) is never written to the Clinical One
// template as Sites "All", which grants the role at every site of the study: it is left
// out of the row (no row when it is the user's only access), and reported with a code and
// a count.
func TestTemplateSitelessSiteRole(t *testing.T) {
	const oc4 = "Username,Email,First,Last,Role,Type,Status,Created (UTC),Updated (UTC)\n" +
		"ainv,a@example.org,Ann,Fictus,Investigator,User,Available,22-May-2025 11:14,22-May-2025 11:14\n" +
		"bcrc,b@example.org,Bo,Fictus,Clinical Research Coordinator,User,Available,22-May-2025 11:14,22-May-2025 11:14\n" +
		"cmon,c@example.org,Cy,Fictus,Site Monitor,User,Available,22-May-2025 11:14,22-May-2025 11:14\n" +
		"dcus,d@example.org,Di,Fictus,CRC (TEST),User,Available,22-May-2025 11:14,22-May-2025 11:14\n"
	fromOC4, _, err := ReadAny(strings.NewReader(oc4), "oc4.csv", Options{Study: "S1"})
	if err != nil {
		t.Fatal(err)
	}
	user := func(as ...Assignment) *Directory {
		return &Directory{Users: []*User{{ID: "U1", Login: "efict", GivenName: "Eve", FamilyName: "Fictus", Emails: []string{"e@example.org"},
			Source: &Source{Vendor: ProfileClinicalOne}, Assignments: as}}}
	}
	site := func(s string) Assignment {
		return Assignment{Study: "S1", Site: s, Scope: ScopeSite, Environment: EnvProduction, From: "2026-01-05", Role: Role{Name: "CRA", Canonical: RoleMonitor}}
	}
	for _, tc := range []struct {
		reason string
		dir    *Directory
		rows   []string // the data rows' Sites cells
		count  int      // users reported
	}{
		{"an OpenClinica 4 table's site-level roles (and a custom one): no rows, four users reported", fromOC4, nil, 4},
		{"a site-level role without its site is the user's only access: no row", user(site("")), nil, 1},
		{"the same role at a known site and at an unnamed one: the known site, not All", user(site("101"), site("")), []string{"101"}, 1},
	} {
		var buf bytes.Buffer
		ws, err := WriteClinicalOneCSV(&buf, tc.dir, Options{Study: "S1"})
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")[1:]
		var sites []string
		for _, l := range lines {
			cells := strings.Split(l, ",")
			sites = append(sites, cells[7])
		}
		if strings.Join(sites, "|") != strings.Join(tc.rows, "|") {
			t.Errorf("%s: Sites cells %q, want %q", tc.reason, sites, tc.rows)
		}
		n := 0
		for _, w := range ws {
			if w.Code == CodeUnrepresentable && w.Field == "Assignment/site" {
				n += w.Count
			}
		}
		if n != tc.count {
			t.Errorf("%s: %d users reported, want %d: %v", tc.reason, n, tc.count, ws)
		}
	}
}
