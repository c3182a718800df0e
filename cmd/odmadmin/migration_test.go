package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// The migrations a user runs, end to end, from fixtures of fictitious people: each reads
// the written output back and checks what it must hold.

func exampleFile(name string) string {
	return filepath.Join("..", "..", "examples", "migration-spec", name)
}

func migrationFile(name string) string { return filepath.Join("testdata", "migration", name) }

// sheetRows reads a workbook's "Clinical One Users" tab with excelize.
func sheetRows(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(mapping.ClinicalOneSheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestMigrationInFormToClinicalOneXLSXWithSpec(t *testing.T) {
	out := filepath.Join(t.TempDir(), "clinical-one-users.xlsx")
	code, _, errs := runCmd(nil, "map", "--spec", exampleFile("spec.csv"), "--to", "xlsx", "--study", "ASTRA-9", "-o", out, "--max", "0", exampleFile("inform-export.xml"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.Contains(errs, "unmapped") {
		t.Errorf("the spec maps every role and site, yet: %s", errs)
	}
	rows := sheetRows(t, out)
	got := map[string]string{}
	for _, r := range rows[1:] {
		for len(r) < 9 {
			r = append(r, "")
		}
		got[r[3]] = strings.Join([]string{r[4], r[6], r[7]}, "|")
	}
	want := map[string]string{
		"nhale":  "01-Jun-2026|Site User|01",
		"pquist": "01-Jun-2026|Site User|02",
		"eboyd":  "01-Jun-2026|Data Manager|01; 02",
		"jmarsh": "01-Jun-2026|Clinical Research Associate (CRA)|01; 02",
	}
	if strings.Join(rows[0], ",") != strings.Join(mapping.ClinicalOneColumns(), ",") {
		t.Errorf("header %q", rows[0])
	}
	if len(got) != len(want) {
		t.Errorf("users %v, want %v (svale_test excluded by the spec)", got, want)
	}
	for login, w := range want {
		if got[login] != w {
			t.Errorf("%s: start|role|sites %q, want %q", login, got[login], w)
		}
	}
	// The export and the upload made from it with the spec are the same users.
	code, diffOut, errs := runCmd(nil, "diff", "--spec", exampleFile("spec.csv"), exampleFile("inform-export.xml"), out)
	if code != 0 {
		t.Errorf("diff with the spec: exit %d\n%s%s", code, diffOut, errs)
	}
}

func TestMigrationDiffInFormAgainstItsClinicalOneXLSX(t *testing.T) {
	out := filepath.Join(t.TempDir(), "c1.xlsx")
	if code, _, errs := runCmd(nil, "map", "--quiet", "--to", "xlsx", "-o", out, exampleFile("inform-export.xml")); code != 0 {
		t.Fatalf("map: exit %d %s", code, errs)
	}
	// InForm names sites 10127 and 10128, the template 01 and 02; the template names no
	// study; roles are compared by meaning across vendors. Nothing changed.
	code, diffOut, errs := runCmd(nil, "diff", exampleFile("inform-export.xml"), out)
	if code != 0 {
		t.Fatalf("diff: exit %d, want 0 (no changes)\n%s%s", code, diffOut, errs)
	}
}

func TestMigrationRaveUsersAndSitesToODM2(t *testing.T) {
	out := filepath.Join(t.TempDir(), "odm2.xml")
	code, _, errs := runCmd(nil, "map", "--quiet", "--to", "odm2", "-o", out, migrationFile("rave-users.odm"), migrationFile("rave-sites.odm"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// Users.odm alone names locations it does not hold; with Sites.odm they resolve.
	if _, _, errs := runCmd(nil, "map", "--max", "0", "--to", "json", "-o", filepath.Join(t.TempDir(), "d.json"), migrationFile("rave-users.odm"), migrationFile("rave-sites.odm")); strings.Contains(errs, "dangling-reference") {
		t.Errorf("Users.odm + Sites.odm warn of references that Sites.odm resolves:\n%s", errs)
	}
	doc, err := odm.DecodeFile(out, odm.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := mapping.FromDocument(doc, mapping.Options{})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, s := range d.Sites {
		names[s.ID] = s.Name
	}
	if names["4567"] != "Northgate Medical Centre" || names["4568"] != "Southbank Research Unit" {
		t.Errorf("sites %v: the Sites.odm names must reach the ODM 2.0 Locations", names)
	}
	if len(d.Users) != 2 {
		t.Fatalf("%d users", len(d.Users))
	}
	for _, u := range d.Users {
		if u.Login == "" || len(u.Emails) != 1 || len(u.Assignments) == 0 {
			t.Errorf("user %s: login %q, emails %v, %d assignments", u.ID, u.Login, u.Emails, len(u.Assignments))
		}
	}
}

func TestMigrationOC4UserTableToRave(t *testing.T) {
	out := filepath.Join(t.TempDir(), "rave.xml")
	code, _, errs := runCmd(nil, "map", "--to", "odm", "--profile", "rave", "--study", "HEADACHE(Prod)", "-o", out, migrationFile("oc4-study-users.csv"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`mdsol:UserRole="Data Manager"`, `<Email>lena.ortiz@cro.example.com</Email>`, `StudyOID="HEADACHE(Prod)"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("output lacks %s:\n%s", want, b)
		}
	}
	// tirving's Investigator role is site-level, and the table does not say at which
	// site: written without a LocationRef it read back as the role at every site of the
	// study. It is left out, and tirving with it (no other access), with warnings.
	if strings.Contains(string(b), "tirving") {
		t.Errorf("the site-level role without a site is written as the whole study's:\n%s", b)
	}
	for _, want := range []string{"warning mapping.unrepresentable: Assignment/site: a site-level role", "warning mapping.unrepresentable: User: ", "(User tirving)"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	// The OpenClinica 4 table's logins, e-mails and roles are what its ODM lacks: every
	// Rave user has them.
	doc, err := odm.Decode(strings.NewReader(string(b)), odm.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d, _, _ := mapping.FromDocument(doc, mapping.Options{})
	for _, u := range d.Users {
		if u.Login == "" || len(u.Emails) == 0 || len(u.Assignments) == 0 || u.Assignments[0].Role.Name == "" {
			t.Errorf("user %s lacks login, e-mail or role: %+v", u.ID, u)
		}
	}
}

func TestMigrationClinicalOneXLSXPlannedAgainstInForm(t *testing.T) {
	up := filepath.Join(t.TempDir(), "upload.xlsx")
	if code, _, errs := runCmd(nil, "map", "--quiet", "--to", "xlsx", "-o", up, exampleFile("inform-export.xml")); code != 0 {
		t.Fatalf("map: exit %d %s", code, errs)
	}
	code, out, errs := runCmd(nil, "plan", "--existing", exampleFile("inform-export.xml"), "--upload", up, "--format", "text")
	if code == 2 {
		t.Fatalf("plan: exit 2 %s", errs)
	}
	if strings.Contains(out, "unknownSite") || strings.Contains(out, "possibleDuplicateAccount") || strings.Contains(out, "unknownRole") {
		t.Errorf("the template made from the export names its sites by number and its roles: %s", out)
	}
	for _, login := range []string{"nhale", "pquist", "eboyd", "jmarsh", "svale_test"} {
		if !strings.Contains(out, login) {
			t.Errorf("plan has no row for %s:\n%s", login, out)
		}
	}
	if !strings.Contains(out, "5 rows: 0 create, 0 update, 5 unchanged; 0 warnings") || code != 0 {
		t.Errorf("exit %d: every row is an existing user, unchanged:\n%s", code, out)
	}
}

func TestCheckPartialVendorExport(t *testing.T) {
	// Rave's Users.odm holds no Study and no Location: its LocationRefs point into
	// Sites.odm. That is no error of the file; the message says how to check across files.
	code, out, errs := runCmd(nil, "check", migrationFile("rave-users.odm"))
	if code != 0 || !strings.Contains(out, "warning admin.danglingLocationRef") || !strings.Contains(errs, "odmadmin map --to odm Users.odm Sites.odm | odmadmin check --series") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	// The same file with a Study of its own is complete, and the dangling LocationRef is
	// an error again.
	b, err := os.ReadFile(migrationFile("rave-users.odm"))
	if err != nil {
		t.Fatal(err)
	}
	whole := strings.Replace(string(b), "<AdminData>", `<Study OID="Corvid(Prod)"><GlobalVariables><StudyName>C</StudyName><StudyDescription>C</StudyDescription><ProtocolName>C</ProtocolName></GlobalVariables></Study><AdminData>`, 1)
	p := writeFile(t, t.TempDir(), "whole.odm", []byte(whole))
	if code, out, _ := runCmd(nil, "check", p); code != 1 || !strings.Contains(out, "error admin.danglingLocationRef") {
		t.Fatalf("a file with its Study: exit %d\n%s", code, out)
	}
}

func TestMigrationSpecStrictUnmapped(t *testing.T) {
	// A spec that maps one role only: the others are named with their user counts, and
	// --strict makes that exit 1.
	spec := writeFile(t, t.TempDir(), "partial.csv", []byte("Kind,Study,Scope,Source,Target,Suggested,Note\nrole,,,Data Manager Rights,Data Manager,,\n"))
	code, _, errs := runCmd(nil, "map", "--strict", "--max", "0", "--spec", spec, "--to", "csv", exampleFile("inform-export.xml"))
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errs)
	}
	for _, want := range []string{`role "Sponsor CRA Rights" (site level) has no role rule in the spec; kept as it is (1 user)`, `site 10127 has no site rule in the spec; kept as it is (4 users)`} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
}

// TestMigrationDiffSpecUnmapped: diff --spec lists what the spec leaves unmapped on
// stderr, as map and plan do, instead of comparing those roles and sites silently under
// their own names; the full spec leaves nothing to list.
func TestMigrationDiffSpecUnmapped(t *testing.T) {
	out := filepath.Join(t.TempDir(), "c1.csv")
	if code, _, errs := runCmd(nil, "map", "--quiet", "--spec", exampleFile("spec.csv"), "--to", "csv", "--study", "ASTRA-9", "-o", out, exampleFile("inform-export.xml")); code != 0 {
		t.Fatalf("map: exit %d %s", code, errs)
	}
	spec := writeFile(t, t.TempDir(), "partial.csv", []byte("Kind,Study,Scope,Source,Target,Suggested,Note\nrole,,,Data Manager Rights,Data Manager,,\n"))
	_, _, errs := runCmd(nil, "diff", "--max", "0", "--spec", spec, exampleFile("inform-export.xml"), out)
	for _, want := range []string{`role "Sponsor CRA Rights" (site level) has no role rule in the spec`, `site 10127 has no site rule in the spec`} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if _, _, errs := runCmd(nil, "diff", "--spec", exampleFile("spec.csv"), exampleFile("inform-export.xml"), out); strings.Contains(errs, "no role rule") || strings.Contains(errs, "no site rule") {
		t.Errorf("the full spec maps every role and site, yet:\n%s", errs)
	}
}

// TestMigrationPlanWithSpec plans the Clinical One upload made with a spec against the
// InForm export it came from, with the same spec: the export's rights groups and
// Location OIDs are read in the template's terms, so every row is unchanged. Without the
// spec the roles differ by name; an edited upload shows only what was edited.
func TestMigrationPlanWithSpec(t *testing.T) {
	spec := exampleFile("spec.csv")
	up := filepath.Join(t.TempDir(), "upload.xlsx")
	if code, _, errs := runCmd(nil, "map", "--quiet", "--spec", spec, "--to", "xlsx", "--study", "ASTRA-9", "-o", up, exampleFile("inform-export.xml")); code != 0 {
		t.Fatalf("map: exit %d %s", code, errs)
	}
	code, out, errs := runCmd(nil, "plan", "--spec", spec, "--existing", exampleFile("inform-export.xml"), "--upload", up, "--format", "text")
	if code != 0 || !strings.Contains(out, "4 rows: 0 create, 0 update, 4 unchanged; 0 warnings") {
		t.Errorf("plan --spec of the upload made with the spec: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(errs, "warning mapping.spec: spec/exclude: 1 user left out as the spec says") {
		t.Errorf("stderr lacks what the spec did: %q", errs)
	}

	edited := filepath.Join("testdata", "plan", "inform-upload.csv")
	_, withSpec, _ := runCmd(nil, "plan", "--quiet", "--spec", spec, "--existing", exampleFile("inform-export.xml"), "--upload", edited, "--study", "ASTRA-9", "--format", "json")
	_, without, _ := runCmd(nil, "plan", "--quiet", "--existing", exampleFile("inform-export.xml"), "--upload", edited, "--study", "ASTRA-9", "--format", "json")
	changes := func(js string) map[string][]string {
		var p struct {
			Actions []struct {
				User    string
				Changes []struct{ Field, Where, Old, New string }
			}
		}
		if err := json.Unmarshal([]byte(js), &p); err != nil {
			t.Fatalf("%v: %s", err, js)
		}
		m := map[string][]string{}
		for _, a := range p.Actions {
			for _, c := range a.Changes {
				if c.Field == "role" {
					m[a.User] = append(m[a.User], c.Where+": "+c.Old+" -> "+c.New)
				}
			}
		}
		return m
	}
	// nhale was given site 02 in the upload; with the spec that is the only role change,
	// at the template's site number.
	if got := changes(withSpec)["nhale"]; strings.Join(got, "|") != "ASTRA-9 (Production)-(02) Lakeside Research:  -> Site User" {
		t.Errorf("with the spec, nhale's role changes %q; want only site 02 added", got)
	}
	// Without it the InForm rights group "Site Investigator Rights" is not "Site User",
	// and the new site is named by its InForm Location OID.
	if got := changes(without)["nhale"]; strings.Join(got, "|") != "ASTRA-9 (Production)-(01) Harbor View Clinic: Site Investigator Rights -> Site User|ASTRA-9 (Production)-(02) Lakeside Research:  -> Site User" {
		t.Errorf("without the spec, nhale's role changes %q", got)
	}
}

// TestMigrationDiffDeactivatedUser: an InForm export with a deactivated account (pf:Active
// "No") and the Clinical One template made from it, which has no row for that account,
// are the same users: no USER_REMOVED. Against the template made before the account was
// deactivated, the deactivation is a STATUS_CHANGE.
func TestMigrationDiffDeactivatedUser(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(exampleFile("inform-export.xml"))
	if err != nil {
		t.Fatal(err)
	}
	active := `pf:DBUID="20102" pf:StudyLocale="en-US" pf:Active="Yes"`
	if !strings.Contains(string(b), active) {
		t.Fatal("the fixture changed: pquist's attributes not found")
	}
	deact := writeFile(t, dir, "deactivated.xml", []byte(strings.Replace(string(b), active, `pf:DBUID="20102" pf:StudyLocale="en-US" pf:Active="No"`, 1)))
	before := filepath.Join(dir, "before.xlsx")
	after := filepath.Join(dir, "after.xlsx")
	for _, m := range [][2]string{{exampleFile("inform-export.xml"), before}, {deact, after}} {
		if code, _, errs := runCmd(nil, "map", "--quiet", "--to", "xlsx", "-o", m[1], m[0]); code != 0 {
			t.Fatalf("map %s: exit %d %s", m[0], code, errs)
		}
	}
	if code, out, errs := runCmd(nil, "diff", deact, after); code != 0 {
		t.Errorf("the export and its template: exit %d, want 0 (no changes)\n%s%s", code, out, errs)
	}
	code, out, errs := runCmd(nil, "diff", before, deact)
	if want := "STATUS_CHANGE Pavel Quist (pquist): status: \"Available\" -> \"Deactivated\"\n"; code != 1 || out != want {
		t.Errorf("the template before, the export after: exit %d\n%s%s\nwant %s", code, out, errs, want)
	}
	// The template made after the deactivation against the export before it: pquist's row
	// is gone while the account is current in the export, so it is removed; the site is
	// named as the audit log names it.
	code, out, _ = runCmd(nil, "diff", exampleFile("inform-export.xml"), after)
	if code != 1 || !strings.Contains(out, "USER_REMOVED Pavel Quist (pquist)\n") || !strings.Contains(out, `ASTRA-9 (Production)-(02) Lakeside Research: "Site Coordinator Rights" -> ""`) {
		t.Errorf("the export before, the template after: exit %d\n%s", code, out)
	}
}

// TestMergeConflictsListed: a side of diff, or plan's existing users, read from several
// files that disagree about a person lists the conflict on stderr (the merged value is
// the first file's, and the comparison rests on it); files that agree list none.
func TestMergeConflictsListed(t *testing.T) {
	dir := t.TempDir()
	export := filepath.Join("testdata", "diff", "inform.xml")
	clash := writeFile(t, dir, "names.csv", []byte("User OID,First Name\nU1001,Kiara\n"))
	same := writeFile(t, dir, "same.csv", []byte("User OID,First Name\nU1001,Chiara\n"))
	const want = "merge-conflict"
	_, _, errs := runCmd(nil, "diff", "--a", export, "--a", clash, "--b", export)
	if !strings.Contains(errs, want) || !strings.Contains(errs, "GivenName") {
		t.Errorf("diff: stderr lacks the conflict on the first name:\n%s", errs)
	}
	if strings.Contains(errs, "Kiara") || strings.Contains(errs, "Chiara") {
		t.Errorf("diff: the conflict shows a person's name:\n%s", errs)
	}
	if _, _, errs := runCmd(nil, "diff", "--a", export, "--a", same, "--b", export); strings.Contains(errs, want) {
		t.Errorf("diff: files that agree list a conflict:\n%s", errs)
	}
	upload := filepath.Join("testdata", "plan", "inform-upload.csv")
	if _, _, errs := runCmd(nil, "plan", "--existing", export, "--existing", clash, "--upload", upload); !strings.Contains(errs, want) {
		t.Errorf("plan: stderr lacks the conflict:\n%s", errs)
	}
}
