package mapping

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/odmadmin/odmadmin/internal/csvcell"
	"github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/odm"
)

// A Spec says how a migration maps what the source system has to what the target system
// wants: role names, sites, where logins come from, the default start date, and who is
// left out. It is a table (CSV or .xlsx, so it can be edited in a spreadsheet) with the
// columns
//
//	Kind, Study, Scope, Source, Target, Suggested, Note
//
// one rule per row; rows whose Kind starts with "#" are comments, Note is free text.
//
//	role        Source is a role name as the source writes it ("Data Manager Rights"), or
//	            canonical:ROLE for every role of that canonical meaning
//	            (canonical:Monitor), or (none) for assignments without a role (OpenClinica
//	            ODM). Target is the role's name in the target ("Data Manager"), or
//	            canonical:ROLE for the target profile's own name of that role. Study and
//	            Scope (study or site), when given, limit the rule; the most specific rule
//	            wins (a name over canonical:, a study over none, a scope over none).
//	site        Source is a site as the source names it: OID, site number or name.
//	            Target is the target's identifier of the site (the template's site
//	            number, a Rave LocationOID).
//	login       for users without a login: Source is email-local-part (the part of the
//	            first e-mail before "@"), email, oid (the user OID) or lookup (Target names
//	            a user table by OID, CSV or .xlsx, with a Login column; a relative path is
//	            relative to the spec).
//	start-date  Target is the start date of assignments that have none (DD-MMM-YYYY or
//	            YYYY-MM-DD).
//	exclude     Source is a user OID, login or e-mail address: the user is left out.
//
// Suggested ("yes") marks a rule SpecTemplate filled in; it applies as any other, and
// Apply reports how many are left unconfirmed (blank the column to confirm one).
type Spec struct {
	Roles     []RoleRule
	Sites     []SiteRule
	Login     LoginRule
	StartDate string // ISO date, "" for none
	Exclude   []string
	// Suggested counts the rules still marked as suggestions.
	Suggested int
}

// RoleRule maps a source role to a target role.
type RoleRule struct {
	Study, Scope string
	// Source is a role name, "canonical:ROLE" or "(none)".
	Source string
	// Target is a role name or "canonical:ROLE".
	Target string
	Row    int
}

// SiteRule maps a source site (OID, number or name) to the target's site identifier.
type SiteRule struct {
	Study, Source, Target string
	Row                   int
}

// LoginRule says where a missing login comes from.
type LoginRule struct {
	// From is "", "email-local-part", "email", "oid" or "lookup".
	From string
	// File is the user table of a lookup, as the spec names it.
	File string
	Row  int
}

// specColumns are the spec's columns, folded as roleKey folds.
var specColumns = []string{"Kind", "Study", "Scope", "Source", "Target", "Suggested", "Note"}

// IsSpecHeader reports whether row heads a migration spec: it has Kind, Source and Target.
func IsSpecHeader(row []string) bool {
	seen := map[string]bool{}
	for _, h := range row {
		seen[roleKey(strings.TrimPrefix(h, "\ufeff"))] = true
	}
	return seen["kind"] && seen["source"] && seen["target"]
}

// ErrSpec is wrapped by every error about a spec's content.
var ErrSpec = errors.New("migration spec")

