package odm_test

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/internal/testenv"
	"github.com/odmadmin/odmadmin/odm"
)

// validate runs xmllint --schema on data and fails the test with its messages.
func validate(t *testing.T, schema string, data []byte) {
	t.Helper()
	xsd := testenv.Shared(t, "reference/schema/"+schema)
	f := writeTemp(t, "doc.xml", data)
	cmd := exec.Command(testenv.Xmllint(t), "--noout", "--nonet", "--schema", xsd, f)
	cmd.Dir = filepath.Dir(xsd)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s rejects the output: %v\n%s\n--- document:\n%s", schema, err, out, data)
	}
}

func user13() *odm.User {
	return &odm.User{
		OID: "USR.1", UserType: odm.UserInvestigator, LoginName: "amorel", DisplayName: "Dr. Ada Morel",
		FullName: "Ada Morel", FirstName: "Ada", LastName: "Morel", Organization: "Springfield Demo Clinic",
		Addresses: []*odm.Address{{StreetNames: []string{"12 Example Lane", "Suite 2"}, City: "Springfield", StateProv: "MA", Country: "US", PostalCode: "01101", OtherText: "rear entrance"}},
		Emails:    []string{"ada.morel@site01.example.org"}, Picture: &odm.Picture{PictureFileName: "ada.png", ImageType: "png"},
		Pager: "+1 617 555 0199", Faxes: []string{"+1 617 555 0111"}, Phones: []string{"+1 617 555 0100"},
		LocationRefs: []*odm.LocationRef{{LocationOID: "SITE.1"}}, Certificates: []string{"CERT-1"},
	}
}

func adminData13() *odm.AdminData {
	return &odm.AdminData{
		StudyOID: "ST.1",
		Users:    []*odm.User{user13()},
		Locations: []*odm.Location{{OID: "SITE.1", Name: "Site 1", LocationType: odm.LocationSite,
			MetaDataVersionRefs: []*odm.MetaDataVersionRef{{StudyOID: "ST.1", MetaDataVersionOID: "MDV.1", EffectiveDate: "2026-01-01"}}}},
		SignatureDefs: []*odm.SignatureDef{{OID: "SIG.1", Methodology: odm.MethodologyElectronic, Meaning: "Approval", LegalReason: "I approve."}},
	}
}

func newDoc(v odm.Version, ads ...*odm.AdminData) *odm.Document {
	doc := odm.NewDocument(v)
	doc.Root.SetAttr("", "", "FileType", "Snapshot")
	doc.Root.SetAttr("", "", "FileOID", "F.1")
	doc.Root.SetAttr("", "", "CreationDateTime", "2026-01-01T00:00:00")
	for _, ad := range ads {
		doc.AddAdminData(ad)
	}
	return doc
}

// TestEmitValidates: documents built from typed values validate against the plain ODM
// 1.3.2 schema (no extensions), the lax 1.3.2 schema (with vendor extensions) and the ODM
// 2.0 schema, whatever order the values were built in.
func TestEmitValidates(t *testing.T) {
	tests := []struct {
		name, reason, schema string
		doc                  func() *odm.Document
	}{
		{"plain-1.3.2", "every 1.3.2 AdminData element, no extensions", "odm1-3-2/ODM1-3-2.xsd",
			func() *odm.Document { return newDoc(odm.V13, adminData13()) }},
		{"two-admindata", "several AdminData per file, one per study", "odm1-3-2/ODM1-3-2.xsd",
			func() *odm.Document {
				b := adminData13()
				b.StudyOID = "ST.2"
				return newDoc(odm.V13, adminData13(), b)
			}},
		{"vendor-extensions", "vendor attributes and elements go where the lax schema allows them", "odm1-3-2-lax/ODM1-3-2-lax-extensions.xsd",
			func() *odm.Document {
				ad := adminData13()
				u := ad.Users[0]
				u.SetInForm(odm.InFormUser{DBUID: "11217", Active: "Yes", GroupRefs: []string{"5954"}})
				u.SetRave(odm.RaveUser{UserRole: "Investigator"})
				ad.Locations[0].MetaDataVersionRefs[0].SetAttr(odm.NSRave, "mdsol", "StudySiteNumber", "101")
				ad.Nodes = append(ad.Nodes, &odm.Element{Name: odm.Name{Space: odm.NSInForm, Prefix: "pf", Local: "GroupDef"},
					Attrs: []odm.Attr{{Name: odm.Name{Local: "OID"}, Value: "5954"}, {Name: odm.Name{Local: "Name"}, Value: "Rights"}, {Name: odm.Name{Local: "GroupType"}, Value: "Rights"}}})
				return newDoc(odm.V13, ad)
			}},
		{"odm-2.0", "every 2.0 AdminData element", "odm2-0/ODM.xsd",
			func() *odm.Document {
				ad := &odm.AdminData{StudyOID: "ST.1",
					Users: []*odm.User{{OID: "U.1", UserType: odm.UserMonitor, OrganizationOID: "ORG.1", LocationOID: "LOC.1",
						LoginName: "cra.yoon", Prefix: "Dr.", Suffix: "PhD", FullName: "Dr. Ji-woo Yoon", FirstName: "Ji-woo", LastName: "Yoon",
						Image:     &odm.Image{ImageFileName: "yoon.jpg", MimeType: "image/jpeg"},
						Addresses: []*odm.Address{{StreetNames: []string{"Demostraat"}, HouseNumber: "1", City: "Leiden", Country: "NLD", GeoPosition: &odm.GeoPosition{Latitude: "52.1", Longitude: "4.5"}}},
						Telecoms:  []*odm.Telecom{{TelecomType: odm.TelecomEmail, Value: "jiwoo.yoon@cro.example.com"}}}},
					Organizations: []*odm.Organization{{OID: "ORG.1", Name: "Demo CRO", Type: odm.OrganizationCRO,
						Description: &odm.Description{TranslatedTexts: []*odm.TranslatedText{{Lang: "en", Type: "text/plain", Text: "A CRO"}}}}},
					Locations: []*odm.Location{{OID: "LOC.1", Name: "Site", Role: "Recruiting site", OrganizationOID: "ORG.1",
						MetaDataVersionRefs: []*odm.MetaDataVersionRef{{StudyOID: "ST.1", MetaDataVersionOID: "MDV.1", EffectiveDate: "2026-01-01"}},
						Telecoms:            []*odm.Telecom{{TelecomType: odm.TelecomPhone, Value: "+31 20 555 0000"}}}},
					SignatureDefs: []*odm.SignatureDef{{OID: "SD.1", Methodology: odm.MethodologyDigital, Meaning: "m", LegalReason: "r"}},
				}
				return newDoc(odm.V20, ad)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NotEmpty(t, tt.reason)
			validate(t, tt.schema, encode(t, tt.doc(), odm.WriteOptions{}))
		})
	}
}

