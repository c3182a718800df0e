package diff

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/odmadmin/odmadmin/internal/ctxio"
	"github.com/odmadmin/odmadmin/mapping"
)

// Key names the value that identifies a user in both directories.
type Key string

const (
	// KeyOID matches users by ODM User OID (the default).
	KeyOID Key = "oid"
	// KeyLogin matches users by login name, ignoring letter case; users without one by
	// OID.
	KeyLogin Key = "login"
	// KeyEmail matches users by e-mail address (the first in sort order), ignoring letter
	// case; users without one by OID.
	KeyEmail Key = "email"
)

// ParseKey returns the key named s ("oid", "login" or "email"; "" is KeyOID).
func ParseKey(s string) (Key, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "oid", "id":
		return KeyOID, nil
	case "login", "username", "user":
		return KeyLogin, nil
	case "email", "e-mail", "mail":
		return KeyEmail, nil
	}
	return "", fmt.Errorf("unknown key %q (want oid, login or email)", s)
}

// RoleMatch says how role names are compared.
type RoleMatch string

const (
	// RolesAuto compares role names when both directories were read with the same profile
	// and canonical roles otherwise (the default).
	RolesAuto RoleMatch = ""
	// RolesByName compares role names as written.
	RolesByName RoleMatch = "name"
	// RolesByCanonical compares canonical roles only, so "Site Investigator Rights" and
	// "Investigator" are the same role.
	RolesByCanonical RoleMatch = "canonical"
)

// ParseRoleMatch returns the role match named s ("auto", "name" or "canonical"; "" is RolesAuto).
func ParseRoleMatch(s string) (RoleMatch, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return RolesAuto, nil
	case "name":
		return RolesByName, nil
	case "canonical":
		return RolesByCanonical, nil
	}
	return "", fmt.Errorf("unknown role match %q (want auto, name or canonical)", s)
}

// Options configure Compare. The zero value is ready to use.
type Options struct {
	// Key identifies a user in both directories. Default (""): KeyOID, but KeyLogin when
	// a side is a Clinical One template or an OpenClinica 4 user table, which hold no
	// OIDs (a user's ID there is its login): by OID, every user of an export whose OIDs
	// are not its logins was reported removed and added again. An explicit KeyOID is
	// kept.
	Key Key
	// ExactText makes white space inside text values and the letter case of e-mail
	// addresses count. Default: false (runs of white space are one space, leading and
	// trailing white space and e-mail case do not count).
	ExactText bool
	// KeepEmpty makes an empty value differ from an absent one: an empty vendor attribute
	// from a missing one, an empty list entry from none. Default: false.
	KeepEmpty bool
	// AllFields compares every field even when the directories come from different
	// profiles and one of them cannot hold the field. Default: false.
	AllFields bool
	// Roles says how roles are compared. Default: RolesAuto.
	Roles RoleMatch
	// IgnoreExtensions leaves vendor extension attributes and elements out. Default: false
	// (they are compared when both directories were read with the same profile).
	IgnoreExtensions bool
	// Now is the time access that ended before it is no longer current, for comparing
	// with a Clinical One template, which lists current users only (see the package
	// documentation). Default (zero): the time Compare is called.
	Now time.Time
}

// Event is the kind of a change, named as the audit log names its events.
type Event string

const (
	UserAdded       Event = "USER_ADDED"
	UserRemoved     Event = "USER_REMOVED"
	ProfileChange   Event = "PROFILE_CHANGE"
	RoleChange      Event = "ROLE_CHANGE"
	StatusChange    Event = "STATUS_CHANGE"
	SiteAdded       Event = "SITE_ADDED"
	SiteRemoved     Event = "SITE_REMOVED"
	SiteChange      Event = "SITE_CHANGE"
	ExtensionChange Event = "EXTENSION_CHANGE"
	// RoleDefinitionChange: a role's definition changed (InForm pf:GroupDef rights), the
	// audit log's "role definition edits".
	RoleDefinitionChange Event = "ROLE_DEFINITION_CHANGE"
	// OrganizationAdded, OrganizationRemoved and OrganizationChange: an ODM 2.0
	// Organization of AdminData.
	OrganizationAdded   Event = "ORGANIZATION_ADDED"
	OrganizationRemoved Event = "ORGANIZATION_REMOVED"
	OrganizationChange  Event = "ORGANIZATION_CHANGE"
	// SignatureDefAdded, SignatureDefRemoved and SignatureDefChange: a SignatureDef of
	// AdminData (its meaning, legal reason or methodology).
	SignatureDefAdded   Event = "SIGNATURE_DEF_ADDED"
	SignatureDefRemoved Event = "SIGNATURE_DEF_REMOVED"
	SignatureDefChange  Event = "SIGNATURE_DEF_CHANGE"
)

