package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMapSpecStreamsAsWhole checks that map --spec and --spec-template from an ODM file,
// which apply the spec to each user as it is read (mapping.Options.Spec), write what the
// whole-directory path writes: the same file's directory given as map's JSON, which map
// reads whole and applies the spec to (Spec.Apply).
func TestMapSpecStreamsAsWhole(t *testing.T) {
	spec := exampleFile("spec.csv")
	inputs := []string{exampleFile("inform-export.xml"), mapInForm, filepath.Join("..", "..", "testdata", "inform", "htn-demo.xml"),
		filepath.Join("..", "..", "testdata", "rave", "mediflex-users.xml")}
	compared := 0
	for _, in := range inputs {
		code, dirJSON, errs := runCmd(nil, "map", "--quiet", "--to", "json", in)
		if code != 0 {
			t.Fatalf("%s: map --to json: exit %d: %s", in, code, errs)
		}
		whole := filepath.Join(t.TempDir(), "dir.json")
		if err := os.WriteFile(whole, []byte(dirJSON), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"--spec", spec, "--to", "json"},
			{"--spec", spec, "--to", "csv"},
			{"--spec", spec, "--to", "oc4users"},
			{"--spec-template"},
			{"--spec-template", "--to", "csv"},
		} {
			sc, streamed, serr := runCmd(nil, append(append([]string{"map", "--quiet"}, args...), in)...)
			wc, want, werr := runCmd(nil, append(append([]string{"map", "--quiet"}, args...), whole)...)
			if sc != wc {
				t.Errorf("%s %v: exit %d (%s), the whole directory's %d (%s)", in, args, sc, serr, wc, werr)
				continue
			}
			if sc > 1 {
				continue // the same refusal either way
			}
			compared++
			if streamed != want {
				t.Errorf("%s %v: the streamed output differs from the whole directory's:\n%s\n--- whole:\n%s", in, args, streamed, want)
			}
		}
	}
	if compared < 10 {
		t.Errorf("only %d outputs compared", compared)
	}
}
