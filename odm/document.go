package odm

import (
	"io"
	"os"
	"slices"
	"strings"
)

// Document is a whole ODM file. Everything outside AdminData is kept as generic nodes so
// that it is written back as it was read; each AdminData is a typed *AdminData standing in
// Root.Children where the file had it.
type Document struct {
	Version Version
	// Prolog holds what precedes the root element: the XML declaration (a *ProcInst with
	// Target "xml"), comments, processing instructions, a DOCTYPE, white space.
	Prolog []Node
	// Root is the ODM element. Its Children hold Study, ReferenceData, ClinicalData, ...
	// as *Element and each AdminData as *AdminData, in document order.
	Root *Element
	// Epilog holds comments, processing instructions and white space after the root.
	Epilog []Node
	// Warnings lists producer quirks and content outside the ODM model found while
	// reading. Strict reading turns the first one into an error instead.
	Warnings []*Error
}

// Header is the part of a document before its content: the prolog and the ODM start tag.
type Header struct {
	Version Version
	Prolog  []Node
	// Root is the ODM element's start tag: name and attributes, no children.
	Root *Element
}

// NewDocument returns an empty document of version v (V13 or V20) with an XML declaration
// and an ODM root element declaring the ODM namespace. Set root attributes such as FileOID
// with Root.SetAttr.
func NewDocument(v Version) *Document {
	if v == "" {
		v = V13
	}
	root := &Element{Name: Name{Space: v.Namespace(), Local: "ODM"}}
	root.Attrs = []Attr{{Name: Name{Space: NSXMLNS, Local: "xmlns"}, Value: v.Namespace()}}
	odmVersion := "1.3.2"
	if v == V20 {
		odmVersion = "2.0"
	} else if v == V12 {
		odmVersion = "1.2.1"
	}
	root.SetAttr("", "", "ODMVersion", odmVersion)
	return &Document{
		Version: v,
		Prolog:  []Node{&ProcInst{Target: "xml", Inst: `version="1.0" encoding="UTF-8"`}, &Text{Data: "\n"}},
		Root:    root,
	}
}

// Decode reads a whole ODM document from r.
func Decode(r io.Reader, opts ReadOptions) (*Document, error) {
	s := newScanner(r, opts)
	h, err := s.readHeader()
	if err != nil {
		return nil, err
	}
	doc := &Document{Version: h.Version, Prolog: h.Prolog, Root: h.Root}
	first := true
	for {
		tk, err := s.next()
		if err != nil {
			return nil, err
		}
		if tk.kind == tEnd {
			if first && s.wasEmpty() {
				doc.Root.Empty = true
			}
			break
		}
		first = false
		switch {
		case tk.kind == tStart && tk.is(s.odmNS, "AdminData"):
			ad := new(AdminData)
			if err := s.readTyped(ad.model(), tk); err != nil {
				return nil, err
			}
			doc.Root.Children = append(doc.Root.Children, ad)
		case tk.kind == tStart:
			e, err := s.readRawToken(tk)
			if err != nil {
				return nil, err
			}
			doc.Root.Children = append(doc.Root.Children, e)
		default:
			doc.Root.Children = append(doc.Root.Children, tk.node())
		}
	}
	if doc.Epilog, err = s.readEpilog(); err != nil {
		return nil, err
	}
	doc.Warnings = s.warnings
	return doc, nil
}

// DecodeFile reads the ODM document in the named file. Errors and warnings name the file.
func DecodeFile(path string, opts ReadOptions) (*Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if opts.Name == "" {
		opts.Name = path
	}
	return Decode(f, opts)
}

