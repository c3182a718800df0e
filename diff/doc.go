// Package diff compares two user directories ([mapping.Directory]: two exports, even from
// different vendors) and returns the differences as a list of changes in the vocabulary of
// an audit log: USER_ADDED, USER_REMOVED, PROFILE_CHANGE, ROLE_CHANGE, STATUS_CHANGE,
// SITE_ADDED, SITE_REMOVED, SITE_CHANGE, EXTENSION_CHANGE and ROLE_DEFINITION_CHANGE, and
// for the other AdminData records ORGANIZATION_ADDED, ORGANIZATION_REMOVED,
// ORGANIZATION_CHANGE (ODM 2.0), SIGNATURE_DEF_ADDED, SIGNATURE_DEF_REMOVED and
// SIGNATURE_DEF_CHANGE.
//
// The package is named after what it returns, a diff: [Compare] gives a []Change and the
// writers print it as text, JSON or CSV, as the "odmadmin diff" command does. It does not
// use go-cmp (whose output is not stable); for go-cmp options and a test helper see package
// odmtest.
//
// # Matching
//
// Users are matched by a [Key]: the ODM User OID (default), the login (ignoring letter
// case) or the e-mail address (ignoring letter case; a user with several addresses is
// keyed by the first in sorted order). Users with the same key on one side are paired in
// order of login, then OID. Sites are matched by OID; organizations, signature
// definitions and role definitions by OID within their AdminData's study (several of
// one OID on a side are paired in the order read).
//
// # What counts as a change
//
// Order never matters: users, sites, assignments (LocationRefs), e-mails, phones, groups,
// addresses and vendor elements are compared as sets. By default runs of white space in
// text count as one space and leading and trailing white space does not count, e-mail
// addresses are compared ignoring letter case, and an empty value (an empty element, an
// empty vendor attribute, an empty list entry) is the same as an absent one;
// [Options.ExactText] and [Options.KeepEmpty] make them count.
//
// Listings. A user or site listed in several AdminData blocks (Rave per study environment,
// InForm and OpenClinica per study) keeps the values of its first listing, and those of
// its other listings that differ are mapping.Source.Variants. A field or vendor attribute
// whose listings differ on either side is compared listing by listing, not as the value
// kept: in each study both sides list it in, the values of the listing there
// (mapping.User.InStudy) are compared, and a difference is a change whose value type
// names the field and the study: STATUS_CHANGE "status (STB)", PROFILE_CHANGE
// "organization (S_SITE_01)", SITE_CHANGE "active (Proj(UAT))", EXTENSION_CHANGE
// "pf:Revision (STB)". So the order of the blocks does not count: two exports that list
// the same blocks with the same values in another order are no change, and a change in
// one block is named by it whichever block comes first. A field the same in all of a
// side's listings is compared as a whole, as are all fields when the sides share no
// study. A file whose blocks disagree against itself is no change.
//
// Each vendor holds different fields: InForm has locales and rights groups, Rave has
// active flags and role names, OpenClinica's AdminData has names only, the Clinical One
// template has assignment dates and depots. When the two directories were read with
// different profiles, a field is compared only if both profiles can hold it, roles are
// compared by their canonical meaning ([mapping.Canonical]) rather than by name, and
// vendor extensions, groups, OIDs (unless they are the key) are not compared, so that a
// cross-vendor comparison reports only the real differences. A directory of unknown
// profile (built in code, or JSON without a source) is taken to hold everything.
// [Options.AllFields] and [Options.Roles] override this.
//
// # Changes
//
// A [Change] names the user by login (User) and as the audit log writes it, "First Last
// (login)" (Target); a site change's Target is "Name (OID)". ValueType says what changed:
// the field name of a PROFILE_CHANGE ("emails", "givenName", ...; the names are the JSON
// keys of [mapping.User] and [mapping.Site]), "STUDY (ENVIRONMENT)-SITE" for a
// ROLE_CHANGE (the study OID and the site as the audit log's "PAB 37 (Test)-Site 1" names
// it: by its name when either directory knows one, else its number, else its OID; a
// study-level assignment has no "-SITE"; a study OID that ends with its environment, as
// Rave's "Mediflex(Prod)", is not followed by another), "status" for a STATUS_CHANGE and the vendor
// attribute or element name ("pf:Revision") for an EXTENSION_CHANGE. Old and New are the
// values as written (sets joined with "; " in a stable order); a ROLE_CHANGE's values are
// role names, with the assignment's dates and depots when the profiles hold them, and
// "(site level, no site named)" after a site-level role whose site the input does not say
// (an OpenClinica 4 user table's): unlike the same role at the study level, which holds at
// every site. An added or removed user also gets a ROLE_CHANGE for each of its assignments.
//
// A ROLE_DEFINITION_CHANGE is an edit of a role's definition, the audit log's "role
// definition edits": an InForm pf:GroupDef whose rights, name or type changed (Target
// "Name (ID)", ValueType "rights", "name" or "type"), or that was added or dropped
// (ValueType "definition", the value the whole definition, "Name [Type]: rights", with
// "(no rights)" for a definition without any: a dropped definition is not a change of its
// rights to none). Definitions are compared between directories of one profile only.
//
// Organizations (ODM 2.0) and signature definitions (SignatureDef, any ODM version) are
// compared field by field: an ORGANIZATION_CHANGE's ValueType is "name", "type", "role",
// "site", "partOf", "description", "addresses" or "telecoms", a SIGNATURE_DEF_CHANGE's
// "methodology", "meaning" or "legalReason"; their vendor attributes and elements are
// EXTENSION_CHANGEs, as a site's. Target is "Name (OID)" for an organization and
// "Meaning (OID)" for a signature definition. A profile that cannot hold the records (ODM
// 1.3 holds no Organization; a Clinical One template or an OpenClinica 4 user table
// holds neither) does not compare them.
//
// Current users. The Clinical One user upload template lists current study users only: it
// has no status column, and a deactivated account or one whose access to the study has
// ended has no row. Against a template, a user the template lacks who is not current on
// the other side (status Deactivated, or every assignment ended before [Options.Now]) is
// no change, and a user listed on both sides who is current on one and not on the other
// is a STATUS_CHANGE: "Available" for a current user without a status of its own,
// "access ended" for a template row whose End Date has passed, else the user's status.
//
// Rules. Two OpenClinica exports of one system (ODM exports or OpenClinica 4 user tables
// with a common study) cannot differ in some ways: OpenClinica 4 accounts are never
// deleted, only deactivated, a username never changes, and an account, once activated
// (Available), is not Invited or Created again (OpenClinica 4 administrator guide: Invited
// means not yet activated, Created no role yet). A USER_REMOVED, a PROFILE_CHANGE of the
// login and a STATUS_CHANGE from Available to Invited or Created between such exports
// carry the broken rule in [Change].Rule, which the text output shows in brackets. The
// guide gives no transitions, so moves it leaves open (an account activated again after
// a deactivation, an Invited user whose roles are removed) are not marked.
//
// A ROLE_CHANGE's value type names the assignment as the audit log does ("PAB 37
// (Test)-Site 1"): the study by its name where an export gives one, else by OID
// ([StudyLabels]), then the environment, then the site by name, else number, else OID
// ([SiteLabels]).
//
// The CSV output has the columns of OpenClinica's User and Role Audit Log; [WriteAuditCSV]
// fills BY and DATE/TIME from a [Stamp], so the output reads like the real log. Package
// auditlog reads a real log and tells which changes it records.
//
// Changes come in a deterministic order: site changes by site OID, then organization
// changes, signature definition changes and role definition changes, each by ID, then
// user changes by key; within one user USER_ADDED or USER_REMOVED, STATUS_CHANGE, PROFILE_CHANGE in field
// order, ROLE_CHANGE and EXTENSION_CHANGE by value type, then the changes of single
// listings by study and field (a site's likewise after its own).
//
// Compare joins the directories by sorting, so two directories of 200,000 users compare in
// well under the time it takes to read one of them. CompareSides reads each side twice,
// so it takes about twice the time of reading both.
//
// Changes contain personal data (the old and new values are the point of a diff): treat
// the output like the exports it was made from.
//
// # Memory
//
// [Compare] works on two whole directories and holds both. [CompareSides] gives the same
// changes without holding either: it reads each side twice (a [Side] is a directory that
// can be read again, such as an export file, [ODMFile]), keeping in the first pass only a
// key hash and a fingerprint per user (24 bytes), and in the second only the users whose
// fingerprints differ or whose key is missing or repeated on a side, as compact records
// in a temporary file with their keys in memory (some 30 bytes and the key a user), and
// the changes. The users are compared in the order of their keys, and the file is
// rewritten in that order first when it is not already (mapping.UserFile.Arrange: keys
// such as USR_10 and USR_2 sort apart from the file's order), so that it is read in
// large blocks, not a system call per user. [CompareSidesFile] puts the changes in a temporary file too ([Changes]).
// "odmadmin diff" uses CompareSidesFile: it holds those 24 bytes per user of both sides,
// what one streamed read of a side holds (see mapping.ReadEach; a template or JSON is
// read once into compact records, see mapping.ReadCompact) and the keys of the changed
// users. Several files per side are merged once into a temporary file (mapping.MergeStream)
// and a --spec is applied to each user of A as it is read (mapping.SpecRun).
package diff
