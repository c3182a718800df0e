package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/odmadmin/odmadmin/diff"
	inp "github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/mapping"
)

// compactInputs returns every diff fixture with, for each ODM one, the Clinical One
// template (CSV and .xlsx) and the directory JSON map makes of it, and templates and
// JSON written to exercise what the compact reading does besides (a user's rows apart, a
// user given again with other values, a JSON that decodes only whole).
func compactInputs(t *testing.T) (groups [][]string, extra []string) {
	t.Helper()
	odms := []string{
		"testdata/diff/inform.xml", "testdata/diff/rave.xml", "testdata/diff/reordered.xml",
		"../../diff/testdata/inform-export.xml", "../../diff/testdata/inform-reordered.xml", "../../diff/testdata/rave-export.xml",
		"../../testdata/inform/htn-demo.xml", "../../testdata/odm2/demo-admin.xml",
		"../../testdata/openclinica/demo-site-studies.xml", "../../testdata/rave/mediflex-users.xml",
		"testdata/plan/existing.xml",
	}
	dir := t.TempDir()
	for i, p := range odms {
		group := []string{p}
		for _, to := range []string{"csv", "xlsx", "json"} {
			out := filepath.Join(dir, strings.TrimSuffix(filepath.Base(p), ".xml")+"-"+string(rune('a'+i))+"."+to)
			args := []string{"--to", to, "-o", out, p}
			if to != "json" {
				args = append([]string{"--study", "S1"}, args...)
			}
			if code, _, stderr := runSub("", "map", args...); code != 0 {
				t.Logf("map %q: exit %d: %s (left out)", args, code, stderr)
				continue
			}
			group = append(group, out)
		}
		groups = append(groups, group)
	}
	write := func(name, text string) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		extra = append(extra, p)
	}
	// A user's rows apart, and given again with other names and e-mail addresses.
	write("apart.csv", "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n"+
		"Ada,Example,ada@example.org,ada,02-Dec-2026,,Site Investigator,01,\n"+
		"Bruno,Sample,bruno@example.org,bruno,02-Dec-2026,,CRA,All,\n"+
		"Ada,Exemplar,ada2@example.org,ada,02-Dec-2026,31-Dec-2027,Site Investigator,02;03,D1\n"+
		",,,,,,,,\n"+
		"Cleo,Test,cleo@example.org,cleo,bad,,Nobody,,\n"+
		"Bruno,Sample,bruno@example.org,bruno,02-Dec-2026,,CRA,All,\n"+
		"Ada,Example,ada@example.org,ada,02-Dec-2026,,Data Manager,01,\n"+
		"No,Login,x@example.org,,02-Dec-2026,,CRA,01,\n")
	// JSON the streamed reading leaves to the whole one: a type error, an unknown key,
	// "users" twice in two letter cases, a null user, users not an array.
	write("type.json", `{"studies":[],"sites":[],"users":[{"id":"u1","login":7}]}`)
	write("unknown.json", `{"studies":[],"sites":[],"users":[{"id":"u1"}],"extra":1}`)
	write("twice.json", `{"users":[{"id":"u1","login":"a"}],"Users":[{"id":"u2","login":"b"}]}`)
	write("null.json", `{"sites":[{"id":"01"}],"users":[null,{"id":"u1","login":"a","emails":[]}],"studies":[{"id":"S1"}]}`)
	write("nullusers.json", `{"studies":[],"sites":[],"users":null}`)
	write("dupkey.json", `{"studies":[],"sites":[],"users":[{"id":"u1","id":"u2"}]}`)
	write("trailing.json", `{"studies":[],"sites":[],"users":[]} []`)
	return groups, extra
}

