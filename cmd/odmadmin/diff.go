package main

import (
	"context"
	"errors"
	"io"
	"iter"
	"slices"
	"sync"
	"time"

	"github.com/odmadmin/odmadmin/auditlog"
	"github.com/odmadmin/odmadmin/diff"
	inp "github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/mapping"
)

const diffHelp = `
Compares two user directories and lists what changed from A to B: users added and
removed, profile fields, roles (assignments), statuses, sites and vendor extensions.
A and B are ODM exports of any profile (detected from their namespaces, so an InForm
export can be compared with a Rave one; XML in any encoding or ODM JSON), Clinical One
templates as .xlsx or CSV, user tables by OID, or the JSON "odmadmin map --to json"
writes; "-" is stdin (for one of them). A side of several files (--a FILE and --b FILE,
repeated) is one directory, merged as "odmadmin map" merges several inputs; a person
the files disagree about is listed on stderr (warning mapping.merge-conflict; the first
file's value is compared). Whatever else the readers warn about (the odm reader's
quirks, values normalized or unreadable) is listed on stderr as "map" lists it.

--spec FILE applies a migration spec (see "odmadmin map --help") to A first, so that an
export and the upload made from it with that spec compare role by role and site by
site; what the spec leaves unmapped is listed on stderr with its user count. Sites are matched by OID, site number or name (an InForm Location "10127" with mnemonic
"01" is the template's site "01"), and a side that names no study (a template read
without --study) is in the other side's only study. Order never matters, nor does
insignificant white space, the letter case of e-mail
addresses, or an empty element versus an absent one (--exact and --keep-empty make them
count). Between exports of different vendors only the fields both can hold are compared,
roles by their canonical meaning; --all-fields and --roles override that. A Clinical One
template lists current users only: a user it lacks who is deactivated (or whose access
ended) on the other side is no change, and one current on one side and not on the other
is a STATUS_CHANGE. A ROLE_CHANGE names the site by name (else number) as the User and
Role Audit Log does.

Output (one change per line or record):
  text  EVENT First Last (login): VALUE TYPE: "old" -> "new"
  json  an array of {"event", "user", "target", "valueType", "old", "new"}
  csv   the columns of the User and Role Audit Log: AUDIT EVENT, DATE/TIME, TARGET
        OBJECT, BY, VALUE TYPE, OLD VALUE, NEW VALUE (DATE/TIME and BY empty
        unless --at and --by fill them). A cell that starts with =, +, -, @, TAB or CR
        (other than a number such as "+1 5551234") gets a leading apostrophe so that a
        spreadsheet shows it as text instead of running it as a formula; --raw-csv
        writes cells as they are.
  xlsx  the same columns as an .xlsx workbook, tab "User and Role Audit Log"
Events: USER_ADDED, USER_REMOVED, PROFILE_CHANGE, ROLE_CHANGE, STATUS_CHANGE,
SITE_ADDED, SITE_REMOVED, SITE_CHANGE, EXTENSION_CHANGE, ROLE_DEFINITION_CHANGE (an
InForm pf:GroupDef whose rights changed). Between two OpenClinica exports of one system a
USER_REMOVED or a changed login is marked [not allowed: ...]: OpenClinica accounts are
never deleted and usernames never change. The output holds the users' values (that is
what a diff is for): treat it like the exports.

Memory: an ODM export (a file, or stdin, which is copied to a temporary file) is read
twice, user by user: first a 24-byte hash of each user's key and content, then only the
users that differ. A Clinical One template (CSV or .xlsx) or the JSON of "map --to
json" is read once into a temporary file of compact user records (8 bytes a user stay
in memory) and built again user by user for each of the two passes. diff holds those
hashes, one streamed read of a side and, of each user that differs, its key, login and
ID (some 60 bytes); the users that differ and the changes go to temporary files. A
million users against their template (1,990,000 changes) peaked at 333 MiB. An OpenClinica export is copied to a temporary file at each read, to be read for
its Study elements (its site studies) before it is streamed. Several files per side,
--spec and the other user tables are read whole: the directory, about 1.7 KB per user.

Exit status: 0 no differences, 1 differences, 2 error (as diff(1)).
` + diffAuditHelp

