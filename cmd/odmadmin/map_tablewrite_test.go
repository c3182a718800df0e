package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/odmadmin/odmadmin/mapping"
)

// tableDir holds the inputs of the table writers' tests (fictitious people only).
var tableDir = filepath.Join("testdata", "tables")

// tableCase is one run of map into a table (--to oc4users, csv or xlsx) and what it must
// write and say.
type tableCase struct {
	name, why string
	args      []string // map's arguments
	code      int      // exit code
	rows      []string // the data rows written (below the header), each joined by ","; nil: not compared
	warn      []string // lines (or parts of them) stderr must have
	noWarn    []string // parts of lines stderr must not have
	// back checks the table read back as an OpenClinica 4 user table of study.
	back      func(t *testing.T, d *mapping.Directory)
	backStudy string
}

func (tc tableCase) run(t *testing.T) {
	t.Helper()
	code, out, errs := mapRun(t, "", tc.args...)
	if code != tc.code {
		t.Fatalf("map %q: exit %d, want %d (%s): %s", tc.args, code, tc.code, tc.why, errs)
	}
	if tc.rows != nil {
		if got := dataRows(out); strings.Join(got, "\n") != strings.Join(tc.rows, "\n") {
			t.Errorf("map %q (%s): rows\n%s\nwant\n%s", tc.args, tc.why, strings.Join(got, "\n"), strings.Join(tc.rows, "\n"))
		}
	}
	for _, w := range tc.warn {
		if !strings.Contains(errs, w) {
			t.Errorf("map %q (%s): stderr lacks %q:\n%s", tc.args, tc.why, w, errs)
		}
	}
	for _, w := range tc.noWarn {
		if strings.Contains(errs, w) {
			t.Errorf("map %q (%s): stderr has %q:\n%s", tc.args, tc.why, w, errs)
		}
	}
	if tc.back != nil {
		d, _, err := mapping.ReadOC4Users(csv.NewReader(strings.NewReader(out)), mapping.Options{Study: tc.backStudy})
		if err != nil {
			t.Fatalf("map %q: reading the table back: %v", tc.args, err)
		}
		tc.back(t, d)
	}
}

// dataRows returns the rows of a CSV table below its header, each as written.
func dataRows(out string) []string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 2 {
		return []string{}
	}
	return lines[1:]
}

