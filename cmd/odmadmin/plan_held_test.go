package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
)

// sampledHeap samples the heap in use (after a collection) at every 20th write: plan
// writes its actions as it plans them, so the samples see what planning holds.
type sampledHeap struct {
	writes int
	max    uint64
}

func (h *sampledHeap) Write(p []byte) (int, error) {
	if h.writes%20 == 0 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		h.max = max(h.max, ms.HeapAlloc)
	}
	h.writes++
	return len(p), nil
}

// TestPlanHeldPerRow checks what plan holds while it plans an upload of 8,000 rows
// (a third of them updates) against an export of 20,000 users, the shape of the 80,000
// rows against 200,000 users of the benchmark: the rows as compact records, the users the
// rows name as compact records, and the look-up tables, some 370 bytes a row. It held
// 1,280: each row as a Row of slices and strings (some 650 bytes), and every user within
// two edits of a row's user name with the same name (most of the export, as a user name
// of the benchmark is a number) as a *mapping.User of some 700 bytes, and their look-up
// tables.
func TestPlanHeldPerRow(t *testing.T) {
	if testing.Short() {
		t.Skip("plans 8,000 rows against 20,000 users")
	}
	const rows, users = 8000, 20000
	dir := t.TempDir()
	var export, upload bytes.Buffer
	if err := gen.InForm(&export, users); err != nil {
		t.Fatal(err)
	}
	if err := gen.UploadCSV(&upload, rows, users); err != nil {
		t.Fatal(err)
	}
	ex, up := filepath.Join(dir, "export.xml"), filepath.Join(dir, "upload.csv")
	if err := os.WriteFile(ex, export.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(up, upload.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	export, upload = bytes.Buffer{}, bytes.Buffer{}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	out := &sampledHeap{}
	var errb bytes.Buffer
	if code := run(&env{stdout: out, stderr: &errb}, []string{"plan", "--existing", ex, "--upload", up, "--quiet"}); code != 1 {
		t.Fatalf("exit %d, want 1 (tooManyRows): %s", code, errb.String())
	}
	if out.writes < 20 {
		t.Fatalf("%d writes: too few samples", out.writes)
	}
	perRow := float64(out.max-min(out.max, base)) / rows
	t.Logf("held while planning: %.0f bytes a row", perRow)
	if perRow > 640 {
		t.Errorf("plan held %.0f bytes a row while planning, want at most 640", perRow)
	}
}
