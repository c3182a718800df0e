package main

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/antchfx/xmlquery"

	"github.com/odmadmin/odmadmin/internal/nsscope"
)

// nestedDecls is a record of levels nested elements that declare decl prefixes each,
// then elems elements with attributes in the outermost prefixes and one declared on each.
func nestedDecls(levels, decl, elems int) string {
	var b strings.Builder
	b.WriteString(`<User xmlns="urn:odm">`)
	for l := range levels {
		b.WriteString("<N")
		for k := range decl {
			fmt.Fprintf(&b, ` xmlns:p%d_%d="urn:%d:%d"`, l, k, l, k)
		}
		b.WriteString(">")
	}
	for i := range elems {
		fmt.Fprintf(&b, `<E xmlns:own="urn:own" own:w="1" p0_0:x="1" p0_%d:y="2"/>`, 1+i%2)
	}
	b.WriteString(strings.Repeat("</N>", levels) + "</User>")
	return b.String()
}

// TestQueryOutputScopeWork: writing a node costs the same per name however many
// namespace bindings are in force. Before, each declaration and each name looked the
// bindings up from the innermost out: 200 levels of 1,000 declarations took a minute to
// print.
func TestQueryOutputScopeWork(t *testing.T) {
	cases := []struct {
		reason              string
		levels, decl, elems int
	}{
		{"a handful of bindings, scanned", 2, 4, 40},
		{"a large scope, one level", 1, 400, 40},
		{"a large scope over many levels", 40, 40, 40},
	}
	for _, c := range cases {
		doc, err := xmlquery.Parse(strings.NewReader(nestedDecls(c.levels, c.decl, c.elems)))
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		w := bufio.NewWriter(&out)
		sc := &scope{}
		writeXML(w, rootElement(doc), sc)
		w.Flush()
		// A few comparisons per name and declaration written (about 9 measured for the
		// handful, scanned; 2 for the large scopes, which took 100 to 900 before).
		names := c.levels*(c.decl+2) + c.elems*6 + 2
		if limit := 16 * names; sc.steps > limit {
			t.Errorf("%s: %d bindings compared, want at most %d", c.reason, sc.steps, limit)
		}
		if len(sc.binds) != 0 {
			t.Errorf("%s: %d bindings left in force after the node", c.reason, len(sc.binds))
		}
		// What was written reads back with the same names.
		back, err := xmlquery.Parse(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("%s: the output does not read back: %v", c.reason, err)
		}
		for _, e := range xmlquery.Find(back, "//*[local-name()='E']") {
			for _, a := range e.Attr {
				if a.Name.Local == "x" && a.NamespaceURI != "urn:0:0" || a.Name.Local == "w" && a.NamespaceURI != "urn:own" {
					t.Errorf("%s: attribute %s read back in %q", c.reason, a.Name.Local, a.NamespaceURI)
				}
			}
		}
	}
}

// TestQueryOutputScopeShadowing: past nsscope.At bindings as with a few, a prefix
// bound again in an inner element covers the outer binding until that element ends, and
// a namespace whose prefix is covered is written with another (b's q:y, p0 being bound to
// another namespace there).
func TestQueryOutputScopeShadowing(t *testing.T) {
	for _, n := range []int{2, nsscope.At + 8} {
		var b strings.Builder
		b.WriteString(`<r xmlns:z="urn:z"`)
		for k := range n {
			fmt.Fprintf(&b, ` xmlns:p%d="urn:u%d"`, k, k)
		}
		b.WriteString(`><a xmlns:p0="urn:v" p0:x="1"><b xmlns:q="urn:u0" q:y="2" p1:y="3"/></a><c p0:x="4"/></r>`)
		doc, err := xmlquery.Parse(strings.NewReader(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		w := bufio.NewWriter(&out)
		writeXML(w, rootElement(doc), nil)
		w.Flush()
		back, err := xmlquery.Parse(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("%d bindings: the output does not read back: %v\n%s", n, err, out.String())
		}
		want := map[string]string{"a/x": "urn:v", "c/x": "urn:u0"}
		for _, e := range xmlquery.Find(back, "//*") {
			for _, a := range e.Attr {
				if u, ok := want[e.Data+"/"+a.Name.Local]; ok && a.NamespaceURI != u {
					t.Errorf("%d bindings: %s/@%s in %q, want %q\n%s", n, e.Data, a.Name.Local, a.NamespaceURI, u, out.String())
				}
			}
		}
	}
}

// rootElement returns the document's element (xmlquery puts a declaration node first).
func rootElement(doc *xmlquery.Node) *xmlquery.Node {
	for c := doc.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == xmlquery.ElementNode {
			return c
		}
	}
	return nil
}
