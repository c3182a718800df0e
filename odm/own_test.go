package odm_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestKeptHeadersOwnTheirMemory: a caller that keeps every AdminData header (mapping does,
// for writing back) holds a few hundred bytes per block, not the arena arrays the header
// was read into (sized for the users around it: some three kilobytes), in either mode.
func TestKeptHeadersOwnTheirMemory(t *testing.T) {
	const blocks = 4000
	var b strings.Builder
	b.WriteString(`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:x="urn:x" ODMVersion="1.3" FileOID="F">` + "\n")
	for i := range blocks {
		fmt.Fprintf(&b, `<AdminData StudyOID="S_%04d" x:note="block %d">`+"\n", i, i)
		fmt.Fprintf(&b, `  <User OID="U%d" x:a="1" x:b="2" x:c="3"><FullName>Ada Muster %d</FullName><FirstName>Ada</FirstName><LastName>Muster</LastName><Email>u%d@example.org</Email></User>`+"\n", i, i, i)
		b.WriteString("</AdminData>\n")
	}
	b.WriteString("</ODM>\n")
	src := b.String()
	for _, reuse := range []bool{false, true} {
		var kept []*odm.AdminData
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r := odm.NewReader(strings.NewReader(src), odm.ReadOptions{Reuse: reuse})
		for n, err := range r.All() {
			if err != nil {
				t.Fatal(err)
			}
			if ad, ok := n.(*odm.AdminData); ok {
				kept = append(kept, ad)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		per := (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / blocks
		t.Logf("reuse %v: %.0f bytes held per kept AdminData", reuse, per)
		if per > 1000 {
			t.Errorf("reuse %v: %.0f bytes held per kept AdminData, want at most 1000", reuse, per)
		}
		for i, ad := range kept {
			if v, _ := ad.Attr("urn:x", "note"); ad.StudyOID != fmt.Sprintf("S_%04d", i) || v != fmt.Sprintf("block %d", i) {
				t.Fatalf("reuse %v: header %d reads %q %q", reuse, i, ad.StudyOID, v)
			}
		}
		runtime.KeepAlive(kept)
	}
}
