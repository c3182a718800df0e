package validate

import (
	"errors"
	"strings"

	"github.com/odmadmin/odmadmin/odm"
)

// readerWarnings turns the odm reader's warnings into findings, so that one report lists
// everything with its line. The reader's messages name elements and attributes, never
// values, so they are used as they are.
//
// Some warnings restate a rule the value checks report with a more specific code (a
// missing OID, a Location without MetaDataVersionRef, a SignatureDef without Meaning, an
// EffectiveDate that is not an xs:date); those are dropped so each problem is reported
// once. The match is on the reader's wording; a warning this table does not know still
// becomes a finding, admin.readerWarning, so a new reader warning is never lost.
func (c *adminChecker) readerWarnings() {
	var users map[pos]*odm.User // built on first need
	for _, w := range c.doc.Warnings {
		if w == nil {
			continue
		}
		code, msg, keep := classifyReaderWarning(w)
		if !keep {
			continue
		}
		line, col, field := w.Line, w.Col, ""
		// The reader places warnings about a User's text children on the User; the
		// source index knows where the child itself stood.
		if elem, which := userChildOf(code, w.Msg); elem != "" {
			if users == nil {
				users = c.usersByPos()
			}
			if u := users[pos{w.Line, w.Col}]; u != nil {
				line, col = c.childAt(&u.Ext, elem, which(u))
				field = "User/" + elem
			}
		}
		c.add(SeverityWarning, code, field, line, col, "", msg)
	}
}

func (c *adminChecker) usersByPos() map[pos]*odm.User {
	m := map[pos]*odm.User{}
	for _, ad := range c.doc.AdminData() {
		for _, u := range ad.Users {
			if u != nil {
				m[pos{u.Line, u.Col}] = u
			}
		}
	}
	return m
}

// userChildOf recognises the reader warnings about a User's text child ("empty Fax
// element", "FullName contains consecutive spaces") and returns the child's name and a
// function that picks which of the User's children of that name the warning is about.
func userChildOf(code Code, msg string) (string, func(*odm.User) int) {
	first := func(*odm.User) int { return 0 }
	firstEmpty := func(list func(*odm.User) []string) func(*odm.User) int {
		return func(u *odm.User) int {
			for i, s := range list(u) {
				if strings.TrimSpace(s) == "" {
					return i
				}
			}
			return 0
		}
	}
	switch code {
	case CodeEmptyElement:
		switch msg {
		case "empty Email element":
			return "Email", firstEmpty(func(u *odm.User) []string { return u.Emails })
		case "empty Fax element":
			return "Fax", firstEmpty(func(u *odm.User) []string { return u.Faxes })
		case "empty Phone element":
			return "Phone", firstEmpty(func(u *odm.User) []string { return u.Phones })
		}
	case CodeConsecutiveSpaces:
		if elem, ok := strings.CutSuffix(msg, " contains consecutive spaces"); ok {
			switch elem {
			case "DisplayName", "FullName", "FirstName", "LastName":
				return elem, first
			}
		}
	}
	return "", nil
}

func classifyReaderWarning(w *odm.Error) (Code, string, bool) {
	m := w.Msg
	switch {
	case errors.Is(w.Err, odm.ErrUnknown):
		if strings.HasPrefix(m, "text is not allowed") {
			return CodeUnexpectedText, m, true
		}
		return CodeUnknownContent, m + "; it is kept as is", true
	case errors.Is(w.Err, odm.ErrQuirk):
		switch {
		case strings.HasSuffix(m, " has no OID"), // admin.missingAttribute
			strings.Contains(m, "has no MetaDataVersionRef"),    // admin.missingMetaDataVersionRef
			strings.Contains(m, "lacks Meaning or LegalReason"), // admin.missingMeaning, admin.missingLegalReason
			strings.Contains(m, "EffectiveDate is"):             // admin.effectiveDateTime, admin.invalidEffectiveDate
			return "", "", false
		case strings.Contains(m, "leading or trailing white space"):
			return CodeOIDWhitespace, m, true
		case strings.HasPrefix(m, "empty ") && strings.HasSuffix(m, " element"):
			return CodeEmptyElement, m, true
		case strings.Contains(m, "consecutive spaces"):
			return CodeConsecutiveSpaces, m, true
		}
	}
	msg := m
	if msg == "" && w.Err != nil {
		msg = w.Err.Error()
	}
	return CodeReaderWarning, "odm reader: " + msg, true
}
