package mapping

import (
	"slices"
	"strings"
)

// A person listed in several AdminData blocks (OpenClinica lists a study's users in the
// study's AdminData and again in each site study's they work at) has one record per
// block, and the later ones are merged into the first as they are read, so that the
// conflicts are reported in reading order. The merged values are not held as model
// values until finish: that would be some two kilobytes a person, at a million users
// with one in fifty listed twice forty megabytes. They are encoded (appendUser, then the
// access of each record) and kept in the spill file, or as a string without pointers
// when there is none, and built again for the next record of the person and at finish.
//
// What grows with every record of a person (the access each record gives, and the
// studies of its block) is not encoded again with each: a person listed in n blocks made
// that n²/2 values written and read (5,000 blocks: 3.5 s, 20,000: over 80 s). Each
// merge's encoding holds the access of the records merged by it and where the encoding
// before it is (a chain, read back to front at finish), and the user without its
// studies, which finish takes from the blocks the access names.
//
// FromDocument (b.keep) still builds the person and keeps the values (builtUsers): its
// users carry their decoded records, which the encoding cannot hold, and it holds the
// whole document anyway.

// mergedRef is where the latest merged values of user i are (b.merged[i]): chunk at of
// the spill file, or b.mergedMem[at] without one, and the last AdminData block the person
// was read in.
type mergedRef struct{ at, block int32 }

// mergeRecord merges the record just written (b.rec.buf) into user i, the same person
// read in an earlier block.
func (b *builder) mergeRecord(i int32) {
	if b.keep {
		prev := b.built(i).u
		m, f := b.decode(string(b.rec.buf))
		b.merge(prev, m, prev.Source.Studies[0])
		b.built(i).block = int32(b.block)
		b.pend = append(b.pend, pending{u: prev, block: b.block, sites: f.sites, role: f.role, groups: m.Groups})
		return
	}
	// The values decoded here are dropped once encoded: they are cut from slabs of their
	// own, as the builder's would keep them (and the spilled text blocks their strings
	// are cut from, 64 KiB each) until the slab's current array is full.
	kept := b.mem
	b.mem = slabs{}
	defer func() { b.mem = kept }()
	if h := b.held; h != nil && h.i == i {
		m, f := b.decode(string(b.rec.buf))
		// The lists that grow with every record (each its own e-mail) are united through
		// sets: merge's union compares each value with all before it.
		for k, l := range []struct{ dst, src *[]string }{{&h.u.Emails, &m.Emails}, {&h.u.Phones, &m.Phones},
			{&h.u.Faxes, &m.Faxes}, {&h.u.Certificates, &m.Certificates}} {
			if len(*l.src) == 0 {
				continue
			}
			if h.sets[k] == nil {
				h.sets[k] = make(map[string]struct{}, len(*l.dst))
				for _, x := range *l.dst {
					b.mergeVals++
					h.sets[k][x] = struct{}{}
				}
			}
			for _, x := range *l.src {
				b.mergeVals++
				if _, ok := h.sets[k][x]; !ok {
					h.sets[k][x] = struct{}{}
					*l.dst = append(*l.dst, x)
				}
			}
			*l.src = nil
		}
		b.merge(h.u, m, h.first)
		f.groups = m.Groups
		h.acc = append(h.acc, f)
		h.block = int32(b.block)
		b.scans++
		return
	}
	b.flushHeld()
	var u *User
	var acc []firstAccess // the access of the records this merge adds to the chain
	prev := int32(-1)
	r, ok := b.merged[i]
	if ok {
		var was []firstAccess
		u, was, _ = decodeMerged(b.mergedText(r, false), true)
		b.scans += len(was)
		b.mergeVals += listVals(u)
		prev = r.at
	} else {
		var f firstAccess
		r := b.lookupReader(i)
		u, f = b.decodeFrom(&r)
		acc = []firstAccess{f}
	}
	first := b.recordStudy(i)
	m, f := b.decode(string(b.rec.buf))
	b.merge(u, m, first)
	f.groups = m.Groups
	acc = append(acc, f)
	b.scans += len(acc)
	b.held = &heldMerge{i: i, u: u, acc: acc, prev: prev, block: int32(b.block), first: first}
}

