package odm

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// ---- writing

// jw is a small streaming JSON writer: the output of large files is written as it is read.
type jw struct {
	w   io.Writer
	buf []byte
	err error
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

// obj writes the members of a JSON object one by one, handling commas.
type obj struct {
	j *jw
	n int
}

func (o *obj) key(k string) {
	if o.n > 0 {
		o.j.raw(",")
	}
	o.n++
	o.j.str(k)
	o.j.raw(":")
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
			j.str(a.Space)
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

// nodeJSON writes a generic node; slot is written when >= 0.
func (j *jw) node(n Node, slot int) {
	o := obj{j: j}
	j.raw("{")
	switch n := n.(type) {
	case *Element:
		o.key("type")
		j.str("element")
		if n.Space != "" {
			o.key("ns")
			j.str(n.Space)
		}
		if n.Prefix != "" {
			o.key("prefix")
			j.str(n.Prefix)
		}
		o.key("name")
		j.str(n.Local)
		if len(n.Attrs) > 0 {
			o.key("attrs")
			j.attrs(n.Attrs)
		}
		if len(n.Children) > 0 {
			o.key("children")
			j.raw("[")
			for i, c := range n.Children {
				if i > 0 {
					j.raw(",")
				}
				j.node(c, -1)
			}
			j.raw("]")
		}
	case *Text:
		o.key("type")
		j.str("text")
		o.key("text")
		j.str(n.Data)
		if n.CDATA {
			o.key("cdata")
			j.raw("true")
		}
	case *Comment:
		o.key("type")
		j.str("comment")
		o.key("text")
		j.str(n.Data)
	case *ProcInst:
		o.key("type")
		j.str("pi")
		o.key("target")
		j.str(n.Target)
		o.key("text")
		j.str(n.Inst)
	case *Directive:
		o.key("type")
		j.str("directive")
		o.key("text")
		j.str(n.Data)
	}
	if slot >= 0 {
		o.key("slot")
		j.raw(strconv.Itoa(slot))
	}
	j.raw("}")
}

// typed writes a typed value as a JSON object. Children of AdminData are skipped when
// skipKids is set (the streaming writer emits them itself).
func (j *jw) typed(m model, skipKids bool) {
	sp13 := m.spec(V13)
	keys := jsonKeys[sp13.name]
	x := m.ext()
	o := obj{j: j}
	j.raw("{")
	for _, k := range keys {
		if k.attr {
			if v := *m.attrPtr(k.field); v != "" {
				o.key(k.key)
				j.str(v)
			}
			continue
		}
		if skipKids {
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
				j.typed(c, false)
			}
		case kMany:
			if n := m.manyLen(k.field); n > 0 {
				o.key(k.key)
				j.raw("[")
				for i := 0; i < n; i++ {
					if i > 0 {
						j.raw(",")
					}
					j.typed(m.manyAt(k.field, i), false)
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
					j.node(e, -1)
				}
				j.raw("]")
			}
		}
	}
	if len(x.Attrs) > 0 {
		o.key("attrs")
		j.attrs(x.Attrs)
	}
	if len(x.Nodes) > 0 && !skipKids {
		o.key("nodes")
		j.nodes(x)
	}
	j.raw("}")
}

func (j *jw) nodes(x *Ext) {
	j.raw("[")
	for i, n := range x.Nodes {
		if i > 0 {
			j.raw(",")
		}
		slot, ok := x.slots[n]
		if !ok {
			slot = -1
		}
		j.node(n, slot)
	}
	j.raw("]")
}

func (j *jw) header(h *Header) {
	j.raw(`{"odm":{"version":`)
	j.str(string(h.Version))
	j.raw(`,"attrs":`)
	var attrs []Attr
	if h.Root != nil {
		attrs = h.Root.Attrs
	}
	j.attrs(attrs)
	j.raw(`},"adminData":[`)
}

// EncodeJSON writes the JSON form of doc's AdminData and root attributes (see doc.go).
// Content outside AdminData (Study, ClinicalData, ...) is not part of the JSON form. The
// output is byte for byte what StreamJSON writes for the same document.
func EncodeJSON(w io.Writer, doc *Document) error {
	js := newJSONStream(w, &Header{Version: doc.Version, Root: doc.Root})
	for _, ad := range doc.AdminData() {
		js.adminData(ad, false)
		for _, u := range ad.Users {
			js.record(u)
		}
		for _, o := range ad.Organizations {
			js.record(o)
		}
		for _, l := range ad.Locations {
			js.record(l)
		}
		for _, s := range ad.SignatureDefs {
			js.record(s)
		}
		for _, n := range ad.Nodes {
			js.pending = append(js.pending, n)
			slot, ok := ad.slots[n]
			if !ok {
				slot = -1
			}
			js.slots = append(js.slots, slot)
		}
	}
	return js.finish()
}

// StreamJSON reads an ODM document from r with a Reader and writes its JSON form to w as it
// goes, in bounded memory: only vendor nodes directly inside one AdminData are held until
// that AdminData ends.
func StreamJSON(w io.Writer, r *Reader) error {
	h, err := r.Header()
	if err != nil {
		return err
	}
	js := newJSONStream(w, h)
	for {
		n, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch v := n.(type) {
		case *AdminData:
			js.adminData(v, false)
		case *User, *Organization, *Location, *SignatureDef:
			js.record(v)
		default:
			js.pending = append(js.pending, n)
			js.slots = append(js.slots, js.std)
		}
		js.j.flush()
	}
	return js.finish()
}

// jsonStream writes the JSON form incrementally. Records of one AdminData are grouped by
// kind under "users", "organizations", "locations", "signatureDefs"; a record that comes
// after a later kind (out of schema order) starts a continuation object, because a key
// cannot repeat within one JSON object.
type jsonStream struct {
	j       *jw
	cur     *AdminData
	kind    int  // the record list currently open, -1 for none
	std     int  // records so far in the current AdminData
	members bool // the open AdminData object has a member already
	nAD     int
	pending []Node
	slots   []int
}

var jsonListKey = []string{adUsers: "users", adOrganizations: "organizations", adLocations: "locations", adSignatureDefs: "signatureDefs"}

func newJSONStream(w io.Writer, h *Header) *jsonStream {
	js := &jsonStream{j: &jw{w: w}, kind: -1}
	js.j.header(h)
	return js
}

func (js *jsonStream) closeAD() {
	if js.cur == nil {
		return
	}
	j := js.j
	if js.kind >= 0 {
		j.raw("]")
	}
	if len(js.pending) > 0 {
		if js.members {
			j.raw(",")
		}
		j.raw(`"nodes":[`)
		for i, n := range js.pending {
			if i > 0 {
				j.raw(",")
			}
			s := js.slots[i]
			if s >= js.std {
				s = -1
			}
			j.node(n, s)
		}
		j.raw("]")
	}
	j.raw("}")
	js.cur, js.kind, js.std, js.pending, js.slots, js.members = nil, -1, 0, nil, nil, false
}

func (js *jsonStream) adminData(ad *AdminData, cont bool) {
	js.closeAD()
	j := js.j
	if js.nAD > 0 {
		j.raw(",")
	}
	js.nAD++
	j.raw("\n")
	js.cur = ad
	// The AdminData object without its closing brace: records are appended to it.
	var bb bytes.Buffer
	tmp := &jw{w: &bb}
	tmp.typed(ad.model(), true)
	tmp.flush()
	s := bb.String()
	s = s[:len(s)-1]
	j.raw(s)
	js.members = len(s) > 1
	if cont {
		if js.members {
			j.raw(",")
		}
		j.raw(`"continued":true`)
		js.members = true
	}
}

func (js *jsonStream) record(n Node) {
	j := js.j
	f := recordField(n)
	if js.kind > f {
		js.adminData(js.cur, true)
	}
	if js.kind != f {
		if js.kind >= 0 {
			j.raw("]")
		}
		if js.members {
			j.raw(",")
		}
		js.members = true
		j.str(jsonListKey[f])
		j.raw(":[")
		js.kind = f
	} else {
		j.raw(",")
	}
	j.raw("\n")
	j.typed(n.(interface{ model() model }).model(), false)
	js.std++
}

func (js *jsonStream) finish() error {
	js.closeAD()
	js.j.raw("\n]}\n")
	js.j.flush()
	return js.j.err
}

func recordField(n Node) int {
	switch n.(type) {
	case *User:
		return adUsers
	case *Organization:
		return adOrganizations
	case *Location:
		return adLocations
	}
	return adSignatureDefs
}

// ---- reading

// DecodeJSON reads the JSON form into a new Document holding the root attributes and the
// AdminData elements. Values are laid out afresh when encoded as XML.
func DecodeJSON(r io.Reader, opts ReadOptions) (*Document, error) {
	data, err := readLimited(r, opts.MaxInputBytes)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		return nil, jsonSyntaxError(opts.Name, data, err)
	}
	p := &jparser{name: opts.Name}
	hdr, _ := top["odm"].(map[string]any)
	if hdr == nil {
		return nil, p.errf("", `missing "odm" object`)
	}
	v, _ := hdr["version"].(string)
	version, ok := map[string]Version{"1.2": V12, "1.3": V13, "2.0": V20}[v]
	if !ok {
		return nil, p.errf("odm.version", "version must be 1.2, 1.3 or 2.0")
	}
	doc := NewDocument(version)
	if a, ok := hdr["attrs"]; ok {
		attrs, err := p.attrs("odm.attrs", a)
		if err != nil {
			return nil, err
		}
		doc.Root.Attrs = attrs
	}
	for k := range top {
		if k != "odm" && k != "adminData" {
			return nil, p.errf(k, "unknown key")
		}
	}
	list, _ := top["adminData"].([]any)
	if _, present := top["adminData"]; present && list == nil {
		return nil, p.errf("adminData", "must be an array")
	}
	var last *AdminData
	for i, a := range list {
		path := fmt.Sprintf("adminData[%d]", i)
		o, ok := a.(map[string]any)
		if !ok {
			return nil, p.errf(path, "must be an object")
		}
		cont := false
		if c, ok := o["continued"]; ok {
			cont, _ = c.(bool)
			delete(o, "continued")
		}
		ad := new(AdminData)
		if err := p.typed(ad.model(), o, path); err != nil {
			return nil, err
		}
		if cont && last != nil {
			last.Users = append(last.Users, ad.Users...)
			last.Organizations = append(last.Organizations, ad.Organizations...)
			last.Locations = append(last.Locations, ad.Locations...)
			last.SignatureDefs = append(last.SignatureDefs, ad.SignatureDefs...)
			last.Nodes = append(last.Nodes, ad.Nodes...)
			continue
		}
		doc.AddAdminData(ad)
		last = ad
	}
	return doc, nil
}

