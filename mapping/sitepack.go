package mapping

import (
	"encoding/binary"
	"iter"
	"slices"
	"strings"

	"github.com/odmadmin/odmadmin/odm"
)

// sitePacker holds the sites a builder reads packed as they are read (appendSite), one
// string each, instead of as model values (builder.sites and its directory's Sites):
// MergeStream.AddODM reads each file's sites so. At the end of a file of 20,000 sites,
// read after its users, those were some 14 MB of small objects with pointers (their
// attributes, versions and addresses), held until the merge had taken them, at the point
// where the merge's table of keys was largest: the peak of a merge of several large
// files. Packed they are about half the size, and the collector does not scan them. A
// site is built again from its string where it is needed, one at a time.
//
// A site the merge holds already (shared), as each file of a paged export lists every
// site, is held as a substring of the merge's packing when its encoding is the merge's
// but for where it was read: at a million users in 3 files the second and third files'
// 20,000 sites were another 7 MB beside the merge's as each was read, the peak of map
// --to odm once the write held the sites once.
//
// A packer that spills (newSpillingSitePacker, for WriteJSON) holds no encoding at all:
// they go into the builder's temporary file a page at a time, as the users' records do,
// and the packer keeps where each one is (12 bytes a site) and the index by ID. At
// 200,000 Locations beside 200,000 users, the sites held as model values were some 100 MB
// of map --to json's 180 MB peak.
type sitePacker struct {
	// encs[i] is site i's encoding, in the order the sites were first read; for a site
	// at[i].shared, the merge's encoding of it without its last two fields (where the
	// merged site was read), which at[i] holds for this one. Nil when spilling.
	encs []string
	at   []sitePos // nil without shared
	byID *idIndex  // each site's index by its ID
	buf  []byte
	// shared is the packing of the sites merged so far, read only; nil: none.
	shared *siteTable

	// spills: the encodings go to sp, the builder's temporary file (set once the
	// builder has made it). When spilling: the file; where site i's encoding is (locs[i]); the pages written to
	// the file so far, by their chunk index in it; the page being filled (page
	// len(pages)), which is written once it reaches sitePage bytes.
	spills bool
	sp     *spill
	locs   []siteLoc
	pages  []int32
	page   []byte
	// listed[i] is the last AdminData block that listed site i (builder.listedAgain),
	// when spilling.
	listed []int32
}

// siteLoc is where a spilled site's encoding is: bytes off to off+n of page page.
type siteLoc struct {
	page   int32
	off, n uint32
}

// sitePage is the size at which a spilling packer writes its page: as large as the
// spill's chunks of records, so that reading the sites back in order reads each page once.
const sitePage = 64 << 10

// sitePos is where a site held as the merge's encoding was read (Source.line and col).
type sitePos struct {
	line, col uint64
	shared    bool
}

// newSitePacker returns a packer whose sites may be held as shared's (nil: none).
func newSitePacker(shared *siteTable) *sitePacker {
	return &sitePacker{byID: newIDIndex(), shared: shared}
}

// listedIn notes that block lists site i and reports whether it listed it before.
func (p *sitePacker) listedIn(i, block int) bool {
	again := p.listed[i] == int32(block)
	p.listed[i] = int32(block)
	return again
}

// newSpillingSitePacker returns a packer that keeps the encodings in the temporary file
// of the builder it is given to (readStreamWith; see sitePacker).
func newSpillingSitePacker() *sitePacker {
	return &sitePacker{byID: newIDIndex(), spills: true}
}

// add appends s, whose ID no site added before has. It is never given a site with
// decoded records (the stream's builder keeps none), the one thing appendSite refuses.
func (p *sitePacker) add(s *Site) {
	if p.spills {
		p.byID.add(s.ID, int32(len(p.locs)))
		p.locs = append(p.locs, siteLoc{})
		p.listed = append(p.listed, -1)
		p.put(len(p.locs)-1, s)
		return
	}
	p.byID.add(s.ID, int32(len(p.encs)))
	p.encs = append(p.encs, "")
	if p.shared != nil {
		p.at = append(p.at, sitePos{})
	}
	p.put(len(p.encs)-1, s)
}

// set replaces site i with s (the same ID, merged with a later record of it).
func (p *sitePacker) set(i int, s *Site) { p.put(i, s) }

