package mapping

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// blockListings lists the User records of an ODM document in its order, each as
// "StudyOID/OID[LocationOIDs]" (the StudyOID of its AdminData); nil if it does not read.
func blockListings(doc string) []string {
	var out []string
	study := ""
	r := odm.NewReader(strings.NewReader(doc), odm.ReadOptions{})
	for n, err := range r.All() {
		if err != nil {
			return nil
		}
		switch v := n.(type) {
		case *odm.AdminData:
			study = strings.TrimSpace(v.StudyOID)
		case *odm.User:
			var locs []string
			for _, l := range v.LocationRefs {
				locs = append(locs, l.LocationOID)
			}
			out = append(out, study+"/"+strings.TrimSpace(v.OID)+"["+strings.Join(locs, ",")+"]")
		}
	}
	return out
}

// patchEveryWay patches the directory read from other into base with Patch (from a file
// and from a reader that cannot seek), PatchStream and CompactDirectory.Patch, as map
// --to odm --base does (Foreign), checks they write the same bytes and warn alike, and
// returns Patch's output and its warnings of code ("Field|Subject|Message").
func patchEveryWay(t *testing.T, other, base string, p Profile, code Code) (string, []string) {
	t.Helper()
	return patchEveryWayFrom(t, other, "", base, p, code)
}

// patchEveryWayFrom is patchEveryWay with other read as profile from ("": as p),
// as map reads an input of another flavour than the one written.
func patchEveryWayFrom(t *testing.T, other string, from Profile, base string, p Profile, code Code) (string, []string) {
	t.Helper()
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	if from == "" {
		from = p
	}
	ro := Options{Profile: from, Now: now}
	if from == ProfileOpenClinica {
		studies, err := StudyElements(func() (io.Reader, error) { return strings.NewReader(other), nil }, odm.ReadOptions{})
		require.NoError(t, err)
		ro.Studies = studies
	}
	po := PatchOptions{Options: Options{Profile: p, Now: now}, Foreign: true}
	read := func() *odm.Reader { return odm.NewReader(strings.NewReader(other), odm.ReadOptions{}) }
	unrepresentable := func(ws []Warning) []string {
		var out []string
		for _, w := range ws {
			if w.Code == code {
				out = append(out, w.Field+"|"+w.Subject+"|"+w.Message)
			}
		}
		return out
	}

	dir, _, err := FromReader(read(), ro)
	require.NoError(t, err)
	var held bytes.Buffer
	ws, err := Patch(&held, strings.NewReader(base), dir, po)
	require.NoError(t, err)
	want := unrepresentable(ws)

	var spooled bytes.Buffer
	ws, err = Patch(&spooled, noSeek{strings.NewReader(base)}, dir, po)
	require.NoError(t, err)
	require.Equal(t, want, unrepresentable(ws), "Patch from a reader that cannot seek")
	require.Equal(t, held.String(), spooled.String(), "Patch from a reader that cannot seek")

	if from == p {
		// (map patches an input into --base of another flavour than its own with
		// Patch: PatchStream reads the input as the flavour it writes.)
		var streamed bytes.Buffer
		spo := po
		spo.Studies = ro.Studies
		ws, err = PatchStream(&streamed, read(), func() (io.Reader, error) { return strings.NewReader(base), nil }, spo)
		require.NoError(t, err)
		require.Equal(t, want, unrepresentable(ws), "PatchStream")
		require.Equal(t, held.String(), streamed.String(), "PatchStream writes what Patch writes")
	}

	c, _, err := ReadCompactODM(read(), ro)
	require.NoError(t, err)
	defer c.Close()
	var compact bytes.Buffer
	ws, err = c.Patch(&compact, strings.NewReader(base), PatchOptions{Options: Options{Profile: p, Now: now}})
	require.NoError(t, err)
	require.Equal(t, want, unrepresentable(ws), "CompactDirectory.Patch")
	require.Equal(t, held.String(), compact.String(), "CompactDirectory.Patch writes what Patch writes")
	return held.String(), want
}

