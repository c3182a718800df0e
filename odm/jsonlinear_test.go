package odm_test

import (
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// cpuTime is the process's user and system CPU time: unlike wall time it does not grow
// when other processes load the machine.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Skip("no getrusage:", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// wideUser is a JSON document with one user holding n vendor elements, every one but the
// last placed before the first standard child (slot 0).
func wideUser(n int) string {
	kids := strings.Repeat(`{"type":"element","ns":"urn:v","prefix":"v","name":"g","slot":0},`, n-1) + `{"type":"element","ns":"urn:v","prefix":"v","name":"g"}`
	return jsonHead + `"content":[],"adminData":[{"users":[{"oid":"u","loginName":"l","nodes":[` + kids + `]}]}]}`
}

// TestJSONToODMWideLinear: JSON -> ODM of a value with many children costs time linear in
// their number (40,000 vendor children in one User took 23 s when placing each one
// scanned all the others). Measured in CPU time, best of three, 8x the size must cost
// less than 3x per child.
func TestJSONToODMWideLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	per := func(n int) time.Duration {
		in := wideUser(n)
		best := time.Duration(1 << 62)
		for range 3 {
			start := cpuTime(t)
			_, err := odm.JSONToODM(io.Discard, strings.NewReader(in), odm.ReadOptions{}, odm.WriteOptions{})
			require.NoError(t, err)
			best = min(best, cpuTime(t)-start)
		}
		return best / time.Duration(n)
	}
	small, large := per(2000), per(16000)
	t.Logf("per child: %v at 2,000, %v at 16,000", small, large)
	require.Less(t, large, 3*small, "time per child grows with the number of children")
}
