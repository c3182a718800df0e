package mapping

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// manySites is a directory of n sites and n users, user i assigned to site i in study S1.
// No site names S1 itself (their study versions are of another study), so whether a site
// goes into S1's AdminData is for the users' assignments to say.
func manySites(n int) *Directory {
	dir := &Directory{Studies: []*Study{{ID: "S1"}, {ID: "X"}}}
	for i := range n {
		id := fmt.Sprintf("SITE%05d", i)
		dir.Sites = append(dir.Sites, &Site{ID: id, Name: "Site " + id, Number: id,
			Versions: []StudyVersion{{Study: "X", Version: "1", Effective: "2020-01-01"}}})
		dir.Users = append(dir.Users, &User{ID: fmt.Sprintf("U%05d", i), Login: fmt.Sprintf("u%05d", i),
			Assignments: []Assignment{{Study: "S1", Site: id}}})
	}
	return dir
}

// oneUserAllSites is manySites with its n assignments on one user (a monitor of every site
// of a large study): the writer listed a user's sites by scanning those before each.
func oneUserAllSites(n int) *Directory {
	dir := manySites(n)
	u := dir.Users[0]
	for _, o := range dir.Users[1:] {
		u.Assignments = append(u.Assignments, o.Assignments...)
	}
	dir.Users = dir.Users[:1]
	return dir
}

// manyStudies is a directory of n studies, each with a site, a signature, an organization
// and a user assigned to the site in the study, as an export of many studies (one
// AdminData each) reads.
func manyStudies(n int) *Directory {
	dir := &Directory{}
	for i := range n {
		st, id := fmt.Sprintf("ST%05d", i), fmt.Sprintf("SITE%05d", i)
		dir.Studies = append(dir.Studies, &Study{ID: st})
		dir.Sites = append(dir.Sites, &Site{ID: id, Name: "Site " + id, Number: id, Study: st,
			Versions: []StudyVersion{{Study: st, Version: "1", Effective: "2020-01-01"}}})
		dir.Signatures = append(dir.Signatures, &Signature{ID: "SIG" + id, Study: st, Methodology: "Electronic", Meaning: "Approval", LegalReason: "I approve."})
		dir.Organizations = append(dir.Organizations, &Organization{ID: "ORG" + id, Study: st, Name: "Org " + id, Type: "Site"})
		dir.Users = append(dir.Users, &User{ID: fmt.Sprintf("U%05d", i), Login: fmt.Sprintf("u%05d", i),
			Assignments: []Assignment{{Study: st, Site: id}}})
	}
	return dir
}

// TestWholeDirectoryWriteLinear: writing a directory held whole (ToDocument, WriteODM,
// Patch) visits each user and site a few times, not once per site: siteInBlock looked
// through every user for each site and OpenClinica's Study elements through every site for
// each site study, which made a directory of many sites quadratic (the OpenClinica profile
// took 246 s at 200,000 users and 4,000 sites). The writer counts the values its loops
// over the whole directory visit; n = 3,000 makes a quadratic loop visit millions.
func TestWholeDirectoryWriteLinear(t *testing.T) {
	const n = 3000
	bound := 6 * 2 * n // users and sites, each a few times
	for _, c := range []struct {
		name    string
		p       Profile
		write   func(w *writer) error
		studies bool // a block per study, each with its site, signature and organization
		oneUser bool // one user at every site (oneUserAllSites)
	}{
		{"document, Locations", ProfileODM, func(w *writer) error { w.document(); return nil }, false, false},
		{"document, site studies", ProfileOpenClinica, func(w *writer) error { w.document(); return nil }, false, false},
		{"stream, Locations", ProfileODM, func(w *writer) error { _, err := w.writeODM(io.Discard, odm.WriteOptions{}); return err }, false, false},
		{"stream, site studies", ProfileOpenClinica, func(w *writer) error { _, err := w.writeODM(io.Discard, odm.WriteOptions{}); return err }, false, false},
		{"patch", ProfileODM, func(w *writer) error {
			// A document with a block of S1 and no Location: every site is new there.
			doc := `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2020-01-01T00:00:00Z"><AdminData StudyOID="S1"/></ODM>`
			_, err := w.patchDirectory(io.Discard, strings.NewReader(doc), PatchOptions{})
			return err
		}, false, false},
		// Each site, signature and organization was looked at for every block: 9M visits.
		{"many studies, document", ProfileODM, func(w *writer) error { w.document(); return nil }, true, false},
		{"many studies, stream", ProfileODM, func(w *writer) error { _, err := w.writeODM(io.Discard, odm.WriteOptions{}); return err }, true, false},
		{"many studies, patch", ProfileODM, func(w *writer) error {
			// A block per study and nothing in them: every site and signature is new.
			var doc strings.Builder
			doc.WriteString(`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2020-01-01T00:00:00Z">`)
			for i := range n {
				fmt.Fprintf(&doc, `<AdminData StudyOID="ST%05d"/>`, i)
			}
			doc.WriteString(`</ODM>`)
			_, err := w.patchDirectory(io.Discard, strings.NewReader(doc.String()), PatchOptions{})
			return err
		}, true, false},
		{"many studies, ODM 2.0", ProfileODM2, func(w *writer) error { _, err := w.writeODM(io.Discard, odm.WriteOptions{}); return err }, true, false},
		{"one user at every site, stream", ProfileODM, func(w *writer) error { _, err := w.writeODM(io.Discard, odm.WriteOptions{}); return err }, false, true},
		{"one user at every site, ODM 2.0", ProfileODM2, func(w *writer) error { _, err := w.writeODM(io.Discard, odm.WriteOptions{}); return err }, false, true},
		{"one user at every site, document", ProfileODM, func(w *writer) error { w.document(); return nil }, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := manySites(n)
			switch {
			case c.studies:
				dir = manyStudies(n)
			case c.oneUser:
				dir = oneUserAllSites(n)
			}
			w, err := newWriter(dir, c.p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.write(w); err != nil {
				t.Fatal(err)
			}
			if w.scans > bound {
				t.Errorf("%d users and %d sites: the writer's loops visited %d values, want at most %d", n, n, w.scans, bound)
			}
			if w.scans == 0 {
				t.Errorf("nothing counted: the test no longer sees the writer's loops")
			}
		})
	}
}
