package odm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/odmadmin/odmadmin/internal/ctxio"
	"github.com/odmadmin/odmadmin/internal/jsontext"
)

// Reading the JSON form. JSONToODM streams: the JSON is read token by token and the XML
// written as it goes, one AdminData record or one root-level node at a time (generic
// elements with "children" after their name are streamed too). DecodeJSON runs JSONToODM
// into Decode, so a document read from JSON is exactly the one its XML would give.

// DecodeJSON reads the JSON form (see doc.go) into a Document: the document JSONToODM
// writes, decoded. JSON written before the form carried whole documents (no "content"
// member) is read as before: its AdminData laid out afresh in a new document.
func DecodeJSON(r io.Reader, opts ReadOptions) (*Document, error) {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		// Guarded (guard.go): r is the caller's, and a panic here would end the process.
		err := guard(func() error {
			_, err := JSONToODM(pw, r, opts, WriteOptions{})
			return err
		})
		closeWith(pw, err)
		done <- err
	}()
	xopts := opts
	xopts.MaxInputBytes = 0
	doc, err := Decode(pr, xopts)
	pr.CloseWithError(io.ErrClosedPipe)
	if jerr := <-done; jerr != nil && !errors.Is(jerr, io.ErrClosedPipe) {
		return nil, jerr
	}
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// JSONToODM reads the JSON form from r and writes the ODM document it describes to w, in
// bounded memory for JSON written by StreamJSON or EncodeJSON whatever its size. ropts
// give the limits (MaxDepth applies to the XML written, MaxInputBytes to the JSON read)
// and the name used in errors; wopts the layout of values without a recorded layout. It
// returns the writer's warnings.
func JSONToODM(w io.Writer, r io.Reader, ropts ReadOptions, wopts WriteOptions) ([]*Error, error) {
	if r == nil {
		return nil, nilReader(ropts.Name)
	}
	if w == nil {
		return nil, &Error{File: ropts.Name, Msg: "JSONToODM: the writer is nil"}
	}
	lc := &lineCounter{r: ctxio.Reader(ropts.Context, r), max: ropts.MaxInputBytes}
	dec := jsontext.NewDecoder(lc)
	// What is read becomes XML as it is read: no string is held past its record.
	dec.SharedStrings = true
	jr := &jreader{dec: dec, lc: lc, p: &jparser{name: ropts.Name}, x: newXW(w, wopts), maxDepth: ropts.maxDepth()}
	jr.p.jr = jr
	if ropts.JSONPositions != nil {
		jr.pos, jr.x.lines = ropts.JSONPositions, new(lineTally)
	}
	jr.maxJSON = 2*jr.maxDepth + 32
	if jr.maxDepth < 0 {
		jr.maxJSON = 1 << 16
	}
	err := jr.run()
	if lc.err != nil {
		// The input is past the limit: whatever the decoder made of the bytes before it.
		lc.err.File = ropts.Name
		err = lc.err
	}
	if err == nil {
		err = jr.x.flush()
	}
	jr.x.handOff()
	return jr.x.warnings, err
}

// lineCounter counts lines of the JSON input for error positions and enforces
// MaxInputBytes. It keeps the offsets of the newlines in the last window only.
type lineCounter struct {
	r     io.Reader
	max   int64
	n     int64   // bytes read
	lines int     // newlines before the window
	nl    []int64 // offsets of the newlines in the window
	// err is the error of the input past max, once met: the decoder may stop on a
	// syntax error of the bytes before it (a value cut short), which is not the input's
	// fault, so JSONToODM returns err in place of any other.
	err *Error
}

func (c *lineCounter) Read(b []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.r.Read(b)
	// The bytes past MaxInputBytes are not handed on: the decoder would read them (a
	// short input whole, in its first read) and fail on them, or succeed, not on the
	// limit.
	over := c.max > 0 && c.n+int64(n) > c.max
	if over {
		n = int(c.max - c.n)
	}
	for i := 0; i < n; {
		// IndexByte looks at many bytes at a time: a byte loop cost a twentieth of the
		// whole read of a large file.
		j := bytes.IndexByte(b[i:n], '\n')
		if j < 0 {
			break
		}
		c.nl = append(c.nl, c.n+int64(i+j))
		i += j + 1
	}
	c.n += int64(n)
	if len(c.nl) > 1<<14 {
		drop := len(c.nl) - 1<<13
		c.lines += drop
		c.nl = append(c.nl[:0], c.nl[drop:]...)
	}
	if over {
		// Placed at the first byte past the limit, where the XML reader places its own.
		line, col := c.pos(c.max)
		c.err = &Error{Line: line, Col: col, Err: ErrInputTooLarge,
			Msg: "the input is larger than the limit of " + strconv.FormatInt(c.max, 10) + " bytes"}
		return n, c.err
	}
	return n, err
}

// pos returns the 1-based line and column of offset off, (0, 0) if it is out of the window.
func (c *lineCounter) pos(off int64) (int, int) {
	if len(c.nl) > 0 && c.lines > 0 && off <= c.nl[0] {
		return 0, 0
	}
	// The newlines before off, by binary search: JSONPositions asks for each record.
	k := sort.Search(len(c.nl), func(i int) bool { return c.nl[i] >= off })
	line, start := c.lines+1+k, int64(0)
	if k > 0 {
		start = c.nl[k-1] + 1
	}
	if start == 0 && c.lines > 0 {
		return 0, 0
	}
	return line, int(off-start) + 1
}

// jv is a JSON value read whole: an object keeps its members in order.
type jv struct {
	kind byte // '{', '[', 's' string, 'n' number, 'b' bool, 'z' null
	s    string
	b    bool
	arr  []*jv
	obj  []jm
}

type jm struct {
	k string
	v *jv
}

func (v *jv) what() string {
	switch v.kind {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 's':
		return "a string"
	case 'n':
		return "a number"
	case 'b':
		return "a boolean"
	}
	return "null"
}

type jreader struct {
	dec      *jsontext.Decoder
	vals     jvArena
	lc       *lineCounter
	p        *jparser
	x        *xw
	maxDepth int // XML nesting limit (ReadOptions.MaxDepth), < 0 for none
	maxJSON  int // JSON nesting limit derived from it

	version    Version
	root       *Element
	prologDone bool
	rootOpen   bool
	rootGT     bool // the root's start tag is ended (">" written)
	rootEmpty  bool // "empty": the root was written <ODM/>
	rootClosed bool
	rootQN     string
	legacy     bool // no "content" member: the AdminData-only form
	nAD        int
	ad         *adState
	// pos, when set, gets a mark where the root, each AdminData, each record and each
	// element of the first levels start (see JSONPositions); rootAt and adAt are the
	// JSON places of the root's and the open AdminData's objects until their start tags
	// are written.
	pos          *JSONPositions
	rootAt, adAt jsonAt
	adOff        int64 // the offset of the open AdminData's object
	objOff       int64 // the offset of the first token of the value valueAt read last
}

// jsonAt is a place in the JSON input: line and column from 1, 0 when unknown.
type jsonAt struct{ line, col int }

// at returns the place of the delimiter just read ('{' or '['), when marks are wanted.
func (r *jreader) at() jsonAt {
	if r.pos == nil {
		return jsonAt{}
	}
	l, c := r.lc.pos(r.dec.InputOffset() - 1)
	return jsonAt{l, c}
}

