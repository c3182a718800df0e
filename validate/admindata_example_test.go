package validate_test

import (
	"fmt"
	"strings"

	"github.com/odmadmin/odmadmin/validate"
)

func ExampleCheckAdminDataXML() {
	const export = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot"
     FileOID="EX.1" CreationDateTime="2024-03-01T09:00:00">
  <Study OID="ST.EX"><MetaDataVersion OID="MDV.1" Name="v1"/></Study>
  <AdminData StudyOID="ST.EX">
    <User OID="USR.1" UserType="Investigator">
      <LoginName>rhalloran</LoginName>
      <Address><Country>Ireland</Country></Address>
      <Email>r.halloran at clinic</Email>
      <LocationRef LocationOID="SITE.9"/>
    </User>
    <User OID="USR.2" UserType="Sponsor"><LoginName>RHalloran</LoginName></User>
    <Location OID="SITE.1" Name="Site 1" LocationType="Site">
      <MetaDataVersionRef StudyOID="ST.EX" MetaDataVersionOID="MDV.1" EffectiveDate="2024-01-01"/>
    </Location>
    <SignatureDef OID="SIG.1" Methodology="Electronic"><Meaning>Approval</Meaning></SignatureDef>
  </AdminData>
</ODM>`
	findings, err := validate.CheckAdminDataXML(strings.NewReader(export), validate.AdminDataOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range findings {
		fmt.Printf("%d: %s: %s: %s\n", f.Line, f.Severity, f.Code, f.Message)
	}
	// Output:
	// 8: warning: admin.invalidCountry: User USR.1: Address Country is not an ISO 3166-1 alpha-2 code (ODM 1.3)
	// 9: error: admin.invalidEmail: User USR.1: Email is not an e-mail address
	// 10: error: admin.danglingLocationRef: User USR.1: LocationRef names Location SITE.9, which is not defined
	// 12: error: admin.loginNameNotUnique: User USR.2: LoginName is the same as that of User USR.1 (line 6), ignoring case
	// 16: error: admin.missingLegalReason: SignatureDef SIG.1 has no LegalReason
}
