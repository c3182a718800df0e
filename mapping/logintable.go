package mapping

import (
	"encoding/binary"
	"iter"
)

// LoginTable returns a directory that holds nothing of users but their logins by OID, for
// the login lookup of a migration spec (Spec.Apply's lookup, SpecUse.Lookup): a
// lookup table of any size costs the OID and login text of each user with a login and
// some 12 bytes of index, not the users (some 1.7 KB each) nor a map of strings (which
// kept each user's whole text block alive). Its Users is empty. As the whole table
// does, a user without a login gives none, and the last user of an OID gives its login.
func LoginTable(users iter.Seq[*User]) *Directory {
	return &Directory{Users: []*User{}, logins: loginsOf(users)}
}

// loginTable holds (OID, login) pairs packed into chunks, found by OID through an idIndex.
type loginTable struct {
	idx    *idIndex
	chunks [][]byte
	locs   []uint64 // pair i is at chunk locs[i]>>32, offset uint32(locs[i])
}

// loginChunk is the size a chunk is allocated at (a larger pair has one of its own).
const loginChunk = 256 << 10

func newLoginTable() *loginTable { return &loginTable{idx: newIDIndex()} }

func loginsOf(users iter.Seq[*User]) *loginTable {
	t := newLoginTable()
	for u := range users {
		if u != nil && u.Login != "" {
			t.add(u.ID, u.Login)
		}
	}
	return t
}

// add sets oid's login; a later add of the same OID replaces it.
func (t *loginTable) add(oid, login string) {
	loc := t.put(oid, login)
	if i, ok := t.find(oid); ok {
		t.locs[i] = loc
		return
	}
	t.locs = append(t.locs, loc)
	t.idx.add(oid, int32(len(t.locs)-1))
}

// put appends the pair and returns where it is.
func (t *loginTable) put(oid, login string) uint64 {
	need := 2*binary.MaxVarintLen32 + len(oid) + len(login)
	k := len(t.chunks) - 1
	if k < 0 || cap(t.chunks[k])-len(t.chunks[k]) < need {
		t.chunks = append(t.chunks, make([]byte, 0, max(loginChunk, need)))
		k++
	}
	c := t.chunks[k]
	off := len(c)
	c = binary.AppendUvarint(c, uint64(len(oid)))
	c = append(c, oid...)
	c = binary.AppendUvarint(c, uint64(len(login)))
	c = append(c, login...)
	t.chunks[k] = c
	return uint64(k)<<32 | uint64(off)
}

// pair returns pair i's OID and login, in the chunk's memory.
func (t *loginTable) pair(i int32) (oid, login []byte) {
	c := t.chunks[t.locs[i]>>32][uint32(t.locs[i]):]
	n, m := binary.Uvarint(c)
	oid, c = c[m:m+int(n)], c[m+int(n):]
	n, m = binary.Uvarint(c)
	return oid, c[m : m+int(n)]
}

func (t *loginTable) find(oid string) (int32, bool) {
	return t.idx.find(oid, func(i int32) bool {
		o, _ := t.pair(i)
		return string(o) == oid
	})
}

// login returns oid's login, "" when the table has none.
func (t *loginTable) login(oid string) string {
	i, ok := t.find(oid)
	if !ok {
		return ""
	}
	_, l := t.pair(i)
	return string(l)
}
