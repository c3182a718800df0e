package mapping

import (
	"slices"
	"strconv"
	"strings"

	"github.com/odmadmin/odmadmin/odm"
)

// inForm is Oracle InForm's flavour (namespace pf:): pf:StudyLocale, pf:Active and
// pf:Terminated, pf:InFormUserType and pf:GroupRef on users (the rights group is the
// role), pf:GroupDef in AdminData, pf:SiteCountry, pf:SiteTimezone, pf:Locale and
// pf:Mnemonic (the site number) on Locations, and the automatic "Unknown" Location. Its
// pf:GroupDef elements are read by every profile (plain ODM files carry them): see
// isGroupDef.
type inForm struct{ plainODM }

// loginFromOID: InForm's AdminData User mapping maps both the User OID and LoginName to
// the user name, so a User without LoginName logs in with its OID.
func (inForm) loginFromOID() bool { return true }

func (inForm) namespace() string { return odm.NSInForm }
func (inForm) prefix() string    { return "pf" }
func (inForm) roleOwner() (Profile, string, string) {
	return ProfileInForm, "InForm", "--to odm --profile inform"
}
func (inForm) ownsNS(space string) bool { return space == odm.NSInForm }

func (inForm) mappedAttr(elem, local string) bool {
	switch elem {
	case "User":
		return local == "StudyLocale" || local == "Active" || local == "Terminated" || local == "InFormUserType"
	case "Location":
		return local == "SiteCountry" || local == "SiteTimezone" || local == "Locale"
	}
	return false
}

func (inForm) words() []string {
	return []string{odm.NSInForm, "DBUID", "GUID", "Revision", "StudyLocale", "Active", "Terminated",
		"InFormUserType", "MappingVersion", "SiteCountry", "SiteTimezone", "Locale", "GroupOID"}
}

func (inForm) attrKind(space, local string) attrKind {
	if space != odm.NSInForm {
		return akOther
	}
	switch local {
	case "StudyLocale":
		return akLocale
	case "Terminated":
		return akTerminated
	case "Active":
		return akActive
	case "InFormUserType":
		return akCategory
	}
	return akOther
}

// userStatus: pf:Active and pf:Terminated give the status, pf:InFormUserType the category.
func (inForm) userStatus(b *builder, x vendorAttrs, u *odm.User, id string) (Status, Category) {
	// Each flag is read once (yes), for the status and its check: twice each was some
	// 0.4% of map --to json.
	var term, termOK, active, activeOK bool
	if x.hasTerm {
		term, termOK = yes(x.term)
	}
	if x.hasActive {
		active, activeOK = yes(x.active)
	}
	status := informStatusRead(term, termOK, active, activeOK)
	// pf:Active and pf:Terminated say yes or no ("whether the user state is active",
	// "terminated"); another value says neither, so it is reported rather than read as
	// one of them or passed over without a word.
	if x.hasActive && !activeOK {
		b.w.addAt(CodeInvalidValue, "User/@pf:Active", "User "+id, "pf:Active is neither Yes nor No; it gives no status", atRecord(&u.Ext))
	}
	if x.hasTerm && !termOK {
		b.w.addAt(CodeInvalidValue, "User/@pf:Terminated", "User "+id, "pf:Terminated is neither Yes nor No; it is not read as terminated", atRecord(&u.Ext))
	}
	var category Category
	if x.hasCategory {
		// InForm's list is System, Site, Sponsor, Support and Integration (its AdminData
		// User mapping); the model's Participant category is not one of them.
		if c, ok := parseCategory(x.category); ok && c != CategoryParticipant {
			category = c
		} else {
			b.w.addAt(CodeInvalidValue, "User/@pf:InFormUserType", "User "+id, "unknown InForm user type; category left empty", atRecord(&u.Ext))
		}
	}
	return status, category
}

// seenNames holds, for each name a flavour compares with a constant for every user, the
// decoder's string last found equal to it (see sameName).
type seenNames struct {
	nsInForm, groupRef, groupOID string
}

