// Package testenv finds what some tests need outside the repository: the xmllint binary and
// the ../shared reference data (schemas, samples, seeds). Tests skip with a clear message when
// either is missing, unless ODMADMIN_REQUIRE_EXTERNAL is set (CI sets it), in which case a
// missing one fails the test instead of hiding it.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
)

// RequireEnv names the environment variable that turns skips into failures.
const RequireEnv = "ODMADMIN_REQUIRE_EXTERNAL"

func missing(tb testing.TB, what string) {
	tb.Helper()
	if os.Getenv(RequireEnv) != "" {
		tb.Fatalf("%s is required because %s is set", what, RequireEnv)
	}
	skips.add(what)
	tb.Skipf("skipping: %s (set %s=1 to make this a failure)", what, RequireEnv)
}

// skipLog counts the tests of this test binary that skipped, by reason, for Main's summary.
type skipLog struct {
	mu      sync.Mutex
	reasons map[string]int
}

// skips is the test binary's skip log. It is the one piece of package state: tests of a
// package call Xmllint and Shared from anywhere, and the summary is per binary.
var skips = &skipLog{}

func (l *skipLog) add(what string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.reasons == nil {
		l.reasons = map[string]int{}
	}
	l.reasons[what]++
}

// summary is one line naming how many tests skipped and why, or "" when none did.
func (l *skipLog) summary(pkg string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.reasons) == 0 {
		return ""
	}
	n := 0
	var why []string
	for r, c := range l.reasons {
		n += c
		why = append(why, r)
	}
	sort.Strings(why)
	return fmt.Sprintf("%s: %d tests skipped (%s); set %s=1 to run them or fail", pkg, n, strings.Join(why, "; "), RequireEnv)
}

// Main runs the tests of a package (call it from TestMain) and then prints one line when
// some skipped for a missing xmllint or reference data. "go test ./..." shows a passing
// package's output only with -v, so the line goes to the terminal (/dev/tty) when there
// is one, and to stderr otherwise (shown with -v, or when the package fails).
func Main(m *testing.M, pkg string) {
	code := m.Run()
	PrintSkips(pkg)
	os.Exit(code)
}

// PrintSkips prints Main's summary line; for a TestMain that must call m.Run itself.
func PrintSkips(pkg string) {
	if line := skips.summary(pkg); line != "" {
		fmt.Fprintln(os.Stderr, line)
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			fmt.Fprintln(tty, line)
			tty.Close()
		}
	}
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
		// One reason for every missing file, so that the summary stays one short line.
		missing(tb, "no reference data in "+filepath.Join(filepath.Dir(RepoRoot()), "shared"))
	}
	return p
}

// LibreOfficeEnv names the environment variable that makes a missing LibreOffice a test
// failure. It is separate from RequireEnv: LibreOffice is a large install (about 280 MB and
// two to three minutes of apt-get) that CI makes only when it can, so RequireEnv alone
// must not fail for it; CI sets this one when the install succeeded.
const LibreOfficeEnv = "ODMADMIN_REQUIRE_LIBREOFFICE"

// LibreOffice returns the path of LibreOffice's soffice (or libreoffice) or skips the test,
// saying how to install it; with LibreOfficeEnv set it fails instead.
func LibreOffice(tb testing.TB) string {
	tb.Helper()
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const what = "LibreOffice (soffice) not found on PATH (apt-get install --no-install-recommends libreoffice-calc-nogui)"
	if os.Getenv(LibreOfficeEnv) != "" {
		tb.Fatalf("%s is required because %s is set", what, LibreOfficeEnv)
	}
	tb.Skipf("skipping: %s (set %s=1 to make this a failure)", what, LibreOfficeEnv)
	return ""
}
