package odm

import "bytes"

// asWritten reports whether b, the bytes of a well-formed element as read (from its start
// tag to its end tag), are the bytes the encoder writes for that element decoded and not
// edited, as far as the lexical form goes: none of the normalizations the package
// documentation lists (Fidelity) applies to them. Then Transform may copy them instead of
// encoding the record again (AsRead). It errs on the side of no: a form it does not
// know for certain to come back the same (a processing instruction, a reference other
// than the ones the encoder writes) is encoding's to write.
//
// What it requires:
//   - no carriage return (line ends are normalized to a line feed when read);
//   - a tag is "<" name, then per attribute one space, its name, `="`, its value and
//     `"`, then ">" or "/>"; an end tag is "</" name ">" (no other white space inside a
//     tag, no single quotes);
//   - an attribute value holds no tab or line feed (normalized to a space when read) and
//     no reference but &amp; &lt; &quot; &#9; &#10; &#13; (which the encoder writes for
//     & < " tab, line feed and carriage return);
//   - text holds no ">" and no reference but &amp; &lt; &gt;;
//   - comments and CDATA sections are copied as they are by both; no processing
//     instruction.
func asWritten(b []byte) bool {
	n := len(b)
	i := 0
	for i < n {
		// Text: most bytes need no look.
		for i < n && !textStop[b[i]] {
			i++
		}
		if i >= n {
			break
		}
		switch b[i] {
		case '&':
			l := refLen(b[i:], textRefs)
			if l == 0 {
				return false
			}
			i += l
			continue
		case '<':
		default: // '>', '\r'
			return false
		}
		if i+1 >= n {
			return false
		}
		switch b[i+1] {
		case '/':
			j := i + 2
			for j < n && !tagStop[b[j]] {
				j++
			}
			if j >= n || b[j] != '>' {
				return false
			}
			i = j + 1
		case '!':
			rest := b[i:]
			opn, cls := commentOpen, commentClose
			if !bytes.HasPrefix(rest, opn) {
				opn, cls = cdataOpen, cdataClose
				if !bytes.HasPrefix(rest, opn) {
					return false
				}
			}
			e := bytes.Index(rest[len(opn):], cls)
			// A carriage return inside is normalized as anywhere else.
			if e < 0 || bytes.IndexByte(rest[:len(opn)+e], '\r') >= 0 {
				return false
			}
			i += len(opn) + e + len(cls)
		case '?':
			return false
		default:
			j, ok := tagAsWritten(b, i+1)
			if !ok {
				return false
			}
			i = j
		}
	}
	return true
}

var (
	commentOpen, commentClose = []byte("<!--"), []byte("-->")
	cdataOpen, cdataClose     = []byte("<![CDATA["), []byte("]]>")
	textRefs                  = []string{"&amp;", "&lt;", "&gt;"}
	attrRefs                  = []string{"&amp;", "&lt;", "&quot;", "&#9;", "&#10;", "&#13;"}
)

// textStop marks the bytes of text asWritten looks at; tagStop those that end a name in
// a tag (white space, "=", "/", ">", quotes); valueStop those of an attribute value.
var textStop, tagStop, valueStop = func() (t, g, v [256]bool) {
	for _, c := range "<&>\r" {
		t[c] = true
	}
	for _, c := range " \t\n\r=/>\"'<" {
		g[c] = true
	}
	for _, c := range "\"&\t\n\r<" {
		v[c] = true
	}
	return t, g, v
}()

// refLen returns the length of the reference b starts with when it is one of refs, else 0.
func refLen(b []byte, refs []string) int {
	for _, r := range refs {
		if len(b) >= len(r) && string(b[:len(r)]) == r {
			return len(r)
		}
	}
	return 0
}

// tagAsWritten checks the start tag whose name starts at b[i] (see asWritten) and returns
// the index after it.
func tagAsWritten(b []byte, i int) (int, bool) {
	n := len(b)
	if i >= n || tagStop[b[i]] {
		return 0, false
	}
	for i < n && !tagStop[b[i]] {
		i++
	}
	for i < n {
		switch b[i] {
		case '>':
			return i + 1, true
		case '/':
			if i+1 < n && b[i+1] == '>' {
				return i + 2, true
			}
			return 0, false
		case ' ':
			i++
			if i >= n || tagStop[b[i]] {
				return 0, false // more than one space, or a space before "/>"
			}
			for i < n && !tagStop[b[i]] {
				i++
			}
			if i+1 >= n || b[i] != '=' || b[i+1] != '"' {
				return 0, false
			}
			i += 2
			for {
				for i < n && !valueStop[b[i]] {
					i++
				}
				if i >= n {
					return 0, false
				}
				if b[i] == '"' {
					i++
					break
				}
				if b[i] != '&' {
					return 0, false
				}
				l := refLen(b[i:], attrRefs)
				if l == 0 {
					return 0, false
				}
				i += l
			}
		default:
			return 0, false
		}
	}
	return 0, false
}
