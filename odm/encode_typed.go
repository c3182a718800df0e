package odm

// Encoding of typed values. A value read from XML keeps its layout (source): children,
// white space, comments and vendor nodes are written back in their original order, an
// unchanged text child is written exactly as read, a changed one in place with its own
// attributes, a removed one disappears with the white space before it, and new children
// are inserted where the schema puts them, indented like their siblings. A value built in
// code (or read from JSON without a "layout") is laid out in schema order with vendor
// content after the standard children, unless a recorded slot says where it stood.

import "strings"

type planItem struct {
	ws   string
	ki   int   // index in spec.kids, -1 for a node
	idx  int   // item index within the field
	orig entry // the layout entry of a text child read from XML, when hasOrig
	// hasOrig: orig is set. The entry is a copy: the layout is read into a buffer of
	// planFromSource's (source.entries).
	hasOrig bool
	node    Node
}

func (x *xw) otherVersion() Version {
	if x.version.is2() {
		return V13
	}
	return V20
}

// count returns how many values field kid k has in m for the current version.
func (x *xw) count(m model, k kidSpec) int {
	switch k.kind {
	case kText:
		if *m.textPtr(k.field) != "" || m.ext().present&(1<<uint(k.field)) != 0 {
			return 1
		}
	case kTexts:
		return len(*m.textsPtr(k.field))
	case kOne:
		if m.oneGet(k.field) != nil {
			return 1
		}
	case kMany:
		return m.manyLen(k.field)
	case kElems:
		return len(*m.elemsPtr(k.field))
	}
	return 0
}

// checkVersion warns about fields set in m that the current version has no place for.
func (x *xw) checkVersion(m model, sp *spec) { x.versionGaps(m, sp, true) }

// versionGaps reports whether m has fields set that the current version has no place
// for, warning about each when report is set.
func (x *xw) versionGaps(m model, sp *spec, report bool) bool {
	other := m.spec(x.otherVersion())
	if other == sp {
		return false
	}
	ext := m.ext()
	gap := false
	for _, a := range other.attrs {
		if _, ok := sp.attr(a.space, a.name); ok {
			continue
		}
		if p := m.attrPtr(a.field); p != nil && *p != "" {
			if gap = true; !report {
				return true
			}
			x.unrepresentable(ext.Line, ext.Col, sp.name+"/@"+a.name+" cannot be written in ODM "+string(x.version))
		}
	}
	for _, k := range other.kids {
		if sp.pos[k.field] >= 0 {
			continue
		}
		if x.count(m, k) > 0 {
			if gap = true; !report {
				return true
			}
			x.unrepresentable(ext.Line, ext.Col, sp.name+"/"+k.name+" cannot be written in ODM "+string(x.version))
		}
	}
	return gap
}

// dropsIn reports whether writing n would leave out a value the version cannot hold
// (what typed reports: checkVersion, a second StreetName in 2.0), in n or a typed value
// inside it. A generic element leaves nothing out.
func (x *xw) dropsIn(n Node) bool {
	switch n := n.(type) {
	case *User:
		return x.modelDrops(n.model())
	case *Location:
		return x.modelDrops(n.model())
	case *SignatureDef:
		return x.modelDrops(n.model())
	case *Organization:
		return x.modelDrops(n.model())
	}
	return false
}

func (x *xw) modelDrops(m model) bool {
	if m == nil {
		return false
	}
	sp := m.spec(x.version)
	if x.versionGaps(m, sp, false) {
		return true
	}
	for _, k := range sp.kids {
		switch k.kind {
		case kTexts:
			if x.version.is2() && len(*m.textsPtr(k.field)) > 1 {
				return true
			}
		case kOne:
			if c := m.oneGet(k.field); c != nil && x.modelDrops(c) {
				return true
			}
		case kMany:
			for j := range m.manyLen(k.field) {
				if x.modelDrops(m.manyAt(k.field, j)) {
					return true
				}
			}
		}
	}
	return false
}

