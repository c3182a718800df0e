package plan_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
	"github.com/odmadmin/odmadmin/plan"
)

// TestKeepPlansAlike checks that planning against the users Keep keeps, and against the
// records Kept keeps (Kept.Each), gives the plan the whole directory gives: on the
// fixtures, and on a generated export with an upload of updates, new users sharing names
// with many existing ones, e-mail collisions and user names a typo away.
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
	// A row that updates a user, giving it another user's e-mail address: that user is
	// compared with the row too (emailOfOtherUser), though the row updates another.
	upload.WriteString("Zed,Other,USER002911@site10059.example.org,user002913,05-Jan-2026,,Site Investigator Rights,10013,\n")
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
		for _, training := range []bool{false, true} {
			opts := plan.Options{MaxRows: 100, Training: training}
			want, err := plan.Make(full, rows, opts)
			if err != nil {
				t.Fatal(err)
			}
			k := plan.NewKept(plan.NewRows(rows))
			shell, _, err := mapping.ReadEach(odm.NewReader(bytes.NewReader(tc.export), odm.ReadOptions{}), mapping.Options{}, k.Keep)
			if err != nil {
				t.Fatal(err)
			}
			if len(shell.Users) != 0 {
				t.Fatalf("%s: Kept.Keep let mapping keep %d users", name, len(shell.Users))
			}
			got := &plan.Plan{Actions: []plan.Action{}}
			if err := k.Each(shell, opts, func(a plan.Action) error { got.Actions = append(got.Actions, a); return nil }); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s (training %v): the plan against Kept differs from the plan against all (-all +kept):\n%s", name, training, diff)
			}
			// Of the users within two edits of a row's user name with the same name,
			// those of rows that update a user are dropped: the generated upload's
			// updates name a user each, its new user names are far from any but for
			// the three rows added to it, which name a user or two each.
			updates := 0
			for _, a := range want.Actions {
				if a.Action != plan.Create {
					updates++
				}
			}
			if name == "generated" && (k.Len() > updates+6 || k.Len() >= len(kept.Users)) {
				t.Errorf("%s: Kept holds %d users after planning, for %d rows that update one; Keep kept %d", name, k.Len(), updates, len(kept.Users))
			}
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

// TestKeptHoldsRecords checks that keeping a user costs Kept no allocation and next to
// no memory while the export is read (its record goes to a temporary file), and once
// Kept.Each has picked the users the rows are compared with, at most 70 bytes held beyond
// the values it compares (their lengths, the record's string header, the list's spare
// room), where Keep's copy of the same user, a *mapping.User, costs 8 allocations and
// 770 bytes.
func TestKeptHoldsRecords(t *testing.T) {
	rows := []plan.Row{{Number: 2, GivenName: "Ada", FamilyName: "Example", Login: "aexample", Emails: []string{"ada@example.org"}}}
	u := &mapping.User{ID: "U1", Login: "aexample", FullName: "Ada Example", GivenName: "Ada", FamilyName: "Example",
		Emails: []string{"ada@example.org"}, Phones: []string{"+1 555 0100"}, Addresses: []mapping.Address{{City: "Exampleton"}},
		Assignments: []mapping.Assignment{{Study: "DEMO", Site: "S1", Role: mapping.Role{Name: "Site Investigator", Canonical: "investigator"},
			Scope: mapping.ScopeSite, Environment: mapping.EnvProduction, From: "2026-01-05"}}}
	values := len(u.Login) + len(u.FullName) + len(u.GivenName) + len(u.FamilyName) + len(u.Emails[0])
	for _, a := range u.Assignments {
		values += len(a.Study) + len(a.Site) + len(a.Role.Name) + len(a.Role.Canonical) + len(a.Scope) + len(a.Environment) + len(a.From)
	}
	k := plan.NewKept(plan.NewRows(rows))
	defer k.Close()
	const n = 20000
	k.Keep(u) // the temporary file and its buffer
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range n - 1 {
		k.Keep(u)
	}
	runtime.ReadMemStats(&after)
	allocs := float64(after.Mallocs-before.Mallocs) / n
	held := func() float64 {
		runtime.GC()
		runtime.ReadMemStats(&after)
		return float64(after.HeapAlloc-min(after.HeapAlloc, before.HeapAlloc)) / n
	}
	reading := held()
	if k.Len() != n {
		t.Fatalf("Kept kept %d of %d users", k.Len(), n)
	}
	if err := k.Each(&mapping.Directory{}, plan.Options{}, func(plan.Action) error { return nil }); err != nil {
		t.Fatal(err)
	}
	planning := held()
	t.Logf("a kept user: %.3f allocations and %.1f bytes held while read, %.0f bytes held to plan against (%d of values)", allocs, reading, planning, values)
	if allocs > 0.01 {
		t.Errorf("keeping a user: %.3f allocations, want none", allocs)
	}
	if reading > 2 {
		t.Errorf("keeping a user: %.1f bytes held while the export is read, want next to none", reading)
	}
	if k.Len() != n {
		t.Fatalf("Kept plans against %d of %d users of the row's user name", k.Len(), n)
	}
	if planning > float64(values+70) {
		t.Errorf("a kept user of %d bytes of values: %.0f bytes held to plan against, want at most 70 more", values, planning)
	}
}

// TestRowsAsRows checks that Rows give back the rows they were given (the fixture
// upload, its rows read by ReadRows, and a directory's), field for field.
func TestRowsAsRows(t *testing.T) {
	upload, err := os.ReadFile(filepath.Join("testdata", "upload.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := plan.ReadCSV(bytes.NewReader(upload))
	if err != nil {
		t.Fatal(err)
	}
	rows = append(rows, plan.Row{Number: 99, Blank: true}, plan.Row{Number: 100, Login: "x", Emails: []string{"a@example.org", "b@example.org"},
		Assignments: []mapping.Assignment{{Site: "S1", Depots: []string{"D1", "D2"}}}, Warnings: []plan.Warning{{Code: plan.MissingValue, Message: "m"}}})
	d, _, err := mapping.FromReader(odm.NewReader(bytes.NewReader(mustRead(t, filepath.Join("testdata", "existing.xml"))), odm.ReadOptions{}), mapping.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]plan.Row{"upload": rows, "directory": plan.FromDirectory(d)} {
		var got []plan.Row
		for r := range plan.NewRows(want).All() {
			got = append(got, r)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: rows differ (-given +Rows):\n%s", name, diff)
		}
	}
	rs, err := plan.ReadRows(mustTable(t, upload))
	if err != nil {
		t.Fatal(err)
	}
	var got []plan.Row
	for r := range rs.All() {
		got = append(got, r)
	}
	if diff := cmp.Diff(rows[:len(rows)-2], got); diff != "" {
		t.Errorf("ReadRows: rows differ (-ReadCSV +ReadRows):\n%s", diff)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustTable(t *testing.T, csv []byte) mapping.RowReader {
	t.Helper()
	tb, err := input.NewCSV(bytes.NewReader(csv), "CSV", input.Options{}, input.TableOptions{IsHeader: plan.IsHeader})
	if err != nil {
		t.Fatal(err)
	}
	return tb
}