// TestUnrepresentable: a 1.3 value that ODM 2.0 cannot hold is reported, never dropped
// silently: with AllowDrop as a warning, otherwise as an error (see drop_test.go).
func TestUnrepresentable(t *testing.T) {
	doc := newDoc(odm.V20, adminData13())
	var buf bytes.Buffer
	enc := odm.NewEncoder(&buf, odm.WriteOptions{AllowDrop: true})
	require.NoError(t, enc.Encode(doc))
	var msgs []string
	for _, w := range enc.Warnings() {
		require.ErrorIs(t, w, odm.ErrUnrepresentable)
		msgs = append(msgs, w.Msg)
	}
	for _, want := range []string{"User/DisplayName", "User/Email", "User/LocationRef", "User/Certificate", "Location/@LocationType", "more than one StreetName"} {
		require.Contains(t, strings.Join(msgs, "\n"), want)
	}
	err := odm.NewEncoder(io.Discard, odm.WriteOptions{Strict: true}).Encode(doc)
	require.ErrorIs(t, err, odm.ErrUnrepresentable, "Strict makes it an error")
}

// TestJSONLossless: ODM -> JSON -> ODM keeps every AdminData value, vendor attribute and
// element (with namespace URI and prefix), and the root attributes; and JSON output is
// stable across the streaming and whole-document writers.
func TestJSONLossless(t *testing.T) {
	for _, f := range fixtures(t, false) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			doc, err := odm.DecodeFile(f, odm.ReadOptions{})
			require.NoError(t, err)
			var whole, streamed bytes.Buffer
			require.NoError(t, odm.EncodeJSON(&whole, doc))
			raw := readFile(t, f)
			require.NoError(t, odm.StreamJSON(&streamed, odm.NewReader(bytes.NewReader(raw), odm.ReadOptions{})))
			require.Equal(t, whole.String(), streamed.String(), "EncodeJSON and StreamJSON agree")

			back, err := odm.DecodeJSON(bytes.NewReader(whole.Bytes()), odm.ReadOptions{})
			require.NoError(t, err)
			require.Equal(t, doc.Version, back.Version)
			require.Equal(t, doc.Root.Attrs, back.Root.Attrs)
			if d := cmp.Diff(doc.AdminData(), back.AdminData(), typedOnly()); d != "" {
				t.Errorf("AdminData changed through JSON (-odm +json):\n%s", d)
			}
			// And the XML written from JSON reads back to the same values.
			again, err := odm.Decode(bytes.NewReader(encode(t, back, odm.WriteOptions{})), odm.ReadOptions{})
			require.NoError(t, err)
			if d := cmp.Diff(doc.AdminData(), again.AdminData(), typedOnly()); d != "" {
				t.Errorf("AdminData changed through JSON and XML (-odm +again):\n%s", d)
			}
		})
	}
}

