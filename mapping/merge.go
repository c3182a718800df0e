package mapping

import (
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/odmadmin/odmadmin/odm"
)

// Merge makes one directory of several read from separate files of one system: Rave's
// Users.odm and Sites.odm, InForm's paged AdminData downloads, an export and a table that
// adds e-mail addresses or logins by user OID. People are matched as within one file: by
// OID, then by login ([LoginKey]: letter case and the white space around it aside). Studies, sites and groups are matched by ID. A value missing in one
// file is taken from another; a value two files disagree on keeps the first file's and is
// a CodeMergeConflict warning (a site's active flag and vendor attributes too, whatever
// their studies); the later file's value of a study the first file does not list the
// person or site in is kept as a Variant of that study (Source.Variants), as reading one
// file keeps its blocks'. Assignments, e-mails, phones and groups are united. A user
// table's row (ReadUserTable) whose OID none of the other files has is kept as a user of
// its own and reported (CodeDanglingRef, field table/OID), when some file merged is not
// a user table.
//
// The merged directory keeps no source layout (as after JSON): written back, it holds the
// model's values and the recorded vendor attributes, not one file's bytes. Its Source
// names the first directory's vendor. Merge with one directory returns it unchanged.
func Merge(dirs ...*Directory) (*Directory, []Warning) {
	return MergeNamed(nil, dirs...)
}

// MergeNamed is [Merge] of directories read from the files names (names[i] is dirs[i]'s;
// missing names are blank), so that a conflict says which file's value is kept (the
// message names it) and which file's is dropped (Warning.File, and Line and Col of the
// dropped value's record: a directory decoded whole keeps its records, one read as a
// stream the place of each user's and site's first record).
func MergeNamed(names []string, dirs ...*Directory) (*Directory, []Warning) {
	var list []*Directory
	var files []string
	for i, d := range dirs {
		if d != nil {
			list = append(list, d)
			name := ""
			if i < len(names) {
				name = names[i]
			}
			files = append(files, name)
		}
	}
	switch len(list) {
	case 0:
		return &Directory{Studies: []*Study{}, Sites: []*Site{}, Users: []*User{}}, nil
	case 1:
		return list[0], nil
	}
	m := merger{w: &warner{}, files: files, origin: map[any]int{}}
	h := newMergeHeads(&m)
	out := h.out
	byID := map[string]*User{}
	byLogin := map[string]*User{}
	// listed are the people a file other than a user table lists (see orphanTableUsers).
	listed := map[*User]bool{}
	tables := make([]bool, len(list))
	for fi, d := range list {
		h.add(fi, d)
		tables[fi] = d.userTable
		for _, u := range d.Users {
			if u == nil {
				continue
			}
			var p *User
			if u.ID != "" {
				p = byID[u.ID]
			}
			if p == nil && u.Login != "" {
				p = byLogin[LoginKey(u.Login)]
			}
			if p == nil {
				c := *u
				c.Source = cloneSource(u.Source)
				c.Emails = slices.Clone(u.Emails)
				c.Phones = slices.Clone(u.Phones)
				c.Groups = slices.Clone(u.Groups)
				c.Assignments = slices.Clone(u.Assignments)
				out.Users = append(out.Users, &c)
				m.origin[&c] = fi
				p = &c
			} else {
				m.first, m.at = m.origin[p], recordAt(u.Source)
				m.mergeUser(p, u)
			}
			if !d.userTable {
				listed[p] = true
			}
			if p.ID != "" && byID[p.ID] == nil {
				byID[p.ID] = p
			}
			if u.ID != "" && byID[u.ID] == nil {
				byID[u.ID] = p
			}
			if k := LoginKey(p.Login); k != "" && byLogin[k] == nil {
				byLogin[k] = p
			}
		}
	}
	orphanTableUsers(m.w, m.files, tables, func(yield func(string, int) bool) {
		for _, u := range out.Users {
			if !listed[u] && !yield(u.ID, m.origin[u]) {
				return
			}
		}
	})
	return out, m.w.result()
}

