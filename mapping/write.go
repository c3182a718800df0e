package mapping

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strings"

	"github.com/odmadmin/odmadmin/odm"
)

// ToDocument writes dir as an ODM document in profile p's flavour (p "" means the profile
// dir was read with, or plain ODM 1.3.2 for a directory built in code or read from CSV).
//
// When p is the profile dir was read with, every user, site, group and signature is written
// from the value as it was decoded, with the model's changes applied, so that an unchanged
// directory writes back the AdminData it was read from (layout, vendor attributes and
// elements included). Otherwise values are built fresh in p's flavour, and each value of
// the model or of the source that p cannot hold is reported as a Warning.
func ToDocument(dir *Directory, p Profile, opts Options) (*odm.Document, []Warning, error) {
	w, err := newWriter(dir, p, opts)
	if err != nil {
		return nil, nil, err
	}
	doc := w.document()
	return doc, w.warn.result(), nil
}

// newWriter checks dir and p and prepares a writer of p's flavour (p "" as in ToDocument).
func newWriter(dir *Directory, p Profile, opts Options) (*writer, error) {
	return newStreamWriter(dir, p, opts, nil)
}

// newStreamWriter is newWriter for a directory whose users are streamed (when assigned
// is set): dir.Users is empty, and assigned stands in for them where the writer plans its
// blocks.
func newStreamWriter(dir *Directory, p Profile, opts Options, assigned *assignedSet) (*writer, error) {
	if dir == nil {
		return nil, errors.New("mapping: no directory")
	}
	p = writeProfile(dir, p)
	if err := odmProfile(p, false); err != nil {
		return nil, err
	}
	if _, err := ParseProfile(string(p)); err != nil {
		return nil, err
	}
	if err := dir.Check(); err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	w := &writer{p: p, fl: p.flavour(), v: p.Version(), dir: dir, opts: opts, groupIDs: map[string]string{}, orgIDs: map[string]string{}, cur: -1}
	w.same = dir.Source != nil && dir.Source.Vendor == p
	if w.same && dir.Source.Version == odm.V12 && w.v == odm.V13 {
		// Written back, an ODM 1.2 file stays 1.2 (read and written with the 1.3 model), as
		// Patch keeps it: from the JSON form it came out as 1.3.
		w.v = odm.V12
	}
	w.assigned = assigned
	w.plan = w.blocks()
	return w, nil
}

type writer struct {
	p    Profile
	fl   flavour // p's vendor half
	v    odm.Version
	dir  *Directory
	opts Options
	same bool // writing back the profile the directory was read with
	// asRead counts the records the patcher left as they were read (odm.AsRead).
	asRead int
	warn   warner
	plan   []blockPlan

	// groupIDs maps a rights-group name to the InForm GroupDef OID written for it.
	groupIDs map[string]string
	// rightsByName holds the ID of the first rights group of each name of
	// dir.Groups[:rightsSeen] (rightsGroup).
	rightsByName map[string]string
	rightsSeen   int
	newGroup     []*Group
	// groupSeq numbers the rights groups made up (ROLE.n), groupTaken holds the
	// directory's group IDs of that form.
	groupSeq   int
	groupTaken map[string]bool
	// orgIDs maps an organization name to the ODM 2.0 Organization OID generated for it.
	orgIDs map[string]string
	newOrg []*odm.Organization
	// siteStudyless holds the sites OpenClinica's studyElements left out: of no study and
	// no user, they have no parent to be a site study of.
	siteStudyless map[string]bool
	// siteStudyMap is the plan of the site studies of the assignments, for a flavour
	// that writes sites as site studies (see siteStudyPlan); made on first use.
	siteStudyMap *siteStudyMap
	// onlyStudy is the study a reader takes an AdminData without a StudyOID to be about
	// ("": none), for a flavour that writes Study elements, as it wrote them.
	onlyStudy string
	// locationless holds the sites written without a Location (see locations.go); built
	// on first use.
	locationless map[string]bool
	// verbatim holds the users and role names reported as CodeRoleVerbatim.
	verbatim map[verbatimKey]bool
	// userSeq, when set, hands on the users writeBlock writes into a block instead of
	// dir.Users (see WriteODMStream).
	userSeq func(bp blockPlan) iter.Seq[*User]
	// fresh, when set, is the memory the record of each user written fresh is made in,
	// over the last one's: for a writer that writes each user's record before it makes
	// the next (see freshUser).
	fresh *freshUser
	// cur is the index of the user userSeq hands on when it writes several blocks, else
	// -1: a user is built anew for each block it is in, so the role names reported for
	// it are found by its index (verbatimSeen: for each name, a bit per user) rather than
	// by its pointer.
	cur          int32
	verbatimSeen map[string][]uint64
	// listed is the user whose record userIn writes, while the flavour writes it: the
	// user it is given is its listing in the block (User.InStudy), a copy when the
	// listing has values of its own, which the role names reported are not noted by
	// (the person would be reported again for each such block).
	listed *User
	// sitePack, when set, holds the sites writeBlock writes instead of dir.Sites, packed
	// (see WriteODMStream and sitecodec.go).
	sitePack *siteTable
	// assigned, when set, stands in for dir.Users where the writer asks about the
	// assignments of every user (the blocks it plans, the sites a block holds) while
	// userSeq hands on the users themselves (see WriteODMStream).
	assigned *assignedSet
	// dirPairs holds the (study, site) pairs of dir.Users' assignments (see userPairs).
	dirPairs *assignedSet
	// candidates holds, for each block of plan, the users of dir.Users it may hold (see
	// blockCandidates).
	candidates map[blockPlan][]int32
	// siteCands is candidates for the sites (see blockSites), orgCands and sigCands for
	// the organizations and signatures (see valueCandidates).
	siteCands, orgCands, sigCands map[blockPlan][]int32
	// planStudies is the set of the studies of plan (see hasBlock).
	planStudies map[string]bool
	// housed is the set of the sites some assignment pairs with a study of plan (see
	// homeless).
	housed map[string]bool
	// labels holds the fields of warnings built from parts (see label); noPlaceMsg is
	// noPlace's message, once made.
	labels     map[[3]string]string
	noPlaceMsg string
	// scans counts the values (users, sites) that loops over the whole directory visit:
	// tests hold it to a few times the directory's size, so that no such loop runs once
	// per site or per user.
	scans int
}

// assignedSet holds the studies and (study, site) pairs of a directory's assignments,
// each once: what blocks and siteInBlock ask of the users, in a few dozen bytes a pair
// instead of a user each.
type assignedSet struct {
	studies []string               // each study assigned, in the order the users give them
	study   map[string]string      // each of studies, by itself (its one copy)
	list    []assignedPair         // each pair, in the order the users give them
	pairs   map[assignedPair]int32 // a pair's index in list
}

type assignedPair struct{ study, site string }

// add records a's study and site and returns the pair's index. The strings are copies: a
// user's strings may be substrings of a large text block, which a set kept for the whole
// run would keep whole.
func (s *assignedSet) add(a Assignment) int32 {
	k := assignedPair{a.Study, a.Site}
	if i, ok := s.pairs[k]; ok {
		return i
	}
	if s.pairs == nil {
		s.pairs, s.study = map[assignedPair]int32{}, map[string]string{}
	}
	if c, ok := s.study[k.study]; ok {
		k.study = c
	} else {
		k.study = strings.Clone(k.study)
		s.study[k.study] = k.study
		s.studies = append(s.studies, k.study)
	}
	k.site = strings.Clone(k.site)
	i := int32(len(s.list))
	s.pairs[k] = i
	s.list = append(s.list, k)
	return i
}

// has reports whether some user is assigned to site in study.
func (s *assignedSet) has(study, site string) bool {
	_, ok := s.pairs[assignedPair{study, site}]
	return ok
}

// users returns the users writeBlock writes into bp: userSeq's, or those of dir.Users it
// may write there (all of them when there is one block).
func (w *writer) users(bp blockPlan) iter.Seq[*User] {
	if w.userSeq != nil {
		return w.userSeq(bp)
	}
	if len(w.plan) <= 1 {
		return slices.Values(w.dir.Users)
	}
	return func(yield func(*User) bool) {
		for _, i := range w.blockCandidates(bp) {
			if !yield(w.dir.Users[i]) {
				return
			}
		}
	}
}

