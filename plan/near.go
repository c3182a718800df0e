package plan

import (
	"hash/maphash"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"
)

// Finding the existing users of one name whose user name is at most two edits from a row's
// would compare the row with every such user; an upload of 20,000 rows of one common name
// against 20,000 existing users of that name is then 400 million comparisons. A name group
// that rows search often gets a deletion index instead (the "symmetric delete" method):
// two strings within optimal string alignment distance 2 become equal after deleting at
// most two runes from each (a substitution or a transposition costs one deletion on each
// side, an insertion one on one side), so only users that share such a variant with the
// row are compared. The variants are kept as hashes, so a collision costs a comparison,
// never a wrong answer.

const (
	// nearDirect is the size of a name group below which the group is always compared
	// directly, and nearSearches the number of searches a larger group gets before it is
	// indexed: until then direct comparison costs no more than building the index would.
	nearDirect   = 64
	nearSearches = 8
	// nearMaxRunes bounds the user names indexed: a name of n runes has about n²/2
	// variants, so longer ones (rare) are compared directly.
	nearMaxRunes = 40
)

// nearIndex is the deletion index of one name group.
type nearIndex struct {
	// keys are the variants, sorted: each the variant's hash with its low bits replaced
	// by the index into the group of the user it is of (8 bytes a variant, where a hash
	// and an index apart took 12 and, while sorted as pairs, 16 more). Dropping the low
	// bits of the hash only makes more users candidates, never fewer.
	keys []uint64
	// small and of hold the keys instead when the group has at most 1<<16 users: the
	// high half of the variant's hash, and apart the user it is of, 6 bytes a variant
	// (a user name of 10 runes has 56) with all 32 bits of hash to tell variants apart.
	small []uint32
	of    []uint16
	long  []int32 // users whose lower-case user name is too long to index
	bits  uint    // the low bits of a key that hold the user
}

// nearSmallBits is the most bits of user that small keys hold.
const nearSmallBits = 16

// nearGroup is one name group's users and, once searched often, its index.
type nearGroup struct {
	users    []int32 // the planner's users
	searches int
	idx      *nearIndex
}

// variants calls f with the hash of s and of every string made by deleting one or two
// runes of s (duplicates included; they only repeat a candidate).
func variants(seed maphash.Seed, s string, f func(uint64)) {
	rs := []rune(s)
	buf := make([]byte, 0, len(s))
	hash := func(skip1, skip2 int) {
		buf = buf[:0]
		for i, r := range rs {
			if i != skip1 && i != skip2 {
				buf = utf8.AppendRune(buf, r)
			}
		}
		f(maphash.Bytes(seed, buf))
	}
	hash(-1, -1)
	for i := range rs {
		hash(i, -1)
		for j := i + 1; j < len(rs); j++ {
			hash(i, j)
		}
	}
}

// nVariants is the number of hashes variants makes of a string of r runes.
func nVariants(r int) int { return 1 + r + r*(r-1)/2 }

// buildNear indexes n lower-case user names, login(i) giving name i.
func buildNear(seed maphash.Seed, n int, login func(int) string) *nearIndex {
	x := &nearIndex{bits: uint(max(1, bits.Len(uint(n))))}
	total := 0
	for i := 0; i < n; i++ {
		if r := utf8.RuneCountInString(login(i)); r <= nearMaxRunes {
			total += nVariants(r)
		}
	}
	small := x.bits <= nearSmallBits
	if small {
		// Sorted as the hash's high half above the user, then split.
		x.bits = 32
	}
	keys := make([]uint64, 0, total)
	low := uint64(1)<<x.bits - 1
	for i := 0; i < n; i++ {
		login := login(i)
		if utf8.RuneCountInString(login) > nearMaxRunes {
			x.long = append(x.long, int32(i))
			continue
		}
		variants(seed, login, func(h uint64) { keys = append(keys, h&^low|uint64(i)) })
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	if !small {
		x.keys = slices.Clip(keys)
		return x
	}
	x.small, x.of = make([]uint32, len(keys)), make([]uint16, len(keys))
	for j, k := range keys {
		x.small[j], x.of[j] = uint32(k>>32), uint16(k)
	}
	return x
}

// near returns the users of the group whose lower-case user name is within distance 2 of
// login (already lower case), each with its distance, sorted by user name.
func (p *planner) near(g *nearGroup, login string) (out []int32, dist []int) {
	type hit struct {
		u     int32
		login string
		d     int
	}
	var hits []hit
	try := func(u int32) {
		p.compared++
		l := p.login(u)
		if d := distance(login, strings.ToLower(l), 2); d <= 2 {
			hits = append(hits, hit{u, l, d})
		}
	}
	g.searches++
	if g.idx == nil && len(g.users) >= p.nearDirect && g.searches > p.nearSearches && utf8.RuneCountInString(login) <= nearMaxRunes {
		g.idx = buildNear(p.seed, len(g.users), func(i int) string { return strings.ToLower(p.login(g.users[i])) })
	}
	if g.idx == nil || utf8.RuneCountInString(login) > nearMaxRunes {
		for _, u := range g.users {
			try(u)
		}
	} else {
		seen := map[int32]bool{}
		g.idx.candidates(p.seed, login, func(i int32) { seen[i] = true })
		// Compare in group order so that the result does not depend on map order.
		cand := make([]int32, 0, len(seen))
		for i := range seen {
			cand = append(cand, i)
		}
		slices.Sort(cand)
		for _, i := range cand {
			try(g.users[i])
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return strings.Compare(a.login, b.login) })
	for _, h := range hits {
		out = append(out, h.u)
		dist = append(dist, h.d)
	}
	return out, dist
}

// candidates calls f with the index of every name the index holds that may be within
// distance 2 of login (lower case), and of every name too long to index.
func (x *nearIndex) candidates(seed maphash.Seed, login string, f func(int32)) {
	low := uint64(1)<<x.bits - 1
	if x.small != nil {
		variants(seed, login, func(h uint64) {
			k := uint32(h >> 32)
			i, _ := slices.BinarySearch(x.small, k)
			for ; i < len(x.small) && x.small[i] == k; i++ {
				f(int32(x.of[i]))
			}
		})
	} else {
		variants(seed, login, func(h uint64) {
			h &^= low
			i, _ := slices.BinarySearch(x.keys, h)
			for ; i < len(x.keys) && x.keys[i]&^low == h; i++ {
				f(int32(x.keys[i] & low))
			}
		})
	}
	for _, i := range x.long {
		f(i)
	}
}
