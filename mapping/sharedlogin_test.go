package mapping

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// sharedOf notes logins as those of users U1, U2, ... in a set told of users users, and
// returns the users it reports as written under an earlier one's login, and the warning.
func sharedOf(logins []string, users int, fold bool) ([]string, []Warning) {
	var w warner
	s := newSharedLogins(users, fold, &w, "table/Username", "shared")
	var got []string
	for i, l := range logins {
		s.note(l, fmt.Sprintf("U%d", i+1))
		s.flush() // one at a time: which user is reported is then known
		for _, x := range w.list {
			if x.Count > len(got) {
				got = append(got, fmt.Sprintf("U%d", i+1))
			}
		}
	}
	return got, w.result()
}

// TestSharedLogins: a table writer's set of logins written finds a login written before
// as the target compares logins (trimmed; letter case aside for OpenClinica 4), and only
// such, whether it was made for the users it is handed or has to grow.
func TestSharedLogins(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fold   bool
		logins []string
		want   []string // the users reported: the logins' are U1, U2, ...
		why    string
	}{
		{"distinct logins", false, []string{"jdoe", "jdoe2", "adoe"}, nil,
			"no login is another's"},
		{"the same login twice", false, []string{"jdoe", "jdoe"}, []string{"U2"},
			"the second user's rows read back as the first's"},
		{"three users of one login", false, []string{"jdoe", "jdoe", "adoe", "jdoe"}, []string{"U2", "U4"},
			"each later user of the login is one"},
		{"white space around", false, []string{"jdoe", " jdoe\t"}, []string{"U2"},
			"the readers trim a cell: read back it is jdoe"},
		{"letter case, as written", false, []string{"jdoe", "JDoe"}, nil,
			"the template reads JDoe as another User Name than jdoe"},
		{"letter case aside", true, []string{"jdoe", "JDoe", "JDOE"}, []string{"U2", "U3"},
			"OpenClinica 4 usernames are not case sensitive"},
		{"other letters' case aside", true, []string{"sören", "SÖREN", "sÖren "}, []string{"U2", "U3"},
			"non-ASCII letters fold too"},
		{"folded, still exact", true, []string{"jdoe", "jdoe"}, []string{"U2"},
			"a login written as before is the same letter case aside too"},
		{"a prefix is another login", true, []string{"jdoe", "jdo", "jdoe."}, nil,
			"only the whole login counts"},
		{"empty cells name nobody", false, []string{"", "  ", ""}, nil,
			"the readers skip a row without a login"},
	} {
		if tc.why == "" {
			t.Fatalf("%s: a case needs its reason", tc.name)
		}
		for _, users := range []int{len(tc.logins), 0} {
			t.Run(fmt.Sprintf("%s/told %d", tc.name, users), func(t *testing.T) {
				got, ws := sharedOf(tc.logins, users, tc.fold)
				if !slices.Equal(got, tc.want) {
					t.Errorf("%q: users reported %q, want %q (%s)", tc.logins, got, tc.want, tc.why)
				}
				if len(tc.want) > 0 && (len(ws) != 1 || ws[0].Subject != "User "+tc.want[0] || ws[0].Count != len(tc.want) ||
					ws[0].Code != CodeUnrepresentable || ws[0].Field != "table/Username") {
					t.Errorf("%q: warnings %v, want one, of %s, counting %d", tc.logins, ws, tc.want[0], len(tc.want))
				}
			})
		}
	}
}

// TestSharedLoginsBatched: looked up a batch at a time, the users reported, the warning's
// subject (the first of them) and count are those of one at a time, across batches and
// within one; the OIDs noted are copies (a streamed writer builds each user in the memory
// of the one before).
func TestSharedLoginsBatched(t *testing.T) {
	const n = 3*sharedBatch + 5
	logins := make([]string, n)
	for i := range logins {
		logins[i] = fmt.Sprintf("user%d", i%(sharedBatch+7)) // each repeated a batch and a few later
	}
	logins[sharedBatch+1] = logins[sharedBatch] // twice within one batch
	want, wantWs := sharedOf(logins, n, false)
	if len(want) <= sharedBatch {
		t.Fatalf("%d users reported one at a time, want over a batch (%d)", len(want), sharedBatch)
	}
	var w warner
	s := newSharedLogins(n, false, &w, "table/Username", "shared")
	id := make([]byte, 0, 8)
	for i, l := range logins {
		// The OID in memory the next user's is written over, as a streamed writer's.
		id = fmt.Appendf(id[:0], "U%d", i+1)
		s.note(l, unsafe.String(&id[0], len(id)))
	}
	s.flush()
	ws := w.result()
	if len(ws) != 1 || ws[0].Count != len(want) || ws[0].Subject != wantWs[0].Subject {
		t.Errorf("batched: %v, want %v", ws, wantWs)
	}
}

