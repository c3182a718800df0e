package mapping

import (
	"fmt"
	"testing"
)

// TestSpilledUsersIndexBuiltOnFirstFind: PatchStream adds every user to the spill while
// the builder that read them is held, and looks them up only once it let go of it, so
// the table finding users by ID is built on the first look-up, from fingerprints noted
// while adding (4 bytes a user), and at its size at once: at a million users the table
// grown key by key was some 14 MB of a 38 MB live heap at the peak of map --to odm. The
// look-ups must find what they found with the table built as the users were added: the
// first user with an ID, and no other.
func TestSpilledUsersIndexBuiltOnFirstFind(t *testing.T) {
	s := newTestSpilledUsers(t, &FileSource{Vendor: ProfileInForm})
	const n = 20000
	for i := range n {
		u := &User{ID: fmt.Sprintf("u%06d", i), Login: fmt.Sprintf("login%d", i)}
		switch {
		case i%1000 == 999:
			u.ID = fmt.Sprintf("u%06d", i-500) // a second user with an earlier one's ID
		case i == 42:
			u.ID = "" // found by login
		}
		if err := s.add(u); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.seal(); err != nil {
		t.Fatal(err)
	}
	if keys, slots := s.byID.size(); keys != 0 || slots != 0 {
		t.Fatalf("the ID table holds %d keys in %d slots before any look-up, want none: it is built while the users are added", keys, slots)
	}
	if j, u := s.find("u000100", ""); j != 100 || u == nil || u.Login != "login100" {
		t.Fatalf("find u000100 = %d", j)
	}
	const distinct = n - 1 - n/1000 // less the user without ID and the repeats
	keys, slots := s.byID.size()
	if keys != distinct {
		t.Errorf("the ID table holds %d keys, want the %d distinct IDs", keys, distinct)
	}
	if fill := float64(keys) / float64(slots); fill < 0.72 {
		t.Errorf("the ID table is %.0f%% full, want about 75%%: it is sized for its keys, not grown", 100*fill)
	}
	for _, c := range []struct {
		id   string
		want int32
		why  string
	}{
		{"u000499", 499, "the first user with the ID a later one repeats"},
		{"u000999", -1, "no user has it: user 999 was added with u000499"},
		{"u019999", -1, "no user has it: user 19999 was added with u019499"},
		{"u019998", 19998, "the last user with an ID of its own"},
		{"u000000", 0, "the first user"},
	} {
		if j, _ := s.find(c.id, ""); j != c.want {
			t.Errorf("find %s = %d, want %d: %s", c.id, j, c.want, c.why)
		}
	}
	if j, u := s.find("", "login42"); j != 42 || u == nil {
		t.Errorf("find by login of the user without ID = %d, want 42", j)
	}
}

// newTestSpilledUsers returns an empty spilledUsers for a directory read from src, closed
// when the test ends.
func newTestSpilledUsers(t *testing.T, src *FileSource) *spilledUsers {
	t.Helper()
	shell, err := newWriter(&Directory{Source: src}, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSpilledUsers(shell)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.close() })
	return s
}
