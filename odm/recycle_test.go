package odm_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/internal/testenv"
	"github.com/odmadmin/odmadmin/odm"
)

// repeatRoot returns the document with the content of its root element written n times:
// every record, vendor node, Study and AdminData of a fixture comes again after itself,
// so that memory recycled from one record to the next would show in what follows.
func repeatRoot(t *testing.T, data []byte, n int) []byte {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.RawToken()
		require.NoError(t, err)
		if _, ok := tok.(xml.StartElement); ok {
			break
		}
	}
	start := int(d.InputOffset())
	end := bytes.LastIndex(data, []byte("</"))
	require.Greater(t, end, start)
	var out bytes.Buffer
	out.Write(data[:start])
	for range n {
		out.Write(data[start:end])
	}
	out.Write(data[end:])
	return out.Bytes()
}

// recycleInputs are the fixtures with their content repeated and generated exports.
func recycleInputs(t *testing.T) map[string][]byte {
	in := map[string][]byte{}
	root := testenv.RepoRoot()
	var files []string
	for _, pat := range []string{"testdata/*/*.xml", "*/testdata/*.xml", "*/testdata/*/*.xml", "*/*/testdata/*/*.xml", "../shared/reference/samples/*/*.xml"} {
		more, err := filepath.Glob(filepath.Join(root, pat))
		require.NoError(t, err)
		files = append(files, more...)
	}
	require.NotEmpty(t, files)
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		in[rel+"x3"] = repeatRoot(t, readFile(t, f), 3)
	}
	// Records of one kind that differ in what they have: a value left from the one before
	// would show in the next.
	in["mixed"] = []byte(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:v="urn:vendor" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="1.3">
  <AdminData StudyOID="S1" v:Mark="m">
    <User OID="u1" UserType="Sponsor" v:A="1" v:B="2">
      <LoginName>one</LoginName><FirstName>Ann</FirstName><LastName>A</LastName>
      <Address><StreetName>1 Road</StreetName><StreetName>Floor 2</StreetName><City>X</City></Address>
      <Address><City>Y</City></Address>
      <Email>a@example.org</Email><Email>b@example.org</Email><Phone>1</Phone>
      <LocationRef LocationOID="L1"/><LocationRef LocationOID="L2"/>
      <v:Extra k="1">text<!-- c --></v:Extra>
    </User>
    <v:Between n="1"><v:Inner/></v:Between>
    <!-- between users -->
    <User OID="u2"/>
    <User OID="u3"><LoginName>three</LoginName><Address><PostalCode>9</PostalCode></Address></User>
    <Location OID="L1" Name="Site 1" LocationType="Site">
      <MetaDataVersionRef StudyOID="S1" MetaDataVersionOID="v1" EffectiveDate="2026-01-01"/>
    </Location>
    <Location OID="L2" Name="Site 2"/>
    <SignatureDef OID="s1" Methodology="Electronic"><Meaning>m</Meaning><LegalReason>r</LegalReason></SignatureDef>
    <SignatureDef OID="s2"/>
  </AdminData>
  <AdminData StudyOID="S2">
    <User OID="u4" v:C="3"><Pager>5</Pager></User>
  </AdminData>
</ODM>
`)
	// Records out of schema order: the JSON form continues the AdminData in a second
	// object, whose head repeats the AdminData's attributes, read before the records
	// whose memory StreamJSON recycles.
	in["continued"] = []byte(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:v="urn:vendor" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="1.3">
  <AdminData StudyOID="STUDY-CONTINUED" v:Batch="batch-of-the-admin-data">
    <User OID="u1"><LoginName>first-login-of-the-file</LoginName></User>
    <Location OID="L1" Name="A site with a long enough name" LocationType="Site"/>
    <User OID="u2"><LoginName>second-login-of-the-file</LoginName></User>
    <Location OID="L2" Name="Another site with a long name" LocationType="Site"/>
    <User OID="u3"><LoginName>third-login-of-the-file</LoginName></User>
  </AdminData>
</ODM>
`)
	var buf bytes.Buffer
	require.NoError(t, gen.InForm(&buf, 300))
	in["inform-300"] = buf.Bytes()
	return in
}

