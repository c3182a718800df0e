package mapping

import "strings"

// LoginKey is what a login is compared by wherever logins identify a person: the login
// with the white space around it trimmed, in lower case (strings.ToLower's mapping). Two
// logins of one key are one person's, whatever path read them: two AdminData blocks of
// one file, two files merged ([Merge], MergeStream), two rows of a Clinical One template
// or an OpenClinica 4 user table, and the users "odmadmin diff --key login" pairs.
//
// Why letter case aside: OpenClinica 4 takes usernames in any letter case ("The username
// or email address can be used to log in, and these are not case sensitive", OpenClinica
// 4 user guide, Invite Users), so jdoe and JDoe are one account there; and a directory
// must not tell two people apart in one path (two blocks of a file) that it takes for one
// in another (the same blocks as two files). Where two spellings of one key meet, the
// first is kept and the other is reported (CodeMergeConflict, field User/Login or the
// table's login column, counted, naming the user by OID or row, never by login).
//
// What a target system does with a login in another spelling is not this rule: package
// plan predicts the Clinical One upload, which may create a second account for it, and
// says so (possibleDuplicateAccount).
func LoginKey(login string) string {
	// strings.ToLower returns a login with no upper-case ASCII letter and no other byte
	// past ASCII as it is, so most keys cost no allocation.
	return strings.ToLower(strings.TrimSpace(login))
}
