package xmlscan

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestAppendName: the word copy of a short name appends exactly the name's bytes, keeps
// what dst held, and falls back to append wherever the two words would not fit.
func TestAppendName(t *testing.T) {
	src := []byte("<pf:GroupRef GroupOID=\"5\"/><InFormUserTypeLonger/><x/>")
	cases := []struct {
		name     string
		from, to int
		dstLen   int // bytes already in dst
		dstCap   int
	}{
		{"short name, room in both", 1, 12, 0, 64},
		{"after names already held", 1, 12, 5, 64},
		{"one byte", 51, 52, 3, 64},
		{"exactly 16 bytes", 28, 44, 2, 64},
		{"17 bytes: append", 28, 45, 2, 64},
		{"dst room for the name but not two words: append", 1, 12, 60, 64},
		{"dst exactly two words of room", 1, 12, 48, 64},
		{"src has no two words past the name's start: append", 51, 52, 0, 64},
		{"src has exactly two words", len(src) - 16, len(src) - 16 + 3, 0, 64},
		{"empty dst without room: append grows it", 1, 4, 0, 0},
	}
	for _, c := range cases {
		dst := make([]byte, c.dstLen, c.dstCap)
		for i := range dst {
			dst[i] = byte('0' + i%10)
		}
		want := append(bytes.Clone(dst), src[c.from:c.to]...)
		got := appendName(dst, src, c.from, c.to)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: got %q, want %q", c.name, got, want)
		}
	}
}

// TestNamespaceShortcuts: the namespaces of elements and attributes, taken from the
// default namespace's and the last prefix's cached look-ups without a call, are those
// encoding/xml resolves, however the scope changed since the look-up was cached.
func TestNamespaceShortcuts(t *testing.T) {
	cases := []struct{ reason, in string }{
		{"the default changes at a child and comes back after it",
			`<a xmlns="u"><b xmlns="v"><c/></b><d/></a>`},
		{"the default is undeclared by xmlns=\"\" and comes back",
			`<a xmlns="u"><b xmlns=""><c/></b><d/></a>`},
		{"no default namespace at all", `<a><b/></a>`},
		{"a default declared only at a child", `<a><b xmlns="u"><c/></b><d/></a>`},
		{"the cached prefix is rebound in an inner scope, then back",
			`<a xmlns:p="u" p:x="1"><b xmlns:p="v" p:x="2"><c p:x="3"/></b><d p:x="4"/></a>`},
		{"two prefixes alternate on one tag (the cache holds the last)",
			`<a xmlns:p="u" xmlns:q="v"><b p:x="1" q:x="2" p:y="3"/><c q:z="1" p:z="2"/></a>`},
		{"a prefix that starts like the cached one", `<a xmlns:p="u" xmlns:pq="v"><b p:x="1" pq:x="2" p:y="3"/></a>`},
		{"a prefixed element beside the default", `<a xmlns="u" xmlns:p="v"><p:b p:x="1" y="2"/><c/></a>`},
		{"the same local name in no namespace and in one", `<a xmlns:p="u"><b x="1" p:x="2"/></a>`},
	}
	for _, c := range cases {
		sameAsStd(t, c.reason, c.in)
	}
}

// sameAsStd fails t, for the reason given, where the scanner resolves the names of in
// otherwise than encoding/xml or refuses in.
func sameAsStd(t *testing.T, reason, in string) {
	t.Helper()
	want, err := resolveStd(in)
	if err != nil {
		t.Fatalf("%s: encoding/xml: %v", reason, err)
	}
	got, _, err := resolveScan(in)
	if err != nil {
		t.Fatalf("%s: %v", reason, err)
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("%s: %.200q\ngot  %q\nwant %q", reason, in, got, want)
	}
}

// resolveStd lists the resolved names of in's elements and attributes as encoding/xml
// gives them, namespace declarations left out.
func resolveStd(in string) ([]string, error) {
	d := xml.NewDecoder(strings.NewReader(in))
	var out []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		out = append(out, "{"+se.Name.Space+"}"+se.Name.Local)
		for _, a := range se.Attr {
			if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
				continue
			}
			out = append(out, " @{"+a.Name.Space+"}"+a.Name.Local)
		}
	}
}

