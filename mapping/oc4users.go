package mapping

import (
	"encoding/csv"
	"errors"
	"io"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/odmadmin/odmadmin/internal/csvcell"
	"github.com/odmadmin/odmadmin/odm"
)

// ProfileOC4Users is OpenClinica 4's user table ("OpenClinica 4: Using OpenClinica as an
// Administrator"): the study "User
// Administration" table (First, Last, Username, Email, Organization, Phone, Role, Type,
// Status, Created (UTC), Updated (UTC)) and the central "Administration" table (E-mail,
// Roles, and Last Login (UTC) besides), as CSV or .xlsx. OpenClinica's ODM export has no
// logins, e-mail addresses, roles or statuses; this table has them.
const ProfileOC4Users Profile = "oc4users"

// NSOC4Users is the namespace of the Source attributes that keep the table's values the
// model has no field for (Type, Created (UTC), Updated (UTC), Last Login (UTC)), so that
// writing the table back restores them. ODM writers of other profiles leave them out.
// Created and Updated are those of the account's first row; each role on a later row
// whose times differ has its own in a RoleTimes attribute (see oc4RoleTimes), since the
// study table gives every role its own times and the model's From is a date only.
const NSOC4Users = "urn:odmadmin:oc4users"

// oc4RoleTimes is the name of the Source attribute that keeps one role's times: its value
// is a CSV record of the study, the role as named, Created (UTC) and Updated (UTC).
const oc4RoleTimes = "RoleTimes"

// roleTimesAttr returns the attribute that keeps the times of the role name in study.
func roleTimesAttr(study, role, created, updated string) Attr {
	var b strings.Builder
	cw := csv.NewWriter(&b)
	_ = cw.Write([]string{study, role, created, updated}) // a strings.Builder does not fail
	cw.Flush()
	return Attr{Space: NSOC4Users, Name: oc4RoleTimes, Value: strings.TrimSuffix(b.String(), "\n")}
}

// roleTimesKey is what a RoleTimes attribute is found by: the study, the role as named
// and the role's start (the date of its Created time, as the assignment's From has it),
// since one role given twice with different starts is two assignments.
type roleTimesKey struct{ study, role, from string }

// keyedAttr returns the key of a Source attribute of which a record holds a list, one
// value per key, for merging records (mergeSource): an OpenClinica 4 table's RoleTimes,
// one per role.
func keyedAttr(a Attr) (string, bool) {
	if a.Space != NSOC4Users || a.Name != oc4RoleTimes {
		return "", false
	}
	k, _, _, _ := parseRoleTimes(a.Value)
	return k.study + "\x00" + k.role + "\x00" + k.from, true
}

// parseRoleTimes reads a RoleTimes attribute's value.
func parseRoleTimes(v string) (k roleTimesKey, created, updated string, ok bool) {
	r := csv.NewReader(strings.NewReader(v))
	r.FieldsPerRecord = 4
	rec, err := r.Read()
	if err != nil {
		return k, "", "", false
	}
	k = roleTimesKey{study: rec[0], role: rec[1]}
	if iso, ok := parseOC4Time(rec[2]); ok {
		k.from = iso[:10]
	}
	return k, rec[2], rec[3], true
}

// oc4AttrNames are the Source attribute names (XML names) of the columns kept verbatim.
var oc4AttrNames = map[string]string{"Type": "Type", "Created (UTC)": "Created", "Updated (UTC)": "Updated", "Last Login (UTC)": "LastLogin"}

// OC4Time is the layout of the table's times: DD-MMM-YYYY HH:MM, UTC.
const OC4Time = "02-Jan-2006 15:04"

// oc4Columns are the table's columns, folded as roleKey folds, by canonical name.
var oc4Columns = map[string]string{
	"first": "First", "firstname": "First",
	"last": "Last", "lastname": "Last",
	"username": "Username", "user": "Username",
	"email": "Email", "e-mail": "Email",
	"organization": "Organization", "organisation": "Organization",
	"phone": "Phone",
	"role":  "Role", "roles": "Roles",
	"type": "Type", "status": "Status",
	"created(utc)": "Created (UTC)", "created": "Created (UTC)",
	"updated(utc)": "Updated (UTC)", "updated": "Updated (UTC)",
	"lastlogin(utc)": "Last Login (UTC)", "lastlogin": "Last Login (UTC)",
	"actions": "Actions",
}

// oc4StudyColumns are the columns WriteOC4Users writes: the study table's, without Actions.
var oc4StudyColumns = []string{"First", "Last", "Username", "Email", "Organization", "Phone", "Role", "Type", "Status", "Created (UTC)", "Updated (UTC)"}

