package mapping

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/odmadmin/odmadmin/internal/brief"
	"github.com/odmadmin/odmadmin/internal/csvcell"
	"github.com/odmadmin/odmadmin/internal/ctxio"
	"github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/odm"
)

// clinicalOneColumns are the columns of Oracle Clinical One's user upload template ("Oracle
// Clinical One: About the User Upload template"), in the order WriteClinicalOneCSV writes
// them.
var clinicalOneColumns = []string{"First Name", "Last Name", "Email", "User Name", "Start Date", "End Date", "Study Role", "Sites", "Depots"}

// ClinicalOneColumns returns the template's column headers in order.
func ClinicalOneColumns() []string { return append([]string(nil), clinicalOneColumns...) }

// ClinicalOneColumn returns the template column a header cell names: the column's own
// name or another a hand-made upload uses for it (E-mail, Login, Role, Site, ...), in any
// letter case, with or without spaces and underscores. The template readers of map and
// plan both read columns through it, so that they read an upload the same way; telling
// a table is a template (IsClinicalOneHeader) takes the template's own names only.
func ClinicalOneColumn(header string) (string, bool) {
	switch roleKey(strings.TrimPrefix(header, "\ufeff")) {
	case "firstname", "givenname":
		return "First Name", true
	case "lastname", "familyname", "surname":
		return "Last Name", true
	case "email", "e-mail", "emailaddress", "e-mailaddress":
		return "Email", true
	case "username", "login", "loginname":
		return "User Name", true
	case "startdate":
		return "Start Date", true
	case "enddate":
		return "End Date", true
	case "studyrole", "role":
		return "Study Role", true
	case "sites", "site":
		return "Sites", true
	case "depots", "depot":
		return "Depots", true
	}
	return "", false
}

// ClinicalOneDate is the layout of dates WriteClinicalOneCSV writes: DD-MMM-YYYY, the
// format Oracle's user interfaces show ("05-Jan-2026"). Reading also accepts ISO 8601
// dates and date-times, and D-MMM-YYYY with any letter case.
const ClinicalOneDate = "02-Jan-2006"

// allWord is how the template says "every site" or "every depot".
const allWord = "All"

// ReadClinicalOneCSV reads a Clinical One user upload template saved as CSV (its "Clinical
// One Users" tab): one row per user and study. The template names no study, so every
// assignment gets opts.Study. Rows are Production assignments; with opts.Training each is
// duplicated into Training, as uploading with "Upload users to training mode" does. Sites
// "All" (or empty) gives a study-level assignment, otherwise one assignment per site,
// separated by ";" or ",". A user on several rows (an error report re-uploaded, several
// roles) is one User. Header names are matched ignoring case and spaces, under the
// other names ClinicalOneColumn takes (E-mail, Login, Role, ...); unknown columns,
// values in a column without a header (past the header's last cell, or under a blank one)
// and unreadable values are reported as warnings. A header naming a column twice is an
// error wrapping input.ErrDuplicateColumn: which of the two holds a row's value cannot be
// told.
//
// The separator (",", ";" or tab) is sniffed, a byte-order mark and UTF-16 are read, bytes
// that are not UTF-8 are an error giving line and column, and title rows above the header
// are skipped (the header is the first row naming template columns).
func ReadClinicalOneCSV(r io.Reader, opts Options) (*Directory, []Warning, error) {
	t, err := input.NewCSV(ctxio.Reader(opts.Context, r), "CSV", input.Options{}, input.TableOptions{IsHeader: IsClinicalOneHeader, Restore: true})
	if err != nil {
		return nil, nil, tableErr(templateWhat, err)
	}
	return ReadClinicalOneTable(t, opts)
}

// RowReader yields the rows of a table, header first, and io.EOF after the last; a
// csv.Reader is one. If it also has a method Row() int, warnings cite the row numbers it
// gives (a spreadsheet's), otherwise they count from 1 at the header.
type RowReader interface {
	Read() ([]string, error)
}

// IsClinicalOneHeader reports whether row is the user upload template's header row: it
// names at least three of the template's columns.
func IsClinicalOneHeader(row []string) bool {
	n := 0
	for _, h := range row {
		k := roleKey(strings.TrimPrefix(h, "\ufeff"))
		for _, c := range clinicalOneColumns {
			if roleKey(c) == k {
				n++
			}
		}
	}
	return n >= 3
}

// ReadClinicalOneTable is ReadClinicalOneCSV for rows read elsewhere: a worksheet of the
// template's workbook (see ReadClinicalOneXLSX) or a csv.Reader.
func ReadClinicalOneTable(cr RowReader, opts Options) (*Directory, []Warning, error) {
	users := &loginUsers{byLogin: map[string]*User{}, list: []*User{}}
	d, ws, err := readClinicalOne(cr, opts, users)
	if d != nil {
		d.Users = users.list
	}
	return d, ws, err
}

// templateUsers is where readClinicalOne keeps the users it reads, by login: in memory
// (loginUsers) or as compact records in a temporary file (compactUsers, see
// compactside.go). The user find or add returns may be changed until the next call.
type templateUsers interface {
	// find finds a user by its key: LoginKey of its login, or what the reader keys
	// users by (a user table's OID).
	find(key string) (*User, bool)
	add(u *User)
	// assigns adds assignments to the user found or added last.
	assigns() *userAssigns
}

// userAssigns adds assignments to the user a table's rows are changing, each unless the
// user holds it already: once the user holds many, through an assignIndex, since a
// person on n rows of a template holds up to n, and comparing each with all those before
// it cost n²/2 (a person on 20,000 rows: 3.8 s of map --to json).
type userAssigns struct {
	idx   assignIndex
	owner *User // the user idx is of (held, so that no other user takes its address)
	scans int   // assignments compared or indexed (TestTableAssignmentsLinear)
}

// begin has the next add be to u, whose list may be in memory another user's was in.
func (s *userAssigns) begin(u *User) {
	s.idx.reset()
	s.owner = u
}

// add appends a to u's assignments unless u holds an equal one.
func (s *userAssigns) add(u *User, a Assignment) {
	if u != s.owner {
		s.idx.reset()
		s.owner = u
	}
	if !s.idx.contains(u.Assignments, &a, &s.scans) {
		u.Assignments = append(u.Assignments, a)
	}
}

