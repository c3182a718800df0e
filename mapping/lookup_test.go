package mapping

import (
	"bytes"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// TestLookupReadsRecordsAlone: a person listed again in a later AdminData block (an
// OpenClinica site study lists its users again) is found by key among records spilled
// long before, and merged with them. Each such lookup read the record's 64 KiB chunk and
// its 64 KiB text block whole, some 128 KiB a person (4 GB at a million users); it now
// reads the record and a window of its text, a few KiB at most. The users built must be
// those FromReader builds in memory.
func TestLookupReadsRecordsAlone(t *testing.T) {
	var doc bytes.Buffer
	if err := gen.OpenClinica(&doc, 20000); err != nil {
		t.Fatal(err)
	}
	records := bytes.Count(doc.Bytes(), []byte("<User "))
	b, err := readStream(odm.NewReader(bytes.NewReader(doc.Bytes()), odm.ReadOptions{}), Options{}, true)
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	again := records - int(b.nusers)
	read := b.spill.got
	t.Logf("%d records, %d of them a person listed again: %d bytes read back of the %d spilled while reading", records, again, read, b.spill.size)
	if again < 100 {
		t.Fatalf("only %d persons listed again: the test needs more", again)
	}
	if limit := int64(again) * 4 << 10; read > limit {
		t.Errorf("reading read %d bytes back for %d persons listed again, want at most %d (4 KiB each)", read, again, limit)
	}

	want, _, err := FromReader(odm.NewReader(bytes.NewReader(doc.Bytes()), odm.ReadOptions{}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := b.finishEach(func(i int, u *User) error {
		w := want.Users[n]
		if u.ID != w.ID || u.Login != w.Login || u.GivenName != w.GivenName || len(u.Assignments) != len(w.Assignments) {
			t.Fatalf("user %d built as %s %s %s with %d assignments, want %s %s %s with %d", n, u.ID, u.Login, u.GivenName, len(u.Assignments), w.ID, w.Login, w.GivenName, len(w.Assignments))
		}
		n++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n != len(want.Users) {
		t.Errorf("%d users built, want %d", n, len(want.Users))
	}
}
