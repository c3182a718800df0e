package gen

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// Contacts writes n participant contact records of fictitious people, what "odmadmin
// contacts" reads: a JSON array with the participant API's field names, one record a
// line, or with csv the same records as CSV under a header of those names. Every 50th
// record has an e-mail address the server refuses, so that findings are written too.
func Contacts(w io.Writer, n int, csv bool) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if csv {
		fmt.Fprint(bw, "subjectKey,firstName,lastName,emailAddress,phoneNumber,register\n")
	} else {
		fmt.Fprint(bw, "[\n")
	}
	for i := 0; i < n; i++ {
		g, f := Name(i)
		email := fmt.Sprintf("participant%07d@example.org", i)
		if i%50 == 0 {
			email = fmt.Sprintf("participant%07d@example", i) // no top-level domain
		}
		phone := fmt.Sprintf("+1 202555%04d", i%10000)
		if csv {
			fmt.Fprintf(bw, "SS-%07d,%s,%s,%s,%s,n\n", i, g, f, email, phone)
			continue
		}
		if i > 0 {
			fmt.Fprint(bw, ",\n")
		}
		gq, _ := json.Marshal(g)
		fq, _ := json.Marshal(f)
		fmt.Fprintf(bw, `  {"subjectKey": "SS-%07d", "firstName": %s, "lastName": %s, "emailAddress": "%s", "phoneNumber": "%s", "register": "n"}`, i, gq, fq, email, phone)
	}
	if !csv {
		fmt.Fprint(bw, "\n]\n")
	}
	return bw.Flush()
}

// OC4Users writes an OpenClinica 4 user table as its Users page exports it (CSV), what
// "odmadmin accounts" reads: rows rows, two for each user (a role at two sites), some
// users Created with roles, which accounts reports.
func OC4Users(w io.Writer, rows int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprint(bw, "First,Last,Username,Email,Organization,Phone,Role,Type,Status,Created (UTC),Updated (UTC),Actions\n")
	roles := []string{"Investigator", "Clinical Research Coordinator", "Monitor", "Data Manager"}
	for r := 0; r < rows; r++ {
		i := r / 2
		g, f := Name(i)
		status := "Available"
		if i%100 == 0 {
			status = "Created"
		}
		fmt.Fprintf(bw, "%s,%s,user%07d,user%07d@example.org,Demo Org,555-0100,%s,User,%s,22-May-2025 11:14,11-Sep-2025 12:15,Edit Remove\n",
			g, f, i, i, roles[r%len(roles)], status)
	}
	return bw.Flush()
}
