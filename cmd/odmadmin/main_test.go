package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/odmadmin/odmadmin/internal/testenv"
)

// skipSummary runs the tests and then prints one line when some skipped for a missing
// xmllint or missing reference data, so that a plain "go test ./..." does not skip them
// silently.
type skipSummary struct{ m *testing.M }

func (s skipSummary) Run() int {
	code := s.m.Run()
	testenv.PrintSkips("cmd/odmadmin")
	return code
}

// TestMain also makes this test binary the odmadmin command for the scripts of
// TestScripts (testscript runs it as a subprocess under that name).
func TestMain(m *testing.M) {
	testscript.Main(skipSummary{m}, map[string]func(){"odmadmin": main, "gcpolicy-probe": gcPolicyProbe})
}

// TestScripts runs testdata/script/*.txtar: one script per command, each covering its
// help, an example, stdin, -o, a bad flag, a missing file and every exit code. The
// command's fixtures (testdata/ of this package and of the repository) are copied into
// each script's work directory, laid out as in the repository.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// The layout of the repository, so that the help examples run verbatim.
			if err := copyTree("testdata", filepath.Join(env.WorkDir, "cmd", "odmadmin", "testdata")); err != nil {
				return err
			}
			return copyTree(filepath.Join(testenv.RepoRoot(), "testdata"), filepath.Join(env.WorkDir, "testdata"))
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// exits N CMD ARGS... runs CMD and asserts its exit code is N (testscript's
			// "!" only says "not 0", and the commands' codes 1 and 2 mean different things).
			"exits": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: exits N CMD [ARGS...]")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("exits: %q is not a number", args[0])
				}
				got := 0
				if err := ts.Exec(args[1], args[2:]...); err != nil {
					var ee *exec.ExitError
					if !errors.As(err, &ee) {
						ts.Fatalf("exits: %v", err)
					}
					got = ee.ExitCode()
				}
				if got != want {
					ts.Fatalf("exit code %d, want %d", got, want)
				}
			},
		},
	})
}

func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			if d.Name() == "script" {
				return filepath.SkipDir
			}
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("copying fixtures: %w", err)
		}
		return os.WriteFile(dst, b, 0o644)
	})
}