// ReadSpec reads a spec from the rows of a table (header first); see Spec.
func ReadSpec(cr RowReader) (*Spec, error) {
	rowNum, _ := cr.(interface{ Row() int })
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: the spec is empty (want the header row Kind, Study, Scope, Source, Target, Suggested, Note)", ErrSpec)
	}
	if err != nil {
		return nil, err
	}
	if !IsSpecHeader(header) {
		return nil, fmt.Errorf("%w: no header row with Kind, Source and Target columns", ErrSpec)
	}
	hdr, err := input.NewHeader(header, func(h string) (string, bool) {
		k := roleKey(h)
		for _, c := range specColumns {
			if roleKey(c) == k {
				return c, true
			}
		}
		return "", false
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSpec, err)
	}
	s := &Spec{}
	for n := 2; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return s, nil
		}
		if err != nil {
			return nil, err
		}
		if rowNum != nil {
			n = rowNum.Row()
		}
		if err := hdr.Uncalculated(cr, n); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrSpec, err)
		}
		get := func(c string) string { return hdr.Get(rec, c) }
		kind := strings.ToLower(get("Kind"))
		if kind == "" && blankRow(rec) || strings.HasPrefix(kind, "#") {
			continue
		}
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%w: row %d: %s", ErrSpec, n, fmt.Sprintf(format, args...))
		}
		if i := hdr.Loose(rec); i > 0 {
			// A rule is all in its row: a value beside it that no column names is a rule
			// read wrong (a separator typed into an unquoted cell moves the rest along).
			return nil, bad("column %d has a value, but the header row names no column there", i)
		}
		// A cell the template wrote with an apostrophe, so that a spreadsheet shows it
		// as text (a role name that starts like a formula), is the name without it.
		text := func(c string) string {
			v, _ := csvcell.Restore(get(c))
			return v
		}
		src, tgt, study := text("Source"), text("Target"), text("Study")
		scope := strings.ToLower(get("Scope"))
		if scope != "" && scope != string(ScopeStudy) && scope != string(ScopeSite) {
			return nil, bad("Scope must be study, site or empty, not %q", get("Scope"))
		}
		switch sg := strings.ToLower(get("Suggested")); sg {
		case "", "no", "n", "false", "0":
		default:
			s.Suggested++
		}
		switch kind {
		case "role":
			if src == "" || tgt == "" {
				return nil, bad("a role rule needs Source and Target")
			}
			for _, v := range []string{src, tgt} {
				if c, ok := strings.CutPrefix(v, "canonical:"); ok && !Canonical(c).Valid() {
					return nil, bad("%q is not a canonical role", c)
				}
			}
			s.Roles = append(s.Roles, RoleRule{Study: study, Scope: scope, Source: src, Target: tgt, Row: n})
		case "site":
			if src == "" || tgt == "" {
				return nil, bad("a site rule needs Source and Target")
			}
			s.Sites = append(s.Sites, SiteRule{Study: study, Source: src, Target: tgt, Row: n})
		case "login":
			if s.Login.From != "" {
				return nil, bad("a second login rule (the first is on row %d)", s.Login.Row)
			}
			from := strings.ToLower(src)
			switch from {
			case "email-local-part", "email", "oid":
			case "lookup":
				if tgt == "" {
					return nil, bad("a login lookup needs the user table's file name as Target")
				}
			default:
				return nil, bad("login Source must be email-local-part, email, oid or lookup, not %q", src)
			}
			s.Login = LoginRule{From: from, File: tgt, Row: n}
		case "start-date", "startdate":
			iso, ok := parseCSVDate(tgt)
			if !ok || iso == "" {
				return nil, bad("start-date Target must be a date (DD-MMM-YYYY or YYYY-MM-DD), not %q", tgt)
			}
			if s.StartDate != "" {
				return nil, bad("a second start-date rule")
			}
			s.StartDate = iso
		case "exclude":
			if src == "" {
				return nil, bad("an exclude rule needs Source (user OID, login or e-mail)")
			}
			s.Exclude = append(s.Exclude, src)
		default:
			return nil, bad("unknown Kind %q (want role, site, login, start-date or exclude)", get("Kind"))
		}
	}
}

// CodeUnmapped: a role or site has no rule in the migration spec; it is kept as it is.
const CodeUnmapped Code = "unmapped"

// CodeSpec reports what a migration spec did or could not do (users left out, rules that
// are still suggestions, logins it could not find).
const CodeSpec Code = "spec"

// Apply changes d as the spec says, for a target written as profile target ("" when the
// target has no role names of its own). lookup is the user table of a login lookup (nil
// otherwise). A role or site that no rule maps is a CodeUnmapped warning naming it and
// how many users it affects.
func (s *Spec) Apply(d *Directory, target Profile, lookup *Directory) []Warning {
	if s == nil || d == nil {
		return nil
	}
	r := s.start(d, target, lookup)
	kept := d.Users[:0]
	for _, u := range d.Users {
		if r.user(u) {
			kept = append(kept, u)
		}
	}
	clear(d.Users[len(kept):])
	d.Users = kept
	return r.result()
}

