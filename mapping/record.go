package mapping

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"unsafe"

	"github.com/odmadmin/odmadmin/odm"
)

// Users are read in two steps. While the file is read, each user record becomes a compact
// record: a byte string without pointers, its text in the builder's text blocks. Once the
// whole file is read (finish), or when a later record of the same person has to be merged
// into it, a record is built into the model's values (User, Source, Attrs, ...).
//
// The point is the garbage collector. A decoder allocates several times what it keeps,
// so reading a large file runs many collections, and each one scans every pointer the
// directory holds so far: the model's values hold some eighty pointer words per user, and
// built while reading, scanning them again and again made reading a 200,000-user file
// cost a third more than decoding it. Compact records hold no pointers, and the values
// built from them at the end are scanned about once.
//
// A record holds, in order: where its text starts (text block and offset), the block it
// was read in, (keep) its index in keepUsers and position, else its line and column, the attribute schema (0 for
// none, else 1 + index in b.schemas) and the attributes' values, a mask of the user's
// non-empty fields (userFields) and those fields, category and status codes, the lists
// (Emails, Phones, Faxes, Certificates: count and strings; Telecoms: count and type,
// value pairs; Addresses: count and, for each, street names and a mask of addrFields and
// those fields), the picture (0, or 1 and four strings), the groups (count and ID, name,
// type each), Source.Elements (count and strings), the original OID (0, or 1 and the
// string), the sites of the record's access (count and strings) and its role (0, or 1 +
// the index of the attribute holding it).

// A string in a record is a uvarint tag: its low three bits say what it is (tag*), the
// rest is an argument n.
const (
	tagEmpty = 0 // n == 0: ""; n > 0: the text continues in text block n-1, at the uvarint offset that follows, and the string's tag follows
	tagOwn   = 1 // the next n bytes of the record's text
	tagRef   = 2 // b.refs[n]
	tagAttr  = 3 // the value of the record's attribute n
	tagSub   = 4 // last[off : off+n], off a uvarint that follows; last is the last string given by tagOwn, tagRef or tagAttr
	tagBits  = 3
)

// Sizes of the text blocks.
const (
	textMin = 1 << 10
	textMax = 64 << 10
)

// Limits of the builder's table of shared strings: beyond them, strings are copied.
const (
	maxRefs = 1 << 16
	maxWord = 64 // the longest string worth sharing as a word
)

// The user's string fields in a record, in order; a mask says which are not empty.
const (
	fID = iota
	fLogin
	fDisplayName
	fFullName
	fGivenName
	fFamilyName
	fPrefix
	fSuffix
	fPager
	fOrganization
	fOrganizationID
	fLocale
	fType
)

// Slots of strings compared with the previous record's (prevSlot): attribute values by
// position, then the user's fields that repeat from user to user.
const (
	slotAttrs  = 0 // nAttrSlots of them
	nAttrSlots = 16
	slotPrefix = slotAttrs + nAttrSlots
	slotSuffix = slotPrefix + 1
	slotOrg    = slotSuffix + 1
	slotOrgID  = slotOrg + 1
	slotType   = slotOrgID + 1
	slotAddr   = slotType + 1 // the addrFields of the first address
	slotGroups = slotAddr + addrFields
	nGroupSlot = 8 // group IDs
	nSlots     = slotGroups + nGroupSlot
)

// addrFields is the number of an Address's string fields (all but StreetNames).
const addrFields = 9

// prevSlot is what a slot held in the previous record: the text (a stable copy) and, once
// a later record repeated it, its index in b.refs (else -1).
type prevSlot struct {
	s   string
	ref int32
}

// attrSchema is the namespaces and names of a record's extension attributes, in order
// (Value empty), and which vendor attribute each is.
type attrSchema struct {
	attrs []Attr
	kinds []attrKind
}

// attrKind says which vendor attribute an attribute is, for the profile being read
// (flavour.attrKind): what the encoder collects from it into vendorAttrs.
type attrKind uint8

const (
	akOther      attrKind = iota
	akLocale              // the user's locale (first one)
	akTerminated          // a terminated flag, Yes/No
	akActive              // an active flag, Yes/No
	akCategory            // a vendor user type naming the category
	akRole                // the role (first one)
	akLastRole            // the role (last one: a vendor with two namespaces)
	akUserGroup           // a user group, by name
	akSiteGroup           // a site group, by name
	akStatus              // an account status by name (last one)
	akUserName            // the login, when LoginName is empty (first non-empty one)
)

// vendorAttrs is what a user record's vendor attributes said, for the flavour's
// userStatus and userGroups: values as decoded, and for groups the attribute's index and
// its value's stable copy (-1 and "" for none).
type vendorAttrs struct {
	term, active, category, status             string
	hasTerm, hasActive, hasCategory, hasStatus bool
	userGroup, siteGroup                       int
	userGroupV, siteGroupV                     string
}

var (
	categoryCodes = [...]Category{"", CategorySystem, CategorySite, CategorySponsor, CategorySupport, CategoryIntegration, CategoryParticipant}
	statusCodes   = [...]Status{"", StatusCreated, StatusInvited, StatusAvailable, StatusDeactivated}
)

func code[T comparable](codes []T, v T) byte {
	for i, c := range codes {
		if c == v {
			return byte(i)
		}
	}
	panic("mapping: no code")
}

// userInfo is where a user's record is: its arena chunk and offset. It is not stored
// as such: records are stored in user order, so the builder keeps, per user, the offset
// alone (a uint16: a chunk takes no record past 64 KiB), and per chunk the first user
// in it (see info). That is 2 bytes per user where the pair took 8: at a million users,
// 6 MB less for every command that streams a directory. A record says where it ends
// (decode reads it to its end), and the block it was read in; a user built early
// (b.builtIdx) has its record still there, no longer read.
type userInfo struct {
	chunk int32 // the arena chunk of its record
	off   int32
}

