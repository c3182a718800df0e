package validate

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/cases"

	"github.com/odmadmin/odmadmin/odm"
)

// AdminDataOptions configures [CheckAdminData] and [CheckAdminDataXML]. The zero value is
// the safe default.
type AdminDataOptions struct {
	// Values copies the offending value (a login name, an e-mail address, a country, an OID
	// ...) into Finding.Value. Messages never contain personal data either way. Default:
	// false, because AdminData values are personal data.
	Values bool
	// Series treats the file as one of a linked series of files even when its header does
	// not say so, so that a reference it cannot resolve may point into another file and is
	// reported as a warning. A Transactional file or one with a PriorFileOID is treated so
	// anyway. Default: false.
	Series bool
	// MaxFindings bounds the findings kept of each code and severity: the first by
	// position are kept, and one more finding of that code counts the rest (its Count), so
	// that a file with a dangling reference on each of a million users is checked in
	// bounded memory and every finding is still counted. Default (0): DefaultMaxFindings.
	// Negative: every finding is kept.
	MaxFindings int
	// Read configures decoding in CheckAdminDataXML; its Name appears in decode errors.
	// CheckAdminData ignores it. Read.Strict turns the first reader warning into an error,
	// so leave it off to get every warning as a finding. Default: the zero ReadOptions.
	Read odm.ReadOptions

	// spillAt replaces spillFindings (tests).
	spillAt int
}

// DefaultMaxFindings is how many findings of one code a check keeps by default.
const DefaultMaxFindings = 1000

// CheckAdminData checks the AdminData of doc for consistency: unique OIDs and login names,
// references that resolve, values from the ODM value lists, valid dates, complete
// signature definitions, plausible contact fields, the order of the root's children, and
// it turns the reader's warnings (doc.Warnings) into findings. The package documentation
// lists every rule and code.
//
// Findings are sorted by line and column, followed by one finding for each code that had
// more than AdminDataOptions.MaxFindings, which counts those left out. For a document read from XML, a finding about a
// text-only child (Email, Country, LoginName, ...) cites the child's own line, and the order
// of the children of AdminData and of the elements in it is checked; values built in code
// or read from JSON have no source positions, so such findings cite the parent and their
// order is not checked. It returns nil when nothing is wrong.
//
// It gives the same findings as [CheckAdminDataXML] on the document's XML; for a file of any
// size, use that, which holds one record at a time.
func CheckAdminData(doc *odm.Document, opts AdminDataOptions) []Finding {
	if doc == nil || doc.Root == nil {
		return nil
	}
	defs := newAdminDefs()
	d := docDriver{doc}
	d.collect(defs)
	c := newAdminChecker(opts, defs)
	d.check(c)
	return c.result()
}

// adminChecker holds one file's check: the file's context, the definitions of every file
// of the check (collected before, see adminDefs), the state of the AdminData being read and
// the findings so far.
//
// The checks run on events in document order (a child of the root, an AdminData, a record,
// a reference from ClinicalData, a reader warning) fed by a driver: docDriver over a decoded
// document, the stream driver over a file read twice. The findings are sorted by position at
// the end; findings at one position keep the order the checks make them in, one phase
// after the other (root order, AdminData records, ClinicalData references, element order,
// reader warnings), which is the order they had when the checks ran over the whole document
// one kind at a time.
type adminChecker struct {
	opts    AdminDataOptions
	ns      string // the file's ODM namespace
	version odm.Version
	v2      bool // ODM 2.0 content model and value lists
	series  bool // unresolved references may be defined in another file
	// adminOnly is set for a file whose Granularity says it carries AdminData only: it
	// cannot contain the Study its AdminData refers to.
	adminOnly bool
	// clinicalOnly is set for a file whose Granularity says it carries clinical data (or
	// metadata, or reference data) only: the AdminData its references name is elsewhere.
	clinicalOnly bool
	granularity  string
	fold         cases.Caser
	out          []keyedFinding
	phase, seq   int
	// dropped counts, by severity and code, the findings past opts.MaxFindings; trimAt
	// is the length of out at which it is trimmed to the bound again.
	dropped map[findingKey]int
	trimAt  int
	// With unbounded findings given to a function (spillOK), runs holds those written
	// to a temporary file (see spillFindings); spillErr is the first error writing them.
	spillOK  bool
	runs     *findingRuns
	spillErr error

	defs *adminDefs
	// file is the index of the file among those checked together (for crossUsers), and
	// adStudy the StudyOID of the AdminData being read.
	file    int
	adStudy string

	// The root's children seen so far, for their order.
	rootModel          []string
	rootBest, rootLine int
	rootName           string

	// The AdminData being read: its position among the file's AdminData, the order of its
	// children, and, for the OIDs and login names pass 1 found more than once in the check
	// (candidates), the first element that had each in this AdminData.
	adOrder                       *orderCheck
	seenUsers, seenOrgs, seenLocs oidSeen
	seenSigs                      oidSeen
	logins                        map[string]firstUser
	src                           *sourceIndex // the current record's children
	srcBuf                        sourceIndex
	order                         []orderFinding
	// partOf is the file's organizations that are part of another, by OID, for the
	// cycles result finds: a few per file.
	partOf map[string]orgPart
}

