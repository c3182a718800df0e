package mapping_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// A Rave user's study role maps to the canonical vocabulary; each LocationRef becomes a
// site assignment.
func ExampleFromDocument() {
	const src = `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:mdsol="http://www.mdsol.com/ns/odm/metadata"
  FileType="Snapshot" FileOID="F1" CreationDateTime="2025-01-01T00:00:00">
  <AdminData StudyOID="Demo(Prod)">
    <User OID="jdoe" mdsol:Active="Yes" mdsol:UserRole="Clinical Research Associate">
      <LoginName>jdoe</LoginName>
      <LocationRef LocationOID="S1"/>
    </User>
  </AdminData>
</ODM>`
	doc, err := odm.Decode(strings.NewReader(src), odm.ReadOptions{})
	if err != nil {
		panic(err)
	}
	dir, _, err := mapping.FromDocument(doc, mapping.Options{}) // profile detected: rave
	if err != nil {
		panic(err)
	}
	u := dir.Users[0]
	a := u.Assignments[0]
	fmt.Println(dir.Source.Vendor, u.Login, u.Status)
	fmt.Println(a.Study, a.Site, a.Scope, a.Environment, a.Role.Name, "→", a.Role.Canonical)
	// Output:
	// rave jdoe Available
	// Demo(Prod) S1 site Production Clinical Research Associate → Monitor
}

// OpenClinica names one role differently at study and site level.
func ExampleRoleFor() {
	fmt.Println(mapping.RoleFor(mapping.ProfileOpenClinica, "Data Specialist", mapping.ScopeStudy).Canonical)
	fmt.Println(mapping.RoleFor(mapping.ProfileOpenClinica, "Data Specialist", mapping.ScopeSite).Canonical)
	fmt.Println(mapping.RoleFor(mapping.ProfileRave, "Study Wizard", mapping.ScopeSite))
	// Output:
	// DataSpecialist
	// Investigator
	// {Study Wizard Other}
}

// Writing a directory as another vendor reports what the target cannot hold.
func ExampleToDocument() {
	dir := &mapping.Directory{Users: []*mapping.User{{
		ID: "U1", Login: "u1", GivenName: "Ada", FamilyName: "Example",
		Emails: []string{"ada@example.org"}, Locale: "en-GB",
		Assignments: []mapping.Assignment{{Study: "S", Site: "L1", Role: mapping.Role{Name: "Monitor", Canonical: mapping.RoleMonitor}, Scope: mapping.ScopeSite}},
	}}}
	doc, warnings, err := mapping.ToDocument(dir, mapping.ProfileRave, mapping.Options{})
	if err != nil {
		panic(err)
	}
	u := doc.AdminData()[0].Users[0]
	role, _ := u.Attr(odm.NSRave, "UserRole")
	fmt.Println(u.OID, role, u.LocationRefs[0].LocationOID)
	for _, w := range warnings {
		fmt.Println(w)
	}
	// Output:
	// U1 Monitor L1
	// unrepresentable: User/locale: Rave's Users.odm has no locale (User U1)
}

// The Clinical One "Update Users" template of one study.
func ExampleWriteClinicalOneCSV() {
	dir := &mapping.Directory{Users: []*mapping.User{{
		ID: "U1", Login: "aexample", GivenName: "Ada", FamilyName: "Example", Emails: []string{"ada@example.org"},
		Assignments: []mapping.Assignment{{Study: "S", Role: mapping.Role{Name: "Data Manager", Canonical: mapping.RoleDataManager},
			Scope: mapping.ScopeStudy, Environment: mapping.EnvProduction, From: "2026-01-05"}},
	}}}
	if _, err := mapping.WriteClinicalOneCSV(os.Stdout, dir, mapping.Options{Study: "S"}); err != nil {
		panic(err)
	}
	// Output:
	// First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots
	// Ada,Example,ada@example.org,aexample,05-Jan-2026,,Data Manager,All,
}
