package mapping

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/odmadmin/odmadmin/odm"
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
	// CodeRemoved: a patch (Patch, PatchStream, CompactDirectory.Patch: map --to odm
	// --base FILE) leaves out a record of the document that the directory does not hold
	// (a user, site, organization, signature or rights group removed from an edited
	// directory, or one another export or a template never had); one warning a kind of
	// record, Subject naming the first, Count saying how many.
	CodeRemoved Code = "removed"
)

// Warning reports something a conversion could not carry over exactly. Warnings of the
// same code about the same field are merged: Count says how many values they concern and
// Subject names the first one by identifier (an OID, a row number; a user without OID by
// where its first record stands, "User at line 12" or "User at users.xml:12"), never by
// personal data.
type Warning struct {
	Code    Code   `json:"code"`
	Field   string `json:"field"`
	Subject string `json:"subject,omitempty"`
	Count   int    `json:"count"`
	Message string `json:"message"`
	// Where the first value is in its input, as far as the reader knows: File is the name
	// the input was read under (ReadAny's name; a workbook's with its sheet), Line and Col
	// place an ODM record, Row (the header is row 1) and Column (the header's spelling) a
	// table's cell. Unset for what no reader placed: a directory built in code or read from
	// JSON, what a write reports, a conflict between files; but what Patch reports of the
	// document it patches (that it has no AdminData or Study for a value, or keeps its own
	// Study elements) names that document, PatchOptions.Read.Name, without a place.
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Col    int    `json:"col,omitempty"`
	Row    int    `json:"row,omitempty"`
	Column string `json:"column,omitempty"`
}

// at is where in its input a warned-about value is (see Warning.Line and Warning.Row);
// file, when set, names that input (Warning.File).
type at struct {
	line, col int
	row       int
	column    string
	file      string
}

// atRecord places a warning at an ODM record's start tag.
func atRecord(x *odm.Ext) at { return at{line: x.Line, col: x.Col} }

