package mapping

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/testenv"
	"github.com/odmadmin/odmadmin/odm"
)

// patchFiles are the ODM files a directory is patched back into: this package's fixtures,
// the repository's and, when present, the shared reference samples.
func patchFiles(t *testing.T) []string {
	var files []string
	for _, f := range fixtures {
		files = append(files, filepath.Join("testdata", f.file))
	}
	more, _ := filepath.Glob(filepath.Join("..", "testdata", "*", "*.xml"))
	files = append(files, more...)
	if _, err := os.Stat(filepath.Join(testenv.RepoRoot(), "..", "shared", "reference", "samples")); err == nil {
		s, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(), "..", "shared", "reference", "samples", "*", "*.xml"))
		files = append(files, s...)
	} else {
		t.Log("../shared/reference/samples not found; patching the fixtures only")
	}
	return files
}

// TestPatchUnchanged: a directory patched into the document it was read from (streamed,
// as map does, and decoded whole) writes the document back as odm.Transform copies it,
// Study, ClinicalData and comments included.
func TestPatchUnchanged(t *testing.T) {
	for _, f := range patchFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if _, err := odm.Transform(&want, bytes.NewReader(data), odm.ReadOptions{}, odm.WriteOptions{}, nil); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		streamed, _, err := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), Options{})
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		decoded, _, err := FromDocument(decodeBytes(t, data), Options{})
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		for name, dir := range map[string]*Directory{"FromReader": streamed, "FromDocument": decoded} {
			var got bytes.Buffer
			ws, err := Patch(&got, bytes.NewReader(data), dir, PatchOptions{})
			if err != nil {
				t.Errorf("%s (%s): %v", f, name, err)
				continue
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%s (%s): patched document differs from the source (warnings %v)\n--- got\n%s", f, name, ws, got.Bytes())
			}
		}
	}
}

// TestPatchEdits: a changed, a removed and an added user, a new InForm rights group for a
// new role; everything outside AdminData stays.
func TestPatchEdits(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "inform", "htn-demo.xml"))
	if err != nil {
		t.Fatal(err)
	}
	dir, _, err := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(dir.Users) < 3 {
		t.Fatalf("fixture has %d users", len(dir.Users))
	}
	changed, removed := dir.Users[0], dir.Users[2]
	changed.GivenName = "Zora"
	dir.Users = append(dir.Users[:2], dir.Users[3:]...)
	added := &User{ID: "newuser", Login: "newuser", GivenName: "Nia", FamilyName: "Newcomb", Emails: []string{"nia@example.org"},
		Assignments: []Assignment{{Study: "HTN-DEMO", Site: "10127", Scope: ScopeSite, Role: Role{Name: "Data Reviewer Rights", Canonical: RoleViewer}, Environment: EnvProduction}}}
	dir.Users = append(dir.Users, added)
	var out bytes.Buffer
	ws, err := Patch(&out, bytes.NewReader(data), dir, PatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"<Study ", "<ClinicalData ", "<!--", "<FirstName>Zora</FirstName>", `<User OID="newuser"`, `Name="Data Reviewer Rights"`} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q (warnings %v)\n%s", want, ws, s)
		}
	}
	if strings.Contains(s, `OID="`+removed.ID+`"`) {
		t.Errorf("removed user %s still written", removed.ID)
	}
	// The output reads back as the edited directory.
	back, _, err := FromReader(odm.NewReader(bytes.NewReader(out.Bytes()), odm.ReadOptions{}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, u := range back.Users {
		ids = append(ids, u.ID)
		if u.ID == "newuser" && (len(u.Assignments) != 1 || u.Assignments[0].Role.Name != "Data Reviewer Rights" || u.Assignments[0].Site != "10127") {
			t.Errorf("new user read back as %+v", u.Assignments)
		}
	}
	if len(back.Users) != len(dir.Users) {
		t.Errorf("users read back %v, want %d", ids, len(dir.Users))
	}
	validate(t, out.Bytes(), odm.V13)
}

// TestPatchNoBlock: a user of a study the document has no AdminData for is reported.
func TestPatchNoBlock(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "inform", "htn-demo.xml"))
	if err != nil {
		t.Fatal(err)
	}
	dir, _, err := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir.Source.Blocks = append(dir.Source.Blocks, Block{Study: "OTHER"})
	dir.Users = append(dir.Users, &User{ID: "elsewhere", Login: "elsewhere",
		Assignments: []Assignment{{Study: "OTHER", Scope: ScopeStudy, Environment: EnvProduction}}})
	var out bytes.Buffer
	ws, err := Patch(&out, bytes.NewReader(data), dir, PatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "elsewhere") || !strings.Contains(strings.Join(codes(ws), ","), "unrepresentable User") {
		t.Errorf("want the user left out with a warning, got %v", ws)
	}
}

// TestWriteODMStreams: WriteODM writes what ToDocument builds (compared as data).
func TestWriteODMStreams(t *testing.T) {
	for _, f := range fixtures {
		dir, _, err := FromDocument(decodeFile(t, f.file), Options{Profile: f.profile})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []Profile{ProfileInForm, ProfileRave, ProfileOpenClinica, ProfileODM, ProfileODM2} {
			doc, _, err := ToDocument(dir, p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := WriteODM(&buf, dir, p, Options{}, odm.WriteOptions{}); err != nil {
				t.Fatalf("%s → %s: %v", f.file, p, err)
			}
			want, _, err := FromDocument(decodeBytes(t, encode(t, doc)), Options{Profile: p})
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := FromDocument(decodeBytes(t, buf.Bytes()), Options{Profile: p})
			if err != nil {
				t.Fatal(err)
			}
			if a, b := string(mustJSON(t, want)), string(mustJSON(t, got)); a != b {
				t.Errorf("%s → %s: streamed output reads back differently", f.file, p)
			}
		}
	}
}

// TestNotCarried counts what a write into another flavour leaves out.
func TestNotCarried(t *testing.T) {
	doc := `<?xml version="1.0"?><!-- c --><?pi x?><ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:v="urn:v"><!-- in root -->` +
		`<Study OID="S"/><Study OID="T"><!-- inside: part of the Study --></Study><AdminData><!-- admin --></AdminData>` +
		`<ClinicalData StudyOID="S" MetaDataVersionOID="1"/><v:Thing/></ODM><!-- after -->`
	ws, err := NotCarried(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, w := range ws {
		if w.Code != CodeNotCarried {
			t.Errorf("code %s", w.Code)
		}
		got[w.Field] = w.Count
	}
	want := map[string]int{"comment": 3, "processing-instruction": 1, "ODM/Study": 2, "ODM/ClinicalData": 1, "ODM/v:Thing": 1}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
