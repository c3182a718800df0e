package plan_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/internal/xlsxtest"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
	"github.com/odmadmin/odmadmin/plan"
)

const header = "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n"

// existing reads testdata/existing.xml: study DEMO-01 exported from Rave, with jdoe (CRC at
// S1), asample (CRA at S1 and S2), mmuster (Data Manager, whole study) and kexample
// (Investigator at S2); sites S1 (number 101, North Demo Clinic) and S2 (102).
func existing(tb testing.TB) *mapping.Directory {
	tb.Helper()
	doc, err := odm.DecodeFile(filepath.Join("testdata", "existing.xml"), odm.ReadOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	d, _, err := mapping.FromDocument(doc, mapping.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// summary renders an action as "row action user [codes]".
func summary(a plan.Action) string {
	s := fmt.Sprintf("%d %s %s", a.Row, a.Action, a.User)
	for _, w := range a.Warnings {
		s += " " + string(w.Code)
	}
	return s
}

func mustPlan(t *testing.T, d *mapping.Directory, csv string, opts plan.Options) *plan.Plan {
	t.Helper()
	rows, err := plan.ReadCSV(strings.NewReader(header + csv))
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Make(d, rows, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPlan checks actions and warning codes row by row; every warning code has a case.
func TestPlan(t *testing.T) {
	// dirUpload is a directory upload (plan.FromDirectory) of one user of study DEMO-01.
	dirUpload := func(login, given, family, email string, as ...mapping.Assignment) *mapping.Directory {
		for i := range as {
			as[i].Study, as[i].Environment = "DEMO-01", mapping.EnvProduction
		}
		return &mapping.Directory{Users: []*mapping.User{{Login: login, GivenName: given, FamilyName: family, Emails: []string{email}, Assignments: as}}}
	}
	investigator := func(site string, scope mapping.Scope) mapping.Assignment {
		return mapping.Assignment{Site: site, Scope: scope, Role: mapping.Role{Name: "Investigator", Canonical: mapping.RoleInvestigator}}
	}
	cases := []struct {
		name    string
		reason  string
		csv     string
		upload  *mapping.Directory // instead of csv: a directory upload
		book    [][]any            // instead of csv: the rows of a template workbook, numbers as numbers
		opts    plan.Options
		want    []string      // summary of each action
		changes []plan.Change // of the last action, when given
	}{
		{
			name:   "unchanged",
			reason: "same names, e-mail and site; the Clinical One role 'Site User' means what Rave's 'Clinical Research Coordinator' means",
			csv:    "Jo,Demo,jo.demo@site1.example.org,jdoe,05-Jan-2026,,Site User,101,\n",
			want:   []string{"2 unchanged jdoe"},
		},
		{
			name:    "update removes a site",
			reason:  "the row's sites replace the user's sites in the study",
			csv:     "Ana,Sample,ana.sample@cro.example.com,asample,05-Jan-2026,,CRA,North Demo Clinic,\n",
			want:    []string{"2 update asample"},
			changes: []plan.Change{{Field: "role", Where: "DEMO-01 (Production)-South Demo Clinic", Old: "Clinical Research Associate", New: ""}},
		},
		{
			name:   "update profile",
			reason: "a changed given name and e-mail address are field changes, and a changed e-mail address of an existing account is checked; white space alone is not",
			csv:    "Johanna, Demo ,johanna.demo@site1.example.org,jdoe,05-Jan-2026,,Site User,S1,\n",
			want:   []string{"2 update jdoe emailChange"},
			changes: []plan.Change{
				{Field: "givenName", Old: "Jo", New: "Johanna"},
				{Field: "email", Old: "jo.demo@site1.example.org", New: "johanna.demo@site1.example.org"},
			},
		},
		{
			name:   "emailChange near miss",
			reason: "seed 001: a mistyped e-mail address of an existing account; one edit from the address it has",
			csv:    "Jo,Demo,jo.demo@site1.exmple.org,jdoe,05-Jan-2026,,Site User,101,\n",
			want:   []string{"2 update jdoe emailChange"},
			changes: []plan.Change{
				{Field: "email", Old: "jo.demo@site1.example.org", New: "jo.demo@site1.exmple.org"},
			},
		},
		{
			name:   "emailOfOtherUser",
			reason: "an existing user is given another existing user's e-mail address (in other letter case): one of the two is mistyped",
			csv:    "Kim,Example,JO.DEMO@site1.example.org,kexample,05-Jan-2026,,Investigator,102,\n",
			want:   []string{"2 update kexample emailOfOtherUser"},
			changes: []plan.Change{
				{Field: "email", Old: "kim.example@site2.example.org", New: "JO.DEMO@site1.example.org"},
			},
		},
		{
			name:   "email letter case",
			reason: "an e-mail address the user has, in other letter case, is no change",
			csv:    "Jo,Demo,JO.Demo@Site1.example.org,jdoe,05-Jan-2026,,Site User,101,\n",
			want:   []string{"2 unchanged jdoe"},
		},
		{
			name:   "update role",
			reason: "a role of another canonical meaning is a role change",
			csv:    "Kim,Example,kim.example@site2.example.org,kexample,05-Jan-2026,,Site User,102,\n",
			want:   []string{"2 update kexample"},
			changes: []plan.Change{
				{Field: "role", Where: "DEMO-01 (Production)-South Demo Clinic", Old: "Investigator", New: "Site User"},
			},
		},
		{
			name:   "create",
			reason: "an unknown user name with an unknown e-mail and name is a plain create",
			csv:    "Noor,Fictus,noor.fictus@site2.example.org,nfictus,05-Jan-2026,31-Dec-2026,Site User,102,\n",
			want:   []string{"2 create nfictus"},
			changes: []plan.Change{
				{Field: "givenName", New: "Noor"}, {Field: "familyName", New: "Fictus"},
				{Field: "email", New: "noor.fictus@site2.example.org"},
				{Field: "role", Where: "DEMO-01 (Production)-South Demo Clinic", New: "Site User"},
				{Field: "startDate", Where: "DEMO-01 (Production)-South Demo Clinic", New: "2026-01-05"},
				{Field: "endDate", Where: "DEMO-01 (Production)-South Demo Clinic", New: "2026-12-31"},
			},
		},
		{
			name:   "possibleDuplicateAccount typo",
			reason: "a new user name one edit from an existing user with the same name is the typo that creates a second account",
			csv:    "Jo,Demo,jo.demo@site2.example.org,jdeo,05-Jan-2026,,Site User,102,\n",
			want:   []string{"2 create jdeo possibleDuplicateAccount"},
		},
		{
			name:   "possibleDuplicateAccount two edits",
			reason: "two edits are within the cutoff",
			csv:    "Jo,Demo,jo.demo@site2.example.org,jdoe12,05-Jan-2026,,Site User,102,\n",
			want:   []string{"2 create jdoe12 possibleDuplicateAccount"},
		},
		{
			name:   "not a duplicate: three edits",
			reason: "three edits are beyond the cutoff",
			csv:    "Jo,Demo,jo.demo@site2.example.org,jdoe123,05-Jan-2026,,Site User,102,\n",
			want:   []string{"2 create jdoe123"},
		},
		{
			name:   "not a duplicate: other person",
			reason: "a near user name of someone with another name and e-mail address is no duplicate",
			csv:    "Jan,Doerr,jan.doerr@site2.example.org,jdoer,05-Jan-2026,,Site User,102,\n",
			want:   []string{"2 create jdoer"},
		},
		{
			name:   "possibleDuplicateAccount e-mail",
			reason: "a new user name whose e-mail address belongs to an existing user (of another name)",
			csv:    "Pat,New,Max.Muster@sponsor.example.com,pnew,05-Jan-2026,,Data Manager,All,\n",
			want:   []string{"2 create pnew possibleDuplicateAccount"},
		},
		{
			name:   "possibleDuplicateAccount case",
			reason: "a user name that differs only in letter case is another account",
			csv:    "Jo,Demo,jo.demo@site1.example.org,JDoe,05-Jan-2026,,Site User,101,\n",
			want:   []string{"2 create JDoe possibleDuplicateAccount"},
		},
		{
			name:   "usernameChange",
			reason: "the e-mail address and name of an existing user with another user name: a rename the upload cannot do",
			csv:    "Ana,Sample,ana.sample@cro.example.com,ana.sample,05-Jan-2026,,CRA,101,\n",
			want:   []string{"2 create ana.sample usernameChange"},
		},
		{
			name:    "rename allowed",
			reason:  "with AllowRenames the same row updates the existing user's login",
			csv:     "Ana,Sample,ana.sample@cro.example.com,ana.sample,05-Jan-2026,,CRA,101;102,\n",
			opts:    plan.Options{AllowRenames: true},
			want:    []string{"2 update ana.sample"},
			changes: []plan.Change{{Field: "login", Old: "asample", New: "ana.sample"}},
		},
		{
			name:   "endDateBeforeStartDate",
			reason: "access that ends before it starts",
			csv:    "Noor,Fictus,noor.fictus@site2.example.org,nfictus,10-Feb-2026,01-jan-2026,Site User,102,\n",
			want:   []string{"2 create nfictus endDateBeforeStartDate"},
		},
		{
			name:   "unknownRole",
			reason: "a role neither used in the export nor known to the vocabulary",
			csv:    "Noor,Fictus,noor.fictus@site2.example.org,nfictus,05-Jan-2026,,Chief Wizard,102,\n",
			want:   []string{"2 create nfictus unknownRole"},
		},
		{
			name:   "role from the export",
			reason: "a role name the export uses is known, whatever the vocabulary says",
			csv:    "Noor,Fictus,noor.fictus@site2.example.org,nfictus,05-Jan-2026,,clinical research coordinator,102,\n",
			want:   []string{"2 create nfictus"},
		},
		{
			name:   "unknownSite",
			reason: "a site the export has no OID, number or name for; one warning per site",
			csv:    "Noor,Fictus,noor.fictus@site2.example.org,nfictus,05-Jan-2026,,Site User,999;S1;999,\n",
			want:   []string{"2 create nfictus unknownSite"},
		},
		{
			name:   "duplicateRow",
			reason: "a user name on an earlier row (in any letter case)",
			csv: "Jo,Demo,jo.demo@site1.example.org,jdoe,05-Jan-2026,,Site User,101,\n" +
				"Jo,Demo,jo.demo@site1.example.org,JDOE,05-Jan-2026,,Site User,102,\n",
			want: []string{"2 unchanged jdoe", "3 create JDOE duplicateRow possibleDuplicateAccount"},
		},
		{
			name:   "missingValue",
			reason: "required columns left empty",
			csv:    "Noor,,,nfictus,05-Jan-2026,,Site User,102,\n",
			want:   []string{"2 create nfictus missingValue missingValue"},
		},
		{
			name:   "invalidDate",
			reason: "a start date that is not a date",
			csv:    "Noor,Fictus,noor.fictus@site2.example.org,nfictus,31-Foo-2026,,Site User,102,\n",
			want:   []string{"2 create nfictus invalidDate"},
		},
		{
			name:   "twoDigitYear",
			reason: "a start date with a two-digit year, as a spreadsheet reformats the column (TestUploadDateYears: the year it is read as)",
			csv:    "Noor,Fictus,noor.fictus@site2.example.org,nfictus,05-Jan-26,,Site User,102,\n",
			want:   []string{"2 create nfictus twoDigitYear"},
		},
		{
			name:   "valueWithoutColumn",
			reason: "a value past the header's last column is not read, and the row says so: here two sites typed with an unquoted comma push a depot out of the Depots column",
			csv:    "Noor,Fictus,noor.fictus@site2.example.org,nfictus,05-Jan-2026,,Site User,102,101,Depot A\n",
			want:   []string{"2 create nfictus valueWithoutColumn"},
		},
		{
			name:   "inexactNumber",
			reason: "a User Name typed into the workbook as a number of 20 digits holds another (Excel keeps 15): planned as Excel shows it, and the row says it is not the value typed; a short number is its digits, with nothing to say",
			book: [][]any{
				{"Avery", "Kline", "avery@site1.example.org", 12345678901234567890.0, "05-Jan-2026", "", "Site User", 101, ""},
				{"Noor", "Fictus", "noor.fictus@site2.example.org", 4155550100, "05-Jan-2026", "", "Site User", 102, ""},
			},
			want: []string{"2 create 12345678901234500000 inexactNumber", "3 create 4155550100"},
		},
		{
			name:   "blank rows",
			reason: "rows of empty cells get no action but keep the numbering; empty lines are not rows",
			csv:    ",,,,,,,,\n\n , ,,,,,,,\nNoor,Fictus,noor.fictus@site2.example.org,nfictus,05-Jan-2026,,Site User,102,\n",
			want:   []string{"4 create nfictus"},
		},
		{
			name:   "training",
			reason: "training mode applies the row to Production and Training",
			csv:    "Noor,Fictus,noor.fictus@site2.example.org,nfictus,,,Site User,102,\n",
			opts:   plan.Options{Training: true},
			want:   []string{"2 create nfictus missingValue"},
			changes: []plan.Change{
				{Field: "givenName", New: "Noor"}, {Field: "familyName", New: "Fictus"},
				{Field: "email", New: "noor.fictus@site2.example.org"},
				{Field: "role", Where: "DEMO-01 (Production)-South Demo Clinic", New: "Site User"},
				{Field: "role", Where: "DEMO-01 (Training)-South Demo Clinic", New: "Site User"},
			},
		},
		{
			name:   "siteRoleWithoutSite",
			reason: "a directory row (an OpenClinica 4 user table's JSON) with a site-level role and no site: it was planned as the role for the whole study, every site, without a word",
			upload: dirUpload("nfictus", "Noor", "Fictus", "noor.fictus@site2.example.org", investigator("", mapping.ScopeSite)),
			want:   []string{"1 create nfictus siteRoleWithoutSite"},
		},
		{
			name:   "site-level role without site: no access granted",
			reason: "the new user is given no access for it: no role change for DEMO-01 (Production), the whole study",
			upload: dirUpload("nfictus", "Noor", "Fictus", "noor.fictus@site2.example.org", investigator("", mapping.ScopeSite)),
			want:   []string{"1 create nfictus siteRoleWithoutSite"},
			changes: []plan.Change{
				{Field: "givenName", New: "Noor"}, {Field: "familyName", New: "Fictus"},
				{Field: "email", New: "noor.fictus@site2.example.org"},
			},
		},
		{
			name:    "site-level role without site beside its site",
			reason:  "kexample is Investigator at S2, and the row asks for that and for Investigator without a site: the site's access is unchanged, and the whole study is not granted",
			upload:  dirUpload("kexample", "Kim", "Example", "kim.example@site2.example.org", investigator("", mapping.ScopeSite), investigator("102", mapping.ScopeSite)),
			want:    []string{"1 unchanged kexample siteRoleWithoutSite"},
			changes: []plan.Change{},
		},
		{
			name:   "study-level role without site",
			reason: "a study-level role names no site and is the whole study, as Sites All is: mmuster's Data Manager role is unchanged, with no warning",
			upload: dirUpload("mmuster", "Max", "Muster", "max.muster@sponsor.example.com",
				mapping.Assignment{Scope: mapping.ScopeStudy, Role: mapping.Role{Name: "Data Manager", Canonical: mapping.RoleDataManager}}),
			want: []string{"1 unchanged mmuster"},
		},
		{
			name:   "training unknown in the export",
			reason: "an export without Training access says nothing about it: an existing user stays unchanged",
			csv:    "Jo,Demo,jo.demo@site1.example.org,jdoe,05-Jan-2026,,Site User,101,\n",
			opts:   plan.Options{Training: true},
			want:   []string{"2 unchanged jdoe"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.reason == "" {
				t.Fatal("every case needs a reason")
			}
			var p *plan.Plan
			switch {
			case tc.upload != nil:
				var err error
				if p, err = plan.Make(existing(t), plan.FromDirectory(tc.upload), tc.opts); err != nil {
					t.Fatal(err)
				}
			case tc.book != nil:
				var head []any
				for _, c := range strings.Split(strings.TrimSuffix(header, "\n"), ",") {
					head = append(head, c)
				}
				rows, err := plan.ReadXLSX(bytes.NewReader(xlsxtest.Book(t, "", append([][]any{head}, tc.book...)...)))
				if err != nil {
					t.Fatal(err)
				}
				if p, err = plan.Make(existing(t), rows, tc.opts); err != nil {
					t.Fatal(err)
				}
			default:
				p = mustPlan(t, existing(t), tc.csv, tc.opts)
			}
			var got []string
			for _, a := range p.Actions {
				got = append(got, summary(a))
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("%s\nactions (-want +got):\n%s", tc.reason, d)
			}
			if tc.changes != nil {
				last := p.Actions[len(p.Actions)-1]
				if d := cmp.Diff(tc.changes, last.Changes); d != "" {
					t.Errorf("%s\nchanges (-want +got):\n%s", tc.reason, d)
				}
			}
		})
	}
}

// TestTooManyRows checks the template's 600-row guidance: the warning is on the 601st user only (spreadsheet row 602).
func TestTooManyRows(t *testing.T) {
	var b strings.Builder
	for i := range 601 {
		fmt.Fprintf(&b, "Ada,Fictus%d,ada%d@example.org,afictus%d,05-Jan-2026,,Site User,101,\n", i, i, i)
	}
	p := mustPlan(t, existing(t), b.String(), plan.Options{})
	for _, a := range p.Actions {
		want := 0
		if a.Row == 602 { // the 601st user, below the header row
			want = 1
		}
		if len(a.Warnings) != want || want == 1 && a.Warnings[0].Code != plan.TooManyRows {
			t.Errorf("row %d: warnings %v", a.Row, a.Warnings)
		}
	}
	if p := mustPlan(t, existing(t), b.String(), plan.Options{MaxRows: -1}); p.Warnings() != 0 {
		t.Errorf("MaxRows -1: %d warnings", p.Warnings())
	}
}

// TestEveryCode checks that every code is documented and exercised by a test in this file.
func TestEveryCode(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("plan_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range plan.Codes() {
		if !strings.Contains(string(doc), "//   - "+string(c)+":") {
			t.Errorf("code %s is not documented in doc.go", c)
		}
		if !strings.Contains(string(src), `name:   "`+string(c)) && c != plan.TooManyRows {
			t.Errorf("code %s has no case in TestPlan", c)
		}
	}
}

// TestDatesHeld compares against a Clinical One template, which holds dates and depots.
func TestDatesHeld(t *testing.T) {
	cur, _, err := mapping.ReadClinicalOneCSV(strings.NewReader(header+
		"Jo,Demo,jo.demo@site1.example.org,jdoe,05-Jan-2026,,Site User,S1,All\n"), mapping.Options{Study: "DEMO-01"})
	if err != nil {
		t.Fatal(err)
	}
	p := mustPlan(t, cur, "Jo,Demo,jo.demo@site1.example.org,jdoe,2026-02-01,,Site User,S1,Depot 1\n", plan.Options{})
	want := []plan.Change{
		{Field: "startDate", Where: "DEMO-01 (Production)-S1", Old: "2026-01-05", New: "2026-02-01"},
		{Field: "depots", Where: "DEMO-01 (Production)-S1", Old: "All", New: "Depot 1"},
	}
	if d := cmp.Diff(want, p.Actions[0].Changes); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
	// The template's own role names are compared by name: Site User is not Investigator here.
	p = mustPlan(t, cur, "Jo,Demo,jo.demo@site1.example.org,jdoe,05-Jan-2026,,Investigator,S1,All\n", plan.Options{})
	if got := summary(p.Actions[0]); got != "2 update jdoe" {
		t.Errorf("role by name: %s", got)
	}
}

// TestFromDirectory plans a JSON directory upload: one row per user.
func TestFromDirectory(t *testing.T) {
	up := &mapping.Directory{Users: []*mapping.User{
		{Login: "jdoe", GivenName: "Jo", FamilyName: "Demo", Emails: []string{"jo.demo@site1.example.org"},
			Assignments: []mapping.Assignment{{Study: "DEMO-01", Site: "S1", Role: mapping.Role{Name: "CRC", Canonical: mapping.RoleCRC}, Environment: mapping.EnvProduction}}},
		{Login: "zother", GivenName: "Zoë", FamilyName: "Other",
			Assignments: []mapping.Assignment{{Study: "OTHER", Role: mapping.Role{Name: "CRC"}}}},
		{GivenName: "No", FamilyName: "Login"},
	}}
	p, err := plan.Make(existing(t), plan.FromDirectory(up), plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range p.Actions {
		got = append(got, summary(a))
	}
	// zother has access in another study only: created with no role here, which is
	// warned about (missingValue: the row has no Study Role for this study).
	want := []string{"1 unchanged jdoe", "2 create zother missingValue", "3 create  missingValue"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("actions (-want +got):\n%s", d)
	}
	if n := len(p.Actions[1].Changes); n != 2 {
		t.Errorf("zother: another study's assignment is not part of this upload, got %d changes: %v", n, p.Actions[1].Changes)
	}
}

// TestStudy checks how the study is chosen.
func TestStudy(t *testing.T) {
	d := existing(t)
	d.Studies = append(d.Studies, &mapping.Study{ID: "DEMO-02"})
	rows, _ := plan.ReadCSV(strings.NewReader(header + "Jo,Demo,jo.demo@site1.example.org,jdoe,05-Jan-2026,,Site User,101,\n"))
	if _, err := plan.Make(d, rows, plan.Options{}); err == nil || !strings.Contains(err.Error(), "DEMO-01, DEMO-02") {
		t.Errorf("several studies: %v", err)
	}
	p, err := plan.Make(d, rows, plan.Options{Study: "DEMO-02"})
	if err != nil {
		t.Fatal(err)
	}
	if got := summary(p.Actions[0]); got != "2 update jdoe" {
		t.Errorf("DEMO-02 (jdoe has no access there yet): %s", got)
	}
}

// TestStudyNotInExport: a --study the export does not have matched none of its users'
// access, so Make planned every row as a new user without a word. It is an error wrapping
// ErrUnknownStudy that names the studies the export has (study OIDs are no personal data).
func TestStudyNotInExport(t *testing.T) {
	rows := func() []plan.Row {
		r, _ := plan.ReadCSV(strings.NewReader(header + "Jo,Demo,jo.demo@site1.example.org,jdoe,05-Jan-2026,,Site User,101,\n"))
		return r
	}
	for _, tc := range []struct {
		name, reason string
		dir          func() *mapping.Directory
		study        string
		err          string // "" for none, else what the error says
	}{
		{"mistyped", "the export has DEMO-01 only: DEMO-1 would plan every row as new",
			func() *mapping.Directory { return existing(t) }, "DEMO-1", `study "DEMO-1": the export has no such study (it has DEMO-01)`},
		{"several", "the error lists every study, sorted, so the right one can be picked",
			func() *mapping.Directory {
				d := existing(t)
				d.Studies = append(d.Studies, &mapping.Study{ID: "A-00"})
				return d
			}, "DEMO-1", "(it has A-00, DEMO-01)"},
		{"site study", "an OpenClinica site study is a site of its parent, not a study to plan for",
			func() *mapping.Directory {
				d := existing(t)
				d.Studies = append(d.Studies, &mapping.Study{ID: "S_SITE1", Parent: "DEMO-01"})
				return d
			}, "S_SITE1", "(it has DEMO-01)"},
		{"known", "a study the export has is planned",
			func() *mapping.Directory { return existing(t) }, "DEMO-01", ""},
		{"no studies", "an export that names no study (a table read without --study) cannot say",
			func() *mapping.Directory {
				d := existing(t)
				d.Studies = nil
				return d
			}, "ANY", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := plan.Make(tc.dir(), rows(), plan.Options{Study: tc.study})
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("%v (%s)", err, tc.reason)
			case tc.err != "" && (!errors.Is(err, plan.ErrUnknownStudy) || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("got %v, want an ErrUnknownStudy saying %q (%s)", err, tc.err, tc.reason)
			}
		})
	}
}

// TestReadCSV checks header handling.
func TestReadCSV(t *testing.T) {
	for _, tc := range []struct{ in, err, reason string }{
		{"", "empty", "an empty file has no header"},
		{"First Name,Last Name\n", "lacks template columns: Email, User Name, Study Role", "required columns are named"},
		{"\ufefffirst_name,LAST NAME,e-mail,username,role\nA,B,c@example.org,ab,CRA\n", "", "a BOM, case, underscores and alternative names are fine"},
		{"First Name,Last Name,Email,User Name,Study Role\n\"unterminated\n", "CSV: line 2, column 15: extraneous or missing \" in quoted-field", "a CSV syntax error is an error naming its line and column"},
		{"First Name,Last Name,Email,User Name,Study Role,E-mail\nA,B,a@example.org,ab,CRA,b@example.org\n",
			`names one column twice: "Email" (column 3) and "E-mail" (column 6)`,
			"two columns of one name: which holds the address cannot be told (map read the last and plan the first)"},
	} {
		_, err := plan.ReadCSV(strings.NewReader(tc.in))
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: got %v, want %q", tc.reason, err, tc.err)
		}
	}
}

// TestWrite checks the JSON keys and the text layout.
func TestWrite(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "upload.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := plan.ReadCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Make(existing(t), rows, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := p.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Actions []map[string]json.RawMessage `json:"actions"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, buf.String())
	}
	if len(got.Actions) != 7 {
		t.Fatalf("%d actions", len(got.Actions))
	}
	for _, a := range got.Actions {
		for _, k := range []string{"row", "action", "user", "changes", "warnings"} {
			if _, ok := a[k]; !ok {
				t.Errorf("key %q missing in %v", k, a)
			}
		}
	}
	if string(got.Actions[0]["changes"]) != "[]" || string(got.Actions[0]["warnings"]) != "[]" {
		t.Errorf("empty lists must be []: %s %s", got.Actions[0]["changes"], got.Actions[0]["warnings"])
	}
	buf.Reset()
	if err := p.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, s := range []string{
		"row 2: unchanged jdoe\n",
		"row 3: update asample\n  role DEMO-01 (Production)-South Demo Clinic: \"Clinical Research Associate\" -> \"\"\n",
		"  warning usernameChange: ",
		"7 rows: 4 create, 2 update, 1 unchanged; 6 warnings\n",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("text lacks %q:\n%s", s, text)
		}
	}
	// Messages name users by login only: no e-mail address or personal name.
	for _, a := range p.Actions {
		for _, w := range a.Warnings {
			if strings.Contains(w.Message, "@") || strings.Contains(w.Message, "Sample") || strings.Contains(w.Message, "Muster") {
				t.Errorf("row %d: message has personal data: %s", a.Row, w.Message)
			}
		}
	}
	buf.Reset()
	(&plan.Plan{}).WriteJSON(&buf)
	if buf.String() != "{\"actions\": []}\n" {
		t.Errorf("empty plan: %q", buf.String())
	}
}

// TestPlanNamesStudy: a study the export names is labelled by its name in changes, as diff
// and the audit log label it.
func TestPlanNamesStudy(t *testing.T) {
	d := existing(t)
	for _, s := range d.Studies {
		if s.ID == "DEMO-01" {
			s.Name = "Demo Study One"
		}
	}
	p := mustPlan(t, d, "Kim,Example,kim.example@site2.example.org,kexample,05-Jan-2026,,Site User,102,\n", plan.Options{})
	if len(p.Actions) != 1 {
		t.Fatalf("%d actions, want 1", len(p.Actions))
	}
	want := []plan.Change{{Field: "role", Where: "Demo Study One (Production)-South Demo Clinic", Old: "Investigator", New: "Site User"}}
	if diff := cmp.Diff(want, p.Actions[0].Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}
