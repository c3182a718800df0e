package mapping

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/odmadmin/odmadmin/odm"
)

// Where the document patched has a value (a user, site, organization, signature or
// group) decides whether Patch adds it: a value a block of its study has is patched at its
// record there; one some other block has belongs there; only one the document lacks is
// added. PatchStream reads the directory from the document itself, so a value's Source
// (the studies of the blocks it was read from) says where the document has it. Patch and
// CompactDirectory.Patch are given a directory read from anywhere: a template, a program,
// another vendor's export, another export of the same vendor (map --to odm --base). Their
// values' Source names some other file, if any, and going by it wrote a template's users
// a second time beside the base's records of them, and left out, without a word, the
// users and sites that another export of the same flavour has and the base lacks. They
// read the document once first, for which values its blocks have: docIndex.

// The kinds of values a docIndex holds.
const (
	docUser byte = iota + 1
	docSite
	docOrg
	docSig
	docGroup
)

// anyStudy stands for every study in a docIndex key: no StudyOID holds the character.
const anyStudy = "\x01"

// docIndex is what the document patched has: the values of its blocks as a sorted set
// of hashes of (kind, the value's key), each with the study of a block that has it.
// Most exports have blocks of one study: the studies are then not held at all (8 bytes
// a record, where a hash for the study and one for any study took 16, and 16 MB of a
// million users). Two keys share a hash with a chance of about n²/2^65 (10^-8 at a
// million records); a value so taken for the document's is then neither added nor
// reported.
type docIndex struct {
	seed maphash.Seed
	keys []uint64
	// ids are, by key, the study of the block that has the value (an index into
	// studyIDs), keys sorted by key then id; nil while every block so far is of the
	// first study (id 0).
	ids      []uint32
	studyIDs map[string]uint32
	// block is the study of the block being read, cur its id (add).
	block string
	cur   uint32
	// studies are the document's Study elements by OID, read when asked for (a flavour
	// of site studies: OpenClinica holds a site as a Study, not a Location, and a patch
	// adds no Study and copies those it has as they are, so a site the document has no
	// Study for cannot be written, nor a name, number or parent a Study holds otherwise).
	studies map[string]studyHead
	// foldUsers: users are known by the LoginKey of their login (see see), and has
	// looks a user's key up by its LoginKey.
	foldUsers bool
	// users holds the users' keys apart from the other values' when foldUsers (a
	// table's patch, whose users are asked about only): a patch that has the table's
	// users at hand answers for each with a bit or a study instead (tableBits) and lets
	// go of them (at a million users of the document, 8 to 12 MB held through the patch).
	users *docIndex
	// spilled, when set (spillUsers), takes the users' keys instead of users while the
	// document is read, and loadUsers makes users of them: a table's patch reads the
	// document with a builder whose index of OIDs (some 12 MB at a million users) is let
	// go of after the read, and the keys (12 MB more) were held beside it, at the
	// patch's peak.
	spilled *keySpill
}

// keySpill holds a docIndex's users' keys and studies, 12 bytes each, in a temporary
// file: written a chunk at a time as the document is read, read back once (loadUsers).
type keySpill struct {
	sp  *spill // made with the first key
	buf []byte // the chunk being filled
	n   int    // the keys written
	// mixed: some key is of a block of a study other than the first (id 0), so the
	// loaded index holds the studies (ids), as add makes it.
	mixed bool
	err   error
}

// keySpillChunk is how many keys a chunk of a keySpill holds (48 KiB).
const keySpillChunk = 4096

// spillUsers has the users' keys written to a temporary file as the document is read
// (see spilled), until loadUsers.
func (d *docIndex) spillUsers() { d.spilled = &keySpill{} }

// add writes key h of the block of study id.
func (s *keySpill) add(h uint64, id uint32) {
	if s.sp == nil && s.err == nil {
		s.sp, s.err = newSpill()
		s.buf = make([]byte, 0, 12*keySpillChunk)
	}
	if s.err != nil {
		return
	}
	s.buf = binary.LittleEndian.AppendUint64(s.buf, h)
	s.buf = binary.LittleEndian.AppendUint32(s.buf, id)
	s.n++
	s.mixed = s.mixed || id != 0
	if len(s.buf) == cap(s.buf) {
		s.sp.putBytes(s.buf)
		s.buf = s.buf[:0]
	}
}

// close removes the file; it returns the first I/O error met.
func (s *keySpill) close() error {
	if s.sp == nil {
		return s.err
	}
	if err := s.sp.close(); s.err == nil {
		s.err = err
	}
	return s.err
}

