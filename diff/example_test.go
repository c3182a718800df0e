package diff_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/odmadmin/odmadmin/diff"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

func readString(src string) *mapping.Directory {
	doc, err := odm.Decode(strings.NewReader(src), odm.ReadOptions{})
	if err != nil {
		panic(err)
	}
	d, _, err := mapping.FromDocument(doc, mapping.Options{})
	if err != nil {
		panic(err)
	}
	return d
}

// Two Rave exports a month apart: a user lost a site and another was deactivated. The
// order of users and LocationRefs does not matter.
func ExampleCompare() {
	before := readString(`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:mdsol="http://www.mdsol.com/ns/odm/metadata">
  <AdminData StudyOID="Demo(Prod)">
    <User OID="jdoe" mdsol:Active="Yes" mdsol:UserRole="CRA"><FirstName>Jo</FirstName><LastName>Demo</LastName>
      <LocationRef LocationOID="S1"/><LocationRef LocationOID="S2"/></User>
    <User OID="asample" mdsol:Active="Yes" mdsol:UserRole="Investigator"><FirstName>Ana</FirstName><LastName>Sample</LastName>
      <LocationRef LocationOID="S1"/></User>
  </AdminData>
</ODM>`)
	after := readString(`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:mdsol="http://www.mdsol.com/ns/odm/metadata">
  <AdminData StudyOID="Demo(Prod)">
    <User OID="asample" mdsol:Active="No" mdsol:UserRole="Investigator"><FirstName>Ana</FirstName><LastName>Sample</LastName>
      <LocationRef LocationOID="S1"/></User>
    <User OID="jdoe" mdsol:Active="Yes" mdsol:UserRole="CRA"><FirstName>Jo</FirstName><LastName>Demo</LastName>
      <LocationRef LocationOID="S2"/></User>
  </AdminData>
</ODM>`)
	changes := diff.Compare(before, after, diff.Options{})
	if err := diff.WriteText(os.Stdout, changes); err != nil {
		panic(err)
	}
	// Output:
	// STATUS_CHANGE Ana Sample (asample): status: "Available" -> "Deactivated"
	// ROLE_CHANGE Jo Demo (jdoe): Demo(Prod)-S1: "CRA" -> ""
}

// The CSV output has the columns of OpenClinica's User and Role Audit Log.
func ExampleWriteCSV() {
	changes := []diff.Change{{Event: diff.RoleChange, User: "pbowen", Target: "Paul Bowen (pbowen)",
		ValueType: "PAB 37 (Test)-Site 1", New: "Site Monitor"}}
	if err := diff.WriteCSV(os.Stdout, changes); err != nil {
		panic(err)
	}
	// Output:
	// AUDIT EVENT,DATE/TIME,TARGET OBJECT,BY,VALUE TYPE,OLD VALUE,NEW VALUE
	// ROLE_CHANGE,,Paul Bowen (pbowen),,PAB 37 (Test)-Site 1,,Site Monitor
}

// Target names a user as the audit log does.
func ExampleTarget() {
	fmt.Println(diff.Target(&mapping.User{Login: "ktamm", GivenName: "Kerry", FamilyName: "Tamm"}))
	// Output: Kerry Tamm (ktamm)
}
