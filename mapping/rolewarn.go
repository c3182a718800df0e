package mapping

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// CodeRoleVerbatim: a role read from one vendor is written under its own name into
// another vendor's file, whose role of that name may not exist (an InForm rights group
// "Site Investigator Rights" as a Clinical One Study Role), because no migration spec
// said what it becomes there. The name is still written as read: renaming it silently
// could grant other rights. Count says how many users are written with it.
const CodeRoleVerbatim Code = "role-verbatim"

// RolesForAny is Source.RolesFor of a user whose roles a migration spec mapped without a
// target (odmadmin map --spec --to json): the names are the spec's, meant for whichever
// target it was written, so no write warns that they are the source vendor's.
const RolesForAny Profile = "*"

// roleVendor is the vendor whose role names profile p reads and writes ("" for plain ODM,
// which has none): the OpenClinica 4 user table's names are OpenClinica's. Each profile's
// file says (roleVocab.roleOwner).
func roleVendor(p Profile) Profile {
	v, _, _ := p.roles().roleOwner()
	return v
}

// vendorTitle is how messages name p's vendor; specHint how the command line writes
// profile p, for the fix a CodeRoleVerbatim warning suggests.
func vendorTitle(p Profile) string { _, t, _ := p.roles().roleOwner(); return t }
func specHint(p Profile) string    { _, _, h := p.roles().roleOwner(); return h }

// roleVerbatim returns the CodeRoleVerbatim message for u's role r written as name into
// target at scope s, or "" when the name is no other vendor's: the role was read from
// target's vendor (or from no vendor), a migration spec mapped u's roles for it
// (Source.RolesFor), or name is the target's own name for r's canonical role.
func roleVerbatim(target Profile, u *User, r Role, name string, s Scope) string {
	if name == "" || u == nil || u.Source == nil {
		return ""
	}
	from, to := roleVendor(u.Source.Vendor), roleVendor(target)
	if from == "" || to == "" || from == to || roleVendor(u.Source.RolesFor) == to || u.Source.RolesFor == RolesForAny {
		return ""
	}
	if roleKey(name) == roleKey(DefaultRoleName(to, r.Canonical, s)) {
		return ""
	}
	// The message names the role (a vendor's name, not a person's) so that each distinct
	// role is one warning, merged over the users written with it.
	return fmt.Sprintf("%s role %q is written as it is into %s, which may have no role of that name; "+
		"say what it becomes in a migration spec: odmadmin map --spec-template %s IN > spec.csv, "+
		"fill in Target, then map with --spec spec.csv",
		vendorTitle(from), name, vendorTitle(to), specHint(target))
}

// warnVerbatimRole adds roleVerbatim's warning, if any, to w under field. Its message
// depends only on what verbatimMsgKey holds, and a template of a whole study repeats a few
// roles over all its users, so w remembers each key's message: building it (fmt, the
// folded role names) cost more than the rest of a CSV row. The subject is built only for
// a warning's first value, the one it names.
func warnVerbatimRole(w *warner, field string, target Profile, u *User, r Role, name string, s Scope) {
	if name == "" || u == nil || u.Source == nil {
		return
	}
	k := verbatimMsgKey{target: target, vendor: u.Source.Vendor, rolesFor: u.Source.RolesFor, canonical: r.Canonical, name: name, scope: s}
	// The last key is compared first: the users of an export mostly repeat it (its
	// strings are the same ones, which compare without reading them), where the map
	// hashed its six strings for each user.
	msg, ok := w.verbatimLast.msg, w.verbatimLast.ok && w.verbatimLast.k == k
	if !ok {
		msg, ok = w.verbatim[k]
	}
	if !ok {
		msg = roleVerbatim(target, u, r, name, s)
		if w.verbatim == nil {
			w.verbatim = map[verbatimMsgKey]string{}
		}
		if len(w.verbatim) < maxWarningKinds {
			w.verbatim[k] = msg
		}
	}
	w.verbatimLast.k, w.verbatimLast.msg, w.verbatimLast.ok = k, msg, true
	if msg != "" {
		w.addUser(CodeRoleVerbatim, field, u.ID, msg)
	}
}

// verbatimMsgKey is everything roleVerbatim's message depends on besides the user's ID.
type verbatimMsgKey struct {
	target, vendor, rolesFor Profile
	canonical                Canonical
	name                     string
	scope                    Scope
}

// unknownRoleMsg starts the CodeUnknownRole message of each reader; the role name follows.
const unknownRoleMsg = "role name not in the vocabulary; mapped to Other: "

// verbatimRole finds the role name in a CodeRoleVerbatim message (roleVerbatim's).
var verbatimRole = regexp.MustCompile(`^\S+(?: \S+)? role ("(?:[^"\\]|\\.)*") is written as it is`)

// FoldRoleWarnings returns ws with each CodeUnknownRole warning of a reader folded into
// the CodeRoleVerbatim warning a writer gave for the same role name, so that one role is
// one warning: the role-verbatim message says that the name is not in the vocabulary
// either, and takes the reader's place in its input when it had none. Other warnings are
// kept as they are, in order; ws is not changed. Callers that list a read's and a write's
// warnings together (odmadmin map) fold them.
func FoldRoleWarnings(ws []Warning) []Warning {
	verbatim := map[string]int{} // role name → index of its first role-verbatim warning
	for i, w := range ws {
		if w.Code != CodeRoleVerbatim {
			continue
		}
		if m := verbatimRole.FindStringSubmatch(w.Message); m != nil {
			if name, err := strconv.Unquote(m[1]); err == nil {
				if _, ok := verbatim[name]; !ok {
					verbatim[name] = i
				}
			}
		}
	}
	if len(verbatim) == 0 {
		return ws
	}
	into := map[int]int{} // index of an unknown-role warning → the role-verbatim one it joins
	for j, w := range ws {
		if name, ok := strings.CutPrefix(w.Message, unknownRoleMsg); ok && w.Code == CodeUnknownRole {
			if i, ok := verbatim[name]; ok {
				into[j] = i
			}
		}
	}
	if len(into) == 0 {
		return ws
	}
	out := slices.Clone(ws)
	for j, i := range into {
		v, u := &out[i], ws[j]
		if !strings.Contains(v.Message, notInVocabulary) {
			v.Message = strings.Replace(v.Message, " is written as it is", notInVocabulary+" and is written as it is", 1)
		}
		if v.File == "" && v.Line == 0 && v.Row == 0 {
			v.File, v.Line, v.Col, v.Row, v.Column = u.File, u.Line, u.Col, u.Row, u.Column
		}
	}
	kept := out[:0]
	for j, w := range out {
		if _, gone := into[j]; !gone {
			kept = append(kept, w)
		}
	}
	return kept
}

// notInVocabulary is what a folded role-verbatim message adds after the role's name.
const notInVocabulary = " is not in the vocabulary (read as Other)"
