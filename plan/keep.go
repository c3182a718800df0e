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
// compared with no other but the users of its e-mail address (emailOfOtherUser).
// What Kept holds while the export is read is so the rows' keys, not an index of their
// user names nor a record of any user; after it, a record each of the users planned
// against, in blocks that records share: no heap object per user, and a few bytes beside
// its values (where a kept *mapping.User was some 770).
type Kept struct {
	rows *Rows
	f    *filter
	// exact are the rows' user names, each with its place in found: whether a user of
	// that user name was read.
	exact map[string]int32
	found []bool
	spill *spill
	recs  records
	done  bool
	// roles are the folded role names of every user read, envs their environments;
	// names are the role names as read, so that each is folded once.
	roles map[string]bool
	names map[string]bool
	envs  map[mapping.Environment]bool
	buf   []byte
}

// NewKept returns an empty Kept for the rows of an upload. Close removes its temporary
// file; Each does when it has read it.
func NewKept(rows *Rows) *Kept {
	k := &Kept{rows: rows, f: newFilter(rows.All(), nil, true), exact: map[string]int32{},
		roles: map[string]bool{}, names: map[string]bool{}, envs: map[mapping.Environment]bool{}}
	for r := range rows.All() {
		if _, ok := k.exact[r.Login]; !ok && r.Login != "" {
			k.exact[r.Login] = int32(len(k.found))
			k.found = append(k.found, false)
		}
	}
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
	if !k.f.user(u) {
		return nil
	}
	if i, ok := k.exact[strings.TrimSpace(u.Login)]; ok {
		k.found[i] = true
	}
	if k.spill == nil {
		k.spill = newSpill()
	}
	k.buf = appendRecord(k.buf[:0], u)
	k.spill.write(k.buf)
	return nil
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
	if err := k.pick(); err != nil {
		return err
	}
	return each(existing, k, k.rows.All(), k.rows.total, opts, f)
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
	// Of a row that updates a user, the users with its e-mail address are kept too: the
	// row may give that user another user's address (emailOfOtherUser). They were written
	// while the export was read; only their records stay.
	emails := k.f.emails
	k.f = nil
	if k.spill == nil {
		return nil
	}
	sp := k.spill
	k.spill = nil
	defer sp.close()
	f := newFilter(k.rows.All(), func(r *Row) bool {
		i, ok := k.exact[r.Login]
		return ok && !k.found[i]
	}, false)
	return sp.each(func(r string) {
		login, given, family, full, rest := recordNames(r)
		keep := false
		if i, ok := k.exact[strings.TrimSpace(login)]; ok && k.found[i] {
			keep = true
		}
		keep = keep || f.named(login, given, family, full)
		for n := rest.count(); n > 0 && !keep; n-- {
			keep = emails[strings.ToLower(strings.TrimSpace(rest.next()))]
		}
		if keep {
			k.recs.addString(r)
		}
	})
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
