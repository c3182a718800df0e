package plan

import (
	"hash/maphash"
	"strings"
	"unicode/utf8"

	"github.com/odmadmin/odmadmin/internal/detach"
	"github.com/odmadmin/odmadmin/mapping"
)

// Keep returns a filter of existing users for mapping.ReadEach: it keeps the users [Make]
// may compare rows with (the same user name ignoring case, an e-mail address or the name
// of a row) and, for the others, a stand-in with only the role names and environments
// not seen before (Make learns from them which roles and environments the export uses).
// A kept user holds only what Make compares: user name, names, e-mail addresses and
// assignments.
// Make then plans rows against such a directory exactly as against the whole one, while
// reading an export of a million users holds a few of them.
func Keep(rows []Row) func(*mapping.User) *mapping.User {
	// Of the existing users with a row's name, Make compares only the user names within
	// two edits of the row's (see lookalikes): the rows' user names by name, indexed as
	// near.go does once a name has many rows.
	type named struct {
		logins []string
		idx    *nearIndex
	}
	logins, emails, persons := map[string]bool{}, map[string]bool{}, map[string]*named{}
	seed := maphash.MakeSeed()
	for _, r := range rows {
		if r.Login != "" {
			logins[strings.ToLower(r.Login)] = true
		}
		for _, e := range r.Emails {
			if k := strings.ToLower(strings.TrimSpace(e)); k != "" {
				emails[k] = true
			}
		}
		if k := personKey(r.GivenName, r.FamilyName, ""); k != "" && r.Login != "" {
			n := persons[k]
			if n == nil {
				n = &named{}
				persons[k] = n
			}
			n.logins = append(n.logins, strings.ToLower(r.Login))
		}
	}
	type roleEnv struct {
		role string
		env  mapping.Environment
	}
	seen := map[roleEnv]bool{}
	return func(u *mapping.User) *mapping.User {
		if u == nil {
			return nil
		}
		login := strings.ToLower(strings.TrimSpace(u.Login))
		relevant := logins[login]
		if n := persons[personKey(u.GivenName, u.FamilyName, u.FullName)]; n != nil && !relevant {
			mine := strings.ToLower(u.Login)
			if n.idx == nil && len(n.logins) > nearDirect/4 {
				n.idx = buildNear(seed, len(n.logins), func(i int) string { return n.logins[i] })
			}
			if n.idx == nil || utf8.RuneCountInString(mine) > nearMaxRunes {
				for _, l := range n.logins {
					relevant = relevant || distance(mine, l, 2) <= 2
				}
			} else {
				n.idx.candidates(seed, mine, func(i int32) {
					relevant = relevant || distance(mine, n.logins[i], 2) <= 2
				})
			}
		}
		for _, e := range u.Emails {
			relevant = relevant || emails[strings.ToLower(strings.TrimSpace(e))]
		}
		var fresh []mapping.Assignment
		for _, a := range u.Assignments {
			k := roleEnv{fold(a.Role.Name), a.Environment}
			if !seen[k] {
				seen[k] = true
				fresh = append(fresh, mapping.Assignment{Role: a.Role, Environment: a.Environment})
			}
		}
		// Copies of their own: a user as read shares its memory with its neighbours
		// (mapping carves users and their strings from large blocks), which a kept user
		// would keep alive, a few hundred kilobytes per kept user.
		switch {
		case relevant:
			return compared(u)
		case len(fresh) > 0:
			return detach.Copy(&mapping.User{Assignments: fresh})
		}
		return nil
	}
}

// compared copies of u only what Make compares a row with (user name, names, e-mail
// addresses, and the study, site, role, scope, environment, dates and depots of each
// assignment), its strings in one allocation: an upload that names most of a large
// export keeps many users, and a whole copy (addresses, vendor extensions, groups) held
// several times as much per user, some 3 KB of the 4 KB per row of an 80,000-row plan.
func compared(u *mapping.User) *mapping.User {
	n, depots := len(u.Login)+len(u.GivenName)+len(u.FamilyName)+len(u.FullName), 0
	for _, e := range u.Emails {
		n += len(e)
	}
	for _, a := range u.Assignments {
		n += len(a.Study) + len(a.Site) + len(a.Role.Name) + len(a.Role.Canonical) + len(a.Scope) + len(a.Environment) + len(a.From) + len(a.To)
		for _, d := range a.Depots {
			n += len(d)
		}
		depots += len(a.Depots)
	}
	var b strings.Builder
	b.Grow(n)
	strs := 4 + len(u.Emails) + 8*len(u.Assignments) + depots
	// clone appends s to the one buffer; the strings it returns point into it once the
	// buffer is complete (Grow reserved all of it, so it is never moved).
	type span struct{ at, n int }
	spans := make([]span, 0, strs)
	clone := func(s string) { spans = append(spans, span{b.Len(), len(s)}); b.WriteString(s) }
	clone(u.Login)
	clone(u.GivenName)
	clone(u.FamilyName)
	clone(u.FullName)
	for _, e := range u.Emails {
		clone(e)
	}
	for _, a := range u.Assignments {
		clone(a.Study)
		clone(a.Site)
		clone(a.Role.Name)
		clone(string(a.Role.Canonical))
		clone(string(a.Scope))
		clone(string(a.Environment))
		clone(a.From)
		clone(a.To)
		for _, d := range a.Depots {
			clone(d)
		}
	}
	all := b.String()
	next := func() string { s := spans[0]; spans = spans[1:]; return all[s.at : s.at+s.n] }
	c := &mapping.User{Login: next(), GivenName: next(), FamilyName: next(), FullName: next()}
	if u.Emails != nil {
		c.Emails = make([]string, len(u.Emails))
		for i := range c.Emails {
			c.Emails[i] = next()
		}
	}
	if u.Assignments != nil {
		c.Assignments = make([]mapping.Assignment, len(u.Assignments))
		pool := make([]string, depots)
		for i, a := range u.Assignments {
			x := &c.Assignments[i]
			x.Study, x.Site = next(), next()
			x.Role = mapping.Role{Name: next(), Canonical: mapping.Canonical(next())}
			x.Scope = mapping.Scope(next())
			x.Environment = mapping.Environment(next())
			x.From, x.To = next(), next()
			if a.Depots != nil {
				x.Depots = pool[:len(a.Depots):len(a.Depots)]
				pool = pool[len(a.Depots):]
				for j := range x.Depots {
					x.Depots[j] = next()
				}
			}
		}
	}
	return c
}
