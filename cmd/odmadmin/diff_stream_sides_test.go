package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
)

// streamSideInputs writes the inputs the streamed-versus-whole tests of diff and plan
// share: a generated export split into parts (with the sites in every part, and in the
// last one only), the Clinical One template and the directory JSON of an export, and
// specs (the example's; one whose logins come from the e-mail addresses and that leaves
// out a user late in the export; one with a login lookup table).
func streamSideInputs(t *testing.T) (dir string, genWhole string, paged, cut []string, specs []string) {
	t.Helper()
	dir = t.TempDir()
	write := fileWriter(t, dir)
	var g bytes.Buffer
	if err := gen.InForm(&g, 240); err != nil {
		t.Fatal(err)
	}
	genWhole = write("gen.xml", g.Bytes())
	for i, p := range splitUsers(t, g.Bytes(), 3, true) {
		paged = append(paged, write("paged"+string(rune('1'+i))+".xml", p))
	}
	for i, p := range splitUsers(t, g.Bytes(), 2, false) {
		cut = append(cut, write("cut"+string(rune('1'+i))+".xml", p))
	}
	// The last user of the generated export, for an exclude rule that plan.Kept's filter
	// alone would never see.
	s := g.String()
	i := strings.LastIndex(s, "<User ")
	oid := s[i:]
	oid = oid[strings.Index(oid, `OID="`)+5:]
	oid = oid[:strings.IndexByte(oid, '"')]
	specs = append(specs, exampleFile("spec.csv"))
	specs = append(specs, write("email-spec.csv", []byte("Kind,Study,Scope,Source,Target,Suggested,Note\n"+
		"login,,,email,,,\n"+
		"exclude,,,"+oid+",,,\n"+
		"exclude,,,nobody-at-all,,,\n"+
		"role,,,canonical:Monitor,Clinical Research Associate (CRA),yes,\n"+
		"site,,,no-such-site,99,,\n"+
		"start-date,,,,2026-06-01,,\n")))
	write("logins.csv", []byte("OID,Login\n"+oid+",looked-up\n"))
	specs = append(specs, write("lookup-spec.csv", []byte("Kind,Study,Scope,Source,Target,Suggested,Note\n"+
		"login,,,lookup,logins.csv,,\n"+
		"role,,,Data Manager Rights,Data Manager,,\n")))
	return dir, genWhole, paged, cut, specs
}

// runWhole runs the command in-process, reading every side or --existing whole (as
// diff and plan did before they streamed them: env.wholeMerge) or streamed.
func runWhole(whole bool, stdin []byte, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	e := &env{stdin: bytes.NewReader(stdin), stdout: &out, stderr: &errb, wholeMerge: whole}
	code := run(e, args)
	return code, out.String(), errb.String()
}

