package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	inp "github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

const mapHelp = `
Input:
  IN (or stdin) is an ODM file (XML in any encoding, or the JSON of "odmadmin convert"),
  the JSON this command writes, or a table as CSV or .xlsx workbook: the Clinical One user
  upload template (the tab "Clinical One Users"; the header row is found by its column
  names) or a user table by OID (columns OID and Login, Email, First Name, Last Name,
  Phone, Organization). The kind is recognised from the bytes. CSV may be separated by
  ",", ";" or tabs, UTF-8 or UTF-16; an 8-bit file needs --charset.
  Several IN files are one directory (Rave Users.odm and Sites.odm, paged downloads, a
  user table adding logins or e-mails by OID): users are merged by OID, then login; a
  value the files disagree on keeps the first file's and is warned about, and a user
  table's row whose OID no other file has (mistyped?) is a user of its own, warned about
  (dangling-reference, table/OID). A person or
  site listed in several AdminData blocks (of one file or several) whose blocks disagree
  (mdsol:Active per study environment) keeps each block's value: json lists them under
  source.variants, and odm writes each block's listing with its own values. One login
  under two OIDs is one user (merge-conflict, User/OID, naming both): the first OID is
  its ID, the other its block's listing's, which odm writes that block's record under.
  The ODM input's vendor profile is detected from the namespaces it declares (pf: InForm,
  mdsol: Rave, OpenClinica:, else odm or odm2).

Which profile --profile names:
  --to json, --to csv   --profile is the INPUT profile (overrides detection).
  --to odm              --profile is the OUTPUT flavour; the input is detected.
                        Without --profile the output has the input's flavour, so
                        "map --to odm" writes a file back as it was read
                        (the same canonical XML, see "odm" below). A person
                        listed in several AdminData that --spec changes has
                        each record written from the values merged from all
                        (an e-mail address one record lacks is added to it).
  --to odm2             plain ODM 2.0 (same as --to odm --profile odm2).
  --from P              always names the input profile, whatever --to is.

Output:
  json  the normalized directory: users (with assignments: study, site, role name and
        canonical role, scope, environment, from, to), sites, studies, groups.
  odm   ODM 1.3.2 in the flavour's shape (inform, rave, openclinica, odm) or ODM 2.0 (odm2);
        written back into its own flavour, an ODM 1.2 input (or its JSON) stays 1.2.
        In the input's own flavour the input document is patched, streamed: Study,
        ClinicalData, comments and everything else outside AdminData are copied, and so
        is every AdminData record the directory holds unchanged (an unchanged file comes
        back as the same canonical XML, xmllint --exc-c14n; white space between the
        attributes of a tag becomes one space). --base FILE patches FILE instead (e.g. the original export, with
        the directory from an edited JSON, another export or a template). The input is
        resolved against FILE first (FILE is read once more for it): a site it names is
        FILE's Location of that OID, else (FILE lacks the OID) the one of that site
        number (InForm mnemonic, Rave StudySiteNumber, the template's Sites) or name, as
        plan and diff match sites; a number or name two of FILE's sites share matches
        neither (warning dangling-reference, subject the site). A role named as one of
        FILE's rights groups (InForm pf:GroupDef, any letter case) is that group. Then a
        user, site, signature or group FILE has is patched at its record, one it lacks
        is added (what FILE has is noted in the reading above, 8 bytes a record) in
        the order ODM's schema requires: before FILE's records of its kind in the
        AdminData, after those of the kinds before it (users, organizations, sites,
        signatures; groups after FILE's vendor elements); a user is added to the
        AdminData of each study (openclinica: site study) it has access in that lacks it. A user, site, signature or group FILE has and the input
        lacks is left out (so another export replaces FILE's), with warning removed, one
        for each kind of record (subject the first, with a count; for openclinica also a
        user's record of a site study it has no access at).
        A table (the template as csv or xlsx, an OpenClinica 4 user table) holds users
        only, and only some of their values, so FILE's sites, signatures and groups are
        kept, its users are found by login (User Name, Username; by OID for a user
        without login, whose OID the table writes as User Name; letter case and the
        white space around a login aside, as everywhere: of two FILE users of one login
        so compared, the first takes the row, the other is kept and reported as
        mapping.merge-conflict), and each user FILE has
        keeps FILE's values but for the columns whose cells differ from the row map
        --to csv (oc4users) writes of FILE's user: First Name, Last Name, Email (the
        first e-mail), User Name, and the table study's access (Study Role, Sites,
        dates, Depots; Role); an OpenClinica 4 table also Organization, Phone (the
        first), Status. An Email (Phone) replaces FILE's first e-mail address (phone);
        FILE's others stay, but one the cell now names, which is not listed twice. A
        cell cleared clears its value; what no column holds (status in
        the template, locale, address, user type, vendor ids, other studies' access) is
        FILE's. A user FILE has in the table's study that the table has no row for is
        left out (removed), unless the table would give it no row (a deactivated user in
        the template): it is kept. A template row for a user FILE has deactivated does
        not reactivate it (the template has no status): its values are patched in and
        the account stays deactivated (warning unrepresentable, User/status). FILE of
        several studies needs --study, the table's
        study (else its access is not patched: warning unrepresentable,
        Assignment/study). So map --to csv --study S FILE, patched with --base FILE,
        gives FILE back, and an edit of the table makes that edit.
        A patch adds no Study or AdminData: access in a study FILE has no AdminData
        for, and in the openclinica flavour, where a site is a site study, a site FILE has
        no Study for and access at a site it has no AdminData for, are left out with
        warning unrepresentable (subject Study OID or Location OID); FILE's Study
        elements are copied as they are, so a site study or study whose name, number
        (ProtocolName) or parent the input has otherwise keeps FILE's, with warning
        approximated (subject Location OID or Study OID). Into another flavour,
        or from several IN files (no one document to patch), only AdminData is written,
        and what is left out is reported (code not-carried, with counts, by input).
        openclinica writes a site as a site study of one study: a site of several
        studies (or Rave environments) gets a site study in each, all but its own study's
        under an OID made up as SITE.STUDY (warning generated, Study/@OID). Access that
        names no study (a template read without --study) goes into an AdminData without
        a StudyOID, warned as it reads back (Assignment/study: as the only study's, or,
        with no role, as a user without access); give --study to name the study.
        Every ODM flavour leaves out site-level access whose site it cannot write (a
        site-level role the input names no site for, as an OpenClinica 4 user table; a
        site with no study version, so no Location: a template's site, an OpenClinica
        site study): written without the site it would read back as access at every
        site of the study. Warning unrepresentable, Assignment/site, with a count; a
        user with no other access in an AdminData is not written into it (field User).
        A --base patch does the same (a user FILE has is then taken out of that
        AdminData); a site FILE has a Location of is written, and access at it kept.
  csv   the Clinical One "Update Users" template of --study (dates DD-MMM-YYYY; Sites All
        is the whole study, so a site-level role whose site the input does not name, as
        in an OpenClinica 4 user table, is left out, and a user with no other access gets
        no row: warning unrepresentable, Assignment/site, with a count). Each user is
        written as the study's own AdminData lists it (a Rave user deactivated in that
        study environment gets no row; oc4users writes its Status so); the template has
        no account status, so an Invited or Created account's row is reported
        (unrepresentable, User/status, with a count). The template reads the rows
        of one User Name as one user's: a user written under the User Name of an earlier
        row (trimmed, letter case aside, as the reader compares them) is reported
        (unrepresentable, CSV/User Name, with a count). A cell
        that starts with =, +, -, @, TAB or CR (other than a number such as a phone
        number "+1 5551234") is written with a leading apostrophe so that a spreadsheet
        shows it as text instead of running it as a formula (warning
        formula-neutralized; the upload keeps the apostrophe, so check such rows);
        --raw-csv writes cells as they are.
  xlsx  the same as an .xlsx workbook: tab "Clinical One Users", every cell text, so a
        value that looks like a formula is written as it is, with no apostrophe (dates
        DD-MMM-YYYY as the template's guidelines write them, site numbers as written).
        A cell longer than the 32,767 characters an Excel cell holds is cut there, with
        a warning (unrepresentable, XLSX/COLUMN); csv writes it whole.
  oc4users  OpenClinica 4's study User Administration table of --study as CSV (First,
        Last, Username, Email, Organization, Phone, Role, Type, Status, Created (UTC),
        Updated (UTC); times DD-MMM-YYYY HH:MM, each role's own when read from such a
        table), one row per user and role; roles are named as OpenClinica names them at
        their level (Study Monitor, Site Monitor), so that the table reads back as
        written. The table is one study's in one environment (Test when the study OID
        ends in (TEST), else Production), as it is read back with --study: access to
        other studies or environments is left out (warning unrepresentable,
        Assignment/study or Assignment/environment, with a count), and so is access that
        has ended (Assignment/to); a user left with none gets no row. The table has no
        end date, depots or full name: they are reported (Assignment/to,
        Assignment/depots, User/FullName); access with no role is written with an empty
        Role, which reads back as no access (warning invalid-value, table/Role).
        OpenClinica 4 has one account per username, in any letter case: a user written
        under the Username of an earlier one (white space around and letter case aside)
        is reported (unrepresentable, table/Username, with a count).
        Without --study an input of several studies is an error. An
        OpenClinica 4 user table (study or central Administration table, CSV or .xlsx) is
        read as input too, recognized by its header (--profile oc4users is accepted, not
        needed).

Migration spec (--spec FILE, CSV or .xlsx; --spec-template writes a starter one):
  Kind,Study,Scope,Source,Target,Suggested,Note — one rule per row:
  role        Source role name, canonical:ROLE or (none) -> Target role name or
              canonical:ROLE (the target's own name); Study and Scope narrow a rule
  site        Source site by OID, number or name -> the target's site identifier
  login       for users without one: email-local-part, email, oid, or lookup (Target: a
              user table by OID with a Login column)
  start-date  Target: the start of assignments that have none
  exclude     Source: a user OID, login or e-mail to leave out
  A role or site without a rule is a warning (code unmapped) naming it and how many
  users it affects. Example: examples/migration-spec.

Memory:
  json, csv, xlsx, oc4users and --spec-template from an ODM file are written while the
  file is read: the users' compact records go to a temporary file (removed at once), and
  what is held is a small index per user (some 14 bytes) and the sites, studies and
  groups (json without --spec puts the sites in the temporary file too: some 30
  bytes a site stay), and a person listed in several AdminData (OpenClinica's study and site
  studies, Rave's studies) about 1 KB more until the end; --spec is applied to each user as it is built (of its login
  lookup table only the logins by OID are kept, some 45 bytes a user). csv, xlsx and oc4users without --study read the input once
  when its studies name the table's study (one study, as in most exports), else twice (the
  first time to find the study from the users); xlsx also writes its sheet's rows to a temporary
  file (through a 64 KB buffer) and, at the end, the workbook as it is made. odm and odm2 in the
  input's flavour (and --base FILE of that flavour) read the input twice: first the
  directory, whose users go to a temporary file (some 10 bytes a user stay in memory:
  where each is, an index of OIDs, a few bits each), then the input (or FILE), each record
  patched from its user as it is read (without --base and --spec, the records of the
  users read from one record each are copied without being decoded, and of those users
  only the OID goes to the file). odm and odm2 into
  another flavour write each user as it is built from the records read when the one
  AdminData written is known before (one study, no --spec, not OpenClinica), else keep the
  users in a second temporary file and write them one at a time (2 bytes a user stay in
  memory; with several AdminData, as OpenClinica's site studies, some 4 more for each
  AdminData a user goes into and read again for each). The sites
  are held packed (some 400 bytes each). --spec is applied to each user as it is built. --base FILE of another flavour
  than the input keeps the input's users in a temporary file as compact records (4 bytes
  a user in memory), then copies them, spec applied, to a second one (some 10 bytes a
  user in memory) from which FILE's records are patched; users FILE does not have are
  built again from there, a few hundred at a time, where they go into one of its
  AdminData. A table patched into --base FILE also puts FILE's users in a temporary
  file (some 3 bytes a user in memory, and an index of the OIDs of the persons FILE
  lists in several AdminData), each built again where its record is, and holds FILE's
  sites packed from the read to the write (in a temporary file until FILE's users are
  copied); the table's own compact records are let go of once copied, and of its sites
  those FILE has (an edited template of 1,000,000 users into the generated InForm
  export of as many: 58-60 MiB on a quiet machine, 32-36 s of CPU). Another export of
  FILE's flavour is resolved against FILE's sites, indexed as FILE is read first, and
  holds its own sites packed in a temporary file from the read to the write
  (1,000,000 InForm users into as many: 58-60 MiB on a quiet machine). A Clinical One template, OpenClinica 4 user table, user table by OID or
  map --to json file (stdin is copied to a temporary file first) is held the same way: its users go to a temporary file as
  compact records (4 bytes a user in memory, some 12 more while a template is read) and
  are written one at a time to every output, the spec applied to each; a table (csv,
  xlsx, oc4users) without --study reads them once more first to find the study. Held whole, growing with
  the users: --base FILE with several IN files (several IN files are otherwise
  merged one user at a time: each ODM file is read as one alone, and the merged users go
  to a temporary file, some 30 bytes a user in memory, with the sites, studies and
  groups of all files). OpenClinica ODM is read once more first, up to its first AdminData, for its
  Study elements (the site studies); any other ODM's head, up to its first AdminData
  only, for the studies' names (StudyName, ProtocolName), which ODM puts there (a Study
  out of that order is not read: check reports the order). Stdin is copied to a
  temporary file first, so that it can be read twice. From any input, csv, xlsx and
  oc4users also keep a fingerprint of each login written while the rows are written (10
  bytes a user of the input), to report a login two users share.

Warnings (what the target cannot hold, what was normalized or made up) go to stderr,
each with a stable code and a count, under the name of the file they are about: the
input's, or, for what --base FILE lacks or keeps as it is and where it departs from the
ODM schema (quirk), FILE's. With --strict any warning makes the exit status 1
(the output is still written).
Exit status: 0 success, 1 warnings with --strict, 2 error.
`