// userGroups: each pf:GroupRef is a group known by ID (resolved against pf:GroupDef when
// the directory is finished); the user's other elements are recorded.
func (inForm) userGroups(b *builder, u *odm.User, _ vendorAttrs) []string {
	// One pass over the elements, which tells each GroupRef once (the namespace is a long
	// string: comparing it three times per element was some 0.6% of map --to json).
	var elements []string
	var buf [8]*odm.Element
	refs := buf[:0]
	nm := &b.names
	for _, nd := range u.Nodes {
		if e, ok := nd.(*odm.Element); ok {
			if sameName(e.Local, "GroupRef", &nm.groupRef) && sameName(e.Space, odm.NSInForm, &nm.nsInForm) {
				refs = append(refs, e)
			} else {
				elements = append(elements, elementXML(e))
			}
		}
	}
	b.rec.uvarint(uint64(len(refs)))
	for k, e := range refs {
		gid := ""
		for i := range e.Attrs {
			if a := &e.Attrs[i]; a.Space == "" && sameName(a.Local, "GroupOID", &nm.groupOID) {
				gid = a.Value
				break
			}
		}
		b.groupByID(k, trimSpace(gid))
	}
	return elements
}

// accessRole: the role is the user's rights group.
func (inForm) accessRole(b *builder, w *warner, pd pending, blockStudy string) string {
	return b.rightsRole(w, pd, blockStudy)
}

// leave: pf:Terminated="Yes" ends an account for good, which the model's Deactivated does
// not say; a target without a terminated state writes it as merely not active.
func (inForm) leave(w *writer, u *User, subject string) {
	if isTerminated(u) {
		w.warn.add(CodeApproximated, "User/status", subject,
			"the account is terminated (InForm pf:Terminated=\"Yes\"); the target has no terminated state, so it is written as deactivated")
	}
}

func (inForm) definesGroups() bool { return true }

// noUserOrganization: Organization is "N/A" in InForm's AdminData User mapping.
func (inForm) noUserOrganization() string { return "InForm maps no organization to its users" }

func (inForm) writeGroup(w *writer, g *Group, base *odm.Element) *odm.Element {
	return w.groupDef(g, base)
}

func (inForm) readLocation(_ *builder, s *Site, l *odm.Location) {
	if v, ok := l.Attr(odm.NSInForm, "SiteCountry"); ok {
		s.Country = v
	}
	s.TimeZone, _ = l.Attr(odm.NSInForm, "SiteTimezone")
	s.Locale, _ = l.Attr(odm.NSInForm, "Locale")
	for _, m := range l.Elements(odm.NSInForm, "Mnemonic") {
		s.Number, _ = mnemonicText(m)
	}
}

// mnemonicText returns the site number a pf:Mnemonic holds: the text of its (last)
// TranslatedText tt, else its own. TranslatedText is ODM's, in the document's namespace:
// ODM 1.3's, 1.2's, or none where the root is in none (read as ODM 1.3 all the same), so
// any of them is taken.
func mnemonicText(m *odm.Element) (number string, tt *odm.Element) {
	for _, c := range m.Children {
		if t, ok := c.(*odm.Element); ok && t.Local == "TranslatedText" && isODMSpace(t.Space) {
			number, tt = strings.TrimSpace(t.Text()), t
		}
	}
	if number == "" {
		number = strings.TrimSpace(m.Text())
	}
	return number, tt
}

// isODMSpace reports whether space is an ODM namespace, or none (a root in no namespace).
func isODMSpace(space string) bool {
	return space == "" || space == odm.NS13 || space == odm.NS12 || space == odm.NS20
}

func (inForm) modelElement(e *odm.Element) bool { return e.Is(odm.NSInForm, "Mnemonic") }

// autoLocation: InForm always emits the "Unknown" Location for sponsor-side audit records.
func (inForm) autoLocation(id string) bool { return id == "Unknown" }

