package odm

import (
	"encoding/xml"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Checks on the JSON form as it is read, so that the XML written from it reads back to
// what the JSON said and nothing else: a comment cannot close itself early, a name cannot
// smuggle markup, a namespace declaration cannot rebind xml or xmlns. Errors name the JSON
// path and never the value.

// checkChars reports the first character XML 1.0 cannot carry in s, if any.
func checkChars(s string) (rune, bool) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return rune(c), false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || r == 0xFFFE || r == 0xFFFF || (r >= 0xD800 && r <= 0xDFFF) {
			return r, false
		}
		i += n
	}
	return 0, true
}

func charError(r rune) string {
	return "contains a character XML 1.0 does not allow (U+" + strings.ToUpper(strconv.FormatInt(int64(r), 16)) + ")"
}

func isNameStart(r rune) bool {
	switch {
	case r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z':
		return true
	case r < 0xC0:
		return false
	}
	return r <= 0xD6 || r >= 0xD8 && r <= 0xF6 || r >= 0xF8 && r <= 0x2FF || r >= 0x370 && r <= 0x37D ||
		r >= 0x37F && r <= 0x1FFF || r >= 0x200C && r <= 0x200D || r >= 0x2070 && r <= 0x218F ||
		r >= 0x2C00 && r <= 0x2FEF || r >= 0x3001 && r <= 0xD7FF || r >= 0xF900 && r <= 0xFDCF ||
		r >= 0xFDF0 && r <= 0xFFFD || r >= 0x10000 && r <= 0xEFFFF
}

func isNameChar(r rune) bool {
	return isNameStart(r) || r == '-' || r == '.' || r >= '0' && r <= '9' || r == 0xB7 ||
		r >= 0x300 && r <= 0x36F || r >= 0x203F && r <= 0x2040
}

// isNCName reports whether s is an XML name without a colon (Namespaces in XML 1.0).
func isNCName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == utf8.RuneError || (i == 0 && !isNameStart(r)) || !isNameChar(r) {
			return false
		}
	}
	// A non-ASCII name must also be one the XML reader takes (encoding/xml follows the
	// older XML 1.0 name tables): what it cannot read back is refused, not written.
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			d := xml.NewDecoder(strings.NewReader("<" + s + "/>"))
			t, err := d.RawToken()
			se, ok := t.(xml.StartElement)
			return err == nil && ok && se.Name.Local == s && se.Name.Space == ""
		}
	}
	return true
}

// checkName checks an element or attribute name and its prefix.
func (p *jparser) checkName(path, prefix, local string) error {
	if suffix, msg := nameProblem(prefix, local); msg != "" {
		return p.errf(path+suffix, msg)
	}
	return nil
}

// checkElementName checks the name of a generic element.
func (p *jparser) checkElementName(path string, n Name) error {
	if suffix, msg := elementNameProblem(n); msg != "" {
		return p.errf(path+suffix, msg)
	}
	return nil
}

// checkAttrs checks attribute names, namespace declarations and uniqueness.
//
// It runs for every element read from JSON, so a valid list costs no allocation: an
// attribute's path is built for an error only, and uniqueness is checked by comparing the
// names with each other up to 16 attributes (through a map beyond).
func (p *jparser) checkAttrs(path string, attrs []Attr) error {
	var seen map[Name]bool
	if len(attrs) > 16 {
		seen = make(map[Name]bool, len(attrs))
	}
	for i, a := range attrs {
		ap := func() string { return path + "[" + strconv.Itoa(i) + "]" }
		if err := p.checkName("", a.Prefix, a.Local); err != nil {
			return p.checkName(ap(), a.Prefix, a.Local)
		}
		if suffix, msg := attrProblem(a); msg != "" {
			return p.errf(ap()+suffix, msg)
		}
		repeated := false
		if seen != nil {
			key := Name{Space: a.Space, Local: a.Local}
			repeated = seen[key]
			seen[key] = true
		} else {
			for _, b := range attrs[:i] {
				if b.Local == a.Local && b.Space == a.Space {
					repeated = true
					break
				}
			}
		}
		if repeated {
			return p.errf(ap(), "repeats an attribute of the element")
		}
	}
	return nil
}

// attrProblem returns what is wrong with the namespace or prefix of attribute a, as the
// path below the attribute's it concerns and a message; msg is "" when nothing is.
func attrProblem(a Attr) (suffix, msg string) {
	switch {
	case a.Space == NSXMLNS:
		// A declaration: xmlns="..." or xmlns:p="...".
		switch {
		case a.Prefix == "" && a.Local == "xmlns":
			if a.Value == NSXML || a.Value == NSXMLNS {
				return ".value", "cannot be the default namespace"
			}
		case a.Prefix == "xmlns" && a.Local != "xmlns":
			if a.Value == "" {
				return ".value", "a prefix cannot be undeclared in XML 1.0"
			}
			if (a.Local == "xml") != (a.Value == NSXML) || a.Value == NSXMLNS {
				return "", "rebinds a reserved prefix or namespace"
			}
		default:
			return "", `a namespace declaration is named "xmlns" (prefix "") or has prefix "xmlns"`
		}
	case a.Prefix == "xmlns" || (a.Prefix == "" && a.Local == "xmlns"):
		return "", `a namespace declaration needs ns "` + NSXMLNS + `"`
	case a.Prefix != "" && a.Space == "":
		return ".prefix", `needs a namespace ("ns")`
	case a.Prefix == "xml" && a.Space != NSXML, a.Space == NSXML && a.Prefix != "xml" && a.Prefix != "":
		return ".prefix", "xml is bound to the XML namespace"
	}
	return "", ""
}

// checkComment: "--" cannot occur in a comment, and it cannot end with "-".
func (p *jparser) checkComment(path, s string) error {
	if msg := commentProblem(s); msg != "" {
		return p.errf(path+".text", msg)
	}
	// The JSON form is read back through XML, which gives a line feed for a carriage
	// return (the XML reader keeps one read from a file, which is written back as read).
	if strings.ContainsRune(s, '\r') {
		return p.errf(path+".text", "a carriage return in a comment does not survive XML")
	}
	return nil
}

// checkPI checks a processing instruction; decl allows the XML declaration (the first
// node of the prolog).
func (p *jparser) checkPI(path string, pi *ProcInst, decl bool) error {
	if suffix, msg := piProblem(pi, decl); msg != "" {
		return p.errf(path+suffix, msg)
	}
	if strings.ContainsRune(pi.Inst, '\r') {
		return p.errf(path+".text", "a carriage return in a processing instruction does not survive XML")
	}
	return nil
}

// checkDirective allows one DOCTYPE that XML reads back as exactly itself.
func (p *jparser) checkDirective(path, s string) error {
	if msg := directiveProblem(s); msg != "" {
		return p.errf(path+".text", msg)
	}
	return nil
}

// checkTexts refuses what XML would not read back as the same nodes: an empty text node,
// two text nodes in a row (XML merges them), CDATA containing "]]>" or a carriage return.
func (p *jparser) checkText(path string, t *Text, prevText bool) error {
	switch {
	case t.CDATA:
		if msg := cdataProblem(t.Data); msg != "" {
			return p.errf(path+".text", msg)
		}
	case t.Data == "":
		return p.errf(path+".text", "a text node cannot be empty")
	case prevText:
		return p.errf(path, "two text nodes in a row are one text in XML")
	}
	return nil
}
