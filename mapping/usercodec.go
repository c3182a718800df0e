package mapping

import (
	"encoding/binary"
	"errors"
	"hash/fnv"
	"slices"
)

// A user's model values (the User as finishEach builds it: assignments resolved, groups
// named) as a byte string without pointers, so that PatchStream can keep every user of a
// large export in its temporary file and build the one a record needs again. Unlike the
// reader's compact records (record.go), which are tuned for reading speed and need the
// builder's shared strings, a user here is self-contained: it decodes on its own, and its
// strings are substrings of the chunk it is read from (no copy).
//
// Every field is written, in declaration order; a slice or map is its length plus one (0
// for nil, so that nil and empty come back as they were), a pointer 0 or 1. The test
// TestUserCodecFields fails when a model type gains a field this file does not write.

type userEnc struct{ b []byte }

func (e *userEnc) uvarint(x uint64) { e.b = binary.AppendUvarint(e.b, x) }

func (e *userEnc) str(s string) {
	e.uvarint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *userEnc) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// count writes the length of a slice or map of n entries, nil or not.
func (e *userEnc) count(n int, isNil bool) {
	if isNil {
		e.b = append(e.b, 0)
		return
	}
	e.uvarint(uint64(n) + 1)
}

func (e *userEnc) strs(v []string) {
	e.count(len(v), v == nil)
	for _, s := range v {
		e.str(s)
	}
}

func (e *userEnc) telecoms(v []Telecom) {
	e.count(len(v), v == nil)
	for _, t := range v {
		e.str(t.Type)
		e.str(t.Value)
	}
}

// attrs writes each attribute's namespace as 0 when it is the one of the attribute
// before (the first's before is ""), else as its length plus one and its bytes: a vendor's
// attributes share one namespace, whose URI (some 60 bytes for InForm's) was most of the
// encoding of a user, written again for each of them.
func (e *userEnc) attrs(v []Attr) {
	e.count(len(v), v == nil)
	space := ""
	for _, a := range v {
		if a.Space == space {
			e.b = append(e.b, 0)
		} else {
			e.uvarint(uint64(len(a.Space)) + 1)
			e.b = append(e.b, a.Space...)
			space = a.Space
		}
		e.str(a.Name)
		e.str(a.Value)
	}
}

// appendUser appends u's encoding to b. The ID comes first, so that userID reads it
// without decoding the rest. A user with decoded records (Source.recs, which only
// FromDocument keeps) cannot be encoded: errUserRecs.
func appendUser(b []byte, u *User) ([]byte, error) {
	if u.Source != nil && len(u.Source.recs) > 0 {
		return b, errUserRecs
	}
	e := userEnc{b}
	e.user(u, false)
	return e.b, nil
}

// user encodes u (see appendUser; sorted as for source), decoded records left out.
func (e *userEnc) user(u *User, sorted bool) {
	for _, s := range [...]string{u.ID, u.Login, u.DisplayName, u.FullName, u.GivenName, u.FamilyName, u.Prefix, u.Suffix} {
		e.str(s)
	}
	e.strs(u.Emails)
	e.strs(u.Phones)
	e.strs(u.Faxes)
	e.str(u.Pager)
	e.telecoms(u.Telecoms)
	e.str(u.Organization)
	e.str(u.OrganizationID)
	e.count(len(u.Addresses), u.Addresses == nil)
	for _, a := range u.Addresses {
		e.strs(a.StreetNames)
		for _, s := range [...]string{a.HouseNumber, a.City, a.StateProv, a.Country, a.PostalCode, a.OtherText, a.Longitude, a.Latitude, a.Altitude} {
			e.str(s)
		}
	}
	e.strs(u.Certificates)
	e.bool(u.Picture != nil)
	if p := u.Picture; p != nil {
		e.str(p.File)
		e.str(p.Type)
		e.str(p.Href)
		e.str(p.MIMEType)
	}
	e.str(u.Locale)
	e.str(u.Type)
	e.str(string(u.Category))
	e.str(string(u.Status))
	e.bool(u.External)
	e.count(len(u.Groups), u.Groups == nil)
	for _, g := range u.Groups {
		e.str(g.ID)
		e.str(g.Name)
		e.str(g.Type)
	}
	e.count(len(u.Assignments), u.Assignments == nil)
	for _, a := range u.Assignments {
		e.str(a.Study)
		e.str(a.Site)
		e.str(a.Role.Name)
		e.str(string(a.Role.Canonical))
		e.str(string(a.Scope))
		e.str(string(a.Environment))
		e.str(a.From)
		e.str(a.To)
		e.strs(a.Depots)
	}
	e.bool(u.Source != nil)
	if s := u.Source; s != nil {
		e.source(s, sorted)
	}
}

