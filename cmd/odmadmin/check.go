package main

import (
	"fmt"
	"io"
	"os"

	inp "github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
	"github.com/odmadmin/odmadmin/validate"
)

func runCheck(e *env, args []string) int {
	fs := newFlagSet(e, "check",
		"odmadmin check [--format text|json] [--values] [--series] [-o OUT] [--max N] [--quiet] [FILE...]",
		"odmadmin check testdata/inform/htn-demo.xml\n"+
			"odmadmin check --format json testdata/odm2/demo-admin.xml\n"+
			"odmadmin check cmd/odmadmin/testdata/check/Users.odm cmd/odmadmin/testdata/check/Sites.odm\n"+
			"odmadmin check cmd/odmadmin/testdata/check/Users.odm cmd/odmadmin/testdata/check/Sites.odm cmd/odmadmin/testdata/check/study.xml\n"+
			"odmadmin check cmd/odmadmin/testdata/check/Users.odm cmd/odmadmin/testdata/check/emails.csv")
	o := fs.outputFlags("text", "json")
	fs.limitFlags("maximum element nesting (-1: no limit)")
	values := fs.Bool("values", false, "include each offending value in the output; it is personal data, so only on request")
	series := fs.Bool("series", false, "treat the files as part of a series of files: references they cannot resolve are warnings, not errors")
	fs.setHelp(checkHelp)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	if len(pos) == 0 {
		pos = []string{"-"}
	}
	stdin := 0
	for _, p := range pos {
		if p == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		usageError(e, "check", "stdin (-) can be read once only")
		return 2
	}
	if onlyTables(pos) {
		// Said before anything is read: a 540 MB directory JSON was read whole, 2 s of
		// CPU, to be told this.
		usageError(e, "check", noODMFiles)
		return 2
	}

	var (
		ins      []validate.AdminDataInput
		names    []string
		parts    []*partScan
		closer   []func()
		readDiag []Diagnostic // the readers' warnings about tables
		odmFiles int
	)
	defer func() {
		for _, c := range closer {
			c()
		}
	}()
	for _, path := range pos {
		in, p, cleanup, ds, err := checkInput(e, path)
		if cleanup != nil {
			closer = append(closer, cleanup)
		}
		if err != nil {
			return fail(e, "check", err)
		}
		ins, names, parts = append(ins, in), append(names, in.Name), append(parts, p)
		readDiag = append(readDiag, ds...)
		if in.Users == nil && in.EachUser == nil {
			odmFiles++
		}
	}
	if odmFiles == 0 {
		usageError(e, "check", noODMFiles)
		return 2
	}

	// The check keeps what the listing shows: of each code the first --max findings and a
	// count of the rest, so that a finding on every one of a million users does not hold
	// a million findings. A listing of all (--max 0, or JSON without --max) has them all,
	// given out in order from a temporary file (below).
	keep := -1
	if m := listMax(o); m > 0 {
		keep = m
	}
	opts := validate.AdminDataOptions{
		Values:      *values,
		Series:      *series,
		MaxFindings: keep,
		// The checker keeps no record (only strings, hashes and positions), so the reader
		// recycles each record's memory for the next: TestCheckReuse in validate.
		Read: limited(e.context(), odm.ReadOptions{Reuse: true}),
	}
	// The findings are written as the check gives them out, file by file in order: with
	// every finding listed (--max 0, JSON without --max) the check writes those past a
	// bound to a temporary file and merges them back (validate.CheckAdminDataInputsFunc),
	// where holding them took 128 MiB for a finding on each of 200,000 users.
	relax := newPartRelax(parts)
	var dw *diagWriter
	err = writeOutput(e, o.out, func(w io.Writer) error {
		dw = newDiagWriter(w, o)
		dw.places = placesOf(e.context())
		for _, d := range readDiag {
			if err := dw.Write(d); err != nil {
				return err
			}
		}
		err := validate.CheckAdminDataInputsFunc(ins, opts, func(i int, f validate.Finding) error {
			relax.relax(i, &f)
			d := findingDiagnostic(names[i], f)
			if ins[i].Users != nil || ins[i].EachUser != nil { // a table: its rows
				d.Row, d.Line, d.Col = d.Line, 0, 0
			}
			return dw.Write(d)
		})
		if err != nil {
			return err
		}
		return dw.Close()
	})
	relaxed := relax.relaxed
	if err != nil {
		return fail(e, "check", err)
	}
	if !o.quiet {
		dw.Summary(e.stderr, "check")
		if relaxed > 0 {
			fmt.Fprintf(e.stderr, "odmadmin check: %s\n", partNote(names, relaxed))
		}
	}
	if dw.Errors() > 0 {
		return 1
	}
	return 0
}

// checkInput opens path for a check, which reads each file twice (see
// validate.CheckAdminDataInputs): a regular file is opened again for the second read, the
// JSON form is converted to XML in a temporary file, and stdin or a pipe is copied to one;
// cleanup removes them. The first read goes through a partScan.
const noODMFiles = "check reads ODM files; a user table (CSV, .xlsx, directory JSON) is compared with the ODM files given with it"