// SpecUse is a migration spec applied while a directory streams (Options.Spec): Apply's
// rules for Target, with Lookup the user table of a login lookup rule.
type SpecUse struct {
	Spec   *Spec
	Target Profile
	Lookup *Directory
}

// specRun applies a spec to the users of a directory one at a time, as Apply does to
// d.Users: Apply runs it over the directory, the streaming writers over each user as it
// is built (start once everything but the users is read). What it keeps for the
// warnings is counted by site and role, not by user, so that it holds no user.
type specRun struct {
	s      *Spec
	target Profile
	// exclude holds the exclude rules' keys, folded; excluded counts the users left out.
	exclude  map[string]bool
	excluded int
	// byOID holds the lookup table's logins; noLogin counts users the login rule gave none.
	byOID   *loginTable
	noLogin int
	// sites says whether site rules apply (the spec or the input has sites); x resolves
	// an assignment's site, renamed maps a resolved site to its rule's target, siteUsers
	// counts the users of each site no rule maps, and siteRules are the warnings about
	// rules that name no site, in rule order.
	sites     bool
	x         *SiteIndex
	renamed   map[string]string
	siteUsers map[string]int
	siteRules []string
	// roleUsers counts the users of each role no rule maps.
	roleUsers map[roleUse]int
	seenSite  map[string]bool
	seenRole  map[roleUse]bool
	// rules finds the role rules an assignment's role may match; ruleScans counts the
	// rules looked at (TestSpecRoleRulesLinear).
	rules     roleRules
	ruleScans int
}

// roleRules holds a spec's role rules by the key of their source role name, so that an
// assignment's rule is found among the few that can match it: each was compared with
// every rule, so that a spec of n role rules (one per role of a large study) cost n for
// every assignment (5,000 rules and users: 2.4 s of map --to json; 20,000: 41 s).
type roleRules struct {
	byKey map[string][]int32 // the rules of a role name, by its roleKey, in rule order
	other []int32            // the canonical: and (none) rules, in rule order
}

func newRoleRules(rules []RoleRule) roleRules {
	x := roleRules{byKey: map[string][]int32{}}
	for i := range rules {
		src := rules[i].Source
		switch {
		case strings.HasPrefix(src, "canonical:") || strings.EqualFold(src, "(none)"):
			x.other = append(x.other, int32(i))
		default:
			// A rule whose name has an empty key matches no role (roleRule).
			if k := roleKey(src); k != "" {
				x.byKey[k] = append(x.byKey[k], int32(i))
			}
		}
	}
	return x
}

// start makes the run of s over d, whose users come after: it renames d's sites by the
// site rules now (a site's users are resolved against the names it was read with).
func (s *Spec) start(d *Directory, target Profile, lookup *Directory) *specRun {
	r := &specRun{s: s, target: target, roleUsers: map[roleUse]int{}, seenRole: map[roleUse]bool{}, rules: newRoleRules(s.Roles)}
	if len(s.Exclude) > 0 {
		r.exclude = map[string]bool{}
		for _, x := range s.Exclude {
			r.exclude[strings.ToLower(x)] = true
		}
	}
	if s.Login.From != "" {
		switch {
		case lookup != nil && lookup.logins != nil:
			r.byOID = lookup.logins
		case lookup != nil:
			r.byOID = loginsOf(slices.Values(lookup.Users))
		default:
			r.byOID = newLoginTable()
		}
	}
	if r.sites = len(s.Sites) > 0 || len(d.Sites) > 0; r.sites {
		r.x = NewSiteIndex(d)
		r.renamed, r.siteUsers, r.seenSite = map[string]string{}, map[string]int{}, map[string]bool{}
		for _, rule := range s.Sites {
			id, ok := r.x.Resolve(rule.Source)
			if !ok {
				r.siteRules = append(r.siteRules, fmt.Sprintf("site rule on row %d names no site of the input: %s", rule.Row, rule.Source))
				continue
			}
			if _, dup := r.renamed[id]; !dup {
				r.renamed[id] = rule.Target
			}
		}
		for _, site := range d.Sites {
			if t, ok := r.renamed[site.ID]; ok {
				site.ID, site.Number = t, t
			}
		}
		if len(r.renamed) > 0 {
			if d.renamed == nil {
				d.renamed = map[string]string{}
			}
			for from, to := range r.renamed {
				d.renamed[from] = to
			}
		}
	}
	return r
}

