package main

import (
	"os"
	"testing"
)

// TestReadDirectoryStdin checks that diff reads every kind of ODM from stdin as from a
// file: streamed, OpenClinica (whose sites are Study elements) from a temporary copy
// read twice.
func TestReadDirectoryStdin(t *testing.T) {
	for _, f := range []string{"../../testdata/openclinica/demo-site-studies.xml", "../../testdata/inform/htn-demo.xml", "../../testdata/rave/mediflex-users.xml", "../../testdata/odm2/demo-admin.xml"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if code, out, stderr := runSub(string(b), "diff", f, "-"); code != 0 {
			t.Errorf("%s: diff with itself from stdin: exit %d\n%s%s", f, code, out, stderr)
		}
		if code, out, stderr := runSub(string(b), "diff", "--format", "json", "-", "testdata/diff/inform.xml"); code != 1 || len(out) < 100 {
			t.Errorf("%s: diff from stdin with another file: exit %d\n%s%s", f, code, out, stderr)
		}
	}
}
