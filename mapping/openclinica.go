package mapping

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/odmadmin/odmadmin/internal/xmlenc"
	"github.com/odmadmin/odmadmin/internal/xmlscan"
	"github.com/odmadmin/odmadmin/odm"
)

// openClinica is OpenClinica's flavour (3.x and 4 ODM exports): one AdminData per study
// and per site study, a site study being a Study whose MetaDataVersion includes its
// parent's; users with names and organization only. OpenClinica:UserRole and
// OpenClinica:Status are read and written back when a producer added them. Its user table
// is another profile (oc4users.go).
type openClinica struct{ plainODM }

func (openClinica) namespace() string { return odm.NSOpenClinica }
func (openClinica) prefix() string    { return "OpenClinica" }
func (openClinica) roleOwner() (Profile, string, string) {
	return ProfileOpenClinica, "OpenClinica", "--to odm --profile openclinica"
}
func (openClinica) ownsNS(space string) bool { return isOpenClinicaNS(space) }

// isOpenClinicaNS reports whether space is one of OpenClinica's extension namespaces.
func isOpenClinicaNS(space string) bool {
	return space == odm.NSOpenClinica || space == odm.NSOpenClinica12
}

func (openClinica) mappedAttr(elem, local string) bool {
	return elem == "User" && (local == "UserRole" || local == "Status" || local == "UserName")
}

func (openClinica) words() []string {
	return []string{odm.NSOpenClinica, odm.NSOpenClinica12, odm.NSOpenClinicaRules, "UserRole", "Status", "UserName"}
}

// readStudy: a site study includes its parent's metadata. CDISC's Include reuses another
// study's metadata; only OpenClinica uses it to mark a site study, so other profiles see
// no site in it.
func (openClinica) readStudy(s *Study, e *odm.Element, ns string) {
	s.Parent = siteStudyParent(e, ns, s.ID, s.Parent)
}

// attrKind: OpenClinica's exporter writes no attributes on User; these are read when a
// producer adds them (the names ClinicalData's UserInfo and UserRef use).
func (openClinica) attrKind(space, local string) attrKind {
	if !isOpenClinicaNS(space) {
		return akOther
	}
	switch local {
	case "UserRole":
		return akLastRole
	case "Status":
		return akStatus
	case "UserName":
		return akUserName
	}
	return akOther
}

func (openClinica) userStatus(b *builder, x vendorAttrs, u *odm.User, id string) (Status, Category) {
	if x.hasStatus {
		st := ocStatus(x.status)
		if st == "" {
			// A status OpenClinica does not have: reported, not passed over as none.
			b.w.addAt(CodeInvalidValue, "User/@OpenClinica:Status", "User "+id, "unknown OpenClinica status; it gives no status", atRecord(&u.Ext))
		}
		return st, ""
	}
	return "", ""
}

func (openClinica) siteStudies() bool { return true }

func (openClinica) writeStudies(w *writer, ns string, emit func(odm.Node)) {
	w.studyElements(ns, emit)
}

func (openClinica) blocks(w *writer, out []blockPlan, have map[string]bool) []blockPlan {
	return w.siteStudyBlocks(out, have)
}

func (openClinica) inBlock(a Assignment, study string) bool { return inSiteStudy(a, study) }

func (openClinica) namesOnly() bool   { return true }
func (openClinica) placeless() string { return "OpenClinica's AdminData has no place for it" }

func (openClinica) fullName(w *writer, u *User, subject string) string {
	return w.ocFullName(u, subject)
}

func (openClinica) writeUser(w *writer, o *odm.User, u *User, f userFields) {
	// The role: an OpenClinica:UserRole the user was read with is kept up to date;
	// otherwise OpenClinica's AdminData has no place for it.
	if _, ok := o.Attr(odm.NSOpenClinica, "UserRole"); ok {
		want := ""
		if f.hasRole {
			want = w.roleName(u, f.role, f.scope)
		}
		setExt(&o.Ext, odm.NSOpenClinica, "UserRole", want)
	} else if f.hasRole {
		w.warn.add(CodeUnrepresentable, "Assignment/Role", f.subject, w.noPlace()+"; roles are left out")
	}
	if u.Status != "" {
		if cur, ok := o.Attr(odm.NSOpenClinica, "Status"); ok {
			if ocStatus(cur) != u.Status {
				setExt(&o.Ext, odm.NSOpenClinica, "Status", string(u.Status))
			}
		} else {
			f.lost("status", w.noPlace())
		}
	}
	if u.Locale != "" {
		f.lost("locale", w.noPlace())
	}
	if u.Category != "" {
		f.lost("category", w.noPlace())
	}
	w.groupsLost(u, f)
}

// writeLocation is never reached through writeBlock (OpenClinica writes sites as site
// studies, see studyElements); as plain ODM for any other caller.
func (openClinica) writeLocation(w *writer, o *odm.Location, s *Site, base *odm.Location, lost func(field, msg string)) {
	w.plainLocation(s, lost)
}

