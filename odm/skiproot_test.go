package odm_test

import (
	"io"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// TestReuseSkippedSiblings: with ReadOptions.Reuse, elements of the root that are no
// records (ClinicalData, a vendor element) are skipped in memory that is handed out again:
// the memory in use does not grow with their number. Before, the arena grew until the
// next record (32 MiB for 800,000 ClinicalData elements before AdminData, which "query"
// reads in step with its records: 334 MiB peak RSS).
func TestReuseSkippedSiblings(t *testing.T) {
	tests := []struct {
		reason, sibling string
	}{
		{"empty ClinicalData elements with attributes", `<ClinicalData StudyOID="S" MetaDataVersionOID="v1"/>` + "\n"},
		{"vendor elements with content", `<pf:Thing a="1" b="2"><pf:Inner c="3">text</pf:Inner></pf:Thing>` + "\n"},
	}
	// held returns the heap in use once the AdminData after n siblings is read: before,
	// the arena's array that the siblings' attributes had grown was still in use then.
	held := func(n int, sibling string) uint64 {
		in := repeatReader(cornerHead13[:len(cornerHead13)-len("<AdminData StudyOID=\"S\">\n")], sibling, n,
			`<AdminData StudyOID="S"><User OID="U1"><LoginName>qexample</LoginName></User></AdminData>`+"\n</ODM>\n")
		rd := odm.NewReader(in, odm.ReadOptions{Reuse: true})
		v, err := rd.Next()
		require.NoError(t, err)
		require.IsType(t, &odm.AdminData{}, v)
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		runtime.KeepAlive(v)
		for {
			if _, err := rd.Next(); err == io.EOF {
				break
			} else {
				require.NoError(t, err)
			}
		}
		return m.HeapAlloc
	}
	for _, tt := range tests {
		small, large := held(20000, tt.sibling), held(80000, tt.sibling)
		if large > small+1<<20 {
			t.Errorf("%s: %d KiB in use after 20,000, %d KiB after 80,000", tt.reason, small>>10, large>>10)
		}
	}
}
