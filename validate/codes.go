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
	CodeParticipantIDMethodNotSupported   Code = "errorCode.participantIDMethodNotSupported"
	CodeParticipantIDRequired             Code = "errorCode.participantIDRequired"
	CodeStudyLevelParticipantNotVisible   Code = "errorCode.studyLevelParticipantNotVisible"
	CodeStudyLevelParticipantContactData  Code = "errorCode.studyLevelParticipantContactData"
	CodeStudyLevelParticipantRegistration Code = "errorCode.studyLevelParticipantRegistration"
	CodeSiteParticipantToStudyLevel       Code = "errorCode.siteParticipantToStudyLevel"
	CodeParticipantsEnrollmentCapReached  Code = "errorCode.participantsEnrollmentCapReached"
)

// Input codes ([ParticipantIDs]): about a record among the others of one input, which the
// API sees one request at a time. No vendor publishes a code for these, so they live in
// their own "contacts." namespace.
const (
	CodeRepeatedParticipantID Code = "contacts.repeatedParticipantID"
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

	// AnjuEDC's Edit User page (AnjuEDC online help 13.4, SSO from 13.5).
	CodeAuthenticationFieldLocked Code = "userEdit.authenticationFieldLocked"
	CodeExternalFieldLocked       Code = "userEdit.externalFieldLocked"
	CodeExternalUserCleared       Code = "userEdit.externalUserCleared"
	CodeSSONotConfigured          Code = "userEdit.ssoNotConfigured"
	CodeDateTimeFormatLocked      Code = "userEdit.dateTimeFormatLocked"
	CodePermissionsDropped        Code = "userEdit.permissionsDropped"
)

// OpenClinica 4 account codes ([CheckAccount]).
const (
	CodeAccountMissingUsername      Code = "account.missingUsername"
	CodeAccountUnknownType          Code = "account.unknownType"
	CodeAccountUnknownStatus        Code = "account.unknownStatus"
	CodeAccountCreatedWithRoles     Code = "account.createdWithRoles"
	CodeAccountInvitedWithoutRole   Code = "account.invitedWithoutRole"
	CodeAccountInvalidTime          Code = "account.invalidTime"
	CodeAccountUpdatedBeforeCreated Code = "account.updatedBeforeCreated"
	CodeAccountLoginBeforeCreated   Code = "account.loginBeforeCreated"
	CodeAccountInvitedLoggedIn      Code = "account.invitedLoggedIn"
	CodeAccountLoginAfterDeactivate Code = "account.loginAfterDeactivation"
	CodeAccountInexactNumber        Code = "account.inexactNumber"
)

