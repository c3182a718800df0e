package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/odmadmin/odmadmin/internal/jsontext"
)

// decodeCompactJSON decodes a directory object from r: each user of "users" into users,
// the other keys into the shell as encoding/json decodes them (unknown ones refused).
//
// It checks what jsontext.CheckValue checks (the grammar, a key given twice in an object,
// anything after the object) as it reads: anything it refuses is read again whole, which
// gives ReadAny's error. The users are decoded from jsontext's tokens by userTokens, not
// by encoding/json, whose
// reflection took most of the time of a diff against "map --to json" output (a million
// users: some 150 s of CPU against some 70 s for two ODM exports). It takes only what
// map writes: the model's keys as spelled, values of the kinds the model has. Anything
// else (a key in another letter case, a number where a string belongs, a null inside a
// list) is an error that leaves the file to the whole read (ErrReadWhole), which decodes
// it with encoding/json: the users are encoding/json's either way.
func decodeCompactJSON(r io.Reader, users *compactUsers) (shell *Directory, err error) {
	defer catchSpill(&err)
	d := &userTokens{d: jsontext.NewDecoder(r)}
	if err := d.delim('{'); err != nil {
		return nil, fmt.Errorf("not an object (%v)", err)
	}
	var rest bytes.Buffer
	rest.WriteByte('{')
	seen := false
	var keys keySet
	for d.d.More() {
		key, err := d.key()
		if err != nil {
			return nil, err
		}
		if !keys.add(key) {
			return nil, errDuplicateKey
		}
		if !strings.EqualFold(key, "users") {
			if rest.Len() > 1 {
				rest.WriteByte(',')
			}
			rest.Write(jsontext.AppendString(nil, key))
			rest.WriteByte(':')
			if err := d.copyValue(&rest); err != nil {
				return nil, err
			}
			continue
		}
		if seen {
			return nil, errors.New("users given twice")
		}
		seen = true
		if err := d.delim('['); err != nil {
			return nil, fmt.Errorf("users: not an array (%v)", err)
		}
		for d.d.More() {
			t, err := d.d.Token()
			if err != nil {
				return nil, err
			}
			if t == nil {
				// ReadAny keeps a null user, which Directory.Check refuses (map) and
				// diff skips: the whole read gives each its answer.
				return nil, errors.New("a null user")
			}
			if t != json.Delim('{') {
				return nil, errJSONShape
			}
			u := &User{}
			if err := d.user(u); err != nil {
				return nil, err
			}
			users.add(u)
		}
		if err := d.delim(']'); err != nil {
			return nil, err
		}
	}
	if err := d.delim('}'); err != nil {
		return nil, err
	}
	// Nothing may follow the object (jsontext.CheckValue).
	if _, err := d.d.Token(); err != io.EOF {
		return nil, fmt.Errorf("after the object: %v", err)
	}
	rest.WriteByte('}')
	shell = &Directory{}
	sd := json.NewDecoder(&rest)
	sd.DisallowUnknownFields()
	if err := sd.Decode(shell); err != nil {
		return nil, err
	}
	shell.Users = nil
	return shell, nil
}

// errDuplicateKey is an object with a key given twice, which jsontext.CheckValue refuses.
var errDuplicateKey = errors.New("a key given twice")

// keySet holds the keys of one object, to find one given twice.
type keySet struct {
	small [16]string
	n     int
	big   map[string]bool
}

// add adds k and reports whether it was new.
func (s *keySet) add(k string) bool {
	if s.big != nil {
		if s.big[k] {
			return false
		}
		s.big[k] = true
		return true
	}
	for _, x := range s.small[:s.n] {
		if x == k {
			return false
		}
	}
	if s.n < len(s.small) {
		s.small[s.n] = k
		s.n++
		return true
	}
	s.big = make(map[string]bool, 2*len(s.small))
	for _, x := range s.small {
		s.big[x] = true
	}
	s.big[k] = true
	return true
}

// errJSONShape is JSON that userTokens leaves to encoding/json.
var errJSONShape = errors.New("JSON that the users' decoder leaves to encoding/json")

// userTokens decodes users from tokens as encoding/json decodes a *User, for the JSON map
// writes (see decodeCompactJSON): a string field takes a string (null leaves it empty), a
// list null (nil) or an array (an empty one is empty, not nil), a pointer null or an
// object.
type userTokens struct {
	d *jsontext.Decoder
	// depth is the nesting copyValue is in: past maxCopyDepth the value is left to
	// encoding/json, whose own limit makes it an error, instead of recursing on.
	depth int
}

// maxCopyDepth is encoding/json's limit of nesting.
const maxCopyDepth = 10000

func (x *userTokens) delim(want json.Delim) error {
	k, _, err := x.d.Next()
	if err != nil {
		return err
	}
	if k != jsontext.Kind(want) {
		return errJSONShape
	}
	return nil
}

func (x *userTokens) key() (string, error) {
	k, s, err := x.d.Next()
	if err != nil {
		return "", err
	}
	if k != jsontext.String {
		return "", errJSONShape
	}
	return s, nil
}

