package mapping

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/internal/testenv"
	"github.com/odmadmin/odmadmin/odm"
)

// odmFixtures returns every ODM file of the repository (.xml and .odm under any testdata,
// examples and golden directory), by path relative to this package, with its content.
func odmFixtures(t *testing.T) map[string][]byte {
	t.Helper()
	root := testenv.RepoRoot()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		if ext := filepath.Ext(path); ext != ".xml" && ext != ".odm" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		out[rel] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 20 {
		t.Fatalf("found %d ODM fixtures under %s; the walk is wrong", len(out), root)
	}
	return out
}

// patchBoth patches the directory read from dirData into docData with Patch (the
// directory read whole by FromReader and opts.Spec applied to it, as map did) and with
// PatchStream, reports any difference in the output, the warnings or the error, and
// returns PatchStream's output.
func patchBoth(t *testing.T, name string, dirData, docData []byte, opts PatchOptions) []byte {
	t.Helper()
	var want bytes.Buffer
	var wantWs []Warning
	dir, mws, wantErr := FromReader(odm.NewReader(bytes.NewReader(dirData), odm.ReadOptions{}), opts.Options)
	if u := opts.Spec; wantErr == nil && u != nil {
		// As map --spec applies it to the directory read whole.
		mws = append(mws, u.Spec.Apply(dir, u.Target, u.Lookup)...)
	}
	if wantErr == nil {
		var pws []Warning
		pws, wantErr = Patch(&want, bytes.NewReader(docData), dir, opts)
		wantWs = append(mws, pws...)
	}
	var got bytes.Buffer
	calls := 0
	gotWs, gotErr := PatchStream(&got, odm.NewReader(bytes.NewReader(dirData), odm.ReadOptions{}), func() (io.Reader, error) {
		calls++
		return bytes.NewReader(docData), nil
	}, opts)
	if (wantErr == nil) != (gotErr == nil) || wantErr != nil && wantErr.Error() != gotErr.Error() {
		t.Errorf("%s: error %v, Patch's %v", name, gotErr, wantErr)
		return nil
	}
	if wantErr != nil {
		return nil
	}
	if calls != 1 {
		t.Errorf("%s: doc called %d times, want once", name, calls)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("%s: PatchStream's output differs from Patch's:\n%s", name, cmp.Diff(want.String(), got.String()))
	}
	if !reflect.DeepEqual(gotWs, wantWs) {
		t.Errorf("%s: warnings differ:\n%s", name, cmp.Diff(wantWs, gotWs))
	}
	return got.Bytes()
}

// TestPatchStreamSameAsPatch holds PatchStream to Patch's output, warnings and errors: every
// ODM file of the repository patched back into itself and, for each pair of files, one's
// directory patched into the other (users, sites and groups removed, added and changed;
// profile as read and as the document's, as "map --to odm --base" sets it).
func TestPatchStreamSameAsPatch(t *testing.T) {
	files := odmFixtures(t)
	// Files of the same content once, in a fixed order; each is patched into itself and
	// into the next few of its profile (a ring, so every file is a document and a
	// directory against different files).
	seen := map[string]bool{}
	var names []string
	for name, data := range files {
		if !seen[string(data)] {
			seen[string(data)] = true
			names = append(names, name)
		}
	}
	slices.Sort(names)
	byProfile := map[Profile][]string{}
	for _, name := range names {
		p := Profile("")
		if h, err := odm.NewReader(bytes.NewReader(files[name]), odm.ReadOptions{}).Header(); err == nil {
			p = DetectHeader(h)
		}
		byProfile[p] = append(byProfile[p], name)
	}
	const others = 4
	pairs := 0
	for p, group := range byProfile {
		for i, a := range group {
			for k := 0; k <= min(others, len(group)-1); k++ {
				b := group[(i+k)%len(group)]
				pairs++
				// A file patched into itself is read again (Reread): its users' records
				// are copied undecoded, as Patch writes them.
				patchBoth(t, a+" into "+b, files[a], files[b], PatchOptions{Reread: k == 0})
				if p != "" && p != ProfileClinicalOne {
					patchBoth(t, a+" into "+b+" as "+string(p), files[a], files[b], PatchOptions{Options: Options{Profile: p}, Reread: k == 0})
				}
			}
		}
	}
	t.Logf("%d files, %d pairs", len(files), pairs)
}

