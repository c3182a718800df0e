package mapping

import (
	"iter"
	"math"
	"slices"
	"strings"

	"github.com/odmadmin/odmadmin/odm"
)

// SiteIndex finds a directory's sites by what people and files call them: the site ID
// (ODM LocationOID), the site number (InForm mnemonic, Rave StudySiteNumber, the number
// the Clinical One template lists) or the name, ignoring letter case and runs of white
// space. It is how an upload row's "01" or "Boston Clinic" is matched to the export's
// Location "10127".
type SiteIndex struct {
	// ids and keys (each key's site ID) while sites are added; once own has made the
	// index's strings its own, packed holds both and they are nil.
	ids    map[string]bool
	keys   map[string]string
	packed *siteKeys
	// shared are the number and name keys two sites (of different IDs) share: Resolve
	// takes the first, as it always did; a patch (siteAligner) does not guess.
	shared map[string][]string
}

// siteKeys are a SiteIndex's keys and IDs as own packs them: the keys' text in one
// string, found through an idIndex, each key's site given as the key that is that ID.
// A --base patch of another export holds FILE's index through both its reads: as maps
// of copied strings, 20,000 sites' was some 4.7 MB (60,000 keys, each an entry and a
// string of its own), at the patch's two peaks.
type siteKeys struct {
	text  string   // key j is text[offs[j]:offs[j+1]]
	offs  []uint32 // len: keys + 1
	to    []int32  // the key that is key j's site's ID; -1 for the ID ""
	isID  []uint64 // bit j: key j is a site's ID
	byKey *idIndex
	// emptyID: "" is a site's ID (no key is empty).
	emptyID bool
}

func (k *siteKeys) key(j int32) string { return k.text[k.offs[j]:k.offs[j+1]] }

// find returns the index of key s, or -1.
func (k *siteKeys) find(s string) int32 {
	j, ok := k.byKey.find(s, func(j int32) bool { return k.key(j) == s })
	if !ok {
		return -1
	}
	return j
}

// NewSiteIndex indexes d's sites. When two sites share a number or name, the first wins.
func NewSiteIndex(d *Directory) *SiteIndex {
	if d == nil {
		return newSiteIndex(nil)
	}
	return newSiteIndex(d.Sites)
}

func newSiteIndex(sites []*Site) *SiteIndex {
	x := &SiteIndex{ids: map[string]bool{}, keys: map[string]string{}}
	for _, s := range sites {
		x.add(s)
	}
	return x
}

// hasID reports whether id is a site's ID.
func (x *SiteIndex) hasID(id string) bool {
	k := x.packed
	if k == nil {
		return x.ids[id]
	}
	if id == "" {
		return k.emptyID
	}
	j := k.find(id)
	return j >= 0 && k.isID[j/64]&(1<<(j%64)) != 0
}

// key returns the ID of the site key s names (the first indexed with it), and whether
// one does.
func (x *SiteIndex) key(s string) (string, bool) {
	k := x.packed
	if k == nil {
		id, ok := x.keys[s]
		return id, ok
	}
	j := k.find(s)
	if j < 0 {
		return "", false
	}
	if t := k.to[j]; t >= 0 {
		return k.key(t), true
	}
	return "", true
}

// add indexes site s after those indexed before (nil: none).
func (x *SiteIndex) add(s *Site) {
	if s == nil {
		return
	}
	if x.packed != nil {
		x.unpack()
	}
	{
		id := strings.TrimSpace(s.ID)
		x.ids[id] = true
		for _, k := range []string{id, strings.ToLower(id), strings.ToLower(strings.TrimSpace(s.Number)), siteNameKey(s.Name)} {
			if k == "" {
				continue
			}
			first, ok := x.keys[k]
			if !ok {
				x.keys[k] = id
				continue
			}
			if first != id && !slices.Contains(x.shared[k], id) {
				if x.shared == nil {
					x.shared = map[string][]string{}
				}
				if len(x.shared[k]) == 0 {
					x.shared[k] = []string{first}
				}
				x.shared[k] = append(x.shared[k], id)
			}
		}
	}
}

