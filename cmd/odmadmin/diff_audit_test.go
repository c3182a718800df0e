package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffAudit checks odmadmin diff --audit: which changes the log records, and the exit
// status a migration's QA scripts on.
func TestDiffAudit(t *testing.T) {
	a, b := diffDir+"inform.xml", diffDir+"rave.xml"
	full := filepath.Join(t.TempDir(), "full.csv")
	// The csv output with --by and --at reads like the real log, so it is a complete log.
	if code, _, stderr := runSub("", "diff", "--key", "login", "--format", "csv", "--by", "Ada Admin (aadmin)",
		"--at", "2026-03-02T10:00:00Z", "-o", full, a, b); code != 1 {
		t.Fatalf("diff --format csv: exit %d: %s", code, stderr)
	}
	partial := diffDir + "audit-partial.csv"
	for _, tc := range []struct {
		args   []string
		code   int
		want   []string // lines or fragments the output must contain
		reason string
	}{
		{[]string{"--audit", full}, 0, []string{"LOGGED  USER_ADDED Priya Nair (pnair) (log line 7)"},
			"diff --audit: every change of the diff appears in the log: exit 0"},
		{[]string{"--audit", partial}, 1, []string{
			"LOGGED  PROFILE_CHANGE Bruno Okafor (bokafor): emails:",
			"MISSING ROLE_CHANGE Dmitri Lindqvist (dlindqvist)",
			"LOGGED  USER_ADDED Priya Nair (pnair) (log line 5)",
			`PARTLY  ROLE_CHANGE Priya Nair (pnair): DEMO-01 (Production)-Springfield Demo Clinic: "" -> "Clinical Research Coordinator" (log line 4: Demo Study (Production)-Springfield: "" -> "Clinical Research Coordinator")`},
			"exit 1 when some changes are missing; a role logged under the study's name is partly logged"},
		{[]string{"--audit", partial, "--from", "01-Mar-2026", "--to", "02-MAR-2026"}, 1, []string{"MISSING USER_ADDED Priya Nair (pnair)"},
			"--from/--to keep the entries from the Start Date through the End Date, inclusive"},
		{[]string{"--audit", partial, "--format", "json"}, 1, []string{`{"status":"LOGGED","change":{"event":"PROFILE_CHANGE"`, `"entry":{"event":"PROFILE_CHANGE","time":"2026-03-01T09:00:00.5Z"`},
			"json output"},
		{[]string{"--audit", partial, "--format", "csv"}, 1, []string{"AUDIT EVENT,DATE/TIME,TARGET OBJECT,BY,VALUE TYPE,OLD VALUE,NEW VALUE,STATUS,LOG LINE",
			"USER_ADDED,2026-02-01T09:00:00Z,Priya Nair (pnair),Ada Admin (aadmin),,,,LOGGED,5"},
			"csv output adds STATUS and LOG LINE"},
		{[]string{"--audit", partial, "--from", "01-Jan-2025", "--to", "10-Mar-2026"}, 2, []string{},
			"a range beyond a year is a clear error"},
		{[]string{"--audit", diffDir + "nope.csv"}, 2, []string{}, "a missing log"},
		{[]string{"--audit", a}, 2, []string{}, "an ODM file is no audit log"},
		{[]string{"--from", "01-Mar-2026"}, 2, []string{}, "--from needs --audit"},
		{[]string{"--at", "yesterday"}, 2, []string{}, "--at must be a time"},
	} {
		code, out, stderr := runSub("", "diff", append(append([]string{"--key", "login"}, tc.args...), a, b)...)
		if code != tc.code {
			t.Errorf("%s: diff %q: exit %d, want %d\n%s%s", tc.reason, tc.args, code, tc.code, out, stderr)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: diff %q: output lacks %q:\n%s", tc.reason, tc.args, w, out)
			}
		}
		if code == 2 && (strings.Count(stderr, "\n") > 2 || stderr == "") {
			t.Errorf("%s: want a clear error, got %q", tc.reason, stderr)
		}
	}
	_, _, stderr := runSub("", "diff", "--key", "login", "--audit", partial, "--from", "01-Jan-2025", "--to", "10-Mar-2026", a, b)
	if !strings.Contains(stderr, "more than a year") || !strings.Contains(stderr, "at most 368 days") {
		t.Errorf("the error says the range is over a year: %q", stderr)
	}
	_, _, stderr = runSub("", "diff", "--key", "login", "--audit", partial, a, b)
	if !strings.Contains(stderr, "2 logged, 1 partly logged, 4 missing of 7 changes") {
		t.Errorf("summary: %q", stderr)
	}
	if _, err := os.Stat(full); err != nil {
		t.Fatal(err)
	}
}

// TestDiffAuditXLSX reads the log as a workbook: the xlsx output of diff with --by and --at
// is a complete log of its own changes.
func TestDiffAuditXLSX(t *testing.T) {
	a, b := diffDir+"inform.xml", diffDir+"rave.xml"
	log := filepath.Join(t.TempDir(), "log.xlsx")
	if code, _, stderr := runSub("", "diff", "--key", "login", "--format", "xlsx", "--by", "Ada Admin (aadmin)",
		"--at", "2026-03-02T10:00:00Z", "-o", log, a, b); code != 1 {
		t.Fatalf("diff --format xlsx: exit %d: %s", code, stderr)
	}
	code, out, stderr := runSub("", "diff", "--key", "login", "--audit", log, "--from", "02-Mar-2026", "--to", "02-Mar-2026", a, b)
	if code != 0 || strings.Contains(out, "MISSING") || !strings.Contains(stderr, "7 logged, 0 partly logged, 0 missing") {
		t.Errorf("the User and Role Audit Log as .xlsx: exit %d\n%s%s", code, out, stderr)
	}
}

