package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"io"
	"iter"
	"os"
	"sync"
	"time"

	"github.com/odmadmin/odmadmin/auditlog"
	"github.com/odmadmin/odmadmin/diff"
	inp "github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

const diffHelp = `
Compares two user directories and lists what changed from A to B: users added and
removed, profile fields, roles (assignments), statuses, sites, organizations,
signature definitions and vendor extensions.
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
Role Audit Log does. A person or site listed in several AdminData blocks is compared block
by block too: a value that differs in one block only (a Rave study environment's
mdsol:Active) is a change naming the field and the block's study, such as STATUS_CHANGE
"status (STB)" or SITE_CHANGE "active (Proj(UAT))".

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
InForm pf:GroupDef whose rights, name or type changed, or, value type "definition", that
was added or removed: "Name [Type]: rights" or "Name [Type]: (no rights)"), ORGANIZATION_ADDED, ORGANIZATION_REMOVED,
ORGANIZATION_CHANGE (ODM 2.0 Organization), SIGNATURE_DEF_ADDED, SIGNATURE_DEF_REMOVED,
SIGNATURE_DEF_CHANGE (a SignatureDef's meaning, legal reason or methodology). Between two OpenClinica exports of one system a
USER_REMOVED, a changed login, or a STATUS_CHANGE from Available to Invited or Created
is marked [not allowed: ...]: OpenClinica accounts are never deleted, usernames never
change, and an activated account is not un-activated. The output holds the users' values (that is
what a diff is for): treat it like the exports.

Memory: an ODM export (a file, or stdin, which is copied to a temporary file) is read
twice, user by user: first a 24-byte hash of each user's key and content, then only the
users that differ. A Clinical One template (CSV or .xlsx) or the JSON of "map --to
json" is read once into a temporary file of compact user records (4 bytes a user stay
in memory) and built again user by user for each of the two passes. diff holds those
hashes, one streamed read of a side and, of each user that differs, its key, login and
ID (some 60 bytes); the users that differ and the changes go to temporary files. A
million users against their template (1,990,000 changes) peaked at 333 MiB. An OpenClinica export is copied to a temporary file at each read, to be read for
its Study elements (its site studies) before it is streamed; of any other export the
head up to its first AdminData is read first for the studies' names, which label the
changes (held in memory up to 4 MB, then in a temporary file). Several files of a side
are merged once, user by user, into a temporary file as "map" merges them (some 30 bytes
a user stay in memory) and built again at each pass. --spec is applied to each user of A
as it is built. The other user tables (and JSON that only decodes whole) are read
whole: the directory, about 1.7 KB per user.

Exit status: 0 no differences, 1 differences, 2 error (as diff(1)).
` + diffAuditHelp

