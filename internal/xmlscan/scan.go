// Package xmlscan is a pull tokenizer for XML 1.0 with namespaces over UTF-8 input. It
// checks well-formedness (matching tags, legal names and characters, unique attributes after
// namespace resolution, one root element, declared prefixes), resolves prefixes to namespace
// URIs, decodes the five predefined entities and character references, normalizes attribute
// values (XML 1.0 §3.3.3: a literal tab, line feed or carriage return becomes a space), keeps
// a DOCTYPE verbatim without expanding anything in it, and gives the line and column of
// every token. Limits on depth, token size, attributes per element and input size hold
// before anything is buffered past them.
//
// Tokens are slices into the scanner's buffer, valid until the next call to Next: reading
// a token allocates nothing. Other encodings must be transcoded to UTF-8 before the scanner.
//
// Three calls read, in the layout of a pretty-printed export, several tokens at once:
// NextIndented takes the indentation before a token with it, TextEnd a text-only
// element's text and end tag, and TakeText (after PeekText) a whole text-only element
// with the indentation before it. Each reads exactly what Next would (the package's tests
// compare them on every input) and leaves the rest to it, so a caller may mix them with
// Next freely.
package xmlscan

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"unicode/utf8"

	"github.com/odmadmin/odmadmin/internal/nsscope"
)

// Kind is the kind of a token.
type Kind uint8

// Token kinds.
const (
	StartElement Kind = iota + 1
	EndElement
	Text     // character data outside CDATA sections, references decoded
	CDATA    // the content of one CDATA section
	Comment  // the text between <!-- and -->
	ProcInst // Target and Data (the instruction after the white space that follows the target)
	Doctype  // the text between <! and >, starting with "DOCTYPE", kept as written
)

// Namespace URIs bound to the reserved prefixes.
const (
	NSXML   = "http://www.w3.org/XML/1998/namespace"
	NSXMLNS = "http://www.w3.org/2000/xmlns/"
)

// Sentinel errors; every error the scanner returns for bad input is an *Error wrapping one.
var (
	ErrSyntax        = errors.New("not well-formed")
	ErrTruncated     = errors.New("unexpected end of input")
	ErrEncoding      = errors.New("invalid UTF-8 or character")
	ErrDepth         = errors.New("element nesting too deep")
	ErrTokenTooLarge = errors.New("token too large")
	ErrInputTooLarge = errors.New("input too large")
	// ErrTooManyAttrs: an element has more attributes than Options.MaxAttrs. It is a
	// limit of its own, not a kind of ErrTokenTooLarge, so that a caller can say which
	// limit to raise.
	ErrTooManyAttrs = errors.New("too many attributes")
)

// Error is a positioned error. Line and Col are 1-based; Col counts bytes.
type Error struct {
	Line, Col int
	Err       error
	Msg       string
}

func (e *Error) Error() string { return fmt.Sprintf("line %d:%d: %v: %s", e.Line, e.Col, e.Err, e.Msg) }
func (e *Error) Unwrap() error { return e.Err }

// Options are the limits. A zero or negative value means no limit. The tokens and the
// error are the same however the reader splits the input: a token is decided on its first
// MaxTokenBytes+1 bytes (more means ErrTokenTooLarge, whatever is wrong further on), and
// ErrInputTooLarge is placed at the first byte past MaxInputBytes, when a token needs it.
type Options struct {
	MaxDepth      int   // element nesting
	MaxTokenBytes int   // bytes of one token as written (a tag with its attributes, a text run, ...)
	MaxAttrs      int   // attributes (namespace declarations included) of one element
	MaxInputBytes int64 // bytes of the whole input
}

// Name is a resolved name. Prefix and Local are slices into the scanner's buffer.
type Name struct {
	Space  string // namespace URI, "" for none
	Prefix []byte
	Local  []byte
}

// Attr is an attribute of a start tag. Namespace declarations are attributes too: Space is
// NSXMLNS and Local the declared prefix, or "xmlns" with no prefix for a default namespace.
type Attr struct {
	Name
	Value []byte // the value as a conformant parser reports it: references decoded, normalized
	Raw   []byte // the value as written between the quotes
	Quote byte   // '"' or '\''
}

type binding struct {
	prefix string
	uri    string
}

// nsRef names a namespace URI without holding it: the state the lexer writes on every tag
// then holds no pointers, so it costs no write barriers while the collector marks (a
// stream that allocates per record keeps it marking a good part of the time).
type nsRef int32

const (
	nsNone  nsRef = iota // no namespace: ""
	nsXML                // NSXML
	nsXMLNS              // NSXMLNS
	nsEnd                // Scanner.endSpace: the namespace of an end tag whose binding went out of scope
	nsBound              // nsBound+i is the URI of Scanner.ns[i]
)

// attrPos is an attribute of the current start tag as offsets: prefix and local name and the
// value as written are in Scanner.buf, the value as reported in buf or, when references or
// white space were decoded, in Scanner.dec.
type attrPos struct {
	pfx, pfxEnd int
	loc, locEnd int
	raw, rawEnd int
	val, valEnd int
	space       nsRef
	quote       byte
	dec         bool
}

type frame struct {
	nameStart, nameEnd int   // the element's qualified name in Scanner.names
	colon              int   // index of the colon in the qualified name, -1 if none
	nsMark             int   // length of Scanner.ns before the element's declarations
	space              nsRef // the element's namespace, resolved at its start tag
}

type docState uint8

const (
	sProlog docState = iota
	sRoot
	sEpilog
)

// errMore asks the driver for more input and a fresh attempt at the current token.
var errMore = errors.New("more input needed")

const (
	// minBuf is the smallest input buffer: room for one read of readChunk bytes beside a
	// token of up to 4 KiB kept from the read before. The reader under the scanner is
	// mostly a 64 KiB bufio.Reader (xmlenc.UTF8 makes one), which hands a read at least
	// as large as its buffer straight to the reader under it, into the scanner's buffer,
	// instead of filling its own and copying: one pass over the input less.
	minBuf     = readChunk + 4<<10
	readChunk  = 64 << 10
	maxIntern  = 1024
	dupByScan  = 16 // attributes up to which duplicates are found by comparing pairs
	maxRefBody = 40 // longest entity name or character reference accepted
)

// Scanner reads tokens from UTF-8 input.
type Scanner struct {
	r    io.Reader
	opts Options

	buf      []byte
	pos, end int   // unread bytes are buf[pos:end]
	base     int64 // input offset of buf[0]
	eof      bool
	total    int64 // bytes read, up to MaxInputBytes
	over     bool  // the input goes on past MaxInputBytes

	// Line counting: line and lineStart (the input offset of its first byte) hold for
	// buf[pos], counted as the tokens are read (every line feed of a token is seen by the
	// lexer anyway), so that a position costs nothing when it is asked for.
	line      int
	lineStart int64

	// The current token, as offsets (no pointers: see nsRef). The name is in buf, or in
	// names for an end tag (its bytes stay there until the next token).
	tokStart          int
	tokLine           int   // line and lineStart at tokStart
	tokLS             int64 // (restored when a token is read again with more input)
	pfx, pfxEnd       int
	loc, locEnd       int
	inNames           bool
	space             nsRef
	attrs             []attrPos
	data, dataEnd     int // in buf, or in dec when dataDec
	dataDec           bool
	target, targetEnd int // in buf
	empty             bool
	indent            bool // the Text token is a line feed and spaces only
	// Name and Attrs build the exported forms on demand, once per token (the token's
	// input offset plus one, which an end tag written as <x/> shares with its start tag,
	// names as that start tag's): most callers read the offsets through the accessors.
	nameAt, attrsAt int64
	name            Name
	attrOut         []Attr
	endSpace        string
	pending         bool // an end token for <x/> is due
	stop            bool // pending or err: Next does not read a token
	dec             []byte
	nsAttrs         int // attributes of the current tag whose name begins with "xmlns"
	pfxAttrs        int // attributes of the current tag with a prefix

	// The limits of opts, math.MaxInt for none.
	maxDepth, maxAttrs, maxToken int

	state   docState
	doctype bool
	names   []byte // qualified names of open elements, concatenated
	stack   []frame
	ns      []binding
	// idx indexes ns by prefix for files that declare namespaces by the hundred, in use
	// while more than nsscope.At bindings are in scope.
	idx nsscope.Index
	// steps counts the bindings look-ups compared (tests bound the work with it).
	steps int
	// Look-ups of the default namespace and of the prefix used last, valid while nsGen,
	// counting the changes of ns, is the one they were taken at.
	nsGen          uint32
	defGen, pfxGen uint32
	defURI, pfxURI nsRef
	pfxKey         string
	intern         map[string]string
	dupSet         map[uint64]int32
	err            error
	final          bool // err was found in a token read whole (see tagErr): inWindow need not look
	consumed       bool // the current token's bytes have been consumed
	// hold is the input offset from which more keeps the bytes read, while holding
	// (see Hold).
	hold    int64
	holding bool
	// What PeekText found, for TakeText: the input offset (plus one) it looked at, where
	// the start tag, its name's end and the text's end stand in buf. peekAt is 0 for none.
	peekAt              int64
	peekQ, peekE, peekT int
	// The name PeekText read before it found no text child there (a start tag with
	// attributes or a prefix, an element with children): the input offset (plus one) of
	// its first byte, its length and its colon's offset in it (or -1), for lexStart to take
	// instead of reading the name again when the start tag is read. peekNameAt is 0 for none.
	// The bytes at an input offset do not change, so neither does what was read of them.
	peekNameAt       int64
	peekLen, peekCol int
}