// own makes x's strings its own copies: x then holds none of the sites' memory (their
// strings, parts of the records they were read from), which are let go of once indexed.
// The keys and IDs are packed (siteKeys), the few shared keys copied one by one.
func (x *SiteIndex) own() {
	if x.packed == nil {
		x.pack()
	}
	var shared map[string][]string
	for k, v := range x.shared {
		if shared == nil {
			shared = make(map[string][]string, len(x.shared))
		}
		c := make([]string, len(v))
		for i, id := range v {
			c[i] = strings.Clone(id)
		}
		shared[strings.Clone(k)] = c
	}
	x.shared = shared
}

// pack moves ids and keys into packed. Every ID but "" is a key (add indexes a site by
// its ID first), so each key's site is the index of a key.
func (x *SiteIndex) pack() {
	n := 0
	for k := range x.keys {
		n += len(k)
	}
	if n > math.MaxUint32 {
		return // the maps stay (not reached: some 30 bytes a site)
	}
	k := &siteKeys{offs: make([]uint32, 0, len(x.keys)+1), byKey: newIDIndex(), emptyID: x.ids[""]}
	var sb strings.Builder
	sb.Grow(n)
	for key := range x.keys {
		k.offs = append(k.offs, uint32(sb.Len()))
		sb.WriteString(key)
	}
	k.offs = append(k.offs, uint32(sb.Len()))
	k.text = sb.String()
	m := int32(len(k.offs) - 1)
	for j := range m {
		k.byKey.add(k.key(j), j)
	}
	k.to = make([]int32, m)
	k.isID = make([]uint64, (m+63)/64)
	for j := range m {
		key := k.key(j)
		k.to[j] = -1
		if id := x.keys[key]; id != "" {
			k.to[j] = k.find(id)
		}
		if x.ids[key] {
			k.isID[j/64] |= 1 << (j % 64)
		}
	}
	x.packed, x.ids, x.keys = k, nil, nil
}

// unpack makes ids and keys of packed again, for a site added after own.
func (x *SiteIndex) unpack() {
	k := x.packed
	x.ids, x.keys, x.packed = map[string]bool{}, map[string]string{}, nil
	if k.emptyID {
		x.ids[""] = true
	}
	for j := range int32(len(k.to)) {
		key := k.key(j)
		id := ""
		if t := k.to[j]; t >= 0 {
			id = k.key(t)
		}
		x.keys[key] = id
		if k.isID[j/64]&(1<<(j%64)) != 0 {
			x.ids[key] = true
		}
	}
}

// readDefsIndexed is readDefs for a --base patch of another export (readBaseSide), which
// needs no more of FILE's sites than their index (see baseSide.resolve): the sites are
// packed into a temporary file as they are read and indexed from there, one at a time,
// the index made its own, and the directory returned has none. As model values, the
// 20,000 sites of a million-user InForm export were some 14 MB held until indexed,
// beside what the document has (patchdoc.go): the peak of that read.
func readDefsIndexed(r *odm.Reader, opts Options, see func(odm.Node)) (d *Directory, x *SiteIndex, err error) {
	pack, err := newOwnSpillingSitePacker()
	if err != nil {
		return nil, nil, err
	}
	defer pack.close()
	defer catchSpill(&err)
	if d, err = readDefsPacking(r, opts, see, pack); err != nil {
		return nil, nil, err
	}
	// The builder's sites are all packed (an OpenClinica site study too: addSite), in the
	// order it read them, which is the order the index takes them in (the first of a
	// number or name wins).
	x = newSiteIndex(d.Sites)
	for s := range pack.all() {
		x.add(s)
	}
	x.own()
	d.Sites = nil
	return d, x, nil
}

func siteNameKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// Resolve returns the ID of the site s names (by ID, number or name), and whether one was found.
func (x *SiteIndex) Resolve(s string) (string, bool) {
	id, ok, _ := x.resolve(s)
	return id, ok
}

// resolve is Resolve that also returns, when s names no site by ID and its number or
// name is shared by several sites, their IDs (the first of which Resolve returns).
func (x *SiteIndex) resolve(s string) (id string, ok bool, shared []string) {
	t := strings.TrimSpace(s)
	if x.hasID(t) {
		return t, true, nil
	}
	for _, k := range []string{t, strings.ToLower(t), siteNameKey(t)} {
		if id, ok := x.key(k); ok && k != "" {
			return id, true, x.shared[k]
		}
	}
	return s, false, nil
}