// TestDuplicateAttrs: duplicates are found, after namespace resolution, wherever the
// second name stands and whatever name shares its bit of the set (names of one length
// and the same end bytes); names that only share the bit are no duplicates.
func TestDuplicateAttrs(t *testing.T) {
	cases := []struct {
		reason, attrs string
		dup           bool
	}{
		{"the second right after the first", `x="1" x="2"`, true},
		{"the last of eight repeats the first", `a="" b="" c="" d="" e="" f="" g="" a=""`, true},
		// Bits of the set: (length*7 + first*5 + last*3 + middle) mod 64; '-'+64 = 'm'.
		{"the same bit, other names", `x-y="" xmy=""`, false},
		{"the same bit, the third repeats the first", `x-y="" xmy="" x-y=""`, true},
		{"names alike at their ends", `axb="" ayb="" azb=""`, false},
		{"names alike at their ends, the last repeats one", `axb="" ayb="" azb="" ayb=""`, true},
		{"one local name under two prefixes of one URI", `p:x="" q:x=""`, true},
		{"one local name under prefixes of two URIs", `p:x="" r:x=""`, false},
		{"one local name with and without a prefix", `x="" p:x=""`, false},
		{"long names differing in their last word", `abcdefghijklmnopq="" abcdefghijklmnopr=""`, false},
		{"long names the same", `abcdefghijklmnopq="" abcdefghijklmnopq=""`, true},
	}
	for _, c := range cases {
		in := `<a xmlns:p="u" xmlns:q="u" xmlns:r="v"><b ` + c.attrs + `/></a>`
		_, err := dump(in, Options{})
		if c.dup != (err != nil) {
			t.Errorf("%s: %s: error %v, want a duplicate %v", c.reason, c.attrs, err, c.dup)
		}
		if err != nil && !errors.Is(err, ErrSyntax) {
			t.Errorf("%s: %v is not ErrSyntax", c.reason, err)
		}
	}
}

// TestTextPaths: text read by the plain run up to markup and text read out of line
// (lexTextRest) give the same tokens, positions and errors, read whole or a byte at a
// time (the run then ends at the end of the buffer, again and again).
func TestTextPaths(t *testing.T) {
	cases := []struct {
		reason, in string
		want       string // the Text tokens' data and positions, or "error"
	}{
		{"a plain run in the root", "<a>plain text</a>", `1:4 "plain text"`},
		{"a tab is plain", "<a>x\ty</a>", `1:4 "x\ty"`},
		{"a run of eight and more bytes", "<a>0123456789abcdefg</a>", `1:4 "0123456789abcdefg"`},
		{"a line feed inside the run counts a line", "<a>x\ny</a><!---->", `1:4 "x\ny"`},
		{"a line feed and spaces only (indentation)", "<a>\n  <b/>\n</a>", `1:4 "\n  " 2:7 "\n"`},
		{"a reference after plain bytes", "<a>x &amp; y</a>", `1:4 "x & y"`},
		{"a carriage return", "<a>x\r\ny\rz</a>", `1:4 "x\ny\nz"`},
		{"a lone ]", "<a>x]y</a>", `1:4 "x]y"`},
		{"]]> is an error", "<a>x]]>y</a>", "error"},
		{"a control byte is an error", "<a>x\x01y</a>", "error"},
		{"non-ASCII text", "<a>Zoë Müller</a>", `1:4 "Zoë Müller"`},
		{"invalid UTF-8 is an error", "<a>x\xffy</a>", "error"},
		{"white space before the root", " \n<a/>", `1:1 " \n"`},
		{"text before the root is an error", "x<a/>", "error"},
		{"text after the root is an error", "<a/>x", "error"},
		{"white space after the root, at the end of input", "<a/> \n", `1:5 " \n"`},
	}
	for _, c := range cases {
		for _, one := range []bool{false, true} {
			var r io.Reader = strings.NewReader(c.in)
			if one {
				r = iotest.OneByteReader(r)
			}
			s := New(r, Options{})
			var got []string
			for {
				k, err := s.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					got = []string{"error"}
					break
				}
				if k == Text {
					l, col := s.Pos()
					got = append(got, fmt.Sprintf("%d:%d %q", l, col, s.Data()))
				}
			}
			if g := strings.Join(got, " "); g != c.want {
				t.Errorf("%s (a byte at a time %v): %q: got %s, want %s", c.reason, one, c.in, g, c.want)
			}
		}
	}
}
