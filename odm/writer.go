package odm

import (
	"errors"
	"io"
)

// Writer writes an ODM document record by record, in bounded memory, for documents too
// large to build as a whole. It accepts the values a Reader returns, so a stream can be
// filtered or edited on its way through:
//
//	w := odm.NewWriter(out, odm.WriteOptions{})
//	w.WriteHeader(hdr)          // or nil for a new ODM 1.3 document
//	w.Write(adminData)          // opens an AdminData (and writes any children it already has)
//	w.Write(user)               // records go into the open AdminData
//	w.Close()                   // closes the open elements and flushes
type Writer struct {
	x      *xw
	state  int // 0 before the header, 1 root open, 2 AdminData open, 3 closed
	rootQN string
	adQN   string
	nls    [3]string
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer, opts WriteOptions) *Writer {
	return &Writer{x: newXW(w, opts)}
}

// Warnings returns what could not be represented in the document's version so far.
func (w *Writer) Warnings() []*Error { return w.x.warnings }

// WriteHeader writes the prolog and the ODM start tag. A nil h writes those of
// NewDocument(V13).
func (w *Writer) WriteHeader(h *Header) error {
	defer w.x.handOff()
	if w.state != 0 {
		return errors.New("odm: Writer: header already written")
	}
	if h == nil {
		d := NewDocument(V13)
		h = &Header{Version: d.Version, Prolog: d.Prolog, Root: d.Root}
	}
	if h.Root == nil {
		return &Error{Err: ErrUnrepresentable, Msg: "Writer: the header has no root element"}
	}
	w.x.setVersion(h.Version)
	w.x.rootNamespace(h.Root)
	w.x.prolog(h.Prolog)
	if !w.x.elementNameOK(h.Root.Name) {
		return w.x.err
	}
	w.rootQN = w.x.startTag(h.Root.Name, h.Root.Attrs)
	w.x.str(">")
	w.state = 1
	return w.x.err
}

func (w *Writer) nl(depth int) string {
	if w.x.unit == "" {
		return ""
	}
	if depth < len(w.nls) && w.nls[depth] != "" {
		return w.nls[depth]
	}
	s := "\n"
	for i := 0; i < depth; i++ {
		s += w.x.unit
	}
	if depth < len(w.nls) {
		w.nls[depth] = s // built once: it precedes every record
	}
	return s
}

// Write writes one value: an *AdminData opens a new AdminData (closing the previous one);
// *User, *Organization, *Location, *SignatureDef and generic nodes go into the open
// AdminData. Elements outside AdminData (a Study, ClinicalData) may be written as
// *Element when no AdminData is open.
func (w *Writer) Write(n Node) error {
	defer w.x.handOff()
	if w.state == 0 {
		if err := w.WriteHeader(nil); err != nil {
			return err
		}
	}
	if w.state == 3 {
		return errors.New("odm: Writer: already closed")
	}
	x := w.x
	if isNilNode(n) {
		return errors.New("odm: Writer: nil value")
	}
	switch v := n.(type) {
	case *AdminData:
		w.closeAdminData()
		m := v.model()
		sp := m.spec(x.version)
		name := Name{Space: x.odmNS, Local: "AdminData"}
		if v.src != nil {
			name.Prefix = v.src.prefix
		}
		nl := w.nl(1)
		x.str(nl)
		w.adQN = x.startTag(name, x.typedAttrs(m, sp, &v.Ext))
		x.str(">")
		w.state = 2
		child := w.nl(2)
		for i := range sp.kids {
			k := sp.kids[i]
			for j := 0; j < m.manyLen(k.field); j++ {
				if c := m.manyAt(k.field, j); c != nil { // nil: no value, no line
					x.str(child)
					x.typed(c, child)
				}
			}
		}
		for _, e := range v.Nodes {
			x.str(child)
			x.node(e, child)
		}
	case *User, *Organization, *Location, *SignatureDef:
		if w.state != 2 {
			return errors.New("odm: Writer: write an *AdminData before its records")
		}
		nl := w.nl(2)
		x.str(nl)
		x.typed(v.(interface{ model() model }).model(), nl)
	default:
		depth := 1
		if w.state == 2 {
			depth = 2
		}
		nl := w.nl(depth)
		if t, ok := n.(*Text); !ok || !isBlank(t.Data) {
			x.str(nl)
		}
		x.node(n, nl)
	}
	if x.err != nil {
		return x.err
	}
	// A record that lost a value fails here, not only at Close.
	return x.dropped()
}

func (w *Writer) closeAdminData() {
	if w.state == 2 {
		w.x.str(w.nl(1))
		w.x.endTag(w.adQN)
		w.state = 1
	}
}

// Close closes the open AdminData and the root element and flushes the output. It does not
// close the underlying writer.
func (w *Writer) Close() error {
	defer w.x.handOff()
	if w.state == 3 {
		return w.x.err
	}
	if w.state == 0 {
		if err := w.WriteHeader(nil); err != nil {
			return err
		}
	}
	w.closeAdminData()
	w.x.str(w.nl(0))
	w.x.endTag(w.rootQN)
	w.x.str("\n")
	w.state = 3
	return w.x.flush()
}
