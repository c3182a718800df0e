package mapping

import "github.com/odmadmin/odmadmin/odm"

// Directory is the normalized user administration of one export: who exists, where they
// may work (sites of studies) and in which role. Every profile reads into it and writes
// from it.
//
// One person is one User even when the source lists them in several AdminData blocks
// (OpenClinica writes one block per site study): users are merged by OID, then by login,
// and every block's assignments are kept.
type Directory struct {
	Studies []*Study `json:"studies"`
	Sites   []*Site  `json:"sites"`
	Users   []*User  `json:"users"`
	// Groups are vendor group definitions (InForm pf:GroupDef). Users refer to them by ID.
	Groups []*Group `json:"groups,omitempty"`
	// Organizations are ODM 2.0 Organization elements.
	Organizations []*Organization `json:"organizations,omitempty"`
	// Signatures are ODM SignatureDef elements, kept so that a round trip loses nothing.
	Signatures []*Signature `json:"signatures,omitempty"`
	// Source describes the file the directory was read from (nil when built in code).
	Source *FileSource `json:"source,omitempty"`

	// logins, when set, holds the logins of a user table by OID in place of its users
	// (LoginTable): a login lookup needs nothing else of them.
	logins *loginTable
	// renamed are the sites a migration spec's site rules renamed (old ID to new, Spec.Apply
	// and the streaming writers' spec runs): Patch writes a renamed site at the record of
	// its old OID, where its Source says the document has it.
	renamed map[string]string
	// userTable says the directory is a user table by OID's (ReadUserTable), which adds
	// values to the users of the files merged with it: a row no other file has a user of
	// is reported by the merge (orphanTableUsers).
	userTable bool
}

// empty reports whether d holds nothing an AdminData element would carry: no study,
// site, user, group, organization or signature.
// OrganizationNames returns the names of d's organizations by ID, the first of an ID
// (nil for none, or a nil d): the name a user that refers to its organization by OID
// (ODM 2.0) has where a name is written (ODM 1.3, the OpenClinica 4 table).
func (d *Directory) OrganizationNames() map[string]string {
	if d == nil {
		return nil
	}
	var m map[string]string
	for _, o := range d.Organizations {
		if o == nil || o.Name == "" {
			continue
		}
		if m == nil {
			m = map[string]string{}
		}
		if _, ok := m[o.ID]; !ok {
			m[o.ID] = o.Name
		}
	}
	return m
}

func (d *Directory) empty() bool {
	return len(d.Studies) == 0 && len(d.Sites) == 0 && len(d.Users) == 0 && len(d.Groups) == 0 &&
		len(d.Organizations) == 0 && len(d.Signatures) == 0
}

// Study is a study (ODM StudyOID). OpenClinica also exports each site as a study whose
// Parent is the real study; such a study is listed here and also as a Site.
type Study struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Protocol is the protocol name (ODM GlobalVariables/ProtocolName) when the file has it.
	Protocol string `json:"protocol,omitempty"`
	// Parent is the parent study's ID when this "study" is an OpenClinica site.
	Parent string `json:"parent,omitempty"`
	// Environment is the environment the study OID names, as Rave's "Project(Env)" does.
	Environment Environment `json:"environment,omitempty"`
}

// User is one person (or system account) with their assignments.
type User struct {
	// ID is the ODM User OID, trimmed of stray white space.
	ID string `json:"id"`
	// Login is the login name (ODM 1.3 LoginName, 2.0 UserName).
	Login       string `json:"login"`
	DisplayName string `json:"displayName"`
	// FullName is kept as written; it is never split into GivenName and FamilyName.
	FullName   string `json:"fullName,omitempty"`
	GivenName  string `json:"givenName"`
	FamilyName string `json:"familyName"`
	Prefix     string `json:"prefix,omitempty"`
	Suffix     string `json:"suffix,omitempty"`

	Emails []string `json:"emails"`
	Phones []string `json:"phones"`
	Faxes  []string `json:"faxes,omitempty"`
	Pager  string   `json:"pager,omitempty"`
	// Telecoms holds ODM 2.0 contacts that have no field above (SMS, URL, Other).
	Telecoms []Telecom `json:"telecoms,omitempty"`

	// Organization is the organization's name (ODM 1.3 Organization, OpenClinica's
	// institutional affiliation); OrganizationID is an ODM 2.0 Organization OID.
	Organization   string    `json:"organization,omitempty"`
	OrganizationID string    `json:"organizationId,omitempty"`
	Addresses      []Address `json:"addresses,omitempty"`
	Certificates   []string  `json:"certificates,omitempty"`
	Picture        *Picture  `json:"picture,omitempty"`

	// Locale is the user's locale (InForm pf:StudyLocale), e.g. "en-US".
	Locale string `json:"locale,omitempty"`
	// Type is the ODM UserType as written (Sponsor, Investigator, Lab, Other and the 2.0 values).
	Type     string   `json:"type,omitempty"`
	Category Category `json:"category"`
	Status   Status   `json:"status"`
	// External is true for accounts authenticated elsewhere (SSO, federated).
	External bool `json:"external,omitempty"`

	Groups      []GroupRef   `json:"groups"`
	Assignments []Assignment `json:"assignments"`

	Source *Source `json:"source,omitempty"`
}

