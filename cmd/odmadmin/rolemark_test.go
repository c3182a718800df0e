package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMapRoleWarningsOnce: odmadmin map lists one warning per role: a role the reader did
// not know that is written under its own name is one role-verbatim (not also an
// unknown-role), and a directory mapped with --spec and written as JSON, read back and
// written into the spec's target, does not warn role-verbatim again.
func TestMapRoleWarningsOnce(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "inform.xml")
	spec := filepath.Join(dir, "spec.csv")
	mapped := filepath.Join(dir, "mapped.json")
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(in, `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Snapshot" FileOID="F" CreationDateTime="2025-01-01T00:00:00Z" ODMVersion="1.3">
 <AdminData StudyOID="DEMO">
  <User OID="U1" pf:Active="Yes"><LoginName>afict</LoginName><FirstName>Ada</FirstName><LastName>Fictus</LastName><Email>a@example.org</Email><pf:GroupRef GroupOID="5000"/></User>
  <User OID="U2" pf:Active="Yes"><LoginName>bsample</LoginName><FirstName>Bo</FirstName><LastName>Sample</LastName><Email>b@example.org</Email><pf:GroupRef GroupOID="5000"/></User>
  <pf:GroupDef OID="5000" Name="Chief Wizard Rights" GroupType="Rights"><pf:Right Description="Enter Data"/></pf:GroupDef>
 </AdminData>
</ODM>
`)
	write(spec, "Kind,Study,Scope,Source,Target,Suggested,Note\nrole,,,Chief Wizard Rights,Wizard Lead,,\n")
	if code, _, stderr := runSub("", "map", "--spec", spec, "--to", "json", "-o", mapped, in); code != 0 {
		t.Fatalf("map --spec --to json: exit %d\n%s", code, stderr)
	}
	for _, tc := range []struct {
		args            []string
		verbatim, unkwn int
		reason          string
	}{
		{[]string{"map", "--to", "csv", "--study", "DEMO", in}, 1, 0,
			"an unknown role written verbatim: one warning (role-verbatim, saying it is not in the vocabulary)"},
		{[]string{"map", "--to", "odm", "--profile", "rave", in}, 1, 0, "the same into Rave"},
		{[]string{"map", "--to", "csv", "--study", "DEMO", mapped}, 0, 0,
			"mapped with --spec into the template, through JSON: the spec's names are the template's"},
	} {
		_, _, stderr := runSub("", tc.args[0], tc.args[1:]...)
		v, u := strings.Count(stderr, ": warning mapping.role-verbatim:"), strings.Count(stderr, ": warning mapping.unknown-role:")
		if v != tc.verbatim || u != tc.unkwn {
			t.Errorf("%s: %d role-verbatim, %d unknown-role; want %d, %d\n%s", tc.reason, v, u, tc.verbatim, tc.unkwn, stderr)
		}
		if tc.verbatim > 0 && !strings.Contains(stderr, "is not in the vocabulary (read as Other) and is written as it is") {
			t.Errorf("%s: the warning does not say the role is unknown too\n%s", tc.reason, stderr)
		}
	}
}
