package validate

// Participant contact record codes ([CheckContact]).
const (
	CodeParticipantIDLongerThan30Characters           Code = "errorCode.participantIDLongerThan30Characters"
	CodeParticipantIDContainsUnsupportedHTMLCharacter Code = "errorCode.participantIDContainsUnsupportedHTMLCharacter"
	CodeFirstNameTooLong                              Code = "errorCode.firstNameTooLong"
	CodeLastNameTooLong                               Code = "errorCode.lastNameTooLong"
	CodeMiddleNameTooLong                             Code = "errorCode.middleNameTooLong"
	CodeEmailAddressTooLong                           Code = "errorCode.emailAddressTooLong"
	CodeInvalidEmailAddress                           Code = "errorCode.invalidEmailAddress"
	CodePhoneNumberTooLong                            Code = "errorCode.phoneNumberTooLong"
	CodeInvalidPhoneNumber                            Code = "errorCode.invalidPhoneNumber"
	CodeSecondaryIDTooLong                            Code = "errorCode.secondaryIdTooLong"
	CodeStreetAddress1TooLong                         Code = "errorCode.streetAddress1TooLong"
	CodeStreetAddress2TooLong                         Code = "errorCode.streetAddress2TooLong"
	CodeCountryTooLong                                Code = "errorCode.countryTooLong"
	CodeCityTooLong                                   Code = "errorCode.cityTooLong"
	CodeStateTooLong                                  Code = "errorCode.stateTooLong"
	CodePostalCodeTooLong                             Code = "errorCode.postalCodeTooLong"
	CodeInvalidFullDob                                Code = "errorCode.invalidFullDob"
	CodeHospitalNumberTooLong                         Code = "errorCode.hospitalNumberTooLong"
	CodeInvalidRegisterValue                          Code = "errorCode.invalidRegisterValue"
)

// Request context codes ([CheckRequest]).
const (
	CodeStudyNotExist                     Code = "errorCode.studyNotExist"
	CodeStudyNotAvailable                 Code = "errorCode.studyNotAvailable"
	CodeSiteNotExist                      Code = "errorCode.siteNotExist"
	CodeSiteNotAvailable                  Code = "errorCode.siteNotAvailable"
	CodeNoRoleSetUp                       Code = "errorCode.noRoleSetUp"
	CodeNoSufficientPrivileges            Code = "errorCode.noSufficientPrivileges"
	CodeParticipantNotAtCallerSite        Code = "errorCode.participantNotAtCallerSite"
	CodeParticipateNotEnabled             Code = "errorCode.participateNotEnabled"
	CodeStudyLevelParticipantContactData  Code = "errorCode.studyLevelParticipantContactData"
	CodeStudyLevelParticipantRegistration Code = "errorCode.studyLevelParticipantRegistration"
	CodeSiteParticipantToStudyLevel       Code = "errorCode.siteParticipantToStudyLevel"
	CodeParticipantsEnrollmentCapReached  Code = "errorCode.participantsEnrollmentCapReached"
)

// User edit codes ([CheckUserEdit]). No vendor publishes codes for these rules, so they live
// in their own "userEdit." namespace rather than pretending to be OpenClinica API codes.
const (
	CodeAccountDeleted          Code = "userEdit.accountDeleted"
	CodeUsernameChanged         Code = "userEdit.usernameChanged"
	CodeUsernameLength          Code = "userEdit.usernameLength"
	CodeUsernameCharacters      Code = "userEdit.usernameCharacters"
	CodeUnknownStatus           Code = "userEdit.unknownStatus"
	CodeInvalidStatusTransition Code = "userEdit.invalidStatusTransition"
	CodePrimaryOrganization     Code = "userEdit.primaryOrganizationNotShared"
)

// Where a code's name comes from. A code is either spelled exactly as a vendor document
// spells it, or invented here because the source states the rule without a code.
const (
	sourceSeed002  = "seed 002"
	sourceOdmadmin = "odmadmin"
)

// codeInfo is one row of the code table in doc.go.
type codeInfo struct {
	code    Code
	source  string // where the code's spelling comes from: sourceSeed002 or sourceOdmadmin
	meaning string // for invented codes, also where the rule comes from
}

