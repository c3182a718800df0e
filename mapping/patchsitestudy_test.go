package mapping

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// studyElementsOf returns the Study elements of an ODM document as written.
func studyElementsOf(doc string) []string {
	return regexp.MustCompile(`(?s)<Study .*?</Study>`).FindAllString(doc, -1)
}

// ocStudiesDoc is an OpenClinica document of the Study elements studies (OID, StudyName,
// ProtocolName, the parent a site study includes: "" for none) and AdminData blocks.
func ocStudiesDoc(studies [][4]string, blocks ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:OpenClinica="http://www.openclinica.org/ns/odm_ext_v130/v3.1" FileOID="F" CreationDateTime="2026-01-10T10:15:00" FileType="Snapshot" ODMVersion="1.3">
`)
	for _, s := range studies {
		b.WriteString(`  <Study OID="` + s[0] + `"><GlobalVariables><StudyName>` + s[1] + `</StudyName><StudyDescription/><ProtocolName>` + s[2] + `</ProtocolName></GlobalVariables>`)
		if s[3] == "" {
			b.WriteString(`<MetaDataVersion OID="v1" Name="v1"/></Study>` + "\n")
		} else {
			b.WriteString(`<MetaDataVersion OID="v1" Name="v1"><Include StudyOID="` + s[3] + `" MetaDataVersionOID="v1"/></MetaDataVersion></Study>` + "\n")
		}
	}
	for _, bl := range blocks {
		b.WriteString("  " + bl + "\n")
	}
	b.WriteString("</ODM>\n")
	return b.String()
}

// TestPatchSiteStudyDetailsKept: OpenClinica holds a site as a site study, a Study
// element whose StudyName, ProtocolName and Include are the site's name, number and
// study. A patch copies the base's Study elements as they are, so what another export (or
// an edited JSON) holds otherwise of a site study the base has, a renamed site say, was
// not written and not reported, where the whole write writes it. It is now reported
// (approximated, subject the site or study), by Patch, PatchStream and
// CompactDirectory.Patch alike, and the base's Study elements are still copied as they
// are.
func TestPatchSiteStudyDetailsKept(t *testing.T) {
	const ann = `<User OID="USR_1"><FullName>Ann Example</FullName><FirstName>Ann</FirstName><LastName>Example</LastName></User>`
	blocks := []string{`<AdminData StudyOID="S_DEMO">` + ann + `</AdminData>`, `<AdminData StudyOID="S_SITE_NL01">` + ann + `</AdminData>`}
	parent := [4]string{"S_DEMO", "Demo Study", "DEMO-001", ""}
	nl := [4]string{"S_SITE_NL01", "Demo Study - Amsterdam", "DEMO-001 - NL01", "S_DEMO"}
	base := ocStudiesDoc([][4]string{parent, nl}, blocks...)
	const kept = "a patch copies the document's Study elements as they are: "
	tests := []struct {
		name, reason string
		other        string
		want         []string // the approximated warnings, "Field|Subject|Message"
	}{
		{"unchanged", "the other export's site studies are the base's: nothing to report",
			base, nil},
		{"site-renamed", "the site study NL01 has another StudyName and ProtocolName (the site's name and number): the base's were kept without a word",
			ocStudiesDoc([][4]string{parent, {"S_SITE_NL01", "Demo Study - Rotterdam", "DEMO-001 - NL02", "S_DEMO"}}, blocks...),
			[]string{
				"Study/GlobalVariables/StudyName|Location S_SITE_NL01|" + kept + "the study keeps the document's StudyName, not the directory's name",
				"Study/GlobalVariables/ProtocolName|Location S_SITE_NL01|" + kept + "the study keeps the document's ProtocolName, not the directory's (a site's number)",
			}},
		{"parent-renamed", "the parent study has another StudyName: a study, not a site, and kept without a word too",
			ocStudiesDoc([][4]string{{"S_DEMO", "Demo Study (renamed)", "DEMO-001", ""}, nl}, blocks...),
			[]string{"Study/GlobalVariables/StudyName|Study S_DEMO|" + kept + "the study keeps the document's StudyName, not the directory's name"}},
		{"site-of-another-study", "the other export has NL01 as a site of another study (its Include): the base's site study keeps its parent",
			ocStudiesDoc([][4]string{parent, {"S_OTHER", "Other Study", "OTHER-001", ""}, {"S_SITE_NL01", "Demo Study - Amsterdam", "DEMO-001 - NL01", "S_OTHER"}},
				`<AdminData StudyOID="S_DEMO">`+ann+`</AdminData>`),
			[]string{"Study/MetaDataVersion/Include/@StudyOID|Location S_SITE_NL01|" + kept + "the site study keeps the parent study it includes in the document, not the directory's study"}},
	}
	for _, tc := range tests {
		if tc.reason == "" {
			t.Fatalf("%s: a case needs a reason", tc.name)
		}
		t.Run(tc.name, func(t *testing.T) {
			out, warn := patchEveryWay(t, tc.other, base, ProfileOpenClinica, CodeApproximated)
			require.Equal(t, tc.want, warn, tc.reason)
			require.Equal(t, studyElementsOf(base), studyElementsOf(out), "the base's Study elements are copied as they are")
			validate(t, []byte(out), odm.V13)
		})
	}
}

// TestPatchSiteStudyOfAnotherVendor: another vendor's site patched into an OpenClinica
// base that has its site study (map --to odm --base of an InForm export) is reported as
// the whole write reports it (approximated, Location): the site study holds none of its
// study versions, country and other details, and a patch does not even write its name.
func TestPatchSiteStudyOfAnotherVendor(t *testing.T) {
	const inform = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Snapshot" FileOID="IN" CreationDateTime="2026-01-11T10:15:00" ODMVersion="1.3">
<AdminData StudyOID="S_DEMO"><User OID="USR_1"><LoginName>ann</LoginName><FirstName>Ann</FirstName><LastName>Example</LastName><LocationRef LocationOID="S_SITE_NL01"/></User><Location OID="S_SITE_NL01" Name="Demo Study - Amsterdam" LocationType="Site" pf:SiteCountry="NLD"><MetaDataVersionRef StudyOID="S_DEMO" MetaDataVersionOID="v1" EffectiveDate="2025-01-01"/></Location></AdminData>
</ODM>
`
	const ann = `<User OID="USR_1"><FullName>Ann Example</FullName><FirstName>Ann</FirstName><LastName>Example</LastName></User>`
	base := ocStudiesDoc([][4]string{{"S_DEMO", "Demo Study", "DEMO-001", ""}, {"S_SITE_NL01", "Demo Study - Amsterdam", "DEMO-001 - NL01", "S_DEMO"}},
		`<AdminData StudyOID="S_DEMO">`+ann+`</AdminData>`, `<AdminData StudyOID="S_SITE_NL01">`+ann+`</AdminData>`)
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	approximated := func(ws []Warning) []string {
		var out []string
		for _, w := range ws {
			if w.Code == CodeApproximated {
				out = append(out, w.Field+"|"+w.Subject)
			}
		}
		return out
	}
	// The whole write says so.
	dir, _, err := FromReader(odm.NewReader(strings.NewReader(inform), odm.ReadOptions{}), Options{})
	require.NoError(t, err)
	ws, err := WriteODM(&bytes.Buffer{}, dir, ProfileOpenClinica, Options{Now: now}, odm.WriteOptions{})
	require.NoError(t, err)
	want := []string{"Location|Location S_SITE_NL01"}
	require.Equal(t, want, approximated(ws), "WriteODM")

	po := PatchOptions{Options: Options{Profile: ProfileOpenClinica, Now: now}, Foreign: true}
	var held bytes.Buffer
	ws, err = Patch(&held, strings.NewReader(base), dir, po)
	require.NoError(t, err)
	require.Equal(t, want, approximated(ws), "Patch")

	c, _, err := ReadCompactODM(odm.NewReader(strings.NewReader(inform), odm.ReadOptions{}), Options{})
	require.NoError(t, err)
	defer c.Close()
	var compact bytes.Buffer
	ws, err = c.Patch(&compact, strings.NewReader(base), PatchOptions{Options: Options{Profile: ProfileOpenClinica, Now: now}})
	require.NoError(t, err)
	require.Equal(t, want, approximated(ws), "CompactDirectory.Patch")
	require.Equal(t, held.String(), compact.String())
	require.Equal(t, studyElementsOf(base), studyElementsOf(held.String()))
}
