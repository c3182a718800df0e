package mapping

import (
	"errors"
	"hash/maphash"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/odmadmin/odmadmin/odm"
)

// FromDocument reads doc into a Directory with profile opts.Profile (Detect when empty).
// The warnings say what was normalized or could not be understood; nothing is dropped.
func FromDocument(doc *odm.Document, opts Options) (*Directory, []Warning, error) {
	if doc == nil || doc.Root == nil {
		return nil, nil, errors.New("mapping: no document")
	}
	p := opts.Profile
	if p == "" {
		p = Detect(doc)
	}
	if err := odmProfile(p, true); err != nil {
		return nil, nil, err
	}
	b := newBuilder(p, doc.Version, doc.Root)
	b.keep = true
	b.dir.Source.doc = doc
	b.studyElements(doc.Root)
	for _, ad := range doc.AdminData() {
		b.startBlock(ad)
		for _, u := range ad.Users {
			b.user(u)
		}
		for _, o := range ad.Organizations {
			b.organization(o)
		}
		for _, l := range ad.Locations {
			b.location(l)
		}
		for _, s := range ad.SignatureDefs {
			b.signature(s)
		}
		for _, n := range ad.Nodes {
			if e, ok := n.(*odm.Element); ok {
				b.blockElement(e)
			}
		}
	}
	b.finish()
	return b.dir, b.w.result(), nil
}

// FromReader reads a stream into a Directory, holding one record of the input at a time
// besides the directory itself, for files too large to decode whole. The profile is
// opts.Profile or, when empty, DetectHeader. The stream skips everything outside
// AdminData, so OpenClinica site studies (Study elements) are not seen: each site study's
// users are then assigned at study level of that site study. The decoded records are not
// kept, so writing the directory back to the same vendor works from Source, as after a
// JSON round trip: every value comes back, the source layout does not.
func FromReader(r *odm.Reader, opts Options) (*Directory, []Warning, error) {
	b, err := readStream(r, opts, false)
	if err != nil {
		return nil, nil, err
	}
	b.finish()
	return b.dir, b.w.result(), nil
}

// readStream reads the stream into a builder, users as compact records: with spill, in
// a temporary file (the caller closes the builder), for callers that build each user
// once, in order (finishEach).
func readStream(r *odm.Reader, opts Options, spill bool) (b *builder, err error) {
	return readStreamWith(r, opts, spill, nil, false, false, valuesOpts{}, nil)
}

// readPatched is readStream (spilling) for PatchStream, which writes each record back
// from the document it reads again, never from a record read here: the signature
// definitions, organizations and groups keep no decoded record, nor the blocks their
// vendor elements (see builder.noRecs). As many as the users in some exports, with their
// records they were most of what map --to odm held.
func readPatched(r *odm.Reader, opts Options) (b *builder, err error) {
	return readStreamWith(r, opts, true, nil, false, true, valuesOpts{}, nil)
}

// readPatchedSeeing is readPatched that also hands see every record read, before the
// builder takes it: for a reader of the same document that would otherwise read it once
// more (docIndex.see).
func readPatchedSeeing(r *odm.Reader, opts Options, see func(odm.Node)) (b *builder, err error) {
	return readStreamWith(r, opts, true, nil, false, true, valuesOpts{}, see)
}

// readValues is readStream (spilling) for the writers that write what they read as JSON
// or a table, never back into ODM (WriteJSON, the Clinical One template): the signature
// definitions, organizations and groups keep no decoded record (Source.recs), which, as
// many as the users in some exports, were most of what they held (see builder.values).
// vo says what else the builder does not hold as model values (see valuesOpts).
func readValues(r *odm.Reader, opts Options, vo valuesOpts) (b *builder, err error) {
	var pack *sitePacker
	if vo.spillSites {
		pack = newSpillingSitePacker()
	}
	b, err = readStreamWith(r, opts, true, pack, true, true, vo, nil)
	return b, err
}

// valuesOpts are what readValues's writer lets the builder keep out of memory, values
// that are as many as the users in some exports:
//   - spillSites: the sites go into the temporary file as they are read
//     (newSpillingSitePacker), for a writer that writes them in order, once (WriteJSON),
//     instead of being held as model values (some 500 bytes each);
//   - spillDefs: so do the organizations' and signatures' JSON (builder.orgJSON and
//     sigJSON), for WriteJSON;
//   - dropDefs: the organizations and signatures are not kept at all, for a writer that
//     writes neither (the Clinical One template).
type valuesOpts struct{ spillSites, spillDefs, dropDefs bool }

// readStreamSites is readStream; with pack the builder holds the sites packed into it as
// they are read (builder.sitePack), not as model values.
func readStreamSites(r *odm.Reader, opts Options, spill bool, pack *sitePacker) (b *builder, err error) {
	return readStreamWith(r, opts, spill, pack, false, false, valuesOpts{}, nil)
}

// readStreamWith is readStreamSites; values and noRecs set builder.values and noRecs, vo
// (with spill) what readValues says; see, when set, is handed each record first.
func readStreamWith(r *odm.Reader, opts Options, spill bool, pack *sitePacker, values, noRecs bool, vo valuesOpts, see func(odm.Node)) (b *builder, err error) {
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
	b = newBuilder(p, h.Version, h.Root)
	b.sitePack = pack
	b.values, b.noRecs = values, noRecs || values
	b.studyList(h.Root, opts.Studies)
	if spill {
		if b.spill, err = newSpill(); err != nil {
			return nil, err
		}
		if pack != nil && pack.spills && pack.sp == nil {
			pack.sp = b.spill // unless the packer has a file of its own (readBaseSide)
		}
		if vo.spillDefs {
			b.orgJSON, b.sigJSON = &spilledJSON{sp: b.spill}, &spilledJSON{sp: b.spill}
		}
		b.dropDefs = vo.dropDefs
		defer func() {
			if err != nil {
				b.close()
				b = nil
			}
		}()
		defer catchSpill(&err)
	}
	for {
		n, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if see != nil {
			see(n)
		}
		switch n := n.(type) {
		case *odm.AdminData:
			b.startBlock(n)
		case *odm.User:
			b.user(n)
		case *odm.Organization:
			b.organization(n)
			if !b.noRecs {
				r.Keep() // Source.recs holds it, for writing the same vendor back
			}
		case *odm.Location:
			if b.location(n) {
				r.Keep()
			}
		case *odm.SignatureDef:
			b.signature(n)
			if !b.noRecs {
				r.Keep()
			}
		case *odm.Element:
			b.blockElement(n)
			if b.block >= 0 && !b.noRecs {
				// The stream's AdminData header has no children; keep the vendor element
				// on it so that writing back the same vendor finds it.
				ad := b.dir.Source.Blocks[b.block].ad
				ad.Nodes = append(ad.Nodes, n)
			}
		}
	}
	if b.spill != nil && b.spill.err != nil {
		return nil, b.spill.err
	}
	return b, nil
}

// close removes a spilling builder's temporary file, returning the first I/O error met.
func (b *builder) close() error {
	if b == nil || b.spill == nil {
		return nil
	}
	err := b.spill.close()
	b.spill = nil
	return err
}

// pending is what one AdminData block said about one user's access, resolved into
// assignments once the whole file (its groups, sites and studies) has been read.
type pending struct {
	u      *User
	block  int
	sites  []string
	role   string
	groups []GroupRef // this record's group references by ID
}

