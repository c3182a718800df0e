package auditlog

import (
	"github.com/odmadmin/odmadmin/diff"
	"github.com/odmadmin/odmadmin/plan"
)

// PlanChanges returns what an upload plan does as the changes package diff would report
// after the upload, so that [Reconcile] tells which of them the log records: a created
// user is a USER_ADDED and a ROLE_CHANGE per role it gets (as diff reports an added user);
// an updated user's profile fields are PROFILE_CHANGEs (email as diff's "emails") and its
// roles ROLE_CHANGEs with the assignment's "STUDY (ENV)-SITE" as value type; an assignment's
// start date, end date or depots are ROLE_CHANGEs of that assignment whose values are
// written "startDate 2025-01-01". Unchanged rows change nothing. Users are named by login.
func PlanChanges(p *plan.Plan) []diff.Change {
	var out []diff.Change
	for _, a := range p.Actions {
		target := "(" + a.User + ")"
		add := func(ev diff.Event, vt, old, new string) {
			out = append(out, diff.Change{Event: ev, User: a.User, Target: target, ValueType: vt, Old: old, New: new})
		}
		switch a.Action {
		case plan.Create:
			add(diff.UserAdded, "", "", "")
		case plan.Update:
		default:
			continue
		}
		for _, c := range a.Changes {
			switch {
			case a.Action == plan.Create && c.Field != "role":
				// diff reports an added user's profile and assignment dates as part of
				// USER_ADDED and its ROLE_CHANGEs.
			case c.Where == "":
				field := c.Field
				if field == "email" {
					field = "emails"
				}
				add(diff.ProfileChange, field, c.Old, c.New)
			case c.Field == "role":
				add(diff.RoleChange, c.Where, c.Old, c.New)
			default:
				add(diff.RoleChange, c.Where, labelled(c.Field, c.Old), labelled(c.Field, c.New))
			}
		}
	}
	return out
}

func labelled(field, v string) string {
	if v == "" {
		return ""
	}
	return field + " " + v
}
