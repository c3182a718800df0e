package mapping

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

func TestEnumJSON(t *testing.T) {
	for _, tc := range []struct {
		in, err, reason string
	}{
		{`{"status":"Available","category":"Site"}`, "", "known values"},
		{`{"status":"deactivated","category":"sponsor"}`, "", "letter case is ignored"},
		{`{"status":"","category":""}`, "", "none is allowed"},
		{`{"status":"Bogus"}`, `unknown user status "Bogus"`, "Directory JSON: an unknown status (\"status\":\"Bogus\") is an error, not silently accepted"},
		{`{"category":"Robot"}`, `unknown user category "Robot"`, "Directory JSON: an unknown category is an error"},
		{`{"status":3}`, "must be a string", "a number is no status"},
	} {
		var u User
		err := json.Unmarshal([]byte(tc.in), &u)
		if (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: %s: got %v, want %q", tc.in, tc.reason, err, tc.err)
		}
	}
	var u User
	if err := json.Unmarshal([]byte(`{"status":"deactivated","category":"sponsor"}`), &u); err != nil || u.Status != StatusDeactivated || u.Category != CategorySponsor {
		t.Errorf("values are written back in the model's spelling: %+v %v", u, err)
	}
}

const informTwoGroups = `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0"
 FileType="Snapshot" FileOID="F" CreationDateTime="2025-01-01T00:00:00Z" ODMVersion="1.3">
 <AdminData StudyOID="DEMO">
  <User OID="U1" pf:Active="No" pf:Terminated="Yes" pf:InFormUserType="Site">
   <LoginName>afict</LoginName><FirstName>Ada</FirstName><LastName>Fictus</LastName>
   <pf:GroupRef GroupOID="5000"/><pf:GroupRef GroupOID="5001"/>
  </User>
  <User OID="U2" pf:Active="No" pf:Terminated="No"><LoginName>bsample</LoginName><pf:GroupRef GroupOID="5001"/></User>
  <pf:GroupDef OID="5000" Name="Site Investigator Rights" GroupType="Rights"><pf:Right Description="Enter Data"/></pf:GroupDef>
  <pf:GroupDef OID="5001" Name="CRC Rights" GroupType="Rights"><pf:Right Description="Enter Data"/></pf:GroupDef>
 </AdminData>
</ODM>`