// blockCandidates returns the indexes in dir.Users, in order, of the users writeBlock may
// write into bp, found for all blocks at once on first use: those with an assignment that
// inBlock puts there, those with a record read in its source block, and (into the first
// block) those without assignments. writeBlock decides on each; a loop over every user for
// each block was quadratic where the blocks grow with the sites (OpenClinica's site
// studies: 3,000 sites and users took 20 s).
func (w *writer) blockCandidates(bp blockPlan) []int32 {
	if w.candidates == nil {
		byStudy := map[string][]int{}
		bySrc := map[int]int{}
		for i, p := range w.plan {
			byStudy[p.study] = append(byStudy[p.study], i)
			if p.src >= 0 {
				bySrc[p.src] = i
			}
		}
		w.candidates = make(map[blockPlan][]int32, len(w.plan))
		lists := make([][]int32, len(w.plan))
		for i, u := range w.dir.Users {
			w.scans++
			add := func(bi int) {
				if l := lists[bi]; len(l) == 0 || l[len(l)-1] != int32(i) {
					lists[bi] = append(l, int32(i))
				}
			}
			if len(u.Assignments) == 0 {
				add(0)
			}
			for _, a := range u.Assignments {
				if a.Study == "" {
					// Of no study: inBlock may put it anywhere.
					for bi, p := range w.plan {
						if w.inBlock(a, p.study) {
							add(bi)
						}
					}
					continue
				}
				// Else only into a block of its study, of its site or its site study, or
				// of no study.
				for i, st := range w.blockKeys(a) {
					if i > 0 && st == "" {
						continue
					}
					for _, bi := range byStudy[st] {
						if w.inBlock(a, w.plan[bi].study) {
							add(bi)
						}
					}
				}
			}
			if u.Source != nil {
				for _, r := range u.Source.recs {
					if bi, ok := bySrc[r.block]; ok {
						add(bi)
					}
				}
			}
		}
		for bi, p := range w.plan {
			if _, dup := w.candidates[p]; !dup {
				w.candidates[p] = lists[bi]
			}
		}
	}
	return w.candidates[bp]
}

// assignments hands on the assignments of every user, in order, where the writer asks
// about all of them at once (its blocks, OpenClinica's site studies): with assigned set,
// each (study, site) pair once, in the order the users give them, as assignments of that
// study and site alone (what is asked of them).
func (w *writer) assignments(yield func(Assignment) bool) {
	if w.assigned != nil {
		for _, p := range w.assigned.list {
			if !yield(Assignment{Study: p.study, Site: p.site}) {
				return
			}
		}
	}
	for _, u := range w.dir.Users {
		w.scans++
		for _, a := range u.Assignments {
			if !yield(a) {
				return
			}
		}
	}
}

type verbatimKey struct {
	u    *User
	name string
}

// firstVerbatim reports whether role name is reported for u for the first time, and
// notes it.
func (w *writer) firstVerbatim(u *User, name string) bool {
	if w.listed != nil {
		u = w.listed
	}
	if w.cur < 0 {
		k := verbatimKey{u, name}
		if w.verbatim[k] {
			return false
		}
		if w.verbatim == nil {
			w.verbatim = map[verbatimKey]bool{}
		}
		w.verbatim[k] = true
		return true
	}
	bits, ok := w.verbatimSeen[name]
	word, bit := int(w.cur/64), uint64(1)<<(w.cur%64)
	if word < len(bits) && bits[word]&bit != 0 {
		return false
	}
	if !ok {
		if w.verbatimSeen == nil {
			w.verbatimSeen = map[string][]uint64{}
		}
		name = strings.Clone(name) // not the user's text block
	}
	if word >= len(bits) {
		bits = slices.Grow(bits, word+1-len(bits))[:word+1]
	}
	bits[word] |= bit
	w.verbatimSeen[name] = bits
	return true
}

// blockPlan is one AdminData to write.
type blockPlan struct {
	study string
	src   int // index into dir.Source.Blocks, -1 for a new block
}

func (w *writer) document() *odm.Document {
	doc := odm.NewDocument(w.v)
	doc.Epilog = []odm.Node{&odm.Text{Data: "\n"}}
	if src := w.dir.Source; w.same && src != nil && src.doc != nil && src.doc.Version == w.v {
		// Writing back: the prolog (declaration, comments) and epilog as they were.
		doc.Prolog, doc.Epilog = src.doc.Prolog, src.doc.Epilog
	}
	w.rootAttrs(doc)
	w.fl.writeStudies(w, doc.Root.Space, func(n odm.Node) { doc.Root.Children = append(doc.Root.Children, n) })
	ads := make([]*odm.AdminData, 0, len(w.plan))
	for _, bp := range w.plan {
		ads = append(ads, w.adminData(bp))
	}
	doc.AddAdminData(ads...)
	return doc
}

func attrLabel(space, local string) string {
	if p := prefixFor(space); p != "" {
		return p + ":" + local
	}
	return "{" + space + "}" + local
}

// rootAttrs13 and rootAttrs20 are the ODM root attributes each version defines.
var (
	rootAttrs13 = map[string]bool{"Description": true, "FileType": true, "Granularity": true, "Archival": true,
		"FileOID": true, "CreationDateTime": true, "PriorFileOID": true, "AsOfDateTime": true, "ODMVersion": true,
		"Originator": true, "SourceSystem": true, "SourceSystemVersion": true, "ID": true}
	rootAttrs20 = map[string]bool{"FileType": true, "Granularity": true, "Context": true, "FileOID": true,
		"CreationDateTime": true, "PriorFileOID": true, "AsOfDateTime": true, "ODMVersion": true,
		"Originator": true, "SourceSystem": true, "SourceSystemVersion": true}
)

func (w *writer) rootAttrs(doc *odm.Document) {
	root := doc.Root
	if ns := w.fl.namespace(); ns != "" {
		root.Attrs = append(root.Attrs, odm.Attr{Name: odm.Name{Space: odm.NSXMLNS, Prefix: "xmlns", Local: prefixFor(ns)}, Value: ns})
	}
	src := w.dir.Source
	if src != nil && src.doc != nil && w.same && src.doc.Version == w.v {
		// Same vendor and version: the root start tag as it was.
		root.Attrs = append([]odm.Attr(nil), src.doc.Root.Attrs...)
		root.Name = src.doc.Root.Name
		return
	}
	allowed := rootAttrs13
	if w.v == odm.V20 {
		allowed = rootAttrs20
	}
	var attrs []Attr
	if src != nil {
		attrs = src.Attrs
	}
	keepVersion := w.same && src != nil && src.Version == w.v
	if keepVersion {
		// The source's own ODMVersion value ("1.3" or "1.3.2") and attribute order.
		root.Attrs = slices.DeleteFunc(root.Attrs, func(a odm.Attr) bool { return a.Space == "" && a.Local == "ODMVersion" })
	}
	for _, a := range attrs {
		switch {
		case a.Space == "" && a.Name == "ODMVersion" && keepVersion:
			root.SetAttr("", "", a.Name, a.Value)
		case a.Space == "" && a.Name == "ODMVersion":
			// NewDocument wrote the target's version.
		case a.Space == "" && (allowed[a.Name] || keepVersion):
			// (Writing back its own flavour and version, the file's root attributes are
			// its own, standard or not.)
			root.SetAttr("", "", a.Name, a.Value)
		case a.Space == "":
			w.warn.add(CodeUnrepresentable, "ODM/@"+a.Name, "ODM", "the root attribute does not exist in ODM "+string(w.v))
		case w.same || a.Space == w.fl.namespace():
			root.SetAttr(a.Space, prefixFor(a.Space), a.Name, a.Value)
		default:
			w.warn.add(CodeExtensionDropped, "ODM/@"+attrLabel(a.Space, a.Name), "ODM", "another vendor's extension is left out")
		}
	}
	if keepVersion && attrs != nil {
		// The source's root as it was, even where it lacked what follows: its attributes
		// were read (an empty list for a root without any, FileSource.Attrs), not lost.
		return
	}
	if !w.same && !w.fl.siteStudies() {
		// Written into another flavour, the document holds AdminData only (NotCarried
		// counts what it leaves out), so the studies its AdminData and Locations name are
		// defined elsewhere: ODM says so with Granularity AdminData, without which a
		// checker takes every such reference for a dangling one. (A flavour with site
		// studies writes its Study elements too.)
		root.SetAttr("", "", "Granularity", "AdminData")
	}
	if _, ok := root.Attr("", "FileType"); !ok {
		root.SetAttr("", "", "FileType", "Snapshot")
	}
	now := w.opts.now()
	if _, ok := root.Attr("", "FileOID"); !ok {
		root.SetAttr("", "", "FileOID", "odmadmin."+now.UTC().Format("20060102T150405Z"))
	}
	if _, ok := root.Attr("", "CreationDateTime"); !ok {
		root.SetAttr("", "", "CreationDateTime", now.Format("2006-01-02T15:04:05-07:00"))
	}
}

