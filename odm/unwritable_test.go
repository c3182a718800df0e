package odm_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestUnwritableValueIsPlaced: a value XML cannot hold (a control character, a byte that
// is not UTF-8) fails the write with an error that names the record, by its OID, and the
// element or attribute the value is in, and the record's place in the file it was read
// from: a value from JSON or code has no line, and "control character 1 cannot be written"
// alone left the caller to search every user for it.
func TestUnwritableValueIsPlaced(t *testing.T) {
	const doc = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileOID="F" FileType="Snapshot" CreationDateTime="2026-01-01T00:00:00Z" ODMVersion="1.3.2">
  <AdminData>
    <User OID="U1"><LoginName>first</LoginName></User>
    <User OID="U2" pf:Note="n"><LoginName>second</LoginName><Address><City>Springfield</City></Address></User>
  </AdminData>
</ODM>
`
	tests := []struct {
		name string
		edit func(u *odm.User)
		want string
		why  string
	}{
		{"text child", func(u *odm.User) { u.LoginName = "sec\x01ond" },
			"line 5:5: odm: value cannot be written in XML: User U2: LoginName: control character 1",
			"a text child of the record"},
		{"nested value", func(u *odm.User) { u.Addresses[0].City = "Spring\x02field" },
			"User U2: Address/City: control character 2",
			"a text child of a value inside the record: the path down to it"},
		{"standard attribute", func(u *odm.User) { u.UserType = "Sponsor\x03" },
			"User U2: @UserType: control character 3", "an attribute of the record"},
		{"vendor attribute", func(u *odm.User) { u.Attrs[0].Value = "bad \xff byte" },
			"User U2: @Note: invalid UTF-8", "a vendor attribute, by its local name"},
		{"the OID itself", func(u *odm.User) { u.OID = "U\x042" },
			"line 5:5: odm: value cannot be written in XML: User: @OID: control character 4",
			"an OID that cannot be written is not echoed: the record is known by its place"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := odm.Decode(strings.NewReader(doc), odm.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			tc.edit(d.AdminData()[0].Users[1])
			err = odm.Encode(&bytes.Buffer{}, d, odm.WriteOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, odm.ErrUnwritable) || !errors.Is(err, odm.ErrUnrepresentable) {
				t.Errorf("got %v, want an ErrUnwritable (an ErrUnrepresentable) saying %q: %s", err, tc.want, tc.why)
			}
		})
	}
	// A record built in code has no line; the OID and path find it.
	var buf bytes.Buffer
	w := odm.NewWriter(&buf, odm.WriteOptions{})
	if err := w.Write(&odm.AdminData{}); err != nil {
		t.Fatal(err)
	}
	err := w.Write(&odm.User{OID: "U9", FirstName: "A\x1fda"})
	if want := "odm: value cannot be written in XML: User U9: FirstName: control character 31"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Writer: got %v, want %q", err, want)
	}
}
