package odm

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error this package returns for bad input is an *Error that wraps
// one of these, so callers can use errors.Is; warnings use the same type.
var (
	// ErrSyntax: the input is not well-formed XML (or not namespace-well-formed).
	ErrSyntax = errors.New("malformed XML")
	// ErrTruncated: the input ended inside the document.
	ErrTruncated = errors.New("unexpected end of input")
	// ErrEncoding: the character encoding is unsupported or the bytes are invalid in it.
	ErrEncoding = errors.New("unsupported or invalid character encoding")
	// ErrNotODM: the root element is not a CDISC ODM 1.2, 1.3 or 2.0 ODM element.
	ErrNotODM = errors.New("not an ODM document")
	// ErrDepth: elements are nested deeper than ReadOptions.MaxDepth.
	ErrDepth = errors.New("element nesting too deep")
	// ErrTokenTooLarge: one token (a tag with its attributes, a text run, a comment, ...)
	// is longer than ReadOptions.MaxTokenBytes.
	ErrTokenTooLarge = errors.New("token too large")
	// ErrInputTooLarge: the input is longer than ReadOptions.MaxInputBytes.
	ErrInputTooLarge = errors.New("input too large")
	// ErrTooManyNodes: a typed AdminData element has more child nodes than
	// ReadOptions.MaxNodes.
	ErrTooManyNodes = errors.New("too many child nodes")
	// ErrJSON: the JSON form is malformed or does not follow the documented shape.
	ErrJSON = errors.New("invalid ODM JSON")
	// ErrQuirk marks a warning about input that a real producer writes but that departs
	// from the ODM schema or rules (a dateTime EffectiveDate, spaces inside an OID, ...).
	ErrQuirk = errors.New("non-standard content")
	// ErrUnknown marks a warning about content the ODM model does not define in that place
	// (an unknown attribute or element in the ODM namespace, text inside an element-only
	// element). Such content is kept; vendor-namespace content is normal and not reported.
	ErrUnknown = errors.New("content outside the ODM model")
	// ErrUnrepresentable: a value cannot be written in the target ODM version
	// (for example an Email on an ODM 2.0 User, which has Telecom instead).
	ErrUnrepresentable = errors.New("value cannot be represented in this ODM version")
	// ErrUnwritable: a value XML cannot hold in any version (a control character, a byte
	// that is not UTF-8, U+FFFE). It wraps ErrUnrepresentable, which such values were
	// reported as before it, so errors.Is finds either.
	ErrUnwritable error = &subError{msg: "value cannot be written in XML", parent: ErrUnrepresentable}
	// ErrTooManyAttrs: an element has more attributes than ReadOptions.MaxAttrs. It
	// wraps ErrTokenTooLarge, which such input was reported as before it, so errors.Is
	// finds either; a caller that tells its user which limit to raise tells them apart.
	ErrTooManyAttrs error = &subError{msg: "too many attributes", parent: ErrTokenTooLarge}
)

// errDepthJSON is the sentinel of a JSON reader's error for nesting past
// ReadOptions.MaxDepth: the limit of ErrDepth, met in input that errors have called
// ErrJSON, so errors.Is finds either.
var errDepthJSON error = &subError{msg: ErrJSON.Error(), parent: ErrDepth, also: ErrJSON}

// subError is a sentinel error that is a kind of another one (Unwrap), and of also when set.
type subError struct {
	msg    string
	parent error
	also   error
}

func (e *subError) Error() string        { return e.msg }
func (e *subError) Unwrap() error        { return e.parent }
func (e *subError) Is(target error) bool { return e.also != nil && target == e.also }

// Error is a positioned error or warning. File is the input's name as given in the options
// (may be empty), Line and Col are 1-based (0 when unknown), Err is one of the sentinel
// errors above, and Msg says what is wrong without quoting personal data. Warnings also
// carry a Code naming their kind, stable for programs that filter or map them.
type Error struct {
	File string
	Line int
	Col  int
	Err  error
	Code WarningCode
	Msg  string
	// More is set on the one warning that stands for the warnings of its Code past the
	// bound (ReadOptions.MaxWarnings, WriteOptions.MaxWarnings): how many there were,
	// counted but not kept. It takes the place of the first of them in the list and its
	// count grows until the read or write ends; Line and Col are 0.
	More int
}