// loginUsers holds a template's users in memory, in the order of their first row, found
// by LoginKey (or by key, when set: a user table's by OID).
type loginUsers struct {
	byLogin map[string]*User
	list    []*User
	key     func(*User) string
	as      userAssigns
}

func (s *loginUsers) assigns() *userAssigns { return &s.as }

func (s *loginUsers) find(login string) (*User, bool) {
	u, ok := s.byLogin[login]
	return u, ok
}

func (s *loginUsers) add(u *User) {
	k := LoginKey(u.Login)
	if s.key != nil {
		k = s.key(u)
	}
	s.byLogin[k] = u
	s.list = append(s.list, u)
}

// readClinicalOne is ReadClinicalOneTable with the users kept in users; the directory it
// returns has none.
func readClinicalOne(cr RowReader, opts Options, users templateUsers) (*Directory, []Warning, error) {
	rowNum, _ := cr.(interface{ Row() int })
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, errors.New("mapping: the " + templateWhat + " is empty (want its header row)")
	}
	if err != nil {
		return nil, nil, tableErr(templateWhat, err)
	}
	hdrRow := 1
	if rowNum != nil {
		hdrRow = rowNum.Row()
	}
	var w warner
	hdr, err := input.NewHeader(header, ClinicalOneColumn)
	if err != nil {
		return nil, nil, tableErr(templateWhat, input.RowError(cr, hdrRow, err))
	}
	for _, i := range hdr.Unknown() {
		h := strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
		w.addAt(CodeUnrepresentable, "CSV/"+h, "column "+strconv.Itoa(i+1), "not a column of the user upload template; its values are left out", at{row: hdrRow, column: h})
	}
	var missing []string
	for _, c := range []string{"First Name", "Last Name", "Email", "User Name", "Study Role"} {
		if !hdr.Has(c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, nil, tableErr(templateWhat, input.RowError(cr, hdrRow, fmt.Errorf("the header row lacks template columns: %s", strings.Join(missing, ", "))))
	}
	d := &Directory{Studies: []*Study{}, Sites: []*Site{}, Users: []*User{}, Source: &FileSource{Vendor: ProfileClinicalOne}}
	if opts.Study != "" {
		d.Studies = append(d.Studies, &Study{ID: opts.Study, Environment: EnvProduction})
	}
	sites := map[string]bool{}
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, tableErr(templateWhat, err)
		}
		sheetRow := row
		if rowNum != nil {
			sheetRow = rowNum.Row()
		}
		if err := hdr.Uncalculated(cr, sheetRow); err != nil {
			return nil, nil, tableErr(templateWhat, err)
		}
		get := func(c string) string { return hdr.Get(rec, c) }
		blank := true
		for _, f := range rec {
			if strings.TrimSpace(f) != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		n := row // the spreadsheet's row number
		if rowNum != nil {
			n = rowNum.Row()
		}
		subject := "row " + strconv.Itoa(n)
		cell := func(c string) at { return at{row: n, column: headerName(header, hdr, c)} }
		if i := hdr.Loose(rec); i > 0 {
			looseValue(&w, "CSV", subject, n, i)
		}
		inexactNumbers(&w, "CSV", cr, hdr, subject, n)
		login := get("User Name")
		for _, c := range []string{"First Name", "Last Name", "Email", "User Name", "Start Date", "Study Role"} {
			if get(c) == "" {
				w.addAt(CodeInvalidValue, "CSV/"+c, subject, "a required template column is empty", cell(c))
			}
		}
		if login == "" {
			continue // a row without user name identifies nobody
		}
		u, ok := users.find(LoginKey(login))
		if ok && u.Login != login {
			// Another spelling of an earlier row's User Name (letter case): one person
			// (LoginKey), as Merge and plan's duplicateRow take it; the first is kept.
			w.addAt(CodeMergeConflict, "CSV/User Name", subject, "the User Name is on an earlier row in other letter case; read as that row's user, whose spelling is kept", cell("User Name"))
		}
		if !ok {
			u = &User{ID: login, Login: login, GivenName: get("First Name"), FamilyName: get("Last Name"),
				Emails: []string{}, Phones: []string{}, Groups: []GroupRef{}, Assignments: []Assignment{},
				Source: &Source{Vendor: ProfileClinicalOne}}
			if e := get("Email"); e != "" {
				u.Emails = append(u.Emails, e)
			}
			users.add(u)
		} else {
			if e := get("Email"); e != "" && !slices.Contains(u.Emails, e) {
				u.Emails = append(u.Emails, e)
			}
			if g := get("First Name"); g != "" && u.GivenName != g {
				w.addAt(CodeMergeConflict, "CSV/First Name", subject, "the user is on an earlier row with another value; the first is kept", cell("First Name"))
			}
			if f := get("Last Name"); f != "" && u.FamilyName != f {
				w.addAt(CodeMergeConflict, "CSV/Last Name", subject, "the user is on an earlier row with another value; the first is kept", cell("Last Name"))
			}
		}
		date := func(col string) string {
			iso, twoDigit, ok := ParseTemplateDate(get(col))
			switch {
			case !ok:
				w.addAt(CodeInvalidValue, "CSV/"+col, subject, "not a date (want DD-MMM-YYYY or YYYY-MM-DD); left empty", cell(col))
			case twoDigit:
				w.addAt(CodeNormalized, "CSV/"+col, subject, "a two-digit year, read as "+iso[:4]+" (the template wants DD-MMM-YYYY)", cell(col))
			}
			return iso
		}
		from, to := date("Start Date"), date("End Date")
		depots := splitList(get("Depots"))
		if len(depots) == 1 && strings.EqualFold(depots[0], allWord) {
			depots = []string{allWord}
		}
		roleName := get("Study Role")
		siteList := splitList(get("Sites"))
		if len(siteList) == 0 {
			// The template wants "All" or site numbers; an empty cell names no site, and
			// the model has no assignment without a site other than the study-level one.
			w.addAt(CodeGenerated, "CSV/Sites", subject, "the Sites cell is empty; read as All (the whole study)", cell("Sites"))
		}
		if len(siteList) == 0 || (len(siteList) == 1 && strings.EqualFold(siteList[0], allWord)) {
			siteList = []string{""}
		}
		envs := []Environment{EnvProduction}
		if opts.Training {
			envs = append(envs, EnvTraining)
		}
		for _, env := range envs {
			for _, s := range siteList {
				a := Assignment{Study: opts.Study, Site: s, Scope: ScopeStudy, Environment: env, From: from, To: to, Depots: depots}
				if s != "" {
					a.Scope = ScopeSite
					if !sites[s] {
						// Kept past the row: a copy, not a part of the row's text, which
						// it kept whole (20,000 sites of a million-row template: 3.5 MB).
						s = strings.Clone(s)
						sites[s] = true
						d.Sites = append(d.Sites, &Site{ID: s, Name: s, Active: true, Study: opts.Study})
					}
				}
				a.Role = RoleFor(ProfileClinicalOne, roleName, a.Scope)
				if a.Role.Canonical == RoleOther && roleKey(roleName) != "other" {
					w.addAt(CodeUnknownRole, "CSV/Study Role", subject, "role name not in the vocabulary; mapped to Other: "+roleName, cell("Study Role"))
				}
				users.assigns().add(u, a)
			}
		}
	}
	return d, w.result(), nil
}

