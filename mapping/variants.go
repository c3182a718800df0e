package mapping

import (
	"slices"
	"strconv"
)

// Variant is a value that a later listing of a merged user or site (its record in
// another AdminData block, or in another file merged in) holds otherwise than the value
// the merge kept: the first listing's ("the first is kept", CodeMergeConflict). Rave
// lists a person once per study environment, each with its own mdsol:Active; InForm and
// OpenClinica per study. The kept value is the one of every listing its Source.Variants
// name no other value for.
type Variant struct {
	// Study is the StudyOID of the listing's AdminData block.
	Study string `json:"study"`
	// Space is the namespace URI of a vendor attribute (Source.Attrs); empty for a
	// model field.
	Space string `json:"ns,omitempty"`
	// Name is the model field's JSON key ("status", "locale", "active", ...) or the
	// vendor attribute's local name. A user's "id" is the listing's own OID, when the
	// person was found by login under another (CodeMergeConflict, field User/OID).
	Name string `json:"name"`
	// Value is the listing's value; for an attribute, "" when the listing lacks it.
	Value string `json:"value"`
}

// keptUserFields are the user fields a merge keeps the first value of, by JSON key, as
// mergeFields names them in its warnings.
var keptUserFields = [...]struct{ key, field string }{
	{"login", "Login"}, {"displayName", "DisplayName"}, {"fullName", "FullName"},
	{"givenName", "GivenName"}, {"familyName", "FamilyName"}, {"prefix", "Prefix"},
	{"suffix", "Suffix"}, {"pager", "Pager"}, {"organization", "Organization"},
	{"organizationId", "OrganizationOID"}, {"locale", "Locale"}, {"type", "UserType"},
	{"category", "Category"}, {"status", "Status"},
}

// userField returns u's field of JSON key name (one of keptUserFields), nil for another.
func userField(u *User, name string) *string {
	switch name {
	case "id":
		// Not a kept field: a listing's own OID, when a merge by login found the person
		// under another (see oidVariant).
		return &u.ID
	case "login":
		return &u.Login
	case "displayName":
		return &u.DisplayName
	case "fullName":
		return &u.FullName
	case "givenName":
		return &u.GivenName
	case "familyName":
		return &u.FamilyName
	case "prefix":
		return &u.Prefix
	case "suffix":
		return &u.Suffix
	case "pager":
		return &u.Pager
	case "organization":
		return &u.Organization
	case "organizationId":
		return &u.OrganizationID
	case "locale":
		return &u.Locale
	case "type":
		return &u.Type
	case "category":
		return (*string)(&u.Category)
	case "status":
		return (*string)(&u.Status)
	}
	return nil
}

// siteFields are the site fields a merge keeps the first value of, by JSON key.
var siteFields = [...]string{"name", "type", "number", "country", "timeZone", "locale", "active",
	"organization", "description", "study"}

// siteValue returns s's field of JSON key name as a string (active: "true" or
// "false"), and false for a name that is not one of siteFields.
func siteValue(s *Site, name string) (string, bool) {
	if name == "active" {
		return strconv.FormatBool(s.Active), true
	}
	if f := siteField(s, name); f != nil {
		return *f, true
	}
	return "", false
}

func siteField(s *Site, name string) *string {
	switch name {
	case "name":
		return &s.Name
	case "type":
		return &s.Type
	case "number":
		return &s.Number
	case "country":
		return &s.Country
	case "timeZone":
		return &s.TimeZone
	case "locale":
		return &s.Locale
	case "organization":
		return &s.Organization
	case "description":
		return &s.Description
	case "study":
		return &s.Study
	}
	return nil
}

// setSiteValue sets s's field of JSON key name from its string form (siteValue); it
// reports false for a value the field cannot take.
func setSiteValue(s *Site, name, v string) bool {
	if name == "active" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return false
		}
		s.Active = b
		return true
	}
	if f := siteField(s, name); f != nil {
		*f = v
		return true
	}
	return false
}

