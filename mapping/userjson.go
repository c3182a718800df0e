package mapping

import (
	"slices"
	"strings"

	"github.com/odmadmin/odmadmin/internal/jsontext"
)

// userJSON appends the JSON of users as json.Encoder with SetIndent(prefix, "  ") and
// HTML escaping on (its default) writes it, without reflection: WriteJSON writes a
// million users, and encoding/json spent more time on them than reading them took. The
// field order, names and omitempty rules are those of the struct tags in model.go;
// TestUserJSONMatchesEncoder holds the two to the same bytes.
//
// It is the larger part of what map --to json adds to reading, so it appends in as few
// steps as it can: a line break and its indent are one append of a slice of nl, a key
// comes quoted (the call sites write `"id": `), a string that needs no escaping (most
// do not) is checked eight bytes at a time and copied, and the values that repeat from
// attribute to attribute and user to user (namespace URIs, attribute names) are escaped
// once and copied while they repeat.
type userJSON struct {
	b      []byte
	prefix string
	depth  int
	empty  bool   // nothing written yet in the object or array just opened
	ls     *lines // made on first use
	// The last namespace and attribute names written, as given and escaped (quotes
	// included), so that a repeated one is copied rather than escaped again.
	ns    quoted
	names [8]quoted
	// The JSON of the first attributes up to their values (line breaks, keys, namespace
	// and name) and of their last values, by position: the attributes of a large export
	// repeat from user to user, and each is a dozen appends made one.
	attrHeads [8]attrHead
	// The last values of the fields that take a few values in a whole export (a
	// vocabulary, a study, a role), as written: copied while they repeat.
	vals [nVals]quoted
}

// Slots of userJSON.vals.
const (
	vLocale = iota
	vType
	vCategory
	vStatus
	vStudy
	vRoleName
	vCanonical
	vScope
	vEnvironment
	vVendor
	vGroupName // and on, by position
	vGroupType = vGroupName + nGroupVals
	nVals      = vGroupType + nGroupVals
	nGroupVals = 4
)

// attrHead is the JSON of an attribute of a given namespace and name at a given depth, up
// to its value, and the last value written after it.
type attrHead struct {
	space, name string
	depth       int
	q           []byte
	value       quoted
}

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
// anything else is jsontext's.
func (e *userJSON) str(s string) {
	if !plainJSON(s) {
		e.b = jsontext.AppendStringHTML(e.b, s)
		return
	}
	e.b = append(e.b, '"')
	e.b = append(e.b, s...)
	e.b = append(e.b, '"')
}

