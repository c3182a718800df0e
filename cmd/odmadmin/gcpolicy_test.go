package main

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

func TestMemLimitFor(t *testing.T) {
	const mb = 1 << 20
	tests := []struct {
		name              string
		live, scan, other uint64
		want              int64
	}{
		{"nothing live: the floor", 0, 0, 0, memFloor},
		{"a small heap stays at the floor", 20 * mb, 10 * mb, 8 * mb, memFloor},
		{"a heap of pointers doubles, as GOGC=100", 300 * mb, 300 * mb, 0, 300*mb + 300*mb},
		{"a mid-sized heap without pointers grows by the headroom only", 40 * mb, 2 * mb, 0, 40*mb + memHeadroom},
		{"the headroom comes on top of the memory besides the heap", 40 * mb, 2 * mb, 8 * mb, 40*mb + 8*mb + memHeadroom},
		{"a heap near the floor leaves it by that memory", 30 * mb, 1 * mb, 8 * mb, 30*mb + 8*mb + memHeadroom},
		{"a large heap without pointers grows by nearly itself, as GOGC=100", 300 * mb, 2 * mb, 0, 300*mb + 300*mb - memNear},
		{"a part with pointers sets the headroom", 40 * mb, 30 * mb, 0, 40*mb + 30*mb},
		{"a large heap's headroom is its own", 300 * mb, 2 * mb, 40 * mb, 300*mb + 300*mb - memNear},
		{"absurd sizes do not overflow", math.MaxUint64, math.MaxUint64, math.MaxUint64, 2*(math.MaxInt64/8) + memHeadroom},
	}
	for _, tt := range tests {
		if got := memLimitFor(tt.live, tt.scan, tt.other); got != tt.want || got <= 0 {
			t.Errorf("%s: memLimitFor(%d, %d, %d) = %d, want %d", tt.name, tt.live, tt.scan, tt.other, got, tt.want)
		}
	}
}

