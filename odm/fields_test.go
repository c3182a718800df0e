package odm

import (
	"reflect"
	"strings"
	"testing"
)

// TestFillSetsEveryField: fill sets a start tag's token field by field, and every field:
// the token the scanner reuses holds whatever the token before it left, here something
// in each field, and after fill it is what a token made whole would be.
func TestFillSetsEveryField(t *testing.T) {
	cases := []struct {
		name, doc string
	}{
		{"default namespace, attributes", `<ODM xmlns="urn:x" a="1" b="2"/>`},
		{"prefixed, no attributes", `<p:ODM xmlns:p="urn:p"/>`},
	}
	for _, c := range cases {
		s := newScanner(strings.NewReader(c.doc), ReadOptions{})
		k, err := s.raw()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		s.cur = token{kind: tText, name: Name{Space: "old", Prefix: "old", Local: "old"}, attrs: []Attr{{}}, data: "old",
			cdata: true, blank: true, other: &Comment{Data: "old"}, line: 99, col: 99, lazy: true}
		got := *s.fill(k, true)
		line, col := s.xs.Pos()
		want := token{kind: tStart, name: Name{Space: s.xs.Space(), Prefix: string(s.xs.Prefix()), Local: string(s.xs.Local())}, attrs: got.attrs, line: line, col: col}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: fill left %+v, want %+v", c.name, got, want)
		}
		if len(got.attrs) != s.xs.NumAttrs() {
			t.Errorf("%s: %d attributes, want %d", c.name, len(got.attrs), s.xs.NumAttrs())
		}
	}
}

// TestReadAttrsSetsEverySourceField: readAttrs sets every field of the source it takes
// from the arena, one by one: in recycle mode that memory holds an older element's
// source, here one with something in each field, and the new one must be what a source
// made whole would be.
func TestReadAttrsSetsEverySourceField(t *testing.T) {
	doc := `<User xmlns="http://www.cdisc.org/ns/odm/v1.3" OID="U1" x:v="1" xmlns:x="urn:x">`
	s := newScanner(strings.NewReader(doc), ReadOptions{})
	s.odmNS = "http://www.cdisc.org/ns/odm/v1.3"
	s.ar.setRecycle(true)
	old := s.ar.srcs.one()
	*old = source{sp: specUser20, prefix: "old", attrs: []Attr{{}}, lay: []byte{1}, aux: []Node{&Text{}}, trail: "\n", empty: true, shared: true, line0: 7}
	s.ar.reset()
	tk, err := s.next()
	if err != nil {
		t.Fatal(err)
	}
	u := new(User)
	if err := s.readAttrs(u.model(), tk); err != nil {
		t.Fatal(err)
	}
	if u.src != old {
		t.Fatalf("the source is not the recycled one")
	}
	want := source{sp: u.model().spec(s.version), attrs: tk.attrs}
	if !reflect.DeepEqual(*u.src, want) {
		t.Errorf("source %+v, want %+v", *u.src, want)
	}
}
