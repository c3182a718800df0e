package mapping

import (
	"io"
	"iter"
	"os"
	"slices"
	"strings"

	"github.com/odmadmin/odmadmin/odm"
)

// A patch of a document with another file's directory (PatchOptions.Foreign, map --to
// odm --base FILE) first resolves the directory against the document, FILE:
//
//   - Sites: a site the directory names is FILE's Location of that OID, else the one
//     whose number (InForm mnemonic, Rave StudySiteNumber) or name it is, found as plan,
//     diff and odmtest find sites across systems (SiteIndex, siteAligner). A number or
//     name two of FILE's sites share matches neither (warning dangling-reference): the
//     patch does not guess.
//   - Roles: a role name of the directory that is the name of one of FILE's rights
//     groups (InForm pf:GroupDef), in any letter case, is written as that group.
//
// A table (the Clinical One template, an OpenClinica 4 user table) holds less of a user
// than FILE does, and nothing of its sites, groups, signatures or organizations: what the
// table cannot hold keeps FILE's values (baseSide). Which of a user's values a table
// holds is read off the table's own writer, one place for each table: tableParts maps
// each column to the part of the user it holds, and a part is patched only when the
// input's row differs from the row the writer makes of FILE's user in that column
// (baseSide.merge). So a cleared cell is an edit (the part is cleared), and a value no
// column holds (status in the template, locale, address, InForm's user type and ids) is
// FILE's.

// userPart is a part of a user a table column holds.
type userPart uint8

const (
	partNone         userPart = iota // the column holds nothing patched back (times the table keeps)
	partGiven                        // GivenName
	partFamily                       // FamilyName
	partLogin                        // Login
	partEmail                        // the first e-mail address (a table has one)
	partPhone                        // the first phone number
	partOrganization                 // Organization (by name)
	partStatus                       // Status
	partAccess                       // the assignments of the table's study
	numParts
)

// tableParts returns, for the table profile p, the part of a user each of its columns
// holds, by column; nil for a profile that is no table. This is the one place that says
// what a table holds of a user (see the comment above).
func tableParts(p Profile) map[string]userPart {
	switch p {
	case ProfileClinicalOne:
		// The template: names, one e-mail, the user name, and one row of access (role,
		// sites, depots, dates) in the study. No status (a deactivated user has no row),
		// phone, address, locale, user type or vendor ids.
		return map[string]userPart{
			"First Name": partGiven, "Last Name": partFamily, "Email": partEmail, "User Name": partLogin,
			"Start Date": partAccess, "End Date": partAccess, "Study Role": partAccess, "Sites": partAccess, "Depots": partAccess,
		}
	case ProfileOC4Users:
		// OpenClinica 4's study table: also organization, phone and status; a role per row
		// and no sites. Type, Created and Updated are the table's own bookkeeping.
		return map[string]userPart{
			"First": partGiven, "Last": partFamily, "Username": partLogin, "Email": partEmail,
			"Organization": partOrganization, "Phone": partPhone, "Role": partAccess, "Status": partStatus,
			"Type": partNone, "Created (UTC)": partNone, "Updated (UTC)": partNone,
		}
	}
	return nil
}

