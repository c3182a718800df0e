package diff_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/diff"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// base returns a small directory built in code: one study, two sites, two users.
func base() *mapping.Directory {
	return &mapping.Directory{
		Studies: []*mapping.Study{{ID: "S"}},
		Sites: []*mapping.Site{
			{ID: "10", Name: "North Demo Clinic", Number: "01", Country: "US", Active: true},
			{ID: "20", Name: "South Demo Clinic", Number: "02", Country: "US", Active: true},
		},
		Users: []*mapping.User{
			{
				ID: "u1", Login: "afict", GivenName: "Ada", FamilyName: "Fictus", DisplayName: "Ada Fictus",
				Emails: []string{"ada@example.org", "ada.f@example.org"}, Phones: []string{"+1 555 0100"},
				Status: mapping.StatusAvailable, Category: mapping.CategorySite,
				Groups: []mapping.GroupRef{{ID: "g1", Name: "Site Group", Type: "Site"}, {ID: "g2", Name: "Rights", Type: "Rights"}},
				Assignments: []mapping.Assignment{
					{Study: "S", Site: "10", Role: role("Investigator"), Scope: mapping.ScopeSite, Environment: mapping.EnvProduction},
					{Study: "S", Site: "20", Role: role("Investigator"), Scope: mapping.ScopeSite, Environment: mapping.EnvProduction},
				},
				Source: &mapping.Source{Attrs: []mapping.Attr{{Space: odm.NSInForm, Name: "DBUID", Value: "7"}, {Space: odm.NSInForm, Name: "Revision", Value: "1"}}},
			},
			{
				ID: "u2", Login: "bsample", GivenName: "Bruno", FamilyName: "Sample",
				Emails: []string{"bruno@example.org"}, Status: mapping.StatusAvailable,
				Assignments: []mapping.Assignment{
					{Study: "S", Role: role("Data Manager"), Scope: mapping.ScopeStudy, Environment: mapping.EnvProduction},
				},
			},
		},
	}
}

func role(name string) mapping.Role {
	return mapping.RoleFor(mapping.ProfileClinicalOne, name, mapping.ScopeSite)
}

func user(d *mapping.Directory, login string) *mapping.User {
	for _, u := range d.Users {
		if u.Login == login {
			return u
		}
	}
	panic("no user " + login)
}

