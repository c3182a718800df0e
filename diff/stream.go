package diff

import (
	"cmp"
	"context"
	"encoding/binary"
	"hash/maphash"
	"os"
	"slices"
	"strings"

	"github.com/odmadmin/odmadmin/internal/ctxio"
	"github.com/odmadmin/odmadmin/internal/detach"
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
// is not unique on a side) and compares them as Compare does. Memory is therefore the
// fingerprints, what one read of a side holds (see mapping.ReadEach), and the changed
// users.
//
// The fingerprint is taken with every field (whatever the two sides' profiles), with the
// normalization of Compare (white space, e-mail case, empty values, order of lists), so
// equal fingerprints mean no change; between exports of different vendors most users then
// differ and are compared in the second pass, which then holds most of them. With Align,
// the users' sites are fingerprinted as read; when the sides name one site differently
// after alignment (an export's "10127" against a template's "01"), every user is compared
// in the second pass.
func CompareSides(ctx context.Context, a, b Side, opts SidesOptions) ([]Change, error) {
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
	sa, err := s.summarize(ctx, a)
	if err != nil {
		return nil, err
	}
	sb, err := s.summarize(ctx, b)
	if err != nil {
		return nil, err
	}
	dirty, inA, inB := s.dirty(&sa, &sb)
	da, db := sa.shell, sb.shell
	sa, sb = sideSummary{}, sideSummary{} // the fingerprints are done with
	keep := func(u *mapping.User) *mapping.User {
		if _, found := slices.BinarySearch(dirty, maphash.String(s.keySeed, s.c.userKey(u))); found {
			// A copy of its own: the user as read shares its memory with its neighbours
			// (mapping carves users from large blocks), which it would keep alive.
			return detach.Copy(u)
		}
		return nil
	}
	if inA {
		if da, err = a.Each(ctx, keep); err != nil {
			return nil, err
		}
	}
	if inB {
		if db, err = b.Each(ctx, keep); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opts.Align {
		da, db = ownCopy(da), ownCopy(db)
		mapping.AlignTo(db, da)
		mapping.AlignTo(da, db)
	}
	return CompareContext(ctx, da, db, opts.Options)
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
func (s *streamer) dirty(a, b *sideSummary) (keys []uint64, inA, inB bool) {
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
		}
		i, j = ie, je
	}
	return keys, inA, inB
}

// alignConsistent reports whether alignment names every site reference the two sides
// share the same way on both sides, so that users equal as read are equal once aligned.
// It aligns stand-in directories, the sides' shells with one user per distinct site
// reference, exactly as CompareSides aligns the real ones.
func alignConsistent(a, b *sideSummary) bool {
	stand := func(sum *sideSummary) (*mapping.Directory, []sitePair) {
		d := ownCopy(sum.shell)
		pairs := make([]sitePair, 0, len(sum.pairs))
		for p := range sum.pairs {
			pairs = append(pairs, p)
		}
		slices.SortFunc(pairs, func(x, y sitePair) int {
			return cmp.Or(strings.Compare(x.study, y.study), strings.Compare(x.site, y.site))
		})
		for _, p := range pairs {
			d.Users = append(d.Users, &mapping.User{Assignments: []mapping.Assignment{{Study: p.study, Site: p.site}}})
		}
		return d, pairs
	}
	da, pa := stand(a)
	db, pb := stand(b)
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

// fingerprinter hashes a user as Compare sees it.
type fingerprinter struct {
	seeds  [2]maphash.Seed
	h      [2]maphash.Hash
	keys   []string
	n      [8]byte
	seeded bool
}

func (f *fingerprinter) str(s string) {
	binary.LittleEndian.PutUint64(f.n[:], uint64(len(s)))
	for i := range f.h {
		f.h[i].Write(f.n[:])
		f.h[i].WriteString(s)
	}
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
	binary.LittleEndian.PutUint64(f.n[:], uint64(len(f.keys)))
	for i := range f.h {
		f.h[i].Write(f.n[:])
	}
	for _, k := range f.keys {
		f.str(k)
	}
}

// user returns the fingerprint of u matched by key. It follows comparer.user field by
// field: a value Compare tests for equality after a normalization is hashed after the same
// normalization, so two users with equal fingerprints give no change.
func (f *fingerprinter) user(c *comparer, key string, u *mapping.User) [2]uint64 {
	if !f.seeded {
		for i := range f.h {
			f.h[i].SetSeed(f.seeds[i])
		}
		f.seeded = true
	}
	for i := range f.h {
		f.h[i].Reset()
	}
	f.str(key)
	f.str(string(u.Status))
	for _, s := range [...]string{u.ID, u.Login, u.DisplayName, u.FullName, u.GivenName, u.FamilyName, u.Prefix,
		u.Suffix, u.Pager, u.Organization, u.OrganizationID, c.pictureString(u.Picture), u.Locale, u.Type, string(u.Category)} {
		f.str(c.text(s))
	}
	f.set(c, u.Emails, c.emailNorm)
	f.set(c, u.Phones, c.textNorm)
	f.set(c, u.Faxes, c.textNorm)
	f.set(c, u.Certificates, c.textNorm)
	f.set(c, telecomStrings(u.Telecoms), c.textNorm)
	f.set(c, addressStrings(u.Addresses), c.textNorm)
	f.set(c, groupStrings(u.Groups), c.textNorm)
	f.str(yesNo(u.External))
	// Assignments: per study, environment and site, the set of roles (by name and by
	// canonical role) with their dates and depots, which is what a ROLE_CHANGE tests.
	f.keys = f.keys[:0]
	for _, a := range u.Assignments {
		name := c.text(a.Role.Name)
		if name == "" {
			name = string(a.Role.Canonical)
		}
		f.keys = append(f.keys, strings.Join([]string{strings.TrimSpace(a.Study), string(a.Environment),
			strings.TrimSpace(a.Site), name, string(a.Role.Canonical), c.extra(a)}, "\x00"))
	}
	f.sorted()
	if c.has(fExtensions) {
		f.extensions(c, u.Source)
	}
	var out [2]uint64
	for i := range f.h {
		out[i] = f.h[i].Sum64()
	}
	return out
}

// extensions hashes the vendor attributes and elements as extAttrs and extElements
// compare them: each unmapped attribute's first value (an empty one as absent unless
// KeepEmpty), and the set of elements with their white space normalized.
func (f *fingerprinter) extensions(c *comparer, src *mapping.Source) {
	f.keys = f.keys[:0]
	var attrs []mapping.Attr
	var elems []string
	if src != nil {
		attrs, elems = src.Attrs, src.Elements
	}
	for i, x := range attrs {
		k := mapping.Attr{Space: x.Space, Name: x.Name}
		if mapped[userAttr][k] || slices.ContainsFunc(attrs[:i], func(y mapping.Attr) bool { return y.Space == x.Space && y.Name == x.Name }) {
			continue
		}
		v := c.text(x.Value)
		if v == "" && !c.opts.KeepEmpty {
			continue
		}
		f.keys = append(f.keys, x.Space+"\x00"+x.Name+"\x00"+v)
	}
	f.sorted()
	f.keys = f.keys[:0]
	for _, x := range elems {
		f.keys = append(f.keys, c.normXML(x))
	}
	f.sorted()
}