// orgPart is an Organization's @PartOfOrganizationOID and where it stands.
type orgPart struct {
	of        string
	line, col int
}

// findingKey is what MaxFindings bounds findings by.
type findingKey struct {
	sev  Severity
	code Code
}

// keyedFinding is a finding with the keys that order it: position, phase, sequence.
type keyedFinding struct {
	Finding
	phase, seq int
}

// Phases of a check; see adminChecker.
const (
	phaseRoot = iota
	phaseAdmin
	phaseData
	phaseOrder
	phaseReader
)

type firstUser struct {
	oid  string
	line int
}

func newAdminChecker(opts AdminDataOptions, defs *adminDefs) *adminChecker {
	return &adminChecker{opts: opts, fold: cases.Fold(), defs: defs}
}

// begin starts the check of a file from its root start tag.
func (c *adminChecker) begin(version odm.Version, root *odm.Element) {
	c.ns = root.Space
	c.version = version
	c.v2 = version == odm.V20
	c.rootModel, c.rootBest, c.rootName, c.rootLine = rootModels[c.v2], -1, "", 0
	// ODM 1.3.2 section 2.11: references may point into a prior file of the series, and
	// only a file that starts a series must contain everything it references.
	fileType, _ := root.Attr("", "FileType")
	prior, _ := root.Attr("", "PriorFileOID")
	c.series = c.opts.Series || fileType == "Transactional" || prior != ""
	granularity, _ := root.Attr("", "Granularity")
	c.adminOnly = granularity == "AdminData"
	c.granularity = granularity
	c.clinicalOnly = false
	switch granularity {
	case "AllClinicalData", "SingleSite", "SingleSubject", "Metadata", "ReferenceData":
		c.clinicalOnly = true
	}
}

// result returns the file's findings in order and resets the list for the next file.
func (c *adminChecker) result() []Finding {
	c.cycles()
	c.sortOut()
	c.trim()
	var out []Finding
	if len(c.out) > 0 || len(c.dropped) > 0 {
		out = make([]Finding, len(c.out), len(c.out)+len(c.dropped))
		for i := range c.out {
			out[i] = c.out[i].Finding
		}
	}
	keys := make([]findingKey, 0, len(c.dropped))
	for k := range c.dropped {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b findingKey) int {
		if a.sev != b.sev {
			return strings.Compare(string(a.sev), string(b.sev))
		}
		return strings.Compare(string(a.code), string(b.code))
	})
	for _, k := range keys {
		n := c.dropped[k]
		out = append(out, Finding{Severity: k.sev, Code: k.code, Count: n,
			Message: strconv.Itoa(n) + " more findings of this kind not listed: the check keeps the first " +
				strconv.Itoa(c.maxFindings()) + " of each kind"})
	}
	c.out, c.dropped, c.trimAt = nil, nil, 0
	return out
}

// cycles reports each cycle of @PartOfOrganizationOID among the file's organizations once,
// at the member that comes first in the file, and forgets them for the next file.
func (c *adminChecker) cycles() {
	parts := c.partOf
	c.partOf = nil
	if len(parts) == 0 {
		return
	}
	ids := make([]string, 0, len(parts))
	for id := range parts {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int {
		pa, pb := parts[a], parts[b]
		if pa.line != pb.line {
			return pa.line - pb.line
		}
		return pa.col - pb.col
	})
	done := map[string]bool{}
	for _, start := range ids {
		// Follow the chain from start; a node met again on this walk closes a cycle.
		var path []string
		at := map[string]int{}
		for id := start; !done[id]; {
			p, ok := parts[id]
			if !ok {
				break
			}
			if i, seen := at[id]; seen {
				cycle := path[i:]
				first := slices.MinFunc(cycle, func(a, b string) int {
					if parts[a].line != parts[b].line {
						return parts[a].line - parts[b].line
					}
					return parts[a].col - parts[b].col
				})
				chain := make([]string, 0, len(cycle)+1)
				k := slices.Index(cycle, first)
				for j := range cycle {
					chain = append(chain, oidText(cycle[(k+j)%len(cycle)]))
				}
				chain = append(chain, oidText(first))
				c.add(SeverityError, CodeOrganizationCycle, "Organization/@PartOfOrganizationOID", parts[first].line, parts[first].col, first,
					label("Organization", first)+" is part of itself: "+strings.Join(chain, " → "))
				break
			}
			at[id] = len(path)
			path = append(path, id)
			id = p.of
		}
		for _, id := range path {
			done[id] = true
		}
	}
}