const infoChunk = 1024

// builtUser is a user built before finish (to merge a later record into it) and the
// access its first record gave.
type builtUser struct {
	u     *User
	f     firstAccess
	block int32 // the last AdminData block the person was read in
}

// rec is the record being written and the state carried from record to record.
type rec struct {
	buf []byte
	// The previous user record: its attributes as decoded (copied), their schema (-1:
	// none) and the slots it wrote (see prevSlot).
	prevRaw    []odm.Attr
	prevSchema int32
	prev       [nSlots]prevSlot
}

func (r *rec) uvarint(x uint64) {
	if x < 0x80 {
		r.buf = append(r.buf, byte(x))
		return
	}
	r.buf = binary.AppendUvarint(r.buf, x)
}

func (r *rec) tag(kind, n uint64) { r.uvarint(n<<tagBits | kind) }

// textBlock returns text block i as written so far.
func (b *builder) textBlock(i int) string {
	if i < len(b.blocks) {
		if b.spill != nil {
			return b.spill.get(int(b.blockAt[i]))
		}
		return b.blocks[i]
	}
	return b.curText()
}

// curText returns the current text block as written so far. The block is only appended
// to (own starts the next one where it has no room), so the string stays as it is while
// the block's memory is not used again (newText).
func (b *builder) curText() string {
	return unsafe.String(unsafe.SliceData(b.text), len(b.text))
}

// endBlock ends the current text block: it is kept, or written to the spill file.
func (b *builder) endBlock() {
	if b.spill != nil {
		b.blockAt = append(b.blockAt, int32(b.spill.putBytes(b.text)))
		b.blocks = append(b.blocks, "")
		return
	}
	b.blocks = append(b.blocks, b.curText())
}

// newText starts the next text block, with room for n bytes, once endBlock has ended the
// last one. A spilling builder, which has written the block to the file, starts it in the
// memory of the block before (spareText; two blocks are in use at a time) where it can:
// each 64 KiB block in new memory (some 250 MB at a million users) cost map --to json
// and --to csv several percent of their CPU in page faults and collections. The strings
// still in use past a record are copied out of that memory first: the previous records'
// values the builder shares (rec.prev) and the last OID (lastOID). The record being
// written may have strings in it when it began in that block, and a person merged (held)
// its values: the block then goes to new memory.
func (b *builder) newText(n int) {
	old := b.spareText
	if b.spill == nil {
		// The blocks are kept (b.blocks).
		b.text = make([]byte, 0, n)
		return
	}
	b.spareText = b.text
	if cap(old) < n || b.held != nil || b.recStart < len(b.blocks)-1 {
		b.text = make([]byte, 0, n)
		return
	}
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(old)))
	in := func(s string) bool {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		return len(s) > 0 && p >= lo && p < lo+uintptr(cap(old))
	}
	for k := range b.rec.prev {
		if p := &b.rec.prev[k]; in(p.s) {
			p.s = strings.Clone(p.s)
		}
	}
	if in(b.lastOID) {
		b.lastOID = strings.Clone(b.lastOID)
	}
	b.text = old[:0]
}

// put writes s as the record's own text.
func (b *builder) put(s string) {
	if s == "" {
		b.rec.buf = append(b.rec.buf, tagEmpty)
		return
	}
	b.own(s)
}

// own writes s, not empty, as the record's own text and returns its offset in the
// current text block.
func (b *builder) own(s string) int {
	r := &b.rec
	if cap(b.text)-len(b.text) < len(s) {
		last := len(b.text)
		b.endBlock()
		b.newText(max(min(textMax, 2*last), textMin, len(s)))
		r.tag(tagEmpty, uint64(len(b.blocks))+1)
		r.buf = append(r.buf, 0)
	}
	i := len(b.text)
	b.text = append(b.text, s...)
	r.tag(tagOwn, uint64(len(s)))
	return i
}

// ownCopy is own returning the copy of s, which stays valid (see curText and newText).
func (b *builder) ownCopy(s string) string {
	if s == "" {
		b.rec.buf = append(b.rec.buf, tagEmpty)
		return ""
	}
	i := b.own(s)
	return b.curText()[i:]
}

// ref writes b.refs[i].
func (b *builder) ref(i int32) string {
	b.rec.tag(tagRef, uint64(i))
	return b.refs[i]
}

// sub writes last[off:off+n], where last is the last string written with own, ref or
// attrValue (the caller keeps track of it).
func (b *builder) sub(last string, off, n int) string {
	if n == 0 {
		b.rec.buf = append(b.rec.buf, tagEmpty)
		return ""
	}
	b.rec.tag(tagSub, uint64(n))
	b.rec.uvarint(uint64(off))
	return last[off : off+n]
}

// attrValue writes the value v of the record's attribute i.
func (b *builder) attrValue(i int, v string) string {
	b.rec.tag(tagAttr, uint64(i))
	return v
}

// stable returns s as a string that stays valid: a vocabulary constant or a copy.
func (b *builder) stable(s string) string {
	if c, ok := vocabulary[s]; ok {
		return c
	}
	if b.wordText.Cap()-b.wordText.Len() < len(s) {
		b.wordText = strings.Builder{}
		b.wordText.Grow(max(4<<10, len(s)))
	}
	i := b.wordText.Len()
	b.wordText.WriteString(s)
	return b.wordText.String()[i:]
}

// word returns the index in b.refs of s, a short string that recurs (a user type, a group
// ID), adding it; -1 when s is not worth sharing.
func (b *builder) word(s string) int32 {
	if i, ok := b.words[s]; ok {
		return i
	}
	if len(s) > maxWord || len(b.refs) >= maxRefs {
		return -1
	}
	c := b.stable(s)
	i := int32(len(b.refs))
	b.refs = append(b.refs, c)
	if b.words == nil {
		b.words = map[string]int32{}
	}
	b.words[c] = i
	return i
}

