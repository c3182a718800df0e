package diff

import (
	"github.com/odmadmin/odmadmin/mapping"
)

// Rules the source system enforces, which a comparison of two of its exports can break.
const (
	// RuleAccountDeleted: OpenClinica 4 user accounts cannot be deleted, only deactivated
	// (OpenClinica 4 administrator guide), so a user missing from a later export of the
	// same system was removed in a way the system does not allow, or the exports are not
	// of one system.
	RuleAccountDeleted = "not allowed: OpenClinica accounts cannot be deleted, only deactivated"
	// RuleUsernameChanged: the username cannot be changed (OpenClinica 4 administrator
	// guide; AnjuEDC online help 13.4).
	RuleUsernameChanged = "not allowed: OpenClinica usernames cannot be changed"
)

// flagRules marks the changes that OpenClinica does not allow when both directories are
// OpenClinica exports of one system: a USER_REMOVED (accounts are never deleted) and a
// PROFILE_CHANGE of the login (usernames never change; seen when users are matched by OID
// or e-mail). Exports are of one system when both were read from OpenClinica (its ODM
// export or its OpenClinica 4 user table) and they share a study, or neither names one.
func (c *comparer) flagRules(a, b *mapping.Directory) {
	if !openClinica(profileOf(a)) || !openClinica(profileOf(b)) || !shareStudy(a, b) {
		return
	}
	for i := range c.out {
		ch := &c.out[i]
		switch {
		case ch.Event == UserRemoved:
			ch.Rule = RuleAccountDeleted
		case ch.Event == ProfileChange && ch.ValueType == "login":
			ch.Rule = RuleUsernameChanged
		}
	}
}

// openClinica reports whether p reads an OpenClinica source: its ODM export or the
// OpenClinica 4 user table.
func openClinica(p mapping.Profile) bool {
	return p == mapping.ProfileOpenClinica || p == mapping.ProfileOC4Users
}

// shareStudy reports whether a and b name a common study, or neither names any.
func shareStudy(a, b *mapping.Directory) bool {
	if len(a.Studies) == 0 && len(b.Studies) == 0 {
		return true
	}
	seen := make(map[string]bool, len(a.Studies))
	for _, s := range a.Studies {
		if s != nil {
			seen[s.ID] = true
		}
	}
	for _, s := range b.Studies {
		if s != nil && seen[s.ID] {
			return true
		}
	}
	return false
}
