package validate

import (
	"strings"

	"golang.org/x/text/cases"

	"github.com/odmadmin/odmadmin/odm"
)

// adminDefs is what pass 1 of a check learns from every file of it, for pass 2: the
// OIDs each reference may resolve to, and the OIDs and login names that occur more than
// once (candidates for a uniqueness finding).
//
// Memory per User is what keeps a check of a million users small. Pass 1 keeps a 32-bit
// fingerprint of each User OID and login name in open-addressing tables (about 7 bytes
// each), where a map of strings would cost 60 to 80 bytes per entry; pass 2 needs only the
// few candidates. The 64-bit hashes of the User OIDs that UserRefs resolve against (about
// 13 bytes per User) are collected in a read of their own, and only when a file refers to
// Users from ClinicalData or ReferenceData. Locations, SignatureDefs and Organizations (a
// few hundred in a real export) get both at once; Studies, whose OIDs and MetaDataVersions
// are needed with their text, are few and kept as strings.
//
// Uniqueness is exact: a fingerprint that pass 1 sees twice only makes the OID a candidate,
// and pass 2 keeps the exact strings of the candidates (a handful in a real file, about a
// hundred false ones among a million users) to tell a true repeat from two OIDs that share
// a fingerprint. A reference resolves when the 64-bit hash of its OID is one of a defined
// element's: two different OIDs share it with a chance of about one in 10^19 per pair (the
// seed is random, so no input can aim at it), and only then would a dangling reference
// pass unreported.
type adminDefs struct {
	h hasher

	studies                      map[string]map[string]bool // Study OID → its MetaDataVersion OIDs
	users, locations, sigs, orgs hashSet                    // trimmed OIDs of the whole check
	// needUsers is set when a file refers to Users from ClinicalData or ReferenceData, so
	// that users must be filled (see collectUsers).
	needUsers bool

	seen [kinds]fingerprintSet  // pass 1: fingerprints of trimmed OIDs and folded login names
	cand [kinds]map[uint32]bool // fingerprints seen twice
	fold cases.Caser
	// cross follows the Users several files share; nil when one file is checked.
	cross *crossUsers
}

// The kinds of names that are unique per AdminData.
const (
	kindUser = iota
	kindLocation
	kindSignatureDef
	kindOrganization
	kindLogin
	kinds
)

func newAdminDefs() *adminDefs {
	d := &adminDefs{h: newHasher(), studies: map[string]map[string]bool{}, fold: cases.Fold()}
	for k := range d.cand {
		d.cand[k] = map[uint32]bool{}
	}
	return d
}

func fingerprint(h uint64) uint32 { return uint32(h >> 32) }

// candidate reports whether a name of the kind (a trimmed OID, a folded login name) was
// seen more than once in pass 1.
func (d *adminDefs) candidate(kind int, name string) bool {
	return d.cand[kind][fingerprint(d.h.sum(name))]
}

// define records a name of the kind, marking it a candidate when its fingerprint was
// there, and adds its hash to set for references (nil: not now). Uniqueness is per
// AdminData and per file, the resolution of references across all of them, so one table
// serves both: a name of two AdminData blocks or two files is a candidate that pass 2
// finds unique in each.
func (d *adminDefs) define(kind int, name string, set *hashSet) {
	h := d.h.sum(name)
	if fp := fingerprint(h); d.seen[kind].add(fp) {
		d.cand[kind][fp] = true
	}
	if set != nil {
		set.add(h)
	}
}

// study records a Study and its MetaDataVersions: OIDs as written (they are trimmed here).
func (d *adminDefs) study(oid string, mdvs []string) {
	oid = strings.TrimSpace(oid)
	m := d.studies[oid]
	if m == nil {
		m = map[string]bool{}
		d.studies[oid] = m
	}
	for _, v := range mdvs {
		m[strings.TrimSpace(v)] = true
	}
}

// child records the OID of a child of AdminData (local is its name), as written.
func (d *adminDefs) child(local, oid string) {
	oid = strings.TrimSpace(oid)
	switch local {
	case "User":
		d.define(kindUser, oid, nil)
	case "Location":
		d.define(kindLocation, oid, &d.locations)
	case "SignatureDef":
		d.define(kindSignatureDef, oid, &d.sigs)
	case "Organization":
		d.define(kindOrganization, oid, &d.orgs)
	}
}

// record records the OIDs (and a User's login name) of one child of AdminData.
func (d *adminDefs) record(n odm.Node) {
	switch n := n.(type) {
	case *odm.User:
		if n != nil {
			d.child("User", n.OID)
			d.login(n.LoginName)
		}
	case *odm.Location:
		if n != nil {
			d.child("Location", n.OID)
		}
	case *odm.SignatureDef:
		if n != nil {
			d.child("SignatureDef", n.OID)
		}
	case *odm.Organization:
		if n != nil {
			d.child("Organization", n.OID)
		}
	}
}

// user adds a User OID, as written, to the set UserRefs resolve against.
func (d *adminDefs) user(oid string) { d.users.add(d.h.sum(strings.TrimSpace(oid))) }

// loginKey is the form in which login names are compared: trimmed, case-folded.
func (d *adminDefs) loginKey(name string) string {
	return d.fold.String(strings.TrimSpace(name))
}

// login records a User's login name as written.
func (d *adminDefs) login(name string) {
	if strings.TrimSpace(name) != "" {
		d.define(kindLogin, d.loginKey(name), nil)
	}
}

// done drops what pass 2 does not need: the fingerprints (their candidates stay).
func (d *adminDefs) done() { d.seen = [kinds]fingerprintSet{} }
