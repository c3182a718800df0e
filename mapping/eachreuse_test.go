package mapping

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/odmadmin/odmadmin/odm"
)

// TestDirectoryReadersReuse: the readers of whole directories (FromReader, ReadEach,
// ReadEachSpec, MergeStream.AddODM: diff, plan and map's several or whole inputs) give
// the same result from a Reader that recycles each record (odm.ReadOptions.Reuse) as from
// one with default options: the directory, the users kept, the directory written back as
// ODM (from the records it keeps: Reader.Keep), the reader's and the mapping's warnings
// and the error. Read with ValuesOnly as well (no layout: diff and plan, which write no
// directory back), all but the ODM written back are the same. Each input is also read
// with its content three times over, so that a value kept from a recycled record would
// show as a later record's.
func TestDirectoryReadersReuse(t *testing.T) {
	now := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	inputs := streamInputs(t)
	// The specs are made for the inputs TestStreamSpecMatchesApply streams (specsFor
	// needs sites with an ID); the other fixtures are read without one.
	withSpecs := map[string]bool{}
	for name, data := range inputs {
		withSpecs[name] = true
		// A large input recycles each record's memory for hundreds of others already.
		if len(data) > 100<<10 {
			continue
		}
		if b := repeatContent(t, data); b != nil {
			inputs[name+" x3"], withSpecs[name+" x3"] = b, true
		}
	}
	// The other fixtures three times over only (which holds each once as well).
	for name, data := range odmFixtures(t) {
		if _, ok := inputs[name]; !ok {
			if b := repeatContent(t, data); b != nil {
				inputs[name+" x3"] = b
			} else {
				inputs[name] = data
			}
		}
	}
	type result struct {
		Out     string
		ODM     string   // the directory written back as ODM: what it holds of the records read
		Quirks  []string // the reader's warnings, as they print
		Ws, Sws []Warning
		Err     string
	}
	encode := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	errText := func(err error) string {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	writeBack := func(d *Directory) string {
		if d == nil {
			return ""
		}
		var b bytes.Buffer
		if _, err := WriteODM(&b, d, "", Options{Now: now}, odm.WriteOptions{}); err != nil {
			return err.Error()
		}
		return b.String()
	}
	keepAll := func(u *User) *User { return u } // every user kept: each must be its own memory
	compared := map[string]int{}
	for name, data := range inputs {
		studies, err := StudyElements(func() (io.Reader, error) { return bytes.NewReader(data), nil }, odm.ReadOptions{})
		if err != nil {
			continue // not a document the readers take
		}
		opts := Options{Now: now, Studies: studies}
		// read reads data with ro through f and notes the reader's warnings.
		read := func(ro odm.ReadOptions, f func(*odm.Reader) result) result {
			ro.Name = "in.xml"
			rd := odm.NewReader(bytes.NewReader(data), ro)
			r := f(rd)
			for _, q := range rd.Warnings() {
				r.Quirks = append(r.Quirks, q.Error())
			}
			return r
		}
		base, _, err := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), opts)
		if err != nil {
			continue
		}
		readers := map[string]func(*odm.Reader) result{
			"FromReader": func(rd *odm.Reader) result {
				d, ws, err := FromReader(rd, opts)
				return result{Out: encode(d), ODM: writeBack(d), Ws: ws, Err: errText(err)}
			},
			"ReadEach": func(rd *odm.Reader) result {
				d, ws, err := ReadEach(rd, opts, keepAll)
				return result{Out: encode(d), ODM: writeBack(d), Ws: ws, Err: errText(err)}
			},
			"MergeStream": func(rd *odm.Reader) result {
				ms, err := NewMergeStream()
				if err != nil {
					t.Fatal(err)
				}
				defer ms.Close()
				// The same file twice: the second merges into the first's people.
				ws, err := ms.AddODM("a.xml", rd, opts)
				if err == nil {
					var w []Warning
					w, err = ms.AddODM("b.xml", odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), opts)
					ws = append(ws, w...)
				}
				if err != nil {
					return result{Ws: ws, Err: errText(err)}
				}
				var b bytes.Buffer
				if _, err := ms.WriteODM(&b, "", Options{Now: now}, odm.WriteOptions{}); err != nil {
					b.WriteString(err.Error())
				}
				d, err := ms.Whole()
				return result{Out: encode(d), ODM: b.String(), Ws: append(ws, ms.Warnings()...), Err: errText(err)}
			},
		}
		if withSpecs[name] {
			for sname, use := range specsFor(t, base) {
				if sname != "rules" && sname != "lookup" {
					continue // TestStreamSpecMatchesApply runs every spec; two that change the users do here
				}
				readers["ReadEachSpec "+sname] = func(rd *odm.Reader) result {
					o := opts
					o.Spec = &use
					d, ws, sws, err := ReadEachSpec(rd, o, keepAll)
					return result{Out: encode(d), ODM: writeBack(d), Ws: ws, Sws: sws, Err: errText(err)}
				}
			}
		}
		for what, f := range readers {
			want := read(odm.ReadOptions{}, f)
			if got := read(odm.ReadOptions{Reuse: true}, f); !cmp.Equal(want, got) {
				t.Errorf("%s, %s: Reuse changes the result (-default +recycled):\n%s", name, what, cmp.Diff(want, got))
				continue
			}
			got := read(odm.ReadOptions{Reuse: true, ValuesOnly: true}, f)
			got.ODM = want.ODM // written back without the layout, as ValuesOnly says
			if !cmp.Equal(want, got) {
				t.Errorf("%s, %s: Reuse with ValuesOnly changes the result (-default +recycled, values only):\n%s", name, what, cmp.Diff(want, got))
				continue
			}
			if want.Err == "" && len(want.Out) > 100 && len(want.ODM) > 100 {
				compared[what]++
			}
		}
	}
	// Every reader compared on most inputs: a run that compares nothing proves nothing.
	for _, what := range []string{"FromReader", "ReadEach", "MergeStream", "ReadEachSpec rules", "ReadEachSpec lookup"} {
		if compared[what] < 20 {
			t.Errorf("%s compared on %d inputs only", what, compared[what])
		}
	}
}
