package odm

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"unsafe"

	"github.com/odmadmin/odmadmin/internal/ctxio"
	"github.com/odmadmin/odmadmin/internal/intern"
	"github.com/odmadmin/odmadmin/internal/xmlscan"
)

type nsBinding struct{ prefix, uri string }

type tokKind uint8

const (
	tStart tokKind = iota + 1
	tEnd
	tText
	tOther
)

// token is one scanned token. Start tags and text are carried by value so that the
// typed decoder allocates nodes only for what it keeps as nodes. line and col are set for
// start tags, comments, PIs and text that is not white space only.
type token struct {
	kind  tokKind
	name  Name   // tStart
	attrs []Attr // tStart
	data  string // tText
	cdata bool   // tText
	blank bool   // tText: data is white space only
	other Node   // tOther: *Comment, *ProcInst, *Directive
	line  int
	col   int
	// lazy marks a start tag (of a typed child, read in place) whose attrs are not read
	// yet: readAttrs reads them, or gives a leaf the shared source of its shape instead.
	lazy bool
}

func (t token) element() *Element {
	return &Element{Name: t.name, Attrs: t.attrs, Line: t.line, Col: t.col}
}

func (t token) textNode() *Text { return &Text{Data: t.data, CDATA: t.cdata} }

// node returns the token as a node to keep (not for start or end tags).
func (t token) node() Node {
	if t.kind == tText {
		return t.textNode()
	}
	return t.other
}

func (t token) is(space, local string) bool { return t.name.Local == local && t.name.Space == space }

type scanner struct {
	xs       *xmlscan.Scanner
	opts     ReadOptions
	version  Version
	odmNS    string
	warnings []*Error
	wbound   warnBound // keeps warnings within ReadOptions.MaxWarnings
	err      error
	empty    bool // the last end tag closed an element written as <x/>
	seenRoot bool
	names    intern.Table // element and attribute names and prefixes, shared
	// attrNames are, by position in a start tag, the prefix and local name of the
	// attribute read there last (attrs).
	attrNames [16]struct{ prefix, local string }
	// attrIdx are, by position in a start tag, the attribute read there last with the
	// index in its content model's attributes (attrIndexAt).
	attrIdx  [16]attrAt
	maxNodes int       // ReadOptions.MaxNodes resolved: child nodes of one typed element
	scratch  [][]entry // layout buffers, one per level of typed nesting, reused
	auxs     [][]Node  // and what their entries refer to (source.aux)
	packBuf  []byte    // a layout packed (packEntries) before it is copied to the arena
	level    int
	wsCache  map[string]string
	ar       arena // memory of the record being read (see arena.go)
	cur      token // the token next returned last; overwritten by the following call
	// recs are, when the arena recycles, the records read last, by AdminData field: the
	// next record of the same kind is read into the same value (newRecord).
	recs [adSignatureDefs + 1]Node
	// userBox is set when the last user read outside recycle mode had an Address and a
	// LocationRef: the next one is read into a userBox (newRecord).
	userBox bool
	// boxing is set for a Reader's scanner, the one that reads users into a userBox: the
	// block cut makes after a user then holds the next one's (arena.block). Other
	// readers would leave that room unused.
	boxing bool
	// leaves are the shared sources of leaf elements, by shape (leafSource).
	leaves []leafSrc
	// recAttrs are the shared attribute lists of records' start tags, by shape, and the
	// entry the next new one replaces (recordAttrs).
	recAttrs [4]recAttrs
	recNext  int
	recMade  int // lists made (recordAttrs)
	recUsed  int // start tags given a list
	// lays are packed layouts seen last, by content model, for elements to share (layout).
	lays    [8]layShare
	layNext int // the entry of lays the next new layout replaces
	// textsHint is, by content model and field (hashed), the most items of a repeated
	// text child (Email, StreetName, ...) one element had so far, up to 8: the size of
	// the array the next one starts with. Most users have one e-mail address and two
	// street lines; a wrong guess costs an append.
	textsHint [64]uint8
	// skimModels are the values Check takes content models from (skimRecord, skimChild).
	skimModels map[skimKey]model
}

// layShare is a packed layout (source.lay) the scanner saw last for a content model:
// last is the scanner's copy of its bytes, shared nil or their copy that the elements laid
// out alike share.
type layShare struct {
	sp           *spec
	last, shared []byte
}

// layout returns the packed layout b (scratch space) of an element of content model sp as
// the element's source keeps it. Records laid out alike pack alike (packEntries): from the
// second element of a layout on, its elements share one copy of the bytes, in an array of
// its own that holds nothing else (layouts are never written to), so no record pins
// another's memory through it. That is a hundred bytes and more a user less to allocate
// and copy. Other layouts are copied into the record's memory, as before.
func (s *scanner) layout(sp *spec, b []byte) []byte {
	for i := range s.lays {
		l := &s.lays[i]
		if l.sp != sp || string(l.last) != string(b) {
			continue
		}
		if l.shared == nil {
			l.shared = append(make([]byte, 0, len(b)), b...)
		}
		return l.shared
	}
	if len(b) <= 512 {
		l := &s.lays[s.layNext]
		s.layNext = (s.layNext + 1) % len(s.lays)
		l.sp, l.last, l.shared = sp, append(l.last[:0], b...), nil
	}
	return s.ar.layout(b)
}

type leafSrc struct {
	sp   *spec
	code uint64
	src  *source
}

func newScanner(r io.Reader, opts ReadOptions) *scanner {
	s := &scanner{opts: opts, wsCache: make(map[string]string), maxNodes: opts.maxNodes()}
	s.ar.strs.poison = opts.poison
	if r == nil {
		s.err = nilReader(opts.Name)
		return s
	}
	in, err := prepareInput(ctxio.Reader(opts.Context, r))
	if err != nil {
		s.err = s.locate(err, 1, 1)
		return s
	}
	lim := func(n int) int { return max(n, 0) } // negative: no limit
	s.xs = xmlscan.New(in, xmlscan.Options{
		MaxDepth:      lim(opts.maxDepth()),
		MaxTokenBytes: lim(opts.maxToken()),
		MaxAttrs:      lim(opts.maxAttrs()),
		MaxInputBytes: max(opts.MaxInputBytes, 0),
	})
	return s
}