// recordStudy returns the StudyOID of the block user i's own record (its first) was
// read in.
func (b *builder) recordStudy(i int32) string {
	r := recReader{b: b, p: b.lookup(i)}
	r.uvarint() // text block
	r.uvarint() // offset
	if k := int(r.uvarint()); k < len(b.studiesOf) && len(b.studiesOf[k]) > 0 {
		return b.studiesOf[k][0]
	}
	return ""
}

// heldMerge is a person being merged, held as values (builder.held): user i, the access
// of the records merged since its encoding before (prev, -1 for none), and the last
// block it was read in.
type heldMerge struct {
	i, prev, block int32
	first          string // the StudyOID of the person's first record (recordStudy)
	u              *User
	acc            []firstAccess
	sets           [4]map[string]struct{} // u's Emails, Phones, Faxes and Certificates
}

// listVals is how many values u's growing lists (mergeVals) hold.
func listVals(u *User) int {
	return len(u.Emails) + len(u.Phones) + len(u.Faxes) + len(u.Certificates)
}

// flushHeld encodes the person held, if any (putMerged).
func (b *builder) flushHeld() {
	if h := b.held; h != nil {
		b.held = nil
		b.putMerged(h.i, h.u, h.acc, h.prev, h.block)
	}
}

// putMerged keeps user i's merged values, the access of the records just merged and
// where the encoding before it (prev, -1 for none) is; block is the last block the person
// was read in.
func (b *builder) putMerged(i int32, u *User, acc []firstAccess, prev, block int32) {
	b.mergeVals += listVals(u)
	p, err := encodeMerged(b.mergeBuf[:0], u, acc, prev)
	if err != nil {
		panic(err) // only FromDocument's users have decoded records, and it keeps values
	}
	b.mergeBuf = p
	r, ok := b.merged[i]
	r.block = block
	switch {
	case b.spill != nil:
		r.at = int32(b.spill.put(string(p)))
	default:
		if ok {
			// The encoding before is read at finish for its access only.
			old := b.mergedMem[r.at]
			b.mergedMem[r.at] = strings.Clone(old[:mergedAccessEnd(old)])
		}
		r.at = int32(len(b.mergedMem))
		b.mergedMem = append(b.mergedMem, string(p))
	}
	if b.merged == nil {
		b.merged = map[int32]mergedRef{}
	}
	b.merged[i] = r
}

// mergedUser builds the merged values of a person and the access of each of its records,
// in reading order, from the chain of encodings that ends at r, read for the last time.
func (b *builder) mergedUser(r mergedRef) (*User, []firstAccess) {
	u, acc, prev := decodeMerged(b.mergedText(r, true), true)
	if prev >= 0 {
		// The encodings before, back to front; their access comes first.
		parts := [][]firstAccess{acc}
		n := len(acc)
		for prev >= 0 {
			var a []firstAccess
			_, a, prev = decodeMerged(b.mergedText(mergedRef{at: prev}, true), false)
			// Copies: the strings would hold on to the whole encoding they are cut from,
			// user included, which is read here for its access only.
			for k := range a {
				cloneAccess(&a[k])
			}
			parts = append(parts, a)
			n += len(a)
		}
		acc = make([]firstAccess, 0, n)
		for k := len(parts) - 1; k >= 0; k-- {
			acc = append(acc, parts[k]...)
		}
	}
	// The user's studies: those of the block of each record, in order, as merge appends
	// them.
	studies := slices.Clone(b.studiesOf[acc[0].block])
	for _, a := range acc[1:] {
		studies = append(studies, b.studiesOf[a.block]...)
	}
	if u.Source != nil {
		u.Source.Studies = studies
	}
	return u, acc
}

