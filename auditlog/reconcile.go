package auditlog

import (
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
	type key struct{ event, user string }
	byKey := map[key][]int{}
	for i, e := range entries {
		k := key{fold(e.Event), fold(e.TargetUser())}
		byKey[k] = append(byKey[k], i)
	}
	used := make([]bool, len(entries))
	out := make([]Match, len(changes))
	keyOf := func(ch diff.Change) key {
		u := ch.User
		if u == "" {
			u = Username(ch.Target)
		}
		return key{fold(string(ch.Event)), fold(u)}
	}
	for i, ch := range changes {
		out[i] = Match{Status: Missing, Change: ch}
		for _, j := range byKey[keyOf(ch)] {
			if !used[j] && sameValues(ch, entries[j]) {
				used[j] = true
				out[i].Status, out[i].Entry = Logged, &entries[j]
				break
			}
		}
	}
	for i := range out {
		if out[i].Status != Missing {
			continue
		}
		for _, j := range byKey[keyOf(out[i].Change)] {
			if !used[j] {
				used[j] = true
				out[i].Status, out[i].Entry = Partly, &entries[j]
				break
			}
		}
	}
	return out
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