// TestSharedLoginsGrows: told of no users (or of fewer than it is handed), the set grows
// and still finds every login written before; told of them, it does not grow, and holds
// 10 bytes a user at most.
func TestSharedLoginsGrows(t *testing.T) {
	const n = 50000
	for _, told := range []int{0, 100, n} {
		var w warner
		s := newSharedLogins(told, true, &w, "table/Username", "shared")
		s.note("  ", "U0")
		s.flush()
		if s.slots != nil {
			t.Errorf("told %d: an empty cell made the table", told)
		}
		for i := range n {
			s.note(fmt.Sprintf("User%06d", i), "U")
			if i == 0 {
				s.flush()
				if told == n && len(s.slots) != sharedSlots(n) {
					t.Errorf("told %d: %d slots made with the first login, want %d", told, len(s.slots), sharedSlots(n))
				}
			}
		}
		s.flush()
		if len(w.list) != 0 {
			t.Fatalf("told %d: distinct logins reported: %v", told, w.list)
		}
		for i := range n {
			s.note(strings.ToLower(fmt.Sprintf("USER%06d", i)), "U")
		}
		s.flush()
		if len(w.list) != 1 || w.list[0].Count != n {
			t.Errorf("told %d: %v, want every one of %d logins written again reported", told, w.list, n)
		}
		if s.n != n {
			t.Errorf("told %d: %d logins held, want %d", told, s.n, n)
		}
		if told == n && len(s.slots) != sharedSlots(n) {
			t.Errorf("told of %d users, the table grew from %d to %d slots", n, sharedSlots(n), len(s.slots))
		}
		if told == n && 8*len(s.slots) > 10*n+8*17 {
			t.Errorf("%d slots for %d users: %d bytes a user, want 10 at most", len(s.slots), n, 8*len(s.slots)/n)
		}
	}
}

// TestSharedLoginsAllocs: noting and looking up logins allocates nothing (once the table
// is made, with the first batch), folded or not, ASCII or not; a warning's subject is
// built for its first user only.
func TestSharedLoginsAllocs(t *testing.T) {
	for _, fold := range []bool{false, true} {
		var w warner
		s := newSharedLogins(1000, fold, &w, "table/Username", "shared")
		logins := []string{"jdoe", "JDoe", "Sören", " padded "}
		for range sharedBatch {
			s.note("warm up the buffers: a login longer than the others", "USER.000000001")
		}
		if a := testing.AllocsPerRun(100, func() {
			for _, l := range logins {
				s.note(l, "USER.1")
			}
			s.flush()
		}); a != 0 {
			t.Errorf("fold %v: %.1f allocations for %d logins, want 0", fold, a, len(logins))
		}
	}
}

// BenchmarkSharedLogins: the cost a user of noting its login in a table made for a
// million users (a write of map --to csv or oc4users at that size), as written and folded.
func BenchmarkSharedLogins(b *testing.B) {
	const n = 1 << 20
	logins := make([]string, n)
	for i := range logins {
		logins[i] = fmt.Sprintf("user%07d", i)
	}
	for _, fold := range []bool{false, true} {
		b.Run(fmt.Sprintf("fold=%v", fold), func(b *testing.B) {
			b.ResetTimer()
			var w warner
			var s *sharedLogins
			for i := range b.N {
				if i%n == 0 {
					if s != nil {
						s.flush()
					}
					s = newSharedLogins(n, fold, &w, "table/Username", "shared")
				}
				s.note(logins[i%n], "USER.1")
			}
		})
	}
}
