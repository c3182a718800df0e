package mapping

import (
	"slices"

	"github.com/odmadmin/odmadmin/odm"
)

// rave is Medidata Rave's flavour (namespace mdsol:), as in its Users.odm and Sites.odm:
// mdsol:Active, mdsol:UserRole, mdsol:UserGroup and mdsol:SiteGroup on users (the User
// OID is the login), mdsol:Active on Locations and mdsol:StudySiteNumber on their study
// version references.
type rave struct{ plainODM }

func (rave) namespace() string { return odm.NSRave }
func (rave) prefix() string    { return "mdsol" }
func (rave) roleOwner() (Profile, string, string) {
	return ProfileRave, "Rave", "--to odm --profile rave"
}
func (rave) ownsNS(space string) bool { return space == odm.NSRave }

func (rave) mappedAttr(elem, local string) bool {
	switch elem {
	case "User":
		return local == "Active" || local == "UserRole" || local == "UserGroup" || local == "SiteGroup"
	case "Location":
		return local == "Active"
	}
	return false
}

func (rave) words() []string {
	return []string{odm.NSRave, "Active", "UserRole", "UserGroup", "SiteGroup", "StudySiteNumber"}
}

func (rave) attrKind(space, local string) attrKind {
	if space != odm.NSRave {
		return akOther
	}
	switch local {
	case "Active":
		return akActive
	case "UserRole":
		return akRole
	case "UserGroup":
		return akUserGroup
	case "SiteGroup":
		return akSiteGroup
	}
	return akOther
}

// loginFromOID: Rave's User OID is the login name.
func (rave) loginFromOID() bool { return true }

func (rave) userStatus(b *builder, x vendorAttrs, u *odm.User, id string) (Status, Category) {
	st := raveStatusOf(x.active, x.hasActive)
	if st == "" && x.hasActive {
		// mdsol:Active says Yes or No; another value says neither, so it is reported
		// rather than passed over as no status (as InForm's pf:Active).
		b.w.addAt(CodeInvalidValue, "User/@mdsol:Active", "User "+id, "mdsol:Active is neither Yes nor No; it gives no status", atRecord(&u.Ext))
	}
	return st, ""
}

// userGroups: mdsol:UserGroup and mdsol:SiteGroup are groups known by name.
func (rave) userGroups(b *builder, u *odm.User, x vendorAttrs) []string {
	ug, sg := x.userGroupV, x.siteGroupV
	b.rec.uvarint(uint64(btoi(ug != "") + btoi(sg != "")))
	if ug != "" {
		b.groupByAttr(x.userGroup, ug, "UserGroup")
	}
	if sg != "" {
		b.groupByAttr(x.siteGroup, sg, "SiteGroup")
	}
	return userElements(u, nil)
}

// writeVersions: Rave carries the site number on the current version's reference.
func (rave) writeVersions(s *Site, want []StudyVersion) {
	if s.Number != "" {
		if l := latest(want); l != nil && l.Number == "" {
			l.Number = s.Number
		}
	}
}

// versionRef writes mdsol:StudySiteNumber on every reference, empty where the version has
// no number of its own (writeVersions puts the site's number on the current one), as
// Rave's own Sites.odm does (rwslib's example: mdsol:StudySiteNumber="" on each
// reference); it reads back as no number.
func (rave) versionRef(r *odm.MetaDataVersionRef, v StudyVersion, _ *Site, _ func(field, msg string)) {
	r.SetAttr(odm.NSRave, "mdsol", "StudySiteNumber", v.Number)
}

// studySiteNumber reads the site number Rave writes on a study version reference
// (mdsol:StudySiteNumber); every profile reads it, as plain ODM files carry it too.
func studySiteNumber(r *odm.MetaDataVersionRef) string {
	v, _ := r.Attr(odm.NSRave, "StudySiteNumber")
	return v
}

func (rave) readLocation(b *builder, s *Site, l *odm.Location) {
	if v, ok := l.Attr(odm.NSRave, "Active"); ok {
		if a, ok := yes(v); ok {
			s.Active = a
		} else {
			// Neither Yes nor No: the site stays active, as one without the attribute,
			// and the value is reported rather than passed over.
			b.w.addAt(CodeInvalidValue, "Location/@mdsol:Active", "Location "+s.ID, "mdsol:Active is neither Yes nor No; the site is read as active, as without it", atRecord(&l.Ext))
		}
	}
	if v := latest(s.Versions); v != nil {
		s.Number = v.Number
	}
}

