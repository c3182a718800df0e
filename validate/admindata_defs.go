package validate

import (
	"strings"
	"unicode/utf8"

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

	// Pass 1 keeps the fingerprints of trimmed OIDs and folded login names twice over:
	// each with the index of its file (seenIn), whose repeats (dup) are the candidates for
	// a uniqueness finding, which is per AdminData of a file; and, in a check of several
	// files, alone (seen), whose repeats (cand) are the Users other files may hold
	// (crossUsers). One table served both: beside a user table that lists every user of
	// the export, every User was a candidate for uniqueness too, and pass 2 kept its OID
	// and login as strings in maps (some 130 bytes a User, a third of such a check's heap).
	// The candidates are fingerprint sets too: some 5 bytes each, where a map[uint32]bool
	// took 36 (at a million users beside their template, 36 of the 347 MB in use).
	seenIn, dup, seen, cand [kinds]fingerprintSet
	// file is the index of the file pass 1 reads; table is set while it reads a user table,
	// which is compared across files but not checked for uniqueness; multi is set when the
	// check has several files.
	file         int
	table, multi bool
	fold         cases.Caser
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
	return d
}

func fingerprint(h uint64) uint32 { return uint32(h >> 32) }

// fileFingerprint is the fingerprint of a name's hash h within file: a name of two files
// has two, unrelated.
func fileFingerprint(h uint64, file int) uint32 {
	return fingerprint((h ^ uint64(file)*0x9e3779b97f4a7c15) * 0xbf58476d1ce4e5b9)
}

// candidate reports whether a name of the kind (a trimmed OID, a folded login name) was
// seen more than once in pass 1, in any files (a User another file may hold).
func (d *adminDefs) candidate(kind int, name string) bool {
	if !d.multi {
		return d.repeated(kind, name, 0)
	}
	return d.cand[kind].has(fingerprint(d.h.sum(name)))
}

// repeated reports whether a name of the kind was seen more than once in pass 1 within
// file (a candidate for a uniqueness finding).
func (d *adminDefs) repeated(kind int, name string, file int) bool {
	return d.dup[kind].has(fileFingerprint(d.h.sum(name), file))
}

// define records a name of the kind, marking it a candidate when its fingerprint was
// there (in its file, and in any file), and adds its hash to set for references (nil:
// not now). Uniqueness is per AdminData, so a name of two AdminData blocks of one file is
// a candidate that pass 2 may find unique in each; a name of two files is none.
func (d *adminDefs) define(kind int, name string, set *hashSet) {
	h := d.h.sum(name)
	if !d.table {
		if fp := fileFingerprint(h, d.file); d.seenIn[kind].add(fp) {
			d.dup[kind].add(fp)
		}
	}
	if d.multi {
		if fp := fingerprint(h); d.seen[kind].add(fp) {
			d.cand[kind].add(fp)
		}
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
	return foldCase(&d.fold, strings.TrimSpace(name))
}

// foldCase is c's case folding of s. An ASCII s is folded as ASCII (A-Z to a-z), which is
// all Unicode case folding does to it, without the Caser's allocation for every name:
// check folds the login of every User, twice.
func foldCase(c *cases.Caser, s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return c.String(s)
		}
	}
	return strings.ToLower(s)
}

// login records a User's login name as written.
func (d *adminDefs) login(name string) {
	if strings.TrimSpace(name) != "" {
		d.define(kindLogin, d.loginKey(name), nil)
	}
}

// done drops what pass 2 does not need: the fingerprints (their candidates stay).
func (d *adminDefs) done() { d.seen, d.seenIn = [kinds]fingerprintSet{}, [kinds]fingerprintSet{} }
