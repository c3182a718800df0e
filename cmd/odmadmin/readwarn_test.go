package main

import (
	"fmt"
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

// TestReaderWarningsBounded: a quirk on every user is held as the reader's first 1000
// warnings of that kind and one that counts the rest (odm.ReadOptions.MaxWarnings), and
// every command still counts them all in its summary; with --max 0 the list ends with
// the warning saying how many more there were.
func TestReaderWarningsBounded(t *testing.T) {
	in := usersFile(t, "quirky.xml", 1300, "<Fax/>")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"convert", "--to", "json", in}, "1300 warning odm.emptyElement"},
		{[]string{"convert", "--to", "odm", in}, "1300 warning odm.emptyElement"},
		{[]string{"map", "--to", "json", in}, "1300 warning mapping.quirk"},
		{[]string{"map", "--to", "odm", in}, "1300 warning mapping.quirk"},
		{[]string{"map", "--to", "csv", "--study", "S", in}, "1300 warning mapping.quirk"},
		{[]string{"check", in}, "1300 warning admin.emptyElement"},
	} {
		name := strings.Join(tc.args[:len(tc.args)-1], " ")
		_, _, stderr := runSub("", tc.args[0], tc.args[1:]...)
		if !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "(--max 0 lists all)") {
			t.Errorf("%s: summary lacks %q:\n%s", name, tc.want, stderr)
		}
		args := append([]string{"--max", "0"}, tc.args[1:]...)
		_, stdout, stderr := runSub("", tc.args[0], args...)
		if strings.Contains(stderr, "--max 0 lists all") {
			t.Errorf("%s --max 0: the summary says to use --max 0:\n%s", name, tail(stderr, 3))
		}
		if tc.args[0] == "check" {
			stderr = stdout // check lists its findings on stdout
		}
		if n := strings.Count(stderr, "empty Fax element"); n != 1000 {
			t.Errorf("%s --max 0: %d warnings listed one by one, want the reader's 1000", name, n)
		}
		if !strings.Contains(stderr, "300 more") {
			t.Errorf("%s --max 0: no warning counting the 300 past the bound:\n%s", name, tail(stderr, 5))
		}
	}
	_, _, stderr := runSub("", "convert", "--strict", "--to", "json", in)
	if !strings.Contains(stderr, "--strict: 1300 warnings") {
		t.Errorf("convert --strict counts the warnings past the bound too:\n%s", tail(stderr, 3))
	}
}

// usersFile writes an ODM file of n users, each with the elements of format after its
// LoginName (a %d in it is the user's number), and returns its path.
func usersFile(t *testing.T, name string, n int, format string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00">
<AdminData>
`)
	for i := range n {
		more := format
		if strings.Contains(format, "%d") {
			more = fmt.Sprintf(format, i)
		}
		fmt.Fprintf(&b, "<User OID=\"U%d\"><LoginName>user%d</LoginName>%s</User>\n", i, i, more)
	}
	b.WriteString("</AdminData>\n</ODM>\n")
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestCheckFindingsBounded: check holds of each code the findings it lists (--max) and
// counts the rest, and the summary and exit status count every one of them; --max 0
// lists them all.
func TestCheckFindingsBounded(t *testing.T) {
	const users = 1300
	in := usersFile(t, "dangling.xml", users, `<LocationRef LocationOID="NOWHERE%d"/>`)
	for _, tc := range []struct {
		args   []string
		listed int
	}{
		{[]string{in}, defaultMax},
		{[]string{"--max", "7", in}, 7},
		{[]string{"--max", "0", in}, users},
		{[]string{"--format", "json", in}, users},
		{[]string{"--format", "json", "--max", "3", in}, 3},
	} {
		code, stdout, stderr := runSub("", "check", tc.args...)
		if code != 1 {
			t.Errorf("%v: exit %d, want 1 (errors)", tc.args, code)
		}
		if n := strings.Count(stdout, "names Location NOWHERE"); n != tc.listed {
			t.Errorf("%v: %d dangling references listed, want %d", tc.args, n, tc.listed)
		}
		if tc.listed < users && !strings.Contains(stderr, "1300 error admin.danglingLocationRef") {
			t.Errorf("%v: the summary does not count all 1300:\n%s", tc.args, tail(stderr, 4))
		}
	}
}
