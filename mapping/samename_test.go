package mapping

import (
	"strings"
	"testing"
)

// sameName must answer as s == c whatever it has seen before: the address of the string
// last found equal is only a shortcut to "equal", never to "different".
func TestSameName(t *testing.T) {
	const c = "GroupRef"
	interned := strings.Clone(c) // the decoder's string of the name
	other := strings.Clone(c)    // the same bytes elsewhere
	var seen string
	for _, step := range []struct {
		s    string
		want bool
		why  string
	}{
		{interned, true, "equal bytes, nothing seen yet"},
		{interned, true, "the string seen: equal by its address"},
		{other, true, "equal bytes at another address"},
		{interned[:4], false, "a prefix, at the address seen"},
		{"GroupReF", false, "same length, one byte differs"},
		{"", false, "empty"},
		{interned, true, "the first string again"},
	} {
		if got := sameName(step.s, c, &seen); got != step.want {
			t.Errorf("sameName(%q) (%s) = %v, want %v", step.s, step.why, got, step.want)
		}
	}
	var none string
	if !sameName("", "", &none) {
		t.Error(`sameName("", "") = false`)
	}
}

// sameValue must answer as ==, whichever bytes differ.
func TestSameValue(t *testing.T) {
	for _, c := range []struct {
		s, t string
		why  string
	}{
		{"", "", "both empty"},
		{"", "a", "one empty"},
		{"20000", "20001", "differ in the last byte"},
		{"20001", "30001", "differ in the first byte only"},
		{"{8B98-0001}", "{8B98-0001}", "equal"},
		{"abc", "abcd", "a prefix"},
		{"x", "x", "one byte, equal"},
		{"x", "y", "one byte, different"},
	} {
		if got, want := sameValue(c.s, c.t), c.s == c.t; got != want {
			t.Errorf("sameValue(%q, %q) (%s) = %v, want %v", c.s, c.t, c.why, got, want)
		}
	}
}
