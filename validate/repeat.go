package validate

import (
	"hash/maphash"
	"strings"
)

// ParticipantIDs finds the records of one input that repeat the participant ID
// (subjectKey) of an earlier record. The participant API adds a participant or updates an
// existing one's contact information (OpenClinica participant API: "Use this endpoint to
// add a new Participant to a study site, update an existing Participant's contact
// information"), so of the records of one ID sent in turn only the first the server
// accepts adds a participant; each later one updates it. A list checked before it is
// sent holds such repeats by mistake more often than on purpose (two people given one ID,
// a row pasted twice), and they are no new enrolments: counted as such they fill an
// enrollment cap that is not full.
//
// IDs are compared as written, with the white space around them trimmed (the API names
// no other rule: letter case is not known to be ignored, so ss-1 and SS-1 stay two
// participants). An empty ID (a system-generated one) repeats nothing.
//
// It holds a 64-bit fingerprint of each ID (maphash, of a seed of its own) and where its
// first record is, side by side, in one open-addressing table kept between half and three
// quarters full: 16 bytes a slot, some 21 to 32 bytes a participant, no ID kept, so that a
// file of a million records is checked in bounded memory. Two IDs of one fingerprint would be taken
// for one: for n IDs the chance that any two share one is below n²/2⁶⁵ (3·10⁻⁸ at a
// million). Find leaves its slot for the Note of the same record, and a slot holds the
// fingerprint beside the place, so that a new ID costs one read of a table too large for
// the processor's caches, where a probe for Find, another for Note and the place in an
// array of its own cost three (a million records: 0.33 s of CPU).
type ParticipantIDs struct {
	slots []idSlot
	n     int
	seed  maphash.Seed
	// The ID Find looked up last: its fingerprint and slot, which Note uses when it notes
	// the same ID (the table does not change in between: Find grows it first).
	lastFP   uint64
	lastSlot int
}

// idSlot is a slot of ParticipantIDs: an ID's fingerprint (0: empty; never 0 else) and
// the first record's place, as given to Note (placeAccepted marks an ID accepted).
type idSlot struct {
	fp    uint64
	place uint32
}

// placeAccepted marks, in ParticipantIDs.places, an ID a record of which was accepted;
// maxPlace is the largest place kept as it is (a larger one is kept as maxPlace).
const (
	placeAccepted = 1 << 31
	maxPlace      = placeAccepted - 1
)

// NewParticipantIDs returns an empty set.
func NewParticipantIDs() *ParticipantIDs {
	return &ParticipantIDs{seed: maphash.MakeSeed()}
}

func (s *ParticipantIDs) print(id string) uint64 {
	return max(maphash.String(s.seed, id), 1)
}

// slot returns the slot of fingerprint fp: the one holding it, else the empty one where
// it would go. The table is any size: the probe starts where the fingerprint's top bits
// scale to.
func (s *ParticipantIDs) slot(fp uint64) int {
	n := len(s.slots)
	for i := int((fp >> 32) * uint64(n) >> 32); ; i++ {
		if i == n {
			i = 0
		}
		if f := s.slots[i].fp; f == 0 || f == fp {
			return i
		}
	}
}

// Find reports whether an earlier record noted subjectKey's participant ID, with that
// record's place (as given to Note) and whether any record of the ID noted so far was
// accepted (so that this record updates the participant it added, rather than adding one).
func (s *ParticipantIDs) Find(subjectKey string) (first int64, accepted, ok bool) {
	id := strings.TrimSpace(subjectKey)
	if id == "" {
		return 0, false, false
	}
	if 4*(s.n+1) > 3*len(s.slots) {
		s.grow() // before the look-up, so that the slot stays Note's
	}
	fp := s.print(id)
	i := s.slot(fp)
	s.lastFP, s.lastSlot = fp, i
	if s.slots[i].fp == 0 {
		return 0, false, false
	}
	p := s.slots[i].place
	return int64(p &^ placeAccepted), p&placeAccepted != 0, true
}

// Note notes a record of subjectKey's participant ID at place (a row or line number, kept
// for a later record's Find; one past 2³¹-1 is kept as that) and whether it was accepted.
// The first record of an ID keeps its place; a later accepted one marks the ID accepted.
func (s *ParticipantIDs) Note(subjectKey string, place int64, accepted bool) {
	id := strings.TrimSpace(subjectKey)
	if id == "" {
		return
	}
	fp := s.print(id)
	i := s.lastSlot
	if fp != s.lastFP || len(s.slots) == 0 {
		if 4*(s.n+1) > 3*len(s.slots) {
			s.grow()
		}
		i = s.slot(fp)
	}
	sl := &s.slots[i]
	if sl.fp == 0 {
		sl.fp, sl.place = fp, uint32(min(max(place, 0), maxPlace))
		s.n++
	}
	if accepted {
		sl.place |= placeAccepted
	}
	s.lastFP = 0
}

// grow makes the table half again as large (at least 64 slots), so that it is between
// half and three quarters full (doubling left it between three eighths and three
// quarters: a third more memory at a million IDs).
func (s *ParticipantIDs) grow() {
	old := s.slots
	s.slots = make([]idSlot, max(64, len(old)+len(old)/2))
	for _, sl := range old {
		if sl.fp != 0 {
			s.slots[s.slot(sl.fp)] = sl
		}
	}
	s.lastFP = 0
}

// RepeatedParticipantID is the finding of a record of participant ID subjectKey (its
// value, kept only with Options.Values) that an earlier record has: first names that record ("row 4", "the record at line 12"), and updates says that
// a record of the ID was accepted, so this one updates that participant (and is no new
// enrolment) rather than adding one. It is a warning: the API takes the record, as an
// update.
func RepeatedParticipantID(subjectKey, first string, updates bool, opts Options) Finding {
	msg := "the participant ID is also on " + first + ", the first record of it"
	if updates {
		msg += "; the API adds that participant once and takes this record as an update of its contact data, not as a new participant"
	} else {
		msg += ", which is not accepted; this record would add the participant"
	}
	f := opts.finding(CodeRepeatedParticipantID, "subjectKey", subjectKey, msg)
	f.Severity = SeverityWarning
	return f
}
