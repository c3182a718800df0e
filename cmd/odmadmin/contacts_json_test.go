package main

import (
	"errors"
	"fmt"
	"io"
	"math/rand"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	inp "github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/validate"
)

// jsonContactCases are inputs of the JSON contacts reader, each with what it tries.
var jsonContactCases = []struct{ in, reason string }{
	{`[]`, "no records"},
	{"[\n  {\"subjectKey\": \"SS-1\", \"firstName\": \"Ada\"},\n  {\"subjectKey\": \"SS-2\"}\n]\n", "records on lines of their own: positions"},
	{`[{"subjectKey":"SS-1","secondaryId":"A","identifier":"A"}]`, "secondaryId and identifier agreeing"},
	{`[{"subjectKey":"SS-1","secondaryId":"A","identifier":"B"}]`, "secondaryId and identifier disagreeing"},
	{`[{"identifier":"B","secondaryId":"A","secondaryId":null}]`, "a name given null at last is not given: identifier alone"},
	{`[{"secondaryId":"","identifier":"B"}]`, "an empty value is given: it disagrees"},
	{`[{"subjectKey":"SS-1","subjectKey":null}]`, "null after a value takes it back"},
	{`[{"subjectKey":null,"subjectKey":"SS-2"}]`, "the last value wins"},
	{`[{"nickname":null}]`, "an unknown name given null is no error"},
	{`[{"nickname":"A","nickname":null}]`, "nor is one whose last value is null"},
	{`[{"zeta":"1","alpha":"2","subjectKey":"S"}]`, "of several unknown names, the first in sorted order"},
	{`[{"SubjectKey":"S"}]`, "names are case-sensitive"},
	{`[{"subjectKey":5}]`, "a number value"},
	{`[{"a":"x","b":true,"c":[1]}]`, "the first value that is no string, in document order"},
	{`[{"b":{"x":1},"subjectKey":"S"}]`, "an object value"},
	{`[{"b":[1,2,{"c":[]}],"zz":"1"}]`, "a type error wins over an unknown name"},
	{`[{"subjectKey":5,"x":}]`, "a syntax error later in the record wins over a type error"},
	{`[{"subjectKey":"a"},null]`, "null is no record"},
	{`[{"subjectKey":"a"},"SS-2"]`, "a string is no record"},
	{`[[{"subjectKey":"a"}]]`, "an array is no record"},
	{`[[1,]]`, "a syntax error inside an array element wins"},
	{`[true]`, "a boolean is no record"},
	{`[1,`, "a number element, then the end"},
	{`[{"subjectKey":"a"}`, "an unclosed array"},
	{`[{"subjectKey":"a"`, "an unclosed object"},
	{`[{"subjectKey":"a"},]`, "a trailing comma"},
	{`[{"subjectKey":"a"} {}]`, "a missing comma"},
	{`[{"subjectKey":"a"}] "ada@example.org"`, "a string after the array"},
	{`[{"subjectKey":"a"}] 12`, "a number after the array"},
	{`[{"subjectKey":"a"}] {}`, "an object after the array"},
	{`[] x`, "a character that starts no value after the array"},
	{`[] "ada@exam`, "a string cut short after the array"},
	{"[]\n\n  ", "white space after the array"},
	{`[{"firstName":"\u00e9\ud83d\ude00 \"q\" \\ \/"}]`, "escapes"},
	{`[{"firstName":"\ud800"}]`, "a lone surrogate becomes U+FFFD, as encoding/json makes it"},
	{`[{"firstName":"a\u0000b"}]`, "an escaped NUL"},
	{"[{\"firstName\":\"a\tb\"}]", "a raw tab in a string"},
	{`[{"subjectKey":"S","register":"y","fullDob":"2020-02-30","phoneNumber":"+1 2025550100"}]`, "fields the checks look at"},
	{`[ { } , { } ]`, "empty objects, spaced"},
	{`[{"a":1e999}]`, "a number past float64's range: the oracle quoted it"},
	{`[2` + strings.Repeat("0", 310) + `]`, "so is a record"},
	{`[{"a":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}]`, "nesting within encoding/json's limit"},
	{`[{"a":5,"b":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}]`, "nesting past it is a syntax error, before the type error"},
	{`[` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `]`, "an array record nested past it"},
	{`[{` + strings.Repeat(`"subjectKey":"a",`, 40) + `"subjectKey":null}]`, "many members of one name: null at last"},
	{`[{"a":"1","b":"2","c":"3","d":"4","e":"5","f":"6","g":"7","h":"8","i":"9","j":"10","k":"11","l":"12","m":"13","n":"14","o":"15","p":"16","q":"17","r":"18","s":"19","t":"20","u":"21","v":"22","w":"23","x":"24","y":"25","z":"26","A":"27","B":"28","C":"29","D":"30","E":"31","F":"32","G":"33","a":null,"b":null}]`,
		"more than 32 members: last values found through a map"},
}