// firstAccess is the access a user's first record gave; the record keeps it until the
// user is built (see record.go), so that nothing grows per user while reading but the
// compact records.
type firstAccess struct {
	block  int
	sites  []string
	role   string
	groups []GroupRef
}

type groupKey struct{ study, id string }

// slab hands out small slices (and single values) carved from large blocks, so that a
// directory of 200,000 users is a few thousand heap objects rather than millions and
// costs a few thousand allocations. Each slice's capacity is its length, so appending to
// one copies instead of overwriting its neighbour. Blocks start small and double up to
// slabMax values, so that a small file does not pay for large blocks.
type slab[T any] struct{ buf []T }

const slabMax = 512

func (s *slab[T]) take(n int) []T {
	if n == 0 {
		return nil
	}
	if cap(s.buf)-len(s.buf) < n {
		s.buf = make([]T, 0, max(min(slabMax, 2*cap(s.buf)), 8, n))
	}
	i := len(s.buf)
	s.buf = s.buf[:i+n]
	return s.buf[i : i+n : i+n]
}

func (s *slab[T]) one() *T { return &s.take(1)[0] }

// reuse empties s for values that replace the ones taken so far (which nothing holds any
// more): its array is cleared and taken again.
func (s *slab[T]) reuse() {
	clear(s.buf)
	s.buf = s.buf[:0]
}

// slabs are the builder's allocators. All but pend are kept by the directory; pend holds
// what only finish needs (the sites of the users' access).
type slabs struct {
	users   slab[User]
	sources slab[Source]
	attrs   slab[Attr]
	groups  slab[GroupRef]
	assigns slab[Assignment]
	addrs   slab[Address]
	strs    slab[string]
	pend    slab[string]
}

func (m *slabs) reuse() {
	m.users.reuse()
	m.sources.reuse()
	m.attrs.reuse()
	m.groups.reuse()
	m.assigns.reuse()
	m.addrs.reuse()
	m.strs.reuse()
	m.pend.reuse()
}

type roleKey3 struct {
	name  string
	scope Scope
}

// memo entries remember the last look-ups of finish, which a large file makes with a
// handful of distinct keys (a linear scan of a few entries beats hashing the key).
type groupMemo struct {
	study, id string
	g         *Group
}

type roleMemo struct {
	name  string
	scope Scope
	r     Role
}

const memoSize = 8

type builder struct {
	// values: the directory is written as JSON or a table, never back into ODM
	// (readValues), so signature definitions, organizations and groups keep no decoded
	// record and copy the strings they take from it (a Reader with ReadOptions.Reuse
	// reads the next record into the same memory), and the blocks keep no vendor element.
	values bool
	// noRecs: signature definitions, organizations and groups keep no decoded record
	// (Source.recs), nor the blocks their vendor elements: the directory is never written
	// back into ODM from them (values, or PatchStream, which writes back what it reads
	// again). Set with values.
	noRecs bool
	// orgJSON and sigJSON, when set, hold the organizations' and signatures' JSON in
	// place of dir.Organizations and Signatures; with dropDefs neither is kept
	// (valuesOpts).
	orgJSON, sigJSON *spilledJSON
	dropDefs         bool
	// droppedOrgs and droppedSigs count what dropDefs left out, for the writer's
	// warnings (tableLeftOut).
	droppedOrgs, droppedSigs int

	// prepared: finishPrepare has run; preparedOnly is what it returned.
	prepared     bool
	preparedOnly string

	p       Profile
	fl      flavour // p's vendor half
	version odm.Version
	dir     *Directory
	w       warner
	// siteSeen holds the sites of a user that lists many (userSites).
	siteSeen map[string]struct{}
	// scans counts the comparisons made to find a user's site or assignment among those
	// before it (TestUserListsLinear), and the access values a merge of a person's
	// records encodes and decodes (TestMergeChainLinear).
	scans int
	// mergeVals counts the values of a person's growing lists (e-mails, phones, faxes,
	// certificates) that merges of its records decode, encode or look up
	// (TestMergeHeldLinear).
	mergeVals int
	// assigned finds an assignment in the list of the user being resolved.
	assigned assignIndex
	// blockSites holds hashes of the Location IDs block blockSitesOf lists (listedInBlock).
	blockSites   map[uint64]bool
	blockSitesOf int
	blockSeed    maphash.Seed
	// keep keeps the decoded records in Source for a layout-preserving write-back.
	keep bool

	block int
	study string // current block's StudyOID
	pos   int

	// byOID and byLogin find users (by index, see infos) to merge records into; byLogin
	// once a second block starts (loginsIndexed).
	byOID         *idIndex
	byLogin       *idIndex
	loginsIndexed bool
	// While the OIDs of the first block come in increasing order (as a large export's
	// often do), none can be one read before, so they are not looked up: oidFPs keeps
	// their fingerprints in user order (4 bytes a user, written in order) instead of
	// byOID (a look-up and an insert at a random place of a table of some 12 bytes a user,
	// each a cache miss at a million users: 3% of map --to json). The first OID out of
	// order, or a second block, puts them in byOID (oidsUnordered), and all goes on as
	// before. lastOID is the last OID read while they are in order.
	oidsUnordered bool
	oidFPs        []uint32
	lastOID       string
	sites         map[string]*Site
	// sitePack, when set, holds the sites instead of sites and dir.Sites (see
	// sitepack.go): readStreamSites.
	sitePack *sitePacker
	// siteStudy is what resolve needs of the sites once they are all read (siteStudies):
	// the study of each one's latest version, by ID, so that a streamed writer can let go
	// of the sites once it has written them.
	siteStudy *siteStudies
	studies   map[string]*Study
	groups    map[groupKey]*Group // by block study and ID, and (study "\x00") by ID alone
	pend      []pending
	// studies1 is the current block's []string{study}, shared by the values read there
	// (capacity 1, so appending to it copies); studiesOf holds it for every block.
	studies1  []string
	studiesOf [][]string
	// roles caches RoleFor, which a large file calls with a handful of names.
	roles map[roleKey3]Role
	// names are the decoder's strings of names a flavour compares with constants for
	// each user (see sameName).
	names seenNames
	mem   slabs
	// reuseUsers says that finishEach's caller keeps nothing of a user (no pointer into
	// it; its strings it may keep) once each returns: the next user is built in the same
	// memory. Building a million users in new memory made the garbage that ran a
	// collection every few thousand users while map --to json wrote them.
	reuseUsers bool
	// jsonOut, when set, has finishEach write the users read from their records (not
	// merged, not built early) straight from the records as JSON (recordTrace) instead
	// of handing them to its each as Users; jrec is recordTrace's memory.
	jsonOut *jsonUsers
	jrec    *jsonRecord

	// The users read so far, as compact records (see record.go): infos[i/infoChunk]
	// [i%infoChunk] and chunkFirst say where user i's record is in the arena (the full
	// chunks arena, the current one arenaCur; see info), builtUsers holds the users built early to merge a later
	// record into (builtIdx: by user), keepUsers the decoded records (keep).
	infos      [][]uint16 // the offsets of the records (see userInfo)
	chunkFirst []int32    // the first user of each arena chunk
	nusers     int32
	arena      []string
	arenaCur   []byte
	builtUsers []builtUser
	builtIdx   map[int32]int32
	// merged, mergedMem and mergeBuf hold the persons read in several blocks, encoded
	// (see blockmerge.go; FromDocument builds them instead: builtUsers).
	merged    map[int32]mergedRef
	mergedMem []string
	mergeBuf  []byte
	// held is the person merged last, as values: the records of one person often come one
	// after another, and encoding it again for each made a person of n records n²/2 values
	// (each e-mail of each record). It is encoded when another person is merged, and at
	// finish.
	held *heldMerge
	// mergeAt is where the record being merged (mergeRecord) stands: its conflicts are
	// placed there.
	mergeAt   at
	keepUsers []*odm.User
	rec       rec
	// text is the current text block, blocks the earlier ones; spareText is the memory of
	// the block before text, and recStart the block the user record being written
	// began in (newText).
	text      []byte
	spareText []byte
	recStart  int
	blocks    []string
	// spill, when set, holds the full arena chunks and text blocks instead of memory
	// (arena and blocks hold "" for them): they are chunk arenaAt[c] and blockAt[i] of
	// the spill file.
	spill   *spill
	arenaAt []int32
	blockAt []int32
	// The record lookup read last, and the text window openText read last for such a
	// record, in memory of their own (the strings are never changed).
	looked struct {
		i int32
		p string
	}
	lookedText struct {
		textWindow
		text string
	}
	// refs are the strings records share by index: words (namespaces, attribute names,
	// user types, group IDs; words indexes them, wordText holds their copies) and values
	// that repeat from record to record.
	refs     []string
	words    map[string]int32
	wordText strings.Builder
	// schemas are the distinct lists of extension attribute names of user records,
	// schemaIdx finds them by their names.
	schemas   []attrSchema
	schemaIdx map[string]int32

	// blocksAccess caches blockAccess, for finish.
	blocksAccess []blockAccessInfo

	gmemo  [memoSize]groupMemo
	gmemoN int
	rmemo  [memoSize]roleMemo
	rmemoN int
}

