package diff

import (
	"strings"

	"github.com/odmadmin/odmadmin/mapping"
)

// roleDefinitions compares the role definitions of the two directories (InForm pf:GroupDef:
// a named group with a type and a list of rights) and reports each difference as a
// ROLE_DEFINITION_CHANGE, the audit log's "role definition edits (old vs. new values)".
// Definitions are matched by ID (the GroupDef OID) and, for a study-specific definition, by
// study (pairDefs: several of one ID are paired in the order read); the Target is "Name
// (ID)" and the ValueType "rights", "name" or "type". A new or dropped definition is one
// change of ValueType "definition" from or to nothing, its value the whole definition
// (see definition), so that it differs from a change of its rights to or from none.
// Definitions are compared only between directories of one profile (or with AllFields),
// since the other vendors keep none.
func (c *comparer) roleDefinitions(as, bs []*mapping.Group) {
	if !c.same || (len(as) == 0 && len(bs) == 0) {
		return
	}
	key := func(g *mapping.Group) defKey { return defKey{strings.TrimSpace(g.Study), strings.TrimSpace(g.ID)} }
	pairDefs(as, bs, key, func(a, b *mapping.Group) {
		switch {
		case a == nil:
			c.add(Change{Event: RoleDefinitionChange, Target: groupTarget(b), ValueType: "definition", New: c.definition(b)})
		case b == nil:
			c.add(Change{Event: RoleDefinitionChange, Target: groupTarget(a), ValueType: "definition", Old: c.definition(a)})
		default:
			target := groupTarget(b)
			if !c.eqText(a.Name, b.Name) {
				c.add(Change{Event: RoleDefinitionChange, Target: target, ValueType: "name", Old: a.Name, New: b.Name})
			}
			if !c.eqText(a.Type, b.Type) {
				c.add(Change{Event: RoleDefinitionChange, Target: target, ValueType: "type", Old: a.Type, New: b.Type})
			}
			if o, n, differ := c.setDiff(a.Rights, b.Rights, c.textNorm); differ {
				c.add(Change{Event: RoleDefinitionChange, Target: target, ValueType: "rights", Old: o, New: n})
			}
		}
	})
}

// rights returns a definition's rights as one value, joined as setDiff joins sets.
func (c *comparer) rights(g *mapping.Group) string {
	o, _, _ := c.setDiff(g.Rights, nil, c.textNorm)
	return o
}

// definition returns a whole definition as one value, for one added or removed: "Name
// [Type]: rights" (rights as rights joins them), or "Name [Type]: (no rights)"; the name
// and type are those a user's groups are written with ("Site 01 [Site]"), and never
// empty: "(no name)" and "(no type)" stand in for them.
func (c *comparer) definition(g *mapping.Group) string {
	name, typ := collapse(g.Name), collapse(g.Type)
	if name == "" {
		name = "(no name)"
	}
	if typ == "" {
		typ = "(no type)"
	}
	rights := c.rights(g)
	if rights == "" {
		rights = "(no rights)"
	}
	return name + " [" + typ + "]: " + rights
}

// groupTarget names a role definition as the audit log names objects: "Name (ID)".
func groupTarget(g *mapping.Group) string {
	name := collapse(g.Name)
	if name == "" {
		return "(" + strings.TrimSpace(g.ID) + ")"
	}
	return name + " (" + strings.TrimSpace(g.ID) + ")"
}
