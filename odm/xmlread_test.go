package odm_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// lineBreakFixtures are REDCap- and Define-XML-shaped files with literal tabs and line
// breaks in attribute values, and character references to them.
func lineBreakFixtures(t *testing.T) []string {
	files, err := filepath.Glob(filepath.Join("testdata", "linebreaks", "*.xml"))
	require.NoError(t, err)
	require.Len(t, files, 2)
	return files
}

func extAttr(x odm.Ext, local string) string {
	for _, a := range x.Attrs {
		if a.Local == local {
			return a.Value
		}
	}
	return "(missing)"
}

// TestAttributeNormalization: a literal tab, line feed or CR LF in an attribute value is
// one space for typed values and JSON (XML 1.0 §3.3.3); a character reference stays the
// character it names, and is written back as a reference.
func TestAttributeNormalization(t *testing.T) {
	doc, err := odm.DecodeFile(filepath.Join("testdata", "linebreaks", "redcap-linebreaks.xml"), odm.ReadOptions{})
	require.NoError(t, err)
	ad := doc.AdminData()[0]
	require.Equal(t, "Demo Sleep Lab North Wing", ad.Locations[0].Name, "a literal line feed is a space")
	require.Equal(t, "Coordinator for both demo sites", extAttr(ad.Users[0].Ext, "Note"), "also in vendor attributes")
	require.Equal(t, "Night shift\nWeekends only\t(rota B)", extAttr(ad.Users[1].Ext, "Note"), "&#10; and &#9; stay a line feed and a tab")

	def, err := odm.DecodeFile(filepath.Join("testdata", "linebreaks", "define-linebreaks.xml"), odm.ReadOptions{})
	require.NoError(t, err)
	require.Equal(t, "Demo Pharma HQ\r\nBuilding 2", def.AdminData()[0].Locations[0].Name, "&#13;&#10; is CR LF")
	orig, ok := def.Root.Attr("", "Originator")
	require.True(t, ok)
	require.Equal(t, "Demo Pharma Biostatistics", orig, "the root's attributes are normalized too")

	var js bytes.Buffer
	require.NoError(t, odm.EncodeJSON(&js, doc))
	require.Contains(t, js.String(), `"Demo Sleep Lab North Wing"`)
	require.Contains(t, js.String(), `Night shift\nWeekends only\t(rota B)`)

	out := string(encode(t, doc, odm.WriteOptions{}))
	require.Contains(t, out, `Name="Demo Sleep Lab North Wing"`, "the value read is written, with the meaning it had")
	require.Contains(t, out, `redcap:Note="Night shift&#10;Weekends only&#9;(rota B)"`, "a line feed in a value is written as a reference")
	require.NotContains(t, out, "Lab\nNorth")
	outDef := string(encode(t, def, odm.WriteOptions{}))
	require.Contains(t, outDef, `Name="Demo Pharma HQ&#13;&#10;Building 2"`)
}

// TestLineBreakFixturesRoundTrip: decode → encode, Transform and decode → encode → decode
// keep each fixture's meaning: canonically identical (xmllint --exc-c14n, which normalizes
// attribute values as every conformant parser does) and equal typed values.
func TestLineBreakFixturesRoundTrip(t *testing.T) {
	for _, f := range lineBreakFixtures(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			in, err := os.ReadFile(f)
			require.NoError(t, err)
			doc, err := odm.Decode(bytes.NewReader(in), odm.ReadOptions{})
			require.NoError(t, err)
			first := encode(t, doc, odm.WriteOptions{})
			var tr bytes.Buffer
			_, err = odm.Transform(&tr, bytes.NewReader(in), odm.ReadOptions{}, odm.WriteOptions{}, nil)
			require.NoError(t, err)
			require.Equal(t, string(first), tr.String(), "Transform writes what Decode+Encode writes")
			doc2, err := odm.Decode(bytes.NewReader(first), odm.ReadOptions{})
			require.NoError(t, err)
			if d := cmp.Diff(doc.AdminData(), doc2.AdminData(), typedOnly()); d != "" {
				t.Errorf("typed values changed (-first +second):\n%s", d)
			}
			require.Equal(t, string(first), string(encode(t, doc2, odm.WriteOptions{})), "stable after one round")
			want, got := c14n(t, f), c14n(t, writeTemp(t, "out.xml", first))
			if !bytes.Equal(want, got) {
				t.Errorf("canonical forms differ (-input +output):\n%s", cmp.Diff(string(want), string(got)))
			}
		})
	}
}

