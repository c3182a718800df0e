package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/testenv"
	"github.com/odmadmin/odmadmin/mapping"
)

// mapRun runs "odmadmin map ARGS" in-process.
func mapRun(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runCmd(strings.NewReader(stdin), append([]string{"map"}, args...)...)
}

var mapInForm = filepath.Join("testdata", "map", "inform.xml")

// TestMapJSON checks the documented JSON keys.
func TestMapJSON(t *testing.T) {
	code, out, errs := mapRun(t, "", mapInForm)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Users   []map[string]json.RawMessage `json:"users"`
		Sites   []map[string]json.RawMessage `json:"sites"`
		Studies []map[string]json.RawMessage `json:"studies"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(got.Users) != 4 || len(got.Sites) != 2 || len(got.Studies) != 1 {
		t.Fatalf("users %d sites %d studies %d", len(got.Users), len(got.Sites), len(got.Studies))
	}
	for _, k := range []string{"id", "login", "displayName", "givenName", "familyName", "emails", "phones", "status", "category", "groups", "assignments"} {
		if _, ok := got.Users[0][k]; !ok {
			t.Errorf("user key %q missing", k)
		}
	}
	var as []map[string]json.RawMessage
	if err := json.Unmarshal(got.Users[0]["assignments"], &as); err != nil || len(as) == 0 {
		t.Fatalf("assignments: %v %s", err, got.Users[0]["assignments"])
	}
	for _, k := range []string{"study", "site", "role", "scope", "environment", "from", "to"} {
		if _, ok := as[0][k]; !ok {
			t.Errorf("assignment key %q missing", k)
		}
	}
	if string(as[0]["role"]) != `{"name":"Site Investigator Rights","canonical":"Investigator"}` && !strings.Contains(string(as[0]["role"]), `"canonical": "Investigator"`) {
		t.Errorf("role: %s", as[0]["role"])
	}
	for _, k := range []string{"id", "name", "number", "country", "active"} {
		if _, ok := got.Sites[0][k]; !ok {
			t.Errorf("site key %q missing", k)
		}
	}
}

// TestMapToVendors writes every flavour and validates it.
func TestMapToVendors(t *testing.T) {
	xmllint := testenv.Xmllint(t)
	lax := testenv.Shared(t, "reference/schema/odm1-3-2-lax/ODM1-3-2-lax-extensions.xsd")
	odm2 := testenv.Shared(t, "reference/schema/odm2-0/ODM.xsd")
	cases := []struct {
		args     []string
		schema   string
		contains string
		warning  string
		reason   string
	}{
		{[]string{"--to", "odm", "--profile", "rave"}, lax, `mdsol:UserRole="Sponsor CRA Rights"`, "extension-dropped: User/@pf:DBUID", "--profile names the output flavour with --to odm"},
		{[]string{"--to", "odm2"}, odm2, `<UserName>ainvestigator</UserName>`, "unrepresentable: User/DisplayName", "1.3 → 2.0 reports DisplayName"},
		{[]string{"--to", "odm", "--profile", "openclinica"}, lax, `<AdminData StudyOID="40001">`, "unrepresentable: Assignment/Role", "sites become site studies"},
		{[]string{"--to", "odm", "--profile", "odm"}, lax, `<LocationRef LocationOID="40001"/>`, "unrepresentable: User/locale", "plain ODM 1.3.2"},
	}
	for _, c := range cases {
		out := filepath.Join(t.TempDir(), "out.xml")
		code, stdout, stderr := mapRun(t, "", append(c.args, "-o", out, mapInForm)...)
		if code != 0 || stdout != "" {
			t.Fatalf("%v: exit %d stdout %q stderr %s", c.args, code, stdout, stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(c.contains)) {
			t.Errorf("%v (%s): output lacks %q:\n%s", c.args, c.reason, c.contains, b)
		}
		if !strings.Contains(stderr, c.warning) {
			t.Errorf("%v (%s): stderr lacks warning %q:\n%s", c.args, c.reason, c.warning, stderr)
		}
		if msg, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", c.schema, out).CombinedOutput(); err != nil {
			t.Errorf("%v: invalid output: %s", c.args, msg)
		}
	}
}

// TestMapSameVendor: without --profile, --to odm writes the input's flavour back.
func TestMapSameVendor(t *testing.T) {
	code, out, errs := mapRun(t, "", "--to", "odm", mapInForm)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	// Reading warns about the input's quirks and unknown role; writing back loses nothing.
	for _, c := range []string{"unrepresentable", "extension-dropped", "approximated", "generated"} {
		if strings.Contains(errs, c) {
			t.Errorf("writing back the same vendor warned %s:\n%s", c, errs)
		}
	}
	for _, s := range []string{`pf:DBUID="30001"`, `<pf:GroupDef OID="5004"`, `<Location OID="Unknown"`, `<pf:ProductLocale xml:lang="en-US"/>`} {
		if !strings.Contains(out, s) {
			t.Errorf("lost %q", s)
		}
	}
}

func TestMapCSV(t *testing.T) {
	code, out, errs := mapRun(t, "", "--to", "csv", mapInForm)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(out, "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n") {
		t.Errorf("header: %q", out)
	}
	// CSV in, detected from its first character; JSON out; JSON back in, Rave out.
	csvIn, err := os.ReadFile(filepath.Join("testdata", "map", "users.csv"))
	if err != nil {
		t.Fatal(err)
	}
	code, js, errs := mapRun(t, string(csvIn), "--study", "C1-STUDY", "-")
	if code != 0 || !strings.Contains(js, `"study": "C1-STUDY"`) {
		t.Fatalf("csv → json: exit %d %s\n%s", code, errs, js)
	}
	code, raveOut, errs := mapRun(t, js, "--to", "odm", "--profile", "rave")
	if code != 0 || !strings.Contains(raveOut, `mdsol:UserRole="Clinical Research Associate (CRA)"`) {
		t.Fatalf("json → rave: exit %d %s\n%s", code, errs, raveOut)
	}
	// The template's sites have no study version, so no Location: odemoe's Site User
	// access there is left out (written without its sites it read back as the role at
	// every site of the study), and odemoe with it.
	if strings.Contains(raveOut, "odemoe") || !strings.Contains(errs, "Assignment/site") {
		t.Errorf("json → rave: the site-level access at sites without a Location is written, or not warned about: %s\n%s", errs, raveOut)
	}
}

func TestMapErrors(t *testing.T) {
	cases := []struct {
		args   []string
		stdin  string
		reason string
	}{
		{[]string{"--to", "xml"}, "", "unknown --to"},
		{[]string{"--profile", "nope"}, "", "unknown profile"},
		{[]string{"--to", "odm2", "--profile", "inform"}, "", "InForm is a 1.3 flavour"},
		{[]string{"--to", "odm", "--profile", "clinicalone"}, "", "the template is CSV"},
		{[]string{"does-not-exist.xml"}, "", "missing input"},
		{[]string{"a", "b"}, "", "two inputs"},
		{[]string{}, "<ODM", "truncated XML"},
		{[]string{}, "Name,Mail\n", "CSV without template columns"},
		{[]string{"--bogus"}, "", "unknown flag"},
	}
	for _, c := range cases {
		code, _, errs := mapRun(t, c.stdin, c.args...)
		if code != 2 || errs == "" {
			t.Errorf("%v (%s): exit %d, stderr %q; want 2 and a message", c.args, c.reason, code, errs)
		}
	}
	code, out, _ := mapRun(t, "", "--help")
	if code != 0 || !strings.Contains(out, "--profile is the OUTPUT flavour") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
}

var htnDemo = filepath.Join("..", "..", "testdata", "inform", "htn-demo.xml")

// TestMapToODMSameFlavour: writing back in the input's flavour patches the input: Study,
// ClinicalData and comments stay, and an unchanged file is C14N-identical.
func TestMapToODMSameFlavour(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "*", "*.xml"))
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, f := range files {
		for _, stdin := range []bool{false, true} {
			var code int
			var out, errs string
			if stdin {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				code, out, errs = mapRun(t, string(data), "--to", "odm")
			} else {
				code, out, errs = mapRun(t, "", "--to", "odm", f)
			}
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", f, code, errs)
			}
			if strings.Contains(errs, "not-carried") {
				t.Errorf("%s: same flavour reports loss: %s", f, errs)
			}
			src, _ := os.ReadFile(f)
			for _, el := range []string{"<Study ", "<ClinicalData ", "<!--"} {
				if strings.Contains(string(src), el) && !strings.Contains(out, el) {
					t.Errorf("%s (stdin %v): %q lost", f, stdin, el)
				}
			}
			c14nEqual(t, f, []byte(out))
		}
	}
}

// c14nEqual compares a document with a file under xmllint --exc-c14n (skipped without xmllint).
func c14nEqual(t *testing.T, file string, got []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Log("xmllint not found; C14N comparison skipped")
		return
	}
	tmp := filepath.Join(t.TempDir(), "out.xml")
	if err := os.WriteFile(tmp, got, 0o644); err != nil {
		t.Fatal(err)
	}
	a, err1 := exec.Command(xmllint, "--exc-c14n", file).Output()
	b, err2 := exec.Command(xmllint, "--exc-c14n", tmp).Output()
	if err1 != nil || err2 != nil {
		t.Fatalf("xmllint: %v %v", err1, err2)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("%s: not C14N-identical after map --to odm", file)
	}
}

// TestMapToOtherFlavourReports: a write into another flavour names what it does not carry.
func TestMapToOtherFlavourReports(t *testing.T) {
	for _, args := range [][]string{{"--to", "odm2"}, {"--to", "odm", "--profile", "rave"}} {
		code, out, errs := mapRun(t, "", append(args, htnDemo)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		if strings.Contains(out, "<Study ") {
			t.Errorf("%v: Study written into another flavour", args)
		}
		for _, w := range []string{"not-carried: ODM/Study: 1 element", "not-carried: ODM/ClinicalData: 1 element", "not-carried: comment: 2 comments"} {
			if !strings.Contains(errs, w) {
				t.Errorf("%v: no warning %q in\n%s", args, w, errs)
			}
		}
		code, _, _ = mapRun(t, "", append(args, "--strict", htnDemo)...)
		if code != 1 {
			t.Errorf("%v --strict: exit %d, want 1", args, code)
		}
	}
}

// TestMapBase: JSON edited and patched into the original with --base keeps the rest.
func TestMapBase(t *testing.T) {
	code, js, errs := mapRun(t, "", htnDemo)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	edited := strings.Replace(js, `"givenName": "Ada"`, `"givenName": "Adina"`, 1)
	if edited == js {
		t.Fatal("fixture changed: no givenName Ada")
	}
	code, out, errs := mapRun(t, edited, "--to", "odm", "--base", htnDemo)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"<Study ", "<ClinicalData ", "<FirstName>Adina</FirstName>"} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q", want)
		}
	}
	// Unchanged JSON patched into its source gives the source back.
	code, out, errs = mapRun(t, js, "--to", "odm", "--base", htnDemo)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	c14nEqual(t, htnDemo, []byte(out))
	if code, _, errs := mapRun(t, js, "--to", "odm2", "--base", htnDemo); code != 2 || !strings.Contains(errs, "not the output flavour") {
		t.Errorf("--base of another flavour: exit %d %s", code, errs)
	}
}

// TestMapBaseQuirksNamed: what odm's reader finds irregular in --base FILE (an element
// ODM does not define in a User) is reported under FILE's name and place, whichever way
// the input is read: it was not reported at all (only the input's reading was).
func TestMapBaseQuirksNamed(t *testing.T) {
	data, err := os.ReadFile(htnDemo)
	if err != nil {
		t.Fatal(err)
	}
	const at = "<LastName>Morel</LastName>"
	if !bytes.Contains(data, []byte(at)) {
		t.Fatal("fixture changed: no " + at)
	}
	base := fileWriter(t, t.TempDir())("base.xml", bytes.Replace(data, []byte(at), []byte(at+"<Bogus/>"), 1))
	code, js, errs := mapRun(t, "", htnDemo)
	if code != 0 {
		t.Fatalf("map --to json: exit %d: %s", code, errs)
	}
	for _, run := range []struct {
		name, stdin string
		args        []string
	}{
		{"streamed", "", []string{"--to", "odm", "--base", base, htnDemo}},
		{"json", js, []string{"--to", "odm", "--base", base}},
		{"whole", "", []string{"--to", "odm", "--base", base, htnDemo, htnDemo}},
	} {
		code, _, errs := mapRun(t, run.stdin, run.args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", run.name, code, errs)
		}
		if want := base + ":24:33: warning mapping.quirk"; !strings.Contains(errs, want+": element Bogus is not defined inside User") {
			t.Errorf("%s: no %q (element Bogus) in\n%s", run.name, want, errs)
		}
	}
}

// TestMapBaseOpenClinicaLacksSiteStudy: map --to odm --profile openclinica --base FILE
// with another export that has a site study (a site) the base lacks: OpenClinica holds a
// site as a Study and the patch adds none, so the site, and the access at it, are not
// written. They were left out without a word; now each is a warning, with the input read
// as a stream (the OpenClinica file), whole (with a second input) or from its JSON. The
// warnings are about the base, and name it: they named the input, which has the site.
func TestMapBaseOpenClinicaLacksSiteStudy(t *testing.T) {
	base := filepath.Join("..", "..", "testdata", "openclinica", "demo-site-studies.xml")
	data, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	oc := string(data)
	const user = `<User OID="USR_4">`
	i, j := strings.Index(oc, "  <AdminData"), strings.Index(oc, "  <ClinicalData")
	k := strings.Index(oc, user)
	if i < 0 || j < 0 || k < 0 {
		t.Fatal("fixture changed: no AdminData, ClinicalData or USR_4")
	}
	person := oc[k : k+strings.Index(oc[k:], "</User>")+len("</User>")]
	// The other export: the base and a site study S_SITE_DE02 with USR_4 in its AdminData.
	other := oc[:i] + `  <Study OID="S_SITE_DE02"><GlobalVariables><StudyName>Demo - DE02</StudyName><StudyDescription/><ProtocolName>DE02</ProtocolName></GlobalVariables>` +
		`<MetaDataVersion OID="v1.0.0" Name="v1.0.0"><Include StudyOID="S_DEMO" MetaDataVersionOID="v1.0.0"/></MetaDataVersion></Study>` + "\n" +
		oc[i:j] + `  <AdminData StudyOID="S_SITE_DE02">` + person + "</AdminData>\n" + oc[j:]
	in := fileWriter(t, t.TempDir())("other.xml", []byte(other))
	code, js, errs := mapRun(t, "", "--profile", "openclinica", in)
	if code != 0 {
		t.Fatalf("map --to json: exit %d: %s", code, errs)
	}
	for _, run := range []struct {
		name, stdin string
		args        []string
	}{
		{"streamed", "", []string{"--to", "odm", "--profile", "openclinica", "--base", base, in}},
		{"json", js, []string{"--to", "odm", "--profile", "openclinica", "--base", base}},
		{"whole", "", []string{"--to", "odm", "--profile", "openclinica", "--base", base, in, in}},
	} {
		code, out, errs := mapRun(t, run.stdin, run.args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", run.name, code, errs)
		}
		if strings.Contains(out, "S_SITE_DE02") {
			t.Errorf("%s: the site study written after all:\n%s", run.name, out)
		}
		for _, want := range []string{
			base + ": warning mapping.unrepresentable: Location: the document has no site study (Study) of the site's OID, and a patch adds none; the site is not written (Location S_SITE_DE02)",
			base + ": warning mapping.unrepresentable: Assignment: the document has no AdminData for the site study, and a patch adds none; access at the site is not written (Location S_SITE_DE02)",
			"2 warning mapping.unrepresentable",
		} {
			if !strings.Contains(errs, want) {
				t.Errorf("%s: no %q in\n%s", run.name, want, errs)
			}
		}
	}
}

// TestMapJSONStreamed: the JSON written user by user is what encoding/json writes whole.
func TestMapJSONStreamed(t *testing.T) {
	for _, f := range []string{htnDemo, mapInForm} {
		code, out, errs := mapRun(t, "", f)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var d mapping.Directory
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(&d); err != nil {
			t.Fatal(err)
		}
		if want.String() != out {
			t.Errorf("%s: streamed JSON is not laid out as a whole encode:\n%s", f, out)
		}
	}
}

// TestMapCSVFormulas: map --to csv neutralizes formula cells by default; --raw-csv does not.
func TestMapCSVFormulas(t *testing.T) {
	in := "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n" +
		"=1+1,Example,a@example.org,aex,01-Jan-2026,,CRA,All,\n"
	code, out, errs := mapRun(t, in, "--to", "csv", "--study", "S1")
	if code != 0 || !strings.Contains(out, "\n'=1+1,Example,") || !strings.Contains(errs, "formula-neutralized") {
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = mapRun(t, in, "--to", "csv", "--study", "S1", "--raw-csv")
	if code != 0 || !strings.Contains(out, "\n=1+1,Example,") || strings.Contains(errs, "formula-neutralized") {
		t.Errorf("--raw-csv: exit %d\n%s\n%s", code, out, errs)
	}
}

// TestMapDirectoryJSONStrict checks that a directory JSON with a key given twice (a second
// "users" would silently replace the first) or with data after the object is refused with
// exit 2 and one line that quotes no value.
func TestMapDirectoryJSONStrict(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"a second users", `{"studies":[],"sites":[],"users":[{"id":"U1","login":"ada"}],"users":[]}`, `duplicate key "users"`},
		{"a key twice in a user", `{"users":[{"id":"U1","login":"ada","login":"root"}]}`, `duplicate key "login"`},
		{"data after the object", `{"users":[]} "ada.secret@example.org"`, "after top-level value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runSub(tc.in, "map")
			if code != 2 || out != "" || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and one line with %q", code, out, stderr, tc.want)
			}
			if strings.Contains(stderr, "ada") || strings.Contains(stderr, "root") {
				t.Errorf("the message quotes a value: %q", stderr)
			}
		})
	}
}

// TestMapSpecWithStreamedOutputs: the outputs written while reading (json, the tables)
// take the whole directory when a spec is applied or a spec template is asked for, so
// that the spec is applied (it was ignored by --to json, and --spec-template failed with
// "no directory").
func TestMapSpecWithStreamedOutputs(t *testing.T) {
	in := filepath.Join("..", "..", "examples", "migration-spec", "inform-export.xml")
	spec := filepath.Join("..", "..", "examples", "migration-spec", "spec.csv")
	for _, to := range []string{"json", "csv", "oc4users"} {
		code, plain, errs := mapRun(t, "", "--to", to, in)
		if code != 0 {
			t.Fatalf("--to %s: exit %d: %s", to, code, errs)
		}
		code, mapped, errs := mapRun(t, "", "--to", to, "--spec", spec, in)
		if code != 0 {
			t.Fatalf("--to %s --spec: exit %d: %s", to, code, errs)
		}
		if mapped == plain {
			t.Errorf("--to %s: the spec changed nothing", to)
		}
		if to == "csv" && !strings.Contains(mapped, "Site User") {
			t.Errorf("--to csv --spec: no role of the spec in:\n%s", mapped)
		}
		code, tmpl, errs := mapRun(t, "", "--to", to, "--spec-template", in)
		if code != 0 || !strings.HasPrefix(tmpl, "Kind,Study,Scope,Source,Target") {
			t.Errorf("--to %s --spec-template: exit %d: %s%s", to, code, errs, tmpl)
		}
	}
}

// TestMapRoleVerbatim: an InForm role written into the Clinical One template under its
// InForm name is one warning per role name on stderr (--strict: exit 1); a spec made
// from --spec-template maps the roles and the warning goes; a same-vendor write has none.
func TestMapRoleVerbatim(t *testing.T) {
	line := mapInForm + `: warning mapping.role-verbatim: CSV/Study Role: InForm role "Site Investigator Rights" is written as it is into Clinical One, which may have no role of that name; say what it becomes in a migration spec: odmadmin map --spec-template --to csv IN > spec.csv, fill in Target, then map with --spec spec.csv (User ainvestigator)` + "\n"
	code, out, errs := mapRun(t, "", "--to", "csv", mapInForm)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, line) {
		t.Errorf("stderr lacks\n%s\nin\n%s", line, errs)
	}
	if n := strings.Count(errs, "warning mapping.role-verbatim:"); n != 3 {
		t.Errorf("%d role-verbatim lines, want 3 (one per role name written: Site Investigator Rights, Sponsor CRA Rights, Trial Data Wranglers):\n%s", n, errs)
	}
	if !strings.Contains(out, ",Site Investigator Rights,") {
		t.Errorf("the role is still written as read:\n%s", out)
	}
	if code, _, _ := mapRun(t, "", "--to", "csv", "--strict", mapInForm); code != 1 {
		t.Errorf("--strict: exit %d, want 1", code)
	}
	if _, _, errs := mapRun(t, "", "--to", "odm", mapInForm); strings.Contains(errs, "role-verbatim") {
		t.Errorf("InForm back into InForm warned:\n%s", errs)
	}
	code, spec, errs := mapRun(t, "", "--spec-template", "--to", "csv", mapInForm)
	if code != 0 {
		t.Fatalf("--spec-template: exit %d: %s", code, errs)
	}
	// Filling in the Target the template could not suggest, as its user would.
	filled := strings.Replace(spec, "Trial Data Wranglers,,", "Trial Data Wranglers,Data Manager,", 1)
	if filled == spec {
		t.Fatalf("the template has no empty target for Trial Data Wranglers:\n%s", spec)
	}
	specFile := filepath.Join(t.TempDir(), "spec.csv")
	if err := os.WriteFile(specFile, []byte(filled), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs = mapRun(t, "", "--to", "csv", "--spec", specFile, mapInForm)
	if code != 0 {
		t.Fatalf("--spec: exit %d: %s", code, errs)
	}
	if strings.Contains(errs, "role-verbatim") || !strings.Contains(out, ",Site User,") {
		t.Errorf("with the spec the roles are Clinical One's, unreported:\n%s\n%s", errs, out)
	}
}

// TestMapSpecTemplateWarns: --spec-template reports what reading the input warned about,
// as every other output does (it wrote the template and said nothing, so a quirk of the
// file the spec was made from went unseen), and --strict fails on it. The template's own
// writing adds nothing: a role it cannot map yet is what the template is for.
func TestMapSpecTemplateWarns(t *testing.T) {
	in, err := os.ReadFile(mapInForm)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		stdin string
		args  []string
	}{
		{"file", "", []string{"--spec-template", "--to", "csv", mapInForm}},
		{"stdin", string(in), []string{"--spec-template", "--to", "csv", "-"}},
		{"odm target", "", []string{"--spec-template", "--to", "odm", mapInForm}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := mapRun(t, c.stdin, c.args...)
			if code != 0 || !strings.HasPrefix(out, "Kind,Study,Scope,Source,Target") {
				t.Fatalf("exit %d: %s%s", code, errs, out)
			}
			for _, want := range []string{
				"warning mapping.quirk: MetaDataVersionRef/@EffectiveDate is a dateTime",
				"warning mapping.unknown-role:",
			} {
				if !strings.Contains(errs, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errs)
				}
			}
			if strings.Contains(errs, "role-verbatim") || strings.Contains(errs, "unrepresentable") {
				t.Errorf("the template's writing warned as an output would:\n%s", errs)
			}
			if code, _, _ := mapRun(t, c.stdin, append([]string{"--strict"}, c.args...)...); code != 1 {
				t.Errorf("--strict: exit %d, want 1", code)
			}
		})
	}
}

// TestManyStudiesNamedBriefly: map --to csv of an export of many studies asks for one, and
// plan too; the error is one line that names the first twenty and counts the rest, where
// it listed all of them (6,000 studies: a line of 50 KB).
func TestManyStudiesNamedBriefly(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00" ODMVersion="1.3.2">`)
	for i := range 300 {
		fmt.Fprintf(&b, `<AdminData StudyOID="ST%03d"><User OID="U%03d"><LoginName>user%03d</LoginName></User></AdminData>`, i, i, i)
	}
	b.WriteString("</ODM>\n")
	dir := t.TempDir()
	f := filepath.Join(dir, "studies.xml")
	if err := os.WriteFile(f, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	upload := filepath.Join(dir, "upload.csv")
	if err := os.WriteFile(upload, []byte("First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\nUna,Example,u1@example.org,u1,02-Dec-2026,,CRA,All,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"map", "--to", "csv", f}, {"plan", "--existing", f, "--upload", upload}} {
		code, _, errs := runCmd(nil, args...)
		if code != 2 || strings.Count(strings.TrimSpace(errs), "\n") != 0 || !strings.Contains(errs, "ST000, ST001") ||
			!strings.Contains(errs, "and 280 more") || strings.Contains(errs, "ST299") || len(errs) > 400 {
			t.Errorf("odmadmin %s: exit %d, want 2 and one short line naming the first studies:\n%s", args[0], code, errs)
		}
	}
}
