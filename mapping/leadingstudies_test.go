package mapping

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// failAfter is a reader of n bytes of padding that then fails: what LeadingStudyElements
// must never reach.
type failAfter struct{ n int }

var errReadTooFar = errors.New("read past the first AdminData")

func (f *failAfter) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errReadTooFar
	}
	k := min(len(p), f.n)
	for i := range p[:k] {
		p[i] = ' '
	}
	f.n -= k
	return k, nil
}

// TestLeadingStudyElements: the Study elements before the first AdminData, where ODM puts
// them, are read for their names, and the input is not read far past that AdminData (the
// map and diff commands read them for every flavour, and a read of the whole export for a
// late Study cost a fifth of map's CPU).
func TestLeadingStudyElements(t *testing.T) {
	const head = `<?xml version="1.0"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00">
  <Study OID="S1"><GlobalVariables><StudyName>Demo <![CDATA[Study]]></StudyName><StudyDescription>x</StudyDescription><ProtocolName>P-1</ProtocolName></GlobalVariables>
    <MetaDataVersion OID="V1" Name="v1"/></Study>
  <Study OID="S2"><GlobalVariables><StudyName>Second</StudyName><StudyDescription/><ProtocolName>P-2</ProtocolName></GlobalVariables></Study>
`
	const admin = `  <AdminData StudyOID="S1"><User OID="u1"/></AdminData>
`
	const late = `  <Study OID="S3"><GlobalVariables><StudyName>Late</StudyName><StudyDescription/><ProtocolName>P-3</ProtocolName></GlobalVariables></Study>
`
	for _, tc := range []struct {
		name, reason string
		in           io.Reader
		want         []string // OID=name/protocol of each study read
	}{
		{"before AdminData", "both studies ODM's order puts first, the name's CDATA joined as odm's Element.Text joins it",
			strings.NewReader(head + admin + "</ODM>"), []string{"S1=Demo Study/P-1", "S2=Second/P-2"}},
		{"stops at AdminData", "what follows the first AdminData is not read (a reader that fails 1 MiB past it)",
			io.MultiReader(strings.NewReader(head+admin), &failAfter{n: 1 << 20}), []string{"S1=Demo Study/P-1", "S2=Second/P-2"}},
		{"late Study", "a Study after an AdminData (out of ODM's order) is not read; StudyElements reads it",
			strings.NewReader(head + admin + late + "</ODM>"), []string{"S1=Demo Study/P-1", "S2=Second/P-2"}},
		{"no AdminData", "a document without AdminData is read to its end",
			strings.NewReader(head + "</ODM>"), []string{"S1=Demo Study/P-1", "S2=Second/P-2"}},
	} {
		list, err := LeadingStudyElements(tc.in, odm.ReadOptions{Name: "studies.xml"})
		if err != nil {
			t.Errorf("%s (%s): %v", tc.name, tc.reason, err)
			continue
		}
		// As the stream readers take them (Options.Studies), beside the stream's own S1.
		d, _, err := FromReader(odm.NewReader(strings.NewReader(head+admin+"</ODM>"), odm.ReadOptions{}), Options{Studies: list})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range d.Studies {
			got = append(got, s.ID+"="+s.Name+"/"+s.Protocol)
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s (%s): read %q, want %q", tc.name, tc.reason, got, tc.want)
		}
	}
	// A document the scan refuses is an error placed in it.
	_, err := LeadingStudyElements(strings.NewReader(`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><Study OID="S1"></ODM>`), odm.ReadOptions{Name: "bad.xml"})
	var oe *odm.Error
	if !errors.As(err, &oe) || oe.File != "bad.xml" || oe.Line == 0 {
		t.Errorf("malformed head: %v, want an *odm.Error placed in bad.xml", err)
	}
}

