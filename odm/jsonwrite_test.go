package odm

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/jsontext"
)

// TestJSONKeysPlain: the JSON writer copies keys without escaping them (obj.key), which is
// only right while no key of the JSON form needs escaping.
func TestJSONKeysPlain(t *testing.T) {
	keys := append([]string{}, jsonListKey...)
	for _, ks := range jsonKeys {
		for _, k := range ks {
			keys = append(keys, k.key)
		}
	}
	for _, k := range keys {
		if got := string(jsontext.AppendString(nil, k)); got != `"`+k+`"` {
			t.Errorf("key %q is written %s: obj.key must escape it", k, got)
		}
	}
}

// TestJSONTypes: the writer's index of jsonKeys finds, for every field id, the key a search
// of the table finds (the first), and no attribute field has two keys (attrOrder would
// list both).
func TestJSONTypes(t *testing.T) {
	for name, keys := range jsonKeys {
		jt := jsonTypes[name]
		if jt == nil {
			t.Fatalf("%s: no index", name)
		}
		for f := -1; f < 70; f++ {
			want, wantKid, n := -1, -1, 0
			for i, k := range keys {
				if k.field != f {
					continue
				}
				if k.attr {
					n++
					if want < 0 {
						want = i
					}
				} else if wantKid < 0 {
					wantKid = i
				}
			}
			if n > 1 {
				t.Errorf("%s: attribute field %d has %d keys", name, f, n)
			}
			if got := jt.attrKey(f); got != want {
				t.Errorf("%s: attrKey(%d) = %d, want %d", name, f, got, want)
			}
			if got := jt.kidKey(f); got != wantKid {
				t.Errorf("%s: kidKey(%d) = %d, want %d", name, f, got, wantKid)
			}
		}
	}
}

