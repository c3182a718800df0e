package xmlscan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// dump renders every token of in, or the error that stopped the scan.
func dump(in string, opts Options) (string, error) {
	return dumpWith(strings.NewReader(in), opts, false)
}

// dumpWith renders every token r gives, or the error that stopped the scan; with detail,
// each followed by what else a caller may ask of it: Indent, SelfClosing, Depth and
// InputOffset.
func dumpWith(r io.Reader, opts Options, detail bool) (string, error) {
	s := New(r, opts)
	var b strings.Builder
	for {
		k, err := s.Next()
		if err == io.EOF {
			return b.String(), nil
		}
		if err != nil {
			return b.String(), err
		}
		writeToken(&b, s, k)
		if detail {
			fmt.Fprintf(&b, "  indent %v, self-closing %v, depth %d, offset %d\n", s.Indent(), s.SelfClosing(), s.Depth(), s.InputOffset())
		}
	}
}

// writeToken renders the current token of s, of kind k, with its position.
func writeToken(b *strings.Builder, s *Scanner, k Kind) {
	l, c := s.Pos()
	fmt.Fprintf(b, "%d:%d ", l, c)
	switch k {
	case StartElement:
		n := s.Name()
		fmt.Fprintf(b, "<{%s}%s:%s", n.Space, n.Prefix, n.Local)
		for _, a := range s.Attrs() {
			fmt.Fprintf(b, " {%s}%s:%s=%q(%q)", a.Space, a.Prefix, a.Local, a.Value, a.Raw)
		}
		b.WriteString(">\n")
	case EndElement:
		fmt.Fprintf(b, "</{%s}%s empty=%v>\n", s.Name().Space, s.Name().Local, s.Empty())
	case ProcInst:
		fmt.Fprintf(b, "pi %q %q\n", s.Target(), s.Data())
	default:
		fmt.Fprintf(b, "%d %q\n", k, s.Data())
	}
}

// tokenTests are inputs with the tokens dump renders for them (FuzzChunking seeds from them too).
var tokenTests = []struct{ name, reason, in, want string }{
	{"namespaces", "prefixes resolve to URIs in scope; unprefixed attributes have none",
		`<a xmlns="u" xmlns:p="v" x="1"><p:b p:y="2"/></a>`,
		"1:1 <{u}:a {http://www.w3.org/2000/xmlns/}:xmlns=\"u\"(\"u\") {http://www.w3.org/2000/xmlns/}xmlns:p=\"v\"(\"v\") {}:x=\"1\"(\"1\")>\n" +
			"1:32 <{v}p:b {v}p:y=\"2\"(\"2\")>\n1:32 </{v}b empty=true>\n1:46 </{u}a empty=false>\n"},
	{"scope ends", "an end tag keeps the namespace its own declaration bound, though that goes out of scope with it and a sibling's takes its place",
		`<a xmlns="u"><b xmlns="v" xmlns:q="x"><q:c/></b><d xmlns="w"/></a>`,
		"1:1 <{u}:a {http://www.w3.org/2000/xmlns/}:xmlns=\"u\"(\"u\")>\n" +
			"1:14 <{v}:b {http://www.w3.org/2000/xmlns/}:xmlns=\"v\"(\"v\") {http://www.w3.org/2000/xmlns/}xmlns:q=\"x\"(\"x\")>\n" +
			"1:39 <{x}q:c>\n1:39 </{x}c empty=true>\n1:45 </{v}b empty=false>\n" +
			"1:49 <{w}:d {http://www.w3.org/2000/xmlns/}:xmlns=\"w\"(\"w\")>\n1:49 </{w}d empty=true>\n1:63 </{u}a empty=false>\n"},
	{"normalization", "literal tab, LF, CR LF become one space each; references stay what they name",
		"<a x=\"1\t2\n3\r\n4&#10;5&#9;&amp;\"/>",
		"1:1 <{}:a {}:x=\"1 2 3 4\\n5\\t&\"(\"1\\t2\\n3\\r\\n4&#10;5&#9;&amp;\")>\n1:1 </{}a empty=true>\n"},
	{"text", "references decoded, CR LF to LF, positions per line",
		"<a>\r\nx &lt;&#x263A;\n<b/></a>",
		"1:1 <{}:a>\n1:4 3 \"\\nx <☺\\n\"\n3:1 <{}:b>\n3:1 </{}b empty=true>\n3:5 </{}a empty=false>\n"},
	{"doctype", "the DOCTYPE is kept verbatim, comments included; > in its comment or literal ends nothing",
		`<!DOCTYPE a [<!-- x > y --><!ENTITY e "a>b">]><a/>`,
		"1:1 7 \"DOCTYPE a [<!-- x > y --><!ENTITY e \\\"a>b\\\">]\"\n1:47 <{}:a>\n1:47 </{}a empty=true>\n"},
	{"misc", "declaration, CDATA, comment and PI",
		`<?xml version="1.0" encoding="UTF-8" standalone="no"?><a><![CDATA[<&]]><!--c--><?p  d ?></a>`,
		"1:1 pi \"xml\" \"version=\\\"1.0\\\" encoding=\\\"UTF-8\\\" standalone=\\\"no\\\"\"\n1:55 <{}:a>\n1:58 4 \"<&\"\n1:72 5 \"c\"\n1:80 pi \"p\" \"d \"\n1:89 </{}a empty=false>\n"},
}

