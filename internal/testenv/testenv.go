// Package testenv finds what some tests need outside the repository: the xmllint binary and
// the ../shared reference data (schemas, samples, seeds). Tests skip with a clear message when
// either is missing, unless ODMADMIN_REQUIRE_EXTERNAL is set (CI sets it), in which case a
// missing one fails the test instead of hiding it.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// RequireEnv names the environment variable that turns skips into failures.
const RequireEnv = "ODMADMIN_REQUIRE_EXTERNAL"

func missing(tb testing.TB, what string) {
	tb.Helper()
	if os.Getenv(RequireEnv) != "" {
		tb.Fatalf("%s is required because %s is set", what, RequireEnv)
	}
	tb.Skipf("skipping: %s (set %s=1 to make this a failure)", what, RequireEnv)
}

// Xmllint returns the path of xmllint or skips the test.
func Xmllint(tb testing.TB) string {
	tb.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		missing(tb, "xmllint not found on PATH (apt-get install libxml2-utils)")
	}
	return p
}

// RepoRoot returns the repository root (the directory holding go.mod).
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Shared returns the absolute path of ../shared/<rel> next to the repository, or skips the test.
func Shared(tb testing.TB, rel string) string {
	tb.Helper()
	p := filepath.Join(RepoRoot(), "..", "shared", rel)
	if _, err := os.Stat(p); err != nil {
		missing(tb, "reference data "+p+" not found")
	}
	return p
}
