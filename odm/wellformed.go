package odm

import (
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"unsafe"

	"github.com/odmadmin/odmadmin/internal/xmlscan"
)

// What XML cannot hold in a name, a comment, a processing instruction, a DOCTYPE or a
// CDATA section. The JSON reader refuses such values as it reads them (jsoncheck.go), and
// the XML writer refuses them when a value built in code carries them: written as they
// are, a comment holding "-->" or an instruction holding "?>" closes early and whatever
// follows is read as markup (a User nobody wrote), and a name with a space in it makes
// the file unreadable. Each returns what is wrong (and, for the JSON reader, the part of
// the value it concerns as a path suffix), "" when nothing is. Messages never quote the
// value.

// nameProblem checks an element or attribute name and its prefix.
func nameProblem(prefix, local string) (suffix, msg string) {
	if !isNCName(local) {
		return ".name", "is not an XML name"
	}
	if prefix != "" && !isNCName(prefix) {
		return ".prefix", "is not an XML name"
	}
	return "", ""
}

// elementNameProblem checks the name of a generic element.
func elementNameProblem(n Name) (suffix, msg string) {
	if suffix, msg := nameProblem(n.Prefix, n.Local); msg != "" {
		return suffix, msg
	}
	switch {
	case n.Prefix != "" && n.Space == "":
		return ".prefix", `needs a namespace ("ns")`
	case n.Space == NSXMLNS || n.Prefix == "xmlns":
		return "", "an element cannot be in the xmlns namespace"
	case n.Prefix == "xml" && n.Space != NSXML:
		return ".prefix", "xml is bound to the XML namespace"
	}
	return "", ""
}

// commentProblem: "--" cannot occur in a comment and it cannot end with "-".
func commentProblem(s string) string {
	if strings.Contains(s, "--") || strings.HasSuffix(s, "-") {
		return `a comment cannot contain "--" or end with "-"`
	}
	return ""
}

var xmlDeclRe = regexp.MustCompile(`^version\s*=\s*("1\.[0-9]+"|'1\.[0-9]+')(\s+encoding\s*=\s*("[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(\s+standalone\s*=\s*("(yes|no)"|'(yes|no)'))?\s*$`)

// piProblem checks a processing instruction; decl allows the XML declaration (the first
// node of the prolog).
func piProblem(pi *ProcInst, decl bool) (suffix, msg string) {
	if !isNCName(pi.Target) {
		return ".target", "is not an XML name"
	}
	if strings.EqualFold(pi.Target, "xml") {
		if pi.Target != "xml" || !decl {
			return ".target", "xml is reserved for the XML declaration at the start of the prolog"
		}
		if !xmlDeclRe.MatchString(pi.Inst) {
			return ".text", "is not an XML declaration"
		}
		return "", ""
	}
	switch {
	case strings.Contains(pi.Inst, "?>"):
		return ".text", `a processing instruction cannot contain "?>"`
	case pi.Inst != "" && strings.IndexAny(pi.Inst[:1], " \t\n") == 0:
		// The white space after the target separates it from the data (XML 1.0 §2.6):
		// a reader never gives it back as data.
		return ".text", "cannot start with white space"
	}
	return "", ""
}

// directiveProblem allows one DOCTYPE that XML reads back as exactly itself.
func directiveProblem(s string) string {
	if !strings.HasPrefix(s, "DOCTYPE") || len(s) < 9 || strings.IndexAny(s[7:8], " \t\n") != 0 || strings.ContainsRune(s, '\r') {
		return "must be a DOCTYPE declaration"
	}
	d := xml.NewDecoder(strings.NewReader("<!" + s + ">"))
	t, err := d.RawToken()
	if dir, ok := t.(xml.Directive); err != nil || !ok || string(dir) != s {
		return "is not one well-formed DOCTYPE declaration"
	}
	if _, err := d.RawToken(); err != io.EOF {
		return "is not one well-formed DOCTYPE declaration"
	}
	return ""
}

