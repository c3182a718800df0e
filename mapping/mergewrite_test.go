package mapping

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/odmadmin/odmadmin/odm"
)

// manySitesODM returns an InForm export of sites Locations (each with an address-like
// name and a study version) and a user assigned at every 100th, the sites' names
// prefixed by prefix: a file of a paged export, whose every part lists every site.
func manySitesODM(sites int, prefix string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Transactional" FileOID="F.1" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="1.3" pf:MappingVersion="V2">
  <AdminData StudyOID="S1">
`)
	for s := 0; s < sites; s += 100 {
		fmt.Fprintf(&b, `    <User OID="u%d"><LoginName>u%d</LoginName><LocationRef LocationOID="%d"/></User>
`, s, s, 10000+s)
	}
	for s := range sites {
		fmt.Fprintf(&b, `    <Location OID="%d" Name="%s(%02d) Fictitious Clinic %d, Example Street" LocationType="Site" pf:SiteCountry="USA" pf:SiteTimezone="(GMT-05:00) Eastern Time (US &amp; Canada)" pf:Locale="en-US">
      <MetaDataVersionRef StudyOID="S1" MetaDataVersionOID="v1" EffectiveDate="2025-01-01"/>
    </Location>
`, 10000+s, prefix, s%100, s)
	}
	b.WriteString("  </AdminData>\n</ODM>\n")
	return []byte(b.String())
}

// mergedParts merges the InForm exports files, which hold sites sites between them, into
// a MergeStream (closed when t ends) and returns it, the size of its packing of the sites,
// and the heap in use after a collection once files are let go of.
func mergedParts(t *testing.T, files [][]byte, sites int) (ms *MergeStream, packed uint64, before runtime.MemStats) {
	t.Helper()
	ms, err := NewMergeStream()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ms.Close() })
	for i, p := range files {
		name := fmt.Sprintf("part%d.xml", i+1)
		if _, err := ms.AddODM(name, odm.NewReader(bytes.NewReader(p), odm.ReadOptions{Name: name}), Options{Profile: ProfileInForm}); err != nil {
			t.Fatal(err)
		}
	}
	files = nil // the inputs are not part of the heap measured
	if ms.sites.t == nil || ms.sites.t.len() != sites {
		t.Fatalf("the merge does not hold the %d sites packed", sites)
	}
	runtime.GC()
	runtime.ReadMemStats(&before)
	return ms, uint64(len(ms.sites.t.data)), before
}

// TestMergeStreamODMSitesHeldOnce: MergeStream.WriteODM writes the merged sites from the
// merge's own packing, each built when the writer looks at it: while the document is
// written the heap holds them once, not also packed a second time (writeSpilled packed
// the sites it was given as values, built whole from the merge's packing just before:
// 17 MB at once and 8 MB more through the write at a million users in 3 files). It
// measures heap in use after a collection at each write of the output, against the
// heap before WriteODM, in bytes of the merge's packing; not time.
func TestMergeStreamODMSitesHeldOnce(t *testing.T) {
	const sites = 4000
	ms, packed, before := mergedParts(t, [][]byte{manySitesODM(sites, ""), manySitesODM(sites, "Z")}, sites)
	h := &streamHeapSampler{step: 1}
	if _, err := ms.WriteODM(streamSampleWriter{h}, ProfileInForm, Options{Now: time.Unix(0, 0).UTC()}, odm.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if h.calls < 2 {
		t.Fatalf("%d writes sampled, want several", h.calls)
	}
	grown := int64(h.max) - int64(before.HeapAlloc)
	t.Logf("sites packed %d KiB; heap before WriteODM %d KiB, at most %d KiB while it wrote (%d writes): %+d KiB",
		packed>>10, before.HeapAlloc>>10, h.max>>10, h.calls, grown>>10)
	if grown > int64(packed/2) {
		t.Errorf("the heap grew by %d KiB while the document was written, want under half the sites' packing (%d KiB): the sites are held again beside the merge's packing", grown>>10, packed>>10)
	}
}

// TestMergeStreamODMChecksPackedSites: a merged site the writer cannot write (a vendor
// attribute that is not an XML name) is the same error from WriteODM whether the sites
// are written from the merge's packing or were built first (Directory asked for), and
// comes before a bad group's, as Directory.Check orders them.
func TestMergeStreamODMChecksPackedSites(t *testing.T) {
	bad := []Attr{{Space: "urn:example:x", Name: "not a name", Value: "v"}}
	dir := func(badGroup bool) *Directory {
		d := &Directory{
			Users: []*User{{ID: "U1", Login: "u1", Assignments: []Assignment{{Study: "S1", Site: "L2"}}}},
			Sites: []*Site{
				{ID: "L1", Name: "One", Versions: []StudyVersion{{Study: "S1", Version: "v1"}}},
				{ID: "L2", Name: "Two", Versions: []StudyVersion{{Study: "S1", Version: "v1"}}, Source: &Source{Vendor: ProfileInForm, Attrs: bad}},
			},
			Groups: []*Group{{ID: "G1", Name: "Group", Type: "Rights"}},
		}
		if badGroup {
			d.Groups[0].Source = &Source{Vendor: ProfileInForm, Attrs: bad}
		}
		return d
	}
	for _, badGroup := range []bool{false, true} {
		t.Run(fmt.Sprintf("bad group %v", badGroup), func(t *testing.T) {
			write := func(built bool) error {
				ms, err := NewMergeStream()
				if err != nil {
					t.Fatal(err)
				}
				defer ms.Close()
				if err := ms.Add("a.json", dir(badGroup)); err != nil {
					t.Fatal(err)
				}
				if built {
					ms.Directory()
				} else if ms.sites.t == nil {
					t.Fatal("the sites added are not packed")
				}
				_, err = ms.WriteODM(io.Discard, ProfileInForm, Options{Now: time.Unix(0, 0).UTC()}, odm.WriteOptions{})
				return err
			}
			want, got := write(true), write(false)
			if want == nil || !strings.Contains(want.Error(), "sites[1].source.attrs[0]") {
				t.Fatalf("the built sites gave %v, want the error of site 1's attribute", want)
			}
			if got == nil || got.Error() != want.Error() {
				t.Errorf("packed sites gave %v, want %v (as built)", got, want)
			}
		})
	}
}

// TestMergeStreamTemplateLetsGoOfSites: MergeStream.Write of the Clinical One template
// keeps of the merged sites only what the rows need (templateSites), not the sites built
// as model values through the write (at a million users in three files they were 13 MB
// of a 40 MB heap), and still reports every site whose details the template leaves out.
// It measures heap in use after a collection at the output's writes, against the heap
// before Write, in bytes of the merge's packing of the sites; not time.
func TestMergeStreamTemplateLetsGoOfSites(t *testing.T) {
	const sites, users = 4000, 4000
	part := func(from, to int, withSites bool) []byte {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Transactional" FileOID="F.1" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="1.3" pf:MappingVersion="V2">
  <AdminData StudyOID="S1">
`)
		for u := from; u < to; u++ {
			fmt.Fprintf(&b, `    <User OID="u%d"><LoginName>u%d</LoginName><FirstName>Pat</FirstName><LastName>Example</LastName><Email>u%d@example.org</Email><LocationRef LocationOID="%d"/></User>
`, u, u, u, 10000+u%sites)
		}
		if withSites {
			for s := range sites {
				fmt.Fprintf(&b, `    <Location OID="%d" Name="Fictitious Clinic %d, Example Street" LocationType="Site" pf:SiteCountry="USA" pf:Locale="en-US">
      <MetaDataVersionRef StudyOID="S1" MetaDataVersionOID="v1" EffectiveDate="2025-01-01"/>
    </Location>
`, 10000+s, s)
			}
		}
		b.WriteString("  </AdminData>\n</ODM>\n")
		return []byte(b.String())
	}
	for _, to := range []string{"csv", "xlsx"} {
		t.Run(to, func(t *testing.T) {
			// The users in two parts, the sites in the second, as a paged export lists them.
			ms, packed, before := mergedParts(t, [][]byte{part(0, users/2, false), part(users/2, users, true)}, sites)
			h := &streamHeapSampler{step: 4}
			ws, err := ms.Write(streamSampleWriter{h}, to, Options{Study: "S1", Now: time.Unix(0, 0).UTC()}, ProfileClinicalOne, time.Unix(0, 0).UTC())
			if err != nil {
				t.Fatal(err)
			}
			detailed := 0
			for _, w := range ws {
				if w.Code == CodeUnrepresentable && w.Field == "Site" {
					detailed += w.Count
				}
			}
			if detailed != sites {
				t.Errorf("%d sites reported with details the template leaves out, want all %d", detailed, sites)
			}
			if to == "xlsx" {
				return // the workbook is written at its end, when no site is held either way
			}
			if h.calls < 8 {
				t.Fatalf("%d writes sampled, want several while the rows are written", h.calls)
			}
			grown := int64(h.max) - int64(before.HeapAlloc)
			t.Logf("sites packed %d KiB; heap before Write %d KiB, at most %d KiB while it wrote (%d writes): %+d KiB",
				packed>>10, before.HeapAlloc>>10, h.max>>10, h.calls, grown>>10)
			if grown > int64(packed/2) {
				t.Errorf("the heap grew by %d KiB while the rows were written, want under half the sites' packing (%d KiB): the sites are held as model values through the write", grown>>10, packed>>10)
			}
		})
	}
}
