package jsontext

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// stdTokens returns the tokens of data as encoding/json reads them (UseNumber), and
// whether it ended with an error rather than io.EOF. Anything after the first top-level
// value is an error here, as it is for Decoder (encoding/json reads a stream of values).
func stdTokens(data []byte) ([]json.Token, bool) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var out []json.Token
	depth := 0
	for {
		if len(out) > 0 && depth == 0 {
			_, err := d.Token()
			return out, err != io.EOF
		}
		t, err := d.Token()
		if err == io.EOF {
			return out, depth != 0 // encoding/json's Token ends a cut-off value with io.EOF
		}
		if err != nil {
			return out, true
		}
		if dl, ok := t.(json.Delim); ok {
			if dl == '{' || dl == '[' {
				depth++
			} else {
				depth--
			}
		}
		out = append(out, t)
	}
}

func ourTokens(r io.Reader) ([]json.Token, bool) { return ourTokensShared(r, false) }

// ourTokensShared is ourTokens with SharedStrings set as given: the strings of the whole
// input are held to the end, so one overwritten by a later one would differ.
func ourTokensShared(r io.Reader, shared bool) ([]json.Token, bool) {
	d := NewDecoder(r)
	d.SharedStrings = shared
	var out []json.Token
	for {
		t, err := d.Token()
		if err == io.EOF {
			return out, false
		}
		if err != nil {
			var ee *EncodingError
			if errors.As(err, &ee) || errors.Is(err, ErrLoneSurrogate) {
				out = append(out, refused{})
			}
			return out, true
		}
		out = append(out, t)
	}
}

// refused is the last token of ourTokens where the Decoder refused a string that
// encoding/json reads with U+FFFD in place of bytes that are not UTF-8 or of a lone
// surrogate escape (see same).
type refused struct{}

var decodeSeeds = []string{
	`{"a":[1,-2.5e+3,true,false,null,"x\"y\\z\/\b\f\n\r\t\u00e9\ud83d\ude00"],"b":{}}`,
	`[]`, `{}`, `"s"`, `0`, `-0.0E-1`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{1:2}`, `[01]`, `[1.]`, `[.5]`, `[1e]`,
	`[tru]`, `[nul`, `"abc`, "\"a\x01b\"", `"\x"`, `"\u12"`, `"\ud800"`, `"\ud800\u0041"`, "\"\xff\xfe\"",
	`{"a":1}{"b":2}`, `{"a":1} x`, ` [ 1 , 2 ] `, `]`, `}`, `[}`, `{]`, `{"a":[{"b":[[[]]]}]}`, ``, `   `,
	`{"k":"v","k2":[1,2,{"k3":null}]}`,
}

// TestDecoderMatchesEncodingJSON: the same tokens as encoding/json's Decoder.Token, and an
// error where it has one, on hand-written inputs, their mutations and one-byte reads.
func TestDecoderMatchesEncodingJSON(t *testing.T) {
	check := func(data []byte) {
		t.Helper()
		want, wantErr := stdTokens(data)
		for _, shared := range []bool{false, true} {
			for _, r := range []io.Reader{bytes.NewReader(data), iotest.OneByteReader(bytes.NewReader(data))} {
				got, gotErr := ourTokensShared(r, shared)
				if !same(got, want, gotErr, wantErr) {
					t.Fatalf("%q (shared strings %v):\nencoding/json: %v err=%v\njsontext:      %v err=%v", data, shared, want, wantErr, got, gotErr)
				}
			}
		}
	}
	rng := rand.New(rand.NewSource(1))
	for _, s := range decodeSeeds {
		check([]byte(s))
		for range 300 {
			d := []byte(s)
			if len(d) == 0 {
				continue
			}
			i := rng.Intn(len(d))
			switch rng.Intn(3) {
			case 0:
				d[i] = `{}[],:"\-0123456789.eE+tfnul xa`[rng.Intn(31)]
			case 1:
				d = append(d[:i:i], d[i+1:]...)
			case 2:
				d = append(d[:i:i], append([]byte{`{}[],:"\-1.e"`[rng.Intn(13)]}, d[i:]...)...)
			}
			check(d)
		}
	}
}

// FuzzDecoder: the same tokens as encoding/json for any input.
func FuzzDecoder(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want, wantErr := stdTokens(data)
		got, gotErr := ourTokens(bytes.NewReader(data))
		if !same(got, want, gotErr, wantErr) {
			t.Fatalf("%q:\nencoding/json: %v err=%v\njsontext:      %v err=%v", data, want, wantErr, got, gotErr)
		}
	})
}

