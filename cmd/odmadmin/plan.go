package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	inp "github.com/odmadmin/odmadmin/internal/input"

	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
	"github.com/odmadmin/odmadmin/plan"
)

const planHelp = `
Checks a bulk user upload before it is uploaded. --existing is the current users: an
ODM export of any profile (XML in any encoding, or ODM JSON), a Clinical One "Update
Users" template as .xlsx or CSV, or the JSON "odmadmin map --to json" writes; repeat it
for an export of several files (Rave Users.odm and Sites.odm), merged as "map" merges
(a person the files disagree about is listed on stderr as mapping.merge-conflict; so
is whatever else the readers of --existing, a directory --upload and a spec's login
lookup table warn about, as "map" lists it).
--upload is a Clinical One user upload template as .xlsx (tab "Clinical One Users") or
CSV (",", ";" or tab separated; --charset for 8-bit files), or a directory in JSON (or
ODM), one row per user.

--spec FILE applies a migration spec (see "odmadmin map --help") to the existing users
first, as "map --spec" and "diff --spec" apply it: an export from another system (an
InForm export planned against the Clinical One template made from it) then has the
template's roles and site numbers. Canonical targets are named as the upload's system
names them (Clinical One for a template). What the spec leaves unmapped or could not
apply is listed on stderr as mapping warnings (they do not change the exit status; the
plan's own unknownRole and unknownSite warnings do).

For each row (numbered as a spreadsheet shows it: the header is row 1, or the row under any title rows) the plan says create, update (with the
fields and assignments that change) or unchanged, and warns:
  possibleDuplicateAccount  a new user name whose e-mail belongs to an existing user, or
                            a typo (≤ 2 edits, or letter case) of the user name of an
                            existing user with the same name: a second account
  usernameChange            an existing user's e-mail and name with another user name:
                            user names cannot be changed (see --allow-renames)
  emailChange               an existing user's e-mail address changes (letter case aside;
                            a mistyped one may create a new account); the message says
                            when the new one is ≤ 2 edits from the current one
  emailOfOtherUser          an existing user is given the e-mail address of another
                            existing user: the address or the user name is mistyped
  endDateBeforeStartDate    the access ends before it starts
  unknownRole               a study role neither in the export nor in the vocabulary
  unknownSite               a site with no OID, number or name in the export
  duplicateRow              the user name is on an earlier row, or an earlier row
                            updates the same user under another name (a rename)
  tooManyRows               more rows than the template's guidance (600, --max-rows)
  missingValue, invalidDate a required column is empty (a directory row: the user has
                            no access in the study); a date is not a date
  twoDigitYear              a date with a two-digit year (05-Jan-26), read as the
                            message says (1969-2068); the template wants DD-MMM-YYYY
  valueWithoutColumn        a value in a column the header does not name (not read)
  inexactNumber             a workbook number of more than 15 digits (Excel keeps 15):
                            not the value typed; type it as text
  unknownColumn             a header cell that names no template column (row 1; its
                            values are not read)
  siteRoleWithoutSite       a directory row's site-level role that names no site (as an
                            OpenClinica 4 user table gives it): not planned as the
                            whole study, which would grant it at every site, but left
                            out, as map --to csv leaves it out; give the row its sites
Messages name users by login only; the changes hold the upload's values.

Output: json {"actions": [{"row", "action", "user", "changes": [{"field", "where",
"old", "new"}], "warnings": [{"code", "message"}]}]}, or text (one block per row).
An assignment's "where" is "STUDY (ENVIRONMENT)-SITE" as diff and the User and Role
Audit Log write it: the study by OID, the site by name (else number, else OID; a name
two sites share gets the OID in parentheses).
The warnings are also listed on stderr as FILE:ROW: warning plan.CODE: message, with a
count per code (--max caps the listing, --quiet leaves it out).

Memory: one ODM export is streamed; a Clinical One template (CSV or .xlsx) or the JSON
of "map --to json" goes to a temporary file as compact user records (4 bytes a user
stay in memory); several --existing files are merged user by user into a temporary file
as "map" merges them (some 30 bytes a user). --spec is applied to each user as it is
built, before plan picks the users the rows name. plan holds the rows (past 8 MB of
them, in a temporary file) and their keys (the user names, and hashes of user names,
e-mail addresses and names: some 50 bytes a row), and the existing users they can be
compared with, each as one compact record of only what is compared (and what the
streamed read holds), not the export; once the export is read, it drops the users kept
only for rows that update another user (but those with the e-mail address of such a
row, for emailOfOtherUser). Each row's action is written as it is planned, not held; of
the rows' warnings, stderr's listing holds the first --max of each code (all with --max
0) and counts the rest. An export or directory given as --upload (a migration planned
whole) is read the same way, one user at a time into the rows. A template or JSON on
stdin is copied to a temporary file first and read as a file is; the
other user tables are read whole.

Exit status: 0 no warnings, 1 warnings, 2 error.
`

