package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// The garbage collector's policy of the command (not of the library, and not of tests,
// which run commands in-process).
//
// Go's default (GOGC=100) collects whenever the heap has grown by as much as was live
// after the last collection. The streaming commands hold little (a few MB to a few tens
// of MB: per-user indexes, the sites) and allocate a lot (every record decoded), so the
// default collects very often while the live heap is small, and lets the process grow to
// twice the live heap when it is larger. Most of what the streaming commands hold has no
// pointers (the indexes are arrays of integers), and a collection costs in proportion to
// the memory it has to scan, not to the memory that is live. So the policy collects when
// the memory the runtime holds reaches a soft limit of
//
//	max(memFloor, live + max(memHeadroom + other, scannable, live - memNear))
//
// (debug.SetMemoryLimit with the GOGC trigger off), set again after each collection, where
// live is the heap the last collection left, scannable the part of it, the stacks and
// the globals it had to scan, and other the memory besides the heap the limit counts. A command with a small live heap so runs few collections
// within a fixed budget (less CPU than the default, a peak RSS near memFloor); one whose
// heap is pointers (a directory of model values held whole) gets about the default's
// doubling, so it never collects over and over with little to free; one that holds large
// arrays without pointers grows by what a collection costs, not by what it holds. Past
// memNear of live heap the headroom is at least the live heap less memNear, so that a
// large heap of model values (mostly strings, which are not scanned) is not collected
// several times as often as with the default. GOGC or GOMEMLIMIT set in the environment
// turn the policy off: the runtime then does what they say.
const (
	memFloor    = 48 << 20
	memHeadroom = 12 << 20
	memNear     = 32 << 20
)

// memLimitFor is the soft memory limit after a collection that left live bytes of heap,
// of which (with stacks and globals) scan bytes were scanned, and other bytes of memory
// the limit counts besides the heap's objects and free pages (stacks, the runtime's own
// structures, the unused parts of the heap's spans: some 8 MB). The fixed headroom comes
// on top of other: counted within it, a live heap of 30 to 40 MB (an export merged with
// its template, a check of an export beside its user table) had 2 to 4 MB left to
// allocate between collections, and a million users merged took 2,214 collections and
// 24.5-29.7 s of CPU where 757 take 17.6-19.1 s (peak RSS 70 -> 74 MiB; Go's default
// 19 s, 117 MiB). The larger headrooms, of a heap of pointers or past memNear, are large
// enough as they are: other grows with the heap, and adding it there grew a check of a
// million users beside their template from 1.10 to 1.19 GiB for no CPU.
func memLimitFor(live, scan, other uint64) int64 {
	const most = math.MaxInt64 / 8
	live, scan, other = min(live, most), min(scan, most), min(other, most)
	return max(memFloor, int64(live+max(memHeadroom+other, scan, live-min(live, memNear))))
}

// gcPolicyWanted reports whether the policy applies to the command line args: neither
// GOGC nor GOMEMLIMIT is set (an empty value counts as unset, as the runtime reads it),
// and the command is not diff or plan. diff holds a heap of pointers that a collection
// scans (both sides' sites as model values, matched up) beside its arrays of hashes: at
// a million users it took 38-42 s of CPU under the policy and 26-28 s under Go's default
// (RSS 204-211 and 241-243 MiB; 200,000 users 5.0-5.7 and 5.3-7.0 s). plan holds
// compact records (no model values), but its live heap of a few tens of MB, mostly
// without pointers, gets the policy's small headroom while each row's planning allocates
// much: 80,000 rows against 200,000 users took 9.3 s of CPU under the policy and 7.2 s
// under the default (RSS 62 and 100 MiB), so both keep the default.
func gcPolicyWanted(getenv func(string) string, args []string) bool {
	if len(args) > 0 && (args[0] == "diff" || args[0] == "plan") {
		return false
	}
	return getenv("GOGC") == "" && getenv("GOMEMLIMIT") == ""
}

// startGCPolicy turns the policy on for the rest of the process, unless the environment
// sets GOGC or GOMEMLIMIT.
func startGCPolicy() {
	if !gcPolicyWanted(os.Getenv, os.Args[1:]) {
		return
	}
	debug.SetMemoryLimit(memFloor)
	debug.SetGCPercent(-1)
	armGCTick(&gcPolicy{sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/scan/total:bytes"},
		{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"},
		{Name: "/memory/classes/heap/free:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}})
}

// gcPolicy sets the limit after each collection.
type gcPolicy struct {
	sample []metrics.Sample
}

// gcTick is garbage as soon as it is made: its finalizer runs after the next collection,
// sets the limit and arms a new one, so the policy sees every collection (or every other
// one, when a collection ends before the finalizer of the last ran) without a goroutine
// polling.
type gcTick struct{ p *gcPolicy }

func armGCTick(p *gcPolicy) {
	runtime.SetFinalizer(&gcTick{p}, func(t *gcTick) {
		t.p.after()
		armGCTick(t.p)
	})
}

func (p *gcPolicy) after() {
	metrics.Read(p.sample)
	var v [6]uint64
	for i, s := range p.sample {
		if s.Value.Kind() != metrics.KindUint64 {
			return
		}
		v[i] = s.Value.Uint64()
	}
	live, scan, total, released, free, objects := v[0], v[1], v[2], v[3], v[4], v[5]
	// What the limit counts besides the heap's objects and free pages: stacks, the
	// runtime's own structures, the unused parts of the heap's spans.
	other := total - min(total, released+free+objects)
	debug.SetMemoryLimit(memLimitFor(live, scan, other))
}
