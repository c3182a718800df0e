package validate

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// FuzzCheckAdminDataXML is seeded from every AdminData fixture. Whatever the input, the
// check must not panic, and its findings must be well-formed: sorted by position, with a
// known code and severity, no value unless asked for, and the same findings with values
// except for Value. The value-only check must not panic on the decoded document either.
func FuzzCheckAdminDataXML(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(adminDataDir, "*.xml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	known := map[Code]bool{}
	for _, ci := range adminDataCodeTable {
		known[ci.code] = true
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		got, err := CheckAdminDataXML(bytes.NewReader(src), AdminDataOptions{})
		if err != nil {
			if got != nil {
				t.Fatalf("findings with an error: %v", got)
			}
			if _, derr := odm.Decode(bytes.NewReader(src), odm.ReadOptions{}); derr == nil {
				t.Fatalf("the stream check fails where odm.Decode reads the document: %v", err)
			}
			return
		}
		withValues, err := CheckAdminDataXML(bytes.NewReader(src), AdminDataOptions{Values: true})
		if err != nil || len(withValues) != len(got) {
			t.Fatalf("Values changed the outcome: %d findings vs %d, %v", len(got), len(withValues), err)
		}
		for i, fd := range got {
			if !known[fd.Code] {
				t.Errorf("unknown code %q", fd.Code)
			}
			if fd.Severity != SeverityError && fd.Severity != SeverityWarning {
				t.Errorf("bad severity %q", fd.Severity)
			}
			if fd.Value != "" || fd.Message == "" || fd.Line < 0 {
				t.Errorf("malformed finding %+v", fd)
			}
			if i > 0 && (got[i-1].Line > fd.Line || got[i-1].Line == fd.Line && got[i-1].Column > fd.Column) {
				t.Errorf("findings out of order at %d", i)
			}
			v := withValues[i]
			v.Value = ""
			if v != fd {
				t.Errorf("Values changed more than Value: %+v vs %+v", fd, withValues[i])
			}
		}
		if doc, err := odm.Decode(bytes.NewReader(src), odm.ReadOptions{}); err == nil {
			byValue := CheckAdminData(doc, AdminDataOptions{})
			if !slices.IsSortedFunc(byValue, func(a, b Finding) int { return a.Line - b.Line }) {
				t.Errorf("value-only findings out of order")
			}
			// The streaming check (two reads, a hash index) and the check of the decoded
			// document are one check.
			if !slices.Equal(got, byValue) {
				t.Errorf("stream and document differ:\n stream   %v\n document %v", got, byValue)
			}
		}
	})
}
