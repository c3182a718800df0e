package plan_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
	"github.com/odmadmin/odmadmin/plan"
)

// TestKeepPlansAlike checks that planning against the users Keep keeps gives the plan
// the whole directory gives: on the fixtures, and on a generated export with an upload
// of updates, new users sharing names with many existing ones, e-mail collisions and
// user names a typo away.
func TestKeepPlansAlike(t *testing.T) {
	var export, upload bytes.Buffer
	if err := gen.InForm(&export, 3000); err != nil {
		t.Fatal(err)
	}
	if err := gen.UploadCSV(&upload, 400, 3000); err != nil {
		t.Fatal(err)
	}
	// Rows that hit the other warnings: an existing e-mail under a new login, a typo of
	// an existing login with the same name, a letter-case variant.
	upload.WriteString("Ada,Example,user000000@site10000.example.org,brandnew,05-Jan-2026,,Site Investigator Rights,10000,\n")
	g, f := gen.Name(5)
	upload.WriteString(g + "," + f + ",typo@example.org,usr000005,05-Jan-2026,,Site Investigator Rights,10005,\n")
	upload.WriteString("X,Y,case@example.org,USER000009,05-Jan-2026,,Unheard Role,10009,\n")
	fixture, err := os.ReadFile(filepath.Join("testdata", "existing.xml"))
	if err != nil {
		t.Fatal(err)
	}
	fixtureUpload, err := os.ReadFile(filepath.Join("testdata", "upload.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ export, upload []byte }{
		"generated": {export.Bytes(), upload.Bytes()},
		"fixture":   {fixture, fixtureUpload},
	} {
		rows, err := plan.ReadCSV(bytes.NewReader(tc.upload))
		if err != nil {
			t.Fatal(err)
		}
		full, _, err := mapping.FromReader(odm.NewReader(bytes.NewReader(tc.export), odm.ReadOptions{}), mapping.Options{})
		if err != nil {
			t.Fatal(err)
		}
		kept, _, err := mapping.ReadEach(odm.NewReader(bytes.NewReader(tc.export), odm.ReadOptions{}), mapping.Options{}, plan.Keep(rows))
		if err != nil {
			t.Fatal(err)
		}
		if name == "generated" && len(kept.Users)*3 > len(full.Users) {
			t.Errorf("%s: Keep kept %d of %d users", name, len(kept.Users), len(full.Users))
		}
		want, err := plan.Make(full, rows, plan.Options{MaxRows: -1})
		if err != nil {
			t.Fatal(err)
		}
		got, err := plan.Make(kept, rows, plan.Options{MaxRows: -1})
		if err != nil {
			t.Fatal(err)
		}
		wj, _ := json.Marshal(want)
		gj, _ := json.Marshal(got)
		if !bytes.Equal(wj, gj) {
			t.Errorf("%s: the plan against the kept users differs from the plan against all", name)
		}
		if want.Warnings() == 0 {
			t.Errorf("%s: no warnings: the test compares too little", name)
		}
	}
}
