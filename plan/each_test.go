package plan_test

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
	"github.com/odmadmin/odmadmin/plan"
)

// TestEachHoldsNoActions checks that Each holds no action once it has passed it on: the
// heap grows by less than 200 bytes a row from the call to the last row (what stays is
// the indexes of the 2,000 existing users and each row's user name, for duplicateRow),
// where holding the actions (Make, and
// "odmadmin plan" before it wrote them as planned) grows by their changes and warnings,
// 540 bytes a row of this upload.
func TestEachHoldsNoActions(t *testing.T) {
	const users, rows = 2000, 20000
	var export, upload bytes.Buffer
	if err := gen.InForm(&export, users); err != nil {
		t.Fatal(err)
	}
	if err := gen.UploadCSV(&upload, rows, users); err != nil {
		t.Fatal(err)
	}
	rs, err := plan.ReadCSV(&upload)
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := mapping.FromReader(odm.NewReader(&export, odm.ReadOptions{}), mapping.Options{})
	if err != nil {
		t.Fatal(err)
	}
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	n := 0
	var last uint64
	first := heap()
	err = plan.Each(d, rs, plan.Options{MaxRows: -1}, func(a plan.Action) error {
		if n++; n == len(rs) {
			last = heap()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(rs) {
		t.Fatalf("%d actions for %d rows", n, len(rs))
	}
	if per := (int64(last) - int64(first)) / int64(n); per > 200 {
		t.Errorf("the heap grew by %d bytes a row over %d rows, want at most 200", per, n)
	}
	runtime.KeepAlive(d)
	runtime.KeepAlive(rs)
}
