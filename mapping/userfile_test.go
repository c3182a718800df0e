package mapping

import (
	"math/rand/v2"
	"strings"
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

// TestUserFileArrange: after Arrange, users built in the order given are read a window at
// a time whatever that order is (diff builds the users it holds by key, which sorts USR_10
// before USR_2), and every user still comes back as the one added under its number:
// including users added after Arrange, users Arrange was not told of, a user kept in
// memory, a user larger than a bucket's buffer, and a second Arrange. The file is rewritten
// in buckets of the least size (one here: 20,000 users are some 4 MB) and of 16 KiB (the
// most buckets, 256).
func TestUserFileArrange(t *testing.T) {
	for _, bucket := range []int64{0, 16 << 10} {
		testUserFileArrange(t, bucket)
	}
}

func testUserFileArrange(t *testing.T, bucket int64) {
	const n = 20000
	rng := rand.New(rand.NewPCG(3, 4))
	shuffled := rng.Perm(n)
	backwards := make([]int, n)
	inOrder := make([]int, n)
	for i := range n {
		backwards[i], inOrder[i] = n-1-i, i
	}
	windows := 2 + n*300/userFileWindow + 10
	for _, tc := range []struct {
		reason string
		order  []int // given to Arrange and then built in that order
		// then: a second Arrange with this order and built in it (nil: none)
		again    []int
		moved    int // records Arrange rewrites (in all)
		maxReads int // reads while the users of order (and again) are built
	}{
		{"shuffled: rewritten, then read a window at a time", shuffled, nil, n, windows},
		{"backwards: rewritten", backwards, nil, n, windows},
		{"in order already: left alone", inOrder, nil, 0, windows},
		{"half of them shuffled: the rest follow", shuffled[:n/2], nil, n, windows / 2},
		{"arranged twice", shuffled, backwards, 2 * n, 2 * windows},
	} {
		uf, err := NewUserFile()
		if err != nil {
			t.Fatal(err)
		}
		uf.bucket = bucket
		// User 7 has decoded records, which are not encoded: it stays in memory. User 11
		// has a street name of 100,000 bytes.
		mem := fictUser(7)
		mem.Source = &Source{recs: []record{{pos: -1}}}
		huge := fictUser(11)
		huge.Addresses[0].StreetNames[0] = strings.Repeat("Long Street ", 100000/12)
		want := func(i int) *User {
			switch i {
			case 7:
				return mem
			case 11:
				return huge
			}
			return fictUser(i)
		}
		for i := range n {
			if _, err := uf.Add(want(i)); err != nil {
				t.Fatal(err)
			}
		}
		check := func(i int) {
			t.Helper()
			u, err := uf.User(i)
			if err != nil {
				t.Fatal(err)
			}
			w := want(i)
			if u.ID != w.ID || u.Login != w.Login || len(u.Emails) != 1 || u.Emails[0] != w.Emails[0] || u.Addresses[0].StreetNames[0] != w.Addresses[0].StreetNames[0] {
				t.Fatalf("%s, bucket %d: user %d came back as %+v", tc.reason, bucket, i, u)
			}
		}
		reads := 0
		for _, order := range [][]int{tc.order, tc.again} {
			if order == nil {
				continue
			}
			if err := uf.Arrange(order); err != nil {
				t.Fatal(err)
			}
			uf.reads = 0
			for _, i := range order {
				check(i)
			}
			reads += uf.reads
		}
		if uf.moved != tc.moved {
			t.Errorf("%s, bucket %d: Arrange rewrote %d records, want %d", tc.reason, bucket, uf.moved, tc.moved)
		}
		if reads > tc.maxReads {
			t.Errorf("%s, bucket %d: %d reads to build %d users in the order arranged, want at most %d", tc.reason, bucket, reads, len(tc.order), tc.maxReads)
		}
		// Every user, by number, and users added after Arrange.
		for i := n; i < n+50; i++ {
			if got, err := uf.Add(fictUser(i)); err != nil || got != i {
				t.Fatalf("%s: Add gave %d, %v, want %d", tc.reason, got, err, i)
			}
		}
		for _, i := range rng.Perm(n + 50) {
			if i < n {
				check(i)
			} else if u, err := uf.User(i); err != nil || u.ID != fictUser(i).ID {
				t.Fatalf("%s: user %d added after Arrange came back as %+v, %v", tc.reason, i, u, err)
			}
		}
		if err := uf.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestUserFileArrangeRefuses: an order that names a user twice or one not added is an
// error, and leaves the file as it was.
func TestUserFileArrangeRefuses(t *testing.T) {
	for _, tc := range []struct {
		reason string
		order  []int
	}{
		{"a user named twice", []int{2, 1, 2}},
		{"a user not added", []int{2, 1, 3}},
		{"a negative number", []int{-1}},
	} {
		uf, err := NewUserFile()
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			uf.Add(fictUser(i))
		}
		if err := uf.Arrange(tc.order); err == nil {
			t.Errorf("%s: Arrange(%v) gave no error", tc.reason, tc.order)
		}
		for i := range 3 {
			if u, err := uf.User(i); err != nil || u.ID != fictUser(i).ID {
				t.Errorf("%s: user %d came back as %+v, %v", tc.reason, i, u, err)
			}
		}
		uf.Close()
	}
}
