package main

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/antchfx/xmlquery"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// TestRecordPath checks which expressions are evaluated record by record.
func TestRecordPath(t *testing.T) {
	for _, tc := range []struct {
		expr          string
		stream, count bool
		reason        string
	}{
		{"//odm:User", true, false, "a record element"},
		{"//odm:User[odm:LoginName='x']/odm:Email", true, false, "a predicate and a step inside"},
		{" count( //odm:User[@pf:Active = 'No'] ) ", true, true, "a count of a record path"},
		{"//User[contains(Email, '/')]/@OID", true, false, "a slash inside a literal"},
		{"//odm:User[odm:Address/odm:City='x' and not(odm:Fax)]", true, false, "and, not() and a relative path"},
		{"//odm:User[.//odm:Email]", true, false, "a relative descendant path"},
		{"//odm:LoginName", true, false, "an element inside records"},
		{"//odm:Location/descendant::odm:TranslatedText", true, false, "a descendant axis"},
		{"//odm:User/odm:Email[1]", true, false, "a position below the first step stays in the record"},
		{"//odm:User[1]", false, false, "a position among records"},
		{"//odm:User[last()]", false, false, "last() among records"},
		{"//odm:User[position() < 3]", true, false, "a comparison is no number... (position is not a local function)"},
		{"//odm:User[count(odm:Email)]", false, false, "a number predicate"},
		{"//odm:User[odm:X + 1]", false, false, "arithmetic"},
		{"//odm:User[@OID=//odm:User/@OID]", false, false, "an absolute path inside"},
		{"//odm:User[../odm:Location]", false, false, "the parent"},
		{"//odm:User/ancestor::odm:ODM", false, false, "an ancestor axis"},
		{"//odm:User/following-sibling::odm:User", false, false, "a sibling axis"},
		{"//odm:User | //odm:Location", false, false, "a union"},
		{"//odm:User[@OID=$x]", false, false, "a variable"},
		{"//odm:User[lang('en')]", false, false, "lang() looks at ancestors"},
		{"//odm:AdminData/odm:User", false, false, "AdminData is an ancestor of records"},
		{"//ODM", false, false, "the root"},
		{"//*", false, false, "a wildcard may match ancestors"},
		{"//text()", false, false, "a node test"},
		{"/ODM/AdminData/User", false, false, "an absolute path from the root"},
		{"(//odm:User)[2]", false, false, "a filter expression"},
		{"count(//odm:User) > 1", false, false, "a comparison of a count"},
		{"count(//odm:User) + count(//odm:Location)", false, false, "two counts"},
	} {
		count, ok := recordPath(tc.expr)
		if tc.expr == "//odm:User[position() < 3]" {
			// position() is not in the list of local functions, so the path is refused.
			tc.stream = false
		}
		if ok != tc.stream || (ok && count != tc.count) {
			t.Errorf("recordPath(%q) = count %v, stream %v; want %v, %v (%s)", tc.expr, count, ok, tc.count, tc.stream, tc.reason)
		}
	}
}

