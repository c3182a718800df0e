package odm

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"unsafe"

	"github.com/odmadmin/odmadmin/internal/jsontext"
)

// The JSON form of AdminData is documented in doc.go ("JSON form"). It is generated from
// the same model tables as the XML so the two cannot drift apart. Keys are fixed per type;
// a key is omitted when its value is absent; a single text child that was present but empty
// (<Pager/>) is written as "".

type jkey struct {
	key   string
	attr  bool // an attribute field (attrPtr) rather than a child field
	field int
	kind  kind
	space string // attributes in a namespace (xml:lang)
}

var jsonKeys = map[string][]jkey{
	"AdminData": {{key: "studyOID", attr: true, field: 0},
		{key: "users", field: adUsers, kind: kMany}, {key: "organizations", field: adOrganizations, kind: kMany},
		{key: "locations", field: adLocations, kind: kMany}, {key: "signatureDefs", field: adSignatureDefs, kind: kMany}},
	"User": {{key: "oid", attr: true, field: 0}, {key: "userType", attr: true, field: 1},
		{key: "organizationOID", attr: true, field: 2}, {key: "locationOID", attr: true, field: 3},
		{key: "loginName", field: uLoginName}, {key: "displayName", field: uDisplayName}, {key: "prefix", field: uPrefix},
		{key: "suffix", field: uSuffix}, {key: "fullName", field: uFullName}, {key: "firstName", field: uFirstName},
		{key: "lastName", field: uLastName}, {key: "organization", field: uOrganization},
		{key: "addresses", field: uAddresses, kind: kMany}, {key: "emails", field: uEmails, kind: kTexts},
		{key: "picture", field: uPicture, kind: kOne}, {key: "image", field: uImage, kind: kOne},
		{key: "pager", field: uPager}, {key: "faxes", field: uFaxes, kind: kTexts}, {key: "phones", field: uPhones, kind: kTexts},
		{key: "locationRefs", field: uLocationRefs, kind: kMany}, {key: "certificates", field: uCertificates, kind: kTexts},
		{key: "telecoms", field: uTelecoms, kind: kMany}},
	"Address": {{key: "streetNames", field: aStreetNames, kind: kTexts}, {key: "houseNumber", field: aHouseNumber},
		{key: "city", field: aCity}, {key: "stateProv", field: aStateProv}, {key: "country", field: aCountry},
		{key: "postalCode", field: aPostalCode}, {key: "geoPosition", field: aGeoPosition, kind: kOne}, {key: "otherText", field: aOtherText}},
	"GeoPosition":        {{key: "longitude", attr: true, field: 0}, {key: "latitude", attr: true, field: 1}, {key: "altitude", attr: true, field: 2}},
	"Picture":            {{key: "pictureFileName", attr: true, field: 0}, {key: "imageType", attr: true, field: 1}},
	"Image":              {{key: "imageFileName", attr: true, field: 0}, {key: "href", attr: true, field: 1}, {key: "mimeType", attr: true, field: 2}},
	"LocationRef":        {{key: "locationOID", attr: true, field: 0}},
	"Telecom":            {{key: "telecomType", attr: true, field: 0}, {key: "value", attr: true, field: 1}},
	"MetaDataVersionRef": {{key: "studyOID", attr: true, field: 0}, {key: "metaDataVersionOID", attr: true, field: 1}, {key: "effectiveDate", attr: true, field: 2}},
	"TranslatedText":     {{key: "lang", attr: true, field: 0, space: NSXML}, {key: "type", attr: true, field: 1}, {key: "text", field: 0}},
	"Description":        {{key: "translatedTexts", field: 0, kind: kMany}},
	"Location": {{key: "oid", attr: true, field: 0}, {key: "name", attr: true, field: 1}, {key: "locationType", attr: true, field: 2},
		{key: "role", attr: true, field: 3}, {key: "organizationOID", attr: true, field: 4},
		{key: "description", field: lDescription, kind: kOne}, {key: "metaDataVersionRefs", field: lMDVRefs, kind: kMany},
		{key: "addresses", field: lAddresses, kind: kMany}, {key: "telecoms", field: lTelecoms, kind: kMany},
		{key: "queries", field: lQueries, kind: kElems}},
	"SignatureDef": {{key: "oid", attr: true, field: 0}, {key: "methodology", attr: true, field: 1},
		{key: "meaning", field: 0}, {key: "legalReason", field: 1}},
	"Organization": {{key: "oid", attr: true, field: 0}, {key: "name", attr: true, field: 1}, {key: "role", attr: true, field: 2},
		{key: "type", attr: true, field: 3}, {key: "locationOID", attr: true, field: 4}, {key: "partOfOrganizationOID", attr: true, field: 5},
		{key: "description", field: oDescription, kind: kOne}, {key: "addresses", field: oAddresses, kind: kMany},
		{key: "telecoms", field: oTelecoms, kind: kMany}},
}

