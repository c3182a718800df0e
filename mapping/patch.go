package mapping

import (
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/odmadmin/odmadmin/odm"
)

// PatchOptions configure Patch. The zero value is ready to use.
type PatchOptions struct {
	// Options.Profile is the flavour of the document patched. Default: the profile the
	// directory was read with. Options.Now is as for ToDocument.
	Options
	// Read and Write are passed on to odm.Transform (Read.Name names the input in errors).
	Read  odm.ReadOptions
	Write odm.WriteOptions
	// Foreign says the directory was not read from the document patched (another export
	// patched into a base file, say): where the document has each user, site,
	// organization, signature and group is then read from the document (so it is read
	// twice, rewound when it is an io.Seeker, else spooled to a temporary file), not
	// taken from the values' Source, which names the file they were read from. Patch and
	// CompactDirectory.Patch read the document so also when a user or site has no Source
	// of this flavour (a template row, a program's value). The warnings of the
	// document's reader (odm's, about the document itself, which the caller has not
	// read) are then returned too, first, as CodeQuirk warnings; CompactDirectory.Patch
	// returns them always. The directory is then also resolved against the document
	// first, one more reading of it (basepatch.go: sites by OID, number or name, roles by
	// the document's rights groups; a table's users merged with the document's), as
	// CompactDirectory.Patch always resolves it. Default: false.
	Foreign bool
	// Reread says, for PatchStream, that doc returns the document r reads, read again
	// (the same bytes), as odmadmin map --to odm without --base has it. The records of
	// the users the directory has as FromReader reads them from it (no Options.Spec, no
	// profile other than the one its header names, not Foreign) are then copied as they
	// were read, without being decoded: Patch writes them so, a directory patched into
	// the document it was read from writing it back unchanged. With Reread set, a doc
	// that returns another document has its records of those users copied as they are,
	// and PatchStream fails where it would need more of one of them than its ID (which
	// is all it keeps of them): a second record of its OID, or none. Default: false:
	// each record is decoded and compared with what the directory makes of it.
	Reread bool

	// docQuirks: the document's reader warnings are returned as for Foreign
	// (CompactDirectory.Patch, whose directory is never read from the document).
	docQuirks bool
	// mergedValues has a person read from several records written from the values
	// merged from all of them also while it is as read (tests of that path, and of
	// Foreign, which writes so, against the Source).
	mergedValues bool
	// decoded, when set, is given the number of User records the patcher had decoded
	// (tests count the work with it).
	decoded *int
	// work, when set, is given the users the patcher built again from the temporary file
	// and the assignments it looked at to find those of each record's block.
	work *patchWork
	// base is what a Foreign patch resolved the directory against (basepatch.go): for a
	// table's directory, the document's users, each merged with the table's row.
	base *baseSide
}

// patchWork is what PatchOptions.work counts: also, of PatchStream's temporary file, the
// bytes of user encodings written to it (spilled) and the users written there whole, not
// as their ID alone (whole; see patchidonly.go).
type patchWork struct {
	built, looked int
	spilled       int64
	whole         int
}

// Patch copies the ODM document in src to out with its AdminData brought in line with dir,
// streaming it as odm.Transform does: everything outside AdminData (Study, ClinicalData,
// comments, processing instructions, the prolog) is copied as it is, and so is every
// AdminData record the directory holds unchanged. A record the directory changed is
// written from the model onto the record read, as ToDocument writes back; a user, site,
// organization, signature or InForm group the directory no longer holds is left out, and
// reported (CodeRemoved: a warning for each kind of record, naming the first, with a
// count; in OpenClinica's flavour also a user's record of a site study it no longer has
// access at); one the source did not have in a block is added to the first block of its study,
// where ODM's content model puts it (User*, Organization*, Location*, SignatureDef*, then
// the vendor elements): before the block's own records of its kind and after those of
// the kinds before it, groups at its end, so that a valid document stays valid (a
// Location added before the block's Users, as it was, is not; see odm.Transform).
// A user is so added to the first block of each study it has access in (each site
// study, in OpenClinica's flavour) that has no record of it, with that block's
// assignments, also when another block has its record. What cannot be placed (a new user
// of a study the document has no AdminData for; access in a study, or at a site study,
// the document has no AdminData for; in OpenClinica's flavour, which holds a site as a
// site study, a site the document has no Study for: Patch adds no Study or AdminData) is
// reported as a Warning; so is, as approximated, what the directory holds otherwise of a
// study or site study the document has Study elements for, which are copied as they are
// (a site's name, number or study, another vendor's site details, which the whole write
// writes or reports alike). A user the document has in a study's blocks (by OID, or by login
// for a record without one) is patched at its record there, never added as well, also
// when its Source does not name this document (a template row, a directory built by a
// program): to know which users the document has, Patch then reads src twice, rewinding
// it when it is an io.Seeker (a file) and else spooling it to a temporary file.
//
// src must be in the flavour the directory is written in: the directory read from it, or
// one read from another copy of it (through JSON, say). Patching a directory into the
// document it was read from writes the document back unchanged: the same bytes as
// odm.Transform with no edit. A person listed in several AdminData blocks is one User
// (the model holds one list of e-mail addresses, one set of names, ... per person): its
// records are written as they were read while the User is as the reader made it, and
// once it changed (an edit, a spec; or patched Foreign) each is written from the merged
// values, so a record lacking an e-mail address another has gets it; roles stay each
// block's own. Memory is the directory's plus one record.
func Patch(out io.Writer, src io.Reader, dir *Directory, opts PatchOptions) ([]Warning, error) {
	if src == nil {
		return nil, nilODMReader()
	}
	var resolved []Warning
	if opts.Foreign && dir != nil {
		// Another file's directory is resolved against the document first (basepatch.go),
		// on copies: dir is the caller's.
		rs, bs, done, err := openBaseSide(src, opts.Read, opts.Profile, dir, opts.Options)
		if err != nil {
			return nil, err
		}
		defer done()
		src = rs
		d := *dir
		bs.resolve(&d, false)
		d.Users = make([]*User, len(dir.Users))
		for i, u := range dir.Users {
			if u != nil {
				c := *u
				c.Assignments = slices.Clone(u.Assignments)
				bs.user(&c)
				u = &c
			}
			d.Users[i] = u
		}
		resolved = bs.finish(&d)
		dir, opts.base = &d, bs
	}
	w, err := newWriter(dir, opts.Profile, opts.Options)
	if err != nil {
		return nil, err
	}
	ws, err := w.patchDirectory(out, src, opts)
	return append(resolved, ws...), err
}

