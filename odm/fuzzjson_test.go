package odm_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/internal/testenv"
	"github.com/odmadmin/odmadmin/odm"
)

var fuzzRead = odm.ReadOptions{MaxTokenBytes: 1 << 16, MaxDepth: 64}

// FuzzJSON: for any JSON that JSON -> ODM accepts, the XML written reads back, and
// converting it to JSON gives the same content as the JSON read — the same elements,
// attributes, comments, PIs, typed values; nothing forged, nothing lost — and from then
// on JSON -> ODM -> JSON is a fixed point byte for byte. Seeds: the JSON form of our
// fixtures and small documents, hostile ones included.
func FuzzJSON(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(), "testdata", "*", "*.xml"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			var js bytes.Buffer
			if odm.StreamJSON(&js, odm.NewReader(bytes.NewReader(b), odm.ReadOptions{})) == nil {
				f.Add(js.Bytes())
			}
		}
	}
	for _, s := range []string{
		withContent(`{"type":"comment","text":"x-->y"}`),
		withContent(`{"type":"element","ns":"urn:x","prefix":"p","name":"e","attrs":[{"ns":"urn:y","prefix":"q","name":"a","value":"1\t2"}],"children":[{"type":"text","text":"a"},{"type":"text","text":"]]>","cdata":true},{"type":"pi","target":"t","text":"x"}]}`),
		withContent(`{"type":"element","name":"e","attrs":[{"name":"a=\"1\"><User OID=\"evil\"/><x","value":""}]}`),
		jsonHead + `"content":[],"adminData":[{"users":[{"oid":"u","emails":["a@example.org"],"nodes":[{"type":"comment","text":"c","slot":0}]}],"locations":[{"oid":"L"}]},{"users":[{"oid":"v"}],"continued":true}],"epilog":[]}`,
		jsonHead + `"content":[],"adminData":[{"users":[{"oid":"a"}],"users":[{"oid":"b"}]}]}`,
		`{"odm":{"version":"2.0"},"adminData":[{"studyOID":"S","organizations":[{"oid":"o","description":{"translatedTexts":[{"lang":"en","text":"d"}]}}]}]}`,
		`{"odm":{"version":"1.3"},"adminData":[{"users":[{"oid":"a"}],"nodes":[{"type":"element","name":"x","slot":0}]}]}`,
		// Found by mutation: one prefix for two namespaces on one element.
		withContent(`{"type":"element","name":"e","attrs":[{"ns":"urn:a","prefix":"p","name":"a","value":"1"},{"ns":"urn:b","prefix":"p","name":"b","value":"2"}]}`),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(jsonProperty)
}

