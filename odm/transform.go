package odm

import (
	"io"
	"slices"
)

// Transform copies the ODM document in r to w in bounded memory, handing each AdminData
// record to fn on the way: the *AdminData itself when it starts (attributes only), then each
// *User, *Organization, *Location, *SignatureDef and each vendor node directly inside
// AdminData. fn returns the node to write — the same one, edited or not, or another — or
// nil to leave it out (with the white space before it). A nil fn copies everything.
//
// The records the returned *AdminData holds, and those fn appends to it later while its
// children go by, are added to the block where ODM's content model puts them (User*,
// Organization* in ODM 2.0, Location*, SignatureDef*, then the vendor extensions), so
// that adding a site to a block of users keeps the document valid: each is written
// before the first record the reader meets, from then on, of its own kind or a later
// one, or before a vendor element, which follows them all; failing those, before the
// end tag. Users fn returned the *AdminData with go at the block's start. Only the
// added records wait, never the source's: the source's first record of a kind is taken
// to end the kinds before it, as it does in a valid document (in a block of some other
// order, a vendor element among its users say, the additions go before that record).
// The *AdminData's Nodes are written last, before the end tag.
//
// Everything outside AdminData (Study, ClinicalData, ...) is copied token by token
// without building a tree, so memory stays bounded whatever the file's size. The output is
// byte for byte what Decode followed by Encode writes. It returns the reader's warnings.
//
// fn may return AsRead() for the record it was given, not edited: the record is then
// written as it was read, its input bytes copied as they are (see AsRead). A nil fn
// does so for every record.
//
// With ropts.Reuse, a record fn is given (and everything it points to) is valid only until
// fn returns and what fn returned is written, as for a Reader with Reuse: fn keeps no
// slice or pointer of it (strings may be kept, and so may the *AdminData, which is not
// recycled), and the records are read into recycled memory.
func Transform(w io.Writer, r io.Reader, ropts ReadOptions, wopts WriteOptions, fn func(Node) (Node, error)) ([]*Error, error) {
	return transform(w, r, ropts, wopts, fn, RawCopy{})
}

// transform is Transform and TransformRaw.
func transform(w io.Writer, r io.Reader, ropts ReadOptions, wopts WriteOptions, fn func(Node) (Node, error), raw RawCopy) ([]*Error, error) {
	ropts.ValuesOnly = false // the document is written back: its layout is needed
	s := newScanner(r, ropts)
	h, err := s.readHeader()
	if err != nil {
		return s.warnings, err
	}
	x := newXW(w, wopts)
	defer x.handOff()
	x.setVersion(h.Version)
	x.rootNamespace(h.Root)
	if fn == nil || ropts.Reuse {
		// Every node is written before the next is read: the memory of the records and
		// tokens is recycled. A callback may keep what it is given, so then it is not,
		// unless ropts.Reuse says it does not.
		s.ar.setRecycle(true)
		if fn == nil {
			// The strings too: nothing but the writer sees a record, and it keeps none
			// of its strings past it (names are interned; the AdminData and the root
			// are detached). At 200,000 users they were all the garbage of convert
			// --to odm, a sixth of its CPU (see arena.go).
			s.ar.strs.recycle = true
		}
	}
	t := &transformer{s: s, x: x, fn: fn, root: h.Root, raw: raw}
	x.prolog(h.Prolog)
	if err := t.copyElement(h.Root, true); err != nil {
		return s.warnings, err
	}
	epilog, err := s.readEpilog()
	if err != nil {
		return s.warnings, err
	}
	for _, n := range epilog {
		x.node(n, "")
	}
	return s.warnings, x.flush()
}

type transformer struct {
	s    *scanner
	x    *xw
	fn   func(Node) (Node, error)
	root *Element
	// rawOK: the records of the AdminData being copied may be written as their input
	// bytes (see asReadOK).
	rawOK bool
	binds []nsBinding // scratch for asReadOK
	// raw chooses records to copy undecoded (TransformRaw); rawBuf holds the bytes of
	// the one being copied.
	raw    RawCopy
	rawBuf []byte
}

func (t *transformer) call(n Node) (Node, error) {
	if t.fn == nil {
		return AsRead(), nil
	}
	return t.fn(n)
}

