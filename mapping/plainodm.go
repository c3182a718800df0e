package mapping

import "github.com/odmadmin/odmadmin/odm"

// plainODM is the flavour of the odm and odm2 profiles: standard ODM 1.3.2 or 2.0, with
// no vendor fields. Another vendor's attributes and elements it reads are recorded in
// Source; on writing, what the model knows beyond the standard is reported as lost. What
// differs between 1.3.2 and 2.0 is the writer's (write.go, odm2.go), as any vendor
// writes one of them.
type plainODM struct{}

func (plainODM) readLocation(*Site, *odm.Location) {}
func (plainODM) modelElement(*odm.Element) bool    { return false }
func (plainODM) autoLocation(string) bool          { return false }

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
	w.placeLost(s, "Location "+s.ID, false)
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
