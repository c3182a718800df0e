package mapping

import (
	"bufio"
	"io"
	"iter"
	"runtime"
	"testing"
	"time"

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
	return liveHeld(b)
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

// streamHeapSampler samples the heap in use (after a collection) every step calls of sample
// and keeps the largest.
type streamHeapSampler struct {
	step, calls int
	max         uint64
}

func (h *streamHeapSampler) sample() {
	h.calls++
	if h.calls%h.step != 0 {
		return
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h.max = max(h.max, ms.HeapAlloc)
}

type streamSampleWriter struct{ h *streamHeapSampler }

func (w streamSampleWriter) Write(p []byte) (int, error) { w.h.sample(); return len(p), nil }

// streamedPeak runs what name says on a generated InForm export of n users (never
// held: the generator writes into a pipe) and returns the largest heap in use it saw
// while the users were handed on.
func streamedPeak(t *testing.T, name string, n int) uint64 {
	t.Helper()
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(gen.InForm(pw, n)) }()
	defer pr.Close()
	r := odm.NewReader(bufio.NewReaderSize(pr, 64<<10), odm.ReadOptions{})
	spec := &SpecUse{Spec: &Spec{
		Roles:     []RoleRule{{Source: "canonical:Monitor", Target: "CRA"}},
		Sites:     []SiteRule{{Source: "10001", Target: "01"}},
		Login:     LoginRule{From: "email"},
		StartDate: "2026-06-01",
		Exclude:   []string{"user000003"},
	}, Target: ProfileClinicalOne}
	h := &streamHeapSampler{step: n / 8}
	var err error
	switch name {
	case "json with a spec":
		// WriteJSON writes the users' JSON some 64 KiB (about 25 users) at a time.
		h.step = max(1, n/400)
		_, err = WriteJSON(streamSampleWriter{h}, r, Options{Spec: spec})
	case "spec template":
		// SpecTemplateFrom, with the users sampled as the template counts them.
		_, err = fromStream(r, Options{}, func(d *Directory, users iter.Seq[*User]) ([]Warning, error) {
			sampled := func(yield func(*User) bool) {
				for u := range users {
					h.sample()
					if !yield(u) {
						return
					}
				}
			}
			return nil, specTemplate(io.Discard, d, sampled, ProfileClinicalOne, time.Now())
		})
	}
	if err != nil {
		t.Fatal(err)
	}
	if h.max == 0 {
		t.Fatalf("%s: no sample taken", name)
	}
	return h.max
}

// TestStreamSpecMemoryPerUser checks that a spec applied while streaming and the spec
// template hold no user: the heap while the users are handed on grows with the users by
// the streaming index and the sites only (see TestStreamMemoryPerUser), not by the users
// (some 1.7 KB each as model values) nor by a pointer per user.
func TestStreamSpecMemoryPerUser(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 100,000 generated users")
	}
	const small, large = 10000, 40000
	for _, name := range []string{"json with a spec", "spec template"} {
		h1, h2 := streamedPeak(t, name, small), streamedPeak(t, name, large)
		perUser := (float64(h2) - float64(h1)) / (large - small)
		t.Logf("%s: heap while streaming: %d users %d KiB, %d users %d KiB: %.1f bytes per user", name, small, h1>>10, large, h2>>10, perUser)
		if perUser > 64 {
			t.Errorf("%s: heap grows by %.1f bytes per user, want at most 64 (no user may be held)", name, perUser)
		}
	}
}

// liveHeld returns the heap in use after a collection while b is held, and b's users.
func liveHeld(b *builder) (uint64, int32) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(b)
	return ms.HeapAlloc, b.nusers
}
