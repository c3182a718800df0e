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
	// Written from the person's values (as when a spec changed it; unchanged, its
	// records are copied as read: TestPatchMergedPersonAsRead).
	for _, reread := range []bool{false, true} {
		name := fmt.Sprintf("reread=%v", reread)
		out := patchBoth(t, name, doc, doc, PatchOptions{Reread: reread, mergedValues: true})
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

// TestPatchMergedPersonAsRead: a person listed in two studies' AdminData, the e-mail
// address in the first record only. Each record was written from the values merged from
// both, so map --to odm added the address to the second (and the first study's rights
// group, TestPatchRightsGroupStaysInItsStudy): not the file back as read. Unchanged, the
// records are copied as read, through Patch, PatchStream and ToDocument's writer reading
// the document whole; changed by a spec, they are written from the values (the address
// then goes into both: the model holds one list of addresses per person).
func TestPatchMergedPersonAsRead(t *testing.T) {
	doc := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Snapshot" FileOID="F1" CreationDateTime="2026-01-01T00:00:00Z" ODMVersion="1.3.2">
  <AdminData StudyOID="S1">
    <User OID="U1" UserType="Investigator">
      <LoginName>jdoe</LoginName>
      <FirstName>Jo</FirstName>
      <LastName>Doe</LastName>
      <Email>jo@example.org</Email>
      <pf:GroupRef GroupOID="G1"/>
    </User>
    <User OID="U2"><LoginName>amorel</LoginName><Email>ada@example.org</Email><pf:GroupRef GroupOID="G1"/></User>
    <pf:GroupDef OID="G1" Name="PI Rights" GroupType="Rights"/>
  </AdminData>
  <AdminData StudyOID="S2">
    <User OID="U1" UserType="Investigator">
      <LoginName>jdoe</LoginName>
      <FirstName>Jo</FirstName>
      <LastName>Doe</LastName>
    </User>
  </AdminData>
</ODM>
`)
	want := transformedDoc(t, doc)
	for _, reread := range []bool{false, true} {
		out := patchBoth(t, fmt.Sprintf("reread=%v", reread), doc, doc, PatchOptions{Reread: reread})
		if !bytes.Equal(out, want) {
			t.Errorf("reread=%v: the unchanged person's records are not as read:\n%s", reread, out)
		}
	}
	// Read whole into a tree (FromDocument keeps the records) and patched.
	d, err := odm.Decode(bytes.NewReader(doc), odm.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir, _, err := FromDocument(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := Patch(&out, bytes.NewReader(doc), dir, PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("from FromDocument: the unchanged person's records are not as read:\n%s", out.Bytes())
	}
	// An edit of the person (its first name) reaches both records.
	dir.Users[0].GivenName = "Joanna"
	out.Reset()
	if _, err := Patch(&out, bytes.NewReader(doc), dir, PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(out.Bytes(), []byte("<FirstName>Joanna</FirstName>")); n != 2 {
		t.Errorf("an edited person: the new first name is in %d records, want both:\n%s", n, out.Bytes())
	}
	// A spec that renames the role changes the person: written from its values.
	spec, err := readSpecString(t, "Kind,Study,Scope,Source,Target,Suggested,Note\nrole,,,PI Rights,Principal Investigator,,\n")
	if err != nil {
		t.Fatal(err)
	}
	got := patchBoth(t, "spec", doc, doc, PatchOptions{Reread: true, Options: Options{Spec: &SpecUse{Spec: spec, Target: ProfileInForm}}})
	if bytes.Equal(got, want) || bytes.Count(got, []byte("<Email>jo@example.org</Email>")) != 2 {
		t.Errorf("a person a spec changed is written from its values (its address in both records):\n%s", got)
	}
}

// TestPatchDuplicateSignatureOIDs: a document that gives two SignatureDefs one OID (OIDs
// must be unique; a merge of two exports does it) had the first patched from the
// second's values, without a word. Each is written from its own.
func TestPatchDuplicateSignatureOIDs(t *testing.T) {
	doc := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileType="Snapshot" FileOID="F1" CreationDateTime="2026-01-01T00:00:00Z" ODMVersion="1.3.2">
  <AdminData StudyOID="S1">
    <SignatureDef OID="SG" Methodology="Electronic"><Meaning>Approved</Meaning><LegalReason>21 CFR 11</LegalReason></SignatureDef>
    <SignatureDef OID="SG" Methodology="Digital"><Meaning>Reviewed</Meaning><LegalReason>local policy</LegalReason></SignatureDef>
  </AdminData>
</ODM>
`)
	for _, reread := range []bool{false, true} {
		out := patchBoth(t, fmt.Sprintf("reread=%v", reread), doc, doc, PatchOptions{Reread: reread})
		if !bytes.Equal(out, transformedDoc(t, doc)) {
			t.Errorf("reread=%v: the signatures are not as read:\n%s", reread, out)
		}
	}
}
