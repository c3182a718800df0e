package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/antchfx/xmlquery"

	"github.com/odmadmin/odmadmin/internal/intern"
	"github.com/odmadmin/odmadmin/internal/xmlscan"
	"github.com/odmadmin/odmadmin/odm"
)

// The record path builds each record's xmlquery tree straight from the xmlscan tokens: the
// input is tokenized once. (It used to cut each record's bytes out of the input, wrap them
// in their ancestors' start tags and hand them to xmlquery.Parse, which tokenized them a
// second time with encoding/xml; that parse was three quarters of the command's CPU.)
//
// The tree must be the one xmlquery.Parse builds from the wrapped record, node for node,
// since the whole-document path still uses xmlquery.Parse and both paths must answer
// alike. That parser has quirks this builder reproduces on purpose:
//   - the document node's first child is an XML declaration node (version 1.0), added
//     because the wrapped record has no declaration;
//   - it maps each namespace URI to one prefix, the last one declared for it anywhere
//     before in the document, never forgetting a declaration when its element ends (so a
//     declaration in one record gives its prefix to the next records' nodes of that
//     namespace); a default declaration replaces an entry only at the same or a deeper
//     level (prefixMap). The record path keeps one map for the whole input, as the whole
//     document's parse does. (Before, each record was parsed on its own, with a fresh map,
//     and printed such a record's nodes with other prefixes than the whole-document path.)
//   - an element's Prefix is that mapped prefix when the element is written with it,
//     else empty; an attribute's Name.Space is the mapped prefix of its namespace URI;
//   - attribute values are what encoding/xml gives: references decoded and line ends
//     normalized, but a literal tab or line break kept (xmlscan turns them into spaces,
//     as XML 1.0 §3.3.3 says; encoding/xml does not).

// nsEntry is one entry of xmlquery's map from namespace URI to prefix.
type nsEntry struct {
	uri, prefix string
	level       int
}

// prefixMap is that map. It usually has a handful of entries, searched in order faster
// than a Go map answers; past smallPrefixMap entries (a file that declares a new namespace
// in every record) an index keeps each look-up constant.
type prefixMap struct {
	entries []nsEntry
	index   map[string]int // uri to position in entries, once there are many
}

const smallPrefixMap = 16

func (m *prefixMap) get(uri string) (nsEntry, bool) {
	if m.index != nil {
		if i, ok := m.index[uri]; ok {
			return m.entries[i], true
		}
		return nsEntry{}, false
	}
	for _, e := range m.entries {
		if e.uri == uri {
			return e, true
		}
	}
	return nsEntry{}, false
}

func (m *prefixMap) set(uri, prefix string, level int) {
	e := nsEntry{uri, prefix, level}
	if m.index != nil {
		if i, ok := m.index[uri]; ok {
			m.entries[i] = e
			return
		}
		m.index[uri] = len(m.entries)
		m.entries = append(m.entries, e)
		return
	}
	for i := range m.entries {
		if m.entries[i].uri == uri {
			m.entries[i] = e
			return
		}
	}
	m.entries = append(m.entries, e)
	if len(m.entries) > smallPrefixMap {
		m.index = make(map[string]int, 2*len(m.entries))
		for i, e := range m.entries {
			m.index[e.uri] = i
		}
	}
}

// slab hands out values from chunks that are reused for every record: a record's nodes
// and attributes cost no allocation once the chunks are as large as the largest record.
// Nothing of a record is used after the next one starts (its results are written before).
type slab[T any] struct {
	chunks [][]T
	c, n   int // next free: chunks[c][n]
}

const slabChunk = 256

func (s *slab[T]) reset() { s.c, s.n = 0, 0 }

// take returns k zeroed values, contiguous.
func (s *slab[T]) take(k int) []T {
	if k > slabChunk {
		return make([]T, k)
	}
	for {
		if s.c == len(s.chunks) {
			s.chunks = append(s.chunks, make([]T, slabChunk))
		}
		if ch := s.chunks[s.c]; s.n+k <= len(ch) {
			out := ch[s.n : s.n+k : s.n+k]
			clear(out)
			s.n += k
			return out
		}
		s.c, s.n = s.c+1, 0
	}
}