// maxHold bounds what Hold keeps: past it the hold lapses, so that a huge element does
// not keep more of the input in the buffer than its tokens need.
const maxHold = 1 << 20

// Hold keeps the input from the start of the current token in the buffer until Release
// (or until more input is needed while more than 1 MiB is held: then the hold lapses),
// so that Held can return it: the bytes of an element from its start tag to its end tag,
// as read.
func (s *Scanner) Hold() { s.holding, s.hold = true, s.base+int64(s.tokStart) }

// Held returns the input from where Hold was called to the end of the current token, as
// read (nothing decoded), or nil when nothing is held. It is valid until the next call
// to Next.
func (s *Scanner) Held() []byte {
	if !s.holding {
		return nil
	}
	return s.buf[s.hold-s.base : s.pos : s.pos]
}

// Release ends a Hold.
func (s *Scanner) Release() { s.holding = false }

// New returns a scanner of the UTF-8 input r.
func New(r io.Reader, opts Options) *Scanner {
	lim := func(n int) int {
		if n <= 0 {
			return math.MaxInt
		}
		return n
	}
	return &Scanner{r: r, opts: opts, line: 1, tokLine: 1, intern: make(map[string]string),
		maxDepth: lim(opts.MaxDepth), maxAttrs: lim(opts.MaxAttrs), maxToken: lim(opts.MaxTokenBytes)}
}

// Name returns the name of the current StartElement or EndElement.
func (s *Scanner) Name() *Name {
	if at := s.base + int64(s.tokStart) + 1; s.nameAt != at {
		s.nameAt = at
		s.name = Name{Space: s.Space(), Prefix: s.Prefix(), Local: s.Local()}
	}
	return &s.name
}

// Space returns the namespace URI of the current StartElement or EndElement.
func (s *Scanner) Space() string { return s.uri(s.space) }

// Prefix returns the prefix of the current StartElement or EndElement (nil for none).
func (s *Scanner) Prefix() []byte {
	if s.pfx == s.pfxEnd {
		return nil
	}
	if s.inNames {
		return s.names[s.pfx:s.pfxEnd]
	}
	return s.buf[s.pfx:s.pfxEnd]
}

// Local returns the local name of the current StartElement or EndElement.
func (s *Scanner) Local() []byte {
	if s.inNames {
		return s.names[s.loc:s.locEnd]
	}
	return s.buf[s.loc:s.locEnd]
}

// Attrs returns the attributes of the current StartElement, in source order.
func (s *Scanner) Attrs() []Attr {
	if at := s.base + int64(s.tokStart) + 1; s.attrsAt != at {
		s.attrsAt = at
		s.attrOut = s.attrOut[:0]
		for i := range s.attrs {
			a := &s.attrs[i]
			s.attrOut = append(s.attrOut, Attr{Name: Name{Space: s.uri(a.space), Prefix: s.AttrPrefix(i), Local: s.AttrLocal(i)},
				Value: s.AttrValue(i), Raw: s.buf[a.raw:a.rawEnd:a.rawEnd], Quote: a.quote})
		}
	}
	return s.attrOut
}

// NumAttrs returns the number of attributes of the current StartElement; AttrSpace,
// AttrPrefix, AttrLocal and AttrValue return the parts of attribute i as Attrs would,
// without building the list.
func (s *Scanner) NumAttrs() int { return len(s.attrs) }

// Attr returns the namespace URI, prefix (nil for none), local name and value of attribute i.
func (s *Scanner) Attr(i int) (space string, prefix, local, value []byte) {
	a := &s.attrs[i]
	b := s.buf
	if a.pfx != a.pfxEnd {
		prefix = b[a.pfx:a.pfxEnd]
	}
	local = b[a.loc:a.locEnd]
	if a.dec {
		b = s.dec
	}
	value = b[a.val:a.valEnd]
	if a.space >= nsBound {
		return s.ns[a.space-nsBound].uri, prefix, local, value
	}
	if a.space != nsNone {
		space = s.uri(a.space)
	}
	return space, prefix, local, value
}

// AttrSpace returns the namespace URI of attribute i.
func (s *Scanner) AttrSpace(i int) string { return s.uri(s.attrs[i].space) }

// AttrPrefix returns the prefix of attribute i (nil for none).
func (s *Scanner) AttrPrefix(i int) []byte {
	a := &s.attrs[i]
	if a.pfx == a.pfxEnd {
		return nil
	}
	return s.buf[a.pfx:a.pfxEnd:a.pfxEnd]
}

// AttrLocal returns the local name of attribute i.
func (s *Scanner) AttrLocal(i int) []byte {
	a := &s.attrs[i]
	return s.buf[a.loc:a.locEnd:a.locEnd]
}

// AttrQName returns the name of attribute i as written, prefix and colon included: a
// caller that compares a tag's attribute names with those of a tag seen before (with
// AttrSpace and the prefix's length) does so with one compare each instead of two.
func (s *Scanner) AttrQName(i int) []byte {
	a := &s.attrs[i]
	return s.buf[a.pfx:a.locEnd:a.locEnd]
}

// AttrValue returns the value of attribute i: references decoded, white space normalized.
func (s *Scanner) AttrValue(i int) []byte {
	a := &s.attrs[i]
	if a.dec {
		return s.dec[a.val:a.valEnd:a.valEnd]
	}
	return s.buf[a.val:a.valEnd:a.valEnd]
}

// Data returns the content of a Text, CDATA, Comment, ProcInst or Doctype token.
func (s *Scanner) Data() []byte {
	if s.dataDec {
		return s.dec[s.data:s.dataEnd:s.dataEnd]
	}
	return s.buf[s.data:s.dataEnd:s.dataEnd]
}

// Target returns the target of a ProcInst.
func (s *Scanner) Target() []byte { return s.buf[s.target:s.targetEnd:s.targetEnd] }

// uri returns the namespace URI r names.
func (s *Scanner) uri(r nsRef) string {
	switch r {
	case nsNone:
		return ""
	case nsXML:
		return NSXML
	case nsXMLNS:
		return NSXMLNS
	case nsEnd:
		return s.endSpace
	}
	return s.ns[r-nsBound].uri
}

// setData makes buf[from:to] (or dec[from:to] when dec) the current token's content.
func (s *Scanner) setData(from, to int, dec bool) { s.data, s.dataEnd, s.dataDec = from, to, dec }

// Pos returns the line and column (1-based, in bytes) where the current token starts.
func (s *Scanner) Pos() (line, col int) {
	return s.tokLine, int(s.base+int64(s.tokStart)-s.tokLS) + 1
}

// Empty reports, for an EndElement, whether the element was written as <x/>.
func (s *Scanner) Empty() bool { return s.empty }

// Indent reports, for a Text token, whether it is a line feed followed by spaces only (its
// Data has no other byte), the indentation of a pretty-printed file: the scanner saw so
// while it read the token, and a caller need not look again. It is false for such text
// that is not before markup (at the end of the input), however the input arrives.
func (s *Scanner) Indent() bool { return s.indent }

// SelfClosing reports, for a StartElement, whether it was written as <x/>: its EndElement
// comes next. A decoder can then tell, before it reads on, that the element has no content.
func (s *Scanner) SelfClosing() bool { return s.pending && s.err == nil }

// Depth returns the number of open elements.
func (s *Scanner) Depth() int { return len(s.stack) }

// InputOffset returns the input offset just after the current token.
func (s *Scanner) InputOffset() int64 { return s.base + int64(s.pos) }

// Next reads the next token. At the end of a well-formed document it returns io.EOF;
// errors are *Error and sticky.
func (s *Scanner) Next() (Kind, error) {
	if s.stop {
		if s.err != nil {
			return 0, s.err
		}
		s.pending, s.stop = false, false
		s.empty = true
		s.popElement()
		return EndElement, nil
	}
	s.empty, s.indent = false, false
	s.tokStart = s.pos
	s.tokLine, s.tokLS = s.line, s.lineStart
	for {
		var k Kind
		var err error
		// The token's kind from its first two bytes.
		b, p := s.buf[:s.end], s.pos
		switch {
		case p >= len(b):
			err = errMore
		case b[p] != '<':
			k, err = s.lexText(b)
		case p+1 >= len(b):
			err = errMore
		case b[p+1] == '/':
			k, err = s.lexEnd(b)
		case b[p+1] == '?':
			k, err = s.lexPI()
		case b[p+1] == '!':
			k, err = s.lexBang()
		default:
			k, err = s.lexStart(b)
		}
		if err == nil {
			if s.pos-s.tokStart <= s.maxToken {
				return k, nil
			}
			// Read whole and too large: that is the error (the token's element, if
			// any, is opened or closed: it is not read again for inWindow).
			err = s.errAt(s.tokStart, ErrTokenTooLarge, "a single token is larger than the limit")
			s.final = true
		}
		if err != errMore {
			if s.end-s.tokStart > s.maxToken && !s.final {
				err = s.inWindow(err)
			}
			s.err, s.stop = err, true
			return 0, err
		}
		// The token is read again from its start: so are its line feeds.
		s.line, s.lineStart = s.tokLine, s.tokLS
		if err := s.more(); err != nil {
			if err == io.EOF {
				err = s.atEOF()
			}
			s.err, s.stop = err, true
			return 0, err
		}
	}
}

