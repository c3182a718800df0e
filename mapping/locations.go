package mapping

import (
	"iter"
	"slices"
	"strings"
)

// dropLocationless removes from sites those the output holds no Location for, and warns.
// An ODM Location needs a MetaDataVersionRef, so a site without a study version (an
// OpenClinica site study, whose version is its parent's) is written as no Location at all;
// a LocationRef or ODM 2.0 LocationOID naming it would dangle in the output. A site that is
// not in the directory is left alone: the reference dangled in the source already.
func (w *writer) dropLocationless(sites []string, subject string) []string {
	if len(sites) == 0 {
		return sites
	}
	w.findLocationless()
	if len(w.locationless) == 0 {
		return sites
	}
	kept := slices.DeleteFunc(slices.Clone(sites), func(id string) bool { return w.locationless[id] })
	if len(kept) < len(sites) {
		w.warn.add(CodeUnrepresentable, "User/LocationRef", subject,
			"the site has no Location in the output (an ODM Location needs a study version), so the user's reference to it is left out rather than left dangling")
	}
	return kept
}

// siteOnlyUser is the warning (User) of a user siteAccess leaves all the access of in a
// block: the user is not written into the block (by the whole write and by a patch).
const siteOnlyUser = "all the user's access this block of the output holds is site-level access left out (Assignment/site), so the user is not written into the block"

// siteAccess returns as (the access of user id in one AdminData) without the site-level
// access whose site the output does not hold, and warns of each: a site-level role that
// names no site (as an OpenClinica 4 user table gives it), or one at a site written as no
// Location (dropLocationless). A user's record without the site reads back as access at
// every site of the study: the Clinical One template writer leaves such access out for
// the same reason ("Sites All would grant it at every site"). A flavour that writes sites
// as site studies writes every named site (as a site study, or a study of its own) and
// leaves out only the access that names none. The list is filtered in place.
func (w *writer) siteAccess(as []Assignment, id string) []Assignment {
	siteStudies := w.fl.siteStudies()
	out := as[:0]
	for _, a := range as {
		switch {
		case a.Site == "" && a.Scope == ScopeSite:
			w.warn.addUser(CodeUnrepresentable, "Assignment/site", id, "a site-level role, but the input does not say at which site: written without one it would read back as the role at every site of the study, so it is left out")
			continue
		case a.Site != "" && !siteStudies:
			if w.findLocationless(); w.locationless[a.Site] {
				w.warn.addUser(CodeUnrepresentable, "Assignment/site", id, "site-level access at a site that has no Location in the output (an ODM Location needs a study version): written without the site it would read back as access at every site of the study, so it is left out")
				continue
			}
		}
		out = append(out, a)
	}
	return out
}

// sameLocation reports whether site s is written back as the Location it was read as,
// with or without a study version: writing back to the flavour it came from (a Location
// then had none in the source too, and still gets one written).
func (w *writer) sameLocation(s *Site) bool {
	if !w.same || s.Source == nil || s.Source.Vendor != w.p {
		return false
	}
	return len(s.Source.recs) > 0 || !w.fl.siteStudies()
}

// findLocationless sets w.locationless from the directory's sites, once: PatchStream calls
// it before it packs the sites away (see sitecodec.go); writeSpilled may call it on sites
// packed already (w.sitePack), each built in turn.
func (w *writer) findLocationless() {
	if w.locationless != nil {
		return
	}
	w.locationless = map[string]bool{}
	for s := range w.sites() {
		if s == nil || len(s.Versions) > 0 {
			continue
		}
		// Writing back to the vendor it came from reuses the source Location.
		if w.sameLocation(s) {
			continue
		}
		// A copy: the key would otherwise keep the site's strings.
		w.locationless[strings.Clone(s.ID)] = true
	}
}

// siteAt returns the i-th of the sites sites yields.
func (w *writer) siteAt(i int) *Site {
	if w.sitePack == nil {
		return w.dir.Sites[i]
	}
	return w.sitePack.site(i)
}

