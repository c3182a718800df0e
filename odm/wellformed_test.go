package odm_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// forgedDoc is a one-user document whose user (or AdminData) edit adds a value built in
// code.
func forgedDoc(edit func(ad *odm.AdminData, u *odm.User)) *odm.Document {
	d := odm.NewDocument(odm.V13)
	u := &odm.User{OID: "U1", LoginName: "amorel"}
	ad := &odm.AdminData{StudyOID: "S1", Users: []*odm.User{u}}
	edit(ad, u)
	d.AddAdminData(ad)
	return d
}

// TestWriterRefusesMalformed: a value built in code that XML cannot hold as it is (a
// comment that closes early, a name with a space, a DOCTYPE inside a record) is an
// ErrUnwritable from every writer, never markup that reads back as something else — a
// User nobody wrote, or a file no reader takes.
func TestWriterRefusesMalformed(t *testing.T) {
	const forged = `<User OID="FORGED"/>`
	el := func(space, prefix, local string) *odm.Element {
		return &odm.Element{Name: odm.Name{Space: space, Prefix: prefix, Local: local}, Empty: true}
	}
	for _, tc := range []struct {
		name, reason string
		edit         func(ad *odm.AdminData, u *odm.User)
	}{
		{"comment-closes", "a comment holding --> would end there and the rest be read as markup",
			func(ad *odm.AdminData, _ *odm.User) {
				ad.Nodes = append(ad.Nodes, &odm.Comment{Data: "-->" + forged + "<!--"})
			}},
		{"comment-dash", "a comment cannot end with a dash", func(_ *odm.AdminData, u *odm.User) {
			u.Nodes = append(u.Nodes, &odm.Comment{Data: "ends with -"})
		}},
		{"comment-control", "a control character cannot stand in XML", func(_ *odm.AdminData, u *odm.User) {
			u.Nodes = append(u.Nodes, &odm.Comment{Data: "bell \x07"})
		}},
		{"pi-closes", "an instruction holding ?> would end there", func(ad *odm.AdminData, _ *odm.User) {
			ad.Nodes = append(ad.Nodes, &odm.ProcInst{Target: "x", Inst: "?>" + forged + "<?x "})
		}},
		{"pi-target", "an instruction's target is an XML name", func(_ *odm.AdminData, u *odm.User) {
			u.Nodes = append(u.Nodes, &odm.ProcInst{Target: "a b", Inst: "x"})
		}},
		{"pi-xml-inside", "xml is the declaration's, at the start of the prolog only", func(_ *odm.AdminData, u *odm.User) {
			u.Nodes = append(u.Nodes, &odm.ProcInst{Target: "XML", Inst: "x"})
		}},
		{"pi-leading-space", "white space before an instruction's data is not read back as data", func(_ *odm.AdminData, u *odm.User) {
			u.Nodes = append(u.Nodes, &odm.ProcInst{Target: "x", Inst: "  y"})
		}},
		{"cdata-invalid-utf8", "a byte that is not UTF-8 cannot stand in XML", func(_ *odm.AdminData, u *odm.User) {
			u.Nodes = append(u.Nodes, &odm.Text{Data: "a\xffb", CDATA: true})
		}},
		{"cdata-cr", "a carriage return in CDATA is read back as a line feed", func(_ *odm.AdminData, u *odm.User) {
			u.Nodes = append(u.Nodes, &odm.Text{Data: "a\rb", CDATA: true})
		}},
		{"directive-inside", "a DOCTYPE stands in the prolog only", func(_ *odm.AdminData, u *odm.User) {
			u.Nodes = append(u.Nodes, &odm.Directive{Data: "DOCTYPE x"})
		}},
		{"element-name-digit", "an element name cannot start with a digit", func(_ *odm.AdminData, u *odm.User) {
			u.Nodes = append(u.Nodes, el("urn:v", "v", "1bad"))
		}},
		{"element-name-space", "an element name cannot hold a space (the rest would be read as attributes)", func(_ *odm.AdminData, u *odm.User) {
			u.Nodes = append(u.Nodes, el("urn:v", "v", `a OID="FORGED"`))
		}},
		{"element-name-colon", "a local name cannot hold a colon", func(_ *odm.AdminData, u *odm.User) {
			u.Nodes = append(u.Nodes, el("urn:v", "v", "x:y"))
		}},
		{"element-prefix", "a prefix is an XML name too", func(_ *odm.AdminData, u *odm.User) {
			u.Nodes = append(u.Nodes, el("urn:v", "a b", "x"))
		}},
		{"element-xmlns", "no element is in the xmlns namespace", func(_ *odm.AdminData, u *odm.User) {
			u.Nodes = append(u.Nodes, el(odm.NSXMLNS, "", "e"))
		}},
		{"attr-name", "an attribute name with a space would write two attributes", func(_ *odm.AdminData, u *odm.User) {
			u.SetAttr("urn:v", "v", `a b`, "1")
		}},
		{"attr-xmlns-no-prefix", `a declaration is xmlns (prefix "") or xmlns:p: a prefix-less "zz" wrote xmlns="..." and rebound the default namespace`,
			func(_ *odm.AdminData, u *odm.User) { u.SetAttr(odm.NSXMLNS, "", "zz", "urn:v") }},
		{"attr-twice", "an extension attribute named as a modelled one repeats it", func(_ *odm.AdminData, u *odm.User) {
			u.SetAttr("", "", "OID", "U2")
		}},
		{"attr-twice-vendor", "two extension attributes of one name", func(_ *odm.AdminData, u *odm.User) {
			u.Attrs = append(u.Attrs, odm.Attr{Name: odm.Name{Space: "urn:v", Prefix: "v", Local: "a"}, Value: "1"},
				odm.Attr{Name: odm.Name{Space: "urn:v", Prefix: "w", Local: "a"}, Value: "2"})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Encode.
			var out bytes.Buffer
			err := odm.Encode(&out, forgedDoc(tc.edit), odm.WriteOptions{})
			if !errors.Is(err, odm.ErrUnwritable) {
				t.Fatalf("Encode: %s: want ErrUnwritable, got %v\n%s", tc.reason, err, out.String())
			}
			if strings.Contains(out.String(), "FORGED") {
				t.Errorf("Encode wrote the forged markup: %s", out.String())
			}
			// Writer.
			d := forgedDoc(tc.edit)
			ad := d.AdminData()[0]
			out.Reset()
			w := odm.NewWriter(&out, odm.WriteOptions{})
			err = w.Write(&odm.AdminData{StudyOID: ad.StudyOID, Ext: odm.Ext{Nodes: ad.Nodes}})
			if err == nil {
				for _, u := range ad.Users {
					if err = w.Write(u); err != nil {
						break
					}
				}
			}
			if err == nil {
				err = w.Close()
			}
			if !errors.Is(err, odm.ErrUnwritable) {
				t.Fatalf("Writer: %s: want ErrUnwritable, got %v", tc.reason, err)
			}
			// Transform, with the callback adding the value to the record it is given.
			out.Reset()
			in := `<?xml version="1.0"?><ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><AdminData StudyOID="S1"><User OID="U1"><LoginName>amorel</LoginName></User></AdminData></ODM>`
			_, err = odm.Transform(&out, strings.NewReader(in), odm.ReadOptions{}, odm.WriteOptions{}, func(n odm.Node) (odm.Node, error) {
				switch v := n.(type) {
				case *odm.AdminData:
					tc.edit(v, &odm.User{})
				case *odm.User:
					tc.edit(&odm.AdminData{}, v)
				}
				return n, nil
			})
			if !errors.Is(err, odm.ErrUnwritable) {
				t.Fatalf("Transform: %s: want ErrUnwritable, got %v", tc.reason, err)
			}
		})
	}
}

