package mapping

import (
	"encoding/binary"
	"strings"
)

// WriteJSON writes most users straight from their compact records (see record.go):
// recordTrace reads a record and notes its JSON's trace and values for userJSON as walk
// notes those of the User that decode, finishEach and fillEmpty would build from it, in
// the same order and with the same warnings, without building the User: decode's values
// (a User, its Source and their lists, taken from the slabs and cleared after each user)
// were written once, read once by walk and dropped. TestRecordJSONAsUser holds the two
// to the same bytes and warnings.
//
// A person read in several AdminData blocks (merged) or built early (to merge a later
// record into) is still built as a User and walked.

// jsonRecord is what recordTrace keeps from user to user: buffers it reuses.
type jsonRecord struct {
	attrs   []Attr // of schema (1 + its index in builder.schemas, 0 for none)
	schema  int
	groups  []GroupRef
	sites   []string
	certs   []string
	elems   []string
	assigns []Assignment // not nil, so that builder.assign appends to it
	u       User         // the user resolve assigns to: its ID and Assignments
}

// recordTrace notes the JSON of the user of record p (a plain one: not merged, not
// built) in e's trace and values, resolving its groups and access with the warnings
// finishEach gives (wGroups, wAccess, wRoles; only: see prepare).
func (b *builder) recordTrace(e *userJSON, p string, wGroups, wAccess, wRoles *warner, only string) {
	x := b.jrec
	e.trace, e.vals = e.trace[:0], e.vals[:0]
	r := recReader{b: b, p: p}
	b.openText(&r, false)
	block := int(r.uvarint())
	r.uvarint() // line
	r.uvarint() // column
	// The attributes' namespaces and names are their schema's, the same as the last
	// record's as a rule: only the values are read into them.
	si := int(r.uvarint())
	if si != x.schema {
		x.attrs = x.attrs[:0]
		if si > 0 {
			x.attrs = append(x.attrs, b.schemas[si-1].attrs...)
		}
		x.schema = si
	}
	for i := range x.attrs {
		x.attrs[i].Value = r.str()
	}
	r.attrs = x.attrs
	var f [fType + 1]string
	mask := r.uvarint()
	for k := range f {
		if mask&(1<<k) != 0 {
			f[k] = r.str()
		}
	}
	id := f[fID]
	e.tOp(opObject)
	e.field(kId, id)
	e.field(kLogin, f[fLogin])
	e.field(kDisplayName, f[fDisplayName])
	e.omitEmpty(kFullName, f[fFullName])
	e.field(kGivenName, f[fGivenName])
	e.field(kFamilyName, f[fFamilyName])
	e.omitEmpty(kPrefix, f[fPrefix])
	e.omitEmpty(kSuffix, f[fSuffix])
	category, status := categoryCodes[r.byte()], statusCodes[r.byte()]
	// Emails and phones are never null (fillEmpty), faxes omitted when empty.
	r.traceStrs(e, kEmails, false)
	r.traceStrs(e, kPhones, false)
	r.traceStrs(e, kFaxes, true)
	x.certs = x.certs[:0]
	for n := int(r.uvarint()); n > 0; n-- {
		x.certs = append(x.certs, r.str())
	}
	e.omitEmpty(kPager, f[fPager])
	if n := int(r.uvarint()); n > 0 {
		e.tKey(kTelecoms)
		e.tOp(opArray)
		for ; n > 0; n-- {
			e.tOp(opElem)
			e.tOp(opObject)
			e.field(kType, r.str())
			e.field(kValue, r.str())
			e.tOp(opEndObject)
		}
		e.tOp(opEndArray)
	}
	e.omitEmpty(kOrganization, f[fOrganization])
	e.omitEmpty(kOrganizationId, f[fOrganizationID])
	if n := int(r.uvarint()); n > 0 {
		e.tKey(kAddresses)
		e.tOp(opArray)
		for ; n > 0; n-- {
			e.tOp(opElem)
			e.tOp(opObject)
			r.traceStrs(e, kStreetNames, true)
			mask := r.uvarint()
			for k, key := range [addrFields]jsonKey{kHouseNumber, kCity, kStateProv, kCountry, kPostalCode,
				kOtherText, kLongitude, kLatitude, kAltitude} {
				if mask&(1<<k) != 0 {
					e.omitEmpty(key, r.str())
				}
			}
			e.tOp(opEndObject)
		}
		e.tOp(opEndArray)
	}
	e.strs(kCertificates, x.certs, true)
	if r.byte() == 1 {
		e.tKey(kPicture)
		e.tOp(opObject)
		e.omitEmpty(kFile, r.str())
		e.omitEmpty(kType, r.str())
		e.omitEmpty(kHref, r.str())
		e.omitEmpty(kMimeType, r.str())
		e.tOp(opEndObject)
	}
	e.omitEmpty(kLocale, f[fLocale])
	e.omitEmpty(kType, f[fType])
	e.field(kCategory, string(category))
	e.field(kStatus, string(status))

	// The groups, named from their definitions (finishEach).
	studies := b.studiesOf[block]
	x.groups = x.groups[:0]
	for n := int(r.uvarint()); n > 0; n-- {
		g := GroupRef{ID: r.str(), Name: r.str(), Type: r.str()}
		if g.ID != "" {
			if def := b.group(studies[0], g.ID); def != nil {
				g.Name, g.Type = def.Name, def.Type
			} else {
				wGroups.add(CodeDanglingRef, groupRefField, "User "+id, "the group is not defined in the file")
			}
		}
		x.groups = append(x.groups, g)
	}
	e.tKey(kGroups)
	e.tOp(opArray)
	for i := range x.groups {
		e.group(&x.groups[i])
	}
	e.tOp(opEndArray)

	// Source.Elements and IDs come before the access in the record, after it in JSON.
	x.elems = x.elems[:0]
	for n := int(r.uvarint()); n > 0; n-- {
		x.elems = append(x.elems, r.str())
	}
	oid, hasOID := "", r.byte() == 1
	if hasOID {
		oid = r.str()
	}
	x.sites = x.sites[:0]
	for n := int(r.uvarint()); n > 0; n-- {
		x.sites = append(x.sites, r.str())
	}
	role := ""
	if k := int(r.uvarint()); k > 0 {
		role = x.attrs[k-1].Value
	}
	u := &x.u
	u.ID, u.Assignments = id, x.assigns[:0]
	b.assigned.reset()
	b.resolve(wAccess, pending{u: u, block: block, sites: x.sites, role: role, groups: x.groups}, only)
	x.assigns = u.Assignments[:0]
	e.tKey(kAssignments)
	e.tOp(opArray)
	for i := range u.Assignments {
		a := &u.Assignments[i]
		if a.Role.Canonical == RoleOther && !strings.EqualFold(strings.TrimSpace(a.Role.Name), "other") {
			wRoles.add(CodeUnknownRole, "Assignment/Role", "User "+id, "role name not in the vocabulary; mapped to Other: "+a.Role.Name)
		}
		e.assignment(a)
	}
	e.tOp(opEndArray)
	clear(u.Assignments) // nothing of the user is kept
	u.ID, u.Assignments = "", nil

	e.tKey(kSource)
	e.tOp(opObject)
	e.field(kVendor, string(b.p))
	if hasOID {
		e.tKey(kIds)
		e.tOp(opObject)
		e.tOp(opElem)
		e.tStr("OID")
		e.tOp(opColon)
		e.tStr(oid)
		e.tOp(opEndObject)
	}
	if si > 0 {
		// The schema's namespaces and names are the shape's (see opSchema).
		e.tKey(kAttrs)
		e.tOp(opArray)
		e.trace = binary.LittleEndian.AppendUint32(append(e.trace, opSchema), uint32(si-1))
		for i := range x.attrs {
			e.vals = append(e.vals, x.attrs[i].Value)
		}
		e.tOp(opEndArray)
	}
	e.strs(kElements, x.elems, true)
	e.strs(kStudies, studies, true)
	e.tOp(opEndObject)
	e.tOp(opEndObject)
}

// traceStrs notes a list of strings read from the record (see strs): omitted when empty
// and omitEmpty, else an array (never null: fillEmpty).
func (r *recReader) traceStrs(e *userJSON, k jsonKey, omitEmpty bool) {
	n := int(r.uvarint())
	if n == 0 && omitEmpty {
		return
	}
	e.tKey(k)
	e.tOp(opArray)
	for ; n > 0; n-- {
		e.tOp(opElem)
		e.tStr(r.str())
	}
	e.tOp(opEndArray)
}
