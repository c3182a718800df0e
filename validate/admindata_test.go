package validate

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

const adminDataDir = "testdata/admindata"

// adminDataCase is one fixture; adminDataCases lists every fixture in testdata/admindata and why it exists. The expected
// findings live in the fixtures: a comment "want: CODE:SEVERITY ..." on the line a finding
// must cite, so expectations stay next to the XML they are about.
type adminDataCase struct {
	file   string
	reason string
	opts   AdminDataOptions
}

var adminDataCases = []adminDataCase{
	{file: "clean13.xml", reason: "a consistent ODM 1.3.2 file, with an OID shared across element types, has no findings"},
	{file: "clean20.xml", reason: "a consistent ODM 2.0 file with Organizations and Telecoms has no findings"},
	{file: "oidNotUnique.xml", reason: "OIDs repeat per element type within one AdminData only"},
	{file: "loginNameNotUnique.xml", reason: "login names collide ignoring case, per AdminData"},
	{file: "danglingStudyOID.xml", reason: "AdminData/@StudyOID must name a Study of a Snapshot file"},
	{file: "danglingMetaDataVersionRef.xml", reason: "MetaDataVersionRef must name a Study and one of its MetaDataVersions"},
	{file: "danglingLocationRef.xml", reason: "LocationRef and SiteRef, in AdminData and ClinicalData, must name a Location"},
	{file: "danglingOrganizationRef.xml", reason: "ODM 2.0 Organization references must resolve, and so must User/@LocationOID"},
	{file: "organizationCycle.xml", reason: "no Organization is part of itself through PartOfOrganizationOID; check passed such a cycle"},
	{file: "danglingUserRef.xml", reason: "UserRef and InvestigatorRef in ClinicalData must name a User"},
	{file: "danglingSignatureRef.xml", reason: "SignatureRef must name a SignatureDef"},
	{file: "missingAttribute.xml", reason: "required ODM 1.3 attributes, missing or empty"},
	{file: "missingAttribute20.xml", reason: "required ODM 2.0 attributes of Organization and Telecom"},
	{file: "missingMetaDataVersionRef.xml", reason: "a Location needs a MetaDataVersionRef; the reader's warning is not repeated"},
	{file: "missingMeaning.xml", reason: "a SignatureDef needs a non-blank Meaning"},
	{file: "missingLegalReason.xml", reason: "a SignatureDef needs a non-blank LegalReason"},
	{file: "invalidUserType.xml", reason: "UserType from the file version's value list, case-sensitive"},
	{file: "invalidLocationType.xml", reason: "LocationType from the ODM 1.3 value list"},
	{file: "invalidMethodology.xml", reason: "Methodology is Digital or Electronic"},
	{file: "invalidTelecomType.xml", reason: "TelecomType from the ODM 2.0 value list"},
	{file: "invalidOrganizationType.xml", reason: "Organization/@Type from the ODM 2.0 value list"},
	{file: "invalidEffectiveDate.xml", reason: "EffectiveDate must be a real date"},
	{file: "effectiveDateTime.xml", reason: "a dateTime EffectiveDate is a warning, a zoned date is fine"},
	{file: "effectiveDateOrder.xml", reason: "EffectiveDates increase per Location and Study"},
	{file: "invalidEmail.xml", reason: "ODM 1.3 Email syntax; empty ones are the reader's"},
	{file: "invalidEmail20.xml", reason: "ODM 2.0 Telecom Email syntax"},
	{file: "invalidPhone.xml", reason: "ODM 1.3 Phone, Fax and Pager look like numbers"},
	{file: "invalidPhone20.xml", reason: "ODM 2.0 Telecom numbers look like numbers; URL and Other are free"},
	{file: "invalidCountry.xml", reason: "ODM 1.3 countries are ISO 3166-1 alpha-2"},
	{file: "invalidCountry20.xml", reason: "ODM 2.0 countries are alpha-2 or alpha-3, in every kind of Address"},
	{file: "investigatorWithoutLocation.xml", reason: "an ODM 1.3 Investigator without LocationRef"},
	{file: "investigatorWithoutLocation20.xml", reason: "an ODM 2.0 Investigator without LocationOID"},
	{file: "elementOrder.xml", reason: "children out of schema order at the root and inside AdminData"},
	{file: "unknownContent.xml", reason: "reader warnings about content outside the ODM model"},
	{file: "unexpectedText.xml", reason: "reader warnings about text in element-only content"},
	{file: "emptyElement.xml", reason: "reader warnings about empty elements, at the element"},
	{file: "consecutiveSpaces.xml", reason: "reader warnings about doubled spaces, at the element"},
	{file: "oidWhitespace.xml", reason: "OpenClinica writes UserRef UserOID=\"USR_3 \" with a trailing space: a quirk warning, not a dangling-reference error"},
	{file: "series-transactional.xml", reason: "a Transactional file makes unresolved references warnings"},
	{file: "series-prior.xml", reason: "a PriorFileOID makes unresolved references warnings"},
	{file: "series-option.xml", reason: "the Series option makes unresolved references warnings, nothing else", opts: AdminDataOptions{Series: true}},
	{file: "granularity-admindata.xml", reason: "Granularity=AdminData makes Study references warnings, not Location references"},
	{file: "granularity-allclinicaldata.xml", reason: "Granularity=\"AllClinicalData\" files: references to AdminData the file does not carry are warnings, as they are for Granularity=\"AdminData\""},
}

