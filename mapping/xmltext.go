package mapping

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/odmadmin/odmadmin/odm"
)

// elementXML renders a vendor extension element as self-contained XML text (its namespaces
// declared on it), so that JSON output keeps what the model has no field for.
func elementXML(e *odm.Element) string {
	var b strings.Builder
	writeElement(&b, e, map[string]string{})
	return b.String()
}

func writeElement(b *strings.Builder, e *odm.Element, scope map[string]string) {
	inner := scope
	declare := func(prefix, space string) {
		if space == "" || space == odm.NSXML {
			return
		}
		if cur, ok := inner[prefix]; ok && cur == space {
			return
		}
		// A new map, so that siblings keep the parent's scope.
		n := make(map[string]string, len(inner)+1)
		for k, v := range inner {
			n[k] = v
		}
		n[prefix] = space
		inner = n
		if prefix == "" {
			b.WriteString(` xmlns="`)
		} else {
			b.WriteString(" xmlns:" + prefix + `="`)
		}
		xmlEscape(b, space)
		b.WriteByte('"')
	}
	b.WriteByte('<')
	b.WriteString(e.Qualified())
	declare(e.Prefix, e.Space)
	for _, a := range e.Attrs {
		if a.IsNamespaceDecl() {
			continue
		}
		if a.Space != "" {
			declare(a.Prefix, a.Space)
		}
		b.WriteByte(' ')
		b.WriteString(a.Qualified())
		b.WriteString(`="`)
		xmlEscape(b, a.Value)
		b.WriteByte('"')
	}
	if len(e.Children) == 0 {
		b.WriteString("/>")
		return
	}
	b.WriteByte('>')
	for _, c := range e.Children {
		switch c := c.(type) {
		case *odm.Element:
			writeElement(b, c, inner)
		case *odm.Text:
			xmlEscape(b, c.Data)
		case *odm.Comment:
			b.WriteString("<!--" + c.Data + "-->")
		}
	}
	b.WriteString("</" + e.Qualified() + ">")
}

func xmlEscape(b *strings.Builder, s string) {
	var sb strings.Builder
	_ = xml.EscapeText(&sb, []byte(s))
	b.WriteString(sb.String())
}

// parseElementXML reads XML text written by elementXML back into an element, so that a
// directory read from JSON can still write its vendor elements.
func parseElementXML(s string) (*odm.Element, error) {
	d := xml.NewDecoder(strings.NewReader(s))
	var stack []*odm.Element
	var root *odm.Element
	var names []xml.Name // raw names of the open elements, to match end tags
	prefixes := []map[string]string{{"xml": odm.NSXML}}
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			scope := map[string]string{}
			for k, v := range prefixes[len(prefixes)-1] {
				scope[k] = v
			}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" {
					scope[a.Name.Local] = a.Value
				} else if a.Name.Space == "" && a.Name.Local == "xmlns" {
					scope[""] = a.Value
				}
			}
			prefixes = append(prefixes, scope)
			e := &odm.Element{Name: odm.Name{Space: scope[t.Name.Space], Prefix: t.Name.Space, Local: t.Name.Local}}
			for _, a := range t.Attr {
				switch {
				case a.Name.Space == "xmlns":
					e.Attrs = append(e.Attrs, odm.Attr{Name: odm.Name{Space: odm.NSXMLNS, Prefix: "xmlns", Local: a.Name.Local}, Value: a.Value})
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					e.Attrs = append(e.Attrs, odm.Attr{Name: odm.Name{Space: odm.NSXMLNS, Local: "xmlns"}, Value: a.Value})
				case a.Name.Space == "xml":
					e.Attrs = append(e.Attrs, odm.Attr{Name: odm.Name{Space: odm.NSXML, Prefix: "xml", Local: a.Name.Local}, Value: a.Value})
				case a.Name.Space == "":
					e.Attrs = append(e.Attrs, odm.Attr{Name: odm.Name{Local: a.Name.Local}, Value: a.Value})
				default:
					e.Attrs = append(e.Attrs, odm.Attr{Name: odm.Name{Space: scope[a.Name.Space], Prefix: a.Name.Space, Local: a.Name.Local}, Value: a.Value})
				}
			}
			if t.Name.Space != "" && scope[t.Name.Space] == "" || hasUnbound(t.Attr, scope) {
				return nil, errors.New("a prefix is not bound to a namespace")
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, e)
			} else if root == nil {
				root = e
			} else {
				// One recorded element is one element: a second would be written
				// as content the record does not hold.
				return nil, errors.New("more than one element")
			}
			stack = append(stack, e)
			names = append(names, t.Name)
		case xml.EndElement:
			if len(stack) == 0 || names[len(names)-1] != t.Name {
				return nil, errors.New("unbalanced XML")
			}
			stack = stack[:len(stack)-1]
			names = names[:len(names)-1]
			prefixes = prefixes[:len(prefixes)-1]
		case xml.CharData:
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, &odm.Text{Data: string(t)})
			} else if strings.TrimSpace(string(t)) != "" {
				return nil, errors.New("text outside the element")
			}
		case xml.Comment:
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, &odm.Comment{Data: string(t)})
			}
		case xml.ProcInst:
			if len(stack) == 0 {
				return nil, errors.New("a processing instruction outside the element")
			}
			p := stack[len(stack)-1]
			p.Children = append(p.Children, &odm.ProcInst{Target: t.Target, Inst: string(t.Inst)})
		case xml.Directive:
			return nil, errors.New("a DOCTYPE or other declaration")
		}
	}
	if root == nil || len(stack) != 0 {
		return nil, errors.New("no element")
	}
	return root, nil
}

// hasUnbound reports whether an attribute uses a prefix that scope does not bind.
func hasUnbound(as []xml.Attr, scope map[string]string) bool {
	for _, a := range as {
		if a.Name.Space != "" && a.Name.Space != "xmlns" && a.Name.Space != "xml" && scope[a.Name.Space] == "" {
			return true
		}
	}
	return false
}
