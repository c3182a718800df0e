package validate

import (
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/odmadmin/odmadmin/odm"
)

// The typed odm values do not say in which order an element's children stood, nor where a
// text-only child such as Email or Country stood. Both are needed: the order for
// admin.elementOrder (rwslib writes Country before StateProv), the position so that a
// finding about an Email cites the Email's line, not its User's. So CheckAdminDataXML
// scans the source a second time with encoding/xml and builds a sourceIndex.

// pos is a start-tag position as odm reports it: 1-based line and byte column of the "<".
type pos struct{ line, col int }

// kid is one ODM-namespace child element of an indexed element.
type kid struct {
	local string
	at    pos
}

// sourceIndex maps the start position of each element inside AdminData to its ODM
// children, in source order.
type sourceIndex struct {
	kids map[pos][]kid
}

// child returns the position of the i-th child named local of the element starting at p.
func (s *sourceIndex) child(p pos, local string, i int) (pos, bool) {
	if s == nil {
		return pos{}, false
	}
	for _, k := range s.kids[p] {
		if k.local != local {
			continue
		}
		if i == 0 {
			return k.at, true
		}
		i--
	}
	return pos{}, false
}

// contentModels lists, per ODM version family, the ODM children of each AdminData element in
// schema order (ODM 1.3.2 foundation XSD; ODM 2.0 ODM-admindata.xsd). Elements a model does
// not list are the reader's business (admin.unknownContent), not an order question.
var contentModels = map[bool]map[string][]string{
	false: { // ODM 1.2 and 1.3
		"AdminData":    {"User", "Location", "SignatureDef"},
		"User":         {"LoginName", "DisplayName", "FullName", "FirstName", "LastName", "Organization", "Address", "Email", "Picture", "Pager", "Fax", "Phone", "LocationRef", "Certificate"},
		"Address":      {"StreetName", "City", "StateProv", "Country", "PostalCode", "OtherText"},
		"Location":     {"MetaDataVersionRef"},
		"SignatureDef": {"Meaning", "LegalReason"},
	},
	true: { // ODM 2.0
		"AdminData":    {"User", "Organization", "Location", "SignatureDef"},
		"User":         {"UserName", "Prefix", "Suffix", "FullName", "GivenName", "FamilyName", "Image", "Address", "Telecom"},
		"Address":      {"StreetName", "HouseNumber", "City", "StateProv", "Country", "PostalCode", "GeoPosition", "OtherText"},
		"Location":     {"Description", "MetaDataVersionRef", "Address", "Telecom", "Query"},
		"Organization": {"Description", "Address", "Telecom"},
		"SignatureDef": {"Meaning", "LegalReason"},
	},
}

// rootModels is the order of the ODM root's children (ODM 1.3.2 section 3.1; ODM 2.0
// ODM-foundation.xsd). ds:Signature is in another namespace and not ranked.
var rootModels = map[bool][]string{
	false: {"Study", "AdminData", "ReferenceData", "ClinicalData", "Association"},
	true:  {"Description", "Study", "AdminData", "ReferenceData", "ClinicalData", "Association"},
}

func rank(model []string, local string) int {
	for i, m := range model {
		if m == local {
			return i
		}
	}
	return -1
}

// orderFinding describes one child that stands before a sibling the schema puts first.
type orderFinding struct {
	parent, child, after string
	at, afterAt          pos
	model                []string
}

// orderCheck follows the children of one element and reports each child whose rank is
// below the highest rank seen so far. One out-of-place child is one finding, however
// many siblings it jumped.
type orderCheck struct {
	model []string
	best  int
	name  string
	at    pos
}

func (o *orderCheck) see(parent, local string, at pos) (orderFinding, bool) {
	r := rank(o.model, local)
	if r < 0 {
		return orderFinding{}, false
	}
	if r < o.best {
		return orderFinding{parent: parent, child: local, after: o.name, at: at, afterAt: o.at, model: o.model}, true
	}
	o.best, o.name, o.at = r, local, at
	return orderFinding{}, false
}

