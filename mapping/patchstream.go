package mapping

import (
	"encoding/binary"
	"fmt"
	"io"
	"iter"
	"math/bits"
	"slices"
	"strings"

	"github.com/odmadmin/odmadmin/odm"
)

// PatchStream writes what Patch writes for the directory FromReader(r, opts.Options)
// reads, patched into the document doc returns, without holding that directory: it reads
// r to its end first, then calls doc once (so doc may re-read the file r reads) and
// streams that document through odm.Transform, building each user its records need from a
// temporary file. With Foreign (the document is another file) doc is called once before
// r is read, and the document read for what it has first (see PatchOptions.Foreign).
//
// While r is read it holds what WriteJSON holds (see the package's Performance notes);
// then every user, built as FromReader builds it, goes to a temporary file (created with
// os.CreateTemp, removed at once where the system allows it, else when PatchStream
// returns) and what stays in memory per user is some 10 bytes: where its record is, a
// table of IDs and a bit saying whether it has been written. With Reread, a user whose
// record is copied as read goes there as its ID alone (patchidonly.go); a document read
// again that is not the one read first (a second record of such a user, or none) is
// then an error. Sites (but another export's patched into the document, which are held
// packed in a temporary file of their own from the read to the write: inputSitePacker),
// studies, groups, organizations and signatures are held whole, as is a person listed in several AdminData
// blocks while r is read (see FromReader). A user the directory may have to add to a block
// of another study (one with an assignment outside the blocks it was read from) is found
// again in the file when such a block starts; a block without StudyOID reads them all
// once.
//
// It returns FromReader's warnings, then Patch's; the warnings of r itself (r.Warnings)
// are the caller's to report, as those of the document patched.
func PatchStream(out io.Writer, r *odm.Reader, doc func() (io.Reader, error), opts PatchOptions) (ws []Warning, err error) {
	var bs *baseSide
	var rs io.ReadSeeker
	if opts.Foreign {
		// Another export of the flavour patched into the document: the document's side
		// (its sites, indexed, and what it has: basepatch.go) is read first, so that its
		// sites are let go of before r's are read (20,000 sites of an InForm export on
		// each side: some 25 MB each as model values, both held at the peak).
		d, err := doc()
		if err != nil {
			return nil, err
		}
		if d == nil {
			return nil, nilODMReader()
		}
		var done func()
		if rs, bs, done, err = openBaseSide(d, opts.Read, opts.Profile, nil, opts.Options); err != nil {
			return nil, err
		}
		defer done()
		doc = func() (io.Reader, error) { _, err := rs.Seek(0, io.SeekStart); return rs, err }
	}
	// Another export's sites are held packed from the read to the write (sitepack.go).
	in, err := inputSitePacker(r, bs, opts.Options)
	if err != nil {
		return nil, err
	}
	defer in.close()
	b, err := readStreamWith(r, opts.Options, true, in, false, true, valuesOpts{}, nil) // readPatched, the sites into in
	if err != nil {
		return nil, err
	}
	// The builder is let go of once the users are spilled (see dropBuilder); until then
	// its warnings are read from it.
	bw := &b.w
	var run *specRun
	defer func() { ws = append(append(bw.result(), run.result()...), ws...) }()
	defer func() {
		if b != nil {
			b.close()
		}
	}()
	// The writer's checks of the profile, on a directory of nothing but the profile read.
	shell, err := newWriter(&Directory{Source: &FileSource{Vendor: b.p, Version: b.version}}, opts.Profile, opts.Options)
	if err != nil {
		return nil, err
	}
	users, err := newSpilledUsers(shell)
	if err != nil {
		return nil, err
	}
	defer users.close()
	users.readDoc = opts.Foreign
	// The persons read from several records (merged into one user, see blockmerge.go),
	// by index: Patch writes each such record from the merged values, which need not be
	// what it holds.
	var merged []int32
	for i := range b.merged {
		merged = append(merged, i)
	}
	if b.held != nil {
		merged = append(merged, b.held.i)
	}
	// The directory is FromReader's, read with the profile the document's header names.
	h, _ := r.Header() // read by readStream
	asRead := opts.Reread && opts.Spec == nil && !opts.Foreign && h != nil && (opts.Profile == "" || opts.Profile == DetectHeader(h))
	if asRead {
		planIDOnly(users, b, merged)
	}
	var also func(*User)
	var head Directory
	var resolved []Warning
	if bs != nil {
		// Its sites and roles are resolved against the document's (basepatch.go), each
		// user as it is spilled. The sites are complete once the directory is prepared.
		b.finishPrepare()
		// The spec starts first (as spillAll would start it): it renames the sites its
		// rules name, which are then resolved.
		run = startSpec(b.dir, opts.Options)
		head = *b.dir
		// The builder finds its users' sites by the study of each, noted now by the IDs
		// they were read with (siteStudies, which finishEach would note): the sites are
		// then renamed where they are, not copied (20,000 sites: some 5 MB, held through
		// the spill), unless the spec's run holds them as it found them.
		b.siteStudies()
		if in != nil {
			bs.resolvePacked(&head, in)
		} else {
			bs.resolve(&head, opts.Spec == nil)
		}
		also = bs.user
	}
	dir, err := spillAll(b, users, opts.Options, &run, also)
	if err != nil {
		return nil, err
	}
	// The builder is let go of before the sites are completed: packing the input's
	// (alignedSites) is then not done beside its indexes of the users.
	bw, b = dropBuilder(b), nil
	var packed *siteTable
	if bs != nil {
		dir.Sites = head.Sites
		if in != nil {
			if packed, err = bs.alignedSites(dir, in); err != nil {
				return nil, err
			}
		}
		resolved = bs.finish(dir)
		opts.base = bs
	}
	w, err := newWriter(dir, opts.Profile, opts.Options)
	if err != nil {
		return nil, err
	}
	if asRead {
		// The directory is the one FromReader reads from the document patched, which
		// Patch writes back as it was read (FuzzMapToODMRoundTrip): the record of each
		// user read from one record is copied as it is, not decoded to be compared with
		// what the writer makes of the user (TestPatchStreamCopiesUndecoded,
		// FuzzPatchStreamReread). Without a spec every user read is spilled, in the
		// builder's order, so the indexes of merged are the users'.
		for i := range users.asRead {
			users.asRead[i] = ^uint64(0)
		}
		for _, i := range merged {
			users.asRead[i/64] &^= 1 << (i % 64)
		}
	}
	// As in Patch: the directory is the document's flavour (it was read with it).
	w.same = true
	var sites *patchSites
	if packed != nil {
		sites = w.tableSites(packed)
	} else {
		sites = packedSites(w)
	}
	src, err := doc()
	if err != nil {
		return nil, err
	}
	if src == nil {
		return nil, nilODMReader()
	}
	defer catchSpill(&err)
	ws, err = w.patch(out, src, users, sites, opts.Foreign, opts)
	return append(resolved, ws...), err
}