// pendingStr is a string field of the record's tree that gets its value when the record
// is complete: all of a record's character data and attribute values are gathered into
// one buffer and become one string, sliced, instead of one allocation each.
type pendingStr struct {
	dst      *string
	from, to int
}

// recordReader reads a document record by record (see querystream.go): each child of
// AdminData, and each other child of the root, with its ancestors; or, once target is
// set, each element of the target name below the root outside any other.
type recordReader struct {
	sc   *xmlscan.Scanner
	read *atomic.Int64

	rootNS string // the root's namespace

	// The ancestors, built when their start tags are read and shared by the records.
	doc, root, ad *xmlquery.Node
	rootNs, adNs  prefixMap // the prefix map after the root's and AdminData's start tags
	ns            prefixMap // the prefix map while a record is built
	names         intern.Table
	nodes         slab[xmlquery.Node]
	attrs         slab[xmlquery.Attr]
	text          []byte // the record's strings, gathered (see pendingStr)
	pending       []pendingStr
	valueScratch  []byte

	// target is the local name of the first step of the record path: an element of
	// another name can hold no result but inside a descendant of that name, so it is no
	// record but an ancestor of the records inside it, and its own content is not built.
	// (A ClinicalData of 200,000 subjects was one record, a tree of 400 MB, when the
	// question was about users.) "" makes every child of the root and of AdminData a
	// record.
	target string
	anc    []ancestor // open ancestors below the root and AdminData, outermost first
}

// ancestor is an element that holds records. Its node has no attributes and no other
// children: an expression about one record never looks at them.
type ancestor struct {
	node  *xmlquery.Node
	depth int
}

func newRecordReader(r io.Reader, read *atomic.Int64, opts odm.ReadOptions) *recordReader {
	sc := xmlscan.New(r, recordLimits(opts))
	return &recordReader{sc: sc, read: read}
}

// recordLimits are the limits of the odm reader that checks the input beside the record
// reader, read as odm reads opts (0: odm's default, negative: none). The record reader
// must refuse what the check refuses, where it refuses it: it runs ahead of the check, and
// a record it built past a limit (an element of 1,100 attributes when MaxAttrs, which
// query leaves at 0, went to xmlscan as no limit) was printed before the check failed.
func recordLimits(opts odm.ReadOptions) xmlscan.Options {
	lim := func(n, def int) int {
		if n == 0 {
			return def
		}
		return max(n, 0) // negative: no limit
	}
	return xmlscan.Options{
		MaxDepth:      lim(opts.MaxDepth, odm.DefaultMaxDepth),
		MaxTokenBytes: lim(opts.MaxTokenBytes, odm.DefaultMaxTokenBytes),
		MaxAttrs:      lim(opts.MaxAttrs, odm.DefaultMaxAttrs),
		MaxInputBytes: max(opts.MaxInputBytes, 0),
	}
}

// next returns the document node of the next record's tree: the root, AdminData if the
// record is inside one, and the record. The tree is valid until the following call. It
// returns io.EOF after the last record.
func (r *recordReader) next() (*xmlquery.Node, error) {
	for {
		kind, err := r.sc.Next()
		if err != nil {
			return nil, err
		}
		r.read.Store(r.sc.InputOffset()) // for the automatic time limit
		if kind != xmlscan.StartElement {
			if kind == xmlscan.EndElement {
				if r.sc.Depth() == 1 {
					r.ad = nil
				}
				for len(r.anc) > 0 && r.anc[len(r.anc)-1].depth > r.sc.Depth() {
					r.anc = r.anc[:len(r.anc)-1]
				}
			}
			continue
		}
		switch n := r.sc.Name(); {
		case r.sc.Depth() == 1:
			r.startRoot()
		case r.sc.Depth() == 2 && n.Space == r.rootNS && string(n.Local) == "AdminData":
			r.ad = r.element(new(xmlquery.Node), false)
		case r.target != "" && string(n.Local) != r.target:
			a := new(xmlquery.Node)
			r.elementName(a)
			r.anc = append(r.anc, ancestor{a, r.sc.Depth()})
		default:
			return r.record()
		}
	}
}