func runMap(e *env, args []string) int {
	fs := newFlagSet(e, "map",
		"odmadmin map [--profile inform|rave|openclinica|odm|odm2|clinicalone] [--to json|odm|odm2|csv|xlsx|oc4users] [--study OID] [--base FILE] [--charset SET] [--strict] [-o OUT] [--quiet] [--max N] [IN...]",
		"odmadmin map testdata/inform/htn-demo.xml\n"+
			"odmadmin map --to odm --profile rave -o rave.xml testdata/inform/htn-demo.xml\n"+
			"odmadmin map --to csv --study HTN-DEMO testdata/inform/htn-demo.xml")
	profile := fs.String("profile", "", "vendor profile: the input's for --to json/csv, the output flavour for --to odm (see below)")
	from := fs.String("from", "", "input profile, overriding detection, for any --to")
	to := fs.Enum("to", "json", "output `format`: json, odm, odm2, csv, xlsx or oc4users", "json", "odm", "odm2", "csv", "xlsx", "oc4users")
	fs.alias("format", "to", "output `format`: the same as --to")
	study := fs.String("study", "", "study `OID`: the study the CSV template is written for, or that CSV input rows belong to")
	training := fs.Bool("training", false, "Clinical One training mode: CSV rows also count for Training")
	base := fs.String("base", "", "with --to odm/odm2: patch the ODM document `FILE` (of the output flavour) with the directory instead of the input, its sites and roles matched to FILE's (a table keeps FILE's values it has no column for)")
	strict := fs.Bool("strict", false, "exit 1 when there are warnings (the output is still written)")
	rawCSV := fs.Bool("raw-csv", false, "--to csv or oc4users: write cells as they are (by default a cell a spreadsheet would run as a formula gets a leading apostrophe)")
	o := fs.outputFlags()
	fs.limitFlags("maximum element nesting (-1: no limit)")
	rf := addReadFlags(fs)
	specPath := fs.String("spec", "", "apply the migration spec `FILE` (CSV or .xlsx: role, site, login, start-date and exclude rules; see examples/migration-spec)")
	specTemplate := fs.Bool("spec-template", false, "write a starter migration spec for the input and the --to target (CSV, suggestions marked) instead of mapping")
	fs.setHelp(mapHelp)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	prof, err := mapping.ParseProfile(*profile)
	if err != nil {
		return usagef(e, "map", "--profile: %v", err)
	}
	inProf, err := mapping.ParseProfile(*from)
	if err != nil {
		return usagef(e, "map", "--from: %v", err)
	}
	var outProf mapping.Profile
	switch *to {
	case "json", "csv", "xlsx", "oc4users":
		if inProf == "" {
			inProf = prof
		}
		if *base != "" {
			return usagef(e, "map", "--base goes with --to odm or odm2")
		}
	case "odm":
		outProf = prof
		if outProf == mapping.ProfileClinicalOne {
			return usagef(e, "map", "--to odm cannot write the clinicalone profile; use --to csv")
		}
	case "odm2":
		if prof != "" && prof != mapping.ProfileODM2 {
			return usagef(e, "map", "--to odm2 writes plain ODM 2.0; --profile %s is a 1.3 flavour (use --to odm)", prof)
		}
		outProf = mapping.ProfileODM2
	}
	inOpts, err := rf.options()
	if err != nil {
		return usagef(e, "map", "%v", err)
	}
	opts := mapping.Options{Profile: inProf, Study: *study, Training: *training, RawCSV: *rawCSV, Context: e.context()}
	// The spec is read first: an ODM input applies it while streaming.
	var spec *mapping.Spec
	var lookup *mapping.Directory
	var lookupWarn []mapping.Warning // the lookup table's, listed after the input's
	if *specPath != "" && !*specTemplate {
		if spec, lookup, lookupWarn, err = loadSpec(e, *specPath, inOpts); err != nil {
			return fail(e, "map", err)
		}
	}

	var src *mapSource
	var notCarried []mapping.Warning // of several inputs (see below)
	if len(pos) <= 1 {
		path := ""
		if len(pos) == 1 {
			path = pos[0]
		}
		in, err := openInput(e, path)
		if err != nil {
			return fail(e, "map", err)
		}
		defer in.Close()
		// The table and JSON outputs and the spec template are written while the users
		// are read (a spec applied to each user as it is built); odm and odm2 too (see
		// writeMapODMStream).
		req := streamReq{format: *to, outProf: outProf, spec: spec, lookup: lookup, base: *base}
		switch {
		case *specTemplate:
			req.to = "spec-template"
		case *to == "json" || *to == "csv" || *to == "xlsx" || *to == "oc4users":
			req.to = *to
		case *to == "odm" || *to == "odm2":
			req.to = "odm"
		}
		if src, err = readMapSource(e, in, opts, inOpts, req); err != nil {
			return fail(e, "map", err)
		}
	} else {
		// Several files are one directory; there is no one source to patch. Their users
		// are merged into a temporary file, from which they are written one at a time
		// (mapping.MergeStream); --base takes them whole. Written as ODM without --base,
		// what the ODM inputs hold outside AdminData is reported as not carried.
		var carry *[]mapping.Warning
		if (*to == "odm" || *to == "odm2") && *base == "" && !*specTemplate {
			carry = &notCarried
		}
		if e.wholeMerge {
			d, ws, err := readDirectoriesCarry(e, pos, inOpts, opts, carry)
			if err != nil {
				return fail(e, "map", err)
			}
			src = &mapSource{dir: d, warnings: ws, name: strings.Join(pos, "+")}
		} else {
			ms, ws, err := readMergedCarry(e, pos, inOpts, opts, carry)
			if err != nil {
				return fail(e, "map", err)
			}
			src = &mapSource{warnings: ws, name: strings.Join(pos, "+"), cleanup: func() { ms.Close() }}
			if *base == "" {
				src.merged = ms
			} else if src.dir, err = ms.Whole(); err != nil {
				src.close()
				return fail(e, "map", err)
			}
		}
	}
	defer src.close()
	src.ctx = e.context()
	dir, warnings := src.dir, append(src.warnings, lookupWarn...)
	target := specTarget(*to, outProf, src.profile)
	if spec != nil && !*specTemplate && src.merged != nil {
		opts.Spec = &mapping.SpecUse{Spec: spec, Target: target, Lookup: lookup}
	} else if spec != nil && !*specTemplate && src.stream == nil && src.odm == nil {
		warnings = append(warnings, spec.Apply(dir, target, lookup)...)
	}
	err = writeOutput(e, o.out, func(w io.Writer) error {
		if src.merged != nil {
			var ws []mapping.Warning
			var err error
			switch {
			case *specTemplate:
				ws, err = src.merged.Write(w, "spec-template", opts, target, time.Now())
			case *to == "odm" || *to == "odm2":
				mo := opts
				mo.Now = time.Now()
				ws, err = src.merged.WriteODM(w, outProf, mo, odm.WriteOptions{})
			default:
				ws, err = src.merged.Write(w, *to, opts, target, time.Now())
			}
			warnings = append(warnings, ws...)
			return err
		}
		if *specTemplate && src.stream == nil {
			// What the input's reading warned about is reported as for any output: a
			// starter spec is no reason to hide a quirk of the file it was made from.
			return mapping.SpecTemplate(w, dir, target, time.Now())
		}
		if src.stream != nil {
			ws, err := src.stream(w)
			warnings = append(warnings, ws...)
			return err
		}
		switch *to {
		case "json":
			return writeDirectoryJSON(w, dir)
		case "csv":
			ws, err := mapping.WriteClinicalOneCSV(w, dir, opts)
			warnings = append(warnings, ws...)
			return err
		case "xlsx":
			ws, err := mapping.WriteClinicalOneXLSX(w, dir, opts)
			warnings = append(warnings, ws...)
			return err
		case "oc4users":
			ws, err := mapping.WriteOC4Users(w, dir, opts)
			warnings = append(warnings, ws...)
			return err
		}
		ws, err := writeMapODM(w, src, outProf, *base)
		warnings = append(warnings, ws...)
		return err
	})
	if err == nil {
		warnings = append(warnings, notCarried...)
		warnings = append(warnings, src.lateWarnings()...)
	}
	printMapWarnings(e, o, src.name, warnings)
	if err != nil {
		if errors.Is(err, odm.ErrUnwritable) && src.name != "" {
			// The record and field are the input's, read from it: name it, as the
			// warnings above do.
			err = fmt.Errorf("%s: %w", src.name, err)
		}
		return fail(e, "map", err)
	}
	if *strict && len(warnings) > 0 {
		fmt.Fprintf(e.stderr, "odmadmin map: --strict: %d warnings\n", countWarnings(warnings))
		return 1
	}
	return 0
}

