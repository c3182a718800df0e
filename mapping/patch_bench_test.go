package mapping

import (
	"bytes"
	"io"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// BenchmarkPatchStream: map --to odm of a generated InForm export of 5,000 users into its
// own flavour (PatchStream reads it, then patches it back into itself).
func BenchmarkPatchStream(b *testing.B) {
	data := benchInForm(b, 5000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for range b.N {
		r := odm.NewReader(bytes.NewReader(data), odm.ReadOptions{Reuse: true})
		if _, err := PatchStream(io.Discard, r, func() (io.Reader, error) { return bytes.NewReader(data), nil }, PatchOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteODMStream: map --to odm2 of a generated InForm export of 5,000 users
// (WriteODMStream, the input read for its values only, its records recycled, as map
// reads it).
func BenchmarkWriteODMStream(b *testing.B) {
	data := benchInForm(b, 5000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for range b.N {
		r := odm.NewReader(bytes.NewReader(data), odm.ReadOptions{Reuse: true, ValuesOnly: true})
		if _, err := WriteODMStream(io.Discard, r, ProfileODM2, Options{}, odm.WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchInForm returns a generated InForm export of n users: the input of the benchmarks
// above, made by each benchmark rather than committed.
func benchInForm(b *testing.B, n int) []byte {
	var doc bytes.Buffer
	if err := gen.InForm(&doc, n); err != nil {
		b.Fatal(err)
	}
	return doc.Bytes()
}

// BenchmarkPatchTemplateIntoBase: map --to odm --base of a Clinical One template of
// 5,000 rows (every third one an existing user's, edited; the others new users) into
// the generated InForm export of 5,000 users (CompactDirectory.Patch: the export read
// for what it has and resolved against, then patched). Both inputs are generated here.
func BenchmarkPatchTemplateIntoBase(b *testing.B) {
	data := benchInForm(b, 5000)
	var tmpl bytes.Buffer
	if err := gen.UploadCSV(&tmpl, 5000, 5000); err != nil {
		b.Fatal(err)
	}
	po := PatchOptions{Options: Options{Profile: ProfileInForm}}
	b.SetBytes(int64(len(data) + tmpl.Len()))
	b.ReportAllocs()
	for range b.N {
		c, _, err := ReadCompact(bytes.NewReader(tmpl.Bytes()), "upload.csv", Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Patch(io.Discard, bytes.NewReader(data), po); err != nil {
			b.Fatal(err)
		}
		if err := c.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
