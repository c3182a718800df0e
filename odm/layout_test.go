package odm_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// layoutDoc wraps AdminData content in an ODM 1.3 document.
func layoutDoc(users string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" xmlns:x="urn:example:x" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-05T10:00:00Z">
<AdminData>` + users + `</AdminData>
</ODM>
`
}

// layoutCases are layouts a record keeps apart from its packed entries (white space that is
// no indentation run, nodes, elements of text children, the text of mixed children): each
// must come back byte for byte through XML and through JSON.
var layoutCases = []struct{ name, reason, users string }{
	{"spaces", "the usual indentation runs, kept as their length",
		"\n  <User OID=\"U1\">\n    <LoginName>ada</LoginName>\n    <Address>\n      <City>Springfield</City>\n    </Address>\n  </User>\n"},
	{"tabs", "tab indentation, kept as its length too",
		"\n\t<User OID=\"U1\">\n\t\t<LoginName>ada</LoginName>\n\t\t<Address>\n\t\t\t<City>Springfield</City>\n\t\t</Address>\n\t</User>\n"},
	{"odd white space", "blank lines, mixed tabs and spaces, deeper than the constant runs: kept as strings",
		"\n  <User OID=\"U1\">\n\n    <LoginName>ada</LoginName> \t\n \t<FullName>Ada Example</FullName>" + "\n" + strings.Repeat(" ", 200) + "<FirstName>Ada</FirstName><LastName>Example</LastName>\n  </User>\n"},
	{"vendor nodes", "comments, vendor elements and text between standard children keep their places",
		"\n  <User OID=\"U1\" pf:DBUID=\"1\">\n    <!-- first -->\n    <LoginName>ada</LoginName>\n    <pf:GroupRef GroupOID=\"5000\"/>\n    <FullName>Ada Example</FullName>\n    <?pi data?>\n    <LocationRef LocationOID=\"L1\"/>\n    <pf:GroupRef GroupOID=\"6010\"/>\n  </User>\n"},
	{"text child element", "a text child with a prefix or attributes keeps them",
		"\n  <User OID=\"U1\">\n    <LoginName x:a=\"1\">ada</LoginName>\n    <Email/>\n    <Phone></Phone>\n  </User>\n"},
	{"mixed text child", "a text child with a comment and CDATA inside is written back whole",
		"\n  <User OID=\"U1\">\n    <LoginName>a<!-- c -->d<![CDATA[a]]></LoginName>\n    <FullName>Ada <!-- middle --> Example</FullName>\n  </User>\n"},
}

func TestLayoutKeptExactly(t *testing.T) {
	for _, tc := range layoutCases {
		t.Run(tc.name, func(t *testing.T) {
			in := layoutDoc(tc.users)
			doc, err := odm.Decode(strings.NewReader(in), odm.ReadOptions{})
			require.NoError(t, err, tc.reason)
			require.Equal(t, in, string(encode(t, doc, odm.WriteOptions{})), tc.reason)

			var js bytes.Buffer
			require.NoError(t, odm.EncodeJSON(&js, doc))
			for _, reuse := range []bool{false, true} {
				var streamed bytes.Buffer
				require.NoError(t, odm.StreamJSON(&streamed, odm.NewReader(strings.NewReader(in), odm.ReadOptions{Reuse: reuse})))
				require.Equal(t, js.String(), streamed.String(), "%s: StreamJSON (Reuse %v) = EncodeJSON", tc.reason, reuse)
			}
			back, err := odm.DecodeJSON(bytes.NewReader(js.Bytes()), odm.ReadOptions{})
			require.NoError(t, err, tc.reason)
			require.Equal(t, in, string(encode(t, back, odm.WriteOptions{})), "%s: through JSON", tc.reason)
		})
	}
}

// TestLayoutMixedEdited: a mixed text child is written back whole only while its value is
// the text as read; a changed value is written plain.
func TestLayoutMixedEdited(t *testing.T) {
	in := layoutDoc("\n  <User OID=\"U1\">\n    <LoginName>a<!-- c -->d</LoginName>\n    <FullName>Ada</FullName>\n  </User>\n")
	for _, tc := range []struct {
		name, reason, login, want string
	}{
		{"unchanged", "the value as read keeps the comment", "ad", "<LoginName>a<!-- c -->d</LoginName>"},
		{"changed", "a new value is written as text", "bob", "<LoginName>bob</LoginName>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := odm.Decode(strings.NewReader(in), odm.ReadOptions{})
			require.NoError(t, err)
			u := doc.AdminData()[0].Users[0]
			require.Equal(t, "ad", u.LoginName)
			u.LoginName = tc.login
			out := string(encode(t, doc, odm.WriteOptions{}))
			require.Contains(t, out, tc.want, tc.reason)
			require.Equal(t, in, strings.Replace(out, tc.want, "<LoginName>a<!-- c -->d</LoginName>", 1), "%s: nothing else changes", tc.reason)
		})
	}
}

// TestLayoutEmptyText: an empty text child is written back as it was (<x/> or <x></x>)
// while it is empty, also after a value came and went; a value is written as text.
func TestLayoutEmptyText(t *testing.T) {
	in := layoutDoc("\n  <User OID=\"U1\">\n    <LoginName>ada</LoginName>\n    <Email></Email>\n    <Phone/>\n  </User>\n")
	doc, err := odm.Decode(strings.NewReader(in), odm.ReadOptions{})
	require.NoError(t, err)
	u := doc.AdminData()[0].Users[0]
	require.Equal(t, []string{""}, u.Emails)
	require.Equal(t, in, string(encode(t, doc, odm.WriteOptions{})), "empty children as read")
	u.Emails[0], u.Phones[0] = "a@example.org", "1"
	out := string(encode(t, doc, odm.WriteOptions{}))
	require.Contains(t, out, "<Email>a@example.org</Email>")
	require.Contains(t, out, "<Phone>1</Phone>")
	u.Emails[0], u.Phones[0] = "", ""
	require.Equal(t, in, string(encode(t, doc, odm.WriteOptions{})), "empty again: written as read")

	in = layoutDoc("\n  <User OID=\"U1\">\n    <Email>a@example.org</Email>\n  </User>\n")
	doc, err = odm.Decode(strings.NewReader(in), odm.ReadOptions{})
	require.NoError(t, err)
	doc.AdminData()[0].Users[0].Emails[0] = ""
	require.Equal(t, strings.Replace(in, "<Email>a@example.org</Email>", "<Email/>", 1), string(encode(t, doc, odm.WriteOptions{})), "a value emptied is written <x/>")
}
