package mapping

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/odmadmin/odmadmin/odm"
)

// TestPackedLocationsStreamed: writing a directory back to the profile it was read with,
// its sites packed (writeSpilled: MergeStream.WriteODM of several files), the writer hands
// on each Location as it is made, before it looks at the next site, instead of holding
// them all for a sort that has nothing to sort (packed sites have no records); the
// Locations are those, in the order, that the writer of the sites as values writes. The
// fixtures with two Locations or more in a block.
func TestPackedLocationsStreamed(t *testing.T) {
	for _, f := range fixtures {
		data, err := os.ReadFile(filepath.Join("testdata", f.file))
		if err != nil {
			t.Fatal(err)
		}
		// write returns the OIDs of the Locations written and, for each, the sites and
		// users the writer had looked at when it handed it on.
		write := func(packed bool) (oids []string, seen []int) {
			dir, _, err := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), mergeReadOptions(t, f.profile, data))
			if err != nil {
				t.Fatal(err)
			}
			w, err := newStreamWriter(dir, f.profile, Options{Now: time.Unix(0, 0).UTC()}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if packed {
				w.findLocationless()
				tb, ok := packSites(dir.Sites)
				if !ok {
					t.Fatal("the sites cannot be packed")
				}
				w.sitePack, dir.Sites = tb, nil
			}
			for _, bp := range w.plan {
				w.writeBlock(bp, func(n odm.Node) {
					if l, ok := n.(*odm.Location); ok {
						oids, seen = append(oids, l.OID), append(seen, w.scans)
					}
				})
			}
			return oids, seen
		}
		want, _ := write(false)
		if len(want) < 2 {
			continue
		}
		t.Run(f.file, func(t *testing.T) {
			got, seen := write(true)
			if !slices.Equal(got, want) {
				t.Errorf("Locations %v, want %v (the sites as values)", got, want)
			}
			for i := 1; i < len(seen); i++ {
				if seen[i] == seen[i-1] {
					t.Errorf("Location %s was held until site %d was looked at (the %d looked at by then are as many as for %s): want each handed on as it is made", got[i-1], seen[i], seen[i], got[i])
				}
			}
		})
	}
}