// baseSide is what a Foreign patch resolves its directory against: the document's (FILE's)
// sites, studies and definitions, and, for a table, FILE's users (held as records in a
// temporary file, some 10 bytes a user in memory, as PatchStream holds a directory's).
type baseSide struct {
	shell *Directory
	// table is the directory's table profile (ProfileClinicalOne, ProfileOC4Users), ""
	// when it is read from anything else; users and parts are set for a table.
	table Profile
	users *spilledUsers
	parts map[string]userPart
	holds [numParts]bool // the parts some column holds
	// study is the table's study; blocks are the StudyOIDs of the document's blocks that
	// hold its access (the study's, and in OpenClinica's flavour its site studies').
	study  string
	blocks map[string]bool
	// noStudy: the table's study is not known (none named, several in FILE): the rows'
	// access is not patched.
	noStudy bool
	// al rewrites the directory's users' sites in FILE's terms; rights are FILE's rights
	// group names by folded name.
	al     *siteAligner
	rights map[string]string
	// x indexes FILE's sites for the aligner, made as FILE is read when the directory is
	// no table (FILE's sites are then let go of at once: the patch writes the
	// directory's); packed holds FILE's sites for a table, packed into a temporary file
	// of their own as FILE is read, until finish, where they are the output's (20,000
	// sites as model values: some 20 MB, scanned by every collection, held while FILE
	// was read and the table's users were copied; their encodings in memory some 8 MB).
	x      *SiteIndex
	packed *sitePacker
	// packOut: finish leaves the sites of a table's patch packed, in sites, instead of
	// building them as values into the directory (the writer takes them packed:
	// CompactDirectory.Patch, writing Locations).
	packOut bool
	sites   *siteTable
	// opts are the rows' writers' (Now: access ended before it has no row).
	opts   Options
	tsites *templateSites
	orgs   map[string]string
	rowBuf [][]string
	c1     clinicalOneRowState // what the template's rows are made with (rows)
	// oc4 and oc4w make OpenClinica 4's rows (rows), one user at a time, and take
	// their warnings (not the patch's).
	oc4  *oc4Writer
	oc4w warner
	// next is the user of FILE find tries first; again indexes by ID those of FILE's
	// users FILE lists in several AdminData, whose later records find then finds
	// without the index of all of FILE's users (at a million users some 11 MB, and 4
	// more while it was built).
	next  int32
	again *idIndex
	// matched has bit j set once FILE's user j was patched with a row (tableUser): a
	// row another of FILE's users took first is then told from one this user took in
	// an earlier block (one bit a user of FILE).
	matched []uint64
	// doc is what the document has (patchdoc.go), made as it is read here: the patch
	// takes it instead of reading the document once more for it (readDocIndex).
	// userHad is what doc had of the table's users once they are all read (tableBits).
	doc     *docIndex
	userHad *tableHas
}

// tableBits makes userHad of users, a table's users all read (docIndex.tableBits):
// doc's keys of the document's users are let go of then.
func (bs *baseSide) tableBits(users *spilledUsers) {
	if users.fold {
		bs.tableBitsOf(users.n, func(i int32) string { return userID(users.record(i)) })
	}
}

// tableBitsOf is tableBits of the n users whose IDs id gives, in the order they are (or
// will be) in the patch's spilledUsers.
func (bs *baseSide) tableBitsOf(n int32, id func(i int32) string) {
	if !bs.tabled() || bs.doc == nil {
		return
	}
	bs.userHad = bs.doc.tableBits(n, func(i int32) (string, bool) {
		id := id(i)
		return LoginKey(id), id != ""
	})
}

// tableOf returns the table profile a directory was read from, "" for none.
func tableOf(d *Directory) Profile {
	if d == nil || d.Source == nil {
		return ""
	}
	if v := d.Source.Vendor; v == ProfileClinicalOne || v == ProfileOC4Users {
		return v
	}
	return ""
}

