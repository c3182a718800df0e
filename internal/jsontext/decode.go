package jsontext

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// Decoder reads JSON tokens from a stream like encoding/json's Decoder.Token with
// UseNumber, several times faster: delimiters and literals cost no allocation, a key seen
// before none, and another string one (or, with SharedStrings, a share of one). It checks
// the grammar as it goes (colons and commas are consumed, not returned) and holds one
// token at a time, however large the input.
type Decoder struct {
	// SharedStrings cuts the strings read from arrays of strChunk bytes, one allocation
	// for many strings. A string held then keeps its whole array alive: for readers that
	// hold no string past the record it came with (or hold most of them), not for one
	// that keeps a few strings of each record of a long stream, whose memory would grow
	// with the stream.
	SharedStrings bool

	r     io.Reader
	buf   []byte
	pos   int   // next byte to read in buf
	off   int64 // input offset of buf[0]
	rerr  error // the reader's error, returned once buf is used up
	stack []byte
	state uint8
	tmp   []byte
	// strs is the unused tail of the array the strings read are cut from.
	strs []byte
	// keys holds the keys read, to hand out the same string again: a stream of records
	// repeats a few dozen keys millions of times. It is a table of keyCache entries
	// found by a hash of the key's length and ends, each holding the last key of its
	// hash (cheaper than a map, whose hashing of every key cost more than the rest).
	keys *[keyCache]string
}

const (
	strChunk = 32 << 10 // bytes of one array of strings
	strAlone = 1 << 10  // a string this long gets its own allocation
	keyCache = 1024     // keys remembered (at most)
	maxKey   = 64       // bytes: a longer key is not remembered
)

// keySlot is the entry of keys for raw, a key 1 to maxKey bytes long.
func keySlot(raw []byte) int {
	n := len(raw)
	h := uint(n)*131 + uint(raw[0])*31 + uint(raw[n-1])*7 + uint(raw[n/2])
	return int(h % keyCache)
}

// string returns b as a string; with SharedStrings cut from an array of strings: one
// allocation for many short strings instead of one each. The array is never written again once a string is
// cut from it, so a string stays valid and unchanged for as long as it is held (it
// keeps its array, at most strChunk bytes, alive with it).
func (d *Decoder) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) >= strAlone || !d.SharedStrings {
		return string(b)
	}
	if len(b) > len(d.strs) {
		d.strs = make([]byte, strChunk)
	}
	n := copy(d.strs, b)
	s := unsafe.String(&d.strs[0], n)
	d.strs = d.strs[n:]
	return s
}

// key reads an object key starting at its opening quote: the string handed out for the
// same key before, when there is one.
func (d *Decoder) key() (string, error) {
	raw, plain, err := d.scan()
	if err != nil {
		return "", err
	}
	if !plain {
		return d.unquote(raw)
	}
	if len(raw) == 0 || len(raw) > maxKey {
		return string(raw), nil
	}
	if d.keys == nil {
		d.keys = new([keyCache]string)
	}
	e := &d.keys[keySlot(raw)]
	if *e == string(raw) { // compared without an allocation
		return *e, nil
	}
	*e = string(raw)
	return *e, nil
}

// SyntaxError is a JSON syntax error at input offset Offset. Err, when set, says what
// kind (ErrLoneSurrogate).
type SyntaxError struct {
	Offset int64
	Msg    string
	Err    error
}

func (e *SyntaxError) Error() string { return e.Msg }
func (e *SyntaxError) Unwrap() error { return e.Err }

// ErrLoneSurrogate is the Err of the SyntaxError of a \u escape of a UTF-16 surrogate
// that is not one of a pair ("\ud800"): it stands for no character. encoding/json reads
// it as U+FFFD, a silent change of the value; the readers here refuse it.
var ErrLoneSurrogate = errors.New("lone surrogate in a \\u escape")

// EncodingError is a string holding bytes that are not UTF-8, the first of them at input
// offset Offset. encoding/json reads each as U+FFFD, a silent change of the value; the
// readers here refuse them, as XML readers refuse such bytes.
type EncodingError struct {
	Offset int64
	Msg    string
}

func (e *EncodingError) Error() string { return e.Msg }