func TestTokens(t *testing.T) {
	for _, tt := range tokenTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := dump(tt.in, Options{})
			if err != nil {
				t.Fatalf("%s: %v", tt.reason, err)
			}
			if got != tt.want {
				t.Errorf("%s:\ngot:\n%s\nwant:\n%s", tt.reason, got, tt.want)
			}
		})
	}
}

// TestAccessors: the accessors that read the current token's offsets (Space, Prefix,
// Local, NumAttrs, Attr, AttrSpace, ...) give what Name and Attrs give, token by token.
func TestAccessors(t *testing.T) {
	inputs := []string{
		`<a xmlns="u" xmlns:p="v" x="1"><p:b p:y="2"/></a>`,
		`<a xmlns="u"><b xmlns="v" xmlns:q="x"><q:c q:z="&amp;"/></b><d xmlns="w" xmlns:q="y" q:z="2"/></a>`,
		"<a x=\"1\t2\n3\r\n4&#10;5&#9;&amp;\" y='z'/>",
		"<a>\r\nx &lt;&#x263A;\n<b/></a>",
	}
	for _, in := range inputs {
		s := New(strings.NewReader(in), Options{})
		for {
			k, err := s.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%q: %v", in, err)
			}
			if k != StartElement && k != EndElement {
				continue
			}
			n := s.Name()
			if s.Space() != n.Space || !bytes.Equal(s.Prefix(), n.Prefix) || !bytes.Equal(s.Local(), n.Local) {
				t.Errorf("%q: name {%s}%s:%s, accessors {%s}%s:%s", in, n.Space, n.Prefix, n.Local, s.Space(), s.Prefix(), s.Local())
			}
			if k == EndElement {
				continue
			}
			as := s.Attrs()
			if s.NumAttrs() != len(as) {
				t.Fatalf("%q: %d attributes, NumAttrs %d", in, len(as), s.NumAttrs())
			}
			for i, a := range as {
				space, prefix, local, value := s.Attr(i)
				if space != a.Space || !bytes.Equal(prefix, a.Prefix) || !bytes.Equal(local, a.Local) || !bytes.Equal(value, a.Value) ||
					space != s.AttrSpace(i) || !bytes.Equal(prefix, s.AttrPrefix(i)) || !bytes.Equal(local, s.AttrLocal(i)) || !bytes.Equal(value, s.AttrValue(i)) {
					t.Errorf("%q: attribute %d is {%s}%s:%s=%q, accessors {%s}%s:%s=%q", in, i, a.Space, a.Prefix, a.Local, a.Value, space, prefix, local, value)
				}
				qname := string(a.Local)
				if len(a.Prefix) > 0 {
					qname = string(a.Prefix) + ":" + qname
				}
				if got := string(s.AttrQName(i)); got != qname {
					t.Errorf("%q: attribute %d is written %s, AttrQName %s", in, i, qname, got)
				}
			}
		}
	}
}

// errorTests are inputs the scanner refuses, with the sentinel of the error (FuzzChunking
// seeds from them too). bigText is text over the token limits some of them set.
var bigText = strings.Repeat("x", 5000)