// inputErrorRE splits an input error of either reader into its record and message:
// "in.json: record 3, byte 17: MSG" (oracle) or "in.json:1:17: record 3: MSG".
var inputErrorRE = regexp.MustCompile(`^in\.json(?::\d+:\d+:)?:?(?: record (\d+)[:,])?(?: byte \d+:)? (.*)$`)

// jsonContactsRun reads every record of in with read and renders what it returns: each
// record with its position, then the outcome. Errors are rendered as their record and
// message, without the position, whose form the two readers do not share (the oracle
// says a byte offset, the token reader a line and column).
func jsonContactsRun(in io.Reader, read func(io.Reader, string) (*contactSource, error)) (recs []string, outcome string, syntax bool) {
	src, err := read(in, "in.json")
	for err == nil {
		var c validate.Contact
		c, err = src.next()
		if err == nil {
			d := src.at()
			recs = append(recs, fmt.Sprintf("%d:%d %+v", d.Line, d.Col, c))
		}
	}
	if err == io.EOF {
		return recs, "EOF", false
	}
	msg := err.Error()
	var te *textError
	if errors.As(err, &te) {
		return recs, "text: " + msg, false
	}
	// "in.json: record 3, byte 17: MSG" (oracle) or "in.json:1:17: record 3: MSG".
	m := inputErrorRE.FindStringSubmatch(msg)
	if m == nil {
		return recs, "unparsed: " + msg, false
	}
	outcome = "record " + m[1] + ": " + m[2]
	// The oracle took a number for a float64 while it explained a refused value, and one
	// past float64's range gave encoding/json's "cannot unmarshal number 1e999 into Go
	// value of type float64", quoting the value (a person's data, perhaps); the token
	// reader says what it says of any number.
	if strings.HasPrefix(m[2], "json: cannot unmarshal number ") {
		return recs, "record " + m[1] + ": ... not a number", false
	}
	for _, semantic := range []string{"null instead", "a contact record must", "field ", "unknown contact field", "secondaryId and",
		"unexpected end of input", "unexpected a", "unexpected \"", "unexpected null"} {
		if strings.HasPrefix(m[2], semantic) {
			return recs, outcome, false
		}
	}
	// A syntax error: the two decoders word some differently ("expected comma after
	// array element" is encoding/json's stream layer, "invalid character '{' after array
	// element" its scanner's, which jsontext follows), so only the record is compared.
	return recs, "record " + m[1] + ": syntax error", true
}

// checkJSONContactsAsUnmarshal compares the token reader with the encoding/json oracle
// on in: the same records at the same positions, then the same outcome.
func checkJSONContactsAsUnmarshal(t *testing.T, in string) {
	t.Helper()
	if !strings.HasPrefix(strings.TrimLeft(in, " \t\r\n"), "[") {
		return // the sniffer sends only arrays to the reader
	}
	wantRecs, want, _ := jsonContactsRun(strings.NewReader(in), newJSONContactsStd)
	for _, r := range []io.Reader{strings.NewReader(in), iotest.OneByteReader(strings.NewReader(in))} {
		gotRecs, got, _ := jsonContactsRun(r, newJSONContacts)
		// The one deliberate difference: a value cut short after the closing bracket
		// (`] "ada@`) was "unexpected end of input; the array is not closed" to the
		// oracle, which the array is; it is named by its kind like any value there.
		if want == "record : unexpected end of input; the array is not closed" && strings.HasPrefix(got, "record : unexpected ") && strings.HasSuffix(got, " after the closing ]") {
			got = want
		}
		if strings.HasSuffix(want, ": ... not a number") && strings.HasSuffix(got, "not a number") && strings.HasPrefix(got, strings.TrimSuffix(want, "... not a number")) {
			got = want
		}
		// A byte that is not UTF-8 is refused by the reader under the decoder when it is
		// read: which comes first, that or an error (or a record) before it, depends on
		// how far each decoder has read ahead. Both must fail, agreeing on the records
		// both read.
		if (strings.HasPrefix(want, "text: ") || strings.HasPrefix(got, "text: ")) && want != "EOF" && got != "EOF" {
			n := min(len(gotRecs), len(wantRecs))
			gotRecs, wantRecs, got = gotRecs[:n], wantRecs[:n], want
		}
		if strings.Join(gotRecs, "\n") != strings.Join(wantRecs, "\n") || got != want {
			t.Fatalf("%q:\nencoding/json: %q\n  %s\njsontext:      %q\n  %s", in, wantRecs, want, gotRecs, got)
		}
	}
}