// startRoot builds the document node, the declaration xmlquery adds and the root element.
func (r *recordReader) startRoot() {
	r.doc = &xmlquery.Node{Type: xmlquery.DocumentNode}
	decl := &xmlquery.Node{Type: xmlquery.DeclarationNode, Data: "xml", Attr: []xmlquery.Attr{{Name: xml.Name{Local: "version"}, Value: "1.0"}}}
	xmlquery.AddChild(r.doc, decl)
	r.ns = prefixMap{}
	r.ns.set(odm.NSXML, "xml", 0)
	r.root = r.element(new(xmlquery.Node), false)
	xmlquery.AddChild(r.doc, r.root)
	r.rootNS = r.sc.Name().Space
	r.ad = nil
	r.anc = r.anc[:0]
}

// attach makes child the only child of parent.
func attach(parent, child *xmlquery.Node) {
	parent.FirstChild, parent.LastChild = child, child
	child.Parent, child.PrevSibling, child.NextSibling = parent, nil, nil
}

// record builds the tree of the record whose start tag was just read.
func (r *recordReader) record() (*xmlquery.Node, error) {
	r.nodes.reset()
	r.attrs.reset()
	r.text = r.text[:0]
	clear(r.pending)
	r.pending = r.pending[:0]
	parent := r.root
	if r.ad != nil {
		attach(r.root, r.ad)
		parent = r.ad
	}
	for _, a := range r.anc {
		attach(parent, a.node)
		parent = a.node
	}
	rec := r.element(r.newNode(), true)
	attach(parent, rec)
	depth := r.sc.Depth()
	cur := rec
	for {
		kind, err := r.sc.Next()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		switch kind {
		case xmlscan.StartElement:
			e := r.element(r.newNode(), true)
			xmlquery.AddChild(cur, e)
			cur = e
		case xmlscan.EndElement:
			if r.sc.Depth() < depth {
				r.read.Store(r.sc.InputOffset())
				r.settle()
				return r.doc, nil
			}
			cur = cur.Parent
		case xmlscan.Text, xmlscan.CDATA, xmlscan.Comment:
			t := r.newNode()
			switch kind {
			case xmlscan.Text:
				t.Type = xmlquery.TextNode
			case xmlscan.CDATA:
				t.Type = xmlquery.CharDataNode
			default:
				t.Type = xmlquery.CommentNode
			}
			r.defer_(&t.Data, r.sc.Data())
			xmlquery.AddChild(cur, t)
		case xmlscan.ProcInst:
			xmlquery.AddChild(cur, procInst(string(r.sc.Target()), string(r.sc.Data())))
		}
	}
}

// procInst builds a processing instruction node as xmlquery does.
func procInst(target, inst string) *xmlquery.Node {
	n := &xmlquery.Node{Type: xmlquery.DeclarationNode, Data: target}
	for _, pair := range strings.Split(inst, " ") {
		pair = strings.TrimSpace(pair)
		if i := strings.Index(pair, "="); i > 0 {
			xmlquery.AddAttr(n, pair[:i], strings.Trim(pair[i+1:], `"'`))
		}
	}
	if target != "xml" {
		n.Type = xmlquery.ProcessingInstruction
		n.ProcInst = &xmlquery.ProcInstData{Target: target, Inst: strings.TrimSpace(inst)}
	}
	return n
}

func (r *recordReader) newNode() *xmlquery.Node { return &r.nodes.take(1)[0] }

// defer_ gathers b as the future value of *dst (see pendingStr).
func (r *recordReader) defer_(dst *string, b []byte) {
	from := len(r.text)
	r.text = append(r.text, b...)
	r.pending = append(r.pending, pendingStr{dst, from, len(r.text)})
}

// settle gives the gathered strings their values.
func (r *recordReader) settle() {
	all := string(r.text)
	for _, p := range r.pending {
		*p.dst = all[p.from:p.to]
	}
}