// TestLateStudies: the Study elements after the first AdminData, which
// LeadingStudyElements does not read, are counted as a stream reads the input, so that
// map and diff warn that their names are not used where they said nothing.
func TestLateStudies(t *testing.T) {
	const head = `<?xml version="1.0"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00">
`
	const study = `<Study OID="S%d"><GlobalVariables><StudyName>Demo</StudyName><StudyDescription/><ProtocolName>P</ProtocolName></GlobalVariables></Study>
`
	const admin = `<AdminData StudyOID="S1"><User OID="U1"/></AdminData>
`
	st := func(n int) string { return strings.Replace(study, "%d", string(rune('0'+n)), 1) }
	for _, tc := range []struct {
		name, reason, doc string
		chunk             int // bytes per Read of the input (0: the whole input at once)
		late              int
	}{
		{"in order", "Study before AdminData, where ODM puts it: read, nothing to say",
			head + st(1) + admin + "</ODM>", 0, 0},
		{"one late", "a Study after AdminData is not read: one warning",
			head + admin + st(1) + "</ODM>", 0, 1},
		{"leading and late", "the Study read before AdminData is no late one",
			head + st(1) + admin + st(2) + "</ODM>", 0, 1},
		{"two late, byte by byte", "a tag split across reads is counted once",
			head + admin + st(1) + st(2) + "</ODM>", 1, 2},
		{"prefixed", "a document in ODM's namespace under a prefix: its prefixed Study is a Study",
			`<odm:ODM xmlns:odm="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00">` +
				`<odm:AdminData StudyOID="S1"><odm:User OID="U1"/></odm:AdminData><odm:Study OID="S1"/></odm:ODM>`, 7, 1},
		{"other names", "StudyEventDef and StudyName are not Study start tags",
			head + admin + "<ClinicalData><StudyEventData StudyEventOID=\"E\"/></ClinicalData><StudyName/></ODM>", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := io.Reader(strings.NewReader(tc.doc))
			if tc.chunk > 0 {
				in = &chunkReader{s: tc.doc, n: tc.chunk}
			}
			rd := odm.NewReader(in, odm.ReadOptions{})
			for _, err := range rd.All() {
				if err != nil {
					t.Fatal(err)
				}
			}
			l := NewLateStudies()
			l.Add(rd.LateStudies())
			ws := l.Warnings("in.xml")
			got := 0
			for _, w := range ws {
				if w.Code != CodeQuirk || w.Field != "Study" || w.File != "in.xml" {
					t.Errorf("%+v: want a quirk of field Study naming the file", w)
				}
				got += w.Count
			}
			if got != tc.late || len(ws) > 1 {
				t.Errorf("%d late Study elements in %d warnings, want %d in at most one (%s)", got, len(ws), tc.late, tc.reason)
			}
		})
	}
}

// chunkReader hands out s n bytes at a time.
type chunkReader struct {
	s string
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if c.s == "" {
		return 0, io.EOF
	}
	k := copy(p[:min(len(p), c.n)], c.s)
	c.s = c.s[k:]
	return k, nil
}

// TestLateStudiesAdd: the count of a stream's odm.Reader (Reader.LateStudies) is the
// warning's, and a nil counter (a caller that read no leading Study) says nothing.
func TestLateStudiesAdd(t *testing.T) {
	for _, tc := range []struct {
		name, reason string
		add, want    int
	}{
		{"none", "a reader that skipped no Study: nothing to say", 0, 0},
		{"late", "the reader's count is the warning's", 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := NewLateStudies()
			l.Add(tc.add)
			got := 0
			for _, w := range l.Warnings("in.xml") {
				got += w.Count
			}
			if got != tc.want {
				t.Errorf("%d late Study elements, want %d (%s)", got, tc.want, tc.reason)
			}
		})
	}
	var l *LateStudies // a caller that watches nothing holds a nil one
	l.Add(1)
	if ws := l.Warnings("in.xml"); ws != nil {
		t.Errorf("nil LateStudies: %v, want no warning", ws)
	}
}
