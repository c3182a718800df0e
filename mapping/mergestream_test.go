package mapping

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

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
			opts := func(p []byte) Options { return mergeReadOptions(t, f.profile, p) }
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

// TestMergeStreamKeys: MergeStream finds people by OID and by folded login in one table
// (an entry checked against the user's own OID or login), and merges exactly as
// MergeNamed does: a login that is another person's OID, or an OID that is another's
// login, is no match; one entry serves a user whose OID is its folded login.
func TestMergeStreamKeys(t *testing.T) {
	u := func(id, login, name string) *User { return &User{ID: id, Login: login, DisplayName: name} }
	cases := []struct {
		name  string
		files [][]*User
		keys  int // entries in the table at the end
	}{
		{"an OID that is another's login is no match", [][]*User{{u("a", "b", "A")}, {u("b", "c", "B")}}, 4},
		{"a login that is another's OID is no match", [][]*User{{u("a", "", "A")}, {u("b", "A", "B")}}, 3},
		{"same OID merges", [][]*User{{u("a", "x", "A")}, {u("a", "y", "A2")}}, 2},
		{"same login, folded, merges", [][]*User{{u("a", "Lee", "A")}, {u("b", "LEE", "B")}}, 2},
		{"OID the folded login: one entry", [][]*User{{u("lee", "Lee", "A"), u("kim", "kim", "K")}, {u("x", "LEE", "X")}}, 2},
		{"within one file by login", [][]*User{{u("a", "z", "A"), u("b", "Z", "B")}, {u("c", "", "C")}}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var dirs []*Directory
			ms, err := NewMergeStream()
			if err != nil {
				t.Fatal(err)
			}
			defer ms.Close()
			names := []string{"1", "2"}
			for i, f := range c.files {
				d := &Directory{Users: f}
				dirs = append(dirs, &Directory{Users: slices.Clone(f)})
				if err := ms.Add(names[i], d); err != nil {
					t.Fatal(err)
				}
			}
			// Counted before the directory is asked for, which lets go of the table.
			n := 0
			for i := range ms.keys.shards {
				n += ms.keys.shards[i].n
			}
			if n != c.keys {
				t.Errorf("%d entries in the table, want %d", n, c.keys)
			}
			whole, wws := MergeNamed(names, dirs...)
			got, err := ms.Whole()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(whole.Users, got.Users, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("users, MergeNamed (-) and MergeStream (+):\n%s", diff)
			}
			if diff := cmp.Diff(wws, ms.Warnings()); diff != "" {
				t.Errorf("warnings, MergeNamed (-) and MergeStream (+):\n%s", diff)
			}
		})
	}
}

// mergeReadOptions are the options a file p of profile is read with in the merge tests:
// an OpenClinica file's Study elements give its site studies.
func mergeReadOptions(t *testing.T, profile Profile, p []byte) Options {
	t.Helper()
	o := Options{Profile: profile}
	if profile == ProfileOpenClinica {
		studies, err := StudyElements(func() (io.Reader, error) { return bytes.NewReader(p), nil }, odm.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		o.Studies = studies
	}
	return o
}
