package validate

import (
	"os"
	"slices"
	"testing"

	"github.com/odmadmin/odmadmin/internal/testenv"
)

// plantedDefect is one defect that a negative sample's header comment lists, and the
// findings it must produce.
type plantedDefect struct {
	label string // the sample's own label: [a]..[i], [1]..[5]
	what  string
	want  []string // "line code severity"; empty: the defect must produce nothing
}

// TestNegativeSamples runs the check over the two negative samples in ../shared and
// requires each planted defect to be found, by code and line, and nothing else.
func TestNegativeSamples(t *testing.T) {
	for _, sample := range []struct {
		path    string
		defects []plantedDefect
	}{
		{
			// FileType="Transactional": unresolved references are warnings.
			path: "reference/samples/negative/odm132-admindata-xsd-valid-but-inconsistent.xml",
			defects: []plantedDefect{
				{"[a]", "AdminData/@StudyOID names no Study", []string{"29 admin.danglingStudyOID warning"}},
				{"[b]", "LocationRef to an undefined Location", []string{"42 admin.danglingLocationRef warning"}},
				{"[c]", "Country USA and Deutschland", []string{"37 admin.invalidCountry warning", "49 admin.invalidCountry warning"}},
				{"[d]", "Email not an address, Phone and Fax free text", []string{"39 admin.invalidEmail error", "40 admin.invalidPhone warning", "41 admin.invalidPhone warning"}},
				{"[e]", "two Users share a LoginName", []string{"45 admin.loginNameNotUnique error"}},
				{"[f]", "MetaDataVersionRef to an undefined MetaDataVersion, dates decreasing", []string{"55 admin.danglingMetaDataVersionRef warning", "55 admin.effectiveDateOrder warning"}},
				{"[g]", "a SignatureDef OID reused as a Location OID: allowed by ODM 1.3.2 section 2.11, so nothing", nil},
				{"[h]", "UserRef to an undefined User", []string{"68 admin.danglingUserRef warning"}},
				{"[i]", "Investigator without LocationRef", []string{"44 admin.investigatorWithoutLocation warning"}},
			},
		},
		{
			path: "reference/samples/negative/odm132-admindata-schema-invalid-producer-bugs.xml",
			defects: []plantedDefect{
				{"[1]", "ClinicalData before AdminData", []string{"24 admin.elementOrder error"}},
				{"[2]", "Address children City, Country, StateProv", []string{"32 admin.elementOrder error"}},
				{"[3]", "EffectiveDate as dateTime", []string{"38 admin.effectiveDateTime warning"}},
				{"[4]", "Location without MetaDataVersionRef", []string{"40 admin.missingMetaDataVersionRef error"}},
				{"[5]", "LocationRef with text instead of @LocationOID", []string{"35 admin.missingAttribute error", "35 admin.unexpectedText warning"}},
			},
		},
	} {
		t.Run(sample.path, func(t *testing.T) {
			src, err := os.ReadFile(testenv.Shared(t, sample.path))
			if err != nil {
				t.Fatal(err)
			}
			got := summary(checkXML(t, src, AdminDataOptions{}))
			var all []string
			for _, d := range sample.defects {
				for _, w := range d.want {
					if !slices.Contains(got, w) {
						t.Errorf("%s %s: missing %q", d.label, d.what, w)
					}
				}
				all = append(all, d.want...)
			}
			slices.Sort(all)
			if !slices.Equal(got, all) {
				t.Errorf("findings beyond the planted defects:\n got  %q\n want %q", got, all)
			}
		})
	}
}
