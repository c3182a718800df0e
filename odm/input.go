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

// limitError is returned by the guard reader; the scanner attaches the position.
type limitError struct{ err error }

func (e *limitError) Error() string { return e.err.Error() }

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

// guard sits between the (UTF-8) input and encoding/xml and fails the read as soon as one
// token grows past the limit or the input past its limit. encoding/xml has no limits of its
// own and buffers a whole token in memory, so the check has to happen before the bytes
// reach it. It lexes just enough XML to know token boundaries: text runs end at '<'; tags
// end at '>' outside quotes; comments, CDATA sections and PIs at their closing delimiter.
// Where its lexing could disagree with the parser (exotic DOCTYPE subsets) it errs toward
// counting more bytes as one token, never fewer.
type guard struct {
	r        io.Reader
	maxTok   int
	maxInput int64
	maxAttrs int
	attrs    int // '=' seen in the current tag: an upper bound on its attribute count
	total    int64
	run      int
	st       gstate
	quote    byte
	depth    int     // bracket depth inside a DOCTYPE
	bang     []byte  // bytes seen after "<!" while deciding what follows
	tail     [2]byte // last two bytes, for delimiters split across reads
	err      error
	cdata    []int64 // stream offsets of "<![CDATA[" not yet claimed by the scanner
	// The guard is also the decoder's buffered byte reader, so encoding/xml does not wrap
	// it in a bufio.Reader of its own: one buffer and one copy fewer on the hot path.
	buf        []byte
	rpos, wpos int
}

// ReadByte implements io.ByteReader for encoding/xml.
func (g *guard) ReadByte() (byte, error) {
	if g.rpos < g.wpos {
		c := g.buf[g.rpos]
		g.rpos++
		return c, nil
	}
	return g.fill()
}

func (g *guard) fill() (byte, error) {
	if g.err != nil {
		return 0, g.err
	}
	if g.buf == nil {
		g.buf = make([]byte, 64<<10)
	}
	for {
		n, err := g.Read(g.buf)
		if n > 0 {
			g.rpos, g.wpos = 1, n
			if err != nil && err != io.EOF {
				g.err = err
			}
			return g.buf[0], nil
		}
		if err != nil {
			if g.err == nil {
				g.err = err
			}
			return 0, err
		}
	}
}

type gstate uint8

const (
	gText gstate = iota
	gLT          // just after '<'
	gBang        // after "<!"
	gTag
	gComment
	gCDATA
	gPI
	gDecl
)

// Read reads and checks the next chunk of input.
func (g *guard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	if n > 0 {
		if e := g.scan(p[:n]); e != nil {
			g.err = &limitError{e}
			return 0, g.err
		}
	}
	return n, err
}

func (g *guard) grow(k int) error {
	g.run += k
	if g.maxTok > 0 && g.run > g.maxTok {
		return ErrTokenTooLarge
	}
	return nil
}

