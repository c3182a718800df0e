// Package preuploadcheck tests preupload-check.sh, the example pre-upload check script.
package preuploadcheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// odmadmin builds the command once for the tests.
func odmadmin(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not found")
	}
	bin := filepath.Join(t.TempDir(), "odmadmin")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/odmadmin/odmadmin/cmd/odmadmin")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestScript runs the script on a clean upload, one with warnings, and bad input.
func TestScript(t *testing.T) {
	bin := odmadmin(t)
	dir := t.TempDir()
	for _, name := range []string{"existing.xml", "upload.csv", "clean.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	script, _ := filepath.Abs("preupload-check.sh")
	tmp := t.TempDir()
	for _, tc := range []struct {
		args   []string
		code   int
		output string
		reason string
	}{
		{[]string{"existing.xml", "clean.csv"}, 0, "preupload-check: OK", "a clean upload passes"},
		{[]string{"existing.xml", "upload.csv"}, 1, "warning possibleDuplicateAccount", "duplicates stop the upload"},
		{[]string{"existing.xml", "clean.csv", "--training"}, 0, `role DEMO-01 (Training)-South Demo Clinic: "" -> "Site User"`, "plan flags pass through"},
		{[]string{"existing.xml", "missing.csv"}, 2, "could not be made", "a missing upload"},
		{[]string{"existing.xml"}, 2, "Usage:", "too few arguments"},
	} {
		cmd := exec.Command("bash", append([]string{script}, tc.args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "ODMADMIN="+bin, "TMPDIR="+tmp)
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tc.code || !strings.Contains(string(out), tc.output) {
			t.Errorf("%q (%s): exit %d, want %d; output lacks %q:\n%s", tc.args, tc.reason, code, tc.code, tc.output, out)
		}
	}
	// The plans went to temporary directories, none next to the uploads.
	plans, _ := filepath.Glob(filepath.Join(tmp, "preupload-check.*", "upload.plan.json"))
	if len(plans) != 1 {
		t.Errorf("JSON plans of upload.csv in the temporary directory: %v, want one", plans)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.plan.json")); len(m) != 0 {
		t.Errorf("plans written next to the upload: %v", m)
	}
	// PLAN_JSON chooses the file.
	want := filepath.Join(t.TempDir(), "kept.json")
	cmd := exec.Command("bash", script, "existing.xml", "clean.csv")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "ODMADMIN="+bin, "PLAN_JSON="+want)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if _, err := os.Stat(want); err != nil {
		t.Errorf("PLAN_JSON: %v", err)
	}
}
