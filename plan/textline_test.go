package plan_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/plan"
)

// TestWriteTextOneLine: the text output writes the login and the place of a change
// without quotes, so a line break in them (a quoted template cell) forged lines of its own,
// such as "row 9: unchanged root". They are quoted as the values are when they hold one,
// and a message's line breaks are escaped.
func TestWriteTextOneLine(t *testing.T) {
	var b bytes.Buffer
	pw := plan.NewWriter(&b, true)
	a := plan.Action{Row: 2, Action: plan.Create, User: "evil\nrow 9: unchanged root",
		Changes:  []plan.Change{{Field: "role", Where: "S (Production)-101\n  forged", Old: "", New: "Site User"}},
		Warnings: []plan.Warning{{Code: plan.UnknownSite, Message: "site \"x\" of user evil\nrow 9: unchanged root"}}}
	if err := pw.Write(a); err != nil {
		t.Fatal(err)
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	want := `row 2: create "evil\nrow 9: unchanged root"
  role "S (Production)-101\n  forged": "" -> "Site User"
  warning unknownSite: site "x" of user evil\nrow 9: unchanged root
`
	if got := b.String(); !strings.HasPrefix(got, want) {
		t.Errorf("got\n%s\nwant it to start with\n%s", got, want)
	}
}