// orphanTableUsers reports the people only a user table by OID lists (users gives each
// one's OID and the file it was first read from), when some file merged is not a user
// table: a table adds logins, e-mails or names to the users of the files merged with it,
// so a row whose OID no other file has (a mistyped OID, a user the export does not hold)
// adds to nobody and becomes a user of its own, with nothing but the table's values. It
// is kept (a directory may be built from a table and a partial export), and said.
func orphanTableUsers(w *warner, files []string, tables []bool, users iter.Seq2[string, int]) {
	if !slices.Contains(tables, false) || !slices.Contains(tables, true) {
		return
	}
	for id, fi := range users {
		if fi < 0 || fi >= len(tables) || !tables[fi] {
			continue
		}
		n := len(w.list)
		w.add(CodeDanglingRef, "table/OID", "User "+id,
			"the user table's row names a user no other file has (is the OID mistyped?); it is read as a user of its own, with the table's values only")
		if len(w.list) > n && fi < len(files) {
			w.list[n].File = files[fi]
		}
	}
}

// mergeHeads merges everything of the directories but their users, as Merge does,
// into out (whose Users are the caller's).
type mergeHeads struct {
	m       *merger
	out     *Directory
	studies map[string]*Study
	sites   map[string]*Site
	groups  map[string]*Group
}

func newMergeHeads(m *merger) *mergeHeads {
	return &mergeHeads{m: m, out: &Directory{Studies: []*Study{}, Sites: []*Site{}, Users: []*User{}},
		studies: map[string]*Study{}, sites: map[string]*Site{}, groups: map[string]*Group{}}
}

// add merges the studies, sites, groups, organizations and signatures of d, the
// directory of file fi (the first one's Source names the merged directory's vendor), and
// makes fi the file whose values are merged next (m.file).
func (h *mergeHeads) add(fi int, d *Directory) {
	m, out := h.m, h.out
	m.file = fi
	if src := d.Source; fi == 0 && src != nil {
		out.Source = &FileSource{Vendor: src.Vendor, Version: src.Version, Attrs: src.Attrs}
	}
	if src := d.Source; src != nil {
		// The merged directory keeps no source blocks: the vendor elements read directly
		// inside a file's AdminData (InForm's pf:ProductLocale, ...) were left out of
		// every output without a word.
		for _, b := range src.Blocks {
			for _, x := range b.Elements {
				n := len(m.w.list)
				m.w.add(CodeNotCarried, "AdminData/"+elementXMLName(x), "AdminData "+b.Study,
					"a vendor element directly inside AdminData; several inputs merged into one directory keep none, and it is left out")
				if len(m.w.list) > n {
					m.w.list[n].File = m.files[fi]
				}
			}
		}
	}
	for _, s := range d.Studies {
		if s == nil {
			continue
		}
		if p, ok := h.studies[s.ID]; ok {
			m.first, m.at = m.origin[p], at{}
			m.fill("Study/Name", "Study "+s.ID, &p.Name, s.Name)
			m.fill("Study/Protocol", "Study "+s.ID, &p.Protocol, s.Protocol)
			m.fill("Study/Parent", "Study "+s.ID, &p.Parent, s.Parent)
			m.fill("Study/environment", "Study "+s.ID, (*string)(&p.Environment), string(s.Environment))
			continue
		}
		c := *s
		m.origin[&c] = fi
		h.studies[s.ID] = &c
		out.Studies = append(out.Studies, &c)
	}
	for _, s := range d.Sites {
		if s == nil {
			continue
		}
		if p, ok := h.sites[s.ID]; ok {
			m.first, m.at = m.origin[p], recordAt(s.Source)
			m.mergeSite(p, s)
			continue
		}
		c := *s
		c.Source = cloneSource(s.Source)
		m.origin[&c] = fi
		h.sites[s.ID] = &c
		out.Sites = append(out.Sites, &c)
	}
	for _, g := range d.Groups {
		if g == nil {
			continue
		}
		if p, ok := h.groups[g.ID]; ok {
			m.first, m.at = m.origin[p], recordAt(g.Source)
			m.fill("Group/Name", "Group "+g.ID, &p.Name, g.Name)
			p.Rights = union(p.Rights, g.Rights)
			continue
		}
		c := *g
		c.Source = cloneSource(g.Source)
		m.origin[&c] = fi
		h.groups[g.ID] = &c
		out.Groups = append(out.Groups, &c)
	}
	out.Organizations = append(out.Organizations, d.Organizations...)
	out.Signatures = append(out.Signatures, d.Signatures...)
}