// informUser is a user of editedInForm.
type informUser struct {
	oid, login, given, family, site, group string
}

// editedInForm writes an InForm export of blocks (StudyOID and users each; a study "-"
// writes a block without StudyOID), with sites S1..S3 in the first block and two rights
// groups.
func editedInForm(blocks []string, users [][]informUser) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Snapshot" FileOID="EDIT.1" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="1.3">
  <!-- a comment outside AdminData -->
`)
	for k, study := range blocks {
		if study == "-" {
			b.WriteString("  <AdminData>\n")
		} else {
			fmt.Fprintf(&b, "  <AdminData StudyOID=%q>\n", study)
		}
		for _, u := range users[k] {
			oid := ""
			if u.oid != "" {
				oid = fmt.Sprintf(" OID=%q", u.oid)
			}
			fmt.Fprintf(&b, `    <User%s UserType="Investigator" pf:DBUID="1" pf:Active="Yes" pf:InFormUserType="Site">
      <LoginName>%s</LoginName>
      <DisplayName>%s %s</DisplayName>
      <FirstName>%s</FirstName>
      <LastName>%s</LastName>
      <Email>%s@site.example.org</Email>
`, oid, u.login, u.given, u.family, u.given, u.family, u.login)
			if u.site != "" {
				fmt.Fprintf(&b, "      <LocationRef LocationOID=%q/>\n", u.site)
			}
			if u.group != "" {
				fmt.Fprintf(&b, "      <pf:GroupRef GroupOID=%q/>\n", u.group)
			}
			b.WriteString("    </User>\n")
		}
		if k == 0 {
			for s := 1; s <= 3; s++ {
				st := study
				if st == "-" {
					st = "EDIT-A"
				}
				fmt.Fprintf(&b, `    <Location OID="S%d" Name="Site %d" LocationType="Site">
      <MetaDataVersionRef StudyOID=%q MetaDataVersionOID="v1" EffectiveDate="2025-01-01"/>
    </Location>
`, s, s, st)
			}
			b.WriteString(`    <pf:GroupDef OID="G1" Name="Investigator Rights" GroupType="Rights"/>
    <pf:GroupDef OID="G2" Name="CRC Rights" GroupType="Rights"/>
