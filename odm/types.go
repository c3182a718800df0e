package odm

// Version is the ODM version family of a document, taken from the root element's namespace.
type Version string

const (
	V12 Version = "1.2" // namespace http://www.cdisc.org/ns/odm/v1.2, read with the 1.3 model
	V13 Version = "1.3" // namespace http://www.cdisc.org/ns/odm/v1.3 (ODM 1.3.0 to 1.3.2)
	V20 Version = "2.0" // namespace http://www.cdisc.org/ns/odm/v2.0
)

// Namespace returns the ODM namespace URI of v ("" for an unknown version).
func (v Version) Namespace() string {
	switch v {
	case V12:
		return NS12
	case V13:
		return NS13
	case V20:
		return NS20
	}
	return ""
}

// is2 reports whether v uses the ODM 2.0 content model.
func (v Version) is2() bool { return v == V20 }

func versionOf(space string) (Version, bool) {
	switch space {
	case NS13:
		return V13, true
	case NS20:
		return V20, true
	case NS12:
		return V12, true
	}
	return "", false
}

// Ext is embedded in every typed AdminData value. It carries what the ODM model has no field
// for, so that nothing is lost, and remembers where the value came from.
//
// Attrs holds attributes in a vendor namespace, unknown unprefixed attributes and namespace
// declarations, in source order. Nodes holds child content the model does not define:
// vendor elements (pf:GroupRef, pf:Mnemonic, ...), unknown elements, comments, processing
// instructions and non-blank text. Look them up by namespace URI with [Ext.Attr] and
// [Ext.Elements], never by prefix.
//
// Line and Col give the start tag's position in the source (0 for values built in code).
type Ext struct {
	// base gives every typed value the model's default methods. It has no size; it
	// stands first because a zero-size field at the end of a struct is padded (so that
	// its address stays inside the value), which made every User, Address, ... eight
	// bytes larger, a User 488 bytes and so one of Go's 512-byte blocks instead of 480.
	base
	Attrs []Attr
	Nodes []Node
	Line  int
	Col   int

	// slots records, for nodes read from a source, how many standard child elements
	// stood before them, so that JSON and fresh encodings keep their place.
	slots map[Node]int
	// present has bit i set when single-valued text child i (in model order) was present
	// but empty in the source (<Pager/>), which a string field cannot express.
	present uint64
	// src is the layout of the source element, used to re-emit unchanged parts verbatim.
	src *source
}

// Attr returns the value of the extension attribute with namespace space and local name local.
func (x *Ext) Attr(space, local string) (string, bool) {
	for _, a := range x.Attrs {
		if a.Name.Is(space, local) {
			return a.Value, true
		}
	}
	return "", false
}

// SetAttr sets the extension attribute space:local, adding it (written with prefix) if absent.
// An empty prefix for a non-empty space lets the encoder choose one in scope or declare one.
func (x *Ext) SetAttr(space, prefix, local, value string) {
	x.Attrs = setAttr(x.Attrs, space, prefix, local, value)
}

// RemoveAttr deletes the extension attribute space:local if present.
func (x *Ext) RemoveAttr(space, local string) { x.Attrs = removeAttr(x.Attrs, space, local) }

// Elements returns the extension elements with namespace space and local name local.
func (x *Ext) Elements(space, local string) []*Element {
	var out []*Element
	for _, n := range x.Nodes {
		if e, ok := n.(*Element); ok && e.Name.Is(space, local) {
			out = append(out, e)
		}
	}
	return out
}

// Position returns the source line and column of the element (0, 0 when built in code).
func (x *Ext) Position() (line, col int) { return x.Line, x.Col }

// Child is a standard child element as it stood in the source.
type Child struct {
	Name  string // local name, as the document's ODM version spells it (Email, UserName, ...)
	Index int    // which of the children of that name (0 for the first Email, ...)
	Line  int    // position of its start tag
	Col   int
}

// Children returns the standard child elements of a value read from XML, in source order,
// with their positions: where an Email or a Country stood, and in which order the
// children came. It returns nil for values built in code and values read with
// ReadOptions.ValuesOnly; values read from JSON have the layout the JSON carries. Vendor and unknown children are in Nodes (elements carry their
// own Line and Col).
func (x *Ext) Children() []Child { return x.AppendChildren(nil) }

