package odm

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// xsDate matches the lexical space of xs:date: an optional minus, a year of at least four
// digits, month, day, and an optional time zone.
var xsDate = regexp.MustCompile(`^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$`)

func isXSDate(s string) bool {
	if !xsDate.MatchString(s) {
		return false
	}
	_, err := ParseDate(s)
	return err == nil
}

// ParseDate reads an ODM date leniently: an xs:date ("2006-02-15", optionally with a zone)
// or the dateTime some producers write instead ("2005-04-01T00:00:00+00:00"). It returns
// the calendar date at midnight UTC.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, 'T'); i >= 0 {
		s = s[:i]
	} else if len(s) > 10 {
		// Drop a zone suffix of an xs:date ("2006-02-15Z", "2006-02-15+01:00").
		s = s[:10]
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("not a date: %w", err)
	}
	return t, nil
}

// checkTyped reports producer quirks of a typed value just read (quirks of its text
// children are reported as each child is read, by checkText). The values stay as they
// were written; these are warnings.
func (s *scanner) checkTyped(m model, sp *spec, attrs []Attr, lay []entry) error {
	x := m.ext()
	line, col := x.Line, x.Col
	w := func(code WarningCode, msg string) error { return s.warn(ErrQuirk, code, msg, line, col) }
	for _, a := range sp.attrs {
		if a.name == "OID" && *m.attrPtr(a.field) == "" {
			if _, present := findAttr(attrs, "", "OID"); !present {
				if err := w(WarnMissingOID, sp.name+" has no OID"); err != nil {
					return err
				}
			}
		}
	}
	switch v := m.(type) {
	case *addressModel:
		if isEmptyAddress((*Address)(v)) {
			if err := w(WarnEmptyElement, "empty Address element"); err != nil {
				return err
			}
		}
	case *locationModel:
		if len(v.MetaDataVersionRefs) == 0 {
			if err := w(WarnMissingMDVRef, "Location has no MetaDataVersionRef (ODM requires at least one)"); err != nil {
				return err
			}
		}
	case *sigModel:
		if !hasField(lay, 0) || !hasField(lay, 1) {
			if err := w(WarnMissingSignatureDef, "SignatureDef lacks Meaning or LegalReason (ODM requires both)"); err != nil {
				return err
			}
		}
	}
	return nil
}

// userTextChecks are the text children of User checkText looks at (spec.textChecks).
const userTextChecks = 1<<uDisplayName | 1<<uFullName | 1<<uFirstName | 1<<uLastName | 1<<uEmails | 1<<uFaxes | 1<<uPhones

// checkText reports quirks of a User's text child at the child's own position: names with
// consecutive spaces (Rave writes "Ian  Sparks" for an empty middle name) and empty
// e-mail, fax and phone elements. A field it looks at belongs in userTextChecks too: the
// decoder's quick way with a plain text child calls it for those only.
func (s *scanner) checkText(sp *spec, k kidSpec, en *rawEntry, line, col int32) error {
	if sp != specUser13 && sp != specUser20 {
		return nil
	}
	switch k.field {
	case uDisplayName, uFullName, uFirstName, uLastName:
		if hasDoubleSpace(en.text) {
			return s.warn(ErrQuirk, WarnConsecutiveSpaces, k.name+" contains consecutive spaces", int(line), int(col))
		}
	case uEmails, uFaxes, uPhones:
		// A value that begins with a printable ASCII character is not blank: most are.
		if t := en.text; (t == "" || t[0] <= ' ' || t[0] >= 0x80) && strings.TrimSpace(t) == "" {
			return s.warn(ErrQuirk, WarnEmptyElement, "empty "+k.name+" element", int(line), int(col))
		}
	}
	return nil
}

// hasDoubleSpace is strings.Contains(t, "  "). A name is short: a loop over its bytes
// costs about half the instructions of the call to the general search, which is kept for
// a long value.
func hasDoubleSpace(t string) bool {
	if len(t) > 32 {
		return strings.Contains(t, "  ")
	}
	for i := 1; i < len(t); i++ {
		if t[i] == ' ' && t[i-1] == ' ' {
			return true
		}
	}
	return false
}

func isEmptyAddress(a *Address) bool {
	return len(a.StreetNames) == 0 && a.HouseNumber == "" && a.City == "" && a.StateProv == "" &&
		a.Country == "" && a.PostalCode == "" && a.GeoPosition == nil && a.OtherText == ""
}

func hasField(lay []entry, f int) bool {
	for _, e := range lay {
		if e.kind == eField && int(e.field) == f {
			return true
		}
	}
	return false
}

func findAttr(attrs []Attr, space, local string) (string, bool) {
	for _, a := range attrs {
		if a.Name.Is(space, local) {
			return a.Value, true
		}
	}
	return "", false
}
