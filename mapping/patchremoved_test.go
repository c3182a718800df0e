package mapping

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// TestPatchReportsRecordsLeftOut: a patch leaves out a record of the document the
// directory does not hold (Patch godoc), which is right for an edited directory of the
// same file, but it was silent: a one-row template patched into an InForm export (map
// --to odm --base FILE) removed three of its four users, both sites, the SignatureDef and
// the rights groups, exit 0, no warning. Each kind of record so left out is now a
// warning of code removed (subject the first record, Count how many), by Patch,
// PatchStream and CompactDirectory.Patch alike; nothing is reported when nothing is left
// out.
func TestPatchReportsRecordsLeftOut(t *testing.T) {
	base := string(odmFixtures(t)["testdata/inform/htn-demo.xml"])
	require.NotEmpty(t, base)
	cut := func(doc string, res ...string) string {
		for _, re := range res {
			re := regexp.MustCompile(`(?s)\n *` + re)
			require.True(t, re.MatchString(doc), re.String())
			doc = re.ReplaceAllString(doc, "")
		}
		return doc
	}
	user := func(oid string) string { return `<User OID="` + oid + `" .*?</User>` }
	const msg = removedMsg
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	counts := func(ws []Warning) []string {
		var out []string
		for _, w := range ws {
			if w.Code == CodeRemoved {
				out = append(out, w.Field+"|"+w.Subject+"|"+strconv.Itoa(max(w.Count, 1)))
			}
		}
		return out
	}

	tests := []struct {
		name, reason string
		other        string
		want         []string // "Field|Subject|Message" of the removed warnings
		counts       []string // "Field|Subject|Count" of Patch's
	}{
		{"unchanged", "the directory of the file itself: nothing is left out, nothing reported",
			base, nil, nil},
		{"users-removed", "two users removed from the directory: their records were left out without a word",
			cut(base, user("kwatanabe"), user("tgrant_old")),
			[]string{"User|User kwatanabe|" + msg},
			[]string{"User|User kwatanabe|2"}},
		{"site-and-signature-removed", "a user, the site only they were at, and the SignatureDef removed: each kind is reported",
			cut(base, user("kwatanabe"), `<LocationRef LocationOID="10128"/>`, `<Location OID="10128".*?</Location>`, `<SignatureDef .*?</SignatureDef>`),
			[]string{"User|User kwatanabe|" + msg, "Location|Location 10128|" + msg, "SignatureDef|SignatureDef SIG.CRF.PI|" + msg},
			[]string{"User|User kwatanabe|1", "Location|Location 10128|1", "SignatureDef|SignatureDef SIG.CRF.PI|1"}},
	}
	for _, tc := range tests {
		if tc.reason == "" {
			t.Fatalf("%s: a case needs a reason", tc.name)
		}
		t.Run(tc.name, func(t *testing.T) {
			_, got := patchEveryWay(t, tc.other, base, ProfileInForm, CodeRemoved)
			require.Equal(t, tc.want, got)
			dir, _, err := FromReader(odm.NewReader(strings.NewReader(tc.other), odm.ReadOptions{}), Options{Profile: ProfileInForm, Now: now})
			require.NoError(t, err)
			ws, err := Patch(&bytes.Buffer{}, strings.NewReader(base), dir, PatchOptions{Options: Options{Profile: ProfileInForm, Now: now}, Read: odm.ReadOptions{Name: "htn-demo.xml"}, Foreign: true})
			require.NoError(t, err)
			require.Equal(t, tc.counts, counts(ws))
			for _, w := range ws {
				if w.Code == CodeRemoved {
					require.Equal(t, "htn-demo.xml", w.File, "the warning names the document")
				}
			}
		})
	}

	t.Run("openclinica-site-study-access-removed", func(t *testing.T) {
		study := func(oid, include string) string {
			s := `<Study OID="` + oid + `"><GlobalVariables><StudyName>` + oid + `</StudyName><StudyDescription/><ProtocolName>` + oid + `</ProtocolName></GlobalVariables>`
			if include == "" {
				return s + `<MetaDataVersion OID="v1" Name="v1"/></Study>`
			}
			return s + `<MetaDataVersion OID="v1" Name="v1"><Include StudyOID="` + include + `" MetaDataVersionOID="v1"/></MetaDataVersion></Study>`
		}
		ann := `<User OID="USR_1"><FullName>Ann Example</FullName><FirstName>Ann</FirstName><LastName>Example</LastName></User>`
		doc := func(blocks ...string) string {
			return `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:OpenClinica="http://www.openclinica.org/ns/odm_ext_v130/v3.1" FileOID="F" CreationDateTime="2026-01-10T10:15:00" FileType="Snapshot" ODMVersion="1.3">
` + study("S_DEMO", "") + "\n" + study("S_SITE_NL01", "S_DEMO") + "\n" + strings.Join(blocks, "\n") + "\n</ODM>\n"
		}
		other := doc(`<AdminData StudyOID="S_DEMO">`+ann+`</AdminData>`, `<AdminData StudyOID="S_SITE_NL01"/>`)
		ocBase := doc(`<AdminData StudyOID="S_DEMO">`+ann+`</AdminData>`, `<AdminData StudyOID="S_SITE_NL01">`+ann+`</AdminData>`)
		out, got := patchEveryWay(t, other, ocBase, ProfileOpenClinica, CodeRemoved)
		require.Equal(t, []string{"User/AdminData|User USR_1 (AdminData S_SITE_NL01)|" + removedAccessMsg}, got)
		require.Equal(t, 1, strings.Count(out, `<User OID="USR_1"`))
		_, got = patchEveryWay(t, ocBase, ocBase, ProfileOpenClinica, CodeRemoved)
		require.Empty(t, got, "nothing left out")
	})

	t.Run("template-into-inform-export", func(t *testing.T) {
		// The auditor's case: a one-row template patched into the InForm export.
		tmpl := "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n" +
			"Ada,Morel,ada.morel@site01.example.org,amorel,05-Jan-2026,,Site Investigator Rights,10127,\n"
		c, _, err := ReadCompact(strings.NewReader(tmpl), "users.csv", Options{Study: "HTN-DEMO"})
		require.NoError(t, err)
		defer c.Close()
		ws, err := c.Patch(&bytes.Buffer{}, strings.NewReader(base), PatchOptions{Options: Options{Profile: ProfileInForm, Now: now}})
		require.NoError(t, err)
		// The two active users the row leaves out are removed. The template holds no
		// status (tgrant_old, deactivated, would have no row: kept), and no sites,
		// signatures or groups: those are the base's, kept (basepatch.go).
		require.Equal(t, []string{"User|User kwatanabe|2"}, counts(ws))
	})
}