// patchDirectory is Patch once the writer of w.dir is made.
func (w *writer) patchDirectory(out io.Writer, src io.Reader, opts PatchOptions) ([]Warning, error) {
	dir := w.dir
	// Writing into a document of the directory's flavour: records are rewritten from the
	// ones read, as when writing back.
	w.same = true
	if v := dir.Source; v != nil && v.Vendor != "" && v.Vendor != w.p && !isTemplate(v.Vendor) && tableOf(dir) == "" {
		// (A table's users, sites and definitions are the document's, merged with
		// its rows: written as values of its flavour, basepatch.go.)
		w.same = false
	}
	users := &dirUsers{users: dir.Users, byID: map[string]*User{}, done: map[*User]bool{}, w: w}
	// A table's users are found by the LoginKey of their ID, the login they were read
	// with (basepatch.go), as the table's readers key their rows.
	users.fold = opts.Foreign && tableOf(dir) != ""
	readDoc := opts.Foreign
	for _, s := range dir.Sites {
		readDoc = readDoc || s.Source == nil || s.Source.Vendor != w.p
	}
	for _, u := range dir.Users {
		readDoc = readDoc || u.Source == nil || u.Source.Vendor != w.p
		if u.ID != "" {
			if _, dup := users.byID[users.key(u.ID)]; !dup {
				users.byID[users.key(u.ID)] = u
			}
		} else if u.Login != "" {
			users.byID["\x00"+LoginKey(u.Login)] = u
		} else {
			// A User of neither OID nor LoginName: found by nothing, its record was left
			// out. Such records are taken in order.
			users.anon = append(users.anon, u)
		}
	}
	for _, u := range dir.Users {
		// The other OIDs of a person merged by login find its records too (after the
		// users' own OIDs: a user of that OID is the one its records are about).
		for _, id := range otherOIDs(u) {
			if _, dup := users.byID[id]; !dup {
				users.byID[id] = u
			}
		}
	}
	return w.patch(out, src, users, heldSites(dir.Sites), readDoc, opts)
}

// patch is Patch once the writer is made, with the directory's users in users (held or
// spilled, see PatchStream) and its sites in sites (held or packed).
//
// readDoc says the values' Source may not say where src has them (PatchOptions.Foreign):
// what src has is read from it first (patchdoc.go).
func (w *writer) patch(out io.Writer, src io.Reader, users patchUsers, sites *patchSites, readDoc bool, opts PatchOptions) ([]Warning, error) {
	dir := w.dir
	p := &patcher{w: w, users: users, sites: sites, asOf: -1, cur: -1, siteDone: make([]bool, sites.len()), orgs: map[string][]*Organization{},
		sigs: map[string][]*Signature{}, groups: map[groupKey]*Group{}, done: map[any]bool{}, foreign: opts.Foreign || opts.mergedValues}
	for _, o := range dir.Organizations {
		p.orgs[o.ID] = append(p.orgs[o.ID], o)
	}
	for _, s := range dir.Signatures {
		p.sigs[s.ID] = append(p.sigs[s.ID], s)
	}
	for _, g := range dir.Groups {
		p.groups[groupKey{g.Study, g.ID}] = g
		if _, ok := p.groups[groupKey{"\x00", g.ID}]; !ok {
			p.groups[groupKey{"\x00", g.ID}] = g
		}
	}
	if dir.Source != nil {
		p.blockStudies = map[string]bool{}
		for _, b := range dir.Source.Blocks {
			p.blockStudies[b.Study] = true
		}
	}
	// The patcher keeps nothing of a record but strings (and the *AdminData): the
	// records are read into recycled memory.
	ro := opts.Read
	ro.Reuse = true
	p.ropts, p.wopts = opts.Read, opts.Write
	p.base = opts.base
	for from, to := range dir.renamed {
		if p.renamedFrom == nil {
			p.renamedFrom = map[string]string{}
		}
		p.renamedFrom[to] = from
	}
	switch {
	case readDoc && opts.base != nil && opts.base.doc != nil && (opts.base.doc.studies != nil || !w.fl.siteStudies()):
		// Made as the document's side of the patch was read (readBaseSide), which left
		// src at the document's start.
		p.doc = opts.base.doc
		if s, ok := users.(*spilledUsers); ok {
			// The table's users' bits made by the caller, if any (baseSide.tableBits):
			// they stand for doc's keys of its users, which are let go of.
			if opts.base.userHad == nil {
				opts.base.tableBits(s)
			}
			p.userHad = opts.base.userHad
		}
	case readDoc:
		d, again, done, err := readDocIndex(src, opts.Read, w.fl.siteStudies(), opts.base.tabled())
		if err != nil {
			return nil, err
		}
		defer done()
		p.doc, src = d, again
	}
	p.baseLocations()
	// New users go into the output through the splicer (patchsplice.go), which needs
	// the document's header.
	p.capture = &prefixCapture{r: src, max: spliceHeaderMax}
	p.splice = &splicer{out: out}
	var raw odm.RawCopy
	if su, ok := users.(*spilledUsers); ok && !readDoc {
		raw = odm.RawCopy{Want: func(rs *odm.RecordStart) bool { return p.wantRaw(su, rs) }, Copied: p.copiedRaw}
	}
	rws, err := odm.TransformRaw(p.splice, p.capture, ro, opts.Write, p.record, raw)
	// The reader's warnings are the caller's to report, as for odm.Transform, when the
	// caller read the document for the directory. Of another document (Foreign: map --to
	// odm --base FILE), they are about that document, which the caller has not read: they
	// were dropped without a word.
	var quirks []Warning
	if opts.Foreign || opts.docQuirks {
		quirks = quirkWarnings(rws)
	}
	if ferr := p.splice.finish(err == nil); err == nil {
		err = ferr
	}
	if err != nil {
		return append(quirks, p.w.warn.result()...), err
	}
	if opts.decoded != nil {
		*opts.decoded = p.decoded
	}
	if opts.work != nil {
		opts.work.looked = p.looked
		if s, ok := p.users.(*spilledUsers); ok {
			opts.work.built = s.built
			opts.work.spilled, opts.work.whole = s.sp.size, int(s.n)-s.idOnlyCount()
		}
	}
	p.unplaced()
	return append(quirks, p.w.warn.result()...), nil
}