// attrValue returns the value of the first of attrs named {space}name.
func attrValue(attrs []Attr, space, name string) (string, bool) {
	for _, a := range attrs {
		if a.Space == space && a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// addVariant adds v to s's variants unless they have a value for its study and name.
func (s *Source) addVariant(v Variant) {
	if !slices.ContainsFunc(s.Variants, func(x Variant) bool {
		return x.Study == v.Study && x.Space == v.Space && x.Name == v.Name
	}) {
		s.Variants = append(s.Variants, v)
	}
}

// dropVariant removes the variant of the field or attribute {space}name in the listing of
// study, if s has one.
func (s *Source) dropVariant(study, space, name string) {
	if s != nil {
		s.Variants = slices.DeleteFunc(s.Variants, func(x Variant) bool {
			return x.Study == study && x.Space == space && x.Name == name
		})
	}
}

// variant returns the value s's variants give the field or attribute {space}name in
// the listing of study.
func (s *Source) variant(study, space, name string) (string, bool) {
	if s == nil {
		return "", false
	}
	for _, x := range s.Variants {
		if x.Study == study && x.Space == space && x.Name == name {
			return x.Value, true
		}
	}
	return "", false
}

// variantsIn reports whether s has variants for the listing of study.
func (s *Source) variantsIn(study string) bool {
	return s != nil && slices.ContainsFunc(s.Variants, func(x Variant) bool { return x.Study == study })
}

// attrVariants records, for a later listing of study whose vendor attributes are later,
// each attribute both it and first (the values kept) have with different values; with
// all also each one first lacks and (as "") each one later lacks, for a merge that does
// not take a later listing's attributes into the values kept. skip leaves an attribute
// out (one the model maps to a field, whose variant is the field's).
func (s *Source) attrVariants(study string, first, later []Attr, skip func(Attr) bool, all bool) {
	for _, a := range later {
		if skip != nil && skip(a) {
			continue
		}
		if v, ok := attrValue(first, a.Space, a.Name); ok && v != a.Value || !ok && all {
			s.addVariant(Variant{Study: study, Space: a.Space, Name: a.Name, Value: a.Value})
		}
	}
	if !all {
		return
	}
	for _, a := range first {
		if skip != nil && skip(a) {
			continue
		}
		if _, ok := attrValue(later, a.Space, a.Name); !ok {
			s.addVariant(Variant{Study: study, Space: a.Space, Name: a.Name})
		}
	}
}

// userAttrMapped reports whether a is a user attribute the model maps to a field.
func userAttrMapped(a Attr) bool { return mappedAttr("User", a.Space, a.Name) }

// InStudy returns the user as its listing in the AdminData block of study holds it:
// u itself when the listings agree (Source.Variants names no other value there), else
// a copy with the listing's values. The copy shares u's lists; do not change it.
func (u *User) InStudy(study string) *User {
	if u == nil {
		return nil
	}
	return inStudy(u, func(x *User) **Source { return &x.Source }, study, func(c *User, name, value string) {
		if f := userField(c, name); f != nil {
			*f = value
		}
	})
}

// InStudy returns the site as its Location in the AdminData block of study holds it:
// s itself when its listings agree (Source.Variants names no other value there), else a
// copy with the listing's values. The copy shares s's lists; do not change it.
func (s *Site) InStudy(study string) *Site {
	if s == nil {
		return nil
	}
	return inStudy(s, func(x *Site) **Source { return &x.Source }, study, func(c *Site, name, value string) {
		setSiteValue(c, name, value)
	})
}

// inStudy is InStudy of a user or site v, whose Source source points to: a copy of v
// with its variants of study applied, vendor attributes to the copy's attributes and
// fields with set. A variant value Directory.Check would refuse is not applied (JSON
// could otherwise bring markup in through it).
func inStudy[T any](v *T, source func(*T) **Source, study string, set func(c *T, name, value string)) *T {
	s := *source(v)
	if !s.variantsIn(study) {
		return v
	}
	c := *v
	src := *s
	src.Variants = nil
	src.Attrs = slices.Clone(s.Attrs)
	*source(&c) = &src
	for _, x := range s.Variants {
		if x.Study != study || checkText("", x.Value) != nil {
			continue
		}
		if x.Space != "" {
			src.Attrs = setAttr(src.Attrs, x)
		} else {
			set(&c, x.Name, x.Value)
		}
	}
	return &c
}

// setAttr gives attrs the attribute variant v names: its value, or none for "".
// A name that is not one to write (Directory.Check) changes nothing.
func setAttr(attrs []Attr, v Variant) []Attr {
	a := Attr{Space: v.Space, Name: v.Name, Value: v.Value}
	if !attrOK(a, false, false) {
		return attrs
	}
	i := slices.IndexFunc(attrs, func(x Attr) bool { return x.Space == v.Space && x.Name == v.Name })
	switch {
	case i >= 0 && v.Value == "":
		return slices.Delete(attrs, i, i+1)
	case i >= 0:
		attrs[i].Value = v.Value
	case v.Value != "":
		attrs = append(attrs, a)
	}
	return attrs
}

// siteVariants records, as variants of s (the site as first listed), each value in which
// again, its Location in a block of study, differs: a file's listings of one site are
// not merged into the values kept (siteConflicts reports them), so a value again lacks
// differs too.
func siteVariants(s, again *Site, study string) {
	if s.Source == nil || again.Source == nil {
		return
	}
	for _, key := range siteFields {
		if v, _ := siteValue(again, key); v != func() string { x, _ := siteValue(s, key); return x }() {
			s.Source.addVariant(Variant{Study: study, Name: key, Value: v})
		}
	}
	s.Source.attrVariants(study, s.Source.Attrs, again.Source.Attrs, nil, true)
}
