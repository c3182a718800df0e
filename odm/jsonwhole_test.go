package odm_test

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// toJSON streams an ODM file to its JSON form.
func toJSON(t *testing.T, data []byte) []byte {
	t.Helper()
	var js bytes.Buffer
	require.NoError(t, odm.StreamJSON(&js, odm.NewReader(bytes.NewReader(data), odm.ReadOptions{})))
	return js.Bytes()
}

// fromJSON streams a JSON form back to ODM.
func fromJSON(t *testing.T, js []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	_, err := odm.JSONToODM(&out, bytes.NewReader(js), odm.ReadOptions{}, odm.WriteOptions{})
	require.NoError(t, err)
	return out.Bytes()
}

// TestJSONRoundTripC14N: ODM -> JSON -> ODM gives the same exclusive canonical XML as the
// input for every fixture and reference sample: Study, ClinicalData, comments, PIs, white
// space and the layout of typed values all come back.
func TestJSONRoundTripC14N(t *testing.T) {
	for _, f := range fixtures(t, true) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			back := fromJSON(t, toJSON(t, readFile(t, f)))
			out := writeTemp(t, "out.xml", back)
			want, got := c14n(t, f), c14n(t, out)
			if !bytes.Equal(want, got) {
				t.Errorf("canonical forms differ (-input +output):\n%s", cmp.Diff(string(want), string(got)))
			}
		})
	}
}

// TestJSONRoundTripBytes: for our fixtures ODM -> JSON -> ODM writes exactly what
// decode -> encode writes, and the whole-document functions agree with the streaming ones.
func TestJSONRoundTripBytes(t *testing.T) {
	for _, f := range fixtures(t, false) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw := readFile(t, f)
			doc, err := odm.Decode(bytes.NewReader(raw), odm.ReadOptions{})
			require.NoError(t, err)
			want := encode(t, doc, odm.WriteOptions{})
			js := toJSON(t, raw)
			require.Equal(t, string(want), string(fromJSON(t, js)))

			back, err := odm.DecodeJSON(bytes.NewReader(js), odm.ReadOptions{})
			require.NoError(t, err)
			require.Equal(t, string(want), string(encode(t, back, odm.WriteOptions{})), "DecodeJSON then Encode")
			var again bytes.Buffer
			require.NoError(t, odm.EncodeJSON(&again, back))
			require.Equal(t, string(js), again.String(), "JSON -> ODM -> JSON is a fixed point")
		})
	}
}

// TestJSONAdminDataOnlyForm: JSON of the earlier AdminData-only form (no "content") still
// reads, laid out afresh as before, with nodes placed by their "slot".
func TestJSONAdminDataOnlyForm(t *testing.T) {
	in := `{"odm":{"version":"1.3","attrs":[{"ns":"http://www.w3.org/2000/xmlns/","name":"xmlns","value":"http://www.cdisc.org/ns/odm/v1.3"},{"name":"FileOID","value":"F"}]},
"adminData":[{"studyOID":"S","users":[{"oid":"a","loginName":"a"},{"oid":"b","loginName":"b"}],"nodes":[{"type":"comment","text":" between ","slot":1}]}]}`
	want := `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileOID="F">
  <AdminData StudyOID="S">
    <User OID="a">
      <LoginName>a</LoginName>
    </User>
    <!-- between -->
    <User OID="b">
      <LoginName>b</LoginName>
    </User>
  </AdminData>
</ODM>`
	require.Equal(t, want, string(fromJSON(t, []byte(in))))
	doc, err := odm.DecodeJSON(strings.NewReader(in), odm.ReadOptions{})
	require.NoError(t, err)
	require.Len(t, doc.AdminData()[0].Users, 2)
}