// user applies the spec to u and reports whether u is kept (an exclude rule leaves it
// out).
func (r *specRun) user(u *User) bool {
	if u == nil {
		return true
	}
	s := r.s
	if r.exclude != nil {
		drop := r.exclude[strings.ToLower(u.ID)] || u.Login != "" && r.exclude[strings.ToLower(u.Login)]
		for _, e := range u.Emails {
			drop = drop || r.exclude[strings.ToLower(e)]
		}
		if drop {
			r.excluded++
			return false
		}
	}
	if s.Login.From != "" && u.Login == "" {
		switch s.Login.From {
		case "email-local-part", "email":
			if len(u.Emails) > 0 {
				u.Login = u.Emails[0]
				if s.Login.From == "email-local-part" {
					u.Login, _, _ = strings.Cut(u.Login, "@")
				}
			}
		case "oid":
			u.Login = u.ID
		case "lookup":
			u.Login = r.byOID.login(u.ID)
		}
		if u.Login == "" {
			r.noLogin++
		}
	}
	if r.sites {
		clear(r.seenSite)
		for i := range u.Assignments {
			a := &u.Assignments[i]
			if a.Site == "" {
				continue
			}
			id, _ := r.x.Resolve(a.Site)
			if t, ok := r.renamed[id]; ok {
				a.Site = t
				continue
			}
			if !r.seenSite[a.Site] {
				r.seenSite[a.Site] = true
				r.siteUsers[a.Site]++
			}
		}
	}
	r.roles(u)
	if s.StartDate != "" {
		for i := range u.Assignments {
			if u.Assignments[i].From == "" {
				u.Assignments[i].From = s.StartDate
			}
		}
	}
	return true
}

// result returns the warnings of the run so far, in the order of the steps: the
// suggestions, the users left out, the logins, the sites and the roles (none for a nil
// run).
func (r *specRun) result() []Warning {
	if r == nil {
		return nil
	}
	var w warner
	s := r.s
	if s.Suggested > 0 {
		w.add(CodeSpec, "spec/Suggested", "", fmt.Sprintf("%d rules are suggestions nobody confirmed (Suggested column); they are applied", s.Suggested))
	}
	if r.exclude != nil {
		n := r.excluded
		if n > 0 {
			w.add(CodeSpec, "spec/exclude", "", fmt.Sprintf("%d user%s left out as the spec says", n, plural(n)))
		}
		if n < len(s.Exclude) {
			w.add(CodeSpec, "spec/exclude", "", fmt.Sprintf("%d exclude rule%s match no user", len(s.Exclude)-n, plural(len(s.Exclude)-n)))
		}
	}
	if r.noLogin > 0 {
		w.add(CodeSpec, "spec/login", "", fmt.Sprintf("%d users without a login got none from the spec's %s rule (row %d)", r.noLogin, s.Login.From, s.Login.Row))
	}
	for _, m := range r.siteRules {
		w.add(CodeSpec, "spec/site", "", m)
	}
	ids := make([]string, 0, len(r.siteUsers))
	for id := range r.siteUsers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		n := r.siteUsers[id]
		w.add(CodeUnmapped, "spec/site", "Location "+id, fmt.Sprintf("site %s has no site rule in the spec; kept as it is (%d %s)", id, n, "user"+plural(n)))
	}
	keys := make([]roleUse, 0, len(r.roleUsers))
	for k := range r.roleUsers {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].name != keys[j].name {
			return keys[i].name < keys[j].name
		}
		return keys[i].scope < keys[j].scope
	})
	for _, k := range keys {
		n := r.roleUsers[k]
		name := k.name
		if name == "" {
			if len(s.Roles) == 0 {
				w.add(CodeUnmapped, "spec/role", "", fmt.Sprintf("%d %s have %s assignments without a role; a role rule with Source (none) gives them one", n, "user"+plural(n), k.scope))
				continue
			}
			name = "(none)"
		}
		w.add(CodeUnmapped, "spec/role", "", fmt.Sprintf("role %q (%s level) has no role rule in the spec; kept as it is (%d %s)", name, k.scope, n, "user"+plural(n)))
	}
	return w.result()
}

