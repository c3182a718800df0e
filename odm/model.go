package odm

// This file describes the ODM content models as data, so that one decoder and one encoder
// serve every typed element and both versions. Field ids are per type and stable; each
// version lists the children it allows in schema order, with their element names.

type kind uint8

const (
	kText  kind = iota // single text-only child element
	kTexts             // repeated text-only child element
	kOne               // single typed child
	kMany              // repeated typed child
	kElems             // repeated child kept as generic elements (ODM 2.0 Location/Query)
)

type attrSpec struct {
	space string // "" for unprefixed attributes
	name  string
	field int
	// oid marks attributes of type oid/oidref, checked for stray white space.
	oid bool
	// date marks xs:date attributes.
	date bool
}

type kidSpec struct {
	name  string
	kind  kind
	field int
}

type spec struct {
	name  string
	attrs []attrSpec
	kids  []kidSpec
	// text is true when the element has text content of its own (TranslatedText).
	text bool
	// pos maps field id to the index of its kid in kids, -1 when the version lacks it.
	pos []int
	// all is the number of field ids of the type (across versions).
	nfields int
	// rec marks the records of AdminData (User, Location, ...): the decoder's arena is cut
	// after each.
	rec bool
	// textChecks marks, by field id, the text children checkText looks at: the decoder
	// calls it for those only (most text children of a record are none of them).
	textChecks uint64
}

func (s *spec) kid(local string) (kidSpec, int, bool) {
	for i, k := range s.kids {
		if k.name == local {
			return k, i, true
		}
	}
	return kidSpec{}, -1, false
}

// kidFrom is kid searching from position from on first: children mostly come in schema
// order, so the search usually ends at once.
func (s *spec) kidFrom(local string, from int) (kidSpec, int, bool) {
	for i := from; i < len(s.kids); i++ {
		if s.kids[i].name == local {
			return s.kids[i], i, true
		}
	}
	for i := 0; i < from && i < len(s.kids); i++ {
		if s.kids[i].name == local {
			return s.kids[i], i, true
		}
	}
	return kidSpec{}, -1, false
}

// attrIndex is the index in attrs of the attribute named space, local, or -1.
func (s *spec) attrIndex(space, local string) int {
	for i := range s.attrs {
		if a := &s.attrs[i]; a.name == local && a.space == space {
			return i
		}
	}
	return -1
}

func (s *spec) attr(space, local string) (attrSpec, bool) {
	for _, a := range s.attrs {
		if a.name == local && a.space == space {
			return a, true
		}
	}
	return attrSpec{}, false
}

func mkspec(name string, nfields int, attrs []attrSpec, kids []kidSpec) *spec {
	s := &spec{name: name, attrs: attrs, kids: kids, nfields: nfields}
	switch name {
	case "User", "Organization", "Location", "SignatureDef":
		s.rec = true
	}
	if name == "User" {
		s.textChecks = userTextChecks
	}
	s.pos = make([]int, nfields)
	for i := range s.pos {
		s.pos[i] = -1
	}
	for i, k := range kids {
		s.pos[k.field] = i
	}
	return s
}

// model is implemented by every typed AdminData value. The accessors take a field id and
// return a pointer into the value, so decoding and encoding need no reflection and no
// per-field allocation.
type model interface {
	Node
	ext() *Ext
	spec(v Version) *spec
	attrPtr(f int) *string
	textPtr(f int) *string
	textsPtr(f int) *[]string
	oneGet(f int) model
	oneNew(f int) model
	manyLen(f int) int
	manyAt(f, i int) model
	manyNew(f int) model
	elemsPtr(f int) *[]*Element
}

// modelOf returns p's model, nil for a nil p: a slice of records built in code may hold
// a nil entry, which carries no value and is written as nothing.
func modelOf[P interface {
	comparable
	model() model
}](p P) model {
	var none P
	if p == none {
		return nil
	}
	return p.model()
}

// base gives default accessors; it is embedded in Ext so every typed value has them and
// each model type overrides what it has.
type base struct{}