// loadUsers reads the users' keys spilled while the document was read (spillUsers) into
// users, sealed, each array made at its size once; a no-op unless spilled. The
// temporary file is removed.
func (d *docIndex) loadUsers() (err error) {
	s := d.spilled
	if s == nil {
		return nil
	}
	d.spilled = nil
	defer func() {
		if cerr := s.close(); err == nil {
			err = cerr
		}
	}()
	if s.err != nil || s.n == 0 {
		return s.err
	}
	defer catchSpill(&err)
	u := &docIndex{seed: d.seed, studyIDs: d.studyIDs, block: d.block, keys: make([]uint64, 0, s.n)}
	if s.mixed {
		u.ids = make([]uint32, 0, s.n)
	}
	decode := func(p []byte) {
		for ; len(p) >= 12; p = p[12:] {
			u.keys = append(u.keys, binary.LittleEndian.Uint64(p))
			if u.ids != nil {
				u.ids = append(u.ids, binary.LittleEndian.Uint32(p[8:]))
			}
		}
	}
	var buf []byte
	for k := range s.sp.offs {
		_, buf = s.sp.readInto(k, buf)
		decode(buf)
	}
	decode(s.buf)
	if len(u.keys) != s.n {
		return fmt.Errorf("%w: %d of %d keys read back", errSpill, len(u.keys), s.n)
	}
	u.seal()
	d.users = u
	return nil
}

// dropSpill removes the temporary file of the users' keys, if any, without reading it
// (the read failed).
func (d *docIndex) dropSpill() {
	if d != nil && d.spilled != nil {
		d.spilled.close()
		d.spilled = nil
	}
}

// studyHead is what a Study element holds of a study as the readers take it (see
// builder.studyElements): the text of its StudyName and ProtocolName, and the study it
// includes the metadata of (an OpenClinica site study's parent), "" for none.
type studyHead struct {
	name, protocol, parent string
}

// studyHeadOf reads the studyHead of the Study element e of OID oid.
func studyHeadOf(e *odm.Element, oid string) studyHead {
	var h studyHead
	ns := e.Name.Space
	for _, gv := range e.Elements(ns, "GlobalVariables") {
		for _, n := range gv.Elements(ns, "StudyName") {
			h.name = n.Text()
		}
		for _, n := range gv.Elements(ns, "ProtocolName") {
			h.protocol = n.Text()
		}
	}
	h.parent = siteStudyParent(e, ns, oid, "")
	return h
}

func newDocIndex() *docIndex {
	return &docIndex{seed: maphash.MakeSeed(), studyIDs: map[string]uint32{}}
}

// studyHeads returns the studyHead of each Study element of els, by OID (never nil).
func studyHeads(els []*odm.Element) map[string]studyHead {
	m := make(map[string]studyHead, len(els))
	for _, e := range els {
		oid, _ := e.Attr("", "OID")
		oid = strings.TrimSpace(oid)
		m[oid] = studyHeadOf(e, oid)
	}
	return m
}

func (d *docIndex) hash(kind byte, key string) uint64 {
	var h maphash.Hash
	h.SetSeed(d.seed)
	h.WriteByte(kind)
	h.WriteString(key)
	return h.Sum64()
}

// has reports whether a block of study (anyStudy: any block) has the value.
func (d *docIndex) has(kind byte, study, key string) bool {
	if kind == docUser && d.foldUsers {
		key = LoginKey(key)
	}
	h := d.hash(kind, key)
	if kind == docUser && d.foldUsers {
		if d.users == nil {
			return false // the document has no users (or tableBits took them)
		}
		d = d.users
	}
	i, ok := slices.BinarySearch(d.keys, h)
	if !ok || study == anyStudy {
		return ok
	}
	id, ok := d.studyIDs[study]
	if !ok {
		return false
	}
	if d.ids == nil {
		return id == 0
	}
	for ; i < len(d.keys) && d.keys[i] == h; i++ {
		if d.ids[i] == id {
			return true
		}
	}
	return false
}

// startBlock notes the study of the block whose values add adds next.
func (d *docIndex) startBlock(study string) {
	if study == d.block && len(d.studyIDs) > 0 {
		return
	}
	d.block = study
	id, ok := d.studyIDs[study]
	if !ok {
		id = uint32(len(d.studyIDs))
		d.studyIDs[study] = id
	}
	d.cur = id
}

