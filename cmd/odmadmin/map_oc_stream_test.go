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
	compared, failed := 0, 0
	var files [][]string
	for _, in := range inputs {
		files = append(files, []string{in})
	}
	norm := func(out string) string { return created.ReplaceAllString(out, "") }
	compareMapModes(t, files, argSets, func(e *env) { e.wholeODM = true }, norm, func(_, _ []string, _ bool, r modeRun) {
		compared++
		if r.code == 2 {
			failed++
		}
	})
	if compared < 100 || failed < 10 || failed > compared/2 {
		t.Fatalf("%d runs compared, %d failed: the inputs were not read", compared, failed)
	}
	if !strings.Contains(string(oc), "<Include StudyOID=") {
		t.Fatal("the fixture has no site study")
	}
}
