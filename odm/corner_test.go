package odm_test

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

const cornerHead13 = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00" ODMVersion="1.3.2">
<AdminData StudyOID="S">
`

const cornerHead20 = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v2.0" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00" ODMVersion="2.0">
<AdminData StudyOID="S">
`

// vendorChildren is one User with n vendor children (the shape that took 45 s for 80,000).
func vendorChildren(n int) io.Reader {
	return repeatReader(cornerHead13+`<User OID="U1"><LoginName>qexample</LoginName>`+"\n", `<pf:GroupRef GroupOID="5954"/>`+"\n", n, "</User>\n</AdminData>\n</ODM>\n")
}

// splitText is one TranslatedText split by n comments (the shape that took 299 s for 1,000,000).
func splitText(n int) io.Reader {
	return repeatReader(cornerHead20+`<Organization OID="O" Name="n"><Description><TranslatedText xml:lang="en">`, "ab<!--c-->", n,
		"</TranslatedText></Description></Organization>\n</AdminData>\n</ODM>\n")
}

// ordinary is n users of ordinary content.
func ordinary(n int) io.Reader {
	return repeatReader(cornerHead13, `<User OID="U1"><LoginName>qexample</LoginName></User>`+"\n", n, "</AdminData>\n</ODM>\n")
}

// TestNodeLimit: a typed value with more child nodes than ReadOptions.MaxNodes is refused
// with a clear, positioned error before it costs unbounded memory; below the limit it is
// read and written back whole.
func TestNodeLimit(t *testing.T) {
	tests := []struct {
		name, reason string
		input        func(int) io.Reader
	}{
		{"vendor-children", "a User with a million vendor children", vendorChildren},
		{"split-text", "a TranslatedText split by a million comments", splitText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := odm.Transform(io.Discard, tt.input(1000000), odm.ReadOptions{}, odm.WriteOptions{}, nil)
			runtime.ReadMemStats(&after)
			require.ErrorIs(t, err, odm.ErrTooManyNodes, tt.reason)
			var pe *odm.Error
			require.ErrorAs(t, err, &pe)
			require.Greater(t, pe.Line, 0)
			require.Contains(t, err.Error(), fmt.Sprintf("the limit of %d", odm.DefaultMaxNodes), "the message names the limit")
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<20 {
				t.Errorf("%s: allocated %d MiB before failing", tt.reason, alloc>>20)
			}

			// Below the limit: the whole value, written back unchanged.
			var src bytes.Buffer
			_, err = io.Copy(&src, tt.input(2000))
			require.NoError(t, err)
			var out bytes.Buffer
			_, err = odm.Transform(&out, bytes.NewReader(src.Bytes()), odm.ReadOptions{}, odm.WriteOptions{}, nil)
			require.NoError(t, err)
			require.Equal(t, src.String(), out.String())

			// MaxNodes < 0 lifts the limit; MaxNodes > 0 lowers it.
			_, err = odm.Transform(io.Discard, tt.input(2000), odm.ReadOptions{MaxNodes: 1000}, odm.WriteOptions{}, nil)
			require.ErrorIs(t, err, odm.ErrTooManyNodes)
			_, err = odm.Transform(io.Discard, tt.input(200000), odm.ReadOptions{MaxNodes: -1}, odm.WriteOptions{}, nil)
			require.NoError(t, err)
		})
	}
}

// BenchmarkCorners: the former quadratic corners, through Transform (what convert --to odm
// runs), next to ordinary content. ns/byte should stay flat as n grows (linear), and within
// a small factor of ordinary content's.
func BenchmarkCorners(b *testing.B) {
	shapes := []struct {
		name  string
		input func(int) io.Reader
	}{{"vendor-children", vendorChildren}, {"split-text", splitText}, {"ordinary-users", ordinary}}
	for _, sh := range shapes {
		for _, n := range []int{10000, 40000} { // under DefaultMaxNodes (split text has two nodes per piece)
			b.Run(fmt.Sprintf("%s=%d", sh.name, n), func(b *testing.B) {
				var src bytes.Buffer
				if _, err := io.Copy(&src, sh.input(n)); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(src.Len()))
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					if _, err := odm.Transform(io.Discard, bytes.NewReader(src.Bytes()), odm.ReadOptions{}, odm.WriteOptions{}, nil); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(src.Len()), "ns/byte")
			})
		}
	}
}
