package odm

import (
	"bufio"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/odmadmin/odmadmin/internal/nsscope"
)

// WriteOptions configure encoding. The zero value is ready to use.
type WriteOptions struct {
	// Indent is the indentation unit for elements the encoder lays out itself (values built
	// in code, or read from JSON without a layout). Elements read from XML keep their own
	// white space.
	// Default (""): two spaces.
	Indent string
	// Compact writes elements the encoder lays out without any white space between them.
	Compact bool
	// AllowDrop writes a document even when some of its values cannot be written in its
	// ODM version (an Email on an ODM 2.0 User, a second StreetName in 2.0, a
	// LocationType in 2.0, an Organization in 1.3, ...): they are left out and reported
	// by Warnings. By default such a write fails with a *DropError listing them.
	AllowDrop bool
	// Strict stops at the first value that cannot be written (a *DropError naming it)
	// instead of listing them all at the end. It has no effect with AllowDrop.
	Strict bool
	// MaxWarnings limits the warnings kept (Warnings), as ReadOptions.MaxWarnings does
	// for a read: past it, one warning counts the rest (Error.More). Default (0):
	// DefaultMaxWarnings. Negative: every warning is kept.
	MaxWarnings int
}

// DropError is returned by Encode, Document.WriteFile, Writer and Transform when values
// set in the document cannot be written in its ODM version and would be lost. Each entry
// of Dropped names one value by element and attribute (never by content) with the
// position it was read from, if any. It wraps ErrUnrepresentable. Set
// WriteOptions.AllowDrop to write without them.
type DropError struct {
	Version Version
	// Dropped lists the first values that cannot be written (at most 100).
	Dropped []*Error
	// Count is the number of values that cannot be written.
	Count int
}

// maxDropsListed bounds DropError.Dropped: a large export with one such value per user
// must not hold them all.
const maxDropsListed = 100

