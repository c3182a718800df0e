package mapping

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
)

// TestSiteIndexPacked: an index own has packed (siteKeys) resolves every name of a site
// as the index of maps it was made from, and so does one a site is added to after own.
func TestSiteIndexPacked(t *testing.T) {
	sites := []*Site{
		{ID: "10127", Number: "01", Name: "Springfield  Demo Clinic"},
		{ID: "10128", Number: "02", Name: "Tokyo Clinic"},
		{ID: "S-03", Number: "10127", Name: "Other"},         // a number that is another site's ID
		{ID: "10129", Number: "01", Name: "Shared Number"},   // a number the first site has
		{ID: "", Number: "07", Name: "No ID"},                // an empty ID
		{ID: " 10130 ", Number: "", Name: "tokyo clinic"},    // a trimmed ID, a name another site has
		{ID: "10131", Number: "S-03", Name: "Named Like ID"}, // a number that is an ID in other letters
	}
	cases := []struct{ query, why string }{
		{"10127", "an ID"},
		{"01", "a number two sites share: the first, and both"},
		{"02", "a number"},
		{"springfield demo clinic", "a name, runs of space and case ignored"},
		{"  SPRINGFIELD   DEMO CLINIC ", "a name in other case and spacing"},
		{"s-03", "an ID in other letters, which another site's number also is"},
		{"S-03", "an ID"},
		{"07", "the number of the site of empty ID"},
		{"no id", "the name of the site of empty ID"},
		{"", "the empty ID"},
		{"10130", "a trimmed ID"},
		{" 10130", "a query trimmed"},
		{"tokyo clinic", "a name two sites share"},
		{"unknown", "no site"},
	}
	check := func(t *testing.T, want, got *SiteIndex) {
		t.Helper()
		for _, c := range cases {
			wid, wok, wsh := want.resolve(c.query)
			gid, gok, gsh := got.resolve(c.query)
			if gid != wid || gok != wok || !slices.Equal(gsh, wsh) {
				t.Errorf("%q (%s): packed %q %v %q, maps %q %v %q", c.query, c.why, gid, gok, gsh, wid, wok, wsh)
			}
		}
	}
	t.Run("own", func(t *testing.T) {
		packed := newSiteIndex(sites)
		packed.own()
		if packed.packed == nil || packed.keys != nil {
			t.Fatal("own did not pack the index")
		}
		check(t, newSiteIndex(sites), packed)
	})
	t.Run("add after own", func(t *testing.T) {
		packed := newSiteIndex(sites[:3])
		packed.own()
		for _, s := range sites[3:] {
			packed.add(s)
		}
		check(t, newSiteIndex(sites), packed)
	})
}

// TestSiteIndexOwnedSize: an index own has made its own holds some 145 bytes a site of
// an InForm export (ID, number and name, packed: siteKeys), not the some 290 of maps of
// copied strings (the generated export's 20,000 sites: 4.7 MB through both reads of a
// --base patch); it must hold less than 200. It measures heap in use, not time.
func TestSiteIndexOwnedSize(t *testing.T) {
	const n = 20000
	sites := make([]*Site, n)
	for i := range sites {
		sites[i] = &Site{ID: fmt.Sprint(10000 + i), Number: fmt.Sprintf("%02d", i), Name: fmt.Sprintf("(%02d) Demo Site %d", i, i)}
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	x := newSiteIndex(sites)
	x.own()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(sites)
	perSite := (float64(ms.HeapAlloc) - float64(before)) / n
	runtime.KeepAlive(x)
	t.Logf("an owned index of %d sites: %.0f bytes a site", n, perSite)
	if perSite > 200 {
		t.Errorf("an owned index holds %.0f bytes a site, want at most 200", perSite)
	}
}
