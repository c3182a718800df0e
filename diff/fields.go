package diff

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// field is a set of comparable fields of users and sites.
type field uint64

const (
	fID field = 1 << iota
	fLogin
	fDisplayName
	fFullName
	fGivenName
	fFamilyName
	fPrefix
	fSuffix
	fEmails
	fPhones
	fFaxes
	fPager
	fTelecoms
	fOrganization
	fOrganizationID
	fAddresses
	fCertificates
	fPicture
	fLocale
	fType
	fCategory
	fStatus
	fExternal
	fGroups
	fExtensions
	fRoles
	fDates
	fDepots
	// fSites: the profile lists the sites of its study, so a site missing on one side
	// was added or removed (the Clinical One template only names the sites it uses).
	fSites
	sName
	sType
	sNumber
	sCountry
	sTimeZone
	sLocale
	sActive
	sOrganization
	sDescription
	sVersions
	sAddresses
	sTelecoms
	sStudy
	// fOrganizations and fSignatures: the AdminData records of those kinds (an ODM 2.0
	// Organization, a SignatureDef), compared record by record.
	fOrganizations
	fSignatures

	fieldEnd
)

const allFields = fieldEnd - 1

// ODM 1.3 User and Location content every 1.3 profile reads.
const odm13 = fLogin | fDisplayName | fFullName | fGivenName | fFamilyName | fEmails | fPhones | fFaxes | fPager |
	fOrganization | fAddresses | fCertificates | fPicture | fType | fSites | sName | sType | sVersions | fSignatures

// holds returns the fields profile p can hold (mapping's package documentation lists what
// each profile reads). OIDs, groups, vendor extensions and the external flag are vendor
// specific and are compared only between directories of one profile.
func holds(p mapping.Profile) field {
	switch p {
	case mapping.ProfileInForm:
		return odm13 | fLocale | fCategory | fStatus | fRoles | sNumber | sCountry | sTimeZone | sLocale
	case mapping.ProfileRave:
		return odm13 | fStatus | fRoles | sNumber | sActive
	case mapping.ProfileODM:
		return odm13
	case mapping.ProfileODM2:
		return fLogin | fFullName | fGivenName | fFamilyName | fPrefix | fSuffix | fEmails | fPhones | fFaxes | fPager |
			fTelecoms | fOrganizationID | fAddresses | fPicture | fType | fSites |
			sName | sType | sVersions | sOrganization | sDescription | sAddresses | sTelecoms | sCountry |
			fOrganizations | fSignatures
	case mapping.ProfileOpenClinica:
		return fLogin | fFullName | fGivenName | fFamilyName | fOrganization | fSites | sName | sNumber | sStudy | fSignatures
	case mapping.ProfileClinicalOne:
		return fLogin | fGivenName | fFamilyName | fEmails | fRoles | fDates | fDepots
	case mapping.ProfileOC4Users:
		// First, Last, Username, Email, Organization, Phone, Role(s), Type (the
		// category), Status and Created (a role's start).
		return fLogin | fGivenName | fFamilyName | fEmails | fPhones | fOrganization | fRoles | fCategory | fStatus | fDates
	}
	return allFields
}

// collapse returns s with leading and trailing white space removed and each inner run of
// white space replaced by one space. It allocates only when s needs it.
func collapse(s string) string {
	if s == "" {
		return s
	}
	prev := true // a space at the start would be leading
	for _, r := range s {
		if r == ' ' || (r > ' ' && r < utf8.RuneSelf) {
			if r == ' ' {
				if prev {
					return strings.Join(strings.Fields(s), " ")
				}
				prev = true
				continue
			}
			prev = false
			continue
		}
		if unicode.IsSpace(r) {
			return strings.Join(strings.Fields(s), " ")
		}
		prev = false
	}
	if prev { // a trailing space
		return strings.Join(strings.Fields(s), " ")
	}
	return s
}

func (c *comparer) text(s string) string {
	if c.opts.ExactText {
		return s
	}
	return collapse(s)
}

func (c *comparer) eqText(a, b string) bool {
	if a == b {
		return true
	}
	if c.opts.ExactText {
		return false
	}
	return collapse(a) == collapse(b)
}

func (c *comparer) textNorm(s string) string { return c.text(s) }

func (c *comparer) emailNorm(s string) string {
	if c.opts.ExactText {
		return s
	}
	return strings.ToLower(collapse(s))
}

// setDiff compares two lists as sets of normalized values. It returns the original values
// of each side in normalized order, joined with "; ", and whether the sets differ.
func (c *comparer) setDiff(a, b []string, norm func(string) string) (old, new string, differ bool) {
	if slices.Equal(a, b) {
		return "", "", false
	}
	type item struct{ key, val string }
	prep := func(in []string) []item {
		out := make([]item, 0, len(in))
		for _, v := range in {
			k := norm(v)
			if k == "" && !c.opts.KeepEmpty {
				continue
			}
			out = append(out, item{k, v})
		}
		slices.SortFunc(out, func(x, y item) int { return strings.Compare(x.key, y.key) })
		return slices.CompactFunc(out, func(x, y item) bool { return x.key == y.key })
	}
	pa, pb := prep(a), prep(b)
	if slices.EqualFunc(pa, pb, func(x, y item) bool { return x.key == y.key }) {
		return "", "", false
	}
	join := func(in []item) string {
		var b strings.Builder
		for i, x := range in {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(c.text(x.val))
		}
		return b.String()
	}
	return join(pa), join(pb), true
}