// putWord writes s shared as a word where it can be.
func (b *builder) putWord(s string) {
	if s == "" {
		b.put("")
		return
	}
	if i := b.word(s); i >= 0 {
		b.ref(i)
		return
	}
	b.own(s)
}

// putSame writes s, not empty, shared with the previous record's slot when it repeats
// it, and returns its stable copy.
func (b *builder) putSame(slot int, s string) string {
	p := &b.rec.prev[slot]
	if sameValue(s, p.s) {
		if p.ref < 0 && len(b.refs) < maxRefs {
			// A copy: p.s is in a text block, which a spilling builder lets go of.
			p.ref = int32(len(b.refs))
			b.refs = append(b.refs, strings.Clone(p.s))
		}
		if p.ref >= 0 {
			return b.ref(p.ref)
		}
	}
	c := b.ownCopy(s)
	*p = prevSlot{c, -1}
	return c
}

// putSameWord is putSame for a slot that holds words.
func (b *builder) putSameWord(slot int, s string) {
	p := &b.rec.prev[slot]
	if sameValue(s, p.s) && p.ref >= 0 {
		b.ref(p.ref)
		return
	}
	if i := b.word(s); i >= 0 {
		*p = prevSlot{b.refs[i], i}
		b.ref(i)
		return
	}
	*p = prevSlot{b.ownCopy(s), -1}
}

// schema returns the index in b.schemas of the extension attributes of attrs, of
// which there are n, adding it.
func (b *builder) schema(attrs []odm.Attr, n int) int32 {
	var key strings.Builder
	for i := range attrs {
		if a := &attrs[i]; a.Space != "" && !a.IsNamespaceDecl() {
			key.WriteString(a.Space)
			key.WriteByte(0)
			key.WriteString(a.Local)
			key.WriteByte(0)
		}
	}
	k := key.String()
	if i, ok := b.schemaIdx[k]; ok {
		return i
	}
	s := attrSchema{attrs: make([]Attr, 0, n), kinds: make([]attrKind, 0, n)}
	for i := range attrs {
		if a := &attrs[i]; a.Space != "" && !a.IsNamespaceDecl() {
			s.attrs = append(s.attrs, Attr{Space: b.stable(a.Space), Name: b.stable(a.Local)})
			s.kinds = append(s.kinds, b.fl.attrKind(a.Space, a.Local))
		}
	}
	i := int32(len(b.schemas))
	b.schemas = append(b.schemas, s)
	if b.schemaIdx == nil {
		b.schemaIdx = map[string]int32{}
	}
	b.schemaIdx[k] = i
	return i
}

// store keeps the record just written in the arena and returns where. The arena is the
// full chunks (b.arena, or in the spill file at b.arenaAt) and the current one.
func (b *builder) store() (chunk, off int32) {
	buf := b.rec.buf
	if c := b.arenaCur; cap(c)-len(c) < len(buf) || cap(c) == 0 || len(c) > maxRecordOff {
		if cap(c) > 0 {
			if b.spill != nil {
				// Written to the file, the chunk's memory takes the next one: nothing
				// holds a string of a record (its strings are in the text blocks).
				b.arenaAt = append(b.arenaAt, int32(b.spill.putBytes(c)))
				b.arena = append(b.arena, "")
			} else {
				b.arena = append(b.arena, unsafe.String(unsafe.SliceData(c), len(c)))
				c = nil
			}
		}
		if cap(c) < max(textMax, len(buf)) {
			c = make([]byte, 0, max(textMax, len(buf)))
		}
		b.arenaCur = c[:0]
	}
	off = int32(len(b.arenaCur))
	b.arenaCur = append(b.arenaCur, buf...)
	return int32(len(b.arena)), off
}

// maxRecordOff is the largest offset of a record in its arena chunk (see userInfo).
const maxRecordOff = math.MaxUint16

// chunk returns arena chunk c.
func (b *builder) chunk(c int32) string {
	switch {
	case int(c) == len(b.arena):
		return unsafe.String(unsafe.SliceData(b.arenaCur), len(b.arenaCur))
	case b.spill != nil:
		return b.spill.get(int(b.arenaAt[c]))
	}
	return b.arena[c]
}

// record returns user i's record and what follows it in its chunk.
func (b *builder) record(i int32) string {
	in := b.info(i)
	return b.chunk(in.chunk)[in.off:]
}

// lookup returns user i's record, found again by its key (findUser) or merged with a
// later one: the record alone (a window of its chunk), when its chunk is in the spill file
// and not in its cache; else record(i). A person listed again in a block long after the
// first (OpenClinica lists the users of each site again in the site's block) has a
// record anywhere in the file: reading its chunk and text block whole (get), 128 KiB, for
// each read 4 GB through 61,000 system calls at a million users, a fifth of "map"'s CPU
// with the clearing and collecting of that memory. The last record read so is kept
// (findUser, userBlock and mergeRecord read one after the other).
func (b *builder) lookup(i int32) string {
	in := b.info(i)
	if b.spill == nil || int(in.chunk) == len(b.arena) {
		return b.record(i)
	}
	k := int(b.arenaAt[in.chunk])
	if _, ok := b.spill.cached(k); ok {
		return b.record(i) // through get, which marks it read for this record (recycle)
	}
	if b.looked.p != "" && b.looked.i == i {
		return b.looked.p
	}
	// The record ends where the next user's begins, or with its chunk.
	end := int(b.spill.lens[k])
	if j := i + 1; j < b.nusers {
		if next := b.info(j); next.chunk == in.chunk {
			end = int(next.off)
		}
	}
	p := b.spill.window(k, int(in.off), end-int(in.off))
	b.looked.i, b.looked.p = i, p
	return p
}

