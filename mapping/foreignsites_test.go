package mapping

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// TestPatchStreamForeignSitesPacked: another InForm export patched into the base
// (PatchStream with Foreign) holds its sites packed from the read to the write and
// renames them as it builds them again (siteAligner.apply); what it writes and warns must
// be what Patch writes and warns of the same export read whole, its sites renamed in
// place, for every way a site of the export may stand to the base's.
func TestPatchStreamForeignSitesPacked(t *testing.T) {
	base := string(odmFixtures(t)["testdata/inform/htn-demo.xml"])
	const newSite = `    <Location OID="10129" Name="(03) Fictional Harbour Clinic" LocationType="Site" pf:SiteCountry="USA" pf:Locale="en-US">
      <MetaDataVersionRef StudyOID="HTN-DEMO" MetaDataVersionOID="SV-020108" EffectiveDate="2026-03-01"/>
      <pf:Mnemonic>
        <TranslatedText>03</TranslatedText>
      </pf:Mnemonic>
    </Location>
`
	const noVersion = `    <Location OID="10130" Name="(04) Fictional Versionless Clinic" LocationType="Site"/>
`
	beforeUnknown := func(s, add string) string {
		return strings.Replace(s, `    <Location OID="Unknown"`, add+`    <Location OID="Unknown"`, 1)
	}
	cases := []struct {
		name, why   string
		base, other func(string) string
	}{
		{"same sites", "every site of the export is the base's by ID: none renamed",
			nil, func(s string) string { return s }},
		{"other OIDs", "another instance numbers the Locations its own way: matched by mnemonic, renamed to the base's OIDs, the number kept",
			nil, strings.NewReplacer(`"10127"`, `"20127"`, `"10128"`, `"20128"`).Replace},
		{"by name", "an OID and mnemonic of its own but the base's name: matched by name",
			nil, func(s string) string {
				s = strings.ReplaceAll(s, `"10128"`, `"20128"`)
				return strings.Replace(s, "<TranslatedText>02</TranslatedText>", "<TranslatedText>92</TranslatedText>", 1)
			}},
		{"edited name", "a Location of the base's OID with another name: patched into the base's record",
			nil, func(s string) string {
				return strings.Replace(s, `Name="(01) Springfield Demo Clinic"`, `Name="(01) Springfield Demo Clinic East"`, 1)
			}},
		{"a site the base lacks", "a new site (and a user there) is added, not renamed",
			nil, func(s string) string {
				s = beforeUnknown(s, newSite)
				return strings.Replace(s, `<LocationRef LocationOID="10128"/>`, `<LocationRef LocationOID="10129"/>`, 1)
			}},
		{"no study version", "a new site without a MetaDataVersionRef gets the base's only study (finish), and has no Location written",
			nil, func(s string) string { return beforeUnknown(s, noVersion) }},
		{"ambiguous number", "the base has two sites of mnemonic 01: the export's site 01 of another OID is matched to neither, and warned of",
			func(s string) string {
				i := strings.Index(s, `<Location OID="10128"`)
				return s[:i] + strings.Replace(s[i:], "<TranslatedText>02</TranslatedText>", "<TranslatedText>01</TranslatedText>", 1)
			},
			func(s string) string { return strings.ReplaceAll(s, `"10127"`, `"20127"`) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := base
			if c.base != nil {
				b = c.base(b)
			}
			other := c.other(base)
			po := PatchOptions{Options: Options{Now: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)}, Foreign: true}
			var streamed, held bytes.Buffer
			ws, err := PatchStream(&streamed, odm.NewReader(strings.NewReader(other), odm.ReadOptions{}),
				func() (io.Reader, error) { return strings.NewReader(b), nil }, po)
			dir, dws, derr := FromReader(odm.NewReader(strings.NewReader(other), odm.ReadOptions{}), po.Options)
			require.NoError(t, derr)
			pws, perr := Patch(&held, strings.NewReader(b), dir, po)
			require.Equal(t, fmt.Sprint(perr), fmt.Sprint(err), "%s: the error", c.why)
			require.Equal(t, held.String(), streamed.String(), "%s: PatchStream writes what Patch writes", c.why)
			require.Equal(t, append(dws, pws...), ws, "%s: the warnings", c.why)
		})
	}
}

