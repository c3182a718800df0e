package mapping

import (
	"errors"
	"iter"
	"slices"
	"strings"
)

// A site's model values as a byte string without pointers, as usercodec.go does for
// users: PatchStream and WriteODMStream hold every site of the directory for the whole
// run (a Location record may come at any point of the document), and 20,000 sites held as
// model values (600 to 900 bytes each, strings, slices and maps) are tens of thousands of
// objects the garbage collector marks on every cycle. Packed into one string they are
// one object it never scans, and about half the size; a site is built again from it
// where a record needs it.
//
// Every field is written, in declaration order, as usercodec.go writes them. The test
// TestSiteCodecFields fails when Site or StudyVersion gains a field this file does not
// write.

var errSiteRecs = errors.New("mapping: internal error: a site with decoded records cannot be packed")

func (e *userEnc) addresses(v []Address) {
	e.count(len(v), v == nil)
	for _, a := range v {
		e.strs(a.StreetNames)
		for _, s := range [...]string{a.HouseNumber, a.City, a.StateProv, a.Country, a.PostalCode, a.OtherText, a.Longitude, a.Latitude, a.Altitude} {
			e.str(s)
		}
	}
}

func (d *userDec) addresses() []Address {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	v := make([]Address, n)
	for i := range v {
		a := &v[i]
		a.StreetNames = d.strs()
		for _, f := range [...]*string{&a.HouseNumber, &a.City, &a.StateProv, &a.Country, &a.PostalCode, &a.OtherText, &a.Longitude, &a.Latitude, &a.Altitude} {
			*f = d.str()
		}
	}
	return v
}

// appendSite appends s's encoding to b, the ID first (siteID reads it alone). A site
// with decoded records (Source.recs, which only FromDocument keeps) cannot be encoded:
// errSiteRecs.
func appendSite(b []byte, s *Site) ([]byte, error) {
	e := userEnc{b}
	for _, v := range [...]string{s.ID, s.Name, s.Type, s.Number, s.Country, s.TimeZone, s.Locale} {
		e.str(v)
	}
	e.bool(s.Active)
	e.str(s.Organization)
	e.str(s.Description)
	e.count(len(s.Versions), s.Versions == nil)
	for _, v := range s.Versions {
		e.str(v.Study)
		e.str(v.Version)
		e.str(v.Effective)
		e.str(v.Number)
	}
	e.addresses(s.Addresses)
	e.telecoms(s.Telecoms)
	e.str(s.Study)
	e.bool(s.Source != nil)
	if src := s.Source; src != nil {
		if len(src.recs) > 0 {
			return b, errSiteRecs
		}
		e.source(src, true)
	}
	return e.b, nil
}

// decodeSite builds the site p starts with (appendSite's encoding; what follows is not
// read). Its strings are substrings of p.
func decodeSite(p string) *Site {
	d := userDec{p: p}
	s := &Site{}
	for _, f := range [...]*string{&s.ID, &s.Name, &s.Type, &s.Number, &s.Country, &s.TimeZone, &s.Locale} {
		*f = d.str()
	}
	s.Active = d.bool()
	s.Organization = d.str()
	s.Description = d.str()
	if n, isNil := d.count(); !isNil {
		s.Versions = make([]StudyVersion, n)
		for i := range s.Versions {
			s.Versions[i] = StudyVersion{Study: d.str(), Version: d.str(), Effective: d.str(), Number: d.str()}
		}
	}
	s.Addresses = d.addresses()
	s.Telecoms = d.telecoms()
	s.Study = d.str()
	if d.bool() {
		s.Source = d.source()
	}
	return s
}

// siteID returns the ID of the site p starts with.
func siteID(p string) string {
	d := userDec{p: p}
	return d.str()
}

// siteTable holds a directory's sites packed (appendSite) in one string, in the
// directory's order: site i is at offs[i]. What it holds has no pointers but the string
// and the two arrays, whatever the number of sites.
type siteTable struct {
	data string
	offs []uint32
	byID *idIndex // the last site of each ID
	// sp, when set, holds the encodings instead of data and offs (spillSiteSeq): site i
	// is at locs[i] in page locs[i].page, chunk pages[locs[i].page] of sp. Only the
	// patcher is given such a table (its sites, site and find), not a merge.
	sp    *spill
	locs  []siteLoc
	pages []int32
}

// packSites packs sites; false when one cannot be packed (it has decoded records) or
// they are too many bytes for 32-bit offsets, and the caller holds them as they are. The
// sites are encoded twice, to size the string first: it is allocated once, at its
// length, while the sites are still held (growing a buffer by doubling and copying it
// into a string would need three times as much at that point, the peak of PatchStream).
func packSites(sites []*Site) (*siteTable, bool) {
	return packSiteSeq(len(sites), slices.Values(sites))
}

