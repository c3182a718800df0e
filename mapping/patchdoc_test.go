package mapping

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// userRecords counts the User records of an ODM document by AdminData block (its index)
// and OID; nil if it does not read.
func userRecords(doc []byte) map[string]int {
	out := map[string]int{}
	block := 0
	r := odm.NewReader(bytes.NewReader(doc), odm.ReadOptions{})
	for n, err := range r.All() {
		if err != nil {
			return nil
		}
		switch v := n.(type) {
		case *odm.AdminData:
			block++
		case *odm.User:
			out[strconv.Itoa(block)+" "+strings.TrimSpace(v.OID)]++
		}
	}
	return out
}

// noSeek hides a reader's Seek: Patch then spools the document it reads twice.
type noSeek struct{ io.Reader }

// TestPatchUserTheDocumentHas: a user of the directory whose Source does not say where
// the document has it (a template row, a directory built by a program, one read from
// another vendor) is patched at the document's record of it, not also added as new at the
// head of its study's block: every fixture's users, their Source dropped, patched into the
// fixture give each block the User records it had, each once; the same users from a
// template patched into the InForm fixture do too; and a user the document lacks is still
// added.
func TestPatchUserTheDocumentHas(t *testing.T) {
	opts := PatchOptions{Options: Options{Now: time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)}}
	compared := 0
	for name, data := range odmFixtures(t) {
		in := userRecords(data)
		dup := in == nil
		for _, n := range in {
			dup = dup || n > 1
		}
		dir, _, err := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), opts.Options)
		if err != nil || dup || len(dir.Users) == 0 {
			continue // not readable, or two records of one user in a block already
		}
		for _, u := range dir.Users {
			u.Source = nil
		}
		var seekable, spooled bytes.Buffer
		_, err = Patch(&seekable, bytes.NewReader(data), dir, opts)
		if err != nil {
			continue // a directory the writer refuses (checked elsewhere)
		}
		_, err = Patch(&spooled, noSeek{bytes.NewReader(data)}, dir, opts)
		require.NoError(t, err, name)
		require.Equal(t, seekable.String(), spooled.String(), "%s: the spooled document patches differently", name)
		out := userRecords(seekable.Bytes())
		require.NotNil(t, out, "%s: the output does not read", name)
		for k, n := range out {
			require.Equal(t, 1, n, "%s: block and user %q written %d times", name, k, n)
		}
		compared++
	}
	require.GreaterOrEqual(t, compared, 10, "too few fixtures patched")

	// A template of the InForm fixture's users, and one user it does not have.
	base := odmFixtures(t)["testdata/inform/htn-demo.xml"]
	require.NotNil(t, base)
	tmpl := "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n" +
		"Ada,Morel,ada.morel@site01.example.org,amorel,02-Dec-2026,,CRC Rights,10127,\n" +
		"Olga,Lebedeva,olga.lebedeva@sponsor.example.com,olebedeva,02-Dec-2026,,CRC Rights,10127,\n" +
		"Nora,Quill,nora.quill@site01.example.org,nquill,02-Dec-2026,,CRC Rights,10127,\n"
	c, _, err := ReadCompact(strings.NewReader(tmpl), "users.csv", Options{})
	require.NoError(t, err)
	defer c.Close()
	var out bytes.Buffer
	_, err = c.Patch(&out, bytes.NewReader(base), PatchOptions{Options: Options{Profile: ProfileInForm, Now: opts.Now}})
	require.NoError(t, err)
	got := userRecords(out.Bytes())
	// tgrant_old is deactivated: the template has no row for such a user (it has no
	// status), so its absence says nothing and the base's record is kept (basepatch.go).
	require.Equal(t, map[string]int{"1 amorel": 1, "1 olebedeva": 1, "1 nquill": 1, "1 tgrant_old": 1}, got,
		"the template's users, each once: the two the base has patched, the new one added; the deactivated one kept")
}