// Where a code's name comes from. A code is either spelled exactly as a vendor document
// spells it, or invented here because the source states the rule without a code. The
// vendor documents are named by title; the meaning of an invented code names the document
// its rule comes from.
const (
	sourceSeed002  = "OpenClinica participant API"
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
	{CodeInvalidFullDob, sourceOdmadmin, "fullDob is not a real date written YYYY-MM-DD (the OpenClinica participant API names the field, no rule)"},
	{CodeHospitalNumberTooLong, sourceSeed002, "hospitalNumber is longer than 35 characters"},
	{CodeInvalidRegisterValue, sourceOdmadmin, "register is not y or n (server also takes yes/no, any case) (rule: OpenClinica participant API)"},

	// Request context: in the order CheckRequest reports them.
	{CodeStudyNotExist, sourceSeed002, "the study OID is not found"},
	{CodeStudyNotAvailable, sourceSeed002, "the study is not in Available status"},
	{CodeSiteNotExist, sourceSeed002, "the site OID is not found in the study"},
	{CodeSiteNotAvailable, sourceSeed002, "the site is not in Available status"},
	{CodeParticipantIDMethodNotSupported, sourceOdmadmin, "the study's Participant ID Method is neither Manual Entry nor System-generated (rule: OpenClinica participant API)"},
	{CodeParticipantIDRequired, sourceOdmadmin, "a new participant has no participant ID in a study with Manual Entry IDs (rule: OpenClinica participant API)"},
	{CodeNoRoleSetUp, sourceSeed002, "the caller has no role in the study or site"},
	{CodeNoSufficientPrivileges, sourceSeed002, "the caller's role may not add or update participants (monitors, viewers, unlisted roles)"},
	{CodeParticipantNotAtCallerSite, sourceOdmadmin, "a site-level caller acts outside their own site (rule: OpenClinica participant API)"},
	{CodeStudyLevelParticipantNotVisible, sourceOdmadmin, "a CRC or Investigator adds or acts on a study-level participant, which they cannot see (rule: OpenClinica participant API note)"},
	{CodeParticipateNotEnabled, sourceSeed002, "register=y but the Participate module is not active"},
	{CodeStudyLevelParticipantContactData, sourceOdmadmin, "a study-level participant carries contact data (rule: OpenClinica participant API note)"},
	{CodeStudyLevelParticipantRegistration, sourceOdmadmin, "a study-level participant is registered for Participate (rule: OpenClinica participant API note)"},
	{CodeSiteParticipantToStudyLevel, sourceOdmadmin, "a site-level participant would move to the study level (rule: OpenClinica participant API note)"},
	{CodeParticipantsEnrollmentCapReached, sourceSeed002, "a new participant would exceed the enforced enrollment cap"},

	// Input: records among the others of one input.
	{CodeRepeatedParticipantID, sourceOdmadmin, "warning: the participant ID is on an earlier record of the input; the API adds the participant once and takes the later record as an update, no new enrolment (rule: OpenClinica participant API)"},

	// User edit: in the order CheckUserEdit reports them.
	{CodeAccountDeleted, sourceOdmadmin, "the change deletes the account; accounts are only deactivated (rule: OpenClinica 4 administrator guide)"},
	{CodeUsernameChanged, sourceOdmadmin, "the change alters the username (rule: OpenClinica 4 administrator guide, AnjuEDC online help 13.4)"},
	{CodeUsernameLength, sourceOdmadmin, "AnjuEDC: username is not 10-50 characters (rule: AnjuEDC online help 13.2)"},
	{CodeUsernameCharacters, sourceOdmadmin, "AnjuEDC: username has characters other than A-Z a-z 0-9 _ (rule: AnjuEDC online help 13.2)"},
	{CodeUnknownStatus, sourceOdmadmin, "a status is not Created, Invited, Available or Deactivated (rule: OpenClinica 4 administrator guide)"},
	{CodeInvalidStatusTransition, sourceOdmadmin, "the status change is not an allowed transition (rule: OpenClinica 4 administrator guide statuses)"},
	{CodePrimaryOrganization, sourceOdmadmin, "AnjuEDC: Organization Admin changes the primary organization without access (rule: AnjuEDC online help 13.4)"},
	{CodeAuthenticationFieldLocked, sourceOdmadmin, "AnjuEDC: Allow Login or Organization Admin changed for a user in an organization the Organization Admin cannot access (rule: AnjuEDC online help 13.4)"},
	{CodeExternalFieldLocked, sourceOdmadmin, "AnjuEDC: Is External User or Authentication URL changed without access to the user's primary organization (rule: AnjuEDC online help 13.4)"},
	{CodeExternalUserCleared, sourceOdmadmin, "warning: AnjuEDC: an SSO user moves to a primary organization without SSO and becomes non-external (rule: AnjuEDC online help 13.4)"},
	{CodeSSONotConfigured, sourceOdmadmin, "AnjuEDC: a user is made or kept external while their primary organization has no SSO (rule: AnjuEDC online help 13.4, 13.5)"},
	{CodeDateTimeFormatLocked, sourceOdmadmin, "AnjuEDC: Date Format or Time Format changed while the primary organization does not allow datetime format change (rule: AnjuEDC online help 13.4)"},
	{CodePermissionsDropped, sourceOdmadmin, "warning: AnjuEDC: an edit that changes the primary organization also removes an organization; the change keeps permissions (rule: AnjuEDC online help 13.4)"},

	// OpenClinica 4 accounts: in the order CheckAccount reports them.
	{CodeAccountInexactNumber, sourceOdmadmin, "warning: a workbook cell of the account holds a number of more than 15 digits, which Excel does not keep (the digits after the 15th read as 0), so the value checked is not the one typed (rule: odmadmin)"},
	{CodeAccountMissingUsername, sourceOdmadmin, "the account has no username; OpenClinica 4 names every account by its username, which cannot be changed (rule: OpenClinica 4 administrator guide)"},
	{CodeAccountUnknownType, sourceOdmadmin, "the user type is neither Admin nor User (rule: OpenClinica 4 administrator guide)"},
	{CodeAccountUnknownStatus, sourceOdmadmin, "the status is not Created, Invited, Available or Deactivated (rule: OpenClinica 4 administrator guide)"},
	{CodeAccountCreatedWithRoles, sourceOdmadmin, "a Created user has roles; Created means no role assigned (rule: OpenClinica 4 administrator guide)"},
	{CodeAccountInvitedWithoutRole, sourceOdmadmin, "an Invited user has no role; Invited means at least one role assigned (not checked without a Role or Roles column) (rule: OpenClinica 4 administrator guide)"},
	{CodeAccountInvalidTime, sourceOdmadmin, "Created, Updated or Last Login (UTC) is not D-MMM-YYYY H:MM[:SS] or ISO 8601 (T or space, Z or offset; a date alone is 00:00; Last Login may be Never) (rule: OpenClinica 4 administrator guide)"},
	{CodeAccountUpdatedBeforeCreated, sourceOdmadmin, "Updated (UTC) is before Created (UTC) (rule: odmadmin)"},
	{CodeAccountLoginBeforeCreated, sourceOdmadmin, "Last Login (UTC) is before Created (UTC) (rule: odmadmin)"},
	{CodeAccountInvitedLoggedIn, sourceOdmadmin, "warning: an Invited user has a Last Login time; Invited means the account is not yet activated, so no login yet (rule: OpenClinica 4 administrator guide)"},
	{CodeAccountLoginAfterDeactivate, sourceOdmadmin, "warning: a Deactivated user's Last Login is after Updated (UTC); the deactivation updated the account and a deactivated user cannot log in (rule: OpenClinica 4 administrator guide)"},
}

// allCodes returns every code table of the package. It exists so that a later table
// (AdminData checks) joins the documentation test by adding one argument here.
func allCodes() []codeInfo {
	return append(append([]codeInfo(nil), codeTable...), adminDataCodeTable...)
}