func (g *guard) scan(p []byte) error {
	base := g.total
	g.total += int64(len(p))
	if g.maxInput > 0 && g.total > g.maxInput {
		return ErrInputTooLarge
	}
	i := 0
	for i < len(p) {
		switch g.st {
		case gText:
			j := bytes.IndexByte(p[i:], '<')
			if j < 0 {
				if err := g.grow(len(p) - i); err != nil {
					return err
				}
				i = len(p)
				continue
			}
			if err := g.grow(j); err != nil {
				return err
			}
			i += j + 1
			g.run = 1
			g.st = gLT
		case gLT:
			switch p[i] {
			case '!':
				g.st = gBang
				g.bang = g.bang[:0]
			case '?':
				g.st = gPI
			default:
				g.st = gTag
				continue // the byte belongs to the tag
			}
			i++
			if err := g.grow(1); err != nil {
				return err
			}
		case gBang:
			c := p[i]
			g.bang = append(g.bang, c)
			i++
			if err := g.grow(1); err != nil {
				return err
			}
			switch {
			case bytes.Equal(g.bang, []byte("--")):
				g.st = gComment
				g.tail = [2]byte{}
			case bytes.Equal(g.bang, []byte("[CDATA[")):
				g.st = gCDATA
				g.tail = [2]byte{}
				g.cdata = append(g.cdata, base+int64(i)-9)
			case len(g.bang) == 1 && (c == '-' || c == '['):
			case len(g.bang) > 1 && g.bang[0] == '[' && bytes.HasPrefix([]byte("[CDATA["), g.bang):
			default:
				g.st = gDecl
				g.depth = 0
				g.quote = 0
				if c == '>' {
					g.st = gText
					g.run = 0
				}
			}
		case gTag:
			if g.quote != 0 {
				j := bytes.IndexByte(p[i:], g.quote)
				if j < 0 {
					if err := g.grow(len(p) - i); err != nil {
						return err
					}
					i = len(p)
					continue
				}
				if err := g.grow(j + 1); err != nil {
					return err
				}
				i += j + 1
				g.quote = 0
				continue
			}
			// Fast path: most tags have double-quoted values without '>' in them, so
			// find '>' with IndexByte and check the quotes before it are balanced.
			if j, ok := fastTag(p[i:]); ok {
				seg := p[i:]
				if j >= 0 {
					seg = p[i : i+j]
				}
				g.attrs += bytes.Count(seg, eqSign)
				if g.maxAttrs > 0 && g.attrs > g.maxAttrs {
					return ErrTokenTooLarge
				}
				if j < 0 {
					if err := g.grow(len(seg)); err != nil {
						return err
					}
					i = len(p)
					continue
				}
				if err := g.grow(j + 1); err != nil {
					return err
				}
				i += j + 1
				g.st, g.run, g.attrs = gText, 0, 0
				continue
			}
			j := bytes.IndexAny(p[i:], "\"'>=")
			if j < 0 {
				if err := g.grow(len(p) - i); err != nil {
					return err
				}
				i = len(p)
				continue
			}
			if err := g.grow(j + 1); err != nil {
				return err
			}
			c := p[i+j]
			i += j + 1
			switch c {
			case '>':
				g.st = gText
				g.run = 0
				g.attrs = 0
			case '=':
				g.attrs++
				if g.maxAttrs > 0 && g.attrs > g.maxAttrs {
					return ErrTokenTooLarge
				}
			default:
				g.quote = c
			}
		case gComment, gCDATA, gPI:
			j := bytes.IndexByte(p[i:], '>')
			if j < 0 {
				if err := g.grow(len(p) - i); err != nil {
					return err
				}
				g.keepTail(p[i:])
				i = len(p)
				continue
			}
			if err := g.grow(j + 1); err != nil {
				return err
			}
			var b1, b2 byte // the two bytes before '>'
			if j >= 2 {
				b1, b2 = p[i+j-2], p[i+j-1]
			} else if j == 1 {
				b1, b2 = g.tail[1], p[i]
			} else {
				b1, b2 = g.tail[0], g.tail[1]
			}
			done := false
			switch g.st {
			case gComment:
				done = b1 == '-' && b2 == '-'
			case gCDATA:
				done = b1 == ']' && b2 == ']'
			case gPI:
				done = b2 == '?'
			}
			g.keepTail(p[i : i+j+1])
			i += j + 1
			if done {
				g.st = gText
				g.run = 0
			}
		case gDecl:
			c := p[i]
			i++
			if err := g.grow(1); err != nil {
				return err
			}
			switch {
			case g.quote != 0:
				if c == g.quote {
					g.quote = 0
				}
			case c == '"' || c == '\'':
				g.quote = c
			case c == '[' || c == '<':
				g.depth++
			case c == ']':
				g.depth--
			case c == '>':
				if g.depth <= 0 {
					g.st = gText
					g.run = 0
				} else if g.depth > 0 {
					g.depth--
				}
			}
		}
	}
	return nil
}

func (g *guard) keepTail(b []byte) {
	switch {
	case len(b) >= 2:
		g.tail = [2]byte{b[len(b)-2], b[len(b)-1]}
	case len(b) == 1:
		g.tail = [2]byte{g.tail[1], b[0]}
	}
}

// isCDATA reports whether a character-data token starting at stream offset off was a CDATA
// section, forgetting sections that start before off.
func (g *guard) isCDATA(off int64) bool {
	for len(g.cdata) > 0 && g.cdata[0] < off {
		g.cdata = g.cdata[1:]
	}
	if len(g.cdata) > 0 && g.cdata[0] == off {
		g.cdata = g.cdata[1:]
		return true
	}
	return false
}

var eqSign = []byte{'='}

// fastTag looks for the '>' that ends a tag in p (starting outside quotes). It succeeds
// when the bytes before that '>' (or all of p when there is none) hold no single quote and
// an even number of double quotes, so the '>' cannot be inside an attribute value; j is
// its index or -1. Otherwise the caller scans byte by byte.
func fastTag(p []byte) (j int, ok bool) {
	j = bytes.IndexByte(p, '>')
	seg := p
	if j >= 0 {
		seg = p[:j]
	}
	if bytes.IndexByte(seg, '\'') >= 0 || bytes.Count(seg, dQuote)%2 != 0 {
		return 0, false
	}
	return j, true
}

var dQuote = []byte{'"'}