// Assignment gives a user a role in a study, at one site or (Site empty) for the whole study.
type Assignment struct {
	Study string `json:"study"`
	// Site is a Site ID; empty for a study-level assignment.
	Site        string      `json:"site"`
	Role        Role        `json:"role"`
	Scope       Scope       `json:"scope"`
	Environment Environment `json:"environment"`
	// From and To bound the assignment as ISO dates (YYYY-MM-DD); empty means open.
	From string `json:"from"`
	To   string `json:"to"`
	// Depots are Clinical One depots the assignment covers ("All" as the template writes it).
	Depots []string `json:"depots,omitempty"`
}

// Equal reports whether a and b are the same assignment.
func (a Assignment) Equal(b Assignment) bool {
	return a.Study == b.Study && a.Site == b.Site && a.Role == b.Role && a.Scope == b.Scope &&
		a.Environment == b.Environment && a.From == b.From && a.To == b.To && equalStrings(a.Depots, b.Depots)
}

// Role is a vendor's role name, kept verbatim, and its canonical meaning. A zero Role means
// the source named no role (plain ODM and OpenClinica AdminData carry none).
type Role struct {
	Name      string    `json:"name"`
	Canonical Canonical `json:"canonical"`
}

// GroupRef is a user's membership in a vendor group: an InForm group (by GroupDef ID) or a
// Rave user group or site group (by name).
type GroupRef struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
	// Type is the group's kind: InForm GroupType (Rights, Site, Query, ...) or Rave
	// "UserGroup" / "SiteGroup".
	Type string `json:"type,omitempty"`
}

// Group is a vendor group definition (InForm pf:GroupDef) with its rights.
type Group struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Type   string   `json:"type"`
	Rights []string `json:"rights,omitempty"`
	// Study is the AdminData StudyOID the definition was read from.
	Study  string  `json:"study,omitempty"`
	Source *Source `json:"source,omitempty"`
}

// Site is a place where a study runs (ODM Location; an OpenClinica site study).
type Site struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Type is the ODM 1.3 LocationType or the ODM 2.0 Location Role, as written.
	Type string `json:"type,omitempty"`
	// Number is the site number or mnemonic (Rave mdsol:StudySiteNumber, InForm pf:Mnemonic).
	Number   string `json:"number"`
	Country  string `json:"country"`
	TimeZone string `json:"timeZone,omitempty"`
	Locale   string `json:"locale,omitempty"`
	Active   bool   `json:"active"`
	// Organization is an ODM 2.0 Organization OID.
	Organization string         `json:"organization,omitempty"`
	Description  string         `json:"description,omitempty"`
	Versions     []StudyVersion `json:"versions,omitempty"`
	Addresses    []Address      `json:"addresses,omitempty"`
	Telecoms     []Telecom      `json:"telecoms,omitempty"`
	// Study is the parent study of an OpenClinica site study.
	Study  string  `json:"study,omitempty"`
	Source *Source `json:"source,omitempty"`
}

// StudyVersion says which study version (ODM MetaDataVersionRef) a site uses from Effective on.
type StudyVersion struct {
	Study   string `json:"study"`
	Version string `json:"version"`
	// Effective is the EffectiveDate as written.
	Effective string `json:"effective"`
	// Number is a per-study site number carried on the reference (Rave mdsol:StudySiteNumber).
	Number string `json:"number,omitempty"`
}

// Organization is an ODM 2.0 Organization.
type Organization struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Type        string    `json:"type"`
	Role        string    `json:"role,omitempty"`
	Site        string    `json:"site,omitempty"` // LocationOID
	PartOf      string    `json:"partOf,omitempty"`
	Description string    `json:"description,omitempty"`
	Addresses   []Address `json:"addresses,omitempty"`
	Telecoms    []Telecom `json:"telecoms,omitempty"`
	Study       string    `json:"study,omitempty"`
	Source      *Source   `json:"source,omitempty"`
}

