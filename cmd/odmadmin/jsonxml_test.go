package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/testenv"
	"github.com/odmadmin/odmadmin/odm"
)

// TestODMJSONReadAsXML: the JSON form of an export given to map (every output), diff and
// plan is converted to XML as it is read and read as the XML is (odmStream); what each
// command says of it is what it says of the XML it came from, but for the file's name.
// Before, map decoded the JSON form whole: a 200,000-user file took 587 MiB and was
// refused (too many child nodes).
func TestODMJSONReadAsXML(t *testing.T) {
	var files []string
	for _, d := range []string{"testdata", "cmd/odmadmin/testdata/check", "cmd/odmadmin/testdata/diff"} {
		err := filepath.WalkDir(filepath.Join(testenv.RepoRoot(), d), func(path string, e os.DirEntry, err error) error {
			if err == nil && !e.IsDir() && (strings.HasSuffix(path, ".xml") || strings.HasSuffix(path, ".odm")) {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	at := regexp.MustCompile(`IN:\d+:\d+:`)
	runs := 0
	for _, f := range files {
		code, js, _ := runCmd(nil, "convert", "--to", "json", "--quiet", f)
		if code != 0 {
			continue // not an ODM document odmadmin reads (broken on purpose)
		}
		jf, other := filepath.Join(dir, "in.json"), filepath.Join(dir, "other.xml")
		if err := os.WriteFile(jf, []byte(js), 0o644); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(other, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		same := func(args ...string) {
			t.Helper()
			run := func(in string) (int, string, string) {
				a := make([]string, len(args))
				for i, x := range args {
					a[i] = strings.ReplaceAll(x, "IN", in)
				}
				code, out, errs := runCmd(nil, a...)
				// A reader's warning about the JSON form names its place in the XML
				// the JSON describes, which need not be the original's line.
				errs = at.ReplaceAllString(strings.ReplaceAll(errs, in, "IN"), "IN:")
				return code, strings.ReplaceAll(out, in, "IN"), errs
			}
			xc, xout, xerr := run(f)
			jc, jout, jerr := run(jf)
			if xc != jc || xout != jout || xerr != jerr {
				t.Errorf("%s: odmadmin %s:\nXML: exit %d\n%s\n%s\nJSON: exit %d\n%s\n%s", f, strings.Join(args, " "), xc, xout, xerr, jc, jout, jerr)
			}
			runs++
		}
		for _, to := range []string{"json", "odm", "odm2", "csv", "oc4users"} {
			same("map", "--to", to, "IN")
		}
		same("map", "--spec-template", "IN")
		same("diff", "IN", other)
		same("map", "--to", "json", "IN", other)
	}
	if runs < 100 {
		t.Fatalf("%d comparisons; the fixtures should give more", runs)
	}
}

// TestODMJSONNotDecodedWhole: every command reads the JSON form as it reads XML, one
// record at a time. The proof is an AdminData with more child nodes (100,001 comments
// before one User) than a whole decode takes (odm.DefaultMaxNodes): decoding the JSON form
// whole refused it, as it refused a 200,000-user export; the streamed reading has no such
// limit for AdminData, whose records it hands out one at a time.
func TestODMJSONNotDecodedWhole(t *testing.T) {
	dir := t.TempDir()
	xf, jf := filepath.Join(dir, "many.xml"), filepath.Join(dir, "many.json")
	x := `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileOID="F" FileType="Snapshot" CreationDateTime="2026-01-01T00:00:00"><AdminData>` +
		strings.Repeat("<!---->", odm.DefaultMaxNodes+1) + `<User OID="U1"><LoginName>u1</LoginName></User></AdminData></ODM>`
	if err := os.WriteFile(xf, []byte(x), 0o644); err != nil {
		t.Fatal(err)
	}
	code, js, errs := runCmd(nil, "convert", "--to", "json", xf)
	if code != 0 {
		t.Fatalf("convert --to json: exit %d: %s", code, errs)
	}
	if err := os.WriteFile(jf, []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	upload := filepath.Join(dir, "upload.csv")
	if err := os.WriteFile(upload, []byte("First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\nUna,Example,u1@example.org,u1,02-Dec-2026,,CRA,All,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"convert", "--to", "json", jf}, 0, `"loginName":"u1"`},
		{[]string{"query", "--xpath", "count(//odm:User)", jf}, 0, "1\n"},
		{[]string{"map", "--to", "json", jf}, 0, `"login": "u1"`},
		{[]string{"map", "--to", "odm", jf}, 0, `<LoginName>u1</LoginName>`},
		{[]string{"map", "--to", "json", jf, xf}, 0, `"login": "u1"`},
		{[]string{"diff", jf, xf}, 0, ""},
		{[]string{"check", jf}, 0, ""},
		{[]string{"plan", "--study", "S", "--existing", jf, "--upload", upload}, 0, "u1"},
	} {
		code, out, errs := runCmd(nil, tc.args...)
		if code != tc.code || !strings.Contains(out, tc.want) {
			t.Errorf("odmadmin %s: exit %d (want %d), stdout %.200q, stderr %.300q", strings.Join(tc.args, " "), code, tc.code, out, errs)
		}
	}
}