// errAt returns err placed at offset off of the JSON, the object of the record being
// read, when it has no place of its own (an error of a record's shape names its path).
func (r *jreader) errAt(err error, off int64) error {
	var pe *Error
	if errors.As(err, &pe) && pe.Line == 0 {
		pe.Line, pe.Col = r.lc.pos(off)
	}
	return err
}

// mark records that what the writer writes next comes from the JSON object at a.
func (r *jreader) mark(a jsonAt) {
	if r.pos != nil && a.line > 0 {
		r.pos.add(r.x.lines.line(r.x.buf), a.line, a.col)
	}
}

// valueAt is value for a value whose place a mark needs.
func (r *jreader) valueAt(path string, depth int) (*jv, jsonAt, error) {
	k, t, err := r.tok()
	if err != nil {
		return nil, jsonAt{}, err
	}
	r.objOff = r.dec.InputOffset() - 1
	a := r.at()
	v, err := r.valueFrom(k, t, depth)
	return v, a, r.placed(path, err)
}

// adState is the open AdminData element.
type adState struct {
	qn     string
	gt     bool   // ">" written
	trail  string // white space before its end tag
	closed bool   // "trail" was given: an end tag of its own, also after nothing
	legacy *AdminData
	at     jsonAt // the place of the legacy AdminData's object
}

func (r *jreader) syntax(err error) error {
	var pe *Error
	if errors.As(err, &pe) {
		if pe.File == "" {
			pe.File = r.p.name
		}
		return pe
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return &Error{File: r.p.name, Err: ErrJSON, Msg: "unexpected end of JSON input"}
	}
	off := r.dec.InputOffset()
	var se *jsontext.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	var ee *jsontext.EncodingError
	if errors.As(err, &ee) {
		// Bytes that are not UTF-8 in a string: what the XML reader reports for the same
		// bytes (a lone surrogate escape is a SyntaxError, ErrJSON).
		line, col := r.lc.pos(ee.Offset)
		return &Error{File: r.p.name, Line: line, Col: col, Err: ErrEncoding, Msg: ee.Msg}
	}
	line, col := r.lc.pos(off)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// ReadOptions.Context was cancelled: say so, and let errors.Is find it.
		return &Error{File: r.p.name, Line: line, Col: col, Err: err, Msg: "read stopped"}
	}
	return &Error{File: r.p.name, Line: line, Col: col, Err: ErrJSON, Msg: err.Error()}
}

// tok is token without the interface (jsontext.Decoder.Next).
func (r *jreader) tok() (jsontext.Kind, string, error) {
	k, t, err := r.dec.Next()
	if err != nil {
		return 0, "", r.syntax(err)
	}
	return k, t, nil
}

func (r *jreader) token() (json.Token, error) {
	t, err := r.dec.Token()
	if err != nil {
		return nil, r.syntax(err)
	}
	return t, nil
}

// open reads the opening delimiter d ('{' or '[') of the value at path.
func (r *jreader) open(path string, d json.Delim) error {
	t, err := r.token()
	if err != nil {
		return err
	}
	if t != d {
		if d == '{' {
			return r.p.errf(path, "must be an object")
		}
		return r.p.errf(path, "must be an array")
	}
	return nil
}

// key reads the next member name of an object, checking it against the names seen.
func (r *jreader) key(path string, seen map[string]bool) (string, string, error) {
	t, err := r.token()
	if err != nil {
		return "", "", err
	}
	k, _ := t.(string)
	kp := k
	if path != "" {
		kp = path + "." + k
	}
	if seen[k] {
		return "", "", r.p.errf(kp, "duplicate key")
	}
	seen[k] = true
	return k, kp, nil
}

// value reads a whole JSON value.
func (r *jreader) value(path string, depth int) (*jv, error) {
	k, t, err := r.tok()
	if err != nil {
		return nil, err
	}
	v, err := r.valueFrom(k, t, depth)
	return v, r.placed(path, err)
}

// member reads the value of member k (or, for k "", element i) of the value being read.
func (r *jreader) member(k string, i, depth int) (*jv, error) {
	kind, t, err := r.tok()
	if err != nil {
		return nil, err
	}
	v, err := r.valueFrom(kind, t, depth)
	if err != nil {
		if e, ok := err.(*valueErr); ok {
			// The path is built only for an error, as it returns through the values
			// it is in (most values read have none).
			if k == "" {
				e.rel = "[" + strconv.Itoa(i) + "]" + e.rel
			} else {
				e.rel = "." + k + e.rel
			}
		}
		return nil, err
	}
	return v, nil
}

// valueErr is an error of a value valueFrom reads, at path rel (".key" and "[index]"
// steps) below the value where it started: placed (r.placed) once it is returned there.
type valueErr struct {
	rel, msg string
	// off+1 is the input offset of the value the error is at; 0 when it has none (an
	// error of shape is placed at its record's object, see errAt).
	off int64
	// depth: the error is that of a nesting limit (errDepthJSON).
	depth bool
}

func (e *valueErr) Error() string { return e.rel + ": " + e.msg }

// placed returns err, a valueErr of the value at path, as the error of the path it names;
// any other err as it is.
func (r *jreader) placed(path string, err error) error {
	e, ok := err.(*valueErr)
	if !ok {
		return err
	}
	full := path + e.rel
	if path == "" && strings.HasPrefix(e.rel, ".") {
		full = e.rel[1:]
	}
	pe := r.p.errf(full, e.msg).(*Error)
	if e.depth {
		pe.Err = errDepthJSON
	}
	if e.off > 0 {
		pe.Line, pe.Col = r.lc.pos(e.off - 1)
	}
	return pe
}

// valueFrom reads the value whose first token (kind, t) was just read. Its errors of
// shape are valueErrs (see placed).
func (r *jreader) valueFrom(kind jsontext.Kind, t string, depth int) (*jv, error) {
	switch kind {
	case jsontext.String:
		v := r.vals.new('s')
		v.s = t
		return v, nil
	case jsontext.Number:
		v := r.vals.new('n')
		v.s = t
		return v, nil
	case jsontext.True, jsontext.False:
		v := r.vals.new('b')
		v.b = kind == jsontext.True
		return v, nil
	case jsontext.Null:
		return r.vals.new('z'), nil
	case jsontext.ArrayStart, jsontext.ObjectStart:
		if depth > r.maxJSON {
			// Placed at the delimiter that goes one level too deep.
			return nil, &valueErr{msg: "JSON nests deeper than the limit", off: r.dec.InputOffset(), depth: true}
		}
		if kind == jsontext.ArrayStart {
			v := r.vals.new('[')
			for r.dec.More() {
				c, err := r.member("", len(v.arr), depth+1)
				if err != nil {
					return nil, err
				}
				v.arr = append(v.arr, c)
			}
			_, _, err := r.tok()
			return v, err
		}
		v := r.vals.new('{')
		var seen map[string]bool
		for r.dec.More() {
			_, k, err := r.tok() // a key: the decoder allows nothing else here
			if err != nil {
				return nil, err
			}
			// Compared with the members before up to 32 (a user has some 15, and a map
			// for each was a fifth of what JSONToODM allocated); through a set beyond.
			if len(v.obj) < 32 {
				for _, m := range v.obj {
					if m.k == k {
						return nil, &valueErr{rel: "." + k, msg: "duplicate key"}
					}
				}
			} else {
				if seen == nil {
					seen = make(map[string]bool, 16)
					for _, m := range v.obj {
						seen[m.k] = true
					}
				}
				if seen[k] {
					return nil, &valueErr{rel: "." + k, msg: "duplicate key"}
				}
				seen[k] = true
			}
			c, err := r.member(k, -1, depth+1)
			if err != nil {
				return nil, err
			}
			v.obj = append(v.obj, jm{k, c})
		}
		_, _, err := r.tok()
		return v, err
	}
	return nil, &valueErr{msg: "unexpected JSON token"}
}

