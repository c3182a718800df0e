package plan

import (
	"iter"
)

// Rows are the rows of an upload, held compactly: each row one record (its values in
// one string, each preceded by its length) cut from blocks that rows share, instead of
// a Row of slices and strings (some 650 bytes a template row, against 150 of values and
// lengths). [ReadRows] reads a template into Rows, [Kept] plans them.
type Rows struct {
	recs    records
	total   int // rows that are not blank
	buf     []byte
	unknown []string
}

// UnknownColumns returns the header cells of the table the rows were read from
// ([ReadRows]) that name no column of the template, as written: their values are not
// read, and an upload does not carry them either.
func (rs *Rows) UnknownColumns() []string { return rs.unknown }

// NewRows returns Rows holding rows.
func NewRows(rows []Row) *Rows {
	rs := &Rows{}
	for _, r := range rows {
		rs.Add(r)
	}
	return rs
}

// Add appends row r.
func (rs *Rows) Add(r Row) {
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
	rs.recs.addBytes(b)
}

// Len is the number of rows, blank ones included.
func (rs *Rows) Len() int { return len(rs.recs.list) }

// All yields the rows in order, each made anew from its record (its strings point into
// the record).
func (rs *Rows) All() iter.Seq[Row] {
	return func(yield func(Row) bool) {
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
