package input

import (
	"errors"
	"strings"
	"testing"
)

// knownColumns names the columns of the tests' header rows, ignoring case.
func knownColumns(cell string) (string, bool) {
	for _, c := range []string{"Login", "Email", "Role"} {
		if strings.EqualFold(c, cell) {
			return c, true
		}
	}
	return "", false
}

func TestHeaderLoose(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		row    []string
		want   int
		why    string
	}{
		{"aligned", []string{"Login", "Email"}, []string{"ada", "ada@example.org"}, 0,
			"every value stands under a header"},
		{"short row", []string{"Login", "Email", "Role"}, []string{"ada"}, 0,
			"the cells a row lacks are empty, not loose"},
		{"past the end", []string{"Login", "Email"}, []string{"ada", "ada@example.org", "stray"}, 3,
			"a value past the header's last cell belongs to no column"},
		{"empty past the end", []string{"Login", "Email"}, []string{"ada", "ada@example.org", " ", ""}, 0,
			"cells past the header that hold only spaces hold no value"},
		{"blank header cell", []string{"Login", "", "Email"}, []string{"ada", "stray", "ada@example.org"}, 2,
			"a value under a blank header cell belongs to no column"},
		{"unknown column", []string{"Login", "Notes"}, []string{"ada", "met in March"}, 0,
			"a named column the reader does not know is the reader's to report, not loose"},
		{"first of several", []string{"Login", ""}, []string{"ada", "", "x", "y"}, 3,
			"the first loose cell is the one reported"},
		{"blank header cell before the end", []string{"Login", "", "Email"}, []string{"ada", "x", "e", "y"}, 2,
			"blank header cells come before the cells past the end, in row order"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := NewHeader(tc.header, knownColumns)
			if err != nil {
				t.Fatal(err)
			}
			if got := h.Loose(tc.row); got != tc.want {
				t.Errorf("Loose(%q) = %d, want %d: %s", tc.row, got, tc.want, tc.why)
			}
		})
	}
}

func TestHeaderDuplicateColumn(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		first  int
		second int
		msg    string
		why    string
	}{
		{"same spelling", []string{"\ufeffLogin", "EMAIL", "Role", " Email "}, 2, 4,
			`the column "Email" appears twice in the header row (columns 2 and 4)`,
			"the same name in two letter cases: which cell holds a row's address cannot be told"},
		{"two spellings", []string{"Login", "E-mail", "Email"}, 2, 3,
			`the header row names one column twice: "E-mail" (column 2) and "Email" (column 3)`,
			"two spellings the reader takes for one column"},
	}
	column := func(cell string) (string, bool) {
		if strings.EqualFold(cell, "e-mail") {
			cell = "Email"
		}
		return knownColumns(cell)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewHeader(tc.header, column)
			var de *DuplicateColumnError
			if !errors.As(err, &de) || !errors.Is(err, ErrDuplicateColumn) {
				t.Fatalf("err = %v, want a *DuplicateColumnError wrapping ErrDuplicateColumn: %s", err, tc.why)
			}
			if de.Column != "Email" || de.First != tc.first || de.Second != tc.second {
				t.Errorf("got %+v, want Email in columns %d and %d: %s", *de, tc.first, tc.second, tc.why)
			}
			if err.Error() != tc.msg {
				t.Errorf("message %q, want %q", err, tc.msg)
			}
		})
	}
}

func TestHeaderGet(t *testing.T) {
	h, err := NewHeader([]string{"\ufeff Login", "Notes", "Email"}, knownColumns)
	if err != nil {
		t.Fatal(err)
	}
	row := []string{" ada ", "x"}
	for _, tc := range []struct {
		col, want string
		has       bool
		why       string
	}{
		{"Login", "ada", true, "the byte order mark and spaces of the header cell are trimmed, and so is the value"},
		{"Email", "", true, "a row shorter than the header has no value there"},
		{"Role", "", false, "a column the header lacks has no value"},
	} {
		if got := h.Get(row, tc.col); got != tc.want || h.Has(tc.col) != tc.has {
			t.Errorf("Get(%s) = %q, Has = %v; want %q, %v: %s", tc.col, got, h.Has(tc.col), tc.want, tc.has, tc.why)
		}
	}
	if i, ok := h.Index("Email"); !ok || i != 2 {
		t.Errorf("Index(Email) = %d, %v; want 2, true", i, ok)
	}
	if u := h.Unknown(); len(u) != 1 || u[0] != 1 {
		t.Errorf("Unknown() = %v, want [1]: Notes names no column the reader knows", u)
	}
}