func readLimited(r io.Reader, max int64) ([]byte, error) {
	if max <= 0 {
		return io.ReadAll(r)
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, &Error{Err: ErrInputTooLarge, Msg: "the input is larger than the limit"}
	}
	return data, nil
}

func jsonSyntaxError(name string, data []byte, err error) error {
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		off = e.Offset
	}
	line, col := 0, 0
	if off >= 0 {
		line, col = 1, 1
		for _, c := range data[:min(int(off), len(data))] {
			if c == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return &Error{File: name, Line: line, Col: col, Err: ErrJSON, Msg: "unexpected end of JSON input"}
	}
	return &Error{File: name, Line: line, Col: col, Err: ErrJSON, Msg: err.Error()}
}

type jparser struct{ name string }

func (p *jparser) errf(path, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	return &Error{File: p.name, Err: ErrJSON, Msg: msg}
}

func (p *jparser) str(path string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", p.errf(path, "must be a string")
	}
	return s, nil
}

func (p *jparser) attrs(path string, v any) ([]Attr, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, p.errf(path, "must be an array")
	}
	out := make([]Attr, 0, len(list))
	for i, a := range list {
		ap := fmt.Sprintf("%s[%d]", path, i)
		o, ok := a.(map[string]any)
		if !ok {
			return nil, p.errf(ap, "must be an object")
		}
		var at Attr
		for k, v := range o {
			s, err := p.str(ap+"."+k, v)
			if err != nil {
				return nil, err
			}
			switch k {
			case "ns":
				at.Space = s
			case "prefix":
				at.Prefix = s
			case "name":
				at.Local = s
			case "value":
				at.Value = s
			default:
				return nil, p.errf(ap+"."+k, "unknown key")
			}
		}
		if at.Local == "" {
			return nil, p.errf(ap, `missing "name"`)
		}
		out = append(out, at)
	}
	return out, nil
}