// TestPlanAudit checks odmadmin plan --audit: which changes of a plan appear in the log.
func TestPlanAudit(t *testing.T) {
	args := []string{"--existing", "testdata/plan/existing.xml", "--upload", "testdata/plan/upload.csv", "--format", "text"}
	code, out, stderr := runSub("", "plan", append(args, "--audit", "testdata/plan/audit.csv")...)
	for _, want := range []string{
		`LOGGED  ROLE_CHANGE (asample): DEMO-01 (Production)-South Demo Clinic: "Clinical Research Associate" -> "" (log line 2)`,
		"LOGGED  USER_ADDED (jdoe2) (log line 3)",
		"MISSING USER_ADDED (pnew)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("which changes of a plan appear in the log: %q missing\n%s", want, out)
		}
	}
	if code != 1 || !strings.Contains(stderr, "3 logged, 0 partly logged, 9 missing of 12 changes") {
		t.Errorf("exit 1 when some are missing: exit %d, %s", code, stderr)
	}
	if code, _, _ := runSub("", "plan", append(args, "--from", "01-Jan-2026")...); code != 2 {
		t.Errorf("--from needs --audit: exit %d", code)
	}
}

// TestDiffAuditCSVFormulas: the csv of diff --audit carries the users' values and the
// log's BY, so a cell a spreadsheet would run as a formula gets the leading apostrophe
// diff --format csv gives it, and --raw-csv writes it as it is.
func TestDiffAuditCSVFormulas(t *testing.T) {
	dir := t.TempDir()
	doc := func(first, last string) string {
		return `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3" FileType="Snapshot" FileOID="f" CreationDateTime="2026-05-04T08:00:00">
<AdminData StudyOID="S"><User OID="u1"><LoginName>u1</LoginName><FirstName>` + first + `</FirstName><LastName>` + last + `</LastName></User></AdminData></ODM>`
	}
	a, b, log := filepath.Join(dir, "a.xml"), filepath.Join(dir, "b.xml"), filepath.Join(dir, "log.csv")
	for name, text := range map[string]string{
		a: doc("Ann", "Lee"),
		b: doc(`=HYPERLINK("http://x")`, "@SUM(1)"),
		log: "AUDIT EVENT,DATE/TIME,TARGET OBJECT,BY,VALUE TYPE,OLD VALUE,NEW VALUE\n" +
			`PROFILE_CHANGE,2026-05-05T10:00:00Z,"=HYPERLINK(""http://x"") @SUM(1) (u1)",+cmd|' /C calc'!A0 (adm),givenName,Ann,"=HYPERLINK(""http://x"")"` + "\n",
	} {
		if err := os.WriteFile(name, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		raw  bool
		want []string
	}{
		{false, []string{
			`PROFILE_CHANGE,2026-05-05T10:00:00Z,"'=HYPERLINK(""http://x"") @SUM(1) (u1)",'+cmd|' /C calc'!A0 (adm),givenName,Ann,"'=HYPERLINK(""http://x"")",LOGGED,2`,
			`PROFILE_CHANGE,,"'=HYPERLINK(""http://x"") @SUM(1) (u1)",,familyName,Lee,'@SUM(1),MISSING,`}},
		{true, []string{
			`PROFILE_CHANGE,2026-05-05T10:00:00Z,"=HYPERLINK(""http://x"") @SUM(1) (u1)",+cmd|' /C calc'!A0 (adm),givenName,Ann,"=HYPERLINK(""http://x"")",LOGGED,2`,
			`PROFILE_CHANGE,,"=HYPERLINK(""http://x"") @SUM(1) (u1)",,familyName,Lee,@SUM(1),MISSING,`}},
	} {
		args := []string{"--audit", log, "--format", "csv"}
		if tc.raw {
			args = append(args, "--raw-csv")
		}
		code, out, stderr := runSub("", "diff", append(args, a, b)...)
		if code != 1 {
			t.Fatalf("diff %q: exit %d, want 1: %s", args, code, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w+"\n") {
				t.Errorf("diff %q: output lacks %q:\n%s", args, w, out)
			}
		}
	}
}

// TestDiffAuditTextOneLine: a PARTLY line quotes the log entry's value type when it holds
// a line break, which forged a line of its own ("LOGGED ...").
func TestDiffAuditTextOneLine(t *testing.T) {
	dir := t.TempDir()
	doc := func(first string) string {
		return `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3" FileType="Snapshot" FileOID="f" CreationDateTime="2026-05-04T08:00:00">
<AdminData StudyOID="S"><User OID="u1"><LoginName>u1</LoginName><FirstName>` + first + `</FirstName><LastName>Lee</LastName></User></AdminData></ODM>`
	}
	a, b, log := filepath.Join(dir, "a.xml"), filepath.Join(dir, "b.xml"), filepath.Join(dir, "log.csv")
	for name, text := range map[string]string{
		a: doc("Ann"), b: doc("Anne"),
		log: "AUDIT EVENT,DATE/TIME,TARGET OBJECT,BY,VALUE TYPE,OLD VALUE,NEW VALUE\n" +
			"PROFILE_CHANGE,2026-05-05T10:00:00Z,Ann Lee (u1),adm,\"givenName\nLOGGED  forged\",Ann,Zed\n",
	} {
		if err := os.WriteFile(name, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	code, out, stderr := runSub("", "diff", "--audit", log, a, b)
	want := `PARTLY  PROFILE_CHANGE Anne Lee (u1): givenName: "Ann" -> "Anne" (log line 2: "givenName\nLOGGED  forged": "Ann" -> "Zed")` + "\n"
	if code != 0 || out != want { // partly logged is no missing change without --strict
		t.Errorf("exit %d, output\n%s\nwant exit 0 and\n%s%s", code, out, want, stderr)
	}
}