// baseLocations takes out of the writer's locationless sites (findLocationless) those the
// document has a Location of: the patch writes such a site at its record, from the
// document's, so access at it (siteAccess) and references to it (dropLocationless) are
// written too.
func (p *patcher) baseLocations() {
	w := p.w
	if w.fl.siteStudies() {
		return
	}
	w.findLocationless()
	for id := range w.locationless {
		if i := p.sites.find(id); i >= 0 && p.inSomeBlock(docSite, p.siteKey(id), p.sites.site(i).Source) {
			delete(w.locationless, id)
		}
	}
}

// patchUsers are the users a patcher writes: a Directory's (dirUsers) or those PatchStream
// keeps in its temporary file (spilledUsers). A user is named by its index in the
// directory's order (dirUsers, which holds the users, names them by pointer instead).
type patchUsers interface {
	// find returns the user a User record is about: by its OID (trimmed), or, for a
	// record without one, by its login; nil when the directory has no such user. The
	// user is the caller's until the next find (spilledUsers builds each in the memory
	// of the one before): the patcher keeps no slice or pointer of it past the record.
	find(oid, login string) (int32, *User)
	// isDone and markDone say which users have been written.
	isDone(i int32, u *User) bool
	markDone(i int32, u *User)
	// eachNew calls fn, in the directory's order, with at least every user that addNew
	// may add to the first block of study (addNew checks each): one not written yet, or,
	// for a study other than "", one written in another block that has an assignment of
	// the study's own (not one every block holds). first says the block is the
	// document's first, which also takes users of no block. has(u) says which studies'
	// blocks have u's record (patcher.userHas), which never changes in a run: a user is
	// not added to them, and need not be built for them.
	eachNew(study string, first bool, has func(u *User) func(study string) bool, fn func(i int32, u *User))
	// eachUndone calls fn, in order, with every user not written.
	eachUndone(fn func(i int32, u *User))
	// user returns user i as eachNew gave it (built again from its record, for the
	// users held as records).
	user(i int32) *User
	count() int
	// eachAccess calls fn, each once and in the users' order, with every place an
	// assignment of the users gives access in, as the blocks hold it (accessPlace): a
	// site (site set) for a flavour of site studies, else a study; an assignment every
	// block holds (of no study) gives none.
	eachAccess(fn func(place string, site bool))
}

// accessPlace returns the StudyOID of the blocks that hold assignment a as their own: its
// site (site set) in a flavour of site studies (OpenClinica), else its study; "" for an
// assignment that any block holds (of no study) or none does.
func (w *writer) accessPlace(a Assignment) (place string, site bool) {
	switch {
	case w.inBlock(a, "\x00"):
		return "", false
	case w.fl.siteStudies() && a.Site != "":
		return a.Site, true
	}
	return a.Study, false
}

// otherOIDs returns the OIDs u's listings have besides its own: a person found by login
// under several (the Variants "id" of its Source).
func otherOIDs(u *User) []string {
	if u.Source == nil || len(u.Source.Variants) == 0 {
		return nil
	}
	var ids []string
	for _, v := range u.Source.Variants {
		if v.Name == "id" && v.Space == "" && v.Value != "" && v.Value != u.ID {
			ids = append(ids, v.Value)
		}
	}
	return ids
}

// dirUsers are the users of a Directory held in memory.
type dirUsers struct {
	users []*User
	// byID finds users by ID (the first with it), and those without an ID by "\x00" and
	// their login (the last with it).
	byID map[string]*User
	// anon are the users of neither ID nor login, which records of neither OID nor
	// LoginName find in order (anonNext is the next).
	anon     []*User
	anonNext int
	done     map[*User]bool
	// fold: byID holds the LoginKeys of the IDs (a table's users, see Patch).
	fold bool
	// w and byStudy find the users of a study's blocks (see eachNew).
	w       *writer
	byStudy *studyUsers
}

// key is what byID holds user ID id by.
func (d *dirUsers) key(id string) string {
	if d.fold {
		return LoginKey(id)
	}
	return id
}

func (d *dirUsers) find(oid, login string) (int32, *User) {
	u := d.byID[d.key(oid)]
	switch {
	case u != nil || oid != "":
	case login != "":
		u = d.byID["\x00"+LoginKey(login)]
	case d.anonNext < len(d.anon):
		u = d.anon[d.anonNext]
		d.anonNext++
	}
	return -1, u
}

func (d *dirUsers) isDone(_ int32, u *User) bool { return d.done[u] }
func (d *dirUsers) markDone(_ int32, u *User)    { d.done[u] = true }
func (d *dirUsers) count() int                   { return len(d.users) }

func (d *dirUsers) user(i int32) *User { return d.users[i] }

func (d *dirUsers) eachAccess(fn func(string, bool)) {
	var seen [2]map[string]bool
	for _, u := range d.users {
		for _, a := range u.Assignments {
			if place, site := d.w.accessPlace(a); place != "" {
				k := btoi(site)
				if seen[k] == nil {
					seen[k] = map[string]bool{}
				}
				if !seen[k][place] {
					seen[k][place] = true
					fn(place, site)
				}
			}
		}
	}
}

func (d *dirUsers) eachNew(study string, first bool, has func(*User) func(string) bool, fn func(int32, *User)) {
	if first || study == "" {
		for i, u := range d.users {
			d.w.scans++ // a user looked at (TestWholeDirectoryWriteLinear)
			fn(int32(i), u)
		}
		return
	}
	if d.byStudy == nil {
		d.byStudy = newStudyUsers(d.w, len(d.users), func(i int) *User { return d.users[i] }, has)
	}
	d.byStudy.each(study, func(i int32, own bool) {
		d.w.scans++
		if u := d.users[i]; own || !d.done[u] {
			fn(i, u)
		}
	})
}

// studyUsers finds the users addNew may add to the first block of a study other than the
// document's first: those with an assignment the block holds (writer.inBlock), which is
// one of that study, of that site (OpenClinica's site studies) or of no study (held by any
// block). Each block looking at every user was quadratic in a document of many studies.
// A user the document has a record of in a study's blocks is patched there, never added:
// it is not listed under that study (a person of an OpenClinica export, written at its
// record in each site study, is not built again for each).
type studyUsers struct {
	any     []int32            // users with an assignment every block holds
	byStudy map[string][]int32 // users by the studies and sites of their assignments
}

