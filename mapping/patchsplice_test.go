package mapping

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// newUsersTemplate returns a Clinical One template of n users (fictitious, numbered), none
// of them in the fixtures, each with access at all sites: a site the base file has no
// Location of would leave the access out (siteAccess), and the user with it.
func newUsersTemplate(n int) []byte {
	var b strings.Builder
	b.WriteString("First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n")
	roles := []string{"Site Investigator Rights", "CRC Rights", "Monitor Rights"}
	for i := range n {
		fmt.Fprintf(&b, "Newa%d,Newcomer,new%06d@site%d.example.org,new%06d,02-Dec-2026,,%s,All,\n", i, i, i%7, i, roles[i%len(roles)])
	}
	return []byte(b.String())
}

// patchTemplate patches the template data into base (profile p) through
// CompactDirectory.Patch, as map --to odm --base does.
func patchTemplate(t *testing.T, out *bytes.Buffer, data, base []byte, p Profile) ([]Warning, error) {
	t.Helper()
	c, _, err := ReadCompact(bytes.NewReader(data), "new.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	return c.Patch(out, bytes.NewReader(base), PatchOptions{Options: Options{Profile: p, Now: now}})
}

// unplacedQuirks returns ws with the place of each CodeQuirk warning (in its message as
// well) left out.
func unplacedQuirks(ws []Warning) []Warning {
	out := make([]Warning, len(ws))
	for i, w := range ws {
		if w.Code == CodeQuirk {
			w.Line, w.Col = 0, 0
			if _, msg, ok := strings.Cut(w.Message, " odm: "); ok {
				w.Message = msg
			}
		}
		out[i] = w
	}
	return out
}

// heldPrologue is a comment longer than the splicer reads for the header (spliceHeaderMax):
// before the root, it makes the patcher hold the new users in the block as it did before
// the splicer, the output to compare with.
func heldPrologue() []byte {
	return []byte("<!--" + strings.Repeat("x", spliceHeaderMax) + "-->\n")
}

// withPrologue puts pro right after the XML declaration of doc (or at its start).
func withPrologue(doc, pro []byte) []byte {
	at := 0
	if bytes.HasPrefix(doc, []byte("<?xml")) {
		at = bytes.Index(doc, []byte("?>")) + 2
		pro = append([]byte("\n"), bytes.TrimSuffix(pro, []byte("\n"))...)
	}
	return append(append(append([]byte{}, doc[:at]...), pro...), doc[at:]...)
}

// TestPatchNewUsersSpliced holds the new users written through the splicer (rendered
// again a batch at a time) to the same users held in their block, as Patch wrote them
// before: every ODM fixture, patched with a template of users it does not have (more than
// one batch) into each ODM profile, and a directory whose new users go into two blocks.
func TestPatchNewUsersSpliced(t *testing.T) {
	data := newUsersTemplate(2*spliceBatch + 3)
	pro := heldPrologue()
	files := odmFixtures(t)
	compared := 0
	for name, base := range files {
		for _, p := range []Profile{ProfileODM, ProfileODM2, ProfileInForm, ProfileRave, ProfileOpenClinica} {
			var got, want bytes.Buffer
			gotWs, gotErr := patchTemplate(t, &got, data, base, p)
			wantWs, wantErr := patchTemplate(t, &want, data, withPrologue(base, pro), p)
			if (gotErr == nil) != (wantErr == nil) {
				t.Errorf("%s into %s: error %v, held %v", name, p, gotErr, wantErr)
				continue
			}
			if gotErr != nil {
				continue
			}
			w := bytes.Replace(want.Bytes(), bytes.TrimSuffix(pro, []byte("\n")), nil, 1)
			g := got.Bytes()
			if bytes.HasPrefix(g, []byte("<?xml")) {
				// The comment stood on a line of its own after the declaration.
				i := bytes.Index(g, []byte("?>")) + 2
				g = append(append(append([]byte{}, g[:i]...), '\n'), g[i:]...)
			} else {
				w = bytes.TrimPrefix(w, []byte("\n"))
			}
			if !bytes.Equal(g, w) {
				t.Errorf("%s into %s: spliced output differs from the users held in the block", name, p)
				continue
			}
			// The document's reader warnings (CodeQuirk, returned by CompactDirectory.Patch)
			// stand a line lower in the document with the prologue: compared by what they say.
			if fmt.Sprint(unplacedQuirks(gotWs)) != fmt.Sprint(unplacedQuirks(wantWs)) {
				t.Errorf("%s into %s: warnings differ:\n%v\n%v", name, p, gotWs, wantWs)
			}
			if bytes.Count(g, []byte("new000")) > 0 {
				compared++
			}
		}
	}
	if compared == 0 {
		t.Fatal("no output had a new user: nothing was compared")
	}

	// Two blocks, each with new users of its study (Patch of a directory in memory).
	doc := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileType="Snapshot" FileOID="F" CreationDateTime="2026-12-02T00:00:00Z" ODMVersion="1.3.2">
	<AdminData StudyOID="S1">
		<User OID="old1"><LoginName>old1</LoginName></User>
	</AdminData>
	<AdminData StudyOID="S2"/>
</ODM>
`)
	dir := &Directory{Users: []*User{{ID: "old1", Login: "old1", Assignments: []Assignment{{Study: "S1"}}}}}
	for i := range 300 {
		st := []string{"S1", "S2"}[i%2]
		dir.Users = append(dir.Users, &User{ID: fmt.Sprintf("n%d", i), Login: fmt.Sprintf("n%d", i), GivenName: "Nia", FamilyName: "Newcomer", Assignments: []Assignment{{Study: st}}})
	}
	var got, want bytes.Buffer
	if _, err := Patch(&got, bytes.NewReader(doc), dir, PatchOptions{Options: Options{Profile: ProfileODM}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Patch(&want, bytes.NewReader(withPrologue(doc, pro)), dir, PatchOptions{Options: Options{Profile: ProfileODM}}); err != nil {
		t.Fatal(err)
	}
	w := bytes.Replace(want.Bytes(), bytes.TrimSuffix(pro, []byte("\n")), nil, 1)
	g := got.Bytes()
	i := bytes.Index(g, []byte("?>")) + 2
	g = append(append(append([]byte{}, g[:i]...), '\n'), g[i:]...)
	if !bytes.Equal(g, w) {
		t.Errorf("two blocks: spliced output differs from the users held:\n%s\n---\n%s", g, w)
	}
	if n := bytes.Count(g, []byte(`<User OID="n`)); n != 300 {
		t.Errorf("two blocks: %d new users written, want 300", n)
	}
	if !bytes.Contains(g, []byte("<AdminData StudyOID=\"S2\">\n\t  <User OID=\"n1\">")) {
		t.Errorf("two blocks: the second block does not start with its first new user:\n%s", g)
	}
}

