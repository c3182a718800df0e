package mapping

import (
	"bytes"
	"testing"
	"time"

	"github.com/odmadmin/odmadmin/odm"
	odmcheck "github.com/odmadmin/odmadmin/validate"
)

// TestAdminDataOnlyOutput checks that a directory written into another flavour, which
// holds AdminData only, does not leave its references to studies dangling: the output
// validates against its schema and "odmadmin check" (validate.CheckAdminData) finds no
// error in it. Writing back the flavour read keeps the source's root as it was.
func TestAdminDataOnlyOutput(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		file   string
		to     Profile
		reason string
		// granularity is the Granularity the written root must have ("" none).
		granularity string
	}{
		{"openclinica.xml", ProfileODM2, "OpenClinica's Study elements are not written into ODM 2.0; the AdminData still names the parent study", "AdminData"},
		{"openclinica.xml", ProfileODM, "plain ODM 1.3.2 from OpenClinica writes no Study either", "AdminData"},
		{"rave.xml", ProfileODM2, "Rave's Users.odm names a study (and Locations its versions) defined in no file it holds", "AdminData"},
		{"inform.xml", ProfileODM2, "InForm's AdminData download names a study it does not define", "AdminData"},
		{"openclinica.xml", ProfileOpenClinica, "OpenClinica writes its site studies as Study elements: the file is not AdminData only", ""},
		{"inform.xml", ProfileInForm, "writing back keeps the source's root, which has no Granularity", ""},
	}
	for _, c := range cases {
		t.Run(c.file+"->"+string(c.to), func(t *testing.T) {
			dir, _, err := FromDocument(decodeFile(t, c.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			doc, _, err := ToDocument(dir, c.to, Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			var streamed bytes.Buffer
			if _, err := WriteODM(&streamed, dir, c.to, Options{Now: now}, odm.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			for name, b := range map[string][]byte{"ToDocument": encode(t, doc), "WriteODM": streamed.Bytes()} {
				out := decodeBytes(t, b)
				if g, _ := out.Root.Attr("", "Granularity"); g != c.granularity {
					t.Errorf("%s: Granularity %q, want %q (%s)", name, g, c.granularity, c.reason)
				}
				for _, f := range odmcheck.CheckAdminData(out, odmcheck.AdminDataOptions{}) {
					if f.Severity == odmcheck.SeverityError {
						t.Errorf("%s: check finds %s at line %d: %s (%s)", name, f.Code, f.Line, f.Message, c.reason)
					}
				}
				if c.granularity != "" {
					// (A write-back is the source, vendor elements the schema lacks included.)
					validate(t, b, c.to.Version())
				}
			}
		})
	}
}