// plainJSON reports whether s is all printable ASCII that a JSON string with HTML
// escaping carries as it is: no control character, '"', '\\', '<', '>', '&' or byte from
// 0x80 up. It reads eight bytes at a time (the last eight overlap the ones before when
// the length is not a multiple of eight).
func plainJSON(s string) bool {
	if len(s) < 8 {
		for i := 0; i < len(s); i++ {
			if !plainHTMLByte[s[i]] {
				return false
			}
		}
		return true
	}
	var m uint64
	for i := 0; ; i += 8 {
		if i > len(s)-8 {
			i = len(s) - 8
		}
		w := s[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		q, bs, lt, gt, amp := x^'"'*wordLSB, x^'\\'*wordLSB, x^'<'*wordLSB, x^'>'*wordLSB, x^'&'*wordLSB
		m |= x | (x-0x20*wordLSB)&^x | (q-wordLSB)&^q | (bs-wordLSB)&^bs | (lt-wordLSB)&^lt | (gt-wordLSB)&^gt | (amp-wordLSB)&^amp
		if i == len(s)-8 {
			return m&wordMSB == 0
		}
	}
}

// The high bit of a byte of m marks a byte of x (8 bytes of the string, little-endian)
// from 0x80 up, below 0x20 (x - 0x20 borrows in it) or equal to one of the escaped
// characters (x ^ c has a zero byte there). A borrow may mark a byte above a marked one
// as well, which only sends the string the long way; no byte that needs escaping goes
// unmarked.
const (
	wordLSB = 0x0101010101010101
	wordMSB = 0x8080808080808080
)

// plainHTMLByte marks the bytes plainJSON lets through.
var plainHTMLByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// strAs appends s as str does, through c: while s is the string c was made for, its JSON
// is copied. The string is kept as it is given (the namespaces and names of a directory
// are shared by its users, so that comparing them is a comparison of pointers); what c
// holds on to is bounded by the few strings it caches.
func (e *userJSON) strAs(c *quoted, s string) {
	if s != c.s || c.q == nil {
		c.s = s
		c.q = jsontext.AppendStringHTML(c.q[:0], s)
	}
	e.b = append(e.b, c.q...)
}

// fieldAs is field with the value written through the slot's cache (strAs).
func (e *userJSON) fieldAs(k jsonKey, slot int, v string) {
	e.key(k)
	e.strAs(&e.vals[slot], v)
}

func (e *userJSON) omitEmptyAs(k jsonKey, slot int, v string) {
	if v != "" {
		e.fieldAs(k, slot, v)
	}
}

func (e *userJSON) field(k jsonKey, v string) {
	e.key(k)
	e.str(v)
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
	e.key(k)
	if v == nil {
		e.b = append(e.b, "null"...)
		return
	}
	e.open('[')
	for _, s := range v {
		e.elem()
		e.str(s)
	}
	e.close(']')
}

func (e *userJSON) telecoms(k jsonKey, v []Telecom) {
	if len(v) == 0 {
		return
	}
	e.key(k)
	e.open('[')
	for _, t := range v {
		e.elem()
		e.open('{')
		e.field(kType, t.Type)
		e.field(kValue, t.Value)
		e.close('}')
	}
	e.close(']')
}

func (e *userJSON) addresses(k jsonKey, v []Address) {
	if len(v) == 0 {
		return
	}
	e.key(k)
	e.open('[')
	for i := range v {
		a := &v[i]
		e.elem()
		e.open('{')
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
		e.close('}')
	}
	e.close(']')
}

func (e *userJSON) attrs(k jsonKey, v []Attr) {
	if len(v) == 0 {
		return
	}
	e.key(k)
	e.open('[')
	for i, a := range v {
		if i < len(e.attrHeads) {
			e.attrCached(&e.attrHeads[i], i, a)
			continue
		}
		e.elem()
		e.open('{')
		e.key(kNs)
		e.strAs(&e.ns, a.Space)
		e.key(kName)
		if i < len(e.names) {
			e.strAs(&e.names[i], a.Name)
		} else {
			e.str(a.Name)
		}
		e.field(kValue, a.Value)
		e.close('}')
	}
	e.close(']')
}

// attrCached writes attribute a, the i-th, through h: what comes before its value is
// copied while the namespace, name and depth are h's, and so is the value while it repeats
// h's last one; else they are written as attrs writes them and kept in h.
func (e *userJSON) attrCached(h *attrHead, i int, a Attr) {
	d := e.depth
	if h.q != nil && h.depth == d && h.space == a.Space && h.name == a.Name {
		e.b = append(e.b, h.q...)
		e.depth++
		e.empty = false
	} else {
		at := len(e.b)
		e.elem()
		e.open('{')
		e.key(kNs)
		e.strAs(&e.ns, a.Space)
		e.key(kName)
		e.strAs(&e.names[i], a.Name)
		e.key(kValue)
		h.space, h.name, h.depth = a.Space, a.Name, d
		h.q = append(h.q[:0], e.b[at:]...)
	}
	if c := &h.value; c.q != nil && c.s == a.Value {
		e.b = append(e.b, c.q...)
	} else {
		at := len(e.b)
		e.str(a.Value)
		c.s, c.q = a.Value, append(c.q[:0], e.b[at:]...)
	}
	e.close('}')
}

func (e *userJSON) user(u *User) {
	e.open('{')
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
		e.key(kPicture)
		e.open('{')
		e.omitEmpty(kFile, p.File)
		e.omitEmpty(kType, p.Type)
		e.omitEmpty(kHref, p.Href)
		e.omitEmpty(kMimeType, p.MIMEType)
		e.close('}')
	}
	e.omitEmptyAs(kLocale, vLocale, u.Locale)
	e.omitEmptyAs(kType, vType, u.Type)
	e.fieldAs(kCategory, vCategory, string(u.Category))
	e.fieldAs(kStatus, vStatus, string(u.Status))
	if u.External {
		e.key(kExternal)
		e.b = append(e.b, "true"...)
	}
	e.key(kGroups)
	if u.Groups == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.open('[')
		for j, g := range u.Groups {
			e.elem()
			e.open('{')
			e.omitEmpty(kId, g.ID)
			if j < nGroupVals {
				e.omitEmptyAs(kName, vGroupName+j, g.Name)
				e.omitEmptyAs(kType, vGroupType+j, g.Type)
			} else {
				e.omitEmpty(kName, g.Name)
				e.omitEmpty(kType, g.Type)
			}
			e.close('}')
		}
		e.close(']')
	}
	e.key(kAssignments)
	if u.Assignments == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.open('[')
		for i := range u.Assignments {
			a := &u.Assignments[i]
			e.elem()
			e.open('{')
			e.fieldAs(kStudy, vStudy, a.Study)
			e.field(kSite, a.Site)
			e.key(kRole)
			e.open('{')
			e.fieldAs(kName, vRoleName, a.Role.Name)
			e.fieldAs(kCanonical, vCanonical, string(a.Role.Canonical))
			e.close('}')
			e.fieldAs(kScope, vScope, string(a.Scope))
			e.fieldAs(kEnvironment, vEnvironment, string(a.Environment))
			e.field(kFrom, a.From)
			e.field(kTo, a.To)
			e.strs(kDepots, a.Depots, true)
			e.close('}')
		}
		e.close(']')
	}
	if s := u.Source; s != nil {
		e.key(kSource)
		e.open('{')
		e.fieldAs(kVendor, vVendor, string(s.Vendor))
		if len(s.IDs) > 0 {
			e.key(kIds)
			e.open('{')
			keys := make([]string, 0, len(s.IDs))
			for k := range s.IDs {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				e.elem()
				e.str(k)
				e.b = append(e.b, ':', ' ')
				e.str(s.IDs[k])
			}
			e.close('}')
		}
		e.attrs(kAttrs, s.Attrs)
		e.strs(kElements, s.Elements, true)
		e.strs(kStudies, s.Studies, true)
		e.omitEmpty(kRolesFor, string(s.RolesFor))
		e.close('}')
	}
	e.close('}')
}