func (base) attrPtr(int) *string             { return nil }
func (base) textPtr(int) *string             { return nil }
func (base) textsPtr(int) *[]string          { return nil }
func (base) oneGet(int) model                { return nil }
func (base) oneNew(int) model                { return nil }
func (base) manyLen(int) int                 { return 0 }
func (base) manyAt(int, int) model           { return nil }
func (base) manyNew(int) model               { return nil }
func (base) elemsPtr(int) *[]*Element        { return nil }
func (x *Ext) ext() *Ext                     { return x }
func (*Ext) isNode()                         {}
func oneOf[T any, P interface{ *T }](p *P) P { *p = new(T); return *p }

// grow appends a new zero value to *p and returns it. A value left beyond the length by a
// record that ReadOptions.Reuse recycles (Reader.newRecord truncates its slices) is
// zeroed and used again instead of a new one.
func grow[T any](p *[]*T) *T {
	s := *p
	if n := len(s); n < cap(s) {
		if v := s[:n+1][n]; v != nil {
			var zero T
			*v = zero
			*p = s[:n+1]
			return v
		}
	}
	if cap(s) == 0 {
		// The first value (usually the only one: a user's Address or LocationRef) and the
		// slice's array in one allocation.
		b := new(growBox[T])
		b.arr[0] = &b.v
		*p = b.arr[:]
		return &b.v
	}
	v := new(T)
	*p = append(s, v)
	return v
}

type growBox[T any] struct {
	v   T
	arr [1]*T
}

// ---- AdminData

const (
	adUsers = iota
	adOrganizations
	adLocations
	adSignatureDefs
	adN
)

var (
	specAdminData13 = mkspec("AdminData", adN,
		[]attrSpec{{name: "StudyOID", field: 0, oid: true}},
		[]kidSpec{{"User", kMany, adUsers}, {"Location", kMany, adLocations}, {"SignatureDef", kMany, adSignatureDefs}})
	specAdminData20 = mkspec("AdminData", adN,
		[]attrSpec{{name: "StudyOID", field: 0, oid: true}},
		[]kidSpec{{"User", kMany, adUsers}, {"Organization", kMany, adOrganizations}, {"Location", kMany, adLocations}, {"SignatureDef", kMany, adSignatureDefs}})
)

type adminDataModel AdminData

func (a *AdminData) model() model { return (*adminDataModel)(a) }

func (m *adminDataModel) spec(v Version) *spec {
	if v.is2() {
		return specAdminData20
	}
	return specAdminData13
}
func (m *adminDataModel) attrPtr(f int) *string { return &m.StudyOID }
func (m *adminDataModel) manyLen(f int) int {
	switch f {
	case adUsers:
		return len(m.Users)
	case adOrganizations:
		return len(m.Organizations)
	case adLocations:
		return len(m.Locations)
	case adSignatureDefs:
		return len(m.SignatureDefs)
	}
	return 0
}
func (m *adminDataModel) manyAt(f, i int) model {
	switch f {
	case adUsers:
		return modelOf(m.Users[i])
	case adOrganizations:
		return modelOf(m.Organizations[i])
	case adLocations:
		return modelOf(m.Locations[i])
	case adSignatureDefs:
		return modelOf(m.SignatureDefs[i])
	}
	return nil
}
func (m *adminDataModel) manyNew(f int) model {
	switch f {
	case adUsers:
		v := grow(&m.Users)
		return v.model()
	case adOrganizations:
		v := grow(&m.Organizations)
		return v.model()
	case adLocations:
		v := grow(&m.Locations)
		return v.model()
	case adSignatureDefs:
		v := grow(&m.SignatureDefs)
		return v.model()
	}
	return nil
}

// ---- User

const (
	uLoginName = iota
	uDisplayName
	uPrefix
	uSuffix
	uFullName
	uFirstName
	uLastName
	uOrganization
	uAddresses
	uEmails
	uPicture
	uImage
	uPager
	uFaxes
	uPhones
	uLocationRefs
	uCertificates
	uTelecoms
	uN
)

