package mapping

import (
	"encoding/binary"
	"slices"
	"strings"
	"unsafe"

	"github.com/odmadmin/odmadmin/internal/jsontext"
)

// userJSON appends the JSON of users as json.Encoder with SetIndent(prefix, "  ") and
// HTML escaping on (its default) writes it, without reflection: WriteJSON writes a
// million users, and encoding/json spent more time on them than reading them took. The
// field order, names and omitempty rules are those of the struct tags in model.go;
// TestUserJSONMatchesEncoder holds the two to the same bytes.
//
// It is the larger part of what map --to json adds to reading, so it writes a user in two
// steps. user walks the User and notes its shape (trace: the keys, brackets and array
// elements, one byte each) and its string values in order (vals). The users of an export
// mostly have one shape: when a user's trace is the last one's, what stands between two
// values (line breaks, indents, keys, brackets) is what stood there before, so the user
// is written as those pieces, kept from the last full write, with the values between
// them. A value that has been the same at its place in every user since (namespaces,
// attribute names, a study, a role) is part of the piece: it is compared, not written;
// what is left per user is a copy of each piece and the values that change (an ID, a
// name), each checked and copied. Only a user of a new shape is written piece by piece, as encoding/json lays it out: a line break and its indent are one append of a
// slice of nl, a key comes quoted, a string that needs no escaping (most do not) is
// checked eight bytes at a time and copied.
type userJSON struct {
	b      []byte
	prefix string
	depth  int
	empty  bool   // nothing written yet in the object or array just opened
	ls     *lines // made on first use

	// The user being written: its trace (an op or jsonKey a step) and string values.
	trace []byte
	vals  []string
	// The trace of the last user written piece by piece (emit), and what replay needs
	// of it: the JSON between its values (piece i before value i, the last after the
	// last value) and of each value, in text at the ends given.
	shape              []byte
	text               []byte
	pieceEnd, valueEnd []int32
	// places says, for each value of the shape, whether it has repeated the rendered
	// user's value at that place in every user since (stable), changed (volatile), or is
	// not known yet; check lists the places to compare (not volatile), with their values:
	// a user of an export has some thirty of them, and reading each from its place (a
	// few hundred bytes apart, with the place's recent values) cost more than comparing.
	places []place
	check  []checkPlace
	// The program replay runs: each segment's text (the JSON up to a value that is not
	// stable, stable values included) and then that value; then tail (the end of
	// segText).
	segs    []segment
	segText []byte
	tail    []byte
	// The last value strOnce wrote in the user being replayed and where its JSON is in b
	// (sameAt -1: none yet).
	sameV           string
	sameAt, sameEnd int
	// recompile: a place became uncached, which its segment is to say.
	recompile bool
	// schemas are the attribute schemas opSchema names (builder.schemas): a user's
	// attribute namespaces and names are then part of its shape, compared with the trace,
	// not values compared one by one.
	schemas []attrSchema
	// reused, when set, reports whether a value is in memory that is read over once the
	// user is written (spill.holds): the values kept for the users after it (places) are
	// then copies. The others are kept as they are, so that a value that stays at its
	// place (a constant, a string the builder shares) is found the same by its address.
	reused func(string) bool
}

// kept returns v as a value kept past the user being written (see reused).
func (e *userJSON) kept(v string) string {
	if e.reused != nil && e.reused(v) {
		return strings.Clone(v)
	}
	return v
}

// place is a value's place in a shape: the value rendered there and what became of it;
// for a volatile place, the last values written there and their JSON (a role, a user
// type, a group name: a handful of values that take turns), copied when one comes again,
// until misses show that values there rarely come again (an ID, a name).
type place struct {
	s            string
	state        uint8
	next         uint8 // the slot of recent the next value goes to
	uncached     bool
	hits, misses int32
	recent       [nRecent]quoted
}

// checkPlace is a place replay compares: its index and value, and whether it is not
// known to be stable yet.
type checkPlace struct {
	s       string
	i       int32
	unknown bool
}

// nRecent is how many of a volatile place's last values are kept.
const nRecent = 4