// splitList splits a Sites or Depots cell on ";", "," or line breaks.
func splitList(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == '\n' || r == '\r' })
	var out []string
	for _, x := range f {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// parseCSVDate reads a template date into an ISO date; ok is false for an unreadable one.
func parseCSVDate(s string) (iso string, ok bool) {
	iso, _, ok = ParseTemplateDate(s)
	return iso, ok
}

// ParseTemplateDate reads a date of the Clinical One user upload template into an ISO
// date (YYYY-MM-DD): DD-MMM-YYYY as the template writes it, the month in any case, and
// D-MMM-YYYY, D MMM YYYY, YYYY-MM-DD and an ISO date-time, which people and spreadsheets
// put there; "" (blank, an open-ended End Date) is no date and ok. DD-MMM-YY, which a
// spreadsheet writes when it reformats the column, is read as Go's time package reads a
// two-digit year (69 to 99 as 19xx, 00 to 68 as 20xx), and twoDigitYear reports it, so
// that the caller can say which year it took: the template wants four digits. A year
// before 1900 ("05-Jan-0026", a two-digit year padded with zeros) is not a date the
// template means: ok is false, as for a value that is no date at all. plan and the
// template reader share it, so that an upload is planned as it is read.
func ParseTemplateDate(s string) (iso string, twoDigitYear, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false, true
	}
	t := titleMonth(s)
	for _, layout := range []string{ClinicalOneDate, "2-Jan-2006", "2006-01-02", time.RFC3339, "2006-01-02T15:04:05", "02-Jan-06", "2 Jan 2006", "02 Jan 2006"} {
		d, err := time.Parse(layout, t)
		if err != nil {
			continue
		}
		if d.Year() < 1900 {
			return "", false, false
		}
		return d.Format("2006-01-02"), layout == "02-Jan-06", true
	}
	return "", false, false
}