// blocks decides the AdminData elements to write: the source's when writing back the same
// vendor (plus one for any study only the model knows), else one per study the users are
// assigned in (or as the flavour plans them: per study and site study), or a single one.
func (w *writer) blocks() []blockPlan {
	var out []blockPlan
	have := map[string]bool{}
	if w.same && w.dir.Source != nil {
		for i, b := range w.dir.Source.Blocks {
			out = append(out, blockPlan{study: b.Study, src: i})
			have[b.Study] = true
		}
		if w.dir.Source.Blocks != nil && len(out) == 0 && w.dir.empty() {
			// Read from a file without AdminData (FileSource.Blocks) and still with
			// nothing to put in one: an empty AdminData would be a block the file never had.
			return nil
		}
	}
	if bs := w.fl.blocks(w, out, have); bs != nil {
		return bs
	}
	if have[""] {
		return out // a block for all studies covers the new ones too
	}
	var want []string
	add := func(s string) {
		if !have[s] {
			have[s] = true
			want = append(want, s)
		}
	}
	// Writing back blocks read before: a study that only a site's study version names had
	// no block of its own, and gets none; one that users are assigned in does.
	fromBlocks := len(out) > 0
	for _, s := range w.dir.Studies {
		if s.Parent == "" && !fromBlocks {
			add(s.ID)
		}
	}
	for a := range w.assignments {
		add(a.Study)
	}
	var studies []string
	for _, s := range want {
		if s != "" {
			studies = append(studies, s)
		}
	}
	if len(out) == 0 && len(studies) <= 1 {
		st := ""
		if len(studies) == 1 {
			st = studies[0]
		}
		return []blockPlan{{study: st, src: -1}}
	}
	for _, s := range studies {
		out = append(out, blockPlan{study: s, src: -1})
	}
	return out
}

// rec returns the record of src decoded in source block bi, else (with any) the first.
func (w *writer) rec(src *Source, bi int, any bool) (record, bool) {
	if !w.same || src == nil || src.Vendor != w.p {
		return record{}, false
	}
	for _, r := range src.recs {
		if r.block == bi && bi >= 0 {
			return r, true
		}
	}
	if any && len(src.recs) > 0 {
		r := src.recs[0]
		r.pos = -1 // not from this block: place it after the block's own records
		return r, true
	}
	return record{}, false
}

// ordered sorts items by their position in the source block (new ones last, in model order).
type ordered[T any] struct {
	pos int
	v   T
}

func sortByPos[T any](in []ordered[T]) []T {
	sort.SliceStable(in, func(i, j int) bool {
		pi, pj := in[i].pos, in[j].pos
		if pi < 0 {
			pi = 1 << 30
		}
		if pj < 0 {
			pj = 1 << 30
		}
		return pi < pj
	})
	out := make([]T, len(in))
	for i, x := range in {
		out[i] = x.v
	}
	return out
}

// inBlock reports whether an assignment belongs in an AdminData about study. An access at
// a site, for a flavour that writes sites as site studies, belongs in the site study of
// the site in the assignment's study (siteStudyPlan: the site's OID, or one made up for a
// site used in several studies).
func (w *writer) inBlock(a Assignment, study string) bool {
	if a.Site != "" && w.fl.siteStudies() {
		return w.siteStudyPlan().oid(a.Study, a.Site) == study
	}
	return w.fl.inBlock(a, study)
}

// blockKeys returns the studies of the blocks inBlock may put a (of a study) in: its
// study's, its site's, its site study's and those of no study.
func (w *writer) blockKeys(a Assignment) [4]string {
	k := [4]string{"", a.Study, a.Site, ""}
	if a.Site != "" && w.fl.siteStudies() {
		if id := w.siteStudyPlan().oid(a.Study, a.Site); id != a.Site {
			k[3] = id
		}
	}
	return k
}

func (w *writer) adminData(bp blockPlan) *odm.AdminData {
	var ad *odm.AdminData
	w.writeBlock(bp, func(n odm.Node) {
		switch v := n.(type) {
		case *odm.AdminData:
			ad = v
		case *odm.User:
			ad.Users = append(ad.Users, v)
		case *odm.Organization:
			ad.Organizations = append(ad.Organizations, v)
		case *odm.Location:
			ad.Locations = append(ad.Locations, v)
		case *odm.SignatureDef:
			ad.SignatureDefs = append(ad.SignatureDefs, v)
		default:
			ad.Nodes = append(ad.Nodes, n)
		}
	})
	return ad
}

// buffered reports whether records must be collected and sorted by their source position
// before they are written: only when writing back decoded records, which carry one.
func (w *writer) buffered() bool {
	return w.same && w.dir.Source != nil && w.dir.Source.doc != nil
}

// writeBlock hands one AdminData to emit: the *AdminData (attributes only) first, then its
// records one at a time in schema order (users, organizations, locations, signatures,
// vendor nodes). Unless decoded records are written back (which are sorted by their
// source position), nothing is collected, so a directory can be written in bounded memory.
func (w *writer) writeBlock(bp blockPlan, emit func(odm.Node)) {
	ad := &odm.AdminData{StudyOID: bp.study}
	var srcBlock *Block
	if bp.src >= 0 && w.dir.Source != nil {
		srcBlock = &w.dir.Source.Blocks[bp.src]
		if srcBlock.ad != nil {
			c := *srcBlock.ad
			c.Users, c.Organizations, c.Locations, c.SignatureDefs = nil, nil, nil, nil
			c.Nodes = nil
			c.Attrs = append([]odm.Attr(nil), srcBlock.ad.Attrs...)
			ad = &c
		} else {
			w.extAttrsInto(&ad.Ext, w.dir.Source.Vendor, srcBlock.Attrs, "AdminData", "AdminData "+bp.study)
		}
	}
	emit(ad)
	buf := w.buffered()

	// Users.
	var users []ordered[*odm.User]
	for u := range w.users(bp) {
		if w.userSeq == nil {
			w.scans++ // a user of dir.Users looked at
		}
		var as []Assignment
		if w.fresh != nil {
			as = w.fresh.as[:0]
		}
		for _, a := range u.Assignments {
			if w.inBlock(a, bp.study) {
				as = append(as, a)
			}
		}
		if len(as) > 0 {
			if as = w.siteAccess(as, u.ID); len(as) == 0 {
				// Its only access here is site-level access whose site is not written:
				// written without it, the user would have access at every site.
				w.warn.addUser(CodeUnrepresentable, "User", u.ID, siteOnlyUser)
				if w.fresh != nil {
					w.fresh.as = as
				}
				continue
			}
		}
		studyless := false
		for _, a := range as {
			// (A site's access, written as its site study's, names the site.)
			studyless = studyless || a.Study == "" && (a.Site == "" || !w.fl.siteStudies())
		}
		if studyless && bp.study != "" {
			// Read from an AdminData without a StudyOID (Rave's Users.odm) and written
			// beside files that name studies: the access is put into each study's block,
			// which the input did not say.
			w.warn.add(CodeApproximated, "Assignment/study", "User "+u.ID,
				"the access names no study; it is written into the AdminData of each study the document has")
		}
		if w.fresh != nil {
			w.fresh.as = as
		}
		r, hasRec := w.rec(u.Source, bp.src, false)
		switch {
		case len(as) > 0:
		case hasRec && len(u.Assignments) > 0 && w.fl.siteStudies():
			continue // membership of a site study is the assignment; it was removed
		case hasRec:
		case len(u.Assignments) > 0:
			continue // assigned elsewhere only
		default:
			// No assignment at all: the block the user was read in, else the first one.
			if _, elsewhere := w.rec(u.Source, -1, true); elsewhere || !w.isFirst(bp) {
				continue
			}
		}
		if !hasRec {
			r, hasRec = w.rec(u.Source, bp.src, true)
		}
		var base *odm.User
		if hasRec {
			base, _ = r.v.(*odm.User)
		}
		o := w.user(u, base, as, bp.study)
		if studyless && bp.study == "" && w.fl.siteStudies() {
			w.studylessRead(o, u.ID)
		}
		if !buf {
			emit(o)
			continue
		}
		users = append(users, ordered[*odm.User]{pos: posOf(r, hasRec), v: o})
	}
	for _, o := range sortByPos(users) {
		emit(o)
	}

	// Organizations (ODM 2.0) and Locations.
	if w.v == odm.V20 {
		writeValues(w, bp, &w.orgCands, w.dir.Organizations, orgAt, w.organization, emit)
		// Organizations made up for the users' organization names.
		for _, o := range w.newOrg {
			emit(o)
		}
		w.newOrg = nil
	} else {
		for _, i := range w.valueCandidates(bp, &w.orgCands, len(w.dir.Organizations), func(i int) (*Source, string) {
			return orgAt(w.dir.Organizations[i])
		}) {
			o := w.dir.Organizations[i]
			w.scans++
			if w.belongs(o.Source, o.Study, bp) {
				msg := "ODM 1.3 has no Organization element; users keep the organization's name"
				if why := w.fl.noUserOrganization(); why != "" {
					msg = "ODM 1.3 has no Organization element; " + why
				}
				w.warn.add(CodeUnrepresentable, "Organization", "Organization "+o.ID, msg)
			}
		}
	}
	var locs []ordered[*odm.Location]
	if !w.fl.siteStudies() {
		hidden := func() (hs []ordered[*odm.Location]) {
			if srcBlock != nil && w.same {
				for _, h := range srcBlock.hidden {
					if l, ok := h.v.(*odm.Location); ok {
						hs = append(hs, ordered[*odm.Location]{pos: h.pos, v: l})
					}
				}
			}
			return hs
		}
		// Packed sites have no records (packSites refuses them), so none is sorted by
		// one: the sort puts them after the block's hidden Locations, in order. Each goes
		// out as it is made, not held for the sort: 20,000 Locations held were 16 MB at
		// the end of map --to odm of several files (MergeStream.WriteODM).
		packed := w.same && w.sitePack != nil
		if packed {
			for _, l := range sortByPos(hidden()) {
				emit(l)
			}
		}
		for s := range w.blockSites(bp) {
			w.scans++ // a site looked at
			if !w.siteInBlock(s, bp) && !(w.isFirst(bp) && w.homeless(s)) {
				continue
			}
			r, ok := w.rec(s.Source, bp.src, true)
			var base *odm.Location
			if ok {
				base, _ = r.v.(*odm.Location)
			}
			l := w.location(s, base, bp.study)
			switch {
			case l == nil:
			case !w.same || packed:
				// No record is written back (w.rec finds none), so none is sorted:
				// each Location goes out as it is made, not held for the sort.
				emit(l)
			default:
				locs = append(locs, ordered[*odm.Location]{pos: posOf(r, ok), v: l})
			}
		}
		if !packed {
			locs = append(locs, hidden()...)
		}
	} else if w.isFirst(bp) {
		w.siteStudiesApproximated()
	}
	for _, l := range sortByPos(locs) {
		emit(l)
	}

	// Signatures.
	writeValues(w, bp, &w.sigCands, w.dir.Signatures, func(s *Signature) (*Source, string) {
		return s.Source, s.Study
	}, w.signature, emit)

	// Vendor content directly inside AdminData: InForm groups, then the rest.
	var nodes odm.AdminData
	w.blockNodes(&nodes, srcBlock, bp)
	for _, n := range nodes.Nodes {
		emit(n)
	}
}

