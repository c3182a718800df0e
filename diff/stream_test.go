package diff_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/diff"
	"github.com/odmadmin/odmadmin/internal/detach"
	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// counting is a Side over a directory that counts its passes and the users it handed out
// to be kept (gotSides then sets kept to the users the second pass held).
type counting struct {
	d            *mapping.Directory
	passes, kept int
}

func (c *counting) Each(ctx context.Context, keep func(*mapping.User) *mapping.User) (*mapping.Directory, error) {
	c.passes++
	return diff.DirectorySide(c.d).Each(ctx, func(u *mapping.User) *mapping.User {
		k := keep(u)
		if k != nil {
			c.kept++
		}
		return k
	})
}

// wantSides is what CompareSides must return: Compare of the two directories, aligned
// first (on copies) when align is set, as odmadmin diff did before it streamed.
func wantSides(a, b *mapping.Directory, opts diff.Options, align bool) []diff.Change {
	if align {
		a, b = detach.Copy(a), detach.Copy(b)
		mapping.AlignTo(b, a)
		mapping.AlignTo(a, b)
	}
	return diff.Compare(a, b, opts)
}

func gotSides(t *testing.T, a, b *mapping.Directory, opts diff.Options, align bool) ([]diff.Change, *counting, *counting) {
	t.Helper()
	ca, cb := &counting{d: a}, &counting{d: b}
	got, held, err := diff.CompareSidesHeld(context.Background(), ca, cb, diff.SidesOptions{Options: opts, Align: align})
	if err != nil {
		t.Fatal(err)
	}
	// The second pass keeps no user in memory: it holds those it compares in a file.
	if ca.kept != 0 || cb.kept != 0 {
		t.Errorf("the second pass kept %d and %d users in memory; want none", ca.kept, cb.kept)
	}
	ca.kept, cb.kept = held[0], held[1]
	return got, ca, cb
}

// optionSets are the options the differential tests run with, each changing what the
// fingerprint has to normalize or leave out.
var optionSets = map[string]diff.Options{
	"default":         {},
	"exact":           {ExactText: true},
	"keep empty":      {KeepEmpty: true},
	"key login":       {Key: diff.KeyLogin},
	"key email":       {Key: diff.KeyEmail},
	"no extensions":   {IgnoreExtensions: true},
	"roles by name":   {Roles: diff.RolesByName},
	"roles canonical": {Roles: diff.RolesByCanonical},
	"all fields":      {AllFields: true, ExactText: true, KeepEmpty: true},
}

