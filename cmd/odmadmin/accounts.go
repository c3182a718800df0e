package main

import (
	"io"

	"github.com/odmadmin/odmadmin/validate"
)

const accountsHelp = `
Checks a user table of OpenClinica 4's user administration (the Administration screen
or a study's User Administration / Share screen), saved as CSV or .xlsx (FILE, or stdin
when FILE is absent or "-"): the header row names Username and any of Type, Status,
Role or Roles, Created (UTC), Updated (UTC) and Last Login (UTC); First, Last, Email,
Organization, Phone and Actions are read past. Each row is checked against the
OpenClinica 4 administrator guide: every account has a Username; Type is Admin or User;
Status is Created (no role
assigned, so a Created user with roles is an error), Invited (at least one role, not yet
activated; not checked when the table has no Role or Roles column, which cannot tell),
Available or Deactivated; an account is not updated, nor logged into, before it is
created. Two warnings follow from what the statuses mean: an Invited user has not yet
activated the account, so has no Last Login time, and a Deactivated user cannot log in,
so has no Last Login after Updated (deactivating updates the account). The times are
in UTC, written DD-MMM-YYYY HH:MM as the screens show them (10-May-2018 17:57; the day
and the hour may have one digit, and seconds may follow) or in ISO 8601 as spreadsheets
and other tools give them back (2018-05-10T17:57, with seconds, a fraction, Z or an
offset such as +02:00, which is turned into UTC, or a space for the T); a date alone, in
either form, is 00:00, and Last Login may be Never. In a workbook, a cell typed as a
number is read as Excel shows it; one of more than 15 digits (a long numeric username),
which Excel does not keep, is a warning (account.inexactNumber) before the row's other
checks. The codes are documented in the validate package (go doc validate).

Diagnostics are FILE:ROW:COLUMN: SEVERITY CODE: message, the row as a spreadsheet
numbers it. --values adds the offending value (personal data, only on request).

Each row is checked as it is read, so a table of any length takes the memory of one
row (a 1,000,000-row table: 51 MiB, where holding its rows took 444 MiB). A row that
cannot be read (bytes that are not UTF-8, a broken quote) stops the check there with
exit status 2, after the diagnostics of the rows before it (with -o, no file is written).

Exit status: 0 every row passes, 1 some row does not, 2 the table cannot be read.
`

func runAccounts(e *env, args []string) int {
	fs := newFlagSet(e, "accounts",
		"odmadmin accounts [--format text|json] [--values] [--charset SET] [-o OUT] [--max N] [--quiet] [FILE]",
		"odmadmin accounts validate/testdata/accounts/administration.csv # exit 1")
	o := fs.outputFlags("text", "json")
	values := fs.Bool("values", false, "include each offending value in the output; it is personal data, so only on request")
	rf := addReadFlags(fs)
	fs.setHelp(accountsHelp)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	inOpts, err := rf.options()
	if err != nil {
		return usagef(e, "accounts", "%v", err)
	}
	path, ok := inputPath(e, fs, "accounts", pos)
	if !ok {
		return 2
	}
	in, err := openInput(e, path)
	if err != nil {
		return fail(e, "accounts", err)
	}
	defer in.Close()
	// The rows are checked as they are read (what is held is one row): an error in the
	// header comes before any output, one in a later row stops the command there.
	rows, err := validate.OpenAccounts(in, in.Name, validate.AccountsOptions{Charset: inOpts.Charset})
	if err != nil {
		return fail(e, "accounts", err)
	}
	defer rows.Close()
	var dw *diagWriter
	err = writeOutput(e, o.out, func(w io.Writer) error {
		dw = newDiagWriter(w, o)
		for {
			r, err := rows.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			for _, f := range validate.CheckAccount(r.Account, validate.Options{Values: *values}) {
				d := Diagnostic{File: in.Name, Row: r.Row, Column: validate.AccountField(f.Field), Severity: string(f.Severity),
					Code: string(f.Code), Message: f.Message, Value: f.Value}
				if err := dw.Write(d); err != nil {
					return err
				}
			}
		}
		return dw.Close()
	})
	if err != nil {
		return fail(e, "accounts", err)
	}
	if !o.quiet {
		dw.Summary(e.stderr, "accounts")
	}
	if dw.Errors() > 0 {
		return 1
	}
	return 0
}