// ocStatus reads an OpenClinica account status: OC4's Created/Invited/Available/
// Deactivated or the 3.x Status.java names.
func ocStatus(s string) Status {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "created":
		return StatusCreated
	case "invited", "pending":
		return StatusInvited
	case "available", "active", "signed", "frozen":
		return StatusAvailable
	case "deactivated", "removed", "auto-removed", "locked", "unavailable", "deleted", "auto-deleted", "inactive":
		return StatusDeactivated
	}
	return ""
}

// studyElements hands to emit, as children of a root in namespace ns, OpenClinica's Study
// elements (each after the white space that indents it, and a line feed after the last):
// the source's when writing back, else one per study and per site study (a site study
// includes its parent's metadata). Each is made as it is emitted, not all first: an
// InForm export of 1,000,000 users has 20,000 sites, whose Study elements held together
// took some 30 MB.
func (w *writer) studyElements(ns string, emit func(odm.Node)) {
	if w.same && w.dir.Source != nil && w.dir.Source.doc != nil {
		n := 0
		var ids, parents []string
		for _, c := range w.dir.Source.doc.Root.Children {
			if e, ok := c.(*odm.Element); ok && e.Is(w.dir.Source.doc.Root.Space, "Study") {
				emit(&odm.Text{Data: "\n  "})
				emit(e)
				n++
				id, _ := e.Attr("", "OID")
				id = strings.TrimSpace(id)
				ids, parents = append(ids, id), append(parents, siteStudyParent(e, w.dir.Source.doc.Root.Space, id, ""))
			}
		}
		if n > 0 {
			w.onlyStudy = onlyStudy(ids, parents)
			emit(&odm.Text{Data: "\n"})
			return
		}
	}
	el := func(local string, kids ...odm.Node) *odm.Element {
		return &odm.Element{Name: odm.Name{Space: ns, Local: local}, Children: kids}
	}
	text := func(local, v string) *odm.Element {
		if v == "" {
			return &odm.Element{Name: odm.Name{Space: ns, Local: local}, Empty: true}
		}
		return el(local, &odm.Text{Data: v})
	}
	type st struct {
		id, name, protocol, parent string
		site                       bool // a site's site study (or a study of its own)
	}
	var list []st
	seen := map[string]bool{}
	for _, s := range w.dir.Studies {
		if s.ID != "" && !seen[s.ID] {
			seen[s.ID] = true
			list = append(list, st{s.ID, s.Name, s.Protocol, s.Parent, s.Parent != ""})
		}
	}
	// The site studies of the assignments: a site's own (its OID, of its home study) and,
	// for a site used in other studies too, one made up for each of those (siteStudyPlan).
	plan := w.siteStudyPlan()
	for _, k := range plan.pairs {
		if k.study != "" && !seen[k.study] {
			seen[k.study] = true
			list = append(list, st{id: k.study})
		}
		if k.site == "" {
			continue
		}
		id := plan.oid(k.study, k.site)
		if seen[id] {
			continue
		}
		seen[id] = true
		site := plan.sites[k.site]
		if id != k.site {
			// Another study's site study of a shared site: its own name and number there.
			s := st{id: id, parent: k.study, site: true}
			if site != nil {
				in := site.InStudy(k.study)
				s.name, s.protocol = in.Name, studyNumber(in, k.study)
			}
			w.warn.add(CodeGenerated, "Study/@OID", "Location "+k.site, "the site is used in several studies, and an OpenClinica site study is a site of one: it is written as a site study of each, that of each study but its own under an OID made up of the site's and the study's (which reads back as another site)")
			list = append(list, s)
			continue
		}
		s := st{id: id, parent: plan.home[k.site], site: true}
		if site != nil {
			s.name, s.protocol = site.Name, site.Number
		}
		if s.parent == "" {
			w.warn.add(CodeUnrepresentable, "Location", "Location "+k.site, "OpenClinica writes a site as a site study of its study, and the site names no study: it is written as a study of its own, which reads back as a study, not a site")
		}
		list = append(list, s)
	}
	// The sites no user is assigned to: a site study each too (OpenClinica lists a site
	// whether or not it has users), of the study the site names; one that names none has
	// no parent to be a site of, and is left out.
	for _, site := range w.dir.Sites {
		w.scans++
		if site.ID == "" || seen[site.ID] {
			continue
		}
		parent := siteParent(site)
		if parent == "" {
			w.warn.add(CodeUnrepresentable, "Location", "Location "+site.ID, "OpenClinica writes a site as a site study of its study, and the site names no study and has no users: it is left out")
			if w.siteStudyless == nil {
				w.siteStudyless = map[string]bool{}
			}
			w.siteStudyless[site.ID] = true
			continue
		}
		seen[site.ID] = true
		if !seen[parent] {
			seen[parent] = true
			list = append(list, st{id: parent})
		}
		list = append(list, st{id: site.ID, name: site.Name, protocol: site.Number, parent: parent, site: true})
	}
	// A site study includes its parent's MetaDataVersion "v1", so the parent defines one:
	// otherwise the Include would name nothing.
	parents := map[string]bool{}
	for _, s := range list {
		if s.parent != "" {
			parents[s.parent] = true
		}
	}
	for _, s := range list {
		delete(parents, s.id)
	}
	for _, s := range w.dir.Studies { // a parent named only by a site study: list it too
		if parents[s.Parent] {
			delete(parents, s.Parent)
			list = append(list, st{id: s.Parent})
		}
	}
	ids, of := make([]string, len(list)), make([]string, len(list))
	for i, s := range list {
		ids[i], of[i] = s.id, s.parent
	}
	w.onlyStudy = onlyStudy(ids, of)
	isParent := map[string]bool{}
	for _, s := range list {
		if s.parent != "" {
			isParent[s.parent] = true
		}
	}
	for _, s := range list {
		// ODM requires a StudyName and a ProtocolName: the OID stands in for one the study
		// or site does not have, and is read back as its name or (a site's) number.
		name := s.name
		if name == "" {
			name = s.id
			if s.site {
				w.warn.add(CodeGenerated, "Study/GlobalVariables/StudyName", "Study "+s.id, "ODM requires a StudyName and the site has no name: the site study's OID is written, which reads back as the site's name")
			} else {
				w.warn.add(CodeGenerated, "Study/GlobalVariables/StudyName", "Study "+s.id, "ODM requires a StudyName and the study has no name: its OID is written")
			}
		}
		proto := s.protocol
		if proto == "" {
			proto = s.id
			if s.site {
				w.warn.add(CodeGenerated, "Study/GlobalVariables/ProtocolName", "Study "+s.id, "ODM requires a ProtocolName and the site has no number: the site study's OID is written, which reads back as the site's number")
			} else {
				w.warn.add(CodeGenerated, "Study/GlobalVariables/ProtocolName", "Study "+s.id, "ODM requires a ProtocolName and the study has no protocol name: its OID is written")
			}
		}
		gv := el("GlobalVariables", text("StudyName", name), text("StudyDescription", ""), text("ProtocolName", proto))
		study := el("Study", gv)
		study.SetAttr("", "", "OID", s.id)
		if isParent[s.id] && s.parent == "" {
			mdv := &odm.Element{Name: odm.Name{Space: ns, Local: "MetaDataVersion"}, Empty: true}
			mdv.SetAttr("", "", "OID", "v1")
			mdv.SetAttr("", "", "Name", "v1")
			study.Children = append(study.Children, mdv)
		}
		if s.parent != "" {
			inc := &odm.Element{Name: odm.Name{Space: ns, Local: "Include"}, Empty: true}
			inc.SetAttr("", "", "StudyOID", s.parent)
			inc.SetAttr("", "", "MetaDataVersionOID", "v1")
			mdv := el("MetaDataVersion", inc)
			mdv.SetAttr("", "", "OID", "v1")
			mdv.SetAttr("", "", "Name", "v1")
			study.Children = append(study.Children, mdv)
			w.warn.add(CodeGenerated, "Study/MetaDataVersion", "Study "+s.id, "OpenClinica marks a site study by including its parent's metadata; a MetaDataVersion \"v1\" is named for it")
		}
		emit(&odm.Text{Data: "\n  "})
		emit(study)
	}
	if len(list) > 0 {
		emit(&odm.Text{Data: "\n"})
	}
}