// same: the same tokens and outcome; or, where the Decoder refused a string (refused),
// the same tokens before it and, in its place, a string to which encoding/json silently
// gave a U+FFFD.
func same(got, want []json.Token, gotErr, wantErr bool) bool {
	if n := len(got); n > 0 && got[n-1] == (refused{}) {
		if len(want) < n {
			return false
		}
		s, ok := want[n-1].(string)
		return ok && strings.ContainsRune(s, utf8.RuneError) && (n == 1 || reflect.DeepEqual(got[:n-1], want[:n-1]))
	}
	return gotErr == wantErr && len(got) == len(want) && (len(got) == 0 || reflect.DeepEqual(got, want))
}

// TestNextMatchesToken: Next gives the kind and text of every token Token gives.
func TestNextMatchesToken(t *testing.T) {
	for _, s := range decodeSeeds {
		a, b := NewDecoder(strings.NewReader(s)), NewDecoder(strings.NewReader(s))
		for {
			tok, errT := a.Token()
			k, text, errN := b.Next()
			require.Equal(t, errT == nil, errN == nil, "%q", s)
			if errT != nil {
				break
			}
			switch tok := tok.(type) {
			case json.Delim:
				require.Equal(t, Kind(tok), k, "%q", s)
			case string:
				require.Equal(t, String, k, "%q", s)
				require.Equal(t, tok, text, "%q", s)
			case json.Number:
				require.Equal(t, Number, k, "%q", s)
				require.Equal(t, string(tok), text, "%q", s)
			case bool:
				require.Equal(t, map[bool]Kind{true: True, false: False}[tok], k, "%q", s)
			case nil:
				require.Equal(t, Null, k, "%q", s)
			}
		}
	}
}

// TestNextAllocations: a stream of records costs no allocation per key and, with
// SharedStrings, a small share of one per string: a million users' JSON had nine
// allocations per record for the keys and strings alone (and, through Token, one more
// per token for the interface).
func TestNextAllocations(t *testing.T) {
	const n = 2000
	var b strings.Builder
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"oid":"U%d","loginName":"user%d","active":true,"n":%d}`, i, i, i)
	}
	b.WriteString("]")
	data := b.String()
	allocs := testing.AllocsPerRun(3, func() {
		d := NewDecoder(strings.NewReader(data))
		d.SharedStrings = true
		for {
			if _, _, err := d.Next(); err != nil {
				return
			}
		}
	})
	// The decoder, its buffer, the key table and a few arrays of strings.
	require.Less(t, allocs/n, 0.05, "allocations per record")
}

// TestKeysBounded: the keys remembered are at most keyCache, a long key is not kept, and
// input with ever new keys reads as it should.
func TestKeysBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range 4 * keyCache {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"k%d":1`, i)
	}
	long := strings.Repeat("x", maxKey+1)
	fmt.Fprintf(&b, `,"%s":2,"k7":3}`, long)
	d := NewDecoder(strings.NewReader(b.String()))
	var keys []string
	for {
		k, s, err := d.Next()
		if err != nil {
			break
		}
		if k == String {
			keys = append(keys, s)
		}
	}
	require.Len(t, keys, 4*keyCache+2)
	for i := range 4 * keyCache {
		require.Equal(t, fmt.Sprintf("k%d", i), keys[i])
	}
	require.Equal(t, long, keys[4*keyCache])
	require.Equal(t, "k7", keys[4*keyCache+1])
	require.NotContains(t, d.keys[:], long)
}

