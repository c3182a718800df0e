package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/odmadmin/odmadmin/internal/testenv"
	"github.com/odmadmin/odmadmin/odm"
)

// runCheckCmd runs "odmadmin check ARGS" in-process through the command table, as main does.
func runCheckCmd(stdin string, args ...string) (code int, stdout, stderr string) {
	return runCmd(strings.NewReader(stdin), append([]string{"check"}, args...)...)
}

const checkDir = "testdata/check/"

func TestCheckExitCodes(t *testing.T) {
	clean, err := os.ReadFile(checkDir + "clean.xml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args   []string
		stdin  string
		want   int
		reason string
	}{
		{[]string{checkDir + "clean.xml"}, "", 0, "a consistent file"},
		{[]string{"--format", "json", checkDir + "clean.xml"}, "", 0, "a consistent file, JSON"},
		{[]string{checkDir + "warnings.xml"}, "", 0, "warnings alone do not fail"},
		{[]string{checkDir + "errors.xml"}, "", 1, "errors fail"},
		{[]string{checkDir + "errors.xml", "--format", "json"}, "", 1, "flags after the file, JSON"},
		{[]string{checkDir + "series.xml"}, "", 1, "an unresolved reference in a Snapshot is an error"},
		{[]string{"--series", checkDir + "series.xml"}, "", 0, "with --series it is a warning"},
		{[]string{"-"}, string(clean), 0, "stdin named -"},
		{nil, string(clean), 0, "stdin by default"},
		{[]string{checkDir + "broken.xml"}, "", 2, "malformed XML cannot be read"},
		{[]string{checkDir + "does-not-exist.xml"}, "", 2, "a missing file cannot be read"},
		{nil, "not xml at all", 2, "stdin that is not XML"},
		{[]string{"--format", "yaml", checkDir + "clean.xml"}, "", 2, "an unknown format"},
		{[]string{checkDir + "clean.xml", checkDir + "errors.xml"}, "", 1, "two files are checked together; one has errors"},
		{[]string{checkDir + "clean.xml", checkDir + "does-not-exist.xml"}, "", 2, "one of two files cannot be read"},
		{[]string{"-", "-"}, string(clean), 2, "stdin named twice"},
		{[]string{"--frobnicate", checkDir + "clean.xml"}, "", 2, "an unknown flag"},
		{[]string{"--help"}, "", 0, "help"},
	} {
		code, _, stderr := runCheckCmd(tc.stdin, tc.args...)
		if code != tc.want {
			t.Errorf("check %q: exit %d, want %d (%s)\nstderr: %s", tc.args, code, tc.want, tc.reason, stderr)
		}
	}
}

// TestCheckText pins the text format: FILE:LINE:COL: SEVERITY CODE: message, and the
// summary on stderr only when a code repeats.
func TestCheckText(t *testing.T) {
	code, stdout, stderr := runCheckCmd("", checkDir+"errors.xml")
	f := checkDir + "errors.xml"
	want := f + ":8:5: warning admin.investigatorWithoutLocation: User USR.1: Investigator has no LocationRef\n" +
		f + ":10:7: warning admin.consecutiveSpaces: FullName contains consecutive spaces\n" +
		f + ":11:7: error admin.invalidEmail: User USR.1: Email is not an e-mail address\n" +
		f + ":12:7: warning admin.invalidPhone: User USR.1: Phone is not a phone number\n" +
		f + ":14:5: error admin.invalidUserType: User USR.2: UserType \"Auditor\" is not one of Sponsor, Investigator, Lab, Other (ODM 1.3)\n" +
		f + ":15:7: error admin.loginNameNotUnique: User USR.2: LoginName is the same as that of User USR.1 (line 8), ignoring case\n" +
		f + ":16:7: error admin.danglingLocationRef: User USR.2: LocationRef names Location SITE.404, which is not defined\n"
	if code != 1 || stdout != want || stderr != "" {
		t.Errorf("exit %d\nstdout:\n%s\nwant:\n%s\nstderr: %s", code, stdout, want, stderr)
	}
	if code, stdout, _ := runCheckCmd("", checkDir+"clean.xml"); code != 0 || stdout != "" {
		t.Errorf("clean file: exit %d, stdout %q; want 0 and nothing", code, stdout)
	}
}