// TestPatchNewUsersMemoryPerUser checks that the users a template adds to a base file
// that has none of them are not held until their block is written: the heap while the
// output is written grows with the users by what CompactDirectory.Patch holds per user
// (some 15 bytes, plus 4 for the splicer's index), not by the users as odm values (some
// 2 KB each, 401 MiB at 200,000 users, before the splicer). It measures heap in use.
func TestPatchNewUsersMemoryPerUser(t *testing.T) {
	if testing.Short() {
		t.Skip("patches 50,000 new users")
	}
	// InForm's users have roles written as rights groups: the role names reported
	// for each user (CodeRoleVerbatim) were noted by the user's pointer, which kept
	// every user built anew from its record alive.
	for _, c := range []struct {
		base string
		p    Profile
	}{{"odm13.xml", ProfileODM}, {"inform.xml", ProfileInForm}} {
		base, err := os.ReadFile(filepath.Join("testdata", c.base))
		if err != nil {
			t.Fatal(err)
		}
		peak := func(n int) uint64 {
			data := newUsersTemplate(n)
			cd, _, err := ReadCompact(bytes.NewReader(data), "new.csv", Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer cd.Close()
			out := &heapSampler{step: 256 << 10}
			if _, err := cd.Patch(out, bytes.NewReader(base), PatchOptions{Options: Options{Profile: c.p}}); err != nil {
				t.Fatal(err)
			}
			if out.n < n*100 {
				t.Fatalf("wrote %d bytes for %d users", out.n, n)
			}
			return out.max
		}
		const small, large = 5000, 20000
		h1, h2 := peak(small), peak(large)
		perUser := (float64(h2) - float64(h1)) / (large - small)
		t.Logf("%s: most heap in use while patching: %d new users %d KiB, %d new users %d KiB: %.1f bytes per user", c.base, small, h1>>10, large, h2>>10, perUser)
		if perUser > 64 {
			t.Errorf("%s: heap grows by %.1f bytes per new user, want at most 64 (the new users must not be held)", c.base, perUser)
		}
	}
}

// TestSplicerMarkerAcrossWrites: a marker split over writes, and the white space before
// it in an earlier write, are found; a marker never written is an error.
func TestSplicerMarkerAcrossWrites(t *testing.T) {
	var out bytes.Buffer
	s := &splicer{out: &out}
	s.arm(&splice{marker: []byte("MARK-1"), render: func(w io.Writer, child string) error {
		_, err := io.WriteString(w, "<A/>"+child+"<B/>")
		return err
	}})
	for _, part := range []string{"<X>\n  ", "<User OID=\"MA", "RK-1\"", "/>\n  <Y/></X>"} {
		if _, err := s.Write([]byte(part)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.finish(true); err != nil {
		t.Fatal(err)
	}
	if want := "<X>\n  <A/>\n  <B/>\n  <Y/></X>"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
	s = &splicer{out: &out}
	s.arm(&splice{marker: []byte("MARK-2"), render: func(io.Writer, string) error { return nil }})
	if _, err := s.Write([]byte("<X/>")); err != nil {
		t.Fatal(err)
	}
	if err := s.finish(true); !errors.Is(err, errSplice) {
		t.Errorf("marker never written: %v, want errSplice", err)
	}
}

// TestIndexList: the new users' indexes of a block (addNew) read back as they were added,
// in any order and across the whole int32 range, and the usual list (indexes in
// ascending order, mostly one apart) takes a byte an index, not four.
func TestIndexList(t *testing.T) {
	cases := []struct {
		name     string
		idx      []int32
		maxBytes int // the most the list may take; 0: no bound checked
	}{
		{"empty", nil, 0},
		{"ascending, one apart: a byte each after the first", []int32{1 << 20, 1<<20 + 1, 1<<20 + 2, 1<<20 + 3, 1<<20 + 4, 1<<20 + 5}, 4 + 5},
		{"ascending with gaps", []int32{5, 70, 71, 20000, 1 << 30}, 0},
		{"not ascending: a spec's order, another block's candidates", []int32{9, 3, 3, 1<<31 - 1, 0, 12}, 0},
	}
	for _, c := range cases {
		var l indexList
		for _, i := range c.idx {
			l.add(i)
		}
		require.Equal(t, len(c.idx), l.n, c.name)
		rd := l.reader()
		var got []int32
		for range l.n {
			got = append(got, rd.next())
		}
		require.Equal(t, c.idx, got, c.name)
		if c.maxBytes > 0 {
			require.LessOrEqual(t, len(l.b), c.maxBytes, c.name)
		}
	}
}