func TestGCPolicyWanted(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want bool
	}{
		{"map: the policy", nil, []string{"map", "x.xml"}, true},
		{"diff keeps Go's default", nil, []string{"diff", "a.xml", "b.xml"}, false},
		{"plan keeps Go's default", nil, []string{"plan"}, false},
		{"nothing set: the policy", nil, nil, true},
		{"empty values count as unset, as the runtime reads them", map[string]string{"GOGC": "", "GOMEMLIMIT": ""}, nil, true},
		{"GOGC set by the user wins", map[string]string{"GOGC": "100"}, nil, false},
		{"GOGC=off set by the user wins", map[string]string{"GOGC": "off"}, nil, false},
		{"GOMEMLIMIT set by the user wins", map[string]string{"GOMEMLIMIT": "1GiB"}, nil, false},
	}
	for _, tt := range tests {
		if got := gcPolicyWanted(func(k string) string { return tt.env[k] }, tt.args); got != tt.want {
			t.Errorf("%s: gcPolicyWanted = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// gcPolicyProbe runs as a command of its own (see TestMain): it starts the policy, holds
// a heap of the kind GCPOLICY_PROBE names (pointers or none), collects, and prints the
// memory limit and GC percent it then finds.
func gcPolicyProbe() {
	startGCPolicy()
	var keep any
	const n = 12 << 20 // 96 MiB of words
	switch os.Getenv("GCPOLICY_PROBE") {
	case "pointers":
		p := make([]*int, n)
		x := new(int)
		for i := range p {
			p[i] = x
		}
		keep = p
	case "flat":
		a := make([]uint64, n)
		for i := range a {
			a[i] = uint64(i)
		}
		keep = a
	case "churn":
		// 40 MiB held without pointers (an index of a merge's users) while 1 GiB of
		// garbage is made in small pieces: how many collections that takes.
		a := make([]uint64, 5<<20)
		for i := range a {
			a[i] = uint64(i)
		}
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.NumGC
		var sink []byte
		for range (1 << 30) / 512 {
			sink = make([]byte, 512)
		}
		runtime.ReadMemStats(&ms)
		runtime.KeepAlive(a)
		runtime.KeepAlive(sink)
		fmt.Printf("collections=%d\n", ms.NumGC-before)
		return
	}
	// The limit is set by a finalizer after a collection: wait for it, and for it to be
	// the same after two collections in a row (within 1 MiB: the runtime's own memory
	// varies). On a loaded machine the finalizer may run late, and the first limit above
	// want was once one set before the whole heap counted (189 MiB for 192 to 204).
	want := int64(n * 8)
	limit, prev := debug.SetMemoryLimit(-1), int64(-1)
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); { // a deadline only a hang reaches, on a loaded machine too
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
		if limit = debug.SetMemoryLimit(-1); keep == nil || limit == math.MaxInt64 || limit > want && max(limit-prev, prev-limit) < 1<<20 {
			break
		}
		prev = limit
	}
	pct := debug.SetGCPercent(-1)
	runtime.KeepAlive(keep)
	fmt.Printf("limit=%d gcpercent=%d\n", limit, pct)
}

// TestGCPolicyFollowsHeap runs the policy in a process of its own (it changes the
// process's collector) and checks the limit it sets: the floor for a small heap, about
// twice a heap of pointers, the heap and the headroom for a heap without pointers, and
// nothing at all when the user set GOGC or GOMEMLIMIT.
func TestGCPolicyFollowsHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates some 100 MB in a subprocess")
	}
	probe, err := exec.LookPath("gcpolicy-probe")
	if err != nil {
		t.Skipf("no probe command on PATH (TestMain sets it up): %v", err)
	}
	const heap = 96 << 20
	tests := []struct {
		name     string
		env      []string
		min, max int64
		pct      int
	}{
		{"small heap: the floor", []string{"GCPOLICY_PROBE=none"}, memFloor, memFloor, -1},
		{"heap of pointers: about twice", []string{"GCPOLICY_PROBE=pointers"}, 2 * heap, 2*heap + 12<<20, -1},
		{"heap without pointers: nearly twice", []string{"GCPOLICY_PROBE=flat"}, 2*heap - memNear, 2*heap - memNear + 12<<20, -1},
		{"GOGC set: untouched", []string{"GCPOLICY_PROBE=pointers", "GOGC=100"}, math.MaxInt64, math.MaxInt64, 100},
		{"GOMEMLIMIT set: untouched", []string{"GCPOLICY_PROBE=flat", "GOMEMLIMIT=1GiB"}, 1 << 30, 1 << 30, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(probe)
			cmd.Env = append(withoutGCEnv(os.Environ()), tt.env...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("probe: %v\n%s", err, out)
			}
			var limit int64
			var pct int
			if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "limit=%d gcpercent=%d", &limit, &pct); err != nil {
				t.Fatalf("probe said %q: %v", out, err)
			}
			if limit < tt.min || limit > tt.max || pct != tt.pct {
				t.Errorf("limit %d MiB, GC percent %d; want %d to %d MiB, %d", limit>>20, pct, tt.min>>20, tt.max>>20, tt.pct)
			}
		})
	}
}

// TestGCPolicyLeavesHeadroom: with a live heap of 40 MiB, which puts the limit above the
// floor, the policy leaves memHeadroom to allocate between collections on top of the
// memory the limit counts besides the heap (some 8 MB). Counted within it, the headroom
// was 2 to 4 MB: making 1 GiB of garbage took 314 to 352 collections (an export merged
// with its template at a million users 2,214, and a third more CPU than Go's default),
// 119 to 120 now; at most one per 6 MiB made passes.
func TestGCPolicyLeavesHeadroom(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 1 GiB in a subprocess")
	}
	probe, err := exec.LookPath("gcpolicy-probe")
	if err != nil {
		t.Skipf("no probe command on PATH (TestMain sets it up): %v", err)
	}
	cmd := exec.Command(probe)
	cmd.Env = append(withoutGCEnv(os.Environ()), "GCPOLICY_PROBE=churn")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("probe: %v\n%s", err, out)
	}
	var n int
	if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "collections=%d", &n); err != nil {
		t.Fatalf("probe said %q: %v", out, err)
	}
	t.Logf("%d collections for 1 GiB of garbage beside 40 MiB live", n)
	if n > (1<<30)/(6<<20) {
		t.Errorf("%d collections for 1 GiB of garbage: less than 6 MiB allocated between them", n)
	}
}

func withoutGCEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "GOGC=") && !strings.HasPrefix(kv, "GOMEMLIMIT=") {
			out = append(out, kv)
		}
	}
	return out
}
