package diff_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/odmadmin/odmadmin/diff"
	"github.com/odmadmin/odmadmin/mapping"
)

// ocDir returns base() as an OpenClinica export of study S.
func ocDir() *mapping.Directory {
	d := base()
	d.Source = &mapping.FileSource{Vendor: mapping.ProfileOpenClinica}
	return d
}

func TestRules(t *testing.T) {
	for _, tc := range []struct {
		name, reason string
		a, b         func() *mapping.Directory
		opts         diff.Options
		want         []string // "EVENT valueType: rule"
	}{
		{"oc-removed", "accounts cannot be deleted: a user missing from a later export of the same system is USER_REMOVED flagged as not allowed",
			ocDir, func() *mapping.Directory { d := ocDir(); d.Users = d.Users[:1]; return d }, diff.Options{},
			[]string{"USER_REMOVED : " + diff.RuleAccountDeleted, "ROLE_CHANGE S (Production): "}},
		{"oc-other-system", "exports of different studies are not one system, so a missing user is no deletion",
			ocDir, func() *mapping.Directory { d := ocDir(); d.Users = d.Users[:1]; d.Studies[0].ID = "T"; return d }, diff.Options{},
			[]string{"USER_REMOVED : ", "ROLE_CHANGE S (Production): "}},
		{"not-oc", "the rule is OpenClinica's; a plain directory's removed user is not flagged",
			base, func() *mapping.Directory { d := base(); d.Users = d.Users[:1]; return d }, diff.Options{},
			[]string{"USER_REMOVED : ", "ROLE_CHANGE S (Production): "}},
		{"oc4-table-removed", "a user missing from a later OpenClinica 4 user table of the same study is USER_REMOVED flagged as not allowed",
			func() *mapping.Directory { d := ocDir(); d.Source.Vendor = mapping.ProfileOC4Users; return d },
			func() *mapping.Directory {
				d := ocDir()
				d.Source.Vendor = mapping.ProfileOC4Users
				d.Users = d.Users[:1]
				return d
			}, diff.Options{},
			[]string{"USER_REMOVED : " + diff.RuleAccountDeleted, "ROLE_CHANGE S (Production): "}},
		{"oc-username", "you cannot change the username: a login change under one OID is flagged",
			ocDir, func() *mapping.Directory { d := ocDir(); d.Users[1].Login = "bsample2"; return d }, diff.Options{},
			[]string{"PROFILE_CHANGE login: " + diff.RuleUsernameChanged}},
		{"oc-available-invited", "Invited means not yet activated: an Available account does not become Invited again",
			ocDir, ocStatus(mapping.StatusInvited), diff.Options{},
			[]string{"STATUS_CHANGE status: " + diff.RuleStatusReverted}},
		{"oc-available-created", "Created means no role assigned yet: an activated account does not go back to it",
			ocDir, ocStatus(mapping.StatusCreated), diff.Options{},
			[]string{"STATUS_CHANGE status: " + diff.RuleStatusReverted}},
		{"oc-available-deactivated", "Deactivate is how an account is removed: allowed",
			ocDir, ocStatus(mapping.StatusDeactivated), diff.Options{},
			[]string{"STATUS_CHANGE status: "}},
		{"oc-invited-available", "an invited user who activates the account becomes Available: allowed",
			func() *mapping.Directory { return ocStatus(mapping.StatusInvited)() }, ocDir, diff.Options{},
			[]string{"STATUS_CHANGE status: "}},
		{"oc-deactivated-invited", "what an account deactivated before activation becomes when activated again the guide does not say: not flagged",
			func() *mapping.Directory { return ocStatus(mapping.StatusDeactivated)() }, ocStatus(mapping.StatusInvited), diff.Options{},
			[]string{"STATUS_CHANGE status: "}},
		{"not-oc-status", "the rule is OpenClinica's: another system's status change is not flagged",
			base, func() *mapping.Directory { d := base(); d.Users[1].Status = mapping.StatusInvited; return d }, diff.Options{},
			[]string{"STATUS_CHANGE status: "}},
	} {
		got := diff.Compare(tc.a(), tc.b(), tc.opts)
		var lines []string
		for _, ch := range got {
			lines = append(lines, string(ch.Event)+" "+ch.ValueType+": "+ch.Rule)
		}
		if !slices.Equal(lines, tc.want) {
			t.Errorf("%s: %s\ngot  %q\nwant %q", tc.name, tc.reason, lines, tc.want)
		}
	}
}

