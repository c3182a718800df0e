// Package gen writes large synthetic ODM files for benchmarks, so that no big input is
// ever committed. The people are fictitious: names are drawn from small lists of invented
// given and family names in several scripts, combined by index.
package gen

import (
	"bufio"
	"fmt"
	"io"
)

var (
	given  = []string{"Ada", "Bruno", "Chiara", "Dmitri", "Eun-ji", "Fatima", "Gustav", "Hana", "Ivan", "Joana", "Kenji", "Léa", "Mateus", "Noor", "Oskar", "Priya", "Анна", "Олег", "美咲", "太郎", "Zoë", "Émile", "Søren", "Łucja"}
	family = []string{"Example", "Sample", "Testwell", "Demoe", "Fictus", "Placeholder", "Muster", "Exemplo", "Пример", "Тестов", "山田", "試験", "Ørsted-Demo", "Müller-Test", "Nguyen-Demo", "O'Sample"}
)

// Name returns the fictitious given and family name of user i.
func Name(i int) (givenName, familyName string) {
	return given[i%len(given)], family[(i/len(given)+i)%len(family)]
}

// InForm writes an InForm-shaped ODM 1.3 AdminData export with users users (about 1 KB
// each: pf: attributes, an address with two street lines, e-mail, phones, LocationRefs,
// GroupRefs, multi-script names), sites Locations and a few rights groups.
func InForm(w io.Writer, users int) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	sites := users/50 + 2
	fmt.Fprint(bw, `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Transactional" FileOID="GEN.ADMIN.1" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="1.3" pf:MappingVersion="V2">
  <AdminData StudyOID="GEN-STUDY">
`)
	for i := 0; i < users; i++ {
		g, f := Name(i)
		site := 10000 + i%sites
		role := 5000 + i%4
		typ, itype := "Investigator", "Site"
		if i%5 == 0 {
			typ, itype = "Sponsor", "Sponsor"
		}
		fmt.Fprintf(bw, `    <User OID="user%06d" UserType="%s" pf:DBUID="%d" pf:GUID="{8B980147-0531-4DD5-9B86-%012d}" pf:Revision="%d" pf:StudyLocale="en-US" pf:Active="Yes" pf:Terminated="No" pf:InFormUserType="%s">
      <LoginName>user%06d</LoginName>
      <DisplayName>%s %s</DisplayName>
      <FullName>%s %s</FullName>
      <FirstName>%s</FirstName>
      <LastName>%s</LastName>
      <Address>
        <StreetName>%d Example Street</StreetName>
        <StreetName>Building %d, Suite %d</StreetName>
        <City>Springfield</City>
        <StateProv>MA</StateProv>
        <Country>US</Country>
        <PostalCode>0%04d</PostalCode>
      </Address>
      <Email>user%06d@site%d.example.org</Email>
      <Fax>+1 617 555 %04d</Fax>
      <Phone>+1 617 555 %04d</Phone>
      <LocationRef LocationOID="%d"/>
      <pf:GroupRef GroupOID="%d"/>
      <pf:GroupRef GroupOID="6010"/>
    </User>
`, i, typ, 20000+i, i, 1+i%7, itype, i, g, f, g, f, g, f, 1+i%300, 1+i%9, 100+i%80, i%10000, i, site, i%10000, (i+1)%10000, site, role)
	}
	for s := 0; s < sites; s++ {
		fmt.Fprintf(bw, `    <Location OID="%d" Name="(%02d) Demo Site %d" LocationType="Site" pf:SiteCountry="USA" pf:SiteTimezone="(GMT-05:00) Eastern Time (US &amp; Canada)" pf:Locale="en-US">
      <MetaDataVersionRef StudyOID="GEN-STUDY" MetaDataVersionOID="v1" EffectiveDate="2025-01-01"/>
      <pf:Mnemonic>
        <TranslatedText>%02d</TranslatedText>
      </pf:Mnemonic>
    </Location>
`, 10000+s, s%100, s, s%100)
	}
	fmt.Fprint(bw, `    <pf:GroupDef OID="5000" Name="Site Investigator Rights" GroupType="Rights"><pf:Right Description="Enter Data"/></pf:GroupDef>
    <pf:GroupDef OID="5001" Name="CRC Rights" GroupType="Rights"><pf:Right Description="Enter Data"/></pf:GroupDef>
    <pf:GroupDef OID="5002" Name="Sponsor CRA Rights" GroupType="Rights"><pf:Right Description="Source Verify"/></pf:GroupDef>
    <pf:GroupDef OID="5003" Name="Data Manager Rights" GroupType="Rights"><pf:Right Description="Create Query"/></pf:GroupDef>
    <pf:GroupDef OID="6010" Name="Site Group" GroupType="Site"/>
  </AdminData>
</ODM>
`)
	return bw.Flush()
}