// typedAttrs returns the attributes of a typed element. Every path that writes a typed
// element comes here first, so this is where values the version cannot hold are noted.
//
// The slice returned is scratch space of x, valid until the next call: every caller hands
// it straight to startTag.
func (x *xw) typedAttrs(m model, sp *spec, ext *Ext) []Attr {
	x.checkVersion(m, sp)
	out := x.attrs[:0]
	defer func() { x.attrs = out[:0] }()
	src := ext.src
	if src != nil {
		for _, a := range src.attrs {
			if as, ok := sp.attr(a.Space, a.Local); ok && !a.IsNamespaceDecl() {
				v := *m.attrPtr(as.field)
				if v != "" || v == a.Value {
					out = append(out, Attr{Name: a.Name, Value: v})
				}
				continue
			}
			if v, ok := ext.Attr(a.Space, a.Local); ok {
				out = append(out, Attr{Name: a.Name, Value: v})
			}
		}
	}
	for _, as := range sp.attrs {
		v := *m.attrPtr(as.field)
		if v == "" {
			continue
		}
		if src != nil {
			if _, seen := findAttr(src.attrs, as.space, as.name); seen {
				continue
			}
		}
		out = append(out, Attr{Name: Name{Space: as.space, Local: as.name}, Value: v})
	}
	// An attribute of ext.Attrs read from XML stands in src.attrs, mostly in the same
	// order: the source attribute after the last one found is looked at before a search.
	next := 0
	for _, a := range ext.Attrs {
		if a.Space == "" {
			if as, modelled := sp.attr("", a.Local); modelled && (src != nil || *m.attrPtr(as.field) != "") {
				// Written beside the field it would repeat the attribute; in the
				// field's place (a record read from a file) it was left out unseen.
				x.failWith(ErrUnwritable, "attribute "+a.Local+" is a field of "+sp.name+": set the field, not an extension attribute")
				return out
			}
		}
		if src != nil {
			if next < len(src.attrs) && src.attrs[next].Name.Is(a.Space, a.Local) {
				next++
				continue
			}
			if i := attrIndex(src.attrs, a.Space, a.Local); i >= 0 {
				next = i + 1
				continue
			}
		}
		out = append(out, a)
	}
	return out
}

// attrIndex returns the index of the first attribute space:local of attrs, or -1.
func attrIndex(attrs []Attr, space, local string) int {
	for i := range attrs {
		if attrs[i].Name.Is(space, local) {
			return i
		}
	}
	return -1
}

// typed writes a typed value; nl is the white space before it.
func (x *xw) typed(m model, nl string) {
	if x.err != nil || m == nil { // nil: a nil entry of a list of records (modelOf)
		return
	}
	sp := m.spec(x.version)
	x.typedIn(m, sp, nl)
	if x.failing {
		x.failedIn(sp.name)
		if sp.rec {
			x.failedRecord(m, sp)
		}
	}
}

// typedIn is typed: sp is m's spec.
func (x *xw) typedIn(m model, sp *spec, nl string) {
	ext := m.ext()
	name := Name{Space: x.odmNS, Local: sp.name}
	if ext.src != nil {
		name.Prefix = ext.src.prefix
	}
	attrs := x.typedAttrs(m, sp, ext)
	qn := x.startTag(name, attrs)
	if x.failing {
		for _, a := range attrs {
			if !writable(a.Value) {
				x.failedIn("@" + a.Local)
				break
			}
		}
	}

	if sp.text {
		x.typedText(m, ext, qn)
		return
	}
	var cntBuf [24]int
	cnt := cntBuf[:0]
	if len(sp.kids) <= len(cntBuf) {
		cnt = cntBuf[:len(sp.kids)]
	} else {
		cnt = make([]int, len(sp.kids))
	}
	for i, k := range sp.kids {
		cnt[i] = x.count(m, k)
		if x.version.is2() && k.kind == kTexts && cnt[i] > 1 {
			// ODM 2.0 allows one StreetName.
			x.unrepresentable(ext.Line, ext.Col, sp.name+" has more than one "+k.name+"; ODM 2.0 allows one, the rest are left out")
			cnt[i] = 1
		}
	}
	// The plan of each nesting level is kept for the next value at that level.
	if x.depth == len(x.plans) {
		x.plans = append(x.plans, nil)
	}
	items := x.plans[x.depth][:0]
	x.depth++
	defer func() {
		x.depth--
		clear(items) // the plan refers to nodes of this value: do not keep them alive
		x.plans[x.depth] = items[:0]
	}()
	var trailing string
	if ext.src != nil && (len(ext.src.lay) > 0 || ext.src.trail != "") {
		items, trailing = x.planFromSource(items, m, sp, ext, cnt, nl)
	} else {
		items = x.planFresh(items, m, sp, ext, cnt, nl)
		if len(items) > 0 {
			trailing = x.closeNL(nl)
		}
	}
	if len(items) == 0 && trailing == "" {
		if ext.src != nil && !ext.src.empty {
			x.str("></" + qn + ">")
			x.pop()
			return
		}
		x.str("/>")
		x.pop()
		return
	}
	x.str(">")
	for _, it := range items {
		x.str(it.ws)
		x.emitItem(m, sp, it)
		if x.failing && len(x.failPath) == 0 && it.ki >= 0 {
			x.failedIn(sp.kids[it.ki].name) // a text child (a nested value names itself)
		}
	}
	x.str(trailing)
	x.endTag(qn)
}