// onlyTables reports whether every input is a file that a look at its start shows to be a
// user table. Standard input, a file that cannot be opened and any other kind are left to
// the reading (which reports them), so the answer is no.
func onlyTables(paths []string) bool {
	for _, path := range paths {
		if namesStream(path) {
			return false // a look at a pipe's start would take what the read needs
		}
		f, err := os.Open(path)
		if err != nil {
			return false
		}
		si, err := inp.New(f, path, inp.Options{})
		if err == nil {
			si.Close()
		}
		f.Close()
		if err != nil {
			return false
		}
		switch si.Kind {
		case inp.CSV, inp.XLSX, inp.DirectoryJSON:
		default:
			return false
		}
	}
	return true
}

func checkInput(e *env, path string) (validate.AdminDataInput, *partScan, func(), []Diagnostic, error) {
	in, err := openInput(e, path)
	if err != nil {
		return validate.AdminDataInput{}, nil, nil, nil, err
	}
	si, err := inp.New(in, in.Name, inp.Options{})
	if err != nil {
		in.Close()
		return validate.AdminDataInput{}, nil, nil, nil, err
	}
	switch si.Kind {
	case inp.CSV, inp.XLSX, inp.DirectoryJSON:
		// A user table beside the export (e-mail addresses or logins by OID, a template,
		// a directory): read as map reads it, its users compared across the files. A
		// template or directory JSON (in a file, or on stdin copied to one) is held as
		// compact records in a temporary file (mapping.ReadCompact) and its users built
		// again for each of the check's two passes: whole, a 200,000-row template took
		// 306 MiB.
		var c *mapping.CompactDirectory
		var ws []mapping.Warning
		if in.file != nil {
			c, ws, err = readCompact(si, func() (*inp.Input, error) { return openAny(e, path, inp.Options{}) }, mapping.Options{Context: e.context()})
		} else {
			// Standard input: copied to a temporary file and read from there the same way
			// (whole, a 200,000-row template on stdin took 347 MiB).
			var copied *inp.Input
			var reopen func() (*inp.Input, error)
			var cleanup func()
			if copied, reopen, cleanup, err = reopenable(e, si, "-", inp.Options{}); err == nil {
				c, ws, err = readCompact(copied, reopen, mapping.Options{Context: e.context()})
				copied.Close()
				cleanup()
			}
		}
		in.Close()
		if err != nil {
			return validate.AdminDataInput{}, nil, nil, nil, err
		}
		each := func(each func(validate.TableUser)) error {
			_, err := c.Each(func(u *mapping.User) *mapping.User {
				each(validate.TableUser{OID: u.ID, Login: u.Login, DisplayName: u.DisplayName, FullName: u.FullName,
					FirstName: u.GivenName, LastName: u.FamilyName, Organization: u.Organization})
				return nil
			})
			return err
		}
		return validate.AdminDataInput{Name: si.Name, EachUser: each}, &partScan{}, func() { c.Close() }, readerDiagnostics(si.Name, ws), nil
	}
	if si.Kind == inp.ODMJSON {
		// The JSON form: converted to XML in a temporary file as it is read (odm.JSONToODM
		// streams), and checked there.
		tmp, err := os.CreateTemp("", "odmadmin-check-*.xml")
		if err != nil {
			in.Close()
			return validate.AdminDataInput{}, nil, nil, nil, err
		}
		cleanup := func() { tmp.Close(); os.Remove(tmp.Name()) }
		p := newPartScan()
		_, err = odm.JSONToODM(io.MultiWriter(tmp, p), si.Text(), limited(e.context(), odm.ReadOptions{Name: in.Name, Context: e.context(), JSONPositions: placesOf(e.context()).forName(in.Name)}), odm.WriteOptions{})
		in.Close()
		if err != nil {
			return validate.AdminDataInput{}, nil, cleanup, nil, placedInJSON{err}
		}
		return validate.AdminDataInput{Name: in.Name, Open: func() (io.ReadCloser, error) {
			if _, err := tmp.Seek(0, io.SeekStart); err != nil {
				return nil, err
			}
			return io.NopCloser(ctxReader{e.context(), tmp}), nil
		}}, p, cleanup, nil, nil
	}
	if si.Kind != inp.ODM {
		in.Close()
		return validate.AdminDataInput{}, nil, nil, nil, si.Expect(inp.ODM, inp.ODMJSON, inp.CSV, inp.XLSX, inp.DirectoryJSON)
	}
	p := newPartScan()
	if in.file != nil {
		if fi, err := in.file.Stat(); err == nil && fi.Mode().IsRegular() {
			first := true
			return validate.AdminDataInput{Name: in.Name, Open: func() (io.ReadCloser, error) {
				if first {
					first = false
					return readCloser{io.TeeReader(si.Raw(), p), in.Close}, nil
				}
				f, err := os.Open(path)
				if err != nil {
					return nil, err
				}
				return readCloser{ctxReader{e.context(), f}, f.Close}, nil
			}}, p, func() { in.Close() }, nil, nil
		}
	}
	// stdin or a pipe: one copy to a temporary file, read twice from there.
	tmp, err := os.CreateTemp("", "odmadmin-check-*.xml")
	if err != nil {
		in.Close()
		return validate.AdminDataInput{}, nil, nil, nil, err
	}
	cleanup := func() { tmp.Close(); os.Remove(tmp.Name()) }
	_, err = io.Copy(tmp, io.TeeReader(si.Raw(), p))
	in.Close()
	if err != nil {
		return validate.AdminDataInput{}, nil, cleanup, nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	return validate.AdminDataInput{Name: in.Name, Open: func() (io.ReadCloser, error) {
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		return io.NopCloser(ctxReader{e.context(), tmp}), nil
	}}, p, cleanup, nil, nil
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r readCloser) Close() error { return r.close() }

const checkHelp = `
Checks the AdminData of ODM 1.2, 1.3 or 2.0 files (FILE..., or stdin when there is no FILE
or it is "-"): unique OIDs and login names, references that resolve, ODM value lists,
dates, signature definitions, e-mail, phone and country fields, element order, and the
reader's warnings. The codes are documented in the validate package (go doc validate).

Several files are checked as one export (Rave's Users.odm and Sites.odm, InForm's paged
user downloads, a study file with them): each file is checked on its own, OIDs and login
names are unique within each AdminData of each file (as ODM says), and a reference
resolves against the definitions of all the files, so a LocationRef of Users.odm finds its
Location in Sites.odm. A User in several files is one user by the rules "map", "diff"
and "plan" merge files with (same OID, else same login name ignoring case): no repeat.
A name, login, OID, UserType or organization the files give it differently is a warning,
admin.mergeConflict, at the later file's value, naming the earlier file and line: a merge
keeps the earlier value. Vendor attributes (mdsol:UserRole, pf:Active) may be per study,
so they are compared between records of the same study only, as a merge does. A user
table among the files (CSV or .xlsx adding e-mail addresses or logins by OID, a Clinical
One template, a directory in JSON) is read as map reads it and its users are compared
so; it is not checked otherwise, and it needs an ODM file beside it.

A reference the files cannot resolve is an error in a Snapshot file and a warning in a
Transactional file, in one with a PriorFileOID, or with --series. A file whose
Granularity is AdminData holds no Study, so its Study references are warnings too; one
whose Granularity carries no AdminData (AllClinicalData, SingleSite, SingleSubject, ...)
makes the User, Location and SignatureDef references of its ClinicalData warnings. So
are the Study references of a Rave or InForm export (Users.odm, user downloads) when none
of the files holds a Study, and its LocationRefs when none holds a Location: they point
into the export's other files. To check references across files, pass them together,
with the study file: odmadmin check Users.odm Sites.odm study.xml. An OID or reference
padded with white space (OpenClinica's UserRef UserOID="USR_3 ") is a warning and
resolves with the padding trimmed.

Memory: check reads each file twice, one record at a time, and holds between the reads
about 20 bytes per User (hashes of its OID and login name), the Study and
MetaDataVersion OIDs, and the findings it lists: of each code the first --max and a
count of the rest (a 200,000-user export with a dangling LocationRef on each user: 56
MiB listed by code, where holding every finding took 135 MiB); --max 0, or JSON without
--max, lists every finding, and writes those past 65,536 to a temporary file in sorted
runs (the same export: 128 MiB when they were held, 57 MiB). A check of a million users (955 MB) peaked at
45 MiB with GOGC=100, 56 MiB under odmadmin's GC policy (see odmadmin --help). A User
that several files share is compared across them and costs about 240 bytes more: two
copies of a 200,000-user export (every user shared) peaked at 114 MiB with GOGC=100, 75
MiB under odmadmin's GC policy (247 and 175-193 MiB while a user the other file repeats
was also a candidate for a repeat within its own). Stdin and the JSON form go to a temporary file first,
to be read twice.

Output: one line per finding, FILE:LINE:COL: SEVERITY CODE: message, or (--format json)
an array of {"file", "line", "col", "severity", "code", "message", "value"}. When a code
repeats, a summary with the count per code goes to stderr.

Messages never contain names, e-mail addresses or phone numbers; --values adds the
offending value to each finding.

Exit status: 0 no errors (warnings allowed), 1 errors, 2 a file cannot be read.
`

// findingDiagnostic places a finding of file name: XML findings by line and column,
// record findings (CSV, spreadsheets) by row and column name.
func findingDiagnostic(name string, f validate.Finding) Diagnostic {
	return Diagnostic{File: name, Line: f.Line, Col: f.Column, Severity: string(f.Severity), Code: string(f.Code), Message: f.Message, Value: f.Value, Count: f.Count}
}
