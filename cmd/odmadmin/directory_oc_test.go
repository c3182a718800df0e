package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// readODMDirectoryWhole is how readODMDirectoryKeep read OpenClinica before it streamed
// it: the document decoded whole, its users filtered by keep.
func readODMDirectoryWhole(data []byte, name string, opts mapping.Options, keep func(*mapping.User) *mapping.User) (*mapping.Directory, []mapping.Warning, error) {
	doc, err := odm.Decode(bytes.NewReader(data), odm.ReadOptions{Name: name})
	if err != nil {
		return nil, nil, err
	}
	d, mws, err := mapping.FromDocument(doc, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	if keep != nil {
		kept := []*mapping.User{}
		for _, u := range d.Users {
			if k := keep(u); k != nil {
				kept = append(kept, k)
			}
		}
		d.Users = kept
	}
	ws := make([]mapping.Warning, 0, len(doc.Warnings)+len(mws))
	for _, x := range doc.Warnings {
		ws = append(ws, mapping.Warning{Code: mapping.CodeQuirk, Field: "ODM", Count: 1, Message: strings.TrimSpace(x.Error())})
	}
	for _, w := range mws {
		if w.File == "" {
			w.File = name
		}
		ws = append(ws, w)
	}
	return d, ws, nil
}

// TestReadODMDirectoryOpenClinicaStreams: diff, plan and map's several files read an
// OpenClinica export streamed (its Study elements first, from a temporary copy) into the
// directory, warnings and errors the whole-document read gave, with and without a keep
// filter (plan's), for the fixtures, a generated export, a site study out of ODM's order
// and inputs cut short.
func TestReadODMDirectoryOpenClinicaStreams(t *testing.T) {
	fixture := filepath.Join("..", "..", "testdata", "openclinica", "demo-site-studies.xml")
	oc, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	other, err := os.ReadFile(filepath.Join("..", "..", "mapping", "testdata", "openclinica.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var g bytes.Buffer
	if err := gen.OpenClinica(&g, 1500); err != nil {
		t.Fatal(err)
	}
	site := bytes.Index(oc, []byte("  <Study OID=\"S_SITE_NL01\">"))
	admin := bytes.Index(oc, []byte("  <AdminData"))
	clin := bytes.Index(oc, []byte("  <ClinicalData"))
	inputs := map[string][]byte{
		"fixture":           oc,
		"mapping fixture":   other,
		"generated":         g.Bytes(),
		"late site study":   bytes.Join([][]byte{oc[:site], oc[admin:clin], oc[site:admin], oc[clin:]}, nil),
		"cut in a study":    oc[:site+40],
		"cut in admindata":  oc[:admin+200],
		"cut in clinical":   oc[:clin+100],
		"text in admindata": bytes.Replace(oc, []byte("<AdminData StudyOID=\"S_DEMO\">"), []byte("<AdminData StudyOID=\"S_DEMO\">stray"), 1),
	}
	keepEven := func(u *mapping.User) *mapping.User {
		if strings.TrimRight(u.ID, "13579 ") != u.ID {
			return nil
		}
		return u
	}
	type result struct {
		Dir string
		Ws  []mapping.Warning
		Err string
	}
	res := func(d *mapping.Directory, ws []mapping.Warning, err error) result {
		if err != nil {
			return result{Err: err.Error()}
		}
		b, _ := json.Marshal(d)
		return result{Dir: string(b), Ws: ws}
	}
	compared, users := 0, 0
	for name, data := range inputs {
		for _, keep := range []func(*mapping.User) *mapping.User{nil, keepEven} {
			want := res(readODMDirectoryWhole(data, name, mapping.Options{}, keep))
			d, ws, err := readODMDirectoryKeep(bytes.NewReader(data), name, mapping.Options{}, keep)
			if d != nil {
				users += len(d.Users)
			}
			if diff := cmp.Diff(want, res(d, ws, err)); diff != "" {
				t.Errorf("%s (keep %v): streamed differs from the whole read (-whole +streamed):\n%s", name, keep != nil, diff)
			}
			compared++
		}
	}
	if users < 1500 {
		t.Fatalf("%d users read in %d comparisons: the inputs were not read", users, compared)
	}
}
