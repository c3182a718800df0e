package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// studyInputs are documents with Study elements in the shapes StudyElements meets: the
// fixtures, a generated OpenClinica export, and variants of the site-study fixture.
func studyInputs(t *testing.T) map[string][]byte {
	t.Helper()
	inputs := streamInputs(t)
	var g bytes.Buffer
	if err := gen.OpenClinica(&g, 3000); err != nil {
		t.Fatal(err)
	}
	inputs["generated openclinica"] = g.Bytes()
	oc, err := os.ReadFile(filepath.Join("..", "testdata", "openclinica", "demo-site-studies.xml"))
	if err != nil {
		t.Fatal(err)
	}
	first := bytes.Index(oc, []byte("  <Study OID=\"S_SITE_NL01\">"))
	end := bytes.Index(oc, []byte("  <AdminData"))
	site := oc[first:end]
	blocksEnd := bytes.Index(oc, []byte("  <ClinicalData"))
	variants := map[string][]byte{
		// A site study after the AdminData (out of ODM's order): the whole document is
		// scanned again.
		"late site study": join(oc[:first], oc[end:blocksEnd], site, oc[blocksEnd:]),
		// The words of a Study start tag in a comment after AdminData: scanned again too,
		// with the same result.
		"study tag in a comment":      join(oc[:blocksEnd], []byte("  <!-- <Study OID=\"X\"> -->\n"), oc[blocksEnd:]),
		"prefixed study tag in CDATA": join(oc[:blocksEnd], []byte("  <ClinicalData StudyOID=\"S_DEMO\" MetaDataVersionOID=\"v1.0.0\"><![CDATA[<a:Study x>]]></ClinicalData>\n"), oc[blocksEnd:]),
		// Names written with references, CDATA and a comment; two GlobalVariables (the
		// last name wins, as FromDocument reads them); an Include of the study itself.
		"escaped names": bytes.Replace(oc, []byte("<StudyName>Demo Parent Study</StudyName>"),
			[]byte("<StudyName>Demo &amp; <![CDATA[<Parent>]]> <!-- x --> St&#252;dy\r\n</StudyName>"), 1),
		"two global variables": bytes.Replace(oc, []byte("<MetaDataVersion OID=\"v1.0.0\" Name=\"MetaDataVersion_v1.0.0\">"),
			[]byte("<GlobalVariables><StudyName>Later</StudyName><ProtocolName> P2 </ProtocolName></GlobalVariables><MetaDataVersion OID=\"v1.0.0\" Name=\"MetaDataVersion_v1.0.0\"><Include StudyOID=\"S_SITE_NL01\" MetaDataVersionOID=\"v\"/>"), 1),
		// A Study in another namespace is not ODM's: neither reader sees it.
		"foreign study": join(oc[:first], []byte("  <x:Study xmlns:x=\"urn:x\" OID=\"S_X\"><x:MetaDataVersion><x:Include StudyOID=\"S_DEMO\"/></x:MetaDataVersion></x:Study>\n"), oc[first:]),
		"no study":      join(oc[:bytes.Index(oc, []byte("  <Study OID=\"S_DEMO\">"))], oc[end:]),
	}
	for name, b := range variants {
		inputs[name] = b
	}
	return inputs
}

