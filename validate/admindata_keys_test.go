package validate

import (
	"fmt"
	"strings"
	"testing"
	"unsafe"

	"github.com/odmadmin/odmadmin/odm"
)

// TestCheckKeysOwnTheirStrings: the OIDs and login names pass 2 remembers to find
// repeats (of the candidates pass 1 saw more than once) are copies. A reader cuts a
// record's strings from a large shared array, so a key that is such a string keeps the
// whole array alive: with a user table beside an export, where every user is a
// candidate, the arrays of all users' strings were held (55 MB at 200,000 users, the
// check peaking at 287 MiB against 178 now).
func TestCheckKeysOwnTheirStrings(t *testing.T) {
	var b strings.Builder
	for i := range 100 {
		fmt.Fprintf(&b, "U%03d|user%03d|", i, i)
	}
	text := b.String()
	lo := uintptr(unsafe.Pointer(unsafe.StringData(text)))
	hi := lo + uintptr(len(text))
	inText := func(s string) bool {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		return p >= lo && p < hi
	}
	defs := newAdminDefs()
	var users []*odm.User
	for i := range 100 {
		at := strings.Index(text, fmt.Sprintf("U%03d|", i))
		u := &odm.User{OID: text[at : at+4], LoginName: text[at+5 : at+12]}
		users = append(users, u)
		// Seen twice in pass 1 (as in two files): candidates.
		defs.record(u)
		defs.record(u)
	}
	c := newAdminChecker(AdminDataOptions{}, defs)
	c.beginAdminData(&odm.AdminData{})
	for _, u := range users {
		c.checkUser(u)
	}
	if len(c.seenUsers) != 100 || len(c.logins) != 100 {
		t.Fatalf("%d OIDs and %d logins remembered, want 100 each", len(c.seenUsers), len(c.logins))
	}
	for oid := range c.seenUsers {
		if inText(oid) {
			t.Fatalf("the OID %q is kept as a substring of the record's strings, which it keeps alive", oid)
		}
	}
	for login, first := range c.logins {
		if inText(login) || inText(first.oid) {
			t.Fatalf("the login %q or its OID %q is kept as a substring of the record's strings", login, first.oid)
		}
	}
}