// ocStatus returns ocDir with its second user (Available in ocDir) in status s.
func ocStatus(s mapping.Status) func() *mapping.Directory {
	return func() *mapping.Directory {
		d := ocDir()
		d.Users[1].Status = s
		return d
	}
}

func TestRuleInText(t *testing.T) {
	a, b := ocDir(), ocDir()
	b.Users = b.Users[:1]
	var buf bytes.Buffer
	if err := diff.WriteText(&buf, diff.Compare(a, b, diff.Options{})); err != nil {
		t.Fatal(err)
	}
	if want := "USER_REMOVED Bruno Sample (bsample) [" + diff.RuleAccountDeleted + "]\n"; !strings.HasPrefix(buf.String(), want) {
		t.Errorf("the text output names the broken rule:\n%s", buf.String())
	}
}

// groups returns an InForm-like directory with two rights groups.
func groups(change func(gs []*mapping.Group) []*mapping.Group) func() *mapping.Directory {
	return func() *mapping.Directory {
		d := base()
		d.Source = &mapping.FileSource{Vendor: mapping.ProfileInForm}
		d.Groups = []*mapping.Group{
			{ID: "5000", Name: "Site Investigator Rights", Type: "Rights", Rights: []string{"Enter Data", "Sign CRF"}},
			{ID: "5001", Name: "CRC Rights", Type: "Rights", Rights: []string{"Enter Data"}},
		}
		if change != nil {
			d.Groups = change(d.Groups)
		}
		return d
	}
}

