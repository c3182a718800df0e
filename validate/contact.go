package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/odmadmin/odmadmin/internal/jsontext"
	"github.com/odmadmin/odmadmin/odm"
)

// Contact is one participant contact record as the OpenClinica participant API takes it
// (OpenClinica participant API). Empty strings mean "not given", exactly as the server treats them.
type Contact struct {
	SubjectKey     string `json:"subjectKey,omitempty"`
	FirstName      string `json:"firstName,omitempty"`
	LastName       string `json:"lastName,omitempty"`
	MiddleName     string `json:"middleName,omitempty"`
	EmailAddress   string `json:"emailAddress,omitempty"`
	PhoneNumber    string `json:"phoneNumber,omitempty"`
	SecondaryID    string `json:"secondaryId,omitempty"` // input may also call it "identifier"
	StreetAddress1 string `json:"streetAddress1,omitempty"`
	StreetAddress2 string `json:"streetAddress2,omitempty"`
	Country        string `json:"country,omitempty"`
	City           string `json:"city,omitempty"`
	State          string `json:"state,omitempty"`
	PostalCode     string `json:"postalCode,omitempty"`
	FullDob        string `json:"fullDob,omitempty"` // YYYY-MM-DD
	HospitalNumber string `json:"hospitalNumber,omitempty"`
	Register       string `json:"register,omitempty"` // y or n; empty means n
}

// IdentifierAlias is the older API name of secondaryId (OpenClinica 4.13's request DTO).
// [Contact.Set] and JSON decoding accept it.
const IdentifierAlias = "identifier"

// contactField describes one field of [Contact]: its API name, a human label for messages,
// its length limit and its format rule. The order of contactFields is the order of findings.
type contactField struct {
	name    string
	label   string
	get     func(*Contact) *string
	max     int  // 0: no length rule
	tooLong Code // reported when the UTF-16 length exceeds max
	valid   func(string) bool
	invalid Code // reported when valid returns false
	hint    string
	// suggest returns the value in the valid form when there is exactly one; may be nil.
	suggest func(string) (string, bool)
}

// The server's patterns (StudyParticipantServiceImpl, OpenClinica 4.13.x) are
//
//	INTL_PHONE_PATTERN = ^\+[0-9]{1,3} [0-9]{1,14}$
//	EMAIL_PATTERN      = ^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$
//
// isServerPhone and isServerEmail implement them by hand because regexp matching was half
// the cost of validating a record. A test runs both against the verbatim patterns.

// isServerPhone matches INTL_PHONE_PATTERN: "+", 1-3 ASCII digits, one space, 1-14 digits.
func isServerPhone(s string) bool {
	if len(s) < 4 || s[0] != '+' {
		return false
	}
	sp := strings.IndexByte(s, ' ')
	if sp < 2 || sp > 4 {
		return false
	}
	num := s[sp+1:]
	return allDigits(s[1:sp]) && len(num) >= 1 && len(num) <= 14 && allDigits(num)
}

// isServerEmail matches EMAIL_PATTERN: dot-separated atoms, "@", and at least two
// dot-separated domain labels that start and end with a letter or digit.
func isServerEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	afterDot := true // an atom may not be empty, so the local part may not start with a dot
	for i := 0; i < len(local); i++ {
		c := local[i]
		switch {
		case c == '.':
			if afterDot {
				return false
			}
			afterDot = true
		case isAlnum(c) || strings.IndexByte("!#$%&'*+/=?^_`{|}~-", c) >= 0:
			afterDot = false
		default:
			return false
		}
	}
	if afterDot {
		return false
	}
	labels, start := 0, 0
	for i := 0; i <= len(domain); i++ {
		if i < len(domain) && domain[i] != '.' {
			continue
		}
		if !isLabel(domain[start:i]) {
			return false
		}
		labels++
		start = i + 1
	}
	return labels >= 2
}

