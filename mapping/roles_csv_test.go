package mapping

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRoleFor(t *testing.T) {
	cases := []struct {
		p      Profile
		name   string
		scope  Scope
		want   Canonical
		reason string
	}{
		{ProfileOpenClinica, "Data Specialist", ScopeStudy, RoleDataSpecialist, "OpenClinica role 4 at study level"},
		{ProfileOpenClinica, "Data Specialist", ScopeSite, RoleInvestigator, "role 4's stored name at site level is the Investigator"},
		{ProfileOpenClinica, "Investigator", ScopeStudy, RoleDataSpecialist, "internal name of role 4 at study level"},
		{ProfileOpenClinica, "Investigator", ScopeSite, RoleInvestigator, "site-level display name"},
		{ProfileOpenClinica, "ra", ScopeStudy, RoleDataEntry, "Data Entry Person at study level"},
		{ProfileOpenClinica, "ra", ScopeSite, RoleCRC, "Clinical Research Coordinator at site level"},
		{ProfileOpenClinica, "ra2", ScopeSite, RoleDataEntry, "site Data Entry Person (site_Data_Entry_Person2)"},
		{ProfileOpenClinica, "site_Data_Entry_Person", ScopeSite, RoleCRC, "description key of the site CRC"},
		{ProfileOpenClinica, "coordinator", ScopeStudy, RoleDataManager, "internal name of Data Manager"},
		{ProfileOpenClinica, "director", ScopeSite, RoleStudyDirector, "internal name of Study Director"},
		{ProfileOpenClinica, "participate", ScopeSite, RoleParticipant, "OC4 participant role"},
		{ProfileOpenClinica, "Study Monitor", ScopeStudy, RoleMonitor, "OC4 UI name"},
		{ProfileOpenClinica, "monitor", ScopeSite, RoleMonitor, "internal name"},
		{ProfileRave, "Clinical Research Associate", ScopeSite, RoleMonitor, "a CRA is a monitor"},
		{ProfileRave, "Batch Upload", ScopeSite, RoleIntegration, "Rave's example integration role"},
		{ProfileRave, "Investigator", ScopeStudy, RoleInvestigator, "only OpenClinica reads Investigator by scope"},
		{ProfileClinicalOne, "Site User (template)", ScopeSite, RoleCRC, "Clinical One marks template roles"},
		{ProfileClinicalOne, "statistician - unblinded", ScopeStudy, RoleStatistician, "case does not matter"},
		{ProfileClinicalOne, "  Data   Manager ", ScopeStudy, RoleDataManager, "spaces do not matter"},
		{ProfileInForm, "Site Investigator Rights", ScopeSite, RoleInvestigator, "InForm rights group names end in Rights"},
		{ProfileInForm, "Sponsor CRA Rights", ScopeSite, RoleMonitor, "and may start with Sponsor"},
		{ProfileInForm, "PF Admin Rights Group", ScopeStudy, RoleSystemAdmin, "Oracle's MedML example admin group"},
		{ProfileInForm, "Trial Data Wranglers", ScopeStudy, RoleOther, "an unknown name maps to Other"},
		{ProfileODM, "Other", ScopeStudy, RoleOther, "Other is a name too"},
	}
	for _, c := range cases {
		if c.reason == "" {
			t.Fatalf("%q: no reason", c.name)
		}
		got := RoleFor(c.p, c.name, c.scope)
		if got.Canonical != c.want || got.Name != c.name {
			t.Errorf("RoleFor(%s, %q, %s) = %+v, want %s with the name kept (%s)", c.p, c.name, c.scope, got, c.want, c.reason)
		}
	}
	if r := RoleFor(ProfileODM, " ", ScopeStudy); r.Canonical != "" {
		t.Errorf("an empty name is no role, got %+v", r)
	}
}

func TestRoleTablesComplete(t *testing.T) {
	for c := range roleTitles {
		if DefaultRoleName(ProfileODM, c, ScopeStudy) == "" {
			t.Errorf("%s has no title", c)
		}
		// A default name reads back as its role (where the vendor has the role at all).
		for _, p := range []Profile{ProfileClinicalOne, ProfileOpenClinica, ProfileODM} {
			for _, s := range []Scope{ScopeStudy, ScopeSite} {
				n := DefaultRoleName(p, c, s)
				if n == "" {
					continue
				}
				got := RoleFor(p, n, s).Canonical
				if got != c && !(p == ProfileClinicalOne && n == "Site User") && !(p == ProfileOpenClinica && (c == RoleInvestigator || c == RoleCRC || c == RoleDataSpecialist)) {
					t.Errorf("%s: DefaultRoleName(%s)=%q reads back as %s", p, c, n, got)
				}
			}
		}
	}
	for _, c := range roleNames {
		if !c.Valid() {
			t.Errorf("roleNames maps to unknown canonical %q", c)
		}
	}
}