// roleUse is a role found in the input: its name, canonical role and scope.
type roleUse struct {
	name  string
	canon Canonical
	scope Scope
}

// roles maps u's roles by the role rules, counting the roles no rule maps.
func (r *specRun) roles(u *User) {
	s, target := r.s, r.target
	if len(s.Roles) > 0 && u.Source != nil {
		// The roles are the target's now: a role no rule maps is this run's
		// CodeUnmapped warning, not the writer's CodeRoleVerbatim.
		u.Source.RolesFor = target
		if target == "" {
			u.Source.RolesFor = RolesForAny // map --to json: for whichever target the spec was written
		}
	}
	clear(r.seenRole)
	for i := range u.Assignments {
		a := &u.Assignments[i]
		rule := r.roleRule(a)
		if rule == nil {
			if len(s.Roles) > 0 || a.Role.Name == "" {
				k := roleUse{a.Role.Name, a.Role.Canonical, a.Scope}
				if !r.seenRole[k] {
					r.seenRole[k] = true
					r.roleUsers[k]++
				}
			}
			continue
		}
		if c, ok := strings.CutPrefix(rule.Target, "canonical:"); ok {
			name := DefaultRoleName(target, Canonical(c), a.Scope)
			if name == "" {
				name = roleTitles[Canonical(c)]
			}
			a.Role = Role{Name: name, Canonical: Canonical(c)}
			continue
		}
		role := RoleFor(target, rule.Target, a.Scope)
		if role.Canonical == RoleOther && a.Role.Canonical != "" {
			role.Canonical = a.Role.Canonical // the target's own name for the source's meaning
		}
		a.Role = role
	}
}

// roleRule returns the most specific rule for a's role, or nil: of those that match it,
// the one of the highest score, the first of them in rule order.
func (r *specRun) roleRule(a *Assignment) *RoleRule {
	s := r.s
	var best *RoleRule
	bestScore := -1
	key := roleKey(a.Role.Name)
	var named []int32
	if key != "" {
		named = r.rules.byKey[key]
	}
	other := r.rules.other
	// The two lists merged in rule order.
	for len(named) > 0 || len(other) > 0 {
		var i int32
		if len(other) == 0 || len(named) > 0 && named[0] < other[0] {
			i, named = named[0], named[1:]
		} else {
			i, other = other[0], other[1:]
		}
		r.ruleScans++
		rule := &s.Roles[i]
		if rule.Study != "" && rule.Study != a.Study || rule.Scope != "" && Scope(rule.Scope) != a.Scope {
			continue
		}
		score := 0
		switch c, canon := strings.CutPrefix(rule.Source, "canonical:"); {
		case canon:
			if a.Role.Name == "" || Canonical(c) != a.Role.Canonical {
				continue
			}
		case strings.EqualFold(rule.Source, "(none)"):
			if a.Role.Name != "" {
				continue
			}
			score = 4
		default:
			// The rules of key only: their names have its key.
			score = 4
		}
		if rule.Study != "" {
			score += 2
		}
		if rule.Scope != "" {
			score++
		}
		if score > bestScore {
			best, bestScore = rule, score
		}
	}
	return best
}

// SpecTemplate writes a starter spec for d (CSV): a role rule for every role name and
// scope the input has, with the target profile's name for its canonical role filled in;
// a site rule for every site, with its number (else its name) as the target; a login rule
// when a user has no login, and a start-date rule (today) when an assignment has no start.
// Every filled-in target is marked Suggested; a role the vocabulary does not know gets an
// empty Target to fill in. Note says how many users a rule concerns. A name that starts
// like a spreadsheet formula (=, +, -, @) is written with a leading apostrophe, as
// spreadsheets take it, and ReadSpec reads the name back without it.
func SpecTemplate(wr io.Writer, d *Directory, target Profile, now time.Time) error {
	if d == nil {
		return errors.New("mapping: no directory")
	}
	return specTemplate(wr, d, slices.Values(d.Users), target, now)
}

