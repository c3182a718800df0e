package mapping

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// userTableColumns are the columns of a user table: a list of users by OID that adds
// values another file lacks (Merge joins them by OID), such as the logins and e-mail
// addresses of an export that has none. Keys are folded as roleKey folds.
var userTableColumns = map[string]string{
	"oid": "OID", "useroid": "OID", "userid": "OID", "id": "OID",
	"login": "Login", "loginname": "Login", "username": "Login", "user": "Login",
	"email": "Email", "e-mail": "Email", "emailaddress": "Email", "mail": "Email",
	"firstname": "First Name", "givenname": "First Name",
	"lastname": "Last Name", "familyname": "Last Name", "surname": "Last Name",
	"phone": "Phone", "telephone": "Phone",
	"organization": "Organization", "organisation": "Organization",
}

// IsUserTableHeader reports whether row heads a user table: it has an OID column and at
// least one more known column, and no Study Role (that is the Clinical One template).
func IsUserTableHeader(row []string) bool {
	oid, other := false, false
	for _, h := range row {
		k := roleKey(strings.TrimPrefix(h, "\ufeff"))
		if k == "studyrole" {
			return false
		}
		switch userTableColumns[k] {
		case "OID":
			oid = true
		case "":
		default:
			other = true
		}
	}
	return oid && other
}

// ReadUserTable reads a user table: a header row with an OID column (OID, User OID, User
// ID) and any of Login (User Name, Username), Email, First Name, Last Name, Phone and
// Organization; then one row per user. The users it gives have only those values, to be
// merged into a directory read from an export ([Merge]). Other columns are reported and
// left out; a row without OID is reported and skipped.
func ReadUserTable(cr RowReader, opts Options) (*Directory, []Warning, error) {
	rowNum, _ := cr.(interface{ Row() int })
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, errors.New("mapping: the user table is empty")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("mapping: reading the user table: %w", err)
	}
	var w warner
	col := map[string]int{}
	for i, h := range header {
		c, ok := userTableColumns[roleKey(strings.TrimPrefix(h, "\ufeff"))]
		if !ok {
			if strings.TrimSpace(h) != "" {
				w.add(CodeUnrepresentable, "table/"+strings.TrimSpace(h), "column "+strconv.Itoa(i+1), "not a column of a user table (OID, Login, Email, First Name, Last Name, Phone, Organization); its values are left out")
			}
			continue
		}
		if _, dup := col[c]; !dup {
			col[c] = i
		}
	}
	if _, ok := col["OID"]; !ok {
		return nil, nil, errors.New("mapping: the user table has no OID column")
	}
	d := &Directory{Studies: []*Study{}, Sites: []*Site{}, Users: []*User{}}
	seen := map[string]*User{}
	for n := 2; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("mapping: reading the user table: %w", err)
		}
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		subject := "row " + strconv.Itoa(n)
		if rowNum != nil {
			subject = "row " + strconv.Itoa(rowNum.Row())
		}
		oid := get("OID")
		if oid == "" {
			if !blankRow(rec) {
				w.add(CodeInvalidValue, "table/OID", subject, "a row without OID adds to nobody; skipped")
			}
			continue
		}
		u := &User{ID: oid, Login: get("Login"), GivenName: get("First Name"), FamilyName: get("Last Name"),
			Organization: get("Organization"), Emails: []string{}, Phones: []string{}, Groups: []GroupRef{}, Assignments: []Assignment{}}
		if e := get("Email"); e != "" {
			u.Emails = append(u.Emails, e)
		}
		if p := get("Phone"); p != "" {
			u.Phones = append(u.Phones, p)
		}
		if prev, ok := seen[oid]; ok {
			mergeUser(&w, prev, u)
			continue
		}
		seen[oid] = u
		d.Users = append(d.Users, u)
	}
	return d, w.result(), nil
}

func blankRow(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}
