package mapping

import "testing"

// TestUserLocs: compactUsers' locations are 4 bytes a user until a chunk number or an
// offset needs more, then 8, the ones set before kept.
func TestUserLocs(t *testing.T) {
	type loc struct{ chunk, off int }
	cases := []struct {
		name, why string
		locs      []loc
		wide      bool
	}{
		{name: "narrow", why: "chunks and offsets of 16 bits stay 4 bytes a user",
			locs: []loc{{0, 0}, {3, 65535}, {65535, 17}}},
		{name: "a chunk past 16 bits", why: "past 65,535 chunks (4 GiB of records) every location is 8 bytes, the earlier ones unchanged",
			locs: []loc{{1, 2}, {65535, 65535}, {65536, 9}, {1 << 20, 3}}, wide: true},
		{name: "an offset past 16 bits", why: "a record that starts past 64 KiB of its chunk (never made by flush) is still held",
			locs: []loc{{2, 5}, {0, 70000}}, wide: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var l userLocs
			for i, x := range c.locs {
				l.add()
				l.set(i, x.chunk, x.off)
			}
			if l.len() != len(c.locs) {
				t.Fatalf("len %d, want %d: %s", l.len(), len(c.locs), c.why)
			}
			for i, x := range c.locs {
				if k, off := l.at(i); k != x.chunk || off != x.off {
					t.Errorf("user %d at (%d, %d), want (%d, %d): %s", i, k, off, x.chunk, x.off, c.why)
				}
			}
			if (l.wide != nil) != c.wide {
				t.Errorf("wide %v, want %v: %s", l.wide != nil, c.wide, c.why)
			}
		})
	}
}