// SpecTemplateFrom writes what SpecTemplate writes for the directory FromReader would
// read from r, one user at a time, holding what WriteJSON holds (the template counts
// users by role and site, never keeps them). It returns FromReader's warnings.
func SpecTemplateFrom(wr io.Writer, r *odm.Reader, opts Options, target Profile, now time.Time) ([]Warning, error) {
	opts.Spec = nil
	return fromStream(r, opts, func(d *Directory, users iter.Seq[*User]) ([]Warning, error) {
		return nil, specTemplate(wr, d, users, target, now)
	})
}

// specTemplate writes the template for the sites of d and the users given (d.Users is
// not read).
func specTemplate(wr io.Writer, d *Directory, all iter.Seq[*User], target Profile, now time.Time) error {
	cw := csv.NewWriter(wr)
	cw.Write(specColumns)
	cw.Write([]string{"# Kind: role, site, login, start-date or exclude. Confirm a suggestion by blanking Suggested; see examples/migration-spec."})
	type use struct {
		name  string
		scope Scope
	}
	// Users are counted by role use and site, once each (a user is seen once).
	users := map[use]int{}
	canon := map[use]Canonical{}
	var order []use
	noLogin, noStart := 0, 0
	siteUsers := map[string]int{}
	seen := map[string]bool{}
	seenUse := map[use]bool{}
	for u := range all {
		if u == nil {
			continue
		}
		if u.Login == "" {
			noLogin++
		}
		clear(seen)
		clear(seenUse)
		for _, a := range u.Assignments {
			k := use{a.Role.Name, a.Scope}
			if _, ok := users[k]; !ok {
				order = append(order, k)
				canon[k] = a.Role.Canonical
			}
			if !seenUse[k] {
				seenUse[k] = true
				users[k]++
			}
			if a.From == "" {
				noStart++
			}
			if a.Site != "" && !seen[a.Site] {
				seen[a.Site] = true
				siteUsers[a.Site]++
			}
		}
	}
	for _, k := range order {
		n := users[k]
		src, tgt, sg := k.name, "", ""
		if src == "" {
			src = "(none)"
		}
		if c := canon[k]; c != "" && c != RoleOther {
			if tgt = DefaultRoleName(target, c, k.scope); tgt == "" {
				tgt = roleTitles[c]
			}
			sg = "yes"
		}
		note := fmt.Sprintf("%d %s; canonical %s", n, "user"+plural(n), orDash(string(canon[k])))
		if err := writeSpecRow(cw, "role", "", string(k.scope), src, tgt, sg, note); err != nil {
			return err
		}
	}
	for _, s := range d.Sites {
		if s == nil {
			continue
		}
		tgt := s.Number
		if tgt == "" && s.Name != s.ID {
			tgt = s.Name
		}
		sg := ""
		if tgt != "" {
			sg = "yes"
		}
		n := siteUsers[s.ID]
		note := fmt.Sprintf("%d %s", n, "user"+plural(n))
		if s.Name != "" && s.Name != s.ID {
			note += "; " + s.Name
		}
		if err := writeSpecRow(cw, "site", s.Study, "", s.ID, tgt, sg, note); err != nil {
			return err
		}
	}
	if noLogin > 0 {
		cw.Write([]string{"login", "", "", "email-local-part", "", "yes", strconv.Itoa(noLogin) + " users have no login"})
	}
	if noStart > 0 {
		cw.Write([]string{"start-date", "", "", "", now.Format(specDate), "yes", strconv.Itoa(noStart) + " assignments have no start date"})
	}
	cw.Flush()
	return cw.Error()
}

// writeSpecRow writes a rule of a spec template. The template is made to be edited in a
// spreadsheet: a cell that would run there as a formula (a role or site name from the
// export, as "=HYPERLINK(...)") gets a leading apostrophe, which ReadSpec takes off again.
func writeSpecRow(cw *csv.Writer, cells ...string) error {
	csvcell.Row(cells)
	return cw.Write(cells)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// specDate is the layout of the start-date a spec template suggests: DD-MMM-YYYY, the form
// the spec documents (and the Clinical One template's); parseCSVDate reads it back.
const specDate = "02-Jan-2006"
