package validate

import "github.com/odmadmin/odmadmin/odm"

// docDriver feeds a decoded document to a check: pass 1 (collect) and pass 2 (check) walk
// the same values the stream driver reads from the XML, in the order it reads them, except
// that a decoded AdminData holds its records by kind (Users, Organizations, Locations,
// SignatureDefs); the order of its children comes from the positions odm recorded.
type docDriver struct{ doc *odm.Document }

func (d docDriver) collect(defs *adminDefs) {
	ns := d.doc.Root.Space
	for _, n := range d.doc.Root.Children {
		switch n := n.(type) {
		case *odm.Element:
			if n == nil || n.Space != ns || n.Local != "Study" {
				continue
			}
			oid, _ := n.Attr("", "OID")
			var mdvs []string
			for _, m := range n.Elements(ns, "MetaDataVersion") {
				if moid, ok := m.Attr("", "OID"); ok {
					mdvs = append(mdvs, moid)
				}
			}
			defs.study(oid, mdvs)
		case *odm.AdminData:
			if n == nil {
				continue
			}
			forRecords(n, defs.record)
		}
	}
	defs.done()
	// The User OIDs UserRefs resolve against; the document is in memory anyway.
	for _, ad := range d.doc.AdminData() {
		if ad != nil {
			for _, u := range ad.Users {
				if u != nil {
					defs.user(u.OID)
				}
			}
		}
	}
}

func forRecords(ad *odm.AdminData, fn func(odm.Node)) {
	for _, u := range ad.Users {
		fn(u)
	}
	for _, o := range ad.Organizations {
		fn(o)
	}
	for _, l := range ad.Locations {
		fn(l)
	}
	for _, s := range ad.SignatureDefs {
		fn(s)
	}
}

func (d docDriver) check(c *adminChecker) {
	c.begin(d.doc.Version, d.doc.Root)
	for _, n := range d.doc.Root.Children {
		switch n := n.(type) {
		case *odm.Element:
			if n != nil && n.Space == c.ns {
				c.rootChild(n.Local, n.Line, n.Col)
			}
		case *odm.AdminData:
			if n != nil {
				c.rootChild("AdminData", n.Line, n.Col)
			}
		}
	}
	for _, ad := range d.doc.AdminData() {
		if ad == nil {
			continue
		}
		c.beginAdminData(ad)
		for _, ch := range ad.Ext.Children() {
			c.adminChild(ch.Name, ch.Line, ch.Col)
		}
		forRecords(ad, func(n odm.Node) {
			if n != nil {
				c.record(n)
			}
		})
	}
	// The walk keeps its own stack, so deep input cannot exhaust the goroutine stack.
	// Document order for the findings is restored by the final sort.
	var stack []*odm.Element
	for _, n := range d.doc.Root.Children {
		if e, ok := n.(*odm.Element); ok && e != nil && e.Space == c.ns && (e.Local == "ClinicalData" || e.Local == "ReferenceData") {
			stack = append(stack, e)
		}
	}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, ch := range e.Children {
			if ce, ok := ch.(*odm.Element); ok && ce != nil {
				stack = append(stack, ce)
			}
		}
		if e.Space != c.ns {
			continue
		}
		if _, set, _, attr := dataRefKind(e.Local, c.defs); set != nil {
			oid, _ := e.Attr("", attr)
			c.dataRef(e.Local, oid, e.Line, e.Col)
		}
	}
	for _, w := range d.doc.Warnings {
		c.readerWarning(w)
	}
}
