package validate

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// spillFindings is how many findings a check of unbounded findings (MaxFindings < 0) that
// gives them to a function ([CheckAdminDataInputsFunc]) holds before it sorts them and
// writes them to a temporary file as one sorted run; the runs are merged when the file's
// findings are given out. A finding on every one of a million users so costs a few MB, not
// the 600 bytes or so each finding takes in memory.
const spillFindings = 1 << 16

// findingRuns is the temporary file of a checker's sorted runs of findings.
type findingRuns struct {
	f    *os.File
	w    *bufio.Writer
	ends []int64 // where each run ends; the first starts at 0
	size int64
	buf  []byte
	err  error
}

// spill sorts the findings held and writes them as a run.
func (c *adminChecker) spill() {
	if len(c.out) == 0 {
		return
	}
	r := c.runs
	if r == nil {
		f, err := os.CreateTemp("", "odmadmin-findings-*")
		if err != nil {
			// No temporary file: the findings stay in memory, as without a function.
			c.spillOK = false
			return
		}
		r = &findingRuns{f: f, w: bufio.NewWriterSize(f, 64<<10)}
		c.runs = r
	}
	c.sortOut()
	for i := range c.out {
		r.put(&c.out[i])
	}
	r.ends = append(r.ends, r.size)
	clear(c.out) // the strings
	c.out = c.out[:0]
	if r.err != nil && c.spillErr == nil {
		c.spillErr = r.err
	}
}

func (r *findingRuns) put(f *keyedFinding) {
	b := r.buf[:0]
	for _, s := range [...]string{string(f.Severity), string(f.Code), f.Field, f.Message, f.Value, f.Suggestion} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, n := range [...]int{f.Line, f.Column, f.Count, f.phase, f.seq} {
		b = binary.AppendVarint(b, int64(n))
	}
	r.buf = b
	n, err := r.w.Write(b)
	r.size += int64(n)
	if err != nil && r.err == nil {
		r.err = err
	}
}

// close removes the file.
func (r *findingRuns) close() {
	if r != nil {
		r.f.Close()
		os.Remove(r.f.Name())
	}
}

// runReader reads one run back.
type runReader struct {
	r   *bufio.Reader
	cur keyedFinding
}

func (rr *runReader) next() (bool, error) {
	var s [6]string
	for i := range s {
		n, err := binary.ReadUvarint(rr.r)
		if err == io.EOF && i == 0 {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(rr.r, b); err != nil {
			return false, err
		}
		s[i] = string(b)
	}
	var n [5]int
	for i := range n {
		v, err := binary.ReadVarint(rr.r)
		if err != nil {
			return false, err
		}
		n[i] = int(v)
	}
	rr.cur = keyedFinding{Finding{Severity: Severity(s[0]), Code: Code(s[1]), Field: s[2], Message: s[3], Value: s[4], Suggestion: s[5],
		Line: n[0], Column: n[1], Count: n[2]}, n[3], n[4]}
	return true, nil
}

// runHeap orders the runs by their current finding, as sortOut orders findings.
type runHeap []*runReader

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return findingOrder(&h[i].cur, &h[j].cur) < 0 }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.(*runReader)) }
func (h *runHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// emitRuns gives emit the findings of every run in order (the findings still held are
// written as the last run first) and removes the file.
func (c *adminChecker) emitRuns(emit func(Finding) error) error {
	c.spill()
	r := c.runs
	c.runs = nil
	defer r.close()
	if r == nil { // the temporary file could not be made: all are held
		for _, f := range c.result() {
			if err := emit(f); err != nil {
				return err
			}
		}
		return nil
	}
	if c.spillErr != nil {
		return fmt.Errorf("validate: writing findings to a temporary file: %w", c.spillErr)
	}
	if err := r.w.Flush(); err != nil {
		return fmt.Errorf("validate: writing findings to a temporary file: %w", err)
	}
	h := make(runHeap, 0, len(r.ends))
	var start int64
	for _, end := range r.ends {
		rr := &runReader{r: bufio.NewReaderSize(io.NewSectionReader(r.f, start, end-start), 16<<10)}
		start = end
		ok, err := rr.next()
		if err != nil {
			return errors.Join(errors.New("validate: reading findings back"), err)
		}
		if ok {
			h = append(h, rr)
		}
	}
	heap.Init(&h)
	for len(h) > 0 {
		rr := h[0]
		if err := emit(rr.cur.Finding); err != nil {
			return err
		}
		ok, err := rr.next()
		if err != nil {
			return errors.Join(errors.New("validate: reading findings back"), err)
		}
		if ok {
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
	}
	return nil
}