func orgAt(o *Organization) (*Source, string) { return o.Source, o.Study }

// writeValues hands emit the values of list (organizations or signatures: at gives each
// one's source and study) that belong in block bp, each made by conv from its record in
// the source when it has one, in the order of those records (new ones last). cands keeps
// the candidates for every block, as valueCandidates does.
func writeValues[M any, V odm.Node](w *writer, bp blockPlan, cands *map[blockPlan][]int32, list []M, at func(M) (*Source, string), conv func(M, V) V, emit func(odm.Node)) {
	var vs []ordered[V]
	for _, i := range w.valueCandidates(bp, cands, len(list), func(i int) (*Source, string) {
		return at(list[i])
	}) {
		m := list[i]
		w.scans++
		src, study := at(m)
		if !w.belongs(src, study, bp) {
			continue
		}
		r, ok := w.rec(src, bp.src, true)
		var base V // nil: no record to start from
		if ok {
			base, _ = r.v.(V)
		}
		vs = append(vs, ordered[V]{pos: posOf(r, ok), v: conv(m, base)})
	}
	for _, v := range sortByPos(vs) {
		emit(v)
	}
}

func posOf(r record, ok bool) int {
	if !ok {
		return -1
	}
	return r.pos
}

// isFirst reports whether bp is the first block written, where values that belong to no
// block in particular go.
func (w *writer) isFirst(bp blockPlan) bool {
	return len(w.plan) > 0 && w.plan[0] == bp
}

// belongs reports whether a value read from (or made for) study goes into block bp.
func (w *writer) belongs(src *Source, study string, bp blockPlan) bool {
	if _, ok := w.rec(src, bp.src, false); ok {
		return true
	}
	if _, ok := w.rec(src, -1, true); ok && bp.src >= 0 {
		return false // read in another block of this source
	}
	if bp.study == "" || study == bp.study {
		return true
	}
	return w.isFirst(bp) && (study == "" || !w.hasBlock(study))
}

func (w *writer) hasBlock(study string) bool {
	if w.planStudies == nil {
		w.planStudies = make(map[string]bool, len(w.plan))
		for _, b := range w.plan {
			w.planStudies[b.study] = true
		}
	}
	return w.planStudies[study]
}

// valueCandidates returns the indexes, in order, of the n values (organizations or
// signatures: at gives each one's source and study) that belongs may put into bp: every
// one when there is one block, else those read in bp's source block, those of bp's study
// and, into a block of no study or the first block, the rest; found for all blocks at once
// on first use and kept in *cands. A loop over every value for each block was quadratic in
// a file of many studies with a SignatureDef each (6,000: 13.7 s through map --to odm).
func (w *writer) valueCandidates(bp blockPlan, cands *map[blockPlan][]int32, n int, at func(i int) (*Source, string)) []int32 {
	if *cands == nil {
		byStudy := map[string][]int{}
		bySrc := map[int][]int{}
		var anyStudy []int // blocks of no study and the first block: they may take any value
		for bi, p := range w.plan {
			byStudy[p.study] = append(byStudy[p.study], bi)
			if p.src >= 0 {
				bySrc[p.src] = append(bySrc[p.src], bi)
			}
			if p.study == "" || bi == 0 {
				anyStudy = append(anyStudy, bi)
			}
		}
		lists := make([][]int32, len(w.plan))
		for i := range n {
			w.scans++
			add := func(bis []int) {
				for _, bi := range bis {
					if l := lists[bi]; len(l) == 0 || l[len(l)-1] != int32(i) {
						lists[bi] = append(l, int32(i))
					}
				}
			}
			src, study := at(i)
			add(anyStudy)
			add(byStudy[study])
			if src != nil {
				for _, r := range src.recs {
					add(bySrc[r.block])
				}
			}
		}
		// Each list is in value order (a value's additions come before the next one's);
		// a block may be given twice only when its plan is, and then both get the list.
		*cands = make(map[blockPlan][]int32, len(w.plan))
		for bi, p := range w.plan {
			if _, dup := (*cands)[p]; !dup {
				(*cands)[p] = lists[bi]
			}
		}
	}
	return (*cands)[bp]
}

func (w *writer) siteInBlock(s *Site, bp blockPlan) bool {
	if _, ok := w.rec(s.Source, bp.src, false); ok {
		return true
	}
	if _, ok := w.rec(s.Source, -1, true); ok && bp.src >= 0 {
		return false
	}
	if bp.study == "" {
		return true
	}
	if s.Study == bp.study {
		return true
	}
	if w.sourceStudy(s.Source, bp.study) {
		return true
	}
	for _, v := range s.Versions {
		if v.Study == bp.study {
			return true
		}
	}
	if w.assigned != nil && w.assigned.has(bp.study, s.ID) {
		return true
	}
	return w.userPairs().has(bp.study, s.ID)
}

// homeless reports whether no block of the plan takes site s (siteInBlock): it was not
// read in one, and neither its study, nor its versions' studies, nor a study some user
// is assigned to it in, has a block. The first block takes such a site, as belongs gives
// it organizations and signatures: a Location of no version and no user (or of a study
// the document has no AdminData for) was left out of every block without a word.
func (w *writer) homeless(s *Site) bool {
	if src := s.Source; w.same && src != nil && src.Vendor == w.p && len(src.recs) > 0 {
		return false // written back into the block it was read in
	}
	if w.hasBlock("") || s.Study != "" && w.hasBlock(s.Study) {
		return false
	}
	for _, v := range s.Versions {
		if w.hasBlock(v.Study) {
			return false
		}
	}
	if src := s.Source; w.same && src != nil && src.Vendor == w.p {
		for _, st := range src.Studies {
			if w.hasBlock(st) {
				return false
			}
		}
	}
	if w.housed == nil {
		w.housed = map[string]bool{}
		for _, set := range [...]*assignedSet{w.assigned, w.userPairs()} {
			if set == nil {
				continue
			}
			for _, p := range set.list {
				if w.hasBlock(p.study) {
					w.housed[p.site] = true
				}
			}
		}
	}
	return !w.housed[s.ID]
}

// sourceStudy reports whether a value written back into the vendor it was read from, and
// read from a block of study, has lost its records (a directory read back from its JSON
// form): Source.Studies then says where it was. A site of no version and no user (a
// Location without MetaDataVersionRef) has nothing else to place it by, and was left out
// without a word.
func (w *writer) sourceStudy(src *Source, study string) bool {
	return w.same && src != nil && src.Vendor == w.p && len(src.recs) == 0 && slices.Contains(src.Studies, study)
}

