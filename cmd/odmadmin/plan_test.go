package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const planDir = "testdata/plan/"

// TestPlanExitCodes checks 0 without warnings, 1 with warnings, 2 on errors.
func TestPlanExitCodes(t *testing.T) {
	clean, err := os.ReadFile(planDir + "clean.csv")
	if err != nil {
		t.Fatal(err)
	}
	ex, up, cl := planDir+"existing.xml", planDir+"upload.csv", planDir+"clean.csv"
	for _, tc := range []struct {
		args   []string
		stdin  string
		want   int
		reason string
	}{
		{[]string{"--existing", ex, "--upload", cl}, "", 0, "a clean upload"},
		{[]string{"--existing", ex, "--upload", "-"}, string(clean), 0, "the upload from stdin"},
		{[]string{"--existing", ex, "--upload", up}, "", 1, "an upload with warnings"},
		{[]string{"--format", "text", "--existing", ex, "--upload", up}, "", 1, "text output, same verdict"},
		{[]string{"--existing", ex, "--upload", cl, "--max-rows", "2"}, "", 1, "more rows than --max-rows"},
		{[]string{"--existing", ex}, "", 2, "no upload"},
		{[]string{"--upload", cl}, "", 2, "no export"},
		{[]string{"--existing", ex, "--upload", cl, "extra"}, "", 2, "a stray argument"},
		{[]string{"--existing", "-", "--upload", "-"}, "", 2, "both from stdin"},
		{[]string{"--existing", planDir + "missing.xml", "--upload", cl}, "", 2, "a missing export"},
		{[]string{"--existing", ex, "--upload", planDir + "missing.csv"}, "", 2, "a missing upload"},
		{[]string{"--existing", ex, "--upload", "-"}, "", 2, "an empty upload"},
		{[]string{"--existing", ex, "--upload", "-"}, "Name,Mail\nA,a@example.org\n", 2, "a CSV that is not the template"},
		{[]string{"--format", "yaml", "--existing", ex, "--upload", cl}, "", 2, "an unknown format"},
		{[]string{"--help"}, "", 0, "help"},
	} {
		code, _, stderr := runSub(tc.stdin, "plan", tc.args...)
		if code != tc.want {
			t.Errorf("plan %q: exit %d, want %d (%s)\nstderr: %s", tc.args, code, tc.want, tc.reason, stderr)
		}
	}
}