func (e *DropError) Error() string {
	var b strings.Builder
	b.WriteString("odm: ")
	b.WriteString(strconv.Itoa(e.Count))
	b.WriteString(" values cannot be written in ODM ")
	b.WriteString(string(e.Version))
	b.WriteString(" and would be lost (WriteOptions.AllowDrop writes without them): ")
	for i, d := range e.Dropped {
		if i == 3 {
			b.WriteString(", ...")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(d.Msg)
		if d.Line > 0 {
			b.WriteString(" (line " + strconv.Itoa(d.Line) + ")")
		}
	}
	return b.String()
}

func (e *DropError) Unwrap() error { return ErrUnrepresentable }

func (o WriteOptions) indent() string {
	switch {
	case o.Compact:
		return ""
	case o.Indent == "":
		return "  "
	}
	return o.Indent
}

// Encoder writes documents. Create one with NewEncoder.
type Encoder struct {
	x *xw
}

// NewEncoder returns an Encoder writing to w.
func NewEncoder(w io.Writer, opts WriteOptions) *Encoder {
	return &Encoder{x: newXW(w, opts)}
}

// Warnings returns what the last Encode could not represent and left out.
func (e *Encoder) Warnings() []*Error { return e.x.warnings }

// Encode writes doc. Parts read from XML and not changed are written as they were read
// (see the package documentation for the few lexical normalizations); changed typed
// fields are written in place; new values are laid out in schema order.
func (e *Encoder) Encode(doc *Document) error {
	x := e.x
	defer x.handOff()
	x.warnings, x.drops, x.wbound = nil, nil, warnBound{}
	if doc == nil || doc.Root == nil {
		return &Error{Err: ErrUnrepresentable, Msg: "the document has no root element"}
	}
	x.setVersion(doc.Version)
	x.rootNamespace(doc.Root)
	x.prolog(doc.Prolog)
	x.element(doc.Root, "")
	for _, n := range doc.Epilog {
		x.node(n, "")
	}
	return x.flush()
}

// Encode writes doc to w with the given options.
func Encode(w io.Writer, doc *Document, opts WriteOptions) error {
	return NewEncoder(w, opts).Encode(doc)
}

// WriteFile writes doc to path atomically: it writes a temporary file in the same
// directory and renames it over path only when everything succeeded.
func (d *Document) WriteFile(path string, opts WriteOptions) error {
	return writeFileAtomic(path, func(w io.Writer) error { return Encode(w, d, opts) })
}

func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// CreateTemp makes the file 0600; give the result the mode a plain create would, or
	// the mode of the file it replaces.
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err = tmp.Chmod(mode); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(tmp, 64<<10)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// xw is the XML writer shared by Encoder and Writer. It keeps namespace scope so that every
// prefix it writes is declared, declaring one where a value built in code needs it.
//
// It writes into its own buffer and hands it to w in large pieces: a file of a million
// users is millions of small strings, and a call per string through bufio would cost more
// than the copying.
type xw struct {
	w   io.Writer
	bw  *bufio.Writer // w when the caller gave a *bufio.Writer: flushed with the output
	buf []byte
	err error
	// failing and failPath: see failedIn.
	failing  bool
	failPath []string
	// scope holds the namespace bindings in force; marks[i] is where the bindings of the
	// i-th open element start.
	scope    []nsBinding
	marks    []int
	opts     WriteOptions
	unit     string
	version  Version
	odmNS    string
	warnings []*Error
	wbound   warnBound // keeps warnings within WriteOptions.MaxWarnings
	gen      int
	// drops holds the values left out since the last report (see DropError).
	drops *DropError
	// lines counts the lines written, when JSONToODM records JSONPositions; else nil.
	lines *lineTally
	// qnames caches qualified names (prefix:local) so that a prefixed name written for
	// every record (pf:GroupRef) is not built again each time.
	qnames [8]qname
	qnext  int
	// attrs and plans are scratch space reused from one element to the next: attrs for
	// the attributes of the typed element being started, plans per nesting level.
	attrs []Attr
	plans [][]planItem
	depth int
	// nls caches the last two childNL: a record's children and theirs alternate.
	nls [2]struct{ in, out string }
	// scopeGen counts the changes of scope; bound caches a few prefixes found bound to
	// a namespace (see inScope) while scope is as it was then (gen).
	scopeGen  int
	bound     [2]boundPrefix
	boundNext int
	// scopeIdx indexes scope by prefix, in use while it holds more than nsscope.At
	// bindings (see lookup).
	scopeIdx nsscope.Index
	// steps counts the bindings lookup compared (tests bound the work with it).
	steps int
	// names are names found valid (nameOK); place is where in the document the writer
	// is, for what may stand there (placeInside, placeDecl, placeProlog).
	names [nameSlots]checkedName
	place int
}

// boundPrefix records that prefix was bound to space when scope was at generation gen.
type boundPrefix struct {
	prefix, space string
	gen           int
}

type qname struct{ prefix, local, qn string }

// xwBuffer is the size of the pieces handed to the underlying writer.
const xwBuffer = 64 << 10

func newXW(w io.Writer, opts WriteOptions) *xw {
	bw, _ := w.(*bufio.Writer)
	return &xw{w: w, bw: bw, buf: make([]byte, 0, xwBuffer+4<<10), opts: opts, unit: opts.indent()}
}

func (x *xw) setVersion(v Version) {
	if v == "" {
		v = V13
	}
	x.version, x.odmNS = v, v.Namespace()
	if x.odmNS == "" {
		x.fail("unknown ODM version " + strconv.Quote(string(v)) + " (want 1.2, 1.3 or 2.0)")
	}
}

// orChars is msg, or when it is empty, what else made a value unwritable: its characters.
func orChars(msg string) string {
	if msg == "" {
		return "holds a control character, a byte that is not UTF-8 or a non-character"
	}
	return msg
}

// prolog writes the nodes before the root element: the XML declaration may only be the
// first, a DOCTYPE only stand here.
func (x *xw) prolog(nodes []Node) {
	for i, n := range nodes {
		x.place = placeProlog
		if i == 0 {
			x.place = placeDecl
		}
		x.node(n, "")
	}
	x.place = placeInside
}

// flush writes out what is buffered. It reports the values left out since the last
// report, so that no write that dropped a value ends without an error.
func (x *xw) flush() error {
	if x.err != nil {
		x.handOff()
		return x.err
	}
	x.spill()
	if x.err == nil && x.bw != nil {
		x.err = x.bw.Flush()
	}
	if x.err != nil {
		return x.err
	}
	return x.dropped()
}

// handOff gives what is buffered to the caller's *bufio.Writer, also after an error: the
// caller holds its buffer and may flush the output written so far (the CLI does so on
// stdout), as it could when the writer wrote into that buffer directly. Each public
// entry point calls it when it returns.
func (x *xw) handOff() {
	if x.bw != nil && x.lines != nil {
		x.lines.handedOn(x.buf)
	}
	if x.bw != nil && len(x.buf) > 0 {
		_, err := x.bw.Write(x.buf)
		if x.err == nil {
			x.err = err
		}
	}
	if x.bw != nil {
		x.buf = x.buf[:0]
	}
}

// spill hands the buffered output to w.
func (x *xw) spill() {
	if x.lines != nil {
		x.lines.handedOn(x.buf)
	}
	if x.err == nil && len(x.buf) > 0 {
		_, x.err = x.w.Write(x.buf)
	}
	x.buf = x.buf[:0]
}

// dropped returns, and forgets, the values left out since the last call.
func (x *xw) dropped() error {
	if d := x.drops; d != nil {
		x.drops = nil
		return d
	}
	return nil
}

func (x *xw) str(s string) {
	if x.err != nil {
		return
	}
	x.buf = append(x.buf, s...)
	if len(x.buf) >= xwBuffer {
		x.spill()
	}
}

// bytes writes b as it is (input bytes copied, see Transform's AsRead).
func (x *xw) bytes(b []byte) {
	if x.err != nil {
		return
	}
	x.buf = append(x.buf, b...)
	if len(x.buf) >= xwBuffer {
		x.spill()
	}
}

// attrName writes ` prefix:local="` (` local="` without a prefix) in one step.
func (x *xw) attrName(prefix, local string) {
	if x.err != nil {
		return
	}
	b := append(x.buf, ' ')
	if prefix != "" {
		b = append(append(b, prefix...), ':')
	}
	x.buf = append(append(b, local...), '=', '"')
	if len(x.buf) >= xwBuffer {
		x.spill()
	}
}

// str2 writes a and b, as str(a + b) would without building the string.
func (x *xw) str2(a, b string) {
	if x.err != nil {
		return
	}
	x.buf = append(append(x.buf, a...), b...)
	if len(x.buf) >= xwBuffer {
		x.spill()
	}
}

func (x *xw) fail(msg string) { x.failWith(ErrUnrepresentable, msg) }

// failWith is fail with the sentinel err (ErrUnwritable for a value XML cannot hold).
func (x *xw) failWith(err error, msg string) {
	if x.err == nil {
		x.err = &Error{Err: err, Msg: msg}
		x.failing, x.failPath = true, x.failPath[:0]
	}
}

// failedIn notes, while the typed encoder returns through a value that could not be
// written (fail), the element or attribute it was in: innermost first. The record it is in
// names them all (failedRecord).
func (x *xw) failedIn(name string) {
	if x.failing {
		x.failPath = append(x.failPath, name)
	}
}

// failedRecord completes the error of a value of the record m that could not be written:
// "User amorel: Address/City: control character 1 cannot be written in XML", placed at
// the record's start tag when it was read from a file. A value built in code or read from
// JSON has no place in a file, and the message alone would leave the caller to search
// every record for it.
func (x *xw) failedRecord(m model, sp *spec) {
	if !x.failing {
		return
	}
	x.failing = false
	e, ok := x.err.(*Error)
	if !ok {
		return
	}
	where := sp.name
	for _, as := range sp.attrs {
		if as.name == "OID" {
			if oid := *m.attrPtr(as.field); oid != "" && writable(oid) {
				where += " " + oid
			}
		}
	}
	if len(x.failPath) > 1 {
		path := slices.Clone(x.failPath[:len(x.failPath)-1])
		slices.Reverse(path)
		where += ": " + strings.Join(path, "/")
	}
	e.Msg = where + ": " + e.Msg
	if ext := m.ext(); e.Line == 0 && ext.Line > 0 {
		e.Line, e.Col = ext.Line, ext.Col
	}
}

// writable reports whether s can be written in XML: UTF-8 without the control characters
// and non-characters XML 1.0 excludes (what escape fails on).
func writable(s string) bool {
	for _, r := range s {
		if r == 0xFFFE || r == 0xFFFF || (r < 0x20 && r != '\t' && r != '\n' && r != '\r') {
			return false
		}
	}
	return utf8.ValidString(s)
}

// unrepresentable records a value the target version cannot hold.
func (x *xw) unrepresentable(line, col int, msg string) {
	e := &Error{Line: line, Col: col, Err: ErrUnrepresentable, Msg: msg}
	if x.wbound.keep(&x.warnings, e, resolveMaxWarnings(x.opts.MaxWarnings)) {
		x.warnings = append(x.warnings, e)
	}
	if x.opts.AllowDrop {
		return
	}
	if x.drops == nil {
		x.drops = &DropError{Version: x.version}
	}
	x.drops.Count++
	if len(x.drops.Dropped) < maxDropsListed {
		x.drops.Dropped = append(x.drops.Dropped, e)
	}
	if x.opts.Strict && x.err == nil {
		x.err = x.drops
		x.drops = nil
	}
}

// escText and escAttr mark the ASCII bytes escape cannot copy as they are, in text and in a
// double-quoted attribute value: the ones it escapes and the control characters it
// refuses. Bytes from 0x80 up are checked as UTF-8 apart.
var escText, escAttr = func() (t, a [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c], a[c] = c != '\t' && c != '\n', true
	}
	for _, c := range "&<" {
		t[c], a[c] = true, true
	}
	t['>'], a['"'] = true, true
	for c := 0x80; c < 0x100; c++ {
		t[c], a[c] = true, true
	}
	return t, a
}()

