package plan_test

import (
	"os"
	"strings"

	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/plan"
)

// A Clinical One upload checked against the current users before it is uploaded: the
// second row's user name is a typo of an existing user's, which would create a second
// account for the same person.
func ExampleMake() {
	current := &mapping.Directory{
		Studies: []*mapping.Study{{ID: "DEMO"}},
		Sites:   []*mapping.Site{{ID: "S1", Number: "101", Name: "North Demo Clinic"}},
		Users: []*mapping.User{{Login: "jdoe", GivenName: "Jo", FamilyName: "Demo", Emails: []string{"jo.demo@example.org"},
			Assignments: []mapping.Assignment{{Study: "DEMO", Site: "S1", Role: mapping.Role{Name: "Site User"},
				Environment: mapping.EnvProduction, From: "2026-01-05"}}}},
	}
	upload := `First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots
Jo,Demo,jo.demo@example.org,jdoe,05-Jan-2026,,Site User,101,
Jo,Demo,jo.d@example.org,jdoe1,05-Jan-2026,,Site User,101,
`
	rows, err := plan.ReadCSV(strings.NewReader(upload))
	if err != nil {
		panic(err)
	}
	p, err := plan.Make(current, rows, plan.Options{})
	if err != nil {
		panic(err)
	}
	p.WriteText(os.Stdout)
	// Output:
	// row 2: unchanged jdoe
	// row 3: create jdoe1
	//   givenName: "" -> "Jo"
	//   familyName: "" -> "Demo"
	//   email: "" -> "jo.d@example.org"
	//   role DEMO (Production)-North Demo Clinic: "" -> "Site User"
	//   startDate DEMO (Production)-North Demo Clinic: "" -> "2026-01-05"
	//   warning possibleDuplicateAccount: the user name is 1 edit from existing user jdoe with the same name; the upload creates a second account
	// 2 rows: 1 create, 0 update, 1 unchanged; 1 warning
}
