package main

import (
	"fmt"
	"io"

	inp "github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/odm"
)

func runConvert(e *env, args []string) int {
	fs := newFlagSet(e, "convert",
		"odmadmin convert [--to odm|json] [-o OUT] [--strict] [--quiet] [--max N] [IN]",
		"odmadmin convert --to json testdata/inform/htn-demo.xml\n"+
			"odmadmin convert --to json -o study.json testdata/inform/htn-demo.xml\n"+
			"odmadmin convert --to odm testdata/odm2/demo-admin.xml")
	to := fs.Enum("to", "", "output `format`: json or odm (default: the other one of the input's)", "json", "odm")
	fs.alias("format", "to", "output `format`: the same as --to")
	o := fs.outputFlags()
	strict := fs.Bool("strict", false, "exit 1 when there are warnings (producer quirks, content outside the ODM model, values the output cannot hold); the output is still written")
	fs.limitFlags("maximum element nesting (-1: no limit)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	path, ok := inputPath(e, fs, "convert", pos)
	if !ok {
		return 2
	}
	in, err := openInput(e, path)
	if err != nil {
		return fail(e, "convert", err)
	}
	defer in.Close()
	si, err := inp.New(in, in.Name, inp.Options{})
	if err != nil {
		return fail(e, "convert", err)
	}
	if err := si.Expect(inp.ODM, inp.ODMJSON); err != nil {
		if si.Kind == inp.DirectoryJSON || si.Kind == inp.CSV || si.Kind == inp.XLSX {
			err = fmt.Errorf("%w (convert is ODM to JSON and back; \"odmadmin map\" reads user tables and directories)", err)
		}
		return fail(e, "convert", err)
	}
	opts := limited(e.context(), odm.ReadOptions{Name: in.Name})
	isJSON := si.Kind == inp.ODMJSON
	var br io.Reader = si.Raw()
	if isJSON {
		br = si.Text()
		// What the reader of the XML made of the JSON says names places in the JSON.
		opts.Context = e.context()
		opts.JSONPositions = placesOf(opts.Context).forName(in.Name)
	}
	target := *to
	if target == "" {
		target = "json"
		if isJSON {
			target = "odm"
		}
	}
	var warnings []*odm.Error
	err = writeOutput(e, o.out, func(w io.Writer) error {
		switch {
		case !isJSON && target == "json":
			r := odm.NewReader(br, opts)
			err := odm.StreamJSON(w, r)
			warnings = r.Warnings()
			return err
		case !isJSON:
			// The lossless round trip streams: memory stays bounded for any file size.
			ws, err := odm.Transform(w, br, opts, odm.WriteOptions{}, nil)
			warnings = ws
			return err
		case target == "odm":
			// JSON to ODM streams too: one record or node at a time.
			ws, err := checkedJSONToODM(w, br, opts)
			warnings = ws
			return err
		default:
			ws, err := streamJSONToJSON(w, br, opts)
			warnings = ws
			return err
		}
	})
	printWarnings(e, "convert", o, warnings)
	if err != nil {
		return fail(e, "convert", err)
	}
	if *strict && len(warnings) > 0 {
		fmt.Fprintf(e.stderr, "odmadmin convert: --strict: %d warnings\n", countODMWarnings(warnings))
		return 1
	}
	return 0
}

// printWarnings lists reader and writer warnings on stderr in the diagnostic format.
func printWarnings(e *env, cmd string, o *outputFlags, ws []*odm.Error) {
	ds := make([]Diagnostic, len(ws))
	for i, w := range ws {
		ds[i] = odmDiagnostic(w, "warning")
	}
	printDiagnostics(e, cmd, o, ds)
}

// streamJSONToJSON writes the JSON form of the JSON form r holds, one record at a time:
// the JSON is converted to XML as it is read (jsonAsXML), and a Reader over that XML feeds
// odm.StreamJSON. Decoding the whole document (odm.DecodeJSON, then odm.EncodeJSON) held
// every record in memory (TestConvertJSONToJSONStreams). The warnings are the
// conversion's (what the XML, and so the JSON written from it, cannot hold), then the
// Reader's about the XML (a producer's quirk the JSON carries, content outside the
// model), as convert reports them for an ODM input; the command places them in the JSON
// (opts.JSONPositions).
func streamJSONToJSON(w io.Writer, r io.Reader, opts odm.ReadOptions) ([]*odm.Error, error) {
	xml, finish := jsonAsXML(r, opts)
	xr := odm.NewReader(xml, xmlReadOptions(opts))
	ws, err := finish(odm.StreamJSON(w, xr))
	return append(ws, xr.Warnings()...), err
}

// xmlReadOptions are the options of a reader of the XML that jsonAsXML makes of a JSON
// input read with opts.
func xmlReadOptions(opts odm.ReadOptions) odm.ReadOptions {
	opts.MaxInputBytes = 0 // the limit is on the JSON read, not on the XML made of it
	return opts
}

// checkedJSONToODM writes the ODM XML of the JSON form r holds, as odm.JSONToODM writes
// it, and reads that XML on its way out, so that convert says of a JSON input what it says
// of the same document as ODM: the conversion's warnings, then the reader's. A reader
// error (a limit, say) fails the conversion as it fails an ODM input.
func checkedJSONToODM(w io.Writer, r io.Reader, opts odm.ReadOptions) ([]*odm.Error, error) {
	xml, finish := jsonAsXML(r, opts)
	ro := xmlReadOptions(opts)
	ro.Reuse = true // nothing is kept
	out := io.TeeReader(xml, w)
	xr := odm.NewReader(out, ro)
	var err error
	for err == nil {
		_, err = xr.Next()
	}
	if err == io.EOF {
		// The reader stops at the end of the document; what follows it is written too.
		_, err = io.Copy(io.Discard, out)
	}
	ws, err := finish(err)
	return append(ws, xr.Warnings()...), err
}