// readBaseSide reads the document in src (a reader that can seek: it is read again after)
// for what a Foreign patch of the directory shell (no users) resolves against: its sites,
// studies and definitions, and its users too when shell is a table's. shell's sites are
// not changed; the resolved ones are given by resolve.
func readBaseSide(src io.ReadSeeker, ro odm.ReadOptions, p Profile, shell *Directory, opts Options) (bs *baseSide, err error) {
	start, err := src.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, err
	}
	rewind := func() (io.Reader, error) {
		_, err := src.Seek(start, io.SeekStart)
		return src, err
	}
	defer func() {
		if _, serr := src.Seek(start, io.SeekStart); err == nil {
			err = serr
		}
		if err != nil {
			bs.close()
		}
	}()
	bo := Options{Profile: p}
	if p == ProfileOpenClinica {
		// The site studies are Study elements, which the stream skips (as map reads an
		// OpenClinica input).
		if bo.Studies, err = StudyElements(rewind, ro); err != nil {
			return nil, err
		}
		if _, err := rewind(); err != nil {
			return nil, err
		}
	}
	ro.Reuse, ro.ValuesOnly = true, true
	bs = &baseSide{table: tableOf(shell), opts: opts, doc: newDocIndex()}
	see := func(n odm.Node) { bs.doc.see(n, bs.table != "") }
	if p == ProfileOpenClinica {
		bs.doc.studies = studyHeads(bo.Studies)
	}
	if bs.table == "" {
		// Only the sites and definitions are resolved against: FILE's users are not
		// read into anything.
		if bs.shell, bs.x, err = readDefsIndexed(odm.NewReader(src, ro), bo, see); err != nil {
			return nil, err
		}
		bs.doc.seal()
		return bs, nil
	}
	// As readPatchedSeeing, the sites packed (see packed), in a temporary file of their
	// own: the builder's is let go of once FILE's users are copied (spillAll), and the
	// sites are needed until finish. Held in memory, their encodings were some 8 MB (at
	// 20,000 sites) through FILE's read and the copy of the table's users, the patch's
	// peak.
	bs.packed = newSpillingSitePacker()
	if bs.packed.sp, err = newSpill(); err != nil {
		return bs, err
	}
	// FILE's users' keys go to a temporary file while the builder reads FILE, and are
	// read back once it is let go of (below).
	bs.doc.spillUsers()
	b, err := readStreamWith(odm.NewReader(src, ro), bo, true, bs.packed, false, true, valuesOpts{}, see)
	if err != nil {
		return bs, err
	}
	bs.doc.seal()
	bs.parts = tableParts(bs.table)
	for _, pt := range bs.parts {
		bs.holds[pt] = true
	}
	w, err := newWriter(&Directory{Source: &FileSource{Vendor: b.p, Version: b.version}}, p, Options{})
	if err != nil {
		b.close()
		return bs, err
	}
	if bs.users, err = newSpilledUsers(w); err != nil {
		b.close()
		return bs, err
	}
	// FILE's users are found in FILE's order, without the index of IDs (see find): it
	// is built from the records if it is needed at all.
	bs.users.lazyFps = true
	// The persons FILE lists in several AdminData (one in fifty in the generated
	// OpenClinica export), whose later records are not in that order: indexed alone
	// (see again). spillAll spills every user in the builder's order (no spec), so the
	// builder's indexes are the users'.
	var again []int32
	for i := range b.merged {
		again = append(again, i)
	}
	if b.held != nil {
		again = append(again, b.held.i)
	}
	var run *specRun
	if bs.shell, err = spillAll(b, bs.users, Options{}, &run, nil); err != nil {
		return bs, err
	}
	// spillAll is done with the builder, and so with its look-ups of the sites read (an
	// index by ID, the last block of each).
	bs.packed.byID, bs.packed.listed = nil, nil
	if err = bs.doc.loadUsers(); err != nil {
		return bs, err
	}
	// The patch copies FILE's own AdminData headers: those the builder kept for writing
	// the blocks back from the directory are let go of (the 5,003 blocks of the generated
	// OpenClinica export: some 1 MB, held through the patch).
	if src := bs.shell.Source; src != nil {
		for i := range src.Blocks {
			src.Blocks[i].ad = nil
		}
	}
	bs.again = newIDIndex()
	for _, i := range again {
		if i >= 0 && i < bs.users.n {
			if id := userID(bs.users.record(i)); id != "" {
				bs.again.add(id, i)
			}
		}
	}
	return bs, nil
}

// readDefs reads the stream r as FromReader does, but for its users, which it skips:
// the directory of its sites, studies, groups, signatures and organizations. see is
// handed every record read.
func readDefs(r *odm.Reader, opts Options, see func(odm.Node)) (*Directory, error) {
	return readDefsPacking(r, opts, see, nil)
}

// readDefsPacking is readDefs with the sites packed into pack (nil: as values).
func readDefsPacking(r *odm.Reader, opts Options, see func(odm.Node), pack *sitePacker) (*Directory, error) {
	h, err := r.Header()
	if err != nil {
		return nil, err
	}
	p := opts.Profile
	if p == "" {
		p = DetectHeader(h)
	}
	if err := odmProfile(p, true); err != nil {
		return nil, err
	}
	b := newBuilder(p, h.Version, h.Root)
	b.values, b.noRecs = true, true
	b.sitePack = pack
	b.studyList(h.Root, opts.Studies)
	for {
		n, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		see(n)
		switch n := n.(type) {
		case *odm.AdminData:
			b.startBlock(n)
		case *odm.Organization:
			b.organization(n)
		case *odm.Location:
			if b.location(n) {
				r.Keep() // as readStreamWith: the builder holds the record
			}
		case *odm.SignatureDef:
			b.signature(n)
		case *odm.Element:
			b.blockElement(n)
		}
	}
	b.finishPrepare()
	return b.dir, nil
}

// close removes the temporary file of FILE's users.
func (bs *baseSide) close() error {
	if bs == nil {
		return nil
	}
	bs.dropPacked()
	bs.doc.dropSpill()
	if bs.users == nil {
		return nil
	}
	return bs.users.close()
}

// dropPacked lets go of the packer of FILE's sites, and removes its temporary file.
func (bs *baseSide) dropPacked() {
	if bs.packed != nil {
		bs.packed.sp.close()
		bs.packed = nil
	}
}

