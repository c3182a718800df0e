package mapping

import (
	"bytes"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// oc4Study is a study User Administration table as OpenClinica 4 shows it (seed 000),
// saved from a spreadsheet as tab-separated text; the people are fictitious.
const oc4Study = "First\tLast\tUsername\tEmail\tOrganization\tPhone\tRole\tType\tStatus\tCreated (UTC)\tUpdated (UTC)\tActions\n" +
	"Mara\tVellin\tmvellin\tmara.vellin@sponsor.example.com\tAcme CRO\t555-0100\tData Manager\tAdmin\tAvailable\t10-May-2018 17:57\t13-Nov-2024 21:29\tEdit Remove Resend Invitation\n" +
	"Tomas\tIrving\ttirving\ttomas.irving@site.example.org\tSite 1\t555-0101\tInvestigator\tUser\tAvailable\t22-May-2025 11:14\t22-May-2025 11:14\tEdit Remove\n" +
	"Tomas\tIrving\ttirving\ttomas.irving@site.example.org\tSite 1\t555-0101\tCRC (TEST)\tUser\tAvailable\t19-May-2025 13:40\t11-Sep-2025 12:15\tEdit Remove\n" +
	"Lena\tOrtiz\tlortiz\tlena.ortiz@cro.example.com\tAcme CRO\t\tStudy Monitor\tUser\tInvited\t28-May-2025 12:53\t28-May-2025 12:53\tResend Invitation\n" +
	"Ravi\tDunmore\trdunmore\travi.dunmore@cro.example.com\tAcme CRO\t\tData Specialist\tUser\tDeactivated\t02-Apr-2025 14:16\t08-Apr-2025 14:53\tActivate\n"

func TestReadOC4Users(t *testing.T) {
	d, ws, err := ReadAny(strings.NewReader(oc4Study), "study-users.tsv", Options{Study: "HEADACHE"})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Users) != 4 {
		t.Fatalf("%d users, want 4 (tirving's two rows are one account)", len(d.Users))
	}
	by := map[string]*User{}
	for _, u := range d.Users {
		by[u.Login] = u
	}
	tests := []struct {
		login, reason string
		check         func(u *User) bool
	}{
		{"mvellin", "Type Admin is a System user; Status Available", func(u *User) bool {
			return u.Category == CategorySystem && u.Status == StatusAvailable && u.Emails[0] == "mara.vellin@sponsor.example.com"
		}},
		{"mvellin", "Data Manager is study-level; Created is the role's start", func(u *User) bool {
			a := u.Assignments[0]
			return a.Scope == ScopeStudy && a.Role.Canonical == RoleDataManager && a.From == "2018-05-10" && a.Study == "HEADACHE"
		}},
		{"tirving", "two rows, two roles; both site-level; the custom role keeps its name and its base role's meaning", func(u *User) bool {
			return len(u.Assignments) == 2 && u.Assignments[0].Scope == ScopeSite && u.Assignments[0].Role.Canonical == RoleInvestigator &&
				u.Assignments[1].Role.Name == "CRC (TEST)" && u.Assignments[1].Role.Canonical == RoleCRC && u.Assignments[1].Scope == ScopeSite
		}},
		{"lortiz", "Invited; Study Monitor is a study-level Monitor", func(u *User) bool {
			return u.Status == StatusInvited && u.Assignments[0].Role.Canonical == RoleMonitor && u.Assignments[0].Scope == ScopeStudy
		}},
		{"rdunmore", "Deactivated", func(u *User) bool { return u.Status == StatusDeactivated }},
	}
	for _, tc := range tests {
		if u := by[tc.login]; u == nil || !tc.check(u) {
			t.Errorf("%s: %s; got %+v", tc.login, tc.reason, u)
		}
	}
	var site, actions bool
	for _, w := range ws {
		site = site || w.Code == CodeApproximated && w.Field == "table/Role"
		actions = actions || w.Field == "table/Actions"
	}
	if !site {
		t.Errorf("site-level roles without a site must be reported: %v", ws)
	}
	if actions {
		t.Errorf("Actions is a column of the table, not a lost value: %v", ws)
	}

	// Written back, the table reads as the same directory.
	var buf bytes.Buffer
	if _, err := WriteOC4Users(&buf, d, Options{Study: "HEADACHE"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Mara,Vellin,mvellin,mara.vellin@sponsor.example.com,Acme CRO,555-0100,Data Manager,Admin,Available,10-May-2018 17:57,13-Nov-2024 21:29") {
		t.Errorf("written table:\n%s", buf.String())
	}
	d2, _, err := ReadAny(&buf, "again.csv", Options{Study: "HEADACHE"})
	if err != nil {
		t.Fatal(err)
	}
	if len(d2.Users) != 4 || len(d2.Users[1].Assignments) != 2 || d2.Users[1].Assignments[1].Role.Name != "CRC (TEST)" {
		t.Errorf("round trip: %+v", d2.Users)
	}
}

func TestOC4CentralTable(t *testing.T) {
	const central = "First,Last,Username,E-mail,Organization,Phone,Roles,Type,Status,Created (UTC),Updated (UTC),Last Login (UTC),Actions\n" +
		"Ines,Harlow,iharlow,ines.harlow@example.org,Acme,,\"HEADACHE: Data Manager; MIGRAINE: Monitor\",Admin,Available,16-May-2025 13:34,16-May-2025 13:34,30-May-2025 12:53,Edit\n" +
		"Olu,Baird,obaird,olu.baird@example.org,Acme,,,User,Created,12-Dec-2024 23:16,12-Dec-2024 23:16,Never,Edit\n"
	d, _, err := ReadAny(strings.NewReader(central), "central.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Users) != 2 || len(d.Users[0].Assignments) != 2 || d.Users[0].Assignments[1].Study != "MIGRAINE" || d.Users[1].Status != StatusCreated {
		t.Fatalf("users %+v", d.Users)
	}
}

func TestRoleVocabularyExtensions(t *testing.T) {
	tests := []struct {
		name  string
		p     Profile
		scope Scope
		want  Canonical
	}{
		{"Administrator", ProfileOC4Users, ScopeStudy, RoleSystemAdmin},
		{"Study Runner", ProfileOC4Users, ScopeStudy, RoleDataEntry},
		{"CRC (TEST)", ProfileOC4Users, ScopeSite, RoleCRC},
		{"Data Manager (PROD)", ProfileOC4Users, ScopeStudy, RoleDataManager},
		{"Active Conduct", "", ScopeStudy, RoleDataEntry},
		{"Read Only", "", ScopeStudy, RoleViewer},
		{"Clinical Research Coordinator (CRC)", ProfileClinicalOne, ScopeSite, RoleCRC},
		{"Unheard Of (X)", "", ScopeStudy, RoleOther},
	}
	for _, tc := range tests {
		if got := RoleFor(tc.p, tc.name, tc.scope).Canonical; got != tc.want {
			t.Errorf("RoleFor(%q) = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestMergeAndAlign(t *testing.T) {
	users := &Directory{Source: &FileSource{Vendor: ProfileRave}, Users: []*User{
		{ID: "bokafor", Login: "bokafor", Emails: []string{}, Assignments: []Assignment{{Study: "S(Prod)", Site: "4567", Scope: ScopeSite}}},
		{ID: "USR_2", GivenName: "Kai", Assignments: []Assignment{}},
	}, Sites: []*Site{{ID: "4567", Name: "4567"}}}
	sites := &Directory{Source: &FileSource{Vendor: ProfileRave}, Sites: []*Site{{ID: "4567", Name: "Uxbridge Medical Centre", Number: "001", Active: true}}}
	table := &Directory{Users: []*User{{ID: "USR_2", Login: "kai.l", Emails: []string{"kai@example.org"}, GivenName: "Kay"}}}
	d, ws := Merge(users, sites, table)
	if len(d.Sites) != 1 || d.Sites[0].Name != "Uxbridge Medical Centre" || d.Sites[0].Number != "001" {
		t.Errorf("site %+v: a site known by reference takes the Sites file's name and number", d.Sites[0])
	}
	if len(d.Users) != 2 || d.Users[1].Login != "kai.l" || d.Users[1].Emails[0] != "kai@example.org" || d.Users[1].GivenName != "Kai" {
		t.Errorf("user %+v: the table adds login and e-mail by OID, the first file's name is kept", d.Users[1])
	}
	if len(ws) != 1 || ws[0].Code != CodeMergeConflict || ws[0].Field != "User/GivenName" {
		t.Errorf("warnings %v: want one merge conflict on GivenName", ws)
	}
	// A template names the site by number and no study: aligned to the export.
	tmpl := &Directory{Users: []*User{{ID: "bokafor", Assignments: []Assignment{{Site: "001", Scope: ScopeSite}}}}, Sites: []*Site{{ID: "001", Name: "001"}}, Studies: []*Study{}}
	ref := &Directory{Studies: []*Study{{ID: "S(Prod)"}}, Sites: d.Sites}
	if n := AlignTo(tmpl, ref); n != 1 || tmpl.Users[0].Assignments[0].Site != "4567" || tmpl.Users[0].Assignments[0].Study != "S(Prod)" || tmpl.Sites[0].ID != "4567" {
		t.Errorf("aligned %d: %+v %+v", n, tmpl.Users[0].Assignments, tmpl.Sites[0])
	}
}

// TestOC4StatusWords: a Status that is not one of OpenClinica 4's four is read as the one
// it means when it has one (OpenClinica 3's removed and locked, an "Active" typed by
// hand), with a normalized warning per word and a count: map --to oc4users wrote
// Deactivated for Removed without a word, where accounts refuses it.
func TestOC4StatusWords(t *testing.T) {
	table := "First,Last,Username,Email,Role,Type,Status\n" +
		"Ed,Test,etest,ed@example.org,Data Manager,User,Removed\n" +
		"Fi,Test,ftest,fi@example.org,Data Manager,User,Active\n" +
		"Gu,Test,gtest,gu@example.org,Data Manager,User,locked\n" +
		"Ha,Test,htest,ha@example.org,Data Manager,User,Available\n"
	d, ws, err := ReadAny(strings.NewReader(table), "users.csv", Options{Study: "S1"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Status{"etest": StatusDeactivated, "ftest": StatusAvailable, "gtest": StatusDeactivated, "htest": StatusAvailable}
	for _, u := range d.Users {
		if u.Status != want[u.Login] {
			t.Errorf("%s: status %q, want %q", u.Login, u.Status, want[u.Login])
		}
	}
	n := 0
	for _, w := range ws {
		if w.Code == CodeNormalized && w.Field == "table/Status" {
			n += w.Count
		}
	}
	if n != 3 {
		t.Errorf("%d statuses reported normalized, want 3 (Available is OpenClinica 4's own): %v", n, ws)
	}
}

// TestOC4TableLeavesOutLoudly: the OpenClinica 4 user table holds users only, with one
// organization name and no site. An ODM 2.0 user's organization (an OID) was written as
// an empty Organization cell, and its site, prefix, the Locations, Organizations and
// SignatureDefs were left out with no warning (--strict exited 0). The name is written;
// the rest is reported, with counts, through WriteOC4Users and WriteOC4UsersFrom alike.
func TestOC4TableLeavesOutLoudly(t *testing.T) {
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v2.0" ODMVersion="2.0" FileType="Snapshot" Granularity="AdminData" FileOID="F1" CreationDateTime="2026-01-01T00:00:00Z">
  <AdminData StudyOID="ST1">
    <User OID="U1" UserType="Investigator" OrganizationOID="ORG.1" LocationOID="LOC.1">
      <UserName>amorel</UserName><Prefix>Dr.</Prefix><GivenName>Ada</GivenName><FamilyName>Morel</FamilyName>
    </User>
    <Organization OID="ORG.1" Name="Beta Hospital" Type="Site"/>
    <Location OID="LOC.1" Name="Beta Site" OrganizationOID="ORG.1">
      <MetaDataVersionRef StudyOID="ST1" MetaDataVersionOID="M" EffectiveDate="2026-01-01"/>
    </Location>
    <SignatureDef OID="SD1" Methodology="Electronic"><Meaning>m</Meaning><LegalReason>r</LegalReason></SignatureDef>
  </AdminData>
</ODM>
`
	check := func(how string, out string, ws []Warning) {
		if !strings.Contains(out, "Ada,Morel,amorel,,Beta Hospital,") {
			t.Errorf("%s: the organization is not named:\n%s", how, out)
		}
		got := map[string]int{}
		for _, w := range ws {
			if w.Code == CodeUnrepresentable {
				got[w.Field] += w.Count
			}
		}
		for _, f := range []string{"User/other", "Assignment/site", "Location", "Organization", "SignatureDef"} {
			if got[f] != 1 {
				t.Errorf("%s: %s reported %d times, want once: %v", how, f, got[f], ws)
			}
		}
	}
	d, _, err := FromReader(odm.NewReader(strings.NewReader(doc), odm.ReadOptions{}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	ws, err := WriteOC4Users(&buf, d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	check("WriteOC4Users", buf.String(), ws)
	buf.Reset()
	ws, err = WriteOC4UsersFrom(&buf, func() (*odm.Reader, error) { return odm.NewReader(strings.NewReader(doc), odm.ReadOptions{}), nil }, Options{})
	if err != nil {
		t.Fatal(err)
	}
	check("WriteOC4UsersFrom", buf.String(), ws)
}

// TestOC4RoleNamesReadBack: a role another vendor's user has is written into the
// OpenClinica 4 table by its OpenClinica name at the assignment's level, and the table
// says a role's level by its name only; so every canonical role OpenClinica names, at
// either level, reads back at that level with a name that writes the same again. A name
// that cannot (a System Administrator at a site) is reported, not changed silently.
func TestOC4RoleNamesReadBack(t *testing.T) {
	for _, tc := range []struct {
		reason string
		c      Canonical
		scope  Scope
		want   string // the name written
		warned bool   // the level changes, reported
	}{
		{"seed 000: a monitor at a site is a Site Monitor", RoleMonitor, ScopeSite, "Site Monitor", false},
		{"seed 000: a study-level monitor is a Study Monitor", RoleMonitor, ScopeStudy, "Study Monitor", false},
		{"a site's data manager: the site form of the name", RoleDataManager, ScopeSite, "Site Data Manager", false},
		{"a study's data manager", RoleDataManager, ScopeStudy, "Data Manager", false},
		{"a site's study director", RoleStudyDirector, ScopeSite, "Site Study Director", false},
		{"a site's viewer", RoleViewer, ScopeSite, "Site Viewer", false},
		{"a site's data entry person: OpenClinica's site_Data_Entry_Person2", RoleDataEntry, ScopeSite, "Site Data Entry Person 2", false},
		{"a site's participant", RoleParticipant, ScopeSite, "Site Data Entry Participant", false},
		{"an investigator is site-level", RoleInvestigator, ScopeSite, "Investigator", false},
		{"a CRC is site-level", RoleCRC, ScopeSite, "Clinical Research Coordinator", false},
		{"a system administrator has no site form: written, reported", RoleSystemAdmin, ScopeSite, "System Administrator", true},
	} {
		u := &User{ID: "U1", Login: "ufict", Source: &Source{Vendor: ProfileInForm},
			Assignments: []Assignment{{Study: "S1", Site: "01", Scope: tc.scope, Role: Role{Name: "Rights " + string(tc.c), Canonical: tc.c}}}}
		var buf bytes.Buffer
		ws, err := WriteOC4Users(&buf, &Directory{Users: []*User{u}}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		rows := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(rows) != 2 || strings.Split(rows[1], ",")[6] != tc.want {
			t.Errorf("%s: wrote %q, want the role %q", tc.reason, rows, tc.want)
			continue
		}
		warned := false
		for _, w := range ws {
			warned = warned || w.Code == CodeApproximated && strings.Contains(w.Message, "read back")
		}
		if warned != tc.warned {
			t.Errorf("%s: level change reported %v, want %v: %v", tc.reason, warned, tc.warned, ws)
		}
		d, _, err := ReadAny(strings.NewReader(buf.String()), "oc4.csv", Options{Study: "S1"})
		if err != nil {
			t.Fatal(err)
		}
		a := d.Users[0].Assignments[0]
		if !tc.warned && a.Scope != tc.scope {
			t.Errorf("%s: %q reads back at %s level, want %s", tc.reason, tc.want, a.Scope, tc.scope)
		}
		if n := DefaultRoleName(ProfileOpenClinica, a.Role.Canonical, a.Scope); n != tc.want {
			t.Errorf("%s: %q reads back as %s, which writes as %q", tc.reason, tc.want, a.Role.Canonical, n)
		}
	}
	// Every name OpenClinica has for a canonical role is in the cases above or reads back
	// at its level.
	for c, names := range openClinicaRoles {
		for i, s := range []Scope{ScopeStudy, ScopeSite} {
			if c == RoleSystemAdmin && s == ScopeSite {
				continue // reported, above
			}
			if got := oc4Scope(names[i]); got != s {
				t.Errorf("%s at %s level is written %q, which reads back at %s level", c, s, names[i], got)
			}
		}
	}
}