// sortOut puts the findings in their final order.
func (c *adminChecker) sortOut() {
	slices.SortFunc(c.out, func(a, b keyedFinding) int { return findingOrder(&a, &b) })
}

// findingOrder is the order of findings: by position, then phase, then as they came.
func findingOrder(a, b *keyedFinding) int {
	switch {
	case a.Line != b.Line:
		return a.Line - b.Line
	case a.Column != b.Column:
		return a.Column - b.Column
	case a.phase != b.phase:
		return a.phase - b.phase
	}
	return a.seq - b.seq
}

// each gives emit the file's findings in order, as result returns them, and resets the
// list for the next file.
func (c *adminChecker) each(emit func(Finding) error) error {
	c.cycles() // before the findings are read out, from runs too
	if c.runs != nil {
		return c.emitRuns(emit)
	}
	for _, f := range c.result() {
		if err := emit(f); err != nil {
			return err
		}
	}
	return nil
}

// bound keeps the findings held within the bound: trimmed to MaxFindings of each kind,
// or, unbounded with a function to give them to, written to a run past spillFindings.
func (c *adminChecker) bound() {
	switch {
	case c.maxFindings() >= 0:
		if len(c.out) >= c.trimAt {
			c.sortOut()
			c.trim()
		}
	case c.spillOK && len(c.out) >= cmp.Or(c.opts.spillAt, spillFindings):
		c.spill()
	}
}

func (c *adminChecker) maxFindings() int {
	if c.opts.MaxFindings == 0 {
		return DefaultMaxFindings
	}
	return c.opts.MaxFindings
}

// trim keeps, of each severity and code, the first maxFindings findings in the order of
// out (sorted first by a caller that wants the first by position) and counts the rest.
func (c *adminChecker) trim() {
	limit := c.maxFindings()
	if limit < 0 {
		return
	}
	kept := map[findingKey]int{}
	out := c.out[:0]
	for _, f := range c.out {
		k := findingKey{f.Severity, f.Code}
		if kept[k] < limit {
			kept[k]++
			out = append(out, f)
			continue
		}
		if c.dropped == nil {
			c.dropped = map[findingKey]int{}
		}
		c.dropped[k] += max(f.Count, 1)
	}
	clear(c.out[len(out):]) // the strings of those dropped
	c.out = out
	// Trim again once as many more have come: sorting then costs O(log n) per finding.
	c.trimAt = 2*len(out) + 4096
}

// absorb takes the findings of another checker of the same file (the side scan's).
func (c *adminChecker) absorb(o *adminChecker) {
	c.out = append(c.out, o.out...)
	for k, n := range o.dropped {
		if c.dropped == nil {
			c.dropped = map[findingKey]int{}
		}
		c.dropped[k] += n
	}
	c.bound()
}

// add appends a finding; value is kept only when the caller asked for values.
func (c *adminChecker) add(sev Severity, code Code, field string, line, col int, value, msg string) {
	c.addN(sev, code, field, line, col, value, msg, 0)
}

// addN is add for a finding that stands for n occurrences (Finding.Count; 0 for one).
func (c *adminChecker) addN(sev Severity, code Code, field string, line, col int, value, msg string, n int) {
	f := Finding{Severity: sev, Code: code, Field: field, Line: line, Column: col, Message: msg, Count: n}
	if c.opts.Values {
		f.Value = value
	}
	c.seq++
	c.out = append(c.out, keyedFinding{f, c.phase, c.seq})
	c.bound()
}

// refSeverity is the severity of an unresolved reference: an error in a file that must be
// self-contained, a warning in a file of a series.
func (c *adminChecker) refSeverity() Severity {
	if c.series {
		return SeverityWarning
	}
	return SeverityError
}

// dangling reports an unresolved reference.
func (c *adminChecker) dangling(code Code, field string, line, col int, oid, msg string) {
	if c.series {
		msg += " (the file is part of a series, so it may be defined in another file)"
	}
	c.add(c.refSeverity(), code, field, line, col, oid, msg)
}

// danglingStudy reports an unresolved reference to a Study or MetaDataVersion. A file
// that declares Granularity="AdminData" carries no Study by design (RWS-style user and
// site exports), so there the reference cannot resolve and is only a warning.
func (c *adminChecker) danglingStudy(code Code, field string, line, col int, oid, msg string) {
	if c.adminOnly && !c.series {
		c.add(SeverityWarning, code, field, line, col, oid, msg+" (the file's Granularity is AdminData, so it holds no Study)")
		return
	}
	c.dangling(code, field, line, col, oid, msg)
}

// danglingAdmin reports an unresolved reference from ClinicalData or ReferenceData to
// AdminData. A file whose Granularity says it carries no AdminData (AllClinicalData,
// SingleSite, SingleSubject, Metadata, ReferenceData) refers to Users, Locations and
// SignatureDefs it cannot hold, so there the reference is a warning, as Study references
// are in a Granularity="AdminData" file.
func (c *adminChecker) danglingAdmin(code Code, field string, line, col int, oid, msg string) {
	if c.clinicalOnly && !c.series {
		c.add(SeverityWarning, code, field, line, col, oid, msg+" (the file's Granularity is "+c.granularity+", so it carries no AdminData)")
		return
	}
	c.dangling(code, field, line, col, oid, msg)
}

