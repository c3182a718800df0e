package mapping

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/odmadmin/odmadmin/odm"
)

// Profiles lists every profile in a stable order (for help texts and tests).
func Profiles() []Profile {
	return []Profile{ProfileInForm, ProfileRave, ProfileOpenClinica, ProfileODM, ProfileODM2, ProfileClinicalOne}
}

// ParseProfile returns the profile named s (case-insensitive); "" is returned as "".
func ParseProfile(s string) (Profile, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", nil
	}
	for _, p := range Profiles() {
		if string(p) == s {
			return p, nil
		}
	}
	switch s {
	case "odm1.3", "odm13", "odm1.3.2", "odm132":
		return ProfileODM, nil
	case "odm2.0", "odm20":
		return ProfileODM2, nil
	case "oc", "openclinica4", "openclinica3":
		return ProfileOpenClinica, nil
	case "c1", "clinical-one", "clinical1":
		return ProfileClinicalOne, nil
	case "medidata":
		return ProfileRave, nil
	case string(ProfileOC4Users), "oc4-users", "openclinica4users", "oc4":
		// A table, not an ODM flavour: it is not in Profiles.
		return ProfileOC4Users, nil
	}
	return "", fmt.Errorf("unknown profile %q (want one of inform, rave, openclinica, odm, odm2, clinicalone, oc4users)", s)
}

// Version returns the ODM version p writes (ODM 1.3 for the vendors, 2.0 for odm2, "" for
// the CSV template).
func (p Profile) Version() odm.Version {
	switch p {
	case ProfileODM2:
		return odm.V20
	case ProfileClinicalOne:
		return ""
	}
	return odm.V13
}

// namespace returns the vendor extension namespace of p, or "".
func (p Profile) namespace() string { return p.flavour().namespace() }

// Detect returns the profile of doc from the vendor namespaces it declares or uses:
// InForm's pf:, Rave's mdsol:, OpenClinica's; without any, odm2 for an ODM 2.0 document
// and odm otherwise.
func Detect(doc *odm.Document) Profile {
	if doc == nil || doc.Root == nil {
		return ProfileODM
	}
	if p := detectAttrs(doc.Root.Attrs, doc.Version); p != "" {
		return p
	}
	// A producer may declare its namespace on the AdminData or the users instead.
	for _, ad := range doc.AdminData() {
		if p := detectAttrs(ad.Attrs, doc.Version); p != "" {
			return p
		}
		for i, u := range ad.Users {
			if i >= 8 {
				break
			}
			if p := detectAttrs(u.Attrs, doc.Version); p != "" {
				return p
			}
		}
	}
	return plainFor(doc.Version)
}

// DetectHeader is Detect for a stream: it looks at the ODM start tag only.
func DetectHeader(h *odm.Header) Profile {
	if h == nil || h.Root == nil {
		return ProfileODM
	}
	if p := detectAttrs(h.Root.Attrs, h.Version); p != "" {
		return p
	}
	return plainFor(h.Version)
}

func plainFor(v odm.Version) Profile {
	if v == odm.V20 {
		return ProfileODM2
	}
	return ProfileODM
}

func detectAttrs(attrs []odm.Attr, v odm.Version) Profile {
	for _, a := range attrs {
		space := a.Space
		if a.IsNamespaceDecl() {
			space = a.Value
		}
		if space == "" {
			continue
		}
		for _, x := range vendors() {
			if x.f.ownsNS(space) {
				return x.p
			}
		}
	}
	return ""
}

