package validate

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/odmadmin/odmadmin/internal/testenv"
)

// seedLimits are the length limits as seed 002 states them ("Maximum length of N
// characters"; the participant ID's 30 comes from its error code). TestSeedLimits checks
// this table against the seed text so the other tests can rely on it without the file.
var seedLimits = map[string]int{
	"subjectKey":     30,
	"firstName":      35,
	"lastName":       35,
	"middleName":     35,
	"streetAddress1": 155,
	"streetAddress2": 155,
	"city":           155,
	"state":          155,
	"country":        155,
	"postalCode":     35,
	"emailAddress":   255,
	"phoneNumber":    17,
	"secondaryId":    35,
	"hospitalNumber": 35,
}

// seedTooLong is the code seed 002 names for each limit.
var seedTooLong = map[string]Code{
	"subjectKey":     "errorCode.participantIDLongerThan30Characters",
	"firstName":      "errorCode.firstNameTooLong",
	"lastName":       "errorCode.lastNameTooLong",
	"middleName":     "errorCode.middleNameTooLong",
	"streetAddress1": "errorCode.streetAddress1TooLong",
	"streetAddress2": "errorCode.streetAddress2TooLong",
	"city":           "errorCode.cityTooLong",
	"state":          "errorCode.stateTooLong",
	"country":        "errorCode.countryTooLong",
	"postalCode":     "errorCode.postalCodeTooLong",
	"emailAddress":   "errorCode.emailAddressTooLong",
	"phoneNumber":    "errorCode.phoneNumberTooLong",
	"secondaryId":    "errorCode.secondaryIdTooLong",
	"hospitalNumber": "errorCode.hospitalNumberTooLong",
}

const seed002 = "seeds/002_1ac3b847c3476364.txt"

func TestSeedLimits(t *testing.T) {
	b, err := os.ReadFile(testenv.Shared(t, seed002))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	// The seed runs the rules together ("...valid email formatphoneNumber: Maximum length of
	// 17 characters"), so look each known field up and count the rules separately.
	codes := regexp.MustCompile(`(errorCode\.[A-Za-z0-9]+TooLong): .*? (\d+) character limit`).FindAllStringSubmatch(text, -1)
	if n := strings.Count(text, "Maximum length of"); n != len(seedLimits)-1 {
		t.Errorf("seed states %d length rules, table has %d besides subjectKey", n, len(seedLimits)-1)
	}
	if !strings.Contains(text, "errorCode.participantIDLongerThan30Characters: The Participant ID exceeds the 30 character limit") {
		t.Error("seed no longer states the 30-character participant ID limit")
	}
	for f, n := range seedLimits {
		if f == "subjectKey" {
			continue
		}
		m := regexp.MustCompile(f + `: Maximum length of (\d+) characters`).FindStringSubmatch(text)
		if m == nil || m[1] != strconv.Itoa(n) {
			t.Errorf("%s: seed says %v, table %d", f, m, n)
		}
	}
	if len(codes) != len(seedTooLong)-1 {
		t.Errorf("seed names %d TooLong codes, table has %d besides the participant ID", len(codes), len(seedTooLong)-1)
	}
	for _, m := range codes {
		n, _ := strconv.Atoi(m[2])
		field := ""
		for f, c := range seedTooLong {
			if string(c) == m[1] {
				field = f
			}
		}
		if field == "" {
			t.Errorf("seed code %s has no entry in seedTooLong", m[1])
			continue
		}
		if seedLimits[field] != n {
			t.Errorf("%s: code says %d, rule says %d", m[1], n, seedLimits[field])
		}
	}
}

// fc is an expected finding: the field and the code.
type fc struct {
	field string
	code  Code
}

type contactCase struct {
	name   string
	reason string
	rec    Contact
	want   []fc
}

// rep repeats s until the result is n UTF-16 units long; s must be one unit or, for
// characters outside the BMP, two units with n even.
func rep(s string, n int) string {
	return strings.Repeat(s, n/utf16Len(s))
}

