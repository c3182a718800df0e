package validate

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/internal/testenv"
	"github.com/odmadmin/odmadmin/odm"
)

// reuseFixtures returns the ODM files of the repository's testdata (and of the shared
// reference samples when they are there), by path, each also as a copy whose root holds
// its content three times: the same OIDs again, records of every shape one after another.
func reuseFixtures(t *testing.T) map[string][]byte {
	t.Helper()
	root := testenv.RepoRoot()
	dirs := []string{root, filepath.Join(root, "..", "shared", "reference", "samples")}
	out := map[string][]byte{}
	for i, dir := range dirs {
		if _, err := os.Stat(dir); err != nil && i > 0 {
			continue // the reference samples are optional here: the fixtures are enough
		}
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == ".git" || d.Name() == "examples" && i == 0) {
				return filepath.SkipDir
			}
			ext := strings.ToLower(filepath.Ext(p))
			if d.IsDir() || (ext != ".xml" && ext != ".odm") || i == 0 && !strings.Contains(p, string(filepath.Separator)+"testdata"+string(filepath.Separator)) {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[p] = b
			if x := repeatRoot(b); x != nil {
				out[p+"x3"] = x
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// repeatRoot returns data with the content of its root element written three times, or
// nil when it has no such content.
func repeatRoot(data []byte) []byte {
	i := bytes.Index(data, []byte("<ODM"))
	if i < 0 {
		return nil
	}
	gt := bytes.IndexByte(data[i:], '>')
	end := bytes.LastIndex(data, []byte("</"))
	if gt < 0 || data[i+gt-1] == '/' || end < i+gt+1 {
		return nil
	}
	start := i + gt + 1
	return bytes.Join([][]byte{data[:start], data[start:end], data[start:end], data[start:end], data[end:]}, nil)
}

// TestCheckReuse: a check whose reader recycles each record (odm.ReadOptions.Reuse, as
// "odmadmin check" reads) finds what one whose records each have memory of their own
// finds, file by file and for files checked together (a user compared across files): the
// checker keeps strings, hashes and positions of a record, never its slices or values.
func TestCheckReuse(t *testing.T) {
	files := reuseFixtures(t)
	type result struct {
		Findings [][]Finding
		Err      string
	}
	run := func(data [][]byte, names []string, values, reuse bool) result {
		ins := make([]AdminDataInput, len(data))
		for i := range data {
			b := data[i]
			ins[i] = AdminDataInput{Name: names[i], Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
		}
		fs, err := CheckAdminDataInputs(ins, AdminDataOptions{Values: values, Read: odm.ReadOptions{Reuse: reuse}})
		r := result{Findings: fs}
		if err != nil {
			r.Err = err.Error()
		}
		return r
	}
	compared, found := 0, 0
	for name, b := range files {
		for _, values := range []bool{false, true} {
			want, got := run([][]byte{b}, []string{name}, values, false), run([][]byte{b}, []string{name}, values, true)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("%s (values %v): reuse changes the findings (-without +with):\n%s", name, values, d)
			}
			if want.Err == "" {
				compared++
				found += len(want.Findings[0])
			}
		}
	}
	// Files checked together: each with its repeat (every user in two files), and the
	// several-file fixtures of the CLI.
	sets := [][]string{
		{"cmd/odmadmin/testdata/check/Users.odm", "cmd/odmadmin/testdata/check/Sites.odm"},
		{"cmd/odmadmin/testdata/migration/rave-users.odm", "cmd/odmadmin/testdata/migration/rave-sites.odm"},
	}
	for name := range files {
		if _, ok := files[name+"x3"]; ok && !strings.HasSuffix(name, "x3") {
			sets = append(sets, []string{name, name + "x3"})
		}
	}
	for _, set := range sets {
		var data [][]byte
		for i, n := range set {
			if !filepath.IsAbs(n) {
				n = filepath.Join(testenv.RepoRoot(), n)
				set[i] = n
			}
			b, ok := files[n]
			if !ok {
				t.Fatalf("no fixture %s", n)
			}
			data = append(data, b)
		}
		want, got := run(data, set, true, false), run(data, set, true, true)
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%v: reuse changes the findings (-without +with):\n%s", set, d)
		}
		if want.Err == "" {
			compared++
		}
	}
	if compared < 100 || found < 100 {
		t.Fatalf("only %d checks compared, %d findings: the fixtures were not found", compared, found)
	}
}