var (
	specUser13 = mkspec("User", uN,
		[]attrSpec{{name: "OID", field: 0, oid: true}, {name: "UserType", field: 1}},
		[]kidSpec{{"LoginName", kText, uLoginName}, {"DisplayName", kText, uDisplayName}, {"FullName", kText, uFullName},
			{"FirstName", kText, uFirstName}, {"LastName", kText, uLastName}, {"Organization", kText, uOrganization},
			{"Address", kMany, uAddresses}, {"Email", kTexts, uEmails}, {"Picture", kOne, uPicture}, {"Pager", kText, uPager},
			{"Fax", kTexts, uFaxes}, {"Phone", kTexts, uPhones}, {"LocationRef", kMany, uLocationRefs}, {"Certificate", kTexts, uCertificates}})
	specUser20 = mkspec("User", uN,
		[]attrSpec{{name: "OID", field: 0, oid: true}, {name: "UserType", field: 1}, {name: "OrganizationOID", field: 2, oid: true}, {name: "LocationOID", field: 3, oid: true}},
		[]kidSpec{{"UserName", kText, uLoginName}, {"Prefix", kText, uPrefix}, {"Suffix", kText, uSuffix}, {"FullName", kText, uFullName},
			{"GivenName", kText, uFirstName}, {"FamilyName", kText, uLastName}, {"Image", kOne, uImage},
			{"Address", kMany, uAddresses}, {"Telecom", kMany, uTelecoms}})
)

type userModel User

func (u *User) model() model { return (*userModel)(u) }

func (m *userModel) spec(v Version) *spec {
	if v.is2() {
		return specUser20
	}
	return specUser13
}
func (m *userModel) attrPtr(f int) *string {
	switch f {
	case 0:
		return &m.OID
	case 1:
		return (*string)(&m.UserType)
	case 2:
		return &m.OrganizationOID
	case 3:
		return &m.LocationOID
	}
	return nil
}
func (m *userModel) textPtr(f int) *string {
	switch f {
	case uLoginName:
		return &m.LoginName
	case uDisplayName:
		return &m.DisplayName
	case uPrefix:
		return &m.Prefix
	case uSuffix:
		return &m.Suffix
	case uFullName:
		return &m.FullName
	case uFirstName:
		return &m.FirstName
	case uLastName:
		return &m.LastName
	case uOrganization:
		return &m.Organization
	case uPager:
		return &m.Pager
	}
	return nil
}
func (m *userModel) textsPtr(f int) *[]string {
	switch f {
	case uEmails:
		return &m.Emails
	case uFaxes:
		return &m.Faxes
	case uPhones:
		return &m.Phones
	case uCertificates:
		return &m.Certificates
	}
	return nil
}
func (m *userModel) oneGet(f int) model {
	switch f {
	case uPicture:
		if m.Picture != nil {
			return m.Picture.model()
		}
	case uImage:
		if m.Image != nil {
			return m.Image.model()
		}
	}
	return nil
}
func (m *userModel) oneNew(f int) model {
	switch f {
	case uPicture:
		return oneOf(&m.Picture).model()
	case uImage:
		return oneOf(&m.Image).model()
	}
	return nil
}
func (m *userModel) manyLen(f int) int {
	switch f {
	case uAddresses:
		return len(m.Addresses)
	case uLocationRefs:
		return len(m.LocationRefs)
	case uTelecoms:
		return len(m.Telecoms)
	}
	return 0
}
func (m *userModel) manyAt(f, i int) model {
	switch f {
	case uAddresses:
		return modelOf(m.Addresses[i])
	case uLocationRefs:
		return modelOf(m.LocationRefs[i])
	case uTelecoms:
		return modelOf(m.Telecoms[i])
	}
	return nil
}
func (m *userModel) manyNew(f int) model {
	switch f {
	case uAddresses:
		v := grow(&m.Addresses)
		return v.model()
	case uLocationRefs:
		v := grow(&m.LocationRefs)
		return v.model()
	case uTelecoms:
		v := grow(&m.Telecoms)
		return v.model()
	}
	return nil
}

// ---- Address

