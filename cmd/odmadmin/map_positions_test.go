package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMapWarningsOfSeveralFiles: map of several inputs names each warning by the file it
// comes from and the place in it the reader knows (a CSV's row and column, an ODM
// record's line and column), not by the files joined.
func TestMapWarningsOfSeveralFiles(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(csvPath, []byte("First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n"+
		"Ana,Test,ana@example.org,ana,someday,,CRA,All,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	odmPath := filepath.Join("..", "..", "mapping", "testdata", "openclinica.xml")
	code, _, stderr := runCmd(nil, "map", "--to", "json", "-o", filepath.Join(dir, "out.json"), csvPath, odmPath)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		csvPath + ":2:Start Date: warning mapping.invalid-value: CSV/Start Date:",
		odmPath + ":63:5: warning mapping.normalized: User/@OID:",
	} {
		if !strings.Contains(stderr, "\n"+want) && !strings.HasPrefix(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, csvPath+"+") {
		t.Errorf("a warning is named by the files joined:\n%s", stderr)
	}
}
