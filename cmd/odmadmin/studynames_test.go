package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestStudyNamesOfEveryFlavour: the stream readers skip Study elements, and the commands
// read them first for OpenClinica inputs alone, so that every other flavour's study had
// no name: map --to json named none, --to odm --profile openclinica wrote the study's OID
// as its StudyName (warning that the study had no name, which it had), and diff labelled
// changes by the study's OID. Now the Study elements before the first AdminData are read
// for every flavour, from a file and from stdin, whatever the size of that head.
func TestStudyNamesOfEveryFlavour(t *testing.T) {
	src := filepath.Join("..", "..", "testdata", "inform", "htn-demo.xml")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<StudyName>([^<]+)</StudyName>`).FindSubmatch(data)
	if m == nil {
		t.Fatal("the fixture names no study")
	}
	name := string(m[1])

	code, out, errs := runCmd(nil, "map", "--quiet", "--to", "json", src)
	var d struct {
		Studies []struct{ ID, Name string }
	}
	if code != 0 || json.Unmarshal([]byte(out), &d) != nil || len(d.Studies) != 1 || d.Studies[0].Name != name {
		t.Errorf("map --to json: exit %d, studies %+v (%s); want the study named %q", code, d.Studies, errs, name)
	}

	code, out, errs = runCmd(nil, "map", "--to", "odm", "--profile", "openclinica", src)
	if code != 0 || !strings.Contains(out, "<StudyName>"+name+"</StudyName>") || strings.Contains(errs, "the study has no name") {
		t.Errorf("map --to odm --profile openclinica: exit %d; want StudyName %q and no warning that the study has none: %s", code, name, errs)
	}

	// diff of a role change: the change is labelled by the study's name, from a file,
	// from stdin, and from stdin with a head past what is held in memory (a Study of
	// 5 MB of metadata before the AdminData).
	dir := t.TempDir()
	changed := filepath.Join(dir, "changed.xml")
	if err := os.WriteFile(changed, []byte(strings.Replace(string(data), `<pf:GroupRef GroupOID="5954"/>`, `<pf:GroupRef GroupOID="5955"/>`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	pad := "<!-- " + strings.Repeat("padding ", 5<<20/8) + "-->"
	bigHead := strings.Replace(string(data), "<GlobalVariables>", pad+"<GlobalVariables>", 1)
	if bigHead == string(data) {
		t.Fatal("no GlobalVariables to pad before")
	}
	label := "ROLE_CHANGE Ada Morel (amorel): " + name + " (Production)-"
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
	}{
		{"files", "", []string{"diff", src, changed}},
		{"stdin", string(data), []string{"diff", "-", changed}},
		{"stdin, large head", bigHead, []string{"diff", "-", changed}},
	} {
		var in *strings.Reader
		if tc.stdin != "" {
			in = strings.NewReader(tc.stdin)
		}
		var code int
		var out, errs string
		if in != nil {
			code, out, errs = runCmd(in, tc.args...)
		} else {
			code, out, errs = runCmd(nil, tc.args...)
		}
		if code != 1 || !strings.Contains(out, label) {
			t.Errorf("%s: exit %d, out %q (%s); want exit 1 and %q", tc.name, code, out, errs, label)
		}
	}
}