func (rave) modelElement(*odm.Element) bool { return false }
func (rave) autoLocation(string) bool       { return false }

func (rave) writeUser(w *writer, o *odm.User, u *User, f userFields) {
	subject, lost, role, hasRole := f.subject, f.lost, f.role, f.hasRole
	if raveStatus(&o.Ext) != u.Status {
		switch u.Status {
		case StatusAvailable:
			setExt(&o.Ext, odm.NSRave, "Active", "Yes")
		case "":
			o.RemoveAttr(odm.NSRave, "Active")
		default:
			if u.Status != StatusDeactivated {
				w.warn.add(CodeApproximated, "User/status", subject, "Rave has Active Yes/No only; a "+string(u.Status)+" account is written as not active")
			}
			setExt(&o.Ext, odm.NSRave, "Active", "No")
		}
	}
	want := ""
	if hasRole {
		want = w.roleName(u, role, f.scope)
	}
	if cur, _ := o.Attr(odm.NSRave, "UserRole"); cur != want {
		setExt(&o.Ext, odm.NSRave, "UserRole", want)
	}
	var ug, sg string
	for _, g := range u.Groups {
		switch {
		case g.Type == "UserGroup" && ug == "":
			ug = g.Name
		case g.Type == "SiteGroup" && sg == "":
			sg = g.Name
		case g.Type == "Rights" && hasRole && g.Name == role.Name:
			// the InForm rights group is the role, written as UserRole
		case g.Type == "UserGroup" || g.Type == "SiteGroup":
			lost("group", "Rave has one user group and one site group per user; a second one is left out")
		default:
			// Another vendor's group (an InForm site, query or signature group): none
			// is written, so the message does not say the user's groups are.
			lost("group", "Rave's groups are a user group and a site group (mdsol:UserGroup, mdsol:SiteGroup); another vendor's group is left out")
		}
	}
	if cur, ok := o.Attr(odm.NSRave, "UserGroup"); cur != ug && (ok || ug != "") {
		setExt(&o.Ext, odm.NSRave, "UserGroup", ug)
	}
	if cur, ok := o.Attr(odm.NSRave, "SiteGroup"); cur != sg && (ok || sg != "") {
		setExt(&o.Ext, odm.NSRave, "SiteGroup", sg)
	}
	if u.Locale != "" {
		lost("locale", "Rave's Users.odm has no locale")
	}
	w.categoryLost(u, o.UserType, subject)
	if u.External {
		lost("external", "Rave's Users.odm has no flag for externally authenticated users")
	}
	if u.Login == "" && u.ID != "" {
		// Rave reads a User without LoginName as logging in with its OID.
		w.warn.addUser(CodeGenerated, "User/LoginName", u.ID, "Rave's User OID is the login name: a user without a login name reads back with its OID as the login")
	}
}

func (rave) writeLocation(w *writer, o *odm.Location, s *Site, base *odm.Location, lost func(field, msg string)) {
	act := "Yes"
	if !s.Active {
		act = "No"
	}
	derived := true // what the Location says now: no mdsol:Active reads as active
	cur, ok := o.Attr(odm.NSRave, "Active")
	if y, isBool := yes(cur); ok && isBool {
		derived = y
	}
	// A fresh Location says so, unless it is written back to Rave, which read it
	// without mdsol:Active (active) and records no such attribute.
	absent := w.same && s.Source != nil && s.Source.Vendor == w.p && s.Active &&
		!slices.ContainsFunc(s.Source.Attrs, func(a Attr) bool { return a.Space == odm.NSRave && a.Name == "Active" })
	if derived != s.Active || base == nil && !ok && !absent {
		setExt(&o.Ext, odm.NSRave, "Active", act)
	}
	w.placeLost(s, "Location "+s.ID)
}

// raveStatus reads mdsol:Active.
func raveStatus(x *odm.Ext) Status {
	v, ok := x.Attr(odm.NSRave, "Active")
	return raveStatusOf(v, ok)
}

func raveStatusOf(v string, present bool) Status {
	if present {
		if a, ok := yes(v); ok {
			if a {
				return StatusAvailable
			}
			return StatusDeactivated
		}
	}
	return ""
}