// defined reports whether oid, trimmed of white space, names an element of the set (whose
// members are trimmed too). Producers pad OIDs (OpenClinica writes UserRef UserOID="USR_3 "):
// the padding is reported as admin.oidWhitespace, and the reference still resolves, so that
// one quirk does not turn into a dangling-reference error on every record.
func (c *adminChecker) defined(set *hashSet, oid string) bool {
	return set.has(c.defs.h.sum(strings.TrimSpace(oid)))
}

// childAt returns the position of the typed value's local child number i when the
// source was scanned, else the value's own position.
func (c *adminChecker) childAt(x *odm.Ext, local string, i int) (int, int) {
	if p, ok := c.src.child(pos{x.Line, x.Col}, local, i); ok {
		return p.line, p.col
	}
	return x.Line, x.Col
}

// label names an element by type and OID for messages: "User USR.1", or "User" when
// the OID is missing.
func label(elem, oid string) string {
	if oid == "" {
		return elem
	}
	return elem + " " + oidText(oid)
}

// oidText writes an OID for a message. OIDs may contain spaces ("Mediflex(Prod)" and
// "Depression Demo Study" are real ones), so they are written bare, except that leading or
// trailing white space, which would be invisible, gets quotes.
func oidText(oid string) string {
	if oid != strings.TrimSpace(oid) {
		return strconv.Quote(oid)
	}
	return oid
}

func lineRef(line int) string {
	if line <= 0 {
		return ""
	}
	return " (line " + strconv.Itoa(line) + ")"
}

// name13or20 returns the element name the file's version uses.
func (c *adminChecker) name13or20(n13, n20 string) string {
	if c.v2 {
		return n20
	}
	return n13
}

// rootChild checks the order of the root's children: rwslib writes ClinicalData before
// AdminData. local is the name of a child in the file's ODM namespace.
func (c *adminChecker) rootChild(local string, line, col int) {
	c.phase = phaseRoot
	r := rank(c.rootModel, local)
	if r < 0 {
		return
	}
	if r < c.rootBest {
		c.add(SeverityError, CodeElementOrder, "ODM/"+local, line, col, "",
			"ODM: "+local+" stands after "+c.rootName+lineRef(c.rootLine)+"; ODM wants the order "+strings.Join(c.rootModel, ", "))
		return
	}
	c.rootBest, c.rootName, c.rootLine = r, local, line
}

// oidSeen tracks the OIDs of one element type within one AdminData: the line of the first
// element that has each. It holds only the OIDs pass 1 found more than once (candidates);
// any other OID is unique without a look.
type oidSeen map[string]int

// unique reports a missing or repeated OID of an element type; it returns false for a
// missing one. Uniqueness is per element type and per AdminData (ODM 1.3.2 section 2.11):
// a Location may share its OID with a SignatureDef, which odmlib wrongly rejects.
func (c *adminChecker) unique(seen oidSeen, kind int, elem, oid string, x *odm.Ext) {
	if oid == "" {
		c.add(SeverityError, CodeMissingAttribute, elem+"/@OID", x.Line, x.Col, "", elem+" has no OID")
		return
	}
	if !c.defs.repeated(kind, strings.TrimSpace(oid), c.file) {
		return
	}
	if first, dup := seen[oid]; dup {
		c.add(SeverityError, CodeOIDNotUnique, elem+"/@OID", x.Line, x.Col, oid,
			elem+" OID "+oidText(oid)+" is already used by another "+elem+lineRef(first)+" in this AdminData")
		return
	}
	// A copy: the OID is a substring of the memory the reader cut the record's strings
	// from, which the key would keep alive whole. With a user table beside the export,
	// where every OID is a candidate, that was most of the check's memory (45 MB of such
	// memory kept at 200,000 users).
	seen[strings.Clone(oid)] = x.Line
}

func (c *adminChecker) required(field, what string, x *odm.Ext, value string) bool {
	if strings.TrimSpace(value) != "" {
		return true
	}
	c.add(SeverityError, CodeMissingAttribute, field, x.Line, x.Col, "", what)
	return false
}

