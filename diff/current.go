package diff

import (
	"strings"
	"time"

	"github.com/odmadmin/odmadmin/mapping"
)

// The Clinical One user upload template lists current study users only: "Update Users"
// is "populated with current details of the existing study users" (Clinical One, About
// the User Upload template), and it has no status column. A deactivated account, or one
// whose access to the study has ended, has no row (mapping.WriteClinicalOneCSV writes
// none). So against a template:
//
//   - a user the template lacks who is inactive on the other side is no change: the
//     template cannot list them, and they are not current on either side;
//   - a user on both sides who is current on one and inactive on the other (deactivated,
//     or a template row whose End Date has passed) is a STATUS_CHANGE, from the status of
//     one side to the other's: a listed user who is current counts as "Available" (OpenClinica
//     4's word for an active account), a row whose access ended as "access ended".

// statusAccessEnded is the status of a user whose every assignment has ended.
const statusAccessEnded = "access ended"

// listsCurrentOnly reports whether a directory of profile p lists current users only.
func listsCurrentOnly(p mapping.Profile) bool { return p == mapping.ProfileClinicalOne }

// today returns the day access that ends before it has ended, as an ISO date.
func (o Options) today() string {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	return now.UTC().Format("2006-01-02")
}

// activity says whether u is a current user and names its status: its own status when it
// has one, "Available" for a current user without one, statusAccessEnded when every
// assignment has ended before today.
func (c *comparer) activity(u *mapping.User) (current bool, status string) {
	if u.Status == mapping.StatusDeactivated {
		return false, string(u.Status)
	}
	ended := len(u.Assignments) > 0
	for _, a := range u.Assignments {
		to := strings.TrimSpace(a.To)
		if to == "" || to >= c.today {
			ended = false
			break
		}
	}
	if ended {
		return false, statusAccessEnded
	}
	if u.Status != "" {
		return true, string(u.Status)
	}
	return true, string(mapping.StatusAvailable)
}

// unlisted reports whether u, found on one side only, is missing from the other because
// that side lists current users only and u is not current.
func (c *comparer) unlisted(u *mapping.User, otherCurrentOnly bool) bool {
	if !otherCurrentOnly {
		return false
	}
	current, _ := c.activity(u)
	return !current
}

// currentChange reports a STATUS_CHANGE between two records of one user when one side
// lists current users only and the profiles cannot both hold a status: the user is
// current on one side and not on the other.
func (c *comparer) currentChange(login, target string, a, b *mapping.User) {
	if c.has(fStatus) || !c.currentOnlyA && !c.currentOnlyB {
		return
	}
	ca, sa := c.activity(a)
	cb, sb := c.activity(b)
	if ca != cb {
		c.add(Change{Event: StatusChange, User: login, Target: target, ValueType: "status", Old: sa, New: sb})
	}
}

// siteNames returns how value types name the sites of a and b (SiteLabels).
func siteNames(a, b *mapping.Directory) map[string]string { return SiteLabels(a, b) }

// SiteLabels returns, by site ID, how a change names the sites of the directories: by
// name, else by number (else, by leaving them out, by ID), as the User and Role Audit Log
// names a site ("PAB 37 (Test)-Site 1"), so that changes reconcile with the log. A
// site's name in an earlier directory wins over a later one's. A name two sites share
// gets the site's ID in parentheses, so that no two sites read alike. diff and plan
// ("odmadmin plan") label assignments with it.
func SiteLabels(dirs ...*mapping.Directory) map[string]string {
	names := map[string]string{}
	for _, pick := range []func(*mapping.Site) string{
		func(s *mapping.Site) string { return s.Name },
		func(s *mapping.Site) string { return s.Number },
	} {
		for _, d := range dirs {
			if d == nil {
				continue
			}
			for _, s := range d.Sites {
				if s == nil {
					continue
				}
				id := strings.TrimSpace(s.ID)
				if v := collapse(pick(s)); v != "" && names[id] == "" {
					names[id] = v
				}
			}
		}
	}
	return distinct(names)
}

// StudyLabels returns, by study ID, how a change names the studies of the directories:
// by name where the export gives one, as the User and Role Audit Log does ("PAB 37
// (Test)-Site 1" for the study named "PAB 37"), else by leaving them out, by ID. An
// earlier directory's name wins, and a name two studies share gets the study's ID in
// parentheses, as SiteLabels does for sites.
func StudyLabels(dirs ...*mapping.Directory) map[string]string {
	names := map[string]string{}
	for _, d := range dirs {
		if d == nil {
			continue
		}
		for _, s := range d.Studies {
			if s == nil {
				continue
			}
			id := strings.TrimSpace(s.ID)
			if v := collapse(s.Name); v != "" && names[id] == "" {
				names[id] = v
			}
		}
	}
	return distinct(names)
}

// distinct gives a label that several IDs share (ignoring case) its ID in parentheses, so
// that no two read alike, and returns names.
func distinct(names map[string]string) map[string]string {
	ids := map[string]int{}
	for _, v := range names {
		ids[strings.ToLower(v)]++
	}
	for id, v := range names {
		if ids[strings.ToLower(v)] > 1 && v != id {
			names[id] = v + " (" + id + ")"
		}
	}
	return names
}

// studyLabel returns the name value types use for the study with ID id.
func (c *comparer) studyLabel(id string) string {
	if n, ok := c.studyNames[id]; ok {
		return n
	}
	return id
}

// siteLabel returns the name value types use for the site with ID id.
func (c *comparer) siteLabel(id string) string {
	if n, ok := c.siteNames[id]; ok {
		return n
	}
	return id
}