// checkJSON is the promised JSON shape; Value is a pointer to tell "absent" from "".
type checkJSON struct {
	File     string  `json:"file"`
	Col      int     `json:"col"`
	Severity string  `json:"severity"`
	Code     string  `json:"code"`
	Line     *int    `json:"line"`
	Message  string  `json:"message"`
	Value    *string `json:"value"`
}

func decodeCheckJSON(t *testing.T, stdout string) []checkJSON {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	var out []checkJSON
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("not a JSON array of findings: %v\n%s", err, stdout)
	}
	if out == nil {
		t.Fatalf("null instead of an array: %s", stdout)
	}
	return out
}

func TestCheckJSON(t *testing.T) {
	if code, stdout, _ := runCheckCmd("", "--format", "json", checkDir+"clean.xml"); code != 0 || stdout != "[]\n" {
		t.Errorf("clean file: exit %d, stdout %q; want 0 and []", code, stdout)
	}
	code, stdout, _ := runCheckCmd("", "--format", "json", checkDir+"errors.xml")
	got := decodeCheckJSON(t, stdout)
	if code != 1 || len(got) != 7 {
		t.Fatalf("exit %d, %d findings; want 1 and 7\n%s", code, len(got), stdout)
	}
	var lines []int
	for _, f := range got {
		if f.Line == nil || f.Col <= 0 || f.File != checkDir+"errors.xml" || f.Value != nil || f.Message == "" || !strings.HasPrefix(f.Code, "admin.") ||
			(f.Severity != "error" && f.Severity != "warning") {
			t.Errorf("malformed finding %+v", f)
			continue
		}
		lines = append(lines, *f.Line)
	}
	if want := []int{8, 10, 11, 12, 14, 15, 16}; !slices.Equal(lines, want) {
		t.Errorf("lines %v, want %v", lines, want)
	}
	if got[2].Code != "admin.invalidEmail" || got[2].Severity != "error" {
		t.Errorf("third finding %+v, want the invalid e-mail error", got[2])
	}

	_, stdout, _ = runCheckCmd("", "--format", "json", "--values", checkDir+"errors.xml")
	for _, f := range decodeCheckJSON(t, stdout) {
		if f.Code == "admin.invalidEmail" && (f.Value == nil || *f.Value != "xiadani.quispe@clinic") {
			t.Errorf("--values: invalid e-mail finding without its value: %+v", f)
		}
	}
}

// TestCheckNoPersonalData: without --values neither format shows a name, login name,
// e-mail address or phone number of the fixture; with --values they appear as values.
func TestCheckNoPersonalData(t *testing.T) {
	personal := []string{"Xiadani", "Quispe", "xiadani.quispe", "clinic", "mobile"}
	for _, format := range []string{"text", "json"} {
		_, stdout, stderr := runCheckCmd("", "--format", format, checkDir+"errors.xml")
		for _, p := range personal {
			if strings.Contains(strings.ToLower(stdout+stderr), strings.ToLower(p)) {
				t.Errorf("%s output contains %q:\n%s", format, p, stdout)
			}
		}
		_, stdout, _ = runCheckCmd("", "--format", format, "--values", checkDir+"errors.xml")
		if !strings.Contains(stdout, "xiadani.quispe@clinic") {
			t.Errorf("%s output with --values lacks the e-mail value:\n%s", format, stdout)
		}
	}
}

// TestCheckUnreadable: exit 2 and odm's message on one line, nothing on stdout.
func TestCheckUnreadable(t *testing.T) {
	code, stdout, stderr := runCheckCmd("", checkDir+"broken.xml")
	want := "odmadmin check: " + checkDir + "broken.xml:5:3: odm: malformed XML: end tag </AdminData> does not match <User>\n"
	if code != 2 || stdout != "" || stderr != want {
		t.Errorf("exit %d\nstdout %q\nstderr %q\nwant   %q", code, stdout, stderr, want)
	}
	code, _, stderr = runCheckCmd("", checkDir+"does-not-exist.xml")
	if code != 2 || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "odmadmin check: ") {
		t.Errorf("missing file: exit %d, stderr %q; want 2 and one line", code, stderr)
	}
}