// beginAdminData starts an AdminData: its attributes are checked, its children follow as
// records.
func (c *adminChecker) beginAdminData(ad *odm.AdminData) {
	c.phase = phaseAdmin
	c.adOrder = &orderCheck{model: contentModels[c.v2]["AdminData"], best: -1}
	c.seenUsers, c.seenOrgs, c.seenLocs, c.seenSigs = oidSeen{}, oidSeen{}, oidSeen{}, oidSeen{}
	c.logins = map[string]firstUser{}
	c.adStudy = strings.TrimSpace(ad.StudyOID)
	// An AdminData without StudyOID applies to every study of the file or series
	// (ODM 1.3.2 section 3.1.2), so only a given StudyOID must resolve.
	if ad.StudyOID != "" {
		if _, ok := c.defs.studies[strings.TrimSpace(ad.StudyOID)]; !ok {
			c.danglingStudy(CodeDanglingStudyOID, "AdminData/@StudyOID", ad.Line, ad.Col, ad.StudyOID,
				"AdminData StudyOID "+oidText(ad.StudyOID)+" names no Study in this file")
		}
	}
}

// adminChild follows the order of the ODM children of an AdminData.
func (c *adminChecker) adminChild(local string, line, col int) {
	if c.adOrder == nil || line == 0 {
		return
	}
	if of, bad := c.adOrder.see("AdminData", local, pos{line, col}); bad {
		c.orderFinding(of)
	}
}

func (c *adminChecker) orderFinding(o orderFinding) {
	phase := c.phase
	c.phase = phaseOrder
	c.add(SeverityError, CodeElementOrder, o.parent+"/"+o.child, o.at.line, o.at.col, "",
		o.parent+": "+o.child+" stands after "+o.after+lineRef(o.afterAt.line)+"; ODM wants the order "+strings.Join(o.model, ", "))
	c.phase = phase
}

// record checks one child of the current AdminData, with the order of its own children.
func (c *adminChecker) record(n odm.Node) {
	c.phase = phaseAdmin
	if c.adOrder == nil { // a record outside any AdminData: only values built in code
		c.beginAdminData(&odm.AdminData{})
	}
	c.src = indexRecord(&c.srcBuf, n, c.v2, c.orderFinding)
	switch n := n.(type) {
	case *odm.User:
		if n != nil {
			c.checkUser(n)
		}
	case *odm.Organization:
		if n != nil {
			c.checkOrganization(n)
		}
	case *odm.Location:
		if n != nil {
			c.checkLocation(n)
		}
	case *odm.SignatureDef:
		if n != nil {
			c.checkSignatureDef(n)
		}
	}
	c.src = nil
}

func (c *adminChecker) checkUser(u *odm.User) {
	x := &u.Ext
	c.unique(c.seenUsers, kindUser, "User", u.OID, x)
	who := label("User", u.OID)
	if u.UserType != "" && !u.UserType.Valid(c.version) {
		c.add(SeverityError, CodeInvalidUserType, "User/@UserType", x.Line, x.Col, string(u.UserType),
			who+": UserType "+strconv.Quote(string(u.UserType))+" is not one of "+c.userTypes())
	}

	// Login names identify people to the EDC system; two accounts with names that differ
	// only in case collide on most systems, whatever ODM says (it says nothing).
	loginElem := c.name13or20("LoginName", "UserName")
	if login := strings.TrimSpace(u.LoginName); login != "" {
		key := foldCase(&c.fold, login)
		if c.defs.repeated(kindLogin, key, c.file) {
			if first, dup := c.logins[key]; dup {
				line, col := c.childAt(x, loginElem, 0)
				c.add(SeverityError, CodeLoginNameNotUnique, "User/"+loginElem, line, col, u.LoginName,
					who+": "+loginElem+" is the same as that of User "+oidText(first.oid)+lineRef(first.line)+", ignoring case")
			} else {
				// Copies, as in unique: folding returns a name already folded as it is.
				c.logins[strings.Clone(key)] = firstUser{strings.Clone(u.OID), u.Line}
			}
		}
	}
	c.crossUser(u)

	for i, e := range u.Emails {
		c.checkEmail(x, "User/Email", "Email", i, who, e)
	}
	if u.Pager != "" {
		c.checkPhone(x, "User/Pager", "Pager", 0, who, u.Pager)
	}
	for i, f := range u.Faxes {
		c.checkPhone(x, "User/Fax", "Fax", i, who, f)
	}
	for i, p := range u.Phones {
		c.checkPhone(x, "User/Phone", "Phone", i, who, p)
	}
	for _, t := range u.Telecoms {
		if t != nil {
			c.checkTelecom(t, "User", who)
		}
	}
	for _, a := range u.Addresses {
		if a != nil {
			c.checkAddress(a, who)
		}
	}
	if p := u.Picture; p != nil {
		c.required("Picture/@PictureFileName", who+": Picture has no PictureFileName", &p.Ext, p.PictureFileName)
	}

	for _, lr := range u.LocationRefs {
		if lr == nil {
			continue
		}
		if !c.required("LocationRef/@LocationOID", who+": LocationRef has no LocationOID", &lr.Ext, lr.LocationOID) {
			continue
		}
		if !c.defined(&c.defs.locations, lr.LocationOID) {
			c.dangling(CodeDanglingLocationRef, "User/LocationRef/@LocationOID", lr.Line, lr.Col, lr.LocationOID,
				who+": LocationRef names Location "+oidText(lr.LocationOID)+", which is not defined")
		}
	}
	if u.LocationOID != "" && !c.defined(&c.defs.locations, u.LocationOID) {
		c.dangling(CodeDanglingLocationRef, "User/@LocationOID", x.Line, x.Col, u.LocationOID,
			who+": LocationOID names Location "+oidText(u.LocationOID)+", which is not defined")
	}
	if u.OrganizationOID != "" && !c.defined(&c.defs.orgs, u.OrganizationOID) {
		c.dangling(CodeDanglingOrganizationRef, "User/@OrganizationOID", x.Line, x.Col, u.OrganizationOID,
			who+": OrganizationOID names Organization "+oidText(u.OrganizationOID)+", which is not defined")
	}

	// An investigator works at a site; one without any is almost always an export that
	// lost the site assignment. ODM allows it, hence a warning.
	if u.UserType == odm.UserInvestigator && len(u.LocationRefs) == 0 && u.LocationOID == "" {
		c.add(SeverityWarning, CodeInvestigatorWithoutLocation, "User/"+c.name13or20("LocationRef", "@LocationOID"), x.Line, x.Col, "",
			who+": Investigator has no "+c.name13or20("LocationRef", "LocationOID"))
	}
}

