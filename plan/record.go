package plan

import (
	"strings"

	"github.com/odmadmin/odmadmin/mapping"
)

// A record is an existing user as the planner holds it: of a user only what Make compares
// a row with (user name, names, e-mail addresses, and the study, site, role, scope,
// environment, dates and depots of each assignment), written into one string, each value
// and count preceded by its length as a uvarint. A *mapping.User of the same values is
// some 450 bytes of struct and slice headers before its strings, and one or more heap
// objects each; a record is its values and a byte or two per value, cut from blocks that
// records share (records), so that holding a user costs no heap object of its own.

// appendRecord appends the record of u to b.
func appendRecord(b []byte, u *mapping.User) []byte {
	str := func(s string) { b = appendString(b, s) }
	str(u.Login)
	str(u.GivenName)
	str(u.FamilyName)
	str(u.FullName)
	b = appendUvarint(b, uint64(len(u.Emails)))
	for _, e := range u.Emails {
		str(e)
	}
	return appendAssignments(b, u.Assignments)
}

func appendString(b []byte, s string) []byte {
	b = appendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendAssignments(b []byte, as []mapping.Assignment) []byte {
	str := func(s string) { b = appendString(b, s) }
	b = appendUvarint(b, uint64(len(as)))
	for _, a := range as {
		str(a.Study)
		str(a.Site)
		str(a.Role.Name)
		str(string(a.Role.Canonical))
		str(string(a.Scope))
		str(string(a.Environment))
		str(a.From)
		str(a.To)
		b = appendUvarint(b, uint64(len(a.Depots)))
		for _, d := range a.Depots {
			str(d)
		}
	}
	return b
}

// assignments reads what appendAssignments wrote, appending to as.
func (f *fields) assignments(as []mapping.Assignment) []mapping.Assignment {
	for n := f.count(); n > 0; n-- {
		a := mapping.Assignment{Study: f.next(), Site: f.next()}
		a.Role = mapping.Role{Name: f.next(), Canonical: mapping.Canonical(f.next())}
		a.Scope, a.Environment = mapping.Scope(f.next()), mapping.Environment(f.next())
		a.From, a.To = f.next(), f.next()
		if d := f.count(); d > 0 {
			a.Depots = make([]string, d)
			for i := range a.Depots {
				a.Depots[i] = f.next()
			}
		}
		as = append(as, a)
	}
	return as
}

func appendUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// fields reads a record's values in order.
type fields struct {
	s string
}

func (f *fields) count() int {
	var v uint64
	for shift := uint(0); f.s != ""; shift += 7 {
		c := f.s[0]
		f.s = f.s[1:]
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			break
		}
	}
	return int(v)
}

func (f *fields) next() string {
	n := f.count()
	v := f.s[:n]
	f.s = f.s[n:]
	return v
}

// recordLogin is the user name of record r (its first value).
func recordLogin(r string) string {
	f := fields{r}
	return f.next()
}

// recordNames returns the user name, given, family and full name of record r, and the
// fields that follow them (the e-mail addresses).
func recordNames(r string) (login, given, family, full string, rest fields) {
	f := fields{r}
	login, given, family, full = f.next(), f.next(), f.next(), f.next()
	return login, given, family, full, f
}

// decodeRecord sets u to record r: its strings point into r, its slices reuse u's.
func decodeRecord(u *mapping.User, r string) {
	var f fields
	u.Login, u.GivenName, u.FamilyName, u.FullName, f = recordNames(r)
	u.Emails = u.Emails[:0]
	for n := f.count(); n > 0; n-- {
		u.Emails = append(u.Emails, f.next())
	}
	u.Assignments = f.assignments(u.Assignments[:0])
}

// recordBlock is the size of the blocks records are cut from.
const recordBlock = 256 << 10

// records holds records in shared blocks: each record is a substring of a block, which
// is written once and never moved (strings.Builder grown to the block size first), so a
// record costs its bytes and its string header, not a heap object.
type records struct {
	list  []string
	bytes int // of the records in list
	block strings.Builder
	buf   []byte // the record being written
}

// add appends the record of u.
func (rs *records) add(u *mapping.User) {
	rs.buf = appendRecord(rs.buf[:0], u)
	rs.addBytes(rs.buf)
}

func (rs *records) addBytes(b []byte) {
	rs.bytes += len(b)
	if len(b) > recordBlock/4 {
		rs.list = append(rs.list, string(b))
		return
	}
	rs.room(len(b))
	at := rs.block.Len()
	rs.block.Write(b)
	rs.list = append(rs.list, rs.block.String()[at:])
}

// addString appends a record already written (copied into rs's blocks).
func (rs *records) addString(r string) {
	rs.bytes += len(r)
	if len(r) > recordBlock/4 {
		rs.list = append(rs.list, strings.Clone(r))
		return
	}
	rs.room(len(r))
	at := rs.block.Len()
	rs.block.WriteString(r)
	rs.list = append(rs.list, rs.block.String()[at:])
}

// room starts a new block unless the current one has n bytes free.
func (rs *records) room(n int) {
	if rs.block.Cap()-rs.block.Len() < n {
		rs.block.Reset()
		rs.block.Grow(recordBlock)
	}
}