// newStudyUsers indexes the n users user gives, each looked at once; has(u) says which
// studies' blocks of the document have u's record (patcher.userHas).
func newStudyUsers(w *writer, n int, user func(i int) *User, has func(u *User) func(study string) bool) *studyUsers {
	x := &studyUsers{byStudy: map[string][]int32{}}
	add := func(l []int32, i int32) []int32 {
		if len(l) == 0 || l[len(l)-1] != i {
			l = append(l, i)
		}
		return l
	}
	for i := range n {
		u := user(i)
		in := has(u)
		for _, a := range u.Assignments {
			if w.inBlock(a, "\x00") { // held by a block of any study
				x.any = add(x.any, int32(i))
				continue
			}
			for _, st := range [...]string{a.Study, a.Site} {
				if l := x.byStudy[st]; st != "" && (len(l) == 0 || l[len(l)-1] != int32(i)) && !in(st) {
					x.byStudy[st] = append(l, int32(i))
				}
			}
		}
	}
	return x
}

// each calls fn, in ascending order and once each, with the users of study's blocks; own
// says the user has an assignment of the study (or site) itself, not only one every
// block holds, and the document has no record of it there.
func (x *studyUsers) each(study string, fn func(i int32, own bool)) {
	a, b := x.any, x.byStudy[study]
	for len(a) > 0 || len(b) > 0 {
		switch {
		case len(b) == 0 || len(a) > 0 && a[0] < b[0]:
			fn(a[0], false)
			a = a[1:]
		case len(a) == 0 || b[0] < a[0]:
			fn(b[0], true)
			b = b[1:]
		default: // the same user in both
			fn(a[0], true)
			a, b = a[1:], b[1:]
		}
	}
}

func (d *dirUsers) eachUndone(fn func(int32, *User)) {
	for _, u := range d.users {
		if !d.done[u] {
			fn(-1, u)
		}
	}
}

// patchSites are the sites a patcher writes: a Directory's as they are (held), or packed
// without pointers (PatchStream, see sitecodec.go) and built again where needed. A site
// is named by its index in the directory's order.
type patchSites struct {
	held []*Site
	byID map[string]int // held: the last site of each ID, as a map of them would hold
	pack *siteTable
}

func heldSites(sites []*Site) *patchSites {
	ps := &patchSites{held: sites, byID: make(map[string]int, len(sites))}
	for i, s := range sites {
		ps.byID[s.ID] = i
	}
	return ps
}

func (ps *patchSites) len() int {
	if ps.pack != nil {
		return ps.pack.len()
	}
	return len(ps.held)
}

// site returns site i: the one held, or one built anew from its packing.
func (ps *patchSites) site(i int) *Site {
	if ps.pack != nil {
		return ps.pack.site(i)
	}
	return ps.held[i]
}

// find returns the index of the site a Location record with OID id is about, or -1.
func (ps *patchSites) find(id string) int {
	if ps.pack != nil {
		return ps.pack.find(id)
	}
	if i, ok := ps.byID[id]; ok {
		return i
	}
	return -1
}

type patcher struct {
	w     *writer
	users patchUsers
	// base is PatchOptions.base: what the directory was resolved against.
	base  *baseSide
	sites *patchSites
	// doc is what the document has, read first when the directory may come from
	// another document (patchdoc.go); nil when the values' Source says it.
	doc *docIndex
	// userHad answers for doc whether the document has each of a table's users (see
	// docIndex.tableBits), nil when doc holds their keys; cur (of key curKey) is the
	// user the questions are about (atUser), -1 for none.
	userHad *tableHas
	cur     int32
	curKey  string
	// renamedFrom is the old ID of each site a spec renamed, by its new ID: the document
	// has the site under the old one (Directory.renamed).
	renamedFrom map[string]string
	// siteDone marks the sites written (by index).
	siteDone []bool
	// orgs and sigs are the organizations and signatures by ID, in the directory's
	// order: a document that lists one ID twice (its OIDs are then not unique) has each
	// record patched from the value read from it (nextUnwritten).
	orgs   map[string][]*Organization
	sigs   map[string][]*Signature
	groups map[groupKey]*Group
	// blockStudies are the StudyOIDs of the blocks the directory was read from (nil when
	// unknown): a new value of a study none of them has goes into the first block.
	blockStudies map[string]bool

	block int // blocks seen so far
	study string
	head  *odm.AdminData
	seen  map[string]bool // studies of the blocks seen so far
	// done marks the new values placed, so each is added once (users: see patchUsers).
	done map[any]bool

	// The new users of a block are written through splice (patchsplice.go), rendered in
	// a document of the header read from capture (hdr, once read: hdrDone), with ropts
	// and wopts as the document itself.
	splice  *splicer
	capture *prefixCapture
	hdr     *odm.Header
	hdrDone bool
	ropts   odm.ReadOptions
	wopts   odm.WriteOptions
	// siteIdx, orgIdx and sigIdx hold the indexes of the sites, organizations and
	// signatures by the studies whose blocks they may be added to (see siteCandidates).
	siteIdx, orgIdx, sigIdx map[string][]int32
	// foreign: the directory was not read from this document (PatchOptions.Foreign).
	foreign bool
	// asReadMemo holds mergedAsRead's answers, by user index (or user).
	asReadMemo map[any]bool
	// rec is the memory each User record is made in (see writer.userIn), as the memory
	// of the assignments it is made with.
	rec recordMem
	// byBlock indexes the assignments of the user of the last record (asOf: its index),
	// when it has many: see assignmentsOf.
	byBlock blockAssignments
	asOf    int32
	looked  int // assignments looked at for their block (PatchOptions.work)
	as      []Assignment
	// rawUser is the user of the record wantRaw chose last; decoded counts the User
	// records handed to record (decoded), the others being copied undecoded.
	rawUser int32
	decoded int
}

// siteCandidates yields the indexes of the sites addNew may add to the current block: all
// of them when all is set (the first block, a block of no study), else those siteInBlock
// may put into a block of its study: of that study, of a version of it, or paired with
// it by an assignment, found for all studies at once on first use. A loop over every
// site (each built again from its packed bytes) for each block was quadratic in a file
// of many studies: 6,000 took 10 s through map --to odm.
func (p *patcher) siteCandidates(all bool) iter.Seq[int] {
	if all {
		return func(yield func(int) bool) {
			for i := range p.sites.len() {
				if !yield(i) {
					return
				}
			}
		}
	}
	if p.siteIdx == nil {
		w := p.w
		pairs := map[string][]string{}
		for _, set := range [...]*assignedSet{w.assigned, w.userPairs()} {
			if set != nil {
				for _, pr := range set.list {
					pairs[pr.site] = append(pairs[pr.site], pr.study)
				}
			}
		}
		p.siteIdx = map[string][]int32{}
		add := func(study string, i int) {
			if l := p.siteIdx[study]; len(l) == 0 || l[len(l)-1] != int32(i) {
				p.siteIdx[study] = append(l, int32(i))
			}
		}
		for i := range p.sites.len() {
			s := p.sites.site(i)
			add(s.Study, i)
			for _, v := range s.Versions {
				add(v.Study, i)
			}
			for _, st := range pairs[s.ID] {
				add(st, i)
			}
		}
	}
	return indexes(p.siteIdx[p.study])
}

