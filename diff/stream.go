package diff

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"hash/maphash"
	"os"
	"slices"
	"strings"
	"unsafe"

	"github.com/odmadmin/odmadmin/internal/ctxio"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// Side is one side of [CompareSides]: a directory that can be read more than once, user by
// user, as [mapping.ReadEach] reads an export.
type Side interface {
	// Each reads the directory and calls keep with each user in turn; it returns the
	// directory (studies, sites, groups, source) with the users keep returned, in order.
	// Every call must read the same directory.
	Each(ctx context.Context, keep func(*mapping.User) *mapping.User) (*mapping.Directory, error)
}

// SideFunc is a Side given as a function.
type SideFunc func(ctx context.Context, keep func(*mapping.User) *mapping.User) (*mapping.Directory, error)

// Each calls f.
func (f SideFunc) Each(ctx context.Context, keep func(*mapping.User) *mapping.User) (*mapping.Directory, error) {
	return f(ctx, keep)
}

// DirectorySide is a directory already in memory as a Side (nil is an empty one).
func DirectorySide(d *mapping.Directory) Side {
	return SideFunc(func(_ context.Context, keep func(*mapping.User) *mapping.User) (*mapping.Directory, error) {
		out := &mapping.Directory{}
		if d != nil {
			*out = *d
		}
		out.Users = []*mapping.User{}
		if d != nil {
			for _, u := range d.Users {
				if u == nil {
					continue
				}
				if k := keep(u); k != nil {
					out.Users = append(out.Users, k)
				}
			}
		}
		return out, nil
	})
}

// ODMFile is the ODM XML export at path as a Side, read with mapping.ReadEach each time.
func ODMFile(path string, opts mapping.Options) Side {
	return SideFunc(func(_ context.Context, keep func(*mapping.User) *mapping.User) (*mapping.Directory, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		d, _, err := mapping.ReadEach(odm.NewReader(f, odm.ReadOptions{Name: path}), opts, keep)
		return d, err
	})
}

// SidesOptions configure CompareSides. The zero value is ready to use.
type SidesOptions struct {
	Options
	// Align names the sites and the study of each side in the other's terms before they
	// are compared, as "odmadmin diff" does: mapping.AlignTo(b, a), then
	// mapping.AlignTo(a, b). It works on copies; the sides' values are not changed.
	// Default: false.
	Align bool
}

// CompareSides returns what [CompareContext] returns for the two directories a and b
// (aligned first when opts.Align is set), byte for byte, without holding either directory
// whole. It reads each side twice. The first pass keeps, per user, only a hash of the
// matching key and a 128-bit fingerprint of everything Compare looks at (24 bytes); a
// user whose key is on each side once, with equal fingerprints, is unchanged. The second
// pass keeps only the other users (changed, added, removed, and every user of a key that
// is not unique on a side), as compact records in a temporary file (mapping.UserFile)
// with their keys, logins and IDs in memory, and compares them key by key as Compare
// does. Memory is therefore the fingerprints, what one read of a side holds (see
// mapping.ReadEach), some 30 bytes and the key per changed user, and the changes
// (CompareSidesFile puts those in a temporary file too).
//
// The fingerprint is taken with every field (whatever the two sides' profiles), with the
// normalization of Compare (white space, e-mail case, empty values, order of lists), so
// equal fingerprints mean no change; between exports of different vendors most users then
// differ and are compared in the second pass, which then holds most of them. With Align,
// the users' sites are fingerprinted as read; when the sides name one site differently
// after alignment (an export's "10127" against a template's "01"), every user is compared
// in the second pass.
func CompareSides(ctx context.Context, a, b Side, opts SidesOptions) ([]Change, error) {
	out := []Change{}
	if err := compareSides(ctx, a, b, opts, func(ch Change) error {
		out = append(out, ch)
		return nil
	}, nil); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil // as Compare returns no changes
	}
	return out, nil
}