// TestPlanUnknownColumn: a column of the upload that is no template column (a misspelt
// one, notes) is not read, and plan says so with plan.unknownColumn at the header row, as
// one of its own warnings (exit 1), while the rows plan as they would without it.
func TestPlanUnknownColumn(t *testing.T) {
	clean, err := os.ReadFile(planDir + "clean.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(clean), "\n")
	// Two more columns, a value on the first data row in each.
	lines[0] = strings.TrimRight(lines[0], "\r\n") + ",Deopts,Notes\n"
	lines[1] = strings.TrimRight(lines[1], "\r\n") + ",D1,call back\n"
	withCols := filepath.Join(t.TempDir(), "upload.csv")
	if err := os.WriteFile(withCols, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	_, want, _ := runSub("", "plan", "--existing", planDir+"existing.xml", "--upload", planDir+"clean.csv")
	code, out, stderr := runSub("", "plan", "--existing", planDir+"existing.xml", "--upload", withCols)
	if code != 1 {
		t.Errorf("exit %d, want 1: a column not read is a warning of the plan\nstderr: %s", code, stderr)
	}
	for _, c := range []string{"Deopts", "Notes"} {
		if w := withCols + `:1: warning plan.unknownColumn: "` + c + `" is not a column of the template`; !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	if out != want {
		t.Errorf("the plan changed with the columns it does not read:\n%s\nwant:\n%s", out, want)
	}
}

// TestPlanJSON checks the documented JSON shape and every row of the sample upload.
func TestPlanJSON(t *testing.T) {
	code, out, stderr := runSub("", "plan", "--existing", planDir+"existing.xml", "--upload", planDir+"upload.csv")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Actions []struct {
			Row      int    `json:"row"`
			Action   string `json:"action"`
			User     string `json:"user"`
			Changes  []map[string]string
			Warnings []struct{ Code, Message string }
		} `json:"actions"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	var rows []string
	for _, a := range got.Actions {
		s := a.Action + " " + a.User
		for _, w := range a.Warnings {
			s += " " + w.Code
		}
		rows = append(rows, s)
	}
	want := []string{
		"unchanged jdoe",
		"update asample",
		"create jdoe2 possibleDuplicateAccount",
		"create ana.sample usernameChange",
		"create pnew possibleDuplicateAccount",
		"create lfict unknownSite unknownRole endDateBeforeStartDate",
		"update kexample",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	// The second user is on spreadsheet row 3: the header is row 1.
	if got.Actions[1].Row != 3 || got.Actions[1].Changes[0]["field"] != "role" || got.Actions[1].Changes[0]["where"] != "DEMO-01 (Production)-South Demo Clinic" {
		t.Errorf("row 3: %+v", got.Actions[1])
	}
}

// TestPlanText checks the text output and --training.
func TestPlanText(t *testing.T) {
	_, out, _ := runSub("", "plan", "--format", "text", "--training", "--existing", planDir+"existing.xml", "--upload", planDir+"clean.csv")
	for _, s := range []string{
		"row 2: unchanged jdoe\n",
		"row 4: create nfictus\n",
		`  role DEMO-01 (Training)-South Demo Clinic: "" -> "Site User"` + "\n",
		"3 rows: 1 create, 0 update, 2 unchanged; 0 warnings\n",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("text lacks %q:\n%s", s, out)
		}
	}
}

// TestPlanDirectoryUpload plans a JSON directory (as "map --to json" writes a template).
func TestPlanDirectoryUpload(t *testing.T) {
	dir := t.TempDir()
	js := filepath.Join(dir, "upload.json")
	if code, _, stderr := runSub("", "map", "--quiet", "--study", "DEMO-01", "-o", js, planDir+"clean.csv"); code != 0 {
		t.Fatalf("map: %s", stderr)
	}
	code, out, stderr := runSub("", "plan", "--format", "text", "--existing", planDir+"existing.xml", "--upload", js)
	// Sites in the template are numbers; the JSON directory keeps them as written, and
	// the plan resolves them against the export's site numbers as for the CSV.
	if code != 0 || !strings.Contains(out, "3 rows: 1 create, 0 update, 2 unchanged; 0 warnings") {
		t.Errorf("exit %d\n%s%s", code, out, stderr)
	}
	// Several studies and no --study: the plan cannot guess.
	two := filepath.Join(dir, "two.xml")
	src, _ := os.ReadFile(planDir + "existing.xml")
	os.WriteFile(two, []byte(strings.Replace(string(src), "</ODM>", `<AdminData StudyOID="DEMO-02"/></ODM>`, 1)), 0o644)
	if code, _, stderr := runSub("", "plan", "--existing", two, "--upload", planDir+"clean.csv"); code != 2 || !strings.Contains(stderr, "several studies") {
		t.Errorf("two studies: exit %d %s", code, stderr)
	}
	if code, _, stderr := runSub("", "plan", "--study", "DEMO-01", "--existing", two, "--upload", planDir+"clean.csv"); code != 0 {
		t.Errorf("--study: exit %d %s", code, stderr)
	}
}

// TestPlanDirectoryUploadSiteRoleWithoutSite: an OpenClinica 4 user table says nothing of
// the site of a site-level role, so its JSON (map --profile oc4users --to json) given as
// --upload has such roles without a site. plan planned each as the role for the whole
// study (every site) and exited 0; now it leaves the role out and warns, exit 1.
func TestPlanDirectoryUploadSiteRoleWithoutSite(t *testing.T) {
	dir := t.TempDir()
	table := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(table, []byte("First,Last,Username,Email,Organization,Phone,Role,Type,Status,Created (UTC),Updated (UTC)\n"+
		"Noor,Fictus,nfictus,noor.fictus@site2.example.org,South Demo Clinic,,Investigator,User,Available,05-Jan-2026 09:00,05-Jan-2026 09:00\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	js := filepath.Join(dir, "upload.json")
	if code, _, stderr := runSub("", "map", "--quiet", "--profile", "oc4users", "--study", "DEMO-01", "-o", js, table); code != 0 {
		t.Fatalf("map: %s", stderr)
	}
	code, out, stderr := runSub("", "plan", "--existing", planDir+"existing.xml", "--upload", js)
	if code != 1 {
		t.Errorf("exit %d, want 1 (a warning)\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "warning plan.siteRoleWithoutSite: user 1: study role \"Investigator\" is a site-level role") {
		t.Errorf("no siteRoleWithoutSite warning on stderr:\n%s", stderr)
	}
	var p struct {
		Actions []struct {
			Action  string `json:"action"`
			Changes []struct {
				Field, Where, New string
			} `json:"changes"`
		} `json:"actions"`
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(p.Actions) != 1 || p.Actions[0].Action != "create" {
		t.Fatalf("want one create: %s", out)
	}
	for _, c := range p.Actions[0].Changes {
		if c.Field == "role" {
			t.Errorf("the site-level role is granted at %q: %s", c.Where, out)
		}
	}
}

// TestPlanDiagnostics checks that plan lists its warnings on stderr in the diagnostic
// format of every command (FILE:ROW: warning CODE: message, the spreadsheet row with the
// header as row 1), one line per warning of the plan, then the per-code summary; --max
// caps the listing, and --quiet leaves stderr empty with the same exit code.
func TestPlanDiagnostics(t *testing.T) {
	ex, up := planDir+"existing.xml", planDir+"upload.csv"
	code, out, stderr := runSub("", "plan", "--existing", ex, "--upload", up)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr %s", code, stderr)
	}
	var p struct {
		Actions []struct {
			Row      int `json:"row"`
			Warnings []struct {
				Code string `json:"code"`
			} `json:"warnings"`
		} `json:"actions"`
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, a := range p.Actions {
		for _, w := range a.Warnings {
			want = append(want, fmt.Sprintf("%s:%d: warning plan.%s: ", up, a.Row, w.Code))
		}
	}
	if len(want) == 0 {
		t.Fatal("the sample upload has no warnings: the test checks nothing")
	}
	lines := strings.Split(stderr, "\n")
	if len(lines) < len(want) {
		t.Fatalf("stderr has %d lines, want at least %d:\n%s", len(lines), len(want), stderr)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("stderr line %d = %q, want it to begin %q", i+1, lines[i], w)
		}
	}
	if !strings.Contains(stderr, fmt.Sprintf("odmadmin plan: %d warnings", len(want))) {
		t.Errorf("no summary of %d warnings in:\n%s", len(want), stderr)
	}
	code, _, stderr = runSub("", "plan", "--existing", ex, "--upload", up, "--max", "1")
	if code != 1 || strings.Count(stderr, ": warning plan.possibleDuplicateAccount: ") != 1 {
		t.Errorf("--max 1: exit %d, stderr:\n%s\nwant one listed possibleDuplicateAccount", code, stderr)
	}
	code, _, stderr = runSub("", "plan", "--existing", ex, "--upload", up, "--quiet")
	if code != 1 || stderr != "" {
		t.Errorf("--quiet: exit %d, stderr %q; want 1 and nothing", code, stderr)
	}
}

// TestPlanStudyNotInExport: plan --study naming a study the export does not have planned
// every row as a new user and exited 0 (or 1 on their warnings). It is an error (exit 2,
// as other input errors) naming the studies the export has, and -o is not written. A
// table as --existing has no study of its own: --study names it, so any is accepted.
func TestPlanStudyNotInExport(t *testing.T) {
	out := filepath.Join(t.TempDir(), "plan.json")
	code, _, stderr := runSub("", "plan", "--study", "DEMO-1", "-o", out, "--existing", planDir+"existing.xml", "--upload", planDir+"clean.csv")
	if code != 2 || !strings.Contains(stderr, `study "DEMO-1": the export has no such study (it has DEMO-01)`) {
		t.Errorf("exit %d, want 2 and the export's studies named: %s", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("-o written by a failed plan: %v", err)
	}
	if code, _, stderr := runSub("", "plan", "--study", "ANY-STUDY", "--existing", planDir+"clean.csv", "--upload", planDir+"clean.csv"); code != 0 {
		t.Errorf("a template as --existing, which names no study: exit %d: %s", code, stderr)
	}
}