// TextEnd reads, right after a start tag, the element's content and end tag when they
// are what most text-only elements of an export hold: a run of plain text (no reference,
// line feed, carriage return, "]", control or non-ASCII byte; possibly empty) and then an
// end tag that repeats the element's name exactly, with '>' at once after it. It does in
// one call what Next does in two (the Text token, when the run is not empty, then the
// EndElement), and leaves the scanner as Next would: data is what Data returns for that
// Text token, and the current token is the end tag. When the input there is anything
// else, or not in the buffer yet, it reads nothing and returns false: Next reads it.
func (s *Scanner) TextEnd() (data []byte, ok bool) {
	n := len(s.stack)
	if s.stop || n == 0 {
		return nil, false
	}
	b, p := s.buf[:s.end], s.pos
	i := textRun(b, p)
	f := &s.stack[n-1]
	e := i + 2 + f.nameEnd - f.nameStart // the end tag's '>'
	if e >= len(b) || b[i] != '<' || b[i+1] != '/' || b[e] != '>' || i-p > s.maxToken || e+1-i > s.maxToken ||
		!sameOpen(b, i+2, s.names, f.nameStart, f.nameEnd) {
		return nil, false
	}
	s.setData(p, i, false)
	s.empty, s.indent = false, false
	s.tokStart = i // the end tag's (no line feed before it)
	s.tokLine, s.tokLS = s.line, s.lineStart
	s.popElement()
	s.pos = e + 1
	return b[p:i:i], true
}

// NextIndented is Next for a caller that takes the indentation before a token inside the
// root (a line feed and spaces, at most max bytes in all, then markup) as part of that
// token: it passes over such a run, which Next would return as a Text token of its own,
// and returns its length as indent (0 when there was none) with the token after it.
func (s *Scanner) NextIndented(max int) (k Kind, indent int, err error) {
	if !s.stop && len(s.stack) > 0 {
		b, p := s.buf[:s.end], s.pos
		if p < len(b) && b[p] == '\n' {
			i := spaces(b, p+1)
			if i < len(b) && b[i] == '<' && i-p <= max && i-p <= s.maxToken {
				s.line++
				s.lineStart = s.base + int64(p+1)
				s.pos = i
				indent = i - p
			}
		}
	}
	k, err = s.Next()
	return k, indent, err
}

// PeekText looks, at a place where NextIndented(indent) would read, for what most children
// of a record in a pretty-printed export are: the indentation NextIndented passes over (or
// none), a start tag of an ASCII name without prefix or attributes, a run of plain text as
// TextEnd reads it (possibly empty) and the end tag, all in the buffer already and each
// within the token limit, the element no deeper than the limit, and its namespace (the
// default one) known without a look-up. It returns, when they are there, the element's
// namespace and local name (a slice into the buffer, valid until the next call but
// TakeText). It reads nothing: TakeText does, or any other call reads on as if PeekText
// had not been called. A caller that would read the element's tokens one by one
// (NextIndented, then TextEnd) learns first whether it can take them at once, and the
// scanner opens and closes no element for it.
func (s *Scanner) PeekText(indent int) (space string, local []byte, ok bool) {
	n := len(s.stack)
	if s.stop || n == 0 || n >= s.maxDepth || s.defGen != s.nsGen {
		return "", nil, false
	}
	b, p := s.buf[:s.end], s.pos
	q := p
	if p < len(b) && b[p] == '\n' {
		// NextIndented's indentation, or none taken (then Next reads text here).
		if q = spaces(b, p+1); q-p > indent {
			return "", nil, false
		}
	}
	if q+1 >= len(b) || b[q] != '<' {
		return "", nil, false
	}
	e, colon := asciiName(b, q+1) // fails on '/', '?' and '!'
	if e < 0 {
		return "", nil, false
	}
	if colon >= 0 || b[e] != '>' {
		s.peekName(q, e, colon)
		return "", nil, false
	}
	// The text and the end tag, as TextEnd reads them; each token within the limit.
	t := textRun(b, e+1)
	m := e - (q + 1)
	end := t + 2 + m // the end tag's '>'
	if end >= len(b) || b[t] != '<' || b[t+1] != '/' || b[end] != '>' || !sameNameAt(b, q+1, t+2, m) ||
		max(q-p, e+1-q, t-e-1, end+1-t) > s.maxToken {
		s.peekName(q, e, colon)
		return "", nil, false
	}
	s.peekAt, s.peekQ, s.peekE, s.peekT = s.base+int64(p)+1, q, e, t
	return s.uri(s.defURI), b[q+1 : e : e], true
}

// peekName notes the name PeekText read in the start tag at buf[q] (end e, colon at
// colon or -1) for lexStart.
func (s *Scanner) peekName(q, e, colon int) {
	s.peekNameAt, s.peekLen, s.peekCol = s.base+int64(q)+2, e-(q+1), -1
	if colon >= 0 {
		s.peekCol = colon - (q + 1)
	}
}

// sameNameAt reports whether b[i:i+m] and b[j:j+m], names of m > 0 bytes, hold the same
// bytes: one of up to 16 bytes, with eight bytes readable after each start, is compared
// as two words (overlapping for fewer than 16 bytes, masked for fewer than eight), without
// a call.
func sameNameAt(b []byte, i, j, m int) bool {
	if i+8 <= len(b) && j+8 <= len(b) {
		// Slices of eight bytes, not b[i:]: their bounds are checked once and need no
		// masking of a pointer past the end, a dozen instructions a call.
		x := binary.LittleEndian.Uint64(b[i:i+8]) ^ binary.LittleEndian.Uint64(b[j:j+8])
		if m <= 8 {
			return x<<(64-8*uint(m)) == 0
		}
		if m <= 16 {
			return x == 0 && binary.LittleEndian.Uint64(b[i+m-8:i+m]) == binary.LittleEndian.Uint64(b[j+m-8:j+m])
		}
	}
	return sameName(b[i:i+m], b[j:j+m])
}

// TakeText reads what PeekText found just before (ok false, and nothing read, when it
// found nothing or the scanner read on since): the indentation, the start tag, the text
// and the end tag. It leaves the scanner as NextIndented returning the start tag and
// TextEnd after it would: the current token is the end tag, and Data the text. It returns
// the indentation's length and the start tag's position, which Pos gave after
// NextIndented.
func (s *Scanner) TakeText() (indent, line, col int, ok bool) {
	p := s.pos
	if s.stop || s.peekAt != s.base+int64(p)+1 {
		return 0, 0, 0, false
	}
	s.peekAt = 0
	q, e, t := s.peekQ, s.peekE, s.peekT
	if q > p {
		s.line++
		s.lineStart = s.base + int64(p+1)
		indent = q - p
	}
	line, col = s.line, int(s.base+int64(q)-s.lineStart)+1
	// The start tag's attributes, none (as lexStart leaves them); the current token is the
	// end tag, its name in the buffer (where popElement has it in names).
	s.attrs = s.attrs[:0]
	s.nsAttrs, s.pfxAttrs = 0, 0
	s.setData(e+1, t, false)
	s.empty, s.indent = false, false
	s.tokStart = t
	s.tokLine, s.tokLS = s.line, s.lineStart
	s.inNames = false
	m := e - (q + 1)
	s.pfx, s.pfxEnd, s.loc, s.locEnd = t+2, t+2, t+2, t+2+m
	s.space = s.defURI
	s.pos = t + 3 + m
	return indent, line, col, true
}

// atEOF is the error (or io.EOF) for the end of input at or inside the current token.
func (s *Scanner) atEOF() error {
	if s.pos < s.end {
		if bytes.HasPrefix(s.buf[s.pos:s.end], doctypeOpen) {
			// Said apart: encoding/xml's bracket counting ends a DOCTYPE at a '>' that
			// a literal, comment or processing instruction of the subset holds.
			return s.errAt(s.end, ErrTruncated, "the document ends inside the DOCTYPE")
		}
		return s.errAt(s.end, ErrTruncated, "the document ends in the middle of markup")
	}
	switch s.state {
	case sProlog:
		return s.errAt(s.end, ErrTruncated, "the input has no root element")
	case sRoot:
		return s.errAt(s.end, ErrTruncated, "the document ends before its root element is closed")
	}
	return io.EOF
}

// inWindow returns the error of the current token read again from its first
// MaxTokenBytes+1 bytes alone, as if no more input had come yet: err, found with more of
// the input in the buffer, or the token limit's error where the token needs more bytes.
// That is what a reading in pieces finds, which stops at the limit (see more): the
// scanner gives the same error however the input arrives. It runs only on the way to an
// error, which is sticky: what it leaves in the scanner's state is not read again.
func (s *Scanner) inWindow(err error) error {
	end, eof := s.end, s.eof
	s.end, s.eof = s.tokStart+s.maxToken+1, false
	s.line, s.lineStart = s.tokLine, s.tokLS
	// Next's choice of lexer, written again: in a function of its own it would cost
	// Next a call per token. The window holds two bytes at least (the limit is one or
	// more), and the token's first is where Next found it.
	var werr error
	switch b, p := s.buf[:s.end], s.pos; {
	case p+1 >= len(b):
		werr = errMore
	case b[p] != '<':
		_, werr = s.lexText(b)
	case b[p+1] == '/':
		_, werr = s.lexEnd(b)
	case b[p+1] == '?':
		_, werr = s.lexPI()
	case b[p+1] == '!':
		_, werr = s.lexBang()
	default:
		_, werr = s.lexStart(b)
	}
	s.end, s.eof = end, eof
	switch werr {
	case errMore:
		return s.errAt(s.tokStart, ErrTokenTooLarge, "a single token is larger than the limit")
	case nil:
		return err // not reached: a token read whole from fewer bytes has no error with more
	}
	return werr
}