// jvArena hands out the values (jv) of the JSON read. Outside a stretch (hold) each is
// allocated alone, as values read whole for later (the header, a legacy AdminData) need;
// within one, from arrays reused once the stretch is released, with the slices of their
// arrays' and objects' members: a record's tree of values is garbage once the record is
// written, and a stream of records otherwise allocated its dozens of values (and their
// slices, grown by doubling) anew for each, some 40 KB a user.
type jvArena struct {
	chunks [][]jv
	n      int // values handed out in the chunks
	held   int // stretches open
}

const (
	jvChunk   = 256  // values of one array
	jvKeep    = 64   // chunks kept after a stretch that needed more
	jvKeepCap = 1024 // a kept value's member slice longer than this is let go of
)

func (a *jvArena) new(kind byte) *jv {
	if a.held == 0 {
		return &jv{kind: kind}
	}
	c, i := a.n/jvChunk, a.n%jvChunk
	if c == len(a.chunks) {
		a.chunks = append(a.chunks, make([]jv, jvChunk))
	}
	v := &a.chunks[c][i]
	a.n++
	arr, obj := v.arr[:0], v.obj[:0]
	if cap(arr) > jvKeepCap {
		arr = nil
	}
	if cap(obj) > jvKeepCap {
		obj = nil
	}
	*v = jv{kind: kind, arr: arr, obj: obj}
	return v
}

// hold opens a stretch: the values handed out until release(mark) are not used after it.
// Stretches nest: an inner one releases its own values only.
func (a *jvArena) hold() (mark int) {
	a.held++
	return a.n
}

// release closes the stretch hold opened with mark: its values are handed out again.
func (a *jvArena) release(mark int) {
	a.held--
	a.n = mark
	if a.held == 0 {
		if len(a.chunks) > jvKeep {
			// One large record does not keep its memory for the rest of the stream.
			clear(a.chunks[jvKeep:])
			a.chunks = a.chunks[:jvKeep]
		}
	}
}

func (r *jreader) run() error {
	if err := r.open("", '{'); err != nil {
		if pe := (*Error)(nil); errors.As(err, &pe) && pe.Msg == "must be an object" {
			return r.p.errf("", "the JSON form is an object")
		}
		return err
	}
	seen := map[string]bool{}
	for r.dec.More() {
		k, kp, err := r.key("", seen)
		if err != nil {
			return err
		}
		if r.root == nil && k != "odm" {
			return r.p.errf(kp, `the "odm" object must come first`)
		}
		switch k {
		case "odm":
			v, a, err := r.valueAt(kp, 1)
			if err != nil {
				return err
			}
			r.rootAt = a
			if err := r.header(v); err != nil {
				return err
			}
		case "prolog":
			if r.rootOpen {
				return r.p.errf(kp, `must come before "content" and "adminData"`)
			}
			v, err := r.value(kp, 1)
			if err != nil {
				return err
			}
			if err := r.prolog(kp, v); err != nil {
				return err
			}
			r.prologDone = true
		case "content":
			if r.rootOpen {
				return r.p.errf(kp, `must come before "adminData"`)
			}
			if r.rootEmpty {
				return r.p.errf(kp, `must come before "empty"`)
			}
			if err := r.openRoot(); err != nil {
				return err
			}
			if err := r.streamNodes(kp, 2); err != nil {
				return err
			}
		case "adminData":
			if r.rootEmpty {
				return r.p.errf(kp, `must come before "empty"`)
			}
			r.legacy = !r.rootOpen
			if err := r.openRoot(); err != nil {
				return err
			}
			if err := r.open(kp, '['); err != nil {
				return err
			}
			for i := 0; r.dec.More(); i++ {
				r.rootBody()
				if err := r.adObject(kp + "[" + strconv.Itoa(i) + "]"); err != nil {
					return err
				}
			}
			if _, err := r.token(); err != nil {
				return err
			}
		case "empty":
			v, err := r.value(kp, 1)
			if err != nil {
				return err
			}
			if v.kind != 'b' {
				return r.p.errf(kp, "must be a boolean")
			}
			if r.rootClosed {
				return r.p.errf(kp, `must come before "epilog"`)
			}
			if v.b && r.rootGT {
				return r.p.errf(kp, "the root has content")
			}
			r.rootEmpty = v.b
		case "epilog":
			if err := r.closeRoot(); err != nil {
				return err
			}
			v, err := r.value(kp, 1)
			if err != nil {
				return err
			}
			ns, err := r.p.nodeList(kp, v)
			if err != nil {
				return err
			}
			for i, n := range ns {
				if err := r.p.outside(kp+"["+strconv.Itoa(i)+"]", n.n); err != nil {
					return err
				}
				r.x.node(n.n, "")
			}
		default:
			return r.p.errf(kp, "unknown key")
		}
		if r.x.err != nil {
			return r.x.err
		}
	}
	if _, err := r.token(); err != nil {
		return err
	}
	if _, err := r.dec.Token(); err != io.EOF {
		return r.p.errf("", "data after the JSON object")
	}
	if r.root == nil {
		return r.p.errf("", `missing "odm" object`)
	}
	if err := r.closeRoot(); err != nil {
		return err
	}
	return r.x.err
}

// prolog writes the nodes before the root element: an XML declaration first if any,
// white space, comments, processing instructions and one DOCTYPE.
func (r *jreader) prolog(path string, v *jv) error {
	p := r.p
	if v.kind != '[' {
		return p.errf(path, "must be an array")
	}
	doctype := false
	for i, e := range v.arr {
		ip := path + "[" + strconv.Itoa(i) + "]"
		p.declOK, p.doctypeOK = i == 0, !doctype
		n, _, err := p.node(ip, e, false)
		p.declOK, p.doctypeOK = false, false
		if err != nil {
			return err
		}
		if err := p.outside(ip, n); err != nil {
			return err
		}
		if _, ok := n.(*Directive); ok {
			doctype = true
		}
		r.x.place = placeProlog
		if i == 0 {
			r.x.place = placeDecl
		}
		r.x.node(n, "")
		r.x.place = placeInside
	}
	return nil
}

// outside checks a node of the prolog or the epilog: no element, only white space.
func (p *jparser) outside(path string, n Node) error {
	switch n := n.(type) {
	case *Element:
		return p.errf(path, "an element cannot stand outside the root element")
	case *Text:
		if !isBlank(n.Data) || n.CDATA || strings.ContainsRune(n.Data, '\r') {
			return p.errf(path, "only white space (spaces, tabs, line feeds) can stand outside the root element")
		}
	}
	return nil
}

