package mapping_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// leftOutDoc is an InForm export with what a user table has no place for: a group
// definition, two signature definitions and a vendor element of AdminData (fictitious).
const leftOutDoc = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Snapshot" FileOID="F1" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="1.3.2">
  <AdminData StudyOID="ST1">
    <User OID="u1" pf:Active="Yes" pf:Terminated="No" pf:InFormUserType="Site">
      <LoginName>amorel</LoginName>
      <FirstName>Ana</FirstName>
      <LastName>Morel</LastName>
      <Email>ana.morel@example.org</Email>
      <LocationRef LocationOID="10001"/>
      <pf:GroupRef GroupOID="5001"/>
    </User>
    <Location OID="10001" Name="Contoso Clinic" LocationType="Site">
      <MetaDataVersionRef StudyOID="ST1" MetaDataVersionOID="V1" EffectiveDate="2025-01-01"/>
    </Location>
    <SignatureDef OID="SD1" Methodology="Electronic"><Meaning>Approval</Meaning><LegalReason>I approve.</LegalReason></SignatureDef>
    <SignatureDef OID="SD2" Methodology="Electronic"><Meaning>Review</Meaning><LegalReason>Reviewed.</LegalReason></SignatureDef>
    <pf:GroupDef OID="5001" Name="CRC Rights" GroupType="Rights"/>
    <pf:ProductLocale xml:lang="en-US"/>
  </AdminData>