// TestDiffStreamsAsWhole: diff with several files on a side and with --spec reads every
// side streamed (several files merged into a temporary file, mapping.MergeStream; the
// spec applied to each user of A as it is built, mapping.SpecRun and ReadEachSpec) and
// gives the changes, warnings and exit status of the whole read it replaced (diffWhole:
// readDirectories and Spec.Apply), byte for byte: sides of one file and of several
// (paged, cut, other vendors, a template with an export), from files and from stdin,
// with and without each spec, by OID and by login.
func TestDiffStreamsAsWhole(t *testing.T) {
	dir, genWhole, paged, cut, specs := streamSideInputs(t)
	diffDir := filepath.Join("testdata", "diff")
	migration := filepath.Join("testdata", "migration")
	example := exampleFile("inform-export.xml")
	// The example's upload, made with its spec, as a template and as JSON.
	template := filepath.Join(dir, "upload.csv")
	if code, _, errs := runCmd(nil, "map", "--spec", specs[0], "--to", "csv", "--study", "ASTRA-9", "-o", template, example); code != 0 {
		t.Fatalf("map: %d %s", code, errs)
	}
	genJSON := filepath.Join(dir, "gen.json")
	if code, _, errs := runCmd(nil, "map", "--to", "json", "-o", genJSON, genWhole); code != 0 {
		t.Fatalf("map: %d %s", code, errs)
	}
	sides := [][2][]string{
		{paged, {genWhole}},
		{{genWhole}, cut},
		{cut, paged},
		{paged, {genJSON}},
		{{filepath.Join(migration, "rave-users.odm"), filepath.Join(migration, "rave-sites.odm")}, {filepath.Join(migration, "rave-sites.odm"), filepath.Join(migration, "rave-users.odm")}},
		{{filepath.Join(diffDir, "inform.xml"), filepath.Join(diffDir, "reordered.xml")}, {filepath.Join(diffDir, "rave.xml")}},
		{{filepath.Join(diffDir, "inform.xml")}, {filepath.Join(diffDir, "rave.xml"), filepath.Join(diffDir, "audit-partial.csv")}},
		{{example}, {template}},
		{{example, filepath.Join(diffDir, "inform.xml")}, {template}},
		{{template}, {example}},
		{{genJSON}, {genWhole}},
		{{filepath.Join("..", "..", "testdata", "openclinica", "demo-site-studies.xml"), filepath.Join("..", "..", "testdata", "inform", "htn-demo.xml")}, {filepath.Join("..", "..", "testdata", "inform", "htn-demo.xml")}},
	}
	compared, changed, specWarned := 0, 0, 0
	for i, sd := range sides {
		for j, spec := range append([]string{""}, specs...) {
			// Each key with and without stdin, over the pairs and specs.
			key := []string{"oid", "login"}[(i+j)%2]
			{
				for _, stdin := range []bool{false, true} {
					args := []string{"diff", "--key", key, "--format", "json", "--study", "S1"}
					if spec != "" {
						args = append(args, "--spec", spec)
					}
					var feed []byte
					for i, files := range sd {
						flag := []string{"--a", "--b"}[i]
						for j, f := range files {
							if stdin && i == 0 && j == 0 {
								var err error
								if feed, err = os.ReadFile(f); err != nil {
									t.Fatal(err)
								}
								f = "-"
							}
							args = append(args, flag, f)
						}
					}
					wc, wout, werr := runWhole(true, feed, args...)
					sc, sout, serr := runWhole(false, feed, args...)
					if wc != sc || wout != sout || werr != serr {
						t.Errorf("%v: streamed exit %d, whole %d\nstderr streamed:\n%s\nwhole:\n%s\nstdout equal: %v\nstreamed:\n%.2000s\nwhole:\n%.2000s",
							args, sc, wc, serr, werr, wout == sout, sout, wout)
						continue
					}
					compared++
					if wc == 1 {
						changed++
					}
					if strings.Contains(werr, "mapping.spec") || strings.Contains(werr, "mapping.unmapped") {
						specWarned++
					}
				}
			}
		}
	}
	if compared < 90 || changed < compared/3 || specWarned < 50 {
		t.Fatalf("%d runs compared, %d with changes, %d with spec warnings: the sides were not compared", compared, changed, specWarned)
	}
}

// planSameAsWhole runs plan streamed and whole (runWhole) and reports whether the two
// gave the same exit status, output and diagnostics (failing t where not), and whether
// the plan has actions.
func planSameAsWhole(t *testing.T, stdin []byte, args ...string) (same, acted bool) {
	t.Helper()
	wc, wout, werr := runWhole(true, stdin, args...)
	sc, sout, serr := runWhole(false, stdin, args...)
	if wc != sc || wout != sout || werr != serr {
		t.Errorf("%v: streamed exit %d, whole %d\nstderr streamed:\n%s\nwhole:\n%s\nstdout equal: %v\nstreamed:\n%.2000s\nwhole:\n%.2000s",
			args, sc, wc, serr, werr, wout == sout, sout, wout)
		return false, false
	}
	return true, wc != 2 && strings.Contains(wout, `"action"`)
}

