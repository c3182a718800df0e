// Package mapping reads vendor flavours of ODM AdminData (Oracle InForm, Medidata Rave,
// OpenClinica, plain ODM 1.3.2 and 2.0) and the Oracle Clinical One user upload template
// into one normalized model of studies, sites, users and role assignments, and writes the
// model back as any of them.
//
// # Model
//
// A [Directory] holds [Study], [Site] and [User] values. A user's access is a list of
// [Assignment]s: a study, a site (empty for the whole study), a [Role], a [Scope], an
// [Environment] and an optional date range. A Role keeps the vendor's name verbatim and
// adds a [Canonical] role from one vocabulary ([RoleFor] looks names up ignoring case and
// spaces; an unknown name maps to [RoleOther] and keeps its name). One person listed in
// several AdminData blocks is one User (merged by OID, then by login) with every block's
// assignments. The merge's warnings name a person without OID by where its first record
// stands ("User at line 12"; in another file merged, "User at users.xml:12") and are
// placed at the record whose value is dropped. A person found by login under a second
// OID keeps the first as its ID; the other is reported (merge-conflict, field User/OID,
// the subject naming both OIDs) and kept as its listing's, a Variant "id" of that block's
// study, so that writing ODM gives that block the record under the OID it had (content
// elsewhere in the file may refer to it) and a patch of the file finds the record by it.
// A study's listing has one OID: records of both OIDs in one study (in two of its
// blocks) cannot be told apart; the study keeps the first OID, and the loss is reported
// (a patch of the file leaves the other's record out, reported as removed). When the
// study's first block had the other OID, already reported as kept, the report of the
// loss says it takes that back.
//
// Logins are one rule everywhere ([LoginKey]): compared with the white space around
// them trimmed and letter case aside, as OpenClinica 4 takes usernames ("not case
// sensitive"). Two AdminData blocks of one file, two files merged, two rows of a
// Clinical One template or an OpenClinica 4 user table, and "odmadmin diff --key
// login" all take jdoe and JDoe for one person; where two spellings meet, the first is
// kept and the other is reported (merge-conflict, field User/Login, CSV/User Name or
// table/Username, with a count, naming the user by OID or row, never by login), and
// a block's own spelling is kept in Source.Variants for writing it back. A value its blocks disagree on (Rave's mdsol:Active per study environment)
// is the first block's, with a CodeMergeConflict warning, and each other block's value is
// kept in Source.Variants, by study ([Variant]; [User.InStudy] gives the user as one
// block lists it), so that writing back, package diff and the tables of one study (the
// Clinical One template, the OpenClinica 4 study table) see every block's; a site listed
// in several blocks the same ([Site.InStudy]). Full names are never split into given and
// family names.
//
// # Profiles
//
// [FromDocument] (or [FromReader] for a stream) reads with a [Profile], detected from the
// vendor namespaces when not given ([Detect]); [ToDocument] writes one:
//
//   - inform: pf:StudyLocale → Locale, pf:Active/pf:Terminated → Status,
//     pf:InFormUserType → Category, pf:DBUID and pf:GUID → Source.ID, pf:GroupRef → Groups
//     (resolved against pf:GroupDef), the user's Rights group → the role of its
//     assignments, LocationRef → site assignments; a User without LoginName logs in with
//     its OID (InForm's mapping gives both as the user name), as in Rave, and is written
//     back without one. The automatic "Unknown" Location is not
//     a site (it is kept for writing back). Locations: pf:SiteCountry, pf:SiteTimezone,
//     pf:Locale, pf:Mnemonic → Number (its TranslatedText in the document's ODM namespace,
//     or in none when the root is in none). Writing InForm from another vendor defines a
//     rights group for each role the directory has no group for (ROLE.1, ROLE.2, ...,
//     numbered through the document). A user written into InForm from another vendor
//     gets what InForm's AdminData User mapping has: a FullName made of FirstName and
//     LastName when it has none (generated); one Address of at most two street lines
//     (User Address 1 and 2; further lines joined into the second, approximated; further
//     addresses left out); no Organization, Address/OtherText or Picture, which the
//     mapping has no place for (left out, unrepresentable); and an OID that is not its
//     login name is reported (approximated), as InForm's OID and LoginName are both the
//     user name. pf:InFormUserType is one of
//     System, Site, Sponsor, Support and Integration, and pf:Active and pf:Terminated are
//     yes or no; any other value is invalid-value (no category, no status read from it).
//   - rave: mdsol:UserRole → role, mdsol:UserGroup and mdsol:SiteGroup → Groups,
//     mdsol:Active → Status; the User OID is the login. Locations: mdsol:Active → Active,
//     mdsol:StudySiteNumber → the version's and (latest version) the site's Number. A study
//     OID "Project(Env)" gives the environment. mdsol:Active is yes or no; any other value
//     is invalid-value (a user gets no status from it, a site stays active).
//   - openclinica: one AdminData per study and per site study; a site study is a Study whose
//     MetaDataVersion includes its parent's, and becomes a Site of the parent. Users carry
//     names and organization only (no roles: their assignments have no role); OIDs are
//     trimmed of the stray spaces OpenClinica writes. OpenClinica:Status gives the status
//     by OpenClinica's names (available, removed, locked, ...); another is invalid-value,
//     no status. The role vocabulary covers the
//     internal names (coordinator, director, Investigator/Data Specialist, ra, ra2, monitor,
//     participate), description keys and display names, with scope deciding between the
//     study-level and site-level meaning. Written OpenClinica holds what OpenClinica writes:
//     FullName, FirstName, LastName, Organization, and site studies for sites: every site,
//     with or without users, a site study of its study (its own, its latest version's, or
//     the one it was read in); a site that names no study is left out (or, with users,
//     written as a study of its own), with a warning. A site study is a site of one
//     study, so a site used in several studies (one Location of two studies, a Rave site
//     in two environments) is written as a site study of each: the one of its own study
//     (read from a site study, else the first it is assigned in) under the site's OID,
//     each other under an OID made up as SITE.STUDY (a generated warning, Study/@OID);
//     that one reads back as another site of the same name. Access that names neither a
//     study nor a site (a Clinical One template's Sites All row read without a study) is
//     written into an AdminData without a StudyOID, with a warning (Assignment/study)
//     saying how it reads back: as the document's only study's (approximated), or, with
//     no role to place it by, as a user without access (unrepresentable). A site study has
//     a name and a number only (StudyName, ProtocolName, both required): a study or site
//     without one gets its OID there, a generated warning (a site's reads back as its
//     number), and each other detail of a site (study versions, type, active flag,
//     country, time zone, locale, vendor extensions by name) is warned about on its own,
//     with a count. Patched into a document (Patch), whose Study elements are copied as
//     they are, a user is added to the AdminData of each site study it has access at that
//     lacks it; a site the document has no site study for, and access at a site it has no
//     AdminData for, are left out with a warning; a site study it has keeps its Study
//     element, and a name, number or parent study the directory holds otherwise is
//     reported (approximated).
//   - odm and odm2: everything standard. ODM 2.0 Organizations and Telecoms are read;
//     writing 1.3.2 as 2.0 reports what 2.0 cannot hold (DisplayName, Certificate, several
//     LocationRefs, a second StreetName) and the reverse reports Prefix, Suffix, URL
//     contacts, GeoPosition and Organizations.
//   - clinicalone: [ReadClinicalOneCSV] and [WriteClinicalOneCSV] read and write the user
//     upload template (columns First Name, Last Name, Email, User Name, Start Date, End Date,
//     Study Role, Sites, Depots; dates DD-MMM-YYYY, ISO accepted; Sites "All" is a
//     study-level assignment, so a site-level assignment that names no site, as an
//     OpenClinica 4 user table gives, is left out of the row and reported, never written
//     as "All"). Rows are Production; [Options.Training] adds Training.
//     [ReadClinicalOneXLSX] and [WriteClinicalOneXLSX] do the same with the .xlsx workbook
//     (tab "Clinical One Users", header row found by its column names, every written cell
//     text; a number cell read as Excel shows it, and one of more than 15 digits, which
//     Excel does not keep, reported as invalid-value, field CSV/<column>, or table/<column>
//     in a user table); the CSV reader sniffs ",", ";" or tab, reads UTF-16, and rejects bytes that
//     are not UTF-8 with their line and column. The rows of one User Name are one
//     user's (by [LoginKey]: a row in other letter case is the earlier row's user,
//     merge-conflict), so a user written under the User Name of an earlier row
//     (trimmed, letter case aside, as the reader compares them) is reported
//     (unrepresentable).
//   - oc4users: [ReadOC4Users] and [WriteOC4Users] read and write OpenClinica 4's user
//     table (study User Administration or central Administration screen): Username,
//     Email, Role(s) with their scope from the role name, Type, Status, times
//     DD-MMM-YYYY HH:MM (each role's own, kept for writing back). Roles are written by
//     OpenClinica's name at their level ("Study Monitor", "Site Monitor"), so that the
//     table reads back as written. The written table is one study's, in the environment
//     its OID names (else Production), as the reader reads it: access elsewhere, and
//     access that has ended, is left out and reported (so are the end dates and depots
//     the table has no column for), and several studies without [Options.Study] are an
//     error. OpenClinica 4 has one account per username, in any letter case, so rows
//     of one Username in other letter case are one account's (merge-conflict, the first
//     row's spelling kept), and a user written under the Username of an earlier one
//     (trimmed, letter case aside) is reported (unrepresentable). It is a table, not an ODM flavour, so it is not in
//     [Profiles].
//
// # Several files, migration specs
//
// [ReadAny] reads any of these from bytes it recognizes (ODM XML in any encoding, ODM
// JSON, directory JSON, CSV or .xlsx tables, including a user table by OID that adds
// logins or e-mails: [ReadUserTable]). [Merge] makes one directory of several files of
// one system (Rave's Users.odm and Sites.odm), by the identity rules above. [AlignTo]
// names one directory's sites and study in another's terms (by OID, number or name), as
// "odmadmin diff" does before comparing. A [Spec] maps roles, sites, logins, start dates
// and excluded users for a migration; [SpecTemplate] writes a starter spec. Without a
// spec's role rules, a role written into another vendor under its source vendor's name
// (an InForm rights group as a Clinical One Study Role or Rave mdsol:UserRole) is still
// written as read, and reported as [CodeRoleVerbatim], once per role name with the users
// it concerns, unless the name is the target's own for the role's canonical meaning.
//
// # Adding a vendor
//
// Each profile keeps its read and write halves in one file: inform.go, rave.go,
// openclinica.go, plainodm.go (odm, odm2) and odm2.go (what writing ODM 2.0 changes for
// any profile) for the ODM flavours; clinicalone.go (CSV and XLSX) and oc4users.go for the
// tables. read.go, record.go, write.go, patch.go and stream.go hold what every ODM flavour
// shares, name no vendor (a test holds them to it) and ask the profile's flavour
// (profile.go) instead. A new ODM vendor is a file with a type that embeds plainODM, whose
// methods give standard ODM's answers, and overrides those where the vendor differs:
//
//   - its namespace: namespace, prefix and ownsNS (what Detect looks for), mappedAttr (the
//     vendor attributes read into model fields) and words (names shared while reading);
//   - reading: attrKind (which user attributes hold the locale, status, role, groups,
//     login), userStatus, userGroups, loginFromOID, accessRole, readStudy, readLocation,
//     modelElement, autoLocation;
//   - writing: writeUser, writeLocation, writeVersions and versionRef, definesGroups and
//     writeGroup, leave (what its users say that another vendor cannot hold), fullName,
//     noUserOrganization (InForm's users have no organization),
//     and, for a vendor that writes sites as site studies (OpenClinica), siteStudies,
//     writeStudies, blocks, inBlock, namesOnly and placeless.
//
// The vendor's Profile constant goes in model.go, and its line in vendors, its place in
// Profiles and its other names in ParseProfile (profile.go).
//
// # Fidelity
//
// Reading keeps what the vendor said: every vendor extension attribute in Source.Attrs,
// unmapped vendor elements as XML text in Source.Elements, and, unexported, the decoded
// values themselves. Writing back to the profile a directory was read with starts from
// those decoded values and applies the model's changes, so an unchanged directory writes
// the AdminData it was read from (compared as data, and in practice byte for byte apart
// from attribute white space). A directory that went through JSON still writes back every
// model value and recorded vendor attribute and element, from Source; JSON does not carry
// the source layout, nor InForm's automatic "Unknown" Location and references to it.
//
// [ToDocument] and [WriteODM] (the same, streamed record by record) write AdminData only
// (OpenClinica also its site studies); written into another flavour, the root says so with
// Granularity="AdminData", so that the studies its AdminData and Locations name are
// references into other files, not dangling ones. An ODM 1.2 file is written back into its
// own flavour as ODM 1.2 (with the 1.3 model), into any other as 1.3 or 2.0. Into the
// flavour and version it was read from, the root has the attributes it was read with, none
// if it had none (FileSource.Attrs is then empty, not nil); otherwise FileType, FileOID and
// CreationDateTime are made up where the source has none. A file read without AdminData is
// written without one while the directory has nothing to put there. Each site goes into
// the blocks of its study, its versions' studies, the studies users are assigned to it in
// and (read back from JSON) the blocks it was read in; a site none of those places goes
// into the first block. A site listed in several blocks is one site with the versions of
// all its listings; patched back, each listing keeps its own versions, new versions of its
// block's study, and those of a study it has no listing in. Every writer writes a user's
// or site's listing in a block with that block's values (Source.Variants), so a site
// whose Locations differ (active in Prod, not in UAT) is written back as read, from a
// document, a stream, JSON or several files merged. (A Location OID listed twice
// in one block, which ODM forbids, may so gain the other listing's versions.) Users
// without an OID are never one person by their empty OID; only their logins (in
// different blocks) make them one.
// To write a directory back into a whole document, [Patch] streams the source document
// through odm.Transform and replaces only the AdminData records the directory changed:
// Study, ClinicalData, comments and everything else stay, and the directory read from a
// document patches it back as odm.Transform copies it: the same canonical XML, and the
// same bytes apart from the lexical normalizations of odm's Fidelity section (such as
// white space between the attributes of a tag). A record of the document the directory
// does not hold (a user, site, organization, signature or rights group removed, or one
// another export or a template patched into it never had) is left out, and reported: a
// warning of code removed ([CodeRemoved]) for each kind of record, naming the first, with
// a count. A record the directory holds and the document lacks is added to its block
// where ODM's content model puts it (User*, Organization* in ODM 2.0, Location*,
// SignatureDef*, then the vendor elements): before the block's records of its kind,
// after those of the kinds before it (groups after the block's vendor elements), so that
// a site added to a block of users leaves a valid document valid; only the added records
// wait for their place, the document is streamed as ever. Patched into another document (PatchOptions.Foreign, map --to odm --base
// FILE; CompactDirectory.Patch always), the directory is first resolved against the
// document, which is read once more for it (and for what it has, see patchdoc.go, in
// the same reading): a site is the document's Location of its
// OID, else of its number or name as [SiteIndex] finds them (a number or name two
// Locations share matches neither, warned as dangling-reference), and a role named as
// one of the document's rights groups is that group. A directory read from a table (the
// Clinical One template, an OpenClinica 4 user table) holds users only, and only some of
// their values: the document's sites, signatures, groups and organizations are kept,
// its users are found by login, and each keeps the document's values but for the parts
// whose columns the table's writer writes otherwise for the row than for the document's
// user (tableParts in basepatch.go lists what each column holds; a cleared cell is an
// edit). A user the table has no row for is removed only where the table would have
// one (a deactivated user has no template row: kept), and a row for a user the
// document has deactivated, in a table without a status, leaves the account
// deactivated, with a warning (unrepresentable, User/status). So the template of a document,
// patched back into it, gives the document back. [NotCarried]
// counts what a write into another flavour leaves out (code not-carried). A property
// fuzz target checks that a document's directory, patched back or written from its JSON,
// reads back as the same directory.
//
// Writing another profile never drops a value silently: each one the target cannot hold
// (or holds only approximately, or had to be made up) is a [Warning] with a stable [Code],
// merged per field so a large file gives a handful. Warnings name values by identifier
// (OID, row number), never by personal data; a required Clinical One template value that
// is missing names the user by login, as the person fixing the template knows them. A
// warning about a value a reader placed also says where the first one is (Warning.File,
// Line and Col of an ODM record, Row and Column of a table's cell).
// Vendor elements directly inside AdminData (InForm's pf:ProductLocale) are written into
// a flavour whose namespace holds them, and reported as extension-dropped otherwise, as a
// User's or Location's vendor attributes are.
// Writing never grants wider access than was read. Access at a site the output cannot
// write is left out rather than written without its site, which reads back as access at
// every site of the study: a site-level role that names no site (an OpenClinica 4 user
// table's), and, into a flavour of Locations, access at a site written as no Location (an
// ODM Location needs a study version; a template site or an OpenClinica site study has
// none). Each is unrepresentable (Assignment/site, counting the access left out), and a
// user with no other access in an AdminData is not written into it (User, counting the
// users), as the Clinical One template writer leaves out a site-level role it could only
// write as Sites All. Patch, PatchStream and CompactDirectory.Patch do the same (a user
// the document has is then taken out of that AdminData); a site the document has a
// Location of is written from it, so access at it is kept.
// Writing the flavour a value was read from invents nothing: no GroupType, UserType,
// LocationType, Organization Type or active flag the source did not have.
//
// A directory from JSON is checked before it is written ([Directory.Check]): a vendor
// attribute name that is not an XML name, a value with a character XML forbids, a recorded
// element that is not exactly one well-formed element is a [DirectoryError] naming the
// JSON path, so that no edit of the JSON can forge markup (an attribute name closing its
// element and opening a User).
//
// The CSV tables (Clinical One template, OpenClinica 4 user table) are written for
// spreadsheets: a cell that starts with "=", "+", "-", "@", TAB or CR (not a number such
// as a phone number "+1 5551234") gets a leading apostrophe, reported as CodeNeutralized;
// Options.RawCSV writes cells as they are. The .xlsx workbook needs neither: its cells are
// strings, which no spreadsheet runs as formulas, so they are written as they are.
// Reading CSV (ReadAny, ReadCompact, ReadClinicalOneCSV) takes the apostrophe off a cell
// that is exactly what the writer makes of a value, so that a table written and read back
// holds the values written ("=SUM(A1)" comes back as itself, not as "'=SUM(A1)"); a
// spreadsheet that opened and saved the file took it off already. A RowReader handed to
// ReadClinicalOneTable or ReadUserTable is read as it is. plan reads an upload's cells as
// they are: it says what the upload does, and an upload keeps the apostrophe.
//
// # Performance
//
// [FromReader] holds one decoded record at a time besides what it builds. Users are read
// into compact records without pointers (their text copied into a few large blocks,
// values that recur from user to user, such as namespaces, attribute names, flags and
// group IDs, shared) and become the model's values once the whole stream has been read:
// the garbage collections that a decoder's allocations cause then do not scan the growing
// directory again and again, which is what made building the values while reading cost
// about 0.4 times the decoding. [FromDocument] reads users the same way. On the generated
// 200,000-user InForm export (BenchmarkDecodeAndMap against BenchmarkDecode, CPU time
// with GOMAXPROCS 1 or 2) reading into a Directory costs about 1.2 times decoding alone,
// and the directory keeps about 1.7 KB per user.
//
// [WriteJSON] and [ReadEach] read like FromReader but never build the directory: each
// user is built from its record, handed on and dropped. Their records and text blocks go
// to a temporary file (created with os.CreateTemp in the system's temporary directory,
// removed at once where the system allows it, else when the call returns), read back in
// order, so that what they hold in memory per user is an index of some 14 bytes (2 for
// where its record is, and a hash table of OIDs; of logins too once a second AdminData
// block starts) besides the sites, studies and groups, which they hold whole (WriteJSON
// without Options.Spec puts the sites in the file too, as they are read, and writes them
// from there: some 30 bytes a site stay, where it is, a hash table of IDs and the last
// block that listed it while reading, its study while writing the users; it writes the
// organizations' and signatures' JSON there as it reads them, and the Clinical One
// template keeps none of them). A person listed in several AdminData blocks is held as
// model values from its second record until it is handed on. On the generated 1,000,000-user export that is some 45 MB of heap.
//
// The tables (the Clinical One template, the OpenClinica 4 user table), from a
// Directory, a stream (WriteClinicalOneCSVFrom and the others), CompactDirectory.Write or
// MergeStream.Write, also hold a 64-bit fingerprint of each login written while they
// write the rows, in a table made for every user they are handed (10 bytes a user), to
// report a user written under the login of an earlier one.
//
// [PatchStream] is Patch for the directory read from an ODM stream, in bounded memory: it
// reads the stream as WriteJSON does, puts every user, built, into a temporary file of its
// own (so some 10 bytes a user stay in memory: where it is, a table of IDs, a bit
// for written, a bit for as read) and then patches the document, building each user its
// records need again from that file. Patched into the document it was read from
// (PatchOptions.Reread), the records of the users as read (no spec, each read from one
// record) are copied without being decoded (odm.TransformRaw), and of those users only
// the ID goes to the file (the second pass reads nothing else of them; a document read
// again that is not the one read first is then an error). [WriteODMStream] is
// WriteODM the same way: when its one AdminData is known before the users are built (one
// study, no spec, not OpenClinica) it writes each user as it is built from the records
// read, with no second file; else it keeps two bytes a user (where its record is) and,
// when the output has several AdminData (several studies, OpenClinica's site studies), a
// few bytes more for the (study, site) pairs each user is assigned in and four bytes for
// each block a user goes into, reading the user again for each. Once the users are in the file,
// both hold the sites packed in one string without pointers (some 400 bytes a site, built
// again where a record needs one), so that the collections of the writing phase have
// next to nothing to scan. Both apply Options.Spec to each user as it is built.
// Patch and WriteODM hold the Directory they are given.
package mapping
