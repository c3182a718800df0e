package mapping

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/odmadmin/odmadmin/odm"
)

// ErrInvalidDirectory is the sentinel of every *DirectoryError.
var ErrInvalidDirectory = errors.New("invalid directory")

// DirectoryError names a value of a Directory (by its JSON path, such as
// "users[3].source.attrs[0].name") that cannot be written as XML without writing
// something else than it says: a vendor attribute name that is not an XML name, a value
// with a character XML forbids, a recorded vendor element that is not exactly one
// well-formed element. The value itself is not quoted (it may be personal data).
type DirectoryError struct {
	Path   string
	Reason string
}

func (e *DirectoryError) Error() string { return e.Path + ": " + e.Reason }
func (e *DirectoryError) Unwrap() error { return ErrInvalidDirectory }

// Check reports the first value of d that an ODM writer would have to change or could
// not write as what it says, as a *DirectoryError. ToDocument, WriteODM and Patch call it
// first: a directory read from JSON (edited by hand or by a program) cannot forge markup,
// such as a vendor attribute name that closes its element and opens a User.
func (d *Directory) Check() error {
	if d == nil {
		return nil
	}
	if err := d.checkHead(); err != nil {
		return err
	}
	for i, u := range d.Users {
		if err := checkUser(i, u); err != nil {
			return err
		}
	}
	return d.checkTail()
}

// checkHead checks what Check checks before the users: the source file's attributes and
// blocks.
func (d *Directory) checkHead() error {
	if d.Source != nil {
		if err := checkAttrs("source.attrs", d.Source.Attrs, true); err != nil {
			return err
		}
		for i, b := range d.Source.Blocks {
			p := fmt.Sprintf("source.blocks[%d]", i)
			if err := checkText(p+".study", b.Study); err != nil {
				return err
			}
			if err := checkAttrs(p+".attrs", b.Attrs, false); err != nil {
				return err
			}
			if err := checkElements(p+".elements", b.Elements); err != nil {
				return err
			}
		}
		if err := checkTexts("source", d.Source); err != nil {
			return err
		}
	}
	for i, s := range d.Studies {
		if s == nil {
			return &DirectoryError{fmt.Sprintf("studies[%d]", i), "null"}
		}
		if err := checkTexts(fmt.Sprintf("studies[%d]", i), s); err != nil {
			return err
		}
	}
	return nil
}

// checkUser checks user i of a directory. The usual user passes, so the path naming it is
// only made for an error.
func checkUser(i int, u *User) error {
	if u == nil {
		return &DirectoryError{fmt.Sprintf("users[%d]", i), "null"}
	}
	if err := checkSource("", u.Source); err != nil {
		return checkSource(fmt.Sprintf("users[%d].source", i), u.Source)
	}
	if !userTextsOK(u) {
		return checkTexts(fmt.Sprintf("users[%d]", i), u)
	}
	return nil
}

// userTextsOK reports whether every string of u is XML text (checkText), without making
// a path: every user is checked before a write, and the usual one passes. It covers every
// string field of User and of what it holds (TestCheckEveryUserString makes sure), so that
// a value XML cannot hold (a control character, bytes that are not UTF-8) is reported
// here, by its field, and not met by the ODM writer (odm.ErrUnwritable) or written as
// something else. Source's attributes and elements are checkSource's.
func userTextsOK(u *User) bool {
	ok := func(ss ...string) bool {
		for _, s := range ss {
			if checkText("", s) != nil {
				return false
			}
		}
		return true
	}
	if !ok(u.ID, u.Login, u.DisplayName, u.FullName, u.GivenName, u.FamilyName, u.Prefix, u.Suffix, u.Pager,
		u.Organization, u.OrganizationID, u.Locale, u.Type, string(u.Category), string(u.Status)) ||
		!ok(u.Emails...) || !ok(u.Phones...) || !ok(u.Faxes...) || !ok(u.Certificates...) {
		return false
	}
	for _, t := range u.Telecoms {
		if !ok(t.Type, t.Value) {
			return false
		}
	}
	for i := range u.Addresses {
		a := &u.Addresses[i]
		if !ok(a.StreetNames...) || !ok(a.HouseNumber, a.City, a.StateProv, a.Country, a.PostalCode, a.OtherText, a.Longitude, a.Latitude, a.Altitude) {
			return false
		}
	}
	if p := u.Picture; p != nil && !ok(p.File, p.Type, p.Href, p.MIMEType) {
		return false
	}
	for _, g := range u.Groups {
		if !ok(g.ID, g.Name, g.Type) {
			return false
		}
	}
	for i := range u.Assignments {
		a := &u.Assignments[i]
		if !ok(a.Study, a.Site, a.Role.Name, string(a.Role.Canonical), string(a.Scope), string(a.Environment), a.From, a.To) || !ok(a.Depots...) {
			return false
		}
	}
	if s := u.Source; s != nil {
		if !ok(string(s.Vendor), string(s.RolesFor)) || !ok(s.Studies...) {
			return false
		}
		for _, v := range s.Variants {
			if !ok(v.Study, v.Space, v.Name, v.Value) {
				return false
			}
		}
	}
	return true
}