func (s *scanner) locate(err error, line, col int) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{File: s.opts.Name, Line: line, Col: col, Err: err, Msg: "read stopped"}
	}
	var pe *Error
	if errors.As(err, &pe) {
		if pe.File == "" {
			pe.File = s.opts.Name
		}
		if pe.Line == 0 {
			pe.Line, pe.Col = line, col
		}
		return pe
	}
	return &Error{File: s.opts.Name, Line: line, Col: col, Err: ErrSyntax, Msg: err.Error()}
}
func (s *scanner) fail(err error, msg string, line, col int) error {
	s.err = &Error{File: s.opts.Name, Line: line, Col: col, Err: err, Msg: msg}
	return s.err
}
func (s *scanner) warn(err error, code WarningCode, msg string, line, col int) error {
	w := &Error{File: s.opts.Name, Line: line, Col: col, Err: err, Code: code, Msg: msg}
	if s.opts.Strict {
		s.err = w
		return w
	}
	if s.wbound.keep(&s.warnings, w, resolveMaxWarnings(s.opts.MaxWarnings)) {
		s.warnings = append(s.warnings, w)
	}
	return nil
}

// next returns the next token. It points into the scanner and is valid until the next
// call: a caller that keeps a start tag copies it. Errors are positioned and sticky.
func (s *scanner) next() (*token, error) {
	k, err := s.raw()
	if err != nil {
		return nil, err
	}
	return s.fill(k, true), nil
}

// raw advances the XML scanner by one token without converting it: the typed decoder
// handles the common tokens (white space, end tags, the start tags and text of standard
// children) from the scanner's own view and calls fill only for the others.
func (s *scanner) raw() (xmlscan.Kind, error) {
	if s.err != nil {
		return 0, s.err
	}
	k, err := s.xs.Next()
	if err != nil {
		return 0, s.tokenError(err)
	}
	return k, nil
}

// fill converts the scanner's current token of kind k into s.cur. Positions are taken
// for what can be kept or warned about: not for end tags and white space, most of the
// tokens of a pretty-printed file (see xmlscan's Pos), and for text only when textPos is
// set (a caller that keeps no text positions and warns about none passes false).
func (s *scanner) fill(k xmlscan.Kind, textPos bool) *token {
	tk := &s.cur
	switch k {
	case xmlscan.StartElement:
		// Field by field (every field): a composite value is built apart and copied in
		// whole, loads the processor cannot forward from the stores that built it.
		line, col := s.xs.Pos()
		tk.kind, tk.line, tk.col = tStart, line, col
		tk.name.Space, tk.name.Prefix, tk.name.Local = s.xs.Space(), s.name(s.xs.Prefix()), s.name(s.xs.Local())
		tk.data, tk.cdata, tk.blank, tk.other, tk.lazy = "", false, false, nil, false
		tk.attrs = s.attrs()
	case xmlscan.EndElement:
		*tk = token{kind: tEnd}
		s.empty = s.xs.Empty()
	case xmlscan.Text:
		data, blank := s.str(s.xs.Data())
		*tk = token{kind: tText, data: data, blank: blank}
		if !blank && textPos {
			tk.line, tk.col = s.xs.Pos()
		}
	default:
		line, col := s.xs.Pos()
		*tk = token{line: line, col: col}
		switch k {
		case xmlscan.CDATA:
			tk.kind = tText
			tk.data = s.ar.strs.str(s.xs.Data())
			tk.cdata = true
			tk.blank = isBlank(tk.data)
		case xmlscan.Comment:
			tk.kind, tk.other = tOther, &Comment{Data: s.ar.strs.str(s.xs.Data())}
		case xmlscan.ProcInst:
			tk.kind, tk.other = tOther, &ProcInst{Target: s.name(s.xs.Target()), Inst: string(s.xs.Data())}
		case xmlscan.Doctype:
			tk.kind, tk.other = tOther, &Directive{Data: string(s.xs.Data())}
		}
	}
	return tk
}

// attrs returns the attributes of the current start tag, cut from the record's arena
// (nil when there are none).
func (s *scanner) attrs() []Attr {
	n := s.xs.NumAttrs()
	if n == 0 {
		return nil
	}
	attrs := s.ar.attrs.take(n)
	for i := range attrs {
		space, prefix, local, value := s.xs.Attr(i)
		a := &attrs[i]
		// Field by field, not as one composite value: the compiler copies a composite Attr
		// with typedmemmove, whose bulk barrier costs more while the collector marks,
		// which is often in a stream that allocates each record anew.
		a.Space = space
		if i < len(s.attrNames) {
			// A file writes the attributes of its elements in the same order: the name at
			// this position is most often the one seen there last.
			c := &s.attrNames[i]
			if string(local) != c.local || string(prefix) != c.prefix {
				c.prefix, c.local = s.name(prefix), s.name(local)
			}
			a.Prefix, a.Local = c.prefix, c.local
		} else {
			a.Prefix, a.Local = s.name(prefix), s.name(local)
		}
		a.Value = s.ar.strs.str(value)
	}
	return attrs
}

// name returns b as a string shared by every occurrence: a file has few distinct names.
// A small direct-mapped cache in front of the map answers most look-ups with one compare.
func (s *scanner) name(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return s.names.Name(b)
}

// indents holds the indentation runs of pretty-printed files: a line feed and spaces.
const indents = "\n                                                                " +
	"                                                                "

// maxIndent is the longest indentation the decoders take with the token after it
// (xmlscan.NextIndented): one indents holds.
const maxIndent = len(indents)

// str converts character data to a string, sharing the strings of white-space runs that
// repeat (indentation), which are most of the text tokens of a pretty-printed export. It
// also reports whether the text is white space only. b is the current token's data.
func (s *scanner) str(b []byte) (string, bool) {
	if n := len(b); s.xs.Indent() && n <= len(indents) {
		return indents[:n], true // the scanner saw a line feed and spaces only
	}
	if n := len(b); n > 0 && n <= len(indents) && b[0] == '\n' && string(b) == indents[:n] {
		return indents[:n], true
	}
	if len(b) > 0 && (b[0] == '\n' || b[0] == ' ' || b[0] == '\r' || b[0] == '\t') {
		if len(b) <= 64 {
			if v, ok := s.wsCache[string(b)]; ok {
				return v, true
			}
		}
		if isBlank(string(b)) {
			if len(b) <= 64 && len(s.wsCache) < 256 {
				v := string(b)
				s.wsCache[v] = v
				return v, true
			}
			return s.ar.strs.str(b), true
		}
	}
	return s.ar.strs.str(b), false
}

