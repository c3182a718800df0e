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
			return detach.Copy(u)
		case len(fresh) > 0:
			return detach.Copy(&mapping.User{Assignments: fresh})
		}
		return nil
	}
}