// countWarnings adds up the values merged warnings concern.
func countWarnings(ws []mapping.Warning) int {
	n := 0
	for _, w := range ws {
		n += max(w.Count, 1)
	}
	return n
}

// mapSource is a directory read by map, with the ODM file it was read from (nil for CSV and
// JSON input) for writing back.
type mapSource struct {
	dir      *mapping.Directory
	warnings []mapping.Warning
	file     *os.File // the ODM input, to be read again (a spooled copy of stdin)
	name     string
	profile  mapping.Profile // the flavour of the ODM input
	version  odm.Version
	cleanup  func()
	// stream, when set, writes the output while reading the input (dir is nil): see
	// mapping.WriteJSON and mapping.WriteClinicalOneCSVFrom.
	stream func(io.Writer) ([]mapping.Warning, error)
	// merged, when set, holds the directory of several inputs (dir is nil), written by
	// its Write.
	merged *mapping.MergeStream
	// odm, for --to odm and odm2 (dir is nil), is the ODM input with its header read,
	// read by writeMapODMStream with readOpts.
	odm      *odm.Reader
	readOpts mapping.Options
	// ctx is the run's context (env.context): the limits of every reader of the input
	// and of --base (limited).
	ctx context.Context
	// wholeBase (tests only, env.wholeBase) reads an ODM input patched into --base of
	// another flavour whole, as before it went to a temporary file.
	wholeBase bool
	// valuesOnly is whether the ODM input is read for its values only (valuesOnly), also
	// when it is read again.
	valuesOnly bool
	// late counts the Study elements after AdminData, whose names the stream does not
	// read (nil: not counted), as lateFrom, the stream's reader, skips them; its warning
	// is known once the stream is read, after the output is written (lateWarnings).
	late     *mapping.LateStudies
	lateFrom *odm.Reader
}

