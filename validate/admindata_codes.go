package validate

// AdminData consistency codes ([CheckAdminData]). No standard publishes codes for these
// rules, so all of them are odmadmin's, in an "admin." namespace. The rule each one enforces
// and its source are in the code table of the package documentation.
const (
	// Uniqueness.
	CodeOIDNotUnique       Code = "admin.oidNotUnique"
	CodeLoginNameNotUnique Code = "admin.loginNameNotUnique"
	// CodeMergeConflict: two files checked together hold the same User (same OID, else
	// same login name) with different values; a merge keeps the first file's.
	CodeMergeConflict Code = "admin.mergeConflict"

	// References. Each is an error in a self-contained (Snapshot) file and a warning in a
	// file that is part of a series (Transactional, PriorFileOID, or the Series option).
	CodeDanglingStudyOID           Code = "admin.danglingStudyOID"
	CodeDanglingMetaDataVersionRef Code = "admin.danglingMetaDataVersionRef"
	CodeDanglingLocationRef        Code = "admin.danglingLocationRef"
	CodeDanglingOrganizationRef    Code = "admin.danglingOrganizationRef"
	CodeOrganizationCycle          Code = "admin.organizationCycle"
	CodeDanglingUserRef            Code = "admin.danglingUserRef"
	CodeDanglingSignatureRef       Code = "admin.danglingSignatureRef"

	// Required content.
	CodeMissingAttribute          Code = "admin.missingAttribute"
	CodeMissingMetaDataVersionRef Code = "admin.missingMetaDataVersionRef"
	CodeMissingMeaning            Code = "admin.missingMeaning"
	CodeMissingLegalReason        Code = "admin.missingLegalReason"

	// Value lists.
	CodeInvalidUserType         Code = "admin.invalidUserType"
	CodeInvalidLocationType     Code = "admin.invalidLocationType"
	CodeInvalidMethodology      Code = "admin.invalidMethodology"
	CodeInvalidTelecomType      Code = "admin.invalidTelecomType"
	CodeInvalidOrganizationType Code = "admin.invalidOrganizationType"

	// Dates.
	CodeInvalidEffectiveDate Code = "admin.invalidEffectiveDate"
	CodeEffectiveDateTime    Code = "admin.effectiveDateTime"
	CodeEffectiveDateOrder   Code = "admin.effectiveDateOrder"

	// Contact fields.
	CodeInvalidEmail   Code = "admin.invalidEmail"
	CodeInvalidPhone   Code = "admin.invalidPhone"
	CodeInvalidCountry Code = "admin.invalidCountry"

	// Plausibility.
	CodeInvestigatorWithoutLocation Code = "admin.investigatorWithoutLocation"

	// Structure, and the reader's warnings (odm.Document.Warnings) as findings.
	CodeElementOrder      Code = "admin.elementOrder"
	CodeUnknownContent    Code = "admin.unknownContent"
	CodeUnexpectedText    Code = "admin.unexpectedText"
	CodeEmptyElement      Code = "admin.emptyElement"
	CodeConsecutiveSpaces Code = "admin.consecutiveSpaces"
	CodeOIDWhitespace     Code = "admin.oidWhitespace"
	CodeReaderWarning     Code = "admin.readerWarning"
)