// volatile appends v, the value at volatile place p.
func (e *userJSON) volatile(p *place, v string) {
	if p.uncached {
		e.str(v)
		return
	}
	for j := range p.recent {
		if c := &p.recent[j]; c.q != nil && samePlace(v, c.s) {
			e.b = append(e.b, c.q...)
			p.hits++
			return
		}
	}
	at := len(e.b)
	e.str(v)
	c := &p.recent[p.next]
	c.s, c.q = e.kept(v), append(c.q[:0], e.b[at:]...)
	p.next = (p.next + 1) % nRecent
	if p.misses++; p.misses > 2*p.hits+16 {
		// Not worth the compares and copies: values there rarely come again.
		p.uncached, p.recent = true, [nRecent]quoted{}
		e.recompile = true // its segment says so
	}
}

// States of a place.
const (
	placeUnknown = iota
	placeStable
	placeVolatile
)

// segment is a step of replay: segText up to end, then the value at place, which is
// uncached (see place).
type segment struct {
	end      int32
	place    int32
	uncached bool
}

// Steps of a trace besides the keys (jsonKey values, below nKeys).
const (
	opObject    = byte(nKeys) + iota // {
	opArray                          // [
	opEndObject                      // }
	opEndArray                       // ]
	opElem                           // an array element (or a member of Source.IDs) starts
	opVal                            // the next string of vals
	opNull                           // null
	opTrue                           // true
	opFalse                          // false
	opColon                          // ": " after a member name of Source.IDs
	opAttr                           // an Attr: its namespace, name and value are the next vals
	opSchema                         // Attrs of the schema (schemas) of the 4 bytes that follow, little-endian: their values are the next vals
	// opField|k is key k and the next string of vals.
	opField = 0x80
)

// jsonKey names a key of a User's JSON (keyNames).
type jsonKey uint8

const (
	kType jsonKey = iota
	kValue
	kStreetNames
	kHouseNumber
	kCity
	kStateProv
	kCountry
	kPostalCode
	kOtherText
	kLongitude
	kLatitude
	kAltitude
	kNs
	kName
	kId
	kLogin
	kDisplayName
	kFullName
	kGivenName
	kFamilyName
	kPrefix
	kSuffix
	kEmails
	kPhones
	kFaxes
	kPager
	kTelecoms
	kOrganization
	kOrganizationId
	kAddresses
	kCertificates
	kPicture
	kFile
	kHref
	kMimeType
	kLocale
	kCategory
	kStatus
	kExternal
	kGroups
	kAssignments
	kStudy
	kSite
	kRole
	kCanonical
	kScope
	kEnvironment
	kFrom
	kTo
	kDepots
	kSource
	kVendor
	kIds
	kAttrs
	kElements
	kStudies
	kRolesFor
	kNumber
	kTimeZone
	kActive
	kDescription
	kVersions
	kVersion
	kEffective
	kVariants
	nKeys
)

var keyNames = [nKeys]string{
	kType:           "type",
	kValue:          "value",
	kStreetNames:    "streetNames",
	kHouseNumber:    "houseNumber",
	kCity:           "city",
	kStateProv:      "stateProv",
	kCountry:        "country",
	kPostalCode:     "postalCode",
	kOtherText:      "otherText",
	kLongitude:      "longitude",
	kLatitude:       "latitude",
	kAltitude:       "altitude",
	kNs:             "ns",
	kName:           "name",
	kId:             "id",
	kLogin:          "login",
	kDisplayName:    "displayName",
	kFullName:       "fullName",
	kGivenName:      "givenName",
	kFamilyName:     "familyName",
	kPrefix:         "prefix",
	kSuffix:         "suffix",
	kEmails:         "emails",
	kPhones:         "phones",
	kFaxes:          "faxes",
	kPager:          "pager",
	kTelecoms:       "telecoms",
	kOrganization:   "organization",
	kOrganizationId: "organizationId",
	kAddresses:      "addresses",
	kCertificates:   "certificates",
	kPicture:        "picture",
	kFile:           "file",
	kHref:           "href",
	kMimeType:       "mimeType",
	kLocale:         "locale",
	kCategory:       "category",
	kStatus:         "status",
	kExternal:       "external",
	kGroups:         "groups",
	kAssignments:    "assignments",
	kStudy:          "study",
	kSite:           "site",
	kRole:           "role",
	kCanonical:      "canonical",
	kScope:          "scope",
	kEnvironment:    "environment",
	kFrom:           "from",
	kTo:             "to",
	kDepots:         "depots",
	kSource:         "source",
	kVendor:         "vendor",
	kIds:            "ids",
	kAttrs:          "attrs",
	kElements:       "elements",
	kStudies:        "studies",
	kRolesFor:       "rolesFor",
	kNumber:         "number",
	kTimeZone:       "timeZone",
	kActive:         "active",
	kDescription:    "description",
	kVersions:       "versions",
	kVersion:        "version",
	kEffective:      "effective",
	kVariants:       "variants",
}

