package mapping

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestPatchRightsGroupStaysInItsStudy: an InForm person in two studies' AdminData, with a
// rights group (a role) in the first and none in the second. Patched back, the second
// record got the first one's pf:GroupRef: a role in a study the user had none in
// (odmadmin diff of the file and map --to odm's output: ROLE_CHANGE S2 "(no role)" ->
// "PI Rights"). Each record keeps the rights group of its own study's role, written
// back, through PatchStream with and without Reread, and read again.
func TestPatchRightsGroupStaysInItsStudy(t *testing.T) {
	doc := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Snapshot" FileOID="F1" CreationDateTime="2026-01-01T00:00:00Z" ODMVersion="1.3.2">
  <AdminData StudyOID="S1">
    <User OID="U1" UserType="Investigator">
      <LoginName>jdoe</LoginName>
      <FirstName>Jo</FirstName>
      <LastName>Doe</LastName>
      <pf:GroupRef GroupOID="G1"/>
    </User>
    <pf:GroupDef OID="G1" Name="PI Rights" GroupType="Rights"/>
    <pf:GroupDef OID="G2" Name="CRA Rights" GroupType="Rights"/>
  </AdminData>
  <AdminData StudyOID="S2">
    <User OID="U1" UserType="Investigator">
      <LoginName>jdoe</LoginName>
      <FirstName>Jo</FirstName>
      <LastName>Doe</LastName>
    </User>
  </AdminData>
  <AdminData StudyOID="S3">
    <User OID="U1" UserType="Investigator">
      <LoginName>jdoe</LoginName>
      <FirstName>Jo</FirstName>
      <LastName>Doe</LastName>
      <pf:GroupRef GroupOID="G2"/>
    </User>
  </AdminData>
</ODM>
`)
	roles := func(d *Directory) string {
		var b strings.Builder
		for _, u := range d.Users {
			for _, a := range u.Assignments {
				fmt.Fprintf(&b, "%s %s=%q;", u.ID, a.Study, a.Role.Name)
			}
		}
		return b.String()
	}
	read, _, err := FromReader(odm.NewReader(bytes.NewReader(doc), odm.ReadOptions{}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := roles(read)
	if want != `U1 S1="PI Rights";U1 S2="";U1 S3="CRA Rights";` {
		t.Fatalf("the fixture reads as %s; it tests nothing", want)
	}
	for _, reread := range []bool{false, true} {
		name := fmt.Sprintf("reread=%v", reread)
		out := patchBoth(t, name, doc, doc, PatchOptions{Reread: reread})
		if out == nil {
			continue
		}
		if n := bytes.Count(out, []byte("GroupRef")); n != 2 {
			t.Errorf("%s: %d pf:GroupRef written, want the 2 read:\n%s", name, n, out)
		}
		again, _, err := FromReader(odm.NewReader(bytes.NewReader(out), odm.ReadOptions{}), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := roles(again); got != want {
			t.Errorf("%s: roles read back %s, want %s", name, got, want)
		}
	}
}
