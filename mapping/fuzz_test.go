package mapping

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// FuzzMap: no input makes reading, writing every flavour or the CSV panic, and whatever
// is read writes back as well-formed ODM.
func FuzzMap(f *testing.F) {
	for _, x := range fixtures {
		b, err := os.ReadFile(filepath.Join("testdata", x.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><AdminData><User OID=" "/><Location OID=""/></AdminData></ODM>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := odm.Decode(bytes.NewReader(b), odm.ReadOptions{MaxInputBytes: 1 << 20})
		if err != nil {
			return
		}
		for _, in := range []Profile{"", ProfileInForm, ProfileRave, ProfileOpenClinica} {
			dir, _, err := FromDocument(doc, Options{Profile: in})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range []Profile{ProfileInForm, ProfileRave, ProfileOpenClinica, ProfileODM, ProfileODM2} {
				out, _, err := ToDocument(dir, p, Options{})
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				// ToDocument leaves values the flavour's version cannot hold for the
				// encoder to report (WriteODM turns them into warnings): allow that here.
				if err := odm.Encode(&buf, out, odm.WriteOptions{AllowDrop: true}); err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				if _, err := odm.Decode(&buf, odm.ReadOptions{}); err != nil {
					t.Fatalf("%s output does not read back: %v", p, err)
				}
			}
			_, _ = WriteClinicalOneCSV(io.Discard, dir, Options{Study: "S"})
		}
	})
}

// FuzzClinicalOneCSV: no CSV makes the template reader or writer panic.
func FuzzClinicalOneCSV(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "clinicalone.csv"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("First Name,Last Name,Email,User Name,Study Role\n,,,,\n\"a\nb\",x,y,z,All\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir, _, err := ReadClinicalOneCSV(bytes.NewReader(b), Options{Study: "S", Training: true})
		if err != nil {
			return
		}
		if _, err := WriteClinicalOneCSV(io.Discard, dir, Options{Study: "S", Training: true}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := ToDocument(dir, ProfileInForm, Options{}); err != nil {
			t.Fatal(err)
		}
	})
}
