package diff_test

import (
	"strings"
	"testing"
	"time"

	"github.com/odmadmin/odmadmin/diff"
	"github.com/odmadmin/odmadmin/mapping"
)

// TestCurrentUsersOfATemplate checks comparisons with a Clinical One template, which
// lists current study users only (no status column; no row for a deactivated account or
// ended access): a user the template lacks because they are not current is no change,
// and a user current on one side and not on the other is a STATUS_CHANGE, not a
// USER_REMOVED or nothing.
func TestCurrentUsersOfATemplate(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	export := func(edit func(u *mapping.User)) *mapping.Directory {
		d := base()
		d.Source = &mapping.FileSource{Vendor: mapping.ProfileInForm}
		edit(user(d, "afict"))
		return d
	}
	template := func(edit func(d *mapping.Directory)) *mapping.Directory {
		d := base()
		d.Source = &mapping.FileSource{Vendor: mapping.ProfileClinicalOne}
		for _, u := range d.Users {
			u.Status = "" // the template has no status column
		}
		edit(d)
		return d
	}
	drop := func(d *mapping.Directory) { d.Users = d.Users[1:] } // afict has no row
	deactivate := func(u *mapping.User) { u.Status = mapping.StatusDeactivated }
	endAccess := func(to string) func(*mapping.User) {
		return func(u *mapping.User) {
			for i := range u.Assignments {
				u.Assignments[i].To = to
			}
		}
	}
	keep := func(*mapping.User) {}
	keepAll := func(*mapping.Directory) {}
	tests := []struct {
		name, reason string
		a, b         *mapping.Directory
		want         []string
	}{
		{"deactivated-unlisted", "a deactivated account has no row in a template; that is no change",
			export(deactivate), template(drop), nil},
		{"ended-unlisted", "nor has a user whose access ended before today",
			export(endAccess("2026-05-31")), template(drop), nil},
		{"ending-later-unlisted", "access that ends after today is current: its row is missing",
			export(endAccess("2026-06-01")), template(drop), []string{
				"USER_REMOVED Ada Fictus (afict)",
				`ROLE_CHANGE Ada Fictus (afict): S (Production)-North Demo Clinic: "Investigator" -> ""`,
				`ROLE_CHANGE Ada Fictus (afict): S (Production)-South Demo Clinic: "Investigator" -> ""`,
			}},
		{"active-unlisted", "a current user without a row is still a removed user",
			export(keep), template(drop), []string{
				"USER_REMOVED Ada Fictus (afict)",
				`ROLE_CHANGE Ada Fictus (afict): S (Production)-North Demo Clinic: "Investigator" -> ""`,
				`ROLE_CHANGE Ada Fictus (afict): S (Production)-South Demo Clinic: "Investigator" -> ""`,
			}},
		{"deactivated-since-template", "listed in the template, deactivated in the export since: a status change, which the profiles' fields alone would not show",
			template(keepAll), export(deactivate), []string{`STATUS_CHANGE Ada Fictus (afict): status: "Available" -> "Deactivated"`}},
		{"reactivated", "deactivated in the export, listed in the template made later",
			export(deactivate), template(keepAll), []string{`STATUS_CHANGE Ada Fictus (afict): status: "Deactivated" -> "Available"`}},
		{"template-row-ended", "a template row whose End Date has passed is present but not current",
			template(func(d *mapping.Directory) { endAccess("2026-01-31")(user(d, "afict")) }), export(keep),
			[]string{`STATUS_CHANGE Ada Fictus (afict): status: "access ended" -> "Available"`}},
		{"template-row-ended-deactivated", "ended access and a deactivated account are both not current: no status change",
			template(func(d *mapping.Directory) { endAccess("2026-01-31")(user(d, "afict")) }), export(deactivate), nil},
		{"template-unlisted-deactivated", "an export's deactivated user that an older template never listed was not added",
			template(drop), export(deactivate), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := diff.Compare(tc.a, tc.b, diff.Options{Key: diff.KeyLogin, Now: now})
			var lines []string
			for _, c := range got {
				lines = append(lines, c.String())
			}
			if strings.Join(lines, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("%s:\ngot  %q\nwant %q", tc.reason, lines, tc.want)
			}
		})
	}

	// Between two exports of one vendor, status is compared as it is, and a user who is
	// gone is removed whatever their status was.
	a, b := export(deactivate), export(keep)
	b.Users = b.Users[1:]
	if got := diff.Compare(a, b, diff.Options{Key: diff.KeyLogin, Now: now}); len(got) == 0 || got[0].Event != diff.UserRemoved {
		t.Errorf("two exports: %v", got)
	}
}
