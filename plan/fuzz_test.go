package plan_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/plan"
)

// FuzzPlanCSV feeds arbitrary CSV to ReadCSV and plans what it reads: no input may panic,
// and every row read gets a numbered action or is blank.
func FuzzPlanCSV(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "upload.csv"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(seed), false)
	f.Add(header+"Jo,Demo,jo.demo@site1.example.org,jdoe,05-JAN-2026,01-01-2026,Site User,101;;All,All\n", true)
	f.Add(header+"\"a\nb\",,,\"\"\"\",,,,,\n", false)
	f.Add("User Name,Study Role,Email,First Name,Last Name\nJDOE,x,,,\n", true)
	f.Add(header+"Jo,Demo,jo.demo@site1.example.org,jdoe,05-Jan-2026,,Site User,101,102,Depot\n", false) // a value under no header
	f.Add("User Name,Study Role,Email,First Name,Last Name,Email\nJDOE,x,,,,\n", false)                  // a column twice
	d := existing(f)
	f.Fuzz(func(t *testing.T, in string, training bool) {
		rows, err := plan.ReadCSV(strings.NewReader(in))
		if err != nil {
			return
		}
		p, err := plan.Make(d, rows, plan.Options{Training: training, MaxRows: 3})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range rows {
			if !r.Blank {
				n++
			}
		}
		if len(p.Actions) != n {
			t.Fatalf("%d actions for %d rows", len(p.Actions), n)
		}
		if err := p.WriteJSON(io.Discard); err != nil {
			t.Fatal(err)
		}
		if err := p.WriteText(io.Discard); err != nil {
			t.Fatal(err)
		}
	})
}
