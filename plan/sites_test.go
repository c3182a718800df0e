package plan_test

import (
	"testing"

	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/plan"
)

// TestSitesResolvedAsMappingResolves checks that a row's site is found as
// mapping.NewSiteIndex finds it, by OID, number or name in any letter case and spacing,
// since diff and odmtest align sites with that index: plan must not have rules of its own.
func TestSitesResolvedAsMappingResolves(t *testing.T) {
	d := existing(t)
	x := mapping.NewSiteIndex(d)
	for _, tc := range []struct{ site, reason string }{
		{"S1", "the OID"},
		{"s1", "the OID in another letter case"},
		{"101", "the site number"},
		{"North Demo Clinic", "the name"},
		{" north   DEMO clinic ", "the name with other spacing and letter case"},
		{"Nowhere Clinic", "no site: unknownSite, kept as written"},
	} {
		want, found := x.Resolve(tc.site)
		p := mustPlan(t, existing(t), "Jo,Demo,jo.demo@site1.example.org,jdoe,05-Jan-2026,,Site User,"+tc.site+",\n", plan.Options{})
		a := p.Actions[0]
		unknown := false
		for _, w := range a.Warnings {
			unknown = unknown || w.Code == plan.UnknownSite
		}
		if unknown == found {
			t.Errorf("%s (%q): unknownSite %v, but the site index found %v", tc.reason, tc.site, unknown, found)
		}
		if found && (a.Action != plan.Unchanged || want != "S1") {
			t.Errorf("%s (%q): jdoe at %s is %s %+v; want unchanged (jdoe is at S1)", tc.reason, tc.site, want, a.Action, a.Changes)
		}
	}
}
