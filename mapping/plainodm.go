package mapping

import "github.com/odmadmin/odmadmin/odm"

// plainODM is the flavour of the odm and odm2 profiles: standard ODM 1.3.2 or 2.0, with
// no vendor fields. Another vendor's attributes and elements it reads are recorded in
// Source; on writing, what the model knows beyond the standard is reported as lost. What
// differs between 1.3.2 and 2.0 is the writer's (write.go, odm2.go), as any vendor
// writes one of them.
type plainODM struct{ plainRoles }

// Standard ODM's answers, which the vendors' flavours embed and override where they differ
// (see flavour).

func (plainODM) namespace() string              { return "" }
func (plainODM) prefix() string                 { return "" }
func (plainODM) ownsNS(space string) bool       { return space == "" }
func (plainODM) mappedAttr(string, string) bool { return false }
func (plainODM) words() []string                { return nil }

func (plainODM) readStudy(*Study, *odm.Element, string) {}
func (plainODM) attrKind(string, string) attrKind       { return akOther }
func (plainODM) loginFromOID() bool                     { return false }

func (plainODM) userStatus(*builder, vendorAttrs, *odm.User, string) (Status, Category) {
	return "", ""
}

// userGroups: plain ODM has no user groups; every vendor element of the user is recorded.
func (plainODM) userGroups(b *builder, u *odm.User, _ vendorAttrs) []string {
	b.rec.uvarint(0)
	return userElements(u, nil)
}

func (plainODM) accessRole(_ *builder, _ *warner, pd pending, _ string) string { return pd.role }

func (plainODM) readLocation(*builder, *Site, *odm.Location) {}
func (plainODM) modelElement(*odm.Element) bool              { return false }
func (plainODM) autoLocation(string) bool                    { return false }

func (plainODM) siteStudies() bool                                        { return false }
func (plainODM) writeStudies(*writer, string, func(odm.Node))             {}
func (plainODM) blocks(*writer, []blockPlan, map[string]bool) []blockPlan { return nil }

// inBlock: an AdminData of a study holds that study's assignments and those of no study;
// one of no study holds all.
func (plainODM) inBlock(a Assignment, study string) bool {
	return study == "" || a.Study == study || a.Study == ""
}

func (plainODM) namesOnly() bool                        { return false }
func (plainODM) placeless() string                      { return "" }
func (plainODM) noUserOrganization() string             { return "" }
func (plainODM) fullName(*writer, *User, string) string { return "" }
func (plainODM) leave(*writer, *User, string)           {}
func (plainODM) writeVersions(*Site, []StudyVersion)    {}

// versionRef: a per-version site number (Rave's mdsol:StudySiteNumber) that is not the
// site's number has no place.
func (plainODM) versionRef(_ *odm.MetaDataVersionRef, v StudyVersion, s *Site, lost func(field, msg string)) {
	if v.Number != "" && v.Number != s.Number {
		lost("MetaDataVersionRef/@mdsol:StudySiteNumber", "the target has no per-version site number")
	}
}

func (plainODM) definesGroups() bool { return false }

// writeGroup: only InForm defines groups.
func (plainODM) writeGroup(w *writer, g *Group, _ *odm.Element) *odm.Element {
	w.warn.add(CodeUnrepresentable, "pf:GroupDef", "Group "+g.ID, "the target has no group definitions")
	return nil
}

func (plainODM) writeUser(w *writer, o *odm.User, u *User, f userFields) {
	if f.hasRole {
		w.warn.add(CodeUnrepresentable, "Assignment/Role", f.subject, w.noPlace()+"; roles are left out")
	}
	if u.Status != "" {
		f.lost("status", w.noPlace())
	}
	if u.Locale != "" {
		f.lost("locale", w.noPlace())
	}
	w.categoryLost(u, o.UserType, f.subject)
	w.groupsLost(u, f)
}

func (plainODM) writeLocation(w *writer, o *odm.Location, s *Site, base *odm.Location, lost func(field, msg string)) {
	w.plainLocation(s, lost)
}

// plainLocation reports the site fields plain ODM has no place for.
func (w *writer) plainLocation(s *Site, lost func(field, msg string)) {
	w.placeLost(s, "Location "+s.ID)
	if s.Number != "" {
		lost("number", "plain ODM has no site number")
	}
	if !s.Active {
		lost("active", "plain ODM has no active flag")
	}
}

// groupsLost reports the user's groups (but the rights group that is its role) and the
// external flag, for a target without user groups.
func (w *writer) groupsLost(u *User, f userFields) {
	for _, g := range u.Groups {
		if !(g.Type == "Rights" && f.hasRole && g.Name == f.role.Name) {
			f.lost("group", w.noPlace())
		}
	}
	if u.External {
		f.lost("external", w.noPlace())
	}
}