// lookupReader returns a reader of user i's record as lookup finds it, its text opened.
func (b *builder) lookupReader(i int32) recReader {
	r := recReader{b: b, p: b.lookup(i)}
	b.openText(&r, true)
	return r
}

// openText reads the text block and offset a record starts with and gives r the text
// from there on. sparse (a record read by lookup) reads only a window of the text block
// when the block is in the spill file and not in its cache: the first lookupText bytes
// from the record's own text on, more when a string ends past them.
func (b *builder) openText(r *recReader, sparse bool) {
	t := int(r.uvarint())
	r.off = int(r.uvarint())
	if !sparse || b.spill == nil || t >= len(b.blocks) {
		r.text = b.textBlock(t)
		return
	}
	k := int(b.blockAt[t])
	if _, ok := b.spill.cached(k); ok {
		r.text = b.textBlock(t)
		return
	}
	w := &b.lookedText
	if w.text == "" || w.k != k || w.base != r.off {
		w.k, w.base = k, r.off
		w.text = b.spill.window(k, r.off, lookupText)
	}
	r.text, r.win, r.off = w.text, &textWindow{k, w.base}, 0
}

// lookupText is how much of a text block openText reads for a record at first: as long as
// a user's values usually are together.
const lookupText = 1 << 10

// info returns where user i's record is: the last chunk whose first user is not after
// i, and the offset stored for i.
func (b *builder) info(i int32) userInfo {
	c, _ := slices.BinarySearch(b.chunkFirst, i+1)
	return userInfo{chunk: int32(c - 1), off: int32(b.infos[i/infoChunk][i%infoChunk])}
}

// addInfo records that the next user's record is at off in chunk (the current chunk,
// or the one after it) and returns the user's index.
func (b *builder) addInfo(in userInfo) int32 {
	if int(in.chunk) == len(b.chunkFirst) {
		b.chunkFirst = append(b.chunkFirst, b.nusers)
	}
	if n := len(b.infos); n == 0 || len(b.infos[n-1]) == cap(b.infos[n-1]) {
		b.infos = append(b.infos, make([]uint16, 0, infoChunk))
	}
	last := &b.infos[len(b.infos)-1]
	*last = append(*last, uint16(in.off))
	b.nusers++
	return b.nusers - 1
}

// built returns user i as model values, building it from its record the first time.
func (b *builder) built(i int32) *builtUser {
	k, ok := b.builtIdx[i]
	if !ok {
		r := b.lookupReader(i)
		u, f := b.decodeFrom(&r)
		if b.spill != nil {
			detach(u, &f) // kept to the end: not its text block (merge.go)
		}
		k = int32(len(b.builtUsers))
		b.builtUsers = append(b.builtUsers, builtUser{u, f, int32(f.block)})
		if b.builtIdx == nil {
			b.builtIdx = map[int32]int32{}
		}
		b.builtIdx[i] = k
	}
	return &b.builtUsers[k]
}

// keys returns the ID and login of user i, to check a key found in an idIndex. It reads
// no more of the record than it needs and builds nothing: the strings are dropped by the
// caller, so the text blocks read for them are not kept (as they would be by a User from
// the slabs).
func (b *builder) keys(i int32) (id, login string) {
	if k, ok := b.builtIdx[i]; ok {
		u := b.builtUsers[k].u
		return u.ID, u.Login
	}
	if h := b.held; h != nil && h.i == i {
		return h.u.ID, h.u.Login
	}
	if r, ok := b.merged[i]; ok {
		return mergedKeys(b.mergedText(r, false))
	}
	r := b.lookupReader(i)
	return b.keysFrom(&r)
}

// recordKeys reads the ID and login of the record p starts with (see decode).
func (b *builder) recordKeys(p string) (id, login string) {
	r := recReader{b: b, p: p}
	b.openText(&r, false)
	return b.keysFrom(&r)
}

// keysFrom is recordKeys of the record r reads, its text opened (openText).
func (b *builder) keysFrom(r *recReader) (id, login string) {
	r.uvarint() // block
	r.uvarint() // keep: index in keepUsers; else line
	r.uvarint() // keep: position; else column
	if si := int(r.uvarint()); si > 0 {
		var buf [8]Attr
		attrs := buf[:0]
		if n := len(b.schemas[si-1].attrs); n > len(buf) {
			attrs = make([]Attr, 0, n)
		}
		for range b.schemas[si-1].attrs {
			attrs = append(attrs, Attr{Value: r.str()})
		}
		r.attrs = attrs
	}
	mask := r.uvarint()
	if mask&(1<<fID) != 0 {
		id = r.str()
	}
	if mask&(1<<fLogin) != 0 {
		login = r.str()
	}
	return id, login
}

// userBlock returns the last AdminData block user i was read in.
func (b *builder) userBlock(i int32) int32 {
	if k, ok := b.builtIdx[i]; ok {
		return b.builtUsers[k].block
	}
	if h := b.held; h != nil && h.i == i {
		return h.block
	}
	if m, ok := b.merged[i]; ok {
		return m.block
	}
	r := recReader{b: b, p: b.lookup(i)}
	r.uvarint() // text block
	r.uvarint() // offset
	return int32(r.uvarint())
}

// login returns the login of user i.
func (b *builder) login(i int32) string {
	_, login := b.keys(i)
	return login
}

// userID returns the ID of user i.
func (b *builder) userID(i int32) string {
	id, _ := b.keys(i)
	return id
}