func (r *jreader) header(v *jv) error {
	p := r.p
	if v.kind != '{' {
		return p.errf("odm", "must be an object")
	}
	var version, prefix string
	var attrs []Attr
	hasAttrs, noNS := false, false
	for _, m := range v.obj {
		kp := "odm." + m.k
		var err error
		switch m.k {
		case "version":
			version, err = p.str(kp, m.v)
		case "attrs":
			attrs, err = p.attrs(kp, m.v)
			hasAttrs = true
		case "prefix":
			prefix, err = p.str(kp, m.v)
		case "ns":
			var s string
			if s, err = p.str(kp, m.v); err == nil && s != "" {
				return p.errf(kp, `is "" (a root in no namespace) or absent`)
			}
			noNS = true
		default:
			return p.errf(kp, "unknown key")
		}
		if err != nil {
			return err
		}
	}
	ver, ok := map[string]Version{"1.2": V12, "1.3": V13, "2.0": V20}[version]
	if !ok {
		return p.errf("odm.version", "version must be 1.2, 1.3 or 2.0")
	}
	d := NewDocument(ver)
	r.version, r.root = ver, d.Root
	r.root.Prefix = prefix
	if prefix != "" && !isNCName(prefix) || prefix == "xmlns" || prefix == "xml" {
		return p.errf("odm.prefix", "is not a prefix the root element can have")
	}
	if hasAttrs {
		r.root.Attrs = attrs
	}
	r.x.setVersion(ver)
	if noNS {
		if prefix != "" {
			return p.errf("odm.prefix", "a root in no namespace has no prefix")
		}
		r.root.Space = ""
		r.x.rootNamespace(r.root)
	}
	return nil
}

func (r *jreader) openRoot() error {
	if r.rootOpen {
		return nil
	}
	if r.rootClosed {
		return r.p.errf("", "content after the epilog")
	}
	if !r.prologDone {
		// The AdminData-only form: a new document's XML declaration.
		r.x.prolog([]Node{&ProcInst{Target: "xml", Inst: `version="1.0" encoding="UTF-8"`}})
		r.x.str("\n")
		r.prologDone = true
	}
	r.mark(r.rootAt)
	r.rootQN = r.x.startTag(r.root.Name, r.root.Attrs)
	r.rootOpen, r.rootGT = true, false
	return r.x.err
}

// rootBody ends the root's start tag before the first thing written inside the root: the
// tag is left open until then so that a root with nothing inside can be written <ODM/>.
func (r *jreader) rootBody() {
	if r.rootOpen && !r.rootGT {
		r.x.str(">")
		r.rootGT = true
	}
}

func (r *jreader) closeRoot() error {
	if r.rootClosed {
		return nil
	}
	if err := r.openRoot(); err != nil {
		return err
	}
	r.closeAD()
	if r.rootEmpty && !r.rootGT {
		r.x.str("/>")
		r.x.pop()
	} else {
		r.rootBody()
		if r.legacy && r.nAD > 0 {
			r.x.str("\n")
		}
		r.x.endTag(r.rootQN)
	}
	r.rootOpen, r.rootClosed = false, true
	return r.x.err
}

// checkDepth fails when an element at XML depth d (the root is 1) would nest deeper than
// the reader accepts. The error is placed at input offset off, the JSON object of the
// element (or record) that goes too deep.
func (r *jreader) checkDepth(path string, d int, off int64) error {
	if r.maxDepth > 0 && d > r.maxDepth {
		line, col := r.lc.pos(off)
		return &Error{File: r.p.name, Line: line, Col: col, Err: errDepthJSON,
			Msg: path + ": elements nest deeper than the limit of " + strconv.Itoa(r.maxDepth)}
	}
	return nil
}

// streamNodes writes an array of nodes at XML depth depth as it reads them.
func (r *jreader) streamNodes(path string, depth int) error {
	if err := r.open(path, '['); err != nil {
		return err
	}
	prevText := false
	for i := 0; r.dec.More(); i++ {
		if depth == 2 {
			r.rootBody() // a child of the root
		}
		isText, err := r.streamNode(path+"["+strconv.Itoa(i)+"]", depth, prevText)
		if err != nil {
			return err
		}
		if r.x.err != nil {
			return r.x.err
		}
		prevText = isText
	}
	_, err := r.token()
	return err
}

// streamNode writes one node. An element whose "children" come after its other members
// is written as its children are read; any other node is read whole first.
func (r *jreader) streamNode(path string, depth int, prevText bool) (bool, error) {
	if err := r.open(path, '{'); err != nil {
		return false, err
	}
	objOff := r.dec.InputOffset() - 1
	var a jsonAt
	if depth <= maxMarkDepth {
		a = r.at()
	}
	// The node's values are done with once it is written.
	mark := r.vals.hold()
	head := &jv{kind: '{'}
	seen := map[string]bool{}
	var qn string
	streamed, nHead := false, 0
	for r.dec.More() {
		k, kp, err := r.key(path, seen)
		if err != nil {
			return false, err
		}
		if k == "children" && !streamed && head.get("type") != nil && head.get("type").s == "element" && head.get("name") != nil {
			n, _, err := r.p.node(path, head, false)
			if err != nil {
				return false, err
			}
			e := n.(*Element)
			if err := r.checkDepth(path, depth, objOff); err != nil {
				return false, err
			}
			r.mark(a)
			qn = r.x.startTag(e.Name, e.Attrs)
			r.x.str(">")
			streamed, nHead = true, len(head.obj)
			if err := r.streamNodes(kp, depth+1); err != nil {
				return false, err
			}
			continue
		}
		if streamed && k != "children" {
			switch k {
			case "type", "ns", "prefix", "name", "attrs":
				return false, r.p.errf(kp, `must come before "children"`)
			}
		}
		v, err := r.value(kp, 2)
		if err != nil {
			return false, err
		}
		head.obj = append(head.obj, jm{k, v})
	}
	if _, err := r.token(); err != nil {
		return false, err
	}
	if streamed {
		for _, m := range head.obj[nHead:] {
			return false, r.p.errf(path+"."+m.k, "unknown key")
		}
		r.x.endTag(qn)
		r.vals.release(mark)
		return false, r.x.err
	}
	n, _, err := r.p.node(path, head, false)
	if err != nil {
		return false, err
	}
	if err := r.checkDepth(path, depth+nodeDepth(n)-1, objOff); err != nil {
		return false, err
	}
	t, isText := n.(*Text)
	if isText {
		if err := r.p.checkText(path, t, prevText); err != nil {
			return false, err
		}
	} else if _, ok := n.(*Element); ok {
		r.mark(a)
	}
	r.x.node(n, "")
	r.vals.release(mark)
	return isText && !t.CDATA, r.x.err
}

// maxMarkDepth is the deepest XML level of an element outside AdminData that gets a
// JSONPositions mark: the root's children and theirs (a Study, a SubjectData), not the
// items of a large ClinicalData, which would cost a mark each.
const maxMarkDepth = 3

// nodeDepth is the element nesting of n (1 for a childless element or any other node).
func nodeDepth(n Node) int {
	e, ok := n.(*Element)
	if !ok {
		return 1
	}
	d := 0
	for _, c := range e.Children {
		d = max(d, nodeDepth(c))
	}
	return d + 1
}

