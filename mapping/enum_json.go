package mapping

import (
	"encoding/json"
	"fmt"
	"strings"
)

// UnmarshalJSON accepts the four statuses (letter case ignored, written back in the
// model's spelling) and the empty status, and refuses anything else: a directory with
// "status":"Bogus" would otherwise pass for one whose status is known.
func (s *Status) UnmarshalJSON(b []byte) error {
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("a user's status must be a string: %w", err)
	}
	v = strings.TrimSpace(v)
	for _, st := range []Status{"", StatusCreated, StatusInvited, StatusAvailable, StatusDeactivated} {
		if strings.EqualFold(v, string(st)) {
			*s = st
			return nil
		}
	}
	return fmt.Errorf("unknown user status %q: want Created, Invited, Available, Deactivated or none", v)
}

// UnmarshalJSON accepts the account categories (letter case ignored) and the empty one,
// and refuses anything else.
func (c *Category) UnmarshalJSON(b []byte) error {
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("a user's category must be a string: %w", err)
	}
	if strings.TrimSpace(v) == "" {
		*c = ""
		return nil
	}
	if cat, ok := parseCategory(v); ok {
		*c = cat
		return nil
	}
	return fmt.Errorf("unknown user category %q: want System, Site, Sponsor, Support, Integration, Participant or none", v)
}