func (p *jparser) node(path string, v any) (Node, int, error) {
	o, ok := v.(map[string]any)
	if !ok {
		return nil, -1, p.errf(path, "must be an object")
	}
	slot := -1
	if s, ok := o["slot"]; ok {
		n, ok := s.(json.Number)
		i, err := strconv.Atoi(string(n))
		if !ok || err != nil || i < 0 {
			return nil, -1, p.errf(path+".slot", "must be a non-negative integer")
		}
		slot = i
	}
	typ, _ := o["type"].(string)
	get := func(k string) (string, error) {
		v, ok := o[k]
		if !ok {
			return "", nil
		}
		return p.str(path+"."+k, v)
	}
	allowed := map[string]bool{"type": true, "slot": true}
	var n Node
	switch typ {
	case "element":
		e := &Element{}
		var err error
		if e.Space, err = get("ns"); err != nil {
			return nil, -1, err
		}
		if e.Prefix, err = get("prefix"); err != nil {
			return nil, -1, err
		}
		if e.Local, err = get("name"); err != nil {
			return nil, -1, err
		}
		if e.Local == "" {
			return nil, -1, p.errf(path, `missing "name"`)
		}
		if a, ok := o["attrs"]; ok {
			if e.Attrs, err = p.attrs(path+".attrs", a); err != nil {
				return nil, -1, err
			}
		}
		if c, ok := o["children"]; ok {
			list, ok := c.([]any)
			if !ok {
				return nil, -1, p.errf(path+".children", "must be an array")
			}
			for i, cv := range list {
				cn, _, err := p.node(fmt.Sprintf("%s.children[%d]", path, i), cv)
				if err != nil {
					return nil, -1, err
				}
				e.Children = append(e.Children, cn)
			}
		}
		e.Empty = len(e.Children) == 0
		for _, k := range []string{"ns", "prefix", "name", "attrs", "children"} {
			allowed[k] = true
		}
		n = e
	case "text":
		t := &Text{}
		var err error
		if t.Data, err = get("text"); err != nil {
			return nil, -1, err
		}
		if c, ok := o["cdata"]; ok {
			t.CDATA, _ = c.(bool)
		}
		allowed["text"], allowed["cdata"] = true, true
		n = t
	case "comment":
		s, err := get("text")
		if err != nil {
			return nil, -1, err
		}
		allowed["text"] = true
		n = &Comment{Data: s}
	case "pi":
		t, err := get("target")
		if err != nil {
			return nil, -1, err
		}
		s, err := get("text")
		if err != nil {
			return nil, -1, err
		}
		allowed["target"], allowed["text"] = true, true
		n = &ProcInst{Target: t, Inst: s}
	case "directive":
		s, err := get("text")
		if err != nil {
			return nil, -1, err
		}
		allowed["text"] = true
		n = &Directive{Data: s}
	default:
		return nil, -1, p.errf(path+".type", "must be element, text, comment, pi or directive")
	}
	for k := range o {
		if !allowed[k] {
			return nil, -1, p.errf(path+"."+k, "unknown key")
		}
	}
	return n, slot, nil
}