// tokenError turns a scanner error into a positioned *Error wrapping this package's
// sentinel of the same meaning.
func (s *scanner) tokenError(err error) error {
	if err == io.EOF {
		s.err = io.EOF
		return io.EOF
	}
	var xe *xmlscan.Error
	var pe *Error
	if errors.As(err, &pe) {
		// From the transcoding reader: positioned by it when it can be.
		l, c := s.xs.Pos()
		s.err = s.locate(err, l, c)
		return s.err
	}
	if !errors.As(err, &xe) {
		// A read error of the underlying reader.
		l, c := s.xs.Pos()
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			// ReadOptions.Context was cancelled: say so, and let errors.Is find it.
			return s.fail(err, "read stopped", l, c)
		}
		s.err = &Error{File: s.opts.Name, Line: l, Col: c, Err: err, Msg: "reading the input failed"}
		return s.err
	}
	sentinel := ErrSyntax
	switch xe.Err {
	case xmlscan.ErrTruncated:
		sentinel = ErrTruncated
	case xmlscan.ErrEncoding:
		sentinel = ErrEncoding
	case xmlscan.ErrDepth:
		sentinel = ErrDepth
	case xmlscan.ErrTokenTooLarge:
		sentinel = ErrTokenTooLarge
	case xmlscan.ErrInputTooLarge:
		sentinel = ErrInputTooLarge
	case xmlscan.ErrTooManyAttrs:
		sentinel = ErrTooManyAttrs
	}
	return s.fail(sentinel, xe.Msg, xe.Line, xe.Col)
}

// tooManyNodes is the error for a typed element with more child nodes than the limit, at
// the current token.
func (s *scanner) tooManyNodes(name string) error {
	line, col := s.xs.Pos()
	return s.fail(ErrTooManyNodes, "the element "+name+" has more child nodes (elements, text pieces, comments) than the limit of "+strconv.Itoa(s.maxNodes), line, col)
}

// overNodes reports whether the token just read (of kind xk) goes past ReadOptions.MaxNodes
// in a typed element of model sp that has n children so far. MaxNodes children are
// allowed; what comes after them fails, but for white space before the end tag or the
// next child, which is no child of its own (unless the model has text of its own).
func (s *scanner) overNodes(n int, xk xmlscan.Kind, sp *spec) bool {
	return n >= s.maxNodes && (xk != xmlscan.Text || sp.text || !isBlankBytes(s.xs.Data()))
}

// wasEmpty reports whether the end tag just read closed an element written as <x/>.
func (s *scanner) wasEmpty() bool { return s.empty }

// readRaw reads the rest of the element started by e into e.Children.
func (s *scanner) readRaw(e *Element) error {
	first := true
	for {
		k, err := s.raw()
		if err != nil {
			return err
		}
		if k == xmlscan.EndElement {
			s.empty = s.xs.Empty()
			if first && s.empty {
				e.Empty = true
			}
			return nil
		}
		// Text nodes keep no position.
		tk := s.fill(k, false)
		switch tk.kind {
		case tStart:
			c := s.element(tk)
			if err := s.readRaw(c); err != nil {
				return err
			}
			e.Children = append(e.Children, c)
		default:
			e.Children = append(e.Children, tk.node())
		}
		first = false
	}
}

// element returns the start tag tk as a new element in the record's arena.
func (s *scanner) element(tk *token) *Element {
	e := s.ar.elems.one()
	*e = Element{Name: tk.name, Attrs: tk.attrs, Line: tk.line, Col: tk.col}
	return e
}

// readRawToken reads the element whose start tag is tk and returns it whole.
func (s *scanner) readRawToken(tk *token) (*Element, error) {
	e := s.element(tk)
	return e, s.readRaw(e)
}

