package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"

	inp "github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/odm"

	"github.com/odmadmin/odmadmin/internal/nsscope"
)

const queryHelp = `
Evaluates an XPath 1.0 expression over an ODM document (FILE, or stdin when FILE is
absent or "-") and prints the result: each matching node on its own line, as XML or
(--format text) as its string value; a number, string or boolean result as text.

Prefixes bound in the expression:
  odm          the document's own ODM namespace (that of its root element), so that
               //odm:User finds the users of ODM 1.3 and ODM 2.0 files alike (and of
               a file whose root is in no namespace, where odm is no namespace)
  pf           ` + odm.NSInForm + `
  mdsol        ` + odm.NSRave + `
  OpenClinica  ` + odm.NSOpenClinica + `
  --ns P=URI   binds more prefixes, or rebinds these (repeatable)
A prefixed wildcard matches every element or attribute of that namespace: //odm:* all
ODM elements, //@mdsol:* all Rave attributes.

An unprefixed name matches an element written without a prefix, by local name and in any
namespace, so //User works in the usual file whose ODM namespace is the default one. In a
file whose elements carry a prefix (<odm:ODM xmlns:odm="...">, <o:User>), an unprefixed
name matches nothing: use the bound prefix (//odm:User, which works in both kinds of file)
or //*[local-name()='User']. Prefixes of the file itself are not bound; only those above
and --ns are. Printed XML declares the namespaces it uses on each printed node.

The document is seen as XPath sees it, but for processing instructions, which the XPath
engine has no node type for: they are not seen (processing-instruction() is refused).

The input is checked against the reader's limits (--max-depth, --max-token, --max-nodes,
--max-attrs, --max-input) before a tree is built, so a hostile file is refused rather than exhausting memory or
the stack. A malformed expression is an error.

Memory: an expression about one record at a time, such as //odm:User[...]/odm:Email
or count(//odm:Location[...]) ("//" and an element name, then only steps and
predicates inside that element, no position on the first step), is evaluated record by
record (each outermost element of that name, with its ancestors' start tags), holding
one record. Any other expression builds a tree of the whole
document, about 14 times its size, and so is refused for inputs larger than --max-tree.
An evaluation that runs past --timeout is stopped. A per-record query prints each match
as it is found: if the input turns out malformed, or a limit or --timeout stops it part
way, the matches before that are on stdout ahead of the error (exit 2); with -o FILE,
a failed run leaves no file.

Exit status: 0 a result (a non-empty node set, or a number, string or boolean),
1 an empty node set, 2 error (bad expression, unreadable input).
`

// maxQueryDepth bounds --max-depth: the XPath engine and the tree builder recurse per
// level of nesting, so the query command never runs without a depth limit.
const maxQueryDepth = 10000

