package validate

import (
	"fmt"

	"github.com/odmadmin/odmadmin/odm"
)

// readerWarnings turns the odm reader's warnings into findings, so that one report lists
// everything with its line. The reader's messages name elements and attributes, never
// values, so they are used as they are; the reader already places a warning about a text
// child (an empty Fax, a FullName with two spaces) on the child itself.
//
// Some warnings restate a rule the value checks report with a more specific code (a
// missing OID, a Location without MetaDataVersionRef, a SignatureDef without Meaning, an
// EffectiveDate that is not an xs:date, children out of schema order); those are dropped
// so each problem is reported once. The match is on the warning's code; a code this table
// does not know still becomes a finding, admin.readerWarning, so a new reader warning is
// never lost.
func (c *adminChecker) readerWarning(w *odm.Error) {
	if w == nil {
		return
	}
	c.phase = phaseReader
	code, msg, keep := classifyReaderWarning(w)
	if !keep {
		return
	}
	if w.More > 0 {
		// The one warning that stands for those past the reader's bound (its text is the
		// bound, not a finding).
		msg = fmt.Sprintf("%d more reader warnings of this kind not listed (%s)", w.More, w.Msg)
	}
	c.addN(SeverityWarning, code, "", w.Line, w.Col, "", msg, w.More)
}

func classifyReaderWarning(w *odm.Error) (Code, string, bool) {
	m := w.Msg
	switch w.Code {
	case odm.WarnMissingOID, odm.WarnMissingMDVRef, odm.WarnMissingSignatureDef,
		odm.WarnDateTime, odm.WarnInvalidDate, odm.WarnElementOrder:
		return "", "", false
	case odm.WarnUnexpectedText:
		return CodeUnexpectedText, m, true
	case odm.WarnUnknownAttribute, odm.WarnUnknownElement, odm.WarnRepeatedElement, odm.WarnElementInText:
		return CodeUnknownContent, m + "; it is kept as is", true
	case odm.WarnOIDWhitespace:
		return CodeOIDWhitespace, m, true
	case odm.WarnEmptyElement:
		return CodeEmptyElement, m, true
	case odm.WarnConsecutiveSpaces:
		return CodeConsecutiveSpaces, m, true
	}
	msg := m
	if msg == "" && w.Err != nil {
		msg = w.Err.Error()
	}
	return CodeReaderWarning, "odm reader: " + msg, true
}
