package mapping

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// userGen makes users of random values: strings with the characters JSON and HTML
// escape, invalid UTF-8 and U+2028, lists nil, empty or full, optional values present or
// not. The shape (which values are there, how many of each list) is drawn from shape, the
// strings from val, so that users drawn with shape rngs of one seed have one shape when
// their strings are not empty.
type userGen struct {
	shape, val *rand.Rand
	// full: no empty strings (users of one shape seed then have the same shape).
	full bool
}

var userGenPieces = []string{"", "a", "Ada Example", "<pf:x a=\"1\"/>", "R&D", ">", "\\", "\"", "\n\r\t\b\f", "\x00\x1f\x7f",
	"\xff", "\xe2\x80\xa8", "\xe2\x80\xa9", "é", "中文", "\xed\xa0\x80", "😀", "\xc3", "a long value of more than forty-eight bytes, to be kept apart"}

func (g *userGen) str() string {
	n := g.val.IntN(4)
	if g.full {
		n = 1 + g.val.IntN(2)
	}
	s := ""
	for range n {
		p := userGenPieces[g.val.IntN(len(userGenPieces))]
		if g.full && p == "" {
			p = "b"
		}
		s += p
	}
	return s
}

func (g *userGen) strs() []string {
	switch g.shape.IntN(3) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	out := make([]string, 1+g.shape.IntN(3))
	for i := range out {
		out[i] = g.str()
	}
	return out
}

func (g *userGen) coin() bool { return g.shape.IntN(2) == 0 }

func (g *userGen) user() *User {
	str := g.str
	u := &User{ID: str(), Login: str(), DisplayName: str(), FullName: str(), GivenName: str(), FamilyName: str(),
		Prefix: str(), Suffix: str(), Emails: g.strs(), Phones: g.strs(), Faxes: g.strs(), Pager: str(),
		Organization: str(), OrganizationID: str(), Certificates: g.strs(), Locale: str(), Type: str(),
		Category: Category(str()), Status: Status(str()), External: g.coin()}
	for range g.shape.IntN(3) {
		u.Telecoms = append(u.Telecoms, Telecom{str(), str()})
	}
	for range g.shape.IntN(3) {
		u.Addresses = append(u.Addresses, Address{StreetNames: g.strs(), HouseNumber: str(), City: str(), StateProv: str(),
			Country: str(), PostalCode: str(), OtherText: str(), Longitude: str(), Latitude: str(), Altitude: str()})
	}
	if g.coin() {
		u.Picture = &Picture{File: str(), Type: str(), Href: str(), MIMEType: str()}
	}
	if g.coin() {
		u.Groups = []GroupRef{}
		for range g.shape.IntN(3) {
			u.Groups = append(u.Groups, GroupRef{str(), str(), str()})
		}
	}
	if g.coin() {
		u.Assignments = []Assignment{}
		for range g.shape.IntN(3) {
			u.Assignments = append(u.Assignments, Assignment{Study: str(), Site: str(), Role: Role{str(), Canonical(str())},
				Scope: Scope(str()), Environment: Environment(str()), From: str(), To: str(), Depots: g.strs()})
		}
	}
	if g.coin() {
		s := &Source{Vendor: Profile(str()), Elements: g.strs(), Studies: g.strs(), RolesFor: Profile(str())}
		if g.coin() {
			s.IDs = map[string]string{}
			for i := range g.shape.IntN(4) {
				s.IDs[fmt.Sprint(i)+str()] = str()
			}
		}
		for range g.shape.IntN(12) {
			s.Attrs = append(s.Attrs, Attr{str(), str(), str()})
		}
		u.Source = s
	}
	return u
}

// site makes a site as user makes a user.
func (g *userGen) site() *Site {
	str := g.str
	s := &Site{ID: str(), Name: str(), Type: str(), Number: str(), Country: str(), TimeZone: str(), Locale: str(),
		Active: g.coin(), Organization: str(), Description: str(), Study: str()}
	for range g.shape.IntN(3) {
		s.Versions = append(s.Versions, StudyVersion{Study: str(), Version: str(), Effective: str(), Number: str()})
	}
	for range g.shape.IntN(2) {
		s.Addresses = append(s.Addresses, Address{StreetNames: g.strs(), City: str(), Country: str()})
	}
	for range g.shape.IntN(2) {
		s.Telecoms = append(s.Telecoms, Telecom{str(), str()})
	}
	if g.coin() {
		s.Source = &Source{Vendor: Profile(str()), Studies: g.strs()}
		for range g.shape.IntN(4) {
			s.Source.Attrs = append(s.Source.Attrs, Attr{str(), str(), str()})
		}
	}
	return s
}

