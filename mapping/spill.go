package mapping

import (
	"bufio"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"unsafe"
)

// spill keeps the builder's full record chunks and text blocks (see record.go) in a
// temporary file rather than in memory, for the readers that build each user once, in
// order (WriteJSON, ReadEach, the map writers): what stays in memory per user is then a
// few words of index (userInfo and the idIndex entries), not its record.
//
// Chunks are written whole, once, and read back whole in order while the users are built
// (the records are stored in user order, so each chunk is read about once). A record
// found again while reading (a person listed in several AdminData blocks, a hash that
// matched) is read alone, with a window of its text (window; builder.lookup, openText),
// unless its chunk is in the cache.
//
// The file is removed at once where the system allows an open file to be removed (it is
// then gone on every exit path, a crash or a kill included), else when the spill is
// closed.
type spill struct {
	f      *os.File
	w      *bufio.Writer
	size   int64   // bytes written
	offs   []int64 // chunk k is at offs[k]
	lens   []int32 // and is lens[k] bytes long
	remove string  // the file to remove on close ("" when already removed)
	// The chunks read last, by index (-1: none), so that a record's chunk and the text
	// blocks it spans, or records found again one after the other, are read once.
	cache [3]spillChunk
	next  int // the cache entry replaced next
	err   error
	// recycle says that nothing keeps a string of a chunk get returns past the record it
	// is read for (gen, which the reader counts up record by record): a chunk read then
	// goes into the memory of the one it evicts, unless that one was read for the same
	// record. WriteJSON's records are so written (recordTrace; userJSON keeps copies),
	// and reading each 64 KiB chunk into new memory (some 250 MB at a million users)
	// cost map --to json several percent of its CPU in page faults and collections.
	recycle bool
	gen     uint32
	// held is the memory of the record chunk readHeld read last.
	held []byte
	// got counts the bytes read back from the file (tests bound the reading with it).
	got int64
}

// spillWindow is how much a window of later encodings holds (laterIndex.read).
const spillWindow = 64 << 10

// span reads n > 0 bytes of the file from off on, into new memory (a user decoded
// from them keeps substrings of it). An I/O error panics with a spillFailure.
func (sp *spill) span(off, n int64) string {
	if sp.err == nil && sp.w.Buffered() > 0 {
		if err := sp.w.Flush(); err != nil {
			sp.err = fmt.Errorf("%w: %v", errSpill, err)
		}
	}
	if sp.err != nil {
		panic(spillFailure{sp.err})
	}
	buf := make([]byte, n)
	m, err := sp.f.ReadAt(buf, off)
	sp.got += int64(m)
	if m != len(buf) {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		sp.err = fmt.Errorf("%w: %v", errSpill, err)
		panic(spillFailure{sp.err})
	}
	return unsafe.String(&buf[0], len(buf))
}

type spillChunk struct {
	k   int
	s   string
	buf []byte // s's memory
	gen uint32 // the record it was last read for (recycle)
}

// errSpill wraps an I/O error of the temporary file.
var errSpill = errors.New("mapping: temporary file")

// spillFailure carries an I/O error of the spill file up through the record decoder.
type spillFailure struct{ err error }

// catchSpill turns a spillFailure panic into *err; any other panic goes on.
func catchSpill(err *error) {
	if x := recover(); x != nil {
		f, ok := x.(spillFailure)
		if !ok {
			panic(x)
		}
		*err = f.err
	}
}

func newSpill() (*spill, error) {
	f, err := os.CreateTemp("", "odmadmin-records-*")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errSpill, err)
	}
	s := &spill{f: f, w: bufio.NewWriterSize(f, 64<<10), cache: [3]spillChunk{{k: -1}, {k: -1}, {k: -1}}}
	if os.Remove(f.Name()) != nil {
		s.remove = f.Name()
	}
	return s, nil
}