// CompareSidesFile is CompareSides with the changes in a temporary file rather than in
// memory (a million users that all differ give a million and more changes): the same
// changes in the same order, read back with Changes.All. Close the list to remove its
// file.
func CompareSidesFile(ctx context.Context, a, b Side, opts SidesOptions) (*Changes, error) {
	l, err := newChanges()
	if err != nil {
		return nil, err
	}
	if err := compareSides(ctx, a, b, opts, l.add, nil); err != nil {
		l.Close()
		return nil, err
	}
	if err := l.flush(); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// compareSides is CompareSides giving each change to emit, in order. The users of the
// second pass go to a temporary file as compact records (mapping.UserFile) with their
// keys in memory, sorted by key as Compare sorts them, and are built again key by key:
// what the comparison holds is the first pass's 24 bytes and some 30 bytes (and the key)
// per user that differs, not the users.
// held, when not nil, gets the number of users of each side the second pass held.
func compareSides(ctx context.Context, a, b Side, opts SidesOptions, emit func(Change) error, held *[2]int) error {
	if ctx == nil {
		ctx = context.Background()
	}
	s := &streamer{opts: opts, keySeed: maphash.MakeSeed()}
	s.fp.seeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}
	// The fingerprint's comparer holds every field; only the options' exclusions apply.
	s.c = &comparer{opts: opts.Options, fields: allFields, same: true, byName: true}
	if opts.IgnoreExtensions {
		s.c.fields &^= fExtensions
	}
	if opts.Key == "" {
		s.c.opts.Key = KeyOID
	}
	sa, err := s.summarize(ctx, a)
	if err != nil {
		return err
	}
	sb, err := s.summarize(ctx, b)
	if err != nil {
		return err
	}
	if opts.Key == "" && (!hasOIDs(profileOf(sa.shell)) || !hasOIDs(profileOf(sb.shell))) {
		// A side without OIDs (a template, an OpenClinica 4 user table), known once it is
		// read: by login, as Compare does (Options.Key), read again for the keys.
		s.c.opts.Key = KeyLogin
		if sa, err = s.summarize(ctx, a); err != nil {
			return err
		}
		if sb, err = s.summarize(ctx, b); err != nil {
			return err
		}
	}
	dirty, n, inA, inB := s.dirty(&sa, &sb)
	da, db := sa.shell, sb.shell
	sa, sb = sideSummary{}, sideSummary{} // the fingerprints are done with
	var hold [2]*heldUsers
	defer func() {
		for i, h := range hold {
			if h != nil && held != nil {
				held[i] = len(h.ents)
			}
			h.close()
		}
	}()
	for i, side := range [2]Side{a, b} {
		if !(i == 0 && inA || i == 1 && inB) {
			continue
		}
		if hold[i], err = newHeldUsers(opts.Align, n[i]); err != nil {
			return err
		}
		h := hold[i]
		d, err := side.Each(ctx, func(u *mapping.User) *mapping.User {
			key := s.c.userKey(u)
			if _, found := slices.BinarySearch(dirty, maphash.String(s.keySeed, key)); found {
				h.add(key, u)
			}
			return nil
		})
		if err == nil {
			err = h.err
		}
		if err != nil {
			return err
		}
		if i == 0 {
			da = d
		} else {
			db = d
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Align the sides' shells with a stand-in user per site reference of the users held,
	// as CompareSides aligned the directories with those users; each user built again
	// gets its references' aligned values.
	var aligned [2]map[sitePair]sitePair
	if opts.Align {
		var pairs [2]map[sitePair]bool
		for i, h := range hold {
			if h != nil {
				pairs[i] = h.pairs
			}
		}
		da, db, aligned = alignShells(da, db, pairs)
	}
	c := newComparer(da, db, opts.Options)
	c.check = ctxio.Check(ctx, 1024)
	flush := func() error {
		c.flagRules(da, db)
		for _, ch := range c.out {
			if err := emit(ch); err != nil {
				return err
			}
		}
		c.out = c.out[:0]
		return nil
	}
	c.sites(da.Sites, db.Sites)
	c.organizations(da.Organizations, db.Organizations)
	c.signatures(da.Signatures, db.Signatures)
	c.roleDefinitions(da.Groups, db.Groups)
	if err := flush(); err != nil {
		return err
	}
	for _, h := range hold {
		if err := h.sort(); err != nil {
			return err
		}
	}
	ea, eb := hold[0].entries(), hold[1].entries()
	i, j := 0, 0
	var as, bs []*mapping.User
	for i < len(ea) || j < len(eb) {
		var k []byte
		switch {
		case j == len(eb):
			k = hold[0].key(ea[i])
		case i == len(ea):
			k = hold[1].key(eb[j])
		default:
			k = hold[0].key(ea[i])
			if kb := hold[1].key(eb[j]); bytes.Compare(kb, k) < 0 {
				k = kb
			}
		}
		as, bs = as[:0], bs[:0]
		for ; i < len(ea) && bytes.Equal(hold[0].key(ea[i]), k); i++ {
			u, err := hold[0].user(ea[i], aligned[0])
			if err != nil {
				return err
			}
			as = append(as, u)
		}
		for ; j < len(eb) && bytes.Equal(hold[1].key(eb[j]), k); j++ {
			u, err := hold[1].user(eb[j], aligned[1])
			if err != nil {
				return err
			}
			bs = append(bs, u)
		}
		c.users(as, bs)
		if c.err != nil {
			return c.err
		}
		if err := flush(); err != nil {
			return err
		}
	}
	return nil
}

// alignShells aligns the shells da and db as CompareSides aligns two directories
// (mapping.AlignTo(b, a), then AlignTo(a, b)), on copies, through stand-ins with one user
// per site reference (study, site) of pairs; it returns the aligned shells and, per side,
// what each reference becomes. AlignTo changes a user's assignment by its study and site
// alone, so a user with those references changes as its stand-ins do.
func alignShells(da, db *mapping.Directory, pairs [2]map[sitePair]bool) (*mapping.Directory, *mapping.Directory, [2]map[sitePair]sitePair) {
	sa, pa := standIn(da, pairs[0])
	sb, pb := standIn(db, pairs[1])
	mapping.AlignTo(sb, sa)
	mapping.AlignTo(sa, sb)
	var out [2]map[sitePair]sitePair
	for i, x := range [2]struct {
		d     *mapping.Directory
		pairs []sitePair
	}{{sa, pa}, {sb, pb}} {
		out[i] = make(map[sitePair]sitePair, len(x.pairs))
		for k, p := range x.pairs {
			a := x.d.Users[k].Assignments[0]
			out[i][p] = sitePair{a.Study, a.Site}
		}
		x.d.Users = []*mapping.User{}
	}
	return sa, sb, out
}

// standIn returns a copy of the shell d with one user per site reference of pairs, in
// sorted order, and those references.
func standIn(d *mapping.Directory, pairs map[sitePair]bool) (*mapping.Directory, []sitePair) {
	out := ownCopy(d)
	list := make([]sitePair, 0, len(pairs))
	for p := range pairs {
		list = append(list, p)
	}
	slices.SortFunc(list, func(x, y sitePair) int {
		return cmp.Or(strings.Compare(x.study, y.study), strings.Compare(x.site, y.site))
	})
	for _, p := range list {
		out.Users = append(out.Users, &mapping.User{Assignments: []mapping.Assignment{{Study: p.study, Site: p.site}}})
	}
	return out, list
}

// heldUsers are one side's users of the second pass: their records in a file, their
// keys, logins and IDs in one byte block, and (with Align) their site references.
type heldUsers struct {
	file  *mapping.UserFile
	text  [][]byte // blocks of about heldBlock bytes, so that growing copies nothing
	ents  []heldEntry
	pairs map[sitePair]bool
	err   error
}

// heldEntry is a held user: its key, login and ID in text block off>>32 at offset
// uint32(off), of the lengths given, and its number in the file.
type heldEntry struct {
	off            uint64
	key, login, id uint32
	n              uint32
}

// heldBlock is the size of a block of heldUsers.text.
const heldBlock = 1 << 20

// newHeldUsers returns an empty heldUsers for n users (the entries are allocated once).
func newHeldUsers(align bool, n int) (*heldUsers, error) {
	f, err := mapping.NewUserFile()
	if err != nil {
		return nil, err
	}
	h := &heldUsers{file: f, ents: make([]heldEntry, 0, n)}
	if align {
		h.pairs = map[sitePair]bool{}
	}
	return h, nil
}

func (h *heldUsers) add(key string, u *mapping.User) {
	if h.err != nil {
		return
	}
	n, err := h.file.Add(u)
	if err != nil {
		h.err = err
		return
	}
	size := len(key) + len(u.Login) + len(u.ID)
	if k := len(h.text) - 1; k < 0 || len(h.text[k])+size > cap(h.text[k]) {
		h.text = append(h.text, make([]byte, 0, max(heldBlock, size)))
	}
	k := len(h.text) - 1
	h.ents = append(h.ents, heldEntry{off: uint64(k)<<32 | uint64(len(h.text[k])), key: uint32(len(key)), login: uint32(len(u.Login)), id: uint32(len(u.ID)), n: uint32(n)})
	h.text[k] = append(append(append(h.text[k], key...), u.Login...), u.ID...)
	if h.pairs != nil {
		for _, a := range u.Assignments {
			h.pairs[sitePair{a.Study, a.Site}] = true
		}
	}
}

func (h *heldUsers) block(e heldEntry) []byte { return h.text[e.off>>32][uint32(e.off):] }

func (h *heldUsers) key(e heldEntry) []byte { return h.block(e)[:e.key] }

func (h *heldUsers) loginID(e heldEntry) ([]byte, []byte) {
	b := h.block(e)[e.key:]
	return b[:e.login], b[e.login : e.login+e.id]
}

// sort orders the users as comparer.keyed does (by key, login, ID), and their records in
// the file in that order, the order they are built in.
func (h *heldUsers) sort() error {
	if h == nil {
		return nil
	}
	slices.SortFunc(h.ents, func(x, y heldEntry) int {
		if r := bytes.Compare(h.key(x), h.key(y)); r != 0 {
			return r
		}
		lx, ix := h.loginID(x)
		ly, iy := h.loginID(y)
		if r := bytes.Compare(lx, ly); r != 0 {
			return r
		}
		return bytes.Compare(ix, iy)
	})
	order := make([]int, len(h.ents))
	for k, e := range h.ents {
		order[k] = int(e.n)
	}
	return h.file.Arrange(order)
}

func (h *heldUsers) entries() []heldEntry {
	if h == nil {
		return nil
	}
	return h.ents
}

// user builds a held user again, its site references aligned by m.
func (h *heldUsers) user(e heldEntry, m map[sitePair]sitePair) (*mapping.User, error) {
	u, err := h.file.User(int(e.n))
	if err != nil {
		return nil, err
	}
	for i := range u.Assignments {
		a := &u.Assignments[i]
		if q, ok := m[sitePair{a.Study, a.Site}]; ok {
			a.Study, a.Site = q.study, q.site
		}
	}
	return u, nil
}

func (h *heldUsers) close() {
	if h != nil {
		h.file.Close()
	}
}

// streamer holds what CompareSides needs across its passes.
type streamer struct {
	opts    SidesOptions
	c       *comparer
	keySeed maphash.Seed
	fp      fingerprinter
}

// entry is one user of the first pass: its key's hash and its fingerprint.
type entry struct {
	key uint64
	fp  [2]uint64
}

func compareEntries(x, y entry) int {
	return cmp.Or(cmp.Compare(x.key, y.key), cmp.Compare(x.fp[0], y.fp[0]), cmp.Compare(x.fp[1], y.fp[1]))
}

// sitePair is a site reference of an assignment as read: its study and site.
type sitePair struct{ study, site string }

// sideSummary is what the first pass keeps of one side.
type sideSummary struct {
	entries []entry
	shell   *mapping.Directory
	// pairs are the distinct site references of the users (with Align only).
	pairs map[sitePair]bool
	// witness is the key of a user with an assignment without a study (with Align only):
	// AlignTo gives such assignments the other side's study and adds it to the side's
	// studies, so the second pass keeps that user for the study to be added.
	witness    uint64
	hasWitness bool
}

// summarize is the first pass over one side.
func (s *streamer) summarize(ctx context.Context, side Side) (sideSummary, error) {
	sum := sideSummary{}
	if s.opts.Align {
		sum.pairs = map[sitePair]bool{}
	}
	check := ctxio.Check(ctx, 1024)
	var cerr error
	shell, err := side.Each(ctx, func(u *mapping.User) *mapping.User {
		if u == nil || cerr != nil {
			return nil
		}
		if cerr = check(); cerr != nil {
			return nil
		}
		key := s.c.userKey(u)
		kh := maphash.String(s.keySeed, key)
		sum.entries = append(sum.entries, entry{kh, s.fp.user(s.c, key, u)})
		if sum.pairs != nil {
			for _, a := range u.Assignments {
				sum.pairs[sitePair{a.Study, a.Site}] = true
				if a.Study == "" && !sum.hasWitness {
					sum.witness, sum.hasWitness = kh, true
				}
			}
		}
		return nil
	})
	if err != nil {
		return sideSummary{}, err
	}
	if cerr != nil {
		return sideSummary{}, cerr
	}
	if shell == nil {
		shell = &mapping.Directory{}
	}
	shell.Users = []*mapping.User{}
	sum.shell = shell
	return sum, nil
}

// dirty returns the sorted key hashes whose users the second pass reads, and whether each
// side has any of them.
// n is how many users of each side have those keys.
func (s *streamer) dirty(a, b *sideSummary) (keys []uint64, n [2]int, inA, inB bool) {
	all := s.opts.Align && !alignConsistent(a, b)
	slices.SortFunc(a.entries, compareEntries)
	slices.SortFunc(b.entries, compareEntries)
	ea, eb := a.entries, b.entries
	i, j := 0, 0
	for i < len(ea) || j < len(eb) {
		var k uint64
		switch {
		case j == len(eb):
			k = ea[i].key
		case i == len(ea):
			k = eb[j].key
		default:
			k = min(ea[i].key, eb[j].key)
		}
		ie, je := i, j
		for ie < len(ea) && ea[ie].key == k {
			ie++
		}
		for je < len(eb) && eb[je].key == k {
			je++
		}
		// Clean: one user on each side, same fingerprint. A key on one side only, or on
		// a side more than once (Compare pairs such users in order of login and OID, which
		// the hashes do not keep), is compared exactly.
		clean := !all && ie-i == 1 && je-j == 1 && ea[i].fp == eb[j].fp &&
			!(a.hasWitness && a.witness == k) && !(b.hasWitness && b.witness == k)
		if !clean {
			keys = append(keys, k)
			inA = inA || ie > i
			inB = inB || je > j
			n[0] += ie - i
			n[1] += je - j
		}
		i, j = ie, je
	}
	return keys, n, inA, inB
}

// alignConsistent reports whether alignment names every site reference the two sides
// share the same way on both sides, so that users equal as read are equal once aligned.
// It aligns stand-in directories, the sides' shells with one user per distinct site
// reference, exactly as CompareSides aligns the real ones.
func alignConsistent(a, b *sideSummary) bool {
	da, pa := standIn(a.shell, a.pairs)
	db, pb := standIn(b.shell, b.pairs)
	mapping.AlignTo(db, da)
	mapping.AlignTo(da, db)
	aligned := make(map[sitePair]sitePair, len(pa))
	for i, p := range pa {
		x := da.Users[i].Assignments[0]
		aligned[p] = sitePair{x.Study, x.Site}
	}
	for i, p := range pb {
		x := db.Users[i].Assignments[0]
		if got, ok := aligned[p]; ok && got != (sitePair{x.Study, x.Site}) {
			return false
		}
	}
	return true
}

// ownCopy returns a copy of d that AlignTo may change without changing d: its own lists
// of studies and sites, its own site values and, for each user, its own assignments.
func ownCopy(d *mapping.Directory) *mapping.Directory {
	out := &mapping.Directory{}
	if d == nil {
		out.Users = []*mapping.User{}
		return out
	}
	*out = *d
	out.Studies = make([]*mapping.Study, len(d.Studies))
	for i, st := range d.Studies {
		if st != nil {
			c := *st
			out.Studies[i] = &c
		}
	}
	out.Sites = make([]*mapping.Site, len(d.Sites))
	for i, st := range d.Sites {
		if st != nil {
			c := *st
			out.Sites[i] = &c
		}
	}
	out.Users = make([]*mapping.User, len(d.Users))
	for i, u := range d.Users {
		if u != nil {
			c := *u
			c.Assignments = slices.Clone(u.Assignments)
			out.Users[i] = &c
		}
	}
	return out
}

// fingerprinter hashes a user as Compare sees it. The values are written into one buffer,
// each after its length, and the buffer is hashed whole with each seed: a maphash.Hash
// per seed, written to value by value (twice each: length and value), cost a call and a
// copy into its block for every write, 4% of a diff of two 200,000-user files.
type fingerprinter struct {
	seeds [2]maphash.Seed
	buf   []byte
	keys  []string
	// items holds the user's set items that are built (an address as one string, an
	// assignment's parts joined), which keys refers to: only appended to while a user is
	// hashed, so that hashing allocates nothing per user. Their strings, one each, were
	// most of what diff allocated, and collecting them some 10% of its CPU.
	items []byte
}

// item returns what was appended to f.items from start on, as a string: valid while
// the user is hashed (items is only appended to until the next user; an array it grows
// out of stays as it was).
func (f *fingerprinter) item(start int) string {
	if start == len(f.items) {
		return ""
	}
	return unsafe.String(&f.items[start], len(f.items)-start)
}

// itemSet hashes list as set does, each value as the string item appends to f.items.
func itemSet[T any](f *fingerprinter, c *comparer, list []T, item func([]byte, T) []byte) {
	f.keys = f.keys[:0]
	for _, x := range list {
		start := len(f.items)
		f.items = item(f.items, x)
		f.add(c, start, c.textNorm)
	}
	f.sorted()
}

// add adds the set item f.items[start:], normalized, to f.keys.
func (f *fingerprinter) add(c *comparer, start int, norm func(string) string) {
	if k := norm(f.item(start)); k != "" || c.opts.KeepEmpty {
		f.keys = append(f.keys, k)
	}
}

func (f *fingerprinter) str(s string) {
	f.buf = binary.LittleEndian.AppendUint64(f.buf, uint64(len(s)))
	f.buf = append(f.buf, s...)
}

// set hashes list as a set of normalized values, as setDiff compares lists.
func (f *fingerprinter) set(c *comparer, list []string, norm func(string) string) {
	f.keys = f.keys[:0]
	for _, v := range list {
		if k := norm(v); k != "" || c.opts.KeepEmpty {
			f.keys = append(f.keys, k)
		}
	}
	f.sorted()
}

// sorted hashes f.keys as a set: sorted, each value once.
func (f *fingerprinter) sorted() {
	slices.Sort(f.keys)
	f.keys = slices.Compact(f.keys)
	f.buf = binary.LittleEndian.AppendUint64(f.buf, uint64(len(f.keys)))
	for _, k := range f.keys {
		f.str(k)
	}
}

// fingerprintFields are the JSON keys of the fields fingerprinter.user hashes after the
// status, in its order ("" for one that is never a variant).
var fingerprintFields = [...]string{"id", "login", "displayName", "fullName", "givenName", "familyName", "prefix",
	"suffix", "pager", "organization", "organizationId", "", "locale", "type", "category"}

// user returns the fingerprint of u matched by key. It follows comparer.user field by
// field: a value Compare tests for equality after a normalization is hashed after the same
// normalization, so two users with equal fingerprints give no change.
func (f *fingerprinter) user(c *comparer, key string, u *mapping.User) [2]uint64 {
	f.buf = f.buf[:0]
	f.str(key)
	// A field whose listings differ is hashed listing by listing (f.listings), not as
	// the value kept, as comparer.user compares it: the value kept is the first
	// listing's, and two exports that list the blocks in another order keep another.
	names, studies := listing(u.Source)
	status := string(u.Status)
	if isListed(names, "status") {
		status = ""
	}
	f.str(status)
	for i, s := range [...]string{u.ID, u.Login, u.DisplayName, u.FullName, u.GivenName, u.FamilyName, u.Prefix,
		u.Suffix, u.Pager, u.Organization, u.OrganizationID, c.pictureString(u.Picture), u.Locale, u.Type, string(u.Category)} {
		if isListed(names, fingerprintFields[i]) {
			s = ""
		}
		f.str(c.text(s))
	}
	f.set(c, u.Emails, c.emailNorm)
	f.set(c, u.Phones, c.textNorm)
	f.set(c, u.Faxes, c.textNorm)
	f.set(c, u.Certificates, c.textNorm)
	// Telecoms, addresses and groups as the comparer shows them (telecomStrings, ...),
	// built in f.items.
	f.items = f.items[:0]
	itemSet(f, c, u.Telecoms, appendTelecom)
	itemSet(f, c, u.Addresses, appendAddress)
	itemSet(f, c, u.Groups, appendGroup)
	f.str(yesNo(u.External))
	// Assignments: per study, environment and site, the set of roles (by name and by
	// canonical role) with their dates and depots, which is what a ROLE_CHANGE tests.
	f.keys = f.keys[:0]
	for _, a := range u.Assignments {
		name := c.text(a.Role.Name)
		if name == "" {
			name = string(a.Role.Canonical)
		}
		start := len(f.items)
		for i, p := range [...]string{strings.TrimSpace(a.Study), string(a.Environment),
			strings.TrimSpace(a.Site), name, string(a.Role.Canonical), c.extra(a)} {
			if i > 0 {
				f.items = append(f.items, 0)
			}
			f.items = append(f.items, p...)
		}
		f.keys = append(f.keys, f.item(start))
	}
	f.sorted()
	if c.has(fExtensions) {
		f.extensions(c, u.Source, names)
	}
	f.listings(c, u, names, studies)
	var out [2]uint64
	for i, seed := range f.seeds {
		out[i] = maphash.Bytes(seed, f.buf)
	}
	if cap(f.buf) > 1<<20 {
		f.buf = nil // a huge user's (80,000 assignments) is not kept for the rest of the run
	}
	return out
}

// extensions hashes the vendor attributes and elements as extAttrs and extElements
// compare them: each unmapped attribute's first value (an empty one as absent unless
// KeepEmpty), and the set of elements with their white space normalized.
// skip names attributes hashed listing by listing instead.
func (f *fingerprinter) extensions(c *comparer, src *mapping.Source, skip []mapping.Attr) {
	f.keys = f.keys[:0]
	var attrs []mapping.Attr
	var elems []string
	if src != nil {
		attrs, elems = src.Attrs, src.Elements
	}
	for i, x := range attrs {
		k := mapping.Attr{Space: x.Space, Name: x.Name}
		if mapped[userAttr][k] || slices.Contains(skip, k) || slices.ContainsFunc(attrs[:i], func(y mapping.Attr) bool { return y.Space == x.Space && y.Name == x.Name }) {
			continue
		}
		v := c.text(x.Value)
		if v == "" && !c.opts.KeepEmpty {
			continue
		}
		start := len(f.items)
		f.items = append(append(append(append(append(f.items, x.Space...), 0), x.Name...), 0), v...)
		f.keys = append(f.keys, f.item(start))
	}
	f.sorted()
	f.keys = f.keys[:0]
	for _, x := range elems {
		f.keys = append(f.keys, c.normXML(x))
	}
	f.sorted()
}
