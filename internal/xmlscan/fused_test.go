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

// dumpFused is dump reading the way the odm decoder does: every token with NextIndented
// (indentation of at most 9 bytes passed over, so that longer runs take Next's way too)
// and, after every start tag not written <x/>, TextEnd first. It renders what the two
// pass over (the indentation; the text and the end tag TextEnd reads) as dump renders the
// tokens Next returns for them, positions included: the two dumps of an input are equal
// exactly when the calls read what Next reads.
func dumpFused(r io.Reader, opts Options) (string, error) { return dumpCalls(r, opts, false) }

// dumpTaken is dumpFused reading as the odm decoder does inside a typed element: before
// each token it asks PeekText, and takes what it found (TakeText) unless the element is
// named "skip" (the decoder takes only the text children of its content model), rendering
// the indentation, the start tag, the text and the end tag TakeText reads as dump renders
// Next's tokens. After a start tag read otherwise it tries TextEnd first, as dumpFused.
func dumpTaken(r io.Reader, opts Options) (string, error) { return dumpCalls(r, opts, true) }

// dumpCalls is dumpFused, and with take dumpTaken.
func dumpCalls(r io.Reader, opts Options, take bool) (string, error) {
	s := New(r, opts)
	var b strings.Builder
	// at is the position of the next unread byte, as Pos gives a token's.
	at := func() string {
		return fmt.Sprintf("%d:%d", s.line, int(s.base+int64(s.pos)-s.lineStart)+1)
	}
	for {
		before := at()
		if take {
			if took, err := takeText(&b, s, before); err != nil {
				return b.String(), err
			} else if took {
				continue
			}
		}
		k, n, err := s.NextIndented(9)
		if n > 0 {
			writeIndent(&b, before, n)
		}
		if err == io.EOF {
			return b.String(), nil
		}
		if err != nil {
			return b.String(), err
		}
		writeToken(&b, s, k)
		if k != StartElement || s.SelfClosing() {
			continue
		}
		before = at()
		if d, ok := s.TextEnd(); ok {
			if len(d) > 0 {
				fmt.Fprintf(&b, "%s %d %q\n", before, Text, d)
			}
			writeToken(&b, s, EndElement)
		}
	}
}

// takeText asks PeekText for a text-only element where s stands (before is that place)
// and takes it with TakeText, rendering what it read, unless it found none or one named
// "skip"; it reports whether it took one.
func takeText(b *strings.Builder, s *Scanner, before string) (bool, error) {
	depth := s.Depth()
	space, local, ok := s.PeekText(9)
	if !ok || string(local) == "skip" {
		return false, nil
	}
	name := string(local)
	n, line, col, ok := s.TakeText()
	if !ok {
		return false, errors.New("TakeText took nothing after PeekText found an element")
	}
	if n > 0 {
		writeIndent(b, before, n)
	}
	fmt.Fprintf(b, "%d:%d <{%s}:%s>\n", line, col, space, name)
	if text := s.Data(); len(text) > 0 {
		fmt.Fprintf(b, "%d:%d %d %q\n", line, col+len(name)+2, Text, text)
	}
	if s.NumAttrs() != 0 || s.Depth() != depth {
		return false, fmt.Errorf("after TakeText: %d attributes, depth %d, not %d", s.NumAttrs(), s.Depth(), depth)
	}
	writeToken(b, s, EndElement)
	return true, nil
}

// writeIndent renders indentation of n bytes passed over at before as dump renders the
// Text token Next returns for it.
func writeIndent(b *strings.Builder, before string, n int) {
	fmt.Fprintf(b, "%s %d %q\n", before, Text, "\n"+strings.Repeat(" ", n-1))
}

