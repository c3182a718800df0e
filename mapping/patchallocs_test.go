package mapping

import (
	"bytes"
	"io"
	"runtime"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// patchStreamMallocs returns the heap allocations of PatchStream patching a generated
// InForm export of n users into itself (the export made beforehand).
func patchStreamMallocs(t *testing.T, n int) uint64 {
	t.Helper()
	var data bytes.Buffer
	if err := gen.InForm(&data, n); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := PatchStream(io.Discard, odm.NewReader(bytes.NewReader(data.Bytes()), odm.ReadOptions{}), func() (io.Reader, error) {
		return bytes.NewReader(data.Bytes()), nil
	}, PatchOptions{})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	return after.Mallocs - before.Mallocs
}

// TestPatchStreamMallocsPerUser bounds the heap allocations PatchStream makes for each user
// of a generated InForm export (the difference between 4,000 users and 2,000, over
// 2,000), both passes together: the second builds each user, the record it writes back
// and the user's assignments in the block in memory kept for the next (userMem,
// recordMem, patcher.as). That was some 20 allocations a user, now 9. A count, not a time.
func TestPatchStreamMallocsPerUser(t *testing.T) {
	if testing.Short() {
		t.Skip("patches 6,000 generated users")
	}
	small, large := patchStreamMallocs(t, 2000), patchStreamMallocs(t, 4000)
	if per := float64(large-small) / 2000; per > 14 {
		t.Errorf("PatchStream made %.1f allocations a user, want at most 14", per)
	}
}
