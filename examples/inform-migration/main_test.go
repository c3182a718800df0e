package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMigrate(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"-out", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	csv, err := os.ReadFile(filepath.Join(dir, "clinicalone-users.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(csv), "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n") || strings.Count(string(csv), "\n") < 3 {
		t.Errorf("CSV:\n%s", csv)
	}
	rave, err := os.ReadFile(filepath.Join(dir, "rave-users.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rave), `xmlns:mdsol="http://www.mdsol.com/ns/odm/metadata"`) || !strings.Contains(string(rave), "mdsol:UserRole=") {
		t.Errorf("Rave ODM:\n%s", rave)
	}
	for _, w := range []string{"Rave: extension-dropped: User/@pf:DBUID", "Clinical One: "} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, out.String())
		}
	}
}

// TestDefaultsLeaveNothingBehind: run as a newcomer would, with no arguments from another
// directory, the example finds its bundled export and writes only to a new temporary
// directory, whose name it prints.
func TestDefaultsLeaveNothingBehind(t *testing.T) {
	cwd := t.TempDir()
	t.Chdir(cwd)
	t.Setenv("TMPDIR", t.TempDir())
	var out, errb bytes.Buffer
	if code := run(nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if entries, _ := os.ReadDir(cwd); len(entries) != 0 {
		t.Errorf("wrote %d files into the working directory", len(entries))
	}
	if !strings.Contains(out.String(), "wrote "+os.Getenv("TMPDIR")) {
		t.Errorf("output does not name the temporary directory:\n%s", out.String())
	}
}