// scanSource indexes src and returns the order problems inside AdminData. It reads src the
// way odm does (see utf8Source), so positions agree with odm's. The document has already
// been decoded without error; should this second reading still fail, it returns what it
// found up to there, because the findings from the values do not depend on it.
func scanSource(src []byte, v odm.Version, odmNS string) (*sourceIndex, []orderFinding) {
	idx := &sourceIndex{kids: map[pos][]kid{}}
	var out []orderFinding
	in, err := utf8Source(src)
	if err != nil {
		return idx, nil
	}
	d := xml.NewDecoder(in)
	d.Strict = true
	// The bytes are UTF-8 by now, whatever the declaration says.
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	models := contentModels[v == odm.V20]

	// RawToken and a small namespace stack of our own: Token would also resolve every
	// attribute name and allocate for it, and this pass needs only element namespaces.
	type binding struct{ prefix, uri string }
	var ns []binding
	resolve := func(prefix string) string {
		for i := len(ns) - 1; i >= 0; i-- {
			if ns[i].prefix == prefix {
				return ns[i].uri
			}
		}
		return ""
	}
	type frame struct {
		at     pos
		local  string
		marks  int // len(ns) before this element's declarations
		order  *orderCheck
		inside bool // the element is AdminData or inside it
	}
	var stack []frame
	for {
		line, col := d.InputPos()
		tok, err := d.RawToken()
		if err != nil {
			return idx, out
		}
		switch t := tok.(type) {
		case xml.StartElement:
			at := pos{line, col}
			mark := len(ns)
			for _, a := range t.Attr {
				switch {
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					ns = append(ns, binding{"", a.Value})
				case a.Name.Space == "xmlns":
					ns = append(ns, binding{a.Name.Local, a.Value})
				}
			}
			isODM := resolve(t.Name.Space) == odmNS
			f := frame{at: at, local: t.Name.Local, marks: mark}
			if len(stack) > 0 {
				p := &stack[len(stack)-1]
				f.inside = p.inside
				if p.inside && isODM {
					idx.kids[p.at] = append(idx.kids[p.at], kid{t.Name.Local, at})
					if p.order != nil {
						if of, bad := p.order.see(p.local, t.Name.Local, at); bad {
							out = append(out, of)
						}
					}
				}
			}
			if isODM && len(stack) == 1 && t.Name.Local == "AdminData" {
				f.inside = true
			}
			if f.inside && isODM {
				if m, ok := models[t.Name.Local]; ok {
					f.order = &orderCheck{model: m, best: -1}
				}
			}
			stack = append(stack, f)
		case xml.EndElement:
			if len(stack) > 0 {
				ns = ns[:stack[len(stack)-1].marks]
				stack = stack[:len(stack)-1]
			}
		}
	}
}

// declEncoding finds the encoding label in an XML declaration, as odm does.
var declEncoding = regexp.MustCompile(`^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

// utf8Source prepares src the way odm prepares its input (odm/input.go prepareInput): it
// drops a UTF-8 byte-order mark and transcodes UTF-16 and declared legacy encodings to
// UTF-8. odm counts lines and columns on that UTF-8 stream, so this pass must too, or its
// positions would not match the typed values' Line and Col.
func utf8Source(src []byte) (io.Reader, error) {
	switch {
	case bytes.HasPrefix(src, []byte{0xEF, 0xBB, 0xBF}):
		return bytes.NewReader(src[3:]), nil
	case bytes.HasPrefix(src, []byte{0xFF, 0xFE}), bytes.HasPrefix(src, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		return transform.NewReader(bytes.NewReader(src), dec), nil
	case bytes.HasPrefix(src, []byte{'<', 0, '?', 0}):
		return transform.NewReader(bytes.NewReader(src), unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()), nil
	case bytes.HasPrefix(src, []byte{0, '<', 0, '?'}):
		return transform.NewReader(bytes.NewReader(src), unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()), nil
	}
	m := declEncoding.FindSubmatch(src[:min(len(src), 512)])
	if m == nil {
		return bytes.NewReader(src), nil
	}
	switch strings.ToLower(string(m[1])) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return bytes.NewReader(src), nil
	}
	var enc encoding.Encoding
	if e, err := ianaindex.IANA.Encoding(string(m[1])); err == nil && e != nil {
		enc = e
	} else if e, err := htmlindex.Get(string(m[1])); err == nil && e != nil {
		enc = e
	} else {
		return nil, io.ErrUnexpectedEOF // odm would have refused the input already
	}
	return transform.NewReader(bytes.NewReader(src), enc.NewDecoder()), nil
}