const (
	lsb8 = 0x0101010101010101
	msb8 = 0x8080808080808080
)

// xmlSpecial reports whether one of the 8 bytes of w (little-endian) may need escaping or
// checking in text or an attribute value: a control character, '&', '<', '>', '"' or a
// byte from 0x80 up. It may report a byte that does not (escape then looks byte by byte),
// never miss one.
func xmlSpecial(w uint64) bool {
	ctl := (w - 0x20*lsb8) &^ w
	amp := w ^ '&'*lsb8
	lt := w ^ '<'*lsb8
	gt := w ^ '>'*lsb8
	qt := w ^ '"'*lsb8
	z := ((amp - lsb8) &^ amp) | ((lt - lsb8) &^ lt) | ((gt - lsb8) &^ gt) | ((qt - lsb8) &^ qt)
	return (w|ctl|z)&msb8 != 0
}

// escape writes s escaped for text (attr false) or a double-quoted attribute value. It
// refuses characters XML cannot carry, which can only come from values set in code.
//
// Values are mostly plain: runs that need nothing are found 8 bytes at a time and copied
// in one piece.
func (x *xw) escape(s string, attr bool) {
	if x.err != nil {
		return
	}
	tab := &escText
	if attr {
		tab = &escAttr
	}
	// The fast path: room for s is made once and s is checked and copied 8 bytes at a
	// time (most values are short: a call to copy each would cost more than the copy).
	// At the first byte that needs a look, escapeFrom goes on from there; what was
	// copied is only past the buffer's end until then.
	b := x.buf
	n := len(b)
	if cap(b)-n < len(s) {
		b = slices.Grow(b, len(s))
	}
	d := b[n : n+len(s)]
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		v := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		if xmlSpecial(v) {
			x.escapeFrom(b, s, i, tab)
			return
		}
		binary.LittleEndian.PutUint64(d[i:i+8], v)
	}
	for ; i < len(s); i++ {
		c := s[i]
		if tab[c] {
			x.escapeFrom(b, s, i, tab)
			return
		}
		d[i] = c
	}
	x.buf = b[:n+len(s)]
	if len(x.buf) >= xwBuffer {
		x.spill()
	}
}

