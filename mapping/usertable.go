package mapping

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/odmadmin/odmadmin/internal/input"
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
// merged into a directory read from an export ([Merge]). Other columns, and values in a
// column without a header, are reported and left out; a row without OID is reported and
// skipped; a column named twice is an error.
func ReadUserTable(cr RowReader, opts Options) (*Directory, []Warning, error) {
	users := &loginUsers{byLogin: map[string]*User{}, list: []*User{}, key: userOID}
	d, ws, err := readUserTable(cr, opts, users)
	if err != nil {
		return nil, nil, err
	}
	d.Users = users.list
	return d, ws, nil
}

// userOID is a user's OID, the key of a user table's rows.
func userOID(u *User) string { return u.ID }

// readUserTable is ReadUserTable with its users, found by OID, in users (held, or compact
// records: see ReadCompact); the directory it returns has none.
func readUserTable(cr RowReader, opts Options, users templateUsers) (*Directory, []Warning, error) {
	var w warner
	t, _, err := readTable(cr, &w, "user table", userTableColumns,
		"not a column of a user table (OID, Login, Email, First Name, Last Name, Phone, Organization); its values are left out")
	if err != nil {
		return nil, nil, err
	}
	if !t.has("OID") {
		return nil, nil, errors.New("mapping: the user table has no OID column")
	}
	d := &Directory{Studies: []*Study{}, Sites: []*Site{}, Users: []*User{}, userTable: true}
	for {
		more, err := t.next()
		if err != nil {
			return nil, nil, err
		}
		if !more {
			break
		}
		rec, get, subject := t.rec, t.get, t.subject()
		oid := get("OID")
		if oid == "" {
			if !blankRow(rec) {
				w.addAt(CodeInvalidValue, "table/OID", subject, "a row without OID adds to nobody; skipped", t.at("OID"))
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
		if prev, ok := users.find(oid); ok {
			mergeUser(&w, prev, u)
			continue
		}
		users.add(u)
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

// table reads a user table row by row: its header row names the columns, each later row
// is one user. The OpenClinica 4 user table and the user table by OID read it alike.
type table struct {
	cr     RowReader
	what   string                 // the table, for errors ("user table")
	w      *warner                // where a row's value under no header is reported
	rowNum interface{ Row() int } // the reader's own row numbers (a worksheet's), if it has them
	hdr    *input.Header          // the columns
	header []string               // the header row as read
	n      int                    // rows read, the header included
	rec    []string               // the current row
}

// readTable reads the header row of cr. A cell that columns names (its key folded as
// roleKey folds, a byte-order mark trimmed) is that column; a column named twice is an
// error. Another non-empty cell is reported under "table/" and its text, with unknown as
// the message, and its values are left out.
func readTable(cr RowReader, w *warner, what string, columns map[string]string, unknown string) (*table, []string, error) {
	t := &table{cr: cr, what: what, w: w, n: 1}
	t.rowNum, _ = cr.(interface{ Row() int })
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, errors.New("mapping: the " + what + " is empty")
	}
	if err != nil {
		return nil, nil, tableErr(what, err)
	}
	t.header = header
	t.hdr, err = input.NewHeader(header, func(h string) (string, bool) {
		c, ok := columns[roleKey(h)]
		return c, ok
	})
	if err != nil {
		return nil, nil, tableErr(what, input.RowError(cr, t.row(), err))
	}
	for _, i := range t.hdr.Unknown() {
		h := strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
		w.addAt(CodeUnrepresentable, "table/"+h, "column "+strconv.Itoa(i+1), unknown, at{row: t.row(), column: h})
	}
	return t, header, nil
}

// next reads the next row; it returns false at the end of the table.
func (t *table) next() (bool, error) {
	rec, err := t.cr.Read()
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, tableErr(t.what, err)
	}
	t.rec = rec
	t.n++
	if err := t.hdr.Uncalculated(t.cr, t.row()); err != nil {
		return false, tableErr(t.what, err)
	}
	if i := t.hdr.Loose(rec); i > 0 {
		looseValue(t.w, "table", t.subject(), t.row(), i)
	}
	inexactNumbers(t.w, "table", t.cr, t.hdr, t.subject(), t.row())
	return true, nil
}

// inexactNumbers reports the cells of the row cr read last, in columns of hdr, that hold a
// number of more digits than Excel keeps (input.Table.InexactNumbers): a long user ID or
// phone number typed as a number lost its later digits in the workbook, which read as 0,
// so the value read is not the one typed; the cell's value is kept as Excel shows it.
// what names the table in the field ("table/User ID", "CSV/Phone").
func inexactNumbers(w *warner, what string, cr RowReader, hdr *input.Header, subject string, row int) {
	names, _ := hdr.InexactNumbers(cr)
	for _, name := range names {
		w.addAt(CodeInvalidValue, what+"/"+name, subject, inexactNumberMsg, at{row: row, column: name})
	}
}

// inexactNumberMsg is the message of inexactNumbers' warning.
const inexactNumberMsg = "a number of more than 15 digits, which Excel does not keep (the digits after the 15th read as 0): the value is not the one typed; type it as text (a leading apostrophe) and read the workbook again"

// looseValue reports a row's value under no header (input.Header.Loose) in column i of
// the table reported as what: a value of no column is left out, and is most often a sign
// that the row does not line up with the header.
func looseValue(w *warner, what, subject string, row, i int) {
	col := "column " + strconv.Itoa(i)
	w.addAt(CodeUnrepresentable, what+"/"+col, subject, "a value in a column without a header (is a separator in an unquoted cell?); left out", at{row: row, column: col})
}

// has reports whether the table has column c.
func (t *table) has(c string) bool { return t.hdr.Has(c) }

// get returns the current row's value of column c, trimmed ("" when the table or the row
// has no such column).
func (t *table) get(c string) string { return t.hdr.Get(t.rec, c) }

// row is the spreadsheet row number of the current row (the header is row 1 of a CSV).
func (t *table) row() int {
	if t.rowNum != nil {
		return t.rowNum.Row()
	}
	return t.n
}

// subject names the current row by its spreadsheet row number.
func (t *table) subject() string { return "row " + strconv.Itoa(t.row()) }

// at places a warning at the current row's cell of column c, named as the header spells it.
func (t *table) at(c string) at {
	return at{row: t.row(), column: headerName(t.header, t.hdr, c)}
}

// headerName returns the header's spelling of column c (c itself when it has none).
func headerName(header []string, hdr *input.Header, c string) string {
	if i, ok := hdr.Index(c); ok && i < len(header) {
		if h := strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff")); h != "" {
			return h
		}
	}
	return c
}

// oidTable is the table of users by OID as ReadAny tells it apart: by its header.
type oidTable struct{ plainRoles }

func (oidTable) isHeader(row []string) bool        { return IsUserTableHeader(row) }
func (oidTable) claims(h []string, _ Profile) bool { return IsUserTableHeader(h) }
func (oidTable) read(t RowReader, opts Options) (*Directory, []Warning, error) {
	return ReadUserTable(t, opts)
}
func (oidTable) sheet() string { return "" }