func TestRoleDefinitions(t *testing.T) {
	for _, tc := range []struct {
		name, reason string
		b            func() *mapping.Directory
		want         []diff.Change
	}{
		{"same", "unchanged definitions in another order are no change", groups(func(gs []*mapping.Group) []*mapping.Group {
			slices.Reverse(gs[0].Rights)
			slices.Reverse(gs)
			return gs
		}), nil},
		{"right-changed", "changing a right inside an InForm pf:GroupDef is a role definition edit (old vs. new values)",
			groups(func(gs []*mapping.Group) []*mapping.Group {
				gs[1].Rights = []string{"Enter Data", "Create Query"}
				return gs
			}),
			[]diff.Change{{Event: diff.RoleDefinitionChange, Target: "CRC Rights (5001)", ValueType: "rights", Old: "Enter Data", New: "Create Query; Enter Data"}}},
		{"renamed", "a renamed definition is an edit of its name",
			groups(func(gs []*mapping.Group) []*mapping.Group { gs[1].Name = "Coordinator Rights"; return gs }),
			[]diff.Change{{Event: diff.RoleDefinitionChange, Target: "Coordinator Rights (5001)", ValueType: "name", Old: "CRC Rights", New: "Coordinator Rights"}}},
		{"added-removed", "a new definition and a dropped one are the whole definition from and to nothing, not a change of rights",
			groups(func(gs []*mapping.Group) []*mapping.Group {
				return []*mapping.Group{gs[0], {ID: "5002", Name: "Monitor Rights", Type: "Rights", Rights: []string{"Source Verify"}}}
			}),
			[]diff.Change{
				{Event: diff.RoleDefinitionChange, Target: "CRC Rights (5001)", ValueType: "definition", Old: "CRC Rights [Rights]: Enter Data"},
				{Event: diff.RoleDefinitionChange, Target: "Monitor Rights (5002)", ValueType: "definition", New: "Monitor Rights [Rights]: Source Verify"}}},
		{"removed-no-rights", "a dropped definition without rights says so; it was an empty rights change, \"\" -> \"\"",
			groups(func(gs []*mapping.Group) []*mapping.Group {
				return append(gs, &mapping.Group{ID: "6010", Name: "Site 01", Type: "Site"})
			}),
			[]diff.Change{{Event: diff.RoleDefinitionChange, Target: "Site 01 (6010)", ValueType: "definition", New: "Site 01 [Site]: (no rights)"}}},
		{"rights-cleared", "clearing a definition's rights is a rights change, told apart from dropping the definition",
			groups(func(gs []*mapping.Group) []*mapping.Group { gs[1].Rights = nil; return gs }),
			[]diff.Change{{Event: diff.RoleDefinitionChange, Target: "CRC Rights (5001)", ValueType: "rights", Old: "Enter Data"}}},
		{"removed-unnamed", "a definition without name or type still names what was dropped",
			groups(func(gs []*mapping.Group) []*mapping.Group { return append(gs, &mapping.Group{ID: "6011"}) }),
			[]diff.Change{{Event: diff.RoleDefinitionChange, Target: "(6011)", ValueType: "definition", New: "(no name) [(no type)]: (no rights)"}}},
	} {
		got := diff.Compare(groups(nil)(), tc.b(), diff.Options{})
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %s\ngot  %+v\nwant %+v", tc.name, tc.reason, got, tc.want)
		}
	}
	// Across vendors a definition is not compared: the other side cannot hold one.
	rave := base()
	rave.Source = &mapping.FileSource{Vendor: mapping.ProfileRave}
	for _, ch := range diff.Compare(groups(nil)(), rave, diff.Options{}) {
		if ch.Event == diff.RoleDefinitionChange {
			t.Errorf("cross-vendor comparison reports %v", ch)
		}
	}
}

// TestRoleDefinitionFromExport reads two InForm exports that differ in one right and
// expects the change; the exit code of odmadmin diff follows from it.
func TestRoleDefinitionFromExport(t *testing.T) {
	a := read(t, "inform-export.xml")
	b := read(t, "inform-export.xml")
	for _, g := range b.Groups {
		if g.ID == "5001" {
			g.Rights = []string{"Enter Data", "Freeze Data"}
		}
	}
	got := diff.Compare(a, b, diff.Options{})
	want := []diff.Change{{Event: diff.RoleDefinitionChange, Target: "CRC Rights (5001)", ValueType: "rights", Old: "Enter Data", New: "Enter Data; Freeze Data"}}
	if !slices.Equal(got, want) {
		t.Errorf("a right changed inside pf:GroupDef: got %+v", got)
	}
}

func TestWriteAuditCSV(t *testing.T) {
	changes := []diff.Change{{Event: diff.RoleChange, User: "pbowen", Target: "Paul Bowen (pbowen)", ValueType: "PAB 37 (Test)-Site 1", New: "Site Monitor"}}
	at := time.Date(2020, 12, 11, 4, 49, 38, 306448000, time.FixedZone("X", 3600))
	var buf bytes.Buffer
	if err := diff.WriteAuditCSV(&buf, changes, diff.Stamp{By: "Paul A DM Bowen (pbowenadm)", At: at}); err != nil {
		t.Fatal(err)
	}
	want := "AUDIT EVENT,DATE/TIME,TARGET OBJECT,BY,VALUE TYPE,OLD VALUE,NEW VALUE\n" +
		"ROLE_CHANGE,2020-12-11T03:49:38.306448Z,Paul Bowen (pbowen),Paul A DM Bowen (pbowenadm),PAB 37 (Test)-Site 1,,Site Monitor\n"
	if buf.String() != want {
		t.Errorf("BY and DATE/TIME (UTC) read like the real log:\ngot  %q\nwant %q", buf.String(), want)
	}
}
