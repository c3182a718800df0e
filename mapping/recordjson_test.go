package mapping

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

const (
	recNS13 = `xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" xmlns:x="urn:example:x"`
	recNS20 = `xmlns="http://www.cdisc.org/ns/odm/v2.0" ODMVersion="2.0"`
)

// recordJSONCases are documents whose users take each branch of recordTrace (and of the
// record they are read from), each next to users of other shapes.
var recordJSONCases = []struct {
	name, reason, doc string
	codes             []Code // warnings the case is to give (among others)
}{
	{"inform groups", "named from pf:GroupDef, one undefined (dangling warning), two rights groups (conflict warning), no group at all",
		`<ODM ` + recNS13 + `><AdminData StudyOID="S">
<User OID="a" pf:DBUID="1" pf:Active="Yes"><LoginName>a</LoginName><FirstName>A</FirstName><LastName>B</LastName><LocationRef LocationOID="L1"/><pf:GroupRef GroupOID="R1"/><pf:GroupRef GroupOID="G9"/></User>
<User OID="b" pf:DBUID="2" pf:Active="No"><LoginName>bee</LoginName><LocationRef LocationOID="L1"/><pf:GroupRef GroupOID="R1"/><pf:GroupRef GroupOID="R2"/></User>
<User OID="c" pf:DBUID="3"><LoginName>c</LoginName></User>
<User OID="d" pf:DBUID="4" pf:Active="Yes"><LoginName>d</LoginName><FirstName>D</FirstName><LastName>E</LastName><LocationRef LocationOID="L1"/><pf:GroupRef GroupOID="R1"/><pf:GroupRef GroupOID="G9"/></User>
<Location OID="L1" Name="One"><MetaDataVersionRef StudyOID="S" MetaDataVersionOID="V" EffectiveDate="2024-01-01"/></Location>
<pf:GroupDef OID="R1" Name="Odd Rights Name" GroupType="Rights"/>
<pf:GroupDef OID="R2" Name="CRA Rights" GroupType="Rights"/>
</AdminData></ODM>`, []Code{CodeDanglingRef, CodeMergeConflict, CodeUnknownRole}},
	{"names and lists", "full and display names, given and family names apart or not, prefix, suffix, pager, organization, e-mails, phones, faxes, certificates, blank ones left out",
		`<ODM ` + recNS13 + `><AdminData StudyOID="S">
<User OID="u1" UserType="Sponsor"><LoginName>one</LoginName><DisplayName>Ann Lee</DisplayName><FullName>Ann Lee</FullName><FirstName>Ann</FirstName><LastName>Lee</LastName><Organization>Org</Organization><Address><StreetName>1 St</StreetName><StreetName> </StreetName><City>C</City><PostalCode>9</PostalCode></Address><Address/><Address><OtherText>o</OtherText></Address><Email>a@x.org</Email><Email> </Email><Email>b@x.org</Email><Phone>1</Phone><Fax>2</Fax><Fax>3</Fax><Pager>4</Pager><Certificate>cert</Certificate></User>
<User OID="u2" UserType="Investigator"><LoginName>u2</LoginName><DisplayName>Dr &lt;Who&gt; &amp; "Co"</DisplayName><FullName>Other Name</FullName><FirstName>É</FirstName><LastName>中文</LastName><Email>c@x.org</Email></User>
<User OID="u3"><LoginName>u3</LoginName></User>
</AdminData></ODM>`, nil},
	{"ids and elements", "an OID with stray white space (Source.IDs), vendor elements (Source.Elements), a location not in the file (dangling), several locations",
		`<ODM ` + recNS13 + `><AdminData StudyOID="S">
<User OID=" v1 "><LoginName>v1</LoginName><LocationRef LocationOID="L1"/><LocationRef LocationOID="L9"/><x:Extra a="1">t</x:Extra><x:More/></User>
<User OID="v2"><LoginName>v2</LoginName><LocationRef LocationOID="L1"/></User>
<User OID=" v3"><LoginName>v3</LoginName><x:Extra a="2"/></User>
<Location OID="L1" Name="One"><MetaDataVersionRef StudyOID="S" MetaDataVersionOID="V" EffectiveDate="2024-01-01"/></Location>
</AdminData></ODM>`, []Code{CodeNormalized, CodeDanglingRef}},
	{"odm 2.0 contacts", "telecoms that are no e-mail, phone or fax (SMS, URL, a second pager), a pager from a telecom, an image, an organization, a geo position",
		`<ODM ` + recNS20 + `><AdminData StudyOID="S">
<User OID="w1" UserType="Monitor" OrganizationOID="O" LocationOID="L1"><UserName>w1</UserName><Prefix>Dr.</Prefix><Suffix>PhD</Suffix><GivenName>W</GivenName><FamilyName>One</FamilyName><Image ImageFileName="w.jpg" MimeType="image/jpeg"/><Address><StreetName>S</StreetName><HouseNumber>7</HouseNumber><GeoPosition Latitude="1" Longitude="2"/></Address><Telecom TelecomType="Email" Value="w@x.org"/><Telecom TelecomType="Pager" Value="p1"/><Telecom TelecomType="Pager" Value="p2"/><Telecom TelecomType="SMS" Value="s"/><Telecom TelecomType="URL" Value="https://x.org/w"/></User>
<User OID="w2" LocationOID="L1"><UserName>w2</UserName><Telecom TelecomType="Phone" Value="1"/></User>
<User OID="w3" UserType="Monitor"><UserName>w3</UserName><Telecom TelecomType="Fax" Value="f"/><Telecom TelecomType="SMS" Value="s3"/></User>
<Organization OID="O" Name="Org"/>
<Location OID="L1" Name="One"><MetaDataVersionRef StudyOID="S" MetaDataVersionOID="V" EffectiveDate="2024-01-01"/></Location>
</AdminData></ODM>`, nil},
	{"a person in two blocks", "merged users are built as Users, between users written from their records, of the same and other shapes",
		`<ODM ` + recNS13 + `><AdminData StudyOID="S1">
<User OID="m"><LoginName>m</LoginName><Email>m@x.org</Email><LocationRef LocationOID="L1"/></User>
<User OID="n"><LoginName>n</LoginName><Email>n@x.org</Email><LocationRef LocationOID="L1"/></User>
<User OID="o"><LoginName>o</LoginName><Email>o@x.org</Email></User>
<Location OID="L1" Name="One"><MetaDataVersionRef StudyOID="S1" MetaDataVersionOID="V" EffectiveDate="2024-01-01"/></Location>
</AdminData><AdminData StudyOID="S2">
<User OID="m"><LoginName>m</LoginName><Phone>5</Phone><LocationRef LocationOID="L2"/></User>
<Location OID="L2" Name="Two"><MetaDataVersionRef StudyOID="S2" MetaDataVersionOID="V" EffectiveDate="2024-01-01"/></Location>
</AdminData></ODM>`, nil},
}

