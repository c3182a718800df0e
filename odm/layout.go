package odm

import "unsafe"

// source is the layout of an element as read: its prefix and attributes as written and the
// sequence of its children, so the encoder can re-emit unchanged parts exactly and change
// only what the typed value changed.
type source struct {
	sp     *spec  // the content model the element was read with
	prefix string // the prefix the element was written with (its name is the model's)
	attrs  []Attr
	lay    []entry
	// aux holds what entries refer to by index: the nodes of eExt entries, the elements of
	// text children written with attributes, a prefix or mixed content, and the rare
	// strings that are no indentation run (as *Text): the text of a mixed child as read,
	// white space with tabs or blank lines in it.
	aux   []Node
	trail string // white space before the end tag
	empty bool
	// shared marks the source of leaves of one shape (scanner.leafSource): nothing may
	// write to it, and its attributes' values are only those of the first such leaf.
	shared bool
}

type entryKind uint8

const (
	eField entryKind = iota // a standard child: text or typed
	eExt                    // a node of Ext.Nodes
)

type entryFlags uint8

const (
	fEmpty entryFlags = 1 << iota // eField text: written as <x/>
	fMixed                        // eField text: its element holds the whole content (comments or CDATA inside)
	fText                         // eField text: the text as read is not empty
)

// entry is one child of a source layout. A decoded document holds one per child element
// (two dozen per pretty-printed User), so it is small and holds no pointers: the collector
// never scans the layouts and the decoder copies them without write barriers. White space
// that is an indentation run (nearly all of it) is kept as its length; the rest, and the
// nodes, stand in source.aux.
type entry struct {
	kind  entryKind
	flags entryFlags
	field uint8 // eField: field id
	item  int32 // eField: index within a repeated field; eExt: standard children before it
	line  int32 // position of the child's start tag
	col   int32
	// ws is the white space before the child: n >= 0 is indents[:n], wsTabs+n is
	// tabIndents[:n], -1-i is source.aux[i] (a *Text).
	ws int32
	// aux is 1 + the index in source.aux of the node (eExt) or of the element carrying a
	// text child's prefix, attributes and, when mixed, content (eField); 0 for none. The
	// text as read of a mixed child follows its element in aux.
	aux int32
}

// tabIndents holds the indentation runs of files indented with tabs.
const tabIndents = "\n\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t"

const wsTabs = 1 << 16

func (e *entry) empty() bool   { return e.flags&fEmpty != 0 }
func (e *entry) mixed() bool   { return e.flags&fMixed != 0 }
func (e *entry) hasText() bool { return e.flags&fText != 0 }

// ws returns the white space before e.
func (s *source) ws(e *entry) string {
	switch w := e.ws; {
	case w >= wsTabs:
		return tabIndents[:w-wsTabs]
	case w >= 0:
		return indents[:w]
	default:
		return s.aux[-1-w].(*Text).Data
	}
}

// node returns the node of e: for eExt the node, for eField text nil or the *Element
// carrying the child's prefix and attributes and, when mixed, its content.
func (s *source) node(e *entry) Node {
	if e.aux == 0 {
		return nil
	}
	return s.aux[e.aux-1]
}

// text returns the text as read of a mixed text child.
func (s *source) text(e *entry) string { return s.aux[e.aux].(*Text).Data }

// attrsOf returns the attributes of a text child as read.
func (s *source) attrsOf(e *entry) []Attr {
	if el, ok := s.node(e).(*Element); ok {
		return el.Attrs
	}
	return nil
}

// prefixOf returns the prefix a text child was written with.
func (s *source) prefixOf(e *entry) string {
	if el, ok := s.node(e).(*Element); ok {
		return el.Prefix
	}
	return ""
}

// rawEntry is a layout entry as the decoders build it, before setLayout packs it.
type rawEntry struct {
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

// wsCode returns the code of white space ws in entry.ws when it is an indentation run.
func wsCode(ws string) (int32, bool) {
	n := len(ws)
	if n == 0 {
		return 0, true
	}
	// Most white space is cut from indents itself (scanner.blank): same bytes, no compare.
	if n <= len(indents) && (unsafe.StringData(ws) == unsafe.StringData(indents) || ws == indents[:n]) {
		return int32(n), true
	}
	if n <= len(tabIndents) && ws == tabIndents[:n] {
		return wsTabs + int32(n), true
	}
	return 0, false
}

// packed returns r as an entry of a layout, without its white space and node (addEntry).
func (r *rawEntry) packed() entry {
	e := entry{kind: r.kind, field: r.field, item: r.item, line: r.line, col: r.col}
	if r.empty {
		e.flags |= fEmpty
	}
	if r.text != "" {
		e.flags |= fText
	}
	if r.mixed {
		e.flags |= fMixed
	}
	return e
}

// addEntry appends e, with white space ws before it and node n (nil for none), to lay and
// what it refers to to aux: the node, then for a mixed text child (fMixed) its text as
// read, then white space that is no indentation run.
func addEntry(lay []entry, aux []Node, e entry, ws string, n Node, text string) ([]entry, []Node) {
	if w, ok := indentCode(ws); ok && e.flags&fMixed == 0 {
		e.ws = w
		if n != nil {
			aux = append(aux, n)
			e.aux = int32(len(aux))
		}
		return append(lay, e), aux
	}
	return addEntrySlow(lay, aux, e, ws, n, text)
}

// indentCode is wsCode of the usual white space, an indentation run cut from indents
// itself (scanner.blank), without a look at its bytes; small enough to be inlined where
// the decoder adds the common entries.
func indentCode(ws string) (int32, bool) {
	return int32(len(ws)), len(ws) <= len(indents) && unsafe.StringData(ws) == unsafe.StringData(indents)
}

func addEntrySlow(lay []entry, aux []Node, e entry, ws string, n Node, text string) ([]entry, []Node) {
	if n != nil {
		aux = append(aux, n)
		e.aux = int32(len(aux))
		if e.flags&fMixed != 0 {
			aux = append(aux, &Text{Data: text})
		}
	}
	if w, ok := wsCode(ws); ok {
		e.ws = w
	} else {
		aux = append(aux, &Text{Data: ws})
		e.ws = int32(-len(aux))
	}
	return append(lay, e), aux
}

// setLayout makes raw the layout of s, in memory of its own.
func (s *source) setLayout(raw []rawEntry) {
	lay := make([]entry, 0, len(raw))
	var aux []Node
	for i := range raw {
		r := &raw[i]
		lay, aux = addEntry(lay, aux, r.packed(), r.ws, r.node, r.text)
	}
	s.lay, s.aux = lay, aux
}
