package mapping

// shortTable maps shortKey words to int32 values: an open-addressed table of key and
// value side by side, probed linearly from the key's multiplicative hash. resolve looks
// up the study of every site each user names (siteStudies), a million look-ups in random
// order among some 20,000 sites: Go's map of words read a group's control word and then
// the slot, often two cache lines apart, behind the map's directory and table; here a
// look-up reads the one line the key's slot is in (and, rarely, the next).
type shortTable struct {
	slots []shortSlot
	n     int
	shift uint // 64 - log2(len(slots))
}

type shortSlot struct {
	k    uint64
	v    int32
	used bool
}

// newShortTable returns a table with room for n keys before it grows.
func newShortTable(n int) shortTable {
	var t shortTable
	t.resize(n)
	return t
}

// resize makes room for n keys (at most 3/4 of the slots used) and puts the keys back.
func (t *shortTable) resize(n int) {
	size, bits := 8, uint(3)
	for size*3 < n*4 {
		size, bits = size*2, bits+1
	}
	old := t.slots
	t.slots, t.shift, t.n = make([]shortSlot, size), 64-bits, 0
	for _, s := range old {
		if s.used {
			t.set(s.k, s.v)
		}
	}
}

func (t *shortTable) slot(k uint64) int {
	return int((k * 0x9E3779B97F4A7C15) >> t.shift)
}

// set maps k to v, replacing what k mapped to.
func (t *shortTable) set(k uint64, v int32) {
	if (t.n+1)*4 > len(t.slots)*3 {
		t.resize(2 * (t.n + 1))
	}
	mask := len(t.slots) - 1
	for i := t.slot(k); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if !s.used {
			*s = shortSlot{k: k, v: v, used: true}
			t.n++
			return
		}
		if s.k == k {
			s.v = v
			return
		}
	}
}

// get returns what k maps to, and whether it maps to anything.
func (t *shortTable) get(k uint64) (int32, bool) {
	if len(t.slots) == 0 {
		return 0, false
	}
	mask := len(t.slots) - 1
	for i := t.slot(k); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if !s.used {
			return 0, false
		}
		if s.k == k {
			return s.v, true
		}
	}
}
