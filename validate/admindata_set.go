package validate

import (
	"hash/maphash"
	"math/bits"
)

// hashSet is a set of 64-bit hashes in one slice with open addressing (linear probing):
// about 13 bytes per member at the load it keeps (between 0.5 and 0.75), where a
// map[string]bool costs 60 to 80 bytes per OID. A hit is only a candidate: two different
// strings may share a hash, so callers confirm a hit with the strings when it matters.
//
// The capacity need not be a power of two: the slot of a hash is its high bits scaled to
// the capacity (bits.Mul64), so the set grows by half rather than doubling.
type hashSet struct {
	slots []uint64 // 0 is an empty slot; a hash of 0 is stored as 1
	n     int
}

// add inserts h and reports whether it was there already.
func (s *hashSet) add(h uint64) bool {
	if h == 0 {
		h = 1
	}
	if (s.n+1)*4 > len(s.slots)*3 {
		s.grow()
	}
	i, _ := bits.Mul64(h, uint64(len(s.slots)))
	for {
		switch s.slots[i] {
		case 0:
			s.slots[i] = h
			s.n++
			return false
		case h:
			return true
		}
		if i++; i == uint64(len(s.slots)) {
			i = 0
		}
	}
}

// has reports whether h is in the set.
func (s *hashSet) has(h uint64) bool {
	if s.n == 0 {
		return false
	}
	if h == 0 {
		h = 1
	}
	i, _ := bits.Mul64(h, uint64(len(s.slots)))
	for {
		switch s.slots[i] {
		case 0:
			return false
		case h:
			return true
		}
		if i++; i == uint64(len(s.slots)) {
			i = 0
		}
	}
}

func (s *hashSet) grow() {
	old := s.slots
	s.slots = make([]uint64, max(64, len(old)*3/2))
	s.n = 0
	for _, h := range old {
		if h != 0 {
			s.add(h)
		}
	}
}

// fingerprintSet is a hashSet of 32-bit fingerprints: half the memory, for sets whose every
// hit is confirmed with the strings anyway (the login names), where a false hit costs only
// one more string kept for the confirmation. With a million members about a hundred pairs
// of different names share a fingerprint.
type fingerprintSet struct {
	slots []uint32
	n     int
}

func (s *fingerprintSet) add(h uint32) bool {
	if h == 0 {
		h = 1
	}
	if (s.n+1)*4 > len(s.slots)*3 {
		old := s.slots
		s.slots = make([]uint32, max(64, len(old)*3/2))
		s.n = 0
		for _, o := range old {
			if o != 0 {
				s.add(o)
			}
		}
	}
	i, _ := bits.Mul32(h, uint32(len(s.slots)))
	for {
		switch s.slots[i] {
		case 0:
			s.slots[i] = h
			s.n++
			return false
		case h:
			return true
		}
		if i++; i == uint32(len(s.slots)) {
			i = 0
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