// TestPatchReadsDocumentOnlyWhenSourceCannotTell: the document is read ahead only when
// the values' Source may not say where it has them (a user without one,
// PatchOptions.Foreign): patching a document with the directory read from it (map --to
// odm) reads it once; otherwise it is read twice (rewound), or, from a reader that cannot
// seek, once and spooled.
func TestPatchReadsDocumentOnlyWhenSourceCannotTell(t *testing.T) {
	base := odmFixtures(t)["testdata/inform/htn-demo.xml"]
	reads := func(drop, foreign, seek bool) int {
		dir, _, err := FromReader(odm.NewReader(bytes.NewReader(base), odm.ReadOptions{}), Options{})
		require.NoError(t, err)
		if drop {
			dir.Users[0].Source = nil
		}
		n := &countingReader{r: bytes.NewReader(base)}
		var src io.Reader = n
		if !seek {
			src = noSeek{n}
		}
		_, err = Patch(io.Discard, src, dir, PatchOptions{Foreign: foreign})
		require.NoError(t, err)
		return n.n
	}
	require.Equal(t, len(base), reads(false, false, true), "values read from the document: read once")
	require.Equal(t, 2*len(base), reads(true, false, true), "a user without Source: read, rewound and read again")
	// Foreign resolves the directory against the document first (basepatch.go: its
	// sites, roles and definitions), and notes what it has in the same reading: read
	// twice, as a user without Source (three times before).
	require.Equal(t, 2*len(base), reads(false, true, true), "Foreign: read for what to resolve against and what it has, then patched")
	require.Equal(t, len(base), reads(true, false, false), "no seeking: read once, and spooled")
}

// TestPatchAnotherExportIntoBase: another export of the base's flavour (the base's users,
// one more user and one more site) patched into the base (map --to odm --base) adds the
// user and the site the base lacks, once each, with Patch and PatchStream alike. Going by
// the values' Source, which names the other export's blocks, both were left out without a
// word.
func TestPatchAnotherExportIntoBase(t *testing.T) {
	base := string(odmFixtures(t)["testdata/inform/htn-demo.xml"])
	cut := func(open, end string) string {
		i := strings.Index(base, open)
		require.GreaterOrEqual(t, i, 0, open)
		return base[i : i+strings.Index(base[i:], end)+len(end)]
	}
	user, site := cut(`<User OID="kwatanabe"`, "</User>"), cut(`<Location OID="10128"`, "</Location>")
	newUser := strings.NewReplacer(`"kwatanabe"`, `"zquill"`, ">kwatanabe<", ">zquill<", "10128", "10129").Replace(user)
	newSite := strings.ReplaceAll(site, "10128", "10129")
	other := strings.Replace(base, user, user+"\n    "+newUser, 1)
	other = strings.Replace(other, site, site+"\n    "+newSite, 1)

	opts := PatchOptions{Options: Options{Now: time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)}, Foreign: true}
	dir, _, err := FromReader(odm.NewReader(strings.NewReader(other), odm.ReadOptions{}), opts.Options)
	require.NoError(t, err)
	var held, streamed bytes.Buffer
	_, err = Patch(&held, strings.NewReader(base), dir, opts)
	require.NoError(t, err)
	_, err = PatchStream(&streamed, odm.NewReader(strings.NewReader(other), odm.ReadOptions{}),
		func() (io.Reader, error) { return strings.NewReader(base), nil }, opts)
	require.NoError(t, err)
	require.Equal(t, held.String(), streamed.String(), "PatchStream writes what Patch writes")
	out := held.String()
	for _, want := range []string{`<User OID="amorel"`, `<User OID="kwatanabe"`, `<User OID="zquill"`, `<Location OID="10127"`, `<Location OID="10128"`, `<Location OID="10129"`} {
		require.Equal(t, 1, strings.Count(out, want), "%s once in:\n%s", want, out)
	}
}

type countingReader struct {
	r *bytes.Reader
	n int
}