// AlignTo rewrites d's site references in ref's terms, so that two directories of one
// study read from different systems compare: a site d names by a number or name that is
// a site of ref (by ID, number or name) gets ref's site ID, in d's assignments and sites.
// Assignments of d without a study get ref's study when ref has exactly one. It returns
// how many site references it rewrote.
func AlignTo(d, ref *Directory) int {
	if d == nil || ref == nil {
		return 0
	}
	al := newSiteAligner(d.Sites, ref, false)
	for _, u := range d.Users {
		if u != nil {
			al.user(u)
		}
	}
	al.finish(d)
	return al.n
}

// siteAligner is AlignTo one user at a time, for callers that hold the users of d
// elsewhere (a patch's temporary file): made from d's sites, which it renames at once,
// it rewrites each user's assignments (user), and finish completes d's sites and
// studies.
type siteAligner struct {
	x       *SiteIndex
	own     map[string]bool
	renamed map[string]string
	study   string
	adopted bool
	// strict (a patch) leaves a site whose number or name several of ref's sites share
	// as it is, and reports it (ambiguous), instead of taking the first.
	strict    bool
	ambiguous map[string][]string
	n         int
}

func newSiteAligner(sites []*Site, ref *Directory, strict bool) *siteAligner {
	return alignerOf(sites, NewSiteIndex(ref), ref.Studies, strict)
}

// alignerOf is newSiteAligner with ref's sites indexed already (x) and ref's studies: for
// a patch that lets go of ref's sites once indexed (baseSide). It renames sites in place.
func alignerOf(sites []*Site, x *SiteIndex, studies []*Study, strict bool) *siteAligner {
	ids := func(yield func(string) bool) {
		for _, s := range sites {
			if s != nil && !yield(s.ID) {
				return
			}
		}
	}
	return alignerOfSeq(ids, slices.Values(sites), x, studies, strict)
}

// alignerOfSeq is alignerOf of the sites that ids and sites hand on (the same sites, in
// the same order; each sequence is gone through once, ids first): for sites held packed
// and built again one at a time (PatchStream's input's, see alignPacked), whose renaming
// in place is lost with them, and which renamed and apply give again. It keeps copies of
// the strings it keeps, none of the sites' memory.
func alignerOfSeq(ids iter.Seq[string], sites iter.Seq[*Site], x *SiteIndex, studies []*Study, strict bool) *siteAligner {
	al := &siteAligner{x: x, own: map[string]bool{}, renamed: map[string]string{}, strict: strict}
	// A site of ref is one of d's at most (strict): the one of its OID, else the first
	// found by number or name. Another export's new site that shares a number or name
	// with one of its sites that ref has is not that site.
	claimed := map[string]bool{}
	for id := range ids {
		id = strings.Clone(id)
		al.own[id] = true
		if al.x.hasID(id) {
			claimed[id] = true
		}
	}
	var top []string
	for _, s := range studies {
		if s != nil && s.Parent == "" && s.ID != "" {
			top = append(top, s.ID)
		}
	}
	if len(top) == 1 {
		al.study = top[0]
	}
	for s := range sites {
		if s == nil || al.x.hasID(s.ID) {
			continue
		}
		id, ok := al.findSite(s)
		if ok && al.strict && claimed[id] {
			continue
		}
		claimed[id] = true
		if ok && id != s.ID {
			al.renamed[strings.Clone(s.ID)] = id
			if s.Number == "" {
				s.Number = s.ID
			}
			s.ID = id
			al.n++
		}
	}
	return al
}

// apply gives site s, one of those the aligner was made from as it was before (built
// again from its packing), what alignerOfSeq and finish give it in place: the ID and
// number of the site of ref it was renamed to, and the study of sites without one.
func (al *siteAligner) apply(s *Site) {
	if id, ok := al.renamed[s.ID]; ok {
		if s.Number == "" {
			s.Number = s.ID
		}
		s.ID = id
	}
	if s.Study == "" && al.study != "" {
		s.Study = al.study
	}
}

