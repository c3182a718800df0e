package mapping_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// TestInFormGroupRefsEmpty: the GroupRefs the InForm writer makes for users of another
// vendor are written as InForm writes them, <pf:GroupRef GroupOID="..."/>, not with an
// end tag of their own beside the ones read.
func TestInFormGroupRefsEmpty(t *testing.T) {
	f, err := os.Open("../testdata/rave/mediflex-users.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dir, _, err := mapping.FromReader(odm.NewReader(f, odm.ReadOptions{}), mapping.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := mapping.WriteODM(&out, dir, mapping.ProfileInForm, mapping.Options{}, odm.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, `<pf:GroupRef GroupOID="`) {
		t.Fatalf("no GroupRef written:\n%s", s)
	}
	if strings.Contains(s, "></pf:GroupRef>") {
		t.Errorf("a GroupRef with an end tag of its own:\n%s", s)
	}
}
