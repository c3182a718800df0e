package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// clinicalDoc is an export with n subjects of clinical data before and after its
// AdminData, a namespace declared inside the clinical data, and an element named User
// inside it (not ODM, but a record path must find it as the whole-document path does).
func clinicalDoc(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00" ODMVersion="1.3.2">
<ClinicalData StudyOID="S" MetaDataVersionOID="v1">
`)
	for i := range n {
		fmt.Fprintf(&b, `<SubjectData SubjectKey="K%d"><StudyEventData StudyEventOID="E"><FormData FormOID="F"><ItemGroupData ItemGroupOID="G"><ItemData ItemOID="I" Value="%d"/></ItemGroupData></FormData></StudyEventData></SubjectData>`+"\n", i, i)
	}
	b.WriteString(`<SubjectData SubjectKey="X" xmlns:v="urn:v"><v:Audit><User OID="UC"><LoginName>clinical</LoginName></User></v:Audit></SubjectData>
</ClinicalData>
<AdminData StudyOID="S">
<User OID="U1"><LoginName>qexample</LoginName><Email>q@example.org</Email></User>
<Location OID="L1" Name="Site"><MetaDataVersionRef StudyOID="S" MetaDataVersionOID="v1" EffectiveDate="2020-01-01"/></Location>
<User OID="U2" xmlns:w="urn:v"><LoginName>rexample</LoginName><w:Note>n</w:Note></User>
</AdminData>
<ClinicalData StudyOID="S" MetaDataVersionOID="v1"><SubjectData SubjectKey="Y"><v:Audit xmlns:v="urn:v" v:k="1"/></SubjectData></ClinicalData>
</ODM>
`)
	return b.Bytes()
}

// TestQueryRecordsBelowNonTargets: an element whose name is not the record path's first
// name is no record: the records are the elements of that name inside it, so that the
// tree built at a time is one of them, not a whole ClinicalData. Before, a ClinicalData
// of 200,000 subjects was one tree (404 MB peak RSS for a 62 MB file); the answers are the
// whole-document path's.
func TestQueryRecordsBelowNonTargets(t *testing.T) {
	ns := func() map[string]string {
		return map[string]string{"odm": odm.NS13, "pf": odm.NSInForm, "v": "urn:v"}
	}
	doc := clinicalDoc(20)
	for _, expr := range []string{
		"//odm:User", "//User/LoginName", "count(//odm:User)", "//odm:User[odm:LoginName='clinical']/@OID",
		"//odm:SubjectData[@SubjectKey='K7']", "count(//odm:ItemData)", "//odm:ItemData[@Value='3']/@ItemOID",
		"//v:Audit", "//v:Note", "//odm:MetaDataVersionRef/@StudyOID", "count(//odm:ClinicalData)", "//odm:ClinicalData[@StudyOID='S']/odm:SubjectData[@SubjectKey='Y']",
		"//odm:LoginName", "count(//odm:Location)",
	} {
		count, ok := recordPath(expr)
		if !ok {
			t.Fatalf("%q is not a record path", expr)
		}
		for _, text := range []bool{false, true} {
			var stream bytes.Buffer
			found, err := streamQuery(&stream, bytes.NewReader(doc), odm.ReadOptions{}, expr, ns(), false, count, text, 0)
			if err != nil {
				t.Fatalf("%q: stream: %v", expr, err)
			}
			want, wantFound := treeQuery(t, doc, expr, ns(), text)
			if stream.String() != want || found != wantFound {
				t.Errorf("%q (text %v): record by record\n%q (found %v)\nwhole tree\n%q (found %v)", expr, text, stream.String(), found, want, wantFound)
			}
		}
	}

	// The largest tree built while users are asked about: the slab of nodes grows to
	// the largest record and no further.
	tests := []struct {
		reason, expr string
		maxChunks    int
	}{
		{"users: one User at a time, whatever the clinical data", "//odm:User[odm:LoginName='x']", 1},
		{"subjects: one SubjectData at a time", "count(//odm:SubjectData)", 1},
	}
	for _, tt := range tests {
		var read atomic.Int64
		rr := newRecordReader(bytes.NewReader(clinicalDoc(5000)), &read, odm.ReadOptions{})
		rr.target = recordName(tt.expr)
		records := 0
		for {
			_, err := rr.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.reason, err)
			}
			records++
		}
		if records == 0 {
			t.Fatalf("%s: no record", tt.reason)
		}
		if n := len(rr.nodes.chunks); n > tt.maxChunks {
			t.Errorf("%s: the largest record took %d chunks of %d nodes, want at most %d", tt.reason, n, slabChunk, tt.maxChunks)
		}
	}
	if got := recordName(" count( //odm:User[odm:Email] ) "); !strings.EqualFold(got, "User") {
		t.Errorf("recordName = %q, want User", got)
	}
}
