package mapping

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/odm"
)

// readBoth reads src with FromDocument and FromReader (users are read through compact
// records either way) and returns both directories.
func readBoth(t *testing.T, src string, p Profile) (doc, stream *Directory) {
	t.Helper()
	d, err := odm.Decode(strings.NewReader(src), odm.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	doc, _, err = FromDocument(d, Options{Profile: p})
	if err != nil {
		t.Fatal(err)
	}
	stream, _, err = FromReader(odm.NewReader(strings.NewReader(src), odm.ReadOptions{}), Options{Profile: p})
	if err != nil {
		t.Fatal(err)
	}
	return doc, stream
}

// TestUserRecords reads users whose values repeat, change and go missing from record to
// record (shared values, attribute lists that change, more attributes and groups than
// the builder compares position by position) and checks every value against the input.
func TestUserRecords(t *testing.T) {
	const users = 60
	type want struct {
		id, login, display, given, family, locale, city, country string
		status                                                   Status
		category                                                 Category
		groups                                                   []string
		attrs                                                    []Attr
	}
	var src strings.Builder
	src.WriteString(`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="` + odm.NSInForm + `" xmlns:zz="urn:zz" ODMVersion="1.3" FileOID="F">
<AdminData StudyOID="S">
`)
	var wants []want
	for i := 0; i < users; i++ {
		w := want{id: fmt.Sprintf("u%d", i), login: fmt.Sprintf("u%d", i)}
		if i%3 == 1 {
			w.login = fmt.Sprintf("login%d", i)
		}
		w.given, w.family = []string{"Ada", "", "Émile"}[i%3], []string{"Muster", "Solo", "Łucja"}[i%3]
		w.display = strings.TrimSpace(w.given + " " + w.family)
		if i%5 == 4 {
			w.display = "Someone else"
		}
		active := []string{"Yes", "No", " yes ", "maybe"}[i%4]
		term := []string{"No", "No", "No", "No", "Yes"}[i%5]
		w.status = map[string]Status{"Yes": StatusAvailable, "No": StatusDeactivated, " yes ": StatusAvailable, "maybe": ""}[active]
		if term == "Yes" {
			w.status = StatusDeactivated
		}
		utype := []string{"Site", "Sponsor", "Site"}[i%3]
		w.category = Category(utype)
		w.locale = []string{"en-US", "en-US", "fr-FR", ""}[i%4]
		fmt.Fprintf(&src, `<User OID="%s" pf:DBUID="%d" pf:Active="%s" pf:Terminated="%s" pf:InFormUserType="%s"`, w.id, 1000+i, active, term, utype)
		w.attrs = []Attr{{odm.NSInForm, "DBUID", fmt.Sprint(1000 + i)}, {odm.NSInForm, "Active", active},
			{odm.NSInForm, "Terminated", term}, {odm.NSInForm, "InFormUserType", utype}}
		if w.locale != "" {
			fmt.Fprintf(&src, ` pf:StudyLocale="%s"`, w.locale)
			w.attrs = append(w.attrs, Attr{odm.NSInForm, "StudyLocale", w.locale})
		}
		if i%7 >= 4 {
			// More attributes than the builder compares by position, some repeating.
			for k := 0; k < 14+i%3; k++ {
				fmt.Fprintf(&src, ` zz:a%d="%d"`, k, (k+i/7)%2)
				w.attrs = append(w.attrs, Attr{"urn:zz", fmt.Sprintf("a%d", k), fmt.Sprint((k + i/7) % 2)})
			}
		}
		src.WriteString(">")
		if w.login != w.id {
			fmt.Fprintf(&src, "<LoginName>%s</LoginName>", w.login)
		} else {
			fmt.Fprintf(&src, "<LoginName>%s</LoginName>", w.id)
		}
		fmt.Fprintf(&src, "<DisplayName>%s</DisplayName>", w.display)
		if w.given != "" {
			fmt.Fprintf(&src, "<FirstName>%s</FirstName>", w.given)
		}
		fmt.Fprintf(&src, "<LastName>%s</LastName>", w.family)
		w.city, w.country = []string{"Springfield", "Springfield", "Shelbyville"}[i%3], []string{"US", "", "US"}[i%3]
		fmt.Fprintf(&src, "<Address><City>%s</City>", w.city)
		if w.country != "" {
			fmt.Fprintf(&src, "<Country>%s</Country>", w.country)
		}
		src.WriteString("</Address>")
		for k := 0; k < i%11; k++ {
			g := fmt.Sprint(10 + (k+i)%4)
			w.groups = append(w.groups, g)
			fmt.Fprintf(&src, `<pf:GroupRef GroupOID=" %s "/>`, g)
		}
		src.WriteString("</User>\n")
		wants = append(wants, w)
	}
	src.WriteString(`<pf:GroupDef OID="10" Name="CRC Rights" GroupType="Rights"/><pf:GroupDef OID="11" Name="Site A" GroupType="Site"/>
<pf:GroupDef OID="12" Name="Data Manager Rights" GroupType="Rights"/><pf:GroupDef OID="13" Name="Site B" GroupType="Site"/>
</AdminData></ODM>`)
	doc, stream := readBoth(t, src.String(), "")
	for _, d := range []*Directory{doc, stream} {
		if len(d.Users) != users {
			t.Fatalf("%d users, want %d", len(d.Users), users)
		}
		for i, u := range d.Users {
			w := wants[i]
			got := want{id: u.ID, login: u.Login, display: u.DisplayName, given: u.GivenName, family: u.FamilyName,
				locale: u.Locale, status: u.Status, category: u.Category, attrs: u.Source.Attrs}
			if len(u.Addresses) == 1 {
				got.city, got.country = u.Addresses[0].City, u.Addresses[0].Country
			}
			for _, g := range u.Groups {
				got.groups = append(got.groups, g.ID)
			}
			if d := cmp.Diff(w, got, cmp.AllowUnexported(want{})); d != "" {
				t.Errorf("user %d (-want +got):\n%s", i, d)
			}
			if u.FullName != "" {
				t.Errorf("user %d: full name %q", i, u.FullName)
			}
		}
	}
	if d := cmp.Diff(string(mustJSON(t, doc)), string(mustJSON(t, stream))); d != "" {
		t.Errorf("stream and document differ (-doc +stream):\n%s", d)
	}
}

// TestUserRecordContacts: ODM 2.0 contacts, the picture, a name longer than a text block,
// a user without OID, and the original of a trimmed OID.
func TestUserRecordContacts(t *testing.T) {
	long := strings.Repeat("Wide name ", 8000)
	src := `<ODM xmlns="http://www.cdisc.org/ns/odm/v2.0" ODMVersion="2.0" FileOID="F" FileType="Snapshot" CreationDateTime="2025-01-01T00:00:00Z">
<AdminData StudyOID="S">
<User OID="p1" UserType="Care provider">
  <UserName>p1</UserName><GivenName>G</GivenName><FamilyName>F</FamilyName><FullName>` + long + `</FullName>
  <Image ImageFileName="a.png" MimeType="image/png" href="http://x"/>
  <Telecom TelecomType="Pager" Value=""/>
  <Telecom TelecomType="Pager" Value="pg2"/>
  <Telecom TelecomType="Pager" Value="pg3"/>
  <Telecom TelecomType="Email" Value="e@x"/>
  <Telecom TelecomType="SMS" Value="sms"/>
  <Telecom TelecomType="Fax" Value="f1"/>
</User>
<User OID=" p2 "><UserName>p2</UserName><FullName>Given Family</FullName><GivenName>Given</GivenName><FamilyName>Family</FamilyName></User>
<User OID=" "/>
</AdminData></ODM>`
	doc, stream := readBoth(t, src, "")
	for _, d := range []*Directory{doc, stream} {
		p1, p2, p3 := d.Users[0], d.Users[1], d.Users[2]
		if p1.FullName != long || p1.GivenName != "G" || p1.FamilyName != "F" || p1.Login != "p1" || p1.Type != "Care provider" {
			t.Errorf("p1 names: %q %q %q %q %q", p1.FullName[:20], p1.GivenName, p1.FamilyName, p1.Login, p1.Type)
		}
		if p1.Pager != "pg2" || !cmp.Equal(p1.Emails, []string{"e@x"}) || !cmp.Equal(p1.Faxes, []string{"f1"}) ||
			!cmp.Equal(p1.Telecoms, []Telecom{{"Pager", "pg3"}, {"SMS", "sms"}}) {
			t.Errorf("p1 contacts: %q %q %q %q", p1.Pager, p1.Emails, p1.Faxes, p1.Telecoms)
		}
		if !cmp.Equal(p1.Picture, &Picture{File: "a.png", Href: "http://x", MIMEType: "image/png"}) {
			t.Errorf("p1 picture: %+v", p1.Picture)
		}
		if p2.ID != "p2" || p2.Source.ID("OID") != " p2 " || p2.GivenName != "Given" || p2.FamilyName != "Family" || p2.FullName != "Given Family" {
			t.Errorf("p2: %q %q %q %q %q", p2.ID, p2.Source.ID("OID"), p2.GivenName, p2.FamilyName, p2.FullName)
		}
		if p3.ID != "" || p3.Login != "" || p3.Source.ID("OID") != " " {
			t.Errorf("p3: %q %q %q", p3.ID, p3.Login, p3.Source.ID("OID"))
		}
	}
	if d := cmp.Diff(string(mustJSON(t, doc)), string(mustJSON(t, stream))); d != "" {
		t.Errorf("stream and document differ (-doc +stream):\n%s", d)
	}
}

// TestUserRecordMerge: a person read again in a later block is built early and merged;
// a record of another person whose login is the first one's OID is not.
func TestUserRecordMerge(t *testing.T) {
	src := `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:mdsol="` + odm.NSRave + `" ODMVersion="1.3" FileOID="F">
<AdminData StudyOID="P(Prod)">
<User OID="a" mdsol:UserRole="CRA" mdsol:UserGroup="UG"><LoginName>alogin</LoginName><Email>a@x</Email></User>
<User OID="b" mdsol:UserRole="Investigator"><LoginName>a</LoginName></User>
</AdminData>
<AdminData StudyOID="P(Dev)">
<User OID="a2" mdsol:UserRole="Data Manager" mdsol:SiteGroup="SG"><LoginName>alogin</LoginName><Email>a2@x</Email></User>
<User OID="c"><LoginName>b</LoginName></User>
</AdminData></ODM>`
	doc, stream := readBoth(t, src, "")
	for _, d := range []*Directory{doc, stream} {
		var ids []string
		for _, u := range d.Users {
			ids = append(ids, u.ID)
		}
		if !cmp.Equal(ids, []string{"a", "b", "c"}) {
			t.Fatalf("users %q, want a, b, c", ids)
		}
		a := d.Users[0]
		if !cmp.Equal(a.Emails, []string{"a@x", "a2@x"}) || len(a.Assignments) != 2 ||
			!cmp.Equal(a.Groups, []GroupRef{{Name: "UG", Type: "UserGroup"}, {Name: "SG", Type: "SiteGroup"}}) {
			t.Errorf("a: %q %+v %+v", a.Emails, a.Assignments, a.Groups)
		}
		if r := a.Assignments[1].Role; r.Name != "Data Manager" || a.Assignments[1].Environment != EnvTest {
			t.Errorf("a's second assignment: %+v", a.Assignments[1])
		}
	}
	if d := cmp.Diff(string(mustJSON(t, doc)), string(mustJSON(t, stream))); d != "" {
		t.Errorf("stream and document differ (-doc +stream):\n%s", d)
	}
}
