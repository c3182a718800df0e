package mapping

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/odmadmin/odmadmin/odm"
)

// FuzzMapToODMRoundTrip is the property of "map --to odm": for any document the reader
// accepts, the directory read from it, written back in its own flavour (Patch, as map
// does; and WriteODM from the directory after JSON, as map does without --base), reads
// back as the same directory.
func FuzzMapToODMRoundTrip(f *testing.F) {
	for _, x := range fixtures {
		b, err := os.ReadFile(filepath.Join("testdata", x.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, c := range emptyRoots {
		f.Add([]byte(c.doc))
	}
	more, _ := filepath.Glob(filepath.Join("..", "testdata", "*", "*.xml"))
	// The command's fixtures: query/inform.xml has a Location of no version and no user.
	cmd, _ := filepath.Glob(filepath.Join("..", "cmd", "odmadmin", "testdata", "*", "*.xml"))
	for _, m := range append(more, cmd...) {
		if b, err := os.ReadFile(m); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(checkMapRoundTrip)
}

// checkMapRoundTrip checks the property of FuzzMapToODMRoundTrip for one input.
func checkMapRoundTrip(t *testing.T, b []byte) {
	{
		read := func(data []byte) (*Directory, error) {
			d, _, err := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{MaxInputBytes: 1 << 20}), Options{})
			return d, err
		}
		if !utf8.Valid(b) {
			// Not well-formed as UTF-8: the reader should refuse it (today it accepts
			// some invalid bytes in names, which Check then refuses to write).
			return
		}
		d1, err := read(b)
		if err != nil {
			return
		}
		if locationListedTwice(b) {
			// A Location OID twice in one AdminData (ODM requires it unique there) is one
			// site, whose versions are those of both listings: patched back, each listing
			// gets the versions its block's study has, which need not be what it had.
			// The package doc says so.
			return
		}
		want := dirJSON(t, d1)
		var patched bytes.Buffer
		if _, err := Patch(&patched, bytes.NewReader(b), d1, PatchOptions{}); err != nil {
			t.Fatalf("Patch: %v", err)
		}
		d2, err := read(patched.Bytes())
		if err != nil {
			t.Fatalf("the patched document does not read back: %v\n%s", err, patched.Bytes())
		}
		if got := dirJSON(t, d2); got != want {
			t.Fatalf("Patch: the directory changed\n--- before\n%s\n--- after\n%s", want, got)
		}
		if !bytes.Equal(patched.Bytes(), transformed(t, b)) {
			t.Fatalf("Patch with the document's own directory is not the document")
		}
		// Through JSON, without the source: every value comes back.
		var viaJSON Directory
		if err := json.Unmarshal([]byte(want), &viaJSON); err != nil {
			t.Fatal(err)
		}
		var written bytes.Buffer
		if _, err := WriteODM(&written, &viaJSON, "", Options{}, odm.WriteOptions{}); err != nil {
			t.Fatalf("WriteODM: %v", err)
		}
		d3, err := read(written.Bytes())
		if err != nil {
			t.Fatalf("WriteODM output does not read back: %v\n%s", err, written.Bytes())
		}
		if got := dirJSON(t, d3); got != want {
			t.Fatalf("WriteODM via JSON: the directory changed\n--- before\n%s\n--- after\n%s", want, got)
		}
	}
}

// locationListedTwice reports whether a block of document b lists a Location OID twice.
func locationListedTwice(b []byte) bool {
	doc, err := odm.Decode(bytes.NewReader(b), odm.ReadOptions{MaxInputBytes: 1 << 20})
	if err != nil {
		return false
	}
	for _, ad := range doc.AdminData() {
		seen := map[string]bool{}
		for _, l := range ad.Locations {
			id := strings.TrimSpace(l.OID)
			if seen[id] {
				return true
			}
			seen[id] = true
		}
	}
	return false
}

func transformed(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	if _, err := odm.Transform(&buf, bytes.NewReader(b), odm.ReadOptions{}, odm.WriteOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// dirJSON is a directory as map writes it.
func dirJSON(t *testing.T, d *Directory) string {
	t.Helper()
	return string(mustJSON(t, d))
}
