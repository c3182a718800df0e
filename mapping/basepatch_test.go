package mapping

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// htnTemplate is the Clinical One template map --to csv --study HTN-DEMO writes of the
// InForm fixture (the deactivated tgrant_old has no row).
const htnTemplate = "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n" +
	"Ada,Morel,ada.morel@site01.example.org,amorel,06-Dec-2026,,Site Investigator Rights,01,\n" +
	"健,渡辺,k.watanabe@site02.example.org,kwatanabe,06-Dec-2026,,CRC Rights,02,\n" +
	"Ольга,Лебедева,olga.lebedeva@sponsor.example.com,olebedeva,06-Dec-2026,,Sponsor CRA Rights,01; 02,\n"

// patchTableEveryWay patches the template tmpl into base as map does, with
// CompactDirectory.Patch, and as a directory read whole with Patch (Foreign), from a
// reader that can seek and from one that cannot: all four must write the same. It
// returns the output and the warnings of the first.
func patchTableEveryWay(t *testing.T, tmpl, base string, opts Options) (string, []Warning) {
	t.Helper()
	po := PatchOptions{Options: Options{Profile: ProfileInForm, Now: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)}}
	var outs []string
	var first []Warning
	for _, seek := range []bool{true, false} {
		src := func() io.Reader {
			if seek {
				return strings.NewReader(base)
			}
			return noSeek{strings.NewReader(base)}
		}
		c, _, err := ReadCompact(strings.NewReader(tmpl), "t.csv", opts)
		require.NoError(t, err)
		var out bytes.Buffer
		ws, err := c.Patch(&out, src(), po)
		require.NoError(t, err)
		require.NoError(t, c.Close())
		if first == nil {
			first = ws
		}
		outs = append(outs, out.String())

		dir, _, err := ReadAny(strings.NewReader(tmpl), "t.csv", opts)
		require.NoError(t, err)
		out.Reset()
		wpo := po
		wpo.Foreign = true
		_, err = Patch(&out, src(), dir, wpo)
		require.NoError(t, err)
		outs = append(outs, out.String())
	}
	for i := 1; i < len(outs); i++ {
		require.Equal(t, outs[0], outs[i], "patch %d of 4 writes otherwise", i+1)
	}
	return outs[0], first
}

// TestPatchTableGivesBaseBack: the template of the InForm export, patched back into it
// (the bug's own case), gives the export back, byte for byte, by every patch of a table
// (CompactDirectory.Patch, Patch of the directory read whole); before, the sites "01" and
// "02" matched no Location, so the users were taken out of the block and FILE's users,
// Locations, SignatureDef and groups were reported removed.
func TestPatchTableGivesBaseBack(t *testing.T) {
	base := string(odmFixtures(t)["testdata/inform/htn-demo.xml"])
	require.NotEmpty(t, base)
	out, ws := patchTableEveryWay(t, htnTemplate, base, Options{})
	for _, w := range ws {
		require.NotContains(t, []Code{CodeRemoved, CodeUnrepresentable, CodeDanglingRef}, w.Code, "%+v", w)
	}
	// As map --to odm writes a file back unchanged: the same bytes but for the white
	// space between the attributes of a tag (here the root's), which becomes one space.
	root := regexp.MustCompile(`(?s)<ODM .*?>`)
	want := root.ReplaceAllStringFunc(base, func(tag string) string { return strings.Join(strings.Fields(tag), " ") })
	require.Equal(t, want, out)
}

// TestPatchTableSiteAmbiguous: a site number two of the document's Locations share is a
// warning naming both, not a guess: the access at it is not written at either (it is
// then unrepresentable, as a site FILE lacks is).
func TestPatchTableSiteAmbiguous(t *testing.T) {
	base := string(odmFixtures(t)["testdata/inform/htn-demo.xml"])
	// Location 10128 gets Location 10127's mnemonic, 01.
	i := strings.Index(base, `<Location OID="10128"`)
	require.Greater(t, i, 0)
	base = base[:i] + strings.Replace(base[i:], "<TranslatedText>02</TranslatedText>", "<TranslatedText>01</TranslatedText>", 1)
	// amorel's row is as the template has it (FILE's access renders as 01 too): FILE's
	// access is kept, as for any row that says what FILE says. The new user's access at
	// 01 is where the patch would have to choose.
	tmpl := htnTemplate + "Nora,Quill,nora.quill@site01.example.org,nquill,06-Dec-2026,,CRC Rights,01,\n"
	out, ws := patchTableEveryWay(t, tmpl, base, Options{Study: "HTN-DEMO"})
	var got []string
	for _, w := range ws {
		if w.Code == CodeDanglingRef {
			got = append(got, w.Subject+": "+w.Message)
		}
	}
	require.Equal(t, []string{"site 01: the document has several sites of that number or name (10127, 10128); it is matched to none of them"}, got)
	require.NotContains(t, out, `<User OID="nquill"`, "nquill's only access, at the ambiguous site, is not written at a guessed Location")
	require.Contains(t, out, `<User OID="amorel"`)
}

