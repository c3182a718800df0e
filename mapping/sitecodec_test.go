package mapping

import (
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSiteCodecFields fails when Site or StudyVersion gains a field sitecodec.go does not
// write (the types it shares with users are checked by TestUserCodecFields).
func TestSiteCodecFields(t *testing.T) {
	for _, c := range []struct {
		v any
		n int
	}{{Site{}, 15}, {StudyVersion{}, 4}} {
		if n := reflect.TypeOf(c.v).NumField(); n != c.n {
			t.Errorf("%T has %d fields, sitecodec.go writes %d: add the new ones to appendSite and decodeSite", c.v, n, c.n)
		}
	}
}

// TestSiteCodecRoundTrip: a site with every field set (and one with every list nil or
// empty) comes back the same, nil and empty lists told apart.
func TestSiteCodecRoundTrip(t *testing.T) {
	full := &Site{ID: "S1", Name: "n", Type: "Site", Number: "01", Country: "DE", TimeZone: "tz", Locale: "de", Active: true,
		Organization: "O", Description: "d",
		Versions: []StudyVersion{{Study: "ST", Version: "v1", Effective: "2020-01-01", Number: "7"}, {}},
		Addresses: []Address{{StreetNames: []string{"a", "b"}, HouseNumber: "1", City: "c", StateProv: "sp", Country: "co",
			PostalCode: "pc", OtherText: "ot", Longitude: "lo", Latitude: "la", Altitude: "al"}, {StreetNames: []string{}}},
		Telecoms: []Telecom{{"Phone", "1"}}, Study: "P",
		Source: &Source{Vendor: ProfileRave, IDs: map[string]string{"OID": " S1 ", "b": "c"}, Attrs: []Attr{{"ns", "n", "v"}},
			Elements: []string{"<x/>"}, Studies: []string{"S", ""}, RolesFor: ProfileInForm},
	}
	empty := &Site{Versions: []StudyVersion{}, Addresses: []Address{}, Telecoms: []Telecom{},
		Source: &Source{IDs: map[string]string{}, Attrs: []Attr{}, Elements: []string{}, Studies: []string{}}}
	for _, s := range []*Site{full, empty, {}} {
		b, err := appendSite([]byte("prefix"), s)
		if err != nil {
			t.Fatal(err)
		}
		got := decodeSite(string(b[len("prefix"):]) + "trailing")
		if !reflect.DeepEqual(got, s) {
			t.Errorf("round trip:\n%s", cmp.Diff(s, got, cmp.AllowUnexported(Source{})))
		}
		if id := siteID(string(b[len("prefix"):])); id != s.ID {
			t.Errorf("siteID = %q, want %q", id, s.ID)
		}
	}
	if _, err := appendSite(nil, &Site{Source: &Source{recs: []record{{}}}}); err == nil {
		t.Error("a site with decoded records was encoded")
	}
}

// TestSiteTableFind: find names the last site of an ID (as Patch's map of them by ID
// does), -1 for an ID no site has; a site with decoded records is not packed.
func TestSiteTableFind(t *testing.T) {
	sites := []*Site{{ID: "A", Name: "1"}, {ID: "B"}, {ID: "A", Name: "2"}, {ID: ""}}
	tab, ok := packSites(sites)
	if !ok {
		t.Fatal("not packed")
	}
	for _, c := range []struct {
		id   string
		want int
	}{{"A", 2}, {"B", 1}, {"", 3}, {"C", -1}} {
		if got := tab.find(c.id); got != c.want {
			t.Errorf("find(%q) = %d, want %d", c.id, got, c.want)
		}
	}
	if got := tab.site(2); got.Name != "2" || tab.len() != 4 {
		t.Errorf("site(2) = %+v, len %d", got, tab.len())
	}
	if _, ok := packSites([]*Site{{ID: "A", Source: &Source{recs: []record{{}}}}}); ok {
		t.Error("a site with decoded records was packed")
	}
}