// dropBuilder returns b's warnings apart from b, once spillAll is done with b: what b
// holds besides (its indexes of the users read, its shared strings, its sites by ID,
// several bytes a user) is then garbage for the rest of the run.
func dropBuilder(b *builder) *warner {
	w := b.w
	return &w
}

// packedSites returns the sites of w's directory for the patcher: packed without
// pointers (sitecodec.go), the directory left without them, when w's flavour writes
// Locations (not OpenClinica's site studies, which the writer makes from the sites
// themselves) and every site can be packed; else held as they are. What the writer asks
// of the sites before it writes (which have no Location) is asked first.
func packedSites(w *writer) *patchSites {
	if w.fl.siteStudies() {
		return heldSites(w.dir.Sites)
	}
	w.findLocationless()
	t, ok := packSites(w.dir.Sites)
	if !ok {
		return heldSites(w.dir.Sites)
	}
	w.dir.Sites = nil
	return &patchSites{pack: t}
}

// spilledUsers are the users of PatchStream: their encodings (usercodec.go) in a temporary
// file, in the directory's order, found by ID through an idIndex.
type spilledUsers struct {
	w *writer // for inBlock (the profile written), not for writing
	packedUsers
	sealed bool
	// byKey is built when a user is first looked up (buildIndex), from fps: the
	// fingerprints of the users' IDs (fps[i] user i's when hasID has bit i set), noted as
	// the users are added. PatchStream adds them while the builder that read them is
	// held, and looks them up once it let go of it: at a million users the index is some
	// 6.5 MB (a keyTable; an idIndex was 11 MB, 14 grown key by key) and the
	// fingerprints 4 MB, so the peak of the two phases is lower by the difference. byID
	// indexes the users added after it was built (none, as the patches add them), and
	// gives the fingerprints.
	byKey   *keyTable
	byID    *idIndex
	fps     []uint32
	hasID   []uint64
	indexed bool
	// lazyFps: fps are not noted; buildIndex reads the IDs from the records instead, for
	// users that are seldom looked up by ID (the document's users of a --base patch of a
	// table, found in the document's order: baseSide.find), 4 bytes a user less.
	lazyFps bool
	// fold: IDs are found by their LoginKey (a table's users, whose ID is the login they
	// were read with, found for the document's records by login: basepatch.go).
	fold bool
	// byLogin finds users without an ID by login (the last with it), as Patch does;
	// anon are those of neither, taken in order (anonNext the next).
	byLogin  map[string]int32
	anon     []int32
	anonNext int
	// others finds a person merged by login by the other OIDs of its listings
	// (otherOIDs), when no user has that OID; nil in most files.
	others map[string]int32
	done   []uint64 // bit i: user i has been written
	// asRead has bit i set when user i is the user read from the document patched, as
	// FromReader reads it from one record (PatchStream sets them): its record there is
	// written as it was read, and so is copied without being decoded (odm.TransformRaw).
	asRead []uint64
	// idOnly has bit i set when user i was spilled as its ID alone (patchidonly.go), as
	// idPlan chose; both nil when every user is spilled whole.
	idOnly []uint64
	idPlan *idOnlyPlan
	// idFirst has bit i set when user i is the one byID finds for its ID (the first
	// with it); last is the user find found last. A document patched with the directory
	// read from it gives the users in the directory's order: the user after the last
	// one found is tried first, without a look-up (at a million users each is a cache
	// miss into a 6.5 MB table).
	idFirst []uint64
	last    int32
	// maybeNew are the users eachNew hands on for a block with a StudyOID: those with an
	// assignment that a block of a study they were not read in may hold. With readDoc
	// that is every user: the list is not kept (4 bytes a user), newAt and newCount
	// stand for it.
	maybeNew []int32
	// byStudy indexes maybeNew by study (positions in it), for eachNew.
	byStudy *studyUsers
	// seq: the users are only read back in order (WriteODMStream), never found by ID or
	// login nor marked written, so none of the indexes above but offs is kept (some 15
	// bytes a user less).
	seq bool
	// readDoc: the patcher reads where the document has each user from the document,
	// not from their Source (patchdoc.go), so any user may be new to any block.
	readDoc bool
	// mem is where find and userAgain build each user, over the one before; memOf is the
	// index of the user it holds (-1: none, or built there by another caller). A person
	// of an OpenClinica export is a record in each site study's block: a user in 20,000
	// of them was decoded whole for each record (19 s of map --to odm), now once.
	mem   userMem
	memOf int32
	built int // users userAgain built (PatchOptions.work)
	// places are the places the users' assignments give access in (accessPlace), each
	// once in the users' order (placeSet: the same as a set), for eachAccess: a study or
	// site of each few hundred users, not a value a user.
	places   []accessAt
	placeSet map[accessAt]bool
}