// readVendor reads the element whose start tag is tk, directly inside AdminData and not
// a record, as readRawToken does, with a warning when it is in the ODM namespace or none,
// where no vendor's element is.
func (s *scanner) readVendor(tk *token) (*Element, error) {
	e, err := s.readRawToken(tk)
	if err != nil {
		return nil, err
	}
	if e.Space == s.odmNS || e.Space == "" {
		if err := s.warn(ErrUnknown, WarnUnknownElement, "element "+e.Local+" is not defined inside AdminData", e.Line, e.Col); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// skip consumes the rest of an element without keeping anything.
func (s *scanner) skip() error {
	depth := 1
	for depth > 0 {
		k, err := s.raw()
		if err != nil {
			return err
		}
		switch k {
		case xmlscan.EndElement:
			depth--
		case xmlscan.StartElement:
			depth++
		}
	}
	s.empty = s.xs.Empty()
	return nil
}

// readTyped fills m from the element whose start tag is tk0.
func (s *scanner) readTyped(m model, tk0 *token) error {
	if m.spec(s.version).rec && !s.ar.recycling() {
		// A record's layout is built on the stack (a pretty-printed User has two dozen
		// children): no write barriers while it is built when the collector runs, which
		// it often does while a stream allocates a new record each time. (Recycling
		// streams allocate little, so the collector seldom runs: the reused buffers of
		// readNested cost them less than clearing this one.)
		var buf [32]entry
		var aux [8]Node
		return s.readTypedIn(m, tk0, buf[:0], aux[:0])
	}
	return s.readNested(m, tk0)
}

// readNested is readTyped building the layout in a buffer reused across elements of the
// same nesting level. A layout longer than the buffer grows on the heap once and is not
// kept: were the grown buffer stored back, the stack buffer of readTyped would have to
// live on the heap too (escape analysis sees readTypedIn's layout flow into s.scratch).
func (s *scanner) readNested(m model, tk0 *token) error {
	if s.level == len(s.scratch) {
		s.scratch = append(s.scratch, make([]entry, 0, 64))
		s.auxs = append(s.auxs, make([]Node, 0, 16))
	}
	lay, aux := s.scratch[s.level][:0], s.auxs[s.level][:0]
	s.level++
	err := s.readTypedIn(m, tk0, lay, aux)
	s.level--
	return err
}

// readTypedIn is readTyped building the layout in lay (which it may grow), copied once at
// its final size: one allocation per element. The loop takes a plain text child whole
// (PeekText, TakeText), looks at the other common tokens in the XML scanner's own view
// (white space, end tags, start tags of standard children) and converts only the others
// into a token (fill).
func (s *scanner) readTypedIn(m model, tk0 *token, lay []entry, aux []Node) error {
	// readAttrs reads *tk0 before the scanner moves on, so it needs no copy.
	if err := s.readAttrs(m, tk0); err != nil {
		return err
	}
	// The attributes as read (not read for a leaf of standard attributes, leafAttrs) and the
	// layout: what checkTyped looks at, also when no source keeps them (ValuesOnly).
	attrs := tk0.attrs
	x := m.ext()
	sp := m.spec(s.version)
	src := x.src
	std := 0        // standard child elements read so far
	maxKi := 0      // highest schema position of a standard child so far
	lastKi := 0     // schema position of the last standard child: the next is usually there or after
	var seen uint64 // single text children already read, by field id
	first := true
	ws := ""
	var text strings.Builder
	var st token // the start tag of a standard child, built without fill
	for {
		// s.raw by hand (not inlined): the typed decoder returns on any error, so the
		// sticky s.err need not be checked here. The indentation before a child, most
		// of the text tokens, comes with it (not for text content, where it is content).
		var xk xmlscan.Kind
		var err error
		if sp.text {
			xk, err = s.xs.Next()
		} else {
			// Most children of a record are a text child of the model written plainly:
			// the indentation, <Name>, plain text and </Name>. The XML scanner reads
			// such a child whole when it is in the buffer (PeekText, TakeText), opening
			// and closing no element, and it is kept here as the longer way below keeps
			// a text child (start tag, readText): the same value, entry and warnings.
			// A name the model does not take as text here (one repeated past what it
			// allows is read as an element to warn about) goes the longer way.
			if space, local, found := s.xs.PeekText(maxIndent); found && space == s.odmNS && len(lay) < s.maxNodes {
				if k, ki, ok := sp.kidBytes(local, lastKi); ok && (k.kind == kTexts || (k.kind == kText && seen&(1<<uint(k.field)) == 0)) {
					// PeekText found it just now and nothing read since: TakeText reads it.
					n, line, col, _ := s.xs.TakeText()
					if n > 0 {
						if ws == "" {
							ws = indents[:n]
						} else {
							ws += indents[:n]
						}
					}
					first = false
					lastKi = ki
					std++
					if kp := sp.pos[k.field]; kp < maxKi {
						if err := s.warn(ErrQuirk, WarnElementOrder, k.name+" stands after "+sp.kids[maxKi].name+" inside "+sp.name+", out of schema order", line, col); err != nil {
							return err
						}
					} else {
						maxKi = kp
					}
					// What readText reads of a plain run and the end tag (TextEnd).
					s.empty = false
					var en rawEntry
					if d := s.xs.Data(); len(d) > 0 {
						en.text, _ = s.str(d)
					}
					if k.kind == kText {
						seen |= 1 << uint(k.field)
						*m.textPtr(k.field) = en.text
						if en.text == "" {
							x.present |= 1 << uint(k.field)
						}
					} else {
						en.item = s.appendText(m, sp, k, en.text)
					}
					var fl entryFlags
					if en.text != "" {
						fl = fText
					}
					if w, ok := indentCode(ws); ok {
						// Field by field in its place, as below.
						var e *entry
						lay, e = nextEntry(lay)
						e.kind, e.flags, e.field, e.item = eField, fl, uint8(k.field), en.item
						e.line, e.col, e.ws, e.aux = int32(line), int32(col), w, 0
					} else {
						lay, aux = addEntry(lay, aux, entry{kind: eField, flags: fl, field: uint8(k.field), item: en.item, line: int32(line), col: int32(col)}, ws, nil, en.text)
					}
					if sp.textChecks&(1<<uint(k.field)) != 0 {
						if err := s.checkText(sp, k, &en, int32(line), int32(col)); err != nil {
							return err
						}
					}
					ws = ""
					continue
				}
			}
			var n int
			if xk, n, err = s.xs.NextIndented(maxIndent); n > 0 {
				first = false
				if ws == "" {
					ws = indents[:n]
				} else {
					ws += indents[:n]
				}
			}
		}
		if err != nil {
			return s.tokenError(err)
		}
		if xk == xmlscan.EndElement {
			s.empty = s.xs.Empty()
			if sp.text {
				*m.textPtr(0) = text.String()
			}
			switch {
			case src == nil:
				// ReadOptions.ValuesOnly: the layout built in lay is not kept.
			case src.shared:
				// A leaf of a shared source (leafSource) has no content: nothing to note.
				return s.checkTyped(m, sp, src.attrs, nil)
			default:
				if first && s.empty {
					src.empty = true
				}
				src.trail = ws
				if len(lay) > 0 {
					src.line0 = int32(x.Line)
					s.packBuf = packEntries(s.packBuf[:0], lay, src.line0)
					src.lay = s.layout(sp, s.packBuf)
				}
				if len(aux) > 0 {
					src.aux = s.ar.nodes.take(len(aux))
					copy(src.aux, aux)
				}
			}
			// Nodes after the last standard child go to the end; they need no slot.
			for i := range lay {
				if e := &lay[i]; e.kind == eExt && int(e.item) < std && !sp.text {
					if x.slots == nil {
						x.slots = make(map[Node]int)
					}
					x.slots[aux[e.aux-1]] = int(e.item)
				}
			}
			err := s.checkTyped(m, sp, attrs, lay)
			if sp.rec {
				// The next record gets room for a user in its block when this one is a
				// user the next would be boxed for (scanner.boxed, newRecord).
				u, ok := m.(*userModel)
				s.ar.cut(s.boxing && ok && len(u.Addresses) > 0 && len(u.LocationRefs) > 0)
			}
			return err
		}
		if s.overNodes(len(lay), xk, sp) {
			return s.tooManyNodes(sp.name)
		}
		first = false
		var tk *token
		var k kidSpec
		var ki int
		ok := false
		switch xk {
		case xmlscan.Text:
			// White space between children, most of the tokens: kept as the next
			// child's ws without a token.
			if d, ok := s.blank(s.xs.Data()); ok && !sp.text {
				if ws == "" {
					ws = d // the usual single run: no concatenation call
				} else {
					ws += d
				}
				continue
			}
		case xmlscan.StartElement:
			// A child in the ODM namespace without prefix, by its name as written: its
			// name string is the content model's, no interning needed.
			if space := s.xs.Space(); space == s.odmNS && len(s.xs.Prefix()) == 0 {
				if k, ki, ok = sp.kidBytes(s.xs.Local(), lastKi); ok {
					// Only the fields of a start tag are set: nothing reads the others.
					st.kind = tStart
					st.name = Name{Space: space, Local: k.name}
					if k.kind == kOne || k.kind == kMany {
						st.attrs, st.lazy = nil, true // read by readAttrs (leafSource)
					} else {
						st.attrs, st.lazy = s.attrs(), false
					}
					st.line, st.col = s.xs.Pos()
					tk = &st
				}
			}
		}
		if tk == nil {
			tk = s.fill(xk, true)
			if tk.kind == tStart {
				k, ki, ok = sp.kidFrom(tk.name.Local, lastKi)
			}
		}
		switch tk.kind {
		case tText:
			switch {
			case sp.text:
				text.WriteString(tk.data)
				lay, aux = addEntry(lay, aux, entry{kind: eExt}, ws, tk.textNode(), "")
				ws = ""
			case tk.blank && !tk.cdata:
				if ws == "" {
					ws = tk.data
				} else {
					ws += tk.data
				}
			default:
				if err := s.warn(ErrUnknown, WarnUnexpectedText, "text is not allowed directly inside "+sp.name, tk.line, tk.col); err != nil {
					return err
				}
				lay, aux = s.addExt(x, lay, aux, ws, tk.textNode(), std)
				ws = ""
			}
		case tOther:
			lay, aux = s.addExt(x, lay, aux, ws, tk.other, std)
			ws = ""
		case tStart:
			if ok {
				lastKi = ki
			}
			// tk is &st when the name was matched in the ODM namespace already.
			if !ok || (tk != &st && tk.name.Space != s.odmNS) || (k.kind == kText && seen&(1<<uint(k.field)) != 0) || (k.kind == kOne && m.oneGet(k.field) != nil) {
				if tk.lazy {
					tk.attrs, tk.lazy = s.attrs(), false
				}
				e, err := s.readRawToken(tk)
				if err != nil {
					return err
				}
				if e.Space == s.odmNS || e.Space == "" {
					code, msg := WarnUnknownElement, "element "+e.Local+" is not defined inside "+sp.name
					if ok {
						code, msg = WarnRepeatedElement, "element "+e.Local+" occurs more often inside "+sp.name+" than ODM allows"
					}
					if err := s.warn(ErrUnknown, code, msg, e.Line, e.Col); err != nil {
						return err
					}
				}
				lay, aux = s.addExt(x, lay, aux, ws, e, std)
				ws = ""
				break
			}
			std++
			if ki := sp.pos[k.field]; ki < maxKi {
				if err := s.warn(ErrQuirk, WarnElementOrder, tk.name.Local+" stands after "+sp.kids[maxKi].name+" inside "+sp.name+", out of schema order", tk.line, tk.col); err != nil {
					return err
				}
			} else {
				maxKi = ki
			}
			line, col := int32(tk.line), int32(tk.col)
			switch k.kind {
			case kText, kTexts:
				if tk == &s.cur {
					st = s.cur // readText reads on: the scanner reuses s.cur
					tk = &st
				}
				value, node, empty, mixed, err := s.readText(tk)
				if err != nil {
					return err
				}
				// Set field by field: a composite literal is built apart and copied in whole,
				// the stall readText's results avoid.
				var en rawEntry
				en.kind, en.empty, en.mixed, en.text, en.node = eField, empty, mixed, value, node
				if k.kind == kText {
					seen |= 1 << uint(k.field)
					*m.textPtr(k.field) = en.text
					if en.text == "" {
						x.present |= 1 << uint(k.field)
					}
				} else {
					en.item = s.appendText(m, sp, k, en.text)
				}
				en.field = uint8(k.field)
				en.line, en.col = line, col
				if w, ok := indentCode(ws); ok && en.node == nil {
					// The usual child, built field by field in its place: copying en.packed()
					// in would load, as a whole, what was just stored in pieces, which the
					// processor cannot forward (a stall for each text child).
					var fl entryFlags
					if en.empty {
						fl = fEmpty
					}
					if en.text != "" {
						fl |= fText
					}
					var e *entry
					lay, e = nextEntry(lay)
					e.kind, e.flags, e.field, e.item = eField, fl, uint8(k.field), en.item
					e.line, e.col, e.ws, e.aux = line, col, w, 0
				} else {
					lay, aux = addEntry(lay, aux, en.packed(), ws, en.node, en.text)
				}
				if err := s.checkText(sp, k, &en, line, col); err != nil {
					return err
				}
			case kOne:
				if err := s.readNested(m.oneNew(k.field), tk); err != nil {
					return err
				}
				if w, ok := indentCode(ws); ok {
					var e *entry
					lay, e = nextEntry(lay)
					e.kind, e.flags, e.field, e.item = eField, 0, uint8(k.field), 0
					e.line, e.col, e.ws, e.aux = line, col, w, 0
				} else {
					lay, aux = addEntry(lay, aux, entry{kind: eField, field: uint8(k.field), line: line, col: col}, ws, nil, "")
				}
			case kMany:
				n := m.manyLen(k.field)
				if err := s.readNested(m.manyNew(k.field), tk); err != nil {
					return err
				}
				if w, ok := indentCode(ws); ok {
					var e *entry
					lay, e = nextEntry(lay)
					e.kind, e.flags, e.field, e.item = eField, 0, uint8(k.field), int32(n)
					e.line, e.col, e.ws, e.aux = line, col, w, 0
				} else {
					lay, aux = addEntry(lay, aux, entry{kind: eField, field: uint8(k.field), item: int32(n), line: line, col: col}, ws, nil, "")
				}
			case kElems:
				e, err := s.readRawToken(tk)
				if err != nil {
					return err
				}
				p := m.elemsPtr(k.field)
				lay, aux = addEntry(lay, aux, entry{kind: eField, field: uint8(k.field), item: int32(len(*p)), line: line, col: col}, ws, nil, "")
				*p = append(*p, e)
			}
			ws = ""
		}
	}
}

// appendText appends v to the repeated text child k (Email, StreetName, ...) of m and
// returns its index there.
func (s *scanner) appendText(m model, sp *spec, k kidSpec, v string) int32 {
	p := m.textsPtr(k.field)
	h := &s.textsHint[(uintptr(unsafe.Pointer(sp))>>3+uintptr(k.field))%uintptr(len(s.textsHint))]
	if *p == nil {
		*p = s.ar.texts.take(max(int(*h), 1))[:0]
	}
	i := int32(len(*p))
	*p = append(*p, v)
	if n := len(*p); n > int(*h) && n <= 8 {
		*h = uint8(n)
	}
	return i
}

func (s *scanner) addExt(x *Ext, lay []entry, aux []Node, ws string, n Node, std int) ([]entry, []Node) {
	if x.Nodes == nil {
		x.Nodes = s.ar.nodes.take(2)[:0]
	}
	x.Nodes = append(x.Nodes, n)
	// The slot (standard children before the node) is kept in the entry; the map is built
	// at the end, and only for nodes that stand between standard children.
	return addEntry(lay, aux, entry{kind: eExt, item: int32(std)}, ws, n, "")
}

// blank returns b, the current token's data, as a string when it is white space only: an
// indentation run from a constant without a look at each byte, others as str does.
func (s *scanner) blank(b []byte) (string, bool) {
	if n := len(b); s.xs.Indent() && n <= len(indents) {
		return indents[:n], true // the scanner saw a line feed and spaces only
	}
	if n := len(b); n > 0 && n <= len(indents) && b[0] == '\n' && string(b) == indents[:n] {
		return indents[:n], true
	}
	if !isBlankBytes(b) {
		return "", false
	}
	d, _ := s.str(b)
	return d, true
}

// isBlankBytes is isBlank of character data as the scanner holds it.
func isBlankBytes(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
		default:
			return false
		}
	}
	return true
}