// TestNoNamespaceRoot: an ODM root in no namespace is read with a warning, the model picked
// from ODMVersion, and written back in no namespace.
func TestNoNamespaceRoot(t *testing.T) {
	tests := []struct {
		odmVersion string
		want       odm.Version
		reason     string
	}{
		{"1.1", odm.V13, "ODM 1.1 AdminData is read with the 1.3 model, a superset"},
		{"1.2.1", odm.V12, "1.2.x picks the 1.2 model"},
		{"1.3.2", odm.V13, "1.3.x picks the 1.3 model"},
		{"2.0", odm.V20, "2.0 picks the 2.0 model"},
		{"", odm.V13, "no ODMVersion: the 1.3 model"},
	}
	for _, tt := range tests {
		t.Run("v"+tt.odmVersion, func(t *testing.T) {
			attr := ""
			if tt.odmVersion != "" {
				attr = ` ODMVersion="` + tt.odmVersion + `"`
			}
			user := `<User OID="U1"><LoginName>qexample</LoginName></User>`
			if tt.want == odm.V20 {
				user = `<User OID="U1"><UserName>qexample</UserName></User>`
			}
			in := `<?xml version="1.0"?>` + "\n<ODM" + attr + ` FileOID="F" FileType="Snapshot" CreationDateTime="2001-01-01T00:00:00">` +
				"\n  <AdminData StudyOID=\"S\">\n    " + user + "\n  </AdminData>\n</ODM>\n"
			doc, err := odm.Decode(strings.NewReader(in), odm.ReadOptions{})
			require.NoError(t, err, tt.reason)
			require.Equal(t, tt.want, doc.Version, tt.reason)
			require.Len(t, doc.Warnings, 1)
			require.Equal(t, odm.WarnNoNamespace, doc.Warnings[0].Code)
			require.ErrorIs(t, doc.Warnings[0], odm.ErrQuirk)
			require.Equal(t, 2, doc.Warnings[0].Line)
			require.Len(t, doc.AdminData()[0].Users, 1, "AdminData and User in no namespace are the typed records")
			require.Equal(t, "U1", doc.AdminData()[0].Users[0].OID)
			out := string(encode(t, doc, odm.WriteOptions{}))
			require.Equal(t, in, out, "written back in no namespace, unchanged")

			r := odm.NewReader(strings.NewReader(in), odm.ReadOptions{})
			n := 0
			for u, err := range r.Users() {
				require.NoError(t, err)
				require.Equal(t, "U1", u.OID)
				n++
			}
			require.Equal(t, 1, n, "the stream reader finds the user")
			require.Equal(t, odm.WarnNoNamespace, r.Warnings()[0].Code)

			var tr bytes.Buffer
			_, err = odm.Transform(&tr, strings.NewReader(in), odm.ReadOptions{}, odm.WriteOptions{}, nil)
			require.NoError(t, err)
			require.Equal(t, in, tr.String())

			_, err = odm.Decode(strings.NewReader(in), odm.ReadOptions{Strict: true})
			require.ErrorIs(t, err, odm.ErrQuirk, "Strict refuses it")
		})
	}
}

// TestDoctypeKept: a DOCTYPE is written back verbatim, comments in its internal subset
// included, and nothing declared in it is expanded.
func TestDoctypeKept(t *testing.T) {
	const doctype = `<!DOCTYPE ODM [
  <!-- a comment > with a greater-than sign -->
  <!ENTITY note "declared, never expanded">
]>`
	in := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + doctype + "\n" +
		`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileOID="F" FileType="Snapshot" CreationDateTime="2026-01-01T00:00:00"/>` + "\n"
	doc, err := odm.Decode(strings.NewReader(in), odm.ReadOptions{})
	require.NoError(t, err)
	require.Equal(t, in, string(encode(t, doc, odm.WriteOptions{})))
}
