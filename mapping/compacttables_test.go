package mapping

import (
	"bytes"
	"reflect"
	"testing"
)

// TestReadCompactUserTables: an OpenClinica 4 user table and a user table by OID are held
// as compact records (one user a record, a later row of the same key merged into it) and
// give the directory and warnings ReadAny gives.
func TestReadCompactUserTables(t *testing.T) {
	cases := []struct {
		name, text string
		opts       Options
	}{
		{"user table by OID: a row without OID, an OID given twice (values merged), a login in other case",
			"User OID,Login,Email,Phone,Organization,Extra\n" +
				"U1,ada,ada@example.org,555-0100,Acme,x\n" +
				",nobody,,,,\n" +
				"U2,bea,bea@example.org,,,\n" +
				"U1,ada,ada2@example.org,555-0199,Acme CRO,\n" +
				"U3,ADA,,,Case Ltd,\n", Options{}},
		{"OpenClinica 4: an account on several rows (roles merged), roles by study, a time that is no time",
			"First,Last,Username,Email,Organization,Phone,Roles,Type,Status,Created (UTC),Updated (UTC)\n" +
				"Mara,Vellin,mvellin,mara@example.org,Acme CRO,555-0100,\"S1: Data Manager; Investigator\",Admin,Available,10-May-2018 17:57,13-Nov-2024 21:29\n" +
				"Tomas,Irving,tirving,,Site 1,,Investigator,User,Invited,not a time,22-May-2025 11:14\n" +
				"Mara,Vellin,mvellin,mara@example.org,Acme CRO,,S2: Study Monitor,Admin,Available,11-May-2018 09:00,never\n" +
				"Lena,Ortiz,lortiz,lena@example.org,Acme CRO,,Study Monitor,Wizard,Sleeping,28-May-2025 12:53,28-May-2025 12:53\n", Options{Study: "S1"}},
	}
	for _, c := range cases {
		want, wantWs, err := ReadAny(bytes.NewReader([]byte(c.text)), "t.csv", c.opts)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		cd, ws, err := ReadCompact(bytes.NewReader([]byte(c.text)), "t.csv", c.opts)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !cd.Compact() {
			t.Errorf("%s: read whole, want compact records", c.name)
		}
		got, err := cd.Each(func(u *User) *User { return u })
		cd.Close()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: directory differs from ReadAny's:\n%+v\n%+v", c.name, got.Users, want.Users)
		}
		if !reflect.DeepEqual(ws, wantWs) {
			t.Errorf("%s: warnings differ:\n%v\n%v", c.name, ws, wantWs)
		}
		if len(want.Users) < 2 {
			t.Errorf("%s: %d users: the case compares little", c.name, len(want.Users))
		}
	}
}