// jsonType is the JSON table of one typed element, indexed for the writer: it runs for
// every value of a large file, so keys are found by field id, not by searching.
type jsonType struct {
	keys  []jkey
	attrs []int8 // attribute field id -> index in keys, -1 if none
	kids  []int8 // child field id -> index in keys, -1 if none
	// members holds, per key, the key as obj.key writes it (`,"loginName":`), and lay the
	// "key" member of a layout entry naming it (`"key":"loginName"`): built once, so that
	// writing a key is one copy.
	members []string
	lay     []string
}

func (jt *jsonType) attrKey(field int) int {
	if field < 0 || field >= len(jt.attrs) {
		return -1
	}
	return int(jt.attrs[field])
}

func (jt *jsonType) kidKey(field int) int {
	if field < 0 || field >= len(jt.kids) {
		return -1
	}
	return int(jt.kids[field])
}

// jsonTypes indexes jsonKeys by type name. It is built once and only read.
var jsonTypes = func() map[string]*jsonType {
	out := make(map[string]*jsonType, len(jsonKeys))
	for name, keys := range jsonKeys {
		jt := &jsonType{keys: keys}
		for _, k := range keys {
			jt.members = append(jt.members, member(k.key))
			jt.lay = append(jt.lay, `"key":"`+k.key+`"`)
		}
		for i, k := range keys {
			tab := &jt.kids
			if k.attr {
				tab = &jt.attrs
			}
			for len(*tab) <= k.field {
				*tab = append(*tab, -1)
			}
			if (*tab)[k.field] < 0 { // the first key of a field, as a search would find
				(*tab)[k.field] = int8(i)
			}
		}
		out[name] = jt
	}
	return out
}()

// member is key k of the JSON form as obj.key writes it: with the comma that separates it
// from the member before and the colon. Keys need no escaping (TestJSONKeysPlain).
func member(k string) string { return `,"` + k + `":` }

// jsonTypeOf returns the JSON table of m's type. Typed values of both versions share the
// ODM 1.3 spec's name.
func jsonTypeOf(m model) *jsonType {
	if jt := jsonTypes[m.spec(V13).name]; jt != nil {
		return jt
	}
	return &jsonType{}
}

// specType is the JSON table of the values of one content model.
type specType struct {
	sp *spec
	jt *jsonType
}

// typeOf is jsonTypeOf(m), remembered for the content models of the last few values: a
// file's records are of a few types, and a look at a few pointers costs less than
// finding the type's name in jsonTypes for every value.
func (j *jw) typeOf(m model) *jsonType {
	sp := m.spec(V13)
	for i := range j.types {
		if t := &j.types[i]; t.sp == sp {
			return t.jt
		}
	}
	jt := jsonTypeOf(m)
	j.types[j.typesNext] = specType{sp, jt}
	j.typesNext = (j.typesNext + 1) % len(j.types)
	return jt
}

// ---- writing

// jw is a small streaming JSON writer: the output of large files is written as it is read.
type jw struct {
	w   io.Writer
	buf []byte
	err error
	// attrNames and elemNames hold the JSON of the names of attributes and elements as
	// they were last written: a file writes the same few names, mostly in a namespace with
	// a long URI, on thousands of records, so a name is escaped once and copied whole.
	attrNames [64]namePiece
	elemNames [16]namePiece
	// types remembers the JSON tables of the last few content models (typeOf).
	types     [8]specType
	typesNext int
	// lays caches the layout "children" arrays of a few types (see children).
	lays     [4]layCache
	laysNext int
}

func (j *jw) flush() {
	if j.err == nil && len(j.buf) > 0 {
		_, j.err = j.w.Write(j.buf)
	}
	j.buf = j.buf[:0]
}

// raw copies s. It does not flush: the buffer is flushed after each record and, inside
// long content, by spill at the start of each node and value.
func (j *jw) raw(s string) {
	j.buf = append(j.buf, s...)
}

// spill writes the buffer out once it holds more than 32 KiB, so that a long generic
// element or a record with many values does not grow it without bound.
func (j *jw) spill() {
	if len(j.buf) > 32<<10 {
		j.flush()
	}
}

func (j *jw) str(s string) {
	j.buf = jsontext.AppendString(j.buf, s)
}

// ws writes white space read between elements as a JSON string: a line feed and spaces
// (the indentation of most files) without a look at each byte's escaping.
func (j *jw) ws(s string) {
	// An indentation (a line feed and spaces) is compared with a run of spaces as a whole
	// and copied from jsonIndents, instead of a look at each byte.
	if len(s) > 0 && len(s)+2 <= len(jsonIndents) && s[0] == '\n' && s[1:] == jsonIndents[3:len(s)+2] {
		j.buf = append(append(j.buf, jsonIndents[:len(s)+2]...), '"')
		return
	}
	j.str(s)
}

// jsonIndents is an indentation as a JSON string without its closing quote: `"\n` and
// spaces; an indentation (a line feed and n spaces) is its first n+2 bytes.
const jsonIndents = `"\n` + "                                                                " +
	"                                                                "

