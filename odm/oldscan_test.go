package odm

// The scanner odm used before internal/xmlscan: encoding/xml's RawToken with the guard
// reader and odm's own namespace, nesting and duplicate checks. Kept only as the reference
// side of the differential test and fuzz target in xmlscan_diff_test.go.

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

type oldScanner struct {
	d        *xml.Decoder
	g        *oldGuard
	opts     ReadOptions
	ns       []nsBinding
	marks    []int
	open     []Name // names as written of open elements, for end-tag matching
	version  Version
	odmNS    string
	warnings []*Error
	err      error
	lastOff  int64 // InputOffset after the last start tag, for <x/> detection
	wsCache  map[string]string
	seenRoot bool
	scratch  [][]entry // layout buffers, one per level of typed nesting, reused
	level    int
	cur      token // the token next returned last; overwritten by the following call
}

func newOldScanner(r io.Reader, opts ReadOptions) *oldScanner {
	s := &oldScanner{opts: opts, wsCache: make(map[string]string)}
	in, err := prepareInput(r)
	if err != nil {
		s.err = s.locate(err, 1, 1)
		return s
	}
	s.g = &oldGuard{r: in, maxTok: opts.maxToken(), maxInput: opts.MaxInputBytes, maxAttrs: opts.maxAttrs()}
	s.d = xml.NewDecoder(s.g)
	s.d.Strict = true
	// The bytes are already UTF-8 (prepareInput transcoded them), so whatever the
	// declaration names, the decoder must read them as they are.
	s.d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	return s
}

// locate and fail place errors as the scanner's do (an oldScanner reads no context, so
// locate's case for a stopped read never comes).
func (s *oldScanner) locate(err error, line, col int) error {
	return (&scanner{opts: s.opts}).locate(err, line, col)
}
func (s *oldScanner) fail(err error, msg string, line, col int) error {
	s.err = (&scanner{opts: s.opts}).fail(err, msg, line, col)
	return s.err
}
func (s *oldScanner) warn(err error, code WarningCode, msg string, line, col int) error {
	w := &Error{File: s.opts.Name, Line: line, Col: col, Err: err, Code: code, Msg: msg}
	if s.opts.Strict {
		s.err = w
		return w
	}
	s.warnings = append(s.warnings, w)
	return nil
}

func (s *oldScanner) lookup(prefix string) (string, bool) {
	switch prefix {
	case "xml":
		return NSXML, true
	case "xmlns":
		return NSXMLNS, true
	}
	for i := len(s.ns) - 1; i >= 0; i-- {
		if s.ns[i].prefix == prefix {
			return s.ns[i].uri, true
		}
	}
	if prefix == "" {
		return "", true
	}
	return "", false
}

// next returns the next token. It points into the oldScanner and is valid until the next
// call: a caller that keeps a start tag copies it. Errors are positioned and sticky.
func (s *oldScanner) next() (*token, error) {
	if s.err != nil {
		return nil, s.err
	}
	line, col := s.d.InputPos()
	off := s.d.InputOffset()
	t, err := s.d.RawToken()
	if err != nil {
		return nil, s.tokenError(err, line, col)
	}
	s.cur = token{line: line, col: col}
	tk := &s.cur
	switch t := t.(type) {
	case xml.StartElement:
		if max := s.opts.maxDepth(); max > 0 && len(s.open) >= max {
			return nil, s.fail(ErrDepth, "elements nest deeper than the limit", line, col)
		}
		if err := s.startElement(tk, t); err != nil {
			return nil, err
		}
		s.lastOff = s.d.InputOffset()
		tk.kind = tStart
	case xml.EndElement:
		if len(s.open) == 0 {
			return nil, s.fail(ErrSyntax, "unexpected end tag", line, col)
		}
		top := s.open[len(s.open)-1]
		if top.Prefix != t.Name.Space || top.Local != t.Name.Local {
			return nil, s.fail(ErrSyntax, "end tag </"+oldQname(t.Name)+"> does not match <"+top.Qualified()+">", line, col)
		}
		s.open = s.open[:len(s.open)-1]
		s.ns = s.ns[:s.marks[len(s.marks)-1]]
		s.marks = s.marks[:len(s.marks)-1]
		tk.kind = tEnd
	case xml.CharData:
		tk.kind = tText
		tk.data = s.str(t)
		tk.cdata = s.g.isCDATA(off)
	case xml.Comment:
		tk.kind, tk.other = tOther, &Comment{Data: string(t)}
	case xml.ProcInst:
		tk.kind, tk.other = tOther, &ProcInst{Target: t.Target, Inst: string(t.Inst)}
	case xml.Directive:
		tk.kind, tk.other = tOther, &Directive{Data: string(t)}
	}
	return tk, nil
}

