package plan

import (
	"cmp"
	"errors"
	"iter"
)

// Rows are the rows of an upload, held compactly: each row one record (its values in
// one string, each preceded by its length) cut from blocks that rows share, instead of
// a Row of slices and strings (some 650 bytes a template row, against 150 of values and
// lengths). [ReadRows] reads a template into Rows, [Kept] plans them.
//
// Past some megabytes of records (rowsHeld: tens of thousands of rows), the records go
// to a temporary file instead and are read back from it at each pass (a million template
// rows are some 140 MB of records), so that what stays in memory is the rows' keys: their
// user names packed, and a few hashes each (rowKeys), some 50 bytes a row. Close
// removes the file.
type Rows struct {
	recs    records
	n       int // rows
	total   int // rows that are not blank
	buf     []byte
	unknown []string
	keys    *rowKeys
	file    *recFile
	// held is the bytes of records held before they go to a file; 0 is rowsHeld.
	held int
	err  error
}

// rowsHeld is the bytes of row records Rows holds in memory before it writes them to a
// temporary file: some 60,000 template rows.
const rowsHeld = 8 << 20

var (
	errTooManyNames = errors.New("plan: the upload's user names take more than 4 GiB")
	errTooManyRows  = errors.New("plan: the upload has more than 2,147,483,647 rows with a user name")
)

// UnknownColumns returns the header cells of the table the rows were read from
// ([ReadRows]) that name no column of the template, as written: their values are not
// read, and an upload does not carry them either.
func (rs *Rows) UnknownColumns() []string { return rs.unknown }

// NewRows returns Rows holding rows.
func NewRows(rows []Row) *Rows {
	rs := &Rows{keys: newRowKeys()}
	for _, r := range rows {
		rs.Add(r)
	}
	return rs
}

// Add appends row r.
func (rs *Rows) Add(r Row) {
	if rs.keys == nil {
		rs.keys = newRowKeys()
	}
	rs.keys.add(&r)
	rs.n++
	b := appendUvarint(rs.buf[:0], uint64(r.Number))
	if r.Blank {
		b = append(b, 1)
	} else {
		b = append(b, 0)
		rs.total++
	}
	b = appendString(b, r.GivenName)
	b = appendString(b, r.FamilyName)
	b = appendString(b, r.Login)
	b = appendUvarint(b, uint64(len(r.Emails)))
	for _, e := range r.Emails {
		b = appendString(b, e)
	}
	b = appendAssignments(b, r.Assignments)
	b = appendUvarint(b, uint64(len(r.Warnings)))
	for _, w := range r.Warnings {
		b = appendString(b, string(w.Code))
		b = appendString(b, w.Message)
	}
	rs.buf = b
	if rs.file == nil && rs.err == nil && len(rs.recs.list) > 0 && rs.recs.bytes+len(b) > cmp.Or(rs.held, rowsHeld) {
		rs.toFile()
	}
	if rs.file != nil {
		rs.file.write(b)
		return
	}
	rs.recs.addBytes(b)
}

// toFile moves the records held to a temporary file, where the next ones go too.
func (rs *Rows) toFile() {
	f := newRecFile("the upload's rows")
	if f.err != nil {
		rs.err = f.err
		return
	}
	for _, rec := range rs.recs.list {
		f.write([]byte(rec))
	}
	rs.file, rs.recs = f, records{}
}

// Len is the number of rows, blank ones included.
func (rs *Rows) Len() int { return rs.n }

// Err is the error of the temporary file the rows went to, if any: reading or writing it
// failed, and All yielded fewer rows than Len.
func (rs *Rows) Err() error {
	if rs.err != nil {
		return rs.err
	}
	if rs.keys != nil && rs.keys.err != nil {
		return rs.keys.err
	}
	if rs.file != nil {
		return rs.file.err
	}
	return nil
}

// Close removes the temporary file the rows went to, if any. All yields no row after it.
func (rs *Rows) Close() error {
	if rs.file == nil {
		return nil
	}
	err := rs.file.close()
	rs.file = nil
	rs.n = 0
	return err
}

// All yields the rows in order, each made anew from its record (its strings point into
// the record).
func (rs *Rows) All() iter.Seq[Row] {
	return func(yield func(Row) bool) {
		if rs.file != nil {
			rs.file.each(func(rec string) bool { return yield(decodeRow(rec)) }) // an error: Err
			return
		}
		for _, rec := range rs.recs.list {
			if !yield(decodeRow(rec)) {
				return
			}
		}
	}
}

func decodeRow(rec string) Row {
	f := fields{rec}
	r := Row{Number: f.count(), Blank: f.count() == 1}
	r.GivenName, r.FamilyName, r.Login = f.next(), f.next(), f.next()
	if n := f.count(); n > 0 {
		r.Emails = make([]string, n)
		for i := range r.Emails {
			r.Emails[i] = f.next()
		}
	}
	r.Assignments = f.assignments(nil)
	if n := f.count(); n > 0 {
		r.Warnings = make([]Warning, n)
		for i := range r.Warnings {
			r.Warnings[i] = Warning{Code(f.next()), f.next()}
		}
	}
	return r
}