func (inForm) writeUser(w *writer, o *odm.User, u *User, f userFields) {
	subject, lost := f.subject, f.lost
	setExt(&o.Ext, odm.NSInForm, "StudyLocale", u.Locale)
	if informStatus(&o.Ext) != u.Status {
		w.informStatus(&o.Ext, u.Status, subject)
	}
	// The category read back from what is there: pf:InFormUserType, else the UserType.
	derived := categoryFromType(o.UserType)
	if cur, ok := o.Attr(odm.NSInForm, "InFormUserType"); ok {
		if c, ok := parseCategory(cur); ok {
			derived = c
		}
	}
	if derived != u.Category {
		switch u.Category {
		case CategoryParticipant:
			lost("category", "InForm has no participant user type")
			o.RemoveAttr(odm.NSInForm, "InFormUserType")
		default:
			setExt(&o.Ext, odm.NSInForm, "InFormUserType", string(u.Category))
		}
	}
	w.informGroups(o, u, f.role, f.hasRole, f.scope, subject)
	if u.External {
		lost("external", "InForm has no flag for externally authenticated users")
	}
	if f.fresh && !w.same {
		w.informUserFields(o, subject, lost)
		// InForm's User OID and LoginName are both its User Name. The OID is kept (it is
		// the user's identity in the directory and in the files written from it), and
		// the mismatch is reported rather than settled by a guess; the message names no
		// login, which is personal data.
		if u.Login != "" && u.ID != "" && u.ID != u.Login {
			w.warn.add(CodeApproximated, "User/@OID", subject,
				"InForm's User OID and LoginName are both the user name, but this user's OID is not its login name; the OID is written as it is")
		}
	}
}

// informUserFields leaves out of a user written into InForm from another vendor what
// InForm's AdminData User mapping has no place for: Address/OtherText and Picture are
// "N/A" there (so is Organization: noUserOrganization), a user has one Address whose
// StreetName holds "User Address 1" and "User Address 2". Written anyway, they would pass for InForm data and be lost on
// import without a word. A directory read from InForm keeps what its file held (its
// users are written over their records, or, from JSON, as read).
func (w *writer) informUserFields(o *odm.User, subject string, lost func(field, msg string)) {
	if o.Picture != nil {
		lost("Picture", "InForm maps no picture to its users")
		o.Picture = nil
	}
	if len(o.Addresses) > 1 {
		lost("Address", "InForm holds one address per user; the first is written, the others are left out")
		o.Addresses = o.Addresses[:1]
	}
	if len(o.Addresses) == 1 {
		a := o.Addresses[0]
		if a.OtherText != "" {
			lost("Address/OtherText", "InForm maps no OtherText to a user's address")
			a.OtherText = ""
		}
		if n := len(a.StreetNames); n > 2 {
			w.warn.add(CodeApproximated, "User/Address/StreetName", subject,
				"InForm has two address lines (User Address 1 and 2); the lines after the first are joined with \", \" into the second")
			// A new slice: StreetNames may be the model's own.
			a.StreetNames = []string{a.StreetNames[0], strings.Join(a.StreetNames[1:], ", ")}
		}
	}
}

// fullName: InForm's FullName is "User first name + User last name" (InForm's
// DownloadAdminDataODM User mapping), so a user written fresh without one gets that,
// built from FirstName and LastName. Not every culture puts the first name first, which
// is why InForm points consumers at FirstName and LastName; the made-up FullName is
// reported as generated. A FullName the user has is kept as it is.
func (inForm) fullName(w *writer, u *User, subject string) string {
	full := strings.TrimSpace(strings.TrimSpace(u.GivenName) + " " + strings.TrimSpace(u.FamilyName))
	if full != "" {
		w.warn.add(CodeGenerated, "User/FullName", subject, "InForm's FullName is the first name and the last name; it is built from them")
	}
	return full
}

func (inForm) writeLocation(w *writer, o *odm.Location, s *Site, base *odm.Location, lost func(field, msg string)) {
	country := s.Country
	setExt(&o.Ext, odm.NSInForm, "SiteCountry", country)
	setExt(&o.Ext, odm.NSInForm, "SiteTimezone", s.TimeZone)
	setExt(&o.Ext, odm.NSInForm, "Locale", s.Locale)
	w.mnemonic(o, s.Number)
	if !s.Active {
		lost("active", "InForm's Location has no active flag")
	}
}

// groupRefField is the field a warning about a group reference by ID names: only
// InForm's users refer to groups by ID.
const groupRefField = "User/pf:GroupRef/@GroupOID"