// studyCandidates is siteCandidates for the n organizations or signatures (study gives
// each one's study): place puts one into a block of another study than its own only when
// all is set.
func (p *patcher) studyCandidates(all bool, idx *map[string][]int32, n int, study func(i int) string) iter.Seq[int] {
	if all {
		return func(yield func(int) bool) {
			for i := range n {
				if !yield(i) {
					return
				}
			}
		}
	}
	if *idx == nil {
		*idx = map[string][]int32{}
		for i := range n {
			(*idx)[study(i)] = append((*idx)[study(i)], int32(i))
		}
	}
	return indexes((*idx)[p.study])
}

// indexes yields the values of l.
func indexes(l []int32) iter.Seq[int] {
	return func(yield func(int) bool) {
		for _, i := range l {
			if !yield(int(i)) {
				return
			}
		}
	}
}

// record is the odm.Transform callback.
func (p *patcher) record(n odm.Node) (odm.Node, error) {
	w := p.w
	defer p.flushGroups()
	switch v := n.(type) {
	case *odm.AdminData:
		p.block++
		p.study = strings.TrimSpace(v.StudyOID)
		p.head = v
		first := p.seen == nil || !p.seen[p.study]
		if p.seen == nil {
			p.seen = map[string]bool{}
		}
		p.seen[p.study] = true
		if first {
			p.addNew(v)
		}
		return v, nil
	case *odm.User:
		p.decoded++
		if n, ok := p.asReadUser(v); ok {
			return n, nil
		}
		// in is the directory's user the record is about (i its index), u the user
		// written: in itself, or, patched from a table, the document's user with what
		// the table's row changed (baseSide.merge), which is also written for a user the
		// table has no row for (in nil, kept).
		i, in := p.users.find(strings.TrimSpace(v.OID), strings.TrimSpace(v.LoginName))
		u, ai := in, i
		if p.base.tabled() {
			i, in, u = p.tableUser(v)
			ai = -1 // u is made for this record: its assignments are not indexed by i
		}
		if u == nil {
			p.removed("User", "User", v.OID, v.LoginName)
			return nil, nil // removed from the directory
		}
		markDone := func() {
			if in != nil {
				p.users.markDone(i, in)
			}
		}
		if in == u && p.mergedAsRead(i, u) {
			markDone()
			w.asRead++
			return odm.AsRead(), nil
		}
		// The writer keeps nothing of as past the record: it is made in memory kept
		// for the next.
		as := p.assignmentsOf(p.as[:0], ai, u)
		p.as = as
		if len(as) == 0 && len(u.Assignments) > 0 && w.fl.siteStudies() {
			p.removedAccess(u.ID)
			return nil, nil // the site study membership was removed
		}
		if len(as) > 0 {
			// As the whole write (writeBlock): site-level access whose site the output
			// does not hold would read back as access at every site of the study.
			if as = w.siteAccess(as, u.ID); len(as) == 0 {
				markDone()
				w.warn.addUser(CodeUnrepresentable, "User", u.ID, siteOnlyUser)
				return nil, nil
			}
			p.as = as
		}
		markDone()
		done := p.byIndex(i)
		// Transform writes o before it hands on the next record: o is made in memory
		// kept for the next.
		o := w.userIn(&p.rec, u, v, as, p.study)
		done()
		if !sameUser(o, v) {
			return o, nil
		}
		w.asRead++
		return odm.AsRead(), nil // as read: its bytes are copied
	case *odm.Location:
		id := strings.TrimSpace(v.OID)
		i := p.sites.find(id)
		if to, ok := w.dir.renamed[id]; ok && i < 0 {
			i = p.sites.find(to) // renamed by a spec: written here, under its new OID
		}
		if i < 0 {
			if w.fl.autoLocation(id) {
				return v, nil // InForm's automatic location, not a site of the model
			}
			p.removed("Location", "Location", id, "")
			return nil, nil
		}
		s := p.sites.site(i)
		p.siteDone[i] = true
		if l := w.location(s, v, p.study); l != nil {
			return l, nil
		}
		return nil, nil
	case *odm.Organization:
		o := nextUnwritten(p, p.orgs[strings.TrimSpace(v.OID)])
		if o == nil {
			p.removed("Organization", "Organization", v.OID, "")
			return nil, nil
		}
		p.done[o] = true
		return w.organization(o, v), nil
	case *odm.SignatureDef:
		s := nextUnwritten(p, p.sigs[strings.TrimSpace(v.OID)])
		if s == nil {
			p.removed("SignatureDef", "SignatureDef", v.OID, "")
			return nil, nil
		}
		p.done[s] = true
		return w.signature(s, v), nil
	case *odm.Element:
		if !isGroupDef(v) {
			return v, nil
		}
		id, _ := v.Attr("", "OID")
		id = strings.TrimSpace(id)
		g := p.groups[groupKey{p.study, id}]
		if g == nil {
			g = p.groups[groupKey{"\x00", id}]
		}
		if g == nil {
			p.removed("GroupDef", "GroupDef", id, "")
			return nil, nil
		}
		p.done[g] = true
		return w.groupDef(g, v), nil
	}
	return n, nil
}

// removedMsg is the message of a record of the document the directory does not hold.
const removedMsg = "the document has the record and the directory (the input) does not, so the patch leaves it out of the output"

// removed reports a record of the document (field, its kind) that the patch leaves out
// because the directory does not hold it: counted, the first named (by OID, else login).
func (p *patcher) removed(field, kind, oid, login string) {
	if p.w.warn.bump(CodeRemoved, field, removedMsg) {
		return
	}
	name := strings.TrimSpace(oid)
	if name == "" {
		name = "login " + strings.TrimSpace(login)
	}
	p.docWarn(CodeRemoved, field, kind+" "+name, removedMsg)
}

// removedAccessMsg is the message of a user's record of a site study the directory gives
// the user no access at (OpenClinica's flavour: the record is the access).
const removedAccessMsg = "the directory gives the user no access at the site study (or study) of this AdminData, so the patch leaves the user's record in it out of the output"

