package gen

import (
	"bufio"
	"fmt"
	"io"
)

// OpenClinica writes an OpenClinica 3.x-shaped ODM 1.3 export with users users: a parent
// study and a site study per 200 users (a Study whose MetaDataVersion includes the
// parent's), one AdminData per study and site study (OpenClinica writes a user's site
// membership as the user's presence in the site study's AdminData: names and organization
// only), one user in ten at study level, one in fifty of those at a site too (the person
// is then in two AdminData), and a small ClinicalData whose audit log names users.
func OpenClinica(w io.Writer, users int) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	sites := users/200 + 2
	fmt.Fprint(bw, `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:OpenClinica="http://www.openclinica.org/ns/odm_ext_v130/v3.1" xmlns:OpenClinicaRules="http://www.openclinica.org/ns/rules/v3.1" FileOID="GEN20260105100000+0100" Description="GEN" CreationDateTime="2026-01-05T10:00:00+01:00" FileType="Snapshot" ODMVersion="1.3">
  <Study OID="S_GEN">
    <GlobalVariables>
      <StudyName>Generated Parent Study</StudyName>
      <StudyDescription>Fictitious parent study</StudyDescription>
      <ProtocolName>GEN-001</ProtocolName>
    </GlobalVariables>
    <MetaDataVersion OID="v1.0.0" Name="MetaDataVersion_v1.0.0"/>
  </Study>
`)
	for s := 0; s < sites; s++ {
		fmt.Fprintf(bw, `  <Study OID="S_GEN_%04d">
    <GlobalVariables>
      <StudyName>Generated Parent Study - Demo Site %d</StudyName>
      <StudyDescription>Fictitious site-level study</StudyDescription>
      <ProtocolName>GEN-001 - %04d</ProtocolName>
    </GlobalVariables>
    <MetaDataVersion OID="v1.0.0" Name="MetaDataVersion_v1.0.0">
      <Include StudyOID="S_GEN" MetaDataVersionOID="v1.0.0"/>
    </MetaDataVersion>
  </Study>
`, s, s, s)
	}
	user := func(i int) {
		g, f := Name(i)
		fmt.Fprintf(bw, `    <User OID="USR_%d">
      <FullName>%s %s</FullName>
      <FirstName>%s</FirstName>
      <LastName>%s</LastName>
      <Organization>Demo Site %d</Organization>
    </User>
`, i, g, f, g, f, i%sites)
	}
	fmt.Fprint(bw, "  <AdminData StudyOID=\"S_GEN\">\n")
	for i := 0; i < users; i += 10 {
		user(i)
	}
	fmt.Fprint(bw, "  </AdminData>\n")
	for s := 0; s < sites; s++ {
		fmt.Fprintf(bw, "  <AdminData StudyOID=\"S_GEN_%04d\">\n", s)
		for i := s; i < users; i += sites {
			if i%10 != 0 || i%50 == 0 {
				user(i)
			}
		}
		fmt.Fprint(bw, "  </AdminData>\n")
	}
	fmt.Fprint(bw, "  <ClinicalData StudyOID=\"S_GEN_0000\" MetaDataVersionOID=\"v1.0.0\">\n")
	for k := 0; k < min(users, 100); k++ {
		fmt.Fprintf(bw, `    <SubjectData SubjectKey="SS_%04d" OpenClinica:StudySubjectID="%04d" OpenClinica:Status="available">
      <OpenClinica:AuditLogs EntityID="SS_%04d">
        <OpenClinica:AuditLog ID="AL_%d" UserID="USR_%d" DateTimeStamp="2026-01-03T14:02:11+01:00" AuditType="Subject created" OldValue="" NewValue="%04d"/>
      </OpenClinica:AuditLogs>
    </SubjectData>
`, k, k, k, k, k*sites%max(users, 1), k)
	}
	fmt.Fprint(bw, "  </ClinicalData>\n</ODM>\n")
	return bw.Flush()
}
