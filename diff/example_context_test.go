package diff_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/odmadmin/odmadmin/diff"
	"github.com/odmadmin/odmadmin/mapping"
)

// CompareContext is Compare for callers that must be able to give up on a large
// comparison; the changes print in the audit log's terms.
func ExampleCompareContext() {
	before := &mapping.Directory{Users: []*mapping.User{{ID: "U1", Login: "ada", GivenName: "Ada", FamilyName: "Example"}}}
	after := &mapping.Directory{Users: []*mapping.User{
		{ID: "U1", Login: "ada", GivenName: "Ada", FamilyName: "Example-Smith"},
		{ID: "U2", Login: "bo", GivenName: "Bo", FamilyName: "Example"},
	}}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	changes, err := diff.CompareContext(ctx, before, after, diff.Options{Key: diff.KeyLogin})
	if err != nil {
		fmt.Println("stopped:", err)
		return
	}
	diff.WriteText(os.Stdout, changes)
	// Output:
	// PROFILE_CHANGE Ada Example-Smith (ada): familyName: "Example" -> "Example-Smith"
	// USER_ADDED Bo Example (bo)
}