func (p *patcher) removedAccess(id string) {
	if p.w.warn.bump(CodeRemoved, "User/AdminData", removedAccessMsg) {
		return
	}
	p.docWarn(CodeRemoved, "User/AdminData", "User "+id+" (AdminData "+p.study+")", removedAccessMsg)
}

// wantRaw is odm.RawCopy.Want: a User record of a user su has as read (see
// spilledUsers.asRead) is copied undecoded, as record would have it written, the first
// time that user's OID is met. The user is found by OID alone: find takes the records
// without one in order, which a record looked up twice (here, then by record) would
// upset.
func (p *patcher) wantRaw(su *spilledUsers, rs *odm.RecordStart) bool {
	if rs.Local() != "User" {
		return false
	}
	oid, _ := rs.Attr("OID")
	oid = strings.TrimSpace(oid)
	if oid == "" {
		return false
	}
	i, ok := su.findID(oid)
	if !ok || !su.isAsRead(i) || su.isDone(i, nil) {
		// Not as read, or a second record of the OID (of another user of that ID, not
		// merged into it): record writes it from the user found, not as read.
		return false
	}
	p.rawUser = i
	return true
}

// copiedRaw is odm.RawCopy.Copied: what record does for a user written as read.
func (p *patcher) copiedRaw() {
	p.users.markDone(p.rawUser, nil)
	p.w.asRead++
}

// byIndex has the writer know a user held as a record by its index i while it writes it,
// until the returned func is called: such a user is built anew each time it is found, so
// the role names reported for it (CodeRoleVerbatim) are noted by index, as
// WriteODMStream's writer notes them, not by pointer, which kept every user written
// alive in the writer's map (about 1 KB a user).
func (p *patcher) byIndex(i int32) func() {
	if _, spilled := p.users.(*spilledUsers); !spilled || i < 0 {
		return func() {}
	}
	p.w.cur = i
	return func() { p.w.cur = -1 }
}

// assignments returns u's assignments that belong in the current block.
func (p *patcher) assignments(u *User) []Assignment { return p.assignmentsIn(u, p.study) }

// assignmentsIn returns u's assignments that belong in a block of study.
func (p *patcher) assignmentsIn(u *User, study string) []Assignment {
	return p.appendAssignments(nil, u, study)
}

// assignmentsOf appends the assignments of user i (u) that belong in the current block
// to as. A user with many assignments is one record in each of many blocks (a person of
// an OpenClinica export in every site study): its assignments are indexed by study and
// site once, for all its records, instead of all looked at for each record.
func (p *patcher) assignmentsOf(as []Assignment, i int32, u *User) []Assignment {
	if i < 0 || p.study == "" || len(u.Assignments) <= blockIndexMin {
		return p.appendAssignments(as, u, p.study)
	}
	if i != p.asOf || p.byBlock.n != len(u.Assignments) {
		p.byBlock.index(u.Assignments)
		p.asOf = i
		p.looked += len(u.Assignments)
	}
	cand := p.byBlock.candidates(p.study)
	p.looked += len(cand)
	for _, k := range cand {
		if a := u.Assignments[k]; p.w.inBlock(a, p.study) {
			as = append(as, a)
		}
	}
	return as
}

// blockIndexMin is the most assignments a user has for them all to be looked at for
// each of its records.
const blockIndexMin = 64

// blockAssignments indexes a user's assignments by study and by site.
type blockAssignments struct {
	n       int
	byStudy map[string][]int32
	bySite  map[string][]int32
	cand    []int32
}

func (b *blockAssignments) index(as []Assignment) {
	b.n = len(as)
	b.byStudy, b.bySite = map[string][]int32{}, map[string][]int32{}
	for k, a := range as {
		b.byStudy[a.Study] = append(b.byStudy[a.Study], int32(k))
		if a.Site != "" {
			b.bySite[a.Site] = append(b.bySite[a.Site], int32(k))
		}
	}
}

// candidates returns, in order, the assignments a block of study (not empty) may hold:
// those of the study, of no study, and at a site of that OID (an OpenClinica site study).
// Every flavour's inBlock holds an assignment for such a block only if it is one of
// them (TestBlockAssignmentsComplete).
func (b *blockAssignments) candidates(study string) []int32 {
	b.cand = append(append(append(b.cand[:0], b.byStudy[study]...), b.byStudy[""]...), b.bySite[study]...)
	slices.Sort(b.cand)
	return slices.Compact(b.cand)
}

// appendAssignments appends u's assignments that belong in a block of study to as.
func (p *patcher) appendAssignments(as []Assignment, u *User, study string) []Assignment {
	p.looked += len(u.Assignments)
	for _, a := range u.Assignments {
		if p.w.inBlock(a, study) {
			as = append(as, a)
		}
	}
	return as
}

// nextUnwritten returns the first of the values of one ID not written yet, else the last
// (a record of that ID once more than the directory has values), nil for none. Patched
// from the last of them, the first of two SignatureDefs of one OID took the second's
// values, without a word (FuzzMapToODMRoundTrip, with Organizations).
func nextUnwritten[T any](p *patcher, vs []*T) *T {
	for _, v := range vs {
		if !p.done[v] {
			return v
		}
	}
	if len(vs) == 0 {
		return nil
	}
	return vs[len(vs)-1]
}

// mergedAsRead reports whether u (user i), found for a User record of the current block,
// is a person read from several records of this document (a block each) and still as
// the reader made it: no spec, no edit. Each of its records is then written as it was
// read. Written from the user, a record took what the person's other records hold (an
// e-mail address one record lacks, another block's group): for a person read from
// several records the model holds one value where the document has one per record.
// The answer is kept by index (or user): a person of many records is fingerprinted once.
func (p *patcher) mergedAsRead(i int32, u *User) bool {
	if !p.w.same || p.foreign || u.Source == nil || u.Source.asRead == 0 || !p.fromHere(u.Source) {
		return false
	}
	if p.asReadMemo == nil {
		p.asReadMemo = map[any]bool{}
	}
	var k any = u
	if i >= 0 {
		k = i
	}
	ok, seen := p.asReadMemo[k]
	if !seen {
		ok = userFingerprint(u) == u.Source.asRead
		p.asReadMemo[k] = ok
	}
	return ok
}

// fromHere reports whether a value was read from a block of the current block's study in
// a document of this flavour.
func (p *patcher) fromHere(src *Source) bool {
	return src != nil && src.Vendor == p.w.p && slices.Contains(src.Studies, p.study)
}

// homeless reports whether a value of study has no block of its own in the source.
func (p *patcher) homeless(study string) bool {
	return study == "" || (p.blockStudies != nil && !p.blockStudies[study])
}