// mergedText returns the encoding r points at. once says it is read for the last time,
// at finish: it is then read past the spill file's cache, which holds the record chunks
// and text blocks being built (evicting those would read them again).
func (b *builder) mergedText(r mergedRef, once bool) string {
	switch {
	case b.spill == nil:
		return b.mergedMem[r.at]
	case once:
		return b.spill.peek(int(r.at))
	}
	return b.spill.get(int(r.at))
}

// mergedKeys returns the ID and login of a merged user (see keys).
func mergedKeys(p string) (id, login string) {
	d := userDec{p: p}
	n := int(d.uvarint())
	d.i += n
	return d.str(), d.str()
}

// cloneAccess makes a's strings copies of their own.
func cloneAccess(a *firstAccess) {
	for i, s := range a.sites {
		a.sites[i] = strings.Clone(s)
	}
	a.role = strings.Clone(a.role)
	for i := range a.groups {
		g := &a.groups[i]
		g.ID, g.Name, g.Type = strings.Clone(g.ID), strings.Clone(g.Name), strings.Clone(g.Type)
	}
}

// encodeMerged appends the encoding of a merged user and the access of the records just
// merged to p: the length of the access part, the access part (the line and column of the
// person's first record, where the encoding before is plus one, then the access of each
// record), and the user (appendUser) without its studies.
func encodeMerged(p []byte, u *User, acc []firstAccess, prev int32) ([]byte, error) {
	e := userEnc{}
	// Where the person's first record stands (appendUser keeps no place).
	line, col := 0, 0
	if u.Source != nil {
		line, col = u.Source.line, u.Source.col
	}
	e.uvarint(uint64(max(line, 0)))
	e.uvarint(uint64(max(col, 0)))
	e.uvarint(uint64(prev + 1))
	e.uvarint(uint64(len(acc)))
	for _, a := range acc {
		e.uvarint(uint64(a.block))
		e.strs(a.sites)
		e.str(a.role)
		e.count(len(a.groups), a.groups == nil)
		for _, g := range a.groups {
			e.str(g.ID)
			e.str(g.Name)
			e.str(g.Type)
		}
	}
	d := userEnc{p}
	d.uvarint(uint64(len(e.b)))
	d.b = append(d.b, e.b...)
	if u.Source == nil {
		return appendUser(d.b, u)
	}
	studies := u.Source.Studies
	u.Source.Studies = nil
	p, err := appendUser(d.b, u)
	u.Source.Studies = studies
	return p, err
}

// mergedAccessEnd returns where the access part of encoding p ends.
func mergedAccessEnd(p string) int {
	d := userDec{p: p}
	n := int(d.uvarint())
	return d.i + n
}

// decodeMerged reads what encodeMerged wrote: the user too when withUser, else nil.
func decodeMerged(p string, withUser bool) (*User, []firstAccess, int32) {
	d := userDec{p: p}
	n := int(d.uvarint())
	end := d.i + n
	line, col := int(d.uvarint()), int(d.uvarint())
	prev := int32(d.uvarint()) - 1
	acc := make([]firstAccess, d.uvarint())
	for k := range acc {
		a := &acc[k]
		a.block = int(d.uvarint())
		a.sites = d.strs()
		a.role = d.str()
		if n, isNil := d.count(); !isNil {
			a.groups = make([]GroupRef, n)
			for j := range a.groups {
				a.groups[j] = GroupRef{ID: d.str(), Name: d.str(), Type: d.str()}
			}
		}
	}
	if d.i != end {
		panic("mapping: corrupt merged user")
	}
	if !withUser {
		return nil, acc, prev
	}
	u := decodeUser(p[end:])
	if u.Source != nil {
		u.Source.line, u.Source.col = line, col
	}
	return u, acc, prev
}

// peek returns chunk k like get, without keeping it in the cache (nor evicting what the
// cache holds): for a chunk read once.
func (s *spill) peek(k int) string {
	if str, ok := s.cached(k); ok {
		return str
	}
	return s.read(k)
}
