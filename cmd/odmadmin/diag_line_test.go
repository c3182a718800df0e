package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiagnosticControlCharacters: a diagnostic's message may name a value read from the
// input (a login of a template given as --existing); a line break in it became a space, but
// another control character, an ESC that starts a terminal escape sequence, was written to
// stderr as it was. It is escaped as in a quoted value.
func TestDiagnosticControlCharacters(t *testing.T) {
	d := Diagnostic{File: "up.csv", Row: 2, Severity: "warning", Code: "plan.usernameChange",
		Message: "existing user jd\x1b[31moe\r\nx\u2028y\x7f"}
	want := `up.csv:2: warning plan.usernameChange: existing user jd\x1b[31moe x\u2028y\x7f`
	if got := d.String(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	dir := t.TempDir()
	existing, upload := filepath.Join(dir, "ex.csv"), filepath.Join(dir, "up.csv")
	const hdr = "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n"
	os.WriteFile(existing, []byte(hdr+"Jo,Demo,jo@example.org,jd\x1b[31moe,05-Jan-2026,,Site User,101,\n"), 0o600)
	os.WriteFile(upload, []byte(hdr+"Jo,Demo,jo@example.org,jdoe2,05-Jan-2026,,Site User,101,\n"), 0o600)
	code, out, stderr := runCmd(strings.NewReader(""), "plan", "--existing", existing, "--upload", upload, "--study", "S", "--format", "text")
	if code != 1 || strings.Contains(out+stderr, "\x1b") || !strings.Contains(stderr, `jd\x1b[31moe`) {
		t.Errorf("exit %d, an ESC on stdout or stderr:\n%q\n%q", code, out, stderr)
	}
}