func newBuilder(p Profile, v odm.Version, root *odm.Element) *builder {
	b := &builder{
		p: p, fl: p.flavour(), version: v, block: -1,
		dir:     &Directory{Source: &FileSource{Vendor: p, Version: v}},
		byOID:   newIDIndex(),
		byLogin: newIDIndex(),
		sites:   map[string]*Site{},
		studies: map[string]*Study{},
		groups:  map[groupKey]*Group{},
		roles:   map[roleKey3]Role{},
	}
	b.rec.prevSchema = -1
	if root != nil {
		// Known even when there are none (FileSource.Attrs).
		b.dir.Source.Attrs = extAttrs(root.Attrs, true)
		if b.dir.Source.Attrs == nil {
			b.dir.Source.Attrs = []Attr{}
		}
		b.dir.Source.Blocks = []Block{} // also known when the file has none (FileSource.Blocks)
	}
	return b
}

// vocabulary holds the names and values that recur in every record of a vendor's export
// (namespace URIs, vendor attribute names (flavour.words), user types, flags): the builder
// shares these constants rather than copies (see builder.stable).
var vocabulary = func() map[string]string {
	m := map[string]string{}
	for _, x := range vendors() {
		for _, s := range x.f.words() {
			m[s] = s
		}
	}
	for _, s := range []string{
		odm.NS13, odm.NS12, odm.NS20, odm.NSXML, odm.NSXSI, odm.NSDS,
		string(odm.UserSponsor), string(odm.UserInvestigator), string(odm.UserLab), string(odm.UserOther),
		string(odm.UserSubject), string(odm.UserMonitor), string(odm.UserDataAnalyst),
		string(odm.UserCareProvider), string(odm.UserAssessor),
		string(odm.TelecomEmail), string(odm.TelecomPager), string(odm.TelecomPhone), string(odm.TelecomFax),
		string(odm.TelecomSMS), string(odm.TelecomURL), string(odm.TelecomOther),
		"Yes", "No", "yes", "no", "true", "false", "Y", "N", "0", "1",
		string(CategorySystem), string(CategorySite), string(CategorySponsor), string(CategorySupport),
		string(CategoryIntegration), string(CategoryParticipant),
	} {
		m[s] = s
	}
	return m
}()

// isBlank reports whether s is empty or white space (strings.TrimSpace(s) == "").
func isBlank(s string) bool {
	if s != "" && s[0] > ' ' && s[0] < utf8.RuneSelf {
		return false
	}
	return isBlankSlow(s)
}

func isBlankSlow(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf {
			return strings.TrimSpace(s[i:]) == ""
		} else if c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f' {
			return false
		}
	}
	return true
}

// trimSpace is strings.TrimSpace without a call for the usual value that has nothing to trim.
func trimSpace(s string) string {
	if s == "" || (s[0] > ' ' && s[0] < utf8.RuneSelf && s[len(s)-1] > ' ' && s[len(s)-1] < utf8.RuneSelf) {
		return s
	}
	return strings.TrimSpace(s)
}

// extAttrs converts attributes to model Attrs, leaving out namespace declarations; with
// all, unprefixed attributes (the root's FileOID and so on) are kept too.
func extAttrs(attrs []odm.Attr, all bool) []Attr {
	n := 0
	for _, a := range attrs {
		if !a.IsNamespaceDecl() && (all || a.Space != "") {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]Attr, 0, n)
	for _, a := range attrs {
		if !a.IsNamespaceDecl() && (all || a.Space != "") {
			out = append(out, Attr{Space: a.Space, Name: a.Local, Value: a.Value})
		}
	}
	return out
}

func (b *builder) addStudy(id string) *Study {
	if s, ok := b.studies[id]; ok || id == "" {
		return s
	}
	s := &Study{ID: id, Environment: envFromStudyOID(id)}
	b.studies[id] = s
	b.dir.Studies = append(b.dir.Studies, s)
	return s
}

// studyElements reads the Study elements of a whole document: their names, and what the
// flavour reads from them (OpenClinica: the parent of a site study).
func (b *builder) studyElements(root *odm.Element) {
	ns := root.Space
	for _, c := range root.Children {
		e, ok := c.(*odm.Element)
		if !ok || !e.Is(ns, "Study") {
			continue
		}
		oid, _ := e.Attr("", "OID")
		oid = strings.TrimSpace(oid)
		if oid == "" {
			continue
		}
		s := b.addStudy(oid)
		for _, gv := range e.Elements(ns, "GlobalVariables") {
			for _, n := range gv.Elements(ns, "StudyName") {
				s.Name = n.Text()
			}
			for _, n := range gv.Elements(ns, "ProtocolName") {
				s.Protocol = n.Text()
			}
		}
		b.fl.readStudy(s, e, ns)
	}
}

func (b *builder) startBlock(ad *odm.AdminData) {
	b.block = len(b.dir.Source.Blocks)
	b.study = strings.TrimSpace(ad.StudyOID)
	b.pos = 0
	b.studies1 = []string{b.study}
	b.studiesOf = append(b.studiesOf, b.studies1)
	b.addStudy(b.study)
	blk := Block{Study: b.study, Attrs: extAttrs(ad.Attrs, false)}
	if !b.values {
		// For writing the block back: its layout, and its vendor elements (read loop).
		blk.ad = ad
	}
	b.dir.Source.Blocks = append(b.dir.Source.Blocks, blk)
}

