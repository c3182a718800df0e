package mapping

import (
	"strconv"
	"testing"
)

// siteStudies must answer as the map of strings it replaced: every ID, short or long, is
// found with its own study, and an ID that was not set is not found, even when it packs
// into the same bytes as one that was but for its length.
func TestSiteStudies(t *testing.T) {
	sites := []struct {
		id, study, why string
	}{
		{"", "S0", "an empty ID is a short key of length 0"},
		{"1", "S1", "one byte"},
		{"1\x00", "S2", "a trailing zero byte: the same low bytes as \"1\", another length"},
		{"10000", "S1", "InForm's numeric LocationOID"},
		{"1234567", "S3", "seven bytes, the longest short key"},
		{"12345678", "S4", "eight bytes, the shortest long key"},
		{"\xff\xff\xff\xff\xff\xff\xff", "S5", "seven bytes at 0xff"},
		{"SITE-BOSTON-01", "", "a long ID of a site without a study"},
		{"x", "", "a short ID of a site without a study"},
	}
	x := newSiteStudies(len(sites))
	for _, s := range sites {
		x.set(s.id, s.study)
	}
	for _, s := range sites {
		if got, ok := x.get(s.id); !ok || got != s.study {
			t.Errorf("%q (%s): got %q, %v; want %q", s.id, s.why, got, ok, s.study)
		}
	}
	for _, id := range []string{"\x00", "10", "100000", "1234568", "123456789", "SITE-BOSTON-02", "X"} {
		if got, ok := x.get(id); ok {
			t.Errorf("%q was never set, but got %q", id, got)
		}
	}
	// Many sites over a few studies: each study is kept once.
	y := newSiteStudies(0)
	for i := range 5000 {
		y.set(strconv.Itoa(i), "STUDY-"+strconv.Itoa(i%3))
	}
	for i := range 5000 {
		if got, ok := y.get(strconv.Itoa(i)); !ok || got != "STUDY-"+strconv.Itoa(i%3) {
			t.Fatalf("site %d: got %q, %v", i, got, ok)
		}
	}
	if len(y.studies) != 3 {
		t.Errorf("%d studies kept, want 3", len(y.studies))
	}
}

// shortKey packs IDs of different bytes or lengths into different words.
func TestShortKeyDistinct(t *testing.T) {
	seen := map[uint64]string{}
	ids := []string{"", "\x00", "\x00\x00", "a", "a\x00", "\x00a", "ab", "ba", "abcdefg", "abcdefg"[:6] + "\x00"}
	for _, id := range ids {
		k, ok := shortKey(id)
		if !ok {
			t.Fatalf("%q is short", id)
		}
		if prev, dup := seen[k]; dup && prev != id {
			t.Errorf("%q and %q pack into the same word %#x", prev, id, k)
		}
		seen[k] = id
	}
	if _, ok := shortKey("abcdefgh"); ok {
		t.Error("an eight-byte ID packed as short")
	}
}

// shortTable answers as a map of words through its growth: every key set is found with
// its last value, and keys never set are not found.
func TestShortTable(t *testing.T) {
	var tab shortTable // the zero table grows on the first set
	want := map[uint64]int32{}
	for i := range 20000 {
		k := uint64(i) * 0x10001 // keys that share low bits
		tab.set(k, int32(i))
		want[k] = int32(i)
		if i%3 == 0 {
			tab.set(k, -int32(i))
			want[k] = -int32(i)
		}
	}
	if tab.n != len(want) {
		t.Errorf("%d keys held, want %d", tab.n, len(want))
	}
	for k, v := range want {
		if got, ok := tab.get(k); !ok || got != v {
			t.Fatalf("key %#x: got %d, %v; want %d", k, got, ok, v)
		}
	}
	for i := range 1000 {
		if _, ok := tab.get(uint64(i)*0x10001 + 1); ok {
			t.Fatalf("key %#x was never set", uint64(i)*0x10001+1)
		}
	}
	if len(tab.slots)*3 < tab.n*4 {
		t.Errorf("%d keys in %d slots: more than 3/4 used", tab.n, len(tab.slots))
	}
}