// userPairs returns the (study, site) pairs of dir.Users' assignments, gathered on first
// use: siteInBlock asks of each site whether some user is assigned to it in a study, which
// a loop over the users for each site made quadratic (the OpenClinica profile at 200,000
// users and 4,000 sites took 246 s).
func (w *writer) userPairs() *assignedSet {
	if w.dirPairs == nil {
		w.dirPairs = &assignedSet{}
		for _, u := range w.dir.Users {
			w.scans++
			for _, a := range u.Assignments {
				w.dirPairs.add(a)
			}
		}
	}
	return w.dirPairs
}

// extAttrsInto applies a value's recorded vendor attributes when writing fresh: those of
// the target vendor are set, other vendors' are reported and left out.
func (w *writer) extAttrsInto(x *odm.Ext, from Profile, attrs []Attr, elem, subject string) {
	// The flavour owning the namespace of the attribute before (a vendor's attributes
	// share one): mappedAttr's, found once for them.
	var owner flavour
	space := ""
	for _, a := range attrs {
		// Writing back the flavour the values were read from, every recorded extension
		// is the file's own, whatever its namespace (plain ODM files carry any vendor's).
		if a.Space == w.fl.namespace() || w.fl.ownsNS(a.Space) || w.same && from == w.p {
			x.SetAttr(a.Space, prefixFor(a.Space), a.Name, a.Value)
			continue
		}
		if a.Space != space || owner == nil {
			owner, space = nsFlavour(a.Space), a.Space
		}
		if owner != nil && owner.mappedAttr(elem, a.Name) { // as mappedAttr
			continue // carried by a model field, which reports itself if the target lacks it
		}
		field := w.label(elem, a.Space, a.Name, func() string { return elem + "/@" + attrLabel(a.Space, a.Name) })
		w.warn.add(CodeExtensionDropped, field, subject, "another vendor's extension is left out")
	}
}

// extElementsInto re-creates recorded vendor elements (from JSON) of the target vendor.
func (w *writer) extElementsInto(x *odm.Ext, from Profile, elems []string, elem, subject string) {
	for _, s := range elems {
		e, err := parseElementXML(s)
		if err != nil {
			w.warn.add(CodeInvalidValue, elem+"/extension", subject, "a recorded vendor element is not well-formed XML and is left out")
			continue
		}
		if e.Space == w.fl.namespace() || w.fl.ownsNS(e.Space) || w.same && from == w.p {
			x.Nodes = append(x.Nodes, e)
			continue
		}
		w.warn.add(CodeExtensionDropped, elem+"/"+attrLabel(e.Space, e.Local), subject, "another vendor's extension element is left out")
	}
}

// setExt sets or removes (value "") a vendor attribute when it differs from what is there.
func setExt(x *odm.Ext, space, local, value string) {
	cur, ok := x.Attr(space, local)
	switch {
	case ok && cur == value:
	case value == "" && ok:
		x.RemoveAttr(space, local)
	case value != "":
		x.SetAttr(space, prefixFor(space), local, value)
	}
}

// addressesAre reports whether in, read as addresses reads it, is want
// (equalAddresses(addresses(in), want)) without making that list: writer.user asks it of
// every user.
func addressesAre(in []*odm.Address, want []Address) bool {
	j := 0
	for _, a := range in {
		m := Address{HouseNumber: a.HouseNumber, City: a.City, StateProv: a.StateProv, Country: a.Country,
			PostalCode: a.PostalCode, OtherText: a.OtherText}
		if g := a.GeoPosition; g != nil {
			m.Longitude, m.Latitude, m.Altitude = g.Longitude, g.Latitude, g.Altitude
		}
		if m.isZero() && equalNonEmpty(a.StreetNames, nil) {
			continue // as addresses leaves it out
		}
		if j == len(want) || !equalNonEmpty(a.StreetNames, want[j].StreetNames) {
			return false
		}
		m.StreetNames = want[j].StreetNames
		if !equalAddress(m, want[j]) {
			return false
		}
		j++
	}
	return j == len(want)
}

// equalNonEmpty reports whether base without its blank entries (nonEmpty) is want,
// without making that list (writer.user asks it of four lists of every user).
func equalNonEmpty(base, want []string) bool {
	j := 0
	for _, s := range base {
		if strings.TrimSpace(s) == "" {
			continue
		}
		if j == len(want) || want[j] != s {
			return false
		}
		j++
	}
	return j == len(want)
}

// keepStrings returns base when it says the same as want once empty entries are ignored
// (so <Fax/> read from Rave survives), else want.
func keepStrings(base, want []string) []string {
	if equalNonEmpty(base, want) {
		return base
	}
	return want
}

// assignmentRole is the role a user has in a block: the first named role of its assignments.
func assignmentRole(as []Assignment) (Role, bool) {
	for _, a := range as {
		if a.Role.Name != "" || a.Role.Canonical != "" {
			return a.Role, true
		}
	}
	return Role{}, false
}

// roleName is the name u's role r at scope s is written by: its own, else the target's
// name for its canonical role. A name carried from another vendor is reported once per
// user and name (see CodeRoleVerbatim), however many AdminData blocks write the user.
func (w *writer) roleName(u *User, r Role, s Scope) string {
	if r.Name != "" {
		if msg := roleVerbatim(w.p, u, r, r.Name, s); msg != "" {
			if w.firstVerbatim(u, r.Name) {
				w.warn.add(CodeRoleVerbatim, "Assignment/Role", "User "+u.ID, msg)
			}
		}
		return r.Name
	}
	if n := DefaultRoleName(w.p, r.Canonical, s); n != "" {
		return n
	}
	return string(r.Canonical)
}

// userTypeFor derives an ODM UserType for a user that has none, from its category.
func userTypeFor(c Category, v odm.Version) odm.UserType {
	switch c {
	case CategorySite:
		return odm.UserInvestigator
	case CategorySponsor:
		return odm.UserSponsor
	case CategoryParticipant:
		if v == odm.V20 {
			return odm.UserSubject
		}
		return odm.UserOther
	case CategorySystem, CategorySupport, CategoryIntegration:
		return odm.UserOther
	}
	return ""
}

// userType13 maps ODM 2.0 user types to the nearest ODM 1.3 one.
var userType13 = map[odm.UserType]odm.UserType{
	odm.UserSubject: odm.UserOther, odm.UserMonitor: odm.UserSponsor, odm.UserDataAnalyst: odm.UserSponsor,
	odm.UserCareProvider: odm.UserInvestigator, odm.UserAssessor: odm.UserOther,
}

func (w *writer) user(u *User, base *odm.User, as []Assignment, study string) *odm.User {
	return w.userIn(nil, u, base, as, study)
}

// recordMem is memory writer.userIn makes a User record in, over the one made there
// before: the patcher writes (or drops) each record it makes before it makes the next.
type recordMem struct {
	u     odm.User
	attrs []odm.Attr
	nodes []odm.Node
}

// freshUser is the memory writer.userIn makes the record of a user written fresh (with
// no record read to write it onto) in, with its Telecoms and Addresses, and the lists
// writeBlock and userIn work with for each user: each user's over the last one's. Where
// each record is written before the next is made (WriteODMStream's direct write), that
// saves 12 of the 19 allocations a user (a generated InForm user into ODM 2.0), each a
// collection's work a few hundred thousand users on.
type freshUser struct {
	u       odm.User
	tels    []*odm.Telecom
	telv    []odm.Telecom
	addrs   []*odm.Address
	addrv   []odm.Address
	streets []string
	as      []Assignment
	sites   distinct[string]
}