const (
	cyr   = "Д" // Cyrillic: 2 bytes, 1 unit
	cjk   = "山" // CJK: 3 bytes, 1 unit
	accE  = "ë" // precomposed accented letter: 2 bytes, 1 unit
	emoji = "😀" // outside the BMP: 4 bytes, 2 units
)

// contactCases are the table for CheckContact. Limits come from seedLimits, formats from the
// server patterns in the research notes; nothing here is copied from the implementation.
var contactCases = func() []contactCase {
	cs := []contactCase{
		{name: "empty", reason: "every field is optional and empty means absent, as on the server", rec: Contact{}},
		{name: "seed-example", reason: "the seed's own cURL example must pass",
			rec: Contact{SubjectKey: "OHIO-5", FirstName: "OHIO-5", LastName: "ОНІО", EmailAddress: "ada@example.org", PhoneNumber: "+1 1234567890"}},
		{name: "full-valid", reason: "every field at a plausible valid value",
			rec: Contact{SubjectKey: "SS-001", FirstName: "Ada", LastName: "Example", MiddleName: "Q", EmailAddress: "ada.example+trial@mail.example.org",
				PhoneNumber: "+44 2071234567", SecondaryID: "SEC-1", StreetAddress1: "1 Example Road", StreetAddress2: "Flat 2", Country: "Exampleland",
				City: "Sampleton", State: "Demo", PostalCode: "EX1 2MP", FullDob: "1970-01-31", HospitalNumber: "H-77", Register: "n"}},

		// Participant ID.
		{name: "subjectKey-html", reason: "< and > are rejected in the participant ID (seed 002)",
			rec: Contact{SubjectKey: "SS<1>"}, want: []fc{{"subjectKey", CodeParticipantIDContainsUnsupportedHTMLCharacter}}},
		{name: "subjectKey-gt-only", reason: "either bracket alone is enough",
			rec: Contact{SubjectKey: "SS>1"}, want: []fc{{"subjectKey", CodeParticipantIDContainsUnsupportedHTMLCharacter}}},
		{name: "subjectKey-long-and-html", reason: "one field breaking two rules reports both, length first",
			rec:  Contact{SubjectKey: "<" + rep("x", seedLimits["subjectKey"])},
			want: []fc{{"subjectKey", CodeParticipantIDLongerThan30Characters}, {"subjectKey", CodeParticipantIDContainsUnsupportedHTMLCharacter}}},
		{name: "subjectKey-other-markup", reason: "only < and > are named; & and quotes pass",
			rec: Contact{SubjectKey: `SS&"1'`}},

		// UTF-16 counting.
		{name: "cyrillic-at-limit", reason: "35 Cyrillic letters are 70 bytes but 35 units: valid",
			rec: Contact{FirstName: rep(cyr, 35), LastName: rep(cyr, 35)}},
		{name: "cyrillic-over", reason: "36 Cyrillic letters are over 35",
			rec: Contact{FirstName: rep(cyr, 36)}, want: []fc{{"firstName", CodeFirstNameTooLong}}},
		{name: "cjk-at-limit", reason: "CJK characters count one each (105 bytes, 35 units)",
			rec: Contact{MiddleName: rep(cjk, 35)}},
		{name: "cjk-over", reason: "36 CJK characters are over 35",
			rec: Contact{MiddleName: rep(cjk, 36)}, want: []fc{{"middleName", CodeMiddleNameTooLong}}},
		{name: "accented-at-limit", reason: "precomposed accented letters count one each",
			rec: Contact{City: rep(accE, 155)}},
		{name: "accented-over", reason: "156 accented letters are over 155",
			rec: Contact{City: rep(accE, 156)}, want: []fc{{"city", CodeCityTooLong}}},
		{name: "emoji-under", reason: "17 emoji are 34 units, under 35",
			rec: Contact{LastName: strings.Repeat(emoji, 17)}},
		{name: "emoji-over", reason: "18 emoji are only 18 code points but 36 units, over 35",
			rec: Contact{LastName: strings.Repeat(emoji, 18)}, want: []fc{{"lastName", CodeLastNameTooLong}}},
		{name: "emoji-odd", reason: "17 emoji plus one letter are 35 units: exactly at the limit",
			rec: Contact{HospitalNumber: strings.Repeat(emoji, 17) + "x"}},
		{name: "emoji-odd-over", reason: "17 emoji plus two letters are 36 units",
			rec: Contact{HospitalNumber: strings.Repeat(emoji, 17) + "xy"}, want: []fc{{"hospitalNumber", CodeHospitalNumberTooLong}}},

		// E-mail: limit from the seed, pattern from the server.
		{name: "email-no-dot", reason: "the server pattern needs at least one dot in the domain",
			rec: Contact{EmailAddress: "ada@example"}, want: []fc{{"emailAddress", CodeInvalidEmailAddress}}},
		{name: "email-no-at", reason: "an address needs @",
			rec: Contact{EmailAddress: "ada.example.org"}, want: []fc{{"emailAddress", CodeInvalidEmailAddress}}},
		{name: "email-trailing-dot-local", reason: "dot-atoms may not end with a dot",
			rec: Contact{EmailAddress: "ada.@example.org"}, want: []fc{{"emailAddress", CodeInvalidEmailAddress}}},
		{name: "email-hyphen-label", reason: "a domain label may not start with a hyphen",
			rec: Contact{EmailAddress: "ada@-example.org"}, want: []fc{{"emailAddress", CodeInvalidEmailAddress}}},
		{name: "email-non-ascii", reason: "the server's classes are ASCII only",
			rec: Contact{EmailAddress: "zoë@example.org"}, want: []fc{{"emailAddress", CodeInvalidEmailAddress}}},
		{name: "email-newline", reason: "Java matches() needs the whole string, so a trailing newline fails",
			rec: Contact{EmailAddress: "ada@example.org\n"}, want: []fc{{"emailAddress", CodeInvalidEmailAddress}}},
		{name: "email-space", reason: "spaces are not in the pattern",
			rec: Contact{EmailAddress: " ada@example.org"}, want: []fc{{"emailAddress", CodeInvalidEmailAddress}}},
		{name: "email-specials", reason: "the pattern allows the RFC 5322 atom specials",
			rec: Contact{EmailAddress: "a!#$%&'*+/=?^_`{|}~-z@example.org"}},
		{name: "email-at-limit", reason: "a valid address of exactly 255 characters passes",
			rec: Contact{EmailAddress: rep("a", 255-len("@example.org")) + "@example.org"}},
		{name: "email-over-valid-form", reason: "256 characters in valid form: only the length rule fails",
			rec:  Contact{EmailAddress: rep("a", 256-len("@example.org")) + "@example.org"},
			want: []fc{{"emailAddress", CodeEmailAddressTooLong}}},
		{name: "email-over-and-invalid", reason: "too long and malformed: both, length first",
			rec:  Contact{EmailAddress: rep("a", 256)},
			want: []fc{{"emailAddress", CodeEmailAddressTooLong}, {"emailAddress", CodeInvalidEmailAddress}}},

		// Phone: limit from the seed, pattern from the server.
		{name: "phone-min", reason: "one-digit country code and one digit",
			rec: Contact{PhoneNumber: "+1 2"}},
		{name: "phone-at-limit", reason: "+1, a space and 14 digits are exactly 17 characters",
			rec: Contact{PhoneNumber: "+1 " + rep("9", 14)}},
		{name: "phone-no-plus", reason: "the pattern starts with +",
			rec: Contact{PhoneNumber: "1 1234567890"}, want: []fc{{"phoneNumber", CodeInvalidPhoneNumber}}},
		{name: "phone-hyphen", reason: "hyphens are not digits",
			rec: Contact{PhoneNumber: "+1 555-1234"}, want: []fc{{"phoneNumber", CodeInvalidPhoneNumber}}},
		{name: "phone-no-space", reason: "exactly one space separates country code and number",
			rec: Contact{PhoneNumber: "+11234567890"}, want: []fc{{"phoneNumber", CodeInvalidPhoneNumber}}},
		{name: "phone-two-spaces", reason: "two spaces are one too many",
			rec: Contact{PhoneNumber: "+1  1234567890"}, want: []fc{{"phoneNumber", CodeInvalidPhoneNumber}}},
		{name: "phone-country-4", reason: "country codes have at most 3 digits",
			rec: Contact{PhoneNumber: "+1234 567890"}, want: []fc{{"phoneNumber", CodeInvalidPhoneNumber}}},
		{name: "phone-parens", reason: "the InForm style (555) 555-1212 is rejected",
			rec: Contact{PhoneNumber: "(555) 555-1212"}, want: []fc{{"phoneNumber", CodeInvalidPhoneNumber}}},
		{name: "phone-arabic-digits", reason: "Java's [0-9] is ASCII only",
			rec: Contact{PhoneNumber: "+1 ١٢٣٤"}, want: []fc{{"phoneNumber", CodeInvalidPhoneNumber}}},
		{name: "phone-long-valid-form", reason: "+123 and 14 digits match the pattern but are 19 characters",
			rec: Contact{PhoneNumber: "+123 " + rep("9", 14)}, want: []fc{{"phoneNumber", CodePhoneNumberTooLong}}},
		{name: "phone-long-and-invalid", reason: "15 digits break both rules, length first",
			rec:  Contact{PhoneNumber: "+1 " + rep("9", 15)},
			want: []fc{{"phoneNumber", CodePhoneNumberTooLong}, {"phoneNumber", CodeInvalidPhoneNumber}}},

		// fullDob (odmadmin rule).
		{name: "dob-leap", reason: "29 February exists in leap years",
			rec: Contact{FullDob: "2024-02-29"}},
		{name: "dob-leap-400", reason: "2000 is a leap year (divisible by 400)",
			rec: Contact{FullDob: "2000-02-29"}},
		{name: "dob-not-leap", reason: "2023 is not a leap year",
			rec: Contact{FullDob: "2023-02-29"}, want: []fc{{"fullDob", CodeInvalidFullDob}}},
		{name: "dob-century", reason: "1900 is not a leap year (divisible by 100, not 400)",
			rec: Contact{FullDob: "1900-02-29"}, want: []fc{{"fullDob", CodeInvalidFullDob}}},
		{name: "dob-april-31", reason: "April has 30 days",
			rec: Contact{FullDob: "1980-04-31"}, want: []fc{{"fullDob", CodeInvalidFullDob}}},
		{name: "dob-month-13", reason: "there is no 13th month",
			rec: Contact{FullDob: "1980-13-01"}, want: []fc{{"fullDob", CodeInvalidFullDob}}},
		{name: "dob-short", reason: "the format is strict YYYY-MM-DD",
			rec: Contact{FullDob: "1980-1-01"}, want: []fc{{"fullDob", CodeInvalidFullDob}}},
		{name: "dob-other-format", reason: "day/month/year is ambiguous and not accepted",
			rec: Contact{FullDob: "01/02/1980"}, want: []fc{{"fullDob", CodeInvalidFullDob}}},
		{name: "dob-year-zero", reason: "years start at 0001",
			rec: Contact{FullDob: "0000-01-01"}, want: []fc{{"fullDob", CodeInvalidFullDob}}},
		{name: "dob-fullwidth", reason: "only ASCII digits",
			rec: Contact{FullDob: "１９８０-01-01"}, want: []fc{{"fullDob", CodeInvalidFullDob}}},
		{name: "dob-with-time", reason: "a date-time is not a date",
			rec: Contact{FullDob: "1980-01-01T00:00:00Z"}, want: []fc{{"fullDob", CodeInvalidFullDob}}},

		// register.
		{name: "register-yes-upper", reason: "the server takes y or yes in any case",
			rec: Contact{Register: "YES"}},
		{name: "register-n", reason: "n is the default",
			rec: Contact{Register: "N"}},
		{name: "register-typo", reason: "the server would silently treat ja as n",
			rec: Contact{Register: "ja"}, want: []fc{{"register", CodeInvalidRegisterValue}}},
		{name: "register-bool", reason: "true is not y",
			rec: Contact{Register: "true"}, want: []fc{{"register", CodeInvalidRegisterValue}}},

		// Everything at once, to pin the documented order.
		{name: "all-fields-bad", reason: "every field broken: findings follow the API field order, length before format",
			rec: Contact{
				SubjectKey: "<" + rep("x", 30), FirstName: rep("x", 36), LastName: rep("x", 36), MiddleName: rep("x", 36),
				EmailAddress: rep("x", 256), PhoneNumber: rep("x", 18), SecondaryID: rep("x", 36),
				StreetAddress1: rep("x", 156), StreetAddress2: rep("x", 156), Country: rep("x", 156), City: rep("x", 156),
				State: rep("x", 156), PostalCode: rep("x", 36), FullDob: "x", HospitalNumber: rep("x", 36), Register: "x",
			},
			want: []fc{
				{"subjectKey", CodeParticipantIDLongerThan30Characters}, {"subjectKey", CodeParticipantIDContainsUnsupportedHTMLCharacter},
				{"firstName", CodeFirstNameTooLong}, {"lastName", CodeLastNameTooLong}, {"middleName", CodeMiddleNameTooLong},
				{"emailAddress", CodeEmailAddressTooLong}, {"emailAddress", CodeInvalidEmailAddress},
				{"phoneNumber", CodePhoneNumberTooLong}, {"phoneNumber", CodeInvalidPhoneNumber},
				{"secondaryId", CodeSecondaryIDTooLong}, {"streetAddress1", CodeStreetAddress1TooLong},
				{"streetAddress2", CodeStreetAddress2TooLong}, {"country", CodeCountryTooLong}, {"city", CodeCityTooLong},
				{"state", CodeStateTooLong}, {"postalCode", CodePostalCodeTooLong}, {"fullDob", CodeInvalidFullDob},
				{"hospitalNumber", CodeHospitalNumberTooLong}, {"register", CodeInvalidRegisterValue},
			}},
	}
	// Each length limit at and just over the seed's number, for every field that has one.
	for field, max := range seedLimits {
		if field == "emailAddress" || field == "phoneNumber" || field == "subjectKey" {
			continue // their at-limit values must also match a format; covered above
		}
		var at, over Contact
		at.Set(field, rep(cyr, max))
		over.Set(field, rep(cyr, max+1))
		cs = append(cs,
			contactCase{name: field + "-at-limit", reason: "seed limit " + strconv.Itoa(max) + " is inclusive", rec: at},
			contactCase{name: field + "-over-limit", reason: "one unit over the seed limit", rec: over,
				want: []fc{{field, seedTooLong[field]}}})
	}
	cs = append(cs,
		contactCase{name: "subjectKey-at-limit", reason: "30 characters are allowed", rec: Contact{SubjectKey: rep(cjk, 30)}},
		contactCase{name: "subjectKey-over-limit", reason: "31 characters are not", rec: Contact{SubjectKey: rep(cjk, 31)},
			want: []fc{{"subjectKey", seedTooLong["subjectKey"]}}},
	)
	slices.SortStableFunc(cs, func(a, b contactCase) int { return strings.Compare(a.name, b.name) })
	return cs
}()

