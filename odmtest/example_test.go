package odmtest_test

import (
	"fmt"
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/odm"
	"github.com/odmadmin/odmadmin/odmtest"
)

// Two exports of the same user: other attribute and element order, another namespace
// prefix, other indentation, an empty element. cmp.Diff with DocumentOptions sees no
// difference in the data.
func ExampleDocumentOptions() {
	a, _ := odm.Decode(strings.NewReader(`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:mdsol="http://www.mdsol.com/ns/odm/metadata">
  <AdminData StudyOID="Demo(Prod)">
    <User OID="jdoe" mdsol:Active="Yes" mdsol:UserRole="CRA">
      <LoginName>jdoe</LoginName>
      <LocationRef LocationOID="S1"/>
      <LocationRef LocationOID="S2"/>
    </User>
  </AdminData>
</ODM>`), odm.ReadOptions{})
	b, _ := odm.Decode(strings.NewReader(`<?xml version="1.0"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><AdminData StudyOID="Demo(Prod)"><User xmlns:m="http://www.mdsol.com/ns/odm/metadata" m:UserRole="CRA" OID="jdoe" m:Active="Yes"><LoginName>jdoe</LoginName><Fax/><LocationRef LocationOID="S2"/><LocationRef LocationOID="S1"></LocationRef></User></AdminData></ODM>`), odm.ReadOptions{})
	fmt.Printf("differences: %q\n", cmp.Diff(a, b, odmtest.DocumentOptions()))
	// Output: differences: ""
}