// more makes more input available after buf[pos:end], keeping the current token's bytes.
// It returns io.EOF when there is none.
func (s *Scanner) more() error {
	// The limit first: a token that needs more than its first MaxTokenBytes+1 bytes is
	// too large whether or not the input ends after them (a reader may tell the end
	// with the last bytes or in a read of its own).
	have := s.end - s.pos
	if s.opts.MaxTokenBytes > 0 && have > s.opts.MaxTokenBytes {
		return s.errAt(s.pos, ErrTokenTooLarge, "a single token is larger than the limit")
	}
	if s.eof {
		return io.EOF
	}
	if s.over {
		return s.errAt(s.end, ErrInputTooLarge, "the input is larger than the limit")
	}
	keep := s.pos // the first byte kept: the current token's, or the held input's
	if s.holding {
		if h := int(s.hold - s.base); s.pos-h > maxHold {
			s.holding = false
		} else {
			keep = h
		}
	}
	if keep > 0 {
		copy(s.buf, s.buf[keep:s.end])
		s.base += int64(keep)
		s.end -= keep
		s.pos -= keep
		s.tokStart -= keep
	}
	// Ask for at least as many new bytes as the token already has, so that a long token
	// is rescanned a logarithmic number of times, not once per read.
	want := max(have, 4096)
	if len(s.buf)-s.end < want {
		n := max(2*len(s.buf), minBuf, s.end+want)
		if lim := s.opts.MaxTokenBytes; lim > 0 && n > lim+minBuf && s.end+want <= lim+minBuf {
			n = lim + minBuf
		}
		nb := make([]byte, n)
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	target := s.end + want
	for s.end < target && s.end < len(s.buf) {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		s.total += int64(n)
		if lim := s.opts.MaxInputBytes; lim > 0 && s.total > lim {
			// The bytes past the limit are not kept: the tokens before them are read as
			// if the input went on, and the error is the next call's, at the first byte
			// past the limit, when a token needs it. Where it comes then does not depend
			// on how much of the input the reads had brought.
			s.end -= int(s.total - lim)
			s.total, s.over = lim, true
			break
		}
		if err == io.EOF {
			s.eof = true
			break
		}
		if err != nil {
			return err
		}
		// A short read is normal for pipes. Try again as soon as a small token may be
		// complete; a large one waits for twice its bytes so it is rescanned rarely.
		if got := s.end - s.pos; got >= 2*have || (have < minBuf && got > have) {
			break
		}
	}
	if s.end-s.pos == have && s.eof && have == 0 {
		return io.EOF
	}
	return nil // at the end of input, lex decides once more with s.eof set
}

// countLines counts the line feeds of buf[from:to], a part of the current token.
func (s *Scanner) countLines(from, to int) {
	seg := s.buf[from:to]
	if n := bytes.Count(seg, nl); n > 0 {
		s.line += n
		s.lineStart = s.base + int64(from+bytes.LastIndexByte(seg, '\n')+1)
	}
}

var nl = []byte{'\n'}

// errAt returns an error positioned at buf[i] (inside or at the end of the current token).
func (s *Scanner) errAt(i int, err error, msg string) error {
	line, start := s.tokLine, s.tokLS
	from := s.tokStart
	if i > s.end {
		i = s.end
	}
	if i > from {
		seg := s.buf[from:i]
		if n := bytes.Count(seg, nl); n > 0 {
			line += n
			start = s.base + int64(from+bytes.LastIndexByte(seg, '\n')+1)
		}
	}
	return &Error{Line: line, Col: int(s.base+int64(i)-start) + 1, Err: err, Msg: msg}
}

func (s *Scanner) finish(i int) { s.pos = i }

// finishCount ends a token whose line feeds have not been counted yet.
func (s *Scanner) finishCount(i int) {
	s.countLines(s.pos, i)
	s.pos = i
}

// lexText reads character data (b is buf[:end]) up to the next '<' or the end of input.
func (s *Scanner) lexText(b []byte) (Kind, error) {
	i := s.pos
	if b[i] == '\n' {
		// Indentation, a line feed and spaces before markup, is most of the text tokens
		// of a pretty-printed file.
		i = spaces(b, i+1)
		if i < len(b) && b[i] == '<' {
			s.line++
			s.lineStart = s.base + int64(s.pos+1)
			s.setData(s.pos, i, false)
			s.pos = i
			s.indent = true
			return Text, nil
		}
		i = s.pos
	}
	// Most other text is a plain run up to markup, inside the root element: anything
	// else (a line feed, a reference, a carriage return, "]", a control or non-ASCII
	// byte, the end of the buffer) is read out of line, which keeps this code small.
	i = textRun(b, i)
	if i < len(b) && b[i] == '<' && s.state == sRoot {
		s.setData(s.pos, i, false)
		s.pos = i
		return Text, nil
	}
	return s.lexTextRest(b, i)
}

// lexTextRest reads the rest of a text token from b[i], a byte textRun stopped at (or
// the end of the buffer), with no byte before it that needs decoding.
func (s *Scanner) lexTextRest(b []byte, i int) (Kind, error) {
	decode := false
	for {
		i = textRun(b, i)
		if i == len(b) {
			if !s.eof {
				return 0, errMore
			}
			break
		}
		c := b[i]
		if c == '<' {
			break
		}
		switch {
		case c == '\n':
			i++
			s.line++
			s.lineStart = s.base + int64(i)
		case c == '&':
			j, _, err := s.reference(b, i)
			if err != nil {
				return 0, err
			}
			i = j
			decode = true
		case c == '\r':
			i++
			decode = true
		case c == ']':
			// Only as many bytes as tell whether "]]>" starts here: text ending in "]"
			// just before '<' then needs no byte past that '<', as any other text.
			if (i+1 == len(b) || i+2 == len(b) && b[i+1] == ']') && !s.eof {
				return 0, errMore
			}
			if i+2 < len(b) && b[i+1] == ']' && b[i+2] == '>' {
				return 0, s.errAt(i, ErrSyntax, "]]> is not allowed in text")
			}
			i++
		case c < 0x80:
			return 0, s.errAt(i, ErrEncoding, "a control character is not allowed in XML")
		default:
			if !utf8.FullRune(b[i:]) && !s.eof {
				return 0, errMore
			}
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n == 1 {
				return 0, s.errAt(i, ErrEncoding, "invalid UTF-8")
			}
			if !isChar(r) {
				return 0, s.errAt(i, ErrEncoding, "a character XML does not allow")
			}
			i += n
		}
	}
	raw := b[s.pos:i]
	if s.state != sRoot && !IsSpace(raw) {
		where := "before"
		if s.state == sEpilog {
			where = "after"
		}
		return 0, s.errAt(s.pos, ErrSyntax, "text "+where+" the root element")
	}
	s.setData(s.pos, i, false)
	if decode {
		s.dec = decodeInto(s.dec[:0], raw, false)
		s.setData(0, len(s.dec), true)
	}
	s.finish(i)
	return Text, nil
}

// reference checks the reference at b[i] ('&') and returns the index after it and the
// character it stands for.
func (s *Scanner) reference(b []byte, i int) (int, rune, error) {
	j := i + 1
	for j < len(b) && b[j] != ';' && j-i <= maxRefBody {
		j++
	}
	if j >= len(b) && !s.eof {
		return 0, 0, errMore
	}
	if j >= len(b) || b[j] != ';' {
		return 0, 0, s.errAt(i, ErrSyntax, "a reference without its closing semicolon, or a bare &")
	}
	r, ok := refValue(b[i+1 : j])
	if !ok {
		if b[i+1] == '#' {
			return 0, 0, s.errAt(i, ErrSyntax, "an invalid character reference")
		}
		return 0, 0, s.errAt(i, ErrSyntax, "an undefined entity (only the five predefined ones are known)")
	}
	return j + 1, r, nil
}

// refValue returns the character a reference body (between & and ;) stands for.
func refValue(body []byte) (rune, bool) {
	if len(body) >= 2 && body[0] == '#' {
		var n rune
		digits := body[1:]
		hex := digits[0] == 'x'
		if hex {
			digits = digits[1:]
		}
		if len(digits) == 0 {
			return 0, false
		}
		for _, c := range digits {
			var d rune
			switch {
			case '0' <= c && c <= '9':
				d = rune(c - '0')
			case hex && 'a' <= c && c <= 'f':
				d = rune(c-'a') + 10
			case hex && 'A' <= c && c <= 'F':
				d = rune(c-'A') + 10
			default:
				return 0, false
			}
			if hex {
				n = n*16 + d
			} else {
				n = n*10 + d
			}
			if n > utf8.MaxRune {
				return 0, false
			}
		}
		return n, isChar(n)
	}
	switch string(body) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	return 0, false
}

// decodeInto appends raw with references replaced and line ends normalized (CR LF and CR
// to LF) to dst. In an attribute value (attr true) a literal tab, line feed or carriage
// return then becomes a space (§3.3.3); characters written as references stay as they are.
// raw has been checked.
func decodeInto(dst, raw []byte, attr bool) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		switch c {
		case '&':
			j := i + 1
			for raw[j] != ';' {
				j++
			}
			r, _ := refValue(raw[i+1 : j])
			dst = utf8.AppendRune(dst, r)
			i = j + 1
			continue
		case '\r':
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			c = '\n'
		}
		if attr && (c == '\n' || c == '\t') {
			c = ' '
		}
		dst = append(dst, c)
		i++
	}
	return dst
}

