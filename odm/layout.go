package odm

import "unsafe"

// source is the layout of an element as read: its prefix and attributes as written and the
// sequence of its children, so the encoder can re-emit unchanged parts exactly and change
// only what the typed value changed.
type source struct {
	sp     *spec  // the content model the element was read with
	prefix string // the prefix the element was written with (its name is the model's)
	attrs  []Attr
	// lay holds the entries of the children, packed (packEntries): a few bytes each
	// instead of an entry's 24, in memory the collector does not scan. Readers unpack
	// it into a buffer of their own (entries); it is empty when there are none.
	lay []byte
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
	// line0 is the line the children's lines in lay count from (the element's own line,
	// so that the first child's is a small number too).
	line0 int32
}

// packEntries appends lay, packed, to dst: for each entry seven varints, its kind and
// flags, its field, its item, its line, its column, its white space code and its aux. An
// indented child takes seven bytes. The line of a standard child is kept as the
// difference to the previous standard child's (the first one's to line0); that of a
// vendor node (eExt: the node carries its own position, the decoder notes none) as it is,
// and it does not count as the previous line. So records laid out alike pack to the same
// bytes wherever they stand in the file, which the JSON writer compares
// (layCache.samePacked).
func packEntries(dst []byte, lay []entry, line0 int32) []byte {
	// Room for the longest entries up front: the bytes are then stored without append.
	n := len(dst)
	if need := n + len(lay)*maxPacked; cap(dst) < need {
		dst = append(dst[:cap(dst)], make([]byte, need-cap(dst))...)
	}
	b := dst[:cap(dst)]
	line := line0
	for i := range lay {
		e := &lay[i]
		// Without a branch: keep is all ones for a standard child, zero for a vendor node.
		keep := int32(e.kind&1) - 1
		d := e.line - line&keep
		line += d & keep
		kf, field, item, dl, col, ws, aux := uint32(e.kind)|uint32(e.flags)<<1, uint32(e.field), uint32(e.item), zigzag(d), uint32(e.col), zigzag(e.ws), uint32(e.aux)
		if kf|field|item|dl|col|ws|aux < 0x80 {
			// The usual entry: a byte each.
			w := b[n : n+7 : n+7]
			w[0], w[1], w[2], w[3], w[4], w[5], w[6] = byte(kf), byte(field), byte(item), byte(dl), byte(col), byte(ws), byte(aux)
			n += 7
			continue
		}
		for _, x := range [...]uint32{kf, field, item, dl, col, ws, aux} {
			for x >= 0x80 {
				b[n] = byte(x) | 0x80
				x >>= 7
				n++
			}
			b[n] = byte(x)
			n++
		}
	}
	return b[:n]
}

// maxPacked is the most bytes packEntries writes for one entry.
const maxPacked = 7 * 5

// entries appends the entries of s's layout to buf and returns it. Callers pass a buffer
// of their own (on their stack, mostly: a User has a few dozen children), so that
// reading a layout allocates nothing.
func (s *source) entries(buf []entry) []entry {
	it := s.iter()
	var e entry
	for it.next(&e) {
		buf = append(buf, e)
	}
	return buf
}

// layIter reads a packed layout entry by entry, for readers that look at each entry once
// and need no slice of them (the JSON writer).
type layIter struct {
	b    []byte
	i    int
	line int32
}

// iter returns an iterator over the entries of s's layout.
func (s *source) iter() layIter { return layIter{b: s.lay, line: s.line0} }

// lineOf returns the line of an entry of kind k packed as v (see packEntries).
func (it *layIter) lineOf(k entryKind, v uint32) int32 {
	if k == eExt {
		return unzigzag(v)
	}
	it.line += unzigzag(v)
	return it.line
}

// next decodes the next entry into e and reports whether there was one.
func (it *layIter) next(e *entry) bool {
	b, i := it.b, it.i
	if i >= len(b) {
		return false
	}
	if i+7 <= len(b) {
		// The usual entry: seven varints of a byte each.
		w := b[i : i+7 : i+7]
		if (w[0]|w[1]|w[2]|w[3]|w[4]|w[5]|w[6])&0x80 == 0 {
			*e = entry{kind: entryKind(w[0] & 1), flags: entryFlags(w[0] >> 1), field: w[1], item: int32(w[2]),
				line: it.lineOf(entryKind(w[0]&1), uint32(w[3])), col: int32(w[4]), ws: unzigzag(uint32(w[5])), aux: int32(w[6])}
			it.i = i + 7
			return true
		}
	}
	var v uint32
	v, i = uvarint(b, i)
	e.kind, e.flags = entryKind(v&1), entryFlags(v>>1)
	v, i = uvarint(b, i)
	e.field = uint8(v)
	v, i = uvarint(b, i)
	e.item = int32(v)
	v, i = uvarint(b, i)
	e.line = it.lineOf(e.kind, v)
	v, i = uvarint(b, i)
	e.col = int32(v)
	v, i = uvarint(b, i)
	e.ws = unzigzag(v)
	v, i = uvarint(b, i)
	e.aux = int32(v)
	it.i = i
	return true
}

func zigzag(v int32) uint32   { return uint32(v<<1) ^ uint32(v>>31) }
func unzigzag(u uint32) int32 { return int32(u>>1) ^ -int32(u&1) }

// uvarint reads the varint at b[i] (written by appendUvarint, so well formed) and returns
// it and the index after it.
func uvarint(b []byte, i int) (uint32, int) {
	if c := b[i]; c < 0x80 {
		return uint32(c), i + 1
	}
	var v uint32
	for shift := 0; ; shift += 7 {
		c := b[i]
		i++
		v |= uint32(c&0x7f) << shift
		if c < 0x80 {
			return v, i
		}
	}
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

// entry is one child of a source layout, as the decoder builds it and the encoders read it
// (source.lay keeps it packed). It holds no pointers: the decoder appends entries without
// write barriers, and the packed form is memory the collector never scans. White space
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

// nextEntry returns lay grown by one entry and a pointer to that entry, which the caller
// sets field by field in its place (every field: a reused buffer holds an older entry
// there). An entry built apart and appended is stored in pieces and then loaded whole to
// be copied, which the processor cannot forward from the stores: a stall for each child.
func nextEntry(lay []entry) ([]entry, *entry) {
	n := len(lay)
	if n < cap(lay) {
		lay = lay[:n+1]
	} else {
		lay = append(lay, entry{})
	}
	return lay, &lay[n]
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
//
// buf is room for the unpacked entries, which are packed at the end, and pbuf room for
// packing them (up to maxPacked bytes an entry, some seven used): setLayout returns both
// (grown) for the next call, and the layout kept is a copy of the bytes used.
func (s *source) setLayout(raw []rawEntry, buf []entry, pbuf []byte) ([]entry, []byte) {
	lay := buf[:0]
	var aux []Node
	for i := range raw {
		r := &raw[i]
		lay, aux = addEntry(lay, aux, r.packed(), r.ws, r.node, r.text)
	}
	if len(lay) > 0 {
		s.line0 = lay[0].line
		pbuf = packEntries(pbuf[:0], lay, s.line0)
		s.lay = make([]byte, len(pbuf))
		copy(s.lay, pbuf)
	}
	s.aux = aux
	clear(lay) // the nodes and strings of this layout are not kept alive by the buffer
	return lay[:0], pbuf[:0]
}
