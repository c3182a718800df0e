package mapping

import (
	"context"
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
func (p Profile) namespace() string {
	switch p {
	case ProfileInForm:
		return odm.NSInForm
	case ProfileRave:
		return odm.NSRave
	case ProfileOpenClinica:
		return odm.NSOpenClinica
	}
	return ""
}

// isOpenClinicaNS reports whether space is one of OpenClinica's extension namespaces.
func isOpenClinicaNS(space string) bool {
	return space == odm.NSOpenClinica || space == odm.NSOpenClinica12
}

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
		switch {
		case space == odm.NSInForm:
			return ProfileInForm
		case space == odm.NSRave:
			return ProfileRave
		case isOpenClinicaNS(space):
			return ProfileOpenClinica
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
	// current users in the Clinical One export. Default: time.Now().
	Now time.Time
	// RawCSV writes CSV cells (Clinical One template, OpenClinica 4 table) as they are.
	// Default (false): a cell that a spreadsheet would run as a formula gets a leading
	// apostrophe (see WriteClinicalOneCSV). Workbooks are always written as they are.
	RawCSV bool
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

// flavour is what one ODM profile reads and writes beyond standard ODM: its vendor
// attributes and elements on Users and Locations. Each vendor keeps both halves in its own
// file (inform.go, rave.go, openclinica.go, plainodm.go for odm and odm2); adding a vendor
// is adding such a file and its case in Profile.flavour.
type flavour interface {
	// readLocation reads the vendor's fields of l into s.
	readLocation(s *Site, l *odm.Location)
	// modelElement reports whether e, a vendor element inside a Location, is read into a
	// model field by readLocation (and so is not recorded as XML in Source.Elements).
	modelElement(e *odm.Element) bool
	// autoLocation reports whether the Location id is one the vendor writes by itself and
	// that is no site (InForm's "Unknown").
	autoLocation(id string) bool
	// writeUser sets the vendor's fields of the user written as o.
	writeUser(w *writer, o *odm.User, u *User, f userFields)
	// writeLocation sets the vendor's fields of the site written as o (base is the Location
	// it was read as, or nil).
	writeLocation(w *writer, o *odm.Location, s *Site, base *odm.Location, lost func(field, msg string))
}

// userFields is what writer.user has worked out for a flavour's writeUser.
type userFields struct {
	subject string
	role    Role // the user's role in the block written
	hasRole bool
	scope   Scope
	lost    func(field, msg string) // reports a value the target has no place for
}

// flavour returns p's flavour; a profile without vendor extensions is plain ODM.
func (p Profile) flavour() flavour {
	switch p {
	case ProfileInForm:
		return inForm{}
	case ProfileRave:
		return rave{}
	case ProfileOpenClinica:
		return openClinica{}
	}
	return plainODM{}
}