// onlyStudy returns the study a reader takes an AdminData without a StudyOID to be about,
// in a document of the Study elements ids (parents[i] the parent of ids[i], "" for none):
// the only one, else the only one that is no site study, else none (see builder.prepare).
func onlyStudy(ids, parents []string) string {
	if len(ids) == 1 {
		return ids[0]
	}
	only, n := "", 0
	for i, p := range parents {
		if p == "" {
			only = ids[i]
			n++
		}
	}
	if n != 1 {
		return ""
	}
	return only
}

// siteParent returns the study OpenClinica writes site s as a site study of: its own
// (read from a site study), else that of its latest study version, else the first study
// it was read in; "" when it names none.
func siteParent(s *Site) string {
	if s.Study != "" {
		return s.Study
	}
	if v := latest(s.Versions); v != nil && v.Study != "" {
		return v.Study
	}
	if s.Source != nil {
		for _, st := range s.Source.Studies {
			if st != "" {
				return st
			}
		}
	}
	return ""
}

// siteStudyParent returns the parent of the Study element e (OID oid) if it is a site
// study, one whose MetaDataVersion includes another study's (<Include StudyOID="parent">),
// else parent.
func siteStudyParent(e *odm.Element, ns, oid, parent string) string {
	for _, mdv := range e.Elements(ns, "MetaDataVersion") {
		for _, inc := range mdv.Elements(ns, "Include") {
			if p, _ := inc.Attr("", "StudyOID"); strings.TrimSpace(p) != "" && strings.TrimSpace(p) != oid {
				parent = strings.TrimSpace(p)
			}
		}
	}
	return parent
}