// tabled reports whether bs patches a table's users (found by login, merged with FILE's).
func (bs *baseSide) tabled() bool { return bs != nil && bs.users != nil }

// resolve starts resolving the directory d (its users not read yet) against FILE: its
// sites, copied (unless own: the caller is done with d's sites as they are), are renamed
// to FILE's (the aligner then renames each user's, see user; finish reports what it could
// not match).
func (bs *baseSide) resolve(d *Directory, own bool) {
	sites := make([]*Site, 0, len(d.Sites))
	for _, s := range d.Sites {
		if s != nil {
			if !own {
				c := *s
				s = &c
			}
			sites = append(sites, s)
		}
	}
	d.Sites = sites
	if bs.x != nil {
		// Another export's: FILE's sites were indexed and let go of as FILE was read
		// (20,000 sites of an InForm export: some 25 MB as model values, held while the
		// directory's users were read and spilled).
		bs.al = alignerOf(d.Sites, bs.x, bs.shell.Studies, true)
		bs.x = nil
	} else {
		// A table's: FILE's sites, packed, are indexed one at a time, by copies of
		// the strings the index keeps: the packing is in a temporary file, and each
		// chunk of it read here would be held until finish by the index's substrings
		// (20,000 sites: some 8 MB of chunks held through the copy of a million-row
		// template's users, the patch's peak, for 1 MB of keys).
		x := newSiteIndex(bs.shell.Sites)
		for s := range bs.packed.all() {
			x.add(&Site{ID: strings.Clone(s.ID), Number: strings.Clone(s.Number), Name: strings.Clone(s.Name)})
		}
		bs.al = alignerOf(d.Sites, x, bs.shell.Studies, true)
		// FILE's are the sites written (finish): of the table's own, renamed to FILE's
		// by now, only those FILE lacks are still needed (the aligner knows the others by
		// ID), not the 20,000 of a million-row template (some 5 MB) while its users are
		// copied.
		d.Sites = slices.DeleteFunc(d.Sites, func(s *Site) bool { return x.hasID(s.ID) })
	}
	for _, g := range bs.shell.Groups {
		if g.Type != "Rights" {
			continue
		}
		if bs.rights == nil {
			bs.rights = map[string]string{}
		}
		k := strings.ToLower(strings.TrimSpace(g.Name))
		if _, ok := bs.rights[k]; !ok {
			bs.rights[k] = g.Name
		}
	}
}

// user rewrites u's sites and role names in FILE's terms.
func (bs *baseSide) user(u *User) {
	bs.al.user(u)
	named, all := false, true
	for i := range u.Assignments {
		r := &u.Assignments[i].Role
		if r.Name == "" {
			continue
		}
		named = true
		if name, ok := bs.rights[strings.ToLower(strings.TrimSpace(r.Name))]; ok {
			r.Name = name
		} else {
			all = false
		}
	}
	if named && all && u.Source != nil && bs.shell.Source != nil {
		// Every role is one of FILE's: its names are FILE's flavour's, not another
		// vendor's written as they are (CodeRoleVerbatim).
		u.Source.RolesFor = bs.shell.Source.Vendor
	}
}

