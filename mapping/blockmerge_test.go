package mapping

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/odm"
)

// blockDoc is an ODM 1.3 document of the AdminData blocks given (their content by
// StudyOID, in order), with OpenClinica's namespace declared.
func blockDoc(blocks ...[2]string) string {
	var b strings.Builder
	b.WriteString(`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:OpenClinica="` + odm.NSOpenClinica + `" ODMVersion="1.3" FileOID="F" FileType="Snapshot" CreationDateTime="2025-01-01T00:00:00Z">` + "\n")
	for _, bl := range blocks {
		b.WriteString(`<AdminData StudyOID="` + bl[0] + `">` + bl[1] + "</AdminData>\n")
	}
	b.WriteString("</ODM>\n")
	return b.String()
}

// readThree reads src as a whole document (the persons in several blocks built and
// merged as model values), as a stream (merged into their encoding, kept in memory) and
// through WriteJSON (kept in the spill file), and returns the JSON and warnings of each.
func readThree(t *testing.T, src string, p Profile) (json [3]string, ws [3][]Warning) {
	t.Helper()
	d, err := odm.Decode(strings.NewReader(src), odm.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	doc, dws, err := FromDocument(d, Options{Profile: p})
	if err != nil {
		t.Fatal(err)
	}
	stream, sws, err := FromReader(odm.NewReader(strings.NewReader(src), odm.ReadOptions{}), Options{Profile: p})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	jws, err := WriteJSON(&out, odm.NewReader(strings.NewReader(src), odm.ReadOptions{Reuse: true}), Options{Profile: p})
	if err != nil {
		t.Fatal(err)
	}
	return [3]string{string(mustJSON(t, doc)), string(mustJSON(t, stream)), out.String()}, [3][]Warning{dws, sws, jws}
}

// TestMergeRecordsAcrossBlocks: a person listed in several AdminData blocks is one user,
// built from every record in reading order, whichever way the file is read: the whole
// document (values kept), the stream (the merge encoded in memory) and WriteJSON (in
// the spill file) give the same directory and the same warnings, in the same order with
// the same counts and subjects.
func TestMergeRecordsAcrossBlocks(t *testing.T) {
	type check struct {
		user        string   // the merged user's ID
		emails      []string // its emails, in reading order
		full, org   string   // the values kept: the first record's, or the first non-empty
		login       string
		assignments []string // study/site of each assignment, in reading order
	}
	cases := []struct {
		name      string
		why       string
		src       string
		profile   Profile
		users     []string // the directory's users, in order
		check     check
		conflicts map[string]int // CodeMergeConflict warnings by field, with their counts
		subject   string         // the user they name (the first to conflict); "": check.user
	}{
		{
			name: "three blocks",
			why:  "a second and a third record each merge into what the records before them made",
			src: blockDoc(
				[2]string{"A", `<User OID="U1"><FullName>Ada Muster</FullName><Email>a@example.org</Email></User>`},
				[2]string{"B", `<User OID="U1"><FullName>Ada Muster</FullName><Email>b@example.org</Email><Email>a@example.org</Email></User>`},
				[2]string{"C", `<User OID="U1"><Email>c@example.org</Email><Organization>Demo</Organization></User>`},
			),
			users: []string{"U1"},
			check: check{user: "U1", emails: []string{"a@example.org", "b@example.org", "c@example.org"},
				full: "Ada Muster", org: "Demo", assignments: []string{"A/", "B/", "C/"}},
		},
		{
			name: "conflicts",
			why:  "each later record that disagrees is one more conflict of the field; the first value is kept, an empty one filled",
			src: blockDoc(
				[2]string{"A", `<User OID="U1"><FullName>Ada Muster</FullName></User>`},
				[2]string{"B", `<User OID="U1"><FullName>Ada Other</FullName><Organization>Demo</Organization></User>`},
				[2]string{"C", `<User OID="U1"><FullName>Ada Third</FullName><Organization>Elsewhere</Organization></User>`},
				[2]string{"D", `<User OID="U1"><FullName>Ada Muster</FullName><Organization>Demo</Organization></User>`},
			),
			users:     []string{"U1"},
			check:     check{user: "U1", full: "Ada Muster", org: "Demo", assignments: []string{"A/", "B/", "C/", "D/"}},
			conflicts: map[string]int{"User/FullName": 2, "User/Organization": 1},
		},
		{
			name: "order",
			why:  "users stay in the order of their first record, each record's access in reading order, persons interleaved",
			src: blockDoc(
				[2]string{"A", `<User OID="U1"/><User OID="U2"><Email>u2@example.org</Email></User>`},
				[2]string{"B", `<User OID="U3"/><User OID="U2"><Email>u2b@example.org</Email></User><User OID="U1"><FullName>One</FullName></User>`},
				[2]string{"C", `<User OID="U2"><FullName>Two</FullName></User><User OID="U1"><FullName>Uno</FullName></User><User OID="U3"/>`},
			),
			users: []string{"U1", "U2", "U3"},
			check: check{user: "U2", emails: []string{"u2@example.org", "u2b@example.org"}, full: "Two",
				assignments: []string{"A/", "B/", "C/"}},
			conflicts: map[string]int{"User/FullName": 1},
			subject:   "U1",
		},
		{
			name: "login filled by a merge",
			why:  "a login one block's record gave finds the person for a third block's record under another OID",
			src: blockDoc(
				[2]string{"A", `<User OID="x"><Email>x@example.org</Email></User>`},
				[2]string{"B", `<User OID="x"><LoginName>x</LoginName></User>`},
				[2]string{"C", `<User OID="y"><LoginName>x</LoginName><Email>y@example.org</Email></User>`},
			),
			users: []string{"x"},
			check: check{user: "x", login: "x", emails: []string{"x@example.org", "y@example.org"},
				assignments: []string{"A/", "B/", "C/"}},
			// The other OID is not dropped silently: a conflict naming both.
			conflicts: map[string]int{"User/OID": 1},
			subject:   "x (also y)",
		},
		{
			name:    "OpenClinica roles per block",
			why:     "each record's role (OpenClinica:UserRole) is resolved with its own block, in reading order",
			profile: ProfileOpenClinica,
			src: blockDoc(
				[2]string{"S", `<User OID="U1" OpenClinica:UserRole="Data Manager"/>`},
				[2]string{"S_SITE1", `<User OID="U1" OpenClinica:UserRole="Investigator"/>`},
				[2]string{"S_SITE2", `<User OID="U1" OpenClinica:UserRole="Monitor"/>`},
				[2]string{"S_SITE1", `<User OID="U1" OpenClinica:UserRole="Monitor"/>`},
			),
			users: []string{"U1"},
			check: check{user: "U1", assignments: []string{"S/", "S_SITE1/", "S_SITE2/", "S_SITE1/"}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			js, ws := readThree(t, c.src, c.profile)
			for k, name := range []string{"stream", "WriteJSON"} {
				if d := cmp.Diff(js[0], js[k+1]); d != "" {
					t.Errorf("%s (%s): %s and the whole document differ (-doc +%s):\n%s", c.name, c.why, name, name, d)
				}
				if d := cmp.Diff(ws[0], ws[k+1]); d != "" {
					t.Errorf("%s (%s): warnings of %s and the whole document differ (-doc +%s):\n%s", c.name, c.why, name, name, d)
				}
			}
			dir, _, err := FromReader(odm.NewReader(strings.NewReader(c.src), odm.ReadOptions{}), Options{Profile: c.profile})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			var u *User
			for _, x := range dir.Users {
				ids = append(ids, x.ID)
				if x.ID == c.check.user {
					u = x
				}
			}
			if !cmp.Equal(ids, c.users) || u == nil {
				t.Fatalf("%s (%s): users %q, want %q", c.name, c.why, ids, c.users)
			}
			var as []string
			for _, a := range u.Assignments {
				as = append(as, a.Study+"/"+a.Site)
			}
			got := check{user: u.ID, emails: u.Emails, full: u.FullName, org: u.Organization, login: u.Login, assignments: as}
			if c.check.emails == nil {
				got.emails = nil
			}
			if c.check.login == "" {
				got.login = ""
			}
			if d := cmp.Diff(c.check, got, cmp.AllowUnexported(check{})); d != "" {
				t.Errorf("%s (%s): merged user (-want +got):\n%s", c.name, c.why, d)
			}
			subject := c.subject
			if subject == "" {
				subject = c.check.user
			}
			gotConflicts := map[string]int{}
			for _, w := range ws[0] {
				if w.Code == CodeMergeConflict {
					gotConflicts[w.Field] = w.Count
					if w.Subject != "User "+subject {
						t.Errorf("%s: conflict %s names %q, want User %s", c.name, w.Field, w.Subject, subject)
					}
				}
			}
			want := c.conflicts
			if want == nil {
				want = map[string]int{}
			}
			if d := cmp.Diff(want, gotConflicts); d != "" {
				t.Errorf("%s (%s): merge conflicts by field (-want +got):\n%s", c.name, c.why, d)
			}
		})
	}
}

// TestLastStudyTag: the watch over the bytes after the first AdminData finds the last
// Study start tag, prefixed or not, and nothing else that spells the word.
func TestLastStudyTag(t *testing.T) {
	long := strings.Repeat("p", 300)
	cases := []struct {
		in   string
		want int
		why  string
	}{
		{`<Study OID="S">`, 0, "a start tag"},
		{`  <odm:Study>`, 2, "a prefixed start tag"},
		{`<Study/>`, 0, "an empty element"},
		{`<AdminData StudyOID="S">`, -1, "an attribute name"},
		{`<StudyName>x</StudyName>`, -1, "another element's name"},
		{`text Study more`, -1, "the word in text"},
		{`</Study>`, -1, "an end tag"},
		{`<Study> <x/> <Study>`, 13, "the last of two"},
		{`<Study>` + "\n" + `</Study>`, 0, "the start tag, not the end tag after it"},
		{"<" + long + ":Study>", 1 + 300 - 256, "a prefix longer than the walk counts (the safe side)"},
		{"Study ", -1, "no room for a \"<\" before it"},
		{"<Study", -1, "cut before its end: the next write's tail finds it"},
	}
	for _, c := range cases {
		if got := lastStudyTag([]byte(c.in)); got != c.want {
			t.Errorf("%q (%s): %d, want %d", c.in, c.why, got, c.want)
		}
	}
	// 256 KiB of prefixed tags that never meet a "<": the walk back from the last ":"
	// stops after maxPrefix (256) bytes and counts the tag there (the safe side). That each
	// walk is so bounded (linear, not quadratic in the run) is BenchmarkLastStudyTag's to
	// show: a test does not time itself.
	big := []byte(strings.Repeat("a:Study/", 1<<15))
	colon := len(big) - len("Study/") - 1
	if got, want := lastStudyTag(big), colon-256; got != want {
		t.Errorf("a long run of prefixed tags: %d, want %d", got, want)
	}
}

// BenchmarkLastStudyTag: ns/byte over runs of prefixed tags that never meet a "<", at two
// sizes 8x apart; flat when each walk back is bounded.
func BenchmarkLastStudyTag(b *testing.B) {
	for _, n := range []int{1 << 12, 1 << 15} {
		b.Run(fmt.Sprintf("tags=%d", n), func(b *testing.B) {
			big := []byte(strings.Repeat("a:Study/", n))
			b.SetBytes(int64(len(big)))
			for range b.N {
				lastStudyTag(big)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(big)), "ns/byte")
		})
	}
}

