package plan

import (
	"cmp"
	"encoding/binary"
	"errors"
	"hash/maphash"
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
	f := newFilter(rows)
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
	key     []byte // named's buffer for a person's key
}

type named struct {
	logins []string
	idx    *nearIndex
}

// newFilter returns the filter of the rows.
func newFilter(rows []Row) *filter {
	f := &filter{logins: map[string]bool{}, emails: map[string]bool{}, persons: map[string]*named{}, seed: maphash.MakeSeed()}
	for i := range rows {
		r := &rows[i]
		if r.Login != "" {
			f.logins[mapping.LoginKey(r.Login)] = true
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
	if f.logins[mapping.LoginKey(login)] {
		return true
	}
	f.key = appendPersonKey(f.key[:0], given, family, full)
	n := f.persons[string(f.key)]
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
// While the export is read, Kept writes the record of every user the rows may be
// compared with to a temporary file: every user with the user name (ignoring case), an
// e-mail address or the name of a row, whatever its user name. Once the export is read,
// Each knows which rows update an existing user (the same user name), and keeps of the
// file only the users of those rows, the users of any row's e-mail address, and the
// users the other rows are compared with (the same user name ignoring case, or the name
// and a user name within two edits of one of them): a row that updates a user is
// compared with no other but the users of its e-mail address (emailOfOtherUser). Only
// the users within two edits of a row's user name (of their name) are indexed by name
// for the search of look-alike user names; the others are compared by user name and
// e-mail address only.
// What Kept holds while the export is read is so the rows' keys (hashes, and their user
// names packed: see Rows), not an index of their user names nor a record of any user;
// after it, a record each of the users planned against, in blocks that records share:
// no heap object per user, and a few bytes beside its values (where a kept
// *mapping.User was some 770).
type Kept struct {
	rows *Rows
	keys *rowKeys
	// persons are the hashes of the rows' names, sorted.
	persons []uint64
	spill   *recFile
	recs    records
	// near says of each record in recs that its user name is within two edits of that of a
	// row of its name that updates no user: only those are indexed by name.
	near []bool
	done bool
	// roles are the folded role names of every user read, envs their environments;
	// names are the role names as read, so that each is folded once.
	roles map[string]bool
	names map[string]bool
	envs  map[mapping.Environment]bool
	buf   []byte
	key   []byte
	// nearHeld is the constant of that name; tests lower it to index in parts.
	nearHeld int
}

// namedUser is a user written to Kept's file with the name of a new user's row: the hash
// of the name, its place in the file, and where its user name is (preceded by its
// length) in a buffer of them.
type namedUser struct {
	person  uint64
	seq, at uint32
}

// NewKept returns an empty Kept for the rows of an upload. Close removes its temporary
// file; Each does when it has read it.
func NewKept(rows *Rows) *Kept {
	if rows.keys == nil {
		rows.keys = newRowKeys()
	}
	k := &Kept{rows: rows, keys: rows.keys, roles: map[string]bool{}, names: map[string]bool{}, envs: map[mapping.Environment]bool{}}
	k.keys.freeze()
	for _, p := range k.keys.person {
		if p != 0 {
			k.persons = append(k.persons, p)
		}
	}
	slices.Sort(k.persons)
	// A copy: of a million rows of a few hundred names, Compact leaves 8 MB of capacity.
	k.persons = slices.Clone(slices.Compact(k.persons))
	return k
}

// Keep records of u what [Kept.Each] needs, and returns nil. Once Each has run, it
// records nothing more.
func (k *Kept) Keep(u *mapping.User) *mapping.User {
	if u == nil || k.done {
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
	if !k.relevant(u) {
		return nil
	}
	k.keys.each(strings.TrimSpace(u.Login), false, func(j int32) bool {
		k.keys.found[j] = true
		return true
	})
	if k.spill == nil {
		k.spill = newRecFile("the existing users")
	}
	k.buf = appendRecord(k.buf[:0], u)
	k.spill.write(k.buf)
	return nil
}

// relevant reports whether a row may be compared with u: the same user name ignoring
// case, the same name, or an e-mail address of u. A hash that only collides with a row's
// makes a user relevant that is not, which pick then drops or Make finds unrelated.
func (k *Kept) relevant(u *mapping.User) bool {
	found := false
	k.keys.folded.each(maphash.String(k.keys.seed, mapping.LoginKey(u.Login)), func(int32) bool {
		found = true
		return false
	})
	if found && u.Login != "" {
		return true
	}
	k.key = appendPersonKey(k.key[:0], u.GivenName, u.FamilyName, u.FullName)
	if len(k.key) > 0 {
		if _, ok := slices.BinarySearch(k.persons, maphash.Bytes(k.keys.seed, k.key)|1); ok {
			return true
		}
	}
	for _, e := range u.Emails {
		if e := strings.ToLower(strings.TrimSpace(e)); e != "" && k.keys.hasEmail(e) {
			return true
		}
	}
	return false
}

// Len is the number of users kept: those written to the temporary file until Each has
// run, then those planned against.
func (k *Kept) Len() int {
	if !k.done && k.spill != nil {
		return k.spill.n
	}
	return len(k.recs.list)
}

// Close removes the temporary file, if Each has not.
func (k *Kept) Close() error {
	if k.spill == nil {
		return nil
	}
	err := k.spill.close()
	k.spill = nil
	return err
}

// Each plans k's rows as [Each] does, against the users existing holds and those k
// kept (in that order), with the sites and studies of existing. It fails if the
// temporary file failed.
func (k *Kept) Each(existing *mapping.Directory, opts Options, f func(Action) error) error {
	if err := k.rows.Err(); err != nil {
		return err
	}
	if err := k.pick(); err != nil {
		return err
	}
	if err := each(existing, k, k.rows.All(), k.rows.total, opts, f); err != nil {
		return err
	}
	return k.rows.Err()
}

// pick reads the records written while the export was read and keeps those the rows are
// compared with: of a row that updates an existing user, that user; of every row, the
// users of its e-mail address; of the other rows, the users of the same user name
// ignoring case, or of the same name and a user name within two edits.
func (k *Kept) pick() error {
	if k.done {
		return nil
	}
	k.done = true
	if k.spill == nil {
		return nil
	}
	sp := k.spill
	k.spill = nil
	defer sp.close()
	f := newFreshFilter(k.keys)
	near, err := nearUsers(f, sp, k.nearHeld)
	if err != nil {
		return err
	}
	i := 0
	return sp.each(func(r string) bool {
		login, given, family, full, rest := recordNames(r)
		keep := false
		k.keys.each(strings.TrimSpace(login), false, func(j int32) bool {
			keep = k.keys.found[j]
			return !keep
		})
		keep = keep || f.sameLogin(login)
		isNear := near[i/64]&(1<<(i%64)) != 0 || f.nearFew(login, given, family, full)
		i++
		keep = keep || isNear
		for n := rest.count(); n > 0 && !keep; n-- {
			keep = k.keys.hasEmail(strings.ToLower(strings.TrimSpace(rest.next())))
		}
		if keep {
			k.recs.addString(r)
			k.near = append(k.near, isNear)
		}
		return true
	})
}

// nearUsers marks, of the n users written to the file, those with the name of a new
// user's row and a user name within two edits of its (as the planner compares them: the
// row's mapping.LoginKey, the user's in lower case), a bit each, for the names of more
// than nearFew new rows (those of fewer are compared as pick reads the file: nearFew).
//
// The users are compared name by name (sorted by the hash of their name), against an
// index of the new rows' user names of that name (near.go), made when a name has more
// than a few rows and dropped after: an index of every name's rows at once (some 40 keys
// of 6 bytes a user name, 160 MB for 666,666 new rows) searched in the order of the
// export missed the cache at nearly every key (three quarters of plan's CPU). A name of
// more rows than nearHeld keys is indexed a part at a time, each part searched by the
// users of that name.
func nearUsers(f *freshFilter, sp *recFile, held int) ([]uint64, error) {
	near := make([]uint64, (sp.n+63)/64)
	many := false
	for _, g := range f.persons {
		many = many || len(g.rows) > nearFew
	}
	if !many {
		return near, nil // no pass over the file: an upload of a few hundred rows
	}
	// The users of a new row's name, with their user names (some 30 bytes a user).
	var named []namedUser
	var logins, key []byte
	seq := uint32(0)
	err := sp.each(func(r string) bool {
		login, given, family, full, _ := recordNames(r)
		defer func() { seq++ }()
		if key = appendPersonKey(key[:0], given, family, full); len(key) == 0 {
			return true
		}
		p := maphash.Bytes(f.keys.seed, key) | 1
		if g := f.persons[p]; g == nil || len(g.rows) <= nearFew {
			return true // compared in pick's pass (nearFew)
		}
		if uint64(len(logins))+uint64(len(login))+binary.MaxVarintLen64 > maxNames {
			if sp.err == nil {
				sp.err = errors.New("plan: the user names of the existing users named as new rows take more than 4 GiB")
			}
			return false
		}
		named = append(named, namedUser{person: p, seq: seq, at: uint32(len(logins))})
		logins = appendString(logins, login)
		return true
	})
	if err == nil {
		err = sp.err
	}
	if err != nil {
		return nil, err
	}
	slices.SortFunc(named, func(a, b namedUser) int { return cmp.Or(cmp.Compare(a.person, b.person), cmp.Compare(a.seq, b.seq)) })
	held = cmp.Or(held, nearHeld)
	// login is the user name of u, in lower case.
	login := func(u namedUser) string {
		size, w := binary.Uvarint(logins[u.at:])
		start := int(u.at) + w
		return strings.ToLower(string(logins[start : start+int(size)]))
	}
	for len(named) > 0 {
		end := 1
		for end < len(named) && named[end].person == named[0].person {
			end++
		}
		users := named[:end]
		named = named[end:]
		g := f.persons[users[0].person]
		if g == nil {
			continue
		}
		rowLogin := func(rows []int32) func(int) string {
			return func(i int) string { return mapping.LoginKey(f.keys.login(rows[i])) }
		}
		variants := func(j int32) int { return nVariants(min(nearMaxRunes, utf8.RuneCountInString(f.keys.login(j)))) }
		for rows := g.rows; len(rows) > 0; {
			part, keys := 1, variants(rows[0])
			for ; part < len(rows); part++ {
				if keys += variants(rows[part]); keys > held {
					break
				}
			}
			these := rows[:part]
			rows = rows[part:]
			var idx *nearIndex
			if len(these) > nearFew {
				idx = buildNear(f.keys.seed, len(these), rowLogin(these))
			}
			of := rowLogin(these)
			for _, u := range users {
				if near[u.seq/64]&(1<<(u.seq%64)) != 0 {
					continue
				}
				mine := login(u)
				relevant := false
				if idx == nil || utf8.RuneCountInString(mine) > nearMaxRunes {
					for i := range these {
						if relevant = distance(mine, of(i), 2) <= 2; relevant {
							break
						}
					}
				} else {
					idx.candidates(f.keys.seed, mine, func(i int32) {
						relevant = relevant || distance(mine, of(int(i)), 2) <= 2
					})
				}
				if relevant {
					near[u.seq/64] |= 1 << (u.seq % 64)
				}
			}
		}
	}
	return near, nil
}

// nearFew is the number of new rows of a name up to which the users of that name are
// compared with each of them, without an index.
const nearFew = nearDirect / 4

// nearFew reports whether a new user's row of the same name has a user name within two
// edits of login, for a name of at most nearFew new rows (else false: see nearUsers).
func (f *freshFilter) nearFew(login, given, family, full string) bool {
	if f.key = appendPersonKey(f.key[:0], given, family, full); len(f.key) == 0 {
		return false
	}
	g := f.persons[maphash.Bytes(f.keys.seed, f.key)|1]
	if g == nil || len(g.rows) > nearFew {
		return false
	}
	mine := strings.ToLower(login)
	for _, j := range g.rows {
		if distance(mine, mapping.LoginKey(f.keys.login(j)), 2) <= 2 {
			return true
		}
	}
	return false
}

// nearHeld is the number of keys of the new rows' user names of one name pick indexes at
// a time (6 bytes each, and 8 more while they are sorted).
const nearHeld = 4 << 20

// freshFilter is pick's filter: of the rows that update no existing user (new users), the
// user-name keys (mapping.LoginKey) hashed, and by name their user names, indexed as
// near.go does once a name has many rows.
type freshFilter struct {
	keys    *rowKeys
	folded  []uint64
	persons map[uint64]*freshNamed
	key     []byte
}

type freshNamed struct {
	rows []int32 // of rowKeys
}

func newFreshFilter(keys *rowKeys) *freshFilter {
	f := &freshFilter{keys: keys, persons: map[uint64]*freshNamed{}}
	for j := range int32(keys.len()) {
		if keys.found[j] {
			continue
		}
		f.folded = append(f.folded, maphash.String(keys.seed, mapping.LoginKey(keys.login(j))))
		if p := keys.person[j]; p != 0 {
			n := f.persons[p]
			if n == nil {
				n = &freshNamed{}
				f.persons[p] = n
			}
			n.rows = append(n.rows, j)
		}
	}
	slices.Sort(f.folded)
	f.folded = slices.Clone(slices.Compact(f.folded))
	return f
}

// sameLogin reports whether a new user's row may have login, ignoring case.
func (f *freshFilter) sameLogin(login string) bool {
	if login == "" {
		return false
	}
	_, ok := slices.BinarySearch(f.folded, maphash.String(f.keys.seed, mapping.LoginKey(login)))
	return ok
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