// maxIndent is the deepest level the lines cover (a User's JSON goes five deep);
// deeper ones are appended piecewise.
const maxIndent = 6

// quoted is a string and its JSON form.
type quoted struct {
	s string
	q []byte
}

// fixedMax is the room of a line: the line breaks and keys of a User with the prefix
// WriteJSON gives fit.
const fixedMax = 48

// line is one of the strings newline, elem and key append: in an array when it fits
// (n <= fixedMax), so that appending it is a copy of fixedMax bytes, which compiles to a
// few moves instead of a call of memmove (most lines are 10 to 30 bytes, and a user has
// a hundred of them); else s.
type line struct {
	b [fixedMax]byte
	n int // 0: not made yet
	s string
}

// lines are the lines of a userJSON: with and without a leading comma, at each depth, a
// line break and indent (elem; newline without comma) and the same followed by each
// key (key).
type lines struct {
	elem [maxIndent + 1][2]line
	key  [maxIndent + 1][nKeys][2]line
}

func (l *line) set(s string) {
	l.n, l.s = len(s), s
	if len(s) <= fixedMax {
		copy(l.b[:], s)
	}
}

// setBytes is set of a copy of b.
func (l *line) setBytes(b []byte) {
	l.n = len(b)
	if len(b) <= fixedMax {
		copy(l.b[:], b)
		l.s = ""
		return
	}
	l.s = string(b)
}

// put appends l.
func (e *userJSON) put(l *line) {
	if l.n > fixedMax {
		e.b = append(e.b, l.s...)
		return
	}
	if cap(e.b)-len(e.b) < fixedMax {
		e.b = slices.Grow(e.b, fixedMax)
	}
	i := len(e.b)
	*(*[fixedMax]byte)(e.b[i : i+fixedMax]) = l.b
	e.b = e.b[:i+l.n]
}

// indent returns the line break and indent at depth d (<= maxIndent), after a comma
// when comma is 0.
func (e *userJSON) indent(d, comma int) string {
	return ",\n"[comma:] + e.prefix + strings.Repeat("  ", d)
}

// brk appends a line break and the indent of the current depth, after a comma unless
// comma is 1.
func (e *userJSON) brk(comma int) {
	if e.ls == nil {
		e.ls = new(lines)
	}
	d := e.depth
	if d > maxIndent {
		e.b = append(e.b, e.indent(0, comma)...)
		for range d {
			e.b = append(e.b, ' ', ' ')
		}
		return
	}
	l := &e.ls.elem[d][comma]
	if l.n == 0 {
		l.set(e.indent(d, comma))
	}
	e.put(l)
}

func (e *userJSON) newline() { e.brk(1) }

func (e *userJSON) open(c byte) {
	e.b = append(e.b, c)
	e.depth++
	e.empty = true
}

func (e *userJSON) close(c byte) {
	e.depth--
	if !e.empty {
		e.newline()
	}
	e.b = append(e.b, c)
	e.empty = false
}

// elem starts an array element.
func (e *userJSON) elem() {
	e.brk(btoi(e.empty))
	e.empty = false
}

