package mapping

import "strconv"

// assignIndexMin is how many assignments a user holds before a new one is looked up in
// an index rather than compared with each: a few comparisons cost less than a map, and
// almost every user holds a few.
const assignIndexMin = 16

// assignIndex tells whether one user's list of assignments holds an assignment already.
// A user can hold any number (one per LocationRef of an export, one per AdminData block
// the person is listed in), and comparing each new one with all those before it made
// such a user cost the square of its assignments. The index covers the first n of the
// list it was built for (first is that list's first element): a list moved by append is
// indexed afresh, which append's doubling keeps to a constant share of the work per
// assignment. Lists of users are reused for the next user, so reset must be called
// before each user's first assignment.
type assignIndex struct {
	set   map[assignKey]struct{}
	first *Assignment
	n     int
}

// assignKey is an Assignment in comparable form (Depots joined, each with its length).
type assignKey struct {
	study, site, roleName string
	canonical             Canonical
	scope                 Scope
	env                   Environment
	from, to, depots      string
}

func keyOf(a *Assignment) assignKey {
	k := assignKey{study: a.Study, site: a.Site, roleName: a.Role.Name, canonical: a.Role.Canonical,
		scope: a.Scope, env: a.Environment, from: a.From, to: a.To}
	if len(a.Depots) > 0 {
		var p []byte
		for _, d := range a.Depots {
			p = strconv.AppendInt(p, int64(len(d)), 10)
			p = append(p, ':')
			p = append(p, d...)
		}
		k.depots = string(p)
	}
	return k
}

// reset forgets the list indexed: the next one is another user's.
func (x *assignIndex) reset() { x.first, x.n = nil, 0 }

// contains reports whether list holds an assignment equal to a (Assignment.Equal). It
// adds the assignments it compares or indexes to *scans.
func (x *assignIndex) contains(list []Assignment, a *Assignment, scans *int) bool {
	if len(list) < assignIndexMin {
		for i := range list {
			*scans++
			if list[i].Equal(*a) {
				return true
			}
		}
		return false
	}
	if x.first != &list[0] || x.n > len(list) {
		if x.set == nil {
			x.set = make(map[assignKey]struct{}, len(list))
		}
		clear(x.set)
		x.first, x.n = &list[0], 0
	}
	for ; x.n < len(list); x.n++ {
		*scans++
		x.set[keyOf(&list[x.n])] = struct{}{}
	}
	_, ok := x.set[keyOf(a)]
	return ok
}