func (c *countingReader) Seek(off int64, whence int) (int64, error) { return c.r.Seek(off, whence) }

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestPatchRenamedSite: a site a migration spec renames is written at the record of its
// old OID, under the new one, by PatchStream (map --to odm --spec) and by Patch after
// Spec.Apply alike: before, its Location was left out (the document has no record of the
// new OID, and the site's Source said the document had it), and every LocationRef to it
// dangled.
func TestPatchRenamedSite(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	for _, name := range []string{"testdata/rave/mediflex-users.xml", "testdata/inform/htn-demo.xml"} {
		data := odmFixtures(t)[name]
		require.NotNil(t, data, name)
		dir, _, err := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), Options{Now: now})
		require.NoError(t, err)
		spec := &Spec{}
		for i, s := range dir.Sites {
			spec.Sites = append(spec.Sites, SiteRule{Source: s.ID, Target: "T-" + s.ID, Row: 2 + i})
		}
		require.NotEmpty(t, spec.Sites, name)
		opts := PatchOptions{Options: Options{Now: now, Spec: &SpecUse{Spec: spec}}}
		var streamed bytes.Buffer
		_, err = PatchStream(&streamed, odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}),
			func() (io.Reader, error) { return bytes.NewReader(data), nil }, opts)
		require.NoError(t, err, name)
		spec.Apply(dir, "", nil)
		var held bytes.Buffer
		_, err = Patch(&held, bytes.NewReader(data), dir, PatchOptions{Options: Options{Now: now}})
		require.NoError(t, err, name)
		require.Equal(t, held.String(), streamed.String(), "%s: PatchStream writes what Patch writes", name)
		out := held.String()
		for _, r := range spec.Sites {
			require.Equal(t, 1, strings.Count(out, `<Location OID="`+r.Target+`"`), "%s: site %s under its new OID once:\n%s", name, r.Source, out)
			admin := out[:strings.LastIndex(out, "</AdminData>")] // ClinicalData is copied as it is
			require.NotContains(t, admin, `OID="`+r.Source+`"`, "%s: nothing in AdminData under the old OID", name)
		}
		// The fixtures have their Locations after their users; a site added as new would
		// stand at the head of the block.
		require.Greater(t, strings.Index(out, "<Location "), strings.LastIndex(out, "<User "), "%s: the Locations stand where they stood", name)
	}
}

// TestPatchForeignMatchesSource: what the document has, read from it (Foreign), and what
// the values' Source says, when the directory was read from that document, are the same:
// every ODM fixture patched into itself gives the same bytes, warnings and error either
// way, but that Foreign also returns the document's reader warnings (CodeQuirk): those
// of odm.Transform's reading of it.
func TestPatchForeignMatchesSource(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	compared := 0
	for name, data := range odmFixtures(t) {
		var out [2]bytes.Buffer
		var ws [2][]Warning
		var errs [2]string
		for i, foreign := range []bool{false, true} {
			w, err := PatchStream(&out[i], odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}),
				func() (io.Reader, error) { return bytes.NewReader(data), nil },
				PatchOptions{Options: Options{Now: now}, Foreign: foreign, mergedValues: true})
			ws[i] = w
			if err != nil {
				errs[i] = err.Error()
			}
		}
		require.Equal(t, errs[0], errs[1], name)
		require.Equal(t, out[0].String(), out[1].String(), "%s: Foreign patches differently", name)
		var quirks, rest []Warning
		for _, w := range ws[1] {
			if w.Code == CodeQuirk {
				quirks = append(quirks, w)
			} else {
				rest = append(rest, w)
			}
		}
		require.Equal(t, ws[0], rest, name)
		if errs[0] == "" {
			read, err := odm.Transform(io.Discard, bytes.NewReader(data), odm.ReadOptions{Reuse: true}, odm.WriteOptions{},
				func(n odm.Node) (odm.Node, error) { return n, nil })
			require.NoError(t, err, name)
			require.Equal(t, quirkWarnings(read), quirks, "%s: Foreign returns the document's reader warnings", name)
		}
		if errs[0] == "" {
			compared++
		}
	}
	require.GreaterOrEqual(t, compared, 40, "too few fixtures patched")
}