// normalizeLineEnds appends raw to dst with CR LF and CR turned into LF.
func normalizeLineEnds(dst, raw []byte) []byte {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '\r' {
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			c = '\n'
		}
		dst = append(dst, c)
	}
	return dst
}

// scanName reads a name at b[i] and returns the index after it and the index of its colon
// (-1 if none). Namespace rules apply: at most one colon, not first or last.
func (s *Scanner) scanName(b []byte, i int) (int, int, error) {
	start := i
	colon := -1
	for {
		for i < len(b) && nameFast[b[i]] {
			i++
		}
		if i == len(b) {
			if !s.eof {
				return 0, 0, errMore
			}
			break
		}
		c := b[i]
		if c == ':' {
			if colon >= 0 {
				return 0, 0, s.errAt(i, ErrSyntax, "a name with more than one colon")
			}
			colon = i
			i++
			continue
		}
		if c < 0x80 {
			break
		}
		if !utf8.FullRune(b[i:]) && !s.eof {
			return 0, 0, errMore
		}
		r, n := utf8.DecodeRune(b[i:])
		// U+FFFD is a legal name character, so a byte that is no UTF-8 must be caught
		// before the name-character test, which would let its RuneError through.
		if r == utf8.RuneError && n == 1 {
			return 0, 0, s.errAt(i, ErrEncoding, "invalid UTF-8")
		}
		if !isNameChar(r) {
			return 0, 0, s.errAt(i, ErrSyntax, "a character not allowed in a name")
		}
		i += n
	}
	if i == start {
		return 0, 0, s.errAt(i, ErrSyntax, "a name was expected")
	}
	if colon == start || colon == i-1 {
		return 0, 0, s.errAt(colon, ErrSyntax, "a name that begins or ends with a colon")
	}
	if !startsName(b[start:]) || colon >= 0 && !startsName(b[colon+1:]) {
		return 0, 0, s.errAt(start, ErrSyntax, "a name must begin with a letter or underscore")
	}
	return i, colon, nil
}

func startsName(b []byte) bool {
	if b[0] < 0x80 {
		return nameFirst[b[0]]
	}
	r, _ := utf8.DecodeRune(b)
	return isNameStart(r)
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && spaceByte[b[i]] {
		i++
	}
	return i
}

// asciiName is scanName's fast path: an ASCII name, each part starting as a name must,
// at most one colon, ended by an ASCII byte that cannot continue it. It returns the index
// after the name and of its colon (-1 if none), or end -1 for anything else, which
// scanName then reads (and reports) in full.
func asciiName(b []byte, i int) (end, colon int) {
	if i >= len(b) || !nameFirst[b[i]] {
		return -1, -1
	}
	colon = -1
	for {
		i = nameRun(b, i+1)
		if i >= len(b) {
			return -1, -1
		}
		if b[i] != ':' {
			break
		}
		if colon >= 0 || i+1 >= len(b) || !nameFirst[b[i+1]] {
			return -1, -1
		}
		colon = i
		i++
	}
	if b[i] >= 0x80 {
		return -1, -1
	}
	return i, colon
}

// lexStart reads a start tag.
func (s *Scanner) lexStart(b []byte) (Kind, error) {
	nameStart := s.pos + 1
	var i, colon int
	if s.peekNameAt == s.base+int64(nameStart)+1 {
		// PeekText read this name just before.
		i, colon = nameStart+s.peekLen, -1
		if s.peekCol >= 0 {
			colon = nameStart + s.peekCol
		}
	} else {
		i, colon = asciiName(b, nameStart)
	}
	if i < 0 {
		var err error
		if i, colon, err = s.scanName(b, nameStart); err != nil {
			return 0, err
		}
	}
	nameEnd := i
	s.attrs = s.attrs[:0]
	s.nsAttrs, s.pfxAttrs = 0, 0
	s.dec = s.dec[:0]
	empty := false
	nl := false // the tag may hold a line feed (in white space other than one space, or a value)
	for {
		j := i
		if j < len(b) && b[j] == ' ' {
			j++
		}
		if j < len(b) && spaceByte[b[j]] {
			j = skipSpace(b, j)
			nl = true
		}
		if j >= len(b) {
			return 0, errMore
		}
		c := b[j]
		if c == '>' {
			i = j + 1
			break
		}
		if c == '/' {
			if j+1 >= len(b) {
				return 0, errMore
			}
			if b[j+1] != '>' {
				return 0, s.errAt(j, ErrSyntax, "expected /> in a start tag")
			}
			empty = true
			i = j + 2
			break
		}
		if j == i {
			return 0, s.errAt(j, ErrSyntax, "white space is required before an attribute")
		}
		if len(s.attrs) >= s.maxAttrs {
			return 0, s.errAt(j, ErrTooManyAttrs, "an element has more attributes than the limit")
		}
		an := j
		j, acolon := asciiName(b, an)
		if j < 0 {
			var err error
			if j, acolon, err = s.scanName(b, an); err != nil {
				return 0, err
			}
		}
		aEnd := j
		if j < len(b) && b[j] == '=' {
			j++
		} else {
			j = skipSpace(b, j)
			nl = true
			if j >= len(b) {
				return 0, errMore
			}
			if b[j] != '=' {
				return 0, s.errAt(j, ErrSyntax, "an attribute name without =")
			}
			j++
		}
		if j < len(b) && spaceByte[b[j]] {
			j = skipSpace(b, j)
			nl = true
		}
		if j >= len(b) {
			return 0, errMore
		}
		q := b[j]
		vs := j + 1
		// One pass to the closing quote over the plain bytes of the value; anything else
		// (a reference, white space to normalize, a bad or non-ASCII byte) is read by
		// the full pass below.
		stop := &attrStopDQ
		if q != '"' {
			if q != '\'' {
				return 0, s.errAt(j, ErrSyntax, "an attribute value must be quoted")
			}
			stop = &attrStopSQ
		}
		v := valueRun(b, vs, stop)
		if v >= len(b) {
			return 0, errMore
		}
		ve := v
		decode := false
		if b[v] != q {
			k := bytes.IndexByte(b[v:], q)
			if k < 0 {
				return 0, errMore
			}
			ve = v + k
			nl = true
			var err error
			if decode, err = s.checkValue(b, v, ve); err != nil {
				return 0, err
			}
		}
		n := len(s.attrs)
		if n < cap(s.attrs) {
			s.attrs = s.attrs[:n+1]
		} else {
			s.attrs = append(s.attrs, attrPos{})
		}
		a := &s.attrs[n]
		a.space = nsNone
		a.raw, a.rawEnd = vs, ve
		a.val, a.valEnd, a.dec = vs, ve, false
		a.quote = q
		if decode {
			// Offsets into s.dec stay valid however later values grow it.
			d := len(s.dec)
			s.dec = decodeInto(s.dec, b[vs:ve], true)
			a.val, a.valEnd, a.dec = d, len(s.dec), true
		}
		if acolon >= 0 {
			a.pfx, a.pfxEnd, a.loc, a.locEnd = an, acolon, acolon+1, aEnd
			s.pfxAttrs++
		} else {
			a.pfx, a.pfxEnd, a.loc, a.locEnd = an, an, an, aEnd
		}
		if aEnd-an >= 5 && string(b[an:an+5]) == "xmlns" {
			s.nsAttrs++
		}
		i = ve + 1
	}
	// The tag is complete: from here on nothing asks for more input.
	if s.state == sEpilog {
		return 0, s.tagErr(i, s.errAt(s.pos, ErrSyntax, "a second root element"))
	}
	if len(s.stack) >= s.maxDepth {
		return 0, s.tagErr(i, s.errAt(s.pos, ErrDepth, "elements nest deeper than the limit"))
	}
	if err := s.pushElement(nameStart, nameEnd, colon); err != nil {
		return 0, s.tagErr(i, err)
	}
	s.state = sRoot
	s.pending, s.stop = empty, empty
	if nl {
		s.countLines(s.pos, i)
	}
	s.pos = i
	return StartElement, nil
}

// tagErr returns err, found in the start tag just read whole (to buf[i]), or the token
// limit's error when the tag is larger than the limit: reading it in pieces finds that
// first. Next must not read the tag again for inWindow, which would open its element
// twice.
func (s *Scanner) tagErr(i int, err error) error {
	s.final = true
	if i-s.pos > s.maxToken {
		return s.errAt(s.pos, ErrTokenTooLarge, "a single token is larger than the limit")
	}
	return err
}