// TestJSONEmptyAdminData: an AdminData with no attribute and no content followed by more
// root content (its JSON object's first member is "after") reads back.
func TestJSONEmptyAdminData(t *testing.T) {
	in := odmHead + "<Study OID=\"S\"/><AdminData/>\n<ClinicalData StudyOID=\"S\" MetaDataVersionOID=\"M\"/></ODM>"
	doc, err := odm.Decode(strings.NewReader(in), odm.ReadOptions{})
	require.NoError(t, err)
	require.Equal(t, string(encode(t, doc, odm.WriteOptions{})), string(fromJSON(t, toJSON(t, []byte(in)))))
}

// TestJSONEmptyAdminDataForm: an AdminData with nothing inside comes back through JSON
// as it was written, <AdminData/> or <AdminData></AdminData> (found by FuzzDecodeEncode:
// both came back as <AdminData/>), also before more root content and through DecodeJSON.
func TestJSONEmptyAdminDataForm(t *testing.T) {
	for _, ad := range []string{"<AdminData/>", "<AdminData></AdminData>", `<AdminData StudyOID="S"></AdminData>`, "<AdminData>\n</AdminData>"} {
		for _, after := range []string{"", `<Study OID="S"/>`} {
			in := odmHead + ad + after + "</ODM>"
			js := toJSON(t, []byte(in))
			out := fromJSON(t, js)
			require.Contains(t, string(out), ad, "JSON %s", js)
			doc, err := odm.DecodeJSON(bytes.NewReader(js), odm.ReadOptions{})
			require.NoError(t, err)
			require.Contains(t, string(encode(t, doc, odm.WriteOptions{})), ad, "DecodeJSON then Encode")
		}
	}
}

// TestJSONEmptyRoot: a root with nothing inside comes back through JSON as it was
// written, <ODM/> or <ODM></ODM> (found by FuzzDecodeEncode: <ODM/> came back as
// <ODM></ODM>); "empty" is refused where the root has content, before or after it.
func TestJSONEmptyRoot(t *testing.T) {
	const ns = `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2"`
	for _, in := range []string{ns + `/>`, ns + `></ODM>`, `<?p x?>` + ns + `/>` + "\n<!--e-->", ns + `><!--c--></ODM>`, ns + `><AdminData/></ODM>`} {
		js := toJSON(t, []byte(in))
		require.Equal(t, in, string(fromJSON(t, js)), "JSON %s", js)
		doc, err := odm.DecodeJSON(bytes.NewReader(js), odm.ReadOptions{})
		require.NoError(t, err)
		require.Equal(t, in, string(encode(t, doc, odm.WriteOptions{})), "DecodeJSON then Encode")
	}
	bad := `{"odm":{"version":"1.3","attrs":[]},"prolog":[],"content":[{"type":"comment","text":"c"}],"adminData":[],"empty":true,"epilog":[]}`
	_, err := odm.JSONToODM(io.Discard, strings.NewReader(bad), odm.ReadOptions{}, odm.WriteOptions{})
	require.ErrorContains(t, err, "the root has content")
	// Content after "empty" is refused too, not written with the claim ignored.
	late := `{"odm":{"version":"1.3","attrs":[]},"prolog":[],"empty":true,"content":[{"type":"comment","text":"c"}],"adminData":[],"epilog":[]}`
	_, err = odm.JSONToODM(io.Discard, strings.NewReader(late), odm.ReadOptions{}, odm.WriteOptions{})
	require.ErrorContains(t, err, `must come before "empty"`)
}

// TestJSONRootNoNamespace: a root read in no namespace, and a generic element written
// <a></a>, come back through JSON as they were.
func TestJSONRootNoNamespace(t *testing.T) {
	in := `<ODM ODMVersion="1.3.2" FileOID="F"><Study OID="S"><a></a><b/></Study><AdminData><User OID="u"/></AdminData></ODM>`
	doc, err := odm.Decode(strings.NewReader(in), odm.ReadOptions{})
	require.NoError(t, err)
	want := string(encode(t, doc, odm.WriteOptions{}))
	require.Equal(t, want, string(fromJSON(t, toJSON(t, []byte(in)))))
}
