// Package csvcell keeps CSV cells written for spreadsheets from being run as formulas
// (CSV or formula injection, OWASP): Excel, LibreOffice and Google Sheets evaluate a cell
// that starts with "=", "+", "-" or "@" (and, after a TAB or CR that an import trims, the
// same), which can call functions, fetch URLs or, through DDE, start programs.
package csvcell

// Neutralize returns the cell to write for s: s itself when a spreadsheet would show it
// as text, otherwise s with a leading apostrophe, which spreadsheets take as "text
// follows" and an upload keeps as a character of the value. changed reports the prefix.
//
// A cell starting with "+" or "-" that holds only digits, spaces and the characters
// ( ) . / - after it — a phone number such as "+1 5551234", a negative number, a date
// written 2026-01-02 — is left as it is: with no letter it can call no function, name no
// cell or DDE server, and an apostrophe would change a phone number an upload checks.
//
// A value that starts with apostrophes before what would be neutralized ("'=x") gets one
// more too, so that Restore gives every value back as it was: left as it is, it would
// read back as "=x".
func Neutralize(s string) (cell string, changed bool) {
	if s == "" {
		return s, false
	}
	if s[0] == '\'' {
		i := 1
		for i < len(s) && s[i] == '\'' {
			i++
		}
		if _, formula := Neutralize(s[i:]); formula {
			return "'" + s, true
		}
		return s, false
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return "'" + s, true
	case '+', '-':
		if numberLike(s[1:]) {
			return s, false
		}
		return "'" + s, true
	}
	return s, false
}

// Restore undoes Neutralize for a cell read back from a file this package's writers wrote
// and a person edited as text: s without its leading apostrophe when s is what Neutralize
// makes of the rest, else s. restored reports the change. (A spreadsheet that opened and
// saved the file took the apostrophe as its "text follows" already.)
func Restore(s string) (cell string, restored bool) {
	if len(s) > 1 && s[0] == '\'' {
		if n, changed := Neutralize(s[1:]); changed && n == s {
			return s[1:], true
		}
	}
	return s, false
}

// numberLike reports whether s has a digit and otherwise only spaces and ( ) . / -.
func numberLike(s string) bool {
	digit := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digit = true
		case c == ' ' || c == '(' || c == ')' || c == '.' || c == '/' || c == '-':
		default:
			return false
		}
	}
	return digit
}

// Row neutralizes each cell of row in place and returns the indexes it changed.
func Row(row []string) (changed []int) {
	for i, c := range row {
		if n, ok := Neutralize(c); ok {
			row[i] = n
			changed = append(changed, i)
		}
	}
	return changed
}
