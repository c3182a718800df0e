package mapping

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/odm"
)

// TestSameUserSeesEveryField: sameUser tells a copy of a record with any one exported
// field of odm.User (or of its Ext) changed from the record, and takes a copy made as
// writer.user makes it (lists of the extension copied) for the record. A field added to
// odm.User fails here until sameUser compares it.
func TestSameUserSeesEveryField(t *testing.T) {
	v := &odm.User{OID: "u", LoginName: "l", Emails: []string{"a@example.org"},
		Addresses: []*odm.Address{{City: "C"}}, LocationRefs: []*odm.LocationRef{{LocationOID: "L"}}}
	v.Attrs = []odm.Attr{{Name: odm.Name{Space: "urn:v", Local: "a"}, Value: "1"}}
	v.Nodes = []odm.Node{&odm.Comment{Data: "c"}}
	c := *v
	c.Attrs = append([]odm.Attr(nil), v.Attrs...)
	c.Nodes = append([]odm.Node(nil), v.Nodes...)
	if !sameUser(&c, v) {
		t.Fatal("a copy as writer.user makes it is not the same user")
	}
	var fields func(rv reflect.Value, path string)
	checked := 0
	fields = func(rv reflect.Value, path string) {
		for i := range rv.NumField() {
			f, sf := rv.Field(i), rv.Type().Field(i)
			if !sf.IsExported() {
				continue
			}
			if sf.Anonymous {
				fields(f, path+sf.Name+".")
				continue
			}
			old := reflect.New(f.Type()).Elem()
			old.Set(f)
			f.Set(changed(t, f))
			if sameUser(&c, v) {
				t.Errorf("sameUser does not see a change of %s%s", path, sf.Name)
			}
			f.Set(old)
			if !sameUser(&c, v) {
				t.Fatalf("%s%s set back: not the same user", path, sf.Name)
			}
			checked++
		}
	}
	fields(reflect.ValueOf(&c).Elem(), "")
	if checked < 25 {
		t.Fatalf("checked %d fields; the walk is wrong", checked)
	}
}

// changed returns a value of f's type other than f's.
func changed(t *testing.T, f reflect.Value) reflect.Value {
	t.Helper()
	switch f.Kind() {
	case reflect.String:
		return reflect.ValueOf(f.String() + "x").Convert(f.Type())
	case reflect.Int:
		return reflect.ValueOf(int(f.Int()) + 1).Convert(f.Type())
	case reflect.Pointer:
		return reflect.New(f.Type().Elem())
	case reflect.Slice:
		// A list of the same length with its own array: writer.user replaces a list it
		// changes.
		s := reflect.MakeSlice(f.Type(), f.Len()+1, f.Len()+1)
		reflect.Copy(s, f)
		return s.Slice(0, f.Len()+1)
	}
	t.Fatalf("no change for a field of kind %v", f.Kind())
	return f
}

// TestPatchUsersAsRead: patched into the document it was read from, every user is left
// as read (odm.AsRead: its bytes copied); a user the directory changed is written anew,
// with the change, and only that one.
func TestPatchUsersAsRead(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "inform", "htn-demo.xml"))
	if err != nil {
		t.Fatal(err)
	}
	records := bytes.Count(data, []byte("<User "))
	var copied bytes.Buffer // as odm.Transform copies it: the fixture has tags laid out by hand
	if _, err := odm.Transform(&copied, bytes.NewReader(data), odm.ReadOptions{}, odm.WriteOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	for _, edit := range []bool{false, true} {
		dir, _, err := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if edit {
			dir.Users[1].GivenName = "Zora"
		}
		w, err := newWriter(dir, "", Options{})
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := w.patchDirectory(&out, bytes.NewReader(data), PatchOptions{}); err != nil {
			t.Fatal(err)
		}
		want := records
		if edit {
			want--
			if !strings.Contains(out.String(), "<FirstName>Zora</FirstName>") {
				t.Errorf("the changed user is not written with its change")
			}
		} else if !bytes.Equal(out.Bytes(), copied.Bytes()) {
			t.Errorf("unchanged: the output is not the document as copied")
		}
		if w.asRead != want {
			t.Errorf("edited %v: %d of %d user records left as read, want %d", edit, w.asRead, records, want)
		}
	}
}

