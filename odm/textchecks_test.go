package odm_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestUserTextChecks: each text child of User gets the warnings of its own kind and no
// other, read by Decode and by Reader, pretty-printed (the decoder's quick way with a
// text child) and all on one line: two spaces in a name, a blank e-mail address, fax or
// phone number. The decoder checks only the children that can warn; a child left out of
// what it checks shows here.
func TestUserTextChecks(t *testing.T) {
	tests := []struct {
		child, value string
		want         odm.WarningCode // "" for none
	}{
		{"LoginName", "a  b", ""}, // logins are not checked for spaces
		{"DisplayName", "a  b", odm.WarnConsecutiveSpaces},
		{"FullName", "a  b", odm.WarnConsecutiveSpaces},
		{"FirstName", "a  b", odm.WarnConsecutiveSpaces},
		{"LastName", "a  b", odm.WarnConsecutiveSpaces},
		{"LastName", " ", ""}, // a blank name is no quirk of its own
		{"Email", " ", odm.WarnEmptyElement},
		{"Email", "a  b", ""}, // e-mail addresses are not checked for spaces
		{"Fax", " ", odm.WarnEmptyElement},
		{"Phone", " ", odm.WarnEmptyElement},
		{"Phone", "+1 617  555", ""},
		{"Pager", " ", ""}, // not a telecom the checks look at
	}
	for _, tc := range tests {
		for _, layout := range []string{"\n    ", ""} {
			src := odmHead + `
<AdminData StudyOID="S">
  <User OID="U1">` + layout + `<` + tc.child + `>` + tc.value + `</` + tc.child + `>` + layout + `</User>
</AdminData></ODM>`
			name := fmt.Sprintf("%s %q, layout %q", tc.child, tc.value, layout)
			doc, err := odm.Decode(strings.NewReader(src), odm.ReadOptions{})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			r := odm.NewReader(strings.NewReader(src), odm.ReadOptions{})
			for _, err := range r.All() {
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
			for way, ws := range map[string][]*odm.Error{"decode": doc.Warnings, "reader": r.Warnings()} {
				var codes []odm.WarningCode
				for _, w := range ws {
					codes = append(codes, w.Code)
				}
				if tc.want == "" && len(codes) != 0 || tc.want != "" && (len(codes) != 1 || codes[0] != tc.want) {
					t.Errorf("%s, %s: warnings %v, want %q", name, way, codes, tc.want)
				}
			}
		}
	}
}
