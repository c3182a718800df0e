package mapping

import (
	"math/rand/v2"
	"testing"
)

// TestUserFileReadsAhead: UserFile.User reads the file ahead while users are built in the
// order they were added (diff builds them by key, usually the file's order), where each
// user was a read of its own; built in another order, each user is still read alone, so
// no more than its own bytes. Every user must come back as added, including after users
// added between the reads.
func TestUserFileReadsAhead(t *testing.T) {
	const n = 20000
	shuffled := rand.New(rand.NewPCG(1, 2)).Perm(n)
	for _, tc := range []struct {
		reason   string
		order    func(k int) int
		maxReads int
	}{
		{"in the order added: a read per window, not per user", func(k int) int { return k }, 2 + n*300/userFileWindow + 10},
		{"backwards: each alone", func(k int) int { return n - 1 - k }, n},
		{"shuffled: each alone", func(k int) int { return shuffled[k] }, n + 10},
	} {
		uf, err := NewUserFile()
		if err != nil {
			t.Fatal(err)
		}
		for i := range n / 2 {
			if _, err := uf.Add(fictUser(i)); err != nil {
				t.Fatal(err)
			}
		}
		check := func(i int) {
			u, err := uf.User(i)
			if err != nil {
				t.Fatal(err)
			}
			if u.ID != fictUser(i).ID || u.Login != fictUser(i).Login || len(u.Emails) != 1 || u.Emails[0] != fictUser(i).Emails[0] {
				t.Fatalf("%s: user %d came back as %+v", tc.reason, i, u)
			}
		}
		// A few reads before the second half is added: a window read then ends at the
		// file's end as it was.
		for i := n/2 - 5; i < n/2; i++ {
			check(i)
		}
		for i := n / 2; i < n; i++ {
			if _, err := uf.Add(fictUser(i)); err != nil {
				t.Fatal(err)
			}
		}
		uf.reads, uf.got = 0, 0
		for k := range n {
			check(tc.order(k))
		}
		t.Logf("%s: %d reads of %d bytes for %d users (%d bytes)", tc.reason, uf.reads, uf.got, n, uf.size)
		if uf.reads > tc.maxReads {
			t.Errorf("%s: %d reads for %d users, want at most %d", tc.reason, uf.reads, n, tc.maxReads)
		}
		if limit := uf.size + 2*userFileWindow; uf.got > limit {
			t.Errorf("%s: %d bytes read for a file of %d: windows read for users out of order", tc.reason, uf.got, uf.size)
		}
		if err := uf.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