// textAcc accumulates the character data of a text-only element. Almost every text child
// has one run of text: it is kept in one, and a slice is built only for the rare split or
// mixed content.
type textAcc struct {
	one   string
	parts []string
	n     int
}

func (a *textAcc) add(p string) {
	switch a.n {
	case 0:
		a.one = p
	case 1:
		a.parts = append(a.parts, a.one, p)
	default:
		a.parts = append(a.parts, p)
	}
	a.n++
}

func (a *textAcc) text() string {
	switch a.n {
	case 0:
		return ""
	case 1:
		return a.one
	}
	return strings.Join(a.parts, "")
}

// mixed turns en into a text child kept whole (its element with the content read so far
// as text nodes) and returns that element.
func (s *scanner) mixed(en *rawEntry, start *token, acc *textAcc) *Element {
	if !en.mixed {
		el, _ := en.node.(*Element)
		if el == nil {
			el = s.element(start)
		}
		switch acc.n {
		case 1:
			el.Children = append(el.Children, &Text{Data: acc.one})
		default:
			for _, p := range acc.parts {
				el.Children = append(el.Children, &Text{Data: p})
			}
		}
		en.node, en.mixed = el, true
	}
	return en.node.(*Element)
}

// readText reads a text-only element whose start tag is start (which must stay valid:
// not the scanner's s.cur). Mixed content (comments, CDATA or elements inside) is kept
// whole in the entry's node; the text value is the concatenated character data. It
// returns the fields of the entry it sets (the caller sets the others), which fit in
// registers: a returned rawEntry went through the stack in pieces and was copied out
// whole, loads the processor cannot forward from those stores (a stall for each text
// child), and one set through a pointer passed the write barrier for its strings.
func (s *scanner) readText(start *token) (text string, node Node, empty, mixed bool, err error) {
	var en rawEntry
	if len(start.attrs) > 0 || start.name.Prefix != "" {
		en.node = s.element(start)
	}
	// Most text children are a plain run and the end tag: read in one call, the tokens
	// the loop below would read one by one (one node at most, within any MaxNodes).
	if d, ok := s.xs.TextEnd(); ok {
		s.empty = false
		if len(d) > 0 {
			en.text, _ = s.str(d)
		}
		return en.text, en.node, false, false, nil
	}
	var acc textAcc
	first := true
	nodes := 0
	for {
		xk, err := s.xs.Next() // s.raw by hand, as in readTyped
		if err != nil {
			return "", nil, false, false, s.tokenError(err)
		}
		if xk == xmlscan.EndElement {
			s.empty = s.xs.Empty()
			if first && s.empty {
				en.empty = true
			}
			en.text = acc.text()
			if en.mixed {
				en.node.(*Element).Empty = en.empty
			}
			return en.text, en.node, en.empty, en.mixed, nil
		}
		if nodes++; nodes > s.maxNodes {
			return "", nil, false, false, s.tooManyNodes(start.name.Local)
		}
		first = false
		if xk == xmlscan.Text && !en.mixed {
			// The value itself, the common case: no token.
			d, _ := s.str(s.xs.Data())
			acc.add(d)
			continue
		}
		// Text positions are not kept here.
		tk := s.fill(xk, false)
		switch tk.kind {
		case tText:
			if tk.cdata || en.mixed {
				el := s.mixed(&en, start, &acc)
				el.Children = append(el.Children, tk.textNode())
			}
			acc.add(tk.data)
		case tStart:
			el := s.mixed(&en, start, &acc)
			c, err := s.readRawToken(tk)
			if err != nil {
				return "", nil, false, false, err
			}
			el.Children = append(el.Children, c)
			if err := s.warn(ErrUnknown, WarnElementInText, "element "+c.Local+" inside text-only element "+start.name.Local, c.Line, c.Col); err != nil {
				return "", nil, false, false, err
			}
		default:
			el := s.mixed(&en, start, &acc)
			el.Children = append(el.Children, tk.other)
		}
	}
}

