package odmtest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/diff"
	inp "github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/mapping"
)

// Migration says how [EqualMigrated] reads a source directory in the target's terms. The
// zero value applies no spec and compares as [EqualAcross] does.
type Migration struct {
	// Spec is the migration spec applied to the source first, as "odmadmin map --spec"
	// applies it to its input and "odmadmin diff --spec" to side A. Default: none.
	Spec *mapping.Spec
	// Lookup is the user table of the spec's login rule "lookup" (see [ReadSpec]).
	Lookup *mapping.Directory
	// Target is the profile whose names the spec's canonical: targets take. Default: the
	// vendor got was read from (its Source), as "odmadmin diff --spec" does.
	Target mapping.Profile
	// Strict fails the test when the spec leaves a role or site of the source unmapped
	// (mapping.CodeUnmapped), as "odmadmin map --strict" exits 1. Default: such warnings
	// are only logged.
	Strict bool
	// Diff configures the comparison.
	Diff diff.Options
}

// EqualMigrated reports whether got is what source becomes in the target system: the spec
// is applied to source, then sites of each are named in the other's terms by OID, number
// or name with mapping's site index (mapping.AlignTo, the resolver "odmadmin diff" and
// "odmadmin plan" use) and the two are compared as [Equal] compares them, failing tb
// with the list of changes. It modifies both directories. What the spec reports (users
// left out, rules it could not apply) is logged with tb.Logf.
func EqualMigrated(tb testing.TB, source, got *mapping.Directory, m Migration) bool {
	tb.Helper()
	if m.Spec != nil {
		target := m.Target
		if target == "" && got != nil && got.Source != nil {
			target = got.Source.Vendor
		}
		var unmapped []string
		for _, w := range m.Spec.Apply(source, target, m.Lookup) {
			tb.Logf("spec: %s", w)
			if w.Code == mapping.CodeUnmapped {
				unmapped = append(unmapped, w.Message)
			}
		}
		if m.Strict && len(unmapped) > 0 {
			tb.Errorf("the spec leaves %d role(s) or site(s) unmapped:\n\t%s", len(unmapped), strings.Join(unmapped, "\n\t"))
			return false
		}
	}
	return EqualAcross(tb, source, got, m.Diff)
}

// ReadSpec reads the migration spec at path (CSV or .xlsx, as "odmadmin map --spec"
// reads it) or fails tb. For a login rule "lookup" it also reads the user table the rule
// names (relative to the spec's directory); lookup is nil otherwise.
func ReadSpec(tb testing.TB, path string) (spec *mapping.Spec, lookup *mapping.Directory) {
	tb.Helper()
	in, err := inp.Open(path, nil, inp.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	t, err := in.Table(inp.TableOptions{Sheets: []string{"Spec", "Migration Spec"}, IsHeader: mapping.IsSpecHeader})
	if err != nil {
		tb.Fatal(err)
	}
	defer t.Close()
	spec, err = mapping.ReadSpec(t)
	if err != nil {
		tb.Fatalf("%s: %v", t.Name, err)
	}
	if spec.Login.From == "lookup" {
		file := spec.Login.File
		if !filepath.IsAbs(file) {
			file = filepath.Join(filepath.Dir(path), file)
		}
		lookup = ReadDirectory(tb, file, mapping.Options{})
	}
	return spec, lookup
}
