package mapping

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/internal/input"
)

// templateXLSX generates a user upload template of n rows (fictitious people), the way
// WriteClinicalOneXLSX lays it out.
func templateXLSX(tb testing.TB, n int) []byte {
	tb.Helper()
	sw, err := input.NewSheetWriter(ClinicalOneSheet, nil)
	if err != nil {
		tb.Fatal(err)
	}
	sw.Header(ClinicalOneColumns())
	for i := range n {
		login := fmt.Sprintf("user%06d", i)
		if err := sw.Row([]string{"Given" + login, "Family" + login, login + "@site.example.org", login, "05-Jan-2026", "", "Site User", fmt.Sprintf("%03d", i%50), ""}); err != nil {
			tb.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := sw.WriteTo(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestClinicalOneXLSXRoundTrip(t *testing.T) {
	d, _, err := ReadClinicalOneCSV(strings.NewReader("First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n"+
		"Ada,Lovelace,ada@example.org,alove,05-Jan-2026,31-Dec-2026,Site User,01; 02,\n"+
		"Zoë,Brandt,zb@example.org,zbrandt,2026-02-01,,Data Manager,All,All\n"), Options{Study: "S"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := WriteClinicalOneXLSX(&buf, d, Options{Study: "S"}); err != nil {
		t.Fatal(err)
	}
	d2, ws, err := ReadClinicalOneXLSX(&buf, Options{Study: "S"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 0 {
		t.Errorf("warnings reading back: %v", ws)
	}
	if len(d2.Users) != 2 || d2.Users[0].Assignments[0].To != "2026-12-31" || len(d2.Users[0].Assignments) != 2 ||
		d2.Users[1].GivenName != "Zoë" || d2.Users[1].Assignments[0].Site != "" || d2.Users[1].Assignments[0].Depots[0] != "All" {
		t.Errorf("read back %+v %+v", d2.Users[0], d2.Users[1])
	}
}

func TestReadClinicalOneXLSXLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a 2,000-row workbook")
	}
	d, _, err := ReadClinicalOneXLSX(bytes.NewReader(templateXLSX(t, 2000)), Options{Study: "S"})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Users) != 2000 || d.Users[1999].Login != "user001999" {
		t.Fatalf("%d users", len(d.Users))
	}
}

// BenchmarkReadClinicalOneXLSX reads templates of the guidance limit (600 rows) and of
// 100,000 rows from .xlsx. Peak memory: run one size under /usr/bin/time -v.
func BenchmarkReadClinicalOneXLSX(b *testing.B) {
	for _, n := range []int{600, 100000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			data := templateXLSX(b, n)
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			for range b.N {
				d, _, err := ReadClinicalOneXLSX(bytes.NewReader(data), Options{Study: "S"})
				if err != nil {
					b.Fatal(err)
				}
				if len(d.Users) != n {
					b.Fatalf("%d users", len(d.Users))
				}
			}
		})
	}
}

// TestClinicalOneXLSXCellCut: a cell longer than the 32,767 characters an Excel cell
// holds is cut in the workbook (as excelize cuts it), and the write says so with a
// warning per column that counts the cells; it lost sites without a word. Cells that
// fit give no warning.
func TestClinicalOneXLSXCellCut(t *testing.T) {
	for _, c := range []struct {
		name, why string
		sites     int // sites of the one user (a number "S00001" and "; " each: 8 characters)
		want      []Warning
	}{
		{"fits", "4,000 sites, 32,000 characters: no cut, no warning", 4000, nil},
		{"cut", "5,000 sites, 40,000 characters: the Sites cell is cut", 5000,
			[]Warning{{Code: CodeUnrepresentable, Field: "XLSX/Sites", Count: 1}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			u := &User{ID: "U1", Login: "aexample", GivenName: "Ada", FamilyName: "Example", Emails: []string{"ada@example.org"}}
			d := &Directory{Studies: []*Study{{ID: "S"}}, Users: []*User{u}}
			for i := range c.sites {
				id := fmt.Sprintf("S%05d", i)
				d.Sites = append(d.Sites, &Site{ID: id, Name: id, Number: id, Active: true})
				u.Assignments = append(u.Assignments, Assignment{Study: "S", Site: id, Role: Role{Name: "Site User", Canonical: RoleInvestigator}})
			}
			var buf bytes.Buffer
			ws, err := WriteClinicalOneXLSX(&buf, d, Options{Study: "S"})
			require.NoError(t, err, c.why)
			var got []Warning
			for _, w := range ws {
				if strings.HasPrefix(w.Field, "XLSX/") {
					got = append(got, Warning{Code: w.Code, Field: w.Field, Count: w.Count})
					require.Contains(t, w.Message, "row 2", c.why)
				}
			}
			require.Equal(t, c.want, got, c.why)
			d2, _, err := ReadClinicalOneXLSX(&buf, Options{Study: "S"})
			require.NoError(t, err, c.why)
			if c.want == nil {
				require.Len(t, d2.Users[0].Assignments, c.sites, c.why)
			} else {
				require.Less(t, len(d2.Users[0].Assignments), c.sites, c.why)
			}
		})
	}
}

// TestClinicalOneXLSXRowsOneReader: the workbook's rows go through CSV and back with one
// CSV reader for every row (a reader a row was a collection every 20,000 rows at a
// million users); each row is still read alone, as the CSV template reads it: quotes,
// separators and line breaks in one row (a "\r\n" read as "\n") leave nothing to the next.
func TestClinicalOneXLSXRowsOneReader(t *testing.T) {
	names := []string{`Ada "Q"`, "two\nlines", "crlf\r\nline", "comma, here", "tail\r", "plain", `"`, "x\n"}
	d := &Directory{Studies: []*Study{{ID: "S"}}}
	for i, n := range names {
		d.Users = append(d.Users, &User{ID: fmt.Sprintf("U%d", i), Login: fmt.Sprintf("u%d", i), GivenName: n, FamilyName: "Example",
			Emails: []string{"u@example.org"}, Assignments: []Assignment{{Study: "S", Role: Role{Name: "Site User"}, From: "2026-01-05", Environment: EnvProduction}}})
	}
	var x, c bytes.Buffer
	opts := Options{Study: "S", RawCSV: true}
	if _, err := WriteClinicalOneXLSX(&x, d, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteClinicalOneCSV(&c, d, opts); err != nil {
		t.Fatal(err)
	}
	fromX, _, err := ReadClinicalOneXLSX(&x, opts)
	require.NoError(t, err)
	fromC, _, err := ReadClinicalOneCSV(&c, opts)
	require.NoError(t, err)
	if len(fromX.Users) != len(names) || len(fromC.Users) != len(names) {
		t.Fatalf("%d users from the workbook, %d from CSV, want %d", len(fromX.Users), len(fromC.Users), len(names))
	}
	for i := range names {
		if gx, gc := fromX.Users[i].GivenName, fromC.Users[i].GivenName; gx != gc || fromX.Users[i].Login != fmt.Sprintf("u%d", i) {
			t.Errorf("row %d: the workbook reads back %q (%s), CSV %q", i+2, gx, fromX.Users[i].Login, gc)
		}
	}
}
