package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"

	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"

	"github.com/odmadmin/odmadmin/odm"
)

// How query holds a document. Most questions asked of an export are about one record at
// a time: //odm:User[...], //odm:Location[@OID='S1']/..., count(//odm:User[...]). Such an
// expression gives, over the whole document, the concatenation of what it gives over each
// record (an element of the expression's first name, outside any other such element)
// together with its ancestors, because nothing in it looks outside the record; an
// element of another name can hold results only inside such a record, so it is only an
// ancestor of the records inside it (see recordReader.target). query then reads the file
// once, record by record, and holds one record's tree at a time: memory does not grow with
// the number of users. Any other expression needs the whole document as a tree, which
// costs about 14 times the file's size in memory, so that path refuses inputs larger than
// --max-tree. Both paths stop an evaluation that runs longer than --timeout.

// Defaults of --max-tree and of the automatic --timeout: a fixed allowance plus an
// allowance per MB read.
const (
	defaultMaxTree    = 32 << 20
	timeoutBase       = 10 * time.Second
	timeoutPerMB      = 2 * time.Second
	budgetCheckPeriod = 1 << 10
)

// errQueryTimeout stops an evaluation that ran past the time allowed.
var errQueryTimeout = errors.New("the evaluation ran out of time")

// errTooBigForTree reports an input too large for the whole-document tree.
var errTooBigForTree = errors.New("input too large for a whole-document tree")

// queryBudget bounds the time spent evaluating. Only evaluation counts: not reading the
// input (a slow pipe), not parsing records, not writing the result (a reader of the output
// that does not keep up). Navigator moves are counted; every budgetCheckPeriod moves the
// clock is read.
type queryBudget struct {
	fixed time.Duration // --timeout; 0: timeoutBase plus timeoutPerMB per MB read
	read  *atomic.Int64 // bytes read so far, for the automatic limit
	moves int
	spent time.Duration // evaluation time before the current stretch
	since time.Time     // start of the current stretch of evaluation; zero outside one
}

func newQueryBudget(fixed time.Duration, read *atomic.Int64) *queryBudget {
	return &queryBudget{fixed: fixed, read: read}
}

// resume starts a stretch of evaluation, pause ends it.
func (b *queryBudget) resume() { b.since = time.Now() }

func (b *queryBudget) pause() {
	if !b.since.IsZero() {
		b.spent += time.Since(b.since)
		b.since = time.Time{}
	}
}

func (b *queryBudget) limit() time.Duration {
	if b.fixed > 0 {
		return b.fixed
	}
	return timeoutBase + time.Duration(b.read.Load()>>20)*timeoutPerMB
}

// tick counts one move and panics with errQueryTimeout past the limit; evalValue and
// writeResult recover the panic (the xpath package offers no other way to stop an
// evaluation).
func (b *queryBudget) tick() {
	b.moves++
	if b.moves%budgetCheckPeriod == 0 && !b.since.IsZero() && b.spent+time.Since(b.since) > b.limit() {
		panic(errQueryTimeout)
	}
}

func (b *queryBudget) timeoutError() error {
	how := "the automatic limit (" + timeoutBase.String() + " plus " + timeoutPerMB.String() + " per MB of input)"
	if b.fixed > 0 {
		how = "--timeout " + b.fixed.String()
	}
	return fmt.Errorf("the XPath evaluation took longer than %s allows; simplify the expression or raise --timeout", how)
}

// budgetNav is an xmlquery navigator that spends the budget on every move.
type budgetNav struct {
	*xmlquery.NodeNavigator
	b *queryBudget
}

func (n *budgetNav) Copy() xpath.NodeNavigator {
	return &budgetNav{n.NodeNavigator.Copy().(*xmlquery.NodeNavigator), n.b}
}

func (n *budgetNav) MoveTo(other xpath.NodeNavigator) bool {
	n.b.tick()
	if o, ok := other.(*budgetNav); ok {
		return n.NodeNavigator.MoveTo(o.NodeNavigator)
	}
	return n.NodeNavigator.MoveTo(other)
}

func (n *budgetNav) MoveToRoot()        { n.b.tick(); n.NodeNavigator.MoveToRoot() }
func (n *budgetNav) MoveToParent() bool { n.b.tick(); return n.NodeNavigator.MoveToParent() }
func (n *budgetNav) MoveToNextAttribute() bool {
	n.b.tick()
	return n.NodeNavigator.MoveToNextAttribute()
}
func (n *budgetNav) MoveToChild() bool {
	n.b.tick()
	if !n.NodeNavigator.MoveToChild() {
		return false
	}
	if !hidden(n.Current()) || n.skip(n.NodeNavigator.MoveToNext, n.NodeNavigator.MoveToPrevious) {
		return true
	}
	n.NodeNavigator.MoveToParent()
	return false
}