// Signature is an ODM SignatureDef.
type Signature struct {
	ID          string  `json:"id"`
	Methodology string  `json:"methodology,omitempty"`
	Meaning     string  `json:"meaning"`
	LegalReason string  `json:"legalReason"`
	Study       string  `json:"study,omitempty"`
	Source      *Source `json:"source,omitempty"`
}

// Address is a postal address. ODM 1.3 allows several street lines, ODM 2.0 one plus a
// house number and a geographic position.
type Address struct {
	StreetNames []string `json:"streetNames,omitempty"`
	HouseNumber string   `json:"houseNumber,omitempty"`
	City        string   `json:"city,omitempty"`
	StateProv   string   `json:"stateProv,omitempty"`
	Country     string   `json:"country,omitempty"`
	PostalCode  string   `json:"postalCode,omitempty"`
	OtherText   string   `json:"otherText,omitempty"`
	// Longitude, Latitude and Altitude are the ODM 2.0 GeoPosition, as written.
	Longitude string `json:"longitude,omitempty"`
	Latitude  string `json:"latitude,omitempty"`
	Altitude  string `json:"altitude,omitempty"`
}

// Telecom is a typed contact (ODM 2.0 Telecom): Type is Email, Phone, Fax, Pager, SMS, URL or Other.
type Telecom struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Picture is a user's picture: ODM 1.3 Picture (File, Type) or ODM 2.0 Image (File, Href, MIMEType).
type Picture struct {
	File     string `json:"file,omitempty"`
	Type     string `json:"type,omitempty"`
	Href     string `json:"href,omitempty"`
	MIMEType string `json:"mimeType,omitempty"`
}

// Source records where a value came from, so that writing it back to the same vendor
// loses nothing: the profile that read it, its original identifiers, and every vendor
// extension attribute verbatim.
type Source struct {
	Vendor Profile `json:"vendor"`
	// IDs are original identifiers the attributes do not hold: "OID" when the OID needed
	// trimming. Vendor ids (InForm pf:DBUID and pf:GUID) are in Attrs; use Source.ID.
	IDs map[string]string `json:"ids,omitempty"`
	// Attrs are the vendor extension attributes in source order.
	Attrs []Attr `json:"attrs,omitempty"`
	// Elements are vendor extension elements the model has no field for, as XML text.
	Elements []string `json:"elements,omitempty"`
	// Studies are the StudyOIDs of the AdminData blocks the value was read from ("" for a
	// block without StudyOID), in order.
	Studies []string `json:"studies,omitempty"`
	// RolesFor is the profile a migration spec with role rules mapped the user's roles
	// for (Spec.Apply), so that their names are that target's, not Vendor's: a write into
	// it does not warn that they are another vendor's (CodeRoleVerbatim); RolesForAny when
	// the spec was applied without a target (map --spec --to json). It is kept in the
	// directory JSON, so that a mapped directory read back is still mapped.
	RolesFor Profile `json:"rolesFor,omitempty"`
	// Variants are the values in which the value's later listings (its records in other
	// AdminData blocks, or in other files merged in) differ from the values kept, which
	// are the first listing's: per study, per model field or vendor attribute. Reading
	// reports each as CodeMergeConflict; InStudy gives the value as one listing holds it,
	// the writers write each listing so, and package diff compares them study by study.
	// Nil when the listings agree, as they do in most files.
	Variants []Variant `json:"variants,omitempty"`

	// recs are the values as decoded, one per AdminData block, reused when writing back
	// to the same vendor so that layout and unmapped content survive.
	recs []record
	// line and col are where the value's first record starts in its file, when it was
	// read as a stream (which keeps no recs; 0 when unknown): a merge conflict names it.
	line, col int
	// asRead, for a user read from several records of one document (a person in several
	// AdminData blocks), is the fingerprint of the user as the reader made it
	// (userFingerprint), 0 otherwise: Patch writes each record of such a user that is
	// still as read as it was read, not from the values merged from all its records
	// (see patcher.mergedAsRead).
	asRead uint64
}

// ID returns the original identifier called name: IDs[name], else the value of the vendor
// extension attribute with that local name ("DBUID", "GUID" for InForm), else "".
func (s *Source) ID(name string) string {
	if s == nil {
		return ""
	}
	if v, ok := s.IDs[name]; ok {
		return v
	}
	for _, a := range s.Attrs {
		if a.Name == name && a.Space != "" {
			return a.Value
		}
	}
	return ""
}

