package main

import (
	"bytes"
	"encoding/csv"
	"io"
	"iter"

	"github.com/odmadmin/odmadmin/diff"
	inp "github.com/odmadmin/odmadmin/internal/input"
)

// auditLogSheet names the tab of "diff --format xlsx": the log OpenClinica 4 downloads
// ("OpenClinica 4: Using OpenClinica as an Administrator") has the same columns.
const auditLogSheet = "User and Role Audit Log"

// writeDiffXLSX writes the rows "diff --format csv" writes (the columns of the User and
// Role Audit Log: AUDIT EVENT, DATE/TIME, TARGET OBJECT, BY, VALUE TYPE, OLD VALUE, NEW
// VALUE) as an .xlsx workbook, every cell text.
func writeDiffXLSX(w io.Writer, changes iter.Seq[diff.Change], st diff.Stamp) error {
	// String cells of a workbook are text, never formulas: no apostrophe (it would become
	// part of the value read back).
	st.Raw = true
	var buf bytes.Buffer
	if err := diff.WriteAuditCSVSeq(&buf, changes, st); err != nil {
		return err
	}
	sw, err := inp.NewSheetWriter(auditLogSheet, []float64{20, 24, 36, 24, 36, 30, 30})
	if err != nil {
		return err
	}
	defer sw.Close()
	cr := csv.NewReader(&buf)
	for first := true; ; first = false {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if first {
			err = sw.Header(rec)
		} else {
			err = sw.Row(rec)
		}
		if err != nil {
			return err
		}
	}
	_, err = sw.WriteTo(w)
	return err
}