`)
		}
		b.WriteString("  </AdminData>\n")
	}
	b.WriteString("</ODM>\n")
	return []byte(b.String())
}

// TestPatchStreamEdits holds PatchStream to Patch on generated exports and edited ones
// patched into each other: users merged across blocks (by OID and by login, with values
// that disagree), a user in several blocks, duplicates by OID in one block and by login
// across blocks, a user without OID, blocks without StudyOID, users of a study the
// document has no block for, and the generated InForm export.
// editedDocs are InForm exports edited as TestPatchStreamEdits says, and a generated one.
func editedDocs(t *testing.T) map[string][]byte {
	u := func(i int, site, group string) informUser {
		return informUser{oid: fmt.Sprintf("u%03d", i), login: fmt.Sprintf("login%03d", i), given: "Ada", family: fmt.Sprintf("Example%d", i), site: site, group: group}
	}
	var one, moved []informUser
	for i := range 40 {
		one = append(one, u(i, fmt.Sprintf("S%d", 1+i%3), fmt.Sprintf("G%d", 1+i%2)))
	}
	for i := 10; i < 50; i++ {
		x := u(i, fmt.Sprintf("S%d", 1+i%3), "G2")
		if i%4 == 0 {
			x.family = "Changed" // disagrees with the first block's record: a merge conflict
		}
		if i%5 == 0 {
			x.oid = fmt.Sprintf("other%03d", i) // the same login under another OID
		}
		moved = append(moved, x)
	}
	dupOID := append(append([]informUser(nil), one[:5]...), one[2], informUser{login: "nooid", given: "No", family: "Oid", site: "S1"})
	dupLogin := []informUser{u(100, "S1", "G1"), {oid: "u101", login: "login100", given: "Same", family: "Login", site: "S2", group: "G2"}}
	unknownSite := []informUser{u(200, "S9", "G9"), u(201, "", "")}
	docs := map[string][]byte{
		"one block":               editedInForm([]string{"EDIT-A"}, [][]informUser{one}),
		"two blocks":              editedInForm([]string{"EDIT-A", "EDIT-B"}, [][]informUser{one, moved}),
		"two blocks reversed":     editedInForm([]string{"EDIT-B", "EDIT-A"}, [][]informUser{moved, one}),
		"three blocks":            editedInForm([]string{"EDIT-A", "EDIT-B", "EDIT-C"}, [][]informUser{one[:20], moved, one[15:]}),
		"same study twice":        editedInForm([]string{"EDIT-A", "EDIT-B", "EDIT-A"}, [][]informUser{one[:20], moved[:5], one[10:30]}),
		"no StudyOID":             editedInForm([]string{"-"}, [][]informUser{one}),
		"no StudyOID and study":   editedInForm([]string{"EDIT-A", "-"}, [][]informUser{one[:10], moved}),
		"study and no StudyOID":   editedInForm([]string{"-", "EDIT-B"}, [][]informUser{one[:10], moved}),
		"duplicates":              editedInForm([]string{"EDIT-A", "EDIT-B"}, [][]informUser{dupOID, dupLogin}),
		"dangling":                editedInForm([]string{"EDIT-A", "EDIT-C"}, [][]informUser{unknownSite, one[:3]}),
		"other study only":        editedInForm([]string{"EDIT-C"}, [][]informUser{moved[:7]}),
		"empty":                   editedInForm([]string{"EDIT-A"}, [][]informUser{nil}),
		"two blocks, fewer users": editedInForm([]string{"EDIT-A", "EDIT-B"}, [][]informUser{one[5:25], moved[3:9]}),
	}
	var big bytes.Buffer
	if err := gen.InForm(&big, 120); err != nil {
		t.Fatal(err)
	}
	docs["generated"] = big.Bytes()
	// Sites whose study version names a study without a block: a block holds them for the
	// users assigned there.
	docs["sites of another study"] = bytes.ReplaceAll(docs["other study only"], []byte(`MetaDataVersionRef StudyOID="EDIT-C"`), []byte(`MetaDataVersionRef StudyOID="EDIT-Z"`))
	docs["generated, fewer"] = bytes.Replace(big.Bytes(), []byte(`<User OID="user000007"`), []byte(`<User OID="user000007x"`), 1)
	return docs
}

func TestPatchStreamEdits(t *testing.T) {
	docs := editedDocs(t)
	for a, da := range docs {
		for b, db := range docs {
			patchBoth(t, a+" into "+b, da, db, PatchOptions{})
		}
	}
}

// TestUserCodecFields fails when a type of the model gains or loses a field: usercodec.go
// writes every field, and must be told of the new one.
func TestUserCodecFields(t *testing.T) {
	for _, c := range []struct {
		v any
		n int
	}{
		{User{}, 26}, {Source{}, 11}, {Assignment{}, 8}, {Role{}, 2}, {GroupRef{}, 3}, {Address{}, 10},
		{Telecom{}, 2}, {Picture{}, 4}, {Attr{}, 3},
	} {
		if n := reflect.TypeOf(c.v).NumField(); n != c.n {
			t.Errorf("%T has %d fields, usercodec.go writes %d: add the new ones to appendUser and decodeUser", c.v, n, c.n)
		}
	}
}

// fullCodecUser is a user with every field the user codec carries set, its source's IDs
// ids: every list non-empty but Phones (empty) and one Address and Assignment of zero
// values, so that nil and empty lists and zero values are told apart.
func fullCodecUser(ids map[string]string) *User {
	return &User{ID: "U1", Login: "l", DisplayName: "d", FullName: "f", GivenName: "g", FamilyName: "fa", Prefix: "p", Suffix: "s",
		Emails: []string{"e1", "e2"}, Phones: []string{}, Faxes: []string{"x"}, Pager: "pg",
		Telecoms: []Telecom{{"SMS", "1"}}, Organization: "o", OrganizationID: "oi",
		Addresses: []Address{{StreetNames: []string{"a", "b"}, HouseNumber: "1", City: "c", StateProv: "sp", Country: "co",
			PostalCode: "pc", OtherText: "ot", Longitude: "lo", Latitude: "la", Altitude: "al"}, {}},
		Certificates: []string{"cert"}, Picture: &Picture{"f", "t", "h", "m"}, Locale: "en", Type: "Sponsor",
		Category: CategorySite, Status: StatusAvailable, External: true,
		Groups: []GroupRef{{"g", "n", "t"}},
		Assignments: []Assignment{{Study: "S", Site: "X", Role: Role{"r", RoleCRC}, Scope: ScopeSite, Environment: EnvTest,
			From: "2020-01-01", To: "2021-01-01", Depots: []string{"All"}}, {Depots: []string{}}},
		Source: &Source{Vendor: ProfileInForm, IDs: ids, Attrs: []Attr{{"ns", "n", "v"}},
			Elements: []string{"<x/>"}, Studies: []string{"S", ""}, RolesFor: ProfileRave, Variants: []Variant{{Study: "S2", Name: "status", Value: "Deactivated"}, {Study: "S2", Space: "urn:x", Name: "a", Value: ""}}, line: 12, col: 5, asRead: 77},
	}
}

// TestUserCodecRoundTrip: a user with every field set (and one with every list nil or
// empty) comes back the same, nil and empty lists told apart.
func TestUserCodecRoundTrip(t *testing.T) {
	full := fullCodecUser(map[string]string{"OID": " U1 "})
	empty := &User{Emails: []string{}, Groups: []GroupRef{}, Assignments: []Assignment{}, Source: &Source{IDs: map[string]string{}}}
	for _, u := range []*User{full, empty, {}} {
		b, err := appendUser([]byte("prefix"), u)
		if err != nil {
			t.Fatal(err)
		}
		got := decodeUser(string(b[len("prefix"):]) + "trailing")
		if !reflect.DeepEqual(got, u) {
			t.Errorf("round trip:\n%s", cmp.Diff(u, got, cmp.AllowUnexported(Source{})))
		}
		if id := userID(string(b[len("prefix"):])); id != u.ID {
			t.Errorf("userID = %q, want %q", id, u.ID)
		}
	}
	if _, err := appendUser(nil, &User{Source: &Source{recs: []record{{}}}}); err == nil {
		t.Error("a user with decoded records was encoded")
	}
}

// TestUserMemDecode: users built one after another in one userMem (as PatchStream's second
// pass and WriteODMStream build them) come back as decodeUser builds them, whatever the
// user before held: nil and empty lists told apart, a Picture, Source or IDs map the user
// before had and this one has not, more lists than the arrays held so far (which grow).
// Each list is cut at its length, so that an append to one (as the writer makes) copies
// it rather than writing over the next list.
func TestUserMemDecode(t *testing.T) {
	full := fullCodecUser(map[string]string{"OID": " U1 ", "GUID": "{g}"})
	// Lists longer than the arrays first made (16 entries), of every kind.
	many := &User{ID: "U2", Source: &Source{Vendor: ProfileInForm, IDs: map[string]string{"OID": "U2"}}}
	for i := range 40 {
		k := strconv.Itoa(i)
		many.Emails = append(many.Emails, "e"+k)
		many.Telecoms = append(many.Telecoms, Telecom{"URL", k})
		many.Addresses = append(many.Addresses, Address{City: k, StreetNames: []string{k}})
		many.Groups = append(many.Groups, GroupRef{ID: k})
		many.Assignments = append(many.Assignments, Assignment{Study: k, Depots: []string{k, k}})
		many.Source.Attrs = append(many.Source.Attrs, Attr{"ns", "a" + k, k})
	}
	empty := &User{Emails: []string{}, Groups: []GroupRef{}, Assignments: []Assignment{}, Source: &Source{IDs: map[string]string{}}}
	noIDs := &User{ID: "U3", Source: &Source{Vendor: ProfileRave}}
	var m userMem
	for k, u := range []*User{full, empty, {}, full, many, noIDs, full, many, {}, full} {
		b, err := appendUser(nil, u)
		if err != nil {
			t.Fatal(err)
		}
		got := m.decode(string(b) + "trailing")
		if !reflect.DeepEqual(got, u) {
			t.Errorf("user %d (%s):\n%s", k, u.ID, cmp.Diff(u, got, cmp.AllowUnexported(Source{})))
		}
		var lists [][]string
		lists = append(lists, got.Emails, got.Phones, got.Faxes, got.Certificates)
		for _, a := range got.Addresses {
			lists = append(lists, a.StreetNames)
		}
		for _, a := range got.Assignments {
			lists = append(lists, a.Depots)
		}
		if got.Source != nil {
			lists = append(lists, got.Source.Elements, got.Source.Studies)
		}
		for _, l := range lists {
			if cap(l) != len(l) {
				t.Errorf("user %d (%s): a list of %d strings has room for %d: an append would write over the next list", k, u.ID, len(l), cap(l))
			}
		}
		if got.Source != nil && cap(got.Source.Attrs) != len(got.Source.Attrs) || cap(got.Addresses) != len(got.Addresses) ||
			cap(got.Groups) != len(got.Groups) || cap(got.Assignments) != len(got.Assignments) || cap(got.Telecoms) != len(got.Telecoms) {
			t.Errorf("user %d (%s): a list has room past its length", k, u.ID)
		}
	}
}

// TestUserMemAllocs: a user built again in a userMem that held one as large allocates
// nothing, where decodeUser allocates the User, its Source and lists (PatchStream builds
// one for every User record it patches).
func TestUserMemAllocs(t *testing.T) {
	u := &User{ID: "U1", Login: "l", Emails: []string{"e"}, Phones: []string{"p"}, Faxes: []string{"f"},
		Addresses: []Address{{StreetNames: []string{"a", "b"}, City: "c"}}, Picture: &Picture{File: "f"},
		Groups: []GroupRef{{ID: "g1"}, {ID: "g2"}}, Assignments: []Assignment{{Study: "S", Site: "X", Role: Role{"r", RoleCRC}}},
		Source: &Source{Vendor: ProfileInForm, IDs: map[string]string{"OID": "U1"}, Attrs: []Attr{{"ns", "a", "1"}, {"ns", "b", "2"}}, Studies: []string{"S"}}}
	b, err := appendUser(nil, u)
	if err != nil {
		t.Fatal(err)
	}
	p := string(b)
	var m userMem
	if n := testing.AllocsPerRun(100, func() { m.decode(p) }); n != 0 {
		t.Errorf("userMem.decode: %v allocations a user, want 0", n)
	}
	s := newTestSpilledUsers(t, &FileSource{Vendor: ProfileInForm})
	for i := range 100 {
		v := *u
		v.ID = "U" + strconv.Itoa(i)
		if err := s.add(&v); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.seal(); err != nil {
		t.Fatal(err)
	}
	s.find("U7", "") // the index is built on the first look-up
	if n := testing.AllocsPerRun(100, func() {
		if _, got := s.find("U7", ""); got == nil || got.ID != "U7" {
			t.Fatal("U7 not found")
		}
	}); n != 0 {
		t.Errorf("spilledUsers.find: %v allocations a user, want 0", n)
	}
}

// TestUserCodecAttrSpaces: a user's attributes come back with their namespaces however
// they follow one another (none, the same as the one before, another, back to one met
// before), and a namespace its attributes share is written once, not once for each (a
// generated InForm user has seven attributes in InForm's namespace).
func TestUserCodecAttrSpaces(t *testing.T) {
	const pf = "http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0"
	for _, c := range []struct {
		why   string
		attrs []Attr
		once  string // a namespace written once
	}{
		{"one vendor's attributes", []Attr{{pf, "DBUID", "1"}, {pf, "GUID", "{g}"}, {pf, "Revision", "1"}, {pf, "StudyLocale", "en-US"}, {pf, "Active", "Yes"}, {pf, "Terminated", "No"}, {pf, "InFormUserType", "Site"}}, pf},
		{"no namespace first, then a vendor's", []Attr{{"", "a", "1"}, {"", "b", ""}, {pf, "c", "2"}, {pf, "d", "3"}}, pf},
		{"namespaces taking turns", []Attr{{"urn:a", "x", "1"}, {"urn:b", "x", "2"}, {"urn:a", "y", "3"}, {"", "z", ""}, {"urn:b", "", "4"}}, ""},
		{"an empty value and name", []Attr{{pf, "", ""}, {pf, "", ""}}, pf},
		{"none", []Attr{}, ""},
	} {
		u := &User{ID: "U1", Source: &Source{Vendor: ProfileInForm, Attrs: c.attrs}}
		b, err := appendUser(nil, u)
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeUser(string(b) + "trailing"); !reflect.DeepEqual(got, u) {
			t.Errorf("%s: round trip:\n%s", c.why, cmp.Diff(u, got, cmp.AllowUnexported(Source{})))
		}
		if c.once != "" {
			if n := strings.Count(string(b), c.once); n != 1 {
				t.Errorf("%s: the namespace is written %d times, want once", c.why, n)
			}
		}
	}
}

// heapSampler is an io.Writer that discards what it is given and measures the heap in use
// (after a collection) every step bytes, keeping the largest.
type heapSampler struct {
	n, next, step int
	max           uint64
}

func (h *heapSampler) Write(p []byte) (int, error) {
	h.n += len(p)
	if h.n >= h.next {
		h.next = h.n + h.step
		h.sample()
	}
	return len(p), nil
}

func (h *heapSampler) sample() {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h.max = max(h.max, ms.HeapAlloc)
}

// livePatchStream patches a generated InForm export of n users into itself through
// PatchStream, both read from the generator through pipes (never held), and returns the
// most heap in use seen once the directory is read (when doc is called) and while the
// document is patched.
func livePatchStream(t *testing.T, n int) uint64 {
	t.Helper()
	pipe := func() io.Reader {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(gen.InForm(pw, n)) }()
		t.Cleanup(func() { pr.Close() })
		return bufio.NewReaderSize(pr, 64<<10)
	}
	out := &heapSampler{step: 1 << 20}
	_, err := PatchStream(out, odm.NewReader(pipe(), odm.ReadOptions{}), func() (io.Reader, error) {
		out.sample()
		return pipe(), nil
	}, PatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if out.n < n*500 {
		t.Fatalf("wrote %d bytes for %d users", out.n, n)
	}
	return out.max
}

// TestPatchStreamMemoryPerUser checks that what PatchStream holds while it patches grows
// with the users by a small index only (where each spilled user is, the table of IDs,
// a bit each: some 10 bytes; the generated file also has a site per 50 users, some 600
// bytes each), not by the directory (Patch's directory holds some 1.7 KB a user). It
// measures heap in use, not time.
func TestPatchStreamMemoryPerUser(t *testing.T) {
	if testing.Short() {
		t.Skip("patches 50,000 generated users")
	}
	const small, large = 10000, 40000
	h1 := livePatchStream(t, small)
	h2 := livePatchStream(t, large)
	perUser := (float64(h2) - float64(h1)) / (large - small)
	t.Logf("most heap in use while patching: %d users %d KiB, %d users %d KiB: %.1f bytes per user", small, h1>>10, large, h2>>10, perUser)
	if perUser > 64 {
		t.Errorf("heap grows by %.1f bytes per user patched, want at most 64 (the users must be in the spill file)", perUser)
	}
}

// writeBoth writes the directory read from data into p with WriteODM (the directory read
// whole by FromReader and opts.Spec applied to it, as map did) and with WriteODMStream,
// reports any difference in the output, the warnings or the error, and returns
// WriteODMStream's output.
func writeBoth(t *testing.T, name string, data []byte, p Profile, opts Options) []byte {
	t.Helper()
	var want bytes.Buffer
	var wantWs []Warning
	dir, mws, wantErr := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), opts)
	if u := opts.Spec; wantErr == nil && u != nil {
		mws = append(mws, u.Spec.Apply(dir, u.Target, u.Lookup)...)
	}
	if wantErr == nil {
		var ws []Warning
		ws, wantErr = WriteODM(&want, dir, p, opts, odm.WriteOptions{})
		wantWs = append(mws, ws...)
	}
	var got bytes.Buffer
	gotWs, gotErr := WriteODMStream(&got, odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), p, opts, odm.WriteOptions{})
	if (wantErr == nil) != (gotErr == nil) || wantErr != nil && wantErr.Error() != gotErr.Error() {
		t.Errorf("%s: error %v, WriteODM's %v", name, gotErr, wantErr)
		return nil
	}
	if wantErr != nil {
		return nil
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("%s: WriteODMStream's output differs from WriteODM's:\n%s", name, cmp.Diff(want.String(), got.String()))
	}
	if !reflect.DeepEqual(gotWs, wantWs) {
		t.Errorf("%s: warnings differ:\n%s", name, cmp.Diff(wantWs, gotWs))
	}
	return got.Bytes()
}

// TestWriteODMStreamSameAsWriteODM holds WriteODMStream to WriteODM's output, warnings and
// errors: every ODM file of the repository and the edited exports of TestPatchStreamEdits,
// written into every ODM profile.
func TestWriteODMStreamSameAsWriteODM(t *testing.T) {
	files := odmFixtures(t)
	for name, data := range editedDocs(t) {
		files["edited: "+name] = data
	}
	opts := Options{Now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	for name, data := range files {
		for _, p := range []Profile{"", ProfileInForm, ProfileRave, ProfileOpenClinica, ProfileODM, ProfileODM2, ProfileClinicalOne} {
			writeBoth(t, name+" into "+string(p), data, p, opts)
		}
	}
}

// liveWriteODMStream writes a generated InForm export of n users, read from the generator
// through a pipe, into Rave through WriteODMStream and returns the most heap in use seen
// while it wrote.
func liveWriteODMStream(t *testing.T, n int) uint64 {
	t.Helper()
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(gen.InForm(pw, n)) }()
	t.Cleanup(func() { pr.Close() })
	out := &heapSampler{step: 1 << 20}
	if _, err := WriteODMStream(out, odm.NewReader(bufio.NewReaderSize(pr, 64<<10), odm.ReadOptions{}), ProfileRave, Options{}, odm.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if out.n < n*300 {
		t.Fatalf("wrote %d bytes for %d users", out.n, n)
	}
	return out.max
}

// TestWriteODMStreamMemoryPerUser is TestPatchStreamMemoryPerUser for WriteODMStream into
// another flavour (one AdminData): WriteODM's directory would hold some 1.7 KB a user.
// WriteODMStream reads its users back in order only, so it holds less than PatchStream:
// two bytes a user (where its record is) and the sites packed (a site per 50 users on
// the generated export, some 400 bytes each); an index by ID, or a placeholder user per
// (study, site) assigned, held some 46 bytes a user.
func TestWriteODMStreamMemoryPerUser(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 50,000 generated users")
	}
	const small, large = 10000, 40000
	h1 := liveWriteODMStream(t, small)
	h2 := liveWriteODMStream(t, large)
	perUser := (float64(h2) - float64(h1)) / (large - small)
	t.Logf("most heap in use while writing: %d users %d KiB, %d users %d KiB: %.1f bytes per user", small, h1>>10, large, h2>>10, perUser)
	if perUser > 24 {
		t.Errorf("heap grows by %.1f bytes per user written, want at most 24 (the users must be in the spill file, with no index but where each is)", perUser)
	}
}

// TestSpilledUsers: users of every size (one larger than a chunk, many filling chunks to
// the byte) come back from the spill file as they went in, found by ID before and after
// the last chunk is written, the first of two with one ID found.
func TestSpilledUsers(t *testing.T) {
	s := newTestSpilledUsers(t, &FileSource{Vendor: ProfileInForm})
	var want []*User
	for i := range 3000 {
		u := &User{ID: fmt.Sprintf("U%d", i), Login: strings.Repeat("x", i%97), Source: &Source{Vendor: ProfileInForm, Studies: []string{"S"}}}
		switch i {
		case 5:
			u.Source.Elements = []string{strings.Repeat("e", 3*chunkSize)} // larger than a chunk
		case 7:
			u.ID = "U3" // a second user with an ID: Patch finds the first
		}
		want = append(want, u)
		if err := s.add(u); err != nil {
			t.Fatal(err)
		}
		if i == 1500 {
			if j, got := s.find("U1499", ""); j != 1499 || got.Login != want[1499].Login {
				t.Errorf("before sealing: find U1499 = %d", j)
			}
		}
	}
	if err := s.seal(); err != nil {
		t.Fatal(err)
	}
	if s.chunks < 3 {
		t.Fatalf("%d chunks; the test needs several", s.chunks)
	}
	for i, u := range want {
		if got := s.user(int32(i)); !reflect.DeepEqual(got, u) {
			t.Fatalf("user %d came back as %+v", i, got)
		}
	}
	if j, _ := s.find("U3", ""); j != 3 {
		t.Errorf("find U3 = %d, want the first user with it, 3", j)
	}
	if j, u := s.find("none", ""); u != nil || j != -1 {
		t.Errorf("find of an ID no user has = %d", j)
	}
}

// TestPackedUsersChunks: users encoded in place at the end of the chunk being filled go
// into the chunks they went into when each was encoded apart first: a chunk ends before
// the user that would take it past chunkSize, a user larger than a chunk has a chunk of
// its own (the users after it start the next). Each comes back whole, and writing the
// chunks copies none of them in memory (a string of each chunk was made before).
func TestPackedUsersChunks(t *testing.T) {
	s := newTestSpilledUsers(t, &FileSource{Vendor: ProfileInForm})
	s.seq = true // the encodings alone, no index
	var users []*User
	var encs []string
	var wantLens []int32
	cur, total := 0, 0
	for i := range 20000 {
		u := &User{ID: "U" + strconv.Itoa(i), Login: strings.Repeat("l", i%211)}
		if i == 700 || i == 701 || i == 15000 {
			u.DisplayName = strings.Repeat("d", chunkSize+i) // larger than a chunk, twice in a row
		}
		b, err := appendUser(nil, u)
		if err != nil {
			t.Fatal(err)
		}
		users, encs = append(users, u), append(encs, string(b))
		if cur+len(b) > chunkSize && cur > 0 {
			wantLens = append(wantLens, int32(cur))
			cur = 0
		}
		cur += len(b)
		total += len(b)
	}
	wantLens = append(wantLens, int32(cur))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, u := range users {
		if err := s.add(u); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.seal(); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if !slices.Equal(s.sp.lens, wantLens) {
		t.Errorf("chunk lengths %v, want %v", s.sp.lens, wantLens)
	}
	for i, e := range encs {
		if got := s.record(int32(i)); !strings.HasPrefix(got, e) {
			t.Fatalf("user %d: record does not start with its encoding", i)
		}
	}
	// What is allocated is the chunk being filled as it grows (past chunkSize for a
	// large user), the large users moved and the offsets, some 600 KB: less than half
	// the chunks written, which a copy of each would add.
	if a := after.TotalAlloc - before.TotalAlloc; a >= uint64(total)/2 {
		t.Errorf("adding %d users in %d chunks (%d bytes) allocated %d bytes: the chunks are copied", len(encs), len(wantLens), total, a)
	}
}

// TestWriteODMStreamSeveralBlocks holds WriteODMStream to WriteODM where it writes
// several blocks from the spill file (each user read again for each block it is in):
// generated exports large enough for many chunks, so that both a block's chunks read in
// order (a block of many users) and records read alone (OpenClinica's site studies, a
// few users each) are used, and several studies in one InForm export (its users'
// assignments edited into three studies, one with no study at all).
func TestWriteODMStreamSeveralBlocks(t *testing.T) {
	if testing.Short() {
		t.Skip("writes generated exports of 3,000 users")
	}
	var oc, inf bytes.Buffer
	if err := gen.OpenClinica(&oc, 3000); err != nil {
		t.Fatal(err)
	}
	if err := gen.InForm(&inf, 3000); err != nil {
		t.Fatal(err)
	}
	opts := Options{Now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	for _, p := range []Profile{ProfileOpenClinica, ProfileODM2, ProfileRave} {
		out := writeBoth(t, "OpenClinica export into "+string(p), oc.Bytes(), p, opts)
		if p == ProfileOpenClinica && bytes.Count(out, []byte("<AdminData")) < 10 {
			t.Errorf("OpenClinica export into OpenClinica: %d AdminData; the test needs several", bytes.Count(out, []byte("<AdminData")))
		}
	}
	// Three studies: the generated users' study split by user (a user's assignments all
	// move to one study, or lose their study).
	dir, _, err := FromReader(odm.NewReader(bytes.NewReader(inf.Bytes()), odm.ReadOptions{}), opts)
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range dir.Users {
		for j := range u.Assignments {
			switch i % 3 {
			case 1:
				u.Assignments[j].Study = "OTHER"
			case 2:
				if i%7 == 0 {
					u.Assignments[j].Study = ""
				}
			}
		}
	}
	var split bytes.Buffer
	if _, err := WriteODM(&split, dir, ProfileODM, opts, odm.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []Profile{ProfileODM2, ProfileRave, ProfileOpenClinica, ProfileInForm} {
		out := writeBoth(t, "three studies into "+string(p), split.Bytes(), p, opts)
		if n := bytes.Count(out, []byte("<AdminData")); n < 2 {
			t.Errorf("three studies into %s: %d AdminData; the test needs several", p, n)
		}
	}
}