// TestPatchSiteStudyTheBaseLacks: OpenClinica holds a site as a site study (a Study that
// includes its parent's metadata, and an AdminData of its StudyOID listing the users with
// access at it). A patch copies the base's Study elements and adds no AdminData, so
// another export's site the base has no site study for, and access at a site the base
// has no AdminData for, cannot be written: map --to odm --profile openclinica --base
// FILE left them out without a word. Each is now a warning, whether the directory is
// held (Patch), streamed (PatchStream) or compact (CompactDirectory.Patch).
func TestPatchSiteStudyTheBaseLacks(t *testing.T) {
	study := func(oid, include string) string {
		s := `<Study OID="` + oid + `"><GlobalVariables><StudyName>` + oid + `</StudyName><StudyDescription/><ProtocolName>` + oid + `</ProtocolName></GlobalVariables>`
		if include == "" {
			return s + `<MetaDataVersion OID="v1" Name="v1"/></Study>`
		}
		return s + `<MetaDataVersion OID="v1" Name="v1"><Include StudyOID="` + include + `" MetaDataVersionOID="v1"/></MetaDataVersion></Study>`
	}
	const ann = `<User OID="USR_1"><FullName>Ann Example</FullName><FirstName>Ann</FirstName><LastName>Example</LastName></User>`
	doc := func(parts ...string) string {
		return `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:OpenClinica="http://www.openclinica.org/ns/odm_ext_v130/v3.1" FileOID="F" CreationDateTime="2026-01-10T10:15:00" FileType="Snapshot" ODMVersion="1.3">
` + strings.Join(parts, "\n") + "\n</ODM>\n"
	}
	block := func(oid string, users ...string) string {
		return `<AdminData StudyOID="` + oid + `">` + strings.Join(users, "") + `</AdminData>`
	}
	parent, nl, de := study("S_DEMO", ""), study("S_SITE_NL01", "S_DEMO"), study("S_SITE_DE02", "S_DEMO")
	const (
		noStudy  = "Location|Location S_SITE_DE02|the document has no site study (Study) of the site's OID, and a patch adds none; the site is not written"
		noAccess = "Assignment|Location S_SITE_DE02|the document has no AdminData for the site study, and a patch adds none; access at the site is not written"
	)
	tests := []struct {
		name, reason string
		other, base  string
		want         []string // "Field|Subject|Message" of the unrepresentable warnings
	}{
		{"no-site-study", "the other export's site DE02, without users, and the base has neither its Study nor an AdminData: the site was dropped silently",
			doc(parent, nl, de, block("S_DEMO", ann), block("S_SITE_NL01", ann), block("S_SITE_DE02")),
			doc(parent, nl, block("S_DEMO", ann), block("S_SITE_NL01", ann)),
			[]string{noStudy}},
		{"no-site-study-with-access", "Ann has access at DE02 too: the site and her access there were both dropped silently, her other records written",
			doc(parent, nl, de, block("S_DEMO", ann), block("S_SITE_NL01", ann), block("S_SITE_DE02", ann)),
			doc(parent, nl, block("S_DEMO", ann), block("S_SITE_NL01", ann)),
			[]string{noStudy, noAccess}},
		{"site-study-without-block", "the base has DE02's Study (the site is there) but no AdminData (OpenClinica writes one only for a study with users): only the access is not written",
			doc(parent, nl, de, block("S_DEMO", ann), block("S_SITE_NL01", ann), block("S_SITE_DE02", ann)),
			doc(parent, nl, de, block("S_DEMO", ann), block("S_SITE_NL01", ann)),
			[]string{noAccess}},
		{"base-has-all", "the base has DE02's Study and Ann's record in its AdminData: everything is written, nothing to report",
			doc(parent, nl, de, block("S_DEMO", ann), block("S_SITE_NL01", ann), block("S_SITE_DE02", ann)),
			doc(parent, nl, de, block("S_DEMO", ann), block("S_SITE_NL01", ann), block("S_SITE_DE02", ann)),
			nil},
	}
	for _, tc := range tests {
		if tc.reason == "" {
			t.Fatalf("%s: a case needs a reason", tc.name)
		}
		t.Run(tc.name, func(t *testing.T) {
			// Through Patch (held and spooled), PatchStream and CompactDirectory.Patch.
			out, got := patchEveryWay(t, tc.other, tc.base, ProfileOpenClinica, CodeUnrepresentable)
			require.Equal(t, tc.want, got, "Patch")

			// What the warnings say is so: the base gains no Study and no AdminData.
			for _, tag := range []string{`<Study OID="S_SITE_DE02"`, `<AdminData StudyOID="S_SITE_DE02"`} {
				require.Equal(t, strings.Count(tc.base, tag), strings.Count(out, tag), tag)
			}
		})
	}
}

