package mapping

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// genericFiles are the files every profile shares: they ask the flavour or the user table
// (profile.go) and name no vendor, so that adding a vendor is adding its own file.
var genericFiles = []string{"write.go", "record.go", "read.go", "locations.go", "patch.go", "stream.go", "patchstream.go",
	"roles.go", "readany.go", "spec.go", "rolewarn.go", "streamwrite.go", "merge.go", "mergeref.go", "spill.go", "resolve.go", "carry.go", "check.go"}

// vendorNames are what a generic file may not use: every Profile constant but plain ODM's,
// the odm namespace constants a vendor flavour owns or shares (words), and identifiers or
// string literals that name a vendor.
type vendorNames struct {
	idents   map[string]bool // exact identifiers
	literals []string        // substrings of string literals
}

// loadVendorNames collects the Profile constants of the package (model.go and the table
// profiles) and the namespace constants of package odm, keeping those that name a vendor.
func loadVendorNames(t *testing.T) vendorNames {
	t.Helper()
	vn := vendorNames{idents: map[string]bool{"isOpenClinicaNS": true}}
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range constSpecs(f) {
			if id, ok := c.Type.(*ast.Ident); ok && id.Name == "Profile" {
				for _, n := range c.Names {
					// RolesForAny is a Profile value that names no vendor: "roles mapped for
					// whichever target" (rolewarn.go).
					if n.Name != "ProfileODM" && n.Name != "ProfileODM2" && n.Name != "RolesForAny" {
						vn.idents[n.Name] = true
					}
				}
			}
		}
	}
	owned := map[string]bool{}
	for _, x := range vendors() {
		vn.literals = append(vn.literals, x.f.prefix()+":")
		for _, w := range x.f.words() {
			owned[w] = true
		}
	}
	odmFile, err := parser.ParseFile(fset, filepath.Join("..", "odm", "node.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	nsFound := 0
	for _, c := range constSpecs(odmFile) {
		for i, n := range c.Names {
			if !strings.HasPrefix(n.Name, "NS") || i >= len(c.Values) {
				continue
			}
			lit, ok := c.Values[i].(*ast.BasicLit)
			if !ok {
				continue
			}
			v, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			if nsFlavour(v) != nil || owned[v] {
				vn.idents[n.Name] = true
				vn.literals = append(vn.literals, v)
				nsFound++
			}
		}
	}
	// The vendors' names as a warning or a comment would spell them.
	vn.literals = append(vn.literals, "InForm", "Rave", "OpenClinica", "Clinical One")
	if !vn.idents["ProfileRave"] || !vn.idents["NSInForm"] || nsFound < 4 {
		t.Fatalf("the vendor names were not found (profiles and namespaces: %v); the test would check nothing", vn.idents)
	}
	return vn
}

func constSpecs(f *ast.File) []*ast.ValueSpec {
	var out []*ast.ValueSpec
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
			for _, s := range g.Specs {
				out = append(out, s.(*ast.ValueSpec))
			}
		}
	}
	return out
}

// vendorWord reports whether an identifier names a vendor: it contains "inform",
// "openclinica", "clinicalone" or "mdsol" (case ignored), or one of its camel-case words is
// "rave", "oc", "oc4" or "pf" (informStatus, raveStatusOf, ocFullName).
func vendorWord(id string) bool {
	l := strings.ToLower(id)
	for _, s := range []string{"inform", "openclinica", "clinicalone", "mdsol"} {
		if strings.Contains(l, s) {
			return true
		}
	}
	var words []string
	start := 0
	for i, r := range id {
		if i > 0 && unicode.IsUpper(r) && !unicode.IsUpper(rune(id[i-1])) {
			words = append(words, strings.ToLower(id[start:i]))
			start = i
		}
	}
	words = append(words, strings.ToLower(id[start:]))
	for _, w := range words {
		if w == "rave" || w == "oc" || w == "oc4" || w == "pf" {
			return true
		}
	}
	return false
}

// vendorRefs lists where the Go source src names a vendor (comments aside).
func vendorRefs(t *testing.T, vn vendorNames, name string, src any) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if vn.idents[n.Name] || vendorWord(n.Name) {
				out = append(out, fset.Position(n.Pos()).String()+": "+n.Name)
			}
		case *ast.BasicLit:
			if n.Kind != token.STRING {
				break
			}
			for _, s := range vn.literals {
				if strings.Contains(n.Value, s) {
					out = append(out, fset.Position(n.Pos()).String()+": "+n.Value)
					break
				}
			}
		}
		return true
	})
	return out
}

// TestGenericFilesNameNoVendor holds the generic files (read, record, write, patch and
// stream the ODM flavours; read any input, name roles, apply a spec) to asking the flavour
// or the user table: a vendor's behaviour is in its own file (see flavour and tableFormat
// in profile.go).
func TestGenericFilesNameNoVendor(t *testing.T) {
	vn := loadVendorNames(t)
	for _, name := range genericFiles {
		for _, r := range vendorRefs(t, vn, name, nil) {
			t.Errorf("%s names a vendor; move the behaviour behind a flavour method in the vendor's file", r)
		}
	}
}

// TestVendorRefsFinds checks the checker: each snippet names a vendor in one way.
func TestVendorRefsFinds(t *testing.T) {
	vn := loadVendorNames(t)
	for _, tc := range []struct {
		src    string
		want   int
		reason string
	}{
		{`if w.p == ProfileRave { return }`, 1, "a vendor profile constant"},
		{`if p == ProfileOC4Users || p == ProfileClinicalOne { return }`, 2, "table profiles are vendors too"},
		{`if p == ProfileODM || p == ProfileODM2 { return }`, 0, "plain ODM is no vendor"},
		{`u.Source.RolesFor = RolesForAny`, 0, "the profile value of roles mapped for any target is no vendor"},
		{`_ = ClinicalOneSheet; _ = ReadOC4Users(t, o)`, 2, "a table profile's exported names"},
		{`_ = e.Is(odm.NSInForm, "GroupDef")`, 1, "a vendor namespace"},
		{`_ = odm.NSOpenClinicaRules`, 1, "a namespace a vendor lists among its words"},
		{`_ = odm.NS13 + odm.NSXSI`, 0, "standard namespaces"},
		{`_ = isOpenClinicaNS(s)`, 1, "the vendor's namespace test"},
		{`w.warn.add(c, "User/@pf:InFormUserType", s, "m")`, 1, "a vendor prefix in a literal"},
		{`_ = "the account is terminated in InForm"`, 1, "a vendor's name in a literal"},
		{`_ = informStatusOf(a, b, c, d) + raveStatusOf(x, y)`, 2, "calls of a vendor's helpers"},
		{`_ = w.ocFullName(u, s)`, 1, "an oc-prefixed helper"},
		{`_ = w.fl.fullName(w, u, s); _ = traverse; _ = userInfo; _ = "graves"`, 0, "words that merely contain the letters"},
	} {
		src := "package p\nfunc f() {\n" + tc.src + "\n}\n"
		got := vendorRefs(t, vn, "snippet.go", src)
		if len(got) != tc.want {
			t.Errorf("%s: %q: found %d (%v), want %d", tc.reason, tc.src, len(got), got, tc.want)
		}
	}
	if slices.Contains(genericFiles, "profile.go") {
		t.Error("profile.go is the flavour lookup, which names every vendor")
	}
}
