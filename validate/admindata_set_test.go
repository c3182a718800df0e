package validate

import "testing"

// TestHashIndex: hashIndex keeps a value for each hash put, through its growth, finds no
// hash never put, and puts 0 where 1 is (its empty slot is 0).
func TestHashIndex(t *testing.T) {
	var x hashIndex
	if _, ok := x.get(42); ok {
		t.Fatal("an empty index finds a hash")
	}
	const n = 100000
	// Hashes spread as a hasher's, and some that crowd one slot (small values all map
	// to slot 0 of a widening multiply).
	key := func(i int) uint64 {
		if i%10 == 0 {
			return uint64(i + 2)
		}
		return uint64(i) * 0x9e3779b97f4a7c15
	}
	for i := range n {
		x.put(key(i), int32(i))
	}
	if x.n != n {
		t.Fatalf("%d keys after %d puts of distinct hashes", x.n, n)
	}
	for i := range n {
		if v, ok := x.get(key(i)); !ok || v != int32(i) {
			t.Fatalf("hash %d: got %d, %v; want %d", key(i), v, ok, i)
		}
	}
	if _, ok := x.get(0x1234567); ok {
		t.Error("found a hash never put")
	}
	x.put(key(7), -1) // put again: the value changes, the count does not
	if v, _ := x.get(key(7)); v != -1 || x.n != n {
		t.Errorf("put again: value %d, %d keys", v, x.n)
	}
	if fill := float64(x.n) / float64(len(x.keys)); fill > 0.75 || fill < 0.45 {
		t.Errorf("%.2f full, want between 0.5 and 0.75", fill)
	}
	x.put(0, 5)
	if v, ok := x.get(1); !ok || v != 5 {
		t.Errorf("hash 0 is stored as 1: get(1) = %d, %v", v, ok)
	}
}

// TestChunkedRuns: runs of every length, longer than a chunk among them (a person with
// thousands of vendor attributes, read with ReadOptions.MaxAttrs raised), are found at
// their addresses whole and apart from each other, whatever was allocated after them.
func TestChunkedRuns(t *testing.T) {
	const size = 1 << chunkBits
	var c chunked[uint64]
	lengths := []int{1, 3, size - 1, 2, size, 0, size + 1, 5, 3*size + 7, 1, size - 4, 6}
	ats := make([]uint64, len(lengths))
	for i, n := range lengths {
		at, run := c.alloc(n)
		if len(run) != n {
			t.Fatalf("run %d: alloc(%d) gave %d elements", i, n, len(run))
		}
		for j := range run {
			run[j] = uint64(i)<<32 | uint64(j)
		}
		ats[i] = at
	}
	for i, n := range lengths {
		run := c.run(ats[i], n)
		if len(run) != n || cap(run) != n {
			t.Fatalf("run %d: %d elements (cap %d), want %d", i, len(run), cap(run), n)
		}
		for j, v := range run {
			if v != uint64(i)<<32|uint64(j) {
				t.Fatalf("run %d, element %d: %#x", i, j, v)
			}
		}
	}
}