func (n *budgetNav) MoveToFirst() bool {
	n.b.tick()
	if !n.NodeNavigator.MoveToFirst() {
		return false
	}
	if hidden(n.Current()) {
		// The node the navigator was on is a sibling the evaluator sees: skip finds it
		// or one before it.
		n.skip(n.NodeNavigator.MoveToNext, n.NodeNavigator.MoveToPrevious)
	}
	return true
}

func (n *budgetNav) MoveToNext() bool {
	n.b.tick()
	return n.skip(n.NodeNavigator.MoveToNext, n.NodeNavigator.MoveToPrevious)
}

func (n *budgetNav) MoveToPrevious() bool {
	n.b.tick()
	return n.skip(n.NodeNavigator.MoveToPrevious, n.NodeNavigator.MoveToNext)
}

// Value is the XPath string value of the current node. xmlquery gives "" for text
// written as a CDATA section and for the document node, so that text()="..." matched no
// CDATA text and string(/) was empty.
func (n *budgetNav) Value() string {
	switch c := n.Current(); c.Type {
	case xmlquery.CharDataNode:
		return c.Data
	case xmlquery.DocumentNode:
		return c.InnerText()
	}
	return n.NodeNavigator.Value()
}

// skip moves with move past the nodes the XPath evaluator must not see (hidden), to the
// next one it may; where there is none it moves back with back to where it was and
// returns false.
func (n *budgetNav) skip(move, back func() bool) bool {
	from := n.Current()
	for move() {
		if !hidden(n.Current()) {
			return true
		}
	}
	for n.Current() != from && back() {
	}
	return false
}

// hidden reports whether the evaluator must not see n: xmlquery hands a processing
// instruction on as an element (so a <?note?> before the root was /*, and name(/*) was
// "note"), and the XML declaration as a second root. The xpath package has no node type
// for either; the query refuses processing-instruction() (compileXPath).
func hidden(n *xmlquery.Node) bool {
	return n.Type == xmlquery.ProcessingInstruction || n.Type == xmlquery.DeclarationNode
}

// navigator returns the xmlquery navigator behind a node of a result.
func navigator(n xpath.NodeNavigator) (*xmlquery.NodeNavigator, bool) {
	switch n := n.(type) {
	case *budgetNav:
		return n.NodeNavigator, true
	case *xmlquery.NodeNavigator:
		return n, true
	}
	return nil, false
}

// recordPath reports whether expr can be evaluated record by record, and whether it is a
// count() of such a path (the counts of the records then add up). The test is lexical and
// conservative: an expression it is not sure of goes the whole-document way, which gives
// the same result. A record path is "//" and an element name other than ODM and
// AdminData, then predicates and steps that look only inside the element: no axis that
// leaves it (parent, ancestor, preceding, following and their variants), no absolute path
// inside, no union, no variable, no function outside a list of those that read only their
// arguments, and no predicate on the first step that could be a position (siblings of a
// record are other records).
func recordPath(expr string) (count, ok bool) {
	s := strings.TrimSpace(expr)
	if inner, found := strings.CutPrefix(s, "count("); found && strings.HasSuffix(inner, ")") {
		inner = strings.TrimSpace(inner[:len(inner)-1])
		if balanced(inner) {
			s, count = inner, true
		}
	}
	rest, found := strings.CutPrefix(s, "//")
	if !found {
		return false, false
	}
	name := 0
	for name < len(rest) && (isNameByte(rest[name]) || rest[name] == ':') {
		name++
	}
	qname := rest[:name]
	local := qname[strings.LastIndexByte(qname, ':')+1:]
	if local == "" || local == "ODM" || local == "AdminData" || strings.Count(qname, ":") > 1 {
		return false, false
	}
	rest = strings.TrimLeft(rest[name:], " \t\r\n")
	if rest != "" && rest[0] != '[' && rest[0] != '/' {
		return false, false // a function call or node test such as text(), or an operator
	}
	// The predicates of the first step.
	for strings.HasPrefix(rest, "[") {
		end := closing(rest)
		if end < 0 || !booleanPredicate(rest[1:end]) {
			return false, false
		}
		rest = strings.TrimLeft(rest[end+1:], " \t\r\n")
	}
	return count, localOnly(s[2+name:])
}