// fusedCases are inputs where the two calls read and where they leave the input to Next.
var fusedCases = []struct{ name, in string }{
	{"indented text children", "<a>\n  <b>x</b>\n  <c>y z</c>\n  <d></d>\n  <e/>\n</a>\n"},
	{"indentation too long for max", "<a>\n            <b>x</b>\n</a>"},
	{"indentation with a tab", "<a>\n \t<b>x</b>\n\t</a>"},
	{"indentation not before markup", "<a>\n  x<b/>\n  </a>"},
	{"carriage return before the line feed", "<a>\r\n  <b>x</b>\r\n</a>"},
	{"text with a reference", "<a><b>x &amp; y</b></a>"},
	{"text over lines", "<a><b>x\ny</b></a>"},
	{"non-ASCII text", "<a><b>Zoë</b></a>"},
	{"a bracket in text", "<a><b>x]y</b><c>]]</c></a>"},
	{"end tag with space before >", "<a><b>x</b ></a>"},
	{"end tag longer than the name", "<a><b>x</bc></a>"},
	{"end tag not matching", "<a><b>x</c></a>"},
	{"child element after text", "<a><b>x<c/></b></a>"},
	{"comment inside", "<a><b>x<!--c--></b></a>"},
	{"prefixed names", `<p:a xmlns:p="u"><p:b>x</p:b>` + "\n " + `<q:c xmlns:q="v">y</q:c></p:a>`},
	{"namespace bound by the element itself", `<a><b xmlns="w">x</b></a>`},
	{"long names", "<a><averyveryverylongname>x</averyveryverylongname><n12345678>y</n12345678></a>"},
	{"text before the root's end", "<a>x</a>"},
	{"indentation after the root", "<a/>\n  <!-- c -->\n"},
	{"text longer than the token limit", "<a><b>" + strings.Repeat("x", 300) + "</b></a>"},
	{"indentation longer than the token limit", "<a>\n" + strings.Repeat(" ", 300) + "<b/></a>"},
	{"end tag one byte over a limit its start tag is at", "<a><abc>x</abc></a>"},
	{"indentation of seven", "<a>\n      <b>x</b>\n</a>"},
	{"unclosed", "<a><b>x</b>"},
	{"end of input in the end tag", "<a><b>x</b"},
	{"an element PeekText finds and the caller reads otherwise", "<a>\n  <skip>x</skip>\n  <b>y</b><skip></skip></a>"},
	{"text children in a prefixed element", `<p:a xmlns:p="u"><b>x</b></p:a>`},
	{"text children in the default namespace", `<a xmlns="u">` + "\n <b>x</b>\n <c></c></a>"},
	{"start tag with white space before >", "<a><b >x</b></a>"},
	{"start tag with an attribute", `<a><b c="1">x</b></a>`},
	{"empty-element tag", "<a><b/><c>x</c></a>"},
	{"deeper than the limit", "<a><b><c><d><e><f><g><h><i>x</i></h></g></f></e></d></c></b></a>"},
	{"a name PeekText leaves to Next", "<a><b-1.x_y>z</b-1.x_y><é>x</é></a>"},
	{"a processing instruction and a comment after indentation", "<a>\n  <?p x?>\n  <!--c--></a>"},
	{"indentation then the parent's end tag", "<a>\n  <b>x</b>\n</a>\n"},
	{"a text child after a sibling's default namespace went out of scope", `<a><b xmlns="v"><c/></b><d>x</d></a>`},
	// PeekText reads the start tag's name and finds no text child; Next reads the tag
	// with the name PeekText read (a prefix, attributes, children, a name of two words).
	{"start tags whose names PeekText read", `<a xmlns:p="u">` + "\n  " + `<p:b c="1">x</p:b>` + "\n  " + `<cc d="2"/>` +
		"\n  <dd><e>y</e></dd>\n  <p:ff>z</p:ff>\n  <lettersonlyname>\n  </lettersonlyname><g:h:i/></a>"},
	{"a start tag whose name PeekText read, in error after it", "<a>\n  <b =1>x</b></a>"},
	{"a name ending in a colon", "<a><b:>x</b:></a>"},
}

// TestTextEndAfterText: TextEnd after a Text token (not where the odm decoder calls it,
// but allowed) reads the end tag after it as Next would, and the end tag is not taken
// for indentation, which the Text token before it was.
func TestTextEndAfterText(t *testing.T) {
	s := New(strings.NewReader("<a>\n</a>"), Options{})
	for _, want := range []Kind{StartElement, Text} {
		if k, err := s.Next(); k != want || err != nil {
			t.Fatalf("got token %d, %v; want %d", k, err, want)
		}
	}
	if !s.Indent() {
		t.Fatal("the line feed is not indentation")
	}
	d, ok := s.TextEnd()
	if !ok || len(d) != 0 || s.Indent() || s.Empty() || string(s.Local()) != "a" || s.Depth() != 0 {
		t.Errorf("TextEnd = %q, %v; Indent %v, Empty %v, name %s, depth %d", d, ok, s.Indent(), s.Empty(), s.Local(), s.Depth())
	}
	if _, err := s.Next(); err != io.EOF {
		t.Errorf("after the root: %v, want io.EOF", err)
	}
}

// TestFusedReads: on the usual export layout the calls do read (a test of the tests: a
// TextEnd or NextIndented that never read would pass FuzzChunking), and
// NextIndented passes over no run longer than its max (Next returns that as Text).
func TestFusedReads(t *testing.T) {
	read := func(max int) string {
		s := New(strings.NewReader("<a>\n  <b>x</b>\n  <c></c>\n</a>"), Options{})
		steps := []string{}
		for {
			k, n, err := s.NextIndented(max)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				steps = append(steps, fmt.Sprintf("indent %d", n))
			}
			if k == Text {
				steps = append(steps, fmt.Sprintf("text token %q", s.Data()))
			}
			if k == StartElement && !s.SelfClosing() {
				if d, ok := s.TextEnd(); ok {
					steps = append(steps, fmt.Sprintf("text %q end %s", d, s.Local()))
				}
			}
		}
		return strings.Join(steps, "; ")
	}
	if got, want := read(80), `indent 3; text "x" end b; indent 3; text "" end c; indent 1`; got != want {
		t.Errorf("max 80: read %s, want %s", got, want)
	}
	if got, want := read(2), `text token "\n  "; text "x" end b; text token "\n  "; text "" end c; indent 1`; got != want {
		t.Errorf("max 2: read %s, want %s", got, want)
	}
}

