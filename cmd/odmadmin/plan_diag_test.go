package main

import (
	"bytes"
	"fmt"
	"testing"
)

// TestHeldDiagnosticsListAsAll checks that the diagnostics plan holds of its rows (the
// first --max of each code, and a count of the rest) print as the whole list would: the
// same lines and summary, for --max 0 (all), 1 and 3, after diagnostics of the readers
// that share a code with the rows'.
func TestHeldDiagnosticsListAsAll(t *testing.T) {
	before := []Diagnostic{
		{File: "spec.csv", Row: 2, Severity: "warning", Code: "mapping.unmapped", Message: "a role is not mapped"},
		{File: "up.csv", Row: 1, Severity: "warning", Code: "plan.emailChange", Message: "from a reader"},
	}
	var rows []Diagnostic
	for i := range 40 {
		code := "plan.emailChange"
		if i%3 == 0 {
			code = "plan.duplicateRow"
		}
		rows = append(rows, Diagnostic{File: "up.csv", Row: i + 2, Severity: "warning", Code: code, Message: fmt.Sprint("row message ", i)})
	}
	for _, max := range []int{0, 1, 3} {
		for _, quiet := range []bool{false, true} {
			o := &outputFlags{max: max, quiet: quiet}
			var want, got bytes.Buffer
			printDiagnostics(&env{stderr: &want}, "plan", o, append(append([]Diagnostic{}, before...), rows...))
			h := newHeldDiagnostics(o, before)
			for _, d := range rows {
				h.add(d)
			}
			printDiagnostics(&env{stderr: &got}, "plan", o, append(append([]Diagnostic{}, before...), h.all()...))
			if got.String() != want.String() {
				t.Errorf("--max %d, quiet %v: held diagnostics print\n%s\nwant\n%s", max, quiet, got.String(), want.String())
			}
			if h.n != len(rows) {
				t.Errorf("--max %d: %d counted, want %d", max, h.n, len(rows))
			}
			if held := len(h.all()); max > 0 && held > 2*max+2 {
				t.Errorf("--max %d: %d diagnostics held", max, held)
			}
		}
	}
}
