package odm

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/odmadmin/odmadmin/internal/ctxio"
	"github.com/odmadmin/odmadmin/internal/xmlscan"
)

// source is the layout of an element as read: its name and attributes as written and the
// sequence of its children, so the encoder can re-emit unchanged parts exactly and change
// only what the typed value changed.
type source struct {
	sp    *spec // the content model the element was read with
	name  Name
	attrs []Attr
	lay   []entry
	trail string // white space before the end tag
	empty bool
}

type entryKind uint8

const (
	eField entryKind = iota // a standard child: text or typed
	eExt                    // a node of Ext.Nodes
)

// entry is one child of a source layout. It is kept small because a decoded document holds
// one per child element: the white space before a child rides on its entry.
type entry struct {
	kind  entryKind
	empty bool  // eField text: written as <x/>
	mixed bool  // eField text: node holds the whole element (comments or CDATA inside)
	field uint8 // eField: field id
	item  int32 // eField: index within a repeated field
	line  int32 // position of the child's start tag
	col   int32
	ws    string // white space before the child
	text  string // eField text: the text as read
	// node is, for eExt, the node; for eField text, nil or an *Element carrying the
	// child's prefix and attributes when it had any and, when mixed, its content.
	node Node
}

// attrs returns the attributes of a text child as read.
func (e *entry) attrs() []Attr {
	if el, ok := e.node.(*Element); ok {
		return el.Attrs
	}
	return nil
}

// prefix returns the prefix a text child was written with.
func (e *entry) prefix() string {
	if el, ok := e.node.(*Element); ok {
		return el.Prefix
	}
	return ""
}

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
	xs        *xmlscan.Scanner
	opts      ReadOptions
	version   Version
	odmNS     string
	warnings  []*Error
	err       error
	empty     bool // the last end tag closed an element written as <x/>
	seenRoot  bool
	names     map[string]string // element and attribute names and prefixes, shared
	nameCache [256]string
	maxNodes  int // ReadOptions.MaxNodes resolved: child nodes of one typed element
	wsCache   map[string]string
	scratch   [][]entry // layout buffers, one per level of typed nesting, reused
	level     int
	ar        arena // memory of the record being read (see arena.go)
	cur       token // the token next returned last; overwritten by the following call
	// recs are, when the arena recycles, the records read last, by AdminData field: the
	// next record of the same kind is read into the same value (newRecord).
	recs [adSignatureDefs + 1]Node
}

func newScanner(r io.Reader, opts ReadOptions) *scanner {
	s := &scanner{opts: opts, wsCache: make(map[string]string), names: make(map[string]string), maxNodes: opts.maxNodes()}
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
	s.warnings = append(s.warnings, w)
	return nil
}