// TestJSONRecordAlone: the JSON writer keeps pieces of what it wrote for one record to
// copy them for the next (the layout "children" arrays, the heads of names). Every record
// of a file whose records are laid out in many different ways, one after the other, must
// still be written exactly as the same record alone in a file.
func TestJSONRecordAlone(t *testing.T) {
	// plain, and records that each differ from it in one thing the layout entries record.
	const plain = `<User OID="U">
      <LoginName>a</LoginName>
      <FullName>A B</FullName>
      <Address>
        <StreetName>1 Street</StreetName>
        <City>Town</City>
      </Address>
      <Email>a@example.org</Email>
      <pf:GroupRef GroupOID="1"/>
      <pf:GroupRef GroupOID="2"/>
    </User>`
	users := map[string]string{
		"plain":  plain,
		"deeper": strings.ReplaceAll(plain, "\n      ", "\n        "),
		"tabs":   strings.NewReplacer("\n        ", "\n\t\t", "\n      ", "\n\t").Replace(plain),
		"empty":  strings.NewReplacer("<LoginName>a</LoginName>", "<LoginName/>", "<City>Town</City>", "<City/>").Replace(plain),
		"nodesFirst": `<User OID="U">
      <pf:GroupRef GroupOID="1"/>
      <LoginName>a</LoginName>
      <FullName>A B</FullName>
      <pf:GroupRef GroupOID="2"/>
      <Address>
        <StreetName>1 Street</StreetName>
        <City>Town</City>
      </Address>
      <Email>a@example.org</Email>
    </User>`,
		"oneNode": strings.Replace(plain, "\n      <pf:GroupRef GroupOID=\"2\"/>", "", 1),
		"comment": strings.NewReplacer("<LoginName>a</LoginName>", "<LoginName>a</LoginName>\n      <!-- a note -->",
			"<StreetName>1 Street</StreetName>", "<StreetName>1 Street</StreetName><?pi x?>").Replace(plain),
		"childAttr": strings.Replace(plain, "<LoginName>", `<LoginName pf:x="1">`, 1),
		"compact":   `<User OID="U"><LoginName>a</LoginName><FullName>A B</FullName><Address><StreetName>1 Street</StreetName><City>Town</City></Address><Email>a@example.org</Email><pf:GroupRef GroupOID="1"/><pf:GroupRef GroupOID="2"/></User>`,
		"manyNodes": `<User OID="U">
      <LoginName>a</LoginName>
      <pf:G n="1"/><pf:G n="2"/><pf:G n="3"/><pf:G n="4"/><pf:G n="5"/>
      <pf:G n="6"/><pf:G n="7"/><pf:G n="8"/><pf:G n="9"/><pf:G n="10"/>
    </User>`,
		"otherPrefix": `<User OID="U" xmlns:q="urn:other" q:a="1" pf:b="2">
      <LoginName>a</LoginName>
      <q:G n="1"/>
      <pf:G q:n="2"/>
    </User>`,
		"attrOrder": `<User pf:b="2" UserType="Sponsor" OID="U">
      <LoginName>a</LoginName>
    </User>`,
		// White space that is no indentation run is held apart from the packed layout
		// (source.aux): these two pack to the same bytes but for what those refer to.
		"blankLine":  "<User OID=\"U\">\n\n      <LoginName>a</LoginName>\n      <pf:GroupRef GroupOID=\"1\"/>\n    </User>",
		"blankLine2": "<User OID=\"U\">\n \n      <LoginName>a</LoginName>\n      <pf:GroupRef GroupOID=\"1\"/>\n    </User>",
		// The same layout on other lines: a value on two lines moves the children after it.
		"twoLines": strings.Replace(plain, "A B", "A\nB", 1),
	}
	order := []string{"plain", "plain", "deeper", "plain", "tabs", "plain", "empty", "empty", "plain", "nodesFirst",
		"plain", "oneNode", "plain", "comment", "plain", "childAttr", "plain", "compact", "plain", "manyNodes",
		"plain", "otherPrefix", "plain", "attrOrder", "plain", "oneNode", "nodesFirst", "oneNode",
		"blankLine", "blankLine2", "blankLine", "plain", "twoLines", "plain", "twoLines", "twoLines"}
	doc := func(us ...string) string {
		return `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="urn:pf" FileOID="F" ODMVersion="1.3">
  <AdminData>
    ` + strings.Join(us, "\n    ") + `
  </AdminData>
</ODM>`
	}
	usersOf := func(t *testing.T, xml string) []json.RawMessage {
		t.Helper()
		var out bytes.Buffer
		if err := StreamJSON(&out, NewReader(strings.NewReader(xml), ReadOptions{})); err != nil {
			t.Fatal(err)
		}
		var v struct {
			AdminData []struct{ Users []json.RawMessage }
		}
		if err := json.Unmarshal(out.Bytes(), &v); err != nil || len(v.AdminData) != 1 {
			t.Fatalf("output is not one AdminData object (%v): %s", err, out.Bytes())
		}
		return v.AdminData[0].Users
	}
	var all []string
	for _, k := range order {
		all = append(all, users[k])
	}
	got := usersOf(t, doc(all...))
	if len(got) != len(order) {
		t.Fatalf("%d users written, want %d", len(got), len(order))
	}
	for i, k := range order {
		alone := usersOf(t, doc(users[k]))
		if len(alone) != 1 || !bytes.Equal(got[i], alone[0]) {
			t.Errorf("user %d (%s) after the others:\n%s\nalone:\n%s", i, k, got[i], alone)
		}
	}
}

