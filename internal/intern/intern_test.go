package intern

import (
	"fmt"
	"slices"
	"testing"
	"unsafe"
)

// TestName: the same bytes give the same string (one allocation for a name seen before),
// whether found among the recent names or in the map behind them; distinct names that
// share the cheap hash stay distinct; past maxNames a name is still right, only not kept.
func TestName(t *testing.T) {
	var tab Table
	same := func(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }
	a := tab.Name([]byte("LoginName"))
	if a != "LoginName" || !same(a, tab.Name([]byte("LoginName"))) {
		t.Fatalf("LoginName not shared")
	}
	// The name just looked up answers the next look-up from recent, not the map.
	if !slices.Contains(tab.recent[:], "LoginName") {
		t.Fatalf("LoginName is not among the recent names")
	}
	// Same length, first, middle and last byte: the same slot of recent.
	x, y := tab.Name([]byte("aXbYc")), tab.Name([]byte("aZbWc"))
	if x != "aXbYc" || y != "aZbWc" {
		t.Fatalf("colliding names mixed up: %q %q", x, y)
	}
	if !same(x, tab.Name([]byte("aXbYc"))) {
		t.Fatalf("a name pushed out of recent is not found in the map")
	}
	if tab.Name(nil) != "" {
		t.Fatal("empty name")
	}
	for i := range maxNames + 10 {
		n := fmt.Sprintf("n%05d", i)
		if got := tab.Name([]byte(n)); got != n {
			t.Fatalf("got %q for %q", got, n)
		}
	}
	if len(tab.all) > maxNames {
		t.Fatalf("the table holds %d names, more than %d", len(tab.all), maxNames)
	}
	if allocs := testing.AllocsPerRun(100, func() { tab.Name([]byte("LoginName")) }); allocs != 0 {
		t.Fatalf("%v allocations for a name seen before", allocs)
	}
}