// TestCheckNegativeSamples runs the command over the shared negative samples: both have
// errors, and every line cites a line of the file.
func TestCheckNegativeSamples(t *testing.T) {
	for _, tc := range []struct {
		path  string
		codes []string
	}{
		{"reference/samples/negative/odm132-admindata-xsd-valid-but-inconsistent.xml",
			[]string{"admin.danglingStudyOID", "admin.danglingLocationRef", "admin.invalidCountry", "admin.invalidEmail", "admin.invalidPhone",
				"admin.loginNameNotUnique", "admin.danglingMetaDataVersionRef", "admin.effectiveDateOrder", "admin.danglingUserRef", "admin.investigatorWithoutLocation"}},
		{"reference/samples/negative/odm132-admindata-schema-invalid-producer-bugs.xml",
			[]string{"admin.elementOrder", "admin.effectiveDateTime", "admin.missingMetaDataVersionRef", "admin.missingAttribute", "admin.unexpectedText"}},
	} {
		path := testenv.Shared(t, tc.path)
		code, stdout, stderr := runCheckCmd("", "--format", "json", path)
		if code != 1 {
			t.Errorf("%s: exit %d, want 1\n%s", tc.path, code, stderr)
		}
		got := map[string]bool{}
		for _, f := range decodeCheckJSON(t, stdout) {
			got[f.Code] = true
			if *f.Line <= 0 {
				t.Errorf("%s: finding without a line: %+v", tc.path, f)
			}
		}
		for _, c := range tc.codes {
			if !got[c] {
				t.Errorf("%s: no %s finding", tc.path, c)
			}
		}
	}
}

// TestCheckSeveralFiles checks Rave's Users.odm, Sites.odm and the study file alone and
// together: references resolve across the files given, an export without its Study relaxes
// only what no file given can resolve, and the note says how to pass the study file.
func TestCheckSeveralFiles(t *testing.T) {
	users, sites, study := checkDir+"Users.odm", checkDir+"Sites.odm", checkDir+"study.xml"
	for _, tc := range []struct {
		args      []string
		exit      int
		want, not []string
		note      bool
		reason    string
	}{
		{[]string{users}, 0, []string{users + ":10:7: warning admin.danglingLocationRef", "(a partial export: the file holds no Location)",
			users + ":4:3: warning admin.danglingStudyOID"}, nil, true,
			"Users.odm alone: its LocationRefs and StudyOID point into files not given"},
		{[]string{users, sites}, 0, []string{sites + ":6:7: warning admin.danglingMetaDataVersionRef", "none of the files holds a Study"},
			[]string{"danglingLocationRef"}, true,
			"with Sites.odm the LocationRefs resolve; the Study is still elsewhere"},
		{[]string{users, sites, study}, 0, nil, []string{"dangling"}, false,
			"with the study file every reference resolves"},
		{[]string{users, study}, 1, []string{users + ":10:7: error admin.danglingLocationRef: User mtalve: LocationRef names Location 801, which is not defined"}, nil, false,
			"a Study is given, so the export counts as complete: the missing Sites.odm is an error"},
		{[]string{sites, users, study}, 0, nil, []string{"dangling"}, false,
			"the order of the files does not matter: a reference may point into a later file"},
	} {
		code, out, errs := runCheckCmd("", tc.args...)
		if code != tc.exit {
			t.Errorf("%s: exit %d, want %d\n%s%s", tc.reason, code, tc.exit, out, errs)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %q in\n%s", tc.reason, w, out)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(out, w) {
				t.Errorf("%s: %q in\n%s", tc.reason, w, out)
			}
		}
		if got := strings.Contains(errs, "pass the study file too: odmadmin check Users.odm Sites.odm study.xml"); got != tc.note {
			t.Errorf("%s: note %v, want %v\n%s", tc.reason, got, tc.note, errs)
		}
	}
}

