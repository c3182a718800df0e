package mapping

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// TestUserJSONMatchesEncoder holds userJSON to what json.Encoder (indented as WriteJSON
// indents users, HTML escaping on) writes, on users made of random values: strings with
// the characters JSON and HTML escape, invalid UTF-8 and U+2028, lists nil, empty or
// full, optional values present or not.
func TestUserJSONMatchesEncoder(t *testing.T) {
	pieces := []string{"", "a", "Ada Example", "<pf:x a=\"1\"/>", "R&D", ">", "\\", "\"", "\n\r\t\b\f", "\x00\x1f\x7f",
		"\xff", "\xe2\x80\xa8", "\xe2\x80\xa9", "é", "中文", "\xed\xa0\x80", "😀", "\xc3"}
	rng := rand.New(rand.NewPCG(1, 2))
	str := func() string {
		s := ""
		for range rng.IntN(4) {
			s += pieces[rng.IntN(len(pieces))]
		}
		return s
	}
	strs := func() []string {
		switch rng.IntN(3) {
		case 0:
			return nil
		case 1:
			return []string{}
		}
		out := make([]string, 1+rng.IntN(3))
		for i := range out {
			out[i] = str()
		}
		return out
	}
	coin := func() bool { return rng.IntN(2) == 0 }
	for n := range 3000 {
		u := &User{ID: str(), Login: str(), DisplayName: str(), FullName: str(), GivenName: str(), FamilyName: str(),
			Prefix: str(), Suffix: str(), Emails: strs(), Phones: strs(), Faxes: strs(), Pager: str(),
			Organization: str(), OrganizationID: str(), Certificates: strs(), Locale: str(), Type: str(),
			Category: Category(str()), Status: Status(str()), External: coin()}
		for range rng.IntN(3) {
			u.Telecoms = append(u.Telecoms, Telecom{str(), str()})
		}
		for range rng.IntN(3) {
			u.Addresses = append(u.Addresses, Address{StreetNames: strs(), HouseNumber: str(), City: str(), StateProv: str(),
				Country: str(), PostalCode: str(), OtherText: str(), Longitude: str(), Latitude: str(), Altitude: str()})
		}
		if coin() {
			u.Picture = &Picture{File: str(), Type: str(), Href: str(), MIMEType: str()}
		}
		if coin() {
			u.Groups = []GroupRef{}
			for range rng.IntN(3) {
				u.Groups = append(u.Groups, GroupRef{str(), str(), str()})
			}
		}
		if coin() {
			u.Assignments = []Assignment{}
			for range rng.IntN(3) {
				u.Assignments = append(u.Assignments, Assignment{Study: str(), Site: str(), Role: Role{str(), Canonical(str())},
					Scope: Scope(str()), Environment: Environment(str()), From: str(), To: str(), Depots: strs()})
			}
		}
		if coin() {
			s := &Source{Vendor: Profile(str()), Elements: strs(), Studies: strs(), RolesFor: Profile(str())}
			if coin() {
				s.IDs = map[string]string{}
				for range rng.IntN(4) {
					s.IDs[str()] = str()
				}
			}
			for range rng.IntN(3) {
				s.Attrs = append(s.Attrs, Attr{str(), str(), str()})
			}
			u.Source = s
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("    ", "  ")
		if err := enc.Encode(u); err != nil {
			t.Fatal(err)
		}
		e := userJSON{prefix: "    "}
		e.user(u)
		if got := string(e.b) + "\n"; got != want.String() {
			t.Fatalf("user %d: userJSON writes\n%s\nencoding/json writes\n%s", n, got, want.String())
		}
	}
}

// TestPlainJSON holds the fast path of userJSON.str to its definition: every byte value
// at every position of strings of 0 to 19 bytes (both the byte loop and the word loop,
// with and without the overlapping last word), and the JSON written through either path
// to encoding/json's.
func TestPlainJSON(t *testing.T) {
	want := func(s string) bool {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return false
			}
		}
		return true
	}
	for n := 0; n < 20; n++ {
		for at := 0; at < n; at++ {
			for c := 0; c < 256; c++ {
				b := []byte("abcdefghijklmnopqrstuvwxyz"[:n])
				b[at] = byte(c)
				s := string(b)
				if got := plainJSON(s); got != want(s) {
					t.Fatalf("plainJSON(%q) = %v, want %v", s, got, want(s))
				}
				var e userJSON
				e.str(s)
				j, err := json.Marshal(s)
				if err != nil {
					t.Fatal(err)
				}
				if string(e.b) != string(j) {
					t.Fatalf("str(%q) = %s, encoding/json writes %s", s, e.b, j)
				}
			}
		}
	}
}