const (
	aStreetNames = iota
	aHouseNumber
	aCity
	aStateProv
	aCountry
	aPostalCode
	aGeoPosition
	aOtherText
	aN
)

var (
	specAddress13 = mkspec("Address", aN, nil,
		[]kidSpec{{"StreetName", kTexts, aStreetNames}, {"City", kText, aCity}, {"StateProv", kText, aStateProv},
			{"Country", kText, aCountry}, {"PostalCode", kText, aPostalCode}, {"OtherText", kText, aOtherText}})
	specAddress20 = mkspec("Address", aN, nil,
		[]kidSpec{{"StreetName", kTexts, aStreetNames}, {"HouseNumber", kText, aHouseNumber}, {"City", kText, aCity},
			{"StateProv", kText, aStateProv}, {"Country", kText, aCountry}, {"PostalCode", kText, aPostalCode},
			{"GeoPosition", kOne, aGeoPosition}, {"OtherText", kText, aOtherText}})
)

type addressModel Address

func (a *Address) model() model { return (*addressModel)(a) }

func (m *addressModel) spec(v Version) *spec {
	if v.is2() {
		return specAddress20
	}
	return specAddress13
}
func (m *addressModel) textPtr(f int) *string {
	switch f {
	case aHouseNumber:
		return &m.HouseNumber
	case aCity:
		return &m.City
	case aStateProv:
		return &m.StateProv
	case aCountry:
		return &m.Country
	case aPostalCode:
		return &m.PostalCode
	case aOtherText:
		return &m.OtherText
	}
	return nil
}
func (m *addressModel) textsPtr(f int) *[]string {
	if f == aStreetNames {
		return &m.StreetNames
	}
	return nil
}
func (m *addressModel) oneGet(f int) model {
	if f == aGeoPosition && m.GeoPosition != nil {
		return m.GeoPosition.model()
	}
	return nil
}
func (m *addressModel) oneNew(f int) model {
	if f == aGeoPosition {
		return oneOf(&m.GeoPosition).model()
	}
	return nil
}

// ---- small attribute-only types

var (
	specGeoPosition = mkspec("GeoPosition", 0, []attrSpec{{name: "Longitude", field: 0}, {name: "Latitude", field: 1}, {name: "Altitude", field: 2}}, nil)
	specPicture     = mkspec("Picture", 0, []attrSpec{{name: "PictureFileName", field: 0}, {name: "ImageType", field: 1}}, nil)
	specImage       = mkspec("Image", 0, []attrSpec{{name: "ImageFileName", field: 0}, {name: "href", field: 1}, {name: "MimeType", field: 2}}, nil)
	specLocationRef = mkspec("LocationRef", 0, []attrSpec{{name: "LocationOID", field: 0, oid: true}}, nil)
	specTelecom     = mkspec("Telecom", 0, []attrSpec{{name: "TelecomType", field: 0}, {name: "Value", field: 1}}, nil)
	specMDVRef      = mkspec("MetaDataVersionRef", 0, []attrSpec{{name: "StudyOID", field: 0, oid: true}, {name: "MetaDataVersionOID", field: 1, oid: true}, {name: "EffectiveDate", field: 2, date: true}}, nil)
	specTransText   = func() *spec {
		s := mkspec("TranslatedText", 0, []attrSpec{{space: NSXML, name: "lang", field: 0}, {name: "Type", field: 1}}, nil)
		s.text = true
		return s
	}()
)

type geoModel GeoPosition

func (g *GeoPosition) model() model       { return (*geoModel)(g) }
func (m *geoModel) spec(Version) *spec    { return specGeoPosition }
func (m *geoModel) attrPtr(f int) *string { return pick(f, &m.Longitude, &m.Latitude, &m.Altitude) }

type pictureModel Picture

func (p *Picture) model() model               { return (*pictureModel)(p) }
func (m *pictureModel) spec(Version) *spec    { return specPicture }
func (m *pictureModel) attrPtr(f int) *string { return pick(f, &m.PictureFileName, &m.ImageType) }

type imageModel Image

