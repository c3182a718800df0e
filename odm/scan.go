package odm

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// source is the layout of an element as read: its name and attributes as written and the
// sequence of its children, so the encoder can re-emit unchanged parts exactly and change
// only what the typed value changed.
type source struct {
	name  Name
	attrs []Attr
	lay   []entry
	empty bool
}

type entryKind uint8

const (
	eWS    entryKind = iota // white space between children
	eField                  // a standard child: text or typed
	eExt                    // a node of Ext.Nodes
)

// entry is kept small: a decoded document holds one per child element and white-space run.
type entry struct {
	kind  entryKind
	empty bool   // eField text: written as <x/>
	mixed bool   // eField text: node holds the whole element (comments or CDATA inside)
	field uint8  // eField: field id
	item  int32  // eField: index within a repeated field
	text  string // eWS: the white space; eField text: the text as read
	pfx   string // eField text: the prefix the child was written with
	// node is, for eExt, the node; for eField text, nil or an *Element carrying the
	// child's attributes (vendor attributes on LoginName, ...) and, when mixed, its content.
	node Node
}

// attrs returns the attributes of a text child as read.
func (e *entry) attrs() []Attr {
	if el, ok := e.node.(*Element); ok {
		return el.Attrs
	}
	return nil
}

type nsBinding struct{ prefix, uri string }

// token is one scanned token. Exactly one of the pointer fields is set, or end is true.
type token struct {
	start *Element // a start tag (no children yet)
	end   bool
	text  *Text
	other Node // *Comment, *ProcInst, *Directive
	line  int
	col   int
}

type scanner struct {
	d        *xml.Decoder
	g        *guard
	opts     ReadOptions
	ns       []nsBinding
	marks    []int
	open     []Name // names as written of open elements, for end-tag matching
	version  Version
	odmNS    string
	warnings []*Error
	err      error
	encLabel string
	lastOff  int64 // InputOffset after the last start tag, for <x/> detection
	wsCache  map[string]string
	seenRoot bool
}

func newScanner(r io.Reader, opts ReadOptions) *scanner {
	s := &scanner{opts: opts, wsCache: make(map[string]string)}
	in, label, err := prepareInput(r)
	if err != nil {
		s.err = s.locate(err, 1, 1)
		return s
	}
	s.encLabel = label
	s.g = &guard{r: in, maxTok: opts.maxToken(), maxInput: opts.MaxInputBytes, maxAttrs: opts.maxAttrs()}
	s.d = xml.NewDecoder(s.g)
	s.d.Strict = true
	// The bytes are already UTF-8 (prepareInput transcoded them), so whatever the
	// declaration names, the decoder must read them as they are.
	s.d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	return s
}

