package mapping

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPatchTableFindsUsersByLoginKey: a table's row is FILE's user of the same login by
// LoginKey (white space around it trimmed, letter case aside), the rule of every other
// path (merges, the table readers, diff --key login, plan), by every patch of a table.
// Before, the patch found FILE's users by the exact login: a row "AMorel" for FILE's
// amorel was a new user beside FILE's, which was removed (the table lists it no more).
func TestPatchTableFindsUsersByLoginKey(t *testing.T) {
	base := string(odmFixtures(t)["testdata/inform/htn-demo.xml"])
	require.NotEmpty(t, base)
	// A second account, amorel2, whose login is amorel's but for letter case: FILE
	// keeps two users of one LoginKey in one block apart (another person's record).
	amorel := regexp.MustCompile(`(?s)    <User OID="amorel".*?</User>\n`).FindString(base)
	require.NotEmpty(t, amorel)
	second := strings.NewReplacer(`OID="amorel"`, `OID="amorel2"`, "<LoginName>amorel<", "<LoginName>AMorel<",
		"ada.morel@site01", "ada.morel2@site01", `pf:DBUID="11217"`, `pf:DBUID="11299"`, "0000000A0001", "0000000A0099").Replace(amorel)
	twoAmorels := strings.Replace(base, amorel, amorel+second, 1)

	const edited = "ada.edited@site01.example.org"
	row := func(login string) string {
		return strings.Replace(htnTemplate, "ada.morel@site01.example.org,amorel,", edited+","+login+",", 1)
	}
	cases := []struct {
		name, why, tmpl, base string
		// the OIDs of FILE's users the output must hold, and the e-mail of each
		users    map[string]string
		newUser  string // a user the output adds, "" for none
		conflict string // the subject of the merge-conflict warning, "" for none
	}{
		{name: "letter case", tmpl: row("AMorel"), base: base,
			why:   "AMorel is amorel's row: her e-mail is edited, no user AMorel is added, amorel is not removed",
			users: map[string]string{"amorel": edited, "kwatanabe": "k.watanabe@site02.example.org"}},
		{name: "surrounding spaces and case", tmpl: row(`" aMOREL "`), base: base,
			why:   "the white space around a login is no part of it, nor is letter case",
			users: map[string]string{"amorel": edited}},
		{name: "two of FILE's users of one key", tmpl: row("amorel"), base: twoAmorels,
			why:      "one row cannot edit two accounts: the first of FILE's users takes it, the other is kept as it is, and that is warned",
			users:    map[string]string{"amorel": edited, "amorel2": "ada.morel2@site01.example.org"},
			conflict: "User amorel2"},
		{name: "a row matching no one", tmpl: row("nmorel"), base: base,
			why:     "a login no user of FILE has by any spelling is a new user; amorel, without a row, is removed",
			users:   map[string]string{"kwatanabe": "k.watanabe@site02.example.org"},
			newUser: "nmorel"},
	}
	userRE := regexp.MustCompile(`(?s)<User OID="([^"]*)".*?</User>`)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, ws := patchTableEveryWay(t, c.tmpl, c.base, Options{})
			got := map[string]string{}
			for _, m := range userRE.FindAllStringSubmatch(out, -1) {
				email := regexp.MustCompile(`<Email>([^<]*)</Email>`).FindStringSubmatch(m[0])
				got[m[1]] = ""
				if email != nil {
					got[m[1]] = email[1]
				}
			}
			for oid, email := range c.users {
				require.Contains(t, got, oid, c.why)
				require.Equal(t, email, got[oid], "%s: %s", oid, c.why)
			}
			for oid := range got {
				if _, want := c.users[oid]; want || oid == c.newUser || oid == "olebedeva" || oid == "tgrant_old" ||
					oid == "kwatanabe" || oid == "amorel" && c.newUser == "" {
					continue
				}
				t.Errorf("the output has a user %s: %s", oid, c.why)
			}
			if c.newUser != "" {
				require.Contains(t, got, c.newUser, c.why)
				require.NotContains(t, got, "amorel", c.why)
			}
			var conflicts []string
			for _, w := range ws {
				if w.Code == CodeMergeConflict && w.Field == "User/LoginName" {
					conflicts = append(conflicts, w.Subject)
					require.NotContains(t, w.Message, "amorel", "no login in a warning")
				}
				if w.Code == CodeRemoved && c.newUser == "" {
					t.Errorf("warning %+v: %s", w, c.why)
				}
			}
			if c.conflict == "" {
				require.Empty(t, conflicts, c.why)
			} else {
				require.Equal(t, []string{c.conflict}, conflicts, c.why)
			}
		})
	}
}