var errorTests = []struct {
	name, reason, in string
	opts             Options
	want             error
}{
	{"mismatch", "end tags match", `<a></b>`, Options{}, ErrSyntax},
	{"dup", "attributes are unique after namespace resolution", `<a xmlns:p="u" xmlns:q="u" p:x="" q:x=""/>`, Options{}, ErrSyntax},
	{"dup-many", "also past the pairwise-comparison size", `<a ` + manyAttrs(20) + ` a0="x"/>`, Options{}, ErrSyntax},
	{"undeclared", "prefixes are declared", `<p:a/>`, Options{}, ErrSyntax},
	{"entity", "only the predefined entities exist", `<a>&e;</a>`, Options{}, ErrSyntax},
	{"bad-char-ref", "a reference to a non-character", `<a>&#xFFFE;</a>`, Options{}, ErrSyntax},
	{"ctl", "control characters are not XML", "<a>\x02</a>", Options{}, ErrEncoding},
	{"utf8", "invalid UTF-8", "<a>\xc3</a>", Options{}, ErrEncoding},
	{"comment-utf8", "invalid UTF-8 in a comment", "<a><!--\xff--></a>", Options{}, ErrEncoding},
	{"name-utf8", "invalid UTF-8 inside an element name (U+FFFD, what a decoder makes of it, is a name character)", "<a\xe9\xff/>", Options{}, ErrEncoding},
	{"attr-name-utf8", "invalid UTF-8 inside an attribute name", "<a b\xff=\"1\"/>", Options{}, ErrEncoding},
	{"two-roots", "one root", `<a/><a/>`, Options{}, ErrSyntax},
	{"after", "nothing but misc after the root", `<a/>x`, Options{}, ErrSyntax},
	{"cdata-outside", "CDATA only inside the root", `<![CDATA[x]]><a/>`, Options{}, ErrSyntax},
	{"truncated", "input ends inside the root", `<a><b>`, Options{}, ErrTruncated},
	{"no-root", "no root at all", `<!-- -->`, Options{}, ErrTruncated},
	{"decl-late", "the XML declaration only at the very start", ` <?xml version="1.0"?><a/>`, Options{}, ErrSyntax},
	{"decl-inside", "nor inside an element", `<a><?xml version="1.0"?></a>`, Options{}, ErrSyntax},
	{"standalone", "standalone is yes or no", `<?xml version="1.0" standalone="maybe"?><a/>`, Options{}, ErrSyntax},
	{"two-doctypes", "one DOCTYPE", `<!DOCTYPE a><!DOCTYPE a><a/>`, Options{}, ErrSyntax},
	{"doctype-inside", "no DOCTYPE inside an element", `<a><!DOCTYPE a></a>`, Options{}, ErrSyntax},
	{"doctype-pi-no-target", "a processing instruction in the internal subset has a target (was read on to the end of the input)", `<!DOCTYPE a [<?>]><a/>`, Options{}, ErrSyntax},
	{"doctype-pi-colon", "nor one with a colon, as outside the DOCTYPE", `<!DOCTYPE a [<?p:q x?>]><a/>`, Options{}, ErrSyntax},
	{"doctype-pi-xml", "nor the XML declaration", `<!DOCTYPE a [<?xml version="1.0"?>]><a/>`, Options{}, ErrSyntax},
	{"doctype-pi-space", "and white space or ?> after its target, as outside the DOCTYPE (was read on to the end of the input; found by FuzzScannerDifferential)", `<!DOCTYPE A[<?A>><A/>`, Options{}, ErrSyntax},
	{"depth", "nesting limit", `<a><a><a><a/></a></a></a>`, Options{MaxDepth: 3}, ErrDepth},
	{"token", "token limit on text", `<a>` + bigText + `</a>`, Options{MaxTokenBytes: 4096}, ErrTokenTooLarge},
	{"doctype-size", "a '>' in a comment does not end the DOCTYPE for the token limit",
		`<!DOCTYPE a [<!-- > ` + bigText + ` -->]><a/>`, Options{MaxTokenBytes: 4096}, ErrTokenTooLarge},
	{"attrs", "attribute limit: its own sentinel, so that the caller can say which limit to raise", `<a ` + manyAttrs(10) + `/>`, Options{MaxAttrs: 5}, ErrTooManyAttrs},
	{"input", "input limit", `<a>` + bigText + `</a>`, Options{MaxInputBytes: 1000}, ErrInputTooLarge},
	{"xmlns-prefix", "the xmlns prefix cannot be declared", `<a xmlns:xmlns="u"/>`, Options{}, ErrSyntax},
	{"empty-ns", "a prefix cannot be undeclared in XML 1.0", `<a xmlns:p=""/>`, Options{}, ErrSyntax},
	{"colon", "names have at most one colon", `<a:b:c xmlns:a="u"/>`, Options{}, ErrSyntax},
	{"space", "attributes are separated by white space", `<a x="1"y="2"/>`, Options{}, ErrSyntax},
}

