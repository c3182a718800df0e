package main

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a goroutine of the command (progress, a
// reader) and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Len()
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestProgressOffUnlessTerminal(t *testing.T) {
	r := strings.NewReader("x")
	for _, e := range []*env{{tty: false}, {tty: true, quiet: true}} {
		if got := e.trackInput(r, nil); got != io.Reader(r) || e.prog != nil {
			t.Errorf("tty %v quiet %v: progress on", e.tty, e.quiet)
		}
	}
	// --quiet, and output to a terminal's stdout, switch it off through parseArgs.
	for _, tc := range []struct {
		args      []string
		stdoutTTY bool
		quiet     bool
	}{
		{[]string{"--quiet"}, false, true},
		{nil, true, true},
		{[]string{"-o", "out.json"}, true, false},
		{nil, false, false},
	} {
		e := &env{tty: true, stdoutTTY: tc.stdoutTTY, stdout: io.Discard, stderr: io.Discard}
		fs := newFlagSet(e, "convert", "", "")
		fs.outputFlags()
		if _, err := parseArgs(fs, tc.args); err != nil {
			t.Fatal(err)
		}
		if e.quiet != tc.quiet {
			t.Errorf("%q, stdout a terminal %v: quiet %v, want %v", tc.args, tc.stdoutTTY, e.quiet, tc.quiet)
		}
	}
}

// TestProgressLine: after the delay the line shows bytes of the total, users and a rate,
// and it is erased when the input has been read.
func TestProgressLine(t *testing.T) {
	var out syncBuffer
	p := &progress{w: &out, cmd: "map", start: time.Now(), every: 5 * time.Millisecond, done: make(chan struct{})}
	p.total = 0
	e := &env{tty: true, prog: p, stderr: &out}
	go p.loop()
	doc := "<ODM><AdminData>" + strings.Repeat("<User OID=\"U\"><LoginName>x</LoginName></User>\n", 1000) + "</AdminData></ODM>"
	r := e.trackInput(strings.NewReader(doc), nil)
	buf := make([]byte, 4096)
	n, _ := r.Read(buf)
	// The loop draws every 5 ms, but a loaded machine may not run it for a while: wait
	// for a line drawn after the first read, up to a deadline that only a hang reaches.
	want := "\rodmadmin map: read " + sizeString(int64(n))
	var mid string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if mid = out.String(); strings.Contains(mid, want) && strings.Contains(mid, " users, ") || time.Now().After(deadline) {
			break
		}
	}
	for {
		if _, err := r.Read(buf); err != nil {
			break
		}
	}
	final := out.String()
	if !strings.Contains(mid, want) || !strings.Contains(mid, " users, ") {
		t.Errorf("progress line while reading: %q", mid)
	}
	if !strings.HasSuffix(final, "\r\x1b[K") {
		t.Errorf("the line is not erased at the end: %q", final[max(0, len(final)-80):])
	}
	if got := p.records.Load(); got != 1000 {
		t.Errorf("counted %d users, want 1000", got)
	}
}