// locate makes err a positioned *Error with the scanner's file name.
func (s *scanner) locate(err error, line, col int) error {
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

// warn records a warning, or fails when Strict is set.
func (s *scanner) warn(err error, msg string, line, col int) error {
	w := &Error{File: s.opts.Name, Line: line, Col: col, Err: err, Msg: msg}
	if s.opts.Strict {
		s.err = w
		return w
	}
	s.warnings = append(s.warnings, w)
	return nil
}

func (s *scanner) lookup(prefix string) (string, bool) {
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

// next returns the next token. Errors are positioned and sticky.
func (s *scanner) next() (token, error) {
	if s.err != nil {
		return token{}, s.err
	}
	line, col := s.d.InputPos()
	off := s.d.InputOffset()
	t, err := s.d.RawToken()
	if err != nil {
		return token{}, s.tokenError(err, line, col)
	}
	tk := token{line: line, col: col}
	switch t := t.(type) {
	case xml.StartElement:
		if max := s.opts.maxDepth(); max > 0 && len(s.open) >= max {
			return tk, s.fail(ErrDepth, "elements nest deeper than the limit", line, col)
		}
		e, err := s.startElement(t, line, col)
		if err != nil {
			return tk, err
		}
		s.lastOff = s.d.InputOffset()
		tk.start = e
	case xml.EndElement:
		if len(s.open) == 0 {
			return tk, s.fail(ErrSyntax, "unexpected end tag", line, col)
		}
		top := s.open[len(s.open)-1]
		if top.Prefix != t.Name.Space || top.Local != t.Name.Local {
			return tk, s.fail(ErrSyntax, "end tag </"+qname(t.Name)+"> does not match <"+top.Qualified()+">", line, col)
		}
		s.open = s.open[:len(s.open)-1]
		s.ns = s.ns[:s.marks[len(s.marks)-1]]
		s.marks = s.marks[:len(s.marks)-1]
		tk.end = true
	case xml.CharData:
		tk.text = &Text{Data: s.str(t), CDATA: s.g.isCDATA(off)}
	case xml.Comment:
		tk.other = &Comment{Data: string(t)}
	case xml.ProcInst:
		tk.other = &ProcInst{Target: t.Target, Inst: string(t.Inst)}
	case xml.Directive:
		tk.other = &Directive{Data: string(t)}
	}
	return tk, nil
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// str converts character data to a string, sharing the strings of white-space runs that
// repeat (indentation), which are most of the text tokens of a pretty-printed export.
func (s *scanner) str(b []byte) string {
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

func (s *scanner) tokenError(err error, line, col int) error {
	var le *limitError
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

func (s *scanner) startElement(t xml.StartElement, line, col int) (*Element, error) {
	s.marks = append(s.marks, len(s.ns))
	// Namespace declarations first: they apply to the element's own name and attributes.
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == "xmlns":
			if a.Name.Local == "xml" || a.Name.Local == "xmlns" {
				if !(a.Name.Local == "xml" && a.Value == NSXML) {
					return nil, s.fail(ErrSyntax, "reserved prefix "+a.Name.Local+" cannot be declared", line, col)
				}
			}
			if a.Value == "" {
				return nil, s.fail(ErrSyntax, "prefix "+a.Name.Local+" cannot be bound to an empty namespace", line, col)
			}
			s.ns = append(s.ns, nsBinding{a.Name.Local, a.Value})
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			s.ns = append(s.ns, nsBinding{"", a.Value})
		}
	}
	space, ok := s.lookup(t.Name.Space)
	if !ok {
		return nil, s.fail(ErrSyntax, "undeclared namespace prefix "+t.Name.Space, line, col)
	}
	e := &Element{Name: Name{Space: space, Prefix: t.Name.Space, Local: t.Name.Local}, Line: line, Col: col}
	if len(t.Attr) > 0 {
		e.Attrs = make([]Attr, len(t.Attr))
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
					return nil, s.fail(ErrSyntax, "undeclared namespace prefix "+a.Name.Space, line, col)
				}
				n = Name{Space: u, Prefix: a.Name.Space, Local: a.Name.Local}
			}
			e.Attrs[i] = Attr{Name: n, Value: a.Value}
		}
		if err := s.checkDuplicates(e.Attrs, line, col); err != nil {
			return nil, err
		}
	}
	s.open = append(s.open, e.Name)
	return e, nil
}

