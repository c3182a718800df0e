package odmtest_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/diff"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
	"github.com/odmadmin/odmadmin/odmtest"
)

func decode(t *testing.T, src string) *odm.Document {
	t.Helper()
	doc, err := odm.Decode(strings.NewReader(src), odm.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

const docA = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileOID="F1">
  <AdminData StudyOID="S">
    <User OID="u1" pf:DBUID="1" pf:Active="Yes">
      <LoginName>afict</LoginName>
      <FullName>Ada Fictus</FullName>
      <Address><StreetName>1 Demo Road</StreetName><StreetName>Floor 2</StreetName></Address>
      <Email>ada@example.org</Email>
      <Email>ada.f@example.org</Email>
      <LocationRef LocationOID="L1"/>
      <LocationRef LocationOID="L2"/>
      <pf:GroupRef GroupOID="g1"/>
      <pf:GroupRef GroupOID="g2"/>
    </User>
    <User OID="u2"><LoginName>bsample</LoginName></User>
    <Location OID="L1" Name="North"/>
    <Location OID="L2" Name="South"/>
  </AdminData>
</ODM>`

// TestDocumentOptions checks what the document options ignore and what they do not.
func TestDocumentOptions(t *testing.T) {
	cases := []struct {
		name, other, reason string
		equal               bool
	}{
		{"same", docA, "a document equals itself", true},
		{"reordered", `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileOID="F1" xmlns:inf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0">
<!-- users in another order -->
<AdminData StudyOID="S">
<Location OID="L2" Name="South"></Location><Location OID="L1" Name="North"/>
<User OID="u2"><LoginName> bsample </LoginName><Fax/></User>
<User inf:Active="Yes" OID="u1" inf:DBUID="1"><LoginName>afict</LoginName><FullName>Ada
   Fictus</FullName><Address><StreetName>1 Demo Road</StreetName><StreetName>Floor 2</StreetName></Address><Address/>
<Email>ada.f@example.org</Email><Email>ada@example.org</Email><LocationRef LocationOID="L2"/><LocationRef LocationOID="L1"/>
<inf:GroupRef GroupOID="g2"></inf:GroupRef><inf:GroupRef GroupOID="g1"/></User>
</AdminData></ODM>`, "order, prefixes, white space, empty elements, comments and the prolog are formatting", true},
		{"changed e-mail", strings.Replace(docA, "ada.f@", "ada.x@", 1), "a changed value is a difference", false},
		{"street order", strings.Replace(docA, "<StreetName>1 Demo Road</StreetName><StreetName>Floor 2</StreetName>",
			"<StreetName>Floor 2</StreetName><StreetName>1 Demo Road</StreetName>", 1), "the order of street lines is part of the address", false},
		{"vendor attribute", strings.Replace(docA, `pf:DBUID="1"`, `pf:DBUID="2"`, 1), "a changed vendor attribute is a difference", false},
		{"vendor element", strings.Replace(docA, `<pf:GroupRef GroupOID="g2"/>`, ``, 1), "a removed vendor element is a difference", false},
	}
	a := decode(t, docA)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := decode(t, tc.other)
			d := cmp.Diff(a, b, odmtest.DocumentOptions())
			if (d == "") != tc.equal {
				t.Errorf("%s: equal = %v, want %v\n%s", tc.reason, d == "", tc.equal, d)
			}
		})
	}
}

// TestDocumentOptionsFiles compares two InForm exports of the same data, one reordered and
// re-indented with another prefix (the diff package's fixtures).
func TestDocumentOptionsFiles(t *testing.T) {
	a, err := odm.DecodeFile(filepath.Join("testdata", "source.xml"), odm.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := odm.DecodeFile(filepath.Join("testdata", "reordered.xml"), odm.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The file attributes differ (FileOID, CreationDateTime); the AdminData does not.
	if d := cmp.Diff(a.AdminData(), b.AdminData(), odmtest.DocumentOptions()); d != "" {
		t.Errorf("AdminData differ:\n%s", d)
	}
	if cmp.Equal(a, b, odmtest.DocumentOptions()) {
		t.Error("documents with different FileOIDs compare equal")
	}
}

// TestDirectoryOptions checks the directory options on the same pair read into directories.
func TestDirectoryOptions(t *testing.T) {
	a := odmtest.ReadDirectory(t, filepath.Join("testdata", "source.xml"), mapping.Options{})
	b := odmtest.ReadDirectory(t, filepath.Join("testdata", "reordered.xml"), mapping.Options{})
	if d := cmp.Diff(a, b, odmtest.DirectoryOptions()); d != "" {
		t.Errorf("reordering alone gave differences:\n%s", d)
	}
	b.Users[0].Emails = append(b.Users[0].Emails, "second@example.org")
	if cmp.Equal(a, b, odmtest.DirectoryOptions()) {
		t.Error("an added e-mail address is no difference")
	}
	b = odmtest.ReadDirectory(t, filepath.Join("testdata", "reordered.xml"), mapping.Options{})
	b.Users[0].Emails[0] = " " + strings.ToUpper(b.Users[0].Emails[0])
	if d := cmp.Diff(a, b, odmtest.DirectoryOptions()); d != "" {
		t.Errorf("e-mail case and white space are formatting:\n%s", d)
	}
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	msgs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, format)
	r.msgs[len(r.msgs)-1] = sprintf(format, args...)
}

// TestEqual checks the helper's verdict and message.
func TestEqual(t *testing.T) {
	a := odmtest.ReadDirectory(t, filepath.Join("testdata", "source.xml"), mapping.Options{})
	b := odmtest.ReadDirectory(t, filepath.Join("testdata", "reordered.xml"), mapping.Options{})
	if !odmtest.Equal(t, a, b, diff.Options{}) {
		t.Fatal("reordered export reported different")
	}
	b.Users[1].Status = mapping.StatusDeactivated
	r := &recorder{TB: t}
	if odmtest.Equal(r, a, b, diff.Options{}) {
		t.Fatal("a status change went unnoticed")
	}
	if len(r.msgs) != 1 || !strings.Contains(r.msgs[0], "1 change (want → got):\n\tSTATUS_CHANGE ") {
		t.Errorf("message: %q", r.msgs)
	}
}

// TestReadDirectory checks the three input kinds.
func TestReadDirectory(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := writeFile(p, s); err != nil {
			t.Fatal(err)
		}
		return p
	}
	csv := write("u.csv", "\ufeffFirst Name,Last Name,Email,User Name,Start Date,Study Role,Sites\nAda,Fictus,ada@example.org,afict,05-Jan-2026,Site User,S1\n")
	d := odmtest.ReadDirectory(t, csv, mapping.Options{Study: "S"})
	if len(d.Users) != 1 || d.Users[0].Login != "afict" {
		t.Errorf("CSV: %+v", d.Users)
	}
	js := write("u.json", ` {"studies":[],"sites":[],"users":[{"id":"u1","login":"afict","displayName":"","givenName":"","familyName":"","emails":[],"phones":[],"category":"","status":"","groups":[],"assignments":[]}]}`)
	d = odmtest.ReadDirectory(t, js, mapping.Options{})
	if len(d.Users) != 1 || d.Users[0].ID != "u1" {
		t.Errorf("JSON: %+v", d.Users)
	}
}
