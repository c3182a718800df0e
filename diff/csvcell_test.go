package diff

import (
	"bytes"
	"encoding/csv"
	"testing"
)

// TestWriteCSVNeutralizesFormulas: values a spreadsheet would run get an apostrophe;
// phone numbers do not, and WriteCSVRaw writes every value as it is.
func TestWriteCSVNeutralizesFormulas(t *testing.T) {
	changes := []Change{{Event: "PROFILE_CHANGE", Target: "=HYPERLINK(\"http://x\") (l)", ValueType: "Phone", Old: "+1 5551234", New: "@SUM(A1)"}}
	for _, c := range []struct {
		write              func(*bytes.Buffer) error
		target, oldV, newV string
		reason             string
	}{
		{func(b *bytes.Buffer) error { return WriteCSV(b, changes) }, "'=HYPERLINK(\"http://x\") (l)", "+1 5551234", "'@SUM(A1)", "neutralized by default"},
		{func(b *bytes.Buffer) error { return WriteCSVRaw(b, changes) }, changes[0].Target, changes[0].Old, changes[0].New, "raw"},
	} {
		var buf bytes.Buffer
		if err := c.write(&buf); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(recs) != 2 {
			t.Fatalf("%s: %v %v", c.reason, err, recs)
		}
		if r := recs[1]; r[2] != c.target || r[5] != c.oldV || r[6] != c.newV {
			t.Errorf("%s: row %q", c.reason, r)
		}
	}
}