// readAttrs sets m's attributes from start and starts its source layout.
func (s *scanner) readAttrs(m model, start *token) error {
	x := m.ext()
	sp := m.spec(s.version)
	x.Line, x.Col = start.line, start.col
	if start.lazy {
		start.lazy = false
		if sp.rec {
			// A record's start tag, from a Reader (recordStart).
			if !s.ar.recycling() {
				if ra := s.recordAttrs(sp); ra != nil {
					return s.sharedAttrs(m, sp, start, ra)
				}
			}
		} else if s.opts.ValuesOnly {
			// No source to share: a leaf of standard attributes only is read from the
			// scanner's view, without the list of attributes.
			if _, ok := s.leafCode(sp); ok {
				x.src = nil
				return s.leafAttrs(m, sp, start)
			}
		} else if src := s.leafSource(sp); src != nil {
			x.src = src
			return s.leafAttrs(m, sp, start)
		}
		start.attrs = s.attrs()
	}
	if s.opts.ValuesOnly {
		x.src = nil // no layout (readTypedIn keeps none either)
	} else {
		// Every field set, one by one: a composite value is built apart and copied in
		// whole (a stall: loads of what was just stored in pieces), and a recycled
		// source holds an older element's.
		src := s.ar.srcs.one()
		src.sp, src.prefix, src.attrs, src.lay, src.aux, src.trail = sp, start.name.Prefix, start.attrs, nil, nil, ""
		src.empty, src.shared, src.line0 = false, false, 0
		x.src = src
	}
	// Exports write the standard attributes first and the vendor ones after them. Then
	// Ext.Attrs can share the attributes already read (capped, so an append copies)
	// instead of copying them for every record. The content model's attribute of each
	// is looked up once (idx, for the usual short lists).
	var idx [16]int8
	share, seenExt := true, false
	for i := range start.attrs {
		a := &start.attrs[i]
		j := s.attrIndexAt(sp, i, a)
		if i < len(idx) {
			idx[i] = int8(j)
		}
		if j >= 0 && seenExt {
			share = false
		}
		seenExt = seenExt || j < 0
	}
	if !share {
		if n := len(start.attrs) - len(sp.attrs); n > 0 && x.Attrs == nil {
			x.Attrs = make([]Attr, 0, n)
		}
	}
	first := -1
	for i := range start.attrs {
		a := &start.attrs[i]
		j := -1
		if i < len(idx) {
			j = int(idx[i])
		} else if j = sp.attrIndex(a.Space, a.Local); j >= 0 && a.IsNamespaceDecl() {
			j = -1
		}
		if j >= 0 {
			as := &sp.attrs[j]
			*m.attrPtr(as.field) = a.Value
			if err := s.checkAttr(sp, as, a.Value, start); err != nil {
				return err
			}
			continue
		}
		if share {
			if first < 0 {
				first = i
				x.Attrs = start.attrs[i:len(start.attrs):len(start.attrs)]
			}
		} else {
			x.Attrs = append(x.Attrs, *a)
		}
		if a.Space == "" || a.Space == s.odmNS {
			if err := s.warn(ErrUnknown, WarnUnknownAttribute, "attribute "+a.Local+" is not defined on "+sp.name, start.line, start.col); err != nil {
				return err
			}
		}
	}
	return nil
}

