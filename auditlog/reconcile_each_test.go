package auditlog

import (
	"fmt"
	"iter"
	"runtime"
	"slices"
	"testing"

	"github.com/odmadmin/odmadmin/diff"
)

// generatedChanges yields n role changes of n fictitious users, made as they are read
// (as diff.Changes reads them from its file): nothing holds them.
func generatedChanges(n int) iter.Seq[diff.Change] {
	return func(yield func(diff.Change) bool) {
		for i := range n {
			ch := diff.Change{Event: diff.RoleChange, User: fmt.Sprintf("user%06d", i), Target: fmt.Sprintf("Fictitious Person (user%06d)", i),
				ValueType: "GEN-STUDY (Production)-(00) Demo Site 0", New: "Site Investigator Rights"}
			if !yield(ch) {
				return
			}
		}
	}
}

// TestReconcileEachHoldsLittlePerChange: ReconcileEach reads the changes twice and holds
// 12 bytes a change between (its key and entry), not the changes and a Match for each
// (Reconcile: 524 MiB for 390,000 changes and as many entries in diff --audit). The live
// heap while the last match is handed out is within 24 bytes a change of what it was
// before; the matches are Reconcile's.
func TestReconcileEachHoldsLittlePerChange(t *testing.T) {
	const n = 50000
	entries := []Entry{
		{Line: 2, Event: "ROLE_CHANGE", Target: "Fictitious Person (user000007)", ValueType: "GEN-STUDY (Production)-(00) Demo Site 0", New: "Site Investigator Rights"},
		{Line: 3, Event: "ROLE_CHANGE", Target: "Fictitious Person (user000009)", ValueType: "GEN-STUDY (Production)-(00) Demo Site 0", New: "Other Rights"},
	}
	var before, last runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var got []Status
	i := 0
	err := ReconcileEach(generatedChanges(n), entries, func(m Match) error {
		if i++; i == n {
			runtime.GC()
			runtime.ReadMemStats(&last)
		}
		if m.Status != Missing {
			got = append(got, m.Status)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if i != n {
		t.Fatalf("%d matches handed out, want %d", i, n)
	}
	per := (int64(last.HeapAlloc) - int64(before.HeapAlloc)) / n
	t.Logf("%d bytes a change held", per)
	if per > 24 {
		t.Errorf("ReconcileEach holds %d bytes a change, want at most 24", per)
	}
	want := []Status{Logged, Partly}
	if !slices.Equal(got, want) {
		t.Errorf("statuses other than missing %v, want %v", got, want)
	}
	all := Reconcile(slices.Collect(generatedChanges(n)), entries)
	var each []Match
	ReconcileEach(generatedChanges(n), entries, func(m Match) error { each = append(each, m); return nil })
	if !slices.EqualFunc(all, each, func(a, b Match) bool { return a.Status == b.Status && a.Change == b.Change && a.Entry == b.Entry }) {
		t.Error("ReconcileEach's matches are not Reconcile's")
	}
}
