package odm_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/internal/testenv"
	"github.com/odmadmin/odmadmin/odm"
)

// readerVerdict reads data with a Reader to its end, as a caller that only wants to know
// whether it reads would without Check: the root's namespace and the first error.
func readerVerdict(data []byte, opts odm.ReadOptions) (string, error) {
	rd := odm.NewReader(bytes.NewReader(data), opts)
	h, err := rd.Header()
	if err != nil {
		return "", err
	}
	for {
		if _, err := rd.Next(); err == io.EOF {
			return rootSpace(h), nil
		} else if err != nil {
			return rootSpace(h), err
		}
	}
}

func rootSpace(h *odm.Header) string {
	if h == nil || h.Root == nil {
		return ""
	}
	return h.Root.Space
}

// sameVerdict fails unless Check gives data the Reader's verdict under opts.
func sameVerdict(t *testing.T, what string, data []byte, opts odm.ReadOptions) error {
	t.Helper()
	wantNS, want := readerVerdict(data, opts)
	h, got := odm.Check(bytes.NewReader(data), opts)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s, %+v:\nReader: %v\nCheck:  %v", what, opts, want, got)
	}
	var wp, gp *odm.Error
	if errors.As(want, &wp) != errors.As(got, &gp) || wp != nil && (wp.Err != gp.Err || wp.Line != gp.Line || wp.Col != gp.Col) {
		t.Fatalf("%s: Reader's error %#v, Check's %#v", what, wp, gp)
	}
	if want == nil && rootSpace(h) != wantNS {
		t.Fatalf("%s: root namespace %q, Reader's %q", what, rootSpace(h), wantNS)
	}
	return got
}

const odm2Head = `<ODM xmlns="http://www.cdisc.org/ns/odm/v2.0" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00" ODMVersion="2.0">`

