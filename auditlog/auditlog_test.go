package auditlog_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/odmadmin/odmadmin/auditlog"
	"github.com/odmadmin/odmadmin/diff"
)

func readLog(t *testing.T, opts auditlog.Options) *auditlog.Log {
	t.Helper()
	f, err := os.Open("testdata/log.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	log, err := auditlog.Read(f, opts)
	if err != nil {
		t.Fatal(err)
	}
	return log
}

func TestReadSeedLog(t *testing.T) {
	log := readLog(t, auditlog.Options{})
	if len(log.Entries) != 12 || len(log.Warnings) != 0 {
		t.Fatalf("got %d entries, warnings %v", len(log.Entries), log.Warnings)
	}
	e := log.Entries[5]
	want := auditlog.Entry{Event: "ROLE_CHANGE", Time: time.Date(2020, 12, 11, 4, 49, 38, 306448000, time.UTC),
		Target: "Paul U SiM Sample (psampleusim)", By: "Paul A DM Sample (psampleadm)", ValueType: "PAB 37 (Test)-Site 1",
		New: "Site Monitor", Line: 7}
	if e != want {
		t.Errorf("timestamps like 2020-12-11T04:49:38.306448Z, the seed's columns:\ngot  %+v\nwant %+v", e, want)
	}
	if e.TargetUser() != "psampleusim" {
		t.Errorf("TARGET OBJECT is First Last (username): got %q", e.TargetUser())
	}
}

// TestEveryEventKnown checks that every event kind the administrator guide lists has a
// name, and that the log with all of them reads without an unknown-event warning.
func TestEveryEventKnown(t *testing.T) {
	kinds := map[auditlog.Kind]bool{}
	for _, e := range auditlog.Events() {
		kinds[e.Kind] = true
	}
	for _, k := range []auditlog.Kind{auditlog.KindLogin, auditlog.KindLogout, auditlog.KindFailedLogin, auditlog.KindPassword,
		auditlog.KindRoleChange, auditlog.KindRoleDefinition, auditlog.KindProfile, auditlog.KindSSO} {
		if !kinds[k] {
			t.Errorf("Events Included in the Log: %s has no event name", k)
		}
	}
	// diff writes these event names; the log must know the ones it shares.
	for _, ev := range diff.Events() {
		found := false
		for _, e := range auditlog.Events() {
			found = found || e.Name == string(ev)
		}
		if !found {
			t.Errorf("%s is not a known event", ev)
		}
	}
}

func TestReadCases(t *testing.T) {
	header := "AUDIT EVENT,DATE/TIME,TARGET OBJECT,BY,VALUE TYPE,OLD VALUE,NEW VALUE\n"
	for _, tc := range []struct {
		name, reason, in string
		entries          int
		warn, err        string
	}{
		{"bom-semicolon", "a spreadsheet's CSV: byte order mark, semicolons, columns in another order and case",
			"\xEF\xBB\xBFby;Audit Event;DATE/TIME;TARGET OBJECT;VALUE TYPE;OLD VALUE;NEW VALUE\nA (a);SUCCESSFUL_LOGIN;2020-12-11T16:29:21Z;A (a);;;\n", 1, "", ""},
		{"extra-column", "a column outside the seven is not kept, with a warning",
			strings.TrimSuffix(header, "\n") + ",NOTE\nSUCCESSFUL_LOGIN,2020-12-11T16:29:21Z,A (a),A (a),,,,x\n", 1, auditlog.WarnExtraColumn, ""},
		{"value-without-column", "a value past the header's last column is not kept, with a warning: the row's cells may have moved along",
			header + "SUCCESSFUL_LOGIN,2020-12-11T16:29:21Z,A (a),A (a),,,,x\n", 1, auditlog.WarnLooseValue, ""},
		{"blank-header-cell", "a blank header cell (a spreadsheet's trailing column) is no extra column; an empty cell under it is nothing",
			strings.TrimSuffix(header, "\n") + ",\nSUCCESSFUL_LOGIN,2020-12-11T16:29:21Z,A (a),A (a),,,,\n", 1, "", ""},
		{"duplicate-column", "two BY columns: which holds the user cannot be told",
			strings.TrimSuffix(header, "\n") + ",By\n", 0, "", `the column "By" appears twice in the header row (columns 4 and 8)`},
		{"unknown-event", "an event this reader does not know is kept and counted",
			header + "ACCOUNT_UNLOCKED,2020-12-11T16:29:21Z,A (a),B (b),,,\n", 1, auditlog.WarnUnknownEvent, ""},
		{"no-zone", "a time without a zone is UTC, with a warning",
			header + "SUCCESSFUL_LOGIN,2020-12-11T16:29:21.5,A (a),A (a),,,\n", 1, auditlog.WarnNoZone, ""},
		{"blank-lines", "blank rows are skipped",
			header + ",,,,,,\nSUCCESSFUL_LOGIN,2020-12-11T16:29:21Z,A (a),A (a),,,\n", 1, "", ""},
		{"missing-column", "the seed's columns are AUDIT EVENT, DATE/TIME, TARGET OBJECT, BY, VALUE TYPE, OLD VALUE, NEW VALUE",
			"AUDIT EVENT,DATE/TIME,TARGET OBJECT\n", 0, "", "lacks BY, VALUE TYPE, OLD VALUE, NEW VALUE"},
		{"bad-time", "DATE/TIME must be a time",
			header + "SUCCESSFUL_LOGIN,yesterday,A (a),A (a),,,\n", 0, "", "2: not a User and Role Audit Log: DATE/TIME"},
		{"empty", "an empty file is no log", "", 0, "", "empty"},
		{"damaged-xlsx", "a damaged workbook is an error", "PK\x03\x04rest", 0, "", "damaged zip archive or workbook"},
		{"xls", "the legacy .XLS the download is named after is refused with advice", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", 0, "", "save it as .xlsx (without a password) or CSV"},
		{"title-rows", "title rows above the header are skipped", "User and Role Audit Log\n\n" + header + "SUCCESSFUL_LOGIN,2020-12-11T16:29:21Z,A (a),A (a),,,\n", 1, "", ""},
		{"bad-quote", "malformed CSV is an error with its line",
			header + "SUCCESSFUL_LOGIN,\"2020,A\n", 0, "", "not a User and Role Audit Log"},
	} {
		log, err := auditlog.Read(strings.NewReader(tc.in), auditlog.Options{Name: "log.csv"})
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !errors.Is(err, auditlog.ErrFormat) {
				t.Errorf("%s: %s: got error %v, want one containing %q wrapping ErrFormat", tc.name, tc.reason, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %s: %v", tc.name, tc.reason, err)
			continue
		}
		var warns []string
		for _, w := range log.Warnings {
			warns = append(warns, w.Code)
		}
		if len(log.Entries) != tc.entries || (tc.warn == "" && len(warns) > 0) || (tc.warn != "" && !slices.Equal(warns, []string{tc.warn})) {
			t.Errorf("%s: %s: %d entries, warnings %v", tc.name, tc.reason, len(log.Entries), warns)
		}
	}
}

func TestMaxEntries(t *testing.T) {
	_, err := auditlog.Read(strings.NewReader(strings.Repeat("x", 0)+
		"AUDIT EVENT,DATE/TIME,TARGET OBJECT,BY,VALUE TYPE,OLD VALUE,NEW VALUE\n"+
		strings.Repeat("SUCCESSFUL_LOGIN,2020-12-11T16:29:21Z,A (a),A (a),,,\n", 3)), auditlog.Options{MaxEntries: 2})
	if err == nil || !strings.Contains(err.Error(), "more than 2 entries") {
		t.Errorf("bounded memory: got %v", err)
	}
}

func TestRange(t *testing.T) {
	now := time.Date(2020, 12, 11, 23, 59, 0, 0, time.FixedZone("behind", -5*3600)) // 12 Dec 04:59 UTC
	def := auditlog.DefaultRange(now)
	if got := def.Start.Format(auditlog.DateLayout) + " " + def.End.Format(auditlog.DateLayout); got != "12-Nov-2020 12-Dec-2020" {
		t.Errorf("By default, the Start Date is set to today's date minus 30 days (UTC); the End Date defaults to today's date (UTC): got %s", got)
	}
	for _, tc := range []struct {
		name, reason, start, end string
		err                      string
	}{
		{"defaults", "both fields default", "", "", ""},
		{"custom", "DD-MMM-YYYY format", "01-Dec-2020", "11-DEC-2020", ""},
		{"iso", "ISO dates are accepted too", "2020-12-01", "2020-12-11", ""},
		{"368", "a custom range of up to 368 days", "08-Dec-2019", "10-Dec-2020", ""},
		{"369", "if the selected date range exceeds one year, an error message appears", "07-Dec-2019", "10-Dec-2020", "369 days, more than a year"},
		{"reversed", "the end before the start is no range", "11-Dec-2020", "01-Dec-2020", "before the Start Date"},
		{"bad", "the fields display in DD-MMM-YYYY format", "1/12/2020", "", "not a date written DD-MMM-YYYY"},
	} {
		_, err := auditlog.ParseRange(tc.start, tc.end, now)
		if (err == nil) != (tc.err == "") || (err != nil && (!strings.Contains(err.Error(), tc.err) || !errors.Is(err, auditlog.ErrRange))) {
			t.Errorf("%s: %s: got %v, want %q", tc.name, tc.reason, err, tc.err)
		}
	}
	if err := (auditlog.Range{End: now}).Validate(); err == nil || !strings.Contains(err.Error(), "Start Date is required") {
		t.Errorf("the Start Date and End Date fields are required: got %v", err)
	}
	if err := (auditlog.Range{Start: now}).Validate(); err == nil || !strings.Contains(err.Error(), "End Date is required") {
		t.Errorf("the Start Date and End Date fields are required: got %v", err)
	}
	r, _ := auditlog.ParseRange("10-Dec-2020", "11-Dec-2020", now)
	for _, tc := range []struct {
		at   string
		want bool
	}{
		{"2020-12-10T00:00:00Z", true}, {"2020-12-11T23:59:59.999Z", true},
		{"2020-12-09T23:59:59Z", false}, {"2020-12-12T00:00:00Z", false},
		{"2020-12-11T20:00:00-05:00", false}, // 12 Dec in UTC
	} {
		at, _ := time.Parse(time.RFC3339Nano, tc.at)
		if r.Contains(at) != tc.want {
			t.Errorf("all entries from the selected Start Date through the End Date (inclusive), in UTC: %s got %v", tc.at, !tc.want)
		}
	}
	log := readLog(t, auditlog.Options{Range: r})
	if len(log.Entries) != 9 || len(log.Warnings) != 1 || log.Warnings[0].Code != auditlog.WarnOutOfRange || log.Warnings[0].Count != 3 {
		t.Errorf("excludes any entries outside that range: %d entries, warnings %+v", len(log.Entries), log.Warnings)
	}
	if _, err := auditlog.Read(strings.NewReader(""), auditlog.Options{Range: auditlog.Range{Start: now}}); !errors.Is(err, auditlog.ErrRange) {
		t.Errorf("an invalid range is refused before reading: %v", err)
	}
}

func TestReconcile(t *testing.T) {
	log := readLog(t, auditlog.Options{})
	changes := []diff.Change{
		{Event: diff.RoleChange, User: "psampleusim", Target: "Paul Sample (psampleusim)", ValueType: "PAB 37 (Test)-Site 1", New: "site monitor"},
		{Event: diff.RoleChange, User: "psampleucrc", Target: "Paul Sample (psampleucrc)", ValueType: "S_PAB37 (Test)-S_SITE1", New: "Clinical Research Coordinator"},
		{Event: diff.RoleChange, User: "psampleucrc", Target: "Paul Sample (psampleucrc)", ValueType: "S_PAB37 (Test)-S_SITE2", New: "Investigator"},
		{Event: diff.ProfileChange, User: "kfictus", ValueType: "emails", Old: "kerry@example.org", New: "kerry.f@example.org"},
		{Event: diff.RoleDefinitionChange, Target: "CRC Rights (5001)", ValueType: "rights", Old: "Enter Data", New: "Enter Data; Freeze Data"},
		{Event: diff.UserAdded, User: "newuser", Target: "New User (newuser)"},
		{Event: diff.RoleChange, User: "psampleusim", ValueType: "PAB 37 (Test)-Site 1", New: "Site Monitor"},
	}
	got := auditlog.Reconcile(changes, log.Entries)
	var statuses []auditlog.Status
	for _, m := range got {
		statuses = append(statuses, m.Status)
	}
	want := []auditlog.Status{auditlog.Logged, auditlog.Partly, auditlog.Missing, auditlog.Logged, auditlog.Logged, auditlog.Missing, auditlog.Missing}
	if !slices.Equal(statuses, want) {
		t.Errorf("which changes appear in the log and which do not:\ngot  %v\nwant %v", statuses, want)
	}
	if got[0].Entry == nil || got[0].Entry.Line != 7 {
		t.Errorf("a logged change names its entry: %+v", got[0].Entry)
	}
	if l, p, m := auditlog.Counts(got); l != 3 || p != 1 || m != 3 {
		t.Errorf("counts %d %d %d", l, p, m)
	}
}