// Sites numbered close together are looked up by number (siteStudies.dense), and must
// answer as the table does: an ID that writes a number another way ("007", "+7", "7 ")
// is another ID, a number in the range that was not set is not found, and a site set
// after a look-up is found with its study.
func TestSiteStudiesDense(t *testing.T) {
	x := newSiteStudies(0)
	for i := 10000; i < 10200; i++ {
		x.set(strconv.Itoa(i), "STUDY-"+strconv.Itoa(i%2))
	}
	x.set("007", "BOND")
	x.set("SITE-7", "NAMED")
	for _, c := range []struct {
		id, want string
		ok       bool
		why      string
	}{
		{"10000", "STUDY-0", true, "the lowest number"},
		{"10199", "STUDY-1", true, "the highest number"},
		{"10101", "STUDY-1", true, "one in between"},
		{"007", "BOND", true, "leading zeros: not a decimal ID, found in the table"},
		{"7", "", false, "the number 007 writes, never set as \"7\""},
		{"SITE-7", "NAMED", true, "not a number"},
		{"10200", "", false, "just past the highest number"},
		{"9999", "", false, "just below the lowest number"},
		{"010000", "", false, "a set number with a leading zero is another ID"},
		{"1000", "", false, "a prefix of a set number"},
		{"9999999", "", false, "the largest seven-digit number"},
		{"12345678", "", false, "eight digits: a long ID"},
		{"", "", false, "the empty ID was not set"},
	} {
		if got, ok := x.get(c.id); ok != c.ok || got != c.want {
			t.Errorf("%q (%s): got %q, %v; want %q, %v", c.id, c.why, got, ok, c.want, c.ok)
		}
	}
	if x.dense == nil {
		t.Fatal("200 decimal IDs over a range of 200: no dense index made")
	}
	// A site set after a look-up: the index is made again.
	x.set("10200", "LATE")
	x.set("10000", "MOVED")
	for id, want := range map[string]string{"10200": "LATE", "10000": "MOVED", "10001": "STUDY-1"} {
		if got, ok := x.get(id); !ok || got != want {
			t.Errorf("%q after a later set: got %q, %v; want %q", id, got, ok, want)
		}
	}
}

// Decimal IDs far apart are not worth an array: the table answers for them.
func TestSiteStudiesSparse(t *testing.T) {
	x := newSiteStudies(0)
	ids := []string{"0", "1", "500000", "9999999"}
	for _, id := range ids {
		x.set(id, "S-"+id)
	}
	for _, id := range ids {
		if got, ok := x.get(id); !ok || got != "S-"+id {
			t.Errorf("%q: got %q, %v", id, got, ok)
		}
	}
	if _, ok := x.get("2"); ok {
		t.Error(`"2" was never set`)
	}
	if x.dense != nil {
		t.Errorf("4 IDs over a range of 10 million: a dense index of %d slots", len(x.dense))
	}
}

// Sets and look-ups taking turns: each set drops the array, and making it again on every
// look-up would be a pass over the table each, quadratic in the sites. After
// maxDenseTries arrays the table answers, still right.
func TestSiteStudiesDenseTurns(t *testing.T) {
	x := newSiteStudies(0)
	const n = 2000
	for i := range n {
		id := strconv.Itoa(10000 + i)
		x.set(id, "S"+id)
		if got, ok := x.get(id); !ok || got != "S"+id {
			t.Fatalf("%q just set: got %q, %v", id, got, ok)
		}
	}
	if x.denseTries > maxDenseTries {
		t.Errorf("%d arrays made for %d sets taking turns with look-ups, want at most %d", x.denseTries, n, maxDenseTries)
	}
	for i := range n {
		id := strconv.Itoa(10000 + i)
		if got, ok := x.get(id); !ok || got != "S"+id {
			t.Errorf("%q: got %q, %v", id, got, ok)
		}
	}
}