// TestWriterKeepsWellFormed: what XML can hold is written and read back as it was given:
// the checks above refuse only what it cannot.
func TestWriterKeepsWellFormed(t *testing.T) {
	d := odm.NewDocument(odm.V13)
	d.Prolog = append(d.Prolog, &odm.Directive{Data: "DOCTYPE ODM [\n  <!-- a note > here -->\n]"}, &odm.Text{Data: "\n"})
	u := &odm.User{OID: "U1", LoginName: "amorel"}
	u.SetAttr("urn:v", "v", "level", "1")
	u.SetAttr(odm.NSXMLNS, "xmlns", "w", "urn:w")
	u.Nodes = append(u.Nodes,
		&odm.Comment{Data: " a - b "},
		&odm.ProcInst{Target: "note", Inst: "x ? y"},
		&odm.Element{Name: odm.Name{Space: "urn:v", Prefix: "v", Local: "Süß.x-1"}, Children: []odm.Node{&odm.Text{Data: "a ]]> b", CDATA: true}}})
	d.AddAdminData(&odm.AdminData{StudyOID: "S1", Users: []*odm.User{u}})
	var out bytes.Buffer
	if err := odm.Encode(&out, d, odm.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	back, err := odm.Decode(bytes.NewReader(out.Bytes()), odm.ReadOptions{})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	got := back.AdminData()[0].Users[0]
	if v, _ := got.Attr("urn:v", "level"); v != "1" {
		t.Errorf("vendor attribute: %q", v)
	}
	var kinds []string
	for _, n := range got.Nodes {
		switch v := n.(type) {
		case *odm.Comment:
			kinds = append(kinds, "comment:"+v.Data)
		case *odm.ProcInst:
			kinds = append(kinds, "pi:"+v.Target+":"+v.Inst)
		case *odm.Element:
			kinds = append(kinds, "element:"+v.Local)
		}
	}
	want := []string{"comment: a - b ", "pi:note:x ? y", "element:Süß.x-1"}
	if strings.Join(kinds, "|") != strings.Join(want, "|") {
		t.Errorf("nodes read back: %q, want %q", kinds, want)
	}
	if !strings.Contains(out.String(), "<!DOCTYPE ODM [\n  <!-- a note > here -->\n]>") {
		t.Errorf("DOCTYPE not written as given:\n%s", out.String())
	}
}

// TestWriterNilAndStructure: nil values and documents without a root are errors or
// nothing, never a panic; a Transform callback cannot nest an AdminData in an AdminData.
func TestWriterNilAndStructure(t *testing.T) {
	var out bytes.Buffer
	// Nil entries of lists carry no value: written as nothing.
	d := forgedDoc(func(ad *odm.AdminData, u *odm.User) {
		ad.Users = append([]*odm.User{nil}, ad.Users...)
		ad.Locations = []*odm.Location{nil}
		u.LocationRefs = []*odm.LocationRef{nil, {LocationOID: "L1"}}
		u.Addresses = []*odm.Address{nil}
		u.Nodes = []odm.Node{nil, (*odm.Comment)(nil), (*odm.Element)(nil)}
	})
	if err := odm.Encode(&out, d, odm.WriteOptions{}); err != nil {
		t.Fatalf("nil entries: %v", err)
	}
	back, err := odm.Decode(bytes.NewReader(out.Bytes()), odm.ReadOptions{})
	if err != nil || len(back.AdminData()[0].Users) != 1 || len(back.AdminData()[0].Users[0].LocationRefs) != 1 {
		t.Errorf("nil entries: want one user with one LocationRef, got %v\n%s", err, out.String())
	}
	for name, tc := range map[string]struct {
		run  func() error
		want error
	}{
		"document-without-root": {func() error { return odm.Encode(&out, &odm.Document{}, odm.WriteOptions{}) }, odm.ErrUnrepresentable},
		"nil-document":          {func() error { return odm.Encode(&out, nil, odm.WriteOptions{}) }, odm.ErrUnrepresentable},
		"unknown-version":       {func() error { return odm.Encode(&out, odm.NewDocument("9.9"), odm.WriteOptions{}) }, odm.ErrUnrepresentable},
		"header-without-root": {func() error {
			return odm.NewWriter(&out, odm.WriteOptions{}).WriteHeader(&odm.Header{})
		}, odm.ErrUnrepresentable},
		"writer-nil-user": {func() error {
			w := odm.NewWriter(&out, odm.WriteOptions{})
			if err := w.Write(&odm.AdminData{}); err != nil {
				return err
			}
			return w.Write((*odm.User)(nil))
		}, nil},
		"transform-nested-admindata": {func() error {
			in := `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><AdminData StudyOID="S1"><User OID="U1"/></AdminData></ODM>`
			_, err := odm.Transform(&out, strings.NewReader(in), odm.ReadOptions{}, odm.WriteOptions{}, func(n odm.Node) (odm.Node, error) {
				if _, ok := n.(*odm.User); ok {
					return &odm.AdminData{StudyOID: "Z"}, nil
				}
				return n, nil
			})
			return err
		}, odm.ErrUnrepresentable},
	} {
		out.Reset()
		err := tc.run()
		if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("%s: want an error (%v), got %v", name, tc.want, err)
		}
	}
	// A callback that returns a nil *User drops the record, as a nil Node does.
	out.Reset()
	in := `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><AdminData StudyOID="S1"><User OID="U1"/><User OID="U2"/></AdminData></ODM>`
	_, err = odm.Transform(&out, strings.NewReader(in), odm.ReadOptions{}, odm.WriteOptions{}, func(n odm.Node) (odm.Node, error) {
		if u, ok := n.(*odm.User); ok && u.OID == "U1" {
			return (*odm.User)(nil), nil
		}
		return n, nil
	})
	if err != nil || strings.Contains(out.String(), `"U1"`) || !strings.Contains(out.String(), `"U2"`) {
		t.Errorf("nil *User from the callback: %v\n%s", err, out.String())
	}
}

// TestAddAdminDataNil: AddAdminData on the zero Document gives it a root, and nil
// entries are left out (they used to panic, or stand in the tree for the encoder to trip
// on).
func TestAddAdminDataNil(t *testing.T) {
	var d odm.Document
	d.AddAdminData(nil, &odm.AdminData{StudyOID: "S1"}, nil)
	if got := d.AdminData(); len(got) != 1 || got[0].StudyOID != "S1" {
		t.Fatalf("AdminData: %+v", got)
	}
	var out bytes.Buffer
	if err := odm.Encode(&out, &d, odm.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	back, err := odm.Decode(bytes.NewReader(out.Bytes()), odm.ReadOptions{})
	if err != nil || len(back.AdminData()) != 1 {
		t.Errorf("read back: %v\n%s", err, out.String())
	}
	d.AddAdminData(nil)
	if len(d.AdminData()) != 1 {
		t.Errorf("AddAdminData(nil) added a block")
	}
}