// escapeFrom is escape from s[i] on, s[:i] being plain: b is the buffer without s.
func (x *xw) escapeFrom(b []byte, s string, i int, tab *[256]bool) {
	last := 0
	for i < len(s) {
		for i+8 <= len(s) && !xmlSpecial(uint64(s[i])|uint64(s[i+1])<<8|uint64(s[i+2])<<16|uint64(s[i+3])<<24|
			uint64(s[i+4])<<32|uint64(s[i+5])<<40|uint64(s[i+6])<<48|uint64(s[i+7])<<56) {
			i += 8
		}
		for i < len(s) && !tab[s[i]] {
			i++
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			var esc string
			switch c {
			case '&':
				esc = "&amp;"
			case '<':
				esc = "&lt;"
			case '>':
				esc = "&gt;"
			case '"':
				esc = "&quot;"
			case '\t':
				esc = "&#9;"
			case '\n':
				esc = "&#10;"
			case '\r':
				esc = "&#13;"
			default:
				x.buf = b
				x.failWith(ErrUnwritable, "control character "+strconv.Itoa(int(c)))
				return
			}
			b = append(append(b, s[last:i]...), esc...)
			i++
			last = i
			continue
		}
		// Well-formed 2- and 3-byte sequences are checked in place; E0, ED (narrower
		// second byte) and EF BF BE/BF (U+FFFE, U+FFFF) take the long way.
		if c >= 0xC2 && c <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
			i += 2
			continue
		}
		if (c >= 0xE1 && c <= 0xEC || c == 0xEE || c == 0xEF) && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 &&
			(c != 0xEF || s[i+1] != 0xBF || s[i+2]&0xFE != 0xBE) {
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || r == 0xFFFE || r == 0xFFFF {
			x.buf = b
			x.failWith(ErrUnwritable, "invalid UTF-8 or a non-character")
			return
		}
		i += n
	}
	x.buf = append(b, s[last:]...)
	if len(x.buf) >= xwBuffer {
		x.spill()
	}
}