// AppendChildren appends what Children returns to dst and returns the extended slice:
// a caller that looks at the children of each record of a stream (odmadmin check does)
// reuses one slice instead of growing a new one for each.
func (x *Ext) AppendChildren(dst []Child) []Child {
	if x.src == nil || x.src.sp == nil {
		return dst
	}
	var buf [32]entry
	entries := x.src.entries(buf[:0])
	if dst == nil {
		n := 0
		for _, e := range entries {
			if e.kind == eField && x.src.sp.pos[int(e.field)] >= 0 {
				n++
			}
		}
		if n == 0 {
			return nil
		}
		dst = make([]Child, 0, n) // one allocation, of the size needed
	}
	for _, e := range entries {
		if e.kind != eField {
			continue
		}
		ki := x.src.sp.pos[int(e.field)]
		if ki < 0 {
			continue
		}
		dst = append(dst, Child{Name: x.src.sp.kids[ki].name, Index: int(e.item), Line: int(e.line), Col: int(e.col)})
	}
	return dst
}

// UserType is the ODM User/@UserType. ODM 1.3 allows Sponsor, Investigator, Lab, Other;
// ODM 2.0 adds Subject, Monitor, Data analyst, Care provider and Assessor.
type UserType string

const (
	UserSponsor      UserType = "Sponsor"
	UserInvestigator UserType = "Investigator"
	UserLab          UserType = "Lab"
	UserOther        UserType = "Other"
	UserSubject      UserType = "Subject"       // 2.0
	UserMonitor      UserType = "Monitor"       // 2.0
	UserDataAnalyst  UserType = "Data analyst"  // 2.0
	UserCareProvider UserType = "Care provider" // 2.0
	UserAssessor     UserType = "Assessor"      // 2.0
)

// Valid reports whether t is in the UserType value list of version v.
func (t UserType) Valid(v Version) bool {
	switch t {
	case UserSponsor, UserInvestigator, UserLab, UserOther:
		return true
	case UserSubject, UserMonitor, UserDataAnalyst, UserCareProvider, UserAssessor:
		return v.is2()
	}
	return false
}

// LocationType is the ODM 1.3 Location/@LocationType (removed in 2.0, which has Role).
type LocationType string

const (
	LocationSponsor LocationType = "Sponsor"
	LocationSite    LocationType = "Site"
	LocationCRO     LocationType = "CRO"
	LocationLab     LocationType = "Lab"
	LocationOther   LocationType = "Other"
)

// Valid reports whether t is in the ODM 1.3 LocationType value list.
func (t LocationType) Valid() bool {
	switch t {
	case LocationSponsor, LocationSite, LocationCRO, LocationLab, LocationOther:
		return true
	}
	return false
}

// Methodology is SignatureDef/@Methodology.
type Methodology string

const (
	MethodologyDigital    Methodology = "Digital"
	MethodologyElectronic Methodology = "Electronic"
)

// Valid reports whether m is Digital or Electronic.
func (m Methodology) Valid() bool { return m == MethodologyDigital || m == MethodologyElectronic }

// TelecomType is the ODM 2.0 Telecom/@TelecomType.
type TelecomType string

const (
	TelecomEmail TelecomType = "Email"
	TelecomPager TelecomType = "Pager"
	TelecomPhone TelecomType = "Phone"
	TelecomFax   TelecomType = "Fax"
	TelecomSMS   TelecomType = "SMS"
	TelecomURL   TelecomType = "URL"
	TelecomOther TelecomType = "Other"
)

// Valid reports whether t is in the ODM 2.0 TelecomType value list.
func (t TelecomType) Valid() bool {
	switch t {
	case TelecomEmail, TelecomPager, TelecomPhone, TelecomFax, TelecomSMS, TelecomURL, TelecomOther:
		return true
	}
	return false
}

// OrganizationType is the ODM 2.0 Organization/@Type.
type OrganizationType string

const (
	OrganizationSponsor            OrganizationType = "Sponsor"
	OrganizationSite               OrganizationType = "Site"
	OrganizationCRO                OrganizationType = "CRO"
	OrganizationLab                OrganizationType = "Lab"
	OrganizationOther              OrganizationType = "Other"
	OrganizationTechnologyProvider OrganizationType = "TechnologyProvider"
)

// Valid reports whether t is in the ODM 2.0 OrganizationType value list.
func (t OrganizationType) Valid() bool {
	switch t {
	case OrganizationSponsor, OrganizationSite, OrganizationCRO, OrganizationLab, OrganizationOther, OrganizationTechnologyProvider:
		return true
	}
	return false
}