// IsOC4UsersHeader reports whether row heads an OpenClinica 4 user table: it has Username,
// Type and Status columns and a Role or Roles column.
func IsOC4UsersHeader(row []string) bool {
	seen := map[string]bool{}
	for _, h := range row {
		if c, ok := oc4Columns[roleKey(strings.TrimPrefix(h, "\ufeff"))]; ok {
			seen[c] = true
		}
	}
	return seen["Username"] && seen["Type"] && seen["Status"] && (seen["Role"] || seen["Roles"])
}

// oc4SiteRoles are the display names OpenClinica 4 gives site-level roles ("OpenClinica 4:
// Using OpenClinica as an Administrator"); any other name is a study-level role. "Investigator" and
// "Clinical Research Coordinator" exist at site level only; "Site Monitor" is the site
// form of "Study Monitor".
var oc4SiteRoles = map[string]bool{
	"investigator": true, "clinicalresearchcoordinator": true, "crc": true, "sitemonitor": true,
	"siteviewer": true, "sitedataentryperson": true, "sitedataentryperson2": true, "dataentryperson2": true,
	"siteinvestigator": true, "sitedatamanager": true, "sitestudydirector": true,
}

// oc4Scope returns the scope of an OpenClinica 4 role display name. A custom role ("CRC
// (TEST)") has the scope of its base role.
func oc4Scope(name string) Scope {
	k := roleKey(stripLabel(name))
	if oc4SiteRoles[k] || strings.HasPrefix(k, "site") {
		return ScopeSite
	}
	return ScopeStudy
}

// stripLabel removes a trailing parenthesized label: OpenClinica 4 custom roles are a base
// role plus a label ("CRC (TEST)").
func stripLabel(name string) string {
	t := strings.TrimSpace(name)
	if strings.HasSuffix(t, ")") {
		if i := strings.LastIndexByte(t, '('); i > 0 {
			return strings.TrimSpace(t[:i])
		}
	}
	return t
}

// ReadOC4Users reads an OpenClinica 4 user table: the study User Administration table (one
// row per user and role: a user with several roles is on several rows) or the central
// Administration table (Roles lists the roles, separated by "," or ";" or line breaks; an
// item "STUDY: Role" names its study). Username is the login and the user ID; Status is the
// account status (Created, Invited, Available, Deactivated); Type Admin makes the user a
// System user. A role's scope (study or site) follows from its name; the table does not
// say at which site a site-level role applies, so such an assignment names no site and is
// reported (the Clinical One template writer then leaves it out rather than grant it at
// every site). Created (UTC) is the date the role was given (the assignment's From). Times
// are DD-MMM-YYYY HH:MM (ISO 8601 accepted); Type and the times are also kept verbatim for
// writing the table back, each role's own Created and Updated included (see NSOC4Users). Assignments are in opts.Study (Production, or Test when the
// study OID ends in "(TEST)").
func ReadOC4Users(cr RowReader, opts Options) (*Directory, []Warning, error) {
	users := &loginUsers{byLogin: map[string]*User{}, list: []*User{}}
	d, ws, err := readOC4Users(cr, opts, users)
	if err != nil {
		return nil, nil, err
	}
	d.Users = users.list
	return d, ws, nil
}