// AsRead returns the value a Transform callback returns, in place of the record it was
// given, to have that record written as it was read: its input bytes are copied as they
// are instead of being encoded again, where encoding it would write the same bytes (it
// is encoded where not, see asWritten). The callback must not have edited the record.
// For anything but a record (the *AdminData, text, a comment), AsRead stands for the
// node given. It is not a value to put in a document.
func AsRead() Node { return asRead{} }

type asRead struct{}

func (asRead) isNode() {}

// writeAsRead writes n, a record (or vendor element) just read and not edited, as
// AsRead says: its input bytes (held by the scanner since its start tag) when they are
// what x would write for n, else n encoded.
func (t *transformer) writeAsRead(n Node, nl string) {
	x := t.x
	if raw := t.s.xs.Held(); raw != nil && t.rawOK && asWritten(raw) && !x.dropsIn(n) {
		x.bytes(raw)
		return
	}
	x.node(n, nl)
}

// asReadOK reports whether a record inside the AdminData whose start tag has been read
// (its attributes in attrs, as read) and written can be written as its input bytes, as
// far as namespaces go: the elements are written in the namespace they were read in,
// and every namespace binding in scope for the writer is the reader's, in the same
// order, none added (a callback may have edited the AdminData's declarations; the
// writer declares a namespace the source does not where the version's differs).
func (t *transformer) asReadOK(attrs []Attr) bool {
	x, s := t.x, t.s
	if x.odmNS != s.odmNS || t.root == nil {
		return false
	}
	b := t.binds[:0]
	for _, as := range [2][]Attr{t.root.Attrs, attrs} {
		for _, a := range as {
			if a.IsNamespaceDecl() {
				p := a.Local
				if a.Prefix == "" {
					p = ""
				}
				b = append(b, nsBinding{p, a.Value})
			}
		}
	}
	t.binds = b
	return slices.Equal(b, x.scope)
}

// copyElement copies the element whose start tag has been read, and its content. AdminData
// children of the root are handed to copyAdminData.
func (t *transformer) copyElement(e *Element, root bool) error {
	s, x := t.s, t.x
	qn := x.startTag(e.Name, e.Attrs)
	open := false // whether ">" has been written: an element with no content may be <x/>
	first := true
	ws := "" // white space seen at the root level, written before the next node
	for {
		s.ar.reset() // e and every node before are written
		tk, err := s.next()
		if err != nil {
			return err
		}
		if tk.kind == tEnd {
			x.end(qn, first && s.wasEmpty(), open, ws)
			return x.err
		}
		if !open {
			x.str(">")
			open = true
		}
		first = false
		switch tk.kind {
		case tStart:
			if root && tk.is(s.odmNS, "AdminData") {
				if err := t.copyAdminData(tk, ws); err != nil {
					return err
				}
				ws = ""
				continue
			}
			x.str(ws)
			ws = ""
			if err := t.copyElement(tk.element(), false); err != nil {
				return err
			}
		case tText:
			if root && isBlank(tk.data) && !tk.cdata {
				ws += tk.data
				continue
			}
			x.str(ws)
			ws = ""
			x.node(tk.textNode(), "")
		default:
			x.str(ws)
			ws = ""
			x.node(tk.other, "")
		}
		if x.err != nil {
			return x.err
		}
	}
}

