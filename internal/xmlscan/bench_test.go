package xmlscan

import (
	"bytes"
	"io"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
)

// BenchmarkScan is the whole-document token loop the odm decoder drives: every token read,
// the position taken where odm takes it (start tags and text that is not white space only).
// The input is a generated InForm-shaped export of 2,000 users (about 1.9 MB).
func BenchmarkScan(b *testing.B) {
	var doc bytes.Buffer
	if err := gen.InForm(&doc, 2000); err != nil {
		b.Fatal(err)
	}
	in := doc.Bytes()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		s := New(bytes.NewReader(in), Options{MaxDepth: 1000, MaxTokenBytes: 1 << 20, MaxAttrs: 1000})
		tokens := 0
		for {
			k, err := s.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			tokens++
			switch k {
			case StartElement:
				s.Pos()
			case Text:
				if !IsSpace(s.Data()) {
					s.Pos()
				}
			}
		}
		if tokens < 100000 {
			b.Fatalf("%d tokens", tokens)
		}
	}
}