// siteStudyBlocks adds to out (the source's blocks, whose studies are in have) one
// AdminData per study and per site study the directory names: OpenClinica writes a
// user's site membership as the user's presence in the site study's AdminData.
func (w *writer) siteStudyBlocks(out []blockPlan, have map[string]bool) []blockPlan {
	var want []string
	add := func(s string) {
		if s != "" && !have[s] {
			have[s] = true
			want = append(want, s)
		}
	}
	for _, s := range w.dir.Studies {
		add(s.ID)
	}
	plan := w.siteStudyPlan()
	for _, k := range plan.pairs {
		add(k.study)
		if k.site != "" {
			add(plan.oid(k.study, k.site))
		}
	}
	for _, s := range want {
		out = append(out, blockPlan{study: s, src: -1})
	}
	if len(out) == 0 || plan.studyless && !have[""] {
		// Access that names neither a study nor a site goes into an AdminData without a
		// StudyOID (inSiteStudy), as it was read: in a study's, it read back as access
		// to that study, and with no study it was in no block, the user left out without
		// a word (a Clinical One template's Sites All row without --study).
		have[""] = true
		out = append(out, blockPlan{src: -1})
	}
	return out
}

// siteStudyMap is what OpenClinica's writer plans of the site studies of the assignments
// (siteStudyPlan). OpenClinica writes a site as a site study of one parent study, whose
// OID is the site's: a site used in several studies (one Location of two studies, one
// Rave site in two environments) was written as a site study of the first alone, and its
// users of the other studies read back with access in that one instead, some in a study
// they never had. The site study of its home study keeps the site's OID; each other
// study gets a site study of its own, with an OID made up for it.
type siteStudyMap struct {
	pairs []assignedPair          // each (study, site) of the assignments once, in order
	home  map[string]string       // the study of each site's own site study ("": none)
	made  map[assignedPair]string // the made-up OID of the site study of a pair not of its site's home
	sites map[string]*Site        // the directory's sites by ID (the last of an ID)
	// studyless says that some assignment names neither a study nor a site.
	studyless bool
}

// oid returns the OID of the site study of site in study.
func (p *siteStudyMap) oid(study, site string) string {
	if id, ok := p.made[assignedPair{study, site}]; ok {
		return id
	}
	return site
}

