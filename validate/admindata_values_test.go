package validate

import (
	"net/mail"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/language"
)

func TestValidEmail(t *testing.T) {
	for _, tc := range []struct {
		in     string
		want   bool
		reason string
	}{
		{"ada@example.org", true, "the plain form"},
		{"ada.k+odm@mail.example.org", true, "dots, plus and subdomains are common"},
		{"o'brien@example.ie", true, "an apostrophe is atext"},
		{"björn@exempel.se", true, "RFC 6532 allows UTF-8"},
		{"ada@[192.0.2.1]", true, "an address literal is an addr-spec domain"},
		{"ada@xn--bcher-kva.example", true, "a punycode label"},
		{"", false, "empty (callers skip empty values; the function itself refuses them)"},
		{"ada at example.org", false, "the [d] defect: no @"},
		{"ada@example", false, "a dotless domain is legal RFC 5322 but always a typo here"},
		{"Ada <ada@example.org>", false, "a display name is not an address"},
		{"<ada@example.org>", false, "angle brackets are not part of the address"},
		{"ada@example.org (work)", false, "a comment is not part of the address"},
		{`"ada k"@example.org`, false, "quoted local parts are refused"},
		{"ada..k@example.org", false, "two dots in a row"},
		{".ada@example.org", false, "a leading dot"},
		{"ada@example..org", false, "an empty label"},
		{"ada@-example.org", false, "a label starting with a hyphen"},
		{"ada@example-.org", false, "a label ending with a hyphen"},
		{"ada@exa_mple.org", false, "underscore is not a host-name character"},
		{"ada@ex ample.org", false, "a space in the domain"},
		{"ada@example.org.", false, "a trailing dot"},
		{"a@b@example.org", false, "two @"},
		{strings.Repeat("a", 65) + "@example.org", false, "a local part over 64 bytes (RFC 5321)"},
		{"ada@" + strings.Repeat("a", 64) + ".org", false, "a label over 63 bytes"},
		{strings.Repeat("a", 60) + "@" + strings.Repeat(strings.Repeat("b", 60)+".", 4) + "org", false, "over 254 bytes in all"},
		{"ada@exam\xffple.org", false, "invalid UTF-8"},
	} {
		if got := validEmail(tc.in); got != tc.want {
			t.Errorf("validEmail(%q) = %v, want %v: %s", tc.in, got, tc.want, tc.reason)
		}
	}
}

func TestValidPhone(t *testing.T) {
	for _, tc := range []struct {
		in     string
		want   bool
		reason string
	}{
		{"+49 30 1234567", true, "international with spaces"},
		{"(555) 010-0199", true, "North American style"},
		{"030/555 0102", true, "German area-code slash"},
		{"020.7946.0958", true, "dots"},
		{"+44 20 7946 0958 x123", true, "extension with x"},
		{"555-0100 ext. 12", true, "extension with ext."},
		{"555-0100 Extension 12", true, "extension spelled out, any case"},
		{" 555 0100 ", true, "surrounding space is formatting"},
		{"n/a", false, "the [d] defect: not a number"},
		{"call the front desk", false, "the [d] defect: words"},
		{"12", false, "fewer than three digits"},
		{"555 0100 +1", false, "a plus sign not in front"},
		{"+49 30 1234567#", false, "other characters"},
		{"x12", false, "only an extension"},
	} {
		if got := validPhone(tc.in); got != tc.want {
			t.Errorf("validPhone(%q) = %v, want %v: %s", tc.in, got, tc.want, tc.reason)
		}
	}
}

func TestParseEffectiveDate(t *testing.T) {
	for _, tc := range []struct {
		in     string
		kind   dateKind
		date   string
		reason string
	}{
		{"2023-06-01", dateOK, "2023-06-01", "the xs:date form"},
		{"2023-06-01Z", dateOK, "2023-06-01", "xs:date with UTC zone"},
		{"2023-06-01-05:00", dateOK, "2023-06-01", "xs:date with offset; the calendar date counts"},
		{"2024-02-29", dateOK, "2024-02-29", "a leap day"},
		{"2017-01-01T00:00:00", dateTime, "2017-01-01", "rwslib's dateTime"},
		{"2005-04-01T00:00:00+00:00", dateTime, "2005-04-01", "InForm's dateTime with zone"},
		{"2005-04-01T23:59:59.999Z", dateTime, "2005-04-01", "fractional seconds"},
		{"2023-02-29", dateInvalid, "", "not a leap year"},
		{"2023-13-01", dateInvalid, "", "month 13"},
		{"2023-6-1", dateInvalid, "", "xs:date needs two-digit month and day"},
		{"01.06.2023", dateInvalid, "", "a European date"},
		{"-2023-06-01", dateInvalid, "", "a negative year is xs:date but no EffectiveDate"},
		{"12023-06-01", dateInvalid, "", "a five-digit year, likewise"},
		{"2023-06-01T24:00:00", dateInvalid, "", "hour 24"},
		{"2023-06-01T10:00", dateInvalid, "", "a dateTime needs seconds"},
		{"2023-06-01 10:00:00", dateInvalid, "", "a space instead of T"},
		{" 2023-06-01", dateInvalid, "", "attribute values are compared as written"},
		{"", dateInvalid, "", "empty (reported as missing by the caller)"},
	} {
		got := parseEffectiveDate(tc.in)
		if got.kind != tc.kind || (tc.date != "" && got.t.Format("2006-01-02") != tc.date) {
			t.Errorf("parseEffectiveDate(%q) = %v %v, want %v %s: %s", tc.in, got.kind, got.t, tc.kind, tc.date, tc.reason)
		}
	}
}

