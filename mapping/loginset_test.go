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

// TestLoginCases: the template writer's set of User Names tells a login written before
// as it is from one written in another letter case.
func TestLoginCases(t *testing.T) {
	type seen struct{ same, folded bool }
	for _, tc := range []struct {
		name   string
		logins []string
		want   []seen
	}{
		{"distinct logins", []string{"jdoe", "jdoe2", "adoe"}, []seen{{}, {}, {}}},
		{"the same login twice", []string{"jdoe", "jdoe"}, []seen{{}, {true, true}}},
		{"letter case aside", []string{"jdoe", "JDoe", "SÖREN", "sören"}, []seen{{}, {false, true}, {}, {false, true}}},
		{"as written, the first of the fold", []string{"JDoe", "jdoe", "JDoe"}, []seen{{}, {false, true}, {true, true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s loginCases
			for i, l := range tc.logins {
				if same, folded := s.add(l); (seen{same, folded}) != tc.want[i] {
					t.Errorf("add(%q) after %q = %v, %v, want %v", l, tc.logins[:i], same, folded, tc.want[i])
				}
			}
		})
	}
}
