package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/internal/testenv"
	"github.com/odmadmin/odmadmin/odm"
)

func fixture(name string) string { return filepath.Join(testenv.RepoRoot(), "testdata", name) }

func TestConvert(t *testing.T) {
	inform := fixture("inform/htn-demo.xml")
	truncated := "<?xml version=\"1.0\"?>\n<ODM xmlns=\"http://www.cdisc.org/ns/odm/v1.3\">\n  <AdminData>\n    <User OID=\"u"
	tests := []struct {
		name, reason string
		stdin        string
		args         []string
		code         int
		stdout       string // substring expected on stdout
		stderr       string // regexp expected on stderr ("" = must be empty)
	}{
		{"help", "--help explains usage with an example and exits 0", "", []string{"convert", "--help"}, 0, "Examples", ""},
		{"top-help", "odmadmin --help lists the commands", "", []string{"--help"}, 0, "convert", ""},
		{"to-json", "ODM input converts to the JSON form by default", "", []string{"convert", inform}, 0, `"loginName":"amorel"`, ""},
		{"flags-after-file", "flags may follow the file", "", []string{"convert", inform, "--to", "json"}, 0, `"adminData":[`, ""},
		{"to-odm", "--to odm from ODM is the lossless round trip", "", []string{"convert", "--to", "odm", inform}, 0, `inf:Note="line one&#10;line&#9;two"`, ""},
		{"stdin", "no file reads stdin", "", []string{"convert", "--to", "odm", "-"}, 2, "", `<stdin>: unrecognized input: the input is empty`},
		{"truncated", "an error names file:line:col and exits 2", truncated, []string{"convert"}, 2, "", `^odmadmin convert: <stdin>:4:\d+: odm: unexpected end of input`},
		{"missing-file", "an unreadable file exits 2", "", []string{"convert", "no-such-file.xml"}, 2, "", `no-such-file.xml`},
		{"bad-to", "an unknown output format is refused", "", []string{"convert", "--to", "yaml", inform}, 2, "", `^odmadmin convert: --to must be json or odm, not "yaml"\nRun 'odmadmin convert --help' for usage.\n$`},
		{"bad-flag", "an unknown flag is refused", "", []string{"convert", "--frobnicate", inform}, 2, "", `^odmadmin convert: unknown flag --frobnicate\nRun 'odmadmin convert --help' for usage.\n$`},
		{"two-files", "one input only", "", []string{"convert", inform, inform}, 2, "", `at most one input file`},
		{"warnings", "reader warnings go to stderr and do not fail the run", "", []string{"convert", fixture("rave/mediflex-users.xml")}, 0, `"users":[`, `(?m)^.*mediflex-users.xml:\d+:\d+: warning odm.emptyElement: empty Address element$`},
		{"strict", "--strict turns warnings into exit 1, the output still written", "", []string{"convert", "--strict", fixture("rave/mediflex-users.xml")}, 1, `"users":[`, `(?s)mediflex-users.xml:\d+:\d+: warning odm.consecutiveSpaces.*--strict: 6 warnings`},
		{"max-depth", "limits are flags", "", []string{"convert", "--max-depth", "3", inform}, 2, "", `element nesting too deep`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NotEmpty(t, tt.reason)
			code, out, errs := runCmd(strings.NewReader(tt.stdin), tt.args...)
			require.Equal(t, tt.code, code, "%s\nstderr: %s", tt.reason, errs)
			require.Contains(t, out, tt.stdout, tt.reason)
			if tt.stderr == "" {
				require.Empty(t, errs, tt.reason)
			} else {
				require.Regexp(t, regexp.MustCompile(tt.stderr), errs, tt.reason)
				// Input errors are one line; usage errors are one line and the way to --help.
				require.NotContains(t, errs, "Usage:", "no usage dump after an error")
				if tt.code == 2 {
					lines := strings.Split(strings.TrimSpace(errs), "\n")
					if len(lines) == 2 {
						require.Equal(t, "Run 'odmadmin convert --help' for usage.", lines[1], "usage error: %q", errs)
					} else {
						require.Len(t, lines, 1, "one-line error: %q", errs)
					}
				}
			}
		})
	}
}

// TestConvertOutputFile: -o writes the file; a failed run leaves no file behind and an
// existing file untouched.
func TestConvertOutputFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.json")
	code, _, errs := runCmd(nil, "convert", "-o", out, fixture("inform/htn-demo.xml"))
	require.Equal(t, 0, code, errs)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	fi, err := os.Stat(out)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), fi.Mode().Perm(), "a new output file gets the usual mode, not CreateTemp's 0600")
	doc, err := odm.DecodeJSON(bytes.NewReader(data), odm.ReadOptions{})
	require.NoError(t, err)
	require.Len(t, doc.AdminData()[0].Users, 4)

	// JSON back to ODM, from the file just written.
	xmlOut := filepath.Join(dir, "back.xml")
	code, _, errs = runCmd(nil, "convert", "--to", "odm", "-o", xmlOut, out)
	require.Equal(t, 0, code, errs)
	back, err := odm.DecodeFile(xmlOut, odm.ReadOptions{})
	require.NoError(t, err)
	require.Equal(t, "amorel", back.AdminData()[0].Users[0].LoginName)

	// A failing run: no new file, no temporary file left, the old file unchanged.
	bad := filepath.Join(dir, "bad.xml")
	require.NoError(t, os.WriteFile(bad, []byte(`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><AdminData><User OID="x">`), 0o644))
	failed := filepath.Join(dir, "failed.json")
	code, _, _ = runCmd(nil, "convert", "-o", failed, bad)
	require.Equal(t, 2, code)
	_, err = os.Stat(failed)
	require.True(t, os.IsNotExist(err), "no output file after a failure")
	code, _, _ = runCmd(nil, "convert", "-o", out, bad)
	require.Equal(t, 2, code)
	again, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, data, again, "the existing output is left as it was")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		require.False(t, strings.Contains(e.Name(), ".tmp-"), "temporary file left: %s", e.Name())
	}
}

