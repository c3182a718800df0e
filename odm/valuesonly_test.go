package odm

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/internal/testenv"
)

// valuesOnlyDoc holds, in one document, what a layout carries beside the values and what
// a reader could lose with it: vendor attributes and elements between and after standard
// children, comments, a processing instruction, stray text, prefixes, attributes and
// mixed content on text children, present-but-empty text children and attributes, an
// OID written empty and one missing (warned about differently), children out of order,
// SignatureDefs with and without Meaning, nested values with vendor content, a
// TranslatedText split by a comment.
const valuesOnlyDoc = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:odm="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" xmlns:v="urn:vendor" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="1.3">
  <AdminData StudyOID="S1" v:Mark="m">
    <User OID="u1" UserType="" v:A="1" pf:B="2">
      <v:First k="1"/>
      <LoginName>one</LoginName><FirstName>Jo<!-- c -->hn</FirstName><LastName pf:x="y">A</LastName>
      <!-- between -->
      <odm:DisplayName>Ann  A</odm:DisplayName>
      <Address><StreetName>1 Road</StreetName><v:Mid/><StreetName>Floor 2</StreetName><City><![CDATA[X & Y]]></City></Address>
      <Address/>
      <Email>a@example.org</Email><Email> </Email><Pager/>
      <Phone>1<v:Ext>2</v:Ext></Phone>
      <LocationRef LocationOID="L1"/><LocationRef LocationOID=""/><LocationRef LocationOID="L3" v:z="1"/>
      <LocationRef LocationOID="L4"></LocationRef>
      <?pi data?>
      <v:Extra k="1">text<!-- c --></v:Extra>
      stray
    </User>
    <v:Between n="1"><v:Inner/></v:Between>
    <!-- between users -->
    <User OID=""/>
    <User UserType="Sponsor"><LastName>B</LastName><LoginName>two</LoginName></User>
    <User OID=" u4 "><Organization>o</Organization><Organization>p</Organization></User>
    <Location OID="L1" Name="Site 1" LocationType="Site">
      <MetaDataVersionRef StudyOID="S1" MetaDataVersionOID="v1" EffectiveDate="2026-01-01T00:00:00"/>
    </Location>
    <Location OID="L2" Name="Site 2"/>
    <SignatureDef OID="s1" Methodology="Electronic"><Meaning>m</Meaning><LegalReason/></SignatureDef>
    <SignatureDef OID="s2"><Meaning>m</Meaning></SignatureDef>
  </AdminData>
  <AdminData StudyOID="">
    <User OID="u5" v:C="3"><Pager>5</Pager></User>
  </AdminData>
</ODM>
`

// valuesOnly2Doc is the same for ODM 2.0: Organizations, Telecoms, a Description whose
// TranslatedText is split by a comment, a Query kept as elements.
const valuesOnly2Doc = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v2.0" xmlns:v="urn:vendor" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="2.0">
  <AdminData StudyOID="S1">
    <User OID="u1" UserType="Monitor"><GivenName>A</GivenName><Telecom TelecomType="Email" Value="a@example.org"/><v:X/><Telecom TelecomType="Phone" Value=""/></User>
    <Organization OID="o1" Name="Org" Type="Site"><Description><TranslatedText xml:lang="en">one <!-- c -->two</TranslatedText><TranslatedText/></Description><v:Y/></Organization>
    <Location OID="L1" Name="Site" Role="x"><MetaDataVersionRef StudyOID="S1" MetaDataVersionOID="v1" EffectiveDate="2026-01-01"/><Query OID="q"><v:Z/></Query></Location>
  </AdminData>
</ODM>
`

// valuesOnlyInputs are every fixture, every reference sample (when ../shared is there),
// the two documents above and a generated export.
func valuesOnlyInputs(t *testing.T) map[string][]byte {
	t.Helper()
	root := testenv.RepoRoot()
	var files []string
	for _, pat := range []string{"testdata/*/*.xml", "*/testdata/*.xml", "*/testdata/*/*.xml", "*/*/testdata/*/*.xml", "../shared/reference/samples/*/*.xml"} {
		more, err := filepath.Glob(filepath.Join(root, pat))
		require.NoError(t, err)
		files = append(files, more...)
	}
	require.NotEmpty(t, files)
	in := map[string][]byte{"doc13": []byte(valuesOnlyDoc), "doc20": []byte(valuesOnly2Doc)}
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		rel, _ := filepath.Rel(root, f)
		in[rel] = data
	}
	var buf bytes.Buffer
	require.NoError(t, gen.InForm(&buf, 300))
	in["inform-300"] = buf.Bytes()
	return in
}

