package plan

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"iter"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/odmadmin/odmadmin/diff"
	"github.com/odmadmin/odmadmin/internal/brief"
	"github.com/odmadmin/odmadmin/internal/ctxio"
	"github.com/odmadmin/odmadmin/mapping"
)

// Code identifies a kind of warning. Codes are stable; messages may change.
type Code string

const (
	PossibleDuplicateAccount Code = "possibleDuplicateAccount"
	UsernameChange           Code = "usernameChange"
	EndDateBeforeStartDate   Code = "endDateBeforeStartDate"
	UnknownRole              Code = "unknownRole"
	UnknownSite              Code = "unknownSite"
	DuplicateRow             Code = "duplicateRow"
	TooManyRows              Code = "tooManyRows"
	MissingValue             Code = "missingValue"
	InvalidDate              Code = "invalidDate"
	TwoDigitYear             Code = "twoDigitYear"
	ValueWithoutColumn       Code = "valueWithoutColumn"
	EmailChange              Code = "emailChange"
	EmailOfOtherUser         Code = "emailOfOtherUser"
	SiteRoleWithoutSite      Code = "siteRoleWithoutSite"
	InexactNumber            Code = "inexactNumber"
)

// Codes lists every warning code in a stable order.
func Codes() []Code {
	return []Code{PossibleDuplicateAccount, UsernameChange, EndDateBeforeStartDate, UnknownRole, UnknownSite,
		DuplicateRow, TooManyRows, MissingValue, InvalidDate, TwoDigitYear, ValueWithoutColumn, EmailChange, EmailOfOtherUser, SiteRoleWithoutSite, InexactNumber}
}

// Warning is a problem with one row. The message names users by login only.
type Warning struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

// Kind is what uploading a row does.
type Kind string

const (
	Create    Kind = "create"
	Update    Kind = "update"
	Unchanged Kind = "unchanged"
)

