package main

import (
	"strings"
	"testing"
)

// TestMapLateStudy: a Study after AdminData (out of ODM's order, which check reports)
// is not read by the stream map and diff read ODM with (mapping.LeadingStudyElements),
// so its names were missing from their output without a word. They warn (quirk, field
// Study, with the count) on every output and on the path several inputs take; a file in
// order gets no such warning.
func TestMapLateStudy(t *testing.T) {
	dir := t.TempDir()
	const head = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileOID="F1" CreationDateTime="2026-01-10T10:15:00" FileType="Snapshot" ODMVersion="1.3.2">
`
	const admin = `<AdminData StudyOID="S1"><User OID="U1"><LoginName>pexample</LoginName><FirstName>Pat</FirstName><LastName>Example</LastName></User></AdminData>
`
	const study = `<Study OID="S1"><GlobalVariables><StudyName>Late Study</StudyName><StudyDescription>d</StudyDescription><ProtocolName>LATE-1</ProtocolName></GlobalVariables></Study>
`
	late := writeFile(t, dir, "late.xml", []byte(head+admin+study+"</ODM>\n"))
	early := writeFile(t, dir, "early.xml", []byte(head+study+admin+"</ODM>\n"))
	const warning = "warning mapping.quirk: Study: 1 Study element stands after AdminData"
	for _, tc := range []struct {
		name, reason string
		args         []string
		warns        bool
	}{
		{"json", "map --to json named no study", []string{"map", "--to", "json", late}, true},
		{"csv", "the streamed table writers read the same way", []string{"map", "--to", "csv", "--study", "S1", late}, true},
		{"odm2", "and so does the ODM writer", []string{"map", "--to", "odm2", late}, true},
		{"several inputs", "map of several files reads each through readODMWith", []string{"map", "--to", "json", late, early}, true},
		{"diff", "diff labels studies by the names it reads", []string{"diff", late, early}, true},
		{"in order", "a Study before AdminData is read: nothing to say", []string{"map", "--to", "json", early}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runSub("", tc.args[0], tc.args[1:]...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if got := strings.Contains(stderr, late+": "+warning); got != tc.warns {
				t.Errorf("warned %v, want %v (%s):\n%s", got, tc.warns, tc.reason, stderr)
			}
		})
	}
}
