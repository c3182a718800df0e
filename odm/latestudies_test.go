package odm_test

import (
	"io"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestReaderLateStudies: the Reader counts the Study elements it skips after the first
// AdminData (out of ODM's order), which mapping's map and diff warn about; elements that
// are no such Study do not count.
func TestReaderLateStudies(t *testing.T) {
	const head = `<?xml version="1.0"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00">
`
	const study = `<Study OID="S1"><GlobalVariables><StudyName>Demo</StudyName><StudyDescription/><ProtocolName>P</ProtocolName></GlobalVariables></Study>
`
	const admin = `<AdminData StudyOID="S1"><User OID="U1"/></AdminData>
`
	for _, tc := range []struct {
		name, reason, doc string
		late              int
	}{
		{"in order", "a Study before AdminData is where ODM puts it",
			head + study + admin + "</ODM>", 0},
		{"one late", "a Study after AdminData",
			head + admin + study + "</ODM>", 1},
		{"leading and late", "only the one after AdminData counts",
			head + study + admin + study + "</ODM>", 1},
		{"between blocks", "a Study between two AdminData stands after the first",
			head + admin + study + admin + study + "</ODM>", 2},
		{"prefixed", "the namespace counts, not the prefix",
			strings.Replace(strings.Replace(head, `xmlns="`, `xmlns:odm="`, 1), "<ODM", "<odm:ODM", 1) +
				`<odm:AdminData StudyOID="S1"><odm:User OID="U1"/></odm:AdminData><odm:Study OID="S1"/></odm:ODM>`, 1},
		{"other namespace", "a vendor element named Study is no ODM Study",
			head + admin + `<v:Study xmlns:v="urn:example:vendor"/>` + "</ODM>", 0},
		{"nested", "a Study inside another element is not a child of ODM",
			head + admin + `<ClinicalData StudyOID="S1" MetaDataVersionOID="M"><Study OID="S2"/></ClinicalData>` + "</ODM>", 0},
		{"comment", "a Study tag spelt in a comment is no element",
			head + admin + "<!-- <Study OID=\"S2\"> -->" + "</ODM>", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, reuse := range []bool{false, true} {
				r := odm.NewReader(strings.NewReader(tc.doc), odm.ReadOptions{Reuse: reuse})
				for {
					_, err := r.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
				}
				if got := r.LateStudies(); got != tc.late {
					t.Errorf("Reuse %v: %d late Study elements, want %d (%s)", reuse, got, tc.late, tc.reason)
				}
			}
		})
	}
	if n := (*odm.Reader)(nil).LateStudies(); n != 0 {
		t.Errorf("nil Reader: %d late Study elements, want 0", n)
	}
}
