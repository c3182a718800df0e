package jsontext

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestAppendString checks the hand-written JSON string encoder against encoding/json.
func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", `q"uote\back`, "ctl\x00\x01\x1f\n\r\t\b\f", "<&>", "Zoë 山田 😀", "bad\xff\xfeutf8", "\u2028\u2029", "\xed\xa0\x80", "a<b>c&d", "Smith & Sons <smith@example.org>", "&&&&&&&&&&<<<<<<<<>>>>>>>>"} {
		checkJSONString(t, s)
	}
}

// checkJSONString compares AppendString and AppendStringHTML with encoding/json with
// HTML escaping off and on.
func checkJSONString(t *testing.T, s string) {
	t.Helper()
	for _, html := range []bool{false, true} {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(html)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSuffix(buf.String(), "\n")
		got, name := AppendString(nil, s), "AppendString"
		if html {
			got, name = AppendStringHTML(nil, s), "AppendStringHTML"
		}
		if string(got) != want {
			t.Errorf("%s(%q) = %s, want %s", name, s, got, want)
		}
		// Appended behind other bytes, with no room, exactly the room of the plain
		// case, and more: the fast path writes into spare capacity before it knows
		// whether s is plain, so what stands before must stay and the result must not
		// depend on the room there was.
		for _, room := range []int{0, len(s) + 1, len(s) + 2, len(s) + 3, 2*len(s) + 16} {
			b := append(make([]byte, 0, 3+room), "x,y"...)
			if html {
				b = AppendStringHTML(b, s)
			} else {
				b = AppendString(b, s)
			}
			if string(b) != "x,y"+want {
				t.Errorf("%s(%q) behind \"x,y\" with room %d = %s, want x,y%s", name, s, room, b, want)
			}
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\x00", "\xff", "\u2028", "😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkJSONString(t, s) })
}

// TestAppendStringPositions puts every kind of byte that needs a look at every position
// of strings longer than the 8-byte fast path, before, inside and after a bulk-copied run,
// so that a word that skips too much or a run cut at the wrong place cannot go unnoticed.
func TestAppendStringPositions(t *testing.T) {
	specials := []string{"\"", "\\", "\x00", "\x1f", "\n", "\x7f", "é", "山", "😀", "\u2028", "\u2029", "\xff", "\xe2\x80", "\xed\xa0\x80", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xef\xbf\xbf", "\xc2\x80", "\xc1\xbf", "\xe2\x80\xa7", "\xe2\x80\xaa", "\xe2\x81\xa8", "\xc3", "\xf0\x9f", " ", "~", "!", "#", "[", "]", "<", ">", "&", "=", ";", "%", "'"}
	for _, sp := range specials {
		for n := 0; n <= 20; n++ {
			for pos := 0; pos <= n; pos++ {
				s := strings.Repeat("a", pos) + sp + strings.Repeat("b", n-pos)
				checkJSONString(t, s)
				checkJSONString(t, s+sp+s)
			}
		}
	}
}

func BenchmarkAppendString(b *testing.B) {
	for _, tc := range []struct{ name, s string }{
		{"short", "user000001"},
		{"email", "user000001@site10001.example.org"},
		{"uri", "http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0"},
		{"multiscript", "美咲 Ørsted-Demo"},
		{"escapes", "line one\nline \"two\"\ttab"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			buf := make([]byte, 0, 256)
			b.SetBytes(int64(len(tc.s)))
			for i := 0; i < b.N; i++ {
				buf = AppendString(buf[:0], tc.s)
			}
		})
	}
}

// TestAppendStringLeadBytes runs every lead byte from 0x80 up with every second byte and
// the third bytes at the edges of the ranges through the in-place UTF-8 checks, against
// encoding/json.
func TestAppendStringLeadBytes(t *testing.T) {
	thirds := []byte{0x00, 0x41, 0x7f, 0x80, 0x9f, 0xa0, 0xa7, 0xa8, 0xa9, 0xaa, 0xbf, 0xc0, 0xff}
	for c := 0x80; c <= 0xff; c++ {
		for c1 := 0; c1 <= 0xff; c1++ {
			checkJSONString(t, string([]byte{byte(c), byte(c1)}))
			for _, c2 := range thirds {
				checkJSONString(t, string([]byte{'a', byte(c), byte(c1), c2, 0x80, 'z'}))
			}
		}
	}
}
