package odm

// Namespace URIs this package knows by name. Look-ups are always by URI: a file may bind
// any prefix (or several) to these.
const (
	NS13     = "http://www.cdisc.org/ns/odm/v1.3" // ODM 1.3.0, 1.3.1 and 1.3.2
	NS12     = "http://www.cdisc.org/ns/odm/v1.2" // ODM 1.2.x (read with the 1.3 model)
	NS20     = "http://www.cdisc.org/ns/odm/v2.0" // ODM 2.0
	NSInForm = "http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0"
	NSRave   = "http://www.mdsol.com/ns/odm/metadata"
	// NSOpenClinica is the OpenClinica 3.1+/4 extension namespace of ODM 1.3 exports.
	NSOpenClinica = "http://www.openclinica.org/ns/odm_ext_v130/v3.1"
	// NSOpenClinica12 is the OpenClinica extension namespace of ODM 1.2 exports.
	NSOpenClinica12 = "http://www.openclinica.org/ns/odm_ext_v121/v3.1"
	// NSOpenClinicaRules is the namespace of OpenClinica rules in metadata exports.
	NSOpenClinicaRules = "http://www.openclinica.org/ns/rules/v3.1"
	NSXML              = "http://www.w3.org/XML/1998/namespace"
	NSXMLNS            = "http://www.w3.org/2000/xmlns/"
	NSXSI              = "http://www.w3.org/2001/XMLSchema-instance"
	NSDS               = "http://www.w3.org/2000/09/xmldsig#"
)

// Name is an expanded XML name together with the prefix it was written with.
// Space is the namespace URI ("" for none). Namespace declarations are attributes whose
// Space is NSXMLNS: xmlns:pf="..." has Prefix "xmlns" and Local "pf"; a default namespace
// declaration xmlns="..." has an empty Prefix and Local "xmlns".
type Name struct {
	Space  string
	Prefix string
	Local  string
}

// Is reports whether n has namespace URI space and local name local. The prefix does not matter.
func (n Name) Is(space, local string) bool { return n.Local == local && n.Space == space }

// Qualified returns the name as written: "prefix:local" or "local".
func (n Name) Qualified() string {
	if n.Prefix == "" {
		return n.Local
	}
	return n.Prefix + ":" + n.Local
}

// IsNamespaceDecl reports whether the attribute name is a namespace declaration.
func (n Name) IsNamespaceDecl() bool { return n.Space == NSXMLNS }

// Attr is an attribute. Value is the attribute's value after XML unescaping.
type Attr struct {
	Name
	Value string
}

// Node is a piece of XML content kept verbatim: *Element, *Text, *Comment, *ProcInst or
// *Directive. Typed AdminData values (*AdminData, *User, ...) are Nodes too so that they can
// stand in a document tree where the XML had them.
type Node interface{ isNode() }

// Element is a generic XML element and its whole subtree, used for everything this package
// does not model with a typed value: vendor extension elements, Study, ClinicalData, the ODM
// root. Attrs keeps the attributes, namespace declarations included, in source order.
type Element struct {
	Name
	Attrs    []Attr
	Children []Node
	// Line and Col give the position of the start tag in the source (1-based), 0 if unknown.
	Line, Col int
	// Empty records that the source wrote the element as <a/> rather than <a></a>. It only
	// matters when the element has no children.
	Empty bool
}

// Text is character data. CDATA records that the source wrote it as a CDATA section.
type Text struct {
	Data  string
	CDATA bool
}

// Comment is an XML comment; Data excludes the <!-- and --> delimiters.
type Comment struct{ Data string }

// ProcInst is a processing instruction, including the XML declaration (Target "xml").
type ProcInst struct {
	Target string
	Inst   string
}

// Directive is a <!...> declaration such as <!DOCTYPE ...>, kept verbatim without the
// delimiters. This package never expands entities declared in it.
type Directive struct{ Data string }

func (*Element) isNode()   {}
func (*Text) isNode()      {}
func (*Comment) isNode()   {}
func (*ProcInst) isNode()  {}
func (*Directive) isNode() {}

// Attr returns the value of the attribute with namespace space and local name local.
func (e *Element) Attr(space, local string) (string, bool) {
	for _, a := range e.Attrs {
		if a.Name.Is(space, local) {
			return a.Value, true
		}
	}
	return "", false
}

// SetAttr sets the attribute space:local to value, adding it with prefix when absent.
// The encoder declares the prefix if it is not in scope.
func (e *Element) SetAttr(space, prefix, local, value string) {
	e.Attrs = setAttr(e.Attrs, space, prefix, local, value)
}

// Elements returns the child elements with namespace space and local name local.
func (e *Element) Elements(space, local string) []*Element {
	var out []*Element
	for _, c := range e.Children {
		if ce, ok := c.(*Element); ok && ce.Name.Is(space, local) {
			out = append(out, ce)
		}
	}
	return out
}

// Text returns the concatenated character data directly inside e.
func (e *Element) Text() string {
	var s string
	for _, c := range e.Children {
		if t, ok := c.(*Text); ok {
			s += t.Data
		}
	}
	return s
}

// Copy returns a deep copy of e.
func (e *Element) Copy() *Element {
	if e == nil {
		return nil
	}
	c := *e
	c.Attrs = append([]Attr(nil), e.Attrs...)
	c.Children = copyNodes(e.Children)
	return &c
}

func copyNodes(ns []Node) []Node {
	if ns == nil {
		return nil
	}
	out := make([]Node, len(ns))
	for i, n := range ns {
		switch n := n.(type) {
		case *Element:
			out[i] = n.Copy()
		case *Text:
			c := *n
			out[i] = &c
		case *Comment:
			c := *n
			out[i] = &c
		case *ProcInst:
			c := *n
			out[i] = &c
		case *Directive:
			c := *n
			out[i] = &c
		default:
			out[i] = n
		}
	}
	return out
}

func setAttr(attrs []Attr, space, prefix, local, value string) []Attr {
	for i := range attrs {
		if attrs[i].Name.Is(space, local) {
			attrs[i].Value = value
			return attrs
		}
	}
	return append(attrs, Attr{Name: Name{Space: space, Prefix: prefix, Local: local}, Value: value})
}

func removeAttr(attrs []Attr, space, local string) []Attr {
	for i := range attrs {
		if attrs[i].Name.Is(space, local) {
			return append(attrs[:i:i], attrs[i+1:]...)
		}
	}
	return attrs
}

// isBlank reports whether s is XML white space only.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
		default:
			return false
		}
	}
	return true
}