// name returns b as a string shared by its occurrences (a file has few distinct names).
func (r *recordReader) name(b []byte) string { return r.names.Name(b) }

// element fills n with the start tag just read, as xmlquery's parser would, updating the
// prefix map. inRecord says its strings may wait for settle (the ancestors' may not: they
// outlive the record).
func (r *recordReader) element(n *xmlquery.Node, inRecord bool) *xmlquery.Node {
	as := r.elementName(n)
	if len(as) == 0 {
		return n
	}
	var attrs []xmlquery.Attr
	if inRecord {
		attrs = r.attrs.take(len(as))
	} else {
		attrs = make([]xmlquery.Attr, len(as))
	}
	for i := range as {
		a := &as[i]
		// The name encoding/xml reports: a declaration keeps the prefix xmlns as its
		// space, a default declaration has none.
		space := a.Space
		if a.Space == xmlscan.NSXMLNS {
			space = ""
			if len(a.Prefix) > 0 {
				space = "xmlns"
			}
		}
		at := &attrs[i]
		at.Name.Local = r.name(a.Local)
		at.NamespaceURI = space
		at.Name.Space = space
		if e, ok := r.ns.get(space); ok {
			at.Name.Space = e.prefix
		}
		if v := r.value(a); inRecord {
			r.defer_(&at.Value, v)
		} else {
			at.Value = string(v)
		}
	}
	n.Attr = attrs
	return n
}

// elementName fills in n's type and name from the start tag just read, as xmlquery's
// parser would, updating the prefix map, and returns the tag's attributes.
func (r *recordReader) elementName(n *xmlquery.Node) []xmlscan.Attr {
	level := r.sc.Depth()
	name := r.sc.Name()
	as := r.sc.Attrs()
	// Declarations first, in xmlquery's order and with its tests.
	for i := range as {
		a := &as[i]
		switch {
		case string(a.Local) == "xmlns":
			uri := string(r.value(a))
			if e, ok := r.ns.get(uri); !ok || e.level >= level {
				r.ns.set(uri, "", level)
			}
		case a.Space == xmlscan.NSXMLNS:
			r.ns.set(string(r.value(a)), r.name(a.Local), level)
		}
	}
	n.Type = xmlquery.ElementNode
	n.Data = r.name(name.Local)
	n.NamespaceURI = name.Space
	if name.Space != "" {
		if e, ok := r.ns.get(name.Space); ok && e.prefix != "" && e.prefix == string(name.Prefix) {
			n.Prefix = e.prefix
		}
	}
	return as
}

// value returns an attribute's value as encoding/xml reports it: references decoded, line
// ends normalized, literal tabs and line feeds kept. It is valid until the next call.
func (r *recordReader) value(a *xmlscan.Attr) []byte {
	if bytes.IndexAny(a.Raw, "\t\n\r") < 0 {
		return a.Value // nothing for xmlscan to normalize: the same value
	}
	raw, dst := a.Raw, r.valueScratch[:0]
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; c {
		case '&':
			end := bytes.IndexByte(raw[i:], ';') // xmlscan checked the reference
			dst = appendRef(dst, raw[i+1:i+end])
			i += end
		case '\r':
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			dst = append(dst, '\n')
		default:
			dst = append(dst, c)
		}
	}
	r.valueScratch = dst
	return dst
}

// appendRef appends the character of a reference's body (between & and ;), which the
// scanner has checked.
func appendRef(dst, body []byte) []byte {
	switch string(body) {
	case "lt":
		return append(dst, '<')
	case "gt":
		return append(dst, '>')
	case "amp":
		return append(dst, '&')
	case "apos":
		return append(dst, '\'')
	case "quot":
		return append(dst, '"')
	}
	base, digits := 10, string(body[1:])
	if strings.HasPrefix(digits, "x") {
		base, digits = 16, digits[1:]
	}
	v, _ := strconv.ParseUint(digits, base, 32)
	return utf8.AppendRune(dst, rune(v))
}