// TestDocIndexStudies: a docIndex holds the study of each value's block only once the
// document has blocks of a second study (one study's index is its keys alone); either
// way it says which study's blocks have a value, and any block's.
func TestDocIndexStudies(t *testing.T) {
	type rec struct{ study, site string }
	cases := []struct {
		name  string
		recs  []rec // Locations, each in a block of its study
		study string
		site  string
		want  bool
	}{
		{"one study: its block has the site", []rec{{"S1", "A"}, {"S1", "B"}}, "S1", "B", true},
		{"one study: another study's blocks have nothing", []rec{{"S1", "A"}}, "S2", "A", false},
		{"one study: any block has the site", []rec{{"S1", "A"}}, anyStudy, "A", true},
		{"one study: a site no block has", []rec{{"S1", "A"}}, anyStudy, "C", false},
		{"two studies: the first study's site, asked of the second", []rec{{"S1", "A"}, {"S2", "B"}}, "S2", "A", false},
		{"two studies: a site of the first, noted before the second was met", []rec{{"S1", "A"}, {"S2", "B"}}, "S1", "A", true},
		{"two studies: a site both have, asked of the second", []rec{{"S1", "A"}, {"S2", "A"}, {"S1", "A"}}, "S2", "A", true},
		{"two studies: any block", []rec{{"S1", "A"}, {"S2", "B"}}, anyStudy, "B", true},
		{"a block without StudyOID is study \"\"", []rec{{"", "A"}, {"S2", "B"}}, "", "A", true},
		{"a study the document has no block of", []rec{{"S1", "A"}, {"S2", "B"}}, "S3", "A", false},
	}
	for _, c := range cases {
		d := newDocIndex()
		for _, r := range c.recs {
			d.see(&odm.AdminData{StudyOID: r.study}, false)
			d.see(&odm.Location{OID: r.site}, false)
		}
		d.seal()
		require.Equal(t, c.want, d.has(docSite, c.study, c.site), c.name)
		require.False(t, d.has(docUser, c.study, c.site), "%s: another kind of the same key", c.name)
	}
}