// userIn is user, with the copy of base made in mem when mem is set (the record
// returned is then valid until the next made in mem), else in new memory (w.fresh's for
// a user written fresh, when set).
func (w *writer) userIn(mem *recordMem, u *User, base *odm.User, as []Assignment, study string) *odm.User {
	listed := u
	u = u.InStudy(study) // the values of the person's listing in this block
	subject := "User " + u.ID
	var o *odm.User
	switch {
	case base != nil && mem != nil:
		// As below: a copy of base whose Attrs and Nodes are its own (nil when empty).
		o = &mem.u
		*o = *base
		o.Attrs, o.Nodes = nil, nil
		if len(base.Attrs) > 0 {
			o.Attrs = append(mem.attrs[:0], base.Attrs...)
			mem.attrs = o.Attrs
		}
		if len(base.Nodes) > 0 {
			o.Nodes = append(mem.nodes[:0], base.Nodes...)
			mem.nodes = o.Nodes
		}
	case base != nil:
		c := *base
		c.Attrs = append([]odm.Attr(nil), base.Attrs...)
		c.Nodes = append([]odm.Node(nil), base.Nodes...)
		o = &c
	default:
		if f := w.fresh; f != nil {
			f.u = odm.User{}
			o = &f.u
		} else {
			o = &odm.User{}
		}
		if u.Source != nil {
			// From JSON, or another vendor: the target's own extensions are set again,
			// another vendor's are reported.
			w.extAttrsInto(&o.Ext, u.Source.Vendor, u.Source.Attrs, "User", subject)
			w.extElementsInto(&o.Ext, u.Source.Vendor, u.Source.Elements, "User", subject)
		}
	}
	fresh := base == nil
	flavour := !w.fl.namesOnly() || !fresh // else a fresh user gets names and organization only
	lost := func(field, msg string) {
		w.warn.add(CodeUnrepresentable, w.label("", "User/", field, func() string { return "User/" + field }), subject, msg)
	}
	noPlace := func(field string) { lost(field, w.noPlace()) }

	// A user with the vendor's own spelling of its OID (stray spaces included) gets it
	// back, also when the OID is only spaces: the ID is then "", which an OID-less fresh
	// user matches, and the spaces were left out without a word.
	if strings.TrimSpace(o.OID) != u.ID || (o.OID == "" && u.Source != nil && u.Source.IDs["OID"] != "") {
		o.OID = u.ID
		if u.Source != nil && u.Source.Vendor == w.p && strings.TrimSpace(u.Source.IDs["OID"]) == u.ID {
			o.OID = u.Source.IDs["OID"]
		}
	}
	// UserType.
	t := odm.UserType(u.Type)
	if t == "" && fresh && flavour && !w.same {
		// Another vendor's user without a UserType: the one its category suggests
		// (writing back the user's own flavour keeps it without one).
		if t = userTypeFor(u.Category, w.v); t != "" {
			w.warn.add(CodeGenerated, "User/@UserType", subject, "the user has no UserType; the one its category suggests is written")
		}
	}
	if t != "" && !t.Valid(w.v) && !w.same {
		if m, ok := userType13[t]; ok && w.v != odm.V20 {
			w.warn.add(CodeApproximated, "User/@UserType", subject, "ODM 1.3 has no such UserType; the nearest one is written")
			t = m
		} else {
			lost("@UserType", "not a UserType of ODM "+string(w.v))
			t = ""
		}
	}
	if !flavour && t != "" {
		noPlace("@UserType")
		t = ""
	}
	if o.UserType != t {
		o.UserType = t
	}

	// Names.
	set := func(dst *string, v, field string, ok bool) {
		if !ok {
			if v != "" {
				if w.fl.placeless() != "" {
					noPlace(field)
				} else {
					lost(field, "ODM "+string(w.v)+" has no "+field)
				}
			}
			v = ""
		}
		if *dst != v {
			*dst = v
		}
	}
	is2 := w.v == odm.V20
	if login := u.Login; base == nil || base.LoginName != "" || !w.fl.loginFromOID() || login != strings.TrimSpace(o.OID) {
		set(&o.LoginName, login, "LoginName", flavour)
	}
	// (Else a record of a flavour whose login is the OID, Rave's or InForm's, that has
	// no LoginName keeps none: the login read from its OID is not written twice.)
	if is2 {
		switch {
		case u.DisplayName == "" || u.DisplayName == u.FullName:
		case u.FullName == "":
			w.warn.add(CodeApproximated, "User/DisplayName", subject, "ODM 2.0 has no DisplayName; it is written as FullName, which 2.0 uses for display")
		default:
			lost("DisplayName", "ODM 2.0 has no DisplayName (its FullName is for display)")
		}
		full := u.FullName
		if full == "" {
			full = u.DisplayName
		}
		set(&o.FullName, full, "FullName", true)
	} else {
		set(&o.DisplayName, u.DisplayName, "DisplayName", flavour)
		full := u.FullName
		if full == "" && !w.same {
			full = w.fl.fullName(w, u, subject)
		}
		set(&o.FullName, full, "FullName", true)
	}
	set(&o.FirstName, u.GivenName, "GivenName", true)
	set(&o.LastName, u.FamilyName, "FamilyName", true)
	set(&o.Prefix, u.Prefix, "Prefix", is2)
	set(&o.Suffix, u.Suffix, "Suffix", is2)

	// Organization.
	if is2 {
		org := u.OrganizationID
		if org == "" && u.Organization != "" {
			org = w.orgFor(u.Organization, subject)
		}
		set(&o.OrganizationOID, org, "OrganizationOID", true)
	} else if why := w.fl.noUserOrganization(); why != "" && fresh && !w.same {
		// Written as the flavour's users are: without one, reported.
		if u.Organization != "" || u.OrganizationID != "" {
			lost("Organization", why)
		}
		set(&o.Organization, "", "Organization", true)
	} else {
		name := u.Organization
		if name == "" && u.OrganizationID != "" {
			name = w.orgName(u.OrganizationID)
			w.warn.add(CodeApproximated, "User/@OrganizationOID", subject, "ODM 1.3 has no OrganizationOID; the organization's name is written")
		}
		set(&o.Organization, name, "Organization", true)
	}

	// Addresses.
	if !flavour {
		if len(u.Addresses) > 0 {
			noPlace("Address")
		}
		o.Addresses = nil
	} else if !addressesAre(o.Addresses, u.Addresses) {
		var f *freshUser
		if fresh {
			f = w.fresh
		}
		o.Addresses = w.addressesIn(f, u.Addresses, "User", subject)
	}

	// Contacts.
	if is2 {
		w.contacts20(o, u, subject, lost)
	} else {
		o.Telecoms, o.Image = nil, nil
		if flavour {
			o.Emails = keepStrings(o.Emails, u.Emails)
			o.Phones = keepStrings(o.Phones, u.Phones)
			o.Faxes = keepStrings(o.Faxes, u.Faxes)
			if strings.TrimSpace(o.Pager) != u.Pager {
				o.Pager = u.Pager
			}
			o.Certificates = keepStrings(o.Certificates, u.Certificates)
			var extra []string
			for _, t := range u.Telecoms {
				if t.Type == string(odm.TelecomSMS) {
					extra = append(extra, t.Value)
					w.warn.add(CodeApproximated, "User/Telecom[SMS]", subject, "ODM 1.3 has no SMS contact; the number is written as a Phone")
					continue
				}
				if t.Type == string(odm.TelecomPager) && o.Pager == "" {
					o.Pager = t.Value
					continue
				}
				lost("Telecom["+t.Type+"]", "ODM 1.3 has no such contact type")
			}
			if len(extra) > 0 {
				o.Phones = append(append([]string(nil), o.Phones...), extra...)
			}
			if p := u.Picture; p != nil {
				pic := &odm.Picture{PictureFileName: p.File, ImageType: p.Type}
				if pic.PictureFileName == "" {
					pic.PictureFileName = p.Href
				}
				if p.Href != "" && p.File != "" {
					lost("Image/@href", "ODM 1.3 Picture has a file name only")
				}
				if p.MIMEType != "" && p.Type == "" {
					lost("Image/@MimeType", "ODM 1.3 Picture has an image type, not a MIME type")
				}
				if c := o.Picture; c == nil || c.PictureFileName != pic.PictureFileName || c.ImageType != pic.ImageType {
					o.Picture = pic
				}
			} else {
				o.Picture = nil
			}
		} else {
			if len(u.Emails)+len(u.Phones)+len(u.Faxes) > 0 || u.Pager != "" || len(u.Telecoms) > 0 {
				noPlace("Email/Phone/Fax/Pager")
			}
			if len(u.Certificates) > 0 {
				noPlace("Certificate")
			}
			if u.Picture != nil {
				noPlace("Picture")
			}
			o.Emails, o.Phones, o.Faxes, o.Pager, o.Certificates, o.Picture = nil, nil, nil, "", nil, nil
		}
	}

	// Sites.
	var distinctSites distinct[string]
	if w.fresh != nil {
		distinctSites = w.fresh.sites
		distinctSites.reset()
		distinctSites.probes = 0
		defer func() { w.fresh.sites = distinctSites }()
	}
	for _, a := range as {
		if a.Site != "" {
			distinctSites.add(a.Site)
		}
	}
	sites := distinctSites.list
	w.scans += distinctSites.probes
	if !w.fl.siteStudies() {
		sites = w.dropLocationless(sites, subject)
	}
	switch {
	case w.fl.siteStudies():
		// Site membership is the AdminData block the user is in.
		if fresh {
			o.LocationRefs, o.LocationOID = nil, ""
		}
	case is2:
		o.LocationRefs = nil
		loc := ""
		if len(sites) > 0 {
			loc = sites[0]
		}
		if len(sites) > 1 {
			w.warn.add(CodeApproximated, "User/LocationRef", subject, "ODM 2.0 User has one LocationOID; only the first site is written")
		}
		set(&o.LocationOID, loc, "LocationOID", true)
	default:
		o.LocationOID = ""
		var have distinct[string]
		for _, r := range o.LocationRefs {
			if s := strings.TrimSpace(r.LocationOID); s != "" && !w.fl.autoLocation(s) {
				have.add(s)
			}
		}
		w.scans += have.probes
		if !equalStrings(have.list, sites) {
			o.LocationRefs = nil
			for _, s := range sites {
				o.LocationRefs = append(o.LocationRefs, &odm.LocationRef{LocationOID: s})
			}
		}
	}

	// What ODM AdminData has no place for in any flavour: assignment dates, depots, and an
	// environment the study OID does not name.
	for _, a := range as {
		if a.From != "" || a.To != "" {
			w.warn.add(CodeUnrepresentable, "Assignment/from", subject, "ODM AdminData has no assignment dates")
		}
		if len(a.Depots) > 0 {
			w.warn.add(CodeUnrepresentable, "Assignment/depots", subject, "ODM AdminData has no depots")
		}
		if a.Environment != "" && a.Environment != EnvProduction && envFromStudyOID(a.Study) != a.Environment {
			w.warn.add(CodeUnrepresentable, "Assignment/environment", subject, "the study OID does not name the environment and ODM AdminData has no other place for it")
		}
	}
	if len(as) > 1 {
		r0, _ := assignmentRole(as)
		for _, a := range as {
			if (a.Role.Name != "" || a.Role.Canonical != "") && a.Role != r0 {
				w.warn.add(CodeUnrepresentable, "Assignment/Role", subject, "the target has one role per user and study; other roles are left out")
				break
			}
		}
	}

	// What the user's source vendor says that another cannot hold.
	if u.Source != nil && u.Source.Vendor != w.p {
		u.Source.Vendor.flavour().leave(w, u, subject)
	}

	// Vendor fields.
	role, hasRole := assignmentRole(as)
	scope := ScopeStudy
	if len(sites) > 0 {
		scope = ScopeSite
	}
	w.listed = listed
	w.fl.writeUser(w, o, u, userFields{subject: subject, role: role, hasRole: hasRole, scope: scope, lost: lost, fresh: fresh})
	w.listed = nil
	return o
}

