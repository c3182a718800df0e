package odm

import (
	"errors"
	"io"
	"strconv"

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

// jsonTypeOf returns the JSON table of m's type. Typed values of both versions share the
// ODM 1.3 spec's name.
func jsonTypeOf(m model) *jsonType {
	if jt := jsonTypes[m.spec(V13).name]; jt != nil {
		return jt
	}
	return &jsonType{}
}

// ---- writing

// jw is a small streaming JSON writer: the output of large files is written as it is read.
type jw struct {
	w   io.Writer
	buf []byte
	err error
	// ns and nsJSON are the last namespace URI written and its JSON string: a file names
	// one or two namespaces on thousands of attributes and elements, so the escaping of
	// a long URI is done once (the comparison is a pointer compare for the decoder's
	// shared name strings).
	ns     string
	nsJSON []byte
}

func (j *jw) flush() {
	if j.err == nil && len(j.buf) > 0 {
		_, j.err = j.w.Write(j.buf)
	}
	j.buf = j.buf[:0]
}

func (j *jw) raw(s string) {
	j.buf = append(j.buf, s...)
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
	if len(s) > 0 && s[0] == '\n' {
		i := 1
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i == len(s) {
			j.buf = append(append(append(j.buf, `"\n`...), s[1:]...), '"')
			return
		}
	}
	j.str(s)
}

// space writes a namespace URI as a JSON string.
func (j *jw) space(s string) {
	if s != j.ns || j.nsJSON == nil {
		j.ns, j.nsJSON = s, jsontext.AppendString(j.nsJSON[:0], s)
	}
	j.buf = append(j.buf, j.nsJSON...)
}

// plain writes a key of the JSON form as a string value; keys need no escaping
// (TestJSONKeysPlain).
func (j *jw) plain(k string) {
	j.buf = append(append(append(j.buf, '"'), k...), '"')
}

// obj writes the members of a JSON object one by one, handling commas.
type obj struct {
	j *jw
	n int
}

// Keys are the fixed names of the JSON form (jsonKeys and the literals of this file), none
// of which needs escaping (TestJSONKeysPlain), so they are copied as they are.
func (o *obj) key(k string) {
	b := o.j.buf
	if o.n > 0 {
		b = append(b, ',')
	}
	o.n++
	b = append(b, '"')
	b = append(b, k...)
	o.j.buf = append(b, '"', ':')
}

func (j *jw) attrs(attrs []Attr) {
	j.raw("[")
	for i, a := range attrs {
		if i > 0 {
			j.raw(",")
		}
		o := obj{j: j}
		j.raw("{")
		if a.Space != "" {
			o.key("ns")
			j.space(a.Space)
		}
		if a.Prefix != "" {
			o.key("prefix")
			j.str(a.Prefix)
		}
		o.key("name")
		j.str(a.Local)
		o.key("value")
		j.str(a.Value)
		j.raw("}")
	}
	j.raw("]")
}

// node writes a generic node; slot is written when >= 0, ws (the white space before the
// node among AdminData records) when not empty.
func (j *jw) node(n Node, slot int, ws string) {
	o := obj{j: j}
	j.raw("{")
	switch n := n.(type) {
	case *Element:
		j.elemHead(&o, n.Name, n.Attrs)
		if len(n.Children) > 0 || !n.Empty {
			// "children": [] is an element written <a></a> rather than <a/>.
			o.key("children")
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
		o.key("type")
		j.plain("text")
		o.key("text")
		j.str(n.Data)
		if n.CDATA {
			o.key("cdata")
			j.raw("true")
		}
	case *Comment:
		o.key("type")
		j.plain("comment")
		o.key("text")
		j.str(n.Data)
	case *ProcInst:
		o.key("type")
		j.plain("pi")
		o.key("target")
		j.str(n.Target)
		o.key("text")
		j.str(n.Inst)
	case *Directive:
		o.key("type")
		j.plain("directive")
		o.key("text")
		j.str(n.Data)
	}
	if slot >= 0 {
		o.key("slot")
		j.buf = strconv.AppendInt(j.buf, int64(slot), 10)
	}
	if ws != "" {
		o.key("ws")
		j.ws(ws)
	}
	j.raw("}")
}

// elemHead writes the members of an element node before its children.
func (j *jw) elemHead(o *obj, name Name, attrs []Attr) {
	o.key("type")
	j.plain("element")
	if name.Space != "" {
		o.key("ns")
		j.space(name.Space)
	}
	if name.Prefix != "" {
		o.key("prefix")
		j.str(name.Prefix)
	}
	o.key("name")
	j.str(name.Local)
	if len(attrs) > 0 {
		o.key("attrs")
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
	jt := jsonTypeOf(m)
	keys := jt.keys
	x := m.ext()
	o := obj{j: j}
	j.raw("{")
	for _, k := range keys {
		if k.attr {
			if v := *m.attrPtr(k.field); v != "" || srcHasAttr(x.src, k.field) {
				o.key(k.key)
				j.str(v)
			}
			continue
		}
		switch k.kind {
		case kText:
			v := *m.textPtr(k.field)
			if v != "" || x.present&(1<<uint(k.field)) != 0 {
				o.key(k.key)
				j.str(v)
			}
		case kTexts:
			vs := *m.textsPtr(k.field)
			if len(vs) > 0 {
				o.key(k.key)
				j.raw("[")
				for i, v := range vs {
					if i > 0 {
						j.raw(",")
					}
					j.str(v)
				}
				j.raw("]")
			}
		case kOne:
			if c := m.oneGet(k.field); c != nil {
				o.key(k.key)
				j.typed(c, nil)
			}
		case kMany:
			if n := m.manyLen(k.field); n > 0 {
				o.key(k.key)
				j.raw("[")
				for i := 0; i < n; i++ {
					if i > 0 {
						j.raw(",")
					}
					j.typed(m.manyAt(k.field, i), nil)
				}
				j.raw("]")
			}
		case kElems:
			if es := *m.elemsPtr(k.field); len(es) > 0 {
				o.key(k.key)
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
		o.key("attrs")
		j.attrs(x.Attrs)
	}
	if len(x.Nodes) > 0 {
		o.key("nodes")
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
	o.key("layout")
	lo := obj{j: j}
	j.raw("{")
	if rh != nil {
		if rh.ws != "" {
			lo.key("ws")
			j.ws(rh.ws)
		}
		if len(rh.before) > 0 {
			lo.key("before")
			j.wsNodes(rh.before)
		}
	}
	if src != nil {
		if src.name.Prefix != "" {
			lo.key("prefix")
			j.str(src.name.Prefix)
		}
		if src.empty {
			lo.key("empty")
			j.raw("true")
		}
		if !attrsInOrder(m, jt, src) {
			lo.key("attrOrder")
			j.attrOrder(m, jt, src)
		}
		if len(src.lay) > 0 {
			lo.key("children")
			j.children(m, jt, src)
		}
		if src.trail != "" {
			lo.key("trail")
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
	for _, a := range src.attrs {
		if as, ok := src.sp.attr(a.Space, a.Local); ok && !a.IsNamespaceDecl() {
			if i := jt.attrKey(as.field); i >= 0 {
				if i < last || ext > 0 {
					return false
				}
				last = i
			}
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
func (j *jw) children(m model, jt *jsonType, src *source) {
	x := m.ext()
	var idx map[Node]int
	j.raw("[")
	for i := range src.lay {
		e := &src.lay[i]
		if i > 0 {
			j.raw(",")
		}
		o := obj{j: j}
		j.raw("{")
		if e.ws != "" {
			o.key("ws")
			j.ws(e.ws)
		}
		if e.kind == eField {
			name := ""
			if i := jt.kidKey(int(e.field)); i >= 0 {
				name = jt.keys[i].key
			}
			o.key("key")
			j.plain(name)
			if e.empty {
				o.key("empty")
				j.raw("true")
			}
			if e.node != nil {
				o.key("element")
				j.node(e.node, -1, "")
			}
			j.raw("}")
			continue
		}
		// The index of the node in Ext.Nodes (the last one if it is there twice): looked
		// up directly among a few nodes, through a map among many (no quadratic corner).
		i := -1
		if len(x.Nodes) <= 8 {
			for k := len(x.Nodes) - 1; k >= 0; k-- {
				if x.Nodes[k] == e.node {
					i = k
					break
				}
			}
		} else {
			if idx == nil {
				idx = make(map[Node]int, len(x.Nodes))
				for i, n := range x.Nodes {
					idx[n] = i
				}
			}
			if k, ok := idx[e.node]; ok {
				i = k
			}
		}
		if i >= 0 {
			o.key("node")
			j.buf = strconv.AppendInt(j.buf, int64(i), 10)
		} else {
			o.key("content")
			j.node(e.node, -1, "")
		}
		j.raw("}")
	}
	j.raw("]")
}

// EncodeJSON writes the JSON form of the whole document (see doc.go). It is byte for byte
// what StreamJSON writes for the document Encode writes: the document is encoded and read
// back as it goes, so the two can never disagree.
func EncodeJSON(w io.Writer, doc *Document) error {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := Encode(pw, doc, WriteOptions{})
		pw.CloseWithError(err)
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
	h, err := r.Header()
	if err != nil {
		return err
	}
	if r.state != 1 {
		return errors.New("odm: StreamJSON: Next was called on the Reader")
	}
	r.state = 3
	// Every record and token is written before the next is read: their memory is recycled.
	r.s.ar.setRecycle(true)
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
		js.ad.key("after")
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
			o.key("studyOID")
			j.str(v)
		}
		if len(ad.Attrs) > 0 {
			o.key("attrs")
			j.attrs(ad.Attrs)
		}
		if cont {
			o.key("continued")
			j.raw("true")
		} else if ad.src.name.Prefix != "" {
			o.key("layout")
			j.raw(`{"prefix":`)
			j.str(ad.src.name.Prefix)
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
				o.key("nodes")
				j.wsNodes(before)
			}
			if ws != "" {
				o.key("trail")
				j.ws(ws)
			}
			js.ad = o
			return nil
		case tStart:
			k, ki, ok := sp.kid(tk.name.Local)
			if !ok || tk.name.Space != s.odmNS {
				e, err := s.readRawToken(tk)
				if err != nil {
					return err
				}
				if e.Space == s.odmNS || e.Space == "" {
					if err := s.warn(ErrUnknown, WarnUnknownElement, "element "+e.Local+" is not defined inside AdminData", e.Line, e.Col); err != nil {
						return err
					}
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
				o.key(jsonListKey[f])
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