// addPlaces notes the places u's assignments give access in (see places). Users in a row
// share them mostly (one study, one site): the last one is compared first, not hashed.
func (s *spilledUsers) addPlaces(u *User) {
	for _, a := range u.Assignments {
		place, site := s.w.accessPlace(a)
		if place == "" || len(s.places) > 0 && s.places[len(s.places)-1] == (accessAt{place, site}) || s.placeSet[accessAt{place, site}] {
			continue
		}
		if s.placeSet == nil {
			s.placeSet = map[accessAt]bool{}
		}
		at := accessAt{strings.Clone(place), site} // u's strings may be cut from a large block, or reused
		s.placeSet[at] = true
		s.places = append(s.places, at)
	}
}

// accessAt is a place an assignment gives access in (writer.accessPlace).
type accessAt struct {
	place string
	site  bool
}

// chunkSize is the size of the chunks of encoded users in the spill file.
const chunkSize = 1 << 16 // offsets below it fit in a uint16

func newSpilledUsers(w *writer) (*spilledUsers, error) {
	sp, err := newSpill()
	if err != nil {
		return nil, err
	}
	return &spilledUsers{w: w, packedUsers: packedUsers{sp: sp}, byID: newIDIndex(), last: -1, memOf: -1}, nil
}

func (s *spilledUsers) close() error { return s.sp.close() }