func telecomStrings(ts []mapping.Telecom) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = ownString(appendTelecom(nil, t))
	}
	return out
}

// appendTelecom appends t as telecomStrings shows it.
func appendTelecom(dst []byte, t mapping.Telecom) []byte {
	return append(append(append(dst, t.Type...), ": "...), t.Value...)
}

// ownString returns b as a string without a copy: b is written no more.
func ownString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

func equalAddress(a, b mapping.Address) bool {
	return slices.Equal(a.StreetNames, b.StreetNames) && a.HouseNumber == b.HouseNumber && a.City == b.City &&
		a.StateProv == b.StateProv && a.Country == b.Country && a.PostalCode == b.PostalCode &&
		a.OtherText == b.OtherText && a.Longitude == b.Longitude && a.Latitude == b.Latitude && a.Altitude == b.Altitude
}

func addressStrings(as []mapping.Address) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = ownString(appendAddress(nil, a))
	}
	return out
}

// appendAddress appends a as addressStrings shows it: its parts that are not blank,
// trimmed, joined by ", ".
func appendAddress(dst []byte, a mapping.Address) []byte {
	start := len(dst)
	part := func(p string) {
		if p = strings.TrimSpace(p); p == "" {
			return
		}
		if len(dst) > start {
			dst = append(dst, ", "...)
		}
		dst = append(dst, p...)
	}
	for _, p := range a.StreetNames {
		part(p)
	}
	for _, p := range [...]string{a.HouseNumber, a.City, a.StateProv, a.PostalCode, a.Country, a.OtherText} {
		part(p)
	}
	if a.Longitude != "" || a.Latitude != "" || a.Altitude != "" {
		// The coordinates as one part, trimmed as a whole as the other parts are (it
		// starts with "geo": only its end can be).
		if len(dst) > start {
			dst = append(dst, ", "...)
		}
		geo := len(dst)
		dst = append(append(append(append(append(append(dst, "geo "...), a.Longitude...), ' '), a.Latitude...), ' '), a.Altitude...)
		dst = dst[:geo+len(strings.TrimRightFunc(ownString(dst[geo:]), unicode.IsSpace))]
	}
	return dst
}

func groupStrings(gs []mapping.GroupRef) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = ownString(appendGroup(nil, g))
	}
	return out
}

// appendGroup appends g as groupStrings shows it: its name (else ID), and its type in
// brackets.
func appendGroup(dst []byte, g mapping.GroupRef) []byte {
	s := g.Name
	if s == "" {
		s = g.ID
	}
	dst = append(dst, s...)
	if g.Type != "" {
		dst = append(append(append(dst, " ["...), g.Type...), ']')
	}
	return dst
}

func (c *comparer) pictureString(p *mapping.Picture) string {
	if p == nil {
		return ""
	}
	var parts []string
	for _, s := range []string{p.File, p.Type, p.Href, p.MIMEType} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 && c.opts.KeepEmpty {
		return "(empty)"
	}
	return strings.Join(parts, " ")
}

// owner says whose vendor attributes are compared, for the list of mapped ones.
type owner int

const (
	userAttr owner = iota
	siteAttr
	defAttr // an organization's or a signature definition's: the model maps none
)

// mapped lists the vendor attributes mapping reads into model fields (status, role,
// locale, ...): a change of one is reported as a change of that field, not twice.
var mapped = map[owner]map[mapping.Attr]bool{
	userAttr: {
		{Space: odm.NSInForm, Name: "StudyLocale"}: true, {Space: odm.NSInForm, Name: "Active"}: true,
		{Space: odm.NSInForm, Name: "Terminated"}: true, {Space: odm.NSInForm, Name: "InFormUserType"}: true,
		{Space: odm.NSRave, Name: "Active"}: true, {Space: odm.NSRave, Name: "UserRole"}: true,
		{Space: odm.NSRave, Name: "UserGroup"}: true, {Space: odm.NSRave, Name: "SiteGroup"}: true,
		{Space: odm.NSOpenClinica, Name: "UserRole"}: true, {Space: odm.NSOpenClinica, Name: "Status"}: true,
		{Space: odm.NSOpenClinica, Name: "UserName"}:   true,
		{Space: odm.NSOpenClinica12, Name: "UserRole"}: true, {Space: odm.NSOpenClinica12, Name: "Status"}: true,
		{Space: odm.NSOpenClinica12, Name: "UserName"}: true,
	},
	siteAttr: {
		{Space: odm.NSInForm, Name: "SiteCountry"}: true, {Space: odm.NSInForm, Name: "SiteTimezone"}: true,
		{Space: odm.NSInForm, Name: "Locale"}: true, {Space: odm.NSRave, Name: "Active"}: true,
	},
}