func runQuery(e *env, args []string) int {
	fs := newFlagSet(e, "query",
		"odmadmin query --xpath EXPR [--ns PREFIX=URI]... [--format xml|text] [-o OUT] [FILE]",
		"odmadmin query --format text --xpath '//odm:User/odm:LoginName' testdata/inform/htn-demo.xml\n"+
			"odmadmin query --xpath 'count(//odm:User)' testdata/odm2/demo-admin.xml")
	expr := fs.String("xpath", "", "the XPath 1.0 `EXPR`ession to evaluate")
	o := fs.outputFlags("xml", "text")
	var nsFlags nsList
	fs.Var(&nsFlags, "ns", "bind a namespace prefix: `PREFIX=URI` (repeatable)")
	lim := fs.limitFlags("maximum element nesting (1 to 10000)")
	maxTree := fs.Int64("max-tree", defaultMaxTree, "maximum input size in `bytes` for an expression that needs the whole document as a tree (0: no limit)")
	timeout := fs.Duration("timeout", 0, "stop an evaluation that runs longer than `DURATION` (0: 10s plus 2s per MB of input)")
	fs.setHelp(queryHelp)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	path, ok := inputPath(e, fs, "query", pos)
	if !ok {
		return 2
	}
	if *expr == "" {
		return usagef(e, "query", "--xpath is required")
	}
	if lim.depth < 1 || lim.depth > maxQueryDepth {
		return usagef(e, "query", "--max-depth must be between 1 and %d", maxQueryDepth)
	}
	if lim.token == 0 || lim.token < -1 {
		return usagef(e, "query", "--max-token must be positive, or -1 for no limit")
	}
	ns := map[string]string{"odm": odm.NS13, "pf": odm.NSInForm, "mdsol": odm.NSRave, "OpenClinica": odm.NSOpenClinica}
	userODM := false
	for _, b := range nsFlags {
		ns[b.prefix] = b.uri
		userODM = userODM || b.prefix == "odm"
	}
	// Check the expression before reading anything.
	if _, err := compileXPath(*expr, ns); err != nil {
		return fail(e, "query", err)
	}

	in, err := openInput(e, path)
	if err != nil {
		return fail(e, "query", err)
	}
	defer in.Close()
	opts := limited(e.context(), odm.ReadOptions{Name: in.Name, Context: e.context()})
	si, err := inp.New(in, in.Name, inp.Options{})
	if err != nil {
		return fail(e, "query", err)
	}
	if err := si.Expect(inp.ODM, inp.ODMJSON); err != nil {
		return fail(e, "query", err)
	}
	// The JSON form is converted to XML as it is read, so that a per-record query of it
	// holds one record as of the XML.
	xml, finish := odmStream(si, opts)
	defer finish(nil)
	if si.Kind == inp.ODM {
		// The tree builder reads UTF-8 and declared 8-bit charsets, not UTF-16.
		xml = si.XML()
	}
	bxml := bufio.NewReaderSize(xml, 64<<10)
	xml = bxml
	head, _ := bxml.Peek(512)
	if count, ok := recordPath(*expr); ok && utf8Input(head) {
		found := false
		err := writeOutput(e, o.out, func(w io.Writer) error {
			var err error
			found, err = streamQuery(w, xml, opts, *expr, ns, userODM, count, o.format == "text", *timeout)
			return finish(err)
		})
		if err != nil {
			return fail(e, "query", err)
		}
		if !found {
			return 1
		}
		return 0
	}
	data, root, err := readChecked(xml, opts, *maxTree)
	err = finish(err)
	if errors.Is(err, errTooBigForTree) {
		return fail(e, "query", fmt.Errorf("%s: the expression needs the whole document as a tree, and the input is larger than --max-tree (%d bytes); "+
			"ask per record (//odm:User[...], count(//odm:Location[...])) or raise --max-tree", in.Name, *maxTree))
	}
	if err != nil {
		return fail(e, "query", err)
	}
	if !userODM {
		// The root's namespace, none included: a root in no namespace, which the reader
		// takes as ODM with a warning, makes odm match elements in no namespace.
		ns["odm"] = root
	}
	x, err := compileXPath(*expr, ns)
	if err != nil {
		return fail(e, "query", err)
	}
	doc, err := xmlquery.Parse(bytes.NewReader(data))
	if err != nil {
		return fail(e, "query", fmt.Errorf("%s: %w", in.Name, err))
	}
	found := false
	err = writeOutput(e, o.out, func(w io.Writer) error {
		var err error
		var read atomic.Int64
		read.Store(int64(len(data)))
		found, err = evalXPath(w, x, doc, newQueryBudget(*timeout, &read), o.format == "text")
		return err
	})
	if err != nil {
		return fail(e, "query", err)
	}
	if !found {
		return 1
	}
	return 0
}

// nsBinding is one --ns flag.
type nsBinding struct{ prefix, uri string }

type nsList []nsBinding

func (l *nsList) String() string {
	var parts []string
	for _, b := range *l {
		parts = append(parts, b.prefix+"="+b.uri)
	}
	return strings.Join(parts, ",")
}

func (l *nsList) Set(s string) error {
	prefix, uri, ok := strings.Cut(s, "=")
	prefix, uri = strings.TrimSpace(prefix), strings.TrimSpace(uri)
	if !ok || uri == "" || !isNCName(prefix) || prefix == "xml" || prefix == "xmlns" {
		return fmt.Errorf("want PREFIX=URI with PREFIX a name other than xml and xmlns, not %q", s)
	}
	*l = append(*l, nsBinding{prefix, uri})
	return nil
}

