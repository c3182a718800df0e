package validate

import (
	"slices"
	"testing"
	"time"
	"unicode/utf16"
)

// FuzzCheckContact is seeded from the table cases. Besides "no panic" and determinism it
// checks the findings against oracles that do not share code with the checks: the UTF-16
// length from unicode/utf16, the date from time.Parse, and the seed's limits.
func FuzzCheckContact(f *testing.F) {
	for _, tc := range contactCases {
		c := tc.rec
		f.Add(c.SubjectKey, c.FirstName, c.LastName, c.MiddleName, c.EmailAddress, c.PhoneNumber, c.SecondaryID,
			c.StreetAddress1, c.StreetAddress2, c.Country, c.City, c.State, c.PostalCode, c.FullDob, c.HospitalNumber, c.Register)
	}
	f.Fuzz(func(t *testing.T, subjectKey, firstName, lastName, middleName, email, phone, secondaryID,
		street1, street2, country, city, state, postalCode, fullDob, hospital, register string) {
		c := Contact{subjectKey, firstName, lastName, middleName, email, phone, secondaryID,
			street1, street2, country, city, state, postalCode, fullDob, hospital, register}
		got := CheckContact(c, Options{})
		if again := CheckContact(c, Options{}); !slices.Equal(got, again) {
			t.Fatalf("not deterministic:\n%v\n%v", got, again)
		}
		withValues := CheckContact(c, Options{Values: true})
		if len(withValues) != len(got) {
			t.Fatalf("Values changed the findings: %d vs %d", len(withValues), len(got))
		}
		order := ContactFields()
		last := -1
		for i, fd := range got {
			if fd.Value != "" {
				t.Errorf("value without Options.Values: %+v", fd)
			}
			v := fd
			v.Value = withValues[i].Value
			v.Suggestion = withValues[i].Suggestion // derived from the value, so also only with Values
			if fd.Suggestion != "" {
				t.Errorf("suggestion without Options.Values: %+v", fd)
			}
			if v != withValues[i] {
				t.Errorf("Values changed more than Value: %+v vs %+v", fd, withValues[i])
			}
			var want string
			for _, cf := range contactFields {
				if cf.name == fd.Field {
					want = *cf.get(&c)
				}
			}
			if withValues[i].Value != want {
				t.Errorf("%s: value %q, want the field's %q", fd.Field, withValues[i].Value, want)
			}
			idx := slices.Index(order, fd.Field)
			if idx < last {
				t.Errorf("finding for %s out of field order", fd.Field)
			}
			last = idx
		}
		has := func(field string, code Code) bool {
			return slices.Contains(codesOf(got), fc{field, code})
		}
		for field, limit := range seedLimits {
			val := *fieldPtr(&c, field)
			over := len(utf16.Encode([]rune(val))) > limit
			if has(field, seedTooLong[field]) != over {
				t.Errorf("%s: %d UTF-16 units, limit %d, tooLong reported: %v", field, len(utf16.Encode([]rune(val))), limit, !over)
			}
		}
		if fullDob != "" {
			d, err := time.Parse("2006-01-02", fullDob)
			real := err == nil && d.Format("2006-01-02") == fullDob && d.Year() >= 1
			if has("fullDob", CodeInvalidFullDob) == real {
				t.Errorf("fullDob %q: real date %v, but invalidFullDob reported %v", fullDob, real, !real)
			}
		}
	})
}

func fieldPtr(c *Contact, name string) *string {
	for _, cf := range contactFields {
		if cf.name == name {
			return cf.get(c)
		}
	}
	panic("no field " + name)
}

func FuzzCheckUserEdit(f *testing.F) {
	for _, tc := range editCases {
		e := tc.edit
		f.Add(e.Before.Username, e.After.Username, e.Before.Status, e.After.Status,
			e.Before.PrimaryOrganization, e.After.PrimaryOrganization, e.Delete, e.Editor.GlobalAdmin, int(e.Profile))
	}
	f.Fuzz(func(t *testing.T, u1, u2, s1, s2, o1, o2 string, del, global bool, profile int) {
		e := UserEdit{
			Before:  EditUser{Username: u1, Status: s1, PrimaryOrganization: o1, Organizations: []string{o2}},
			After:   EditUser{Username: u2, Status: s2, PrimaryOrganization: o2},
			Delete:  del,
			Editor:  Editor{GlobalAdmin: global, Organizations: []string{o1}},
			Profile: Profile(profile),
		}
		got := CheckUserEdit(e, Options{})
		if again := CheckUserEdit(e, Options{}); !slices.Equal(got, again) {
			t.Fatalf("not deterministic:\n%v\n%v", got, again)
		}
		if (u1 != u2 && !del) != slices.Contains(codesOf(got), fc{"username", CodeUsernameChanged}) {
			t.Errorf("username %q -> %q: usernameChanged reported wrongly: %v", u1, u2, got)
		}
		for _, fd := range got {
			if fd.Value != "" {
				t.Errorf("value without Options.Values: %+v", fd)
			}
		}
	})
}

func FuzzCheckRequest(f *testing.F) {
	for _, tc := range requestCases {
		r := baseRequest()
		if tc.req != nil {
			tc.req(&r)
		}
		f.Add(r.Caller.Role, r.Caller.SiteOID, r.SiteOID, tc.rec.Register, tc.rec.FirstName, r.Study != nil)
	}
	f.Fuzz(func(t *testing.T, role, callerSite, site, register, firstName string, study bool) {
		r := baseRequest()
		r.Caller = Caller{Role: role, SiteOID: callerSite}
		r.SiteOID = site
		if !study {
			r.Study = nil
		}
		c := Contact{FirstName: firstName, Register: register}
		got := CheckRequest(c, r, Options{})
		if again := CheckRequest(c, r, Options{}); !slices.Equal(got, again) {
			t.Fatalf("not deterministic:\n%v\n%v", got, again)
		}
	})
}
