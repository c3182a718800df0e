package mapping

import (
	"fmt"
	"strings"
)

// Code identifies a kind of warning. Codes are stable; messages may change.
type Code string

const (
	// CodeUnrepresentable: the target has no place for a value, which is left out.
	CodeUnrepresentable Code = "unrepresentable"
	// CodeApproximated: the target holds the value only approximately (a status written as
	// Active=No, several sites written as one LocationOID, two street lines joined).
	CodeApproximated Code = "approximated"
	// CodeExtensionDropped: another vendor's extension attribute or element is left out.
	CodeExtensionDropped Code = "extension-dropped"
	// CodeUnknownRole: a role name is not in the vocabulary; it keeps its name and maps to Other.
	CodeUnknownRole Code = "unknown-role"
	// CodeDanglingRef: a reference (LocationRef, GroupRef, parent study) names nothing in the file.
	CodeDanglingRef Code = "dangling-reference"
	// CodeMergeConflict: one person listed twice disagrees on a value; the first is kept.
	CodeMergeConflict Code = "merge-conflict"
	// CodeNormalized: a value was cleaned on reading (an OID with stray spaces).
	CodeNormalized Code = "normalized"
	// CodeInvalidValue: an input value could not be read (a CSV date, an unknown environment).
	CodeInvalidValue Code = "invalid-value"
	// CodeGenerated: the target needs a value the model does not have, so one was made up
	// (an ODM 2.0 Organization OID for a 1.3 organization name, an InForm rights group).
	CodeGenerated Code = "generated"
	// CodeQuirk: the input departs from the ODM schema as some producer writes it (the odm
	// reader's warnings, passed on by callers that show them with mapping's).
	CodeQuirk Code = "quirk"
	// CodeNotCarried: content outside AdminData (Study, ClinicalData, comments, ...) that a
	// write into another flavour does not carry; Count says how many of the kind.
	CodeNotCarried Code = "not-carried"
	// CodeNeutralized: a CSV cell that a spreadsheet would run as a formula was written
	// with a leading apostrophe (Options.RawCSV writes it as it is).
	CodeNeutralized Code = "formula-neutralized"
)

// Warning reports something a conversion could not carry over exactly. Warnings of the
// same code about the same field are merged: Count says how many values they concern and
// Subject names the first one by identifier (an OID, a row number), never by personal data.
type Warning struct {
	Code    Code   `json:"code"`
	Field   string `json:"field"`
	Subject string `json:"subject,omitempty"`
	Count   int    `json:"count"`
	Message string `json:"message"`
}

func (w Warning) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s: %s", w.Code, w.Field, w.Message)
	if w.Subject != "" {
		b.WriteString(" (")
		if w.Count > 1 {
			fmt.Fprintf(&b, "%d values, first: ", w.Count)
		}
		b.WriteString(w.Subject)
		b.WriteString(")")
	}
	return b.String()
}

type warnKey struct {
	code  Code
	field string
	msg   string
}

// warner collects warnings, merging repeats so that a 200,000-user file gives a handful
// of lines rather than a million.
type warner struct {
	idx  map[warnKey]int
	list []Warning
}

func (w *warner) add(code Code, field, subject, msg string) {
	k := warnKey{code, field, msg}
	if i, ok := w.idx[k]; ok {
		w.list[i].Count++
		return
	}
	if w.idx == nil {
		w.idx = map[warnKey]int{}
	}
	w.idx[k] = len(w.list)
	w.list = append(w.list, Warning{Code: code, Field: field, Subject: subject, Count: 1, Message: msg})
}

func (w *warner) result() []Warning { return w.list }

// fold adds o's warnings to w, in order, as if they had been added to w after its own.
func (w *warner) fold(o *warner) {
	for _, x := range o.list {
		k := warnKey{x.Code, x.Field, x.Message}
		if i, ok := w.idx[k]; ok {
			w.list[i].Count += x.Count
			continue
		}
		if w.idx == nil {
			w.idx = map[warnKey]int{}
		}
		w.idx[k] = len(w.list)
		w.list = append(w.list, x)
	}
}
