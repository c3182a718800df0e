package validate

import (
	"fmt"
	"io"
	"strings"

	"github.com/odmadmin/odmadmin/internal/input"
)

// AccountRow is one row of an OpenClinica 4 user table read by [ReadAccounts].
type AccountRow struct {
	Account
	// Row is the row as a spreadsheet numbers it: the header row is row 1 when it is the
	// file's first.
	Row int
}

// accountColumns maps the headers of OpenClinica 4's user administration tables, folded
// by roleKey, to the Account field they fill. Both tables of the OpenClinica 4
// administrator guide are covered: the study's User Administration / Share screen (Role,
// Email, Created (UTC), Updated (UTC)) and the Administration screen (Roles, E-mail and
// Last Login (UTC) as well).
var accountColumns = map[string]string{
	"username": "username", "type": "type", "status": "status",
	"role": "roles", "roles": "roles",
	"created(utc)": "created", "created": "created",
	"updated(utc)": "updated", "updated": "updated",
	"lastlogin(utc)": "lastLogin", "lastlogin": "lastLogin",
}

// accountNotKept are the columns of those tables that CheckAccount has no rule for; they
// are read past without complaint (they are personal data, and no rule needs them).
var accountNotKept = map[string]bool{
	"first": true, "last": true, "email": true, "e-mail": true, "organization": true, "phone": true, "actions": true,
}

// ReadAccounts reads a user table of OpenClinica 4's user administration saved as CSV or
// as an .xlsx workbook: a header row with Username and any of Type, Status, Role (or Roles),
// Created (UTC), Updated (UTC) and Last Login (UTC); the other columns of those screens
// (First, Last, Email, Organization, Phone, Actions) are read past. A Roles cell may list
// several roles separated by commas, semicolons or line breaks. Rows of one username (the
// Share screen lists a user once per role) stay separate rows. A header it does not know
// is an error, so that a mistyped column does not go unchecked, and so are a column named
// twice and a row with a value in a column without a header (a row that does not line up
// with the header, whose checks would be of the wrong cells). It holds every row:
// [OpenAccounts] reads them one at a time.
func ReadAccounts(r io.Reader, name string) ([]AccountRow, error) {
	t, err := OpenAccounts(r, name, AccountsOptions{})
	if err != nil {
		return nil, err
	}
	defer t.Close()
	var out []AccountRow
	for {
		a, err := t.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
}

// AccountTable is a user table read one row at a time: what is held is the row read, so
// a table of any length is checked in the memory of one row (a 1,000,000-row table took
// 444 MiB through ReadAccounts).
type AccountTable struct {
	name string
	in   *input.Input
	t    *input.Table
	cols *input.Header
	// extra is how many line breaks the quoted cells of the CSV records read so far hold:
	// the reader numbers a record by its first line, and a spreadsheet shows a record as
	// one row however many lines its cells span (blank lines are rows, and no records).
	extra int
}

// row returns the row a spreadsheet shows for the record rec that Read returned last, and
// counts rec's line breaks for the rows after it.
func (a *AccountTable) row(rec []string) int {
	n := a.t.Row()
	if a.in.Kind != input.CSV {
		return n // a worksheet's own row
	}
	n -= a.extra
	for _, v := range rec {
		a.extra += strings.Count(v, "\n")
	}
	return n
}

// AccountsOptions configure OpenAccounts. The zero value reads CSV in UTF-8 or UTF-16.
type AccountsOptions struct {
	// Charset is the character set of CSV without a byte-order mark that is not UTF-8 or
	// UTF-16, as an IANA or WHATWG name ("windows-1252"). Without it such a byte is an
	// error naming its line and column.
	Charset string
}

// OpenAccounts opens a user table as [ReadAccounts] reads it and reads its header row: an
// error in the header is returned here, before any row. Read the rows with Next; Close
// it when done.
func OpenAccounts(r io.Reader, name string, opts AccountsOptions) (*AccountTable, error) {
	in, err := input.New(r, name, input.Options{Charset: opts.Charset})
	if err == nil {
		err = in.Expect(input.CSV, input.XLSX)
	}
	if err != nil {
		return nil, err
	}
	t, err := in.Table(input.TableOptions{IsHeader: func(row []string) bool {
		for _, c := range row {
			if roleKey(c) == "username" {
				return true
			}
		}
		return false
	}})
	if err != nil {
		in.Close()
		return nil, err
	}
	a := &AccountTable{name: name, in: in, t: t}
	if a.cols, err = a.header(); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// header reads the header row and returns the column of each Account field.
func (a *AccountTable) header() (*input.Header, error) {
	name, t := a.name, a.t
	header, err := t.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: the user table is empty", name)
	}
	if err != nil {
		return nil, err
	}
	a.row(header)
	cols, err := input.NewHeader(header, func(h string) (string, bool) {
		f, ok := accountColumns[roleKey(h)]
		return f, ok
	})
	if err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, t.Row(), err)
	}
	if !cols.Has("username") {
		// No row had a Username cell, so the row read as the header may be a person's
		// (a table saved without its header row): its cells are not named.
		return nil, fmt.Errorf("%s:%d: the header row has no Username column (is the header row missing?); an OpenClinica 4 user table has First, Last, Username, Email, Organization, Phone, Role(s), Type, Status, Created (UTC), Updated (UTC), Last Login (UTC)", name, t.Row())
	}
	for _, i := range cols.Unknown() {
		if h := header[i]; !accountNotKept[roleKey(strings.TrimPrefix(h, "\ufeff"))] {
			return nil, fmt.Errorf("%s:%d: unknown column %q; an OpenClinica 4 user table has First, Last, Username, Email, Organization, Phone, Role(s), Type, Status, Created (UTC), Updated (UTC), Last Login (UTC)", name, t.Row(), strings.TrimSpace(h))
		}
	}
	return cols, nil
}

