package validate

import (
	"bytes"
	"slices"
	"testing"

	"github.com/odmadmin/odmadmin/internal/xlsxtest"
)

// TestAccountsXLSXNumbers: a user table as a workbook whose Username and Phone cells a
// user typed as numbers: each reads as Excel shows it, and a username of more digits
// than Excel keeps is marked (InexactNumbers), which CheckAccount reports first.
func TestAccountsXLSXNumbers(t *testing.T) {
	book := xlsxtest.Book(t, "",
		[]any{"First", "Last", "Username", "Phone", "Type", "Status"},
		[]any{"Avery", "Kline", 12345678901234567890.0, 4155550100, "User", "Available"},
		[]any{"Ben", "Ortiz", 100200300, 4155550101, "User", "Available"},
	)
	rows, err := ReadAccounts(bytes.NewReader(book), "users.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Username != "12345678901234500000" || !slices.Equal(rows[0].InexactNumbers, []string{"username"}) ||
		rows[1].Username != "100200300" || rows[1].InexactNumbers != nil {
		t.Fatalf("rows %+v", rows)
	}
	fs := CheckAccount(rows[0].Account, Options{})
	if len(fs) != 1 || fs[0].Code != CodeAccountInexactNumber || fs[0].Severity != SeverityWarning || fs[0].Value != "" {
		t.Errorf("findings %+v, want the inexact username alone, as a warning without its value", fs)
	}
}