// Options configure reading and writing. The zero value is ready to use.
type Options struct {
	// Profile is the profile to read with. Default (""): Detect.
	Profile Profile
	// Study selects the study the Clinical One template is written for; required when the
	// directory has more than one study. Default: the only study.
	Study string
	// Training duplicates each Production assignment into Training: reading the Clinical One
	// template uploaded with "Upload users to training mode", or writing one meant for it.
	// Default: false.
	Training bool
	// Context, when set, stops ReadClinicalOneCSV once it is cancelled (the read fails
	// with ctx.Err()). ODM input is stopped by the odm.ReadOptions.Context of the reader
	// FromReader reads. Default (nil): never cancelled.
	Context context.Context
	// Charset is the character set of CSV input that has no byte-order mark and is not
	// UTF-8 (an IANA or WHATWG name, "windows-1252"), for ReadAny. Default: UTF-8, UTF-16
	// by its byte-order mark; bytes that are not UTF-8 are an error.
	Charset string
	// Now is the time written as CreationDateTime of a new ODM document and used to tell
	// current users in the Clinical One export and the OpenClinica 4 table. Default:
	// time.Now().
	Now time.Time
	// RawCSV writes CSV cells (Clinical One template, OpenClinica 4 table) as they are.
	// Default (false): a cell that a spreadsheet would run as a formula gets a leading
	// apostrophe (see WriteClinicalOneCSV). Workbooks are always written as they are.
	RawCSV bool
	// Spec, when set, is a migration spec the writers that read an ODM stream
	// (WriteJSON, WriteClinicalOneCSVFrom, WriteClinicalOneXLSXFrom, WriteOC4UsersFrom,
	// PatchStream, WriteODMStream) apply to each user as it is built, before writing it: the output and warnings are
	// those of Spec.Apply on the directory FromReader reads, then the writer's, without
	// holding the directory. The other functions ignore it (call Spec.Apply). Default
	// (nil): no spec.
	Spec *SpecUse
	// Studies are the document's Study elements (StudyElements reads them), which an
	// odm.Reader skips: the readers of a stream (FromReader, WriteJSON and the other
	// writers that read one, PatchStream) read them as FromDocument reads a document's,
	// so that an OpenClinica site study's users are users of that site. Default (nil):
	// the stream's AdminData alone.
	Studies []*odm.Element
}

func (o Options) now() time.Time {
	if o.Now.IsZero() {
		return time.Now()
	}
	return o.Now
}

// envFromStudyOID reads an environment from a study OID's parenthesized suffix, as Rave
// names studies "Project(Env)" and OpenClinica 4 names test sites "S_X(TEST)". It returns
// "" when the OID names none.
func envFromStudyOID(oid string) Environment {
	i := strings.LastIndexByte(oid, '(')
	if i < 0 || !strings.HasSuffix(oid, ")") {
		return ""
	}
	return parseEnv(oid[i+1 : len(oid)-1])
}

// parseEnv reads an environment name as vendors spell it, or "" if unknown.
func parseEnv(s string) Environment {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "prod", "production", "live", "active":
		return EnvProduction
	case "test", "dev", "development", "uat", "qa", "validation", "val", "sandbox", "staging":
		return EnvTest
	case "training", "train", "trn":
		return EnvTraining
	case "design", "build":
		return EnvDesign
	}
	return ""
}

