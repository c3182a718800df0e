package diff

import (
	"cmp"
	"slices"
	"strings"

	"github.com/odmadmin/odmadmin/mapping"
)

// The AdminData records besides users and sites: ODM 2.0 Organizations and SignatureDefs.
// A test harness that proves two exports agree has to see a signature meaning or an
// organization's parent change too, not only the users that refer to them.

// defKey identifies an organization or signature definition on a side: its AdminData's
// study and its OID, as a role definition is identified.
type defKey struct{ study, id string }

// keysOfEither returns the keys of a, then those of b that a lacks, in map order: the
// callers sort them.
func keysOfEither[K comparable, V any](a, b map[K]V) []K {
	keys := make([]K, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	return keys
}

// pairDefs matches the definitions of two sides by study and OID and calls each with
// every pair, in order of OID then study; nil stands for a side that lacks one. Several
// definitions of one key on a side (a file that repeats an OID) are paired in the order
// read, so that none is left out of the comparison.
func pairDefs[T any](as, bs []*T, keyOf func(*T) defKey, each func(a, b *T)) {
	group := func(in []*T) map[defKey][]*T {
		m := make(map[defKey][]*T, len(in))
		for _, x := range in {
			if x != nil {
				k := keyOf(x)
				m[k] = append(m[k], x)
			}
		}
		return m
	}
	am, bm := group(as), group(bs)
	keys := keysOfEither(am, bm)
	slices.SortFunc(keys, func(x, y defKey) int {
		return cmp.Or(cmp.Compare(x.id, y.id), cmp.Compare(x.study, y.study))
	})
	for _, k := range keys {
		a, b := am[k], bm[k]
		for i := range max(len(a), len(b)) {
			var x, y *T
			if i < len(a) {
				x = a[i]
			}
			if i < len(b) {
				y = b[i]
			}
			each(x, y)
		}
	}
}

// organizations compares the ODM 2.0 Organizations of the two directories: an
// ORGANIZATION_ADDED or ORGANIZATION_REMOVED for one only one side has, an
// ORGANIZATION_CHANGE per field that differs (ValueType the field's JSON name in
// mapping.Organization).
func (c *comparer) organizations(as, bs []*mapping.Organization) {
	if !c.has(fOrganizations) || (len(as) == 0 && len(bs) == 0) {
		return
	}
	key := func(o *mapping.Organization) defKey {
		return defKey{strings.TrimSpace(o.Study), strings.TrimSpace(o.ID)}
	}
	pairDefs(as, bs, key, func(a, b *mapping.Organization) {
		switch {
		case a == nil:
			c.add(Change{Event: OrganizationAdded, Target: orgTarget(b)})
		case b == nil:
			c.add(Change{Event: OrganizationRemoved, Target: orgTarget(a)})
		default:
			c.organization(a, b)
		}
	})
}

func orgTarget(o *mapping.Organization) string {
	return nameTarget(o.Name, o.ID)
}

// nameTarget names a record as the audit log names objects, "Name (ID)", or "(ID)"
// without a name.
func nameTarget(name, id string) string {
	id = strings.TrimSpace(id)
	if name = collapse(name); name == "" {
		return "(" + id + ")"
	}
	return name + " (" + id + ")"
}

func (c *comparer) organization(a, b *mapping.Organization) {
	target := orgTarget(b)
	prop := func(name, old, new string) {
		if !c.eqText(old, new) {
			c.add(Change{Event: OrganizationChange, Target: target, ValueType: name, Old: old, New: new})
		}
	}
	set := func(name string, old, new []string) {
		if o, n, differ := c.setDiff(old, new, c.textNorm); differ {
			c.add(Change{Event: OrganizationChange, Target: target, ValueType: name, Old: o, New: n})
		}
	}
	prop("name", a.Name, b.Name)
	prop("type", a.Type, b.Type)
	prop("role", a.Role, b.Role)
	prop("site", a.Site, b.Site)
	prop("partOf", a.PartOf, b.PartOf)
	prop("description", a.Description, b.Description)
	if !slices.EqualFunc(a.Addresses, b.Addresses, equalAddress) {
		set("addresses", addressStrings(a.Addresses), addressStrings(b.Addresses))
	}
	if !slices.Equal(a.Telecoms, b.Telecoms) {
		set("telecoms", telecomStrings(a.Telecoms), telecomStrings(b.Telecoms))
	}
	if c.has(fExtensions) {
		c.defExtensions(target, a.Source, b.Source)
	}
}

// signatures compares the SignatureDefs of the two directories: a SIGNATURE_DEF_ADDED or
// SIGNATURE_DEF_REMOVED for one only one side has, a SIGNATURE_DEF_CHANGE per field that
// differs ("methodology", "meaning", "legalReason").
func (c *comparer) signatures(as, bs []*mapping.Signature) {
	if !c.has(fSignatures) || (len(as) == 0 && len(bs) == 0) {
		return
	}
	key := func(s *mapping.Signature) defKey {
		return defKey{strings.TrimSpace(s.Study), strings.TrimSpace(s.ID)}
	}
	pairDefs(as, bs, key, func(a, b *mapping.Signature) {
		switch {
		case a == nil:
			c.add(Change{Event: SignatureDefAdded, Target: sigTarget(b)})
		case b == nil:
			c.add(Change{Event: SignatureDefRemoved, Target: sigTarget(a)})
		default:
			target := sigTarget(b)
			for _, f := range [...]struct{ name, old, new string }{
				{"methodology", a.Methodology, b.Methodology},
				{"meaning", a.Meaning, b.Meaning},
				{"legalReason", a.LegalReason, b.LegalReason},
			} {
				if !c.eqText(f.old, f.new) {
					c.add(Change{Event: SignatureDefChange, Target: target, ValueType: f.name, Old: f.old, New: f.new})
				}
			}
			if c.has(fExtensions) {
				c.defExtensions(target, a.Source, b.Source)
			}
		}
	})
}

// sigTarget names a signature definition by its meaning, the text a signer sees.
func sigTarget(s *mapping.Signature) string {
	return nameTarget(s.Meaning, s.ID)
}

// defExtensions compares the vendor attributes and elements of two definitions; each
// difference is an EXTENSION_CHANGE of the definition's target, as for sites.
func (c *comparer) defExtensions(target string, a, b *mapping.Source) {
	c.extensions("", target, defAttr, a, b, nil)
}