// put sets site i to s's encoding, held as the merge's where it is the same but for the
// two fields of where it was read (the encoding's last: Source.line and col).
func (p *sitePacker) put(i int, s *Site) {
	if p.spills {
		// A site set again (merged with a later record of it) is written anew: the
		// bytes of its earlier encoding stay in the file, unread.
		if len(p.page) >= sitePage {
			p.pages = append(p.pages, int32(p.sp.putBytes(p.page)))
			p.page = p.page[:0]
		}
		off := len(p.page)
		p.page, _ = appendSite(p.page, s) // no records: see add
		p.locs[i] = siteLoc{page: int32(len(p.pages)), off: uint32(off), n: uint32(len(p.page) - off)}
		return
	}
	p.buf, _ = appendSite(p.buf[:0], s) // no records: see add
	if p.shared != nil {
		p.at[i] = sitePos{}
		if src := s.Source; src != nil {
			if j := p.shared.find(s.ID); j >= 0 {
				line, col := uint64(max(src.line, 0)), uint64(max(src.col, 0))
				n := len(p.buf) - uvarintLen(line) - uvarintLen(col)
				if enc := p.shared.enc(j); len(enc) >= n && enc[:n] == string(p.buf[:n]) && twoUvarints(enc[n:]) {
					p.encs[i], p.at[i] = enc[:n], sitePos{line, col, true}
					return
				}
			}
		}
	}
	p.encs[i] = string(p.buf)
}

// uvarintLen is the length of x's uvarint.
func uvarintLen(x uint64) int {
	n := 1
	for ; x >= 0x80; x >>= 7 {
		n++
	}
	return n
}

// twoUvarints reports whether b is two uvarints and nothing else.
func twoUvarints(b string) bool {
	for range 2 {
		k := 0
		for k < len(b) && b[k] >= 0x80 {
			k++
		}
		if k >= len(b) {
			return false
		}
		b = b[k+1:]
	}
	return b == ""
}

// find returns the index of the site with ID id, or -1.
func (p *sitePacker) find(id string) int {
	i, ok := p.byID.find(id, func(j int32) bool { return siteID(p.enc(int(j))) == id })
	if !ok {
		return -1
	}
	return int(i)
}

func (p *sitePacker) len() int {
	if p.spills {
		return len(p.locs)
	}
	return len(p.encs)
}

// enc returns site i's encoding (for a site held as the merge's, without where it was
// read). A spilled one is read from the file where its page was written there (the
// spill's string, never changed), else copied from the page being filled, which is
// filled again once written.
func (p *sitePacker) enc(i int) string {
	if !p.spills {
		return p.encs[i]
	}
	l := p.locs[i]
	if int(l.page) == len(p.pages) {
		return string(p.page[l.off : l.off+l.n])
	}
	return p.sp.get(int(p.pages[l.page]))[l.off : l.off+l.n]
}

// site returns site i, built anew (its strings are substrings of its encoding, made
// whole again for a site held as the merge's).
func (p *sitePacker) site(i int) *Site {
	if p.at == nil || !p.at[i].shared {
		return decodeSite(p.enc(i))
	}
	b := append(p.buf[:0], p.encs[i]...)
	b = binary.AppendUvarint(b, p.at[i].line)
	b = binary.AppendUvarint(b, p.at[i].col)
	p.buf = b
	return decodeSite(string(b))
}

// ownBytes is the size of the encodings p holds of its own, not the merge's.
func (p *sitePacker) ownBytes() int {
	n := len(p.page) // the page not yet spilled
	for i, enc := range p.encs {
		if p.at == nil || !p.at[i].shared {
			n += len(enc)
		}
	}
	return n
}

// all hands on the sites in order, each built anew.
func (p *sitePacker) all() iter.Seq[*Site] {
	return func(yield func(*Site) bool) {
		for i := range p.len() {
			if !yield(p.site(i)) {
				return
			}
		}
	}
}

// ids hands on the sites' IDs, in order, without building the sites.
func (p *sitePacker) ids() iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := range p.len() {
			if !yield(siteID(p.enc(i))) {
				return
			}
		}
	}
}