// TestPatchStreamForeignSitesByNumber: another InForm export whose Locations have other
// OIDs (another InForm instance numbers them its own way) but the same mnemonics,
// patched into the base (map --to odm --base FILE OTHER.xml, PatchStream; and Patch),
// patches FILE's Locations and keeps its users' access there: the sites are matched by
// number. Before, FILE's Locations were removed, the other export's added, and the
// users' LocationRefs pointed at them.
func TestPatchStreamForeignSitesByNumber(t *testing.T) {
	base := string(odmFixtures(t)["testdata/inform/htn-demo.xml"])
	other := strings.NewReplacer(`"10127"`, `"20127"`, `"10128"`, `"20128"`).Replace(base)
	require.NotEqual(t, base, other)
	po := PatchOptions{Options: Options{Now: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)}, Foreign: true}
	var streamed, held bytes.Buffer
	ws, err := PatchStream(&streamed, odm.NewReader(strings.NewReader(other), odm.ReadOptions{}),
		func() (io.Reader, error) { return strings.NewReader(base), nil }, po)
	require.NoError(t, err)
	for _, w := range ws {
		require.NotEqual(t, CodeRemoved, w.Code, "%+v", w)
	}
	dir, _, err := FromReader(odm.NewReader(strings.NewReader(other), odm.ReadOptions{}), po.Options)
	require.NoError(t, err)
	_, err = Patch(&held, strings.NewReader(base), dir, po)
	require.NoError(t, err)
	require.Equal(t, held.String(), streamed.String(), "PatchStream writes what Patch writes")
	out := streamed.String()
	require.NotContains(t, out, "20127")
	require.NotContains(t, out, "20128")
	// The ClinicalData's own LocationRef names 10127 in both files; the records are FILE's.
	require.Equal(t, strings.Count(base, `LocationOID="10127"`), strings.Count(out, `LocationOID="10127"`))
	require.Equal(t, strings.Count(base, `LocationOID="10128"`), strings.Count(out, `LocationOID="10128"`))
}

// TestCompactPatchSpendsUsers: CompactDirectory.Patch lets go of the directory's users
// once it has copied them (their 8 bytes a user were held through the patch for
// nothing): a use of them after it is an error, not an empty directory.
func TestCompactPatchSpendsUsers(t *testing.T) {
	base := string(odmFixtures(t)["testdata/inform/htn-demo.xml"])
	c, _, err := ReadCompact(strings.NewReader(htnTemplate), "t.csv", Options{})
	require.NoError(t, err)
	defer c.Close()
	d, err := c.Each(func(u *User) *User { return u })
	require.NoError(t, err)
	require.Len(t, d.Users, 3, "before the patch, the users are there")
	_, err = c.Patch(io.Discard, strings.NewReader(base), PatchOptions{Options: Options{Profile: ProfileInForm}})
	require.NoError(t, err)
	_, err = c.Each(func(u *User) *User { return u })
	require.ErrorIs(t, err, errSpent)
	require.NoError(t, c.Close())
}

// TestBaseSideOC4RowsAsReadBack: the rows a patch compares for an OpenClinica 4 user
// table are made without the CSV they were once written to and read back from: they
// must be those rows as read back, cell for cell, whatever the cells hold.
func TestBaseSideOC4RowsAsReadBack(t *testing.T) {
	opts := Options{Now: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)}
	user := func(org, given string) *User {
		return &User{ID: "U1", Login: "ufict", GivenName: given, FamilyName: "Fictus", Emails: []string{"u@example.org"},
			Organization: org, Phones: []string{"555-0100"}, Status: StatusAvailable,
			Assignments: []Assignment{{Study: "S1", Role: Role{Name: "Investigator"}, Scope: ScopeStudy}, {Study: "S1", Role: Role{Name: "Monitor"}, Scope: ScopeStudy}}}
	}
	cases := []struct {
		name string
		u    *User
	}{
		{"plain cells", user("Demo Org", "Ada")},
		{"a line end in a cell, read back as a newline", user("Demo\r\nOrg", "Ada")},
		{"a newline and a lone carriage return, read back as they are", user("Demo\nOrg\rX", "Ada")},
		{"a comma and a quote", user("Demo, \"Org\"", "Ada")},
		{"a cell like a formula, neutralized", user("=1+1", "+Ada")},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		_, err := newOC4Writer(nil, "S1", opts).write(&buf, slices.Values([]*User{c.u}), -1, opts)
		require.NoError(t, err, c.name)
		all, err := csv.NewReader(&buf).ReadAll()
		require.NoError(t, err, c.name)
		bs := &baseSide{table: ProfileOC4Users, study: "S1", opts: opts}
		got, _ := bs.rows(c.u)
		require.Equal(t, all[1:], got, c.name)
		got, _ = bs.rows(c.u) // the writer and warner kept from the first user
		require.Equal(t, all[1:], got, "%s: again", c.name)
	}
}

