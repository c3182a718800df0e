package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/plan"
)

const planHelp = `
Checks a bulk user upload before it is uploaded. --existing is the current users: an
ODM export of any profile, a Clinical One "Update Users" template saved as CSV, or the
JSON "odmadmin map --to json" writes. --upload is a Clinical One user upload template
saved as CSV, or a directory in JSON (or ODM), one row per user.

For each row (numbered from 1 after the header) the plan says create, update (with the
fields and assignments that change) or unchanged, and warns:
  possibleDuplicateAccount  a new user name whose e-mail belongs to an existing user, or
                            a typo (≤ 2 edits, or letter case) of the user name of an
                            existing user with the same name: a second account
  usernameChange            an existing user's e-mail and name with another user name:
                            user names cannot be changed (see --allow-renames)
  endDateBeforeStartDate    the access ends before it starts
  unknownRole               a study role neither in the export nor in the vocabulary
  unknownSite               a site with no OID, number or name in the export
  duplicateRow              the user name is on an earlier row
  tooManyRows               more rows than the template's guidance (600, --max-rows)
  missingValue, invalidDate a required column is empty; a date is not a date
Messages name users by login only; the changes hold the upload's values.

Output: json {"actions": [{"row", "action", "user", "changes": [{"field", "where",
"old", "new"}], "warnings": [{"code", "message"}]}]}, or text (one block per row).

Exit status: 0 no warnings, 1 warnings, 2 error.
`

func runPlan(e *env, args []string) int {
	fs := newFlagSet(e, "plan",
		"odmadmin plan --existing EXPORT --upload FILE [--study OID] [--training] [--format json|text] [-o OUT]",
		"odmadmin plan --existing cmd/odmadmin/testdata/plan/existing.xml --upload cmd/odmadmin/testdata/plan/clean.csv --format text\n"+
			"odmadmin plan --existing cmd/odmadmin/testdata/plan/existing.xml --upload cmd/odmadmin/testdata/plan/upload.csv # exit 1")
	existing := fs.String("existing", "", "the current users: an `EXPORT` (ODM, CSV template or JSON); \"-\" is stdin")
	upload := fs.String("upload", "", "the upload `FILE`: a Clinical One template saved as CSV, or a JSON directory; \"-\" is stdin")
	study := fs.String("study", "", "study `OID` the upload is for (default: the export's only study)")
	training := fs.Bool("training", false, "upload to training mode: the rows apply to Production and Training")
	renames := fs.Bool("allow-renames", false, "the target can change user names: a renamed row updates the user")
	maxRows := fs.Int("max-rows", plan.DefaultMaxRows, "`ROWS` per upload before tooManyRows (0 or negative: no limit)")
	o := fs.outputFlags("json", "text")
	fs.setHelp(planHelp)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	if len(pos) > 0 || *existing == "" || *upload == "" {
		return usagef(e, "plan", "want --existing EXPORT and --upload FILE, and no other arguments")
	}
	if *existing == "-" && *upload == "-" {
		return usagef(e, "plan", "only one of --existing and --upload can be stdin")
	}
	if *maxRows == 0 {
		*maxRows = -1
	}

	in, err := openInput(e, *existing)
	if err != nil {
		return fail(e, "plan", err)
	}
	cur, _, err := readDirectory(bufio.NewReaderSize(in, 64<<10), in.Name, mapping.Options{Study: *study})
	in.Close()
	if err != nil {
		return fail(e, "plan", err)
	}
	rows, err := readUpload(e, *upload, *study)
	if err != nil {
		return fail(e, "plan", err)
	}
	p, err := plan.Make(cur, rows, plan.Options{Context: e.ctx, Study: *study, Training: *training, AllowRenames: *renames, MaxRows: *maxRows})
	if err != nil {
		return fail(e, "plan", err)
	}
	err = writeOutput(e, o.out, func(w io.Writer) error {
		if o.format == "text" {
			return p.WriteText(w)
		}
		return p.WriteJSON(w)
	})
	if err != nil {
		return fail(e, "plan", err)
	}
	if p.Warnings() > 0 {
		return 1
	}
	return 0
}

// readUpload reads the upload's rows: the CSV template row by row, or a directory (JSON or
// ODM, told apart by the first character) user by user.
func readUpload(e *env, path, study string) ([]plan.Row, error) {
	in, err := openInput(e, path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	br := bufio.NewReaderSize(in, 64<<10)
	head, _ := br.Peek(512)
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	if len(head) == 0 {
		return nil, errors.New(in.Name + ": empty input")
	}
	if head[0] == '{' || head[0] == '<' {
		d, _, err := readDirectory(br, in.Name, mapping.Options{Study: study})
		if err != nil {
			return nil, err
		}
		return plan.FromDirectory(d), nil
	}
	rows, err := plan.ReadCSV(br)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	return rows, nil
}
