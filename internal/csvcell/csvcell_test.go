package csvcell

import "testing"

func TestNeutralize(t *testing.T) {
	cases := []struct {
		in, want string
		reason   string
	}{
		{"", "", "empty"},
		{"Smith", "Smith", "plain text"},
		{"=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")", "a formula"},
		{"=1+1", "'=1+1", "arithmetic formula"},
		{"@SUM(A1)", "'@SUM(A1)", "@ starts a formula in Excel"},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0", "DDE after +"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0", "DDE after a number"},
		{"\t=1+1", "'\t=1+1", "a TAB an import trims"},
		{"\r=1+1", "'\r=1+1", "a CR an import trims"},
		{"+1 5551234", "+1 5551234", "a phone number stays as it is"},
		{"+44 (20) 5555-0100", "+44 (20) 5555-0100", "a phone number with parentheses"},
		{"-5", "-5", "a negative number"},
		{"+", "'+", "no digit: not a number"},
		{"-A1", "'-A1", "a cell reference"},
		{"a=b", "a=b", "only the first character matters"},
		{"'=x", "''=x", "an apostrophe of its own before a formula: one more, or it would read back as =x"},
		{"''@x", "'''@x", "several apostrophes before a formula"},
		{"'t Hart", "'t Hart", "a name with an apostrophe of its own, no formula after it"},
		{"'+1 555", "'+1 555", "an apostrophe before a phone number, which is not neutralized"},
	}
	for _, c := range cases {
		got, changed := Neutralize(c.in)
		if got != c.want || changed != (got != c.in) {
			t.Errorf("%s: Neutralize(%q) = %q, %v; want %q", c.reason, c.in, got, changed, c.want)
		}
	}
}

func TestRestore(t *testing.T) {
	for _, c := range []struct {
		in, want string
		reason   string
	}{
		{"'=1+1", "=1+1", "what Neutralize wrote"},
		{"''=1+1", "'=1+1", "what Neutralize wrote for a value with an apostrophe of its own"},
		{"'@SUM(A1)", "@SUM(A1)", "an @ formula"},
		{"'+1 5551234", "'+1 5551234", "Neutralize never writes a phone number so: the apostrophe is the value's"},
		{"'Neill", "'Neill", "a name with an apostrophe of its own"},
		{"'", "'", "an apostrophe alone"},
		{"=1+1", "=1+1", "no apostrophe"},
		{"", "", "empty"},
	} {
		got, restored := Restore(c.in)
		if got != c.want || restored != (got != c.in) {
			t.Errorf("%s: Restore(%q) = %q, %v; want %q", c.reason, c.in, got, restored, c.want)
		}
	}
}

func FuzzNeutralize(f *testing.F) {
	for _, s := range []string{"", "=1", "+1 555", "-x", "@a", "\t", "plain", "'=1", "''-x", "'t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, changed := Neutralize(s)
		if !changed && got != s || changed && got != "'"+s {
			t.Fatalf("%q → %q", s, got)
		}
		if got != "" {
			switch got[0] {
			case '=', '@', '\t', '\r':
				t.Fatalf("%q still starts a formula", got)
			case '+', '-':
				if !numberLike(got[1:]) {
					t.Fatalf("%q still starts a formula", got)
				}
			}
		}
		if back, _ := Restore(got); back != s {
			t.Fatalf("Restore(%q) = %q, want %q back", got, back, s)
		}
	})
}
