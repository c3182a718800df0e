package xmlscan

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/nsscope"
)

// decls returns n namespace declarations, prefix pfx+k bound to uri+k.
func decls(pfx, uri string, n int) string {
	var b strings.Builder
	for k := range n {
		fmt.Fprintf(&b, ` xmlns:%s%d="%s%d"`, pfx, k, uri, k)
	}
	return b.String()
}

// prefixed returns n attributes x, one for each prefix pfx+k.
func prefixed(pfx string, n int) string {
	var b strings.Builder
	for k := range n {
		fmt.Fprintf(&b, ` %s%d:x="%d"`, pfx, k, k)
	}
	return b.String()
}

// resolveScan lists the resolved names of in's elements and attributes as the scanner
// gives them (the form of resolveStd), and the bindings its look-ups compared.
func resolveScan(in string) ([]string, int, error) {
	var got []string
	s := New(strings.NewReader(in), Options{})
	for {
		k, err := s.Next()
		if err == io.EOF {
			return got, s.steps, nil
		}
		if err != nil {
			return nil, 0, err
		}
		if k != StartElement {
			continue
		}
		got = append(got, "{"+s.Space()+"}"+string(s.Local()))
		for i := range s.NumAttrs() {
			if space := s.AttrSpace(i); space != NSXMLNS {
				got = append(got, " @{"+space+"}"+string(s.AttrLocal(i)))
			}
		}
	}
}

// TestLargeScope: past nsscope.At bindings look-ups go through an index; the names
// resolve as encoding/xml resolves them however the index was built, shadowed and
// unwound.
func TestLargeScope(t *testing.T) {
	n := nsscope.At + 8
	cases := []struct{ reason, in string }{
		{"the index is built by one element's declarations",
			`<a` + decls("p", "u", n) + `><b` + prefixed("p", n) + `/></a>`},
		{"the index is built at the binding that crosses the threshold, mid-element",
			`<a` + decls("p", "u", nsscope.At) + `><b` + decls("q", "v", 3) + prefixed("p", 2) + prefixed("q", 3) + `/></a>`},
		{"a prefix rebound in an inner scope, then back after it",
			`<a` + decls("p", "u", n) + `><b` + decls("p", "v", n) + prefixed("p", n) + `/><c` + prefixed("p", n) + `/></a>`},
		{"a prefix rebound twice: each end restores the one it shadowed",
			`<a` + decls("p", "u", n) + `><b xmlns:p1="v"><c xmlns:p1="w" p1:x="1"/><d p1:x="2"/></b><e p1:x="3"/></a>`},
		{"the default namespace in a large scope, undeclared by xmlns=\"\" and back",
			`<a xmlns="d"` + decls("p", "u", n) + `><b/><c xmlns=""><e/></c><f/></a>`},
		{"the scope shrinks below the threshold and grows again",
			`<r xmlns:z="z"><a` + decls("p", "u", n) + `><b p0:x="1"/></a><c xmlns:p0="v" p0:x="2" z:y="3"/><d` + decls("p", "w", n) + prefixed("p", n) + `/></r>`},
		{"bindings over many levels, the outermost looked up from the innermost",
			`<a` + decls("p", "u", 8) + `>` + strings.Repeat(`<b`+decls("q", "v", 8)+`>`, 8) + `<c` + prefixed("p", 8) + `/>` + strings.Repeat(`</b>`, 8) + `</a>`},
		{"elements that each cross the threshold and fall back, the index built afresh each time",
			`<a` + decls("p", "u", nsscope.At) + `>` + strings.Repeat(`<b xmlns:p0="v" p0:x="1" p1:y="2"/><c p0:x="3"/>`, 3) + `</a>`},
		{"a prefixed element name found through the index",
			`<a` + decls("p", "u", n) + `><p3:b p7:x="1"/></a>`},
	}
	for _, c := range cases {
		sameAsStd(t, c.reason, c.in)
	}
	_, _, err := resolveScan(`<a` + decls("p", "u", n) + `><b xmlns:q="v"/><c q:x="1"/></a>`)
	if err == nil {
		t.Errorf("a prefix out of scope after its element ended resolved")
	}
}

// TestScopeWork: a namespace look-up costs the same however many bindings are in scope.
// Before the index, a look-up compared every binding from the innermost to the one it
// found: 64 levels of 64 declarations, and elements whose attributes use the outermost
// prefixes, cost 4,096 comparisons per attribute (a 6 MB file built so took 13 s).
func TestScopeWork(t *testing.T) {
	cases := []struct {
		reason       string
		levels, decl int
	}{
		{"a handful of bindings, scanned", 2, 4},
		{"a large scope, one level", 1, 1000},
		{"a large scope over many levels", 64, 64},
	}
	for _, c := range cases {
		var b strings.Builder
		b.WriteString(`<r>`)
		for l := range c.levels {
			b.WriteString(`<a` + decls(fmt.Sprintf("p%d_", l), "u", c.decl) + `>`)
		}
		const elems = 50
		for range elems {
			// Alternate two prefixes, which defeats the cache of the last one.
			b.WriteString(`<e p0_0:x="1" p0_1:y="2"/>`)
		}
		b.WriteString(strings.Repeat(`</a>`, c.levels) + `</r>`)
		_, steps, err := resolveScan(b.String())
		if err != nil {
			t.Fatalf("%s: %v", c.reason, err)
		}
		// Two look-ups per element, at most nsscope.At+1 comparisons each.
		if limit := 2 * elems * (nsscope.At + 1); steps > limit {
			t.Errorf("%s: %d bindings compared, want at most %d", c.reason, steps, limit)
		}
	}
}
