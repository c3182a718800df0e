package mapping

import (
	"fmt"
	"testing"
)

// TestWarnerBoundsVariants: warnings of one code that differ in their message (a role
// name in it) are listed one by one up to maxWarningKinds; the rest are counted in one
// more warning of the code, so a role name of its own on every user does not make a
// warning per user. Other codes are listed on their own, and folding two warners keeps
// the bound and every count.
func TestWarnerBoundsVariants(t *testing.T) {
	const n = maxWarningKinds + 700
	var w, o warner
	for i := range n {
		w.add(CodeUnknownRole, "Assignment/Role", fmt.Sprintf("User U%d", i), fmt.Sprintf("role name not in the vocabulary; mapped to Other: R%d", i))
		w.add(CodeUnknownRole, "Assignment/Role", fmt.Sprintf("User U%d", i), "role name not in the vocabulary; mapped to Other: R0")
	}
	w.add(CodeGenerated, "Organization", "x", "made")
	o.add(CodeUnknownRole, "Assignment/Role", "User V", "role name not in the vocabulary; mapped to Other: another")
	o.add(CodeUnknownRole, "Assignment/Role", "User W", "role name not in the vocabulary; mapped to Other: R1")
	w.fold(&o)

	total, listed, overflow := 0, 0, 0
	for _, x := range w.result() {
		if x.Code != CodeUnknownRole {
			continue
		}
		total += x.Count
		listed++
		if x.Message == overflowMsg {
			overflow++
			if x.Count != n-maxWarningKinds+1 || x.Subject != fmt.Sprintf("User U%d", maxWarningKinds) {
				t.Errorf("the warning counting the rest: %d values, first %s; want %d, first User U%d", x.Count, x.Subject, n-maxWarningKinds+1, maxWarningKinds)
			}
		}
	}
	if want := 2*n + 2; total != want {
		t.Errorf("%d values counted, want %d", total, want)
	}
	if listed != maxWarningKinds+1 || overflow != 1 {
		t.Errorf("%d unknown-role warnings listed (%d counting the rest), want %d and 1", listed, overflow, maxWarningKinds+1)
	}
	if got := w.result()[len(w.result())-1]; got.Code != CodeGenerated || got.Count != 1 {
		t.Errorf("another code is not held by the bound: %+v", got)
	}
}