// finish completes d, its users resolved: the study they adopted, and, for a table, what
// the table cannot hold taken from FILE: its sites (those the table names are FILE's by
// now, with FILE's details), studies, groups, signatures and organizations. It returns
// the warnings of sites matched ambiguously.
func (bs *baseSide) finish(d *Directory) []Warning {
	bs.al.finish(d)
	var w warner
	for s, ids := range bs.al.ambiguous {
		w.add(CodeDanglingRef, "Assignment/site", "site "+s,
			"the document has several sites of that number or name ("+strings.Join(ids, ", ")+"); it is matched to none of them")
	}
	slices.SortFunc(w.list, func(a, b Warning) int { return strings.Compare(a.Subject, b.Subject) })
	if bs.table == "" {
		bs.shell.Sites, bs.al = nil, nil // as below
		return w.result()
	}
	// The table's study: the one its users were read for (--study), else the one they
	// adopted from FILE.
	for _, s := range d.Studies {
		if s != nil && s.ID != "" && s.Parent == "" {
			if bs.study != "" && bs.study != s.ID {
				bs.study = ""
				break
			}
			bs.study = s.ID
		}
	}
	var lacks []*Site
	for _, s := range d.Sites {
		if !bs.al.x.hasID(s.ID) {
			lacks = append(lacks, s) // a site FILE lacks: added, as before
		}
	}
	if bs.study == "" {
		bs.study = bs.al.study
	}
	// Every user is resolved by now: what found FILE's sites is let go of before they
	// are built again as values (FILE's sites are d's from here on), and so is the
	// aligner (some 100 bytes a site).
	sites := bs.shell.Sites // none: they are packed
	bs.shell.Sites, bs.al, d.Sites = nil, nil, nil
	var all iter.Seq[*Site] // d's sites, as values or built from bs.sites
	var tab *siteTable
	if t := bs.packed; t != nil && bs.packOut && len(sites) == 0 && t.len() > 0 {
		// Kept packed for the writer (see sites), each site built where it is looked at.
		if bs.sites, _ = t.table(lacks); bs.sites != nil {
			bs.dropPacked()
			tab = bs.sites
			all = func(yield func(*Site) bool) {
				for i := range tab.len() {
					if !yield(tab.site(i)) {
						return
					}
				}
			}
		}
	}
	if bs.sites == nil {
		if t := bs.packed; t != nil {
			sites = slices.Grow(sites, t.len()+len(lacks))
			for s := range t.all() {
				sites = append(sites, s)
			}
			bs.dropPacked()
		}
		d.Sites = append(sites, lacks...)
		all = slices.Values(d.Sites)
	}
	for _, s := range bs.shell.Studies {
		if !slices.ContainsFunc(d.Studies, func(t *Study) bool { return t != nil && t.ID == s.ID }) {
			d.Studies = append(d.Studies, s)
		}
	}
	d.Groups, d.Signatures, d.Organizations = bs.shell.Groups, bs.shell.Signatures, bs.shell.Organizations
	if bs.study == "" {
		// A table is one study's; which one, the input does not say and FILE has
		// several: its rows' access is not placed by guess (see merge).
		bs.noStudy = true
		w.add(CodeUnrepresentable, "Assignment/study", "table",
			"the table names no study and the document has several, so its access is not patched (each user keeps the document's); give the table's study (map --study)")
	}
	bs.blocks = map[string]bool{bs.study: true}
	// The rows need the sites' numbers only (templateSitesOf's): the warning of the
	// sites' details the template leaves out was made again for each user rendered,
	// every site each time (200,000 users of the generated export: 78 s of CPU).
	bs.tsites = &templateSites{}
	for s := range all {
		if s.Study == bs.study && s.ID != "" {
			bs.blocks[s.ID] = true // an OpenClinica site study of the study
		}
		if s.Number != "" {
			bs.tsites.setNumber(s.ID, s.Number)
		}
	}
	bs.tsites.own() // the sites themselves are packed and let go of (CompactDirectory.Patch)
	bs.orgs = d.OrganizationNames()
	return w.result()
}

// packedSites returns the sites finish left packed (packOut) for w, the writer of the
// directory finish completed, as packedSites returns them of a directory's: what the
// writer asks of the sites before it writes (which have no Location) is asked first, each
// site built in turn. Nil when finish did not leave them packed, or when one of them is
// no site the writer's check of the directory passes: they are then put into d as
// values before w is made (checkSites), and that check reports it as it did.
func (bs *baseSide) packedSites(w *writer) *patchSites {
	if bs.sites == nil {
		return nil
	}
	// The patcher takes the sites from what is returned; the writer is left without
	// them, as packedSites leaves it.
	w.sitePack = bs.sites
	w.findLocationless()
	w.sitePack = nil
	return &patchSites{pack: bs.sites}
}

// checkSites checks the sites finish left packed as the writer checks a directory's
// sites (Directory.checkTail): if one does not pass, they are put into d as values (as
// finish put them without packOut), so that the writer's check reports the first such
// site as it did.
func (bs *baseSide) checkSites(d *Directory) {
	t := bs.sites
	if t == nil {
		return
	}
	for i := range t.len() {
		if s := t.site(i); checkSource("", s.Source) != nil || checkTexts("", s) != nil {
			d.Sites = make([]*Site, t.len())
			for j := range d.Sites {
				d.Sites[j] = t.site(j)
			}
			bs.sites = nil
			return
		}
	}
}

// tableBlock reports whether a block of study holds the table's access (see blocks):
// a user the table lacks is left out of such a block only.
func (bs *baseSide) tableBlock(study string) bool { return !bs.noStudy && bs.blocks[study] }

