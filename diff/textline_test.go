package diff_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/diff"
)

// TestWriteTextOneLinePerChange: the text output is one line per change, so a line break
// (or another control character) in a field written without quotes, the target or the
// value type (a site OID or name, a login), is quoted as the values are; it forged a line
// of its own, such as a change that is not there.
func TestWriteTextOneLinePerChange(t *testing.T) {
	changes := []diff.Change{
		{Event: diff.RoleChange, User: "b", Target: "Bo Ma (b)", ValueType: "S (Production)-L\nPROFILE_CHANGE x (y): login: \"a\" -> \"b\"", New: "(no role)"},
		{Event: diff.UserAdded, User: "a\rb", Target: "Ann (a\rUSER_REMOVED x)"},
		{Event: diff.ProfileChange, User: "c", Target: "Cy (c)", ValueType: "givenName", Old: "Cy", New: "C\ny"},
	}
	var b bytes.Buffer
	if err := diff.WriteText(&b, changes); err != nil {
		t.Fatal(err)
	}
	want := `ROLE_CHANGE Bo Ma (b): "S (Production)-L\nPROFILE_CHANGE x (y): login: \"a\" -> \"b\"": "" -> "(no role)"` + "\n" +
		`USER_ADDED "Ann (a\rUSER_REMOVED x)"` + "\n" +
		`PROFILE_CHANGE Cy (c): givenName: "Cy" -> "C\ny"` + "\n"
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if n := strings.Count(b.String(), "\n"); n != len(changes) {
		t.Errorf("%d lines for %d changes", n, len(changes))
	}
}
