package mapping

import (
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"github.com/odmadmin/odmadmin/odm"
)

// A document patched into itself (PatchOptions.Reread) has the record of each user read
// from one record of it copied as it was read (see spilledUsers.asRead): of such a user
// the second pass reads nothing but its ID, to find it for its record. So PatchStream
// spills the ID alone for it, not its whole encoding: at a million users of an InForm
// export that was some 435 MB written to the temporary file in the first pass, a sixth
// of map --to odm's CPU in the copy to the page cache, and read back in the second for
// the ID alone.
//
// A user is so spilled (idOnly) when the second pass needs nothing else of it in a
// document that is the one read: it is as read (not merged from several records), it has
// an ID (a record without OID is found by login, through the user built), no block of
// another study may take it as a new user (mayBeNew: the first block of a study looks at
// each of those whole), the document is not ODM 2.0 (whose records are never copied
// undecoded) and each of its AdminData has a StudyOID (a block without one looks at every
// user not written yet). A record of such a user that the copy cannot take as read
// (odm.RawCopy: a form the encoder does not write, say) is decoded and handed to the
// patcher, which writes it as read (idOnlyRecord) as the copy would have: the record it
// was read from, unchanged, is what Patch writes for it.
//
// Where the second pass would need more of such a user than its ID (a second record of
// its OID, or no record at all of it, so that it would be added to a block), the document
// read again is not the one read first: PatchStream fails with errRereadChanged rather
// than write from a user it does not have.

// errRereadChanged is PatchStream's error for a document read again (Reread) that is not
// the one read first.
var errRereadChanged = errors.New("mapping: the document changed between its two readings")

// idOnlyPlan says which users spilledUsers.add spills as their ID alone.
type idOnlyPlan struct {
	// merged are the indexes of the users merged from several records, ascending; next
	// is the first not below the user added last (the users come in order).
	merged []int32
	next   int
}

// planIDOnly has users spill the users PatchStream reads back by ID alone as such (see
// above), given that its second pass copies the records of the users as read (asRead)
// and merged lists the users that are not. b is the builder that read the document.
func planIDOnly(users *spilledUsers, b *builder, merged []int32) {
	if b.version == odm.V20 {
		return
	}
	for _, blk := range b.dir.Source.Blocks {
		if blk.Study == "" {
			return
		}
	}
	users.idPlan = &idOnlyPlan{merged: slices.Sorted(slices.Values(merged))}
}

// spillsID reports whether user i, u, is spilled as its ID alone, mayBeNew being
// s.mayBeNew(u).
func (s *spilledUsers) spillsID(i int32, u *User, mayBeNew bool) bool {
	pl := s.idPlan
	if pl == nil || u.ID == "" || mayBeNew {
		return false
	}
	for pl.next < len(pl.merged) && pl.merged[pl.next] < i {
		pl.next++
	}
	return pl.next == len(pl.merged) || pl.merged[pl.next] != i
}

// isIDOnly reports whether user i was spilled as its ID alone.
func (s *spilledUsers) isIDOnly(i int32) bool {
	return s.idOnly != nil && s.idOnly[i/64]&(1<<(i%64)) != 0
}

// idOnlyCount returns how many users were spilled as their ID alone.
func (s *spilledUsers) idOnlyCount() int {
	n := 0
	for _, w := range s.idOnly {
		n += bits.OnesCount64(w)
	}
	return n
}

// whole panics with errRereadChanged (as a spillFailure, which PatchStream turns into its
// error) when user i was spilled as its ID alone: the caller is about to build it.
func (s *spilledUsers) whole(i int32) {
	if s.isIDOnly(i) {
		panic(spillFailure{fmt.Errorf("%w: user %q is not where it was first read", errRereadChanged, userID(s.record(i)))})
	}
}

// idOnlyRecord returns the index of the user a User record of OID oid (trimmed) is about
// when that user was spilled as its ID alone, for the patcher to write the record as
// read. A second record of such a user panics with errRereadChanged: it was read from
// one.
func (s *spilledUsers) idOnlyRecord(oid string) (int32, bool) {
	if s.idOnly == nil || oid == "" {
		return -1, false
	}
	i, ok := s.findID(oid)
	if !ok || !s.isIDOnly(i) {
		return -1, false
	}
	if s.isDone(i, nil) {
		panic(spillFailure{fmt.Errorf("%w: user %q has a second record", errRereadChanged, oid)})
	}
	return i, true
}

// asReadUser is record's case of a User record v of a user spilled as its ID alone: it is
// written as read, as odm.RawCopy would have copied it.
func (p *patcher) asReadUser(v *odm.User) (odm.Node, bool) {
	su, ok := p.users.(*spilledUsers)
	if !ok {
		return nil, false
	}
	i, ok := su.idOnlyRecord(strings.TrimSpace(v.OID))
	if !ok {
		return nil, false
	}
	p.rawUser = i
	p.copiedRaw()
	return odm.AsRead(), true
}
