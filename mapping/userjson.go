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
	nl     string // "\n", prefix and maxIndent levels of indent (made on first use)
	// The last namespace and attribute names written, as given and escaped (quotes
	// included), so that a repeated one is copied rather than escaped again.
	ns    quoted
	names [8]quoted
}

// maxIndent is the deepest level nl covers; deeper ones (none in a User) are appended
// piecewise.
const maxIndent = 8

// quoted is a string and its JSON form.
type quoted struct {
	s string
	q []byte
}

func (e *userJSON) newline() {
	if e.nl == "" {
		e.nl = "\n" + e.prefix + strings.Repeat("  ", maxIndent)
	}
	if e.depth <= maxIndent {
		e.b = append(e.b, e.nl[:1+len(e.prefix)+2*e.depth]...)
		return
	}
	e.b = append(e.b, e.nl...)
	for range e.depth - maxIndent {
		e.b = append(e.b, ' ', ' ')
	}
}

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
	if !e.empty {
		e.b = append(e.b, ',')
	}
	e.empty = false
	e.newline()
}

// key starts an object member: k is the key quoted, with its colon and space.
func (e *userJSON) key(k string) {
	e.elem()
	e.b = append(e.b, k...)
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
	for i := 0; ; i += 8 {
		if i > len(s)-8 {
			i = len(s) - 8
		}
		w := s[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		if !plainWord(x) {
			return false
		}
		if i == len(s)-8 {
			return true
		}
	}
}

// plainWord is plainJSON for the 8 bytes of x (little-endian). The high bit of a byte of
// m marks a byte from 0x80 up, one below 0x20 (x - 0x20 borrows in it) or one equal to
// an escaped character (zero(x ^ c) has it where x has c). A borrow may mark a byte
// above a marked one as well, which only sends the string the long way; no byte that
// needs escaping goes unmarked.
func plainWord(x uint64) bool {
	const (
		lsb = 0x0101010101010101
		msb = 0x8080808080808080
	)
	zero := func(v uint64) uint64 { return (v - lsb) &^ v }
	ctl := (x - 0x20*lsb) &^ x
	m := x | ctl | zero(x^'"'*lsb) | zero(x^'\\'*lsb) | zero(x^'<'*lsb) | zero(x^'>'*lsb) | zero(x^'&'*lsb)
	return m&msb == 0
}

// plainHTMLByte marks the bytes plainJSON lets through.
var plainHTMLByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// strAs appends s as str does, through c: while s is the string c was made for, its JSON
// is copied.
func (e *userJSON) strAs(c *quoted, s string) {
	if s != c.s || c.q == nil {
		// A copy: s may be in a block of text the builder lets go of.
		c.s = strings.Clone(s)
		c.q = jsontext.AppendStringHTML(c.q[:0], s)
	}
	e.b = append(e.b, c.q...)
}

func (e *userJSON) field(k, v string) {
	e.key(k)
	e.str(v)
}

func (e *userJSON) omitEmpty(k, v string) {
	if v != "" {
		e.field(k, v)
	}
}

func (e *userJSON) strs(k string, v []string, omitEmpty bool) {
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

func (e *userJSON) telecoms(k string, v []Telecom) {
	if len(v) == 0 {
		return
	}
	e.key(k)
	e.open('[')
	for _, t := range v {
		e.elem()
		e.open('{')
		e.field(`"type": `, t.Type)
		e.field(`"value": `, t.Value)
		e.close('}')
	}
	e.close(']')
}

func (e *userJSON) addresses(k string, v []Address) {
	if len(v) == 0 {
		return
	}
	e.key(k)
	e.open('[')
	for i := range v {
		a := &v[i]
		e.elem()
		e.open('{')
		e.strs(`"streetNames": `, a.StreetNames, true)
		e.omitEmpty(`"houseNumber": `, a.HouseNumber)
		e.omitEmpty(`"city": `, a.City)
		e.omitEmpty(`"stateProv": `, a.StateProv)
		e.omitEmpty(`"country": `, a.Country)
		e.omitEmpty(`"postalCode": `, a.PostalCode)
		e.omitEmpty(`"otherText": `, a.OtherText)
		e.omitEmpty(`"longitude": `, a.Longitude)
		e.omitEmpty(`"latitude": `, a.Latitude)
		e.omitEmpty(`"altitude": `, a.Altitude)
		e.close('}')
	}
	e.close(']')
}

func (e *userJSON) attrs(k string, v []Attr) {
	if len(v) == 0 {
		return
	}
	e.key(k)
	e.open('[')
	for i, a := range v {
		e.elem()
		e.open('{')
		e.key(`"ns": `)
		e.strAs(&e.ns, a.Space)
		e.key(`"name": `)
		if i < len(e.names) {
			e.strAs(&e.names[i], a.Name)
		} else {
			e.str(a.Name)
		}
		e.field(`"value": `, a.Value)
		e.close('}')
	}
	e.close(']')
}

func (e *userJSON) user(u *User) {
	e.open('{')
	e.field(`"id": `, u.ID)
	e.field(`"login": `, u.Login)
	e.field(`"displayName": `, u.DisplayName)
	e.omitEmpty(`"fullName": `, u.FullName)
	e.field(`"givenName": `, u.GivenName)
	e.field(`"familyName": `, u.FamilyName)
	e.omitEmpty(`"prefix": `, u.Prefix)
	e.omitEmpty(`"suffix": `, u.Suffix)
	e.strs(`"emails": `, u.Emails, false)
	e.strs(`"phones": `, u.Phones, false)
	e.strs(`"faxes": `, u.Faxes, true)
	e.omitEmpty(`"pager": `, u.Pager)
	e.telecoms(`"telecoms": `, u.Telecoms)
	e.omitEmpty(`"organization": `, u.Organization)
	e.omitEmpty(`"organizationId": `, u.OrganizationID)
	e.addresses(`"addresses": `, u.Addresses)
	e.strs(`"certificates": `, u.Certificates, true)
	if p := u.Picture; p != nil {
		e.key(`"picture": `)
		e.open('{')
		e.omitEmpty(`"file": `, p.File)
		e.omitEmpty(`"type": `, p.Type)
		e.omitEmpty(`"href": `, p.Href)
		e.omitEmpty(`"mimeType": `, p.MIMEType)
		e.close('}')
	}
	e.omitEmpty(`"locale": `, u.Locale)
	e.omitEmpty(`"type": `, u.Type)
	e.field(`"category": `, string(u.Category))
	e.field(`"status": `, string(u.Status))
	if u.External {
		e.key(`"external": `)
		e.b = append(e.b, "true"...)
	}
	e.key(`"groups": `)
	if u.Groups == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.open('[')
		for _, g := range u.Groups {
			e.elem()
			e.open('{')
			e.omitEmpty(`"id": `, g.ID)
			e.omitEmpty(`"name": `, g.Name)
			e.omitEmpty(`"type": `, g.Type)
			e.close('}')
		}
		e.close(']')
	}
	e.key(`"assignments": `)
	if u.Assignments == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.open('[')
		for i := range u.Assignments {
			a := &u.Assignments[i]
			e.elem()
			e.open('{')
			e.field(`"study": `, a.Study)
			e.field(`"site": `, a.Site)
			e.key(`"role": `)
			e.open('{')
			e.field(`"name": `, a.Role.Name)
			e.field(`"canonical": `, string(a.Role.Canonical))
			e.close('}')
			e.field(`"scope": `, string(a.Scope))
			e.field(`"environment": `, string(a.Environment))
			e.field(`"from": `, a.From)
			e.field(`"to": `, a.To)
			e.strs(`"depots": `, a.Depots, true)
			e.close('}')
		}
		e.close(']')
	}
	if s := u.Source; s != nil {
		e.key(`"source": `)
		e.open('{')
		e.field(`"vendor": `, string(s.Vendor))
		if len(s.IDs) > 0 {
			e.key(`"ids": `)
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
		e.attrs(`"attrs": `, s.Attrs)
		e.strs(`"elements": `, s.Elements, true)
		e.strs(`"studies": `, s.Studies, true)
		e.omitEmpty(`"rolesFor": `, string(s.RolesFor))
		e.close('}')
	}
	e.close('}')
}
