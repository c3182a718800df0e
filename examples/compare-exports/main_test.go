package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/diff"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
	"github.com/odmadmin/odmadmin/odmtest"
)

// TestMigration is the harness: the migrated export must hold what the source holds.
// odmtest.Equal fails the test with the list of changes, one per line.
func TestMigration(t *testing.T) {
	source := odmtest.ReadDirectory(t, filepath.Join("testdata", "source.xml"), mapping.Options{})
	migrated := odmtest.ReadDirectory(t, filepath.Join("testdata", "migrated.xml"), mapping.Options{})
	odmtest.Equal(t, source, migrated, diff.Options{Key: diff.KeyLogin})
}

// TestMigrationNow migrates the source again with today's mapping and checks the result
// the same way, so that a change in the mapping that loses data fails here too.
func TestMigrationNow(t *testing.T) {
	source := odmtest.ReadDirectory(t, filepath.Join("testdata", "source.xml"), mapping.Options{})
	doc, _, err := mapping.ToDocument(source, mapping.ProfileRave, mapping.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := odm.Encode(&buf, doc, odm.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "rave.xml")
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	migrated := odmtest.ReadDirectory(t, out, mapping.Options{})
	if migrated.Source.Vendor != mapping.ProfileRave {
		t.Fatalf("migrated file reads as %s", migrated.Source.Vendor)
	}
	odmtest.Equal(t, source, migrated, diff.Options{Key: diff.KeyLogin})
}

// recorder stands in for a *testing.T to show what a failing harness reports.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, sprintf(format, args...))
}

// TestBrokenMigrationFails checks that the harness catches a lost site assignment, a
// reactivated user and a changed e-mail address.
func TestBrokenMigrationFails(t *testing.T) {
	source := odmtest.ReadDirectory(t, filepath.Join("testdata", "source.xml"), mapping.Options{})
	broken := odmtest.ReadDirectory(t, filepath.Join("testdata", "migrated-broken.xml"), mapping.Options{})
	r := &recorder{TB: t}
	if odmtest.Equal(r, source, broken, diff.Options{Key: diff.KeyLogin}) {
		t.Fatal("the broken migration passed")
	}
	msg := strings.Join(r.failures, "\n")
	for _, want := range []string{
		"3 changes",
		`PROFILE_CHANGE Bruno Okafor (bokafor): emails: "bruno.okafor@site102.example.org" -> "bruno.okafor@site102.example.com"`,
		`STATUS_CHANGE Hana Sato (hsato): status: "Deactivated" -> "Available"`,
		`ROLE_CHANGE Mia Fischer (mfischer): DEMO-01 (Production)-Tokyo Demo Hospital: "Sponsor CRA Rights" -> ""`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure message lacks %q:\n%s", want, msg)
		}
	}
}

// TestCommand checks the command's exit codes.
func TestCommand(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		want   int
		reason string
	}{
		{nil, 0, "the shipped migration is complete"},
		{[]string{filepath.Join("testdata", "source.xml"), filepath.Join("testdata", "migrated-broken.xml")}, 1, "the broken one is not"},
		{[]string{"-key", "oid", filepath.Join("testdata", "source.xml"), filepath.Join("testdata", "migrated.xml")}, 0, "this migration kept the OIDs"},
		{[]string{filepath.Join("testdata", "source.xml")}, 2, "one file"},
		{[]string{filepath.Join("testdata", "source.xml"), "missing.xml"}, 2, "a missing file"},
	} {
		var out, errb bytes.Buffer
		if code := run(tc.args, &out, &errb); code != tc.want {
			t.Errorf("%q: exit %d, want %d (%s)\n%s%s", tc.args, code, tc.want, tc.reason, out.String(), errb.String())
		}
	}
}

// TestRunsAnywhere: without arguments the example compares its embedded samples, so it
// runs from the repository root (or anywhere) and writes nothing.
func TestRunsAnywhere(t *testing.T) {
	cwd := t.TempDir()
	t.Chdir(cwd)
	var out, errb bytes.Buffer
	if code := run(nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errb.String(), out.String())
	}
	if entries, _ := os.ReadDir(cwd); len(entries) != 0 {
		t.Errorf("wrote %d files into the working directory", len(entries))
	}
}
