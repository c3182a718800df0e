package mapping

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"

	"github.com/odmadmin/odmadmin/internal/input"
)

// ClinicalOneSheet is the tab of the user upload workbook that holds the users; the
// template's other tabs are instructions.
const ClinicalOneSheet = "Clinical One Users"

// ReadClinicalOneXLSX reads the Clinical One user upload template as the .xlsx workbook
// Excel saves: the rows of its "Clinical One Users" tab (or, if it has no such tab, of the
// sheet whose rows hold the template's header), from the header row on, which is found by
// its column names wherever it is. Date cells may be real Excel dates or text as in the
// CSV. It reads what ReadClinicalOneCSV reads; warnings cite the sheet's row numbers. The
// workbook's size and what it inflates to are bounded (a zip bomb is an error).
//
// The template Oracle distributes is a macro-enabled binary workbook (.xlsb), which no
// well-kept Go library reads: saved as .xlsx (or CSV) from Excel it reads here.
func ReadClinicalOneXLSX(r io.Reader, opts Options) (*Directory, []Warning, error) {
	in, err := input.New(r, "workbook", input.Options{})
	if err != nil {
		return nil, nil, fmt.Errorf("mapping: %w", err)
	}
	t, err := in.Table(input.TableOptions{Sheets: []string{ClinicalOneSheet}, IsHeader: IsClinicalOneHeader})
	if err != nil {
		return nil, nil, fmt.Errorf("mapping: %w", err)
	}
	defer t.Close()
	return ReadClinicalOneTable(t, opts)
}

// clinicalOneWidths are the written workbook's column widths, in characters.
var clinicalOneWidths = []float64{16, 18, 30, 22, 13, 13, 30, 20, 12}

// WriteClinicalOneXLSX writes what WriteClinicalOneCSV writes as an .xlsx workbook with one
// tab, "Clinical One Users": the header in row 1 (bold, frozen), one row per user. Every
// cell is text. Dates are the text DD-MMM-YYYY ("05-Jan-2026"), the form Oracle's
// guidelines give for the template's Start Date and End Date and the one its Validate macro
// checks, rather than Excel date values, whose display depends on the reader's locale and
// the cell format; a site number such as "01" stays "01".
func WriteClinicalOneXLSX(w io.Writer, dir *Directory, opts Options) ([]Warning, error) {
	var buf bytes.Buffer
	ws, err := WriteClinicalOneCSV(&buf, dir, opts)
	if err != nil {
		return ws, err
	}
	sw, err := input.NewSheetWriter(ClinicalOneSheet, clinicalOneWidths)
	if err != nil {
		return ws, err
	}
	defer sw.Close()
	cr := csv.NewReader(&buf)
	cr.FieldsPerRecord = -1
	for first := true; ; first = false {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return ws, err
		}
		if first {
			err = sw.Header(rec)
		} else {
			err = sw.Row(rec)
		}
		if err != nil {
			return ws, err
		}
	}
	_, err = sw.WriteTo(w)
	return ws, err
}
