package mapping

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// recycledDoc is a Rave export of n users (fictitious) whose text fills many of the
// builder's text blocks, so that WriteJSON writes them through memory it uses again: each
// user's role, group and site are attribute values (the role taken from a dozen names,
// more than the builder's memo of roles holds), every seventh person is listed again in
// a second AdminData block (merged), and one user has so many e-mail addresses that its
// record's text spans several text blocks (big of them, 0 for none).
func recycledDoc(n, big int) []byte {
	var d strings.Builder
	d.WriteString(`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:mdsol="http://www.mdsol.com/ns/odm/metadata" ODMVersion="1.3" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00">`)
	user := func(i int, phone string) {
		fmt.Fprintf(&d, `<User OID="u%05d" UserType="Investigator" mdsol:Active="Yes" mdsol:UserGroup="Group %d" mdsol:SiteGroup="World" mdsol:UserRole="Role name %d">`, i, i%5, i%12)
		fmt.Fprintf(&d, `<LoginName>login%05d</LoginName><DisplayName>Given%d Family%d</DisplayName><FullName>Given%d Family%d</FullName><FirstName>Given%d</FirstName><LastName>Family%d</LastName>`, i, i, i, i, i, i, i)
		fmt.Fprintf(&d, `<Email>person%05d@site%d.example.org</Email>`, i, i%40)
		if i == big {
			for k := range 12000 {
				fmt.Fprintf(&d, `<Email>alias%05d.of.person%05d@lists.example.org</Email>`, k, i)
			}
		}
		fmt.Fprintf(&d, `<Phone>%s</Phone><LocationRef LocationOID="S%d"/></User>`, phone, i%40)
	}
	d.WriteString(`<AdminData StudyOID="Demo(Prod)">`)
	for i := range n {
		user(i, fmt.Sprintf("+1 555 %04d", i))
	}
	for s := range 40 {
		fmt.Fprintf(&d, `<Location OID="S%d" Name="Site %d" LocationType="Site" mdsol:Active="Yes"><MetaDataVersionRef StudyOID="Demo(Prod)" MetaDataVersionOID="1" EffectiveDate="2025-01-01" mdsol:StudySiteNumber="%d"/></Location>`, s, s, 100+s)
	}
	d.WriteString(`</AdminData><AdminData StudyOID="Other(Prod)">`)
	for i := 0; i < n; i += 7 {
		user(i, fmt.Sprintf("+44 20 %04d", i))
	}
	d.WriteString(`</AdminData></ODM>`)
	return []byte(d.String())
}