// WarningCode names the kind of a reader warning.
type WarningCode string

// Warning codes. ErrQuirk warnings: producer habits that depart from the schema.
const (
	WarnOIDWhitespace       WarningCode = "oidWhitespace"     // an oid/oidref attribute with leading or trailing white space
	WarnDateTime            WarningCode = "dateTime"          // an xs:date attribute written as a dateTime
	WarnInvalidDate         WarningCode = "invalidDate"       // an xs:date attribute that is no date at all
	WarnEmptyElement        WarningCode = "emptyElement"      // <Address/>, <Email/>, <Fax/>, <Phone/> with nothing in it
	WarnConsecutiveSpaces   WarningCode = "consecutiveSpaces" // two or more spaces in a row in a name
	WarnMissingOID          WarningCode = "missingOID"        // an element without its required OID
	WarnMissingMDVRef       WarningCode = "missingMetaDataVersionRef"
	WarnMissingSignatureDef WarningCode = "missingMeaningOrLegalReason"
	WarnElementOrder        WarningCode = "elementOrder" // a standard child before a sibling the schema puts first
	WarnNoNamespace         WarningCode = "noNamespace"  // an ODM root in no namespace, read by its ODMVersion
)

// ErrUnknown warnings: content the ODM model does not define where it stands. It is kept.
const (
	WarnUnknownAttribute WarningCode = "unknownAttribute"
	WarnUnknownElement   WarningCode = "unknownElement"
	WarnRepeatedElement  WarningCode = "repeatedElement" // a single-valued child that occurs again
	WarnUnexpectedText   WarningCode = "unexpectedText"  // text where only elements belong
	WarnElementInText    WarningCode = "elementInText"   // an element inside a text-only element
)

func (e *Error) Error() string {
	pos := e.File
	if e.Line > 0 {
		if pos == "" {
			pos = fmt.Sprintf("line %d:%d", e.Line, e.Col)
		} else {
			pos = fmt.Sprintf("%s:%d:%d", pos, e.Line, e.Col)
		}
	}
	msg := e.Msg
	if e.More > 0 {
		what := "warnings"
		if e.Code != "" {
			what = string(e.Code) + " warnings"
		}
		msg = fmt.Sprintf("%d more %s not listed (%s)", e.More, what, e.Msg)
	}
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	} else if e.Err != nil {
		msg = e.Err.Error() + ": " + msg
	}
	if pos == "" {
		return "odm: " + msg
	}
	return pos + ": odm: " + msg
}

func (e *Error) Unwrap() error { return e.Err }

// DefaultMaxWarnings is how many warnings of one code a read or write keeps by default.
const DefaultMaxWarnings = 1000

// warnBound keeps a list of warnings bounded: past max of one code, a warning is counted
// in that code's summary (Error.More) instead of kept, so that a file with a quirk on
// every one of a million users costs a few KiB and not hundreds of MiB, and the count is
// still reported.
type warnBound struct {
	seen map[WarningCode]int
	sums map[WarningCode]*Error
}

// keep reports whether w goes into list; when not, it is counted in its code's summary,
// which is added to list (by append) the first time. max < 0 keeps every warning.
func (b *warnBound) keep(list *[]*Error, w *Error, max int) bool {
	if max < 0 {
		return true
	}
	if b.seen == nil {
		b.seen, b.sums = map[WarningCode]int{}, map[WarningCode]*Error{}
	}
	n := b.seen[w.Code]
	b.seen[w.Code] = n + 1
	if n < max {
		return true
	}
	sum := b.sums[w.Code]
	if sum == nil {
		sum = &Error{File: w.File, Err: w.Err, Code: w.Code, Msg: fmt.Sprintf("only the first %d of each kind are kept", max)}
		b.sums[w.Code] = sum
		*list = append(*list, sum)
	}
	sum.More++
	return false
}

// resolveMaxWarnings resolves a MaxWarnings option: 0 is the default, negative no bound.
func resolveMaxWarnings(n int) int {
	if n == 0 {
		return DefaultMaxWarnings
	}
	return n
}