func TestInFormTwoRightsGroups(t *testing.T) {
	dir, ws, err := FromDocument(decodeBytes(t, []byte(informTwoGroups)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var found []Warning
	for _, w := range ws {
		if w.Field == "User/pf:GroupRef" {
			found = append(found, w)
		}
	}
	if len(found) != 1 || found[0].Subject != "User U1" || found[0].Code != CodeMergeConflict ||
		!strings.Contains(found[0].Message, `"Site Investigator Rights" (5000)`) || !strings.Contains(found[0].Message, `"CRC Rights" (5001)`) {
		t.Fatalf("A user in two rights groups: a warning naming the user and both groups (today the first silently wins): %+v", found)
	}
	if strings.Contains(found[0].Message, "afict") || strings.Contains(found[0].Message, "Ada") {
		t.Errorf("the warning names the user by OID only, no personal data: %q", found[0].Message)
	}
	if got := dir.Users[0].Assignments[0].Role.Name; got != "Site Investigator Rights" {
		t.Errorf("the first rights group is still the role: %q", got)
	}
}

func TestTerminatedWritten(t *testing.T) {
	dir, _, err := FromDocument(decodeBytes(t, []byte(informTwoGroups)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		p    Profile
		want int
		why  string
	}{
		{ProfileRave, 1, "pf:Terminated=\"Yes\" written to Rave, which has no terminated state, is a warning (today Rave gets mdsol:Active=\"No\" silently)"},
		{ProfileODM, 1, "plain ODM has no terminated state either"},
		{ProfileInForm, 0, "InForm keeps pf:Terminated"},
	} {
		_, ws, err := ToDocument(dir, tc.p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, w := range ws {
			if w.Field == "User/status" && strings.Contains(w.Message, "terminated") {
				n++
				if w.Subject != "User U1" || w.Count != 1 {
					t.Errorf("%s: the terminated user U1 only, not the inactive U2: %+v", tc.p, w)
				}
			}
		}
		if n != tc.want {
			t.Errorf("%s: %s: %d warnings", tc.p, tc.why, n)
		}
	}
}

// siteStudyDir is a directory from another vendor: a study, a site without study version,
// and a user at that site with name parts but no FullName.
func siteStudyDir() *Directory {
	return &Directory{
		Studies: []*Study{{ID: "S_DEMO", Name: "Demo"}},
		Sites:   []*Site{{ID: "S_SITE1", Name: "Site One", Number: "01"}},
		Users: []*User{{ID: "USR_1", Login: "afict", GivenName: "Ada", FamilyName: "Fictus",
			Assignments: []Assignment{{Study: "S_DEMO", Site: "S_SITE1", Scope: ScopeSite, Environment: EnvProduction}}}},
		Source: &FileSource{Vendor: ProfileClinicalOne},
	}
}

func TestOpenClinicaOutput(t *testing.T) {
	doc, _, err := ToDocument(siteStudyDir(), ProfileOpenClinica, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := string(encode(t, doc))
	for _, want := range []string{
		`<Study OID="S_DEMO">`, `<MetaDataVersion OID="v1" Name="v1"/>`,
		`<Include StudyOID="S_DEMO" MetaDataVersionOID="v1"/>`,
		`<FullName>Ada Fictus</FullName>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("OpenClinica output defines the parent MetaDataVersion its site studies refer to, and builds FullName from the name parts: %s missing in\n%s", want, out)
		}
	}
	// The parent's MetaDataVersion is the one the Include names: check it by structure.
	mdvs := map[string]bool{}
	var includes [][2]string
	for _, c := range doc.Root.Children {
		st, ok := c.(*odm.Element)
		if !ok || st.Local != "Study" {
			continue
		}
		oid, _ := st.Attr("", "OID")
		for _, m := range st.Elements(st.Space, "MetaDataVersion") {
			moid, _ := m.Attr("", "OID")
			mdvs[oid+"/"+moid] = true
			for _, inc := range m.Elements(st.Space, "Include") {
				s, _ := inc.Attr("", "StudyOID")
				v, _ := inc.Attr("", "MetaDataVersionOID")
				includes = append(includes, [2]string{s, v})
			}
		}
	}
	if len(includes) == 0 {
		t.Fatal("no site study")
	}
	for _, inc := range includes {
		if !mdvs[inc[0]+"/"+inc[1]] {
			t.Errorf("Include names %s/%s, which the output does not define", inc[0], inc[1])
		}
	}
}

func TestODM2NoLocationlessReference(t *testing.T) {
	for _, tc := range []struct {
		name string
		dir  func(t *testing.T) *Directory
	}{
		{"openclinica-export", func(t *testing.T) *Directory {
			d, _, err := FromDocument(decodeFile(t, "openclinica.xml"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}},
		{"built", func(*testing.T) *Directory { return siteStudyDir() }},
	} {
		for _, p := range []Profile{ProfileODM2, ProfileODM} {
			doc, ws, err := ToDocument(tc.dir(t), p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			locs := map[string]bool{}
			refs := 0
			for _, ad := range doc.AdminData() {
				for _, l := range ad.Locations {
					locs[l.OID] = true
				}
			}
			for _, ad := range doc.AdminData() {
				for _, u := range ad.Users {
					names := []string{}
					if u.LocationOID != "" {
						names = append(names, u.LocationOID)
					}
					for _, r := range u.LocationRefs {
						names = append(names, r.LocationOID)
					}
					for _, n := range names {
						refs++
						if !locs[n] {
							t.Errorf("%s to %s: map --to odm2 of an OpenClinica export writes no LocationOID that has no Location: user %s names %s", tc.name, p, u.OID, n)
						}
					}
				}
			}
			warned := false
			for _, w := range ws {
				// The reference, or the site-level access with it (written without the
				// site it would read back as access at every site).
				warned = warned || (w.Field == "User/LocationRef" || w.Field == "Assignment/site") && w.Code == CodeUnrepresentable
			}
			if !warned {
				t.Errorf("%s to %s: the reference left out is reported (%d refs written): %v", tc.name, p, refs, ws)
			}
		}
	}
}

const odmInclude = `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileType="Snapshot" FileOID="F" CreationDateTime="2025-01-01T00:00:00Z" ODMVersion="1.3.2">
 <Study OID="S_BASE"><GlobalVariables><StudyName>Base</StudyName><StudyDescription/><ProtocolName>B</ProtocolName></GlobalVariables>
  <MetaDataVersion OID="v1" Name="v1"/></Study>
 <Study OID="S_EXT"><GlobalVariables><StudyName>Extension</StudyName><StudyDescription/><ProtocolName>E</ProtocolName></GlobalVariables>
  <MetaDataVersion OID="v1" Name="v1"><Include StudyOID="S_BASE" MetaDataVersionOID="v1"/></MetaDataVersion></Study>
 <AdminData StudyOID="S_EXT"><User OID="U1"><LoginName>afict</LoginName></User></AdminData>
</ODM>`

func TestPlainODMIncludeIsNoSite(t *testing.T) {
	for _, tc := range []struct {
		p        Profile
		wantSite bool
		reason   string
	}{
		{ProfileODM, false, "the plain odm profile does not apply OpenClinica's site-study rule (CDISC's Include of another study's metadata version is not a site)"},
		{ProfileOpenClinica, true, "the openclinica profile reads a study that includes its parent's metadata as a site study"},
	} {
		d, _, err := FromDocument(decodeBytes(t, []byte(odmInclude)), Options{Profile: tc.p})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(d.Sites) > 0; got != tc.wantSite {
			t.Errorf("%s: %s: sites %v", tc.p, tc.reason, d.Sites)
		}
		a := d.Users[0].Assignments
		if !tc.wantSite && (len(a) != 1 || a[0].Study != "S_EXT" || a[0].Site != "") {
			t.Errorf("%s: the user works in study S_EXT, not at a site: %+v", tc.p, a)
		}
	}
}
