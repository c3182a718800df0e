package gen

import (
	"bufio"
	"fmt"
	"io"
)

// UploadCSV writes a Clinical One user upload template (CSV) of rows rows for the users
// InForm writes with the same users count: every third row updates an existing user
// (same login, another e-mail), the others create new users who share their given and
// family name with many existing users, so that a plan compares each such row with the
// existing users of that name.
func UploadCSV(w io.Writer, rows, users int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprint(bw, "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n")
	sites := users/50 + 2
	for r := 0; r < rows; r++ {
		i := r * 7 % max(users, 1)
		g, f := Name(i)
		login := fmt.Sprintf("user%06d", i)
		email := fmt.Sprintf("changed%06d@site%d.example.org", i, 10000+i%sites)
		if r%3 != 0 {
			login = fmt.Sprintf("new%06d", r)
			email = fmt.Sprintf("new%06d@site%d.example.org", r, 10000+i%sites)
		}
		fmt.Fprintf(bw, "%s,%s,%s,%s,05-Jan-2026,,Site Investigator Rights,%d,\n", g, f, email, login, 10000+i%sites)
	}
	return bw.Flush()
}

// SameName writes an InForm-shaped export of users users who all have the same given and
// family name (and distinct logins and e-mail addresses): the worst case for anything
// that compares a person with every existing person of the same name.
func SameName(w io.Writer, users int) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	fmt.Fprint(bw, `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Snapshot" FileOID="GEN.SAME.1" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="1.3">
  <AdminData StudyOID="GEN-STUDY">
`)
	for i := 0; i < users; i++ {
		fmt.Fprintf(bw, `    <User OID="u%07d" pf:DBUID="%d"><LoginName>same%07d</LoginName><FirstName>Ada</FirstName><LastName>Example</LastName><Email>same%07d@site.example.org</Email><LocationRef LocationOID="10000"/></User>
`, i, 20000+i, i, i)
	}
	fmt.Fprint(bw, `    <Location OID="10000" Name="Demo Site" LocationType="Site"/>
  </AdminData>
</ODM>
`)
	return bw.Flush()
}

// SameNameUploadCSV writes rows upload rows that all name the person SameName writes,
// each with a new login and e-mail address.
func SameNameUploadCSV(w io.Writer, rows int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprint(bw, "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n")
	for r := 0; r < rows; r++ {
		fmt.Fprintf(bw, "Ada,Example,fresh%07d@site.example.org,fresh%07d,05-Jan-2026,,Site User,10000,\n", r, r)
	}
	return bw.Flush()
}