// TestPatchUserIntoAnotherBlock: a user the base has a record of in one AdminData block
// was never added to another block of the base, even where the directory gives the user
// access in that block's study (InForm lists a user in each study's AdminData,
// OpenClinica in each site study's): once written at its record, or added to one block,
// the user counted as written and the other access was left out without a word. It is now
// added to the first block of each other study it has access in, with that block's
// access, by Patch, PatchStream and CompactDirectory.Patch alike; access in a study the
// base has no AdminData for is reported.
func TestPatchUserIntoAnotherBlock(t *testing.T) {
	inform := func(blocks ...string) string {
		return `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-10T10:15:00" ODMVersion="1.3">
  <Study OID="STA"><GlobalVariables><StudyName>STA</StudyName><StudyDescription/><ProtocolName>STA</ProtocolName></GlobalVariables><MetaDataVersion OID="v1" Name="v1"/></Study>
  <Study OID="STB"><GlobalVariables><StudyName>STB</StudyName><StudyDescription/><ProtocolName>STB</ProtocolName></GlobalVariables><MetaDataVersion OID="v1" Name="v1"/></Study>
` + strings.Join(blocks, "\n") + "\n</ODM>\n"
	}
	block := func(study string, records ...string) string {
		return `  <AdminData StudyOID="` + study + `">` + strings.Join(records, "") + `</AdminData>`
	}
	user := func(oid, given, site string) string {
		return `<User OID="` + oid + `" pf:Active="Yes"><LoginName>` + oid + `</LoginName><FirstName>` + given +
			`</FirstName><LastName>Example</LastName><LocationRef LocationOID="` + site + `"/></User>`
	}
	loc := func(oid, study string) string {
		return `<Location OID="` + oid + `" Name="Site ` + oid + `" LocationType="Site"><MetaDataVersionRef StudyOID="` + study +
			`" MetaDataVersionOID="v1" EffectiveDate="2025-01-01"/></Location>`
	}
	una, unaB, vic, vicB := user("u1", "Una", "L1"), user("u1", "Una", "L2"), user("u2", "Vic", "L1"), user("u2", "Vic", "L2")
	l1, l2 := loc("L1", "STA"), loc("L2", "STB")

	oc := func(sites string, blocks ...string) string {
		study := func(oid, include string) string {
			s := `<Study OID="` + oid + `"><GlobalVariables><StudyName>` + oid + `</StudyName><StudyDescription/><ProtocolName>` + oid + `</ProtocolName></GlobalVariables>`
			if include == "" {
				return s + `<MetaDataVersion OID="v1" Name="v1"/></Study>`
			}
			return s + `<MetaDataVersion OID="v1" Name="v1"><Include StudyOID="` + include + `" MetaDataVersionOID="v1"/></MetaDataVersion></Study>`
		}
		studies := study("S_DEMO", "")
		for _, s := range strings.Fields(sites) {
			studies += "\n" + study(s, "S_DEMO")
		}
		return `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:OpenClinica="http://www.openclinica.org/ns/odm_ext_v130/v3.1" FileOID="F" CreationDateTime="2026-01-10T10:15:00" FileType="Snapshot" ODMVersion="1.3">
` + studies + "\n" + strings.Join(blocks, "\n") + "\n</ODM>\n"
	}
	ann := `<User OID="USR_1"><FullName>Ann Example</FullName><FirstName>Ann</FirstName><LastName>Example</LastName></User>`
	bo := `<User OID="USR_2"><FullName>Bo Sample</FullName><FirstName>Bo</FirstName><LastName>Sample</LastName></User>`

	const noStudyB = "Assignment|Study STB|the document has no AdminData for the study, and a patch adds none; access in the study is not written"
	tests := []struct {
		name, reason string
		p            Profile
		other, base  string
		want         []string // blockListings of the output
		warn         []string // its unrepresentable warnings
		// notValid, when set, says why the output is not checked against the schema.
		notValid string
	}{
		{"inform-existing-user-other-study", "the base has u1 in STA only and a block of STB; the other export gives u1 access at L2 in STB: u1 was left out of STB without a word",
			ProfileInForm,
			inform(block("STA", una, l1), block("STB", unaB, l2)),
			inform(block("STA", una, l1), block("STB", l2)),
			[]string{"STA/u1[L1]", "STB/u1[L2]"}, nil, ""},
		{"inform-new-user-two-studies", "u2, new to the base, has access in STA and STB: added to STA, it counted as written and was left out of STB",
			ProfileInForm,
			inform(block("STA", una, vic, l1), block("STB", vicB, l2)),
			inform(block("STA", una, l1), block("STB", l2)),
			[]string{"STA/u2[L1]", "STA/u1[L1]", "STB/u2[L2]"}, nil, ""},
		{"inform-base-has-user-later", "the base has u1 in the second block only: added to the first, patched at its record in the second, each once (so before too: the user was not written yet)",
			ProfileInForm,
			inform(block("STA", una, l1), block("STB", unaB, l2)),
			inform(block("STA", l1), block("STB", unaB, l2)),
			[]string{"STA/u1[L1]", "STB/u1[L2]"}, nil, ""},
		{"inform-no-block-of-study", "the base has no AdminData of STB, and a patch adds none: u1's access there is not written, and is reported (it was not)",
			ProfileInForm,
			inform(block("STA", una, l1), block("STB", unaB, l2)),
			inform(block("STA", una, l1)),
			[]string{"STA/u1[L1]"}, []string{noStudyB},
			"L2, a site of STB, which the base has no block for, is added at the head of STA's block, before its User records: ODM 1.3.2 lists Users first (a gap of where Patch adds sites, not of this case)"},
		{"openclinica-site-study-of-base", "Ann gains site DE02, whose site study and AdminData the base has (with Bo): she was left out of it without a word",
			ProfileOpenClinica,
			oc("S_SITE_NL01 S_SITE_DE02", block("S_DEMO", ann, bo), block("S_SITE_NL01", ann), block("S_SITE_DE02", ann, bo)),
			oc("S_SITE_NL01 S_SITE_DE02", block("S_DEMO", ann, bo), block("S_SITE_NL01", ann), block("S_SITE_DE02", bo)),
			[]string{"S_DEMO/USR_1[]", "S_DEMO/USR_2[]", "S_SITE_NL01/USR_1[]", "S_SITE_DE02/USR_1[]", "S_SITE_DE02/USR_2[]"}, nil, ""},
		{"openclinica-unchanged", "the base lists everyone where the other export does: nothing added, nothing reported",
			ProfileOpenClinica,
			oc("S_SITE_NL01", block("S_DEMO", ann, bo), block("S_SITE_NL01", ann)),
			oc("S_SITE_NL01", block("S_DEMO", ann, bo), block("S_SITE_NL01", ann)),
			[]string{"S_DEMO/USR_1[]", "S_DEMO/USR_2[]", "S_SITE_NL01/USR_1[]"}, nil, ""},
	}
	for _, tc := range tests {
		if tc.reason == "" {
			t.Fatalf("%s: a case needs a reason", tc.name)
		}
		t.Run(tc.name, func(t *testing.T) {
			out, warn := patchEveryWay(t, tc.other, tc.base, tc.p, CodeUnrepresentable)
			require.Equal(t, tc.want, blockListings(out), "%s\n%s", tc.reason, out)
			require.Equal(t, tc.warn, warn, tc.reason)
			if tc.notValid == "" {
				validate(t, []byte(out), odm.V13)
			}
		})
	}
}

