package odm

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// recDoc is an ODM document whose users have the given start tags (without the name), each
// with the same children.
func recDoc(tags ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:odm="http://www.cdisc.org/ns/odm/v1.3" xmlns:v="urn:vendor" FileOID="F" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="1.3" FileType="Snapshot">` + "\n  <AdminData>\n")
	for _, tag := range tags {
		b.WriteString(`    <User` + tag + ">\n      <LoginName>u</LoginName>\n      <pf:GroupRef xmlns:pf=\"urn:vendor\" GroupOID=\"G\"/>\n    </User>\n")
	}
	b.WriteString("  </AdminData>\n</ODM>\n")
	return b.String()
}

// readerUsers reads every user of in with a default Reader and keeps them all.
func readerUsers(t *testing.T, in string) []*User {
	t.Helper()
	r := NewReader(strings.NewReader(in), ReadOptions{})
	var users []*User
	for {
		v, err := r.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if u, ok := v.(*User); ok {
			users = append(users, u)
		}
	}
	return users
}

// userOut is how u writes, as XML and as JSON, alone in a document.
func userOut(t *testing.T, u *User) string {
	t.Helper()
	ad := &AdminData{Users: []*User{u}}
	doc := &Document{Version: V13, Root: &Element{Name: Name{Space: NS13, Local: "ODM"}, Children: []Node{ad}}}
	var j, x bytes.Buffer
	require.NoError(t, EncodeJSON(&j, doc))
	require.NoError(t, NewEncoder(&x, WriteOptions{}).Encode(doc))
	return j.String() + x.String()
}

// sameUsers checks that the users a Reader read of in, all kept until the end, write as
// those of Decode do, and returns them.
func sameUsers(t *testing.T, in string, reason string) []*User {
	t.Helper()
	doc, err := Decode(strings.NewReader(in), ReadOptions{})
	require.NoError(t, err, reason)
	want := doc.AdminData()[0].Users
	got := readerUsers(t, in)
	require.Len(t, got, len(want), reason)
	for i := range want {
		require.Equal(t, userOut(t, want[i]), userOut(t, got[i]), "%s: user %d", reason, i)
	}
	return got
}

// TestRecordAttrsShared: the users of a Reader whose start tags are written alike share one
// list of attributes in their sources (the scanner's, no user's), while each keeps its own
// values, writes as Decode's users do, and writes an edited value.
func TestRecordAttrsShared(t *testing.T) {
	in := recDoc(` OID="U1" UserType="Sponsor" v:a="1" v:b="x"`, ` OID="U2" UserType="Site" v:a="2" v:b="y"`,
		` OID="U3" UserType="Sponsor" v:a="3" v:b="z"`)
	users := sameUsers(t, in, "written alike")
	require.Len(t, users, 3)
	shared := unsafe.SliceData(users[1].src.attrs)
	require.Same(t, shared, unsafe.SliceData(users[2].src.attrs), "the second and third users have lists of their own")
	for i, u := range users {
		n := string(rune('1' + i))
		require.Equal(t, "U"+n, u.OID)
		require.Len(t, u.Attrs, 2)
		require.Equal(t, n, u.Attrs[0].Value)
		require.Equal(t, "urn:vendor", u.Attrs[0].Space)
		require.Equal(t, "v", u.Attrs[0].Prefix)
		require.Equal(t, cap(u.Attrs), len(u.Attrs), "an append would write past the user's attributes")
		require.NotSame(t, shared, unsafe.SliceData(u.Attrs), "Ext.Attrs is the shared list")
	}

	// The shared list's values are the second user's: none may be written for another.
	users[2].Attrs[0].Value = "NEW"
	users[2].UserType = ""
	out := userOut(t, users[2])
	require.Contains(t, out, `v:a="NEW"`)
	require.NotContains(t, out, `"2"`, "a value of the shared list was written")
	require.NotContains(t, out, `"Site"`)
	require.NotContains(t, out, `UserType=`, "an emptied standard attribute was written")
}

// TestRecordAttrsNotShared: users whose start tags say more than the names of their
// attributes keep a list of their own, and write as Decode's users do.
func TestRecordAttrsNotShared(t *testing.T) {
	tests := []struct{ name, reason, tag string }{
		{"empty standard", "a standard attribute present but empty is written back as such", ` OID="U1" UserType="" v:a="1"`},
		{"vendor first", "a vendor attribute before a standard one keeps its place", ` v:a="1" OID="U1" UserType="Site"`},
		{"unknown", "an attribute of ODM's namespace the model does not know is warned about", ` OID="U1" Other="2"`},
		{"declaration", "a namespace declaration on the record", ` xmlns:w="urn:w" OID="U1" w:a="1"`},
		{"prefixed standard", "a standard attribute written with a prefix", ` odm:OID="U1" v:a="1"`},
		{"no attributes", "nothing to share", ``},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := recDoc(tc.tag, tc.tag, tc.tag)
			users := sameUsers(t, in, tc.reason)
			for i, u := range users[1:] {
				if len(u.src.attrs) > 0 {
					require.NotSame(t, unsafe.SliceData(users[0].src.attrs), unsafe.SliceData(u.src.attrs), "%s: user %d", tc.reason, i+1)
				}
			}
		})
	}
}

// TestRecordAttrsShapes: tags written in turn in two shapes, and one that changes shape,
// read as Decode reads them, warnings included.
func TestRecordAttrsShapes(t *testing.T) {
	a, b := ` OID="U1" UserType="Site" v:a="1"`, ` OID="U2" v:b="2" v:a="3"`
	in := recDoc(a, b, a, b, a, ` OID=" U3" UserType="Site" v:a="4"`, ` OID="U4" UserType="Site" v:a=""`, a)
	sameUsers(t, in, "two shapes in turn")

	// The warnings of standard values are the same as without a shared list.
	r := NewReader(strings.NewReader(in), ReadOptions{})
	readToEnd(t, r)
	doc, err := Decode(strings.NewReader(in), ReadOptions{})
	require.NoError(t, err)
	require.Equal(t, doc.Warnings, r.Warnings())
	require.NotEmpty(t, r.Warnings(), "the OID with white space is not warned about")
}

// TestRecordAttrsUnlike: a file whose users' start tags are each written differently stops
// making shared lists (each would cost what sharing saves), and reads as Decode reads it.
func TestRecordAttrsUnlike(t *testing.T) {
	tags := make([]string, 300)
	for i := range tags {
		tags[i] = ` OID="U" v:a` + strconv.Itoa(i) + `="1"`
	}
	in := recDoc(tags...)
	sameUsers(t, in, "every tag of its own")
	r := NewReader(strings.NewReader(in), ReadOptions{})
	readToEnd(t, r)
	require.LessOrEqual(t, r.s.recMade, 64, "lists made for tags no other tag is written like")
}

// FuzzRecordAttrs: the users a Reader reads, all kept until the end, write as those of
// Decode do, whatever their start tags (seeded with the tags above and the exports of
// testdata).
func FuzzRecordAttrs(f *testing.F) {
	f.Add(recDoc(` OID="U1" UserType="Site" v:a="1"`, ` OID="U2" UserType="Site" v:a="2"`, ` OID="U3" v:a="3"`))
	f.Add(recDoc(` OID="U1" UserType="" v:a="1"`, ` OID="U1" UserType="" v:a="1"`))
	f.Add(recDoc(` xmlns:w="urn:w" OID="U1" w:a="1"`, ` xmlns:w="urn:w" OID="U1" w:a="1"`))
	files, err := filepath.Glob("../testdata/*/*.xml")
	require.NoError(f, err)
	for _, name := range files {
		data, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(string(data))
	}
	f.Fuzz(func(t *testing.T, in string) {
		doc, err := Decode(strings.NewReader(in), ReadOptions{})
		if err != nil || len(doc.AdminData()) != 1 {
			return
		}
		want := doc.AdminData()[0].Users
		r := NewReader(strings.NewReader(in), ReadOptions{})
		var got []*User
		for {
			v, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("Decode read the document, the Reader failed: %v", err)
			}
			if u, ok := v.(*User); ok {
				got = append(got, u)
			}
		}
		require.Len(t, got, len(want))
		for i := range want {
			var wx, gx bytes.Buffer
			werr := encodeUser(&wx, want[i])
			gerr := encodeUser(&gx, got[i])
			require.Equal(t, werr == nil, gerr == nil, "user %d", i)
			require.Equal(t, wx.String(), gx.String(), "user %d", i)
		}
	})
}

// encodeUser writes u alone in a document, as XML and JSON.
func encodeUser(w *bytes.Buffer, u *User) error {
	ad := &AdminData{Users: []*User{u}}
	doc := &Document{Version: V13, Root: &Element{Name: Name{Space: NS13, Local: "ODM"}, Children: []Node{ad}}}
	if err := EncodeJSON(w, doc); err != nil {
		return err
	}
	return NewEncoder(w, WriteOptions{}).Encode(doc)
}

// readToEnd reads every record of r, failing the test on an error.
func readToEnd(t *testing.T, r *Reader) {
	t.Helper()
	for {
		_, err := r.Next()
		if err == io.EOF {
			return
		}
		require.NoError(t, err)
	}
}

// TestRecordAttrsRebound: a start tag written as the ones before it, letter for letter, whose
// prefix is bound to another namespace there, is no tag written alike: its attributes keep
// their own namespace (recordAttrs compares the names as written and the namespace).
func TestRecordAttrsRebound(t *testing.T) {
	ad := func(uri string, oids ...string) string {
		s := `  <AdminData xmlns:w="` + uri + `">` + "\n"
		for _, oid := range oids {
			s += `    <User OID="` + oid + `" w:a="1">` + "\n      <LoginName>u</LoginName>\n    </User>\n"
		}
		return s + "  </AdminData>\n"
	}
	in := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileOID="F" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="1.3" FileType="Snapshot">` + "\n" +
		ad("urn:one", "U1", "U2", "U3") + ad("urn:two", "U4", "U5") + "</ODM>\n"
	doc, err := Decode(strings.NewReader(in), ReadOptions{})
	require.NoError(t, err)
	var want []*User
	for _, a := range doc.AdminData() {
		want = append(want, a.Users...)
	}
	got := readerUsers(t, in)
	require.Len(t, got, 5)
	for i, u := range got {
		space := "urn:one"
		if i >= 3 {
			space = "urn:two"
		}
		require.Len(t, u.Attrs, 1)
		require.Equal(t, space, u.Attrs[0].Space, "user %d", i)
		require.Equal(t, userOut(t, want[i]), userOut(t, u), "user %d", i)
	}
}
