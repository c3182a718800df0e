package mapping

import (
	"iter"
	"strings"
)

// Each file of a several-file export is read alone, so a reference into another of its
// files (a Rave Users.odm's LocationRef to a site of Sites.odm, an InForm page's GroupRef to
// a group another page defines) is reported as dangling by the file's reader. Once the
// files are merged, such a reference is resolved and the warning is wrong.

const locationRefField = "User/LocationRef/@LocationOID"

// ResolvedAcross returns ws, the warnings of reading dirs (dirs[i] read from the input
// named names[i]), with the dangling-reference warnings of sites and groups brought in line
// with merged, the directory the files were merged into (MergeNamed): a warning whose
// references all name a site or group another file defines is left out; one with some that
// none of the files defines counts those only and says so. A warning whose file or count
// does not match what the directory shows is kept as it is.
func ResolvedAcross(names []string, dirs []*Directory, merged *Directory, ws []Warning) []Warning {
	if len(dirs) < 2 || merged == nil {
		return ws
	}
	refs := make([]*fileRefs, len(dirs))
	for i, d := range dirs {
		if d == nil {
			continue
		}
		refs[i] = newFileRefs(idsOf(d.Sites), d.Groups)
		for _, u := range d.Users {
			refs[i].user(u)
		}
	}
	sites := map[string]bool{}
	for _, s := range merged.Sites {
		sites[s.ID] = true
	}
	return resolvedAcross(names, refs, sites, merged.Groups, ws)
}

// resolvedAcross is ResolvedAcross with the references of each file counted (refs[i] is
// the file names[i]'s, nil for none), and of the merged directory the IDs of its sites
// (MergeStream's may be packed) and its groups.
func resolvedAcross(names []string, refs []*fileRefs, sites map[string]bool, mergedGroups []*Group, ws []Warning) []Warning {
	groups := map[string]bool{}
	for _, g := range mergedGroups {
		groups[g.ID] = true
	}
	out := ws[:0:0]
	for _, w := range ws {
		if w.Code != CodeDanglingRef || (w.Field != locationRefField && w.Field != groupRefField) {
			out = append(out, w)
			continue
		}
		i := indexOf(names, w.File)
		if i < 0 || i >= len(refs) || refs[i] == nil {
			out = append(out, w)
			continue
		}
		r, defined := &refs[i].sites, sites
		if w.Field == groupRefField {
			r, defined = &refs[i].groups, groups
		}
		left, first := r.undefined(defined)
		switch {
		case r.total != w.Count: // counted otherwise than the reader did: keep its word
			out = append(out, w)
		case left == 0:
			// every reference is defined in another of the files
		default:
			if first != w.Subject {
				w.Line, w.Col = 0, 0 // the place was the first value's, now resolved
			}
			w.Count, w.Subject = left, first
			w.Message += " (nor in the other files read with it)"
			out = append(out, w)
		}
	}
	return out
}

// idsOf hands on the IDs of sites.
func idsOf(sites []*Site) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, s := range sites {
			if !yield(s.ID) {
				return
			}
		}
	}
}

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}

// fileRefs counts the references of one file's users, user by user, to sites (as for
// locationRefField) and groups (groupRefField) the file itself does not define: each
// (user, id) pair once per user, as the reader warns. What it holds grows with the
// distinct ids, not with the users.
type fileRefs struct {
	sites, groups refCount
	n             int // the users counted
}

// refCount is the references of one kind: total pairs, and for each id its pairs and
// the first user naming it.
type refCount struct {
	own   map[string]bool
	uses  map[string]*refUse
	total int
	// seen are the current user's ids: a set past a few (one user may name 40,000 sites
	// another file defines; scanning them for each took 3.5 s).
	seen distinct[string]
}

type refUse struct {
	n, first int // pairs, ordinal of the first user
	subject  string
}

// newFileRefs starts the count of a file of the sites of IDs siteIDs and groups. The IDs
// are kept as copies: one read from a site's packing (sitepack.go) is a substring of it.
func newFileRefs(siteIDs iter.Seq[string], groups []*Group) *fileRefs {
	r := &fileRefs{sites: refCount{own: map[string]bool{}}, groups: refCount{own: map[string]bool{}}}
	for id := range siteIDs {
		r.sites.own[strings.Clone(id)] = true
	}
	for _, g := range groups {
		r.groups.own[g.ID] = true
	}
	return r
}

// user counts the references of the file's next user.
func (r *fileRefs) user(u *User) {
	if u == nil {
		return
	}
	r.sites.seen.reset()
	r.groups.seen.reset()
	for _, a := range u.Assignments {
		r.sites.add(a.Site, r.n, u)
	}
	for _, g := range u.Groups {
		r.groups.add(g.ID, r.n, u)
	}
	r.n++
}

// done lets go of what counting the file's users needed: the file's own ids (a map of
// every site a file of a paged export lists).
func (r *fileRefs) done() {
	r.sites.own, r.groups.own = nil, nil
	r.sites.seen, r.groups.seen = distinct[string]{}, distinct[string]{}
}

func (c *refCount) add(id string, n int, u *User) {
	if id == "" || c.own[id] || !c.seen.add(id) {
		return
	}
	c.total++
	x := c.uses[id]
	if x == nil {
		if c.uses == nil {
			c.uses = map[string]*refUse{}
		}
		x = &refUse{first: n, subject: "User " + u.ID}
		// A copy of the id: the user's is a substring of the record it was decoded
		// from (a 64 KiB chunk of the spill file), which the key would keep alive
		// until the merge ends. At a million users in three files, with the sites in
		// the last, these keys pinned some 7 MB of chunks at the peak.
		c.uses[strings.Clone(id)] = x
	}
	x.n++
}

// undefined returns how many of the references name no id of defined (the merged
// directory's), and the subject of the first user with one.
func (c *refCount) undefined(defined map[string]bool) (left int, first string) {
	at := -1
	for id, x := range c.uses {
		if defined[id] {
			continue
		}
		left += x.n
		if at < 0 || x.first < at {
			at, first = x.first, x.subject
		}
	}
	return left, first
}
