package plan_test

import (
	"bytes"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
	"github.com/odmadmin/odmadmin/plan"
)

// BenchmarkKeptLargeUpload plans a large upload as "odmadmin plan" does (rows read into
// Rows, the export streamed through Kept.Keep, Kept.Each): 100,000 template rows (a
// third updates, the rest new users sharing their names with many existing ones), the
// shape of a whole export fed to plan, against an export of as many users. It reports
// the heap allocated per row; the test of what plan holds is TestPlanHeldPerRow.
func BenchmarkKeptLargeUpload(b *testing.B) {
	const rows, users = 100000, 100000
	var export, upload bytes.Buffer
	if err := gen.InForm(&export, users); err != nil {
		b.Fatal(err)
	}
	if err := gen.UploadCSV(&upload, rows, users); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		t, err := input.NewCSV(bytes.NewReader(upload.Bytes()), "upload.csv", input.Options{}, input.TableOptions{IsHeader: plan.IsHeader})
		if err != nil {
			b.Fatal(err)
		}
		rs, err := plan.ReadRows(t)
		if err != nil {
			b.Fatal(err)
		}
		k := plan.NewKept(rs)
		shell, _, err := mapping.ReadEach(odm.NewReader(bytes.NewReader(export.Bytes()), odm.ReadOptions{}), mapping.Options{}, k.Keep)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		if err := k.Each(shell, plan.Options{MaxRows: -1}, func(plan.Action) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		if n != rows {
			b.Fatalf("%d actions, want %d", n, rows)
		}
		k.Close()
		rs.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
}
