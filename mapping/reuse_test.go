package mapping

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/odmadmin/odmadmin/odm"
)

// repeatContent returns an ODM document with the content of its root written three times:
// each record comes again after the others, so that a value kept from a record that the
// reader recycled (odm.ReadOptions.Reuse) would show as another record's.
func repeatContent(t *testing.T, data []byte) []byte {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.RawToken()
		if err != nil {
			return nil
		}
		if _, ok := tok.(xml.StartElement); ok {
			break
		}
	}
	start, end := int(d.InputOffset()), bytes.LastIndex(data, []byte("</"))
	if end < start {
		return nil
	}
	return bytes.Join([][]byte{data[:start], data[start:end], data[start:end], data[start:end], data[end:]}, nil)
}

// TestStreamReuse: the streaming JSON and CSV writers (map --to json|csv) and FromReader
// write the same bytes and warnings from a Reader that recycles each record as from one
// that does not: mapping keeps copies of what it needs, never a record's memory.
func TestStreamReuse(t *testing.T) {
	now := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	inputs := streamInputs(t)
	files, _ := filepath.Glob(filepath.Join("..", "*", "testdata", "*.xml"))
	more, _ := filepath.Glob(filepath.Join("..", "testdata", "*", "*.xml"))
	for _, f := range append(files, more...) {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if b := repeatContent(t, raw); b != nil {
			inputs[f+"x3"] = b
		}
	}
	rd := func(data []byte, reuse bool) *odm.Reader {
		return odm.NewReader(bytes.NewReader(data), odm.ReadOptions{Reuse: reuse})
	}
	type out struct {
		B  string
		Ws []Warning
		E  string
	}
	run := func(f func(reuse bool, w *bytes.Buffer) ([]Warning, error), reuse bool) out {
		var buf bytes.Buffer
		ws, err := f(reuse, &buf)
		o := out{B: buf.String(), Ws: ws}
		if err != nil {
			o.E = err.Error()
		}
		return o
	}
	compared := 0
	for name, data := range inputs {
		for _, study := range []string{"", "GEN-STUDY"} {
			opts := Options{Study: study, Now: now}
			cases := map[string]func(bool, *bytes.Buffer) ([]Warning, error){
				"json": func(reuse bool, w *bytes.Buffer) ([]Warning, error) { return WriteJSON(w, rd(data, reuse), opts) },
				"csv": func(reuse bool, w *bytes.Buffer) ([]Warning, error) {
					return WriteClinicalOneCSVFrom(w, func() (*odm.Reader, error) { return rd(data, reuse), nil }, opts)
				},
				"FromReader": func(reuse bool, w *bytes.Buffer) ([]Warning, error) {
					d, ws, err := FromReader(rd(data, reuse), opts)
					if err != nil {
						return ws, err
					}
					return ws, json.NewEncoder(w).Encode(d)
				},
			}
			for what, f := range cases {
				want, got := run(f, false), run(f, true)
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("%s, study %q, %s: reuse changes the output (-without +with):\n%s", name, study, what, d)
				}
				if want.E == "" {
					compared++
				}
			}
		}
	}
	if compared < 20 {
		t.Fatalf("only %d outputs compared", compared)
	}
}
