package main

import (
	"os"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

const queryDir = "testdata/query/"

// TestQuery checks results, formats and exit codes.
func TestQuery(t *testing.T) {
	inform, odm2, prefixed := queryDir+"inform.xml", queryDir+"odm2.xml", queryDir+"prefixed.xml"
	piCDATA := queryDir + "pi-cdata.xml"
	for _, tc := range []struct {
		args   []string
		want   string
		code   int
		reason string
	}{
		{[]string{"--format", "text", "--xpath", "//odm:User/odm:LoginName", inform}, "afict\nbsample\n", 0,
			"odm binds the document's ODM namespace"},
		{[]string{"--format", "text", "--xpath", "//User/LoginName", inform}, "afict\nbsample\n", 0,
			"unprefixed names match the default namespace"},
		{[]string{"--format", "text", "--xpath", "//odm:User/odm:UserName", odm2}, "afict\n", 0,
			"odm is ODM 2.0 in a 2.0 file"},
		{[]string{"--format", "text", "--xpath", "//odm:User[@pf:Active='No']/odm:FullName", inform}, "Bruno & Co Sample\n", 0,
			"pf binds InForm's namespace; text is unescaped"},
		{[]string{"--xpath", "//odm:User[@pf:Active='No']/odm:FullName", inform},
			`<FullName xmlns="http://www.cdisc.org/ns/odm/v1.3">Bruno &amp; Co Sample</FullName>` + "\n", 0,
			"XML output declares the namespace and escapes"},
		{[]string{"--xpath", "//odm:User/@pf:DBUID", inform}, "pf:DBUID=\"11\"\npf:DBUID=\"12\"\n", 0,
			"attributes print as name=\"value\""},
		{[]string{"--format", "text", "--xpath", "//odm:Location/@pf:Note", inform}, "line one\nline two\n", 0,
			"an attribute bound through another prefix (inf:) of the same namespace matches pf:"},
		{[]string{"--xpath", "//odm:Location[@OID='S1']/pf:Mnemonic", inform},
			`<inf:Mnemonic xmlns:inf="` + odm.NSInForm + `"><TranslatedText xmlns="` + odm.NS13 + `" xml:lang="en">01</TranslatedText></inf:Mnemonic>` + "\n", 0,
			"an element in an aliased prefix keeps a declared prefix; xml:lang needs no declaration"},
		{[]string{"--xpath", "//odm:Location[@OID='S1']/@pf:Note", inform}, "inf:Note=\"line one&#xA;line two\"\n", 0,
			"line breaks in attribute values are kept as character references"},
		{[]string{"--xpath", "count(//odm:User)", inform}, "2\n", 0, "a number"},
		{[]string{"--xpath", "count(//odm:*)", inform}, "14\n", 0,
			"a prefixed wildcard (//odm:*) matches every element of the namespace (it matched nothing before)"},
		{[]string{"--xpath", "//odm:User/@pf:*", inform}, "pf:Active=\"Yes\"\npf:DBUID=\"11\"\npf:Active=\"No\"\npf:DBUID=\"12\"\n", 0,
			"a prefixed attribute wildcard (@pf:*) matches every attribute of the namespace"},
		{[]string{"--xpath", "count(//@mdsol:*)", prefixed}, "2\n", 0,
			"//@mdsol:* matches Rave's attributes, also in a file whose elements carry a prefix"},
		{[]string{"--xpath", "count(//odm:User[@mdsol:*][1]/@mdsol:*[2])", prefixed}, "1\n", 0,
			"predicates after a prefixed wildcard keep XPath's meaning"},
		{[]string{"--xpath", "count(//*[local-name()='odm:*'])", inform}, "0\n", 0,
			"a wildcard inside a string literal is text, not a name test"},
		{[]string{"--xpath", "count(//User)", prefixed}, "0\n", 0,
			"an unprefixed name matches only elements written without a prefix, as documented"},
		{[]string{"--xpath", "count(//odm:User)", prefixed}, "1\n", 0,
			"the odm prefix finds users in a file whose root is prefixed"},
		{[]string{"--xpath", "count(//odm:User) > 1", inform}, "true\n", 0, "a boolean"},
		{[]string{"--xpath", "string(//odm:AdminData/@StudyOID)", inform}, "DEMO\n", 0, "a string"},
		{[]string{"--xpath", "//odm:User[odm:LoginName='nobody']", inform}, "", 1, "an empty node set"},
		{[]string{"--ns", "x=" + odm.NSInForm, "--format", "text", "--xpath", "//x:GroupRef/@GroupOID", inform}, "G1\n", 0,
			"--ns binds more prefixes"},
		{[]string{"--ns", "odm=" + odm.NS20, "--xpath", "//odm:User", inform}, "", 1, "--ns rebinds odm"},
		{[]string{"--xpath", "//odm:User[", inform}, "", 2, "a malformed expression"},
		{[]string{"--xpath", "//nope:User", inform}, "", 2, "an unbound prefix"},
		{[]string{"--xpath", "", inform}, "", 2, "no expression"},
		{[]string{inform}, "", 2, "no --xpath"},
		{[]string{"--ns", "broken", "--xpath", "/", inform}, "", 2, "a malformed --ns"},
		{[]string{"--format", "json", "--xpath", "/", inform}, "", 2, "an unknown format"},
		{[]string{"--max-depth", "-1", "--xpath", "/", inform}, "", 2, "the query command needs a depth limit"},
		{[]string{"--xpath", "/", queryDir + "missing.xml"}, "", 2, "a missing file"},
		{[]string{"--xpath", "/", inform, odm2}, "", 2, "two files"},
		{[]string{"--help"}, "", 0, "help"},
		// xmlquery hands processing instructions on as elements and CDATA text as no text.
		{[]string{"--format", "text", "--xpath", "name(/*)", piCDATA}, "ODM\n", 0, "a processing instruction before the root was /* (name(/*) was the PI's target)"},
		{[]string{"--xpath", "count(/*)", piCDATA}, "1\n", 0, "one root element"},
		{[]string{"--xpath", "count(/node())", piCDATA}, "2\n", 0, "the root's siblings the query sees: the comment and the root"},
		{[]string{"--xpath", "count(//odm:AdminData/*)", piCDATA}, "2\n", 0, "a processing instruction among elements is no element"},
		{[]string{"--xpath", "count(//processing-instruction())", piCDATA}, "", 2, "processing-instruction() is refused: it matched elements"},
		{[]string{"--format", "text", "--xpath", "string(//processing-instruction)", piCDATA}, "\n", 0, "an element named so is no node test"},
		{[]string{"--format", "text", "--xpath", "//odm:User[odm:FirstName/text()='Ada <Fictus>']/odm:LoginName", piCDATA}, "afict\n", 0,
			"text() of a CDATA section is its text (it was empty in comparisons)"},
		{[]string{"--format", "text", "--xpath", "count(//text()[contains(., 'Fictus')])", piCDATA}, "1\n", 0, "a CDATA text node has its text as its value"},
	} {
		code, out, stderr := runSub("", "query", tc.args...)
		if code != tc.code || (tc.args[0] != "--help" && out != tc.want) {
			t.Errorf("query %q (%s): exit %d, want %d\nstdout: %q\nwant:   %q\nstderr: %s", tc.args, tc.reason, code, tc.code, out, tc.want, stderr)
		}
		if code == 2 && (stderr == "" || strings.Contains(stderr, "panic")) {
			t.Errorf("query %q: error %q", tc.args, stderr)
		}
	}
}

// TestQueryLimits checks that inputs beyond the odm limits are refused before a tree is
// built (xmlquery has no depth limit and recurses), and that non-ODM input is refused.
func TestQueryLimits(t *testing.T) {
	deep := `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><Study OID="S">` + strings.Repeat("<a>", 100000) + strings.Repeat("</a>", 100000) + `</Study></ODM>`
	big := `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileOID="` + strings.Repeat("x", 2000) + `"/>`
	for _, tc := range []struct {
		args  []string
		stdin string
		msg   string
		why   string
	}{
		{[]string{"--xpath", "count(//*)"}, deep, "nest deeper", "100,000 levels of nesting"},
		{[]string{"--max-depth", "3", "--xpath", "count(//*)"}, `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><Study><a><b/></a></Study></ODM>`, "nest deeper", "--max-depth"},
		{[]string{"--max-token", "1000", "--xpath", "/"}, big, "token too large", "--max-token"},
		{[]string{"--max-input", "100", "--xpath", "/"}, big, "input too large", "--max-input"},
		{[]string{"--xpath", "/"}, `<html><body/></html>`, "not an ODM document", "other XML"},
		{[]string{"--xpath", "/"}, `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><User>`, "", "truncated input"},
		{[]string{"--xpath", "/"}, ``, "", "empty input"},
	} {
		code, out, stderr := runSub(tc.stdin, "query", tc.args...)
		if code != 2 || out != "" || !strings.Contains(stderr, tc.msg) || strings.Contains(stderr, "panic") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q (want %q)", tc.why, code, out, stderr, tc.msg)
		}
	}
	// Within the limits, the same shapes are fine.
	if code, out, stderr := runSub(`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><Study><a><b/></a></Study></ODM>`, "query", "--xpath", "count(//*)"); code != 0 || out != "4\n" {
		t.Errorf("shallow input: exit %d %q %s", code, out, stderr)
	}
}

