package mapping

import (
	"errors"
	"io"
	"strings"

	"github.com/odmadmin/odmadmin/odm"
)

// FromDocument reads doc into a Directory with profile opts.Profile (Detect when empty).
// The warnings say what was normalized or could not be understood; nothing is dropped.
func FromDocument(doc *odm.Document, opts Options) (*Directory, []Warning, error) {
	if doc == nil || doc.Root == nil {
		return nil, nil, errors.New("mapping: no document")
	}
	p := opts.Profile
	if p == "" {
		p = Detect(doc)
	}
	if p == ProfileClinicalOne {
		return nil, nil, errors.New("mapping: the clinicalone profile reads CSV, not ODM (use ReadClinicalOneCSV)")
	}
	b := newBuilder(p, doc.Version, doc.Root)
	b.keep = true
	b.dir.Source.doc = doc
	b.studyElements(doc.Root)
	for _, ad := range doc.AdminData() {
		b.startBlock(ad)
		for _, u := range ad.Users {
			b.user(u)
		}
		for _, o := range ad.Organizations {
			b.organization(o)
		}
		for _, l := range ad.Locations {
			b.location(l)
		}
		for _, s := range ad.SignatureDefs {
			b.signature(s)
		}
		for _, n := range ad.Nodes {
			if e, ok := n.(*odm.Element); ok {
				b.blockElement(e)
			}
		}
	}
	b.finish()
	return b.dir, b.w.result(), nil
}

// FromReader reads a stream into a Directory, holding one record of the input at a time
// besides the directory itself, for files too large to decode whole. The profile is
// opts.Profile or, when empty, DetectHeader. The stream skips everything outside
// AdminData, so OpenClinica site studies (Study elements) are not seen: each site study's
// users are then assigned at study level of that site study. The decoded records are not
// kept, so writing the directory back to the same vendor works from Source, as after a
// JSON round trip: every value comes back, the source layout does not.
func FromReader(r *odm.Reader, opts Options) (*Directory, []Warning, error) {
	h, err := r.Header()
	if err != nil {
		return nil, nil, err
	}
	p := opts.Profile
	if p == "" {
		p = DetectHeader(h)
	}
	if p == ProfileClinicalOne {
		return nil, nil, errors.New("mapping: the clinicalone profile reads CSV, not ODM (use ReadClinicalOneCSV)")
	}
	b := newBuilder(p, h.Version, h.Root)
	for {
		n, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		switch n := n.(type) {
		case *odm.AdminData:
			b.startBlock(n)
		case *odm.User:
			b.user(n)
		case *odm.Organization:
			b.organization(n)
		case *odm.Location:
			b.location(n)
		case *odm.SignatureDef:
			b.signature(n)
		case *odm.Element:
			b.blockElement(n)
			if b.block >= 0 {
				// The stream's AdminData header has no children; keep the vendor element
				// on it so that writing back the same vendor finds it.
				ad := b.dir.Source.Blocks[b.block].ad
				ad.Nodes = append(ad.Nodes, n)
			}
		}
	}
	b.finish()
	return b.dir, b.w.result(), nil
}

// pending is what one AdminData block said about one user's access, resolved into
// assignments once the whole file (its groups, sites and studies) has been read.
type pending struct {
	u      *User
	block  int
	sites  []string
	role   string
	groups []GroupRef // this record's InForm group references
}

type groupKey struct{ study, id string }

// slab hands out small slices (and single values) carved from large blocks, so that a
// directory of 200,000 users is a few thousand heap objects rather than millions, which
// is what the garbage collector's cost follows. Each slice's capacity is its length, so
// appending to one copies instead of overwriting its neighbour.
type slab[T any] struct{ buf []T }

func (s *slab[T]) take(n int) []T {
	if n == 0 {
		return nil
	}
	if cap(s.buf)-len(s.buf) < n {
		s.buf = make([]T, 0, max(512, n))
	}
	i := len(s.buf)
	s.buf = s.buf[:i+n]
	return s.buf[i : i+n : i+n]
}

func (s *slab[T]) one() *T { return &s.take(1)[0] }

// slabs are the builder's allocators.
type slabs struct {
	users   slab[User]
	sources slab[Source]
	attrs   slab[Attr]
	groups  slab[GroupRef]
	assigns slab[Assignment]
	addrs   slab[Address]
	strs    slab[string]
}

type roleKey3 struct {
	name  string
	scope Scope
}

type builder struct {
	p       Profile
	version odm.Version
	dir     *Directory
	w       warner
	// keep keeps the decoded records in Source for a layout-preserving write-back.
	keep bool

	block int
	study string // current block's StudyOID
	pos   int

	byOID   map[string]*User
	byLogin map[string]*User
	sites   map[string]*Site
	studies map[string]*Study
	groups  map[groupKey]*Group // by block study and ID, and (study "\x00") by ID alone
	pend    []pending
	// studies1 is the current block's []string{study}, shared by the values read there
	// (capacity 1, so appending to it copies).
	studies1 []string
	// roles caches RoleFor, which a large file calls with a handful of names.
	roles map[roleKey3]Role
	mem   slabs
}

