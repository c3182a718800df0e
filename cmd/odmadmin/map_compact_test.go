package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestMapTableStreamsAsWhole: map of a Clinical One template (CSV, .xlsx), an OpenClinica
// 4 user table, a user table by OID or a directory JSON file holds the users as compact records and writes them one at a time to every
// output (streamTable: json, csv, xlsx, oc4users, odm, odm2, --spec-template, each with
// and without a migration spec); from stdin with env.wholeTable the same input is read whole. Both
// give the same bytes, warnings, errors and exit status for every diff fixture's template
// and JSON, the templates and JSON written to exercise the compact reading, and a JSON
// whose vendor attribute name would forge markup.
func TestMapTableStreamsAsWhole(t *testing.T) {
	t.Parallel()
	groups, extra := compactInputs(t)
	files := extra
	for _, g := range groups {
		files = append(files, g[1:]...) // the template and JSON map made of the ODM file
	}
	dir := t.TempDir()
	wb := fileWriter(t, dir)
	write := func(name, text string) string { return wb(name, []byte(text)) }
	files = append(files, write("forged.json", `{"studies":[],"sites":[],"users":[{"id":"u1","login":"a","source":{"attrs":[{"name":"x=\"1\"><evil","value":"v"}]}}]}`))
	// Two studies, the second only bruno's, whom the spec below leaves out: the template
	// without --study is refused, after the spec's warnings, unless the spec is applied
	// when the study is found.
	files = append(files, write("two-studies.json", `{"studies":[{"id":"S1"},{"id":"S2","parent":"S1"}],"sites":[{"id":"01","study":"S1"}],`+
		`"users":[{"id":"a1","login":"ada","emails":["ada@example.org"],"assignments":[{"study":"S1","site":"01","role":{"name":"Site Investigator"}}]},`+
		`{"id":"b1","login":"bruno","assignments":[{"study":"S3","role":{"name":"Monitor","canonical":"Monitor"}}]}]}`))
	// A new site that only a user's assignment puts in the base's block (its version is
	// of another study), for the InForm and Rave bases and the ODM 2.0 one.
	for _, study := range []string{"DEMO-01", "ST.DEMO-002"} {
		files = append(files, write("newsite-"+study+".json", `{"studies":[{"id":"`+study+`"}],"sites":[{"id":"Z9","name":"Zed Clinic","versions":[{"study":"OTHER","version":"v1"}]}],`+
			`"users":[{"id":"z1","login":"zed","emails":["zed@example.org"],"assignments":[{"study":"`+study+`","site":"Z9","role":{"name":"CRA","canonical":"Monitor"}}]}]}`))
	}
	// The other user tables: by OID (a row without OID, an OID given twice, whose
	// values are merged, a login differing in case) and OpenClinica 4's (an account on
	// several rows, roles by study, a time that is no time).
	files = append(files, write("users-by-oid.csv", "User OID,Login,Email,Phone,Organization,Extra\n"+
		"U1,ada,ada@example.org,555-0100,Acme,x\n"+
		",nobody,,,,\n"+
		"U2,bea,bea@example.org,,,\n"+
		"U1,ada,ada2@example.org,555-0199,Acme CRO,\n"+
		"U3,ADA,,,Case Ltd,\n"))
	files = append(files, exampleOC4(t), write("oc4-more.csv", "First,Last,Username,Email,Organization,Phone,Roles,Type,Status,Created (UTC),Updated (UTC)\n"+
		"Mara,Vellin,mvellin,mara@example.org,Acme CRO,555-0100,\"S1: Data Manager; Investigator\",Admin,Available,10-May-2018 17:57,13-Nov-2024 21:29\n"+
		"Mara,Vellin,mvellin,mara@example.org,Acme CRO,,S2: Study Monitor,Admin,Available,11-May-2018 09:00,never\n"+
		"Tomas,Irving,tirving,,Site 1,,Investigator,User,Invited,not a time,22-May-2025 11:14\n"))
	// A spec that renames a site, leaves a user out, makes logins and dates and maps a
	// role: each changes what every output writes.
	ownSpec := write("spec.csv", "Kind,Study,Scope,Source,Target,Suggested,Note\n"+
		"site,,,01,X1,,\n"+
		"site,,,02,X2,,\n"+
		"role,,,canonical:Monitor,Clinical Research Associate (CRA),,\n"+
		"role,,,Site Investigator,Site User,,\n"+
		"login,,,email-local-part,,,\n"+
		"start-date,,,,01-Jun-2026,,\n"+
		"exclude,,,bruno,,,\n"+
		"exclude,,,u1,,,\n")
	spec := exampleFile("spec.csv")
	argSets := [][]string{
		{"--to", "json"},
		{"--to", "json", "--max", "0"},
		{"--to", "json", "--strict"},
		{"--to", "csv"},
		{"--to", "csv", "--study", "S1"},
		{"--to", "xlsx", "--study", "S1"},
		{"--to", "xlsx"},
		{"--to", "oc4users"},
		{"--to", "odm"},
		{"--to", "odm2"},
		{"--to", "odm", "--profile", "inform"},
		{"--to", "odm", "--profile", "rave"},
		{"--to", "odm", "--profile", "openclinica"},
		{"--spec-template"},
		{"--spec-template", "--to", "odm", "--profile", "rave"},
		{"--spec", spec, "--to", "json"},
		{"--spec", ownSpec, "--to", "json"},
		{"--spec", spec, "--to", "csv"},
		{"--spec", ownSpec, "--to", "csv"},
		{"--spec", ownSpec, "--to", "xlsx", "--study", "S1"},
		{"--spec", ownSpec, "--to", "oc4users"},
		{"--spec", spec, "--to", "odm", "--profile", "inform"},
		{"--spec", ownSpec, "--to", "odm", "--profile", "rave"},
		{"--spec", ownSpec, "--to", "odm2"},
		{"--spec", ownSpec, "--to", "odm", "--profile", "openclinica", "--strict"},
	}
	// Patched into a base of each flavour: every third input (the test's time).
	var baseSets [][]string
	for _, base := range baseFiles {
		baseSets = append(baseSets, []string{"--to", "odm", "--base", base}, []string{"--spec", ownSpec, "--to", "odm", "--base", base})
	}
	baseSets = append(baseSets, []string{"--to", "odm2", "--base", baseFiles[2]})
	// A new document's creation time, and the FileOID made from it, are the time of the
	// run.
	streamed := map[string]int{}
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sets := argSets
		if i%3 == 0 || strings.Contains(f, "newsite") {
			sets = append(sets[:len(sets):len(sets)], baseSets...)
		}
		for _, extraArgs := range sets {
			args := append(append([]string{}, extraArgs...), f)
			code, out, errs := runSub("", "map", args...)
			args[len(args)-1] = "-"
			wcode, wout, werrs := runWholeTable(data, append([]string{"map"}, args...))
			out, wout = created.ReplaceAllString(out, ""), created.ReplaceAllString(wout, "")
			// The whole read names stdin "<stdin>" or "-"; the file its path.
			werrs = strings.ReplaceAll(werrs, "<stdin>", f)
			werrs = strings.ReplaceAll(werrs, "\n-:", "\n"+f+":")
			if strings.HasPrefix(werrs, "-:") {
				werrs = f + werrs[1:]
			}
			if code != wcode || out != wout || errs != werrs {
				t.Errorf("map %v %s: streamed and whole differ:\nexit %d vs %d\nstderr:\n%s\nvs\n%s\nstdout equal: %v", extraArgs, f, code, wcode, errs, werrs, out == wout)
			}
			if code != 2 {
				streamed[strings.Join(extraArgs, " ")]++
			}
		}
	}
	// Each output must be written from several inputs (with --strict, exit 1), or the
	// test compares little.
	for _, args := range append(argSets, baseSets...) {
		if k := strings.Join(args, " "); streamed[k] < 3 {
			t.Errorf("map %s: only %d runs succeeded", k, streamed[k])
		}
	}
}