// FuzzQueryExpr evaluates arbitrary expressions over a small document: the command must
// answer with an exit code, never panic.
func FuzzQueryExpr(f *testing.F) {
	doc, err := os.ReadFile(queryDir + "inform.xml")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"//odm:User", "count(//*)", "//odm:User[", "//@*", "/..", "sum(//odm:User/@pf:DBUID)",
		"//odm:User[position() = last()]/following::*", "substring('abc', 2)", "//*[local-name()='Location']/@*[1]",
		"boolean(/)", "1 div 0", "-(-(1))", "//text()", "//comment()", "//processing-instruction()", "(//a|//b)[2]",
		"concat(1,2,3)", "translate(//odm:FullName, 'a', 'b')", "//odm:User[@OID=//odm:User/@OID]", "$x", "foo()",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		code, _, stderr := runSub(string(doc), "query", "--xpath", expr, "--format", "xml")
		if code < 0 || code > 2 {
			t.Fatalf("exit %d for %q: %s", code, expr, stderr)
		}
		if code == 2 && !strings.HasPrefix(stderr, "odmadmin query: ") {
			t.Fatalf("unprefixed error for %q: %q", expr, stderr)
		}
	})
}

func TestExpandPrefixWildcards(t *testing.T) {
	ns := map[string]string{"odm": odm.NS13, "mdsol": odm.NSRave, "q": `a'b"c`}
	for _, tc := range []struct{ in, want, reason string }{
		{"//odm:*", "//*[namespace-uri()='" + odm.NS13 + "']", "an element wildcard"},
		{"//@mdsol:*", "//@*[namespace-uri()='" + odm.NSRave + "']", "an attribute wildcard"},
		{"//odm:User", "//odm:User", "a prefixed name is no wildcard"},
		{"child::*", "child::*", "an axis is no prefix"},
		{"$odm:*", "$odm:*", "a variable is no name test"},
		{"//x:*", "//x:*", "an unbound prefix is left for the compiler to report"},
		{`//*[.='odm:*' or .="mdsol:*"]`, `//*[.='odm:*' or .="mdsol:*"]`, "string literals are text"},
		{"//q:*", "//q:*", "a URI with both quotes cannot be an XPath literal"},
		{"count(//odm:*)*2", "count(//*[namespace-uri()='" + odm.NS13 + "'])*2", "multiplication stays"},
	} {
		if got := expandPrefixWildcards(tc.in, ns); got != tc.want {
			t.Errorf("%s: %q became %q, want %q", tc.reason, tc.in, got, tc.want)
		}
	}
}