// Events lists every event in a stable order.
func Events() []Event {
	return []Event{UserAdded, UserRemoved, ProfileChange, RoleChange, StatusChange, SiteAdded, SiteRemoved, SiteChange, ExtensionChange, RoleDefinitionChange,
		OrganizationAdded, OrganizationRemoved, OrganizationChange, SignatureDefAdded, SignatureDefRemoved, SignatureDefChange}
}

// Change is one difference between two directories.
type Change struct {
	Event Event `json:"event"`
	// User is the user's login ("" for a site change).
	User string `json:"user"`
	// Target is "First Last (login)" for a user, "Name (OID)" for a site.
	Target string `json:"target"`
	// ValueType says what changed: a field name, "STUDY (ENV)-SITE" for a role, an
	// extension's name. Empty for added and removed users and sites.
	ValueType string `json:"valueType"`
	Old       string `json:"old"`
	New       string `json:"new"`
	// Rule is set when the change is one the source system does not allow, and says why
	// (an OpenClinica account that disappears, a username that changes); see rules.go.
	Rule string `json:"rule,omitempty"`
}

// Compare returns the changes that turn directory a into directory b, in a deterministic
// order (see the package documentation). Nil directories are empty ones.
func Compare(a, b *mapping.Directory, opts Options) []Change {
	changes, _ := CompareContext(context.Background(), a, b, opts)
	return changes
}

