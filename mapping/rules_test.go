package mapping

import (
	"encoding/json"
	"strings"
	"testing"
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
