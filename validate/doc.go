// Package validate checks clinical-trial user administration data against the rules the
// vendors enforce, and reports every violation as a [Finding] value with a stable [Code].
//
// The checks: [CheckContact] for participant contact records, [CheckRequest] for the
// setting such a record is submitted in, [CheckUpdate] for an update merged into the stored
// record, [CheckUserEdit] for changes to user accounts, [CheckAccount] for OpenClinica 4
// accounts, and [CheckAdminData] for the AdminData of an ODM file. The sections below give
// each rule with its source, and the complete code table. The sources, by title:
//
//   - OpenClinica participant API: the documentation of the endpoint that adds or updates a
//     participant and registers them for Participate (fields, limits, error codes,
//     authorized roles, update semantics, Participant ID Method).
//   - OpenClinica server: the OpenClinica 4.13.x server code behind that API
//     (StudyParticipantServiceImpl). It supplies what the documentation leaves open: the
//     e-mail and phone patterns, the order of checks, and that empty fields are not checked.
//   - OpenClinica 4 administrator guide: "Using OpenClinica as an Administrator" (user
//     types and statuses, accounts never deleted, username fixed, the User and Role Audit
//     Log).
//   - AnjuEDC online help 13.4 "Edit (Update) a User" (username fixed, the Edit User page's
//     field rules), 13.2 "Add a User" (the username format) and 13.5 "Add an SSO User".
//   - ODM 1.3.2 and ODM 2.0 (CDISC), for the AdminData checks.
//   - odmadmin: rules and codes invented here where a source states a rule without a code
//     or leaves a field without a rule. Such codes are marked "odmadmin" in the table, with
//     the source of their rule.
//
// # Participant contact records
//
// [CheckContact] checks one [Contact]. Empty fields are not checked, as on the server.
//
//	field           limit  format rule                                     source (API: OpenClinica participant API)
//	subjectKey         30  no < or >                                       API
//	firstName          35                                                  API
//	lastName           35                                                  API
//	middleName         35                                                  API
//	emailAddress      255  server EMAIL_PATTERN (below)                    limit API, pattern server
//	phoneNumber        17  ^\+[0-9]{1,3} [0-9]{1,14}$                      limit API, pattern server
//	secondaryId        35                                                  API (server: identifier)
//	streetAddress1    155                                                  API
//	streetAddress2    155                                                  API
//	country           155                                                  API
//	city              155                                                  API
//	state             155                                                  API
//	postalCode         35                                                  API
//	fullDob                real date YYYY-MM-DD, year 0001-9999            odmadmin
//	hospitalNumber     35                                                  API
//	register               y or n (server also acts on yes, any case)      API, server
//
// The e-mail pattern is the server's, verbatim:
//
//	^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$
//
// so an address needs a dot in its domain, and non-ASCII letters are rejected. The phone
// format is "+", a 1-3 digit country code, exactly one space and 1-14 digits ("+1 1234567890");
// hyphens, brackets and extra spaces are rejected. A number can match the pattern and still
// break the 17-character limit (the pattern allows 19); both rules apply. When a refused
// number has exactly one form the server takes ("+1 (555) 555-1212" is "+1 5555551212"), the
// finding says so and, with values shown, carries it as [Finding].Suggestion ([SuggestPhone]
// says when a form is unambiguous).
//
// The secondaryId field is also accepted under its older name "identifier"
// ([IdentifierAlias]); findings always name it secondaryId. A fullDob is a real calendar
// date written YYYY-MM-DD (leap years honoured); future dates are not rejected, because the
// result would then depend on the clock. A register value other than y/yes/n/no (any case)
// is reported, because the server would silently treat it as n.
//
// # Counting characters
//
// Limits count UTF-16 code units, the way the server's Java String.length() does, never
// bytes: "Ядвига", "山田" and "Zoë" count one unit per letter, and a character outside
// the Basic Multilingual Plane, such as an emoji, counts two. A letter written with a
// separate combining accent ("e" + U+0308) counts two, as it does in Java. Invalid UTF-8
// counts one unit per bad byte (each becomes U+FFFD).
//
// # Order of findings and personal data
//
// The server stops at its first failed check; these checks report every violation in one
// pass. Contact findings follow the field order of the table above (the order of
// [ContactFields]), and within a field the length rule comes before the format rule. Each
// check documents its own order. Contact and request findings have [SeverityError]; the
// user edit, account and AdminData checks mark some findings [SeverityWarning].
//
// Messages describe the rule and, for length, the measured length; they never contain the
// value, since contact data is personal data. Set [Options].Values to have the value copied
// into [Finding].Value.
//
// # Request context
//
// [CheckRequest] checks a record against its [Request]: study and site exist and are
// Available (the API's codes), the study's Participant ID Method is one the API supports
// (Manual Entry or System-generated) and, with Manual Entry, a new participant has an ID;
// the caller's role may call the API; a site-level caller acts only at their own site and
// on their own site's participants; CRCs and Investigators, who cannot see study-level
// participants, neither add one nor act on one; register=y needs the Participate module; a
// study-level participant gets neither registration nor contact data (every "Participant
// Contact Field" of the API, that is every field but subjectKey and register); a site-level
// participant is not moved to the study level; and a new participant does not exceed an
// enforced enrollment cap. The API gives no code for the ID method, visibility,
// study-level, own-site and move rules; their codes are odmadmin's. The cap applies to new
// participants only, as the API documentation says; the 4.13.x server checks it before
// telling new from existing participants.
//
// Roles: Data Manager, Clinical Research Coordinator, Investigator, Data Entry Person and
// Data Specialist may call the API; monitors and viewers may not. Any other role, known or
// not, is refused too. Role names are matched as vendors spell them (OpenClinica's internal
// names, description keys and display names), ignoring case, spaces and underscores:
//
//	allowed  Data Manager: coordinator, Study_Coordinator, site_Study_Coordinator
//	         Clinical Research Coordinator: CRC, Clinical Research Coordinator (CRC), site_Data_Entry_Person
//	         Investigator: Investigator, site_investigator
//	         Data Entry Person: ra, ra2, Data_Entry_Person, site_Data_Entry_Person2
//	         Data Specialist (stored name of the study-level Investigator)
//	monitor  monitor, Study Monitor, Site Monitor, site_monitor, CRA, Clinical Research Associate (CRA), Medical Monitor
//	viewer   Viewer, Study Viewer, Site Viewer
//	refused  admin, System Administrator, director, Study Director, site_Study_Director,
//	         participate, Data Entry Participant, site_Data_Entry_Participant, and any unknown name
//
// OpenClinica 4 custom roles ("CRC (TEST)") are built on a base role and act as it does.
// The base role is, in order: [Caller].BaseRole (OpenClinica stores it as baseRoleName),
// the caller's mapping in [Request].CustomRoles, and for a name written "BASE (SUFFIX)"
// whose BASE is a known role, that role. [ResolveRole] gives the result.
//
// # Updates
//
// An update sends only the fields it changes: a field that is absent leaves the stored
// value unchanged (the API documents it for secondaryId, and it holds for every contact
// field). [MergeContact] computes the record after an update; [CheckUpdate] checks the
// fields sent, as the server does, then the request rules on the merged record.
//
// # User edits
//
// [CheckUserEdit] checks a proposed change to a user account ([UserEdit]): accounts are never
// deleted, only deactivated, and the username never changes (OpenClinica 4 administrator
// guide, AnjuEDC online help 13.4). Status moves only along Created → Invited → Available ⇄
// Deactivated, and Invited may also go to Deactivated; staying put is always allowed
// (statuses from the administrator guide, transitions odmadmin's). [ProfileAnjuEDC] adds the
// username format, 10-50 characters of ASCII letters, digits and underscore (AnjuEDC online
// help 13.2), and every rule of the Edit User page (AnjuEDC online help 13.4), which
// [UserEdit.Page] also gives as the page the editor sees:
//
//   - Allow Login and Organization Admin cannot be changed when the user is assigned to an
//     organization the Organization Admin has no access to.
//   - Active can always be changed.
//   - The primary organization can be changed only if both the Organization Admin and the
//     user are assigned to both the current and the new primary organization.
//   - Is External User and Authentication URL can be changed only with access to the
//     user's primary organization; without it Is External User is disabled, the
//     Authentication URL is not shown and the primary organization shows "EXTERNAL".
//   - An SSO user whose new primary organization is not configured for SSO becomes a
//     non-external user (a warning); an external user needs a primary organization with SSO
//     (AnjuEDC online help 13.5).
//   - Date Format and Time Format can be changed only if the user's primary organization
//     allows datetime format change.
//   - Changing the primary organization keeps the user's permissions; an edit that changes
//     it and drops an organization gets a warning.
//
// A Global Admin has access to every organization. No vendor publishes codes for these
// rules, so all of them are odmadmin's, in a "userEdit." namespace that keeps them apart
// from the OpenClinica API codes.
//
// # OpenClinica 4 accounts
//
// [CheckAccount] checks one user of OpenClinica 4's user administration ([Account]): the
// type is Admin or User; the status is one of [Statuses], whose meanings constrain the
// roles (Created means no role assigned, Invited at least one); Created (UTC), Updated (UTC)
// and Last Login (UTC) are times as the screens write them ("10-May-2018 17:57", Last Login
// also "Never"), and an account is not updated, nor logged into, before it is created.
// Two consequences of the statuses' meanings are warnings: an Invited user, who has not
// yet activated the account, has no Last Login time; and a Deactivated user, who can no
// longer log in, has no Last Login after the Updated time (deactivating the account
// updates it; a login does not, as the guide's table shows: Available users logged in
// after their Updated time). They are warnings, not errors, because the guide says what
// the statuses mean, not how the screens fill these columns. [ReadAccounts] reads
// those screens' tables saved as CSV or .xlsx, so every row can be checked ("odmadmin
// accounts"). [OpenAccounts] reads the same tables a row at a time ([AccountTable.Next]),
// so a table of any length is checked in the memory of one row; ReadAccounts holds them all.
//
// # Code table
//
// Every code the package produces, with where its spelling comes from and what it means.
// A test keeps this table, the code constants and the test cases in step.
//
//	errorCode.participantIDLongerThan30Characters            OpenClinica participant API  subjectKey is longer than 30 characters
//	errorCode.participantIDContainsUnsupportedHTMLCharacter  OpenClinica participant API  subjectKey contains < or >
//	errorCode.firstNameTooLong                               OpenClinica participant API  firstName is longer than 35 characters
//	errorCode.lastNameTooLong                                OpenClinica participant API  lastName is longer than 35 characters
//	errorCode.middleNameTooLong                              OpenClinica participant API  middleName is longer than 35 characters
//	errorCode.emailAddressTooLong                            OpenClinica participant API  emailAddress is longer than 255 characters
//	errorCode.invalidEmailAddress                            OpenClinica participant API  emailAddress does not match the server's e-mail pattern
//	errorCode.phoneNumberTooLong                             OpenClinica participant API  phoneNumber is longer than 17 characters
//	errorCode.invalidPhoneNumber                             OpenClinica participant API  phoneNumber is not +CC NUMBER (1-3 digit country code, one space, 1-14 digits)
//	errorCode.secondaryIdTooLong                             OpenClinica participant API  secondaryId (identifier) is longer than 35 characters
//	errorCode.streetAddress1TooLong                          OpenClinica participant API  streetAddress1 is longer than 155 characters
//	errorCode.streetAddress2TooLong                          OpenClinica participant API  streetAddress2 is longer than 155 characters
//	errorCode.countryTooLong                                 OpenClinica participant API  country is longer than 155 characters
//	errorCode.cityTooLong                                    OpenClinica participant API  city is longer than 155 characters
//	errorCode.stateTooLong                                   OpenClinica participant API  state is longer than 155 characters
//	errorCode.postalCodeTooLong                              OpenClinica participant API  postalCode is longer than 35 characters
//	errorCode.invalidFullDob                                 odmadmin                     fullDob is not a real date written YYYY-MM-DD (the OpenClinica participant API names the field, no rule)
//	errorCode.hospitalNumberTooLong                          OpenClinica participant API  hospitalNumber is longer than 35 characters
//	errorCode.invalidRegisterValue                           odmadmin                     register is not y or n (server also takes yes/no, any case) (rule: OpenClinica participant API)
//	errorCode.studyNotExist                                  OpenClinica participant API  the study OID is not found
//	errorCode.studyNotAvailable                              OpenClinica participant API  the study is not in Available status
//	errorCode.siteNotExist                                   OpenClinica participant API  the site OID is not found in the study
//	errorCode.siteNotAvailable                               OpenClinica participant API  the site is not in Available status
//	errorCode.participantIDMethodNotSupported                odmadmin                     the study's Participant ID Method is neither Manual Entry nor System-generated (rule: OpenClinica participant API)
//	errorCode.participantIDRequired                          odmadmin                     a new participant has no participant ID in a study with Manual Entry IDs (rule: OpenClinica participant API)
//	errorCode.noRoleSetUp                                    OpenClinica participant API  the caller has no role in the study or site
//	errorCode.noSufficientPrivileges                         OpenClinica participant API  the caller's role may not add or update participants (monitors, viewers, unlisted roles)
//	errorCode.participantNotAtCallerSite                     odmadmin                     a site-level caller acts outside their own site (rule: OpenClinica participant API)
//	errorCode.studyLevelParticipantNotVisible                odmadmin                     a CRC or Investigator adds or acts on a study-level participant, which they cannot see (rule: OpenClinica participant API note)
//	errorCode.participateNotEnabled                          OpenClinica participant API  register=y but the Participate module is not active
//	errorCode.studyLevelParticipantContactData               odmadmin                     a study-level participant carries contact data (rule: OpenClinica participant API note)
//	errorCode.studyLevelParticipantRegistration              odmadmin                     a study-level participant is registered for Participate (rule: OpenClinica participant API note)
//	errorCode.siteParticipantToStudyLevel                    odmadmin                     a site-level participant would move to the study level (rule: OpenClinica participant API note)
//	errorCode.participantsEnrollmentCapReached               OpenClinica participant API  a new participant would exceed the enforced enrollment cap
//	contacts.repeatedParticipantID                           odmadmin                     warning: the participant ID is on an earlier record of the input; the API adds the participant once and takes the later record as an update, no new enrolment (rule: OpenClinica participant API)
//	userEdit.accountDeleted                                  odmadmin                     the change deletes the account; accounts are only deactivated (rule: OpenClinica 4 administrator guide)
//	userEdit.usernameChanged                                 odmadmin                     the change alters the username (rule: OpenClinica 4 administrator guide, AnjuEDC online help 13.4)
//	userEdit.usernameLength                                  odmadmin                     AnjuEDC: username is not 10-50 characters (rule: AnjuEDC online help 13.2)
//	userEdit.usernameCharacters                              odmadmin                     AnjuEDC: username has characters other than A-Z a-z 0-9 _ (rule: AnjuEDC online help 13.2)
//	userEdit.unknownStatus                                   odmadmin                     a status is not Created, Invited, Available or Deactivated (rule: OpenClinica 4 administrator guide)
//	userEdit.invalidStatusTransition                         odmadmin                     the status change is not an allowed transition (rule: OpenClinica 4 administrator guide statuses)
//	userEdit.primaryOrganizationNotShared                    odmadmin                     AnjuEDC: Organization Admin changes the primary organization without access (rule: AnjuEDC online help 13.4)
//	userEdit.authenticationFieldLocked                       odmadmin                     AnjuEDC: Allow Login or Organization Admin changed for a user in an organization the Organization Admin cannot access (rule: AnjuEDC online help 13.4)
//	userEdit.externalFieldLocked                             odmadmin                     AnjuEDC: Is External User or Authentication URL changed without access to the user's primary organization (rule: AnjuEDC online help 13.4)
//	userEdit.externalUserCleared                             odmadmin                     warning: AnjuEDC: an SSO user moves to a primary organization without SSO and becomes non-external (rule: AnjuEDC online help 13.4)
//	userEdit.ssoNotConfigured                                odmadmin                     AnjuEDC: a user is made or kept external while their primary organization has no SSO (rule: AnjuEDC online help 13.4, 13.5)
//	userEdit.dateTimeFormatLocked                            odmadmin                     AnjuEDC: Date Format or Time Format changed while the primary organization does not allow datetime format change (rule: AnjuEDC online help 13.4)
//	userEdit.permissionsDropped                              odmadmin                     warning: AnjuEDC: an edit that changes the primary organization also removes an organization; the change keeps permissions (rule: AnjuEDC online help 13.4)
//	account.inexactNumber                                    odmadmin                     warning: a workbook cell of the account holds a number of more than 15 digits, which Excel does not keep (the digits after the 15th read as 0), so the value checked is not the one typed (rule: odmadmin)
//	account.missingUsername                                  odmadmin                     the account has no username; OpenClinica 4 names every account by its username, which cannot be changed (rule: OpenClinica 4 administrator guide)
//	account.unknownType                                      odmadmin                     the user type is neither Admin nor User (rule: OpenClinica 4 administrator guide)
//	account.unknownStatus                                    odmadmin                     the status is not Created, Invited, Available or Deactivated (rule: OpenClinica 4 administrator guide)
//	account.createdWithRoles                                 odmadmin                     a Created user has roles; Created means no role assigned (rule: OpenClinica 4 administrator guide)
//	account.invitedWithoutRole                               odmadmin                     an Invited user has no role; Invited means at least one role assigned (not checked without a Role or Roles column) (rule: OpenClinica 4 administrator guide)
//	account.invalidTime                                      odmadmin                     Created, Updated or Last Login (UTC) is not D-MMM-YYYY H:MM[:SS] or ISO 8601 (T or space, Z or offset; a date alone is 00:00; Last Login may be Never) (rule: OpenClinica 4 administrator guide)
//	account.updatedBeforeCreated                             odmadmin                     Updated (UTC) is before Created (UTC) (rule: odmadmin)
//	account.loginBeforeCreated                               odmadmin                     Last Login (UTC) is before Created (UTC) (rule: odmadmin)
//	account.invitedLoggedIn                                  odmadmin                     warning: an Invited user has a Last Login time; Invited means the account is not yet activated, so no login yet (rule: OpenClinica 4 administrator guide)
//	account.loginAfterDeactivation                           odmadmin                     warning: a Deactivated user's Last Login is after Updated (UTC); the deactivation updated the account and a deactivated user cannot log in (rule: OpenClinica 4 administrator guide)
//	admin.oidNotUnique                                       odmadmin                     error: two Users, Organizations, Locations or SignatureDefs of one AdminData share an OID (rule: ODM 1.3.2 §2.11; ODM 2.0 wiki for Organization)
//	admin.loginNameNotUnique                                 odmadmin                     error: two Users of one AdminData have the same LoginName (2.0 UserName), ignoring case (rule: odmadmin)
//	admin.mergeConflict                                      odmadmin                     warning: two files checked together hold the same User (same OID, else same login name ignoring case) with a different name, login, type, organization or vendor attribute (of the same study); odmadmin map, diff and plan merge them and keep the first file's value (rule: odmadmin)
//	admin.danglingStudyOID                                   odmadmin                     error, warning in a series or a Granularity=AdminData file: AdminData/@StudyOID names no Study in the file (rule: ODM 1.3.2 §2.11, §3.1.2)
//	admin.danglingMetaDataVersionRef                         odmadmin                     error, warning in a series or a Granularity=AdminData file: MetaDataVersionRef names no Study or no MetaDataVersion of it (rule: ODM 1.3.2 §2.11, §3.1.2.2.1)
//	admin.danglingLocationRef                                odmadmin                     error, warning in a series (and from ClinicalData in a file whose Granularity carries no AdminData): a LocationRef, SiteRef or @LocationOID names no Location (rule: ODM 1.3.2 §2.11, §3.1.2.1.19, §3.1.4.1.6)
//	admin.danglingOrganizationRef                            odmadmin                     error, warning in a series: an @OrganizationOID or @PartOfOrganizationOID names no Organization (rule: ODM 1.3.2 §2.11; ODM 2.0 AdminData)
//	admin.organizationCycle                                  odmadmin                     error: an Organization is part of itself through @PartOfOrganizationOID, directly or through others (rule: odmadmin; ODM 2.0 AdminData: an organization is part of a larger one)
//	admin.danglingUserRef                                    odmadmin                     error, warning in a series or a file whose Granularity carries no AdminData: a UserRef or InvestigatorRef in ClinicalData names no User (rule: ODM 1.3.2 §2.11, §3.1.4.1.2.1, §3.1.4.1.5)
//	admin.danglingSignatureRef                               odmadmin                     error, warning in a series or a file whose Granularity carries no AdminData: a SignatureRef in ClinicalData names no SignatureDef (rule: ODM 1.3.2 §2.11, §3.1.4.1.3.1)
//	admin.missingAttribute                                   odmadmin                     error: a required attribute is missing or empty (rule: ODM 1.3.2 §2.13 and the XSDs)
//	admin.missingMetaDataVersionRef                          odmadmin                     error: a Location has no MetaDataVersionRef (rule: ODM 1.3.2 §3.1.2.2, ODM 2.0 XSD)
//	admin.missingMeaning                                     odmadmin                     error: a SignatureDef has no Meaning, or an empty one (rule: ODM 1.3.2 §3.1.2.3)
//	admin.missingLegalReason                                 odmadmin                     error: a SignatureDef has no LegalReason, or an empty one (rule: ODM 1.3.2 §3.1.2.3)
//	admin.invalidUserType                                    odmadmin                     error: User/@UserType is not in the value list of the file's ODM version (rule: ODM 1.3.2 §3.1.2.1, ODM 2.0 XSD)
//	admin.invalidLocationType                                odmadmin                     error: Location/@LocationType is not Sponsor, Site, CRO, Lab or Other (rule: ODM 1.3.2 §3.1.2.2)
//	admin.invalidMethodology                                 odmadmin                     error: SignatureDef/@Methodology is not Digital or Electronic (rule: ODM 1.3.2 §3.1.2.3)
//	admin.invalidTelecomType                                 odmadmin                     error: Telecom/@TelecomType is not in the ODM 2.0 value list (rule: ODM 2.0 XSD)
//	admin.invalidOrganizationType                            odmadmin                     error: Organization/@Type is not in the ODM 2.0 value list (rule: ODM 2.0 XSD)
//	admin.invalidEffectiveDate                               odmadmin                     error: MetaDataVersionRef/@EffectiveDate is not a date (rule: ODM 1.3.2 §3.1.2.2.1, §2.13)
//	admin.effectiveDateTime                                  odmadmin                     warning: MetaDataVersionRef/@EffectiveDate is a dateTime, not an xs:date (rule: ODM 1.3.2 §3.1.2.2.1; rwslib and InForm write dateTimes)
//	admin.effectiveDateOrder                                 odmadmin                     warning: a Location's EffectiveDates for one Study do not increase (rule: odmadmin, after ODM 1.3.2 §3.1.2.2.1)
//	admin.invalidEmail                                       odmadmin                     error: an Email (2.0 Telecom of type Email) is not an RFC 5322 addr-spec with a dotted domain (rule: odmadmin)
//	admin.invalidPhone                                       odmadmin                     warning: a Phone, Fax or Pager (2.0 Telecom Phone, Fax, Pager, SMS) is not digits, spaces and + - ( ) . / with at least 3 digits (rule: odmadmin)
//	admin.invalidCountry                                     odmadmin                     warning: Address/Country is not an ISO 3166-1 code: alpha-2 (1.3), alpha-2 or alpha-3 (2.0) (rule: ODM 1.3.2 §3.1.2.1.11, ODM 2.0 wiki)
//	admin.investigatorWithoutLocation                        odmadmin                     warning: an Investigator User has no LocationRef (2.0 @LocationOID) (rule: odmadmin)
//	admin.elementOrder                                       odmadmin                     error: a child of ODM or of an AdminData element comes after a sibling the schema puts later (rule: ODM 1.3.2 §2.12, §3.1 and the XSD sequences)
//	admin.unknownContent                                     odmadmin                     warning: an element or attribute the ODM model does not define there, kept as is (rule: ODM XSD; reader warning)
//	admin.unexpectedText                                     odmadmin                     warning: text inside an element that has only elements and attributes (rule: ODM XSD; reader warning)
//	admin.emptyElement                                       odmadmin                     warning: an empty Address, Email, Fax or Phone element (rule: odmadmin; reader warning, Rave writes them)
//	admin.consecutiveSpaces                                  odmadmin                     warning: a name field contains two spaces in a row (rule: odmadmin; reader warning, Rave writes them)
//	admin.oidWhitespace                                      odmadmin                     warning: an OID or OID reference has leading or trailing white space; it resolves trimmed (rule: odmadmin; reader warning, OpenClinica writes UserRef UserOID="USR_3 ")
//	admin.readerWarning                                      odmadmin                     warning: any other odm reader warning, with the reader's message (rule: odm package)
//
// # AdminData consistency
//
// [CheckAdminData] checks the AdminData of a decoded [odm.Document]; [CheckAdminDataXML]
// checks a file of any size without decoding it whole, with the same findings; and
// [CheckAdminDataInputs] checks several files as one export, resolving references across
// them. The streaming checks read each file twice, one record at a time: first for the
// definitions (the OIDs of Users, Locations, SignatureDefs, Organizations, Studies and
// MetaDataVersions, and the login names), then for the checks. Between the two they hold a
// compact index: 64-bit hashes of the User OIDs and 32-bit fingerprints of the login names
// in open-addressing tables (about 20 bytes per User), the few Study OIDs as text, and the
// OIDs and names whose hash occurred twice; those candidates are confirmed with their exact
// text in the second read, so a shared hash never makes a uniqueness finding. A reference
// resolves when the hash of its OID is a defined element's (with a random seed per check,
// two different OIDs share it with a chance of about 2^-64). For values read from XML, odm records the order and position
// of every child (odm.Ext.Children), so the order of the children inside AdminData is
// checked and a finding about a text-only child such as Email or Country cites that
// child's line; values built in code or read from JSON have no positions, and such
// findings cite the enclosing User or Address. Every finding carries its
// severity, code, the element's line and column, and a Field naming the element or
// attribute ("User/LocationRef/@LocationOID"). Findings are sorted by position.
//
// Uniqueness. User, Location and SignatureDef OIDs, and the OIDs of ODM 2.0
// Organizations, are unique per element type within one AdminData, as ODM 1.3.2 section
// 2.11 says. An OID shared by elements of different types (a Location and a SignatureDef
// both called SIG.1) is allowed by the standard and is not reported, not even as a
// warning: odmlib's document-wide uniqueness is a bug, and a warning on valid input would
// teach people to ignore warnings. Login names (2.0 UserName) are unique per AdminData
// after Unicode case folding; ODM does not ask for it, EDC systems do.
//
// References. AdminData/@StudyOID (when present), MetaDataVersionRef (Study, then the
// MetaDataVersion within that Study), User/LocationRef, the ODM 2.0 @LocationOID,
// @OrganizationOID and @PartOfOrganizationOID, and in ClinicalData and ReferenceData every
// UserRef, InvestigatorRef, LocationRef, SiteRef and SignatureRef must name an element of
// the file (or of one of the files checked together). Users, Locations and the rest
// resolve against every AdminData of the file. A
// reference that does not resolve is an error, unless the file is part of a series (a
// Transactional file, one with a PriorFileOID, or [AdminDataOptions].Series): section
// 2.11 lets references point into a prior file, so there it is a warning. A file with
// Granularity="AdminData" holds no Study by definition, so its Study and
// MetaDataVersion references are warnings too; likewise a file whose Granularity carries no
// AdminData (AllClinicalData, SingleSite, SingleSubject, Metadata, ReferenceData) makes
// the User, Location and SignatureDef references of its ClinicalData warnings. OIDs and
// references are compared with leading and trailing white space trimmed: the padding is
// an admin.oidWhitespace warning (OpenClinica writes UserRef UserOID="USR_3 " on every
// audit record), not a dangling reference as well.
//
// Values. UserType, LocationType, Methodology, TelecomType and Organization/@Type must be
// in the value list of the file's ODM version (2.0 adds Subject, Monitor, Data analyst,
// Care provider and Assessor users). An EffectiveDate must be a real calendar date written
// as xs:date with a four-digit year; a dateTime is a warning, since rwslib and InForm write
// one, and its date part still counts. Within one Location the EffectiveDates of one Study
// must increase in document order (a warning: the order is a convention consumers rely on
// when they take the latest, not a schema rule). A SignatureDef needs a non-blank Meaning
// and LegalReason; an empty element counts as missing.
//
// Contact fields. An e-mail address must be what net/mail parses as a bare RFC 5322
// addr-spec (no display name, angle brackets or comment; UTF-8 allowed), with a local
// part of at most 64 bytes, at most 254 bytes in all, and a domain of at least two
// dot-separated labels of letters, digits and inner hyphens, or an address literal in
// brackets. Quoted local parts are refused. This is deliberately more lenient than the
// OpenClinica server pattern that [CheckContact] applies: AdminData comes from many
// systems. Phone, Fax, Pager (2.0 Telecom Phone, Fax, Pager, SMS) must look like a phone
// number: digits, spaces and the separators "+-()./", "+" only in front, at least three digits,
// and an optional extension ("x12", "ext. 12"); a miss is a warning, since ODM types
// them as free text. Country must be an ISO 3166-1 alpha-2 code in ODM 1.2 and 1.3
// (section 3.1.2.1.11), alpha-2 or alpha-3 in ODM 2.0 (the 2.0 wiki asks for alpha-3), in
// upper case; a miss is a warning, because every major producer writes names or
// three-letter codes. The code list is the 249 officially assigned codes, kept in the
// source; user-assigned codes such as XK are not accepted.
//
// Plausibility. An Investigator without LocationRef (2.0 @LocationOID) is a warning:
// ODM allows it, but an investigator always works at a site.
//
// Reader warnings. The odm reader's warnings become findings with their own codes
// (admin.unknownContent, admin.unexpectedText, admin.emptyElement,
// admin.consecutiveSpaces, admin.oidWhitespace), all warnings; those that restate a rule
// above with a sharper code are dropped, and one the table does not know becomes
// admin.readerWarning with the reader's message, so none is lost.
//
// Personal data. Messages name elements, attributes, OIDs, value-list values and dates,
// never login names, e-mail addresses, phone numbers or addresses. Set
// [AdminDataOptions].Values to have the offending value copied into [Finding].Value.
package validate