// inScope reports whether prefix is bound to space, as lookup would: a file writes the
// same prefix and namespace on every record, and comparing a namespace URI found in scope
// with one read from a value costs more than the look-up, so the answer is kept until
// scope changes. The comparisons here are mostly pointer compares of shared strings.
func (x *xw) inScope(prefix, space string) bool {
	for i := range x.bound {
		if b := &x.bound[i]; b.gen == x.scopeGen && b.prefix == prefix && b.space == space {
			return true
		}
	}
	if u, ok := x.lookup(prefix); !ok || u != space {
		return false
	}
	x.bound[x.boundNext] = boundPrefix{prefix, space, x.scopeGen}
	x.boundNext = (x.boundNext + 1) % len(x.bound)
	return true
}

// bind adds a namespace binding to scope.
func (x *xw) bind(b nsBinding) {
	x.scope = append(x.scope, b)
	x.scopeGen++
	if len(x.scope) > nsscope.At {
		x.indexLast()
	}
}

// indexLast adds the last binding to the index (nsscope: built afresh when the scope
// grows past nsscope.At).
//
//go:noinline // rare: kept out of bind
func (x *xw) indexLast() {
	x.scopeIdx.Grow(len(x.scope), func(i int) string { return x.scope[i].prefix })
}

// unbind ends the scope of the bindings from scope[mark] on.
//
//go:noinline // rare (an element that declares a namespace): kept out of pop
func (x *xw) unbind(mark int) {
	x.scopeIdx.Shrink(mark, len(x.scope), func(i int) string { return x.scope[i].prefix })
	x.scope = x.scope[:mark]
	x.scopeGen++
}

