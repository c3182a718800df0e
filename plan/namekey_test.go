package plan

import (
	"errors"
	"strings"
	"testing"
)

// nameKeyCases are pairs of names (given and family, or a full name and "") with why the
// one-pass key must equal the definition, strings.Fields joined and lowered.
var nameKeyCases = []struct{ a, b, why string }{
	{"Ada", "Example", "plain names"},
	{"  ADA ", " EXAMPLE  ", "white space around each part and upper case"},
	{"Mary Ann", "van  der\tBerg", "inner runs of spaces and a tab collapse to one space"},
	{"", "Example", "no given name: no leading space"},
	{"Ada", "", "no family name: no trailing space"},
	{" \t\n", "\v\f\r ", "white space only: an empty key"},
	{"", "", "nothing"},
	{"José", "Müller", "non-ASCII letters: lowered as strings.ToLower does"},
	{"ADA\u00a0B", "X\u0085Y", "non-ASCII white space (no-break space, next line) splits too"},
	{"\xff\xfeA", "B", "invalid UTF-8, replaced as strings.ToLower replaces it"},
	{"İSTANBUL", "ǅ", "letters whose lower case is longer or a title case"},
	{"a@b.c", "O'Neil-Smith", "punctuation stays"},
}

func definedKey(a, b string) string {
	return strings.ToLower(strings.Join(strings.Fields(a+" "+b), " "))
}

// TestAppendNameKey: appendNameKey gives nameKey(a + " " + b) for every case, after what
// dst held; personKey takes the full name only when given and family give no key; and a
// name, ASCII or not, is keyed without an allocation.
func TestAppendNameKey(t *testing.T) {
	for _, c := range nameKeyCases {
		want := definedKey(c.a, c.b)
		if got := string(appendNameKey([]byte("x|"), c.a, c.b)); got != "x|"+want {
			t.Errorf("%s: %q + %q keyed %q, want %q", c.why, c.a, c.b, got[2:], want)
		}
		full := "Full " + c.a
		wantP := want
		if wantP == "" {
			wantP = definedKey(full, "")
		}
		if got := personKey(c.a, c.b, full); got != wantP {
			t.Errorf("%s: personKey %q, want %q", c.why, got, wantP)
		}
	}
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() { buf = appendPersonKey(buf[:0], " Ada ", "EXAMPLE", "") }); n != 0 {
		t.Errorf("%v allocations for an ASCII name", n)
	}
	if n := testing.AllocsPerRun(100, func() { buf = appendPersonKey(buf[:0], "JOSÉ\u00a0", "Müller 山田", "") }); n != 0 {
		t.Errorf("%v allocations for a name past ASCII", n)
	}
}

// FuzzAppendNameKey: for any two strings the one-pass key is the defined one.
func FuzzAppendNameKey(f *testing.F) {
	for _, c := range nameKeyCases {
		f.Add(c.a, c.b)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if got, want := string(appendNameKey(nil, a, b)), definedKey(a, b); got != want {
			t.Fatalf("%q + %q keyed %q, want %q", a, b, got, want)
		}
	})
}

// TestRowKeysBounded: rows are numbered and found by int32, so the keys hold at most
// maxRows rows with a user name; one more is refused with an error (Rows.Err), not
// wrapped into a negative index.
func TestRowKeysBounded(t *testing.T) {
	k := newRowKeys()
	k.maxRows = 2
	for i, login := range []string{"avery.kline", "noor.fictus", "jo.demo"} {
		k.add(&Row{Number: i + 2, Login: login})
	}
	if k.len() != 2 || !errors.Is(k.err, errTooManyRows) {
		t.Errorf("%d rows held, error %v; want 2 and errTooManyRows", k.len(), k.err)
	}
}