// TestDocIndexTableBits: a table's patch asks what the document has of the table's users
// only, so the document's users' keys (held apart from the other values') become, per
// table user by LoginKey, a bit where the users are all in blocks of one study, else the
// studies of the blocks that have the user; where neither can say it (a table user
// without a key) the keys are kept and has answers as before. The other values are
// found either way.
func TestDocIndexTableBits(t *testing.T) {
	type rec struct{ study, user, site string } // a User (by login) or a Location, in a block of study
	cases := []struct {
		name  string
		recs  []rec
		table []string // the table's users' IDs (their logins), "" for none
		want  []string // by table user, the studies of the blocks that have it, joined by ","; nil: nothing made
		bits  bool     // a bit a user, not its studies
	}{
		{"one study: the users the document has, in any letter case", []rec{{"S1", "jdoe", ""}, {"S1", "", "A"}, {"S1", "Asmith", ""}},
			[]string{"JDoe", "bnew", "asmith"}, []string{"S1", "", "S1"}, true},
		{"sites in two studies, users in one: bits still say it", []rec{{"S1", "jdoe", ""}, {"S2", "", "A"}},
			[]string{"jdoe", "x"}, []string{"S1", ""}, true},
		{"users in blocks of two studies: each user's study (a bit cannot say which)", []rec{{"S1", "jdoe", ""}, {"S2", "asmith", ""}},
			[]string{"jdoe", "asmith", "bnew"}, []string{"S1", "S2", ""}, false},
		{"a user in blocks of three studies, of which the first is not the least", []rec{{"S1", "x", ""}, {"S3", "jdoe", ""}, {"S2", "JDOE", ""}, {"S1", "jdoe", ""}, {"S3", "jdoe", ""}},
			[]string{"jdoe", "x"}, []string{"S1,S2,S3", "S1"}, false},
		{"a table user without a key: nothing made", []rec{{"S1", "jdoe", ""}},
			[]string{"jdoe", ""}, nil, false},
		{"a document without users: nothing made", []rec{{"S1", "", "A"}},
			[]string{"jdoe"}, nil, false},
	}
	type tcase = struct {
		name  string
		recs  []rec
		table []string
		want  []string
		bits  bool
	}
	// Every user in blocks of two studies: the other studies (8 bytes each) are still
	// smaller than the keys (12 bytes a record), and are made.
	var many []rec
	var manyTable, manyWant []string
	for i := range 100 {
		u := fmt.Sprintf("user%03d", i)
		many, manyTable = append(many, rec{"S1", u, ""}, rec{"S2", u, ""}), append(manyTable, u)
		manyWant = append(manyWant, "S1,S2")
	}
	cases = append(cases, tcase{"100 users in blocks of two studies each: each user's studies", many, manyTable, manyWant, false})
	// A table far larger than the document, whose one user is in blocks of two studies:
	// a study a table user (2 bytes each) and the other study would take more than the
	// document's two keys, which stay.
	var large []string
	for i := range 100 {
		large = append(large, fmt.Sprintf("user%03d", i))
	}
	cases = append(cases, tcase{"a table far larger than the document: the keys are the smaller, nothing made",
		[]rec{{"S1", "user007", ""}, {"S2", "user007", ""}}, large, nil, false})
	for _, c := range cases {
		d := newDocIndex()
		for _, r := range c.recs {
			d.see(&odm.AdminData{StudyOID: r.study}, true)
			if r.user != "" {
				d.see(&odm.User{OID: "OID-" + r.user, LoginName: r.user}, true)
			} else {
				d.see(&odm.Location{OID: r.site}, true)
			}
		}
		d.seal()
		got := d.tableBits(int32(len(c.table)), func(i int32) (string, bool) {
			return LoginKey(c.table[i]), c.table[i] != ""
		})
		if c.want == nil {
			require.Nil(t, got, c.name)
		} else {
			require.NotNil(t, got, c.name)
			require.Equal(t, c.bits, got.bits != nil, "%s: a bit a user", c.name)
			for i, want := range c.want {
				require.Equal(t, want != "", got.in(int32(i), -1), "%s: user %d in any block", c.name, i)
				for _, st := range []string{"S1", "S2", "S3"} {
					id, ok := d.studyIDs[st]
					if !ok {
						continue
					}
					in := slices.Contains(strings.Split(want, ","), st)
					require.Equal(t, in, got.in(int32(i), int64(id)), "%s: user %d in %s", c.name, i, st)
				}
			}
		}
		for _, r := range c.recs {
			if r.site != "" {
				require.True(t, d.has(docSite, r.study, r.site), "%s: site %s", c.name, r.site)
			} else {
				// The keys are gone where bits or studies stand for them, kept where none do.
				require.Equal(t, got == nil, d.has(docUser, r.study, r.user), "%s: user %s", c.name, r.user)
			}
		}
	}
}