// add appends the next user of the directory.
func (s *spilledUsers) add(u *User) error {
	if s.seq {
		_, err := s.packedUsers.add(u)
		return err
	}
	s.addPlaces(u)
	mayBeNew := s.mayBeNew(u)
	idOnly := s.spillsID(s.n, u, mayBeNew)
	var i int32
	var err error
	if idOnly {
		i, err = s.packedUsers.addID(u.ID)
	} else {
		i, err = s.packedUsers.add(u)
	}
	if err != nil {
		return err
	}
	if s.n%64 == 1 {
		s.done = append(s.done, 0)
		s.asRead = append(s.asRead, 0)
		s.idFirst = append(s.idFirst, 0)
		if !s.indexed {
			s.hasID = append(s.hasID, 0)
		}
		if s.idPlan != nil {
			s.idOnly = append(s.idOnly, 0)
		}
	}
	if idOnly {
		s.idOnly[i/64] |= 1 << (i % 64)
	}
	if !s.indexed && u.ID == "" && !s.lazyFps {
		s.fps = append(s.fps, 0) // fps[i] is user i's
	}
	switch {
	case u.ID != "" && !s.indexed:
		if !s.lazyFps {
			s.fps = append(s.fps, s.byID.fingerprint(s.idKey(u.ID)))
		}
		s.hasID[i/64] |= 1 << (i % 64)
	case u.ID != "":
		// The first user with an ID is the one Patch finds.
		k := s.idKey(u.ID)
		if _, dup := s.findKey(k); !dup {
			s.byID.add(k, i)
			s.idFirst[i/64] |= 1 << (i % 64)
		}
	case u.Login == "":
		// Of neither ID nor login: found by nothing, its record was left out. Such
		// records are taken in order, as dirUsers takes them.
		s.anon = append(s.anon, i)
	default:
		if s.byLogin == nil {
			s.byLogin = map[string]int32{}
		}
		s.byLogin[LoginKey(u.Login)] = i
	}
	for _, id := range otherOIDs(u) {
		if s.others == nil {
			s.others = map[string]int32{}
		}
		if _, dup := s.others[id]; !dup {
			s.others[id] = i
		}
	}
	if mayBeNew && !s.readDoc {
		s.maybeNew = append(s.maybeNew, i)
	}
	return s.sp.err
}

// newCount is how many users maybeNew lists, newAt the k-th of them.
func (s *spilledUsers) newCount() int {
	if s.readDoc {
		return int(s.n)
	}
	return len(s.maybeNew)
}

func (s *spilledUsers) newAt(k int32) int32 {
	if s.readDoc {
		return k
	}
	return s.maybeNew[k]
}

// mayBeNew reports whether patcher.addNew may add u to the first block of some study other
// than "" (a block without StudyOID is handled by eachNew): it adds a user read from a
// block of the study only when u has an assignment the block holds (w.inBlock), and a
// user read from this flavour's blocks then only when the block's study is not one of
// them. inBlock holds an assignment in a block of its study, its site (OpenClinica's site
// studies) or, for an assignment of no study, any block; those are the studies tried.
func (s *spilledUsers) mayBeNew(u *User) bool {
	src := u.Source
	if s.readDoc || src == nil || src.Vendor != s.w.p || len(src.Studies) == 0 {
		return true
	}
	for _, a := range u.Assignments {
		if s.w.inBlock(a, "\x00") { // any study
			return true
		}
		for _, st := range [...]string{a.Study, a.Site} {
			if st != "" && !slices.Contains(src.Studies, st) && s.w.inBlock(a, st) {
				return true
			}
		}
	}
	return false
}

// putChunk writes the chunk being filled to the spill file (chunk s.chunks) and starts
// the next.
// seal writes the last chunk: the users are all added.
func (s *spilledUsers) seal() error {
	if len(s.cur) > 0 {
		s.putChunk()
	}
	s.cur, s.enc, s.sealed = nil, nil, true
	return s.sp.err
}

// record returns the encoding of user i and what follows it in its chunk. An I/O error of
// the spill file panics with a spillFailure (see spill.get).
func (s *spilledUsers) record(i int32) string { return s.packedUsers.record(i) }

// recordAlone returns the encoding of user i, read alone from the spill file (not its
// chunk): for users read one here and one there. An I/O error panics with a
// spillFailure, as record does.
func (s *spilledUsers) recordAlone(i int32) string {
	k, off := s.at(i)
	return s.readAlone(i, k, off)
}