// adminDataCodeTable lists the AdminData codes in the order of the doc.go table. The meaning
// starts with the severity and ends with where the rule comes from; the code's spelling is
// always odmadmin's.
var adminDataCodeTable = []codeInfo{
	{CodeOIDNotUnique, sourceOdmadmin, "error: two Users, Organizations, Locations or SignatureDefs of one AdminData share an OID (rule: ODM 1.3.2 §2.11; ODM 2.0 wiki for Organization)"},
	{CodeLoginNameNotUnique, sourceOdmadmin, "error: two Users of one AdminData have the same LoginName (2.0 UserName), ignoring case (rule: odmadmin)"},
	{CodeMergeConflict, sourceOdmadmin, "warning: two files checked together hold the same User (same OID, else same login name ignoring case) with a different name, login, type, organization or vendor attribute (of the same study); odmadmin map, diff and plan merge them and keep the first file's value (rule: odmadmin)"},
	{CodeDanglingStudyOID, sourceOdmadmin, "error, warning in a series or a Granularity=AdminData file: AdminData/@StudyOID names no Study in the file (rule: ODM 1.3.2 §2.11, §3.1.2)"},
	{CodeDanglingMetaDataVersionRef, sourceOdmadmin, "error, warning in a series or a Granularity=AdminData file: MetaDataVersionRef names no Study or no MetaDataVersion of it (rule: ODM 1.3.2 §2.11, §3.1.2.2.1)"},
	{CodeDanglingLocationRef, sourceOdmadmin, "error, warning in a series (and from ClinicalData in a file whose Granularity carries no AdminData): a LocationRef, SiteRef or @LocationOID names no Location (rule: ODM 1.3.2 §2.11, §3.1.2.1.19, §3.1.4.1.6)"},
	{CodeDanglingOrganizationRef, sourceOdmadmin, "error, warning in a series: an @OrganizationOID or @PartOfOrganizationOID names no Organization (rule: ODM 1.3.2 §2.11; ODM 2.0 AdminData)"},
	{CodeOrganizationCycle, sourceOdmadmin, "error: an Organization is part of itself through @PartOfOrganizationOID, directly or through others (rule: odmadmin; ODM 2.0 AdminData: an organization is part of a larger one)"},
	{CodeDanglingUserRef, sourceOdmadmin, "error, warning in a series or a file whose Granularity carries no AdminData: a UserRef or InvestigatorRef in ClinicalData names no User (rule: ODM 1.3.2 §2.11, §3.1.4.1.2.1, §3.1.4.1.5)"},
	{CodeDanglingSignatureRef, sourceOdmadmin, "error, warning in a series or a file whose Granularity carries no AdminData: a SignatureRef in ClinicalData names no SignatureDef (rule: ODM 1.3.2 §2.11, §3.1.4.1.3.1)"},
	{CodeMissingAttribute, sourceOdmadmin, "error: a required attribute is missing or empty (rule: ODM 1.3.2 §2.13 and the XSDs)"},
	{CodeMissingMetaDataVersionRef, sourceOdmadmin, "error: a Location has no MetaDataVersionRef (rule: ODM 1.3.2 §3.1.2.2, ODM 2.0 XSD)"},
	{CodeMissingMeaning, sourceOdmadmin, "error: a SignatureDef has no Meaning, or an empty one (rule: ODM 1.3.2 §3.1.2.3)"},
	{CodeMissingLegalReason, sourceOdmadmin, "error: a SignatureDef has no LegalReason, or an empty one (rule: ODM 1.3.2 §3.1.2.3)"},
	{CodeInvalidUserType, sourceOdmadmin, "error: User/@UserType is not in the value list of the file's ODM version (rule: ODM 1.3.2 §3.1.2.1, ODM 2.0 XSD)"},
	{CodeInvalidLocationType, sourceOdmadmin, "error: Location/@LocationType is not Sponsor, Site, CRO, Lab or Other (rule: ODM 1.3.2 §3.1.2.2)"},
	{CodeInvalidMethodology, sourceOdmadmin, "error: SignatureDef/@Methodology is not Digital or Electronic (rule: ODM 1.3.2 §3.1.2.3)"},
	{CodeInvalidTelecomType, sourceOdmadmin, "error: Telecom/@TelecomType is not in the ODM 2.0 value list (rule: ODM 2.0 XSD)"},
	{CodeInvalidOrganizationType, sourceOdmadmin, "error: Organization/@Type is not in the ODM 2.0 value list (rule: ODM 2.0 XSD)"},
	{CodeInvalidEffectiveDate, sourceOdmadmin, "error: MetaDataVersionRef/@EffectiveDate is not a date (rule: ODM 1.3.2 §3.1.2.2.1, §2.13)"},
	{CodeEffectiveDateTime, sourceOdmadmin, "warning: MetaDataVersionRef/@EffectiveDate is a dateTime, not an xs:date (rule: ODM 1.3.2 §3.1.2.2.1; rwslib and InForm write dateTimes)"},
	{CodeEffectiveDateOrder, sourceOdmadmin, "warning: a Location's EffectiveDates for one Study do not increase (rule: odmadmin, after ODM 1.3.2 §3.1.2.2.1)"},
	{CodeInvalidEmail, sourceOdmadmin, "error: an Email (2.0 Telecom of type Email) is not an RFC 5322 addr-spec with a dotted domain (rule: odmadmin)"},
	{CodeInvalidPhone, sourceOdmadmin, "warning: a Phone, Fax or Pager (2.0 Telecom Phone, Fax, Pager, SMS) is not digits, spaces and + - ( ) . / with at least 3 digits (rule: odmadmin)"},
	{CodeInvalidCountry, sourceOdmadmin, "warning: Address/Country is not an ISO 3166-1 code: alpha-2 (1.3), alpha-2 or alpha-3 (2.0) (rule: ODM 1.3.2 §3.1.2.1.11, ODM 2.0 wiki)"},
	{CodeInvestigatorWithoutLocation, sourceOdmadmin, "warning: an Investigator User has no LocationRef (2.0 @LocationOID) (rule: odmadmin)"},
	{CodeElementOrder, sourceOdmadmin, "error: a child of ODM or of an AdminData element comes after a sibling the schema puts later (rule: ODM 1.3.2 §2.12, §3.1 and the XSD sequences)"},
	{CodeUnknownContent, sourceOdmadmin, "warning: an element or attribute the ODM model does not define there, kept as is (rule: ODM XSD; reader warning)"},
	{CodeUnexpectedText, sourceOdmadmin, "warning: text inside an element that has only elements and attributes (rule: ODM XSD; reader warning)"},
	{CodeEmptyElement, sourceOdmadmin, "warning: an empty Address, Email, Fax or Phone element (rule: odmadmin; reader warning, Rave writes them)"},
	{CodeConsecutiveSpaces, sourceOdmadmin, "warning: a name field contains two spaces in a row (rule: odmadmin; reader warning, Rave writes them)"},
	{CodeOIDWhitespace, sourceOdmadmin, "warning: an OID or OID reference has leading or trailing white space; it resolves trimmed (rule: odmadmin; reader warning, OpenClinica writes UserRef UserOID=\"USR_3 \")"},
	{CodeReaderWarning, sourceOdmadmin, "warning: any other odm reader warning, with the reader's message (rule: odm package)"},
}