// checkCases are documents next to the error a Reader gives them, each to show that Check
// gives the same for the reason named: mostly where ReadOptions.MaxNodes counts and where
// it does not, which Check has to know without reading the records.
var checkCases = []struct {
	why      string
	doc      string
	maxNodes int
	strict   bool
	want     error // the sentinel the Reader's error wraps (nil: it reads)
}{
	{"a plain user reads",
		odmHead + `<AdminData><User OID="u"><LoginName>a</LoginName><Email>a@example.org</Email></User></AdminData></ODM>`, 0, false, nil},
	{"a user's children past MaxNodes",
		odmHead + `<AdminData><User OID="u"><LoginName>a</LoginName><FirstName>A</FirstName><LastName>B</LastName><Email>e</Email></User></AdminData></ODM>`, 3, false, odm.ErrTooManyNodes},
	{"white space between children is not counted: five tokens, two children",
		odmHead + "<AdminData><User OID=\"u\">\n  <LoginName>a</LoginName>\n  <FirstName>A</FirstName>\n</User></AdminData></ODM>", 3, false, nil},
	{"exactly MaxNodes children read, indentation before the end tag included",
		odmHead + "<AdminData><User OID=\"u\">\n  <LoginName>a</LoginName>\n  <FirstName>A</FirstName>\n</User></AdminData></ODM>", 2, false, nil},
	{"white space past MaxNodes children, then a child: the child fails",
		odmHead + "<AdminData><User OID=\"u\">\n  <LoginName>a</LoginName>\n  <FirstName>A</FirstName>\n  <LastName>B</LastName>\n</User></AdminData></ODM>", 2, false, odm.ErrTooManyNodes},
	{"a comment past MaxNodes children fails",
		odmHead + "<AdminData><User OID=\"u\"><LoginName>a</LoginName><FirstName>A</FirstName><!--c--></User></AdminData></ODM>", 2, false, odm.ErrTooManyNodes},
	{"non-blank text past MaxNodes children fails",
		odmHead + "<AdminData><User OID=\"u\"><LoginName>a</LoginName><FirstName>A</FirstName>x</User></AdminData></ODM>", 2, false, odm.ErrTooManyNodes},
	{"comments inside a user count",
		odmHead + `<AdminData><User OID="u"><LoginName>a</LoginName><!--1--><!--2--></User></AdminData></ODM>`, 2, false, odm.ErrTooManyNodes},
	{"a CDATA section counts even when blank",
		odmHead + `<AdminData><User OID="u"><![CDATA[ ]]><LoginName>a</LoginName></User></AdminData></ODM>`, 1, false, odm.ErrTooManyNodes},
	{"stray text in a user counts",
		odmHead + `<AdminData><User OID="u">x<LoginName>a</LoginName></User></AdminData></ODM>`, 1, false, odm.ErrTooManyNodes},
	{"pieces of a text child past MaxNodes",
		odmHead + `<AdminData><User OID="u"><LoginName>a<!--c-->b</LoginName></User></AdminData></ODM>`, 2, false, odm.ErrTooManyNodes},
	{"an element inside a text child is read raw, its content unlimited",
		odmHead + `<AdminData><User OID="u"><LoginName><x:e xmlns:x="urn:x"><a/><b/><c/><d/></x:e></LoginName></User></AdminData></ODM>`, 2, false, nil},
	{"a vendor element's children are not limited",
		odmHead + `<AdminData><User OID="u"><x:e xmlns:x="urn:x"><a/><b/><c/><d/></x:e></User></AdminData></ODM>`, 2, false, nil},
	{"a second single text child is raw, its content unlimited",
		odmHead + `<AdminData><User OID="u"><LoginName>a</LoginName><LoginName>a<!--1--><!--2--><!--3--></LoginName></User></AdminData></ODM>`, 2, false, nil},
	{"the first single text child is limited",
		odmHead + `<AdminData><User OID="u"><LoginName>a<!--1--><!--2--><!--3--></LoginName></User></AdminData></ODM>`, 2, false, odm.ErrTooManyNodes},
	{"an Address is typed, with a limit of its own",
		odmHead + `<AdminData><User OID="u"><Address><StreetName>1</StreetName><StreetName>2</StreetName><StreetName>3</StreetName><City>c</City></Address></User></AdminData></ODM>`, 3, false, odm.ErrTooManyNodes},
	{"each StreetName is a text child",
		odmHead + `<AdminData><User OID="u"><Address><StreetName>1</StreetName><StreetName>2<!--c--></StreetName></Address></User></AdminData></ODM>`, 1, false, odm.ErrTooManyNodes},
	{"a child in the ODM namespace with a prefix is typed",
		odmHead + `<AdminData><o:User xmlns:o="http://www.cdisc.org/ns/odm/v1.3" OID="u"><o:LoginName>a</o:LoginName><o:FirstName>A</o:FirstName></o:User></AdminData></ODM>`, 1, false, odm.ErrTooManyNodes},
	{"a User in another namespace is raw",
		odmHead + `<AdminData><x:User xmlns:x="urn:x"><a/><b/><c/></x:User></AdminData></ODM>`, 1, false, nil},
	{"an element the model lacks is raw",
		odmHead + `<AdminData><User OID="u"><Nickname><a/><b/><c/></Nickname></User></AdminData></ODM>`, 1, false, nil},
	{"Study is skipped without limits",
		odmHead + `<Study OID="S"><a/><b/><c/></Study><AdminData><User OID="u"/></AdminData></ODM>`, 1, false, nil},
	{"a vendor element directly in AdminData is raw",
		odmHead + `<AdminData><x:GroupDef xmlns:x="urn:x"><a/><b/><c/></x:GroupDef></AdminData></ODM>`, 1, false, nil},
	{"a Location's MetaDataVersionRefs count",
		odmHead + `<AdminData><Location OID="L" Name="n"><MetaDataVersionRef StudyOID="S" MetaDataVersionOID="M" EffectiveDate="2020-01-01"/><MetaDataVersionRef StudyOID="S" MetaDataVersionOID="N" EffectiveDate="2020-01-01"/></Location></AdminData></ODM>`, 1, false, odm.ErrTooManyNodes},
	{"a TranslatedText has text of its own: blank text counts there",
		odm2Head + `<AdminData><Organization OID="o" Name="n" Type="CRO"><Description><TranslatedText xml:lang="en"> <!--c--> </TranslatedText></Description></Organization></AdminData></ODM>`, 2, false, odm.ErrTooManyNodes},
	{"a second Description is raw",
		odm2Head + `<AdminData><Organization OID="o" Name="n" Type="CRO"><Description><TranslatedText>d</TranslatedText></Description><Description><TranslatedText>1</TranslatedText><TranslatedText>2</TranslatedText><TranslatedText>3</TranslatedText></Description></Organization></AdminData></ODM>`, 2, false, nil},
	{"the first Description is typed",
		odm2Head + `<AdminData><Organization OID="o" Name="n" Type="CRO"><Description><TranslatedText>1</TranslatedText><TranslatedText>2</TranslatedText><TranslatedText>3</TranslatedText></Description></Organization></AdminData></ODM>`, 2, false, odm.ErrTooManyNodes},
	{"an ODM 2.0 user with Telecoms",
		odm2Head + `<AdminData><User OID="u"><UserName>x</UserName><Telecom TelecomType="Email" Value="a@b.c"/><Telecom TelecomType="Phone" Value="1"/></User></AdminData></ODM>`, 2, false, odm.ErrTooManyNodes},
	{"a document cut inside a user",
		odmHead + `<AdminData><User OID="u"><LoginName>a</Login`, 0, false, odm.ErrTruncated},
	{"a root that is not ODM",
		`<Other xmlns="urn:x"/>`, 0, false, odm.ErrNotODM},
	{"a second root element",
		odmHead + `<AdminData/></ODM><ODM/>`, 0, false, odm.ErrSyntax},
	{"text after the root element",
		odmHead + `<AdminData/></ODM>x`, 0, false, odm.ErrSyntax},
	{"an unbound prefix inside a user",
		odmHead + `<AdminData><User OID="u"><q:x/></User></AdminData></ODM>`, 0, false, odm.ErrSyntax},
	{"Strict: a warning is an error, which only reading the records finds",
		odmHead + `<AdminData><User OID="u"><LoginName>a</LoginName><Fax></Fax></User></AdminData></ODM>`, 0, true, odm.ErrQuirk},
	{"not Strict: the same document reads",
		odmHead + `<AdminData><User OID="u"><LoginName>a</LoginName><Fax></Fax></User></AdminData></ODM>`, 0, false, nil},
	{"ISO-8859-1, transcoded before the scan",
		"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + strings.TrimPrefix(odmHead, `<?xml version="1.0" encoding="UTF-8"?>`+"\n") + "<AdminData><User OID=\"u\"><LastName>M\xfcller</LastName></User></AdminData></ODM>", 0, false, nil},
}

