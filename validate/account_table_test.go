package validate

import (
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestReadAccounts reads the Administration screen's table (OpenClinica 4 administrator
// guide) and checks every row.
func TestReadAccounts(t *testing.T) {
	f, err := os.Open("testdata/accounts/administration.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := ReadAccounts(f, "administration.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || rows[0].Row != 2 || rows[0].Username != "ada.fictus" || rows[0].LastLogin != "28-May-2025 12:54" {
		t.Fatalf("Created (UTC), Updated (UTC), Last Login (UTC) are carried: %+v", rows)
	}
	if !slices.Equal(rows[2].Roles, []string{"Data Manager", "Study Monitor"}) {
		t.Errorf("a Roles cell lists several roles: %q", rows[2].Roles)
	}
	want := [][]fc{
		nil,
		{{"status", CodeAccountInvitedWithoutRole}},
		{{"status", CodeAccountCreatedWithRoles}},
		{{"updated", CodeAccountUpdatedBeforeCreated}},
		{{"type", CodeAccountUnknownType}, {"status", CodeAccountUnknownStatus}},
	}
	for i, r := range rows {
		if got := codesOf(CheckAccount(r.Account, Options{})); !slices.Equal(got, want[i]) {
			t.Errorf("row %d: got %v, want %v", r.Row, got, want[i])
		}
	}
	// A date a spreadsheet gives back as ISO 8601 is a time too.
	if got := CheckAccount(rows[4].Account, Options{}); slices.ContainsFunc(got, func(f Finding) bool { return f.Code == CodeAccountInvalidTime }) {
		t.Errorf("2025-05-16 is a date: %v", got)
	}
}

func TestReadAccountsErrors(t *testing.T) {
	for _, tc := range []struct{ in, err, reason string }{
		{"First,Last,Username,Colour\nA,B,c,red\n", `unknown column "Colour"`, "a mistyped column is not silently unchecked"},
		{"First,Last\nA,B\n", "no Username column", "the username identifies the row"},
		{"Username,Role,Roles\na,b,c\n", `names one column twice: "Role" (column 2) and "Roles" (column 3)`, "Role and Roles are one column"},
		{"Username,Role\na,b\nc,d,Site Monitor\n", "t.csv:3: column 3 has a value, but the header row names no column there",
			"a value that no column names is a row that does not line up with the header, not a value to check nothing of"},
		{"Username,,Role\na,x,b\n", "t.csv:2: column 2 has a value", "a value under a blank header cell has no column either"},
		{"Johnathan,Secretdoe,jsecret,john.secret@example.org\n", "t.csv:1: the header row has no Username column (is the header row missing?)",
			"a table without its header row: the first row is a person's, and its cells are not named as unknown columns"},
	} {
		_, err := ReadAccounts(strings.NewReader(tc.in), "t.csv")
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: got %v", tc.reason, err)
		}
		if err != nil && strings.Contains(tc.in, "Secret") && strings.Contains(err.Error(), "Secret") {
			t.Errorf("%s: the error shows a person's data: %v", tc.reason, err)
		}
	}
}

// readAll reads a table through OpenAccounts and Next, keeping the rows read before an
// error as a caller that reports row by row has seen them.
func readAll(in string) ([]AccountRow, error) {
	t, err := OpenAccounts(strings.NewReader(in), "t.csv", AccountsOptions{})
	if err != nil {
		return nil, err
	}
	defer t.Close()
	var rows []AccountRow
	for {
		r, err := t.Next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		rows = append(rows, r)
	}
}

// TestOpenAccountsAgreesWithReadAccounts: ReadAccounts is built on OpenAccounts, so the
// two give the same rows, row numbers and errors; what differs is that the stream has
// handed out the rows before an error in a later row, where ReadAccounts gives none.
func TestOpenAccountsAgreesWithReadAccounts(t *testing.T) {
	admin, err := os.ReadFile("testdata/accounts/administration.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		reason, in string
		before     int    // rows the stream gives before its error
		err        string // what the error says; "" for none
	}{
		{"the Administration screen's table, every row", string(admin), 5, ""},
		{"blank rows are skipped and a row keeps its spreadsheet number", "Username,Status\n\n,\na,Available\n", 1, ""},
		{"a short row has empty fields", "Username,Type,Status,Roles\na,User\n", 1, ""},
		{"a header that is not the first row numbers the rows after it", "Exported 2025\nUsername,Roles\na,\"X;Y\nZ\"\n", 1, ""},
		{"a UTF-8 byte-order mark is not part of the header", "\ufeffUsername,Status\na,Created\n", 1, ""},
		{"an empty input is an error before any row", "", 0, "the input is empty"},
		{"an unknown column is an error before any row", "Username,Colour\na,red\n", 0, `unknown column "Colour"`},
		{"a broken quote stops the stream at its row", "Username,Status\na,Available\nb,x\"y\nc,Available\n", 1, "line 3, column 4"},
		{"a byte that is not UTF-8 stops it too", "Username,Status\na,Available\nb,Available\nc,\xe9\n", 2, "line 4, column 3"},
	} {
		rows, err := ReadAccounts(strings.NewReader(tc.in), "t.csv")
		stream, serr := readAll(tc.in)
		if tc.err == "" {
			if err != nil || serr != nil {
				t.Errorf("%s: ReadAccounts %v, OpenAccounts %v", tc.reason, err, serr)
				continue
			}
			if len(rows) != tc.before || !reflect.DeepEqual(rows, stream) {
				t.Errorf("%s: ReadAccounts %+v\nOpenAccounts %+v", tc.reason, rows, stream)
			}
			continue
		}
		if err == nil || serr == nil || err.Error() != serr.Error() || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: ReadAccounts %v, OpenAccounts %v, want %q from both", tc.reason, err, serr, tc.err)
		}
		if rows != nil || len(stream) != tc.before {
			t.Errorf("%s: ReadAccounts gave %d rows (want none), the stream %d (want %d)", tc.reason, len(rows), len(stream), tc.before)
		}
	}
}