func join(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// TestStudyElementsStreamAsWhole: a stream read with the Study elements StudyElements
// finds (Options.Studies) gives the directory and warnings FromDocument gives for the
// document decoded whole, whatever the vendor: OpenClinica's site-study users are users of
// their sites, the studies have their names, in the same order. Through FromReader, and
// through the streaming JSON writer against the whole directory's JSON.
func TestStudyElementsStreamAsWhole(t *testing.T) {
	now := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	sites := 0
	for name, data := range studyInputs(t) {
		doc, err := odm.Decode(bytes.NewReader(data), odm.ReadOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		opened := 0
		open := func() (io.Reader, error) { opened++; return bytes.NewReader(data), nil }
		studies, err := StudyElements(open, odm.ReadOptions{Name: name})
		if err != nil {
			t.Fatalf("%s: StudyElements: %v", name, err)
		}
		late := strings.Contains(name, "late") || strings.Contains(name, "tag in")
		if late != (opened == 2) {
			t.Errorf("%s: the document was opened %d times", name, opened)
		}
		opts := Options{Now: now}
		want, wws, err := FromDocument(doc, opts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		opts.Studies = studies
		got, gws, err := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{Reuse: true}), opts)
		if err != nil {
			t.Fatalf("%s: FromReader: %v", name, err)
		}
		wj, _ := json.Marshal(want)
		gj, _ := json.Marshal(got)
		if !bytes.Equal(wj, gj) {
			t.Errorf("%s: the streamed directory differs from the whole one:\n%s", name, cmp.Diff(string(wj), string(gj)))
		}
		if d := cmp.Diff(wws, gws); d != "" {
			t.Errorf("%s: warnings differ (-whole +streamed):\n%s", name, d)
		}
		var ww, sw bytes.Buffer
		if err := json.NewEncoder(&ww).Encode(want); err != nil {
			t.Fatal(err)
		}
		if _, err := WriteJSON(&sw, odm.NewReader(bytes.NewReader(data), odm.ReadOptions{Reuse: true}), opts); err != nil {
			t.Fatalf("%s: WriteJSON: %v", name, err)
		}
		var a, b any
		if err := json.Unmarshal(ww.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(sw.Bytes(), &b); err != nil {
			t.Fatalf("%s: WriteJSON wrote no JSON: %v", name, err)
		}
		if d := cmp.Diff(a, b); d != "" {
			t.Errorf("%s: WriteJSON differs from the whole directory (-whole +streamed):\n%s", name, d)
		}
		if DetectHeader(headerOf(t, data)) == ProfileOpenClinica {
			for _, s := range got.Sites {
				if s.Study != "" {
					sites++
				}
			}
		}
	}
	if sites < 10 {
		t.Errorf("only %d site studies read as sites: the OpenClinica inputs were not streamed", sites)
	}
}

func headerOf(t *testing.T, data []byte) *odm.Header {
	t.Helper()
	h, err := odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}).Header()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestStudyElementsBadInput: what the scan refuses is a positioned error of the input's
// name, never a panic; an input cut before its first AdminData, cut in a Study, or over
// the limits.
func TestStudyElementsBadInput(t *testing.T) {
	oc, err := os.ReadFile(filepath.Join("..", "testdata", "openclinica", "demo-site-studies.xml"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		data []byte
		ro   odm.ReadOptions
		why  string
	}{
		{"cut in a Study", oc[:bytes.Index(oc, []byte("<ProtocolName>"))], odm.ReadOptions{}, "the scan meets the end before the first AdminData"},
		{"mismatched tag", bytes.Replace(oc, []byte("</StudyName>"), []byte("</StudyNam>"), 1), odm.ReadOptions{}, "not well-formed before the first AdminData"},
		{"too deep", oc, odm.ReadOptions{MaxDepth: 3}, "the reader's depth limit applies to the scan"},
		{"not XML", []byte("hello"), odm.ReadOptions{}, "no document at all"},
	}
	for _, c := range cases {
		_, err := StudyElements(func() (io.Reader, error) { return bytes.NewReader(c.data), nil }, odm.ReadOptions{Name: "in.xml", MaxDepth: c.ro.MaxDepth})
		var oe *odm.Error
		if !errors.As(err, &oe) || oe.File != "in.xml" || oe.Line == 0 {
			t.Errorf("%s (%s): %v, want a positioned *odm.Error of in.xml", c.name, c.why, err)
		}
	}
}

// liveAfterReadOC is liveAfterRead for a generated OpenClinica export, read with its
// Study elements: one user in fifty of the study-level users is in a site study's
// AdminData too, so that the builder merges a later record into a user built early.
func liveAfterReadOC(t *testing.T, n int) (heap uint64, users int32) {
	t.Helper()
	open := func() (io.Reader, error) {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(gen.OpenClinica(pw, n)) }()
		return pr, nil
	}
	studies, err := StudyElements(open, odm.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in, _ := open()
	b, err := readStream(odm.NewReader(in, odm.ReadOptions{Reuse: true}), Options{Studies: studies}, true)
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	return liveHeld(b)
}

// TestOpenClinicaStreamMemoryPerUser: streaming an OpenClinica export holds per user its
// index (some 14 bytes) and its share of the site studies (one per 200 users, a Study and
// an AdminData block each, the block's header not pinning the reader's arrays). The
// persons in two AdminData (one in fifty of the tenth at study level) are merged into
// their encoding in the spill file (blockmerge.go), not held as model values (some
// 2 KiB a person: 77 bytes a user) nor keeping the spill file's text blocks they were
// decoded from (64 KiB each) through the builder's slabs.
func TestOpenClinicaStreamMemoryPerUser(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 50,000 generated users")
	}
	const small, large = 10000, 40000
	h1, n1 := liveAfterReadOC(t, small)
	h2, n2 := liveAfterReadOC(t, large)
	// A person in two AdminData is one user.
	if n1 != small || n2 != large {
		t.Fatalf("read %d and %d users, want %d and %d", n1, n2, small, large)
	}
	perUser := (float64(h2) - float64(h1)) / float64(n2-n1)
	t.Logf("heap in use after reading: %d users %d KiB, %d users %d KiB: %.1f bytes per user", n1, h1>>10, n2, h2>>10, perUser)
	if perUser > 40 {
		t.Errorf("heap grows by %.1f bytes per user read, want at most 40", perUser)
	}
}