func (p *jparser) typed(m model, o map[string]any, path string) error {
	sp13 := m.spec(V13)
	keys := jsonKeys[sp13.name]
	x := m.ext()
	for k, v := range o {
		kp := path + "." + k
		switch k {
		case "attrs":
			attrs, err := p.attrs(kp, v)
			if err != nil {
				return err
			}
			x.Attrs = attrs
			continue
		case "nodes":
			list, ok := v.([]any)
			if !ok {
				return p.errf(kp, "must be an array")
			}
			for i, nv := range list {
				n, slot, err := p.node(fmt.Sprintf("%s[%d]", kp, i), nv)
				if err != nil {
					return err
				}
				x.Nodes = append(x.Nodes, n)
				if slot >= 0 {
					if x.slots == nil {
						x.slots = make(map[Node]int)
					}
					x.slots[n] = slot
				}
			}
			continue
		}
		var key *jkey
		for i := range keys {
			if keys[i].key == k {
				key = &keys[i]
			}
		}
		if key == nil {
			return p.errf(kp, "unknown key")
		}
		if key.attr {
			s, err := p.str(kp, v)
			if err != nil {
				return err
			}
			*m.attrPtr(key.field) = s
			continue
		}
		switch key.kind {
		case kText:
			s, err := p.str(kp, v)
			if err != nil {
				return err
			}
			*m.textPtr(key.field) = s
			if s == "" {
				x.present |= 1 << uint(key.field)
			}
		case kTexts:
			list, ok := v.([]any)
			if !ok {
				return p.errf(kp, "must be an array of strings")
			}
			ps := m.textsPtr(key.field)
			for i, e := range list {
				s, err := p.str(fmt.Sprintf("%s[%d]", kp, i), e)
				if err != nil {
					return err
				}
				*ps = append(*ps, s)
			}
		case kOne:
			co, ok := v.(map[string]any)
			if !ok {
				return p.errf(kp, "must be an object")
			}
			if err := p.typed(m.oneNew(key.field), co, kp); err != nil {
				return err
			}
		case kMany:
			list, ok := v.([]any)
			if !ok {
				return p.errf(kp, "must be an array")
			}
			for i, e := range list {
				co, ok := e.(map[string]any)
				ip := fmt.Sprintf("%s[%d]", kp, i)
				if !ok {
					return p.errf(ip, "must be an object")
				}
				if err := p.typed(m.manyNew(key.field), co, ip); err != nil {
					return err
				}
			}
		case kElems:
			list, ok := v.([]any)
			if !ok {
				return p.errf(kp, "must be an array")
			}
			ps := m.elemsPtr(key.field)
			for i, e := range list {
				n, _, err := p.node(fmt.Sprintf("%s[%d]", kp, i), e)
				if err != nil {
					return err
				}
				el, ok := n.(*Element)
				if !ok {
					return p.errf(fmt.Sprintf("%s[%d]", kp, i), "must be an element")
				}
				*ps = append(*ps, el)
			}
		}
	}
	return nil
}
