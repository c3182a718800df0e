package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
)

// finding is a line of text output: its code and, for contacts, the record's subject key.
var finding = regexp.MustCompile(`: error (\S+): .*?(\(subjectKey \S+\))?$`)

// TestGeneratedBenchInputs: the inputs scripts/bench.sh generates for contacts and
// accounts are read whole, and give the findings they are made to have (one e-mail
// address in fifty refused; a user in a hundred Created with roles), the JSON and the
// CSV form the same ones: a bench row of a refused input would time an error message.
func TestGeneratedBenchInputs(t *testing.T) {
	const n = 200
	var js, cs, ou bytes.Buffer
	if err := gen.Contacts(&js, n, false); err != nil {
		t.Fatal(err)
	}
	if err := gen.Contacts(&cs, n, true); err != nil {
		t.Fatal(err)
	}
	if err := gen.OC4Users(&ou, n); err != nil {
		t.Fatal(err)
	}
	findings := func(input string, args ...string) []string {
		t.Helper()
		code, stdout, stderr := runCmd(strings.NewReader(input), args...)
		if code != 1 {
			t.Fatalf("%v: exit %d, want 1 (findings); stderr %q", args, code, stderr)
		}
		// The finding's code and whom it is about, not where (JSON says a line and
		// column, CSV a row and the column's name).
		var out []string
		for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
			if m := finding.FindStringSubmatch(l); m != nil {
				out = append(out, m[1]+" "+m[2])
			}
		}
		return out
	}
	j := findings(js.String(), "contacts", "--format", "text")
	c := findings(cs.String(), "contacts", "--format", "text")
	if len(j) != n/50 || strings.Join(j, "\n") != strings.Join(c, "\n") {
		t.Errorf("contacts: JSON findings %q, CSV %q; want %d alike", j, c, n/50)
	}
	// Two rows a user, the first user of each hundred Created: 2 rows of each.
	if a := findings(ou.String(), "accounts"); len(a) != 2*((n/2+99)/100) {
		t.Errorf("accounts: %d findings %q, want %d", len(a), a, 2*((n/2+99)/100))
	}
}
