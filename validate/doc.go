// Package validate checks clinical-trial user administration data against the rules the
// vendors enforce, and reports every violation as a [Finding] value with a stable [Code].
//
// Three checks exist: [CheckContact] for participant contact records, [CheckRequest] for the
// setting such a record is submitted in, and [CheckUserEdit] for changes to user accounts.
// The sections below give each rule with its source, and the complete code table. The seeds
// are the vendor documents kept in the project's shared/seeds directory:
//
//   - seed 002: OpenClinica's participant API documentation (add or update a participant,
//     register for Participate): fields, limits, error codes, authorized roles.
//   - server: the OpenClinica 4.13.x server code behind that API
//     (StudyParticipantServiceImpl), as read in the research notes (vendor-formats.md
//     section 2.4). It supplies what the seed leaves open: the e-mail and phone patterns,
//     the order of checks, and that empty fields are not checked.
//   - seed 000: OpenClinica 4 administrator guide (user statuses, accounts never deleted,
//     username fixed).
//   - seed 003: AnjuEDC "Edit (Update) a User" (username fixed, primary organization rule);
//     AnjuEDC help 13.2 "Add a User" (research notes section 5) for the username format.
//   - odmadmin: rules and codes invented here where a source states a rule without a code
//     or leaves a field without a rule. Such codes are marked "odmadmin" in the table.
//
// # Participant contact records
//
// [CheckContact] checks one [Contact]. Empty fields are not checked, as on the server.
//
//	field           limit  format rule                                     source
//	subjectKey         30  no < or >                                       seed 002
//	firstName          35                                                  seed 002
//	lastName           35                                                  seed 002
//	middleName         35                                                  seed 002
//	emailAddress      255  server EMAIL_PATTERN (below)                    limit seed 002, pattern server
//	phoneNumber        17  ^\+[0-9]{1,3} [0-9]{1,14}$                      limit seed 002, pattern server
//	secondaryId        35                                                  seed 002 (server: identifier)
//	streetAddress1    155                                                  seed 002
//	streetAddress2    155                                                  seed 002
//	country           155                                                  seed 002
//	city              155                                                  seed 002
//	state             155                                                  seed 002
//	postalCode         35                                                  seed 002
//	fullDob                real date YYYY-MM-DD, year 0001-9999            odmadmin
//	hospitalNumber     35                                                  seed 002
//	register               y or n (server also acts on yes, any case)      seed 002, server
//
// The e-mail pattern is the server's, verbatim:
//
//	^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$
//
// so an address needs a dot in its domain, and non-ASCII letters are rejected. The phone
// format is "+", a 1-3 digit country code, exactly one space and 1-14 digits ("+1 1234567890");
// hyphens, brackets and extra spaces are rejected. A number can match the pattern and still
// break the 17-character limit (the pattern allows 19); both rules apply.
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
// check documents its own order. All findings here have [SeverityError].
//
// Messages describe the rule and, for length, the measured length; they never contain the
// value, since contact data is personal data. Set [Options].Values to have the value copied
// into [Finding].Value.
//
// # Request context
//
// [CheckRequest] checks a record against its [Request]: study and site exist and are
// Available (seed 002 codes), the caller's role may call the API, a site-level caller acts
// only at their own site and on their own site's participants, register=y needs the
// Participate module, a study-level participant gets neither registration nor contact data
// (every seed "Participant Contact Field", that is every field but subjectKey and register),
// a site-level participant is not moved to the study level, and a new participant does not
// exceed an enforced enrollment cap. The seed gives no code for the study-level, own-site and
// move rules; their codes are odmadmin's. The cap applies to new participants only, as the
// seed says; the 4.13.x server checks it before telling new from existing participants.
//
// Roles: Data Manager, Clinical Research Coordinator, Investigator, Data Entry Person and
// Data Specialist may call the API; monitors and viewers may not (seed 002). Any other role,
// known or not, is refused too. Role names are matched as vendors spell them (research notes
// sections 2.2 and 6), ignoring case, spaces and underscores:
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
// # User edits
//
// [CheckUserEdit] checks a proposed change to a user account ([UserEdit]): accounts are never
// deleted, only deactivated, and the username never changes (seeds 000 and 003). Status moves
// only along Created → Invited → Available ⇄ Deactivated, and Invited may also go to
// Deactivated; staying put is always allowed (statuses from seed 000, transitions from the
// odmadmin issue). [ProfileAnjuEDC] adds the username format, 10-50 characters of ASCII
// letters, digits and underscore, and seed 003's primary-organization rule: an Organization
// Admin may change a user's primary organization only if both the admin and the user are
// assigned to both the current and the new primary organization; a Global Admin may always.
// The seeds publish no codes for these rules, so all of them are odmadmin's, in a
// "userEdit." namespace that keeps them apart from the OpenClinica API codes.
//
// # Code table
//
// Every code the package produces, with where its spelling comes from and what it means.
// A test keeps this table, the code constants and the test cases in step.
//
//	errorCode.participantIDLongerThan30Characters            seed 002  subjectKey is longer than 30 characters
//	errorCode.participantIDContainsUnsupportedHTMLCharacter  seed 002  subjectKey contains < or >
//	errorCode.firstNameTooLong                               seed 002  firstName is longer than 35 characters
//	errorCode.lastNameTooLong                                seed 002  lastName is longer than 35 characters
//	errorCode.middleNameTooLong                              seed 002  middleName is longer than 35 characters
//	errorCode.emailAddressTooLong                            seed 002  emailAddress is longer than 255 characters
//	errorCode.invalidEmailAddress                            seed 002  emailAddress does not match the server's e-mail pattern
//	errorCode.phoneNumberTooLong                             seed 002  phoneNumber is longer than 17 characters
//	errorCode.invalidPhoneNumber                             seed 002  phoneNumber is not +CC NUMBER (1-3 digit country code, one space, 1-14 digits)
//	errorCode.secondaryIdTooLong                             seed 002  secondaryId (identifier) is longer than 35 characters
//	errorCode.streetAddress1TooLong                          seed 002  streetAddress1 is longer than 155 characters
//	errorCode.streetAddress2TooLong                          seed 002  streetAddress2 is longer than 155 characters
//	errorCode.countryTooLong                                 seed 002  country is longer than 155 characters
//	errorCode.cityTooLong                                    seed 002  city is longer than 155 characters
//	errorCode.stateTooLong                                   seed 002  state is longer than 155 characters
//	errorCode.postalCodeTooLong                              seed 002  postalCode is longer than 35 characters
//	errorCode.invalidFullDob                                 odmadmin  fullDob is not a real date written YYYY-MM-DD (seed 002 names the field, no rule)
//	errorCode.hospitalNumberTooLong                          seed 002  hospitalNumber is longer than 35 characters
//	errorCode.invalidRegisterValue                           odmadmin  register is not y or n (server also takes yes/no, any case) (rule: seed 002)
//	errorCode.studyNotExist                                  seed 002  the study OID is not found
//	errorCode.studyNotAvailable                              seed 002  the study is not in Available status
//	errorCode.siteNotExist                                   seed 002  the site OID is not found in the study
//	errorCode.siteNotAvailable                               seed 002  the site is not in Available status
//	errorCode.noRoleSetUp                                    seed 002  the caller has no role in the study or site
//	errorCode.noSufficientPrivileges                         seed 002  the caller's role may not add or update participants (monitors, viewers, unlisted roles)
//	errorCode.participantNotAtCallerSite                     odmadmin  a site-level caller acts outside their own site (rule: seed 002)
//	errorCode.participateNotEnabled                          seed 002  register=y but the Participate module is not active
//	errorCode.studyLevelParticipantContactData               odmadmin  a study-level participant carries contact data (rule: seed 002 note)
//	errorCode.studyLevelParticipantRegistration              odmadmin  a study-level participant is registered for Participate (rule: seed 002 note)
//	errorCode.siteParticipantToStudyLevel                    odmadmin  a site-level participant would move to the study level (rule: seed 002 note)
//	errorCode.participantsEnrollmentCapReached               seed 002  a new participant would exceed the enforced enrollment cap
//	userEdit.accountDeleted                                  odmadmin  the change deletes the account; accounts are only deactivated (rule: seed 000)
//	userEdit.usernameChanged                                 odmadmin  the change alters the username (rule: seed 000, seed 003)
//	userEdit.usernameLength                                  odmadmin  AnjuEDC: username is not 10-50 characters (rule: AnjuEDC help 13.2)
//	userEdit.usernameCharacters                              odmadmin  AnjuEDC: username has characters other than A-Z a-z 0-9 _ (rule: AnjuEDC help 13.2)
//	userEdit.unknownStatus                                   odmadmin  a status is not Created, Invited, Available or Deactivated (rule: seed 000 status table)
//	userEdit.invalidStatusTransition                         odmadmin  the status change is not an allowed transition (rule: seed 000 statuses)
//	userEdit.primaryOrganizationNotShared                    odmadmin  AnjuEDC: Organization Admin changes the primary organization without access (rule: seed 003)
//
// AdminData consistency ([CheckAdminData], [CheckAdminDataXML]). Each meaning starts with the
// severity and ends with the source of the rule; the spelling of every code is odmadmin's.
//
//	admin.oidNotUnique                                       odmadmin  error: two Users, Organizations, Locations or SignatureDefs of one AdminData share an OID (rule: ODM 1.3.2 §2.11; ODM 2.0 wiki for Organization)
//	admin.loginNameNotUnique                                 odmadmin  error: two Users of one AdminData have the same LoginName (2.0 UserName), ignoring case (rule: odmadmin)
//	admin.danglingStudyOID                                   odmadmin  error, warning in a series or a Granularity=AdminData file: AdminData/@StudyOID names no Study in the file (rule: ODM 1.3.2 §2.11, §3.1.2)
//	admin.danglingMetaDataVersionRef                         odmadmin  error, warning in a series or a Granularity=AdminData file: MetaDataVersionRef names no Study or no MetaDataVersion of it (rule: ODM 1.3.2 §2.11, §3.1.2.2.1)
//	admin.danglingLocationRef                                odmadmin  error, warning in a series: a LocationRef, SiteRef or @LocationOID names no Location (rule: ODM 1.3.2 §2.11, §3.1.2.1.19, §3.1.4.1.6)
//	admin.danglingOrganizationRef                            odmadmin  error, warning in a series: an @OrganizationOID or @PartOfOrganizationOID names no Organization (rule: ODM 1.3.2 §2.11; ODM 2.0 AdminData)
//	admin.danglingUserRef                                    odmadmin  error, warning in a series: a UserRef or InvestigatorRef in ClinicalData names no User (rule: ODM 1.3.2 §2.11, §3.1.4.1.2.1, §3.1.4.1.5)
//	admin.danglingSignatureRef                               odmadmin  error, warning in a series: a SignatureRef in ClinicalData names no SignatureDef (rule: ODM 1.3.2 §2.11, §3.1.4.1.3.1)
//	admin.missingAttribute                                   odmadmin  error: a required attribute is missing or empty (rule: ODM 1.3.2 §2.13 and the XSDs)
//	admin.missingMetaDataVersionRef                          odmadmin  error: a Location has no MetaDataVersionRef (rule: ODM 1.3.2 §3.1.2.2, ODM 2.0 XSD)
//	admin.missingMeaning                                     odmadmin  error: a SignatureDef has no Meaning, or an empty one (rule: ODM 1.3.2 §3.1.2.3)
//	admin.missingLegalReason                                 odmadmin  error: a SignatureDef has no LegalReason, or an empty one (rule: ODM 1.3.2 §3.1.2.3)
//	admin.invalidUserType                                    odmadmin  error: User/@UserType is not in the value list of the file's ODM version (rule: ODM 1.3.2 §3.1.2.1, ODM 2.0 XSD)
//	admin.invalidLocationType                                odmadmin  error: Location/@LocationType is not Sponsor, Site, CRO, Lab or Other (rule: ODM 1.3.2 §3.1.2.2)
//	admin.invalidMethodology                                 odmadmin  error: SignatureDef/@Methodology is not Digital or Electronic (rule: ODM 1.3.2 §3.1.2.3)
//	admin.invalidTelecomType                                 odmadmin  error: Telecom/@TelecomType is not in the ODM 2.0 value list (rule: ODM 2.0 XSD)
//	admin.invalidOrganizationType                            odmadmin  error: Organization/@Type is not in the ODM 2.0 value list (rule: ODM 2.0 XSD)
//	admin.invalidEffectiveDate                               odmadmin  error: MetaDataVersionRef/@EffectiveDate is not a date (rule: ODM 1.3.2 §3.1.2.2.1, §2.13)
//	admin.effectiveDateTime                                  odmadmin  warning: MetaDataVersionRef/@EffectiveDate is a dateTime, not an xs:date (rule: ODM 1.3.2 §3.1.2.2.1; rwslib and InForm write dateTimes)
//	admin.effectiveDateOrder                                 odmadmin  warning: a Location's EffectiveDates for one Study do not increase (rule: odmadmin, after ODM 1.3.2 §3.1.2.2.1)
//	admin.invalidEmail                                       odmadmin  error: an Email (2.0 Telecom of type Email) is not an RFC 5322 addr-spec with a dotted domain (rule: odmadmin)
//	admin.invalidPhone                                       odmadmin  warning: a Phone, Fax or Pager (2.0 Telecom Phone, Fax, Pager, SMS) is not digits, spaces and + - ( ) . / with at least 3 digits (rule: odmadmin)
//	admin.invalidCountry                                     odmadmin  warning: Address/Country is not an ISO 3166-1 code: alpha-2 (1.3), alpha-2 or alpha-3 (2.0) (rule: ODM 1.3.2 §3.1.2.1.11, ODM 2.0 wiki)
//	admin.investigatorWithoutLocation                        odmadmin  warning: an Investigator User has no LocationRef (2.0 @LocationOID) (rule: odmadmin)
//	admin.elementOrder                                       odmadmin  error: a child of ODM or of an AdminData element comes after a sibling the schema puts later (rule: ODM 1.3.2 §2.12, §3.1 and the XSD sequences)
//	admin.unknownContent                                     odmadmin  warning: an element or attribute the ODM model does not define there, kept as is (rule: ODM XSD; reader warning)
//	admin.unexpectedText                                     odmadmin  warning: text inside an element that has only elements and attributes (rule: ODM XSD; reader warning)
//	admin.emptyElement                                       odmadmin  warning: an empty Address, Email, Fax or Phone element (rule: odmadmin; reader warning, Rave writes them)
//	admin.consecutiveSpaces                                  odmadmin  warning: a name field contains two spaces in a row (rule: odmadmin; reader warning, Rave writes them)
//	admin.oidWhitespace                                      odmadmin  warning: an OID or OID reference has leading or trailing white space (rule: odmadmin; reader warning)
//	admin.readerWarning                                      odmadmin  warning: any other odm reader warning, with the reader's message (rule: odm package)
//
// # AdminData consistency
//
// [CheckAdminData] checks the AdminData of a decoded [odm.Document]; [CheckAdminDataXML]
// decodes the document first. For values read from XML, odm records the order and position
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
// the file. Users, Locations and the rest resolve against every AdminData of the file. A
// reference that does not resolve is an error, unless the file is part of a series (a
// Transactional file, one with a PriorFileOID, or [AdminDataOptions].Series): section
// 2.11 lets references point into a prior file, so there it is a warning. A file with
// Granularity="AdminData" holds no Study by definition, so its Study and
// MetaDataVersion references are warnings too.
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
