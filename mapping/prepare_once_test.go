package mapping

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestStreamedWritersWarnOnce: the streamed writers report a directory-level warning (a
// site study whose parent is not in the file) as often as FromReader does, once per site
// study; they used to prepare the directory twice and count it twice.
func TestStreamedWritersWarnOnce(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "openclinica.xml"))
	if err != nil {
		t.Fatal(err)
	}
	// One of the two site studies includes a parent the file does not have.
	in := strings.Replace(string(raw), `<Include StudyOID="S_DEMOX"`, `<Include StudyOID="S_GONE"`, 1)
	if in == string(raw) {
		t.Fatal("the fixture has no site study to break")
	}
	reader := func() *odm.Reader { return odm.NewReader(strings.NewReader(in), odm.ReadOptions{}) }
	dangling := func(ws []Warning) int {
		n := 0
		for _, w := range ws {
			if w.Code == CodeDanglingRef && w.Field == "Study/MetaDataVersion/Include/@StudyOID" {
				n += w.Count
			}
		}
		return n
	}
	// As map reads OpenClinica: its Study elements first (a Reader hands on records only).
	studies, err := StudyElements(func() (io.Reader, error) { return strings.NewReader(in), nil }, odm.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, ws, err := FromReader(reader(), Options{Studies: studies})
	if err != nil {
		t.Fatal(err)
	}
	if got := dangling(ws); got != 1 {
		t.Fatalf("FromReader: %d dangling parent warnings, want 1", got)
	}
	opts := Options{Study: "S_DEMOX", Studies: studies}
	for _, tc := range []struct {
		name  string
		write func() ([]Warning, error)
	}{
		{"WriteJSON", func() ([]Warning, error) { return WriteJSON(io.Discard, reader(), opts) }},
		{"WriteOC4UsersFrom", func() ([]Warning, error) {
			return WriteOC4UsersFrom(io.Discard, func() (*odm.Reader, error) { return reader(), nil }, opts)
		}},
		{"WriteClinicalOneCSVFrom", func() ([]Warning, error) {
			var buf bytes.Buffer
			return WriteClinicalOneCSVFrom(&buf, func() (*odm.Reader, error) { return reader(), nil }, opts)
		}},
	} {
		ws, err := tc.write()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := dangling(ws); got != 1 {
			t.Errorf("%s: %d dangling parent warnings, want 1 as FromReader", tc.name, got)
		}
	}
}