// user returns user i, built from its encoding: each time anew (Patch's writer does not
// change the users it is given, so a user built again is the same user).
func (s *spilledUsers) user(i int32) *User {
	s.whole(i)
	return decodeUser(s.record(i))
}

// userAgain returns user i built as user builds it, but in s.mem over the user built
// there before: for a caller that is done with that one (see userMem).
func (s *spilledUsers) userAgain(i int32) *User {
	if i != s.memOf {
		s.whole(i)
		s.mem.decode(s.record(i))
		s.memOf = i
		s.built++
	}
	return &s.mem.u
}

// find builds the user it finds in s.mem (userAgain): the patcher is done with a
// record's user once the record is written.
func (s *spilledUsers) find(oid, login string) (int32, *User) {
	if oid != "" {
		i, ok := s.findID(oid)
		if !ok {
			return -1, nil
		}
		return i, s.userAgain(i)
	}
	if !s.indexed {
		s.buildIndex()
	}
	if login == "" {
		if s.anonNext < len(s.anon) {
			i := s.anon[s.anonNext]
			s.anonNext++
			return i, s.userAgain(i)
		}
		return -1, nil
	}
	if i, ok := s.byLogin[LoginKey(login)]; ok {
		return i, s.userAgain(i)
	}
	return -1, nil
}

// findID returns the index of the user find finds for a record of OID oid (not empty),
// without building it.
func (s *spilledUsers) findID(oid string) (int32, bool) {
	if !s.indexed {
		s.buildIndex()
	}
	// The user after the one found last is tried first (records in the base's order find
	// their user without a look-up) when that costs no read: in another order the try read
	// that user alone for nothing, and put it in the place of the user found last, which
	// the caller reads again (1.67 reads a user instead of 1).
	oid = s.idKey(oid)
	if i := s.last + 1; i < s.n && s.idFirst[i/64]&(1<<(i%64)) != 0 && s.cheap(i) && s.idKey(userID(s.record(i))) == oid {
		s.last = i
		return i, true
	}
	i, ok := s.findKey(oid)
	if !ok {
		if i, ok = s.others[oid]; ok {
			return i, true
		}
		return -1, false
	}
	s.last = i
	return i, true
}

// lookupID returns the first user of ID id, as findID finds it, but leaves the user
// found last (last) as it is: a question about a user beside the patch's records
// (patcher.docHas) does not change where the next record's user is looked for first.
func (s *spilledUsers) lookupID(id string) (int32, bool) {
	if !s.indexed {
		s.buildIndex()
	}
	return s.findKey(s.idKey(id))
}

// findKey returns the first user of key k (an idKey), in byKey, else among the users
// added after it was built (byID).
func (s *spilledUsers) findKey(k string) (int32, bool) {
	match := func(j int32) bool { return s.idKey(userID(s.record(j))) == k }
	fp := s.byID.fingerprint(k)
	if s.byKey != nil {
		if i, ok := s.byKey.find(fp, match); ok {
			return i, true
		}
	}
	return s.byID.findFingerprint(fp, match)
}

// idKey is what s finds a user of ID id by: id, or its LoginKey (fold).
func (s *spilledUsers) idKey(id string) string {
	if s.fold {
		return LoginKey(id)
	}
	return id
}

// isAsRead reports whether user i is as read from the document patched (asRead).
func (s *spilledUsers) isAsRead(i int32) bool { return s.asRead[i/64]&(1<<(i%64)) != 0 }

// buildIndex builds byKey from the fingerprints noted by add: the first user with each
// ID is indexed and has its idFirst bit set, as when each was indexed as it was added.
// The table is sized for them first, and a fingerprint already in it is checked against
// the users' records, as add checked it.
func (s *spilledUsers) buildIndex() {
	fps, has := s.fps, s.hasID
	s.fps, s.hasID, s.indexed = nil, nil, true
	// fp is user k's fingerprint: noted by add, or, with lazyFps, read from its record
	// again in each of the two passes below (a pass over a million records costs less
	// than holding their fingerprints, 4 MB, beside the index as it is built, at the
	// patch's peak).
	fp := func(k int32) uint32 { return fps[k] }
	if s.lazyFps {
		fp = func(k int32) uint32 { return s.byID.fingerprint(s.idKey(userID(s.record(k)))) }
	}
	keys := 0
	for _, w := range has {
		keys += bits.OnesCount64(w)
	}
	t := newKeyTable(keys)
	for k := range s.n {
		if has[k/64]&(1<<(k%64)) != 0 {
			t.count(fp(k))
		}
	}
	t.alloc()
	for k := range s.n {
		if has[k/64]&(1<<(k%64)) == 0 {
			continue
		}
		i, fp := k, fp(k)
		id := ""
		if _, dup := t.find(fp, func(j int32) bool {
			if id == "" {
				id = s.idKey(userID(s.record(i)))
			}
			return s.idKey(userID(s.record(j))) == id
		}); dup {
			continue
		}
		t.put(fp, i)
		s.idFirst[i/64] |= 1 << (i % 64)
	}
	s.byKey = t
}