// flavour is what one ODM profile reads and writes beyond standard ODM. Each vendor keeps
// both halves in its own file (inform.go, rave.go, openclinica.go; plainodm.go for odm and
// odm2, whose differences are the writer's version, odm2.go). A vendor's type embeds
// plainODM, which answers every method as standard ODM does, and overrides the methods
// where the vendor differs; read.go, record.go, write.go, patch.go and stream.go ask the
// flavour and name no vendor (TestGenericFilesNameNoVendor holds them to it).
type flavour interface {
	// roleVocab is the vendor's own role names (plainRoles: none).
	roleVocab

	// namespace is the extension namespace written ("" for none), prefix its conventional
	// prefix; ownsNS reports whether space is one of the vendor's namespaces (OpenClinica
	// has two). Plain ODM owns the empty namespace only.
	namespace() string
	prefix() string
	ownsNS(space string) bool
	// mappedAttr reports whether the vendor attribute local (in an owned namespace) on
	// elem ("User", "Location") is read into a model field: writing another vendor
	// translates the field instead of the attribute.
	mappedAttr(elem, local string) bool
	// words are the names and values that recur in the vendor's records (namespaces,
	// attribute names), shared by the reader rather than copied (see vocabulary).
	words() []string

	// readStudy reads the vendor's meaning of a Study element e of a whole document (ns
	// the ODM namespace) into s (OpenClinica's site studies).
	readStudy(s *Study, e *odm.Element, ns string)
	// attrKind says which user attribute {space}local is, for the record encoder
	// (record.go) to collect into vendorAttrs.
	attrKind(space, local string) attrKind
	// loginFromOID reports whether a User without LoginName logs in with its OID (Rave).
	loginFromOID() bool
	// userStatus turns the user attributes collected into a status and a category ("" for
	// none: the category then follows the UserType).
	userStatus(b *builder, x vendorAttrs, u *odm.User, id string) (Status, Category)
	// userGroups writes the groups part of the user's record (see record.go: a count, then
	// b.groupByID or b.groupByAttr for each) and returns the user's vendor elements the
	// model has no field for, as XML text.
	userGroups(b *builder, u *odm.User, x vendorAttrs) []string
	// accessRole returns the role of what one record said about a user (pd.role, the
	// role attribute's value, unless the vendor's role is elsewhere: InForm's rights group).
	accessRole(b *builder, w *warner, pd pending, blockStudy string) string
	// readLocation reads the vendor's fields of l into s.
	readLocation(b *builder, s *Site, l *odm.Location)
	// modelElement reports whether e, a vendor element inside a Location, is read into a
	// model field by readLocation (and so is not recorded as XML in Source.Elements).
	modelElement(e *odm.Element) bool
	// autoLocation reports whether the Location id is one the vendor writes by itself and
	// that is no site (InForm's "Unknown").
	autoLocation(id string) bool

	// siteStudies reports whether the vendor writes sites as site studies (Study elements
	// and AdminData blocks of their own, a user's site access being its presence in the
	// site study's block) instead of Locations: OpenClinica. writeStudies hands those
	// Study elements (children of a root in namespace ns) to emit one at a time, ahead
	// of the AdminData, blocks plans the AdminData (nil: the standard
	// plan, one per study) from the source's blocks out, whose studies are in have, and
	// inBlock says whether an assignment belongs in the block of study.
	siteStudies() bool
	writeStudies(w *writer, ns string, emit func(odm.Node))
	blocks(w *writer, out []blockPlan, have map[string]bool) []blockPlan
	inBlock(a Assignment, study string) bool
	// namesOnly reports whether a user written fresh gets its names and organization only
	// (OpenClinica's AdminData); placeless is what a warning says of a standard field the
	// vendor has no place for ("": ODM's own message, naming the version).
	namesOnly() bool
	placeless() string
	// noUserOrganization says why a user written fresh from another vendor gets no
	// organization ("": the flavour's users have one, ODM's Organization).
	noUserOrganization() string
	// fullName makes up the FullName of a user written fresh without one ("": none).
	fullName(w *writer, u *User, subject string) string
	// leave reports, for a user read with this flavour and written into another, what the
	// user's source says that the other cannot hold (InForm's terminated account).
	leave(w *writer, u *User, subject string)
	// writeUser sets the vendor's fields of the user written as o.
	writeUser(w *writer, o *odm.User, u *User, f userFields)
	// writeVersions adjusts the study versions written for s (Rave carries the site
	// number on the current one); versionRef sets the vendor's fields of the reference r
	// written for v, or reports what it cannot hold.
	writeVersions(s *Site, want []StudyVersion)
	versionRef(r *odm.MetaDataVersionRef, v StudyVersion, s *Site, lost func(field, msg string))
	// writeLocation sets the vendor's fields of the site written as o (base is the Location
	// it was read as, or nil).
	writeLocation(w *writer, o *odm.Location, s *Site, base *odm.Location, lost func(field, msg string))
	// definesGroups reports whether the vendor has group definitions (InForm's
	// pf:GroupDef); writeGroup writes the definition of g (base: the element it was read
	// as, or nil), or reports that the vendor has none and returns nil.
	definesGroups() bool
	writeGroup(w *writer, g *Group, base *odm.Element) *odm.Element
}

// userFields is what writer.user has worked out for a flavour's writeUser.
type userFields struct {
	subject string
	role    Role // the user's role in the block written
	hasRole bool
	scope   Scope
	lost    func(field, msg string) // reports a value the target has no place for
	// fresh is true when the user is written from the model alone, not over a record of
	// the document being written back or patched.
	fresh bool
}

// vendor is an ODM flavour with an extension namespace, and its profile.
type vendor struct {
	p Profile
	f flavour
}

// vendors lists the ODM vendors, for looking a profile or a namespace up. Adding a
// vendor is adding its file and its line here (and its names in ParseProfile).
func vendors() [3]vendor {
	return [...]vendor{
		{ProfileInForm, inForm{}},
		{ProfileRave, rave{}},
		{ProfileOpenClinica, openClinica{}},
	}
}

