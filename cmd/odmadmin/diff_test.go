package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runSub runs "odmadmin NAME ARGS" in-process through the command table, as main does.
func runSub(stdin, name string, args ...string) (code int, stdout, stderr string) {
	return runCmd(strings.NewReader(stdin), append([]string{name}, args...)...)
}

const diffDir = "testdata/diff/"

// TestDiffExitCodes checks the diff(1) convention: 0 equal, 1 different, 2 error.
func TestDiffExitCodes(t *testing.T) {
	reordered, err := os.ReadFile(diffDir + "reordered.xml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args   []string
		stdin  string
		want   int
		reason string
	}{
		{[]string{diffDir + "inform.xml", diffDir + "reordered.xml"}, "", 0, "reordering alone is no difference"},
		{[]string{diffDir + "inform.xml", diffDir + "inform.xml"}, "", 0, "a file equals itself"},
		{[]string{diffDir + "inform.xml", "-"}, string(reordered), 0, "B from stdin"},
		{[]string{"--key", "login", diffDir + "inform.xml", diffDir + "rave.xml"}, "", 1, "cross-vendor differences"},
		{[]string{diffDir + "inform.xml", diffDir + "rave.xml", "--format", "csv"}, "", 1, "flags after the files"},
		{[]string{diffDir + "inform.xml"}, "", 2, "one input"},
		{[]string{diffDir + "inform.xml", diffDir + "rave.xml", diffDir + "rave.xml"}, "", 2, "three inputs"},
		{[]string{"-", "-"}, "", 2, "both from stdin"},
		{[]string{diffDir + "inform.xml", diffDir + "missing.xml"}, "", 2, "a missing file"},
		{[]string{"--key", "guid", diffDir + "inform.xml", diffDir + "rave.xml"}, "", 2, "an unknown key"},
		{[]string{"--format", "xml", diffDir + "inform.xml", diffDir + "rave.xml"}, "", 2, "an unknown format"},
		{[]string{"--roles", "fuzzy", diffDir + "inform.xml", diffDir + "rave.xml"}, "", 2, "an unknown role match"},
		{[]string{diffDir + "inform.xml", "-"}, "<ODM", 2, "truncated XML"},
		{[]string{"--help"}, "", 0, "help"},
	} {
		code, _, stderr := runSub(tc.stdin, "diff", tc.args...)
		if code != tc.want {
			t.Errorf("diff %q: exit %d, want %d (%s)\nstderr: %s", tc.args, code, tc.want, tc.reason, stderr)
		}
		if code == 2 && tc.args[0] != "--help" && !strings.HasPrefix(stderr, "odmadmin diff: ") {
			t.Errorf("diff %q: error not prefixed: %q", tc.args, stderr)
		}
	}
}

// TestDiffFormats checks the three outputs of the cross-vendor comparison.
func TestDiffFormats(t *testing.T) {
	a, b := diffDir+"inform.xml", diffDir+"rave.xml"
	code, text, _ := runSub("", "diff", "--key", "login", a, b)
	want := `SITE_CHANGE Springfield Demo Clinic (S101): number: "01" -> "101"
PROFILE_CHANGE Bruno Okafor (bokafor): emails: "bruno.okafor@site102.example.org" -> "b.okafor@site102.example.org"
ROLE_CHANGE Dmitri Lindqvist (dlindqvist): DEMO-01 (Production): "Data Manager Rights" -> "Medical Monitor"
STATUS_CHANGE Hana Sato (hsato): status: "Deactivated" -> "Available"
ROLE_CHANGE Mia Fischer (mfischer): DEMO-01 (Production)-Tokyo Demo Hospital: "Sponsor CRA Rights" -> ""
USER_ADDED Priya Nair (pnair)
ROLE_CHANGE Priya Nair (pnair): DEMO-01 (Production)-Springfield Demo Clinic: "" -> "Clinical Research Coordinator"
`
	if code != 1 || text != want {
		t.Errorf("text: exit %d\n%s\nwant:\n%s", code, text, want)
	}

	_, js, _ := runSub("", "diff", "--key", "login", "--format", "json", a, b)
	var changes []map[string]string
	if err := json.Unmarshal([]byte(js), &changes); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, js)
	}
	if len(changes) != 7 {
		t.Fatalf("%d changes", len(changes))
	}
	for _, k := range []string{"event", "user", "target", "valueType", "old", "new"} {
		if _, ok := changes[0][k]; !ok {
			t.Errorf("JSON key %q missing", k)
		}
	}

	_, c, _ := runSub("", "diff", "--key", "login", "--format", "csv", a, b)
	recs, err := csv.NewReader(strings.NewReader(c)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], "|") != "AUDIT EVENT|DATE/TIME|TARGET OBJECT|BY|VALUE TYPE|OLD VALUE|NEW VALUE" || len(recs) != 8 {
		t.Errorf("CSV: %q", recs)
	}
	if got := strings.Join(recs[7], "|"); got != "ROLE_CHANGE||Priya Nair (pnair)||DEMO-01 (Production)-Springfield Demo Clinic||Clinical Research Coordinator" {
		t.Errorf("CSV row: %s", got)
	}

	// No differences: JSON says [] and CSV has only its header.
	if _, js, _ := runSub("", "diff", "--format", "json", a, diffDir+"reordered.xml"); js != "[]\n" {
		t.Errorf("JSON without changes: %q", js)
	}
}