func TestParseTemplateDate(t *testing.T) {
	cases := []struct {
		in, want string
		twoDigit bool
		reason   string
	}{
		{"05-Jan-2026", "2026-01-05", false, "the documented DD-MMM-YYYY"},
		{"05-JAN-2026", "2026-01-05", false, "month in capitals, as Oracle UIs print it"},
		{"5-jan-2026", "2026-01-05", false, "one-digit day, lower-case month"},
		{"2026-01-05", "2026-01-05", false, "ISO date"},
		{"2026-01-05T10:00:00Z", "2026-01-05", false, "ISO date-time"},
		{" 05-Jan-2026 ", "2026-01-05", false, "spaces around the cell"},
		{"", "", false, "End Date may be empty (open-ended)"},
		{"05-Jan-26", "2026-01-05", true, "a spreadsheet's DD-MMM-YY: read, and reported so that the caller names the year"},
		{"31-Dec-99", "1999-12-31", true, "69 to 99 are 19xx, as Go reads a two-digit year"},
		{"1900-01-01", "1900-01-01", false, "the first year taken"},
	}
	for _, c := range cases {
		got, twoDigit, ok := ParseTemplateDate(c.in)
		if !ok || got != c.want || twoDigit != c.twoDigit {
			t.Errorf("ParseTemplateDate(%q) = %q, %v, %v; want %q, %v (%s)", c.in, got, twoDigit, ok, c.want, c.twoDigit, c.reason)
		}
		if got, ok := parseCSVDate(c.in); !ok || got != c.want {
			t.Errorf("parseCSVDate(%q) = %q, %v; want ParseTemplateDate's %q", c.in, got, ok, c.want)
		}
	}
	for _, bad := range []struct{ in, reason string }{
		{"01/05/2026", "day and month order unknowable"},
		{"tomorrow", "no date"},
		{"32-Jan-2026", "no such day"},
		{"05-Jan-0026", "a two-digit year padded with zeros: the year 26 is no date the template means"},
		{"1899-12-31", "before 1900"},
	} {
		if got, _, ok := ParseTemplateDate(bad.in); ok {
			t.Errorf("ParseTemplateDate(%q) = %q, accepted (%s)", bad.in, got, bad.reason)
		}
	}
}

// TestTemplateTwoDigitYear: a template date with a two-digit year is read and reported
// with the year taken (normalized), one with a year before 1900 left empty (invalid-value);
// both were read without a word, "05-Jan-0026" as the year 26.
func TestTemplateTwoDigitYear(t *testing.T) {
	const csv = "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n" +
		"Jo,Demo,jo.demo@site1.example.org,jdemo,05-Jan-26,31-Dec-0026,Site User,101,\n"
	d, ws, err := ReadClinicalOneCSV(strings.NewReader(csv), Options{Study: "DEMO-C1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Users) != 1 || len(d.Users[0].Assignments) != 1 {
		t.Fatalf("users %+v", d.Users)
	}
	a := d.Users[0].Assignments[0]
	if a.From != "2026-01-05" || a.To != "" {
		t.Errorf("dates %q to %q; want 2026-01-05 and none", a.From, a.To)
	}
	var two, bad int
	for _, w := range ws {
		switch {
		case w.Code == CodeNormalized && w.Field == "CSV/Start Date" && strings.Contains(w.Message, "read as 2026"):
			two++
		case w.Code == CodeInvalidValue && w.Field == "CSV/End Date":
			bad++
		}
	}
	if two != 1 || bad != 1 {
		t.Errorf("warnings %v; want one normalized Start Date naming 2026 and one invalid End Date", ws)
	}
}

func readFixtureCSV(t *testing.T, opts Options) (*Directory, []Warning) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "clinicalone.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, ws, err := ReadClinicalOneCSV(f, opts)
	if err != nil {
		t.Fatal(err)
	}
	return d, ws
}

