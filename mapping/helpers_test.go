package mapping

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/odmadmin/odmadmin/internal/testenv"
	"github.com/odmadmin/odmadmin/odm"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixtures are the ODM test files and the profile each is in.
var fixtures = []struct {
	file    string
	profile Profile
}{
	{"inform.xml", ProfileInForm},
	{"rave.xml", ProfileRave},
	{"openclinica.xml", ProfileOpenClinica},
	{"odm13.xml", ProfileODM},
	{"odm2.xml", ProfileODM2},
}

func decodeFile(t testing.TB, name string) *odm.Document {
	t.Helper()
	doc, err := odm.DecodeFile(filepath.Join("testdata", name), odm.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func encode(t testing.TB, doc *odm.Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := odm.NewEncoder(&buf, odm.WriteOptions{})
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	for _, w := range enc.Warnings() {
		t.Errorf("encoder: %v", w)
	}
	return buf.Bytes()
}

func decodeBytes(t testing.TB, b []byte) *odm.Document {
	t.Helper()
	doc, err := odm.Decode(bytes.NewReader(b), odm.ReadOptions{Name: "output"})
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	return doc
}

// canonical compares AdminData as data: layout (white space, prefixes, positions,
// namespace declarations, attribute order) does not matter; every value does.
var canonical = cmp.Options{
	cmpopts.IgnoreUnexported(odm.Ext{}),
	cmpopts.IgnoreFields(odm.Ext{}, "Line", "Col"),
	cmpopts.IgnoreFields(odm.Element{}, "Line", "Col", "Empty"),
	cmpopts.IgnoreFields(odm.Name{}, "Prefix"),
	cmp.Transformer("dropBlank", func(ns []odm.Node) []odm.Node {
		var out []odm.Node
		for _, n := range ns {
			if t, ok := n.(*odm.Text); ok && strings.TrimSpace(t.Data) == "" {
				continue
			}
			out = append(out, n)
		}
		return out
	}),
	cmp.Transformer("sortAttrs", func(as []odm.Attr) []odm.Attr {
		var out []odm.Attr
		for _, a := range as {
			if !a.IsNamespaceDecl() {
				out = append(out, a)
			}
		}
		sort.Slice(out, func(i, j int) bool {
			if out[i].Space != out[j].Space {
				return out[i].Space < out[j].Space
			}
			return out[i].Local < out[j].Local
		})
		return out
	}),
}

// validate checks an ODM output against the lax 1.3.2 schema or the 2.0 schema.
func validate(t *testing.T, b []byte, v odm.Version) {
	t.Helper()
	xmllint := testenv.Xmllint(t)
	schema := "reference/schema/odm1-3-2-lax/ODM1-3-2-lax-extensions.xsd"
	if v == odm.V20 {
		schema = "reference/schema/odm2-0/ODM.xsd"
	}
	xsd := testenv.Shared(t, schema)
	f := filepath.Join(t.TempDir(), "out.xml")
	if err := os.WriteFile(f, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", xsd, f).CombinedOutput()
	if err != nil {
		t.Errorf("schema validation failed: %v\n%s\n--- document:\n%s", err, out, b)
	}
}

// golden compares got with testdata/golden/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs from the golden file (-want +got); run go test -update if the change is intended:\n%s", name, d)
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func codes(ws []Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, string(w.Code)+" "+w.Field)
	}
	sort.Strings(out)
	return out
}
