package auditlog_test

import (
	"fmt"
	"strings"

	"github.com/odmadmin/odmadmin/auditlog"
	"github.com/odmadmin/odmadmin/diff"
)

// Reconcile tells which changes of a migration the User and Role Audit Log records.
func ExampleReconcile() {
	const logCSV = `AUDIT EVENT,DATE/TIME,TARGET OBJECT,BY,VALUE TYPE,OLD VALUE,NEW VALUE
ROLE_CHANGE,2020-12-11T04:49:38.306448Z,Ada Example (aexample),Kerry Fictus (kfictus),DEMO (Test)-Site 1,,Site Monitor
`
	log, err := auditlog.Read(strings.NewReader(logCSV), auditlog.Options{Name: "log.csv"})
	if err != nil {
		panic(err)
	}
	changes := []diff.Change{
		{Event: diff.RoleChange, User: "aexample", Target: "Ada Example (aexample)", ValueType: "DEMO (Test)-Site 1", New: "Site Monitor"},
		{Event: diff.RoleChange, User: "bexample", Target: "Bo Example (bexample)", ValueType: "DEMO (Test)-Site 1", New: "Site Monitor"},
	}
	for _, m := range auditlog.Reconcile(changes, log.Entries) {
		fmt.Println(m.Status, m.Change.User)
	}
	// Output:
	// LOGGED aexample
	// MISSING bexample
}