func generated(t testing.TB, users int) []byte {
	var buf bytes.Buffer
	if err := gen.InForm(&buf, users); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readBytes(t testing.TB, data []byte) *mapping.Directory {
	d, _, err := mapping.FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), mapping.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// mutations are edits of one user of a directory. Some change what Compare reports,
// some change only what it ignores (white space, letter case of e-mails, order, empty
// values), some change the key or the set of users.
var mutations = []func(r *rand.Rand, d *mapping.Directory, u *mapping.User){
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		u.Emails = append(u.Emails, "new@example.org")
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) { upperFirst(u.Emails) },
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) { padFirst(u.Emails) },
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		u.Emails = append(slices.Clone(u.Emails), u.Emails...)
		slices.Reverse(u.Emails)
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) { u.GivenName += "x" },
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) { u.GivenName = " " + u.GivenName + "\n" },
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		u.DisplayName = strings.ReplaceAll(u.DisplayName, " ", "  ")
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) { u.Status = mapping.StatusDeactivated },
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		if len(u.Assignments) > 0 && len(d.Sites) > 0 {
			u.Assignments[0].Site = d.Sites[r.IntN(len(d.Sites))].ID
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		// The site by its number or name, which alignment resolves.
		for i := range u.Assignments {
			for _, s := range d.Sites {
				if s.ID == u.Assignments[i].Site {
					u.Assignments[i].Site = []string{s.Number, s.Name, " " + s.ID}[r.IntN(3)]
				}
			}
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		if len(u.Assignments) > 0 {
			u.Assignments[0].Role.Name = "Data Manager Rights"
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		if len(u.Assignments) > 0 {
			u.Assignments[0].Role.Canonical = mapping.RoleMonitor
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		if len(u.Assignments) > 0 {
			u.Assignments[0].Role.Name = " " + u.Assignments[0].Role.Name
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		if len(u.Assignments) > 0 {
			u.Assignments[0].From = "2026-01-05"
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		if len(u.Assignments) > 0 {
			u.Assignments[0].Depots = []string{"All", ""}
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		if len(u.Assignments) > 0 {
			u.Assignments[0].Study = ""
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		if len(u.Assignments) > 0 {
			u.Assignments[0].Environment = mapping.EnvTest
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		if len(u.Assignments) > 0 {
			u.Assignments = append(u.Assignments, u.Assignments[0])
			slices.Reverse(u.Assignments)
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		if u.Source != nil {
			u.Source.Attrs = append(u.Source.Attrs, mapping.Attr{Space: odm.NSInForm, Name: "Note", Value: []string{"", " ", "n"}[r.IntN(3)]})
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		if u.Source != nil && len(u.Source.Attrs) > 0 {
			i := r.IntN(len(u.Source.Attrs))
			u.Source.Attrs[i].Value = []string{"", u.Source.Attrs[i].Value + " ", "changed"}[r.IntN(3)]
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		if u.Source != nil {
			u.Source.Attrs = append(u.Source.Attrs, u.Source.Attrs...) // repeated: the first counts
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		if u.Source != nil {
			u.Source.Elements = append(u.Source.Elements, []string{"<pf:X>a</pf:X>", "<pf:X> a </pf:X>", "<pf:X>\n  <pf:Y/>\n</pf:X>"}[r.IntN(3)])
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		if u.Source != nil {
			u.Source.Attrs = slices.Clone(u.Source.Attrs)
			slices.Reverse(u.Source.Attrs)
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		// Listed in two blocks whose status differs, in either order of the blocks:
		// such a field is fingerprinted and compared listing by listing.
		listTwice(r, u, mapping.Variant{Name: "status", Value: string(mapping.StatusDeactivated)}, string(u.Status),
			func(v string) { u.Status = mapping.Status(v) })
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		// A vendor attribute that differs between two listings, in either order, or
		// that a listing lacks.
		if u.Source == nil {
			return
		}
		old, _ := firstAttrOf(u.Source.Attrs, odm.NSInForm, "Revision")
		listTwice(r, u, mapping.Variant{Space: odm.NSInForm, Name: "Revision", Value: []string{"", "9", " 9"}[r.IntN(3)]}, old,
			func(v string) { u.Source.Attrs = setAttrOf(u.Source.Attrs, odm.NSInForm, "Revision", v) })
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) { u.Login = strings.ToUpper(u.Login) },
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) { u.Login += "2" },
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) { u.ID += "2" },
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		if len(u.Addresses) > 0 {
			u.Addresses[0].City = []string{"Shelbyville", " " + u.Addresses[0].City}[r.IntN(2)]
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) { u.Phones = append(u.Phones, "") },
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) { u.Faxes = nil },
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		u.Telecoms = append(u.Telecoms, mapping.Telecom{Type: "SMS", Value: "+1 555 0100"})
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		if len(u.Groups) > 0 {
			u.Groups[0].Name += " (old)"
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		// A group's type, shown in brackets after its name.
		if len(u.Groups) > 0 {
			u.Groups[len(u.Groups)-1].Type = []string{"", "Site", " Site"}[r.IntN(3)]
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		// Coordinates (one part of an address, trimmed as a whole), a blank or padded
		// street name.
		if len(u.Addresses) > 0 {
			a := &u.Addresses[0]
			switch r.IntN(4) {
			case 0:
				a.Latitude = []string{"42.1", "42.1 ", ""}[r.IntN(3)]
			case 1:
				a.Altitude = []string{"12", " ", ""}[r.IntN(3)]
			case 2:
				a.StreetNames = append(slices.Clone(a.StreetNames), []string{"", " ", "Wing B"}[r.IntN(3)])
			default:
				if len(a.StreetNames) > 0 {
					a.StreetNames = slices.Clone(a.StreetNames)
					a.StreetNames[0] = " " + a.StreetNames[0] + "  "
				}
			}
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		if len(u.Telecoms) > 0 {
			u.Telecoms = slices.Clone(u.Telecoms)
			u.Telecoms[0].Value = []string{u.Telecoms[0].Value + " ", "+1 555 0199"}[r.IntN(2)]
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		u.Picture = &mapping.Picture{File: []string{"", "a.png"}[r.IntN(2)]}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) { u.External = !u.External },
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		for i := range u.Assignments {
			u.Assignments[i].To = []string{"2020-01-01", "2999-01-01", " 2020-01-01"}[r.IntN(3)] // access ended, or not
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) { u.Category = mapping.CategorySupport },
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) { u.Locale = "fr-FR" },
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		// A second user with the same OID, login and e-mail: keys that are not unique.
		c := detach.Copy(u)
		c.GivenName = "Twin"
		d.Users = append(d.Users, c)
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		c := detach.Copy(u)
		c.ID, c.Login, c.Emails = "new"+c.ID, "new"+c.Login, []string{"new" + c.Login + "@example.org"}
		d.Users = append(d.Users, c)
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		d.Users = slices.DeleteFunc(d.Users, func(x *mapping.User) bool { return x == u })
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		if len(d.Sites) > 0 {
			d.Sites[r.IntN(len(d.Sites))].Name += " (new)"
		}
	},
	func(r *rand.Rand, d *mapping.Directory, u *mapping.User) {
		// A site known by its number: alignment renames it to the other side's ID.
		if len(d.Sites) > 0 {
			s := d.Sites[r.IntN(len(d.Sites))]
			old := s.ID
			s.ID, s.Number = s.Number, ""
			for _, x := range d.Users {
				for i := range x.Assignments {
					if x.Assignments[i].Site == old {
						x.Assignments[i].Site = s.ID
					}
				}
			}
		}
	},
}

// listTwice lists u in two blocks, LA (its own study, so that the other side lists it
// there too) and LB, where the field or attribute v names has v's value in LA and the
// value u has (old) in LB, the blocks in random order: the values kept are the first
// block's (set sets the one v names), the other block's is a variant, as reading such an
// export gives.
func listTwice(r *rand.Rand, u *mapping.User, v mapping.Variant, old string, set func(string)) {
	if u.Source == nil || v.Value == old {
		return
	}
	src := *u.Source
	src.Attrs = slices.Clone(src.Attrs)
	u.Source = &src
	la := "LA"
	if len(src.Studies) > 0 {
		la = src.Studies[0]
	}
	if r.IntN(2) == 0 {
		src.Studies = []string{la, "LB"}
		set(v.Value)
		v.Study, v.Value = "LB", old
	} else {
		src.Studies = []string{"LB", la}
		v.Study = la
	}
	src.Variants = append(slices.Clone(src.Variants), v)
}

func firstAttrOf(attrs []mapping.Attr, space, name string) (string, bool) {
	for _, a := range attrs {
		if a.Space == space && a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// setAttrOf gives attrs the attribute {space}name of value v, none for "".
func setAttrOf(attrs []mapping.Attr, space, name, v string) []mapping.Attr {
	attrs = slices.DeleteFunc(attrs, func(a mapping.Attr) bool { return a.Space == space && a.Name == name })
	if v != "" {
		attrs = append(attrs, mapping.Attr{Space: space, Name: name, Value: v})
	}
	return attrs
}

func upperFirst(l []string) {
	if len(l) > 0 {
		l[0] = strings.ToUpper(l[0])
	}
}

func padFirst(l []string) {
	if len(l) > 0 {
		l[0] = "  " + l[0] + " "
	}
}

// TestCompareSidesAsCompare checks that CompareSides returns what Compare returns, for
// random edits of every kind on a generated export (each side edited), with every option
// set, aligned or not. A fingerprint that left out or normalized more than Compare does
// would hide a change here.
func TestCompareSidesAsCompare(t *testing.T) {
	base := generated(t, 60)
	r := rand.New(rand.NewPCG(12, 34))
	trials := 60
	if testing.Short() {
		trials = 15
	}
	changed := 0
	for trial := range trials {
		a, b := readBytes(t, base), readBytes(t, base)
		for _, d := range []*mapping.Directory{a, b} {
			n := r.IntN(4)
			if d == b {
				n++
			}
			for range n {
				if len(d.Users) == 0 {
					break
				}
				u := d.Users[r.IntN(len(d.Users))]
				mutations[r.IntN(len(mutations))](r, d, u)
			}
		}
		// Three option sets per trial (TestCompareSidesEachMutation runs them all).
		names := slices.Sorted(maps.Keys(optionSets))
		r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
		for _, name := range names[:3] {
			opts := optionSets[name]
			for _, align := range []bool{false, true} {
				want := wantSides(a, b, opts, align)
				got, _, _ := gotSides(t, a, b, opts, align)
				if d := cmp.Diff(want, got); d != "" {
					t.Fatalf("trial %d, %s, align %v: CompareSides differs from Compare (-want +got):\n%s", trial, name, align, d)
				}
				changed += len(want)
			}
		}
	}
	if changed == 0 {
		t.Fatal("no trial had a change: the test compares nothing")
	}
}

// TestCompareSidesEachMutation applies each mutation alone, so that every kind of edit is
// checked whatever the random choices of the test above.
func TestCompareSidesEachMutation(t *testing.T) {
	base := generated(t, 40)
	for i, m := range mutations {
		a, b := readBytes(t, base), readBytes(t, base)
		m(rand.New(rand.NewPCG(uint64(i), 1)), b, b.Users[7])
		if i%2 == 1 {
			// B as a Clinical One template, which lists current users only: a user it
			// lacks who is not current is no change, a user current on one side only is.
			b.Source.Vendor = mapping.ProfileClinicalOne
		}
		for name, opts := range optionSets {
			for _, align := range []bool{false, true} {
				want := wantSides(a, b, opts, align)
				got, _, _ := gotSides(t, a, b, opts, align)
				if d := cmp.Diff(want, got); d != "" {
					t.Fatalf("mutation %d, %s, align %v: CompareSides differs from Compare (-want +got):\n%s", i, name, align, d)
				}
			}
		}
	}
}

// TestCompareSidesFixtures compares the fixtures with each other as files (diff.ODMFile)
// and as directories, across vendors too.
func TestCompareSidesFixtures(t *testing.T) {
	names := []string{"inform-export.xml", "inform-reordered.xml", "rave-export.xml"}
	for _, x := range names {
		for _, y := range names {
			for oname, opts := range optionSets {
				a, b := read(t, x), read(t, y)
				want := wantSides(a, b, opts, true)
				got, err := diff.CompareSides(context.Background(), diff.DirectorySide(a), diff.DirectorySide(b), diff.SidesOptions{Options: opts, Align: true})
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("%s vs %s, %s: CompareSides differs from Compare (-want +got):\n%s", x, y, oname, d)
				}
				// From the files, read as mapping.ReadEach reads them.
				fa, _, err := mapping.FromReader(odmReader(t, x), mapping.Options{})
				if err != nil {
					t.Fatal(err)
				}
				fb, _, err := mapping.FromReader(odmReader(t, y), mapping.Options{})
				if err != nil {
					t.Fatal(err)
				}
				got, err = diff.CompareSides(context.Background(), diff.ODMFile(filepath.Join("testdata", x), mapping.Options{}),
					diff.ODMFile(filepath.Join("testdata", y), mapping.Options{}), diff.SidesOptions{Options: opts})
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(diff.Compare(fa, fb, opts), got); d != "" {
					t.Errorf("%s vs %s as files, %s: CompareSides differs from Compare (-want +got):\n%s", x, y, oname, d)
				}
			}
		}
	}
}

func odmReader(t *testing.T, name string) *odm.Reader {
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return odm.NewReader(bytes.NewReader(data), odm.ReadOptions{})
}

// TestCompareSidesReadsLittle checks the point of CompareSides: equal users are not read
// a second time, changed ones are, and a key that is not unique is compared exactly.
func TestCompareSidesReadsLittle(t *testing.T) {
	base := generated(t, 500)
	a, b := readBytes(t, base), readBytes(t, base)
	got, ca, cb := gotSides(t, a, b, diff.Options{}, true)
	if len(got) != 0 || ca.passes != 1 || cb.passes != 1 {
		t.Errorf("equal exports: %d changes, %d and %d passes; want none and one pass each", len(got), ca.passes, cb.passes)
	}
	b.Users[10].GivenName = "Changed"
	b.Users[20].Emails = []string{"moved@example.org"}
	b.Users[30].GivenName = " " + b.Users[30].GivenName // no change: white space
	got, ca, cb = gotSides(t, a, b, diff.Options{}, true)
	if len(got) != 2 {
		t.Errorf("got %d changes, want 2", len(got))
	}
	if ca.kept > 3 || cb.kept > 3 || ca.passes != 2 {
		t.Errorf("the second pass kept %d and %d users in %d passes; want at most 3 of %d each, in 2", ca.kept, cb.kept, ca.passes, len(a.Users))
	}
	// A duplicated key: both of them and the one on the other side are compared.
	twin := detach.Copy(b.Users[40])
	twin.Login = "twin"
	b.Users = append(b.Users, twin)
	_, ca, cb = gotSides(t, a, b, diff.Options{}, true)
	if ca.kept != 3 || cb.kept != 4 {
		t.Errorf("with a duplicated OID the second pass kept %d and %d users; want 3 and 4", ca.kept, cb.kept)
	}
}

// TestCompareSidesCancel checks that a cancelled context stops the comparison.
func TestCompareSidesCancel(t *testing.T) {
	base := generated(t, 3000)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := diff.CompareSides(ctx, diff.DirectorySide(readBytes(t, base)), diff.DirectorySide(readBytes(t, base)), diff.SidesOptions{})
	if err != context.Canceled {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

// synthetic is a Side that makes n users as it goes and holds none of them, so that a
// measurement of the heap sees only what CompareSides holds. After handing out the last
// user of a pass it records the heap in use (after a collection).
type synthetic struct {
	n, changed int
	heap       uint64
}

func (s *synthetic) Each(_ context.Context, keep func(*mapping.User) *mapping.User) (*mapping.Directory, error) {
	d := &mapping.Directory{Studies: []*mapping.Study{{ID: "S"}}, Sites: []*mapping.Site{{ID: "10", Number: "01"}}, Users: []*mapping.User{}}
	for i := range s.n {
		if k := keep(synthUser(i, i < s.changed)); k != nil {
			d.Users = append(d.Users, k)
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s.heap = max(s.heap, ms.HeapAlloc)
	return d, nil
}

func synthUser(i int, changed bool) *mapping.User {
	g, f := gen.Name(i)
	u := &mapping.User{
		ID: fmt.Sprintf("user%07d", i), Login: fmt.Sprintf("login%07d", i), GivenName: g, FamilyName: f,
		DisplayName: g + " " + f, Emails: []string{fmt.Sprintf("user%07d@example.org", i)}, Phones: []string{"+1 555 0100"},
		Status: mapping.StatusAvailable,
		Assignments: []mapping.Assignment{{Study: "S", Site: "10", Role: mapping.Role{Name: "Site Investigator Rights", Canonical: mapping.RoleInvestigator},
			Environment: mapping.EnvProduction}},
		Source: &mapping.Source{Attrs: []mapping.Attr{{Space: odm.NSInForm, Name: "DBUID", Value: fmt.Sprint(20000 + i)}}},
	}
	if changed {
		u.GivenName += "x"
	}
	return u
}

// heapOf returns the largest heap CompareSides had in use while reading two synthetic
// sides of n users (10 of them changed).
func heapOf(t *testing.T, n int) uint64 {
	a, b := &synthetic{n: n}, &synthetic{n: n, changed: 10}
	got, err := diff.CompareSides(context.Background(), a, b, diff.SidesOptions{Align: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 {
		t.Fatalf("%d users: %d changes, want 10", n, len(got))
	}
	return max(a.heap, b.heap)
}

// TestCompareSidesMemory checks that CompareSides holds a small fixed amount per user:
// the heap in use at the end of a pass grows by at most 100 bytes per user (24 bytes of key hash and
// fingerprint per side, and the slack of growing slices) from 20,000 to
// 80,000 users on each side. Holding the users would cost several times that; the
// test measures so (control) and fails if the bound would not tell.
func TestCompareSidesMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap with 2 × 80,000 users; skipped in -short")
	}
	const small, large, bound = 20000, 80000, 100
	hs, hl := heapOf(t, small), heapOf(t, large)
	perUser := (float64(hl) - float64(hs)) / (large - small)
	t.Logf("heap in use: %d bytes at %d users, %d at %d: %.1f bytes per user", hs, small, hl, large, perUser)
	if perUser > bound {
		t.Errorf("CompareSides holds %.1f bytes per user; want at most %d", perUser, bound)
	}
	// Control: holding the users themselves shows up as far more than the bound.
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	held := make([]*mapping.User, small)
	for i := range held {
		held[i] = synthUser(i, false)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / small
	runtime.KeepAlive(held)
	if per < 4*bound {
		t.Errorf("control: holding a user costs %.0f bytes, under four times the bound (%d): the bound would not tell", per, bound)
	}
}

// TestFingerprintAllocatesNothing: hashing a user builds its addresses, telecoms, groups,
// assignments and vendor attributes as set items in memory the fingerprinter keeps (they
// were 17 strings for the user here, most of what diff allocated).
func TestFingerprintAllocatesNothing(t *testing.T) {
	u := &mapping.User{ID: "u1", Login: "fict01", GivenName: "Ada", FamilyName: "Example", Emails: []string{"ada@example.org"},
		Addresses: []mapping.Address{{StreetNames: []string{"1 Example Street", " Building 2 "}, City: "Springfield", Country: "US", Longitude: "-71.1", Latitude: "42.1", Altitude: "12"},
			{City: "Shelbyville"}},
		Telecoms:    []mapping.Telecom{{Type: "Email", Value: "ada@example.org"}, {Type: "Phone", Value: "+1 617 555 0100"}},
		Groups:      []mapping.GroupRef{{ID: "g1", Name: "Investigators", Type: "Site"}, {ID: "g2"}},
		Assignments: []mapping.Assignment{{Study: "S1", Site: "10000", Role: mapping.Role{Name: "Investigator", Canonical: mapping.RoleInvestigator}}, {Study: "S1", Site: "10001"}},
		Source:      &mapping.Source{Attrs: []mapping.Attr{{Space: odm.NSInForm, Name: "DBUID", Value: "20001"}, {Space: odm.NSInForm, Name: "Revision", Value: "2"}}}}
	c := diff.NewFingerprintComparer()
	c.Fingerprint(u) // the fingerprinter's memory grows to this user's size once
	if n := testing.AllocsPerRun(100, func() { c.Fingerprint(u) }); n > 0 {
		t.Errorf("fingerprinting a user allocated %.0f times, want 0", n)
	}
}
