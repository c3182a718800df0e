package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// progressDelay is how long a command runs before it shows progress: short work shows
// nothing, so that a fast command's terminal output stays clean.
const progressDelay = 2 * time.Second

// progress shows, on a terminal's stderr, how much of the input a long command has read:
// bytes of the total, records (users or rows) and records per second. It is one line,
// redrawn in place and erased when the reading ends, and it is off when stderr is not a
// terminal (a pipe, a file, a test) and with --quiet.
type progress struct {
	w     io.Writer
	cmd   string
	start time.Time
	delay time.Duration
	every time.Duration

	read    atomic.Int64
	records atomic.Int64
	xml     atomic.Int32 // 1 XML (count <User), 2 text (count lines), 0 not known yet

	mu     sync.Mutex
	files  []*os.File // inputs that are files: their offsets count too (a command may read one directly, or twice)
	total  int64      // sum of the known input sizes; -1 when one is unknown (stdin)
	open   int        // inputs not yet at their end
	shown  bool
	done   chan struct{}
	closed bool
}

// trackInput wraps an opened input so that its reading counts towards the progress line,
// when progress is wanted at all (stderr a terminal, no --quiet). size is the file's size,
// or -1 when not known.
func (e *env) trackInput(r io.Reader, f *os.File) io.Reader {
	if !e.tty || e.quiet {
		return r
	}
	if e.prog == nil {
		e.prog = &progress{w: e.stderr, cmd: e.cmd, start: time.Now(), delay: progressDelay, every: 250 * time.Millisecond, done: make(chan struct{})}
		go e.prog.loop()
	}
	p := e.prog
	size := int64(-1)
	p.mu.Lock()
	if f != nil {
		size = fileSize(f)
		p.files = append(p.files, f)
	}
	p.open++
	if size < 0 || p.total < 0 {
		p.total = -1
	} else {
		p.total += size
	}
	p.mu.Unlock()
	return &progressReader{r: r, p: p}
}

// stopProgress erases the progress line; run calls it when the command returns.
func (e *env) stopProgress() {
	if e.prog != nil {
		e.prog.stop()
	}
}

type progressReader struct {
	r    io.Reader
	p    *progress
	tail []byte // the end of the previous read, so that a marker split across reads counts
	eof  bool
}

var userMarker = []byte("User")

func (pr *progressReader) Read(b []byte) (int, error) {
	n, err := pr.r.Read(b)
	if n > 0 {
		pr.p.count(b[:n])
		if pr.p.xml.Load() == 1 {
			// A start tag split between two reads: look at the bytes around the seam.
			seam := append(pr.tail, b[:min(n, 5)]...)
			pr.p.records.Add(countUsers(seam, len(pr.tail)))
			pr.tail = append(pr.tail[:0], b[max(0, n-5):n]...)
		}
	}
	if err != nil && !pr.eof {
		pr.eof = true
		pr.p.inputDone()
	}
	return n, err
}

// count adds a chunk: its bytes, and its records. XML records are User elements ("<User"
// or "<prefix:User" followed by white space, "/" or ">"); other input counts lines. A
// marker split between two reads is missed: the count is a progress figure, not a result.
func (p *progress) count(b []byte) {
	p.read.Add(int64(len(b)))
	if p.xml.Load() == 0 {
		if t := bytes.TrimLeft(b, " \t\r\n\xef\xbb\xbf"); len(t) > 0 {
			if t[0] == '<' {
				p.xml.Store(1)
			} else {
				p.xml.Store(2)
			}
		}
	}
	if p.xml.Load() == 2 {
		p.records.Add(int64(bytes.Count(b, []byte{'\n'})))
		return
	}
	p.records.Add(countUsers(b, len(b)))
}

// countUsers counts User start tags in b whose name starts at or before last (so that a
// seam's count includes only tags that cross it).
func countUsers(b []byte, last int) int64 {
	n := int64(0)
	for i := 0; ; {
		j := bytes.Index(b[i:], userMarker)
		if j < 0 || i+j > last {
			break
		}
		k := i + j
		if k > 0 && (b[k-1] == '<' || b[k-1] == ':') && k+4 < len(b) {
			if c := b[k+4]; c == ' ' || c == '>' || c == '/' || c == '\n' || c == '\t' || c == '\r' {
				// "</User>" has '/' before the name, so only start tags count.
				n++
			}
		}
		i = k + 4
	}
	return n
}

func (p *progress) inputDone() {
	p.mu.Lock()
	p.open--
	last := p.open <= 0
	p.mu.Unlock()
	if last {
		p.stop()
	}
}

func (p *progress) loop() {
	select {
	case <-p.done:
		return
	case <-time.After(p.delay):
	}
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		p.draw()
		select {
		case <-p.done:
			return
		case <-t.C:
		}
	}
}

func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	counted := p.read.Load()
	read := counted
	if len(p.files) > 0 {
		// The files' offsets: a command that reads a file directly, or a second time,
		// bypasses the counting reader.
		var pos int64
		for _, f := range p.files {
			if off, err := f.Seek(0, io.SeekCurrent); err == nil {
				pos += off
			}
		}
		read = max(read, pos)
	}
	secs := time.Since(p.start).Seconds()
	line := "odmadmin " + p.cmd + ": read " + sizeString(read)
	if p.total > 0 && read >= p.total {
		// Read to the end; the rest (writing the output) has no measure of its own.
		fmt.Fprintf(p.w, "\r%s (all), working for %s\x1b[K", line, time.Since(p.start).Round(time.Second))
		p.shown = true
		return
	}
	if p.total > 0 {
		line += fmt.Sprintf(" of %s (%d%%)", sizeString(p.total), min(100, read*100/p.total))
	}
	unit := "users"
	if p.xml.Load() == 2 {
		unit = "lines"
	}
	if recs := p.records.Load(); recs > 0 && secs > 0 && counted >= read {
		line += fmt.Sprintf(", %d %s, %.0f %s/s", recs, unit, float64(recs)/secs, unit)
	} else if secs > 0 {
		line += ", " + sizeString(int64(float64(read)/secs)) + "/s"
	}
	fmt.Fprint(p.w, "\r"+line+"\x1b[K")
	p.shown = true
}

func (p *progress) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	close(p.done)
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K") // erase the line, so that what follows starts clean
	}
}

// sizeString writes a byte count in decimal units, as file managers show sizes.
func sizeString(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

// fileSize returns the size of a regular file, or -1.
func fileSize(f *os.File) int64 {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return -1
	}
	return fi.Size()
}
