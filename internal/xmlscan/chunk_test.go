package xmlscan

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// zeroReads is a reader that returns (0, nil), which io.Reader allows and discourages,
// before every other read of r, up to left times in all.
type zeroReads struct {
	r    io.Reader
	left int
	odd  bool
}

func (z *zeroReads) Read(p []byte) (int, error) {
	if z.odd = !z.odd; z.odd && z.left > 0 {
		z.left--
		return 0, nil
	}
	return z.r.Read(p)
}

// randomReads is a reader that returns reads of 1 to 17 bytes, their sizes drawn from a
// generator seeded with seed: the same sizes for the same seed, run after run.
type randomReads struct {
	r     io.Reader
	state uint64
}

func (o *randomReads) Read(p []byte) (int, error) {
	o.state = o.state*6364136223846793005 + 1442695040888963407
	if n := 1 + int(o.state>>59)%17; len(p) > n {
		p = p[:n]
	}
	return o.r.Read(p)
}

// chunkings are the ways a reader may hand the input to the scanner: whole; a byte at a
// time (every token read again with more input at every byte); half of each read;
// reads of random short sizes; the last bytes together with io.EOF; and reads of nothing
// in between. The scanner must give the same tokens and errors in every way.
var chunkings = []struct {
	name string
	wrap func(io.Reader) io.Reader
}{
	{"whole", func(r io.Reader) io.Reader { return r }},
	{"one byte", iotest.OneByteReader},
	{"half", iotest.HalfReader},
	{"random 1", func(r io.Reader) io.Reader { return &randomReads{r: r, state: 1} }},
	{"random 2", func(r io.Reader) io.Reader { return &randomReads{r: r, state: 2} }},
	{"data with EOF", iotest.DataErrReader},
	{"one byte, the last with EOF", func(r io.Reader) io.Reader { return iotest.DataErrReader(iotest.OneByteReader(r)) }},
	{"reads of nothing", func(r io.Reader) io.Reader { return &zeroReads{r: iotest.HalfReader(r), left: 5} }},
}

// chunkOptions are the limits FuzzChunking reads each input under: none, the ones odm
// sets in its fuzz targets, and limits a few bytes or tokens small, which the input
// meets in the middle of tokens and reads (the input limit in the middle of a read too).
var chunkOptions = []Options{
	{},
	{MaxDepth: 8, MaxTokenBytes: 256, MaxAttrs: 8},
	{MaxTokenBytes: 5},
	{MaxTokenBytes: 1},
	{MaxTokenBytes: 12, MaxDepth: 2, MaxAttrs: 1},
	{MaxDepth: 1, MaxAttrs: 2, MaxTokenBytes: 30},
	{MaxInputBytes: 20},
	{MaxInputBytes: 45, MaxTokenBytes: 6},
}

// checkChunking fails t where the scanner reads in differently in any of the chunkings
// than whole, under any of chunkOptions: the tokens with everything dumpWith renders,
// and the error (sentinel, message, line and column). dumpFused and dumpTaken (the
// fused calls as odm's decoder makes them) must give Next's tokens read whole: they read
// what Next reads, token for token, positions and errors included, also where a limit
// or the end of the buffer leaves a token to Next (a byte at a time the calls mostly
// find too little in the buffer). more are
// limits to read it under besides.
func checkChunking(t *testing.T, in string, more ...Options) {
	t.Helper()
	for _, opts := range append(chunkOptions[:len(chunkOptions):len(chunkOptions)], more...) {
		want, wantErr := dumpWith(strings.NewReader(in), opts, true)
		wantNext, wantNextErr := dump(in, opts)
		for _, c := range chunkings {
			got, err := dumpWith(c.wrap(strings.NewReader(in)), opts, true)
			if got != want || fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Errorf("%q, %+v, %s:\n%s%v\nwhole:\n%s%v", in, opts, c.name, got, err, want, wantErr)
				continue
			}
			for _, fused := range []struct {
				name string
				dump func(io.Reader, Options) (string, error)
			}{{"fused", dumpFused}, {"taken", dumpTaken}} {
				got, err := fused.dump(c.wrap(strings.NewReader(in)), opts)
				if got != wantNext || fmt.Sprint(err) != fmt.Sprint(wantNextErr) {
					t.Errorf("%q, %+v, %s, %s:\n%s%v\nNext, whole:\n%s%v", in, opts, c.name, fused.name, got, err, wantNext, wantNextErr)
				}
			}
		}
		var e *Error
		if wantErr != nil && !errors.As(wantErr, &e) {
			t.Errorf("%q, %+v: unpositioned error %v", in, opts, wantErr)
		}
	}
}