// key starts an object member: a comma unless it is the first, the line break, the
// indent and the key quoted, with its colon and space, in one append of a line made
// once per key and depth.
func (e *userJSON) key(k jsonKey) {
	d := e.depth
	if d > maxIndent || e.ls == nil {
		e.elem()
		e.b = append(e.b, '"')
		e.b = append(e.b, keyNames[k]...)
		e.b = append(e.b, '"', ':', ' ')
		return
	}
	comma := btoi(e.empty)
	l := &e.ls.key[d][k][comma]
	if l.n == 0 {
		l.set(e.indent(d, comma) + `"` + keyNames[k] + `": `)
	}
	e.empty = false
	e.put(l)
}

// str appends s as encoding/json does with HTML escaping: <, > and & as \u003c, \u003e
// and \u0026. A string of printable ASCII but those and '"' and '\\' is copied as it is;
// anything else is jsontext's. The copy is made as the string is checked (a test of
// a word at a time, each word stored once it is loaded), into room made once: the
// values that change from user to user (IDs, names, e-mails) go this way, and a check, a
// memmove call and three appends each cost more than the copy.
func (e *userJSON) str(s string) {
	n := len(s)
	at := len(e.b)
	if cap(e.b)-at < n+2 {
		e.b = slices.Grow(e.b, n+2)
	}
	d := e.b[at : at+n+2]
	d[0] = '"'
	d[n+1] = '"'
	t := d[1 : n+1]
	if n < 8 {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if !plainHTMLByte[c] {
				e.b = jsontext.AppendStringHTML(e.b[:at], s)
				return
			}
			t[i] = c
		}
		e.b = e.b[:at+n+2]
		return
	}
	var m uint64
	for i := 0; ; i += 8 {
		if i > n-8 {
			i = n - 8 // the last word overlaps the one before; its store writes the same bytes again
		}
		w := s[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		// '"' (0x22) and '&' (0x26) are the bytes that are 0x26 with bit 2 set, '<'
		// (0x3c) and '>' (0x3e) those that are 0x3e with bit 1 set: three tests for five
		// bytes.
		qa, lg, bs := (x|0x04*wordLSB)^'&'*wordLSB, (x|0x02*wordLSB)^'>'*wordLSB, x^'\\'*wordLSB
		m |= x | (x-0x20*wordLSB)&^x | (qa-wordLSB)&^qa | (lg-wordLSB)&^lg | (bs-wordLSB)&^bs
		binary.LittleEndian.PutUint64(t[i:i+8], x)
		if i == n-8 {
			break
		}
	}
	if m&wordMSB != 0 {
		e.b = jsontext.AppendStringHTML(e.b[:at], s)
		return
	}
	e.b = e.b[:at+n+2]
}

// The high bit of a byte of m marks a byte of x (8 bytes of the string, little-endian)
// from 0x80 up, below 0x20 (x - 0x20 borrows in it) or equal to one of the escaped
// characters (x, with a bit set that tells two of them apart, ^ c has a zero byte there). A borrow may mark a byte above a marked one
// as well, which only sends the string the long way; no byte that needs escaping goes
// unmarked.
const (
	wordLSB = 0x0101010101010101
	wordMSB = 0x8080808080808080
)

// plainHTMLByte marks the bytes str copies as they are.
var plainHTMLByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// The walk: each step appends to the trace (and a value to vals); emit and replay
// turn the trace into bytes.

func (e *userJSON) tKey(k jsonKey) { e.trace = append(e.trace, byte(k)) }
func (e *userJSON) tOp(op byte)    { e.trace = append(e.trace, op) }

func (e *userJSON) tStr(s string) {
	e.trace = append(e.trace, opVal)
	e.vals = append(e.vals, s)
}

func (e *userJSON) field(k jsonKey, v string) {
	e.trace = append(e.trace, opField|byte(k))
	e.vals = append(e.vals, v)
}

func (e *userJSON) omitEmpty(k jsonKey, v string) {
	if v != "" {
		e.field(k, v)
	}
}