func oldQname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// str converts character data to a string, sharing the strings of white-space runs that
// repeat (indentation), which are most of the text tokens of a pretty-printed export.
func (s *oldScanner) str(b []byte) string {
	if len(b) <= 64 && len(b) > 0 && (b[0] == '\n' || b[0] == ' ' || b[0] == '\r' || b[0] == '\t') {
		if v, ok := s.wsCache[string(b)]; ok {
			return v
		}
		if isBlank(string(b)) && len(s.wsCache) < 256 {
			v := string(b)
			s.wsCache[v] = v
			return v
		}
	}
	return string(b)
}

func (s *oldScanner) tokenError(err error, line, col int) error {
	var le *oldLimitError
	switch {
	case errors.As(err, &le):
		what := "a single token is larger than the limit"
		if le.err == ErrInputTooLarge {
			what = "the input is larger than the limit"
		}
		return s.fail(le.err, what, line, col)
	case err == io.EOF:
		if len(s.open) > 0 || !s.seenRoot {
			l, c := s.d.InputPos()
			return s.fail(ErrTruncated, "the document ends before its root element is closed", l, c)
		}
		s.err = io.EOF
		return io.EOF
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		l, c := s.d.InputPos()
		if se.Line > 0 && se.Line != l {
			l, c = se.Line, 0
		}
		if strings.Contains(se.Msg, "unexpected EOF") {
			return s.fail(ErrTruncated, "the document ends in the middle of markup", l, c)
		}
		if strings.Contains(se.Msg, "UTF-8") {
			return s.fail(ErrEncoding, se.Msg, l, c)
		}
		return s.fail(ErrSyntax, se.Msg, l, c)
	}
	var pe *Error
	if errors.As(err, &pe) {
		s.err = s.locate(err, line, col)
		return s.err
	}
	l, c := s.d.InputPos()
	return s.fail(ErrSyntax, err.Error(), l, c)
}

func (s *oldScanner) startElement(tk *token, t xml.StartElement) error {
	line, col := tk.line, tk.col
	s.marks = append(s.marks, len(s.ns))
	// Namespace declarations first: they apply to the element's own name and attributes.
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == "xmlns":
			if a.Name.Local == "xml" || a.Name.Local == "xmlns" {
				if !(a.Name.Local == "xml" && a.Value == NSXML) {
					return s.fail(ErrSyntax, "reserved prefix "+a.Name.Local+" cannot be declared", line, col)
				}
			}
			if a.Value == "" {
				return s.fail(ErrSyntax, "prefix "+a.Name.Local+" cannot be bound to an empty namespace", line, col)
			}
			s.ns = append(s.ns, nsBinding{a.Name.Local, a.Value})
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			s.ns = append(s.ns, nsBinding{"", a.Value})
		}
	}
	space, ok := s.lookup(t.Name.Space)
	if !ok {
		return s.fail(ErrSyntax, "undeclared namespace prefix "+t.Name.Space, line, col)
	}
	tk.name = Name{Space: space, Prefix: t.Name.Space, Local: t.Name.Local}
	if len(t.Attr) > 0 {
		attrs := make([]Attr, len(t.Attr))
		for i, a := range t.Attr {
			var n Name
			switch {
			case a.Name.Space == "xmlns":
				n = Name{Space: NSXMLNS, Prefix: "xmlns", Local: a.Name.Local}
			case a.Name.Space == "" && a.Name.Local == "xmlns":
				n = Name{Space: NSXMLNS, Local: "xmlns"}
			case a.Name.Space == "":
				n = Name{Local: a.Name.Local}
			default:
				u, ok := s.lookup(a.Name.Space)
				if !ok {
					return s.fail(ErrSyntax, "undeclared namespace prefix "+a.Name.Space, line, col)
				}
				n = Name{Space: u, Prefix: a.Name.Space, Local: a.Name.Local}
			}
			attrs[i] = Attr{Name: n, Value: a.Value}
		}
		if err := s.checkDuplicates(attrs, line, col); err != nil {
			return err
		}
		tk.attrs = attrs
	}
	s.open = append(s.open, tk.name)
	return nil
}