// noPlace is what a warning says of a value the target has no place for.
func (w *writer) noPlace() string {
	if m := w.fl.placeless(); m != "" {
		return m
	}
	if w.noPlaceMsg == "" {
		w.noPlaceMsg = "plain ODM " + string(w.v) + " has no place for it"
	}
	return w.noPlaceMsg
}

// maxLabels bounds the fields label keeps: they come from the model's field names and the
// input's extension attribute names, which a hostile file may make all different.
const maxLabels = 1024

// label returns the field of a warning made of a, b and c by make, made once for each
// (callers keep their keys apart: extAttrsInto's a is an element name, the user's lost
// fields have a ""): writing a user into a target that lacks some of its values warns of the
// same few fields for every user, and building each anew took a few percent of map --to
// odm2.
func (w *writer) label(a, b, c string, make func() string) string {
	k := [3]string{a, b, c}
	if l, ok := w.labels[k]; ok {
		return l
	}
	l := make()
	if len(w.labels) < maxLabels {
		if w.labels == nil {
			w.labels = map[[3]string]string{}
		}
		w.labels[k] = l
	}
	return l
}

// categoryLost warns when the user's category says more than the UserType written.
func (w *writer) categoryLost(u *User, t odm.UserType, subject string) {
	if u.Category != "" && categoryFromType(t) != u.Category {
		w.warn.add(CodeUnrepresentable, "User/category", subject, "the UserType written does not carry the account category")
	}
}

func equalAddresses(a, b []Address) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !equalAddress(a[i], b[i]) {
			return false
		}
	}
	return true
}

// addresses builds ODM addresses for the target version, reporting what it cannot hold.
// syncContact brings the ODM 2.0 Description, Addresses and Telecoms of a Location or an
// Organization in line with the model, leaving each part that already agrees as decoded
// so that its source layout is kept.
func (w *writer) syncContact(desc **odm.Description, addrs *[]*odm.Address, tels *[]*odm.Telecom, description string, as []Address, ts []Telecom, elem, subject string) {
	if description == "" {
		*desc = nil
	} else if d := *desc; d == nil || len(d.TranslatedTexts) == 0 || d.TranslatedTexts[0].Text != description {
		*desc = &odm.Description{TranslatedTexts: []*odm.TranslatedText{{Type: "text/plain", Text: description}}}
	}
	if !equalAddresses(addresses(*addrs), as) {
		*addrs = w.addresses(as, elem, subject)
	}
	var tel []*odm.Telecom
	for _, t := range ts {
		tel = append(tel, &odm.Telecom{TelecomType: odm.TelecomType(t.Type), Value: t.Value})
	}
	if !equalTelecoms(*tels, tel) {
		*tels = tel
	}
}

func (w *writer) addresses(in []Address, elem, subject string) []*odm.Address {
	return w.addressesIn(nil, in, elem, subject)
}

// addressesIn is addresses, made in f's memory when f is set.
func (w *writer) addressesIn(f *freshUser, in []Address, elem, subject string) []*odm.Address {
	var out []*odm.Address
	if f != nil {
		// Pointers into addrv: it has room for all of them first.
		if cap(f.addrv) < len(in) {
			f.addrv = make([]odm.Address, 0, 2*len(in))
		}
		out, f.addrv, f.streets = f.addrs[:0], f.addrv[:0], f.streets[:0]
		defer func() { f.addrs = out }()
	}
	for _, a := range in {
		var o *odm.Address
		if f != nil {
			f.addrv = append(f.addrv, odm.Address{})
			o = &f.addrv[len(f.addrv)-1]
		} else {
			o = &odm.Address{}
		}
		*o = odm.Address{StreetNames: a.StreetNames, City: a.City, StateProv: a.StateProv, Country: a.Country,
			PostalCode: a.PostalCode, OtherText: a.OtherText}
		if w.v == odm.V20 {
			o.HouseNumber = a.HouseNumber
			if len(a.StreetNames) > 1 {
				w.warn.add(CodeApproximated, elem+"/Address/StreetName", subject, "ODM 2.0 allows one StreetName; the street lines are joined with \", \"")
				joined := strings.Join(a.StreetNames, ", ")
				if f != nil {
					f.streets = append(f.streets, joined)
					n := len(f.streets)
					o.StreetNames = f.streets[n-1 : n : n]
				} else {
					o.StreetNames = []string{joined}
				}
			}
			if a.Longitude != "" || a.Latitude != "" || a.Altitude != "" {
				o.GeoPosition = &odm.GeoPosition{Longitude: a.Longitude, Latitude: a.Latitude, Altitude: a.Altitude}
			}
		} else {
			if a.HouseNumber != "" {
				w.warn.add(CodeApproximated, elem+"/Address/HouseNumber", subject, "ODM 1.3 has no HouseNumber; it is appended to the street line")
				if len(o.StreetNames) == 0 {
					o.StreetNames = []string{a.HouseNumber}
				} else {
					o.StreetNames = append([]string{o.StreetNames[0] + " " + a.HouseNumber}, o.StreetNames[1:]...)
				}
			}
			if a.Longitude != "" || a.Latitude != "" || a.Altitude != "" {
				w.warn.add(CodeUnrepresentable, elem+"/Address/GeoPosition", subject, "ODM 1.3 has no GeoPosition")
			}
		}
		out = append(out, o)
	}
	return out
}