func TestErrors(t *testing.T) {
	for _, tt := range errorTests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dump(tt.in, tt.opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("%s: got %v, want %v", tt.reason, err, tt.want)
			}
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 || e.Col < 1 {
				t.Fatalf("%s: error without a position: %v", tt.reason, err)
			}
		})
	}
}

func manyAttrs(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, " a%d=\"%d\"", i, i)
	}
	return b.String()
}

// endless is a document of users that never ends: a root start tag, then records.
type endless struct {
	head, rec string
	off       int
	inHead    bool
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		src := e.rec
		if e.inHead {
			src = e.head
		}
		c := copy(p[n:], src[e.off:])
		n += c
		e.off += c
		if e.off == len(src) {
			e.off, e.inHead = 0, false
		}
	}
	return n, nil
}

// TestZeroAllocs: reading tokens allocates nothing once the buffers have grown.
func TestZeroAllocs(t *testing.T) {
	r := &endless{inHead: true,
		head: `<?xml version="1.0"?><ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="urn:pf">`,
		rec:  "\n  <User OID=\"u1\" pf:DBUID=\"7\" pf:Note=\"a&amp;b\tc\">\n    <LoginName>amorel</LoginName><FullName>Ada &amp; Morel</FullName>\n    <!-- c --><pf:GroupRef GroupOID=\"5\"/>\n  </User>"}
	s := New(r, Options{MaxDepth: 256, MaxTokenBytes: 10 << 20, MaxAttrs: 1024})
	for range 10000 {
		if _, err := s.Next(); err != nil {
			t.Fatal(err)
		}
	}
	allocs := testing.AllocsPerRun(5, func() {
		for range 100000 {
			if _, err := s.Next(); err != nil {
				t.Fatal(err)
			}
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per 100,000 tokens", allocs)
	}
}

func FuzzScanner(f *testing.F) {
	f.Add(`<a xmlns="u" x="1&#10;2"><b/>t&amp;<![CDATA[c]]><!--c--><?p d?></a>`)
	f.Add(`<!DOCTYPE a [<!-- > --><!ENTITY e "x">]><a/>`)
	f.Fuzz(func(t *testing.T, in string) {
		// No panic, no hang; errors are positioned; depth and tokens are bounded.
		_, err := dump(in, Options{MaxDepth: 8, MaxTokenBytes: 256, MaxAttrs: 8})
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("unpositioned error %v", err)
		}
	})
}

// TestPosLazy: the position of a token must not depend on which earlier tokens were asked
// for theirs, nor on how the input arrives (one byte at a time moves the window over every
// token boundary, and a token read again with more input must not count its lines twice).
func TestPosLazy(t *testing.T) {
	var doc strings.Builder
	doc.WriteString("<?xml version=\"1.0\"?>\n<!-- c\n c -->\n<r a=\"1\n2\">\n")
	for i := range 300 {
		fmt.Fprintf(&doc, "  <u i=\"%d\">\n    <n>x\ny</n><e/>\r\n    <![CDATA[a\nb]]>\n  </u>\n", i)
	}
	doc.WriteString("</r>\n")
	positions := func(r io.Reader, ask func(i int, k Kind) bool) []string {
		s := New(r, Options{})
		var out []string
		for i := 0; ; i++ {
			k, err := s.Next()
			if err == io.EOF {
				return out
			}
			if err != nil {
				t.Fatal(err)
			}
			if ask(i, k) {
				l, c := s.Pos()
				out = append(out, fmt.Sprintf("%d %d:%d", i, l, c))
			}
		}
	}
	every := func(int, Kind) bool { return true }
	all := positions(strings.NewReader(doc.String()), every)
	for name, ask := range map[string]func(int, Kind) bool{
		"start tags": func(_ int, k Kind) bool { return k == StartElement },
		"every 7th":  func(i int, _ Kind) bool { return i%7 == 0 },
		"end tags":   func(_ int, k Kind) bool { return k == EndElement },
	} {
		for _, r := range []func() io.Reader{
			func() io.Reader { return strings.NewReader(doc.String()) },
			func() io.Reader { return iotest.OneByteReader(strings.NewReader(doc.String())) },
		} {
			got := positions(r(), ask)
			// The tokens asked for, from the full list (the token index leads each entry).
			var sub []string
			j := 0
			for _, p := range all {
				if j < len(got) && strings.SplitN(p, " ", 2)[0] == strings.SplitN(got[j], " ", 2)[0] {
					sub = append(sub, p)
					j++
				}
			}
			if strings.Join(got, "\n") != strings.Join(sub, "\n") || len(got) == 0 {
				t.Errorf("%s: positions differ from those taken at every token", name)
			}
		}
	}
}

// lineCol is the position of in[off] counted independently of the scanner.
func lineCol(in string, off int) string {
	line := 1 + strings.Count(in[:off], "\n")
	return fmt.Sprintf("%d:%d", line, off-strings.LastIndexByte(in[:off], '\n'))
}

// TestPositions: every token is where a plain count of the line feeds before it puts it,
// with line feeds in tags, values, comments, PIs, CDATA sections, the DOCTYPE and text.
func TestPositions(t *testing.T) {
	doc := "<?xml version=\"1.0\"\n?>\n<!DOCTYPE r [\n<!ENTITY e \"x\ny\">\n]>\n<!--\nc\n-->" +
		"<r\n  a=\"1\n2\"\n\tb = '3'\n>\r\n  <u\ti='x&#10;y'/>\n  <n>x\ny&amp;\nz</n\n><![CDATA[a\nb]]>" +
		"<?p\nd\n?>\n  <v x='1' y=\"2\" z='&lt;'>text</v><w x='a\nb'/><w y=\"c\nd\"/>w\n</r\n>\n<!-- end -->\n"
	for name, r := range readings(doc) {
		s := New(r(), Options{})
		prev, startPos, i := 0, "", -1
		eachToken(t, name, s, func(k Kind) {
			i++
			l, c := s.Pos()
			got, want := fmt.Sprintf("%d:%d", l, c), lineCol(doc, prev)
			if k == EndElement && s.Empty() {
				want = startPos // the end of <x/> is where its start tag is
			}
			if k == StartElement {
				startPos = want
			}
			if got != want {
				t.Errorf("%s: token %d (kind %d) at %s, want %s", name, i, k, got, want)
			}
			prev = int(s.InputOffset())
		})
	}
}

// readings are the ways the tests hand doc to the scanner, by name: those of chunkings
// (whole; a byte at a time, the buffer refilled and each token read again with more
// input at every byte; ...).
func readings(doc string) map[string]func() io.Reader {
	m := make(map[string]func() io.Reader, len(chunkings))
	for _, c := range chunkings {
		m[c.name] = func() io.Reader { return c.wrap(strings.NewReader(doc)) }
	}
	return m
}

// eachToken calls fn with the kind of each token s gives, to the end of the input; an
// error fails the test, named by the reading.
func eachToken(t *testing.T, name string, s *Scanner, fn func(k Kind)) {
	t.Helper()
	for {
		k, err := s.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fn(k)
	}
}

// errorPositionTests are inputs with the position of their error (FuzzChunking seeds from
// them too).
var errorPositionTests = []struct{ name, reason, in, want string }{
	{"value", "a < in a value on the fourth line of its tag", "<a\n x='1'\n\n y='<'/>", "4:5"},
	{"control", "a control character after line feeds and spaces around =", "<a\n\tx\n=\n'1'\n y = \"\x01\"/>", "5:7"},
	{"dup", "a duplicate attribute is reported at its tag", "<a>\n<b\n  c='1'\n  c='2'/></a>", "2:1"},
	{"entity", "an undefined entity after lines of text", "<a>line\nline\n&bad;</a>", "3:1"},
	{"mismatch", "an end tag that does not match, written over two lines", "<a>\n</b\n>", "2:1"},
	{"truncated", "the end of input inside the root, after a line feed in a tag", "<a\n>\n<b>", "3:4"},
}

// TestErrorPositions: errors point at the offending byte, also past line feeds inside the
// token, however the input arrives.
func TestErrorPositions(t *testing.T) {
	for _, tt := range errorPositionTests {
		for name, r := range readings(tt.in) {
			s := New(r(), Options{})
			var err error
			for err == nil {
				_, err = s.Next()
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("%s: %s: got %v", tt.name, tt.reason, err)
			}
			if got := fmt.Sprintf("%d:%d", e.Line, e.Col); got != tt.want {
				t.Errorf("%s (%s): %s: error at %s, want %s (%v)", tt.name, name, tt.reason, got, tt.want, err)
			}
		}
	}
}

// TestRuns: the word-at-a-time scans stop where a byte loop over their tables stops, for
// every byte value at every offset of a word.
func TestRuns(t *testing.T) {
	runs := []struct {
		name string
		fast func([]byte, int) int
		stop func(byte) bool
	}{
		{"textRun", textRun, func(c byte) bool { return textStop[c] }},
		{"spaces", spaces, func(c byte) bool { return c != ' ' }},
		// Names and attribute values: a stop at each of four bytes of a step, past it
		// and in the tail after the last whole step.
		{"nameRun", nameRun, func(c byte) bool { return !nameFast[c] }},
		// Attribute values, for either quote: the other quote is plain.
		{"valueRun dq", func(b []byte, i int) int { return valueRun(b, i, &attrStopDQ) },
			func(c byte) bool { return attrStop[c] || c == '"' }},
		{"valueRun sq", func(b []byte, i int) int { return valueRun(b, i, &attrStopSQ) },
			func(c byte) bool { return attrStop[c] || c == '\'' }},
	}
	for _, r := range runs {
		for c := 0; c < 256; c++ {
			for _, fill := range []byte{'a', ' ', '_', '\t', 'Z', '9', '-', '.', 0xC3} {
				for at := 0; at < 19; at++ {
					b := bytes.Repeat([]byte{fill}, 19)
					b[at] = byte(c)
					for from := 0; from <= at; from++ {
						want := from
						for want < len(b) && !r.stop(b[want]) {
							want++
						}
						if got := r.fast(b, from); got != want {
							t.Fatalf("%s(%q, %d) = %d, want %d", r.name, b, from, got, want)
						}
					}
				}
			}
		}
	}
}

// TestSelfClosing: a start tag tells whether it was written as <x/> before its end tag is
// read, in agreement with the Empty of that end tag, also when the input comes a byte at
// a time (the tag read again with more input).
func TestSelfClosing(t *testing.T) {
	doc := `<a><b x="1"/><c></c><d/><e> </e><f
/></a>`
	for name, r := range readings(doc) {
		s := New(r(), Options{})
		var got []string
		var open []bool
		eachToken(t, name, s, func(k Kind) {
			switch k {
			case StartElement:
				open = append(open, s.SelfClosing())
				if s.SelfClosing() {
					got = append(got, string(s.Local()))
				}
			case EndElement:
				if sc := open[len(open)-1]; sc != s.Empty() {
					t.Errorf("%s: %s: SelfClosing %v at its start, Empty %v at its end", name, s.Name().Local, sc, s.Empty())
				}
				open = open[:len(open)-1]
			default:
				if s.SelfClosing() {
					t.Errorf("%s: SelfClosing is true for a token of kind %d", name, k)
				}
			}
		})
		if g := strings.Join(got, " "); g != "b d f" {
			t.Errorf("%s: self-closing elements %q, want \"b d f\"", name, g)
		}
	}
}

// TestIndent: Indent is true exactly for text that is a line feed and spaces only before
// markup, and then Data is just that; other text, white space with tabs or carriage
// returns, and the tokens after it say false.
func TestIndent(t *testing.T) {
	doc := "<a>\n  <b>\n</b>\n\t<c/> \n<d>\nx</d>\r\n <e/>\n    </a>"
	for name, r := range readings(doc) {
		s := New(r(), Options{})
		var got []string
		eachToken(t, name, s, func(k Kind) {
			if !s.Indent() {
				return
			}
			d := string(s.Data())
			if k != Text || d[0] != '\n' || strings.Trim(d[1:], " ") != "" {
				t.Errorf("%s: Indent for a token of kind %d, data %q", name, k, d)
			}
			got = append(got, fmt.Sprintf("%q", d))
		})
		if g, want := strings.Join(got, " "), `"\n  " "\n" "\n    "`; g != want {
			t.Errorf("%s: indentation tokens %s, want %s", name, g, want)
		}
	}
}