// TestCheckStdinTwoPasses: stdin is read twice through a temporary copy, so a check of
// stdin finds what a check of the file finds.
func TestCheckStdinTwoPasses(t *testing.T) {
	b, err := os.ReadFile(checkDir + "errors.xml")
	if err != nil {
		t.Fatal(err)
	}
	_, fromFile, _ := runCheckCmd("", checkDir+"errors.xml")
	_, fromStdin, _ := runCheckCmd(string(b), "-")
	if want := strings.ReplaceAll(fromFile, checkDir+"errors.xml", "<stdin>"); fromStdin != want || fromStdin == "" {
		t.Errorf("stdin:\n%s\nfile:\n%s", fromStdin, want)
	}
}

// TestHasStartTag pins what counts as a Study start tag for a partial export.
func TestHasStartTag(t *testing.T) {
	for _, tc := range []struct {
		in     string
		want   bool
		reason string
	}{
		{`<Study OID="S">`, true, "a plain start tag"},
		{`<odm:Study>`, true, "a prefixed start tag"},
		{"<Study\n OID=\"S\"/>", true, "a line break after the name"},
		{`<Study/>`, true, "an empty element"},
		{`<AdminData StudyOID="S">`, false, "an attribute name that starts with Study"},
		{`<pf:StudyLocale>`, false, "a longer element name"},
		{`</Study>`, false, "an end tag alone"},
		{`Study `, false, "the word in text"},
		{`<1x:Study>`, false, "a prefix starting with a digit"},
		{`<:Study>`, false, "an empty prefix"},
		{`<Study`, false, "cut at the end: the next write completes it"},
	} {
		if got := hasStartTag([]byte(tc.in), "Study"); got != tc.want {
			t.Errorf("%q: %v, want %v (%s)", tc.in, got, tc.want, tc.reason)
		}
	}
}

// TestCheckJSONForm: the JSON form of convert is converted to XML as it is read and checked
// like the XML it came from: the same findings, cited in the XML written from the JSON (a
// comment before the root stands on another line there, so lines are not compared).
func TestCheckJSONForm(t *testing.T) {
	lineRefs := regexp.MustCompile(`\(line [0-9]+\)`)
	src := checkDir + "errors.xml"
	code, js, errs := runCmd(nil, "convert", "--to", "json", src)
	if code != 0 {
		t.Fatalf("convert: exit %d %s", code, errs)
	}
	p := writeFile(t, t.TempDir(), "errors.json", []byte(js))
	wantCode, want, _ := runCheckCmd("", src)
	gotCode, got, _ := runCheckCmd("", p)
	strip := func(out string) (msgs []string) {
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if _, m, ok := strings.Cut(l, ": "); ok {
				msgs = append(msgs, lineRefs.ReplaceAllString(m, "(line N)"))
			}
		}
		return msgs
	}
	if gotCode != wantCode || !slices.Equal(strip(got), strip(want)) || len(strip(got)) < 5 {
		t.Errorf("JSON: exit %d\n%s\nXML: exit %d\n%s", gotCode, got, wantCode, want)
	}
}

// TestCheckPagesMerged: the pages of one user download repeat users; check treats a user
// in several files as one (as map, diff and plan merge them), so the repeat is no error,
// and a value the pages give differently is an admin.mergeConflict warning at the later
// page's value, naming the earlier page, counted on stderr when it repeats.
func TestCheckPagesMerged(t *testing.T) {
	dir := t.TempDir()
	page := func(name string, users ...string) string {
		p := dir + "/" + name
		src := `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00" ODMVersion="1.3">
<AdminData>
` + strings.Join(users, "\n") + `
</AdminData>
</ODM>
`
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ana := `<User OID="U1" pf:Active="Yes"><LoginName>afict</LoginName><FirstName>Ana</FirstName><LastName>Fictus</LastName></User>`
	bo := `<User OID="U2" pf:Active="Yes"><LoginName>bsample</LoginName><FirstName>Bo</FirstName><LastName>Sample</LastName></User>`
	p1 := page("page1.xml", ana, bo)
	p2 := page("page2.xml", ana)
	p3 := page("page3.xml", strings.Replace(ana, ">Ana<", ">Anna<", 1), strings.Replace(strings.Replace(bo, ">Bo<", ">Bob<", 1), ">Sample<", ">Samples<", 1))
	for _, tc := range []struct {
		args      []string
		want, not []string
		summary   string
		reason    string
	}{
		{[]string{p1, p2}, nil, []string{"oidNotUnique", "loginNameNotUnique", "mergeConflict"}, "",
			"two pages that repeat a user: one user, no error, no conflict"},
		{[]string{p1, p2, p3}, []string{
			p3 + ":4:60: warning admin.mergeConflict: User U1: FirstName differs from that of the same user in " + p1 + " (line 4)",
			p3 + ":5:62: warning admin.mergeConflict: User U2: FirstName differs",
			p3 + ":5:88: warning admin.mergeConflict: User U2: LastName differs"},
			[]string{"oidNotUnique", "Anna", "Bob"}, "3 warning admin.mergeConflict",
			"a page with other names: one warning per value at the value, naming the page kept, the count on stderr, no names"},
	} {
		code, out, errs := runCheckCmd("", tc.args...)
		if code != 0 {
			t.Errorf("%s: exit %d, want 0 (conflicts are warnings)\n%s%s", tc.reason, code, out, errs)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %q in\n%s", tc.reason, w, out)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(out, w) {
				t.Errorf("%s: %q in\n%s", tc.reason, w, out)
			}
		}
		if tc.summary != "" && !strings.Contains(errs, tc.summary) {
			t.Errorf("%s: no %q in stderr\n%s", tc.reason, tc.summary, errs)
		}
	}
}