// runWholeTable runs args with stdin read as map read a table or JSON from stdin before it
// spooled it: whole (env.wholeTable).
func runWholeTable(stdin []byte, args []string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(&env{stdin: bytes.NewReader(stdin), stdout: &out, stderr: &errb, wholeTable: true}, args)
	return code, out.String(), errb.String()
}

// exampleOC4 is the OpenClinica 4 user table of the migration tests.
func exampleOC4(t *testing.T) string {
	t.Helper()
	p := filepath.Join("testdata", "migration", "oc4-study-users.csv")
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// baseFiles are --base documents of each flavour: InForm, Rave, ODM 2.0, OpenClinica.
var baseFiles = []string{
	filepath.Join("testdata", "diff", "inform.xml"), filepath.Join("testdata", "diff", "rave.xml"),
	filepath.Join("..", "..", "testdata", "odm2", "demo-admin.xml"),
	filepath.Join("..", "..", "testdata", "openclinica", "demo-site-studies.xml"),
}

// A new document's creation time, and the FileOID made from it, are the time of the
// run.
var created = regexp.MustCompile(`(CreationDateTime|FileOID)="[^"]*"`)

// TestMapBaseStreamsAsWhole: map --to odm --base FILE of an ODM input of another flavour
// than FILE holds the input's users as compact records in a temporary file
// (mapping.ReadCompactODM, CompactDirectory.Patch), where it read the directory whole
// (FromReader, Patch; env.wholeBase). Both give the same bytes, warnings, errors and exit
// status for every ODM fixture of the diff tests patched into a base of each flavour,
// with and without a migration spec, from a file and from stdin.
func TestMapBaseStreamsAsWhole(t *testing.T) {
	t.Parallel()
	groups, _ := compactInputs(t)
	spec := filepath.Join(t.TempDir(), "spec.csv")
	if err := os.WriteFile(spec, []byte("Kind,Study,Scope,Source,Target,Suggested,Note\n"+
		"site,,,01,X1,,\nrole,,,canonical:Monitor,Clinical Research Associate (CRA),,\n"+
		"login,,,email-local-part,,,\nstart-date,,,,01-Jun-2026,,\nexclude,,,u1,,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(whole bool, stdin []byte, args []string) (int, string, string) {
		var out, errb bytes.Buffer
		e := &env{stdin: bytes.NewReader(stdin), stdout: &out, stderr: &errb, wholeBase: whole}
		code := run(e, args)
		return code, created.ReplaceAllString(out.String(), ""), errb.String()
	}
	compared := 0
	for _, g := range groups {
		in := g[0]
		data, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, base := range baseFiles {
			for _, extra := range [][]string{nil, {"--spec", spec}, {"--strict", "--max", "0"}} {
				for _, stdin := range []bool{false, true} {
					args := append(append([]string{"map", "--to", "odm", "--base", base}, extra...), in)
					var feed []byte
					if stdin {
						args[len(args)-1], feed = "-", data
					}
					code, out, errs := run(false, feed, args)
					wcode, wout, werrs := run(true, feed, args)
					if code != wcode || out != wout || errs != werrs {
						t.Errorf("%v: streamed and whole differ:\nexit %d vs %d\nstderr:\n%s\nvs\n%s\nstdout equal: %v", args, code, wcode, errs, werrs, out == wout)
					}
					if code == 0 && out != "" {
						compared++
					}
				}
			}
		}
	}
	if compared < 50 {
		t.Errorf("only %d runs wrote a document: the test compares little", compared)
	}
}
