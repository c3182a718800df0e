package mapping

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/odmadmin/odmadmin/odm"
)

// The tests of this file hold the ODM writers to the access they were given: what a
// written document reads back as grants no user access in a study or at a site it did not
// have (wider access is worse than none), and access a target cannot hold is left out
// with a warning that has a code and a count. All people are fictitious.

// accessOf returns each user's access as "study/site name" (a site by its name, which a
// site study made up for a site keeps), sorted, by user ID, as out reads back.
func accessOf(t *testing.T, out []byte) map[string][]string {
	t.Helper()
	dir, _, err := FromDocument(decodeBytes(t, out), Options{})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, s := range dir.Sites {
		names[s.ID] = s.Name
	}
	got := map[string][]string{}
	for _, u := range dir.Users {
		l := []string{}
		for _, a := range u.Assignments {
			site := a.Site
			if n, ok := names[site]; ok && n != "" {
				site = n
			}
			l = append(l, a.Study+"/"+site)
		}
		slices.Sort(l)
		got[u.ID] = slices.Compact(l)
	}
	return got
}

// sharedSiteODM is a plain ODM 1.3 file where one Location is used in two studies.
const sharedSiteODM = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00">
  <AdminData StudyOID="ST.A">
    <User OID="U.K1"><FirstName>Kai</FirstName><LastName>Faux</LastName><LocationRef LocationOID="LOC.1"/></User>
    <Location OID="LOC.1" Name="Shared Clinic" LocationType="Site"><MetaDataVersionRef StudyOID="ST.A" MetaDataVersionOID="A.1" EffectiveDate="2025-01-01"/></Location>
  </AdminData>
  <AdminData StudyOID="ST.B">
    <User OID="U.K1"><FirstName>Kai</FirstName><LastName>Faux</LastName><LocationRef LocationOID="LOC.1"/></User>
    <User OID="U.L2"><FirstName>Lou</FirstName><LastName>Sham</LastName><LocationRef LocationOID="LOC.1"/></User>
    <Location OID="LOC.1" Name="Shared Clinic" LocationType="Site"><MetaDataVersionRef StudyOID="ST.B" MetaDataVersionOID="B.1" EffectiveDate="2025-02-01"/></Location>
  </AdminData>
</ODM>
`

// raveEnvsODM is a Rave export with a site in two environments of one project.
const raveEnvsODM = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:mdsol="http://www.mdsol.com/ns/odm/metadata" ODMVersion="1.3" FileType="Snapshot" FileOID="R" CreationDateTime="2026-05-04T10:00:00">
  <AdminData StudyOID="Zeta(Prod)">
    <User OID="qfictus" UserType="Investigator" mdsol:Active="Yes" mdsol:UserRole="Investigator"><LoginName>qfictus</LoginName><LocationRef LocationOID="7001"/></User>
    <Location OID="7001" Name="Alpha Clinic" LocationType="Site" mdsol:Active="Yes"><MetaDataVersionRef StudyOID="Zeta(Prod)" MetaDataVersionOID="12" EffectiveDate="2026-01-10" mdsol:StudySiteNumber="101"/></Location>
  </AdminData>
  <AdminData StudyOID="Zeta(UAT)">
    <User OID="qfictus" UserType="Investigator" mdsol:Active="Yes" mdsol:UserRole="Investigator"><LoginName>qfictus</LoginName><LocationRef LocationOID="7001"/></User>
    <User OID="tuat" UserType="Other" mdsol:Active="Yes" mdsol:UserRole="Tester"><LoginName>tuat</LoginName></User>
    <Location OID="7001" Name="Alpha Clinic" LocationType="Site" mdsol:Active="Yes"><MetaDataVersionRef StudyOID="Zeta(UAT)" MetaDataVersionOID="12" EffectiveDate="2026-01-10" mdsol:StudySiteNumber="201"/></Location>
  </AdminData>
</ODM>
`