// add notes a value of the current block (startBlock; of study "" before the first).
// The first study met is id 0, so a document of one study needs no ids.
func (d *docIndex) add(kind byte, key string) {
	if len(d.studyIDs) == 0 {
		d.startBlock("")
	}
	h := d.hash(kind, key)
	if kind == docUser && d.foldUsers {
		if d.spilled != nil {
			d.spilled.add(h, d.cur)
			return
		}
		// Apart (see users), of the same studies.
		if d.users == nil {
			d.users = &docIndex{seed: d.seed, studyIDs: d.studyIDs, block: d.block}
		}
		d.users.cur = d.cur
		d = d.users
	}
	d.keys = append(d.keys, h)
	if d.ids == nil && d.cur != 0 {
		// A second study: the ones before were all the first's.
		d.ids = make([]uint32, len(d.keys)-1, cap(d.keys))
	}
	if d.ids != nil {
		d.ids = append(d.ids, d.cur)
	}
}

// tableHas is what the document has of each of a table's users (docIndex.tableBits), in
// place of the document's users' keys: a bit a user where every user record is in a
// block of one study, else the studies of the blocks that have each user, 2 bytes a
// user (an OpenClinica export of a million users lists them in some 5,000 site studies'
// blocks: their keys and studies were 12 MB, held through the patch).
type tableHas struct {
	// bits has bit i set when the document has table user i (in a block of the study of
	// id 0), where every user record is in a block of that study; nil otherwise.
	bits []uint64
	// first is, of table user i, 1 + the least id of the studies of the blocks that
	// have it, 0 for none; more are the others' ids, of the few users that have some,
	// in the order of their users (8 bytes a study: a map of each user's list took some
	// 60 bytes a user, 1.3 MB of the 18,000 users of 900,000 table rows that a million-
	// user OpenClinica export lists in two blocks, held through the patch).
	first []uint16
	more  []userStudy
}

// userStudy is one of the other studies of table user i (tableHas.more).
type userStudy struct {
	i  int32
	id uint16
}

// in reports whether the document has table user i in a block of the study of id (any
// block for id < 0).
func (t *tableHas) in(i int32, id int64) bool {
	if t.bits != nil {
		return t.bits[i/64]&(1<<(i%64)) != 0 && id <= 0
	}
	f := int64(t.first[i])
	if f == 0 || id < 0 || f-1 == id {
		return f != 0
	}
	j, _ := slices.BinarySearchFunc(t.more, i, func(e userStudy, i int32) int { return cmp.Compare(e.i, i) })
	for ; j < len(t.more) && t.more[j].i == i; j++ {
		if int64(t.more[j].id) == id {
			return true
		}
	}
	return false
}

// tableBits returns what the document has of each of the n users of a table whose
// LoginKeys keyOf gives (tableHas), and lets go of the document's users' keys (users):
// what has says of user i of the table is then what the result says of it (userHere).
// It returns nil, and keeps the keys, when keyOf has no key for a user, the document's
// blocks are of more studies than 2 bytes tell, or the users' other studies (more) would
// take more memory than the keys.
func (d *docIndex) tableBits(n int32, keyOf func(i int32) (string, bool)) *tableHas {
	if !d.foldUsers || d.users == nil {
		return nil
	}
	u := d.users
	t := &tableHas{}
	if u.ids == nil {
		t.bits = make([]uint64, (int(n)+63)/64)
	} else if len(d.studyIDs) >= 1<<16-1 {
		return nil
	} else {
		t.first = make([]uint16, n)
	}
	// What the keys and their studies take, less first: more may take the rest.
	room := 12*len(u.keys) - 2*int(n)
	for i := range n {
		k, ok := keyOf(i)
		if !ok {
			return nil
		}
		h := d.hash(docUser, k)
		j, ok := slices.BinarySearch(u.keys, h)
		switch {
		case !ok:
		case t.bits != nil:
			t.bits[i/64] |= 1 << (i % 64)
		default:
			// The keys are sorted by key then study: the first is the least.
			t.first[i] = uint16(u.ids[j]) + 1
			for j++; j < len(u.keys) && u.keys[j] == h; j++ {
				t.more = append(t.more, userStudy{i, uint16(u.ids[j])})
			}
			// Past the keys' size the keys are the smaller, and stay.
			if 8*len(t.more) > room {
				return nil
			}
		}
	}
	if cap(t.more) > len(t.more)+len(t.more)/8 {
		t.more = slices.Clone(t.more) // held through the patch: not append's spare room
	}
	d.users = nil
	return t
}