// checkTexts returns the first string of v (a value of the model, walked by reflection:
// the path only for an error, or for the few values other than users) that is not XML
// text, as a *DirectoryError naming it by its JSON path under path. The value is never
// quoted: it may be personal data.
func checkTexts(path string, v any) error {
	return textsOf(path, reflect.ValueOf(v))
}

func textsOf(path string, v reflect.Value) error {
	switch v.Kind() {
	case reflect.String:
		return checkText(path, v.String())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return textsOf(path, v.Elem())
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if path != "" {
				name = path + "." + name
			}
			if err := textsOf(name, v.Field(i)); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := textsOf(fmt.Sprintf("%s[%d]", path, i), v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range keys {
			// A key names its value in the path; one that is no XML text is reported
			// as the map's, not quoted.
			if err := checkText(path, k.String()); err != nil {
				return &DirectoryError{path, "a key: " + err.(*DirectoryError).Reason}
			}
			if err := textsOf(path+"."+k.String(), v.MapIndex(k)); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkTail checks what Check checks after the users: sites, groups, organizations and
// signatures.
func (d *Directory) checkTail() error {
	for i, s := range d.Sites {
		if s == nil {
			return &DirectoryError{fmt.Sprintf("sites[%d]", i), "null"}
		}
		if err := checkSource(fmt.Sprintf("sites[%d].source", i), s.Source); err != nil {
			return err
		}
		if err := checkTexts(fmt.Sprintf("sites[%d]", i), s); err != nil {
			return err
		}
	}
	for i, g := range d.Groups {
		if g == nil {
			return &DirectoryError{fmt.Sprintf("groups[%d]", i), "null"}
		}
		if err := checkSource(fmt.Sprintf("groups[%d].source", i), g.Source); err != nil {
			return err
		}
		if err := checkTexts(fmt.Sprintf("groups[%d]", i), g); err != nil {
			return err
		}
	}
	for i, o := range d.Organizations {
		if o == nil {
			return &DirectoryError{fmt.Sprintf("organizations[%d]", i), "null"}
		}
		if err := checkSource(fmt.Sprintf("organizations[%d].source", i), o.Source); err != nil {
			return err
		}
		if err := checkTexts(fmt.Sprintf("organizations[%d]", i), o); err != nil {
			return err
		}
	}
	for i, s := range d.Signatures {
		if s == nil {
			return &DirectoryError{fmt.Sprintf("signatures[%d]", i), "null"}
		}
		if err := checkSource(fmt.Sprintf("signatures[%d].source", i), s.Source); err != nil {
			return err
		}
		if err := checkTexts(fmt.Sprintf("signatures[%d]", i), s); err != nil {
			return err
		}
	}
	return nil
}

func checkSource(path string, s *Source) error {
	if s == nil {
		return nil
	}
	if err := checkAttrs(path+".attrs", s.Attrs, false); err != nil {
		return err
	}
	for k, v := range s.IDs {
		if err := checkText(path+".ids."+k, v); err != nil {
			return err
		}
	}
	// The values of the other listings of a merged user or site (Variants): written
	// into their blocks as the value is.
	for i, v := range s.Variants {
		for _, f := range [...]struct{ key, s string }{{"study", v.Study}, {"ns", v.Space}, {"name", v.Name}, {"value", v.Value}} {
			if err := checkText(fmt.Sprintf("%s.variants[%d].%s", path, i, f.key), f.s); err != nil {
				return err
			}
		}
	}
	return checkElements(path+".elements", s.Elements)
}

// checkAttrs checks attribute names (NCNames; a namespace URI for vendor attributes, none
// of them a namespace declaration) and values (XML characters only).
func checkAttrs(path string, as []Attr, root bool) error {
	// A namespace URI found to be XML text already: a vendor's attributes share one (of
	// some 60 bytes for InForm's), which was checked again for each of every user's.
	checked := "" // "" is XML text
	for i, a := range as {
		// The usual attribute passes: the path naming it is only made for an error.
		if !attrOK(a, root, a.Space == checked) {
			return checkAttr(fmt.Sprintf("%s[%d]", path, i), a, root)
		}
		checked = a.Space
	}
	return nil
}

// attrOK reports whether checkAttr passes a, without making the paths it names values
// by (three strings an attribute); spaceOK says a.Space is known to be XML text.
func attrOK(a Attr, root, spaceOK bool) bool {
	if a.Space == NSOC4Users {
		return checkText("", a.Value) == nil
	}
	if !isNCName(a.Name) || a.Space == odm.NSXMLNS || a.Space == "xmlns" || a.Space == "" && !root {
		return false
	}
	return (spaceOK || checkText("", a.Space) == nil) && checkText("", a.Value) == nil
}

// checkAttr checks one attribute, named p.
func checkAttr(p string, a Attr, root bool) error {
	if a.Space == NSOC4Users {
		// Columns of an OpenClinica 4 user table: never written as XML attributes
		// (no ODM flavour has that namespace), named as the table heads them.
		return checkText(p+".value", a.Value)
	}
	if !isNCName(a.Name) {
		return &DirectoryError{p + ".name", "not an XML name (letters, digits, '.', '-', '_', no ':' or markup)"}
	}
	switch {
	case a.Space == odm.NSXMLNS || a.Space == "xmlns":
		return &DirectoryError{p + ".ns", "a namespace declaration is not an attribute to write"}
	case a.Space == "" && !root:
		return &DirectoryError{p + ".ns", "a vendor attribute needs its namespace URI"}
	}
	if err := checkText(p+".ns", a.Space); err != nil {
		return err
	}
	return checkText(p+".value", a.Value)
}

// checkElements checks that each recorded vendor element is exactly one well-formed
// element with every prefix bound.
func checkElements(path string, es []string) error {
	for i, s := range es {
		if err := checkText(fmt.Sprintf("%s[%d]", path, i), s); err != nil {
			return err
		}
		if _, err := parseElementXML(s); err != nil {
			return &DirectoryError{fmt.Sprintf("%s[%d]", path, i), "not one well-formed XML element: " + err.Error()}
		}
	}
	return nil
}

// checkText checks that s holds only characters XML 1.0 allows.
func checkText(path, s string) error {
	// Printable ASCII is XML characters: most values are that and are passed 8 bytes at
	// a time (a rune loop costs several times more: every user's attributes are checked,
	// namespace URIs included); the rest is looked at rune by rune from the first 8
	// bytes with another byte on.
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		// A byte below 0x20 borrows into its top bit; one from 0x80 up has it set.
		if ((w-0x2020202020202020)|w)&0x8080808080808080 != 0 {
			break
		}
	}
	for i < len(s) && s[i] >= 0x20 && s[i] < utf8.RuneSelf {
		i++
	}
	if i == len(s) {
		return nil
	}
	return checkRunes(path, s, i)
}

// checkRunes is checkText from s[from:] on, s[:from] being ASCII it accepts.
func checkRunes(path, s string, from int) error {
	for j, r := range s[from:] {
		i := from + j
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
				return &DirectoryError{path, fmt.Sprintf("not UTF-8 at byte %d", i)}
			}
		}
		if !isXMLChar(r) {
			return &DirectoryError{path, fmt.Sprintf("character U+%04X at byte %d is not allowed in XML", r, i)}
		}
	}
	return nil
}

func isXMLChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// isNCName reports whether s is an XML name without a colon (XML 1.0 fifth edition).
func isNCName(s string) bool {
	// The usual name is ASCII letters, digits, '.', '-' and '_', passed byte by byte
	// (every user's attribute names are checked); the rest is looked at rune by rune.
	if s != "" && (isASCIILetter(s[0]) || s[0] == '_') {
		i := 1
		for i < len(s) && (isASCIILetter(s[i]) || s[i] == '_' || s[i] == '-' || s[i] == '.' || s[i] >= '0' && s[i] <= '9') {
			i++
		}
		if i == len(s) {
			return true
		}
	}
	return isNCNameRunes(s)
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// isNCNameRunes is isNCName rune by rune.
func isNCNameRunes(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == ':' {
			return false
		}
		if i == 0 && !isNameStartChar(r) || !isNameStartChar(r) && !isNameRestChar(r) {
			return false
		}
	}
	return !strings.ContainsRune(s, utf8.RuneError)
}

func isNameStartChar(r rune) bool {
	switch {
	case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r == '_':
		return true
	case r >= 0xC0 && r <= 0xD6, r >= 0xD8 && r <= 0xF6, r >= 0xF8 && r <= 0x2FF, r >= 0x370 && r <= 0x37D,
		r >= 0x37F && r <= 0x1FFF, r >= 0x200C && r <= 0x200D, r >= 0x2070 && r <= 0x218F, r >= 0x2C00 && r <= 0x2FEF,
		r >= 0x3001 && r <= 0xD7FF, r >= 0xF900 && r <= 0xFDCF, r >= 0xFDF0 && r <= 0xFFFD, r >= 0x10000 && r <= 0xEFFFF:
		return true
	}
	return false
}

func isNameRestChar(r rune) bool {
	switch {
	case r == '-', r == '.', r >= '0' && r <= '9', r == 0xB7, r >= 0x300 && r <= 0x36F, r >= 0x203F && r <= 0x2040:
		return true
	}
	return false
}
