package odm_test

import (
	"bytes"
	"runtime"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestEncodeDeepNestingLinear: each level of generic elements built the white space its
// children would be laid out with, one indentation unit longer than its parent's, and
// kept it while the children were written: memory grew with the square of the depth (a
// 160,000-level element, --max-depth -1, took 24 GB). Past a depth no layout reaches, the
// indentation stops growing.
func TestEncodeDeepNestingLinear(t *testing.T) {
	const depth = 20000
	doc := `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3" FileType="Snapshot" FileOID="f" CreationDateTime="2026-05-04T08:00:00">
<AdminData StudyOID="S"><User OID="u1"><LoginName>u1</LoginName>` + strings.Repeat("<x>", depth) + strings.Repeat("</x>", depth) + `</User></AdminData></ODM>`
	d, err := odm.Decode(strings.NewReader(doc), odm.ReadOptions{MaxDepth: -1, MaxNodes: -1})
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var out bytes.Buffer
	if err := odm.Encode(&out, d, odm.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<20 {
		t.Errorf("encoding %d levels allocated %d MB, want it linear in the depth", depth, n>>20)
	}
	if !bytes.Contains(out.Bytes(), []byte(strings.Repeat("<x>", depth)+strings.Repeat("</x>", depth))) {
		t.Errorf("the nesting is not written as read")
	}
}
