package mapping

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// TestPatchSiteAccessWithoutItsSite: site-level access whose site the output does not
// hold (a site-level role an OpenClinica 4 user table gives without a site; access at an
// OpenClinica site, which has no study version, patched into a flavour of Locations) is
// left out by the whole write (siteAccess, "unrepresentable Assignment/site"), and a user
// with no other access in a block is not written into it. The patch paths wrote such a
// user with the study's role and no site, which reads back as access at every site of
// the study, without a word (map --to odm --base FILE). They now do as the whole write
// does, with its warnings: Patch, PatchStream and CompactDirectory.Patch alike.
func TestPatchSiteAccessWithoutItsSite(t *testing.T) {
	const (
		siteNamed  = "Assignment/site|User tirving|a site-level role, but the input does not say at which site: written without one it would read back as the role at every site of the study, so it is left out"
		userLeft   = "User|User tirving|" + siteOnlyUser
		noLocation = "Assignment/site|User USR_1|site-level access at a site that has no Location in the output (an ODM Location needs a study version): written without the site it would read back as access at every site of the study, so it is left out"
		annLeft    = "User|User USR_1|" + siteOnlyUser
	)
	unrepresentable := func(ws []Warning) []string {
		var out []string
		for _, w := range ws {
			if w.Code == CodeUnrepresentable && (strings.HasPrefix(w.Field, "Assignment/site") || w.Field == "User") {
				out = append(out, w.Field+"|"+w.Subject+"|"+w.Message)
			}
		}
		return out
	}

	t.Run("oc4-table-site-role-without-site", func(t *testing.T) {
		// The user table of the CLI's fixture; the base a Rave export of the study (map
		// --to odm --profile rave --base ... --study 'Mediflex(Prod)').
		table := "First,Last,Username,Email,Organization,Phone,Role,Type,Status,Created (UTC),Updated (UTC),Actions\n" +
			"Mara,Vellin,mvellin,mara.vellin@sponsor.example.com,Acme CRO,555-0100,Data Manager,Admin,Available,10-May-2018 17:57,13-Nov-2024 21:29,Edit\n" +
			"Tomas,Irving,tirving,tomas.irving@site.example.org,Site 1,555-0101,Investigator,User,Available,22-May-2025 11:14,22-May-2025 11:14,Edit\n"
		base := `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:mdsol="http://www.mdsol.com/ns/odm/metadata" FileOID="F" CreationDateTime="2026-01-10T10:15:00" FileType="Snapshot" ODMVersion="1.3">
  <AdminData StudyOID="Mediflex(Prod)">
    <User OID="jdoe" mdsol:Active="Yes" mdsol:UserRole="Data Manager"><LoginName>jdoe</LoginName><FirstName>Jo</FirstName><LastName>Doe</LastName></User>
  </AdminData>
</ODM>
`
		now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
		ro := Options{Profile: ProfileRave, Now: now, Study: "Mediflex(Prod)"}
		po := PatchOptions{Options: Options{Profile: ProfileRave, Now: now}, Foreign: true}
		dir, _, err := ReadAny(strings.NewReader(table), "users.csv", ro)
		require.NoError(t, err)

		var whole bytes.Buffer
		ws, err := WriteODM(&whole, dir, ProfileRave, Options{Now: now}, odm.WriteOptions{})
		require.NoError(t, err)
		want := []string{siteNamed, userLeft}
		require.Equal(t, want, unrepresentable(ws), "the whole write")
		require.NotContains(t, whole.String(), `"tirving"`)

		var held bytes.Buffer
		ws, err = Patch(&held, strings.NewReader(base), dir, po)
		require.NoError(t, err)
		require.Equal(t, want, unrepresentable(ws), "Patch")
		require.NotContains(t, held.String(), `"tirving"`, "Patch")
		require.Contains(t, held.String(), `"mvellin"`)

		c, _, err := ReadCompact(strings.NewReader(table), "users.csv", ro)
		require.NoError(t, err)
		defer c.Close()
		var compact bytes.Buffer
		ws, err = c.Patch(&compact, strings.NewReader(base), po)
		require.NoError(t, err)
		require.Equal(t, want, unrepresentable(ws), "CompactDirectory.Patch")
		require.Equal(t, held.String(), compact.String(), "CompactDirectory.Patch writes what Patch writes")
	})

	t.Run("openclinica-site-into-inform", func(t *testing.T) {
		// Ann has access at the OpenClinica site NL01 only, Bo in the study: NL01 (a site
		// study, no study version) is no Location in InForm.
		study := func(oid, include string) string {
			s := `<Study OID="` + oid + `"><GlobalVariables><StudyName>` + oid + `</StudyName><StudyDescription/><ProtocolName>` + oid + `</ProtocolName></GlobalVariables>`
			if include == "" {
				return s + `<MetaDataVersion OID="v1" Name="v1"/></Study>`
			}
			return s + `<MetaDataVersion OID="v1" Name="v1"><Include StudyOID="` + include + `" MetaDataVersionOID="v1"/></MetaDataVersion></Study>`
		}
		ann := `<User OID="USR_1"><FullName>Ann Example</FullName><FirstName>Ann</FirstName><LastName>Example</LastName></User>`
		bo := `<User OID="USR_2"><FullName>Bo Sample</FullName><FirstName>Bo</FirstName><LastName>Sample</LastName></User>`
		other := `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:OpenClinica="http://www.openclinica.org/ns/odm_ext_v130/v3.1" FileOID="F" CreationDateTime="2026-01-10T10:15:00" FileType="Snapshot" ODMVersion="1.3">
` + study("S_DEMO", "") + "\n" + study("S_SITE_NL01", "S_DEMO") + `
<AdminData StudyOID="S_DEMO">` + bo + `</AdminData>
<AdminData StudyOID="S_SITE_NL01">` + ann + `</AdminData>
</ODM>
`
		base := `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-10T10:15:00" ODMVersion="1.3">
  <Study OID="S_DEMO"><GlobalVariables><StudyName>S_DEMO</StudyName><StudyDescription/><ProtocolName>S_DEMO</ProtocolName></GlobalVariables><MetaDataVersion OID="v1" Name="v1"/></Study>
  <AdminData StudyOID="S_DEMO"><User OID="USR_1" pf:Active="Yes"><LoginName>USR_1</LoginName><FirstName>Ann</FirstName><LastName>Example</LastName></User></AdminData>
</ODM>
`
		for _, tc := range []struct {
			name, base string
		}{
			{"user-the-base-has", base},
			{"user-new-to-the-base", strings.Replace(base, `<User OID="USR_1" pf:Active="Yes"><LoginName>USR_1</LoginName><FirstName>Ann</FirstName><LastName>Example</LastName></User>`, "", 1)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				out, ws := patchEveryWayFrom(t, other, ProfileOpenClinica, tc.base, ProfileInForm, CodeUnrepresentable)
				var got []string
				for _, w := range ws {
					if f := strings.SplitN(w, "|", 2)[0]; f == "Assignment/site" || f == "User" {
						got = append(got, w)
					}
				}
				require.Equal(t, []string{noLocation, annLeft}, got)
				require.NotContains(t, out, `"USR_1"`)
				require.Contains(t, out, `"USR_2"`)
			})
		}
	})
}