func (e *userJSON) strs(k jsonKey, v []string, omitEmpty bool) {
	if omitEmpty && len(v) == 0 {
		return
	}
	e.tKey(k)
	if v == nil {
		e.tOp(opNull)
		return
	}
	e.tOp(opArray)
	for _, s := range v {
		e.tOp(opElem)
		e.tStr(s)
	}
	e.tOp(opEndArray)
}

// objects notes v, unless it is empty, as an array of objects at k: each object's
// members noted by members.
func objects[T any](e *userJSON, k jsonKey, v []T, members func(*T)) {
	if len(v) == 0 {
		return
	}
	e.tKey(k)
	e.tOp(opArray)
	for i := range v {
		e.tOp(opElem)
		e.tOp(opObject)
		members(&v[i])
		e.tOp(opEndObject)
	}
	e.tOp(opEndArray)
}

func (e *userJSON) telecoms(k jsonKey, v []Telecom) {
	objects(e, k, v, func(t *Telecom) {
		e.field(kType, t.Type)
		e.field(kValue, t.Value)
	})
}

func (e *userJSON) addresses(k jsonKey, v []Address) {
	objects(e, k, v, func(a *Address) {
		e.strs(kStreetNames, a.StreetNames, true)
		e.omitEmpty(kHouseNumber, a.HouseNumber)
		e.omitEmpty(kCity, a.City)
		e.omitEmpty(kStateProv, a.StateProv)
		e.omitEmpty(kCountry, a.Country)
		e.omitEmpty(kPostalCode, a.PostalCode)
		e.omitEmpty(kOtherText, a.OtherText)
		e.omitEmpty(kLongitude, a.Longitude)
		e.omitEmpty(kLatitude, a.Latitude)
		e.omitEmpty(kAltitude, a.Altitude)
	})
}

func (e *userJSON) attrs(k jsonKey, v []Attr) {
	if len(v) == 0 {
		return
	}
	e.tKey(k)
	e.tOp(opArray)
	for _, a := range v {
		e.trace = append(e.trace, opAttr)
		e.vals = append(e.vals, a.Space, a.Name, a.Value)
	}
	e.tOp(opEndArray)
}

// user appends the JSON of u.
func (e *userJSON) user(u *User) {
	e.trace, e.vals = e.trace[:0], e.vals[:0]
	e.walk(u)
	e.write()
}

// site appends the JSON of s (a large export has a site for every few dozen users, of
// one shape as its users are).
func (e *userJSON) site(s *Site) {
	e.trace, e.vals = e.trace[:0], e.vals[:0]
	e.walkSite(s)
	e.write()
}

// write writes the value traced: from the last shape's pieces when it has that shape.
// A value of more than maxShapeValues values is written without being kept as a shape:
// replay keeps some 200 bytes a value (its place), and a user that large (one assigned to
// each of 80,000 sites: 226 MB of places, 615 MB peak for map --to json) is of a shape of
// its own that no other user repeats.
func (e *userJSON) write() {
	switch {
	case string(e.trace) == string(e.shape):
		e.replay()
	case len(e.vals) > maxShapeValues:
		e.emit(false)
	default:
		e.emit(true)
	}
}

// maxShapeValues is the most values of a shape that replay keeps.
const maxShapeValues = 4096

// walkSite notes s's trace and values in the order of its JSON.
func (e *userJSON) walkSite(s *Site) {
	e.tOp(opObject)
	e.field(kId, s.ID)
	e.field(kName, s.Name)
	e.omitEmpty(kType, s.Type)
	e.field(kNumber, s.Number)
	e.field(kCountry, s.Country)
	e.omitEmpty(kTimeZone, s.TimeZone)
	e.omitEmpty(kLocale, s.Locale)
	e.tKey(kActive)
	if s.Active {
		e.tOp(opTrue)
	} else {
		e.tOp(opFalse)
	}
	e.omitEmpty(kOrganization, s.Organization)
	e.omitEmpty(kDescription, s.Description)
	objects(e, kVersions, s.Versions, func(v *StudyVersion) {
		e.field(kStudy, v.Study)
		e.field(kVersion, v.Version)
		e.field(kEffective, v.Effective)
		e.omitEmpty(kNumber, v.Number)
	})
	e.addresses(kAddresses, s.Addresses)
	e.telecoms(kTelecoms, s.Telecoms)
	e.omitEmpty(kStudy, s.Study)
	e.source(s.Source)
	e.tOp(opEndObject)
}

