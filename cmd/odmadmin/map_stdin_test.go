package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// stdinTemplate returns a Clinical One template of n fictitious users.
func stdinTemplate(n int) string {
	var b strings.Builder
	b.WriteString("First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n")
	for i := range n {
		fmt.Fprintf(&b, "Ina%d,Stdin,in%06d@site%d.example.org,in%06d,02-Dec-2026,,CRC Rights,%02d,\n", i, i, i%7, i, i%5)
	}
	return b.String()
}

// TestMapTableFromStdinAsFile: a template or directory JSON on stdin is spooled to a
// temporary file and read as the file is (compact records, one user at a time): the same
// output as from the file, for every output map streams; the temporary file is gone
// afterwards, also when map fails after spooling it.
func TestMapTableFromStdinAsFile(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	groups, _ := compactInputs(t)
	var inputs []string
	for _, g := range groups[:4] {
		inputs = append(inputs, g[1:]...) // the template, workbook and JSON made of an ODM file
	}
	if len(inputs) < 6 {
		t.Fatalf("%d inputs", len(inputs))
	}
	argSets := [][]string{
		{"--to", "json"},
		{"--to", "csv", "--study", "S1"},
		{"--to", "oc4users"},
		{"--to", "odm"},
		{"--to", "odm", "--base", "testdata/map/inform.xml"},
	}
	left := func() []string {
		m, _ := filepath.Glob(filepath.Join(tmp, "odmadmin-*"))
		return m
	}
	for _, in := range inputs {
		data, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, args := range argSets {
			fc, fout, _ := runCmd(bytes.NewReader(nil), append(append([]string{"map"}, args...), in)...)
			sc, sout, serr := runCmd(bytes.NewReader(data), append([]string{"map"}, args...)...)
			// A new document's creation time, and the FileOID made from it, are the
			// time of the run.
			fout, sout = created.ReplaceAllString(fout, ""), created.ReplaceAllString(sout, "")
			if fc != sc || fout != sout {
				t.Errorf("map %q of %s: from stdin exit %d, %d bytes (%s); from the file exit %d, %d bytes", args, in, sc, len(sout), serr, fc, len(fout))
			}
			if l := left(); len(l) > 0 {
				t.Fatalf("map %q of %s from stdin left %v", args, in, l)
			}
		}
	}
	// Failing after the spool: the base does not exist.
	if code, _, _ := runCmd(strings.NewReader(stdinTemplate(10)), "map", "--to", "odm", "--base", filepath.Join(tmp, "missing.xml")); code == 0 {
		t.Error("map --base of a missing file succeeded")
	}
	if l := left(); len(l) > 0 {
		t.Errorf("a failed map left %v", l)
	}
}

// heapWriter samples the heap in use (after a collection) at each write.
type heapWriter struct {
	n   int
	max uint64
}

func (h *heapWriter) Write(p []byte) (int, error) {
	h.n += len(p)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h.max = max(h.max, ms.HeapAlloc)
	return len(p), nil
}

// stdinOIDTable returns a user table by OID of n fictitious users.
func stdinOIDTable(n int) string {
	var b strings.Builder
	b.WriteString("User OID,Login,Email,Phone\n")
	for i := range n {
		fmt.Fprintf(&b, "OID%06d,in%06d,in%06d@site%d.example.org,555-%04d\n", i, i, i, i%7, i%10000)
	}
	return b.String()
}

// stdinOC4Table returns an OpenClinica 4 user table of n fictitious users.
func stdinOC4Table(n int) string {
	var b strings.Builder
	b.WriteString("First,Last,Username,Email,Organization,Phone,Role,Type,Status,Created (UTC),Updated (UTC)\n")
	for i := range n {
		fmt.Fprintf(&b, "Ina%d,Stdin,in%06d,in%06d@site%d.example.org,Site %d,,Investigator,User,Available,10-May-2018 17:57,13-Nov-2024 21:29\n", i, i, i, i%7, i%7)
	}
	return b.String()
}

// TestMapTableFromStdinBounded: a template, an OpenClinica 4 user table or a user table by
// OID on stdin is not held as a directory while map writes it: the heap while the output
// is written grows by the compact index only (some 20 bytes a user), where the whole read
// held some 1 to 1.7 KB a user.
func TestMapTableFromStdinBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("maps 75,000 users")
	}
	for _, c := range []struct {
		name string
		gen  func(int) string
	}{{"template", stdinTemplate}, {"OpenClinica 4 table", stdinOC4Table}, {"user table by OID", stdinOIDTable}} {
		peak := func(n int) uint64 {
			in := c.gen(n)
			out := &heapWriter{}
			var errb bytes.Buffer
			if code := run(&env{stdin: strings.NewReader(in), stdout: out, stderr: &errb}, []string{"map", "--to", "json"}); code != 0 {
				t.Fatalf("%s: exit %d: %s", c.name, code, errb.String())
			}
			if out.n < n*100 {
				t.Fatalf("%s: wrote %d bytes for %d users", c.name, out.n, n)
			}
			return out.max
		}
		const small, large = 5000, 20000
		h1, h2 := peak(small), peak(large)
		// The input itself is the test's string, held throughout.
		perUser := (float64(h2)-float64(h1))/(large-small) - float64(len(c.gen(large))-len(c.gen(small)))/(large-small)
		t.Logf("%s: heap while writing: %d users %d KiB, %d users %d KiB: %.1f bytes a user besides the input", c.name, small, h1>>10, large, h2>>10, perUser)
		if perUser > 200 {
			t.Errorf("%s: heap grows by %.1f bytes a user read from stdin, want at most 200 (the users must not be held)", c.name, perUser)
		}
	}
}
