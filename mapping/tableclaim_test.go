package mapping

import (
	"strings"
	"testing"
)

// TestTableClaimedByItsHeader: each table is read as the format its header names. A user
// table by OID with the name and e-mail columns its documentation lists (Email, First
// Name, Last Name) holds three of the Clinical One template's columns, which is enough for
// the template to claim a header: it was read as a template and refused for lacking a
// Study Role column.
func TestTableClaimedByItsHeader(t *testing.T) {
	tests := []struct {
		name, in string
		given    string // the user's given name as read
		assigns  int    // assignments read
		why      string
	}{
		{"table by OID with names", "OID,Login,Email,First Name,Last Name\nU1,amorel,ada@example.org,Ada,Morel\n",
			"Ada", 0, "OID and no Study Role: a table by OID, whatever template columns it shares"},
		{"table by OID, other spellings", "User OID,User Name,E-mail,Given Name,Family Name,Phone\nU1,amorel,ada@example.org,Ada,Morel,+1 555 0100\n",
			"Ada", 0, "the same under the other names the table takes"},
		{"template", "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\nAda,Morel,ada@example.org,amorel,06-Dec-2026,,CRA,01,\n",
			"Ada", 1, "the template is still the template"},
		{"template with an ID column", "ID,First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n7,Ada,Morel,ada@example.org,amorel,06-Dec-2026,,CRA,01,\n",
			"Ada", 1, "a Study Role column makes it the template, an extra ID column notwithstanding"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, _, err := ReadAny(strings.NewReader(tc.in), "t.csv", Options{Study: "S1"})
			if err != nil {
				t.Fatalf("%v: %s", err, tc.why)
			}
			if len(d.Users) != 1 {
				t.Fatalf("%d users, want 1: %s", len(d.Users), tc.why)
			}
			u := d.Users[0]
			if u.GivenName != tc.given || len(u.Assignments) != tc.assigns {
				t.Errorf("given name %q with %d assignments, want %q with %d: %s", u.GivenName, len(u.Assignments), tc.given, tc.assigns, tc.why)
			}
		})
	}
}