// CompareContext is Compare that stops when ctx is cancelled and then returns ctx.Err()
// and no changes: comparing two directories of hundreds of thousands of users takes
// seconds, and an interactive caller must be able to give up.
func CompareContext(ctx context.Context, a, b *mapping.Directory, opts Options) ([]Change, error) {
	// Checked before anything: the loops check only every so many users, and the sites,
	// groups and rules are not checked at all.
	if ctx != nil {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if a == nil {
		a = &mapping.Directory{}
	}
	if b == nil {
		b = &mapping.Directory{}
	}
	c := newComparer(a, b, opts)
	c.check = ctxio.Check(ctx, 1024)
	c.sites(a.Sites, b.Sites)
	c.organizations(a.Organizations, b.Organizations)
	c.signatures(a.Signatures, b.Signatures)
	c.roleDefinitions(a.Groups, b.Groups)
	c.users(a.Users, b.Users)
	if c.err != nil {
		return nil, c.err
	}
	c.flagRules(a, b)
	return c.out, nil
}

// comparer holds what one comparison needs: which fields to compare and how.
type comparer struct {
	opts   Options
	fields field
	// same: the directories are of one profile (or AllFields), so vendor details count.
	same bool
	// byName: roles are compared by name (else by canonical role).
	byName bool
	out    []Change
	// check returns the context's error every so many users; err keeps the first one.
	check func() error
	err   error

	// currentOnlyA and currentOnlyB: that side lists current users only (a Clinical One
	// template); today is the ISO date access must not have ended before to be current.
	currentOnlyA, currentOnlyB bool
	today                      string
	// siteNames and studyNames name sites and studies in value types (siteLabel,
	// studyLabel).
	siteNames, studyNames map[string]string
	// orgNames, when one side holds a user's organization by name (ODM 1.3) and the
	// other by OID (ODM 2.0), are each side's organization names by OID: the names are
	// compared (orgName).
	orgNames *[2]map[string]string
}

func newComparer(a, b *mapping.Directory, opts Options) *comparer {
	pa, pb := profileOf(a), profileOf(b)
	same := pa == pb || pa == "" || pb == ""
	c := &comparer{opts: opts, same: same || opts.AllFields,
		currentOnlyA: listsCurrentOnly(pa), currentOnlyB: listsCurrentOnly(pb), today: opts.today(), siteNames: siteNames(a, b), studyNames: StudyLabels(a, b)}
	if c.same {
		c.fields = allFields
	} else {
		c.fields = holds(pa) & holds(pb)
	}
	if opts.IgnoreExtensions {
		c.fields &^= fExtensions
	}
	const org = fOrganization | fOrganizationID
	if !c.same && c.fields&org == 0 && holds(pa)&org != 0 && holds(pb)&org != 0 {
		// One side names the organization, the other refers to it by OID: neither
		// field was compared, and a user moved to another organization between an ODM
		// 1.3 and a 2.0 export was no change. The names are compared.
		c.orgNames = &[2]map[string]string{a.OrganizationNames(), b.OrganizationNames()}
	}
	if opts.Key == "" && (!hasOIDs(pa) || !hasOIDs(pb)) {
		c.opts.Key = KeyLogin
		c.fields &^= fID // a table's ID is its login, not an OID to compare
	}
	if opts.Key == KeyOID || opts.Key == "" {
		c.fields &^= fID
	}
	switch opts.Roles {
	case RolesByName:
		c.byName = true
	case RolesByCanonical:
		c.byName = false
	default:
		c.byName = same
	}
	return c
}

func profileOf(d *mapping.Directory) mapping.Profile {
	if d.Source == nil {
		return ""
	}
	return d.Source.Vendor
}

func (c *comparer) has(f field) bool { return c.fields&f != 0 }

func (c *comparer) add(ch Change) { c.out = append(c.out, ch) }

// keyed is a user with its matching key.
type keyed struct {
	key string
	u   *mapping.User
}

func (c *comparer) keyed(us []*mapping.User) []keyed {
	out := make([]keyed, 0, len(us))
	for _, u := range us {
		if u == nil {
			continue
		}
		out = append(out, keyed{c.userKey(u), u})
	}
	slices.SortFunc(out, func(x, y keyed) int {
		if r := strings.Compare(x.key, y.key); r != 0 {
			return r
		}
		if r := strings.Compare(x.u.Login, y.u.Login); r != 0 {
			return r
		}
		return strings.Compare(x.u.ID, y.u.ID)
	})
	return out
}

// orgName is the name of u's organization: its own, else the name of the organization
// its OID names in names, else that OID.
func orgName(u *mapping.User, names map[string]string) string {
	if u.Organization != "" || u.OrganizationID == "" {
		return u.Organization
	}
	if n, ok := names[u.OrganizationID]; ok {
		return n
	}
	return u.OrganizationID
}

// hasOIDs reports whether the users of a directory of profile p have OIDs of their own:
// not those of a Clinical One template or an OpenClinica 4 user table.
func hasOIDs(p mapping.Profile) bool {
	return p != mapping.ProfileClinicalOne && p != mapping.ProfileOC4Users
}

func (c *comparer) userKey(u *mapping.User) string {
	k := ""
	switch c.opts.Key {
	case KeyLogin:
		k = mapping.LoginKey(u.Login)
	case KeyEmail:
		found := false
		for _, e := range u.Emails {
			e = strings.ToLower(strings.TrimSpace(e))
			if e != "" && (!found || e < k) {
				k, found = e, true
			}
		}
	default:
		return strings.TrimSpace(u.ID)
	}
	if k == "" {
		// A user without a login (an e-mail address) is matched by its OID: under the
		// empty key, every such user of one side was paired with every such user of
		// the other, different people reported as one changed. The prefix keeps it from
		// meeting a login or address.
		return "\x00" + strings.TrimSpace(u.ID)
	}
	return k
}

// users joins the two user lists by key (a merge of the sorted lists) and compares each pair.
func (c *comparer) users(as, bs []*mapping.User) {
	ka, kb := c.keyed(as), c.keyed(bs)
	i, j := 0, 0
	for i < len(ka) || j < len(kb) {
		if c.err = c.check(); c.err != nil {
			return
		}
		switch {
		case j == len(kb) || (i < len(ka) && ka[i].key < kb[j].key):
			c.removedUser(ka[i].u)
			i++
		case i == len(ka) || kb[j].key < ka[i].key:
			c.addedUser(kb[j].u)
			j++
		default:
			// Same key: pair the run on each side in order.
			k := ka[i].key
			ie, je := i, j
			for ie < len(ka) && ka[ie].key == k {
				ie++
			}
			for je < len(kb) && kb[je].key == k {
				je++
			}
			for ; i < ie && j < je; i, j = i+1, j+1 {
				c.user(ka[i].u, kb[j].u)
			}
			for ; i < ie; i++ {
				c.removedUser(ka[i].u)
			}
			for ; j < je; j++ {
				c.addedUser(kb[j].u)
			}
		}
	}
}

// Target returns "First Last (login)", the way the audit log names a user. A nil user
// is an empty one, "()", as a nil directory is an empty one to Compare.
func Target(u *mapping.User) string {
	if u == nil {
		u = &mapping.User{}
	}
	name := strings.TrimSpace(collapse(strings.TrimSpace(u.GivenName) + " " + strings.TrimSpace(u.FamilyName)))
	if name == "" {
		name = collapse(u.FullName)
	}
	if name == "" {
		name = collapse(u.DisplayName)
	}
	login := strings.TrimSpace(u.Login)
	if name == "" {
		return "(" + login + ")"
	}
	return name + " (" + login + ")"
}

func (c *comparer) removedUser(u *mapping.User) {
	if c.unlisted(u, c.currentOnlyB) {
		return
	}
	login, target := strings.TrimSpace(u.Login), Target(u)
	c.add(Change{Event: UserRemoved, User: login, Target: target})
	c.assignments(login, target, u.Assignments, nil)
}

func (c *comparer) addedUser(u *mapping.User) {
	if c.unlisted(u, c.currentOnlyA) {
		return
	}
	login, target := strings.TrimSpace(u.Login), Target(u)
	c.add(Change{Event: UserAdded, User: login, Target: target})
	c.assignments(login, target, nil, u.Assignments)
}

// user compares two records of one user.
func (c *comparer) user(a, b *mapping.User) {
	login, target := strings.TrimSpace(b.Login), Target(b)
	// A field whose listings differ is compared listing by listing (userListings), not
	// as the value kept, which is whichever listing the file happens to put first.
	names, studies := listed(a.Source, b.Source)
	if c.has(fStatus) && !isListed(names, "status") && a.Status != b.Status {
		c.add(Change{Event: StatusChange, User: login, Target: target, ValueType: "status", Old: string(a.Status), New: string(b.Status)})
	}
	c.currentChange(login, target, a, b)
	prof := func(f field, name, old, new string) {
		if c.has(f) && !isListed(names, name) && !c.eqText(old, new) {
			c.add(Change{Event: ProfileChange, User: login, Target: target, ValueType: name, Old: old, New: new})
		}
	}
	set := func(f field, name string, old, new []string, norm func(string) string) {
		if !c.has(f) {
			return
		}
		if o, n, diff := c.setDiff(old, new, norm); diff {
			c.add(Change{Event: ProfileChange, User: login, Target: target, ValueType: name, Old: o, New: n})
		}
	}
	prof(fID, "id", a.ID, b.ID)
	prof(fLogin, "login", a.Login, b.Login)
	prof(fDisplayName, "displayName", a.DisplayName, b.DisplayName)
	prof(fFullName, "fullName", a.FullName, b.FullName)
	prof(fGivenName, "givenName", a.GivenName, b.GivenName)
	prof(fFamilyName, "familyName", a.FamilyName, b.FamilyName)
	prof(fPrefix, "prefix", a.Prefix, b.Prefix)
	prof(fSuffix, "suffix", a.Suffix, b.Suffix)
	set(fEmails, "emails", a.Emails, b.Emails, c.emailNorm)
	set(fPhones, "phones", a.Phones, b.Phones, c.textNorm)
	set(fFaxes, "faxes", a.Faxes, b.Faxes, c.textNorm)
	prof(fPager, "pager", a.Pager, b.Pager)
	if c.has(fTelecoms) && !slices.Equal(a.Telecoms, b.Telecoms) {
		set(fTelecoms, "telecoms", telecomStrings(a.Telecoms), telecomStrings(b.Telecoms), c.textNorm)
	}
	prof(fOrganization, "organization", a.Organization, b.Organization)
	prof(fOrganizationID, "organizationId", a.OrganizationID, b.OrganizationID)
	if n := c.orgNames; n != nil {
		if old, new := orgName(a, n[0]), orgName(b, n[1]); !c.eqText(old, new) {
			c.add(Change{Event: ProfileChange, User: login, Target: target, ValueType: "organization", Old: c.text(old), New: c.text(new)})
		}
	}
	if c.has(fAddresses) && !slices.EqualFunc(a.Addresses, b.Addresses, equalAddress) {
		set(fAddresses, "addresses", addressStrings(a.Addresses), addressStrings(b.Addresses), c.textNorm)
	}
	set(fCertificates, "certificates", a.Certificates, b.Certificates, c.textNorm)
	prof(fPicture, "picture", c.pictureString(a.Picture), c.pictureString(b.Picture))
	prof(fLocale, "locale", a.Locale, b.Locale)
	prof(fType, "type", a.Type, b.Type)
	prof(fCategory, "category", string(a.Category), string(b.Category))
	if c.has(fExternal) && a.External != b.External {
		c.add(Change{Event: ProfileChange, User: login, Target: target, ValueType: "external", Old: yesNo(a.External), New: yesNo(b.External)})
	}
	if c.has(fGroups) && !slices.Equal(a.Groups, b.Groups) {
		set(fGroups, "groups", groupStrings(a.Groups), groupStrings(b.Groups), c.textNorm)
	}
	c.assignments(login, target, a.Assignments, b.Assignments)
	if c.has(fExtensions) {
		c.extensions(login, target, userAttr, a.Source, b.Source, names)
	}
	c.userListings(login, target, a, b, names, studies)
}

func yesNo(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// assignment is one assignment with the strings it is compared and shown by.
type assignment struct {
	study, site string
	env         mapping.Environment
	cmp, show   string
}

func (c *comparer) prepare(as []mapping.Assignment) []assignment {
	out := make([]assignment, len(as))
	for i, a := range as {
		x := assignment{study: strings.TrimSpace(a.Study), site: strings.TrimSpace(a.Site), env: a.Environment}
		name := c.text(a.Role.Name)
		if name == "" {
			name = string(a.Role.Canonical)
		}
		var cmpRole string
		switch {
		case !c.has(fRoles):
		case c.byName:
			cmpRole = name
		default:
			cmpRole = string(a.Role.Canonical)
		}
		extra := c.extra(a)
		if x.site == "" && a.Scope == mapping.ScopeSite {
			// A site-level role that names no site (an OpenClinica 4 user table's) is not
			// the role at the study level, which holds it at every site.
			extra = siteless + extra
		}
		x.cmp = cmpRole + extra
		x.show = name + extra
		if !c.has(fRoles) {
			x.show = strings.TrimSpace(extra)
		}
		out[i] = x
	}
	slices.SortFunc(out, func(p, q assignment) int {
		return cmp.Or(strings.Compare(p.study, q.study), cmp.Compare(p.env, q.env), strings.Compare(p.site, q.site),
			strings.Compare(p.cmp, q.cmp), strings.Compare(p.show, q.show))
	})
	return out
}

// siteless marks a ROLE_CHANGE value of a site-level assignment that names no site.
const siteless = " (site level, no site named)"

// extra returns what an assignment is compared and shown by besides its role: its dates
// and depots, when the profiles hold them.
func (c *comparer) extra(a mapping.Assignment) string {
	var extra strings.Builder
	if c.has(fDates) {
		if a.From != "" {
			extra.WriteString(" from " + strings.TrimSpace(a.From))
		}
		if a.To != "" {
			extra.WriteString(" to " + strings.TrimSpace(a.To))
		}
	}
	if c.has(fDepots) && len(a.Depots) > 0 {
		ds := make([]string, 0, len(a.Depots))
		for _, d := range a.Depots {
			if d = c.text(d); d != "" {
				ds = append(ds, d)
			}
		}
		slices.Sort(ds)
		if len(ds) > 0 {
			extra.WriteString(" depots " + strings.Join(ds, ", "))
		}
	}
	return extra.String()
}

func sameAssignments(a, b []mapping.Assignment) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

// Label returns the audit log's VALUE TYPE of an assignment: "STUDY (ENVIRONMENT)-SITE",
// or "STUDY (ENVIRONMENT)" for a study-level one.
func Label(a mapping.Assignment) string {
	return label(strings.TrimSpace(a.Study), strings.TrimSpace(a.Site), a.Environment)
}

func label(study, site string, env mapping.Environment) string {
	if env == "" {
		env = mapping.EnvProduction
	}
	s := study
	if !namesEnv(study, env) {
		s += " (" + string(env) + ")"
	}
	if site != "" {
		s += "-" + site
	}
	return s
}

// namesEnv reports whether a study OID already ends with its environment in parentheses,
// as Rave's "Mediflex(Prod)" and OpenClinica's "S_DEMO(TEST)" do.
func namesEnv(study string, env mapping.Environment) bool {
	i := strings.LastIndexByte(study, '(')
	if i < 0 || !strings.HasSuffix(study, ")") {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(study[i+1 : len(study)-1])) {
	case "prod", "production", "live":
		return env == mapping.EnvProduction
	case "test", "uat", "dev":
		return env == mapping.EnvTest
	case "training", "train", "trn":
		return env == mapping.EnvTraining
	case "design":
		return env == mapping.EnvDesign
	}
	return false
}

// assignments reports one ROLE_CHANGE per study, environment and site whose roles differ.
func (c *comparer) assignments(login, target string, as, bs []mapping.Assignment) {
	if sameAssignments(as, bs) {
		return
	}
	pa, pb := c.prepare(as), c.prepare(bs)
	i, j := 0, 0
	less := func(p, q assignment) int {
		return cmp.Or(strings.Compare(p.study, q.study), cmp.Compare(p.env, q.env), strings.Compare(p.site, q.site))
	}
	for i < len(pa) || j < len(pb) {
		var group assignment
		switch {
		case j == len(pb):
			group = pa[i]
		case i == len(pa):
			group = pb[j]
		case less(pa[i], pb[j]) <= 0:
			group = pa[i]
		default:
			group = pb[j]
		}
		ie, je := i, j
		for ie < len(pa) && less(pa[ie], group) == 0 {
			ie++
		}
		for je < len(pb) && less(pb[je], group) == 0 {
			je++
		}
		ga, gb := pa[i:ie], pb[j:je]
		i, j = ie, je
		if sameGroup(ga, gb) {
			continue
		}
		c.add(Change{Event: RoleChange, User: login, Target: target, ValueType: label(c.studyLabel(group.study), c.siteLabel(group.site), group.env),
			Old: joinShow(ga), New: joinShow(gb)})
	}
}

// sameGroup reports whether two sorted groups hold the same set of compared values.
func sameGroup(a, b []assignment) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i].cmp != b[j].cmp {
			return false
		}
		v := a[i].cmp
		for i < len(a) && a[i].cmp == v {
			i++
		}
		for j < len(b) && b[j].cmp == v {
			j++
		}
	}
	return i == len(a) && j == len(b)
}

