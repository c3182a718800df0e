package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"github.com/odmadmin/odmadmin/odm"
)

// maxWarningsShown caps the warnings printed for one run; a large export with one quirk
// per user would otherwise bury the output. The total is always reported.
const maxWarningsShown = 20

func runConvert(e *env, args []string) int {
	fs := newFlagSet(e, "convert",
		"odmadmin convert [--to odm|json] [-o OUT] [--strict] [IN]",
		"odmadmin convert --to json -o study.json testdata/inform/htn-demo.xml")
	to := fs.String("to", "", "output format: json or odm (default: the other one of the input's)")
	out := fs.String("o", "", "write to `OUT` (atomically) instead of stdout")
	strict := fs.Bool("strict", false, "treat reader warnings (producer quirks, content outside the ODM model) as errors")
	quiet := fs.Bool("quiet", false, "do not print warnings")
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
	if *to != "" && !oneOf(e, "convert", "to", *to, "json", "odm") {
		return 2
	}
	in, err := openInput(e, path)
	if err != nil {
		return fail(e, "convert", err)
	}
	defer in.Close()
	opts := odm.ReadOptions{Name: in.Name, Strict: *strict, MaxDepth: *maxDepth, MaxTokenBytes: *maxToken, MaxInputBytes: *maxInput}
	br := bufio.NewReaderSize(in, 64<<10)
	isJSON := sniffJSON(br)
	target := *to
	if target == "" {
		target = "json"
		if isJSON {
			target = "odm"
		}
	}
	var warnings []*odm.Error
	err = writeOutput(e, *out, func(w io.Writer) error {
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
		default:
			doc, err := odm.DecodeJSON(br, opts)
			if err != nil {
				return err
			}
			if target == "json" {
				return odm.EncodeJSON(w, doc)
			}
			enc := odm.NewEncoder(w, odm.WriteOptions{Strict: *strict})
			err = enc.Encode(doc)
			warnings = enc.Warnings()
			return err
		}
	})
	if !*quiet {
		printWarnings(e, "convert", warnings)
	}
	if err != nil {
		return fail(e, "convert", err)
	}
	return 0
}

// sniffJSON reports whether the input looks like JSON: its first non-space character
// (after a UTF-8 byte-order mark) is '{'.
func sniffJSON(br *bufio.Reader) bool {
	head, _ := br.Peek(4096)
	head = bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})
	head = bytes.TrimLeft(head, " \t\r\n")
	return len(head) > 0 && head[0] == '{'
}

func printWarnings(e *env, cmd string, ws []*odm.Error) {
	for i, w := range ws {
		if i == maxWarningsShown {
			fmt.Fprintf(e.stderr, "odmadmin %s: warning: %d more warnings not shown\n", cmd, len(ws)-i)
			break
		}
		fmt.Fprintf(e.stderr, "odmadmin %s: warning: %v\n", cmd, w)
	}
}