func (p *Image) model() model               { return (*imageModel)(p) }
func (m *imageModel) spec(Version) *spec    { return specImage }
func (m *imageModel) attrPtr(f int) *string { return pick(f, &m.ImageFileName, &m.Href, &m.MimeType) }

type locRefModel LocationRef

func (l *LocationRef) model() model          { return (*locRefModel)(l) }
func (m *locRefModel) spec(Version) *spec    { return specLocationRef }
func (m *locRefModel) attrPtr(f int) *string { return pick(f, &m.LocationOID) }

type telecomModel Telecom

func (t *Telecom) model() model               { return (*telecomModel)(t) }
func (m *telecomModel) spec(Version) *spec    { return specTelecom }
func (m *telecomModel) attrPtr(f int) *string { return pick(f, (*string)(&m.TelecomType), &m.Value) }

type mdvModel MetaDataVersionRef

func (r *MetaDataVersionRef) model() model { return (*mdvModel)(r) }
func (m *mdvModel) spec(Version) *spec     { return specMDVRef }
func (m *mdvModel) attrPtr(f int) *string {
	return pick(f, &m.StudyOID, &m.MetaDataVersionOID, &m.EffectiveDate)
}

type transTextModel TranslatedText

func (t *TranslatedText) model() model          { return (*transTextModel)(t) }
func (m *transTextModel) spec(Version) *spec    { return specTransText }
func (m *transTextModel) attrPtr(f int) *string { return pick(f, &m.Lang, &m.Type) }
func (m *transTextModel) textPtr(f int) *string { return &m.Text }

func pick(f int, ps ...*string) *string {
	if f >= 0 && f < len(ps) {
		return ps[f]
	}
	return nil
}

// ---- Description

var specDescription = mkspec("Description", 1, nil, []kidSpec{{"TranslatedText", kMany, 0}})

type descModel Description

func (d *Description) model() model        { return (*descModel)(d) }
func (m *descModel) spec(Version) *spec    { return specDescription }
func (m *descModel) manyLen(int) int       { return len(m.TranslatedTexts) }
func (m *descModel) manyAt(_, i int) model { return modelOf(m.TranslatedTexts[i]) }
func (m *descModel) manyNew(int) model {
	v := grow(&m.TranslatedTexts)
	return v.model()
}

// ---- Location

const (
	lDescription = iota
	lMDVRefs
	lAddresses
	lTelecoms
	lQueries
	lN
)

var (
	specLocation13 = mkspec("Location", lN,
		[]attrSpec{{name: "OID", field: 0, oid: true}, {name: "Name", field: 1}, {name: "LocationType", field: 2}},
		[]kidSpec{{"MetaDataVersionRef", kMany, lMDVRefs}})
	specLocation20 = mkspec("Location", lN,
		[]attrSpec{{name: "OID", field: 0, oid: true}, {name: "Name", field: 1}, {name: "Role", field: 3}, {name: "OrganizationOID", field: 4, oid: true}},
		[]kidSpec{{"Description", kOne, lDescription}, {"MetaDataVersionRef", kMany, lMDVRefs}, {"Address", kMany, lAddresses},
			{"Telecom", kMany, lTelecoms}, {"Query", kElems, lQueries}})
)

type locationModel Location

