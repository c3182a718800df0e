package mapping

import (
	"slices"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// readInvalid reads the one-block document of the records given in profile p, whole and
// as a stream, and returns the directory read whole and the fields of the invalid-value
// warnings of each read (which must agree).
func readInvalid(t *testing.T, p Profile, ns, records string) (*Directory, []string) {
	t.Helper()
	src := `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ` + ns + ` ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00">
<AdminData StudyOID="S1">` + records + `</AdminData></ODM>`
	doc, err := odm.Decode(strings.NewReader(src), odm.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir, ws, err := FromDocument(doc, Options{Profile: p})
	if err != nil {
		t.Fatal(err)
	}
	_, sws, err := FromReader(odm.NewReader(strings.NewReader(src), odm.ReadOptions{}), Options{Profile: p})
	if err != nil {
		t.Fatal(err)
	}
	fields := func(ws []Warning) []string {
		var out []string
		for _, w := range ws {
			if w.Code == CodeInvalidValue {
				out = append(out, w.Field)
				if w.Line == 0 {
					t.Errorf("%s: the warning has no place: %v", w.Field, w)
				}
			}
		}
		return out
	}
	got := fields(ws)
	if s := fields(sws); !slices.Equal(got, s) {
		t.Errorf("invalid-value warnings whole %v, streamed %v", got, s)
	}
	return dir, got
}

// TestRaveActive: Rave's mdsol:Active is Yes or No on users (their status) and on
// Locations (a site's active flag); another value says neither, so it is reported, not
// read as either without a word.
func TestRaveActive(t *testing.T) {
	ns := `xmlns:mdsol="` + odm.NSRave + `"`
	for _, tc := range []struct {
		name, reason, user, site string
		status                   Status
		active                   bool
		invalid                  []string
	}{
		{"yes", "Yes: an available user, an active site", `mdsol:Active="Yes"`, `mdsol:Active="Yes"`, StatusAvailable, true, nil},
		{"no", "No: a deactivated user, an inactive site", `mdsol:Active="No"`, `mdsol:Active="No"`, StatusDeactivated, false, nil},
		{"absent", "no attribute: no status, a site active as ODM has it", ``, ``, "", true, nil},
		{"case", "another letter case is still yes and no", `mdsol:Active="YES"`, `mdsol:Active="no"`, StatusAvailable, false, nil},
		{"user-invalid", "a user's Maybe gives no status and is reported", `mdsol:Active="Maybe"`, `mdsol:Active="Yes"`, "", true, []string{"User/@mdsol:Active"}},
		{"site-invalid", "a site's Maybe leaves it active, as a site without the attribute, and is reported", `mdsol:Active="Yes"`, `mdsol:Active="Maybe"`, StatusAvailable, true, []string{"Location/@mdsol:Active"}},
		{"empty", "an empty value is neither", `mdsol:Active=""`, ``, "", true, []string{"User/@mdsol:Active"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, invalid := readInvalid(t, ProfileRave, ns,
				`<User OID="rv1" `+tc.user+`><LocationRef LocationOID="L1"/></User><Location OID="L1" Name="One" `+tc.site+`/>`)
			if got := dir.Users[0].Status; got != tc.status {
				t.Errorf("%s: status %q, want %q", tc.reason, got, tc.status)
			}
			if got := dir.Sites[0].Active; got != tc.active {
				t.Errorf("%s: site active %v, want %v", tc.reason, got, tc.active)
			}
			if !slices.Equal(invalid, tc.invalid) {
				t.Errorf("%s: invalid-value warnings %v, want %v", tc.reason, invalid, tc.invalid)
			}
		})
	}
}

// TestOpenClinicaStatus: OpenClinica:Status is read into a status by its known names; one
// it does not know is reported, not passed over as no status.
func TestOpenClinicaStatus(t *testing.T) {
	ns := `xmlns:OpenClinica="` + odm.NSOpenClinica + `"`
	for _, tc := range []struct {
		name, reason, attr string
		status             Status
		invalid            []string
	}{
		{"available", "an available account", `OpenClinica:Status="available"`, StatusAvailable, nil},
		{"removed", "a removed account is deactivated", `OpenClinica:Status="removed"`, StatusDeactivated, nil},
		{"absent", "no attribute: no status", ``, "", nil},
		{"unknown", "a status OpenClinica does not have gives none and is reported", `OpenClinica:Status="Maybe"`, "", []string{"User/@OpenClinica:Status"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, invalid := readInvalid(t, ProfileOpenClinica, ns, `<User OID="USR_1" `+tc.attr+`/>`)
			if got := dir.Users[0].Status; got != tc.status {
				t.Errorf("%s: status %q, want %q", tc.reason, got, tc.status)
			}
			if !slices.Equal(invalid, tc.invalid) {
				t.Errorf("%s: invalid-value warnings %v, want %v", tc.reason, invalid, tc.invalid)
			}
		})
	}
}
