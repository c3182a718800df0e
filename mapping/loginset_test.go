package mapping

import "testing"

// TestLoginSet: a table writer's set of logins written finds a login written before in
// any letter case (OpenClinica 4 has one account per username), and only such.
func TestLoginSet(t *testing.T) {
	for _, tc := range []struct {
		name   string
		logins []string
		want   []bool // what add reports for each
	}{
		{"distinct logins are new", []string{"jdoe", "jdoe2", "adoe"}, []bool{true, true, true}},
		{"the same login twice", []string{"jdoe", "jdoe"}, []bool{true, false}},
		{"ASCII letter case aside", []string{"jdoe", "JDoe", "JDOE"}, []bool{true, false, false}},
		{"other letters' case aside", []string{"sören", "SÖREN"}, []bool{true, false}},
		{"a prefix is another login", []string{"jdoe", "jdo", "jdoe."}, []bool{true, true, true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s loginSet
			for i, l := range tc.logins {
				if got := s.add(l); got != tc.want[i] {
					t.Errorf("add(%q) after %q = %v, want %v", l, tc.logins[:i], got, tc.want[i])
				}
			}
		})
	}
}