func (c *adminChecker) userTypes() string {
	if c.v2 {
		return "Sponsor, Investigator, Lab, Other, Subject, Monitor, Data analyst, Care provider, Assessor (ODM 2.0)"
	}
	return "Sponsor, Investigator, Lab, Other (ODM 1.3)"
}

func (c *adminChecker) checkOrganization(o *odm.Organization) {
	x := &o.Ext
	c.unique(c.seenOrgs, kindOrganization, "Organization", o.OID, x)
	who := label("Organization", o.OID)
	c.required("Organization/@Name", who+" has no Name", x, o.Name)
	if c.required("Organization/@Type", who+" has no Type", x, string(o.Type)) && !o.Type.Valid() {
		c.add(SeverityError, CodeInvalidOrganizationType, "Organization/@Type", x.Line, x.Col, string(o.Type),
			who+": Type "+strconv.Quote(string(o.Type))+" is not one of Sponsor, Site, CRO, Lab, Other, TechnologyProvider")
	}
	if o.LocationOID != "" && !c.defined(&c.defs.locations, o.LocationOID) {
		c.dangling(CodeDanglingLocationRef, "Organization/@LocationOID", x.Line, x.Col, o.LocationOID,
			who+": LocationOID names Location "+oidText(o.LocationOID)+", which is not defined")
	}
	if p := strings.TrimSpace(o.PartOfOrganizationOID); p != "" {
		if c.partOf == nil {
			c.partOf = map[string]orgPart{}
		}
		if id := strings.TrimSpace(o.OID); id != "" {
			if _, dup := c.partOf[id]; !dup { // a second of one OID is oidNotUnique's
				c.partOf[id] = orgPart{p, x.Line, x.Col}
			}
		}
	}
	if o.PartOfOrganizationOID != "" && !c.defined(&c.defs.orgs, o.PartOfOrganizationOID) {
		c.dangling(CodeDanglingOrganizationRef, "Organization/@PartOfOrganizationOID", x.Line, x.Col, o.PartOfOrganizationOID,
			who+": PartOfOrganizationOID names Organization "+oidText(o.PartOfOrganizationOID)+", which is not defined")
	}
	c.checkContacts(o.Addresses, o.Telecoms, "Organization", who)
}

func (c *adminChecker) checkLocation(l *odm.Location) {
	x := &l.Ext
	c.unique(c.seenLocs, kindLocation, "Location", l.OID, x)
	who := label("Location", l.OID)
	c.required("Location/@Name", who+" has no Name", x, l.Name)
	if l.LocationType != "" && !l.LocationType.Valid() {
		c.add(SeverityError, CodeInvalidLocationType, "Location/@LocationType", x.Line, x.Col, string(l.LocationType),
			who+": LocationType "+strconv.Quote(string(l.LocationType))+" is not one of Sponsor, Site, CRO, Lab, Other")
	}
	if l.OrganizationOID != "" && !c.defined(&c.defs.orgs, l.OrganizationOID) {
		c.dangling(CodeDanglingOrganizationRef, "Location/@OrganizationOID", x.Line, x.Col, l.OrganizationOID,
			who+": OrganizationOID names Organization "+oidText(l.OrganizationOID)+", which is not defined")
	}
	if len(l.MetaDataVersionRefs) == 0 {
		c.add(SeverityError, CodeMissingMetaDataVersionRef, "Location/MetaDataVersionRef", x.Line, x.Col, "",
			who+" has no MetaDataVersionRef; ODM requires at least one")
	}
	// The metadata a site uses changes over time; each study's versions form their own
	// timeline, so dates are compared per Study, in document order.
	type last struct {
		date dateValue
		line int
	}
	latest := map[string]last{}
	for _, r := range l.MetaDataVersionRefs {
		if r == nil {
			continue
		}
		c.checkMetaDataVersionRef(r, who)
		d := parseEffectiveDate(r.EffectiveDate)
		if d.kind == dateInvalid {
			continue
		}
		if prev, ok := latest[r.StudyOID]; ok && !d.t.After(prev.date.t) {
			c.add(SeverityWarning, CodeEffectiveDateOrder, "MetaDataVersionRef/@EffectiveDate", r.Line, r.Col, r.EffectiveDate,
				who+": EffectiveDate "+d.t.Format("2006-01-02")+" of MetaDataVersion "+oidText(r.MetaDataVersionOID)+
					" is not later than "+prev.date.t.Format("2006-01-02")+lineRef(prev.line)+" for Study "+oidText(r.StudyOID))
			continue
		}
		latest[r.StudyOID] = last{d, r.Line}
	}
	c.checkContacts(l.Addresses, l.Telecoms, "Location", who)
}

