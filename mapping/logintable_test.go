package mapping

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestLoginTableAsMap holds the login table to the map of logins by OID it replaced, case
// by case, and over many users (several chunks, an OID given twice).
func TestLoginTableAsMap(t *testing.T) {
	cases := []struct {
		name  string
		users []*User
		oid   string
		want  string
	}{
		{"a user's login", []*User{{ID: "U1", Login: "ana"}}, "U1", "ana"},
		{"an OID not in the table", []*User{{ID: "U1", Login: "ana"}}, "U2", ""},
		{"a user without a login gives none", []*User{{ID: "U1"}}, "U1", ""},
		{"the last user of an OID wins", []*User{{ID: "U1", Login: "ana"}, {ID: "U1", Login: "bea"}}, "U1", "bea"},
		{"a later user without a login leaves the earlier one's", []*User{{ID: "U1", Login: "ana"}, {ID: "U1"}}, "U1", "ana"},
		{"a user without an OID is found by the empty OID", []*User{{Login: "orphan"}}, "", "orphan"},
		{"OIDs differ in case", []*User{{ID: "u1", Login: "low"}, {ID: "U1", Login: "up"}}, "u1", "low"},
		{"nil users are skipped", []*User{nil, {ID: "U1", Login: "ana"}}, "U1", "ana"},
	}
	for _, c := range cases {
		d := LoginTable(slices.Values(c.users))
		if len(d.Users) != 0 {
			t.Errorf("%s: the table holds %d users", c.name, len(d.Users))
		}
		if got := d.logins.login(c.oid); got != c.want {
			t.Errorf("%s: login(%q) = %q, want %q", c.name, c.oid, got, c.want)
		}
	}
	var users []*User
	want := map[string]string{}
	for i := range 50000 {
		u := &User{ID: fmt.Sprintf("OID-%d", i%40000), Login: fmt.Sprintf("login-%d-%s", i, strings.Repeat("x", i%40))}
		users = append(users, u)
		want[u.ID] = u.Login
	}
	tab := loginsOf(slices.Values(users))
	if len(tab.chunks) < 2 {
		t.Fatalf("%d chunks: the test means several", len(tab.chunks))
	}
	for oid, l := range want {
		if got := tab.login(oid); got != l {
			t.Fatalf("login(%q) = %q, want %q", oid, got, l)
		}
	}
}

// TestLoginTableKeepsNoUser: what a lookup table built from users holds grows by its
// OIDs and logins and some bytes of index, not by the users it was built from (here
// each with a 2 KB text block, as a user read from a file keeps its strings in one).
func TestLoginTableKeepsNoUser(t *testing.T) {
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	build := func(n int) (*Directory, uint64) {
		before := heap()
		users := make([]*User, n)
		for i := range users {
			block := fmt.Sprintf("U%06d|user%06d|", i, i) + strings.Repeat("z", 2048)
			users[i] = &User{ID: block[:7], Login: block[8:18], FullName: block[19:]}
		}
		d := LoginTable(slices.Values(users))
		users = nil
		return d, heap() - before
	}
	const n = 20000
	d, grew := build(n)
	perUser := float64(grew) / n
	t.Logf("%d users: the table holds %.1f bytes a user", n, perUser)
	if perUser > 80 {
		t.Errorf("the table holds %.1f bytes a user, want at most 80 (no user's text)", perUser)
	}
	if got := d.logins.login("U000123"); got != "user000123" {
		t.Errorf("login = %q", got)
	}
}