// checkValue checks the attribute value bytes b[v:ve] and reports whether the value needs
// decoding (references, or white space that normalization turns into spaces).
func (s *Scanner) checkValue(b []byte, v, ve int) (decode bool, err error) {
	for v < ve {
		for v < ve && !attrStop[b[v]] {
			v++
		}
		if v == ve {
			break
		}
		switch c := b[v]; {
		case c == '<':
			return false, s.errAt(v, ErrSyntax, "< is not allowed in an attribute value")
		case c == '&':
			save := s.eof
			s.eof = true // the value is complete: a reference cannot continue past it
			nv, _, err := s.reference(b[:ve], v)
			s.eof = save
			if err != nil {
				return false, err
			}
			v = nv
			decode = true
		case c == '\t' || c == '\n' || c == '\r':
			v++
			decode = true
		case c < 0x80:
			return false, s.errAt(v, ErrEncoding, "a control character is not allowed in XML")
		default:
			r, n := utf8.DecodeRune(b[v:ve])
			if r == utf8.RuneError && n == 1 {
				return false, s.errAt(v, ErrEncoding, "invalid UTF-8")
			}
			if !isChar(r) {
				return false, s.errAt(v, ErrEncoding, "a character XML does not allow")
			}
			v += n
		}
	}
	return decode, nil
}

// pushElement declares the namespaces of the start tag just read (its qualified name is
// buf[nameStart:nameEnd], with a colon at buf[colon] or colon -1), resolves its names,
// checks its attributes are unique and opens it.
func (s *Scanner) pushElement(nameStart, nameEnd, colon int) error {
	mark := len(s.ns)
	if s.nsAttrs > 0 {
		if err := s.declare(); err != nil {
			return err
		}
	}
	s.inNames = false
	s.pfx, s.pfxEnd, s.loc, s.locEnd = nameStart, nameStart, nameStart, nameEnd
	if colon >= 0 {
		s.pfxEnd, s.loc = colon, colon+1
		colon -= nameStart
	}
	// The default namespace's look-up, taken since the scope last changed, is most
	// elements' without a call.
	space := s.defURI
	if colon >= 0 || s.defGen != s.nsGen {
		var ok bool
		if space, ok = s.lookup(s.buf[s.pfx:s.pfxEnd]); !ok {
			return s.errAt(s.pos, ErrSyntax, "an undeclared namespace prefix")
		}
	}
	start := len(s.names)
	// The stack of names grows in place (a reslice of itself stores no pointer, which
	// passes the collector's write barrier while it marks); append's result is stored
	// only when it moved the names to a new array.
	if names := appendName(s.names, s.buf, nameStart, nameEnd); cap(names) == cap(s.names) {
		s.names = s.names[:len(names)]
	} else {
		s.names = names
	}
	n := len(s.stack)
	if n < cap(s.stack) {
		s.stack = s.stack[:n+1]
	} else {
		s.stack = append(s.stack, frame{})
	}
	f := &s.stack[n]
	f.nameStart, f.nameEnd, f.nsMark, f.colon, f.space = start, len(s.names), mark, colon, space
	s.space = space
	if s.pfxAttrs > 0 {
		if err := s.resolveAttrs(); err != nil {
			return err
		}
	}
	if len(s.attrs) > 1 {
		return s.checkUnique()
	}
	return nil
}

// appendName appends src[from:to], a name, to dst. A name of up to 16 bytes is copied as
// two words when src has them and dst the room (the bytes past the name are overwritten
// by the next name), instead of through the call append makes to copy memory.
func appendName(dst, src []byte, from, to int) []byte {
	n, d := to-from, len(dst)
	if n <= 16 && from+16 <= len(src) && d+16 <= cap(dst) {
		w := dst[d : d+16]
		r := src[from : from+16]
		binary.LittleEndian.PutUint64(w, binary.LittleEndian.Uint64(r))
		binary.LittleEndian.PutUint64(w[8:], binary.LittleEndian.Uint64(r[8:]))
		return dst[:d+n]
	}
	return append(dst, src[from:to]...)
}

// resolveAttrs sets the namespace of the current tag's prefixed attributes.
func (s *Scanner) resolveAttrs() error {
	for i := range s.attrs {
		a := &s.attrs[i]
		if a.space == nsXMLNS || a.pfx == a.pfxEnd {
			continue
		}
		p := s.buf[a.pfx:a.pfxEnd]
		if s.pfxGen == s.nsGen && sameShort(p, s.pfxKey) {
			// The prefix looked up last (an export's one extension prefix), without a call.
			a.space = s.pfxURI
			continue
		}
		if string(p) == "xmlns" {
			continue
		}
		u, ok := s.lookup(p)
		if !ok {
			return s.errAt(s.pos, ErrSyntax, "an undeclared namespace prefix")
		}
		a.space = u
	}
	return nil
}

// declare adds the namespace declarations among the current tag's attributes to the scope.
func (s *Scanner) declare() error {
	for i := range s.attrs {
		a := &s.attrs[i]
		prefix, local, value := s.AttrPrefix(i), s.AttrLocal(i), s.AttrValue(i)
		switch {
		case len(prefix) == 0 && string(local) == "xmlns":
			uri := string(value) // no allocation: compared, then interned
			if uri == NSXML || uri == NSXMLNS {
				return s.errAt(s.pos, ErrSyntax, "a reserved namespace cannot be the default namespace")
			}
			s.bind(binding{"", s.internStr(value)})
			a.space = nsXMLNS
		case string(prefix) == "xmlns":
			p := string(local)
			uri := string(value)
			switch {
			case p == "xmlns":
				return s.errAt(s.pos, ErrSyntax, "the prefix xmlns cannot be declared")
			case p == "xml" && uri != NSXML, p != "xml" && uri == NSXML:
				return s.errAt(s.pos, ErrSyntax, "the prefix xml and its namespace belong only to each other")
			case uri == NSXMLNS:
				return s.errAt(s.pos, ErrSyntax, "the xmlns namespace cannot be bound to a prefix")
			case uri == "":
				return s.errAt(s.pos, ErrSyntax, "a prefix cannot be bound to an empty namespace")
			}
			s.bind(binding{s.internStr(local), s.internStr(value)})
			a.space = nsXMLNS
		}
	}
	return nil
}

func (s *Scanner) checkUnique() error {
	as := s.attrs
	if len(as) <= dupByScan {
		// A set of 64 bits over the length and the first, middle and last bytes of the
		// local names: a name is compared with the earlier ones only when its bit was set
		// before. (Names alike at their ends, as a1b and a2b, differ in the middle.)
		var seen uint64
		b := s.buf
		for i := range as {
			a := &as[i]
			n := uint(a.locEnd - a.loc)
			bit := uint64(1) << ((n*7 + uint(b[a.loc])*5 + uint(b[a.locEnd-1])*3 + uint(b[a.loc+int(n/2)])) & 63)
			if seen&bit != 0 {
				l := b[a.loc:a.locEnd]
				for j := 0; j < i; j++ {
					if bytes.Equal(l, b[as[j].loc:as[j].locEnd]) && s.sameSpace(as[i].space, as[j].space) {
						return s.errAt(s.pos, ErrSyntax, "an attribute occurs twice")
					}
				}
			}
			seen |= bit
		}
		return nil
	}
	if s.dupSet == nil {
		s.dupSet = make(map[uint64]int32, len(as))
	}
	clear(s.dupSet)
	for i := range as {
		h := hashName(s.uri(as[i].space), s.AttrLocal(i))
		for {
			j, seen := s.dupSet[h]
			if !seen {
				s.dupSet[h] = int32(i)
				break
			}
			if bytes.Equal(s.AttrLocal(int(j)), s.AttrLocal(i)) && s.sameSpace(as[j].space, as[i].space) {
				return s.errAt(s.pos, ErrSyntax, "an attribute occurs twice")
			}
			h++ // a collision of different names: probe the next slot
		}
	}
	return nil
}

// sameSpace reports whether a and b name the same URI (two prefixes may be bound to one).
func (s *Scanner) sameSpace(a, b nsRef) bool { return a == b || s.uri(a) == s.uri(b) }

func hashName(space string, local []byte) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(space); i++ {
		h = (h ^ uint64(space[i])) * 1099511628211
	}
	h = (h ^ 0xff) * 1099511628211
	for _, c := range local {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return h
}

func (s *Scanner) internStr(b []byte) string {
	if v, ok := s.intern[string(b)]; ok {
		return v
	}
	v := string(b)
	if len(s.intern) < maxIntern {
		s.intern[v] = v
	}
	return v
}

func (s *Scanner) lookup(prefix []byte) (nsRef, bool) {
	if len(prefix) == 0 {
		if s.defGen != s.nsGen {
			s.defURI, _ = s.lookupScope(prefix)
			s.defGen = s.nsGen
		}
		return s.defURI, true
	}
	if s.pfxGen == s.nsGen && sameShort(prefix, s.pfxKey) {
		return s.pfxURI, true
	}
	u, ok := s.lookupScope(prefix)
	if ok {
		s.pfxKey, s.pfxURI, s.pfxGen = string(prefix), u, s.nsGen
	}
	return u, ok
}

// sameShort reports whether b and k are the same bytes; prefixes are short, shorter than
// the call that compares them in memory.
func sameShort(b []byte, k string) bool {
	if len(b) != len(k) {
		return false
	}
	for i := range b {
		if b[i] != k[i] {
			return false
		}
	}
	return true
}

// bind adds b to the scope.
func (s *Scanner) bind(b binding) {
	s.ns = append(s.ns, b)
	s.nsGen++
	if len(s.ns) > nsscope.At {
		s.indexLast()
	}
}