// ensureBlock starts an implicit block for records that arrive without an AdminData (a
// Reader used after its first records were consumed).
func (b *builder) ensureBlock() {
	if b.block < 0 {
		b.startBlock(&odm.AdminData{})
	}
}

func nonEmpty(in []string) []string {
	n := 0
	for _, s := range in {
		if strings.TrimSpace(s) != "" {
			n++
		}
	}
	if n == len(in) {
		// A copy all the same: the slice may be a record's that odm.ReadOptions.Reuse
		// recycles, and the result is kept.
		return slices.Clone(in)
	}
	out := make([]string, 0, n)
	for _, s := range in {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func yes(s string) (val, ok bool) {
	s = trimSpace(s)
	// The words are short and ASCII: fold them in a buffer rather than allocate a lower-
	// case copy (strings.ToLower) for every user's pf:Active.
	var buf [5]byte
	if len(s) > len(buf) {
		return false, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return yesSlow(s)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	switch string(buf[:len(s)]) {
	case "yes", "true", "1", "y":
		return true, true
	case "no", "false", "0", "n":
		return false, true
	}
	return false, false
}

func yesSlow(s string) (val, ok bool) {
	switch strings.ToLower(s) {
	case "yes", "true", "1", "y":
		return true, true
	case "no", "false", "0", "n":
		return false, true
	}
	return false, false
}

func addresses(in []*odm.Address) []Address {
	var out []Address
	for _, a := range in {
		m := Address{StreetNames: nonEmpty(a.StreetNames), HouseNumber: a.HouseNumber, City: a.City,
			StateProv: a.StateProv, Country: a.Country, PostalCode: a.PostalCode, OtherText: a.OtherText}
		if g := a.GeoPosition; g != nil {
			m.Longitude, m.Latitude, m.Altitude = g.Longitude, g.Latitude, g.Altitude
		}
		if m.isZero() {
			continue // <Address/> as Rave writes it says nothing
		}
		out = append(out, m)
	}
	return out
}

func (a Address) isZero() bool {
	return len(a.StreetNames) == 0 && a.HouseNumber == "" && a.City == "" && a.StateProv == "" &&
		a.Country == "" && a.PostalCode == "" && a.OtherText == "" && a.Longitude == "" && a.Latitude == "" && a.Altitude == ""
}

// categoryFromType guesses the account category from the ODM UserType when the vendor
// says nothing better: investigators and care providers work at sites, the sponsor's
// monitors and analysts for the sponsor, subjects are participants.
func categoryFromType(t odm.UserType) Category {
	switch t {
	case odm.UserInvestigator, odm.UserCareProvider:
		return CategorySite
	case odm.UserSponsor, odm.UserMonitor, odm.UserDataAnalyst:
		return CategorySponsor
	case odm.UserSubject:
		return CategoryParticipant
	}
	return ""
}

var categories = [...]Category{CategorySystem, CategorySite, CategorySponsor, CategorySupport, CategoryIntegration, CategoryParticipant}

func parseCategory(s string) (Category, bool) {
	s = trimSpace(s)
	for _, c := range categories {
		if string(c) == s {
			return c, true
		}
	}
	for _, c := range categories {
		if strings.EqualFold(s, string(c)) {
			return c, true
		}
	}
	return "", false
}

func btoi(v bool) int {
	if v {
		return 1
	}
	return 0
}

// findUser finds the person a record is about: same OID, else same login listed in
// another AdminData block (two records in one block are two users, as ODM requires
// unique OIDs there).
func (b *builder) findUser(id, login string) (int32, bool) {
	// An absent OID names nobody: two Users without one are two people (unless their
	// logins make them one), where they were merged into one without a word.
	if id != "" {
		if b.oidInOrder(id) {
			return 0, false
		}
		if i, ok := b.byOID.find(id, func(i int32) bool { return b.userID(i) == id }); ok {
			return i, true
		}
	}
	if login == "" || b.block == 0 {
		// While the first block is read, a login can only name a user of the same
		// block, another person: byLogin is not needed until a second block starts.
		return 0, false
	}
	if !b.loginsIndexed {
		b.indexLogins()
	}
	// Logins are compared by LoginKey, as Merge compares them across files: JDoe in one
	// block and jdoe in another are one person (merge reports the other spelling).
	key := LoginKey(login)
	i, ok := b.byLogin.find(key, func(i int32) bool { return LoginKey(b.login(i)) == key })
	if !ok {
		i, ok = b.byOID.find(key, func(i int32) bool { id, l := b.keys(i); return id == key && LoginKey(l) == key })
	}
	if ok && b.userBlock(i) != int32(b.block) {
		return i, true
	}
	return 0, false
}

// oidInOrder reports whether id, the OID of a record of the first block, comes after
// every OID read so far (so that it is new), while they have all come in order; the
// first time it does not, it puts the OIDs read so far in byOID.
func (b *builder) oidInOrder(id string) bool {
	if b.oidsUnordered {
		return false
	}
	if b.block == 0 && (b.nusers == 0 || id > b.lastOID) {
		b.lastOID = id
		return true
	}
	b.oidsUnordered = true
	for i, fp := range b.oidFPs {
		b.byOID.addFingerprint(fp, int32(i))
	}
	b.oidFPs, b.lastOID = nil, ""
	return false
}

// addOID records user i's OID: in byOID, or while the OIDs come in order, in oidFPs.
func (b *builder) addOID(id string, i int32) {
	if b.oidsUnordered {
		b.byOID.add(id, i)
		return
	}
	b.oidFPs = append(b.oidFPs, b.byOID.fingerprint(id))
}

// indexLogins adds the users of the first block to byLogin, as each would have been when
// read: the login of its first record.
func (b *builder) indexLogins() {
	b.loginsIndexed = true
	for i := int32(0); i < b.nusers; i++ {
		// The first record's login, even of a user built since (a merge may have filled it).
		id, login := b.recordKeys(b.record(i))
		if login != "" && LoginKey(login) != id {
			b.addLogin(login, i)
		}
	}
}

// addLogin adds user i's login, by its LoginKey, to byLogin unless an earlier user has
// it. A login whose key is its user's OID is not added: findUser finds it through byOID.
func (b *builder) addLogin(login string, i int32) {
	key := LoginKey(login)
	if _, ok := b.byLogin.find(key, func(j int32) bool { return LoginKey(b.login(j)) == key }); !ok {
		b.byLogin.add(key, i)
	}
}

// The messages of a person found by login under a second OID (CodeMergeConflict, field
// User/OID, the subject naming both OIDs): the second is kept as its listing's (a Variant
// "id" of its study, written into its block as the record's OID), unless the person is
// listed in that study already (under either OID), which a variant cannot tell apart.
const (
	mergedOIDKept = "one login under two OIDs, merged into one user by login; the first OID is kept, and the other as its block's (source.variants, written back as the record's OID)"
	mergedOIDLost = "one login under two OIDs in blocks of the same study, merged into one user by login; the first OID is kept and the other is not (ODM written from the directory has the study's records under the first; a patch of the file leaves the other's record out, reported as removed)"
	// mergedOIDRevoked follows a mergedOIDKept of the same two OIDs, which it takes back:
	// read alone, that earlier warning would say the second OID is kept.
	mergedOIDRevoked = "one login under two OIDs in blocks of the same study, merged into one user by login; the other OID, kept as its block's by an earlier warning, is not kept after all, as the study lists the first OID too (ODM written from the directory has the study's records under the first; a patch of the file leaves the other's record out, reported as removed)"
)

// merge folds a second record of one person into the first, read in a block of study
// first: empty fields are filled, lists are united, and disagreements are reported and
// resolved for the first. A record of another study (the current block's) that
// disagrees keeps its values as variants (Source.Variants).
func (b *builder) merge(dst, src *User, first string) {
	subject := userSubject(dst, "")
	ds, ss := dst.Source, src.Source
	listing := b.study != first && ds != nil
	if dst.ID != "" && src.ID != "" {
		// Found by login under another OID: the person is one user, and the record is
		// still the block's, which other content may refer to by that OID. A study's
		// listing has one OID: one the person is listed in already (under the first OID,
		// or the second) keeps the first, and its records are written under it.
		other, has := ds.variant(b.study, "", "id")
		switch {
		case dst.ID != src.ID && has && other == src.ID:
			// The second OID again in its study: kept and reported already.
		case dst.ID != src.ID && listing && !has && !slices.Contains(ds.Studies, b.study):
			ds.addVariant(Variant{Study: b.study, Name: "id", Value: src.ID})
			b.w.addAt(CodeMergeConflict, "User/OID", subject+" (also "+src.ID+")", mergedOIDKept, b.mergeAt)
		case dst.ID != src.ID:
			b.w.addAt(CodeMergeConflict, "User/OID", subject+" (also "+src.ID+")", mergedOIDLost, b.mergeAt)
		case has:
			// A record of the first OID in a study whose listing took the second.
			ds.dropVariant(b.study, "", "id")
			b.w.addAt(CodeMergeConflict, "User/OID", subject+" (also "+other+")", mergedOIDRevoked, b.mergeAt)
		}
	}
	mergeFields(dst, src, func(field, key, value string) {
		b.w.addAt(CodeMergeConflict, "User/"+field, subject, "a person listed in several AdminData blocks has different values; the first is kept", b.mergeAt)
		if listing {
			ds.addVariant(Variant{Study: b.study, Name: key, Value: value})
		}
	})
	if listing && len(ss.Attrs) > 0 {
		ds.attrVariants(b.study, ds.Attrs, ss.Attrs, userAttrMapped, false)
	}
	ds.Studies = append(ds.Studies, ss.Studies...)
	ds.recs = append(ds.recs, ss.recs...)
	for _, a := range ss.Attrs {
		if !containsAttr(ds.Attrs, a) {
			ds.Attrs = append(ds.Attrs, a)
		}
	}
	ds.Elements = union(ds.Elements, ss.Elements)
	for k, v := range ss.IDs {
		if ds.IDs == nil {
			ds.IDs = map[string]string{}
		}
		if _, ok := ds.IDs[k]; !ok {
			ds.IDs[k] = v
		}
	}
}

// union appends to a the strings of b it does not hold yet.
func union(a, b []string) []string { return appendDistinct(a, b) }

func containsAddress(list []Address, a Address) bool {
	for _, b := range list {
		if equalAddress(a, b) {
			return true
		}
	}
	return false
}

func equalAddress(a, b Address) bool {
	return equalStrings(a.StreetNames, b.StreetNames) && a.HouseNumber == b.HouseNumber && a.City == b.City &&
		a.StateProv == b.StateProv && a.Country == b.Country && a.PostalCode == b.PostalCode &&
		a.OtherText == b.OtherText && a.Longitude == b.Longitude && a.Latitude == b.Latitude && a.Altitude == b.Altitude
}

func equalStrings(a, b []string) bool {
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

func containsAttr(list []Attr, a Attr) bool {
	for _, b := range list {
		if b.Space == a.Space && b.Name == a.Name {
			return true
		}
	}
	return false
}

// location reads l into a site; it reports whether the builder holds on to l itself (a
// reader that recycles records must then leave it alone: odm.Reader.Keep).
func (b *builder) location(l *odm.Location) (kept bool) {
	b.ensureBlock()
	id := strings.TrimSpace(l.OID)
	rec := record{block: b.block, pos: b.pos, v: l}
	b.pos++
	if b.fl.autoLocation(id) {
		// InForm always emits this location for sponsor-side audit records; it is not a
		// site. It is kept with its block so that writing InForm back restores it.
		blk := &b.dir.Source.Blocks[b.block]
		blk.hidden = append(blk.hidden, rec)
		return true
	}
	for _, r := range l.MetaDataVersionRefs {
		b.addStudy(strings.TrimSpace(r.StudyOID))
	}
	s, ok := b.sites[id]
	packed := -1
	if !ok && b.sitePack != nil {
		if packed = b.sitePack.find(id); packed >= 0 {
			s, ok = b.sitePack.site(packed), true
		}
	}
	if ok {
		if packed >= 0 {
			defer b.sitePack.set(packed, s)
		}
		// A site listed in several blocks (a Location per study) is one site: its
		// versions are united, and a value the later listing has otherwise is reported,
		// not dropped without a word. Listed twice in one block (an OID ODM requires to be
		// unique there), the block is noted once, as a write gives it once.
		again := b.newSite(id, l, rec)
		b.siteConflicts(s, again, l)
		if !b.listedAgain(id, packed) {
			if !slices.Contains(s.Source.Studies, b.study) {
				siteVariants(s, again, b.study)
			}
			s.Source.Studies = append(s.Source.Studies, b.study)
		}
		if b.keep {
			s.Source.recs = append(s.Source.recs, rec)
		}
		s.Versions = appendDistinct(s.Versions, siteVersions(l))
		return b.keep
	}
	if id != l.OID {
		b.w.addAt(CodeNormalized, "Location/@OID", "Location "+id, "stray white space trimmed from the OID", atRecord(&l.Ext))
	}
	s = b.newSite(id, l, rec)
	if p := b.sitePack; p != nil && p.spills {
		b.addSite(s)
		b.listedAgain(id, p.len()-1)
	} else {
		b.listedInBlock(id)
		b.addSite(s)
	}
	return b.keep
}

// listedAgain is listedInBlock of site id, packed at index packed (-1: not packed). A
// packer that spills the sites notes the last block of each (4 bytes a site, where the
// hashes of a block that lists 1,000,000 Locations grew to some 40 MB).
func (b *builder) listedAgain(id string, packed int) bool {
	if p := b.sitePack; p != nil && p.spills && packed >= 0 {
		return p.listedIn(packed, b.block)
	}
	return b.listedInBlock(id)
}

// listedInBlock notes that the current block lists a Location of id and reports whether
// it listed one before. It keeps a hash of each ID of the current block only: an ID
// string kept would pin the memory of the record it was read with.
func (b *builder) listedInBlock(id string) bool {
	if b.blockSites == nil || b.blockSitesOf != b.block {
		if b.blockSites == nil {
			b.blockSites, b.blockSeed = map[uint64]bool{}, maphash.MakeSeed()
		}
		clear(b.blockSites)
		b.blockSitesOf = b.block
	}
	h := maphash.String(b.blockSeed, id)
	if b.blockSites[h] {
		return true
	}
	b.blockSites[h] = true
	return false
}

// newSite returns the site of Location l (of trimmed OID id, read as rec).
func (b *builder) newSite(id string, l *odm.Location, rec record) *Site {
	s := &Site{ID: id, Name: l.Name, Type: string(l.LocationType), Active: true, Organization: l.OrganizationOID,
		Versions: siteVersions(l), Addresses: addresses(l.Addresses)}
	if l.Role != "" {
		s.Type = l.Role
	}
	if d := l.Description; d != nil && len(d.TranslatedTexts) > 0 {
		s.Description = d.TranslatedTexts[0].Text
	}
	for _, t := range l.Telecoms {
		s.Telecoms = append(s.Telecoms, Telecom{Type: string(t.TelecomType), Value: t.Value})
	}
	for _, a := range s.Addresses {
		if a.Country != "" {
			s.Country = a.Country
			break
		}
	}
	src := &Source{Vendor: b.p, Studies: []string{b.study}, Attrs: extAttrs(l.Attrs, false)}
	if b.keep {
		src.recs = []record{rec}
	} else {
		src.line, src.col = l.Line, l.Col
	}
	b.fl.readLocation(b, s, l)
	for _, n := range l.Nodes {
		e, ok := n.(*odm.Element)
		if !ok || b.fl.modelElement(e) {
			continue
		}
		src.Elements = append(src.Elements, elementXML(e))
	}
	for _, q := range l.Queries {
		src.Elements = append(src.Elements, elementXML(q))
	}
	s.Source = src
	return s
}

// siteConflicts reports each value in which again, a later listing of site s (read from
// l), differs from s, whose values are kept.
func (b *builder) siteConflicts(s, again *Site, l *odm.Location) {
	at := atRecord(&l.Ext)
	diff := func(field string, same bool) {
		if !same {
			b.w.addAt(CodeMergeConflict, "Location/"+field, "Location "+s.ID, "a site listed again (in several AdminData blocks, or twice in one) has different values; the first is kept", at)
		}
	}
	diff("@Name", s.Name == again.Name)
	diff("@LocationType", s.Type == again.Type)
	diff("@OrganizationOID", s.Organization == again.Organization)
	diff("Description", s.Description == again.Description)
	diff("Address", slices.EqualFunc(s.Addresses, again.Addresses, func(x, y Address) bool { return reflect.DeepEqual(x, y) }))
	diff("Telecom", slices.Equal(s.Telecoms, again.Telecoms))
	diff("number", s.Number == again.Number)
	diff("country", s.Country == again.Country)
	diff("timeZone", s.TimeZone == again.TimeZone)
	diff("locale", s.Locale == again.Locale)
	diff("active", s.Active == again.Active)
	diff("study", s.Study == again.Study)
	diff("vendor attributes", slices.Equal(s.Source.Attrs, again.Source.Attrs))
	diff("vendor elements", slices.Equal(s.Source.Elements, again.Source.Elements))
}

// addSite adds s, a site of an ID not read before.
func (b *builder) addSite(s *Site) {
	if b.sitePack != nil {
		b.sitePack.add(s)
		return
	}
	b.sites[s.ID] = s
	b.dir.Sites = append(b.dir.Sites, s)
}

func siteVersions(l *odm.Location) []StudyVersion {
	var out []StudyVersion
	for _, r := range l.MetaDataVersionRefs {
		v := StudyVersion{Study: strings.TrimSpace(r.StudyOID), Version: r.MetaDataVersionOID, Effective: r.EffectiveDate}
		v.Number = studySiteNumber(r)
		out = append(out, v)
	}
	return out
}

// latest returns the version with the latest EffectiveDate (Rave's rule for the current
// study version), the last listed on a tie or an unreadable date.
func latest(vs []StudyVersion) *StudyVersion {
	var best *StudyVersion
	var bestKey string
	for i := range vs {
		key := vs[i].Effective
		if t, err := odm.ParseDate(key); err == nil {
			key = t.Format("2006-01-02")
		}
		if best == nil || key >= bestKey {
			best, bestKey = &vs[i], key
		}
	}
	return best
}

// CurrentVersion returns the study version site s uses for study now: the reference with
// the latest EffectiveDate. ok is false when s has none for study.
func (s *Site) CurrentVersion(study string) (v StudyVersion, ok bool) {
	var vs []StudyVersion
	for _, x := range s.Versions {
		if x.Study == study {
			vs = append(vs, x)
		}
	}
	if l := latest(vs); l != nil {
		return *l, true
	}
	return StudyVersion{}, false
}

func (b *builder) organization(o *odm.Organization) {
	b.ensureBlock()
	if b.dropDefs {
		b.droppedOrgs++
		b.pos++
		return
	}
	m := &Organization{ID: strings.TrimSpace(o.OID), Name: o.Name, Type: string(o.Type), Role: o.Role,
		Site: o.LocationOID, PartOf: o.PartOfOrganizationOID, Addresses: addresses(o.Addresses), Study: b.study}
	if d := o.Description; d != nil && len(d.TranslatedTexts) > 0 {
		m.Description = d.TranslatedTexts[0].Text
	}
	for _, t := range o.Telecoms {
		m.Telecoms = append(m.Telecoms, Telecom{Type: string(t.TelecomType), Value: t.Value})
	}
	m.Source = &Source{Vendor: b.p, Studies: []string{b.study}, Attrs: extAttrs(o.Attrs, false)}
	if b.orgJSON != nil {
		b.orgJSON.add(m) // (before the record is read into again: no copies needed)
		b.pos++
		return
	}
	if b.values {
		m.clone()
	}
	if !b.noRecs {
		m.Source.recs = []record{{block: b.block, pos: b.pos, v: o}}
	}
	b.pos++
	b.dir.Organizations = append(b.dir.Organizations, m)
}

// clone copies the strings of o, read from a record a Reader may read the next one into
// (builder.values), and the slices that hold them.
func (o *Organization) clone() {
	c := strings.Clone
	o.ID, o.Name, o.Type, o.Role, o.Site, o.PartOf, o.Description = c(o.ID), c(o.Name), c(o.Type), c(o.Role), c(o.Site), c(o.PartOf), c(o.Description)
	for i := range o.Addresses {
		a := &o.Addresses[i]
		if a.StreetNames != nil {
			sn := make([]string, len(a.StreetNames))
			for j, n := range a.StreetNames {
				sn[j] = c(n)
			}
			a.StreetNames = sn
		}
		a.HouseNumber, a.City, a.StateProv, a.Country, a.PostalCode, a.OtherText = c(a.HouseNumber), c(a.City), c(a.StateProv), c(a.Country), c(a.PostalCode), c(a.OtherText)
		a.Longitude, a.Latitude, a.Altitude = c(a.Longitude), c(a.Latitude), c(a.Altitude)
	}
	for i := range o.Telecoms {
		t := &o.Telecoms[i]
		t.Type, t.Value = c(t.Type), c(t.Value)
	}
	cloneAttrs(o.Source.Attrs)
}

func (b *builder) signature(s *odm.SignatureDef) {
	b.ensureBlock()
	if b.dropDefs {
		b.droppedSigs++
		b.pos++
		return
	}
	m := &Signature{ID: strings.TrimSpace(s.OID), Methodology: string(s.Methodology), Meaning: s.Meaning,
		LegalReason: s.LegalReason, Study: b.study}
	m.Source = &Source{Vendor: b.p, Studies: []string{b.study}, Attrs: extAttrs(s.Attrs, false)}
	if b.sigJSON != nil {
		b.sigJSON.add(m) // (before the record is read into again: no copies needed)
		b.pos++
		return
	}
	if b.values {
		m.ID, m.Methodology, m.Meaning, m.LegalReason = strings.Clone(m.ID), strings.Clone(m.Methodology), strings.Clone(m.Meaning), strings.Clone(m.LegalReason)
		cloneAttrs(m.Source.Attrs)
	}
	if !b.noRecs {
		m.Source.recs = []record{{block: b.block, pos: b.pos, v: s}}
	}
	b.pos++
	b.dir.Signatures = append(b.dir.Signatures, m)
}

// blockElement reads vendor content directly inside AdminData: a group definition
// (isGroupDef) becomes a Group; anything else is kept as XML text on the block.
func (b *builder) blockElement(e *odm.Element) {
	b.ensureBlock()
	if isGroupDef(e) {
		b.groupDef(e)
		return
	}
	blk := &b.dir.Source.Blocks[b.block]
	blk.Elements = append(blk.Elements, elementXML(e))
}

func (b *builder) group(study, id string) *Group {
	for i := range b.gmemo[:b.gmemoN] {
		if m := &b.gmemo[i]; sameValue(m.id, id) && m.study == study {
			return m.g
		}
	}
	g, ok := b.groups[groupKey{study, id}]
	if !ok {
		g = b.groups[groupKey{"\x00", id}]
	}
	if b.gmemoN < memoSize {
		// Copies: id is a record's, in memory WriteJSON fills again (spill.recycle).
		b.gmemo[b.gmemoN] = groupMemo{strings.Clone(study), strings.Clone(id), g}
		b.gmemoN++
	}
	return g
}

// role is RoleFor with a cache.
func (b *builder) role(name string, s Scope) Role {
	for i := range b.rmemo[:b.rmemoN] {
		if m := &b.rmemo[i]; m.name == name && m.scope == s {
			return m.r
		}
	}
	r, ok := b.roles[roleKey3{name, s}]
	if !ok {
		// A copy: name is a record's, in memory WriteJSON fills again (spill.recycle).
		// The role, and so the memo and the map, keep it (r.Name).
		r = RoleFor(b.p, strings.Clone(name), s)
		b.roles[roleKey3{r.Name, s}] = r
	}
	if b.rmemoN < memoSize {
		b.rmemo[b.rmemoN] = roleMemo{r.Name, s, r}
		b.rmemoN++
	}
	return r
}

// finish resolves what needed the whole file: group names, roles from InForm rights
// groups, the study of blocks without StudyOID, and the assignments.
func (b *builder) finish() {
	d := b.dir
	if b.nusers > 0 {
		d.Users = make([]*User, b.nusers)
	}
	b.finishEach(func(i int, u *User) error {
		d.Users[i] = u
		return nil
	})
	if d.Users == nil {
		d.Users = []*User{}
	}
}

// finishPrepare completes everything in the directory but its users: the sites of
// OpenClinica site studies, the studies' environments and empty lists for absent ones.
// It returns the study a block without StudyOID is about.
func (b *builder) finishPrepare() string {
	// The streamed writers prepare the directory before handing it on, and finishEach
	// prepares it again: once is what counts, or its warnings would be counted twice.
	if b.prepared {
		return b.preparedOnly
	}
	b.prepared = true
	b.preparedOnly = b.prepare()
	return b.preparedOnly
}

// prepare is finishPrepare's work, done once.
func (b *builder) prepare() string {
	d := b.dir
	// The study a block without StudyOID is about: the only study the file names.
	only := ""
	if len(d.Studies) == 1 {
		only = d.Studies[0].ID
	} else {
		n := 0
		for _, s := range d.Studies {
			if s.Parent == "" {
				n++
				only = s.ID
			}
		}
		if n != 1 {
			only = ""
		}
	}
	for _, s := range d.Studies {
		if s.Parent != "" {
			if _, ok := b.studies[s.Parent]; !ok {
				b.w.add(CodeDanglingRef, "Study/MetaDataVersion/Include/@StudyOID", "Study "+s.ID, "the parent study of a site study is not in the file")
			}
			// An OpenClinica site study is a site of its parent.
			if _, ok := b.sites[s.ID]; !ok && (b.sitePack == nil || b.sitePack.find(s.ID) < 0) {
				b.addSite(&Site{ID: s.ID, Name: s.Name, Number: s.Protocol, Active: true, Study: s.Parent,
					Source: &Source{Vendor: b.p}})
			}
		}
	}
	for _, s := range d.Studies {
		if s.Environment == "" {
			s.Environment = envFromStudyOID(s.ID)
		}
	}
	if d.Studies == nil {
		d.Studies = []*Study{}
	}
	if d.Sites == nil {
		d.Sites = []*Site{}
	}
	return only
}

// finishEach builds the users from their records, in order, and hands each to each. It
// keeps none of them, and lets go of each block of records once its users are built, so
// that a caller that does not keep the users either holds at most the records left.
func (b *builder) finishEach(each func(i int, u *User) error) (err error) {
	defer catchSpill(&err)
	only := b.finishPrepare()
	b.siteStudies()
	// The look-ups that found records to merge are done with.
	b.byOID, b.byLogin, b.oidFPs = nil, nil, nil
	// Group names, assignments and the check of their roles, in one pass over the users
	// (a large directory is far larger than the caches). The warnings of each step are
	// collected apart and appended step by step, in the order three passes give them.
	var extra map[*User][]pending
	if len(b.pend) > 0 {
		extra = map[*User][]pending{}
		for _, pd := range b.pend {
			extra[pd.u] = append(extra[pd.u], pd)
		}
	}
	b.gmemoN = 0
	if b.reuseUsers {
		// The users built so far (to merge records into) keep the memory they are in.
		b.mem = slabs{}
	}
	var wGroups, wAccess, wRoles warner
	b.flushHeld()
	chunk := int32(-1)
	cur := ""
	for i := 0; i < int(b.nusers); i++ {
		// Build the user from its record (unless a merge built it already).
		var u *User
		var f firstAccess
		var more []firstAccess // the access of the person's later records
		if r, ok := b.merged[int32(i)]; ok {
			u, more = b.mergedUser(r)
			f, more = more[0], more[1:]
			delete(b.merged, int32(i))
		} else if k, ok := b.builtIdx[int32(i)]; !ok {
			// Records are stored in user order: a user in a later chunk of records means
			// that the earlier chunks are used up.
			in := b.info(int32(i))
			if in.chunk != chunk {
				for ; chunk < in.chunk; chunk++ {
					if chunk >= 0 && int(chunk) < len(b.arena) {
						b.arena[chunk] = ""
					}
				}
				if int(chunk) < len(b.arena) && b.spill != nil {
					cur = b.spill.readHeld(int(b.arenaAt[chunk]))
				} else {
					cur = b.chunk(chunk)
				}
			}
			if jw := b.jsonOut; jw != nil {
				if b.spill != nil {
					b.spill.gen++ // a new record: what the last one read may be read over
				}
				b.recordTrace(&jw.enc, cur[in.off:], &wGroups, &wAccess, &wRoles, only)
				if b.spill != nil && b.spill.err != nil {
					err = b.spill.err
					break
				}
				if i%infoChunk == infoChunk-1 {
					b.infos[i/infoChunk] = nil
				}
				if err = jw.traced(); err != nil {
					break
				}
				continue
			}
			u, f = b.decode(cur[in.off:])
		} else {
			bu := &b.builtUsers[k]
			u, f = bu.u, bu.f
			bu.u = nil
		}
		if b.spill != nil && b.spill.err != nil {
			err = b.spill.err
			break
		}
		if i%infoChunk == infoChunk-1 {
			b.infos[i/infoChunk] = nil
		}
		for j := range u.Groups {
			g := &u.Groups[j]
			if g.ID == "" {
				continue
			}
			if def := b.group(u.Source.Studies[0], g.ID); def != nil {
				g.Name, g.Type = def.Name, def.Type
			} else {
				wGroups.add(CodeDanglingRef, groupRefField, "User "+u.ID, "the group is not defined in the file")
			}
		}
		b.assigned.reset()
		b.resolve(&wAccess, pending{u: u, block: f.block, sites: f.sites, role: f.role, groups: f.groups}, only)
		for _, f := range more {
			b.resolve(&wAccess, pending{u: u, block: f.block, sites: f.sites, role: f.role, groups: f.groups}, only)
		}
		for _, pd := range extra[u] {
			b.resolve(&wAccess, pd, only)
		}
		delete(extra, u)
		for _, a := range u.Assignments {
			if a.Role.Canonical == RoleOther && !strings.EqualFold(strings.TrimSpace(a.Role.Name), "other") {
				wRoles.add(CodeUnknownRole, "Assignment/Role", "User "+u.ID, "role name not in the vocabulary; mapped to Other: "+a.Role.Name)
			}
		}
		fillEmpty(u)
		if u.Source != nil && len(u.Source.Studies) > 1 {
			// A person read from several blocks, as read: Patch writes its records as
			// they were read while it stays so (patcher.mergedAsRead).
			u.Source.asRead = userFingerprint(u)
		}
		if err = each(i, u); err != nil {
			break
		}
		if b.reuseUsers {
			b.mem.reuse()
		}
	}
	b.infos, b.chunkFirst, b.arena, b.arenaCur, b.builtUsers, b.builtIdx, b.pend = nil, nil, nil, nil, nil, nil, nil
	b.merged, b.mergedMem, b.mergeBuf = nil, nil, nil
	b.w.fold(&wGroups)
	b.w.fold(&wAccess)
	b.w.fold(&wRoles)
	return err
}

// blockAccessInfo is what the access a block gives depends on: the block's StudyOID, the
// study and site it stands for (an OpenClinica site study is a site of its parent), the
// environment and the study's own environment.
type blockAccessInfo struct {
	blockStudy, study, site string
	env, studyEnv           Environment
	done                    bool
}

// blockAccess returns the blockAccessInfo of block i (once the file is read).
func (b *builder) blockAccess(i int) *blockAccessInfo {
	if len(b.blocksAccess) != len(b.dir.Source.Blocks) {
		b.blocksAccess = make([]blockAccessInfo, len(b.dir.Source.Blocks))
	}
	ba := &b.blocksAccess[i]
	if ba.done {
		return ba
	}
	ba.blockStudy = b.dir.Source.Blocks[i].Study
	ba.study = ba.blockStudy
	if s := b.studies[ba.blockStudy]; s != nil && s.Parent != "" {
		ba.study, ba.site = s.Parent, s.ID
	}
	ba.studyEnv = envFromStudyOID(ba.study)
	ba.env = ba.studyEnv
	if ba.env == "" {
		ba.env = envFromStudyOID(ba.blockStudy)
	}
	if ba.env == "" {
		ba.env = EnvProduction
	}
	ba.done = true
	return ba
}

// siteStudies fills b.siteStudy from the sites (once; they are all read by then). It
// keeps copies, none of the sites' text.
func (b *builder) siteStudies() {
	if b.siteStudy != nil {
		return
	}
	sites := maps.All(b.sites)
	n := len(b.sites)
	if b.sitePack != nil {
		sites = func(yield func(string, *Site) bool) {
			for s := range b.sitePack.all() {
				if !yield(s.ID, s) {
					return
				}
			}
		}
		n = b.sitePack.len()
	}
	b.siteStudy = newSiteStudies(n)
	for id, s := range sites {
		b.siteStudy.add(id, s)
	}
}

// add records the study of site s, read as id (a spec may have renamed it since): that
// of its latest version.
func (x *siteStudies) add(id string, s *Site) {
	st := ""
	if v := latest(s.Versions); v != nil {
		st = v.Study
	}
	x.set(id, st)
}

// letGoOfSites has the builder keep of its sites, from now on, only what resolve needs
// of them (siteStudies): for a writer that has written them, or taken what it needs of
// them, before the users. The directory is left with no sites.
func (b *builder) letGoOfSites() {
	b.siteStudies()
	b.sites, b.sitePack, b.dir.Sites = nil, nil, []*Site{}
}

// resolve turns what one record said about a user's access into assignments.
func (b *builder) resolve(w *warner, pd pending, only string) {
	u := pd.u
	{
		ba := b.blockAccess(pd.block)
		blockStudy, study, site, env := ba.blockStudy, ba.study, ba.site, ba.env
		role := b.fl.accessRole(b, w, pd, blockStudy)
		if len(pd.sites) == 0 && site != "" {
			pd.sites = []string{site}
		}
		if len(pd.sites) == 0 {
			st := study
			if st == "" {
				st = only
			}
			if st == "" && role == "" {
				return // a user of no known study with no role: nothing to assign
			}
			b.assign(u, Assignment{Study: st, Role: b.role(role, ScopeStudy), Scope: ScopeStudy, Environment: env})
			return
		}
		for _, sid := range pd.sites {
			st := study
			if site == "" {
				if s, ok := b.siteStudy.get(sid); ok {
					if st == "" {
						st = s
					}
				} else {
					w.add(CodeDanglingRef, "User/LocationRef/@LocationOID", "User "+u.ID, "the location is not in the file")
				}
			}
			if st == "" {
				st = only
			}
			e := env
			if e == EnvProduction {
				x := ba.studyEnv
				if st != study {
					x = envFromStudyOID(st)
				}
				if x != "" {
					e = x
				}
			}
			b.assign(u, Assignment{Study: st, Site: sid, Role: b.role(role, ScopeSite), Scope: ScopeSite, Environment: e})
		}
	}
}

func (b *builder) assign(u *User, a Assignment) {
	if b.assigned.contains(u.Assignments, &a, &b.scans) {
		return
	}
	if u.Assignments == nil {
		u.Assignments = b.mem.assigns.take(1)
		u.Assignments[0] = a
		return
	}
	u.Assignments = append(u.Assignments, a)
}

// fillEmpty turns nil lists into empty ones so that JSON shows [] rather than null.
func fillEmpty(u *User) {
	if u.Emails == nil {
		u.Emails = []string{}
	}
	if u.Phones == nil {
		u.Phones = []string{}
	}
	if u.Groups == nil {
		u.Groups = []GroupRef{}
	}
	if u.Assignments == nil {
		u.Assignments = []Assignment{}
	}
}

// cloneAttrs copies the strings of attrs (taken from a record a Reader may read the next
// one into) in place.
func cloneAttrs(attrs []Attr) {
	for i := range attrs {
		a := &attrs[i]
		a.Space, a.Name, a.Value = strings.Clone(a.Space), strings.Clone(a.Name), strings.Clone(a.Value)
	}
}
