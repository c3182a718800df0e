package validate

import (
	"testing"

	"golang.org/x/text/cases"
)

var foldSeeds = []string{"", "ada.example", "Ada.Example", "ADA", "user000001", "ada_k-01@x", "Straße", "ǅemal", "KELVIN\u212a", "İstanbul", "ß", "a\x00B", "\xff", "Ⅻ"}

// TestFoldCaseAsCaser: foldCase gives what the Caser gives, for ASCII names (folded
// without it) and others, and allocates nothing for a name already folded.
func TestFoldCaseAsCaser(t *testing.T) {
	for _, s := range foldSeeds {
		checkFoldCase(t, s)
	}
	c := cases.Fold()
	if n := testing.AllocsPerRun(100, func() { foldCase(&c, "user000001") }); n != 0 {
		t.Errorf("folding an ASCII login allocated %.0f times, want 0", n)
	}
}

func checkFoldCase(t *testing.T, s string) {
	c, want := cases.Fold(), cases.Fold()
	if got, w := foldCase(&c, s), want.String(s); got != w {
		t.Errorf("foldCase(%q) = %q, want %q as the Caser folds it", s, got, w)
	}
}

func FuzzFoldCase(f *testing.F) {
	for _, s := range foldSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkFoldCase(t, s) })
}