func jsonProperty(t *testing.T, data []byte) {
	{
		var x1 bytes.Buffer
		if _, err := odm.JSONToODM(&x1, bytes.NewReader(data), fuzzRead, odm.WriteOptions{}); err != nil {
			var pe *odm.Error
			var de *odm.DropError
			if !errors.As(err, &pe) && !errors.As(err, &de) {
				t.Fatalf("error is not an *odm.Error: %T %v", err, err)
			}
			return
		}
		var j2 bytes.Buffer
		if err := odm.StreamJSON(&j2, odm.NewReader(bytes.NewReader(x1.Bytes()), fuzzRead)); err != nil {
			t.Fatalf("the XML written does not read back: %v\n%s", err, x1.Bytes())
		}
		in := skeleton(t, data, nil)
		if d := cmp.Diff(in, skeleton(t, j2.Bytes(), data)); d != "" {
			t.Fatalf("content changed through XML (-json +again):\n%s\nXML:\n%s", d, x1.Bytes())
		}
		var x2, j3 bytes.Buffer
		if _, err := odm.JSONToODM(&x2, bytes.NewReader(j2.Bytes()), fuzzRead, odm.WriteOptions{}); err != nil {
			t.Fatalf("the JSON written is not read: %v\n%s", err, j2.Bytes())
		}
		if !bytes.Equal(x1.Bytes(), x2.Bytes()) {
			t.Fatalf("JSON -> ODM -> JSON -> ODM is not a fixed point:\n%s", cmp.Diff(x1.String(), x2.String()))
		}
		if err := odm.StreamJSON(&j3, odm.NewReader(bytes.NewReader(x2.Bytes()), fuzzRead)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(j2.Bytes(), j3.Bytes()) {
			t.Fatalf("ODM -> JSON is not a fixed point:\n%s", cmp.Diff(j2.String(), j3.String()))
		}
	}
}

// skeleton lists what a JSON form says, read with encoding/json independently of the
// package: every element (namespace and name), attribute (but namespace declarations,
// which the writer adds where a prefix needs one), comment, processing instruction (but
// the XML declaration) and non-empty typed value, as a sorted multiset. Text and layout
// are left out: XML merges adjacent text, and layout is how, not what. When orig is
// given and its "odm" object has no "attrs", the root's attributes are left out too: the
// writer gives such a document a new document's.
func skeleton(t *testing.T, data, orig []byte) []string {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if orig != nil {
		var o map[string]any
		_ = json.Unmarshal(orig, &o)
		if h, ok := o["odm"].(map[string]any); ok && h["attrs"] == nil {
			if top, ok := v.(map[string]any); ok {
				if hv, ok := top["odm"].(map[string]any); ok {
					delete(hv, "attrs")
				}
			}
		}
	}
	var out []string
	var walk func(v any, key string)
	walk = func(v any, key string) {
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				walk(e, key)
			}
		case map[string]any:
			if key == "attrs" {
				if str(v["ns"]) != odm.NSXMLNS {
					out = append(out, "A "+str(v["ns"])+" "+str(v["name"])+"="+str(v["value"]))
				}
				return
			}
			if typ, ok := v["type"].(string); ok {
				switch typ {
				case "element":
					out = append(out, "E "+str(v["ns"])+" "+str(v["name"]))
				case "comment":
					out = append(out, "C "+str(v["text"]))
				case "pi":
					if str(v["target"]) != "xml" {
						out = append(out, "P "+str(v["target"])+" "+str(v["text"]))
					}
				case "directive":
					out = append(out, "D "+str(v["text"]))
				}
				walk(v["attrs"], "attrs")
				walk(v["children"], "children")
				return
			}
			if v["continued"] == true {
				delete(v, "studyOID")
				delete(v, "attrs")
			}
			for k, m := range v {
				switch k {
				case "layout":
					if lo, ok := m.(map[string]any); ok {
						walk(lo["before"], "before")
					}
					continue
				case "trail", "ws", "slot", "continued", "prefix", "version":
					continue
				}
				if s, ok := m.(string); ok {
					if s != "" {
						out = append(out, "K "+k+"="+s)
					}
					continue
				}
				walk(m, k)
			}
		case string:
			if v != "" {
				out = append(out, "K "+key+"[]="+v)
			}
		}
	}
	walk(v, "")
	slices.Sort(out)
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// FuzzDecodeEncode: for any XML the reader accepts, decode -> encode -> decode gives an
// equal document (prolog, root, everything outside AdminData, typed values), encode is a
// fixed point, and ODM -> JSON -> ODM writes exactly what decode -> encode writes.
func FuzzDecodeEncode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(), "testdata", "*", "*.xml"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		odmHead + `<AdminData><User OID="u"><LoginName>a</LoginName><x:e xmlns:x="urn:x" x:a="1">t<!--c--></x:e></User></AdminData></ODM>`,
		`<?xml version="1.0"?><!DOCTYPE ODM><!--c--><ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><Study OID="S"><![CDATA[a]]>b</Study><?p x?><AdminData/></ODM><!--e-->`,
		`<o:ODM xmlns:o="http://www.cdisc.org/ns/odm/v2.0"><o:AdminData><o:User OID="u" UserType=""><o:UserName/></o:User></o:AdminData></o:ODM>`,
		// Found by fuzzing: an AdminData written open with nothing inside stays so.
		`<ODM><AdminData></AdminData></ODM>`,
		// Found by fuzzing: so does a root written <ODM/>.
		`<?A00 0000000000000?><ODM/>`,
		// Found by fuzzing: a declaration naming another encoding than UTF-8 ("Us" is
		// US-ASCII's IANA alias) reads back as UTF-8.
		`<?xml version="1.0" encoding="Us"?><ODM></ODM> `,
		`<?xml version="1.0" encoding="ISO-8859-1"?><ODM><AdminData/></ODM>`,
		// Found by mutation: an unknown attribute between standard ones keeps its place.
		odmHead + `<AdminData><Location OID="L" ame="x" LocationType="Site" Name="n"/></AdminData></ODM>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(xmlProperty)
}

func xmlProperty(t *testing.T, data []byte) {
	{
		doc, err := odm.Decode(bytes.NewReader(data), fuzzRead)
		if err != nil {
			return
		}
		var first bytes.Buffer
		if err := odm.Encode(&first, doc, odm.WriteOptions{}); err != nil {
			t.Fatalf("a decoded document does not encode: %v", err)
		}
		doc2, err := odm.Decode(bytes.NewReader(first.Bytes()), fuzzRead)
		if err != nil {
			t.Fatalf("the output does not decode: %v\n%s", err, first.Bytes())
		}
		if d := cmp.Diff(doc, doc2, wholeDoc()); d != "" {
			t.Fatalf("decode -> encode -> decode changed the document (-first +second):\n%s", d)
		}
		var second bytes.Buffer
		if err := odm.Encode(&second, doc2, odm.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Fatalf("encode is not a fixed point:\n%s", cmp.Diff(first.String(), second.String()))
		}
		var js, viaJSON bytes.Buffer
		if err := odm.StreamJSON(&js, odm.NewReader(bytes.NewReader(data), fuzzRead)); err != nil {
			t.Fatalf("decodes but does not stream to JSON: %v", err)
		}
		if _, err := odm.JSONToODM(&viaJSON, bytes.NewReader(js.Bytes()), fuzzRead, odm.WriteOptions{}); err != nil {
			t.Fatalf("its JSON form is not read: %v\n%s", err, js.Bytes())
		}
		if !bytes.Equal(first.Bytes(), viaJSON.Bytes()) {
			t.Fatalf("ODM -> JSON -> ODM differs from decode -> encode:\n%s", cmp.Diff(first.String(), viaJSON.String()))
		}
	}
}

// declEncoding is the encoding pseudo-attribute of an XML declaration.
var declEncoding = regexp.MustCompile(`(\sencoding\s*=\s*)(["'])[^"']*(["'])`)

// wholeDoc compares documents by content: positions, layout and warnings are ignored, and
// so is the encoding an XML declaration names (the output is always UTF-8 and its
// declaration says so, doc.go: a document read as ISO-8859-1 reads back as UTF-8).
func wholeDoc() cmp.Option {
	return cmp.Options{
		cmp.Transformer("declaredUTF8", func(p odm.ProcInst) odm.ProcInst {
			if p.Target == "xml" {
				p.Inst = declEncoding.ReplaceAllString(p.Inst, "${1}${2}UTF-8${3}")
			}
			return p
		}),
		cmp.FilterPath(func(p cmp.Path) bool {
			if sf, ok := p.Last().(cmp.StructField); ok {
				switch sf.Name() {
				case "Line", "Col", "slots", "src", "base", "Warnings":
					return true
				}
			}
			return false
		}, cmp.Ignore()),
		cmp.Exporter(func(reflect.Type) bool { return true }),
	}
}
