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
	maxDepth := fs.Int("max-depth", odm.DefaultMaxDepth, "maximum element nesting")
	maxToken := fs.Int("max-token", odm.DefaultMaxTokenBytes, "maximum size in bytes of one tag, text run or comment")
	maxInput := fs.Int64("max-input", 0, "maximum input size in bytes (0: no limit)")
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
	opts := odm.ReadOptions{Name: in.Name, MaxDepth: *maxDepth, MaxTokenBytes: *maxToken, MaxInputBytes: *maxInput}
	isJSON := si.Kind == inp.ODMJSON
	var br io.Reader = si.Raw()
	if isJSON {
		br = si.Text()
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
			ws, err := odm.JSONToODM(w, br, opts, odm.WriteOptions{})
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
// conversion's, as for --to odm: what the XML, and so the JSON written from it, cannot
// hold. The Reader's own warnings would name places in the XML between the two, which no
// file holds, and are not reported (as before: the whole decode dropped them too).
func streamJSONToJSON(w io.Writer, r io.Reader, opts odm.ReadOptions) ([]*odm.Error, error) {
	xml, finish := jsonAsXML(r, opts)
	xopts := opts
	xopts.MaxInputBytes = 0 // the limit is on the JSON read, not on the XML made of it
	return finish(odm.StreamJSON(w, odm.NewReader(xml, xopts)))
}