// TestCompare checks each kind of change on small directories built in code.
func TestCompare(t *testing.T) {
	cases := []struct {
		name   string
		reason string
		opts   diff.Options
		edit   func(a, b *mapping.Directory)
		want   []string // Change.String() of each change, in order
	}{
		{
			name:   "identical",
			reason: "a directory compared with itself has no changes",
			edit:   func(a, b *mapping.Directory) {},
		},
		{
			name:   "reordered",
			reason: "order never matters: users, sites, assignments, e-mails, groups and vendor attributes are sets",
			edit: func(a, b *mapping.Directory) {
				slices.Reverse(b.Users)
				slices.Reverse(b.Sites)
				u := user(b, "afict")
				slices.Reverse(u.Assignments)
				slices.Reverse(u.Emails)
				slices.Reverse(u.Groups)
				slices.Reverse(u.Source.Attrs)
			},
		},
		{
			name:   "whitespace",
			reason: "insignificant white space in text and the case of e-mail addresses do not count by default",
			edit: func(a, b *mapping.Directory) {
				u := user(b, "afict")
				u.DisplayName = "  Ada\n   Fictus "
				u.Emails[0] = "ADA@Example.org"
				b.Sites[0].Name = "North  Demo Clinic"
			},
		},
		{
			name:   "whitespace exact",
			reason: "ExactText makes white space and e-mail case count",
			opts:   diff.Options{ExactText: true},
			edit: func(a, b *mapping.Directory) {
				user(b, "afict").DisplayName = "Ada  Fictus"
				user(b, "afict").Emails[0] = "ADA@example.org"
			},
			want: []string{
				`PROFILE_CHANGE Ada Fictus (afict): displayName: "Ada Fictus" -> "Ada  Fictus"`,
				`PROFILE_CHANGE Ada Fictus (afict): emails: "ada.f@example.org; ada@example.org" -> "ADA@example.org; ada.f@example.org"`,
			},
		},
		{
			name:   "empty versus absent",
			reason: "an empty list entry or an empty vendor attribute is the same as none by default",
			edit: func(a, b *mapping.Directory) {
				u := user(b, "bsample")
				u.Phones = []string{""}
				u.Faxes = []string{" "}
				u.Source = &mapping.Source{Attrs: []mapping.Attr{{Space: odm.NSInForm, Name: "Note", Value: ""}}}
			},
		},
		{
			name:   "empty versus absent kept",
			reason: "KeepEmpty makes an empty value differ from an absent one",
			opts:   diff.Options{KeepEmpty: true},
			edit: func(a, b *mapping.Directory) {
				u := user(b, "bsample")
				u.Phones = []string{""}
				u.Source = &mapping.Source{Attrs: []mapping.Attr{{Space: odm.NSInForm, Name: "Note", Value: ""}}}
			},
			want: []string{
				`PROFILE_CHANGE Bruno Sample (bsample): phones: "" -> ""`,
				`EXTENSION_CHANGE Bruno Sample (bsample): pf:Note: "" -> ""`,
			},
		},
		{
			name:   "profile fields",
			reason: "each changed profile field is one PROFILE_CHANGE named by its JSON key, in field order",
			edit: func(a, b *mapping.Directory) {
				u := user(b, "afict")
				u.FamilyName = "Fictus-Demo"
				u.Phones = append(u.Phones, "+1 555 0199")
				u.Locale = "fr-FR"
				u.Category = mapping.CategorySponsor
			},
			want: []string{
				`PROFILE_CHANGE Ada Fictus-Demo (afict): familyName: "Fictus" -> "Fictus-Demo"`,
				`PROFILE_CHANGE Ada Fictus-Demo (afict): phones: "+1 555 0100" -> "+1 555 0100; +1 555 0199"`,
				`PROFILE_CHANGE Ada Fictus-Demo (afict): locale: "" -> "fr-FR"`,
				`PROFILE_CHANGE Ada Fictus-Demo (afict): category: "Site" -> "Sponsor"`,
			},
		},
		{
			name:   "status",
			reason: "a status change is a STATUS_CHANGE, before the profile changes",
			edit: func(a, b *mapping.Directory) {
				u := user(b, "bsample")
				u.Status = mapping.StatusDeactivated
				u.Organization = "Demo CRO"
			},
			want: []string{
				`STATUS_CHANGE Bruno Sample (bsample): status: "Available" -> "Deactivated"`,
				`PROFILE_CHANGE Bruno Sample (bsample): organization: "" -> "Demo CRO"`,
			},
		},
		{
			name:   "roles",
			reason: "an assignment added, removed or changed is a ROLE_CHANGE whose value type names study, environment and site (by its name, as the audit log does)",
			edit: func(a, b *mapping.Directory) {
				u := user(b, "afict")
				u.Assignments = []mapping.Assignment{
					{Study: "S", Site: "10", Role: role("Site User"), Scope: mapping.ScopeSite, Environment: mapping.EnvProduction},
					{Study: "S", Site: "10", Role: role("Site User"), Scope: mapping.ScopeSite, Environment: mapping.EnvTraining},
				}
			},
			want: []string{
				`ROLE_CHANGE Ada Fictus (afict): S (Production)-North Demo Clinic: "Investigator" -> "Site User"`,
				`ROLE_CHANGE Ada Fictus (afict): S (Production)-South Demo Clinic: "Investigator" -> ""`,
				`ROLE_CHANGE Ada Fictus (afict): S (Training)-North Demo Clinic: "" -> "Site User"`,
			},
		},
		{
			name:   "site-level role without a site",
			reason: "a site-level role that names no site (an OpenClinica 4 user table's) is not the role at the study level, which holds at every site: written as the latter it was no change",
			edit: func(a, b *mapping.Directory) {
				user(a, "bsample").Assignments[0].Scope = mapping.ScopeSite
			},
			want: []string{
				`ROLE_CHANGE Bruno Sample (bsample): S (Production): "Data Manager (site level, no site named)" -> "Data Manager"`,
			},
		},
		{
			name:   "site-level role without a site on both sides",
			reason: "the same site-level role without a site on both sides is no change",
			edit: func(a, b *mapping.Directory) {
				user(a, "bsample").Assignments[0].Scope = mapping.ScopeSite
				user(b, "bsample").Assignments[0].Scope = mapping.ScopeSite
			},
		},
		{
			name:   "roles named study",
			reason: "a study the export names is labelled by its name, as the audit log labels it (\"PAB 37 (Test)-Site 1\"); the first side's name wins",
			edit: func(a, b *mapping.Directory) {
				a.Studies[0].Name = "Demo  Study 7"
				b.Studies[0].Name = "Renamed Study"
				user(b, "bsample").Assignments[0].Role = role("Monitor")
			},
			want: []string{
				`ROLE_CHANGE Bruno Sample (bsample): Demo Study 7 (Production): "Data Manager" -> "Monitor"`,
			},
		},
		{
			name:   "roles canonical",
			reason: "RolesByCanonical ignores a renamed role with the same meaning",
			opts:   diff.Options{Roles: diff.RolesByCanonical},
			edit: func(a, b *mapping.Directory) {
				user(b, "bsample").Assignments[0].Role = role("Clinical Data Manager")
			},
		},
		{
			name:   "dates",
			reason: "assignment dates and depots are part of a ROLE_CHANGE's values",
			edit: func(a, b *mapping.Directory) {
				as := user(b, "bsample").Assignments
				as[0].From, as[0].To, as[0].Depots = "2026-01-05", "2025-12-31", []string{"All"}
			},
			want: []string{
				`ROLE_CHANGE Bruno Sample (bsample): S (Production): "Data Manager" -> "Data Manager from 2026-01-05 to 2025-12-31 depots All"`,
			},
		},
		{
			name:   "users added and removed",
			reason: "a user missing on one side is USER_ADDED or USER_REMOVED, followed by its assignments",
			edit: func(a, b *mapping.Directory) {
				b.Users = b.Users[:1]
				b.Users = append(b.Users, &mapping.User{ID: "u3", Login: "cdemo", FullName: "Chloé Demo"})
			},
			want: []string{
				`USER_REMOVED Bruno Sample (bsample)`,
				`ROLE_CHANGE Bruno Sample (bsample): S (Production): "Data Manager" -> ""`,
				`USER_ADDED Chloé Demo (cdemo)`,
			},
		},
		{
			name:   "sites",
			reason: "sites are joined by OID: SITE_ADDED, SITE_REMOVED and SITE_CHANGE per field, before the users",
			edit: func(a, b *mapping.Directory) {
				b.Sites[0].Number = "001"
				b.Sites[0].Active = false
				b.Sites = append(b.Sites[:1], &mapping.Site{ID: "30", Name: "East Demo Clinic", Active: true})
			},
			want: []string{
				`SITE_CHANGE North Demo Clinic (10): number: "01" -> "001"`,
				`SITE_CHANGE North Demo Clinic (10): active: "true" -> "false"`,
				`SITE_REMOVED South Demo Clinic (20)`,
				`SITE_ADDED East Demo Clinic (30)`,
			},
		},
		{
			name:   "extensions",
			reason: "a changed, added or removed vendor attribute or element is an EXTENSION_CHANGE named by its attribute or element",
			edit: func(a, b *mapping.Directory) {
				user(a, "afict").Source.Elements = []string{`<pf:Note xmlns:pf="` + odm.NSInForm + `">old</pf:Note>`}
				u := user(b, "afict")
				u.Source = &mapping.Source{
					Attrs:    []mapping.Attr{{Space: odm.NSInForm, Name: "DBUID", Value: "7"}, {Space: "urn:x", Name: "Tag", Value: "t"}},
					Elements: []string{`<pf:Note xmlns:pf="` + odm.NSInForm + `">new</pf:Note>`},
				}
			},
			want: []string{
				`EXTENSION_CHANGE Ada Fictus (afict): pf:Revision: "1" -> ""`,
				`EXTENSION_CHANGE Ada Fictus (afict): {urn:x}Tag: "" -> "t"`,
				`EXTENSION_CHANGE Ada Fictus (afict): pf:Note: "<pf:Note xmlns:pf=\"` + odm.NSInForm + `\">old</pf:Note>" -> "<pf:Note xmlns:pf=\"` + odm.NSInForm + `\">new</pf:Note>"`,
			},
		},
		{
			name:   "extensions ignored",
			reason: "IgnoreExtensions leaves vendor attributes out",
			opts:   diff.Options{IgnoreExtensions: true},
			edit: func(a, b *mapping.Directory) {
				user(b, "afict").Source.Attrs[1].Value = "2"
			},
		},
		{
			name:   "mapped attribute",
			reason: "a vendor attribute mapping reads into a field (pf:Active) is reported as that field only",
			edit: func(a, b *mapping.Directory) {
				user(a, "bsample").Source = &mapping.Source{Attrs: []mapping.Attr{{Space: odm.NSInForm, Name: "Active", Value: "Yes"}}}
				u := user(b, "bsample")
				u.Source = &mapping.Source{Attrs: []mapping.Attr{{Space: odm.NSInForm, Name: "Active", Value: "No"}}}
				u.Status = mapping.StatusDeactivated
			},
			want: []string{`STATUS_CHANGE Bruno Sample (bsample): status: "Available" -> "Deactivated"`},
		},
		{
			name:   "key login",
			reason: "with KeyLogin users match by login ignoring case, and a changed OID is a PROFILE_CHANGE",
			opts:   diff.Options{Key: diff.KeyLogin},
			edit: func(a, b *mapping.Directory) {
				u := user(b, "bsample")
				u.ID = "U-0002"
				u.Login = "BSample"
			},
			want: []string{
				`PROFILE_CHANGE Bruno Sample (BSample): id: "u2" -> "U-0002"`,
				`PROFILE_CHANGE Bruno Sample (BSample): login: "bsample" -> "BSample"`,
			},
		},
		{
			name:   "key oid",
			reason: "with the default OID key a user whose OID changed is removed and added",
			edit:   func(a, b *mapping.Directory) { user(b, "bsample").ID = "U-0002" },
			want: []string{
				`USER_ADDED Bruno Sample (bsample)`,
				`ROLE_CHANGE Bruno Sample (bsample): S (Production): "" -> "Data Manager"`,
				`USER_REMOVED Bruno Sample (bsample)`,
				`ROLE_CHANGE Bruno Sample (bsample): S (Production): "Data Manager" -> ""`,
			},
		},
		{
			name:   "key email",
			reason: "with KeyEmail users match by e-mail address whatever their OID and login",
			opts:   diff.Options{Key: diff.KeyEmail},
			edit: func(a, b *mapping.Directory) {
				u := user(b, "bsample")
				u.ID, u.Login = "x9", "bruno.sample"
			},
			want: []string{
				`PROFILE_CHANGE Bruno Sample (bruno.sample): id: "u2" -> "x9"`,
				`PROFILE_CHANGE Bruno Sample (bruno.sample): login: "bsample" -> "bruno.sample"`,
			},
		},
		{
			name:   "duplicate keys",
			reason: "users sharing a key on one side are paired in login order; the extra one is added",
			opts:   diff.Options{Key: diff.KeyEmail},
			edit: func(a, b *mapping.Directory) {
				b.Users = append(b.Users, &mapping.User{ID: "u9", Login: "bsample2", GivenName: "Bruno", FamilyName: "Sample", Emails: []string{"bruno@example.org"}})
			},
			want: []string{`USER_ADDED Bruno Sample (bsample2)`},
		},
		{
			name:   "cross profile",
			reason: "between profiles a field one of them cannot hold (InForm's locale, groups, extensions) is not compared",
			edit: func(a, b *mapping.Directory) {
				a.Source = &mapping.FileSource{Vendor: mapping.ProfileInForm}
				b.Source = &mapping.FileSource{Vendor: mapping.ProfileRave}
				user(a, "afict").Locale = "en-US"
				user(b, "afict").Groups = nil
				user(b, "afict").Source = nil
			},
		},
		{
			name:   "cross profile all fields",
			reason: "AllFields compares every field whatever the profiles",
			opts:   diff.Options{AllFields: true, IgnoreExtensions: true},
			edit: func(a, b *mapping.Directory) {
				a.Source = &mapping.FileSource{Vendor: mapping.ProfileInForm}
				b.Source = &mapping.FileSource{Vendor: mapping.ProfileRave}
				user(a, "afict").Locale = "en-US"
			},
			want: []string{`PROFILE_CHANGE Ada Fictus (afict): locale: "en-US" -> ""`},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.reason == "" {
				t.Fatal("every case needs a reason")
			}
			a, b := base(), base()
			tc.edit(a, b)
			var got []string
			for _, ch := range diff.Compare(a, b, tc.opts) {
				got = append(got, ch.String())
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("%s\nchanges (-want +got):\n%s", tc.reason, d)
			}
		})
	}
}