// TestConvertJSONToJSONStreams: convert of the JSON form to JSON streams (JSONToODM into a
// Reader, one record at a time) and writes what decoding the whole document writes; for
// JSON this command wrote, that is the input again. Before, the whole decode held every
// record, and past ReadOptions' child-node limit (about 50,000 users) refused the file.
func TestConvertJSONToJSONStreams(t *testing.T) {
	var files []string
	for _, d := range []string{"testdata", "cmd/odmadmin/testdata", "odm/testdata", "mapping/testdata"} {
		err := filepath.WalkDir(filepath.Join(testenv.RepoRoot(), d), func(path string, e os.DirEntry, err error) error {
			if err == nil && !e.IsDir() && strings.HasSuffix(path, ".xml") {
				files = append(files, path)
			}
			return err
		})
		require.NoError(t, err)
	}
	require.NotEmpty(t, files)
	dir := t.TempDir()
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			code, js, xmlErrs := runCmd(nil, "convert", "--to", "json", "--max", "0", f)
			if code == 2 {
				t.Skipf("not convertible: %s", xmlErrs)
			}
			in := filepath.Join(dir, "in.json")
			require.NoError(t, os.WriteFile(in, []byte(js), 0o644))
			code, out, errs := runCmd(nil, "convert", "--to", "json", "--max", "0", in)
			require.Equal(t, 0, code, errs)
			require.Equal(t, warningCodes(xmlErrs), warningCodes(errs),
				"the same warnings as of the XML: the JSON holds what the XML held, quirks included, and nothing is lost on the way")
			code, _, odmErrs := runCmd(nil, "convert", "--to", "odm", "--max", "0", in)
			require.Equal(t, 0, code, odmErrs)
			require.Equal(t, warningCodes(xmlErrs), warningCodes(odmErrs), "the same into ODM")
			require.Equal(t, js, out, "JSON -> JSON is a fixed point")
			doc, err := odm.DecodeJSON(strings.NewReader(js), odm.ReadOptions{})
			require.NoError(t, err)
			var whole bytes.Buffer
			require.NoError(t, odm.EncodeJSON(&whole, doc))
			require.Equal(t, whole.String(), out, "the same bytes as the whole decode")
		})
	}
	// An error in the JSON names its place in the JSON, not in the XML made of it.
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("{\"odm\":{\"version\":\"1.3\",\n\"adminData\":[{\"users\":[{\"oid\":\"U1\",\n\"loginName\": tru}]}]}}"), 0o644))
	code, _, errs := runCmd(nil, "convert", "--to", "json", bad)
	require.Equal(t, 2, code, errs)
	require.Regexp(t, `^odmadmin convert: .*bad\.json:3:\d+: `, errs)
}

// warningCodes are the codes of the warnings a command's stderr lists, sorted.
func warningCodes(stderr string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`(?m): warning (\S+): `).FindAllStringSubmatch(stderr, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return out
}

// TestConvertJSONToJSONWritesWhileReading: the JSON output of 3,000 users has mostly been
// written before the last tenth of the JSON input is read. A whole decode writes nothing
// before it has read everything.
func TestConvertJSONToJSONWritesWhileReading(t *testing.T) {
	var x, js bytes.Buffer
	require.NoError(t, gen.InForm(&x, 3000))
	require.NoError(t, odm.StreamJSON(&js, odm.NewReader(&x, odm.ReadOptions{})))
	out := &syncBuffer{}
	in := &watchedReader{data: js.Bytes(), at: js.Len() * 9 / 10, seen: out.Len}
	code := run(&env{stdin: in, stdout: out, stderr: io.Discard}, []string{"convert", "--to", "json", "-"})
	require.Equal(t, 0, code)
	require.Equal(t, js.String(), out.String())
	require.True(t, in.checked, "the reader got to the mark")
	require.Greater(t, in.written, js.Len()/2, "output written when 90% of the input was read")
}

// watchedReader serves data and notes, when it is first asked for bytes past at, how much
// output seen reports.
type watchedReader struct {
	data    []byte
	off, at int
	seen    func() int
	checked bool
	written int
}

func (r *watchedReader) Read(p []byte) (int, error) {
	if r.off >= len(r.data) {
		return 0, io.EOF
	}
	if r.off >= r.at && !r.checked {
		r.checked, r.written = true, r.seen()
	}
	end := min(len(r.data), r.off+len(p), r.off+4096)
	if r.off < r.at {
		end = min(end, r.at)
	}
	n := copy(p, r.data[r.off:end])
	r.off += n
	return n, nil
}