// tableFormat is a user table a directory is read from (CSV or a workbook's sheet), which
// its own file describes: oc4users.go, clinicalone.go, and usertable.go for the table of
// users by OID that adds e-mail addresses or logins.
type tableFormat interface {
	roleVocab
	// isHeader reports whether row is the table's header row.
	isHeader(row []string) bool
	// claims reports whether a table headed h and read with profile p is of this format
	// (ReadAny asks the formats in the order of tables).
	claims(h []string, p Profile) bool
	// read reads the table's users from t, its header read.
	read(t RowReader, opts Options) (*Directory, []Warning, error)
	// sheet is the workbook tab that holds the users ("": the sheet its header is in).
	sheet() string
}

// tableProfile is a user table and its profile ("" for the table by OID, which is no profile).
type tableProfile struct {
	p Profile
	t tableFormat
}

// tables lists the user tables in the order ReadAny tells them apart; a table none claims
// is read as the Clinical One template (fallbackTable). Adding a table is adding its file
// and its line here.
func tables() [3]tableProfile {
	return [...]tableProfile{
		{ProfileOC4Users, oc4UsersTable{}},
		// A table by OID before the template: its header may hold three of the template's
		// columns (Email, First Name, Last Name), which is enough for the template to
		// claim it, while it claims only a header with an OID column and no Study Role.
		{"", oidTable{}},
		{ProfileClinicalOne, clinicalOneTable{}},
	}
}

// fallbackTable is the format of a table no format claims.
func fallbackTable() tableFormat { return clinicalOneTable{} }

// table returns the user table of profile p, or nil when p is none.
func (p Profile) table() tableFormat {
	if p == "" {
		return nil
	}
	for _, x := range tables() {
		if x.p == p {
			return x.t
		}
	}
	return nil
}

// roles returns p's role vocabulary: its table's or its ODM flavour's.
func (p Profile) roles() roleVocab {
	if t := p.table(); t != nil {
		return t
	}
	return p.flavour()
}

// flavour returns p's flavour; a profile without vendor extensions is plain ODM.
func (p Profile) flavour() flavour {
	for _, x := range vendors() {
		if x.p == p {
			return x.f
		}
	}
	return plainODM{}
}

// nsFlavour returns the vendor flavour that owns the namespace space, or nil.
func nsFlavour(space string) flavour {
	if space == "" {
		return nil
	}
	for _, x := range vendors() {
		if x.f.ownsNS(space) {
			return x.f
		}
	}
	return nil
}

// prefixFor returns the conventional prefix of a vendor namespace, xsi or xml, or "".
func prefixFor(space string) string {
	switch space {
	case odm.NSXSI:
		return "xsi"
	case odm.NSXML:
		return "xml"
	}
	if f := nsFlavour(space); f != nil {
		return f.prefix()
	}
	return ""
}

// mappedAttr reports whether the vendor attribute {space}local on elem is one the model
// reads into its own fields (status, role, locale, ...).
func mappedAttr(elem, space, local string) bool {
	f := nsFlavour(space)
	return f != nil && f.mappedAttr(elem, local)
}

// odmProfile returns the error of reading (read) or writing ODM with a profile that is no
// ODM flavour: the Clinical One template.
func odmProfile(p Profile, read bool) error {
	if p != ProfileClinicalOne {
		return nil
	}
	if read {
		return errors.New("mapping: the clinicalone profile reads CSV, not ODM (use ReadClinicalOneCSV)")
	}
	return errors.New("mapping: the clinicalone profile writes CSV, not ODM (use WriteClinicalOneCSV)")
}

// isTemplate reports whether v, the profile a directory was read with, is the Clinical One
// template's, which has no ODM flavour of its own: a directory read from it is written as
// plain ODM, or into any ODM document as that document's own.
func isTemplate(v Profile) bool { return v == ProfileClinicalOne }

// writeProfile is the profile ToDocument writes for p "": the one dir was read with, else
// plain ODM 1.3.2 (a directory built in code or read from the Clinical One template).
func writeProfile(dir *Directory, p Profile) Profile {
	if p != "" {
		return p
	}
	if dir.Source != nil && dir.Source.Vendor != "" && !isTemplate(dir.Source.Vendor) {
		return dir.Source.Vendor
	}
	return ProfileODM
}