// isNCName reports whether s is a name without a colon (ASCII subset of XML's NCName,
// plus any non-ASCII letter).
func isNCName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= 0x80:
		case i > 0 && (r == '-' || r == '.' || r >= '0' && r <= '9'):
		default:
			return false
		}
	}
	return true
}

// compileXPath compiles expr with the namespace bindings. The xpath package returns
// errors for malformed expressions; a panic inside it is turned into an error too, so
// that no expression can crash the command.
func compileXPath(expr string, ns map[string]string) (x *xpath.Expr, err error) {
	defer func() {
		if r := recover(); r != nil {
			x, err = nil, fmt.Errorf("invalid XPath expression %q: %v", expr, r)
		}
	}()
	if usesPITest(expr) {
		// The xpath package has no node type for them: processing-instruction() matched
		// elements. The navigator shows the evaluator no processing instruction.
		return nil, fmt.Errorf("invalid XPath expression %q: processing-instruction() is not supported (odmadmin's XPath sees elements, attributes, text and comments)", expr)
	}
	x, err = xpath.CompileWithNS(expandPrefixWildcards(expr, ns), ns)
	if err != nil {
		return nil, fmt.Errorf("invalid XPath expression %q: %v", expr, err)
	}
	return x, nil
}

// usesPITest reports whether expr has the node test processing-instruction(...) outside
// its string literals.
func usesPITest(expr string) bool {
	const name = "processing-instruction"
	for i := 0; i < len(expr); i++ {
		switch c := expr[i]; {
		case c == '"' || c == '\'':
			end := strings.IndexByte(expr[i+1:], c)
			if end < 0 {
				return false
			}
			i += end + 1
		case strings.HasPrefix(expr[i:], name) && (i == 0 || !isNameByte(expr[i-1]) && expr[i-1] != ':'):
			if rest := strings.TrimLeft(expr[i+len(name):], " \t\r\n"); strings.HasPrefix(rest, "(") {
				return true
			}
			i += len(name) - 1
		}
	}
	return false
}

// readChecked reads the whole input while the odm reader checks it, with the limits of
// opts, as ODM. It returns the bytes and the root element's namespace. Nothing builds a
// tree of the input before this pass has accepted it.
func readChecked(r io.Reader, opts odm.ReadOptions, maxTree int64) ([]byte, string, error) {
	var buf bytes.Buffer
	var sink io.Writer = &buf
	limited := &limitedBuffer{buf: &buf, max: maxTree}
	if maxTree > 0 {
		sink = limited
	}
	tooBig := func(err error) error {
		if limited.full {
			return errTooBigForTree
		}
		return err
	}
	// odm.Check reads the input as an odm.Reader does, with its limits, and gives its
	// verdict. The reader's warnings (quirks of the ODM model such as an empty Fax
	// element) are not listed: the query answers over the XML as written, never through
	// the model they are about, so they change no answer; "odmadmin check" lists them.
	h, err := odm.Check(io.TeeReader(r, sink), opts)
	if err != nil {
		return nil, "", tooBig(err)
	}
	// The reader stops at the end of the document; keep whatever follows for the parser
	// (it is only white space, comments or processing instructions, as the reader checked).
	if _, err := io.Copy(sink, r); err != nil {
		return nil, "", tooBig(err)
	}
	root := ""
	if h.Root != nil {
		root = h.Root.Space
	}
	return buf.Bytes(), root, nil
}

// limitedBuffer is a buffer that refuses to grow past max bytes.
type limitedBuffer struct {
	buf  *bytes.Buffer
	max  int64
	full bool // a write was refused (the reader reports it in its own words)
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if int64(l.buf.Len()+len(p)) > l.max {
		l.full = true
		return 0, errTooBigForTree
	}
	return l.buf.Write(p)
}

