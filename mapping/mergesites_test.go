package mapping

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/odm"
)

// TestMergeStreamSitesPacked: MergeStream holds the merged sites packed while files are
// added (no Site model values in the merged directory until it is asked for), and
// merges them as MergeNamed does: the same sites, studies and groups, and the same
// warnings, for each fixture merged with copies whose site names differ (every site
// conflicts). The cases: all files streamed (packed throughout); a third file added as a
// directory decoded whole, whose sites keep their records and cannot be packed (the
// merge goes on with model values); and the directory asked for between two files (the
// next file is merged into the built sites).
func TestMergeStreamSitesPacked(t *testing.T) {
	copies := []*strings.Replacer{
		strings.NewReplacer(` Name="`, ` Name="Z`, "<DisplayName>", "<DisplayName>Z"),
		strings.NewReplacer(` Name="`, ` Name="Y`, "<FirstName>", "<FirstName>Y"),
	}
	modes := []struct {
		name string
		// whole says file i is added as a directory decoded whole (MergeStream.Add);
		// askAfter is the file after which Directory is called (-1: only at the end).
		whole    func(i int) bool
		askAfter int
		packed   bool // whether the sites are still packed before the end
	}{
		{"all streamed", func(int) bool { return false }, -1, true},
		{"the last file decoded whole", func(i int) bool { return i == 2 }, -1, false},
		{"directory asked for between files", func(int) bool { return false }, 0, false},
	}
	for _, f := range fixtures {
		orig, err := os.ReadFile(filepath.Join("testdata", f.file))
		if err != nil {
			t.Fatal(err)
		}
		files := [][]byte{orig}
		for _, r := range copies {
			files = append(files, []byte(r.Replace(string(orig))))
		}
		names := []string{"a.xml", "b.xml", "c.xml"}
		opts := func(p []byte) Options { return mergeReadOptions(t, f.profile, p) }
		wholeDir := func(i int) *Directory {
			doc, err := odm.Decode(bytes.NewReader(files[i]), odm.ReadOptions{Name: names[i]})
			if err != nil {
				t.Fatal(err)
			}
			d, _, err := FromDocument(doc, Options{Profile: f.profile})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		var dirs []*Directory
		for i := range files {
			dirs = append(dirs, wholeDir(i))
		}
		want, wantWs := MergeNamed(names, dirs...)
		if len(want.Sites) == 0 {
			t.Fatalf("%s: no sites to merge", f.file)
		}
		for _, mode := range modes {
			t.Run(f.file+", "+mode.name, func(t *testing.T) {
				ms, err := NewMergeStream()
				if err != nil {
					t.Fatal(err)
				}
				defer ms.Close()
				for i, p := range files {
					if mode.whole(i) {
						err = ms.Add(names[i], wholeDir(i))
					} else {
						_, err = ms.AddODM(names[i], odm.NewReader(bytes.NewReader(p), odm.ReadOptions{Name: names[i]}), opts(p))
					}
					if err != nil {
						t.Fatal(err)
					}
					if i == mode.askAfter {
						ms.Directory()
					}
				}
				if held := len(ms.heads.out.Sites); mode.packed && (held != 0 || ms.sites.t == nil || ms.sites.t.len() != len(want.Sites)) {
					t.Errorf("%d sites held as model values before the directory was asked for, want 0 (all %d packed)", held, len(want.Sites))
				}
				got, err := ms.Whole()
				if err != nil {
					t.Fatal(err)
				}
				if ms.keys != nil {
					t.Error("the table of keys is held once the directory was asked for (only adding needs it)")
				}
				for _, part := range []struct {
					name      string
					want, got any
				}{
					{"sites", want.Sites, got.Sites},
					{"studies", want.Studies, got.Studies},
					{"groups", want.Groups, got.Groups},
					{"users", want.Users, got.Users},
				} {
					w, err1 := json.Marshal(part.want)
					g, err2 := json.Marshal(part.got)
					if err1 != nil || err2 != nil {
						t.Fatal(err1, err2)
					}
					if !bytes.Equal(w, g) {
						t.Errorf("%s differ:\nwhole:    %s\nstreamed: %s", part.name, w, g)
					}
				}
				if diff := cmp.Diff(wantWs, ms.Warnings()); diff != "" {
					t.Errorf("merge warnings, whole (-) and streamed (+):\n%s", diff)
				}
			})
		}
	}
}

// TestMergeStreamWritesPacked: MergeStream resolves the readers' warnings and writes JSON
// and ODM, also with a spec that renames a site, without building its packed sites into
// the merged directory, where they were held through the whole write; the output and
// warnings are those of the merge whose sites were built first (Directory asked for).
func TestMergeStreamWritesPacked(t *testing.T) {
	for _, f := range fixtures {
		orig, err := os.ReadFile(filepath.Join("testdata", f.file))
		if err != nil {
			t.Fatal(err)
		}
		files := [][]byte{orig, []byte(strings.NewReplacer(` Name="`, ` Name="Z`).Replace(string(orig)))}
		names := []string{"a.xml", "b.xml"}
		merge := func(t *testing.T, built bool) (*MergeStream, []Warning) {
			ms, err := NewMergeStream()
			if err != nil {
				t.Fatal(err)
			}
			var ws []Warning
			for i, p := range files {
				w, err := ms.AddODM(names[i], odm.NewReader(bytes.NewReader(p), odm.ReadOptions{Name: names[i]}), mergeReadOptions(t, f.profile, p))
				if err != nil {
					t.Fatal(err)
				}
				ws = append(ws, w...)
			}
			if built {
				ms.Directory()
			}
			return ms, ms.Resolved(ws)
		}
		for _, to := range []string{"json", "odm"} {
			for _, withSpec := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s, %s, spec %v", f.file, to, withSpec), func(t *testing.T) {
					built, wantRes := merge(t, true)
					defer built.Close()
					packed, gotRes := merge(t, false)
					defer packed.Close()
					if diff := cmp.Diff(wantRes, gotRes); diff != "" {
						t.Errorf("resolved warnings, built (-) and packed (+):\n%s", diff)
					}
					opts := Options{Now: time.Unix(0, 0).UTC()}
					if withSpec {
						site := built.Directory().Sites[0].ID
						opts.Spec = &SpecUse{Spec: &Spec{Sites: []SiteRule{{Source: site, Target: "T-1", Row: 2}}}, Target: f.profile}
					}
					write := func(ms *MergeStream, w *bytes.Buffer) ([]Warning, error) {
						if to == "odm" {
							return ms.WriteODM(w, f.profile, opts, odm.WriteOptions{})
						}
						return ms.Write(w, to, opts, f.profile, opts.Now)
					}
					var want, got bytes.Buffer
					wantWs, err1 := write(built, &want)
					gotWs, err2 := write(packed, &got)
					if err1 != nil || err2 != nil {
						t.Fatal(err1, err2)
					}
					if packed.unpacked || len(packed.heads.out.Sites) != 0 || packed.sites.t == nil {
						t.Errorf("the sites were built into the merge (%d held) to resolve and write; want them packed", len(packed.heads.out.Sites))
					}
					if withSpec && !bytes.Contains(got.Bytes(), []byte("T-1")) {
						t.Errorf("the spec's site rule was not applied:\n%s", got.Bytes())
					}
					if !bytes.Equal(want.Bytes(), got.Bytes()) {
						t.Errorf("output differs:\nbuilt:  %s\npacked: %s", want.Bytes(), got.Bytes())
					}
					if diff := cmp.Diff(wantWs, gotWs); diff != "" {
						t.Errorf("write warnings, built (-) and packed (+):\n%s", diff)
					}
				})
			}
		}
	}
}