// TestPatcherDocHasByBits: once the document's users are bits of the table's users
// (tableBits), the patcher answers for a table user by its bit, the user at hand
// (atUser) or any other found by its ID's LoginKey (a block's candidates are asked about
// apart from the user at hand), and a block of another study has none of them.
func TestPatcherDocHasByBits(t *testing.T) {
	s, table := newTestTableUsers(t, ProfileClinicalOne)
	d := newDocIndex()
	d.see(&odm.AdminData{StudyOID: "S1"}, true)
	d.see(&odm.User{OID: "U1", LoginName: "JDoe"}, true)
	d.see(&odm.User{OID: "U2", LoginName: "ASmith "}, true)
	d.see(&odm.Location{OID: "L1"}, true)
	d.seal()
	p := newTestBitsPatcher(t, s, d)
	want := map[string]bool{"jdoe": true, "bnew": false, "asmith": true}
	for _, at := range []int32{-1, 0, 1, 2} { // no user at hand, then each
		if at >= 0 {
			p.atUser(at, &User{ID: table[at]})
		}
		for _, id := range table {
			require.Equal(t, want[id], p.docHas(docUser, "S1", id), "at %d: %s in S1", at, id)
			require.Equal(t, want[id], p.docHas(docUser, anyStudy, id), "at %d: %s in any block", at, id)
			require.False(t, p.docHas(docUser, "S2", id), "at %d: %s in a study without blocks", at, id)
		}
		require.False(t, p.docHas(docUser, "S1", "nobody"), "a key of no table user")
		require.True(t, p.docHas(docSite, "S1", "L1"), "another kind: the document's keys")
	}
}

// TestPatcherDocHasByStudies: where the document's users are in blocks of several
// studies (OpenClinica's site studies), the patcher answers for a table user by the
// studies of its blocks (tableBits), the user at hand or another found by its ID.
func TestPatcherDocHasByStudies(t *testing.T) {
	s, table := newTestTableUsers(t, ProfileOC4Users)
	d := newDocIndex()
	d.see(&odm.AdminData{StudyOID: "S1"}, true)
	d.see(&odm.User{OID: "U1", LoginName: "JDoe"}, true)
	d.see(&odm.AdminData{StudyOID: "S2"}, true)
	d.see(&odm.User{OID: "U2", LoginName: "ASmith "}, true)
	d.see(&odm.User{OID: "U1", LoginName: "jdoe"}, true)
	d.see(&odm.AdminData{StudyOID: "S3"}, true)
	d.see(&odm.Location{OID: "L1"}, true)
	d.seal()
	p := newTestBitsPatcher(t, s, d)
	want := map[string][]string{"jdoe": {"S1", "S2"}, "bnew": nil, "asmith": {"S2"}}
	for _, at := range []int32{-1, 0, 1, 2} { // no user at hand, then each
		if at >= 0 {
			p.atUser(at, &User{ID: table[at]})
		}
		for _, id := range table {
			for _, st := range []string{"S1", "S2", "S3", "S4"} {
				require.Equal(t, slices.Contains(want[id], st), p.docHas(docUser, st, id), "at %d: %s in %s", at, id, st)
			}
			require.Equal(t, want[id] != nil, p.docHas(docUser, anyStudy, id), "at %d: %s in any block", at, id)
		}
		require.False(t, p.docHas(docUser, "S1", "nobody"), "a key of no table user")
		require.True(t, p.docHas(docSite, "S3", "L1"), "another kind: the document's keys")
	}
}

// newTestTableUsers spills the users of a three-row table of vendor v (jdoe, bnew,
// asmith, each its own login) as a table's --base patch holds them, and returns them
// with the table's IDs.
func newTestTableUsers(t *testing.T, v Profile) (*spilledUsers, []string) {
	s := newTestSpilledUsers(t, &FileSource{Vendor: v})
	s.fold, s.lazyFps = true, true
	table := []string{"jdoe", "bnew", "asmith"}
	for _, id := range table {
		require.NoError(t, s.add(&User{ID: id, Login: id}))
	}
	require.NoError(t, s.seal())
	return s, table
}