// TestOpenClinicaSiteOfSeveralStudies: OpenClinica writes a site as a site study of one
// parent study. A site used in two studies (or two Rave environments) was written as a
// site study of the first only: its users of the second read back with access in the
// first instead, one of them in a study it never had, without a word. Each study now has
// a site study of the site, the one of the site's home study under the site's OID and the
// others under an OID made up for them (warned about as generated, counted); the output is
// schema-valid and reads back as the access read.
func TestOpenClinicaSiteOfSeveralStudies(t *testing.T) {
	collide := strings.Replace(sharedSiteODM, `<AdminData StudyOID="ST.B">`,
		`<AdminData StudyOID="LOC.1.ST.B"><User OID="U.M3"><FirstName>Mo</FirstName></User></AdminData>`+"\n"+`<AdminData StudyOID="ST.B">`, 1)
	for _, tc := range []struct {
		name, reason string
		src          string
		want         map[string][]string // access read back: study/site name
		made         []string            // site study OIDs made up, in the output
		generated    int                 // generated Study/@OID warnings
	}{
		{"one Location, two studies", "each study's users keep their site in that study; U.L2 gains nothing in ST.A",
			sharedSiteODM,
			map[string][]string{"U.K1": {"ST.A/Shared Clinic", "ST.B/Shared Clinic"}, "U.L2": {"ST.B/Shared Clinic"}},
			[]string{"LOC.1.ST.B"}, 1},
		{"Rave site in two environments", "the UAT access at site 7001 is written, not dropped",
			raveEnvsODM,
			map[string][]string{"qfictus": {"Zeta(Prod)/Alpha Clinic", "Zeta(UAT)/Alpha Clinic"}, "tuat": {"Zeta(UAT)/"}},
			[]string{"7001.Zeta(UAT)"}, 1},
		{"made-up OID taken", "an OID made up for a site study is one no study or site of the document has",
			collide,
			map[string][]string{"U.K1": {"ST.A/Shared Clinic", "ST.B/Shared Clinic"}, "U.L2": {"ST.B/Shared Clinic"}, "U.M3": {"LOC.1.ST.B/"}},
			[]string{"LOC.1.ST.B.2"}, 1},
		{"site of one study", "a site of one study keeps its OID and nothing is made up",
			dropsODM("", []string{"ST"}, `<AdminData StudyOID="ST"><User OID="U1"><FirstName>Ina</FirstName><LocationRef LocationOID="S1"/></User>`+
				`<Location OID="S1" Name="One Clinic" LocationType="Site"><MetaDataVersionRef StudyOID="ST" MetaDataVersionOID="v1" EffectiveDate="2020-01-01"/></Location></AdminData>`),
			map[string][]string{"U1": {"ST/One Clinic"}}, nil, 0},
	} {
		dropsWrite(t, tc.src, ProfileOpenClinica, func(how string, out []byte, ws []Warning) {
			validate(t, out, odm.V13)
			got := accessOf(t, out)
			for id, want := range tc.want {
				if !slices.Equal(got[id], want) {
					t.Errorf("%s, %s: %s: %s reads back with access %q, want %q\n%s", tc.name, how, tc.reason, id, got[id], want, out)
				}
			}
			for _, id := range tc.made {
				if !bytes.Contains(out, []byte(`<AdminData StudyOID="`+id+`">`)) {
					t.Errorf("%s, %s: no site study %s made up\n%s", tc.name, how, id, out)
				}
			}
			if n := warned(ws, CodeGenerated, "Study/@OID"); n != tc.generated {
				t.Errorf("%s, %s: %d site study OIDs warned as made up, want %d: %v", tc.name, how, n, tc.generated, ws)
			}
		})
	}
}

