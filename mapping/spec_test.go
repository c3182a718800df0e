package mapping

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/odmadmin/odmadmin/internal/input"
)

func readSpecString(t testing.TB, s string) (*Spec, error) {
	t.Helper()
	tb, err := input.NewCSV(strings.NewReader(s), "spec.csv", input.Options{}, input.TableOptions{IsHeader: IsSpecHeader})
	if err != nil {
		return nil, err
	}
	return ReadSpec(tb)
}

const specHeader = "Kind,Study,Scope,Source,Target,Suggested,Note\n"

func specDir() *Directory {
	return &Directory{
		Studies: []*Study{{ID: "S1"}},
		Sites:   []*Site{{ID: "10127", Name: "(01) Harbor View", Number: "01"}, {ID: "10128", Name: "(02) Lakeside", Number: "02"}},
		Users: []*User{
			{ID: "u1", Login: "ahale", Emails: []string{"a@example.org"}, Assignments: []Assignment{
				{Study: "S1", Site: "10127", Scope: ScopeSite, Role: RoleFor(ProfileInForm, "Data Manager Rights", ScopeSite)}}},
			{ID: "u2", Emails: []string{"b.quist@example.org"}, Assignments: []Assignment{
				{Study: "S1", Site: "10128", Scope: ScopeSite, Role: RoleFor(ProfileInForm, "Sponsor CRA Rights", ScopeSite)},
				{Study: "S1", Site: "10127", Scope: ScopeSite, Role: RoleFor(ProfileInForm, "Sponsor CRA Rights", ScopeSite)}}},
			{ID: "u3", Login: "test_acct", Emails: []string{}, Assignments: []Assignment{
				{Study: "S1", Scope: ScopeStudy, Role: RoleFor(ProfileInForm, "Mystery Rights", ScopeStudy)}}},
		},
	}
}

func TestSpecApply(t *testing.T) {
	spec, err := readSpecString(t, specHeader+
		"# comment,,,,,,\n"+
		"role,,,Data Manager Rights,Data Manager,,\n"+
		"role,,,canonical:Monitor,canonical:Monitor,yes,\n"+
		"role,S1,site,Sponsor CRA Rights,CRA (site),,more specific than canonical:\n"+
		"site,,,01,S-01,,\n"+
		"login,,,email-local-part,,,\n"+
		"start-date,,,,05-Jan-2026,,\n"+
		"exclude,,,nobody,,,\n")
	if err != nil {
		t.Fatal(err)
	}
	d := specDir()
	ws := spec.Apply(d, ProfileClinicalOne, nil)
	u1, u2 := d.Users[0], d.Users[1]
	if a := u1.Assignments[0]; a.Role.Name != "Data Manager" || a.Role.Canonical != RoleDataManager || a.Site != "S-01" || a.From != "2026-01-05" {
		t.Errorf("u1: %+v", a)
	}
	if a := u2.Assignments[0]; a.Role.Name != "CRA (site)" || a.Role.Canonical != RoleMonitor || a.Site != "10128" {
		t.Errorf("u2: the most specific rule wins; the target keeps the source's meaning: %+v", a)
	}
	if u2.Login != "b.quist" {
		t.Errorf("login from the e-mail's local part: %q", u2.Login)
	}
	if d.Sites[0].ID != "S-01" {
		t.Errorf("site %+v", d.Sites[0])
	}
	msgs := ""
	for _, w := range ws {
		msgs += w.String() + "\n"
	}
	for _, want := range []string{
		`unmapped: spec/role: role "Mystery Rights" (study level) has no role rule in the spec; kept as it is (1 user)`,
		`unmapped: spec/site: site 10128 has no site rule in the spec; kept as it is (1 user)`,
		`spec: spec/Suggested: 1 rules are suggestions`,
		`1 exclude rule match no user`,
	} {
		if !strings.Contains(msgs, want) {
			t.Errorf("warnings lack %q:\n%s", want, msgs)
		}
	}
	if strings.Contains(msgs, "@") {
		t.Errorf("warnings name no e-mail addresses:\n%s", msgs)
	}
}