// indexLast adds the last binding to the index (nsscope: built afresh when the scope
// grows past nsscope.At).
//
//go:noinline // rare: kept out of bind
func (s *Scanner) indexLast() {
	s.idx.Grow(len(s.ns), func(i int) string { return s.ns[i].prefix })
}

// unbind ends the scope of the bindings from ns[mark] on.
func (s *Scanner) unbind(mark int) {
	s.idx.Shrink(mark, len(s.ns), func(i int) string { return s.ns[i].prefix })
	s.ns = s.ns[:mark]
	s.nsGen++
}

// lookupScope finds the binding of prefix in scope.
func (s *Scanner) lookupScope(prefix []byte) (nsRef, bool) {
	if len(s.ns) > nsscope.At {
		return s.lookupIndex(prefix)
	}
	for i := len(s.ns) - 1; i >= 0; i-- {
		if s.ns[i].prefix == string(prefix) {
			s.steps += len(s.ns) - i
			return s.bound(i), true
		}
	}
	s.steps += len(s.ns)
	return unbound(prefix)
}

// lookupIndex is lookupScope through the index.
//
//go:noinline // rare: kept out of lookupScope
func (s *Scanner) lookupIndex(prefix []byte) (nsRef, bool) {
	s.steps++
	if i, ok := s.idx.FindBytes(prefix); ok {
		return s.bound(i), true
	}
	return unbound(prefix)
}

// unbound returns the namespace of a prefix that no binding in scope names.
func unbound(prefix []byte) (nsRef, bool) {
	switch string(prefix) {
	case "":
		return nsNone, true
	case "xml":
		return nsXML, true
	}
	return nsNone, false
}

// bound returns the namespace of ns[i].
func (s *Scanner) bound(i int) nsRef {
	if s.ns[i].uri == "" { // xmlns="": no namespace
		return nsNone
	}
	return nsBound + nsRef(i)
}

// popElement closes the innermost element and sets s.name to its name.
func (s *Scanner) popElement() {
	n := len(s.stack) - 1
	f := &s.stack[n]
	s.names = s.names[:f.nameStart]
	s.inNames = true
	s.pfx, s.pfxEnd, s.loc, s.locEnd = f.nameStart, f.nameStart, f.nameStart, f.nameEnd
	if c := f.colon; c >= 0 {
		s.pfxEnd, s.loc = f.nameStart+c, f.nameStart+c+1
	}
	s.space = f.space
	if f.nsMark != len(s.ns) {
		if f.space >= nsBound+nsRef(f.nsMark) {
			// Bound by the element itself: its binding goes out of scope here.
			s.endSpace, s.space = s.uri(f.space), nsEnd
		}
		s.unbind(f.nsMark)
	}
	s.stack = s.stack[:n]
	if n == 0 {
		s.state = sEpilog
	}
}

// lexEnd reads an end tag.
func (s *Scanner) lexEnd(b []byte) (Kind, error) {
	if n := len(s.stack); n > 0 {
		// The usual case: the end tag repeats the open element's name, checked when its
		// start tag was read, and a byte that cannot continue a name follows.
		f := &s.stack[n-1]
		i := s.pos + 2 + f.nameEnd - f.nameStart
		if i < len(b) && b[i] == '>' && sameOpen(b, s.pos+2, s.names, f.nameStart, f.nameEnd) {
			s.popElement()
			s.finish(i + 1)
			return EndElement, nil
		}
	}
	i, _, err := s.scanName(b, s.pos+2)
	if err != nil {
		return 0, err
	}
	qname := b[s.pos+2 : i]
	i = skipSpace(b, i)
	if i >= len(b) {
		return 0, errMore
	}
	if b[i] != '>' {
		return 0, s.errAt(i, ErrSyntax, "expected > at the end of an end tag")
	}
	if len(s.stack) == 0 {
		return 0, s.errAt(s.pos, ErrSyntax, "an end tag without a start tag")
	}
	f := &s.stack[len(s.stack)-1]
	if open := s.names[f.nameStart:f.nameEnd]; !bytes.Equal(open, qname) {
		// Element names are markup, not personal data: naming them helps find the error.
		return 0, s.errAt(s.pos, ErrSyntax, "end tag </"+string(qname)+"> does not match <"+string(open)+">")
	}
	s.popElement()
	s.finishCount(i + 1)
	return EndElement, nil
}

// sameOpen reports whether b[p:] starts with names[from:to], the open element's name, for
// the end tag's name at b[p], in place: a name of up to eight bytes, with eight bytes
// readable in both, is one word compared under a mask; one of up to 16 bytes is its first
// and last eight bytes; sameName compares the rest.
func sameOpen(b []byte, p int, names []byte, from, to int) bool {
	n := to - from
	if p+n > len(b) {
		return false
	}
	switch {
	case n <= 8 && p+8 <= len(b) && from+8 <= cap(names):
		x := binary.LittleEndian.Uint64(b[p:p+8]) ^ binary.LittleEndian.Uint64(names[from:from+8])
		return x<<(64-8*uint(n)) == 0
	case n >= 8 && n <= 16:
		a, o := b[p:p+n], names[from:to]
		first := binary.LittleEndian.Uint64(a) ^ binary.LittleEndian.Uint64(o)
		last := binary.LittleEndian.Uint64(a[n-8:n]) ^ binary.LittleEndian.Uint64(o[n-8:n])
		return first|last == 0
	}
	return sameName(b[p:p+n], names[from:to])
}