// TestReplaceFirst: a table's one e-mail address (phone number) replaces FILE's first;
// FILE's others, which the table does not show, stay, each once.
func TestReplaceFirst(t *testing.T) {
	cases := []struct {
		name, reason  string
		base, in, out []string
	}{
		{"changed", "the row's address replaces the first; the second stays", []string{"a@x.org", "b@x.org"}, []string{"c@x.org"}, []string{"c@x.org", "b@x.org"}},
		{"second-named", "the row names FILE's second address: it is first, and not listed twice", []string{"a@x.org", "b@x.org"}, []string{"b@x.org"}, []string{"b@x.org"}},
		{"second-named-case", "the same address in another letter case is the same address", []string{"a@x.org", "B@X.org"}, []string{"b@x.org"}, []string{"b@x.org"}},
		{"cleared", "a cleared cell removes the first; the others stay", []string{"a@x.org", "b@x.org"}, nil, []string{"b@x.org"}},
		{"none-before", "FILE had none: the row's is the one", nil, []string{"c@x.org"}, []string{"c@x.org"}},
	}
	for _, c := range cases {
		require.Equal(t, c.out, replaceFirst(c.base, c.in), "%s: %s", c.name, c.reason)
	}
}

// TestPatchTableBlocksOfOneStudy: a document whose users are in two blocks of the same
// study. CompactDirectory.Patch answers what the document has of the table's users with
// a bit each (docIndex.tableBits), also for a block after the first, where the users are
// asked about apart from the one at hand; Patch of the directory read whole asks the
// document's keys. Both must write the same (patchTableEveryWay), each of the document's
// users once, and the table's new user once.
func TestPatchTableBlocksOfOneStudy(t *testing.T) {
	base := string(odmFixtures(t)["testdata/inform/htn-demo.xml"])
	i := strings.Index(base, `<User OID="tgrant_old"`)
	require.Greater(t, i, 0)
	base = base[:i] + "</AdminData>\n  <AdminData StudyOID=\"HTN-DEMO\">\n    " + base[i:]
	tmpl := htnTemplate + "Nora,Quill,nora.quill@site01.example.org,nquill,06-Dec-2026,,CRC Rights,01,\n"
	out, _ := patchTableEveryWay(t, tmpl, base, Options{Study: "HTN-DEMO"})
	require.Equal(t, 2, strings.Count(out, `<AdminData StudyOID="HTN-DEMO"`))
	for _, login := range []string{"amorel", "kwatanabe", "olebedeva", "tgrant_old", "nquill"} {
		require.Equal(t, 1, strings.Count(out, "<LoginName>"+login+"</LoginName>"), login)
	}
}

// TestBaseSideSiteIndexOwnsItsKeys: a table's patch indexes FILE's sites, packed in a
// temporary file, one at a time (baseSide.resolve), and the index is held until finish.
// Its keys must be copies, not substrings of the sites built from the file's chunks:
// else every chunk read stays in memory through the copy of the table's users (20,000
// sites: some 8 MB of a 30 MB live heap at the patch's peak). The chunks read last are
// still in the spill's cache, so a key cut from one of them is found there.
func TestBaseSideSiteIndexOwnsItsKeys(t *testing.T) {
	bs := &baseSide{shell: &Directory{}, packed: newSpillingSitePacker()}
	var err error
	bs.packed.sp, err = newSpill()
	require.NoError(t, err)
	defer bs.dropPacked()
	const n = 6000 // some 300 KiB of encodings: several pages
	for i := range n {
		bs.packed.add(&Site{ID: fmt.Sprintf("%05d", 10000+i), Number: fmt.Sprintf("N%04d", i),
			Name: fmt.Sprintf("Clinic %d of a name long enough", i), Country: "US"})
	}
	require.Greater(t, len(bs.packed.pages), 3, "the sites must fill pages written to the file")
	bs.resolve(&Directory{}, true)
	sp := bs.packed.sp
	in := func(s string) bool {
		if s == "" {
			return false
		}
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		for _, c := range sp.cache {
			if len(c.s) > 0 {
				lo := uintptr(unsafe.Pointer(unsafe.StringData(c.s)))
				if p >= lo && p < lo+uintptr(len(c.s)) {
					return true
				}
			}
		}
		return false
	}
	x := bs.al.x
	require.Len(t, x.ids, n)
	for id := range x.ids {
		require.False(t, in(id), "site ID %s of the index is a substring of a chunk read from the file", id)
	}
	for k, id := range x.keys {
		require.False(t, in(k) || in(id), "key %q (site %s) of the index is a substring of a chunk read from the file", k, id)
	}
	// The index finds the sites as before: by ID, number and name.
	for _, k := range []string{"10042", "n0042", "clinic 42 of a name long enough"} {
		id, ok := x.Resolve(k)
		require.True(t, ok && id == "10042", "Resolve(%q) = %q, %v", k, id, ok)
	}
}