func joinShow(g []assignment) string {
	var parts []string
	for _, x := range g {
		if x.show != "" && !slices.Contains(parts, x.show) {
			parts = append(parts, x.show)
		}
	}
	if len(parts) == 0 && len(g) > 0 {
		return "(no role)"
	}
	return strings.Join(parts, "; ")
}

// sites compares the site lists, joined by OID.
func (c *comparer) sites(as, bs []*mapping.Site) {
	if !c.has(fSites) {
		return
	}
	sortSites := func(in []*mapping.Site) []*mapping.Site {
		out := make([]*mapping.Site, 0, len(in))
		for _, s := range in {
			if s != nil {
				out = append(out, s)
			}
		}
		slices.SortStableFunc(out, func(x, y *mapping.Site) int { return strings.Compare(strings.TrimSpace(x.ID), strings.TrimSpace(y.ID)) })
		return out
	}
	sa, sb := sortSites(as), sortSites(bs)
	i, j := 0, 0
	for i < len(sa) || j < len(sb) {
		switch {
		case j == len(sb) || (i < len(sa) && strings.TrimSpace(sa[i].ID) < strings.TrimSpace(sb[j].ID)):
			c.add(Change{Event: SiteRemoved, Target: siteTarget(sa[i])})
			i++
		case i == len(sa) || strings.TrimSpace(sb[j].ID) < strings.TrimSpace(sa[i].ID):
			c.add(Change{Event: SiteAdded, Target: siteTarget(sb[j])})
			j++
		default:
			c.site(sa[i], sb[j])
			i++
			j++
		}
	}
}

