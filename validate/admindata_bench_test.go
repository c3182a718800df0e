package validate

import (
	"bytes"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// BenchmarkCheckAdminDataXML checks a synthetic InForm-shaped export of 10,000 users
// (about 10 MB), the size of a large study's user export: with the Reader's defaults,
// and with ReadOptions.Reuse as odmadmin check reads.
func BenchmarkCheckAdminDataXML(b *testing.B) {
	var src bytes.Buffer
	if err := gen.InForm(&src, 10000); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		opts AdminDataOptions
	}{{"default", AdminDataOptions{}}, {"reuse", AdminDataOptions{Read: odm.ReadOptions{Reuse: true}}}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(src.Len()))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := CheckAdminDataXML(bytes.NewReader(src.Bytes()), bc.opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
