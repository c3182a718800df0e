package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/odmadmin/odmadmin/odm"
	"github.com/odmadmin/odmadmin/validate"
)

func runCheck(e *env, args []string) int {
	fs := newFlagSet(e, "check",
		"odmadmin check [--format json|text] [--values] [--series] FILE",
		"odmadmin check --format json export.xml")
	format := fs.String("format", "text", "output `format`: text (FILE:LINE: severity: code: message) or json (an array of findings)")
	values := fs.Bool("values", false, "include each offending value in the output; it is personal data, so only on request")
	series := fs.Bool("series", false, "treat the file as part of a series of files: references it cannot resolve are warnings, not errors")
	fs.Usage = checkUsage(fs, fs.Usage)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	path, ok := inputPath(e, fs, "check", pos)
	if !ok {
		return 2
	}
	if !oneOf(e, "check", "format", *format, "json", "text") {
		return 2
	}
	in, err := openInput(e, path)
	if err != nil {
		return fail(e, "check", err)
	}
	defer in.Close()

	findings, err := validate.CheckAdminDataXML(in, validate.AdminDataOptions{
		Values: *values,
		Series: *series,
		Read:   odm.ReadOptions{Name: in.Name},
	})
	if err != nil {
		return fail(e, "check", err)
	}
	err = writeOutput(e, "", func(w io.Writer) error {
		if *format == "json" {
			return writeCheckJSON(w, findings)
		}
		return writeCheckText(w, in.Name, findings)
	})
	if err != nil {
		return fail(e, "check", err)
	}
	for _, f := range findings {
		if f.Severity == validate.SeverityError {
			return 1
		}
	}
	return 0
}

// checkUsage appends the exit codes to the flag usage, since they are what scripts need.
func checkUsage(fs *flag.FlagSet, base func()) func() {
	return func() {
		base()
		fmt.Fprint(fs.Output(), `
Checks the AdminData of an ODM 1.2, 1.3 or 2.0 file (FILE, or stdin when FILE is absent
or "-"): unique OIDs and login names, references that resolve, ODM value lists, dates,
signature definitions, e-mail, phone and country fields, element order, and the reader's
warnings. The codes are documented in the validate package (go doc validate).

A reference the file cannot resolve is an error in a Snapshot file and a warning in a
Transactional file, in one with a PriorFileOID, or with --series. A file whose
Granularity is AdminData holds no Study, so its Study references are warnings too.

Messages never contain names, e-mail addresses or phone numbers; --values adds the
offending value to each finding.

Exit status: 0 no errors (warnings allowed), 1 errors, 2 the file cannot be read.
`)
	}
}

// checkFinding is the JSON shape of one finding: the four fields the CLI promises, and the
// value only when asked for. Line is always present (0 when unknown) so consumers need no
// special case.
type checkFinding struct {
	Severity validate.Severity `json:"severity"`
	Code     validate.Code     `json:"code"`
	Line     int               `json:"line"`
	Message  string            `json:"message"`
	Value    string            `json:"value,omitempty"`
}

// writeCheckJSON writes the findings as a JSON array, "[]" when there are none, one
// finding per line so that the output diffs and greps well.
func writeCheckJSON(w io.Writer, findings []validate.Finding) error {
	if len(findings) == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "<" and "&" in messages readable
	buf.WriteString("[\n")
	for i, f := range findings {
		buf.WriteString("  ")
		if err := enc.Encode(checkFinding{f.Severity, f.Code, f.Line, f.Message, f.Value}); err != nil {
			return err
		}
		buf.Truncate(buf.Len() - 1) // Encode ends with a newline
		if i < len(findings)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]\n")
	_, err := w.Write(buf.Bytes())
	return err
}

// writeCheckText writes one line per finding: FILE:LINE: severity: code: message, the
// form editors and CI annotators understand.
func writeCheckText(w io.Writer, name string, findings []validate.Finding) error {
	for _, f := range findings {
		line := name + ":" + strconv.Itoa(f.Line) + ": " + string(f.Severity) + ": " + string(f.Code) + ": " + f.Message
		if f.Value != "" {
			line += " (value " + strconv.Quote(f.Value) + ")"
		}
		if _, err := io.WriteString(w, line+"\n"); err != nil {
			return err
		}
	}
	return nil
}