// TestCheckWithTable: a user table among check's files (e-mail addresses or logins by OID)
// is read as map reads it and its users are compared with the export's by the identity
// rules; it adds without conflict, a value it gives differently is admin.mergeConflict,
// and a table alone is a usage error (check reads ODM).
func TestCheckWithTable(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := dir + "/" + name
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	users := checkDir + "Users.odm"
	other := write("names.csv", "User OID,Login,First Name\nmtalve,mtalve,Myra\n")
	for _, tc := range []struct {
		args   []string
		exit   int
		want   []string
		not    []string
		reason string
	}{
		{[]string{users, checkDir + "emails.csv"}, 0, nil, []string{"mergeConflict", "error"},
			"a table adding e-mail addresses by OID: no conflict"},
		{[]string{users, other}, 0, []string{other + ": warning admin.mergeConflict: User mtalve: FirstName differs from that of the same user in " + users + " (line 5)"},
			[]string{"Myra"}, "another first name in the table: a warning naming the export's line, no name"},
		{[]string{other, users}, 0, []string{users + ":7:7: warning admin.mergeConflict: User mtalve: FirstName differs from that of the same user in " + other},
			nil, "the table first: the export's value is the one dropped"},
		{[]string{other}, 2, nil, nil, "a table alone: check reads ODM"},
	} {
		code, out, errs := runCheckCmd("", tc.args...)
		if code != tc.exit {
			t.Errorf("%s: exit %d, want %d\n%s%s", tc.reason, code, tc.exit, out, errs)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %q in\n%s", tc.reason, w, out)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(out, w) {
				t.Errorf("%s: %q in\n%s", tc.reason, w, out)
			}
		}
	}
}

// TestCheckTableOnStdin: a user table given on stdin ("-") beside the export is read as
// the same table in a file (copied to a temporary file first, then as compact records):
// the same findings, exit status and warnings, but for the input's name.
func TestCheckTableOnStdin(t *testing.T) {
	users := checkDir + "Users.odm"
	other := filepath.Join(t.TempDir(), "names.csv")
	if err := os.WriteFile(other, []byte("User OID,Login,First Name\nmtalve,mtalve,Myra\nnobody,,Nemo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{checkDir + "emails.csv", other} {
		data, err := os.ReadFile(table)
		if err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{users, table}, {table, users}} {
			code, out, errs := runCheckCmd("", args...)
			stdinArgs := slices.Clone(args)
			stdinArgs[slices.Index(args, table)] = "-"
			scode, sout, serrs := runCheckCmd(string(data), stdinArgs...)
			sout, serrs = strings.ReplaceAll(sout, "<stdin>", table), strings.ReplaceAll(serrs, "<stdin>", table)
			if scode != code || sout != out || serrs != errs {
				t.Errorf("check %v: from stdin exit %d, from the file %d\nstdin:\n%s%s\nfile:\n%s%s", args, scode, code, sout, serrs, out, errs)
			}
		}
	}
}

