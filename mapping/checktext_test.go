package mapping

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestCheckFieldText: a character XML forbids, or bytes that are not UTF-8, in any string
// field an ODM writer writes is a *DirectoryError naming the field; Check passed them and
// WriteODM then failed with odm.ErrUnwritable (or wrote them as something else).
func TestCheckFieldText(t *testing.T) {
	const ctl, notUTF8 = "a\x01b", "a\xffb"
	user := func(edit func(u *User)) *Directory {
		u := &User{ID: "U1", Login: "u1", Emails: []string{"u1@example.org"}}
		edit(u)
		return &Directory{Studies: []*Study{{ID: "S"}}, Users: []*User{u}}
	}
	cases := []struct {
		name   string
		dir    *Directory
		path   string
		reason string
	}{
		{"login", user(func(u *User) { u.Login = ctl }), "users[0].login", "a control character in the login"},
		{"id", user(func(u *User) { u.ID = notUTF8 }), "users[0].id", "a byte that is not UTF-8 in the OID"},
		{"email", user(func(u *User) { u.Emails = append(u.Emails, ctl) }), "users[0].emails[1]", "the second e-mail address"},
		{"name", user(func(u *User) { u.GivenName = "\uFFFE" }), "users[0].givenName", "U+FFFE"},
		{"address", user(func(u *User) { u.Addresses = []Address{{City: "ok", StreetNames: []string{"x", ctl}}} }), "users[0].addresses[0].streetNames[1]", "a street line"},
		{"telecom", user(func(u *User) { u.Telecoms = []Telecom{{Type: "SMS", Value: notUTF8}} }), "users[0].telecoms[0].value", "a telecom value"},
		{"picture", user(func(u *User) { u.Picture = &Picture{File: ctl} }), "users[0].picture.file", "a picture file name"},
		{"group ref", user(func(u *User) { u.Groups = []GroupRef{{ID: "g", Name: ctl}} }), "users[0].groups[0].name", "a group's name on the user"},
		{"assignment", user(func(u *User) { u.Assignments = []Assignment{{Study: "S", Site: ctl}} }), "users[0].assignments[0].site", "an assignment's site"},
		{"role", user(func(u *User) { u.Assignments = []Assignment{{Study: "S", Role: Role{Name: notUTF8}}} }), "users[0].assignments[0].role.name", "a role name"},
		{"source study", user(func(u *User) { u.Source = &Source{Vendor: ProfileODM, Studies: []string{ctl}} }), "users[0].source.studies[0]", "a Source value"},
		{"study", &Directory{Studies: []*Study{{ID: "S", Name: ctl}}}, "studies[0].name", "a study's name"},
		{"null study", &Directory{Studies: []*Study{nil}}, "studies[0]", "a null study"},
		{"site", &Directory{Sites: []*Site{{ID: "01", Name: notUTF8}}}, "sites[0].name", "a site's name"},
		{"site version", &Directory{Sites: []*Site{{ID: "01", Versions: []StudyVersion{{Study: "S", Version: ctl}}}}}, "sites[0].versions[0].version", "a site's study version"},
		{"group", &Directory{Groups: []*Group{{ID: "g", Rights: []string{ctl}}}}, "groups[0].rights[0]", "a group's right"},
		{"organization", &Directory{Organizations: []*Organization{{ID: "o", Name: ctl}}}, "organizations[0].name", "an organization's name"},
		{"signature", &Directory{Signatures: []*Signature{{ID: "s", Meaning: notUTF8}}}, "signatures[0].meaning", "a signature's meaning"},
	}
	for _, c := range cases {
		err := c.dir.Check()
		var de *DirectoryError
		if !errors.As(err, &de) || !errors.Is(err, ErrInvalidDirectory) || de.Path != c.path {
			t.Errorf("%s (%s): got %v, want an error at %s", c.name, c.reason, err, c.path)
			continue
		}
		if strings.ContainsAny(err.Error(), "\x01\xff\uFFFE") {
			t.Errorf("%s: the message quotes the value: %q", c.name, err)
		}
		var buf bytes.Buffer
		if _, err := WriteODM(&buf, c.dir, ProfileODM, Options{}, odm.WriteOptions{}); !errors.Is(err, ErrInvalidDirectory) {
			t.Errorf("%s: WriteODM: %v, want ErrInvalidDirectory", c.name, err)
		}
	}
}

// TestCheckEveryUserString: every string of a User, however deep (a field added later
// included), is checked by checkUser's fast pass and named by its JSON path: each is set
// in turn to a value XML cannot hold in a user that has every slice, pointer and map
// filled.
func TestCheckEveryUserString(t *testing.T) {
	_, leaves := fullUser("")
	if len(leaves) < 40 {
		t.Fatalf("only %d strings found in a User", len(leaves))
	}
	for _, leaf := range leaves {
		u, _ := fullUser(leaf)
		err := (&Directory{Users: []*User{u}}).Check()
		var de *DirectoryError
		if !errors.As(err, &de) || de.Path != "users[0]."+leaf {
			t.Errorf("User.%s: got %v, want an error at users[0].%s", leaf, err, leaf)
		}
		// Source's attributes, elements and ids are checkSource's; the rest the fast pass's.
		bySource := strings.HasPrefix(leaf, "source.attrs") || strings.HasPrefix(leaf, "source.elements") || strings.HasPrefix(leaf, "source.ids")
		if !bySource && userTextsOK(u) {
			t.Errorf("User.%s: the fast pass (userTextsOK) misses it", leaf)
		}
	}
}

