package validate

import (
	"errors"
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
// is an error, so that a mistyped column does not go unchecked.
func ReadAccounts(r io.Reader, name string) ([]AccountRow, error) {
	in, err := input.New(r, name, input.Options{})
	if err == nil {
		err = in.Expect(input.CSV, input.XLSX)
	}
	if err != nil {
		return nil, err
	}
	defer in.Close()
	t, err := in.Table(input.TableOptions{IsHeader: func(row []string) bool {
		for _, c := range row {
			if roleKey(c) == "username" {
				return true
			}
		}
		return false
	}})
	if err != nil {
		return nil, err
	}
	defer t.Close()
	header, err := t.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: the user table is empty", name)
	}
	if err != nil {
		return nil, err
	}
	cols := map[string]int{}
	for i, h := range header {
		k := roleKey(strings.TrimPrefix(h, "\ufeff"))
		if f, ok := accountColumns[k]; ok {
			if _, dup := cols[f]; dup {
				return nil, fmt.Errorf("%s:%d: the column %q appears twice", name, t.Row(), strings.TrimSpace(h))
			}
			cols[f] = i
			continue
		}
		if !accountNotKept[k] && k != "" {
			return nil, fmt.Errorf("%s:%d: unknown column %q; an OpenClinica 4 user table has First, Last, Username, Email, Organization, Phone, Role(s), Type, Status, Created (UTC), Updated (UTC), Last Login (UTC)", name, t.Row(), strings.TrimSpace(h))
		}
	}
	if _, ok := cols["username"]; !ok {
		return nil, errors.New(name + ": the user table has no Username column")
	}
	var out []AccountRow
	for {
		rec, err := t.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		blank := true
		for _, v := range rec {
			blank = blank && strings.TrimSpace(v) == ""
		}
		if blank {
			continue
		}
		get := func(f string) string {
			if i, ok := cols[f]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		a := AccountRow{Row: t.Row(), Account: Account{Username: get("username"), Type: get("type"), Status: get("status"),
			Created: get("created"), Updated: get("updated"), LastLogin: get("lastLogin")}}
		for _, r := range strings.FieldsFunc(get("roles"), func(c rune) bool { return c == ',' || c == ';' || c == '\n' }) {
			if r = strings.TrimSpace(r); r != "" {
				a.Roles = append(a.Roles, r)
			}
		}
		out = append(out, a)
	}
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
	}
	return field
}
