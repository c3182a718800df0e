//go:build !race

package testenv

// Race is true when the test binary was built with -race. Tests that count allocations
// skip then: the race detector's instrumentation allocates on its own.
const Race = false
