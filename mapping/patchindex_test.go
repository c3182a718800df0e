package mapping

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestSpilledUsersIndexBuiltOnFirstFind: PatchStream adds every user to the spill while
// the builder that read them is held, and looks them up only once it let go of it, so
// the table finding users by ID is built on the first look-up, from fingerprints noted
// while adding (4 bytes a user), and at its size at once: at a million users the table
// grown key by key was some 14 MB of a 38 MB live heap at the peak of map --to odm, and
// sized at once 11-12 MB of a template's --base patch's 27 (keyTable: 6.5). The
// look-ups must find what they found with the table built as the users were added: the
// first user with an ID, and no other.
func TestSpilledUsersIndexBuiltOnFirstFind(t *testing.T) {
	s := newTestSpilledUsers(t, &FileSource{Vendor: ProfileInForm})
	const n = 20000
	for i := range n {
		u := &User{ID: fmt.Sprintf("u%06d", i), Login: fmt.Sprintf("login%d", i)}
		switch {
		case i%1000 == 999:
			u.ID = fmt.Sprintf("u%06d", i-500) // a second user with an earlier one's ID
		case i == 42:
			u.ID = "" // found by login
		}
		if err := s.add(u); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.seal(); err != nil {
		t.Fatal(err)
	}
	if s.byKey != nil {
		t.Fatal("the ID table is built before any look-up, want it built on the first: it is built while the users are added")
	}
	if j, u := s.find("u000100", ""); j != 100 || u == nil || u.Login != "login100" {
		t.Fatalf("find u000100 = %d", j)
	}
	const distinct = n - 1 - n/1000 // less the user without ID and the repeats
	keys, bytes := s.byKey.size()
	if keys != distinct {
		t.Errorf("the ID table holds %d keys, want the %d distinct IDs", keys, distinct)
	}
	// A keyTable: 6 bytes a key (16 bits of its fingerprint, the user's index) and 4 a
	// bucket of some 8 keys; an idIndex sized for its keys was 10.7 (8 bytes a slot, 75%
	// full), and 12 as the patch's largest holder at a million users.
	if per := float64(bytes) / float64(distinct); per > 7.5 {
		t.Errorf("the ID table holds %.1f bytes a key, want at most 7.5: 6 an entry and its share of the buckets", per)
	}
	if keys, slots := s.byID.size(); keys != 0 {
		t.Errorf("the table of users added after the look-ups began holds %d keys in %d slots, want none: every user was added before", keys, slots)
	}
	for _, c := range []struct {
		id   string
		want int32
		why  string
	}{
		{"u000499", 499, "the first user with the ID a later one repeats"},
		{"u000999", -1, "no user has it: user 999 was added with u000499"},
		{"u019999", -1, "no user has it: user 19999 was added with u019499"},
		{"u019998", 19998, "the last user with an ID of its own"},
		{"u000000", 0, "the first user"},
	} {
		if j, _ := s.find(c.id, ""); j != c.want {
			t.Errorf("find %s = %d, want %d: %s", c.id, j, c.want, c.why)
		}
	}
	if j, u := s.find("", "login42"); j != 42 || u == nil {
		t.Errorf("find by login of the user without ID = %d, want 42", j)
	}
}

// newTestSpilledUsers returns an empty spilledUsers for a directory read from src, closed
// when the test ends.
func newTestSpilledUsers(t *testing.T, src *FileSource) *spilledUsers {
	t.Helper()
	shell, err := newWriter(&Directory{Source: src}, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSpilledUsers(shell)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.close() })
	return s
}

