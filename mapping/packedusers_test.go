package mapping

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestPackedUsersReadInOrderOrAlone: packedUsers.record reads a spilled user's whole
// 64 KiB chunk (kept in the spill's cache) while the reads go in order, and the user's
// encoding alone otherwise, so that users looked up in another order than they were
// added (a template patched into or merged with an export of another order) cost a read
// of their own bytes, not of their chunk's: reading every one of 20,000 users twice in
// a shuffled order, as a look-up does (its key checked, then the user used), read 1.1 GB
// back when each read took the chunk. Each case reads every user and checks it is the
// user added; the bytes read back stay within twice the file (or a few chunks more).
func TestPackedUsersReadInOrderOrAlone(t *testing.T) {
	const n = 20000
	shuffled := rand.New(rand.NewPCG(3, 5)).Perm(n)
	for _, tc := range []struct {
		reason string
		order  func(k int) int
		twice  bool
	}{
		{"in the order added, as a stream writes them", func(k int) int { return k }, false},
		{"in the order added, each twice", func(k int) int { return k }, true},
		{"backwards, as a later file listed in reverse", func(k int) int { return n - 1 - k }, true},
		{"shuffled, each twice as a look-up reads it", func(k int) int { return shuffled[k] }, true},
	} {
		sp, err := newSpill()
		if err != nil {
			t.Fatal(err)
		}
		p := &packedUsers{sp: sp}
		for i := range n {
			if _, err := p.add(fictUser(i)); err != nil {
				t.Fatal(err)
			}
		}
		for k := range n {
			i := int32(tc.order(k))
			reads := 1
			if tc.twice {
				reads = 2
			}
			for range reads {
				if id := userID(p.record(i)); id != fmt.Sprintf("u%06d", i) {
					t.Fatalf("%s: user %d read back as %q", tc.reason, i, id)
				}
			}
		}
		t.Logf("%s: %d bytes read back of %d in %d chunks", tc.reason, sp.got, sp.size, p.chunks)
		if limit := 2*sp.size + 4*chunkSize; sp.got > limit {
			t.Errorf("%s: %d bytes read back of the %d spilled: whole chunks read for users read out of order", tc.reason, sp.got, sp.size)
		}
		sp.close()
	}
}

// fictUser returns fictitious user i (ID u000000 on) of some 300 bytes encoded, as a user
// of an InForm export encodes to.
func fictUser(i int) *User {
	return &User{ID: fmt.Sprintf("u%06d", i), Login: fmt.Sprintf("fict%06d", i), GivenName: "Ada", FamilyName: "Example",
		DisplayName: "Ada Example", Emails: []string{fmt.Sprintf("fict%06d@site%05d.example.org", i, i%997)},
		Phones: []string{"+1 617 555 0100"}, Addresses: []Address{{StreetNames: []string{fmt.Sprintf("%d Example Street", i), "Building 2, Suite 101"},
			City: "Springfield", StateProv: "MA", Country: "US", PostalCode: fmt.Sprintf("%05d", i%100000)}}}
}