// AdminData is one ODM AdminData element: the users, organizations (2.0), locations and
// signature definitions of one study (StudyOID) or, when StudyOID is empty, of all studies
// in the file. Vendor content such as InForm's pf:GroupDef lives in Nodes.
type AdminData struct {
	StudyOID      string
	Users         []*User
	Organizations []*Organization // ODM 2.0
	Locations     []*Location
	SignatureDefs []*SignatureDef
	Ext
}

// User is an ODM User. Fields are named after ODM 1.3; where ODM 2.0 renamed an element the
// comment says so, and fields that only one version has are marked. Encoding a field the
// document's version cannot hold is reported as ErrUnrepresentable.
type User struct {
	OID             string
	UserType        UserType
	OrganizationOID string // 2.0 attribute
	LocationOID     string // 2.0 attribute

	LoginName    string // 1.3 LoginName, 2.0 UserName
	DisplayName  string // 1.3 only
	Prefix       string // 2.0 only
	Suffix       string // 2.0 only
	FullName     string
	FirstName    string // 1.3 FirstName, 2.0 GivenName
	LastName     string // 1.3 LastName, 2.0 FamilyName
	Organization string // 1.3 only (2.0 uses OrganizationOID)
	Addresses    []*Address
	Emails       []string // 1.3 only (2.0 uses Telecoms)
	Picture      *Picture // 1.3 only
	Image        *Image   // 2.0 only
	Pager        string   // 1.3 only
	Faxes        []string // 1.3 only
	Phones       []string // 1.3 only
	LocationRefs []*LocationRef
	Certificates []string   // 1.3 only
	Telecoms     []*Telecom // 2.0 only
	Ext
}

// Address is an ODM Address. ODM 2.0 allows one StreetName and adds HouseNumber and GeoPosition.
type Address struct {
	StreetNames []string
	HouseNumber string // 2.0 only
	City        string
	StateProv   string
	Country     string
	PostalCode  string
	GeoPosition *GeoPosition // 2.0 only
	OtherText   string
	Ext
}

// GeoPosition is the ODM 2.0 Address/GeoPosition; values are decimal numbers kept as text.
type GeoPosition struct {
	Longitude string
	Latitude  string
	Altitude  string
	Ext
}

// Picture is the ODM 1.3 User/Picture.
type Picture struct {
	PictureFileName string
	ImageType       string
	Ext
}

// Image is the ODM 2.0 User/Image.
type Image struct {
	ImageFileName string
	Href          string // the href attribute
	MimeType      string
	Ext
}

// LocationRef is the ODM 1.3 User/LocationRef.
type LocationRef struct {
	LocationOID string
	Ext
}

// Telecom is the ODM 2.0 Telecom (e-mail, phone, fax, ... with its type).
type Telecom struct {
	TelecomType TelecomType
	Value       string
	Ext
}

// Location is an ODM Location (a site, sponsor, lab, ...).
type Location struct {
	OID                 string
	Name                string
	LocationType        LocationType // 1.3 only
	Role                string       // 2.0 only
	OrganizationOID     string       // 2.0 only
	Description         *Description // 2.0 only
	MetaDataVersionRefs []*MetaDataVersionRef
	Addresses           []*Address // 2.0 only
	Telecoms            []*Telecom // 2.0 only
	// Queries holds ODM 2.0 Location/Query elements verbatim; the model does not type them.
	Queries []*Element
	Ext
}

// MetaDataVersionRef says which study version a location uses from EffectiveDate on.
// EffectiveDate is kept as written; producers sometimes write a dateTime (see ParseDate).
type MetaDataVersionRef struct {
	StudyOID           string
	MetaDataVersionOID string
	EffectiveDate      string
	Ext
}

// SignatureDef is an ODM SignatureDef.
type SignatureDef struct {
	OID         string
	Methodology Methodology
	Meaning     string
	LegalReason string
	Ext
}

// Organization is an ODM 2.0 Organization.
type Organization struct {
	OID                   string
	Name                  string
	Role                  string
	Type                  OrganizationType
	LocationOID           string
	PartOfOrganizationOID string
	Description           *Description
	Addresses             []*Address
	Telecoms              []*Telecom
	Ext
}

// Description is an ODM 2.0 Description: translated texts.
type Description struct {
	TranslatedTexts []*TranslatedText
	Ext
}

// TranslatedText is one translation; Lang is xml:lang, Type the media type (2.0 requires it).
type TranslatedText struct {
	Lang string
	Type string
	Text string
	Ext
}