// source encodes what a Source holds but decoded records (the caller refuses those).
// sorted writes IDs in key order, so that the value encodes the same way every time;
// users, encoded once each on the hot path, skip the sort.
func (e *userEnc) source(s *Source, sorted bool) {
	e.str(string(s.Vendor))
	e.count(len(s.IDs), s.IDs == nil)
	if sorted {
		keys := make([]string, 0, len(s.IDs))
		for k := range s.IDs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			e.str(k)
			e.str(s.IDs[k])
		}
	} else {
		for k, v := range s.IDs {
			e.str(k)
			e.str(v)
		}
	}
	e.attrs(s.Attrs)
	e.strs(s.Elements)
	e.strs(s.Studies)
	e.str(string(s.RolesFor))
	e.count(len(s.Variants), s.Variants == nil)
	for _, v := range s.Variants {
		e.str(v.Study)
		e.str(v.Space)
		e.str(v.Name)
		e.str(v.Value)
	}
	e.uvarint(s.asRead)
	// Where it was read comes last: a packed site is matched with the merge's without
	// it (sitepack.go).
	e.uvarint(uint64(max(s.line, 0)))
	e.uvarint(uint64(max(s.col, 0)))
}

// userFingerprint is a hash of everything u holds but where it was read (line and
// column), its decoded records and its own asRead: equal for a user and its copy through
// the spill file or a Directory, different (but for a 64-bit collision) once any value
// changed. Never 0.
func userFingerprint(u *User) uint64 {
	c := *u
	if u.Source != nil {
		s := *u.Source
		s.recs, s.line, s.col, s.asRead = nil, 0, 0, 0
		c.Source = &s
	}
	e := userEnc{}
	e.user(&c, true)
	h := fnv.New64a()
	h.Write(e.b)
	if v := h.Sum64(); v != 0 {
		return v
	}
	return 1
}

var errUserRecs = errors.New("mapping: internal error: a user with decoded records cannot be spilled")

// userDec reads an encoding of appendUser. The data is the encoder's own, so a short or
// corrupt one is an internal error: it panics, as the reader's records do.
type userDec struct {
	p string
	i int
	// pool is memory for the user's short lists of strings (e-mails, phones, street
	// names, ...): one allocation for several lists instead of one each. Each list is
	// cut with its capacity at its length, as make gives it, so that an append copies.
	pool []string
	// m, when set, is the memory the user is built in (see userMem).
	m *userMem
}

// userMem is memory that users are built in one after another (userMem.decode): the
// User, its Source and Picture, and every list cut from arrays kept for the next user,
// so that a user built again for each record of a large export (PatchStream's second
// pass, WriteODMStream) allocates nothing once the arrays fit. A user built in it is
// valid until the next one is: only for callers that keep no slice, map or pointer of
// it past that (strings may be kept: they are the encoding's).
type userMem struct {
	u      User
	src    Source
	pic    Picture
	ids    map[string]string
	strs   listMem[string]
	attrs  listMem[Attr]
	tels   listMem[Telecom]
	addrs  listMem[Address]
	groups listMem[GroupRef]
	as     listMem[Assignment]
}

// listMem hands out lists cut from one array, from its start again for each user.
type listMem[T any] struct {
	buf []T
	n   int // used of buf
}

// take returns a list of n zero values (a nil-free one for n == 0). Each list is cut
// with its capacity at its length, so that an append copies instead of writing over
// the next list. An array too short for the user is replaced by a larger one (the lists
// cut from it stay valid), which the next users use.
func (l *listMem[T]) take(n int) []T {
	if l.n+n > len(l.buf) || l.buf == nil {
		l.buf, l.n = make([]T, max(2*len(l.buf), n, 16)), 0
	}
	v := l.buf[l.n : l.n+n : l.n+n]
	l.n += n
	clear(v)
	return v
}

// decode builds the user p starts with (as decodeUser does) in m, over the one built
// before.
func (m *userMem) decode(p string) *User {
	m.strs.n, m.attrs.n, m.tels.n, m.addrs.n, m.groups.n, m.as.n = 0, 0, 0, 0, 0, 0
	m.u = User{}
	d := userDec{p: p, m: m}
	d.user(&m.u)
	return &m.u
}

func (d *userDec) uvarint() uint64 {
	if c := d.p[d.i]; c < 0x80 {
		d.i++
		return uint64(c)
	}
	var v uint64
	for s := 0; s < 64; s += 7 {
		c := d.p[d.i]
		d.i++
		v |= uint64(c&0x7f) << s
		if c < 0x80 {
			return v
		}
	}
	panic("mapping: corrupt spilled user")
}

func (d *userDec) str() string {
	n := int(d.uvarint())
	s := d.p[d.i : d.i+n]
	d.i += n
	return s
}

func (d *userDec) bool() bool {
	c := d.p[d.i]
	d.i++
	return c == 1
}

// count returns the length of a slice or map and whether it is nil.
func (d *userDec) count() (int, bool) {
	n := d.uvarint()
	if n == 0 {
		return 0, true
	}
	return int(n - 1), false
}

func (d *userDec) strs() []string {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	var v []string
	switch {
	case d.m != nil:
		v = d.m.strs.take(n)
	case n > 8 || n == 0:
		v = make([]string, n)
	default:
		if n > len(d.pool) {
			d.pool = make([]string, 16)
		}
		v, d.pool = d.pool[:n:n], d.pool[n:]
	}
	for i := range v {
		v[i] = d.str()
	}
	return v
}

