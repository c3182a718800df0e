package mapping

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadTables: no table makes ReadAny's table readers (the OpenClinica 4 user table, a
// user table by OID, the Clinical One template, told apart by their header) or the
// writers of what they read panic or fail, and a warning placed at a table row names its
// column.
func FuzzReadTables(f *testing.F) {
	f.Add([]byte(oc4Study))
	f.Add([]byte("Username,Roles,Type,Status,Last Login (UTC)\nmv,\"S1: Data Manager, CRC (TEST)\",Admin,Deactivated,never\n,,,,\n"))
	f.Add([]byte("User OID;Login;Email\nU1;ana;ana@example.org\n;bo;\nU1;ana2;\n"))
	f.Add([]byte("\ufeffFirst Name\tLast Name\tEmail\tUser Name\tStart Date\tEnd Date\tStudy Role\tSites\tDepots\nAna\tTest\ta@example.org\tana\t31-Feb-2026\t\tCRA\t01;02\tAll\n"))
	// A value under no header (input.Header.Loose) and a column named twice.
	f.Add([]byte("First Name,Last Name,Email,User Name,Start Date,,Study Role,Sites\nAna,Test,a@example.org,ana,01-Feb-2026,x,CRA,01,02\n"))
	f.Add([]byte("OID,Login,User ID\nU1,ana,U2\n"))
	if b, err := os.ReadFile(filepath.Join("testdata", "clinicalone.csv")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<16 {
			return
		}
		dir, ws, err := ReadAny(bytes.NewReader(b), "in.csv", Options{Study: "S1"})
		if err != nil {
			return
		}
		for _, w := range ws {
			if w.Row > 0 && w.Column == "" {
				t.Errorf("a warning at row %d names no column: %v", w.Row, w)
			}
		}
		if _, err := WriteOC4Users(io.Discard, dir, Options{Study: "S1"}); err != nil {
			t.Fatalf("WriteOC4Users: %v", err)
		}
		if _, err := WriteClinicalOneCSV(io.Discard, dir, Options{Study: "S1"}); err != nil {
			t.Fatalf("WriteClinicalOneCSV: %v", err)
		}
		if _, _, err := ToDocument(dir, ProfileRave, Options{}); err != nil {
			t.Fatalf("ToDocument: %v", err)
		}
	})
}
