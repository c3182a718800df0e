package odm_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

const jsonHead = `{"odm":{"version":"1.3","attrs":[{"ns":"http://www.w3.org/2000/xmlns/","name":"xmlns","value":"http://www.cdisc.org/ns/odm/v1.3"}]},"prolog":[],`

// manyAttrs is n attributes a0, a1, ... as JSON array members.
func manyAttrs(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"name":"a%d","value":"%d"}`, i, i)
	}
	return b.String()
}

// withContent is a whole-document JSON whose root holds node.
func withContent(node string) string {
	return jsonHead + `"content":[` + node + `],"adminData":[{"studyOID":"S","users":[{"oid":"u1"}]}],"epilog":[]}`
}

// TestJSONNothingForged: JSON that would make the XML written from it say something else
// than the JSON (an extra User, a closed comment, a rebound namespace) is refused with the
// JSON path of the bad value and without the value itself.
func TestJSONNothingForged(t *testing.T) {
	const evil = `<User OID=\"evil\"/>`
	tests := []struct{ name, reason, in, path string }{
		{"comment-close", "--> would end the comment and open markup", withContent(`{"type":"comment","text":"x-->` + evil + `<!--"}`), "content[0].text"},
		{"comment-dash", "a comment cannot end with -", withContent(`{"type":"comment","text":"x-"}`), "content[0].text"},
		{"pi-close", "?> would end the PI", withContent(`{"type":"pi","target":"t","text":"?>` + evil + `<?t "}`), "content[0].text"},
		{"pi-xml", "a PI named xml is the XML declaration", withContent(`{"type":"pi","target":"xml","text":"version=\"1.0\""}`), "content[0].target"},
		{"pi-target", "a PI target must be a name", withContent(`{"type":"pi","target":"a b","text":""}`), "content[0].target"},
		{"decl-forged", "the XML declaration's text is checked", jsonHead[:len(jsonHead)-len(`"prolog":[],`)] + `"prolog":[{"type":"pi","target":"xml","text":"version=\"1.0\"?><x/><?y"}],"content":[]}`, "prolog[0].text"},
		{"cdata-close", "]]> would end the CDATA section", withContent(`{"type":"element","name":"e","children":[{"type":"text","text":"]]>` + evil + `","cdata":true}]}`), "content[0].children[0].text"},
		{"element-name", "an element name carrying markup", withContent(`{"type":"element","name":"a><User OID=\"evil\"/"}`), "content[0].name"},
		{"attr-name", "an attribute name carrying markup", withContent(`{"type":"element","name":"e","attrs":[{"name":"a=\"1\"><User OID=\"evil\"/><x","value":""}]}`), "content[0].attrs[0].name"},
		{"vendor-attr-name", "a vendor attribute name on a user carrying markup", jsonHead + `"content":[],"adminData":[{"users":[{"oid":"u","attrs":[{"ns":"urn:v","prefix":"v","name":"a=\"\"/><User OID=\"root\"/><x","value":""}]}]}]}`, "users[0].attrs[0].name"},
		{"prefix", "a prefix carrying markup", withContent(`{"type":"element","ns":"urn:x","prefix":"p><q","name":"e"}`), "content[0].prefix"},
		{"nul-text", "NUL is not an XML character", withContent(`{"type":"element","name":"e","children":[{"type":"text","text":"a\u0000b"}]}`), "content[0].children[0].text"},
		{"control-attr", "U+0001 in an attribute value", jsonHead + `"content":[],"adminData":[{"users":[{"oid":"a\u0001b"}]}]}`, "users[0].oid"},
		{"fffe", "U+FFFE is not an XML character", withContent(`{"type":"comment","text":"\ufffe"}`), "content[0].text"},
		{"rebind-xml", "the xml prefix cannot be rebound", withContent(`{"type":"element","name":"e","attrs":[{"ns":"http://www.w3.org/2000/xmlns/","prefix":"xmlns","name":"xml","value":"urn:evil"}]}`), "content[0].attrs[0]"},
		{"bind-xmlns-uri", "no prefix can be bound to the xmlns namespace", withContent(`{"type":"element","name":"e","attrs":[{"ns":"http://www.w3.org/2000/xmlns/","prefix":"xmlns","name":"p","value":"http://www.w3.org/2000/xmlns/"}]}`), "content[0].attrs[0]"},
		{"declare-xmlns", "the xmlns prefix cannot be declared", withContent(`{"type":"element","name":"e","attrs":[{"ns":"http://www.w3.org/2000/xmlns/","prefix":"xmlns","name":"xmlns","value":"urn:x"}]}`), "content[0].attrs[0]"},
		{"element-xmlns", "an element cannot use the xmlns prefix", withContent(`{"type":"element","ns":"http://www.w3.org/2000/xmlns/","prefix":"xmlns","name":"e"}`), "content[0]"},
		{"dup-attr", "an attribute given twice is not well-formed", withContent(`{"type":"element","name":"e","attrs":[{"name":"a","value":"1"},{"name":"a","value":"2"}]}`), "content[0].attrs[1]"},
		{"std-attr-as-ext", "OID given as a vendor attribute would be written twice", jsonHead + `"content":[],"adminData":[{"users":[{"oid":"u","attrs":[{"name":"OID","value":"evil"}]}]}]}`, "users[0].attrs[0]"},
		{"doctype-in-content", "a DOCTYPE inside the root is not well-formed", withContent(`{"type":"directive","text":"DOCTYPE x"}`), "content[0]"},
		{"doctype-forged", "a DOCTYPE that ends early", jsonHead[:len(jsonHead)-len(`"prolog":[],`)] + `"prolog":[{"type":"directive","text":"DOCTYPE x><User OID=\"evil\"/><!x"}],"content":[]}`, "prolog[0].text"},
		{"element-in-prolog", "an element before the root would be the root", jsonHead[:len(jsonHead)-len(`"prolog":[],`)] + `"prolog":[{"type":"element","name":"x"}],"content":[]}`, "prolog[0]"},
		{"text-in-epilog", "text after the root is not well-formed", jsonHead + `"content":[],"adminData":[],"epilog":[{"type":"text","text":"x"}]}`, "epilog[0]"},
		{"ws-not-blank", "layout white space carrying markup", jsonHead + `"content":[],"adminData":[{"users":[{"oid":"u","layout":{"ws":"<User OID=\"evil\"/>"}}]}]}`, "users[0].layout.ws"},
		{"trail-not-blank", "AdminData trail carrying markup", jsonHead + `"content":[],"adminData":[{"trail":"</AdminData><AdminData>"}]}`, "adminData[0].trail"},
		{"dup-users", "a second users key would silently win", jsonHead + `"content":[],"adminData":[{"users":[{"oid":"a"}],"users":[{"oid":"b"}]}]}`, "adminData[0].users"},
		{"dup-top", "a second odm key", `{"odm":{"version":"1.3"},"odm":{"version":"2.0"}}`, "odm: duplicate key"},
		{"dup-in-user", "a second oid in one user", jsonHead + `"content":[],"adminData":[{"users":[{"oid":"a","oid":"b"}]}]}`, "users[0].oid: duplicate key"},
		{"dup-deep", "a key twice deep in a record: the error names the whole path, built only when it is reported", jsonHead + `"content":[],"adminData":[{"users":[{"oid":"a","layout":{"children":[{"key":"loginName"},{"key":"email","key":"fax"}]}}]}]}`, "adminData[0].users[0].layout.children[1].key: duplicate key"},
		{"dup-deep-node", "a key twice in a node of a node", withContent(`{"type":"element","name":"e","children":[{"type":"text","text":"x"},{"type":"element","name":"f","attrs":[{"name":"a","name":"b"}]}]}`), "content[0].children[1].attrs[0].name: duplicate key"},
		{"string-deep", "a value of the wrong kind deep in a record: the path is built lazily", jsonHead + `"content":[],"adminData":[{"users":[{"oid":"a","attrs":[{"ns":"urn:x","prefix":"x","name":"n","value":1}]}]}]}`, "users[0].attrs[0].value: must be a string"},
		{"dup-key-linear", "a key twice among a dozen members (compared one by one)", jsonHead + `"content":[],"adminData":[{"users":[{"oid":"a","k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k4":0}]}]}`, "users[0].k4: duplicate key"},
		{"dup-key-set", "a key twice among forty members (through a set)", jsonHead + `"content":[],"adminData":[{"users":[{"oid":"a","k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17,"k18":18,"k19":19,"k20":20,"k21":21,"k22":22,"k23":23,"k24":24,"k25":25,"k26":26,"k27":27,"k28":28,"k29":29,"k30":30,"k31":31,"k32":32,"k33":33,"k34":34,"k35":35,"k36":36,"k37":37,"k38":38,"k39":39,"k17":0}]}]}`, "users[0].k17: duplicate key"},
		{"dup-attr-late", "an attribute repeated later in a short list", withContent(`{"type":"element","name":"e","attrs":[{"name":"a","value":"1"},{"name":"b","value":"2"},{"ns":"urn:x","prefix":"x","name":"a","value":"3"},{"name":"a","value":"4"}]}`), "content[0].attrs[3]: repeats"},
		{"dup-attr-set", "an attribute repeated in a list of twenty (through a set)", withContent(`{"type":"element","name":"e","attrs":[` + manyAttrs(20) + `,{"name":"a7","value":"again"}]}`), "content[0].attrs[20]: repeats"},
		{"bad-name-late", "a bad attribute name after good ones: its own path", withContent(`{"type":"element","name":"e","attrs":[{"name":"a","value":"1"},{"name":"b c","value":"2"}]}`), "content[0].attrs[1].name"},
		{"dup-legacy", "a second users key in the AdminData-only form", `{"odm":{"version":"1.3"},"adminData":[{"users":[{"oid":"a"}],"users":[{"oid":"b"}]}]}`, "adminData[0].users: duplicate key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			_, err := odm.JSONToODM(&out, strings.NewReader(tt.in), odm.ReadOptions{Name: "in.json"}, odm.WriteOptions{})
			require.ErrorIs(t, err, odm.ErrJSON, tt.reason)
			require.Contains(t, err.Error(), tt.path, tt.reason)
			require.NotContains(t, err.Error(), "evil", "no value in the message")
			require.NotContains(t, err.Error(), `OID="`, "no value in the message")
			_, err = odm.DecodeJSON(strings.NewReader(tt.in), odm.ReadOptions{})
			require.ErrorIs(t, err, odm.ErrJSON, tt.reason+" (DecodeJSON)")
		})
	}
}