func (d *userDec) telecoms() []Telecom {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	var v []Telecom
	if d.m != nil {
		v = d.m.tels.take(n)
	} else {
		v = make([]Telecom, n)
	}
	for i := range v {
		v[i] = Telecom{Type: d.str(), Value: d.str()}
	}
	return v
}

func (d *userDec) attrs() []Attr {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	var v []Attr
	if d.m != nil {
		v = d.m.attrs.take(n)
	} else {
		v = make([]Attr, n)
	}
	space := ""
	for i := range v {
		if k := int(d.uvarint()); k > 0 {
			space = d.p[d.i : d.i+k-1]
			d.i += k - 1
		}
		v[i] = Attr{Space: space, Name: d.str(), Value: d.str()}
	}
	return v
}

// decodeUser builds the user p starts with (appendUser's encoding; what follows is not
// read).
func decodeUser(p string) *User {
	d := userDec{p: p}
	u := &User{}
	d.user(u)
	return u
}

// user decodes a user into u, a zero User.
func (d *userDec) user(u *User) {
	for _, f := range [...]*string{&u.ID, &u.Login, &u.DisplayName, &u.FullName, &u.GivenName, &u.FamilyName, &u.Prefix, &u.Suffix} {
		*f = d.str()
	}
	u.Emails = d.strs()
	u.Phones = d.strs()
	u.Faxes = d.strs()
	u.Pager = d.str()
	u.Telecoms = d.telecoms()
	u.Organization = d.str()
	u.OrganizationID = d.str()
	if n, isNil := d.count(); !isNil {
		if d.m != nil {
			u.Addresses = d.m.addrs.take(n)
		} else {
			u.Addresses = make([]Address, n)
		}
		for i := range u.Addresses {
			a := &u.Addresses[i]
			a.StreetNames = d.strs()
			for _, f := range [...]*string{&a.HouseNumber, &a.City, &a.StateProv, &a.Country, &a.PostalCode, &a.OtherText, &a.Longitude, &a.Latitude, &a.Altitude} {
				*f = d.str()
			}
		}
	}
	u.Certificates = d.strs()
	if d.bool() {
		if d.m != nil {
			u.Picture = &d.m.pic
		} else {
			u.Picture = new(Picture)
		}
		*u.Picture = Picture{File: d.str(), Type: d.str(), Href: d.str(), MIMEType: d.str()}
	}
	u.Locale = d.str()
	u.Type = d.str()
	u.Category = Category(d.str())
	u.Status = Status(d.str())
	u.External = d.bool()
	if n, isNil := d.count(); !isNil {
		if d.m != nil {
			u.Groups = d.m.groups.take(n)
		} else {
			u.Groups = make([]GroupRef, n)
		}
		for i := range u.Groups {
			u.Groups[i] = GroupRef{ID: d.str(), Name: d.str(), Type: d.str()}
		}
	}
	if n, isNil := d.count(); !isNil {
		if d.m != nil {
			u.Assignments = d.m.as.take(n)
		} else {
			u.Assignments = make([]Assignment, n)
		}
		for i := range u.Assignments {
			a := &u.Assignments[i]
			a.Study = d.str()
			a.Site = d.str()
			a.Role = Role{Name: d.str(), Canonical: Canonical(d.str())}
			a.Scope = Scope(d.str())
			a.Environment = Environment(d.str())
			a.From = d.str()
			a.To = d.str()
			a.Depots = d.strs()
		}
	}
	if d.bool() {
		u.Source = d.source()
	}
}

// source decodes what userEnc.source encoded.
func (d *userDec) source() *Source {
	var s *Source
	if d.m != nil {
		s = &d.m.src
		*s = Source{}
	} else {
		s = &Source{}
	}
	s.Vendor = Profile(d.str())
	if n, isNil := d.count(); !isNil {
		switch {
		case d.m == nil:
			s.IDs = make(map[string]string, n)
		case d.m.ids == nil:
			d.m.ids = make(map[string]string, n)
			s.IDs = d.m.ids
		default:
			clear(d.m.ids)
			s.IDs = d.m.ids
		}
		for range n {
			k := d.str()
			s.IDs[k] = d.str()
		}
	}
	s.Attrs = d.attrs()
	s.Elements = d.strs()
	s.Studies = d.strs()
	s.RolesFor = Profile(d.str())
	if n, isNil := d.count(); !isNil {
		s.Variants = make([]Variant, n)
		for i := range s.Variants {
			s.Variants[i] = Variant{Study: d.str(), Space: d.str(), Name: d.str(), Value: d.str()}
		}
	}
	s.asRead = d.uvarint()
	s.line, s.col = int(d.uvarint()), int(d.uvarint())
	return s
}

// userID returns the ID of the user p starts with.
func userID(p string) string {
	d := userDec{p: p}
	return d.str()
}