// genAccounts serves a user table of n generated rows of fictitious users without
// holding it.
type genAccounts struct {
	n, row int
	buf    []byte
}

func (g *genAccounts) Read(b []byte) (int, error) {
	for len(g.buf) == 0 {
		if g.row > g.n {
			return 0, io.EOF
		}
		if g.row == 0 {
			g.buf = append(g.buf, "First,Last,Username,Email,Roles,Type,Status,Created (UTC),Updated (UTC),Last Login (UTC)\n"...)
		} else {
			g.buf = fmt.Appendf(g.buf, "Ada,Example,user%07d,user%07d@example.org,\"Investigator,Data Manager\",User,Available,10-May-2024 17:57,11-May-2024 09:00,Never\n", g.row, g.row)
		}
		g.row++
	}
	k := copy(b, g.buf)
	g.buf = g.buf[k:]
	return k, nil
}

// TestOpenAccountsHoldsOneRow: reading a table with Next holds the row read, not the rows
// before it (ReadAccounts held every row: 444 MiB for 1,000,000 rows through odmadmin
// accounts). The live heap after the last of 50,000 rows is within 1 MB of what it was
// after the first tenth (600 bytes measured); keeping the rows as they are read grew it by
// 13 MB over the 45,000 rows between, some 290 bytes a row.
func TestOpenAccountsHoldsOneRow(t *testing.T) {
	const n = 50000
	live := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	tab, err := OpenAccounts(&genAccounts{n: n}, "gen.csv", AccountsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	var first, last uint64
	rows := 0
	for {
		r, err := tab.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rows++
		if r.Row != rows+1 || len(r.Roles) != 2 {
			t.Fatalf("row %d: %+v", rows, r)
		}
		if rows == n/10 {
			first = live()
		}
	}
	last = live()
	if rows != n {
		t.Fatalf("%d rows read, want %d", rows, n)
	}
	t.Logf("live heap after %d rows %d bytes, after %d %d", n/10, first, n, last)
	if last > first+1<<20 {
		t.Errorf("the live heap grew by %d bytes over %d rows: rows are held, not read one at a time", last-first, n-n/10)
	}
}

// TestAccountRowsAsSpreadsheet: a row is numbered as a spreadsheet shows it (the header is
// row 1), not by the CSV file's line: a quoted cell that spans lines is one row.
func TestAccountRowsAsSpreadsheet(t *testing.T) {
	for _, tc := range []struct {
		reason, in string
		rows       []int
	}{
		{"a Roles cell of three lines is one row; the rows after it are 3 and 4",
			"Username,Role,Type,Status\nu1,\"Data Manager\nStudy Monitor\nViewer\",User,Available\nu2,,Userx,Available\nu3,,User,Bogus\n", []int{2, 3, 4}},
		{"a header cell of two lines is one row, and a blank line is a row",
			"Username,\"Created\n(UTC)\",Status\nu1,,Available\n\nu2,,Available\n", []int{2, 4}},
	} {
		got, err := ReadAccounts(strings.NewReader(tc.in), "t.csv")
		if err != nil {
			t.Fatal(err)
		}
		var rows []int
		for _, r := range got {
			rows = append(rows, r.Row)
		}
		if !slices.Equal(rows, tc.rows) {
			t.Errorf("%s: rows %v, want %v", tc.reason, rows, tc.rows)
		}
	}
}

// TestAccountsWithoutRoleColumn: a table without a Role or Roles column cannot tell
// whether an Invited user has a role, so that is not reported; with the column, an empty
// cell still is.
func TestAccountsWithoutRoleColumn(t *testing.T) {
	rows, err := ReadAccounts(strings.NewReader("Username,Type,Status\nu1,Admin,Invited\n"), "t.csv")
	if err != nil {
		t.Fatal(err)
	}
	if got := codesOf(CheckAccount(rows[0].Account, Options{})); len(got) != 0 {
		t.Errorf("no roles column: an Invited user's roles are unknown, not none: %v", got)
	}
}