func codesOf(fs []Finding) []fc {
	var out []fc
	for _, f := range fs {
		out = append(out, fc{f.Field, f.Code})
	}
	return out
}

func TestCheckContact(t *testing.T) {
	for _, tc := range contactCases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.reason == "" {
				t.Fatal("test case needs a reason")
			}
			got := CheckContact(tc.rec, Options{})
			if !slices.Equal(codesOf(got), tc.want) {
				t.Errorf("%s\ngot  %v\nwant %v", tc.reason, codesOf(got), tc.want)
			}
			for _, f := range got {
				if f.Severity != SeverityError || f.Message == "" || f.Value != "" {
					t.Errorf("finding %+v: want severity error, a message and no value", f)
				}
			}
		})
	}
}

// TestTooLongMessage checks that length messages give the measured UTF-16 length and the
// seed's limit, which is what a user needs to fix the record.
func TestTooLongMessage(t *testing.T) {
	for field, max := range seedLimits {
		var c Contact
		c.Set(field, strings.Repeat(emoji, max)) // 2*max units
		got := CheckContact(c, Options{})
		if len(got) == 0 || got[0].Code != seedTooLong[field] {
			t.Fatalf("%s: got %v", field, got)
		}
		want := fmt.Sprintf(" is %d characters, over the limit of %d", 2*max, max)
		if !strings.HasSuffix(got[0].Message, want) {
			t.Errorf("%s: message %q does not end in %q", field, got[0].Message, want)
		}
	}
}