// doctypeReadsBack reports whether s, written as "<!" + s + ">" before a root element,
// is read by this package's own scanner as one DOCTYPE whose text is s (the writer's
// check: a DOCTYPE read from a file is written back as read, comments in its internal
// subset included, which encoding/xml, used by directiveProblem, leaves out).
func doctypeReadsBack(s string) bool {
	if !strings.HasPrefix(s, "DOCTYPE") || len(s) < 9 || strings.IndexAny(s[7:8], " \t\n\r") != 0 {
		return false
	}
	sc := xmlscan.New(strings.NewReader("<!"+s+"><r/>"), xmlscan.Options{})
	want := []xmlscan.Kind{xmlscan.Doctype, xmlscan.StartElement, xmlscan.EndElement}
	for i, k := range want {
		got, err := sc.Next()
		if err != nil || got != k || (i == 0 && string(sc.Data()) != s) {
			return false
		}
	}
	_, err := sc.Next()
	return err == io.EOF
}

// cdataProblem: a CDATA section ends at the first "]]>" and its carriage returns are
// read back as line feeds.
func cdataProblem(s string) string {
	if strings.Contains(s, "]]>") {
		return `a CDATA section cannot contain "]]>"`
	}
	if strings.ContainsRune(s, '\r') {
		return "a carriage return in a CDATA section does not survive XML"
	}
	return ""
}

// Where in the document the writer is, for what may stand there: the XML declaration only
// first, a DOCTYPE only in the prolog.
const (
	placeInside = iota // in the root element, or after it (the zero value: the strictest)
	placeDecl          // the first node of the prolog
	placeProlog        // the rest of the prolog
)

// nameSlots is the size of the table of names the writer found valid (see xw.nameOK).
const nameSlots = 64

// checkedName is a name the writer found to be a valid XML name, by the address and
// length of its bytes.
type checkedName struct {
	p *byte
	n int
}

// nameOK reports whether s is an XML name without a colon, remembering names found valid
// by their bytes' address in a small table: a reader hands out one string per distinct
// name (interned), and the model's own names are constants, so the names of a file's
// millions of records are checked a few times, not once per attribute. A string equal to
// one remembered at another address is checked again, which is only slower.
func (x *xw) nameOK(s string) bool {
	if s == "" {
		return false
	}
	key := checkedName{unsafe.StringData(s), len(s)}
	slot := &x.names[(uintptr(unsafe.Pointer(key.p))>>3^uintptr(key.n))%nameSlots]
	if *slot == key {
		return true
	}
	if !isNCName(s) {
		return false
	}
	*slot = key
	return true
}

// elementNameOK checks a generic element's name before it is written; false after it
// failed the writer.
func (x *xw) elementNameOK(n Name) bool {
	if x.nameOK(n.Local) && (n.Prefix == "" || x.nameOK(n.Prefix)) {
		if n.Space != NSXMLNS && n.Prefix != "xmlns" && (n.Prefix != "xml" || n.Space == NSXML) {
			return true
		}
	}
	_, msg := elementNameProblem(n)
	if msg == "" {
		msg = "is not an XML name"
	}
	x.failWith(ErrUnwritable, "element name "+msg)
	return false
}

// attrsOK checks the names of an element's attributes, its namespace declarations, and
// that no name repeats; false after it failed the writer.
func (x *xw) attrsOK(attrs []Attr) bool {
	for i := range attrs {
		a := &attrs[i]
		if !x.nameOK(a.Local) || (a.Prefix != "" && !x.nameOK(a.Prefix)) {
			_, msg := nameProblem(a.Prefix, a.Local)
			x.failWith(ErrUnwritable, "attribute name "+msg)
			return false
		}
		if a.Space != "" {
			if _, msg := attrProblem(*a); msg != "" {
				x.failWith(ErrUnwritable, "attribute "+msg)
				return false
			}
		}
		for j := range i {
			// Two attributes of one name (a namespace declaration's name is its prefix)
			// make the element unreadable.
			if b := &attrs[j]; b.Local == a.Local && b.Space == a.Space && (a.Space != NSXMLNS || b.Prefix == a.Prefix) {
				x.failWith(ErrUnwritable, "attribute "+a.Qualified()+" is given twice")
				return false
			}
		}
	}
	return true
}