// sameName reports whether a and b, of the same length, hold the same bytes. Names are
// short: words compared in place cost less than the call bytes.Equal makes.
func sameName(a, b []byte) bool {
	n := len(a)
	if n != len(b) {
		return false
	}
	switch {
	case n >= 8:
		for i := 0; i+8 < n; i += 8 {
			if binary.LittleEndian.Uint64(a[i:i+8]) != binary.LittleEndian.Uint64(b[i:i+8]) {
				return false
			}
		}
		// The last eight bytes, overlapping the words compared before.
		return binary.LittleEndian.Uint64(a[n-8:n]) == binary.LittleEndian.Uint64(b[n-8:n])
	case n >= 4:
		return binary.LittleEndian.Uint32(a) == binary.LittleEndian.Uint32(b) &&
			binary.LittleEndian.Uint32(a[n-4:n]) == binary.LittleEndian.Uint32(b[n-4:n])
	}
	for i := range n {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// lexPI reads a processing instruction or the XML declaration.
func (s *Scanner) lexPI() (Kind, error) {
	b := s.buf[:s.end]
	ts := s.pos + 2
	i, xml, err := s.piTarget(b, ts)
	if err != nil {
		return 0, err
	}
	decl := false
	if xml {
		if string(b[ts:i]) != "xml" || s.base+int64(s.pos) != 0 {
			return 0, s.errAt(s.pos, ErrSyntax, "an XML declaration is allowed only at the very start")
		}
		decl = true
	}
	ds := i
	if i+1 >= len(b) {
		return 0, errMore
	}
	if !(b[i] == '?' && b[i+1] == '>') {
		if !spaceByte[b[i]] {
			return 0, s.errAt(i, ErrSyntax, "white space is required after a processing instruction target")
		}
		ds = skipSpace(b, i)
	}
	k := bytes.Index(b[ds:], piEnd)
	if k < 0 {
		return 0, errMore
	}
	data := b[ds : ds+k]
	if bad := validChars(data); bad >= 0 {
		return 0, s.errAt(ds+bad, ErrEncoding, "a character XML does not allow")
	}
	if decl {
		if err := s.checkDecl(data); err != nil {
			return 0, err
		}
	}
	s.target, s.targetEnd = ts, i
	s.setData(ds, ds+k, false)
	s.finishCount(ds + k + 2)
	return ProcInst, nil
}

var piEnd = []byte("?>")

// piTarget reads the target of a processing instruction at b[ts], a name without a colon,
// and returns the index after it and whether it is xml in any case (reserved for the XML
// declaration).
func (s *Scanner) piTarget(b []byte, ts int) (end int, xml bool, err error) {
	i, colon, err := s.scanName(b, ts)
	if err != nil {
		return 0, false, err
	}
	if colon >= 0 {
		return 0, false, s.errAt(ts, ErrSyntax, "a processing instruction target with a colon")
	}
	t := b[ts:i]
	return i, len(t) == 3 && (t[0]|0x20) == 'x' && (t[1]|0x20) == 'm' && (t[2]|0x20) == 'l', nil
}

// checkDecl checks the XML declaration's pseudo-attributes: version (1.0), then optionally
// encoding and standalone (yes or no), in this order.
func (s *Scanner) checkDecl(d []byte) error {
	bad := func(msg string) error { return s.errAt(s.pos, ErrSyntax, "XML declaration: "+msg) }
	i := 0
	seen := 0
	for n := 0; ; n++ {
		i = skipSpace(d, i)
		if i == len(d) {
			break
		}
		if n > 0 && !spaceByte[d[i-1]] {
			return bad("white space is required between pseudo-attributes")
		}
		ns := i
		for i < len(d) && d[i] >= 'a' && d[i] <= 'z' {
			i++
		}
		name := string(d[ns:i])
		i = skipSpace(d, i)
		if i == len(d) || d[i] != '=' {
			return bad("expected =")
		}
		i = skipSpace(d, i+1)
		if i == len(d) || (d[i] != '"' && d[i] != '\'') {
			return bad("a value must be quoted")
		}
		q := d[i]
		k := bytes.IndexByte(d[i+1:], q)
		if k < 0 {
			return bad("unterminated value")
		}
		v := d[i+1 : i+1+k]
		i += k + 2
		switch {
		case name == "version" && seen == 0:
			if string(v) != "1.0" {
				return bad("only version 1.0 is supported")
			}
			seen = 1
		case name == "encoding" && seen == 1:
			if !encName(v) {
				return bad("an invalid encoding name")
			}
			seen = 2
		case name == "standalone" && seen >= 1 && seen <= 2:
			if string(v) != "yes" && string(v) != "no" {
				return bad(`standalone must be "yes" or "no"`)
			}
			seen = 3
		default:
			return bad("unexpected or misplaced " + name)
		}
	}
	if seen == 0 {
		return bad("the version is missing")
	}
	return nil
}

func encName(v []byte) bool {
	if len(v) == 0 || !('a' <= v[0]|0x20 && v[0]|0x20 <= 'z') {
		return false
	}
	for _, c := range v[1:] {
		if !('a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

var (
	commentOpen = []byte("<!--")
	cdataOpen   = []byte("<![CDATA[")
	cdataEnd    = []byte("]]>")
	doctypeOpen = []byte("<!DOCTYPE")
	dashDash    = []byte("--")
)

// lexBang reads a comment, a CDATA section or a DOCTYPE.
func (s *Scanner) lexBang() (Kind, error) {
	b := s.buf[:s.end]
	rest := b[s.pos:]
	switch {
	case hasPrefixMore(rest, commentOpen):
		if len(rest) < len(commentOpen) {
			return 0, errMore
		}
		end, err := s.comment(b, s.pos+4)
		if err != nil {
			return 0, err
		}
		s.setData(s.pos+4, end-3, false)
		s.finishCount(end)
		return Comment, nil
	case hasPrefixMore(rest, cdataOpen):
		if len(rest) < len(cdataOpen) {
			return 0, errMore
		}
		if s.state != sRoot {
			return 0, s.errAt(s.pos, ErrSyntax, "a CDATA section outside the root element")
		}
		ds := s.pos + len(cdataOpen)
		k := bytes.Index(b[ds:], cdataEnd)
		if k < 0 {
			return 0, errMore
		}
		data := b[ds : ds+k]
		if bad := validChars(data); bad >= 0 {
			return 0, s.errAt(ds+bad, ErrEncoding, "a character XML does not allow")
		}
		s.setData(ds, ds+k, false)
		if bytes.IndexByte(data, '\r') >= 0 {
			s.dec = normalizeLineEnds(s.dec[:0], data)
			s.setData(0, len(s.dec), true)
		}
		s.finishCount(ds + k + 3)
		return CDATA, nil
	case hasPrefixMore(rest, doctypeOpen):
		if len(rest) < len(doctypeOpen) {
			return 0, errMore
		}
		return s.lexDoctype()
	}
	return 0, s.errAt(s.pos, ErrSyntax, "<! must begin a comment, a CDATA section or the DOCTYPE")
}

// hasPrefixMore reports whether b starts with p, or with a part of p that the end of the
// buffer cuts (so more input could complete it).
func hasPrefixMore(b, p []byte) bool {
	if len(b) >= len(p) {
		return bytes.HasPrefix(b, p)
	}
	return bytes.HasPrefix(p, b)
}

// comment checks a comment whose text starts at b[i] and returns the index after "-->".
func (s *Scanner) comment(b []byte, i int) (int, error) {
	k := bytes.Index(b[i:], dashDash)
	if k < 0 {
		return 0, errMore
	}
	e := i + k
	if e+2 >= len(b) {
		return 0, errMore
	}
	if b[e+2] != '>' {
		return 0, s.errAt(e, ErrSyntax, "-- is not allowed inside a comment")
	}
	if bad := validChars(b[i:e]); bad >= 0 {
		return 0, s.errAt(i+bad, ErrEncoding, "a character XML does not allow")
	}
	return e + 3, nil
}

// lexDoctype reads a DOCTYPE: name, external identifier and internal subset, whose
// declarations, comments and PIs are delimited properly (a '>' inside a comment or a
// quoted literal does not end anything) but not interpreted.
func (s *Scanner) lexDoctype() (Kind, error) {
	if s.state != sProlog || s.doctype {
		return 0, s.errAt(s.pos, ErrSyntax, "a DOCTYPE is allowed once, before the root element")
	}
	b := s.buf[:s.end]
	i := s.pos + len(doctypeOpen)
	need := func(i int) error {
		if i >= len(b) {
			return errMore
		}
		return nil
	}
	if err := need(i); err != nil {
		return 0, err
	}
	if !spaceByte[b[i]] {
		return 0, s.errAt(i, ErrSyntax, "white space is required after DOCTYPE")
	}
	i = skipSpace(b, i)
	i, _, err := s.scanName(b, i)
	if err != nil {
		return 0, err
	}
	j := skipSpace(b, i)
	if err := need(j); err != nil {
		return 0, err
	}
	if j > i && (b[j] == 'S' || b[j] == 'P') {
		kw := j
		for j < len(b) && b[j] >= 'A' && b[j] <= 'Z' {
			j++
		}
		if err := need(j); err != nil {
			return 0, err
		}
		lits := 0
		switch string(b[kw:j]) {
		case "SYSTEM":
			lits = 1
		case "PUBLIC":
			lits = 2
		default:
			return 0, s.errAt(kw, ErrSyntax, "expected SYSTEM or PUBLIC in the DOCTYPE")
		}
		for n := 0; n < lits; n++ {
			k := skipSpace(b, j)
			if err := need(k); err != nil {
				return 0, err
			}
			if k == j {
				return 0, s.errAt(k, ErrSyntax, "white space is required before a literal in the DOCTYPE")
			}
			if b[k] != '"' && b[k] != '\'' {
				return 0, s.errAt(k, ErrSyntax, "a quoted literal was expected in the DOCTYPE")
			}
			e := bytes.IndexByte(b[k+1:], b[k])
			if e < 0 {
				return 0, errMore
			}
			j = k + e + 2
		}
		j = skipSpace(b, j)
		if err := need(j); err != nil {
			return 0, err
		}
	}
	if b[j] == '[' {
		j++
	subset:
		for {
			j = skipSpace(b, j)
			if err := need(j); err != nil {
				return 0, err
			}
			switch b[j] {
			case ']':
				j++
				break subset
			case '%':
				k, colon, err := s.scanName(b, j+1)
				if err != nil {
					return 0, err
				}
				if err := need(k); err != nil {
					return 0, err
				}
				if colon >= 0 || b[k] != ';' {
					return 0, s.errAt(j, ErrSyntax, "a malformed parameter-entity reference")
				}
				j = k + 1
			case '<':
				rest := b[j:]
				switch {
				case hasPrefixMore(rest, commentOpen):
					if len(rest) < 4 {
						return 0, errMore
					}
					e, err := s.comment(b, j+4)
					if err != nil {
						return 0, err
					}
					j = e
				case len(rest) >= 2 && rest[1] == '?':
					// A processing instruction: a target first, then "?>" or white space,
					// checked as lexPI checks one outside the DOCTYPE ("<?>" and "<?p>"
					// read on to the end of the input).
					t, xml, err := s.piTarget(b, j+2)
					if err != nil {
						return 0, err
					} else if xml {
						return 0, s.errAt(j, ErrSyntax, "an XML declaration is allowed only at the very start")
					}
					if err := need(t + 1); err != nil {
						return 0, err
					}
					if !(b[t] == '?' && b[t+1] == '>') && !spaceByte[b[t]] {
						return 0, s.errAt(t, ErrSyntax, "white space is required after a processing instruction target")
					}
					e := bytes.Index(b[t:], piEnd)
					if e < 0 {
						return 0, errMore
					}
					j = t + e + 2
				case len(rest) >= 2 && rest[1] == '!':
					// A markup declaration: up to '>' outside quoted literals.
					k := j + 2
					for {
						if err := need(k); err != nil {
							return 0, err
						}
						c := b[k]
						if c == '>' {
							break
						}
						if c == '"' || c == '\'' {
							e := bytes.IndexByte(b[k+1:], c)
							if e < 0 {
								return 0, errMore
							}
							k += e + 2
							continue
						}
						if c == '<' {
							return 0, s.errAt(k, ErrSyntax, "< inside a markup declaration")
						}
						k++
					}
					j = k + 1
				case len(rest) < 2:
					return 0, errMore
				default:
					return 0, s.errAt(j, ErrSyntax, "unexpected markup in the DOCTYPE internal subset")
				}
			default:
				return 0, s.errAt(j, ErrSyntax, "unexpected content in the DOCTYPE internal subset")
			}
		}
		j = skipSpace(b, j)
		if err := need(j); err != nil {
			return 0, err
		}
	}
	if b[j] != '>' {
		return 0, s.errAt(j, ErrSyntax, "expected > at the end of the DOCTYPE")
	}
	data := b[s.pos+2 : j]
	if bad := validChars(data); bad >= 0 {
		return 0, s.errAt(s.pos+2+bad, ErrEncoding, "a character XML does not allow")
	}
	s.doctype = true
	s.setData(s.pos+2, j, false)
	s.finishCount(j + 1)
	return Doctype, nil
}