// evalValue evaluates x with nav as the context, within the budget.
func evalValue(x *xpath.Expr, nav xpath.NodeNavigator, b *queryBudget) (v any, err error) {
	b.resume()
	defer func() {
		b.pause()
		if r := recover(); r != nil {
			v, err = nil, evalPanic(x, r, b)
		}
	}()
	return x.Evaluate(nav), nil
}

// evalPanic turns a panic inside the xpath package into an error: the budget's, or
// another one (a bug there must not crash the command).
func evalPanic(x *xpath.Expr, r any, b *queryBudget) error {
	if r == errQueryTimeout {
		return b.timeoutError()
	}
	return fmt.Errorf("evaluating XPath expression %q: %v", x.String(), r)
}

// writeResult evaluates x with nav as the context and writes the result to w. It reports
// whether there was a result (a non-empty node set or a scalar).
func writeResult(w *bufio.Writer, x *xpath.Expr, nav xpath.NodeNavigator, b *queryBudget, text bool) (found bool, err error) {
	b.resume()
	defer func() {
		b.pause()
		if r := recover(); r != nil {
			found, err = false, evalPanic(x, r, b)
		}
	}()
	switch v := x.Evaluate(nav).(type) {
	case *xpath.NodeIterator:
		for v.MoveNext() {
			nav, ok := navigator(v.Current())
			if !ok {
				continue
			}
			found = true
			b.pause() // writing may wait for the reader of the output
			if text {
				w.WriteString(stringValue(nav))
			} else {
				writeXPathNode(w, nav)
			}
			w.WriteByte('\n')
			b.resume()
		}
	case float64:
		found = true
		w.WriteString(formatNumber(v) + "\n")
	case string:
		found = true
		w.WriteString(v + "\n")
	case bool:
		found = true
		w.WriteString(strconv.FormatBool(v) + "\n")
	default:
		return false, fmt.Errorf("XPath expression %q gave an unexpected result of type %T", x.String(), v)
	}
	return found, nil
}

// evalXPath evaluates x against the whole document within the budget and writes the
// result. It reports whether there was a result.
func evalXPath(w io.Writer, x *xpath.Expr, doc *xmlquery.Node, b *queryBudget, text bool) (bool, error) {
	bw := bufio.NewWriter(w)
	found, err := writeResult(bw, x, &budgetNav{xmlquery.CreateXPathNavigator(doc), b}, b, text)
	if err != nil {
		return false, err
	}
	return found, bw.Flush()
}

// formatNumber writes an XPath number as XPath's string() does.
func formatNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// stringValue returns the XPath string value of the navigator's current node: an
// attribute's value, or the text of a node and its descendants.
func stringValue(nav *xmlquery.NodeNavigator) string {
	if nav.NodeType() == xpath.AttributeNode {
		return nav.Value()
	}
	n := nav.Current()
	switch n.Type {
	case xmlquery.TextNode, xmlquery.CharDataNode, xmlquery.CommentNode:
		return n.Data
	case xmlquery.ProcessingInstruction:
		if n.ProcInst != nil {
			return n.ProcInst.Inst
		}
		return ""
	}
	var b strings.Builder
	// Iterative pre-order walk of the subtree.
	for c := n.FirstChild; c != nil; {
		if c.Type == xmlquery.TextNode || c.Type == xmlquery.CharDataNode {
			b.WriteString(c.Data)
		}
		if c.Type == xmlquery.ElementNode && c.FirstChild != nil {
			c = c.FirstChild
			continue
		}
		for c != nil && c != n && c.NextSibling == nil {
			c = c.Parent
		}
		if c == nil || c == n {
			break
		}
		c = c.NextSibling
	}
	return b.String()
}