// next returns the next token. It points into the scanner and is valid until the next
// call: a caller that keeps a start tag copies it. Errors are positioned and sticky.
func (s *scanner) next() (*token, error) {
	if s.err != nil {
		return nil, s.err
	}
	k, err := s.xs.Next()
	if err != nil {
		return nil, s.tokenError(err)
	}
	// Positions are taken for what can be kept or warned about: not for end tags and
	// white space, most of the tokens of a pretty-printed file (see xmlscan's Pos).
	s.cur = token{}
	tk := &s.cur
	if k != xmlscan.EndElement && k != xmlscan.Text {
		tk.line, tk.col = s.xs.Pos()
	}
	switch k {
	case xmlscan.StartElement:
		tk.kind = tStart
		n := s.xs.Name()
		tk.name = Name{Space: n.Space, Prefix: s.name(n.Prefix), Local: s.name(n.Local)}
		if as := s.xs.Attrs(); len(as) > 0 {
			// The attribute list and values are cut from the record's arena.
			attrs := s.ar.attrs.take(len(as))
			for i := range as {
				a := &as[i]
				attrs[i] = Attr{Name: Name{Space: a.Space, Prefix: s.name(a.Prefix), Local: s.name(a.Local)}, Value: s.ar.strs.str(a.Value)}
			}
			tk.attrs = attrs
		}
	case xmlscan.EndElement:
		tk.kind = tEnd
		s.empty = s.xs.Empty()
	case xmlscan.Text:
		tk.kind = tText
		tk.data, tk.blank = s.str(s.xs.Data())
		if !tk.blank {
			tk.line, tk.col = s.xs.Pos()
		}
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
	return tk, nil
}

// name returns b as a string shared by every occurrence: a file has few distinct names.
// A small direct-mapped cache in front of the map answers most look-ups with one compare.
func (s *scanner) name(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	h := (uint(len(b))*131 + uint(b[0])*31 + uint(b[len(b)-1])*7 + uint(b[len(b)/2])) % uint(len(s.nameCache))
	if v := s.nameCache[h]; v == string(b) {
		return v
	}
	v, ok := s.names[string(b)]
	if !ok {
		v = string(b)
		if len(s.names) < 4096 {
			s.names[v] = v
		}
	}
	s.nameCache[h] = v
	return v
}

// indents holds the indentation runs of pretty-printed files: a line feed and spaces.
const indents = "\n                                                                " +
	"                                                                "

// str converts character data to a string, sharing the strings of white-space runs that
// repeat (indentation), which are most of the text tokens of a pretty-printed export. It
// also reports whether the text is white space only.
func (s *scanner) str(b []byte) (string, bool) {
	if len(b) > 0 && len(b) <= len(indents) && b[0] == '\n' {
		i := 1
		for i < len(b) && b[i] == ' ' {
			i++
		}
		if i == len(b) {
			return indents[:len(b)], true
		}
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
	}
	return s.fail(sentinel, xe.Msg, xe.Line, xe.Col)
}

// tooManyNodes is the error for a typed element with more child nodes than the limit, at
// the current token.
func (s *scanner) tooManyNodes(name string) error {
	line, col := s.xs.Pos()
	return s.fail(ErrTooManyNodes, "the element "+name+" has more child nodes (elements, text pieces, comments) than the limit", line, col)
}

// wasEmpty reports whether the end tag just read closed an element written as <x/>.
func (s *scanner) wasEmpty() bool { return s.empty }

// readRaw reads the rest of the element started by e into e.Children.
func (s *scanner) readRaw(e *Element) error {
	first := true
	for {
		tk, err := s.next()
		if err != nil {
			return err
		}
		switch tk.kind {
		case tEnd:
			if first && s.wasEmpty() {
				e.Empty = true
			}
			return nil
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

// skip consumes the rest of an element without keeping anything.
func (s *scanner) skip() error {
	depth := 1
	for depth > 0 {
		tk, err := s.next()
		if err != nil {
			return err
		}
		switch tk.kind {
		case tEnd:
			depth--
		case tStart:
			depth++
		}
	}
	return nil
}

// readTyped fills m from the element whose start tag is start.
func (s *scanner) readTyped(m model, tk0 *token) error {
	start := *tk0 // the scanner reuses *tk0 for the next token
	if err := s.readAttrs(m, &start); err != nil {
		return err
	}
	x := m.ext()
	sp := m.spec(s.version)
	src := x.src
	// The layout is built in a scratch buffer reused across elements of the same nesting
	// level and copied once at its final size: one allocation per element.
	if s.level == len(s.scratch) {
		s.scratch = append(s.scratch, make([]entry, 0, 64))
	}
	lay := s.scratch[s.level][:0]
	s.level++
	defer func() {
		s.level--
		s.scratch[s.level] = lay[:0]
	}()
	std := 0        // standard child elements read so far
	maxKi := 0      // highest schema position of a standard child so far
	lastKi := 0     // schema position of the last standard child: the next is usually there or after
	var seen uint64 // single text children already read, by field id
	first := true
	ws := ""
	var text strings.Builder
	for {
		tk, err := s.next()
		if err != nil {
			return err
		}
		if len(lay) >= s.maxNodes && tk.kind != tEnd {
			return s.tooManyNodes(sp.name)
		}
		switch tk.kind {
		case tEnd:
			if first && s.wasEmpty() {
				src.empty = true
			}
			if sp.text {
				*m.textPtr(0) = text.String()
			}
			src.trail = ws
			if len(lay) > 0 {
				src.lay = s.ar.entries.take(len(lay))
				copy(src.lay, lay)
			}
			// Nodes after the last standard child go to the end; they need no slot.
			for i := range lay {
				if e := &lay[i]; e.kind == eExt && int(e.item) < std && !sp.text {
					if x.slots == nil {
						x.slots = make(map[Node]int)
					}
					x.slots[e.node] = int(e.item)
				}
			}
			err := s.checkTyped(m, sp)
			if sp.rec {
				s.ar.cut()
			}
			return err
		case tText:
			switch {
			case sp.text:
				text.WriteString(tk.data)
				lay = append(lay, entry{kind: eExt, ws: ws, node: tk.textNode()})
				ws = ""
			case tk.blank && !tk.cdata:
				if ws == "" {
					ws = tk.data // the usual single run: no concatenation call
				} else {
					ws += tk.data
				}
			default:
				if err := s.warn(ErrUnknown, WarnUnexpectedText, "text is not allowed directly inside "+sp.name, tk.line, tk.col); err != nil {
					return err
				}
				lay = s.addExt(x, lay, ws, tk.textNode(), std)
				ws = ""
			}
		case tOther:
			lay = s.addExt(x, lay, ws, tk.other, std)
			ws = ""
		case tStart:
			k, ki, ok := sp.kidFrom(tk.name.Local, lastKi)
			if ok {
				lastKi = ki
			}
			if !ok || tk.name.Space != s.odmNS || (k.kind == kText && seen&(1<<uint(k.field)) != 0) || (k.kind == kOne && m.oneGet(k.field) != nil) {
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
				lay = s.addExt(x, lay, ws, e, std)
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
				en, err := s.readText(tk)
				if err != nil {
					return err
				}
				if k.kind == kText {
					seen |= 1 << uint(k.field)
					*m.textPtr(k.field) = en.text
					if en.text == "" {
						x.present |= 1 << uint(k.field)
					}
				} else {
					p := m.textsPtr(k.field)
					if *p == nil {
						*p = s.ar.texts.take(2)[:0]
					}
					en.item = int32(len(*p))
					*p = append(*p, en.text)
				}
				en.field = uint8(k.field)
				en.ws = ws
				en.line, en.col = line, col
				lay = append(lay, en)
				if err := s.checkText(sp, k, en, line, col); err != nil {
					return err
				}
			case kOne:
				if err := s.readTyped(m.oneNew(k.field), tk); err != nil {
					return err
				}
				lay = append(lay, entry{kind: eField, field: uint8(k.field), ws: ws, line: line, col: col})
			case kMany:
				n := m.manyLen(k.field)
				if err := s.readTyped(m.manyNew(k.field), tk); err != nil {
					return err
				}
				lay = append(lay, entry{kind: eField, field: uint8(k.field), item: int32(n), ws: ws, line: line, col: col})
			case kElems:
				e, err := s.readRawToken(tk)
				if err != nil {
					return err
				}
				p := m.elemsPtr(k.field)
				lay = append(lay, entry{kind: eField, field: uint8(k.field), item: int32(len(*p)), ws: ws, line: line, col: col})
				*p = append(*p, e)
			}
			ws = ""
		}
		first = false
	}
}

func (s *scanner) addExt(x *Ext, lay []entry, ws string, n Node, std int) []entry {
	if x.Nodes == nil {
		x.Nodes = s.ar.nodes.take(2)[:0]
	}
	x.Nodes = append(x.Nodes, n)
	// The slot (standard children before the node) is kept in the entry; the map is built
	// at the end, and only for nodes that stand between standard children.
	return append(lay, entry{kind: eExt, ws: ws, node: n, item: int32(std)})
}

// readText reads a text-only element. Mixed content (comments, CDATA or elements inside)
// is kept whole in entry.node; the text value is the concatenated character data.
func (s *scanner) readText(tk0 *token) (entry, error) {
	start := *tk0 // the scanner reuses *tk0 for the next token
	en := entry{kind: eField}
	if len(start.attrs) > 0 || start.name.Prefix != "" {
		en.node = s.element(&start)
	}
	// Almost every text child has one run of text: keep it in one, and only build a
	// slice for the rare split or mixed content.
	var one string
	var parts []string
	n := 0
	add := func(p string) {
		switch n {
		case 0:
			one = p
		case 1:
			parts = append(parts, one, p)
		default:
			parts = append(parts, p)
		}
		n++
	}
	mixed := func() *Element {
		if !en.mixed {
			el, _ := en.node.(*Element)
			if el == nil {
				el = s.element(&start)
			}
			switch n {
			case 1:
				el.Children = append(el.Children, &Text{Data: one})
			default:
				for _, p := range parts {
					el.Children = append(el.Children, &Text{Data: p})
				}
			}
			en.node, en.mixed = el, true
		}
		return en.node.(*Element)
	}
	first := true
	nodes := 0
	for {
		tk, err := s.next()
		if err != nil {
			return en, err
		}
		if nodes++; nodes > s.maxNodes && tk.kind != tEnd {
			return en, s.tooManyNodes(start.name.Local)
		}
		switch tk.kind {
		case tEnd:
			if first && s.wasEmpty() {
				en.empty = true
			}
			switch n {
			case 0:
			case 1:
				en.text = one
			default:
				en.text = strings.Join(parts, "")
			}
			if en.mixed {
				en.node.(*Element).Empty = en.empty
			}
			return en, nil
		case tText:
			if tk.cdata || en.mixed {
				el := mixed()
				el.Children = append(el.Children, tk.textNode())
			}
			add(tk.data)
		case tStart:
			el := mixed()
			c, err := s.readRawToken(tk)
			if err != nil {
				return en, err
			}
			el.Children = append(el.Children, c)
			if err := s.warn(ErrUnknown, WarnElementInText, "element "+c.Local+" inside text-only element "+start.name.Local, c.Line, c.Col); err != nil {
				return en, err
			}
		default:
			el := mixed()
			el.Children = append(el.Children, tk.other)
		}
		first = false
	}
}

// readAttrs sets m's attributes from start and starts its source layout.
func (s *scanner) readAttrs(m model, start *token) error {
	x := m.ext()
	sp := m.spec(s.version)
	x.Line, x.Col = start.line, start.col
	x.src = s.ar.srcs.one()
	*x.src = source{sp: sp, name: start.name, attrs: start.attrs}
	// Exports write the standard attributes first and the vendor ones after them. Then
	// Ext.Attrs can share the attributes already read (capped, so an append copies)
	// instead of copying them for every record.
	share, seenExt := true, false
	for _, a := range start.attrs {
		_, std := sp.attr(a.Space, a.Local)
		std = std && !a.IsNamespaceDecl()
		if std && seenExt {
			share = false
			break
		}
		seenExt = seenExt || !std
	}
	if !share {
		if n := len(start.attrs) - len(sp.attrs); n > 0 && x.Attrs == nil {
			x.Attrs = make([]Attr, 0, n)
		}
	}
	first := -1
	for i, a := range start.attrs {
		if as, ok := sp.attr(a.Space, a.Local); ok && !a.IsNamespaceDecl() {
			*m.attrPtr(as.field) = a.Value
			if as.oid && a.Value != strings.TrimSpace(a.Value) {
				if err := s.warn(ErrQuirk, WarnOIDWhitespace, sp.name+"/@"+a.Local+" has leading or trailing white space", start.line, start.col); err != nil {
					return err
				}
			}
			if as.date && a.Value != "" && !isXSDate(a.Value) {
				code, msg := WarnInvalidDate, sp.name+"/@"+a.Local+" is not an xs:date"
				if _, err := ParseDate(a.Value); err == nil {
					code, msg = WarnDateTime, sp.name+"/@"+a.Local+" is a dateTime, not an xs:date"
				}
				if err := s.warn(ErrQuirk, code, msg, start.line, start.col); err != nil {
					return err
				}
			}
			continue
		}
		if share {
			if first < 0 {
				first = i
				x.Attrs = start.attrs[i:len(start.attrs):len(start.attrs)]
			}
		} else {
			x.Attrs = append(x.Attrs, a)
		}
		if a.Space == "" || a.Space == s.odmNS {
			if err := s.warn(ErrUnknown, WarnUnknownAttribute, "attribute "+a.Local+" is not defined on "+sp.name, start.line, start.col); err != nil {
				return err
			}
		}
	}
	return nil
}
