package diff_test

import (
	"path/filepath"
	"testing"

	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// read reads a testdata ODM file into a directory, detecting its profile.
func read(tb testing.TB, name string) *mapping.Directory {
	tb.Helper()
	doc, err := odm.DecodeFile(filepath.Join("testdata", name), odm.ReadOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	d, _, err := mapping.FromDocument(doc, mapping.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return d
}