// merger is the state of one Merge: the warnings, the files' names, and, for the value
// being merged, which file it comes from (file), which file the value it is merged into
// was first read from (first) and where in its file the record is (at, when known).
type merger struct {
	w           *warner
	files       []string
	origin      map[any]int
	file, first int
	at          at
	// as adds the assignments of a person's second listing to the first's.
	as userAssigns
}

// conflict reports a value the file being merged gives differently from the one kept,
// placed at the dropped value's record (m.at) in its file.
func (m *merger) conflict(field, subject string) {
	msg := "the files disagree on the value; the first file's is kept"
	if name := m.files[m.first]; name != "" {
		msg = "the value differs from that in " + name + ", which is kept"
	}
	n := len(m.w.list)
	m.w.addAt(CodeMergeConflict, field, subject, msg, m.at)
	if len(m.w.list) > n {
		m.w.list[n].File = m.files[m.file]
	}
}

// recordAt is where a value's first record stood in its file: its decoded record's
// place when the directory kept its records, else the place a streamed read noted.
func recordAt(s *Source) at {
	if s == nil {
		return at{}
	}
	if len(s.recs) == 0 {
		return at{line: s.line, col: s.col}
	}
	switch v := s.recs[0].v.(type) {
	case *odm.User:
		return atRecord(&v.Ext)
	case *odm.Location:
		return atRecord(&v.Ext)
	case *odm.Element: // an InForm rights group (pf:GroupDef)
		return at{line: v.Line, col: v.Col}
	}
	return at{}
}

// fill sets *dst to src when dst is empty, and reports a disagreement.
func (m *merger) fill(field, subject string, dst *string, src string) {
	switch {
	case src == "" || *dst == src:
	case *dst == "":
		*dst = src
	default:
		m.conflict(field, subject)
	}
}

func (m *merger) mergeSite(dst, src *Site) {
	fill := m.fill
	subj := "Location " + dst.ID
	byRef := dst.Name == dst.ID // a site known by reference only (a LocationRef), named by its ID
	switch {
	case byRef && src.Name != "":
		dst.Name = src.Name // a site known by reference only is named by its ID
	case src.Name != src.ID:
		fill("Site/Name", subj, &dst.Name, src.Name)
	}
	fill("Site/Type", subj, &dst.Type, src.Type)
	fill("Site/Number", subj, &dst.Number, src.Number)
	fill("Site/Country", subj, &dst.Country, src.Country)
	fill("Site/TimeZone", subj, &dst.TimeZone, src.TimeZone)
	fill("Site/Locale", subj, &dst.Locale, src.Locale)
	fill("Site/Organization", subj, &dst.Organization, src.Organization)
	fill("Site/Description", subj, &dst.Description, src.Description)
	fill("Site/Study", subj, &dst.Study, src.Study)
	newStudies := newStudies(dst.Source, src.Source)
	switch {
	case dst.Active == src.Active:
	case byRef:
		dst.Active = src.Active
	default:
		m.conflict("Site/active", subj)
	}
	if dst.Source != nil {
		// Each value of src's listings of studies dst has none of that differs from
		// dst's is kept as a variant, as reading a file keeps those of its blocks.
		carryVariants(dst.Source, src.Source, newStudies, func(v Variant) (string, bool) {
			if v.Space != "" {
				return attrValue(dst.Source.Attrs, v.Space, v.Name)
			}
			return siteValue(dst, v.Name)
		})
		for _, key := range siteFields {
			d, _ := siteValue(dst, key)
			if v, _ := siteValue(src, key); v != d && (v != "" || key == "active") {
				for _, st := range newStudies {
					if _, ok := src.Source.variant(st, "", key); !ok {
						dst.Source.addVariant(Variant{Study: st, Name: key, Value: v})
					}
				}
			}
		}
	}
	dst.Versions = appendDistinct(dst.Versions, src.Versions)
	for _, a := range src.Addresses {
		if !containsAddress(dst.Addresses, a) {
			dst.Addresses = append(dst.Addresses, a)
		}
	}
	dst.Telecoms = appendDistinct(dst.Telecoms, src.Telecoms)
	m.mergeSource("Site", subj, dst.Source, src.Source, newStudies)
	if dst.Source == nil {
		dst.Source = cloneSource(src.Source)
	}
}

