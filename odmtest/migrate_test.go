package odmtest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/diff"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odmtest"
)

// The InForm export and spec of examples/migration-spec, and the Clinical One upload the
// spec makes of it (testdata/migration/clinical-one-users.csv: rights groups as the
// study's roles, Location OIDs 10127/10128 as site numbers 01/02, the test account left out).
var (
	specPath   = filepath.Join("..", "examples", "migration-spec", "spec.csv")
	informPath = filepath.Join("..", "examples", "migration-spec", "inform-export.xml")
	uploadPath = filepath.Join("testdata", "migration", "clinical-one-users.csv")
)

func TestEqualMigrated(t *testing.T) {
	spec, lookup := odmtest.ReadSpec(t, specPath)
	read := func() (*mapping.Directory, *mapping.Directory) {
		return odmtest.ReadDirectory(t, informPath, mapping.Options{}), odmtest.ReadDirectory(t, uploadPath, mapping.Options{})
	}

	src, got := read()
	if !odmtest.EqualMigrated(t, src, got, odmtest.Migration{Spec: spec, Lookup: lookup, Strict: true, Diff: diff.Options{Key: diff.KeyLogin}}) {
		t.Fatal("the upload the spec makes differs from the export read with the spec")
	}

	// Without the spec the rights groups are other roles and the test account is missing
	// from the upload.
	src, got = read()
	r := &recorder{TB: t}
	if odmtest.EqualMigrated(r, src, got, odmtest.Migration{Diff: diff.Options{Key: diff.KeyLogin}}) {
		t.Fatal("without the spec, the export and the upload compared equal")
	}
	if len(r.msgs) != 1 || !strings.Contains(r.msgs[0], "USER_REMOVED") || !strings.Contains(r.msgs[0], "svale_test") {
		t.Errorf("message: %q", r.msgs)
	}

	// A role the upload got wrong is a ROLE_CHANGE, with the spec applied.
	src, got = read()
	for _, u := range got.Users {
		if u.Login == "pquist" {
			for i := range u.Assignments {
				u.Assignments[i].Role = mapping.RoleFor(mapping.ProfileClinicalOne, "Data Manager", u.Assignments[i].Scope)
			}
		}
	}
	r = &recorder{TB: t}
	if odmtest.EqualMigrated(r, src, got, odmtest.Migration{Spec: spec, Lookup: lookup, Diff: diff.Options{Key: diff.KeyLogin}}) {
		t.Fatal("a wrong role went unnoticed")
	}
	if len(r.msgs) != 1 || !strings.Contains(r.msgs[0], "ROLE_CHANGE") || !strings.Contains(r.msgs[0], "pquist") {
		t.Errorf("message: %q", r.msgs)
	}
}

// TestEqualMigratedStrict: a spec that maps one role leaves the others and both sites
// unmapped; Strict fails the test naming them.
func TestEqualMigratedStrict(t *testing.T) {
	p := filepath.Join(t.TempDir(), "partial.csv")
	if err := os.WriteFile(p, []byte("Kind,Study,Scope,Source,Target,Suggested,Note\nrole,,,Data Manager Rights,Data Manager,,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	spec, _ := odmtest.ReadSpec(t, p)
	src := odmtest.ReadDirectory(t, informPath, mapping.Options{})
	got := odmtest.ReadDirectory(t, uploadPath, mapping.Options{})
	r := &recorder{TB: t}
	if odmtest.EqualMigrated(r, src, got, odmtest.Migration{Spec: spec, Strict: true}) {
		t.Fatal("Strict passed a spec with unmapped roles")
	}
	if len(r.msgs) != 1 || !strings.Contains(r.msgs[0], `role "Sponsor CRA Rights" (site level) has no role rule`) || !strings.Contains(r.msgs[0], "site 10127 has no site rule") {
		t.Errorf("message: %q", r.msgs)
	}
}

// TestEqualAcrossResolvesSites: the template names sites by number ("01"), the export by
// Location OID ("10127") with that number; EqualAcross matches them by mapping's site
// index, so a user at the same site in a role of the same meaning is no change.
func TestEqualAcrossResolvesSites(t *testing.T) {
	src := odmtest.ReadDirectory(t, informPath, mapping.Options{})
	got := odmtest.ReadDirectory(t, uploadPath, mapping.Options{})
	// Only the roles differ in name: compare them by meaning.
	r := &recorder{TB: t}
	if odmtest.EqualAcross(r, src, got, diff.Options{Key: diff.KeyLogin, Roles: diff.RolesByCanonical}) {
		t.Fatal("the test account the upload leaves out went unnoticed")
	}
	// pquist, eboyd and jmarsh are at the same sites in roles of the same meaning: were
	// the sites not matched, each would have a ROLE_CHANGE per site.
	for _, m := range r.msgs {
		for _, unchanged := range []string{"pquist", "eboyd", "jmarsh", "SITE_"} {
			if strings.Contains(m, unchanged) {
				t.Errorf("sites were not matched by number (%s): %s", unchanged, m)
			}
		}
	}
}