// readOC4Users is ReadOC4Users with its users, found by login, in users (held, or compact
// records: see ReadCompact); the directory it returns has none.
func readOC4Users(cr RowReader, opts Options, users templateUsers) (*Directory, []Warning, error) {
	var w warner
	t, header, err := readTable(cr, &w, "user table", oc4Columns, "not a column of the OpenClinica 4 user table; its values are left out")
	if err != nil {
		return nil, nil, err
	}
	if !IsOC4UsersHeader(header) {
		return nil, nil, errors.New("mapping: not an OpenClinica 4 user table (want Username, Role or Roles, Type and Status columns)")
	}
	env := envFromStudyOID(opts.Study)
	if env == "" {
		env = EnvProduction
	}
	d := &Directory{Studies: []*Study{}, Sites: []*Site{}, Users: []*User{}, Source: &FileSource{Vendor: ProfileOC4Users}}
	if opts.Study != "" {
		d.Studies = append(d.Studies, &Study{ID: opts.Study, Environment: env})
	}
	for {
		more, err := t.next()
		if err != nil {
			return nil, nil, err
		}
		if !more {
			break
		}
		if blankRow(t.rec) {
			continue
		}
		get, subject := t.get, t.subject()
		login := get("Username")
		if login == "" {
			w.addAt(CodeInvalidValue, "table/Username", subject, "a row without Username identifies nobody; skipped", t.at("Username"))
			continue
		}
		u := &User{ID: login, Login: login, GivenName: get("First"), FamilyName: get("Last"), Organization: get("Organization"),
			Emails: []string{}, Phones: []string{}, Groups: []GroupRef{}, Assignments: []Assignment{},
			Source: &Source{Vendor: ProfileOC4Users}}
		if e := get("Email"); e != "" {
			u.Emails = append(u.Emails, e)
		}
		if p := get("Phone"); p != "" {
			u.Phones = append(u.Phones, p)
		}
		switch typ := get("Type"); strings.ToLower(typ) {
		case "admin", "administrator":
			u.Category = CategorySystem
		case "user", "":
		default:
			w.addAt(CodeInvalidValue, "table/Type", subject, "not an OpenClinica 4 user type (Admin, User); kept as written", t.at("Type"))
		}
		switch s := get("Status"); strings.ToLower(s) {
		case "created":
			u.Status = StatusCreated
		case "invited":
			u.Status = StatusInvited
		case "available":
			u.Status = StatusAvailable
		case "deactivated":
			u.Status = StatusDeactivated
		case "active":
			// OpenClinica 3's word, and others' (the site-level status of a role):
			// read as OpenClinica 4's, with a warning, for the value changes.
			u.Status = StatusAvailable
			w.addAt(CodeNormalized, "table/Status", subject, "not an OpenClinica 4 account status; read as Available", t.at("Status"))
		case "removed", "locked":
			u.Status = StatusDeactivated
			w.addAt(CodeNormalized, "table/Status", subject, "not an OpenClinica 4 account status; read as Deactivated", t.at("Status"))
		case "":
		default:
			w.addAt(CodeInvalidValue, "table/Status", subject, "not an OpenClinica 4 account status (Created, Invited, Available, Deactivated); left empty", t.at("Status"))
		}
		from := ""
		for _, c := range []string{"Type", "Created (UTC)", "Updated (UTC)", "Last Login (UTC)"} {
			name := oc4AttrNames[c]
			v := get(c)
			if v == "" {
				continue
			}
			if c != "Type" && !strings.EqualFold(v, "never") {
				iso, ok := parseOC4Time(v)
				if !ok {
					w.addAt(CodeInvalidValue, "table/"+c, subject, "not a time (want DD-MMM-YYYY HH:MM); kept as written", t.at(c))
				} else if c == "Created (UTC)" {
					from = iso[:10]
				}
			}
			u.Source.Attrs = append(u.Source.Attrs, Attr{Space: NSOC4Users, Name: name, Value: v})
		}
		created, updated := get("Created (UTC)"), get("Updated (UTC)")
		var roles, roleCols []string // each role, and the column it is in
		if r := get("Role"); r != "" {
			roles, roleCols = append(roles, r), append(roleCols, "Role")
		}
		if r := get("Roles"); r != "" {
			for _, x := range splitList(r) {
				roles, roleCols = append(roles, x), append(roleCols, "Roles")
			}
		}
		for i, r := range roles {
			study := opts.Study
			if s, name, ok := strings.Cut(r, ":"); ok && strings.TrimSpace(name) != "" {
				study, r = strings.TrimSpace(s), strings.TrimSpace(name)
			}
			scope := oc4Scope(r)
			a := Assignment{Study: study, Scope: scope, Environment: env, From: from, Role: RoleFor(ProfileOC4Users, r, scope)}
			if scope == ScopeSite {
				w.addAt(CodeApproximated, "table/Role", subject, "a site-level role, but the table does not say at which site; the assignment names no site", t.at(roleCols[i]))
			}
			if a.Role.Canonical == RoleOther {
				w.addAt(CodeUnknownRole, "table/Role", subject, "role name not in the vocabulary; mapped to Other: "+r, t.at(roleCols[i]))
			}
			u.Assignments = append(u.Assignments, a)
		}
		if prev, ok := users.find(LoginKey(login)); ok {
			if prev.Login != login {
				// OpenClinica 4 takes usernames in any letter case (see LoginKey): the
				// row is another role of the earlier row's account, in its spelling.
				w.addAt(CodeMergeConflict, "table/Username", subject, "the Username is on an earlier row in other letter case; read as that row's account, whose spelling is kept", t.at("Username"))
				u.ID, u.Login = prev.ID, prev.Login // reported above, not again by mergeUser
			}
			// Another role of the same account: its own Created time is the role's (its
			// From), and its Created and Updated are kept for writing the table back
			// where they are not the account's first row's, which the user holds.
			for _, a := range u.Assignments {
				users.assigns().add(prev, a)
			}
			u.Assignments = nil
			u.Source.Attrs = slices.DeleteFunc(u.Source.Attrs, func(a Attr) bool { return a.Name != "Type" })
			mergeUser(&w, prev, u)
			var first [2]string
			for _, a := range prev.Source.Attrs {
				if a.Name == oc4RoleTimes {
					break // the first row's attributes come first; a user of many roles has many of these
				}
				switch {
				case a.Space == NSOC4Users && a.Name == "Created":
					first[0] = a.Value
				case a.Space == NSOC4Users && a.Name == "Updated":
					first[1] = a.Value
				}
			}
			if first != [2]string{created, updated} {
				for _, r := range roles {
					study := opts.Study
					if s, name, ok := strings.Cut(r, ":"); ok && strings.TrimSpace(name) != "" {
						study, r = strings.TrimSpace(s), strings.TrimSpace(name)
					}
					prev.Source.Attrs = append(prev.Source.Attrs, roleTimesAttr(study, r, created, updated))
				}
			}
			continue
		}
		users.add(u)
	}
	return d, w.result(), nil
}