// TestPatchEditedUserIntoAnotherBlock: a directory read from the base itself (its values'
// Source names the base's blocks: the base is not read ahead) given access in another
// study of the base, as a program or an edited JSON gives it, has the user added to that
// study's block; a user whose only other access names no study (which any block holds)
// is written once, where it was.
func TestPatchEditedUserIntoAnotherBlock(t *testing.T) {
	base := `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-10T10:15:00" ODMVersion="1.3">
<AdminData StudyOID="STA"><User OID="u1"><LoginName>u1</LoginName><LocationRef LocationOID="L1"/></User><User OID="u2"><LoginName>u2</LoginName><LocationRef LocationOID="L1"/></User><Location OID="L1" Name="Site L1" LocationType="Site"><MetaDataVersionRef StudyOID="STA" MetaDataVersionOID="v1" EffectiveDate="2025-01-01"/></Location></AdminData>
<AdminData StudyOID="STB"><Location OID="L2" Name="Site L2" LocationType="Site"><MetaDataVersionRef StudyOID="STB" MetaDataVersionOID="v1" EffectiveDate="2025-01-01"/></Location></AdminData>
</ODM>
`
	dir, _, err := FromReader(odm.NewReader(strings.NewReader(base), odm.ReadOptions{}), Options{})
	require.NoError(t, err)
	require.Len(t, dir.Users, 2)
	a := dir.Users[0].Assignments[0]
	a.Study, a.Site = "STB", "L2"
	dir.Users[0].Assignments = append(dir.Users[0].Assignments, a)
	a.Study, a.Site = "", ""
	dir.Users[1].Assignments = append(dir.Users[1].Assignments, a)
	var out bytes.Buffer
	_, err = Patch(&out, strings.NewReader(base), dir, PatchOptions{})
	require.NoError(t, err)
	require.Equal(t, []string{"STA/u1[L1]", "STA/u2[L1]", "STB/u1[L2]"}, blockListings(out.String()), out.String())
}

