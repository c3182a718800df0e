package mapping

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// TestSpillAllReusesUsers: spillAll (PatchStream's and WriteODMStream's spill, map --to
// odm and odm2) builds each user in the memory of the one before, as WriteJSON does:
// nothing it hands a user to keeps a pointer into it. Built in new memory, a million
// users ran a collection every 9 MB of them while the sites were held as model values,
// each collection marking them: 636 collections for map --to odm, 482 now. It counts
// the bytes spillAll allocates per user (the difference between two sizes of export, so
// that what does not grow with the users cancels out), not time: some 850 bytes a user
// (the encodings and the strings a user is built with), against 2,430 with each user in
// new memory.
func TestSpillAllReusesUsers(t *testing.T) {
	perRun := func(users int) uint64 {
		var doc bytes.Buffer
		if err := gen.InForm(&doc, users); err != nil {
			t.Fatal(err)
		}
		b, err := readStream(odm.NewReader(bytes.NewReader(doc.Bytes()), odm.ReadOptions{}), Options{}, true)
		if err != nil {
			t.Fatal(err)
		}
		defer b.close()
		spilled := newTestSpilledUsers(t, &FileSource{Vendor: b.p, Version: b.version})
		var run *specRun
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if _, err := spillAll(b, spilled, Options{}, &run, nil); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	const small, large = 2000, 6000
	a1, a2 := perRun(small), perRun(large)
	perUser := (float64(a2) - float64(a1)) / (large - small)
	t.Logf("spillAll allocated %d KiB for %d users, %d KiB for %d: %.0f bytes a user", a1>>10, small, a2>>10, large, perUser)
	if perUser > 1200 {
		t.Errorf("spillAll allocates %.0f bytes a user, want under 1,200: each user is built in new memory", perUser)
	}
}
