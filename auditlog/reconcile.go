package auditlog

import (
	"iter"
	"slices"
	"strings"

	"github.com/odmadmin/odmadmin/diff"
)

// Status says whether the log records a change.
type Status string

const (
	// Logged: an entry has the change's event, user and values.
	Logged Status = "LOGGED"
	// Partly: an entry has the change's event and user, but other values.
	Partly Status = "PARTLY"
	// Missing: no entry has the change's event and user.
	Missing Status = "MISSING"
)

// Match is one change and the entry that records it (nil when Missing).
type Match struct {
	Status Status      `json:"status"`
	Change diff.Change `json:"change"`
	Entry  *Entry      `json:"entry,omitempty"`
}

// Reconcile pairs every change with the log entry that records it, in the order of the
// changes (see the package documentation for when an entry matches). Each entry serves
// at most one change; exact matches are made before partial ones, so a partial match never
// takes the entry another change needs.
func Reconcile(changes []diff.Change, entries []Entry) []Match {
	out := make([]Match, 0, len(changes))
	ReconcileEach(slices.Values(changes), entries, func(m Match) error {
		out = append(out, m)
		return nil
	})
	return out
}

// ReconcileEach is Reconcile for changes that can be read twice (a diff.Changes file):
// it reads them once to pair them with the entries, holding some 8 bytes a change, and
// again to hand each its Match, in order, to each (an error from each stops it and is
// returned). Reconcile holds the changes and a Match for each: a diff of 390,000
// changes reconciled with a log of as many entries took 524 MiB.
func ReconcileEach(changes iter.Seq[diff.Change], entries []Entry, each func(Match) error) error {
	pairs := pairUp(changes, entries)
	i := 0
	var err error
	for ch := range changes {
		if i == len(pairs) {
			break // the sequence grew between the readings: no pairing for the rest
		}
		m := Match{Status: Missing, Change: ch}
		if p := pairs[i]; p.entry >= 0 {
			m.Status, m.Entry = Logged, &entries[p.entry]
			if p.partly {
				m.Status = Partly
			}
		}
		i++
		if err = each(m); err != nil {
			break
		}
	}
	return err
}

// pairing is a change's key (its event and user, an index into pairUp's table; -1 when
// no entry has it) and the entry it is paired with (-1: none), partly or not: 12 bytes.
type pairing struct {
	key, entry int32
	partly     bool
}

// pairUp pairs the changes with the entries as Reconcile documents it, in two passes: the
// first over the changes, each taking the first unused entry of its key with its values;
// the second over the pairings, each change left taking the first unused entry of its
// key.
func pairUp(changes iter.Seq[diff.Change], entries []Entry) []pairing {
	type key struct{ event, user string }
	ids := map[key]int32{}
	var byKey [][]int32 // the entries of each key, in log order
	for i, e := range entries {
		k := key{fold(e.Event), fold(e.TargetUser())}
		id, ok := ids[k]
		if !ok {
			id = int32(len(byKey))
			ids[k] = id
			byKey = append(byKey, nil)
		}
		byKey[id] = append(byKey[id], int32(i))
	}
	used := make([]bool, len(entries))
	var pairs []pairing
	for ch := range changes {
		u := ch.User
		if u == "" {
			u = Username(ch.Target)
		}
		p := pairing{key: -1, entry: -1}
		if id, ok := ids[key{fold(string(ch.Event)), fold(u)}]; ok {
			p.key = id
			for _, j := range byKey[id] {
				if !used[j] && sameValues(ch, entries[j]) {
					used[j] = true
					p.entry = j
					break
				}
			}
		}
		pairs = append(pairs, p)
	}
	for i := range pairs {
		p := &pairs[i]
		if p.entry >= 0 || p.key < 0 {
			continue
		}
		for _, j := range byKey[p.key] {
			if !used[j] {
				used[j] = true
				p.entry, p.partly = j, true
				break
			}
		}
	}
	return pairs
}

// sameValues compares what the change says changed with the entry: the old and new
// values, and the value type when both name one. A change without values (a user added
// or removed) matches on event and user alone.
func sameValues(ch diff.Change, e Entry) bool {
	if ch.ValueType == "" && ch.Old == "" && ch.New == "" {
		return true
	}
	if ch.ValueType != "" && e.ValueType != "" && fold(ch.ValueType) != fold(e.ValueType) {
		return false
	}
	return fold(ch.Old) == fold(e.Old) && fold(ch.New) == fold(e.New)
}

// fold collapses white space and ignores letter case, for comparing log text.
func fold(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// Counts returns how many matches have each status.
func Counts(ms []Match) (logged, partly, missing int) {
	for _, m := range ms {
		switch m.Status {
		case Logged:
			logged++
		case Partly:
			partly++
		default:
			missing++
		}
	}
	return
}