// codeTable lists every code this package can produce, in the order of doc.go. It is
// read-only data. Checks added later (AdminData) append their own slice to allCodes.
var codeTable = []codeInfo{
	// Contact record: field order of the API, length before format within a field.
	{CodeParticipantIDLongerThan30Characters, sourceSeed002, "subjectKey is longer than 30 characters"},
	{CodeParticipantIDContainsUnsupportedHTMLCharacter, sourceSeed002, "subjectKey contains < or >"},
	{CodeFirstNameTooLong, sourceSeed002, "firstName is longer than 35 characters"},
	{CodeLastNameTooLong, sourceSeed002, "lastName is longer than 35 characters"},
	{CodeMiddleNameTooLong, sourceSeed002, "middleName is longer than 35 characters"},
	{CodeEmailAddressTooLong, sourceSeed002, "emailAddress is longer than 255 characters"},
	{CodeInvalidEmailAddress, sourceSeed002, "emailAddress does not match the server's e-mail pattern"},
	{CodePhoneNumberTooLong, sourceSeed002, "phoneNumber is longer than 17 characters"},
	{CodeInvalidPhoneNumber, sourceSeed002, "phoneNumber is not +CC NUMBER (1-3 digit country code, one space, 1-14 digits)"},
	{CodeSecondaryIDTooLong, sourceSeed002, "secondaryId (identifier) is longer than 35 characters"},
	{CodeStreetAddress1TooLong, sourceSeed002, "streetAddress1 is longer than 155 characters"},
	{CodeStreetAddress2TooLong, sourceSeed002, "streetAddress2 is longer than 155 characters"},
	{CodeCountryTooLong, sourceSeed002, "country is longer than 155 characters"},
	{CodeCityTooLong, sourceSeed002, "city is longer than 155 characters"},
	{CodeStateTooLong, sourceSeed002, "state is longer than 155 characters"},
	{CodePostalCodeTooLong, sourceSeed002, "postalCode is longer than 35 characters"},
	{CodeInvalidFullDob, sourceOdmadmin, "fullDob is not a real date written YYYY-MM-DD (seed 002 names the field, no rule)"},
	{CodeHospitalNumberTooLong, sourceSeed002, "hospitalNumber is longer than 35 characters"},
	{CodeInvalidRegisterValue, sourceOdmadmin, "register is not y or n (server also takes yes/no, any case) (rule: seed 002)"},

	// Request context: in the order CheckRequest reports them.
	{CodeStudyNotExist, sourceSeed002, "the study OID is not found"},
	{CodeStudyNotAvailable, sourceSeed002, "the study is not in Available status"},
	{CodeSiteNotExist, sourceSeed002, "the site OID is not found in the study"},
	{CodeSiteNotAvailable, sourceSeed002, "the site is not in Available status"},
	{CodeNoRoleSetUp, sourceSeed002, "the caller has no role in the study or site"},
	{CodeNoSufficientPrivileges, sourceSeed002, "the caller's role may not add or update participants (monitors, viewers, unlisted roles)"},
	{CodeParticipantNotAtCallerSite, sourceOdmadmin, "a site-level caller acts outside their own site (rule: seed 002)"},
	{CodeParticipateNotEnabled, sourceSeed002, "register=y but the Participate module is not active"},
	{CodeStudyLevelParticipantContactData, sourceOdmadmin, "a study-level participant carries contact data (rule: seed 002 note)"},
	{CodeStudyLevelParticipantRegistration, sourceOdmadmin, "a study-level participant is registered for Participate (rule: seed 002 note)"},
	{CodeSiteParticipantToStudyLevel, sourceOdmadmin, "a site-level participant would move to the study level (rule: seed 002 note)"},
	{CodeParticipantsEnrollmentCapReached, sourceSeed002, "a new participant would exceed the enforced enrollment cap"},

	// User edit: in the order CheckUserEdit reports them.
	{CodeAccountDeleted, sourceOdmadmin, "the change deletes the account; accounts are only deactivated (rule: seed 000)"},
	{CodeUsernameChanged, sourceOdmadmin, "the change alters the username (rule: seed 000, seed 003)"},
	{CodeUsernameLength, sourceOdmadmin, "AnjuEDC: username is not 10-50 characters (rule: AnjuEDC help 13.2)"},
	{CodeUsernameCharacters, sourceOdmadmin, "AnjuEDC: username has characters other than A-Z a-z 0-9 _ (rule: AnjuEDC help 13.2)"},
	{CodeUnknownStatus, sourceOdmadmin, "a status is not Created, Invited, Available or Deactivated (rule: seed 000 status table)"},
	{CodeInvalidStatusTransition, sourceOdmadmin, "the status change is not an allowed transition (rule: seed 000 statuses)"},
	{CodePrimaryOrganization, sourceOdmadmin, "AnjuEDC: Organization Admin changes the primary organization without access (rule: seed 003)"},
}

// allCodes returns every code table of the package. It exists so that a later table
// (AdminData checks) joins the documentation test by adding one argument here.
func allCodes() []codeInfo {
	return append(append([]codeInfo(nil), codeTable...), adminDataCodeTable...)
}
