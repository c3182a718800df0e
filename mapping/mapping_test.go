package mapping

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/odm"
)

// TestRoundTrip: each vendor → model → same vendor gives back the AdminData it was read
// from, value for value, with no warning.
func TestRoundTrip(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			doc := decodeFile(t, f.file)
			dir, _, err := FromDocument(doc, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if dir.Source.Vendor != f.profile {
				t.Fatalf("detected %s, want %s", dir.Source.Vendor, f.profile)
			}
			out, ws, err := ToDocument(dir, f.profile, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(ws) > 0 {
				t.Errorf("writing back the same vendor warned: %v", ws)
			}
			back := decodeBytes(t, encode(t, out))
			if d := cmp.Diff(doc.AdminData(), back.AdminData(), canonical); d != "" {
				t.Errorf("AdminData changed (-read +written):\n%s", d)
			}
		})
	}
}

// TestRoundTripJSON: the model's JSON keeps enough (Source) that JSON → same vendor loses
// no value either, though the source layout is gone.
func TestRoundTripJSON(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			doc := decodeFile(t, f.file)
			dir, _, err := FromDocument(doc, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var fromJSON Directory
			if err := json.Unmarshal(mustJSON(t, dir), &fromJSON); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(mustJSON(t, dir), mustJSON(t, &fromJSON)); d != "" {
				t.Fatalf("JSON round trip changed the model:\n%s", d)
			}
			out, ws, err := ToDocument(&fromJSON, f.profile, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range ws {
				t.Logf("warning: %v", w)
			}
			back := decodeBytes(t, encode(t, out))
			dir2, _, err := FromDocument(back, Options{Profile: f.profile})
			if err != nil {
				t.Fatal(err)
			}
			// Compare the models: what JSON carries must come back.
			strip := func(d *Directory) *Directory {
				for _, u := range d.Users {
					u.Source.Studies = nil
				}
				d.Source = nil
				return d
			}
			if d := cmp.Diff(string(mustJSON(t, strip(dir))), string(mustJSON(t, strip(dir2)))); d != "" {
				t.Errorf("JSON → %s → model changed (-before +after):\n%s", f.profile, d)
			}
		})
	}
}

// TestGolden pins the normalized model (the --to json output) and warnings of each fixture.
func TestGolden(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			dir, ws, err := FromDocument(decodeFile(t, f.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			golden(t, strings.TrimSuffix(f.file, ".xml")+".json", mustJSON(t, struct {
				Directory *Directory `json:"directory"`
				Warnings  []Warning  `json:"warnings"`
			}{dir, ws}))
		})
	}
}

