package mapping

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// multiBlock is a generated InForm export of n users whose AdminData is repeated twice
// for other studies: in the second copy the users have other OIDs (they are merged with
// the first block's by login), in the third the same ones (merged by OID), so that the
// spilling reader finds records again across chunks of its temporary file.
func multiBlock(t *testing.T, n int) []byte {
	t.Helper()
	var g bytes.Buffer
	if err := gen.InForm(&g, n); err != nil {
		t.Fatal(err)
	}
	s := g.String()
	i, j := strings.Index(s, "  <AdminData"), strings.LastIndex(s, "</AdminData>")+len("</AdminData>\n")
	if i < 0 || j < i {
		t.Fatal("no AdminData in the generated export")
	}
	block := s[i:j]
	second := strings.Replace(block, `StudyOID="GEN-STUDY"`, `StudyOID="GEN-STUDY-2"`, 1)
	second = regexp.MustCompile(`<User OID="user`).ReplaceAllString(second, `<User OID="second-user`)
	third := strings.Replace(block, `StudyOID="GEN-STUDY"`, `StudyOID="GEN-STUDY-3"`, 1)
	return []byte(s[:j] + second + third + s[j:])
}

// streamInputs are the inputs the streaming writers are compared on: the fixtures, a
// generated export spanning many chunks of records, and a multiBlock one.
func streamInputs(t *testing.T) map[string][]byte {
	t.Helper()
	inputs := map[string][]byte{"multi-block": multiBlock(t, 600)}
	var g bytes.Buffer
	if err := gen.InForm(&g, 1500); err != nil {
		t.Fatal(err)
	}
	inputs["generated"] = g.Bytes()
	files, err := filepath.Glob(filepath.Join("..", "testdata", "*", "*.xml"))
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[f] = b
	}
	return inputs
}

func reader(data []byte) *odm.Reader { return odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}) }

// TestStreamWritersMatch checks that every streaming writer writes the bytes and warnings
// of its counterpart given the directory FromReader reads.
func TestStreamWritersMatch(t *testing.T) {
	now := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	type writer struct {
		name   string
		whole  func(*bytes.Buffer, *Directory, Options) ([]Warning, error)
		stream func(*bytes.Buffer, []byte, Options) ([]Warning, error)
	}
	var generated []byte
	onePass := map[bool]int{} // csv read once, not
	open := func(data []byte, calls *int) func() (*odm.Reader, error) {
		return func() (*odm.Reader, error) { *calls++; return reader(data), nil }
	}
	writers := []writer{
		{"json", func(w *bytes.Buffer, d *Directory, _ Options) ([]Warning, error) {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return nil, enc.Encode(d)
		}, func(w *bytes.Buffer, data []byte, o Options) ([]Warning, error) { return WriteJSON(w, reader(data), o) }},
		{"csv", func(w *bytes.Buffer, d *Directory, o Options) ([]Warning, error) { return WriteClinicalOneCSV(w, d, o) },
			func(w *bytes.Buffer, data []byte, o Options) ([]Warning, error) {
				calls := 0
				ws, err := WriteClinicalOneCSVFrom(w, open(data, &calls), o)
				// Read once with --study or when the studies settle it (the generated
				// export has one), at most twice otherwise.
				if err == nil && (calls > 2 || calls != 1 && (o.Study != "" || bytes.Equal(data, generated))) {
					t.Errorf("the stream was opened %d times", calls)
				}
				onePass[calls == 1]++
				return ws, err
			}},
		{"xlsx", func(w *bytes.Buffer, d *Directory, o Options) ([]Warning, error) {
			return WriteClinicalOneXLSX(w, d, o)
		},
			func(w *bytes.Buffer, data []byte, o Options) ([]Warning, error) {
				calls := 0
				return WriteClinicalOneXLSXFrom(w, open(data, &calls), o)
			}},
		{"oc4users", func(w *bytes.Buffer, d *Directory, o Options) ([]Warning, error) { return WriteOC4Users(w, d, o) },
			func(w *bytes.Buffer, data []byte, o Options) ([]Warning, error) {
				calls := 0
				return WriteOC4UsersFrom(w, open(data, &calls), o)
			}},
	}
	compared := map[string]int{}
	inputs := streamInputs(t)
	generated = inputs["generated"]
	for name, data := range inputs {
		for _, study := range []string{"", "GEN-STUDY"} {
			opts := Options{Study: study, Now: now}
			d, readWarn, err := FromReader(reader(data), opts)
			if err != nil {
				continue // a fixture FromReader refuses is not this test's business
			}
			if name == "multi-block" && len(d.Users) != 600 {
				t.Fatalf("multi-block: %d users, want the 600 of each block merged", len(d.Users))
			}
			for _, wr := range writers {
				if wr.name == "xlsx" && !strings.HasPrefix(name, "multi") && !strings.Contains(name, "inform") {
					continue // a workbook is slow to write: two kinds of input are enough
				}
				var want, got bytes.Buffer
				ws, werr := wr.whole(&want, d, opts)
				wantWarn := append(append([]Warning(nil), readWarn...), ws...)
				gotWarn, gerr := wr.stream(&got, data, opts)
				if (werr == nil) != (gerr == nil) {
					t.Errorf("%s %s --study %q: error %v, the whole directory gives %v", name, wr.name, study, gerr, werr)
					continue
				}
				if werr != nil {
					continue
				}
				compared[wr.name]++
				if wr.name == "xlsx" {
					// The workbook's zip has times in it: compare the cells.
					if a, b := xlsxRows(t, want.Bytes()), xlsxRows(t, got.Bytes()); !cmp.Equal(a, b) {
						t.Errorf("%s %s --study %q: cells differ:\n%s", name, wr.name, study, cmp.Diff(a, b))
					}
				} else if !bytes.Equal(got.Bytes(), want.Bytes()) {
					t.Errorf("%s %s --study %q: output differs (%d vs %d bytes)", name, wr.name, study, got.Len(), want.Len())
				}
				if wr.name != "json" && !cmp.Equal(gotWarn, wantWarn) {
					t.Errorf("%s %s --study %q: warnings differ:\n%s", name, wr.name, study, cmp.Diff(wantWarn, gotWarn))
				}
			}
		}
	}
	if onePass[true] < 4 {
		t.Errorf("csv read the input once for %d inputs only", onePass[true])
	}
	for _, wr := range writers {
		if compared[wr.name] < 4 {
			t.Errorf("%s: only %d inputs compared", wr.name, compared[wr.name])
		}
	}
}

func xlsxRows(t *testing.T, data []byte) []ClinicalOneRowCells {
	t.Helper()
	d, _, err := ReadClinicalOneXLSX(bytes.NewReader(data), Options{Study: "X"})
	if err != nil {
		t.Fatal(err)
	}
	var out []ClinicalOneRowCells
	for _, u := range d.Users {
		out = append(out, ClinicalOneRowCells{u.Login, mustJSONString(t, u)})
	}
	return out
}

type ClinicalOneRowCells struct{ Login, JSON string }

func mustJSONString(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