// object reads the members of an object whose '{' is read, giving each key to field,
// which reads its value.
func (x *userTokens) object(field func(key string) error) error {
	var seen keySet
	for x.d.More() {
		k, err := x.key()
		if err != nil {
			return err
		}
		if !seen.add(k) {
			return errDuplicateKey
		}
		if err := field(k); err != nil {
			return err
		}
	}
	return x.delim('}')
}

// open reads the start of an object or array (open) or null (false).
func (x *userTokens) open(want json.Delim) (bool, error) {
	k, _, err := x.d.Next()
	if err != nil {
		return false, err
	}
	switch k {
	case jsontext.Null:
		return false, nil
	case jsontext.Kind(want):
		return true, nil
	}
	return false, errJSONShape
}

// str reads a string or null (which leaves dst as it is). Next, not Token: a token in an
// interface cost an allocation of its own for every string read.
func (x *userTokens) str(dst *string) error {
	k, s, err := x.d.Next()
	if err != nil {
		return err
	}
	switch k {
	case jsontext.String:
		*dst = s
	case jsontext.Null:
	default:
		return errJSONShape
	}
	return nil
}

func (x *userTokens) strs(dst *[]string) error {
	ok, err := x.open('[')
	if err != nil || !ok {
		*dst = nil
		return err
	}
	out := []string{}
	for x.d.More() {
		k, s, err := x.d.Next()
		if err != nil {
			return err
		}
		if k != jsontext.String {
			return errJSONShape
		}
		out = append(out, s)
	}
	*dst = out
	return x.delim(']')
}

// list reads an array of objects into a slice of n elements, each read by elem once its
// '{' is read.
func list[T any](x *userTokens, dst *[]T, elem func(*T) error) error {
	ok, err := x.open('[')
	if err != nil || !ok {
		*dst = nil
		return err
	}
	out := []T{}
	for x.d.More() {
		if err := x.delim('{'); err != nil {
			return err
		}
		var v T
		if err := elem(&v); err != nil {
			return err
		}
		out = append(out, v)
	}
	*dst = out
	return x.delim(']')
}

func (x *userTokens) user(u *User) error {
	return x.object(func(k string) error {
		switch k {
		case "id":
			return x.str(&u.ID)
		case "login":
			return x.str(&u.Login)
		case "displayName":
			return x.str(&u.DisplayName)
		case "fullName":
			return x.str(&u.FullName)
		case "givenName":
			return x.str(&u.GivenName)
		case "familyName":
			return x.str(&u.FamilyName)
		case "prefix":
			return x.str(&u.Prefix)
		case "suffix":
			return x.str(&u.Suffix)
		case "emails":
			return x.strs(&u.Emails)
		case "phones":
			return x.strs(&u.Phones)
		case "faxes":
			return x.strs(&u.Faxes)
		case "pager":
			return x.str(&u.Pager)
		case "telecoms":
			return list(x, &u.Telecoms, func(t *Telecom) error {
				return x.object(func(k string) error {
					switch k {
					case "type":
						return x.str(&t.Type)
					case "value":
						return x.str(&t.Value)
					}
					return errJSONShape
				})
			})
		case "organization":
			return x.str(&u.Organization)
		case "organizationId":
			return x.str(&u.OrganizationID)
		case "addresses":
			return list(x, &u.Addresses, x.address)
		case "certificates":
			return x.strs(&u.Certificates)
		case "picture":
			return x.picture(u)
		case "locale":
			return x.str(&u.Locale)
		case "type":
			return x.str(&u.Type)
		case "category":
			return x.category(&u.Category)
		case "status":
			return x.status(&u.Status)
		case "external":
			t, err := x.d.Token()
			if err != nil {
				return err
			}
			switch v := t.(type) {
			case bool:
				u.External = v
			case nil:
			default:
				return errJSONShape
			}
			return nil
		case "groups":
			return list(x, &u.Groups, func(g *GroupRef) error {
				return x.object(func(k string) error {
					switch k {
					case "id":
						return x.str(&g.ID)
					case "name":
						return x.str(&g.Name)
					case "type":
						return x.str(&g.Type)
					}
					return errJSONShape
				})
			})
		case "assignments":
			return list(x, &u.Assignments, x.assignment)
		case "source":
			return x.source(u)
		}
		return errJSONShape
	})
}

func (x *userTokens) address(a *Address) error {
	return x.object(func(k string) error {
		switch k {
		case "streetNames":
			return x.strs(&a.StreetNames)
		case "houseNumber":
			return x.str(&a.HouseNumber)
		case "city":
			return x.str(&a.City)
		case "stateProv":
			return x.str(&a.StateProv)
		case "country":
			return x.str(&a.Country)
		case "postalCode":
			return x.str(&a.PostalCode)
		case "otherText":
			return x.str(&a.OtherText)
		case "longitude":
			return x.str(&a.Longitude)
		case "latitude":
			return x.str(&a.Latitude)
		case "altitude":
			return x.str(&a.Altitude)
		}
		return errJSONShape
	})
}