// table returns p's sites, then more, packed as packSites packs them, p's encodings copied
// as they are instead of built as model values and encoded again (a --base patch of a
// table writes FILE's 20,000 sites so: as values they were some 22 MB, scanned by every
// collection, at one of the patch's two peaks). False, as packSites, when one of more
// cannot be packed or the bytes are too many for 32-bit offsets, and for a packer that
// holds sites as a merge's.
func (p *sitePacker) table(more []*Site) (*siteTable, bool) {
	if p.at != nil {
		return nil, false
	}
	var extra []byte
	offs := make([]int, 0, len(more))
	for _, s := range more {
		offs = append(offs, len(extra))
		var err error
		if extra, err = appendSite(extra, s); err != nil {
			return nil, false
		}
	}
	total := len(extra)
	for i := range p.len() {
		if p.spills {
			total += int(p.locs[i].n)
		} else {
			total += len(p.encs[i])
		}
	}
	if total > 1<<32-1 {
		return nil, false
	}
	n := p.len() + len(more)
	t := &siteTable{offs: make([]uint32, 0, n), byID: newIDIndex()}
	var sb strings.Builder
	sb.Grow(total)
	for i := range p.len() {
		t.offs = append(t.offs, uint32(sb.Len()))
		sb.WriteString(p.enc(i)) // a spilled one read back in order, a page at a time
	}
	at := sb.Len()
	for _, o := range offs {
		t.offs = append(t.offs, uint32(at+o))
	}
	sb.Write(extra)
	t.data = sb.String()
	// The last site of each ID, as packSites keeps.
	for i := n - 1; i >= 0; i-- {
		id := siteID(t.data[t.offs[i]:])
		if _, dup := t.byID.find(id, func(j int32) bool { return siteID(t.data[t.offs[j]:]) == id }); !dup {
			t.byID.add(id, int32(i))
		}
	}
	return t, true
}

// newOwnSpillingSitePacker is newSpillingSitePacker with a temporary file of its own,
// not the builder's, which spillAll removes: for sites needed after the builder that
// read them is let go of (PatchStream's input's, see inputSitePacker). Close it to
// remove the file.
func newOwnSpillingSitePacker() (*sitePacker, error) {
	p := newSpillingSitePacker()
	var err error
	if p.sp, err = newSpill(); err != nil {
		return nil, err
	}
	return p, nil
}

// close removes the temporary file of a packer that has one of its own, and lets go of
// where the sites were in it (PatchStream holds the packer to its end).
func (p *sitePacker) close() {
	if p != nil && p.sp != nil {
		p.sp.close()
		*p = sitePacker{}
	}
}

// inputSitePacker returns the packer PatchStream reads the sites of r into, another
// export of the flavour patched into a document whose sites bs indexed, or nil where
// they are read as model values: with a spec (whose run renames the sites as values),
// for a flavour that writes sites as OpenClinica's site studies (made from the sites as
// values), and for a document whose sites bs holds otherwise (a table's patch). Held as
// values, the 20,000 sites of a million-user InForm export were some 14 MB of the
// patch's peak, read last, beside the builder's indexes of the users; packed into a
// temporary file, 16 bytes a site and their index.
func inputSitePacker(r *odm.Reader, bs *baseSide, opts Options) (*sitePacker, error) {
	if bs == nil || bs.x == nil || opts.Spec != nil {
		return nil, nil
	}
	p := opts.Profile
	if p == "" {
		h, err := r.Header()
		if err != nil {
			return nil, nil // the read reports it
		}
		p = DetectHeader(h)
	}
	if p.flavour() == nil || p.flavour().siteStudies() {
		return nil, nil
	}
	return newOwnSpillingSitePacker()
}

// resolvePacked is bs.resolve of the directory d whose sites in holds (d has none as
// values): the aligner is made from the sites built again one at a time, and gives
// each what it renamed (siteAligner.apply) where alignedSites builds them again.
func (bs *baseSide) resolvePacked(d *Directory, in *sitePacker) {
	x := bs.x
	bs.resolve(d, true) // FILE's rights groups; an aligner of none of d's sites
	bs.al = alignerOfSeq(in.ids(), in.all(), x, bs.shell.Studies, true)
}

// alignedSites returns the sites in holds as the aligner renamed them and finish
// completes them, packed for the patcher into pages of in's file (spillSiteSeq), which
// the caller keeps open while the patcher reads them and closes after; in lets go of
// where its own sites are. Nil when they cannot be packed or one of them does not pass
// the writer's check: they are then d's, as values (d had none), the writer's check
// reports it, and in's file is removed.
func (bs *baseSide) alignedSites(d *Directory, in *sitePacker) (t *siteTable, err error) {
	defer catchSpill(&err)
	// Every user is resolved by now: FILE's sites' index (some 3 MB at 20,000 sites) is
	// not needed beside the packing (finish of a directory that is no table's asks the
	// aligner for what it renamed and could not match, not for FILE's sites).
	bs.al.x = nil
	sites := func(yield func(*Site) bool) {
		for s := range in.all() {
			bs.al.apply(s)
			if !yield(s) {
				return
			}
		}
	}
	if t, ok := spillSiteSeq(in.sp, sites); ok && t.checked() {
		in.encs, in.byID, in.locs, in.pages, in.page, in.listed = nil, nil, nil, nil, nil, nil
		return t, nil
	}
	d.Sites = slices.Collect(sites)
	in.close()
	return nil, nil
}