func (s *oldScanner) checkDuplicates(attrs []Attr, line, col int) error {
	dup := func() error { return s.fail(ErrSyntax, "duplicate attribute", line, col) }
	if len(attrs) <= 16 {
		for i := 1; i < len(attrs); i++ {
			for j := 0; j < i; j++ {
				if attrs[i].Local == attrs[j].Local && attrs[i].Space == attrs[j].Space {
					return dup()
				}
			}
		}
		return nil
	}
	seen := make(map[Name]bool, len(attrs))
	for _, a := range attrs {
		k := Name{Space: a.Space, Local: a.Local}
		if seen[k] {
			return dup()
		}
		seen[k] = true
	}
	return nil
}

// oldLimitError is returned by the oldGuard reader; the oldScanner attaches the position.
type oldLimitError struct{ err error }

func (e *oldLimitError) Error() string { return e.err.Error() }

// oldGuard sits between the (UTF-8) input and encoding/xml and fails the read as soon as one
// token grows past the limit or the input past its limit. encoding/xml has no limits of its
// own and buffers a whole token in memory, so the check has to happen before the bytes
// reach it. It lexes just enough XML to know token boundaries: text runs end at '<'; tags
// end at '>' outside quotes; comments, CDATA sections and PIs at their closing delimiter.
// Where its lexing could disagree with the parser (exotic DOCTYPE subsets) it errs toward
// counting more bytes as one token, never fewer.
type oldGuard struct {
	r        io.Reader
	maxTok   int
	maxInput int64
	maxAttrs int
	attrs    int // '=' seen in the current tag: an upper bound on its attribute count
	total    int64
	run      int
	st       oldGState
	quote    byte
	depth    int     // bracket depth inside a DOCTYPE
	bang     []byte  // bytes seen after "<!" while deciding what follows
	tail     [2]byte // last two bytes, for delimiters split across reads
	err      error
	cdata    []int64 // stream offsets of "<![CDATA[" not yet claimed by the oldScanner
	// The oldGuard is also the decoder's buffered byte reader, so encoding/xml does not wrap
	// it in a bufio.Reader of its own: one buffer and one copy fewer on the hot path.
	buf        []byte
	rpos, wpos int
}

// ReadByte implements io.ByteReader for encoding/xml.
func (g *oldGuard) ReadByte() (byte, error) {
	if g.rpos < g.wpos {
		c := g.buf[g.rpos]
		g.rpos++
		return c, nil
	}
	return g.fill()
}

