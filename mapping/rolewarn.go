package mapping

import "fmt"

// CodeRoleVerbatim: a role read from one vendor is written under its own name into
// another vendor's file, whose role of that name may not exist (an InForm rights group
// "Site Investigator Rights" as a Clinical One Study Role), because no migration spec
// said what it becomes there. The name is still written as read: renaming it silently
// could grant other rights. Count says how many users are written with it.
const CodeRoleVerbatim Code = "role-verbatim"

// roleVendor is the vendor whose role names profile p reads and writes ("" for plain ODM,
// which has none): the OpenClinica 4 user table's names are OpenClinica's.
func roleVendor(p Profile) Profile {
	switch p {
	case ProfileInForm, ProfileRave, ProfileOpenClinica, ProfileClinicalOne:
		return p
	case ProfileOC4Users:
		return ProfileOpenClinica
	}
	return ""
}

var vendorTitles = map[Profile]string{
	ProfileInForm: "InForm", ProfileRave: "Rave", ProfileOpenClinica: "OpenClinica", ProfileClinicalOne: "Clinical One",
}

// specHint is how the command line writes a target profile, for the fix a
// CodeRoleVerbatim warning suggests.
var specHint = map[Profile]string{
	ProfileInForm: "--to odm --profile inform", ProfileRave: "--to odm --profile rave",
	ProfileOpenClinica: "--to odm --profile openclinica", ProfileClinicalOne: "--to csv",
	ProfileOC4Users: "--to oc4users",
}

// roleVerbatim returns the CodeRoleVerbatim message for u's role r written as name into
// target at scope s, or "" when the name is no other vendor's: the role was read from
// target's vendor (or from no vendor), a migration spec mapped u's roles for it
// (Source.rolesFor), or name is the target's own name for r's canonical role.
func roleVerbatim(target Profile, u *User, r Role, name string, s Scope) string {
	if name == "" || u == nil || u.Source == nil {
		return ""
	}
	from, to := roleVendor(u.Source.Vendor), roleVendor(target)
	if from == "" || to == "" || from == to || roleVendor(u.Source.rolesFor) == to {
		return ""
	}
	if roleKey(name) == roleKey(DefaultRoleName(to, r.Canonical, s)) {
		return ""
	}
	// The message names the role (a vendor's name, not a person's) so that each distinct
	// role is one warning, merged over the users written with it.
	return fmt.Sprintf("%s role %q is written as it is into %s, which may have no role of that name; "+
		"say what it becomes in a migration spec: odmadmin map --spec-template %s IN > spec.csv, "+
		"fill in Target, then map with --spec spec.csv",
		vendorTitles[from], name, vendorTitles[to], specHint[target])
}

// warnVerbatimRole adds roleVerbatim's warning, if any, to w under field.
func warnVerbatimRole(w *warner, field string, target Profile, u *User, r Role, name string, s Scope) {
	if msg := roleVerbatim(target, u, r, name, s); msg != "" {
		w.add(CodeRoleVerbatim, field, "User "+u.ID, msg)
	}
}