// see notes what the record n of the document has (users by login with byLogin, see
// patcher.tableUser): the one place that says which of a document's records a docIndex
// holds, for readDocIndex and for the read of the document's side of a patch
// (readBaseSide), which makes it as it reads the document, not in a read of its own.
func (d *docIndex) see(n odm.Node, byLogin bool) {
	switch v := n.(type) {
	case *odm.AdminData:
		d.startBlock(strings.TrimSpace(v.StudyOID))
	case *odm.User:
		key := strings.TrimSpace(v.OID)
		if byLogin {
			// A table's users are known by login, the ID their reader gives them (the
			// template writes the OID of a user without one as its User Name).
			// By its LoginKey, as the table's readers key their rows: JDoe's row is
			// the document's jdoe.
			if l := strings.TrimSpace(v.LoginName); l != "" {
				key = l
			}
			key = LoginKey(key)
			d.foldUsers = true
		} else if key == "" {
			key = "\x00" + strings.TrimSpace(v.LoginName)
		}
		d.add(docUser, key)
	case *odm.Location:
		d.add(docSite, strings.TrimSpace(v.OID))
	case *odm.Organization:
		d.add(docOrg, strings.TrimSpace(v.OID))
	case *odm.SignatureDef:
		d.add(docSig, strings.TrimSpace(v.OID))
	case *odm.Element:
		if isGroupDef(v) {
			id, _ := v.Attr("", "OID")
			d.add(docGroup, strings.TrimSpace(id))
		}
	}
}

// seal sorts the keys (with their studies) and drops the ones repeated: the document is
// read.
func (d *docIndex) seal() {
	if d.users != nil {
		d.users.seal()
	}
	if d.ids == nil {
		slices.Sort(d.keys)
		d.keys = slices.Clip(slices.Compact(d.keys))
		return
	}
	sort.Sort(keyStudies{d})
	n := 0
	for i := range d.keys {
		if n > 0 && d.keys[i] == d.keys[n-1] && d.ids[i] == d.ids[n-1] {
			continue
		}
		d.keys[n], d.ids[n] = d.keys[i], d.ids[i]
		n++
	}
	d.keys, d.ids = slices.Clip(d.keys[:n]), slices.Clip(d.ids[:n])
}

// keyStudies sorts a docIndex's keys and ids together, by key then id.
type keyStudies struct{ d *docIndex }

func (k keyStudies) Len() int { return len(k.d.keys) }
func (k keyStudies) Less(i, j int) bool {
	a, b := k.d.keys, k.d.keys
	return a[i] < b[j] || a[i] == b[j] && k.d.ids[i] < k.d.ids[j]
}
func (k keyStudies) Swap(i, j int) {
	k.d.keys[i], k.d.keys[j] = k.d.keys[j], k.d.keys[i]
	k.d.ids[i], k.d.ids[j] = k.d.ids[j], k.d.ids[i]
}

// userKey is what patcher.record finds u by (patchUsers.find): its ID, or "\x00" and its
// login for a user without one.
func userKey(u *User) string {
	if u.ID != "" {
		return u.ID
	}
	return "\x00" + u.Login
}

