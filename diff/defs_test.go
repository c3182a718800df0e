package diff_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/diff"
	"github.com/odmadmin/odmadmin/mapping"
)

// defsDir is an ODM 2.0 directory with organizations and signature definitions (fictitious).
func defsDir() *mapping.Directory {
	return &mapping.Directory{
		Source: &mapping.FileSource{Vendor: mapping.ProfileODM2},
		Organizations: []*mapping.Organization{
			{ID: "ORG.SP", Name: "Northwind Pharma", Type: "Sponsor", Study: "ST1",
				Telecoms: []mapping.Telecom{{Type: "URL", Value: "https://northwind.example.com"}}},
			{ID: "ORG.CRO", Name: "Fabrikam CRO", Type: "CRO", PartOf: "ORG.SP", Study: "ST1",
				Addresses: []mapping.Address{{City: "Utrecht", Country: "NLD"}}},
		},
		Signatures: []*mapping.Signature{
			{ID: "SD.PI", Methodology: "Electronic", Meaning: "Investigator approval", LegalReason: "I approve.", Study: "ST1"},
			{ID: "SD.DM", Methodology: "Electronic", Meaning: "Data review", LegalReason: "Reviewed.", Study: "ST1",
				Source: &mapping.Source{Attrs: []mapping.Attr{{Space: "urn:example:ext", Name: "Level", Value: "1"}}}},
		},
	}
}

func TestOrganizationsAndSignatures(t *testing.T) {
	for _, tc := range []struct {
		name, reason string
		edit         func(d *mapping.Directory)
		opts         diff.Options
		want         []diff.Change
	}{
		{"same", "the same records in another order are no change", func(d *mapping.Directory) {
			d.Organizations[0], d.Organizations[1] = d.Organizations[1], d.Organizations[0]
			d.Signatures[0], d.Signatures[1] = d.Signatures[1], d.Signatures[0]
		}, diff.Options{}, nil},
		{"white-space", "white space in a meaning does not count by default", func(d *mapping.Directory) {
			d.Signatures[0].Meaning = " Investigator  approval "
		}, diff.Options{}, nil},
		{"white-space-exact", "with ExactText it does", func(d *mapping.Directory) {
			d.Signatures[0].Meaning = "Investigator  approval"
		}, diff.Options{ExactText: true}, []diff.Change{
			{Event: diff.SignatureDefChange, Target: "Investigator approval (SD.PI)", ValueType: "meaning", Old: "Investigator approval", New: "Investigator  approval"}}},
		{"legal-reason", "a changed legal reason is what a signer agrees to: a change", func(d *mapping.Directory) {
			d.Signatures[0].LegalReason = "I approve the casebook."
		}, diff.Options{}, []diff.Change{
			{Event: diff.SignatureDefChange, Target: "Investigator approval (SD.PI)", ValueType: "legalReason", Old: "I approve.", New: "I approve the casebook."}}},
		{"signature-added-removed", "a definition only one side has is added or removed", func(d *mapping.Directory) {
			d.Signatures[1] = &mapping.Signature{ID: "SD.MON", Methodology: "Digital", Meaning: "Monitor sign-off", Study: "ST1"}
		}, diff.Options{}, []diff.Change{
			{Event: diff.SignatureDefRemoved, Target: "Data review (SD.DM)"},
			{Event: diff.SignatureDefAdded, Target: "Monitor sign-off (SD.MON)"}}},
		{"signature-extension", "a vendor attribute of a definition is compared as a site's", func(d *mapping.Directory) {
			d.Signatures[1].Source = &mapping.Source{Attrs: []mapping.Attr{{Space: "urn:example:ext", Name: "Level", Value: "2"}}}
		}, diff.Options{}, []diff.Change{
			{Event: diff.ExtensionChange, Target: "Data review (SD.DM)", ValueType: "{urn:example:ext}Level", Old: "1", New: "2"}}},
		{"signature-extension-ignored", "IgnoreExtensions leaves it out", func(d *mapping.Directory) {
			d.Signatures[1].Source = nil
		}, diff.Options{IgnoreExtensions: true}, nil},
		{"org-fields", "each changed field of an organization is one change", func(d *mapping.Directory) {
			o := d.Organizations[1]
			o.PartOf, o.Type = "", "Vendor"
			o.Addresses = []mapping.Address{{City: "Leiden", Country: "NLD"}}
		}, diff.Options{}, []diff.Change{
			{Event: diff.OrganizationChange, Target: "Fabrikam CRO (ORG.CRO)", ValueType: "type", Old: "CRO", New: "Vendor"},
			{Event: diff.OrganizationChange, Target: "Fabrikam CRO (ORG.CRO)", ValueType: "partOf", Old: "ORG.SP", New: ""},
			{Event: diff.OrganizationChange, Target: "Fabrikam CRO (ORG.CRO)", ValueType: "addresses", Old: "Utrecht, NLD", New: "Leiden, NLD"}}},
		{"org-telecom", "a changed contact of an organization", func(d *mapping.Directory) {
			d.Organizations[0].Telecoms = []mapping.Telecom{{Type: "URL", Value: "https://northwind.example.org"}}
		}, diff.Options{}, []diff.Change{
			{Event: diff.OrganizationChange, Target: "Northwind Pharma (ORG.SP)", ValueType: "telecoms", Old: "URL: https://northwind.example.com", New: "URL: https://northwind.example.org"}}},
		{"org-removed", "an organization only A has is removed", func(d *mapping.Directory) {
			d.Organizations = d.Organizations[:1]
		}, diff.Options{}, []diff.Change{{Event: diff.OrganizationRemoved, Target: "Fabrikam CRO (ORG.CRO)"}}},
		{"repeated-oid", "a side that repeats an OID has its second record compared too, not dropped", func(d *mapping.Directory) {
			again := *d.Signatures[0]
			d.Signatures = append(d.Signatures, &again)
		}, diff.Options{}, []diff.Change{{Event: diff.SignatureDefAdded, Target: "Investigator approval (SD.PI)"}}},
		{"other-study", "a definition of another study's AdminData is another definition", func(d *mapping.Directory) {
			d.Signatures[0].Study = "ST2"
		}, diff.Options{}, []diff.Change{
			{Event: diff.SignatureDefRemoved, Target: "Investigator approval (SD.PI)"},
			{Event: diff.SignatureDefAdded, Target: "Investigator approval (SD.PI)"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := defsDir()
			tc.edit(b)
			got := diff.Compare(defsDir(), b, tc.opts)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, d)
			}
			side, err := diff.CompareSides(context.Background(), diff.DirectorySide(defsDir()), diff.DirectorySide(b), diff.SidesOptions{Options: tc.opts})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(got, side); d != "" {
				t.Errorf("CompareSides differs from Compare (-Compare +CompareSides):\n%s", d)
			}
		})
	}
}