// encoderJSON is what json.Encoder, indented as WriteJSON indents users and sites, writes
// for u, without its final newline.
func encoderJSON(t *testing.T, u any) string {
	t.Helper()
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("    ", "  ")
	if err := enc.Encode(u); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(want.String(), "\n")
}

// TestUserJSONMatchesEncoder holds userJSON to what json.Encoder (indented as WriteJSON
// indents users, HTML escaping on) writes, on users made of random values (userGen).
func TestUserJSONMatchesEncoder(t *testing.T) {
	g := userGen{shape: rand.New(rand.NewPCG(1, 2)), val: rand.New(rand.NewPCG(3, 4))}
	for n := range 3000 {
		u := g.user()
		want := encoderJSON(t, u)
		e := userJSON{prefix: "    "}
		e.user(u)
		if got := string(e.b); got != want {
			t.Fatalf("user %d: userJSON writes\n%s\nencoding/json writes\n%s", n, got, want)
		}
	}
}

// TestUserJSONReplay holds one userJSON writing many users in turn (as WriteJSON does) to
// json.Encoder: runs of users of one shape, which it writes from the pieces of the first
// (replay), with values that repeat or change from user to user at each place, runs cut
// short by a user of another shape, and users of shapes that alternate. Without the
// check that a user's shape is the last one's, or with a piece or repeated value kept
// from another user, a user's JSON would come out with another's keys or values.
func TestUserJSONReplay(t *testing.T) {
	val := rand.New(rand.NewPCG(5, 6))
	e := userJSON{prefix: "    "}
	replays := 0
	check := func(what string, u *User) {
		t.Helper()
		replays += writeAsEncoder(t, &e, what, u)
	}
	for run := range 300 {
		seed := uint64(run)
		full := run%3 != 0
		n := 1 + val.IntN(12)
		for i := range n {
			// A few values drawn from a small set, so that places repeat their value.
			g := userGen{shape: rand.New(rand.NewPCG(seed, 7)), val: rand.New(rand.NewPCG(uint64(val.IntN(3)), uint64(i%2))), full: full}
			if i%4 == 3 {
				g.val = val
			}
			check(fmt.Sprintf("run %d user %d", run, i), g.user())
			if run%5 == 4 && i%2 == 1 {
				other := userGen{shape: rand.New(rand.NewPCG(seed+1000, 7)), val: val, full: true}
				check(fmt.Sprintf("run %d user %d, other shape", run, i), other.user())
			}
		}
	}
	if replays < 1000 {
		t.Fatalf("only %d users were written from the last shape's pieces; the test no longer tests replay", replays)
	}
}

// TestPlainJSON holds the fast path of userJSON.str to its definition: every byte value
// at every position of strings of 0 to 19 bytes (both the byte loop and the word loop,
// with and without the overlapping last word), and the JSON written through either path
// to encoding/json's.
func TestPlainJSON(t *testing.T) {
	// Every byte at every place of strings of up to three words and a half (the last
	// word overlaps the one before), after other JSON (a string that needs escaping is
	// written again from where str started) and into a buffer of too little room.
	for n := 0; n < 28; n++ {
		for at := 0; at < n; at++ {
			for c := 0; c < 256; c++ {
				b := []byte("abcdefghijklmnopqrstuvwxyz0123"[:n])
				b[at] = byte(c)
				s := string(b)
				j, err := json.Marshal(s)
				if err != nil {
					t.Fatal(err)
				}
				e := userJSON{b: make([]byte, 1, 1+c%(n+3))}
				e.b[0] = '['
				e.str(s)
				if string(e.b) != "["+string(j) {
					t.Fatalf("str(%q) = %s, encoding/json writes %s", s, e.b[1:], j)
				}
			}
		}
	}
}

// TestSiteJSONMatchesEncoder holds the sites userJSON writes (WriteJSON's sites) to
// json.Encoder: random sites, each through a new encoder, and runs of sites of one shape
// followed by users through one encoder (replay, and a user after a site's shape).
func TestSiteJSONMatchesEncoder(t *testing.T) {
	g := userGen{shape: rand.New(rand.NewPCG(8, 9)), val: rand.New(rand.NewPCG(10, 11))}
	for n := range 2000 {
		s := g.site()
		e := userJSON{prefix: "    "}
		e.site(s)
		if got, want := string(e.b), encoderJSON(t, s); got != want {
			t.Fatalf("site %d: userJSON writes\n%s\nencoding/json writes\n%s", n, got, want)
		}
	}
	e := userJSON{prefix: "    "}
	for run := range 100 {
		for i := range 1 + run%7 {
			sg := userGen{shape: rand.New(rand.NewPCG(uint64(run), 12)), val: g.val, full: run%2 == 0}
			at := len(e.b)
			s := sg.site()
			e.site(s)
			if got, want := string(e.b[at:]), encoderJSON(t, s); got != want {
				t.Fatalf("run %d site %d: userJSON writes\n%s\nencoding/json writes\n%s", run, i, got, want)
			}
		}
		at := len(e.b)
		u := g.user()
		e.user(u)
		if got, want := string(e.b[at:]), encoderJSON(t, u); got != want {
			t.Fatalf("run %d, the user after the sites: userJSON writes\n%s\nencoding/json writes\n%s", run, got, want)
		}
	}
}