// AttrName returns the conventional name of a vendor attribute: "pf:DBUID", "mdsol:Active",
// "OpenClinica:Status", or "{namespace}local" for a namespace without a convention.
func AttrName(space, local string) string {
	switch space {
	case "":
		return local
	case odm.NSInForm:
		return "pf:" + local
	case odm.NSRave:
		return "mdsol:" + local
	case odm.NSOpenClinica, odm.NSOpenClinica12:
		return "OpenClinica:" + local
	case odm.NSXML:
		return "xml:" + local
	}
	return "{" + space + "}" + local
}

// extensions compares vendor attributes (by name) and vendor elements (as a set of XML texts).
// skip names attributes compared listing by listing instead (see listed).
func (c *comparer) extensions(login, target string, who owner, a, b *mapping.Source, skip []mapping.Attr) {
	var aa, ba []mapping.Attr
	var ae, be []string
	if a != nil {
		aa, ae = a.Attrs, a.Elements
	}
	if b != nil {
		ba, be = b.Attrs, b.Elements
	}
	if !slices.Equal(aa, ba) {
		c.extAttrs(login, target, who, aa, ba, skip)
	}
	if !slices.Equal(ae, be) {
		c.extElements(login, target, ae, be)
	}
}

func (c *comparer) extAttrs(login, target string, who owner, as, bs []mapping.Attr, skip []mapping.Attr) {
	type kv struct {
		name, val string
		ok        bool
	}
	vals := map[mapping.Attr][2]kv{}
	put := func(list []mapping.Attr, side int) {
		for _, x := range list {
			k := mapping.Attr{Space: x.Space, Name: x.Name}
			if mapped[who][k] || slices.Contains(skip, k) {
				continue
			}
			v := vals[k]
			if !v[side].ok { // the first of a repeated attribute counts, as in the reader
				v[side] = kv{AttrName(x.Space, x.Name), x.Value, true}
			}
			vals[k] = v
		}
	}
	put(as, 0)
	put(bs, 1)
	var changes []Change
	for _, v := range vals {
		o, n := v[0], v[1]
		if o.ok == n.ok && c.eqText(o.val, n.val) {
			continue
		}
		if !c.opts.KeepEmpty && c.text(o.val) == "" && c.text(n.val) == "" {
			continue
		}
		name := o.name
		if !o.ok {
			name = n.name
		}
		changes = append(changes, Change{Event: ExtensionChange, User: login, Target: target, ValueType: name, Old: o.val, New: n.val})
	}
	slices.SortFunc(changes, func(x, y Change) int { return strings.Compare(x.ValueType, y.ValueType) })
	c.out = append(c.out, changes...)
}

// elementName returns the qualified name an element's XML text starts with.
func elementName(x string) string {
	x = strings.TrimSpace(x)
	if !strings.HasPrefix(x, "<") {
		return "element"
	}
	end := strings.IndexAny(x, " \t\r\n/>")
	if end < 0 {
		return x[1:]
	}
	return x[1:end]
}

// normXML normalizes the white space of an element's XML text: runs are one space and
// white space between tags does not count.
func (c *comparer) normXML(x string) string {
	if c.opts.ExactText {
		return x
	}
	x = collapse(x)
	return strings.ReplaceAll(x, "> <", "><")
}

func (c *comparer) extElements(login, target string, as, bs []string) {
	norm := func(in []string) map[string]string {
		m := make(map[string]string, len(in))
		for _, x := range in {
			k := c.normXML(x)
			if _, ok := m[k]; !ok {
				m[k] = x
			}
		}
		return m
	}
	ma, mb := norm(as), norm(bs)
	removed, added := map[string][]string{}, map[string][]string{}
	for k, x := range ma {
		if _, ok := mb[k]; !ok {
			removed[elementName(x)] = append(removed[elementName(x)], x)
		}
	}
	for k, x := range mb {
		if _, ok := ma[k]; !ok {
			added[elementName(x)] = append(added[elementName(x)], x)
		}
	}
	names := keysOfEither(removed, added)
	slices.Sort(names)
	for _, n := range names {
		r, a := removed[n], added[n]
		slices.Sort(r)
		slices.Sort(a)
		// One element of a name on each side changed; pair them. Otherwise report each.
		if len(r) == 1 && len(a) == 1 {
			c.add(Change{Event: ExtensionChange, User: login, Target: target, ValueType: n, Old: r[0], New: a[0]})
			continue
		}
		for _, x := range r {
			c.add(Change{Event: ExtensionChange, User: login, Target: target, ValueType: n, Old: x})
		}
		for _, x := range a {
			c.add(Change{Event: ExtensionChange, User: login, Target: target, ValueType: n, New: x})
		}
	}
}