func TestSpecErrors(t *testing.T) {
	tests := []struct{ in, want, reason string }{
		{"", "empty", "an empty spec"},
		{"a,b\n", "no header row", "a table without Kind, Source, Target"},
		{specHeader + "rôle,,,a,b,,\n", `row 2: unknown Kind "rôle"`, "a misspelt kind names its row"},
		{specHeader + "role,,,a,,,\n", "row 2: a role rule needs Source and Target", "half a rule"},
		{specHeader + "role,,,canonical:Wizard,x,,\n", `"Wizard" is not a canonical role`, "an unknown canonical role"},
		{specHeader + "role,,everywhere,a,b,,\n", "Scope must be study, site or empty", "a bad scope"},
		{specHeader + "login,,,username,,,\n", "login Source must be", "an unknown login source"},
		{specHeader + "login,,,lookup,,,\n", "needs the user table's file name", "a lookup without a file"},
		{specHeader + "start-date,,,,soon,,\n", "must be a date", "a start date that is no date"},
		{specHeader + "login,,,oid,,,\nlogin,,,email,,,\n", "a second login rule (the first is on row 2)", "two login rules"},
		{specHeader + "role,,,CRA,Monitor, Lead,,a note\n", "row 2: column 8 has a value, but the header row names no column there",
			"an unquoted comma in a Target moves the rest of the rule along: the rule is not read wrong"},
		{strings.TrimSuffix(specHeader, "\n") + ",target\nrole,,,a,b,,,c\n", `the column "target" appears twice in the header row (columns 5 and 8)`,
			"two Target columns: which one holds the rule's target cannot be told"},
	}
	for _, tc := range tests {
		_, err := readSpecString(t, tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: got %v, want one line containing %q", tc.reason, err, tc.want)
		}
		if err != nil && tc.in != "" && tc.in != "a,b\n" && !errors.Is(err, ErrSpec) {
			t.Errorf("%s: %v does not wrap ErrSpec", tc.reason, err)
		}
	}
}

func TestSpecTemplateReadsBack(t *testing.T) {
	d := specDir()
	var buf bytes.Buffer
	if err := SpecTemplate(&buf, d, ProfileClinicalOne, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"role,,site,Data Manager Rights,Data Manager,yes,1 user; canonical DataManager",
		"role,,site,Sponsor CRA Rights,Clinical Research Associate (CRA),yes,1 user; canonical Monitor",
		"role,,study,Mystery Rights,,,1 user; canonical Other",
		"site,,,10127,01,yes,2 users; (01) Harbor View",
		"login,,,email-local-part,,yes,1 users have no login",
		"start-date,,,,01-Jun-2026,yes",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("template lacks %q:\n%s", want, out)
		}
	}
	// An unfilled target is an error to fix, not a rule: the template is read back once
	// it is filled in.
	filled := strings.Replace(out, "Mystery Rights,,", "Mystery Rights,View Study Design,", 1)
	spec, err := readSpecString(t, filled)
	if err != nil {
		t.Fatal(err)
	}
	ws := spec.Apply(d, ProfileClinicalOne, nil)
	for _, w := range ws {
		if w.Code == CodeUnmapped {
			t.Errorf("the filled-in template maps everything: %v", w)
		}
	}
}

func FuzzReadSpec(f *testing.F) {
	for _, s := range []string{
		specHeader + "role,,,a,b,,\nsite,,,1,2,,\n",
		specHeader + "login,,,lookup,x.csv,,\nstart-date,,,,2026-01-01,yes,\nexclude,,,u,,,\n",
		specHeader + "role,S,site,canonical:Monitor,canonical:CRC,,\n",
		"Kind;Source;Target\nrole;a;b\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := readSpecString(t, s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		spec.Apply(specDir(), ProfileClinicalOne, nil)
	})
}

// TestSpecTemplateNeutralizes: the spec template is made to be edited in a spreadsheet;
// a role or site name from the export that starts like a formula was written as it is,
// and the spreadsheet ran it ("=HYPERLINK(...)": a link to anywhere in a file a
// migration team trusts). It is written with an apostrophe, and the filled-in template
// reads back as the name, so its rule still applies.
func TestSpecTemplateNeutralizes(t *testing.T) {
	const evil = `=HYPERLINK("http://evil.example/","Site User")`
	d := specDir()
	d.Users[2].Assignments[0].Role = RoleFor(ProfileInForm, evil, ScopeStudy)
	d.Sites[1].ID = "@SUM(1)"
	d.Users[1].Assignments[0].Site = "@SUM(1)"
	var buf bytes.Buffer
	if err := SpecTemplate(&buf, d, ProfileClinicalOne, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	cr := csv.NewReader(strings.NewReader(buf.String()))
	cr.FieldsPerRecord = -1 // the comment row is one cell
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, r := range rows {
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+@", rune(c[0])) {
				t.Errorf("a cell a spreadsheet runs: %q", c)
			}
			if c == "'"+evil || c == "'@SUM(1)" {
				seen++
			}
		}
	}
	if seen != 2 {
		t.Fatalf("%d of the 2 names written with an apostrophe:\n%s", seen, buf.String())
	}
	filled := strings.Replace(buf.String(), `Site User"")",,`, `Site User"")",Site User,`, 1)
	spec, err := readSpecString(t, filled)
	if err != nil {
		t.Fatal(err)
	}
	spec.Apply(d, ProfileClinicalOne, nil)
	if a := d.Users[2].Assignments[0]; a.Role.Name != "Site User" {
		t.Errorf("the rule for the formula-like role does not apply: %+v", a.Role)
	}
	if a := d.Users[1].Assignments[0]; a.Site != "02" {
		t.Errorf("the rule for the formula-like site does not apply: site %q", a.Site)
	}
}
