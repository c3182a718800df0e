package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestDirectoryCheck: values of a directory read from JSON that would forge markup or make
// the XML not well-formed are refused with the JSON path; writers refuse them too.
func TestDirectoryCheck(t *testing.T) {
	const pf = odm.NSInForm
	user := func(src *Source) *Directory {
		return &Directory{Users: []*User{{ID: "U1", Login: "u1", Source: src}}}
	}
	cases := []struct {
		name   string
		dir    *Directory
		path   string
		reason string
	}{
		{"forged name", user(&Source{Vendor: ProfileInForm, Attrs: []Attr{{Space: pf, Name: `x="1"/></AdminData><AdminData><User OID="root" a`, Value: "1"}}}),
			"users[0].source.attrs[0].name", "an attribute name that closes its element and opens a User"},
		{"colon", user(&Source{Attrs: []Attr{{Space: pf, Name: "a:b", Value: "1"}}}), "users[0].source.attrs[0].name", "a prefixed name would bind no namespace"},
		{"empty name", user(&Source{Attrs: []Attr{{Space: pf, Value: "1"}}}), "users[0].source.attrs[0].name", "no name"},
		{"nul value", user(&Source{Attrs: []Attr{{Space: pf, Name: "a", Value: "x\x00y"}}}), "users[0].source.attrs[0].value", "XML 1.0 has no NUL"},
		{"xmlns", user(&Source{Attrs: []Attr{{Space: odm.NSXMLNS, Name: "pf", Value: "urn:evil"}}}), "users[0].source.attrs[0].ns", "a namespace declaration would rebind a prefix"},
		{"no namespace", user(&Source{Attrs: []Attr{{Name: "OID", Value: "root"}}}), "users[0].source.attrs[0].ns", "an unqualified vendor attribute would override a standard one"},
		{"two elements", user(&Source{Elements: []string{`<pf:X xmlns:pf="` + pf + `"/><User OID="root"/>`}}), "users[0].source.elements[0]", "a second element"},
		{"end tag", user(&Source{Elements: []string{`<pf:X xmlns:pf="` + pf + `"></pf:Y>`}}), "users[0].source.elements[0]", "mismatched end tag"},
		{"unbound", user(&Source{Elements: []string{`<pf:X/>`}}), "users[0].source.elements[0]", "an unbound prefix"},
		{"text after", user(&Source{Elements: []string{`<pf:X xmlns:pf="` + pf + `"/>text`}}), "users[0].source.elements[0]", "text outside"},
		{"site", &Directory{Sites: []*Site{{ID: "S", Source: &Source{Attrs: []Attr{{Space: pf, Name: "<b>", Value: "1"}}}}}}, "sites[0].source.attrs[0].name", "sites too"},
		{"root attr", &Directory{Source: &FileSource{Attrs: []Attr{{Name: "a b", Value: "1"}}}}, "source.attrs[0].name", "root attributes too"},
		{"block element", &Directory{Source: &FileSource{Blocks: []Block{{Elements: []string{"<a/><b/>"}}}}}, "source.blocks[0].elements[0]", "block elements too"},
	}
	for _, c := range cases {
		err := c.dir.Check()
		var de *DirectoryError
		if !errors.As(err, &de) || !errors.Is(err, ErrInvalidDirectory) || de.Path != c.path {
			t.Errorf("%s (%s): got %v, want an error at %s", c.name, c.reason, err, c.path)
			continue
		}
		if strings.Contains(err.Error(), "root") {
			t.Errorf("%s: the message quotes the value: %v", c.name, err)
		}
		for _, p := range []Profile{ProfileInForm, ProfileODM2} {
			if _, _, err := ToDocument(c.dir, p, Options{}); !errors.Is(err, ErrInvalidDirectory) {
				t.Errorf("%s: ToDocument %s: %v", c.name, p, err)
			}
			var buf bytes.Buffer
			if _, err := WriteODM(&buf, c.dir, p, Options{}, odm.WriteOptions{}); !errors.Is(err, ErrInvalidDirectory) || buf.Len() > 0 {
				t.Errorf("%s: WriteODM %s: %v, %d bytes", c.name, p, err, buf.Len())
			}
		}
	}
	// What the readers produce passes, also after JSON.
	for _, f := range fixtures {
		dir, _, err := FromDocument(decodeFile(t, f.file), Options{Profile: f.profile})
		if err != nil {
			t.Fatal(err)
		}
		var back Directory
		if err := json.Unmarshal(mustJSON(t, dir), &back); err != nil {
			t.Fatal(err)
		}
		if err := back.Check(); err != nil {
			t.Errorf("%s: %v", f.file, err)
		}
	}
}
