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
