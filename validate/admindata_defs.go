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
// Memory per User is what keeps a check of a million users small: the User OIDs are a
// hashSet of 64-bit hashes (about 13 bytes per User) and the login names a fingerprintSet
// (about 7 bytes), where a map of strings would cost 60 to 80 bytes per entry. Studies,
// whose OIDs and MetaDataVersions are needed with their text, are few and kept as strings.
//
// Uniqueness is exact: a hash that pass 1 sees twice only makes the OID a candidate, and
// pass 2 keeps the exact strings of the candidates (a handful in a real file) to tell a
// true repeat from two OIDs that share a hash. A reference resolves when the hash of its
// OID is one of a defined element's: two different OIDs share a 64-bit hash with a chance
// of about one in 10^19 per pair (the seed is random, so no input can aim at it), and only
// then would a dangling reference pass unreported.
type adminDefs struct {
	h hasher

	studies                       map[string]map[string]bool // Study OID → its MetaDataVersion OIDs
	users, locations, sigs, orgs  hashSet                    // trimmed OIDs of the whole check
	logins                        fingerprintSet             // case-folded, trimmed login names
	candUsers, candLocs, candSigs map[uint64]bool            // hashes added twice
	candOrgs                      map[uint64]bool
	candLogins                    map[uint32]bool
	fold                          cases.Caser
}

func newAdminDefs() *adminDefs {
	return &adminDefs{
		h:          newHasher(),
		studies:    map[string]map[string]bool{},
		candUsers:  map[uint64]bool{},
		candLocs:   map[uint64]bool{},
		candSigs:   map[uint64]bool{},
		candOrgs:   map[uint64]bool{},
		candLogins: map[uint32]bool{},
		fold:       cases.Fold(),
	}
}

func (d *adminDefs) fingerprint(key string) uint32 { return uint32(d.h.sum(key) >> 32) }

// defineOID adds a trimmed OID to set, marking it a candidate when its hash was there.
// Uniqueness is per AdminData and per file, the resolution of references across all of
// them, so the one set serves both: an OID of two AdminData blocks or two files is a
// candidate that pass 2 finds unique in each.
func (d *adminDefs) defineOID(set *hashSet, cand map[uint64]bool, oid string) {
	h := d.h.sum(strings.TrimSpace(oid))
	if set.add(h) {
		cand[h] = true
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

// record records the OIDs (and a User's login name) of one child of AdminData.
func (d *adminDefs) record(n odm.Node) {
	switch n := n.(type) {
	case *odm.User:
		if n == nil {
			return
		}
		d.defineOID(&d.users, d.candUsers, n.OID)
		if login := strings.TrimSpace(n.LoginName); login != "" {
			fp := d.fingerprint(d.fold.String(login))
			if d.logins.add(fp) {
				d.candLogins[fp] = true
			}
		}
	case *odm.Location:
		if n != nil {
			d.defineOID(&d.locations, d.candLocs, n.OID)
		}
	case *odm.SignatureDef:
		if n != nil {
			d.defineOID(&d.sigs, d.candSigs, n.OID)
		}
	case *odm.Organization:
		if n != nil {
			d.defineOID(&d.orgs, d.candOrgs, n.OID)
		}
	}
}

// done drops what pass 2 does not need: the login fingerprints (their candidates stay).
func (d *adminDefs) done() { d.logins = fingerprintSet{} }