// ownAccess reports whether as (a user's assignments the current block holds) has one of
// the block's study itself, not only ones every block holds (of no study): a user written
// in another block is added to this one for those. An assignment of no study is written
// with the user wherever it is, once, as before; a block without StudyOID takes no user
// written elsewhere.
func (p *patcher) ownAccess(as []Assignment) bool {
	if p.study == "" {
		return false
	}
	for _, a := range as {
		if !p.w.inBlock(a, "\x00") {
			return true
		}
	}
	return false
}

// addNew puts into head the values the directory has for this block that the source did
// not have there: odm.Transform writes each before the block's own records of its kind,
// after those of the kinds before it (groups at its end).
func (p *patcher) addNew(head *odm.AdminData) {
	w := p.w
	firstBlock := p.block == 1
	// With the document's header at hand, the new users are written through the
	// splicer: here each is built once, for the warnings, groups and organizations
	// writing it makes (in this order, as before), and only its index is kept.
	splice := p.header() != nil
	var added indexList
	p.users.eachNew(p.study, firstBlock, p.userHas, func(i int32, u *User) {
		p.atUser(i, u)
		if p.here(docUser, userKey(u), u.Source) {
			return // written at its record
		}
		as := p.assignments(u)
		if len(as) > 0 {
			// As at a record (record): the site-level access whose site is not written
			// is left out, and a user with no other access here is not added.
			if as = w.siteAccess(as, u.ID); len(as) == 0 {
				p.users.markDone(i, u)
				w.warn.addUser(CodeUnrepresentable, "User", u.ID, siteOnlyUser)
				return
			}
		}
		if p.users.isDone(i, u) && !p.ownAccess(as) {
			// Written in another block, and nothing of this study's own to list here.
			// (Once written, a user was never added to another block: its access in a
			// study whose block the document has without it, an InForm study or an
			// OpenClinica site study of map --to odm --base, was left out without a word.)
			return
		}
		if len(as) == 0 {
			if !firstBlock || p.inSomeBlock(docUser, userKey(u), u.Source) {
				return
			}
			homeless := true
			for _, a := range u.Assignments {
				if !p.homeless(a.Study) {
					homeless = false
				}
			}
			if !homeless {
				return
			}
		}
		p.users.markDone(i, u)
		done := p.byIndex(i)
		o := w.user(u, nil, as, p.study)
		done()
		if splice {
			added.add(i)
			return
		}
		head.Users = append(head.Users, o)
	})
	if added.n > 0 {
		head.Users = append(head.Users, p.spliceNew(head, p.study, &added))
	}
	place := func(v any, kind byte, key string, src *Source, study string) bool {
		if p.done[v] || p.here(kind, key, src) {
			return false
		}
		if p.inSomeBlock(kind, key, src) && !(p.study == "" && firstBlock) {
			return false // another block has it: it belongs there (or was removed with it)
		}
		if p.study == "" || study == p.study || firstBlock && p.homeless(study) {
			p.done[v] = true
			return true
		}
		return false
	}
	// Into a block of a study that is not the first block, only the values of that study
	// (as siteInBlock and place decide) may go: those are looked up, not every value.
	all := firstBlock || p.study == ""
	if !w.fl.siteStudies() {
		for i := range p.siteCandidates(all) {
			w.scans++
			if p.siteDone[i] {
				continue
			}
			s := p.sites.site(i)
			if p.here(docSite, p.siteKey(s.ID), s.Source) {
				continue
			}
			in := w.siteInBlock(s, blockPlan{study: p.study, src: -1}) || firstBlock && p.homeless(s.Study)
			if p.inSomeBlock(docSite, p.siteKey(s.ID), s.Source) {
				in = false
			}
			if in {
				p.siteDone[i] = true
				if l := w.location(s, nil, p.study); l != nil {
					head.Locations = append(head.Locations, l)
				}
			}
		}
	}
	if w.v == odm.V20 {
		for i := range p.studyCandidates(all, &p.orgIdx, len(w.dir.Organizations), func(i int) string { return w.dir.Organizations[i].Study }) {
			w.scans++
			if o := w.dir.Organizations[i]; place(o, docOrg, o.ID, o.Source, o.Study) {
				head.Organizations = append(head.Organizations, w.organization(o, nil))
			}
		}
	}
	for i := range p.studyCandidates(all, &p.sigIdx, len(w.dir.Signatures), func(i int) string { return w.dir.Signatures[i].Study }) {
		w.scans++
		if s := w.dir.Signatures[i]; place(s, docSig, s.ID, s.Source, s.Study) {
			head.SignatureDefs = append(head.SignatureDefs, w.signature(s, nil))
		}
	}
	if w.fl.definesGroups() {
		for _, g := range w.dir.Groups {
			if place(g, docGroup, g.ID, g.Source, g.Study) {
				head.Nodes = append(head.Nodes, w.fl.writeGroup(w, g, nil))
			}
		}
	}
	if w.v == odm.V20 && len(w.newOrg) > 0 {
		head.Organizations = append(head.Organizations, w.newOrg...)
		w.newOrg = nil
	}
}

// flushGroups adds the rights groups and organizations made up while writing users to the
// current block; the head's nodes and later records are written before its end tag.
func (p *patcher) flushGroups() {
	if p.head == nil {
		return
	}
	w := p.w
	for _, g := range w.newGroup { // made up by a flavour that defines groups
		p.head.Nodes = append(p.head.Nodes, w.fl.writeGroup(w, g, nil))
	}
	w.newGroup = nil
	if len(w.newOrg) > 0 {
		p.head.Organizations = append(p.head.Organizations, w.newOrg...)
		w.newOrg = nil
	}
}

// docWarn adds a warning about the document patched (that it has no AdminData or Study
// for a value, or keeps its Study elements as they are): it names that document
// (Warning.File: PatchOptions.Read.Name), not the input the directory was read from,
// which map --to odm --base FILE named for it.
func (p *patcher) docWarn(code Code, field, subject, msg string) {
	p.w.warn.addAt(code, field, subject, msg, at{file: p.ropts.Name})
}