// TestCheckTablesAloneNotRead: given user tables only, check says that it reads ODM
// files before reading them: a table broken further on (a CSV quote, a directory JSON cut
// short) is not reported, since it is never read. Standard input is read as before.
func TestCheckTablesAloneNotRead(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "t.csv")
	js := filepath.Join(dir, "d.json")
	if err := os.WriteFile(csv, []byte("User OID,Email\nu1,a@example.org\nu2,\"b@exa\"mple.org\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(js, []byte(`{"studies":[{"id":"S"}],"users":[{"id":"u1",`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{csv}, {js}, {csv, js}} {
		code, out, errs := runCheckCmd("", args...)
		if code != 2 || !strings.Contains(errs, noODMFiles) || strings.Contains(errs, "quoted-field") || strings.Contains(errs, "EOF") || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and only the usage error", args, code, out, errs)
		}
	}
	// From standard input the kind is learnt by reading: the table is read, and its
	// error is the one reported.
	data, _ := os.ReadFile(csv)
	if code, _, errs := runCheckCmd(string(data), "-"); code != 2 || !strings.Contains(errs, "quoted-field") {
		t.Errorf("stdin: exit %d, stderr %q; want 2 and the table's error", code, errs)
	}
}

// TestCheckWithTableCompact: a Clinical One template (CSV or .xlsx) or a directory JSON
// given as a file is held as compact records and built again for each pass; what the
// check says is what it says of the same table read whole (from stdin). Each table is
// checked as written and with one person's first name changed, so that a conflict is
// found too.
func TestCheckWithTableCompact(t *testing.T) {
	dir := t.TempDir()
	users := checkDir + "Users.odm"
	var tables []string
	for _, to := range []string{"csv", "xlsx", "json"} {
		out := filepath.Join(dir, "users."+to)
		if code, _, errs := runCmd(nil, "map", "--to", to, "--quiet", "-o", out, users); code != 0 {
			t.Fatalf("map --to %s: exit %d: %s", to, code, errs)
		}
		tables = append(tables, out)
		if to == "xlsx" {
			continue
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		changed := strings.Replace(string(data), "Otto", "Ottokar", 1)
		if changed == string(data) {
			t.Fatalf("%s: no first name to change", out)
		}
		alt := filepath.Join(dir, "changed."+to)
		if err := os.WriteFile(alt, []byte(changed), 0o644); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, alt)
	}
	conflicts := 0
	for _, table := range tables {
		data, err := os.ReadFile(table)
		if err != nil {
			t.Fatal(err)
		}
		for _, order := range [][2]string{{users, table}, {table, users}} {
			code, out, errs := runCheckCmd("", "--format", "json", order[0], order[1])
			stdinArgs := []string{"--format", "json", order[0], "-"}
			if order[0] == table {
				stdinArgs = []string{"--format", "json", "-", order[1]}
			}
			wcode, wout, werrs := runCheckCmd(string(data), stdinArgs...)
			wout, werrs = strings.ReplaceAll(wout, "<stdin>", table), strings.ReplaceAll(werrs, "<stdin>", table)
			if code != wcode || out != wout || errs != werrs {
				t.Errorf("%v: compact: exit %d\n%s%s\nwhole: exit %d\n%s%s", order, code, out, errs, wcode, wout, werrs)
			}
			conflicts += strings.Count(out, "admin.mergeConflict")
		}
	}
	if conflicts == 0 {
		t.Error("no conflict found in any order: the changed tables should differ from the export")
	}
}