// TestMapOC4UsersOneStudy: the OpenClinica 4 study table is one study's, in one
// environment (read back, every row is in the study and environment the reader is
// given). Roles of several studies went into one table without --study and read back as
// one study's; with --study, access elsewhere was skipped without a word, and a user
// whose only access was elsewhere got a row with an empty Role. As the Clinical One
// template does: several studies without --study are an error; access to another study
// or in another environment is left out with a warning, counted; a user left with no
// access there gets no row.
func TestMapOC4UsersOneStudy(t *testing.T) {
	central := filepath.Join(tableDir, "oc4-central.csv")
	rave := filepath.Join(tableDir, "rave-multienv.xml")
	for _, tc := range []tableCase{
		{name: "central table, no study", why: "two studies' roles cannot be one study table",
			args: []string{"--to", "oc4users", central}, code: 2,
			warn: []string{"the directory has 2 studies (S_ALPHA, S_BETA); choose one for the OpenClinica 4 study table"}},
		{name: "central table, one study", why: "S_BETA's roles are left out, counted; wnotreal, in S_BETA only, gets no row",
			args: []string{"--to", "oc4users", "--study", "S_ALPHA", central},
			rows: []string{"Vera,Fakename,vfakename,vera@cro.example.com,Fictive CRO,,Data Manager,User,Available,10-Jan-2025 09:00,11-Jan-2025 09:00"},
			warn: []string{
				"warning mapping.unrepresentable: Assignment/study: the study table is for one study; access to other studies is left out (2 values, first: User vfakename)",
				"warning mapping.unrepresentable: User: the user has no access to the table's study and environment; no row is written (User wnotreal)",
			},
			backStudy: "S_ALPHA", back: func(t *testing.T, d *mapping.Directory) {
				if len(d.Users) != 1 || len(d.Users[0].Assignments) != 1 || d.Users[0].Assignments[0].Role.Name != "Data Manager" {
					t.Errorf("read back: %+v, want vfakename with Data Manager only", d.Users)
				}
			}},
		{name: "Rave, no study", why: "three study environments cannot be one study table",
			args: []string{"--to", "oc4users", rave}, code: 2,
			warn: []string{"the directory has 3 studies (Zeta(Prod), Zeta(UAT), Omega(Prod)); choose one for the OpenClinica 4 study table"}},
		{name: "Rave, Omega(Prod)", why: "rmock's Monitor is Omega's, its Zeta Data Manager is left out; qfictus and tuat have no Omega access",
			args: []string{"--to", "oc4users", "--study", "Omega(Prod)", rave},
			rows: []string{"Rhea,Mock,rmock,rhea@sponsor.example.com,,,Study Monitor,User,Available,,"},
			warn: []string{
				"Assignment/study: the study table is for one study; access to other studies is left out (3 values, first: User qfictus)",
				"User: the user has no access to the table's study and environment; no row is written (2 values, first: User qfictus)",
			}},
		{name: "Rave, Zeta(UAT)", why: "the UAT table is Test's: tuat's Tester reads back in Test, given the study it was written for",
			args:      []string{"--to", "oc4users", "--study", "Zeta(UAT)", rave},
			warn:      []string{"User: the user has no access to the table's study and environment; no row is written (User rmock)"},
			backStudy: "Zeta(UAT)", back: func(t *testing.T, d *mapping.Directory) {
				for _, u := range d.Users {
					for _, a := range u.Assignments {
						if a.Environment != mapping.EnvTest {
							t.Errorf("read back: %s's %s is %s, want Test", u.ID, a.Role.Name, a.Environment)
						}
					}
				}
				if len(d.Users) != 2 {
					t.Errorf("read back %d users, want qfictus and tuat", len(d.Users))
				}
			}},
		{name: "environment the study OID does not name", why: "a Test role in study S1, whose table reads back as Production, is left out; a user with Test access only gets no row",
			args: []string{"--to", "oc4users", filepath.Join(tableDir, "env.json")},
			rows: []string{"Ada,Example,ada,,,,Study Monitor,User,,,"},
			warn: []string{
				"Assignment/environment: the study table is for one environment, Production (Test when the study OID ends in (TEST)); access in other environments is left out (2 values, first: User U1)",
				"User: the user has no access to the table's study and environment; no row is written (User U2)",
			}},
		{name: "a user without any access", why: "one row with an empty Role, which reads back as a user without access: nothing is lost",
			args:   []string{"--to", "oc4users", filepath.Join(tableDir, "noaccess.json")},
			rows:   []string{"Cy,Example,cy,,,,,User,Created,,"},
			noWarn: []string{"no row is written"}},
	} {
		t.Run(tc.name, tc.run)
	}
}

// TestMapOC4UsersDatesAndDepots: the OpenClinica 4 study table lists current access and
// has no End Date or Depots column. An end to come and depots were dropped without a
// word, and access that had ended was written as current. As the ODM writers and the
// Clinical One template do: an end and depots are reported (unrepresentable,
// Assignment/to and Assignment/depots, counted by user), ended access is left out
// (Assignment/to), and a user whose access has all ended gets no row (User).
func TestMapOC4UsersDatesAndDepots(t *testing.T) {
	in := filepath.Join(tableDir, "c1-ends.csv")
	for _, tc := range []tableCase{
		{name: "template with ends and depots", why: "ifictive's end (2099) and depots are lost, reported; lfict's access ended (2021): no row; umock's ended Data Manager is left out, the CRA is written",
			args: []string{"--to", "oc4users", in},
			rows: []string{
				"Ivo,Fictive,ifictive,ivo@site.example.org,,,Data Manager,User,,05-Jan-2026 00:00,",
				"Una,Mock,umock,una@site.example.org,,,Study Monitor,User,,05-Jan-2026 00:00,",
			},
			warn: []string{
				"warning mapping.unrepresentable: Assignment/to: the table has no end date; a role that ends is written without its end, and reads back as not ending (User ifictive)",
				"warning mapping.unrepresentable: Assignment/depots: the table has no depots; they are left out (User ifictive)",
				"warning mapping.unrepresentable: User: the user's access to the study ended before today; not a current study user, no row is written (User lfict)",
				"warning mapping.unrepresentable: Assignment/to: access that ended before today is not current; left out of the table (User umock)",
			}},
		{name: "the same into the template", why: "the Clinical One template leaves ended access out as the table now does",
			args: []string{"--to", "csv", in},
			warn: []string{
				"User: the user's access to the study ended before today; not a current study user, no row is written (User lfict)",
				"Assignment/to: access that ended before today is not current; left out of the row (User umock)",
			}},
	} {
		t.Run(tc.name, tc.run)
	}
}