func runPlan(e *env, args []string) int {
	fs := newFlagSet(e, "plan",
		"odmadmin plan --existing EXPORT [--existing FILE]... --upload FILE [--spec SPEC] [--study OID] [--charset SET] [--training] [--format json|text] [-o OUT]",
		"odmadmin plan --existing cmd/odmadmin/testdata/plan/existing.xml --upload cmd/odmadmin/testdata/plan/clean.csv --format text\n"+
			"odmadmin plan --spec examples/migration-spec/spec.csv --existing examples/migration-spec/inform-export.xml --upload cmd/odmadmin/testdata/plan/inform-upload.csv --study ASTRA-9 --format text\n"+
			"odmadmin plan --existing cmd/odmadmin/testdata/plan/existing.xml --upload cmd/odmadmin/testdata/plan/upload.csv # exit 1")
	var existing pathList
	fs.Var(&existing, "existing", "the current users: an `EXPORT` (ODM, .xlsx or CSV template, JSON); \"-\" is stdin; repeat it for an export of several files")
	upload := fs.String("upload", "", "the upload `FILE`: a Clinical One template as .xlsx or CSV, or a directory (JSON or ODM); \"-\" is stdin")
	study := fs.String("study", "", "study `OID` the upload is for (default: the export's only study; one the export does not have is an error)")
	training := fs.Bool("training", false, "upload to training mode: the rows apply to Production and Training")
	renames := fs.Bool("allow-renames", false, "the target can change user names: a renamed row updates the user")
	specPath := fs.String("spec", "", "apply the migration spec `FILE` to the existing users first (their roles and sites in the upload's terms)")
	maxRows := fs.Int("max-rows", plan.DefaultMaxRows, "`ROWS` per upload before tooManyRows (0 or negative: no limit)")
	o := fs.outputFlags("json", "text")
	fs.limitFlags("maximum element nesting (-1: no limit)")
	rf := addReadFlags(fs)
	audit := fs.auditLogFlags()
	fs.setHelp(planHelp + planAuditHelp)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	if len(pos) > 0 || len(existing) == 0 || *upload == "" {
		return usagef(e, "plan", "want --existing EXPORT and --upload FILE, and no other arguments")
	}
	if slices.Contains(existing, "-") && *upload == "-" {
		return usagef(e, "plan", "only one of --existing and --upload can be stdin")
	}
	if *maxRows == 0 {
		*maxRows = -1
	}

	inOpts, err := rf.options()
	if err != nil {
		return usagef(e, "plan", "%v", err)
	}
	rows, src, readWarnings, err := readUpload(e, *upload, *study, inOpts)
	if err != nil {
		return fail(e, "plan", err)
	}
	defer rows.Close()
	var spec *mapping.Spec
	var lookup *mapping.Directory
	if *specPath != "" {
		var lws []mapping.Warning
		if spec, lookup, lws, err = loadSpec(e, *specPath, inOpts); err != nil {
			return fail(e, "plan", err)
		}
		readWarnings = append(readWarnings, readerDiagnostics(*specPath, lws)...)
	}
	// What the readers of --existing warned about (as map lists it) is listed with the
	// spec's warnings: conflicts between merged files (the plan compares the rows with one
	// of the values), the odm reader's quirks, values normalized or unreadable.
	var use *mapping.SpecUse
	if spec != nil {
		use = &mapping.SpecUse{Spec: spec, Target: src.target, Lookup: lookup}
	}
	read := readExisting
	if e.wholeMerge {
		read = readExistingWhole
	}
	kept := plan.NewKept(rows)
	defer kept.Close()
	cur, exWarnings, sws, err := read(e, existing, inOpts, mapping.Options{Study: *study, Context: e.context()}, kept.Keep, use)
	specWarnings := append(readWarnings, exWarnings...)
	if err != nil {
		return fail(e, "plan", err)
	}
	for _, w := range sws {
		specWarnings = append(specWarnings, mappingDiagnostic(*specPath, w))
	}
	opts := plan.Options{Context: e.ctx, Study: *study, Training: *training, AllowRenames: *renames, MaxRows: *maxRows}
	if audit.log != "" || audit.from != "" || audit.to != "" || audit.strict {
		p := &plan.Plan{Actions: []plan.Action{}}
		err := kept.Each(cur, opts, func(a plan.Action) error {
			p.Actions = append(p.Actions, a)
			return nil
		})
		if err != nil {
			return fail(e, "plan", err)
		}
		printDiagnostics(e, "plan", o, specWarnings)
		return planAudit(e, o, audit, p)
	}
	// The actions are written as they are planned (plan.Each), not held: what stays is
	// the diagnostics of the rows with warnings that stderr lists (--max of each code),
	// and a count of the others.
	ds := newHeldDiagnostics(o, specWarnings)
	err = writeOutput(e, o.out, func(w io.Writer) error {
		pw := plan.NewWriter(w, o.format == "text")
		err := kept.Each(cur, opts, func(a plan.Action) error {
			for _, d := range planDiagnostics(a, src) {
				ds.add(d)
			}
			return pw.Write(a)
		})
		if err != nil {
			return err
		}
		return pw.Close()
	})
	if err != nil {
		return fail(e, "plan", err)
	}
	// The report carries the plan's warnings too; stderr lists them, and what the spec
	// could not map, in the diagnostic format every command uses, capped by --max and
	// summarized per code.
	printDiagnostics(e, "plan", o, append(specWarnings, ds.all()...))
	// The plan's own warnings make the exit status 1: a row's, and a column of the upload
	// that is not read (plan.unknownColumn). What the readers of the files say (odm.*,
	// mapping.*) is listed only.
	if ds.n > 0 || slices.ContainsFunc(readWarnings, func(d Diagnostic) bool { return strings.HasPrefix(d.Code, "plan.") }) {
		return 1
	}
	return 0
}