// lateWarnings returns the warning of the Study elements after AdminData the stream of
// s skipped, once it is read.
func (s *mapSource) lateWarnings() []mapping.Warning {
	s.late.Add(s.lateFrom.LateStudies())
	s.lateFrom = nil // counted once
	return s.late.Warnings(s.name)
}

func (s *mapSource) close() {
	if s.cleanup != nil {
		s.cleanup()
	}
}

// reread returns the ODM input from its start.
func (s *mapSource) reread() (io.Reader, error) {
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return bufio.NewReaderSize(s.file, 64<<10), nil
}

// openBase opens the --base document, which must be of the output flavour p (when p is
// "", the base's flavour is the output's): the file at its start, and the flavour.
func openBase(ctx context.Context, base string, p mapping.Profile) (*os.File, mapping.Profile, error) {
	f, err := os.Open(base)
	if err != nil {
		return nil, "", err
	}
	h, err := odm.NewReader(bufio.NewReader(f), limited(ctx, odm.ReadOptions{Name: base})).Header()
	if err != nil {
		f.Close()
		return nil, "", err
	}
	bp := mapping.DetectHeader(h)
	if p == "" {
		p = bp
	}
	if p != bp {
		f.Close()
		return nil, "", fmt.Errorf("--base %s is %s, not the output flavour %s", base, bp, p)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, "", err
	}
	return f, p, nil
}