// TestPatchWarningsNameTheDocument: what Patch reports of the document it patches (no
// AdminData for a study, no site study for a site, a Study element kept as it is) names
// that document (Warning.File: PatchOptions.Read.Name), whether the directory is held,
// streamed or compact: map --to odm --base FILE printed such warnings under the input's
// name, as if the input lacked the study. Without a name, they name none, as before.
func TestPatchWarningsNameTheDocument(t *testing.T) {
	const (
		other = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Snapshot" FileOID="IN" CreationDateTime="2026-01-10T10:15:00" ODMVersion="1.3">
<AdminData StudyOID="STA"><User OID="u1"><LoginName>u1</LoginName><LocationRef LocationOID="L1"/></User><Location OID="L1" Name="Site L1" LocationType="Site"><MetaDataVersionRef StudyOID="STA" MetaDataVersionOID="v1" EffectiveDate="2025-01-01"/></Location></AdminData>
<AdminData StudyOID="STB"><User OID="u1"><LoginName>u1</LoginName></User></AdminData>
</ODM>
`
		base = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Snapshot" FileOID="BASE" CreationDateTime="2026-01-10T10:15:00" ODMVersion="1.3">
<AdminData StudyOID="STA"><User OID="u1"><LoginName>u1</LoginName><LocationRef LocationOID="L1"/></User><Location OID="L1" Name="Site L1" LocationType="Site"><MetaDataVersionRef StudyOID="STA" MetaDataVersionOID="v1" EffectiveDate="2025-01-01"/></Location></AdminData>
</ODM>
`
	)
	const want = "base.xml|Assignment|Study STB"
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	read := func() *odm.Reader { return odm.NewReader(strings.NewReader(other), odm.ReadOptions{Name: "other.xml"}) }
	files := func(ws []Warning) []string {
		var out []string
		for _, w := range ws {
			if w.Code == CodeUnrepresentable {
				out = append(out, w.File+"|"+w.Field+"|"+w.Subject)
			}
		}
		return out
	}
	for _, name := range []string{"base.xml", ""} {
		po := PatchOptions{Options: Options{Now: now}, Read: odm.ReadOptions{Name: name}, Foreign: true}
		wantFiles := []string{strings.Replace(want, "base.xml", name, 1)}

		dir, _, err := FromReader(read(), Options{})
		require.NoError(t, err)
		ws, err := Patch(io.Discard, strings.NewReader(base), dir, po)
		require.NoError(t, err)
		require.Equal(t, wantFiles, files(ws), "Patch")

		ws, err = PatchStream(io.Discard, read(), func() (io.Reader, error) { return strings.NewReader(base), nil }, po)
		require.NoError(t, err)
		require.Equal(t, wantFiles, files(ws), "PatchStream")

		c, _, err := ReadCompactODM(read(), Options{})
		require.NoError(t, err)
		ws, err = c.Patch(io.Discard, strings.NewReader(base), PatchOptions{Options: Options{Now: now}, Read: odm.ReadOptions{Name: name}})
		c.Close()
		require.NoError(t, err)
		require.Equal(t, wantFiles, files(ws), "CompactDirectory.Patch")
	}
}