// recordStart returns, for a start tag (k) in the ODM namespace without a prefix, the
// current token with its attributes not read yet (lazy): readAttrs reads them, or gives
// the record a shared list of its attributes' names (recordAttrs). Other tokens: nil.
func (s *scanner) recordStart(k xmlscan.Kind) *token {
	if k != xmlscan.StartElement || s.xs.Space() != s.odmNS || len(s.xs.Prefix()) != 0 {
		return nil
	}
	tk := &s.cur
	line, col := s.xs.Pos()
	tk.kind, tk.line, tk.col = tStart, line, col
	tk.name.Space, tk.name.Prefix, tk.name.Local = s.odmNS, "", s.name(s.xs.Local())
	tk.data, tk.cdata, tk.blank, tk.other = "", false, false, nil
	tk.attrs, tk.lazy = nil, true
	return tk
}

// recAttrs is the shared attribute list of the start tags of one content model written
// alike (recordAttrs): the first nstd are standard attributes, idx their indexes in the
// model's attributes; the others are vendor attributes.
type recAttrs struct {
	sp    *spec
	attrs []Attr
	// qn are the attributes' names as written (prefix, colon, local name), which a tag
	// written alike repeats: one compare an attribute (with its namespace and the length
	// of its prefix) instead of one for the local name and one for the prefix.
	qn   []string
	nstd int
	idx  [16]int8
}

// recordAttrs returns the shared list of the current start tag's attributes when the tag
// is written as the last tag of its content model that had one: the same attributes
// (namespace, prefix, local name) in the same order, the standard ones first and not
// empty, the others in a namespace other than ODM's (nothing to warn about) and no
// namespace declarations among them. Else it notes the tag's list for the next tag and
// returns nil. The encoders read from a source's attributes only their names and order
// and whether a standard one was empty (its value is the field's; a vendor one's is
// Ext.Attrs'): so a record's source can share the list, which belongs to the scanner, not
// to a record. The record's memory then holds its vendor attributes (Ext.Attrs) only, not
// its standard ones a second time: two attributes less for a user of the generated
// exports, 128 bytes, which bring its record block from the 2,304-byte size class to the
// 2,048-byte one. As with shared leaf sources (leafSource), the list's values are those
// of the tag it was made from. With ReadOptions.ValuesOnly there is no source to keep
// the list, but the record is spared the copies of its standard attributes all the same:
// without them (and without sources) the block of a generated user is 1,744 bytes, in
// the 1,792-byte size class instead of the 2,048-byte one (some 2,460 -> 2,200 bytes a user
// in all, TestReaderBytesPerUser).
func (s *scanner) recordAttrs(sp *spec) *recAttrs {
	n := s.xs.NumAttrs()
	if n == 0 || n > 16 {
		return nil
	}
	for i := range s.recAttrs {
		ra := &s.recAttrs[i]
		if ra.sp != sp || len(ra.attrs) != n {
			continue
		}
		same := true
		for j := 0; j < n && same; j++ {
			// The scanner's accessors of one part each are inlined where Attr, which
			// returns all four, is a call: this loop and sharedAttrs' took two per
			// attribute of every record.
			a := &ra.attrs[j]
			same = string(s.xs.AttrQName(j)) == ra.qn[j] && len(s.xs.AttrPrefix(j)) == len(a.Prefix) &&
				s.xs.AttrSpace(j) == a.Space && (j >= ra.nstd || len(s.xs.AttrValue(j)) > 0)
		}
		if same {
			s.recUsed++
			return ra
		}
	}
	// A new list, if the tag qualifies; it is used from the next tag written alike on.
	// A file whose records' tags are seldom written alike stops making lists: each costs
	// what sharing saves a record.
	if s.recMade >= 64 && s.recMade > s.recUsed {
		return nil
	}
	s.recMade++
	ra := recAttrs{sp: sp, attrs: make([]Attr, n), qn: make([]string, n)}
	vendor := false
	for j := range n {
		space, prefix, local, value := s.xs.Attr(j)
		a := &ra.attrs[j]
		a.Space, a.Prefix, a.Local, a.Value = space, s.name(prefix), s.name(local), string(value)
		ra.qn[j] = string(s.xs.AttrQName(j))
		k := -1
		if !a.IsNamespaceDecl() {
			k = sp.attrIndex(a.Space, a.Local)
		}
		switch {
		case a.IsNamespaceDecl():
			return nil
		case k >= 0:
			if vendor || len(value) == 0 {
				return nil
			}
			ra.idx[j] = int8(k)
			ra.nstd++
		default:
			if a.Space == "" || a.Space == s.odmNS {
				return nil
			}
			vendor = true
		}
	}
	s.recAttrs[s.recNext] = ra
	s.recNext = (s.recNext + 1) % len(s.recAttrs)
	return nil
}

