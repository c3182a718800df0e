package mapping

import (
	"slices"

	"github.com/odmadmin/odmadmin/internal/jsontext"
)

// userJSON appends the JSON of users as json.Encoder with SetIndent(prefix, "  ") and
// HTML escaping on (its default) writes it, without reflection: WriteJSON writes a
// million users, and encoding/json spent more time on them than reading them took. The
// field order, names and omitempty rules are those of the struct tags in model.go;
// TestUserJSONMatchesEncoder holds the two to the same bytes.
type userJSON struct {
	b      []byte
	prefix string
	depth  int
	empty  bool // nothing written yet in the object or array just opened
}

func (e *userJSON) newline() {
	e.b = append(e.b, '\n')
	e.b = append(e.b, e.prefix...)
	for range e.depth {
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

// key starts an object member.
func (e *userJSON) key(k string) {
	e.elem()
	e.b = append(e.b, '"')
	e.b = append(e.b, k...)
	e.b = append(e.b, '"', ':', ' ')
}

// str appends s as encoding/json does with HTML escaping: <, > and & as \u003c, \u003e
// and \u0026.
func (e *userJSON) str(s string) {
	e.b = jsontext.AppendStringHTML(e.b, s)
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
		e.field("type", t.Type)
		e.field("value", t.Value)
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
		e.strs("streetNames", a.StreetNames, true)
		e.omitEmpty("houseNumber", a.HouseNumber)
		e.omitEmpty("city", a.City)
		e.omitEmpty("stateProv", a.StateProv)
		e.omitEmpty("country", a.Country)
		e.omitEmpty("postalCode", a.PostalCode)
		e.omitEmpty("otherText", a.OtherText)
		e.omitEmpty("longitude", a.Longitude)
		e.omitEmpty("latitude", a.Latitude)
		e.omitEmpty("altitude", a.Altitude)
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
	for _, a := range v {
		e.elem()
		e.open('{')
		e.field("ns", a.Space)
		e.field("name", a.Name)
		e.field("value", a.Value)
		e.close('}')
	}
	e.close(']')
}

func (e *userJSON) user(u *User) {
	e.open('{')
	e.field("id", u.ID)
	e.field("login", u.Login)
	e.field("displayName", u.DisplayName)
	e.omitEmpty("fullName", u.FullName)
	e.field("givenName", u.GivenName)
	e.field("familyName", u.FamilyName)
	e.omitEmpty("prefix", u.Prefix)
	e.omitEmpty("suffix", u.Suffix)
	e.strs("emails", u.Emails, false)
	e.strs("phones", u.Phones, false)
	e.strs("faxes", u.Faxes, true)
	e.omitEmpty("pager", u.Pager)
	e.telecoms("telecoms", u.Telecoms)
	e.omitEmpty("organization", u.Organization)
	e.omitEmpty("organizationId", u.OrganizationID)
	e.addresses("addresses", u.Addresses)
	e.strs("certificates", u.Certificates, true)
	if p := u.Picture; p != nil {
		e.key("picture")
		e.open('{')
		e.omitEmpty("file", p.File)
		e.omitEmpty("type", p.Type)
		e.omitEmpty("href", p.Href)
		e.omitEmpty("mimeType", p.MIMEType)
		e.close('}')
	}
	e.omitEmpty("locale", u.Locale)
	e.omitEmpty("type", u.Type)
	e.field("category", string(u.Category))
	e.field("status", string(u.Status))
	if u.External {
		e.key("external")
		e.b = append(e.b, "true"...)
	}
	e.key("groups")
	if u.Groups == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.open('[')
		for _, g := range u.Groups {
			e.elem()
			e.open('{')
			e.omitEmpty("id", g.ID)
			e.omitEmpty("name", g.Name)
			e.omitEmpty("type", g.Type)
			e.close('}')
		}
		e.close(']')
	}
	e.key("assignments")
	if u.Assignments == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.open('[')
		for i := range u.Assignments {
			a := &u.Assignments[i]
			e.elem()
			e.open('{')
			e.field("study", a.Study)
			e.field("site", a.Site)
			e.key("role")
			e.open('{')
			e.field("name", a.Role.Name)
			e.field("canonical", string(a.Role.Canonical))
			e.close('}')
			e.field("scope", string(a.Scope))
			e.field("environment", string(a.Environment))
			e.field("from", a.From)
			e.field("to", a.To)
			e.strs("depots", a.Depots, true)
			e.close('}')
		}
		e.close(']')
	}
	if s := u.Source; s != nil {
		e.key("source")
		e.open('{')
		e.field("vendor", string(s.Vendor))
		if len(s.IDs) > 0 {
			e.key("ids")
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
		e.attrs("attrs", s.Attrs)
		e.strs("elements", s.Elements, true)
		e.strs("studies", s.Studies, true)
		e.omitEmpty("rolesFor", string(s.RolesFor))
		e.close('}')
	}
	e.close('}')
}