// TestJSONDepth: JSON -> ODM never writes deeper nesting than the reader accepts, and
// deeply nested JSON fails cleanly.
func TestJSONDepth(t *testing.T) {
	nest := func(n int) string {
		return strings.Repeat(`{"type":"element","name":"e","children":[`, n) + strings.Repeat(`]}`, n)
	}
	// Root (1) > 4 nested elements = depth 5.
	in := withContent(nest(4))
	_, err := odm.JSONToODM(io.Discard, strings.NewReader(in), odm.ReadOptions{MaxDepth: 5}, odm.WriteOptions{})
	require.NoError(t, err)
	_, err = odm.JSONToODM(io.Discard, strings.NewReader(withContent(nest(5))), odm.ReadOptions{MaxDepth: 5}, odm.WriteOptions{})
	require.ErrorIs(t, err, odm.ErrJSON, "depth 6 with MaxDepth 5")
	require.Contains(t, err.Error(), "deeper than the limit")

	// The same for nodes read whole (inside a user) and for the default limit.
	user := jsonHead + `"content":[],"adminData":[{"users":[{"oid":"u","nodes":[` + nest(3) + `]}]}]}`
	_, err = odm.JSONToODM(io.Discard, strings.NewReader(user), odm.ReadOptions{MaxDepth: 5}, odm.WriteOptions{})
	require.ErrorIs(t, err, odm.ErrJSON, "user at 3, its nodes 4..6")
	_, err = odm.JSONToODM(io.Discard, strings.NewReader(withContent(nest(300))), odm.ReadOptions{}, odm.WriteOptions{})
	require.ErrorIs(t, err, odm.ErrJSON, "301 levels over the default 256")

	// JSON nested far deeper than any document: refused without exhausting the stack.
	deep := jsonHead + `"content":[],"adminData":[{"users":[{"oid":"u","nodes":[` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `]}]}]}`
	_, err = odm.JSONToODM(io.Discard, strings.NewReader(deep), odm.ReadOptions{}, odm.WriteOptions{})
	require.ErrorIs(t, err, odm.ErrJSON)
}

