package odm_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/odmadmin/odmadmin/odm"
)

const exampleODM = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Snapshot" FileOID="EX.1" CreationDateTime="2026-01-05T10:00:00" ODMVersion="1.3.2">
  <AdminData StudyOID="DEMO">
    <User OID="amorel" UserType="Investigator" pf:DBUID="11217" pf:Active="Yes">
      <LoginName>amorel</LoginName>
      <FirstName>Ada</FirstName>
      <LastName>Morel</LastName>
      <Email>ada.morel@site01.example.org</Email>
      <LocationRef LocationOID="SITE.1"/>
      <pf:GroupRef GroupOID="5954"/>
    </User>
    <Location OID="SITE.1" Name="Demo Site" LocationType="Site">
      <MetaDataVersionRef StudyOID="DEMO" MetaDataVersionOID="V1" EffectiveDate="2026-01-01"/>
    </Location>
  </AdminData>
</ODM>
`

func ExampleDecode() {
	doc, err := odm.Decode(strings.NewReader(exampleODM), odm.ReadOptions{Name: "example.xml"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ad := range doc.AdminData() {
		for _, u := range ad.Users {
			fmt.Printf("%s: %s %s <%s> at %s (line %d)\n", u.OID, u.FirstName, u.LastName, u.Emails[0], u.LocationRefs[0].LocationOID, u.Line)
		}
	}
	// Output:
	// amorel: Ada Morel <ada.morel@site01.example.org> at SITE.1 (line 4)
}

// Edit a typed field and write the document back: only that field changes in the output.
func Example_editAndEncode() {
	doc, err := odm.Decode(strings.NewReader(exampleODM), odm.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	u := doc.AdminData()[0].Users[0]
	u.Emails[0] = "ada@site01.example.org"
	var out bytes.Buffer
	if err := odm.Encode(&out, doc, odm.WriteOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	// Print the lines that differ from the input.
	in := strings.Split(exampleODM, "\n")
	for i, line := range strings.Split(out.String(), "\n") {
		if line != in[i] {
			fmt.Printf("line %d: %s\n", i+1, strings.TrimSpace(line))
		}
	}
	// Output:
	// line 8: <Email>ada@site01.example.org</Email>
}

// Stream the records of a file of any size with bounded memory.
func ExampleReader() {
	r := odm.NewReader(strings.NewReader(exampleODM), odm.ReadOptions{})
	for n, err := range r.All() {
		if err != nil {
			fmt.Println(err)
			return
		}
		switch v := n.(type) {
		case *odm.AdminData:
			fmt.Println("AdminData for study", v.StudyOID)
		case *odm.User:
			fmt.Println("user", v.OID)
		case *odm.Location:
			fmt.Println("location", v.OID, v.Name)
		}
	}
	// Output:
	// AdminData for study DEMO
	// user amorel
	// location SITE.1 Demo Site
}

// Read vendor extensions by namespace URI, through a typed view or directly.
func ExampleUser_InForm() {
	doc, err := odm.Decode(strings.NewReader(exampleODM), odm.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	u := doc.AdminData()[0].Users[0]
	inform := u.InForm()
	fmt.Println("DBUID", inform.DBUID, "active", inform.Active, "groups", inform.GroupRefs)
	dbuid, _ := u.Attr(odm.NSInForm, "DBUID")
	fmt.Println("raw", dbuid)
	// Output:
	// DBUID 11217 active Yes groups [5954]
	// raw 11217
}

// Write a new document record by record.
func ExampleWriter() {
	w := odm.NewWriter(os.Stdout, odm.WriteOptions{})
	w.Write(&odm.AdminData{StudyOID: "DEMO"})
	w.Write(&odm.User{OID: "U1", LoginName: "nnew", FirstName: "Nia", LastName: "New"})
	if err := w.Close(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2">
	//   <AdminData StudyOID="DEMO">
	//     <User OID="U1">
	//       <LoginName>nnew</LoginName>
	//       <FirstName>Nia</FirstName>
	//       <LastName>New</LastName>
	//     </User>
	//   </AdminData>
	// </ODM>
}

// Convert a whole file to the JSON form while reading it.
func ExampleStreamJSON() {
	var out bytes.Buffer
	if err := odm.StreamJSON(&out, odm.NewReader(strings.NewReader(exampleODM), odm.ReadOptions{})); err != nil {
		fmt.Println(err)
		return
	}
	doc, _ := odm.DecodeJSON(&out, odm.ReadOptions{})
	fmt.Println(doc.AdminData()[0].Users[0].LoginName)
	io.Copy(io.Discard, &out)
	// Output:
	// amorel
}