</ODM>
`

// TestTablesWarnWhatTheyLeaveOut: the Clinical One template (CSV and workbook) and the
// OpenClinica 4 user table hold users only. The template left the signature definitions,
// group definitions and AdminData's vendor elements out without a word; each is now a
// warning with its count, from the streamed and the whole-directory writers alike.
func TestTablesWarnWhatTheyLeaveOut(t *testing.T) {
	open := func() (*odm.Reader, error) {
		return odm.NewReader(strings.NewReader(leftOutDoc), odm.ReadOptions{}), nil
	}
	dir, _, err := mapping.FromReader(odm.NewReader(strings.NewReader(leftOutDoc), odm.ReadOptions{}), mapping.Options{})
	if err != nil {
		t.Fatal(err)
	}
	opts := mapping.Options{Study: "ST1"}
	for _, tc := range []struct {
		name, why string
		write     func() ([]mapping.Warning, error)
	}{
		{"csv-streamed", "the template holds users only", func() ([]mapping.Warning, error) {
			return mapping.WriteClinicalOneCSVFrom(io.Discard, open, opts)
		}},
		{"xlsx-streamed", "the template holds users only", func() ([]mapping.Warning, error) {
			return mapping.WriteClinicalOneXLSXFrom(io.Discard, open, opts)
		}},
		{"csv-directory", "the template holds users only", func() ([]mapping.Warning, error) {
			return mapping.WriteClinicalOneCSV(io.Discard, dir, opts)
		}},
		{"xlsx-directory", "the template holds users only", func() ([]mapping.Warning, error) {
			return mapping.WriteClinicalOneXLSX(&bytes.Buffer{}, dir, opts)
		}},
		{"oc4-streamed", "the user table holds users only", func() ([]mapping.Warning, error) {
			return mapping.WriteOC4UsersFrom(io.Discard, open, opts)
		}},
		{"oc4-directory", "the user table holds users only", func() ([]mapping.Warning, error) {
			return mapping.WriteOC4Users(io.Discard, dir, opts)
		}},
	} {
		ws, err := tc.write()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		want := map[string]int{"SignatureDef": 2, "Group": 1, "AdminData": 1}
		for _, w := range ws {
			if w.Code == mapping.CodeUnrepresentable && strings.HasPrefix(w.Message, tc.why) {
				if n, ok := want[w.Field]; ok {
					if w.Count != n {
						t.Errorf("%s: %s: count %d, want %d", tc.name, w.Field, w.Count, n)
					}
					delete(want, w.Field)
				}
			}
		}
		for field := range want {
			t.Errorf("%s: no warning that the %s records are left out", tc.name, field)
		}
	}
}

// TestMergeWarnsAdminDataElements: several inputs merged into one directory keep no
// AdminData of their own, so a vendor element read directly inside one (InForm's
// pf:ProductLocale) was left out of every output without a word. Merge and MergeStream
// report each with its file.
func TestMergeWarnsAdminDataElements(t *testing.T) {
	read := func() *mapping.Directory {
		d, _, err := mapping.FromReader(odm.NewReader(strings.NewReader(leftOutDoc), odm.ReadOptions{}), mapping.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	second := strings.ReplaceAll(leftOutDoc, "ST1", "ST2")
	check := func(how string, ws []mapping.Warning) {
		t.Helper()
		for _, w := range ws {
			if w.Code == mapping.CodeNotCarried && w.Field == "AdminData/pf:ProductLocale" {
				if w.Count != 2 || w.File != "a.xml" {
					t.Errorf("%s: count %d, file %q; want 2 and a.xml", how, w.Count, w.File)
				}
				return
			}
		}
		t.Errorf("%s: no warning that pf:ProductLocale is left out: %+v", how, ws)
	}
	b, _, err := mapping.FromReader(odm.NewReader(strings.NewReader(second), odm.ReadOptions{}), mapping.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, ws := mapping.MergeNamed([]string{"a.xml", "b.xml"}, read(), b)
	check("MergeNamed", ws)

	ms, err := mapping.NewMergeStream()
	if err != nil {
		t.Fatal(err)
	}
	defer ms.Close()
	for _, f := range []struct{ name, doc string }{{"a.xml", leftOutDoc}, {"b.xml", second}} {
		if _, err := ms.AddODM(f.name, odm.NewReader(strings.NewReader(f.doc), odm.ReadOptions{}), mapping.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	check("MergeStream", ms.Warnings())
}

// TestStudylessAccessWarned: users read from an AdminData without a StudyOID (Rave's
// Users.odm), merged with a file whose sites name a study, were written into that
// study's block without a word; the document then said they had access there. Alone,
// the file is written back as one block without a study, and nothing is approximated.
func TestStudylessAccessWarned(t *testing.T) {
	const users = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:mdsol="http://www.mdsol.com/ns/odm/metadata" ODMVersion="1.3" FileType="Snapshot" FileOID="U" CreationDateTime="2026-01-05T10:00:00">
  <AdminData>
    <User OID="jdoe" mdsol:Active="Yes" mdsol:UserRole="Batch Upload">
      <LoginName>jdoe</LoginName>
      <LocationRef LocationOID="S1"/>
    </User>
  </AdminData>
</ODM>
`
	const sites = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:mdsol="http://www.mdsol.com/ns/odm/metadata" ODMVersion="1.3" FileType="Snapshot" FileOID="S" CreationDateTime="2026-01-05T10:00:00">
  <AdminData>
    <Location OID="S1" Name="Contoso Clinic" LocationType="Site" mdsol:Active="Yes">
      <MetaDataVersionRef StudyOID="Demo(Dev)" MetaDataVersionOID="1" EffectiveDate="2025-01-01"/>
    </Location>
  </AdminData>
</ODM>
`
	read := func(doc string) *mapping.Directory {
		d, _, err := mapping.FromReader(odm.NewReader(strings.NewReader(doc), odm.ReadOptions{}), mapping.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	approximated := func(d *mapping.Directory) bool {
		ws, err := mapping.WriteODM(io.Discard, d, mapping.ProfileRave, mapping.Options{}, odm.WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range ws {
			if w.Code == mapping.CodeApproximated && w.Field == "Assignment/study" {
				return true
			}
		}
		return false
	}
	merged, _ := mapping.MergeNamed([]string{"users.xml", "sites.xml"}, read(users), read(sites))
	if !approximated(merged) {
		t.Error("merged with a file of study blocks: no warning that the study-less access was put into them")
	}
	if approximated(read(users)) {
		t.Error("the file alone is written back as a block without a study: nothing to warn about")
	}
}