func runDiff(e *env, args []string) int {
	fs := newFlagSet(e, "diff",
		"odmadmin diff [--key oid|login|email] [--format text|json|csv|xlsx] [--charset SET] [--by USER --at TIME] [--audit LOG [--from DATE --to DATE]] [-o OUT] A B | --a FILE... --b FILE...",
		"odmadmin diff testdata/inform/htn-demo.xml testdata/inform/htn-demo.xml\n"+
			"odmadmin diff --key login --format csv cmd/odmadmin/testdata/diff/inform.xml cmd/odmadmin/testdata/diff/rave.xml # exit 1")
	key := fs.Enum("key", "oid", "match users by `KEY`: oid, login or email (default oid; login when a side is a template or an OpenClinica 4 user table, which have no OIDs)", "oid", "login", "email")
	o := fs.outputFlags("text", "json", "csv", "xlsx")
	fs.limitFlags("maximum element nesting (-1: no limit)")
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
	keyGiven := false
	fs.Visit(func(f *flag.Flag) { keyGiven = keyGiven || f.Name == "key" })
	if !keyGiven {
		// The default: by OID, but by login against a template or OpenClinica 4 user
		// table, which have no OIDs (diff.Options.Key).
		opts.Key = ""
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
	var cut []Diagnostic // cells the workbook cut (xlsx)
	switch o.format {
	case "text":
		write = diff.WriteTextSeq
	case "json":
		write = diff.WriteJSONSeq
	case "csv":
		stamp.Raw = *rawCSV
		write = func(w io.Writer, ch iter.Seq[diff.Change]) error { return diff.WriteAuditCSVSeq(w, ch, stamp) }
	case "xlsx":
		write = func(w io.Writer, ch iter.Seq[diff.Change]) error { return writeDiffXLSX(w, ch, stamp, &cut) }
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

	read := mapping.Options{Study: *study, Training: *training, Context: e.context()}
	// What the readers of each side warned about is listed, as map lists it: conflicts
	// between the files (or AdminData blocks) merged into one side (the side holds one of
	// the values), the odm reader's quirks, values normalized or unreadable. The
	// comparison is only as good as what was read. What the spec leaves unmapped follows,
	// as plan lists it: a role or site the spec does not name is compared under its own
	// name, which the reader must know.
	var conflicts [2][]Diagnostic
	var specWarnings []Diagnostic
	var changes *diff.Changes
	if e.wholeMerge {
		changes, specWarnings, err = diffWhole(e, sides, inOpts, read, *specPath, opts, &conflicts)
	} else {
		changes, specWarnings, err = diffStream(e, sides, inOpts, read, *specPath, opts, &conflicts)
	}
	defer changes.Close()
	printDiagnostics(e, "diff", o, append(append(conflicts[0], conflicts[1]...), specWarnings...))
	if err != nil {
		return fail(e, "diff", err)
	}
	if log != nil {
		// The changes are read from their file twice (auditlog.ReconcileEach): to pair
		// them with the entries, then to write each with its entry.
		var n auditCounts
		if err := writeOutput(e, o.out, func(w io.Writer) (err error) {
			n, err = writeAudit(w, o.format, *rawCSV, func(each func(auditlog.Match) error) error {
				if err := auditlog.ReconcileEach(changes.All(), log.Entries, each); err != nil {
					return err
				}
				return changes.Err()
			})
			return err
		}); err != nil {
			return fail(e, "diff", err)
		}
		return auditExit(e, "diff", o, audit, log, n)
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
	if len(cut) > 0 {
		for i := range cut {
			cut[i].File = cmp.Or(o.out, "-")
		}
		printDiagnostics(e, "diff", o, cut)
	}
	if changes.Len() > 0 {
		return 1
	}
	return 0
}

// diffStream compares the two sides without holding either whole (diff.CompareSides),
// each read more than once, user by user (see openSideSource), with the migration spec
// at specPath ("" for none) applied to each user of A as it is read (mapping.SpecRun):
// what Spec.Apply does to A read whole. It returns the changes and the spec's warnings
// (its login lookup table's, then Apply's).
func diffStream(e *env, sides [2][]string, o inp.Options, read mapping.Options, specPath string, opts diff.Options, conflicts *[2][]Diagnostic) (*diff.Changes, []Diagnostic, error) {
	var srcs [2]*sideSource
	for i, paths := range sides {
		src, err := openSideSource(e, paths, o, read, &conflicts[i])
		if err != nil {
			return nil, nil, err
		}
		defer src.cleanup()
		srcs[i] = src
	}
	var use *mapping.SpecUse
	var warnings []Diagnostic
	if specPath != "" {
		spec, lookup, lws, err := loadSpec(e, specPath, o)
		if err != nil {
			return nil, nil, err
		}
		warnings = readerDiagnostics(specPath, lws)
		// The roles the spec maps to are named for B's system (Spec.Apply's target).
		use = &mapping.SpecUse{Spec: spec, Target: srcs[1].target(), Lookup: lookup}
	}
	var specWs []mapping.Warning
	var once sync.Once
	a := diff.SideFunc(func(ctx context.Context, keep func(*mapping.User) *mapping.User) (*mapping.Directory, error) {
		d, ws, err := srcs[0].each(use, keep)
		if err == nil {
			once.Do(func() { specWs = ws })
		}
		return d, err
	})
	changes, err := diff.CompareSidesFile(e.context(), a, srcs[1].side(), diff.SidesOptions{Options: opts, Align: true})
	for _, w := range specWs {
		warnings = append(warnings, mappingDiagnostic(specPath, w))
	}
	return changes, warnings, err
}

// sideSource is one side of diff (or plan's existing users) that can be read more than
// once, user by user, with a migration spec applied to each user as it is built.
type sideSource struct {
	// each reads the side, applies use (nil: no spec) to each user and calls keep with
	// those the spec keeps; it returns the directory (its sites renamed by the spec) with
	// the users keep returned, and the spec's warnings.
	each func(use *mapping.SpecUse, keep func(*mapping.User) *mapping.User) (*mapping.Directory, []mapping.Warning, error)
	// target is the profile of the side's system (Directory.Source.Vendor), "" when it
	// names none or its header cannot be read (the side's own read then fails).
	target  func() mapping.Profile
	cleanup func()
}

// side is s as a diff.Side, without a spec.
func (s *sideSource) side() diff.Side {
	return diff.SideFunc(func(_ context.Context, keep func(*mapping.User) *mapping.User) (*mapping.Directory, error) {
		d, _, err := s.each(nil, keep)
		return d, err
	})
}

// openSide returns one side of diff as a diff.Side and what removes its temporary files.
func openSide(e *env, paths []string, o inp.Options, read mapping.Options, conflicts *[]Diagnostic) (diff.Side, func(), error) {
	src, err := openSideSource(e, paths, o, read, conflicts)
	if err != nil {
		return nil, func() {}, err
	}
	return src.side(), src.cleanup, nil
}

// openSideSource opens one side: one ODM export (a file, or stdin copied to a temporary
// file) is read anew at each pass (mapping.ReadEachSpec); a Clinical One template or the
// JSON of "map --to json" is read once into compact records (mapping.ReadCompact), built
// again at each pass; several files are merged once into a temporary file
// (mapping.MergeStream, as map merges them) whose users are built again at each pass.
// Other inputs are read whole. The side's reader warnings (a streamed export's from its
// first read) go to conflicts.
func openSideSource(e *env, paths []string, o inp.Options, read mapping.Options, conflicts *[]Diagnostic) (*sideSource, error) {
	nothing := func() {}
	if len(paths) != 1 {
		ms, ws, err := readMerged(e, paths, o, read)
		*conflicts = readerDiagnostics("", ws)
		if err != nil {
			return nil, err
		}
		return &sideSource{
			each: func(use *mapping.SpecUse, keep func(*mapping.User) *mapping.User) (*mapping.Directory, []mapping.Warning, error) {
				d, ws := eachSpec(ms.Directory(), ms.Users(), use, keep)
				return d, ws, ms.Err()
			},
			target:  func() mapping.Profile { return vendorOf(ms.Directory()) },
			cleanup: func() { ms.Close() },
		}, nil
	}
	// open opens the input anew for each pass; stdin, or a pipe given by its path, is
	// copied to a temporary file first.
	open := func() (*inp.Input, error) { return openAny(e, paths[0], o) }
	cleanup := nothing
	if namesStream(paths[0]) {
		var src io.Reader = e.stdin
		name := "<stdin>"
		if p := paths[0]; p != "" && p != "-" {
			pf, err := os.Open(p)
			if err != nil {
				return nil, err
			}
			defer pf.Close()
			src, name = pf, p
		}
		f, done, err := spoolTemp(e, src)
		if err != nil {
			return nil, err
		}
		cleanup = done
		open = func() (*inp.Input, error) {
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return nil, err
			}
			return inp.New(f, name, o)
		}
	}
	in, err := open()
	if err != nil {
		cleanup()
		return nil, err
	}
	streamed := (in.Kind == inp.ODM || in.Kind == inp.ODMJSON) && read.Profile != mapping.ProfileClinicalOne && read.Profile != mapping.ProfileOC4Users
	if !streamed {
		// A template or JSON: read once, its users held as compact records in a
		// temporary file (other inputs whole), built again at each pass.
		c, ws, err := readCompact(in, open, read)
		in.Close()
		cleanup()
		if err != nil {
			return nil, err
		}
		*conflicts = readerDiagnostics(in.Name, ws)
		return compactSource(c), nil
	}
	in.Close()
	// The side is read more than once (diff.CompareSides); its warnings are the first
	// read's, each listed once.
	var once sync.Once
	return &sideSource{
		each: func(use *mapping.SpecUse, keep func(*mapping.User) *mapping.User) (*mapping.Directory, []mapping.Warning, error) {
			in, err := open()
			if err != nil {
				return nil, nil, err
			}
			defer in.Close()
			xml, finish := odmStream(in, odm.ReadOptions{Name: in.Name, Context: read.Context})
			d, ws, sws, err := readODMEach(xml, in.Name, read, use, keep)
			err = finish(err)
			if err == nil {
				once.Do(func() { *conflicts = readerDiagnostics(in.Name, ws) })
			}
			return d, sws, err
		},
		target: func() mapping.Profile {
			// As the reader names it (mapping.DetectHeader), from the header alone.
			if read.Profile != "" {
				return read.Profile
			}
			in, err := open()
			if err != nil {
				return ""
			}
			defer in.Close()
			xml, finish := odmStream(in, odm.ReadOptions{Name: in.Name, Context: read.Context})
			h, err := odm.NewReader(xml, limited(read.Context, odm.ReadOptions{Name: in.Name})).Header()
			if finish(err) != nil {
				return ""
			}
			return mapping.DetectHeader(h)
		},
		cleanup: cleanup,
	}, nil
}

// compactSource is a directory read by readCompact as a sideSource. Its compact users are
// built anew at each pass, the spec applied to each; a directory read whole has the spec
// applied once, at the first pass that asks for it (its users are the same values at
// every pass).
func compactSource(c *mapping.CompactDirectory) *sideSource {
	var whole *mapping.Directory
	var wholeWs []mapping.Warning
	return &sideSource{
		each: func(use *mapping.SpecUse, keep func(*mapping.User) *mapping.User) (*mapping.Directory, []mapping.Warning, error) {
			if use == nil {
				d, err := c.Each(keep)
				return d, nil, err
			}
			if !c.Compact() {
				if whole == nil {
					var err error
					if whole, err = c.Each(func(u *mapping.User) *mapping.User { return u }); err != nil {
						return nil, nil, err
					}
					wholeWs = use.Spec.Apply(whole, use.Target, use.Lookup)
				}
				d, err := diff.DirectorySide(whole).Each(context.Background(), keep)
				return d, wholeWs, err
			}
			shell := ownSites(c.Shell())
			run := use.Start(shell)
			d, err := c.Each(func(u *mapping.User) *mapping.User {
				if !run.User(u) {
					return nil
				}
				return keep(u)
			})
			if err != nil {
				return nil, nil, err
			}
			d.Sites = shell.Sites
			return d, run.Warnings(), nil
		},
		target:  func() mapping.Profile { return vendorOf(c.Shell()) },
		cleanup: func() { c.Close() },
	}
}

// eachSpec gives keep each of users, with use applied to it first (nil: no spec), as
// CompactDirectory.Each does: it returns a copy of shell (the sites renamed by the spec)
// with the users keep returned, and the spec's warnings. The users must be values of
// their own (the spec changes them).
func eachSpec(shell *mapping.Directory, users iter.Seq[*mapping.User], use *mapping.SpecUse, keep func(*mapping.User) *mapping.User) (*mapping.Directory, []mapping.Warning) {
	out := ownSites(shell)
	var run *mapping.SpecRun
	if use != nil {
		run = use.Start(out)
	}
	for u := range users {
		if u == nil || !run.User(u) {
			continue
		}
		if k := keep(u); k != nil {
			out.Users = append(out.Users, k)
		}
	}
	return out, run.Warnings()
}

// ownSites returns a copy of d without users, with site values of its own (a spec run
// renames them).
func ownSites(d *mapping.Directory) *mapping.Directory {
	out := &mapping.Directory{}
	if d != nil {
		*out = *d
	}
	out.Users = []*mapping.User{}
	sites := out.Sites
	if sites == nil {
		return out
	}
	out.Sites = make([]*mapping.Site, len(sites))
	for i, s := range sites {
		if s != nil {
			c := *s
			out.Sites[i] = &c
		}
	}
	return out
}

// vendorOf is the profile of d's system, "" when it names none.
func vendorOf(d *mapping.Directory) mapping.Profile {
	if d == nil || d.Source == nil {
		return ""
	}
	return d.Source.Vendor
}

// readODMEach reads the ODM XML br as readODMDirectoryKeep does, with use (nil: none)
// applied to each user before keep (mapping.ReadEachSpec); it returns the directory, the
// reader's warnings and the spec's. It reads the records' values alone (readODMWith): diff
// and plan compare the directory and never write it back.
func readODMEach(br io.Reader, name string, read mapping.Options, use *mapping.SpecUse, keep func(*mapping.User) *mapping.User) (*mapping.Directory, []mapping.Warning, []mapping.Warning, error) {
	var d *mapping.Directory
	var sws []mapping.Warning
	ws, err := readODMWith(br, name, read, true, func(rd *odm.Reader, opts mapping.Options) ([]mapping.Warning, error) {
		opts.Spec = use
		var ws []mapping.Warning
		var err error
		d, ws, sws, err = mapping.ReadEachSpec(rd, opts, keep)
		return ws, err
	})
	if err != nil {
		return nil, nil, nil, err
	}
	return d, ws, sws, nil
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

// diffWhole reads both sides whole (readDirectories), applies the migration spec at
// specPath ("" for none) to A and compares them, as diff did before it streamed every
// side; only tests run it (env.wholeMerge), to hold diffStream to it.
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
	var warnings []Diagnostic
	if specPath != "" {
		spec, lookup, lws, err := loadSpec(e, specPath, o)
		if err != nil {
			return nil, nil, err
		}
		var target mapping.Profile
		if dirs[1].Source != nil {
			target = dirs[1].Source.Vendor
		}
		warnings = readerDiagnostics(specPath, lws)
		for _, w := range spec.Apply(dirs[0], target, lookup) {
			warnings = append(warnings, mappingDiagnostic(specPath, w))
		}
	}
	// Name sites and the study in each other's terms: an InForm export lists Location
	// "10127" where the Clinical One template made from it says site "01".
	changes, err := diff.CompareSidesFile(e.context(), diff.DirectorySide(dirs[0]), diff.DirectorySide(dirs[1]), diff.SidesOptions{Options: opts, Align: true})
	return changes, warnings, err
}