// TestRecycledStreams: StreamJSON and Transform without a callback recycle the memory of
// each record for the next, its strings too; what they write equals what the
// whole-document functions (which keep every record in memory of its own) write from the
// same input, with the recycled strings overwritten when handed out again (Poisoned).
func TestRecycledStreams(t *testing.T) {
	for name, data := range recycleInputs(t) {
		t.Run(name, func(t *testing.T) {
			doc, err := odm.Decode(bytes.NewReader(data), odm.ReadOptions{})
			if err != nil {
				// Hostile and broken fixtures: the stream must fail too.
				require.Error(t, odm.StreamJSON(io.Discard, odm.NewReader(bytes.NewReader(data), odm.ReadOptions{})))
				return
			}
			var whole, streamed bytes.Buffer
			require.NoError(t, odm.EncodeJSON(&whole, doc))
			// The strings StreamJSON recycles are overwritten when handed out again: one
			// held past its record would show.
			require.NoError(t, odm.StreamJSON(&streamed, odm.NewReader(bytes.NewReader(data), odm.Poisoned(odm.ReadOptions{}))))
			require.Equal(t, whole.String(), streamed.String(), "StreamJSON and EncodeJSON")

			want := encode(t, doc, odm.WriteOptions{})
			var got bytes.Buffer
			_, err = odm.Transform(&got, bytes.NewReader(data), odm.Poisoned(odm.ReadOptions{}), odm.WriteOptions{}, nil)
			require.NoError(t, err)
			require.Equal(t, string(want), got.String(), "Transform and Encode")
		})
	}
}

// drainReader reads every record with a Reader and returns the JSON of each, written as
// soon as it is read (the only use ReadOptions.Reuse allows).
func drainReader(t *testing.T, data []byte, opts odm.ReadOptions) []string {
	t.Helper()
	r := odm.NewReader(bytes.NewReader(data), opts)
	var out []string
	for {
		n, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			return append(out, err.Error())
		}
		h, err := r.Header()
		require.NoError(t, err)
		doc := &odm.Document{Version: h.Version, Root: &odm.Element{Name: h.Root.Name, Attrs: h.Root.Attrs}}
		ad := &odm.AdminData{}
		if a := r.AdminData(); a != nil {
			ad.StudyOID, ad.Attrs = a.StudyOID, a.Attrs
		}
		switch v := n.(type) {
		case *odm.User:
			ad.Users = []*odm.User{v}
		case *odm.Location:
			ad.Locations = []*odm.Location{v}
		case *odm.Organization:
			ad.Organizations = []*odm.Organization{v}
		case *odm.SignatureDef:
			ad.SignatureDefs = []*odm.SignatureDef{v}
		case *odm.AdminData:
			continue
		default:
			ad.Nodes = []odm.Node{n}
		}
		doc.Root.Children = []odm.Node{ad}
		var js bytes.Buffer
		require.NoError(t, odm.EncodeJSON(&js, doc))
		out = append(out, js.String())
	}
}

// TestReaderReuse: with ReadOptions.Reuse every record, used before the next call of
// Next as the option allows, is the same as without it, over every fixture repeated and a
// generated export; and the AdminData and vendor nodes, which are not recycled, stay
// intact to the end.
func TestReaderReuse(t *testing.T) {
	for name, data := range recycleInputs(t) {
		t.Run(name, func(t *testing.T) {
			if _, err := odm.Decode(bytes.NewReader(data), odm.ReadOptions{}); err != nil {
				return // broken fixtures: covered by the reader's own tests
			}
			want := drainReader(t, data, odm.ReadOptions{})
			got := drainReader(t, data, odm.ReadOptions{Reuse: true})
			require.Equal(t, want, got)

			// What is not recycled, kept to the end.
			keep := func(opts odm.ReadOptions) string {
				r := odm.NewReader(bytes.NewReader(data), opts)
				var kept []odm.Node
				for n, err := range r.All() {
					if err != nil {
						kept = append(kept, &odm.Comment{Data: err.Error()})
						break
					}
					switch n.(type) {
					case *odm.User, *odm.Organization, *odm.Location, *odm.SignatureDef:
					default:
						kept = append(kept, n)
					}
				}
				var b strings.Builder
				for _, n := range kept {
					dumpNode(&b, n)
				}
				return b.String()
			}
			require.Equal(t, keep(odm.ReadOptions{}), keep(odm.ReadOptions{Reuse: true}))
		})
	}
}

// dumpNode writes the values of a node kept from a Reader, recursively.
func dumpNode(b *strings.Builder, n odm.Node) {
	switch n := n.(type) {
	case *odm.AdminData:
		fmt.Fprintf(b, "AdminData %q %v %d:%d\n", n.StudyOID, n.Attrs, n.Line, n.Col)
	case *odm.Element:
		fmt.Fprintf(b, "<%v %v %d:%d %v>\n", n.Name, n.Attrs, n.Line, n.Col, n.Empty)
		for _, c := range n.Children {
			dumpNode(b, c)
		}
		b.WriteString("</>\n")
	case *odm.Text:
		fmt.Fprintf(b, "%+v\n", *n)
	case *odm.Comment:
		fmt.Fprintf(b, "%+v\n", *n)
	case *odm.ProcInst:
		fmt.Fprintf(b, "%+v\n", *n)
	default:
		fmt.Fprintf(b, "%T\n", n)
	}
}
