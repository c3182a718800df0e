package diff

import (
	"strings"

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
	// RuleStatusReverted: an Available account was activated ("Invited: ... the user has
	// not yet activated the account"; OpenClinica 4 administrator guide), so it does not
	// become Invited or Created again.
	RuleStatusReverted = "not allowed: an activated OpenClinica account does not return to Invited or Created"
)

// flagRules marks the changes that OpenClinica does not allow when both directories are
// OpenClinica exports of one system: a USER_REMOVED (accounts are never deleted), a
// PROFILE_CHANGE of the login (usernames never change; seen when users are matched by OID
// or e-mail) and a STATUS_CHANGE from Available to Invited or Created. Exports are of one system when both were read from OpenClinica (its ODM
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
		case ch.Event == StatusChange && ch.ValueType == "status" && statusReverted(ch.Old, ch.New):
			ch.Rule = RuleStatusReverted
		}
	}
}

// statusReverted reports whether a status change takes an Available (activated) account
// back to Invited (not yet activated) or Created (no role yet). The guide gives the
// statuses' meanings, not their transitions, so only this move, which contradicts them,
// is flagged. Between two exports several steps may have happened (Created, Invited and
// Available in one interval is normal), and what becomes of a Deactivated account that
// is activated again, or of an Invited one whose roles are all removed, the guide does
// not say: those moves are not flagged.
func statusReverted(old, new string) bool {
	if !strings.EqualFold(strings.TrimSpace(old), string(mapping.StatusAvailable)) {
		return false
	}
	n := strings.TrimSpace(new)
	return strings.EqualFold(n, string(mapping.StatusInvited)) || strings.EqualFold(n, string(mapping.StatusCreated))
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
