package odm_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestTransformReuse: with ReadOptions.Reuse, Transform reads the records its callback is
// given into recycled memory, as it does with no callback, where a callback without Reuse
// gets records of their own; with no callback it recycles the strings too (a callback may
// keep the strings it is given, even with Reuse), so that a record costs no allocation.
// The output is the same either way.
func TestTransformReuse(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2020-01-01T00:00:00Z">` + "\n" + `  <AdminData StudyOID="S">` + "\n")
	const n = 500
	for i := range n {
		fmt.Fprintf(&b, `    <User OID="U%d" UserType="Investigator"><LoginName>u%d</LoginName><FullName>Ada Example</FullName><FirstName>Ada</FirstName><LastName>Example</LastName><Email>a%d@example.org</Email><Email>b@example.org</Email><LocationRef LocationOID="L1"/></User>`+"\n", i, i, i)
	}
	b.WriteString("  </AdminData>\n</ODM>\n")
	doc := b.String()
	// The callback has each record written as read, as no callback does (so that the
	// allocations compared are the reading's, not an encoding's); returning the record
	// itself (encoded again) must give the same output.
	same := func(odm.Node) (odm.Node, error) { return odm.AsRead(), nil }
	encoded := func(n odm.Node) (odm.Node, error) { return n, nil }
	run := func(ro odm.ReadOptions, fn func(odm.Node) (odm.Node, error)) (string, float64) {
		var out bytes.Buffer
		allocs := testing.AllocsPerRun(3, func() {
			out.Reset()
			if _, err := odm.Transform(&out, strings.NewReader(doc), ro, odm.WriteOptions{}, fn); err != nil {
				t.Fatal(err)
			}
		})
		return out.String(), allocs / n
	}
	plain, plainAllocs := run(odm.ReadOptions{}, nil)
	kept, keptAllocs := run(odm.ReadOptions{}, same)
	reused, reusedAllocs := run(odm.ReadOptions{Reuse: true}, same)
	again, _ := run(odm.ReadOptions{Reuse: true}, encoded)
	if kept != plain || reused != plain || again != plain {
		t.Fatalf("outputs differ: with a callback %v, with Reuse %v, encoded again %v", kept == plain, reused == plain, again == plain)
	}
	t.Logf("allocations per user: no callback %.1f, callback %.1f, callback with Reuse %.1f", plainAllocs, keptAllocs, reusedAllocs)
	if plainAllocs > 0.5 {
		t.Errorf("no callback, %.1f allocations per user: the records or their strings are not recycled", plainAllocs)
	}
	if reusedAllocs > keptAllocs-1.5 {
		t.Errorf("with Reuse, %.1f allocations per user (without Reuse: %.1f): the records are not recycled", reusedAllocs, keptAllocs)
	}
	if keptAllocs <= reusedAllocs {
		t.Errorf("without Reuse, %.1f allocations per user, not more than with it (%.1f): the test no longer tells them apart", keptAllocs, reusedAllocs)
	}
}