// TestWriteJSONRecycledMemory: WriteJSON writes its users' records and text through
// memory it fills again (the spill file's chunks as they are written and read back), so
// nothing of a record may be kept past it; each value kept longer (a role name in the
// builder's caches, a value userJSON compares the next users' with, the previous record's
// values the builder shares, a person being merged) is a copy. The JSON is held to what
// encoding/json writes for FromReader's directory, which keeps every block in memory of
// its own, on exports whose users take each of those paths.
func TestWriteJSONRecycledMemory(t *testing.T) {
	var inf bytes.Buffer
	if err := gen.InForm(&inf, 4000); err != nil {
		t.Fatal(err)
	}
	var oc bytes.Buffer
	if err := gen.OpenClinica(&oc, 4000); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		doc  []byte
	}{
		{"rave", recycledDoc(4000, -1)},
		{"rave, a record spanning text blocks", recycledDoc(4000, 2100)},
		{"inform", inf.Bytes()},
		{"openclinica", oc.Bytes()},
	} {
		d, wantWarn, err := FromReader(odm.NewReader(bytes.NewReader(c.doc), odm.ReadOptions{}), Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(d); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		gotWarn, err := WriteJSON(&got, odm.NewReader(bytes.NewReader(c.doc), odm.ReadOptions{Reuse: true, ValuesOnly: true}), Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if want.Len() < 2<<20 {
			t.Fatalf("%s: only %d bytes of JSON: too few to fill the text blocks many times over", c.name, want.Len())
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			g, w := got.Bytes(), want.Bytes()
			i := 0
			for i < len(g) && i < len(w) && g[i] == w[i] {
				i++
			}
			t.Errorf("%s: WriteJSON differs from encoding/json at byte %d:\n%s\nwant\n%s", c.name, i, clip(g, i), clip(w, i))
		}
		if fmt.Sprint(gotWarn) != fmt.Sprint(wantWarn) {
			t.Errorf("%s: warnings\n%v\nFromReader gives\n%v", c.name, gotWarn, wantWarn)
		}
	}
}

// clip returns the bytes of b around i.
func clip(b []byte, i int) string {
	return string(b[max(0, i-200):min(len(b), i+200)])
}

// TestWriteJSONAllocsPerUser counts the bytes map --to json allocates per user (the
// difference between two sizes of export, so that what does not grow with the users
// cancels out), reader included: the record chunks and text blocks are written to the
// spill file and read back in the same few buffers, where each of the 64 KiB blocks
// (written and read back, some 550 bytes a user of this export) was new memory, and at
// a million users the garbage of it ran collections, page faults and the returning of
// memory to the system that cost a tenth of the command.
func TestWriteJSONAllocsPerUser(t *testing.T) {
	perRun := func(users int) uint64 {
		var doc bytes.Buffer
		if err := gen.InForm(&doc, users); err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		r := odm.NewReader(bytes.NewReader(doc.Bytes()), odm.ReadOptions{Reuse: true, ValuesOnly: true})
		if _, err := WriteJSON(discard{}, r, Options{}); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	const small, large = 4000, 12000
	a1, a2 := perRun(small), perRun(large)
	perUser := (float64(a2) - float64(a1)) / (large - small)
	t.Logf("WriteJSON allocated %d KiB for %d users, %d KiB for %d: %.0f bytes a user", a1>>10, small, a2>>10, large, perUser)
	if perUser > 700 {
		t.Errorf("WriteJSON allocates %.0f bytes a user, want under 700: the spill's blocks are new memory each", perUser)
	}
}

// discard is io.Discard without its ReadFrom (WriteJSON writes, it does not copy).
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// TestMemosKeepCopies: the builder's caches of roles and groups keep copies of the names
// they are asked about. WriteJSON asks with strings of a record, whose memory holds other
// records' text by the time a later user is looked up: a cache keeping the name itself
// would then find a later name (and answer with the role or group of an earlier one).
func TestMemosKeepCopies(t *testing.T) {
	b := newBuilder(ProfileRave, odm.V13, nil)
	mem := []byte("Investigator")
	name := unsafe.String(&mem[0], len(mem))
	first := b.role(name, ScopeSite)
	copy(mem, "Data Manager") // another record's text, in the same memory
	for _, n := range []string{"Data Manager", "Investigator"} {
		if got, want := b.role(n, ScopeSite), RoleFor(ProfileRave, n, ScopeSite); got != want {
			t.Errorf("role %q: %+v, want %+v", n, got, want)
		}
	}
	if first.Name != "Investigator" {
		t.Errorf("the first role's name became %q", first.Name)
	}

	g1, g2 := &Group{ID: "G1", Name: "One"}, &Group{ID: "G2", Name: "Two"}
	b.groups[groupKey{"S", "G1"}], b.groups[groupKey{"S", "G2"}] = g1, g2
	mem = []byte("G1")
	if g := b.group("S", unsafe.String(&mem[0], len(mem))); g != g1 {
		t.Fatalf("group G1: %+v", g)
	}
	copy(mem, "G2")
	if g := b.group("S", "G2"); g != g2 {
		t.Errorf("group G2: %+v, want %+v", g, g2)
	}
}

// TestUserJSONKeepsCopies: the values userJSON keeps to compare the next users' with are
// copies where they are in memory that is read over after the user (reused, as
// WriteJSON's records are). A value kept as it is would be compared as what was read
// over it: a user whose ID equals it would be written with the ID rendered before.
func TestUserJSONKeepsCopies(t *testing.T) {
	mem := []byte("alpha-0001")
	in := func(s string) bool {
		return len(s) > 0 && unsafe.StringData(s) == &mem[0]
	}
	e := userJSON{prefix: "    ", reused: in}
	u := &User{ID: unsafe.String(&mem[0], len(mem)), Login: "same", Emails: []string{}, Phones: []string{}, Groups: []GroupRef{}, Assignments: []Assignment{}}
	e.user(u)
	copy(mem, "bravo-0002") // the next record's text, in the same memory
	e.b = e.b[:0]
	v := *u
	v.ID = "bravo-0002"
	e.user(&v)
	if got := string(e.b); !strings.Contains(got, `"id": "bravo-0002"`) {
		t.Errorf("the second user is written as\n%s", got)
	}
}

// TestCSVLostAllocs: csvLost, which map --to csv and xlsx call for every user, allocates
// nothing for a user whose warnings are listed already: its fields are constants, which
// the warner finds by address (warner.find), where "User/" joined to each field name
// for every user was an allocation and a map look-up hashing the warning's strings.
func TestCSVLostAllocs(t *testing.T) {
	u := &User{ID: "u1", DisplayName: "Ann Lee", FullName: "Dr Ann Lee", GivenName: "Ann", FamilyName: "Lee", Prefix: "Dr",
		Addresses: []Address{{City: "Springfield"}}, Locale: "en-US", Category: CategorySite,
		Groups: []GroupRef{{ID: "5001", Name: "Site Group", Type: "Site"}}}
	role := Role{Name: "Investigator"}
	var w warner
	csvLost(&w, u, role)
	if n := testing.AllocsPerRun(100, func() { csvLost(&w, u, role) }); n != 0 {
		t.Errorf("csvLost allocates %.0f times a user once its warnings are listed, want 0", n)
	}
	if len(w.list) != 6 {
		t.Errorf("%d warnings, want 6 (full name, prefix, address, locale, category, group): %v", len(w.list), w.list)
	}
}

// TestReplayAdoptsEqualValues: a value equal to the one kept at its place, in other memory,
// is kept instead (so that the next user's is equal by address) unless it is in memory
// read over after the user (reused): kept, it would be compared as what was read over it,
// and a user with another value there written with the value before.
func TestReplayAdoptsEqualValues(t *testing.T) {
	mem := []byte("same")
	e := userJSON{prefix: "    ", reused: func(s string) bool {
		return len(s) > 0 && unsafe.StringData(s) == &mem[0]
	}}
	user := func(login string) string {
		e.b = e.b[:0]
		e.user(&User{ID: "u1", Login: login, Emails: []string{}, Phones: []string{}, Groups: []GroupRef{}, Assignments: []Assignment{}})
		return string(e.b)
	}
	user("same")                                  // the shape, and "same" kept at the login's place
	user(unsafe.String(&mem[0], len(mem)))        // equal, in reused memory: not kept
	copy(mem, "diff")                             // the next record's text, in the same memory
	got := user(unsafe.String(&mem[0], len(mem))) // "diff" where "same" was
	if !strings.Contains(got, `"login": "diff"`) {
		t.Errorf("a login of reused memory read over is written as\n%s", got)
	}

	// Equal values in memory that is not read over are kept: the place's value is then
	// the last one's string.
	f := userJSON{prefix: "    "}
	for _, login := range []string{"kept", strings.Clone("kept"), strings.Clone("kept")} {
		f.b = f.b[:0]
		f.user(&User{ID: "u1", Login: login, Emails: []string{}, Phones: []string{}, Groups: []GroupRef{}, Assignments: []Assignment{}})
		if got := string(f.b); !strings.Contains(got, `"login": "kept"`) {
			t.Fatalf("written as\n%s", got)
		}
		if i := slices.IndexFunc(f.places, func(p place) bool { return p.s == "kept" }); i < 0 || unsafe.StringData(f.places[i].s) != unsafe.StringData(login) {
			t.Errorf("the login's place does not hold the last user's string")
		}
	}
}