func (s *spilledUsers) isDone(i int32, _ *User) bool { return s.done[i/64]&(1<<(i%64)) != 0 }
func (s *spilledUsers) markDone(i int32, _ *User)    { s.done[i/64] |= 1 << (i % 64) }
func (s *spilledUsers) count() int                   { return int(s.n) }

func (s *spilledUsers) eachAccess(fn func(string, bool)) {
	for _, at := range s.places {
		fn(at.place, at.site)
	}
}

func (s *spilledUsers) eachNew(study string, first bool, has func(*User) func(string) bool, fn func(int32, *User)) {
	if study == "" {
		// A block without StudyOID holds every assignment, and takes no user written
		// elsewhere.
		s.eachUndone(fn)
		return
	}
	if first {
		// The document's first block: no user is written yet.
		for k := range int32(s.newCount()) {
			i := s.newAt(k)
			fn(i, s.user(i))
		}
		return
	}
	// Another block: the users of its study only, found through an index of the
	// candidates made once (each built again from its record for it), which leaves out
	// the users the document has in the study. A user written already is built only for
	// an assignment of the study's own.
	if s.byStudy == nil {
		idx := newStudyUsers(s.w, s.newCount(), func(k int) *User { return s.user(s.newAt(int32(k))) }, has)
		s.byStudy = idx
	}
	s.byStudy.each(study, func(k int32, own bool) {
		if i := s.newAt(k); own || !s.isDone(i, nil) {
			fn(i, s.user(i))
		}
	})
}

func (s *spilledUsers) eachUndone(fn func(int32, *User)) {
	for i := int32(0); i < s.n; i++ {
		if !s.isDone(i, nil) {
			fn(i, s.user(i))
		}
	}
}

// WriteODMStream writes what WriteODM writes for the directory FromReader(r, opts) reads,
// into profile p, without holding that directory. When the one AdminData it writes is
// known before the users are built (see directWrite), each user is written as it is built
// from the builder's records; else the users go to a temporary file as for PatchStream
// and are written from there one at a time: with one AdminData to write, read back in
// order; with several (several studies, OpenClinica's site studies), each block's users
// are found by the (study, site) pairs they are assigned in, kept as a few bytes a user,
// and each is read again for each block it goes into. It returns
// FromReader's warnings, then WriteODM's; r's own warnings are the caller's to report.
func WriteODMStream(out io.Writer, r *odm.Reader, p Profile, opts Options, wopts odm.WriteOptions) (ws []Warning, err error) {
	b, err := readStream(r, opts, true)
	if err != nil {
		return nil, err
	}
	bw := &b.w // as in PatchStream
	var run *specRun
	defer func() { ws = append(append(bw.result(), run.result()...), ws...) }()
	defer func() {
		if b != nil {
			b.close()
		}
	}()
	shell, err := newWriter(&Directory{Source: &FileSource{Vendor: b.p, Version: b.version}}, p, opts)
	if err != nil {
		return nil, err
	}
	if d := newDirectWrite(b, p, opts); d != nil {
		return d.write(out, wopts)
	}
	users, err := newSpilledUsers(shell)
	if err != nil {
		return nil, err
	}
	defer users.close()
	users.seq = true
	// What the writer asks of every user besides writing it: the studies of their
	// assignments (for its blocks) and which sites are assigned in which study (for the
	// Locations of a block), each (study, site) once, in the order the users give them;
	// and, for each user, the pairs it is assigned in (the blocks it goes into, when there
	// are several).
	assigned := &assignedSet{}
	var pairs userPairs
	dir, err := spillAll(b, users, opts, &run, func(u *User) {
		pairs.add(u, assigned)
	})
	if err != nil {
		return nil, err
	}
	bw, b = dropBuilder(b), nil
	return writeSpilled(out, dir, nil, p, opts, wopts, users, assigned, &pairs)
}