// typedDepth is the element nesting of a typed value with its children and nodes.
func typedDepth(m model) int {
	if m == nil {
		return 0
	}
	x := m.ext()
	d := 1
	for _, n := range x.Nodes {
		d = max(d, 1+nodeDepth(n))
	}
	sp := m.spec(V13)
	for _, f := range []*spec{sp, m.spec(V20)} {
		for _, k := range f.kids {
			switch k.kind {
			case kText, kTexts:
				d = max(d, 2)
			case kOne:
				d = max(d, 1+typedDepth(m.oneGet(k.field)))
			case kMany:
				for i := 0; i < m.manyLen(k.field); i++ {
					d = max(d, 1+typedDepth(m.manyAt(k.field, i)))
				}
			case kElems:
				for _, e := range *m.elemsPtr(k.field) {
					d = max(d, 1+nodeDepth(e))
				}
			}
		}
	}
	if x.src != nil {
		var buf [32]entry
		lay := x.src.entries(buf[:0])
		for i := range lay {
			if n := x.src.node(&lay[i]); n != nil {
				d = max(d, 1+nodeDepth(n))
			}
		}
	}
	return d
}

func (v *jv) get(k string) *jv {
	for _, m := range v.obj {
		if m.k == k {
			return m.v
		}
	}
	return nil
}

// adObject reads one AdminData object and writes its records as they come.
func (r *jreader) adObject(path string) error {
	if r.legacy {
		v, a, err := r.valueAt(path, 1)
		if err != nil {
			return err
		}
		r.adAt = a
		return r.errAt(r.legacyAD(path, v), r.objOff)
	}
	if err := r.open(path, '{'); err != nil {
		return err
	}
	r.adAt = r.at()
	r.adOff = r.dec.InputOffset() - 1
	head := new(AdminData)
	seen := map[string]bool{}
	cont, headDone := false, false
	prefix := ""
	var studyOID *string
	for r.dec.More() {
		k, kp, err := r.key(path, seen)
		if err != nil {
			return err
		}
		if !headDone {
			done := true
			switch k {
			case "studyOID":
				v, err := r.value(kp, 2)
				if err != nil {
					return err
				}
				s, err := r.p.str(kp, v)
				if err != nil {
					return err
				}
				head.StudyOID, studyOID = s, &s
				done = false
			case "attrs":
				v, err := r.value(kp, 2)
				if err != nil {
					return err
				}
				if head.Attrs, err = r.p.attrs(kp, v); err != nil {
					return err
				}
				for i, a := range head.Attrs {
					if a.Space == "" && a.Local == "StudyOID" {
						return r.p.errf(kp+"["+strconv.Itoa(i)+"]", "is a standard attribute: give it by its key")
					}
				}
				done = false
			case "continued":
				v, err := r.value(kp, 2)
				if err != nil {
					return err
				}
				if v.kind != 'b' {
					return r.p.errf(kp, "must be a boolean")
				}
				cont, done = v.b, false
			case "layout":
				v, err := r.value(kp, 2)
				if err != nil {
					return err
				}
				if v.kind != '{' {
					return r.p.errf(kp, "must be an object")
				}
				for _, m := range v.obj {
					if m.k != "prefix" {
						return r.p.errf(kp+"."+m.k, "unknown key")
					}
					if prefix, err = r.p.str(kp+".prefix", m.v); err != nil {
						return err
					}
					if !isNCName(prefix) || prefix == "xmlns" || prefix == "xml" {
						return r.p.errf(kp+".prefix", "is not a prefix AdminData can have")
					}
				}
				done = false
			}
			if !done {
				continue
			}
			headDone = true
			if err := r.openAD(path, head, studyOID, prefix, cont); err != nil {
				return err
			}
		}
		switch k {
		case "users", "organizations", "locations", "signatureDefs":
			field := map[string]int{"users": adUsers, "organizations": adOrganizations, "locations": adLocations, "signatureDefs": adSignatureDefs}[k]
			if err := r.open(kp, '['); err != nil {
				return err
			}
			for i := 0; r.dec.More(); i++ {
				ip := kp + "[" + strconv.Itoa(i) + "]"
				// The record's values are done with once it is written.
				mark := r.vals.hold()
				v, a, err := r.valueAt(ip, 3)
				if err != nil {
					return err
				}
				m, _ := newRecord(field)
				if v.kind != '{' {
					return r.p.errf(ip, "must be an object")
				}
				rh, err := r.p.typed(m, v, ip, r.version, true)
				if err != nil {
					return r.errAt(err, r.objOff)
				}
				if err := r.checkDepth(ip, 2+typedDepth(m), r.objOff); err != nil {
					return err
				}
				r.record(m, rh, a)
				r.vals.release(mark)
				if r.x.err != nil {
					return r.x.err
				}
			}
			if _, err := r.token(); err != nil {
				return err
			}
		case "nodes":
			nodesOff := r.dec.ValueOffset()
			v, err := r.value(kp, 2)
			if err != nil {
				return err
			}
			ns, err := r.p.nodeList(kp, v)
			if err != nil {
				return err
			}
			for i, n := range ns {
				if err := r.checkDepth(kp+"["+strconv.Itoa(i)+"]", 2+nodeDepth(n.n), nodesOff); err != nil {
					return err
				}
				r.adContent(n.ws, n.n)
			}
		case "trail":
			v, err := r.value(kp, 2)
			if err != nil {
				return err
			}
			s, err := r.p.ws(kp, v)
			if err != nil {
				return err
			}
			r.ad.trail, r.ad.closed = s, true
		case "after":
			r.closeAD()
			if err := r.streamNodes(kp, 2); err != nil {
				return err
			}
		case "studyOID", "attrs", "continued", "layout":
			return r.p.errf(kp, "must come before the records")
		default:
			return r.p.errf(kp, "unknown key")
		}
	}
	if _, err := r.token(); err != nil {
		return err
	}
	if !headDone {
		return r.openAD(path, head, studyOID, prefix, cont)
	}
	return nil
}

func (r *jreader) openAD(path string, head *AdminData, studyOID *string, prefix string, cont bool) error {
	if cont {
		if r.ad == nil {
			return r.p.errf(path+".continued", "no AdminData to continue")
		}
		return nil
	}
	r.closeAD()
	if err := r.checkDepth(path, 2, r.adOff); err != nil {
		return err
	}
	r.nAD++
	x := r.x
	m := head.model()
	sp := m.spec(r.version)
	if studyOID != nil {
		// Keep a StudyOID written empty.
		head.src = &source{sp: sp, prefix: prefix}
		head.src.attrs = append([]Attr{{Name: Name{Local: "StudyOID"}, Value: *studyOID}}, head.Attrs...)
	}
	name := Name{Space: x.odmNS, Prefix: prefix, Local: "AdminData"}
	r.mark(r.adAt)
	r.ad = &adState{qn: x.startTag(name, x.typedAttrs(m, sp, &head.Ext))}
	return x.err
}

func (r *jreader) adGT() {
	if !r.ad.gt {
		r.x.str(">")
		r.ad.gt = true
	}
}

// adContent writes a node directly inside the open AdminData.
func (r *jreader) adContent(ws string, n Node) {
	r.adGT()
	r.x.str(ws)
	r.x.node(n, ws)
}

// record writes one AdminData record with the nodes and white space before it.
func (r *jreader) record(m model, rh *recHead, a jsonAt) {
	r.adGT()
	ws := r.x.childNL("\n  ")
	if rh != nil {
		for _, n := range rh.before {
			r.x.str(n.ws)
			r.x.node(n.n, n.ws)
		}
		ws = rh.ws
	}
	r.x.str(ws)
	r.mark(a)
	r.x.typed(m, ws)
}