// writeMapODM writes --to odm/odm2: the input (or base) document patched with the
// directory when its flavour is the output's, else the directory's AdminData alone with
// a report of what the input held besides.
func writeMapODM(w io.Writer, src *mapSource, p mapping.Profile, base string) ([]mapping.Warning, error) {
	if src.dir == nil && src.odm != nil {
		return writeMapODMStream(w, src, p, base)
	}
	dir := src.dir
	if base != "" {
		f, bp, err := openBase(src.ctx, base, p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		p = bp
		// The file itself, not a buffer over it: Patch reads a document twice when some
		// user's Source does not say where it has them, rewinding a file, spooling
		// anything else (the reader buffers its input).
		return mapping.Patch(w, f, dir, mapping.PatchOptions{Options: mapping.Options{Profile: p, Now: time.Now()}, Read: limited(src.ctx, odm.ReadOptions{Name: base}), Foreign: true})
	}
	if src.file != nil && (p == "" || p == src.profile) {
		r, err := src.reread()
		if err != nil {
			return nil, err
		}
		return mapping.Patch(w, r, dir, mapping.PatchOptions{Options: mapping.Options{Profile: src.profile, Now: time.Now()}, Read: limited(src.ctx, odm.ReadOptions{Name: src.name})})
	}
	ws, err := mapping.WriteODM(w, dir, p, mapping.Options{Now: time.Now()}, odm.WriteOptions{})
	if err != nil || src.file == nil {
		return ws, err
	}
	r, err := src.reread()
	if err != nil {
		return ws, err
	}
	nc, err := mapping.NotCarried(r)
	return append(ws, nc...), err
}

// writeMapODMStream is writeMapODM for an ODM input not read yet (src.odm). Patching it
// into itself or into --base of its flavour reads it twice (mapping.PatchStream: the
// users go to a temporary file, so memory does not grow with them); into another flavour
// its AdminData is written by mapping.WriteODMStream (streamed, one AdminData or
// several), then read again for what it held besides (mapping.NotCarried); patched into
// --base of another flavour than the input's, the directory is read whole first.
func writeMapODMStream(w io.Writer, src *mapSource, p mapping.Profile, base string) ([]mapping.Warning, error) {
	r := src.odm
	src.odm = nil
	// The reader's warnings come first, as when the directory is read before writing.
	quirks := func() []mapping.Warning {
		var ws []mapping.Warning
		for _, x := range r.Warnings() {
			ws = append(ws, quirkWarning(x))
		}
		return ws
	}
	name := src.name
	doc := src.reread
	if base != "" {
		f, bp, err := openBase(src.ctx, base, p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		p, name = bp, base
		doc = func() (io.Reader, error) {
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return nil, err
			}
			return f, nil // as for Patch above
		}
	} else if p == "" {
		p = src.profile
	}
	if p == src.profile {
		// Another file's users patched into --base: where the base has each is read from
		// the base, not from where they were read (mapping.PatchOptions.Foreign).
		ws, err := mapping.PatchStream(w, r, doc, mapping.PatchOptions{Options: mapping.Options{Profile: p, Now: time.Now(), Studies: src.readOpts.Studies, Spec: src.readOpts.Spec}, Read: limited(src.ctx, odm.ReadOptions{Name: name}), Foreign: base != "", Reread: base == ""})
		return append(quirks(), ws...), err
	}
	if base == "" {
		// Into another flavour: AdminData alone, streamed where it can be (see
		// mapping.WriteODMStream), and what the input held besides.
		ws, err := mapping.WriteODMStream(w, r, p, mapping.Options{Profile: src.readOpts.Profile, Now: time.Now(), Studies: src.readOpts.Studies, Spec: src.readOpts.Spec}, odm.WriteOptions{})
		ws = append(quirks(), ws...)
		if err != nil {
			return ws, err
		}
		rr, err := src.reread()
		if err != nil {
			return ws, err
		}
		nc, err := mapping.NotCarried(rr)
		return append(ws, nc...), err
	}
	if src.wholeBase {
		// The whole read streaming replaced, kept for the tests that compare the two.
		d, mws, err := mapping.FromReader(r, src.readOpts)
		if err != nil {
			return nil, err
		}
		if u := src.readOpts.Spec; u != nil {
			mws = append(mws, u.Spec.Apply(d, u.Target, u.Lookup)...)
		}
		src.dir = d
		ws, err := writeMapODM(w, src, p, base)
		return append(append(quirks(), mws...), ws...), err
	}
	// Into --base of another flavour: the users go to a temporary file as compact records
	// and are patched in from there.
	c, mws, err := mapping.ReadCompactODM(r, src.readOpts)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	bf, err := doc()
	if err != nil {
		return nil, err
	}
	po := mapping.PatchOptions{Options: mapping.Options{Profile: p, Now: time.Now(), Spec: src.readOpts.Spec}, Read: limited(src.ctx, odm.ReadOptions{Name: base})}
	ws, err := c.Patch(w, bf, po)
	if cerr := c.Close(); err == nil {
		err = cerr
	}
	return append(append(quirks(), mws...), ws...), err
}

// writeDirectoryJSON writes dir as indented JSON (as json.Encoder with a two-space indent
// would), one user at a time, so that the output is never held whole in memory.
func writeDirectoryJSON(w io.Writer, dir *mapping.Directory) error {
	shell := *dir
	shell.Users = []*mapping.User{}
	head, err := json.MarshalIndent(&shell, "", "  ")
	if err != nil {
		return err
	}
	const key = "\n  \"users\": []"
	i := bytes.Index(head, []byte(key))
	if i < 0 {
		return errors.New("internal error: no users key in the directory JSON")
	}
	if _, err := w.Write(head[:i+len(key)-1]); err != nil {
		return err
	}
	for j, u := range dir.Users {
		sep := ",\n    "
		if j == 0 {
			sep = "\n    "
		}
		b, err := json.MarshalIndent(u, "    ", "  ")
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	if len(dir.Users) > 0 {
		if _, err := io.WriteString(w, "\n  "); err != nil {
			return err
		}
	}
	if _, err := w.Write(head[i+len(key)-1:]); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n")
	return err
}

// streamReq is what map writes while it reads an ODM input.
type streamReq struct {
	// to is the output written while reading (json, csv, xlsx, oc4users or
	// spec-template), "" for none.
	to string
	// format (--to) and outProf are what the spec's target profile follows (specTarget).
	format  string
	outProf mapping.Profile
	// spec, when set, is applied to each user as it is built (lookup: its login table).
	spec   *mapping.Spec
	lookup *mapping.Directory
	// base is --base: odm from a table or JSON input is then written whole (Patch).
	base string
}

// streamTable is readMapSource of a Clinical One template or directory JSON file for the
// outputs map writes while reading (req.to: json, csv, xlsx, oc4users, spec-template,
// odm, also patched into --base), the spec applied to each user: the users are held as compact
// records in a temporary file (mapping.ReadCompact) and written one at a time, where the
// whole directory took about 1.7 KB a user. The directory is checked first, as the whole
// read checks it. It returns nil and no error for what it leaves to the whole read
// (other outputs and inputs, stdin); what ReadCompact reads whole is returned as the
// whole read's directory.
func streamTable(e *env, si *inp.Input, in *input, inOpts inp.Options, opts mapping.Options, req streamReq) (src *mapSource, err error) {
	if req.to == "" || e.wholeTable || (si.Kind != inp.CSV && si.Kind != inp.XLSX && si.Kind != inp.DirectoryJSON) {
		return nil, nil
	}
	// The input may have to be read again (what ReadCompact leaves to the whole read):
	// stdin is copied to a temporary file first, removed when map is done with it, also
	// on an error (and by the signal handler, see spoolTemp).
	var r io.Reader = in
	file := in.file
	spooled := func() {}
	if file == nil {
		tmp, cleanup, err := spoolTemp(e, si.Raw())
		if err != nil {
			return nil, err
		}
		file, r, spooled = tmp, tmp, cleanup
		if si, err = inp.New(tmp, in.Name, inOpts); err != nil {
			cleanup()
			return nil, err
		}
	}
	defer func() {
		if err != nil {
			spooled()
		}
	}()
	reopen := func() (*inp.Input, error) {
		if _, err := file.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		return inp.New(r, in.Name, inOpts)
	}
	c, ws, err := readCompact(si, reopen, opts)
	if err != nil {
		return nil, err
	}
	// Checked before anything is written, as the whole read is: a vendor attribute name
	// or element from JSON must not forge markup.
	if err := c.Check(); err != nil {
		c.Close()
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	src = &mapSource{warnings: ws, name: in.Name, cleanup: func() { c.Close(); spooled() }}
	if !c.Compact() {
		// Read whole: the directory, as readDirectoryFrom gives it.
		d, err := c.Each(func(u *mapping.User) *mapping.User { return u })
		if err != nil {
			c.Close()
			return nil, err
		}
		src.dir = d
		return src, nil
	}
	target := specTarget(req.format, req.outProf, "")
	if req.spec != nil {
		opts.Spec = &mapping.SpecUse{Spec: req.spec, Target: target, Lookup: req.lookup}
	}
	src.stream = func(w io.Writer) ([]mapping.Warning, error) {
		var ws []mapping.Warning
		var err error
		switch {
		case req.to == "odm" && req.base != "":
			f, bp, berr := openBase(opts.Context, req.base, req.outProf)
			if berr != nil {
				// As the whole read: the spec was applied before the base was opened.
				return c.SpecWarnings(opts), berr
			}
			defer f.Close()
			po := mapping.PatchOptions{Options: mapping.Options{Profile: bp, Now: time.Now(), Spec: opts.Spec}, Read: limited(opts.Context, odm.ReadOptions{Name: req.base})}
			ws, err = c.Patch(w, f, po) // as for Patch in writeMapODM
		case req.to == "odm":
			mo := opts
			mo.Now = time.Now()
			ws, err = c.WriteODM(w, req.outProf, mo, odm.WriteOptions{})
		default:
			ws, err = c.Write(w, req.to, opts, target, time.Now())
		}
		if err != nil {
			return ws, err
		}
		return ws, c.Close()
	}
	return src, nil
}

// readMapSource reads any input a directory is read from (see readDirectoryFrom), told
// apart by its bytes. ODM XML is streamed (mapping.FromReader) from a file that can be
// read again for writing back; stdin is copied to a temporary file first. The Study
// elements of an OpenClinica file (its site studies), which the stream skips, are read
// first (mapping.StudyElements); of any other flavour, those before its first AdminData,
// for the studies' names (mapping.LeadingStudyElements). With req.to an ODM input that can be streamed is not read here:
// src.stream is set, which writes that output while reading, the spec applied.
func readMapSource(e *env, in *input, opts mapping.Options, inOpts inp.Options, req streamReq) (*mapSource, error) {
	name := in.Name
	si, err := inp.New(in, name, inOpts)
	if err != nil {
		return nil, err
	}
	odmKind := si.Kind == inp.ODM || si.Kind == inp.ODMJSON
	if !odmKind || opts.Profile == mapping.ProfileClinicalOne {
		if src, err := streamTable(e, si, in, inOpts, opts, req); src != nil || err != nil {
			return src, err
		}
		d, ws, err := readDirectoryFrom(si, opts)
		if err != nil {
			return nil, err
		}
		// A directory from JSON is checked before anything is written from it: a vendor
		// attribute name or element must not forge markup.
		if err := d.Check(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return &mapSource{dir: d, warnings: ws, name: name}, nil
	}
	br := si.Raw()
	src := &mapSource{name: name}
	f := in.file
	ok := f != nil
	if si.Kind == inp.ODMJSON {
		// The JSON form is converted to ODM XML in a temporary file, which is read as
		// an XML input is (streamed, and read again to write it back).
		xml, finish := odmStream(si, odm.ReadOptions{Name: name, Context: opts.Context})
		tmp, cleanup, err := spoolTemp(e, xml)
		if err = finish(err); err != nil {
			if cleanup != nil {
				cleanup()
			}
			return nil, err
		}
		f, src.cleanup, ok = tmp, cleanup, true
		br = tmp
	}
	if ok {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			ok = false
		}
	}
	if !ok {
		tmp, cleanup, err := spoolTemp(e, br)
		if err != nil {
			return nil, err
		}
		f, src.cleanup = tmp, cleanup
	}
	src.file = f
	// The JSON and CSV writers keep nothing of a record once it is read (mapping's
	// builder copies what it needs), so the reader recycles each record's memory; the
	// exports read values only, and so does the first reading of an input written as ODM
	// without --base (odmValues).
	ov := odmValues(req)
	ro := limited(opts.Context, odm.ReadOptions{Name: name, Reuse: reuseRecords(req) || ov, ValuesOnly: (valuesOnly(req.to) || ov) && !e.withLayout})
	src.valuesOnly = ro.ValuesOnly
	r := odm.NewReader(bufio.NewReaderSize(f, 64<<10), ro)
	h, err := r.Header()
	if err != nil {
		src.close()
		return nil, err
	}
	src.version = h.Version
	src.profile = opts.Profile
	if src.profile == "" {
		src.profile = mapping.DetectHeader(h)
	}
	whole := src.profile == mapping.ProfileOpenClinica && e.wholeODM
	if src.profile == mapping.ProfileOpenClinica && !whole {
		// OpenClinica's site studies are Study elements, which the stream skips: they are
		// read first (ODM puts them before AdminData), then the stream from the start.
		if opts.Studies, err = mapping.StudyElements(src.reread, limited(opts.Context, odm.ReadOptions{Name: name})); err == nil {
			var rr io.Reader
			if rr, err = src.reread(); err == nil {
				r = odm.NewReader(rr, ro)
				_, err = r.Header()
			}
		}
		if err != nil {
			src.close()
			return nil, err
		}
	} else if !whole {
		// Any other flavour takes the studies' names (StudyName, ProtocolName) from the
		// Study elements before its first AdminData, which the stream skips too: without
		// them map --to json named no study and --to odm --profile openclinica wrote each
		// study's OID for its name, warning that the study had none. An input the scan
		// refuses is left to the stream, which refuses it in odm's words.
		rr, err := src.reread()
		if err == nil {
			if list, serr := mapping.LeadingStudyElements(rr, limited(opts.Context, odm.ReadOptions{Name: name})); serr == nil {
				opts.Studies = list
				// A Study after AdminData is not read: the stream's reader counts those
				// it skips (src.late), so that their names are said to be missing.
				src.late = mapping.NewLateStudies()
			}
			if rr, err = src.reread(); err == nil {
				r = odm.NewReader(rr, ro)
				if src.late != nil {
					src.lateFrom = r
				}
				_, err = r.Header()
			}
		}
		if err != nil {
			src.close()
			return nil, err
		}
	}
	var d *mapping.Directory
	var mws []mapping.Warning
	var rws []*odm.Error
	if whole {
		// The whole-document read streaming replaced, kept for the tests that compare the
		// two (TestMapOpenClinicaStreamsAsWhole).
		r, err := src.reread()
		if err == nil {
			var doc *odm.Document
			doc, err = odm.Decode(r, limited(opts.Context, odm.ReadOptions{Name: name}))
			if err == nil {
				rws = doc.Warnings
				d, mws, err = mapping.FromDocument(doc, opts)
			}
		}
		if err != nil {
			src.close()
			return nil, err
		}
	} else if req.to == "odm" {
		if req.spec != nil {
			opts.Spec = &mapping.SpecUse{Spec: req.spec, Target: specTarget(req.format, req.outProf, src.profile), Lookup: req.lookup}
		}
		src.odm, src.readOpts, src.wholeBase = r, opts, e.wholeBase
		return src, nil
	} else if req.to != "" {
		target := specTarget(req.format, req.outProf, src.profile)
		if req.spec != nil {
			opts.Spec = &mapping.SpecUse{Spec: req.spec, Target: target, Lookup: req.lookup}
		}
		src.stream = streamMap(src, r, req.to, opts, target)
		return src, nil
	} else {
		d, mws, err = mapping.FromReader(r, opts)
		if err != nil {
			src.close()
			return nil, err
		}
		rws = r.Warnings()
	}
	for _, x := range rws {
		src.warnings = append(src.warnings, quirkWarning(x))
	}
	src.dir = d
	src.warnings = append(src.warnings, mws...)
	return src, nil
}

// reuseRecords reports whether the streaming map of req lets the reader recycle each
// record (odm.ReadOptions.Reuse): the table and JSON writers read the users through
// mapping's builder, which keeps copies (TestStreamReuse in mapping). For xlsx and
// oc4users that saves as much as for csv: at a million users map --to oc4users ran 38
// collections instead of 100, 6% less CPU. mapping.PatchStream (map --to odm into the
// input's flavour) and WriteODMStream (into another) could too (TestODMStreamsReuse):
// odmValues has it for them.
func reuseRecords(req streamReq) bool {
	switch req.to {
	case "json", "csv", "xlsx", "oc4users":
		return true
	}
	return false
}

// odmValues reports whether req writes the ODM input as ODM without --base: patched into
// itself (mapping.PatchStream, the output in the input's flavour), which reads the input
// twice, or into another flavour (mapping.WriteODMStream). The reading these options are
// for only builds the directory through mapping's builder, which takes values and keeps
// copies of them (TestODMStreamsReuse), as for the exports (valuesOnly, reuseRecords);
// PatchStream writes the document from its second reading, odm.Transform's, which keeps
// each record's layout whatever the options say. At 200,000 and 1,000,000 InForm users
// that is some 7 percent less CPU for --to odm, 3 to 7 for --to odm2 (the layout is most
// of what a decoded record allocates).
func odmValues(req streamReq) bool {
	return req.to == "odm" && req.base == ""
}

// valuesOnly reports whether the output map writes while reading (to) reads only the
// values of the records (odm.ReadOptions.ValuesOnly: no layout, less work and memory per
// record): mapping's builder, which the exports (json, csv, xlsx, oc4users,
// spec-template) read through, takes the typed values and the vendor attributes and
// elements, never the layout kept for writing a record back (only FromDocument keeps
// records). A stream written back as ODM ("odm") and a directory read whole for any
// output ("") keep the layout.
func valuesOnly(to string) bool {
	switch to {
	case "json", "csv", "xlsx", "oc4users", "spec-template":
		return true
	}
	return false
}

// streamMap returns the writer of output to (json, csv, xlsx, oc4users, spec-template
// for target) from the ODM stream r (its header read) of src: each user is written as it
// is built, so that memory does not grow with the users (see mapping.WriteJSON). The
// tables of one study (the CSV and XLSX template, the OpenClinica 4 study table) without
// --study may read the input twice (once to find the study; see
// mapping.WriteClinicalOneCSVFrom).
func streamMap(src *mapSource, r *odm.Reader, to string, opts mapping.Options, target mapping.Profile) func(io.Writer) ([]mapping.Warning, error) {
	last := r
	open := func() (*odm.Reader, error) {
		if r != nil {
			r = nil
			return last, nil
		}
		rr, err := src.reread()
		if err != nil {
			return nil, err
		}
		last = odm.NewReader(rr, limited(opts.Context, odm.ReadOptions{Name: src.name, Reuse: reuseRecords(streamReq{to: to}), ValuesOnly: src.valuesOnly}))
		return last, nil
	}
	return func(w io.Writer) ([]mapping.Warning, error) {
		var mws []mapping.Warning
		var err error
		switch to {
		case "json":
			mws, err = mapping.WriteJSON(w, r, opts)
		case "csv":
			mws, err = mapping.WriteClinicalOneCSVFrom(w, open, opts)
		case "xlsx":
			mws, err = mapping.WriteClinicalOneXLSXFrom(w, open, opts)
		case "oc4users":
			mws, err = mapping.WriteOC4UsersFrom(w, open, opts)
		case "spec-template":
			mws, err = mapping.SpecTemplateFrom(w, r, opts, target, time.Now())
		default:
			return nil, fmt.Errorf("internal error: no streaming map --to %s", to)
		}
		// The reader's warnings come first, as when the directory is read before writing.
		var ws []mapping.Warning
		for _, x := range last.Warnings() {
			ws = append(ws, quirkWarning(x))
		}
		return append(ws, mws...), err
	}
}

// printMapWarnings lists mapping warnings on stderr in the diagnostic format.
func printMapWarnings(e *env, o *outputFlags, name string, ws []mapping.Warning) {
	// A role the reader did not know and the writer wrote under its own name is one
	// warning, not two.
	ws = mapping.FoldRoleWarnings(ws)
	ds := make([]Diagnostic, len(ws))
	for i, w := range ws {
		ds[i] = mappingDiagnostic(name, w)
	}
	printDiagnostics(e, "map", o, ds)
}

// specTarget is the profile whose role names a migration spec's canonical targets use.
func specTarget(to string, out, in mapping.Profile) mapping.Profile {
	switch to {
	case "csv", "xlsx":
		return mapping.ProfileClinicalOne
	case "oc4users":
		return mapping.ProfileOpenClinica
	case "odm", "odm2":
		if out != "" {
			return out
		}
		return in
	}
	return ""
}
