package validate

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/testenv"
)

// declaredCodes parses the package's non-test source files and returns the value of every
// constant declared with type Code, so the table cannot miss a code added in any file.
func declaredCodes(t *testing.T) map[Code]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	out := map[Code]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
					continue
				}
				for i, name := range vs.Names {
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok {
						t.Fatalf("%s: want a string literal", name.Name)
					}
					v, _ := strconv.Unquote(lit.Value)
					out[Code(v)] = name.Name
				}
			}
		}
	}
	return out
}

func TestCodeTableMatchesConstants(t *testing.T) {
	declared := declaredCodes(t)
	seen := map[Code]bool{}
	for _, ci := range allCodes() {
		if seen[ci.code] {
			t.Errorf("%s is in the table twice", ci.code)
		}
		seen[ci.code] = true
		if _, ok := declared[ci.code]; !ok {
			t.Errorf("%s is in the table but not declared as a Code constant", ci.code)
		}
		if ci.source == "" || ci.meaning == "" {
			t.Errorf("%s: needs a source and a meaning", ci.code)
		}
	}
	for c, name := range declared {
		if !seen[c] {
			t.Errorf("%s (%s) is declared but missing from the code table", name, c)
		}
	}
}

// TestCodeTableDocumented checks that doc.go's code table lists exactly the code table, row
// for row, so the documentation cannot drift from the code.
func TestCodeTableDocumented(t *testing.T) {
	b, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "// # Code table\n")
	if !ok {
		t.Fatal("doc.go has no # Code table section")
	}
	row := regexp.MustCompile(`^//\t(\S+) {2,}(\S.*?) {2,}(\S.*)$`)
	var rows []codeInfo
	for _, line := range strings.Split(table, "\n") {
		if m := row.FindStringSubmatch(line); m != nil {
			rows = append(rows, codeInfo{Code(m[1]), m[2], m[3]})
		}
	}
	want := allCodes()
	for i := 0; i < max(len(rows), len(want)); i++ {
		var got, w codeInfo
		if i < len(rows) {
			got = rows[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if got != w {
			t.Errorf("doc.go code table row %d:\n got  %q %q %q\n want %q %q %q", i+1, got.code, got.source, got.meaning, w.code, w.source, w.meaning)
		}
	}
}

// TestSeedCodes checks the codes attributed to seed 002 against the seed text: each one is
// spelled there exactly, and every code the seed names is in the table (except where the
// rule needs data this package does not see).
func TestSeedCodes(t *testing.T) {
	b, err := os.ReadFile(testenv.Shared(t, seed002))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	table := map[Code]string{}
	for _, ci := range allCodes() {
		table[ci.code] = ci.source
		if ci.source == sourceSeed002 && !strings.Contains(text, string(ci.code)+":") {
			t.Errorf("%s is attributed to seed 002 but the seed does not spell it", ci.code)
		}
		if ci.source == sourceOdmadmin && strings.Contains(text, string(ci.code)) {
			t.Errorf("%s is in seed 002; attribute it to the seed", ci.code)
		}
	}
	for _, c := range regexp.MustCompile(`errorCode\.[A-Za-z0-9]+`).FindAllString(text, -1) {
		if table[Code(c)] != sourceSeed002 {
			t.Errorf("seed 002 names %s, which the table lacks or attributes elsewhere", c)
		}
	}
}

// TestEveryCodeExercised runs every table of test cases and checks that together they
// produce every code in the table. A table added for new checks (AdminData) joins here.
func TestEveryCodeExercised(t *testing.T) {
	produced := map[Code]bool{}
	note := func(fs []Finding) {
		for _, f := range fs {
			produced[f.Code] = true
		}
	}
	for _, tc := range contactCases {
		note(CheckContact(tc.rec, Options{}))
	}
	for _, tc := range requestCases {
		r := baseRequest()
		if tc.req != nil {
			tc.req(&r)
		}
		note(CheckRequest(tc.rec, r, Options{}))
	}
	for _, tc := range editCases {
		note(CheckUserEdit(tc.edit, Options{}))
	}
	for _, tc := range accountCases {
		note(CheckAccount(tc.acct, Options{}))
	}
	for _, tc := range repeatCases {
		note(tc.findings())
	}
	note(adminDataFixtureFindings(t)) // AdminData: every fixture in testdata/admindata
	var missing []string
	for _, ci := range allCodes() {
		if !produced[ci.code] {
			missing = append(missing, string(ci.code))
		}
		delete(produced, ci.code)
	}
	if len(missing) > 0 {
		t.Errorf("no test case produces: %s", strings.Join(missing, ", "))
	}
	for c := range produced {
		t.Errorf("tests produced %s, which is not in the code table", c)
	}
}