// fullUser returns a user with every slice holding one value, every pointer and map set,
// every string valid ("ok", or what checkAttr and checkElements accept) but the one at
// JSON path bad, set to a control character; and the paths of all its strings.
func fullUser(bad string) (*User, []string) {
	var leaves []string
	var walk func(path string, v reflect.Value)
	text := func(path string) string {
		leaves = append(leaves, path)
		switch {
		case path == bad:
			return "a\x01b"
		case strings.HasPrefix(path, "source.attrs") && strings.HasSuffix(path, ".ns"):
			return odm.NSInForm
		case strings.HasPrefix(path, "source.attrs") && strings.HasSuffix(path, ".name"):
			return "a"
		case strings.HasPrefix(path, "source.elements"):
			return "<a/>"
		}
		return "ok"
	}
	walk = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			v.SetString(text(path))
		case reflect.Pointer:
			v.Set(reflect.New(v.Type().Elem()))
			walk(path, v.Elem())
		case reflect.Struct:
			for i := range v.NumField() {
				f := v.Type().Field(i)
				if !f.IsExported() {
					continue
				}
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				if path != "" {
					name = path + "." + name
				}
				walk(name, v.Field(i))
			}
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
			walk(path+"[0]", v.Index(0))
		case reflect.Map:
			v.Set(reflect.MakeMap(v.Type()))
			v.SetMapIndex(reflect.ValueOf("OID"), reflect.ValueOf(text(path+".OID")))
		}
	}
	u := &User{}
	walk("", reflect.ValueOf(u).Elem())
	return u, leaves
}

// TestNilReadersMapping: the readers of this package given a nil reader return the error
// of the reader underneath for no input (the odm package's for ODM, the input
// recognizer's otherwise) instead of panicking.
func TestNilReadersMapping(t *testing.T) {
	for _, tt := range []struct {
		name, reason string
		run          func() error
		want         error
	}{
		{"FromReader", "a nil *odm.Reader", func() error { _, _, err := FromReader(nil, Options{}); return err }, odm.ErrTruncated},
		{"Patch", "the document to patch", func() error {
			_, err := Patch(io.Discard, nil, &Directory{}, PatchOptions{})
			return err
		}, odm.ErrTruncated},
		{"CompactDirectory.Patch", "the document to patch", func() error {
			_, err := WholeDirectory(&Directory{}).Patch(io.Discard, nil, PatchOptions{})
			return err
		}, odm.ErrTruncated},
		{"NotCarried", "the document scanned", func() error { _, err := NotCarried(nil); return err }, odm.ErrTruncated},
		{"StudyElements", "open returns a nil reader", func() error {
			_, err := StudyElements(func() (io.Reader, error) { return nil, nil }, odm.ReadOptions{})
			return err
		}, odm.ErrTruncated},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if !errors.Is(err, tt.want) || !strings.Contains(fmt.Sprint(err), "the reader is nil") {
				t.Errorf("%s (%s): %v", tt.name, tt.reason, err)
			}
		})
	}
	// The input recognizer's readers: no input, reported as an empty one is.
	for _, tt := range []struct {
		name string
		run  func() error
	}{
		{"ReadAny", func() error { _, _, err := ReadAny(nil, "x", Options{}); return err }},
		{"ReadCompact", func() error { _, _, err := ReadCompact(nil, "x", Options{}); return err }},
		{"ReadClinicalOneCSV", func() error { _, _, err := ReadClinicalOneCSV(nil, Options{}); return err }},
		{"ReadClinicalOneXLSX", func() error { _, _, err := ReadClinicalOneXLSX(nil, Options{}); return err }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); err == nil || !strings.Contains(err.Error(), "the reader is nil") {
				t.Errorf("%s: %v", tt.name, err)
			}
		})
	}
}

// TestReadAnyJSONText: the directory JSON with a string that is not text is refused as
// the odm package refuses it in its JSON form (encoding/json read it as U+FFFD).
func TestReadAnyJSONText(t *testing.T) {
	for _, tt := range []struct {
		name, login string
		want, not   error
		col         int
	}{
		{"not UTF-8", "a\xffb", odm.ErrEncoding, odm.ErrJSON, 47},
		{"lone surrogate", `a\ud800b`, odm.ErrJSON, odm.ErrEncoding, 47},
	} {
		in := `{"studies":[],"sites":[],` + "\n" + `"users":[{"id":"u1","givenName":"x","login":"` + tt.login + `"}]}`
		for _, compact := range []bool{false, true} {
			var err error
			if compact {
				_, _, err = ReadCompact(strings.NewReader(in), "d.json", Options{})
				if !errors.Is(err, ErrReadWhole) {
					t.Errorf("%s: ReadCompact: %v, want it left to ReadAny", tt.name, err)
				}
				continue
			}
			_, _, err = ReadAny(strings.NewReader(in), "d.json", Options{})
			var pe *odm.Error
			if !errors.Is(err, tt.want) || errors.Is(err, tt.not) || !errors.As(err, &pe) || pe.File != "d.json" || pe.Line != 2 || pe.Col != tt.col {
				t.Errorf("%s: ReadAny: %#v, want %v at d.json:2:%d", tt.name, err, tt.want, tt.col)
			}
		}
	}
}