func (x *xw) typedText(m model, ext *Ext, qn string) {
	text := *m.textPtr(0)
	if ext.src != nil {
		// Compare the text as read, piece by piece, with the value: building the
		// concatenation with += would be quadratic in the pieces (text split by comments).
		var buf [32]entry
		lay := ext.src.entries(buf[:0])
		rest, same := text, true
		for i := range lay {
			if t, ok := ext.src.node(&lay[i]).(*Text); ok {
				if !strings.HasPrefix(rest, t.Data) {
					same = false
					break
				}
				rest = rest[len(t.Data):]
			}
		}
		if same && rest == "" {
			if len(ext.src.lay) == 0 && ext.src.empty {
				x.str("/>")
				x.pop()
				return
			}
			x.str(">")
			for i := range lay {
				e := &lay[i]
				x.str(ext.src.ws(e))
				x.node(ext.src.node(e), "")
			}
			x.str(ext.src.trail)
			x.endTag(qn)
			return
		}
	}
	if text == "" {
		x.str("/>")
		x.pop()
		return
	}
	x.str(">")
	x.escape(text, false)
	x.endTag(qn)
}

func (x *xw) planFromSource(items []planItem, m model, sp *spec, ext *Ext, cnt []int, nl string) ([]planItem, string) {
	src := ext.src
	var layBuf [32]entry
	lay := src.entries(layBuf[:0])
	var slotsBuf, lastBuf [24]int
	var doneBuf [24]bool
	slots, last, done := slotsBuf[:0], lastBuf[:0], doneBuf[:0]
	if n := len(sp.kids); n <= len(slotsBuf) {
		slots, last, done = slotsBuf[:n], lastBuf[:n], doneBuf[:n]
	} else {
		slots, last, done = make([]int, n), make([]int, n), make([]bool, n)
	}
	hasWS := ext.src.trail != ""
	for i := range last {
		last[i] = -1
	}
	for i := range lay {
		e := &lay[i]
		if e.ws != 0 {
			hasWS = true
		}
		if e.kind == eField {
			if ki := sp.pos[int(e.field)]; ki >= 0 {
				slots[ki]++
				last[ki] = i
			}
		}
	}
	lastWS := ""
	if !hasWS {
		lastWS = x.childNL(nl)
		if len(lay) > 0 {
			lastWS = "" // children written without white space: keep that style
		}
	}
	// newBefore adds the new values of the fields before kid ki that the source had none
	// of. Fields before from were looked at by an earlier call and are settled (slots and
	// cnt do not change here), so each field is looked at once: linear in the kids.
	from := 0
	newBefore := func(ki int) {
		for kj := from; kj < ki; kj++ {
			if slots[kj] == 0 && cnt[kj] > 0 && !done[kj] {
				for j := 0; j < cnt[kj]; j++ {
					items = append(items, planItem{ws: lastWS, ki: kj, idx: j})
				}
				done[kj] = true
			}
		}
		from = max(from, ki)
	}
	// Which of ext.Nodes are written: a set, not a list, since a value may hold tens of
	// thousands of vendor nodes; a few are looked up directly.
	ns := newNodeSet(ext.Nodes)
	pend := ""
	for li := range lay {
		e := &lay[li]
		if pend == "" {
			pend = src.ws(e) // the usual case, without a call to concatenate
		} else {
			pend += src.ws(e)
		}
		switch e.kind {
		case eField:
			ki := sp.pos[int(e.field)]
			if ki < 0 {
				pend = ""
				continue
			}
			newBefore(ki)
			if int(e.item) < cnt[ki] {
				items = append(items, planItem{ws: pend, ki: ki, idx: int(e.item), orig: *e, hasOrig: true})
				if pend != "" {
					lastWS = pend
				}
			}
			pend = ""
			if li == last[ki] {
				for j := slots[ki]; j < cnt[ki]; j++ {
					items = append(items, planItem{ws: lastWS, ki: ki, idx: j})
				}
			}
		case eExt:
			if n := src.node(e); ns.has(n) && !ns.used(n) {
				items = append(items, planItem{ws: pend, ki: -1, node: n})
				ns.use(n)
				if pend != "" {
					lastWS = pend
				}
			}
			pend = ""
		}
	}
	pend += ext.src.trail
	newBefore(len(sp.kids))
	for _, n := range ext.Nodes {
		if !ns.used(n) {
			items = append(items, planItem{ws: lastWS, ki: -1, node: n})
			ns.use(n)
		}
	}
	return items, pend
}

