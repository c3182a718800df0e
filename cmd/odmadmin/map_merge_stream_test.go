package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
)

// splitUsers splits an export with one AdminData into parts, each with the export's
// header and a share of its users; tail says which parts get what follows the users
// (sites, groups, closing tags): all of them (a paged download), or the last one only
// (the users of the first parts then name sites only the last defines).
func splitUsers(t *testing.T, data []byte, parts int, tailInAll bool) [][]byte {
	t.Helper()
	s := string(data)
	i := strings.Index(s, "    <User ")
	j := strings.LastIndex(s, "</User>\n") + len("</User>\n")
	if i < 0 || j < i {
		t.Fatal("no users in the export")
	}
	head, tail := s[:i], s[j:]
	var users []string
	for rest := s[i:j]; rest != ""; {
		k := strings.Index(rest, "</User>\n") + len("</User>\n")
		users = append(users, rest[:k])
		rest = rest[k:]
	}
	end := strings.Index(tail, "  </AdminData>")
	out := make([][]byte, parts)
	for p := range parts {
		var b strings.Builder
		b.WriteString(head)
		for _, u := range users[p*len(users)/parts : (p+1)*len(users)/parts] {
			b.WriteString(u)
		}
		if tailInAll || p == parts-1 {
			b.WriteString(tail)
		} else {
			b.WriteString(tail[end:])
		}
		out[p] = []byte(b.String())
	}
	return out
}

// TestMapMergeStreamsAsWhole: map merges several inputs streaming (readMerged: the users
// in a temporary file) and writes, warns and exits as the whole read and merge it
// replaced (env.wholeMerge, readDirectories and mapping.MergeNamed) does, for every --to,
// from files and with one of them on stdin: over pairs of the fixtures (people and sites
// the files share, conflicts, references into another file, tables with ODM), three
// files, and a generated export split into parts with and without the sites in each. A
// conflict in an ODM XML file names its place (line:col) in both.
func TestMapMergeStreamsAsWhole(t *testing.T) {
	dir := t.TempDir()
	write := fileWriter(t, dir)
	var g bytes.Buffer
	if err := gen.InForm(&g, 900); err != nil {
		t.Fatal(err)
	}
	var paged, cut []string
	for i, p := range splitUsers(t, g.Bytes(), 3, true) {
		paged = append(paged, write("paged"+string(rune('1'+i))+".xml", p))
	}
	for i, p := range splitUsers(t, g.Bytes(), 2, false) {
		cut = append(cut, write("cut"+string(rune('1'+i))+".xml", p))
	}
	diffDir := filepath.Join("testdata", "diff")
	// ODM JSON is decoded whole, its records kept: a conflict in it has its place.
	code, odmJSON, errs := runCmd(nil, "convert", "--to", "json", filepath.Join(diffDir, "reordered.xml"))
	if code != 0 {
		t.Fatalf("convert: %d %s", code, errs)
	}
	reorderedJSON := write("reordered.json", []byte(odmJSON))
	migration := filepath.Join("testdata", "migration")
	inputs := [][]string{
		{filepath.Join(migration, "rave-users.odm"), filepath.Join(migration, "rave-sites.odm")},
		{filepath.Join(migration, "rave-sites.odm"), filepath.Join(migration, "rave-users.odm")},
		{filepath.Join(diffDir, "inform.xml"), filepath.Join(diffDir, "reordered.xml")},
		{filepath.Join("testdata", "map", "inform.xml"), filepath.Join(diffDir, "reordered.xml")},
		{filepath.Join(diffDir, "inform.xml"), filepath.Join(diffDir, "audit-partial.csv")},
		{filepath.Join(diffDir, "inform.xml"), reorderedJSON},
		{filepath.Join("testdata", "map", "users.csv"), filepath.Join("testdata", "map", "inform.xml")},
		{filepath.Join("..", "..", "testdata", "openclinica", "demo-site-studies.xml"), filepath.Join("..", "..", "testdata", "inform", "htn-demo.xml")},
		{filepath.Join(diffDir, "inform.xml"), filepath.Join(diffDir, "rave.xml"), filepath.Join(diffDir, "reordered.xml")},
		{filepath.Join(migration, "oc4-study-users.csv"), filepath.Join(migration, "rave-users.odm")},
		paged,
		cut,
	}
	spec := exampleFile("spec.csv")
	argSets := [][]string{
		{"--to", "json"},
		{"--to", "csv"},
		{"--to", "csv", "--study", "GEN-STUDY"},
		{"--to", "xlsx", "--study", "GEN-STUDY"},
		{"--to", "oc4users"},
		{"--to", "odm"},
		{"--to", "odm2"},
		{"--to", "odm", "--profile", "rave"},
		{"--to", "odm", "--profile", "openclinica"},
		{"--spec", spec, "--to", "odm"},
		{"--spec-template"},
		{"--spec", spec, "--to", "json"},
		{"--spec", spec, "--to", "csv"},
		{"--strict", "--max", "0", "--to", "json"},
	}
	// A new document's creation time, and the FileOID made from it, are the time of the
	// run.
	created := regexp.MustCompile(`(CreationDateTime|FileOID)="[^"]*"`)
	compared, failed, conflicts, placed := 0, 0, 0, 0
	// Two files' conflicts (not those of one file's AdminData blocks).
	conflictAt := regexp.MustCompile(`^(.*?)(:\d+:\d+)?: warning mapping\.merge-conflict: .*(differs from that in|the files disagree)`)
	norm := func(out string) string { return created.ReplaceAllString(out, "") }
	compareMapModes(t, inputs, argSets, func(e *env) { e.wholeMerge = true }, norm, func(files, args []string, stdin bool, r modeRun) {
		compared++
		if r.code == 2 {
			failed++
		}
		if strings.Contains(r.err, "merge-conflict") {
			conflicts++
		}
		// A conflict in an ODM XML file names the dropped value's record, as one in a
		// file decoded whole does.
		for _, line := range strings.Split(r.err, "\n") {
			if m := conflictAt.FindStringSubmatch(line); m != nil && m[2] != "" {
				placed++
			} else if m != nil && (strings.HasSuffix(m[1], ".xml") || strings.HasSuffix(m[1], ".odm")) {
				t.Errorf("%v %v (stdin %v): a conflict without its place: %s", files, args, stdin, line)
			}
		}
	})
	if compared < 200 || failed > compared/2 || conflicts < 10 || placed < 10 {
		t.Fatalf("%d runs compared, %d failed, %d with merge conflicts, %d conflicts placed: the inputs were not merged", compared, failed, conflicts, placed)
	}
}