// find is SiteIndex.Resolve, strict or not (see strict).
func (al *siteAligner) find(s string) (string, bool) {
	id, ok, shared := al.x.resolve(s)
	if ok && len(shared) > 0 && al.strict {
		if al.ambiguous == nil {
			al.ambiguous = map[string][]string{}
		}
		// A copy: s may be part of a site built from its packing (alignerOfSeq).
		al.ambiguous[strings.Clone(s)] = shared
		return s, false
	}
	return id, ok
}

// findSite finds site s among ref's by its ID, and, for a patch (strict), where another
// system's export names the site by an OID of its own, by its number, then its name:
// those are what the two systems share.
func (al *siteAligner) findSite(s *Site) (string, bool) {
	id, ok := al.find(s.ID)
	if ok || !al.strict || al.ambiguous[s.ID] != nil {
		return id, ok
	}
	for _, k := range []string{s.Number, s.Name} {
		if strings.TrimSpace(k) == "" {
			continue
		}
		if id, ok := al.find(k); ok || al.ambiguous[k] != nil {
			return id, ok
		}
	}
	return s.ID, false
}

// user rewrites u's assignments in ref's terms.
func (al *siteAligner) user(u *User) {
	for i := range u.Assignments {
		a := &u.Assignments[i]
		if a.Study == "" && al.study != "" {
			a.Study, al.adopted = al.study, true
		}
		if a.Site == "" || al.x.hasID(a.Site) {
			continue
		}
		if id, ok := al.renamed[a.Site]; ok {
			a.Site = id
			continue
		}
		if al.own[a.Site] {
			continue
		}
		if id, ok := al.find(a.Site); ok {
			a.Site = id
			al.n++
		}
	}
}

// finish gives d's sites without a study, and d, the study the users' assignments
// adopted.
func (al *siteAligner) finish(d *Directory) {
	for _, s := range d.Sites {
		if s != nil && s.Study == "" && al.study != "" {
			s.Study = al.study
		}
	}
	if al.adopted {
		has := false
		for _, s := range d.Studies {
			if s != nil && s.ID == al.study {
				has = true
			}
		}
		if !has {
			// The study the assignments now name; an unnamed one (a template read without
			// --study) is that study.
			kept := d.Studies[:0]
			for _, s := range d.Studies {
				if s != nil && s.ID != "" {
					kept = append(kept, s)
				}
			}
			d.Studies = append(kept, &Study{ID: al.study, Environment: EnvProduction})
		}
	}
}

// siteStudies is the study of each site by ID (builder.siteStudy), which resolve looks
// up once per site a user record names: at a million users, a million look-ups among
// some 20,000 sites in random order. A map of strings made two cache misses of each (the
// map's slot, then the key's text to compare), 3% of map --to json's time; an ID of up
// to seven bytes (InForm's numeric LocationOIDs, most site numbers) is its own key here,
// packed with its length into a word (see shortKey), so that the look-up reads a table of
// words (shortTable) and nothing else, in half the memory. Longer IDs are kept as strings.
//
// That table is still some 500 KB at 20,000 sites, and a look-up in it, the key's slot
// anywhere in it, was a cache miss each (1.9% of map --to json's samples on the one load
// of the slot, the output and the records streaming through the caches meanwhile). Where
// the IDs written as decimal numbers lie close together (InForm numbers its sites
// 10000, 10001, ...), they are looked up by number in an array (dense) of two bytes a
// site, 40 KB at 20,000 sites, read in the order the users name the sites.
type siteStudies struct {
	short   shortTable       // by shortKey: index in studies
	long    map[string]int32 // the other IDs (copies)
	studies []string         // distinct studies
	index   map[string]int32 // studies by value, while they are added
	// dense holds, for each number from denseLo on, 1 + the index in studies of the site
	// whose ID is that number written in decimal (decimalID), 0 for none: made on the
	// first look-up after a set (denseMade), when every such ID is short and they are
	// close enough together (denseFits); nil otherwise, and all look-ups go to short.
	dense     []uint16
	denseLo   uint32
	denseMade bool
	// denseTries counts the arrays made: a set after a look-up drops the array, and
	// look-ups and sets taking turns would make it again each time, a pass over the
	// table each (quadratic). Past maxDenseTries, the table answers.
	denseTries uint8
}