// newTestBitsPatcher is a patcher of s into the document d, which answers for s's users
// by what tableBits made of d.
func newTestBitsPatcher(t *testing.T, s *spilledUsers, d *docIndex) *patcher {
	p := &patcher{users: s, doc: d, cur: -1}
	p.userHad = d.tableBits(s.n, func(i int32) (string, bool) {
		id := userID(s.record(i))
		return LoginKey(id), id != ""
	})
	require.NotNil(t, p.userHad)
	return p
}

// TestDocIndexSpilledUsers: a docIndex whose users' keys go to a temporary file while
// the document is read (spillUsers, a table's patch) holds none of them in memory until
// loadUsers, which makes the same index as keys held all along: the same keys and
// studies, the same answers of has and tableBits, over a chunk's end too; the other
// values are held as before.
func TestDocIndexSpilledUsers(t *testing.T) {
	type rec struct{ study, user string } // a User by login, in a block of study
	n := func(count int, studies ...string) []rec {
		var rs []rec
		for i := range count {
			rs = append(rs, rec{studies[i%len(studies)], fmt.Sprintf("user%05d", i%(count-count/50))})
		}
		return rs
	}
	cases := []struct {
		name string
		recs []rec
	}{
		{"no users: nothing loaded", nil},
		{"one study: keys without studies", []rec{{"S1", "jdoe"}, {"S1", "ASmith"}}},
		{"a user in blocks of two studies", []rec{{"S1", "jdoe"}, {"S2", "JDoe"}, {"S2", "asmith"}}},
		{"the first block of no StudyOID", []rec{{"", "jdoe"}, {"S2", "asmith"}}},
		{"more users than a chunk, one study (a chunk read back whole, the rest from memory)", n(keySpillChunk+7, "S1")},
		{"two chunks' worth in three studies, one in fifty listed twice", n(2*keySpillChunk+100, "S1", "S2", "S3")},
	}
	for _, c := range cases {
		mem, sp := newDocIndex(), newDocIndex()
		sp.seed = mem.seed // the same hashes
		sp.spillUsers()
		var table []string
		for _, d := range []*docIndex{mem, sp} {
			for _, r := range c.recs {
				d.see(&odm.AdminData{StudyOID: r.study}, true)
				d.see(&odm.User{OID: "OID-" + r.user, LoginName: r.user}, true)
				d.see(&odm.Location{OID: "L-" + r.study}, true)
			}
			d.seal()
		}
		require.Nil(t, sp.users, "%s: no key in memory before loadUsers", c.name)
		require.NoError(t, sp.loadUsers(), c.name)
		require.Nil(t, sp.spilled, "%s: the file is let go of", c.name)
		require.Equal(t, mem.users == nil, sp.users == nil, "%s: users", c.name)
		if mem.users != nil {
			require.Equal(t, mem.users.keys, sp.users.keys, "%s: keys", c.name)
			require.Equal(t, mem.users.ids, sp.users.ids, "%s: studies", c.name)
		}
		require.Equal(t, mem.keys, sp.keys, "%s: the other values", c.name)
		for _, r := range append(c.recs, rec{"S1", "nobody"}) {
			table = append(table, r.user)
			for _, st := range []string{"", "S1", "S2", "S3", anyStudy} {
				require.Equal(t, mem.has(docUser, st, r.user), sp.has(docUser, st, r.user), "%s: %s in %q", c.name, r.user, st)
			}
		}
		keyOf := func(i int32) (string, bool) { return LoginKey(table[i]), true }
		require.Equal(t, mem.tableBits(int32(len(table)), keyOf), sp.tableBits(int32(len(table)), keyOf), "%s: tableBits", c.name)
	}
}