// writeSpilled writes dir (its users left out) and the users spilled into users (each
// one's pairs in pairs, every pair in assigned) into profile p, the second half of
// WriteODMStream. sites, when set, are dir's sites packed, dir.Sites being empty (the
// merge's own table, MergeStream.WriteODM): they are written from it, each built when it
// is looked at, instead of being built whole and packed again here (at a million users in
// 3 files that was 17 MB of sites built at once, then a second packing of 8 MB held
// through the write beside the merge's).
func writeSpilled(out io.Writer, dir *Directory, sites *siteTable, p Profile, opts Options, wopts odm.WriteOptions, users *spilledUsers, assigned *assignedSet, pairs *userPairs) (ws []Warning, err error) {
	defer catchSpill(&err)
	// The writer sees the set where it looks at every user's assignments (its blocks,
	// the sites of a block, OpenClinica's site studies), and the users themselves where
	// it writes them.
	dir.Users = nil
	if sites != nil {
		if writeProfile(dir, p).flavour().siteStudies() {
			// OpenClinica's site studies are made (and their blocks planned) from the
			// sites as values.
			dir.Sites = make([]*Site, sites.len())
			for i := range dir.Sites {
				dir.Sites[i] = sites.site(i)
			}
			sites = nil
		} else if err := checkPackedSites(sites); err != nil {
			// As the writer's check of dir would find it, after the source and before the
			// groups (the profile and the source were checked before the users).
			return nil, fmt.Errorf("mapping: %w", err)
		}
	}
	w, err := newStreamWriter(dir, p, opts, assigned)
	if err != nil {
		return nil, err
	}
	// The sites are written at the block's end: held packed until then (sitecodec.go).
	// OpenClinica's site studies are made from the sites as they are (and are few).
	switch {
	case sites != nil:
		w.sitePack = sites
		w.findLocationless()
	case !w.fl.siteStudies():
		w.findLocationless()
		if t, ok := packSites(dir.Sites); ok {
			w.sitePack, dir.Sites = t, nil
		}
	}
	// writeBlock is done with each user once it wrote its record, unless it holds the
	// records to sort them (never for users spilled, which have no decoded records): each
	// is built over the one before.
	build := func(p string) *User {
		users.memOf = -1 // s.mem holds a user userAgain did not note
		return users.mem.decode(p)
	}
	if w.buffered() {
		build = decodeUser
	}
	if len(w.plan) == 1 {
		*pairs = userPairs{}
		w.userSeq = func(blockPlan) iter.Seq[*User] {
			return func(yield func(*User) bool) {
				for i := range users.n {
					// One block writes each user once: the role names reported for
					// a user (CodeRoleVerbatim, once per user and name) need not be
					// kept past it.
					clear(w.verbatim)
					if !yield(build(users.record(i))) {
						return
					}
				}
			}
		}
		return w.writeODM(out, wopts)
	}
	// Several blocks: each block's users, by index, found from their pairs, and each
	// user read again from the spill file for each block it is in.
	members := blockMembers(w, assigned, pairs, users.n)
	*pairs = userPairs{}
	blockOf := make(map[blockPlan]int, len(w.plan))
	for i, bp := range w.plan {
		blockOf[bp] = i
	}
	w.userSeq = func(bp blockPlan) iter.Seq[*User] {
		return func(yield func(*User) bool) {
			bi := blockOf[bp]
			list := members[bi]
			members[bi] = nil // written once
			defer func() { w.cur = -1 }()
			// A block of many of the users reads their chunks in order; one of a few
			// reads each user's record alone.
			dense := int64(len(list)) >= 8*int64(users.chunks)
			for _, i := range list {
				w.cur = i
				var rec string
				if dense {
					rec = users.record(i)
				} else {
					rec = users.recordAlone(i)
				}
				if !yield(build(rec)) {
					return
				}
			}
		}
	}
	return w.writeODM(out, wopts)
}

// checkPackedSites checks the sites t packs as Directory.Check checks a directory's
// sites, one built at a time (none is null: a null site is not packed). The usual site
// passes, so the path naming it is only made for an error, as in checkUser.
func checkPackedSites(t *siteTable) error {
	for i := range t.len() {
		if src := t.site(i).Source; checkSource("", src) != nil {
			return checkSource(fmt.Sprintf("sites[%d].source", i), src)
		}
	}
	return nil
}

