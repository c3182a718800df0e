package mapping

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestSameUserSeesEveryField: sameUser tells a copy of a record with any one exported
// field of odm.User (or of its Ext) changed from the record, and takes a copy made as
// writer.user makes it (lists of the extension copied) for the record. A field added to
// odm.User fails here until sameUser compares it.
func TestSameUserSeesEveryField(t *testing.T) {
	v := &odm.User{OID: "u", LoginName: "l", Emails: []string{"a@example.org"},
		Addresses: []*odm.Address{{City: "C"}}, LocationRefs: []*odm.LocationRef{{LocationOID: "L"}}}
	v.Attrs = []odm.Attr{{Name: odm.Name{Space: "urn:v", Local: "a"}, Value: "1"}}
	v.Nodes = []odm.Node{&odm.Comment{Data: "c"}}
	c := *v
	c.Attrs = append([]odm.Attr(nil), v.Attrs...)
	c.Nodes = append([]odm.Node(nil), v.Nodes...)
	if !sameUser(&c, v) {
		t.Fatal("a copy as writer.user makes it is not the same user")
	}
	var fields func(rv reflect.Value, path string)
	checked := 0
	fields = func(rv reflect.Value, path string) {
		for i := range rv.NumField() {
			f, sf := rv.Field(i), rv.Type().Field(i)
			if !sf.IsExported() {
				continue
			}
			if sf.Anonymous {
				fields(f, path+sf.Name+".")
				continue
			}
			old := reflect.New(f.Type()).Elem()
			old.Set(f)
			f.Set(changed(t, f))
			if sameUser(&c, v) {
				t.Errorf("sameUser does not see a change of %s%s", path, sf.Name)
			}
			f.Set(old)
			if !sameUser(&c, v) {
				t.Fatalf("%s%s set back: not the same user", path, sf.Name)
			}
			checked++
		}
	}
	fields(reflect.ValueOf(&c).Elem(), "")
	if checked < 25 {
		t.Fatalf("checked %d fields; the walk is wrong", checked)
	}
}

// changed returns a value of f's type other than f's.
func changed(t *testing.T, f reflect.Value) reflect.Value {
	t.Helper()
	switch f.Kind() {
	case reflect.String:
		return reflect.ValueOf(f.String() + "x").Convert(f.Type())
	case reflect.Int:
		return reflect.ValueOf(int(f.Int()) + 1).Convert(f.Type())
	case reflect.Pointer:
		return reflect.New(f.Type().Elem())
	case reflect.Slice:
		// A list of the same length with its own array: writer.user replaces a list it
		// changes.
		s := reflect.MakeSlice(f.Type(), f.Len()+1, f.Len()+1)
		reflect.Copy(s, f)
		return s.Slice(0, f.Len()+1)
	}
	t.Fatalf("no change for a field of kind %v", f.Kind())
	return f
}

// TestPatchUsersAsRead: patched into the document it was read from, every user is left
// as read (odm.AsRead: its bytes copied); a user the directory changed is written anew,
// with the change, and only that one.
func TestPatchUsersAsRead(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "inform", "htn-demo.xml"))
	if err != nil {
		t.Fatal(err)
	}
	records := bytes.Count(data, []byte("<User "))
	var copied bytes.Buffer // as odm.Transform copies it: the fixture has tags laid out by hand
	if _, err := odm.Transform(&copied, bytes.NewReader(data), odm.ReadOptions{}, odm.WriteOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	for _, edit := range []bool{false, true} {
		dir, _, err := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if edit {
			dir.Users[1].GivenName = "Zora"
		}
		w, err := newWriter(dir, "", Options{})
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := w.patchDirectory(&out, bytes.NewReader(data), PatchOptions{}); err != nil {
			t.Fatal(err)
		}
		want := records
		if edit {
			want--
			if !strings.Contains(out.String(), "<FirstName>Zora</FirstName>") {
				t.Errorf("the changed user is not written with its change")
			}
		} else if !bytes.Equal(out.Bytes(), copied.Bytes()) {
			t.Errorf("unchanged: the output is not the document as copied")
		}
		if w.asRead != want {
			t.Errorf("edited %v: %d of %d user records left as read, want %d", edit, w.asRead, records, want)
		}
	}
}
