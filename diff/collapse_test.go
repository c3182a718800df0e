package diff

import (
	"slices"
	"testing"

	"github.com/odmadmin/odmadmin/mapping"
)

// TestCollapse checks the white-space normalization every text comparison uses, and that
// clean strings are returned as they are (no allocation on the hot path).
func TestCollapse(t *testing.T) {
	for _, tc := range []struct{ in, want, reason string }{
		{"", "", "empty stays empty"},
		{"Ada Fictus", "Ada Fictus", "clean ASCII is returned as is"},
		{"  Ada  Fictus ", "Ada Fictus", "leading, trailing and double spaces go"},
		{"Ada\n\tFictus", "Ada Fictus", "tabs and line breaks are spaces"},
		{"渡辺 健", "渡辺 健", "clean non-ASCII is returned as is"},
		{"渡辺\u00a0\u00a0健", "渡辺 健", "non-breaking spaces are white space"},
		{" ", "", "only white space is empty"},
		{"a\x01b", "a\x01b", "control characters that are not white space stay"},
	} {
		if got := collapse(tc.in); got != tc.want {
			t.Errorf("collapse(%q) = %q, want %q (%s)", tc.in, got, tc.want, tc.reason)
		}
	}
	if n := testing.AllocsPerRun(100, func() { collapse("Ada Fictus") }); n != 0 {
		t.Errorf("collapse of a clean string allocates %v times", n)
	}
}

// TestSetItemStrings: an address, a telecom and a group are compared, and shown, as one
// string each; the fingerprint hashes the same strings (appendAddress, ...).
func TestSetItemStrings(t *testing.T) {
	for _, tc := range []struct {
		reason string
		got    []string
		want   []string
	}{
		{"an address: the parts that are not blank, trimmed, joined",
			addressStrings([]mapping.Address{{StreetNames: []string{" 1 Example Street ", "", "Wing B"}, City: "Springfield", StateProv: " ", PostalCode: "01101", Country: "US"}}),
			[]string{"1 Example Street, Wing B, Springfield, 01101, US"}},
		{"its coordinates are one part, its end trimmed",
			addressStrings([]mapping.Address{{City: "Springfield", Latitude: "42.1", Altitude: " "}, {Longitude: "-71.1", Latitude: "42.1", Altitude: "12"}}),
			[]string{"Springfield, geo  42.1", "geo -71.1 42.1 12"}},
		{"an address of nothing", addressStrings([]mapping.Address{{StreetNames: []string{" "}}}), []string{""}},
		{"other text, house number and state in their places",
			addressStrings([]mapping.Address{{HouseNumber: "7", City: "Springfield", StateProv: "MA", OtherText: "rear entrance"}}),
			[]string{"7, Springfield, MA, rear entrance"}},
		{"a telecom: its type and value", telecomStrings([]mapping.Telecom{{Type: "Phone", Value: "+1 617 555 0100"}, {Value: "x"}}),
			[]string{"Phone: +1 617 555 0100", ": x"}},
		{"a group: its name, else its ID, and its type in brackets",
			groupStrings([]mapping.GroupRef{{ID: "g1", Name: "Investigators", Type: "Site"}, {ID: "g2"}, {ID: "g3", Type: "Study"}}),
			[]string{"Investigators [Site]", "g2", "g3 [Study]"}},
	} {
		if !slices.Equal(tc.got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.reason, tc.got, tc.want)
		}
	}
}
