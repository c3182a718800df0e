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
// grown key by key was some 14 MB of a 38 MB live heap at the peak of map --to odm. The
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
	if keys, slots := s.byID.size(); keys != 0 || slots != 0 {
		t.Fatalf("the ID table holds %d keys in %d slots before any look-up, want none: it is built while the users are added", keys, slots)
	}
	if j, u := s.find("u000100", ""); j != 100 || u == nil || u.Login != "login100" {
		t.Fatalf("find u000100 = %d", j)
	}
	const distinct = n - 1 - n/1000 // less the user without ID and the repeats
	keys, slots := s.byID.size()
	if keys != distinct {
		t.Errorf("the ID table holds %d keys, want the %d distinct IDs", keys, distinct)
	}
	if fill := float64(keys) / float64(slots); fill < 0.72 {
		t.Errorf("the ID table is %.0f%% full, want about 75%%: it is sized for its keys, not grown", 100*fill)
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
