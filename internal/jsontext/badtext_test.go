package jsontext

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

// TestDecoderRefusesBadText: a string holding bytes that are not UTF-8 is an
// *EncodingError, a \u escape of a lone surrogate a *SyntaxError wrapping
// ErrLoneSurrogate, each at the input offset of the first bad byte or of the escape's
// backslash, in a value or a key, whatever the reads. encoding/json reads both as U+FFFD.
func TestDecoderRefusesBadText(t *testing.T) {
	for _, tt := range []struct {
		in, reason string
		surrogate  bool
		off        int64
	}{
		{"[\"ab\xffc\"]", "a byte that starts no sequence", false, 4},
		{"[\"\xc3\"]", "a sequence cut short by the quote", false, 2},
		{"[\"ok\",\"\xed\xa0\x80\"]", "a surrogate encoded as UTF-8", false, 7},
		{"{\"k\xfe\":1}", "in a key", false, 3},
		{`["a\ud800b"]`, "a lone high surrogate", true, 3},
		{`["\udfff"]`, "a lone low surrogate", true, 2},
		{`["\ud800\u0041"]`, "a high surrogate before no low one", true, 2},
		{`["\ud800\ud800\udc00"]`, "a high surrogate before a pair", true, 2},
		{`{"a\udc00":1}`, "in a key", true, 3},
		{"[\"\\n\xff\"]", "after an escape (the unquoting path)", false, 4},
	} {
		for _, oneByte := range []bool{false, true} {
			r := strings.NewReader(tt.in)
			d := NewDecoder(r)
			if oneByte {
				d = NewDecoder(iotest.OneByteReader(r))
			}
			var err error
			for err == nil {
				_, _, err = d.Next()
			}
			var se *SyntaxError
			var ee *EncodingError
			if tt.surrogate {
				require.ErrorAs(t, err, &se, tt.reason)
				require.ErrorIs(t, err, ErrLoneSurrogate, tt.reason)
				require.Equal(t, tt.off, se.Offset, tt.reason)
			} else {
				require.ErrorAs(t, err, &ee, tt.reason)
				require.False(t, errors.Is(err, ErrLoneSurrogate))
				require.Equal(t, tt.off, ee.Offset, tt.reason)
			}
		}
	}
	// A pair is one character; U+FFFD written as such is a character too.
	d := NewDecoder(strings.NewReader(`["\ud83d\ude00","\ufffd","` + "\uFFFD" + `"]`))
	var got []string
	for {
		k, s, err := d.Next()
		if err != nil {
			break
		}
		if k == String {
			got = append(got, s)
		}
	}
	require.Equal(t, []string{"\U0001F600", "\uFFFD", "\uFFFD"}, got)
}