func (x *xw) lookup(prefix string) (string, bool) {
	if prefix == "xml" {
		return NSXML, true
	}
	if len(x.scope) > nsscope.At {
		return x.lookupIndex(prefix)
	}
	for i := len(x.scope) - 1; i >= 0; i-- {
		if x.scope[i].prefix == prefix {
			x.steps += len(x.scope) - i
			return x.scope[i].uri, true
		}
	}
	x.steps += len(x.scope)
	return "", prefix == ""
}

// lookupIndex is lookup through the index.
//
//go:noinline // rare: kept out of lookup
func (x *xw) lookupIndex(prefix string) (string, bool) {
	x.steps++
	if i, ok := x.scopeIdx.Find(prefix); ok {
		return x.scope[i].uri, true
	}
	return "", prefix == ""
}

// prefixFor finds a prefix bound to uri in scope (the default namespace only if allowDefault).
func (x *xw) prefixFor(uri string, allowDefault bool) (string, bool) {
	if uri == NSXML {
		return "xml", true
	}
	for i := len(x.scope) - 1; i >= 0; i-- {
		b := x.scope[i]
		if b.uri != uri || (b.prefix == "" && !allowDefault) {
			continue
		}
		if u, _ := x.lookup(b.prefix); u == uri {
			return b.prefix, true
		}
	}
	return "", false
}

// startTag writes "<name attrs" (without the closing ">") and returns the name as written.
// It declares any prefix the element or its attributes need that is not in scope.
func (x *xw) startTag(name Name, attrs []Attr) string {
	if !x.attrsOK(attrs) {
		// Nothing more is written (x.err is set); the element's end tag pops this.
		x.marks = append(x.marks, len(x.scope))
		return name.Local
	}
	mark := len(x.scope)
	x.marks = append(x.marks, mark)
	for _, a := range attrs {
		if a.IsNamespaceDecl() {
			p := a.Local
			if a.Prefix == "" {
				p = ""
			}
			x.bind(nsBinding{p, a.Value})
		}
	}
	// Bindings from here on are the ones startTag adds itself, written after the
	// element's own attributes.
	decls := len(x.scope)
	// The element's own name.
	qn := name.Local
	if x.inScope(name.Prefix, name.Space) {
		qn = x.qualified(name.Prefix, name.Local)
	} else if p, ok := x.prefixFor(name.Space, true); ok {
		if p != "" {
			qn = x.qualified(p, name.Local)
		}
	} else if name.Prefix == "" && !x.declaredSince(mark, "") {
		x.bind(nsBinding{"", name.Space})
	} else {
		qn = x.qualified(x.declare(mark, name.Prefix, name.Space), name.Local)
	}
	x.str2("<", qn)
	for _, a := range attrs {
		switch {
		case a.IsNamespaceDecl():
			if a.Prefix == "" {
				x.str(" xmlns")
			} else {
				x.str2(" xmlns:", a.Local)
			}
		case a.Space == "":
			x.attrName("", a.Local)
			x.escape(a.Value, true)
			x.str(`"`)
			continue
		default:
			p := a.Prefix
			if p == "" || !x.inScope(p, a.Space) {
				if q, ok := x.prefixFor(a.Space, false); ok {
					p = q
				} else {
					p = x.declare(mark, a.Prefix, a.Space)
				}
			}
			x.attrName(p, a.Local)
			x.escape(a.Value, true)
			x.str(`"`)
			continue
		}
		x.str(`="`)
		x.escape(a.Value, true)
		x.str(`"`)
	}
	for _, b := range x.scope[decls:] {
		if b.prefix == "" {
			x.str(` xmlns="`)
		} else {
			x.str2(" xmlns:", b.prefix)
			x.str(`="`)
		}
		x.escape(b.uri, true)
		x.str(`"`)
	}
	return qn
}

