package odm_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// rootKids writes a root's children in a short notation: text quoted, elements by local
// name, AdminData by "AD:" and its StudyOID, comments as "#".
func rootKids(d *odm.Document) string {
	var parts []string
	for _, c := range d.Root.Children {
		switch c := c.(type) {
		case *odm.Text:
			parts = append(parts, fmt.Sprintf("%q", c.Data))
		case *odm.AdminData:
			parts = append(parts, "AD:"+c.StudyOID)
		case *odm.Element:
			parts = append(parts, c.Local)
		case *odm.Comment:
			parts = append(parts, "#")
		default:
			parts = append(parts, fmt.Sprintf("%T", c))
		}
	}
	return strings.Join(parts, " ")
}

// TestAddAdminData: blocks go after the last Study or AdminData of the ODM namespace,
// each after the root's first white-space run, in the order given; several in one call
// leave the root as one call per block does.
func TestAddAdminData(t *testing.T) {
	const ns = odm.NS13
	el := func(space, local string) *odm.Element {
		return &odm.Element{Name: odm.Name{Space: space, Local: local}}
	}
	text := func(s string) *odm.Text { return &odm.Text{Data: s} }
	for _, c := range []struct {
		name, reason string
		kids         func() []odm.Node
		want         string // after adding S0 and S1
	}{
		{"empty root", "a root with no children gets the default indent and a closing line break",
			func() []odm.Node { return nil }, `"\n  " AD:S0 "\n  " AD:S1 "\n"`},
		{"studies", "after the last Study, before the closing line break",
			func() []odm.Node {
				return []odm.Node{text("\n  "), el(ns, "Study"), text("\n  "), el(ns, "Study"), text("\n")}
			}, `"\n  " Study "\n  " Study "\n  " AD:S0 "\n  " AD:S1 "\n"`},
		{"tab indent, other elements after", "the indent is the first white-space run; ClinicalData stays after the blocks",
			func() []odm.Node {
				return []odm.Node{&odm.Comment{Data: "c"}, text("\n\t"), el(ns, "Study"), text("\n\t"), el(ns, "ClinicalData"), text("\n")}
			}, `# "\n\t" Study "\n\t" AD:S0 "\n\t" AD:S1 "\n\t" ClinicalData "\n"`},
		{"after existing blocks", "a new block follows the blocks already there",
			func() []odm.Node {
				return []odm.Node{text("\n "), &odm.AdminData{StudyOID: "OLD"}, text("\n "), el(ns, "ReferenceData"), text("\n")}
			}, `"\n " AD:OLD "\n " AD:S0 "\n " AD:S1 "\n " ReferenceData "\n"`},
		{"Study of another namespace only", "a vendor's Study is not the ODM one: the blocks go first",
			func() []odm.Node { return []odm.Node{el("urn:v", "Study"), text(" ")} },
			`" " AD:S0 " " AD:S1 Study " "`},
		{"no white space", "without a white-space run the default indent is used",
			func() []odm.Node { return []odm.Node{el(ns, "Study"), el(ns, "Study")} },
			`Study Study "\n  " AD:S0 "\n  " AD:S1`},
	} {
		t.Run(c.name, func(t *testing.T) {
			ads := []*odm.AdminData{{StudyOID: "S0"}, {StudyOID: "S1"}}
			once, each := odm.NewDocument(odm.V13), odm.NewDocument(odm.V13)
			once.Root.Children, each.Root.Children = c.kids(), c.kids()
			once.AddAdminData(ads...)
			for _, a := range ads {
				each.AddAdminData(a)
			}
			if got := rootKids(once); got != c.want {
				t.Errorf("one call (%s):\n got %s\nwant %s", c.reason, got, c.want)
			}
			if got, want := rootKids(each), rootKids(once); got != want || each.Root.Empty != once.Root.Empty {
				t.Errorf("a call per block:\n got %s (empty %v)\nwant %s (empty %v)", got, each.Root.Empty, want, once.Root.Empty)
			}
		})
	}
}
