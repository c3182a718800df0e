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
