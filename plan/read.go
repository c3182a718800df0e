package plan

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/mapping"
)

// Row is one row of an upload: who, and the access the row asks for.
type Row struct {
	// Number is the row as a spreadsheet shows it: the header is row 1, so the first user
	// is row 2, unless title rows stand above the header, which count too (every odmadmin
	// command numbers CSV and spreadsheet rows this way). Rows of
	// empty cells count; empty lines of the CSV file are no rows (a spreadsheet writes an
	// empty row as a line of commas). Rows of a directory (FromDirectory) are its users
	// from 1.
	Number     int
	GivenName  string
	FamilyName string
	Emails     []string
	Login      string
	// Assignments is the access the row asks for. A site is as the row names it (an OID,
	// site number or name); an empty Study is the plan's study.
	Assignments []mapping.Assignment
	// Warnings are the problems found reading the row (missing values, bad dates).
	Warnings []Warning
	// Blank marks a row without any value; it gets no action.
	Blank bool
}

// required are the columns a row must fill (Oracle Clinical One, "About the User Upload
// template").
var required = []string{"First Name", "Last Name", "Email", "User Name", "Start Date", "Study Role"}

// fold folds a header or role name: case, white space, underscores and a trailing
// "(template)" do not matter.
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimPrefix(s, "\ufeff")) {
		switch r {
		case ' ', '\t', '\n', '\r', '_', '\u00a0':
			continue
		}
		b.WriteRune(r)
	}
	return strings.TrimSuffix(b.String(), "(template)")
}

// ReadCSV reads a Clinical One user upload template saved as CSV: a header row, then one
// row per user. Columns are recognized by name ignoring case and spaces, under the other
// names mapping.ClinicalOneColumn takes (E-mail, Login, Role, ...); First Name, Last Name,
// Email, User Name and Study Role must be there, each once (a column named twice is an
// error wrapping input.ErrDuplicateColumn); a value in a column without a header is the
// row's warning valueWithoutColumn. Dates are DD-MMM-YYYY (any letter
// case) or ISO 8601. Sites and Depots are lists separated by ";", "," or line breaks;
// "All" or empty Sites is the whole study.
//
// The separator (",", ";" or tab) is sniffed, a byte-order mark and UTF-16 are read, bytes
// that are not UTF-8 are an error with line and column, and title rows above the header
// row are skipped.
func ReadCSV(r io.Reader) ([]Row, error) {
	t, err := input.NewCSV(r, "CSV", input.Options{}, input.TableOptions{IsHeader: IsHeader})
	if err != nil {
		return nil, tableErr(err)
	}
	return ReadTable(t)
}

// ReadXLSX reads the template as an .xlsx workbook: the "Clinical One Users" tab (or the
// sheet holding the header row), from the header row on. See mapping.ReadClinicalOneXLSX.
func ReadXLSX(r io.Reader) ([]Row, error) {
	in, err := input.New(r, "workbook", input.Options{})
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	t, err := in.Table(input.TableOptions{Sheets: []string{mapping.ClinicalOneSheet}, IsHeader: IsHeader})
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	defer t.Close()
	return ReadTable(t)
}

// IsHeader reports whether row is the template's header row: it names at least three
// template columns (in any of the spellings ReadCSV accepts).
func IsHeader(row []string) bool {
	seen := map[string]bool{}
	for _, h := range row {
		if c, ok := mapping.ClinicalOneColumn(h); ok {
			seen[c] = true
		}
	}
	return len(seen) >= 3
}

// ReadTable is ReadCSV for rows read elsewhere (a worksheet, a csv.Reader): header first.
func ReadTable(cr mapping.RowReader) ([]Row, error) {
	var rows []Row
	if _, err := readTable(cr, func(r Row) { rows = append(rows, r) }); err != nil {
		return nil, err
	}
	return rows, nil
}

// ReadRows is ReadTable into [Rows]: the rows of a large upload held compactly (in a
// temporary file past some megabytes: Close the Rows). The header cells that name no
// template column are [Rows.UnknownColumns].
func ReadRows(cr mapping.RowReader) (*Rows, error) {
	rs := &Rows{}
	unknown, err := readTable(cr, rs.Add)
	if err == nil {
		err = rs.Err()
	}
	if err != nil {
		rs.Close()
		return nil, err
	}
	rs.unknown = unknown
	return rs, nil
}

// readTable reads the header and gives each row to add; it returns the header cells
// that name no template column.
func readTable(cr mapping.RowReader, add func(Row)) (unknown []string, err error) {
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("plan: the upload is empty (want the template's header row)")
	}
	if err != nil {
		return nil, tableErr(err)
	}
	col, err := input.NewHeader(header, mapping.ClinicalOneColumn)
	if err != nil {
		return nil, tableErr(input.RowError(cr, headerRow(cr), err))
	}
	var missing []string
	for _, c := range []string{"First Name", "Last Name", "Email", "User Name", "Study Role"} {
		if !col.Has(c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, tableErr(input.RowError(cr, headerRow(cr), fmt.Errorf("the header row lacks template columns: %s", strings.Join(missing, ", "))))
	}
	for _, i := range col.Unknown() {
		unknown = append(unknown, strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff")))
	}
	// A row is numbered as a spreadsheet shows it: a worksheet's own row number; for CSV
	// the header's line (title lines above it are rows too) plus one per record, since a
	// spreadsheet shows a record whose quoted field spans lines as one row (as contacts
	// numbers them).
	sheet := false
	if t, ok := cr.(*input.Table); ok && t.Sheet != "" {
		sheet = true
	}
	for n := headerRow(cr) + 1; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return unknown, nil
		}
		if err != nil {
			return nil, tableErr(err)
		}
		at := n
		if r, ok := cr.(interface{ Row() int }); ok && sheet {
			at = r.Row() // the sheet's row, title rows above the header counted
		}
		if err := col.Uncalculated(cr, at); err != nil {
			return nil, tableErr(err)
		}
		row := csvRow(at, rec, col)
		// A workbook's number of more digits than Excel keeps is not what was typed: a
		// User Name so read would plan an account nobody asked for.
		names, _ := col.InexactNumbers(cr)
		for _, name := range names {
			row.Warnings = append(row.Warnings, Warning{InexactNumber, name + " holds a number of more than 15 digits, which Excel does not keep (the digits after the 15th read as 0): the value planned is not the one typed; type it as text (a leading apostrophe)"})
		}
		add(row)
	}
}