// mergeUser folds src into dst, another record of the same person in one input (a
// table's second row of a user): a conflict is reported without file names.
func mergeUser(w *warner, dst, src *User) {
	(&merger{w: w, files: []string{""}}).mergeUser(dst, src)
}

// userSubject names user u in a warning: by its OID, or, for a record without one, by
// where the user's first record stands (in file, when named: a merge of files places its
// warning in another), never by its login or name.
func userSubject(u *User, file string) string {
	if u.ID != "" {
		return "User " + u.ID
	}
	if p := recordAt(u.Source); p.line > 0 {
		if file != "" {
			return "User at " + file + ":" + strconv.Itoa(p.line)
		}
		return "User at line " + strconv.Itoa(p.line)
	}
	return "User without OID"
}

func (m *merger) mergeUser(dst, src *User) {
	subj := userSubject(dst, m.files[m.first])
	newStudies := newStudies(dst.Source, src.Source)
	if dst.ID != "" && src.ID != "" && dst.ID != src.ID {
		// Matched by login name: two OIDs for one person, of which the first is kept,
		// and the other as the listing's in the studies only src lists the person in
		// (written back there as the records' OID, which other content may refer to).
		// The subject names both, as the message cannot: it is one for all.
		for _, st := range newStudies {
			if _, ok := src.Source.variant(st, "", "id"); !ok {
				dst.Source.addVariant(Variant{Study: st, Name: "id", Value: src.ID})
			}
		}
		m.conflict("User/OID", subj+" (also "+src.ID+")")
	}
	mergeFields(dst, src, func(field, key, value string) {
		m.conflict("User/"+field, subj)
		// src's value is its listings' in the studies dst has none of (but those
		// src's own variants give another value).
		for _, st := range newStudies {
			if _, ok := src.Source.variant(st, "", key); !ok {
				dst.Source.addVariant(Variant{Study: st, Name: key, Value: value})
			}
		}
	})
	dst.External = dst.External || src.External
	// Through an index once dst holds many: compared with each, a person of n
	// assignments in both files cost n².
	m.as.begin(dst)
	for _, a := range src.Assignments {
		m.as.add(dst, a)
	}
	if dst.Source == nil {
		dst.Source = cloneSource(src.Source)
	} else {
		m.mergeSource("User", subj, dst.Source, src.Source, newStudies)
		carryVariants(dst.Source, src.Source, newStudies, func(v Variant) (string, bool) {
			if v.Space != "" {
				return attrValue(dst.Source.Attrs, v.Space, v.Name)
			}
			if f := userField(dst, v.Name); f != nil {
				return *f, true
			}
			return "", false
		})
	}
}

// newStudies returns the studies src (a later listing's source) is listed in and dst
// (the values kept) is not: those whose values a merge keeps as variants. Nil when
// either is nil.
func newStudies(dst, src *Source) []string {
	if dst == nil || src == nil {
		return nil
	}
	var out []string
	for _, st := range src.Studies {
		if !slices.Contains(dst.Studies, st) && !slices.Contains(out, st) {
			out = append(out, st)
		}
	}
	return out
}

// carryVariants adds to dst the variants of src of the studies new (see newStudies) that
// differ from the value dst keeps (kept: false when it has none).
func carryVariants(dst, src *Source, new []string, kept func(Variant) (string, bool)) {
	if dst == nil || src == nil {
		return
	}
	for _, v := range src.Variants {
		if !slices.Contains(new, v.Study) {
			continue
		}
		if k, ok := kept(v); ok && k == v.Value || !ok && v.Value == "" {
			continue
		}
		dst.addVariant(v)
	}
}

