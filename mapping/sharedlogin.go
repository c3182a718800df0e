package mapping

import (
	"hash/maphash"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// sharedLogins finds the users a table writer writes under the login of a user it wrote
// before. A table keys its users by login (the Clinical One template's User Name, the
// OpenClinica 4 table's Username): read back, the rows of two users written under one
// login are one user's, and the target system takes them for one account, so each later
// user is reported rather than merged without a word.
//
// What "one login" is follows the readers, which key a row by LoginKey of its login
// cell: a login is compared trimmed, as the cell is written (after the apostrophe of a
// cell that a spreadsheet would run as a formula), and letter case aside (fold;
// strings.ToLower's mapping, as LoginKey maps it). OpenClinica 4 takes usernames in any
// letter case ("The username or email address can be used to log in, and these are not
// case sensitive": OpenClinica 4 user guide, Invite Users); Clinical One says nothing of
// letter case (the seeds and Oracle's template guidelines only ask that user names be
// unique), and its template is read by the rule every other path has (see LoginKey), so
// jdoe and JDoe written into either table read back as one user.
//
// It holds each login as a 64-bit fingerprint (maphash, of a seed of its own) in one
// open-addressing table made for the users the writer is handed (at most four fifths
// full: 10 bytes a user; no allocation a user), not the logins: a Go map of
// fingerprints (3526647) held some 10 MB more at a million users, past the 64 MiB map is
// held to. No login is kept to confirm a fingerprint that matches, and none can be read
// again (the streamed writers let go of each user's record once it is built), so two
// different logins of one fingerprint would be reported as one: for n logins the chance
// that any two share one is below n²/2⁶⁵ (3·10⁻⁸ at a million, with a new seed each
// write), far below that of any other mistake in the input, and the warning names the
// later user by OID, so that a false one would be seen at once in the table.
//
// A look-up in a table of some 10 MB misses the processor's caches: one a user as it was
// written took 190 to 300 ns (BenchmarkSharedLogins, on a shared machine), some 0.2 s of
// CPU at a million users. So the logins are looked up a batch at a time (note, flush):
// the batch's slots are first read one after the other, independent loads that the
// processor overlaps, and then looked up in order, in cache (55 to 105 ns a login). A
// user's warning so comes up to a batch of users late, with the same subject and count.
type sharedLogins struct {
	slots []uint64 // 0: empty; else a login's fingerprint (never 0, see print)
	n     int      // logins held
	users int      // the users it is made for, with the first login
	seed  maphash.Seed
	fold  bool   // letter case aside
	buf   []byte // the folded login, used again from login to login
	// The batch noted and not looked up yet: each login's fingerprint and, in ids, the
	// OID of its user, which names it in the warning (copied: a streamed writer builds
	// each user in the memory of the one before).
	batch []sharedNote
	ids   []byte
	sink  uint64 // what the batch's first reads summed, so that they are not left out
	// The warning of a user written under an earlier one's login.
	w          *warner
	field, msg string
}

type sharedNote struct {
	fp     uint64
	idFrom int32 // the user's OID is ids[idFrom:idTo]
	idTo   int32
}

// sharedBatch is how many logins are looked up at a time.
const sharedBatch = 64

// newSharedLogins returns the set for a table of at most users users (0: not known; the
// table then grows as logins come), comparing logins letter case aside when fold is set.
// A user written under an earlier one's login is reported to w, as unrepresentable field
// with message msg, subject the user's OID.
//
// users < 0 says the writer renders one user's rows alone (a --base patch comparing a
// table's row with its document's user, for each user): no set is made, and the nil set
// notes nothing, so that those renderings cost no table and no batch each.
func newSharedLogins(users int, fold bool, w *warner, field, msg string) *sharedLogins {
	if users < 0 {
		return nil
	}
	return &sharedLogins{users: users, seed: maphash.MakeSeed(), fold: fold, batch: make([]sharedNote, 0, sharedBatch),
		w: w, field: field, msg: msg}
}

// sharedSlots is the size of a table that holds n logins at most four fifths full.
func sharedSlots(n int) int { return max(16, n+n/4+1) }

// note notes the login cell written for user id, to be looked up with the batch it is in
// (at the latest by flush). An empty cell names nobody (both readers skip such a row)
// and is not noted.
func (s *sharedLogins) note(cell, id string) {
	if s == nil {
		return
	}
	login := strings.TrimSpace(cell)
	if login == "" {
		return
	}
	from := len(s.ids)
	s.ids = append(s.ids, id...)
	s.batch = append(s.batch, sharedNote{s.print(login), int32(from), int32(len(s.ids))})
	if len(s.batch) == sharedBatch {
		s.flush()
	}
}

// flush looks up the logins noted, in order, and reports each user whose login a user
// before it had.
func (s *sharedLogins) flush() {
	if s == nil || len(s.batch) == 0 {
		return
	}
	if s.slots == nil {
		// Made with the first batch, not before the users: a writer's setup (the sites
		// let go of, the first records read) is then garbage, not beside it.
		s.slots = make([]uint64, sharedSlots(max(s.users, len(s.batch))))
	}
	// Each look-up's first slot, read ahead: most are cache misses, and independent
	// loads, one after the other, wait for memory together.
	var sum uint64
	for _, b := range s.batch {
		sum += s.slots[s.home(b.fp)]
	}
	s.sink += sum
	for _, b := range s.batch {
		if s.add(b.fp) {
			id := s.ids[b.idFrom:b.idTo]
			if !s.w.bump(CodeUnrepresentable, s.field, s.msg) {
				s.w.add(CodeUnrepresentable, s.field, "User "+string(id), s.msg)
			}
		}
	}
	s.batch, s.ids = s.batch[:0], s.ids[:0]
}

// add adds fingerprint fp and reports whether the table held it already.
func (s *sharedLogins) add(fp uint64) bool {
	for j := s.home(fp); ; j++ {
		if j == len(s.slots) {
			j = 0
		}
		switch s.slots[j] {
		case fp:
			return true
		case 0:
			if 5*(s.n+1) > 4*len(s.slots) {
				s.grow()
				s.put(fp)
			} else {
				s.slots[j] = fp
			}
			s.n++
			return false
		}
	}
}

// print is login's fingerprint, folded when s folds.
func (s *sharedLogins) print(login string) uint64 {
	var h uint64
	if s.fold && !isLowerASCII(login) {
		s.buf = foldLogin(s.buf[:0], login)
		h = maphash.Bytes(s.seed, s.buf)
	} else {
		// A login in lower-case ASCII, as most are, is its own fold: hashed as it is,
		// not copied rune by rune (a fifth of what the set cost a user).
		h = maphash.String(s.seed, login)
	}
	return max(h, 1) // 0 marks an empty slot: the fingerprints 0 and 1 are one
}

// isLowerASCII reports whether login has no upper-case letter and no byte past ASCII.
func isLowerASCII(login string) bool {
	for i := 0; i < len(login); i++ {
		if c := login[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

// foldLogin appends login in lower case to buf, rune by rune as strings.ToLower maps it
// (an invalid byte becomes U+FFFD, as there), without allocating a string a login.
func foldLogin(buf []byte, login string) []byte {
	for _, r := range login {
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			buf = append(buf, byte(r))
			continue
		}
		buf = utf8.AppendRune(buf, unicode.ToLower(r))
	}
	return buf
}

// home is where fingerprint fp's probe sequence starts: its high bits scaled to the table.
func (s *sharedLogins) home(fp uint64) int {
	hi, _ := bits.Mul64(fp, uint64(len(s.slots)))
	return int(hi)
}

// grow doubles the table: only when the writer was handed more users than it was told
// of (or not told).
func (s *sharedLogins) grow() {
	old := s.slots
	s.slots = make([]uint64, 2*len(old))
	for _, fp := range old {
		if fp != 0 {
			s.put(fp)
		}
	}
}

// put stores fp, which the table does not hold, in the first empty slot from its home.
func (s *sharedLogins) put(fp uint64) {
	j := s.home(fp)
	for s.slots[j] != 0 {
		if j++; j == len(s.slots) {
			j = 0
		}
	}
	s.slots[j] = fp
}
