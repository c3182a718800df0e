package mapping

import (
	"iter"
	"strings"
	"unsafe"
)

// MergeStream holds the merged sites packed (appendSite) while files are added, not as
// model values: 20,000 sites as model values are some 14 MB of small objects with
// pointers (their Source's attributes among them), which every collection marks while
// the users of each later file are merged, and their strings kept the blocks of text the
// reader cut them from. Packed, they are one string and two arrays of integers, about
// half the size, which the collector does not scan.
//
// A file's sites are merged into the packed ones as mergeHeads merges them (a site with
// an ID already held is decoded, mergeSite'd with the same warnings, and encoded again;
// a new one is encoded), and the sites are built again, in order, when the merged
// directory is first asked for (unpack). From then on mergeHeads holds them as before.
type mergedSites struct {
	t *siteTable // nil: none yet
	// origin[i] is the file site i was first read from (mergeHeads' m.origin).
	origin []int32
}

// mergeSites merges sites, those of file fi, into s.sites as mergeHeads.add merges them.
// It reports false, having merged nothing, when the sites cannot be packed (a site with
// decoded records, or more bytes than 32-bit offsets reach): the caller then unpacks the
// sites and merges these as model values.
func (s *MergeStream) mergeSites(fi int, sites iter.Seq[*Site]) bool {
	ps := &s.sites
	t := ps.t
	n, size := 0, 0
	if t != nil {
		n, size = t.len(), len(t.data)
	}
	// Whether all can be packed, before any is merged: a merged encoding is at most the
	// two it merges, so the new string is at most the old one and the file's sites.
	var buf []byte
	fileSize, count := 0, 0
	for site := range sites {
		if site == nil {
			continue
		}
		var err error
		if buf, err = appendSite(buf[:0], site); err != nil {
			return false
		}
		fileSize += len(buf)
		count++
		if size += len(buf); size > 1<<32-1 {
			return false
		}
	}
	// The encodings that change (a site merged into), by index, and those of the new
	// sites: one after the other in add (as large as the file's encodings, which it
	// holds at most unless a new site is merged into again), added[k] being where new
	// site k's is. Bytes once in add never change (it is only appended to), so strings
	// over them stay valid. When there were no sites before and no new one was merged
	// into again, add is the new packing itself, not copied: that is the case of the
	// first file with sites, whose new string was the peak of the merge (a string per
	// site, then their copy; at 20,000 sites each was some 6.6 MB).
	// addedIdx finds a new site by ID (j, its index among all), for a file that lists a
	// site twice; with no sites before, j is its index among the new ones, and addedIdx
	// the packing's index.
	changed := map[int32]string{}
	var add []byte
	var added []siteSpan
	var addedIdx *idIndex
	rewritten := false // a new site was merged into again: add holds its old encoding too
	m := &s.m
	for site := range sites {
		if site == nil {
			continue
		}
		var j int32
		ok := false
		if addedIdx != nil {
			j, ok = addedIdx.find(site.ID, func(j int32) bool { return siteID(added[int(j)-n].in(add)) == site.ID })
		}
		if !ok && t != nil {
			if k := t.find(site.ID); k >= 0 {
				j, ok = int32(k), true
			}
		}
		if !ok {
			if addedIdx == nil {
				addedIdx = newIDIndex()
				add = make([]byte, 0, fileSize)
				added = make([]siteSpan, 0, count)
			}
			j = int32(n + len(added))
			addedIdx.add(site.ID, j)
			off := len(add)
			add, _ = appendSite(add, site) // checked above
			added = append(added, siteSpan{uint32(off), uint32(len(add))})
			ps.origin = append(ps.origin, int32(fi))
			continue
		}
		var was string // the site's encoding so far
		switch enc, isChanged := changed[j]; {
		case isChanged:
			was = enc
		case int(j) >= n:
			was = added[int(j)-n].in(add)
		default:
			was = t.data[t.offs[j] : int(t.offs[j])+t.size(int(j))]
		}
		p := decodeSite(was)
		m.first, m.at = int(ps.origin[j]), recordAt(site.Source)
		m.mergeSite(p, site)
		buf, _ = appendSite(buf[:0], p) // decoded, so without records
		switch {
		case string(buf) == was:
			// The same site again (each file of a paged export lists them all).
		case int(j) >= n:
			off := len(add)
			add = append(add, buf...)
			added[int(j)-n] = siteSpan{uint32(off), uint32(len(add))}
			rewritten = true
		default:
			changed[j] = string(buf)
		}
	}
	if len(changed) == 0 && len(added) == 0 {
		return true
	}
	// One string again: the old one, the changed encodings in place and the new ones.
	total := 0
	for i := range n {
		if enc, ok := changed[int32(i)]; ok {
			total += len(enc)
		} else {
			total += t.size(i)
		}
	}
	for _, a := range added {
		total += int(a.end - a.off)
	}
	nt := &siteTable{offs: make([]uint32, 0, n+len(added))}
	if t != nil {
		nt.byID = t.byID // the indexes of the old sites stay theirs
	} else {
		nt.byID = newIDIndex()
	}
	if n == 0 && !rewritten {
		// The new sites alone, one after the other in add: it is the packing, and
		// addedIdx its index.
		for _, a := range added {
			nt.offs = append(nt.offs, a.off)
		}
		nt.byID = addedIdx
		nt.data = unsafe.String(unsafe.SliceData(add), len(add))
		ps.t = nt
		return true
	}
	var sb strings.Builder
	sb.Grow(total)
	for i := range n {
		nt.offs = append(nt.offs, uint32(sb.Len()))
		if enc, ok := changed[int32(i)]; ok {
			sb.WriteString(enc)
		} else {
			sb.WriteString(t.data[t.offs[i] : int(t.offs[i])+t.size(i)])
		}
	}
	for k, a := range added {
		enc := a.in(add)
		nt.offs = append(nt.offs, uint32(sb.Len()))
		sb.WriteString(enc)
		nt.byID.add(siteID(enc), int32(n+k))
	}
	nt.data = sb.String()
	ps.t = nt
	return true
}

// siteSpan is where an encoding is in a buffer: buf[off:end].
type siteSpan struct{ off, end uint32 }

// in returns the encoding in buf, as a string over its bytes (which the caller never
// changes afterwards).
func (a siteSpan) in(buf []byte) string {
	if a.end == a.off {
		return ""
	}
	return unsafe.String(&buf[a.off], a.end-a.off)
}

// enc is site i's encoding.
func (t *siteTable) enc(i int) string {
	if t.sp != nil {
		return t.at(i)
	}
	return t.data[t.offs[i] : int(t.offs[i])+t.size(i)]
}

// size is the length of site i's encoding.
func (t *siteTable) size(i int) int {
	if i+1 < len(t.offs) {
		return int(t.offs[i+1] - t.offs[i])
	}
	return len(t.data) - int(t.offs[i])
}

// unpackSites builds the packed sites again into the merged directory, after any sites
// mergeHeads holds already (none: it holds them from then on), and lets go of the packing.
func (s *MergeStream) unpackSites() {
	ps := &s.sites
	if ps.t == nil {
		ps.origin = nil
		return
	}
	h := s.heads
	for i := range ps.t.len() {
		c := ps.t.site(i)
		s.m.origin[c] = int(ps.origin[i])
		h.sites[c.ID] = c
		h.out.Sites = append(h.out.Sites, c)
	}
	*ps = mergedSites{}
}
