package plan_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"unsafe"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
	"github.com/odmadmin/odmadmin/plan"
)

// TestKeepPlansAlike checks that planning against the users Keep keeps gives the plan
// the whole directory gives: on the fixtures, and on a generated export with an upload
// of updates, new users sharing names with many existing ones, e-mail collisions and
// user names a typo away.
func TestKeepPlansAlike(t *testing.T) {
	var export, upload bytes.Buffer
	if err := gen.InForm(&export, 3000); err != nil {
		t.Fatal(err)
	}
	if err := gen.UploadCSV(&upload, 400, 3000); err != nil {
		t.Fatal(err)
	}
	// Rows that hit the other warnings: an existing e-mail under a new login, a typo of
	// an existing login with the same name, a letter-case variant.
	upload.WriteString("Ada,Example,user000000@site10000.example.org,brandnew,05-Jan-2026,,Site Investigator Rights,10000,\n")
	g, f := gen.Name(5)
	upload.WriteString(g + "," + f + ",typo@example.org,usr000005,05-Jan-2026,,Site Investigator Rights,10005,\n")
	upload.WriteString("X,Y,case@example.org,USER000009,05-Jan-2026,,Unheard Role,10009,\n")
	fixture, err := os.ReadFile(filepath.Join("testdata", "existing.xml"))
	if err != nil {
		t.Fatal(err)
	}
	fixtureUpload, err := os.ReadFile(filepath.Join("testdata", "upload.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ export, upload []byte }{
		"generated": {export.Bytes(), upload.Bytes()},
		"fixture":   {fixture, fixtureUpload},
	} {
		rows, err := plan.ReadCSV(bytes.NewReader(tc.upload))
		if err != nil {
			t.Fatal(err)
		}
		full, _, err := mapping.FromReader(odm.NewReader(bytes.NewReader(tc.export), odm.ReadOptions{}), mapping.Options{})
		if err != nil {
			t.Fatal(err)
		}
		kept, _, err := mapping.ReadEach(odm.NewReader(bytes.NewReader(tc.export), odm.ReadOptions{}), mapping.Options{}, plan.Keep(rows))
		if err != nil {
			t.Fatal(err)
		}
		if name == "generated" && len(kept.Users)*3 > len(full.Users) {
			t.Errorf("%s: Keep kept %d of %d users", name, len(kept.Users), len(full.Users))
		}
		want, err := plan.Make(full, rows, plan.Options{MaxRows: -1})
		if err != nil {
			t.Fatal(err)
		}
		got, err := plan.Make(kept, rows, plan.Options{MaxRows: -1})
		if err != nil {
			t.Fatal(err)
		}
		wj, _ := json.Marshal(want)
		gj, _ := json.Marshal(got)
		if !bytes.Equal(wj, gj) {
			t.Errorf("%s: the plan against the kept users differs from the plan against all", name)
		}
		if want.Warnings() == 0 {
			t.Errorf("%s: no warnings: the test compares too little", name)
		}
	}
}

// TestKeepCopiesWhatMakeCompares checks that a kept user holds only what Make compares a
// row with, its strings copied (not the read user's):
// an upload that names most of a large export keeps a user per row, and a whole copy of
// each (phones, addresses, groups, vendor extensions), one allocation per string, held
// some 1 GB at 80,000 rows against 200,000 users.
func TestKeepCopiesWhatMakeCompares(t *testing.T) {
	rows := []plan.Row{{Number: 2, GivenName: "Ada", FamilyName: "Example", Login: "aexample", Emails: []string{"ada@example.org"}}}
	asg := func(site, role string) mapping.Assignment {
		return mapping.Assignment{Study: "DEMO", Site: site, Role: mapping.Role{Name: role, Canonical: mapping.Canonical("investigator")},
			Scope: mapping.ScopeSite, Environment: mapping.EnvProduction, From: "2026-01-05", To: "2026-12-31", Depots: []string{"D1", "D2"}}
	}
	u := &mapping.User{ID: "U1", Login: "aexample", DisplayName: "Ada Example", FullName: "Ada Example", GivenName: "Ada", FamilyName: "Example",
		Emails: []string{"ada@example.org", "ada.example@example.org"}, Phones: []string{"+1 555 0100"}, Organization: "Example Clinic",
		Addresses: []mapping.Address{{City: "Exampleton", Country: "XX"}}, Locale: "en", Groups: []mapping.GroupRef{{ID: "G1", Name: "Site Staff"}},
		Assignments: []mapping.Assignment{asg("S1", "Site Investigator"), asg("S2", "Site Investigator"), asg("", "Study Manager")}}
	keep := plan.Keep(rows)
	got := keep(u)
	want := &mapping.User{Login: u.Login, FullName: u.FullName, GivenName: u.GivenName, FamilyName: u.FamilyName, Emails: u.Emails, Assignments: u.Assignments}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("kept\n%+v\nwant only the compared fields\n%+v", got, want)
	}
	if unsafe.StringData(got.Login) == unsafe.StringData(u.Login) || unsafe.StringData(got.Assignments[0].Site) == unsafe.StringData(u.Assignments[0].Site) {
		t.Error("the kept user shares strings with the user as read (which keep the read blocks alive)")
	}
	// The allocations per kept user: TestComparedAllocs.
}