// sharedAttrs is readAttrs for a record whose start tag recordAttrs matched with ra: its
// source keeps ra's list (it has none with ReadOptions.ValuesOnly), the standard
// attributes' values go to their fields and the vendor attributes to Ext.Attrs, in the
// record's memory.
func (s *scanner) sharedAttrs(m model, sp *spec, start *token, ra *recAttrs) error {
	x := m.ext()
	if s.opts.ValuesOnly {
		x.src = nil
	} else {
		src := s.ar.srcs.one()
		src.sp, src.prefix, src.attrs, src.lay, src.aux, src.trail = sp, "", ra.attrs, nil, nil, ""
		src.empty, src.shared, src.line0 = false, false, 0
		x.src = src
	}
	start.attrs = ra.attrs // for checkTyped, which looks at names only
	for j := range ra.nstd {
		as := &sp.attrs[ra.idx[j]]
		v := s.ar.strs.str(s.xs.AttrValue(j))
		*m.attrPtr(as.field) = v
		if err := s.checkAttr(sp, as, v, start); err != nil {
			return err
		}
	}
	if n := len(ra.attrs) - ra.nstd; n > 0 {
		ext := s.ar.attrs.take(n)
		for i := range ext {
			a, e := &ra.attrs[ra.nstd+i], &ext[i]
			// Field by field (see attrs).
			e.Space, e.Prefix, e.Local = a.Space, a.Prefix, a.Local
			e.Value = s.ar.strs.str(s.xs.AttrValue(ra.nstd + i))
		}
		x.Attrs = ext
	}
	return nil
}

// attrIndexAt returns the index in sp.attrs of a, the attribute at position i of a start
// tag, or -1 when it is none of them (or a namespace declaration). The answer is kept by
// position: the next tag of the same model mostly has the same attribute there, known by
// its interned name strings without comparing their bytes.
func (s *scanner) attrIndexAt(sp *spec, i int, a *Attr) int {
	if i < len(s.attrIdx) {
		c := &s.attrIdx[i]
		if c.sp == sp && sameString(c.local, a.Local) && sameString(c.space, a.Space) {
			return int(c.j)
		}
		j := sp.attrIndex(a.Space, a.Local)
		if j >= 0 && a.IsNamespaceDecl() {
			j = -1
		}
		*c = attrAt{sp: sp, space: a.Space, local: a.Local, j: int32(j)}
		return j
	}
	j := sp.attrIndex(a.Space, a.Local)
	if j >= 0 && a.IsNamespaceDecl() {
		j = -1
	}
	return j
}

type attrAt struct {
	sp           *spec
	space, local string
	j            int32
}

// sameString reports whether a and b are the same string in memory (then they are equal;
// equal strings may still be apart).
func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// checkAttr warns about the value v of the standard attribute as of start.
func (s *scanner) checkAttr(sp *spec, as *attrSpec, v string, start *token) error {
	if as.oid && hasOuterSpace(v) {
		if err := s.warn(ErrQuirk, WarnOIDWhitespace, sp.name+"/@"+as.name+" has leading or trailing white space", start.line, start.col); err != nil {
			return err
		}
	}
	if as.date && v != "" && !isXSDate(v) {
		code, msg := WarnInvalidDate, sp.name+"/@"+as.name+" is not an xs:date"
		if _, err := ParseDate(v); err == nil {
			code, msg = WarnDateTime, sp.name+"/@"+as.name+" is a dateTime, not an xs:date"
		}
		if err := s.warn(ErrQuirk, code, msg, start.line, start.col); err != nil {
			return err
		}
	}
	return nil
}

// leafSource returns, for the current start tag when it is a leaf whose source says
// nothing but its shape, the source shared by all leaves of that shape; else nil. Such a
// leaf is written as <x .../> without a prefix, and its attributes are standard ones of sp,
// unprefixed and not empty: a User's <LocationRef LocationOID="..."/>, one per user. Its
// source would hold only what the encoders read of a source's standard attributes, their
// order and whether each was there and empty (never their values), so one source per shape
// serves every such leaf: 200 bytes less per record, kept records pin no more (the shared
// source is the scanner's, not in any record's arrays). The attribute values of a shared
// source are those of the first leaf of its shape.
func (s *scanner) leafSource(sp *spec) *source {
	if !s.xs.SelfClosing() {
		return nil
	}
	code, ok := s.leafCode(sp)
	if !ok {
		return nil
	}
	for _, l := range s.leaves {
		if l.sp == sp && l.code == code {
			return l.src
		}
	}
	if len(s.leaves) >= 16 {
		return nil
	}
	n := s.xs.NumAttrs()
	attrs := make([]Attr, n)
	for i := range n {
		_, _, local, value := s.xs.Attr(i)
		attrs[i] = Attr{Name: Name{Local: sp.attrs[sp.attrIndexBytes(local)].name}, Value: string(value)}
	}
	src := &source{sp: sp, attrs: attrs, empty: true, shared: true}
	s.leaves = append(s.leaves, leafSrc{sp: sp, code: code, src: src})
	return src
}

// leafCode reports whether the attributes of the current start tag are all standard ones
// of sp, unprefixed and not empty, at most eight (what leafAttrs reads), and returns their
// shape: their indexes in sp.attrs, plus one, a byte each.
func (s *scanner) leafCode(sp *spec) (uint64, bool) {
	n := s.xs.NumAttrs()
	if n > 8 {
		return 0, false
	}
	var code uint64
	for i := range n {
		if len(s.xs.AttrPrefix(i)) != 0 || s.xs.AttrSpace(i) != "" || len(s.xs.AttrValue(i)) == 0 {
			return 0, false
		}
		j := sp.attrIndexBytes(s.xs.AttrLocal(i))
		if j < 0 || j >= 255 {
			return 0, false
		}
		code = code<<8 | uint64(j+1)
	}
	return code, true
}

// attrIndexBytes is attrIndex of an unprefixed attribute named local as the scanner holds it.
func (s *spec) attrIndexBytes(local []byte) int {
	for i := range s.attrs {
		if a := &s.attrs[i]; a.space == "" && a.name == string(local) {
			return i
		}
	}
	return -1
}

// leafAttrs sets m's attributes from the current start tag, a leaf leafSource accepted.
func (s *scanner) leafAttrs(m model, sp *spec, start *token) error {
	for i := range s.xs.NumAttrs() {
		as := &sp.attrs[sp.attrIndexBytes(s.xs.AttrLocal(i))]
		v := s.ar.strs.str(s.xs.AttrValue(i))
		*m.attrPtr(as.field) = v
		if err := s.checkAttr(sp, as, v, start); err != nil {
			return err
		}
	}
	return nil
}

// hasOuterSpace reports whether v != strings.TrimSpace(v), answering the usual value that
// begins and ends with a printable ASCII character without the Unicode look-up.
func hasOuterSpace(v string) bool {
	if n := len(v); n > 0 && v[0] > ' ' && v[0] < 0x80 && v[n-1] > ' ' && v[n-1] < 0x80 {
		return false
	}
	return v != strings.TrimSpace(v)
}
