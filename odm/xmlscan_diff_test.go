package odm

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/odmadmin/odmadmin/internal/testenv"
)

// The differential test runs odm's scanner (internal/xmlscan) and the scanner it replaced
// (encoding/xml with odm's guard and checks, oldscan_test.go) on the same input. Both must
// produce the same token stream, or both must reject the input, except where the old one is
// not conformant. These deliberate differences are listed in stricterByDesign and applied by
// the comparison:
//
//   - Attribute values are normalized (XML 1.0 §3.3.3): a literal tab, line feed or carriage
//     return is a space. encoding/xml keeps them. Values are compared with every tab, line
//     feed and carriage return mapped to a space on both sides; TestScannerNormalizesAttributes
//     checks the exact values.
//   - A DOCTYPE keeps the comments of its internal subset; encoding/xml replaces each with a
//     space. The comparison applies encoding/xml's replacement to the new side.
//   - An element written <x/> has its end token at the start tag's position; encoding/xml
//     reports the position after the tag. End-token positions are not compared.
//   - Inputs the new scanner refuses and encoding/xml accepts, each a well-formedness or
//     namespace constraint encoding/xml does not check (see stricterByDesign).

// stricterByDesign lists the messages of the errors the new scanner gives for input that
// encoding/xml accepts although it is not (namespace-)well-formed XML 1.0.
var stricterByDesign = []string{
	"white space is required",           // <a b="1"c="2">, <?pi?x?> (encoding/xml does not require it)
	"a character XML does not allow",    // invalid UTF-8 or control characters in comments, PIs, DOCTYPE
	"invalid UTF-8",                     // likewise, in places encoding/xml does not check
	"a character not allowed in a name", // XML 1.0 fifth edition names vs encoding/xml's tables
	"a name must begin with",            // likewise
	"a name was expected",               // likewise (encoding/xml reads some bytes as name characters)
	"a name that begins or ends with a colon",
	"XML declaration",                         // a declaration not at the start, without version, standalone="maybe"
	"a DOCTYPE is allowed once",               // two DOCTYPEs, a DOCTYPE inside or after the root
	"<! must begin",                           // <!ENTITY ...> and other directives outside a DOCTYPE
	"DOCTYPE",                                 // a DOCTYPE encoding/xml's loose bracket counting accepts
	"markup declaration",                      // likewise, inside the internal subset
	"parameter-entity reference",              // likewise
	"CDATA section outside the root",          // encoding/xml returns it as text before the root
	"reserved namespace",                      // xmlns="http://www.w3.org/XML/1998/namespace"
	"the prefix xml and its namespace",        // another prefix bound to the xml namespace
	"the xmlns namespace",                     // a prefix bound to the xmlns namespace
	"an undeclared namespace prefix",          // <xmlns:a> (encoding/xml resolves the xmlns prefix)
	"processing instruction target",           // <?a:b?>
	"-- is not allowed inside a comment",      // inside a DOCTYPE subset
	"reference without its closing semicolon", // an over-long reference encoding/xml reads further
	"an invalid character reference",          // &#55700; (a surrogate): encoding/xml turns it into U+FFFD
}

// oldByDesign lists messages of the old scanner's errors for input that is well-formed.
var oldByDesign = []string{
	"invalid XML name",        // encoding/xml's name tables (XML 1.0 fourth edition) differ from the fifth edition's
	"expected element name",   // likewise
	"expected attribute name", // likewise
	"expected target name",    // likewise
	"unsupported version",     // handled alike; listed for the message form
}

func tokensNew(in []byte) ([]string, error) {
	s := newScanner(bytes.NewReader(in), ReadOptions{})
	return collect(in, s.next, s.wasEmpty)
}

func tokensOld(in []byte) ([]string, error) {
	s := newOldScanner(bytes.NewReader(in), ReadOptions{})
	if s.err != nil {
		return nil, s.err
	}
	// The checks odm's readHeader and readEpilog made around the old scanner.
	closed := false
	next := func() (*token, error) {
		tk, err := s.next()
		if err != nil {
			return tk, err
		}
		switch {
		case tk.kind == tStart && closed:
			return nil, s.fail(ErrSyntax, "a second root element", tk.line, tk.col)
		case tk.kind == tStart:
			s.seenRoot = true
		case tk.kind == tEnd && len(s.open) == 0:
			closed = true
		case tk.kind == tText && len(s.open) == 0 && !isBlank(tk.data):
			return nil, s.fail(ErrSyntax, "text outside the root element", tk.line, tk.col)
		}
		return tk, err
	}
	return collect(in, next, func() bool { return s.d.InputOffset() == s.lastOff })
}