// typedModel returns the model of a typed record or AdminData, nil for other nodes.
func typedModel(n Node) model {
	switch v := n.(type) {
	case *User:
		return v.model()
	case *Organization:
		return v.model()
	case *Location:
		return v.model()
	case *SignatureDef:
		return v.model()
	case *AdminData:
		return v.model()
	}
	return nil
}

// stripLayout clears the layout of m and the typed values inside it, returning for each
// the slots of its nodes (the number of standard children before each, -1 for none) in
// walk order: slots are a map keyed by node pointers, which differ between two reads.
// hadLayout reports whether any of them had a layout.
func stripLayout(m model, v Version) (slots [][]int, hadLayout bool) {
	x := m.ext()
	hadLayout = x.src != nil
	x.src = nil
	s := make([]int, len(x.Nodes))
	for i, n := range x.Nodes {
		s[i] = -1
		if slot, ok := x.slots[n]; ok {
			s[i] = slot
		}
	}
	x.slots = nil
	slots = append(slots, s)
	for _, k := range m.spec(v).kids {
		var kids []model
		switch k.kind {
		case kOne:
			if c := m.oneGet(k.field); c != nil {
				kids = append(kids, c)
			}
		case kMany:
			for i := range m.manyLen(k.field) {
				kids = append(kids, m.manyAt(k.field, i))
			}
		}
		for _, c := range kids {
			more, had := stripLayout(c, v)
			slots = append(slots, more...)
			hadLayout = hadLayout || had
		}
	}
	return slots, hadLayout
}

// TestValuesOnlyKeepsValues: a Reader with ReadOptions.ValuesOnly returns, for every
// input, records equal to those of a default Reader once their layout is cleared (every
// attribute, text, vendor attribute and node, position, node slot and "present but empty"
// mark), the same warnings and errors, and no layout; with and without Reuse. Written
// with a Writer, each record gives what the default Reader's record gives without its
// layout: the canonical form.
func TestValuesOnlyKeepsValues(t *testing.T) {
	for name, data := range valuesOnlyInputs(t) {
		for _, reuse := range []bool{false, true} {
			t.Run(name+map[bool]string{false: "", true: "/reuse"}[reuse], func(t *testing.T) {
				full := NewReader(bytes.NewReader(data), ReadOptions{Reuse: reuse})
				vo := NewReader(bytes.NewReader(data), ReadOptions{Reuse: reuse, ValuesOnly: true})
				var wantOut, gotOut bytes.Buffer
				var wantW, gotW *Writer
				version := V13
				records, layouts := 0, 0
				for {
					want, wantErr := full.Next()
					got, gotErr := vo.Next()
					require.Equal(t, errString(wantErr), errString(gotErr), "record %d", records)
					require.Equal(t, full.Warnings(), vo.Warnings(), "warnings after record %d", records)
					if wantErr != nil {
						break
					}
					if wantW == nil {
						h, err := full.Header()
						require.NoError(t, err)
						version = h.Version
						wantW, gotW = NewWriter(&wantOut, WriteOptions{}), NewWriter(&gotOut, WriteOptions{})
						require.NoError(t, wantW.WriteHeader(h))
						h2, err := vo.Header()
						require.NoError(t, err)
						require.Equal(t, h, h2)
						require.NoError(t, gotW.WriteHeader(h2))
					}
					if m := typedModel(want); m != nil {
						records++
						wantSlots, had := stripLayout(m, version)
						if had {
							layouts++
						}
						gotSlots, gotHad := stripLayout(typedModel(got), version)
						require.False(t, gotHad, "record %d read with ValuesOnly has a layout", records)
						require.Equal(t, wantSlots, gotSlots, "record %d: node slots", records)
					}
					require.Equal(t, want, got, "record %d", records)
					require.True(t, reflect.DeepEqual(want, got), "record %d", records)
					require.NoError(t, wantW.Write(want))
					require.NoError(t, gotW.Write(got))
				}
				if wantW == nil {
					return // not a document: both failed alike
				}
				require.NoError(t, wantW.Close())
				require.NoError(t, gotW.Close())
				require.Equal(t, wantOut.String(), gotOut.String(), "records written")
				requireWellFormed(t, gotOut.Bytes())
				if records > 0 {
					require.Positive(t, layouts, "the default Reader kept no layout: nothing was compared")
				}
			})
		}
	}
}