// recordName returns the local name of the first step of expr, a record path.
func recordName(expr string) string {
	s := strings.TrimSpace(expr)
	if inner, found := strings.CutPrefix(s, "count("); found {
		s = strings.TrimSpace(inner)
	}
	rest, _ := strings.CutPrefix(s, "//")
	name := 0
	for name < len(rest) && (isNameByte(rest[name]) || rest[name] == ':') {
		name++
	}
	qname := rest[:name]
	return qname[strings.LastIndexByte(qname, ':')+1:]
}

func isNameByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80
}

// skipLiteral returns the index after the string literal starting at s[i], or -1 when it
// does not end.
func skipLiteral(s string, i int) int {
	end := strings.IndexByte(s[i+1:], s[i])
	if end < 0 {
		return -1
	}
	return i + 1 + end + 1
}

// closing returns the index of the bracket that closes s[0], or -1.
func closing(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'', '"':
			j := skipLiteral(s, i)
			if j < 0 {
				return -1
			}
			i = j - 1
		case '[', '(':
			depth++
		case ']', ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// balanced reports whether the brackets of s pair up.
func balanced(s string) bool {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'', '"':
			j := skipLiteral(s, i)
			if j < 0 {
				return false
			}
			i = j - 1
		case '[', '(':
			depth++
		case ']', ')':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}

// booleanPredicate reports whether the predicate p certainly is no number (a number
// predicate selects by position): a comparison or "and"/"or" at its top level, or a
// path, or a function of the boolean and string kind.
func booleanPredicate(p string) bool {
	p = strings.TrimSpace(p)
	if p == "" {
		return false
	}
	depth := 0
	hasCompare, hasArith := false, false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\'' || c == '"':
			j := skipLiteral(p, i)
			if j < 0 {
				return false
			}
			i = j - 1
		case c == '[' || c == '(':
			depth++
		case c == ']' || c == ')':
			depth--
		case depth > 0:
		case c == '=' || c == '<' || c == '>' || c == '!':
			hasCompare = true
		case c == '+' || c == '*' || c == '-' && (i == 0 || p[i-1] == ' ' || i+1 < len(p) && p[i+1] == ' '):
			hasArith = true
		case isNameByte(c) && (i == 0 || !isNameByte(p[i-1]) && p[i-1] != ':' && p[i-1] != '@'):
			j := i
			for j < len(p) && isNameByte(p[j]) {
				j++
			}
			switch p[i:j] {
			case "and", "or":
				hasCompare = true
			case "div", "mod":
				hasArith = true
			}
			i = j - 1
		}
	}
	if hasCompare {
		return true
	}
	if hasArith {
		return false
	}
	if c := p[0]; c >= '0' && c <= '9' || c == '.' && len(p) > 1 && p[1] >= '0' && p[1] <= '9' || c == '(' || c == '$' {
		return false
	}
	for _, f := range []string{"count", "sum", "number", "string-length", "floor", "ceiling", "round", "position", "last"} {
		if rest, ok := strings.CutPrefix(p, f); ok && strings.HasPrefix(strings.TrimLeft(rest, " "), "(") {
			return false
		}
	}
	return true
}

// localFunctions are the XPath functions that read only their arguments (or the context
// node); node tests that look like calls are here too.
var localFunctions = map[string]bool{
	"text": true, "node": true, "comment": true, "processing-instruction": true,
	"count": true, "sum": true, "string": true, "concat": true, "contains": true,
	"starts-with": true, "ends-with": true, "substring": true, "substring-before": true,
	"substring-after": true, "string-length": true, "normalize-space": true,
	"translate": true, "not": true, "true": true, "false": true, "boolean": true,
	"number": true, "floor": true, "ceiling": true, "round": true, "local-name": true,
	"name": true, "namespace-uri": true, "lower-case": true, "upper-case": true,
}

// localAxes are the axes that stay inside the context node.
var localAxes = map[string]bool{"child": true, "descendant": true, "descendant-or-self": true, "attribute": true, "self": true}

