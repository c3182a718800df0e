package mapping

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/odmadmin/odmadmin/odm"
)

// The tests of this file hold the writers to the rule that nothing read is dropped
// without a word: what a target cannot write is a warning with a code and a count, and
// what it writes reads back as what was read. All people are fictitious.

const dropsNow = "2026-01-01T00:00:00"

// dropsODM is an ODM 1.3 document with the given root attributes (namespace
// declarations), Study OIDs and AdminData content.
func dropsODM(rootAttrs string, studies []string, adminData ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ` + rootAttrs + ` FileOID="F1" FileType="Snapshot" CreationDateTime="` + dropsNow + `" ODMVersion="1.3.2">` + "\n")
	for _, s := range studies {
		b.WriteString(`<Study OID="` + s + `"><GlobalVariables><StudyName>` + s + `</StudyName><StudyDescription/><ProtocolName>` + s + `</ProtocolName></GlobalVariables><MetaDataVersion OID="v1" Name="v1"/></Study>` + "\n")
	}
	for _, ad := range adminData {
		b.WriteString(ad + "\n")
	}
	b.WriteString("</ODM>\n")
	return b.String()
}

// dropsWrite reads src and writes it in profile p twice, as ToDocument and as the CLI's
// stream (WriteODMStream) write it, and hands each output and its warnings to check.
func dropsWrite(t *testing.T, src string, p Profile, check func(how string, out []byte, ws []Warning)) {
	t.Helper()
	doc := decodeBytes(t, []byte(src))
	opts := Options{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	dir, _, err := FromDocument(doc, opts)
	if err != nil {
		t.Fatal(err)
	}
	out, ws, err := ToDocument(dir, p, opts)
	if err != nil {
		t.Fatal(err)
	}
	check("ToDocument", encode(t, out), ws)
	var buf bytes.Buffer
	ws, err = WriteODMStream(&buf, odm.NewReader(strings.NewReader(src), odm.ReadOptions{}), p, opts, odm.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	check("WriteODMStream", buf.Bytes(), ws)
}

// warned returns the count of the warnings of code about field (0: none).
func warned(ws []Warning, code Code, field string) int {
	n := 0
	for _, w := range ws {
		if w.Code == code && w.Field == field {
			n += w.Count
		}
	}
	return n
}

// siteIDs returns the IDs of the sites of the directory out reads as, sorted.
func siteIDs(t *testing.T, out []byte) []string {
	t.Helper()
	dir, _, err := FromDocument(decodeBytes(t, out), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range dir.Sites {
		ids = append(ids, s.ID+"<"+s.Study)
	}
	slices.Sort(ids)
	return ids
}

// TestOpenClinicaWritesEverySite: OpenClinica writes sites as site studies, and a site no
// user is assigned to is one too (it was left out without a word); a site that names no
// study has no parent to be a site study of, and says so with its own warning and count.
func TestOpenClinicaWritesEverySite(t *testing.T) {
	loc := func(id, study string) string {
		if study == "" {
			return `<Location OID="` + id + `" Name="Site ` + id + `" LocationType="Site"/>`
		}
		return `<Location OID="` + id + `" Name="Site ` + id + `" LocationType="Site"><MetaDataVersionRef StudyOID="` + study + `" MetaDataVersionOID="v1" EffectiveDate="2020-01-01"/></Location>`
	}
	user := `<User OID="U1"><FirstName>Ina</FirstName><LastName>Example</LastName><LocationRef LocationOID="S1"/></User>`
	for _, tc := range []struct {
		name, reason string
		src          string
		sites        []string // site<parent, as the output reads back
		leftOut      int      // unrepresentable Location warnings: no study to be a site of
		approximated int      // approximated Location: the sites written as site studies
	}{
		{"unassigned site of a study", "a site no user is assigned to is a site study of the study its version names",
			dropsODM("", []string{"ST"}, `<AdminData StudyOID="ST">`+user+loc("S1", "ST")+loc("S2", "ST")+`</AdminData>`),
			[]string{"S1<ST", "S2<ST"}, 0, 2},
		{"unassigned site without a version", "a Location without MetaDataVersionRef is a site of the study of the AdminData it was read in",
			dropsODM("", []string{"ST"}, `<AdminData StudyOID="ST">`+user+loc("S1", "ST")+loc("S2", "")+`</AdminData>`),
			[]string{"S1<ST", "S2<ST"}, 0, 2},
		{"no user at all", "sites of a file without users are written too",
			dropsODM("", []string{"ST"}, `<AdminData StudyOID="ST">`+loc("S1", "ST")+loc("S2", "ST")+loc("S3", "ST")+`</AdminData>`),
			[]string{"S1<ST", "S2<ST", "S3<ST"}, 0, 3},
		{"site of no study", "a site that names no study and has no user cannot be a site study: left out, with a warning counting it (and not counted as written)",
			dropsODM("", nil, `<AdminData>`+user+loc("S1", "")+loc("S2", "")+loc("S3", "")+`</AdminData>`),
			nil, 2, 1},
	} {
		dropsWrite(t, tc.src, ProfileOpenClinica, func(how string, out []byte, ws []Warning) {
			if got := siteIDs(t, out); !slices.Equal(got, tc.sites) {
				t.Errorf("%s, %s: %s: sites read back %q, want %q\n%s", tc.name, how, tc.reason, got, tc.sites, out)
			}
			left := 0
			for _, w := range ws {
				if w.Code == CodeUnrepresentable && w.Field == "Location" && strings.Contains(w.Message, "left out") {
					left += w.Count
				}
			}
			if left != tc.leftOut {
				t.Errorf("%s, %s: %s: %d sites warned as left out, want %d: %v", tc.name, how, tc.reason, left, tc.leftOut, ws)
			}
			if got := warned(ws, CodeApproximated, "Location"); got != tc.approximated {
				t.Errorf("%s, %s: %s: approximated Location counts %d, want %d", tc.name, how, tc.reason, got, tc.approximated)
			}
		})
	}
}

// TestAdminDataElementsAcrossFlavours: a vendor element directly inside AdminData (InForm's
// pf:ProductLocale, a Rave element) that a write into another flavour cannot hold is an
// extension-dropped warning, as a User's or Location's vendor attribute is; one in the
// target's own namespace is written.
func TestAdminDataElementsAcrossFlavours(t *testing.T) {
	const (
		pf    = `xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0"`
		mdsol = `xmlns:mdsol="http://www.mdsol.com/ns/odm/metadata"`
	)
	inform := dropsODM(pf, nil, `<AdminData StudyOID="ST"><User OID="U1"><LoginName>u1</LoginName></User><pf:ProductLocale xml:lang="en-US"/><pf:ProductLocale xml:lang="ja-JP"/></AdminData>`)
	rave := dropsODM(mdsol, nil, `<AdminData StudyOID="ST(Prod)"><User OID="u1" mdsol:Active="Yes"><LoginName>u1</LoginName></User><mdsol:StudyNote Text="x"/></AdminData>`)
	for _, tc := range []struct {
		name, reason string
		src          string
		to           Profile
		field        string
		dropped      int
		keep         string // written as it is
	}{
		{"inform to rave", "Rave has no product locale", inform, ProfileRave, "AdminData/pf:ProductLocale", 2, ""},
		{"inform to odm", "plain ODM is written without vendor elements", inform, ProfileODM, "AdminData/pf:ProductLocale", 2, ""},
		{"inform to odm2", "ODM 2.0 is written without vendor elements", inform, ProfileODM2, "AdminData/pf:ProductLocale", 2, ""},
		{"inform to openclinica", "OpenClinica has no product locale", inform, ProfileOpenClinica, "AdminData/pf:ProductLocale", 2, ""},
		{"rave to inform", "InForm has no Rave element", rave, ProfileInForm, "AdminData/mdsol:StudyNote", 1, ""},
		{"inform kept", "written back into its own flavour the element stays", inform, ProfileInForm, "AdminData/pf:ProductLocale", 0, `<pf:ProductLocale xml:lang="ja-JP"`},
	} {
		dropsWrite(t, tc.src, tc.to, func(how string, out []byte, ws []Warning) {
			if got := warned(ws, CodeExtensionDropped, tc.field); got != tc.dropped {
				t.Errorf("%s, %s: %s: extension-dropped %s counts %d, want %d: %v", tc.name, how, tc.reason, tc.field, got, tc.dropped, ws)
			}
			if tc.keep != "" && !bytes.Contains(out, []byte(tc.keep)) {
				t.Errorf("%s, %s: %s: %s is not written:\n%s", tc.name, how, tc.reason, tc.keep, out)
			}
		})
	}
	// An element of the target's namespace read from a file of another flavour is
	// written: a plain ODM file (read as such) carrying InForm's product locale.
	doc := decodeBytes(t, []byte(inform))
	dir, _, err := FromDocument(doc, Options{Profile: ProfileODM})
	if err != nil {
		t.Fatal(err)
	}
	out, ws, err := ToDocument(dir, ProfileInForm, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if b := encode(t, out); bytes.Count(b, []byte("<pf:ProductLocale")) != 2 || warned(ws, CodeExtensionDropped, "AdminData/pf:ProductLocale") != 0 {
		t.Errorf("plain ODM with pf:ProductLocale into InForm: the target holds the element, so it is written:\n%s\n%v", b, ws)
	}
}