func collect(_ []byte, next func() (*token, error), empty func() bool) ([]string, error) {
	var out []string
	for len(out) < 100000 {
		tk, err := next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		var b strings.Builder
		switch tk.kind {
		case tStart:
			fmt.Fprintf(&b, "%d:%d start {%s}%s:%s", tk.line, tk.col, tk.name.Space, tk.name.Prefix, tk.name.Local)
			for _, a := range tk.attrs {
				fmt.Fprintf(&b, " {%s}%s:%s=%q", a.Space, a.Prefix, a.Local, wsToSpace(a.Value))
			}
		case tEnd:
			fmt.Fprintf(&b, "end empty=%v", empty())
		case tText:
			if !tk.cdata && isBlank(tk.data) {
				// The decoder takes no position for white space (scanner.next): nothing
				// keeps or reports one.
				fmt.Fprintf(&b, "text %q", tk.data)
				break
			}
			fmt.Fprintf(&b, "%d:%d text cdata=%v %q", tk.line, tk.col, tk.cdata, tk.data)
		case tOther:
			switch n := tk.other.(type) {
			case *Comment:
				fmt.Fprintf(&b, "%d:%d comment %q", tk.line, tk.col, n.Data)
			case *ProcInst:
				fmt.Fprintf(&b, "%d:%d pi %q %q", tk.line, tk.col, n.Target, n.Inst)
			case *Directive:
				fmt.Fprintf(&b, "%d:%d directive %q", tk.line, tk.col, dropDirectiveComments(n.Data))
			}
		}
		out = append(out, b.String())
	}
	return out, nil
}

func wsToSpace(v string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, v)
}

