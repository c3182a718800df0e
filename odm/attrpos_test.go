package odm_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// TestAttrsByPosition reads users whose start tags have different attributes at the same
// position, one after another: the scanner remembers, by position, the name and content
// model attribute read there last (attrs, attrIndexAt), so each user must still get its
// own names, namespaces and fields, and re-encode as read.
func TestAttrsByPosition(t *testing.T) {
	const (
		ns = `xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="urn:pf" xmlns:q="urn:pf" xmlns:r="urn:r"`
	)
	users := []struct {
		attrs  string
		oid    string
		typ    string
		vendor []string // space|prefix|local=value of Ext.Attrs
		reason string
	}{
		{`OID="U1" UserType="Sponsor" pf:A="1"`, "U1", "Sponsor", []string{"urn:pf|pf|A=1"}, "the usual order"},
		{`UserType="Lab" OID="U2" pf:A="2"`, "U2", "Lab", []string{"urn:pf|pf|A=2"}, "standard attributes swapped"},
		{`pf:OID="V3" OID="U3" pf:A="3"`, "U3", "", []string{"urn:pf|pf|OID=V3", "urn:pf|pf|A=3"}, "a vendor attribute of a standard one's local name where that one stood"},
		{`OID="U4" pf:OID="V4"`, "U4", "", []string{"urn:pf|pf|OID=V4"}, "and back"},
		{`OID="U5" q:A="5"`, "U5", "", []string{"urn:pf|q|A=5"}, "the same namespace and local name, another prefix"},
		{`OID="U6" r:A="6"`, "U6", "", []string{"urn:r|r|A=6"}, "the same prefix length and local name, another namespace"},
		{`OID="U7" UserType="Other" pf:A="7" pf:B="7" pf:C="7" pf:D="7" pf:E="7" pf:F="7" pf:G="7" pf:H="7" pf:I="7" pf:J="7" pf:K="7" pf:L="7" pf:M="7" pf:N="7" pf:O="7" pf:P="7" pf:Q="7"`, "U7", "Other",
			[]string{"urn:pf|pf|A=7", "urn:pf|pf|B=7", "urn:pf|pf|C=7", "urn:pf|pf|D=7", "urn:pf|pf|E=7", "urn:pf|pf|F=7", "urn:pf|pf|G=7", "urn:pf|pf|H=7", "urn:pf|pf|I=7", "urn:pf|pf|J=7", "urn:pf|pf|K=7", "urn:pf|pf|L=7", "urn:pf|pf|M=7", "urn:pf|pf|N=7", "urn:pf|pf|O=7", "urn:pf|pf|P=7", "urn:pf|pf|Q=7"},
			"more attributes than positions remembered"},
		{`pf:Q="8" pf:P="8" OID="U8"`, "U8", "", []string{"urn:pf|pf|Q=8", "urn:pf|pf|P=8"}, "vendor attributes first"},
		{`OID="U9" UserType="Investigator" pf:A="9"`, "U9", "Investigator", []string{"urn:pf|pf|A=9"}, "the usual order again"},
	}
	var doc strings.Builder
	doc.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<ODM " + ns + ` FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00" ODMVersion="1.3"><AdminData StudyOID="S">`)
	for _, u := range users {
		doc.WriteString("\n<User " + u.attrs + "><LoginName>l</LoginName></User>")
	}
	doc.WriteString("\n</AdminData></ODM>\n")
	data := []byte(doc.String())
	for _, opts := range []odm.ReadOptions{{}, {Reuse: true}, {ValuesOnly: true}} {
		r := odm.NewReader(bytes.NewReader(data), opts)
		i := 0
		for u, err := range r.Users() {
			require.NoError(t, err)
			want := users[i]
			require.Equal(t, want.oid, u.OID, want.reason)
			require.Equal(t, odm.UserType(want.typ), u.UserType, want.reason)
			var got []string
			for _, a := range u.Attrs {
				got = append(got, a.Space+"|"+a.Prefix+"|"+a.Local+"="+a.Value)
			}
			require.Equal(t, want.vendor, got, want.reason)
			i++
		}
		require.Equal(t, len(users), i)
	}
	// Read with the layout, the document is written back as it was read.
	d, err := odm.Decode(bytes.NewReader(data), odm.ReadOptions{})
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, odm.Encode(&out, d, odm.WriteOptions{}))
	for _, u := range users {
		require.Contains(t, out.String(), "<User "+u.attrs+">", u.reason)
	}
}