// copyAdminData reads one AdminData record by record, hands each to fn and writes what fn
// returns. nl is the white space before the AdminData start tag.
func (t *transformer) copyAdminData(start *token, nl string) error {
	s, x := t.s, t.x
	ad := new(AdminData)
	if err := s.readAttrs(ad.model(), start); err != nil {
		return err
	}
	s.ar.detach() // ad is kept until the end tag
	// The attributes as read, before fn may edit them (see asReadOK).
	var readAttrs []Attr
	if ad.src != nil {
		readAttrs = ad.src.attrs
	}
	n, err := t.call(ad)
	if err != nil || n == nil {
		if err == nil {
			err = s.skip()
		}
		return err
	}
	if _, ok := n.(asRead); ok {
		n = ad
	}
	head, ok := n.(*AdminData)
	if !ok {
		return &Error{File: s.opts.Name, Line: start.line, Col: start.col, Err: ErrUnrepresentable, Msg: "Transform: fn must return an *AdminData for an AdminData"}
	}
	x.str(nl)
	m := head.model()
	name := Name{Space: x.odmNS, Local: "AdminData"}
	if head.src != nil {
		name.Prefix = head.src.prefix
	}
	qn := x.startTag(name, x.typedAttrs(m, m.spec(x.version), &head.Ext))
	t.rawOK = t.asReadOK(readAttrs)
	first, open := true, false
	ws := ""
	child := x.childNL(nl)
	sp := m.spec(x.version)
	// The records the head holds, fn's additions to the block, are written where the
	// schema puts them among the source's records (AdminData is User*, Organization*,
	// Location*, SignatureDef*, then the extensions): those of kind k before the first
	// record the reader meets of kind k or a later one (a vendor element counts as later
	// than them all), or before the end tag. The source is streamed, so only the
	// additions wait, and the first record of a later kind is taken to end the kinds
	// before it, as it does in a valid document. written[k] counts those written, so that
	// records fn appends later, while its children go by, wait their turn the same way.
	written := make([]int, len(sp.kids))
	flush := func(upto int) bool {
		added := false
		for i := range upto {
			f := sp.kids[i].field
			for ; written[i] < m.manyLen(f); written[i]++ {
				if !open {
					x.str(">")
					open = true
				}
				if c := m.manyAt(f, written[i]); c != nil { // nil: no value, no line
					x.str(child)
					x.typed(c, child)
				}
				added = true
			}
		}
		return added
	}
	// Users precede every other record: they need not wait for the first one (and so go
	// before a comment that opens the block, as they always did).
	flush(1)
	for {
		s.ar.reset() // every record before is written
		tk, err := s.next()
		if err != nil {
			return err
		}
		if tk.kind == tEnd {
			// The additions of kinds the source had no record of, or of no later one, and
			// then the nodes, after the source's vendor elements.
			added := flush(len(sp.kids))
			for _, n := range head.Nodes {
				if !open {
					x.str(">")
					open = true
				}
				x.str(child)
				x.node(n, child)
				added = true
			}
			if added && ws == "" {
				ws = nl
			}
			x.end(qn, first && s.wasEmpty() && !open, open, ws)
			return x.err
		}
		first = false
		if !open {
			x.str(">")
			open = true
		}
		var node Node
		upto := 0 // the kinds of additions that go before this node (see flush)
		switch tk.kind {
		case tStart:
			s.xs.Hold() // the record's bytes, for AsRead
			k, ki, ok := sp.kid(tk.name.Local)
			ok = ok && tk.name.Space == s.odmNS
			if ok {
				upto = ki + 1
			} else {
				upto = len(sp.kids) // a vendor element: the extensions follow every record
			}
			if ok && t.rawWanted() {
				flush(upto) // copyRaw writes the record
				copied, v, err := t.copyRaw(k.field, tk.line, tk.col, ws)
				if err != nil {
					return err
				}
				if copied {
					t.raw.Copied()
					s.xs.Release()
					ws = ""
					continue
				}
				s.xs.Release() // not as read: encoded (writeAsRead)
				node = v
			} else if ok {
				mm, v := s.newRecord(k.field)
				if err := s.readTyped(mm, tk); err != nil {
					return err
				}
				node = v
			} else {
				e, err := s.readVendor(tk)
				if err != nil {
					return err
				}
				node = e
			}
		case tText:
			if isBlank(tk.data) && !tk.cdata {
				ws += tk.data
				continue
			}
			if err := s.warn(ErrUnknown, WarnUnexpectedText, "text is not allowed directly inside AdminData", tk.line, tk.col); err != nil {
				return err
			}
			node = tk.textNode()
		default:
			node = tk.other
		}
		out, err := t.call(node)
		if err != nil {
			return err
		}
		if _, ok := out.(*AdminData); ok {
			return &Error{File: s.opts.Name, Line: tk.line, Col: tk.col, Err: ErrUnrepresentable, Msg: "Transform: fn returned an *AdminData for a value inside an AdminData"}
		}
		// After fn: what it added to the head for this record may go before it.
		flush(upto)
		if out != nil && !isNilNode(out) {
			x.str(ws)
			if _, ok := out.(asRead); ok {
				t.writeAsRead(node, ws)
			} else {
				x.node(out, ws)
			}
		}
		s.xs.Release()
		ws = ""
		if x.err != nil {
			return x.err
		}
	}
}

// rootNamespace keeps typed elements in no namespace when the ODM root is in none (ODM
// 1.1-era files): writing them in the version's namespace would change their meaning.
func (x *xw) rootNamespace(root *Element) {
	if root != nil && root.Local == "ODM" && root.Space == "" {
		x.odmNS = ""
	}
}