// user reads one User record.
func (b *builder) user(u *odm.User) {
	b.ensureBlock()
	id := trimSpace(u.OID)
	if id != u.OID {
		b.w.addAt(CodeNormalized, "User/@OID", "User "+id, "stray white space trimmed from the OID", atRecord(&u.Ext))
	}
	r := &b.rec
	r.buf = r.buf[:0]
	// Where the record's text starts, the block it was read in, and (keep) its record,
	// else where it stands in the file (which a merge's conflict names).
	r.uvarint(uint64(len(b.blocks)))
	r.uvarint(uint64(len(b.text)))
	b.recStart = len(b.blocks) // the block the record's text begins in (newText)
	r.uvarint(uint64(b.block))
	if b.keep {
		r.uvarint(uint64(len(b.keepUsers)))
		r.uvarint(uint64(b.pos))
		b.keepUsers = append(b.keepUsers, u)
	} else {
		r.uvarint(uint64(max(u.Line, 0)))
		r.uvarint(uint64(max(u.Col, 0)))
	}
	b.pos++

	// Vendor extension attributes (Source.Attrs), and what the profile reads from them.
	// While they are named as the previous record's (the decoder's namespace strings are
	// shared, so comparing them is cheap), their schema is the previous record's and a
	// value that repeats the previous one is shared.
	var (
		locale, role, userName = -1, -1, -1
		localeV, userNameV     string
		x                      = vendorAttrs{userGroup: -1, siteGroup: -1}
	)
	raw := r.prevRaw
	same := len(raw) == len(u.Attrs) && r.prevSchema >= 0
	n := 0
	for i := range u.Attrs {
		a := &u.Attrs[i]
		// The decoder interns names: samePlace tells them equal by address, without the
		// call of memequal that != makes for each (two an attribute, a user).
		if same && (!samePlace(raw[i].Local, a.Local) || !samePlace(raw[i].Space, a.Space)) {
			same = false
		}
		if extAttr(a) {
			n++
		}
	}
	var kinds []attrKind
	if n == 0 {
		r.buf = append(r.buf, 0)
		r.prevSchema = -1
	} else {
		si := r.prevSchema
		if !same {
			si = b.schema(u.Attrs, n)
		}
		r.prevSchema = si
		kinds = b.schemas[si].kinds
		r.uvarint(uint64(si) + 1)
	}
	j := 0
	for i := range u.Attrs {
		a := &u.Attrs[i]
		if !extAttr(a) {
			continue
		}
		var v string // the value's stable copy
		switch {
		case a.Value == "":
			b.put("")
		case j >= nAttrSlots:
			v = b.ownCopy(a.Value)
		case same && sameValue(raw[i].Value, a.Value):
			v = b.putSame(slotAttrs+j, r.prev[slotAttrs+j].s)
		default:
			v = b.ownCopy(a.Value)
			r.prev[slotAttrs+j] = prevSlot{v, -1}
		}
		switch kinds[j] {
		case akLocale:
			if locale < 0 {
				locale, localeV = j, v
			}
		case akTerminated:
			if !x.hasTerm {
				x.term, x.hasTerm = a.Value, true
			}
		case akActive:
			if !x.hasActive {
				x.active, x.hasActive = a.Value, true
			}
		case akCategory:
			if !x.hasCategory {
				x.category, x.hasCategory = a.Value, true
			}
		case akRole:
			if role < 0 {
				role = j
			}
		case akLastRole:
			role = j
		case akUserGroup:
			if x.userGroup < 0 {
				x.userGroup, x.userGroupV = j, v
			}
		case akSiteGroup:
			if x.siteGroup < 0 {
				x.siteGroup, x.siteGroupV = j, v
			}
		case akStatus:
			x.status, x.hasStatus = a.Value, true
		case akUserName:
			if userName < 0 && a.Value != "" {
				userName, userNameV = j, v
			}
		}
		j++
	}
	// A copy: a Reader with odm.ReadOptions.Reuse reads the next record's attributes
	// into the same array.
	r.prevRaw = append(r.prevRaw[:0], u.Attrs...)

	// Status and category.
	status, category := b.fl.userStatus(b, x, u, id)
	if category == "" {
		category = categoryFromType(u.UserType)
	}

	// The pager: the element, else the first ODM 2.0 pager contact (while it is empty).
	pager := ""
	if !isBlank(u.Pager) {
		pager = u.Pager
	}
	var emails, phones, faxes, others int
	for _, t := range u.Telecoms {
		switch t.TelecomType {
		case odm.TelecomEmail:
			emails++
		case odm.TelecomPhone:
			phones++
		case odm.TelecomFax:
			faxes++
		case odm.TelecomPager:
			if pager == "" {
				pager = t.Value
				continue
			}
			others++
		default:
			others++
		}
	}

	// The string fields, after a mask of those that are not empty.
	loginName := u.LoginName
	switch {
	case loginName != "":
	case b.fl.loginFromOID():
		loginName = id
	case userName >= 0:
		loginName = userNameV
	}
	var mask uint64
	for k, s := range [...]string{fID: id, fLogin: loginName, fDisplayName: u.DisplayName, fFullName: u.FullName,
		fGivenName: u.FirstName, fFamilyName: u.LastName, fPrefix: u.Prefix, fSuffix: u.Suffix, fPager: pager,
		fOrganization: u.Organization, fOrganizationID: u.OrganizationOID, fLocale: localeV, fType: string(u.UserType)} {
		if s != "" {
			mask |= 1 << k
		}
	}
	r.uvarint(mask)
	// last is the last string written with own, ref or attrValue, which tagSub refers to.
	idc := ""
	if id != "" {
		idc = b.ownCopy(id)
	}
	last, login := id, ""
	switch {
	case loginName == "":
	case loginName == id:
		login = b.sub(idc, 0, len(id))
	case u.LoginName == "" && userName >= 0:
		login = b.attrValue(userName, userNameV)
		last = login
	default:
		login = b.ownCopy(loginName)
		last = login
	}
	if u.DisplayName != "" {
		b.own(u.DisplayName)
		last = u.DisplayName
	}
	if u.FullName != "" {
		if u.FullName == u.DisplayName {
			b.sub(last, 0, len(u.FullName))
		} else {
			b.own(u.FullName)
			last = u.FullName
		}
	}
	// "Given Family" as the last name written (the full or display name): its parts.
	if g, f, d := u.FirstName, u.LastName, last; g != "" && f != "" && len(d) == len(g)+1+len(f) &&
		d[len(g)] == ' ' && d[:len(g)] == g && d[len(g)+1:] == f {
		b.sub(last, 0, len(g))
		b.sub(last, len(g)+1, len(f))
	} else {
		if g != "" {
			b.own(g)
		}
		if f != "" {
			b.own(f)
		}
	}
	if u.Prefix != "" {
		b.putSame(slotPrefix, u.Prefix)
	}
	if u.Suffix != "" {
		b.putSame(slotSuffix, u.Suffix)
	}
	if pager != "" {
		b.own(pager)
	}
	if u.Organization != "" {
		b.putSame(slotOrg, u.Organization)
	}
	if u.OrganizationOID != "" {
		b.putSame(slotOrgID, u.OrganizationOID)
	}
	if localeV != "" {
		b.attrValue(locale, localeV)
	}
	if u.UserType != "" {
		b.putSameWord(slotType, string(u.UserType))
	}
	r.buf = append(r.buf, code(categoryCodes[:], category), code(statusCodes[:], status))

	// The lists, ODM 2.0 contacts included.
	b.strList(u.Emails, u.Telecoms, odm.TelecomEmail, emails)
	b.strList(u.Phones, u.Telecoms, odm.TelecomPhone, phones)
	b.strList(u.Faxes, u.Telecoms, odm.TelecomFax, faxes)
	b.strList(u.Certificates, nil, "", 0)
	r.uvarint(uint64(others))
	if others > 0 {
		// The contacts counted above: a pager goes to the Pager field while it is empty.
		p := ""
		if !isBlank(u.Pager) {
			p = u.Pager
		}
		for _, t := range u.Telecoms {
			switch t.TelecomType {
			case odm.TelecomEmail, odm.TelecomPhone, odm.TelecomFax:
				continue
			case odm.TelecomPager:
				if p == "" {
					p = t.Value
					continue
				}
			}
			b.putWord(string(t.TelecomType))
			b.put(t.Value)
		}
	}
	b.addresses(u.Addresses)
	switch {
	case u.Image != nil:
		p := u.Image
		r.buf = append(r.buf, 1)
		b.put(p.ImageFileName)
		b.put("")
		b.put(p.Href)
		b.putWord(p.MimeType)
	case u.Picture != nil:
		p := u.Picture
		r.buf = append(r.buf, 1)
		b.put(p.PictureFileName)
		b.putWord(p.ImageType)
		b.put("")
		b.put("")
	default:
		r.buf = append(r.buf, 0)
	}

	// Groups, and the vendor elements the model has no field for.
	elements := b.fl.userGroups(b, u, x)
	r.uvarint(uint64(len(elements)))
	for _, x := range elements {
		b.put(x)
	}
	if id != u.OID {
		r.buf = append(r.buf, 1)
		b.put(u.OID)
	} else {
		r.buf = append(r.buf, 0)
	}
	// The access this record gives: its sites and role.
	b.userSites(u)
	r.uvarint(uint64(role + 1))

	if i, ok := b.findUser(idc, login); ok {
		b.mergeAt = atRecord(&u.Ext)
		b.mergeRecord(i)
		return
	}
	chunk, off := b.store()
	i := b.addInfo(userInfo{chunk: chunk, off: off})
	b.addOID(idc, i)
	if b.loginsIndexed && login != "" && LoginKey(login) != id {
		// A login whose key is the OID is found through byOID (see findUser). The logins
		// are indexed once a second block starts: LoginKey (a trim and a lower-casing)
		// is not worked out for each user of a file of one block (0.3% of map --to json).
		b.addLogin(login, i)
	}
}