// dropDirectiveComments replaces each comment outside quotes with a space, as encoding/xml
// does in a Directive.
func dropDirectiveComments(d string) string {
	if !strings.Contains(d, "<!--") {
		return d
	}
	var b strings.Builder
	var quote byte
	for i := 0; i < len(d); i++ {
		c := d[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case strings.HasPrefix(d[i:], "<!--"):
			end := strings.Index(d[i+4:], "-->")
			if end >= 0 {
				b.WriteByte(' ')
				i += 4 + end + 2
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

func short(in []byte) string {
	if len(in) > 300 {
		return fmt.Sprintf("%q... (%d bytes)", in[:300], len(in))
	}
	return fmt.Sprintf("%q", in)
}

func containsAny(s string, list []string) bool {
	for _, l := range list {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
}

// compareScanners fails t unless the scanners agree on in (up to the deliberate differences).
func compareScanners(t *testing.T, in []byte) {
	t.Helper()
	newToks, newErr := tokensNew(in)
	oldToks, oldErr := tokensOld(in)
	switch {
	case newErr != nil && oldErr != nil:
		return
	case newErr != nil:
		if !containsAny(newErr.Error(), stricterByDesign) {
			t.Fatalf("new scanner rejects what encoding/xml accepts: %v\ninput %s", newErr, short(in))
		}
		return
	case oldErr != nil:
		if !containsAny(oldErr.Error(), oldByDesign) {
			t.Fatalf("new scanner accepts what the old one rejects: %v\ninput %s", oldErr, short(in))
		}
		return
	}
	if strings.Join(newToks, "\n") != strings.Join(oldToks, "\n") {
		for i := range min(len(newToks), len(oldToks)) {
			if newToks[i] != oldToks[i] {
				t.Fatalf("token %d differs for %s\nnew: %s\nold: %s", i, short(in), newToks[i], oldToks[i])
			}
		}
		t.Fatalf("token counts differ for %s: new %d, old %d", short(in), len(newToks), len(oldToks))
	}
}

// scannerSeeds are small documents exercising each part of the scanner, with a reason each.
var scannerSeeds = []struct{ doc, reason string }{
	{`<a/>`, "the smallest document"},
	{`<?xml version="1.0" encoding="UTF-8"?>` + "\n<a>t</a>\n", "declaration, text, trailing line feed"},
	{`<a xmlns="u" xmlns:p="v" p:x="1" y='2'><p:b p:z="&lt;&amp;&gt;&quot;&apos;"/></a>`, "namespaces and predefined entities"},
	{"<a x=\"1\t2\n3\r\n4&#10;5&#9;6&#13;\"/>", "attribute normalization and character references"},
	{"<a>x\r\ny\rz &#x263A; &#233;</a>", "line ends and character references in text"},
	{`<a><![CDATA[<&]]>]]><!-- c --><?pi  data ?></a>`, "CDATA, comment, PI"},
	{`<!DOCTYPE a SYSTEM "a.dtd" [<!ENTITY e "x>y"><!-- c > d --><?p q?>%pe;]><a/>`, "DOCTYPE with subset, comment and PI"},
	{`<!DOCTYPE a PUBLIC "-//x//y" 'z'><a/>`, "DOCTYPE with a public identifier"},
	{"<!DOCTYPE A[<?>><A/>", "a PI without target in the subset, which encoding/xml's bracket counting takes for the DOCTYPE's end (found by fuzzing)"},
	{"<!DOCTYPE A[<?A>><A/>", "a PI in the subset without white space after its target, likewise (found by fuzzing)"},
	{"<!DOCTYPE A[<?A >><A/>", "a PI in the subset never ended: the input ends inside the DOCTYPE (found by fuzzing)"},
	{`<a><b></a>`, "mismatched end tag"},
	{`<a x="1" x="2"/>`, "duplicate attribute"},
	{`<a xmlns:p="u" xmlns:q="u" p:x="1" q:x="2"/>`, "duplicate after namespace resolution"},
	{`<a><q:b/></a>`, "undeclared prefix"},
	{`<a>&foo;</a>`, "undefined entity"},
	{`<a>&#0;</a>`, "reference to a character XML forbids"},
	{"<a>\x01</a>", "control character in text"},
	{`<a/><b/>`, "second root"},
	{`x<a/>`, "text before the root"},
	{`<a/>x`, "text after the root"},
	{`<a>]]></a>`, "]]> in text"},
	{`<a><!-- a -- b --></a>`, "-- in a comment"},
	{`<a b="<"/>`, "< in an attribute value"},
	{`<a b=c/>`, "unquoted attribute value"},
	{`<a`, "truncated"},
	{`<a:b:c/>`, "two colons in a name"},
	{`<é ü="1"/>`, "non-ASCII names"},
	{`<?xml version="1.0" standalone="maybe"?><a/>`, "standalone must be yes or no"},
	{`<a><?xml version="1.0"?></a>`, "XML declaration inside an element"},
	{`<!DOCTYPE a><!DOCTYPE a><a/>`, "two DOCTYPEs"},
	{`<a><!DOCTYPE a></a>`, "DOCTYPE inside an element"},
	{`<a b="1"c="2"/>`, "missing white space between attributes"},
	{`<a xmlns:p=""/>`, "prefix bound to the empty namespace"},
	{`<a xmlns="u"><b xmlns=""/></a>`, "default namespace undeclared"},
	{`<a xml:lang="en"/>`, "the xml prefix is predeclared"},
	{`<a>&#55700;</a>`, "a reference to a surrogate is not a character"},
	{"<a><![CDATA[x\r\ny&z]]></a>", "line ends in a CDATA section"},
}

// TestScannerDifferential: the new scanner agrees with encoding/xml plus the old guards on
// the seeds, every fixture and every reference sample.
func TestScannerDifferential(t *testing.T) {
	for _, sd := range scannerSeeds {
		t.Run(sd.reason, func(t *testing.T) { compareScanners(t, []byte(sd.doc)) })
	}
	var files []string
	filepath.WalkDir(filepath.Join(testenv.RepoRoot(), "testdata"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".xml") {
			files = append(files, p)
		}
		return nil
	})
	odmTestdata, _ := filepath.Glob("testdata/*/*.xml")
	files = append(files, odmTestdata...)
	want := 4 // the repository's fixtures; a fresh clone has no reference samples beside it
	if _, err := os.Stat(filepath.Join(testenv.RepoRoot(), "..", "shared", "reference", "samples")); err == nil {
		want = 10
		filepath.WalkDir(filepath.Join(testenv.RepoRoot(), "..", "shared", "reference", "samples"), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".xml") {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) < want {
		t.Fatalf("found only %d XML files", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(f), func(t *testing.T) { compareScanners(t, b) })
	}
}

func FuzzScannerDifferential(f *testing.F) {
	for _, sd := range scannerSeeds {
		f.Add([]byte(sd.doc))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > 1<<16 {
			return
		}
		// A scanner that loops forever is a failure too: report the input.
		done := make(chan struct{})
		go func() {
			defer close(done)
			tokensNew(in)
			tokensOld(in)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("a scanner hangs on %s", short(in))
		}
		compareScanners(t, in)
	})
}
