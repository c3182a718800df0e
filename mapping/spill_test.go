package mapping

import (
	"errors"
	"strconv"
	"testing"
)

func TestSpillRoundTrip(t *testing.T) {
	s, err := newSpill()
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	chunks := []string{"first", "", "a longer third chunk", "x"}
	for i, c := range chunks {
		if k := s.put(c); k != i {
			t.Fatalf("put %d returned index %d", i, k)
		}
	}
	// Out of order and repeated, past the cache's entries.
	for _, k := range []int{2, 0, 3, 2, 1, 0, 0, 3} {
		if got := s.get(k); got != chunks[k] {
			t.Errorf("get(%d) = %q, want %q", k, got, chunks[k])
		}
	}
	if err := s.close(); err != nil {
		t.Fatal(err)
	}
	if err := s.close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
}

func TestSpillReadError(t *testing.T) {
	s, err := newSpill()
	if err != nil {
		t.Fatal(err)
	}
	s.put("abc")
	s.f.Close() // the next read fails
	get := func() (got string, err error) {
		defer catchSpill(&err)
		return s.get(0), nil
	}
	if got, err := get(); got != "" || !errors.Is(err, errSpill) {
		t.Errorf("get on a closed file = %q, %v; want errSpill", got, err)
	}
}

func TestIDIndex(t *testing.T) {
	const n = 50000
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "U" + strconv.Itoa(i)
	}
	ix := newIDIndex()
	for i, k := range keys {
		if _, ok := ix.find(k, func(j int32) bool { return keys[j] == k }); ok {
			t.Fatalf("%s found before it was added", k)
		}
		ix.add(k, int32(i))
	}
	if got, slots := ix.size(); got != n || 4*got > 3*slots || 2*got < slots/2 {
		t.Errorf("%d entries in %d slots; want %d, the table between a quarter and three quarters full", got, slots, n)
	}
	for i, k := range keys {
		j, ok := ix.find(k, func(j int32) bool { return keys[j] == k })
		if !ok || j != int32(i) {
			t.Fatalf("find(%s) = %d, %v; want %d", k, j, ok, i)
		}
	}
	// A candidate rejected by the caller (a shared fingerprint) leaves the probe going on.
	if _, ok := ix.find(keys[7], func(int32) bool { return false }); ok {
		t.Error("find returned a candidate the caller rejected")
	}
	if _, ok := ix.find("absent", func(j int32) bool { return keys[j] == "absent" }); ok {
		t.Error("found a key never added")
	}
}

// Two keys with one fingerprint: both are found, each by its own check.
func TestIDIndexSharedFingerprint(t *testing.T) {
	ix := newIDIndex()
	ix.add("a", 0)
	// Store a second entry under a's fingerprint, as a colliding key would be.
	fp := ix.fingerprint("a")
	sh := ix.shard(fp)
	sh.put(uint64(fp)<<32 | 2)
	sh.n++
	keys := []string{"a", "b"}
	for want, k := range keys {
		got, ok := ix.find("a", func(j int32) bool { return keys[j] == k })
		if !ok || got != int32(want) {
			t.Errorf("candidate %s: got %d, %v", k, got, ok)
		}
	}
}