// TestODMStreamsReuse: PatchStream and WriteODMStream keep nothing of the records their
// reader gives them (mapping's builder copies what it needs; PatchStream reads the
// records it patches from the document anew), so a reader that recycles each record's
// memory (odm.ReadOptions.Reuse) changes neither output, warnings nor error: every ODM
// file of the repository, each with its content repeated, and the edited exports,
// patched into itself and written into every ODM profile.
func TestODMStreamsReuse(t *testing.T) {
	files := odmFixtures(t)
	for name, data := range files {
		if b := repeatContent(t, data); b != nil {
			files[name+"x3"] = b
		}
	}
	for name, data := range editedDocs(t) {
		files["edited: "+name] = data
	}
	type result struct {
		out string
		ws  []Warning
		err string
	}
	opts := Options{Now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	compared := 0
	for name, data := range files {
		rd := func(reuse bool) *odm.Reader {
			return odm.NewReader(bytes.NewReader(data), odm.ReadOptions{Reuse: reuse})
		}
		run := func(f func(*bytes.Buffer) ([]Warning, error)) result {
			var b bytes.Buffer
			ws, err := f(&b)
			r := result{out: b.String(), ws: ws}
			if err != nil {
				r.err = err.Error()
			}
			return r
		}
		for _, p := range []Profile{"patch", ProfileInForm, ProfileRave, ProfileOpenClinica, ProfileODM, ProfileODM2} {
			var got [2]result
			for i, reuse := range []bool{false, true} {
				got[i] = run(func(w *bytes.Buffer) ([]Warning, error) {
					if p == "patch" {
						return PatchStream(w, rd(reuse), func() (io.Reader, error) { return bytes.NewReader(data), nil }, PatchOptions{Options: opts})
					}
					return WriteODMStream(w, rd(reuse), p, opts, odm.WriteOptions{})
				})
			}
			if !reflect.DeepEqual(got[0], got[1]) {
				t.Errorf("%s into %q: Reuse changes the result (-without +with):\n%s", name, p, cmp.Diff(got[0].out, got[1].out))
			}
			if got[0].err == "" {
				compared++
			}
		}
	}
	if compared < 50 {
		t.Fatalf("only %d outputs compared", compared)
	}
}

// TestCheckTextFastPath: checkText's 8-byte pass accepts exactly what the rune by rune
// check accepts, wherever in a value a character it must look at stands.
func TestCheckTextFastPath(t *testing.T) {
	for _, c := range []string{"\t", "\n", "\r", "\x00", "\x1f", "\x7f", "é", "\uFFFE", "\xff", "\U0001F600", "\xed\xa0\x80", " ", "~"} {
		for _, pre := range []int{0, 1, 7, 8, 9, 15, 16, 17} {
			for _, post := range []int{0, 1, 8} {
				s := strings.Repeat("a", pre) + c + strings.Repeat("b", post)
				got, want := checkText("p", s), checkRunes("p", s, 0)
				if (got == nil) != (want == nil) || got != nil && got.Error() != want.Error() {
					t.Errorf("%q: checkText %v, rune by rune %v", s, got, want)
				}
			}
		}
	}
}

// TestSpilledUsersFoundInOrder: find tries the user after the one it found last before
// its look-up; what it finds is still the first user with the ID, in order, out of
// order, after a second user with an ID and after an ID no user has.
func TestSpilledUsersFoundInOrder(t *testing.T) {
	s := newTestSpilledUsers(t, &FileSource{Vendor: ProfileInForm})
	ids := []string{"U0", "U1", "U2", "U3", "U4", "U3", "U5", "U0", "U6"}
	for i, id := range ids {
		if err := s.add(&User{ID: id, Login: fmt.Sprint("l", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.seal(); err != nil {
		t.Fatal(err)
	}
	firstOf := func(id string) int32 { return int32(slices.Index(ids, id)) }
	for _, seq := range [][]string{
		ids,                                  // in order, second users with an ID included
		{"U4", "U3", "U5", "U6", "U0", "U1"}, // after U4 comes a second U3: the first is found
		{"U2", "none", "U3", "U9", "U4"},     // after IDs no user has
	} {
		for _, id := range seq {
			i, u := s.find(id, "")
			if want := firstOf(id); i != want || (want >= 0) != (u != nil) || u != nil && u.Login != fmt.Sprint("l", want) {
				t.Errorf("find %s after %v = %d, want %d", id, seq, i, want)
			}
		}
	}
}

// TestEqualNonEmpty: equalNonEmpty is equalStrings of nonEmpty, without the list.
func TestEqualNonEmpty(t *testing.T) {
	lists := [][]string{nil, {}, {""}, {" "}, {"a"}, {"a", ""}, {"", "a"}, {"a", "b"}, {"b", "a"}, {"a", " ", "b"}, {" a"}, {"a", "b", "c"}}
	for _, base := range lists {
		for _, want := range lists {
			if got, exp := equalNonEmpty(base, want), equalStrings(nonEmpty(base), want); got != exp {
				t.Errorf("equalNonEmpty(%q, %q) = %v, want %v", base, want, got, exp)
			}
		}
	}
}

// TestAddressesAre: addressesAre is equalAddresses of addresses, without the list.
func TestAddressesAre(t *testing.T) {
	odmLists := [][]*odm.Address{nil, {{}}, {{StreetNames: []string{" "}}},
		{{City: "C"}}, {{City: "C"}, {}}, {{}, {City: "C"}},
		{{StreetNames: []string{"1 Road", ""}, City: "C"}}, {{StreetNames: []string{"1 Road"}, City: "C"}},
		{{GeoPosition: &odm.GeoPosition{Longitude: "1"}}}, {{GeoPosition: &odm.GeoPosition{}}},
		{{City: "C"}, {City: "D"}}, {{City: "D"}, {City: "C"}}}
	var models [][]Address
	for _, l := range odmLists {
		models = append(models, addresses(l))
	}
	models = append(models, []Address{{}}, []Address{{City: "C", StreetNames: []string{""}}})
	for _, in := range odmLists {
		for _, want := range models {
			if got, exp := addressesAre(in, want), equalAddresses(addresses(in), want); got != exp {
				t.Errorf("addressesAre(%v, %+v) = %v, want %v", in, want, got, exp)
			}
		}
	}
}

// TestDecodedListsApart: the lists of a decoded user share memory (userDec.pool) but
// none reaches into another: each ends at its capacity, so appending to one leaves the
// others as they were.
func TestDecodedListsApart(t *testing.T) {
	u := &User{ID: "U", Emails: []string{"e1", "e2"}, Phones: []string{"p"}, Faxes: []string{"f"},
		Addresses: []Address{{StreetNames: []string{"s1", "s2"}}}, Certificates: []string{"c"},
		Assignments: []Assignment{{Depots: []string{"d"}}}}
	b, err := appendUser(nil, u)
	if err != nil {
		t.Fatal(err)
	}
	got := decodeUser(string(b))
	lists := []*[]string{&got.Emails, &got.Phones, &got.Faxes, &got.Addresses[0].StreetNames, &got.Certificates, &got.Assignments[0].Depots}
	for i, l := range lists {
		if cap(*l) != len(*l) {
			t.Errorf("list %d: capacity %d, length %d", i, cap(*l), len(*l))
		}
		*l = append(*l, "added")
	}
	if !reflect.DeepEqual(got.Phones, []string{"p", "added"}) || !reflect.DeepEqual(got.Emails, []string{"e1", "e2", "added"}) ||
		!reflect.DeepEqual(got.Faxes, []string{"f", "added"}) || !reflect.DeepEqual(got.Addresses[0].StreetNames, []string{"s1", "s2", "added"}) {
		t.Errorf("an append reached another list: %+v", got)
	}
}

// TestLabelBounded: writer.label gives the field its make builds, and keeps at most
// maxLabels of them however many different ones a file's extension attributes ask for.
func TestLabelBounded(t *testing.T) {
	w := &writer{}
	for i := range 3 * maxLabels {
		name := "a" + strconv.Itoa(i)
		for range 2 { // made, then found (or made again past the bound)
			if got := w.label("User", "urn:x", name, func() string { return "User/@x:" + name }); got != "User/@x:"+name {
				t.Fatalf("label %d: %q", i, got)
			}
		}
	}
	if len(w.labels) > maxLabels {
		t.Errorf("%d labels kept, want at most %d", len(w.labels), maxLabels)
	}
	if got := w.label("User", "urn:x", "a1", func() string { return "other" }); got != "User/@x:a1" {
		t.Errorf("a kept label was made again: %q", got)
	}
}

// TestUserInRecordMem: writer.userIn makes, record after record in one recordMem (as the
// patcher makes them), the record writer.user makes in new memory, lists of the extension
// nil where they are empty, with the same sameUser verdict and the same warnings: every
// user record of the repository's ODM fixtures, written back from the directory read from
// it with every other user's given name changed (so that some records differ from the one
// read), each also with no extension attributes and nodes (an empty list, not nil).
func TestUserInRecordMem(t *testing.T) {
	records, changed := 0, 0
	for name, data := range odmFixtures(t) {
		doc, err := odm.Decode(bytes.NewReader(data), odm.ReadOptions{})
		if err != nil {
			continue // a fixture that is not a document on purpose
		}
		dir, _, err := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), Options{})
		if err != nil {
			continue
		}
		byID := map[string]*User{}
		for k, u := range dir.Users {
			if _, dup := byID[u.ID]; !dup {
				byID[u.ID] = u
			}
			if k%2 == 1 {
				u.GivenName += "x"
			}
		}
		var ws [2]*writer
		for k := range ws {
			if ws[k], err = newWriter(dir, "", Options{}); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			ws[k].same = true // as the patcher writes
		}
		fresh, inMem := ws[0], ws[1]
		p := &patcher{w: fresh}
		var mem recordMem
		for _, ad := range doc.AdminData() {
			study := strings.TrimSpace(ad.StudyOID)
			for _, read := range ad.Users {
				u := byID[strings.TrimSpace(read.OID)]
				if u == nil {
					continue
				}
				bare := *read
				bare.Attrs, bare.Nodes = []odm.Attr{}, []odm.Node{}
				for _, v := range []*odm.User{read, &bare} {
					as := p.assignmentsIn(u, study)
					want := fresh.user(u, v, as, study)
					got := inMem.userIn(&mem, u, v, as, study)
					if !reflect.DeepEqual(got, want) {
						t.Errorf("%s: user %s: made in memory:\n%s", name, u.ID, cmp.Diff(want, got, cmp.Exporter(func(reflect.Type) bool { return true })))
					}
					if (got.Attrs == nil) != (want.Attrs == nil) || (got.Nodes == nil) != (want.Nodes == nil) {
						t.Errorf("%s: user %s: nil lists of the extension are not nil alike", name, u.ID)
					}
					if sg, sw := sameUser(got, v), sameUser(want, v); sg != sw {
						t.Errorf("%s: user %s: sameUser %v, made in new memory %v", name, u.ID, sg, sw)
					} else if !sw {
						changed++
					}
					records++
				}
			}
		}
		if d := cmp.Diff(fresh.warn.result(), inMem.warn.result()); d != "" {
			t.Errorf("%s: warnings (-new memory +recordMem):\n%s", name, d)
		}
	}
	if records < 100 || changed < 20 {
		t.Fatalf("%d records, %d of them changed: the fixtures are not what the test needs", records, changed)
	}
}

// TestUserInRecordMemAllocs: writing a record back in a recordMem makes no copy of it
// (the User and the lists of its extension), where writer.user makes three.
func TestUserInRecordMemAllocs(t *testing.T) {
	v := &odm.User{OID: "U1", LoginName: "l", FirstName: "F"}
	v.Attrs = []odm.Attr{{Name: odm.Name{Space: "urn:v", Prefix: "v", Local: "a"}, Value: "1"}}
	v.Nodes = []odm.Node{&odm.Comment{Data: "c"}}
	u := &User{ID: "U1", Login: "l", GivenName: "F", Source: &Source{Vendor: ProfileODM}}
	w, err := newWriter(&Directory{Users: []*User{u}, Source: &FileSource{Vendor: ProfileODM}}, ProfileODM, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.same = true
	var mem recordMem
	inMem := testing.AllocsPerRun(100, func() { w.userIn(&mem, u, v, nil, "") })
	fresh := testing.AllocsPerRun(100, func() { w.user(u, v, nil, "") })
	if inMem > fresh-3 {
		t.Errorf("userIn in a recordMem: %v allocations a record, writer.user %v: want 3 fewer", inMem, fresh)
	}
}

// TestCheckAttrsFastPath: checkAttrs, which checks a namespace URI once for the
// attributes that follow one another in it and names an attribute only for an error,
// returns the error checking each attribute in full returns, the first of them; and
// isNCName's pass over ASCII bytes agrees with the rune by rune check.
func TestCheckAttrsFastPath(t *testing.T) {
	const pf = "http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0"
	names := []string{"", "a", "A", "_", "Z9", "a.b-c_d", "9a", "-a", ".a", "a:b", "a b", "é", "aé", "a\xff", "a\u00b7", "\u00b7a", "a\u0300", "@", "[", "`", "{", "a@", "a~", "xmlns"}
	for _, n := range names {
		if got, want := isNCName(n), isNCNameRunes(n); got != want {
			t.Errorf("isNCName(%q) = %v, rune by rune %v", n, got, want)
		}
	}
	full := func(path string, as []Attr, root bool) error {
		for i, a := range as {
			if err := checkAttr(fmt.Sprintf("%s[%d]", path, i), a, root); err != nil {
				return err
			}
		}
		return nil
	}
	for _, c := range []struct {
		why   string
		attrs []Attr
	}{
		{"one vendor's attributes", []Attr{{pf, "DBUID", "1"}, {pf, "GUID", "{g}"}, {pf, "Active", "Yes"}}},
		{"a bad value after the namespace was checked", []Attr{{pf, "a", "1"}, {pf, "b", "x\x00"}}},
		{"a bad name after the namespace was checked", []Attr{{pf, "a", "1"}, {pf, "b:c", "2"}}},
		{"a bad namespace after a good one", []Attr{{pf, "a", "1"}, {"urn:\x01", "b", "2"}, {"urn:\x01", "c", "3"}}},
		{"a bad namespace first", []Attr{{"urn:\xff", "a", "1"}, {"urn:\xff", "b", "2"}}},
		{"no namespace after a vendor's", []Attr{{pf, "a", "1"}, {"", "b", "2"}}},
		{"no namespace first", []Attr{{"", "a", "1"}, {pf, "b", "2"}}},
		{"a namespace declaration", []Attr{{pf, "a", "1"}, {odm.NSXMLNS, "p", pf}}},
		{"OpenClinica 4 columns", []Attr{{NSOC4Users, "First Name", "A"}, {NSOC4Users, "Role", "x\x00"}}},
		{"OpenClinica 4 columns, then a vendor's", []Attr{{NSOC4Users, "Col", "A"}, {pf, "a", "1"}, {pf, "", "2"}}},
		{"none", nil},
	} {
		for _, root := range []bool{false, true} {
			got, want := checkAttrs("p", c.attrs, root), full("p", c.attrs, root)
			if (got == nil) != (want == nil) || got != nil && got.Error() != want.Error() {
				t.Errorf("%s (root %v): checkAttrs %v, each checked in full %v", c.why, root, got, want)
			}
		}
	}
}

// TestExtAttrsIntoOwners: extAttrsInto, which finds the flavour owning a namespace once
// for the attributes that follow one another in it, leaves out silently exactly the
// attributes mappedAttr says a model field carries, and reports the others, whatever the
// namespaces' order: InForm's, Rave's and OpenClinica's attributes taking turns, a
// namespace no flavour owns, none, each with names one vendor maps and another does not.
func TestExtAttrsIntoOwners(t *testing.T) {
	var attrs []Attr
	for _, space := range []string{odm.NSInForm, odm.NSInForm, odm.NSRave, "urn:other", odm.NSInForm, "", odm.NSOpenClinica, odm.NSRave, odm.NSRave, "urn:other"} {
		for _, name := range []string{"Active", "StudyLocale", "UserRole", "UserName", "DBUID"} {
			attrs = append(attrs, Attr{Space: space, Name: name, Value: "v"})
		}
	}
	for _, elem := range []string{"User", "Location"} {
		w, err := newWriter(&Directory{Source: &FileSource{Vendor: ProfileInForm}}, ProfileODM2, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var x odm.Ext
		w.extAttrsInto(&x, ProfileInForm, attrs, elem, "User U1")
		got := map[string]int{}
		for _, r := range w.warn.result() {
			if r.Code == CodeExtensionDropped {
				got[r.Field] = r.Count
			}
		}
		want := map[string]int{}
		for _, a := range attrs {
			own := a.Space == w.fl.namespace() || w.fl.ownsNS(a.Space) // set, not dropped
			if !own && !mappedAttr(elem, a.Space, a.Name) {
				want[elem+"/@"+attrLabel(a.Space, a.Name)]++
			}
		}
		if len(want) < 10 {
			t.Fatalf("%s: %d attributes to report; the test is wrong", elem, len(want))
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: attributes reported as dropped (-each by mappedAttr +extAttrsInto):\n%s", elem, d)
		}
	}
}