// blockSites returns the sites writeBlock may write into bp, in the order of sites: all
// of them when there is one block, else those siteInBlock may put there, found for all
// blocks at once on first use (siteCandidates). A loop over every site for each block,
// each site built again from its packed bytes, was quadratic in a file of many studies
// with a site each: 6,000 took 22 s through map --to odm2.
func (w *writer) blockSites(bp blockPlan) iter.Seq[*Site] {
	if len(w.plan) <= 1 {
		return w.sites()
	}
	return func(yield func(*Site) bool) {
		for _, i := range w.siteCandidates(bp) {
			if !yield(w.siteAt(int(i))) {
				return
			}
		}
	}
}

// siteCandidates returns the indexes, in order, of the sites siteInBlock puts into bp. A
// site goes into a block it was read in (or, read back from JSON, of a study it was read
// in), or one of no study, of its own study, of one of its versions' studies or of a study
// some assignment pairs with it; siteInBlock decides
// on each of those, so the lists hold what a loop over every site for each block finds.
func (w *writer) siteCandidates(bp blockPlan) []int32 {
	if w.siteCands != nil {
		return w.siteCands[bp]
	}
	byStudy := map[string][]int{}
	bySrc := map[int][]int{}
	for i, p := range w.plan {
		byStudy[p.study] = append(byStudy[p.study], i)
		if p.src >= 0 {
			bySrc[p.src] = append(bySrc[p.src], i)
		}
	}
	// The studies each site is paired with by an assignment.
	pairs := map[string][]string{}
	for _, set := range [...]*assignedSet{w.assigned, w.userPairs()} {
		if set == nil {
			continue
		}
		for _, p := range set.list {
			pairs[p.site] = append(pairs[p.site], p.study)
		}
	}
	lists := make([][]int32, len(w.plan))
	i := int32(-1)
	add := func(bis []int, s *Site) {
		for _, bi := range bis {
			if l := lists[bi]; (len(l) == 0 || l[len(l)-1] != i) && w.siteInBlock(s, w.plan[bi]) {
				lists[bi] = append(l, i)
			}
		}
	}
	for s := range w.sites() {
		i++
		w.scans++
		add(byStudy[""], s)
		add(byStudy[s.Study], s)
		for _, v := range s.Versions {
			add(byStudy[v.Study], s)
		}
		for _, st := range pairs[s.ID] {
			add(byStudy[st], s)
		}
		if s.Source != nil {
			for _, r := range s.Source.recs {
				add(bySrc[r.block], s)
			}
			for _, st := range s.Source.Studies {
				add(byStudy[st], s) // (sourceStudy)
			}
		}
		if l := lists[0]; (len(l) == 0 || l[len(l)-1] != i) && w.homeless(s) {
			lists[0] = append(l, i) // the first block takes it (homeless)
		}
	}
	// A block's list is in site order: each site's additions come before the next one's,
	// and each block takes a site once.
	w.siteCands = make(map[blockPlan][]int32, len(w.plan))
	for bi, p := range w.plan {
		if _, dup := w.siteCands[p]; !dup {
			w.siteCands[p] = lists[bi]
		}
	}
	return w.siteCands[bp]
}

// sites returns the sites writeBlock writes: dir.Sites, or those of sitePack, each built
// anew.
func (w *writer) sites() iter.Seq[*Site] {
	if w.sitePack == nil {
		return slices.Values(w.dir.Sites)
	}
	return func(yield func(*Site) bool) {
		for i := range w.sitePack.len() {
			if !yield(w.sitePack.site(i)) {
				return
			}
		}
	}
}

// tableSites returns the sites t packs for the patcher, as packedSites returns a
// directory's: what the writer asks of the sites before it writes (which have no
// Location) is asked first, each site built in turn, and w is left without them.
func (w *writer) tableSites(t *siteTable) *patchSites {
	w.sitePack = t
	w.findLocationless()
	w.sitePack = nil
	return &patchSites{pack: t}
}
