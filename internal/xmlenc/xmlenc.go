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
	"golang.org/x/text/encoding/unicode"
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
	if skip, u16, big, ok, err := byMark(head); ok {
		if err != nil {
			return nil, err
		}
		br.Discard(skip)
		if u16 {
			return &utf16Reader{r: br, big: big}, nil
		}
		return br, nil
	}
	decl, _ := br.Peek(512)
	enc, err := declared(decl)
	if err != nil {
		return nil, err
	}
	if enc == nil {
		return br, nil
	}
	return transform.NewReader(br, enc.NewDecoder()), nil
}

// byMark decides the encoding from the first four bytes (fewer at the end of the input)
// when they say it: a byte-order mark (skip bytes of it), or UTF-16 from "<?". ok is false
// when they do not, and the XML declaration decides (declared).
func byMark(head []byte) (skip int, u16, big, ok bool, err error) {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return 3, false, false, true, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		if bytes.HasPrefix(head, []byte{0xFF, 0xFE, 0, 0}) {
			return 0, false, false, true, errorf("UTF-32 input is not supported")
		}
		return 2, true, head[0] == 0xFE, true, nil
	case bytes.Equal(head, []byte{'<', 0, '?', 0}):
		return 0, true, false, true, nil
	case bytes.Equal(head, []byte{0, '<', 0, '?'}):
		return 0, true, true, true, nil
	case bytes.Equal(head, []byte{0, 0, 0, '<'}), bytes.Equal(head, []byte{'<', 0, 0, 0}):
		return 0, false, false, true, errorf("UTF-32 input is not supported")
	}
	return 0, false, false, false, nil
}

// declared returns the encoding the XML declaration at the start of decl (the first 512
// bytes) names, or nil for UTF-8 (no declaration, or one naming UTF-8 or ASCII).
func declared(decl []byte) (encoding.Encoding, error) {
	m := declEncoding.FindSubmatch(decl)
	if m == nil {
		return nil, nil
	}
	label := string(m[1])
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return nil, nil
	case "utf-16", "utf-16le", "utf-16be":
		// UTF-16 without BOM whose first bytes are not "<?": the declaration is wrong.
		return nil, errorf("the XML declaration says " + label + " but the bytes are not UTF-16")
	}
	return Lookup(label)
}

// Writer returns a writer that decodes the bytes written to it as UTF8 reads them and
// writes the UTF-8 text to w. It is for a look at a document's text beside its reading
// (a tee): its Write never fails, it holds the first 512 bytes until it has seen them all
// (the declaration decides) or Close, and input UTF8 refuses (UTF-32, an unknown encoding)
// or malformed UTF-16 gives w nothing or U+FFFD, the reading reports them.
func Writer(w io.Writer) io.WriteCloser { return &writer{w: w} }

type writer struct {
	w      io.Writer
	head   []byte    // the first bytes, until decided
	out    io.Writer // where decoded bytes go once decided: w, a transform.Writer or io.Discard
	closer io.Closer // the transform.Writer, flushed on Close
}

func (d *writer) Write(b []byte) (int, error) {
	if d.out == nil {
		d.head = append(d.head, b...)
		if len(d.head) < 512 {
			return len(b), nil
		}
		d.decide()
		return len(b), nil
	}
	d.out.Write(b) // errors of w are the watcher's; the reading goes on
	return len(b), nil
}

// decide picks the decoding from the bytes held and writes them through it.
func (d *writer) decide() {
	head := d.head
	d.head = nil
	d.out = d.w
	if skip, u16, big, ok, err := byMark(head[:min(4, len(head))]); ok {
		head = head[min(skip, len(head)):]
		switch {
		case err != nil:
			d.out = io.Discard
		case u16:
			order := unicode.LittleEndian
			if big {
				order = unicode.BigEndian
			}
			tw := transform.NewWriter(d.w, unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder())
			d.out, d.closer = tw, tw
		}
	} else if enc, err := declared(head[:min(512, len(head))]); err != nil {
		d.out = io.Discard
	} else if enc != nil {
		tw := transform.NewWriter(d.w, enc.NewDecoder())
		d.out, d.closer = tw, tw
	}
	d.out.Write(head)
}

// Close decides on what it holds if it has not yet, and writes out what a decoder holds.
// It may be called more than once.
func (d *writer) Close() error {
	if d.out == nil {
		d.decide()
	}
	if d.closer != nil {
		d.closer.Close()
		d.closer = nil
	}
	return nil
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