// heldDiagnostics are the diagnostics of a plan's rows as printDiagnostics will list them
// after the diagnostics before them: of each code, the first --max (all with --max 0),
// and of the rest of a code one diagnostic that counts them (Count), which the listing
// counts and does not show; none with --quiet. A million rows with a warning each held a
// million diagnostics (some 200 bytes each) to list twenty.
type heldDiagnostics struct {
	max, n int
	quiet  bool
	shown  map[codeKey]int
	list   []Diagnostic
	rest   map[codeKey]int
	order  []codeKey // of rest
}

// newHeldDiagnostics returns the diagnostics held after before, listed with o.
func newHeldDiagnostics(o *outputFlags, before []Diagnostic) *heldDiagnostics {
	h := &heldDiagnostics{max: maxOr(o), quiet: o != nil && o.quiet, shown: map[codeKey]int{}, rest: map[codeKey]int{}}
	for _, d := range before {
		if k := (codeKey{d.Severity, d.Code}); h.max <= 0 || h.shown[k] < h.max {
			h.shown[k]++
		}
	}
	return h
}

func (h *heldDiagnostics) add(d Diagnostic) {
	h.n++
	if h.quiet {
		return
	}
	k := codeKey{d.Severity, d.Code}
	if h.max <= 0 || h.shown[k] < h.max {
		h.shown[k]++
		h.list = append(h.list, d)
		return
	}
	if h.rest[k] == 0 {
		h.order = append(h.order, k)
	}
	h.rest[k] += max(d.Count, 1)
}

// all returns the diagnostics to list, in order, and those that count the rest.
func (h *heldDiagnostics) all() []Diagnostic {
	out := h.list
	for _, k := range h.order {
		out = append(out, Diagnostic{Severity: k.severity, Code: k.code, Count: h.rest[k]})
	}
	return out
}

