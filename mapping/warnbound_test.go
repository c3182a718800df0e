package mapping

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
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

// TestWarnerHot: a warner that finds repeated warnings through its small cache (warner.hot)
// lists what merging each value without it lists, counts and subjects included: keys of
// the same lengths that share a cache entry and take turns, a key listed again after
// another took its entry, bump and addAt mixed, and a code's variants past
// maxWarningKinds counted in its overflow warning.
func TestWarnerHot(t *testing.T) {
	var w, ref warner
	add := func(code Code, field, subject, msg string) {
		w.add(code, field, subject, msg)
		ref.merge(Warning{Code: code, Field: field, Subject: subject, Count: 1, Message: msg})
	}
	for i := range 5000 {
		n := strconv.Itoa(i % 7)
		add(CodeUnrepresentable, "User/a"+n, "User "+strconv.Itoa(i), "no place for it")     // same lengths, 7 keys
		add(CodeUnrepresentable, "User/b"+n, "User "+strconv.Itoa(i), "no place for it")     // same lengths as those
		add(CodeExtensionDropped, "User/@x", "User "+strconv.Itoa(i), "m"+strconv.Itoa(i%3)) // one field, 3 messages
		if code, field, msg := CodeApproximated, "User/c"+n, "approx"; !w.bump(code, field, msg) {
			w.add(code, field, "User "+strconv.Itoa(i), msg)
		}
		ref.merge(Warning{Code: CodeApproximated, Field: "User/c" + n, Subject: "User " + strconv.Itoa(i), Count: 1, Message: "approx"})
		add(CodeGenerated, "f", "User "+strconv.Itoa(i), "variant "+strconv.Itoa(i)) // past maxWarningKinds
	}
	if d := cmp.Diff(ref.result(), w.result()); d != "" {
		t.Errorf("warnings (-merged one by one +through the cache):\n%s", d)
	}
}