// isGroupDef reports whether e, an element inside AdminData, is InForm's pf:GroupDef, the
// only group definition the model knows; every profile reads it into a Group.
func isGroupDef(e *odm.Element) bool { return e.Is(odm.NSInForm, "GroupDef") }

// groupDef reads InForm's pf:GroupDef into a Group of the block being read.
func (b *builder) groupDef(e *odm.Element) {
	g := &Group{Study: b.study}
	g.ID, _ = e.Attr("", "OID")
	g.ID = strings.TrimSpace(g.ID)
	g.Name, _ = e.Attr("", "Name")
	g.Type, _ = e.Attr("", "GroupType")
	for _, r := range e.Elements(odm.NSInForm, "Right") {
		d, _ := r.Attr("", "Description")
		g.Rights = append(g.Rights, d)
	}
	g.Source = &Source{Vendor: b.p, Studies: []string{b.study}}
	for _, a := range e.Attrs {
		if a.Space != "" && !a.IsNamespaceDecl() {
			g.Source.Attrs = append(g.Source.Attrs, Attr{Space: a.Space, Name: a.Local, Value: a.Value})
		}
	}
	if b.values {
		g.ID, g.Name, g.Type = strings.Clone(g.ID), strings.Clone(g.Name), strings.Clone(g.Type)
		for i, r := range g.Rights {
			g.Rights[i] = strings.Clone(r)
		}
		cloneAttrs(g.Source.Attrs)
	}
	if b.noRecs {
		// Where it was read, which its record would say (recordAt).
		g.Source.line, g.Source.col = e.Line, e.Col
	} else {
		g.Source.recs = []record{{block: b.block, pos: -1, v: e}}
	}
	b.groups[groupKey{b.study, g.ID}] = g
	if _, ok := b.groups[groupKey{"\x00", g.ID}]; !ok {
		b.groups[groupKey{"\x00", g.ID}] = g
	}
	b.dir.Groups = append(b.dir.Groups, g)
}

// informStatus reads InForm's pf:Active and pf:Terminated: a terminated or inactive
// account cannot log in.
func informStatus(x *odm.Ext) Status {
	term, hasTerm := x.Attr(odm.NSInForm, "Terminated")
	active, hasActive := x.Attr(odm.NSInForm, "Active")
	return informStatusOf(term, hasTerm, active, hasActive)
}

func informStatusOf(term string, hasTerm bool, active string, hasActive bool) Status {
	var t, tOK, a, aOK bool
	if hasTerm {
		t, tOK = yes(term)
	}
	if hasActive {
		a, aOK = yes(active)
	}
	return informStatusRead(t, tOK, a, aOK)
}

// informStatusRead is informStatusOf of the flags as yes read them (ok false: absent or
// neither yes nor no).
func informStatusRead(term, termOK, active, activeOK bool) Status {
	switch {
	case termOK && term:
		return StatusDeactivated
	case activeOK && active:
		return StatusAvailable
	case activeOK:
		return StatusDeactivated
	}
	return ""
}

func (w *writer) informStatus(x *odm.Ext, s Status, subject string) {
	switch s {
	case StatusAvailable:
		setExt(x, odm.NSInForm, "Active", "Yes")
		setExt(x, odm.NSInForm, "Terminated", "No")
	case StatusDeactivated:
		setExt(x, odm.NSInForm, "Active", "No")
		if _, ok := x.Attr(odm.NSInForm, "Terminated"); !ok {
			setExt(x, odm.NSInForm, "Terminated", "No")
		}
	case StatusCreated, StatusInvited:
		w.warn.add(CodeApproximated, "User/status", subject, "InForm has Active and Terminated only; a "+string(s)+" account is written as not active")
		setExt(x, odm.NSInForm, "Active", "No")
		setExt(x, odm.NSInForm, "Terminated", "No")
	case "":
		x.RemoveAttr(odm.NSInForm, "Active")
		x.RemoveAttr(odm.NSInForm, "Terminated")
	}
}

