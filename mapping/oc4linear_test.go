package mapping

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestOC4UsersWriteLinear: writing OpenClinica 4's study table finds a user's rows and
// reported role names in sets: each row was compared with all the user's rows before it
// and each role name with all those reported before it, so that an account of n roles
// cost n² comparisons (20,000 roles: 6.8 s of `map --to oc4users`). The writer counts
// the rows and names it compares or indexes; a quadratic loop at n = 3,000 makes millions.
func TestOC4UsersWriteLinear(t *testing.T) {
	const n = 3000
	for _, c := range []struct {
		name   string
		vendor Profile // the user's source
		repeat int     // how many times the user holds each role
		warns  int     // role names reported (role-verbatim values counted)
	}{
		{"own vendor: n roles, n rows", ProfileOC4Users, 1, 0},
		{"each role twice: the repeats are one row each", ProfileOC4Users, 2, 0},
		{"another vendor's roles: each name reported once", ProfileInForm, 2, n},
	} {
		t.Run(c.name, func(t *testing.T) {
			u := &User{ID: "U1", Login: "aquill", GivenName: "Ada", FamilyName: "Quill", Source: &Source{Vendor: c.vendor}}
			for range c.repeat {
				for i := range n {
					u.Assignments = append(u.Assignments, Assignment{Study: "S1", Role: Role{Name: fmt.Sprintf("Role %d", i), Canonical: RoleOther}})
				}
			}
			o := newOC4Writer(nil, "S1", Options{})
			var buf bytes.Buffer
			ws, err := o.write(&buf, slices.Values([]*User{u, {ID: "U2", Login: "bnorr"}}), 2, Options{})
			if err != nil {
				t.Fatal(err)
			}
			// A header, a row per role and one for the user without roles.
			if got := strings.Count(buf.String(), "\n"); got != n+2 {
				t.Errorf("%d lines, want %d", got, n+2)
			}
			var verbatim int
			for _, w := range ws {
				if w.Code == CodeRoleVerbatim {
					verbatim += w.Count
				}
			}
			if verbatim != c.warns {
				t.Errorf("%d role names reported, want %d", verbatim, c.warns)
			}
			// Each assignment's row and name is looked up once, and indexed once.
			bound := 6 * c.repeat * n
			if o.scans > bound {
				t.Errorf("one user of %d assignments: %d rows and names compared or indexed, want at most %d", c.repeat*n, o.scans, bound)
			}
			if o.scans == 0 {
				t.Errorf("nothing counted: the test no longer sees the lookups")
			}
		})
	}
}

// TestSmallSet: a set finds exactly the values added, whether it has a few (compared one
// by one) or many (indexed), keeps them in the order added, and is empty after reset.
func TestSmallSet(t *testing.T) {
	for _, n := range []int{0, 1, assignIndexMin - 1, assignIndexMin, assignIndexMin + 1, 3 * assignIndexMin} {
		var s smallSet[string]
		var scans int
		for round := range 2 { // the second round after reset: a set reused for the next user
			for i := range n {
				if !s.add(fmt.Sprint(i), &scans) {
					t.Errorf("n=%d round %d: %d not added", n, round, i)
				}
				if s.add(fmt.Sprint(i), &scans) {
					t.Errorf("n=%d round %d: %d added twice", n, round, i)
				}
			}
			for i := range n + 2 {
				if got, want := s.has(fmt.Sprint(i), &scans), i < n; got != want {
					t.Errorf("n=%d round %d: has(%d) = %v, want %v", n, round, i, got, want)
				}
			}
			for i, x := range s.list {
				if x != fmt.Sprint(i) {
					t.Errorf("n=%d round %d: list[%d] = %q: not in the order added", n, round, i, x)
				}
			}
			s.reset()
			if len(s.list) != 0 || s.has("0", &scans) {
				t.Errorf("n=%d round %d: not empty after reset", n, round)
			}
		}
	}
}
