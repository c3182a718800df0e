package main

import (
	"fmt"
	"io"

	inp "github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/odm"
	"github.com/odmadmin/odmadmin/validate"
)

func runCheck(e *env, args []string) int {
	fs := newFlagSet(e, "check",
		"odmadmin check [--format text|json] [--values] [--series] [-o OUT] [--max N] [--quiet] [FILE]",
		"odmadmin check testdata/inform/htn-demo.xml\n"+
			"odmadmin check --format json testdata/odm2/demo-admin.xml")
	o := fs.outputFlags("text", "json")
	values := fs.Bool("values", false, "include each offending value in the output; it is personal data, so only on request")
	series := fs.Bool("series", false, "treat the file as part of a series of files: references it cannot resolve are warnings, not errors")
	fs.setHelp(checkHelp)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	path, ok := inputPath(e, fs, "check", pos)
	if !ok {
		return 2
	}
	in, err := openInput(e, path)
	if err != nil {
		return fail(e, "check", err)
	}
	defer in.Close()
	si, err := inp.New(in, in.Name, inp.Options{})
	if err != nil {
		return fail(e, "check", err)
	}
	xml, err := odmXML(si, odm.ReadOptions{Name: in.Name})
	if err != nil {
		return fail(e, "check", err)
	}

	xml, parts := scanParts(xml)
	findings, err := validate.CheckAdminDataXML(xml, validate.AdminDataOptions{
		Values: *values,
		Series: *series,
		Read:   odm.ReadOptions{Name: in.Name},
	})
	if err != nil {
		return fail(e, "check", err)
	}
	relaxed := relaxParts(findings, parts)
	var dw *diagWriter
	err = writeOutput(e, o.out, func(w io.Writer) error {
		dw = newDiagWriter(w, o)
		for _, f := range findings {
			if err := dw.Write(findingDiagnostic(in.Name, f)); err != nil {
				return err
			}
		}
		return dw.Close()
	})
	if err != nil {
		return fail(e, "check", err)
	}
	if !o.quiet {
		dw.Summary(e.stderr, "check")
		if relaxed > 0 {
			fmt.Fprintf(e.stderr, "odmadmin check: %s\n", partNote(in.Name, relaxed))
		}
	}
	if dw.Errors() > 0 {
		return 1
	}
	return 0
}

const checkHelp = `
Checks the AdminData of an ODM 1.2, 1.3 or 2.0 file (FILE, or stdin when FILE is absent
or "-"): unique OIDs and login names, references that resolve, ODM value lists, dates,
signature definitions, e-mail, phone and country fields, element order, and the reader's
warnings. The codes are documented in the validate package (go doc validate).

A reference the file cannot resolve is an error in a Snapshot file and a warning in a
Transactional file, in one with a PriorFileOID, or with --series. A file whose
Granularity is AdminData holds no Study, so its Study references are warnings too; one
whose Granularity carries no AdminData (AllClinicalData, SingleSite, SingleSubject, ...)
makes the User, Location and SignatureDef references of its ClinicalData warnings. So
are the Study references of an export that holds no Study at all, and the LocationRefs
of one that holds no Location, in a Rave or InForm export (Users.odm, user downloads): they point
into the export's other files. To check references across files, check the files
merged: odmadmin map --to odm Users.odm Sites.odm | odmadmin check --series. An
OID or reference padded with white space (OpenClinica's UserRef UserOID="USR_3 ") is a
warning and resolves with the padding trimmed.

Output: one line per finding, FILE:LINE:COL: SEVERITY CODE: message, or (--format json)
an array of {"file", "line", "col", "severity", "code", "message", "value"}. When a code
repeats, a summary with the count per code goes to stderr.

Messages never contain names, e-mail addresses or phone numbers; --values adds the
offending value to each finding.

Exit status: 0 no errors (warnings allowed), 1 errors, 2 the file cannot be read.
`

// findingDiagnostic places a finding of file name: XML findings by line and column,
// record findings (CSV, spreadsheets) by row and column name.
func findingDiagnostic(name string, f validate.Finding) Diagnostic {
	return Diagnostic{File: name, Line: f.Line, Col: f.Column, Severity: string(f.Severity), Code: string(f.Code), Message: f.Message, Value: f.Value}
}