// TestJSONContactsAsUnmarshal: the token reader makes the records validate.Contact's
// UnmarshalJSON makes and refuses what it refuses, for the same reason, on the cases
// above and on mutations of them.
func TestJSONContactsAsUnmarshal(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, tc := range jsonContactCases {
		if tc.reason == "" {
			t.Fatalf("%q: a case needs a reason", tc.in)
		}
		checkJSONContactsAsUnmarshal(t, tc.in)
		for range 200 {
			d := []byte(tc.in)
			i := 1 + rng.Intn(len(d)-1) // the '[' stays
			switch rng.Intn(3) {
			case 0:
				d[i] = `{}[],:" n1tx\`[rng.Intn(13)]
			case 1:
				d = append(d[:i:i], d[i+1:]...)
			case 2:
				d = append(d[:i:i], append([]byte{`{}[],:"n1`[rng.Intn(9)]}, d[i:]...)...)
			}
			checkJSONContactsAsUnmarshal(t, string(d))
		}
	}
}

// FuzzJSONContactsAsUnmarshal is TestJSONContactsAsUnmarshal on any input.
func FuzzJSONContactsAsUnmarshal(f *testing.F) {
	for _, tc := range jsonContactCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkJSONContactsAsUnmarshal(t, in)
	})
}

// TestJSONContactsErrorPositions: an input error names the file, line and column of the
// spot (the offending character, the value of the wrong type, the record refused, the end
// of input), and the record when it is about one.
func TestJSONContactsErrorPositions(t *testing.T) {
	for _, tc := range []struct{ in, want, reason string }{
		{"[\n  {\"subjectKey\": \"SS-1\"},\n  {\"subjectKey\": }\n]", "in.json:3:18: record 1: invalid character '}' looking for beginning of value",
			"a syntax error at its character"},
		{"[\n  {\"subjectKey\": \"SS-1\",\n   \"postalCode\": 12345}\n]", "in.json:3:18: record 0: field \"postalCode\" must be a string or null, not a number",
			"a value of the wrong type where it starts"},
		{"[\n  {\"subjectKey\": \"SS-1\"},\n  null\n]", "in.json:3:3: record 1: null instead of a record object", "a refused record where it starts"},
		{"[\n  {\"emailAddress\": \"not-an-email\",\n   \"emailAddress\": \"ada@example.org\"}\n]", "in.json:3:4: record 0: field \"emailAddress\" given twice",
			"a name given twice, at its second key: the last value passed validation for the first"},
		{"[{" + strings.Repeat(`"k":"1",`, 1) + manyKeys(40) + `"k":"2"}]`, "in.json:1:" + strconv.Itoa(len(`[{"k":"1",`+manyKeys(40))+1) + ": record 0: field \"k\" given twice",
			"a name given twice among many"},
		{"[\n  {\"nickname\": \"A\"}]", "in.json:2:3: record 0: unknown contact field \"nickname\"", "an unknown name: the record"},
		{"[\n  {\"subjectKey\": \"SS-1\"}", "in.json:2:25: unexpected end of input; the array is not closed", "the end of input"},
		{"[\n  {\"subjectKey\": \"SS-1", "in.json:2:23: record 0: unexpected end of input; the array is not closed", "the end of input, inside a string"},
		{"[{\"a\":[1,tru}]}]", "in.json:1:13: record 0: invalid character '}' in literal true (expecting 'e')", "a literal at its bad byte"},
		{"[\n  {\"subjectKey\": \"SS-1\"}\n] \"ada@example.org\"", "in.json:3:3: unexpected a string after the closing ]", "data after the array, by kind"},
	} {
		_, err := jsonContactsAll(strings.NewReader(tc.in))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: %q: got %v, want %s", tc.reason, tc.in, err, tc.want)
		}
	}
}

