package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

const mapHelp = `
Input:
  IN (or stdin) is an ODM file, a Clinical One user upload template saved as CSV, or the
  JSON this command writes. The kind is recognised from the first character ('<' ODM,
  '{' JSON, anything else CSV). The ODM input's vendor profile is detected from the
  namespaces it declares (pf: InForm, mdsol: Rave, OpenClinica:, else odm or odm2).

Which profile --profile names:
  --to json, --to csv   --profile is the INPUT profile (overrides detection).
  --to odm              --profile is the OUTPUT flavour; the input is detected.
                        Without --profile the output has the input's flavour, so
                        "map --to odm" writes a file back as it was read.
  --to odm2             plain ODM 2.0 (same as --to odm --profile odm2).
  --from P              always names the input profile, whatever --to is.

Output:
  json  the normalized directory: users (with assignments: study, site, role name and
        canonical role, scope, environment, from, to), sites, studies, groups.
  odm   ODM 1.3.2 in the flavour's shape (inform, rave, openclinica, odm) or ODM 2.0 (odm2).
  csv   the Clinical One "Update Users" template of --study (dates DD-MMM-YYYY).

Warnings (what the target cannot hold, what was normalized) go to stderr.
Exit status: 0 success, 2 error.
`

func runMap(e *env, args []string) int {
	fs := newFlagSet(e, "map",
		"odmadmin map [--profile inform|rave|openclinica|odm|odm2|clinicalone] [--to json|odm|odm2|csv] [--study OID] [-o OUT] [--quiet] [--max N] [IN]",
		"odmadmin map testdata/inform/htn-demo.xml\n"+
			"odmadmin map --to odm --profile rave -o rave.xml testdata/inform/htn-demo.xml\n"+
			"odmadmin map --to csv --study HTN-DEMO testdata/inform/htn-demo.xml")
	profile := fs.String("profile", "", "vendor profile: the input's for --to json/csv, the output flavour for --to odm (see below)")
	from := fs.String("from", "", "input profile, overriding detection, for any --to")
	to := fs.Enum("to", "json", "output `format`: json, odm, odm2 or csv", "json", "odm", "odm2", "csv")
	fs.alias("format", "to", "output `format`: the same as --to")
	study := fs.String("study", "", "study `OID`: the study the CSV template is written for, or that CSV input rows belong to")
	training := fs.Bool("training", false, "Clinical One training mode: CSV rows also count for Training")
	o := fs.outputFlags()
	fs.setHelp(mapHelp)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	path, ok := inputPath(e, fs, "map", pos)
	if !ok {
		return 2
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
	case "json", "csv":
		if inProf == "" {
			inProf = prof
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
	in, err := openInput(e, path)
	if err != nil {
		return fail(e, "map", err)
	}
	defer in.Close()
	opts := mapping.Options{Profile: inProf, Study: *study, Training: *training}

	dir, warnings, err := readDirectory(bufio.NewReaderSize(in, 64<<10), in.Name, opts)
	if err != nil {
		return fail(e, "map", err)
	}
	err = writeOutput(e, o.out, func(w io.Writer) error {
		switch *to {
		case "json":
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(dir)
		case "csv":
			ws, err := mapping.WriteClinicalOneCSV(w, dir, opts)
			warnings = append(warnings, ws...)
			return err
		default:
			doc, ws, err := mapping.ToDocument(dir, outProf, mapping.Options{Now: time.Now()})
			warnings = append(warnings, ws...)
			if err != nil {
				return err
			}
			enc := odm.NewEncoder(w, odm.WriteOptions{})
			if err := enc.Encode(doc); err != nil {
				return err
			}
			for _, x := range enc.Warnings() {
				warnings = append(warnings, mapping.Warning{Code: mapping.CodeUnrepresentable, Field: "ODM", Count: 1, Message: x.Error()})
			}
			return nil
		}
	})
	printMapWarnings(e, o, in.Name, warnings)
	if err != nil {
		return fail(e, "map", err)
	}
	return 0
}

// readDirectory reads ODM, CSV or the JSON directory, told apart by the first character.
func readDirectory(br *bufio.Reader, name string, opts mapping.Options) (*mapping.Directory, []mapping.Warning, error) {
	head, _ := br.Peek(512)
	head = bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})
	head = bytes.TrimLeft(head, " \t\r\n")
	switch {
	case opts.Profile == mapping.ProfileClinicalOne || (len(head) > 0 && head[0] != '<' && head[0] != '{'):
		if len(head) == 0 {
			return nil, nil, errors.New(name + ": empty input")
		}
		d, ws, err := mapping.ReadClinicalOneCSV(br, opts)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		return d, ws, nil
	case len(head) > 0 && head[0] == '{':
		var d mapping.Directory
		dec := json.NewDecoder(br)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			return nil, nil, fmt.Errorf("%s: not a mapping directory in JSON: %w", name, err)
		}
		return &d, nil, nil
	}
	doc, err := odm.Decode(br, odm.ReadOptions{Name: name})
	if err != nil {
		return nil, nil, err
	}
	var ws []mapping.Warning
	for _, x := range doc.Warnings {
		ws = append(ws, mapping.Warning{Code: mapping.CodeQuirk, Field: "ODM", Count: 1, Message: strings.TrimSpace(x.Error())})
	}
	d, mws, err := mapping.FromDocument(doc, opts)
	return d, append(ws, mws...), err
}

// printMapWarnings lists mapping warnings on stderr in the diagnostic format.
func printMapWarnings(e *env, o *outputFlags, name string, ws []mapping.Warning) {
	ds := make([]Diagnostic, len(ws))
	for i, w := range ws {
		ds[i] = mappingDiagnostic(name, w)
	}
	printDiagnostics(e, "map", o, ds)
}