// informGroups writes the user's pf:GroupRef elements: the model's groups that have an
// InForm ID, with the rights group of the user's role (made up when the role has none).
func (w *writer) informGroups(o *odm.User, u *User, role Role, hasRole bool, scope Scope, subject string) {
	// The lists are compared and let go of: a few on the stack, not made for each user.
	var wantBuf, haveBuf [8]string
	want, have := wantBuf[:0], haveBuf[:0]
	rights := ""
	if hasRole {
		rights = w.rightsGroup(w.roleName(u, role, scope), subject)
	}
	for _, g := range u.Groups {
		switch {
		case g.ID == "" && g.Name == "" && g.Type == "":
			// A pf:GroupRef read without its GroupOID: kept when nothing else changed.
			want = append(want, "")
		case g.ID == "":
			w.warn.add(CodeUnrepresentable, "User/group", subject, "InForm groups are defined by ID; a group known by name only is left out")
		case g.Type == "Rights" && g.ID != rights:
			// The role changed: the new rights group replaces the old one. Or the rights
			// group is another block's: a person listed in several studies' AdminData
			// has the groups of all its records, and the role of each study is its own
			// (given no role here, the group of another study's role made one).
		default:
			// A group listed twice stays listed twice: the file said so, and a patch of
			// an unchanged directory writes the record as it was read.
			want = append(want, g.ID)
		}
	}
	if rights != "" && !slices.Contains(want, rights) {
		want = append(want, rights)
	}
	for _, n := range o.Nodes {
		if e, ok := n.(*odm.Element); ok && e.Is(odm.NSInForm, "GroupRef") {
			id, _ := e.Attr("", "GroupOID")
			have = append(have, strings.TrimSpace(id))
		}
	}
	if equalStrings(have, want) {
		return
	}
	nodes := withoutInForm(o.Nodes, "GroupRef")
	for _, id := range want {
		if id == "" {
			// Written as read: a reference without GroupOID.
			nodes = append(nodes, &odm.Element{Name: odm.Name{Space: odm.NSInForm, Prefix: "pf", Local: "GroupRef"}, Empty: true})
			continue
		}
		nodes = append(nodes, &odm.Element{Name: odm.Name{Space: odm.NSInForm, Prefix: "pf", Local: "GroupRef"},
			Attrs: []odm.Attr{{Name: odm.Name{Local: "GroupOID"}, Value: id}}, Empty: true})
	}
	o.Nodes = nodes
}

// rightsGroup returns the ID of the InForm rights group named name, defining one when the
// directory has none (InForm's role is the rights group's name).
func (w *writer) rightsGroup(name, subject string) string {
	if id, ok := w.groupIDs[name]; ok {
		return id
	}
	// The directory's rights groups by name, the first of each, indexed once: looked
	// through for each new name, n role names against n groups cost n²/2 (80,000 users
	// of a role each: 20 s of map --to odm).
	for ; w.rightsSeen < len(w.dir.Groups); w.rightsSeen++ {
		w.scans++
		if g := w.dir.Groups[w.rightsSeen]; strings.HasPrefix(g.ID, "ROLE.") {
			// An ID a made-up group must not take (see below).
			if w.groupTaken == nil {
				w.groupTaken = map[string]bool{}
			}
			w.groupTaken[g.ID] = true
		}
		if g := w.dir.Groups[w.rightsSeen]; g.Type == "Rights" {
			if w.rightsByName == nil {
				w.rightsByName = map[string]string{}
			}
			if _, ok := w.rightsByName[g.Name]; !ok {
				w.rightsByName[g.Name] = g.ID
			}
		}
	}
	if id, ok := w.rightsByName[name]; ok {
		w.groupIDs[name] = id
		return id
	}
	// Numbered through the whole document, not the block: newGroup is emptied at each
	// block's end, and ROLE.1 of one block and ROLE.1 of the next, named for different
	// roles, read back as one group (the first).
	id := ""
	for id == "" || w.groupTaken[id] {
		w.groupSeq++
		id = "ROLE." + strconv.Itoa(w.groupSeq)
	}
	name = strings.Clone(name) // as in orgFor: not the user's text block
	w.groupIDs[name] = id
	w.newGroup = append(w.newGroup, &Group{ID: id, Name: name, Type: "Rights"})
	w.warn.add(CodeGenerated, "pf:GroupDef", subject, "InForm roles are rights groups; a rights group without rights is defined for a role the file has no group for")
	return id
}