// jsonContactsAll reads every record of in with the token reader.
func jsonContactsAll(in io.Reader) ([]validate.Contact, error) {
	src, err := newJSONContacts(in, "in.json")
	if err != nil {
		return nil, err
	}
	var out []validate.Contact
	for {
		c, err := src.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, c)
	}
}

// TestJSONContactsLimitWrapped: the record limit's error wraps input.ErrLimit through the
// positioned error (the oracle's formatting dropped it).
func TestJSONContactsLimitWrapped(t *testing.T) {
	r := &hugeRecordReader{head: `[{"subjectKey":"SS-1"},{"subjectKey":"`, fill: 'a', n: 16 << 20, tailAfter: `"}]`}
	_, err := jsonContactsAll(r)
	if !errors.Is(err, inp.ErrLimit) || !strings.HasPrefix(err.Error(), "in.json:1:") {
		t.Fatalf("got %v; want a positioned error wrapping input.ErrLimit", err)
	}
}

// TestJSONContactsPositions: every record is placed at its opening brace however the
// input arrives. The encoding/json reader looked for the brace in what its decoder had
// buffered, so a record whose comma ended a read was placed at column 1 (2 records of a
// million-record file; every record but the first when the input came a byte at a time).
func TestJSONContactsPositions(t *testing.T) {
	const n = 2000
	in := jsonContactArray(n)
	for name, r := range map[string]io.Reader{
		"whole":      strings.NewReader(in),
		"byte":       iotest.OneByteReader(strings.NewReader(in)),
		"half":       iotest.HalfReader(strings.NewReader(in)),
		"data+error": iotest.DataErrReader(strings.NewReader(in)),
	} {
		src, err := newJSONContacts(r, "in.json")
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; ; i++ {
			c, err := src.next()
			if err == io.EOF {
				if i != n {
					t.Fatalf("%s: %d records, want %d", name, i, n)
				}
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if d := src.at(); d.Line != i+2 || d.Col != 3 || c.SubjectKey != fmt.Sprintf("SS-%d", i) {
				t.Fatalf("%s: record %d (%s) at %d:%d, want %d:3", name, i, c.SubjectKey, d.Line, d.Col, i+2)
			}
		}
	}
}

// BenchmarkJSONContacts reads 10,000 generated records with the token reader and with the
// encoding/json reader it replaced, for the ratio of the two in one run.
func BenchmarkJSONContacts(b *testing.B) {
	const n = 10000
	in := jsonContactArray(n)
	for _, r := range []struct {
		name string
		read func(io.Reader, string) (*contactSource, error)
	}{{"tokens", newJSONContacts}, {"encoding-json", newJSONContactsStd}} {
		b.Run(r.name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				src, err := r.read(strings.NewReader(in), "in.json")
				if err != nil {
					b.Fatal(err)
				}
				k := 0
				for {
					_, err := src.next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					k++
				}
				if k != n {
					b.Fatalf("%d records", k)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/record")
		})
	}
}

// jsonContactArray is a JSON array of n records of fictitious people, one a line, each
// indented by two spaces: record i is SS-i, on line i+2 at column 3.
func jsonContactArray(n int) string {
	var b strings.Builder
	b.WriteString("[\n")
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `  {"subjectKey": "SS-%d", "firstName": "Ada", "lastName": "Example", "emailAddress": "ada%d@example.org", "phoneNumber": "+1 2025550%03d", "register": "n"}`, i, i, i%1000)
	}
	b.WriteString("\n]\n")
	return b.String()
}

// manyKeys is n members "k0": "" ... of a JSON object, each followed by a comma.
func manyKeys(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `"k%d":"",`, i)
	}
	return b.String()
}