// TestNamePieces: the writer keeps the JSON of the names it wrote (piece) and copies it
// when a name comes again. Names that share a slot, the same local name in another
// namespace or under another prefix, and more names than there are slots, written in a
// mixed order through one writer, must each give what a writer that never saw another
// name gives.
func TestNamePieces(t *testing.T) {
	var names []Name
	for _, local := range []string{"GroupOID", "StudyLocale", "Active", "DBUID", "GUID", "Revision", "Terminated",
		"InFormUserType", "OID", "a", "b", "ab", "ba", "x1", "x2", "x3", "LocationOID", "GroupRef", "Lang"} {
		for _, sp := range []struct{ space, prefix string }{{"", ""}, {"urn:a", "a"}, {"urn:a", "b"}, {"urn:b", "a"}, {`urn:"q"\`, "q"}} {
			names = append(names, Name{Space: sp.space, Prefix: sp.prefix, Local: local})
		}
	}
	alone := func(write func(j *jw)) string {
		j := &jw{}
		write(j)
		return string(j.buf)
	}
	attr := func(n Name) func(j *jw) {
		return func(j *jw) { j.attrs([]Attr{{Name: n, Value: "v"}}) }
	}
	elem := func(n Name) func(j *jw) {
		return func(j *jw) { j.node(&Element{Name: n, Empty: true}, -1, "") }
	}
	j := &jw{}
	seed := uint32(1)
	for range 3000 {
		seed = seed*1664525 + 1013904223
		n := names[int(seed>>8)%len(names)]
		write := attr(n)
		if seed&1 != 0 {
			write = elem(n)
		}
		j.buf = j.buf[:0]
		write(j)
		if want := alone(write); string(j.buf) != want {
			t.Fatalf("%+v after other names: %s, alone: %s", n, j.buf, want)
		}
	}
	// The pieces are built once: the names of a record that come again are copied.
	for _, n := range names[:6] {
		attr(n)(j)
	}
	before := testing.AllocsPerRun(100, func() {
		j.buf = j.buf[:0]
		for _, n := range names[:6] {
			attr(n)(j)
		}
	})
	if before != 0 {
		t.Errorf("writing names seen before allocates %v times", before)
	}
}

// TestStandardAttrSpaces: attrsInOrder looks for an attribute among a type's standard
// ones only when it is in no namespace or in xml's. Every standard attribute of every
// type of both model versions must be so, or attrsInOrder would miss it.
func TestStandardAttrSpaces(t *testing.T) {
	ms := everyModel()
	reached := map[string]bool{}
	for _, vm := range ms {
		sp := vm.m.spec(vm.v)
		reached[sp.name] = true
		for _, a := range sp.attrs {
			if a.space != "" && a.space != NSXML {
				t.Errorf("%s/@%s is in namespace %q", sp.name, a.name, a.space)
			}
		}
	}
	for name := range jsonKeys {
		if !reached[name] {
			t.Errorf("type %s of the JSON form not reached", name)
		}
	}
}

// versionedModel is a value of a type as a version of the model has it.
type versionedModel struct {
	m model
	v Version
}

// everyModel returns a value of every type of both versions of the model, once per
// content model.
func everyModel() []versionedModel {
	seen := map[*spec]bool{}
	var out []versionedModel
	var walk func(m model, v Version)
	walk = func(m model, v Version) {
		sp := m.spec(v)
		if seen[sp] {
			return
		}
		seen[sp] = true
		out = append(out, versionedModel{m, v})
		for _, k := range sp.kids {
			switch k.kind {
			case kOne:
				walk(m.oneNew(k.field), v)
			case kMany:
				walk(m.manyNew(k.field), v)
			}
		}
	}
	for _, v := range []Version{V13, V20} {
		walk(new(AdminData).model(), v)
	}
	return out
}

// TestTypeOf: the writer's memory of the last types it wrote (typeOf) gives each value's
// JSON table, in whatever order more types than it remembers come.
func TestTypeOf(t *testing.T) {
	ms := everyModel()
	j := &jw{}
	for i := range 500 {
		m := ms[(i*7+i/len(ms))%len(ms)].m
		if got, want := j.typeOf(m), jsonTypeOf(m); got != want {
			t.Fatalf("%s: typeOf gives the table of another type", m.spec(V13).name)
		}
	}
}
