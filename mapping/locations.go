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
// it before it packs the sites away (see sitecodec.go).
func (w *writer) findLocationless() {
	if w.locationless != nil {
		return
	}
	w.locationless = map[string]bool{}
	for _, s := range w.dir.Sites {
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
