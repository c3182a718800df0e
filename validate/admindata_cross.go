package validate

import (
	"strings"

	"github.com/odmadmin/odmadmin/odm"
)

// crossUsers follows the Users that several files of one check share, by the identity
// rules odmadmin map, diff and plan merge files with (mapping.Merge): a User of a later
// file is the same person as one of an earlier file with the same OID, else with the same
// login name (ignoring case). Such a repeat is no error (InForm's paged downloads, a Rave
// Users.odm passed with a page of itself); a value the two files give differently is a
// CodeMergeConflict warning, because a merge keeps the first file's value and drops the
// other. A value only one file has fills the gap, as in a merge, so a third file is
// compared with the merged person. Vendor attributes are not compared: a Rave or InForm
// export of two studies gives one user a role and status per study (mdsol:UserRole,
// pf:Active), which a merge keeps per assignment, not as one value.
//
// Only Users whose OID or login name pass 1 saw more than once are remembered (adminDefs'
// candidates), each as hashes of its values: a check of files that share no users holds
// nothing here, and one whose files all hold the same users a few hundred bytes per User
// (the values' hashes and where each came from, and the OID and login keys).
type crossUsers struct {
	names   []string // the files, by index
	byOID   map[string]*crossUser
	byLogin map[string]*crossUser
}

// crossUser is the merged person: where it was first seen and a hash of each value (0:
// none yet).
type crossUser struct {
	file, line int
	vals       [nCrossFields]uint64
	// from is where each value was first seen, when not in the first record (a value a
	// later file filled in): the file's index and the record's line.
	from [nCrossFields]crossAt
}

type crossAt struct{ file, line int32 }

// The User values compared across files: those mapping.Merge reports a conflict on. Lists
// (e-mail addresses, phones, LocationRefs, addresses) are united by a merge, never in
// conflict.
const (
	crossOID = iota
	crossLogin
	crossDisplayName
	crossFullName
	crossFirstName
	crossLastName
	crossPrefix
	crossSuffix
	crossPager
	crossOrganization
	crossOrganizationOID
	crossUserType
	nCrossFields
)

func newCrossUsers(names []string) *crossUsers {
	return &crossUsers{names: names, byOID: map[string]*crossUser{}, byLogin: map[string]*crossUser{}}
}

// crossFields returns the compared values of u, trimmed, and the element or attribute
// name of each in the file's version.
func (c *adminChecker) crossFields(u *odm.User) (vals [nCrossFields]string, names [nCrossFields]string) {
	vals = [nCrossFields]string{u.OID, u.LoginName, u.DisplayName, u.FullName, u.FirstName, u.LastName,
		u.Prefix, u.Suffix, u.Pager, u.Organization, u.OrganizationOID, string(u.UserType)}
	for i := range vals {
		vals[i] = strings.TrimSpace(vals[i])
	}
	names = [nCrossFields]string{"@OID", c.name13or20("LoginName", "UserName"), "DisplayName", "FullName",
		c.name13or20("FirstName", "GivenName"), c.name13or20("LastName", "FamilyName"), "Prefix", "Suffix",
		"Pager", "Organization", "@OrganizationOID", "@UserType"}
	return vals, names
}

// crossUser compares u, a User of the current file, with the same person in an earlier
// file of the check, and remembers it for later files when another file may hold it.
func (c *adminChecker) crossUser(u *odm.User) {
	x := c.defs.cross
	if x == nil {
		return
	}
	oid := strings.TrimSpace(u.OID)
	login := strings.TrimSpace(u.LoginName)
	key := ""
	if login != "" {
		key = c.defs.loginKey(login)
	}
	var p *crossUser
	if oid != "" {
		p = x.byOID[oid]
	}
	if p == nil && key != "" {
		p = x.byLogin[key]
	}
	vals, names := c.crossFields(u)
	h := c.defs.h
	switch {
	case p == nil:
		if !(oid != "" && c.defs.candidate(kindUser, oid)) && !(key != "" && c.defs.candidate(kindLogin, key)) {
			return // no other User shares its OID or login name: no other file holds it
		}
		p = &crossUser{file: c.file, line: u.Line}
		for i, v := range vals {
			if v != "" {
				p.vals[i] = h.sum(v) | 1
			}
		}
	case p.file == c.file:
		// A repeat within the file: uniqueness (and the reader's merge of AdminData blocks)
		// is the business of the other checks.
		return
	default:
		who := label("User", u.OID)
		conflict := func(field string, from crossAt, line, col int) {
			first := x.names[p.file] + lineRef(p.line)
			if from != (crossAt{}) {
				first = x.names[from.file] + lineRef(int(from.line))
			}
			c.add(SeverityWarning, CodeMergeConflict, "User/"+strings.TrimPrefix(field, "@"), line, col, "",
				who+": "+field+" differs from that of the same user in "+first+
					"; merged (odmadmin map, diff, plan), the first file's value is kept")
		}
		for i, v := range vals {
			if v == "" {
				continue
			}
			hv := h.sum(v) | 1
			switch p.vals[i] {
			case 0:
				p.vals[i] = hv
				p.from[i] = crossAt{int32(c.file), int32(u.Line)}
			case hv:
			default:
				line, col := u.Line, u.Col
				if !strings.HasPrefix(names[i], "@") {
					line, col = c.childAt(&u.Ext, names[i], 0)
				}
				conflict(names[i], p.from[i], line, col)
			}
		}
	}
	// Index the person under every OID and login it goes by, as a merge does.
	if oid != "" && x.byOID[oid] == nil {
		x.byOID[oid] = p
	}
	if key != "" && x.byLogin[key] == nil {
		x.byLogin[key] = p
	}
}