// TestPatchStreamForeignSitesNotHeldAsValues: at the end of the read of another export
// patched into the base, PatchStream holds its sites packed in a temporary file (some 16
// bytes a site and their index by ID), not as model values (some 700 bytes a site of the
// generated export, read after its users, at the patch's peak). With the base's sites
// indexed by then (SiteIndex, packed) and each ID the block listed noted, the heap grew
// by some 1,230 bytes a site with them as values and grows by some 180 packed; it must
// grow by less than 600. It measures heap in use, not time.
func TestPatchStreamForeignSitesNotHeldAsValues(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 10,000 generated sites three times")
	}
	const small, large = 2000, 8000
	b1, r1, w1 := foreignPatchHeap(t, small)
	b2, r2, w2 := foreignPatchHeap(t, large)
	// The base's sites are indexed as they are read (readDefsIndexed), packed in a
	// temporary file meanwhile: the heap at the end of its read grew by some 960 bytes a
	// site with them as values and grows by some 90; it must grow by less than 400.
	perSite := (float64(b2) - float64(b1)) / (large - small)
	t.Logf("heap at the end of the base's read: %d sites %d KiB, %d sites %d KiB: %.0f bytes a site", small, b1>>10, large, b2>>10, perSite)
	if perSite > 400 {
		t.Errorf("the heap grows by %.0f bytes a site of the base read, want at most 400 (its sites must be indexed as read, not held)", perSite)
	}
	perSite = (float64(r2) - float64(r1)) / (large - small)
	t.Logf("heap at the end of the export's read: %d sites %d KiB, %d sites %d KiB: %.0f bytes a site", small, r1>>10, large, r2>>10, perSite)
	if perSite > 600 {
		t.Errorf("the heap grows by %.0f bytes a site of the export read, want at most 600 (its sites must be held packed)", perSite)
	}
	// While the patch writes, the sites are in pages of the temporary file (spillSiteSeq):
	// some 12 bytes a site and the index by ID in memory, not the encodings (some 300
	// bytes a site): the heap grew by some 370 bytes a site with them in memory and grows
	// by some 85; it must grow by less than 250.
	perSite = (float64(w2) - float64(w1)) / (large - small)
	t.Logf("heap at the patch's first write: %d sites %d KiB, %d sites %d KiB: %.0f bytes a site", small, w1>>10, large, w2>>10, perSite)
	if perSite > 250 {
		t.Errorf("the heap grows by %.0f bytes a site while the patch writes, want at most 250 (the sites must be in the temporary file)", perSite)
	}
}