// TestStudyWatchAcrossWrites: the watch finds the last Study start tag of the input
// whatever pieces it is written in, a tag cut across two writes too (the seam searched
// again), at the tag's offset in the whole input.
func TestStudyWatchAcrossWrites(t *testing.T) {
	filler := strings.Repeat(`<User OID="U"><LoginName>x</LoginName></User>`+"\n", 20)
	for _, c := range []struct {
		in, why string
	}{
		{filler, "no Study tag at all"},
		{filler + `<Study OID="S2">` + filler, "one in the middle"},
		{filler + `<odm:Study OID="S2"/>` + filler + `<Study>`, "a prefixed one, then one at the very end"},
		{`<Study>` + filler + "<!-- <Study> -->" + filler, "one spelt in a comment counts (the safe side)"},
		{filler + `<Study OID="S2">` + filler + `</Study><StudyName/>`, "the end tag and another name after it are no Study start tag"},
	} {
		want := int64(lastStudyTag([]byte(c.in)))
		for _, n := range []int{1, 3, 7, 64, studySeam - 1, studySeam, studySeam + 1, 500, len(c.in)} {
			w := &studyWatch{last: -1}
			for s := c.in; s != ""; {
				k := min(n, len(s))
				if _, err := w.Write([]byte(s[:k])); err != nil {
					t.Fatal(err)
				}
				s = s[k:]
			}
			if w.last != want {
				t.Errorf("%s, written %d bytes at a time: last tag at %d, want %d", c.why, n, w.last, want)
			}
		}
	}
}