// mergeFields folds the person fields of a second record of one user into the first, the
// part that merging files (Merge) and merging AdminData blocks of one file (the reader)
// share: an empty field is filled, a field both hold with different values is kept as
// the first has it and reported through conflict, lists are united, and a missing
// picture is taken. Assignments and sources are each caller's own.
//
// conflict gets the field's name in warnings, its JSON key (a Variant's Name) and src's
// value.
func mergeFields(dst, src *User, conflict func(field, key, value string)) {
	for _, f := range keptUserFields {
		d, s := userField(dst, f.key), *userField(src, f.key)
		switch {
		case s == "" || *d == s:
		case *d == "":
			*d = s
		default:
			conflict(f.field, f.key, s)
		}
	}
	dst.Emails = union(dst.Emails, src.Emails)
	dst.Phones = union(dst.Phones, src.Phones)
	dst.Faxes = union(dst.Faxes, src.Faxes)
	dst.Certificates = union(dst.Certificates, src.Certificates)
	for _, a := range src.Addresses {
		if !containsAddress(dst.Addresses, a) {
			dst.Addresses = append(dst.Addresses, a)
		}
	}
	dst.Telecoms = appendDistinct(dst.Telecoms, src.Telecoms)
	dst.Groups = appendDistinct(dst.Groups, src.Groups)
	if dst.Picture == nil {
		dst.Picture = src.Picture
	}
}

// cloneSource copies s without its decoded records: they belong to one file's layout.
func cloneSource(s *Source) *Source {
	if s == nil {
		return nil
	}
	c := *s
	if len(s.recs) > 0 {
		// The place of the first record stays (recordAt), as a streamed read notes it.
		p := recordAt(s)
		c.line, c.col = p.line, p.col
	}
	c.recs = nil
	c.Attrs = slices.Clone(s.Attrs)
	c.Elements = slices.Clone(s.Elements)
	c.Studies = slices.Clone(s.Studies)
	c.Variants = slices.Clone(s.Variants)
	c.IDs = maps.Clone(s.IDs)
	return &c
}

// mergeSource folds the vendor record of a second listing of a value (kind: "User",
// "Site") into the first's. An attribute the first lacks is taken; one both hold with
// different values keeps the first's and is a conflict when both listings are of the same
// studies (OpenClinica 4's study and central tables give one account two Created times; two
// pages of one InForm download, two Revisions). Listings of different studies (Rave's
// Users.odm of two studies) may differ per study (mdsol:UserRole), which is no conflict.
//
// A site's listings are one Location's, so their attributes that differ are a conflict
// whatever their studies, as within one file. The value of a listing of a study the first
// has none of (new, see newStudies) is kept as a variant, but for a user's attribute the
// model maps (mdsol:UserRole: the role of the study's assignments).
func (m *merger) mergeSource(kind, subject string, dst, src *Source, new []string) {
	if dst == nil || src == nil {
		return
	}
	sameStudies := sameSet(dst.Studies, src.Studies)
	var keyed map[string]string // dst's keyed attributes by key, once src has one
	for _, a := range src.Attrs {
		if k, ok := keyedAttr(a); ok {
			// One of a list (one per key), not one value: each key's is kept from
			// the first file that has it, and another file's other value for the key
			// is a conflict.
			if keyed == nil {
				keyed = map[string]string{}
				for _, b := range dst.Attrs {
					if bk, ok := keyedAttr(b); ok {
						if _, dup := keyed[bk]; !dup {
							keyed[bk] = b.Value
						}
					}
				}
			}
			switch v, ok := keyed[k]; {
			case !ok:
				keyed[k] = a.Value
				dst.Attrs = append(dst.Attrs, a)
			case sameStudies && v != a.Value:
				m.conflict(kind+"/@{"+a.Space+"}"+a.Name, subject)
			}
			continue
		}
		i := slices.IndexFunc(dst.Attrs, func(b Attr) bool { return b.Space == a.Space && b.Name == a.Name })
		switch {
		case i < 0:
			dst.Attrs = append(dst.Attrs, a)
		case dst.Attrs[i].Value == a.Value:
		case sameStudies || kind == "Site":
			m.conflict(kind+"/@{"+a.Space+"}"+a.Name, subject)
			fallthrough
		default:
			if kind == "User" && userAttrMapped(a) {
				continue
			}
			for _, st := range new {
				if _, ok := src.variant(st, a.Space, a.Name); !ok {
					dst.addVariant(Variant{Study: st, Space: a.Space, Name: a.Name, Value: a.Value})
				}
			}
		}
	}
	dst.Elements = union(dst.Elements, src.Elements)
	dst.Studies = union(dst.Studies, src.Studies)
	if dst.RolesFor == "" {
		dst.RolesFor = src.RolesFor
	}
	for k, v := range src.IDs {
		if dst.IDs == nil {
			dst.IDs = map[string]string{}
		}
		if _, ok := dst.IDs[k]; !ok {
			dst.IDs[k] = v
		}
	}
}