// walk notes u's trace and values in the order of its JSON.
func (e *userJSON) walk(u *User) {
	e.tOp(opObject)
	e.field(kId, u.ID)
	e.field(kLogin, u.Login)
	e.field(kDisplayName, u.DisplayName)
	e.omitEmpty(kFullName, u.FullName)
	e.field(kGivenName, u.GivenName)
	e.field(kFamilyName, u.FamilyName)
	e.omitEmpty(kPrefix, u.Prefix)
	e.omitEmpty(kSuffix, u.Suffix)
	e.strs(kEmails, u.Emails, false)
	e.strs(kPhones, u.Phones, false)
	e.strs(kFaxes, u.Faxes, true)
	e.omitEmpty(kPager, u.Pager)
	e.telecoms(kTelecoms, u.Telecoms)
	e.omitEmpty(kOrganization, u.Organization)
	e.omitEmpty(kOrganizationId, u.OrganizationID)
	e.addresses(kAddresses, u.Addresses)
	e.strs(kCertificates, u.Certificates, true)
	if p := u.Picture; p != nil {
		e.tKey(kPicture)
		e.tOp(opObject)
		e.omitEmpty(kFile, p.File)
		e.omitEmpty(kType, p.Type)
		e.omitEmpty(kHref, p.Href)
		e.omitEmpty(kMimeType, p.MIMEType)
		e.tOp(opEndObject)
	}
	e.omitEmpty(kLocale, u.Locale)
	e.omitEmpty(kType, u.Type)
	e.field(kCategory, string(u.Category))
	e.field(kStatus, string(u.Status))
	if u.External {
		e.tKey(kExternal)
		e.tOp(opTrue)
	}
	e.tKey(kGroups)
	if u.Groups == nil {
		e.tOp(opNull)
	} else {
		e.tOp(opArray)
		for i := range u.Groups {
			e.group(&u.Groups[i])
		}
		e.tOp(opEndArray)
	}
	e.tKey(kAssignments)
	if u.Assignments == nil {
		e.tOp(opNull)
	} else {
		e.tOp(opArray)
		for i := range u.Assignments {
			a := &u.Assignments[i]
			e.assignment(a)
		}
		e.tOp(opEndArray)
	}
	e.source(u.Source)
	e.tOp(opEndObject)
}

// group notes one element of a user's groups, as writeUser and the records' writer
// (recordjson.go) both write it.
func (e *userJSON) group(g *GroupRef) {
	e.tOp(opElem)
	e.tOp(opObject)
	e.omitEmpty(kId, g.ID)
	e.omitEmpty(kName, g.Name)
	e.omitEmpty(kType, g.Type)
	e.tOp(opEndObject)
}

// assignment notes one element of a user's assignments, as writeUser and the records'
// writer (recordjson.go) both write it.
func (e *userJSON) assignment(a *Assignment) {
	e.tOp(opElem)
	e.tOp(opObject)
	e.field(kStudy, a.Study)
	e.field(kSite, a.Site)
	e.tKey(kRole)
	e.tOp(opObject)
	e.field(kName, a.Role.Name)
	e.field(kCanonical, string(a.Role.Canonical))
	e.tOp(opEndObject)
	e.field(kScope, string(a.Scope))
	e.field(kEnvironment, string(a.Environment))
	e.field(kFrom, a.From)
	e.field(kTo, a.To)
	e.strs(kDepots, a.Depots, true)
	e.tOp(opEndObject)
}

