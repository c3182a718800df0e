package odm_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// wideUser is a JSON document with one user holding n vendor elements, every one but the
// last placed before the first standard child (slot 0).
func wideUser(n int) string {
	kids := strings.Repeat(`{"type":"element","ns":"urn:v","prefix":"v","name":"g","slot":0},`, n-1) + `{"type":"element","ns":"urn:v","prefix":"v","name":"g"}`
	return jsonHead + `"content":[],"adminData":[{"users":[{"oid":"u","loginName":"l","nodes":[` + kids + `]}]}]}`
}

// TestJSONToODMWide: JSON -> ODM of a User with many vendor children places each child
// where its slot says (n-1 before LoginName, the last after it), at a size where placing
// each by scanning the others took minutes (40,000 took 23 s). That the time is linear
// is measured by BenchmarkJSONToODMWide, not asserted here: a test does not time itself.
func TestJSONToODMWide(t *testing.T) {
	for _, n := range []int{1, 2, 40000} {
		var out bytes.Buffer
		_, err := odm.JSONToODM(&out, strings.NewReader(wideUser(n)), odm.ReadOptions{}, odm.WriteOptions{})
		require.NoError(t, err, "n=%d", n)
		before, after, ok := strings.Cut(out.String(), "<LoginName>l</LoginName>")
		require.True(t, ok, "n=%d: no LoginName in the output", n)
		require.Equal(t, n-1, strings.Count(before, `<v:g xmlns:v="urn:v"/>`), "n=%d: children of slot 0 before LoginName", n)
		require.Equal(t, 1, strings.Count(after, `<v:g xmlns:v="urn:v"/>`), "n=%d: the child without slot after it", n)
	}
}

// BenchmarkJSONToODMWide: the time per vendor child of one User, at two sizes 8x apart.
// Linear placement keeps ns/child flat; the quadratic one it replaced grew it 8x.
func BenchmarkJSONToODMWide(b *testing.B) {
	for _, n := range []int{2000, 16000} {
		b.Run(fmt.Sprintf("children=%d", n), func(b *testing.B) {
			in := wideUser(n)
			b.ReportAllocs()
			for range b.N {
				if _, err := odm.JSONToODM(io.Discard, strings.NewReader(in), odm.ReadOptions{}, odm.WriteOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/child")
		})
	}
}