func TestClinicalOneRead(t *testing.T) {
	d, ws := readFixtureCSV(t, Options{Study: "DEMO-C1"})
	if len(d.Users) != 3 {
		t.Fatalf("got %d users, want 3", len(d.Users))
	}
	o := d.Users[0]
	want := []Assignment{
		{Study: "DEMO-C1", Site: "1001", Role: Role{"Site User", RoleCRC}, Scope: ScopeSite, Environment: EnvProduction, From: "2026-01-05"},
		{Study: "DEMO-C1", Site: "1002", Role: Role{"Site User", RoleCRC}, Scope: ScopeSite, Environment: EnvProduction, From: "2026-01-05"},
	}
	if d := cmp.Diff(want, o.Assignments); d != "" {
		t.Errorf("site user (-want +got):\n%s", d)
	}
	p := d.Users[1].Assignments
	if len(p) != 1 || p[0].Site != "" || p[0].Scope != ScopeStudy || p[0].To != "2026-12-31" || p[0].Role.Canonical != RoleMonitor || !equalStrings(p[0].Depots, []string{"All"}) {
		t.Errorf("All sites → study level with dates and depots: %+v", p)
	}
	if !slices.Contains(codes(ws), "unknown-role CSV/Study Role") {
		t.Errorf("unknown role not reported: %v", ws)
	}
	if d.Users[2].Assignments[0].Role != (Role{"Trial Wrangler", RoleOther}) {
		t.Errorf("unknown role must keep its name and map to Other: %+v", d.Users[2].Assignments[0].Role)
	}
	tr, _ := readFixtureCSV(t, Options{Study: "DEMO-C1", Training: true})
	if n := len(tr.Users[0].Assignments); n != 4 || tr.Users[0].Assignments[2].Environment != EnvTraining {
		t.Errorf("training mode: %d assignments %+v, want each duplicated into Training", n, tr.Users[0].Assignments)
	}
}

func TestClinicalOneRoundTrip(t *testing.T) {
	d, _ := readFixtureCSV(t, Options{Study: "DEMO-C1"})
	var buf bytes.Buffer
	ws, err := WriteClinicalOneCSV(&buf, d, Options{Now: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) > 0 {
		t.Errorf("warnings: %v", ws)
	}
	want := strings.Join([]string{
		"First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots",
		"Oskar,Demoe,oskar@site.example.org,odemoe,05-Jan-2026,,Site User,1001; 1002,",
		"Priya,Testwell,priya@sponsor.example.com,ptestwell,05-Jan-2026,31-Dec-2026,Clinical Research Associate (CRA),All,All",
		"Søren,Muster,soren@sponsor.example.com,smuster,05-Jan-2026,,Trial Wrangler,All,",
		""}, "\n")
	if d := cmp.Diff(want, buf.String()); d != "" {
		t.Errorf("CSV (-want +got):\n%s", d)
	}
	// And back: the same directory.
	d2, _, err := ReadClinicalOneCSV(&buf, Options{Study: "DEMO-C1"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(mustJSON(t, d)), string(mustJSON(t, d2))); d != "" {
		t.Errorf("CSV → model → CSV → model changed:\n%s", d)
	}
}

func TestClinicalOneExport(t *testing.T) {
	dir, _, err := FromDocument(decodeFile(t, "inform.xml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	ws, err := WriteClinicalOneCSV(&buf, dir, Options{Now: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	// bcoordinator is terminated: not a current user.
	if len(lines) != 4 {
		t.Fatalf("got %d lines, want header and 3 current users:\n%s", len(lines), buf.String())
	}
	if !strings.Contains(lines[1], ",Site Investigator Rights,01,") {
		t.Errorf("sites are written by number: %s", lines[1])
	}
	got := codes(ws)
	for _, w := range []string{"unrepresentable User/status", "generated CSV/Start Date", "unrepresentable User/Emails", "invalid-value CSV/Email"} {
		if !slices.Contains(got, w) {
			t.Errorf("missing warning %q in %v", w, got)
		}
	}
	// Several studies need --study.
	two := &Directory{Users: []*User{{ID: "a", Assignments: []Assignment{{Study: "S1"}, {Study: "S2"}}}}}
	if _, err := WriteClinicalOneCSV(&buf, two, Options{}); err == nil {
		t.Error("two studies without Options.Study must be an error")
	}
}

func TestClinicalOneBadHeader(t *testing.T) {
	_, _, err := ReadClinicalOneCSV(strings.NewReader("Name,Mail\nx,y\n"), Options{})
	if err == nil || !strings.Contains(err.Error(), "First Name") {
		t.Errorf("missing columns: err = %v", err)
	}
	_, ws, err := ReadClinicalOneCSV(strings.NewReader("\ufefffirst name,LAST NAME,email,user name,start date,study role,Comment\nA,B,a@example.org,ab,bad,Monitor,x\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := codes(ws)
	for _, w := range []string{"unrepresentable CSV/Comment", "invalid-value CSV/Start Date"} {
		if !slices.Contains(got, w) {
			t.Errorf("missing %q in %v", w, got)
		}
	}
}
