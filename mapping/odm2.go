package mapping

import (
	"fmt"
	"strings"

	"github.com/odmadmin/odmadmin/odm"
)

// What writing ODM 2.0 does differently from 1.3.2, for any profile that writes 2.0 (the
// odm2 profile, plainodm.go): contacts as Telecoms, an Image, organizations by OID.

// contacts20 writes the user's contacts as ODM 2.0 Telecoms and its picture as an Image.
func (w *writer) contacts20(o *odm.User, u *User, subject string, lost func(field, msg string)) {
	o.Emails, o.Phones, o.Faxes, o.Pager, o.Certificates, o.Picture = nil, nil, nil, "", nil, nil
	var tel []*odm.Telecom
	// A user written fresh in w.fresh has its Telecoms there too: pointers into telv,
	// which has room for all of them first.
	var f *freshUser
	if w.fresh != nil && o == &w.fresh.u {
		f = w.fresh
		n := len(u.Emails) + len(u.Phones) + len(u.Faxes) + 1 + len(u.Telecoms)
		if cap(f.telv) < n {
			f.telv = make([]odm.Telecom, 0, 2*n)
		}
		tel, f.telv = f.tels[:0], f.telv[:0]
		defer func() { f.tels = tel }()
	}
	add := func(t odm.TelecomType, vs ...string) {
		for _, v := range vs {
			if f != nil {
				f.telv = append(f.telv, odm.Telecom{TelecomType: t, Value: v})
				tel = append(tel, &f.telv[len(f.telv)-1])
				continue
			}
			tel = append(tel, &odm.Telecom{TelecomType: t, Value: v})
		}
	}
	add(odm.TelecomEmail, u.Emails...)
	add(odm.TelecomPhone, u.Phones...)
	add(odm.TelecomFax, u.Faxes...)
	if u.Pager != "" {
		add(odm.TelecomPager, u.Pager)
	}
	for _, t := range u.Telecoms {
		add(odm.TelecomType(t.Type), t.Value)
	}
	if !equalTelecoms(o.Telecoms, tel) {
		o.Telecoms = tel
	}
	if len(u.Certificates) > 0 {
		lost("Certificate", "ODM 2.0 has no Certificate")
	}
	if p := u.Picture; p != nil {
		img := &odm.Image{ImageFileName: p.File, Href: p.Href, MimeType: p.MIMEType}
		if p.Type != "" && p.MIMEType == "" {
			w.warn.add(CodeApproximated, "User/Picture/@ImageType", subject, "ODM 2.0 Image has a MIME type, not an image type; the image type is left out")
		}
		if c := o.Image; c == nil || c.ImageFileName != img.ImageFileName || c.Href != img.Href || c.MimeType != img.MimeType {
			o.Image = img
		}
	} else {
		o.Image = nil
	}
}

// orgFor returns the ODM 2.0 Organization OID for an organization name, defining an
// Organization when the directory has none of that name.
func (w *writer) orgFor(name, subject string) string {
	for _, o := range w.dir.Organizations {
		if o.Name == name {
			return o.ID
		}
	}
	if id, ok := w.orgIDs[name]; ok {
		return id
	}
	id := fmt.Sprintf("ORG.%d", len(w.orgIDs)+1)
	// A copy: the name may be a substring of a large text block (a chunk of the spill
	// file WriteODMStream reads its users from), which the map would keep whole.
	name = strings.Clone(name)
	w.orgIDs[name] = id
	w.newOrg = append(w.newOrg, &odm.Organization{OID: id, Name: name, Type: odm.OrganizationOther})
	w.warn.add(CodeGenerated, "Organization", subject, "ODM 2.0 refers to organizations by OID; an Organization is defined for an organization name")
	return id
}

func (w *writer) orgName(id string) string {
	for _, o := range w.dir.Organizations {
		if o.ID == id {
			return o.Name
		}
	}
	return id
}

func (w *writer) organization(m *Organization, base *odm.Organization) *odm.Organization {
	subject := "Organization " + m.ID
	var o *odm.Organization
	if base != nil {
		c := *base
		c.Attrs = append([]odm.Attr(nil), base.Attrs...)
		o = &c
	} else {
		o = &odm.Organization{}
		if m.Source != nil {
			w.extAttrsInto(&o.Ext, m.Source.Vendor, m.Source.Attrs, "Organization", subject)
		}
	}
	o.OID, o.Name, o.Role, o.LocationOID, o.PartOfOrganizationOID = m.ID, m.Name, m.Role, m.Site, m.PartOf
	t := odm.OrganizationType(m.Type)
	switch {
	case base != nil && t == base.Type, base == nil && w.same && m.Source != nil && m.Source.Vendor == w.p:
		// Written back into the flavour it was read from (its record, or read back from
		// JSON), a type the organization was read without, or with a value ODM does not
		// define, stays so: writing back invents nothing.
	case !t.Valid():
		if t != "" {
			w.warn.add(CodeApproximated, "Organization/@Type", subject, "not an ODM 2.0 OrganizationType; written as Other")
		}
		t = odm.OrganizationOther
	}
	o.Type = t
	w.syncContact(&o.Description, &o.Addresses, &o.Telecoms, m.Description, m.Addresses, m.Telecoms, "Organization", subject)
	return o
}

// equalTelecoms compares as multisets: the model groups contacts by type, so a source that
// interleaves them is unchanged as long as the same contacts are there.
func equalTelecoms(a []*odm.Telecom, b []*odm.Telecom) bool {
	if len(a) != len(b) {
		return false
	}
	used := make([]bool, len(b))
	for _, x := range a {
		found := false
		for j, y := range b {
			if !used[j] && x.TelecomType == y.TelecomType && x.Value == y.Value {
				used[j], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