// put appends a chunk and returns its index.
func (s *spill) put(p string) int {
	if s.err == nil {
		if _, err := s.w.WriteString(p); err != nil {
			s.err = fmt.Errorf("%w: %v", errSpill, err)
		}
	}
	return s.added(len(p))
}

// putBytes is put of a chunk held in p, which the caller may fill again once it returns
// (a string of it was a copy of every chunk).
func (s *spill) putBytes(p []byte) int {
	if s.err == nil {
		if _, err := s.w.Write(p); err != nil {
			s.err = fmt.Errorf("%w: %v", errSpill, err)
		}
	}
	return s.added(len(p))
}

// added notes a chunk of n bytes written at the end of the file and returns its index.
func (s *spill) added(n int) int {
	k := len(s.offs)
	s.offs = append(s.offs, s.size)
	s.lens = append(s.lens, int32(n))
	s.size += int64(n)
	return k
}

// get returns chunk k. The string is never changed afterwards, so values built from it
// may keep it. An I/O error panics with a spillFailure, which the builder's entry points
// turn back into their error (see catchSpill): the record decoder deep down has no error
// to return.
func (s *spill) get(k int) string {
	for i := range s.cache {
		if c := &s.cache[i]; c.k == k {
			c.gen = s.gen
			return c.s
		}
	}
	c := &s.cache[s.next]
	s.next = (s.next + 1) % len(s.cache)
	var buf []byte
	if s.recycle && c.gen != s.gen {
		buf = c.buf
	}
	str, buf := s.readInto(k, buf)
	*c = spillChunk{k: k, s: str, buf: buf, gen: s.gen}
	return c.s
}

// readHeld returns chunk k in memory of its own, which the next readHeld fills again
// (with recycle; else it is get's): the chunk of records finishEach holds while it reads
// the records in it, past the cache.
func (s *spill) readHeld(k int) string {
	if !s.recycle {
		return s.get(k)
	}
	str, buf := s.readInto(k, s.held)
	s.held = buf
	return str
}

// holds reports whether str is in memory that recycle has read over (the cache's and
// readHeld's).
func (s *spill) holds(str string) bool {
	if !s.recycle || len(str) == 0 {
		return false
	}
	p := uintptr(unsafe.Pointer(unsafe.StringData(str)))
	in := func(b []byte) bool {
		if cap(b) == 0 {
			return false
		}
		lo := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
		return p >= lo && p < lo+uintptr(cap(b))
	}
	for i := range s.cache {
		if in(s.cache[i].buf) {
			return true
		}
	}
	return in(s.held)
}

// cached returns chunk k if the cache holds it.
func (s *spill) cached(k int) (string, bool) {
	for _, c := range s.cache {
		if c.k == k {
			return c.s, true
		}
	}
	return "", false
}

// window returns up to n bytes of chunk k from off on (fewer where the chunk ends), read
// into memory of their own past the cache.
func (s *spill) window(k, off, n int) string {
	n = min(n, int(s.lens[k])-off)
	if n <= 0 {
		return ""
	}
	return s.span(s.offs[k]+int64(off), int64(n))
}

// read reads chunk k from the file (get and peek, which keep it or not).
func (s *spill) read(k int) string {
	str, _ := s.readInto(k, nil)
	return str
}

// readInto reads chunk k into buf when it has room (else into new memory), and returns
// it and the memory it is in.
func (s *spill) readInto(k int, buf []byte) (string, []byte) {
	if s.err != nil {
		panic(spillFailure{s.err})
	}
	if err := s.w.Flush(); err != nil {
		s.err = fmt.Errorf("%w: %v", errSpill, err)
		panic(spillFailure{s.err})
	}
	// Read straight into the string's memory: through a strings.Builder, io.Copy took a
	// 32 KiB buffer of its own for every chunk, a third of what writing a large directory
	// allocated once its users were built in place. Nothing writes to buf afterwards.
	if n := int(s.lens[k]); cap(buf) >= n {
		buf = buf[:n]
	} else {
		buf = make([]byte, n)
	}
	n, err := s.f.ReadAt(buf, s.offs[k])
	s.got += int64(n)
	if n != len(buf) {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		s.err = fmt.Errorf("%w: %v", errSpill, err)
		panic(spillFailure{s.err})
	}
	if len(buf) == 0 {
		return "", buf
	}
	return unsafe.String(&buf[0], len(buf)), buf
}