func (w *writer) location(s *Site, base *odm.Location, study string) *odm.Location {
	s = s.InStudy(study) // the values of the site's listing in this block
	subject := "Location " + s.ID
	var o *odm.Location
	if base != nil {
		c := *base
		c.Attrs = append([]odm.Attr(nil), base.Attrs...)
		c.Nodes = append([]odm.Node(nil), base.Nodes...)
		o = &c
	} else {
		if len(s.Versions) == 0 && !w.sameLocation(s) {
			w.warn.add(CodeUnrepresentable, "Location", subject, "an ODM Location needs a MetaDataVersionRef and the site has no study version, so the site is left out, and so are users' references to it")
			return nil
		}
		o = &odm.Location{}
		if s.Source != nil {
			w.extAttrsInto(&o.Ext, s.Source.Vendor, s.Source.Attrs, "Location", subject)
			w.extElementsInto(&o.Ext, s.Source.Vendor, s.Source.Elements, "Location", subject)
		}
	}
	lost := func(field, msg string) { w.warn.add(CodeUnrepresentable, "Location/"+field, subject, msg) }
	if strings.TrimSpace(o.OID) != s.ID {
		o.OID = s.ID
	}
	if o.Name != s.Name {
		o.Name = s.Name
	}
	is2 := w.v == odm.V20
	if is2 {
		o.LocationType = ""
		if o.Role != s.Type {
			o.Role = s.Type
		}
		if o.OrganizationOID != s.Organization {
			o.OrganizationOID = s.Organization
		}
		w.syncContact(&o.Description, &o.Addresses, &o.Telecoms, s.Description, s.Addresses, s.Telecoms, "Location", subject)
	} else {
		o.Role, o.OrganizationOID, o.Description, o.Addresses, o.Telecoms, o.Queries = "", "", nil, nil, nil, nil
		lt := odm.LocationType(s.Type)
		if lt != "" && !lt.Valid() && !w.same {
			w.warn.add(CodeApproximated, "Location/@LocationType", subject, "not an ODM 1.3 LocationType; written as Site")
			lt = odm.LocationSite
		}
		if lt == "" && base == nil && !w.same {
			// ODM 1.3 requires a LocationType (a file of the same flavour without one
			// gets none back).
			lt = odm.LocationSite
			w.warn.add(CodeGenerated, "Location/@LocationType", subject, "the site has no type and ODM 1.3 requires one; Site is written")
		}
		if o.LocationType != lt {
			o.LocationType = lt
		}
		if s.Organization != "" {
			lost("@OrganizationOID", "ODM 1.3 Location has no organization")
		}
		if s.Description != "" {
			lost("Description", "ODM 1.3 Location has no description")
		}
		if len(s.Addresses) > 0 {
			lost("Address", "ODM 1.3 Location has no address")
		}
		if len(s.Telecoms) > 0 {
			lost("Telecom", "ODM 1.3 Location has no contacts")
		}
	}
	// Study versions.
	var have []StudyVersion
	if base != nil {
		have = siteVersions(base)
	}
	want := append([]StudyVersion(nil), s.Versions...)
	w.fl.writeVersions(s, want)
	if base != nil && w.same && s.Source != nil && s.Source.Vendor == w.p && len(s.Source.Studies) > 1 {
		want = blockVersions(want, have, s.Source.Studies, study)
	}
	if !equalVersions(have, want) {
		o.MetaDataVersionRefs = nil
		for _, v := range want {
			eff := v.Effective
			if t, err := odm.ParseDate(eff); err == nil && t.Format("2006-01-02") != eff && (s.Source == nil || s.Source.Vendor != w.p) {
				// A producer's dateTime (InForm writes one) is not an xs:date.
				eff = t.Format("2006-01-02")
				w.warn.add(CodeNormalized, "Location/MetaDataVersionRef/@EffectiveDate", subject, "a dateTime is written as the xs:date ODM requires")
			}
			r := &odm.MetaDataVersionRef{StudyOID: v.Study, MetaDataVersionOID: v.Version, EffectiveDate: eff}
			w.fl.versionRef(r, v, s, lost)
			o.MetaDataVersionRefs = append(o.MetaDataVersionRefs, r)
		}
	}
	// Vendor fields.
	w.fl.writeLocation(w, o, s, base, lost)
	return o
}

// blockVersions returns the versions, of want (a site's), that its Location in the block
// of study writes back, where the site was read in the blocks of studies and its Location
// there had the versions have: those of the block's study, those it had, and those of a
// study it is listed in no block of (nowhere else to go). A site listed in several blocks
// has the versions of all of them; written whole into each, the Location of each block
// changed although nothing in the directory had.
func blockVersions(want, have []StudyVersion, studies []string, study string) []StudyVersion {
	out := make([]StudyVersion, 0, len(want))
	for _, v := range want {
		if v.Study == study || slices.Contains(have, v) || !slices.Contains(studies, v.Study) {
			out = append(out, v)
		}
	}
	return out
}

// placeLost reports site facts only some vendors write (time zone, locale, and country
// outside an ODM 2.0 address).
func (w *writer) placeLost(s *Site, subject string) {
	if s.TimeZone != "" {
		w.warn.add(CodeUnrepresentable, "Location/timeZone", subject, "the target has no site time zone")
	}
	if s.Locale != "" {
		w.warn.add(CodeUnrepresentable, "Location/locale", subject, "the target has no site locale")
	}
	if s.Country == "" {
		return
	}
	if w.v == odm.V20 {
		for _, a := range s.Addresses {
			if a.Country == s.Country {
				return
			}
		}
	}
	w.warn.add(CodeUnrepresentable, "Location/country", subject, "the target has no site country outside an ODM 2.0 address")
}

func equalVersions(a, b []StudyVersion) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (w *writer) signature(m *Signature, base *odm.SignatureDef) *odm.SignatureDef {
	var o *odm.SignatureDef
	if base != nil {
		c := *base
		c.Attrs = append([]odm.Attr(nil), base.Attrs...)
		o = &c
	} else {
		o = &odm.SignatureDef{}
		if m.Source != nil {
			w.extAttrsInto(&o.Ext, m.Source.Vendor, m.Source.Attrs, "SignatureDef", "SignatureDef "+m.ID)
		}
	}
	if strings.TrimSpace(o.OID) != m.ID {
		o.OID = m.ID
	}
	o.Methodology = odm.Methodology(m.Methodology)
	if o.Meaning != m.Meaning {
		o.Meaning = m.Meaning
	}
	if o.LegalReason != m.LegalReason {
		o.LegalReason = m.LegalReason
	}
	return o
}

// blockNodes writes the vendor content directly inside AdminData: the source block's
// nodes when writing back (its group definitions updated from the model), the group
// definitions of the block, and those made up for roles (see flavour.writeGroup).
func (w *writer) blockNodes(ad *odm.AdminData, src *Block, bp blockPlan) {
	written := map[*Group]bool{}
	if src != nil && w.same && src.ad != nil {
		for _, n := range src.ad.Nodes {
			e, ok := n.(*odm.Element)
			if !ok || !isGroupDef(e) {
				ad.Nodes = append(ad.Nodes, n)
				continue
			}
			for _, g := range w.dir.Groups {
				if r, ok := w.rec(g.Source, bp.src, false); ok && r.v == n && !written[g] {
					ad.Nodes = append(ad.Nodes, w.groupDef(g, e))
					written[g] = true
				}
			}
		}
	} else if src != nil {
		for _, s := range src.Elements {
			if w.same {
				if e, err := parseElementXML(s); err == nil {
					ad.Nodes = append(ad.Nodes, e)
				}
				continue
			}
			if e, err := parseElementXML(s); err == nil {
				w.warn.add(CodeExtensionDropped, "AdminData/"+attrLabel(e.Space, e.Local), "AdminData "+bp.study, "another vendor's extension element is left out")
			}
		}
	}
	kept := w.sourceBlockElements(bp)
	for _, g := range w.dir.Groups {
		if written[g] || !w.belongs(g.Source, g.Study, bp) {
			continue
		}
		var base *odm.Element
		if r, ok := w.rec(g.Source, bp.src, true); ok {
			base, _ = r.v.(*odm.Element)
		}
		if e := w.fl.writeGroup(w, g, base); e != nil {
			ad.Nodes = append(ad.Nodes, e)
		}
	}
	// Groups made up while writing users (rights groups for roles).
	for _, g := range w.newGroup {
		if e := w.fl.writeGroup(w, g, nil); e != nil {
			ad.Nodes = append(ad.Nodes, e)
		}
	}
	w.newGroup = nil
	ad.Nodes = append(ad.Nodes, kept...) // after the group definitions, as InForm's schema orders them
}

// sourceBlockElements returns, for block bp of a write into another flavour (whose
// blocks are planned anew, none from a source block), the vendor elements read directly
// inside the source's AdminData of bp's study (or, into the first block, of a study the
// plan has no block for) that the target's namespace holds, and reports the others as
// left out: an InForm pf:ProductLocale written as Rave, a Rave element written as InForm.
func (w *writer) sourceBlockElements(bp blockPlan) []odm.Node {
	if w.same || bp.src >= 0 || w.dir.Source == nil {
		return nil
	}
	var kept []odm.Node
	for i := range w.dir.Source.Blocks {
		sb := &w.dir.Source.Blocks[i]
		if len(sb.Elements) == 0 || !(sb.Study == bp.study || w.isFirst(bp) && !w.hasBlock(sb.Study)) {
			continue
		}
		for _, s := range sb.Elements {
			e, err := parseElementXML(s)
			switch {
			case err != nil:
				w.warn.add(CodeInvalidValue, "AdminData/extension", "AdminData "+sb.Study, "a recorded vendor element is not well-formed XML and is left out")
			case e.Space != "" && (e.Space == w.fl.namespace() || w.fl.ownsNS(e.Space)):
				kept = append(kept, e)
			default:
				w.warn.add(CodeExtensionDropped, "AdminData/"+attrLabel(e.Space, e.Local), "AdminData "+sb.Study, "another vendor's extension element is left out")
			}
		}
	}
	return kept
}