// uploadSource is where the upload's rows came from, for diagnostics.
type uploadSource struct {
	name  string
	table bool // a CSV or workbook: Action.Row is the spreadsheet row
	// target is the profile of the upload's system, whose names a spec's canonical
	// targets take.
	target mapping.Profile
}

// planDiagnostics turns an action's warnings into diagnostics at the upload's row (a
// directory upload has no rows: its users are counted from 1 in the message instead).
func planDiagnostics(a plan.Action, src uploadSource) []Diagnostic {
	var ds []Diagnostic
	for _, w := range a.Warnings {
		d := Diagnostic{File: src.name, Severity: "warning", Code: "plan." + string(w.Code), Message: w.Message}
		if src.table {
			d.Row = a.Row
		} else {
			d.Message = fmt.Sprintf("user %d: %s", a.Row, w.Message)
		}
		ds = append(ds, d)
	}
	return ds
}

// readUpload reads the upload's rows: the template (CSV or .xlsx) row by row, or a
// directory (JSON or ODM) user by user.
func readUpload(e *env, path, study string, o inp.Options) (*plan.Rows, uploadSource, []Diagnostic, error) {
	in, err := openAny(e, path, o)
	if err != nil {
		return nil, uploadSource{}, nil, err
	}
	defer in.Close()
	switch in.Kind {
	case inp.CSV, inp.XLSX:
		t, err := in.Table(inp.TableOptions{Sheets: []string{mapping.ClinicalOneSheet}, IsHeader: plan.IsHeader})
		if err != nil {
			return nil, uploadSource{}, nil, err
		}
		defer t.Close()
		rows, err := plan.ReadRows(t)
		if err != nil {
			return nil, uploadSource{}, nil, inp.WithName(t.Name, err)
		}
		// A column the template lacks (a misspelt "Deopts", a column of notes) is not
		// read: its values would otherwise go unplanned without a word.
		var ds []Diagnostic
		for _, c := range rows.UnknownColumns() {
			ds = append(ds, Diagnostic{File: t.Name, Row: 1, Severity: "warning", Code: "plan.unknownColumn",
				Message: fmt.Sprintf("%q is not a column of the template: its values are not read", c)})
		}
		return rows, uploadSource{name: t.Name, table: true, target: mapping.ProfileClinicalOne}, ds, nil
	}
	// A directory upload (an export, JSON or ODM: a migration planned whole): its users
	// are read one at a time into the rows, as readExisting reads the current users, not
	// held as a directory (200,000 users of an InForm export took 664 MiB that way). Its
	// reader's warnings are listed too.
	if e.wholeMerge {
		// The whole read streaming replaced, kept for the test that compares the two
		// (TestPlanUploadStreamsAsWhole).
		d, ws, err := readDirectoryFrom(in, mapping.Options{Study: study, Context: e.context()})
		if err != nil {
			return nil, uploadSource{}, nil, err
		}
		src := uploadSource{name: in.Name}
		if d.Source != nil {
			src.target = d.Source.Vendor
		}
		return plan.NewRows(plan.FromDirectory(d)), src, readerDiagnostics(in.Name, ws), nil
	}
	rows := &plan.Rows{}
	n := 0
	add := func(u *mapping.User) *mapping.User {
		n++
		rows.Add(plan.UserRow(n, u))
		return nil
	}
	in, reopen, cleanup, err := reopenable(e, in, path, o)
	if err != nil {
		return nil, uploadSource{}, nil, err
	}
	defer cleanup()
	defer in.Close()
	d, ds, _, err := readEachFrom(in, reopen, mapping.Options{Study: study, Context: e.context()}, add, nil)
	if err == nil {
		err = rows.Err()
	}
	if err != nil {
		rows.Close()
		return nil, uploadSource{}, ds, err
	}
	// What is read whole (a JSON directory that decodes only whole, standard input other
	// than ODM) comes back as a directory, its users never given to add.
	for _, u := range d.Users {
		if u != nil {
			add(u)
		}
	}
	src := uploadSource{name: in.Name}
	if d.Source != nil {
		src.target = d.Source.Vendor
	}
	return rows, src, ds, nil
}