// TestMapOC4UsersNamesAndRoleless: a full name that is not First and Last joined ("Grace
// Q. Fictional", "MADEUP Hiro") was lost without a word, where --to csv reports it; access
// with no role was written as a row with an empty Role, which reads back as no access,
// where the template reports the empty Study Role. Both are reported now, counted by user.
func TestMapOC4UsersNamesAndRoleless(t *testing.T) {
	for _, tc := range []tableCase{
		{name: "full names", why: "the table has First and Last only; a full name that differs is left out, reported",
			args: []string{"--to", "oc4users", filepath.Join(tableDir, "fullname.xml")},
			rows: []string{"Grace,Fictional,gfictional,grace@site.example.org,,,,User,,,", "Hiro,Madeup,hmadeup,hiro@site.example.org,,,,User,,,"},
			warn: []string{"warning mapping.unrepresentable: User/FullName: the table has no full name, only First and Last; left out (2 values, first: User U1)"}},
		{name: "a full name that is First and Last joined", why: "nothing is lost: no warning",
			args:   []string{"--to", "oc4users", filepath.Join("testdata", "map", "inform.xml")},
			noWarn: []string{"User/FullName"}},
		{name: "access without a role", why: "USR_1, USR_4 and USR_7 have study or site access with no role: the empty Role reads back as no access, reported",
			args: []string{"--to", "oc4users", filepath.Join("..", "..", "testdata", "openclinica", "demo-site-studies.xml")},
			warn: []string{"warning mapping.invalid-value: table/Role: the user has access to the study with no role; the Role is left empty, which reads back as no access (3 values, first: User USR_1)"}},
		{name: "the same into the template", why: "the template reports its empty Study Role alike",
			args: []string{"--to", "csv", filepath.Join("..", "..", "testdata", "openclinica", "demo-site-studies.xml")},
			warn: []string{"CSV/Study Role: the user has no role in the study; the required Study Role is left empty"}},
	} {
		t.Run(tc.name, tc.run)
	}
}