func isLabel(s string) bool {
	if s == "" || !isAlnum(s[0]) || !isAlnum(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if !isAlnum(s[i]) && s[i] != '-' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var contactFields = []contactField{
	{name: "subjectKey", label: "participant ID", get: func(c *Contact) *string { return &c.SubjectKey },
		max: 30, tooLong: CodeParticipantIDLongerThan30Characters,
		valid: noHTMLBrackets, invalid: CodeParticipantIDContainsUnsupportedHTMLCharacter,
		hint: "contains < or >, which the server rejects as HTML"},
	{name: "firstName", label: "first name", get: func(c *Contact) *string { return &c.FirstName },
		max: 35, tooLong: CodeFirstNameTooLong},
	{name: "lastName", label: "last name", get: func(c *Contact) *string { return &c.LastName },
		max: 35, tooLong: CodeLastNameTooLong},
	{name: "middleName", label: "middle name", get: func(c *Contact) *string { return &c.MiddleName },
		max: 35, tooLong: CodeMiddleNameTooLong},
	{name: "emailAddress", label: "email address", get: func(c *Contact) *string { return &c.EmailAddress },
		max: 255, tooLong: CodeEmailAddressTooLong,
		valid: isServerEmail, invalid: CodeInvalidEmailAddress,
		hint: "is not an address the server accepts: local@domain.tld with ASCII letters, digits and !#$%&'*+/=?^_`{|}~- only"},
	{name: "phoneNumber", label: "phone number", get: func(c *Contact) *string { return &c.PhoneNumber },
		max: 17, tooLong: CodePhoneNumberTooLong,
		valid: isServerPhone, invalid: CodeInvalidPhoneNumber,
		hint:    `is not in the form "+CC NUMBER": a plus sign, a 1-3 digit country code, one space and 1-14 digits`,
		suggest: SuggestPhone},
	{name: "secondaryId", label: "secondary ID", get: func(c *Contact) *string { return &c.SecondaryID },
		max: 35, tooLong: CodeSecondaryIDTooLong},
	{name: "streetAddress1", label: "street address 1", get: func(c *Contact) *string { return &c.StreetAddress1 },
		max: 155, tooLong: CodeStreetAddress1TooLong},
	{name: "streetAddress2", label: "street address 2", get: func(c *Contact) *string { return &c.StreetAddress2 },
		max: 155, tooLong: CodeStreetAddress2TooLong},
	{name: "country", label: "country", get: func(c *Contact) *string { return &c.Country },
		max: 155, tooLong: CodeCountryTooLong},
	{name: "city", label: "city", get: func(c *Contact) *string { return &c.City },
		max: 155, tooLong: CodeCityTooLong},
	{name: "state", label: "state", get: func(c *Contact) *string { return &c.State },
		max: 155, tooLong: CodeStateTooLong},
	{name: "postalCode", label: "postal code", get: func(c *Contact) *string { return &c.PostalCode },
		max: 35, tooLong: CodePostalCodeTooLong},
	{name: "fullDob", label: "full date of birth", get: func(c *Contact) *string { return &c.FullDob },
		valid: isISODate, invalid: CodeInvalidFullDob,
		hint: "is not a real calendar date written YYYY-MM-DD"},
	{name: "hospitalNumber", label: "hospital number", get: func(c *Contact) *string { return &c.HospitalNumber },
		max: 35, tooLong: CodeHospitalNumberTooLong},
	{name: "register", label: "register", get: func(c *Contact) *string { return &c.Register },
		valid: isRegisterValue, invalid: CodeInvalidRegisterValue,
		hint: "is not y or n (the server also takes yes and no, in any case)"},
}

// isContactData reports whether the field is one of the API's "Participant Contact Fields",
// which a study-level participant may not have. Only the participant ID and the register
// switch are not contact data.
func (f *contactField) isContactData() bool {
	return f.name != "subjectKey" && f.name != "register"
}

// ContactFields returns the API field names of [Contact] in the order findings report them.
// The alias [IdentifierAlias] is not included.
func ContactFields() []string {
	names := make([]string, len(contactFields))
	for i, f := range contactFields {
		names[i] = f.name
	}
	return names
}

// Set stores value in the field with the given API name ("identifier" sets SecondaryID).
// It reports an error for a name that is not a contact field, so input with a misspelt
// column is rejected instead of silently validating nothing.
func (c *Contact) Set(name, value string) error {
	switch name {
	case "subjectKey":
		c.SubjectKey = value
	case "firstName":
		c.FirstName = value
	case "lastName":
		c.LastName = value
	case "middleName":
		c.MiddleName = value
	case "emailAddress":
		c.EmailAddress = value
	case "phoneNumber":
		c.PhoneNumber = value
	case "secondaryId", IdentifierAlias:
		c.SecondaryID = value
	case "streetAddress1":
		c.StreetAddress1 = value
	case "streetAddress2":
		c.StreetAddress2 = value
	case "country":
		c.Country = value
	case "city":
		c.City = value
	case "state":
		c.State = value
	case "postalCode":
		c.PostalCode = value
	case "fullDob":
		c.FullDob = value
	case "hospitalNumber":
		c.HospitalNumber = value
	case "register":
		c.Register = value
	default:
		return fmt.Errorf("unknown contact field %q", name)
	}
	return nil
}

// UnmarshalJSON decodes an API request body. Field names must match exactly (the server's
// Jackson mapping is case-sensitive, unlike encoding/json's default), values must be strings
// or null (null means "not given"), and secondaryId and identifier may both appear only with
// the same value.
func (c *Contact) UnmarshalJSON(data []byte) error {
	if err := checkJSONText(data); err != nil {
		return err
	}
	var m map[string]*string
	if err := json.Unmarshal(data, &m); err != nil {
		return explainJSON(data, err)
	}
	if m == nil { // JSON null: leave c alone, as encoding/json expects of an Unmarshaler
		return nil
	}
	if k, ok := duplicateKey(data); ok {
		return fmt.Errorf("field %q given twice", k)
	}
	var rec Contact
	var unknown []string
	for k, v := range m {
		if v == nil {
			continue
		}
		if rec.Set(k, *v) != nil {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown) // map order is random; the error should not be
		return fmt.Errorf("unknown contact field %q", unknown[0])
	}
	if a, b := m["secondaryId"], m[IdentifierAlias]; a != nil && b != nil && *a != *b {
		return fmt.Errorf("secondaryId and %s are both given, with different values", IdentifierAlias)
	}
	*c = rec
	return nil
}

// checkJSONText refuses a record whose strings are not text: bytes that are not UTF-8 (an
// *odm.Error wrapping odm.ErrEncoding, as the ODM readers give for them) or a \u escape of a
// lone UTF-16 surrogate (wrapping odm.ErrJSON), at their line and column in data.
// encoding/json reads either as U+FFFD, and the record would be checked, and passed on,
// with a value the input does not hold. Any other error is left to encoding/json.
func checkJSONText(data []byte) error {
	// The usual record is UTF-8 without a \u escape: two passes over its bytes, no tokens.
	if utf8.Valid(data) && !bytes.Contains(data, []byte(`\u`)) {
		return nil
	}
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	for {
		_, _, err := dec.Next()
		if err == nil {
			continue
		}
		var ee *jsontext.EncodingError
		var se *jsontext.SyntaxError
		switch {
		case errors.As(err, &ee):
			line, col := jsonPos(data, ee.Offset)
			return &odm.Error{Line: line, Col: col, Err: odm.ErrEncoding, Msg: "contact record: " + ee.Msg}
		case errors.As(err, &se) && errors.Is(err, jsontext.ErrLoneSurrogate):
			line, col := jsonPos(data, se.Offset)
			return &odm.Error{Line: line, Col: col, Err: odm.ErrJSON, Msg: "contact record: " + se.Msg}
		}
		return nil // the end of the record, or an error encoding/json reports
	}
}

// jsonPos returns the line and column (from 1, in bytes) of offset off of data.
func jsonPos(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	return 1 + bytes.Count(before, []byte{'\n'}), len(before) - (bytes.LastIndexByte(before, '\n') + 1) + 1
}

// explainJSON replaces encoding/json's error for a record, which names Go types
// ("cannot unmarshal number into Go value of type string"), with one that names the field.
// It walks the tokens only on this error path, since Token is slow.
func explainJSON(data []byte, err error) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, terr := dec.Token()
	if terr != nil {
		return terr
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("a contact record must be a JSON object, not %s", jsonKind(tok))
	}
	seen := map[json.Token]bool{}
	for dec.More() {
		kt, terr := dec.Token()
		if terr != nil {
			return terr
		}
		if seen[kt] {
			return fmt.Errorf("field %q given twice", kt)
		}
		seen[kt] = true
		vt, terr := dec.Token()
		if terr != nil {
			return terr
		}
		switch vt.(type) {
		case nil, string:
		default:
			return fmt.Errorf("field %q must be a string or null, not %s", kt, jsonKind(vt))
		}
	}
	return err
}

// duplicateKey returns the first member name the JSON object data (valid JSON) gives
// twice, and whether there is one: encoding/json keeps the last value of such a name, and which of
// the two was meant cannot be told (an invalid e-mail address, then a valid one, passed).
// It reads the object with the token reader, which is some ten times faster than
// encoding/json's Token.
func duplicateKey(data []byte) (string, bool) {
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	if k, _, err := dec.Next(); err != nil || k != jsontext.ObjectStart {
		return "", false
	}
	var seen map[string]bool
	for depth := 1; depth > 0; {
		k, v, err := dec.Next()
		if err != nil {
			return "", false
		}
		switch {
		case k == jsontext.ObjectStart || k == jsontext.ArrayStart:
			depth++
			continue
		case k == jsontext.ObjectEnd || k == jsontext.ArrayEnd:
			depth--
			continue
		case depth > 1 || k != jsontext.String:
			continue
		}
		// At depth 1 a string is a key; its value follows, read as its own token(s).
		if seen[v] {
			return v, true
		}
		if seen == nil {
			seen = map[string]bool{}
		}
		seen[v] = true
		vk, _, err := dec.Next()
		if err != nil {
			return "", false
		}
		if vk == jsontext.ObjectStart || vk == jsontext.ArrayStart {
			depth++
		}
	}
	return "", false
}

// jsonKind names the JSON type of a token for error messages, without its value.
func jsonKind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			return "an array"
		}
		return "an object"
	case bool:
		return "a boolean"
	case float64, json.Number:
		return "a number"
	case string:
		return "a string"
	}
	return "null"
}

