package diff

import "testing"

// TestCollapse checks the white-space normalization every text comparison uses, and that
// clean strings are returned as they are (no allocation on the hot path).
func TestCollapse(t *testing.T) {
	for _, tc := range []struct{ in, want, reason string }{
		{"", "", "empty stays empty"},
		{"Ada Fictus", "Ada Fictus", "clean ASCII is returned as is"},
		{"  Ada  Fictus ", "Ada Fictus", "leading, trailing and double spaces go"},
		{"Ada\n\tFictus", "Ada Fictus", "tabs and line breaks are spaces"},
		{"渡辺 健", "渡辺 健", "clean non-ASCII is returned as is"},
		{"渡辺\u00a0\u00a0健", "渡辺 健", "non-breaking spaces are white space"},
		{" ", "", "only white space is empty"},
		{"a\x01b", "a\x01b", "control characters that are not white space stay"},
	} {
		if got := collapse(tc.in); got != tc.want {
			t.Errorf("collapse(%q) = %q, want %q (%s)", tc.in, got, tc.want, tc.reason)
		}
	}
	if n := testing.AllocsPerRun(100, func() { collapse("Ada Fictus") }); n != 0 {
		t.Errorf("collapse of a clean string allocates %v times", n)
	}
}
