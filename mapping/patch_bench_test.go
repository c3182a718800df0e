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