// rows returns the rows the table's writer makes of u in the table's study: their cells
// by column, ordered by the table's columns.
func (bs *baseSide) rows(u *User) (rows [][]string, generatedStart bool) {
	rows = bs.rowBuf[:0]
	one := func(yield func(*User) bool) { yield(u) }
	switch bs.table {
	case ProfileClinicalOne:
		// The rows' warnings are not the patch's: they go to a warner kept for all the
		// users (bs.c1), which counts them, and only whether this user's Start Date was
		// made up is read off it.
		before := generatedStarts(&bs.c1.w)
		bs.c1.rows(func(r []string) error {
			rows = append(rows, slices.Clone(r))
			return nil
		}, bs.tsites, one, -1, bs.study, bs.opts) // -1: one user's rows, no set of logins
		// A Start Date the writer made up (today, for access without one) is no value of
		// the user's: the input's, written some other day, is not an edit.
		generatedStart = generatedStarts(&bs.c1.w) > before
	case ProfileOC4Users:
		// The rows as the table's writer makes them, without the CSV they were written
		// to and read back from (each user's, a third of a million-user patch's CPU): as
		// read back, but for a line end inside a cell, which the CSV reader reads as a
		// newline alone.
		if bs.oc4 == nil {
			bs.oc4 = newOC4Writer(bs.orgs, bs.study, bs.opts)
		}
		bs.oc4.writeRows(func(r []string) error {
			row := slices.Clone(r)
			for i, c := range row {
				if strings.Contains(c, "\r\n") {
					row[i] = strings.ReplaceAll(c, "\r\n", "\n")
				}
			}
			rows = append(rows, row)
			return nil
		}, &bs.oc4w, one, -1, bs.opts)
	}
	bs.rowBuf = rows[:0]
	return rows, generatedStart
}

// generatedStarts is how many Start Dates the template's writer made up so far, by w.
func generatedStarts(w *warner) int {
	n := 0
	for _, x := range w.list {
		if x.Code == CodeGenerated && x.Field == "CSV/Start Date" {
			n += x.Count
		}
	}
	return n
}

// columns returns the table's columns, in the order its rows have them.
func (bs *baseSide) columns() []string {
	if bs.table == ProfileOC4Users {
		return oc4StudyColumns
	}
	return clinicalOneColumns
}

// lists reports whether the table has a row for FILE's user bu: one it has no row for
// (a deactivated account in the template, a user without access in the study) is not
// removed by being absent from the input.
func (bs *baseSide) lists(bu *User) bool {
	rows, _ := bs.rows(bu)
	return len(rows) > 0
}

// partValues returns the values rows hold of each part: each row's cells of the part's
// columns, the rows' distinct values sorted (one row a role in OpenClinica 4's table).
func (bs *baseSide) partValues(rows [][]string, skipStart bool) [numParts][]string {
	var out [numParts][]string
	cols := bs.columns()
	for _, r := range rows {
		var cell [numParts]strings.Builder
		for j, c := range cols {
			if j >= len(r) || (skipStart && c == "Start Date") {
				continue
			}
			pt := bs.parts[c]
			cell[pt].WriteString(r[j])
			cell[pt].WriteByte(0)
		}
		for pt := range numParts {
			out[pt] = append(out[pt], cell[pt].String())
		}
	}
	for pt := range numParts {
		slices.Sort(out[pt])
		out[pt] = slices.Compact(out[pt])
	}
	return out
}

// merge returns FILE's user bu with the parts the input's user u (its row) changed: a
// part whose columns the table's writer writes alike for both keeps bu's values. bu is
// not changed (it is the base's reused memory; the result shares what it does not
// change).
func (bs *baseSide) merge(bu, u *User) *User {
	br, gen := bs.rows(bu)
	bv := bs.partValues(br, gen)
	ur, _ := bs.rows(u)
	uv := bs.partValues(ur, gen)
	m := *bu
	for pt := partGiven; pt < numParts; pt++ {
		if !bs.holds[pt] || slices.Equal(bv[pt], uv[pt]) {
			continue // no column holds the part, or the table says the same of it
		}
		switch pt {
		case partGiven:
			m.GivenName = u.GivenName
		case partFamily:
			m.FamilyName = u.FamilyName
		case partLogin:
			m.Login = u.Login
		case partEmail:
			m.Emails = replaceFirst(bu.Emails, u.Emails)
		case partPhone:
			m.Phones = replaceFirst(bu.Phones, u.Phones)
		case partOrganization:
			m.Organization, m.OrganizationID = u.Organization, ""
		case partStatus:
			m.Status = u.Status
		case partAccess:
			if !bs.noStudy {
				m.Assignments = bs.access(bu, u)
			}
		}
	}
	return &m
}

