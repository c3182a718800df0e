package mapping

import (
	"slices"

	"github.com/odmadmin/odmadmin/odm"
)

// sameUser reports whether o, what writer.user made of the record v read (a copy of v
// with what the directory changed set anew), is v unchanged: every field the same, and
// every list and nested value the same one (writer.user replaces a list or value it
// changes, it never edits v's in place). The patcher then has the record written as it
// was read (odm.AsRead) instead of encoded again. TestSameUserSeesEveryField holds it to
// every field of odm.User.
func sameUser(o, v *odm.User) bool {
	return o.OID == v.OID && o.UserType == v.UserType && o.OrganizationOID == v.OrganizationOID &&
		o.LocationOID == v.LocationOID && o.LoginName == v.LoginName && o.DisplayName == v.DisplayName &&
		o.Prefix == v.Prefix && o.Suffix == v.Suffix && o.FullName == v.FullName &&
		o.FirstName == v.FirstName && o.LastName == v.LastName && o.Organization == v.Organization &&
		slices.Equal(o.Addresses, v.Addresses) && slices.Equal(o.Emails, v.Emails) &&
		o.Picture == v.Picture && o.Image == v.Image && o.Pager == v.Pager &&
		slices.Equal(o.Faxes, v.Faxes) && slices.Equal(o.Phones, v.Phones) &&
		slices.Equal(o.LocationRefs, v.LocationRefs) && slices.Equal(o.Certificates, v.Certificates) &&
		slices.Equal(o.Telecoms, v.Telecoms) && sameExt(&o.Ext, &v.Ext)
}

// sameExt reports whether o and v hold the same extension attributes and the same nodes.
func sameExt(o, v *odm.Ext) bool {
	return slices.Equal(o.Attrs, v.Attrs) && slices.Equal(o.Nodes, v.Nodes) && o.Line == v.Line && o.Col == v.Col
}
