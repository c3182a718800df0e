package odm_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"path/filepath"
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
	var buf bytes.Buffer
	require.NoError(t, gen.InForm(&buf, 300))
	in["inform-300"] = buf.Bytes()
	return in
}

// TestRecycledStreams: StreamJSON and Transform without a callback recycle the memory of
// each record for the next; what they write equals what the whole-document functions
// (which keep every record in memory of its own) write from the same input.
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
			require.NoError(t, odm.StreamJSON(&streamed, odm.NewReader(bytes.NewReader(data), odm.ReadOptions{})))
			require.Equal(t, whole.String(), streamed.String(), "StreamJSON and EncodeJSON")

			want := encode(t, doc, odm.WriteOptions{})
			var got bytes.Buffer
			_, err = odm.Transform(&got, bytes.NewReader(data), odm.ReadOptions{}, odm.WriteOptions{}, nil)
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
		require.NoError(t, err)
		doc := &odm.Document{Version: odm.V13, Root: &odm.Element{Name: odm.Name{Local: "ODM"}}}
		if h, err := r.Header(); err == nil {
			doc.Version = h.Version
		}
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