func (g *oldGuard) fill() (byte, error) {
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

type oldGState uint8

const (
	oldGText oldGState = iota
	oldGLT             // just after '<'
	oldGBang           // after "<!"
	oldGTag
	oldGComment
	oldGCDATA
	oldGPI
	oldGDecl
)

// Read reads and checks the next chunk of input.
func (g *oldGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	if n > 0 {
		if e := g.scan(p[:n]); e != nil {
			g.err = &oldLimitError{e}
			return 0, g.err
		}
	}
	return n, err
}

func (g *oldGuard) grow(k int) error {
	g.run += k
	if g.maxTok > 0 && g.run > g.maxTok {
		return ErrTokenTooLarge
	}
	return nil
}

func (g *oldGuard) scan(p []byte) error {
	base := g.total
	g.total += int64(len(p))
	if g.maxInput > 0 && g.total > g.maxInput {
		return ErrInputTooLarge
	}
	i := 0
	for i < len(p) {
		switch g.st {
		case oldGText:
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
			g.st = oldGLT
		case oldGLT:
			switch p[i] {
			case '!':
				g.st = oldGBang
				g.bang = g.bang[:0]
			case '?':
				g.st = oldGPI
			default:
				g.st = oldGTag
				continue // the byte belongs to the tag
			}
			i++
			if err := g.grow(1); err != nil {
				return err
			}
		case oldGBang:
			c := p[i]
			g.bang = append(g.bang, c)
			i++
			if err := g.grow(1); err != nil {
				return err
			}
			switch {
			case bytes.Equal(g.bang, []byte("--")):
				g.st = oldGComment
				g.tail = [2]byte{}
			case bytes.Equal(g.bang, []byte("[CDATA[")):
				g.st = oldGCDATA
				g.tail = [2]byte{}
				g.cdata = append(g.cdata, base+int64(i)-9)
			case len(g.bang) == 1 && (c == '-' || c == '['):
			case len(g.bang) > 1 && g.bang[0] == '[' && bytes.HasPrefix([]byte("[CDATA["), g.bang):
			default:
				g.st = oldGDecl
				g.depth = 0
				g.quote = 0
				if c == '>' {
					g.st = oldGText
					g.run = 0
				}
			}
		case oldGTag:
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
			if j, ok := oldFastTag(p[i:]); ok {
				seg := p[i:]
				if j >= 0 {
					seg = p[i : i+j]
				}
				g.attrs += bytes.Count(seg, oldEqSign)
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
				g.st, g.run, g.attrs = oldGText, 0, 0
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
				g.st = oldGText
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
		case oldGComment, oldGCDATA, oldGPI:
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
			case oldGComment:
				done = b1 == '-' && b2 == '-'
			case oldGCDATA:
				done = b1 == ']' && b2 == ']'
			case oldGPI:
				done = b2 == '?'
			}
			g.keepTail(p[i : i+j+1])
			i += j + 1
			if done {
				g.st = oldGText
				g.run = 0
			}
		case oldGDecl:
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
					g.st = oldGText
					g.run = 0
				} else if g.depth > 0 {
					g.depth--
				}
			}
		}
	}
	return nil
}

func (g *oldGuard) keepTail(b []byte) {
	switch {
	case len(b) >= 2:
		g.tail = [2]byte{b[len(b)-2], b[len(b)-1]}
	case len(b) == 1:
		g.tail = [2]byte{g.tail[1], b[0]}
	}
}

// isCDATA reports whether a character-data token starting at stream offset off was a CDATA
// section, forgetting sections that start before off.
func (g *oldGuard) isCDATA(off int64) bool {
	for len(g.cdata) > 0 && g.cdata[0] < off {
		g.cdata = g.cdata[1:]
	}
	if len(g.cdata) > 0 && g.cdata[0] == off {
		g.cdata = g.cdata[1:]
		return true
	}
	return false
}

var oldEqSign = []byte{'='}

// oldFastTag looks for the '>' that ends a tag in p (starting outside quotes). It succeeds
// when the bytes before that '>' (or all of p when there is none) hold no single quote and
// an even number of double quotes, so the '>' cannot be inside an attribute value; j is
// its index or -1. Otherwise the caller scans byte by byte.
func oldFastTag(p []byte) (j int, ok bool) {
	j = bytes.IndexByte(p, '>')
	seg := p
	if j >= 0 {
		seg = p[:j]
	}
	if bytes.IndexByte(seg, '\'') >= 0 || bytes.Count(seg, oldDQuote)%2 != 0 {
		return 0, false
	}
	return j, true
}

var oldDQuote = []byte{'"'}
