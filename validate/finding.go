package validate

// Code is a stable machine code for one rule, e.g. "errorCode.firstNameTooLong". Codes are
// part of the API: programs compare them, so a code never changes meaning once released.
// The package documentation lists every code with its meaning and source.
type Code string

// Severity says whether a finding blocks the operation ("error") or only deserves a look
// ("warning").
type Severity string

// The severities a [Finding] can carry.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Finding is one rule violation. It never holds the offending value unless the caller asked
// (Options.Values), because participant contact data is personal data and findings end up
// in logs and reports.
type Finding struct {
	Severity Severity `json:"severity"`
	Code     Code     `json:"code"`
	Field    string   `json:"field,omitempty"`
	Line     int      `json:"line,omitempty"` // used by AdminData checks written later by someone else
	Column   int      `json:"column,omitempty"`
	Message  string   `json:"message"`
	Value    string   `json:"value,omitempty"` // only when asked for
	// Suggestion is a corrected value when one follows from the value unambiguously (a
	// phone number in the form the server takes). It is derived from the value, so it is
	// personal data too and set only when asked for (Options.Values).
	Suggestion string `json:"suggestion,omitempty"`
	// Count is how many occurrences the finding stands for when it is more than one: the
	// finding that reports the odm reader's warnings of one kind past its bound
	// (odm.ReadOptions.MaxWarnings) counts them all. 0 means 1.
	Count int `json:"count,omitempty"`
}

// Options controls what the checks put into findings. The zero value is the safe default.
type Options struct {
	// Values copies the offending value into Finding.Value. Messages never contain it either
	// way. Default: false, because the values are personal data.
	Values bool
}

// finding builds an error finding, keeping value only when the caller asked for values.
func (o Options) finding(code Code, field, value, message string) Finding {
	f := Finding{Severity: SeverityError, Code: code, Field: field, Message: message}
	if o.Values {
		f.Value = value
	}
	return f
}
