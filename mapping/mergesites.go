package mapping

import (
	"iter"
	"strings"
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
	for site := range sites {
		if site == nil {
			continue
		}
		var err error
		if buf, err = appendSite(buf[:0], site); err != nil {
			return false
		}
		if size += len(buf); size > 1<<32-1 {
			return false
		}
	}
	// The encodings that change (a site merged into) or are new, by index.
	changed := map[int32]string{}
	var added []string
	var addedIDs map[string]int32
	m := &s.m
	for site := range sites {
		if site == nil {
			continue
		}
		j, ok := addedIDs[site.ID]
		if !ok && t != nil {
			if k := t.find(site.ID); k >= 0 {
				j, ok = int32(k), true
			}
		}
		if !ok {
			buf, _ = appendSite(buf[:0], site) // checked above
			if addedIDs == nil {
				addedIDs = map[string]int32{}
			}
			j = int32(n + len(added))
			addedIDs[site.ID] = j
			added = append(added, string(buf))
			ps.origin = append(ps.origin, int32(fi))
			continue
		}
		var was string // the site's encoding so far
		switch enc, isChanged := changed[j]; {
		case isChanged:
			was = enc
		case int(j) >= n:
			was = added[int(j)-n]
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
			added[int(j)-n] = string(buf)
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
	for _, enc := range added {
		total += len(enc)
	}
	nt := &siteTable{offs: make([]uint32, 0, n+len(added))}
	if t != nil {
		nt.byID = t.byID // the indexes of the old sites stay theirs
	} else {
		nt.byID = newIDIndex()
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
	for k, enc := range added {
		nt.offs = append(nt.offs, uint32(sb.Len()))
		sb.WriteString(enc)
		nt.byID.add(siteID(enc), int32(n+k))
	}
	nt.data = sb.String()
	ps.t = nt
	return true
}

// enc is site i's encoding.
func (t *siteTable) enc(i int) string { return t.data[t.offs[i] : int(t.offs[i])+t.size(i)] }

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
