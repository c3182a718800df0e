package diff

import (
	"maps"
	"testing"

	"github.com/odmadmin/odmadmin/mapping"
)

// TestSiteLabels: diff and plan name a site in changes by one rule, the audit log's: its
// name, else its number, else (left out) its ID; a name two sites share gets the ID.
func TestSiteLabels(t *testing.T) {
	dir := func(sites ...*mapping.Site) *mapping.Directory { return &mapping.Directory{Sites: sites} }
	for _, tc := range []struct {
		reason string
		dirs   []*mapping.Directory
		want   map[string]string
	}{
		{"a name wins over the number", []*mapping.Directory{dir(&mapping.Site{ID: "10127", Name: "Harbor View Clinic", Number: "01"})},
			map[string]string{"10127": "Harbor View Clinic"}},
		{"without a name, the number", []*mapping.Directory{dir(&mapping.Site{ID: "10127", Number: "01"})},
			map[string]string{"10127": "01"}},
		{"neither: the ID is the label (left out of the map)", []*mapping.Directory{dir(&mapping.Site{ID: "S9"})},
			map[string]string{}},
		{"the earlier directory's name wins; the later one fills a missing name",
			[]*mapping.Directory{dir(&mapping.Site{ID: "S1", Name: "North"}, &mapping.Site{ID: "S2"}), dir(&mapping.Site{ID: "S1", Name: "Nord"}, &mapping.Site{ID: "S2", Name: "South"})},
			map[string]string{"S1": "North", "S2": "South"}},
		{"two sites of one name (ignoring case) get their IDs, so that no two read alike",
			[]*mapping.Directory{dir(&mapping.Site{ID: "S1", Name: "City Clinic"}, &mapping.Site{ID: "S2", Name: "city clinic"}, &mapping.Site{ID: "S3", Name: "Other"})},
			map[string]string{"S1": "City Clinic (S1)", "S2": "city clinic (S2)", "S3": "Other"}},
	} {
		if got := SiteLabels(tc.dirs...); !maps.Equal(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.reason, got, tc.want)
		}
	}
}

// TestStudyLabels: a study is named in changes by its name where the export has one, else
// (left out) by its ID; a name two studies share gets the ID.
func TestStudyLabels(t *testing.T) {
	dir := func(studies ...*mapping.Study) *mapping.Directory { return &mapping.Directory{Studies: studies} }
	for _, tc := range []struct {
		reason string
		dirs   []*mapping.Directory
		want   map[string]string
	}{
		{"the name, white space collapsed", []*mapping.Directory{dir(&mapping.Study{ID: "S_PAB37(TEST)", Name: " PAB  37 "})},
			map[string]string{"S_PAB37(TEST)": "PAB 37"}},
		{"no name: the ID is the label (left out of the map)", []*mapping.Directory{dir(&mapping.Study{ID: "S9"})},
			map[string]string{}},
		{"the earlier directory's name wins; the later one fills a missing name",
			[]*mapping.Directory{dir(&mapping.Study{ID: "S1", Name: "Alpha"}, &mapping.Study{ID: "S2"}), dir(&mapping.Study{ID: "S1", Name: "Alfa"}, &mapping.Study{ID: "S2", Name: "Beta"})},
			map[string]string{"S1": "Alpha", "S2": "Beta"}},
		{"two studies of one name (ignoring case) get their IDs",
			[]*mapping.Directory{dir(&mapping.Study{ID: "S1", Name: "Demo"}, &mapping.Study{ID: "S2", Name: "DEMO"}), nil},
			map[string]string{"S1": "Demo (S1)", "S2": "DEMO (S2)"}},
	} {
		if got := StudyLabels(tc.dirs...); !maps.Equal(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.reason, got, tc.want)
		}
	}
}