// TestDefinitionsAcrossProfiles: a profile that cannot hold a kind of record does not
// make every record of the other side an addition.
func TestDefinitionsAcrossProfiles(t *testing.T) {
	v13 := defsDir()
	v13.Source = &mapping.FileSource{Vendor: mapping.ProfileODM}
	v13.Organizations = nil
	v13.Signatures[0].Meaning = "Approval by the investigator"
	got := diff.Compare(v13, defsDir(), diff.Options{})
	want := []diff.Change{{Event: diff.SignatureDefChange, Target: "Investigator approval (SD.PI)", ValueType: "meaning",
		Old: "Approval by the investigator", New: "Investigator approval"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ODM 1.3 against 2.0: organizations are not compared, signature definitions are (-want +got):\n%s", d)
	}
	template := &mapping.Directory{Source: &mapping.FileSource{Vendor: mapping.ProfileClinicalOne}}
	if got := diff.Compare(template, defsDir(), diff.Options{}); len(got) != 0 {
		t.Errorf("a Clinical One template holds neither: got %+v", got)
	}
	if got := diff.Compare(template, defsDir(), diff.Options{AllFields: true}); len(got) != 4 {
		t.Errorf("AllFields compares them anyway: want 4 additions, got %+v", got)
	}
}

// TestDefinitionsFromFiles reads two ODM 2.0 files through the streaming path the
// command takes (ODMFile sides) and expects the edits made to the second.
func TestDefinitionsFromFiles(t *testing.T) {
	const doc = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v2.0" FileType="Snapshot" FileOID="F1" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="2.0">
  <AdminData StudyOID="ST1">
    <User OID="U1" UserType="Investigator" OrganizationOID="ORG.SITE">
      <UserName>amorel</UserName>
      <GivenName>Ana</GivenName>
      <FamilyName>Morel</FamilyName>
    </User>
    <Organization OID="ORG.SP" Name="Northwind Pharma" Type="Sponsor"/>
    <Organization OID="ORG.SITE" Name="Contoso Clinic" Type="Site" PartOfOrganizationOID="ORG.SP"/>
    <SignatureDef OID="SD.PI" Methodology="Electronic">
      <Meaning>Investigator approval</Meaning>
      <LegalReason>I approve.</LegalReason>
    </SignatureDef>
  </AdminData>
</ODM>
`
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.xml", doc)
	edited := strings.NewReplacer(` PartOfOrganizationOID="ORG.SP"`, "", "Methodology=\"Electronic\"", "Methodology=\"Digital\"").Replace(doc)
	b := write("b.xml", edited)
	got, err := diff.CompareSides(context.Background(), diff.ODMFile(a, mapping.Options{}), diff.ODMFile(b, mapping.Options{}), diff.SidesOptions{Align: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []diff.Change{
		{Event: diff.OrganizationChange, Target: "Contoso Clinic (ORG.SITE)", ValueType: "partOf", Old: "ORG.SP"},
		{Event: diff.SignatureDefChange, Target: "Investigator approval (SD.PI)", ValueType: "methodology", Old: "Electronic", New: "Digital"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if same, err := diff.CompareSides(context.Background(), diff.ODMFile(a, mapping.Options{}), diff.ODMFile(a, mapping.Options{}), diff.SidesOptions{Align: true}); err != nil || len(same) != 0 {
		t.Errorf("a file against itself: %+v, %v", same, err)
	}
}