// TestValues checks that values reach findings only when asked for, and never messages.
func TestValues(t *testing.T) {
	const secret = "Ada-Example-Secret-Value-" // unique, so a message containing it echoes the value
	rec := Contact{}
	for _, f := range ContactFields() {
		rec.Set(f, secret+strings.Repeat("<", 300)+f)
	}
	for _, values := range []bool{false, true} {
		got := CheckContact(rec, Options{Values: values})
		if len(got) < len(ContactFields()) {
			t.Fatalf("want at least one finding per field, got %d", len(got))
		}
		for _, f := range got {
			if strings.Contains(f.Message, secret) {
				t.Errorf("message echoes the value: %q", f.Message)
			}
			want := ""
			if values {
				want = secret + strings.Repeat("<", 300) + f.Field
			}
			if f.Value != want {
				t.Errorf("Values=%v: %s value %.30q, want %.30q", values, f.Field, f.Value, want)
			}
		}
	}
}

func TestUTF16Len(t *testing.T) {
	for _, s := range []string{"", "abc", "Ядвига", "山田", "Zoë", "Zoe\u0308", emoji, "a" + emoji + "b", "\xff\xfe", "\xed\xa0\x80", "\U0010FFFF"} {
		want := len(utf16.Encode([]rune(s))) // []rune maps each bad byte to U+FFFD
		if got := utf16Len(s); got != want {
			t.Errorf("utf16Len(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestContactSetAndFields(t *testing.T) {
	for _, name := range append(ContactFields(), IdentifierAlias) {
		var c Contact
		if err := c.Set(name, "v"); err != nil {
			t.Fatalf("Set(%q): %v", name, err)
		}
		if c == (Contact{}) {
			t.Errorf("Set(%q) changed nothing", name)
		}
	}
	var c Contact
	c.Set(IdentifierAlias, "S-1")
	if c.SecondaryID != "S-1" {
		t.Errorf("identifier did not set SecondaryID")
	}
	for _, bad := range []string{"FirstName", "firstname", "first_name", "", "secondaryID"} {
		if err := c.Set(bad, "x"); err == nil {
			t.Errorf("Set(%q) accepted an unknown name", bad)
		}
	}
	// Every field is checked by CheckContact: a value that breaks every rule yields a finding
	// per field, so no field can be forgotten in the rule table.
	var all Contact
	for _, f := range ContactFields() {
		all.Set(f, strings.Repeat("<", 300))
	}
	seen := map[string]bool{}
	for _, f := range CheckContact(all, Options{}) {
		seen[f.Field] = true
	}
	for _, f := range ContactFields() {
		if !seen[f] {
			t.Errorf("field %s has no rule", f)
		}
	}
}

func TestContactUnmarshalJSON(t *testing.T) {
	cases := []struct {
		name, reason, in string
		want             Contact
		wantErr          string
	}{
		{name: "api-names", reason: "API field names decode", in: `{"subjectKey":"SS-1","firstName":"Ada","secondaryId":"X"}`,
			want: Contact{SubjectKey: "SS-1", FirstName: "Ada", SecondaryID: "X"}},
		{name: "identifier", reason: "identifier is the older name of secondaryId", in: `{"identifier":"X"}`,
			want: Contact{SecondaryID: "X"}},
		{name: "both-same", reason: "both names with one value are harmless", in: `{"identifier":"X","secondaryId":"X"}`,
			want: Contact{SecondaryID: "X"}},
		{name: "both-differ", reason: "two values for one field are ambiguous", in: `{"identifier":"X","secondaryId":"Y"}`,
			wantErr: "different values"},
		{name: "null", reason: "null means not given", in: `{"firstName":null,"lastName":"E"}`, want: Contact{LastName: "E"}},
		{name: "case", reason: "names are case-sensitive, like the server's", in: `{"FirstName":"Ada"}`, wantErr: `"FirstName"`},
		{name: "unknown", reason: "an unknown key is a mistake, not something to skip", in: `{"firstName":"Ada","nickname":"A"}`, wantErr: `"nickname"`},
		{name: "number", reason: "values are strings", in: `{"postalCode":12345}`, wantErr: "number"},
		{name: "array", reason: "a record is an object", in: `["x"]`, wantErr: "array"},
		{name: "twice", reason: "a name given twice: the last value won, and an invalid first address passed", in: `{"emailAddress":"not-an-email","emailAddress":"ada@example.org"}`,
			wantErr: `field "emailAddress" given twice`},
		{name: "twice-null", reason: "given twice, once null, is still twice", in: `{"firstName":null,"lastName":"E","firstName":"Ada"}`, wantErr: `"firstName" given twice`},
		{name: "twice-then-number", reason: "the first problem in reading order", in: `{"city":"A","city":"B","postalCode":1}`, wantErr: `"city" given twice`},
		{name: "nested-same-names", reason: "names inside a refused value are not the record's", in: `{"city":{"city":"x"}}`, wantErr: "an object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c Contact
			err := json.Unmarshal([]byte(tc.in), &c)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("%s: err %v, want one containing %q", tc.reason, err, tc.wantErr)
				}
				return
			}
			if err != nil || c != tc.want {
				t.Fatalf("%s: got %+v, %v; want %+v", tc.reason, c, err, tc.want)
			}
		})
	}
}