// mnemonic sets InForm's pf:Mnemonic/TranslatedText to number.
func (w *writer) mnemonic(o *odm.Location, number string) {
	cur, space := "", odm.NS13
	for _, m := range o.Elements(odm.NSInForm, "Mnemonic") {
		var tt *odm.Element
		if cur, tt = mnemonicText(m); tt != nil {
			space = tt.Space // the document's ODM namespace (none for a root in none)
		}
	}
	if cur == number {
		return
	}
	nodes := withoutInForm(o.Nodes, "Mnemonic")
	if number != "" {
		nodes = append(nodes, &odm.Element{Name: odm.Name{Space: odm.NSInForm, Prefix: "pf", Local: "Mnemonic"},
			Children: []odm.Node{&odm.Element{Name: odm.Name{Space: space, Local: "TranslatedText"},
				Children: []odm.Node{&odm.Text{Data: number}}}}})
	}
	o.Nodes = nodes
}

// groupDef writes an InForm pf:GroupDef, reusing base when the model did not change it.
func (w *writer) groupDef(g *Group, base *odm.Element) *odm.Element {
	if base != nil {
		id, _ := base.Attr("", "OID")
		name, _ := base.Attr("", "Name")
		typ, _ := base.Attr("", "GroupType")
		var rights []string
		for _, r := range base.Elements(odm.NSInForm, "Right") {
			d, _ := r.Attr("", "Description")
			rights = append(rights, d)
		}
		if strings.TrimSpace(id) == g.ID && name == g.Name && typ == g.Type && equalStrings(rights, g.Rights) {
			return base
		}
	}
	e := &odm.Element{Name: odm.Name{Space: odm.NSInForm, Prefix: "pf", Local: "GroupDef"}}
	e.SetAttr("", "", "OID", g.ID)
	e.SetAttr("", "", "Name", g.Name)
	// A group whose type is unknown is written without one: a made-up GroupType
	// would read back as a type the group does not have.
	if g.Type != "" {
		e.SetAttr("", "", "GroupType", g.Type)
	}
	if g.Source != nil {
		for _, a := range g.Source.Attrs {
			if a.Space == odm.NSInForm {
				e.SetAttr(a.Space, "pf", a.Name, a.Value)
			}
		}
	}
	for _, r := range g.Rights {
		e.Children = append(e.Children, &odm.Element{Name: odm.Name{Space: odm.NSInForm, Prefix: "pf", Local: "Right"},
			Attrs: []odm.Attr{{Name: odm.Name{Local: "Description"}, Value: r}}})
	}
	return e
}

// isTerminated reports whether u was read from InForm with pf:Terminated="Yes".
func isTerminated(u *User) bool {
	if u.Source == nil || u.Source.Vendor != ProfileInForm {
		return false
	}
	t, ok := yes(u.Source.ID("Terminated"))
	return ok && t
}

// rightsRole returns the role of what one record said about a user: an InForm user
// belongs to exactly one rights group, whose name is the role (pd.role when it is in
// none). A user in two is a data error; the first is taken and both are named.
func (b *builder) rightsRole(w *warner, pd pending, blockStudy string) string {
	role := pd.role
	var first *Group
	for _, g := range pd.groups {
		def := b.group(blockStudy, g.ID)
		if def == nil || def.Type != "Rights" || def == first {
			continue
		}
		if first == nil {
			first, role = def, def.Name
			continue
		}
		w.add(CodeMergeConflict, "User/pf:GroupRef", "User "+pd.u.ID,
			"the user is in two rights groups, "+strconv.Quote(first.Name)+" ("+first.ID+") and "+
				strconv.Quote(def.Name)+" ("+def.ID+"); InForm gives a user one, so the first is the role")
	}
	return role
}

// withoutInForm returns a new list of the nodes but the InForm elements named local.
func withoutInForm(nodes []odm.Node, local string) []odm.Node {
	var out []odm.Node
	for _, n := range nodes {
		if e, ok := n.(*odm.Element); ok && e.Is(odm.NSInForm, local) {
			continue
		}
		out = append(out, n)
	}
	return out
}
