package odm

import (
	"strings"
	"testing"
)

// hasDoubleSpace must answer as strings.Contains(t, "  ") on both sides of its 32-byte
// switch to the general search, at the ends of a value and for runs of other spaces.
func TestHasDoubleSpace(t *testing.T) {
	long := strings.Repeat("Ada Example ", 3) // 36 bytes: the general search
	tests := []struct {
		name, in string
	}{
		{"empty", ""},
		{"one space", " "},
		{"two spaces alone", "  "},
		{"single spaces between words", "Ada Example Person"},
		{"double space inside", "Ada  Example"},
		{"double space at the start", "  Ada"},
		{"double space at the end", "Ada  "},
		{"tab and space are not two spaces", "Ada \tExample"},
		{"non-breaking spaces are not spaces", "Ada\u00a0\u00a0Example"},
		{"32 bytes, double space at the last two", strings.Repeat("x", 30) + "  "},
		{"33 bytes, double space at the last two", strings.Repeat("x", 31) + "  "},
		{"long, single spaces", long},
		{"long, double space", long + " x"},
	}
	for _, tc := range tests {
		if got, want := hasDoubleSpace(tc.in), strings.Contains(tc.in, "  "); got != want {
			t.Errorf("%s: hasDoubleSpace(%q) = %v, want %v", tc.name, tc.in, got, want)
		}
	}
}
