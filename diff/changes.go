package diff

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
)

// Changes is a list of changes in a temporary file (CompareSidesFile), read back in order
// with All as often as needed. Each change is its seven strings, each a uvarint length
// and its bytes.
type Changes struct {
	f      *os.File
	w      *bufio.Writer
	remove string // the file to remove on close ("" when already removed)
	n      int
	enc    []byte
	err    error
}

// errChangesFile wraps an I/O error of the temporary file.
var errChangesFile = errors.New("diff: temporary file")

func newChanges() (*Changes, error) {
	f, err := os.CreateTemp("", "odmadmin-changes-*")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errChangesFile, err)
	}
	l := &Changes{f: f, w: bufio.NewWriterSize(f, 64<<10)}
	if os.Remove(f.Name()) != nil {
		l.remove = f.Name()
	}
	return l, nil
}

func (l *Changes) add(ch Change) error {
	b := l.enc[:0]
	for _, s := range [...]string{string(ch.Event), ch.User, ch.Target, ch.ValueType, ch.Old, ch.New, ch.Rule} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	l.enc = b
	if _, err := l.w.Write(b); err != nil {
		return fmt.Errorf("%w: %v", errChangesFile, err)
	}
	l.n++
	return nil
}

func (l *Changes) flush() error {
	if err := l.w.Flush(); err != nil {
		return fmt.Errorf("%w: %v", errChangesFile, err)
	}
	return nil
}

// Len returns the number of changes.
func (l *Changes) Len() int {
	if l == nil {
		return 0
	}
	return l.n
}

// All yields the changes in order. An I/O error of the file ends the sequence early;
// Err returns it.
func (l *Changes) All() iter.Seq[Change] {
	return func(yield func(Change) bool) {
		if l == nil || l.n == 0 || l.err != nil {
			return
		}
		r := bufio.NewReaderSize(io.NewSectionReader(l.f, 0, 1<<62), 64<<10)
		var buf []byte
		str := func() string {
			n, err := binary.ReadUvarint(r)
			if err == nil {
				if cap(buf) < int(n) {
					buf = make([]byte, n)
				}
				_, err = io.ReadFull(r, buf[:n])
			}
			if err != nil && l.err == nil {
				l.err = fmt.Errorf("%w: %v", errChangesFile, err)
			}
			if l.err != nil {
				return ""
			}
			return string(buf[:n])
		}
		for range l.n {
			ch := Change{Event: Event(str()), User: str(), Target: str(), ValueType: str(), Old: str(), New: str(), Rule: str()}
			if l.err != nil || !yield(ch) {
				return
			}
		}
	}
}

// Err returns the first I/O error All met.
func (l *Changes) Err() error {
	if l == nil {
		return nil
	}
	return l.err
}

// Close removes the file.
func (l *Changes) Close() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Close()
	if l.remove != "" {
		os.Remove(l.remove)
	}
	l.f = nil
	return l.err
}