// close removes the file (where it was not removed at once) and returns the first I/O
// error met.
func (s *spill) close() error {
	if s == nil || s.f == nil {
		return nil
	}
	s.f.Close()
	if s.remove != "" {
		os.Remove(s.remove)
	}
	s.f, s.w, s.cache, s.held = nil, nil, [3]spillChunk{{k: -1}, {k: -1}, {k: -1}}, nil
	return s.err
}

// idIndex finds users by a string key (OID or login) through its hash: each entry is the
// key's 32-bit fingerprint and the user's index, 8 bytes, in an open-addressing table with
// linear probing, so that it costs some 10 to 12 bytes per user where a Go map of strings
// would cost some 60 and keep the keys' text in memory. A fingerprint may be shared by two keys,
// so a caller checks each candidate against its record.
//
// The table is split by the fingerprint's top byte into shards that grow on their own,
// so that growing never allocates one large array next to another (the heap would keep
// the freed ones: at a million users, a single table's successive sizes add up to three
// times its last).
type idIndex struct {
	shards [idShards]idShard
	seed   maphash.Seed
}

const (
	idShardBits = 8
	idShards    = 1 << idShardBits
	idShardMin  = 16
)

type idShard struct {
	slots []uint64 // 0: empty; else fingerprint<<32 | index+1
	n     int
}

func newIDIndex() *idIndex { return &idIndex{seed: maphash.MakeSeed()} }

func (t *idIndex) fingerprint(key string) uint32 {
	h := maphash.String(t.seed, key)
	return uint32(h>>32) ^ uint32(h)
}

func (t *idIndex) shard(fp uint32) *idShard { return &t.shards[fp>>(32-idShardBits)] }

// home is where fingerprint fp's probe sequence starts in a shard of n slots: the bits
// below the shard's scaled to the shard (so that a shard may be of any size and can be
// rebuilt from its entries alone).
func home(fp uint32, n int) int {
	const low = 32 - idShardBits
	return int(uint64(fp&(1<<low-1)) * uint64(n) >> low)
}

// find returns the first index stored under key for which match is true.
func (t *idIndex) find(key string, match func(i int32) bool) (int32, bool) {
	return t.findFingerprint(t.fingerprint(key), match)
}

// findFingerprint is find of a key of fingerprint fp.
func (t *idIndex) findFingerprint(fp uint32, match func(i int32) bool) (int32, bool) {
	sh := t.shard(fp)
	if sh.n == 0 {
		return 0, false
	}
	for j := home(fp, len(sh.slots)); ; j++ {
		if j == len(sh.slots) {
			j = 0
		}
		e := sh.slots[j]
		if e == 0 {
			return 0, false
		}
		if uint32(e>>32) == fp {
			if i := int32(uint32(e) - 1); match(i) {
				return i, true
			}
		}
	}
}

// add stores index i under key (the caller has checked that the key is new). A shard
// grows by a quarter once it is three quarters full: between 60 and 75 percent full, the
// table is 8 bytes over 0.675 a key on average (growing by half left it between half and
// three quarters full: 8 over 0.56). The shards' successive sizes are garbage anyway.
func (t *idIndex) add(key string, i int32) { t.addFingerprint(t.fingerprint(key), i) }

// addFingerprint is add of a key of fingerprint fp.
func (t *idIndex) addFingerprint(fp uint32, i int32) {
	sh := t.shard(fp)
	if 4*(sh.n+1) > 3*len(sh.slots) {
		old := sh.slots
		sh.slots = make([]uint64, max(idShardMin, len(old)+len(old)/4))
		for _, e := range old {
			if e != 0 {
				sh.put(e)
			}
		}
	}
	sh.put(uint64(fp)<<32 | uint64(uint32(i)+1))
	sh.n++
}