// writeXPathNode writes the navigator's current node as XML: an element with its subtree
// and the namespace declarations it needs, an attribute as name="value", text escaped.
// xmlquery's own writer is not used: it loses prefixes bound twice to one namespace.
func writeXPathNode(w *bufio.Writer, nav *xmlquery.NodeNavigator) {
	if nav.NodeType() == xpath.AttributeNode {
		name := nav.LocalName()
		if nav.NamespaceURL() == odm.NSXML {
			name = "xml:" + name
		} else if p := nav.Prefix(); p != "" && nav.NamespaceURL() != "" {
			name = p + ":" + name
		}
		w.WriteString(name + `="`)
		escapeXML(w, nav.Value(), true)
		w.WriteByte('"')
		return
	}
	n := nav.Current()
	if n.Type == xmlquery.DocumentNode {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != xmlquery.DeclarationNode {
				writeXML(w, c, nil)
			}
		}
		return
	}
	writeXML(w, n, nil)
}

// scope is the stack of namespace bindings in force on output, innermost last. Past
// nsscope.At bindings look-ups go through an index: a record may declare hundreds of
// namespaces on each of hundreds of nested elements (the limits allow 1,024 on each of
// 256), and a scan of the bindings for each declaration and name written took a minute
// for such a 6 MB record.
type scope struct {
	binds []nsBinding
	// While more than nsscope.At bindings are in force: binds by prefix and by namespace.
	byPrefix, byURI nsscope.Index
	steps           int // bindings compared by look-ups (tests bound the work with it)
}

func (s *scope) prefixOf(i int) string { return s.binds[i].prefix }
func (s *scope) uriOf(i int) string    { return s.binds[i].uri }

// push adds a binding.
func (s *scope) push(b nsBinding) {
	s.binds = append(s.binds, b)
	if len(s.binds) > nsscope.At {
		s.byPrefix.Grow(len(s.binds), s.prefixOf)
		s.byURI.Grow(len(s.binds), s.uriOf)
	}
}

// popTo removes the bindings from binds[mark] on, innermost first.
func (s *scope) popTo(mark int) {
	s.byPrefix.Shrink(mark, len(s.binds), s.prefixOf)
	s.byURI.Shrink(mark, len(s.binds), s.uriOf)
	s.binds = s.binds[:mark]
}

// lookup returns the namespace prefix is bound to ("" for the default namespace when
// unbound).
func (s *scope) lookup(prefix string) (string, bool) {
	if len(s.binds) > nsscope.At {
		s.steps++
		if i, ok := s.byPrefix.Find(prefix); ok {
			return s.binds[i].uri, true
		}
	} else {
		for i := len(s.binds) - 1; i >= 0; i-- {
			if s.binds[i].prefix == prefix {
				s.steps += len(s.binds) - i
				return s.binds[i].uri, true
			}
		}
		s.steps += len(s.binds)
	}
	if prefix == "" {
		return "", true
	}
	return "", false
}

// prefixFor returns a non-empty prefix bound to uri and not rebound closer: the one of
// the innermost such binding.
func (s *scope) prefixFor(uri string) (string, bool) {
	if len(s.binds) > nsscope.At {
		// The bindings of uri, innermost first; one whose prefix was bound again since
		// is covered.
		i, ok := s.byURI.Find(uri)
		for ok && i >= 0 {
			s.steps++
			if b := s.binds[i]; b.prefix != "" {
				if top, _ := s.byPrefix.Find(b.prefix); top == i {
					return b.prefix, true
				}
			}
			i = s.byURI.Shadowed(i)
		}
		return "", false
	}
	for i := len(s.binds) - 1; i >= 0; i-- {
		s.steps++
		if b := s.binds[i]; b.uri == uri && b.prefix != "" {
			if cur, _ := s.lookup(b.prefix); cur == uri {
				return b.prefix, true
			}
		}
	}
	return "", false
}

