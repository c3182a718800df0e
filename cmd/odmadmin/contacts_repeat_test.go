package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestContactsRepeatedParticipantID: records repeating a participant ID were each a new
// participant: no word of the repeat, and each counted against --cap, so that a study
// with room for both participants of SS-1, SS-2, SS-1 refused the third record. The
// participant API adds a participant once and updates it after, so a repeat is a warning
// naming the first record, and, after an accepted first record, an update that adds
// nothing to --enrolled.
func TestContactsRepeatedParticipantID(t *testing.T) {
	dir := t.TempDir()
	const csvHead = "subjectKey,firstName,lastName,phoneNumber\n"
	request := []string{"--study", "S_DEMO", "--site", "S_SITE1", "--role", "Data Manager", "--cap", "3", "--enrolled", "1"}
	for _, tc := range []struct {
		name, reason string
		file, input  string
		args         []string
		code         int
		want         []string // what the text output must hold
		not          []string // and must not
	}{
		{"csv", "the third record repeats the first: a warning naming row 2, exit status unchanged",
			"a.csv", csvHead + "SS-1,Ada,Example,\nSS-2,Alan,Sample,\nSS-1,Ada,Example,\n", nil, 0,
			[]string{"a.csv:4:subjectKey: warning contacts.repeatedParticipantID: the participant ID is also on row 2, the first record of it; the API adds that participant once and takes this record as an update"},
			[]string{"a.csv:2:", "a.csv:3:"}},
		{"json", "a JSON record is named by the line its object starts on",
			"a.json", "[\n{\"subjectKey\":\"SS-1\"},\n{\"subjectKey\":\" SS-1\"}\n]\n", nil, 0,
			[]string{"a.json:3:1: warning contacts.repeatedParticipantID: subjectKey: the participant ID is also on the record at line 2"},
			nil},
		{"cap", "1 enrolled + SS-1 + SS-2 = 3, the cap: the repeat of SS-1 is an update, not a fourth participant",
			"a.csv", csvHead + "SS-1,Ada,Example,\nSS-2,Alan,Sample,\nSS-1,Ada,Example,\n", request, 0,
			[]string{"a.csv:4:subjectKey: warning contacts.repeatedParticipantID"},
			[]string{"participantsEnrollmentCapReached"}},
		{"cap reached", "a new participant past the repeat still meets the cap: the repeat took no place",
			"a.csv", csvHead + "SS-1,Ada,Example,\nSS-2,Alan,Sample,\nSS-1,Ada,Example,\nSS-3,Ana,Demo,\n", request, 1,
			[]string{"a.csv:5: error errorCode.participantsEnrollmentCapReached"},
			[]string{"a.csv:4: error"}},
		{"first rejected", "a rejected record adds nobody: the next record of its ID adds the participant, and counts",
			"a.csv", csvHead + "SS-1,Ada,Example,12345\nSS-1,Ada,Example,\nSS-2,Alan,Sample,\nSS-3,Ana,Demo,\n", request, 1,
			[]string{"a.csv:3:subjectKey: warning contacts.repeatedParticipantID: the participant ID is also on row 2, the first record of it, which is not accepted; this record would add the participant",
				"a.csv:5: error errorCode.participantsEnrollmentCapReached"},
			nil},
		{"letter case", "no rule says the server ignores the letter case of a participant ID",
			"a.csv", csvHead + "SS-1,Ada,Example,\nss-1,Ada,Example,\n", nil, 0,
			nil, []string{"repeatedParticipantID"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.reason == "" {
				t.Fatal("a case needs a reason")
			}
			in := writeFile(t, dir, tc.name+"-"+tc.file, []byte(tc.input))
			args := append(append([]string{"--format", "text"}, tc.args...), in)
			code, out, stderr := runSub("", "contacts", args...)
			out = strings.ReplaceAll(out, in, tc.file)
			if code != tc.code {
				t.Errorf("exit %d, want %d (%s)\n%s%s", code, tc.code, tc.reason, out, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q (%s):\n%s", w, tc.reason, out)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(out, w) {
					t.Errorf("output has %q (%s):\n%s", w, tc.reason, out)
				}
			}
		})
	}
}

// TestContactsRepeatedParticipantIDJSON: the JSON output carries the finding with its
// severity (warning), where it wrote "error" for every finding.
func TestContactsRepeatedParticipantIDJSON(t *testing.T) {
	in := writeFile(t, t.TempDir(), "a.csv", []byte("subjectKey,firstName\nSS-1,Ada\nSS-1,Ada\n"))
	code, out, stderr := runSub("", "contacts", in)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var recs []struct {
		Row    int `json:"row"`
		Errors []struct {
			Severity, Code, Message string
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &recs); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || len(recs[0].Errors) != 0 || len(recs[1].Errors) != 1 {
		t.Fatalf("want one finding, on the second record: %s", out)
	}
	if e := recs[1].Errors[0]; e.Severity != "warning" || e.Code != "contacts.repeatedParticipantID" || !strings.Contains(e.Message, "row 2") {
		t.Errorf("%+v: want a warning naming row 2", e)
	}
}