// TestSpilledUsersFindReadsEachUserOnce: a record of the patched file finds its user by
// ID (findID tries the user after the one found last first, for a file in the base's
// order) and the patcher builds it (userAgain). In another order the try read its user
// alone for nothing and took the place of the user found, which was read again (and the
// tries, as often of the chunk read last, had the chunk read whole now and then): 20,000
// users looked up in a shuffled order read 48.6 MB back of a 3.7 MB spill. Each user must be
// found, and the spill read back about once (plus the chunks read whole while a run of
// look-ups happens to go in order).
func TestSpilledUsersFindReadsEachUserOnce(t *testing.T) {
	const n = 20000
	shuffled := rand.New(rand.NewPCG(7, 11)).Perm(n)
	for _, tc := range []struct {
		reason string
		order  func(k int) int
	}{
		{"in the base's order", func(k int) int { return k }},
		{"shuffled, as a template sorted otherwise", func(k int) int { return shuffled[k] }},
	} {
		s := newTestSpilledUsers(t, &FileSource{Vendor: ProfileInForm})
		for i := range n {
			if err := s.add(fictUser(i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.seal(); err != nil {
			t.Fatal(err)
		}
		for k := range n {
			i := tc.order(k)
			if j, u := s.find(fmt.Sprintf("u%06d", i), ""); j != int32(i) || u == nil || u.Login != fmt.Sprintf("fict%06d", i) {
				t.Fatalf("%s: find u%06d = %d", tc.reason, i, j)
			}
		}
		sp := s.sp
		t.Logf("%s: %d bytes read back of %d", tc.reason, sp.got, sp.size)
		if limit := sp.size + sp.size/10 + 4*chunkSize; sp.got > limit {
			t.Errorf("%s: %d bytes read back of the %d spilled, want each user read about once", tc.reason, sp.got, sp.size)
		}
	}
}

// TestKeyTable: a keyTable keeps 16 bits of a key's fingerprint, in a bucket of its top
// bits, and is filled in the order its keys come: find must hand on every index put
// under the same tag, in the order put, until one matches, and nothing else.
func TestKeyTable(t *testing.T) {
	// Fingerprints of 64 keys (8 buckets of 8): a bucket is the top 3 bits, the tag the
	// low 16.
	const (
		a  = 0x20000001 // bucket 1, tag 1
		b  = 0x20010001 // bucket 1, tag 1 too: another key, bits between not kept
		c  = 0x20000002 // bucket 1, tag 2
		d  = 0xe0000001 // bucket 7, tag 1: the last bucket
		no = 0x40000001 // bucket 2, tag 1: counted, never put (a repeated key)
	)
	tab := newKeyTable(64)
	if tab.shift != 29 {
		t.Fatalf("shift %d for 64 keys, want 29: 8 buckets of some 8 keys", tab.shift)
	}
	for _, fp := range []uint32{a, b, c, d, no} {
		tab.count(fp)
	}
	tab.alloc()
	tab.put(a, 10)
	tab.put(b, 11)
	tab.put(c, 12)
	tab.put(d, 13)
	for _, tc := range []struct {
		fp    uint32
		match func(int32) bool
		want  int32
		why   string
	}{
		{a, func(int32) bool { return true }, 10, "the first put under the tag, when it matches"},
		{b, func(i int32) bool { return i == 11 }, 11, "a key of the same bucket and tag put later: the first is tried and refused"},
		{c, func(i int32) bool { return i == 12 }, 12, "a tag of its own"},
		{d, func(int32) bool { return true }, 13, "the last bucket"},
		{a, func(i int32) bool { return i == 12 }, -1, "an index under another tag is not handed on"},
		{no, func(int32) bool { return true }, -1, "a bucket whose one place was never filled"},
		{0x60000001, func(int32) bool { return true }, -1, "an empty bucket"},
	} {
		i, ok := tab.find(tc.fp, tc.match)
		if !ok {
			i = -1
		}
		if i != tc.want {
			t.Errorf("find(%#x) = %d, want %d: %s", tc.fp, i, tc.want, tc.why)
		}
	}
	if n, bytes := tab.size(); n != 4 || bytes != 4*9+6*5 {
		t.Errorf("size = %d keys, %d bytes; want 4 keys (one place left empty) and %d bytes", n, bytes, 4*9+6*5)
	}
	// No keys at all: one bucket, found empty.
	empty := newKeyTable(0)
	empty.alloc()
	if _, ok := empty.find(a, func(int32) bool { return true }); ok {
		t.Error("a table of no keys found one")
	}
}
