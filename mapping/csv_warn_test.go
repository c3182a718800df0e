package mapping

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestClinicalOneWriteSaysWhatItDrops: every row or value the template writer drops,
// changes or makes up is a warning with a code; missing required values name the OID and
// the template row, never the login (often made from the person's name).
func TestClinicalOneWriteSaysWhatItDrops(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	prod := func(from, to string) Assignment {
		return Assignment{Study: "S1", Scope: ScopeStudy, Environment: EnvProduction, From: from, To: to, Role: Role{Name: "CRA"}}
	}
	full := func(u *User) *User {
		if u.GivenName == "" && u.FamilyName == "" {
			u.GivenName, u.FamilyName = "Ann", "Example"
		}
		if u.Emails == nil {
			u.Emails = []string{"a@example.org"}
		}
		return u
	}
	cases := []struct {
		name     string
		user     *User
		training bool
		rows     int    // data rows written
		warning  string // code and field
		subject  string
		reason   string
	}{
		{"ended", full(&User{ID: "U1", Login: "ended1", Assignments: []Assignment{prod("2025-01-01", "2026-01-01")}}), false, 0,
			"unrepresentable User", "User U1", "a user whose access ended is left out, with a word"},
		{"partly ended", full(&User{ID: "U1", Login: "p1", Assignments: []Assignment{prod("2025-01-01", "2026-01-01"), {Study: "S1", Site: "X", Scope: ScopeSite, Environment: EnvProduction, From: "2026-01-01", Role: Role{Name: "CRA"}}}}), false, 1,
			"unrepresentable Assignment/to", "User U1", "ended access next to current access"},
		{"training only", full(&User{ID: "U2", Login: "trainee", Assignments: []Assignment{{Study: "S1", Scope: ScopeStudy, Environment: EnvTraining, From: "2026-01-01", Role: Role{Name: "CRA"}}}}), true, 0,
			"unrepresentable Assignment/environment", "User U2", "a training-mode row would grant Production too"},
		{"production only in training mode", full(&User{ID: "U3", Login: "prodonly", Assignments: []Assignment{prod("2026-01-01", "")}}), true, 1,
			"generated Assignment/environment", "User U3", "the row grants Training the user does not have"},
		{"no login", full(&User{ID: "OID-7", Assignments: []Assignment{prod("2026-01-01", "")}}), false, 1,
			"generated CSV/User Name", "User OID-7", "the OID is written as User Name"},
		{"no last name", &User{ID: "U4", Login: "nolast", GivenName: "Ann", Emails: []string{"a@example.org"}, Assignments: []Assignment{prod("2026-01-01", "")}}, false, 1,
			"invalid-value CSV/Last Name", "User U4 (template row 2)", "required value missing"},
		{"no email", &User{ID: "U5", Login: "nomail", GivenName: "Ann", FamilyName: "Example", Assignments: []Assignment{prod("2026-01-01", "")}}, false, 1,
			"invalid-value CSV/Email", "User U5 (template row 2)", "required value missing"},
		{"other study", full(&User{ID: "U6", Login: "other", Assignments: []Assignment{prod("2026-01-01", ""), {Study: "S2", Scope: ScopeStudy, Environment: EnvProduction, Role: Role{Name: "CRA"}}}}), false, 1,
			"unrepresentable Assignment/study", "User U6", "access to another study"},
		{"no access", full(&User{ID: "U8", Login: "idle"}), false, 0,
			"unrepresentable User", "User U8", "a user with no access gets no row"},
	}
	for _, c := range cases {
		dir := &Directory{Studies: []*Study{{ID: "S1"}}, Users: []*User{c.user}}
		var buf bytes.Buffer
		ws, err := WriteClinicalOneCSV(&buf, dir, Options{Study: "S1", Training: c.training, Now: now})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if rows := strings.Count(buf.String(), "\n") - 1; rows != c.rows {
			t.Errorf("%s: %d rows, want %d (%s)", c.name, rows, c.rows, c.reason)
		}
		found := false
		for _, w := range ws {
			if string(w.Code)+" "+w.Field == c.warning {
				found = true
				if w.Subject != c.subject || w.Count < 1 {
					t.Errorf("%s: warning %v: subject %q count %d, want subject %q", c.name, c.warning, w.Subject, w.Count, c.subject)
				}
			}
		}
		if !found {
			t.Errorf("%s: no warning %q (%s); got %v", c.name, c.warning, c.reason, codes(ws))
		}
	}
}

