package plan

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"io"
	"iter"
	"os"
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
	f := newFilter(slices.Values(rows), nil, false)
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
	// sameName makes a user of a row's name relevant whatever its user name: the
	// distance is left to a later filter, and persons hold no user names.
	sameName bool
	key      []byte // named's buffer for a person's key
}

type named struct {
	logins []string
	idx    *nearIndex
}

// newFilter returns the filter of the rows for which use is true (nil: all rows); with
// sameName, one that keeps every user of a row's name (see filter.sameName).
func newFilter(rows iter.Seq[Row], use func(*Row) bool, sameName bool) *filter {
	f := &filter{logins: map[string]bool{}, emails: map[string]bool{}, persons: map[string]*named{}, seed: maphash.MakeSeed(), sameName: sameName}
	for row := range rows {
		r := &row
		if use != nil && !use(r) {
			continue
		}
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
			if !sameName {
				n.logins = append(n.logins, strings.ToLower(r.Login))
			}
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
	if n == nil || f.sameName {
		return n != nil
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
	spill   *spill
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
		k.spill = newSpill()
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
	// The search for user names within two edits indexes the new users' user names by
	// name, some 40 keys of 6 bytes a user name: 160 MB for 666,666 new rows. Past
	// nearHeld keys, the names are indexed a part at a time, each part in a pass of its
	// own over the file that marks the users near a row, before the pass that keeps them.
	var near []uint64 // a bit per record, of the passes
	held := cmpOr(k.nearHeld, nearHeld)
	if parts := (f.variants + held - 1) / held; parts > 1 {
		near = make([]uint64, (sp.n+63)/64)
		for part := range uint64(parts) {
			i := 0
			err := sp.each(func(r string) {
				login, given, family, full, _ := recordNames(r)
				if f.near(login, given, family, full, func(p uint64) bool { return p%uint64(parts) == part }) {
					near[i/64] |= 1 << (i % 64)
				}
				i++
			})
			if err != nil {
				return err
			}
			f.drop()
		}
	}
	i := 0
	return sp.each(func(r string) {
		login, given, family, full, rest := recordNames(r)
		keep := false
		k.keys.each(strings.TrimSpace(login), false, func(j int32) bool {
			keep = k.keys.found[j]
			return !keep
		})
		keep = keep || f.sameLogin(login)
		var isNear bool
		if near != nil {
			isNear = near[i/64]&(1<<(i%64)) != 0
		} else {
			isNear = f.near(login, given, family, full, nil)
		}
		i++
		keep = keep || isNear
		for n := rest.count(); n > 0 && !keep; n-- {
			keep = k.keys.hasEmail(strings.ToLower(strings.TrimSpace(rest.next())))
		}
		if keep {
			k.recs.addString(r)
			k.near = append(k.near, isNear)
		}
	})
}

// nearHeld is the number of keys of the new rows' user names pick indexes at a time
// (6 bytes each, and 8 more while one name is indexed).
const nearHeld = 4 << 20

// freshFilter is pick's filter: of the rows that update no existing user (new users), the
// user-name keys (mapping.LoginKey) hashed, and by name their user names, indexed as
// near.go does once a name has many rows.
type freshFilter struct {
	keys    *rowKeys
	folded  []uint64
	persons map[uint64]*freshNamed
	key     []byte
	// variants is the number of keys indexing every name's user names takes.
	variants int
}

type freshNamed struct {
	rows []int32 // of rowKeys
	idx  *nearIndex
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
			if r := utf8.RuneCountInString(keys.login(j)); r <= nearMaxRunes {
				f.variants += nVariants(r)
			}
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

// near reports whether a new user's row of the same name has a user name within two edits
// of login, as the planner compares them (the row's mapping.LoginKey, the user's in
// lower case); false for a name whose hash part (nil: all) does not take.
func (f *freshFilter) near(login, given, family, full string, part func(uint64) bool) bool {
	f.key = appendPersonKey(f.key[:0], given, family, full)
	if len(f.key) == 0 {
		return false
	}
	h := maphash.Bytes(f.keys.seed, f.key) | 1
	if part != nil && !part(h) {
		return false
	}
	n := f.persons[h]
	if n == nil {
		return false
	}
	mine := strings.ToLower(login)
	rowLogin := func(i int) string { return mapping.LoginKey(f.keys.login(n.rows[i])) }
	if n.idx == nil && len(n.rows) > nearDirect/4 {
		n.idx = buildNear(f.keys.seed, len(n.rows), rowLogin)
	}
	relevant := false
	if n.idx == nil || utf8.RuneCountInString(mine) > nearMaxRunes {
		for i := range n.rows {
			if relevant = distance(mine, rowLogin(i), 2) <= 2; relevant {
				break
			}
		}
	} else {
		n.idx.candidates(f.keys.seed, mine, func(i int32) {
			relevant = relevant || distance(mine, rowLogin(int(i)), 2) <= 2
		})
	}
	return relevant
}

// drop lets go of the indexes made.
func (f *freshFilter) drop() {
	for _, n := range f.persons {
		n.idx = nil
	}
}

// spill is the temporary file Kept writes records to, each preceded by its length.
type spill struct {
	f      *os.File
	w      *bufio.Writer
	remove string // the file's name, where it could not be removed while open
	n      int
	err    error
}

func newSpill() *spill {
	sp := &spill{}
	f, err := os.CreateTemp("", "odmadmin-plan-*")
	if err != nil {
		sp.err = fmt.Errorf("plan: a temporary file for the existing users: %w", err)
		return sp
	}
	sp.f, sp.w = f, bufio.NewWriterSize(f, 64<<10)
	// Removed now where the system allows it, so that nothing is left behind however
	// the process ends.
	if os.Remove(f.Name()) != nil {
		sp.remove = f.Name()
	}
	return sp
}

func (sp *spill) write(rec []byte) {
	if sp.err != nil {
		return
	}
	// The length a byte at a time: an array written with Write would escape, an
	// allocation a record.
	for v := uint64(len(rec)); ; v >>= 7 {
		if v < 0x80 {
			sp.w.WriteByte(byte(v))
			break
		}
		sp.w.WriteByte(byte(v) | 0x80)
	}
	if _, err := sp.w.Write(rec); err != nil {
		sp.err = fmt.Errorf("plan: writing the existing users to a temporary file: %w", err)
	}
	sp.n++
}

// each calls f with each record written, in order.
func (sp *spill) each(f func(string)) error {
	if sp.err != nil {
		return sp.err
	}
	if err := sp.w.Flush(); err != nil {
		return fmt.Errorf("plan: writing the existing users to a temporary file: %w", err)
	}
	if _, err := sp.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("plan: reading the existing users from a temporary file: %w", err)
	}
	br := bufio.NewReaderSize(sp.f, 64<<10)
	var buf []byte
	for i := 0; i < sp.n; i++ {
		n, err := binary.ReadUvarint(br)
		if err == nil {
			buf = slices.Grow(buf[:0], int(n))[:n]
			_, err = io.ReadFull(br, buf)
		}
		if err != nil {
			return fmt.Errorf("plan: reading the existing users from a temporary file: %w", err)
		}
		f(string(buf))
	}
	return nil
}

func (sp *spill) close() error {
	if sp.f == nil {
		return nil
	}
	err := sp.f.Close()
	if sp.remove != "" {
		if rerr := os.Remove(sp.remove); err == nil {
			err = rerr
		}
	}
	sp.f = nil
	return err
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