// readExisting reads the current users, with the migration spec use (nil: none) applied
// to each user as it is read, as Spec.Apply applies it to the directory read whole (its
// warnings returned apart, after the readers'). Only the users the rows may be compared
// with are kept, as records in kept (plan.Kept, given each user once the spec has made
// it what it is compared as; the directory returned holds the users of a whole read
// only), so that memory does not grow with the export's users beyond their
// compact records: one ODM export is streamed, a template or JSON file held as compact
// records (mapping.ReadCompact) and several files merged into a temporary file
// (mapping.MergeStream, as map merges them). A template or JSON on stdin is copied to
// a temporary file first (reopenable) and read as a file is; the other user tables are
// read whole.
func readExisting(e *env, paths []string, o inp.Options, opts mapping.Options, keep func(*mapping.User) *mapping.User, use *mapping.SpecUse) (*mapping.Directory, []Diagnostic, []mapping.Warning, error) {
	if len(paths) != 1 {
		ms, ws, err := readMerged(e, paths, o, opts)
		ds := readerDiagnostics("", ws)
		if err != nil {
			return nil, ds, nil, err
		}
		defer ms.Close()
		d, sws := eachSpec(ms.Directory(), ms.Users(), use, keep)
		return d, ds, sws, ms.Err()
	}
	in, err := openAny(e, paths[0], o)
	if err != nil {
		return nil, nil, nil, err
	}
	in, reopen, cleanup, err := reopenable(e, in, paths[0], o)
	if err != nil {
		return nil, nil, nil, err
	}
	defer cleanup()
	defer in.Close()
	return readEachFrom(in, reopen, opts, keep, use)
}

// readEachFrom is readExisting of the one input in, open already; reopen (nil: none)
// opens it again for the readers that take a second look.
func readEachFrom(in *inp.Input, reopen func() (*inp.Input, error), opts mapping.Options, keep func(*mapping.User) *mapping.User, use *mapping.SpecUse) (*mapping.Directory, []Diagnostic, []mapping.Warning, error) {
	if in.Kind == inp.ODM || in.Kind == inp.ODMJSON {
		xml, finish := odmStream(in, odm.ReadOptions{Name: in.Name, Context: opts.Context})
		d, ws, sws, err := readODMEach(xml, in.Name, opts, use, keep)
		return d, readerDiagnostics(in.Name, ws), sws, finish(err)
	}
	if (in.Kind == inp.DirectoryJSON || in.Kind == inp.CSV || in.Kind == inp.XLSX) && reopen != nil {
		// A template or JSON: its users as compact records, of which the plan gets
		// those the rows name (plan.Kept), as from an ODM export.
		c, ws, err := readCompact(in, reopen, opts)
		if err != nil {
			return nil, nil, nil, err
		}
		defer c.Close()
		ds := readerDiagnostics(in.Name, ws)
		if !c.Compact() {
			// Read whole (a JSON document that decodes only whole): every user, as
			// readDirectoryFrom gives them.
			d, err := c.Each(func(u *mapping.User) *mapping.User { return u })
			if err != nil || use == nil {
				return d, ds, nil, err
			}
			return d, ds, use.Spec.Apply(d, use.Target, use.Lookup), nil
		}
		d, sws, err := compactSource(c).each(use, keep)
		return d, ds, sws, err
	}
	d, ws, err := readDirectoryFrom(in, opts)
	ds := readerDiagnostics(in.Name, ws)
	if err != nil || use == nil {
		return d, ds, nil, err
	}
	return d, ds, use.Spec.Apply(d, use.Target, use.Lookup), nil
}

// readExistingWhole reads the current users whole (readDirectories) and applies the spec
// to them, as plan did before it streamed every --existing; only tests run it
// (env.wholeMerge), to hold readExisting to it.
func readExistingWhole(e *env, paths []string, o inp.Options, opts mapping.Options, _ func(*mapping.User) *mapping.User, use *mapping.SpecUse) (*mapping.Directory, []Diagnostic, []mapping.Warning, error) {
	d, ws, err := readDirectories(e, paths, o, opts)
	ds := readerDiagnostics("", ws)
	if err != nil || use == nil {
		return d, ds, nil, err
	}
	return d, ds, use.Spec.Apply(d, use.Target, use.Lookup), nil
}