// parseOC4Time reads "10-May-2018 17:57" (any letter case) or ISO 8601 into
// "2018-05-10T17:57:00".
func parseOC4Time(s string) (string, bool) {
	t := titleMonth(strings.TrimSpace(s))
	for _, layout := range []string{OC4Time, "2-Jan-2006 15:04", "02-Jan-2006 15:04:05", "02-Jan-2006", time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if v, err := time.Parse(layout, t); err == nil {
			return v.UTC().Format("2006-01-02T15:04:05"), true
		}
	}
	return "", false
}

// WriteOC4Users writes the directory as OpenClinica 4's study User Administration table
// (CSV, without the Actions column) of study opts.Study, else of the directory's only
// study (several are an error, as for WriteClinicalOneCSV): one row per user and role in
// the study, a user without any access on one row with an empty Role. Each user is
// written as the study's own listing has it (User.InStudy: the Status of a Rave user
// deactivated in this study environment is Deactivated). The table is one
// study's in one environment (its OID's, "S_X(TEST)", else Production: what ReadOC4Users
// reads it as), so access to another study or in another environment is left out
// (CodeUnrepresentable, Assignment/study and Assignment/environment), and so is access
// that ended before opts.Now (Assignment/to: the table lists current access); a user with
// no access left gets no row (User). The table has no end date or depots: an end to come
// and depots are reported (Assignment/to, Assignment/depots), and so is a full name that is
// not First and Last joined (User/FullName). Access with no role is written on a row with
// an empty Role, which reads back as no access (CodeInvalidValue, table/Role). A user
// written under the Username of an earlier user, trimmed and letter case aside (the
// OpenClinica 4 login is not case sensitive), is reported (CodeUnrepresentable,
// table/Username, counted by user): OpenClinica 4 has one account per username. Roles read
// from another vendor are written by their OpenClinica display name for the canonical
// role and scope (reported), else as named: a site-level role by its site form ("Site
// Monitor", "Site Data Manager"), so that the table reads back at the level it was
// written; a role whose name reads back at another level (a System Administrator at a
// site) is reported. Type is Admin for System users, else User. Created (UTC) and Updated
// (UTC) come from a table read before, each role's own; otherwise Created is the
// assignment's start at 00:00 (reported) and Updated is left empty.
func WriteOC4Users(wr io.Writer, dir *Directory, opts Options) ([]Warning, error) {
	if dir == nil {
		return nil, errors.New("mapping: no directory")
	}
	study, err := oc4TableStudy(dir, slices.Values(dir.Users), opts)
	if err != nil {
		return nil, err
	}
	return writeOC4Users(wr, dir, slices.Values(dir.Users), len(dir.Users), study, opts)
}

// oc4TableStudy returns the study the OpenClinica 4 study table is written for, as
// clinicalOneStudy finds the template's: opts.Study, else the directory's only study,
// else "" when it names none; a directory of several studies is an error.
func oc4TableStudy(dir *Directory, users iter.Seq[*User], opts Options) (string, error) {
	return tableStudy(dir, users, opts, "the OpenClinica 4 study table")
}

// oc4Env is the environment an OpenClinica 4 study table of study holds: the one its
// OID names ("S_X(TEST)"), else Production, as ReadOC4Users reads it.
func oc4Env(study string) Environment {
	if env := envFromStudyOID(study); env != "" {
		return env
	}
	return EnvProduction
}

// writeOC4Users writes the table of study's users, one user at a time; d (its users not
// read) names the organizations users refer to by OID and has what the table leaves out;
// count is how many users users hands on at most (0: not known).
func writeOC4Users(wr io.Writer, d *Directory, users iter.Seq[*User], count int, study string, opts Options) ([]Warning, error) {
	o := newOC4Writer(d.OrganizationNames(), study, opts)
	ws, err := o.write(wr, users, count, opts)
	if err != nil || d == nil {
		return ws, err
	}
	// The table holds users only: what else the directory has is left out, reported as
	// other writes report it, with counts.
	return tableLeftOut(ws, "the user table holds users only", len(d.Sites), len(d.Organizations), len(d.Signatures), d), nil
}

// tableLeftOut adds to ws the warnings of a table writer (the OpenClinica 4 user table,
// the Clinical One template) for what of d it has no place for, with counts: sites (when
// the table names none of their details), organizations and signature definitions (given
// as counts: a template's read keeps none of them, only their number), group definitions
// and AdminData's vendor elements. why says what the table holds.
func tableLeftOut(ws []Warning, why string, sites, orgs, sigs int, d *Directory) []Warning {
	return leftOutOf(sites, orgs, sigs, d).warn(ws, why)
}

