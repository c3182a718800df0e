package mapping

import (
	"bytes"
	"encoding/json"
	"runtime"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// mergeTables returns a generated InForm export of n users and, as tables, the Clinical
// One template of all of them and of the first half, and the directory JSON of the
// first half: what a user merges into an export.
func mergeTables(t *testing.T, n int) (export []byte, tables map[string][]byte) {
	t.Helper()
	var x bytes.Buffer
	if err := gen.InForm(&x, n); err != nil {
		t.Fatal(err)
	}
	d, _, err := FromReader(odm.NewReader(bytes.NewReader(x.Bytes()), odm.ReadOptions{}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	half := *d
	half.Users = d.Users[:n/2]
	tables = map[string][]byte{}
	for name, dir := range map[string]*Directory{"template.csv": d, "half-template.csv": &half} {
		var b bytes.Buffer
		if _, err := WriteClinicalOneCSV(&b, dir, Options{Study: "GEN-STUDY"}); err != nil {
			t.Fatal(err)
		}
		tables[name] = b.Bytes()
	}
	var j bytes.Buffer
	if _, err := WriteJSON(&j, odm.NewReader(bytes.NewReader(x.Bytes()), odm.ReadOptions{}), Options{}); err != nil {
		t.Fatal(err)
	}
	tables["directory.json"] = j.Bytes()
	return x.Bytes(), tables
}

// TestMergeAddCompactAsAdd: a table merged one user at a time from its compact records
// (ReadCompact, AddCompact; map merges a table so) gives the directory and warnings that
// the table read whole and merged with Add gives: every user merged into (a template of
// the export's users), half of them, and the directory JSON of half.
func TestMergeAddCompactAsAdd(t *testing.T) {
	export, tables := mergeTables(t, 300)
	for name, table := range tables {
		t.Run(name, func(t *testing.T) {
			var dirs [2]*Directory
			var warns [2][]Warning
			var err error
			for i, compact := range []bool{false, true} {
				ms, err := NewMergeStream()
				if err != nil {
					t.Fatal(err)
				}
				defer ms.Close()
				ws, err := ms.AddODM("export.xml", odm.NewReader(bytes.NewReader(export), odm.ReadOptions{Reuse: true}), Options{})
				if err != nil {
					t.Fatal(err)
				}
				if compact {
					c, tws, err := ReadCompact(bytes.NewReader(table), name, Options{})
					if err != nil {
						t.Fatal(err)
					}
					if !c.Compact() {
						t.Fatalf("%s was read whole, not as compact records", name)
					}
					defer c.Close()
					if err := ms.AddCompact(name, c); err != nil {
						t.Fatal(err)
					}
					ws = append(ws, tws...)
				} else {
					d, tws, err := ReadAny(bytes.NewReader(table), name, Options{})
					if err != nil {
						t.Fatal(err)
					}
					if err := ms.Add(name, d); err != nil {
						t.Fatal(err)
					}
					ws = append(ws, tws...)
				}
				warns[i] = append(ms.Resolved(ws), ms.Warnings()...)
				if dirs[i], err = ms.Whole(); err != nil {
					t.Fatal(err)
				}
			}
			if len(dirs[0].Users) < 300 {
				t.Fatalf("%d users merged, want 300", len(dirs[0].Users))
			}
			// Compared as map --to json writes them.
			var js [2][]byte
			for i, d := range dirs {
				if js[i], err = json.MarshalIndent(d, "", "  "); err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(string(js[0]), string(js[1])); diff != "" {
				t.Errorf("directory JSON, Add (-) and AddCompact (+):\n%s", diff)
			}
			if diff := cmp.Diff(warns[0], warns[1], cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("warnings, Add (-) and AddCompact (+):\n%s", diff)
			}
		})
	}
}

// TestMergeHoldsLittlePerMergedUser: what a merge holds for a user a later file merges
// into is an index of a few words, its encodings being in the temporary files: 4 bytes
// to find its latest encoding and the 12 of that encoding's place in the file, some 28
// in all. A map from user to encoding made it some 52 (32 MB of map when each of
// 1,000,000 users was merged into, an export with its own template). The directory is
// merged twice, so that every user is merged into once.
func TestMergeHoldsLittlePerMergedUser(t *testing.T) {
	const n = 20000
	d := &Directory{}
	for i := range n {
		d.Users = append(d.Users, &User{ID: "U" + strconv.Itoa(i), Login: "user" + strconv.Itoa(i), DisplayName: "Fictitious Person"})
	}
	ms, err := NewMergeStream()
	if err != nil {
		t.Fatal(err)
	}
	defer ms.Close()
	if err := ms.Add("a", d); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if err := ms.Add("b", d); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(d)
	per := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / n
	t.Logf("%d bytes a merged user", per)
	if per > 36 {
		t.Errorf("the merge holds %d bytes for each user merged into, want at most 36", per)
	}
}
