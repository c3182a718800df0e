package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
)

// TestMapOpenClinicaStreamsAsWhole: map streams OpenClinica input (its Study elements
// read first, mapping.StudyElements) and writes, warns and exits as the whole-document
// read it replaced (env.wholeODM) does, for every --to, from a file and from stdin, for
// the fixtures, a generated export, a site study out of ODM's order and inputs cut short.
func TestMapOpenClinicaStreamsAsWhole(t *testing.T) {
	dir := t.TempDir()
	fixture := filepath.Join("..", "..", "testdata", "openclinica", "demo-site-studies.xml")
	oc, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	write := fileWriter(t, dir)
	var g bytes.Buffer
	if err := gen.OpenClinica(&g, 1500); err != nil {
		t.Fatal(err)
	}
	site := bytes.Index(oc, []byte("  <Study OID=\"S_SITE_NL01\">"))
	admin := bytes.Index(oc, []byte("  <AdminData"))
	clin := bytes.Index(oc, []byte("  <ClinicalData"))
	inputs := []string{
		fixture,
		filepath.Join("..", "..", "mapping", "testdata", "openclinica.xml"),
		write("generated.xml", g.Bytes()),
		write("late.xml", bytes.Join([][]byte{oc[:site], oc[admin:clin], oc[site:admin], oc[clin:]}, nil)),
		write("cut-in-study.xml", oc[:site+40]),
		write("cut-in-admindata.xml", oc[:admin+200]),
	}
	spec := exampleFile("spec.csv")
	argSets := [][]string{
		{"--to", "json"},
		{"--to", "csv"},
		{"--to", "csv", "--study", "S_DEMO"},
		{"--to", "csv", "--study", "S_GEN"},
		{"--to", "xlsx", "--study", "S_DEMO"},
		{"--to", "oc4users"},
		{"--to", "odm"},
		{"--to", "odm", "--profile", "inform"},
		{"--to", "odm", "--profile", "rave"},
		{"--to", "odm2"},
		{"--spec-template"},
		{"--spec", spec, "--to", "json"},
		{"--spec", spec, "--to", "odm", "--profile", "rave"},
		{"--strict", "--to", "json"},
	}
	// A new document's creation time is the time of the run.
	created := regexp.MustCompile(`CreationDateTime="[^"]*"`)
	run := func(whole bool, stdin []byte, args []string) (int, string, string) {
		var out, errb bytes.Buffer
		e := &env{stdin: bytes.NewReader(stdin), stdout: &out, stderr: &errb, wholeODM: whole}
		code := run(e, args)
		return code, created.ReplaceAllString(out.String(), ""), errb.String()
	}
	compared, failed := 0, 0
	for _, in := range inputs {
		data, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, args := range argSets {
			for _, stdin := range []bool{false, true} {
				full := append([]string{"map"}, args...)
				var feed []byte
				if stdin {
					feed = data
				} else {
					full = append(full, in)
				}
				wc, wout, werr := run(true, feed, full)
				sc, sout, serr := run(false, feed, full)
				if wc != sc || wout != sout || werr != serr {
					t.Errorf("%s %v (stdin %v): streamed exit %d, whole %d\nstderr streamed:\n%s\nwhole:\n%s\nstdout equal: %v",
						in, args, stdin, sc, wc, serr, werr, wout == sout)
					continue
				}
				compared++
				if wc == 2 {
					failed++
				}
			}
		}
	}
	if compared < 100 || failed < 10 || failed > compared/2 {
		t.Fatalf("%d runs compared, %d failed: the inputs were not read", compared, failed)
	}
	if !strings.Contains(string(oc), "<Include StudyOID=") {
		t.Fatal("the fixture has no site study")
	}
}