// writeXML writes n and its subtree. Recursion is bounded by the depth limit readChecked
// enforced.
func writeXML(w *bufio.Writer, n *xmlquery.Node, sc *scope) {
	if sc == nil {
		sc = &scope{}
	}
	switch n.Type {
	case xmlquery.TextNode, xmlquery.CharDataNode:
		escapeXML(w, n.Data, false)
		return
	case xmlquery.CommentNode:
		w.WriteString("<!--" + n.Data + "-->")
		return
	case xmlquery.ProcessingInstruction:
		if n.ProcInst != nil {
			w.WriteString("<?" + n.ProcInst.Target)
			if n.ProcInst.Inst != "" {
				w.WriteString(" " + n.ProcInst.Inst)
			}
			w.WriteString("?>")
		}
		return
	case xmlquery.ElementNode:
	default:
		return
	}
	mark := len(sc.binds)
	declare := func(prefix, uri string) {
		if cur, ok := sc.lookup(prefix); ok && cur == uri {
			return
		}
		sc.push(nsBinding{prefix, uri})
	}
	// The element's own declarations first, so that its prefixes survive where they can.
	for _, a := range n.Attr {
		switch {
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			declare("", a.Value)
		case a.Name.Space == "xmlns" || a.NamespaceURI == "xmlns" || a.NamespaceURI == odm.NSXMLNS:
			if a.Value != "" {
				declare(a.Name.Local, a.Value)
			}
		}
	}
	fresh := func(hint string) string {
		if hint != "" && hint != "xml" && hint != "xmlns" {
			if _, taken := sc.lookup(hint); !taken {
				return hint
			}
		}
		for i := 1; ; i++ {
			p := "ns" + strconv.Itoa(i)
			if _, taken := sc.lookup(p); !taken {
				return p
			}
		}
	}
	name := n.Data
	switch uri := n.NamespaceURI; {
	case uri == "":
		declare("", "")
	default:
		if def, _ := sc.lookup(""); def == uri {
			break
		}
		p, ok := sc.prefixFor(uri)
		if !ok {
			if n.Prefix == "" {
				p = ""
			} else {
				p = fresh(n.Prefix)
			}
			declare(p, uri)
		}
		if p != "" {
			name = p + ":" + name
		}
	}
	type attr struct{ name, value string }
	var attrs []attr
	for _, a := range n.Attr {
		if a.Name.Local == "xmlns" && a.Name.Space == "" || a.Name.Space == "xmlns" || a.NamespaceURI == "xmlns" || a.NamespaceURI == odm.NSXMLNS {
			continue
		}
		an := a.Name.Local
		switch uri := a.NamespaceURI; uri {
		case "":
		case odm.NSXML:
			an = "xml:" + an
		default:
			p, ok := sc.prefixFor(uri)
			if !ok {
				p = fresh(a.Name.Space)
				declare(p, uri)
			}
			an = p + ":" + an
		}
		attrs = append(attrs, attr{an, a.Value})
	}
	w.WriteString("<" + name)
	decls := sc.binds[mark:]
	if len(decls) > 1 {
		// A copy: the index refers to the bindings by their places.
		decls = slices.Clone(decls)
		sort.SliceStable(decls, func(i, j int) bool { return decls[i].prefix < decls[j].prefix })
	}
	for _, d := range decls {
		if d.prefix == "" {
			w.WriteString(` xmlns="`)
		} else {
			w.WriteString(" xmlns:" + d.prefix + `="`)
		}
		escapeXML(w, d.uri, true)
		w.WriteByte('"')
	}
	for _, a := range attrs {
		w.WriteString(" " + a.name + `="`)
		escapeXML(w, a.value, true)
		w.WriteByte('"')
	}
	if n.FirstChild == nil {
		w.WriteString("/>")
		sc.popTo(mark)
		return
	}
	w.WriteByte('>')
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		writeXML(w, c, sc)
	}
	w.WriteString("</" + name + ">")
	sc.popTo(mark)
}

// escapeXML writes s escaped for text or (attr) a double-quoted attribute value, keeping
// tabs and line breaks in attributes as character references so they survive a re-read.
func escapeXML(w *bufio.Writer, s string, attr bool) {
	for _, r := range s {
		switch {
		case r == '&':
			w.WriteString("&amp;")
		case r == '<':
			w.WriteString("&lt;")
		case r == '>':
			w.WriteString("&gt;")
		case r == '"' && attr:
			w.WriteString("&quot;")
		case r == '\t' && attr:
			w.WriteString("&#x9;")
		case r == '\n' && attr:
			w.WriteString("&#xA;")
		case r == '\r':
			w.WriteString("&#xD;")
		default:
			w.WriteRune(r)
		}
	}
}