// TestQueryRootWithoutNamespace: a file whose ODM root is in no namespace is read as ODM
// (with a warning, by the commands that list the reader's warnings), and odm is "the
// document's own ODM namespace": there, no namespace. //odm:User found nothing, and
// count(//odm:User) said 0 with exit status 0, in a file with users.
func TestQueryRootWithoutNamespace(t *testing.T) {
	doc := `<ODM ODMVersion="1.3" FileType="Snapshot" FileOID="f" CreationDateTime="2026-05-04T08:00:00">
<AdminData StudyOID="S"><User OID="u1"><LoginName>u1</LoginName></User><User OID="u2"><LoginName>u2</LoginName></User></AdminData>
<Study OID="S"/></ODM>`
	for _, tc := range []struct {
		expr, want string
	}{
		{"count(//odm:User)", "2\n"},                        // per record
		{"//odm:User/odm:LoginName", "u1\nu2\n"},            // per record
		{"count(/odm:ODM/odm:AdminData/odm:User)", "2\n"},   // whole tree
		{"/odm:ODM/odm:AdminData/odm:User[2]/@OID", "u2\n"}, // whole tree
		{"count(//odm:*)", "7\n"},                           // prefixed wildcard
		{"count(//User)", "2\n"},                            // unprefixed, as before
	} {
		code, out, stderr := runSub(doc, "query", "--format", "text", "--xpath", tc.expr)
		if code != 0 || out != tc.want {
			t.Errorf("query %q: exit %d, output %q, want 0, %q\n%s", tc.expr, code, out, tc.want, stderr)
		}
	}
	// --ns odm=URI still rebinds odm.
	if code, out, _ := runSub(doc, "query", "--ns", "odm="+odm.NS13, "--xpath", "count(//odm:User)"); code != 0 || out != "0\n" {
		t.Errorf("--ns odm=URI: exit %d, output %q, want 0 and 0", code, out)
	}
}