// sameName reports whether s == c, where s is a name as the decoder gives it and *seen
// the string last found equal to c. The decoder interns names (namespaces, element and
// attribute names), so s is then the same string data as *seen, equal without a look at
// the bytes: comparing InForm's namespace (60 bytes) and the names of two pf:GroupRef a
// user with the constants read them all, some 0.5% of map --to json's samples.
func sameName(s, c string, seen *string) bool {
	if len(s) != len(c) {
		return false
	}
	if len(s) > 0 && unsafe.StringData(s) == unsafe.StringData(*seen) {
		return true
	}
	if s != c {
		return false
	}
	*seen = s
	return true
}

// sameValue reports whether s == t, comparing their last bytes first: the values
// compared with the previous record's that change from user to user (an ID, a GUID, a
// revision, a postal code) mostly differ there, and are told apart without a call of
// memequal (some fifteen a user).
func sameValue(s, t string) bool {
	return len(s) == len(t) && (len(s) == 0 || s[len(s)-1] == t[len(t)-1] && s == t)
}

// extAttr reports whether a is an extension attribute: in a namespace, not a namespace
// declaration. It is a.Space != "" && !a.IsNamespaceDecl() without the method's copy of
// the Name (a value receiver): user copied the three strings of each attribute to its
// stack and read the namespace's length back before the copy was through, a stall that
// took 12% of its own samples.
func extAttr(a *odm.Attr) bool {
	return a.Space != "" && a.Space != odm.NSXMLNS
}

