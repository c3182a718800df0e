package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/testenv"
)

// A migration user's main workflow: export the Clinical One template (or an OpenClinica
// 4 user table) of an export, edit it, and patch the edits back into the export (map
// --to odm --base FILE). The patch lost almost everything: the template's site numbers
// ("01") matched no Location ("10127"), so every site-level access was left out, every
// user taken out of the block, and FILE's users, Locations, SignatureDef and groups were
// reported removed; fields the template has no column for (status, locale, address,
// InForm's ids) were cleared from the users it kept.

// baseTableCase is a fixture whose table, patched into it unedited, gives it back.
type baseTableCase struct {
	file, study string
	// patchStudy is passed to the patch as --study: needed when FILE has several
	// studies (the table is one study's, and the patch does not guess which).
	patchStudy bool
	formats    []string
	reason     string
}

var baseTableCases = []baseTableCase{
	{"testdata/inform/htn-demo.xml", "HTN-DEMO", false, []string{"csv", "xlsx", "oc4users"},
		"InForm: the table names sites by mnemonic (01, 02: Locations 10127, 10128) and roles by rights group name; tgrant_old is deactivated, so it has no row and is kept"},
	{"mapping/testdata/inform.xml", "DEMO-TRIAL", false, []string{"csv", "xlsx", "oc4users"},
		"InForm, a second export"},
	{"testdata/rave/mediflex-users.xml", "Mediflex(Prod)", false, []string{"csv", "xlsx", "oc4users"},
		"Rave with --study: sites by StudySiteNumber (101), the lab without one by OID; batch_loader is not active, has no template row, and is kept"},
	{"mapping/testdata/rave.xml", "Demoflex(Prod)", false, []string{"csv", "xlsx", "oc4users"},
		"Rave, a second export"},
	{"cmd/odmadmin/testdata/tables/rave-multienv.xml", "Omega(Prod)", true, []string{"csv", "xlsx", "oc4users"},
		"Rave, three study environments: the table is one's; a person of two keeps the other's record and role"},
	{"cmd/odmadmin/testdata/tables/rave-multienv.xml", "Zeta(Prod)", true, []string{"csv", "xlsx", "oc4users"},
		"Rave, the study whose users are also in its UAT environment (one not active there)"},
	{"cmd/odmadmin/testdata/tables/rave-multienv.xml", "Zeta(UAT)", true, []string{"csv", "xlsx", "oc4users"},
		"Rave, the UAT environment: its inactive user has no template row and is kept; the table is of the Test environment"},
	{"testdata/openclinica/demo-site-studies.xml", "S_DEMO", false, []string{"csv", "xlsx", "oc4users"},
		"OpenClinica: no logins (the template's User Name is the OID, which finds the user), a site study by its protocol name, no roles"},
	{"mapping/testdata/openclinica.xml", "S_DEMOX", false, []string{"csv", "xlsx", "oc4users"},
		"OpenClinica, two site studies"},
	{"mapping/testdata/odm13.xml", "PLAIN-STUDY", false, []string{"csv", "xlsx", "oc4users"},
		"plain ODM 1.3: no roles (the Study Role is empty both ways)"},
	{"testdata/odm2/demo-admin.xml", "ST.DEMO-002", false, []string{"csv", "xlsx", "oc4users"},
		"ODM 2.0: users found by UserName (OIDs differ from logins), organizations and images kept"},
	{"mapping/testdata/odm2.xml", "ST.TWO", false, []string{"csv", "xlsx", "oc4users"},
		"ODM 2.0, a second export"},
}

// Not in baseTableCases, each for its reason:
//   - an OpenClinica site study as --study (S_SITE_NL01 of demo-site-studies.xml): a
//     site study is not a study the template or the user table is written for; its
//     table names the site study's users at study level, which is not what the file says;
//   - the ODM files of validate/testdata and odm/testdata: each holds one defect for a
//     check (a dangling reference, an invalid value), not an export to migrate.