// nodeSet is a set of the nodes of a slice with a mark per node: maps for many nodes, a
// search and a bit mask for up to 64 (the usual few vendor elements of a record).
type nodeSet struct {
	nodes []Node
	mask  uint64
	in    map[Node]bool
	done  map[Node]bool
}

func newNodeSet(nodes []Node) nodeSet {
	if len(nodes) <= 64 {
		return nodeSet{nodes: nodes}
	}
	in := make(map[Node]bool, len(nodes))
	for _, n := range nodes {
		in[n] = true
	}
	return nodeSet{in: in, done: make(map[Node]bool)}
}

func (s *nodeSet) has(n Node) bool {
	if s.in != nil {
		return s.in[n]
	}
	for _, m := range s.nodes {
		if m == n {
			return true
		}
	}
	return false
}

// used reports whether n was marked (n is one of the nodes).
func (s *nodeSet) used(n Node) bool {
	if s.in != nil {
		return s.done[n]
	}
	for i, m := range s.nodes {
		if m == n {
			return s.mask&(1<<uint(i)) != 0
		}
	}
	return false
}

// use marks n (every position it holds in the slice).
func (s *nodeSet) use(n Node) {
	if s.in != nil {
		s.done[n] = true
		return
	}
	for i, m := range s.nodes {
		if m == n {
			s.mask |= 1 << uint(i)
		}
	}
}

func (x *xw) planFresh(items []planItem, m model, sp *spec, ext *Ext, cnt []int, nl string) []planItem {
	ws := x.childNL(nl)
	// A node with slot s goes before standard child number s (0-based); nodes that
	// become due together keep their order in Nodes. Bucketed once: linear in the nodes.
	var due map[int][]int
	for i, n := range ext.Nodes {
		if slot, ok := ext.slots[n]; ok {
			if due == nil {
				due = make(map[int][]int)
			}
			due[max(slot, 0)] = append(due[max(slot, 0)], i)
		}
	}
	used := make([]bool, len(ext.Nodes))
	std := 0
	// A nil entry of a list (of records or nodes) is written as nothing, its line too.
	for ki := range sp.kids {
		k := &sp.kids[ki]
		for j := 0; j < cnt[ki]; j++ {
			for _, i := range due[std] {
				if !isNilNode(ext.Nodes[i]) {
					items = append(items, planItem{ws: ws, ki: -1, node: ext.Nodes[i]})
				}
				used[i] = true
			}
			if k.kind != kMany || m.manyAt(k.field, j) != nil {
				items = append(items, planItem{ws: ws, ki: ki, idx: j})
			}
			std++
		}
	}
	for i, n := range ext.Nodes {
		if !used[i] && !isNilNode(n) {
			items = append(items, planItem{ws: ws, ki: -1, node: n})
		}
	}
	return items
}

func (x *xw) emitItem(m model, sp *spec, it planItem) {
	if it.ki < 0 {
		x.node(it.node, it.ws)
		return
	}
	k := sp.kids[it.ki]
	switch k.kind {
	case kText, kTexts:
		var v string
		if k.kind == kText {
			v = *m.textPtr(k.field)
		} else {
			v = (*m.textsPtr(k.field))[it.idx]
		}
		name := Name{Space: x.odmNS, Local: k.name}
		var attrs []Attr
		empty := v == ""
		if it.hasOrig {
			o := &it.orig
			src := m.ext().src
			name.Prefix = src.prefixOf(o)
			attrs = src.attrsOf(o)
			switch {
			case o.mixed():
				if src.text(o) == v {
					// The content as read, under the child's own name: the name stored
					// with it (from JSON, say) cannot make it another element.
					el := *src.node(o).(*Element)
					el.Name = Name{Space: x.odmNS, Prefix: el.Prefix, Local: k.name}
					x.element(&el, it.ws)
					return
				}
			case v == "" && !o.hasText():
				// Empty as read: written as it was, <x/> or <x></x>.
				empty = o.empty()
			}
		}
		qn := x.startTag(name, attrs)
		if v == "" && empty {
			x.str("/>")
			x.pop()
			return
		}
		x.str(">")
		x.escape(v, false)
		x.endTag(qn)
	case kOne:
		x.typed(m.oneGet(k.field), it.ws)
	case kMany:
		x.typed(m.manyAt(k.field, it.idx), it.ws)
	case kElems:
		x.element((*m.elemsPtr(k.field))[it.idx], it.ws)
	}
}