const (
	sValue      uint8 = iota // a value
	sValueOrEnd              // after '[': a value or ']'
	sKeyOrEnd                // after '{': a key or '}'
	sKey                     // after ',' in an object: a key
	sColon                   // after a key: ':' then a value
	sCommaOrEnd              // after a value in a container: ',' or the closing delimiter
	sEnd                     // after the top-level value
)

// NewDecoder returns a Decoder reading from r.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{r: r, buf: make([]byte, 0, 64<<10)}
}

// InputOffset returns the input offset of the next byte to be read.
func (d *Decoder) InputOffset() int64 { return d.off + int64(d.pos) }

// fill reads more input, keeping buf[d.pos:]. It reports whether bytes were added.
func (d *Decoder) fill() bool {
	if d.rerr != nil {
		return false
	}
	if d.pos > 0 {
		n := copy(d.buf, d.buf[d.pos:])
		d.buf = d.buf[:n]
		d.off += int64(d.pos)
		d.pos = 0
	}
	if len(d.buf) == cap(d.buf) {
		nb := make([]byte, len(d.buf), 2*cap(d.buf))
		copy(nb, d.buf)
		d.buf = nb
	}
	for i := 0; i < 100; i++ {
		n, err := d.r.Read(d.buf[len(d.buf):cap(d.buf)])
		d.buf = d.buf[:len(d.buf)+n]
		if err != nil {
			d.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	d.rerr = io.ErrNoProgress
	return false
}

// peek skips white space and returns the next byte, or an error at the end of input.
func (d *Decoder) peek() (byte, error) {
	for {
		for d.pos < len(d.buf) {
			switch c := d.buf[d.pos]; c {
			case ' ', '\t', '\n', '\r':
				d.pos++
			default:
				return c, nil
			}
		}
		if !d.fill() {
			if d.rerr == io.EOF {
				return 0, io.EOF
			}
			return 0, d.rerr
		}
	}
}

func (d *Decoder) syntax(msg string) error {
	return &SyntaxError{Offset: d.InputOffset(), Msg: msg}
}

func (d *Decoder) eof(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// More reports whether there is another element in the current array or object.
func (d *Decoder) More() bool {
	c, err := d.peek()
	return err == nil && c != ']' && c != '}'
}

// ValueOffset returns the input offset of the next token's first byte: past white space
// and past the comma between elements or members and the colon after a key, which it
// consumes as Next would. A reader that positions each element by where it starts calls
// it after More. At the end of input it is the input's length.
func (d *Decoder) ValueOffset() int64 {
	c, err := d.peek()
	switch {
	case err != nil:
	case c == ',' && d.state == sCommaOrEnd:
		d.pos++
		if d.stack[len(d.stack)-1] == '{' {
			d.state = sKey
		} else {
			d.state = sValue
		}
		d.peek()
	case c == ':' && d.state == sColon:
		d.pos++
		d.state = sValue
		d.peek()
	}
	return d.InputOffset()
}

// AllowNextValue lets Next read another top-level value after the one it read, as
// encoding/json's Decoder reads a stream of values; without it, anything after the first
// value is a syntax error.
func (d *Decoder) AllowNextValue() {
	if d.state == sEnd {
		d.state = sValue
	}
}

// PeekByte returns the next byte after white space without consuming it, or the error
// that ends the input (io.EOF at its end). It lets a caller name what follows a value by
// kind (a string, a number) where Next would report it as a syntax error.
func (d *Decoder) PeekByte() (byte, error) { return d.peek() }

func (d *Decoder) afterValue() {
	if len(d.stack) == 0 {
		d.state = sEnd
	} else {
		d.state = sCommaOrEnd
	}
}

// Kind is the kind of a token Next returns.
type Kind byte

// The kinds of tokens: the four delimiters as themselves, then strings (a key is a String
// too), numbers, true, false and null.
const (
	ObjectStart Kind = '{'
	ObjectEnd   Kind = '}'
	ArrayStart  Kind = '['
	ArrayEnd    Kind = ']'
	String      Kind = '"'
	Number      Kind = '0'
	True        Kind = 't'
	False       Kind = 'f'
	Null        Kind = 'n'
)

// Describe names the JSON type of a value whose first token is of kind k, for error
// messages that must not quote the value: "an object", "a string", "null", ...
func (k Kind) Describe() string {
	switch k {
	case ObjectStart:
		return "an object"
	case ArrayStart:
		return "an array"
	case True, False:
		return "a boolean"
	case Number:
		return "a number"
	case String:
		return "a string"
	case ObjectEnd:
		return "the end of an object"
	case ArrayEnd:
		return "the end of an array"
	}
	return "null"
}

// Token returns the next token: json.Delim for [ ] { }, string, json.Number, bool or
// nil; io.EOF after the top-level value.
func (d *Decoder) Token() (json.Token, error) {
	k, s, err := d.Next()
	if err != nil {
		return nil, err
	}
	switch k {
	case String:
		return s, nil
	case Number:
		return json.Number(s), nil
	case True:
		return true, nil
	case False:
		return false, nil
	case Null:
		return nil, nil
	}
	return json.Delim(k), nil
}

// Next is Token without the interface: the token's kind and, for a string (a key
// included) or a number, its text. It costs no allocation but for a string's or a
// number's bytes, and none for a key the Decoder has seen before (see key).
func (d *Decoder) Next() (Kind, string, error) {
	c, err := d.peek()
	switch d.state {
	case sEnd:
		if err == io.EOF {
			return 0, "", io.EOF
		}
		if err != nil {
			return 0, "", err
		}
		return 0, "", d.syntax("invalid character " + quoteChar(c) + " after top-level value")
	case sCommaOrEnd:
		if err != nil {
			return 0, "", d.eof(err)
		}
		top := d.stack[len(d.stack)-1]
		if c == ',' {
			d.pos++
			if top == '{' {
				d.state = sKey
			} else {
				d.state = sValue
			}
			return d.Next()
		}
		if (top == '{' && c == '}') || (top == '[' && c == ']') {
			d.pos++
			d.stack = d.stack[:len(d.stack)-1]
			d.afterValue()
			return Kind(c), "", nil
		}
		return 0, "", d.syntax("invalid character " + quoteChar(c) + " after " + map[byte]string{'{': "object key:value pair", '[': "array element"}[top])
	case sColon:
		if err != nil {
			return 0, "", d.eof(err)
		}
		if c != ':' {
			return 0, "", d.syntax("invalid character " + quoteChar(c) + " after object key")
		}
		d.pos++
		d.state = sValue
		return d.Next()
	case sKeyOrEnd, sKey:
		if err != nil {
			return 0, "", d.eof(err)
		}
		if c == '}' && d.state == sKeyOrEnd {
			d.pos++
			d.stack = d.stack[:len(d.stack)-1]
			d.afterValue()
			return Kind('}'), "", nil
		}
		if c != '"' {
			return 0, "", d.syntax("invalid character " + quoteChar(c) + " looking for beginning of object key string")
		}
		s, err := d.key()
		if err != nil {
			return 0, "", err
		}
		d.state = sColon
		return String, s, nil
	case sValueOrEnd:
		if err == nil && c == ']' {
			d.pos++
			d.stack = d.stack[:len(d.stack)-1]
			d.afterValue()
			return Kind(']'), "", nil
		}
	}
	if err != nil {
		if err == io.EOF && d.state == sValue && len(d.stack) == 0 {
			return 0, "", io.EOF // no value at all, as encoding/json
		}
		return 0, "", d.eof(err)
	}
	switch {
	case c == '{' || c == '[':
		d.pos++
		d.stack = append(d.stack, c)
		d.state = sKeyOrEnd
		if c == '[' {
			d.state = sValueOrEnd
		}
		return Kind(c), "", nil
	case c == '"':
		s, err := d.str()
		if err != nil {
			return 0, "", err
		}
		d.afterValue()
		return String, s, nil
	case c == '-' || c >= '0' && c <= '9':
		n, err := d.number()
		if err != nil {
			return 0, "", err
		}
		d.afterValue()
		return Number, n, nil
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if lit[0] != c {
				continue
			}
			for len(d.buf)-d.pos < len(lit) && d.fill() {
			}
			// Byte by byte, as encoding/json's scanner: the error is at the first byte
			// that is not the literal's, in its words.
			have := d.buf[d.pos:]
			for k := 1; k < len(lit); k++ {
				if k >= len(have) {
					return 0, "", d.eof(d.rerr) // cut short by the end of input or a read error
				}
				if have[k] != lit[k] {
					d.pos += k
					return 0, "", d.syntax("invalid character " + quoteChar(have[k]) + " in literal " + lit + " (expecting " + quoteChar(lit[k]) + ")")
				}
			}
			d.pos += len(lit)
			d.afterValue()
			return Kind(c), "", nil
		}
	}
	return 0, "", d.syntax("invalid character " + quoteChar(c) + " looking for beginning of value")
}

// str reads a string starting at the opening quote.
func (d *Decoder) str() (string, error) {
	raw, plain, err := d.scan()
	if err != nil {
		return "", err
	}
	if !plain {
		return d.unquote(raw)
	}
	return d.string(raw), nil
}

// scan reads a string starting at the opening quote and returns its bytes between the
// quotes (valid until the next read), and whether they are plain: valid UTF-8 without
// escapes, the string as it is.
func (d *Decoder) scan() ([]byte, bool, error) {
	start := d.pos + 1 // after the quote
	i := start
	plain := true
	multi := false // a byte from 0x80 up: the string is checked as UTF-8
	for {
		if i >= len(d.buf) {
			rel := i - d.pos
			startRel := start - d.pos
			if !d.fill() {
				return nil, false, d.eof(d.rerr)
			}
			i = d.pos + rel
			start = d.pos + startRel
			continue
		}
		// Eight bytes at a time while none of them is '"', '\\', a control character or
		// from a multi-byte sequence (special): most strings are ASCII, and those need
		// neither a look at each byte nor the UTF-8 check after.
		for i+8 <= len(d.buf) {
			m := specialMask(binary.LittleEndian.Uint64(d.buf[i:]))
			if m != 0 {
				i += bits.TrailingZeros64(m) / 8 // the first byte to look at
				break
			}
			i += 8
		}
		if i >= len(d.buf) {
			continue
		}
		c := d.buf[i]
		switch {
		case c == '"':
			raw := d.buf[start:i]
			d.pos = i + 1
			return raw, plain && (!multi || utf8.Valid(raw)), nil
		case c == '\\':
			plain = false
			// The escape is checked where it stands, as encoding/json's scanner does: a bad
			// one in a string that is never closed is reported there, not at the end of the
			// input (which may be a gigabyte further on).
			n, bad := escapeCheck(d.buf[i+1:])
			if n == 0 && bad == 0 && d.rerr == nil {
				// Cut by the end of the buffer: read on.
				rel, startRel := i-d.pos, start-d.pos
				d.fill()
				i, start = d.pos+rel, d.pos+startRel
				continue
			}
			switch {
			case bad > 0:
				d.pos = i + bad
				if bad == 1 {
					return nil, false, d.syntax("invalid character " + quoteChar(d.buf[d.pos]) + " in string escape code")
				}
				return nil, false, d.syntax("invalid character " + quoteChar(d.buf[d.pos]) + " in \\u hexadecimal character escape")
			case n == 0:
				return nil, false, d.eof(d.rerr)
			}
			i += n
		case c < 0x20:
			d.pos = i
			return nil, false, d.syntax("invalid character " + quoteChar(c) + " in string literal")
		default:
			multi = multi || c >= utf8.RuneSelf
			i++
		}
	}
}

// escapeCheck checks the escape whose backslash stands before b: it returns the escape's
// length from the backslash (2, or 6 for \\uXXXX) and 0 for an escape b cuts short, and bad,
// the offset from the backslash of a byte that makes it invalid (0 for none).
func escapeCheck(b []byte) (n, bad int) {
	if len(b) == 0 {
		return 0, 0
	}
	switch b[0] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2, 0
	case 'u':
		for k := 1; k <= 4; k++ {
			if k >= len(b) {
				return 0, 0
			}
			if c := b[k]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return 0, k + 1
			}
		}
		return 6, 0
	}
	return 0, 1
}

