package mapping

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/odm"
)

// TestMergeStreamConflictsPlaced: MergeStream, which reads each file as a stream (no
// decoded records kept), gives the merge warnings MergeNamed gives for the same files
// decoded whole, places included: a conflict names the line and column of the dropped
// value's record (user or site) as the whole merge does. Each fixture is merged with a
// copy whose names differ, so that every person and site of the copy conflicts; the
// OpenClinica fixture lists people in several AdminData blocks (the reader's own merge
// of records, whose first place must survive it).
func TestMergeStreamConflictsPlaced(t *testing.T) {
	// Each case's copy differs in every display, first and attribute name, so that users
	// and sites conflict in each vendor's layout; the last one only in a person listed
	// in two of OpenClinica's blocks (a conflict is placed at its code and field's first).
	all := strings.NewReplacer("<DisplayName>", "<DisplayName>Z", "<FirstName>", "<FirstName>Z",
		"<GivenName>", "<GivenName>Z", ` Name="`, ` Name="Z`)
	type mergeCase struct {
		name, file string
		profile    Profile
		change     *strings.Replacer
	}
	var cases []mergeCase
	for _, f := range fixtures {
		cases = append(cases, mergeCase{f.file, f.file, f.profile, all})
	}
	cases = append(cases, mergeCase{"openclinica.xml, a person of two blocks", "openclinica.xml", ProfileOpenClinica,
		strings.NewReplacer("<FirstName>Hana<", "<FirstName>Hanna<")})
	placed := 0
	for _, c := range cases {
		f := c
		t.Run(c.name, func(t *testing.T) {
			orig, err := os.ReadFile(filepath.Join("testdata", f.file))
			if err != nil {
				t.Fatal(err)
			}
			files := [][]byte{orig, []byte(f.change.Replace(string(orig)))}
			if bytes.Equal(files[0], files[1]) {
				t.Fatal("the copy does not differ")
			}
			names := []string{"a.xml", "b.xml"}
			opts := func(p []byte) Options {
				o := Options{Profile: f.profile}
				if f.profile == ProfileOpenClinica {
					studies, err := StudyElements(func() (io.Reader, error) { return bytes.NewReader(p), nil }, odm.ReadOptions{})
					if err != nil {
						t.Fatal(err)
					}
					o.Studies = studies
				}
				return o
			}
			var dirs []*Directory
			for i, p := range files {
				doc, err := odm.Decode(bytes.NewReader(p), odm.ReadOptions{Name: names[i]})
				if err != nil {
					t.Fatal(err)
				}
				d, _, err := FromDocument(doc, Options{Profile: f.profile})
				if err != nil {
					t.Fatal(err)
				}
				dirs = append(dirs, d)
			}
			_, whole := MergeNamed(names, dirs...)

			ms, err := NewMergeStream()
			if err != nil {
				t.Fatal(err)
			}
			defer ms.Close()
			for i, p := range files {
				if _, err := ms.AddODM(names[i], odm.NewReader(bytes.NewReader(p), odm.ReadOptions{Name: names[i]}), opts(p)); err != nil {
					t.Fatal(err)
				}
			}
			streamed := ms.Warnings()
			if diff := cmp.Diff(whole, streamed); diff != "" {
				t.Errorf("merge warnings, whole (-) and streamed (+):\n%s", diff)
			}
			conflicts := 0
			for _, w := range streamed {
				if w.Code != CodeMergeConflict {
					continue
				}
				conflicts++
				if w.Line > 0 && w.Col > 0 {
					placed++
				}
			}
			if conflicts == 0 {
				t.Error("no conflicts: the copy was not merged into the original")
			}
		})
	}
	if placed < 10 {
		t.Errorf("%d conflicts placed: the test does not see places", placed)
	}
}
