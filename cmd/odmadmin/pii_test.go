package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoPersonalDataInErrors: a bare & in a name, a CSV without its header row: the
// messages name positions and fields, not the person's data.
func TestNoPersonalDataInErrors(t *testing.T) {
	dir := t.TempDir()
	amp := filepath.Join(dir, "amp.xml")
	doc := `<?xml version="1.0"?>` + "\n" + `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00"><AdminData>` +
		`<User OID="U1"><LoginName>jj</LoginName><LastName>Smith &Jonesdottir</LastName></User></AdminData></ODM>` + "\n"
	if err := os.WriteFile(amp, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	upload := filepath.Join("testdata", "plan", "upload.csv")
	for _, args := range [][]string{
		{"convert", amp}, {"convert", "--to", "odm", amp}, {"map", amp}, {"map", "--to", "odm", amp}, {"map", "--to", "csv", amp},
		{"check", amp}, {"diff", amp, amp}, {"query", "--xpath", "//odm:User", amp}, {"plan", "--existing", amp, "--upload", upload},
	} {
		code, out, errs := runCmd(nil, args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errs)
		}
		if strings.Contains(errs+out, "Jonesdottir") {
			t.Errorf("%v: the name is in the message: %s", args, errs)
		}
		if !strings.Contains(errs, "amp.xml:2:") {
			t.Errorf("%v: the message does not name the position: %s", args, errs)
		}
	}
	code, _, errs := runCmd(strings.NewReader("Johanna,Smith,j.smith@example.org\n"), "contacts")
	if code != 2 || strings.Contains(errs, "Johanna") || !strings.Contains(errs, "column 1") {
		t.Errorf("contacts without a header: exit %d: %s", code, errs)
	}
}
