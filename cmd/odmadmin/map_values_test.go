package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/internal/testenv"
)

// TestMapValuesOnlyAsWithLayout: map's exports read an ODM input for its values only
// (valuesOnly, odm.ReadOptions.ValuesOnly) and write, warn and exit as the read with
// each record's layout (env.withLayout) does: for every output that reads values only,
// from a file and from stdin, over the fixtures of every flavour, generated InForm and
// OpenClinica exports, and the reference samples when ../shared is there.
func TestMapValuesOnlyAsWithLayout(t *testing.T) {
	dir := t.TempDir()
	write := fileWriter(t, dir)
	var inform, oc bytes.Buffer
	if err := gen.InForm(&inform, 300); err != nil {
		t.Fatal(err)
	}
	if err := gen.OpenClinica(&oc, 300); err != nil {
		t.Fatal(err)
	}
	inputs := []string{
		write("inform-gen.xml", inform.Bytes()),
		write("openclinica-gen.xml", oc.Bytes()),
	}
	for _, glob := range []string{"../../testdata/*/*.xml", "../../mapping/testdata/*.xml"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, m...)
	}
	if _, err := os.Stat(filepath.Join(testenv.RepoRoot(), "..", "shared", "reference", "samples")); err == nil {
		m, err := filepath.Glob(filepath.Join(testenv.Shared(t, "reference/samples"), "*", "*.xml"))
		if err != nil || len(m) == 0 {
			t.Fatalf("no reference samples found (%v)", err)
		}
		inputs = append(inputs, m...)
	} else {
		t.Log("../shared/reference/samples is not there: the fixtures and generated exports only")
	}
	argSets := [][]string{
		{"--to", "json"},
		{"--to", "csv"},
		{"--to", "csv", "--study", "GEN-STUDY"},
		{"--to", "oc4users"},
		{"--spec-template"},
		{"--strict", "--to", "json"},
		// Written as ODM without --base, the input is read for its values (odmValues).
		{"--to", "odm"},
		{"--to", "odm2"},
		{"--to", "odm", "--profile", "rave"},
	}
	compared := 0
	var files [][]string
	for _, in := range inputs {
		files = append(files, []string{in})
	}
	compareMapModes(t, files, argSets, func(e *env) { e.withLayout = true }, nil, func(_, _ []string, _ bool, r modeRun) {
		if r.code == 0 && len(r.out) > 0 {
			compared++
		}
	})
	// Most runs write something: a test where every run fails compares nothing.
	if compared < len(inputs)*len(argSets) {
		t.Fatalf("only %d runs of %d wrote an output", compared, 2*len(inputs)*len(argSets))
	}
}

// TestValuesOnlyOutputs: the outputs map writes while reading an ODM input read values
// only, those written back as ODM and the directory read whole keep the layout.
func TestValuesOnlyOutputs(t *testing.T) {
	for _, tc := range []struct {
		to   string
		want bool
		why  string
	}{
		{"json", true, "the builder reads values"},
		{"csv", true, "the builder reads values"},
		{"xlsx", true, "the builder reads values"},
		{"oc4users", true, "the builder reads values"},
		{"spec-template", true, "the builder reads values"},
		{"odm", false, "WriteODMStream and --base left as they were; without --base odmValues decides"},
		{"", false, "a directory read whole may be written back to its vendor"},
	} {
		if got := valuesOnly(tc.to); got != tc.want {
			t.Errorf("valuesOnly(%q) = %v, want %v: %s", tc.to, got, tc.want, tc.why)
		}
	}
}

// TestReuseRecordsOutputs: the outputs map writes while reading through mapping's
// builder, which keeps copies of what it reads, let the reader recycle each record; the
// ODM outputs and the spec template do not.
func TestReuseRecordsOutputs(t *testing.T) {
	for _, tc := range []struct {
		to   string
		want bool
		why  string
	}{
		{"json", true, "the builder keeps copies"},
		{"csv", true, "the builder keeps copies"},
		{"xlsx", true, "the builder keeps copies, as for csv (the workbook's rows are the template's)"},
		{"oc4users", true, "the builder keeps copies (at a million users 38 collections instead of 100)"},
		{"spec-template", false, "not measured: left as it was"},
		{"odm", false, "WriteODMStream keeps the records; without --base odmValues decides"},
		{"", false, "a directory read whole keeps its records"},
	} {
		if got := reuseRecords(streamReq{to: tc.to}); got != tc.want {
			t.Errorf("reuseRecords(%q) = %v, want %v: %s", tc.to, got, tc.want, tc.why)
		}
	}
}

// TestODMValuesOutputs: the reading of an ODM input that builds its directory is for
// values only, its records recycled, when map writes it as ODM without --base
// (mapping.PatchStream into the input's flavour, which writes the document from its
// second reading; WriteODMStream into another), not with --base.
func TestODMValuesOutputs(t *testing.T) {
	for _, tc := range []struct {
		req  streamReq
		want bool
		why  string
	}{
		{streamReq{to: "odm", format: "odm"}, true, "PatchStream with Reread: the builder reads values"},
		{streamReq{to: "odm", format: "odm", outProf: "rave"}, true, "PatchStream or WriteODMStream: the builder reads values"},
		{streamReq{to: "odm", format: "odm2", outProf: "odm2"}, true, "WriteODMStream: the builder reads values"},
		{streamReq{to: "odm", format: "odm", base: "base.xml"}, false, "--base: not measured, left as it was"},
		{streamReq{to: "json", format: "json"}, false, "valuesOnly and reuseRecords decide"},
	} {
		if got := odmValues(tc.req); got != tc.want {
			t.Errorf("odmValues(%+v) = %v, want %v: %s", tc.req, got, tc.want, tc.why)
		}
	}
}