// leftOut counts what a table writer leaves out of a directory (tableLeftOut). Taken
// before the rows are written, it holds nothing of the directory: the writers let go of
// its sites while they write.
type leftOut struct{ sites, orgs, sigs, groups, elems int }

func leftOutOf(sites, orgs, sigs int, d *Directory) leftOut {
	l := leftOut{sites: sites, orgs: orgs, sigs: sigs, groups: len(d.Groups)}
	if d.Source != nil {
		for _, b := range d.Source.Blocks {
			l.elems += len(b.Elements)
		}
	}
	return l
}

func (l leftOut) warn(ws []Warning, why string) []Warning {
	w := warner{list: ws}
	for _, x := range []struct {
		n            int
		field, label string
	}{
		{l.sites, "Location", "sites"}, {l.orgs, "Organization", "organizations"},
		{l.sigs, "SignatureDef", "signature definitions"}, {l.groups, "Group", "group definitions"},
		{l.elems, "AdminData", "vendor elements of AdminData"},
	} {
		if x.n > 0 {
			w.addN(CodeUnrepresentable, x.field, "", why+"; the "+x.label+" are left out", x.n)
		}
	}
	return w.result()
}

// oc4Row is a row of the study table (oc4StudyColumns) in comparable form.
type oc4Row [11]string

// oc4Writer writes the study table. A user's rows and the role names reported for it are
// sets: an account of n roles has n rows, and looking each new row up among all those
// before it cost n² comparisons (20,000 roles: 6.8 s of `map --to oc4users`).
type oc4Writer struct {
	study    string                     // the table's study ("" when the input names none)
	env      Environment                // the table's environment, as its study's OID names it
	today    string                     // ISO date: access that ended before it is not written
	envMsg   string                     // the warning of access in another environment, made once
	orgs     map[string]string          // organization names by ID (ODM 2.0 users refer to one by OID)
	times    map[roleTimesKey][2]string // the user's RoleTimes (Created, Updated), nil when it has none
	rows     smallSet[oc4Row]
	verbatim smallSet[string]
	scans    int // rows and role names looked up or indexed, for tests
}

// newOC4Writer returns the writer of study's table; orgs are the organization names by ID.
func newOC4Writer(orgs map[string]string, study string, opts Options) *oc4Writer {
	o := &oc4Writer{orgs: orgs, study: study, env: oc4Env(study), today: opts.now().Format("2006-01-02")}
	o.envMsg = "the study table is for one environment, " + string(o.env) + " (Test when the study OID ends in (TEST)); access in other environments is left out"
	return o
}

// smallSet is a list of distinct values in the order added. A few are compared one by one,
// which costs less than a map and is what almost every user has; past assignIndexMin
// they are found in an index.
type smallSet[K comparable] struct {
	list []K
	idx  map[K]struct{}
}

// reset empties s, keeping the list's storage for the next user; the index is dropped,
// since clearing a large one costs its size for every user after it.
func (s *smallSet[K]) reset() { s.list, s.idx = s.list[:0], nil }

// add adds k unless s has it, and reports whether it did; *scans counts the values
// compared or indexed.
func (s *smallSet[K]) add(k K, scans *int) bool {
	if s.idx == nil && len(s.list) < assignIndexMin {
		for _, x := range s.list {
			*scans++
			if x == k {
				return false
			}
		}
		s.list = append(s.list, k)
		return true
	}
	if s.idx == nil {
		s.idx = make(map[K]struct{}, 2*len(s.list))
		for _, x := range s.list {
			*scans++
			s.idx[x] = struct{}{}
		}
	}
	*scans++
	if _, ok := s.idx[k]; ok {
		return false
	}
	s.idx[k] = struct{}{}
	s.list = append(s.list, k)
	return true
}

// has reports whether s has k.
func (s *smallSet[K]) has(k K, scans *int) bool {
	if s.idx == nil {
		for _, x := range s.list {
			*scans++
			if x == k {
				return true
			}
		}
		return false
	}
	*scans++
	_, ok := s.idx[k]
	return ok
}

// write writes the table of users, of whom there are count at most (0: not known), which
// the set of Usernames written is sized for.
func (o *oc4Writer) write(wr io.Writer, users iter.Seq[*User], count int, opts Options) ([]Warning, error) {
	var w warner
	cw := csv.NewWriter(wr)
	if err := cw.Write(oc4StudyColumns); err != nil {
		return nil, err
	}
	if err := o.writeRows(cw.Write, &w, users, count, opts); err != nil {
		return nil, err
	}
	cw.Flush()
	return w.result(), cw.Error()
}

