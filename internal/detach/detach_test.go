package detach_test

import (
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/odmadmin/odmadmin/internal/detach"
	"github.com/odmadmin/odmadmin/mapping"
)

func TestCopy(t *testing.T) {
	block := "Ada Fictus ada@example.org S1 10"
	u := &mapping.User{
		ID: block[0:3], Login: block[4:10], Emails: []string{block[11:26]},
		Status: mapping.StatusAvailable, External: true,
		Assignments: []mapping.Assignment{{Study: block[27:29], Site: block[30:32], Depots: []string{"All"}}},
		Addresses:   []mapping.Address{{StreetNames: []string{"1 Example Street"}}},
		Picture:     &mapping.Picture{File: "a.png"},
		Source:      &mapping.Source{Vendor: mapping.ProfileInForm, IDs: map[string]string{"OID": "u1 "}, Attrs: []mapping.Attr{{Space: "x", Name: "n", Value: "v"}}},
	}
	c := detach.Copy(u)
	if diff := cmp.Diff(u, c, cmpopts.IgnoreUnexported(mapping.Source{})); diff != "" {
		t.Fatalf("the copy differs (-want +got):\n%s", diff)
	}
	// The reason for the copy: no string of it points into the original's memory.
	for _, s := range []string{c.ID, c.Login, c.Emails[0], c.Assignments[0].Study, c.Assignments[0].Site} {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		start := uintptr(unsafe.Pointer(unsafe.StringData(block)))
		if p >= start && p < start+uintptr(len(block)) {
			t.Errorf("%q still points into the original block", s)
		}
	}
	c.Emails[0] = "changed"
	c.Source.IDs["OID"] = "changed"
	c.Assignments[0].Depots[0] = "changed"
	if u.Emails[0] == "changed" || u.Source.IDs["OID"] == "changed" || u.Assignments[0].Depots[0] == "changed" {
		t.Error("changing the copy changed the original")
	}
	if detach.Copy[mapping.User](nil) != nil {
		t.Error("Copy(nil) is not nil")
	}
}