// TestJSONPrefixNotRebound: two attributes of one element written with the same prefix
// for different namespaces keep their namespaces: the writer does not rebind a prefix in
// scope on an element that already uses it (which moved every pf: attribute of a user into
// the namespace of one altered attribute).
func TestJSONPrefixNotRebound(t *testing.T) {
	in := `{"odm":{"version":"1.3","attrs":[{"ns":"http://www.w3.org/2000/xmlns/","name":"xmlns","value":"http://www.cdisc.org/ns/odm/v1.3"},
		{"ns":"http://www.w3.org/2000/xmlns/","prefix":"xmlns","name":"p","value":"urn:a"}]},"prolog":[],
		"content":[{"type":"element","ns":"urn:e","name":"e","attrs":[
		{"ns":"urn:a","prefix":"p","name":"a","value":"1"},{"ns":"urn:b","prefix":"p","name":"b","value":"2"},{"ns":"urn:a","prefix":"p","name":"c","value":"3"}]}],"adminData":[]}`
	var out bytes.Buffer
	_, err := odm.JSONToODM(&out, strings.NewReader(in), odm.ReadOptions{}, odm.WriteOptions{})
	require.NoError(t, err)
	doc, err := odm.Decode(bytes.NewReader(out.Bytes()), odm.ReadOptions{})
	require.NoError(t, err, out.String())
	e := doc.Root.Children[0].(*odm.Element)
	for _, want := range []struct{ space, local string }{{"urn:a", "a"}, {"urn:b", "b"}, {"urn:a", "c"}} {
		_, ok := e.Attr(want.space, want.local)
		require.True(t, ok, "%s stays in %s:\n%s", want.local, want.space, out.String())
	}
}

// TestJSONTextChildKeepsItsName: the element recorded in a text child's layout (its
// mixed content) cannot rename it: LoginName stays LoginName in the ODM namespace.
func TestJSONTextChildKeepsItsName(t *testing.T) {
	in := jsonHead + `"content":[],"adminData":[{"users":[{"oid":"u","loginName":"ab","layout":{"children":[{"key":"loginName",
		"element":{"type":"element","ns":"urn:evil","name":"Evil","children":[{"type":"text","text":"a"},{"type":"comment","text":"c"},{"type":"text","text":"b"}]}}]}}]}]}`
	var out bytes.Buffer
	_, err := odm.JSONToODM(&out, strings.NewReader(in), odm.ReadOptions{}, odm.WriteOptions{})
	require.NoError(t, err)
	doc, err := odm.Decode(bytes.NewReader(out.Bytes()), odm.ReadOptions{})
	require.NoError(t, err, out.String())
	u := doc.AdminData()[0].Users[0]
	require.Equal(t, "ab", u.LoginName, out.String())
	require.Empty(t, u.Nodes, out.String())
}