// Change is one value a row sets: a profile field (givenName, familyName, email, login) or,
// with Where naming the study, environment and site as "STUDY (ENV)-SITE", the role,
// startDate, endDate or depots of an assignment. An empty New in a role change is access
// the upload removes.
type Change struct {
	Field string `json:"field"`
	Where string `json:"where,omitempty"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Action is what uploading one row does.
type Action struct {
	Row      int       `json:"row"`
	Action   Kind      `json:"action"`
	User     string    `json:"user"`
	Changes  []Change  `json:"changes"`
	Warnings []Warning `json:"warnings"`
}

// Plan is the outcome of an upload, row by row.
type Plan struct {
	Actions []Action `json:"actions"`
}

// Warnings returns the number of warnings of all rows.
func (p *Plan) Warnings() int {
	n := 0
	for _, a := range p.Actions {
		n += len(a.Warnings)
	}
	return n
}

// DefaultMaxRows is the Clinical One template's guidance on rows per upload.
const DefaultMaxRows = 600

// Options configure Make. The zero value is ready to use.
type Options struct {
	// Context, when set, stops Make once it is cancelled; Make then returns ctx.Err().
	// Default (nil): never cancelled.
	Context context.Context
	// Study is the study the upload is for. Default: the export's only study (Make fails
	// when the export has several). A study the export does not have is an error
	// wrapping ErrUnknownStudy, unless the export names no study at all.
	Study string
	// Training uploads "to training mode": each Production assignment is also a Training
	// assignment. Default: false.
	Training bool
	// AllowRenames says the target lets an upload change a user name: a row whose e-mail
	// address and name belong to an existing user with another user name updates that
	// user's login instead of warning usernameChange. Default: false (no vendor allows it).
	AllowRenames bool
	// MaxRows is the number of rows past which tooManyRows is reported. Default (0):
	// DefaultMaxRows. Negative: no limit.
	MaxRows int
}

// Make plans the upload of rows against the existing users.
func Make(existing *mapping.Directory, rows []Row, opts Options) (*Plan, error) {
	plan := &Plan{Actions: []Action{}}
	err := Each(existing, rows, opts, func(a Action) error {
		plan.Actions = append(plan.Actions, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return plan, nil
}

// Each plans the upload as Make does, calling f with each row's action in row order
// instead of holding them all (an upload of a million rows makes a million actions); it
// stops at f's first error and returns it. Before the first call it fails only as Make
// fails (the study, the context).
func Each(existing *mapping.Directory, rows []Row, opts Options, f func(Action) error) error {
	total := 0
	for _, r := range rows {
		if !r.Blank {
			total++
		}
	}
	return each(existing, nil, slices.Values(rows), total, opts, f)
}

// each is Each against the users of existing and of kept (nil: none), of the rows
// (total of them not blank).
func each(existing *mapping.Directory, kept *Kept, rows iter.Seq[Row], total int, opts Options, f func(Action) error) error {
	if existing == nil {
		existing = &mapping.Directory{}
	}
	// Checked before anything, so that a context cancelled before the call fails Make
	// also for an upload of no row.
	if opts.Context != nil {
		if err := opts.Context.Err(); err != nil {
			return err
		}
	}
	study, err := pickStudy(existing, opts.Study)
	if err != nil {
		return err
	}
	p := newPlanner(existing, kept, study, opts)
	max := opts.MaxRows
	if max == 0 {
		max = DefaultMaxRows
	}
	counted := 0
	check := ctxio.Check(opts.Context, 256)
	keyed := int32(-1) // the row's place among the rows with a user name (rowKeys)
	for r := range rows {
		if err := check(); err != nil {
			return err
		}
		if r.Login != "" {
			keyed++
		}
		if r.Blank {
			continue
		}
		counted++
		a := p.row(r, keyed)
		if max > 0 && counted == max+1 {
			a.Warnings = append(a.Warnings, Warning{TooManyRows, fmt.Sprintf(
				"the upload has %d rows; the template's guidance is at most %d per upload, so split it (this is the first row past the limit)", total, max)})
		}
		if err := f(a); err != nil {
			return err
		}
	}
	return nil
}

// ErrUnknownStudy is wrapped by the error of Make and Each when Options.Study names a
// study the export has none of.
var ErrUnknownStudy = errors.New("the export has no such study")

// pickStudy returns the study the upload is for.
func pickStudy(d *mapping.Directory, want string) (string, error) {
	var ids []string
	for _, s := range d.Studies {
		if s != nil && s.Parent == "" && s.ID != "" && !slices.Contains(ids, s.ID) {
			ids = append(ids, s.ID)
		}
	}
	if want != "" {
		// A study the export does not have matches none of its users' access, so every
		// row would be planned as a new user: a mistyped --study, not an upload to plan.
		// An export that names no study (a table read without one) cannot say.
		if len(ids) > 0 && !slices.Contains(ids, want) {
			slices.Sort(ids)
			return "", fmt.Errorf("plan: study %q: %w (it has %s)", want, ErrUnknownStudy, brief.List(ids, 20))
		}
		return want, nil
	}
	switch len(ids) {
	case 0:
		return "", nil
	case 1:
		return ids[0], nil
	}
	slices.Sort(ids)
	return "", errors.New("plan: the export has several studies (" + brief.List(ids, 20) + "); say which one the upload is for")
}

// planner holds the indexes of the existing directory.
type planner struct {
	opts    Options
	study   string
	foreign bool // the export is of another vendor than the template: compare canonical roles
	dates   bool // the export holds assignment dates and depots
	envs    map[mapping.Environment]bool
	// users are the existing users, one record each (record.go); the indexes below hold
	// their positions in it.
	users records
	// byLogin, byFold and byEmail index the users by user name (trimmed), by
	// mapping.LoginKey and by e-mail address (lower case, trimmed), hashed: a look-up
	// compares the users a hash leads to (userIndex), 8 bytes a key where maps of strings
	// took some 60 and a string each.
	byLogin, byFold, byEmail hashIndex
	byName                   map[string]*nearGroup // by personKey
	seed                     maphash.Seed
	// nearDirect and nearSearches are the constants of the same names; tests lower them
	// to run the index on small inputs.
	nearDirect, nearSearches int
	// compared counts the user names near has compared with an edit distance, so that a
	// test can show the work per row does not grow with the size of a same-name group.
	compared int
	roles    map[string]bool // folded role names the export uses
	seen     map[string]int  // lower-case login → first row, of rows not in keys
	// keys, when set, are the keys of the rows (Kept's): the first row of a user name is
	// found there instead of in seen.
	keys *rowKeys
	// claimed is the first row that updates each existing user (by its position in
	// users), under its own user name or, with AllowRenames, under a new one, plus one;
	// 0 for none.
	claimed []int32

	// sites finds the export's sites by OID, number or name: the one resolver diff and
	// odmtest use too (mapping.AlignTo).
	sites *mapping.SiteIndex
	// siteLabels names the export's sites in changes as diff names them (diff.SiteLabels:
	// the name, as the audit log does), by ID.
	siteLabels map[string]string
	// studyLabel names the study in changes as diff does (diff.StudyLabels).
	studyLabel string
}

func newPlanner(d *mapping.Directory, kept *Kept, study string, opts Options) *planner {
	p := &planner{
		opts: opts, study: study, envs: map[mapping.Environment]bool{mapping.EnvProduction: true},
		byName: map[string]*nearGroup{}, seed: maphash.MakeSeed(), nearDirect: nearDirect, nearSearches: nearSearches, sites: mapping.NewSiteIndex(d), roles: map[string]bool{}, seen: map[string]int{},
		siteLabels: diff.SiteLabels(d), studyLabel: study,
	}
	if n, ok := diff.StudyLabels(d)[study]; ok {
		p.studyLabel = n
	}
	var prof mapping.Profile
	if d.Source != nil {
		prof = d.Source.Vendor
	}
	p.foreign = prof != "" && prof != mapping.ProfileClinicalOne
	p.dates = !p.foreign
	for _, u := range d.Users {
		if u != nil {
			p.users.add(u)
		}
	}
	// Of kept users, only those a new user's row may be a typo of are indexed by name.
	named := func(int) bool { return true }
	if kept != nil {
		p.keys = kept.keys
		dir := len(p.users.list)
		named = func(i int) bool { return i < dir || kept.near[i-dir] }
		p.users.list = append(p.users.list, kept.recs.list...)
		for r := range kept.roles {
			p.roles[r] = true
		}
		for e := range kept.envs {
			p.envs[e] = true
		}
	}
	n := len(p.users.list)
	p.claimed = make([]int32, n)
	p.byLogin = newHashIndex(n, func(i int) uint64 {
		return maphash.String(p.seed, strings.TrimSpace(recordLogin(p.users.list[i])))
	})
	p.byFold = newHashIndex(n, func(i int) uint64 {
		return maphash.String(p.seed, mapping.LoginKey(recordLogin(p.users.list[i])))
	})
	var emails []uint64
	var u mapping.User
	p.byEmail = hashIndex{bits: uint(max(1, bits.Len(uint(n))))}
	low := uint64(1)<<p.byEmail.bits - 1
	for i, rec := range p.users.list {
		decodeRecord(&u, rec)
		for _, e := range u.Emails {
			if k := strings.ToLower(strings.TrimSpace(e)); k != "" {
				emails = append(emails, maphash.String(p.seed, k)&^low|uint64(i))
			}
		}
	}
	// A user is listed once under an address however often it repeats it.
	slices.Sort(emails)
	p.byEmail.keys = slices.Clip(slices.Compact(emails))
	for i, rec := range p.users.list {
		decodeRecord(&u, rec)
		at := int32(i)
		if k := personKey(u.GivenName, u.FamilyName, u.FullName); k != "" && named(i) {
			g := p.byName[k]
			if g == nil {
				g = &nearGroup{}
				p.byName[k] = g
			}
			g.users = append(g.users, at)
		}
		for _, a := range u.Assignments {
			if a.Role.Name != "" {
				p.roles[fold(a.Role.Name)] = true
			}
			if a.Environment != "" {
				p.envs[a.Environment] = true
			}
		}
	}
	return p
}

// userByLogin is the first user whose user name (trimmed) is login; false for none.
func (p *planner) userByLogin(login string) (int32, bool) {
	at := int32(-1)
	if login == "" {
		return at, false
	}
	p.byLogin.each(maphash.String(p.seed, login), func(i int32) bool {
		if strings.TrimSpace(p.login(i)) == login {
			at = i
			return false
		}
		return true
	})
	return at, at >= 0
}

// byFoldAll calls f with the users whose user name (not empty) has mapping.LoginKey key,
// in order.
func (p *planner) byFoldAll(key string, f func(int32)) {
	p.byFold.each(maphash.String(p.seed, key), func(i int32) bool {
		if l := p.login(i); strings.TrimSpace(l) != "" && mapping.LoginKey(l) == key {
			f(i)
		}
		return true
	})
}

// byEmailAll calls f with the users who have e-mail address key (lower case, trimmed),
// in order.
func (p *planner) byEmailAll(key string, f func(int32)) {
	p.byEmail.each(maphash.String(p.seed, key), func(i int32) bool {
		_, _, _, _, rest := recordNames(p.users.list[i])
		for n := rest.count(); n > 0; n-- {
			if strings.ToLower(strings.TrimSpace(rest.next())) == key {
				f(i)
				break
			}
		}
		return true
	})
}

// firstRow is the number of the first row before this one (of rows, the keyed-th with a
// user name) whose user name has mapping.LoginKey fl; false for none. Without keys, it
// remembers this row for the later ones.
func (p *planner) firstRow(r *Row, fl string, keyed int32) (int, bool) {
	if p.keys == nil {
		if first, ok := p.seen[fl]; ok {
			return first, true
		}
		p.seen[fl] = r.Number
		return 0, false
	}
	first := -1
	p.keys.each(r.Login, true, func(j int32) bool {
		if j >= keyed {
			return false
		}
		if !p.keys.blank[j] {
			first = int(p.keys.num[j])
			return false
		}
		return true
	})
	return first, first >= 0
}

// user returns existing user i as a *mapping.User of the values compared.
func (p *planner) user(i int32) *mapping.User {
	u := &mapping.User{}
	decodeRecord(u, p.users.list[i])
	return u
}

// login is the user name of existing user i.
func (p *planner) login(i int32) string { return recordLogin(p.users.list[i]) }

// collapse trims s and turns each run of white space into one space.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// nameKey folds a name for look-up: letter case and runs of white space do not matter.
func nameKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// personKey is the name two records of one person share: given and family name, else the
// full name.
func personKey(given, family, full string) string {
	var buf [64]byte
	return string(appendPersonKey(buf[:0], given, family, full))
}

// appendPersonKey appends personKey(given, family, full) to dst. A caller that only looks
// the key up in a map (filter.named, for each user of the export) so makes no string.
func appendPersonKey(dst []byte, given, family, full string) []byte {
	n := len(dst)
	if dst = appendNameKey(dst, given, family); len(dst) > n {
		return dst
	}
	return appendNameKey(dst, full, "")
}

// appendNameKey appends nameKey(a + " " + b) to dst in one pass, without a string made:
// white space as strings.Fields splits (unicode.IsSpace), letters lowered as
// strings.ToLower lowers them (unicode.ToLower; a byte that is not UTF-8 becomes U+FFFD).
// (nameKey's three calls made three strings, a sixth of plan's CPU at 1,000,000 existing
// users; names past ASCII went through it until a million users of such names were
// keyed twice each, some 6% of a plan of a thousand rows.)
func appendNameKey(dst []byte, a, b string) []byte {
	start := len(dst)
	space := false // white space since the last letter written
	for _, s := range [2]string{a, b} {
		for i := 0; i < len(s); {
			c := s[i]
			if c >= utf8.RuneSelf {
				r, w := utf8.DecodeRuneInString(s[i:])
				i += w
				if unicode.IsSpace(r) {
					space = true
					continue
				}
				if space && len(dst) > start {
					dst = append(dst, ' ')
				}
				space = false
				dst = utf8.AppendRune(dst, unicode.ToLower(r))
				continue
			}
			i++
			// unicode.IsSpace within ASCII, as strings.Fields splits.
			if c == ' ' || '\t' <= c && c <= '\r' {
				space = true
				continue
			}
			if space && len(dst) > start {
				dst = append(dst, ' ')
			}
			space = false
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		}
		space = true // the space between a and b
	}
	return dst
}

func (p *planner) row(r Row, keyed int32) Action {
	a := Action{Row: r.Number, User: r.Login, Changes: []Change{}, Warnings: append([]Warning{}, r.Warnings...)}
	warn := func(c Code, msg string) { a.Warnings = append(a.Warnings, Warning{c, msg}) }
	fl := mapping.LoginKey(r.Login)
	repeated := false
	if r.Login != "" {
		if first, ok := p.firstRow(&r, fl, keyed); ok {
			repeated = true
			warn(DuplicateRow, "the user name is also on row "+strconv.Itoa(first)+"; the template takes one row per user")
		}
	}
	want := p.desired(r, warn)
	if len(want) == 0 && !slices.ContainsFunc(a.Warnings, func(w Warning) bool { return w.Code == MissingValue || w.Code == SiteRoleWithoutSite }) {
		// A directory row (a template row names a Study Role, or is warned about) with no
		// access in the plan's study: planned as it is, an account with no role here.
		var others []string
		for _, x := range r.Assignments {
			if s := strings.TrimSpace(x.Study); s != "" && s != p.study && !slices.Contains(others, s) {
				others = append(others, s)
			}
		}
		msg := "the user has no access, so the row has no Study Role"
		if p.study != "" {
			msg = "the user has no access in study " + strconv.Quote(p.study) + ", so the row has no Study Role"
		}
		if len(others) > 0 {
			msg += "; its access in " + strings.Join(others, ", ") + " is not part of this plan"
		}
		warn(MissingValue, msg)
	}

	var u *mapping.User
	idx := int32(-1)
	if i, ok := p.userByLogin(r.Login); ok {
		u, idx = p.user(i), i
		p.emails(r, i, u, warn)
	}
	rename := false
	if u == nil && r.Login != "" {
		idx, u, rename = p.lookalikes(r, warn)
	}
	if u != nil {
		// One existing account, updated by two rows under two user names: one of them
		// renames it (AllowRenames), so after the upload the other name is no one's.
		if first := p.claimed[idx]; first == 0 {
			p.claimed[idx] = int32(min(r.Number, 1<<31-2)) + 1
		} else if !repeated {
			warn(DuplicateRow, "row "+strconv.Itoa(int(first)-1)+" also updates existing user "+p.login(idx)+
				", under another user name (a rename); the template takes one row per user")
		}
	}
	if u == nil {
		a.Action = Create
		a.Changes = p.changes(r, nil, want, false)
		return a
	}
	a.Changes = p.changes(r, u, want, rename)
	a.Action = Update
	if len(a.Changes) == 0 {
		a.Action = Unchanged
	}
	return a
}

// desired returns the row's assignments in the study with their sites resolved, each
// Production one doubled into Training in training mode; it warns about unknown roles
// and sites and reversed dates. A site-level role that names no site is left out and
// warned about (siteRoleWithoutSite).
func (p *planner) desired(r Row, warn func(Code, string)) []mapping.Assignment {
	var out []mapping.Assignment
	warnedSite := map[string]bool{}
	warnedRole := map[string]bool{}
	warnedSiteless := map[string]bool{}
	reversed := false
	for _, a := range r.Assignments {
		a.Study = strings.TrimSpace(a.Study)
		if a.Study == "" {
			a.Study = p.study
		} else if p.study != "" && a.Study != p.study {
			continue
		}
		if a.Environment == "" {
			a.Environment = mapping.EnvProduction
		}
		siteless := false
		if site := strings.TrimSpace(a.Site); site != "" {
			id, ok := p.site(site)
			if !ok && !warnedSite[site] {
				warnedSite[site] = true
				warn(UnknownSite, "site "+strconv.Quote(site)+" is not in the export (no site has that OID, number or name)")
			}
			a.Site, a.Scope = id, mapping.ScopeSite
		} else {
			// A site-level role whose site the row does not name (a directory upload made
			// from an OpenClinica 4 user table, which has no site column): without a site
			// it was planned as access to the whole study, every site. It is left out, as
			// the Clinical One template writer leaves it out, and reported.
			siteless = a.Scope == mapping.ScopeSite
			a.Site, a.Scope = "", mapping.ScopeStudy
		}
		if name := strings.TrimSpace(a.Role.Name); name != "" && !warnedRole[fold(name)] && !p.knownRole(name) {
			warnedRole[fold(name)] = true
			warn(UnknownRole, "study role "+strconv.Quote(name)+" is not used in the export and is not a role name the vocabulary knows")
		}
		if siteless {
			name := strings.TrimSpace(a.Role.Name)
			if name == "" {
				name = string(a.Role.Canonical)
			}
			if !warnedSiteless[fold(name)] {
				warnedSiteless[fold(name)] = true
				warn(SiteRoleWithoutSite, "study role "+strconv.Quote(name)+" is a site-level role, but the row does not say at which site: "+
					"for the whole study (Sites All) it would be granted at every site, so it is left out of the plan; give the row the user's sites")
			}
			continue
		}
		if a.From != "" && a.To != "" && a.To < a.From && !reversed {
			reversed = true
			warn(EndDateBeforeStartDate, "the end date "+a.To+" is before the start date "+a.From)
		}
		out = append(out, a)
		if p.opts.Training && a.Environment == mapping.EnvProduction {
			t := a
			t.Environment = mapping.EnvTraining
			out = append(out, t)
		}
	}
	// One assignment per place and role.
	slices.SortStableFunc(out, func(x, y mapping.Assignment) int { return cmpAssignment(x, y) })
	return slices.CompactFunc(out, func(x, y mapping.Assignment) bool { return x.Equal(y) })
}

func cmpAssignment(x, y mapping.Assignment) int {
	return cmp.Or(cmp.Compare(x.Environment, y.Environment), strings.Compare(x.Site, y.Site),
		strings.Compare(fold(x.Role.Name), fold(y.Role.Name)), strings.Compare(x.From, y.From), strings.Compare(x.To, y.To))
}

func (p *planner) site(s string) (string, bool) { return p.sites.Resolve(s) }

func (p *planner) knownRole(name string) bool {
	if p.roles[fold(name)] {
		return true
	}
	return mapping.RoleFor(mapping.ProfileClinicalOne, name, mapping.ScopeSite).Canonical != mapping.RoleOther
}

// lookalikes looks for existing users a new user name may duplicate. It returns the user
// to update when renames are allowed and the row is that user renamed.
func (p *planner) lookalikes(r Row, warn func(Code, string)) (int32, *mapping.User, bool) {
	reported := map[int32]bool{}
	login := mapping.LoginKey(r.Login)
	p.byFoldAll(login, func(i int32) {
		reported[i] = true
		warn(PossibleDuplicateAccount, "the user name differs from existing user "+p.login(i)+" only in letter case; the upload creates a second account")
	})
	person := personKey(r.GivenName, r.FamilyName, "")
	var byEmail []int32
	for _, e := range r.Emails {
		p.byEmailAll(strings.ToLower(strings.TrimSpace(e)), func(i int32) {
			if !slices.Contains(byEmail, i) {
				byEmail = append(byEmail, i)
			}
		})
	}
	slices.SortFunc(byEmail, func(x, y int32) int { return strings.Compare(p.login(x), p.login(y)) })
	for _, i := range byEmail {
		if reported[i] {
			continue
		}
		reported[i] = true
		ulogin, given, family, full, _ := recordNames(p.users.list[i])
		samePerson := person != "" && person == personKey(given, family, full)
		switch {
		case samePerson && p.opts.AllowRenames:
			return i, p.user(i), true
		case samePerson:
			warn(UsernameChange, "the e-mail address and name belong to existing user "+ulogin+
				"; user names cannot be changed, so the upload creates a new account instead of renaming "+ulogin)
		default:
			warn(PossibleDuplicateAccount, "the e-mail address belongs to existing user "+ulogin+"; a new user name creates a second account")
		}
	}
	// A user name a typo away from that of someone with the same name (someone with the
	// same e-mail address is reported above).
	if person == "" {
		return -1, nil, false
	}
	g := p.byName[person]
	if g == nil {
		return -1, nil, false
	}
	near, dist := p.near(g, login)
	for j, i := range near {
		if reported[i] {
			continue
		}
		if d := dist[j]; d <= 2 {
			reported[i] = true
			warn(PossibleDuplicateAccount, fmt.Sprintf("the user name is %d %s from existing user %s with the same name; the upload creates a second account",
				d, plural(d, "edit", "edits"), p.login(i)))
		}
	}
	return -1, nil, false
}

// emails warns about the e-mail addresses row r gives existing user u (number i) that u
// does not have (ignoring letter case): one that is another existing user's, and any other
// change of an existing account's address, which a typo makes as easily as a real change
// (Oracle Clinical One, "About the User Upload template": "If you mistype an email or user
// name for an existing account, it may result in the creation of a new account").
func (p *planner) emails(r Row, i int32, u *mapping.User, warn func(Code, string)) {
	for _, e := range r.Emails {
		k := strings.ToLower(strings.TrimSpace(e))
		if k == "" || slices.ContainsFunc(u.Emails, func(h string) bool { return strings.EqualFold(strings.TrimSpace(h), k) }) {
			continue
		}
		var others []string
		p.byEmailAll(k, func(j int32) {
			if j != i {
				others = append(others, p.login(j))
			}
		})
		if len(others) > 0 {
			slices.Sort(others)
			warn(EmailOfOtherUser, "the e-mail address belongs to existing user "+brief.List(slices.Compact(others), 5)+
				"; the upload gives it to "+r.Login+" as well (is it the address, or the user name, that is mistyped?)")
			continue
		}
		if len(u.Emails) == 0 {
			continue // an address added to an account that has none changes nothing it had
		}
		near := 3
		for _, h := range u.Emails {
			near = min(near, distance(k, strings.ToLower(strings.TrimSpace(h)), 2))
		}
		if near <= 2 {
			warn(EmailChange, fmt.Sprintf("the upload changes the e-mail address of existing user %s to one %d %s from the current one: a typo?",
				r.Login, near, plural(near, "edit", "edits")))
		} else {
			warn(EmailChange, "the upload changes the e-mail address of existing user "+r.Login+"; check that the new one is meant")
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// changes lists what uploading row r changes for user u (nil: a new user).
func (p *planner) changes(r Row, u *mapping.User, want []mapping.Assignment, rename bool) []Change {
	out := []Change{}
	field := func(name, old, new string) {
		if new != "" && collapse(old) != collapse(new) {
			out = append(out, Change{Field: name, Old: old, New: new})
		}
	}
	var have []mapping.Assignment
	var emails []string
	cur := &mapping.User{}
	if u != nil {
		cur = u
		emails = u.Emails
		for _, a := range u.Assignments {
			if strings.TrimSpace(a.Study) == p.study && (p.envs[a.Environment] && (a.Environment == mapping.EnvProduction || p.knownEnv(want, a.Environment))) {
				a.Study, a.Site = strings.TrimSpace(a.Study), strings.TrimSpace(a.Site)
				have = append(have, a)
			}
		}
	}
	if rename {
		field("login", cur.Login, r.Login)
	}
	field("givenName", cur.GivenName, r.GivenName)
	field("familyName", cur.FamilyName, r.FamilyName)
	if len(r.Emails) > 0 && !sameEmails(emails, r.Emails) {
		out = append(out, Change{Field: "email", Old: strings.Join(emails, "; "), New: strings.Join(r.Emails, "; ")})
	}
	// For an existing user, access in an environment the export holds nothing of is unknown.
	if u != nil {
		kept := want[:0:0]
		for _, a := range want {
			if p.envs[a.Environment] {
				kept = append(kept, a)
			}
		}
		want = kept
	}
	return append(out, p.access(have, want)...)
}

// knownEnv reports whether the row asks for access in env.
func (p *planner) knownEnv(want []mapping.Assignment, env mapping.Environment) bool {
	for _, a := range want {
		if a.Environment == env {
			return true
		}
	}
	return false
}

func sameEmails(have, want []string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(w)) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// access compares assignments place by place (environment and site).
func (p *planner) access(have, want []mapping.Assignment) []Change {
	type place struct {
		env  mapping.Environment
		site string
	}
	group := map[place][2][]mapping.Assignment{}
	for i, list := range [][]mapping.Assignment{have, want} {
		for _, a := range list {
			k := place{a.Environment, a.Site}
			g := group[k]
			g[i] = append(g[i], a)
			group[k] = g
		}
	}
	places := make([]place, 0, len(group))
	for k := range group {
		places = append(places, k)
	}
	slices.SortFunc(places, func(x, y place) int { return cmp.Or(cmp.Compare(x.env, y.env), strings.Compare(x.site, y.site)) })
	var out []Change
	for _, k := range places {
		g := group[k]
		site := k.site
		if n, ok := p.siteLabels[site]; ok {
			site = n
		}
		where := diff.Label(mapping.Assignment{Study: p.studyLabel, Site: site, Environment: k.env})
		old, new := g[0], g[1]
		if len(old) == 0 || len(new) == 0 || !p.sameRoles(old, new) {
			out = append(out, Change{Field: "role", Where: where, Old: roleNames(old), New: roleNames(new)})
		}
		if len(new) == 0 || (!p.dates && len(old) > 0) {
			continue
		}
		var of, ot, od string
		if len(old) > 0 {
			of, ot, od = old[0].From, old[0].To, strings.Join(old[0].Depots, "; ")
		}
		nf, nt, nd := new[0].From, new[0].To, strings.Join(new[0].Depots, "; ")
		if of != nf {
			out = append(out, Change{Field: "startDate", Where: where, Old: of, New: nf})
		}
		if ot != nt {
			out = append(out, Change{Field: "endDate", Where: where, Old: ot, New: nt})
		}
		if !strings.EqualFold(od, nd) {
			out = append(out, Change{Field: "depots", Where: where, Old: od, New: nd})
		}
	}
	return out
}

// sameRoles reports whether two places hold the same roles: equal names (ignoring case and
// spaces), or for an export of another vendor the same canonical role. A place whose
// existing role is unknown (the export names none) counts as the same.
func (p *planner) sameRoles(old, new []mapping.Assignment) bool {
	for _, o := range old {
		if o.Role.Name == "" && o.Role.Canonical == "" {
			return true
		}
	}
	match := func(x, y mapping.Role) bool {
		if fold(x.Name) == fold(y.Name) {
			return true
		}
		return p.foreign && x.Canonical != "" && x.Canonical != mapping.RoleOther && x.Canonical == y.Canonical
	}
	covers := func(a, b []mapping.Assignment) bool {
		for _, x := range a {
			if !slices.ContainsFunc(b, func(y mapping.Assignment) bool { return match(x.Role, y.Role) }) {
				return false
			}
		}
		return true
	}
	return covers(old, new) && covers(new, old)
}

func roleNames(as []mapping.Assignment) string {
	var names []string
	for _, a := range as {
		n := strings.TrimSpace(a.Role.Name)
		if n == "" {
			n = string(a.Role.Canonical)
		}
		if !slices.ContainsFunc(names, func(x string) bool { return fold(x) == fold(n) }) {
			names = append(names, n)
		}
	}
	return strings.Join(names, "; ")
}

// distance returns the optimal string alignment distance (Damerau–Levenshtein with
// adjacent transpositions) between a and b in runes, or max+1 when it exceeds max.
func distance(a, b string, max int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > max || -d > max {
		return max + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			best = min(best, v)
		}
		if best > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	if prev[len(rb)] > max {
		return max + 1
	}
	return prev[len(rb)]
}