// TestValuesOnlyDecode: Decode with ValuesOnly gives the document Decode gives without it
// once every layout is cleared, with no layout, the same warnings, and Encode and
// EncodeJSON write of it what they write of that cleared document: the canonical form.
func TestValuesOnlyDecode(t *testing.T) {
	for name, data := range valuesOnlyInputs(t) {
		t.Run(name, func(t *testing.T) {
			want, wantErr := Decode(bytes.NewReader(data), ReadOptions{})
			got, gotErr := Decode(bytes.NewReader(data), ReadOptions{ValuesOnly: true})
			require.Equal(t, errString(wantErr), errString(gotErr))
			if wantErr != nil {
				return
			}
			kept := false
			for i, ad := range want.AdminData() {
				wantSlots, had := stripLayout(ad.model(), want.Version)
				kept = kept || had
				gotSlots, gotHad := stripLayout(got.AdminData()[i].model(), got.Version)
				require.False(t, gotHad, "AdminData %d read with ValuesOnly has a layout", i)
				require.Equal(t, wantSlots, gotSlots, "AdminData %d: node slots", i)
			}
			require.True(t, kept || len(want.AdminData()) == 0, "the default Decode kept no layout")
			require.True(t, reflect.DeepEqual(want, got), "documents differ")

			var wantX, gotX, wantJ, gotJ bytes.Buffer
			wantErr = Encode(&wantX, want, WriteOptions{})
			require.Equal(t, errString(wantErr), errString(Encode(&gotX, got, WriteOptions{})))
			require.Equal(t, wantX.String(), gotX.String(), "Encode")
			if wantErr == nil {
				requireWellFormed(t, gotX.Bytes())
			}
			wantErr = EncodeJSON(&wantJ, want)
			require.Equal(t, errString(wantErr), errString(EncodeJSON(&gotJ, got)))
			require.Equal(t, wantJ.String(), gotJ.String(), "EncodeJSON")
			if wantErr == nil {
				require.True(t, json.Valid(gotJ.Bytes()), "EncodeJSON wrote no valid JSON")
			}
		})
	}
}

// TestValuesOnlyEncodesCanonical: what is left out with the layout, spelled out: a value
// read with ValuesOnly is written afresh, in schema order and indented by the encoder,
// whatever the input's layout; StreamJSON writes no "layout" for it.
func TestValuesOnlyEncodesCanonical(t *testing.T) {
	in := layoutDocVO(`<User OID="u1"><LastName>L</LastName>   <FirstName>F</FirstName><!-- c --></User>`)
	doc, err := Decode(strings.NewReader(in), ReadOptions{ValuesOnly: true})
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, Encode(&out, doc, WriteOptions{}))
	require.Contains(t, out.String(), "<User OID=\"u1\">\n    <FirstName>F</FirstName>\n    <LastName>L</LastName>\n    <!-- c -->\n  </User>", "not the canonical form")

	var js bytes.Buffer
	require.NoError(t, StreamJSON(&js, NewReader(strings.NewReader(in), ReadOptions{ValuesOnly: true})))
	require.True(t, json.Valid(js.Bytes()))
	require.NotContains(t, js.String(), `"children"`, "a layout was written")
	require.Contains(t, js.String(), `"firstName":"F"`)
	js.Reset()
	require.NoError(t, StreamJSON(&js, NewReader(strings.NewReader(in), ReadOptions{})))
	require.Contains(t, js.String(), `"children"`, "the default reader's layout is missing: the check above proves nothing")
}

// TestTransformIgnoresValuesOnly: Transform writes the document back, so it reads the
// layout whatever ReadOptions.ValuesOnly says: the same bytes as without it.
func TestTransformIgnoresValuesOnly(t *testing.T) {
	for _, fn := range []func(Node) (Node, error){nil, func(n Node) (Node, error) { return n, nil }} {
		var want, got bytes.Buffer
		_, err := Transform(&want, strings.NewReader(valuesOnlyDoc), ReadOptions{}, WriteOptions{}, fn)
		require.NoError(t, err)
		_, err = Transform(&got, strings.NewReader(valuesOnlyDoc), ReadOptions{ValuesOnly: true}, WriteOptions{}, fn)
		require.NoError(t, err)
		require.Equal(t, valuesOnlyDoc, want.String(), "Transform does not copy the document")
		require.Equal(t, want.String(), got.String())
	}
}

func layoutDocVO(users string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-05T10:00:00Z">
<AdminData>` + users + `</AdminData>
</ODM>
`
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// requireWellFormed reads b with encoding/xml to its end.
func requireWellFormed(t *testing.T, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		require.NoError(t, err, "not well-formed")
	}
}
