package validate

import (
	"strconv"
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
// compared with the merged person. Vendor attributes (another namespace's) are compared
// between records of the same study only, as a merge compares them: a Rave or InForm
// export of two studies gives one user a role and status per study (mdsol:UserRole,
// pf:Active), which is no conflict.
//
// Only Users whose OID or login name pass 1 saw more than once are remembered (adminDefs'
// candidates), each as hashes of its values: a check of files that share no users holds
// nothing here, and one whose files all hold the same users about 600 bytes per User (the
// values' and vendor attributes' hashes, the OID and login keys; measured: two copies of a
// 200,000-user InForm export, 313 MB peak against 195 MB without this comparison).
type crossUsers struct {
	names  []string // the files, by index
	tables []bool   // which files are tables (TableUser), placed by row

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
	from *[nCrossFields]crossAt // nil until a later file fills a value
	// study is the hash of the StudyOID of the first record's AdminData; attrs hold the
	// hashes of its vendor attributes' names and values (a slice: an InForm user has a
	// dozen, and a map of them cost ten times the memory).
	study uint64
	attrs []attrHash
}

type attrHash struct{ name, value uint64 }

// attrKey is the hash of an attribute's qualified name.
func (c *adminChecker) attrKey(n odm.Name) uint64 {
	return c.defs.h.sum(n.Space + "}" + n.Local)
}

// attr returns the index of the attribute named by key in p.attrs, or -1.
func (p *crossUser) attr(key uint64) int {
	for i := range p.attrs {
		if p.attrs[i].name == key {
			return i
		}
	}
	return -1
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

func newCrossUsers(names []string, tables []bool) *crossUsers {
	return &crossUsers{names: names, tables: tables, byOID: map[string]*crossUser{}, byLogin: map[string]*crossUser{}}
}

// ref names a place for a message: the file and " (line N)", or " (row N)" in a table.
func (x *crossUsers) ref(file, line int) string {
	if x.tables[file] && line > 0 {
		return x.names[file] + " (row " + strconv.Itoa(line) + ")"
	}
	return x.names[file] + lineRef(line)
}

// TableUser is a user of a file of a check that is no ODM: a user table that adds e-mail
// addresses or logins by OID, a Clinical One template, a directory in JSON (see
// AdminDataInput.Users). It joins the identity rules across files and nothing else.
type TableUser struct {
	OID, Login, DisplayName, FullName, FirstName, LastName, Organization string
	// Row is where the user is in its table (the header is row 1); 0 when unknown.
	Row int
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
	vals, names := c.crossFields(u)
	c.crossPerson(label("User", u.OID), vals, names, u.Attrs, u.Line, u.Col, func(elem string) (int, int) {
		return c.childAt(&u.Ext, elem, 0)
	})
}

// tableUser is crossUser for a user of a table that is no ODM (TableUser).
func (c *adminChecker) tableUser(u TableUser) {
	vals := [nCrossFields]string{u.OID, u.Login, u.DisplayName, u.FullName, u.FirstName, u.LastName,
		"", "", "", u.Organization, "", ""}
	for i := range vals {
		vals[i] = strings.TrimSpace(vals[i])
	}
	names := [nCrossFields]string{"@OID", "LoginName", "DisplayName", "FullName", "FirstName", "LastName",
		"Prefix", "Suffix", "Pager", "Organization", "@OrganizationOID", "@UserType"}
	c.crossPerson(label("User", u.OID), vals, names, nil, u.Row, 0, nil)
}

// crossPerson is the comparison of crossUser: vals are a person's values (trimmed) under
// names, at line and col of its file (a table's row, col 0); at places a value's element
// (nil: at the person).
func (c *adminChecker) crossPerson(who string, vals, names [nCrossFields]string, attrs []odm.Attr, line, col int, at func(elem string) (int, int)) {
	x := c.defs.cross
	if x == nil {
		return
	}
	oid, login := vals[crossOID], vals[crossLogin]
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
	h := c.defs.h
	switch {
	case p == nil:
		if !(oid != "" && c.defs.candidate(kindUser, oid)) && !(key != "" && c.defs.candidate(kindLogin, key)) {
			return // no other User shares its OID or login name: no other file holds it
		}
		p = &crossUser{file: c.file, line: line, study: h.sum(c.adStudy) | 1}
		for i, v := range vals {
			if v != "" {
				p.vals[i] = h.sum(v) | 1
			}
		}
		for _, a := range attrs {
			if k := c.attrKey(a.Name); vendorAttr(a) && p.attr(k) < 0 {
				p.attrs = append(p.attrs, attrHash{k, h.sum(a.Value) | 1})
			}
		}
	case p.file == c.file:
		// A repeat within the file: uniqueness (and the reader's merge of AdminData blocks)
		// is the business of the other checks.
		return
	default:
		conflict := func(field string, from crossAt, line, col int) {
			first := x.ref(p.file, p.line)
			if from != (crossAt{}) {
				first = x.ref(int(from.file), int(from.line))
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
				if p.from == nil {
					p.from = new([nCrossFields]crossAt)
				}
				p.from[i] = crossAt{int32(c.file), int32(line)}
			case hv:
			default:
				l, k := line, col
				if at != nil && !strings.HasPrefix(names[i], "@") {
					l, k = at(names[i])
				}
				var from crossAt
				if p.from != nil {
					from = p.from[i]
				}
				conflict(names[i], from, l, k)
			}
		}
		sameStudy := p.study == h.sum(c.adStudy)|1
		for _, a := range attrs {
			if !vendorAttr(a) {
				continue
			}
			hv, k := h.sum(a.Value)|1, c.attrKey(a.Name)
			switch i := p.attr(k); {
			case i < 0:
				p.attrs = append(p.attrs, attrHash{k, hv})
			case p.attrs[i].value != hv && sameStudy:
				conflict("@"+attrName(a.Name), crossAt{}, line, col)
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

// vendorAttr reports whether a is a vendor's extension attribute (in a namespace, not a
// declaration), the attributes a merge keeps with the user.
func vendorAttr(a odm.Attr) bool { return a.Space != "" && !a.IsNamespaceDecl() }

// attrName names an extension attribute for a message by its namespace's usual prefix
// where odmadmin knows it (mdsol, pf), else as {namespace}local, as mapping names it.
func attrName(n odm.Name) string {
	switch n.Space {
	case odm.NSRave:
		return "mdsol:" + n.Local
	case odm.NSInForm:
		return "pf:" + n.Local
	}
	return "{" + n.Space + "}" + n.Local
}