// TestMapTableRoundTripIntoBase: for every fixture above and every table the case names,
// map --to TABLE --study S FILE, then map --to odm --base FILE of that table, gives FILE
// back (xmllint --exc-c14n), with no warning that a user, site, signature or group was
// removed or could not be written.
func TestMapTableRoundTripIntoBase(t *testing.T) {
	xmllint := testenv.Xmllint(t)
	root := filepath.Join("..", "..")
	for _, tc := range baseTableCases {
		if tc.reason == "" {
			t.Fatalf("%s: a case needs a reason", tc.file)
		}
		file := filepath.Join(root, filepath.FromSlash(tc.file))
		for _, to := range tc.formats {
			t.Run(tc.file+"/"+tc.study+"/"+to, func(t *testing.T) {
				ext := to
				if to == "oc4users" {
					ext = "csv" // the table is CSV; its header tells it from the template
				}
				table := filepath.Join(t.TempDir(), "table."+ext)
				if code, _, errs := mapRun(t, "", "--quiet", "--to", to, "--study", tc.study, "-o", table, file); code != 0 {
					t.Fatalf("export: exit %d: %s", code, errs)
				}
				args := []string{"--to", "odm", "--base", file, table}
				if tc.patchStudy {
					args = append(args, "--study", tc.study)
				}
				code, out, errs := mapRun(t, "", args...)
				if code != 0 {
					t.Fatalf("patch: exit %d: %s", code, errs)
				}
				for _, bad := range []string{"mapping.removed", "mapping.unrepresentable", "dangling-reference"} {
					if strings.Contains(errs, bad) {
						t.Errorf("patch warns %s:\n%s", bad, errs)
					}
				}
				if want, got := c14nText(t, xmllint, mustRead(t, file)), c14nText(t, xmllint, []byte(out)); want != got {
					t.Errorf("not FILE back:\n%s", lineDiff(want, got))
				}
			})
		}
	}
}