func newBuilder(p Profile, v odm.Version, root *odm.Element) *builder {
	b := &builder{
		p: p, version: v, block: -1,
		dir:     &Directory{Source: &FileSource{Vendor: p, Version: v}},
		byOID:   map[string]*User{},
		byLogin: map[string]*User{},
		sites:   map[string]*Site{},
		studies: map[string]*Study{},
		groups:  map[groupKey]*Group{},
		roles:   map[roleKey3]Role{},
	}
	if root != nil {
		b.dir.Source.Attrs = extAttrs(root.Attrs, true)
	}
	return b
}

// extAttrs converts attributes to model Attrs, leaving out namespace declarations; with
// all, unprefixed attributes (the root's FileOID and so on) are kept too.
func extAttrs(attrs []odm.Attr, all bool) []Attr { return extAttrsIn(nil, attrs, all) }

func extAttrsIn(sl *slab[Attr], attrs []odm.Attr, all bool) []Attr {
	n := 0
	for _, a := range attrs {
		if !a.IsNamespaceDecl() && (all || a.Space != "") {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	var out []Attr
	if sl != nil {
		out = sl.take(n)[:0]
	} else {
		out = make([]Attr, 0, n)
	}
	for _, a := range attrs {
		if !a.IsNamespaceDecl() && (all || a.Space != "") {
			out = append(out, Attr{Space: a.Space, Name: a.Local, Value: a.Value})
		}
	}
	return out
}

func (b *builder) addStudy(id string) *Study {
	if s, ok := b.studies[id]; ok || id == "" {
		return s
	}
	s := &Study{ID: id, Environment: envFromStudyOID(id)}
	b.studies[id] = s
	b.dir.Studies = append(b.dir.Studies, s)
	return s
}

// studyElements reads the Study elements of a whole document: their names, and for
// OpenClinica the parent of each site study, which a site study's MetaDataVersion names
// with <Include StudyOID="parent">.
func (b *builder) studyElements(root *odm.Element) {
	ns := root.Space
	for _, c := range root.Children {
		e, ok := c.(*odm.Element)
		if !ok || !e.Is(ns, "Study") {
			continue
		}
		oid, _ := e.Attr("", "OID")
		oid = strings.TrimSpace(oid)
		if oid == "" {
			continue
		}
		s := b.addStudy(oid)
		for _, gv := range e.Elements(ns, "GlobalVariables") {
			for _, n := range gv.Elements(ns, "StudyName") {
				s.Name = n.Text()
			}
			for _, n := range gv.Elements(ns, "ProtocolName") {
				s.Protocol = n.Text()
			}
		}
		for _, mdv := range e.Elements(ns, "MetaDataVersion") {
			for _, inc := range mdv.Elements(ns, "Include") {
				if parent, _ := inc.Attr("", "StudyOID"); strings.TrimSpace(parent) != "" && strings.TrimSpace(parent) != oid {
					s.Parent = strings.TrimSpace(parent)
				}
			}
		}
	}
}

func (b *builder) startBlock(ad *odm.AdminData) {
	b.block = len(b.dir.Source.Blocks)
	b.study = strings.TrimSpace(ad.StudyOID)
	b.pos = 0
	b.studies1 = []string{b.study}
	b.addStudy(b.study)
	b.dir.Source.Blocks = append(b.dir.Source.Blocks, Block{Study: b.study, Attrs: extAttrs(ad.Attrs, false), ad: ad})
}

// ensureBlock starts an implicit block for records that arrive without an AdminData (a
// Reader used after its first records were consumed).
func (b *builder) ensureBlock() {
	if b.block < 0 {
		b.startBlock(&odm.AdminData{})
	}
}

func nonEmpty(in []string) []string {
	n := 0
	for _, s := range in {
		if strings.TrimSpace(s) != "" {
			n++
		}
	}
	if n == len(in) {
		return in
	}
	out := make([]string, 0, n)
	for _, s := range in {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func yes(s string) (val, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "true", "1", "y":
		return true, true
	case "no", "false", "0", "n":
		return false, true
	}
	return false, false
}

func addresses(in []*odm.Address) []Address { return addressesIn(nil, in) }

func addressesIn(sl *slab[Address], in []*odm.Address) []Address {
	var out []Address
	if sl != nil && len(in) > 0 {
		out = sl.take(len(in))[:0]
	}
	for _, a := range in {
		m := Address{StreetNames: nonEmpty(a.StreetNames), HouseNumber: a.HouseNumber, City: a.City,
			StateProv: a.StateProv, Country: a.Country, PostalCode: a.PostalCode, OtherText: a.OtherText}
		if g := a.GeoPosition; g != nil {
			m.Longitude, m.Latitude, m.Altitude = g.Longitude, g.Latitude, g.Altitude
		}
		if m.isZero() {
			continue // <Address/> as Rave writes it says nothing
		}
		out = append(out, m)
	}
	return out
}

func (a Address) isZero() bool {
	return len(a.StreetNames) == 0 && a.HouseNumber == "" && a.City == "" && a.StateProv == "" &&
		a.Country == "" && a.PostalCode == "" && a.OtherText == "" && a.Longitude == "" && a.Latitude == "" && a.Altitude == ""
}

// userFields fills a fresh User from the standard ODM fields of u.
func userFields(u *odm.User, id string) *User { return userFieldsIn(nil, u, id) }

func userFieldsIn(mem *slabs, u *odm.User, id string) *User {
	m := new(User)
	if mem != nil {
		m = mem.users.one()
	}
	var addrs []Address
	if mem != nil {
		addrs = addressesIn(&mem.addrs, u.Addresses)
	} else {
		addrs = addresses(u.Addresses)
	}
	*m = User{
		ID: id, Login: u.LoginName, DisplayName: u.DisplayName, FullName: u.FullName,
		GivenName: u.FirstName, FamilyName: u.LastName, Prefix: u.Prefix, Suffix: u.Suffix,
		Emails: nonEmpty(u.Emails), Phones: nonEmpty(u.Phones), Faxes: nonEmpty(u.Faxes),
		Organization: u.Organization, OrganizationID: u.OrganizationOID,
		Addresses: addrs, Certificates: nonEmpty(u.Certificates), Type: string(u.UserType),
	}
	if strings.TrimSpace(u.Pager) != "" {
		m.Pager = u.Pager
	}
	if p := u.Picture; p != nil {
		m.Picture = &Picture{File: p.PictureFileName, Type: p.ImageType}
	}
	if p := u.Image; p != nil {
		m.Picture = &Picture{File: p.ImageFileName, Href: p.Href, MIMEType: p.MimeType}
	}
	for _, t := range u.Telecoms {
		switch t.TelecomType {
		case odm.TelecomEmail:
			m.Emails = append(m.Emails, t.Value)
		case odm.TelecomPhone:
			m.Phones = append(m.Phones, t.Value)
		case odm.TelecomFax:
			m.Faxes = append(m.Faxes, t.Value)
		case odm.TelecomPager:
			if m.Pager == "" {
				m.Pager = t.Value
				continue
			}
			fallthrough
		default:
			m.Telecoms = append(m.Telecoms, Telecom{Type: string(t.TelecomType), Value: t.Value})
		}
	}
	return m
}

// categoryFromType guesses the account category from the ODM UserType when the vendor
// says nothing better: investigators and care providers work at sites, the sponsor's
// monitors and analysts for the sponsor, subjects are participants.
func categoryFromType(t odm.UserType) Category {
	switch t {
	case odm.UserInvestigator, odm.UserCareProvider:
		return CategorySite
	case odm.UserSponsor, odm.UserMonitor, odm.UserDataAnalyst:
		return CategorySponsor
	case odm.UserSubject:
		return CategoryParticipant
	}
	return ""
}

func parseCategory(s string) (Category, bool) {
	for _, c := range []Category{CategorySystem, CategorySite, CategorySponsor, CategorySupport, CategoryIntegration, CategoryParticipant} {
		if strings.EqualFold(strings.TrimSpace(s), string(c)) {
			return c, true
		}
	}
	return "", false
}

// informStatus reads InForm's pf:Active and pf:Terminated: a terminated or inactive
// account cannot log in.
func informStatus(x *odm.Ext) Status {
	if v, ok := x.Attr(odm.NSInForm, "Terminated"); ok {
		if t, ok := yes(v); ok && t {
			return StatusDeactivated
		}
	}
	if v, ok := x.Attr(odm.NSInForm, "Active"); ok {
		if a, ok := yes(v); ok {
			if a {
				return StatusAvailable
			}
			return StatusDeactivated
		}
	}
	return ""
}

// raveStatus reads mdsol:Active.
func raveStatus(x *odm.Ext) Status {
	if v, ok := x.Attr(odm.NSRave, "Active"); ok {
		if a, ok := yes(v); ok {
			if a {
				return StatusAvailable
			}
			return StatusDeactivated
		}
	}
	return ""
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

func (b *builder) user(u *odm.User) {
	b.ensureBlock()
	id := strings.TrimSpace(u.OID)
	if id != u.OID {
		b.w.add(CodeNormalized, "User/@OID", "User "+id, "stray white space trimmed from the OID")
	}
	m := userFieldsIn(&b.mem, u, id)
	// Vendor attributes.
	var role string
	switch b.p {
	case ProfileInForm:
		m.Locale, _ = u.Attr(odm.NSInForm, "StudyLocale")
		m.Status = informStatus(&u.Ext)
		if v, ok := u.Attr(odm.NSInForm, "InFormUserType"); ok {
			if c, ok := parseCategory(v); ok {
				m.Category = c
			} else {
				b.w.add(CodeInvalidValue, "User/@pf:InFormUserType", "User "+id, "unknown InForm user type; category left empty")
			}
		}
		for _, n := range u.Nodes {
			if g, ok := n.(*odm.Element); ok && g.Is(odm.NSInForm, "GroupRef") {
				if m.Groups == nil {
					m.Groups = b.mem.groups.take(len(u.Nodes))[:0]
				}
				gid, _ := g.Attr("", "GroupOID")
				m.Groups = append(m.Groups, GroupRef{ID: strings.TrimSpace(gid)})
			}
		}
	case ProfileRave:
		m.Status = raveStatus(&u.Ext)
		role, _ = u.Attr(odm.NSRave, "UserRole")
		if v, ok := u.Attr(odm.NSRave, "UserGroup"); ok && v != "" {
			m.Groups = append(m.Groups, GroupRef{Name: v, Type: "UserGroup"})
		}
		if v, ok := u.Attr(odm.NSRave, "SiteGroup"); ok && v != "" {
			m.Groups = append(m.Groups, GroupRef{Name: v, Type: "SiteGroup"})
		}
		if m.Login == "" {
			m.Login = id // Rave's User OID is the login name
		}
	case ProfileOpenClinica:
		// OpenClinica's exporter writes no attributes on User; these are read when a
		// producer adds them (the names ClinicalData's UserInfo and UserRef use).
		for _, a := range u.Attrs {
			if !isOpenClinicaNS(a.Space) {
				continue
			}
			switch a.Local {
			case "UserRole":
				role = a.Value
			case "Status":
				m.Status = ocStatus(a.Value)
			case "UserName":
				if m.Login == "" {
					m.Login = a.Value
				}
			}
		}
	}
	if m.Category == "" {
		m.Category = categoryFromType(u.UserType)
	}
	src := b.mem.sources.one()
	*src = Source{Vendor: b.p, Studies: b.studies1, block: b.block}
	if b.keep {
		src.recs = []record{{block: b.block, pos: b.pos, v: u}}
	}
	b.pos++
	src.Attrs = extAttrsIn(&b.mem.attrs, u.Attrs, false)
	if id != u.OID {
		src.IDs = map[string]string{"OID": u.OID}
	}
	for _, n := range u.Nodes {
		e, ok := n.(*odm.Element)
		if !ok || (b.p == ProfileInForm && e.Is(odm.NSInForm, "GroupRef")) {
			continue
		}
		src.Elements = append(src.Elements, elementXML(e))
	}
	m.Source = src
	if !b.keep {
		// The stream's records are dropped: copy the user's text into one allocation so
		// that the directory does not keep each decoded string alive on its own.
		b.compact(m)
	}

	sites := b.userSites(u)
	if prev := b.findUser(id, m.Login); prev != nil {
		b.merge(prev, m)
		prev.Source.block = b.block
		b.pend = append(b.pend, pending{u: prev, block: b.block, sites: sites, role: role, groups: m.Groups})
		return
	}
	b.byOID[id] = m
	if m.Login != "" && m.Login != id {
		// A login equal to the OID is found through byOID (see findUser).
		if _, ok := b.byLogin[m.Login]; !ok {
			b.byLogin[m.Login] = m
		}
	}
	b.dir.Users = append(b.dir.Users, m)
	// The first record's access is kept on the user (no per-user growth of b.pend, which
	// matters for 200,000 users); later records of the same person go to b.pend.
	m.first = firstAccess{block: b.block, sites: sites, role: role, groups: m.Groups[:len(m.Groups):len(m.Groups)]}
}

// compact re-homes the text of u (and its list backing arrays) in a few allocations. A
// directory of 200,000 users otherwise keeps millions of small strings, each of which the
// garbage collector visits.
func (b *builder) compact(u *User) {
	var ptrs [64]*string
	ps := ptrs[:0]
	add := func(p *string) {
		if *p != "" {
			ps = append(ps, p)
		}
	}
	for _, p := range []*string{&u.ID, &u.Login, &u.DisplayName, &u.FullName, &u.GivenName, &u.FamilyName,
		&u.Prefix, &u.Suffix, &u.Pager, &u.Organization, &u.OrganizationID, &u.Locale} {
		add(p)
	}
	lists := []*[]string{&u.Emails, &u.Phones, &u.Faxes, &u.Certificates}
	var strs []string
	n := 0
	for _, l := range lists {
		n += len(*l)
	}
	for i := range u.Addresses {
		n += len(u.Addresses[i].StreetNames)
	}
	if n > 0 {
		strs = b.mem.strs.take(n)[:0]
	}
	for _, l := range lists {
		if len(*l) == 0 {
			continue
		}
		i := len(strs)
		strs = append(strs, *l...)
		*l = strs[i:len(strs):len(strs)]
		for j := i; j < len(strs); j++ {
			add(&strs[j])
		}
	}
	for i := range u.Addresses {
		a := &u.Addresses[i]
		if len(a.StreetNames) > 0 {
			j := len(strs)
			strs = append(strs, a.StreetNames...)
			a.StreetNames = strs[j:len(strs):len(strs)]
			for k := j; k < len(strs); k++ {
				add(&strs[k])
			}
		}
		for _, p := range []*string{&a.HouseNumber, &a.City, &a.StateProv, &a.Country, &a.PostalCode, &a.OtherText} {
			add(p)
		}
	}
	for i := range u.Source.Attrs {
		add(&u.Source.Attrs[i].Value)
	}
	for i := range u.Groups {
		add(&u.Groups[i].ID)
	}
	total := 0
	for _, p := range ps {
		total += len(*p)
	}
	var sb strings.Builder
	sb.Grow(total)
	for _, p := range ps {
		sb.WriteString(*p)
	}
	all := sb.String()
	off := 0
	for _, p := range ps {
		l := len(*p)
		*p = all[off : off+l]
		off += l
	}
}

// userSites returns the site IDs a user record points at: its LocationRefs (ODM 1.3) or
// LocationOID (2.0), without InForm's automatic "Unknown" location.
func (b *builder) userSites(u *odm.User) []string {
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s == "" || (b.p == ProfileInForm && s == "Unknown") {
			return
		}
		for _, o := range out {
			if o == s {
				return
			}
		}
		out = append(out, s)
	}
	for _, r := range u.LocationRefs {
		add(r.LocationOID)
	}
	add(u.LocationOID)
	return out
}

// findUser finds the person a record is about: same OID, else same login listed in
// another AdminData block (two records in one block are two users, as ODM requires
// unique OIDs there).
func (b *builder) findUser(id, login string) *User {
	if u, ok := b.byOID[id]; ok {
		return u
	}
	if login == "" {
		return nil
	}
	u, ok := b.byLogin[login]
	if !ok {
		if u, ok = b.byOID[login]; ok && u.Login != login {
			ok = false
		}
	}
	if ok && u.Source.block != b.block {
		return u
	}
	return nil
}

// merge folds a second record of one person into the first: empty fields are filled,
// lists are united, and disagreements are reported and resolved for the first.
func (b *builder) merge(dst, src *User) {
	subject := "User " + dst.ID
	str := func(field string, d *string, s string) {
		switch {
		case s == "" || *d == s:
		case *d == "":
			*d = s
		default:
			b.w.add(CodeMergeConflict, "User/"+field, subject, "a person listed in several AdminData blocks has different values; the first is kept")
		}
	}
	str("Login", &dst.Login, src.Login)
	str("DisplayName", &dst.DisplayName, src.DisplayName)
	str("FullName", &dst.FullName, src.FullName)
	str("GivenName", &dst.GivenName, src.GivenName)
	str("FamilyName", &dst.FamilyName, src.FamilyName)
	str("Prefix", &dst.Prefix, src.Prefix)
	str("Suffix", &dst.Suffix, src.Suffix)
	str("Pager", &dst.Pager, src.Pager)
	str("Organization", &dst.Organization, src.Organization)
	str("OrganizationOID", &dst.OrganizationID, src.OrganizationID)
	str("Locale", &dst.Locale, src.Locale)
	str("UserType", &dst.Type, src.Type)
	str("Category", (*string)(&dst.Category), string(src.Category))
	str("Status", (*string)(&dst.Status), string(src.Status))
	dst.Emails = union(dst.Emails, src.Emails)
	dst.Phones = union(dst.Phones, src.Phones)
	dst.Faxes = union(dst.Faxes, src.Faxes)
	dst.Certificates = union(dst.Certificates, src.Certificates)
	for _, a := range src.Addresses {
		if !containsAddress(dst.Addresses, a) {
			dst.Addresses = append(dst.Addresses, a)
		}
	}
	for _, t := range src.Telecoms {
		if !containsTelecom(dst.Telecoms, t) {
			dst.Telecoms = append(dst.Telecoms, t)
		}
	}
	for _, g := range src.Groups {
		if !containsGroup(dst.Groups, g) {
			dst.Groups = append(dst.Groups, g)
		}
	}
	if dst.Picture == nil {
		dst.Picture = src.Picture
	}
	ds, ss := dst.Source, src.Source
	ds.Studies = append(ds.Studies, ss.Studies...)
	ds.recs = append(ds.recs, ss.recs...)
	for _, a := range ss.Attrs {
		if !containsAttr(ds.Attrs, a) {
			ds.Attrs = append(ds.Attrs, a)
		}
	}
	ds.Elements = union(ds.Elements, ss.Elements)
	for k, v := range ss.IDs {
		if ds.IDs == nil {
			ds.IDs = map[string]string{}
		}
		if _, ok := ds.IDs[k]; !ok {
			ds.IDs[k] = v
		}
	}
}

func union(a, b []string) []string {
	for _, s := range b {
		found := false
		for _, t := range a {
			if s == t {
				found = true
				break
			}
		}
		if !found {
			a = append(a, s)
		}
	}
	return a
}

func containsAddress(list []Address, a Address) bool {
	for _, b := range list {
		if equalAddress(a, b) {
			return true
		}
	}
	return false
}

func equalAddress(a, b Address) bool {
	return equalStrings(a.StreetNames, b.StreetNames) && a.HouseNumber == b.HouseNumber && a.City == b.City &&
		a.StateProv == b.StateProv && a.Country == b.Country && a.PostalCode == b.PostalCode &&
		a.OtherText == b.OtherText && a.Longitude == b.Longitude && a.Latitude == b.Latitude && a.Altitude == b.Altitude
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func containsTelecom(list []Telecom, t Telecom) bool {
	for _, u := range list {
		if u == t {
			return true
		}
	}
	return false
}

func containsGroup(list []GroupRef, g GroupRef) bool {
	for _, h := range list {
		if h == g {
			return true
		}
	}
	return false
}

func containsAttr(list []Attr, a Attr) bool {
	for _, b := range list {
		if b.Space == a.Space && b.Name == a.Name {
			return true
		}
	}
	return false
}

func (b *builder) location(l *odm.Location) {
	b.ensureBlock()
	id := strings.TrimSpace(l.OID)
	rec := record{block: b.block, pos: b.pos, v: l}
	b.pos++
	if b.p == ProfileInForm && id == "Unknown" {
		// InForm always emits this location for sponsor-side audit records; it is not a
		// site. It is kept with its block so that writing InForm back restores it.
		blk := &b.dir.Source.Blocks[b.block]
		blk.hidden = append(blk.hidden, rec)
		return
	}
	for _, r := range l.MetaDataVersionRefs {
		b.addStudy(strings.TrimSpace(r.StudyOID))
	}
	if s, ok := b.sites[id]; ok {
		s.Source.Studies = append(s.Source.Studies, b.study)
		if b.keep {
			s.Source.recs = append(s.Source.recs, rec)
		}
		for _, v := range siteVersions(l) {
			if !containsVersion(s.Versions, v) {
				s.Versions = append(s.Versions, v)
			}
		}
		return
	}
	s := &Site{ID: id, Name: l.Name, Type: string(l.LocationType), Active: true, Organization: l.OrganizationOID,
		Versions: siteVersions(l), Addresses: addresses(l.Addresses)}
	if id != l.OID {
		b.w.add(CodeNormalized, "Location/@OID", "Location "+id, "stray white space trimmed from the OID")
	}
	if l.Role != "" {
		s.Type = l.Role
	}
	if d := l.Description; d != nil && len(d.TranslatedTexts) > 0 {
		s.Description = d.TranslatedTexts[0].Text
	}
	for _, t := range l.Telecoms {
		s.Telecoms = append(s.Telecoms, Telecom{Type: string(t.TelecomType), Value: t.Value})
	}
	for _, a := range s.Addresses {
		if a.Country != "" {
			s.Country = a.Country
			break
		}
	}
	src := &Source{Vendor: b.p, Studies: []string{b.study}, Attrs: extAttrs(l.Attrs, false)}
	if b.keep {
		src.recs = []record{rec}
	}
	switch b.p {
	case ProfileInForm:
		if v, ok := l.Attr(odm.NSInForm, "SiteCountry"); ok {
			s.Country = v
		}
		s.TimeZone, _ = l.Attr(odm.NSInForm, "SiteTimezone")
		s.Locale, _ = l.Attr(odm.NSInForm, "Locale")
		for _, m := range l.Elements(odm.NSInForm, "Mnemonic") {
			for _, t := range m.Elements(odm.NS13, "TranslatedText") {
				s.Number = strings.TrimSpace(t.Text())
			}
			if s.Number == "" {
				s.Number = strings.TrimSpace(m.Text())
			}
		}
	case ProfileRave:
		if v, ok := l.Attr(odm.NSRave, "Active"); ok {
			if a, ok := yes(v); ok {
				s.Active = a
			}
		}
		if v := latest(s.Versions); v != nil {
			s.Number = v.Number
		}
	}
	for _, n := range l.Nodes {
		e, ok := n.(*odm.Element)
		if !ok || (b.p == ProfileInForm && e.Is(odm.NSInForm, "Mnemonic")) {
			continue
		}
		src.Elements = append(src.Elements, elementXML(e))
	}
	for _, q := range l.Queries {
		src.Elements = append(src.Elements, elementXML(q))
	}
	s.Source = src
	b.sites[id] = s
	b.dir.Sites = append(b.dir.Sites, s)
}

func siteVersions(l *odm.Location) []StudyVersion {
	var out []StudyVersion
	for _, r := range l.MetaDataVersionRefs {
		v := StudyVersion{Study: strings.TrimSpace(r.StudyOID), Version: r.MetaDataVersionOID, Effective: r.EffectiveDate}
		v.Number, _ = r.Attr(odm.NSRave, "StudySiteNumber")
		out = append(out, v)
	}
	return out
}

func containsVersion(list []StudyVersion, v StudyVersion) bool {
	for _, w := range list {
		if w == v {
			return true
		}
	}
	return false
}

// latest returns the version with the latest EffectiveDate (Rave's rule for the current
// study version), the last listed on a tie or an unreadable date.
func latest(vs []StudyVersion) *StudyVersion {
	var best *StudyVersion
	var bestKey string
	for i := range vs {
		key := vs[i].Effective
		if t, err := odm.ParseDate(key); err == nil {
			key = t.Format("2006-01-02")
		}
		if best == nil || key >= bestKey {
			best, bestKey = &vs[i], key
		}
	}
	return best
}

// CurrentVersion returns the study version site s uses for study now: the reference with
// the latest EffectiveDate. ok is false when s has none for study.
func (s *Site) CurrentVersion(study string) (v StudyVersion, ok bool) {
	var vs []StudyVersion
	for _, x := range s.Versions {
		if x.Study == study {
			vs = append(vs, x)
		}
	}
	if l := latest(vs); l != nil {
		return *l, true
	}
	return StudyVersion{}, false
}

func (b *builder) organization(o *odm.Organization) {
	b.ensureBlock()
	m := &Organization{ID: strings.TrimSpace(o.OID), Name: o.Name, Type: string(o.Type), Role: o.Role,
		Site: o.LocationOID, PartOf: o.PartOfOrganizationOID, Addresses: addresses(o.Addresses), Study: b.study}
	if d := o.Description; d != nil && len(d.TranslatedTexts) > 0 {
		m.Description = d.TranslatedTexts[0].Text
	}
	for _, t := range o.Telecoms {
		m.Telecoms = append(m.Telecoms, Telecom{Type: string(t.TelecomType), Value: t.Value})
	}
	m.Source = &Source{Vendor: b.p, Studies: []string{b.study}, Attrs: extAttrs(o.Attrs, false),
		recs: []record{{block: b.block, pos: b.pos, v: o}}}
	b.pos++
	b.dir.Organizations = append(b.dir.Organizations, m)
}

func (b *builder) signature(s *odm.SignatureDef) {
	b.ensureBlock()
	m := &Signature{ID: strings.TrimSpace(s.OID), Methodology: string(s.Methodology), Meaning: s.Meaning,
		LegalReason: s.LegalReason, Study: b.study}
	m.Source = &Source{Vendor: b.p, Studies: []string{b.study}, Attrs: extAttrs(s.Attrs, false),
		recs: []record{{block: b.block, pos: b.pos, v: s}}}
	b.pos++
	b.dir.Signatures = append(b.dir.Signatures, m)
}

// blockElement reads vendor content directly inside AdminData: InForm's pf:GroupDef
// becomes a Group; anything else is kept as XML text on the block.
func (b *builder) blockElement(e *odm.Element) {
	b.ensureBlock()
	if e.Is(odm.NSInForm, "GroupDef") {
		g := &Group{Study: b.study}
		g.ID, _ = e.Attr("", "OID")
		g.ID = strings.TrimSpace(g.ID)
		g.Name, _ = e.Attr("", "Name")
		g.Type, _ = e.Attr("", "GroupType")
		for _, r := range e.Elements(odm.NSInForm, "Right") {
			d, _ := r.Attr("", "Description")
			g.Rights = append(g.Rights, d)
		}
		g.Source = &Source{Vendor: b.p, Studies: []string{b.study}, recs: []record{{block: b.block, pos: -1, v: e}}}
		for _, a := range e.Attrs {
			if a.Space != "" && !a.IsNamespaceDecl() {
				g.Source.Attrs = append(g.Source.Attrs, Attr{Space: a.Space, Name: a.Local, Value: a.Value})
			}
		}
		b.groups[groupKey{b.study, g.ID}] = g
		if _, ok := b.groups[groupKey{"\x00", g.ID}]; !ok {
			b.groups[groupKey{"\x00", g.ID}] = g
		}
		b.dir.Groups = append(b.dir.Groups, g)
		return
	}
	blk := &b.dir.Source.Blocks[b.block]
	blk.Elements = append(blk.Elements, elementXML(e))
}

func (b *builder) group(study, id string) *Group {
	if g, ok := b.groups[groupKey{study, id}]; ok {
		return g
	}
	return b.groups[groupKey{"\x00", id}]
}

// role is RoleFor with a cache.
func (b *builder) role(name string, s Scope) Role {
	k := roleKey3{name, s}
	if r, ok := b.roles[k]; ok {
		return r
	}
	r := RoleFor(b.p, name, s)
	b.roles[k] = r
	return r
}

// finish resolves what needed the whole file: group names, roles from InForm rights
// groups, the study of blocks without StudyOID, and the assignments.
func (b *builder) finish() {
	d := b.dir
	// The study a block without StudyOID is about: the only study the file names.
	only := ""
	if len(d.Studies) == 1 {
		only = d.Studies[0].ID
	} else {
		n := 0
		for _, s := range d.Studies {
			if s.Parent == "" {
				n++
				only = s.ID
			}
		}
		if n != 1 {
			only = ""
		}
	}
	for _, s := range d.Studies {
		if s.Parent != "" {
			if _, ok := b.studies[s.Parent]; !ok {
				b.w.add(CodeDanglingRef, "Study/MetaDataVersion/Include/@StudyOID", "Study "+s.ID, "the parent study of a site study is not in the file")
			}
			// An OpenClinica site study is a site of its parent.
			if _, ok := b.sites[s.ID]; !ok {
				site := &Site{ID: s.ID, Name: s.Name, Number: s.Protocol, Active: true, Study: s.Parent,
					Source: &Source{Vendor: b.p}}
				b.sites[s.ID] = site
				d.Sites = append(d.Sites, site)
			}
		}
	}
	for _, u := range d.Users {
		for i := range u.Groups {
			g := &u.Groups[i]
			if g.ID == "" {
				continue
			}
			if def := b.group(u.Source.Studies[0], g.ID); def != nil {
				g.Name, g.Type = def.Name, def.Type
			} else {
				b.w.add(CodeDanglingRef, "User/pf:GroupRef/@GroupOID", "User "+u.ID, "the group is not defined in the file")
			}
		}
	}
	extra := map[*User][]pending{}
	for _, pd := range b.pend {
		extra[pd.u] = append(extra[pd.u], pd)
	}
	var all []pending
	for _, u := range d.Users {
		f := u.first
		u.first = firstAccess{}
		all = append(all[:0], pending{u: u, block: f.block, sites: f.sites, role: f.role, groups: f.groups})
		all = append(all, extra[u]...)
		for _, pd := range all {
			b.resolve(pd, only)
		}
	}
	b.pend = nil
	for _, u := range d.Users {
		for _, a := range u.Assignments {
			if a.Role.Canonical == RoleOther && !strings.EqualFold(strings.TrimSpace(a.Role.Name), "other") {
				b.w.add(CodeUnknownRole, "Assignment/Role", "User "+u.ID, "role name not in the vocabulary; mapped to Other: "+a.Role.Name)
			}
		}
		fillEmpty(u)
	}
	for _, s := range d.Studies {
		if s.Environment == "" {
			s.Environment = envFromStudyOID(s.ID)
		}
	}
	if d.Studies == nil {
		d.Studies = []*Study{}
	}
	if d.Sites == nil {
		d.Sites = []*Site{}
	}
	if d.Users == nil {
		d.Users = []*User{}
	}
}

// resolve turns what one record said about a user's access into assignments.
func (b *builder) resolve(pd pending, only string) {
	d := b.dir
	u := pd.u
	{
		blockStudy := d.Source.Blocks[pd.block].Study
		role := pd.role
		if b.p == ProfileInForm {
			// An InForm user belongs to exactly one rights group: its name is the role.
			for _, g := range pd.groups {
				if def := b.group(blockStudy, g.ID); def != nil && def.Type == "Rights" {
					role = def.Name
					break
				}
			}
		}
		study, site := blockStudy, ""
		if s := b.studies[blockStudy]; s != nil && s.Parent != "" {
			study, site = s.Parent, s.ID
		}
		env := envFromStudyOID(study)
		if env == "" {
			env = envFromStudyOID(blockStudy)
		}
		if env == "" {
			env = EnvProduction
		}
		if len(pd.sites) == 0 && site != "" {
			pd.sites = []string{site}
		}
		if len(pd.sites) == 0 {
			st := study
			if st == "" {
				st = only
			}
			if st == "" && role == "" {
				return // a user of no known study with no role: nothing to assign
			}
			b.assign(u, Assignment{Study: st, Role: b.role(role, ScopeStudy), Scope: ScopeStudy, Environment: env})
			return
		}
		for _, sid := range pd.sites {
			st := study
			if site == "" {
				if s, ok := b.sites[sid]; ok {
					if st == "" {
						if v := latest(s.Versions); v != nil {
							st = v.Study
						}
					}
				} else {
					b.w.add(CodeDanglingRef, "User/LocationRef/@LocationOID", "User "+u.ID, "the location is not in the file")
				}
			}
			if st == "" {
				st = only
			}
			e := env
			if e == EnvProduction {
				if x := envFromStudyOID(st); x != "" {
					e = x
				}
			}
			b.assign(u, Assignment{Study: st, Site: sid, Role: b.role(role, ScopeSite), Scope: ScopeSite, Environment: e})
		}
	}
}

func (b *builder) assign(u *User, a Assignment) {
	for _, x := range u.Assignments {
		if x.Equal(a) {
			return
		}
	}
	if u.Assignments == nil {
		u.Assignments = b.mem.assigns.take(1)
		u.Assignments[0] = a
		return
	}
	u.Assignments = append(u.Assignments, a)
}

// fillEmpty turns nil lists into empty ones so that JSON shows [] rather than null.
func fillEmpty(u *User) {
	if u.Emails == nil {
		u.Emails = []string{}
	}
	if u.Phones == nil {
		u.Phones = []string{}
	}
	if u.Groups == nil {
		u.Groups = []GroupRef{}
	}
	if u.Assignments == nil {
		u.Assignments = []Assignment{}
	}
}