func (l *Location) model() model { return (*locationModel)(l) }
func (m *locationModel) spec(v Version) *spec {
	if v.is2() {
		return specLocation20
	}
	return specLocation13
}
func (m *locationModel) attrPtr(f int) *string {
	return pick(f, &m.OID, &m.Name, (*string)(&m.LocationType), &m.Role, &m.OrganizationOID)
}
func (m *locationModel) oneGet(f int) model {
	if f == lDescription && m.Description != nil {
		return m.Description.model()
	}
	return nil
}
func (m *locationModel) oneNew(f int) model {
	if f == lDescription {
		return oneOf(&m.Description).model()
	}
	return nil
}
func (m *locationModel) manyLen(f int) int {
	switch f {
	case lMDVRefs:
		return len(m.MetaDataVersionRefs)
	case lAddresses:
		return len(m.Addresses)
	case lTelecoms:
		return len(m.Telecoms)
	}
	return 0
}
func (m *locationModel) manyAt(f, i int) model {
	switch f {
	case lMDVRefs:
		return modelOf(m.MetaDataVersionRefs[i])
	case lAddresses:
		return modelOf(m.Addresses[i])
	case lTelecoms:
		return modelOf(m.Telecoms[i])
	}
	return nil
}
func (m *locationModel) manyNew(f int) model {
	switch f {
	case lMDVRefs:
		v := grow(&m.MetaDataVersionRefs)
		return v.model()
	case lAddresses:
		v := grow(&m.Addresses)
		return v.model()
	case lTelecoms:
		v := grow(&m.Telecoms)
		return v.model()
	}
	return nil
}
func (m *locationModel) elemsPtr(f int) *[]*Element {
	if f == lQueries {
		return &m.Queries
	}
	return nil
}

// ---- SignatureDef

var specSignatureDef = mkspec("SignatureDef", 2,
	[]attrSpec{{name: "OID", field: 0, oid: true}, {name: "Methodology", field: 1}},
	[]kidSpec{{"Meaning", kText, 0}, {"LegalReason", kText, 1}})

type sigModel SignatureDef

func (s *SignatureDef) model() model      { return (*sigModel)(s) }
func (m *sigModel) spec(Version) *spec    { return specSignatureDef }
func (m *sigModel) attrPtr(f int) *string { return pick(f, &m.OID, (*string)(&m.Methodology)) }
func (m *sigModel) textPtr(f int) *string { return pick(f, &m.Meaning, &m.LegalReason) }

// ---- Organization (2.0)

const (
	oDescription = iota
	oAddresses
	oTelecoms
	oN
)

var specOrganization = mkspec("Organization", oN,
	[]attrSpec{{name: "OID", field: 0, oid: true}, {name: "Name", field: 1}, {name: "Role", field: 2}, {name: "Type", field: 3},
		{name: "LocationOID", field: 4, oid: true}, {name: "PartOfOrganizationOID", field: 5, oid: true}},
	[]kidSpec{{"Description", kOne, oDescription}, {"Address", kMany, oAddresses}, {"Telecom", kMany, oTelecoms}})

type orgModel Organization

func (o *Organization) model() model   { return (*orgModel)(o) }
func (m *orgModel) spec(Version) *spec { return specOrganization }
func (m *orgModel) attrPtr(f int) *string {
	return pick(f, &m.OID, &m.Name, &m.Role, (*string)(&m.Type), &m.LocationOID, &m.PartOfOrganizationOID)
}
func (m *orgModel) oneGet(f int) model {
	if f == oDescription && m.Description != nil {
		return m.Description.model()
	}
	return nil
}
func (m *orgModel) oneNew(f int) model {
	if f == oDescription {
		return oneOf(&m.Description).model()
	}
	return nil
}
func (m *orgModel) manyLen(f int) int {
	switch f {
	case oAddresses:
		return len(m.Addresses)
	case oTelecoms:
		return len(m.Telecoms)
	}
	return 0
}
func (m *orgModel) manyAt(f, i int) model {
	switch f {
	case oAddresses:
		return modelOf(m.Addresses[i])
	case oTelecoms:
		return modelOf(m.Telecoms[i])
	}
	return nil
}
func (m *orgModel) manyNew(f int) model {
	switch f {
	case oAddresses:
		v := grow(&m.Addresses)
		return v.model()
	case oTelecoms:
		v := grow(&m.Telecoms)
		return v.model()
	}
	return nil
}

// kidBytes is kidFrom for a name as the XML scanner holds it.
func (s *spec) kidBytes(local []byte, from int) (kidSpec, int, bool) {
	for i := from; i < len(s.kids); i++ {
		if s.kids[i].name == string(local) {
			return s.kids[i], i, true
		}
	}
	for i := 0; i < from && i < len(s.kids); i++ {
		if s.kids[i].name == string(local) {
			return s.kids[i], i, true
		}
	}
	return kidSpec{}, -1, false
}
