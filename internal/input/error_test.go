package input

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestErrorText(t *testing.T) {
	base := errors.New("what went wrong")
	for _, tc := range []struct {
		err  *Error
		want string
		why  string
	}{
		{&Error{Name: "a.csv", Line: 3, Column: 6, Err: base}, "a.csv: line 3, column 6: what went wrong", "CSV text has a line and a column"},
		{&Error{Name: "a.csv", Line: 3, Err: base}, "a.csv: line 3: what went wrong", "a line too long has no column"},
		{&Error{Name: "b.xlsx[Users]", Cell: "C2", Row: 2, Err: base}, "b.xlsx[Users]: cell C2: what went wrong", "a cell says more than its row"},
		{&Error{Name: "b.xlsx[Users]", Row: 1, Err: base}, "b.xlsx[Users]: row 1: what went wrong", "a header row"},
		{&Error{Name: "c.json", Err: base}, "c.json: what went wrong", "the input alone"},
		{&Error{Row: 4, Err: base}, "row 4: what went wrong", "not named yet: no leading separator"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.why, got, tc.want)
		}
		if !errors.Is(tc.err, base) {
			t.Errorf("%s: does not wrap its cause", tc.why)
		}
	}
}

func TestNamesInput(t *testing.T) {
	named := &Error{Name: "a.csv", Line: 1, Err: ErrLimit}
	for _, tc := range []struct {
		err  error
		want bool
		why  string
	}{
		{nil, false, "no error"},
		{errors.New("x"), false, "a plain error"},
		{named, true, "an *Error with a name"},
		{&Error{Row: 2, Err: ErrLimit}, false, "an *Error not named yet"},
		{fmt.Errorf("mapping: %w", named), true, "wrapped"},
		{errors.Join(errors.New("x"), fmt.Errorf("y: %w", named)), true, "in a joined error"},
	} {
		if got := NamesInput(tc.err); got != tc.want {
			t.Errorf("%s: NamesInput = %v, want %v", tc.why, got, tc.want)
		}
	}
	if got := WithName("a.csv", fmt.Errorf("w: %w", named)).Error(); got != "w: a.csv: line 1: input limit exceeded" {
		t.Errorf("WithName named the input again: %q", got)
	}
	got := WithName("a.csv", errors.New("no header"))
	if got.Error() != "a.csv: no header" || !NamesInput(got) {
		t.Errorf("WithName of an unnamed error: %q", got)
	}
	if WithName("a.csv", nil) != nil {
		t.Error("WithName(nil) is not nil")
	}
}

// TestTableErrorsAreNamed: every error a table reader gives about its input names the
// input once, with the place in it, whatever the kind of table.
func TestTableErrorsAreNamed(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		opts     Options
		want     string
		why      string
	}{
		{"q.csv", "A,B\n\"x\"y,z\n", Options{}, `q.csv: line 2, column 3: extraneous or missing " in quoted-field`, "CSV syntax"},
		{"u.csv", "A,B\nx,\xff\n", Options{}, "u.csv: line 2, column 3: byte 0xFF is not UTF-8", "a byte that is not UTF-8"},
		{"l.csv", "A,B\n" + strings.Repeat("x", 300) + "\n", Options{MaxLineBytes: 100}, "l.csv: line 2: input limit exceeded: a line longer than 100 bytes", "a line past the limit"},
	} {
		tb, err := NewCSV(strings.NewReader(tc.in), tc.name, tc.opts, TableOptions{})
		for err == nil {
			_, err = tb.Read()
		}
		var ie *Error
		if !strings.HasPrefix(err.Error(), tc.want) || !errors.As(err, &ie) || ie.Name != tc.name || strings.Count(err.Error(), tc.name) != 1 {
			t.Errorf("%s: got %v, want an *Error starting %q", tc.why, err, tc.want)
		}
	}
}

// TestCSVLineEnds: a file whose lines end in CR alone (Excel for Mac's "CSV (Macintosh)")
// read as one row: every cell a column of the header, no rows, no error. Its lines are
// now rows; a CR alone in a file of other line ends is still the cell's own character.
func TestCSVLineEnds(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want [][]string
		why  string
	}{
		{"A,B\rx,y\r", [][]string{{"x", "y"}}, "CR line ends"},
		{"A,B\rx,\"y\rz\"\r", [][]string{{"x", "y\nz"}}, "CR line ends, a line break in a cell"},
		{"A,B\r\nx,y\r\n", [][]string{{"x", "y"}}, "CRLF"},
		{"A,B\nx,\"y\rz\"\n", [][]string{{"x", "y\rz"}}, "LF, a CR in a cell stays"},
		{"\ufeffA;B\ra;b\r", [][]string{{"a", "b"}}, "a byte-order mark and another separator"},
	} {
		tb, err := NewCSV(strings.NewReader(tc.in), "t.csv", Options{}, TableOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tc.why, err)
		}
		var got [][]string
		for {
			row, err := tb.Read()
			if err != nil {
				break
			}
			got = append(got, row)
		}
		if fmt.Sprint(got) != fmt.Sprint(append([][]string{{"A", "B"}}, tc.want...)) {
			t.Errorf("%s: rows %q, want the header and %q", tc.why, got, tc.want)
		}
	}
}
