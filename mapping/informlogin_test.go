package mapping

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestInFormLoginFromOID: InForm's AdminData User mapping maps both the User OID and
// LoginName to the user name, so a User without LoginName logs in with its OID, as a
// Rave user does: its login is the OID, which finds the person in another block (and in
// a diff or table keyed by login), and writing the export back adds no LoginName.
func TestInFormLoginFromOID(t *testing.T) {
	src := `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="` + odm.NSInForm + `" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00">
<AdminData StudyOID="S1"><User OID="mkline" pf:Active="Yes"><FirstName>Mara</FirstName></User><User OID="jfeld"><LoginName>jfeld</LoginName></User></AdminData>
<AdminData StudyOID="S2"><User OID="MKLINE2"><LoginName>mkline</LoginName><Email>mk@example.org</Email></User></AdminData></ODM>
`
	js, ws := readThree(t, src, ProfileInForm)
	for k := range 3 {
		if js[k] != js[0] {
			t.Errorf("read %d differs from the whole document's", k)
		}
		for _, w := range ws[k] {
			if w.Code == CodeMergeConflict && w.Field != "User/OID" {
				t.Errorf("read %d: %s", k, w)
			}
		}
	}
	dir, _, err := FromDocument(decodeBytes(t, []byte(src)), Options{Profile: ProfileInForm})
	if err != nil {
		t.Fatal(err)
	}
	if len(dir.Users) != 2 {
		t.Fatalf("users %d, want 2 (mkline's second record is the same person, by login)", len(dir.Users))
	}
	if u := dir.Users[0]; u.Login != "mkline" || len(u.Emails) != 1 {
		t.Errorf("the user without LoginName: login %q, e-mails %v; want the OID as login, merged with its record in S2", u.Login, u.Emails)
	}
	var out bytes.Buffer
	if _, err := PatchStream(&out, odm.NewReader(strings.NewReader(src), odm.ReadOptions{}),
		func() (io.Reader, error) { return strings.NewReader(src), nil }, PatchOptions{Options: Options{Profile: ProfileInForm}}); err != nil {
		t.Fatal(err)
	}
	if out.String() != src {
		t.Errorf("written back, the export changed:\n%s", out.String())
	}
	// Through the directory's JSON (map --to json, then --to odm --base): the login
	// read from the OID is not written as a LoginName the record lacks. (One block: a
	// person of several is written from its merged values once it went through JSON.)
	src = src[:strings.Index(src, "<AdminData StudyOID=\"S2\">")] + "</ODM>\n"
	one, _, err := FromDocument(decodeBytes(t, []byte(src)), Options{Profile: ProfileInForm})
	if err != nil {
		t.Fatal(err)
	}
	back, _, err := ReadAny(bytes.NewReader(mustJSON(t, one)), "dir.json", Options{})
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if _, err := Patch(&out, strings.NewReader(src), back, PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if out.String() != src {
		t.Errorf("patched from the directory's JSON, the export changed:\n%s", out.String())
	}
}