// localOnly reports whether the part of a record path after its first name looks only
// inside the record.
func localOnly(s string) bool {
	prev := byte('[') // the last byte before the current one that is not white space
	prevWord := ""
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			continue
		case c == '\'' || c == '"':
			j := skipLiteral(s, i)
			if j < 0 {
				return false
			}
			i, prevWord = j-1, ""
		case c == '$' || c == '|':
			return false
		case c == '.' && i+1 < len(s) && s[i+1] == '.':
			return false
		case c == '/':
			// A slash that starts an operand is an absolute path; one that follows a
			// step continues the path.
			if strings.IndexByte("[(,=<>!+-*", prev) >= 0 || prevWord == "and" || prevWord == "or" || prevWord == "div" || prevWord == "mod" {
				if i > 0 || prev != '[' {
					return false
				}
			}
			prevWord = ""
		case c == ':' && i+1 < len(s) && s[i+1] == ':':
			if !localAxes[prevWord] {
				return false
			}
			i++
			prevWord = ""
		case c == '(':
			if prev != '[' && prevWord != "" && !localFunctions[prevWord] {
				return false
			}
			if prevWord == "" && isNameByte(prev) {
				return false // a prefixed function name, such as fn:x()
			}
			prevWord = ""
		case isNameByte(c) && c != '-' && c != '.':
			j := i
			for j < len(s) && isNameByte(s[j]) {
				j++
			}
			prevWord = s[i:j]
			// A prefixed name: the word is the local part.
			if i > 0 && s[i-1] == ':' && (i < 2 || s[i-2] != ':') {
				prevWord = "prefixed:" + prevWord
			}
			i = j - 1
			prev = s[i]
			continue
		default:
			prevWord = ""
		}
		prev = c
	}
	return true
}

// utf8Input reports whether a document that starts with head is UTF-8 (or ASCII), which
// the record reader needs; other encodings go the whole-document way.
func utf8Input(head []byte) bool {
	if bytes.HasPrefix(head, []byte{0xFE, 0xFF}) || bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || len(head) > 1 && (head[0] == 0 || head[1] == 0) {
		return false
	}
	head = bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})
	if !bytes.HasPrefix(head, []byte("<?xml")) {
		return true
	}
	decl := head
	if i := bytes.Index(decl, []byte("?>")); i >= 0 {
		decl = decl[:i]
	}
	i := bytes.Index(decl, []byte("encoding"))
	if i < 0 {
		return true
	}
	v := bytes.TrimLeft(decl[i+len("encoding"):], " \t\r\n=")
	if len(v) == 0 {
		return false
	}
	v = bytes.Trim(v[1:], " \t\r\n")
	if j := bytes.IndexAny(v, "'\""); j >= 0 {
		v = v[:j]
	}
	switch strings.ToLower(string(v)) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return true
	}
	return false
}

// streamQuery evaluates the record path expr over the input record by record while the
// odm reader checks the input against opts's limits in step. count says expr is a count()
// of a record path.
func streamQuery(w io.Writer, in io.Reader, opts odm.ReadOptions, expr string, ns map[string]string, userODM, count, text bool, timeout time.Duration) (bool, error) {
	var read atomic.Int64
	pr, pw := io.Pipe()
	checked := make(chan error, 1)
	go func() {
		// odm.Check reads as an odm.Reader does, without building the records: the scan
		// that evaluates the expression already builds them the way it needs.
		_, err := odm.Check(io.TeeReader(in, pw), opts)
		if err == nil {
			// Whatever follows the document goes to the parser too.
			_, err = io.Copy(pw, in)
		}
		pw.CloseWithError(err)
		checked <- err
	}()
	found, err := evalRecords(w, pr, opts, &read, expr, ns, userODM, count, text, timeout)
	if err != nil {
		// Let the check finish: its error, if any, says more about the input.
		io.Copy(io.Discard, pr)
	}
	if cerr := <-checked; cerr != nil {
		return false, cerr
	}
	return found, err
}

func evalRecords(w io.Writer, r io.Reader, opts odm.ReadOptions, read *atomic.Int64, expr string, ns map[string]string, userODM, count, text bool, timeout time.Duration) (bool, error) {
	rr := newRecordReader(r, read, opts)
	rr.target = recordName(expr)
	budget := newQueryBudget(timeout, read)
	var x *xpath.Expr
	total := 0.0
	found := false
	bw := bufio.NewWriterSize(w, 64<<10)
	for {
		doc, err := rr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return false, err
		}
		if x == nil {
			if !userODM { // the root's namespace, none included, as for the tree
				ns["odm"] = rr.rootNS
			}
			if x, err = compileXPath(expr, ns); err != nil {
				return false, err
			}
		}
		nav := &budgetNav{xmlquery.CreateXPathNavigator(doc), budget}
		if count {
			v, err := evalValue(x, nav, budget)
			if err != nil {
				return false, err
			}
			n, _ := v.(float64)
			total += n
			continue
		}
		f, err := writeResult(bw, x, nav, budget, text)
		if err != nil {
			return false, err
		}
		found = found || f
	}
	if count {
		bw.WriteString(formatNumber(total) + "\n")
		found = true
	}
	return found, bw.Flush()
}