// declaredSince reports whether the element whose bindings start at scope[mark] binds prefix.
func (x *xw) declaredSince(mark int, prefix string) bool {
	for _, b := range x.scope[mark:] {
		if b.prefix == prefix {
			return true
		}
	}
	return false
}

// declare binds a prefix to uri on the element whose bindings start at scope[mark]: prefix
// itself if it is free, else a generated one, and returns it.
func (x *xw) declare(mark int, prefix, uri string) string {
	// A prefix bound in scope to another namespace is not rebound here: names of this
	// element already written with it would change namespace.
	_, bound := x.lookup(prefix)
	if prefix == "" || x.declaredSince(mark, prefix) || bound {
		for {
			x.gen++
			prefix = "ns" + strconv.Itoa(x.gen)
			if _, used := x.lookup(prefix); !used && !x.declaredSince(mark, prefix) {
				break
			}
		}
	}
	x.bind(nsBinding{prefix, uri})
	return prefix
}

// qualified returns "prefix:local" (local when prefix is empty), from a small cache.
func (x *xw) qualified(prefix, local string) string {
	if prefix == "" {
		return local
	}
	for i := range x.qnames {
		if q := &x.qnames[i]; q.local == local && q.prefix == prefix && q.qn != "" {
			return q.qn
		}
	}
	q := &x.qnames[x.qnext%len(x.qnames)]
	x.qnext++
	*q = qname{prefix, local, prefix + ":" + local}
	return q.qn
}

func (x *xw) endTag(qn string) {
	x.str2("</", qn)
	x.str(">")
	x.pop()
}

// end ends the element whose start tag (qn) is written but for its ">" when gt is
// false: as an empty-element tag when empty, else with ws before its end tag. It is for
// the streaming writers (Transform, the JSON reader), which learn only at the end tag
// whether an element had content.
func (x *xw) end(qn string, empty, gt bool, ws string) {
	if empty {
		x.str("/>")
		x.pop()
		return
	}
	if !gt {
		x.str(">")
	}
	x.str(ws)
	x.endTag(qn)
}

func (x *xw) pop() {
	if m := x.marks[len(x.marks)-1]; m != len(x.scope) {
		x.unbind(m)
	}
	x.marks = x.marks[:len(x.marks)-1]
}

var declEncodingAttr = regexp.MustCompile(`(\sencoding\s*=\s*)(["'])([^"']*)(["'])`)

// declaredUTF8 returns the XML declaration inst with its encoding saying UTF-8: the
// output is always UTF-8, whatever the input was. A declaration that names UTF-8 already
// keeps its spelling (utf-8, utf8), so a UTF-8 file is written back as it was read.
func declaredUTF8(inst string) string {
	m := declEncodingAttr.FindStringSubmatchIndex(inst)
	if m == nil {
		return inst
	}
	if label := inst[m[6]:m[7]]; strings.EqualFold(label, "utf-8") || strings.EqualFold(label, "utf8") {
		return inst
	}
	return inst[:m[6]] + "UTF-8" + inst[m[7]:]
}