func runDiff(e *env, args []string) int {
	fs := newFlagSet(e, "diff",
		"odmadmin diff [--key oid|login|email] [--format text|json|csv|xlsx] [--charset SET] [--by USER --at TIME] [--audit LOG [--from DATE --to DATE]] [-o OUT] A B | --a FILE... --b FILE...",
		"odmadmin diff testdata/inform/htn-demo.xml testdata/inform/htn-demo.xml\n"+
			"odmadmin diff --key login --format csv cmd/odmadmin/testdata/diff/inform.xml cmd/odmadmin/testdata/diff/rave.xml # exit 1")
	key := fs.Enum("key", "oid", "match users by `KEY`: oid, login or email", "oid", "login", "email")
	o := fs.outputFlags("text", "json", "csv", "xlsx")
	rf := addReadFlags(fs)
	specPath := fs.String("spec", "", "apply the migration spec `FILE` to A before comparing (roles and sites in B's terms)")
	var moreA, moreB pathList
	fs.Var(&moreA, "a", "a `FILE` of side A (repeatable, instead of the positional A): several files are one directory")
	fs.Var(&moreB, "b", "a `FILE` of side B (repeatable, instead of the positional B)")
	roles := fs.Enum("roles", "auto", "`MATCH` roles by name, by canonical meaning, or auto (by name within one vendor, canonical across vendors)", "auto", "name", "canonical")
	exact := fs.Bool("exact", false, "white space in text and the letter case of e-mail addresses count")
	keepEmpty := fs.Bool("keep-empty", false, "an empty value differs from an absent one")
	allFields := fs.Bool("all-fields", false, "compare every field even between vendors that cannot both hold it")
	noExt := fs.Bool("no-extensions", false, "leave vendor extension attributes and elements out")
	rawCSV := fs.Bool("raw-csv", false, "--format csv: write cells as they are (by default a cell a spreadsheet would run as a formula gets a leading apostrophe)")
	study := fs.String("study", "", "study `OID` that CSV template rows belong to")
	training := fs.Bool("training", false, "CSV template rows also count for Training (Clinical One training mode)")
	audit := fs.auditFlags()
	fs.setHelp(diffHelp)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	sides := [2][]string{moreA, moreB}
	switch {
	case len(moreA) == 0 && len(moreB) == 0:
		if len(pos) != 2 {
			return usagef(e, "diff", "want two inputs, A and B, got %d", len(pos))
		}
		sides = [2][]string{{pos[0]}, {pos[1]}}
	case len(moreA) == 0 || len(moreB) == 0 || len(pos) > 0:
		return usagef(e, "diff", "give A and B either as two arguments or as --a FILE... and --b FILE..., not both")
	}
	stdin := 0
	for _, side := range sides {
		for _, p := range side {
			if p == "-" || p == "" {
				stdin++
			}
		}
	}
	if stdin > 1 {
		return usagef(e, "diff", "only one of A and B can be stdin")
	}
	inOpts, err := rf.options()
	if err != nil {
		return usagef(e, "diff", "%v", err)
	}
	opts := diff.Options{ExactText: *exact, KeepEmpty: *keepEmpty, AllFields: *allFields, IgnoreExtensions: *noExt}
	if opts.Key, err = diff.ParseKey(*key); err != nil {
		return fail(e, "diff", err)
	}
	if opts.Roles, err = diff.ParseRoleMatch(*roles); err != nil {
		return fail(e, "diff", err)
	}
	now := time.Now()
	stamp, err := audit.stamp(now)
	if err != nil {
		return usagef(e, "diff", "%v", err)
	}
	if audit.log == "" && (audit.from != "" || audit.to != "" || audit.strict) {
		return usagef(e, "diff", "--from, --to and --strict need --audit LOG")
	}
	var write func(io.Writer, iter.Seq[diff.Change]) error
	switch o.format {
	case "text":
		write = diff.WriteTextSeq
	case "json":
		write = diff.WriteJSONSeq
	case "csv":
		stamp.Raw = *rawCSV
		write = func(w io.Writer, ch iter.Seq[diff.Change]) error { return diff.WriteAuditCSVSeq(w, ch, stamp) }
	case "xlsx":
		write = func(w io.Writer, ch iter.Seq[diff.Change]) error { return writeDiffXLSX(w, ch, stamp) }
	}
	var log *auditlog.Log
	if audit.log != "" && o.format == "xlsx" {
		return usagef(e, "diff", "--audit writes text, json or csv, not xlsx")
	}
	if audit.log != "" {
		if audit.log == "-" && stdin > 0 {
			return usagef(e, "diff", "only one of A, B and the audit log can be stdin")
		}
		if log, err = audit.readAuditLog(e, now); err != nil {
			return fail(e, "diff", err)
		}
	}

	read := mapping.Options{Study: *study, Training: *training}
	var changes *diff.Changes
	// What the readers of each side warned about is listed, as map lists it: conflicts
	// between the files (or AdminData blocks) merged into one side (the side holds one of
	// the values), the odm reader's quirks, values normalized or unreadable. The
	// comparison is only as good as what was read.
	var conflicts [2][]Diagnostic
	if *specPath != "" {
		var specWarnings []Diagnostic
		changes, specWarnings, err = diffWhole(e, sides, inOpts, read, *specPath, opts, &conflicts)
		defer changes.Close()
		// What the spec leaves unmapped is listed as plan lists it: a role or site the
		// spec does not name is compared under its own name, which the reader must know.
		printDiagnostics(e, "diff", o, append(append(conflicts[0], conflicts[1]...), specWarnings...))
	} else {
		changes, err = diffStream(e, sides, inOpts, read, opts, &conflicts)
		defer changes.Close()
		printDiagnostics(e, "diff", o, append(conflicts[0], conflicts[1]...))
	}
	if err != nil {
		return fail(e, "diff", err)
	}
	if log != nil {
		all := slices.Collect(changes.All())
		if err := changes.Err(); err != nil {
			return fail(e, "diff", err)
		}
		ms := auditlog.Reconcile(all, log.Entries)
		if err := writeOutput(e, o.out, func(w io.Writer) error { return writeAudit(w, o.format, ms) }); err != nil {
			return fail(e, "diff", err)
		}
		return auditExit(e, "diff", o, audit, log, ms)
	}
	// The changes are in a temporary file (diff.CompareSidesFile): written one at a time.
	if err := writeOutput(e, o.out, func(w io.Writer) error {
		if err := write(w, changes.All()); err != nil {
			return err
		}
		return changes.Err()
	}); err != nil {
		return fail(e, "diff", err)
	}
	if changes.Len() > 0 {
		return 1
	}
	return 0
}

