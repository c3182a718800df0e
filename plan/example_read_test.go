package plan_test

import (
	"fmt"
	"strings"

	"github.com/odmadmin/odmadmin/plan"
)

// ReadCSV reads the Clinical One user upload template saved as CSV. Rows are numbered as a
// spreadsheet shows them: the header is row 1.
func ExampleReadCSV() {
	const upload = `First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots
Ada,Example,ada@example.org,aexample,05-Jan-2026,,Site User,101,
Bo,Example,bo@example.org,bexample,not a date,,Site User,101,
`
	rows, err := plan.ReadCSV(strings.NewReader(upload))
	if err != nil {
		panic(err)
	}
	for _, r := range rows {
		fmt.Println(r.Number, r.Login, len(r.Warnings))
	}
	// Output:
	// 2 aexample 0
	// 3 bexample 1
}
