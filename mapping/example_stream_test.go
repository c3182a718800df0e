package mapping_test

import (
	"fmt"
	"strings"

	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// FromReader reads users as they stream past, so memory stays bounded for an export of
// any size; the result is the same Directory FromDocument builds.
func ExampleFromReader() {
	const src = `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:mdsol="http://www.mdsol.com/ns/odm/metadata"
  FileType="Snapshot" FileOID="F1" CreationDateTime="2025-01-01T00:00:00">
  <AdminData StudyOID="Demo(Prod)">
    <User OID="jdoe" mdsol:Active="Yes" mdsol:UserRole="Clinical Research Associate">
      <LoginName>jdoe</LoginName>
      <LocationRef LocationOID="S1"/>
    </User>
    <User OID="asmith" mdsol:Active="No" mdsol:UserRole="Data Manager">
      <LoginName>asmith</LoginName>
    </User>
  </AdminData>
</ODM>`
	r := odm.NewReader(strings.NewReader(src), odm.ReadOptions{Name: "rave-users.xml"})
	dir, _, err := mapping.FromReader(r, mapping.Options{})
	if err != nil {
		panic(err)
	}
	for _, u := range dir.Users {
		fmt.Println(u.Login, u.Status, len(u.Assignments))
	}
	// Output:
	// jdoe Available 1
	// asmith Deactivated 1
}

// The Clinical One user upload template, saved as CSV, reads into the same model; each
// row's sites become site assignments of the study the rows belong to.
func ExampleReadClinicalOneCSV() {
	const csv = `First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots
Ada,Example,ada@example.org,aexample,05-Jan-2026,,Site User,101,
`
	dir, _, err := mapping.ReadClinicalOneCSV(strings.NewReader(csv), mapping.Options{Study: "DEMO-01"})
	if err != nil {
		panic(err)
	}
	u := dir.Users[0]
	a := u.Assignments[0]
	fmt.Println(u.Login, u.Emails[0])
	fmt.Println(a.Study, a.Site, a.Role.Name, "→", a.Role.Canonical)
	// Output:
	// aexample ada@example.org
	// DEMO-01 101 Site User → CRC
}