// source notes a Source (nil: none, it is omitted).
func (e *userJSON) source(s *Source) {
	if s != nil {
		e.tKey(kSource)
		e.tOp(opObject)
		e.field(kVendor, string(s.Vendor))
		if len(s.IDs) > 0 {
			e.tKey(kIds)
			e.tOp(opObject)
			keys := make([]string, 0, len(s.IDs))
			for k := range s.IDs {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				e.tOp(opElem)
				e.tStr(k)
				e.tOp(opColon)
				e.tStr(s.IDs[k])
			}
			e.tOp(opEndObject)
		}
		e.attrs(kAttrs, s.Attrs)
		e.strs(kElements, s.Elements, true)
		e.strs(kStudies, s.Studies, true)
		e.omitEmpty(kRolesFor, string(s.RolesFor))
		objects(e, kVariants, s.Variants, func(v *Variant) {
			e.field(kStudy, v.Study)
			e.omitEmpty(kNs, v.Space)
			e.field(kName, v.Name)
			e.field(kValue, v.Value)
		})
		e.tOp(opEndObject)
	}
}

// emit writes the user traced piece by piece; with keep, it keeps its trace and the
// pieces between its values for replay, else it leaves the shape kept before.
func (e *userJSON) emit(keep bool) {
	if keep {
		e.shape = append(e.shape[:0], e.trace...)
		e.text, e.pieceEnd, e.valueEnd = e.text[:0], e.pieceEnd[:0], e.valueEnd[:0]
		e.places, e.check = e.places[:0], e.check[:0]
	}
	from := len(e.b)
	vi := 0
	val := func() {
		if !keep {
			e.str(e.vals[vi])
			vi++
			return
		}
		e.text = append(e.text, e.b[from:]...)
		e.pieceEnd = append(e.pieceEnd, int32(len(e.text)))
		s := e.vals[vi]
		at := len(e.b)
		e.str(s)
		e.text = append(e.text, e.b[at:]...)
		e.valueEnd = append(e.valueEnd, int32(len(e.text)))
		e.places = append(e.places, place{s: e.kept(s)})
		vi++
		from = len(e.b)
	}
	for k := 0; k < len(e.trace); k++ {
		op := e.trace[k]
		if op&opField != 0 {
			e.key(jsonKey(op &^ opField))
			val()
			continue
		}
		switch op {
		case opObject:
			e.open('{')
		case opArray:
			e.open('[')
		case opEndObject:
			e.close('}')
		case opEndArray:
			e.close(']')
		case opElem:
			e.elem()
		case opVal:
			val()
		case opAttr:
			e.elem()
			e.open('{')
			e.key(kNs)
			val()
			e.key(kName)
			val()
			e.key(kValue)
			val()
			e.close('}')
		case opSchema:
			si := binary.LittleEndian.Uint32(e.trace[k+1 : k+5])
			k += 4
			for _, a := range e.schemas[si].attrs {
				e.elem()
				e.open('{')
				e.key(kNs)
				e.str(a.Space)
				e.key(kName)
				e.str(a.Name)
				e.key(kValue)
				val()
				e.close('}')
			}
		case opNull:
			e.b = append(e.b, "null"...)
		case opTrue:
			e.b = append(e.b, "true"...)
		case opFalse:
			e.b = append(e.b, "false"...)
		case opColon:
			e.b = append(e.b, ':', ' ')
		default:
			e.key(jsonKey(op))
		}
	}
	if !keep {
		return
	}
	e.text = append(e.text, e.b[from:]...)
	e.pieceEnd = append(e.pieceEnd, int32(len(e.text)))
	e.compile()
}

// compile makes the program replay runs from the places' states: the pieces, with the
// stable values between them, up to each value that is not stable.
func (e *userJSON) compile() {
	e.recompile = false
	e.segs, e.segText, e.check = e.segs[:0], e.segText[:0], e.check[:0]
	start := int32(0) // of the next piece in text
	for i := range e.places {
		e.segText = append(e.segText, e.text[start:e.pieceEnd[i]]...)
		start = e.valueEnd[i]
		switch p := &e.places[i]; p.state {
		case placeStable:
			e.segText = append(e.segText, e.text[e.pieceEnd[i]:start]...)
			e.check = append(e.check, checkPlace{s: p.s, i: int32(i)})
			continue
		case placeUnknown:
			e.check = append(e.check, checkPlace{s: p.s, i: int32(i), unknown: true})
		}
		e.segs = append(e.segs, segment{end: int32(len(e.segText)), place: int32(i), uncached: e.places[i].uncached})
	}
	// The tail: the stable values and pieces after the last segment, and the last piece.
	last := int32(0)
	if n := len(e.segs); n > 0 {
		last = e.segs[n-1].end
	}
	e.segText = append(e.segText, e.text[start:]...)
	// Room for replay's copies of fixedMax bytes at any segment's start.
	e.segText = slices.Grow(e.segText, fixedMax)
	e.tail = e.segText[last:]
}