// TestDiffOptions checks the flags that change what counts.
func TestDiffOptions(t *testing.T) {
	a, b := diffDir+"inform.xml", diffDir+"rave.xml"
	lines := func(args ...string) []string {
		_, out, stderr := runSub("", "diff", args...)
		// rave.xml has reader quirks (empty Fax elements), listed as warnings.
		if strings.Contains(stderr, "error") {
			t.Fatalf("diff %q: %s", args, stderr)
		}
		return strings.Split(strings.TrimSpace(out), "\n")
	}
	if n := len(lines("--key", "login", "--all-fields", a, b)); n <= 7 {
		t.Errorf("--all-fields adds vendor fields: %d lines", n)
	}
	if got := lines("--key", "login", "--roles", "name", a, b); !strings.Contains(strings.Join(got, "\n"), `"Site Investigator Rights" -> "Investigator"`) {
		t.Errorf("--roles name compares role names:\n%s", strings.Join(got, "\n"))
	}
	if got := lines("--key", "login", "--exact", a, b); !strings.Contains(strings.Join(got, "\n"), "displayName") {
		t.Errorf("--exact makes white space count:\n%s", strings.Join(got, "\n"))
	}
	// By OID the InForm users (U100x) and the Rave users (their logins) pair up with nobody.
	added := 0
	for _, l := range lines(a, b) {
		if strings.HasPrefix(l, "USER_ADDED") {
			added++
		}
	}
	if added != 6 {
		t.Errorf("by OID: %d added, want 6", added)
	}
}

// TestDiffInputs compares an export with the JSON "map --to json" wrote of it, and writes
// the result to a file with -o.
func TestDiffInputs(t *testing.T) {
	dir := t.TempDir()
	js := filepath.Join(dir, "inform.json")
	if code, _, stderr := runSub("", "map", "--quiet", "-o", js, diffDir+"inform.xml"); code != 0 {
		t.Fatalf("map: %s", stderr)
	}
	if code, out, stderr := runSub("", "diff", diffDir+"reordered.xml", js); code != 0 {
		t.Errorf("ODM vs its JSON directory: exit %d\n%s%s", code, out, stderr)
	}
	out := filepath.Join(dir, "changes.csv")
	if code, stdout, _ := runSub("", "diff", "--key", "login", "--format", "csv", "-o", out, js, diffDir+"rave.xml"); code != 1 || stdout != "" {
		t.Errorf("-o: exit %d, stdout %q", code, stdout)
	}
	if b, err := os.ReadFile(out); err != nil || !strings.HasPrefix(string(b), "AUDIT EVENT,") {
		t.Errorf("-o file: %v %q", err, b)
	}
	// Two Clinical One templates: Rows of one study.
	up := filepath.Join(dir, "a.csv")
	os.WriteFile(up, []byte("First Name,Last Name,Email,User Name,Start Date,Study Role,Sites\nAda,Fictus,ada@example.org,afict,05-Jan-2026,Site User,S1\n"), 0o644)
	up2 := filepath.Join(dir, "b.csv")
	os.WriteFile(up2, []byte("First Name,Last Name,Email,User Name,Start Date,Study Role,Sites\nAda,Fictus,ada@example.org,afict,06-Jan-2026,Site User,S1\n"), 0o644)
	code, stdout, _ := runSub("", "diff", "--study", "DEMO", up, up2)
	if code != 1 || stdout != `ROLE_CHANGE Ada Fictus (afict): DEMO (Production)-S1: "Site User from 2026-01-05" -> "Site User from 2026-01-06"`+"\n" {
		t.Errorf("CSV inputs: exit %d\n%s", code, stdout)
	}
}