// TestUserJSONReplaySharedStrings holds replay to json.Encoder on users whose strings
// share their data as the builder's do (a login that is the ID, a full name that is the
// display name, namespaces and names of one schema), next to users whose strings are
// equal in length but not in bytes, or equal in bytes but not shared: replay takes a
// string of the same data as the same value (samePlace, strOnce), and must not take one
// of the same length for it.
func TestUserJSONReplaySharedStrings(t *testing.T) {
	const ns = "http://www.example.org/vendor/ODM/Extensions/2.0"
	e := userJSON{prefix: "    "}
	replays := 0
	for i := range 400 {
		id := fmt.Sprintf("user%06d", i)
		login := id // shares the ID's data
		switch i % 4 {
		case 1:
			login = fmt.Sprintf("USER%06d", i) // as long, other bytes
		case 2:
			login = strings.Clone(id) // the same bytes, other data
		}
		display := fmt.Sprintf("Given%d Family%d", i%7, i)
		full := display
		if i%5 == 3 {
			full = strings.ToUpper(display)
		}
		space := ns
		if i%9 == 8 {
			space = strings.Replace(ns, "vendor", "Vendor", 1) // as long as ns
		}
		u := &User{ID: id, Login: login, DisplayName: display, FullName: full, GivenName: "Given", FamilyName: "Family",
			Emails: []string{id + "@example.org"}, Phones: []string{}, Groups: []GroupRef{}, Assignments: []Assignment{},
			Source: &Source{Vendor: "inform", Attrs: []Attr{{Space: space, Name: "DBUID", Value: fmt.Sprint(i)},
				{Space: ns, Name: "Active", Value: []string{"Yes", "No"}[i%2]}}}}
		replays += writeAsEncoder(t, &e, fmt.Sprintf("user %d", i), u)
	}
	if replays < 300 {
		t.Fatalf("only %d users were written from the last shape's pieces; the test no longer tests replay", replays)
	}
}

// writeAsEncoder writes u through e, fails the test unless the bytes are what
// encoding/json writes for u, and returns 1 when e wrote u from the last user's shape
// (replay), else 0.
func writeAsEncoder(t *testing.T, e *userJSON, what string, u *User) int {
	t.Helper()
	want := encoderJSON(t, u)
	at := len(e.b)
	same := string(e.shape)
	e.user(u)
	if got := string(e.b[at:]); got != want {
		t.Fatalf("%s: userJSON writes\n%s\nencoding/json writes\n%s", what, got, want)
	}
	if string(e.shape) == same {
		return 1
	}
	return 0
}

// TestUserJSONLargeUserNotKept: a user of more than maxShapeValues values (one assigned
// to each of thousands of sites) is written as json.Encoder writes it without being kept
// as the shape replay writes the next users from: replay keeps some 200 bytes a value,
// which for a user at 80,000 sites came to 226 MB. The users of the shape before it are
// still written from its pieces after it.
func TestUserJSONLargeUserNotKept(t *testing.T) {
	small := func(id string) *User {
		return &User{ID: id, Login: id, GivenName: "Ada", FamilyName: "Example", Assignments: []Assignment{{Study: "S1", Site: "L1", Environment: EnvProduction}}}
	}
	large := small("U-large")
	for i := range maxShapeValues {
		large.Assignments = append(large.Assignments, Assignment{Study: "S1", Site: fmt.Sprintf("L%d", i), Role: Role{Name: "Monitor"}, Environment: EnvProduction})
	}
	e := userJSON{prefix: "    "}
	writeAsEncoder(t, &e, "first small user", small("U1"))
	places := len(e.places)
	writeAsEncoder(t, &e, "large user", large)
	if len(e.places) != places || cap(e.places) > 4*places+64 {
		t.Errorf("the large user left %d places kept (capacity %d), want the small user's %d", len(e.places), cap(e.places), places)
	}
	if writeAsEncoder(t, &e, "small user after it", small("U2")) != 1 {
		t.Errorf("the user after the large one was not written from the small users' shape")
	}
}