// wantComment matches an expectation comment; wantItem one CODE:SEVERITY in it.
var (
	wantComment = regexp.MustCompile(`<!-- want:([^>]*)-->`)
	wantItem    = regexp.MustCompile(`^(admin\.[A-Za-z]+):(error|warning)$`)
)

// fixtureWants reads the expectations of a fixture as "line code severity" strings.
func fixtureWants(t *testing.T, src []byte) []string {
	t.Helper()
	var out []string
	for i, line := range strings.Split(string(src), "\n") {
		for _, m := range wantComment.FindAllStringSubmatch(line, -1) {
			for _, item := range strings.Fields(m[1]) {
				w := wantItem.FindStringSubmatch(item)
				if w == nil {
					t.Fatalf("line %d: bad want item %q", i+1, item)
				}
				out = append(out, fmt.Sprintf("%d %s %s", i+1, w[1], w[2]))
			}
		}
	}
	slices.Sort(out)
	return out
}

func summary(fs []Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%d %s %s", f.Line, f.Code, f.Severity))
	}
	slices.Sort(out)
	return out
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(adminDataDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func checkXML(t testing.TB, src []byte, opts AdminDataOptions) []Finding {
	t.Helper()
	fs, err := CheckAdminDataXML(bytes.NewReader(src), opts)
	if err != nil {
		t.Fatalf("CheckAdminDataXML: %v", err)
	}
	return fs
}

func TestCheckAdminDataFixtures(t *testing.T) {
	listed := map[string]bool{}
	for _, tc := range adminDataCases {
		if tc.reason == "" {
			t.Fatalf("%s: every case needs a reason", tc.file)
		}
		listed[tc.file] = true
		t.Run(strings.TrimSuffix(tc.file, ".xml"), func(t *testing.T) {
			src := readFixture(t, tc.file)
			want := fixtureWants(t, src)
			got := summary(checkXML(t, src, tc.opts))
			if !slices.Equal(got, want) {
				t.Errorf("%s (%s)\n got  %q\n want %q", tc.file, tc.reason, got, want)
			}
		})
	}
	files, _ := filepath.Glob(filepath.Join(adminDataDir, "*.xml"))
	for _, f := range files {
		if !listed[filepath.Base(f)] {
			t.Errorf("%s is not in adminDataCases", f)
		}
	}
}

// TestEveryAdminCodeHasFixture: each code has a fixture named after it that produces it,
// so a reader finds the example of a code by its name. admin.readerWarning has none: the
// reader has no warning that escapes the classification today (see
// TestReaderWarningFallback); admin.mergeConflict is between two files (TestCheckAcrossFiles).
func TestEveryAdminCodeHasFixture(t *testing.T) {
	for _, ci := range adminDataCodeTable {
		if ci.code == CodeReaderWarning || ci.code == CodeMergeConflict {
			continue // admin.mergeConflict takes two files: TestCheckAcrossFiles
		}
		name := strings.TrimPrefix(string(ci.code), "admin.") + ".xml"
		if !slices.ContainsFunc(adminDataCases, func(c adminDataCase) bool { return c.file == name }) {
			t.Errorf("%s: no fixture %s", ci.code, name)
			continue
		}
		if !slices.ContainsFunc(checkXML(t, readFixture(t, name), AdminDataOptions{}), func(f Finding) bool { return f.Code == ci.code }) {
			t.Errorf("%s does not produce %s", name, ci.code)
		}
	}
}

// syntheticReaderWarning is a document with a reader warning the classification does not
// know, standing for one a future odm version may add.
func syntheticReaderWarning(t testing.TB) *odm.Document {
	doc, err := odm.Decode(bytes.NewReader(readFixture(t, "clean13.xml")), odm.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	doc.Warnings = append(doc.Warnings, nil, &odm.Error{Line: 7, Col: 3, Err: odm.ErrQuirk, Msg: "a quirk nobody has seen yet"},
		&odm.Error{Line: 8, Col: 1, Err: errors.New("other")})
	return doc
}

func TestReaderWarningFallback(t *testing.T) {
	got := CheckAdminData(syntheticReaderWarning(t), AdminDataOptions{})
	want := []Finding{
		{Severity: SeverityWarning, Code: CodeReaderWarning, Line: 7, Column: 3, Message: "odm reader: a quirk nobody has seen yet"},
		{Severity: SeverityWarning, Code: CodeReaderWarning, Line: 8, Column: 1, Message: "odm reader: other"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// adminDataFixtureFindings returns the findings of every AdminData test input, for the
// package-wide test that every code in the table is produced by some test.
func adminDataFixtureFindings(t *testing.T) []Finding {
	var out []Finding
	for _, tc := range adminDataCases {
		out = append(out, checkXML(t, readFixture(t, tc.file), tc.opts)...)
	}
	out = append(out, CheckAdminData(syntheticReaderWarning(t), AdminDataOptions{})...)
	// admin.mergeConflict: one user in two files, with two first names.
	two := map[string]string{
		"a.xml": crossPage(`<User OID="U1"><FirstName>Ana</FirstName></User>`),
		"b.xml": crossPage(`<User OID="U1"><FirstName>Anna</FirstName></User>`),
	}
	fs, err := CheckAdminDataInputs(inputsOf(two, "a.xml", "b.xml"), AdminDataOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return append(append(out, fs[0]...), fs[1]...)
}

func TestAdminDataValuesOption(t *testing.T) {
	src := readFixture(t, "invalidEmail.xml")
	plain := checkXML(t, src, AdminDataOptions{})
	values := checkXML(t, src, AdminDataOptions{Values: true})
	if len(plain) != len(values) {
		t.Fatalf("Values changed the number of findings: %d vs %d", len(plain), len(values))
	}
	var got []string
	for i := range plain {
		if plain[i].Value != "" {
			t.Errorf("value without Options.Values: %+v", plain[i])
		}
		v := values[i]
		v.Value = ""
		if v != plain[i] {
			t.Errorf("Values changed more than Value:\n%+v\n%+v", plain[i], values[i])
		}
		if values[i].Code == CodeInvalidEmail {
			got = append(got, values[i].Value)
		}
	}
	want := []string{"bjorn.falk at site one", "bjorn.falk@clinic", "Bjorn Falk <bjorn.falk@clinic.example>",
		`"bjorn falk"@clinic.example`, "bjorn..falk@clinic.example", "bjorn.falk@-clinic.example"}
	if !slices.Equal(got, want) {
		t.Errorf("values:\n got  %q\n want %q", got, want)
	}
}

// TestAdminDataNoPersonalData checks every message of every fixture against the personal
// values of that fixture: names, login names, e-mail addresses, numbers, address parts.
func TestAdminDataNoPersonalData(t *testing.T) {
	for _, tc := range adminDataCases {
		src := readFixture(t, tc.file)
		doc, err := odm.Decode(bytes.NewReader(src), odm.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var personal []string
		addAddr := func(as []*odm.Address) {
			for _, a := range as {
				personal = append(personal, a.StreetNames...)
				personal = append(personal, a.City, a.StateProv, a.Country, a.PostalCode, a.OtherText)
			}
		}
		for _, ad := range doc.AdminData() {
			for _, u := range ad.Users {
				personal = append(personal, u.LoginName, u.DisplayName, u.FullName, u.FirstName, u.LastName, u.Pager)
				personal = append(personal, u.Emails...)
				personal = append(personal, u.Phones...)
				personal = append(personal, u.Faxes...)
				for _, tel := range u.Telecoms {
					personal = append(personal, tel.Value)
				}
				addAddr(u.Addresses)
			}
			for _, o := range ad.Organizations {
				addAddr(o.Addresses)
			}
			for _, l := range ad.Locations {
				addAddr(l.Addresses)
			}
		}
		for _, f := range checkXML(t, src, AdminDataOptions{Values: true}) {
			for _, p := range personal {
				// Short values ("US", "12") occur in ordinary words and line numbers.
				if p = strings.TrimSpace(p); len(p) >= 4 && strings.Contains(f.Message, p) {
					t.Errorf("%s: message %q contains the personal value %q", tc.file, f.Message, p)
				}
			}
		}
	}
}

func TestCheckAdminDataDegenerate(t *testing.T) {
	for _, tc := range []struct {
		reason string
		doc    *odm.Document
	}{
		{"a nil document", nil},
		{"a document without root", &odm.Document{}},
		{"a new empty document", odm.NewDocument(odm.V13)},
		{"nil entries in every slice", func() *odm.Document {
			d := odm.NewDocument(odm.V20)
			d.AddAdminData(&odm.AdminData{
				Users:         []*odm.User{nil, {OID: "U", Addresses: []*odm.Address{nil}, LocationRefs: []*odm.LocationRef{nil}, Telecoms: []*odm.Telecom{nil}}},
				Organizations: []*odm.Organization{nil, {OID: "O", Name: "O", Type: "CRO", Addresses: []*odm.Address{nil}, Telecoms: []*odm.Telecom{nil}}},
				Locations:     []*odm.Location{nil, {OID: "L", Name: "L", MetaDataVersionRefs: []*odm.MetaDataVersionRef{nil}, Addresses: []*odm.Address{nil}, Telecoms: []*odm.Telecom{nil}}},
				SignatureDefs: []*odm.SignatureDef{nil},
			})
			d.AddAdminData(nil)
			d.Root.Children = append(d.Root.Children, nil, &odm.Element{Name: odm.Name{Space: odm.NS20, Local: "ClinicalData"}, Children: []odm.Node{nil}})
			return d
		}()},
	} {
		if got := CheckAdminData(tc.doc, AdminDataOptions{}); len(got) != 0 {
			t.Errorf("%s: got %+v", tc.reason, got)
		}
	}
}

func TestCheckAdminDataXMLReadErrors(t *testing.T) {
	for _, tc := range []struct {
		reason string
		in     string
		want   error
	}{
		{"malformed XML is odm's syntax error", `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><AdminData></ODM>`, odm.ErrSyntax},
		{"another root element is not ODM", `<html/>`, odm.ErrNotODM},
		{"empty input", ``, odm.ErrTruncated},
	} {
		fs, err := CheckAdminDataXML(strings.NewReader(tc.in), AdminDataOptions{Read: odm.ReadOptions{Name: "in.xml"}})
		var oe *odm.Error
		if !errors.Is(err, tc.want) || !errors.As(err, &oe) || oe.File != "in.xml" || fs != nil {
			t.Errorf("%s: got %v, %v; want an *odm.Error for in.xml wrapping %v", tc.reason, fs, err, tc.want)
		}
	}
}

// TestSourcePositionsAgree re-encodes a fixture in UTF-16 and ISO-8859-1: odm transcodes
// before counting positions, so the second pass must too, or text children would be cited
// at their parents' lines and order findings would be lost.
func TestSourcePositionsAgree(t *testing.T) {
	src := readFixture(t, "invalidEmail.xml")
	want := checkXML(t, src, AdminDataOptions{})
	for _, enc := range []struct {
		reason string
		bytes  []byte
	}{
		{"UTF-8 with a byte order mark", append([]byte("\uFEFF"), src...)},
		{"UTF-16 little endian with a byte order mark", utf16LE(strings.Replace(string(src), `encoding="UTF-8"`, `encoding="UTF-16"`, 1))},
		{"ISO-8859-1 declared in the XML declaration", latin1(t, strings.Replace(string(src), `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1))},
	} {
		if got := checkXML(t, enc.bytes, AdminDataOptions{}); !slices.Equal(got, want) {
			t.Errorf("%s:\n got  %v\n want %v", enc.reason, got, want)
		}
	}
}

func utf16LE(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, r := range s {
		if r > 0xFFFF {
			panic("test input outside the BMP")
		}
		out = append(out, byte(r), byte(r>>8))
	}
	return out
}

func latin1(t *testing.T, s string) []byte {
	var out []byte
	for _, r := range s {
		if r > 0xFF {
			t.Fatalf("%q is not in ISO-8859-1", r)
		}
		out = append(out, byte(r))
	}
	return out
}
