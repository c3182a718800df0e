package mapping

import (
	"bufio"
	"io"
	"runtime"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// liveAfterRead streams a generated InForm export of n users (never held: the generator
// writes into a pipe) into a spilling builder and returns the heap in use once it is
// read, the point where the builder holds the most, and the users it read.
func liveAfterRead(t *testing.T, n int) (heap uint64, users int32) {
	t.Helper()
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(gen.InForm(pw, n)) }()
	defer pr.Close()
	b, err := readStream(odm.NewReader(bufio.NewReaderSize(pr, 64<<10), odm.ReadOptions{}), Options{}, true)
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(b)
	return ms.HeapAlloc, b.nusers
}

// TestStreamMemoryPerUser checks that what WriteJSON and ReadEach hold while reading
// grows with the users by the per-user index only (the records' offsets and the idIndex,
// some 14 bytes a user; the generated file also has a site per 50 users, some 600 bytes
// each),
// not by the users' records (some 350 bytes a user, which the spill file holds). It
// measures heap in use, not time.
func TestStreamMemoryPerUser(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 50,000 generated users")
	}
	const small, large = 10000, 40000
	h1, n1 := liveAfterRead(t, small)
	h2, n2 := liveAfterRead(t, large)
	if n1 != small || n2 != large {
		t.Fatalf("read %d and %d users, want %d and %d", n1, n2, small, large)
	}
	perUser := (float64(h2) - float64(h1)) / (large - small)
	t.Logf("heap in use after reading: %d users %d KiB, %d users %d KiB: %.1f bytes per user", small, h1>>10, large, h2>>10, perUser)
	if perUser > 64 {
		t.Errorf("heap grows by %.1f bytes per user read, want at most 64 (the records must be in the spill file)", perUser)
	}
}