func (r *jreader) closeAD() {
	a := r.ad
	if a == nil {
		return
	}
	r.ad = nil
	x := r.x
	if a.legacy != nil {
		// Read whole, its records have no places of their own: they all get the
		// AdminData object's (the first, when continuations were merged into it).
		x.str("\n  ")
		r.mark(a.at)
		x.typed(a.legacy.model(), "\n  ")
		return
	}
	x.end(a.qn, !a.gt && !a.closed, a.gt, a.trail)
}

// legacyAD reads an AdminData object of the AdminData-only form: laid out afresh, its
// nodes placed by "slot", continuation objects merged into the AdminData before them.
func (r *jreader) legacyAD(path string, v *jv) error {
	if v.kind != '{' {
		return r.p.errf(path, "must be an object")
	}
	cont := false
	o := &jv{kind: '{'}
	for _, m := range v.obj {
		if m.k == "continued" {
			if m.v.kind != 'b' {
				return r.p.errf(path+".continued", "must be a boolean")
			}
			cont = m.v.b
			continue
		}
		o.obj = append(o.obj, m)
	}
	ad := new(AdminData)
	if _, err := r.p.typed(ad.model(), o, path, r.version, false); err != nil {
		return err
	}
	if err := r.checkDepth(path, 1+typedDepth(ad.model()), r.objOff); err != nil {
		return err
	}
	if cont && r.ad != nil {
		last := r.ad.legacy
		last.Users = append(last.Users, ad.Users...)
		last.Organizations = append(last.Organizations, ad.Organizations...)
		last.Locations = append(last.Locations, ad.Locations...)
		last.SignatureDefs = append(last.SignatureDefs, ad.SignatureDefs...)
		for _, n := range ad.Nodes {
			last.Nodes = append(last.Nodes, n)
			if s, ok := ad.slots[n]; ok {
				if last.slots == nil {
					last.slots = map[Node]int{}
				}
				last.slots[n] = s
			}
		}
		return nil
	}
	r.closeAD()
	r.nAD++
	r.ad = &adState{legacy: ad, at: r.adAt}
	return nil
}

// ---- values

type jparser struct {
	name string
	jr   *jreader
	// declOK and doctypeOK allow the XML declaration and a DOCTYPE: set while the node
	// that may be one is read.
	declOK, doctypeOK bool
	// raw and ents are room for a layout's entries while it is read (layout): they
	// are packed into the value's source at its end, so each record used to allocate
	// and drop two arrays of them.
	raw  []rawEntry
	ents []entry
	// packed is room for packing them (source.setLayout).
	packed []byte
}

// checkNested refuses, inside an element, the nodes that only the prolog may hold.
func (p *jparser) checkNested(path string, n Node) error {
	if _, ok := n.(*Directive); ok {
		return p.errf(path, "a directive (DOCTYPE) may only stand in the prolog")
	}
	return nil
}

func (p *jparser) errf(path, msg string) error {
	if path != "" {
		msg = path + ": " + msg
	}
	return &Error{File: p.name, Err: ErrJSON, Msg: msg}
}

// strf is str for a value whose path is built only for an error.
func (p *jparser) strf(path func() string, v *jv) (string, error) {
	if v.kind != 's' {
		return "", p.errf(path(), "must be a string")
	}
	if r, ok := checkChars(v.s); !ok {
		return "", p.errf(path(), charError(r))
	}
	return v.s, nil
}

// wsf is ws for a value whose path is built only for an error.
func (p *jparser) wsf(path func() string, v *jv) (string, error) {
	s, err := p.strf(path, v)
	if err != nil {
		return "", err
	}
	if !isBlank(s) || strings.ContainsRune(s, '\r') {
		return "", p.errf(path(), "must be white space (spaces, tabs, line feeds)")
	}
	return s, nil
}

// str reads a string. It is strf with the path at hand: it reads the few members around
// the records (the root's, AdminData's), where building a path costs nothing that counts.
func (p *jparser) str(path string, v *jv) (string, error) {
	return p.strf(func() string { return path }, v)
}

// ws reads white space: ws and trail members, which XML keeps as they are only without
// carriage returns (a reader turns them into line feeds). It is wsf with the path at hand.
func (p *jparser) ws(path string, v *jv) (string, error) {
	return p.wsf(func() string { return path }, v)
}

func (p *jparser) attrs(path string, v *jv) ([]Attr, error) {
	if v.kind != '[' {
		return nil, p.errf(path, "must be an array")
	}
	out := make([]Attr, 0, len(v.arr))
	for i, a := range v.arr {
		ap := func() string { return path + "[" + strconv.Itoa(i) + "]" }
		if a.kind != '{' {
			return nil, p.errf(ap(), "must be an object")
		}
		var at Attr
		hasName := false
		for _, m := range a.obj {
			s, err := p.strf(func() string { return ap() + "." + m.k }, m.v)
			if err != nil {
				return nil, err
			}
			switch m.k {
			case "ns":
				at.Space = s
			case "prefix":
				at.Prefix = s
			case "name":
				at.Local, hasName = s, true
			case "value":
				at.Value = s
			default:
				return nil, p.errf(ap()+"."+m.k, "unknown key")
			}
		}
		if !hasName || at.Local == "" {
			return nil, p.errf(ap(), `missing "name"`)
		}
		out = append(out, at)
	}
	return out, p.checkAttrs(path, out)
}

// nodeList reads an array of nodes, each with the white space before it ("ws").
func (p *jparser) nodeList(path string, v *jv) ([]wsNode, error) {
	if v.kind != '[' {
		return nil, p.errf(path, "must be an array")
	}
	out := make([]wsNode, 0, len(v.arr))
	for i, e := range v.arr {
		ip := path + "[" + strconv.Itoa(i) + "]"
		n, ws, err := p.node(ip, e, true)
		if err != nil {
			return nil, err
		}
		out = append(out, wsNode{ws: ws, n: n})
	}
	return out, nil
}

