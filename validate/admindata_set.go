package validate

import (
	"hash/maphash"
	"math/bits"
)

// openSet is a set of hashes in one slice with open addressing (linear probing): at the
// load it keeps (between 0.5 and 0.75) about 13 bytes per member for 64-bit hashes, where
// a map[string]bool costs 60 to 80 bytes per OID. A hit is only a candidate: two
// different strings may share a hash, so callers confirm a hit with the strings when it
// matters.
//
// The capacity need not be a power of two: the slot of a hash is its high bits scaled to
// the capacity (a widening multiply), so the set grows by half rather than doubling.
type openSet[T uint32 | uint64] struct {
	slots []T // 0 is an empty slot; a hash of 0 is stored as 1
	n     int
}

// hashSet holds 64-bit hashes: the OIDs references are resolved against.
type hashSet = openSet[uint64]

// fingerprintSet holds 32-bit fingerprints: half the memory, for sets whose every hit is
// confirmed with the strings anyway (the login names), where a false hit costs only one
// more string kept for the confirmation. With a million members about a hundred pairs of
// different names share a fingerprint.
type fingerprintSet = openSet[uint32]

// slot returns where h's probe starts.
func (s *openSet[T]) slot(h T) int {
	if _, wide := any(h).(uint64); wide {
		hi, _ := bits.Mul64(uint64(h), uint64(len(s.slots)))
		return int(hi)
	}
	// A 32-bit hash times the capacity fits in 64 bits: its high half is the slot.
	return int(uint64(h) * uint64(len(s.slots)) >> 32)
}

// add inserts h and reports whether it was there already.
func (s *openSet[T]) add(h T) bool {
	if h == 0 {
		h = 1
	}
	if (s.n+1)*4 > len(s.slots)*3 {
		s.grow()
	}
	for i := s.slot(h); ; {
		switch s.slots[i] {
		case 0:
			s.slots[i] = h
			s.n++
			return false
		case h:
			return true
		}
		if i++; i == len(s.slots) {
			i = 0
		}
	}
}

// has reports whether h is in the set.
func (s *openSet[T]) has(h T) bool {
	if s.n == 0 {
		return false
	}
	if h == 0 {
		h = 1
	}
	for i := s.slot(h); ; {
		switch s.slots[i] {
		case 0:
			return false
		case h:
			return true
		}
		if i++; i == len(s.slots) {
			i = 0
		}
	}
}

func (s *openSet[T]) grow() {
	old := s.slots
	s.slots = make([]T, max(64, len(old)*3/2))
	s.n = 0
	for _, h := range old {
		if h != 0 {
			s.add(h)
		}
	}
}

// hashIndex maps 64-bit hashes to int32 values, with open addressing as openSet: 12
// bytes a slot, some 16 an entry at its load, where a map[uint64]int32 takes about 36.
// A hash of 0 is stored as 1, so the two find the same value; callers use it for hashes
// of strings, where that is as likely as any other pair sharing a hash.
type hashIndex struct {
	keys []uint64 // 0 is an empty slot
	vals []int32
	n    int
}

// get returns the value of h, if h is there.
func (t *hashIndex) get(h uint64) (int32, bool) {
	if t.n == 0 {
		return 0, false
	}
	h = max(h, 1)
	for i := t.slot(h); ; {
		switch t.keys[i] {
		case 0:
			return 0, false
		case h:
			return t.vals[i], true
		}
		if i++; i == len(t.keys) {
			i = 0
		}
	}
}

// put sets the value of h, which is added if it is not there.
func (t *hashIndex) put(h uint64, v int32) {
	h = max(h, 1)
	if (t.n+1)*4 > len(t.keys)*3 {
		t.grow()
	}
	for i := t.slot(h); ; {
		switch t.keys[i] {
		case 0:
			t.keys[i], t.vals[i] = h, v
			t.n++
			return
		case h:
			t.vals[i] = v
			return
		}
		if i++; i == len(t.keys) {
			i = 0
		}
	}
}

func (t *hashIndex) slot(h uint64) int {
	hi, _ := bits.Mul64(h, uint64(len(t.keys)))
	return int(hi)
}

func (t *hashIndex) grow() {
	keys, vals := t.keys, t.vals
	size := max(64, len(keys)*3/2)
	t.keys, t.vals, t.n = make([]uint64, size), make([]int32, size), 0
	for i, h := range keys {
		if h != 0 {
			t.put(h, vals[i])
		}
	}
}

// hasher hashes strings with a seed chosen per check, so that no input can be built to
// collide on purpose. Tests replace fn with a hash that collides often.
type hasher struct{ fn func(string) uint64 }

func newHasher() hasher {
	seed := maphash.MakeSeed()
	return hasher{func(s string) uint64 { return maphash.String(seed, s) }}
}

func (h hasher) sum(s string) uint64 { return h.fn(s) }
