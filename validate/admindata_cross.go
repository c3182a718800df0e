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
// candidates), each as hashes of its values, with no pointer: a check of files that share
// no users holds nothing here, and one whose files all hold the same users about 300
// bytes per User (TestCheckAcrossFilesBytesPerUser): the values' hashes (96 bytes), the
// vendor attributes' (16 bytes each, seven for InForm), and the OID and login keys
// (hashes too). It was some 600 bytes, each person an object with its own slice, found by
// its OID and login as strings. The people and their attributes are kept in chunks
// (chunked), so that growing them never copies them (TestCheckBesideTableHeapPerUser).
type crossUsers struct {
	names  []string // the files, by index
	tables []bool   // which files are tables (TableUser), placed by row

	people chunked[crossUser]
	// attrs hold the hashes of the people's vendor attributes' names and values, each
	// person's in one run (crossUser.attrOff, attrN); a person that gains one moves its
	// run to the end.
	attrs chunked[attrHash]
	// byOID and byLogin find a person by the hash of its OID and of its login key. Two
	// keys share a hash with a chance of about one in 2^64/n²: the two people would be
	// compared as one.
	byOID   hashIndex
	byLogin hashIndex
	// from is, for the people a later file filled a value of, where each value was
	// first seen: the file's index and the record's line.
	from map[int32]*[nCrossFields]crossAt
}

// crossUser is the merged person: where it was first seen and a hash of each value (0:
// none yet).
type crossUser struct {
	file, line int32
	vals       [nCrossFields]uint64
	// study is the hash of the StudyOID of the first record's AdminData.
	study   uint64
	attrOff uint64
	attrN   int32
}

type attrHash struct{ name, value uint64 }

// attrKey is the hash of an attribute's qualified name.
func (c *adminChecker) attrKey(n odm.Name) uint64 {
	return c.defs.h.sum(n.Space + "}" + n.Local)
}

// chunked is a growing array kept in chunks of chunkLen elements, addressed by index:
// appending never copies what it holds, where a slice that doubles copied everything
// (page faults on the new memory and all) and held both copies while it did. Beside a
// user table, growing the people and their attributes so took 14% of a check's time.
type chunked[T any] struct {
	chunks [][]T
	n      uint64 // the address the next run starts at (or the chunk after)
}

const chunkBits = 12

// alloc returns the address of a new run of n elements and the run, zeroed. A run never
// spans two chunks: one longer than a chunk gets chunks' addresses of its own.
func (c *chunked[T]) alloc(n int) (uint64, []T) {
	const size = 1 << chunkBits
	slot, off := int(c.n>>chunkBits), int(c.n&(size-1))
	if n == 0 {
		return c.n, nil
	}
	if n > size {
		slot = len(c.chunks)
		run := make([]T, n)
		c.chunks = append(c.chunks, run)
		for range (n - 1) / size {
			c.chunks = append(c.chunks, nil)
		}
		c.n = uint64(len(c.chunks)) << chunkBits
		return uint64(slot) << chunkBits, run
	}
	if slot == len(c.chunks) || off+n > size {
		c.chunks = append(c.chunks, make([]T, size))
		slot, off = len(c.chunks)-1, 0
	}
	at := uint64(slot)<<chunkBits | uint64(off)
	c.n = at + uint64(n)
	return at, c.chunks[slot][off : off+n : off+n]
}

// run returns the n elements at address at.
func (c *chunked[T]) run(at uint64, n int) []T {
	if n == 0 {
		return nil
	}
	off := int(at & (1<<chunkBits - 1))
	return c.chunks[at>>chunkBits][off : off+n : off+n]
}

// grow returns the address of the run at at, of n elements, made one longer: in place
// when it is the last run and its chunk has room, else copied to a new run.
func (c *chunked[T]) grow(at uint64, n int) (uint64, []T) {
	if n > 0 && at+uint64(n) == c.n && int(at&(1<<chunkBits-1))+n < 1<<chunkBits {
		c.n++
		return at, c.run(at, n+1)
	}
	to, run := c.alloc(n + 1)
	copy(run, c.run(at, n))
	return to, run
}