// TestJSONErrors: malformed JSON is reported with a position or a path, wrapping ErrJSON.
func TestJSONErrors(t *testing.T) {
	tests := []struct{ name, reason, in, want string }{
		{"syntax", "a syntax error names line and column", "{\"odm\": {\"version\": \"1.3\"},\n \"adminData\": [ }", "in.json:2:"},
		{"truncated", "truncated input", `{"odm": {"version": "1.3"}`, "unexpected end"},
		{"unknown-key", "a typo in a key is an error, not silently ignored", `{"odm":{"version":"1.3"},"adminData":[{"users":[{"oid":"u","emial":"x"}]}]}`, "adminData[0].users[0].emial: unknown key"},
		{"bad-version", "the version is checked", `{"odm":{"version":"9"}}`, "odm.version"},
		{"wrong-type", "types are checked", `{"odm":{"version":"1.3"},"adminData":[{"users":[{"oid":1}]}]}`, "adminData[0].users[0].oid: must be a string"},
		{"bad-node", "node types are checked", `{"odm":{"version":"1.3"},"adminData":[{"nodes":[{"type":"blob"}]}]}`, "nodes[0].type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := odm.DecodeJSON(strings.NewReader(tt.in), odm.ReadOptions{Name: "in.json"})
			require.ErrorIs(t, err, odm.ErrJSON, tt.reason)
			require.Contains(t, err.Error(), tt.want, tt.reason)
		})
	}
}

// TestStreamingMatchesDecode: the Reader yields the same typed values as Decode, and a
// Writer fed with them writes a document that decodes to the same AdminData.
func TestStreamingMatchesDecode(t *testing.T) {
	for _, f := range fixtures(t, false) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			doc, err := odm.DecodeFile(f, odm.ReadOptions{})
			require.NoError(t, err)
			r := odm.NewReader(bytes.NewReader(readFile(t, f)), odm.ReadOptions{})
			hdr, err := r.Header()
			require.NoError(t, err)
			var out bytes.Buffer
			w := odm.NewWriter(&out, odm.WriteOptions{})
			require.NoError(t, w.WriteHeader(hdr))
			var got []*odm.AdminData
			for n, err := range r.All() {
				require.NoError(t, err)
				require.NoError(t, w.Write(n))
				switch v := n.(type) {
				case *odm.AdminData:
					got = append(got, v)
				case *odm.User:
					got[len(got)-1].Users = append(got[len(got)-1].Users, v)
				case *odm.Location:
					got[len(got)-1].Locations = append(got[len(got)-1].Locations, v)
				case *odm.SignatureDef:
					got[len(got)-1].SignatureDefs = append(got[len(got)-1].SignatureDefs, v)
				case *odm.Organization:
					got[len(got)-1].Organizations = append(got[len(got)-1].Organizations, v)
				default:
					got[len(got)-1].Nodes = append(got[len(got)-1].Nodes, v)
				}
			}
			require.NoError(t, w.Close())
			if d := cmp.Diff(doc.AdminData(), got, typedOnly()); d != "" {
				t.Errorf("Reader differs from Decode (-decode +reader):\n%s", d)
			}
			back, err := odm.Decode(&out, odm.ReadOptions{})
			require.NoError(t, err)
			if d := cmp.Diff(doc.AdminData(), back.AdminData(), typedOnly()); d != "" {
				t.Errorf("Writer output differs (-decode +written):\n%s", d)
			}
		})
	}
}

// TestVendorViews: typed InForm and Rave views read the pf: and mdsol: values by namespace
// URI, whatever prefix the file used.
func TestVendorViews(t *testing.T) {
	_, doc := informFixture(t)
	ad := doc.AdminData()[0]
	u := ad.Users[0].InForm()
	require.Equal(t, odm.InFormUser{DBUID: "11217", GUID: "{8B980147-0531-4DD5-9B86-0000000A0001}", Revision: "4", StudyLocale: "en-US",
		Active: "Yes", Terminated: "No", InFormUserType: "Site", GroupRefs: []string{"5954", "6010"}}, u)
	loc := ad.Locations[0].InForm()
	require.Equal(t, "01", loc.Mnemonic)
	require.Equal(t, "(GMT-05:00) Eastern Time (US & Canada)", loc.SiteTimezone)
	note, ok := ad.Locations[0].Attr(odm.NSInForm, "Note")
	require.True(t, ok, "an alias prefix (inf:) bound to the pf: URI is found by URI")
	require.Equal(t, "line one\nline\ttwo", note)
	groups := ad.InFormGroups()
	require.Len(t, groups, 4)
	require.Equal(t, odm.InFormGroup{OID: "5954", Name: "Site Investigator Rights", GroupType: "Rights", Rights: []string{"Enter Data", "Sign CRB"}}, groups[0])
	require.Equal(t, "SV-020108", ad.Locations[0].LatestMetaDataVersionRef().MetaDataVersionOID)

	rave, err := odm.DecodeFile(filepath.Join(testenv.RepoRoot(), "testdata", "rave", "mediflex-users.xml"), odm.ReadOptions{})
	require.NoError(t, err)
	rad := rave.AdminData()[0]
	require.Equal(t, odm.RaveUser{Active: "Yes", UserGroup: "Sponsor", SiteGroup: "World", UserRole: "Clinical Research Associate"}, rad.Users[1].Rave())
	require.Equal(t, "No", rad.Locations[1].RaveActive())
	require.Equal(t, "101", rad.Locations[0].MetaDataVersionRefs[0].RaveStudySiteNumber())
	active, ok := odm.YesNo(rad.Users[2].Rave().Active)
	require.True(t, ok)
	require.False(t, active)
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}