func (c *adminChecker) checkMetaDataVersionRef(r *odm.MetaDataVersionRef, who string) {
	x := &r.Ext
	okStudy := c.required("MetaDataVersionRef/@StudyOID", who+": MetaDataVersionRef has no StudyOID", x, r.StudyOID)
	okMDV := c.required("MetaDataVersionRef/@MetaDataVersionOID", who+": MetaDataVersionRef has no MetaDataVersionOID", x, r.MetaDataVersionOID)
	if okStudy {
		if mdvs, ok := c.defs.studies[strings.TrimSpace(r.StudyOID)]; !ok {
			c.danglingStudy(CodeDanglingMetaDataVersionRef, "MetaDataVersionRef/@StudyOID", x.Line, x.Col, r.StudyOID,
				who+": MetaDataVersionRef names Study "+oidText(r.StudyOID)+", which is not defined in this file")
		} else if okMDV && !mdvs[strings.TrimSpace(r.MetaDataVersionOID)] {
			c.danglingStudy(CodeDanglingMetaDataVersionRef, "MetaDataVersionRef/@MetaDataVersionOID", x.Line, x.Col, r.MetaDataVersionOID,
				who+": MetaDataVersionRef names MetaDataVersion "+oidText(r.MetaDataVersionOID)+", which Study "+oidText(r.StudyOID)+" does not define")
		}
	}
	if !c.required("MetaDataVersionRef/@EffectiveDate", who+": MetaDataVersionRef has no EffectiveDate", x, r.EffectiveDate) {
		return
	}
	switch parseEffectiveDate(r.EffectiveDate).kind {
	case dateTime:
		c.add(SeverityWarning, CodeEffectiveDateTime, "MetaDataVersionRef/@EffectiveDate", x.Line, x.Col, r.EffectiveDate,
			who+": EffectiveDate "+strconv.Quote(r.EffectiveDate)+" is a dateTime; ODM wants an xs:date (YYYY-MM-DD)")
	case dateInvalid:
		c.add(SeverityError, CodeInvalidEffectiveDate, "MetaDataVersionRef/@EffectiveDate", x.Line, x.Col, r.EffectiveDate,
			who+": EffectiveDate "+strconv.Quote(r.EffectiveDate)+" is not a date (YYYY-MM-DD)")
	}
}

func (c *adminChecker) checkSignatureDef(s *odm.SignatureDef) {
	x := &s.Ext
	c.unique(c.seenSigs, kindSignatureDef, "SignatureDef", s.OID, x)
	who := label("SignatureDef", s.OID)
	if s.Methodology != "" && !s.Methodology.Valid() {
		c.add(SeverityError, CodeInvalidMethodology, "SignatureDef/@Methodology", x.Line, x.Col, string(s.Methodology),
			who+": Methodology "+strconv.Quote(string(s.Methodology))+" is not Digital or Electronic")
	}
	// The typed value cannot tell an absent Meaning from an empty one; both leave the
	// signature without the meaning 21 CFR Part 11 asks for.
	if strings.TrimSpace(s.Meaning) == "" {
		c.add(SeverityError, CodeMissingMeaning, "SignatureDef/Meaning", x.Line, x.Col, "", who+" has no Meaning")
	}
	if strings.TrimSpace(s.LegalReason) == "" {
		c.add(SeverityError, CodeMissingLegalReason, "SignatureDef/LegalReason", x.Line, x.Col, "", who+" has no LegalReason")
	}
}

// checkContacts checks the addresses, then the telecoms, of an Organization or a
// Location (parent). (A User's telecoms come before its addresses.)
func (c *adminChecker) checkContacts(as []*odm.Address, ts []*odm.Telecom, parent, who string) {
	for _, a := range as {
		if a != nil {
			c.checkAddress(a, who)
		}
	}
	for _, t := range ts {
		if t != nil {
			c.checkTelecom(t, parent, who)
		}
	}
}

