package odm

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// endlessUsers is an ODM document that never ends: AdminData with one user after another.
// It calls cancel once it has served after bytes, and counts what it serves after that.
type endlessUsers struct {
	json       bool // the JSON form instead of XML
	served     int64
	after      int64
	cancel     func()
	cancelled  bool
	servedLate int64
	pending    []byte
}

const endlessHead = `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileOID="F" FileType="Snapshot" CreationDateTime="2026-01-01T00:00:00Z"><AdminData>`
const endlessUser = `<User OID="U"><LoginName>x</LoginName></User>`
const endlessJSONHead = `{"odm":{"version":"1.3","attrs":[{"ns":"http://www.w3.org/2000/xmlns/","name":"xmlns","value":"http://www.cdisc.org/ns/odm/v1.3"},{"name":"FileOID","value":"F"}]},"prolog":[],"content":[],"adminData":[{"users":[{"oid":"U","loginName":"x"}`
const endlessJSONUser = `,{"oid":"U","loginName":"x"}`

func (e *endlessUsers) Read(p []byte) (int, error) {
	head, user := endlessHead, endlessUser
	if e.json {
		head, user = endlessJSONHead, endlessJSONUser
	}
	if e.served == 0 && len(e.pending) == 0 {
		e.pending = []byte(head)
	}
	for len(e.pending) < len(p) {
		e.pending = append(e.pending, user...)
	}
	n := copy(p, e.pending)
	e.pending = e.pending[n:]
	if e.cancelled {
		e.servedLate += int64(n)
	}
	e.served += int64(n)
	if e.served >= e.after && !e.cancelled {
		e.cancelled = true
		e.cancel()
	}
	return n, nil
}

// TestContextStopsReading: every streaming entry point stops soon after the context is
// cancelled, with an error that wraps context.Canceled, on an input that would never end.
func TestContextStopsReading(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(r io.Reader, opts ReadOptions) error
	}{
		{"Decode", func(r io.Reader, o ReadOptions) error { _, err := Decode(r, o); return err }},
		{"Reader.Users", func(r io.Reader, o ReadOptions) error {
			for _, err := range NewReader(r, o).Users() {
				if err != nil {
					return err
				}
			}
			return nil
		}},
		{"StreamJSON", func(r io.Reader, o ReadOptions) error { return StreamJSON(io.Discard, NewReader(r, o)) }},
		{"Transform", func(r io.Reader, o ReadOptions) error {
			_, err := Transform(io.Discard, r, o, WriteOptions{}, nil)
			return err
		}},
		{"DecodeJSON", func(r io.Reader, o ReadOptions) error { _, err := DecodeJSON(r, o); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			src := &endlessUsers{after: 256 << 10, cancel: cancel, json: tc.name == "DecodeJSON"}
			err := tc.run(src, ReadOptions{Name: "endless.xml", Context: ctx})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want one wrapping context.Canceled", err)
			}
			if src.servedLate > 256<<10 {
				t.Errorf("read %d bytes after the cancel; want it to stop within a buffer or two", src.servedLate)
			}
			if tc.name != "DecodeJSON" && !strings.Contains(err.Error(), "endless.xml:") {
				t.Errorf("error %q does not name the file and position", err)
			}
		})
	}
}