// diffStream compares the two sides without holding either whole (diff.CompareSides): a
// side of one ODM export (a file, or stdin copied to a temporary file) is read twice, user
// by user; any other side (a template, JSON, several files) is read into memory first.
func diffStream(e *env, sides [2][]string, o inp.Options, read mapping.Options, opts diff.Options, conflicts *[2][]Diagnostic) (*diff.Changes, error) {
	var ss [2]diff.Side
	for i, paths := range sides {
		side, cleanup, err := openSide(e, paths, o, read, &conflicts[i])
		if err != nil {
			return nil, err
		}
		defer cleanup()
		ss[i] = side
	}
	return diff.CompareSidesFile(e.context(), ss[0], ss[1], diff.SidesOptions{Options: opts, Align: true})
}

// openSide returns one side of diff as a diff.Side and what removes its temporary file.
func openSide(e *env, paths []string, o inp.Options, read mapping.Options, conflicts *[]Diagnostic) (diff.Side, func(), error) {
	nothing := func() {}
	if len(paths) != 1 {
		d, ws, err := readDirectories(e, paths, o, read)
		*conflicts = readerDiagnostics("", ws)
		return diff.DirectorySide(d), nothing, err
	}
	// open opens the input anew for each pass; stdin is copied to a temporary file first.
	open := func() (*inp.Input, error) { return openAny(e, paths[0], o) }
	cleanup := nothing
	if paths[0] == "-" || paths[0] == "" {
		f, done, err := spoolTemp(e, e.stdin)
		if err != nil {
			return nil, nothing, err
		}
		cleanup = done
		open = func() (*inp.Input, error) {
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return nil, err
			}
			return inp.New(f, "<stdin>", o)
		}
	}
	in, err := open()
	if err != nil {
		cleanup()
		return nil, nothing, err
	}
	streamed := in.Kind == inp.ODM && read.Profile != mapping.ProfileClinicalOne && read.Profile != mapping.ProfileOC4Users
	if !streamed {
		// A template or JSON: read once, its users held as compact records in a
		// temporary file (other inputs whole), built again at each pass.
		c, ws, err := readCompact(in, open, read)
		in.Close()
		cleanup()
		if err != nil {
			return nil, nothing, err
		}
		*conflicts = readerDiagnostics(in.Name, ws)
		return diff.SideFunc(func(_ context.Context, keep func(*mapping.User) *mapping.User) (*mapping.Directory, error) {
			return c.Each(keep)
		}), func() { c.Close() }, nil
	}
	in.Close()
	// The side is read more than once (diff.CompareSides); its warnings are the first
	// read's, each listed once.
	var once sync.Once
	return diff.SideFunc(func(_ context.Context, keep func(*mapping.User) *mapping.User) (*mapping.Directory, error) {
		in, err := open()
		if err != nil {
			return nil, err
		}
		defer in.Close()
		d, ws, err := readODMDirectoryKeep(in.Raw(), in.Name, read, keep)
		if err == nil {
			once.Do(func() { *conflicts = readerDiagnostics(in.Name, ws) })
		}
		return d, err
	}), cleanup, nil
}

