package mapping

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// These tests hold the InForm flavour to InForm's AdminData User mapping (the
// DownloadAdminDataODM attribute table): which user values InForm has, how FullName is
// made, and the values of pf:InFormUserType.

// TestInFormUserMapping writes users of another vendor into InForm. InForm's mapping gives
// FullName as "User first name + User last name", one Address whose StreetName holds
// "User Address 1" and "User Address 2", and no Organization, Address/OtherText or
// Picture ("N/A"): such a value is left out and reported, never written as if InForm
// held it.
func TestInFormUserMapping(t *testing.T) {
	type warn struct {
		code  Code
		field string
	}
	for _, tc := range []struct {
		name, reason string
		user         User
		check        func(t *testing.T, o *odm.User)
		warns        []warn
	}{
		{
			name: "fullname-built", reason: "FullName is User first name + User last name",
			user: User{ID: "amorel", Login: "amorel", GivenName: "Ada", FamilyName: "Morel"},
			check: func(t *testing.T, o *odm.User) {
				if o.FullName != "Ada Morel" {
					t.Errorf("FullName %q, want %q", o.FullName, "Ada Morel")
				}
			},
			warns: []warn{{CodeGenerated, "User/FullName"}},
		},
		{
			name: "fullname-kept", reason: "a FullName the user has is written as it is, not rebuilt (not every culture puts the first name first)",
			user: User{ID: "kw", Login: "kw", GivenName: "健", FamilyName: "渡辺", FullName: "渡辺 健"},
			check: func(t *testing.T, o *odm.User) {
				if o.FullName != "渡辺 健" {
					t.Errorf("FullName %q, want the user's own", o.FullName)
				}
			},
		},
		{
			name: "fullname-one-name", reason: "with one of the two names the FullName is that name, without a stray space",
			user: User{ID: "x", Login: "x", FamilyName: "Morel"},
			check: func(t *testing.T, o *odm.User) {
				if o.FullName != "Morel" {
					t.Errorf("FullName %q, want %q", o.FullName, "Morel")
				}
			},
			warns: []warn{{CodeGenerated, "User/FullName"}},
		},
		{
			name: "fullname-none", reason: "no names, no FullName made up",
			user: User{ID: "batch", Login: "batch"},
			check: func(t *testing.T, o *odm.User) {
				if o.FullName != "" {
					t.Errorf("FullName %q, want none", o.FullName)
				}
			},
		},
		{
			name: "organization", reason: "Organization is N/A in InForm",
			user: User{ID: "o", Login: "o", FullName: "O", Organization: "Demo CRO"},
			check: func(t *testing.T, o *odm.User) {
				if o.Organization != "" {
					t.Errorf("Organization %q written", o.Organization)
				}
			},
			warns: []warn{{CodeUnrepresentable, "User/Organization"}},
		},
		{
			name: "organization-oid", reason: "an ODM 2.0 organization is not written as its name either: InForm has none (one warning, not also 'the name is written')",
			user: User{ID: "o2", Login: "o2", FullName: "O", OrganizationID: "ORG.CRO"},
			check: func(t *testing.T, o *odm.User) {
				if o.Organization != "" {
					t.Errorf("Organization %q written", o.Organization)
				}
			},
			warns: []warn{{CodeUnrepresentable, "User/Organization"}},
		},
		{
			name: "oid-not-login", reason: "OID and LoginName are both InForm's User Name: an OID that is not the login is reported (and kept)",
			user: User{ID: "USR.PI.01", Login: "lbakker", FullName: "L"},
			check: func(t *testing.T, o *odm.User) {
				if o.OID != "USR.PI.01" || o.LoginName != "lbakker" {
					t.Errorf("OID %q LoginName %q", o.OID, o.LoginName)
				}
			},
			warns: []warn{{CodeApproximated, "User/@OID"}},
		},
		{
			name: "picture", reason: "Picture is N/A in InForm",
			user: User{ID: "p", Login: "p", FullName: "P", Picture: &Picture{File: "p.png", Type: "PNG"}},
			check: func(t *testing.T, o *odm.User) {
				if o.Picture != nil {
					t.Errorf("Picture %+v written", o.Picture)
				}
			},
			warns: []warn{{CodeUnrepresentable, "User/Picture"}},
		},
		{
			name: "address-fields", reason: "StreetName (two lines), City, StateProv, Country and PostalCode map to the user's address; OtherText is N/A",
			user: User{ID: "a", Login: "a", FullName: "A", Addresses: []Address{{
				StreetNames: []string{"12 Example Lane", "Suite 210"}, City: "Springfield", StateProv: "MA",
				Country: "US", PostalCode: "01101", OtherText: "ring twice"}}},
			check: func(t *testing.T, o *odm.User) {
				if len(o.Addresses) != 1 {
					t.Fatalf("%d addresses", len(o.Addresses))
				}
				a := o.Addresses[0]
				if !slices.Equal(a.StreetNames, []string{"12 Example Lane", "Suite 210"}) || a.City != "Springfield" ||
					a.StateProv != "MA" || a.Country != "US" || a.PostalCode != "01101" {
					t.Errorf("address %+v", a)
				}
				if a.OtherText != "" {
					t.Errorf("OtherText %q written", a.OtherText)
				}
			},
			warns: []warn{{CodeUnrepresentable, "User/Address/OtherText"}},
		},
		{
			name: "three-street-lines", reason: "InForm has User Address 1 and 2: a third line goes into the second, not lost",
			user: User{ID: "s", Login: "s", FullName: "S", Addresses: []Address{{StreetNames: []string{"Building 4", "12 Example Lane", "Suite 210"}}}},
			check: func(t *testing.T, o *odm.User) {
				if got := o.Addresses[0].StreetNames; !slices.Equal(got, []string{"Building 4", "12 Example Lane, Suite 210"}) {
					t.Errorf("street lines %q", got)
				}
			},
			warns: []warn{{CodeApproximated, "User/Address/StreetName"}},
		},
		{
			name: "two-addresses", reason: "InForm's user has one address",
			user: User{ID: "t", Login: "t", FullName: "T", Addresses: []Address{{City: "Springfield"}, {City: "Shelbyville"}}},
			check: func(t *testing.T, o *odm.User) {
				if len(o.Addresses) != 1 || o.Addresses[0].City != "Springfield" {
					t.Errorf("addresses %+v, want the first only", o.Addresses)
				}
			},
			warns: []warn{{CodeUnrepresentable, "User/Address"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := tc.user
			u.Source = &Source{Vendor: ProfileClinicalOne}
			var streets []string // a copy: the model's own slice would change with it
			if len(u.Addresses) > 0 {
				streets = slices.Clone(u.Addresses[0].StreetNames)
			}
			dir := &Directory{Users: []*User{&u}, Source: &FileSource{Vendor: ProfileClinicalOne}}
			doc, ws, err := ToDocument(dir, ProfileInForm, Options{})
			if err != nil {
				t.Fatal(err)
			}
			users := doc.AdminData()[0].Users
			if len(users) != 1 {
				t.Fatalf("%d users written", len(users))
			}
			tc.check(t, users[0])
			for _, w := range tc.warns {
				if !slices.ContainsFunc(ws, func(x Warning) bool { return x.Code == w.code && x.Field == w.field }) {
					t.Errorf("%s: no %s warning for %s; got %v", tc.reason, w.code, w.field, ws)
				}
			}
			for _, x := range ws {
				if strings.HasPrefix(x.Field, "User/FullName") || strings.HasPrefix(x.Field, "User/Organization") ||
					strings.HasPrefix(x.Field, "User/@OrganizationOID") || x.Field == "User/@OID" ||
					strings.HasPrefix(x.Field, "User/Picture") || strings.HasPrefix(x.Field, "User/Address") {
					if !slices.Contains(tc.warns, warn{x.Code, x.Field}) {
						t.Errorf("%s: unexpected warning %v", tc.reason, x)
					}
				}
			}
			// The writer must not change the model it writes from.
			if streets != nil && !slices.Equal(dir.Users[0].Addresses[0].StreetNames, streets) {
				t.Errorf("the model's street lines changed: %q", dir.Users[0].Addresses[0].StreetNames)
			}
		})
	}
}

// TestInFormKeepsItsOwn: a directory read from InForm is written back as read, with what
// its file held, even a value InForm's mapping has no place for; nothing is built either
// (a user without FullName stays without one).
func TestInFormKeepsItsOwn(t *testing.T) {
	src := `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="` + odm.NSInForm + `" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00">
<AdminData><User OID="u1"><LoginName>u1</LoginName><FirstName>Ada</FirstName><LastName>Morel</LastName><Organization>Demo CRO</Organization></User></AdminData></ODM>`
	doc, err := odm.Decode(strings.NewReader(src), odm.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir, _, err := FromDocument(doc, Options{Profile: ProfileInForm})
	if err != nil {
		t.Fatal(err)
	}
	// Through JSON, as "map --to json" and back: no decoded record is left, every user is
	// written from the model.
	var fromJSON Directory
	if err := json.Unmarshal(mustJSON(t, dir), &fromJSON); err != nil {
		t.Fatal(err)
	}
	out, ws, err := ToDocument(&fromJSON, ProfileInForm, Options{})
	if err != nil {
		t.Fatal(err)
	}
	o := out.AdminData()[0].Users[0]
	if o.Organization != "Demo CRO" || o.FullName != "" {
		t.Errorf("written back: Organization %q FullName %q, want the file's (Demo CRO, none)", o.Organization, o.FullName)
	}
	for _, w := range ws {
		if w.Field == "User/Organization" || w.Field == "User/FullName" {
			t.Errorf("written back into its own flavour: %v", w)
		}
	}
}

// TestInFormStatus: pf:Active "indicates whether the user state is active", pf:Terminated
// "whether the user state is terminated" (InForm's AdminData User mapping), each Yes or No.
func TestInFormStatus(t *testing.T) {
	for _, tc := range []struct {
		name, reason, attrs string
		want                Status
		invalid             []string // fields of the invalid-value warnings
	}{
		{"active", "active and not terminated is an available account", `pf:Active="Yes" pf:Terminated="No"`, StatusAvailable, nil},
		{"inactive", "not active is deactivated", `pf:Active="No" pf:Terminated="No"`, StatusDeactivated, nil},
		{"terminated", "a terminated account is ended, even if still marked active", `pf:Active="Yes" pf:Terminated="Yes"`, StatusDeactivated, nil},
		{"inactive-terminated", "not active and terminated", `pf:Active="No" pf:Terminated="Yes"`, StatusDeactivated, nil},
		{"active-only", "pf:Active alone gives the status", `pf:Active="Yes"`, StatusAvailable, nil},
		{"none", "neither attribute: the status is unknown, not made up", ``, "", nil},
		{"case", "yes and no in another letter case (files edited by hand)", `pf:Active="yes" pf:Terminated="NO"`, StatusAvailable, nil},
		{"active-invalid", "a pf:Active that is neither Yes nor No gives no status and is reported", `pf:Active="Maybe" pf:Terminated="No"`, "", []string{"User/@pf:Active"}},
		{"terminated-invalid", "a pf:Terminated that is neither Yes nor No is not read as terminated, and is reported", `pf:Active="Yes" pf:Terminated="Perhaps"`, StatusAvailable, []string{"User/@pf:Terminated"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, ws := informOneUser(t, tc.attrs)
			if got := u.Status; got != tc.want {
				t.Errorf("%s: status %q, want %q", tc.reason, got, tc.want)
			}
			var invalid []string
			for _, w := range ws {
				if w.Code == CodeInvalidValue {
					invalid = append(invalid, w.Field)
				}
			}
			if !slices.Equal(invalid, tc.invalid) {
				t.Errorf("%s: invalid-value warnings %v, want %v", tc.reason, invalid, tc.invalid)
			}
		})
	}
}

// TestInFormStatusWritten: a status of another vendor written as pf:Active and
// pf:Terminated, the only states InForm has.
func TestInFormStatusWritten(t *testing.T) {
	for _, tc := range []struct {
		name, reason string
		status       Status
		active, term string // "" absent
		approximated bool
	}{
		{"available", "an available account is active and not terminated", StatusAvailable, "Yes", "No", false},
		{"deactivated", "a deactivated account is not active; nothing says it was terminated", StatusDeactivated, "No", "No", false},
		{"invited", "InForm has no invited state: not active, reported", StatusInvited, "No", "No", true},
		{"created", "InForm has no created state: not active, reported", StatusCreated, "No", "No", true},
		{"unknown", "no status, no attribute made up", "", "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := &User{ID: "u1", Login: "u1", FullName: "U", Status: tc.status, Source: &Source{Vendor: ProfileClinicalOne}}
			doc, ws, err := ToDocument(&Directory{Users: []*User{u}, Source: &FileSource{Vendor: ProfileClinicalOne}}, ProfileInForm, Options{})
			if err != nil {
				t.Fatal(err)
			}
			o := doc.AdminData()[0].Users[0]
			active, _ := o.Attr(odm.NSInForm, "Active")
			term, _ := o.Attr(odm.NSInForm, "Terminated")
			if active != tc.active || term != tc.term {
				t.Errorf("%s: pf:Active=%q pf:Terminated=%q, want %q %q", tc.reason, active, term, tc.active, tc.term)
			}
			approx := slices.ContainsFunc(ws, func(w Warning) bool { return w.Code == CodeApproximated && w.Field == "User/status" })
			if approx != tc.approximated {
				t.Errorf("%s: approximated warning %v, want %v", tc.reason, approx, tc.approximated)
			}
		})
	}
}

// TestInFormOrganizationsOnce: an ODM 2.0 export written into InForm reports its users'
// organizations once, as left out, and its Organization elements without saying that the
// users keep the organization's name, which InForm's users do not.
func TestInFormOrganizationsOnce(t *testing.T) {
	dir, _, err := FromDocument(decodeFile(t, "odm2.xml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, ws, err := ToDocument(dir, ProfileInForm, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var orgElem, userOrg bool
	for _, w := range ws {
		switch w.Field {
		case "User/@OrganizationOID":
			t.Errorf("the organization's name is not written into InForm, but a warning says so: %v", w)
		case "User/Organization":
			userOrg = w.Code == CodeUnrepresentable
		case "Organization":
			orgElem = true
			if strings.Contains(w.Message, "users keep") {
				t.Errorf("InForm's users keep no organization: %v", w)
			}
		}
	}
	if !userOrg || !orgElem {
		t.Errorf("want the users' organizations reported as left out (%v) and the Organization elements (%v): %v", userOrg, orgElem, ws)
	}
}

// informOneUser reads an InForm export of one user u1 whose User tag carries attrs, and
// returns the user and the read's warnings.
func informOneUser(t *testing.T, attrs string) (*User, []Warning) {
	t.Helper()
	src := `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="` + odm.NSInForm + `" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00">
<AdminData><User OID="u1" ` + attrs + `><LoginName>u1</LoginName></User></AdminData></ODM>`
	doc, err := odm.Decode(strings.NewReader(src), odm.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir, ws, err := FromDocument(doc, Options{Profile: ProfileInForm})
	if err != nil {
		t.Fatal(err)
	}
	return dir.Users[0], ws
}