func (c *adminChecker) checkAddress(a *odm.Address, who string) {
	country := strings.TrimSpace(a.Country)
	if country == "" {
		return
	}
	ok := isCountryAlpha2(country)
	want := "an ISO 3166-1 alpha-2 code (ODM 1.3)"
	if c.v2 {
		ok = ok || isCountryAlpha3(country)
		want = "an ISO 3166-1 alpha-2 or alpha-3 code (ODM 2.0)"
	}
	if !ok {
		line, col := c.childAt(&a.Ext, "Country", 0)
		c.add(SeverityWarning, CodeInvalidCountry, "Address/Country", line, col, a.Country,
			who+": Address Country is not "+want)
	}
}

func (c *adminChecker) checkTelecom(t *odm.Telecom, parent, who string) {
	x := &t.Ext
	field := parent + "/Telecom"
	if c.required(field+"/@TelecomType", who+": Telecom has no TelecomType", x, string(t.TelecomType)) && !t.TelecomType.Valid() {
		c.add(SeverityError, CodeInvalidTelecomType, field+"/@TelecomType", x.Line, x.Col, string(t.TelecomType),
			who+": TelecomType "+strconv.Quote(string(t.TelecomType))+" is not one of Email, Pager, Phone, Fax, SMS, URL, Other")
	}
	if !c.required(field+"/@Value", who+": Telecom has no Value", x, t.Value) {
		return
	}
	switch t.TelecomType {
	case odm.TelecomEmail:
		if !validEmail(strings.TrimSpace(t.Value)) {
			c.add(SeverityError, CodeInvalidEmail, field+"/@Value", x.Line, x.Col, t.Value, who+": Telecom Email is not an e-mail address")
		}
	case odm.TelecomPhone, odm.TelecomFax, odm.TelecomPager, odm.TelecomSMS:
		if !validPhone(t.Value) {
			c.add(SeverityWarning, CodeInvalidPhone, field+"/@Value", x.Line, x.Col, t.Value,
				who+": Telecom "+string(t.TelecomType)+" is not a phone number")
		}
	}
}

// checkEmail checks the i-th Email child of a User. Empty elements are the reader's
// admin.emptyElement, not an invalid address.
func (c *adminChecker) checkEmail(x *odm.Ext, field, elem string, i int, who, v string) {
	s := strings.TrimSpace(v)
	if s == "" || validEmail(s) {
		return
	}
	line, col := c.childAt(x, elem, i)
	c.add(SeverityError, CodeInvalidEmail, field, line, col, v, who+": "+elem+" is not an e-mail address")
}

func (c *adminChecker) checkPhone(x *odm.Ext, field, elem string, i int, who, v string) {
	if strings.TrimSpace(v) == "" || validPhone(v) {
		return
	}
	line, col := c.childAt(x, elem, i)
	c.add(SeverityWarning, CodeInvalidPhone, field, line, col, v, who+": "+elem+" is not a phone number")
}

// dataRef resolves one AdminData reference made from ClinicalData or ReferenceData: UserRef
// and InvestigatorRef to Users, LocationRef and SiteRef to Locations, SignatureRef to
// SignatureDefs. local is the element's name in the file's ODM namespace, attr its value
// of the reference attribute (UserOID, LocationOID, SignatureOID).
func (c *adminChecker) dataRef(local, oid string, line, col int) {
	c.phase = phaseData
	kind, set, code, attr := dataRefKind(local, c.defs)
	if set == nil {
		return
	}
	// An empty reference is a schema matter; SiteRef may even be empty on Update
	// (ODM 1.3.2 section 3.1.4.1.6).
	if oid == "" {
		return
	}
	field := local + "/@" + attr
	if strings.TrimSpace(oid) != oid {
		// The reader does not look inside ClinicalData, so the padding is reported here.
		c.add(SeverityWarning, CodeOIDWhitespace, field, line, col, oid,
			field+" has leading or trailing white space, which is ignored when it is resolved (OpenClinica writes such references)")
	}
	if c.defined(set, oid) {
		return
	}
	c.danglingAdmin(code, field, line, col, oid,
		local+" names "+kind+" "+oidText(oid)+", which AdminData does not define")
}

// dataRefKind returns, for an element of ClinicalData or ReferenceData, what it refers to
// and by which attribute; set is nil for an element that refers to no AdminData.
func dataRefKind(local string, defs *adminDefs) (kind string, set *hashSet, code Code, attr string) {
	switch local {
	case "UserRef", "InvestigatorRef":
		return "User", &defs.users, CodeDanglingUserRef, "UserOID"
	case "LocationRef", "SiteRef":
		return "Location", &defs.locations, CodeDanglingLocationRef, "LocationOID"
	case "SignatureRef":
		return "SignatureDef", &defs.sigs, CodeDanglingSignatureRef, "SignatureOID"
	}
	return "", nil, "", ""
}
