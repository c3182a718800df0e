package odm

// Typed views of vendor extensions. They read and write the underlying extension
// attributes and elements, looked up by namespace URI, so the views and the raw Ext data
// never disagree. Values are kept as the vendor wrote them ("Yes"/"No" stay strings; see
// YesNo).

// YesNo reads a vendor boolean written as Yes/No (or true/false, 1/0). ok is false when s
// is empty or something else.
func YesNo(s string) (v, ok bool) {
	switch s {
	case "Yes", "yes", "YES", "true", "1", "Y", "y":
		return true, true
	case "No", "no", "NO", "false", "0", "N", "n":
		return false, true
	}
	return false, false
}

// InFormUser is the InForm (pf:) view of a User.
type InFormUser struct {
	DBUID          string
	GUID           string
	Revision       string
	StudyLocale    string
	Active         string // Yes / No
	Terminated     string // Yes / No
	InFormUserType string // System, Site, Sponsor, Support, Integration
	// GroupRefs lists the GroupOID of each pf:GroupRef, in order.
	GroupRefs []string
}

var informUserAttrs = []string{"DBUID", "GUID", "Revision", "StudyLocale", "Active", "Terminated", "InFormUserType"}

func (v *InFormUser) ptrs() []*string {
	return []*string{&v.DBUID, &v.GUID, &v.Revision, &v.StudyLocale, &v.Active, &v.Terminated, &v.InFormUserType}
}

// InForm returns the user's InForm extension values.
func (u *User) InForm() InFormUser {
	var v InFormUser
	for i, p := range v.ptrs() {
		*p, _ = u.Attr(NSInForm, informUserAttrs[i])
	}
	for _, g := range u.Elements(NSInForm, "GroupRef") {
		id, _ := g.Attr("", "GroupOID")
		v.GroupRefs = append(v.GroupRefs, id)
	}
	return v
}

// SetInForm writes v into the user's pf: attributes and pf:GroupRef elements: empty
// fields remove their attribute; GroupRefs replaces the existing GroupRef elements.
func (u *User) SetInForm(v InFormUser) {
	for i, p := range v.ptrs() {
		setOrRemove(&u.Ext, NSInForm, "pf", informUserAttrs[i], *p)
	}
	keep := u.Nodes[:0:0]
	for _, n := range u.Nodes {
		if e, ok := n.(*Element); ok && e.Is(NSInForm, "GroupRef") {
			continue
		}
		keep = append(keep, n)
	}
	for _, id := range v.GroupRefs {
		keep = append(keep, &Element{Name: Name{Space: NSInForm, Prefix: "pf", Local: "GroupRef"},
			Attrs: []Attr{{Name: Name{Local: "GroupOID"}, Value: id}}, Empty: true})
	}
	u.Nodes = keep
}

func setOrRemove(x *Ext, space, prefix, local, value string) {
	if value == "" {
		x.RemoveAttr(space, local)
		return
	}
	x.SetAttr(space, prefix, local, value)
}

// InFormLocation is the InForm (pf:) view of a Location.
type InFormLocation struct {
	SiteCountry  string
	SiteTimezone string
	Locale       string
	GUID         string
	Revision     string
	// Mnemonic is the text of pf:Mnemonic/TranslatedText (or the pf:Mnemonic attribute
	// that some InForm versions write instead).
	Mnemonic string
}

// InForm returns the location's InForm extension values.
func (l *Location) InForm() InFormLocation {
	var v InFormLocation
	v.SiteCountry, _ = l.Attr(NSInForm, "SiteCountry")
	v.SiteTimezone, _ = l.Attr(NSInForm, "SiteTimezone")
	v.Locale, _ = l.Attr(NSInForm, "Locale")
	v.GUID, _ = l.Attr(NSInForm, "GUID")
	v.Revision, _ = l.Attr(NSInForm, "Revision")
	v.Mnemonic, _ = l.Attr(NSInForm, "Mnemonic")
	for _, m := range l.Elements(NSInForm, "Mnemonic") {
		for _, c := range m.Children {
			if tt, ok := c.(*Element); ok && tt.Local == "TranslatedText" {
				v.Mnemonic = tt.Text()
			}
		}
	}
	return v
}

// InFormGroup is an InForm pf:GroupDef with its rights.
type InFormGroup struct {
	OID       string
	Name      string
	GroupType string // Rights, Site, Query, Signature, ...
	Rights    []string
}

// InFormGroups returns the pf:GroupDef elements of the AdminData.
func (a *AdminData) InFormGroups() []InFormGroup {
	var out []InFormGroup
	for _, g := range a.Elements(NSInForm, "GroupDef") {
		v := InFormGroup{}
		v.OID, _ = g.Attr("", "OID")
		v.Name, _ = g.Attr("", "Name")
		v.GroupType, _ = g.Attr("", "GroupType")
		for _, r := range g.Elements(NSInForm, "Right") {
			d, _ := r.Attr("", "Description")
			v.Rights = append(v.Rights, d)
		}
		out = append(out, v)
	}
	return out
}

// RaveUser is the Medidata Rave (mdsol:) view of a User.
type RaveUser struct {
	Active    string // Yes / No
	UserGroup string
	SiteGroup string
	UserRole  string
}

var raveUserAttrs = []string{"Active", "UserGroup", "SiteGroup", "UserRole"}

func (v *RaveUser) ptrs() []*string {
	return []*string{&v.Active, &v.UserGroup, &v.SiteGroup, &v.UserRole}
}

// Rave returns the user's Rave extension values.
func (u *User) Rave() RaveUser {
	var v RaveUser
	for i, p := range v.ptrs() {
		*p, _ = u.Attr(NSRave, raveUserAttrs[i])
	}
	return v
}

// SetRave writes v into the user's mdsol: attributes; empty fields remove them.
func (u *User) SetRave(v RaveUser) {
	for i, p := range v.ptrs() {
		setOrRemove(&u.Ext, NSRave, "mdsol", raveUserAttrs[i], *p)
	}
}

// RaveActive returns the location's mdsol:Active value (Yes / No).
func (l *Location) RaveActive() string {
	v, _ := l.Attr(NSRave, "Active")
	return v
}

// RaveStudySiteNumber returns the mdsol:StudySiteNumber of the reference.
func (r *MetaDataVersionRef) RaveStudySiteNumber() string {
	v, _ := r.Attr(NSRave, "StudySiteNumber")
	return v
}

// LatestMetaDataVersionRef returns the reference with the latest EffectiveDate (the
// version the location uses now), or nil. Dates that do not parse sort first.
func (l *Location) LatestMetaDataVersionRef() *MetaDataVersionRef {
	if l == nil {
		return nil
	}
	var best *MetaDataVersionRef
	var bestDate string
	for _, r := range l.MetaDataVersionRefs {
		if r == nil {
			continue // a nil entry holds no reference (the encoder skips it too)
		}
		d := r.EffectiveDate
		if t, err := ParseDate(d); err == nil {
			d = t.Format("2006-01-02")
		} else {
			d = ""
		}
		if best == nil || d >= bestDate {
			best, bestDate = r, d
		}
	}
	return best
}