// maxDenseTries bounds the arrays siteStudies makes (see denseTries). The readers set
// every site before the first look-up: one array.
const maxDenseTries = 2

// decimalID returns the number an ID of one to seven digits writes, without a leading
// zero ("0" itself aside: "007" is another ID than "7"); ok is false for any other ID.
func decimalID(id string) (v uint32, ok bool) {
	if len(id) == 0 || len(id) > 7 || (id[0] == '0' && len(id) > 1) {
		return 0, false
	}
	for i := 0; i < len(id); i++ {
		d := uint32(id[i]) - '0'
		if d > 9 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

// denseFits reports whether n decimal IDs from lo to hi are worth an array: four slots
// or fewer per ID, past a small range, and each study index fits in a slot.
func denseFits(n int, lo, hi uint32, studies int) bool {
	return n > 0 && int64(hi-lo) < 4*int64(n)+64 && studies < math.MaxUint16
}

// makeDense makes dense from the short keys held, when they fit (denseFits).
func (x *siteStudies) makeDense() {
	x.denseMade, x.dense = true, nil
	if x.denseTries >= maxDenseTries {
		return
	}
	x.denseTries++
	n, lo, hi := 0, uint32(math.MaxUint32), uint32(0)
	for i := range x.short.slots {
		if s := &x.short.slots[i]; s.used {
			if v, ok := decimalID(shortKeyID(s.k)); ok {
				n, lo, hi = n+1, min(lo, v), max(hi, v)
			}
		}
	}
	if !denseFits(n, lo, hi, len(x.studies)) {
		return
	}
	x.dense, x.denseLo = make([]uint16, hi-lo+1), lo
	for i := range x.short.slots {
		if s := &x.short.slots[i]; s.used {
			if v, ok := decimalID(shortKeyID(s.k)); ok {
				x.dense[v-lo] = uint16(s.v) + 1
			}
		}
	}
}

// shortKeyID returns the ID shortKey packed into k.
func shortKeyID(k uint64) string {
	var b [7]byte
	n := int(k >> 56)
	for i := range n {
		b[i] = byte(k >> (8 * i))
	}
	return string(b[:n])
}

// shortKey packs an ID of at most seven bytes, and its length, into a word that no other
// ID packs into; ok is false for a longer one.
func shortKey(id string) (k uint64, ok bool) {
	if len(id) > 7 {
		return 0, false
	}
	k = uint64(len(id)) << 56
	for i := 0; i < len(id); i++ {
		k |= uint64(id[i]) << (8 * i)
	}
	return k, true
}

func newSiteStudies(n int) *siteStudies {
	return &siteStudies{short: newShortTable(n), index: map[string]int32{}}
}

// set records that site id is of study (the first time; a later one replaces it, as a
// map's assignment does).
func (x *siteStudies) set(id, study string) {
	i, ok := x.index[study]
	if !ok {
		i = int32(len(x.studies))
		study = strings.Clone(study)
		x.studies = append(x.studies, study)
		x.index[study] = i
	}
	if k, ok := shortKey(id); ok {
		x.short.set(k, i)
		x.denseMade, x.dense = false, nil
		return
	}
	if x.long == nil {
		x.long = map[string]int32{}
	}
	x.long[strings.Clone(id)] = i
}

// get returns the study of site id, and whether the site is known.
func (x *siteStudies) get(id string) (string, bool) {
	var i int32
	var ok bool
	if !x.denseMade {
		x.makeDense()
	}
	if x.dense != nil {
		if v, dec := decimalID(id); dec {
			// Every decimal ID set is in dense: one outside it was not set.
			if v -= x.denseLo; v >= uint32(len(x.dense)) || x.dense[v] == 0 {
				return "", false
			}
			return x.studies[x.dense[v]-1], true
		}
	}
	if k, short := shortKey(id); short {
		i, ok = x.short.get(k)
	} else {
		i, ok = x.long[id]
	}
	if !ok {
		return "", false
	}
	return x.studies[i], true
}
