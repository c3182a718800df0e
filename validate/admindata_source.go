package validate

import (
	"github.com/odmadmin/odmadmin/odm"
)

// Two facts come from the source layout rather than from the typed values: the order in
// which an element's children stood, for admin.elementOrder (rwslib writes Country before
// StateProv), and where a text-only child such as Email or Country stood, so that a
// finding about an Email cites the Email's line, not its User's. odm records both for
// every value it reads (odm.Ext.Children); indexDocument turns them into a sourceIndex.

// pos is a start-tag position as odm reports it: 1-based line and byte column of the "<".
type pos struct{ line, col int }

// kid is one ODM-namespace child element of an indexed element (starting at parent).
type kid struct {
	parent pos
	local  string
	at     pos
}

// sourceIndex lists the ODM children of each element of one record, in source order: a
// few dozen, searched only when a finding cites a child, so a slice does.
type sourceIndex struct {
	kids []kid
	// children is indexRecord's buffer for the children of one element
	// (odm.Ext.AppendChildren): one for every record instead of a slice grown for each.
	children []odm.Child
}

// child returns the position of the i-th child named local of the element starting at p.
func (s *sourceIndex) child(p pos, local string, i int) (pos, bool) {
	if s == nil {
		return pos{}, false
	}
	for _, k := range s.kids {
		if k.parent != p || k.local != local {
			continue
		}
		if i == 0 {
			return k.at, true
		}
		i--
	}
	return pos{}, false
}

// contentModels lists, per ODM version family, the ODM children of each AdminData element in
// schema order (ODM 1.3.2 foundation XSD; ODM 2.0 ODM-admindata.xsd). Elements a model does
// not list are the reader's business (admin.unknownContent), not an order question.
var contentModels = map[bool]map[string][]string{
	false: { // ODM 1.2 and 1.3
		"AdminData":    {"User", "Location", "SignatureDef"},
		"User":         {"LoginName", "DisplayName", "FullName", "FirstName", "LastName", "Organization", "Address", "Email", "Picture", "Pager", "Fax", "Phone", "LocationRef", "Certificate"},
		"Address":      {"StreetName", "City", "StateProv", "Country", "PostalCode", "OtherText"},
		"Location":     {"MetaDataVersionRef"},
		"SignatureDef": {"Meaning", "LegalReason"},
	},
	true: { // ODM 2.0
		"AdminData":    {"User", "Organization", "Location", "SignatureDef"},
		"User":         {"UserName", "Prefix", "Suffix", "FullName", "GivenName", "FamilyName", "Image", "Address", "Telecom"},
		"Address":      {"StreetName", "HouseNumber", "City", "StateProv", "Country", "PostalCode", "GeoPosition", "OtherText"},
		"Location":     {"Description", "MetaDataVersionRef", "Address", "Telecom", "Query"},
		"Organization": {"Description", "Address", "Telecom"},
		"SignatureDef": {"Meaning", "LegalReason"},
	},
}

// rootModels is the order of the ODM root's children (ODM 1.3.2 section 3.1; ODM 2.0
// ODM-foundation.xsd). ds:Signature is in another namespace and not ranked.
var rootModels = map[bool][]string{
	false: {"Study", "AdminData", "ReferenceData", "ClinicalData", "Association"},
	true:  {"Description", "Study", "AdminData", "ReferenceData", "ClinicalData", "Association"},
}

func rank(model []string, local string) int {
	for i, m := range model {
		if m == local {
			return i
		}
	}
	return -1
}

// orderFinding describes one child that stands before a sibling the schema puts first.
type orderFinding struct {
	parent, child, after string
	at, afterAt          pos
	model                []string
}

// orderCheck follows the children of one element and reports each child whose rank is
// below the highest rank seen so far. One out-of-place child is one finding, however
// many siblings it jumped.
type orderCheck struct {
	model []string
	best  int
	name  string
	at    pos
}

func (o *orderCheck) see(parent, local string, at pos) (orderFinding, bool) {
	r := rank(o.model, local)
	if r < 0 {
		return orderFinding{}, false
	}
	if r < o.best {
		return orderFinding{parent: parent, child: local, after: o.name, at: at, afterAt: o.at, model: o.model}, true
	}
	o.best, o.name, o.at = r, local, at
	return orderFinding{}, false
}

// indexRecord builds the source index of one child of AdminData (a User, Organization,
// Location or SignatureDef, with its Addresses) from the decoded value and reports the
// children out of schema order to bad: odm records, for every value it reads from XML, its
// standard children in source order with their positions (odm.Ext.Children). Values built in
// code or read from JSON have none, and are neither indexed nor order-checked. The index is
// one record's, in idx (reused: a check holds one record at a time).
func indexRecord(idx *sourceIndex, n odm.Node, v2 bool, bad func(orderFinding)) *sourceIndex {
	idx.kids = idx.kids[:0]
	var out []orderFinding
	models := contentModels[v2]
	visit := func(name string, x *odm.Ext) {
		idx.children = x.AppendChildren(idx.children[:0])
		children := idx.children
		if len(children) == 0 {
			return
		}
		at := pos{x.Line, x.Col}
		var oc *orderCheck
		if m, ok := models[name]; ok {
			oc = &orderCheck{model: m, best: -1}
		}
		for _, c := range children {
			p := pos{c.Line, c.Col}
			idx.kids = append(idx.kids, kid{at, c.Name, p})
			if oc != nil {
				if of, bad := oc.see(name, c.Name, p); bad {
					out = append(out, of)
				}
			}
		}
	}
	addresses := func(as []*odm.Address) {
		for _, a := range as {
			if a != nil {
				visit("Address", &a.Ext)
			}
		}
	}
	switch n := n.(type) {
	case *odm.User:
		if n != nil {
			visit("User", &n.Ext)
			addresses(n.Addresses)
		}
	case *odm.Organization:
		if n != nil {
			visit("Organization", &n.Ext)
			addresses(n.Addresses)
		}
	case *odm.Location:
		if n != nil {
			visit("Location", &n.Ext)
			addresses(n.Addresses)
		}
	case *odm.SignatureDef:
		if n != nil {
			visit("SignatureDef", &n.Ext)
		}
	}
	for _, of := range out {
		bad(of)
	}
	return idx
}