// TestClinicalOneEmptySites: an empty Sites cell is read as All with a warning.
func TestClinicalOneEmptySites(t *testing.T) {
	in := "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n" +
		"Ann,Example,a@example.org,aex,01-Jan-2026,,CRA,,\n" +
		"Bo,Example,b@example.org,bex,01-Jan-2026,,CRA,All,\n"
	_, ws, err := ReadClinicalOneCSV(strings.NewReader(in), Options{Study: "S1"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, w := range ws {
		if w.Code == CodeGenerated && w.Field == "CSV/Sites" {
			n += w.Count
			if w.Subject != "row 2" {
				t.Errorf("subject %q, want row 2", w.Subject)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d empty-Sites warnings, want 1 (row 3 says All): %v", n, ws)
	}
}

// TestClinicalOneFormulaCells: cells a spreadsheet would run are neutralized with a
// warning per column; phone-like numbers and RawCSV are left as they are.
func TestClinicalOneFormulaCells(t *testing.T) {
	u := &User{ID: "U1", Login: "=cmd|' /C calc'!A0", GivenName: "+1 5551234", FamilyName: "@SUM(A1)", Emails: []string{"-x@example.org"},
		Assignments: []Assignment{{Study: "S1", Scope: ScopeStudy, Environment: EnvProduction, From: "2026-01-01", Role: Role{Name: "CRA"}}}}
	dir := &Directory{Studies: []*Study{{ID: "S1"}}, Users: []*User{u}}
	var buf bytes.Buffer
	ws, err := WriteClinicalOneCSV(&buf, dir, Options{Study: "S1"})
	if err != nil {
		t.Fatal(err)
	}
	row := strings.Split(strings.TrimSpace(buf.String()), "\n")[1]
	for _, want := range []string{`+1 5551234,'@SUM(A1),'-x@example.org,'=cmd|' /C calc'!A0,`} {
		if !strings.HasPrefix(row, want) {
			t.Errorf("row %q, want it to start %q", row, want)
		}
	}
	var fields []string
	for _, w := range ws {
		if w.Code == CodeNeutralized {
			fields = append(fields, w.Field)
			if strings.Contains(w.String(), "SUM") || strings.Contains(w.String(), "calc") {
				t.Errorf("warning shows the value: %s", w)
			}
		}
	}
	if strings.Join(fields, ",") != "CSV/Last Name,CSV/Email,CSV/User Name" {
		t.Errorf("neutralized fields %v", fields)
	}
	buf.Reset()
	ws, err = WriteClinicalOneCSV(&buf, dir, Options{Study: "S1", RawCSV: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\n+1 5551234,@SUM(A1),-x@example.org,") {
		t.Errorf("RawCSV changed cells: %s", buf.String())
	}
	for _, w := range ws {
		if w.Code == CodeNeutralized {
			t.Errorf("RawCSV warns %v", w)
		}
	}
}

// TestFormulaCellsPerFormat: the OpenClinica 4 table (CSV) neutralizes formula-like cells
// like the template's CSV does, with a warning per column and none with RawCSV; the
// template workbook writes the value itself (a workbook's string cell is text, never a
// formula), so it reads back as it was, with no warning.
func TestFormulaCellsPerFormat(t *testing.T) {
	u := &User{ID: "U1", Login: "fsample", GivenName: "=HYPERLINK(\"x\")", FamilyName: "Sample", Emails: []string{"f.sample@site.example.org"},
		Assignments: []Assignment{{Study: "S1", Scope: ScopeStudy, Environment: EnvProduction, From: "2026-01-01", Role: Role{Name: "Data Manager"}}}}
	dir := &Directory{Studies: []*Study{{ID: "S1"}}, Users: []*User{u}}
	neutralized := func(ws []Warning) (fields []string) {
		for _, w := range ws {
			if w.Code == CodeNeutralized {
				fields = append(fields, w.Field)
			}
		}
		return fields
	}

	var buf bytes.Buffer
	ws, err := WriteOC4Users(&buf, dir, Options{Study: "S1"})
	if err != nil {
		t.Fatal(err)
	}
	if row := strings.Split(buf.String(), "\n")[1]; !strings.HasPrefix(row, `"'=HYPERLINK(""x"")",Sample,`) {
		t.Errorf("oc4users row %q: the formula is not neutralized", row)
	}
	if f := neutralized(ws); strings.Join(f, ",") != "table/First" {
		t.Errorf("oc4users neutralized fields %v, want table/First", f)
	}
	buf.Reset()
	ws, err = WriteOC4Users(&buf, dir, Options{Study: "S1", RawCSV: true})
	if err != nil {
		t.Fatal(err)
	}
	if row := strings.Split(buf.String(), "\n")[1]; !strings.HasPrefix(row, `"=HYPERLINK(""x"")",Sample,`) || len(neutralized(ws)) != 0 {
		t.Errorf("oc4users RawCSV: row %q, warnings %v", row, neutralized(ws))
	}

	buf.Reset()
	ws, err = WriteClinicalOneXLSX(&buf, dir, Options{Study: "S1"})
	if err != nil {
		t.Fatal(err)
	}
	if f := neutralized(ws); len(f) != 0 {
		t.Errorf("the workbook warns %v: it changed no cell", f)
	}
	back, _, err := ReadClinicalOneXLSX(&buf, Options{Study: "S1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Users) != 1 || back.Users[0].GivenName != u.GivenName {
		t.Errorf("the workbook read back %+v, want First Name %q", back.Users, u.GivenName)
	}
}

// TestClinicalOneWarningRows: a missing required value is placed at the template row that
// lacks it (rows left out do not count), and no warning carries the login.
func TestClinicalOneWarningRows(t *testing.T) {
	a := []Assignment{{Study: "S1", Scope: ScopeStudy, Environment: EnvProduction, From: "2026-01-01", Role: Role{Name: "CRA"}}}
	dir := &Directory{Studies: []*Study{{ID: "S1"}}, Users: []*User{
		{ID: "U1", Login: "asample", GivenName: "Ann", FamilyName: "Sample", Emails: []string{"a@example.org"}, Assignments: a},
		{ID: "U2", Login: "idle", GivenName: "Ida", FamilyName: "Sample", Emails: []string{"i@example.org"}}, // no row
		{ID: "U3", Login: "bsample", GivenName: "Bo", FamilyName: "Sample", Assignments: a},
		{Login: "", GivenName: "Cy", FamilyName: "Sample", Emails: []string{"c@example.org"}, Assignments: a},
	}}
	var buf bytes.Buffer
	ws, err := WriteClinicalOneCSV(&buf, dir, Options{Study: "S1", Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"CSV/Email":     "User U3 (template row 3)", // the second data row: U2 got none
		"CSV/User Name": "template row 4",           // neither login nor OID
	}
	for _, w := range ws {
		if strings.Contains(w.Subject, "sample") || strings.Contains(w.Message, "sample") {
			t.Errorf("warning %v names a login", w)
		}
		if s, ok := want[w.Field]; ok && w.Code == CodeInvalidValue {
			if w.Subject != s {
				t.Errorf("%s: subject %q, want %q", w.Field, w.Subject, s)
			}
			delete(want, w.Field)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing warnings %v; got %v", want, codes(ws))
	}
}

// TestIsJoinedName: isJoinedName is strings.TrimSpace(given+" "+family) == name without the
// joined string; every case is checked against that definition.
func TestIsJoinedName(t *testing.T) {
	long := strings.Repeat("Abcdefghij", 12) // longer than isJoinedName's buffer
	cases := []struct {
		name, given, family string
		why                 string
	}{
		{"Ada Example", "Ada", "Example", "the usual join"},
		{"Ada  Example", "Ada", "Example", "two spaces are not the join"},
		{"Ada", "Ada", "", "no family name: the trailing space is trimmed"},
		{"Example", "", "Example", "no given name: the leading space is trimmed"},
		{"", "", "", "nothing at all"},
		{"Ada Example", " Ada", "Example\u00a0", "spaces around the parts are trimmed, NBSP too (unicode.IsSpace)"},
		{"Ada Example", "Ada\u3000", "Example", "an ideographic space inside is kept"},
		{"Zoë Ñandú", "Zoë", "Ñandú", "multi-byte letters"},
		{long + " " + long, long, long, "longer than the buffer"},
		{long + " " + long + "x", long, long, "longer than the buffer, one byte more"},
		{"Example Ada", "Ada", "Example", "the other order"},
	}
	for _, c := range cases {
		want := strings.TrimSpace(c.given+" "+c.family) == c.name
		if got := isJoinedName(c.name, c.given, c.family); got != want {
			t.Errorf("%s: isJoinedName(%q, %q, %q) = %v, want %v", c.why, c.name, c.given, c.family, got, want)
		}
	}
	if !isJoinedName("Ada Example", "Ada", "Example") || isJoinedName("Ada  Example", "Ada", "Example") {
		t.Error("the definition itself: a plain join must match and a double space must not")
	}
}

// TestFormulaCellsReadBack: a CSV table written with neutralized cells reads back (ReadAny,
// ReadCompact, ReadClinicalOneCSV) with the values written, not with the apostrophes;
// a value that starts with an apostrophe of its own comes back with it.
func TestFormulaCellsReadBack(t *testing.T) {
	u := &User{ID: "fsample", Login: "fsample", GivenName: `=HYPERLINK("x")`, FamilyName: "-Dash", Emails: []string{"f.sample@site.example.org"},
		Assignments: []Assignment{{Study: "S1", Scope: ScopeStudy, Environment: EnvProduction, From: "2026-01-01", Role: Role{Name: "Data Manager"}}}}
	plain := &User{ID: "tapos", Login: "tapos", GivenName: "'t Hart", FamilyName: "'=not ours", Emails: []string{"t.hart@site.example.org"},
		Assignments: u.Assignments}
	dir := &Directory{Studies: []*Study{{ID: "S1"}}, Users: []*User{u, plain}}
	for _, c := range []struct {
		name  string
		write func(*bytes.Buffer) ([]Warning, error)
	}{
		{"Clinical One template", func(b *bytes.Buffer) ([]Warning, error) { return WriteClinicalOneCSV(b, dir, Options{Study: "S1"}) }},
		{"OpenClinica 4 user table", func(b *bytes.Buffer) ([]Warning, error) { return WriteOC4Users(b, dir, Options{Study: "S1"}) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if _, err := c.write(&buf); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), `'=HYPERLINK`) {
				t.Fatalf("the cell was not neutralized: %s", buf.String())
			}
			check := func(how string, d *Directory) {
				t.Helper()
				names := map[string][2]string{}
				for _, x := range d.Users {
					names[x.Login] = [2]string{x.GivenName, x.FamilyName}
				}
				// "'=not ours" has an apostrophe of its own before a formula: the
				// writer gives it one more, which the read takes off again.
				want := map[string][2]string{"fsample": {u.GivenName, u.FamilyName}, "tapos": {plain.GivenName, plain.FamilyName}}
				if !reflect.DeepEqual(names, want) {
					t.Errorf("%s: read back %q, want %q", how, names, want)
				}
			}
			d, _, err := ReadAny(bytes.NewReader(buf.Bytes()), "t.csv", Options{})
			if err != nil {
				t.Fatal(err)
			}
			check("ReadAny", d)
			cd, _, err := ReadCompact(bytes.NewReader(buf.Bytes()), "t.csv", Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer cd.Close()
			if !cd.Compact() {
				t.Error("ReadCompact read the table whole: the compact reader is not tested")
			}
			all, err := cd.Each(func(x *User) *User { return x })
			if err != nil {
				t.Fatal(err)
			}
			check("ReadCompact", all)
			if c.name == "Clinical One template" {
				d, _, err := ReadClinicalOneCSV(bytes.NewReader(buf.Bytes()), Options{})
				if err != nil {
					t.Fatal(err)
				}
				check("ReadClinicalOneCSV", d)
			}
		})
	}
}
