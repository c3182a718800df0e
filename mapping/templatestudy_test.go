package mapping

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/odmadmin/odmadmin/odm"
)

// TestTemplateStudyReads checks that the streamed Clinical One template without a study
// reads its input once when the directory's studies settle the study, twice when only the
// users name it, and writes what WriteClinicalOneCSV writes either way.
func TestTemplateStudyReads(t *testing.T) {
	oc, err := os.ReadFile(filepath.Join("..", "testdata", "openclinica", "demo-site-studies.xml"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(oc)
	cut := func(s, from, to string) string {
		i := strings.Index(s, from)
		j := strings.Index(s[i:], to)
		if i < 0 || j < 0 {
			t.Fatalf("no %q in the fixture", from)
		}
		return s[:i] + s[i+j+len(to):]
	}
	// Without the parent study and its AdminData, the file's only study is the site
	// study, whose users are assigned in the parent study: a study only they name.
	orphan := cut(cut(s, `<Study OID="S_DEMO">`, "</Study>\n"), `<AdminData StudyOID="S_DEMO">`, "</AdminData>\n")
	tests := []struct {
		name, data string
		reads      int
		why        string
	}{
		{"site studies", s, 1, "the parent study is the only one that is not a site study"},
		{"orphan site study", orphan, 2, "the users are assigned in a study the file does not list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.data)
			studies, err := StudyElements(func() (io.Reader, error) { return bytes.NewReader(data), nil }, odm.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{Studies: studies}
			d, readWarn, err := FromReader(reader(data), opts)
			if err != nil {
				t.Fatal(err)
			}
			var want, got bytes.Buffer
			ws, err := WriteClinicalOneCSV(&want, d, opts)
			if err != nil {
				t.Fatal(err)
			}
			reads := 0
			gotWarn, err := WriteClinicalOneCSVFrom(&got, func() (*odm.Reader, error) { reads++; return reader(data), nil }, opts)
			if err != nil {
				t.Fatal(err)
			}
			if reads != tt.reads {
				t.Errorf("read %d times, want %d: %s", reads, tt.reads, tt.why)
			}
			if got.String() != want.String() {
				t.Errorf("template differs:\n%s", cmp.Diff(want.String(), got.String()))
			}
			if wantWarn := append(readWarn, ws...); !cmp.Equal(gotWarn, wantWarn) {
				t.Errorf("warnings differ:\n%s", cmp.Diff(wantWarn, gotWarn))
			}
		})
	}
}