// TestRecordJSONAsUser holds WriteJSON writing users straight from their records
// (recordTrace) to WriteJSON building each as a User and writing that (jsonViaUsers): the
// same bytes and the same warnings, on the cases above, every fixture and generated
// InForm and OpenClinica exports, read with every ODM profile.
func TestRecordJSONAsUser(t *testing.T) {
	inputs := map[string][]byte{}
	for _, c := range recordJSONCases {
		inputs[c.name] = []byte(c.doc)
	}
	var g bytes.Buffer
	if err := gen.InForm(&g, 2500); err != nil {
		t.Fatal(err)
	}
	inputs["generated inform"] = g.Bytes()
	var oc bytes.Buffer
	if err := gen.OpenClinica(&oc, 300); err != nil {
		t.Fatal(err)
	}
	inputs["generated openclinica"] = oc.Bytes()
	for _, dir := range []string{filepath.Join("..", "testdata"), "testdata", filepath.Join("..", "cmd", "odmadmin", "testdata")} {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".xml") {
				if b, err := os.ReadFile(p); err == nil {
					inputs[p] = b
				}
			}
			return nil
		})
	}
	write := func(data []byte, p Profile, viaUsers bool) (string, []Warning, error) {
		defer func(v bool) { jsonViaUsers = v }(jsonViaUsers)
		jsonViaUsers = viaUsers
		var out bytes.Buffer
		ws, err := WriteJSON(&out, odm.NewReader(bytes.NewReader(data), odm.ReadOptions{Reuse: true, ValuesOnly: true}), Options{Profile: p})
		return out.String(), ws, err
	}
	compared := 0
	for name, data := range inputs {
		for _, p := range []Profile{"", ProfileInForm, ProfileRave, ProfileOpenClinica, ProfileODM, ProfileODM2} {
			want, wantWarn, wantErr := write(data, p, true)
			got, gotWarn, gotErr := write(data, p, false)
			if (gotErr == nil) != (wantErr == nil) {
				t.Fatalf("%s as %q: error %v, through Users %v", name, p, gotErr, wantErr)
			}
			if wantErr != nil {
				continue
			}
			compared++
			if got != want {
				t.Errorf("%s as %q: the JSON written from records differs from the Users' (%d vs %d bytes)", name, p, len(got), len(want))
			}
			if !reflect.DeepEqual(gotWarn, wantWarn) {
				t.Errorf("%s as %q: warnings\n%v\nthrough Users\n%v", name, p, gotWarn, wantWarn)
			}
		}
	}
	if compared < 40 {
		t.Fatalf("only %d inputs compared", compared)
	}
	// Each case is what it says: its users are written, with the warnings it is about.
	for _, c := range recordJSONCases {
		out, ws, err := write([]byte(c.doc), "", false)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if n := strings.Count(out, "\n      \"login\": "); n < 3 {
			t.Errorf("%s (%s): %d users written", c.name, c.reason, n)
		}
		for _, code := range c.codes {
			found := false
			for _, w := range ws {
				found = found || w.Code == code
			}
			if !found {
				t.Errorf("%s (%s): no %s warning", c.name, c.reason, code)
			}
		}
	}
}
