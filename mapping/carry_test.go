package mapping

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/odmadmin/odmadmin/internal/gen"
)

// notCarriedXML counts as NotCarried did with encoding/xml's RawToken (which took as long
// as the rest of map --to odm2): the reference NotCarried's scanner is held to.
func notCarriedXML(r io.Reader) (map[string]int, []string, error) {
	d := xml.NewDecoder(r)
	d.Strict = true
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	counts := map[string]int{}
	var order []string
	add := func(k string) {
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	depth := 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return counts, order, nil
		}
		if err != nil {
			return nil, nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 && t.Name.Local != "AdminData" {
				n := t.Name.Local
				if t.Name.Space != "" {
					n = t.Name.Space + ":" + n
				}
				add("ODM/" + n)
			}
		case xml.EndElement:
			depth--
		case xml.Comment:
			if depth <= 1 {
				add("comment")
			}
		case xml.ProcInst:
			if t.Target != "xml" && depth <= 1 {
				add("processing-instruction")
			}
		case xml.Directive:
			if depth == 0 {
				add("DOCTYPE")
			}
		}
	}
}

// TestNotCarriedAsEncodingXML: NotCarried reports what encoding/xml's tokens say is outside
// AdminData, kind by kind, in the same order and counts, for every ODM file the patch
// tests read and for documents with each kind of content outside AdminData.
func TestNotCarriedAsEncodingXML(t *testing.T) {
	docs := map[string]string{
		"every kind": `<?xml version="1.0"?><!DOCTYPE ODM [<!-- in the subset --><!ENTITY e "x">]><!-- c --><?pi x?>` +
			`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:v="urn:v"><?pi in root?><!-- in root -->` +
			`<Study OID="S"/><Study OID="T"><!-- inside --><?pi inside?></Study><AdminData><!-- admin --><?pi admin?></AdminData>` +
			`<ClinicalData StudyOID="S" MetaDataVersionOID="1"/><v:Thing/><v:AdminData/></ODM><!-- after --><?pi after?>`,
		"AdminData only": `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><AdminData><User OID="U"/></AdminData></ODM>`,
		"prefixed root":  `<o:ODM xmlns:o="http://www.cdisc.org/ns/odm/v1.3"><o:Study OID="S"/><o:AdminData/></o:ODM>`,
		// What the markup scanner must not take for markup: ">", "/>", quotes and tags in
		// attribute values, comments, CDATA sections, processing instructions and the
		// DOCTYPE's literals and internal subset.
		"markup in values": `<!DOCTYPE ODM SYSTEM "a>b" [<!ENTITY e 'x]>y'><!-- ]> "' --><?p ]>?>]>` +
			`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" a='>' b="/>" c="'!--'"><?xml-stylesheet href="s"?>` +
			`<AdminData><User OID="a>b/" x='"'><!-- </AdminData><Study/> --><![CDATA[</AdminData><Study>]]>` +
			`<?pi </AdminData><Study?></User></AdminData ><Study OID='/>'/><Study OID="/>" A='/>'><x/></Study><Clinical-Data></Clinical-Data></ODM>`,
		"same names inside": `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><AdminData><AdminData xmlns="urn:x"><AdminData>` +
			`<AdminData/></AdminData></AdminData><AdminDataX><AdminData-y/></AdminDataX><!--</AdminData>--></AdminData` + "\n\t" + `>` +
			`<Study OID="S"><Study xmlns="urn:x"><Study/><Study></Study></Study><StudyX/><?Study </Study>?></Study  ><!-- out --></ODM>`,
		"deep and empty": `<ODM><a:AdminData xmlns:a="urn:a"><AdminData/></a:AdminData><AdminData><x><y/></x><x/></AdminData><S/><S></S></ODM>` + "\n<!--end-->",
	}
	for _, f := range patchFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = string(data)
	}
	for name, doc := range docs {
		want, order, err := notCarriedXML(strings.NewReader(doc))
		if err != nil {
			t.Logf("%s: encoding/xml refuses it (%v); skipped", name, err)
			continue
		}
		// Whole, and a byte at a time (every construct split across reads).
		for _, r := range []io.Reader{strings.NewReader(doc), iotest.OneByteReader(strings.NewReader(doc))} {
			ws, err := NotCarried(r)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			var gotOrder []string
			for _, w := range ws {
				gotOrder = append(gotOrder, w.Field)
				if w.Count != want[w.Field] {
					t.Errorf("%s: %s counted %d, want %d", name, w.Field, w.Count, want[w.Field])
				}
			}
			if !slices.Equal(gotOrder, order) {
				t.Errorf("%s: kinds %v, want %v", name, gotOrder, order)
			}
		}
	}
}

// TestNotCarriedUTF16: a document in UTF-16 is read as odm reads it (transcoded), not
// refused.
func TestNotCarriedUTF16(t *testing.T) {
	doc := `<?xml version="1.0" encoding="UTF-16"?><ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><Study OID="S"/><AdminData/></ODM>`
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xFE})
	for _, r := range doc {
		b.Write([]byte{byte(r), 0})
	}
	ws, err := NotCarried(&b)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 1 || ws[0].Field != "ODM/Study" || ws[0].Count != 1 {
		t.Errorf("got %+v", ws)
	}
}

// TestNotCarriedEndsInMarkup: a document cut inside markup or an element is an error, not
// a count of what came before.
func TestNotCarriedEndsInMarkup(t *testing.T) {
	for _, doc := range []string{
		`<ODM><Study`, `<ODM><Study a="x>`, `<ODM><!-- c -`, `<ODM><![CDATA[x`, `<?pi`,
		`<!DOCTYPE ODM [<!ENTITY e "x">`, `<ODM><Study/>`, `<ODM></ODM`,
	} {
		if ws, err := NotCarried(strings.NewReader(doc)); err == nil {
			t.Errorf("%q: no error (%+v)", doc, ws)
		}
	}
}

// TestNotCarriedSkipsElements: the scan stops at the markup of the root and its children
// only, not at each tag inside them (some 40 a user of a generated InForm export: 80,000
// and more for 2,000 users before), and counts the same.
func TestNotCarriedSkipsElements(t *testing.T) {
	var doc bytes.Buffer
	if err := gen.InForm(&doc, 2000); err != nil {
		t.Fatal(err)
	}
	// Content outside AdminData around it, so that the count has something to find.
	data := strings.Replace(doc.String(), "<AdminData", "<!-- before --><Study OID=\"S\"><Study xmlns=\"urn:x\"><Study/></Study></Study><AdminData", 1)
	want, order, err := notCarriedXML(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	marks := 0
	ws, err := notCarried(strings.NewReader(data), &marks)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range ws {
		got = append(got, w.Field)
		if w.Count != want[w.Field] {
			t.Errorf("%s counted %d, want %d", w.Field, w.Count, want[w.Field])
		}
	}
	if !slices.Equal(got, order) || len(order) != 2 {
		t.Errorf("kinds %v, want %v (a comment, a Study)", got, order)
	}
	if marks > 20 {
		t.Errorf("the scan stopped at %d pieces of markup, want at most 20 (the root's and its children's)", marks)
	}
}
