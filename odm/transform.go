package odm

import "io"

// Transform copies the ODM document in r to w in bounded memory, handing each AdminData
// record to fn on the way: the *AdminData itself when it starts (attributes only), then each
// *User, *Organization, *Location, *SignatureDef and each vendor node directly inside
// AdminData. The records the returned *AdminData holds are written first, its Nodes last;
// records fn appends to it later, while its children go by, are written before its end
// tag after the source's records (so that an edit can add content to a block). fn
// returns the node to write — the same one, edited or not, or another — or
// nil to leave it out (with the white space before it). A nil fn copies everything.
//
// Everything outside AdminData (Study, ClinicalData, ...) is copied token by token
// without building a tree, so memory stays bounded whatever the file's size. The output is
// byte for byte what Decode followed by Encode writes. It returns the reader's warnings.
//
// With ropts.Reuse, a record fn is given (and everything it points to) is valid only until
// fn returns and what fn returned is written, as for a Reader with Reuse: fn keeps no
// slice or pointer of it (strings may be kept, and so may the *AdminData, which is not
// recycled), and the records are read into recycled memory.
func Transform(w io.Writer, r io.Reader, ropts ReadOptions, wopts WriteOptions, fn func(Node) (Node, error)) ([]*Error, error) {
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
	}
	t := &transformer{s: s, x: x, fn: fn}
	for _, n := range h.Prolog {
		x.node(n, "")
	}
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
	s  *scanner
	x  *xw
	fn func(Node) (Node, error)
}

func (t *transformer) call(n Node) (Node, error) {
	if t.fn == nil {
		return n, nil
	}
	return t.fn(n)
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
			switch {
			case first && s.wasEmpty():
				x.str("/>")
				x.pop()
			default:
				if !open {
					x.str(">")
				}
				x.str(ws)
				x.endTag(qn)
			}
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
	n, err := t.call(ad)
	if err != nil || n == nil {
		if err == nil {
			err = s.skip()
		}
		return err
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
	first, open := true, false
	ws := ""
	child := x.childNL(nl)
	// Records the head already holds (fn may add some) come first.
	sp := m.spec(x.version)
	held := make([]int, len(sp.kids))
	for i := range sp.kids {
		k := sp.kids[i]
		for j := 0; j < m.manyLen(k.field); j++ {
			if !open {
				x.str(">")
				open = true
			}
			x.str(child)
			x.typed(m.manyAt(k.field, j), child)
		}
		held[i] = m.manyLen(k.field)
	}
	for {
		s.ar.reset() // every record before is written
		tk, err := s.next()
		if err != nil {
			return err
		}
		if tk.kind == tEnd {
			// Records and nodes fn appended to the head while its children went by are
			// written last, before the end tag (in schema order among themselves).
			added := false
			for i := range sp.kids {
				k := sp.kids[i]
				for j := held[i]; j < m.manyLen(k.field); j++ {
					if !open {
						x.str(">")
						open = true
					}
					x.str(child)
					x.typed(m.manyAt(k.field, j), child)
					added = true
				}
			}
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
			switch {
			case first && s.wasEmpty() && !open:
				x.str("/>")
				x.pop()
			default:
				if !open {
					x.str(">")
				}
				x.str(ws)
				x.endTag(qn)
			}
			return x.err
		}
		first = false
		if !open {
			x.str(">")
			open = true
		}
		var node Node
		switch tk.kind {
		case tStart:
			if k, _, ok := sp.kid(tk.name.Local); ok && tk.name.Space == s.odmNS {
				mm, v := s.newRecord(k.field)
				if err := s.readTyped(mm, tk); err != nil {
					return err
				}
				node = v
			} else {
				e, err := s.readRawToken(tk)
				if err != nil {
					return err
				}
				if e.Space == s.odmNS || e.Space == "" {
					if err := s.warn(ErrUnknown, WarnUnknownElement, "element "+e.Local+" is not defined inside AdminData", e.Line, e.Col); err != nil {
						return err
					}
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
		if out != nil {
			x.str(ws)
			x.node(out, ws)
		}
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