// readCompact reads a directory from in as readDirectoryFrom does, with the users of a
// template or JSON held as compact records (mapping.ReadCompact). What ReadCompact leaves
// to a whole read (mapping.ErrReadWhole: a JSON document that does not decode) is read
// again from reopen by readDirectoryFrom, which gives its own error.
func readCompact(in *inp.Input, reopen func() (*inp.Input, error), opts mapping.Options) (*mapping.CompactDirectory, []mapping.Warning, error) {
	o := opts
	o.Charset = in.Charset()
	c, ws, err := mapping.ReadCompact(in.Raw(), in.Name, o)
	if !errors.Is(err, mapping.ErrReadWhole) {
		return c, ws, err
	}
	again, err := reopen()
	if err != nil {
		return nil, nil, err
	}
	defer again.Close()
	d, ws, err := readDirectoryFrom(again, opts)
	if err != nil {
		return nil, nil, err
	}
	return mapping.WholeDirectory(d), ws, nil
}

// diffWhole reads both sides whole, applies the migration spec to A and compares them
// (diff --spec: the spec works on a whole directory).
func diffWhole(e *env, sides [2][]string, o inp.Options, read mapping.Options, specPath string, opts diff.Options, conflicts *[2][]Diagnostic) (*diff.Changes, []Diagnostic, error) {
	// Read both inputs at once: there are two cores.
	var dirs [2]*mapping.Directory
	var errs [2]error
	var wg sync.WaitGroup
	for i, paths := range sides {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ws []mapping.Warning
			dirs[i], ws, errs[i] = readDirectories(e, paths, o, read)
			conflicts[i] = readerDiagnostics("", ws)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	spec, lookup, lws, err := loadSpec(e, specPath, o)
	if err != nil {
		return nil, nil, err
	}
	var target mapping.Profile
	if dirs[1].Source != nil {
		target = dirs[1].Source.Vendor
	}
	warnings := readerDiagnostics(specPath, lws)
	for _, w := range spec.Apply(dirs[0], target, lookup) {
		warnings = append(warnings, mappingDiagnostic(specPath, w))
	}
	// Name sites and the study in each other's terms: an InForm export lists Location
	// "10127" where the Clinical One template made from it says site "01".
	changes, err := diff.CompareSidesFile(e.context(), diff.DirectorySide(dirs[0]), diff.DirectorySide(dirs[1]), diff.SidesOptions{Options: opts, Align: true})
	return changes, warnings, err
}