// plain writes a key of the JSON form as a string value; keys need no escaping
// (TestJSONKeysPlain).
func (j *jw) plain(k string) {
	j.buf = append(append(append(j.buf, '"'), k...), '"')
}

// obj writes the members of a JSON object one by one, handling commas.
type obj struct {
	j    *jw
	more bool // a member was written
}

// key starts a member; m is its key as member makes it (`,"name":`), whose comma is left
// out before the first member. Keys are the fixed names of the JSON form (jsonKeys and the
// literals of this file), none of which needs escaping (TestJSONKeysPlain), so they are
// copied as they are.
func (o *obj) key(m string) {
	if !o.more {
		m, o.more = m[1:], true
	}
	o.j.buf = append(o.j.buf, m...)
}

// sameName is a == b, the strings compared by their pointers first: the decoder hands
// out one string per name (scanner.name), whose bytes need no second look.
func sameName(a, b *Name) bool {
	return equalString(a.Local, b.Local) && equalString(a.Space, b.Space) && equalString(a.Prefix, b.Prefix)
}

// equalString is a == b, true without a look at the bytes when a and b are one string in
// memory.
func equalString(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

// namePiece is the JSON of a name (an attribute's or an element's) as it was last
// written: the start of its object with the "ns", "prefix" and "name" members.
type namePiece struct {
	name Name
	b    []byte
}

// piece returns the JSON of name n from the pieces ps, made of lead, the "ns" and
// "prefix" members, the "name" member and tail when n is not one its set holds. ps is
// in sets of two slots, chosen by the local name's length and bytes; the slot written
// last comes first. So the names of a record (its vendor attributes, an element and its
// attribute) mostly keep slots of their own, and two names that share a set both stay;
// three that do cost a rebuild. The comparison is cheap: the decoder hands out one string
// per name, so the strings compared are mostly the same ones (equalString).
func piece(ps []namePiece, n Name, lead, tail string) []byte {
	l := n.Local
	x := uint32(len(l))
	if len(l) > 0 {
		x |= uint32(l[0])<<8 | uint32(l[len(l)-1])<<16 | uint32(l[len(l)/2])<<24
	}
	h := uint(x*0x9e3779b1>>16) % uint(len(ps)/2) * 2 // the bytes mixed (Fibonacci hashing)
	set := ps[h : h+2 : h+2]
	if p := &set[0]; p.b != nil && sameName(&p.name, &n) {
		return p.b
	}
	if p := &set[1]; p.b != nil && sameName(&p.name, &n) {
		return p.b
	}
	set[0], set[1] = set[1], set[0]
	p := &set[0]
	b := append(p.b[:0], lead...)
	if n.Space != "" {
		b = append(b, `"ns":`...)
		b = jsontext.AppendString(b, n.Space)
		b = append(b, ',')
	}
	if n.Prefix != "" {
		b = append(b, `"prefix":`...)
		b = jsontext.AppendString(b, n.Prefix)
		b = append(b, ',')
	}
	b = append(b, `"name":`...)
	b = jsontext.AppendString(b, l)
	p.name, p.b = n, append(b, tail...)
	return p.b
}

func (j *jw) attrs(attrs []Attr) {
	if len(attrs) == 0 {
		j.raw("[]")
		return
	}
	sep := byte('[')
	for i := range attrs {
		a := &attrs[i]
		j.buf = append(j.buf, sep)
		sep = ','
		j.buf = append(j.buf, piece(j.attrNames[:], a.Name, "{", `,"value":`)...)
		j.str(a.Value)
		j.buf = append(j.buf, '}')
	}
	j.buf = append(j.buf, ']')
}

// node writes a generic node; slot is written when >= 0, ws (the white space before the
// node among AdminData records) when not empty.
func (j *jw) node(n Node, slot int, ws string) {
	j.spill()
	o := obj{j: j}
	j.raw("{")
	switch n := n.(type) {
	case *Element:
		j.elemHead(&o, n.Name, n.Attrs)
		if len(n.Children) > 0 || !n.Empty {
			// "children": [] is an element written <a></a> rather than <a/>.
			o.key(`,"children":`)
			j.raw("[")
			for i, c := range n.Children {
				if i > 0 {
					j.raw(",")
				}
				j.node(c, -1, "")
			}
			j.raw("]")
		}
	case *Text:
		o.more = true
		j.raw(`"type":"text","text":`)
		j.str(n.Data)
		if n.CDATA {
			j.raw(`,"cdata":true`)
		}
	case *Comment:
		o.more = true
		j.raw(`"type":"comment","text":`)
		j.str(n.Data)
	case *ProcInst:
		o.more = true
		j.raw(`"type":"pi","target":`)
		j.str(n.Target)
		j.raw(`,"text":`)
		j.str(n.Inst)
	case *Directive:
		o.more = true
		j.raw(`"type":"directive","text":`)
		j.str(n.Data)
	}
	if slot >= 0 {
		o.key(`,"slot":`)
		j.buf = strconv.AppendInt(j.buf, int64(slot), 10)
	}
	if ws != "" {
		o.key(`,"ws":`)
		j.ws(ws)
	}
	j.raw("}")
}

// elemHead writes the members of an element node before its children.
func (j *jw) elemHead(o *obj, name Name, attrs []Attr) {
	j.buf = append(j.buf, piece(j.elemNames[:], name, `"type":"element",`, "")...)
	o.more = true
	if len(attrs) > 0 {
		o.key(`,"attrs":`)
		j.attrs(attrs)
	}
}

// wsNode is a node directly inside AdminData with the white space before it.
type wsNode struct {
	ws string
	n  Node
}

// recHead is what the JSON form carries for an AdminData record beyond its own layout:
// the white space before it and the nodes between the previous record and it.
type recHead struct {
	ws     string
	before []wsNode
}

// typed writes a typed value as a JSON object, with its layout when it was read from XML.
// AdminData is written by the stream itself (see jsonStream.adminData).
func (j *jw) typed(m model, rh *recHead) {
	j.spill()
	jt := j.typeOf(m)
	keys := jt.keys
	x := m.ext()
	o := obj{j: j}
	j.raw("{")
	for ki := range keys {
		k := &keys[ki]
		if k.attr {
			if v := *m.attrPtr(k.field); v != "" || srcHasAttr(x.src, k.field) {
				o.key(jt.members[ki])
				j.str(v)
			}
			continue
		}
		switch k.kind {
		case kText:
			v := *m.textPtr(k.field)
			if v != "" || x.present&(1<<uint(k.field)) != 0 {
				o.key(jt.members[ki])
				j.str(v)
			}
		case kTexts:
			vs := *m.textsPtr(k.field)
			if len(vs) > 0 {
				o.key(jt.members[ki])
				sep := byte('[')
				for _, v := range vs {
					j.buf = append(j.buf, sep)
					sep = ','
					j.str(v)
				}
				j.buf = append(j.buf, ']')
			}
		case kOne:
			if c := m.oneGet(k.field); c != nil {
				o.key(jt.members[ki])
				j.typed(c, nil)
			}
		case kMany:
			// A nil entry (modelOf) carries no value: written as nothing, as in XML.
			first := true
			for i := range m.manyLen(k.field) {
				c := m.manyAt(k.field, i)
				if c == nil {
					continue
				}
				if first {
					o.key(jt.members[ki])
					j.raw("[")
					first = false
				} else {
					j.raw(",")
				}
				j.typed(c, nil)
			}
			if !first {
				j.raw("]")
			}
		case kElems:
			if es := *m.elemsPtr(k.field); len(es) > 0 {
				o.key(jt.members[ki])
				j.raw("[")
				for i, e := range es {
					if i > 0 {
						j.raw(",")
					}
					j.node(e, -1, "")
				}
				j.raw("]")
			}
		}
	}
	if len(x.Attrs) > 0 {
		o.key(`,"attrs":`)
		j.attrs(x.Attrs)
	}
	if len(x.Nodes) > 0 {
		o.key(`,"nodes":`)
		j.raw("[")
		for i, n := range x.Nodes {
			if i > 0 {
				j.raw(",")
			}
			slot, ok := x.slots[n]
			if !ok {
				slot = -1
			}
			j.node(n, slot, "")
		}
		j.raw("]")
	}
	j.layout(&o, m, jt, rh)
	j.raw("}")
}

// srcHasAttr reports whether the standard attribute field was present in the source, so
// that an attribute written empty (UserType="") is kept as "".
func srcHasAttr(src *source, field int) bool {
	if src == nil || src.sp == nil {
		return false
	}
	for _, as := range src.sp.attrs {
		if as.field == field {
			_, ok := findAttr(src.attrs, as.space, as.name)
			return ok
		}
	}
	return false
}

// layout writes the "layout" member: how the value was written in XML, so that
// ODM -> JSON -> ODM gives the same document (see doc.go).
func (j *jw) layout(o *obj, m model, jt *jsonType, rh *recHead) {
	x := m.ext()
	src := x.src
	if src == nil && (rh == nil || (rh.ws == "" && len(rh.before) == 0)) {
		return
	}
	o.key(`,"layout":`)
	lo := obj{j: j}
	j.raw("{")
	if rh != nil {
		if rh.ws != "" {
			lo.key(`,"ws":`)
			j.ws(rh.ws)
		}
		if len(rh.before) > 0 {
			lo.key(`,"before":`)
			j.wsNodes(rh.before)
		}
	}
	if src != nil {
		if src.prefix != "" {
			lo.key(`,"prefix":`)
			j.str(src.prefix)
		}
		if src.empty {
			lo.key(`,"empty":`)
			j.raw("true")
		}
		if !attrsInOrder(m, jt, src) {
			lo.key(`,"attrOrder":`)
			j.attrOrder(m, jt, src)
		}
		if len(src.lay) > 0 {
			lo.key(`,"children":`)
			j.children(m, jt, src)
		}
		if src.trail != "" {
			lo.key(`,"trail":`)
			j.ws(src.trail)
		}
	}
	j.raw("}")
}

// attrsInOrder reports whether the source wrote the attributes in the order in which they
// are written anyway: standard ones in schema order, then the others (the value's "attrs"
// in their order). Only then can "attrOrder" be left out. It allocates nothing: it runs
// for every value read from XML.
func attrsInOrder(m model, jt *jsonType, src *source) bool {
	if src.sp == nil {
		return true
	}
	x := m.ext()
	last, ext := -1, 0
	for i := range src.attrs {
		a := &src.attrs[i]
		// A standard attribute is in no namespace or in xml's (TestStandardAttrSpaces):
		// the vendor attributes of an export, all in the vendor's namespace, are not
		// looked for among them.
		if a.Space == "" || a.Space == NSXML {
			if as, ok := src.sp.attr(a.Space, a.Local); ok && !a.IsNamespaceDecl() {
				if i := jt.attrKey(as.field); i >= 0 {
					if i < last || ext > 0 {
						return false
					}
					last = i
				}
				continue
			}
		}
		// Usually the source's next other attribute is the value's next one: a value read
		// from XML keeps them in the source's order. The first attribute of that name is
		// then this one, as an element's attribute names are unique (the scanner refuses a
		// repeated one, namespaces resolved), so the search is left out.
		if ext < len(x.Attrs) && sameName(&x.Attrs[ext].Name, &a.Name) {
			ext++
			continue
		}
		if i := extAttrIndex(x.Attrs, a.Name); i >= 0 {
			if i != ext {
				return false
			}
			ext++
		}
	}
	return true
}

// extAttrIndex returns the index of the first attribute named n in attrs, or -1.
func extAttrIndex(attrs []Attr, n Name) int {
	for i := range attrs {
		if attrs[i].Name == n {
			return i
		}
	}
	return -1
}

// attrOrder writes the attributes in the order the source wrote them: standard ones by
// key, the value's "attrs" as "attrs[i]".
func (j *jw) attrOrder(m model, jt *jsonType, src *source) {
	x := m.ext()
	j.raw("[")
	n := 0
	sep := func() {
		if n > 0 {
			j.raw(",")
		}
		n++
	}
	for _, a := range src.attrs {
		if as, ok := src.sp.attr(a.Space, a.Local); ok && !a.IsNamespaceDecl() {
			if i := jt.attrKey(as.field); i >= 0 {
				sep()
				j.plain(jt.keys[i].key)
			}
			continue
		}
		if i := extAttrIndex(x.Attrs, a.Name); i >= 0 {
			sep()
			j.buf = append(j.buf, `"attrs[`...)
			j.buf = strconv.AppendInt(j.buf, int64(i), 10)
			j.buf = append(j.buf, `]"`...)
		}
	}
	j.raw("]")
}

func (j *jw) wsNodes(ns []wsNode) {
	j.raw("[")
	for i, n := range ns {
		if i > 0 {
			j.raw(",")
		}
		j.node(n.n, -1, n.ws)
	}
	j.raw("]")
}

// children writes the source order of a value's children: standard children by key (the
// k-th entry of a key is its k-th value), Ext.Nodes by index, other content in full.
//
// The records of a file are mostly laid out alike (every User has the same children with
// the same indentation), so the array last written for each type is kept with the entries
// it was written from: when a value's entries give the same array, it is copied whole.
// Most of the time the value's packed layout is the very bytes the array was written from
// (layCache.samePacked), so the entries are not even decoded.
func (j *jw) children(m model, jt *jsonType, src *source) {
	x := m.ext()
	if len(src.lay) == 0 {
		j.raw("[]")
		return
	}
	c := j.layCache(jt)
	if c.samePacked(src, jt, x.Nodes) || c.same(src, jt, x.Nodes) {
		j.buf = append(j.buf, c.b...)
		return
	}
	var idx map[Node]int
	start, cacheable, packable := len(j.buf), len(x.Nodes) <= 8, true
	shapes, exts := c.shapes[:0], c.exts[:0]
	// Each entry is written in a few copies of fixed pieces: `{"ws":`, the white space,
	// and the entry's "key" member as jsonType.lay holds it.
	sep := byte('[')
	it := src.iter()
	var e entry
	for it.next(&e) {
		ws, node := src.ws(&e), src.node(&e)
		packable = packable && e.ws >= 0
		j.buf = append(j.buf, sep)
		sep = ','
		if ws != "" {
			j.raw(`{"ws":`)
			j.ws(ws)
			j.buf = append(j.buf, ',')
		} else {
			j.buf = append(j.buf, '{')
		}
		if e.kind == eField {
			key := `"key":""`
			ki := jt.kidKey(int(e.field))
			if ki >= 0 {
				key = jt.lay[ki]
			}
			j.raw(key)
			if e.empty() {
				j.raw(`,"empty":true`)
			}
			if node != nil {
				j.raw(`,"element":`)
				j.node(node, -1, "")
				cacheable = false
			}
			j.buf = append(j.buf, '}')
			shapes = append(shapes, layShape{ws: ws, ref: ki, kind: e.kind, empty: e.empty()})
			continue
		}
		// The index of the node in Ext.Nodes (the last one if it is there twice): looked
		// up directly among a few nodes, through a map among many (no quadratic corner).
		i := -1
		if len(x.Nodes) <= 8 {
			i = lastNode(x.Nodes, node)
		} else {
			if idx == nil {
				idx = make(map[Node]int, len(x.Nodes))
				for i, n := range x.Nodes {
					idx[n] = i
				}
			}
			if k, ok := idx[node]; ok {
				i = k
			}
		}
		if i >= 0 {
			j.raw(`"node":`)
			j.buf = strconv.AppendInt(j.buf, int64(i), 10)
		} else {
			j.raw(`"content":`)
			j.node(node, -1, "")
			cacheable = false
		}
		j.buf = append(j.buf, '}')
		shapes = append(shapes, layShape{ws: ws, ref: i, kind: e.kind})
		exts = append(exts, layExt{aux: e.aux, ref: i})
	}
	j.buf = append(j.buf, ']')
	c.shapes, c.exts, c.lay = shapes[:0], exts[:0], c.lay[:0]
	if cacheable && len(j.buf) > start {
		// The white space is copied: the cache outlives the record it was read with.
		for i := range shapes {
			shapes[i].ws = strings.Clone(shapes[i].ws)
		}
		c.jt, c.shapes, c.b = jt, shapes, append(c.b[:0], j.buf[start:]...)
		if packable {
			c.exts, c.lay = exts, append(c.lay, src.lay...)
		}
	} else {
		c.jt = nil
	}
}

// lastNode returns the index of the last n in nodes, or -1.
func lastNode(nodes []Node, n Node) int {
	for k := len(nodes) - 1; k >= 0; k-- {
		if nodes[k] == n {
			return k
		}
	}
	return -1
}

// layShape is what the "children" entry of a layout entry is written from.
type layShape struct {
	ws    string
	ref   int // eField: the index of the key in jsonType.keys (-1: none); else the node's in Ext.Nodes
	kind  entryKind
	empty bool
}

// layExt is an eExt entry of the layout a "children" array was written from: the entry's
// aux (1 + the index of its node in source.aux) and the index of the node in Ext.Nodes.
type layExt struct {
	aux int32
	ref int
}

// layCache is the "children" array last written for a JSON type (b) and the entries it
// was written from: their shapes, and, when none of them refers to white space held in
// source.aux, their packed bytes (lay) with their eExt entries (exts).
type layCache struct {
	jt     *jsonType
	shapes []layShape
	b      []byte
	lay    []byte
	exts   []layExt
}

// layCache returns the cache of jt's "children" arrays, or the slot to fill for it.
func (j *jw) layCache(jt *jsonType) *layCache {
	for i := range j.lays {
		if j.lays[i].jt == jt {
			return &j.lays[i]
		}
	}
	for i := range j.lays {
		if j.lays[i].jt == nil {
			return &j.lays[i]
		}
	}
	j.laysNext = (j.laysNext + 1) % len(j.lays)
	c := &j.lays[j.laysNext]
	c.jt = nil
	return c
}

// samePacked reports whether the packed layout of src (a value of type jt with vendor
// nodes nodes) is the one c.b was written from, byte for byte, with each vendor node at
// the same index of nodes: then its array is c.b. Equal bytes are equal entries (but for
// the lines, which the array does not hold): white space as indentation codes, no text
// child with an element of its own (the cache holds none), the same nodes of source.aux.
func (c *layCache) samePacked(src *source, jt *jsonType, nodes []Node) bool {
	if c.jt != jt || len(c.lay) == 0 || len(nodes) > 8 || string(src.lay) != string(c.lay) {
		return false
	}
	for _, x := range c.exts {
		if lastNode(nodes, src.aux[x.aux-1]) != x.ref {
			return false
		}
	}
	return true
}

// same reports whether the layout of src (a value of type jt with vendor nodes nodes) is
// written as c.b: each entry gives the same shape (only what the writer reads of an entry
// is compared).
func (c *layCache) same(src *source, jt *jsonType, nodes []Node) bool {
	if c.jt != jt || len(nodes) > 8 {
		return false
	}
	it := src.iter()
	var e entry
	n := 0
	for it.next(&e) {
		if n == len(c.shapes) {
			return false
		}
		sh := &c.shapes[n]
		n++
		if e.kind != sh.kind || src.ws(&e) != sh.ws {
			return false
		}
		if e.kind == eField {
			if e.aux != 0 || e.empty() != sh.empty || jt.kidKey(int(e.field)) != sh.ref {
				return false
			}
		} else if lastNode(nodes, src.node(&e)) != sh.ref {
			return false
		}
	}
	return n == len(c.shapes)
}

// EncodeJSON writes the JSON form of the whole document (see doc.go). It is byte for byte
// what StreamJSON writes for the document Encode writes: the document is encoded and read
// back as it goes, so the two can never disagree.
func EncodeJSON(w io.Writer, doc *Document) error {
	switch {
	case doc == nil:
		return &Error{Msg: "EncodeJSON: the document is nil"}
	case doc.Root == nil:
		return &Error{Msg: "EncodeJSON: the document has no root element (Root is nil)"}
	case w == nil:
		return &Error{Msg: "EncodeJSON: the writer is nil"}
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		// Guarded (guard.go): a panic here would end the caller's process.
		err := guard(func() error { return Encode(pw, doc, WriteOptions{}) })
		closeWith(pw, err)
		done <- err
	}()
	err := StreamJSON(w, NewReader(pr, ReadOptions{MaxDepth: -1, MaxTokenBytes: -1, MaxAttrs: -1}))
	pr.CloseWithError(io.ErrClosedPipe)
	if encErr := <-done; encErr != nil {
		return encErr
	}
	return err
}

// StreamJSON reads an ODM document from r, a Reader on which Next has not been called, and
// writes its JSON form to w as it goes, in bounded memory: each generic element (a Study,
// a ClinicalData) is written token by token, each AdminData record as soon as it is read;
// only the vendor nodes between two AdminData records are held until the next record.
// r's Warnings are those of the whole document afterwards.
func StreamJSON(w io.Writer, r *Reader) error {
	if w == nil {
		return &Error{Msg: "StreamJSON: the writer is nil"}
	}
	h, err := r.Header()
	if err != nil {
		return err
	}
	if r.state != 1 {
		return errors.New("odm: StreamJSON: Next was called on the Reader")
	}
	r.state = 3
	// Every record and token is written before the next is read: their memory is
	// recycled, the strings too (nothing here holds a string of a record past its reset:
	// the caches of names and layouts keep names, which the scanner interns, and copies).
	r.s.ar.setRecycle(true)
	r.s.ar.strs.recycle = true
	js := &jsonStream{j: &jw{w: w}, s: r.s}
	if err := js.run(h); err != nil {
		r.err = err
		return err
	}
	r.err = io.EOF
	js.j.flush()
	return js.j.err
}

// jsonStream writes the JSON form from the scanner's tokens.
type jsonStream struct {
	j    *jw
	s    *scanner
	sect int // 0 in "content", 1 in an AdminData object, 2 in its "after"
	n    int // items in the open array
	ad   obj // the open AdminData object's members
}

func (js *jsonStream) run(h *Header) error {
	j, s := js.j, js.s
	j.raw(`{"odm":{"version":`)
	j.str(string(h.Version))
	j.raw(`,"attrs":`)
	j.attrs(h.Root.Attrs)
	if h.Root.Prefix != "" {
		j.raw(`,"prefix":`)
		j.str(h.Root.Prefix)
	}
	if h.Root.Space != h.Version.Namespace() {
		// A root read in no namespace (ODM 1.1-era files).
		j.raw(`,"ns":`)
		j.str(h.Root.Space)
	}
	j.raw("},\n")
	j.raw(`"prolog":[`)
	for i, n := range h.Prolog {
		if i > 0 {
			j.raw(",")
		}
		j.node(n, -1, "")
	}
	j.raw("],\n")
	j.raw(`"content":[`)
	for {
		s.ar.reset()
		j.spill()
		tk, err := s.next()
		if err != nil {
			return err
		}
		switch {
		case tk.kind == tEnd:
			switch js.sect {
			case 0:
				j.raw(`],"adminData":[]`)
			case 1:
				j.raw("}]")
			case 2:
				j.raw("]}]")
			}
			if s.wasEmpty() {
				// <ODM/>: nothing inside, and "empty" tells it from <ODM></ODM>.
				j.raw(`,"empty":true`)
			}
			epilog, err := s.readEpilog()
			if err != nil {
				return err
			}
			j.raw(",\n")
			j.raw(`"epilog":[`)
			for i, n := range epilog {
				if i > 0 {
					j.raw(",")
				}
				j.node(n, -1, "")
			}
			j.raw("]}\n")
			return nil
		case tk.kind == tStart && tk.is(s.odmNS, "AdminData"):
			if err := js.adminData(tk); err != nil {
				return err
			}
		case tk.kind == tStart:
			js.item()
			if err := js.element(tk); err != nil {
				return err
			}
		default:
			js.item()
			j.node(tk.node(), -1, "")
		}
		if j.err != nil {
			return j.err
		}
	}
}

// item starts the next root-level node: in "content" before the first AdminData, in the
// "after" member of the AdminData object before it otherwise.
func (js *jsonStream) item() {
	if js.sect == 1 {
		js.ad.key(`,"after":`)
		js.j.raw("[")
		js.sect, js.n = 2, 0
	}
	if js.n > 0 {
		js.j.raw(",")
	}
	js.n++
	if js.n%64 == 0 {
		js.j.raw("\n")
	}
}

// element writes the element whose start tag is tk, token by token.
func (js *jsonStream) element(tk *token) error {
	j, s := js.j, js.s
	o := obj{j: j}
	j.raw("{")
	j.elemHead(&o, tk.name, tk.attrs)
	n := 0
	for {
		s.ar.reset() // the start tag and every node before are written
		j.spill()
		tk, err := s.next()
		if err != nil {
			return err
		}
		if tk.kind == tEnd {
			switch {
			case n > 0:
				j.raw("]")
			case !s.wasEmpty():
				j.raw(`,"children":[]`)
			}
			j.raw("}")
			return nil
		}
		if n == 0 {
			j.raw(`,"children":[`)
		} else {
			j.raw(",")
		}
		n++
		if tk.kind == tStart {
			if err := js.element(tk); err != nil {
				return err
			}
		} else {
			j.node(tk.node(), -1, "")
		}
	}
}

var jsonListKey = []string{adUsers: "users", adOrganizations: "organizations", adLocations: "locations", adSignatureDefs: "signatureDefs"}

// jsonListMember is jsonListKey as obj.key writes it. It is built once and only read.
var jsonListMember = func() []string {
	ms := make([]string, len(jsonListKey))
	for i, k := range jsonListKey {
		ms[i] = member(k)
	}
	return ms
}()

// adminData writes one AdminData element as one JSON object (or several, see doc.go),
// record by record.
func (js *jsonStream) adminData(start *token) error {
	j, s := js.j, js.s
	switch js.sect {
	case 0:
		j.raw("],\n")
		j.raw(`"adminData":[`)
	case 1:
		j.raw("},")
	case 2:
		j.raw("]},")
	}
	js.sect = 1
	ad := new(AdminData)
	m := ad.model()
	if err := s.readAttrs(m, start); err != nil {
		return err
	}
	s.ar.detach() // ad is written again at the head of each continuation object
	sp := m.spec(s.version)
	var o obj
	head := func(cont bool) {
		o = obj{j: j}
		j.raw("\n{")
		if v := ad.StudyOID; v != "" || srcHasAttr(ad.src, 0) {
			o.key(`,"studyOID":`)
			j.str(v)
		}
		if len(ad.Attrs) > 0 {
			o.key(`,"attrs":`)
			j.attrs(ad.Attrs)
		}
		if cont {
			o.key(`,"continued":`)
			j.raw("true")
		} else if ad.src != nil && ad.src.prefix != "" { // nil: read with ReadOptions.ValuesOnly
			o.key(`,"layout":`)
			j.raw(`{"prefix":`)
			j.str(ad.src.prefix)
			j.raw("}")
		}
	}
	head(false)
	kind, maxKi, ws := -1, 0, ""
	var before []wsNode
	for {
		tk, err := s.next()
		if err != nil {
			return err
		}
		switch tk.kind {
		case tEnd:
			if kind >= 0 {
				j.raw("]")
			}
			if len(before) > 0 {
				o.key(`,"nodes":`)
				j.wsNodes(before)
			}
			if ws != "" || (kind < 0 && len(before) == 0 && !s.wasEmpty()) {
				// An empty trail says that <AdminData></AdminData> was written so: the
				// JSON has nothing else to tell it from <AdminData/>.
				o.key(`,"trail":`)
				j.ws(ws)
			}
			js.ad = o
			return nil
		case tStart:
			k, ki, ok := sp.kid(tk.name.Local)
			if !ok || tk.name.Space != s.odmNS {
				e, err := s.readVendor(tk)
				if err != nil {
					return err
				}
				before = append(before, wsNode{ws, e})
				ws = ""
				continue
			}
			if ki < maxKi {
				msg := tk.name.Local + " stands after " + sp.kids[maxKi].name + " inside AdminData, out of schema order"
				if err := s.warn(ErrQuirk, WarnElementOrder, msg, tk.line, tk.col); err != nil {
					return err
				}
			} else {
				maxKi = ki
			}
			rm, _ := s.newRecord(k.field)
			if err := s.readTyped(rm, tk); err != nil {
				return err
			}
			f := k.field
			if kind > f {
				// Out of schema order: a JSON key cannot repeat, so a continuation object
				// carries the records that follow.
				j.raw("]},")
				head(true)
				kind = -1
			}
			if kind != f {
				if kind >= 0 {
					j.raw("]")
				}
				o.key(jsonListMember[f])
				j.raw("[")
				kind = f
			} else {
				j.raw(",")
			}
			j.raw("\n")
			j.typed(rm, &recHead{ws: ws, before: before})
			ws, before = "", nil
			j.flush()
			s.ar.reset()
		case tText:
			if isBlank(tk.data) && !tk.cdata {
				ws += tk.data
				continue
			}
			if err := s.warn(ErrUnknown, WarnUnexpectedText, "text is not allowed directly inside AdminData", tk.line, tk.col); err != nil {
				return err
			}
			before = append(before, wsNode{ws, tk.textNode()})
			ws = ""
		default:
			before = append(before, wsNode{ws, tk.other})
			ws = ""
		}
		if j.err != nil {
			return j.err
		}
	}
}