func (s *scanner) checkDuplicates(attrs []Attr, line, col int) error {
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

// wasEmpty reports whether the end tag just read closed an element written as <x/>.
func (s *scanner) wasEmpty() bool { return s.d.InputOffset() == s.lastOff }

// readRaw reads the rest of the element started by e into e.Children.
func (s *scanner) readRaw(e *Element) error {
	first := true
	for {
		tk, err := s.next()
		if err != nil {
			return err
		}
		switch {
		case tk.end:
			if first && s.wasEmpty() {
				e.Empty = true
			}
			return nil
		case tk.start != nil:
			if err := s.readRaw(tk.start); err != nil {
				return err
			}
			e.Children = append(e.Children, tk.start)
		case tk.text != nil:
			e.Children = append(e.Children, tk.text)
		default:
			e.Children = append(e.Children, tk.other)
		}
		first = false
	}
}

// skip consumes the rest of an element without keeping anything.
func (s *scanner) skip() error {
	depth := 1
	for depth > 0 {
		tk, err := s.next()
		if err != nil {
			return err
		}
		switch {
		case tk.end:
			depth--
		case tk.start != nil:
			depth++
		}
	}
	return nil
}

// readTyped fills m from the element started by start (whose start tag has been read).
func (s *scanner) readTyped(m model, start *Element) error {
	if err := s.readAttrs(m, start); err != nil {
		return err
	}
	x := m.ext()
	sp := m.spec(s.version)
	src := x.src
	std := 0 // standard child elements read so far
	first := true
	var text strings.Builder
	for {
		tk, err := s.next()
		if err != nil {
			return err
		}
		switch {
		case tk.end:
			if first && s.wasEmpty() {
				src.empty = true
			}
			if sp.text {
				*m.textPtr(0) = text.String()
			}
			// Nodes after the last standard child go to the end; they need no slot.
			for n, slot := range x.slots {
				if slot >= std {
					delete(x.slots, n)
				}
			}
			return s.checkTyped(m, sp)
		case tk.text != nil:
			if sp.text {
				text.WriteString(tk.text.Data)
				src.lay = append(src.lay, entry{kind: eExt, node: tk.text})
			} else if isBlank(tk.text.Data) && !tk.text.CDATA {
				src.lay = append(src.lay, entry{kind: eWS, text: tk.text.Data})
			} else {
				if err := s.warn(ErrUnknown, "text is not allowed directly inside "+sp.name, tk.line, tk.col); err != nil {
					return err
				}
				s.addExt(x, tk.text, std)
			}
		case tk.other != nil:
			s.addExt(x, tk.other, std)
		case tk.start != nil:
			e := tk.start
			k, _, ok := sp.kid(e.Local)
			if !ok || e.Space != s.odmNS || !s.fits(m, k) {
				if err := s.readRaw(e); err != nil {
					return err
				}
				if e.Space == s.odmNS || e.Space == "" {
					msg := "element " + e.Local + " is not defined inside " + sp.name
					if ok {
						msg = "element " + e.Local + " occurs more often inside " + sp.name + " than ODM allows"
					}
					if err := s.warn(ErrUnknown, msg, e.Line, e.Col); err != nil {
						return err
					}
				}
				s.addExt(x, e, std)
				break
			}
			std++
			switch k.kind {
			case kText, kTexts:
				en, err := s.readText(e)
				if err != nil {
					return err
				}
				if k.kind == kText {
					*m.textPtr(k.field) = en.text
					if en.text == "" {
						x.present |= 1 << uint(k.field)
					}
				} else {
					p := m.textsPtr(k.field)
					en.item = int32(len(*p))
					*p = append(*p, en.text)
				}
				en.field = uint8(k.field)
				src.lay = append(src.lay, en)
			case kOne:
				if err := s.readTyped(m.oneNew(k.field), e); err != nil {
					return err
				}
				src.lay = append(src.lay, entry{kind: eField, field: uint8(k.field)})
			case kMany:
				n := m.manyLen(k.field)
				if err := s.readTyped(m.manyNew(k.field), e); err != nil {
					return err
				}
				src.lay = append(src.lay, entry{kind: eField, field: uint8(k.field), item: int32(n)})
			case kElems:
				if err := s.readRaw(e); err != nil {
					return err
				}
				p := m.elemsPtr(k.field)
				src.lay = append(src.lay, entry{kind: eField, field: uint8(k.field), item: int32(len(*p))})
				*p = append(*p, e)
			}
		}
		first = false
	}
}

// fits reports whether a standard child of kind k can still be stored in m: a single
// child that is already set is kept as an extension node instead of being overwritten.
func (s *scanner) fits(m model, k kidSpec) bool {
	switch k.kind {
	case kText:
		for _, e := range m.ext().src.lay {
			if e.kind == eField && int(e.field) == k.field {
				return false
			}
		}
	case kOne:
		return m.oneGet(k.field) == nil
	}
	return true
}

func (s *scanner) addExt(x *Ext, n Node, std int) {
	x.Nodes = append(x.Nodes, n)
	if x.src != nil {
		x.src.lay = append(x.src.lay, entry{kind: eExt, node: n})
	}
	if x.slots == nil {
		x.slots = make(map[Node]int)
	}
	x.slots[n] = std
}

// readText reads a text-only element. Mixed content (comments or elements inside) is kept
// whole in entry.node; the text value is the concatenated character data.
func (s *scanner) readText(e *Element) (entry, error) {
	var parts []string
	en := entry{kind: eField, pfx: e.Prefix}
	if len(e.Attrs) > 0 {
		en.node = &Element{Name: e.Name, Attrs: e.Attrs, Line: e.Line, Col: e.Col}
	}
	mixed := func() *Element {
		if !en.mixed {
			el, _ := en.node.(*Element)
			if el == nil {
				el = &Element{Name: e.Name, Attrs: e.Attrs, Line: e.Line, Col: e.Col}
			}
			for _, p := range parts {
				el.Children = append(el.Children, &Text{Data: p})
			}
			en.node, en.mixed = el, true
		}
		return en.node.(*Element)
	}
	first := true
	for {
		tk, err := s.next()
		if err != nil {
			return en, err
		}
		switch {
		case tk.end:
			if first && s.wasEmpty() {
				en.empty = true
			}
			switch len(parts) {
			case 0:
			case 1:
				en.text = parts[0]
			default:
				en.text = strings.Join(parts, "")
			}
			if en.mixed {
				en.node.(*Element).Empty = en.empty
			}
			return en, nil
		case tk.text != nil:
			if tk.text.CDATA || en.mixed {
				el := mixed()
				el.Children = append(el.Children, tk.text)
			}
			parts = append(parts, tk.text.Data)
		default:
			el := mixed()
			if tk.start != nil {
				if err := s.readRaw(tk.start); err != nil {
					return en, err
				}
				el.Children = append(el.Children, tk.start)
				if err := s.warn(ErrUnknown, "element "+tk.start.Local+" inside text-only element "+e.Local, tk.line, tk.col); err != nil {
					return en, err
				}
			} else {
				el.Children = append(el.Children, tk.other)
			}
		}
		first = false
	}
}

// readAttrs sets m's attributes from start and starts its source layout.
func (s *scanner) readAttrs(m model, start *Element) error {
	x := m.ext()
	sp := m.spec(s.version)
	x.Line, x.Col = start.Line, start.Col
	x.src = &source{name: start.Name, attrs: start.Attrs}
	for _, a := range start.Attrs {
		if as, ok := sp.attr(a.Space, a.Local); ok && !a.IsNamespaceDecl() {
			*m.attrPtr(as.field) = a.Value
			if as.oid && a.Value != strings.TrimSpace(a.Value) {
				if err := s.warn(ErrQuirk, sp.name+"/@"+a.Local+" has leading or trailing white space", start.Line, start.Col); err != nil {
					return err
				}
			}
			if as.date && a.Value != "" && !isXSDate(a.Value) {
				msg := sp.name + "/@" + a.Local + " is not an xs:date"
				if _, err := ParseDate(a.Value); err == nil {
					msg = sp.name + "/@" + a.Local + " is a dateTime, not an xs:date"
				}
				if err := s.warn(ErrQuirk, msg, start.Line, start.Col); err != nil {
					return err
				}
			}
			continue
		}
		x.Attrs = append(x.Attrs, a)
		if a.Space == "" || a.Space == s.odmNS {
			if err := s.warn(ErrUnknown, "attribute "+a.Local+" is not defined on "+sp.name, start.Line, start.Col); err != nil {
				return err
			}
		}
	}
	return nil
}
