// Package plan checks a bulk user upload against the users that exist before it is
// uploaded: for each row of the upload it says whether the upload will create a user,
// update one (and which fields) or leave one unchanged, and warns about the mistakes that
// are costly to undo once uploaded.
//
// The upload is the Oracle Clinical One user upload template saved as CSV ([ReadCSV]) or
// a normalized directory ([FromDirectory], for the JSON "odmadmin map --to json" writes).
// The existing users are a [mapping.Directory] read from an export of any profile. [Make]
// compares them and returns a [Plan]; "odmadmin plan" prints it as JSON or text.
//
// # Matching
//
// A row updates the existing user with the same user name (login). Clinical One creates a
// new account for any other user name, even one that differs only in letter case or by a
// typing mistake (Oracle Clinical One, "About the User Upload template": "If you mistype an
// email or user name for an existing account, it may result in the creation of a new
// account"), and no vendor lets an upload rename a user (AnjuEDC, "Edit a User": "The
// username cannot be changed"; OpenClinica: "you cannot change the username"). So every other row is a create, and the warnings below point out the creates
// that look like mistakes.
//
// A row's access replaces the user's access in the study: its role at each of its sites
// (Sites "All" or empty is the whole study), in Production and, with [Options.Training],
// in Training too. Access the user has in the study at a site the row does not list is
// reported as removed. Start and end dates and depots are compared when the export holds
// them (a Clinical One template or JSON of one); Training access is compared when the
// export has any. Role names are compared ignoring case and spaces; when the export is of
// another vendor, two names of the same canonical role ([mapping.Canonical]) are the same.
//
// # Warnings
//
// Warnings have stable codes ([Code]); the messages name users by login only, never by
// name or e-mail address:
//
//   - possibleDuplicateAccount: a new user name whose e-mail address belongs to an existing
//     user, or that is within two edits (or only letter case) of the user name of an
//     existing user with the same name or e-mail address: the typo that creates a second
//     account.
//   - usernameChange: the row's e-mail address and name belong to an existing user with
//     another user name, as if it were meant to rename that user, which the upload cannot
//     do (unless [Options.AllowRenames], when the row updates that user's login).
//   - emailChange: the row changes the e-mail address of an existing user (one that
//     has an address; letter case is no change), which a typo does as easily as a real
//     change (Oracle Clinical One: "If you mistype an email or user name for an existing
//     account, it may result in the creation of a new account"); the message says when
//     the new address is within two edits of the current one.
//   - emailOfOtherUser: the row gives an existing user an e-mail address that another
//     existing user has (ignoring letter case): the address or the user name is
//     mistyped.
//   - endDateBeforeStartDate: the access would end before it starts.
//   - unknownRole: the study role is neither used in the export nor a role name the
//     canonical vocabulary knows.
//   - unknownSite: a site that the export has no site of that OID, number or name for
//     (found by mapping.NewSiteIndex, as diff and odmtest find sites).
//   - duplicateRow: the user name is on an earlier row too (letter case and white space
//     around it aside, as [mapping.LoginKey] compares logins), or (AllowRenames) an earlier
//     row updates the same existing user under another user name; the template takes one
//     row per user.
//   - tooManyRows: the upload has more rows than the template's guidance (600); the
//     warning is on the first row past the limit.
//   - missingValue: a required column (First Name, Last Name, Email, User Name, Start
//     Date, Study Role) is empty, or a directory row's user has no access in the plan's
//     study (no Study Role; access in other studies is not part of the plan).
//   - invalidDate: a Start Date or End Date is not a date (or has a year before 1900,
//     such as a two-digit year padded to 0026).
//   - twoDigitYear: a Start Date or End Date has a two-digit year (DD-MMM-YY, as a
//     spreadsheet writes a reformatted column), read as 1969–2068 and named in the
//     message; the template wants four digits.
//   - valueWithoutColumn: a cell holds a value under no header (a blank header cell, or
//     past the header's last one), which is not read: most often a separator typed into
//     an unquoted cell, which moves the rest of the row along.
//   - inexactNumber: a workbook cell of a template column holds a number of more than 15
//     digits (a long numeric User Name typed as a number): Excel keeps 15, so the value
//     read, as Excel shows it, is not the one typed.
//   - siteRoleWithoutSite: a row of a directory upload has a site-level role that names
//     no site (an OpenClinica 4 user table has no site column). For the whole study
//     (Sites "All") it would be granted at every site, so it is left out of the row's
//     access, as the Clinical One template writer (mapping.WriteClinicalOneCSV) leaves it
//     out: the plan then shows what the row's other access does (the user's access at
//     sites it does not list is removed). A template row cannot have one.
//
// # Memory and time
//
// [Make] and [Each] hold, per existing user of the directory they are given, one record
// of what is compared (user name, names, e-mail addresses and assignments, written into
// one string cut from blocks that records share, not a heap object of its own) and its
// entries in look-up tables by user name, e-mail address and name. "odmadmin plan" holds
// the rows as [Rows] (a record each, [ReadRows]; an export or directory given as the
// upload is read a user at a time into them with [UserRow]) and reads the export with
// mapping.ReadEach and [Kept]: what ReadEach holds while the file is read (see its
// documentation), the rows' keys (their user names packed into one buffer, and 8-byte
// hashes of user names, e-mail addresses and names; the records of more than some 8 MB
// of rows go to a temporary file), and records of only the users the rows can be
// compared with (the same user name ignoring case, an e-mail address, or the name and a
// user name within two edits of a row's; for that, the users written to a temporary file
// with a new row's name are compared with its rows name by name, the rows of a name
// indexed a part of some 4 million keys at a time). Once the export is read, [Kept.Each] drops the records kept only
// for rows whose user name is an existing user's (such a row updates that user and is
// compared with no other by name; the users of its e-mail address stay, for
// emailOfOtherUser). A template or JSON export is held as compact records
// (mapping.ReadCompact), several --existing files merged into a temporary file
// (mapping.MergeStream), and a --spec applied to each user before Kept sees it. Rows
// are planned one at a time: [Make] holds every row's action, [Each] and [Kept.Each]
// pass each on and hold none (the command writes them as they come, with [Writer]), so
// that what grows with the rows is their keys (some 50 bytes a row), the records of the
// users they update, and of the users near a new row's user name, those indexed by name.
//
// The search for user names within two edits is linear: a name
// shared by many existing users gets a deletion index once rows search it often, so
// 20,000 rows against 20,000 users of one name take seconds, not minutes.
package plan