func (sh *idShard) put(e uint64) {
	for j := home(uint32(e>>32), len(sh.slots)); ; j++ {
		if j == len(sh.slots) {
			j = 0
		}
		if sh.slots[j] == 0 {
			sh.slots[j] = e
			return
		}
	}
}

// size returns the entries and the slots of the table.
func (t *idIndex) size() (n, slots int) {
	for i := range t.shards {
		n += t.shards[i].n
		slots += len(t.shards[i].slots)
	}
	return n, slots
}

// keyTable finds users by a string key through its fingerprint (idIndex.fingerprint), as
// idIndex does, for keys all known before the first look-up (spilledUsers.buildIndex):
// the entries are grouped by the fingerprint's top bits into buckets of some 8 keys,
// each bucket's at once after the one before, and an entry is the fingerprint's low 16
// bits and the user's index, 6 bytes, where idIndex's open table costs 8 over how full
// it is (10.7 to 12 bytes a key: at a million users 11-12 MB held through the patch, the
// largest part of its live heap). The bits below the bucket's and above the tag's are not
// kept, so a tag may be shared by two keys of a bucket more often than a fingerprint:
// a caller checks each candidate against its record, as with idIndex.
type keyTable struct {
	shift uint     // a fingerprint's bucket is fp >> shift
	start []int32  // bucket b's entries are start[b] up to start[b+1]
	tags  []uint16 // each entry's fingerprint's low 16 bits
	idx   []int32  // each entry's index + 1; 0: a place no key took (see put)
}

// newKeyTable returns a table for up to n keys, to be counted (count), then sized
// (size), then put in (put).
func newKeyTable(n int) *keyTable {
	bits := uint(0)
	for bits < 32 && 8<<bits < n {
		bits++
	}
	return &keyTable{shift: 32 - bits, start: make([]int32, 1<<bits+1)}
}

func (t *keyTable) bucket(fp uint32) int { return int(uint64(fp) >> t.shift) }

// count notes a key of fingerprint fp to come.
func (t *keyTable) count(fp uint32) { t.start[t.bucket(fp)+1]++ }

// alloc makes room for the keys counted: each bucket's run of entries is empty until put.
func (t *keyTable) alloc() {
	for b := 1; b < len(t.start); b++ {
		t.start[b] += t.start[b-1]
	}
	n := t.start[len(t.start)-1]
	t.tags, t.idx = make([]uint16, n), make([]int32, n)
}

// find returns the first index put under a key of fingerprint fp for which match is true.
func (t *keyTable) find(fp uint32, match func(i int32) bool) (int32, bool) {
	b := t.bucket(fp)
	for e := t.start[b]; e < t.start[b+1] && t.idx[e] != 0; e++ {
		if t.tags[e] == uint16(fp) {
			if i := t.idx[e] - 1; match(i) {
				return i, true
			}
		}
	}
	return 0, false
}

// put stores index i under a key of fingerprint fp, counted before (and checked new by
// the caller): in the first empty place of its bucket, so that find, which stops at the
// first, tries the keys in the order they were put. A key counted and not put (a
// repeated one) leaves its place empty.
func (t *keyTable) put(fp uint32, i int32) {
	b := t.bucket(fp)
	for e := t.start[b]; e < t.start[b+1]; e++ {
		if t.idx[e] == 0 {
			t.tags[e], t.idx[e] = uint16(fp), i+1
			return
		}
	}
	panic("mapping: keyTable.put of a key not counted")
}

// size returns the keys put and the bytes the table holds.
func (t *keyTable) size() (n, bytes int) {
	for _, v := range t.idx {
		if v != 0 {
			n++
		}
	}
	return n, 4*len(t.start) + 2*len(t.tags) + 4*len(t.idx)
}