// foreignPatchHeap patches an InForm export of n sites (and a user) into a copy of
// itself (PatchStream, Foreign) and returns the heap in use, but for the export's text,
// when the base's first read met its end, when the export's did (the base's is read
// first), and at the patch's first write.
func foreignPatchHeap(t *testing.T, n int) (base, read, write uint64) {
	t.Helper()
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Transactional" FileOID="F1" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="1.3" pf:MappingVersion="V2">
  <AdminData StudyOID="GEN-STUDY">
    <User OID="user1" UserType="Site" pf:Active="Yes"><LoginName>user1</LoginName><FullName>Ada Example</FullName><LocationRef LocationOID="10000"/></User>
`)
	for i := range n {
		fmt.Fprintf(&sb, `    <Location OID="%d" Name="(%02d) Demo Site %d" LocationType="Site" pf:SiteCountry="USA" pf:SiteTimezone="(GMT-05:00) Eastern Time (US &amp; Canada)" pf:Locale="en-US">
      <MetaDataVersionRef StudyOID="GEN-STUDY" MetaDataVersionOID="v1" EffectiveDate="2025-01-01"/>
      <pf:Mnemonic>
        <TranslatedText>%02d</TranslatedText>
      </pf:Mnemonic>
    </Location>
`, 10000+i, i, i, i)
	}
	sb.WriteString("  </AdminData>\n</ODM>\n")
	doc := sb.String()
	in := &heapAtEOF{r: strings.NewReader(doc)}
	bd := &heapAtEOF{r: strings.NewReader(doc)} // read as it is, as a file: it seeks
	out := &heapAtWrite{}
	po := PatchOptions{Options: Options{Profile: ProfileInForm, Now: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)}, Foreign: true}
	if _, err := PatchStream(out, odm.NewReader(in, odm.ReadOptions{}),
		func() (io.Reader, error) { return bd, nil }, po); err != nil {
		t.Fatal(err)
	}
	if bd.heap == 0 || in.heap == 0 || out.heap == 0 {
		t.Fatal("the end of the base or the export was not read, or nothing written")
	}
	// Not the document itself, which the test holds (some 400 bytes a site).
	return bd.heap - uint64(len(doc)), in.heap - uint64(len(doc)), out.heap - uint64(len(doc))
}

// heapAtWrite discards what is written and notes the heap in use after a collection at
// the first write.
type heapAtWrite struct{ heap uint64 }

func (h *heapAtWrite) Write(p []byte) (int, error) {
	if h.heap == 0 {
		h.heap = heapInUse()
	}
	return len(p), nil
}

func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// heapAtEOF reads r and notes the heap in use after a collection the first time r is at
// its end.
type heapAtEOF struct {
	r    *strings.Reader
	heap uint64
}

func (h *heapAtEOF) Seek(off int64, whence int) (int64, error) { return h.r.Seek(off, whence) }

func (h *heapAtEOF) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if err == io.EOF && h.heap == 0 {
		h.heap = heapInUse()
	}
	return n, err
}

// TestSpillSiteSeq: a table spillSiteSeq writes into pages of a temporary file gives
// every site, and finds every ID, as packSiteSeq's in memory does, whatever the order
// the sites are asked for in (the patcher's is the document's).
func TestSpillSiteSeq(t *testing.T) {
	many := make([]*Site, 600) // some 20 pages
	for i := range many {
		many[i] = &Site{ID: fmt.Sprint(10000 + i), Name: fmt.Sprintf("(%02d) Fictional Site %d", i, i), Number: fmt.Sprintf("%02d", i),
			Versions: []StudyVersion{{Study: "S1", Version: "v1", Effective: "2025-01-01"}}, Source: &Source{Vendor: ProfileInForm, Studies: []string{"S1"}}}
	}
	cases := []struct {
		name, why string
		sites     []*Site
	}{
		{"none", "no site: no page", nil},
		{"one", "one site, in the page left to write at the end", many[:1]},
		{"many pages", "sites across pages, a page written when full", many},
		{"an ID twice", "the later site of an ID is the one found, as packSites finds it",
			append(append([]*Site{}, many[:40]...), &Site{ID: "10003", Name: "Listed again"})},
		{"a large site", "a site larger than a page is a page of its own",
			[]*Site{many[0], {ID: "BIG", Name: strings.Repeat("x", 3*spilledSitePage)}, many[1]}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sp, err := newSpill()
			require.NoError(t, err)
			defer sp.close()
			seq := func(yield func(*Site) bool) {
				for _, s := range c.sites {
					if !yield(s) {
						return
					}
				}
			}
			want, ok := packSiteSeq(len(c.sites), seq)
			require.True(t, ok)
			got, ok := spillSiteSeq(sp, seq)
			require.True(t, ok, c.why)
			require.Equal(t, want.len(), got.len(), c.why)
			for i := got.len() - 1; i >= 0; i-- { // from the last page back
				require.Equal(t, want.enc(i), got.enc(i), "%s: site %d", c.why, i)
				require.Equal(t, want.site(i), got.site(i), "%s: site %d", c.why, i)
			}
			for i := 0; i < len(c.sites); i += 7 { // every seventh, pages apart
				id := c.sites[i].ID
				require.Equal(t, want.find(id), got.find(id), "%s: find(%q)", c.why, id)
			}
			require.Equal(t, -1, got.find("no such site"), c.why)
		})
	}
}