// unplaced reports the directory's users and sites that went into no block.
func (p *patcher) unplaced() {
	w := p.w
	if p.block == 0 {
		if p.users.count()+p.sites.len() > 0 {
			p.docWarn(CodeUnrepresentable, "AdminData", "ODM", "the document has no AdminData; the directory's "+
				strconv.Itoa(p.users.count())+" users and "+strconv.Itoa(p.sites.len())+" sites are not written")
		}
		return
	}
	p.users.eachUndone(func(i int32, u *User) {
		p.atUser(i, u)
		if len(u.Assignments) > 0 && !p.inBlockSeen(docUser, userKey(u), u.Source) {
			p.docWarn(CodeUnrepresentable, "User", "User "+u.ID, "the document has no AdminData for the user's studies; the user is not written")
		}
	})
	if w.fl.siteStudies() {
		p.siteStudiesUnplaced()
	} else {
		for i := range p.sites.len() {
			if p.siteDone[i] {
				continue
			}
			if s := p.sites.site(i); !p.inBlockSeen(docSite, p.siteKey(s.ID), s.Source) {
				p.docWarn(CodeUnrepresentable, "Location", "Location "+s.ID, "the document has no AdminData for the site's study; the site is not written")
			}
		}
	}
	p.accessUnplaced()
}

// accessUnplaced reports the places (studies; sites, in a flavour of site studies) the
// users' assignments give access in that no block of the document holds: a patch adds no
// AdminData, so that access is not written, whether or not the user is written in
// another block (a user of an export patched into a base with fewer studies lost it
// without a word).
func (p *patcher) accessUnplaced() {
	w := p.w
	p.users.eachAccess(func(place string, site bool) {
		a := Assignment{Study: place}
		if site {
			a = Assignment{Site: place}
		}
		for _, st := range [...]string{"", a.Study, a.Site} {
			if p.seen[st] && w.inBlock(a, st) {
				return
			}
		}
		if site {
			p.docWarn(CodeUnrepresentable, "Assignment", "Location "+place, "the document has no AdminData for the site study, and a patch adds none; access at the site is not written")
			return
		}
		p.docWarn(CodeUnrepresentable, "Assignment", "Study "+place, "the document has no AdminData for the study, and a patch adds none; access in the study is not written")
	})
}

// siteStudiesUnplaced is unplaced for the sites of a flavour that holds a site as a site
// study (OpenClinica): a Study element of the site's OID, and an AdminData of that
// StudyOID listing the users with access at the site. A patch copies the document's
// Study elements as they are, so a site the document has no Study for is not written:
// it is reported, not left out without a word (map --to odm --profile openclinica --base
// FILE of an export that lacks a site did so). Nor is what a site study the document has
// holds otherwise than the directory (siteStudiesKept). Access at a site the document
// has no AdminData for is reported by accessUnplaced.
func (p *patcher) siteStudiesUnplaced() {
	w := p.w
	// The document's Study elements: read from it when the directory may come from
	// elsewhere (p.doc), else the directory's studies, read from it.
	var studies map[string]studyHead
	if p.doc != nil {
		studies = p.doc.studies
	} else {
		studies = make(map[string]studyHead, len(w.dir.Studies))
		for _, st := range w.dir.Studies {
			studies[st.ID] = studyHead{name: st.Name, protocol: st.Protocol, parent: st.Parent}
		}
	}
	// The fields reported of each site, by ID: its Study of the directory (the values
	// the whole write writes) is reported under the site, once.
	sites := make(map[string]uint8, p.sites.len())
	for i := range p.sites.len() {
		s := p.sites.site(i)
		if s.ID == "" {
			continue
		}
		h, ok := studies[p.siteKey(s.ID)]
		if !ok {
			p.docWarn(CodeUnrepresentable, "Location", "Location "+s.ID, "the document has no site study (Study) of the site's OID, and a patch adds none; the site is not written")
			continue
		}
		subject := "Location " + s.ID
		if p.siteKey(s.ID) != s.ID {
			// Renamed by a spec: found under its old OID, which its site study keeps (as
			// the AdminData of that StudyOID, whose access is reported by accessUnplaced).
			p.docWarn(CodeApproximated, "Study/@OID", subject, "a patch copies the document's Study elements as they are: the site study keeps its OID, not the site's new one")
		}
		sites[s.ID] |= 1 << 7
		sites[s.ID] |= p.siteStudyKept(subject, h, studyHead{name: s.Name, protocol: s.Number, parent: siteParent(s)}, sites[s.ID])
		if s.Source == nil || s.Source.Vendor != w.p {
			// As the whole write reports another vendor's site (siteStudiesApproximated),
			// of which a patch writes not even the name and number.
			p.docWarn(CodeApproximated, "Location", subject, "the flavour holds a site as a site study (Study), which a patch copies from the document as it is; the site's study versions, country and other details are not written")
		}
	}
	// The directory's studies, sites' and others (a parent study): the whole write
	// writes the Study elements from them.
	for _, st := range w.dir.Studies {
		h, ok := studies[st.ID]
		if !ok {
			continue
		}
		subject := "Study " + st.ID
		if sites[st.ID] != 0 {
			subject = "Location " + st.ID
		}
		sites[st.ID] |= p.siteStudyKept(subject, h, studyHead{name: st.Name, protocol: st.Protocol, parent: st.Parent}, sites[st.ID])
	}
}

// siteStudyKept reports what the directory holds of a study or site (want) that the
// document's Study element of its OID (has) holds otherwise, but the fields done has
// (bits 0 to 2: name, protocol, parent), and returns the fields it reported: a patch
// copies the Study elements as they are, so a site study renamed in the directory
// (another export, an edited JSON) kept the document's name without a word, where a whole
// write (WriteODM) writes the directory's. A value the directory lacks ("") is not one it
// changed.
func (p *patcher) siteStudyKept(subject string, has, want studyHead, done uint8) uint8 {
	const kept = "a patch copies the document's Study elements as they are: "
	var out uint8
	for k, f := range [...]struct {
		want, has, field, msg string
	}{
		{want.name, has.name, "Study/GlobalVariables/StudyName", "the study keeps the document's StudyName, not the directory's name"},
		{want.protocol, has.protocol, "Study/GlobalVariables/ProtocolName", "the study keeps the document's ProtocolName, not the directory's (a site's number)"},
		{want.parent, has.parent, "Study/MetaDataVersion/Include/@StudyOID", "the site study keeps the parent study it includes in the document, not the directory's study"},
	} {
		if bit := uint8(1) << k; done&bit == 0 && f.want != "" && f.want != f.has {
			p.docWarn(CodeApproximated, f.field, subject, kept+f.msg)
			out |= bit
		}
	}
	return out
}

func (p *patcher) fromAnyBlock(src *Source) bool {
	if src == nil || src.Vendor != p.w.p {
		return false
	}
	for _, s := range src.Studies {
		if p.seen[s] {
			return true
		}
	}
	return false
}