func csvRow(n int, rec []string, col *input.Header) Row {
	get := func(c string) string { return col.Get(rec, c) }
	row := Row{Number: n, GivenName: get("First Name"), FamilyName: get("Last Name"), Login: get("User Name")}
	row.Blank = true
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			row.Blank = false
		}
	}
	if row.Blank {
		return row
	}
	if e := get("Email"); e != "" {
		row.Emails = []string{e}
	}
	if i := col.Loose(rec); i > 0 {
		row.Warnings = append(row.Warnings, Warning{ValueWithoutColumn, "column " + strconv.Itoa(i) + " has a value, but the header row names no column there: it is not read (does a cell hold an unquoted separator?)"})
	}
	for _, c := range required {
		if get(c) == "" {
			row.Warnings = append(row.Warnings, Warning{MissingValue, "required column " + c + " is empty"})
		}
	}
	// Read as map reads the template (mapping.ParseTemplateDate), so that an upload is
	// planned with the dates it is read with.
	date := func(col string) string {
		iso, twoDigit, ok := mapping.ParseTemplateDate(get(col))
		switch {
		case !ok:
			row.Warnings = append(row.Warnings, Warning{InvalidDate, col + " is not a date (want DD-MMM-YYYY or YYYY-MM-DD)"})
		case twoDigit:
			row.Warnings = append(row.Warnings, Warning{TwoDigitYear, col + " has a two-digit year, read as " + iso[:4] + " (write DD-MMM-YYYY)"})
		}
		return iso
	}
	from, to := date("Start Date"), date("End Date")
	depots := splitList(get("Depots"))
	if len(depots) == 1 && strings.EqualFold(depots[0], "All") {
		depots = []string{"All"}
	}
	roleName := get("Study Role")
	sites := splitList(get("Sites"))
	if len(sites) == 0 || (len(sites) == 1 && strings.EqualFold(sites[0], "All")) {
		sites = []string{""}
	}
	for _, s := range sites {
		a := mapping.Assignment{Site: s, Scope: mapping.ScopeStudy, Environment: mapping.EnvProduction, From: from, To: to, Depots: depots}
		if s != "" {
			a.Scope = mapping.ScopeSite
		}
		a.Role = mapping.RoleFor(mapping.ProfileClinicalOne, roleName, a.Scope)
		row.Assignments = append(row.Assignments, a)
	}
	return row
}

// splitList splits a Sites or Depots cell on ";", "," or line breaks.
func splitList(s string) []string {
	var out []string
	for _, x := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == '\n' || r == '\r' }) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// FromDirectory turns a directory (such as the JSON "odmadmin map --to json" writes) into
// upload rows: one per user, numbered from 1, asking for the user's assignments. A nil
// user (null in JSON) is no user: it gets no row and no number, as a reader that gives
// the users one at a time skips it.
func FromDirectory(d *mapping.Directory) []Row {
	if d == nil {
		return nil
	}
	rows := make([]Row, 0, len(d.Users))
	for _, u := range d.Users {
		if u != nil {
			rows = append(rows, UserRow(len(rows)+1, u))
		}
	}
	return rows
}

// UserRow is the upload row FromDirectory makes of u, the number-th user of a directory:
// for a caller that reads the users one at a time (mapping.ReadEach) into [Rows], instead
// of holding the whole directory of a large upload.
func UserRow(number int, u *mapping.User) Row {
	r := Row{Number: number, GivenName: strings.TrimSpace(u.GivenName), FamilyName: strings.TrimSpace(u.FamilyName),
		Login: strings.TrimSpace(u.Login), Assignments: append([]mapping.Assignment(nil), u.Assignments...)}
	for _, e := range u.Emails {
		if e = strings.TrimSpace(e); e != "" {
			r.Emails = append(r.Emails, e)
		}
	}
	if r.Login == "" {
		r.Warnings = append(r.Warnings, Warning{MissingValue, "the user has no login (user name)"})
	}
	return r
}

// headerRow is the row number of the header row cr read: the sheet's, title rows above it
// counted, when cr tells; else 1.
func headerRow(cr mapping.RowReader) int {
	if r, ok := cr.(interface{ Row() int }); ok {
		return r.Row()
	}
	return 1
}

// tableErr returns err, an error reading the upload, as it is when it names its input and
// place (the table reader's own: "upload.csv: line 3, column 6: ..."), else prefixed.
func tableErr(err error) error {
	if input.NamesInput(err) {
		return err
	}
	return fmt.Errorf("plan: reading the upload: %w", err)
}