// TestDiffCompactSides holds diff's sides read as compact records (openSide: templates
// and JSON through mapping.ReadCompact) to the same sides read whole (readDirectoryFrom,
// as diff read them before): the same changes in the same order, the same reader
// warnings and the same errors, for each key, over every pairing of input formats of
// each diff fixture with itself and with the next fixture, and the hand-written inputs
// with every export and each other.
func TestDiffCompactSides(t *testing.T) {
	groups, extra := compactInputs(t)
	var pairs [][2]string
	for i, g := range groups {
		next := groups[(i+1)%len(groups)]
		for _, a := range g {
			for _, b := range append(append([]string(nil), g...), next...) {
				pairs = append(pairs, [2]string{a, b}, [2]string{b, a})
			}
		}
		for _, x := range extra {
			pairs = append(pairs, [2]string{g[0], x}, [2]string{x, g[0]})
		}
	}
	for _, x := range extra {
		for _, y := range extra {
			pairs = append(pairs, [2]string{x, y})
		}
	}
	e := &env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	read := mapping.Options{Study: "S1"}
	whole := func(p string) (diff.Side, *[]Diagnostic, error) {
		if strings.HasSuffix(p, ".xml") {
			// An export is streamed as before; its warnings come with the first read.
			ds := new([]Diagnostic)
			s, _, err := openSide(e, []string{p}, inp.Options{}, read, ds)
			return s, ds, err
		}
		in, err := openAny(e, p, inp.Options{})
		if err != nil {
			return nil, nil, err
		}
		defer in.Close()
		d, ws, err := readDirectoryFrom(in, read)
		ds := readerDiagnostics(in.Name, ws)
		return diff.DirectorySide(d), &ds, err
	}
	compact := func(p string) (diff.Side, *[]Diagnostic, func(), error) {
		ds := new([]Diagnostic)
		s, cleanup, err := openSide(e, []string{p}, inp.Options{}, read, ds)
		return s, ds, cleanup, err
	}
	compared := 0
	seen := map[[2]string]bool{}
	for _, p := range pairs {
		a, b := p[0], p[1]
		if !seen[p] {
			seen[p] = true
			if strings.HasSuffix(a, ".xml") && strings.HasSuffix(b, ".xml") {
				continue // both streamed as before
			}
			wa, wda, werrA := whole(a)
			wb, wdb, werrB := whole(b)
			ca, cda, cleanA, cerrA := compact(a)
			cb, cdb, cleanB, cerrB := compact(b)
			if (werrA == nil) != (cerrA == nil) || (werrA != nil && werrA.Error() != cerrA.Error()) {
				t.Errorf("%s: whole read: %v; compact: %v", a, werrA, cerrA)
			}
			if (werrB == nil) != (cerrB == nil) || (werrB != nil && werrB.Error() != cerrB.Error()) {
				t.Errorf("%s: whole read: %v; compact: %v", b, werrB, cerrB)
			}
			for _, key := range []diff.Key{diff.KeyOID, diff.KeyLogin, diff.KeyEmail} {
				if werrA != nil || werrB != nil || cerrA != nil || cerrB != nil {
					break
				}
				opts := diff.SidesOptions{Options: diff.Options{Key: key}, Align: true}
				want, werr := diff.CompareSides(t.Context(), wa, wb, opts)
				got, gerr := diff.CompareSides(t.Context(), ca, cb, opts)
				if (werr == nil) != (gerr == nil) {
					t.Errorf("%s vs %s (%s): whole error %v, compact %v", a, b, key, werr, gerr)
					continue
				}
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("%s vs %s (%s): compact changes differ (-whole +compact):\n%s", a, b, key, d)
				}
				compared++
			}
			if d := cmp.Diff(append(*wda, *wdb...), append(*cda, *cdb...), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("%s vs %s: compact warnings differ (-whole +compact):\n%s", a, b, d)
			}
			if cleanA != nil {
				cleanA()
			}
			if cleanB != nil {
				cleanB()
			}
		}
	}
	if compared < 100 {
		t.Errorf("only %d comparisons ran", compared)
	}
}

// TestPlanCompactExisting holds plan with a template or JSON --existing, read as compact
// records of which plan.Kept keeps those the rows name, to the same file read whole
// (env.wholeMerge: readExistingWhole) from stdin: the same plan, warnings and exit status.
// The same file on stdin read as plan reads it (copied to a temporary file, then as
// compact records) gives that too.
func TestPlanCompactExisting(t *testing.T) {
	groups, extra := compactInputs(t)
	var existing []string
	for _, g := range groups {
		existing = append(existing, g[1:]...)
	}
	uploads := []string{"testdata/plan/clean.csv", "testdata/plan/upload.csv", "testdata/plan/inform-upload.csv"}
	// The uploads as existing users too: rows that update or leave users unchanged.
	existing = append(append(existing, extra...), uploads...)
	ran := 0
	for _, x := range existing {
		data, err := os.ReadFile(x)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range uploads {
			args := []string{"--upload", u, "--study", "S1", "--format", "json"}
			code, out, stderr := runSub("", "plan", append([]string{"--existing", x}, args...)...)
			wcode, wout, wstderr := runWhole(true, data, append([]string{"plan", "--existing", "-"}, args...)...)
			if c, o, e := runWhole(false, data, append([]string{"plan", "--existing", "-"}, args...)...); c != wcode || o != wout || e != wstderr {
				t.Errorf("plan --existing - (%s) --upload %s: exit %d, want %d (read whole)\nstdout: %s\nwant: %s\nstderr: %s\nwant: %s", x, u, c, wcode, o, wout, e, wstderr)
			}
			// Only the input's name differs.
			for _, name := range []string{"<stdin>", "-"} {
				wstderr = strings.ReplaceAll(wstderr, name+":", x+":")
				wstderr = strings.ReplaceAll(wstderr, name+"[", x+"[")
			}
			if code != wcode || out != wout || stderr != wstderr {
				t.Errorf("plan --existing %s --upload %s: exit %d, want %d (read whole)\nstdout: %s\nwant: %s\nstderr: %s\nwant: %s", x, u, code, wcode, out, wout, stderr, wstderr)
			}
			ran++
		}
	}
	if ran < 20 {
		t.Errorf("only %d plans ran", ran)
	}
}
