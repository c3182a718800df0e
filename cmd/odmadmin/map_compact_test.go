package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMapTableJSONStreamsAsWhole: map --to json of a Clinical One template (CSV, .xlsx)
// or directory JSON file holds the users as compact records and writes them one at a
// time (streamTableJSON); from stdin the same input is read whole as before. Both give
// the same bytes, warnings, errors and exit status for every diff fixture's template and
// JSON, the templates and JSON written to exercise the compact reading, and a JSON whose
// vendor attribute name would forge markup.
func TestMapTableJSONStreamsAsWhole(t *testing.T) {
	groups, extra := compactInputs(t)
	files := extra
	for _, g := range groups {
		files = append(files, g[1:]...) // the template and JSON map made of the ODM file
	}
	forged := filepath.Join(t.TempDir(), "forged.json")
	if err := os.WriteFile(forged, []byte(`{"studies":[],"sites":[],"users":[{"id":"u1","login":"a","source":{"attrs":[{"name":"x=\"1\"><evil","value":"v"}]}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	files = append(files, forged)
	streamed := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, extraArgs := range [][]string{nil, {"--max", "0"}, {"--strict"}} {
			args := append(append([]string{"--to", "json"}, extraArgs...), f)
			code, out, errs := runSub("", "map", args...)
			args[len(args)-1] = "-"
			wcode, wout, werrs := runSub(string(data), "map", args...)
			// The whole read names stdin "<stdin>" or "-"; the file its path.
			werrs = strings.ReplaceAll(werrs, "<stdin>", f)
			werrs = strings.ReplaceAll(werrs, "\n-:", "\n"+f+":")
			if strings.HasPrefix(werrs, "-:") {
				werrs = f + werrs[1:]
			}
			if code != wcode || out != wout || errs != werrs {
				t.Errorf("map %v: streamed and whole differ:\nexit %d vs %d\nstderr:\n%s\nvs\n%s\nstdout equal: %v", args, code, wcode, errs, werrs, out == wout)
			}
			if code == 0 {
				streamed++
			}
		}
	}
	if streamed < 20 {
		t.Errorf("only %d runs succeeded: the test compares little", streamed)
	}
}
