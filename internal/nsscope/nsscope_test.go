package nsscope

import (
	"fmt"
	"testing"
)

// scan is the look-up the index stands in for: the innermost binding of key.
func scan(stack []string, key string) (int, bool) {
	for i := len(stack) - 1; i >= 0; i-- {
		if stack[i] == key {
			return i, true
		}
	}
	return 0, false
}

// TestIndexAgreesWithScan: through growth past At, shadowing, unwinding below a
// shadowing binding and back below At, Find and Shadowed give what a scan gives.
func TestIndexAgreesWithScan(t *testing.T) {
	for _, c := range []struct {
		name, why string
		ops       []int // > 0: push that many bindings; < 0: pop that many
		keys      func(i int) string
	}{
		{"distinct", "every binding its own key", []int{At + 10, -5, 7, -(At + 12)}, func(i int) string { return fmt.Sprint("p", i) }},
		{"shadowing", "keys repeat every 5 bindings: most shadow one", []int{At + 20, -9, 4, -3, 30}, func(i int) string { return fmt.Sprint("p", i%5) }},
		{"one-key", "one key bound again and again", []int{3 * At, -At, At / 2, -2 * At}, func(int) string { return "p" }},
		{"rebuild", "the stack falls to At and passes it again: built afresh", []int{At + 4, -10, 12, -20, 40}, func(i int) string { return fmt.Sprint("p", i%7) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var x Index
			var stack []string
			check := func() {
				if len(stack) <= At {
					return
				}
				for k := range 12 {
					key := c.keys(k)
					want, wok := scan(stack, key)
					got, ok := x.Find(key)
					if ok != wok || got != want {
						t.Fatalf("%s: Find(%q) = %d, %v; the scan finds %d, %v (stack of %d)", c.why, key, got, ok, want, wok, len(stack))
					}
					if g2, ok2 := x.FindBytes([]byte(key)); g2 != got || ok2 != ok {
						t.Fatalf("%s: FindBytes(%q) = %d, %v; Find gives %d, %v", c.why, key, g2, ok2, got, ok)
					}
				}
				for i := range stack {
					want, ok := scan(stack[:i], stack[i])
					if !ok {
						want = -1
					}
					if got := x.Shadowed(i); got != want {
						t.Fatalf("%s: Shadowed(%d) = %d, want %d", c.why, i, got, want)
					}
				}
			}
			key := func(i int) string { return stack[i] }
			for _, op := range c.ops {
				for ; op > 0; op-- {
					stack = append(stack, c.keys(len(stack)))
					if len(stack) > At {
						x.Grow(len(stack), key)
					}
					check()
				}
				if op < 0 {
					mark := max(len(stack)+op, 0)
					x.Shrink(mark, len(stack), key)
					stack = stack[:mark]
					check()
				}
			}
		})
	}
}
