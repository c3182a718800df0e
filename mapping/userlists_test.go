package mapping

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestUserListsLinear: a user's sites and assignments are found among those before them
// in a set once there are more than a few: the reader compared each LocationRef with
// every one before it (userSites), and each assignment with every one before it
// (builder.assign), so that one user listing n sites cost n²/2 comparisons (20,000
// LocationRefs: 3.6 s of `map --to json`, 2.8 s of `--to csv`). The builder counts the
// comparisons and the values it indexes; a quadratic loop at n = 3,000 makes millions.
func TestUserListsLinear(t *testing.T) {
	const n = 3000
	for _, c := range []struct {
		name   string
		repeat int // how many times the user lists each site
		sites  int // the sites the user ends with
	}{
		{"each site once", 1, n},
		{"each site twice: the second listing is dropped", 2, n},
	} {
		t.Run(c.name, func(t *testing.T) {
			var doc strings.Builder
			doc.WriteString(`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2020-01-01T00:00:00Z"><AdminData StudyOID="S1"><User OID="U1"><LoginName>u1</LoginName>`)
			for range c.repeat {
				for i := range n {
					fmt.Fprintf(&doc, `<LocationRef LocationOID="L%d"/>`, i)
				}
			}
			doc.WriteString(`</User>`)
			for i := range n {
				fmt.Fprintf(&doc, `<Location OID="L%d" Name="Site %d" LocationType="Site"/>`, i, i)
			}
			doc.WriteString(`</AdminData></ODM>`)
			b, err := readStream(odm.NewReader(strings.NewReader(doc.String()), odm.ReadOptions{}), Options{Profile: ProfileODM}, false)
			if err != nil {
				t.Fatal(err)
			}
			b.finish()
			if got := len(b.dir.Users); got != 1 {
				t.Fatalf("%d users, want 1", got)
			}
			if got := len(b.dir.Users[0].Assignments); got != c.sites {
				t.Errorf("%d assignments, want %d", got, c.sites)
			}
			// Each listing is looked up and indexed once, and so is each assignment.
			bound := 4 * (c.repeat*n + c.sites)
			if b.scans > bound {
				t.Errorf("one user with %d LocationRefs: %d comparisons and values indexed, want at most %d", c.repeat*n, b.scans, bound)
			}
			if b.scans == 0 {
				t.Errorf("nothing counted: the test no longer sees the lookups")
			}
		})
	}
}

// TestAssignIndex: an assignment is found in a list of any length exactly when
// Assignment.Equal finds it, whether the list is short (compared one by one) or long
// (indexed), and the index follows a list that grows, moves or is another user's.
func TestAssignIndex(t *testing.T) {
	long := func(extra ...Assignment) []Assignment {
		var l []Assignment
		for i := range assignIndexMin + 4 {
			l = append(l, Assignment{Study: "S", Site: fmt.Sprintf("L%d", i), Scope: ScopeSite})
		}
		return append(l, extra...)
	}
	depots := Assignment{Study: "S", Site: "D", Depots: []string{"a,b", "c"}}
	for _, c := range []struct {
		name string
		list []Assignment
		a    Assignment
		want bool
	}{
		{"short list, present", []Assignment{{Study: "S", Site: "L1"}}, Assignment{Study: "S", Site: "L1"}, true},
		{"short list, absent", []Assignment{{Study: "S", Site: "L1"}}, Assignment{Study: "S", Site: "L2"}, false},
		{"long list, present", long(), Assignment{Study: "S", Site: "L3", Scope: ScopeSite}, true},
		{"long list, another scope", long(), Assignment{Study: "S", Site: "L3", Scope: ScopeStudy}, false},
		{"long list, another role name", long(), Assignment{Study: "S", Site: "L3", Scope: ScopeSite, Role: Role{Name: "CRA"}}, false},
		{"long list, same depots", long(depots), Assignment{Study: "S", Site: "D", Depots: []string{"a,b", "c"}}, true},
		// Joined naively, "a,b"+"c" and "a"+"b,c" would be one key.
		{"long list, depots split elsewhere", long(depots), Assignment{Study: "S", Site: "D", Depots: []string{"a", "b,c"}}, false},
		// Equal counts nil and empty Depots as the same.
		{"long list, no depots and empty depots", long(Assignment{Study: "S", Site: "E"}), Assignment{Study: "S", Site: "E", Depots: []string{}}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var x assignIndex
			var scans int
			if got := x.contains(c.list, &c.a, &scans); got != c.want {
				t.Errorf("contains = %v, want %v", got, c.want)
			}
		})
	}

	t.Run("grows, moves, then another user's list in the same array", func(t *testing.T) {
		var x assignIndex
		var scans int
		l := long()
		extra := Assignment{Study: "S", Site: "NEW"}
		if x.contains(l, &extra, &scans) {
			t.Fatal("found before it was added")
		}
		l = append(l, extra) // may move the list
		if !x.contains(l, &extra, &scans) {
			t.Error("not found once appended")
		}
		// Another user's list in the same array, as the JSON writer reuses it.
		x.reset()
		other := l[:0]
		for i := range assignIndexMin + 1 {
			other = append(other, Assignment{Study: "T", Site: fmt.Sprintf("M%d", i)})
		}
		if x.contains(other, &Assignment{Study: "S", Site: "L1", Scope: ScopeSite}, &scans) {
			t.Error("found an assignment of the list before the reset")
		}
		if !x.contains(other, &Assignment{Study: "T", Site: "M2"}, &scans) {
			t.Error("the new list's assignment not found")
		}
	})
}