// TestPlanStreamsAsWhole: plan with several --existing files, with --spec, or both reads
// them streamed (merged into a temporary file, the spec applied to each user before
// plan.Kept picks the users the rows name) and plans, warns and exits as the whole read
// and Spec.Apply it replaced (readExistingWhole), byte for byte.
func TestPlanStreamsAsWhole(t *testing.T) {
	dir, genWhole, paged, cut, specs := streamSideInputs(t)
	example := exampleFile("inform-export.xml")
	planDir := filepath.Join("testdata", "plan")
	// An upload of the generated export's first users (as it names them) and more.
	genUpload := filepath.Join(dir, "gen-upload.csv")
	if code, _, errs := runCmd(nil, "map", "--to", "csv", "--study", "GEN-STUDY", "-o", genUpload, paged[0]); code != 0 {
		t.Fatalf("map: %d %s", code, errs)
	}
	exampleUpload := filepath.Join(dir, "example-upload.csv")
	if code, _, errs := runCmd(nil, "map", "--spec", specs[0], "--to", "csv", "--study", "ASTRA-9", "-o", exampleUpload, example); code != 0 {
		t.Fatalf("map: %d %s", code, errs)
	}
	genJSON := filepath.Join(dir, "gen.json")
	if code, _, errs := runCmd(nil, "map", "--to", "json", "-o", genJSON, genWhole); code != 0 {
		t.Fatalf("map: %d %s", code, errs)
	}
	type run struct {
		existing []string
		upload   string
		study    string
	}
	runs := []run{
		{paged, genUpload, "GEN-STUDY"},
		{cut, genUpload, "GEN-STUDY"},
		{[]string{genWhole}, genUpload, "GEN-STUDY"},
		{[]string{genJSON}, genUpload, "GEN-STUDY"},
		{[]string{paged[0], genJSON}, genUpload, "GEN-STUDY"},
		{[]string{example}, exampleUpload, "ASTRA-9"},
		{[]string{example}, filepath.Join(planDir, "inform-upload.csv"), "ASTRA-9"},
		{[]string{example, filepath.Join(planDir, "existing.xml")}, filepath.Join(planDir, "inform-upload.csv"), "ASTRA-9"},
		{[]string{filepath.Join(planDir, "existing.xml"), exampleUpload}, filepath.Join(planDir, "upload.csv"), "S1"},
		{[]string{filepath.Join("testdata", "migration", "rave-users.odm"), filepath.Join("testdata", "migration", "rave-sites.odm")}, filepath.Join(planDir, "clean.csv"), "S1"},
	}
	compared, planned := 0, 0
	for _, r := range runs {
		for _, spec := range append([]string{""}, specs...) {
			for _, stdin := range []bool{false, true} {
				args := []string{"plan", "--upload", r.upload, "--study", r.study, "--format", "json"}
				if spec != "" {
					args = append(args, "--spec", spec)
				}
				var feed []byte
				for j, f := range r.existing {
					if stdin && j == 0 {
						var err error
						if feed, err = os.ReadFile(f); err != nil {
							t.Fatal(err)
						}
						f = "-"
					}
					args = append(args, "--existing", f)
				}
				if same, acted := planSameAsWhole(t, feed, args...); same {
					compared++
					if acted {
						planned++
					}
				}
			}
		}
	}
	if compared < 60 || planned < compared*2/3 {
		t.Fatalf("%d runs compared, %d planned: the plans were not made", compared, planned)
	}
}

// TestPlanUploadStreamsAsWhole: plan with an export or a directory as --upload (a
// migration planned whole) reads its users one at a time into the rows and plans, warns
// and exits as the whole read it replaced (readDirectoryFrom and plan.FromDirectory),
// byte for byte: ODM of each vendor, ODM 2.0, ODM JSON and the directory JSON of map,
// from files and from stdin.
func TestPlanUploadStreamsAsWhole(t *testing.T) {
	dir, genWhole, _, _, _ := streamSideInputs(t)
	example := exampleFile("inform-export.xml")
	genJSON := filepath.Join(dir, "gen-upload.json")
	if code, _, errs := runCmd(nil, "map", "--to", "json", "-o", genJSON, genWhole); code != 0 {
		t.Fatalf("map: %d %s", code, errs)
	}
	odmJSON := filepath.Join(dir, "example-odm.json")
	if code, _, errs := runCmd(nil, "convert", "--to", "json", "-o", odmJSON, example); code != 0 {
		t.Fatalf("convert: %d %s", code, errs)
	}
	// A directory with a null user, which the compact JSON reader leaves to a whole read.
	nulls := filepath.Join(dir, "null-user.json")
	if err := os.WriteFile(nulls, []byte(`{"studies":[],"sites":[],"users":[null,{"id":"u1","login":"amorel","givenName":"Ada","familyName":"Morel","emails":["a@example.org"],"assignments":[]},null,{"id":"u2","login":"zz"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	uploads := []string{genWhole, genJSON, example, odmJSON, nulls,
		filepath.Join("testdata", "migration", "rave-users.odm"),
		filepath.Join("..", "..", "testdata", "odm2", "demo-admin.xml"),
		filepath.Join("..", "..", "testdata", "openclinica", "demo-site-studies.xml"),
		filepath.Join("..", "..", "testdata", "rave", "mediflex-users.xml")}
	compared, planned := 0, 0
	for _, ex := range []string{example, genWhole} {
		for _, up := range uploads {
			data, err := os.ReadFile(up)
			if err != nil {
				t.Fatal(err)
			}
			for _, stdin := range []bool{false, true} {
				args := []string{"plan", "--existing", ex, "--format", "json", "--upload", up}
				var feed []byte
				if stdin {
					args[len(args)-1], feed = "-", data
				}
				if same, acted := planSameAsWhole(t, feed, args...); same {
					compared++
					if acted {
						planned++
					}
				}
			}
		}
	}
	t.Logf("%d runs compared, %d planned", compared, planned)
	if compared < 36 || planned < 32 {
		t.Fatalf("%d runs compared, %d planned: the uploads were not planned", compared, planned)
	}
}
