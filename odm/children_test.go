package odm_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// TestWarningCodes: every reader warning carries a stable code, at the position of the
// element it is about (a child's own line for child-level quirks), in Decode and in Reader.
func TestWarningCodes(t *testing.T) {
	src := odmHead + `
<AdminData StudyOID="S ">
<Location OID="L1" Name="n"><MetaDataVersionRef StudyOID="S" MetaDataVersionOID="M" EffectiveDate="2020-01-01T00:00:00"/></Location>
<User OID="U1" Nick="x">
<FullName>Ian  Sparks</FullName>
<Address><City>C</City><Country>US</Country><StateProv>IL</StateProv></Address>
<Address/>
<Fax/>
<Nickname>x</Nickname>
<LoginName>late</LoginName>
</User>
<Location OID="L2" Name="n"><MetaDataVersionRef StudyOID="S" MetaDataVersionOID="M" EffectiveDate="soon"/></Location>
<SignatureDef OID="SD"><Meaning>m</Meaning></SignatureDef>
<Location Name="no oid"/>
<LocationRef LocationOID="x"/>
</AdminData></ODM>`
	want := []struct {
		code odm.WarningCode
		line int
		err  error
	}{
		{odm.WarnOIDWhitespace, 3, odm.ErrQuirk},
		{odm.WarnDateTime, 4, odm.ErrQuirk},
		{odm.WarnElementOrder, 5, odm.ErrQuirk}, // User after Location inside AdminData
		{odm.WarnUnknownAttribute, 5, odm.ErrUnknown},
		{odm.WarnConsecutiveSpaces, 6, odm.ErrQuirk},
		{odm.WarnElementOrder, 7, odm.ErrQuirk}, // StateProv after Country
		{odm.WarnEmptyElement, 8, odm.ErrQuirk},
		{odm.WarnEmptyElement, 9, odm.ErrQuirk},
		{odm.WarnUnknownElement, 10, odm.ErrUnknown},
		{odm.WarnElementOrder, 11, odm.ErrQuirk}, // LoginName after Fax
		{odm.WarnInvalidDate, 13, odm.ErrQuirk},
		{odm.WarnMissingSignatureDef, 14, odm.ErrQuirk},
		{odm.WarnElementOrder, 15, odm.ErrQuirk}, // Location after SignatureDef
		{odm.WarnMissingOID, 15, odm.ErrQuirk},
		{odm.WarnMissingMDVRef, 15, odm.ErrQuirk},
		{odm.WarnUnknownElement, 16, odm.ErrUnknown},
	}
	type got struct {
		code odm.WarningCode
		line int
	}
	check := func(name string, ws []*odm.Error) {
		var gs []got
		for _, w := range ws {
			require.NotEmpty(t, w.Code, "%s: warning without code: %v", name, w)
			gs = append(gs, got{w.Code, w.Line})
		}
		for _, w := range want {
			found := false
			for i, g := range gs {
				if g.code == w.code && g.line == w.line {
					require.ErrorIs(t, ws[i], w.err)
					found = true
				}
			}
			require.True(t, found, "%s: no %s warning on line %d in %v", name, w.code, w.line, ws)
		}
		require.Len(t, gs, len(want), "%s: %v", name, ws)
	}
	doc, err := odm.Decode(strings.NewReader(src), odm.ReadOptions{})
	require.NoError(t, err)
	check("decode", doc.Warnings)
	r := odm.NewReader(strings.NewReader(src), odm.ReadOptions{})
	for _, err := range r.All() {
		require.NoError(t, err)
	}
	check("reader", r.Warnings())
}

// TestChildren: values read from XML report their standard children in source order with
// positions; values built in code report none.
func TestChildren(t *testing.T) {
	_, doc := informFixture(t)
	u := doc.AdminData()[0].Users[0]
	kids := u.Children()
	var names []string
	for _, k := range kids {
		names = append(names, k.Name)
	}
	require.Equal(t, []string{"LoginName", "DisplayName", "FullName", "FirstName", "LastName", "Address", "Email", "Fax", "Phone", "LocationRef"}, names)
	require.Equal(t, odm.Child{Name: "Email", Index: 0, Line: u.Line + 14, Col: 7}, kids[6], "the Email's own line")
	addr := u.Addresses[0].Children()
	require.Equal(t, odm.Child{Name: "StreetName", Index: 1, Line: u.Line + 8, Col: 9}, addr[1], "the second StreetName")
	require.Nil(t, (&odm.User{OID: "x", Emails: []string{"a@example.org"}}).Children())
}

// TestAppendChildren: AppendChildren appends what Children returns, into the caller's
// slice when it has room (no allocation: check looks at the children of every record),
// and Children makes one slice of the size needed.
func TestAppendChildren(t *testing.T) {
	src := odmHead + `
<AdminData StudyOID="S">
<User OID="U1"><LoginName>fict01</LoginName><FirstName>Ada</FirstName><LastName>Example</LastName>
<Email>ada@example.org</Email><Email>ada2@example.org</Email><Phone>+1 617 555 0100</Phone><LocationRef LocationOID="L1"/></User>
</AdminData></ODM>`
	d, err := odm.Decode(strings.NewReader(src), odm.ReadOptions{})
	require.NoError(t, err)
	u := d.AdminData()[0].Users[0]
	want := []string{"LoginName", "FirstName", "LastName", "Email", "Email", "Phone", "LocationRef"}
	kids := u.Children()
	require.Len(t, kids, len(want))
	for i, c := range kids {
		require.Equal(t, want[i], c.Name, "child %d", i)
	}
	require.Equal(t, 1, kids[4].Index, "the second Email")
	require.Equal(t, len(kids), cap(kids), "Children allocates the size needed")
	prefix := []odm.Child{{Name: "before"}}
	got := u.AppendChildren(prefix)
	require.Equal(t, append(prefix, kids...), got)
	buf := make([]odm.Child, 0, 16)
	require.Zero(t, testing.AllocsPerRun(100, func() { buf = u.AppendChildren(buf[:0]) }), "AppendChildren into a slice with room")
	require.Equal(t, 1.0, testing.AllocsPerRun(100, func() { _ = u.Children() }), "Children: one allocation")
}
