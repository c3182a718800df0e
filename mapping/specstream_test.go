package mapping

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/odmadmin/odmadmin/odm"
)

// specsFor returns the specs the streamed spec is compared with Apply on, for the
// directory d read from an input: the template SpecTemplate suggests (read back as a
// user would after confirming it), rules naming users, sites and roles of d (and some
// that name nothing), and a login lookup from a table of d's own users.
func specsFor(t *testing.T, d *Directory) map[string]SpecUse {
	t.Helper()
	var tmpl bytes.Buffer
	if err := SpecTemplate(&tmpl, d, ProfileClinicalOne, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	// A role the vocabulary does not know has its Target left to fill in: fill it.
	cr := csv.NewReader(&tmpl)
	cr.FieldsPerRecord = -1 // the comment row has one field
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var filled bytes.Buffer
	cw := csv.NewWriter(&filled)
	for _, r := range rows {
		if len(r) > 4 && r[0] == "role" && r[4] == "" {
			r[4] = "Filled In " + r[3]
		}
		cw.Write(r)
	}
	cw.Flush()
	suggested, err := readSpecString(t, filled.String())
	if err != nil {
		t.Fatalf("the template does not read back: %v\n%s", err, filled.String())
	}
	rules := &Spec{
		Roles: []RoleRule{
			{Source: "canonical:Monitor", Target: "Clinical Research Associate (CRA)", Row: 2},
			{Source: "(none)", Target: "canonical:Investigator", Row: 3},
			{Scope: "site", Source: "canonical:DataManager", Target: "canonical:DataManager", Row: 4},
			{Study: "NO-SUCH-STUDY", Source: "canonical:Investigator", Target: "Nobody", Row: 5},
		},
		Login:     LoginRule{From: "email-local-part", Row: 6},
		StartDate: "2026-06-01",
		Exclude:   []string{"nobody-at-all"},
		Suggested: 1,
	}
	lookup := &Directory{}
	for i, u := range d.Users {
		switch i % 3 {
		case 0:
			rules.Exclude = append(rules.Exclude, strings.ToUpper(u.ID))
		case 1:
			if len(u.Emails) > 0 {
				rules.Exclude = append(rules.Exclude, u.Emails[0])
			}
		}
		if i%2 == 0 {
			lookup.Users = append(lookup.Users, &User{ID: u.ID, Login: "looked-up-" + u.ID})
		}
		if len(rules.Exclude) > 40 {
			break
		}
	}
	for i, s := range d.Sites {
		if i%2 == 0 {
			rules.Sites = append(rules.Sites, SiteRule{Source: s.ID, Target: "T-" + s.ID, Row: 10 + i})
		}
		if i > 20 {
			break
		}
	}
	rules.Sites = append(rules.Sites, SiteRule{Source: "no such site", Target: "X", Row: 99})
	byOID := &Spec{Login: LoginRule{From: "lookup", File: "users.csv", Row: 2}, Exclude: []string{"x"}}
	oid := &Spec{Login: LoginRule{From: "oid", Row: 2}}
	return map[string]SpecUse{
		"suggested":    {Spec: suggested, Target: ProfileClinicalOne},
		"rules":        {Spec: rules, Target: ProfileClinicalOne},
		"rules-oc":     {Spec: rules, Target: ProfileOpenClinica},
		"rules-none":   {Spec: rules},
		"lookup":       {Spec: byOID, Target: ProfileClinicalOne, Lookup: lookup},
		"oid-login":    {Spec: oid, Target: ProfileInForm},
		"no-rules":     {Spec: &Spec{}, Target: ProfileClinicalOne},
		"suggested-oc": {Spec: suggested, Target: ProfileOpenClinica},
	}
}

// TestStreamSpecMatchesApply checks that a spec applied while the users stream
// (Options.Spec) gives the bytes and warnings of Spec.Apply on the directory FromReader
// reads, written by the writer of the whole directory, for every streaming writer, on the
// fixtures and generated exports; and that SpecTemplateFrom writes what SpecTemplate
// writes.
func TestStreamSpecMatchesApply(t *testing.T) {
	now := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	type writer struct {
		name   string
		whole  func(*bytes.Buffer, *Directory, Options) ([]Warning, error)
		stream func(*bytes.Buffer, []byte, Options) ([]Warning, error)
	}
	open := func(data []byte) func() (*odm.Reader, error) {
		return func() (*odm.Reader, error) { return reader(data), nil }
	}
	writers := []writer{
		{"json", func(w *bytes.Buffer, d *Directory, _ Options) ([]Warning, error) {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return nil, enc.Encode(d)
		}, func(w *bytes.Buffer, data []byte, o Options) ([]Warning, error) { return WriteJSON(w, reader(data), o) }},
		{"csv", func(w *bytes.Buffer, d *Directory, o Options) ([]Warning, error) { return WriteClinicalOneCSV(w, d, o) },
			func(w *bytes.Buffer, data []byte, o Options) ([]Warning, error) {
				return WriteClinicalOneCSVFrom(w, open(data), o)
			}},
		{"oc4users", func(w *bytes.Buffer, d *Directory, o Options) ([]Warning, error) { return WriteOC4Users(w, d, o) },
			func(w *bytes.Buffer, data []byte, o Options) ([]Warning, error) {
				return WriteOC4UsersFrom(w, open(data), o)
			}},
	}
	compared, changed := map[string]int{}, 0
	for name, data := range streamInputs(t) {
		base, _, err := FromReader(reader(data), Options{Now: now})
		if err != nil {
			continue // a fixture FromReader refuses is not this test's business
		}
		var plain bytes.Buffer
		writers[0].whole(&plain, base, Options{})
		for specName, use := range specsFor(t, base) {
			if len(data) > 100<<10 && specName != "rules" && specName != "suggested" {
				continue // the large inputs are slow: the specs that change most are enough
			}
			for _, study := range []string{"", "GEN-STUDY"} {
				opts := Options{Study: study, Now: now}
				for _, wr := range writers {
					if study != "" && wr.name != "csv" {
						continue // only the template has a study to choose
					}
					d, readWarn, err := FromReader(reader(data), opts)
					if err != nil {
						t.Fatal(err)
					}
					specWarn := use.Spec.Apply(d, use.Target, use.Lookup)
					var want, got bytes.Buffer
					ws, werr := wr.whole(&want, d, opts)
					wantWarn := append(append(append([]Warning(nil), readWarn...), specWarn...), ws...)
					sopts := opts
					sopts.Spec = &use
					gotWarn, gerr := wr.stream(&got, data, sopts)
					what := name + " " + wr.name + " spec " + specName + " --study " + study
					if (werr == nil) != (gerr == nil) {
						t.Errorf("%s: error %v, the whole directory gives %v", what, gerr, werr)
						continue
					}
					if werr != nil {
						continue
					}
					compared[wr.name]++
					if wr.name == "json" && !bytes.Equal(want.Bytes(), plain.Bytes()) {
						changed++
					}
					if !bytes.Equal(got.Bytes(), want.Bytes()) {
						t.Errorf("%s: output differs (%d vs %d bytes)\n%s", what, got.Len(), want.Len(), cmp.Diff(want.String(), got.String()))
					}
					if !cmp.Equal(gotWarn, wantWarn) {
						t.Errorf("%s: warnings differ:\n%s", what, cmp.Diff(wantWarn, gotWarn))
					}
				}
			}
		}
		for _, target := range []Profile{"", ProfileClinicalOne, ProfileInForm, ProfileRave, ProfileOpenClinica} {
			var want, got bytes.Buffer
			if err := SpecTemplate(&want, base, target, now); err != nil {
				t.Fatal(err)
			}
			if _, err := SpecTemplateFrom(&got, reader(data), Options{Now: now}, target, now); err != nil {
				t.Fatalf("%s: SpecTemplateFrom: %v", name, err)
			}
			compared["spec-template"]++
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%s: spec template for %q differs:\n%s", name, target, cmp.Diff(want.String(), got.String()))
			}
		}
	}
	for _, n := range []string{"json", "csv", "oc4users", "spec-template"} {
		if compared[n] < 4 {
			t.Errorf("%s: only %d inputs compared", n, compared[n])
		}
	}
	// The specs must change what is written, or the comparison shows nothing.
	if changed < compared["json"]/2 {
		t.Errorf("the specs changed the JSON of %d of %d comparisons only", changed, compared["json"])
	}
}
