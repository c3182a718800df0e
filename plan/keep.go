package plan

import (
	"hash/maphash"
	"iter"
	"slices"
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
// reading an export of a million users holds a few of them. [Kept] holds them more
// compactly still.
func Keep(rows []Row) func(*mapping.User) *mapping.User {
	f := newFilter(slices.Values(rows), nil)
	type roleEnv struct {
		role string
		env  mapping.Environment
	}
	seen := map[roleEnv]bool{}
	return func(u *mapping.User) *mapping.User {
		if u == nil {
			return nil
		}
		relevant := f.user(u)
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

// filter tells the existing users that rows may be compared with: the same user name
// ignoring case, an e-mail address, or the same name and a user name within two edits.
type filter struct {
	logins, emails map[string]bool
	// Of the existing users with a row's name, Make compares only the user names within
	// two edits of the row's (see lookalikes): the rows' user names by name, indexed as
	// near.go does once a name has many rows.
	persons map[string]*named
	seed    maphash.Seed
}

type named struct {
	logins []string
	idx    *nearIndex
}

// newFilter returns the filter of the rows for which use is true (nil: all rows).
func newFilter(rows iter.Seq[Row], use func(*Row) bool) *filter {
	f := &filter{logins: map[string]bool{}, emails: map[string]bool{}, persons: map[string]*named{}, seed: maphash.MakeSeed()}
	for row := range rows {
		r := &row
		if use != nil && !use(r) {
			continue
		}
		if r.Login != "" {
			f.logins[strings.ToLower(r.Login)] = true
		}
		for _, e := range r.Emails {
			if k := strings.ToLower(strings.TrimSpace(e)); k != "" {
				f.emails[k] = true
			}
		}
		if k := personKey(r.GivenName, r.FamilyName, ""); k != "" && r.Login != "" {
			n := f.persons[k]
			if n == nil {
				n = &named{}
				f.persons[k] = n
			}
			n.logins = append(n.logins, strings.ToLower(r.Login))
		}
	}
	return f
}

// user reports whether rows may be compared with u.
func (f *filter) user(u *mapping.User) bool {
	if f.named(u.Login, u.GivenName, u.FamilyName, u.FullName) {
		return true
	}
	for _, e := range u.Emails {
		if f.email(e) {
			return true
		}
	}
	return false
}

// named reports whether rows may be compared with a user of that user name and names
// for them: the same user name ignoring case, or the same name and a user name within
// two edits.
func (f *filter) named(login, given, family, full string) bool {
	if f.logins[strings.ToLower(strings.TrimSpace(login))] {
		return true
	}
	n := f.persons[personKey(given, family, full)]
	if n == nil {
		return false
	}
	mine := strings.ToLower(login)
	if n.idx == nil && len(n.logins) > nearDirect/4 {
		n.idx = buildNear(f.seed, len(n.logins), func(i int) string { return n.logins[i] })
	}
	relevant := false
	if n.idx == nil || utf8.RuneCountInString(mine) > nearMaxRunes {
		for _, l := range n.logins {
			relevant = relevant || distance(mine, l, 2) <= 2
		}
	} else {
		n.idx.candidates(f.seed, mine, func(i int32) {
			relevant = relevant || distance(mine, n.logins[i], 2) <= 2
		})
	}
	return relevant
}

// email reports whether a row has e-mail address e.
func (f *filter) email(e string) bool { return f.emails[strings.ToLower(strings.TrimSpace(e))] }

// Kept is what [Kept.Each] plans rows against: of the existing users the rows may be
// compared with (as [Keep] picks them), one record each of only what is compared, and of
// all the role names and environments. Its Keep method is a filter for mapping.ReadEach
// that returns no user: the directory read holds none, Kept holds the records.
//
// A record is the user's compared values written into one string cut from blocks that
// records share: no heap object per user, and a few bytes beside the values (where a
// kept *mapping.User was some 700 bytes). Once the whole export is read, Each drops the
// records that only rows updating an existing user named (only a new user name is
// searched for look-alikes), before it indexes the rest.
type Kept struct {
	rows   *Rows
	f      *filter
	recs   records
	pruned bool
	// roles are the folded role names of every user read, envs their environments;
	// names are the role names as read, so that each is folded once.
	roles map[string]bool
	names map[string]bool
	envs  map[mapping.Environment]bool
}

// NewKept returns an empty Kept for the rows of an upload.
func NewKept(rows *Rows) *Kept {
	return &Kept{rows: rows, f: newFilter(rows.All(), nil), roles: map[string]bool{}, names: map[string]bool{}, envs: map[mapping.Environment]bool{}}
}

// Keep records of u what [Kept.Each] needs, and returns nil. Once Each has run, it
// records nothing more.
func (k *Kept) Keep(u *mapping.User) *mapping.User {
	if u == nil {
		return nil
	}
	for _, a := range u.Assignments {
		if n := a.Role.Name; n != "" && !k.names[n] {
			k.names[strings.Clone(n)] = true
			k.roles[fold(n)] = true
		}
		if e := a.Environment; e != "" && !k.envs[e] {
			k.envs[mapping.Environment(strings.Clone(string(e)))] = true
		}
	}
	if k.f != nil && k.f.user(u) {
		k.recs.add(u)
	}
	return nil
}

// Len is the number of users kept.
func (k *Kept) Len() int { return len(k.recs.list) }

// Each plans k's rows as [Each] does, against the users existing holds and those k
// kept (in that order), with the sites and studies of existing.
func (k *Kept) Each(existing *mapping.Directory, opts Options, f func(Action) error) error {
	k.prune()
	return each(existing, k, k.rows.All(), k.rows.total, opts, f)
}

// prune drops the records no row is compared with: a row whose user name is that of an
// existing user updates that user and searches no other, so of the users kept for it
// (the same name and a user name within two edits) only the one stays.
func (k *Kept) prune() {
	if k.pruned {
		return
	}
	k.pruned = true
	// What Keep picked by is done with: its index of the rows' user names can go before
	// the one of the new user names is made.
	k.f = nil
	found := map[string]bool{}
	for _, r := range k.recs.list {
		if l := strings.TrimSpace(recordLogin(r)); l != "" {
			found[l] = true
		}
	}
	rowLogins := map[string]bool{}
	f := newFilter(k.rows.All(), func(r *Row) bool {
		if r.Login == "" {
			return false
		}
		if found[r.Login] {
			rowLogins[r.Login] = true
			return false
		}
		return true
	})
	var out records
	for _, r := range k.recs.list {
		login, given, family, full, rest := recordNames(r)
		keep := rowLogins[strings.TrimSpace(login)] || f.named(login, given, family, full)
		for n := rest.count(); n > 0 && !keep; n-- {
			keep = f.email(rest.next())
		}
		if keep {
			out.addString(r)
		}
	}
	k.recs = out
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
