package validate

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// dateKind classifies an EffectiveDate.
type dateKind int

const (
	dateOK      dateKind = iota // an xs:date
	dateTime                    // a dateTime, which rwslib and InForm write; the date part counts
	dateInvalid                 // neither
)

type dateValue struct {
	t    time.Time
	kind dateKind
}

var (
	// xsDate is the lexical form of xs:date restricted to four-digit years: a negative or
	// five-digit year is legal xs:date but cannot be an EffectiveDate anyone meant.
	xsDate = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$`)
	// xsDateTime is the lexical form of xs:dateTime, same restriction.
	xsDateTime = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$`)
)

// parseEffectiveDate reads s as an xs:date, or as the dateTime some producers write. The
// calendar must be real (no February 30); a time zone is allowed and ignored, since dates
// of one Location are compared with each other only.
func parseEffectiveDate(s string) dateValue {
	switch {
	case xsDate.MatchString(s):
		if t, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return dateValue{t, dateOK}
		}
	case xsDateTime.MatchString(s):
		if t, err := time.Parse("2006-01-02T15:04:05", s[:19]); err == nil {
			return dateValue{t.Truncate(24 * time.Hour), dateTime}
		}
	}
	return dateValue{kind: dateInvalid}
}

// validEmail accepts an RFC 5322 addr-spec (what net/mail parses as a bare address, so
// no display name, angle brackets or comments) whose domain is a dotted host name or an
// address literal, within the RFC 5321 length limits. UTF-8 is allowed (RFC 6532).
// Quoted local parts are refused: net/mail unquotes them, and no EDC system accepts them.
func validEmail(s string) bool {
	if len(s) > 254 || !utf8.ValidString(s) {
		return false
	}
	if !plainAddrSpec(s) {
		// Quoted local parts, comments, display names, non-ASCII: net/mail decides.
		a, err := mail.ParseAddress(s)
		if err != nil || a.Name != "" || a.Address != s {
			return false
		}
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at > 64 {
		return false
	}
	domain := s[at+1:]
	if strings.HasPrefix(domain, "[") {
		return strings.HasSuffix(domain, "]")
	}
	if !strings.Contains(domain, ".") {
		return false // "jane@example" is legal RFC 5322 and always a typo in AdminData
	}
	for l := range strings.SplitSeq(domain, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if r < utf8.RuneSelf && !(r == '-' || '0' <= r && r <= '9' || 'a' <= r|0x20 && r|0x20 <= 'z') {
				return false
			}
		}
	}
	return true
}

// plainAddrSpec reports whether s is an ASCII addr-spec of two dot-atoms (RFC 5322
// 3.4.1: atext runs joined by single dots, "@" between them), the form nearly every
// e-mail address in an export has. net/mail.ParseAddress accepts each such s as an
// address of no name, equal to s; it took 80% of checking an address, allocating as it
// parsed.
func plainAddrSpec(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && dotAtom(s[:at]) && dotAtom(s[at+1:])
}

// dotAtom reports whether s is atext runs joined by single dots, all ASCII.
func dotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c|0x20 && c|0x20 <= 'z', '0' <= c && c <= '9':
		case c == '.':
			if s[i-1] == '.' {
				return false
			}
		case strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// phoneExtension matches an extension at the end of a number: "x12", "ext. 12".
var phoneExtension = regexp.MustCompile(`(?i)\s*(x|ext\.?|extension)\s*[0-9]+$`)

// validPhone accepts what people write as a phone number: digits, spaces and the
// separators + - ( ) . /, with "+" only in front, at least three digits, and an optional
// extension. ODM types phone numbers as free text, so a miss is a warning: it catches
// "n/a" and "call the front desk", not formatting styles.
func validPhone(s string) bool {
	s = strings.TrimSpace(s)
	// An extension needs an x or an e ("x12", "ext. 12"); most numbers have neither, and
	// skip the expression, which is the costliest part of a check of a large export.
	if strings.ContainsAny(s, "xXeE") {
		s = phoneExtension.ReplaceAllString(s, "")
	}
	digits := 0
	for i, r := range s {
		switch {
		case '0' <= r && r <= '9':
			digits++
		case r == '+':
			if i != 0 {
				return false
			}
		case strings.ContainsRune(" -()./", r):
		default:
			return false
		}
	}
	return digits >= 3
}