// siteStudyPlan returns the writer's siteStudyMap, made on first use from the assignments
// and the sites, each looked at once. A site's home is the study of its own site study
// (read from one), else the first study it is assigned in, else the study it names
// (siteParent).
func (w *writer) siteStudyPlan() *siteStudyMap {
	if w.siteStudyMap != nil {
		return w.siteStudyMap
	}
	p := &siteStudyMap{home: map[string]string{}}
	w.siteStudyMap = p
	seen := map[assignedPair]bool{}
	for a := range w.assignments {
		k := assignedPair{a.Study, a.Site}
		if k.study == "" && k.site == "" {
			p.studyless = true
			continue
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		p.pairs = append(p.pairs, k)
	}
	if len(p.pairs) == 0 {
		return p
	}
	p.sites = make(map[string]*Site, len(w.dir.Sites))
	for _, site := range w.dir.Sites {
		w.scans++
		p.sites[site.ID] = site
	}
	for _, k := range p.pairs {
		if k.site == "" {
			continue
		}
		h, ok := p.home[k.site]
		switch {
		case !ok:
			if s := p.sites[k.site]; s != nil && s.Study != "" {
				h = s.Study
			} else {
				h = k.study
			}
		case h == "":
			h = k.study // the first pair of the site named no study
		}
		p.home[k.site] = h
	}
	for site, h := range p.home {
		if h == "" {
			if s := p.sites[site]; s != nil {
				p.home[site] = siteParent(s)
			}
		}
	}
	var taken map[string]bool
	for _, k := range p.pairs {
		if k.site == "" || k.study == "" || k.study == p.home[k.site] {
			continue
		}
		if taken == nil {
			taken = map[string]bool{}
			for _, s := range w.dir.Studies {
				taken[s.ID] = true
			}
			for id := range p.sites {
				taken[id] = true
			}
			for _, q := range p.pairs {
				taken[q.study], taken[q.site] = true, true
			}
		}
		base := k.site + "." + k.study
		id := base
		for n := 2; taken[id]; n++ {
			id = base + "." + strconv.Itoa(n)
		}
		taken[id] = true
		if p.made == nil {
			p.made = map[assignedPair]string{}
		}
		p.made[k] = id
	}
	return p
}

// studylessRead reports how user o (ID id), written into OpenClinica's AdminData without a
// StudyOID for its access that names no study, reads back: a reader takes that AdminData
// for the document's only study's, if it has one (or one that is no site study), else for
// no study's, and a user of no study with no role (OpenClinica's AdminData has none, but
// an OpenClinica:UserRole kept from the user's record) has no access.
func (w *writer) studylessRead(o *odm.User, id string) {
	switch _, role := o.Attr(odm.NSOpenClinica, "UserRole"); {
	case w.onlyStudy != "":
		w.warn.addUser(CodeApproximated, "Assignment/study", id,
			"the access names no study, and OpenClinica writes access as a study's AdminData: it is written into one without a StudyOID, which reads back as the document's only study's")
	case !role:
		w.warn.addUser(CodeUnrepresentable, "Assignment/study", id,
			"the access names no study, and OpenClinica writes access as a study's AdminData: the user is written into one without a StudyOID, which reads back as a user with no access (give the study, e.g. map --study)")
	}
}

// studyNumber returns the number of site s in study: that of the latest of its versions
// of the study that carries one (Rave's per-version site number), else its own.
func studyNumber(s *Site, study string) string {
	var vs []StudyVersion
	for _, v := range s.Versions {
		if v.Study == study && v.Number != "" {
			vs = append(vs, v)
		}
	}
	if v := latest(vs); v != nil {
		return v.Number
	}
	return s.Number
}

// inSiteStudy reports whether assignment a belongs in OpenClinica's AdminData of study,
// which is a study or a site study, where each site study has its site's OID; the
// writer's inBlock puts an access at a site used in several studies into the site study
// made up for it in the assignment's study (siteStudyPlan).
func inSiteStudy(a Assignment, study string) bool {
	if a.Site != "" {
		return a.Site == study
	}
	return a.Study == study
}

// siteStudiesApproximated reports the sites of other vendors, which OpenClinica writes as
// site studies (those studyElements left out are reported there).
//
// A site study holds a site's name and number only: each other detail of the site is
// reported on its own (as a user's are), its vendor extensions as extension-dropped, by
// name, each with a count, not folded into "other site details".
func (w *writer) siteStudiesApproximated() {
	for _, s := range w.dir.Sites {
		if s.Source != nil && s.Source.Vendor == ProfileOpenClinica || w.siteStudyless[s.ID] {
			continue
		}
		subject := "Location " + s.ID
		w.warn.add(CodeApproximated, "Location", subject, "OpenClinica writes sites as site studies (name and number only), not Locations")
		lost := func(field, msg string) { w.warn.add(CodeUnrepresentable, "Location/"+field, subject, msg) }
		if len(s.Versions) > 0 {
			lost("MetaDataVersionRef", "a site study includes its parent's metadata; the site's study versions are left out")
		}
		if s.Type != "" && odm.LocationType(s.Type) != odm.LocationSite {
			lost("@LocationType", "a site study has no location type")
		}
		if !s.Active {
			lost("active", "a site study has no active flag")
		}
		if s.Organization != "" {
			lost("@OrganizationOID", "a site study has no organization")
		}
		if s.Description != "" {
			lost("Description", "a site study has no site description")
		}
		if len(s.Addresses) > 0 {
			lost("Address", "a site study has no address")
		}
		if len(s.Telecoms) > 0 {
			lost("Telecom", "a site study has no contacts")
		}
		w.placeLost(s, subject)
		if s.Source == nil {
			continue
		}
		var owner flavour
		space := ""
		for _, a := range s.Source.Attrs {
			if a.Space != space || owner == nil {
				owner, space = nsFlavour(a.Space), a.Space
			}
			if owner != nil && owner.mappedAttr("Location", a.Name) {
				continue // a model field, reported above if the site has it
			}
			field := w.label("Location", a.Space, a.Name, func() string { return "Location/@" + attrLabel(a.Space, a.Name) })
			w.warn.add(CodeExtensionDropped, field, subject, "a site study has no place for the Location's vendor extensions; it is left out")
		}
		for _, x := range s.Source.Elements {
			e, err := parseElementXML(x)
			if err != nil {
				w.warn.add(CodeInvalidValue, "Location/extension", subject, "a recorded vendor element is not well-formed XML and is left out")
				continue
			}
			w.warn.add(CodeExtensionDropped, "Location/"+attrLabel(e.Space, e.Local), subject, "a site study has no place for the Location's vendor extensions; it is left out")
		}
	}
}

// ocFullName builds the FullName of a user from another vendor that has none (a Clinical
// One template): OpenClinica writes FullName as first name and last name. Writing back an
// OpenClinica export keeps what it had.
func (w *writer) ocFullName(u *User, subject string) string {
	full := strings.TrimSpace(strings.TrimSpace(u.GivenName) + " " + strings.TrimSpace(u.FamilyName))
	if full != "" {
		w.warn.add(CodeGenerated, "User/FullName", subject, "OpenClinica writes FullName as first and last name; it is built from them")
	}
	return full
}

// ocScoped holds OpenClinica names whose role depends on the scope: OpenClinica stores one
// role id with a study-level and a site-level display name (OpenClinica's documentation of study and site roles).
// "Investigator" (internal name of role 4) and its stored value "Data Specialist" mean Data
// Specialist at study level and Investigator at site level; "ra" means Data Entry Person at
// study level and Clinical Research Coordinator at site level.
var ocScoped = map[string][2]Canonical{ // [study, site]
	"investigator":   {RoleDataSpecialist, RoleInvestigator},
	"dataspecialist": {RoleDataSpecialist, RoleInvestigator},
	"ra":             {RoleDataEntry, RoleCRC},
}

func (openClinica) scopedRole(key string, s Scope) (Canonical, bool) {
	c, ok := ocScoped[key]
	if s == ScopeSite {
		return c[1], ok
	}
	return c[0], ok
}

// openClinicaRoles are OpenClinica 4's display names, [study, site] ("OpenClinica 4: Using
// OpenClinica as an Administrator": "Study Monitor" and "Site Monitor"). A site-level name
// is one the OpenClinica 4 user table reads back at site level as the same role (oc4Scope
// and roleNames: OpenClinica's "site_" role names), so that a table written from another
// vendor reads back as written; a System Administrator has no site form (the table
// writer reports it).
var openClinicaRoles = map[Canonical][2]string{
	RoleSystemAdmin:    {"System Administrator", "System Administrator"},
	RoleDataManager:    {"Data Manager", "Site Data Manager"},
	RoleStudyDirector:  {"Study Director", "Site Study Director"},
	RoleDataSpecialist: {"Data Specialist", "Investigator"},
	RoleInvestigator:   {"Data Specialist", "Investigator"},
	RoleCRC:            {"Data Entry Person", "Clinical Research Coordinator"},
	RoleDataEntry:      {"Data Entry Person", "Site Data Entry Person 2"},
	RoleMonitor:        {"Study Monitor", "Site Monitor"},
	RoleViewer:         {"Viewer", "Site Viewer"},
	RoleParticipant:    {"Data Entry Participant", "Site Data Entry Participant"},
}

func (openClinica) roleName(c Canonical, s Scope) (string, bool) {
	n := openClinicaRoles[c]
	if s == ScopeSite {
		return n[1], true
	}
	return n[0], true
}

// StudyElements reads the Study elements of an ODM document, the root's children that an
// odm.Reader skips, for Options.Studies: OpenClinica marks a site study by a Study whose
// MetaDataVersion includes its parent's, and the stream readers (FromReader, WriteJSON,
// ...) need them to read a user of a site study's AdminData as a user of that site. Each
// element holds what the readers take from a Study (its OID, GlobalVariables' StudyName
// and ProtocolName, each MetaDataVersion's Includes), not its metadata.
//
// open returns the document from its start. ODM puts every Study before AdminData, so the
// document is scanned as XML up to its first AdminData only, and the rest is searched for
// another Study start tag (a few bytes compared per match of "Study", far cheaper than
// tokenizing); when one may be there (out of ODM's order, or the word in a comment), open
// is called again and the whole document is scanned. An input the scan refuses is an
// error at its line and column; ro gives the name and limits.
func StudyElements(open func() (io.Reader, error), ro odm.ReadOptions) ([]*odm.Element, error) {
	r, err := open()
	if err != nil {
		return nil, err
	}
	list, late, err := scanStudies(r, ro, studiesFirst)
	if err == nil && late {
		if r, err = open(); err != nil {
			return nil, err
		}
		list, _, err = scanStudies(r, ro, studiesAll)
	}
	if err != nil {
		// The input is refused: in odm's words where its reader refuses it too, as the
		// stream would have.
		if r, oerr := open(); oerr == nil {
			if _, oerr := odm.Check(r, ro); oerr != nil {
				return nil, oerr
			}
		}
		return nil, err
	}
	return list, nil
}

// LeadingStudyElements reads what StudyElements reads of the Study elements that stand
// before the document's first AdminData, where ODM puts them, and stops there: it reads
// no more of r than that (and what one buffer holds past it). It is for the flavours
// other than OpenClinica, which take only the studies' names and protocol names from
// them (the stream readers leave the names empty without them): reading the rest of a
// large export for a Study out of ODM's order, as StudyElements does, cost map some 20%
// more CPU on an InForm export of a million users. A Study after an AdminData is not
// read; validate's checks report that order (elementOrder), and [LateStudies] says how
// many there were (as the stream's odm.Reader counts them), so that a caller can say
// their names were not used.
func LeadingStudyElements(r io.Reader, ro odm.ReadOptions) ([]*odm.Element, error) {
	list, _, err := scanStudies(r, ro, studiesLeading)
	return list, err
}

// LateStudies counts the Study elements of an ODM input that stand after its first
// AdminData, out of ODM's order, which LeadingStudyElements does not read: give it the
// count of the odm.Reader the input was streamed with once it has read to the end (Add of
// Reader.LateStudies), then Warnings says how many there were. Reading those elements
// would take a second reading of a file that may be a gigabyte (20% more CPU on a large
// InForm export); the names of such a study are so not read, and said to be. The Reader
// counts the elements it skips anyway (a Study of the document's namespace, a child of its
// root, in any encoding), where watching the input's bytes for the tag cost some 2.5% of
// map --to json's CPU on such an export. A nil LateStudies, a caller's that did not read
// the leading ones, counts nothing.
type LateStudies struct {
	n int
}

// NewLateStudies returns a counter for an input whose leading Study elements were read
// (LeadingStudyElements).
func NewLateStudies() *LateStudies { return &LateStudies{} }

// Add counts n more Study elements after the first AdminData, as the odm.Reader the input
// was streamed with counted them (Reader.LateStudies).
func (l *LateStudies) Add(n int) {
	if l != nil {
		l.n += n
	}
}

// Warnings returns the warning of the Study elements after the first AdminData, if the
// input read so far had any (CodeQuirk, field Study, Count how many; File name).
func (l *LateStudies) Warnings(name string) []Warning {
	if l == nil {
		return nil
	}
	n := l.n
	if n == 0 {
		return nil
	}
	what := "1 Study element stands"
	if n > 1 {
		what = strconv.Itoa(n) + " Study elements stand"
	}
	return []Warning{{Code: CodeQuirk, Field: "Study", Count: n, File: name,
		Message: what + " after AdminData, out of ODM's order (odmadmin check reports it); only the Study elements before the first AdminData are read, so their StudyName and ProtocolName are not used: put them before AdminData"}}
}

// How far scanStudies reads.
const (
	studiesAll     = iota // the whole document
	studiesFirst          // up to the first AdminData, then watches the rest for a Study start tag
	studiesLeading        // up to the first AdminData only
)

// scanStudies reads the Study elements of the document r holds; with studiesFirst, up to
// the first AdminData only, late then saying whether a Study start tag may follow.
func scanStudies(r io.Reader, ro odm.ReadOptions, mode int) (list []*odm.Element, late bool, err error) {
	first := mode == studiesFirst
	if r == nil {
		return nil, false, nilODMReader()
	}
	u, err := xmlenc.UTF8(r)
	if err != nil {
		return nil, false, studyScanError(ro, err)
	}
	lim := func(n, def int) int {
		switch {
		case n == 0:
			return def
		case n < 0:
			return 0
		}
		return n
	}
	watch := &studyWatch{last: -1}
	in := u
	if first {
		in = io.TeeReader(u, watch)
	}
	sc := xmlscan.New(in, xmlscan.Options{
		MaxDepth:      lim(ro.MaxDepth, odm.DefaultMaxDepth),
		MaxTokenBytes: lim(ro.MaxTokenBytes, odm.DefaultMaxTokenBytes),
		MaxAttrs:      lim(ro.MaxAttrs, odm.DefaultMaxAttrs),
		MaxInputBytes: max(ro.MaxInputBytes, 0),
	})
	var (
		ns    string
		path  [5]*odm.Element // the open elements kept, by depth (path[2]: the Study)
		depth int
	)
	el := func(n *xmlscan.Name) *odm.Element {
		return &odm.Element{Name: odm.Name{Space: n.Space, Local: string(n.Local)}}
	}
	for {
		kind, err := sc.Next()
		if err == io.EOF {
			return list, false, nil
		}
		if err != nil {
			return nil, false, studyScanError(ro, err)
		}
		switch kind {
		case xmlscan.EndElement:
			if depth < len(path) {
				path[depth] = nil
			}
			depth--
		case xmlscan.Text, xmlscan.CDATA:
			// The text of StudyName and ProtocolName (depth 4), as odm's Element.Text joins it.
			if depth == 4 && path[4] != nil {
				path[4].Children = append(path[4].Children, &odm.Text{Data: string(sc.Data()), CDATA: kind == xmlscan.CDATA})
			}
		case xmlscan.StartElement:
			depth++
			n := sc.Name()
			if depth == 1 {
				ns = n.Space
				continue
			}
			if depth >= len(path) || n.Space != ns || path[depth-1] == nil && depth > 2 {
				continue
			}
			local := string(n.Local)
			var e *odm.Element
			switch {
			case depth == 2 && local == "AdminData" && mode == studiesLeading:
				return list, false, nil
			case depth == 2 && local == "AdminData" && first:
				// The rest is only watched: the Study start tags still to come.
				off := sc.InputOffset()
				// Read in large pieces (io.Discard's are 8 KB), each searched once.
				buf := make([]byte, 64<<10)
				for {
					_, err := in.Read(buf)
					if err == io.EOF {
						break
					}
					if err != nil {
						return nil, false, studyScanError(ro, err)
					}
				}
				return list, watch.last >= off, nil
			case depth == 2 && local == "Study":
				e = el(n)
				e.Attrs = studyAttrs(sc.Attrs(), "OID")
				list = append(list, e)
			case depth == 3 && (local == "GlobalVariables" || local == "MetaDataVersion"):
				e = el(n)
			case depth == 4 && path[3].Local == "GlobalVariables" && (local == "StudyName" || local == "ProtocolName"):
				e = el(n)
			case depth == 4 && path[3].Local == "MetaDataVersion" && local == "Include":
				e = el(n)
				e.Attrs = studyAttrs(sc.Attrs(), "StudyOID")
			}
			if e != nil && depth > 2 {
				path[depth-1].Children = append(path[depth-1].Children, e)
			}
			path[depth] = e
		}
	}
}

// studyAttrs returns the attribute local in no namespace, if the tag has it.
func studyAttrs(as []xmlscan.Attr, local string) []odm.Attr {
	for i := range as {
		if as[i].Space == "" && string(as[i].Local) == local {
			return []odm.Attr{{Name: odm.Name{Local: local}, Value: string(as[i].Value)}}
		}
	}
	return nil
}

// studyScanError places an error of the Study scan in the input, as odm places its own.
func studyScanError(ro odm.ReadOptions, err error) error {
	var se *xmlscan.Error
	if errors.As(err, &se) {
		return &odm.Error{File: ro.Name, Line: se.Line, Col: se.Col, Err: odm.ErrSyntax, Msg: se.Err.Error() + ": " + se.Msg}
	}
	return fmt.Errorf("%s: %w", ro.Name, err)
}

// studyWatch watches bytes for a Study start tag (<Study or <prefix:Study followed by white
// space, ">" or "/") and keeps the input offset of the last one's "<". A comment or a
// CDATA section that spells one counts too: the caller then scans the document, the safe
// side.
type studyWatch struct {
	tail []byte
	off  int64 // input offset of tail[0]
	last int64
}

func (w *studyWatch) Write(p []byte) (int, error) {
	// p is searched where it is; only a tag across the end of the bytes before (the tail
	// kept) and the start of p is searched in a copy of the two: copying every write
	// into one buffer doubled the bytes moved.
	if len(w.tail) > 0 {
		if i := lastStudyTag(append(w.tail, p[:min(len(p), studySeam)]...)); i >= 0 {
			w.note(w.off + int64(i))
		}
	}
	base := w.off + int64(len(w.tail)) // the input offset of p[0]
	if i := lastStudyTag(p); i >= 0 {
		w.note(base + int64(i))
	}
	// The tail: the last studySeam bytes of the input so far.
	if len(p) >= studySeam {
		w.tail = append(w.tail[:0], p[len(p)-studySeam:]...)
		w.off = base + int64(len(p)-studySeam)
	} else {
		w.tail = append(w.tail, p...)
		if cut := len(w.tail) - studySeam; cut > 0 {
			w.tail = append(w.tail[:0], w.tail[cut:]...)
			w.off += int64(cut)
		}
	}
	return len(p), nil
}

// note keeps at, the offset of a tag's "<", if it is the last so far.
func (w *studyWatch) note(at int64) {
	if at > w.last {
		w.last = at
	}
}

// studySeam is how much of the bytes before a write studyWatch searches again with it, and
// of the write, for a tag across the two: a Study start tag with a namespace prefix of up
// to some hundred bytes.
const studySeam = 128

// lastStudyTag returns the index of the "<" of the last Study start tag in b, or -1. It
// searches forward (bytes.Index compares many bytes at a time; bytes.LastIndex hashes
// every byte, which cost some 3% of map on a large OpenClinica export), and walks back
// from a match over at most maxPrefix bytes of a prefix: a longer run counts as a tag, the
// safe side (the caller then scans the whole document), and keeps the search linear.
func lastStudyTag(b []byte) int {
	last := -1
	studyTags(b, func(i int) { last = i })
	return last
}

// studyTags calls fn with the index of the "<" of each Study start tag in b, in order
// (see lastStudyTag).
func studyTags(b []byte, fn func(i int)) {
	const local = "Study"
	const maxPrefix = 256
	for from := 0; ; {
		i := bytes.Index(b[from:], []byte(local))
		if i < 0 {
			return
		}
		i += from
		from = i + len(local)
		if i == 0 || from >= len(b) || !studyTagEnd(b[from]) {
			continue
		}
		j := i - 1
		if b[j] == ':' {
			k := j
			for k > 0 && b[k-1] != '<' && b[k-1] > ' ' && b[k-1] != '>' && j-k < maxPrefix {
				k--
			}
			if j-k >= maxPrefix {
				fn(k)
				continue
			}
			j = k - 1
			if j < 0 {
				continue
			}
		}
		if b[j] == '<' {
			fn(j)
		}
	}
}

func studyTagEnd(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>' || c == '/'
}

// studyList gives the builder the Study elements a stream skips (Options.Studies), as
// FromDocument reads them from the document.
func (b *builder) studyList(root *odm.Element, list []*odm.Element) {
	if len(list) == 0 || root == nil {
		return
	}
	r := &odm.Element{Name: root.Name, Children: make([]odm.Node, len(list))}
	for i, e := range list {
		r.Children[i] = e
	}
	b.studyElements(r)
}
