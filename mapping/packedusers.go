package mapping

import "slices"

// packedUsers keeps user encodings (usercodec.go) in order, packed into chunks of a spill
// file: user i is at offset offs[i/infoChunk][i%infoChunk] of the last chunk k with
// first[k] <= i, two bytes a user (a chunk is at most chunkSize long, unless it holds
// one larger user, at offset 0). The chunk being filled is cur. WriteODMStream's
// spilledUsers and MergeStream's mergeStore build on it.
type packedUsers struct {
	sp     *spill
	cur    []byte
	offs   [][]uint16
	first  []int32
	n      int32
	chunks int32  // the chunks in the spill file
	enc    []byte // room for an encoding moved to the next chunk
	// nextChunk is 1 + the chunk record read from last, inOrder how many reads running
	// were of that chunk or the one after it (record).
	nextChunk, inOrder int
	// alone is the encoding of user aloneAt-1, the one record read alone last: a user
	// looked up is mostly read twice, to check its key and to use it.
	aloneAt int32
	alone   string
}

// add appends u and returns its index. u is encoded at the end of the chunk being
// filled, not apart and then copied there; one that does not fit (a chunk holds
// chunkSize bytes, or one larger user) is moved to the start of the next chunk.
func (s *packedUsers) add(u *User) (int32, error) {
	at := len(s.cur)
	cur, err := appendUser(s.cur, u)
	if err != nil {
		return -1, err
	}
	s.cur = cur
	i := s.placed(at)
	return i, s.sp.err
}

// addID appends a record of id alone (its encoding's first field, which userID reads) and
// returns its index: for PatchStream's users of which only the ID is read back (see
// spilledUsers.idOnly).
func (s *packedUsers) addID(id string) (int32, error) {
	at := len(s.cur)
	e := userEnc{s.cur}
	e.str(id)
	s.cur = e.b
	i := s.placed(at)
	return i, s.sp.err
}

// placed notes the encoding appended to the chunk being filled at offset at as the next
// user's and returns its index: one that does not fit is moved to the start of the next
// chunk.
func (s *packedUsers) placed(at int) int32 {
	if len(s.cur) > chunkSize && at > 0 {
		s.enc = append(s.enc[:0], s.cur[at:]...)
		s.cur = s.cur[:at]
		s.putChunk()
		s.cur = append(s.cur, s.enc...)
		at = 0
	}
	if at == 0 {
		s.first = append(s.first, s.n)
	}
	if n := len(s.offs); n == 0 || len(s.offs[n-1]) == cap(s.offs[n-1]) {
		s.offs = append(s.offs, make([]uint16, 0, infoChunk))
	}
	last := &s.offs[len(s.offs)-1]
	*last = append(*last, uint16(at))
	i := s.n
	s.n++
	return i
}

// putChunk writes the chunk being filled to the spill file.
func (s *packedUsers) putChunk() {
	s.sp.putBytes(s.cur)
	s.chunks++
	s.cur = s.cur[:0]
}

// at returns the chunk user i is in (chunks: the one being filled) and its offset there.
func (s *packedUsers) at(i int32) (k, off int) {
	off = int(s.offs[i/infoChunk][i%infoChunk])
	k, found := slices.BinarySearch(s.first, i)
	if !found {
		k-- // the chunk that starts before i
	}
	return k, off
}

// record returns user i's encoding (and, when its chunk is read whole, what follows it
// there). The chunk is read whole (and kept in the spill's cache) when the reads go in
// order, else the encoding alone: users looked up in another order than they were added
// (a template sorted otherwise than the export it is merged into or patched into) read
// a 64 KiB chunk for each user before, twice (its key checked, then used): a million
// users merged so took 181 s of CPU, four times as long as in one order. One in the
// chunk being filled is a copy of its encoding alone: a copy of the rest of the chunk
// cost up to chunkSize per user. An I/O error panics with a spillFailure.
func (s *packedUsers) record(i int32) string {
	k, off := s.at(i)
	if k == int(s.chunks) {
		return string(s.cur[off:s.end(i, k, len(s.cur))])
	}
	if c, ok := s.sp.cached(k); ok {
		return c[off:]
	}
	if s.aloneAt == i+1 {
		return s.alone
	}
	// In order when this chunk is the one read last or the next, three times running: in
	// a random order one such read in a few dozen is so by chance (a few hundred whole
	// chunks read at 20,000 users in 30 chunks), three in a row hardly ever.
	if k == s.nextChunk-1 || k == s.nextChunk {
		s.inOrder++
	} else {
		s.inOrder = 0
	}
	s.nextChunk = k + 1
	if s.inOrder >= 3 {
		return s.sp.get(k)[off:]
	}
	s.aloneAt, s.alone = i+1, s.readAlone(i, k, off)
	return s.alone
}

// cheap reports whether record(i) reads nothing from the spill file: user i is in the
// chunk being filled, in a chunk the spill holds, or the one read alone last.
func (s *packedUsers) cheap(i int32) bool {
	k, _ := s.at(i)
	if k == int(s.chunks) || s.aloneAt == i+1 {
		return true
	}
	_, ok := s.sp.cached(k)
	return ok
}

// end returns where user i's encoding ends in chunk k, n bytes long: where the next
// user's starts, when it is in the same chunk.
func (s *packedUsers) end(i int32, k, n int) int {
	if j := i + 1; j < s.n {
		if kj, offj := s.at(j); kj == k {
			return offj
		}
	}
	return n
}

// readAlone reads user i's encoding, at off in spilled chunk k, from the spill file into
// memory of its own.
func (s *packedUsers) readAlone(i int32, k, off int) string {
	end := s.end(i, k, int(s.sp.lens[k]))
	if end == off {
		return ""
	}
	return s.sp.span(s.sp.offs[k]+int64(off), int64(end-off))
}