// chunkSeeds are the inputs of the package's test tables.
func chunkSeeds() []string {
	var in []string
	for _, c := range tokenTests {
		in = append(in, c.in)
	}
	for _, c := range errorTests {
		in = append(in, c.in)
	}
	for _, c := range errorPositionTests {
		in = append(in, c.in)
	}
	for _, c := range fusedCases {
		in = append(in, c.in)
	}
	return append(in,
		`<a xmlns="u" x="1&#10;2"><b/>t&amp;<![CDATA[c]]><!--c--><?p d?></a>`,
		`<!DOCTYPE a [<!-- > --><!ENTITY e "x">]><a/>`,
		`<?xml version="1.0"?><a><![CDATA[<&]]><!--c--><?p  d ?></a>`)
}

// inputOptions are limits taken from the first and last bytes of in, so that the fuzzer
// tries token limits from 2 to 31 bytes, input limits that cut the last 15 bytes
// anywhere and depth and attribute limits of a few, as it changes those bytes.
func inputOptions(in string) Options {
	if in == "" {
		return Options{}
	}
	first, last := in[0], in[len(in)-1]
	return Options{MaxTokenBytes: 2 + int(first%30), MaxInputBytes: int64(len(in)) - int64(last%16),
		MaxAttrs: 1 + int(first%3), MaxDepth: 1 + int(last%4)}
}

func FuzzChunking(f *testing.F) {
	for _, in := range chunkSeeds() {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > 1<<10 {
			// A byte at a time, a token is read again at every byte: a long one takes
			// long, and the limits and reads to meet are in short inputs as well.
			return
		}
		checkChunking(t, in, inputOptions(in))
	})
}

// TestChunkingCases: inputs on which the scanner gave different tokens or errors as the
// input arrived whole or in pieces (found by FuzzChunking and by reading the lexers);
// it must give the tokens and error below in every chunking. A token is decided on its
// first MaxTokenBytes+1 bytes, which a reading a byte at a time has when it stops at
// the limit; the input limit's error is at the first byte past it, where a token needs it.
func TestChunkingCases(t *testing.T) {
	const tooLarge = "token too large: a single token is larger than the limit"
	tests := []struct {
		name, reason, in string
		opts             Options
		want, err        string
	}{
		{"duplicate attribute past the limit", "the tag is too large before its attributes are compared: whole, it was the duplicate (found after the tag was read whole)",
			`<a x="" x=""/>`, Options{MaxTokenBytes: 5}, "", "line 1:1: " + tooLarge},
		{"too many attributes past the limit", "the attribute over MaxAttrs starts past the token limit: whole, the attribute limit's error at 1:10",
			`<a x="1" y="2"/>`, Options{MaxTokenBytes: 5, MaxAttrs: 1}, "", "line 1:1: " + tooLarge},
		{"bad reference past the limit", "the text is too large before its reference is read: whole, an undefined entity at 1:10",
			"<a>xxxxxx&bad;</a>", Options{MaxTokenBytes: 5}, "1:1 <{}:a>\n", "line 1:4: " + tooLarge},
		{"text of the limit ending in ]", "whether ]]> starts at the ] is told by the '<' after it: a byte at a time the scanner waited for a second byte past the '<' and stopped at the limit",
			"<a>xyz]</a>", Options{MaxTokenBytes: 4}, "1:1 <{}:a>\n1:4 3 \"xyz]\"\n1:8 </{}a empty=false>\n", ""},
		{"a tag over the limit cut by the end of input", "the limit, whether or not the reader has told the end yet: whole, the end of input in markup at 1:12",
			"<a><bcdefgh", Options{MaxTokenBytes: 5}, "1:1 <{}:a>\n", "line 1:4: " + tooLarge},
		{"text of the limit plus one byte before the root, at the end", "the text is over the limit, whether or not the reader has told the end with its last byte: whole, text before the root element",
			"abcdef", Options{MaxTokenBytes: 5}, "", "line 1:1: " + tooLarge},
		{"input limit inside a text", "the start tag within the limit is a token; the text needs the byte past the limit, where the error is: whole, the error came at 1:1 before any token, a byte at a time at 1:4",
			"<a>xy</a>", Options{MaxInputBytes: 5}, "1:1 <{}:a>\n", "line 1:6: input too large: the input is larger than the limit"},
	}
	for _, tt := range tests {
		for _, c := range chunkings {
			got, err := dumpWith(c.wrap(strings.NewReader(tt.in)), tt.opts, false)
			if got != tt.want || fmt.Sprint(err) != fmt.Sprint(errOrNil(tt.err)) {
				t.Errorf("%s, %s: %s:\ngot:\n%s%v\nwant:\n%s%s", tt.name, c.name, tt.reason, got, err, tt.want, tt.err)
			}
		}
	}
}

// errOrNil is an error of text msg, or nil for "".
func errOrNil(msg string) error {
	if msg == "" {
		return nil
	}
	return errors.New(msg)
}
