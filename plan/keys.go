package plan

import (
	"cmp"
	"hash/maphash"
	"math/bits"
	"slices"
	"strings"

	"github.com/odmadmin/odmadmin/mapping"
)

// rowKeys are what the plan looks rows up by, held without a string or map entry per row:
// the rows' user names packed into one buffer (4-byte offsets), and sorted hashes of
// their user names, user-name keys (mapping.LoginKey), e-mail addresses and names. A map
// of a million user names held some 50 bytes an entry beside the name; a key here is 8.
//
// A hash stands for a set of rows, not for one: a look-up that must be exact (which row
// has this user name) compares the user names the hash leads to, so that a collision
// costs a comparison, never a wrong answer. Where only "some row may have it" is asked (is
// this existing user worth keeping), a collision keeps one user more, which Make then
// compares exactly and finds unrelated.
type rowKeys struct {
	seed    maphash.Seed
	maxRows int      // rows with a user name held at most; 0 is maxRows (a test's lower bound)
	names   []byte   // the user names of the rows that have one, in row order
	ends    []uint32 // the end of each in names: row j's is names[ends[j-1]:ends[j]]
	num     []int32  // row j's number
	blank   []bool   // row j is blank (no action, no duplicate of a later row)
	// person is row j's name (personKey) hashed, 0 for none.
	person []uint64
	// emails are the hashes of the rows' e-mail addresses (lower case, trimmed).
	emails []uint64
	// exact and folded index the rows by user name as written and by mapping.LoginKey:
	// each key a hash with its low bits the row (see hashIndex). Made by freeze.
	exact, folded hashIndex
	found         []bool // row j's user name is an existing user's (Kept.Keep)
	frozen        bool
	err           error
}

func newRowKeys() *rowKeys { return &rowKeys{seed: maphash.MakeSeed()} }

// maxNames bounds the bytes of user names held (4-byte offsets), maxRows the rows with a
// user name (int32 indexes).
const (
	maxNames = 1<<32 - 1
	maxRows  = 1<<31 - 1
)

// add records the keys of r.
func (k *rowKeys) add(r *Row) {
	for _, e := range r.Emails {
		if e := strings.ToLower(strings.TrimSpace(e)); e != "" {
			k.emails = append(k.emails, maphash.String(k.seed, e))
		}
	}
	if r.Login == "" {
		return
	}
	if uint64(len(k.names))+uint64(len(r.Login)) > maxNames {
		if k.err == nil {
			k.err = errTooManyNames
		}
		return
	}
	if len(k.ends) >= cmp.Or(k.maxRows, maxRows) {
		// Rows are numbered and found by int32 (num, the hash indexes).
		if k.err == nil {
			k.err = errTooManyRows
		}
		return
	}
	k.frozen = false
	k.names = append(k.names, r.Login...)
	k.ends = append(k.ends, uint32(len(k.names)))
	k.num = append(k.num, int32(min(r.Number, 1<<31-1)))
	k.blank = append(k.blank, r.Blank)
	var p uint64
	var buf [64]byte
	if key := appendPersonKey(buf[:0], r.GivenName, r.FamilyName, ""); len(key) > 0 {
		p = maphash.Bytes(k.seed, key) | 1 // never 0, which is none
	}
	k.person = append(k.person, p)
}

// login is the user name of row j.
func (k *rowKeys) login(j int32) string {
	start := uint32(0)
	if j > 0 {
		start = k.ends[j-1]
	}
	return string(k.names[start:k.ends[j]])
}

// len is the number of rows with a user name.
func (k *rowKeys) len() int { return len(k.ends) }

// freeze sorts the keys; add after it unfreezes them.
func (k *rowKeys) freeze() {
	if k.frozen {
		return
	}
	k.frozen = true
	slices.Sort(k.emails)
	if e := slices.Compact(k.emails); len(e) < cap(e)*3/4 {
		k.emails = slices.Clone(e) // the duplicates' room let go
	} else {
		k.emails = e
	}
	n := k.len()
	k.exact = newHashIndex(n, func(i int) uint64 { return maphash.String(k.seed, k.login(int32(i))) })
	k.folded = newHashIndex(n, func(i int) uint64 { return maphash.String(k.seed, mapping.LoginKey(k.login(int32(i)))) })
	if len(k.found) < n {
		k.found = append(k.found, make([]bool, n-len(k.found))...)
	}
}

// hasEmail reports whether a row may have e-mail address e (lower case, trimmed).
func (k *rowKeys) hasEmail(e string) bool {
	_, ok := slices.BinarySearch(k.emails, maphash.String(k.seed, e))
	return ok
}

// each calls f with the rows whose user name is login (exact, or by LoginKey when fold),
// in row order, until f returns false.
func (k *rowKeys) each(login string, fold bool, f func(j int32) bool) {
	x, key := &k.exact, login
	if fold {
		x, key = &k.folded, mapping.LoginKey(login)
	}
	x.each(maphash.String(k.seed, key), func(j int32) bool {
		l := k.login(j)
		if fold {
			if mapping.LoginKey(l) != key {
				return true
			}
		} else if l != key {
			return true
		}
		return f(j)
	})
}

// hashIndex finds items by a 64-bit hash: each key the hash with its low bits replaced by
// the item, sorted, so that the items of one hash come in item order (and those of
// another hash that shares the high bits among them: the caller compares).
type hashIndex struct {
	keys []uint64
	bits uint
}

func newHashIndex(n int, hash func(int) uint64) hashIndex {
	x := hashIndex{bits: uint(max(1, bits.Len(uint(n))))}
	low := uint64(1)<<x.bits - 1
	x.keys = make([]uint64, n)
	for i := range x.keys {
		x.keys[i] = hash(i)&^low | uint64(i)
	}
	slices.Sort(x.keys)
	return x
}

// each calls f with the items that may have hash h, in item order, until f returns false.
func (x *hashIndex) each(h uint64, f func(int32) bool) {
	low := uint64(1)<<x.bits - 1
	h &^= low
	i, _ := slices.BinarySearch(x.keys, h)
	for ; i < len(x.keys) && x.keys[i]&^low == h; i++ {
		if !f(int32(x.keys[i] & low)) {
			return
		}
	}
}
