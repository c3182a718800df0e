package brief

import (
	"fmt"
	"testing"
)

func TestList(t *testing.T) {
	many := make([]string, 6000)
	for i := range many {
		many[i] = fmt.Sprintf("S%d", i)
	}
	for _, c := range []struct {
		reason string
		items  []string
		max    int
		want   string
	}{
		{"nothing", nil, 10, ""},
		{"fewer than max: all", []string{"A", "B"}, 10, "A, B"},
		{"exactly max: all", []string{"A", "B", "C"}, 3, "A, B, C"},
		{"one more than max: the item, not \"and 1 more\"", []string{"A", "B", "C", "D"}, 3, "A, B, C, D"},
		{"two more than max", []string{"A", "B", "C", "D", "E"}, 3, "A, B, C and 2 more"},
		{"thousands grouped", many, 2, "S0, S1 and 5,998 more"},
		{"max below one shows one", []string{"A", "B", "C"}, 0, "A and 2 more"},
	} {
		if got := List(c.items, c.max); got != c.want {
			t.Errorf("%s: List(%d items, %d) = %q, want %q", c.reason, len(c.items), c.max, got, c.want)
		}
	}
}
