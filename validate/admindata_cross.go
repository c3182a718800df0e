package validate

import (
	"math/bits"
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
// no users holds nothing here, and one whose files all hold the same users about 240
// bytes per User (TestCheckAcrossFilesBytesPerUser): the person (32 bytes), the hashes of
// the values it has (8 bytes each, seven for InForm) and of its vendor attributes' names
// and values (16 bytes each, seven for InForm), and its OID and login keys in two
// hashIndexes. It was some 600 bytes, each person an object with its own slice, found by
// its OID and login as strings, then 300 with a hash for each of the twelve values and
// maps for the keys. The people and their hashes are kept in chunks (chunked), so that
// growing them never copies them (TestCheckBesideTableHeapPerUser).
type crossUsers struct {
	names  []string // the files, by index
	tables []bool   // which files are tables (TableUser), placed by row

	people chunked[crossUser]
	// hashes hold each person's run (crossUser.at): the hashes of the values it has, then
	// its vendor attributes' names' and values'. A person a later file adds to gets a new
	// run (its old one is left: rare).
	hashes chunked[uint64]
	// tmp is the person being compared, its run unpacked (load, store).
	tmp struct {
		vals  [nCrossFields]uint64
		attrs []attrHash
	}
	// byOID and byLogin find a person by the hash of its OID and of its login key. Two
	// keys share a hash with a chance of about one in 2^64/n²: the two people would be
	// compared as one.
	byOID   hashIndex
	byLogin hashIndex
	// from is, for the people a later file filled a value of, where each value was
	// first seen: the file's index and the record's line.
	from map[int32]*[nCrossFields]crossAt
}

// crossUser is the merged person: where it was first seen, and where its hashes are.
// The values it lacks take no room: a User of ODM 1.3 has no Prefix, Suffix or
// OrganizationOID, and most none of Pager or Organization (32 bytes and seven hashes for
// an InForm user, where a hash for each of the twelve took 120).
type crossUser struct {
	// study is the hash of the StudyOID of the first record's AdminData.
	study      uint64
	at         uint64 // its run in crossUsers.hashes
	file, line int32
	attrN      int32
	mask       uint16 // bit i: it has value i (its hash is in the run, in field order)
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
// spans two chunks: one longer than a chunk gets a chunk of its length.
func (c *chunked[T]) alloc(n int) (uint64, []T) {
	const size = 1 << chunkBits
	slot, off := int(c.n>>chunkBits), int(c.n&(size-1))
	if n == 0 {
		return c.n, nil
	}
	if n > size {
		// A chunk of its own: the run is found by its chunk and an offset of 0, so the
		// addresses past a chunk's length it stands for need no chunks of their own.
		slot = len(c.chunks)
		run := make([]T, n)
		c.chunks = append(c.chunks, run)
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

// load unpacks person p's run into x.tmp: a hash of each value (0: none yet), and its
// vendor attributes'.
func (x *crossUsers) load(p *crossUser) {
	nv := bits.OnesCount16(p.mask)
	run := x.hashes.run(p.at, nv+2*int(p.attrN))
	k := 0
	for i := range x.tmp.vals {
		x.tmp.vals[i] = 0
		if p.mask&(1<<i) != 0 {
			x.tmp.vals[i] = run[k]
			k++
		}
	}
	x.tmp.attrs = x.tmp.attrs[:0]
	for ; k < len(run); k += 2 {
		x.tmp.attrs = append(x.tmp.attrs, attrHash{run[k], run[k+1]})
	}
}

// store packs x.tmp into a new run for person p.
func (x *crossUsers) store(p *crossUser) {
	var mask uint16
	for i, v := range x.tmp.vals {
		if v != 0 {
			mask |= 1 << i
		}
	}
	at, run := x.hashes.alloc(bits.OnesCount16(mask) + 2*len(x.tmp.attrs))
	k := 0
	for _, v := range x.tmp.vals {
		if v != 0 {
			run[k] = v
			k++
		}
	}
	for _, a := range x.tmp.attrs {
		run[k], run[k+1] = a.name, a.value
		k += 2
	}
	p.at, p.mask, p.attrN = at, mask, int32(len(x.tmp.attrs))
}

// attr returns the index of the attribute named by key in x.tmp, or -1.
func (x *crossUsers) attr(key uint64) int {
	for i, a := range x.tmp.attrs {
		if a.name == key {
			return i
		}
	}
	return -1
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
		*p = crossUser{file: int32(c.file), line: int32(line), study: h.sum(c.adStudy) | 1}
		for i, v := range vals {
			x.tmp.vals[i] = 0
			if v != "" {
				x.tmp.vals[i] = h.sum(v) | 1
			}
		}
		x.tmp.attrs = x.tmp.attrs[:0]
		for _, a := range attrs {
			if k := c.attrKey(a.Name); vendorAttr(a) && x.attr(k) < 0 {
				x.tmp.attrs = append(x.tmp.attrs, attrHash{k, h.sum(a.Value) | 1})
			}
		}
		x.store(p)
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
		x.load(p)
		changed := false
		for i, v := range vals {
			if v == "" {
				continue
			}
			hv := h.sum(v) | 1
			switch x.tmp.vals[i] {
			case 0:
				x.tmp.vals[i], changed = hv, true
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
			switch i := x.attr(k); {
			case i < 0:
				x.tmp.attrs, changed = append(x.tmp.attrs, attrHash{k, hv}), true
			case x.tmp.attrs[i].value != hv && sameStudy:
				conflict("@"+attrName(a.Name), crossAt{}, line, col)
			}
		}
		if changed {
			x.store(p)
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
