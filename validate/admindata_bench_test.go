package validate

import (
	"bytes"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
)

// BenchmarkCheckAdminDataXML checks a synthetic InForm-shaped export of 10,000 users
// (about 10 MB), the size of a large study's user export.
func BenchmarkCheckAdminDataXML(b *testing.B) {
	var src bytes.Buffer
	if err := gen.InForm(&src, 10000); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(src.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CheckAdminDataXML(bytes.NewReader(src.Bytes()), AdminDataOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