// Next returns the next row that is not blank, or io.EOF after the last.
func (a *AccountTable) Next() (AccountRow, error) {
	for {
		rec, err := a.t.Read()
		if err != nil {
			return AccountRow{}, err
		}
		row := a.row(rec)
		if err := a.cols.Uncalculated(a.t, row); err != nil {
			return AccountRow{}, fmt.Errorf("%s: %w", a.name, err)
		}
		blank := true
		for _, v := range rec {
			blank = blank && strings.TrimSpace(v) == ""
		}
		if blank {
			continue
		}
		if i := a.cols.Loose(rec); i > 0 {
			// A value no column names is a row that does not line up with the header (a
			// separator in an unquoted cell): its checks would be of the wrong cells.
			return AccountRow{}, fmt.Errorf("%s:%d: column %d has a value, but the header row names no column there", a.name, row, i)
		}
		get := func(f string) string { return a.cols.Get(rec, f) }
		r := AccountRow{Row: row, Account: Account{Username: get("username"), Type: get("type"), Status: get("status"),
			Created: get("created"), Updated: get("updated"), LastLogin: get("lastLogin"), RolesUnknown: !a.cols.Has("roles")}}
		if names, _ := a.cols.InexactNumbers(a.t); len(names) > 0 {
			for _, h := range names {
				r.InexactNumbers = append(r.InexactNumbers, accountColumns[roleKey(h)])
			}
		}
		for _, role := range strings.FieldsFunc(get("roles"), func(c rune) bool { return c == ',' || c == ';' || c == '\n' }) {
			if role = strings.TrimSpace(role); role != "" {
				r.Roles = append(r.Roles, role)
			}
		}
		return r, nil
	}
}

// Close closes the table and its input.
func (a *AccountTable) Close() error {
	err := a.t.Close()
	if e := a.in.Close(); err == nil {
		err = e
	}
	return err
}

// AccountField returns the column header a finding's Field stands for in an OpenClinica 4
// user table ("created" is "Created (UTC)").
func AccountField(field string) string {
	switch field {
	case "type":
		return "Type"
	case "status":
		return "Status"
	case "created":
		return "Created (UTC)"
	case "updated":
		return "Updated (UTC)"
	case "lastLogin":
		return "Last Login (UTC)"
	case "username":
		return "Username"
	}
	return field
}