// readDocIndex reads what the document in src has (its users by login with byLogin, see
// patcher.tableUser), and returns a reader of the same
// document to patch: src again, rewound, when it can seek (a file), or else a copy of it
// spooled to a temporary file as it was read, which done removes. With studies it also
// reads the OIDs of the document's Study elements (docIndex.studies), which the records'
// reader skips: from the rewound src or the spool, one more read of the document (up to
// its first AdminData as XML, the rest searched for a late Study, see StudyElements).
func readDocIndex(src io.Reader, ro odm.ReadOptions, studies, byLogin bool) (d *docIndex, again io.Reader, done func() error, err error) {
	done = func() error { return nil }
	var spool *os.File
	var spoolW *bufio.Writer
	in := src
	start, serr := int64(0), error(errors.ErrUnsupported)
	if s, ok := src.(io.Seeker); ok {
		start, serr = s.Seek(0, io.SeekCurrent)
	}
	if serr != nil {
		if spool, err = os.CreateTemp("", "odmadmin-patch-*.xml"); err != nil {
			return nil, nil, nil, err
		}
		done = func() error {
			err := spool.Close()
			if rerr := os.Remove(spool.Name()); err == nil {
				err = rerr
			}
			return err
		}
		spoolW = bufio.NewWriterSize(spool, 64<<10)
		in = io.TeeReader(src, spoolW)
	}
	fail := func(err error) (*docIndex, io.Reader, func() error, error) {
		done()
		return nil, nil, nil, err
	}
	// Nothing of a record is kept but hashes; the layout for writing back is not needed.
	ro.Reuse, ro.ValuesOnly = true, true
	r := odm.NewReader(in, ro)
	d = newDocIndex()
	for {
		n, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(err)
		}
		d.see(n, byLogin)
	}
	d.seal()
	if spool != nil {
		// What follows the document (the reader stops at its end) is patched as before.
		if _, err := io.Copy(spoolW, src); err != nil {
			return fail(err)
		}
		if err := spoolW.Flush(); err != nil {
			return fail(err)
		}
	}
	// rewind returns the document from its start again.
	rewind := func() (io.Reader, error) {
		if spool == nil {
			_, err := src.(io.Seeker).Seek(start, io.SeekStart)
			return src, err
		}
		if _, err := spool.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		return bufio.NewReaderSize(spool, 64<<10), nil
	}
	if studies {
		els, err := StudyElements(rewind, ro)
		if err != nil {
			return fail(err)
		}
		d.studies = studyHeads(els)
	}
	if again, err = rewind(); err != nil {
		return fail(err)
	}
	return d, again, done, nil
}

// siteKey is what the document has site id under: its ID before a spec renamed it.
func (p *patcher) siteKey(id string) string {
	if from, ok := p.renamedFrom[id]; ok {
		return from
	}
	return id
}

// here reports whether a block of the current block's study has the value of kind and
// key (whose Source is src): the document's records of it are patched, it is not added.
func (p *patcher) here(kind byte, key string, src *Source) bool {
	return p.hereIn(kind, p.study, key, src)
}

// docHas is p.doc.has, but for a table's user (of key, userKey) once the document's
// users' keys are let go of (tableBits): what userHad says of user i, found as the one
// at hand (atUser) or by its ID.
func (p *patcher) docHas(kind byte, study, key string) bool {
	if kind != docUser || p.userHad == nil {
		return p.doc.has(kind, study, key)
	}
	i := p.cur
	if key != p.curKey || i < 0 {
		s := p.users.(*spilledUsers) // userHad is made for these only
		var ok bool
		if i, ok = s.lookupID(key); !ok {
			return false
		}
	}
	if study == anyStudy {
		return p.userHad.in(i, -1)
	}
	id, ok := p.doc.studyIDs[study]
	return ok && p.userHad.in(i, int64(id))
}

// atUser notes the directory's user the next questions are about (docHas).
func (p *patcher) atUser(i int32, u *User) { p.cur, p.curKey = i, userKey(u) }

// hereIn is here for a block of study.
func (p *patcher) hereIn(kind byte, study, key string, src *Source) bool {
	if p.doc != nil {
		return p.docHas(kind, study, key)
	}
	return src != nil && src.Vendor == p.w.p && slices.Contains(src.Studies, study)
}

// userHas returns what hereIn says of u's User records, by study, for u's assignments
// each: the studies of a Source are then a set (a person of an OpenClinica export is in
// thousands of site studies, each looked up).
func (p *patcher) userHas(u *User) func(study string) bool {
	key, src := userKey(u), u.Source
	switch {
	case p.doc != nil:
		return func(study string) bool { return p.docHas(docUser, study, key) }
	case src == nil || src.Vendor != p.w.p:
		return func(string) bool { return false }
	case len(src.Studies) <= 8:
		return func(study string) bool { return slices.Contains(src.Studies, study) }
	}
	set := make(map[string]bool, len(src.Studies))
	for _, st := range src.Studies {
		set[st] = true
	}
	return func(study string) bool { return set[study] }
}

// inSomeBlock reports whether some block of the document has the value: it belongs there
// (or was removed with it).
func (p *patcher) inSomeBlock(kind byte, key string, src *Source) bool {
	if p.doc != nil {
		return p.docHas(kind, anyStudy, key)
	}
	return src != nil && src.Vendor == p.w.p && len(src.Studies) > 0
}

// inBlockSeen reports whether a block written so far has the value (unplaced: a value
// not written though such a block was is one the directory removed from it).
func (p *patcher) inBlockSeen(kind byte, key string, src *Source) bool {
	if p.doc != nil {
		return p.docHas(kind, anyStudy, key)
	}
	return p.fromAnyBlock(src)
}