// unquote decodes a string's escapes. Invalid UTF-8 is an *EncodingError, a lone
// surrogate escape a *SyntaxError wrapping ErrLoneSurrogate, each at its input offset:
// either would otherwise become U+FFFD, a value the input does not hold.
func (d *Decoder) unquote(raw []byte) (string, error) {
	// raw was just scanned: it ends before the closing quote, the byte before d.pos.
	base := d.InputOffset() - 1 - int64(len(raw))
	b := d.tmp[:0]
	for i := 0; i < len(raw); {
		c := raw[i]
		if c == '\\' {
			if i+1 >= len(raw) {
				return "", d.syntax("invalid escape in string literal")
			}
			switch e := raw[i+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := hex4(raw[i+2:])
				if !ok {
					return "", d.syntax("invalid character in \\u hexadecimal character escape")
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if len(raw) >= i+6 && raw[i] == '\\' && raw[i+1] == 'u' {
						if r2, ok := hex4(raw[i+2:]); ok {
							if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
								b = utf8.AppendRune(b, dec)
								i += 6
								continue
							}
						}
					}
					return "", &SyntaxError{Offset: base + int64(i-6), Err: ErrLoneSurrogate,
						Msg: "lone surrogate \\u" + strings.ToUpper(string(raw[i-4:i])) + " in string escape (not one of a pair of UTF-16 surrogates)"}
				}
				b = utf8.AppendRune(b, r)
				continue
			default:
				return "", d.syntax("invalid character " + quoteChar(e) + " in string escape code")
			}
			i += 2
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && n == 1 {
			return "", &EncodingError{Offset: base + int64(i), Msg: "invalid UTF-8 in string (byte 0x" + strings.ToUpper(strconv.FormatUint(uint64(raw[i]), 16)) + ")"}
		}
		b = append(b, raw[i:i+n]...)
		i += n
	}
	d.tmp = b
	return d.string(b), nil
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(c)
	}
	return r, true
}