// replaceFirst returns base with its first value replaced by in's (removed when in has
// none): a table holds one e-mail address, one phone number, the first, and FILE's
// others, which the table never showed, are kept. One of them that is the new first
// value (in any letter case) is not kept a second time: a row that names the user's
// second address made the user's list that address twice.
func replaceFirst(base, in []string) []string {
	out := make([]string, 0, len(base)+1)
	first := ""
	if len(in) > 0 {
		first = in[0]
		out = append(out, first)
	}
	if len(base) > 1 {
		for _, v := range base[1:] {
			if first != "" && strings.EqualFold(strings.TrimSpace(v), strings.TrimSpace(first)) {
				continue
			}
			out = append(out, v)
		}
	}
	return out
}

// access returns bu's assignments with those of the table's study replaced by u's: an
// assignment of u that bu has (at the same site, in a role of the same name) is bu's own
// (its environment, dates and canonical role as FILE has them).
func (bs *baseSide) access(bu, u *User) []Assignment {
	var out []Assignment
	var mine []Assignment
	for _, a := range bu.Assignments {
		if a.Study == bs.study || a.Study == "" || bs.study == "" {
			mine = append(mine, a)
			continue
		}
		out = append(out, a)
	}
	for _, a := range u.Assignments {
		k := slices.IndexFunc(mine, func(b Assignment) bool {
			return b.Site == a.Site && strings.EqualFold(b.Role.Name, a.Role.Name)
		})
		if k >= 0 {
			a = mine[k]
		}
		if !slices.ContainsFunc(out, a.Equal) {
			out = append(out, a)
		}
	}
	return out
}

// tableUser is patcher.record's look-up of a User record v of the document patched with a
// table's directory (bs.tabled): in is the table's user the record is about (of index i),
// found by login (the table's key; by OID for a record without login, whose OID the
// template writes as the User Name), nil when the table has no row for it; u is the user
// to write: FILE's user with what the row changed (baseSide.merge), FILE's user as it is
// where the table says nothing of it (a block of another study, a user the table has no
// row for), or nil to leave the record out (a user the table would list and does not).
func (p *patcher) tableUser(v *odm.User) (i int32, in, u *User) {
	oid, login := strings.TrimSpace(v.OID), strings.TrimSpace(v.LoginName)
	key := login
	if key == "" {
		key = oid
	}
	i, in = p.users.find(key, key) // by LoginKey (spilledUsers.fold, dirUsers.fold)
	j, bu := p.base.find(oid, login)
	if in != nil && bu != nil && j >= 0 {
		if p.users.isDone(i, in) && !p.base.wasMatched(j) {
			// Another of FILE's users, of the same login but for letter case or the
			// white space around it, took the row first: one row is not two accounts'
			// edits. This one is kept as FILE has it, and that is said.
			p.sharedLoginKept(bu.ID)
			return -1, nil, bu
		}
		p.base.setMatched(j)
	}
	switch {
	case bu == nil:
		return i, in, in
	case in == nil && p.base.tableBlock(p.study) && p.base.lists(bu):
		return -1, nil, nil
	case in == nil:
		return -1, nil, bu
	}
	m := p.base.merge(bu, in)
	if m.Status == StatusDeactivated && !p.base.holds[partStatus] {
		p.keptDeactivated(bu.ID)
	}
	return i, in, m
}

// sharedLoginMsg is the warning of a user of the document whose login is another one's
// but for letter case or the white space around it (one LoginKey), both with a table's
// row: the row is the first's.
const sharedLoginMsg = "the document has another user of this login but for letter case or the white space around it, and the table one row for both: the row is patched into the document's first such user, and this one is kept as the document has it"

// sharedLoginKept reports a user of OID oid kept as the document has it because another
// user of its LoginKey took the table's row (tableUser). The table's readers merge rows
// by LoginKey and report the other spelling (CodeMergeConflict): a row cannot say which
// of two such accounts it means, so the patch does not guess beyond the first.
func (p *patcher) sharedLoginKept(oid string) {
	p.userWarn(CodeMergeConflict, "User/LoginName", oid, sharedLoginMsg)
}

