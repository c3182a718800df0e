package odm

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Default limits. MaxTokenBytes matches libxml2's default limit on a single text node or
// attribute value; MaxDepth matches libxml2's default nesting limit. ODM AdminData needs a
// depth below 10.
const (
	DefaultMaxDepth      = 256
	DefaultMaxTokenBytes = 10 << 20
	DefaultMaxAttrs      = 1024
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

var declEncoding = regexp.MustCompile(`^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

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
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		return transform.NewReader(br, dec), nil
	case bytes.Equal(head, []byte{'<', 0, '?', 0}):
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()), nil
	case bytes.Equal(head, []byte{0, '<', 0, '?'}):
		return transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()), nil
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