// readHeader reads up to and including the root start tag and checks it is an ODM root.
func (s *scanner) readHeader() (*Header, error) {
	h := &Header{}
	for {
		tk, err := s.next()
		if err == io.EOF {
			return nil, s.fail(ErrTruncated, "the input has no root element", 1, 1)
		}
		if err != nil {
			return nil, err
		}
		switch tk.kind {
		case tStart:
			s.seenRoot = true
			v, ok := versionOf(tk.name.Space)
			if tk.name.Local == "ODM" && tk.name.Space == "" {
				// ODM 1.1-era files and some tools write the root in no namespace. Read
				// them with the model their ODMVersion names; everything stays in no
				// namespace, so a write-back keeps the document's meaning.
				v, ok = versionByAttr(tk.attrs), true
				if err := s.warn(ErrQuirk, WarnNoNamespace, "the ODM root element is in no namespace; read as ODM "+string(v)+" from its ODMVersion", tk.line, tk.col); err != nil {
					return nil, err
				}
			}
			if tk.name.Local != "ODM" || !ok {
				msg := "the root element is " + tk.name.Qualified()
				if tk.name.Local == "ODM" {
					msg = "the root element ODM is not in a CDISC ODM namespace (v1.2, v1.3 or v2.0)"
				}
				return nil, s.fail(ErrNotODM, msg, tk.line, tk.col)
			}
			s.version, s.odmNS = v, tk.name.Space
			h.Version, h.Root = v, tk.element()
			return h, nil
		case tText:
			if !isBlank(tk.data) {
				return nil, s.fail(ErrSyntax, "text before the root element", tk.line, tk.col)
			}
			h.Prolog = append(h.Prolog, tk.textNode())
		case tEnd:
			line, col := s.xs.Pos()
			return nil, s.fail(ErrSyntax, "unexpected end tag", line, col)
		default:
			h.Prolog = append(h.Prolog, tk.other)
		}
	}
}

// versionByAttr picks the model for an ODM root in no namespace from its ODMVersion
// attribute: 1.2.x is read as ODM 1.2, 2.0 as ODM 2.0, anything else (1.1, 1.3.x, none) as
// ODM 1.3, whose AdminData is a superset of 1.1's.
func versionByAttr(attrs []Attr) Version {
	for _, a := range attrs {
		if a.Space == "" && a.Local == "ODMVersion" {
			switch v := strings.TrimSpace(a.Value); {
			case v == "2.0" || strings.HasPrefix(v, "2."):
				return V20
			case v == "1.2" || strings.HasPrefix(v, "1.2."):
				return V12
			}
		}
	}
	return V13
}

// readEpilog reads what follows the root element; only comments, PIs and white space may.
func (s *scanner) readEpilog() ([]Node, error) {
	var out []Node
	for {
		tk, err := s.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch tk.kind {
		case tStart:
			return nil, s.fail(ErrSyntax, "a second root element", tk.line, tk.col)
		case tText:
			if !isBlank(tk.data) {
				return nil, s.fail(ErrSyntax, "text after the root element", tk.line, tk.col)
			}
			out = append(out, tk.textNode())
		case tOther:
			out = append(out, tk.other)
		}
	}
}

// AdminData returns the document's AdminData elements in document order.
func (d *Document) AdminData() []*AdminData {
	var out []*AdminData
	if d.Root == nil {
		return nil
	}
	for _, c := range d.Root.Children {
		if a, ok := c.(*AdminData); ok {
			out = append(out, a)
		}
	}
	return out
}

// AddAdminData inserts ads, in order, after the document's Study and AdminData elements
// and before ReferenceData, ClinicalData and the rest, where the ODM schema wants them,
// each after a white-space run like the first among the root's other children. Adding
// several in one call is one pass over the root's children (a call per block would copy
// them once per block: quadratic for a document of thousands of site blocks); the result
// is that of calling it with each in turn.
//
// Nil entries of ads are left out. A document without a root (the zero Document) gets
// the root NewDocument makes for its version first.
func (d *Document) AddAdminData(ads ...*AdminData) {
	ads = slices.DeleteFunc(slices.Clone(ads), func(a *AdminData) bool { return a == nil })
	if len(ads) == 0 {
		return
	}
	if d.Root == nil {
		d.Root = NewDocument(d.Version).Root
	}
	ch := d.Root.Children
	at := 0 // insert before index at: after the last Study or AdminData
	for i := len(ch) - 1; i >= 0 && at == 0; i-- {
		switch c := ch[i].(type) {
		case *AdminData:
			at = i + 1
		case *Element:
			if c.Space == d.Root.Space && c.Local == "Study" {
				at = i + 1
			}
		}
	}
	ws := "\n  "
	for _, c := range ch {
		if t, ok := c.(*Text); ok && isBlank(t.Data) {
			ws = t.Data
			break
		}
	}
	out := make([]Node, 0, len(ch)+2*len(ads)+1)
	out = append(out, ch[:at]...)
	for _, a := range ads {
		out = append(out, &Text{Data: ws}, a)
	}
	if len(ch) == 0 {
		out = append(out, &Text{Data: "\n"})
		d.Root.Empty = false
	}
	d.Root.Children = append(out, ch[at:]...)
}
