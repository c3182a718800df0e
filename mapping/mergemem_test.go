package mapping

import (
	"fmt"
	"math/rand/v2"
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

// TestMergeStreamHoldsLittlePerMergedUser: a user a later file merges into (an export and
// a table of the same users, every one of them merged) has its merged encoding in a
// temporary file; what stays in memory for it is where that encoding is. The spill's
// table of chunks, an offset and a length for each (12 bytes, and more while the slices
// grew), and the user's entry in over (4) held some 17 bytes a merged user: at a million
// users 16 MB more than the export alone, which pushed the command against its memory
// limit. The live heap after each file is measured (the file's users let go of), and the
// merged users are read back, in order and out of it, as Write reads them.
func TestMergeStreamHoldsLittlePerMergedUser(t *testing.T) {
	const n = 100000
	for _, c := range []struct {
		name    string
		files   int
		reverse bool // later files list the users backwards: each is read back alone
		long    bool // one user's merged encoding is longer than 64 KiB (its length apart)
	}{
		{"an export and a table of its users, in its order", 2, false, false},
		{"a table of the users backwards", 2, true, false},
		{"two tables: each user merged into twice", 3, false, false},
		{"a table with one user of 4,000 e-mails", 2, false, true},
	} {
		user := func(i, file int) *User {
			u := &User{ID: fmt.Sprintf("u%06d", i), Login: fmt.Sprintf("fict%06d", i),
				GivenName: "Ada", FamilyName: "Example",
				Emails: []string{fmt.Sprintf("fict%06d-%d@example.org", i, file)}}
			if c.long && file == 1 && i == n/2 {
				for k := range 4000 {
					u.Emails = append(u.Emails, fmt.Sprintf("fict%06d-%d-%04d@example.org", i, file, k))
				}
			}
			return u
		}
		t.Run(c.name, func(t *testing.T) {
			s, err := NewMergeStream()
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			live := func() uint64 {
				var m runtime.MemStats
				runtime.GC()
				runtime.GC()
				runtime.ReadMemStats(&m)
				return m.HeapAlloc
			}
			add := func(file int) {
				d := &Directory{Studies: []*Study{}, Sites: []*Site{}}
				for k := range n {
					i := k
					if file > 0 && c.reverse {
						i = n - 1 - k
					}
					d.Users = append(d.Users, user(i, file))
				}
				if err := s.Add(fmt.Sprintf("file%d", file), d); err != nil {
					t.Fatal(err)
				}
			}
			// The spill's cache of chunks read (three at most, 192 KiB, however many users)
			// is left out: whether the first file's adding read any is not what is measured.
			cached := func() uint64 {
				var b uint64
				for _, c := range s.users.sp.cache {
					b += uint64(cap(c.buf))
				}
				return b
			}
			add(0)
			before := live() - cached()
			for f := 1; f < c.files; f++ {
				add(f)
			}
			after := live() - cached()
			merges := uint64(n * (c.files - 1))
			per := float64(after-min(after, before)) / float64(merges)
			t.Logf("%.1f bytes held a merge of a user (%d merges)", per, merges)
			if per > 10 {
				t.Errorf("each user merged into held %.1f bytes, want at most 10: the merged encodings are indexed at a dozen bytes or more each", per)
			}
			got := 0
			for u := range s.Users() {
				var want []string
				for f := range c.files {
					want = append(want, user(got, f).Emails...)
				}
				if id := user(got, 0).ID; u.ID != id || !slices.Equal(u.Emails, want) {
					t.Fatalf("user %d read back as %s with %d e-mails, want %s with the files' %d in order", got, u.ID, len(u.Emails), id, len(want))
				}
				got++
			}
			if err := s.Err(); err != nil {
				t.Fatal(err)
			}
			if got != n {
				t.Fatalf("%d users read back, want %d", got, n)
			}
		})
	}
}

// TestMergeStreamReadsShuffledUsersAlone: a later file that lists the users in another
// order than the first (a template sorted by name beside an export sorted by OID) finds
// each user it merges into at a random place of the temporary file that holds the first
// file's users. Reading the whole 64 KiB chunk around each one read some 64 KiB a user
// (1.3 GB for these 20,000, 13 GB for 200,000 through map: 8 s of CPU where the same
// files in one order took 3), and so did reading the chunk again for a user whose key
// was just checked. The users merged into are read alone: the bytes read back while the
// later file is merged, and while the merged users are read back in the first file's
// order, stay within twice what the files hold.
func TestMergeStreamReadsShuffledUsersAlone(t *testing.T) {
	const n = 20000
	order := rand.New(rand.NewPCG(7, 11)).Perm(n)
	user := func(i, file int) *User {
		return &User{ID: fmt.Sprintf("u%06d", i), Login: fmt.Sprintf("fict%06d", i), GivenName: "Ada", FamilyName: "Example",
			Emails: []string{fmt.Sprintf("fict%06d-%d@example.org", i, file)}}
	}
	s, err := NewMergeStream()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for file := range 2 {
		d := &Directory{Studies: []*Study{}, Sites: []*Site{}}
		for k := range n {
			i := k
			if file == 1 {
				i = order[k]
			}
			d.Users = append(d.Users, user(i, file))
		}
		if err := s.Add(fmt.Sprintf("file%d", file), d); err != nil {
			t.Fatal(err)
		}
	}
	base, later := s.users.sp, &s.users.laterIndex
	t.Logf("merging read %d bytes of the first file's %d", base.got, base.size)
	if base.got > 2*base.size {
		t.Errorf("merging the shuffled file read %d bytes back of the %d the first file's users take: whole chunks for each user", base.got, base.size)
	}
	got := 0
	for u := range s.Users() {
		want := []string{user(got, 0).Emails[0], user(got, 1).Emails[0]}
		if u.ID != user(got, 0).ID || !slices.Equal(u.Emails, want) {
			t.Fatalf("user %d read back as %s with %v, want %s with %v", got, u.ID, u.Emails, user(got, 0).ID, want)
		}
		got++
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	if got != n {
		t.Fatalf("%d users read back, want %d", got, n)
	}
	t.Logf("reading back read %d bytes of the merged encodings' %d", later.later.got, later.size)
	if later.later.got > 2*later.size {
		t.Errorf("reading the merged users back read %d bytes of the %d their merged encodings take", later.later.got, later.size)
	}
}