// titleMonth writes a three-letter month name as time.Parse wants it ("JAN" → "Jan").
func titleMonth(s string) string {
	b := []byte(s)
	for i := 0; i+3 <= len(b); i++ {
		if isLetter(b[i]) && isLetter(b[i+1]) && isLetter(b[i+2]) && (i == 0 || !isLetter(b[i-1])) && (i+3 == len(b) || !isLetter(b[i+3])) {
			b[i] = upper(b[i])
			b[i+1], b[i+2] = lower(b[i+1]), lower(b[i+2])
		}
	}
	return string(b)
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func upper(c byte) byte    { return c &^ 0x20 }
func lower(c byte) byte    { return c | 0x20 }

// WriteClinicalOneCSV writes the "Update Users" template of study opts.Study (or the only
// study): one row per current user, that is every user not deactivated with a Production
// assignment in the study that has not ended before opts.Now. Each user is taken as the
// study's own listing has it (User.InStudy: a Rave user deactivated in this study
// environment and active in another gets no row). The template has no account status:
// another status than Available (Invited, Created) is reported (CodeUnrepresentable,
// User/status, by status), since the upload makes the row's user a current one. With opts.Training, Training
// assignments count too (for an upload with "Upload users to training mode"). The row's
// role is the user's first role in the study; Sites lists the site numbers (else IDs) of
// its site assignments with that role, or "All" for a study-level one; dates are written
// as DD-MMM-YYYY. A site-level assignment that names no site (an OpenClinica 4 user table
// does not say at which site a site-level role applies) is left out, since "All", or an
// empty Sites cell, would grant the role at every site: a user who has no other access
// gets no row (CodeUnrepresentable, Assignment/site, counted by user). Whatever a row
// cannot hold is reported. The template reads the rows of one User Name as one user's,
// so a user written under the User Name of an earlier row (compared as the reader
// compares them: trimmed, in the same letter case) is reported (CodeUnrepresentable,
// CSV/User Name, counted by user).
//
// The template is opened in spreadsheets, so a cell that starts with "=", "+", "-", "@",
// TAB or CR is written with a leading apostrophe (CodeNeutralized), which stops Excel,
// LibreOffice and Google Sheets from running it as a formula; the upload then keeps the
// apostrophe as part of the value, so check such a row (a name or e-mail that starts like
// a formula is suspect anyway). Phone and other numbers ("+1 5551234") are not changed.
// opts.RawCSV writes every cell as it is.
func WriteClinicalOneCSV(wr io.Writer, dir *Directory, opts Options) ([]Warning, error) {
	if dir == nil {
		return nil, errors.New("mapping: no directory")
	}
	study, err := clinicalOneStudy(dir, slices.Values(dir.Users), opts)
	if err != nil {
		return nil, err
	}
	ws, err := writeClinicalOneCSV(wr, templateSitesOf(dir.Sites), slices.Values(dir.Users), len(dir.Users), study, opts)
	if err != nil {
		return nil, err
	}
	return tableLeftOut(ws, "the template holds users only", 0, len(dir.Organizations), len(dir.Signatures), dir), nil
}

// writeClinicalOneCSV writes the header and a row per user, one user at a time (the
// whole-directory and the streamed writer share it).
func writeClinicalOneCSV(wr io.Writer, sites *templateSites, users iter.Seq[*User], count int, study string, opts Options) ([]Warning, error) {
	cw := csv.NewWriter(wr)
	if err := cw.Write(clinicalOneColumns); err != nil {
		return nil, err
	}
	ws, err := clinicalOneRows(cw.Write, sites, users, count, study, opts)
	if err != nil {
		return ws, err
	}
	cw.Flush()
	return ws, cw.Error()
}

// clinicalOneStudy returns the study the template is written for: opts.Study, else the
// directory's only study (of its studies and the users' assignments), else "" when it
// names none.
func clinicalOneStudy(dir *Directory, users iter.Seq[*User], opts Options) (string, error) {
	return tableStudy(dir, users, opts, "the template")
}

// tableStudy returns the study a table of one study's users (the Clinical One template,
// the OpenClinica 4 study table) is written for, as clinicalOneStudy says; what names the
// table in the error of a directory of several studies.
func tableStudy(dir *Directory, users iter.Seq[*User], opts Options, what string) (string, error) {
	if opts.Study != "" {
		return opts.Study, nil
	}
	var ids []string
	for _, s := range dir.Studies {
		if s.Parent == "" && s.ID != "" {
			ids = append(ids, s.ID)
		}
	}
	for u := range users {
		for _, a := range u.Assignments {
			if a.Study != "" && !slices.Contains(ids, a.Study) {
				ids = append(ids, a.Study)
			}
		}
	}
	switch len(ids) {
	case 0:
		return "", nil
	case 1:
		return ids[0], nil
	}
	return "", fmt.Errorf("mapping: the directory has %d studies (%s); choose one for %s", len(ids), brief.List(ids, 20), what)
}

// templateSites is what the template's rows need of a directory's sites: each one's
// number and whether it has details the template cannot hold. It is a few bytes a site,
// taken before the users are written, so that sites built only for the template (those of
// MergeStream.Write, from the merge's packing) are garbage once it is taken rather than
// held through the write: one site for every 50 users of a large export is some 13 MB of
// model values at a million users (TestMergeStreamTemplateLetsGoOfSites).
type templateSites struct {
	// The number of each site that has one, by ID: an ID of up to seven bytes (InForm's
	// numeric LocationOIDs) by its shortKey in short, which gives the index in numbers (a
	// look-up for every assignment of every user, of some 20,000 sites at a million
	// users, where the map of strings it replaced was 3% of map --to csv's CPU); a longer
	// one in label.
	short    shortTable
	numbers  []string
	label    map[string]string
	detailed []string // IDs of the sites with details, in order
}

// templateSitesOf returns the templateSites of sites.
func templateSitesOf(sites []*Site) *templateSites {
	t := &templateSites{}
	for _, s := range sites {
		if s.Number != "" {
			t.setNumber(s.ID, s.Number)
		}
		if s.Name != s.ID && s.Name != "" || s.Country != "" || s.TimeZone != "" || s.Locale != "" || len(s.Addresses) > 0 {
			t.detailed = append(t.detailed, s.ID)
		}
	}
	return t
}

// setNumber notes n as the number of site id (a later one replaces it).
func (t *templateSites) setNumber(id, n string) {
	if k, ok := shortKey(id); ok {
		t.short.set(k, int32(len(t.numbers)))
		t.numbers = append(t.numbers, n)
		return
	}
	if t.label == nil {
		t.label = map[string]string{}
	}
	t.label[id] = n
}

// number returns the number of site id, and whether it has one.
func (t *templateSites) number(id string) (string, bool) {
	if k, ok := shortKey(id); ok {
		i, ok := t.short.get(k)
		if !ok {
			return "", false
		}
		return t.numbers[i], true
	}
	n, ok := t.label[id]
	return n, ok
}

// own has t keep copies of the sites' IDs and numbers, for sites read from a stream,
// whose strings are substrings of the text each was read into: held through the rows,
// they would keep that text alive (at 4,000 sites some 470 KiB). The sites of a merge,
// built from its packing, which stays held, need no copies.
func (t *templateSites) own() {
	for i, n := range t.numbers {
		t.numbers[i] = strings.Clone(n)
	}
	if t.label != nil {
		label := make(map[string]string, len(t.label))
		for id, n := range t.label {
			label[strings.Clone(id)] = strings.Clone(n)
		}
		t.label = label
	}
	for i, id := range t.detailed {
		t.detailed[i] = strings.Clone(id)
	}
}

// clinicalOneRows writes the template's rows of users (the header is the caller's) with
// write, one user at a time; the sites are known by sites, and count is how many users
// users hands on at most (0: not known), which the set of User Names written
// (sharedLogins) is made for.
//
// Nothing of a row is built for each user that is not written: the subject of a warning
// ("User " and the OID, the template row) is built for its first value only (warner.bump),
// and the lists a row is made of (its assignments, sites, depots, the cells handed to
// write, which must not keep them) are used again from user to user. At a million users
// these and the dates parsed and formatted for each row were a fifth of map --to csv's
// CPU past reading (TestClinicalOneRowsAllocs).
func clinicalOneRows(write func([]string) error, sites *templateSites, users iter.Seq[*User], count int, study string, opts Options) ([]Warning, error) {
	var st clinicalOneRowState
	if err := st.rows(write, sites, users, count, study, opts); err != nil {
		return nil, err
	}
	for _, id := range sites.detailed {
		st.w.add(CodeUnrepresentable, "Site", "Location "+id, "the template names sites only; site details (name, country, ...) are left out")
	}
	return st.w.result(), nil
}

// clinicalOneRowState is what clinicalOneRows uses again from user to user: its warnings
// and the lists a row is made of. A caller that has the rows of one user made at a time
// (a patch of a template into its base compares each user's rows, baseSide.rows) keeps
// one for all of them: made anew for each user, the warnings' tables and the dates were
// most of the cost of a row.
type clinicalOneRowState struct {
	w                  warner
	written            int // data rows written so far; the header is row 1
	as                 []Assignment
	siteIDs, depots    distinct[string]
	row                [9]string
	fromDates, toDates csvDates
	// today is the day of now (opts.Now), "" before the first rows.
	now   time.Time
	today string
}

// rows writes the rows of users as clinicalOneRows does, its warnings added to st.w.
func (st *clinicalOneRowState) rows(write func([]string) error, sites *templateSites, users iter.Seq[*User], count int, study string, opts Options) error {
	w := &st.w
	logins := newSharedLogins(count, true, w, "CSV/User Name", sharedUserNameMsg)
	if now := opts.now(); st.today == "" || !now.Equal(st.now) {
		st.now, st.today = now, now.Format("2006-01-02")
	}
	today := st.today
	written := st.written
	defer func() { st.written = written }()
	as := st.as
	defer func() { st.as = as }()
	siteIDs, depots, row := &st.siteIDs, &st.depots, &st.row
	fromDates, toDates := &st.fromDates, &st.toDates
	for u := range users {
		// The user as the study's own listing has it (a Rave user is listed per study
		// environment, each with its own mdsol:Active, and deactivated in one may be
		// active in another): the row is that study's.
		if study != "" {
			u = u.InStudy(study)
		}
		// Missing required values name the template row that lacks them, which is where
		// the person completing the upload looks, beside the OID. Not the login: it is
		// often made from the person's name, and warnings carry no personal data.
		id := u.ID
		who := func() string { return templateRow(id, written) }
		as = as[:0]
		ended, other, siteless := 0, 0, 0
		prod, train := false, false
		for _, a := range u.Assignments {
			if a.Study != study && a.Study != "" {
				other++
				continue
			}
			switch {
			case a.Environment == EnvProduction || a.Environment == "":
			case a.Environment == EnvTraining && opts.Training:
			default:
				w.addUser(CodeUnrepresentable, "Assignment/environment", id, "the template uploads Production (and Training) access only; "+string(a.Environment)+" assignments are left out")
				continue
			}
			if a.To != "" && a.To < today {
				ended++
				continue
			}
			if a.Site == "" && a.Scope == ScopeSite {
				// A site-level role whose site the input does not name (an OpenClinica 4
				// user table has no site column): Sites "All" would grant it at every
				// site, and an empty Sites cell is read as All too.
				siteless++
				continue
			}
			if a.Environment == EnvTraining {
				train = true
			} else {
				prod = true
			}
			as = append(as, a)
		}
		if other > 0 {
			w.addUser(CodeUnrepresentable, "Assignment/study", id, "the template is for one study; access to other studies is left out")
		}
		if len(as) == 0 {
			switch {
			case siteless > 0:
				w.addUser(CodeUnrepresentable, "Assignment/site", id, "a site-level role, but the input does not say at which site: Sites All would grant it at every site, so no row is written; add the row with the user's sites")
			case ended > 0:
				w.addUser(CodeUnrepresentable, "User", id, "the user's access to the study ended before today; not a current study user, no row is written")
			case other == 0 && len(u.Assignments) == 0:
				w.addUser(CodeUnrepresentable, "User", id, "the user has no access to any study; no row is written")
			case other > 0:
				w.addUser(CodeUnrepresentable, "User", id, "the user has no access to the template's study; no row is written")
			}
			continue
		}
		if ended > 0 {
			w.addUser(CodeUnrepresentable, "Assignment/to", id, "access that ended before today is not current; left out of the row")
		}
		if siteless > 0 {
			w.addUser(CodeUnrepresentable, "Assignment/site", id, "a site-level role, but the input does not say at which site: Sites All would grant it at every site, so it is left out of the row")
		}
		if u.Status == StatusDeactivated {
			w.addUser(CodeUnrepresentable, "User/status", id, "a deactivated account is not a current study user; no row is written")
			continue
		}
		if u.Status != "" && u.Status != StatusAvailable {
			// The template has no status: the upload makes the row's user a current one.
			w.addUser(CodeUnrepresentable, "User/status", id, templateStatusMsg(u.Status))
		}
		if opts.Training && !prod {
			// A row of a training-mode upload grants Production as well as Training.
			w.addUser(CodeUnrepresentable, "Assignment/environment", id, "the user has Training access only, and a row of a training-mode upload also grants Production; no row is written")
			continue
		}
		if opts.Training && !train {
			w.addUser(CodeGenerated, "Assignment/environment", id, "the user has Production access only; the row of a training-mode upload also grants Training")
		}
		as = slices.DeleteFunc(as, func(a Assignment) bool {
			// Training duplicates of Production assignments say nothing more in the row.
			return a.Environment == EnvTraining && prod
		})
		role := as[0].Role
		siteIDs.reset()
		depots.reset()
		all := false
		from, to := as[0].From, as[0].To
		for _, a := range as {
			if a.Role != role {
				w.addUser(CodeUnrepresentable, "Assignment/Role", id, "the template has one study role per user and study; other roles are left out")
				continue
			}
			if a.Site == "" {
				all = true
			} else {
				l := a.Site
				if n, ok := sites.number(a.Site); ok {
					l = n
				}
				siteIDs.add(l)
			}
			for _, dp := range a.Depots {
				depots.add(dp)
			}
			if a.From != from || a.To != to {
				w.addUser(CodeApproximated, "Assignment/from", id, "the template has one date range per user and study; the first is written")
			}
		}
		// The role keeps its own name (Clinical One studies rename template roles freely);
		// a role known only by its canonical meaning gets the template role's name.
		name := role.Name
		if name == "" && role.Canonical != "" {
			name = DefaultRoleName(ProfileClinicalOne, role.Canonical, ScopeSite)
		}
		if name == "" {
			w.addLazy(CodeInvalidValue, "CSV/Study Role", "the user has no role in the study; the required Study Role is left empty", who)
		}
		warnVerbatimRole(w, "CSV/Study Role", ProfileClinicalOne, u, role, name, ScopeSite)
		siteCell := strings.Join(siteIDs.list, "; ")
		if all {
			siteCell = allWord
		}
		if from == "" {
			from = today
			w.addUser(CodeGenerated, "CSV/Start Date", id, "the required Start Date is unknown; today is written")
		}
		email := ""
		if len(u.Emails) > 0 {
			email = u.Emails[0]
			if len(u.Emails) > 1 {
				w.addUser(CodeUnrepresentable, "User/Emails", id, "the template has one e-mail per user; the first is written")
			}
		} else {
			w.addLazy(CodeInvalidValue, "CSV/Email", "the required Email is unknown; left empty", who)
		}
		given, family := u.GivenName, u.FamilyName
		if given == "" && family == "" && (u.FullName != "" || u.DisplayName != "") {
			// Names are never split; the template's required columns stay empty.
			w.addLazy(CodeInvalidValue, "CSV/First Name", "the user has a full name only, which is not split into first and last name; First Name and Last Name are left empty", who)
		} else {
			if given == "" {
				w.addLazy(CodeInvalidValue, "CSV/First Name", "the required First Name is unknown; left empty", who)
			}
			if family == "" {
				w.addLazy(CodeInvalidValue, "CSV/Last Name", "the required Last Name is unknown; left empty", who)
			}
		}
		login := u.Login
		if login == "" {
			login = u.ID
			if login != "" {
				w.addUser(CodeGenerated, "CSV/User Name", id, "the user has no login name; the required User Name is the User OID, which may name another account or create one")
			} else {
				w.addLazy(CodeInvalidValue, "CSV/User Name", "the user has no login name nor OID; the required User Name is left empty", who)
			}
		}
		if len(u.Phones)+len(u.Faxes) > 0 || u.Pager != "" || len(u.Telecoms) > 0 {
			w.addUser(CodeUnrepresentable, "User/phones", id, "the template has no phone numbers")
		}
		csvLost(w, u, role)
		*row = [...]string{given, family, email, login, fromDates.of(from), toDates.of(to), name, siteCell, strings.Join(depots.list, "; ")}
		if !opts.RawCSV {
			for _, i := range csvcell.Row(row[:]) {
				w.addUser(CodeNeutralized, "CSV/"+clinicalOneColumns[i], id, "the value starts like a spreadsheet formula; it is written with a leading apostrophe")
			}
		}
		logins.note(row[3], id)
		if err := write(row[:]); err != nil {
			return err
		}
		written++
	}
	logins.flush()
	return nil
}

// sharedUserNameMsg is the warning of a user written under the User Name of an earlier row.
const sharedUserNameMsg = "an earlier row has the same User Name (letter case aside): the template reads the rows of one User Name as one user's, so the two read back as one user (and one account); give one of them another login"

// templateStatusMsg is the warning of an account status, other than Available and
// Deactivated, that the template has no place for; made once for each status the model
// names (a warning given for every user of one is then found by where its bytes are,
// see warner.find).
func templateStatusMsg(s Status) string {
	switch s {
	case StatusInvited:
		return invitedMsg
	case StatusCreated:
		return createdMsg
	}
	return "the template has no account status; a " + string(s) + " account is written as a current study user"
}

var (
	invitedMsg = "the template has no account status; an Invited account (not yet activated) is written as a current study user"
	createdMsg = "the template has no account status; a Created account (no role yet) is written as a current study user"
)

// csvLost reports the user values a template row has no column for. The fields are
// constants, not "User/" and a name joined for each user: the warner then finds a warning
// it has by where the field's bytes are (warner.find), where it hashed each new string
// (with the joining, a sixth of map --to csv's CPU past reading).
func csvLost(w *warner, u *User, role Role) {
	lost := func(field string, has bool) {
		if has {
			w.addUser(CodeUnrepresentable, field, u.ID, "the template has no column for it")
		}
	}
	lost("User/DisplayName", u.DisplayName != "" && !isJoinedName(u.DisplayName, u.GivenName, u.FamilyName))
	lost("User/FullName", u.FullName != "" && !isJoinedName(u.FullName, u.GivenName, u.FamilyName))
	lost("User/Prefix", u.Prefix != "")
	lost("User/Suffix", u.Suffix != "")
	lost("User/Organization", u.Organization != "" || u.OrganizationID != "")
	lost("User/Address", len(u.Addresses) > 0)
	lost("User/Certificate", len(u.Certificates) > 0)
	lost("User/Picture", u.Picture != nil)
	lost("User/locale", u.Locale != "")
	lost("User/category", u.Category != "")
	lost("User/@UserType", u.Type != "")
	lost("User/external", u.External)
	for _, g := range u.Groups {
		lost("User/group", !(g.Type == "Rights" && g.Name == role.Name))
	}
	if u.Source != nil && u.Source.Vendor != ProfileClinicalOne {
		for i, a := range u.Source.Attrs {
			if field, mapped := w.userAttr(i, a.Space, a.Name); !mapped {
				w.addUser(CodeExtensionDropped, field, u.ID, "another vendor's extension is left out")
			}
		}
		if len(u.Source.Elements) > 0 {
			w.addUser(CodeExtensionDropped, "User/extension", u.ID, "another vendor's extension element is left out")
		}
	}
}

// isJoinedName reports whether name is given and family joined by a space, trimmed
// (strings.TrimSpace(given+" "+family) == name) without building the joined string, which
// cost an allocation per user of a template.
func isJoinedName(name, given, family string) bool {
	var buf [96]byte
	b := append(append(append(buf[:0], given...), ' '), family...)
	return string(bytes.TrimSpace(b)) == name
}

// userAttr returns the field of a warning about a User's attribute in space and local
// ("User/@pf:DBUID") and whether the CSV maps the attribute (mappedAttr), remembered for
// each attribute of the file (at most maxWarningKinds): a generated InForm user has
// seven, the same in every user, and building the label each time was most of csvLost.
// i is the attribute's place in the user's list: the users of an export mostly have the
// same attributes in the same order, their names the same strings (the record's schema),
// so the attribute last seen at i is compared first, where the map hashed both names of
// each attribute of each user.
func (w *warner) userAttr(i int, space, local string) (field string, mapped bool) {
	if i < len(w.attrAt) {
		if c := &w.attrAt[i]; c.ok && c.space == space && c.local == local {
			return c.field, c.mapped
		}
	}
	k := [2]string{space, local}
	l, ok := w.userAttrs[k]
	if !ok {
		l = attrField{"User/@" + attrLabel(space, local), mappedAttr("User", space, local)}
		if w.userAttrs == nil {
			w.userAttrs = map[[2]string]attrField{}
		}
		if len(w.userAttrs) < maxWarningKinds {
			w.userAttrs[k] = l
		}
	}
	if i < len(w.attrAt) {
		w.attrAt[i] = attrAt{space: space, local: local, attrField: l, ok: true}
	}
	return l.field, l.mapped
}

// attrAt is the attribute userAttr saw last at a place of a user's list, and its field.
type attrAt struct {
	space, local string
	attrField
	ok bool
}

// attrField is what warner.userAttr remembers of an attribute.
type attrField struct {
	field  string
	mapped bool
}

func csvDate(iso string) string {
	if iso == "" {
		return ""
	}
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return t.Format(ClinicalOneDate)
}

// csvDates is csvDate of the value asked last, kept: a template's rows mostly have the
// same start date (today's, for the users whose access has none) and end date, and
// parsing and formatting it for each row (two strings made) cost more than the rest of
// the row's cells.
type csvDates struct {
	iso, date string
	ok        bool
}

func (d *csvDates) of(iso string) string {
	if !d.ok || iso != d.iso {
		d.iso, d.date, d.ok = iso, csvDate(iso), true
	}
	return d.date
}

// templateRow is the subject of a warning about a template row's missing value: the
// user's OID and the row (written rows before it, after the header).
func templateRow(id string, written int) string {
	if id == "" {
		return fmt.Sprintf("template row %d", written+2)
	}
	return fmt.Sprintf("%s (template row %d)", "User "+id, written+2)
}

// ClinicalOneSheet is the tab of the user upload workbook that holds the users; the
// template's other tabs are instructions.
const ClinicalOneSheet = "Clinical One Users"

// ReadClinicalOneXLSX reads the Clinical One user upload template as the .xlsx workbook
// Excel saves: the rows of its "Clinical One Users" tab (or, if it has no such tab, of the
// sheet whose rows hold the template's header), from the header row on, which is found by
// its column names wherever it is. Date cells may be real Excel dates or text as in the
// CSV. It reads what ReadClinicalOneCSV reads; warnings cite the sheet's row numbers. The
// workbook's size and what it inflates to are bounded (a zip bomb is an error).
//
// The template Oracle distributes is a macro-enabled binary workbook (.xlsb), which no
// well-kept Go library reads: saved as .xlsx (or CSV) from Excel it reads here.
func ReadClinicalOneXLSX(r io.Reader, opts Options) (*Directory, []Warning, error) {
	in, err := input.New(r, "workbook", input.Options{})
	if err != nil {
		return nil, nil, fmt.Errorf("mapping: %w", err)
	}
	t, err := in.Table(input.TableOptions{Sheets: []string{ClinicalOneSheet}, IsHeader: IsClinicalOneHeader})
	if err != nil {
		return nil, nil, fmt.Errorf("mapping: %w", err)
	}
	defer t.Close()
	return ReadClinicalOneTable(t, opts)
}

// clinicalOneWidths are the written workbook's column widths, in characters.
var clinicalOneWidths = []float64{16, 18, 30, 22, 13, 13, 30, 20, 12}

// WriteClinicalOneXLSX writes what WriteClinicalOneCSV writes as an .xlsx workbook with one
// tab, "Clinical One Users": the header in row 1 (bold, frozen), one row per user. Every
// cell is text. Dates are the text DD-MMM-YYYY ("05-Jan-2026"), the form Oracle's
// guidelines give for the template's Start Date and End Date and the one its Validate macro
// checks, rather than Excel date values, whose display depends on the reader's locale and
// the cell format; a site number such as "01" stays "01".
func WriteClinicalOneXLSX(w io.Writer, dir *Directory, opts Options) ([]Warning, error) {
	if dir == nil {
		return nil, errors.New("mapping: no directory")
	}
	study, err := clinicalOneStudy(dir, slices.Values(dir.Users), opts)
	if err != nil {
		return nil, err
	}
	ws, err := writeClinicalOneXLSX(w, templateSitesOf(dir.Sites), slices.Values(dir.Users), len(dir.Users), study, opts)
	if err != nil {
		return ws, err
	}
	return tableLeftOut(ws, "the template holds users only", 0, len(dir.Organizations), len(dir.Signatures), dir), nil
}

// writeClinicalOneXLSX writes the workbook one user at a time. Each row goes through CSV
// and back, so that its cells are those of the CSV read back (a line break within a cell
// is one "\n"). The sheet writer writes the rows to a temporary file, through a small
// buffer, until the workbook is written.
func writeClinicalOneXLSX(w io.Writer, sites *templateSites, users iter.Seq[*User], count int, study string, opts Options) ([]Warning, error) {
	// A workbook cell written as a string is text to every spreadsheet, never a formula, so
	// the CSV writer's apostrophe would only change the value read back.
	opts.RawCSV = true
	sw, err := input.NewSheetWriter(ClinicalOneSheet, clinicalOneWidths)
	if err != nil {
		return nil, err
	}
	defer sw.Close()
	if err := sw.Header(clinicalOneColumns); err != nil {
		return nil, err
	}
	// One reader for every row: each row is the whole of buf, which its record reads to
	// the end. A reader a row (and its 4 KiB buffer) was some 5 GB of garbage at a
	// million users, a collection every 20,000 rows.
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cr := csv.NewReader(&buf)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true // the sheet writer keeps no row
	ws, err := clinicalOneRows(func(row []string) error {
		buf.Reset()
		if err := cw.Write(row); err != nil {
			return err
		}
		cw.Flush()
		rec, err := cr.Read()
		if err != nil {
			return err
		}
		return sw.Row(rec)
	}, sites, users, count, study, opts)
	if err != nil {
		return ws, err
	}
	for _, c := range sw.Cut() {
		ws = append(ws, Warning{Code: CodeUnrepresentable, Field: "XLSX/" + clinicalOneColumns[c.Column], Count: c.Count,
			Message: fmt.Sprintf("a cell longer than the 32,767 characters an Excel cell holds is cut there (first on row %d); the CSV template holds it whole", c.FirstRow)})
	}
	_, err = sw.WriteTo(w)
	return ws, err
}

// clinicalOneRoles are Clinical One's template study roles ("Oracle Clinical One: About the
// User Upload template").
var clinicalOneRoles = map[Canonical]string{
	RoleSystemAdmin: "Production Admin", RoleUserAdmin: "User Administrator", RoleSiteAdmin: "Site Administrator",
	RoleDataManager: "Data Manager", RoleInvestigator: "Site User", RoleCRC: "Site User", RoleDataEntry: "Site User",
	RoleMonitor: "Clinical Research Associate (CRA)", RoleMedicalMonitor: "Medical Monitor",
	RoleViewer: "View Study Design", RoleSupport: "View Only Unblinded Support Users", RoleIntegration: "ODM Extract",
	RoleStudyDesigner: "Study Designer", RoleStatistician: "Statistician - Unblinded",
	RolePharmacist: "Pharmacy User - Unblinded", RoleDepotUser: "Blinded Depot User",
	RoleSupplyManager: "Clinical Supply Manager - Unblinded", RoleAdjudicator: "Adjudicator",
}

// clinicalOneTable is the user upload template as ReadAny tells it apart: by its header
// (it is also the fallbackTable, so its profile does not claim a table by OID), on its tab
// of a workbook. Its role names are the template's study roles.
type clinicalOneTable struct{}

func (clinicalOneTable) isHeader(row []string) bool        { return IsClinicalOneHeader(row) }
func (clinicalOneTable) claims(h []string, _ Profile) bool { return IsClinicalOneHeader(h) }
func (clinicalOneTable) sheet() string                     { return ClinicalOneSheet }
func (clinicalOneTable) roleOwner() (Profile, string, string) {
	return ProfileClinicalOne, "Clinical One", "--to csv"
}
func (clinicalOneTable) scopedRole(string, Scope) (Canonical, bool) { return "", false }
func (clinicalOneTable) read(t RowReader, opts Options) (*Directory, []Warning, error) {
	return ReadClinicalOneTable(t, opts)
}
func (clinicalOneTable) roleName(c Canonical, _ Scope) (string, bool) {
	return clinicalOneRoles[c], true
}

// WriteClinicalOneCSVFrom writes what WriteClinicalOneCSV writes for the directory
// FromReader would read from the ODM stream open returns, one user at a time, holding
// what WriteJSON holds. open returns the stream from its start: it is called once, or
// twice when opts.Study is empty and the directory's studies do not settle the template's
// study (it is then found from every user of a first read; see templateFrom). It returns
// the reader's warnings, then the template's.
func WriteClinicalOneCSVFrom(w io.Writer, open func() (*odm.Reader, error), opts Options) ([]Warning, error) {
	return templateFrom(open, opts, func(sites *templateSites, users iter.Seq[*User], count int, study string) ([]Warning, error) {
		return writeClinicalOneCSV(w, sites, users, count, study, opts)
	})
}

// WriteClinicalOneXLSXFrom is WriteClinicalOneCSVFrom writing the workbook of
// WriteClinicalOneXLSX. The workbook's rows go to a temporary file, through a small
// buffer, until the workbook is compressed into w at the end, as it is made.
func WriteClinicalOneXLSXFrom(w io.Writer, open func() (*odm.Reader, error), opts Options) ([]Warning, error) {
	return templateFrom(open, opts, func(sites *templateSites, users iter.Seq[*User], count int, study string) ([]Warning, error) {
		return writeClinicalOneXLSX(w, sites, users, count, study, opts)
	})
}

// templateFrom writes the template with write from the ODM stream open returns: read
// once when opts.Study is set or the directory names the study without its users (one
// study, as most exports; see templateStudyKnown), else once to find the study from every
// user and again to write.
func templateFrom(open func() (*odm.Reader, error), opts Options, write func(*templateSites, iter.Seq[*User], int, string) ([]Warning, error)) ([]Warning, error) {
	r, err := open()
	if err != nil {
		return nil, err
	}
	b, err := readValues(r, opts, valuesOpts{dropDefs: true})
	if err != nil {
		return nil, err
	}
	study, known := opts.Study, opts.Study != ""
	if !known {
		study, known = b.templateStudyKnown(b.finishPrepare())
	}
	if known {
		return templateRows(b, opts, study, write)
	}
	// The users name the study (or several: an error, with this read's warnings).
	ws, err := fromBuilder(b, opts, func(dir *Directory, users iter.Seq[*User]) ([]Warning, error) {
		var err error
		study, err = clinicalOneStudy(dir, users, opts)
		return nil, err
	})
	if err != nil {
		return ws, err
	}
	if r, err = open(); err != nil {
		return nil, err
	}
	if b, err = readValues(r, opts, valuesOpts{dropDefs: true}); err != nil {
		return nil, err
	}
	return templateRows(b, opts, study, write)
}

// templateRows writes the template of the users b read, as fromBuilder hands them on.
// What the rows need of the sites is taken first; from then on the builder keeps of its
// sites only what it resolves the users' access with, and builds each user in the memory
// of the one before (the rows keep nothing of a user but strings), as WriteJSON does once
// it has written the sites. Held as model values through the rows, the sites of a large
// export (at a million users 20,002 sites, some 20 MB with their text) were marked by
// every collection, and the users built in new memory ran one every few thousand users:
// map --to csv took twice the CPU of map --to json (254 collections against 30).
func templateRows(b *builder, opts Options, study string, write func(*templateSites, iter.Seq[*User], int, string) ([]Warning, error)) ([]Warning, error) {
	return fromBuilder(b, opts, func(dir *Directory, users iter.Seq[*User]) ([]Warning, error) {
		// The template holds users and site names only: the rest of the AdminData was
		// left out without a word. (Site details are warned about with the sites.)
		left := leftOutOf(0, b.droppedOrgs, b.droppedSigs, dir)
		sites := templateSitesOf(dir.Sites)
		sites.own()
		b.letGoOfSites()
		b.reuseUsers = true
		ws, err := write(sites, users, int(b.nusers), study)
		if err != nil {
			return ws, err
		}
		return left.warn(ws, "the template holds users only"), nil
	})
}

// templateWhat is what table errors call the Clinical One template.
const templateWhat = "user upload template"

// tableErr returns err, an error reading the table what, as it is when it names its input
// and place (the table reader's own: "users.csv: line 3, column 6: ..."), else prefixed
// with what was being read.
func tableErr(what string, err error) error {
	if input.NamesInput(err) {
		return err
	}
	return fmt.Errorf("mapping: reading the %s: %w", what, err)
}
