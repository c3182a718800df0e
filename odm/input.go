package odm

import (
	"bufio"
	"bytes"
	"context"
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

// Default limits. MaxTokenBytes matches libxml2's default limit on a single text node or
// attribute value; MaxDepth matches libxml2's default nesting limit. ODM AdminData needs a
// depth below 10.
const (
	DefaultMaxDepth      = 256
	DefaultMaxTokenBytes = 10 << 20
	DefaultMaxAttrs      = 1024
	DefaultMaxNodes      = 100000
)

// ReadOptions configure decoding. The zero value is ready to use.
type ReadOptions struct {
	// Name is the input's name (a file path) used in errors and warnings. Default: "".
	Name string
	// Strict turns every warning (ErrQuirk, ErrUnknown) into an error. Default: false.
	Strict bool
	// MaxDepth limits element nesting. Default (0): DefaultMaxDepth. Negative: no limit.
	MaxDepth int
	// MaxTokenBytes limits the size of one token: a start tag with its attributes, a run of
	// text, a comment, a CDATA section, a processing instruction. Default (0):
	// DefaultMaxTokenBytes. Negative: no limit.
	MaxTokenBytes int
	// MaxInputBytes limits the input length in bytes. Default (0): no limit.
	MaxInputBytes int64
	// Context, when set, stops the read once it is cancelled: the next read of the input
	// fails with an *Error that wraps ctx.Err(), so errors.Is(err, context.Canceled)
	// holds. Reads are 64 KiB at most, so a cancelled read stops promptly. Default (nil):
	// never cancelled.
	Context context.Context
	// MaxAttrs limits the attributes of one element. encoding/xml spends about a hundred
	// bytes per attribute, so a tag of a million tiny attributes would cost far more memory
	// than its size suggests. Default (0): DefaultMaxAttrs. Negative: no limit.
	MaxAttrs int
	// MaxNodes limits the child nodes (elements, text pieces, comments, PIs) of one typed
	// AdminData value (a User, a Location, one of their text elements, ...), which is held in
	// memory whole: real exports have at most hundreds, while a User with a million vendor
	// children or a TranslatedText split by a million comments would cost hundreds of MiB.
	// Default (0): DefaultMaxNodes. Negative: no limit.
	MaxNodes int
	// Reuse lets a Reader recycle the memory of each record for the next, so that a long
	// stream makes almost no garbage: a User (Organization, Location, SignatureDef) that
	// Next, All or Users returns, with everything it points to (its slices of attributes,
	// texts and addresses, nested values, layout), is valid only until the next call of
	// Next, as the bytes of a bufio.Scanner are. A caller that keeps a record, or any slice
	// or pointer of it, past that copies it. Strings are never recycled: a string taken
	// from a record stays valid and unchanged. The *AdminData values (of Next and
	// AdminData), the Header and nodes directly inside AdminData (vendor elements,
	// comments, text) are not recycled either. Only Reader reads this option; Decode
	// ignores it. Default: false, every record has memory of its own.
	Reuse bool
}

// maxNodes resolves MaxNodes; "no limit" is the largest int, so callers compare directly.
func (o ReadOptions) maxNodes() int {
	switch {
	case o.MaxNodes == 0:
		return DefaultMaxNodes
	case o.MaxNodes < 0:
		return int(^uint(0) >> 1)
	}
	return o.MaxNodes
}

func (o ReadOptions) maxAttrs() int {
	if o.MaxAttrs == 0 {
		return DefaultMaxAttrs
	}
	return o.MaxAttrs
}

func (o ReadOptions) maxDepth() int {
	if o.MaxDepth == 0 {
		return DefaultMaxDepth
	}
	return o.MaxDepth
}

func (o ReadOptions) maxToken() int {
	if o.MaxTokenBytes == 0 {
		return DefaultMaxTokenBytes
	}
	return o.MaxTokenBytes
}

// declEncoding finds the encoding of an XML declaration at the very start of the input:
// "<?xml", white space, the version, then the encoding. Another PI that merely begins with
// "xml" (<?xmlx encoding="..."?>) or a declaration later in the file does not count.
var declEncoding = regexp.MustCompile(`^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"[^"<>]*"|'[^'<>]*')[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*["']([A-Za-z0-9._:-]+)["']`)

// prepareInput turns r into a UTF-8 stream: it removes a byte-order mark, decodes UTF-16
// (with a BOM, or detected from "<?" in the first bytes) and any single-byte or multi-byte
// encoding named in the XML declaration that golang.org/x/text knows.
func prepareInput(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		if bytes.HasPrefix(head, []byte{0xFF, 0xFE, 0, 0}) {
			return nil, errEncoding("UTF-32 input is not supported")
		}
		br.Discard(2)
		return &utf16Reader{r: br, big: head[0] == 0xFE}, nil
	case bytes.Equal(head, []byte{'<', 0, '?', 0}):
		return &utf16Reader{r: br}, nil
	case bytes.Equal(head, []byte{0, '<', 0, '?'}):
		return &utf16Reader{r: br, big: true}, nil
	case bytes.Equal(head, []byte{0, 0, 0, '<'}), bytes.Equal(head, []byte{'<', 0, 0, 0}):
		return nil, errEncoding("UTF-32 input is not supported")
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
		return nil, errEncoding("the XML declaration says " + label + " but the bytes are not UTF-16")
	}
	enc, err := lookupEncoding(label)
	if err != nil {
		return nil, err
	}
	return transform.NewReader(br, enc.NewDecoder()), nil
}

func lookupEncoding(label string) (encoding.Encoding, error) {
	// IANA names first: they map ISO-8859-1 to Latin-1 exactly, whereas the WHATWG index
	// treats it as windows-1252.
	if e, err := ianaindex.IANA.Encoding(label); err == nil && e != nil {
		return e, nil
	}
	if e, err := htmlindex.Get(label); err == nil && e != nil {
		return e, nil
	}
	return nil, errEncoding("unsupported character encoding in the XML declaration")
}

func errEncoding(msg string) error {
	return &Error{Line: 1, Col: 1, Err: ErrEncoding, Msg: msg}
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
					u.err = errEncoding16()
					break
				}
				out = utf8.AppendRune(out, utf16.DecodeRune(u.hi, c))
				u.hi = 0
			case c >= 0xD800 && c <= 0xDBFF:
				u.hi = c
			case c >= 0xDC00 && c <= 0xDFFF:
				u.err = errEncoding16()
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
				u.err = errEncoding16()
			}
		}
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

func errEncoding16() error {
	return &Error{Err: ErrEncoding, Msg: "malformed UTF-16: a lone surrogate or an odd number of bytes"}
}