// node reads a generic node. "slot" (kept for the AdminData-only form) is returned through
// slotOf; "ws" is allowed where withWS is set.
func (p *jparser) node(path string, v *jv, withWS bool) (Node, string, error) {
	if v.kind != '{' {
		return nil, "", p.errf(path, "must be an object")
	}
	var typ, ns, prefix, name, text, target, ws string
	var hasName, hasText, hasTarget, cdata bool
	var attrs []Attr
	var children *jv
	for _, m := range v.obj {
		kp := func() string { return path + "." + m.k }
		var err error
		switch m.k {
		case "type":
			typ, err = p.strf(kp, m.v)
		case "ns":
			ns, err = p.strf(kp, m.v)
		case "prefix":
			prefix, err = p.strf(kp, m.v)
		case "name":
			name, err = p.strf(kp, m.v)
			hasName = true
		case "text":
			text, err = p.strf(kp, m.v)
			hasText = true
		case "target":
			target, err = p.strf(kp, m.v)
			hasTarget = true
		case "cdata":
			if m.v.kind != 'b' {
				err = p.errf(kp(), "must be a boolean")
			}
			cdata = m.v.b
		case "attrs":
			attrs, err = p.attrs(kp(), m.v)
		case "children":
			if m.v.kind != '[' {
				err = p.errf(kp(), "must be an array")
			}
			children = m.v
		case "slot":
			if m.v.kind != 'n' {
				err = p.errf(kp(), "must be a non-negative integer")
			} else if i, e := strconv.Atoi(m.v.s); e != nil || i < 0 {
				err = p.errf(kp(), "must be a non-negative integer")
			}
		case "ws":
			if !withWS {
				err = p.errf(kp(), "unknown key")
			} else {
				ws, err = p.wsf(kp, m.v)
			}
		default:
			err = p.errf(kp(), "unknown key")
		}
		if err != nil {
			return nil, "", err
		}
	}
	allowed := ""
	var n Node
	switch typ {
	case "element":
		if !hasName || name == "" {
			return nil, "", p.errf(path, `missing "name"`)
		}
		e := &Element{Name: Name{Space: ns, Prefix: prefix, Local: name}, Attrs: attrs}
		if err := p.checkElementName(path, e.Name); err != nil {
			return nil, "", err
		}
		if children != nil {
			prevText := false
			for i, c := range children.arr {
				cp := path + ".children[" + strconv.Itoa(i) + "]"
				cn, _, err := p.node(cp, c, false)
				if err != nil {
					return nil, "", err
				}
				t, isText := cn.(*Text)
				if isText {
					if err := p.checkText(cp, t, prevText); err != nil {
						return nil, "", err
					}
				}
				if err := p.checkNested(cp, cn); err != nil {
					return nil, "", err
				}
				prevText = isText && !t.CDATA
				e.Children = append(e.Children, cn)
			}
		}
		e.Empty = children == nil // "children": [] is <a></a>
		allowed = "ns prefix name attrs children"
		n = e
	case "text":
		n = &Text{Data: text, CDATA: cdata}
		allowed = "text cdata"
	case "comment":
		if err := p.checkComment(path, text); err != nil {
			return nil, "", err
		}
		n = &Comment{Data: text}
		allowed = "text"
	case "pi":
		if !hasTarget || target == "" {
			return nil, "", p.errf(path, `missing "target"`)
		}
		pi := &ProcInst{Target: target, Inst: text}
		if err := p.checkPI(path, pi, p.declOK); err != nil {
			return nil, "", err
		}
		n = pi
		allowed = "target text"
	case "directive":
		if !p.doctypeOK {
			return nil, "", p.errf(path, "a directive (DOCTYPE) may only stand in the prolog")
		}
		if err := p.checkDirective(path, text); err != nil {
			return nil, "", err
		}
		n = &Directive{Data: text}
		allowed = "text"
	default:
		return nil, "", p.errf(path+".type", "must be element, text, comment, pi or directive")
	}
	_ = hasText
	for _, m := range v.obj {
		switch m.k {
		case "type", "slot", "ws":
			continue
		}
		if !strings.Contains(" "+allowed+" ", " "+m.k+" ") {
			return nil, "", p.errf(path+"."+m.k, "unknown key")
		}
	}
	return n, ws, nil
}

func slotOf(v *jv) int {
	if s := v.get("slot"); s != nil {
		if i, err := strconv.Atoi(s.s); err == nil {
			return i
		}
	}
	return -1
}

// typed fills m from the JSON object v. record marks an AdminData record, whose layout may
// carry "ws" and "before".
func (p *jparser) typed(m model, v *jv, path string, version Version, record bool) (*recHead, error) {
	sp13 := m.spec(V13)
	keys := jsonKeys[sp13.name]
	x := m.ext()
	var layout *jv
	var present []int // attribute fields given, also when empty
	for _, mb := range v.obj {
		k, val := mb.k, mb.v
		kp := func() string { return path + "." + k }
		switch k {
		case "attrs":
			attrs, err := p.attrs(kp(), val)
			if err != nil {
				return nil, err
			}
			sp := m.spec(version)
			for i, a := range attrs {
				if _, std := sp.attr(a.Space, a.Local); std {
					return nil, p.errf(kp()+"["+strconv.Itoa(i)+"]", "is a standard attribute: give it by its key")
				}
			}
			x.Attrs = attrs
			continue
		case "nodes":
			if val.kind != '[' {
				return nil, p.errf(kp(), "must be an array")
			}
			for i, nv := range val.arr {
				n, _, err := p.node(kp()+"["+strconv.Itoa(i)+"]", nv, sp13.name == "AdminData")
				if err != nil {
					return nil, err
				}
				x.Nodes = append(x.Nodes, n)
				if slot := slotOf(nv); slot >= 0 {
					if x.slots == nil {
						x.slots = make(map[Node]int)
					}
					x.slots[n] = slot
				}
			}
			continue
		case "layout":
			if val.kind != '{' {
				return nil, p.errf(kp(), "must be an object")
			}
			layout = val
			continue
		}
		var key *jkey
		for i := range keys {
			if keys[i].key == k {
				key = &keys[i]
			}
		}
		if key == nil {
			return nil, p.errf(kp(), "unknown key")
		}
		if key.attr {
			s, err := p.strf(kp, val)
			if err != nil {
				return nil, err
			}
			*m.attrPtr(key.field) = s
			present = append(present, key.field)
			continue
		}
		switch key.kind {
		case kText:
			s, err := p.strf(kp, val)
			if err != nil {
				return nil, err
			}
			*m.textPtr(key.field) = s
			if s == "" {
				x.present |= 1 << uint(key.field)
			}
		case kTexts:
			if val.kind != '[' {
				return nil, p.errf(kp(), "must be an array of strings")
			}
			ps := m.textsPtr(key.field)
			for i, e := range val.arr {
				s, err := p.strf(func() string { return kp() + "[" + strconv.Itoa(i) + "]" }, e)
				if err != nil {
					return nil, err
				}
				*ps = append(*ps, s)
			}
		case kOne:
			if val.kind != '{' {
				return nil, p.errf(kp(), "must be an object")
			}
			if _, err := p.typed(m.oneNew(key.field), val, kp(), version, false); err != nil {
				return nil, err
			}
		case kMany:
			if val.kind != '[' {
				return nil, p.errf(kp(), "must be an array")
			}
			for i, e := range val.arr {
				ip := kp() + "[" + strconv.Itoa(i) + "]"
				if e.kind != '{' {
					return nil, p.errf(ip, "must be an object")
				}
				if _, err := p.typed(m.manyNew(key.field), e, ip, version, false); err != nil {
					return nil, err
				}
			}
		case kElems:
			if val.kind != '[' {
				return nil, p.errf(kp(), "must be an array")
			}
			ps := m.elemsPtr(key.field)
			for i, e := range val.arr {
				ip := kp() + "[" + strconv.Itoa(i) + "]"
				n, _, err := p.node(ip, e, false)
				if err != nil {
					return nil, err
				}
				el, ok := n.(*Element)
				if !ok {
					return nil, p.errf(ip, "must be an element")
				}
				*ps = append(*ps, el)
			}
		}
	}
	if layout == nil {
		return nil, nil
	}
	return p.layout(m, layout, path+".layout", version, present, record)
}

