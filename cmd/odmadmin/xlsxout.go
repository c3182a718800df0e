package main

import (
	"encoding/csv"
	"errors"
	"io"
	"iter"
	"slices"

	"github.com/odmadmin/odmadmin/diff"
	inp "github.com/odmadmin/odmadmin/internal/input"
)

// auditLogSheet names the tab of "diff --format xlsx": the log OpenClinica 4 downloads
// ("OpenClinica 4: Using OpenClinica as an Administrator") has the same columns.
const auditLogSheet = "User and Role Audit Log"

// writeDiffXLSX writes the rows "diff --format csv" writes (the columns of the User and
// Role Audit Log: AUDIT EVENT, DATE/TIME, TARGET OBJECT, BY, VALUE TYPE, OLD VALUE, NEW
// VALUE) as an .xlsx workbook, every cell text. The CSV is read back as it is written,
// through a pipe: held whole first, a large diff's CSV (34 MB for the changes between
// exports of 20,000 and 200,000 users) sat in memory beside the sheet writer's own.
//
// A cell longer than the 32,767 characters an Excel cell holds is cut there; when cut is
// not nil, a warning per column that had such cells is added to it (File left empty).
func writeDiffXLSX(w io.Writer, changes iter.Seq[diff.Change], st diff.Stamp, cut *[]Diagnostic) (err error) {
	// String cells of a workbook are text, never formulas: no apostrophe (it would become
	// part of the value read back).
	st.Raw = true
	sw, err := inp.NewSheetWriter(auditLogSheet, []float64{20, 24, 36, 24, 36, 30, 30})
	if err != nil {
		return err
	}
	defer sw.Close()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := diff.WriteAuditCSVSeq(pw, changes, st)
		pw.CloseWithError(err) // nil: the reader sees io.EOF
		done <- err
	}()
	defer func() {
		// The writer stops at its next write once the reader is gone, and is waited
		// for: nothing runs on after the workbook is written or refused.
		pr.CloseWithError(errStopped)
		if werr := <-done; err == nil && werr != nil && werr != errStopped {
			err = werr
		}
	}()
	cr := csv.NewReader(pr)
	var header []string
	for first := true; ; first = false {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if first {
			header = slices.Clone(rec)
			err = sw.Header(rec)
		} else {
			err = sw.Row(rec)
		}
		if err != nil {
			return err
		}
	}
	if cut != nil {
		for _, c := range sw.Cut() {
			col := ""
			if c.Column < len(header) {
				col = header[c.Column]
			}
			*cut = append(*cut, Diagnostic{Row: c.FirstRow, Column: col, Severity: "warning", Code: "xlsx.cell-cut", Count: c.Count,
				Message: "a value longer than the 32,767 characters an Excel cell holds is cut there; --format csv writes it whole"})
		}
	}
	_, err = sw.WriteTo(w)
	return err
}

// errStopped ends the CSV writer of writeDiffXLSX when the workbook is done with it.
var errStopped = errors.New("the workbook is written")
