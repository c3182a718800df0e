package mapping

import "iter"

// sitePacker holds the sites a builder reads packed as they are read (appendSite), one
// string each, instead of as model values (builder.sites and its directory's Sites):
// MergeStream.AddODM reads each file's sites so. At the end of a file of 20,000 sites,
// read after its users, those were some 14 MB of small objects with pointers (their
// attributes, versions and addresses), held until the merge had taken them, at the point
// where the merge's table of keys was largest: the peak of a merge of several large
// files. Packed they are about half the size, and the collector does not scan them. A
// site is built again from its string where it is needed, one at a time.
type sitePacker struct {
	encs []string // site i's encoding, in the order the sites were first read
	byID *idIndex // each site's index by its ID
	buf  []byte
}

func newSitePacker() *sitePacker { return &sitePacker{byID: newIDIndex()} }

// add appends s, whose ID no site added before has. It is never given a site with
// decoded records (the stream's builder keeps none), the one thing appendSite refuses.
func (p *sitePacker) add(s *Site) {
	p.byID.add(s.ID, int32(len(p.encs)))
	p.encs = append(p.encs, p.encode(s))
}

// set replaces site i with s (the same ID, merged with a later record of it).
func (p *sitePacker) set(i int, s *Site) { p.encs[i] = p.encode(s) }

func (p *sitePacker) encode(s *Site) string {
	p.buf, _ = appendSite(p.buf[:0], s) // no records: see add
	return string(p.buf)
}

// find returns the index of the site with ID id, or -1.
func (p *sitePacker) find(id string) int {
	i, ok := p.byID.find(id, func(j int32) bool { return siteID(p.encs[j]) == id })
	if !ok {
		return -1
	}
	return int(i)
}

func (p *sitePacker) len() int { return len(p.encs) }

// site returns site i, built anew (its strings are substrings of its encoding).
func (p *sitePacker) site(i int) *Site { return decodeSite(p.encs[i]) }

// all hands on the sites in order, each built anew.
func (p *sitePacker) all() iter.Seq[*Site] {
	return func(yield func(*Site) bool) {
		for i := range p.encs {
			if !yield(p.site(i)) {
				return
			}
		}
	}
}

// ids hands on the sites' IDs, in order, without building the sites.
func (p *sitePacker) ids() iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, enc := range p.encs {
			if !yield(siteID(enc)) {
				return
			}
		}
	}
}