// TestCountryList checks the hand-written list against golang.org/x/text's region data
// (CLDR), which the check itself does not use: every pair must be a country there with
// the same alpha-3 code, and the list must be complete, sorted and without duplicates,
// each pair 7 bytes after the one before (isCountryAlpha2 searches it by that).
func TestCountryList(t *testing.T) {
	if !strings.HasPrefix(iso3166, "\n") || (len(iso3166)-1)%7 != 0 {
		t.Fatalf("the list is not a line feed and entries of 7 bytes")
	}
	for i := 1; i < len(iso3166); i += 7 {
		if e := iso3166[i : i+7]; e[2] != ':' || (e[6] != ' ' && e[6] != '\n') {
			t.Fatalf("entry %q at byte %d is not a pair of codes and a space or line feed", e, i)
		}
	}
	if n := testing.AllocsPerRun(100, func() { isCountryAlpha2("US") }); n != 0 {
		t.Errorf("isCountryAlpha2 allocated %.0f times", n)
	}
	var alpha2, alpha3 []string
	for pair := range strings.FieldsSeq(iso3166) {
		a2, a3, ok := strings.Cut(pair, ":")
		if !ok || len(a2) != 2 || len(a3) != 3 {
			t.Fatalf("malformed pair %q", pair)
		}
		alpha2, alpha3 = append(alpha2, a2), append(alpha3, a3)
		r, err := language.ParseRegion(a2)
		if err != nil || !r.IsCountry() {
			t.Errorf("%s: not a country in CLDR (%v)", a2, err)
			continue
		}
		if r.ISO3() != a3 {
			t.Errorf("%s: alpha-3 %s, CLDR says %s", a2, a3, r.ISO3())
		}
		if !isCountryAlpha2(a2) || !isCountryAlpha3(a3) {
			t.Errorf("%s/%s: not accepted by the look-up", a2, a3)
		}
	}
	if len(alpha2) != 249 {
		t.Errorf("%d codes; ISO 3166-1 assigns 249", len(alpha2))
	}
	if !slices.IsSorted(alpha2) || len(slices.Compact(slices.Clone(alpha2))) != len(alpha2) {
		t.Error("alpha-2 codes are not sorted and unique")
	}
	sorted := slices.Sorted(slices.Values(alpha3))
	if len(slices.Compact(sorted)) != len(alpha3) {
		t.Error("alpha-3 codes repeat")
	}
	for _, tc := range []struct {
		in     string
		a2, a3 bool
		reason string
	}{
		{"DE", true, false, "Germany, alpha-2"},
		{"DEU", false, true, "Germany, alpha-3"},
		{"de", false, false, "codes are upper case"},
		{"XK", false, false, "Kosovo's code is user-assigned, not ISO"},
		{"UK", false, false, "exceptionally reserved, not a country code"},
		{"AN", false, false, "Netherlands Antilles, deleted in 2010"},
		{"E:", false, false, "not a letter pair"},
		{"D", false, false, "too short"},
		{"", false, false, "empty"},
	} {
		if isCountryAlpha2(tc.in) != tc.a2 || isCountryAlpha3(tc.in) != tc.a3 {
			t.Errorf("%q: alpha-2 %v alpha-3 %v, want %v %v: %s", tc.in, isCountryAlpha2(tc.in), isCountryAlpha3(tc.in), tc.a2, tc.a3, tc.reason)
		}
	}
}

// addrSpecSeeds are strings near and in plainAddrSpec's form, for the tests of the fast
// path and its fuzz target.
var addrSpecSeeds = []string{
	"ada@example.org", "ada.k+odm@mail.example.org", "o'brien@example.ie", "björn@exempel.se",
	"ada@[192.0.2.1]", "ada..k@example.org", ".ada@example.org", "ada.@example.org", "ada@example..org",
	"ada@.example.org", "ada@example.org.", "a@b@example.org", "@example.org", "ada@", "ada",
	`"ada k"@example.org`, "Ada <ada@example.org>", "ada@example.org (work)", "ada @example.org",
	"!#$%&'*+-/=?^_`{|}~@example.org", "ada@exa_mple.org", "ada(x)@example.org", "ada\\k@example.org",
	"ada@example.org\n", "ada,bob@example.org", "ada;@example.org", "ada@ex;ample.org", "a.b.c@d",
}

// TestPlainAddrSpecAsNetMail: every string plainAddrSpec lets past net/mail is one
// net/mail parses as an address of no name equal to the string (what validEmail asks of
// it), and the forms exports are full of take the fast path.
func TestPlainAddrSpecAsNetMail(t *testing.T) {
	for _, s := range addrSpecSeeds {
		checkPlainAddrSpec(t, s)
	}
	for _, s := range []string{"ada@example.org", "user000001@site10001.example.org", "ada.k+odm@mail.example.org", "o'brien@example.ie"} {
		if !plainAddrSpec(s) {
			t.Errorf("plainAddrSpec(%q) = false: a plain address goes through net/mail", s)
		}
	}
	if n := testing.AllocsPerRun(100, func() { validEmail("user000001@site10001.example.org") }); n != 0 {
		t.Errorf("validEmail of a plain address allocated %.0f times, want 0", n)
	}
}

func checkPlainAddrSpec(t *testing.T, s string) {
	if !plainAddrSpec(s) {
		return
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		t.Errorf("plainAddrSpec(%q) = true, but net/mail gives %+v, %v", s, a, err)
	}
}

func FuzzPlainAddrSpec(f *testing.F) {
	for _, s := range addrSpecSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkPlainAddrSpec(t, s) })
}
