package mapping

import (
	"slices"
	"testing"
)

// TestInFormUserTypeValues: pf:InFormUserType "can contain the following values that
// correspond to the InForm user interface: System, Site, Sponsor, Support, Integration".
func TestInFormUserTypeValues(t *testing.T) {
	for _, tc := range []struct {
		name, reason, value string
		want                Category
		invalid             bool
	}{
		{"system", "one of the five values", "System", CategorySystem, false},
		{"site", "one of the five values", "Site", CategorySite, false},
		{"sponsor", "one of the five values", "Sponsor", CategorySponsor, false},
		{"support", "one of the five values", "Support", CategorySupport, false},
		{"integration", "one of the five values", "Integration", CategoryIntegration, false},
		{"case", "a value in another letter case is the same value (files edited by hand)", "sponsor", CategorySponsor, false},
		{"spaces", "padding around the value is not part of it", " Site ", CategorySite, false},
		{"unknown", "a value outside the list is reported and no category is made up", "Vendor", "", true},
		{"participant", "InForm has no participant user type, though the model has that category", "Participant", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, ws := informOneUser(t, `pf:InFormUserType="`+tc.value+`"`)
			if got := u.Category; got != tc.want {
				t.Errorf("%s: category %q, want %q", tc.reason, got, tc.want)
			}
			invalid := slices.ContainsFunc(ws, func(w Warning) bool {
				return w.Code == CodeInvalidValue && w.Field == "User/@pf:InFormUserType"
			})
			if invalid != tc.invalid {
				t.Errorf("%s: invalid-value warning %v, want %v (warnings %v)", tc.reason, invalid, tc.invalid, ws)
			}
		})
	}
}
