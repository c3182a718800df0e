package plan

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"
)

// recFile is a temporary file of records, each preceded by its length (a uvarint): the
// upload's rows past what Rows holds, and the existing users Kept compares with them.
// what names its content in errors.
type recFile struct {
	f      *os.File
	w      *bufio.Writer
	what   string
	remove string // the file's name, where it could not be removed while open
	size   int64
	n      int // records
	err    error
}

// newRecFile makes the file; an error making it is the file's (err), for write to
// skip and each and close to return.
func newRecFile(what string) *recFile {
	rf := &recFile{what: what}
	f, err := os.CreateTemp("", "odmadmin-plan-*")
	if err != nil {
		rf.err = fmt.Errorf("plan: a temporary file for %s: %w", what, err)
		return rf
	}
	rf.f, rf.w = f, bufio.NewWriterSize(f, 64<<10)
	// Removed now where the system allows it, so that nothing is left behind however the
	// process ends.
	if os.Remove(f.Name()) != nil {
		rf.remove = f.Name()
	}
	return rf
}

func (rf *recFile) write(rec []byte) {
	if rf.err != nil {
		return
	}
	// The length a byte at a time: an array written with Write would escape, an
	// allocation a record.
	l := 0
	for v := uint64(len(rec)); ; v >>= 7 {
		l++
		if v < 0x80 {
			rf.w.WriteByte(byte(v))
			break
		}
		rf.w.WriteByte(byte(v) | 0x80)
	}
	if _, err := rf.w.Write(rec); err != nil {
		rf.err = fmt.Errorf("plan: writing %s to a temporary file: %w", rf.what, err)
	}
	rf.size += int64(l + len(rec))
	rf.n++
}

// each calls f with each record written, in order, until f returns false. Each call
// reads the file from its start on its own, so that passes may nest. The string is valid
// during the call only.
func (rf *recFile) each(f func(string) bool) error {
	if rf.err != nil {
		return rf.err
	}
	if err := rf.w.Flush(); err != nil {
		rf.err = fmt.Errorf("plan: writing %s to a temporary file: %w", rf.what, err)
		return rf.err
	}
	br := bufio.NewReaderSize(io.NewSectionReader(rf.f, 0, rf.size), 64<<10)
	var buf []byte
	for range rf.n {
		n, err := binary.ReadUvarint(br)
		if err == nil {
			buf = slices.Grow(buf[:0], int(n))[:n]
			_, err = io.ReadFull(br, buf)
		}
		if err != nil {
			rf.err = fmt.Errorf("plan: reading %s from a temporary file: %w", rf.what, err)
			return rf.err
		}
		if !f(string(buf)) {
			return nil
		}
	}
	return nil
}

func (rf *recFile) close() error {
	if rf.f == nil {
		return nil
	}
	err := rf.f.Close()
	if rf.remove != "" {
		if rerr := os.Remove(rf.remove); err == nil {
			err = rerr
		}
	}
	rf.f = nil
	return err
}