// CheckContact checks one contact record against the field rules and returns every
// violation: fields in the order of [ContactFields], and within a field the length rule
// before the format rule. It returns nil for a valid record. Empty fields are not checked,
// as on the server.
func CheckContact(c Contact, opts Options) []Finding {
	var out []Finding
	for i := range contactFields {
		f := &contactFields[i]
		v := *f.get(&c)
		if v == "" {
			continue
		}
		if f.max > 0 {
			if n := utf16Len(v); n > f.max {
				out = append(out, opts.finding(f.tooLong, f.name, v,
					f.label+" is "+strconv.Itoa(n)+" characters, over the limit of "+strconv.Itoa(f.max)))
			}
		}
		if f.valid != nil && !f.valid(v) {
			fd := opts.finding(f.invalid, f.name, v, f.label+" "+f.hint)
			if f.suggest != nil {
				if s, ok := f.suggest(v); ok {
					fd.Message += "; it has exactly one form the server takes, given as the suggestion when values are shown"
					if opts.Values {
						fd.Suggestion = s
					}
				}
			}
			out = append(out, fd)
		}
	}
	return out
}

// utf16Len counts s the way Java's String.length() does, since the server compares that
// against its limits: one unit per character in the Basic Multilingual Plane, two for a
// character outside it (a surrogate pair). Invalid UTF-8 counts one unit per bad byte, which
// is what a decoder that substitutes U+FFFD produces.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r > 0xFFFF {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func noHTMLBrackets(s string) bool {
	return !strings.ContainsAny(s, "<>")
}