func (x *userTokens) picture(u *User) error {
	ok, err := x.open('{')
	if err != nil || !ok {
		u.Picture = nil
		return err
	}
	p := &Picture{}
	u.Picture = p
	return x.object(func(k string) error {
		switch k {
		case "file":
			return x.str(&p.File)
		case "type":
			return x.str(&p.Type)
		case "href":
			return x.str(&p.Href)
		case "mimeType":
			return x.str(&p.MIMEType)
		}
		return errJSONShape
	})
}

func (x *userTokens) assignment(a *Assignment) error {
	return x.object(func(k string) error {
		switch k {
		case "study":
			return x.str(&a.Study)
		case "site":
			return x.str(&a.Site)
		case "role":
			ok, err := x.open('{')
			if err != nil || !ok {
				return err // null leaves the role as it is
			}
			return x.object(func(k string) error {
				switch k {
				case "name":
					return x.str(&a.Role.Name)
				case "canonical":
					return x.str((*string)(&a.Role.Canonical))
				}
				return errJSONShape
			})
		case "scope":
			return x.str((*string)(&a.Scope))
		case "environment":
			return x.str((*string)(&a.Environment))
		case "from":
			return x.str(&a.From)
		case "to":
			return x.str(&a.To)
		case "depots":
			return x.strs(&a.Depots)
		}
		return errJSONShape
	})
}

func (x *userTokens) source(u *User) error {
	ok, err := x.open('{')
	if err != nil || !ok {
		u.Source = nil
		return err
	}
	s := &Source{}
	u.Source = s
	return x.object(func(k string) error {
		switch k {
		case "vendor":
			return x.str((*string)(&s.Vendor))
		case "ids":
			ok, err := x.open('{')
			if err != nil || !ok {
				s.IDs = nil
				return err
			}
			s.IDs = map[string]string{}
			return x.object(func(k string) error {
				kind, v, err := x.d.Next()
				if err != nil {
					return err
				}
				if kind != jsontext.String {
					return errJSONShape
				}
				s.IDs[k] = v
				return nil
			})
		case "attrs":
			return list(x, &s.Attrs, func(a *Attr) error {
				return x.object(func(k string) error {
					switch k {
					case "ns":
						return x.str(&a.Space)
					case "name":
						return x.str(&a.Name)
					case "value":
						return x.str(&a.Value)
					}
					return errJSONShape
				})
			})
		case "elements":
			return x.strs(&s.Elements)
		case "studies":
			return x.strs(&s.Studies)
		case "rolesFor":
			return x.str((*string)(&s.RolesFor))
		case "variants":
			return list(x, &s.Variants, func(v *Variant) error {
				return x.object(func(k string) error {
					switch k {
					case "study":
						return x.str(&v.Study)
					case "ns":
						return x.str(&v.Space)
					case "name":
						return x.str(&v.Name)
					case "value":
						return x.str(&v.Value)
					}
					return errJSONShape
				})
			})
		}
		return errJSONShape
	})
}

// status and category take a string as their UnmarshalJSON methods do (null as "");
// what those refuse is left to them, through the whole read.
func (x *userTokens) status(dst *Status) error {
	var v string
	if err := x.str(&v); err != nil {
		return err
	}
	v = strings.TrimSpace(v)
	for _, st := range []Status{"", StatusCreated, StatusInvited, StatusAvailable, StatusDeactivated} {
		if strings.EqualFold(v, string(st)) {
			*dst = st
			return nil
		}
	}
	return errJSONShape
}

func (x *userTokens) category(dst *Category) error {
	var v string
	if err := x.str(&v); err != nil {
		return err
	}
	if strings.TrimSpace(v) == "" {
		*dst = ""
		return nil
	}
	if cat, ok := parseCategory(v); ok {
		*dst = cat
		return nil
	}
	return errJSONShape
}

// copyValue reads one value and writes it to b as JSON that decodes to the same value
// (strings escaped anew, numbers as written).
func (x *userTokens) copyValue(b *bytes.Buffer) error {
	t, err := x.d.Token()
	if err != nil {
		return err
	}
	switch v := t.(type) {
	case json.Delim:
		if x.depth++; x.depth > maxCopyDepth {
			return errJSONShape
		}
		defer func() { x.depth-- }()
		b.WriteByte(byte(v))
		end := json.Delim(']')
		if v == '{' {
			end = '}'
		}
		var seen keySet
		for n := 0; x.d.More(); n++ {
			if n > 0 {
				b.WriteByte(',')
			}
			if v == '{' {
				k, err := x.key()
				if err != nil {
					return err
				}
				if !seen.add(k) {
					return errDuplicateKey
				}
				b.Write(jsontext.AppendString(nil, k))
				b.WriteByte(':')
			}
			if err := x.copyValue(b); err != nil {
				return err
			}
		}
		if err := x.delim(end); err != nil {
			return err
		}
		b.WriteByte(byte(end))
	case string:
		b.Write(jsontext.AppendString(nil, v))
	case json.Number:
		b.WriteString(string(v))
	case bool:
		if v {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case nil:
		b.WriteString("null")
	default:
		return errJSONShape
	}
	return nil
}