// fileWriter returns a function that writes b to the file name in dir and returns its
// path, failing t when it cannot.
func fileWriter(t *testing.T, dir string) func(name string, b []byte) string {
	return func(name string, b []byte) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
}

// modeRun is the result of one run of the command: exit code, stdout and stderr.
type modeRun struct {
	code     int
	out, err string
}

// compareMapModes runs "map ARGS FILES" for every input (its files; from stdin, the first
// as "-" and the rest named) and argument set twice: with mode set on the env and without.
// A pair whose exit code, stdout (passed through norm when it is not nil) or stderr
// differ is an error; each is called with every pair that agrees, for the caller's counts.
func compareMapModes(t *testing.T, inputs [][]string, argSets [][]string, mode func(*env), norm func(string) string,
	each func(files, args []string, stdin bool, r modeRun)) {
	t.Helper()
	runOnce := func(on bool, stdin []byte, args []string) modeRun {
		var out, errb bytes.Buffer
		e := &env{stdin: bytes.NewReader(stdin), stdout: &out, stderr: &errb}
		if on {
			mode(e)
		}
		r := modeRun{code: run(e, args), out: out.String(), err: errb.String()}
		if norm != nil {
			r.out = norm(r.out)
		}
		return r
	}
	for _, files := range inputs {
		first, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, args := range argSets {
			for _, stdin := range []bool{false, true} {
				full := append([]string{"map"}, args...)
				var feed []byte
				if stdin {
					feed = first
					if len(files) > 1 {
						full = append(full, "-")
					}
					full = append(full, files[1:]...)
				} else {
					full = append(full, files...)
				}
				on, off := runOnce(true, feed, full), runOnce(false, feed, full)
				if on != off {
					t.Errorf("%v %v (stdin %v): with the mode exit %d, %d bytes out, stderr:\n%s\nwithout: exit %d, %d bytes out, stderr:\n%s\nstdout equal: %v",
						files, args, stdin, on.code, len(on.out), on.err, off.code, len(off.out), off.err, on.out == off.out)
					continue
				}
				each(files, args, stdin, on)
			}
		}
	}
}