// isRegisterValue accepts what the server acts on ("y"/"yes", any case) plus the explicit
// negatives. The server silently treats anything else as "n", which hides typos like "ja".
func isRegisterValue(s string) bool {
	switch strings.ToLower(s) {
	case "y", "yes", "n", "no":
		return true
	}
	return false
}

// registers reports whether a register value asks for Participate registration.
func registers(s string) bool {
	switch strings.ToLower(s) {
	case "y", "yes":
		return true
	}
	return false
}

// isISODate reports whether s is a real proleptic Gregorian date written YYYY-MM-DD with a
// year from 0001 to 9999. It does not reject future dates: that would make the result
// depend on the clock.
func isISODate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || year < 1 || month < 1 || month > 12 || day < 1 {
		return false
	}
	return day <= daysIn(month, year)
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// SuggestPhone returns phone in the server's form "+CC NUMBER" when that form follows from it
// unambiguously, and false otherwise. It does so only when the number starts with "+" and
// the country code is set apart by a separator (space, hyphen, dot, slash or bracket):
// "+1 (555) 555-1212", "+1-555-555-1212" and "+44 20 7946 0000" become "+1 5555551212" and
// "+44 2079460000". Without "+" the country code is unknown, and "+15555551212" could be
// country code 1, 15 or 155, so neither gets a suggestion; nor does a result the server
// would still refuse (over 14 digits, over 17 characters) or a value with letters.
func SuggestPhone(phone string) (string, bool) {
	s := strings.TrimSpace(phone)
	if len(s) < 2 || s[0] != '+' {
		return "", false
	}
	var groups []string
	cur := []byte{}
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			cur = append(cur, c)
		case strings.IndexByte(" -./()\t", c) >= 0:
			if len(cur) > 0 {
				groups = append(groups, string(cur))
				cur = cur[:0]
			}
		default:
			return "", false
		}
	}
	if len(cur) > 0 {
		groups = append(groups, string(cur))
	}
	if len(groups) < 2 || len(groups[0]) > 3 {
		return "", false
	}
	out := "+" + groups[0] + " " + strings.Join(groups[1:], "")
	if out == s || !isServerPhone(out) || utf16Len(out) > 17 {
		return "", false
	}
	return out, true
}

// bulkHeaders maps the column headers of OpenClinica's bulk participant CSV (ParticipantID,
// FirstName, LastName, EmailAddress, MobileNumber, as the OpenClinica server reads them),
// folded by headerKey, to the API field names.
var bulkHeaders = map[string]string{
	"participantid": "subjectKey",
	"firstname":     "firstName",
	"lastname":      "lastName",
	"emailaddress":  "emailAddress",
	"mobilenumber":  "phoneNumber",
}

// FieldName returns the API field name a column header stands for: an API field name
// ([ContactFields], or [IdentifierAlias]) as it is, or a header of OpenClinica's bulk
// participant CSV (ParticipantID, FirstName, LastName, EmailAddress, MobileNumber; letter
// case and spaces ignored). It returns false for any other header.
func FieldName(header string) (string, bool) {
	h := strings.TrimSpace(header)
	var probe Contact
	if probe.Set(h, "") == nil {
		return h, true
	}
	key := strings.ToLower(strings.Join(strings.Fields(h), ""))
	name, ok := bulkHeaders[key]
	return name, ok
}