// replay writes the user traced, whose shape is the last one rendered: the values that
// were not known to be stable are compared first (a change of their states recompiles
// the program), then the program's segments and the values between them are written.
func (e *userJSON) replay() {
	changed := false
	vals := e.vals[:len(e.places)]
	for k := range e.check {
		c := &e.check[k]
		v := vals[c.i]
		switch {
		case len(v) != len(c.s):
			e.places[c.i].state, changed = placeVolatile, true
			continue
		case len(v) == 0 || unsafe.StringData(v) == unsafe.StringData(c.s):
		case v != c.s:
			e.places[c.i].state, changed = placeVolatile, true
			continue
		case e.reused == nil || !e.reused(v):
			// Equal, in other memory: the value now at the place is kept instead (as
			// kept keeps a value), so that the next user's, the same string as a rule
			// (a city or a study the builder shares), is equal by its address. The
			// first user's value is a copy of its own, and each user after it was
			// compared byte by byte.
			c.s, e.places[c.i].s = v, v
		}
		if c.unknown {
			e.places[c.i].state, changed = placeStable, true
		}
	}
	if changed {
		e.compile()
	}
	// segText has fixedMax bytes of room past its end (compile), so that a segment that
	// short is copied as one array of fixedMax bytes: a few moves instead of a memmove
	// call, for the 20 to 30 segments of a user, most of them a key or two.
	seg := e.segText[:cap(e.segText)]
	e.sameAt = -1
	from := int32(0)
	for _, sg := range e.segs {
		if n := sg.end - from; n <= fixedMax {
			if cap(e.b)-len(e.b) < fixedMax {
				e.b = slices.Grow(e.b, fixedMax)
			}
			i := len(e.b)
			// Through a local: an array copied from one slice to another is a memmove
			// call (they might overlap), through a local it is six moves each way.
			t := *(*[fixedMax]byte)(seg[from : from+fixedMax])
			*(*[fixedMax]byte)(e.b[i : i+fixedMax]) = t
			e.b = e.b[:i+int(n)]
		} else {
			e.b = append(e.b, seg[from:sg.end]...)
		}
		from = sg.end
		if v := vals[sg.place]; sg.uncached {
			e.strOnce(v)
		} else {
			e.volatile(&e.places[sg.place], v)
		}
	}
	e.b = append(e.b, e.tail...)
	if e.recompile {
		e.compile()
	}
}

// samePlace reports whether a value v equals s, the value at its place: the same string
// data is equal without a look at the bytes (namespaces, attribute names, a vendor, a
// study: values that stay at their place mostly are the same string, a constant or a
// copy the builder shares), where a comparison would call memequal for each.
func samePlace(v, s string) bool {
	if len(v) != len(s) {
		return false
	}
	return len(v) == 0 || unsafe.StringData(v) == unsafe.StringData(s) || v == s
}

// strOnce appends v as str does, as a copy of its JSON when the value written just
// before it in this user (by strOnce) was the same string data: a login that is the ID,
// a full name that is the display name (the builder's records give both as one string).
func (e *userJSON) strOnce(v string) {
	if e.sameAt >= 0 && len(v) == len(e.sameV) && len(v) > 0 && unsafe.StringData(v) == unsafe.StringData(e.sameV) {
		e.b = append(e.b, e.b[e.sameAt:e.sameEnd]...)
		return
	}
	at := len(e.b)
	e.str(v)
	e.sameV, e.sameAt, e.sameEnd = v, at, len(e.b)
}