// TestCrossVendor: every fixture written as every ODM flavour is schema-valid and reports
// what the target cannot hold.
func TestCrossVendor(t *testing.T) {
	// want lists warnings (code and field) that must appear, with the reason.
	cases := []struct {
		from, to Profile
		want     []string
		reason   string
	}{
		{ProfileODM, ProfileODM2, []string{"unrepresentable User/DisplayName", "unrepresentable User/Certificate", "approximated User/LocationRef", "approximated User/Address/StreetName"},
			"the 1.3 → 2.0 losses the research notes list (§4.1): DisplayName, Certificate, several LocationRefs, a second StreetName"},
		{ProfileODM2, ProfileODM, []string{"unrepresentable User/Prefix", "unrepresentable User/Suffix", "unrepresentable User/Telecom[URL]", "approximated User/Telecom[SMS]", "unrepresentable Organization", "unrepresentable User/Address/GeoPosition", "approximated User/Address/HouseNumber", "approximated User/@UserType"},
			"2.0 → 1.3: no prefix/suffix, no URL contact, no Organization, no GeoPosition; Monitor and Subject user types are approximated"},
		{ProfileInForm, ProfileRave, []string{"extension-dropped User/@pf:DBUID", "unrepresentable User/locale", "unrepresentable pf:GroupDef", "unrepresentable Location/timeZone"},
			"InForm ids, locale, group definitions and time zones have no Rave equivalent"},
		{ProfileRave, ProfileInForm, []string{"generated pf:GroupDef", "unrepresentable User/group"},
			"Rave roles become made-up InForm rights groups; Rave user/site groups have no InForm ID"},
		{ProfileInForm, ProfileOpenClinica, []string{"unrepresentable User/LoginName", "unrepresentable Assignment/Role", "approximated Location"},
			"OpenClinica's AdminData holds names and organization only, sites become site studies"},
		{ProfileOpenClinica, ProfileInForm, nil, "OpenClinica users carry nothing InForm lacks"},
		{ProfileInForm, ProfileODM2, []string{"normalized Location/MetaDataVersionRef/@EffectiveDate", "unrepresentable Assignment/Role"},
			"InForm's dateTime EffectiveDate is written as an xs:date; plain ODM has no roles"},
	}
	seen := map[[2]Profile]bool{}
	for _, c := range cases {
		seen[[2]Profile{c.from, c.to}] = true
	}
	// Every other pair must at least produce valid output.
	for _, f := range fixtures {
		for _, p := range []Profile{ProfileInForm, ProfileRave, ProfileOpenClinica, ProfileODM, ProfileODM2} {
			if f.profile != p && !seen[[2]Profile{f.profile, p}] {
				cases = append(cases, struct {
					from, to Profile
					want     []string
					reason   string
				}{f.profile, p, nil, "valid output"})
			}
		}
	}
	for _, c := range cases {
		if c.reason == "" {
			t.Fatalf("case %s→%s has no reason", c.from, c.to)
		}
		t.Run(fmt.Sprintf("%s_to_%s", c.from, c.to), func(t *testing.T) {
			var file string
			for _, f := range fixtures {
				if f.profile == c.from {
					file = f.file
				}
			}
			dir, _, err := FromDocument(decodeFile(t, file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			out, ws, err := ToDocument(dir, c.to, Options{Now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			b := encode(t, out)
			validate(t, b, c.to.Version())
			got := codes(ws)
			for _, w := range c.want {
				if !slices.Contains(got, w) {
					t.Errorf("missing warning %q (%s); got:\n%s", w, c.reason, strings.Join(got, "\n"))
				}
			}
			for _, w := range ws {
				if w.Code == "" || w.Message == "" || w.Count < 1 {
					t.Errorf("incomplete warning %+v", w)
				}
			}
			// Every user comes across, under its ID, but those whose only access is at a
			// site the target cannot write (an OpenClinica site study has no study
			// version to be a Location by), which are left out, never granted the
			// whole study, and counted.
			back, _, err := FromDocument(decodeBytes(t, b), Options{Profile: c.to})
			if err != nil {
				t.Fatal(err)
			}
			var before, after []string
			for _, u := range dir.Users {
				before = append(before, u.ID)
			}
			for _, u := range back.Users {
				after = append(after, u.ID)
			}
			sort.Strings(before)
			sort.Strings(after)
			left := 0
			for _, w := range ws {
				if w.Code == CodeUnrepresentable && w.Field == "User" {
					left += w.Count
				}
			}
			kept := slices.DeleteFunc(slices.Clone(before), func(id string) bool { return !slices.Contains(after, id) })
			if d := cmp.Diff(kept, after); d != "" || len(before)-len(after) != left {
				t.Errorf("users differ after %s → %s beyond the %d warned as left out (-before +after):\n%s", c.from, c.to, left, cmp.Diff(before, after))
			}
		})
	}
}

// TestNoPersonalDataInWarnings: warnings name values by identifier only.
func TestNoPersonalDataInWarnings(t *testing.T) {
	for _, f := range fixtures {
		dir, ws, err := FromDocument(decodeFile(t, f.file), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []Profile{ProfileInForm, ProfileRave, ProfileOpenClinica, ProfileODM, ProfileODM2} {
			_, w2, err := ToDocument(dir, p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			ws = append(ws, w2...)
		}
		var buf bytes.Buffer
		if _, err := WriteClinicalOneCSV(&buf, dir, Options{}); err == nil {
			// the CSV writer's warnings too
		}
		// Role names are vendor configuration, quoted on purpose (unknown-role,
		// role-verbatim); the fixture's "Alma Investigator" shares a word with "Site
		// Investigator Rights", so role names are taken out before looking for names.
		var roles []string
		for _, u := range dir.Users {
			for _, a := range u.Assignments {
				if a.Role.Name != "" {
					roles = append(roles, a.Role.Name)
				}
			}
		}
		for _, w := range ws {
			s := w.String()
			for _, r := range roles {
				s = strings.ReplaceAll(s, strconv.Quote(r), `"<role>"`)
			}
			for _, u := range dir.Users {
				for _, v := range append(append([]string{u.GivenName, u.FamilyName, u.FullName, u.DisplayName}, u.Emails...), u.Phones...) {
					if len(v) > 2 && strings.Contains(s, v) {
						t.Errorf("%s: warning %q quotes personal data %q", f.file, s, v)
					}
				}
			}
		}
	}
}

func TestMergeAcrossBlocks(t *testing.T) {
	dir, ws, err := FromDocument(decodeFile(t, "openclinica.xml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var hana *User
	for _, u := range dir.Users {
		if u.ID == "USR_5" {
			if hana != nil {
				t.Fatal("USR_5 listed twice: users in several AdminData blocks must merge")
			}
			hana = u
		}
	}
	if hana == nil {
		t.Fatal("USR_5 missing")
	}
	want := []Assignment{
		{Study: "S_DEMOX", Scope: ScopeStudy, Environment: EnvProduction},
		{Study: "S_DEMOX", Site: "S_SITE_A", Scope: ScopeSite, Environment: EnvProduction},
	}
	if d := cmp.Diff(want, hana.Assignments); d != "" {
		t.Errorf("assignments (-want +got):\n%s", d)
	}
	if !slices.Contains(codes(ws), "normalized User/@OID") {
		t.Errorf("the OID with a trailing space was not reported: %v", ws)
	}
	// Writing back puts USR_5 in both blocks again.
	out, _, err := ToDocument(dir, ProfileOpenClinica, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ad := range out.AdminData() {
		for _, u := range ad.Users {
			if u.OID == "USR_5" {
				n++
			}
		}
	}
	if n != 2 {
		t.Errorf("USR_5 written in %d AdminData blocks, want 2", n)
	}
}

func TestMergeByLogin(t *testing.T) {
	src := `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileType="Snapshot" FileOID="F" CreationDateTime="2025-01-01T00:00:00Z">
<AdminData StudyOID="A"><User OID="U1"><LoginName>same</LoginName><Email>a@example.org</Email></User></AdminData>
<AdminData StudyOID="B"><User OID="U9"><LoginName>same</LoginName><Email>b@example.org</Email></User>
<User OID="U10"><LoginName>other</LoginName></User></AdminData></ODM>`
	doc, err := odm.Decode(strings.NewReader(src), odm.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir, _, err := FromDocument(doc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(dir.Users) != 2 {
		t.Fatalf("got %d users, want 2 (U1 and U9 share a login)", len(dir.Users))
	}
	u := dir.Users[0]
	if d := cmp.Diff([]string{"a@example.org", "b@example.org"}, u.Emails); d != "" {
		t.Errorf("emails not united:\n%s", d)
	}
	if len(u.Assignments) != 2 || u.Assignments[0].Study != "A" || u.Assignments[1].Study != "B" {
		t.Errorf("assignments of both studies not kept: %+v", u.Assignments)
	}
}

func TestDetect(t *testing.T) {
	for _, f := range fixtures {
		if got := Detect(decodeFile(t, f.file)); got != f.profile {
			t.Errorf("%s: Detect = %s, want %s", f.file, got, f.profile)
		}
	}
}

func TestFromReaderMatchesFromDocument(t *testing.T) {
	for _, f := range fixtures {
		if f.profile == ProfileOpenClinica {
			continue // the stream does not see Study elements (documented)
		}
		t.Run(f.file, func(t *testing.T) {
			want, wws, err := FromDocument(decodeFile(t, f.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			b := encode(t, decodeFile(t, f.file))
			got, gws, err := FromReader(odm.NewReader(bytes.NewReader(b), odm.ReadOptions{}), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(string(mustJSON(t, want)), string(mustJSON(t, got))); d != "" {
				t.Errorf("stream and document differ (-doc +stream):\n%s", d)
			}
			if d := cmp.Diff(wws, gws); d != "" {
				t.Errorf("warnings differ:\n%s", d)
			}
			// A streamed directory keeps no decoded records, but writes back every value.
			out, ws, err := ToDocument(got, f.profile, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(ws) > 0 {
				t.Errorf("streamed directory written back warned: %v", ws)
			}
			again, _, err := FromDocument(decodeBytes(t, encode(t, out)), Options{Profile: f.profile})
			if err != nil {
				t.Fatal(err)
			}
			strip := func(d *Directory) *Directory {
				for _, u := range d.Users {
					u.Source.Studies = nil
				}
				d.Source = nil
				return d
			}
			if d := cmp.Diff(string(mustJSON(t, strip(want))), string(mustJSON(t, strip(again)))); d != "" {
				t.Errorf("streamed round trip changed the model (-read +written):\n%s", d)
			}
		})
	}
}

// TestEdits: a change in the model reaches the vendor's own attributes when writing back.
func TestEdits(t *testing.T) {
	dir, _, err := FromDocument(decodeFile(t, "inform.xml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	u := dir.Users[0] // ainvestigator
	u.Status = StatusDeactivated
	u.Locale = "de-DE"
	u.Assignments[0].Role = Role{Name: "CRC Rights", Canonical: RoleCRC}
	u.Assignments = append(u.Assignments, Assignment{Study: "DEMO-TRIAL", Site: "40002", Role: u.Assignments[0].Role, Scope: ScopeSite, Environment: EnvProduction})
	out, ws, err := ToDocument(dir, ProfileInForm, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) > 0 {
		t.Errorf("unexpected warnings %v", ws)
	}
	w := out.AdminData()[0].Users[0]
	attr := func(k string) string { v, _ := w.Attr(odm.NSInForm, k); return v }
	if attr("Active") != "No" || attr("StudyLocale") != "de-DE" {
		t.Errorf("status/locale not written: Active=%q StudyLocale=%q", attr("Active"), attr("StudyLocale"))
	}
	var groups, locs []string
	for _, g := range w.Elements(odm.NSInForm, "GroupRef") {
		id, _ := g.Attr("", "GroupOID")
		groups = append(groups, id)
	}
	for _, l := range w.LocationRefs {
		locs = append(locs, l.LocationOID)
	}
	if d := cmp.Diff([]string{"6001", "5002"}, groups); d != "" {
		t.Errorf("rights group not replaced (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"40001", "40002"}, locs); d != "" {
		t.Errorf("LocationRefs (-want +got):\n%s", d)
	}
}

func TestSiteFacts(t *testing.T) {
	dir, _, err := FromDocument(decodeFile(t, "rave.xml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := dir.Sites[0]
	if s.Number != "1001" || !s.Active {
		t.Errorf("S001: number %q active %v, want 1001 true (number from the latest version)", s.Number, s.Active)
	}
	if v, ok := s.CurrentVersion("Demoflex(Prod)"); !ok || v.Version != "31" {
		t.Errorf("current version %v %v, want 31", v, ok)
	}
	if dir.Sites[1].Active {
		t.Error("S002 has mdsol:Active=No")
	}
	if dir.Studies[0].Environment != EnvProduction {
		t.Errorf("Demoflex(Prod) environment %q", dir.Studies[0].Environment)
	}
	idir, _, err := FromDocument(decodeFile(t, "inform.xml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range idir.Sites {
		if s.ID == "Unknown" {
			t.Error("InForm's automatic Unknown location is not a site")
		}
	}
	if s := idir.Sites[0]; s.Number != "01" || s.Country != "USA" || s.TimeZone == "" || s.Locale != "en-US" {
		t.Errorf("InForm site facts: %+v", s)
	}
	if v, _ := idir.Sites[0].CurrentVersion("DEMO-TRIAL"); v.Version != "V2" {
		t.Errorf("latest version by EffectiveDate (a dateTime) = %q, want V2", v.Version)
	}
}

func TestUserFacts(t *testing.T) {
	dir, _, err := FromDocument(decodeFile(t, "inform.xml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*User{}
	for _, u := range dir.Users {
		byID[u.ID] = u
	}
	cases := []struct {
		id       string
		status   Status
		category Category
		role     Role
		sites    []string
		reason   string
	}{
		{"ainvestigator", StatusAvailable, CategorySite, Role{"Site Investigator Rights", RoleInvestigator}, []string{"40001"}, "rights group name → Investigator after dropping the 'Rights' suffix"},
		{"bcoordinator", StatusDeactivated, CategorySite, Role{"CRC Rights", RoleCRC}, []string{"40002"}, "Terminated=Yes deactivates"},
		{"cmonitor", StatusAvailable, CategorySponsor, Role{"Sponsor CRA Rights", RoleMonitor}, []string{"40001", "40002"}, "the Unknown location is no site; CRA is a monitor"},
		{"dmanager", "", CategorySponsor, Role{"Trial Data Wranglers", RoleOther}, []string{""}, "no LocationRef: study level; an unknown role maps to Other and keeps its name"},
	}
	for _, c := range cases {
		u := byID[c.id]
		if u == nil {
			t.Fatalf("%s missing", c.id)
		}
		var sites []string
		for _, a := range u.Assignments {
			sites = append(sites, a.Site)
			if a.Role != c.role {
				t.Errorf("%s: role %+v, want %+v (%s)", c.id, a.Role, c.role, c.reason)
			}
		}
		if u.Status != c.status || u.Category != c.category || !equalStrings(sites, c.sites) {
			t.Errorf("%s: status %q category %q sites %v; want %q %q %v (%s)", c.id, u.Status, u.Category, sites, c.status, c.category, c.sites, c.reason)
		}
	}
	if u := byID["ainvestigator"]; u.GivenName != "Alma" || u.FamilyName != "Investigator" || u.Locale != "en-US" || u.Source.ID("DBUID") != "30001" {
		t.Errorf("names/locale/ids: %+v", u)
	}
}
