package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMapReportsTableRowsOfNobody: a user table by OID merged with an export, one of
// whose rows names an OID the export lacks, is reported on the command's stderr under the
// table's name (the row became a user of its own without a word), streamed and read
// whole (diff reads its sides whole).
func TestMapReportsTableRowsOfNobody(t *testing.T) {
	dir := t.TempDir()
	export := filepath.Join(dir, "export.xml")
	table := filepath.Join(dir, "emails.csv")
	if err := os.WriteFile(export, []byte(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00">
  <AdminData StudyOID="S1"><User OID="u1"><LoginName>avery.sample</LoginName></User></AdminData>
</ODM>
`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(table, []byte("OID,Email\nu1,avery.sample@example.org\nu1x,nobody@example.org\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := "emails.csv: warning mapping.dangling-reference: table/OID: the user table's row names a user no other file has"
	for _, args := range [][]string{
		{"map", "--to", "json", export, table},
		{"diff", "--a", export, "--a", table, "--b", export},
	} {
		_, _, errs := runCmd(nil, args...)
		if !strings.Contains(errs, want) || !strings.Contains(errs, "User u1x") {
			t.Errorf("%v: stderr %q; want %q naming User u1x", args, errs, want)
		}
	}
}