// TestReorderedFile checks the whole path from ODM: the same InForm export with users,
// sites, LocationRefs, GroupRefs, attributes and group definitions in another order, other
// indentation, another namespace prefix and empty elements reads into an equal directory.
func TestReorderedFile(t *testing.T) {
	a, b := read(t, "inform-export.xml"), read(t, "inform-reordered.xml")
	for _, key := range []diff.Key{diff.KeyOID, diff.KeyLogin, diff.KeyEmail} {
		if ch := diff.Compare(a, b, diff.Options{Key: key}); len(ch) != 0 {
			t.Errorf("key %s: reordering alone gave changes:\n%s", key, lines(ch))
		}
	}
}

// TestShuffled checks that the order of the input never changes the output.
func TestShuffled(t *testing.T) {
	a, b := read(t, "inform-export.xml"), read(t, "rave-export.xml")
	want := diff.Compare(a, b, diff.Options{Key: diff.KeyLogin})
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		a, b := read(t, "inform-export.xml"), read(t, "rave-export.xml")
		for _, d := range []*mapping.Directory{a, b} {
			r.Shuffle(len(d.Users), func(i, j int) { d.Users[i], d.Users[j] = d.Users[j], d.Users[i] })
			r.Shuffle(len(d.Sites), func(i, j int) { d.Sites[i], d.Sites[j] = d.Sites[j], d.Sites[i] })
			for _, u := range d.Users {
				r.Shuffle(len(u.Assignments), func(i, j int) { u.Assignments[i], u.Assignments[j] = u.Assignments[j], u.Assignments[i] })
			}
		}
		if got := diff.Compare(a, b, diff.Options{Key: diff.KeyLogin}); !slices.Equal(got, want) {
			t.Fatalf("shuffle %d: output changed:\n%s\nwant:\n%s", i, lines(got), lines(want))
		}
	}
}