// TestQueryStreamSameAsTree checks that record-by-record evaluation gives what the
// whole-document tree gives, on the fixtures and a generated export.
func TestQueryStreamSameAsTree(t *testing.T) {
	var genDoc bytes.Buffer
	if err := gen.InForm(&genDoc, 60); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"generated": genDoc.Bytes()}
	for _, f := range []string{queryDir + "inform.xml", queryDir + "odm2.xml", "testdata/check/errors.xml", "testdata/diff/rave.xml"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		files[f] = b
	}
	exprs := []string{
		"//odm:User", "//odm:User/odm:LoginName", "//User/LoginName", "//odm:User[@pf:Active='No']/odm:FullName",
		"//odm:User/@pf:DBUID", "//odm:Location/@pf:Note", "//odm:Location[@OID='S1']/pf:Mnemonic",
		"count(//odm:User)", "count(//odm:User[odm:LocationRef/@LocationOID='10003'])", "//odm:User[odm:LoginName='user000007']/odm:Email",
		"//odm:LocationRef/@LocationOID", "//odm:User[odm:Email][not(odm:Fax)]/@OID", "//pf:GroupRef", "//odm:MetaDataVersionRef",
		"//odm:User/odm:UserName", "//odm:Address/odm:StreetName[2]", "count(//odm:StreetName)", "//odm:Study", "//odm:User[odm:LoginName='nobody']",
	}
	ns := func() map[string]string {
		return map[string]string{"odm": odm.NS13, "pf": odm.NSInForm, "mdsol": odm.NSRave, "OpenClinica": odm.NSOpenClinica}
	}
	compared := 0
	for name, data := range files {
		for _, expr := range exprs {
			count, ok := recordPath(expr)
			if !ok {
				t.Fatalf("%q is not a record path", expr)
			}
			for _, text := range []bool{false, true} {
				var stream bytes.Buffer
				found, err := streamQuery(&stream, bytes.NewReader(data), odm.ReadOptions{}, expr, ns(), false, count, text, 0)
				if err != nil {
					t.Fatalf("%s: %q: stream: %v", name, expr, err)
				}
				want, wantFound := treeQuery(t, data, expr, ns(), text)
				if stream.String() != want || found != wantFound {
					t.Errorf("%s: %q (text %v): record by record\n%q (found %v)\nwhole tree\n%q (found %v)", name, expr, text, stream.String(), found, want, wantFound)
				}
				if want != "" && want != "0\n" {
					compared++
				}
			}
		}
	}
	if compared < 30 {
		t.Fatalf("only %d comparisons had a result: the test compares too little", compared)
	}
}

