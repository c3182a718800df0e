package odm

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/nsscope"
)

// scopeDecls returns n namespace declarations, prefix pfx+k bound to uri+k.
func scopeDecls(pfx, uri string, n int) []Attr {
	as := make([]Attr, n)
	for k := range as {
		as[k] = Attr{Name{NSXMLNS, "xmlns", fmt.Sprintf("%s%d", pfx, k)}, fmt.Sprintf("%s%d", uri, k)}
	}
	return as
}

// TestWriterScopeWork: the writer's namespace look-ups cost the same however many
// bindings are in scope. Before the index, each compared every binding from the innermost
// to the one it found: 64 levels of 64 declarations and attributes in the outermost
// prefixes cost 4,096 comparisons per attribute ("convert --to odm" of a 6.5 MB file built
// so took 16 s).
func TestWriterScopeWork(t *testing.T) {
	cases := []struct {
		reason       string
		levels, decl int
	}{
		{"a handful of bindings, scanned", 2, 4},
		{"a large scope, one level", 1, 1000},
		{"a large scope over many levels", 64, 64},
	}
	for _, c := range cases {
		var out bytes.Buffer
		x := newXW(&out, WriteOptions{})
		x.startTag(Name{Local: "r"}, nil)
		x.str(">")
		var qns []string
		for l := range c.levels {
			qns = append(qns, x.startTag(Name{Local: "a"}, scopeDecls(fmt.Sprintf("p%d_", l), fmt.Sprintf("u%d_", l), c.decl)))
			x.str(">")
		}
		const elems = 50
		x.steps = 0
		for i := range elems {
			// Two prefixes that alternate, past the writer's small cache of bound prefixes,
			// and a third one declared on each element, which changes the scope.
			p := fmt.Sprintf("p0_%d", i%2)
			x.startTag(Name{Local: "e"}, []Attr{
				{Name{NSXMLNS, "xmlns", "own"}, "urn:own"},
				{Name{"u0_0", "p0_0", "x"}, "1"},
				{Name{"u0_1", "p0_1", "y"}, "2"},
				{Name{"u0_" + p[len(p)-1:], p, "z"}, "3"},
				{Name{"urn:own", "own", "w"}, "4"},
			})
			x.str("/>")
			x.pop()
		}
		steps := x.steps
		for l := len(qns) - 1; l >= 0; l-- {
			x.endTag(qns[l])
		}
		x.endTag("r")
		if err := x.flush(); err != nil {
			t.Fatalf("%s: %v", c.reason, err)
		}
		// Four look-ups per element, at most nsscope.At+1 comparisons each.
		if limit := 4 * elems * (nsscope.At + 1); steps > limit {
			t.Errorf("%s: %d bindings compared, want at most %d", c.reason, steps, limit)
		}
		// What was written declares each prefix it uses, bound as the names say.
		d := xml.NewDecoder(&out)
		elements := 0
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: the output does not read back: %v", c.reason, err)
			}
			se, ok := tok.(xml.StartElement)
			if !ok || se.Name.Local != "e" {
				continue
			}
			elements++
			for _, a := range se.Attr {
				if a.Name.Space != "xmlns" && a.Name.Local != "w" && !strings.HasPrefix(a.Name.Space, "u0_") {
					t.Errorf("%s: attribute %s read back in namespace %q", c.reason, a.Name.Local, a.Name.Space)
				}
			}
		}
		if elements != elems {
			t.Errorf("%s: %d elements read back, want %d", c.reason, elements, elems)
		}
	}
}

// TestWriterScopeUnwind: bindings that shadow others, past nsscope.At, are unwound in
// order: each end of an element restores what it shadowed, and the output reads back
// with every attribute in the namespace it was written in.
func TestWriterScopeUnwind(t *testing.T) {
	n := nsscope.At + 8
	var out bytes.Buffer
	x := newXW(&out, WriteOptions{})
	a := x.startTag(Name{Local: "a"}, scopeDecls("p", "u", n))
	x.str(">")
	b := x.startTag(Name{Local: "b"}, scopeDecls("p", "v", n))
	x.str(">")
	x.startTag(Name{Local: "c"}, []Attr{{Name{"v3", "p3", "x"}, "1"}})
	x.str("/>")
	x.pop()
	x.endTag(b)
	// p3 is bound to u3 again; a name in v3 needs a declaration of its own.
	x.startTag(Name{Local: "d"}, []Attr{{Name{"u3", "p3", "x"}, "2"}, {Name{"v3", "p3", "y"}, "3"}})
	x.str("/>")
	x.pop()
	x.endTag(a)
	// A scope that crosses the threshold and falls back, again and again: the index is
	// built afresh each time.
	f := x.startTag(Name{Local: "f"}, scopeDecls("p", "u", nsscope.At))
	x.str(">")
	for range 3 {
		x.startTag(Name{Local: "g"}, []Attr{{Name{NSXMLNS, "xmlns", "p0"}, "w0"}, {Name{"w0", "p0", "x"}, "4"}, {Name{"u1", "p1", "y"}, "5"}})
		x.str("/>")
		x.pop()
		x.startTag(Name{Local: "h"}, []Attr{{Name{"u0", "p0", "x"}, "6"}})
		x.str("/>")
		x.pop()
	}
	x.endTag(f)
	if err := x.flush(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"c.x": "v3", "d.x": "u3", "d.y": "v3", "g.x": "w0", "g.y": "u1", "h.x": "u0"}
	seen := map[string]bool{}
	d := xml.NewDecoder(&out)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the output does not read back: %v\n%s", err, out.String())
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		for _, at := range se.Attr {
			if w, ok := want[se.Name.Local+"."+at.Name.Local]; ok {
				if at.Name.Space != w {
					t.Errorf("%s/@%s read back in %q, want %q", se.Name.Local, at.Name.Local, at.Name.Space, w)
				}
				seen[se.Name.Local+"."+at.Name.Local] = true
			}
		}
	}
	if len(seen) != len(want) {
		t.Errorf("attributes written: %v, want %v", seen, want)
	}
}
