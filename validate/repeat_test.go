package validate

import (
	"fmt"
	"strings"
	"testing"
)

// repeatRecord is a record of a repeatCase: its participant ID and whether its own
// checks accepted it.
type repeatRecord struct {
	id       string
	accepted bool
}

// repeatCase is an input's records in order, and for each the finding ParticipantIDs
// leads to ("" none, else the first record's place and "update" or "add").
type repeatCase struct {
	name, reason string
	records      []repeatRecord
	want         []string
}

var repeatCases = []repeatCase{
	{"distinct", "every ID once: nothing to say",
		[]repeatRecord{{"SS-1", true}, {"SS-2", true}}, []string{"", ""}},
	{"repeated", "the second SS-1 updates the participant the first added",
		[]repeatRecord{{"SS-1", true}, {"SS-2", true}, {"SS-1", true}}, []string{"", "", "1 update"}},
	{"three times", "each later record names the first, not the one before it",
		[]repeatRecord{{"SS-1", true}, {"SS-1", true}, {"SS-1", true}}, []string{"", "1 update", "1 update"}},
	{"first rejected", "a rejected record adds nobody, so the next one of its ID adds the participant",
		[]repeatRecord{{"SS-1", false}, {"SS-1", true}, {"SS-1", true}}, []string{"", "1 add", "1 update"}},
	{"white space around", "the ID is compared trimmed, as a CSV cell or JSON value may carry spaces",
		[]repeatRecord{{"SS-1", true}, {" SS-1 ", true}}, []string{"", "1 update"}},
	{"letter case", "no rule says the server ignores letter case: ss-1 is another ID",
		[]repeatRecord{{"SS-1", true}, {"ss-1", true}}, []string{"", ""}},
	{"empty", "records without an ID (system-generated IDs) repeat nothing",
		[]repeatRecord{{"", true}, {"", true}}, []string{"", ""}},
	{"many", "past the table's first size (it grows), repeats are still found",
		append(manyRecords(200), repeatRecord{"ID-7", true}), append(make([]string, 200), "8 update")},
}

func manyRecords(n int) []repeatRecord {
	var rs []repeatRecord
	for i := range n {
		rs = append(rs, repeatRecord{fmt.Sprint("ID-", i), true})
	}
	return rs
}

// findings runs the case through ParticipantIDs, places counted from 1, and returns
// what RepeatedParticipantID gives for each record that repeats an ID.
func (tc repeatCase) findings() []Finding {
	var out []Finding
	s := NewParticipantIDs()
	for i, r := range tc.records {
		if first, accepted, ok := s.Find(r.id); ok {
			out = append(out, RepeatedParticipantID(r.id, fmt.Sprint("row ", first), accepted, Options{}))
		}
		s.Note(r.id, int64(i+1), r.accepted)
	}
	return out
}

func TestParticipantIDs(t *testing.T) {
	for _, tc := range repeatCases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.reason == "" {
				t.Fatal("a case needs a reason")
			}
			s := NewParticipantIDs()
			for i, r := range tc.records {
				got := ""
				if first, accepted, ok := s.Find(r.id); ok {
					got = fmt.Sprint(first, " add")
					if accepted {
						got = fmt.Sprint(first, " update")
					}
				}
				if got != tc.want[i] {
					t.Errorf("record %d (%q): %q, want %q (%s)", i+1, r.id, got, tc.want[i], tc.reason)
				}
				s.Note(r.id, int64(i+1), r.accepted)
			}
		})
	}
}

// TestRepeatedParticipantIDFinding: a warning, naming the first record's place, and the
// ID only when values are asked for.
func TestRepeatedParticipantIDFinding(t *testing.T) {
	f := RepeatedParticipantID("SS-1", "row 2", true, Options{})
	if f.Severity != SeverityWarning || f.Code != CodeRepeatedParticipantID || f.Field != "subjectKey" {
		t.Errorf("%+v: want a warning of %s on subjectKey (the API takes the record, as an update)", f, CodeRepeatedParticipantID)
	}
	if !strings.Contains(f.Message, "row 2") || strings.Contains(f.Message, "SS-1") || f.Value != "" {
		t.Errorf("%+v: the message names the first record, never the ID; no value unless asked", f)
	}
	if f := RepeatedParticipantID("SS-1", "row 2", true, Options{Values: true}); f.Value != "SS-1" {
		t.Errorf("value %q with Options.Values, want the ID", f.Value)
	}
}