// TestTakeTextReads: on the usual export layout PeekText finds the text children and
// TakeText reads them (a test of the tests, as TestFusedReads), and neither finds the
// elements that hold others, end tags, or a child of an element as deep as the limit.
func TestTakeTextReads(t *testing.T) {
	in := "<a>\n  <b>x</b>\n  <c></c>\n  <d>\n    <e>y</e>\n  </d>\n</a>"
	read := func(opts Options) string {
		s := New(strings.NewReader(in), opts)
		steps := []string{}
		for {
			if _, local, ok := s.PeekText(80); ok {
				name := string(local)
				n, line, col, ok := s.TakeText()
				steps = append(steps, fmt.Sprintf("take %d %s %q at %d:%d %v", n, name, s.Data(), line, col, ok))
				continue
			}
			k, _, err := s.NextIndented(80)
			if err == io.EOF {
				break
			}
			if err != nil {
				steps = append(steps, "error")
				break
			}
			if k == StartElement {
				steps = append(steps, "start "+string(s.Local()))
			}
		}
		return strings.Join(steps, "; ")
	}
	if got, want := read(Options{}), `start a; take 3 b "x" at 2:3 true; take 3 c "" at 3:3 true; start d; take 5 e "y" at 5:5 true`; got != want {
		t.Errorf("read %s, want %s", got, want)
	}
	if got, want := read(Options{MaxDepth: 2}), `start a; take 3 b "x" at 2:3 true; take 3 c "" at 3:3 true; start d; error`; got != want {
		t.Errorf("depth limit 2: read %s, want %s", got, want)
	}
	s := New(strings.NewReader(in), Options{})
	if _, _, _, ok := s.TakeText(); ok {
		t.Error("TakeText read without PeekText")
	}
}

// TestFusedOneByte: a token TextEnd leaves to Next because the buffer ends inside it is
// read whole by Next (the one-byte reading above checks the same on every input; this
// one pins a long run of text, which fills several buffers).
func TestFusedOneByte(t *testing.T) {
	in := "<a>\n  <b>" + strings.Repeat("y", 70000) + "</b>\n</a>"
	want, werr := dump(in, Options{})
	got, err := dumpFused(iotest.HalfReader(strings.NewReader(in)), Options{})
	if got != want || err != werr {
		t.Errorf("fused read differs from Next's: %v, %v", err, werr)
	}
}

func FuzzFused(f *testing.F) {
	for _, c := range fusedCases {
		f.Add(c.in)
	}
	f.Add(`<a xmlns="u" x="1&#10;2"><b/>t&amp;<![CDATA[c]]><!--c--><?p d?></a>`)
	f.Fuzz(func(t *testing.T, in string) {
		opts := Options{MaxDepth: 8, MaxTokenBytes: 256, MaxAttrs: 8}
		want, wantErr := dump(in, opts)
		got, err := dumpFused(strings.NewReader(in), opts)
		if got != want || fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Fatalf("fused:\n%s%v\nNext:\n%s%v", got, err, want, wantErr)
		}
		if got, err := dumpTaken(strings.NewReader(in), opts); got != want || fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Fatalf("taken:\n%s%v\nNext:\n%s%v", got, err, want, wantErr)
		}
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("unpositioned error %v", err)
		}
	})
}

// TestSameNameAt: the word compares of sameNameAt decide as bytes.Equal does, for names of
// every length up to past two words, a byte changed anywhere in them or just after them,
// and with fewer than eight bytes left after either name (where it compares bytewise).
func TestSameNameAt(t *testing.T) {
	for m := 1; m <= 20; m++ {
		name := strings.Repeat("abcdefghij", 2)[:m]
		for change := -1; change <= m; change++ { // -1: none; m: the byte after the name
			other := []byte(name + ">")
			if change >= 0 {
				other[change] ^= 1
			}
			for tail := 0; tail <= 9; tail++ {
				b := []byte(name + ">" + strings.Repeat("z", 12) + string(other) + strings.Repeat("y", tail))
				j := m + 13
				want := bytes.Equal(b[:m], b[j:j+m])
				if got := sameNameAt(b, 0, j, m); got != want {
					t.Errorf("name %q, byte %d changed, %d bytes after: %v, want %v", name, change, tail, got, want)
				}
				if got := sameNameAt(b, j, 0, m); got != want {
					t.Errorf("name %q, byte %d changed, %d bytes after, swapped: %v, want %v", name, change, tail, got, want)
				}
			}
		}
	}
}