// TestMapTablesUserInStudy: a person listed in several studies' AdminData (Rave lists one
// per study environment, each with its own mdsol:Active) is written into a study's table
// as that study's listing has it (User.InStudy). rmock is active in Zeta(Prod) and
// deactivated in Omega(Prod), yet the Omega template had a current row for rmock and the
// Omega study table an Available one; qfictus, deactivated in Zeta(UAT), was Available
// in its table. The same through the directory's JSON, which keeps the listings' values.
func TestMapTablesUserInStudy(t *testing.T) {
	in := filepath.Join(tableDir, "rave-variant-status.xml")
	code, js, errs := mapRun(t, "", "--to", "json", in)
	if code != 0 {
		t.Fatalf("--to json: exit %d: %s", code, errs)
	}
	jsonIn := filepath.Join(t.TempDir(), "rave-variant-status.json")
	if err := os.WriteFile(jsonIn, []byte(js), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{in, jsonIn} {
		for _, tc := range []tableCase{
			{name: "template of Omega(Prod)", why: "rmock is deactivated in Omega(Prod): no row, as for any deactivated account",
				args: []string{"--to", "csv", "--study", "Omega(Prod)", src},
				rows: []string{},
				warn: []string{"warning mapping.unrepresentable: User/status: a deactivated account is not a current study user; no row is written (User rmock)"}},
			{name: "template of Zeta(Prod)", why: "rmock is active in Zeta(Prod): a current row",
				args:   []string{"--to", "csv", "--study", "Zeta(Prod)", "--quiet", src},
				rows:   []string{"Quinn,Fictus,quinn@site.example.org,qfictus,TODAY,,Investigator,101,", "Rhea,Mock,rhea@sponsor.example.com,rmock,TODAY,,Data Manager,All,"},
				noWarn: []string{"User/status"}},
			{name: "study table of Omega(Prod)", why: "the table has a Status column: rmock's Omega row is Deactivated",
				args: []string{"--to", "oc4users", "--study", "Omega(Prod)", src},
				rows: []string{"Rhea,Mock,rmock,rhea@sponsor.example.com,,,Study Monitor,User,Deactivated,,"}},
			{name: "study table of Zeta(UAT)", why: "qfictus is deactivated in Zeta(UAT), tuat active",
				args: []string{"--to", "oc4users", "--study", "Zeta(UAT)", src},
				rows: []string{"Quinn,Fictus,qfictus,quinn@site.example.org,,,Investigator,User,Deactivated,,", "Tia,Uat,tuat,tia@sponsor.example.com,,,Tester,User,Available,,"}},
			{name: "study table of Zeta(Prod)", why: "both are active in Zeta(Prod)",
				args: []string{"--to", "oc4users", "--study", "Zeta(Prod)", src},
				rows: []string{"Quinn,Fictus,qfictus,quinn@site.example.org,,,Investigator,User,Available,,", "Rhea,Mock,rmock,rhea@sponsor.example.com,,,Data Manager,User,Available,,"}},
		} {
			t.Run(filepath.Ext(src)+": "+tc.name, func(t *testing.T) {
				today := time.Now().Format(mapping.ClinicalOneDate)
				for i := range tc.rows {
					tc.rows[i] = strings.ReplaceAll(tc.rows[i], "TODAY", today)
				}
				tc.run(t)
			})
		}
	}
}

// TestMapTemplateStatus: the Clinical One template has no account status, and an
// uploaded row is a current study user. A deactivated account gets no row; an Invited or
// Created one (OpenClinica 4's lortiz, Invited) got an ordinary row with nothing said,
// where the ODM writers report the status they cannot hold. It is reported now, by
// status, with a count; Available and no status say nothing.
func TestMapTemplateStatus(t *testing.T) {
	statuses := filepath.Join(tableDir, "statuses.json")
	const invited = "warning mapping.unrepresentable: User/status: the template has no account status; an Invited account (not yet activated) is written as a current study user"
	const created = "warning mapping.unrepresentable: User/status: the template has no account status; a Created account (no role yet) is written as a current study user"
	for _, tc := range []tableCase{
		{name: "OpenClinica 4 table", why: "lortiz is Invited: the row is written, the status reported",
			args: []string{"--to", "csv", filepath.Join("testdata", "migration", "oc4-study-users.csv")},
			warn: []string{invited + " (User lortiz)"}},
		{name: "statuses, csv", why: "two Invited and one Created, each counted; Available (ada) and none (eve) are not reported",
			args: []string{"--to", "csv", statuses},
			rows: []string{
				"Ada,Example,ada@site.example.org,ada,05-Jan-2026,,Data Manager,All,",
				"Bea,Example,bea@site.example.org,bea,05-Jan-2026,,Data Manager,All,",
				"Cy,Example,cy@site.example.org,cy,05-Jan-2026,,Data Manager,All,",
				"Dan,Example,dan@site.example.org,dan,05-Jan-2026,,Data Manager,All,",
				"Eve,Example,eve@site.example.org,eve,05-Jan-2026,,Data Manager,All,",
			},
			warn: []string{invited + " (2 values, first: User U2)", created + " (User U4)"}},
		{name: "statuses, xlsx", why: "the workbook is the same template",
			args: []string{"--to", "xlsx", "-o", filepath.Join(t.TempDir(), "out.xlsx"), statuses},
			warn: []string{invited + " (2 values, first: User U2)", created + " (User U4)"}},
		{name: "statuses, oc4users", why: "the OpenClinica 4 table has a Status column: nothing to report",
			args:   []string{"--to", "oc4users", statuses},
			noWarn: []string{"User/status"}},
	} {
		t.Run(tc.name, tc.run)
	}
}