// sameSet reports whether a and b hold the same strings, in any order. Long lists (a
// person in thousands of OpenClinica site studies) are compared through a set.
func sameSet(a, b []string) bool {
	if len(a)+len(b) > 2*distinctScan {
		in := func(l []string) map[string]bool {
			m := make(map[string]bool, len(l))
			for _, x := range l {
				m[x] = true
			}
			return m
		}
		ma, mb := in(a), in(b)
		if len(ma) != len(mb) {
			return false
		}
		for x := range ma {
			if !mb[x] {
				return false
			}
		}
		return true
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			return false
		}
	}
	return true
}

// detach copies the strings of a user built early from its compact record (to merge a
// later record of the person into) and of its access f out of the text blocks they point
// into. A spilling builder reads a block back from its temporary file as one string of up
// to 64 KiB, and the strings cut from it keep all of it in memory: an OpenClinica export
// of 200,000 users, one in fifty at study level and at a site (in two AdminData), held
// 250 MB of blocks for 4,000 users' names until the end.
func detach(u *User, f *firstAccess) {
	c := strings.Clone
	list := func(ss []string) {
		for i := range ss {
			ss[i] = c(ss[i])
		}
	}
	u.ID, u.Login, u.DisplayName, u.FullName = c(u.ID), c(u.Login), c(u.DisplayName), c(u.FullName)
	u.GivenName, u.FamilyName, u.Prefix, u.Suffix = c(u.GivenName), c(u.FamilyName), c(u.Prefix), c(u.Suffix)
	u.Pager, u.Organization, u.OrganizationID = c(u.Pager), c(u.Organization), c(u.OrganizationID)
	u.Locale, u.Type = c(u.Locale), c(u.Type)
	list(u.Emails)
	list(u.Phones)
	list(u.Faxes)
	list(u.Certificates)
	for i := range u.Telecoms {
		t := &u.Telecoms[i]
		t.Type, t.Value = c(t.Type), c(t.Value)
	}
	for i := range u.Addresses {
		a := &u.Addresses[i]
		list(a.StreetNames)
		a.HouseNumber, a.City, a.StateProv, a.Country, a.PostalCode = c(a.HouseNumber), c(a.City), c(a.StateProv), c(a.Country), c(a.PostalCode)
		a.OtherText, a.Longitude, a.Latitude, a.Altitude = c(a.OtherText), c(a.Longitude), c(a.Latitude), c(a.Altitude)
	}
	if p := u.Picture; p != nil {
		p.File, p.Type, p.Href, p.MIMEType = c(p.File), c(p.Type), c(p.Href), c(p.MIMEType)
	}
	groups := func(gs []GroupRef) {
		for i := range gs {
			g := &gs[i]
			g.ID, g.Name, g.Type = c(g.ID), c(g.Name), c(g.Type)
		}
	}
	groups(u.Groups)
	if s := u.Source; s != nil {
		for k, v := range s.IDs {
			s.IDs[k] = c(v)
		}
		for i := range s.Attrs {
			a := &s.Attrs[i]
			a.Space, a.Name, a.Value = c(a.Space), c(a.Name), c(a.Value)
		}
		list(s.Elements)
		list(s.Studies)
		for i := range s.Variants {
			v := &s.Variants[i]
			v.Study, v.Space, v.Name, v.Value = c(v.Study), c(v.Space), c(v.Name), c(v.Value)
		}
	}
	if f != nil {
		list(f.sites)
		f.role = c(f.role)
		groups(f.groups)
	}
}

// elementXMLName returns the qualified name a recorded element's XML text starts with
// ("element" for text that starts with no tag).
func elementXMLName(x string) string {
	x = strings.TrimSpace(x)
	if !strings.HasPrefix(x, "<") {
		return "element"
	}
	if end := strings.IndexAny(x, " \t\r\n/>"); end > 1 {
		return x[1:end]
	}
	return "element"
}
