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

// record returns user i's encoding (and what follows it in its chunk). One in the chunk
// being filled is a copy of its encoding alone: a copy of the rest of the chunk cost up to
// chunkSize per user. An I/O error panics with a spillFailure.
func (s *packedUsers) record(i int32) string {
	k, off := s.at(i)
	if k == int(s.chunks) {
		end := len(s.cur)
		if j := i + 1; j < s.n {
			end = int(s.offs[j/infoChunk][j%infoChunk])
		}
		return string(s.cur[off:end])
	}
	return s.sp.get(k)[off:]
}