// The states of a number as encoding/json's scanner has them: where the next byte may
// continue it, and whether it may end there.
const (
	nStart    = iota // nothing read
	nSign            // '-'
	nZero            // a leading 0: no digit may follow
	nInt             // digits of the integer part
	nDot             // '.'
	nFrac            // digits of the fraction
	nExp             // 'e' or 'E'
	nExpSign         // the exponent's sign
	nExpDigit        // digits of the exponent
)

// number reads a number as encoding/json's scanner does: byte by byte through the JSON
// grammar, ending it at the first byte that cannot continue it where it may end ("01" is
// the number 0, then a 1 that follows a value), failing on a byte that cannot continue it
// where it may not ("1.x"), with the scanner's words.
func (d *Decoder) number() (string, error) {
	i := d.pos
	st := nStart
	for {
		if i >= len(d.buf) {
			rel := i - d.pos
			more := d.fill() // may move the bytes even when it adds none
			i = d.pos + rel
			if !more {
				// At the end of input a number may end; a read error (a byte that is not
				// UTF-8, a limit) comes before the number, as with encoding/json, which
				// cannot tell whether the number went on either.
				if d.rerr == io.EOF && (st == nZero || st == nInt || st == nFrac || st == nExpDigit) {
					break
				}
				return "", d.eof(d.rerr)
			}
			continue
		}
		c := d.buf[i]
		digit := c >= '0' && c <= '9'
		next, where := -1, " in numeric literal"
		switch st {
		case nStart:
			switch {
			case c == '-':
				next = nSign
			case c == '0':
				next = nZero
			case digit:
				next = nInt
			}
		case nSign:
			switch {
			case c == '0':
				next = nZero
			case digit:
				next = nInt
			}
		case nZero, nInt:
			switch {
			case digit && st == nInt:
				next = nInt
			case c == '.':
				next = nDot
			case c == 'e' || c == 'E':
				next = nExp
			}
		case nDot:
			if digit {
				next = nFrac
			}
			where = " after decimal point in numeric literal"
		case nFrac:
			switch {
			case digit:
				next = nFrac
			case c == 'e' || c == 'E':
				next = nExp
			}
		case nExp:
			if c == '+' || c == '-' {
				next = nExpSign
			} else if digit {
				next = nExpDigit
			}
			where = " in exponent of numeric literal"
		case nExpSign, nExpDigit:
			if digit {
				next = nExpDigit
			}
			where = " in exponent of numeric literal"
		}
		if next >= 0 {
			st = next
			i++
			continue
		}
		if st == nZero || st == nInt || st == nFrac || st == nExpDigit {
			break // the number ends here; what follows is the next token's
		}
		d.pos = i
		return "", d.syntax("invalid character " + quoteChar(c) + where)
	}
	s := d.string(d.buf[d.pos:i])
	d.pos = i
	return s, nil
}

func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	return "'" + s[1:len(s)-1] + "'"
}