func siteTarget(s *mapping.Site) string {
	id := strings.TrimSpace(s.ID)
	name := collapse(s.Name)
	if name == "" {
		return "(" + id + ")"
	}
	return name + " (" + id + ")"
}

func (c *comparer) site(a, b *mapping.Site) {
	target := siteTarget(b)
	// As for a user: a field whose listings differ is compared listing by listing.
	names, studies := listed(a.Source, b.Source)
	prop := func(f field, name, old, new string) {
		if c.has(f) && !isListed(names, name) && !c.eqText(old, new) {
			c.add(Change{Event: SiteChange, Target: target, ValueType: name, Old: old, New: new})
		}
	}
	set := func(f field, name string, old, new []string) {
		if !c.has(f) {
			return
		}
		if o, n, diff := c.setDiff(old, new, c.textNorm); diff {
			c.add(Change{Event: SiteChange, Target: target, ValueType: name, Old: o, New: n})
		}
	}
	prop(sName, "name", a.Name, b.Name)
	prop(sType, "type", a.Type, b.Type)
	prop(sNumber, "number", a.Number, b.Number)
	prop(sCountry, "country", a.Country, b.Country)
	prop(sTimeZone, "timeZone", a.TimeZone, b.TimeZone)
	prop(sLocale, "locale", a.Locale, b.Locale)
	if c.has(sActive) && !isListed(names, "active") && a.Active != b.Active {
		c.add(Change{Event: SiteChange, Target: target, ValueType: "active", Old: yesNo(a.Active), New: yesNo(b.Active)})
	}
	prop(sOrganization, "organization", a.Organization, b.Organization)
	prop(sDescription, "description", a.Description, b.Description)
	if c.has(sVersions) && !slices.Equal(a.Versions, b.Versions) {
		set(sVersions, "versions", c.versionStrings(a.Versions), c.versionStrings(b.Versions))
	}
	if c.has(sAddresses) && !slices.EqualFunc(a.Addresses, b.Addresses, equalAddress) {
		set(sAddresses, "addresses", addressStrings(a.Addresses), addressStrings(b.Addresses))
	}
	if c.has(sTelecoms) && !slices.Equal(a.Telecoms, b.Telecoms) {
		set(sTelecoms, "telecoms", telecomStrings(a.Telecoms), telecomStrings(b.Telecoms))
	}
	prop(sStudy, "study", a.Study, b.Study)
	if c.has(fExtensions) {
		c.extensions("", target, siteAttr, a.Source, b.Source, names)
	}
	c.siteListings(target, a, b, names, studies)
}

func (c *comparer) versionStrings(vs []mapping.StudyVersion) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		s := strings.TrimSpace(v.Study) + "/" + strings.TrimSpace(v.Version) + " from " + strings.TrimSpace(v.Effective)
		if v.Number != "" && c.has(sNumber) && c.same {
			s += " number " + strings.TrimSpace(v.Number)
		}
		out[i] = s
	}
	return out
}
