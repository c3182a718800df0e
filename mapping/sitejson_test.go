package mapping

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// withLocations returns a generated InForm export of 200 users whose last AdminData
// block also lists n Locations, each with a study version and an address.
func withLocations(t *testing.T, n int) []byte {
	t.Helper()
	var g bytes.Buffer
	if err := gen.InForm(&g, 200); err != nil {
		t.Fatal(err)
	}
	end := bytes.LastIndex(g.Bytes(), []byte("</AdminData>"))
	if end < 0 {
		t.Fatal("no AdminData in the generated export")
	}
	var locs bytes.Buffer
	for i := range n {
		fmt.Fprintf(&locs, `<Location OID="L%06d" Name="Extra Site %d" LocationType="Site" pf:SiteCountry="USA"><MetaDataVersionRef StudyOID="GEN-STUDY" MetaDataVersionOID="v1" EffectiveDate="2025-01-01"/><Address><StreetName>%d Example Street</StreetName><City>Springfield</City></Address></Location>
`, i, i, i)
	}
	return append(append(append([]byte{}, g.Bytes()[:end]...), locs.Bytes()...), g.Bytes()[end:]...)
}

// TestWriteJSONSitesHeld checks what WriteJSON holds for each Location once it has
// written the sites, while it writes the users: while reading, where the site's encoding
// is in the temporary file, its index by ID and the last block that listed it (some 30
// bytes; the hashes of the IDs a block listed were another 20), and then its study (some
// 30 bytes); not the site (some 500 bytes as a model value, held until the sites were
// written). It measures heap in use, not time.
func TestWriteJSONSitesHeld(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 24,000 generated Locations")
	}
	// The sites are written as encoding/json writes them, a batch at a time.
	data := withLocations(t, 3000)
	d, _, err := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Sites) < 3000 {
		t.Fatalf("read %d sites, want 3000 and more", len(d.Sites))
	}
	writesInBatches(t, data, d)

	// held returns the heap in use once WriteJSON has read n Locations and, with
	// written, once it has written them (what it holds through the users).
	held := func(n int, written bool) uint64 {
		data := withLocations(t, n)
		b, err := readValues(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{Reuse: true, ValuesOnly: true}), Options{}, valuesOpts{spillSites: true, spillDefs: true})
		if err != nil {
			t.Fatal(err)
		}
		defer b.close()
		b.finishPrepare()
		if written {
			if _, err := b.writeJSONSites(io.Discard); err != nil {
				t.Fatal(err)
			}
		}
		h, _ := liveHeld(b)
		return h
	}
	growsBy(t, "a site read", func(n int) uint64 { return held(n, false) }, 40, "no site held, no hash of its ID")
	growsBy(t, "a site written", func(n int) uint64 { return held(n, true) }, 40, "no site held, no index of the sites read")
}