// writeRows hands write each row of users (no header), the warnings added to w: write's own
// part of write, and what a patch of the table into its base compares a user's rows with
// (baseSide.rows), one user at a time and one warner for them all.
func (o *oc4Writer) writeRows(write func([]string) error, w *warner, users iter.Seq[*User], count int, opts Options) error {
	// The Usernames written, letter case aside, to report a user written under one an
	// earlier user has (sharedLogins).
	logins := newSharedLogins(count, true, w, "table/Username", sharedUsernameMsg)
	for u := range users {
		if u == nil {
			continue
		}
		// The user as the study's own listing has it (a Rave user is listed per study
		// environment, each with its own mdsol:Active): the rows are that study's.
		if o.study != "" {
			u = u.InStudy(o.study)
		}
		subject := "User " + u.ID
		attr := func(column string) string {
			name := oc4AttrNames[column]
			if u.Source != nil {
				for _, a := range u.Source.Attrs {
					if a.Space == NSOC4Users && a.Name == name {
						return a.Value
					}
				}
			}
			return ""
		}
		// The account's first row's times, and the roles' own (RoleTimes) by role, each
		// found once for the user: looked up for each of n roles, n² comparisons.
		created0, updated0 := attr("Created (UTC)"), attr("Updated (UTC)")
		o.times = nil
		if u.Source != nil {
			for _, a := range u.Source.Attrs {
				if a.Space != NSOC4Users || a.Name != oc4RoleTimes {
					continue
				}
				if k, c, up, ok := parseRoleTimes(a.Value); ok {
					if o.times == nil {
						o.times = map[roleTimesKey][2]string{}
					}
					if _, dup := o.times[k]; !dup {
						o.times[k] = [2]string{c, up}
					}
				}
			}
		}
		typ := attr("Type")
		if typ == "" {
			typ = "User"
			if u.Category == CategorySystem {
				typ = "Admin"
			}
		}
		email := ""
		if len(u.Emails) > 0 {
			email = u.Emails[0]
			if len(u.Emails) > 1 {
				w.add(CodeUnrepresentable, "User/Emails", subject, "the table has one e-mail per user; the first is written")
			}
		}
		phone := ""
		if len(u.Phones) > 0 {
			phone = u.Phones[0]
		}
		login := u.Login
		if login == "" {
			login = u.ID
			w.add(CodeGenerated, "table/Username", subject, "the user has no login; the user ID is written as Username")
		}
		given, family := u.GivenName, u.FamilyName
		if given == "" && family == "" && u.FullName != "" {
			w.add(CodeInvalidValue, "table/First", subject, "the user has a full name only, which is not split into first and last name")
		}
		if u.FullName != "" && !isJoinedName(u.FullName, given, family) {
			// First and Last are the names the table has: a full name that is not
			// them joined ("Grace Q. Fictional") is lost.
			w.addUser(CodeUnrepresentable, "User/FullName", u.ID, "the table has no full name, only First and Last; left out")
		}
		org := u.Organization
		if org == "" && u.OrganizationID != "" {
			// An ODM 2.0 user refers to its Organization: the table names it.
			if org = o.orgs[u.OrganizationID]; org == "" {
				w.add(CodeUnrepresentable, "User/OrganizationOID", subject, "the organization the user refers to has no name in the input; the Organization column is left empty")
			}
		}
		foreign := u.Source == nil || (u.Source.Vendor != ProfileOC4Users && u.Source.Vendor != ProfileOpenClinica)
		o.rows.reset()
		o.verbatim.reset()
		sites := false
		// A migration spec's names are written as it says, never swapped for display names.
		mapped := u.Source != nil && (roleVendor(u.Source.RolesFor) == ProfileOpenClinica || u.Source.RolesFor == RolesForAny)
		other, otherEnv, ended := 0, 0, 0
		ends, depots, roleless := false, false, false
		for _, a := range u.Assignments {
			// The study table is one study's, in one environment (its PRODUCTION and
			// TEST tables): read back, every row is in the table's study and
			// environment, so access elsewhere is left out, with a word.
			if a.Study != "" && a.Study != o.study {
				other++
				continue
			}
			if a.Environment != "" && a.Environment != o.env {
				otherEnv++
				continue
			}
			// The table lists current access, and has no end date: access that has ended
			// is left out (as from the Clinical One template), an end to come is lost.
			if a.To != "" && a.To < o.today {
				ended++
				continue
			}
			ends = ends || a.To != ""
			depots = depots || len(a.Depots) > 0
			role := a.Role.Name
			if foreign && !mapped && a.Role.Canonical != "" && a.Role.Canonical != RoleOther {
				if n := DefaultRoleName(ProfileOpenClinica, a.Role.Canonical, a.Scope); n != "" && n != role {
					w.add(CodeApproximated, "table/Role", subject, "another vendor's role is written by its OpenClinica display name")
					role = n
				}
			}
			// The table says a role's level by its name only: a name that reads back at
			// another level (a System Administrator at a site, another vendor's
			// site-level role kept by its name) changes the access.
			if role != "" && a.Scope != "" && oc4Scope(role) != a.Scope {
				if a.Scope == ScopeSite {
					w.add(CodeApproximated, "table/Role", subject, "a site-level role whose name OpenClinica 4 reads as a study-level role; read back, it is study-level")
				} else {
					w.add(CodeApproximated, "table/Role", subject, "a study-level role whose name OpenClinica 4 reads as a site-level role; read back, it is site-level")
				}
			}
			if !o.verbatim.has(role, &o.scans) {
				if msg := roleVerbatim(ProfileOC4Users, u, a.Role, role, a.Scope); msg != "" {
					o.verbatim.add(role, &o.scans)
					w.add(CodeRoleVerbatim, "table/Role", subject, msg)
				}
			}
			// The role's own times where its row's differ from the account's first row's.
			created, updated := created0, updated0
			if t, ok := o.times[roleTimesKey{a.Study, a.Role.Name, a.From}]; ok {
				created, updated = t[0], t[1]
			}
			if created != "" && !foreign && a.From != "" && !strings.HasPrefix(mustOC4ISO(created), a.From) {
				// Times of another row (the assignment's start was changed): not this
				// role's, neither of them.
				created, updated = "", ""
			}
			if created == "" {
				if a.From != "" {
					if t, err := time.Parse("2006-01-02", a.From); err == nil {
						created = t.Format(OC4Time)
						w.add(CodeGenerated, "table/Created (UTC)", subject, "the time of day is unknown; 00:00 is written")
					}
				}
			}
			if a.Site != "" {
				sites = true
			}
			roleless = roleless || role == ""
			o.rows.add(oc4Row{given, family, login, email, org, phone, role, typ, string(u.Status), created, updated}, &o.scans)
		}
		if other > 0 {
			w.addUser(CodeUnrepresentable, "Assignment/study", u.ID, "the study table is for one study; access to other studies is left out")
		}
		if otherEnv > 0 {
			w.addUser(CodeUnrepresentable, "Assignment/environment", u.ID, o.envMsg)
		}
		if len(o.rows.list) == 0 {
			if len(u.Assignments) > 0 {
				// Access only where the table has none, or ended: the study's table does
				// not list the user, and a row with an empty Role would add the user to it.
				if ended > 0 {
					w.addUser(CodeUnrepresentable, "User", u.ID, "the user's access to the study ended before today; not a current study user, no row is written")
				} else {
					w.addUser(CodeUnrepresentable, "User", u.ID, "the user has no access to the table's study and environment; no row is written")
				}
				continue
			}
			// A user without any access is on one row with an empty Role, which reads
			// back as such.
			o.rows.list = append(o.rows.list, oc4Row{given, family, login, email, org, phone, "", typ, string(u.Status), created0, updated0})
		}
		for i := range o.rows.list {
			r := o.rows.list[i][:]
			if !opts.RawCSV {
				for _, i := range csvcell.Row(r) {
					w.add(CodeNeutralized, "table/"+oc4StudyColumns[i], subject, "the value starts like a spreadsheet formula; it is written with a leading apostrophe")
				}
			}
			if i == 0 {
				// Each of a user's rows has its Username: one look-up a user.
				logins.note(r[2], u.ID)
			}
			if err := write(r); err != nil {
				return err
			}
		}
		if len(u.Phones) > 1 || len(u.Faxes) > 0 || len(u.Addresses) > 0 || u.DisplayName != "" && u.DisplayName != strings.TrimSpace(given+" "+family) {
			w.add(CodeUnrepresentable, "User/contact", subject, "the table has one phone and no fax, address or display name; they are left out")
		}
		if u.Prefix != "" || u.Suffix != "" || u.Pager != "" || len(u.Certificates) > 0 || u.Picture != nil || len(u.Telecoms) > 0 || u.Locale != "" {
			w.add(CodeUnrepresentable, "User/other", subject, "the table has no prefix, suffix, pager, certificate, picture, other telecom or locale; they are left out")
		}
		if sites {
			w.add(CodeUnrepresentable, "Assignment/site", subject, "the study table has no site column; a site-level role is written without its site")
		}
		if ended > 0 {
			w.addUser(CodeUnrepresentable, "Assignment/to", u.ID, "access that ended before today is not current; left out of the table")
		}
		if roleless {
			// As the Clinical One template's required Study Role: the row is written, but
			// a row without a role is read back as a user without access.
			w.addUser(CodeInvalidValue, "table/Role", u.ID, "the user has access to the study with no role; the Role is left empty, which reads back as no access")
		}
		if ends {
			w.addUser(CodeUnrepresentable, "Assignment/to", u.ID, "the table has no end date; a role that ends is written without its end, and reads back as not ending")
		}
		if depots {
			w.addUser(CodeUnrepresentable, "Assignment/depots", u.ID, "the table has no depots; they are left out")
		}
		if len(u.Groups) > 0 {
			w.add(CodeUnrepresentable, "User/group", subject, "the table has no groups; they are left out")
		}
		if u.Source != nil && u.Source.Vendor != ProfileOC4Users && len(u.Source.Attrs) > 0 {
			w.add(CodeExtensionDropped, "User/extension", subject, "another vendor's extension is left out")
		}
		if attr("Last Login (UTC)") != "" {
			w.add(CodeUnrepresentable, "table/Last Login (UTC)", subject, "the study table has no Last Login column; left out")
		}
		// Type is OpenClinica 4's Admin or User: an ODM UserType, and an account category
		// other than System (written as Admin), have no place in the table.
		if u.Type != "" {
			w.add(CodeUnrepresentable, "User/@UserType", subject, "the table's Type is OpenClinica 4's (Admin or User), not the ODM user type; left out")
		}
		if u.Category != "" && u.Category != CategorySystem {
			w.add(CodeUnrepresentable, "User/category", subject, "the table's Type is OpenClinica 4's (Admin or User) and holds no other account category; left out")
		}
		if attr("Type") == "" && u.Category != CategorySystem {
			w.add(CodeGenerated, "table/Type", subject, "the user has no OpenClinica 4 type; User is written")
		}
	}
	logins.flush()
	return nil
}