// groupByID writes the k-th group of a user record known by its ID only (InForm's
// pf:GroupRef), the first nGroupSlot of them shared with the previous record's.
func (b *builder) groupByID(k int, id string) {
	switch {
	case id == "":
		b.put("")
	case k < nGroupSlot:
		b.putSameWord(slotGroups+k, id)
	default:
		b.putWord(id)
	}
	b.rec.buf = append(b.rec.buf, tagEmpty, tagEmpty)
}

// groupByAttr writes a group of a user record known by its name, the value v of the
// record's attribute j, and of type typ (Rave's mdsol:UserGroup).
func (b *builder) groupByAttr(j int, v, typ string) {
	b.rec.buf = append(b.rec.buf, tagEmpty)
	b.attrValue(j, v)
	b.putWord(typ)
}

// userElements returns the XML text of u's vendor elements but those skip takes (nil: none).
func userElements(u *odm.User, skip func(*odm.Element) bool) []string {
	var out []string
	for _, nd := range u.Nodes {
		if e, ok := nd.(*odm.Element); ok && (skip == nil || !skip(e)) {
			out = append(out, elementXML(e))
		}
	}
	return out
}

// strList writes the non-blank strings of in, then the values of the typ contacts of
// telecoms (extra of them).
func (b *builder) strList(in []string, telecoms []*odm.Telecom, typ odm.TelecomType, extra int) {
	if len(in) == 1 && extra == 0 {
		if isBlank(in[0]) {
			b.rec.buf = append(b.rec.buf, 0)
		} else {
			b.rec.buf = append(b.rec.buf, 1)
			b.own(in[0])
		}
		return
	}
	n := extra
	for _, s := range in {
		if !isBlank(s) {
			n++
		}
	}
	b.rec.uvarint(uint64(n))
	for _, s := range in {
		if !isBlank(s) {
			b.own(s)
		}
	}
	if extra > 0 {
		for _, t := range telecoms {
			if t.TelecomType == typ {
				b.put(t.Value)
			}
		}
	}
}

// addresses writes the addresses that say something (<Address/> as Rave writes it does
// not), the fields of each shared with the previous user's first address where they
// repeat it.
func (b *builder) addresses(in []*odm.Address) {
	n := 0
	for _, a := range in {
		if !addressZero(a) {
			n++
		}
	}
	b.rec.uvarint(uint64(n))
	for _, a := range in {
		if addressZero(a) {
			continue
		}
		b.strList(a.StreetNames, nil, "", 0)
		var lon, lat, alt string
		if g := a.GeoPosition; g != nil {
			lon, lat, alt = g.Longitude, g.Latitude, g.Altitude
		}
		fields := [addrFields]string{a.HouseNumber, a.City, a.StateProv, a.Country, a.PostalCode, a.OtherText, lon, lat, alt}
		var mask uint64
		for k, s := range fields {
			if s != "" {
				mask |= 1 << k
			}
		}
		b.rec.uvarint(mask)
		for k, s := range fields {
			if s != "" {
				b.putSame(slotAddr+k, s)
			}
		}
	}
}

func addressZero(a *odm.Address) bool {
	if a.HouseNumber != "" || a.City != "" || a.StateProv != "" || a.Country != "" || a.PostalCode != "" || a.OtherText != "" {
		return false
	}
	for _, s := range a.StreetNames {
		if !isBlank(s) {
			return false
		}
	}
	g := a.GeoPosition
	return g == nil || (g.Longitude == "" && g.Latitude == "" && g.Altitude == "")
}

// userSites writes the site IDs a user record points at: its LocationRefs (ODM 1.3) or
// LocationOID (2.0), without the vendor's automatic location (flavour.autoLocation).
func (b *builder) userSites(u *odm.User) {
	var buf [4]string
	out := buf[:0]
	// Past a few sites, those listed are found in a set: a user may list any number, and
	// comparing each with all before it cost the square of them.
	seen := b.siteSeen
	clear(seen)
	add := func(s string) {
		s = trimSpace(s)
		if s == "" || b.fl.autoLocation(s) {
			return
		}
		if len(out) < assignIndexMin {
			for _, o := range out {
				b.scans++
				if o == s {
					return
				}
			}
		} else {
			if seen == nil {
				seen = map[string]struct{}{}
				b.siteSeen = seen
			}
			if len(seen) == 0 {
				for _, o := range out {
					b.scans++
					seen[o] = struct{}{}
				}
			}
			if _, ok := seen[s]; ok {
				return
			}
			seen[s] = struct{}{}
		}
		out = append(out, s)
	}
	for _, r := range u.LocationRefs {
		add(r.LocationOID)
	}
	add(u.LocationOID)
	b.rec.uvarint(uint64(len(out)))
	for _, s := range out {
		b.own(s)
	}
}

// recReader reads a record.
type recReader struct {
	b     *builder
	p     string // the record and what follows it
	i     int
	text  string // the text block the record's own text continues in
	off   int
	last  string
	attrs []Attr
	// win, when set, says that text is not the whole text block but a window of it from
	// the record's first own string on (off counts from there), read further when a
	// string ends past it (more).
	win *textWindow
}

// textWindow is where a recReader's text window stands: spill chunk k, from base on.
type textWindow struct{ k, base int }

// more reads r's text window on to at least end (counted from the window's base); a text
// that is not a window has nothing more: the record is corrupt.
func (r *recReader) more(end int) {
	if r.win != nil {
		r.text = r.b.spill.window(r.win.k, r.win.base, end+lookupText)
	}
	if end > len(r.text) {
		panic("mapping: corrupt record")
	}
}

func (r *recReader) uvarint() uint64 {
	if c := r.p[r.i]; c < 0x80 {
		r.i++
		return uint64(c)
	}
	return r.uvarintLong()
}