// node writes any node; nl is the white space that precedes it, used to indent the inside
// of values the encoder lays out itself.
func (x *xw) node(n Node, nl string) {
	if isNilNode(n) {
		return // a nil entry in a list of nodes built in code: no value, nothing to write
	}
	switch n := n.(type) {
	case *Element:
		x.element(n, nl)
	case *Text:
		if n.CDATA {
			// "]]>" is split across two sections below; what no section can hold fails.
			if strings.ContainsRune(n.Data, '\r') || !writable(n.Data) {
				x.failWith(ErrUnwritable, "a CDATA section cannot hold a carriage return, a control character or a byte that is not UTF-8")
				return
			}
			x.str("<![CDATA[")
			x.str(strings.ReplaceAll(n.Data, "]]>", "]]]]><![CDATA[>"))
			x.str("]]>")
		} else {
			x.escape(n.Data, false)
		}
	case *Comment:
		if msg := commentProblem(n.Data); msg != "" || !writable(n.Data) {
			x.failWith(ErrUnwritable, orChars(msg))
			return
		}
		x.str("<!--")
		x.str(n.Data)
		x.str("-->")
	case *ProcInst:
		if _, msg := piProblem(n, x.place == placeDecl); msg != "" || !writable(n.Inst) {
			x.failWith(ErrUnwritable, "processing instruction: "+orChars(msg))
			return
		}
		inst := n.Inst
		if n.Target == "xml" {
			inst = declaredUTF8(inst)
		}
		x.str("<?")
		x.str(n.Target)
		if inst != "" {
			x.str(" ")
			x.str(inst)
		}
		x.str("?>")
	case *Directive:
		if x.place == placeInside {
			x.failWith(ErrUnwritable, "a DOCTYPE can only stand in the prolog, before the root element")
			return
		}
		if !writable(n.Data) || !doctypeReadsBack(n.Data) {
			x.failWith(ErrUnwritable, "a Directive must be one DOCTYPE declaration that XML reads back as written")
			return
		}
		x.str("<!")
		x.str(n.Data)
		x.str(">")
	case *AdminData:
		x.typed(n.model(), nl)
	case *User:
		x.typed(n.model(), nl)
	case *Location:
		x.typed(n.model(), nl)
	case *SignatureDef:
		x.typed(n.model(), nl)
	case *Organization:
		x.typed(n.model(), nl)
	case nil:
	default:
		x.fail("unsupported node type in document tree")
	}
}

// isNilNode reports whether n is nil or a nil pointer of one of the package's node types.
func isNilNode(n Node) bool {
	switch v := n.(type) {
	case nil:
		return true
	case *Element:
		return v == nil
	case *Text:
		return v == nil
	case *Comment:
		return v == nil
	case *ProcInst:
		return v == nil
	case *Directive:
		return v == nil
	case *AdminData:
		return v == nil
	case *User:
		return v == nil
	case *Location:
		return v == nil
	case *SignatureDef:
		return v == nil
	case *Organization:
		return v == nil
	}
	return false
}

// element writes a generic element with its subtree.
func (x *xw) element(e *Element, nl string) {
	if e == nil || !x.elementNameOK(e.Name) {
		return
	}
	qn := x.startTag(e.Name, e.Attrs)
	if len(e.Children) == 0 && e.Empty {
		x.str("/>")
		x.pop()
		return
	}
	x.str(">")
	ws := x.childNL(nl)
	for _, c := range e.Children {
		if t, ok := c.(*Text); ok && isBlank(t.Data) {
			ws = t.Data
		}
		x.node(c, ws)
	}
	x.endTag(qn)
}

// maxLayoutDepth is the deepest level the encoder indents a child it lays out itself
// (DefaultMaxDepth, the reader's default limit); deeper children are indented as at it.
const maxLayoutDepth = DefaultMaxDepth

// childNL is the white space before a child the encoder lays out inside an element
// preceded by nl.
func (x *xw) childNL(nl string) string {
	if x.unit == "" {
		return ""
	}
	line := "\n"
	if i := strings.LastIndexByte(nl, '\n'); i >= 0 {
		line = nl[i:]
	}
	// Past maxLayoutDepth levels the indentation stops growing: every level keeps its
	// children's white space while it writes them, so a string one unit longer at each
	// level made memory grow with the square of the depth (--max-depth -1).
	if len(line) > 1+maxLayoutDepth*len(x.unit) {
		return line
	}
	// The same indentation comes back for every record: build it once.
	for _, c := range x.nls {
		if c.in == line && c.out != "" {
			return c.out
		}
	}
	x.nls[1], x.nls[0] = x.nls[0], struct{ in, out string }{line, line + x.unit}
	return x.nls[0].out
}

func (x *xw) closeNL(nl string) string {
	if x.unit == "" {
		return ""
	}
	if i := strings.LastIndexByte(nl, '\n'); i >= 0 {
		return nl[i:]
	}
	return "\n"
}