// keptDeactivatedMsg is the warning of a table's row for a user the document has
// deactivated, in a table without a status (the template lists current users only).
const keptDeactivatedMsg = "the table has a row for a user the document has deactivated, and no account status: the user stays deactivated (the row's values are patched in); reactivate the account in the system itself"

// keptDeactivated reports a user of OID oid that a table's row lists and the document
// has deactivated. Whether the row means to reactivate the account (the template has
// no status: a deactivated user has no row) or is an old row left in, the patch does
// not guess: the account stays as the document has it, which is said, where it was the
// row's values patched into a deactivated account without a word.
func (p *patcher) keptDeactivated(oid string) {
	p.userWarn(CodeUnrepresentable, "User/status", oid, keptDeactivatedMsg)
}

// userWarn reports a warning about the document's user of OID oid (by OID only, never its
// login), counted into the one reported before of its code, field and message.
func (p *patcher) userWarn(code Code, field, oid, msg string) {
	if p.w.warn.bump(code, field, msg) {
		return
	}
	subject := "User"
	if oid != "" {
		subject = "User " + oid
	}
	p.docWarn(code, field, subject, msg)
}

// find returns FILE's user of a User record of OID oid and LoginName login, built over
// the one found before. FILE's records come in the order its users were put in the
// temporary file (each at its first record), so the user after the one found last is
// tried first, without the index of IDs, which is built only when a record is not that
// user's (a person's second record, a record without OID): a million users' index was
// some 11 MB more.
func (bs *baseSide) find(oid, login string) (int32, *User) {
	s := bs.users
	if i := bs.next; oid != "" && !s.indexed && i < s.n && s.hasID[i/64]&(1<<(i%64)) != 0 && userID(s.record(i)) == oid {
		bs.next = i + 1
		return i, s.userAgain(i)
	}
	if oid != "" && !s.indexed && bs.again != nil {
		if i, ok := bs.again.find(oid, func(j int32) bool { return userID(s.record(j)) == oid }); ok {
			return i, s.userAgain(i)
		}
	}
	return s.find(oid, login)
}

// wasMatched reports whether FILE's user j was patched with a row (see matched).
func (bs *baseSide) wasMatched(j int32) bool {
	return int(j/64) < len(bs.matched) && bs.matched[j/64]&(1<<(j%64)) != 0
}

func (bs *baseSide) setMatched(j int32) {
	if bs.matched == nil {
		bs.matched = make([]uint64, (int(bs.users.n)+63)/64)
	}
	if int(j/64) < len(bs.matched) {
		bs.matched[j/64] |= 1 << (j % 64)
	}
}

// seekable returns src as a reader that can seek (a file is; anything else is copied to a
// temporary file, which done closes). The copy holds the caller's document, people's
// names among it: it is removed at once where the system allows an open file to be
// removed (then it is gone on every exit path, a crash or a kill included), else by done.
func seekable(src io.Reader) (rs io.ReadSeeker, done func() error, err error) {
	if s, ok := src.(io.ReadSeeker); ok {
		if _, err := s.Seek(0, io.SeekCurrent); err == nil {
			return s, func() error { return nil }, nil
		}
	}
	f, err := os.CreateTemp("", "odmadmin-base-*.xml")
	if err != nil {
		return nil, nil, err
	}
	remove := ""
	if os.Remove(f.Name()) != nil {
		remove = f.Name()
	}
	done = func() error {
		err := f.Close()
		if remove != "" {
			if rerr := os.Remove(remove); err == nil {
				err = rerr
			}
		}
		return err
	}
	if _, err := io.Copy(f, src); err != nil {
		done()
		return nil, nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		done()
		return nil, nil, err
	}
	return f, done, nil
}

// openBaseSide makes src seekable (seekable) and reads the document's side of a patch of
// dir into it (readBaseSide): what the three patch entry points that patch another
// file's directory (Patch, PatchStream, CompactDirectory.Patch) do first. done closes
// both; on an error nothing is left open.
func openBaseSide(src io.Reader, ro odm.ReadOptions, p Profile, dir *Directory, opts Options) (rs io.ReadSeeker, bs *baseSide, done func(), err error) {
	rs, unspool, err := seekable(src)
	if err != nil {
		return nil, nil, nil, err
	}
	if bs, err = readBaseSide(rs, ro, p, dir, opts); err != nil {
		unspool()
		return nil, nil, nil, err
	}
	return rs, bs, func() { bs.close(); unspool() }, nil
}