// TestCrossVendor compares an InForm export with a Rave export of the same fictitious
// users. The vendors differ in OIDs, role names, groups, locales, site countries and time
// zones, active flags, empty elements and white space; only the real differences are
// reported: a site number, an e-mail, a role, a status, a lost site assignment, a new user.
func TestCrossVendor(t *testing.T) {
	a, b := read(t, "inform-export.xml"), read(t, "rave-export.xml")
	got := diff.Compare(a, b, diff.Options{Key: diff.KeyLogin})
	want := []diff.Change{
		{Event: diff.SiteChange, Target: "Springfield Demo Clinic (S101)", ValueType: "number", Old: "01", New: "101"},
		{Event: diff.ProfileChange, User: "bokafor", Target: "Bruno Okafor (bokafor)", ValueType: "emails", Old: "bruno.okafor@site102.example.org", New: "b.okafor@site102.example.org"},
		{Event: diff.RoleChange, User: "dlindqvist", Target: "Dmitri Lindqvist (dlindqvist)", ValueType: "DEMO-01 (Production)", Old: "Data Manager Rights", New: "Medical Monitor"},
		{Event: diff.StatusChange, User: "hsato", Target: "Hana Sato (hsato)", ValueType: "status", Old: "Deactivated", New: "Available"},
		{Event: diff.RoleChange, User: "mfischer", Target: "Mia Fischer (mfischer)", ValueType: "DEMO-01 (Production)-Tokyo Demo Hospital", Old: "Sponsor CRA Rights"},
		{Event: diff.UserAdded, User: "pnair", Target: "Priya Nair (pnair)"},
		{Event: diff.RoleChange, User: "pnair", Target: "Priya Nair (pnair)", ValueType: "DEMO-01 (Production)-Springfield Demo Clinic", New: "Clinical Research Coordinator"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
	// The InForm OIDs are not the logins, so matching by OID pairs nobody.
	byOID := diff.Compare(a, b, diff.Options{})
	var added, removed int
	for _, ch := range byOID {
		switch ch.Event {
		case diff.UserAdded:
			added++
		case diff.UserRemoved:
			removed++
		}
	}
	if added != 6 || removed != 5 {
		t.Errorf("by OID: %d added, %d removed; want 6 and 5", added, removed)
	}
}

// TestWriters checks the three output formats against golden files (go test -update
// rewrites them) and that JSON and CSV parse back to the same changes.
func TestWriters(t *testing.T) {
	changes := diff.Compare(read(t, "inform-export.xml"), read(t, "rave-export.xml"), diff.Options{Key: diff.KeyLogin})
	for _, f := range []struct {
		ext   string
		write func(*bytes.Buffer, []diff.Change) error
	}{
		{"txt", func(b *bytes.Buffer, c []diff.Change) error { return diff.WriteText(b, c) }},
		{"json", func(b *bytes.Buffer, c []diff.Change) error { return diff.WriteJSON(b, c) }},
		{"csv", func(b *bytes.Buffer, c []diff.Change) error { return diff.WriteCSV(b, c) }},
	} {
		var buf bytes.Buffer
		if err := f.write(&buf, changes); err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "cross-vendor."+f.ext)
		if *update {
			if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(string(want), buf.String()); d != "" {
			t.Errorf("%s output (-want +got):\n%s", f.ext, d)
		}
	}

	var buf bytes.Buffer
	diff.WriteJSON(&buf, changes)
	var back []diff.Change
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(changes, back); d != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", d)
	}
	var keys []map[string]any
	json.Unmarshal(buf.Bytes(), &keys)
	for _, k := range []string{"event", "user", "target", "valueType", "old", "new"} {
		if _, ok := keys[0][k]; !ok {
			t.Errorf("JSON key %q missing", k)
		}
	}

	buf.Reset()
	diff.WriteCSV(&buf, changes)
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(diff.CSVHeader(), recs[0]); d != "" {
		t.Errorf("CSV header (-want +got):\n%s", d)
	}
	if len(recs) != len(changes)+1 {
		t.Errorf("CSV has %d rows for %d changes", len(recs)-1, len(changes))
	}

	buf.Reset()
	diff.WriteJSON(&buf, nil)
	if buf.String() != "[]\n" {
		t.Errorf("no changes as JSON: %q", buf.String())
	}
}

// TestParse checks the option parsers used by the CLI.
func TestParse(t *testing.T) {
	for in, want := range map[string]diff.Key{"": diff.KeyOID, "OID": diff.KeyOID, "login": diff.KeyLogin, "e-mail": diff.KeyEmail} {
		if got, err := diff.ParseKey(in); err != nil || got != want {
			t.Errorf("ParseKey(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := diff.ParseKey("guid"); err == nil {
		t.Error("ParseKey(guid): no error")
	}
	for in, want := range map[string]diff.RoleMatch{"": diff.RolesAuto, "auto": diff.RolesAuto, "name": diff.RolesByName, "Canonical": diff.RolesByCanonical} {
		if got, err := diff.ParseRoleMatch(in); err != nil || got != want {
			t.Errorf("ParseRoleMatch(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := diff.ParseRoleMatch("fuzzy"); err == nil {
		t.Error("ParseRoleMatch(fuzzy): no error")
	}
}

// TestNil checks that nil directories are empty ones.
func TestNil(t *testing.T) {
	if ch := diff.Compare(nil, nil, diff.Options{}); len(ch) != 0 {
		t.Errorf("nil vs nil: %v", ch)
	}
	ch := diff.Compare(nil, base(), diff.Options{})
	if len(ch) == 0 || ch[0].Event != diff.SiteAdded {
		t.Errorf("nil vs base: %v", ch)
	}
}

func lines(ch []diff.Change) string {
	var b strings.Builder
	for _, c := range ch {
		b.WriteString(c.String() + "\n")
	}
	return b.String()
}

// TestOC4TableHolds: an OpenClinica 4 user table holds first and last name, login,
// e-mail, organization, phone, role, type (the category), status and a role's start.
// Compared with an export of another vendor, the fields only the export holds (display
// name, fax, UserType) are not changes: the table lists nothing for them. They were,
// because the profile had no entry and counted as holding everything.
func TestOC4TableHolds(t *testing.T) {
	user := func(p mapping.Profile, u *mapping.User) *mapping.Directory {
		return &mapping.Directory{Users: []*mapping.User{u}, Source: &mapping.FileSource{Vendor: p}}
	}
	rave := user(mapping.ProfileRave, &mapping.User{ID: "jdoe", Login: "jdoe", DisplayName: "Dr. Jo Doe", GivenName: "Jo", FamilyName: "Doe",
		Emails: []string{"jo@example.org"}, Faxes: []string{"+1 555 0101"}, Type: "Investigator"})
	table := user(mapping.ProfileOC4Users, &mapping.User{ID: "jdoe", Login: "jdoe", GivenName: "Jo", FamilyName: "Doe",
		Emails: []string{"jo@example.org"}})
	if got := diff.Compare(rave, table, diff.Options{Key: diff.KeyLogin}); len(got) != 0 {
		t.Errorf("changes in fields the table does not hold: %+v", got)
	}
	table.Users[0].Emails = []string{"jo.doe@example.org"}
	if got := diff.Compare(rave, table, diff.Options{Key: diff.KeyLogin}); len(got) != 1 || got[0].ValueType != "emails" {
		t.Errorf("a field both hold is still compared: %+v", got)
	}
}

// TestKeyAgainstTable: a Clinical One template or an OpenClinica 4 user table has no
// OIDs (a user's ID is its login). By the default key, every user of an export whose
// OIDs are not its logins was reported removed and added again; the default is the
// login against such a side, for Compare and CompareSides alike. An explicit OID key
// is kept.
func TestKeyAgainstTable(t *testing.T) {
	export := &mapping.Directory{Source: &mapping.FileSource{Vendor: mapping.ProfileInForm}, Users: []*mapping.User{
		{ID: "U1", Login: "amorel", GivenName: "Ada", FamilyName: "Morel", Emails: []string{"ada@example.org"}},
		{ID: "U2", Login: "blin", GivenName: "Bo", FamilyName: "Lin"},
	}}
	for _, p := range []mapping.Profile{mapping.ProfileClinicalOne, mapping.ProfileOC4Users} {
		table := &mapping.Directory{Source: &mapping.FileSource{Vendor: p}, Users: []*mapping.User{
			{ID: "blin", Login: "blin", GivenName: "Bo", FamilyName: "Lin"},
			{ID: "amorel", Login: "amorel", GivenName: "Ada", FamilyName: "Morel", Emails: []string{"ada@example.org"}},
		}}
		if got := diff.Compare(export, table, diff.Options{}); len(got) != 0 {
			t.Errorf("%s, Compare: %+v, want no changes", p, got)
		}
		got, err := diff.CompareSides(context.Background(), diff.DirectorySide(table), diff.DirectorySide(export), diff.SidesOptions{})
		if err != nil || len(got) != 0 {
			t.Errorf("%s, CompareSides: %+v, %v; want no changes", p, got, err)
		}
		if got := diff.Compare(export, table, diff.Options{Key: diff.KeyOID}); len(got) != 4 {
			t.Errorf("%s, --key oid: %d changes, want the 2 users removed and added", p, len(got))
		}
	}
}

// TestKeyMissing: matched by login or e-mail address, users without one all had the
// empty key, and a user without an address in one file was paired with a different
// person without one in the other (reported as one user whose id, login and names
// changed). Such users are matched by their OID.
func TestKeyMissing(t *testing.T) {
	dir := func(us ...*mapping.User) *mapping.Directory {
		return &mapping.Directory{Source: &mapping.FileSource{Vendor: mapping.ProfileODM}, Users: us}
	}
	a := dir(&mapping.User{ID: "U1", Login: "amorel", GivenName: "Ada"})
	b := dir(&mapping.User{ID: "U9", Login: "zother", GivenName: "Zed"})
	for _, key := range []diff.Key{diff.KeyEmail} {
		got := diff.Compare(a, b, diff.Options{Key: key})
		var events []diff.Event
		for _, ch := range got {
			events = append(events, ch.Event)
		}
		if len(events) != 2 || !slices.Contains(events, diff.UserRemoved) || !slices.Contains(events, diff.UserAdded) {
			t.Errorf("%s: %+v, want one user removed and another added", key, got)
		}
		side, err := diff.CompareSides(context.Background(), diff.DirectorySide(a), diff.DirectorySide(b), diff.SidesOptions{Options: diff.Options{Key: key}})
		if err != nil || len(side) != len(got) {
			t.Errorf("%s: CompareSides %+v, %v; Compare %+v", key, side, err, got)
		}
	}
	// Neither has a login: by login they are matched by OID, so U1 and U9 are two people.
	a.Users[0].Login, b.Users[0].Login = "", ""
	if got := diff.Compare(a, b, diff.Options{Key: diff.KeyLogin}); len(got) != 2 {
		t.Errorf("by login, no logins: %+v, want one removed and one added", got)
	}
	// The same OID without a login is one user whose name changed.
	b.Users[0].ID = "U1"
	if got := diff.Compare(a, b, diff.Options{Key: diff.KeyLogin}); len(got) != 1 || got[0].Event != diff.ProfileChange {
		t.Errorf("by login, no logins, one OID: %+v, want one profile change", got)
	}
}

// TestOrganizationAcrossVersions: ODM 1.3 names a user's organization, ODM 2.0 refers
// to an Organization by OID. Neither field was compared between the two, so a user who
// moved to another organization was no change. The names are compared.
func TestOrganizationAcrossVersions(t *testing.T) {
	v13 := &mapping.Directory{Source: &mapping.FileSource{Vendor: mapping.ProfileODM}, Users: []*mapping.User{
		{ID: "U1", Login: "amorel", Organization: "Alpha Clinic"}}}
	v20 := func(name string) *mapping.Directory {
		return &mapping.Directory{Source: &mapping.FileSource{Vendor: mapping.ProfileODM2},
			Organizations: []*mapping.Organization{{ID: "ORG.1", Name: name, Type: "Site"}},
			Users:         []*mapping.User{{ID: "U1", Login: "amorel", OrganizationID: "ORG.1"}}}
	}
	for _, tc := range []struct {
		name string
		want int
		why  string
	}{
		{"Beta Hospital", 1, "another organization"},
		{"Alpha  Clinic", 0, "the same name, white space aside"},
	} {
		got := diff.Compare(v13, v20(tc.name), diff.Options{})
		if len(got) != tc.want || tc.want == 1 && (got[0].ValueType != "organization" || got[0].Old != "Alpha Clinic" || got[0].New != tc.name) {
			t.Errorf("%s: %+v", tc.why, got)
		}
		side, err := diff.CompareSides(context.Background(), diff.DirectorySide(v13), diff.DirectorySide(v20(tc.name)), diff.SidesOptions{})
		if err != nil || len(side) != len(got) {
			t.Errorf("%s: CompareSides %+v, %v; Compare %+v", tc.why, side, err, got)
		}
	}
}
