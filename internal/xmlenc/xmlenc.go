// Package xmlenc turns the bytes of an XML document into UTF-8 as the odm package reads
// them: a byte-order mark removed, UTF-16 decoded (with a mark, or told from "<?" in the
// first bytes), and any encoding the XML declaration names that golang.org/x/text knows.
// It is the one place that decides an XML input's encoding: odm's reader and validate's
// scan of the document (which must count lines and columns as odm does) both use it.
package xmlenc

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/transform"
)

// ErrEncoding is wrapped by every error of UTF8: the bytes are in an encoding it does not
// read (UTF-32, a name x/text does not know), or not in the one they claim.
var ErrEncoding = errors.New("character encoding")

// Error is an encoding problem; Msg says which, without the input's bytes.
type Error struct{ Msg string }

func (e *Error) Error() string { return "character encoding: " + e.Msg }
func (e *Error) Unwrap() error { return ErrEncoding }

func errorf(msg string) error { return &Error{Msg: msg} }

// declEncoding finds the encoding of an XML declaration at the very start of the input:
// "<?xml", white space, the version, then the encoding. Another PI that merely begins with
// "xml" (<?xmlx encoding="..."?>) or a declaration later in the file does not count.
var declEncoding = regexp.MustCompile(`^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"[^"<>]*"|'[^'<>]*')[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*["']([A-Za-z0-9._:-]+)["']`)

// UTF8 returns r as UTF-8. It reads ahead of what it returns (64 KiB buffers). UTF-16
// with a lone surrogate or an odd number of bytes fails on the read that meets it, never
// with U+FFFD in its place.
func UTF8(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		if bytes.HasPrefix(head, []byte{0xFF, 0xFE, 0, 0}) {
			return nil, errorf("UTF-32 input is not supported")
		}
		br.Discard(2)
		return &utf16Reader{r: br, big: head[0] == 0xFE}, nil
	case bytes.Equal(head, []byte{'<', 0, '?', 0}):
		return &utf16Reader{r: br}, nil
	case bytes.Equal(head, []byte{0, '<', 0, '?'}):
		return &utf16Reader{r: br, big: true}, nil
	case bytes.Equal(head, []byte{0, 0, 0, '<'}), bytes.Equal(head, []byte{'<', 0, 0, 0}):
		return nil, errorf("UTF-32 input is not supported")
	}
	decl, _ := br.Peek(512)
	m := declEncoding.FindSubmatch(decl)
	if m == nil {
		return br, nil
	}
	label := string(m[1])
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return br, nil
	case "utf-16", "utf-16le", "utf-16be":
		// UTF-16 without BOM whose first bytes are not "<?": the declaration is wrong.
		return nil, errorf("the XML declaration says " + label + " but the bytes are not UTF-16")
	}
	enc, err := Lookup(label)
	if err != nil {
		return nil, err
	}
	return transform.NewReader(br, enc.NewDecoder()), nil
}

// Lookup returns the encoding an XML declaration names: by its IANA name first, which
// maps ISO-8859-1 to Latin-1 exactly, where the WHATWG index (tried second) reads it as
// windows-1252.
func Lookup(label string) (encoding.Encoding, error) {
	if e, err := ianaindex.IANA.Encoding(label); err == nil && e != nil {
		return e, nil
	}
	if e, err := htmlindex.Get(label); err == nil && e != nil {
		return e, nil
	}
	return nil, errorf("unsupported character encoding in the XML declaration")
}

func errUTF16() error {
	return errorf("malformed UTF-16: a lone surrogate or an odd number of bytes")
}

// utf16Reader decodes UTF-16 to UTF-8. Unlike golang.org/x/text's decoder, which puts
// U+FFFD in place of a lone surrogate, it fails: such input is not text, and xmllint
// refuses it too.
type utf16Reader struct {
	r   io.Reader
	big bool
	in  [32 << 10]byte
	n   int    // bytes pending in in
	hi  rune   // a high surrogate waiting for its low half, or 0
	out []byte // decoded bytes not yet returned
	ob  []byte // buffer behind out
	err error
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.err != nil {
			return 0, u.err
		}
		m, err := u.r.Read(u.in[u.n:])
		u.n += m
		even := u.n &^ 1
		out := u.ob[:0]
		for i := 0; i < even; i += 2 {
			var c rune
			if u.big {
				c = rune(u.in[i])<<8 | rune(u.in[i+1])
			} else {
				c = rune(u.in[i+1])<<8 | rune(u.in[i])
			}
			switch {
			case u.hi != 0:
				if c < 0xDC00 || c > 0xDFFF {
					u.err = errUTF16()
					break
				}
				out = utf8.AppendRune(out, utf16.DecodeRune(u.hi, c))
				u.hi = 0
			case c >= 0xD800 && c <= 0xDBFF:
				u.hi = c
			case c >= 0xDC00 && c <= 0xDFFF:
				u.err = errUTF16()
			default:
				out = utf8.AppendRune(out, c)
			}
			if u.err != nil {
				break
			}
		}
		u.ob, u.out = out, out
		copy(u.in[:], u.in[even:u.n])
		u.n -= even
		if err != nil && u.err == nil {
			u.err = err
			if err == io.EOF && (u.n != 0 || u.hi != 0) {
				u.err = errUTF16()
			}
		}
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}