func (r *recReader) uvarintLong() uint64 {
	if r.i+1 < len(r.p) && r.p[r.i+1] < 0x80 {
		v := uint64(r.p[r.i]&0x7f) | uint64(r.p[r.i+1])<<7
		r.i += 2
		return v
	}
	var v uint64
	for s := 0; r.i < len(r.p) && s < 64; s += 7 {
		c := r.p[r.i]
		r.i++
		v |= uint64(c&0x7f) << s
		if c < 0x80 {
			return v
		}
	}
	panic("mapping: corrupt record")
}

func (r *recReader) byte() byte {
	c := r.p[r.i]
	r.i++
	return c
}

func (r *recReader) str() string {
	t := r.uvarint()
	if t&(1<<tagBits-1) == tagOwn {
		n := int(t >> tagBits)
		if r.off+n > len(r.text) {
			r.more(r.off + n)
		}
		s := r.text[r.off : r.off+n]
		r.off += n
		r.last = s
		return s
	}
	if t == tagEmpty {
		return ""
	}
	return r.strOther(t)
}

func (r *recReader) strOther(t uint64) string {
	for {
		n := int(t >> tagBits)
		switch t & (1<<tagBits - 1) {
		case tagEmpty:
			if n == 0 {
				return ""
			}
			r.text = r.b.textBlock(n - 1)
			r.off = int(r.uvarint())
			r.win = nil
			t = r.uvarint()
			continue
		case tagOwn:
			if r.off+n > len(r.text) {
				r.more(r.off + n)
			}
			s := r.text[r.off : r.off+n]
			r.off += n
			r.last = s
			return s
		case tagRef:
			s := r.b.refs[n]
			r.last = s
			return s
		case tagAttr:
			s := r.attrs[n].Value
			r.last = s
			return s
		case tagSub:
			off := int(r.uvarint())
			return r.last[off : off+n]
		}
		panic("mapping: corrupt record")
	}
}

// strs reads a list of strings into the slab (nil when empty).
func (r *recReader) strs() []string {
	n := int(r.uvarint())
	if n == 0 {
		return nil
	}
	out := r.b.mem.strs.take(n)
	for i := range out {
		out[i] = r.str()
	}
	return out
}

// decode builds the model values of the record p starts with (what follows it is not
// read), and returns the access it gives.
func (b *builder) decode(p string) (*User, firstAccess) {
	r := recReader{b: b, p: p}
	b.openText(&r, false)
	return b.decodeFrom(&r)
}

// decodeFrom is decode of the record r reads, its text opened (openText).
func (b *builder) decodeFrom(r *recReader) (*User, firstAccess) {
	block := int(r.uvarint())
	m := b.mem.users.one()
	src := b.mem.sources.one()
	*src = Source{Vendor: b.p, Studies: b.studiesOf[block]}
	if b.keep {
		k, pos := r.uvarint(), r.uvarint()
		src.recs = []record{{block: block, pos: int(pos), v: b.keepUsers[k]}}
	} else {
		src.line, src.col = int(r.uvarint()), int(r.uvarint())
	}
	if si := int(r.uvarint()); si > 0 {
		s := &b.schemas[si-1]
		src.Attrs = b.mem.attrs.take(len(s.attrs))
		copy(src.Attrs, s.attrs)
		for i := range src.Attrs {
			src.Attrs[i].Value = r.str()
		}
	}
	r.attrs = src.Attrs
	mask := r.uvarint()
	for k, f := range [...]*string{&m.ID, &m.Login, &m.DisplayName, &m.FullName, &m.GivenName, &m.FamilyName,
		&m.Prefix, &m.Suffix, &m.Pager, &m.Organization, &m.OrganizationID, &m.Locale, &m.Type} {
		if mask&(1<<k) != 0 {
			*f = r.str()
		}
	}
	m.Category = categoryCodes[r.byte()]
	m.Status = statusCodes[r.byte()]
	m.Emails = r.strs()
	m.Phones = r.strs()
	m.Faxes = r.strs()
	m.Certificates = r.strs()
	if n := int(r.uvarint()); n > 0 {
		m.Telecoms = make([]Telecom, n)
		for i := range m.Telecoms {
			m.Telecoms[i] = Telecom{Type: r.str(), Value: r.str()}
		}
	}
	if n := int(r.uvarint()); n > 0 {
		m.Addresses = b.mem.addrs.take(n)
		for i := range m.Addresses {
			a := &m.Addresses[i]
			a.StreetNames = r.strs()
			mask := r.uvarint()
			for k, f := range [addrFields]*string{&a.HouseNumber, &a.City, &a.StateProv, &a.Country, &a.PostalCode,
				&a.OtherText, &a.Longitude, &a.Latitude, &a.Altitude} {
				if mask&(1<<k) != 0 {
					*f = r.str()
				}
			}
		}
	}
	if r.byte() == 1 {
		m.Picture = &Picture{File: r.str(), Type: r.str(), Href: r.str(), MIMEType: r.str()}
	}
	if n := int(r.uvarint()); n > 0 {
		m.Groups = b.mem.groups.take(n)
		for i := range m.Groups {
			g := &m.Groups[i]
			g.ID, g.Name, g.Type = r.str(), r.str(), r.str()
		}
	}
	if n := int(r.uvarint()); n > 0 {
		src.Elements = make([]string, n)
		for i := range src.Elements {
			src.Elements[i] = r.str()
		}
	}
	if r.byte() == 1 {
		src.IDs = map[string]string{"OID": r.str()}
	}
	m.Source = src
	f := firstAccess{block: block, groups: m.Groups[:len(m.Groups):len(m.Groups)]}
	if n := int(r.uvarint()); n > 0 {
		f.sites = b.mem.pend.take(n)
		for i := range f.sites {
			f.sites[i] = r.str()
		}
	}
	if k := int(r.uvarint()); k > 0 {
		f.role = src.Attrs[k-1].Value
	}
	return m, f
}
