package odm

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// leafDoc is an ODM document whose users' LocationRefs are the given elements, one each.
func leafDoc(refs ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:odm="http://www.cdisc.org/ns/odm/v1.3" xmlns:v="urn:vendor" FileOID="F" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="1.3" FileType="Snapshot">` + "\n  <AdminData>\n")
	for i, r := range refs {
		b.WriteString(`    <User OID="U` + string(rune('A'+i)) + `">` + "\n      <LoginName>u</LoginName>\n      " + r + "\n    </User>\n")
	}
	b.WriteString("  </AdminData>\n</ODM>\n")
	return b.String()
}

func encodeDoc(t *testing.T, doc *Document) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, NewEncoder(&b, WriteOptions{}).Encode(doc))
	return b.String()
}

// TestLeafSourceShared: the LocationRefs of all users, written <LocationRef
// LocationOID="..."/>, share one source (nothing in it is a user's own), and each still
// has its own value, writes back byte for byte and writes an edited value.
func TestLeafSourceShared(t *testing.T) {
	in := leafDoc(`<LocationRef LocationOID="L1"/>`, `<LocationRef LocationOID="L2"/>`, `<LocationRef LocationOID="L3"/>`)
	doc, err := Decode(strings.NewReader(in), ReadOptions{})
	require.NoError(t, err)
	users := doc.AdminData()[0].Users
	require.Len(t, users, 3)
	first := users[0].LocationRefs[0].src
	require.True(t, first.shared, "a leaf's source is not shared")
	for i, u := range users {
		require.Same(t, first, u.LocationRefs[0].src, "user %d: a source of its own", i)
		require.Equal(t, "L"+string(rune('1'+i)), u.LocationRefs[0].LocationOID)
	}
	require.Equal(t, in, encodeDoc(t, doc))

	// The shared source's values are the first leaf's: none of them may be written.
	users[2].LocationRefs[0].LocationOID = "NEW"
	users[0].LocationRefs[0].LocationOID = ""
	out := encodeDoc(t, doc)
	require.Contains(t, out, `<LocationRef LocationOID="NEW"/>`)
	require.Contains(t, out, `<LocationRef LocationOID="L2"/>`)
	require.NotContains(t, out, `"L1"`, "a value of the shared source was written")
	require.NotContains(t, out, `"L3"`)
}

// TestLeafSourceNotShared: leaves whose source says more than their shape keep a source of
// their own, and each writes back byte for byte as before.
func TestLeafSourceNotShared(t *testing.T) {
	tests := []struct{ name, reason, ref string }{
		{"empty value", "an attribute present but empty is written back as such, which the shared source cannot say for each leaf", `<LocationRef LocationOID=""/>`},
		{"end tag", "written with an end tag, not <x/>", `<LocationRef LocationOID="L1"></LocationRef>`},
		{"content", "white space inside is kept", `<LocationRef LocationOID="L1"> </LocationRef>`},
		{"vendor attribute", "an attribute of another namespace is the leaf's own", `<LocationRef LocationOID="L1" v:x="1"/>`},
		{"prefixed attribute", "an attribute written with a prefix", `<LocationRef odm:LocationOID="L1"/>`},
		{"prefixed element", "an element written with a prefix keeps it", `<odm:LocationRef LocationOID="L1"/>`},
		{"unknown attribute", "an attribute the model does not know", `<LocationRef LocationOID="L1" Other="2"/>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := leafDoc(tc.ref, `<LocationRef LocationOID="L9"/>`)
			doc, err := Decode(strings.NewReader(in), ReadOptions{})
			require.NoError(t, err, tc.reason)
			u := doc.AdminData()[0].Users[0]
			require.Len(t, u.LocationRefs, 1, tc.reason)
			require.False(t, u.LocationRefs[0].src.shared, tc.reason)
			require.Equal(t, in, encodeDoc(t, doc), tc.reason)
		})
	}
}

// TestLeafSourceWarns: a leaf read with a shared source is checked as any other: white
// space around an OID is still reported, with the leaf's position.
func TestLeafSourceWarns(t *testing.T) {
	in := leafDoc(`<LocationRef LocationOID="L1"/>`, `<LocationRef LocationOID=" L2"/>`)
	r := NewReader(strings.NewReader(in), ReadOptions{})
	for _, err := range r.All() {
		require.NoError(t, err)
	}
	var got []string
	for _, w := range r.Warnings() {
		if w.Code == WarnOIDWhitespace {
			got = append(got, w.Error())
		}
	}
	require.Len(t, got, 1)
	require.Contains(t, got[0], "line 10:7:")
	require.Contains(t, got[0], "LocationRef/@LocationOID")
}

// TestTextsSized: a repeated text child (Email) starts in an array as large as the most
// items one element had so far, not a fixed two: a user with one e-mail address holds one
// slot after users with one. Values stay each user's own whatever the counts, and an
// append to one user's list changes no other's.
func TestTextsSized(t *testing.T) {
	counts := []int{1, 1, 3, 1, 2, 1}
	var b strings.Builder
	b.WriteString(`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileOID="F" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="1.3" FileType="Snapshot"><AdminData>`)
	for i, n := range counts {
		b.WriteString(`<User OID="U` + string(rune('A'+i)) + `">`)
		for j := range n {
			b.WriteString(`<Email>` + string(rune('a'+i)) + string(rune('0'+j)) + `</Email>`)
		}
		b.WriteString(`</User>`)
	}
	b.WriteString(`</AdminData></ODM>`)
	doc, err := Decode(strings.NewReader(b.String()), ReadOptions{})
	require.NoError(t, err)
	users := doc.AdminData()[0].Users
	require.Len(t, users, len(counts))
	most := 1
	for i, u := range users {
		require.Len(t, u.Emails, counts[i])
		for j, e := range u.Emails {
			require.Equal(t, string(rune('a'+i))+string(rune('0'+j)), e)
		}
		if counts[i] <= most { // else the list outgrew its array, as any append does
			require.LessOrEqual(t, cap(u.Emails), most, "user %d", i)
		}
		most = max(most, counts[i])
	}
	users[0].Emails = append(users[0].Emails, "x")
	require.Equal(t, []string{"b0"}, users[1].Emails)
}

// TestTypesUnpadded: no typed value ends in padding. A zero-size field at the end of a
// struct (Ext's base once stood there) is padded so that its address stays inside the
// value: eight bytes more in every User, Address, ... of every record read, which put a
// User in Go's 512-byte size class instead of the 480-byte one.
func TestTypesUnpadded(t *testing.T) {
	for _, v := range []any{Ext{}, User{}, Address{}, LocationRef{}, Location{}, Organization{},
		SignatureDef{}, MetaDataVersionRef{}, Telecom{}, Picture{}, Image{}, GeoPosition{},
		Description{}, TranslatedText{}, AdminData{}} {
		rt := reflect.TypeOf(v)
		last := rt.Field(rt.NumField() - 1)
		require.Equal(t, rt.Size(), last.Offset+last.Type.Size(), "%s ends in %d bytes of padding", rt.Name(), rt.Size()-last.Offset-last.Type.Size())
	}
}