// TestSpecialMaskFirstByte: the lowest byte specialMask flags is the first byte of the
// word that is '"', '\\', a control character or from 0x80 up, and none is flagged when
// there is no such byte: scan jumps straight to it.
func TestSpecialMaskFirstByte(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	interesting := []byte{0, 0x1f, 0x20, 0x21, '"', '#', '\\', ']', 0x7f, 0x80, 0xff, 'a'}
	for range 200000 {
		var b [8]byte
		for i := range b {
			if rng.Intn(3) == 0 {
				b[i] = interesting[rng.Intn(len(interesting))]
			} else {
				b[i] = byte(rng.Intn(256))
			}
		}
		first := 8
		for i, c := range b {
			if c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
				first = i
				break
			}
		}
		m := specialMask(binary.LittleEndian.Uint64(b[:]))
		got := 8
		if m != 0 {
			got = bits.TrailingZeros64(m) / 8
		}
		require.Equal(t, first, got, "% x", b)
	}
}

// TestValueOffset: ValueOffset and PeekByte, called before every token, change nothing
// of what Next returns, and ValueOffset is where the token starts (its first byte is the
// token's kind: a quote for a string, a digit or minus for a number, the delimiter or the
// literal's first letter), which PeekByte then returns.
func TestValueOffset(t *testing.T) {
	first := func(k Kind) string {
		switch k {
		case String:
			return `"`
		case Number:
			return "-0123456789"
		}
		return string(rune(k))
	}
	check := func(data []byte) {
		t.Helper()
		plain, probed := NewDecoder(bytes.NewReader(data)), NewDecoder(iotest.OneByteReader(bytes.NewReader(data)))
		for {
			k, s, err := plain.Next()
			off := probed.ValueOffset()
			c, perr := probed.PeekByte()
			k2, s2, err2 := probed.Next()
			require.Equal(t, k, k2, "%q", data)
			require.Equal(t, s, s2, "%q", data)
			require.Equal(t, err == nil, err2 == nil, "%q: %v / %v", data, err, err2)
			if err != nil {
				if se, ok := err.(*SyntaxError); ok {
					require.Equal(t, se.Offset, err2.(*SyntaxError).Offset, "%q", data)
				}
				return
			}
			require.NoError(t, perr, "%q", data)
			require.Less(t, off, int64(len(data)), "%q", data)
			require.Equal(t, data[off], c, "%q at %d", data, off)
			require.Contains(t, first(k), string(c), "%q: token %c at %d", data, k, off)
		}
	}
	rng := rand.New(rand.NewSource(2))
	for _, s := range append(decodeSeeds, ` [ {"a" : 1 } , [ ] , "x" ]`, "[\n  {\"a\": \"b\"},\n  {\"c\": null}\n]") {
		check([]byte(s))
		for range 100 {
			d := []byte(s)
			if len(d) == 0 {
				continue
			}
			d = append(d[:0:0], d...)
			d[rng.Intn(len(d))] = ` ,:{}[]"1n`[rng.Intn(10)]
			check(d)
		}
	}
	// At the end of input the offset is the input's length, and PeekByte says io.EOF.
	d := NewDecoder(strings.NewReader(`[1] `))
	for range 3 {
		_, _, err := d.Next()
		require.NoError(t, err)
	}
	require.Equal(t, int64(4), d.ValueOffset())
	_, err := d.PeekByte()
	require.Equal(t, io.EOF, err)
}

// TestEscapeErrorWhereItStands: a bad escape is reported at its character with
// encoding/json's words, also in a string that is never closed (which was reported as an
// unexpected end of input, at the end), whatever the reads' sizes.
func TestEscapeErrorWhereItStands(t *testing.T) {
	for _, tc := range []struct {
		in  string
		off int64
		msg string
		why string
	}{
		{`["ab\x"]`, 5, `invalid character 'x' in string escape code`, "a closed string"},
		{`["ab\x`, 5, `invalid character 'x' in string escape code`, "a string never closed"},
		{`["ab\:null}]` + strings.Repeat(" ", 100), 5, `invalid character ':' in string escape code`, "more input after it"},
		{`["\u12g4 and on`, 6, `invalid character 'g' in \u hexadecimal character escape`, "a bad hexadecimal digit"},
		{`["\u12`, -1, "", "an escape cut by the end of input"},
	} {
		for _, r := range []io.Reader{strings.NewReader(tc.in), iotest.OneByteReader(strings.NewReader(tc.in))} {
			d := NewDecoder(r)
			_, _, err := d.Next()
			require.NoError(t, err)
			_, _, err = d.Next()
			if tc.off < 0 {
				require.Equal(t, io.ErrUnexpectedEOF, err, tc.why)
				continue
			}
			var se *SyntaxError
			require.ErrorAs(t, err, &se, tc.why)
			require.Equal(t, tc.msg, se.Msg, tc.why)
			require.Equal(t, tc.off, se.Offset, tc.why)
			// encoding/json says the same.
			var v any
			require.ErrorContains(t, json.Unmarshal([]byte(tc.in[:tc.off+1]+`"]`), &v), tc.msg, tc.why)
		}
	}
}