// The server's patterns, verbatim (StudyParticipantServiceImpl, OpenClinica 4.13.x), as the
// oracle for the hand-written matchers.
var (
	serverPhone = regexp.MustCompile(`^\+[0-9]{1,3} [0-9]{1,14}$`)
	serverEmail = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")
)

var patternSeeds = []string{
	"", "+", "+1", "+1 ", "+1 2", "+12 3", "+123 4", "+1234 5", "+1 12345678901234", "+1 123456789012345",
	"1 2", "+ 1", "+1  2", "+1 2 3", "+1-2", "+a 1", "+1 a", "+1 2\n", "+1\t2", "++1 2", "+1 ١",
	"a@b.c", "a@b", "@b.c", "a@.c", "a@b.", "a@b..c", ".a@b.c", "a.@b.c", "a..b@c.d", "a.b@c.d",
	"a@-b.c", "a@b-.c", "a@b--c.d", "a@1.2", "a@b.c-d", "a@@b.c", "a@b@c.d", "!#$%&'*+/=?^_`{|}~-@x.y",
	"a b@c.d", "a@b c.d", "ë@b.c", "a@ë.c", "a@b.c\n", "\na@b.c", "a\"b@c.d", "a(b)@c.d", "a@b_c.d",
}

func TestServerPatterns(t *testing.T) {
	for _, s := range patternSeeds {
		if got, want := isServerPhone(s), serverPhone.MatchString(s); got != want {
			t.Errorf("isServerPhone(%q) = %v, server pattern says %v", s, got, want)
		}
		if got, want := isServerEmail(s), serverEmail.MatchString(s); got != want {
			t.Errorf("isServerEmail(%q) = %v, server pattern says %v", s, got, want)
		}
	}
}

func FuzzServerPatterns(f *testing.F) {
	for _, s := range patternSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isServerPhone(s), serverPhone.MatchString(s); got != want {
			t.Errorf("isServerPhone(%q) = %v, server pattern says %v", s, got, want)
		}
		if got, want := isServerEmail(s), serverEmail.MatchString(s); got != want {
			t.Errorf("isServerEmail(%q) = %v, server pattern says %v", s, got, want)
		}
	})
}