// Attr is a vendor extension attribute: namespace URI, local name and value.
type Attr struct {
	Space string `json:"ns"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

// FileSource describes the file a Directory was read from.
type FileSource struct {
	Vendor  Profile     `json:"vendor"`
	Version odm.Version `json:"odmVersion"`
	// Attrs are the ODM root element's attributes (FileOID, CreationDateTime, vendor ones).
	// Read from a file they are never nil: a root without attributes has an empty list
	// ("attrs": [] in JSON), which WriteODM writes back as such into the same vendor and
	// version. Nil (the key absent) means they are not known, and WriteODM adds those ODM
	// requires (FileType, FileOID, CreationDateTime).
	Attrs []Attr `json:"attrs,omitzero"`
	// Blocks are the AdminData blocks in file order. Read from an ODM file they are never
	// nil: a file without AdminData has an empty list ("blocks": []), and WriteODM writes
	// no AdminData back into the same vendor for a directory that still has nothing to put
	// in one.
	Blocks []Block `json:"blocks,omitzero"`

	doc *odm.Document
}

// Block is one AdminData element of the source: its StudyOID and extension attributes.
type Block struct {
	Study string `json:"study"`
	Attrs []Attr `json:"attrs,omitempty"`
	// Elements are AdminData-level vendor elements the model has no field for, as XML text.
	Elements []string `json:"elements,omitempty"`

	ad *odm.AdminData
	// hidden are records that are not part of the model but belong to the block, such as
	// InForm's automatic "Unknown" Location.
	hidden []record
}

// record is one decoded value and the AdminData block (index into FileSource.Blocks) and
// position it had there.
type record struct {
	block int
	pos   int
	v     any
}

// Category is the kind of account, independent of the study role.
type Category string

const (
	CategorySystem      Category = "System"
	CategorySite        Category = "Site"
	CategorySponsor     Category = "Sponsor"
	CategorySupport     Category = "Support"
	CategoryIntegration Category = "Integration"
	CategoryParticipant Category = "Participant"
)

// Status is an account status, in OpenClinica 4's vocabulary ("OpenClinica 4: Using
// OpenClinica as an Administrator").
type Status string

const (
	// StatusCreated: the account exists but has no role yet.
	StatusCreated Status = "Created"
	// StatusInvited: a role is assigned but the user has not activated the account.
	StatusInvited Status = "Invited"
	// StatusAvailable: the account is active.
	StatusAvailable Status = "Available"
	// StatusDeactivated: the account can no longer log in.
	StatusDeactivated Status = "Deactivated"
)

// Environment is where an assignment applies.
type Environment string

const (
	EnvProduction Environment = "Production"
	EnvTest       Environment = "Test"
	EnvTraining   Environment = "Training"
	EnvDesign     Environment = "Design"
)

// Scope says whether an assignment covers a whole study or one site.
type Scope string

const (
	ScopeStudy Scope = "study"
	ScopeSite  Scope = "site"
)

// Canonical is a role in the one vocabulary all vendors map to.
type Canonical string

// The canonical roles: what a role lets its holder do, the same across vendors, so that a
// role read from one vendor can be written as the matching role of another.
const (
	RoleSystemAdmin    Canonical = "SystemAdmin"
	RoleOrgAdmin       Canonical = "OrgAdmin"
	RoleUserAdmin      Canonical = "UserAdmin"
	RoleSiteAdmin      Canonical = "SiteAdmin"
	RoleStudyDirector  Canonical = "StudyDirector"
	RoleDataManager    Canonical = "DataManager"
	RoleDataSpecialist Canonical = "DataSpecialist"
	RoleInvestigator   Canonical = "Investigator"
	RoleCRC            Canonical = "CRC"
	RoleDataEntry      Canonical = "DataEntry"
	RoleMonitor        Canonical = "Monitor"
	RoleMedicalMonitor Canonical = "MedicalMonitor"
	RoleViewer         Canonical = "Viewer"
	RoleSponsor        Canonical = "Sponsor"
	RoleSupport        Canonical = "Support"
	RoleIntegration    Canonical = "Integration"
	RoleParticipant    Canonical = "Participant"
	RoleStudyDesigner  Canonical = "StudyDesigner"
	RoleStatistician   Canonical = "Statistician"
	RolePharmacist     Canonical = "Pharmacist"
	RoleDepotUser      Canonical = "DepotUser"
	RoleSupplyManager  Canonical = "SupplyManager"
	RoleAdjudicator    Canonical = "Adjudicator"
	RoleLab            Canonical = "Lab"
	RoleOther          Canonical = "Other"
)

// Profile names a vendor flavour of ODM (or the Clinical One CSV template).
type Profile string

const (
	ProfileInForm      Profile = "inform"
	ProfileRave        Profile = "rave"
	ProfileOpenClinica Profile = "openclinica"
	ProfileODM         Profile = "odm"  // plain ODM 1.3.2
	ProfileODM2        Profile = "odm2" // plain ODM 2.0
	ProfileClinicalOne Profile = "clinicalone"
)
