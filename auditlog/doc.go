// Package auditlog reads OpenClinica 4's User and Role Audit Log and answers the question a
// migration's QA asks of it: which changes of a comparison (package diff) does the log
// record, and which does it not.
//
// # The log
//
// An administrator downloads the log from the Administration screen for a date range
// (OpenClinica 4 administrator guide, "User and Role Audit Log"). Each row has the columns
// AUDIT EVENT, DATE/TIME, TARGET OBJECT, BY, VALUE TYPE, OLD VALUE and NEW VALUE. DATE/TIME
// is UTC, written 2020-12-11T04:49:38.306448Z (a fraction of a second of any length);
// TARGET OBJECT and BY name users as "First Last (username)". [Read] takes the log as an
// .xlsx workbook or saved as CSV (the dialects and encodings spreadsheet programs write);
// the legacy .xls format the download is named after is refused with an error that says to
// save it as .xlsx or CSV. Title rows above the header row are skipped. In a workbook, a
// DATE/TIME that a spreadsheet program turned into a date number is read as UTC.
// Columns are found by their header, in any order and letter case; another column is
// kept out with a warning, a missing one is an error. A row whose DATE/TIME is not such a
// time is an error naming the row; a time without a zone is read as UTC, with a warning.
//
// # Events
//
// The log records successful logins and logouts, failed logins, password changes, role
// changes, role definition edits, user profile edits and authentication through single
// sign-on. [Events] lists every event name known here with its kind and the source of the
// spelling: SUCCESSFUL_LOGIN, SUCCESSFUL_LOGOUT, PASSWORD_CHANGED and ROLE_CHANGE as the
// administrator guide shows them; FAILED_LOGIN, FAILED_LOGIN_LOCKED and
// ACCESS_CODE_VIEWED as OpenClinica's server code names its login statuses; and
// ROLE_DEFINITION_CHANGE, PROFILE_CHANGE and SSO_LOGIN, odmadmin's names for the kinds the
// guide lists without a name, which are also the names package diff writes; and diff's
// other events (USER_ADDED, STATUS_CHANGE, ...), so that diff's CSV output reads as a log.
// An event not in the list is kept and counted in a warning, never dropped.
//
// # Date range
//
// The download takes a Start Date and an End Date, both required, in DD-MMM-YYYY form;
// they default to today minus 30 days and today, in UTC; the range may span at most 368
// days, and a longer one is an error; the file holds every entry from the start date
// through the end date, both inclusive. [Range] implements these rules: [DefaultRange],
// [ParseRange], [Range.Validate] and [Range.Contains]. [Options].Range filters what [Read]
// keeps the same way, so a log downloaded for a longer period can be narrowed.
//
// # Reconciling changes
//
// [Reconcile] pairs each change of a comparison with an entry of the log. An entry
// matches a change when the event is the same, the user is the same (the username in
// parentheses in TARGET OBJECT against the change's login, ignoring letter case) and the
// old and new values are the same (white space collapsed, letter case ignored), as is the
// value type when both name one; a change without values (a user added or removed)
// matches on event and user alone. Each entry serves one change. A change with no
// such entry, but with an entry of the same event and user, is Partly logged (the values
// differ, as when the log names a study by name and the comparison by OID); one with
// neither is Missing.
//
// Log entries carry personal data (names, usernames): treat the output like the log.
package auditlog