// TestReadErrorKept: an error of the reader under the decoder (an input limit, say) is
// returned as it is wherever the decoder meets it: inside a string, a number or a literal,
// not turned into an unexpected end of input.
func TestReadErrorKept(t *testing.T) {
	limit := errors.New("input limit")
	for _, in := range []string{`["abcdef`, `["ab\`, `["ab\u00`, `[12345`, `[12.5e3`, `[tru`, `[`} {
		d := NewDecoder(io.MultiReader(strings.NewReader(in), iotest.ErrReader(limit)))
		var err error
		var k Kind
		n := 0
		for ; err == nil; n++ {
			k, _, err = d.Next()
		}
		require.ErrorIs(t, err, limit, "%q", in)
		// Nothing cut by the error is taken for a value: a number's next byte might
		// have gone on with it.
		require.Equal(t, strings.Count(in, "["), n-1, "%q: tokens before the error (the last %c)", in, k)
	}
}

// TestNumberErrorsAsScanner: a malformed number or literal fails with encoding/json's
// words, at the byte that cannot continue it ("01" is the number 0, then a 1 after a
// value; "tru]" fails at the "]").
func TestNumberErrorsAsScanner(t *testing.T) {
	for _, in := range []string{`[1.x]`, `[-x]`, `[1ex]`, `[1e+x]`, `[1E-]`, `[01]`, `[-01]`, `[1.]`, `[.5]`, `[1.5e3x]`, `[-]`, `[0.0.0]`, `[2e3.4]`,
		`[tru]`, `[t]`, `[fals e]`, `[nul]`, `[nulll]`, `{"a":trUe}`, `[falsetrue]`} {
		var v any
		want := json.Unmarshal([]byte(in), &v)
		require.Error(t, want, in)
		d := NewDecoder(strings.NewReader(in))
		var err error
		for err == nil {
			_, _, err = d.Next()
		}
		require.Equal(t, want.Error(), err.Error(), in)
		var se *SyntaxError
		var jse *json.SyntaxError
		if errors.As(err, &se) && errors.As(want, &jse) {
			require.Equal(t, jse.Offset, se.Offset+1, "%s: encoding/json counts the bytes read, the bad one included", in)
		}
	}
}

// spaces is 16 MiB of white space that counts what it hands out.
type spaces struct{ n int64 }

func (s *spaces) Read(p []byte) (int, error) {
	if s.n >= 16<<20 {
		return 0, io.EOF
	}
	p = p[:min(len(p), 16<<20-int(s.n))]
	for i := range p {
		p[i] = ' '
	}
	s.n += int64(len(p))
	return len(p), nil
}

// TestEscapeErrorReadsNoFurther: a bad escape fails without reading on: it read to the end
// of the input first (gigabytes of a stream that goes on; the command's record limit).
func TestEscapeErrorReadsNoFurther(t *testing.T) {
	for _, head := range []string{`["ab\x`, `["\u12g4`, `["` + strings.Repeat("a", 70000) + `\q`} {
		more := &spaces{}
		d := NewDecoder(io.MultiReader(strings.NewReader(head), more))
		_, _, err := d.Next()
		require.NoError(t, err)
		_, _, err = d.Next()
		var se *SyntaxError
		require.ErrorAs(t, err, &se, "%.20q", head)
		require.LessOrEqual(t, more.n, int64(128<<10), "%.20q: read %d bytes past the escape", head, more.n)
	}
}
