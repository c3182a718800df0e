package auditlog_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/odmadmin/odmadmin/auditlog"
	"github.com/odmadmin/odmadmin/internal/xlsxtest"
)

// TestReadXLSX reads the log as the download gives it, a workbook: text cells as typed,
// and a DATE/TIME a spreadsheet program turned into a date serial number.
func TestReadXLSX(t *testing.T) {
	rows := [][]any{
		{"User and Role Audit Log"},
		{},
		{"AUDIT EVENT", "DATE/TIME", "TARGET OBJECT", "BY", "VALUE TYPE", "OLD VALUE", "NEW VALUE"},
		{"ROLE_CHANGE", "2020-12-11T04:49:38.306448Z", "Paul U SiM Sample (psampleusim)", "Paul A DM Sample (psampleadm)", "PAB 37 (Test)-Site 1", "", "Site Monitor"},
		{"SUCCESSFUL_LOGIN", 44176.5, "Kerry Fictus (kfictus)", "Kerry Fictus (kfictus)"},
	}
	book := xlsxtest.Book(t, "", rows...)
	log, err := auditlog.Read(bytes.NewReader(book), auditlog.Options{Name: "log.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	if len(log.Entries) != 2 {
		t.Fatalf("entries: %+v", log.Entries)
	}
	e := log.Entries[0]
	if e.Event != "ROLE_CHANGE" || !e.Time.Equal(time.Date(2020, 12, 11, 4, 49, 38, 306448000, time.UTC)) || e.New != "Site Monitor" || e.Line != 4 {
		t.Errorf("the log as an .xlsx workbook, with the seed's columns: %+v", e)
	}
	if got := log.Entries[1].Time; !got.Equal(time.Date(2020, 12, 11, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("a date serial in DATE/TIME is a UTC time: %v", got)
	}
	if len(log.Warnings) != 1 || log.Warnings[0].Code != auditlog.WarnNoZone {
		t.Errorf("a date serial has no zone, read as UTC with a warning: %+v", log.Warnings)
	}
}

// TestReadXLSXNumbers: a value typed into the workbook as a number is read as Excel shows
// it (a phone number's digits, whoever saved the workbook); one of more digits than Excel
// keeps is not what was typed, which is said (WarnInexactNumber) with the line.
func TestReadXLSXNumbers(t *testing.T) {
	rows := [][]any{
		{"AUDIT EVENT", "DATE/TIME", "TARGET OBJECT", "BY", "VALUE TYPE", "OLD VALUE", "NEW VALUE"},
		{"PROFILE_CHANGE", "2020-12-11T04:49:38Z", "Kerry Fictus (kfictus)", "Kerry Fictus (kfictus)", "Phone", 4155550100, 4155550199.0},
		{"PROFILE_CHANGE", "2020-12-11T04:50:38Z", "Kerry Fictus (kfictus)", "Kerry Fictus (kfictus)", "Employee ID", "", 12345678901234567890.0},
	}
	book := xlsxtest.Book(t, "", rows...)
	log, err := auditlog.Read(bytes.NewReader(book), auditlog.Options{Name: "log.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	if len(log.Entries) != 2 || log.Entries[0].Old != "4155550100" || log.Entries[0].New != "4155550199" || log.Entries[1].New != "12345678901234500000" {
		t.Fatalf("entries: %+v", log.Entries)
	}
	if len(log.Warnings) != 1 || log.Warnings[0].Code != auditlog.WarnInexactNumber || log.Warnings[0].Line != 3 || log.Warnings[0].Count != 1 {
		t.Errorf("the 20-digit number, and it alone, is said: %+v", log.Warnings)
	}
}