// placed sets the file of the warnings in ws that have none.
func placed(ws []Warning, file string) []Warning {
	for i := range ws {
		if ws[i].File == "" {
			ws[i].File = file
		}
	}
	return ws
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

// warnHot is the number of entries of warner.hot.
const (
	warnHotBits = 7
	warnHot     = 1 << warnHotBits
)

type hotWarning struct {
	k  warnKey
	i  int
	ok bool
}

// find returns the index in w.list of the warning of k, as w.idx holds it: from w.hot
// when k's entry there holds k (an index never changes once a warning is listed), else
// from w.idx, noted in w.hot. The entry is picked by where the field's and message's
// bytes are: the writers' fields and messages are constants or made once (writer.label,
// noPlace), so a warning given for every user has the same entry each time (keys merely
// equal may have different entries: each is then found in w.idx).
func (w *warner) find(k warnKey) (int, bool) {
	x := uint64(uintptr(unsafe.Pointer(unsafe.StringData(k.field))))*0x9E3779B97F4A7C15 ^
		uint64(uintptr(unsafe.Pointer(unsafe.StringData(k.msg))))*0xC2B2AE3D27D4EB4F ^ uint64(len(k.code))
	h := &w.hot[x>>(64-warnHotBits)] // a multiplicative hash's best bits
	if h.ok && h.k == k {
		return h.i, true
	}
	i, ok := w.idx[k]
	if ok {
		*h = hotWarning{k, i, true}
	}
	return i, ok
}

// warner collects warnings, merging repeats so that a 200,000-user file gives a handful
// of lines rather than a million. A message or field may name a value (a role name, a
// column, an attribute): past maxWarningKinds such variants of one code, the others are
// counted in one more warning of the code, so that a file with a different role name on
// every user does not hold a warning per user either.
type warner struct {
	idx   map[warnKey]int
	list  []Warning
	kinds map[Code]int // variants of each code listed
	// hot holds entries of idx found last, by the lengths of their strings (see find):
	// a writer warns of the same few fields for every user (ODM 2.0 from InForm, seven
	// attributes and more a user), and the map hashed the key's 100 bytes or so each time.
	hot [warnHot]hotWarning
	// verbatim remembers warnVerbatimRole's messages (at most maxWarningKinds of them),
	// verbatimLast the last one it gave.
	verbatim     map[verbatimMsgKey]string
	verbatimLast struct {
		k   verbatimMsgKey
		msg string
		ok  bool
	}
	// userAttrs remembers warner.userAttr's labels (at most maxWarningKinds of them);
	// attrAt the last one at each place of a user's attributes.
	userAttrs map[[2]string]attrField
	attrAt    [nAttrSlots]attrAt
}

// maxWarningKinds is how many warnings of one code differing in field or message a
// warner lists one by one.
const maxWarningKinds = 1000

// overflowMsg is the message of the warning that counts a code's variants past
// maxWarningKinds.
var overflowMsg = fmt.Sprintf("more warnings of this kind, each about another value, are counted here: the first %d are listed one by one", maxWarningKinds)

func (w *warner) add(code Code, field, subject, msg string) {
	w.addAt(code, field, subject, msg, at{})
}

// bump counts one more value of the warning of code, field and msg and reports true if w
// has that warning already; else it changes nothing and reports false, and the caller
// adds the warning with its subject (which so need not be built for every value).
func (w *warner) bump(code Code, field, msg string) bool {
	i, ok := w.find(warnKey{code, field, msg})
	if ok {
		w.list[i].Count++
	}
	return ok
}

// addUser is add of a warning about user id, whose subject is "User " and the id: built
// only for the warning's first value (the writers warn of the same few fields for every
// user, and the string made each time was garbage at once).
func (w *warner) addUser(code Code, field, id, msg string) {
	if !w.bump(code, field, msg) {
		w.add(code, field, "User "+id, msg)
	}
}

// addLazy is add of a warning whose subject, subject(), is built only for its first value.
func (w *warner) addLazy(code Code, field, msg string, subject func() string) {
	if !w.bump(code, field, msg) {
		w.add(code, field, subject(), msg)
	}
}

// addN is add for a warning that stands for n values (the odm writer's count of those
// past its bound).
func (w *warner) addN(code Code, field, subject, msg string, n int) {
	w.add(code, field, subject, msg)
	w.list[w.idx[warnKey{code, field, msg}]].Count += n - 1
}

// addAt is add for a value whose place in the input is known; a merged warning keeps the
// place of its first value, which its Subject names.
func (w *warner) addAt(code Code, field, subject, msg string, p at) {
	if i, ok := w.find(warnKey{code, field, msg}); ok {
		w.list[i].Count++ // the common case: no Warning is built
		return
	}
	w.merge(Warning{Code: code, Field: field, Subject: subject, Count: 1, Message: msg,
		File: p.file, Line: p.line, Col: p.col, Row: p.row, Column: p.column})
}

// merge adds x: to the warning of its code, field and message if there is one, else as a
// new one, or, past maxWarningKinds of its code, to the one counting the rest.
func (w *warner) merge(x Warning) {
	k := warnKey{x.Code, x.Field, x.Message}
	if i, ok := w.idx[k]; ok {
		w.list[i].Count += x.Count
		return
	}
	if w.idx == nil {
		w.idx, w.kinds = map[warnKey]int{}, map[Code]int{}
	}
	if x.Message != overflowMsg {
		if w.kinds[x.Code] >= maxWarningKinds {
			x.Field, x.Message = "", overflowMsg
			x.Line, x.Col, x.Row, x.Column = 0, 0, 0, ""
			w.merge(x)
			return
		}
		w.kinds[x.Code]++
	}
	w.idx[k] = len(w.list)
	w.list = append(w.list, x)
}

func (w *warner) result() []Warning { return w.list }

// fold adds o's warnings to w, in order, as if they had been added to w after its own.
func (w *warner) fold(o *warner) {
	for _, x := range o.list {
		w.merge(x)
	}
}
