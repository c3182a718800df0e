package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReaderWarningsListed: diff and plan list what the readers of their inputs warned
// about as map does (code, file:line:col, the count per code), each once, without personal
// data; before, they dropped everything but merge conflicts. A spec's login lookup table
// is read with warnings too, which map, diff and plan list.
func TestReaderWarningsListed(t *testing.T) {
	rave := diffDir + "rave.xml" // FullName with two spaces, empty Address, Fax, Phone elements
	quirk := rave + ":14:10: warning mapping.quirk: empty Fax element"
	dir := t.TempDir()
	lookup := filepath.Join(dir, "logins.csv")
	spec := filepath.Join(dir, "spec.csv")
	if err := os.WriteFile(lookup, []byte("User OID,Login\nU1,ana\n,orphan\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(spec, []byte("Kind,Study,Scope,Source,Target,Suggested,Note\nlogin,,,lookup,logins.csv,,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	noOID := lookup + ":3:User OID: warning mapping.invalid-value: table/OID"
	for _, tc := range []struct {
		args   []string
		want   []string
		reason string
	}{
		{[]string{"diff", diffDir + "inform.xml", rave}, []string{quirk, "5 warning mapping.quirk"},
			"a streamed side (read twice) lists its reader's quirks once each"},
		{[]string{"diff", "--a", diffDir + "inform.xml", "--b", rave, "--b", diffDir + "reordered.xml"}, []string{quirk},
			"a side of several files lists the quirks of each file under its name"},
		{[]string{"diff", "--spec", spec, diffDir + "inform.xml", rave}, []string{quirk, noOID},
			"diff --spec reads both sides whole: the quirks, and the lookup table's row without OID"},
		{[]string{"plan", "--existing", rave, "--upload", "testdata/plan/clean.csv", "--format", "text"}, []string{quirk},
			"plan lists the quirks of --existing (one ODM export, streamed)"},
		{[]string{"plan", "--existing", "testdata/plan/existing.xml", "--upload", rave, "--format", "text"}, []string{quirk},
			"plan lists the quirks of a directory upload"},
		{[]string{"map", "--spec", spec, "--to", "json", diffDir + "inform.xml"}, []string{noOID},
			"map lists the lookup table's warnings with its own"},
	} {
		_, _, stderr := runSub("", tc.args[0], tc.args[1:]...)
		for _, w := range tc.want {
			if n := strings.Count(stderr, w); n != 1 {
				t.Errorf("%s: %q %d times in stderr, want once:\n%s", tc.reason, w, n, stderr)
			}
		}
		for _, pii := range []string{"Mia", "Fischer", "orphan"} {
			if strings.Contains(stderr, pii) {
				t.Errorf("%s: personal data %q in stderr:\n%s", tc.reason, pii, stderr)
			}
		}
	}
}