// TestInFormMnemonicWithoutNamespace: an InForm export whose root is in no namespace (read
// as ODM 1.3) has its pf:Mnemonic's TranslatedText in no namespace too; the site number is
// read from it as from the namespaced export, and written back in the document's namespace.
func TestInFormMnemonicWithoutNamespace(t *testing.T) {
	const pf = `xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0"`
	loc := `<Location OID="10127" Name="(01) Demo" LocationType="Site"><MetaDataVersionRef StudyOID="ST" MetaDataVersionOID="v1" EffectiveDate="2020-01-01"/><pf:Mnemonic><TranslatedText>01</TranslatedText></pf:Mnemonic></Location>`
	user := `<User OID="u1"><LoginName>u1</LoginName><LocationRef LocationOID="10127"/></User>`
	ns := dropsODM(pf, nil, `<AdminData StudyOID="ST">`+user+loc+`</AdminData>`)
	nons := strings.Replace(ns, `xmlns="http://www.cdisc.org/ns/odm/v1.3" `, "", 1)
	v12 := strings.Replace(ns, `odm/v1.3"`, `odm/v1.2"`, 1)
	for _, tc := range []struct{ name, reason, src string }{
		{"namespaced", "the export as InForm writes it", ns},
		{"no namespace", "a root in no namespace is read as ODM 1.3, its TranslatedText in none", nons},
		{"ODM 1.2", "an ODM 1.2 export's TranslatedText is in 1.2's namespace", v12},
	} {
		dir, _, err := FromDocument(decodeBytes(t, []byte(tc.src)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(dir.Sites) != 1 || dir.Sites[0].Number != "01" {
			t.Errorf("%s: %s: FromDocument: site number not read: %+v", tc.name, tc.reason, dir.Sites)
		}
		sd, _, err := FromReader(odm.NewReader(strings.NewReader(tc.src), odm.ReadOptions{}), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(sd.Sites) != 1 || sd.Sites[0].Number != "01" {
			t.Errorf("%s: %s: FromReader: site number not read: %+v", tc.name, tc.reason, sd.Sites)
		}
		var csv bytes.Buffer
		if _, err := WriteClinicalOneCSV(&csv, dir, Options{Study: "ST"}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(csv.String(), ",01,") {
			t.Errorf("%s: %s: the template's Sites is the mnemonic, not the OID:\n%s", tc.name, tc.reason, csv.String())
		}
		// Renumbered and written back: the new TranslatedText is in the document's namespace.
		dir.Sites[0].Number = "07"
		out, _, err := ToDocument(dir, ProfileInForm, Options{})
		if err != nil {
			t.Fatal(err)
		}
		back, _, err := FromDocument(decodeBytes(t, encode(t, out)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(back.Sites) != 1 || back.Sites[0].Number != "07" {
			t.Errorf("%s: %s: a renumbered site reads back as %+v\n%s", tc.name, tc.reason, back.Sites, encode(t, out))
		}
	}
}

// TestTablesSayUserTypeIsLeftOut: the Clinical One template (CSV and XLSX) and the
// OpenClinica 4 table have no column for the ODM UserType, and the table's Type (Admin or
// User) holds no account category but System: each left out is a warning, and a Type the
// user had none of is a generated one.
func TestTablesSayUserTypeIsLeftOut(t *testing.T) {
	user := func(typ string, c Category) *Directory {
		return &Directory{Studies: []*Study{{ID: "ST"}}, Users: []*User{{ID: "U1", Login: "lab1", GivenName: "Lia", FamilyName: "Example",
			Emails: []string{"lia@example.org"}, Type: typ, Category: c,
			Assignments: []Assignment{{Study: "ST", Scope: ScopeStudy, Environment: EnvProduction, From: "2026-01-01", Role: Role{Name: "CRA", Canonical: RoleMonitor}}}}}}
	}
	csv := func(d *Directory) ([]Warning, error) {
		return WriteClinicalOneCSV(&bytes.Buffer{}, d, Options{Study: "ST"})
	}
	xlsx := func(d *Directory) ([]Warning, error) {
		return WriteClinicalOneXLSX(&bytes.Buffer{}, d, Options{Study: "ST"})
	}
	oc4 := func(d *Directory) ([]Warning, error) { return WriteOC4Users(&bytes.Buffer{}, d, Options{}) }
	for _, tc := range []struct {
		name, reason string
		write        func(*Directory) ([]Warning, error)
		dir          *Directory
		code         Code
		field        string
		want         int
	}{
		{"csv type", "the template has no user type column", csv, user("Lab", ""), CodeUnrepresentable, "User/@UserType", 1},
		{"xlsx type", "the workbook is the template", xlsx, user("Lab", ""), CodeUnrepresentable, "User/@UserType", 1},
		{"csv no type", "nothing to say of a user without a type", csv, user("", ""), CodeUnrepresentable, "User/@UserType", 0},
		{"oc4users type", "the table's Type is OpenClinica's Admin or User, not the ODM user type", oc4, user("Lab", ""), CodeUnrepresentable, "User/@UserType", 1},
		{"oc4users category", "InForm's Site or Sponsor category has no place in the table", oc4, user("", CategorySponsor), CodeUnrepresentable, "User/category", 1},
		{"oc4users system", "a system account is written as Type Admin: nothing lost", oc4, user("", CategorySystem), CodeUnrepresentable, "User/category", 0},
		{"oc4users Type made up", "a user read with no OpenClinica 4 type is written as Type User", oc4, user("", ""), CodeGenerated, "table/Type", 1},
		{"oc4users admin derived", "a system account's Admin comes from its category, not made up", oc4, user("", CategorySystem), CodeGenerated, "table/Type", 0},
	} {
		ws, err := tc.write(tc.dir)
		if err != nil {
			t.Fatal(err)
		}
		if got := warned(ws, tc.code, tc.field); got != tc.want {
			t.Errorf("%s: %s: %s %s counts %d, want %d: %v", tc.name, tc.reason, tc.code, tc.field, got, tc.want, ws)
		}
	}
	// A user read from the table has its Type: written back, nothing is made up.
	var buf bytes.Buffer
	if _, err := WriteOC4Users(&buf, user("", ""), Options{}); err != nil {
		t.Fatal(err)
	}
	d, _, err := ReadAny(bytes.NewReader(buf.Bytes()), "users.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := WriteOC4Users(&bytes.Buffer{}, d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := warned(ws, CodeGenerated, "table/Type"); got != 0 {
		t.Errorf("a table written back keeps its Type: generated table/Type counts %d", got)
	}
}

// TestRaveUserWithoutLogin: Rave reads a User without LoginName as logging in with its
// OID, so writing such a user into Rave makes its login up: a generated warning per user.
func TestRaveUserWithoutLogin(t *testing.T) {
	src := dropsODM("", nil, `<AdminData StudyOID="ST"><User OID="admin"><FirstName>Ana</FirstName></User><User OID="op2"><FirstName>Oli</FirstName></User><User OID="u3"><LoginName>u3</LoginName></User></AdminData>`)
	dropsWrite(t, src, ProfileRave, func(how string, out []byte, ws []Warning) {
		if got := warned(ws, CodeGenerated, "User/LoginName"); got != 2 {
			t.Errorf("%s: two users without a login read back with their OIDs as logins: generated User/LoginName counts %d, want 2: %v", how, got, ws)
		}
	})
}

// TestInFormMadeUpGroupsAcrossBlocks: the rights groups InForm's writer makes up for roles
// are numbered through the document, not per AdminData: ROLE.1 named for one role in one
// study and for another in the next read back as one group, and the user lost a role.
func TestInFormMadeUpGroupsAcrossBlocks(t *testing.T) {
	const mdsol = `xmlns:mdsol="http://www.mdsol.com/ns/odm/metadata"`
	for _, tc := range []struct {
		name, reason string
		src          string
		groups       []string // the user's group names, read back
	}{
		{"two studies", "Investigator in STA and Coordinator in STB are two groups",
			dropsODM(mdsol, nil, `<AdminData StudyOID="STA"><User OID="u1" mdsol:UserRole="Investigator"><LoginName>u1</LoginName></User></AdminData>`,
				`<AdminData StudyOID="STB"><User OID="u1" mdsol:UserRole="Coordinator"><LoginName>u1</LoginName></User></AdminData>`),
			[]string{"Coordinator", "Investigator"}},
		{"one role twice", "the same role in two studies is one group, defined once",
			dropsODM(mdsol, nil, `<AdminData StudyOID="STA"><User OID="u1" mdsol:UserRole="Investigator"><LoginName>u1</LoginName></User></AdminData>`,
				`<AdminData StudyOID="STB"><User OID="u1" mdsol:UserRole="Investigator"><LoginName>u1</LoginName></User></AdminData>`),
			[]string{"Investigator"}},
	} {
		dropsWrite(t, tc.src, ProfileInForm, func(how string, out []byte, ws []Warning) {
			dir, _, err := FromDocument(decodeBytes(t, out), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range dir.Users {
				for _, g := range u.Groups {
					got = append(got, g.Name)
				}
			}
			slices.Sort(got)
			got = slices.Compact(got)
			if !slices.Equal(got, tc.groups) {
				t.Errorf("%s, %s: %s: groups read back %q, want %q\n%s", tc.name, how, tc.reason, got, tc.groups, out)
			}
		})
	}
	// A made-up group does not take the ID of one the directory has.
	dir := &Directory{Groups: []*Group{{ID: "ROLE.1", Name: "Rights A", Type: "Site"}},
		Users: []*User{{ID: "u1", Login: "u1", Assignments: []Assignment{{Study: "ST", Scope: ScopeStudy, Role: Role{Name: "Monitor"}}}}}}
	out, _, err := ToDocument(dir, ProfileInForm, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if b := encode(t, out); bytes.Count(b, []byte(`OID="ROLE.1"`)) != 1 || !bytes.Contains(b, []byte(`OID="ROLE.2" Name="Monitor"`)) {
		t.Errorf("a made-up rights group reuses the directory's ROLE.1:\n%s", b)
	}
}