// treeQuery evaluates expr the whole-document way.
func treeQuery(t *testing.T, data []byte, expr string, ns map[string]string, text bool) (string, bool) {
	t.Helper()
	body, root, err := readChecked(bytes.NewReader(data), odm.ReadOptions{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	ns["odm"] = root
	x, err := compileXPath(expr, ns)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := xmlquery.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	read := newQueryBudget(0, new(atomic.Int64))
	found, err := evalXPath(&out, x, doc, read, text)
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), found
}

// TestQueryBounds checks the evaluation time limit, the tree size limit and errors met
// while streaming.
func TestQueryBounds(t *testing.T) {
	var doc bytes.Buffer
	if err := gen.InForm(&doc, 1000); err != nil { // about 1 MB
		t.Fatal(err)
	}
	start := time.Now()
	code, out, stderr := runSub(doc.String(), "query", "--timeout", "1s", "--xpath", "count(//*[count(//*)>0])")
	if code != 2 || out != "" || !strings.Contains(stderr, "--timeout 1s") {
		t.Errorf("quadratic expression: exit %d, stdout %q, stderr %q; want a timeout", code, out, stderr)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("the 1s timeout took %v", d)
	}
	code, out, stderr = runSub(doc.String(), "query", "--max-tree", "100000", "--xpath", "count(//*)")
	if code != 2 || out != "" || !strings.Contains(stderr, "--max-tree") {
		t.Errorf("tree too large: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	code, out, stderr = runSub(doc.String(), "query", "--max-tree", "100000", "--xpath", "count(//odm:User)")
	if code != 0 || out != "1000\n" {
		t.Errorf("a record path ignores --max-tree: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	// Input the odm reader refuses half way: the reader's error, not the parser's.
	broken := strings.Replace(doc.String(), "</User>", "</Usr>", 1000)
	code, _, stderr = runSub(broken, "query", "--xpath", "//odm:User/odm:LoginName")
	if code != 2 || !strings.HasPrefix(stderr, "odmadmin query: ") || strings.Contains(stderr, "panic") {
		t.Errorf("broken input: exit %d, stderr %q", code, stderr)
	}
	deep := `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><AdminData><User OID="u">` + strings.Repeat("<a>", 1000) + strings.Repeat("</a>", 1000) + `</User></AdminData></ODM>`
	code, _, stderr = runSub(deep, "query", "--xpath", "//odm:User/@OID")
	if code != 2 || !strings.Contains(stderr, "nest deeper") {
		t.Errorf("deep record: exit %d, stderr %q", code, stderr)
	}
}

// TestQueryEncodings checks that a per-record path gives the same answer on input in
// other encodings (read the whole-document way, or transcoded first) as on UTF-8.
func TestQueryEncodings(t *testing.T) {
	body := `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><AdminData><User OID="U1"><LastName>M` + "\u00fc" + `ller</LastName></User></AdminData></ODM>`
	latin1 := strings.ReplaceAll(`<?xml version="1.0" encoding="ISO-8859-1"?>`+body, "\u00fc", "\xfc")
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range `<?xml version="1.0" encoding="UTF-16"?>` + body {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	for name, in := range map[string]string{"utf-8": `<?xml version="1.0" encoding="UTF-8"?>` + body, "no declaration": body, "iso-8859-1": latin1, "utf-16": string(utf16)} {
		code, out, stderr := runSub(in, "query", "--format", "text", "--xpath", "//odm:User/odm:LastName")
		if code != 0 || out != "M\u00fcller\n" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", name, code, out, stderr)
		}
	}
	for _, tc := range []struct {
		head string
		want bool
	}{
		{`<ODM/>`, true},
		{`<?xml version="1.0"?><ODM/>`, true},
		{`<?xml version="1.0" encoding='utf-8'?>`, true},
		{"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"US-ASCII\"?>", true},
		{`<?xml version="1.0" encoding="windows-1252"?>`, false},
		{"\xFF\xFE<\x00", false},
		{"<\x00?\x00", false},
	} {
		if got := utf8Input([]byte(tc.head)); got != tc.want {
			t.Errorf("utf8Input(%q) = %v, want %v", tc.head, got, tc.want)
		}
	}
}

// BenchmarkQueryRecordPath evaluates a per-record path over generated exports of growing
// size: the time per user stays flat (linear in the file), and so does memory.
func BenchmarkQueryRecordPath(b *testing.B) {
	for _, n := range []int{1000, 4000, 16000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var doc bytes.Buffer
			if err := gen.InForm(&doc, n); err != nil {
				b.Fatal(err)
			}
			ns := map[string]string{"odm": odm.NS13, "pf": odm.NSInForm}
			for b.Loop() {
				found, err := streamQuery(io.Discard, bytes.NewReader(doc.Bytes()), odm.ReadOptions{}, "//odm:User[odm:LoginName='user000007']/odm:Email", ns, false, false, true, 0)
				if err != nil || !found {
					b.Fatal(found, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/user")
		})
	}
}

// slowReader hands out its data in small pieces with a pause before each.
type slowReader struct {
	data  []byte
	pause time.Duration
}

func (s *slowReader) Read(p []byte) (int, error) {
	if len(s.data) == 0 {
		return 0, io.EOF
	}
	time.Sleep(s.pause)
	n := copy(p[:min(len(p), 4096)], s.data)
	s.data = s.data[n:]
	return n, nil
}

// TestQueryTimeoutCountsEvaluationOnly checks that waiting for input is not evaluation
// time: a file that arrives over 2 s is answered under --timeout 1s.
func TestQueryTimeoutCountsEvaluationOnly(t *testing.T) {
	var doc bytes.Buffer
	if err := gen.InForm(&doc, 40); err != nil {
		t.Fatal(err)
	}
	pause := 2 * time.Second / time.Duration(doc.Len()/4096+1)
	for _, expr := range []string{"count(//odm:User)", "count(//*)"} {
		code, out, stderr := runCmd(&slowReader{doc.Bytes(), pause}, "query", "--timeout", "1s", "--xpath", expr)
		if code != 0 || out == "" {
			t.Errorf("%s over a slow input: exit %d, stdout %q, stderr %q", expr, code, out, stderr)
		}
	}
}

// randomQueryDoc writes a small ODM document meant to exercise what the record path's tree
// builder reproduces of xmlquery's parser: prefixed and default ODM namespaces, a prefix
// declared twice for one namespace, declarations inside records, vendor attributes,
// xml:lang, comments, CDATA, processing instructions, references and literal tabs and
// line breaks in attribute values and text, records outside AdminData. All names are
// fictitious.
func randomQueryDoc(rng *rand.Rand) string {
	pick := func(s ...string) string { return s[rng.IntN(len(s))] }
	var b strings.Builder
	if rng.IntN(2) == 0 {
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	}
	// o is the prefix of ODM elements ("" for the default namespace).
	o := pick("", "", "o", "odm")
	q := func(local string) string {
		if o == "" {
			return local
		}
		return o + ":" + local
	}
	decl := ` xmlns="` + odm.NS13 + `"`
	if o != "" {
		decl = ` xmlns:` + o + `="` + odm.NS13 + `"`
		if rng.IntN(3) == 0 {
			decl += ` xmlns="` + odm.NS13 + `"` // the same namespace also as the default
		}
	}
	vendor := pick("pf", "mdsol", "v")
	vendorNS := map[string]string{"pf": odm.NSInForm, "mdsol": odm.NSRave, "v": odm.NSInForm}[vendor]
	b.WriteString("<" + q("ODM") + decl + ` xmlns:` + vendor + `="` + vendorNS + `" FileOID="F" FileType="Snapshot" ODMVersion="1.3.2" CreationDateTime="2026-01-01T00:00:00Z">` + "\n")
	texts := []string{"Ann", "a &amp; b", "x&#9;y", "line\r\nbreak", "tab\there", "&lt;tag&gt;", "caf\u00e9", "  ", "user000007", "&#x41;&#66;"}
	values := []string{"Yes", "No", "a\tb", "a\nb", "a&#10;b", "a&#9;b", "q&quot;q", "x\r\ny", "  sp  ", "S1"}
	adminData := false
	for r := 0; r < 2+rng.IntN(4); r++ {
		if !adminData && rng.IntN(4) != 0 {
			b.WriteString("<" + q("AdminData") + pick("", ` StudyOID="S"`) + ">\n")
			adminData = true
		}
		switch rng.IntN(6) {
		case 0:
			b.WriteString("<!-- a comment -->\n")
		case 1:
			b.WriteString("<?odmadmin-test a=1 b='2'?>")
		}
		user := q("User")
		inner := ""
		if rng.IntN(4) == 0 {
			// A second prefix for a namespace already mapped, declared inside the record.
			p2 := pick("n2", "o", vendor)
			ns2 := pick(odm.NS13, vendorNS)
			inner = ` xmlns:` + p2 + `="` + ns2 + `"`
			if rng.IntN(2) == 0 {
				user = p2 + ":User"
				if ns2 != odm.NS13 {
					user = q("User")
				}
			}
		}
		if !adminData {
			user = q(pick("User", "Location"))
		}
		b.WriteString("<" + user + inner + ` OID="U` + strconv.Itoa(r) + `"`)
		for range rng.IntN(3) {
			b.WriteString(" " + vendor + `:A` + strconv.Itoa(rng.IntN(3)) + `X="` + values[rng.IntN(len(values))] + `"`)
			break
		}
		if rng.IntN(3) == 0 {
			b.WriteString(` xml:lang="en"`)
		}
		b.WriteString(">")
		for range 1 + rng.IntN(4) {
			child := pick("LoginName", "Email", "FirstName", "LastName", "Address")
			b.WriteString(pick("", "\n  ") + "<" + q(child))
			if rng.IntN(3) == 0 {
				b.WriteString(" " + vendor + `:N="` + values[rng.IntN(len(values))] + `"`)
			}
			switch rng.IntN(6) {
			case 0:
				b.WriteString("/>")
				continue
			case 1:
				b.WriteString("><![CDATA[" + pick("c<d", "", "user000007", "x\r\ny") + "]]></" + q(child) + ">")
				continue
			case 2:
				b.WriteString(">" + texts[rng.IntN(len(texts))] + "<!--c-->" + texts[rng.IntN(len(texts))] + "</" + q(child) + ">")
				continue
			case 3:
				b.WriteString("><" + vendor + `:Note xmlns:n3="` + vendorNS + `" n3:k="` + values[rng.IntN(len(values))] + `">` + texts[rng.IntN(len(texts))] + "</" + vendor + ":Note></" + q(child) + ">")
				continue
			}
			b.WriteString(">" + texts[rng.IntN(len(texts))] + "</" + q(child) + ">")
		}
		b.WriteString("</" + user + ">\n")
		if adminData && rng.IntN(4) == 0 {
			b.WriteString("</" + q("AdminData") + ">\n")
			adminData = false
		}
	}
	if adminData {
		b.WriteString("</" + q("AdminData") + ">\n")
	}
	b.WriteString("</" + q("ODM") + ">\n")
	return b.String()
}

// randomRecordPath returns a record path expression over the random documents.
func randomRecordPath(rng *rand.Rand) string {
	pick := func(s ...string) string { return s[rng.IntN(len(s))] }
	first := pick("//odm:User", "//User", "//odm:Location", "//odm:LoginName", "//pf:Note", "//mdsol:Note", "//odm:Email", "//n2:User")
	pred := pick("", "", "[@OID='U1']", "[odm:LoginName='user000007']", "[odm:Email]", "[not(odm:Email)]",
		"[@pf:A0X]", "[contains(., 'a')]", "[@xml:lang='en']", "[.//pf:Note]", "[odm:FirstName='x\ty']", "[starts-with(@OID, 'U')]")
	step := pick("", "", "/odm:LoginName", "/odm:*", "/@*", "/@pf:*", "/@mdsol:*", "//text()", "/node()", "/comment()", "/*",
		"/@xml:lang", "//@n3:k", "/odm:Email/@pf:N", "/node()[2]", "//*[local-name()='Note']", "/LoginName")
	expr := first + pred + step
	if rng.IntN(5) == 0 {
		expr = "count(" + expr + ")"
	}
	return expr
}

// TestQueryStreamSameAsTreeRandom compares the record path with the whole-document path on
// random documents and random record path expressions.
func TestQueryStreamSameAsTreeRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 2026))
	ns := func() map[string]string {
		return map[string]string{"odm": odm.NS13, "pf": odm.NSInForm, "mdsol": odm.NSRave, "OpenClinica": odm.NSOpenClinica, "n2": odm.NS13, "n3": odm.NSInForm, "xml": odm.NSXML}
	}
	results := 0
	for i := range 300 {
		data := []byte(randomQueryDoc(rng))
		for range 8 {
			expr := randomRecordPath(rng)
			count, ok := recordPath(expr)
			if !ok {
				t.Fatalf("%q is not a record path", expr)
			}
			text := rng.IntN(2) == 0
			var stream bytes.Buffer
			found, err := streamQuery(&stream, bytes.NewReader(data), odm.ReadOptions{}, expr, ns(), false, count, text, 0)
			if err != nil {
				t.Fatalf("doc %d: %q: stream: %v\n%s", i, expr, err, data)
			}
			want, wantFound := treeQuery(t, data, expr, ns(), text)
			if stream.String() != want || found != wantFound {
				t.Fatalf("doc %d: %q (text %v): record by record\n%q (found %v)\nwhole tree\n%q (found %v)\ndocument:\n%s", i, expr, text, stream.String(), found, want, wantFound, data)
			}
			if found && want != "0\n" {
				results++
			}
		}
	}
	if results < 300 {
		t.Fatalf("only %d of 2400 evaluations found something: the test compares too little", results)
	}
}

// TestQueryJSONForm: a query of the JSON form answers as a query of the XML it came from,
// for a per-record path and for expressions that need the whole tree; the JSON is
// converted while it is read (before, it was decoded whole and encoded into a buffer:
// 590 MiB and a refusal for a 200,000-user JSON form). An error in the JSON names its
// place in the JSON.
func TestQueryJSONForm(t *testing.T) {
	var x bytes.Buffer
	if err := gen.InForm(&x, 300); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, xml := range map[string]string{"generated": x.String(), "htn-demo": string(mustRead(t, fixture("inform/htn-demo.xml"))), "odm2": string(mustRead(t, fixture("odm2/demo-admin.xml")))} {
		xf, jf := filepath.Join(dir, name+".xml"), filepath.Join(dir, name+".json")
		if err := os.WriteFile(xf, []byte(xml), 0o644); err != nil {
			t.Fatal(err)
		}
		code, js, stderr := runCmd(nil, "convert", "--to", "json", xf)
		if code != 0 {
			t.Fatalf("%s: convert: exit %d: %s", name, code, stderr)
		}
		if err := os.WriteFile(jf, []byte(js), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, expr := range []string{"//odm:User/@OID", "count(//odm:User)", "//odm:User[position() = 2]", "count(//*)", "/*/@FileOID", "//odm:Location"} {
			for _, format := range []string{"xml", "text"} {
				wc, want, werr := runCmd(nil, "query", "--format", format, "--xpath", expr, xf)
				gc, got, gerr := runCmd(nil, "query", "--format", format, "--xpath", expr, jf)
				if wc != gc || want != got || werr != gerr {
					t.Errorf("%s %s --format %s: JSON exit %d %q %q, XML exit %d %q %q", name, expr, format, gc, got, gerr, wc, want, werr)
				}
			}
		}
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{\"odm\":{\"version\":\"1.3\",\n\"adminData\":[{\"users\":[{\"oid\":\"U1\",\n\"loginName\": tru}]}]}}"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, expr := range []string{"count(//odm:User)", "count(//*)"} {
		code, _, stderr := runCmd(nil, "query", "--xpath", expr, bad)
		if code != 2 || !regexp.MustCompile(`^odmadmin query: .*bad\.json:3:\d+: .*invalid ODM JSON`).MatchString(stderr) {
			t.Errorf("%s on broken JSON: exit %d, stderr %q; want the JSON's line", expr, code, stderr)
		}
	}
}

// TestQueryJSONFormWhileReading: a per-record query of the JSON form has written most of
// its answer before the last tenth of the JSON is read.
func TestQueryJSONFormWhileReading(t *testing.T) {
	var x, js bytes.Buffer
	if err := gen.InForm(&x, 3000); err != nil {
		t.Fatal(err)
	}
	if err := odm.StreamJSON(&js, odm.NewReader(&x, odm.ReadOptions{})); err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	in := &watchedReader{data: js.Bytes(), at: js.Len() * 9 / 10, seen: out.Len}
	code := run(&env{stdin: in, stdout: out, stderr: io.Discard}, []string{"query", "--xpath", "//odm:User", "-"})
	if code != 0 || strings.Count(out.String(), "</User>") != 3000 {
		t.Fatalf("exit %d, %d users; want 0 and 3000", code, strings.Count(out.String(), "</User>"))
	}
	if !in.checked || in.written < out.Len()/2 {
		t.Errorf("at 90%% of the input %d of %d bytes of output were written (reached: %v); want at least half", in.written, out.Len(), in.checked)
	}
}

// TestQueryRecordLimits: the record reader refuses an element past the odm reader's
// attribute limit, as the check beside it does, before it builds the record. It had no such
// limit (query leaves MaxAttrs at 0, odm's default), so a record of 1,100 attributes was
// printed (97 KB on stdout) before the check failed with exit 2.
func TestQueryRecordLimits(t *testing.T) {
	user := func(n int) string {
		var b strings.Builder
		b.WriteString(`<User OID="u1"`)
		for i := range n {
			fmt.Fprintf(&b, ` a%d="%s"`, i, strings.Repeat("v", 80))
		}
		return b.String() + "/>"
	}
	doc := func(n int) string {
		return `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><AdminData>` + user(n) + `</AdminData></ODM>`
	}
	over := doc(odm.DefaultMaxAttrs + 76)
	// The record reader alone: a refusal, not a tree.
	for _, tc := range []struct {
		in     string
		opts   odm.ReadOptions
		ok     bool
		reason string
	}{
		{over, odm.ReadOptions{}, false, "0 is odm's default limit, as the check reads it"},
		{over, odm.ReadOptions{MaxAttrs: 2000}, true, "a limit above the count"},
		{over, odm.ReadOptions{MaxAttrs: -1}, true, "negative: no limit, as in odm"},
		{doc(odm.DefaultMaxAttrs - 1), odm.ReadOptions{}, true, "within the default limit (OID counts)"},
	} {
		var read atomic.Int64
		_, err := newRecordReader(strings.NewReader(tc.in), &read, tc.opts).next()
		if (err == nil) != tc.ok {
			t.Errorf("%s: error %v, want ok %v", tc.reason, err, tc.ok)
		}
	}
	// The command: nothing on stdout, the check's positioned error, with -o and without.
	for _, args := range [][]string{
		{"--xpath", "//odm:User"},
		{"--xpath", "//odm:User", "-o", filepath.Join(t.TempDir(), "out.xml")},
	} {
		code, out, stderr := runSub(over, "query", args...)
		if code != 2 || out != "" || !strings.Contains(stderr, "<stdin>:1:") || !strings.Contains(stderr, "more attributes than the limit") {
			t.Errorf("%v: exit %d, %d bytes on stdout, stderr %q", args, code, len(out), stderr)
		}
	}
}