// attrsOf returns the run of person p's attribute hashes.
func (x *crossUsers) attrsOf(p *crossUser) []attrHash {
	return x.attrs.run(p.attrOff, int(p.attrN))
}

// attr returns the index of the attribute named by key in p's run, or -1.
func (x *crossUsers) attr(p *crossUser, key uint64) int {
	for i, a := range x.attrsOf(p) {
		if a.name == key {
			return i
		}
	}
	return -1
}

// addAttr adds an attribute's hashes to p's run, moving the run to the end of x.attrs
// first when it cannot grow where it is (a later file's attribute: rare, and the old run
// is left).
func (x *crossUsers) addAttr(p *crossUser, a attrHash) {
	at, run := x.attrs.grow(p.attrOff, int(p.attrN))
	run[len(run)-1] = a
	p.attrOff = at
	p.attrN++
}

// person returns the person of index i.
func (x *crossUsers) person(i int32) *crossUser {
	return &x.people.chunks[i>>chunkBits][i&(1<<chunkBits-1)]
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
	return &crossUsers{names: names, tables: tables, from: map[int32]*[nCrossFields]crossAt{}}
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
	h := c.defs.h
	key := ""
	if login != "" {
		key = c.defs.loginKey(login)
	}
	var oidHash, keyHash uint64
	pi := int32(-1)
	if oid != "" {
		oidHash = h.sum(oid)
		if i, ok := x.byOID.get(oidHash); ok {
			pi = i
		}
	}
	if key != "" {
		keyHash = h.sum(key)
		if i, ok := x.byLogin.get(keyHash); ok && pi < 0 {
			pi = i
		}
	}
	var p *crossUser
	switch {
	case pi < 0:
		if !(oid != "" && c.defs.candidate(kindUser, oid)) && !(key != "" && c.defs.candidate(kindLogin, key)) {
			return // no other User shares its OID or login name: no other file holds it
		}
		at, _ := x.people.alloc(1)
		pi = int32(at)
		p = x.person(pi)
		*p = crossUser{file: int32(c.file), line: int32(line), study: h.sum(c.adStudy) | 1, attrOff: x.attrs.n}
		for i, v := range vals {
			if v != "" {
				p.vals[i] = h.sum(v) | 1
			}
		}
		for _, a := range attrs {
			if k := c.attrKey(a.Name); vendorAttr(a) && x.attr(p, k) < 0 {
				x.addAttr(p, attrHash{k, h.sum(a.Value) | 1})
			}
		}
	case int(x.person(pi).file) == c.file:
		// A repeat within the file: uniqueness (and the reader's merge of AdminData blocks)
		// is the business of the other checks.
		return
	default:
		p = x.person(pi)
		conflict := func(field string, from crossAt, line, col int) {
			first := x.ref(int(p.file), int(p.line))
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
				from := x.from[pi]
				if from == nil {
					from = new([nCrossFields]crossAt)
					x.from[pi] = from
				}
				from[i] = crossAt{int32(c.file), int32(line)}
			case hv:
			default:
				l, k := line, col
				if at != nil && !strings.HasPrefix(names[i], "@") {
					l, k = at(names[i])
				}
				var from crossAt
				if f := x.from[pi]; f != nil {
					from = f[i]
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
			switch i := x.attr(p, k); {
			case i < 0:
				x.addAttr(p, attrHash{k, hv})
			case x.attrsOf(p)[i].value != hv && sameStudy:
				conflict("@"+attrName(a.Name), crossAt{}, line, col)
			}
		}
	}
	// Index the person under every OID and login it goes by, as a merge does.
	if _, ok := x.byOID.get(oidHash); oid != "" && !ok {
		x.byOID.put(oidHash, pi)
	}
	if _, ok := x.byLogin.get(keyHash); key != "" && !ok {
		x.byLogin.put(keyHash, pi)
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