// layout rebuilds the source layout of m from its "layout" member.
func (p *jparser) layout(m model, v *jv, path string, version Version, present []int, record bool) (*recHead, error) {
	x := m.ext()
	sp := m.spec(version)
	keys := jsonKeys[m.spec(V13).name]
	src := &source{sp: sp}
	var order []Attr
	if o := v.get("attrOrder"); o != nil {
		// The attributes in the order the source had them.
		op := path + ".attrOrder"
		if o.kind != '[' {
			return nil, p.errf(op, "must be an array")
		}
		usedStd, usedExt := map[int]bool{}, map[int]bool{}
		for i, e := range o.arr {
			ip := func() string { return op + "[" + strconv.Itoa(i) + "]" }
			k, err := p.strf(ip, e)
			if err != nil {
				return nil, err
			}
			if strings.HasPrefix(k, "attrs[") && strings.HasSuffix(k, "]") {
				n, err := strconv.Atoi(k[6 : len(k)-1])
				if err != nil || n < 0 || n >= len(x.Attrs) || usedExt[n] {
					return nil, p.errf(ip(), "must name each attribute given once")
				}
				usedExt[n] = true
				order = append(order, x.Attrs[n])
				continue
			}
			f := -1
			for _, jk := range keys {
				if jk.attr && jk.key == k {
					f = jk.field
				}
			}
			if f < 0 || !slices.Contains(present, f) || usedStd[f] {
				return nil, p.errf(ip(), "must name each attribute given once")
			}
			usedStd[f] = true
			for _, as := range sp.attrs {
				if as.field == f {
					order = append(order, Attr{Name: Name{Space: as.space, Local: as.name}, Value: *m.attrPtr(f)})
				}
			}
		}
		for _, f := range present {
			if !usedStd[f] {
				for _, as := range sp.attrs {
					if as.field == f {
						order = append(order, Attr{Name: Name{Space: as.space, Local: as.name}, Value: *m.attrPtr(f)})
					}
				}
			}
		}
		for i, a := range x.Attrs {
			if !usedExt[i] {
				order = append(order, a)
			}
		}
		src.attrs = order
	} else {
		// Made at its size: grown by appending, the list of a user's nine attributes was
		// four arrays.
		n := len(x.Attrs)
		for _, f := range present {
			for _, as := range sp.attrs {
				if as.field == f {
					n++
				}
			}
		}
		if n > 0 {
			src.attrs = make([]Attr, 0, n)
		}
		for _, f := range present {
			for _, as := range sp.attrs {
				if as.field == f {
					src.attrs = append(src.attrs, Attr{Name: Name{Space: as.space, Local: as.name}, Value: *m.attrPtr(f)})
				}
			}
		}
		src.attrs = append(src.attrs, x.Attrs...)
	}
	// The record's head is a value here, copied out for a record only: nested values
	// (a user's addresses, its location references) allocated one each for nothing.
	var rh recHead
	hasRH := false
	for _, mb := range v.obj {
		kp := func() string { return path + "." + mb.k }
		switch mb.k {
		case "ws", "before":
			if !record {
				return nil, p.errf(kp(), "unknown key")
			}
			hasRH = true
			if mb.k == "before" {
				ns, err := p.nodeList(kp(), mb.v)
				if err != nil {
					return nil, err
				}
				rh.before = ns
				continue
			}
			s, err := p.wsf(kp, mb.v)
			if err != nil {
				return nil, err
			}
			rh.ws = s
		case "attrOrder":
		case "prefix":
			s, err := p.strf(kp, mb.v)
			if err != nil {
				return nil, err
			}
			if !isNCName(s) || s == "xmlns" || s == "xml" {
				return nil, p.errf(kp(), "is not a prefix an ODM element can have")
			}
			src.prefix = s
		case "empty":
			if mb.v.kind != 'b' {
				return nil, p.errf(kp(), "must be a boolean")
			}
			src.empty = mb.v.b
		case "trail":
			s, err := p.wsf(kp, mb.v)
			if err != nil {
				return nil, err
			}
			src.trail = s
		case "children":
			if mb.v.kind != '[' {
				return nil, p.errf(kp(), "must be an array")
			}
			var occ [64]int32
			used := make(map[int]bool)
			std := int32(0)
			lay := p.raw[:0]
			p.raw = nil // a layout read meanwhile has room of its own
			for i, c := range mb.v.arr {
				cp := func() string { return kp() + "[" + strconv.Itoa(i) + "]" }
				if c.kind != '{' {
					return nil, p.errf(cp(), "must be an object")
				}
				var en rawEntry
				var key string
				node := -1
				var content, element *jv
				for _, cm := range c.obj {
					ckp := func() string { return cp() + "." + cm.k }
					switch cm.k {
					case "ws":
						s, err := p.wsf(ckp, cm.v)
						if err != nil {
							return nil, err
						}
						en.ws = s
					case "key":
						s, err := p.strf(ckp, cm.v)
						if err != nil {
							return nil, err
						}
						key = s
					case "empty":
						if cm.v.kind != 'b' {
							return nil, p.errf(ckp(), "must be a boolean")
						}
						en.empty = cm.v.b
					case "element":
						element = cm.v
					case "node":
						n, err := strconv.Atoi(cm.v.s)
						if cm.v.kind != 'n' || err != nil || n < 0 || n >= len(x.Nodes) {
							return nil, p.errf(ckp(), "must be the index of one of the value's nodes")
						}
						if used[n] {
							return nil, p.errf(ckp(), "names a node already placed")
						}
						used[n] = true
						node = n
					case "content":
						content = cm.v
					default:
						return nil, p.errf(ckp(), "unknown key")
					}
				}
				switch {
				case key != "" && node < 0 && content == nil:
					var k *jkey
					for j := range keys {
						if !keys[j].attr && keys[j].key == key {
							k = &keys[j]
						}
					}
					if k == nil {
						return nil, p.errf(cp()+".key", "names no child of "+m.spec(V13).name)
					}
					en.kind, en.field, en.item = eField, uint8(k.field), occ[k.field]
					occ[k.field]++
					std++
					switch k.kind {
					case kText:
						en.text = *m.textPtr(k.field)
					case kTexts:
						if vs := *m.textsPtr(k.field); int(en.item) < len(vs) {
							en.text = vs[en.item]
						}
					}
					if element != nil {
						if k.kind != kText && k.kind != kTexts {
							return nil, p.errf(cp()+".element", "only text children carry an element")
						}
						n, _, err := p.node(cp()+".element", element, false)
						if err != nil {
							return nil, err
						}
						el, ok := n.(*Element)
						if !ok {
							return nil, p.errf(cp()+".element", "must be an element")
						}
						if len(el.Children) > 0 {
							en.mixed, en.text = true, el.Text()
							el.Empty = en.empty
						}
						en.node = el
					}
				case key == "" && node >= 0 && content == nil && element == nil:
					en.kind, en.node, en.item = eExt, x.Nodes[node], std
				case key == "" && node < 0 && content != nil && element == nil:
					n, _, err := p.node(cp()+".content", content, false)
					if err != nil {
						return nil, err
					}
					en.kind, en.node, en.item = eExt, n, std
				default:
					return nil, p.errf(cp(), `needs one of "key", "node" or "content"`)
				}
				lay = append(lay, en)
			}
			p.ents, p.packed = src.setLayout(lay, p.ents, p.packed)
			clear(lay)
			p.raw = lay[:0]
		default:
			return nil, p.errf(kp(), "unknown key")
		}
	}
	x.src = src
	if !record {
		return nil, nil
	}
	_ = hasRH
	out := rh
	return &out, nil
}