// TestOpenClinicaStudylessAccess: access that names no study (a Clinical One template's
// Sites All row read without --study) was in no AdminData OpenClinica's writer planned,
// so the user was left out whole (names, e-mail and all) without a word, while a site
// user of the same file got the warning that its access is "written into the AdminData of
// each study the document has", which it was not. The user is now written into an
// AdminData without a StudyOID, and warned about as the document reads it back: as the
// only study's (approximated) or with no access (unrepresentable); with the study given,
// nothing of the kind is warned.
func TestOpenClinicaStudylessAccess(t *testing.T) {
	const head = "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n"
	const siteUser = "Ivo,Fictive,ivo@site.example.org,ifictive,05-Jan-2026,,Site User,1001,\n"
	const allUser = "Una,Madeup,una@sponsor.example.com,umadeup,05-Jan-2026,31-Dec-2026,Data Manager,All,\n"
	const twoSites = "Oli,Fictive,oli@site.example.org,ofictive,05-Jan-2026,,Site User,1001;1002,\n"
	for _, tc := range []struct {
		name, reason string
		csv, study   string
		users        []string // users written
		approx       int      // approximated Assignment/study
		noAccess     int      // unrepresentable Assignment/study
	}{
		{"one site, no study", "the Sites All user is written; its AdminData without StudyOID reads back as the one study the document has (the site)",
			head + siteUser + allUser, "", []string{"ifictive", "umadeup"}, 1, 0},
		{"two sites, no study", "the Sites All user is written, and reads back with no access (OpenClinica's AdminData has no role)",
			head + twoSites + allUser, "", []string{"ofictive", "umadeup"}, 0, 1},
		{"site users only", "a site user's access is its site study's: nothing is written into each study",
			head + siteUser + twoSites, "", []string{"ifictive", "ofictive"}, 0, 0},
		{"study given", "with --study every access names it: nothing to warn about",
			head + siteUser + allUser, "DEMO", []string{"ifictive", "umadeup"}, 0, 0},
	} {
		dir, _, err := ReadAny(strings.NewReader(tc.csv), "users.csv", Options{Study: tc.study})
		if err != nil {
			t.Fatal(err)
		}
		opts := Options{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		doc, ws, err := ToDocument(dir, ProfileOpenClinica, opts)
		if err != nil {
			t.Fatal(err)
		}
		out := encode(t, doc)
		var buf bytes.Buffer
		sws, err := WriteODM(&buf, dir, ProfileOpenClinica, opts, odm.WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for how, x := range map[string]struct {
			out []byte
			ws  []Warning
		}{"ToDocument": {out, ws}, "WriteODM": {buf.Bytes(), sws}} {
			validate(t, x.out, odm.V13)
			got := accessOf(t, x.out)
			var ids []string
			for id := range got {
				ids = append(ids, id)
			}
			slices.Sort(ids)
			if !slices.Equal(ids, tc.users) {
				t.Errorf("%s, %s: %s: users written %q, want %q\n%s", tc.name, how, tc.reason, ids, tc.users, x.out)
			}
			if n := warned(x.ws, CodeApproximated, "Assignment/study"); n != tc.approx {
				t.Errorf("%s, %s: %s: %d approximated Assignment/study, want %d: %v", tc.name, how, tc.reason, n, tc.approx, x.ws)
			}
			if n := warned(x.ws, CodeUnrepresentable, "Assignment/study"); n != tc.noAccess {
				t.Errorf("%s, %s: %s: %d unrepresentable Assignment/study, want %d: %v", tc.name, how, tc.reason, n, tc.noAccess, x.ws)
			}
		}
	}
}

// TestODMWritersLeaveOutSitelessSiteAccess: site-level access whose site the output does
// not hold was written as a user without LocationRef (or, into OpenClinica, as a member of
// the study's AdminData), which reads back as access at every site of the study: a
// site-level role an OpenClinica 4 user table gives without its site, a template site or
// an OpenClinica site study that has no study version to be a Location by. Such access is
// now left out, as the Clinical One template writer leaves it out (unrepresentable,
// Assignment/site, a count), and a user with no other access in the AdminData is not
// written into it (unrepresentable, User): no user reads back with access at the study
// level it did not have.
func TestODMWritersLeaveOutSitelessSiteAccess(t *testing.T) {
	const oc4 = "First,Last,Username,Email,Organization,Phone,Role,Type,Status,Created (UTC),Updated (UTC)\n" +
		"Mara,Vellin,mvellin,mara@sponsor.example.com,Demo CRO,,Data Manager,Admin,Available,10-May-2018 17:57,13-Nov-2024 21:29\n" +
		"Tomas,Irving,tirving,tomas@site.example.org,Site 1,,Investigator,User,Available,22-May-2025 11:14,22-May-2025 11:14\n"
	const template = "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n" +
		"Oskar,Demoe,oskar@site.example.org,odemoe,05-Jan-2026,,Site User,1001; 1002,\n" +
		"Priya,Testwell,priya@sponsor.example.com,ptestwell,05-Jan-2026,,Data Manager,All,\n"
	const siteStudies = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:OpenClinica="http://www.openclinica.org/ns/odm_ext_v130/v3.1" ODMVersion="1.3" FileType="Snapshot" FileOID="O" CreationDateTime="2026-01-01T00:00:00">
  <Study OID="S_DEMO"><GlobalVariables><StudyName>Demo</StudyName><StudyDescription/><ProtocolName>DEMO</ProtocolName></GlobalVariables><MetaDataVersion OID="v1" Name="v1"/></Study>
  <Study OID="S_SITE1"><GlobalVariables><StudyName>Demo - Site 1</StudyName><StudyDescription/><ProtocolName>DEMO - 01</ProtocolName></GlobalVariables><MetaDataVersion OID="v1" Name="v1"><Include StudyOID="S_DEMO" MetaDataVersionOID="v1"/></MetaDataVersion></Study>
  <AdminData StudyOID="S_DEMO"><User OID="USR_1"><FirstName>Root</FirstName></User><User OID="USR_4"><FirstName>Priya</FirstName></User></AdminData>
  <AdminData StudyOID="S_SITE1"><User OID="USR_4"><FirstName>Priya</FirstName></User><User OID="USR_7"><FirstName>Noor</FirstName></User></AdminData>
</ODM>
`
	located := dropsODM("", []string{"ST"}, `<AdminData StudyOID="ST"><User OID="U1"><FirstName>Ina</FirstName><LocationRef LocationOID="S1"/></User>`+
		`<Location OID="S1" Name="One Clinic" LocationType="Site"><MetaDataVersionRef StudyOID="ST" MetaDataVersionOID="v1" EffectiveDate="2020-01-01"/></Location></AdminData>`)
	read := func(name, src, study string) *Directory {
		d, _, err := ReadAny(strings.NewReader(src), name, Options{Study: study})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		name, reason string
		dir          func() *Directory
		odm          string // the input, when it is ODM
		profiles     []Profile
		users        []string // users written
		siteCount    int      // Assignment/site warnings (access left out)
		userCount    int      // User warnings (users left out of an AdminData)
	}{
		{"OpenClinica 4 site role", "the Investigator names no site: left out, and tirving with it; the study-level Data Manager is written",
			func() *Directory { return read("users.csv", oc4, "DEMO") }, "",
			[]Profile{ProfileInForm, ProfileRave, ProfileODM, ProfileODM2, ProfileOpenClinica}, []string{"mvellin"}, 1, 1},
		{"template sites without Location", "the template's sites have no study version to be a Location by: odemoe's two site accesses are left out, and odemoe",
			func() *Directory { return read("users.csv", template, "DEMO") }, "",
			[]Profile{ProfileInForm, ProfileRave, ProfileODM, ProfileODM2}, []string{"ptestwell"}, 2, 1},
		{"OpenClinica site study", "a site study has no study version: USR_7's site access is left out and USR_7 with it; USR_4 keeps its study-level access",
			func() *Directory { return read("oc.xml", siteStudies, "") }, siteStudies,
			[]Profile{ProfileInForm, ProfileRave, ProfileODM, ProfileODM2}, []string{"USR_1", "USR_4"}, 2, 1},
		{"site at a Location", "a site written as a Location keeps its access: nothing left out",
			func() *Directory { return read("s.xml", located, "") }, located,
			[]Profile{ProfileInForm, ProfileRave, ProfileODM, ProfileODM2, ProfileOpenClinica}, []string{"U1"}, 0, 0},
	} {
		for _, p := range tc.profiles {
			dir := tc.dir()
			opts := Options{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			doc, ws, err := ToDocument(dir, p, opts)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			sws, err := WriteODM(&buf, tc.dir(), p, opts, odm.WriteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			outs := map[string]struct {
				out []byte
				ws  []Warning
			}{"ToDocument": {encode(t, doc), ws}, "WriteODM": {buf.Bytes(), sws}}
			if src := tc.odm; src != "" {
				// The CLI's path for an ODM input, with the Study elements it reads first.
				studies, err := StudyElements(func() (io.Reader, error) { return strings.NewReader(src), nil }, odm.ReadOptions{})
				if err != nil {
					t.Fatal(err)
				}
				so := opts
				so.Studies = studies
				var buf bytes.Buffer
				ws, err := WriteODMStream(&buf, odm.NewReader(strings.NewReader(src), odm.ReadOptions{}), p, so, odm.WriteOptions{})
				if err != nil {
					t.Fatal(err)
				}
				outs["WriteODMStream"] = struct {
					out []byte
					ws  []Warning
				}{buf.Bytes(), ws}
			}
			for how, x := range outs {
				v := odm.V13
				if p == ProfileODM2 {
					v = odm.V20
				}
				validate(t, x.out, v)
				back, _, err := FromDocument(decodeBytes(t, x.out), Options{})
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, u := range back.Users {
					ids = append(ids, u.ID)
					// No study-level access the input did not have.
					for _, a := range u.Assignments {
						if a.Site != "" {
							continue
						}
						had := false
						for _, in := range dir.Users {
							if in.ID != u.ID {
								continue
							}
							for _, b := range in.Assignments {
								had = had || b.Site == "" && b.Scope != ScopeSite && (b.Study == a.Study || b.Study == "")
							}
						}
						if !had {
							t.Errorf("%s, %s, %s: %s reads back with study-level access in %q it did not have\n%s", tc.name, p, how, u.ID, a.Study, x.out)
						}
					}
				}
				slices.Sort(ids)
				if !slices.Equal(ids, tc.users) {
					t.Errorf("%s, %s, %s: %s: users written %q, want %q\n%s", tc.name, p, how, tc.reason, ids, tc.users, x.out)
				}
				if n := warned(x.ws, CodeUnrepresentable, "Assignment/site"); n != tc.siteCount {
					t.Errorf("%s, %s, %s: %s: %d site accesses warned as left out, want %d: %v", tc.name, p, how, tc.reason, n, tc.siteCount, x.ws)
				}
				if n := warned(x.ws, CodeUnrepresentable, "User"); n != tc.userCount {
					t.Errorf("%s, %s, %s: %s: %d users warned as left out, want %d: %v", tc.name, p, how, tc.reason, n, tc.userCount, x.ws)
				}
			}
		}
	}
}

// TestOpenClinicaSiteStudyValues: OpenClinica writes a site as a site study, a Study with
// a name and a protocol name, both of which ODM requires. A study or site that has none
// got its OID in their place without a word, and a site's OID read back as its number;
// each is now a generated warning with a count. A Location's vendor extensions (InForm's
// pf:GUID, pf:Revision) were folded into "other site details are left out"; each is now
// extension-dropped by name, with a count, as a user's are, and each other detail a site
// study cannot hold is reported on its own.
func TestOpenClinicaSiteStudyValues(t *testing.T) {
	const rave = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:mdsol="http://www.mdsol.com/ns/odm/metadata" ODMVersion="1.3" FileType="Snapshot" FileOID="R" CreationDateTime="2026-01-01T00:00:00">
  <AdminData StudyOID="Demo(Prod)">
    <User OID="uone" mdsol:Active="Yes"><LoginName>uone</LoginName><LocationRef LocationOID="L1"/><LocationRef LocationOID="L2"/></User>
    <Location OID="L1" Name="Numbered Clinic" LocationType="Site" mdsol:Active="Yes"><MetaDataVersionRef StudyOID="Demo(Prod)" MetaDataVersionOID="1" EffectiveDate="2026-01-01" mdsol:StudySiteNumber="101"/></Location>
    <Location OID="L2" Name="Unnumbered Lab" LocationType="Lab" mdsol:Active="No"><MetaDataVersionRef StudyOID="Demo(Prod)" MetaDataVersionOID="1" EffectiveDate="2026-01-01" mdsol:StudySiteNumber=""/></Location>
  </AdminData>
</ODM>
`
	const inform = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" ODMVersion="1.3" FileType="Snapshot" FileOID="I" CreationDateTime="2026-01-01T00:00:00">
  <AdminData StudyOID="HTN">
    <User OID="amorel" pf:GUID="{00000000-0000-4000-8000-000000000001}"><LoginName>amorel</LoginName><LocationRef LocationOID="10127"/><LocationRef LocationOID="10128"/></User>
    <Location OID="10127" Name="(01) Demo Clinic" LocationType="Site" pf:SiteCountry="USA" pf:GUID="{00000000-0000-4000-8000-000000010127}" pf:Revision="3" pf:Note="fictive">
      <MetaDataVersionRef StudyOID="HTN" MetaDataVersionOID="SV1" EffectiveDate="2025-04-01"/>
      <pf:Mnemonic><TranslatedText>01</TranslatedText></pf:Mnemonic>
    </Location>
    <Location OID="10128" Name="(02) Demo Hospital" LocationType="Site" pf:GUID="{00000000-0000-4000-8000-000000010128}" pf:Revision="1">
      <MetaDataVersionRef StudyOID="HTN" MetaDataVersionOID="SV1" EffectiveDate="2025-04-01"/>
      <pf:Mnemonic><TranslatedText>02</TranslatedText></pf:Mnemonic>
    </Location>
  </AdminData>
</ODM>
`
	for _, tc := range []struct {
		name, reason string
		src          string
		want         map[string]int // warnings: code and field, and their counts
	}{
		{"Rave site without number", "the study's name and protocol name and the unnumbered site's protocol name are made up from OIDs; the Lab type and inactive flag are reported",
			rave, map[string]int{
				"generated Study/GlobalVariables/StudyName":    1, // Demo(Prod)
				"generated Study/GlobalVariables/ProtocolName": 2, // Demo(Prod), L2
				"unrepresentable Location/@LocationType":       1,
				"unrepresentable Location/active":              1,
				"unrepresentable Location/MetaDataVersionRef":  2,
				"extension-dropped Location/@mdsol:Active":     0, // a model field (active)
				"approximated Location":                        2,
				"extension-dropped Location/@pf:GUID":          0,
			}},
		{"InForm Locations", "the sites are named and numbered: only the study's names are made up; pf:GUID and pf:Revision of both sites and pf:Note of one are extension-dropped by name, with counts; the country is reported",
			inform, map[string]int{
				"generated Study/GlobalVariables/StudyName":    1, // HTN
				"generated Study/GlobalVariables/ProtocolName": 1, // HTN
				"extension-dropped Location/@pf:GUID":          2,
				"extension-dropped Location/@pf:Revision":      2,
				"extension-dropped Location/@pf:Note":          1,
				"extension-dropped Location/@pf:SiteCountry":   0, // a model field (country)
				"unrepresentable Location/country":             1,
				"approximated Location":                        2,
			}},
	} {
		dropsWrite(t, tc.src, ProfileOpenClinica, func(how string, out []byte, ws []Warning) {
			validate(t, out, odm.V13)
			for k, want := range tc.want {
				code, field, _ := strings.Cut(k, " ")
				if n := warned(ws, Code(code), field); n != want {
					t.Errorf("%s, %s: %s: %s counts %d, want %d: %v", tc.name, how, tc.reason, k, n, want, ws)
				}
			}
			for _, w := range ws {
				if strings.Contains(w.Message, "other site details") {
					t.Errorf("%s, %s: details folded into one warning: %v", tc.name, how, w)
				}
			}
		})
	}
}

// TestRaveGroupsLeftOut: Rave has a user group and a site group per user. Every other
// group was reported as "Rave has one user group and one site group per user; other
// groups are left out", also when the user had neither (an InForm site group), so that
// no group at all was written while the message said otherwise. Another vendor's group
// and a second Rave group of a kind now have messages of their own.
func TestRaveGroupsLeftOut(t *testing.T) {
	const second = "Rave has one user group and one site group per user; a second one is left out"
	const other = "Rave's groups are a user group and a site group (mdsol:UserGroup, mdsol:SiteGroup); another vendor's group is left out"
	user := func(from Profile, gs ...GroupRef) *Directory {
		return &Directory{Studies: []*Study{{ID: "S"}}, Users: []*User{{ID: "u1", Login: "u1", Groups: gs, Source: &Source{Vendor: from},
			Assignments: []Assignment{{Study: "S", Role: Role{Name: "Site Investigator Rights"}, Scope: ScopeStudy}}}}}
	}
	for _, tc := range []struct {
		name, reason  string
		dir           *Directory
		second, other int    // warnings of each message
		attrs         string // the group attributes written
	}{
		{"InForm groups", "the rights group is the role; the site group is another vendor's: no Rave group is written, and the message says so",
			user(ProfileInForm, GroupRef{ID: "5954", Name: "Site Investigator Rights", Type: "Rights"}, GroupRef{ID: "6010", Name: "Site 01", Type: "Site"}),
			0, 1, ""},
		{"two user groups", "the first user group is written, the second reported as such",
			user(ProfileRave, GroupRef{Name: "Site", Type: "UserGroup"}, GroupRef{Name: "Monitors", Type: "UserGroup"}, GroupRef{Name: "World", Type: "SiteGroup"}),
			1, 0, `mdsol:UserGroup="Site" mdsol:SiteGroup="World"`},
		{"one of each", "a user group and a site group are both written: nothing to report",
			user(ProfileRave, GroupRef{Name: "Site", Type: "UserGroup"}, GroupRef{Name: "World", Type: "SiteGroup"}),
			0, 0, `mdsol:UserGroup="Site" mdsol:SiteGroup="World"`},
	} {
		doc, ws, err := ToDocument(tc.dir, ProfileRave, Options{})
		if err != nil {
			t.Fatal(err)
		}
		out := string(encode(t, doc))
		n := map[string]int{}
		for _, w := range ws {
			if w.Field == "User/group" {
				n[w.Message] += w.Count
			}
		}
		if n[second] != tc.second || n[other] != tc.other || len(n) > btoi(tc.second > 0)+btoi(tc.other > 0) {
			t.Errorf("%s: %s: group warnings %v, want %d %q and %d %q", tc.name, tc.reason, n, tc.second, second, tc.other, other)
		}
		if tc.attrs != "" && !strings.Contains(out, tc.attrs) || tc.attrs == "" && strings.Contains(out, "Group=") {
			t.Errorf("%s: %s: want group attributes %q:\n%s", tc.name, tc.reason, tc.attrs, out)
		}
	}
}

// TestRaveStudySiteNumberOnEveryVersion: the Rave writer puts the site's number on its
// current version's reference and writes mdsol:StudySiteNumber="" on the others, as
// Rave's own Sites.odm writes it (rwslib's example has it empty on every reference): the
// empty value reads back as no number, and the site keeps its number.
func TestRaveStudySiteNumberOnEveryVersion(t *testing.T) {
	dir := &Directory{Studies: []*Study{{ID: "S"}}, Sites: []*Site{{ID: "10127", Name: "Demo Clinic", Number: "01", Active: true,
		Versions: []StudyVersion{{Study: "S", Version: "V1", Effective: "2025-04-01"}, {Study: "S", Version: "V2", Effective: "2026-02-15"}}}}}
	doc, _, err := ToDocument(dir, ProfileRave, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := encode(t, doc)
	validate(t, out, odm.V13)
	for _, want := range []string{`MetaDataVersionOID="V1" EffectiveDate="2025-04-01" mdsol:StudySiteNumber=""`, `MetaDataVersionOID="V2" EffectiveDate="2026-02-15" mdsol:StudySiteNumber="01"`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	back, _, err := FromDocument(decodeBytes(t, out), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := back.Sites[0]; s.Number != "01" || s.Versions[0].Number != "" {
		t.Errorf("read back: number %q, first version's %q; want 01 and none", s.Number, s.Versions[0].Number)
	}
}
