package odm

import (
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// escapeRef is escape written the plain way, rune by rune: what is buffered when a
// character cannot be written (the text up to the last escaped character) and whether the
// write failed.
func escapeRef(s string, attr bool) (string, bool) {
	var out, pending strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || r == 0xFFFE || r == 0xFFFF {
			return out.String(), true
		}
		esc := ""
		switch {
		case r == '&':
			esc = "&amp;"
		case r == '<':
			esc = "&lt;"
		case r == '>' && !attr:
			esc = "&gt;"
		case r == '"' && attr:
			esc = "&quot;"
		case r == '\t' && attr:
			esc = "&#9;"
		case r == '\n' && attr:
			esc = "&#10;"
		case r == '\r':
			esc = "&#13;"
		case r < 0x20 && r != '\t' && r != '\n':
			return out.String(), true
		}
		if esc != "" {
			out.WriteString(pending.String())
			out.WriteString(esc)
			pending.Reset()
		} else {
			pending.WriteString(s[i : i+n])
		}
		i += n
	}
	return out.String() + pending.String(), false
}

// TestEscapePositions puts every kind of character escape looks at at every position of
// strings around the 8-byte fast path, in text and attribute values, behind other output
// with little and much room: the output, and what is buffered when the write fails, must
// be what escapeRef gives.
func TestEscapePositions(t *testing.T) {
	specials := []string{"&", "<", ">", "\"", "'", "\t", "\n", "\r", "\x00", "\x1f", "\x7f", "é", "山", "😀",
		"\xff", "\xc3", "\xed\xa0\x80", "\xef\xbf\xbe", "\xef\xbf\xbf", "\xef\xbf\xbd", "\xe0\xa0\x80", "\xe0\x80\x80", " ", "]]>"}
	x := newXW(io.Discard, WriteOptions{})
	for _, sp := range specials {
		for n := 0; n <= 20; n++ {
			for pos := 0; pos <= n; pos++ {
				s := strings.Repeat("a", pos) + sp + strings.Repeat("b", n-pos)
				for _, v := range []string{s, s + sp + s, strings.Repeat("c", 17) + s} {
					for _, attr := range []bool{false, true} {
						for _, room := range []int{0, len(v), 4096} {
							x.buf, x.err = append(make([]byte, 0, 1+room), 'P'), nil
							x.escape(v, attr)
							want, fail := escapeRef(v, attr)
							if got := string(x.buf); got != "P"+want || (x.err != nil) != fail {
								t.Fatalf("escape(%q, attr %v) with room %d = %q (error %v), want %q (error %v)", v, attr, room, got, x.err, "P"+want, fail)
							}
						}
					}
				}
			}
		}
	}
}
