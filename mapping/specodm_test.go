package mapping

import (
	"bytes"
	"testing"
	"time"
)

// TestStreamSpecODMMatchesApply checks that a spec applied while PatchStream and
// WriteODMStream build the users (Options.Spec) gives the bytes, warnings and errors of
// Spec.Apply on the directory FromReader reads, patched by Patch or written by WriteODM:
// the fixtures and generated exports (one of several AdminData), every spec of specsFor,
// into the input's flavour and into others (several blocks and OpenClinica are written
// from the whole directory, the spec applied while it is spilled).
func TestStreamSpecODMMatchesApply(t *testing.T) {
	now := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	compared, changed := 0, 0
	for name, data := range streamInputs(t) {
		base, _, err := FromReader(reader(data), Options{Now: now})
		if err != nil {
			continue // a fixture FromReader refuses is not this test's business
		}
		plain := patchBoth(t, name+" without a spec", data, data, PatchOptions{Options: Options{Now: now}})
		for specName, use := range specsFor(t, base) {
			if len(data) > 100<<10 && specName != "rules" && specName != "suggested" {
				continue // the large inputs are slow: the specs that change most are enough
			}
			opts := Options{Now: now, Spec: &use}
			what := name + " spec " + specName
			got := patchBoth(t, what, data, data, PatchOptions{Options: opts})
			compared++
			if got != nil && !bytes.Equal(got, plain) {
				changed++
			}
			for _, p := range []Profile{ProfileODM2, ProfileRave, ProfileInForm, ProfileOpenClinica} {
				writeBoth(t, what+" into "+string(p), data, p, opts)
			}
		}
	}
	if compared < 20 {
		t.Errorf("only %d inputs and specs compared", compared)
	}
	// The specs must change what is written, or the comparison shows nothing.
	if changed < compared/2 {
		t.Errorf("the specs changed the patched document in %d of %d comparisons only", changed, compared)
	}
}
