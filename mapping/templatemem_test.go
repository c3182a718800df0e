package mapping

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/odmadmin/odmadmin/odm"
)

// TestStreamedTablesLetGoOfSites: the tables written from a stream (the Clinical One
// template, WriteClinicalOneCSVFrom, map --to csv; the OpenClinica 4 user table,
// WriteOC4UsersFrom, map --to oc4users) take what their rows need of the sites before the
// users, and the builder then keeps of the sites only what it resolves the users' access
// with, as WriteJSON does: the sites held as model values through the rows were marked
// by every collection, and at a million users map --to csv ran 248 collections (--to
// oc4users 249) and twice the CPU of map --to json. The heap in use while the rows are written (after
// a collection at every fourth write) is compared between an export with 4,000 sites and
// the same users with none: the sites may add what the rows and the builder need of them
// (a number and a study a site, some 600 KiB here, and the sampling's noise), not the
// sites themselves (held as model values they added over 4,500 KiB). It measures heap,
// not time.
func TestStreamedTablesLetGoOfSites(t *testing.T) {
	const users, sites = 4000, 4000
	doc := func(withSites bool) []byte {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Transactional" FileOID="F.1" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="1.3" pf:MappingVersion="V2">
  <AdminData StudyOID="S1">
`)
		for u := range users {
			fmt.Fprintf(&b, `    <User OID="u%d" UserType="Investigator"><LoginName>u%d</LoginName><FirstName>Pat</FirstName><LastName>Example</LastName><Email>u%d@example.org</Email><LocationRef LocationOID="%d"/><pf:GroupRef GroupOID="5000"/></User>
`, u, u, u, 10000+u%sites)
		}
		if withSites {
			for s := range sites {
				fmt.Fprintf(&b, `    <Location OID="%d" Name="Fictitious Clinic %d, Example Street" LocationType="Site" pf:SiteCountry="USA" pf:SiteTimezone="(GMT-05:00) Eastern Time" pf:Locale="en-US">
      <MetaDataVersionRef StudyOID="S1" MetaDataVersionOID="v1" EffectiveDate="2025-01-01"/>
      <pf:Mnemonic><TranslatedText>%02d</TranslatedText></pf:Mnemonic>
    </Location>
`, 10000+s, s, s%100)
			}
		}
		b.WriteString(`    <pf:GroupDef OID="5000" Name="Site Investigator Rights" GroupType="Rights"/>
  </AdminData>
</ODM>
`)
		return []byte(b.String())
	}
	for _, tc := range []struct {
		name  string
		write func(w io.Writer, open func() (*odm.Reader, error)) error
	}{
		{"Clinical One template", func(w io.Writer, open func() (*odm.Reader, error)) error {
			_, err := WriteClinicalOneCSVFrom(w, open, Options{Profile: ProfileInForm, Study: "S1", Now: time.Unix(0, 0).UTC()})
			return err
		}},
		{"OpenClinica 4 user table", func(w io.Writer, open func() (*odm.Reader, error)) error {
			_, err := WriteOC4UsersFrom(w, open, Options{Profile: ProfileInForm, Now: time.Unix(0, 0).UTC()})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			peak := func(p []byte) uint64 {
				h := &streamHeapSampler{step: 4}
				open := func() (*odm.Reader, error) {
					return odm.NewReader(bytes.NewReader(p), odm.ReadOptions{Reuse: true, ValuesOnly: true}), nil
				}
				if err := tc.write(streamSampleWriter{h}, open); err != nil {
					t.Fatal(err)
				}
				if h.calls < 40 {
					t.Fatalf("%d writes sampled, want many while the rows are written", h.calls)
				}
				return h.max
			}
			with, without := doc(true), doc(false)
			// Both documents stay referenced through both runs, so the inputs weigh the
			// same in each.
			pWith, pWithout := peak(with), peak(without)
			grown := int64(pWith) - int64(pWithout)
			t.Logf("heap while the rows were written: %d KiB with %d sites, %d KiB without: %+d KiB", pWith>>10, sites, pWithout>>10, grown>>10)
			if grown > 2500<<10 {
				t.Errorf("the %d sites add %d KiB to the heap while the rows are written, want under 2,500 KiB (what the rows need of them): the sites are held as model values", sites, grown>>10)
			}
			_, _ = with, without
		})
	}
}