// TestCheckAsReader: Check gives each case, every fixture and sample, and each of them cut
// short at many places, the verdict of a Reader read to the end: the same error (text,
// sentinel, position) or none, and the same root namespace.
func TestCheckAsReader(t *testing.T) {
	for _, c := range checkCases {
		opts := odm.ReadOptions{Name: "in.xml", MaxNodes: c.maxNodes, Strict: c.strict}
		got := sameVerdict(t, c.why, []byte(c.doc), opts)
		// The case shows what it is named for: the error it is about, or none.
		if c.want == nil && got != nil || c.want != nil && !errors.Is(got, c.want) {
			t.Errorf("%s: %v, want %v", c.why, got, c.want)
		}
		// Cut short: the Reader and Check fail alike wherever the input ends.
		for n := 0; n < len(c.doc); n += 7 {
			sameVerdict(t, fmt.Sprintf("%s, cut at %d", c.why, n), []byte(c.doc[:n]), opts)
		}
	}
	files, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(), "testdata", "*", "*.xml"))
	if len(files) == 0 {
		t.Fatal("no fixtures found")
	}
	checkFilesAsReader(t, files)
}

// TestCheckAsReaderSamples is TestCheckAsReader's whole and cut files for the reference
// samples: real exports of several producers.
func TestCheckAsReaderSamples(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testenv.Shared(t, "reference/samples"), "*", "*.xml"))
	if len(files) == 0 {
		t.Fatal("no samples found")
	}
	checkFilesAsReader(t, files)
}

func checkFilesAsReader(t *testing.T, files []string) {
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, maxNodes := range []int{0, 2, 5} {
			opts := odm.ReadOptions{Name: filepath.Base(p), MaxNodes: maxNodes}
			sameVerdict(t, p, data, opts)
			step := max(len(data)/40, 1)
			for n := 0; n < len(data); n += step {
				sameVerdict(t, fmt.Sprintf("%s cut at %d", p, n), data[:n], opts)
			}
		}
	}
}

// TestCheckBuildsNoRecords: Check of a 500-user export allocates what the scan needs,
// not something per user as a Reader does (one record's memory each, with ReadOptions.Reuse
// still their strings).
func TestCheckBuildsNoRecords(t *testing.T) {
	var doc bytes.Buffer
	if err := gen.InForm(&doc, 500); err != nil {
		t.Fatal(err)
	}
	data := doc.Bytes()
	allocs := func(f func() error) float64 {
		return testing.AllocsPerRun(3, func() {
			if err := f(); err != nil {
				t.Fatal(err)
			}
		})
	}
	check := allocs(func() error { _, err := odm.Check(bytes.NewReader(data), odm.ReadOptions{}); return err })
	reader := allocs(func() error {
		_, err := readerVerdict(data, odm.ReadOptions{Reuse: true})
		return err
	})
	if check >= 100 || reader < 500 {
		t.Fatalf("allocations for 500 users: Check %.0f (want < 100), Reader with Reuse %.0f (want 500 or more)", check, reader)
	}
}

// FuzzCheckAsReader: for any input and a few limits, Check's verdict is the Reader's.
func FuzzCheckAsReader(f *testing.F) {
	for _, c := range checkCases {
		f.Add([]byte(c.doc), c.maxNodes, c.strict)
	}
	f.Fuzz(func(t *testing.T, data []byte, maxNodes int, strict bool) {
		opts := odm.ReadOptions{MaxNodes: maxNodes%8 - 1, Strict: strict, MaxTokenBytes: 1 << 16, MaxDepth: 64}
		sameVerdict(t, "fuzz input", data, opts)
	})
}