// TestMapTableIntoBaseNoStudy: a table patched without --study into a file of several
// studies does not guess whose access its rows are: it says so, and each user keeps the
// access FILE gives it (here, FILE back).
func TestMapTableIntoBaseNoStudy(t *testing.T) {
	xmllint := testenv.Xmllint(t)
	file := filepath.Join("testdata", "tables", "rave-multienv.xml")
	table := filepath.Join(t.TempDir(), "t.csv")
	if code, _, errs := mapRun(t, "", "--quiet", "--to", "csv", "--study", "Omega(Prod)", "-o", table, file); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	code, out, errs := mapRun(t, "", "--to", "odm", "--base", file, table)
	if code != 0 {
		t.Fatalf("patch: exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "warning mapping.unrepresentable: Assignment/study: the table names no study and the document has several") {
		t.Errorf("no warning of the unknown study:\n%s", errs)
	}
	if want, got := c14nText(t, xmllint, mustRead(t, file)), c14nText(t, xmllint, []byte(out)); want != got {
		t.Errorf("the access FILE gives is not kept:\n%s", lineDiff(want, got))
	}
}

// TestMapTemplateEditsIntoBase: each edit of the InForm export's template makes exactly
// its change in the patched export, and nothing else: the expected document is FILE
// edited by hand the same way, compared canonically (white space between elements
// ignored, as a record the patch writes anew is laid out by the writer).
func TestMapTemplateEditsIntoBase(t *testing.T) {
	xmllint := testenv.Xmllint(t)
	base := string(mustRead(t, htnDemo))
	code, tmpl, errs := mapRun(t, "", "--quiet", "--to", "csv", "--study", "HTN-DEMO", htnDemo)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	row := func(login string) string {
		for _, l := range strings.SplitAfter(tmpl, "\n") {
			if strings.Contains(l, ","+login+",") {
				return l
			}
		}
		t.Fatalf("no template row of %s in\n%s", login, tmpl)
		return ""
	}
	record := func(oid string) string {
		m := regexp.MustCompile(`(?s)<User OID="` + oid + `" .*?</User>`).FindString(base)
		if m == "" {
			t.Fatalf("no User %s in the fixture", oid)
		}
		return m
	}
	replace := func(s, old, new string) string {
		t.Helper()
		if !strings.Contains(s, old) {
			t.Fatalf("%q not in %q", old, s)
		}
		return strings.Replace(s, old, new, 1)
	}
	kw, am := record("kwatanabe"), record("amorel")
	tests := []struct {
		name, reason string
		edited       string // the template
		want         string // FILE as the edit should leave it
		warn         []string
	}{
		{"email-changed", "a changed e-mail address: that Email element, nothing else",
			replace(tmpl, row("kwatanabe"), strings.Replace(row("kwatanabe"), "k.watanabe@site02.example.org", "k.watanabe@site03.example.org", 1)),
			replace(base, "<Email>k.watanabe@site02.example.org</Email>", "<Email>k.watanabe@site03.example.org</Email>"),
			nil},
		{"row-removed", "a user's row removed: that user's record is left out, and reported",
			replace(tmpl, row("kwatanabe"), ""),
			replace(base, kw, ""),
			[]string{"warning mapping.removed: User: the document has the record and the directory (the input) does not, so the patch leaves it out of the output (User kwatanabe)"}},
		{"site-added", "a site added to a user's Sites: a LocationRef to its Location (found by the mnemonic 02), nothing else",
			replace(tmpl, row("amorel"), strings.Replace(row("amorel"), ",01,", ",01; 02,", 1)),
			replace(base, am, replace(am, `<LocationRef LocationOID="10127"/>`, `<LocationRef LocationOID="10127"/><LocationRef LocationOID="10128"/>`)),
			nil},
		{"name-cleared", "a First Name cleared: the template holds it, so clearing it is an edit (the rest of the user is FILE's)",
			replace(tmpl, row("kwatanabe"), strings.Replace(row("kwatanabe"), "健,", ",", 1)),
			replace(base, "<FirstName>健</FirstName>", ""),
			nil},
	}
	for _, tc := range tests {
		if tc.reason == "" {
			t.Fatalf("%s: a case needs a reason", tc.name)
		}
		t.Run(tc.name, func(t *testing.T) {
			in := filepath.Join(t.TempDir(), "edited.csv")
			if err := os.WriteFile(in, []byte(tc.edited), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errs := mapRun(t, "", "--to", "odm", "--profile", "inform", "--base", htnDemo, in)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if want, got := squeeze(c14nText(t, xmllint, []byte(tc.want))), squeeze(c14nText(t, xmllint, []byte(out))); want != got {
				t.Errorf("not exactly the edit:\n%s", lineDiff(want, got))
			}
			for _, w := range tc.warn {
				if !strings.Contains(errs, w) {
					t.Errorf("no warning %q in\n%s", w, errs)
				}
			}
			// (The template's Start Date of an access FILE lacks is reported as not
			// carried, Assignment/from: InForm holds no dates. It is so.)
			for _, bad := range []string{"unrepresentable: Assignment/site", "unrepresentable: User", "unrepresentable: Location", "dangling-reference", "role-verbatim"} {
				if strings.Contains(errs, bad) {
					t.Errorf("warns %s:\n%s", bad, errs)
				}
			}
			if tc.warn == nil && strings.Contains(errs, "mapping.removed") {
				t.Errorf("warns removed:\n%s", errs)
			}
		})
	}

	// A user added: the added record is the template's user (login, names, e-mail, its
	// site, the rights group of its role); without it the document is FILE.
	t.Run("user-added", func(t *testing.T) {
		in := filepath.Join(t.TempDir(), "edited.csv")
		edited := tmpl + "Nora,Quill,nora.quill@site01.example.org,nquill,06-Dec-2026,,CRC Rights,01,\n"
		if err := os.WriteFile(in, []byte(edited), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, errs := mapRun(t, "", "--to", "odm", "--profile", "inform", "--base", htnDemo, in)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		for _, bad := range []string{"mapping.removed", "unrepresentable: Assignment/site", "unrepresentable: User", "role-verbatim"} {
			if strings.Contains(errs, bad) {
				t.Errorf("warns %s:\n%s", bad, errs)
			}
		}
		added := regexp.MustCompile(`(?s)<User OID="nquill".*?</User>`).FindString(out)
		if added == "" {
			t.Fatalf("no User nquill in\n%s", out)
		}
		for _, want := range []string{"<LoginName>nquill</LoginName>", "<FirstName>Nora</FirstName>", "<LastName>Quill</LastName>",
			"<Email>nora.quill@site01.example.org</Email>", `<LocationRef LocationOID="10127"/>`, `<pf:GroupRef GroupOID="5955"/>`} {
			if !strings.Contains(added, want) {
				t.Errorf("the added user lacks %s:\n%s", want, added)
			}
		}
		rest := strings.Replace(out, added, "", 1)
		if want, got := squeeze(c14nText(t, xmllint, []byte(base))), squeeze(c14nText(t, xmllint, []byte(rest))); want != got {
			t.Errorf("more changed than the added user:\n%s", lineDiff(want, got))
		}
	})
}

// c14nText returns doc under xmllint --exc-c14n.
func c14nText(t *testing.T, xmllint string, doc []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "c14n.xml")
	if err := os.WriteFile(f, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--exc-c14n", f).Output()
	if err != nil {
		t.Fatalf("xmllint: %v\n%s", err, doc)
	}
	return string(out)
}

// squeeze drops white space between tags.
func squeeze(s string) string { return regexp.MustCompile(`>\s+<`).ReplaceAllString(s, "><") }

// lineDiff lists the lines of want and got that differ, by line number (-want +got).
func lineDiff(want, got string) string {
	a, b := strings.Split(strings.ReplaceAll(want, "><", ">\n<"), "\n"), strings.Split(strings.ReplaceAll(got, "><", ">\n<"), "\n")
	var buf bytes.Buffer
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			buf.WriteString("- " + x + "\n+ " + y + "\n")
			if buf.Len() > 4000 {
				break
			}
		}
	}
	return buf.String()
}

// TestMapOC4UsersEditsIntoBase: an OpenClinica 4 user table has other columns than the
// template (Phone, Organization, Status): an edit of one is that change in the patched
// InForm export, and nothing else (the table has no sites, so FILE's access stays, its
// rows saying what FILE says of it).
func TestMapOC4UsersEditsIntoBase(t *testing.T) {
	xmllint := testenv.Xmllint(t)
	base := string(mustRead(t, htnDemo))
	code, table, errs := mapRun(t, "", "--quiet", "--to", "oc4users", "--study", "HTN-DEMO", htnDemo)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	var kw string
	for _, l := range strings.SplitAfter(table, "\n") {
		if strings.Contains(l, ",kwatanabe,") {
			kw = l
		}
	}
	if kw == "" || !strings.Contains(kw, ",+81 3 5555 0101,") || !strings.Contains(kw, ",Available,") {
		t.Fatalf("fixture changed: kwatanabe's row is %q", kw)
	}
	tests := []struct {
		name, reason string
		row          string
		old, new     string // in FILE
	}{
		{"phone", "a Phone changed: that Phone element", strings.Replace(kw, ",+81 3 5555 0101,", ",+81 3 5555 0199,", 1),
			"<Phone>+81 3 5555 0101</Phone>", "<Phone>+81 3 5555 0199</Phone>"},
		{"status", "a Status changed to Deactivated: InForm's pf:Active, nothing else (pf:Terminated stays)", strings.Replace(kw, ",Available,", ",Deactivated,", 1),
			`pf:Revision="1" pf:StudyLocale="ja-JP" pf:Active="Yes"`, `pf:Revision="1" pf:StudyLocale="ja-JP" pf:Active="No"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := filepath.Join(t.TempDir(), "edited.csv")
			if err := os.WriteFile(in, []byte(strings.Replace(table, kw, tc.row, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errs := mapRun(t, "", "--to", "odm", "--base", htnDemo, in)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if strings.Count(base, tc.old) != 1 {
				t.Fatalf("fixture changed: %q", tc.old)
			}
			want := strings.Replace(base, tc.old, tc.new, 1)
			if w, g := c14nText(t, xmllint, []byte(want)), c14nText(t, xmllint, []byte(out)); w != g {
				t.Errorf("%s: not exactly the edit:\n%s", tc.reason, lineDiff(w, g))
			}
		})
	}
}

// TestMapTemplateRowOfDeactivatedUser: the template has no account status (a deactivated
// user has no row), so a row for a user FILE has deactivated does not reactivate the
// account: the row's values are patched in, the account stays deactivated, and that is
// said (before, without a word).
func TestMapTemplateRowOfDeactivatedUser(t *testing.T) {
	code, tmpl, errs := mapRun(t, "", "--quiet", "--to", "csv", "--study", "HTN-DEMO", htnDemo)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	const warn = "warning mapping.unrepresentable: User/status: the table has a row for a user the document has deactivated"
	cases := []struct {
		name, reason string
		extra        string // rows added to the template
		warned       bool
	}{
		{"row-added", "tgrant_old (pf:Active No) listed again: kept deactivated, its e-mail patched in, warned",
			"Theo,Grant,t.grant@site01.example.org,tgrant_old,06-Dec-2026,,CRC Rights,01,\n", true},
		{"no-row", "the template as written: the deactivated user has no row, nothing to say", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := filepath.Join(t.TempDir(), "edited.csv")
			if err := os.WriteFile(in, []byte(tmpl+tc.extra), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errs := mapRun(t, "", "--to", "odm", "--profile", "inform", "--base", htnDemo, in)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			rec := regexp.MustCompile(`(?s)<User OID="tgrant_old" .*?</User>`).FindString(out)
			if !strings.Contains(rec, `pf:Active="No"`) {
				t.Errorf("%s: the account is not kept deactivated:\n%s", tc.reason, rec)
			}
			if got := strings.Contains(rec, "<Email>t.grant@site01.example.org</Email>"); got != tc.warned {
				t.Errorf("%s: row's e-mail patched in %v:\n%s", tc.reason, got, rec)
			}
			if got := strings.Contains(errs, warn) && strings.Contains(errs, "(User tgrant_old)"); got != tc.warned {
				t.Errorf("%s: warned %v:\n%s", tc.reason, got, errs)
			}
		})
	}
}