// userPairs holds, for each user in order, the indexes (in an assignedSet) of the
// distinct (study, site) pairs it is assigned in: a count and the indexes as varints,
// some two to four bytes a user, without pointers.
type userPairs struct {
	data    []byte
	scratch distinct[int32]
}

func (p *userPairs) add(u *User, set *assignedSet) {
	p.scratch.reset()
	for _, a := range u.Assignments {
		p.scratch.add(set.add(a))
	}
	p.data = binary.AppendUvarint(p.data, uint64(len(p.scratch.list)))
	for _, k := range p.scratch.list {
		p.data = binary.AppendUvarint(p.data, uint64(k))
	}
}

// blockMembers returns, for each block of w's plan, the indexes of the users writeBlock
// writes into it, in order: those with an assignment the block holds (w.inBlock), and
// those with none in the first block. A pair is tried against the blocks of its study,
// of its site or its site study, and of no study (every block for a pair of no study):
// the only blocks inBlock puts an assignment in (writer.blockKeys).
func blockMembers(w *writer, set *assignedSet, pairs *userPairs, n int32) [][]int32 {
	byStudy := map[string][]int32{}
	for i, bp := range w.plan {
		byStudy[bp.study] = append(byStudy[bp.study], int32(i))
	}
	pairBlocks := make([][]int32, len(set.list))
	for k, p := range set.list {
		a := Assignment{Study: p.study, Site: p.site}
		try := func(bi int32) {
			if w.inBlock(a, w.plan[bi].study) && !slices.Contains(pairBlocks[k], bi) {
				pairBlocks[k] = append(pairBlocks[k], bi)
			}
		}
		if p.study == "" {
			for bi := range w.plan {
				try(int32(bi))
			}
			continue
		}
		for i, st := range w.blockKeys(a) {
			if i > 0 && st == "" {
				continue
			}
			for _, bi := range byStudy[st] {
				try(bi)
			}
		}
	}
	members := make([][]int32, len(w.plan))
	d := pairs.data
	next := func() int32 {
		v, m := binary.Uvarint(d)
		d = d[m:]
		return int32(v)
	}
	for i := range n {
		c := next()
		if c == 0 {
			members[0] = append(members[0], i)
			continue
		}
		for range c {
			for _, bi := range pairBlocks[next()] {
				if l := members[bi]; len(l) == 0 || l[len(l)-1] != i {
					members[bi] = append(l, i)
				}
			}
		}
	}
	return members
}

// spillAll builds every user of b, as FromReader builds them and in its order, into users,
// calling also (when set) with each, and returns the directory b read. With opts.Spec
// the spec is applied to the directory and each user first, as Spec.Apply applies it to
// the directory FromReader reads (*run is its run, for its warnings), and a user it
// leaves out is not spilled. The users kept are checked as Check checks them: the first
// invalid one is an error after the source's and before the sites'.
func spillAll(b *builder, users *spilledUsers, opts Options, run **specRun, also func(*User)) (*Directory, error) {
	var invalid error
	kept := 0
	started := false
	// The spec starts once the directory is read whole but for its users (finishEach
	// prepares it before the first user), as Apply starts on a directory read.
	start := func() {
		if !started {
			started = true
			if *run == nil { // (PatchStream may have started it, see there)
				*run = startSpec(b.dir, opts)
			}
		}
	}
	// The fingerprints of the users' IDs (see spilledUsers.fps) in one array of their
	// number, not one grown by doubling (at a million users 4 MB, not up to 8 and the
	// copies before it).
	if !users.seq && !users.indexed && users.fps == nil && !users.lazyFps {
		users.fps = make([]uint32, 0, b.nusers)
	}
	// Nothing here keeps a pointer into a user once it is handed on (users.add encodes
	// it, the spec's run and also's callers keep strings at most), so each is built in
	// the memory of the one before, as for WriteJSON: built in new memory, a million users
	// ran a collection every 9 MB of them, each marking the sites held meanwhile.
	b.reuseUsers = true
	err := b.finishEach(func(_ int, u *User) error {
		start()
		if *run != nil && !(*run).user(u) {
			return nil
		}
		if invalid == nil {
			invalid = checkUser(kept, u)
		}
		kept++
		if also != nil {
			also(u)
		}
		return users.add(u)
	})
	if err == nil {
		start()
		err = users.seal()
	}
	if cerr := b.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	dir := b.dir
	if err := dir.checkHead(); err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	if invalid != nil {
		return nil, fmt.Errorf("mapping: %w", invalid)
	}
	return dir, nil
}
