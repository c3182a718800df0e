package plan

import "testing"

// TestDistance checks the edit distance behind possibleDuplicateAccount, including its
// cutoff.
func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b   string
		want   int
		reason string
	}{
		{"jdoe", "jdoe", 0, "equal"},
		{"jdoe", "jdoe2", 1, "one insertion"},
		{"jdoe", "jdo", 1, "one deletion"},
		{"jdoe", "jdoa", 1, "one substitution"},
		{"jdoe", "jdeo", 1, "an adjacent transposition is one edit"},
		{"jdoe", "jdoe12", 2, "two insertions"},
		{"jdoe", "jdoe123", 3, "beyond the cutoff: max+1"},
		{"jdoe", "xxxxxxxxxx", 3, "length difference alone beyond the cutoff"},
		{"山田", "山田太", 1, "runes, not bytes"},
		{"", "ab", 2, "empty"},
		{"abcdef", "badcfe", 3, "three transpositions exceed the cutoff"},
	} {
		if got := distance(tc.a, tc.b, 2); got != tc.want {
			t.Errorf("distance(%q, %q) = %d, want %d (%s)", tc.a, tc.b, got, tc.want, tc.reason)
		}
	}
}