func (t *siteTable) len() int {
	if t.sp != nil {
		return len(t.locs)
	}
	return len(t.offs)
}

// at returns site i's encoding (of a table in memory, with the sites after it).
func (t *siteTable) at(i int) string {
	if t.sp != nil {
		l := t.locs[i]
		return t.sp.get(int(t.pages[l.page]))[l.off : l.off+l.n]
	}
	return t.data[t.offs[i]:]
}

// site returns site i, built anew each time.
func (t *siteTable) site(i int) *Site { return decodeSite(t.at(i)) }

// find returns the index of the last site with ID id, or -1.
func (t *siteTable) find(id string) int {
	i, ok := t.byID.find(id, func(j int32) bool { return siteID(t.at(int(j))) == id })
	if !ok {
		return -1
	}
	return int(i)
}

// packSiteSeq is packSites of the n sites sites hands on (in the same order each time:
// it is gone through twice, to size the string first, as packSites sizes it), for sites
// that are not held as values (PatchStream's input's, built again one at a time from
// their packing).
func packSiteSeq(n int, sites iter.Seq[*Site]) (*siteTable, bool) {
	var scratch []byte
	total := 0
	for s := range sites {
		var err error
		if scratch, err = appendSite(scratch[:0], s); err != nil {
			return nil, false
		}
		total += len(scratch)
		if total > 1<<32-1 {
			return nil, false
		}
	}
	t := &siteTable{offs: make([]uint32, 0, n), byID: newIDIndex()}
	var sb strings.Builder
	sb.Grow(total)
	for s := range sites {
		t.offs = append(t.offs, uint32(sb.Len()))
		scratch, _ = appendSite(scratch[:0], s)
		sb.Write(scratch)
	}
	if sb.Len() != total {
		// The sequence handed on other sites the second time: not what it packs.
		return nil, false
	}
	t.data = sb.String()
	// The last site of each ID, as a map of them by ID would hold (Patch's patcher).
	for i := len(t.offs) - 1; i >= 0; i-- {
		id := siteID(t.data[t.offs[i]:])
		if _, dup := t.byID.find(id, func(j int32) bool { return siteID(t.data[t.offs[j]:]) == id }); !dup {
			t.byID.add(id, int32(i))
		}
	}
	return t, true
}

// spilledSitePage is the size at which spillSiteSeq writes a page of encodings: the
// patcher finds a site for each Location record of the document, in the document's
// order, which need not be the table's; each site found in a page not read last reads
// the page (into new memory, which the collector takes back): small pages, some 25 sites
// each, keep that to a few KB a site.
const spilledSitePage = 8 << 10

// spillSiteSeq is packSiteSeq into pages of sp (chunks of a temporary file), which must
// outlive the table: what stays in memory is 12 bytes a site and the index by ID, not
// the encodings (some 300 bytes a site of an InForm export: 6 MB at 20,000 sites, held
// while the patch writes, beside the index of its users). False when a site cannot be
// packed (it has decoded records).
func spillSiteSeq(sp *spill, sites iter.Seq[*Site]) (*siteTable, bool) {
	t := &siteTable{sp: sp, byID: newIDIndex()}
	var page []byte
	for s := range sites {
		if len(page) >= spilledSitePage {
			t.pages = append(t.pages, int32(sp.putBytes(page)))
			page = page[:0]
		}
		off := len(page)
		var err error
		if page, err = appendSite(page, s); err != nil {
			return nil, false
		}
		t.locs = append(t.locs, siteLoc{page: int32(len(t.pages)), off: uint32(off), n: uint32(len(page) - off)})
	}
	if len(page) > 0 {
		t.pages = append(t.pages, int32(sp.putBytes(page)))
	}
	// The last site of each ID, as packSiteSeq keeps; the pages are read back from the
	// last, a page at a time.
	for i := len(t.locs) - 1; i >= 0; i-- {
		id := siteID(t.at(i))
		if _, dup := t.byID.find(id, func(j int32) bool { return siteID(t.at(int(j))) == id }); !dup {
			t.byID.add(id, int32(i))
		}
	}
	return t, true
}

// checked reports whether every site of t passes the writer's check of a directory's
// sites (Directory.checkTail: none of them is null), built one at a time: false asks the
// caller to hand them to the writer as values, whose check reports the first that fails.
func (t *siteTable) checked() bool {
	for i := range t.len() {
		if s := t.site(i); checkSource("", s.Source) != nil || checkTexts("", s) != nil {
			return false
		}
	}
	return true
}

// values returns t's sites as model values, in order.
func (t *siteTable) values() []*Site {
	sites := make([]*Site, t.len())
	for i := range sites {
		sites[i] = t.site(i)
	}
	return sites
}