// TestMergeChainLinear: a person listed in n AdminData blocks is merged n-1 times, and
// each merge encodes the access of the records it adds, not of all those before it: the
// merged values were decoded and encoded whole for each record, n²/2 access values
// (5,000 blocks: 3.5 s of `map --to json`; 20,000 blocks did not finish in 120 s).
// The builder counts the access values a merge decodes and encodes. The person's studies
// and assignments come back in block order, with and without a spill file.
func TestMergeChainLinear(t *testing.T) {
	const n = 2000
	var doc strings.Builder
	doc.WriteString(`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2020-01-01T00:00:00Z">`)
	for i := range n {
		// Another person between, in some blocks: the chain is the person's own.
		other := ""
		if i%3 == 0 {
			other = `<User OID="U2"><LoginName>u2</LoginName></User>`
		}
		fmt.Fprintf(&doc, `<AdminData StudyOID="S%d"><User OID="U1"><LoginName>u1</LoginName><LocationRef LocationOID="L1"/></User>%s</AdminData>`, i, other)
	}
	doc.WriteString(`</ODM>`)
	for _, spill := range []bool{false, true} {
		t.Run(fmt.Sprintf("spill %v", spill), func(t *testing.T) {
			b, err := readStream(odm.NewReader(strings.NewReader(doc.String()), odm.ReadOptions{}), Options{Profile: ProfileODM}, spill)
			if err != nil {
				t.Fatal(err)
			}
			defer b.close()
			merges := b.scans
			bound := 4 * n
			if merges > bound {
				t.Errorf("one person in %d blocks: its merges decoded and encoded %d access values, want at most %d", n, merges, bound)
			}
			if merges == 0 {
				t.Errorf("nothing counted: the test no longer sees the merges")
			}
			var got []*User
			if err := b.finishEach(func(_ int, u *User) error { got = append(got, u); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 {
				t.Fatalf("%d users, want 2", len(got))
			}
			u := got[0]
			if len(u.Source.Studies) != n || len(u.Assignments) != n {
				t.Fatalf("%d studies and %d assignments, want %d of each", len(u.Source.Studies), len(u.Assignments), n)
			}
			for i := range n {
				want := fmt.Sprintf("S%d", i)
				if u.Source.Studies[i] != want || u.Assignments[i].Study != want || u.Assignments[i].Site != "L1" {
					t.Fatalf("study %d is %q, assignment %+v; want %s at L1", i, u.Source.Studies[i], u.Assignments[i], want)
				}
			}
			if s := got[1].Source.Studies; len(s) != (n+2)/3 || s[1] != "S3" {
				t.Errorf("the other person's studies: %d, want %d from S0, S3, ...", len(s), (n+2)/3)
			}
		})
	}
}

// sliceRows is a RowReader over rows held in memory.
type sliceRows [][]string

func (r *sliceRows) Read() ([]string, error) {
	if len(*r) == 0 {
		return nil, io.EOF
	}
	row := (*r)[0]
	*r = (*r)[1:]
	return row, nil
}

// TestTableAssignmentsLinear: the assignments of a person on many rows of a table are
// found among those before them in an index: each was compared with every one before it,
// n²/2 for a person on n rows (20,000 rows of a Clinical One template: 3.8 s of map
// --to json). The table's users count the assignments compared or indexed, in memory and
// as compact records; the person ends with one assignment per distinct site, in row order.
func TestTableAssignmentsLinear(t *testing.T) {
	const n = 3000
	for _, c := range []struct {
		name  string
		users func(t *testing.T) templateUsers
	}{
		{"in memory", func(*testing.T) templateUsers { return &loginUsers{byLogin: map[string]*User{}, list: []*User{}} }},
		{"compact records", func(t *testing.T) templateUsers {
			u, err := newCompactUsers(true)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { u.close() })
			return u
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rows := sliceRows{{"First Name", "Last Name", "Email", "User Name", "Start Date", "End Date", "Study Role", "Sites", "Depots"}}
			for i := range n {
				// Every site twice, the second time on the row after: one assignment each.
				rows = append(rows, []string{"Ada", "Example", "ada@example.org", "ada", "05-Jan-2026", "", "Site Investigator", fmt.Sprintf("S%d", i/2), ""})
				// Another person now and then: the index is the person's being changed.
				if i%500 == 0 {
					rows = append(rows, []string{"Bo", "Example", "bo@example.org", "bo", "05-Jan-2026", "", "CRA", "S1", ""})
				}
			}
			users := c.users(t)
			if _, _, err := readClinicalOne(&rows, Options{Study: "ST"}, users); err != nil {
				t.Fatal(err)
			}
			scans := users.assigns().scans
			// Each assignment looked up once, and indexed again at most once per doubling
			// of the list and once per change of person.
			if bound := 8 * n; scans > bound {
				t.Errorf("one person on %d rows: %d assignments compared or indexed, want at most %d", n, scans, bound)
			}
			if scans == 0 {
				t.Errorf("nothing counted: the test no longer sees the look-ups")
			}
			u, ok := users.find("ada")
			if !ok {
				t.Fatal("the person is not read")
			}
			if len(u.Assignments) != n/2 {
				t.Fatalf("%d assignments, want %d", len(u.Assignments), n/2)
			}
			for i, a := range u.Assignments {
				if want := fmt.Sprintf("S%d", i); a.Site != want {
					t.Fatalf("assignment %d is at %s, want %s", i, a.Site, want)
				}
			}
		})
	}
}

// TestSpecRoleRulesLinear: an assignment's role rule is found among the rules of its role
// name (and the canonical: and (none) rules), not among all: each assignment was compared
// with every rule, n² for n users of n roles under a spec of a rule each (20,000: 41 s of
// map --to json). The run counts the rules it looks at. The rule chosen is still the most
// specific, the first in rule order of equal ones.
func TestSpecRoleRulesLinear(t *testing.T) {
	const n = 3000
	spec := &Spec{}
	for i := range n {
		spec.Roles = append(spec.Roles, RoleRule{Source: fmt.Sprintf("Role %d", i), Target: fmt.Sprintf("Target %d", i), Row: i + 2})
	}
	// For role 7: a more specific rule (its study) after, an equal one after that (not
	// taken), and a canonical rule, which a named role does not need.
	spec.Roles = append(spec.Roles,
		RoleRule{Study: "S1", Source: "role_7", Target: "Study Seven"},
		RoleRule{Study: "S1", Source: "ROLE 7", Target: "Not Taken"},
		RoleRule{Source: "canonical:" + string(RoleMonitor), Target: "Monitor Target"},
		RoleRule{Source: "(none)", Target: "No Role Target"})
	d := &Directory{}
	for i := range n {
		d.Users = append(d.Users, &User{ID: fmt.Sprintf("U%d", i), Source: &Source{},
			Assignments: []Assignment{{Study: "S1", Role: Role{Name: fmt.Sprintf("Role %d", i), Canonical: RoleOther}}}})
	}
	d.Users = append(d.Users,
		&User{ID: "M", Source: &Source{}, Assignments: []Assignment{{Study: "S1", Role: Role{Name: "Roving Monitor", Canonical: RoleMonitor}}}},
		&User{ID: "N", Source: &Source{}, Assignments: []Assignment{{Study: "S1"}}})
	r := spec.start(d, ProfileClinicalOne, nil)
	for _, u := range d.Users {
		r.roles(u)
	}
	for _, c := range []struct {
		user int
		want string
		why  string
	}{
		{0, "Target 0", "the rule of its name"},
		{7, "Study Seven", "the rule of its study is more specific; the equal one after it is not taken"},
		{n - 1, fmt.Sprintf("Target %d", n-1), "the last named rule"},
		{n, "Monitor Target", "no rule of its name: the canonical rule"},
		{n + 1, "No Role Target", "no role: the (none) rule"},
	} {
		if got := d.Users[c.user].Assignments[0].Role.Name; got != c.want {
			t.Errorf("user %d: role %q, want %q (%s)", c.user, got, c.want, c.why)
		}
	}
	// Each assignment looks at its name's rules and the two others.
	if bound := 4 * (n + 2); r.ruleScans > bound {
		t.Errorf("%d users under %d role rules: %d rules looked at, want at most %d", n+2, len(spec.Roles), r.ruleScans, bound)
	}
	if r.ruleScans == 0 {
		t.Errorf("nothing counted: the test no longer sees the rules looked at")
	}
}

// TestMergeUserAssignmentsLinear: merging a person's listing in a second file adds its
// assignments to the first's through an index: each was compared with all of the first's,
// n² for a person of n sites in both (20,000 LocationRefs in two files: 4.6 s of map).
// The merger counts the assignments compared or indexed; the person ends with each
// distinct assignment once, the first file's first.
func TestMergeUserAssignmentsLinear(t *testing.T) {
	const n = 3000
	list := func(from, to int) []Assignment {
		var l []Assignment
		for i := from; i < to; i++ {
			l = append(l, Assignment{Study: "S", Site: fmt.Sprintf("L%d", i), Scope: ScopeSite})
		}
		return l
	}
	dst := &User{ID: "U1", Login: "u1", Assignments: list(0, n)}
	src := &User{ID: "U1", Login: "u1", Assignments: list(n/2, n+n/2)} // half of them the same
	m := merger{w: &warner{}, files: []string{"a", "b"}, origin: map[any]int{}}
	m.mergeUser(dst, src)
	if got, want := len(dst.Assignments), n+n/2; got != want {
		t.Fatalf("%d assignments, want %d", got, want)
	}
	for i, a := range dst.Assignments {
		if want := fmt.Sprintf("L%d", i); a.Site != want {
			t.Fatalf("assignment %d at %s, want %s", i, a.Site, want)
		}
	}
	if bound := 4 * 2 * n; m.as.scans > bound {
		t.Errorf("a person of %d assignments in each file: %d compared or indexed, want at most %d", n, m.as.scans, bound)
	}
	if m.as.scans == 0 {
		t.Errorf("nothing counted: the test no longer sees the look-ups")
	}
	// Another person in the same list memory: nothing of the first is found.
	other := &User{ID: "U2", Login: "u2", Assignments: dst.Assignments[:0]}
	other.Assignments = append(other.Assignments, list(0, assignIndexMin+1)...)
	m.mergeUser(other, &User{ID: "U2", Login: "u2", Assignments: list(n, n+1)})
	if got := len(other.Assignments); got != assignIndexMin+2 {
		t.Errorf("the second person has %d assignments, want %d", got, assignIndexMin+2)
	}
}

// TestRightsGroupsLinear: writing InForm, the rights group of each role name is found in
// an index of the directory's groups: each new name looked through all of them, n²/2 for
// n users of a role each with a group each (80,000: 20 s of map --to odm). The writer
// counts the values its loops over the directory visit; the group of a name is the
// first of that name, and a name no group has gets a new one.
func TestRightsGroupsLinear(t *testing.T) {
	const n = 3000
	dir := &Directory{Studies: []*Study{{ID: "S1"}}}
	for i := range n {
		dir.Groups = append(dir.Groups, &Group{ID: fmt.Sprintf("G%d", i), Name: fmt.Sprintf("Role %d", i), Type: "Rights"})
	}
	// A second group of role 5's name: the first is kept.
	dir.Groups = append(dir.Groups, &Group{ID: "G5-again", Name: "Role 5", Type: "Rights"})
	for i := range n + 1 {
		dir.Users = append(dir.Users, &User{ID: fmt.Sprintf("U%d", i), Login: fmt.Sprintf("u%d", i),
			Assignments: []Assignment{{Study: "S1", Scope: ScopeStudy, Role: Role{Name: fmt.Sprintf("Role %d", i)}}}})
	}
	w, err := newWriter(dir, ProfileInForm, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, want, why string
	}{
		{"Role 0", "G0", "the group of that name"},
		{"Role 5", "G5", "the first group of that name"},
		{fmt.Sprintf("Role %d", n-1), fmt.Sprintf("G%d", n-1), "the last group"},
		{fmt.Sprintf("Role %d", n), "ROLE.1", "no group of that name: a new one"},
		{"Role 0", "G0", "asked again"},
	} {
		if got := w.rightsGroup(c.name, "User X"); got != c.want {
			t.Errorf("rightsGroup(%q) = %q, want %q (%s)", c.name, got, c.want, c.why)
		}
	}
	// Writing the users (a writer of its own: the first has indexed the groups).
	w, err = newWriter(dir, ProfileInForm, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.writeODM(io.Discard, odm.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if bound := 6 * 2 * n; w.scans > bound {
		t.Errorf("%d users of a role each, %d groups: the writer's loops visited %d values, want at most %d", n, n, w.scans, bound)
	}
	if w.scans == 0 {
		t.Errorf("nothing counted: the test no longer sees the writer's loops")
	}
}
