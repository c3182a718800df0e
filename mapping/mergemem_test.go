package mapping

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// TestRefCountKeysOwnTheirIDs: the references a file's users make to sites and groups it
// does not define are counted by id in maps kept until the merge ends; an id read from
// a user is a substring of the record it was decoded from (in a stream, a 64 KiB chunk
// of the spill file), so a key that is that substring keeps the whole chunk alive. At a
// million users in three files (the sites in the last) such keys held some 7 MB of
// chunks at the merge's peak. The keys must be copies.
func TestRefCountKeysOwnTheirIDs(t *testing.T) {
	// One string standing for a decoded chunk, the users' ids cut from it.
	var chunk strings.Builder
	for i := range 200 {
		fmt.Fprintf(&chunk, "site-%03d|group-%03d|", i, i)
	}
	text := chunk.String()
	lo := uintptr(unsafe.Pointer(unsafe.StringData(text)))
	hi := lo + uintptr(len(text))
	r := newFileRefs(slices.Values([]string{}), nil)
	for i := range 200 {
		at := strings.Index(text, fmt.Sprintf("site-%03d|", i))
		site := text[at : at+len("site-000")]
		group := text[at+len("site-000|") : at+len("site-000|group-000")]
		r.user(&User{ID: fmt.Sprintf("u%d", i), Assignments: []Assignment{{Study: "S", Site: site}}, Groups: []GroupRef{{ID: group}}})
	}
	for _, c := range []struct {
		kind string
		uses map[string]*refUse
	}{{"site", r.sites.uses}, {"group", r.groups.uses}} {
		if len(c.uses) != 200 {
			t.Fatalf("%d %s ids counted, want 200", len(c.uses), c.kind)
		}
		for id := range c.uses {
			if p := uintptr(unsafe.Pointer(unsafe.StringData(id))); p >= lo && p < hi {
				t.Fatalf("the %s id %q is kept as a substring of the record it was read from, which it keeps alive", c.kind, id)
			}
		}
	}
}

// TestMergeSitesFirstPackingNotCopied: the first file with sites (at a million users in
// three files, the last one, with 20,000 sites) is packed by MergeStream into one
// buffer that becomes the packing, found through one index, instead of a string per
// site, a map of their IDs and then the strings' copy into one: together they were the
// peak of the merge. The packing must be the one packSites makes of the same sites, each
// site found at its place, and merging them must allocate less than twice the packing
// (the old way allocated more than four times). It counts bytes allocated, not time.
func TestMergeSitesFirstPackingNotCopied(t *testing.T) {
	var sites []*Site
	for i := range 4000 {
		sites = append(sites, &Site{ID: fmt.Sprint(10000 + i), Name: fmt.Sprintf("Fictitious Clinic %d, Example Street", i),
			Type: "Site", Number: fmt.Sprintf("%02d", i%100), Country: "USA", TimeZone: "(GMT-05:00) Eastern Time", Locale: "en-US", Active: true})
	}
	want, ok := packSites(sites)
	if !ok {
		t.Fatal("the sites cannot be packed")
	}
	ms, err := NewMergeStream()
	if err != nil {
		t.Fatal(err)
	}
	defer ms.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	merged := ms.mergeSites(0, slices.Values(sites))
	runtime.ReadMemStats(&after)
	if !merged {
		t.Fatal("the sites were not merged packed")
	}
	got := ms.sites.t
	if got.data != want.data || !slices.Equal(got.offs, want.offs) {
		t.Fatalf("the merged packing differs from packSites' (%d and %d bytes)", len(got.data), len(want.data))
	}
	for i, s := range sites {
		if k := got.find(s.ID); k != i {
			t.Fatalf("site %s found at %d, want %d", s.ID, k, i)
		}
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("packing %d KiB, merging it allocated %d KiB", len(want.data)>>10, alloc>>10)
	if alloc > 2*uint64(len(want.data)) {
		t.Errorf("merging the first sites allocated %d KiB, want under twice their packing (%d KiB): the encodings are copied", alloc>>10, len(want.data)>>10)
	}
}