// sharedUsernameMsg is the warning of a user written under the Username of an earlier one.
const sharedUsernameMsg = "an earlier user of the table has the same Username (letter case aside): OpenClinica 4 has one account per username, in any letter case, so the two are one account; give one of them another login"

func mustOC4ISO(s string) string {
	iso, _ := parseOC4Time(s)
	return iso
}

// oc4UsersTable is the OpenClinica 4 user table as ReadAny tells it apart: by its header,
// or any table read with its profile.
type oc4UsersTable struct{ plainRoles }

func (oc4UsersTable) isHeader(row []string) bool { return IsOC4UsersHeader(row) }

// roleOwner: the table's role names are OpenClinica's.
func (oc4UsersTable) roleOwner() (Profile, string, string) {
	return ProfileOpenClinica, "OpenClinica", "--to oc4users"
}
func (oc4UsersTable) claims(h []string, p Profile) bool {
	return IsOC4UsersHeader(h) || p == ProfileOC4Users
}
func (oc4UsersTable) read(t RowReader, opts Options) (*Directory, []Warning, error) {
	return ReadOC4Users(t, opts)
}
func (oc4UsersTable) sheet() string { return "" }

// WriteOC4UsersFrom writes what WriteOC4Users writes for the directory FromReader would
// read from the ODM stream open returns, one user at a time, holding what WriteJSON
// holds. open returns the stream from its start: it is called once, or twice when
// opts.Study is empty and the directory's studies do not settle the table's study (it is
// then found from every user of a first read, as WriteClinicalOneCSVFrom finds the
// template's). It returns the reader's warnings, then the table's.
func WriteOC4UsersFrom(w io.Writer, open func() (*odm.Reader, error), opts Options) ([]Warning, error) {
	r, err := open()
	if err != nil {
		return nil, err
	}
	b, err := readStream(r, opts, true)
	if err != nil {
		return nil, err
	}
	study, known := opts.Study, opts.Study != ""
	if !known {
		study, known = b.templateStudyKnown(b.finishPrepare())
	}
	if !known {
		// The users name the study (or several: an error, with this read's warnings).
		ws, err := fromBuilder(b, opts, func(dir *Directory, users iter.Seq[*User]) ([]Warning, error) {
			var err error
			study, err = oc4TableStudy(dir, users, opts)
			return nil, err
		})
		if err != nil {
			return ws, err
		}
		if r, err = open(); err != nil {
			return nil, err
		}
		if b, err = readStream(r, opts, true); err != nil {
			return nil, err
		}
	}
	return fromBuilder(b, opts, func(d *Directory, users iter.Seq[*User]) ([]Warning, error) {
		// The table needs nothing of the sites and keeps nothing of a user but strings:
		// the builder lets go of the sites and builds each user in the memory of the one
		// before, as for the Clinical One template (templateRows). At a million users the
		// sites held as model values, marked by a collection every 9 MB of users built in
		// new memory, cost 249 collections.
		n := b.siteCount()
		b.letGoOfSites()
		b.reuseUsers = true
		return writeOC4Users(w, &Directory{Sites: make([]*Site, n), Organizations: d.Organizations, Signatures: d.Signatures, Groups: d.Groups, Source: d.Source}, users, int(b.nusers), study, opts)
	})
}

// siteCount is how many sites the builder holds (as values or packed).
func (b *builder) siteCount() int {
	if b.sitePack != nil {
		return b.sitePack.len()
	}
	return len(b.sites)
}
