package main

import (
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	inp "github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/mapping"
)

// TestSpecLookupLoginsOnly: a spec's login lookup table is kept as its logins by OID
// (mapping.LoginTable), not as the directory read whole, and gives every user the login
// and the warnings the whole table gave: an ODM export (streamed), a user table and a
// directory JSON.
func TestSpecLookupLoginsOnly(t *testing.T) {
	dir := t.TempDir()
	wb := fileWriter(t, dir)
	write := func(name, text string) string { return wb(name, []byte(text)) }
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	tables := []struct{ file, reason string }{
		{abs(diffDir + "inform.xml"), "an ODM export, streamed into a merge"},
		{abs(diffDir + "rave.xml"), "an ODM export with reader warnings"},
		{write("logins.csv", "User OID,Login\nU1,ana\n,orphan\nU2,bea\nU1,cid\n"), "a user table with a row without OID and an OID twice"},
		{write("logins.json", `{"studies":[],"sites":[],"users":[{"id":"U1","login":"ana"},{"id":"U3","login":""}]}`), "a directory JSON"},
	}
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	for _, tc := range tables {
		spec := write("spec.csv", "Kind,Study,Scope,Source,Target,Suggested,Note\nlogin,,,lookup,"+tc.file+",,\n")
		s, lookup, ws, err := loadSpec(e, spec, inp.Options{})
		if err != nil {
			t.Fatalf("%s: %v", tc.reason, err)
		}
		whole, wws, err := readDirectories(e, []string{tc.file}, inp.Options{}, mapping.Options{})
		if err != nil {
			t.Fatalf("%s: %v", tc.reason, err)
		}
		if len(lookup.Users) != 0 {
			t.Errorf("%s: the lookup holds %d users, want none (its logins only)", tc.reason, len(lookup.Users))
		}
		if !reflect.DeepEqual(ws, placedAt(wws, tc.file)) {
			t.Errorf("%s: warnings %v, the whole read's %v", tc.reason, ws, wws)
		}
		// Every user of the table, and one it does not have, without a login.
		users := func() *mapping.Directory {
			d := &mapping.Directory{}
			for _, u := range append(whole.Users, &mapping.User{ID: "nobody"}) {
				d.Users = append(d.Users, &mapping.User{ID: u.ID})
			}
			return d
		}
		got, want := users(), users()
		gws, wantWs := s.Apply(got, "", lookup), s.Apply(want, "", whole)
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gws, wantWs) {
			t.Errorf("%s: the logins table gives %v (%v), the whole table %v (%v)", tc.reason, logins(got), gws, logins(want), wantWs)
		}
		if logins(got) == strings.Repeat(",", len(got.Users)) {
			t.Errorf("%s: no user got a login: nothing was compared", tc.reason)
		}
	}
}

func logins(d *mapping.Directory) string {
	var b strings.Builder
	for _, u := range d.Users {
		b.WriteString(u.Login + ",")
	}
	return b.String()
}