// TestCheckPartialExportEncodings: a partial export is told by its text, not its bytes. The
// same Users.odm in UTF-16 (either byte order, with a byte-order mark) gives what it gives
// in UTF-8: warnings and exit 0, where a scan of the raw bytes found no vendor namespace
// and kept the references errors (exit 1). From a file and from stdin (a temporary copy).
func TestCheckPartialExportEncodings(t *testing.T) {
	src, err := os.ReadFile(checkDir + "Users.odm")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(src), `encoding="UTF-8"`, `encoding="UTF-16"`, 1)
	encode16 := func(bom []byte, big bool) []byte {
		out := append([]byte(nil), bom...)
		for _, c := range utf16.Encode([]rune(text)) {
			if big {
				out = append(out, byte(c>>8), byte(c))
			} else {
				out = append(out, byte(c), byte(c>>8))
			}
		}
		return out
	}
	wantCode, want, wantErr := runCheckCmd("", checkDir+"Users.odm")
	if wantCode != 0 || !strings.Contains(want, "(a partial export: the file holds no Location)") {
		t.Fatalf("UTF-8: exit %d, want 0 and the partial export's warnings\n%s%s", wantCode, want, wantErr)
	}
	want = strings.ReplaceAll(want, checkDir+"Users.odm", "Users.odm")
	dir := t.TempDir()
	for _, tc := range []struct {
		name   string
		body   []byte
		reason string
	}{
		{"utf8bom", append([]byte{0xEF, 0xBB, 0xBF}, src...), "UTF-8 with a byte-order mark"},
		{"utf16le", encode16([]byte{0xFF, 0xFE}, false), "UTF-16LE with a byte-order mark: the tags are bytes apart"},
		{"utf16be", encode16([]byte{0xFE, 0xFF}, true), "UTF-16BE with a byte-order mark"},
		{"utf16le-nobom", encode16(nil, false), "UTF-16LE told from its first bytes"},
	} {
		sub := filepath.Join(dir, tc.name)
		if err := os.Mkdir(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		p := writeFile(t, sub, "Users.odm", tc.body)
		for _, from := range []string{"file", "stdin"} {
			var code int
			var out, errs string
			if from == "file" {
				code, out, errs = runCheckCmd("", p)
				out = strings.ReplaceAll(out, p, "Users.odm")
			} else {
				code, out, errs = runCheckCmd(string(tc.body), "-")
				out = strings.ReplaceAll(out, "<stdin>", "Users.odm")
			}
			if code != wantCode || out != want {
				t.Errorf("%s, %s: exit %d, want %d\n%s\nwant\n%s%s", tc.reason, from, code, wantCode, out, want, errs)
			}
		}
	}
}

// TestTagScanChunks: tagScan finds a Study or Location start tag and a vendor namespace
// wherever the writes split the text (a tag or a namespace across two writes, writes
// shorter than the seam it keeps), as in the text whole; and it scans a write in place,
// allocating nothing for it.
func TestTagScanChunks(t *testing.T) {
	pad := strings.Repeat("<User OID=\"u\"><LoginName>x</LoginName></User>\n", 40)
	for _, tc := range []struct {
		reason                  string
		doc                     string
		study, location, vendor bool
	}{
		{"none", pad, false, false, false},
		{"a Study at the start", `<Study OID="S">` + pad, true, false, false},
		{"a prefixed Location after the users", pad + `<odm:Location OID="L"/>`, false, true, false},
		{"the InForm namespace in the middle", pad + `<x xmlns:pf="` + odm.NSInForm + `"/>` + pad, false, false, true},
		{"all three", `<ODM xmlns:mdsol="` + odm.NSRave + `">` + pad + `<Study OID="S">` + pad + "<Location\n", true, true, true},
		{"a Location cut at the very end", pad + `<Location`, false, false, false},
	} {
		for _, size := range []int{1, 3, 9, 64, 127, 128, 129, 500, len(tc.doc)} {
			p := newPartScan()
			for b := []byte(tc.doc); len(b) > 0; {
				n := min(size, len(b))
				p.tags.Write(b[:n])
				b = b[n:]
			}
			if p.study != tc.study || p.location != tc.location || p.vendor != tc.vendor {
				t.Errorf("%s, writes of %d bytes: study %v location %v vendor %v, want %v %v %v", tc.reason, size, p.study, p.location, p.vendor, tc.study, tc.location, tc.vendor)
			}
		}
	}
	p := newPartScan()
	chunk := []byte(strings.Repeat(pad, 40)) // some 75 KB without any of the three
	p.tags.Write(chunk)
	if n := testing.AllocsPerRun(20, func() { p.tags.Write(chunk) }); n != 0 {
		t.Errorf("a write of %d bytes allocated %.0f times, want 0", len(chunk), n)
	}
}
