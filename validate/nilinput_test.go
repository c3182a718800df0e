package validate

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestCheckAdminDataXMLNil: a nil reader is odm's error for one (it panicked while
// spooling from it).
func TestCheckAdminDataXMLNil(t *testing.T) {
	fs, err := CheckAdminDataXML(nil, AdminDataOptions{})
	if !errors.Is(err, odm.ErrTruncated) || fs != nil || !strings.Contains(err.Error(), "the reader is nil") {
		t.Errorf("CheckAdminDataXML(nil): %v, %v", fs, err)
	}
}

// TestContactJSONText: a contact record whose strings are not text is refused, at their
// line and column in the record, wrapping odm.ErrEncoding for bytes that are not UTF-8
// and odm.ErrJSON for a lone surrogate escape; encoding/json read both as U+FFFD and the
// record was checked (and passed on) with a value it does not hold.
func TestContactJSONText(t *testing.T) {
	for _, tt := range []struct {
		name, in, reason string
		want, not        error
		line, col        int
	}{
		{"byte 0xFF", "{\"firstName\":\"Ad\xffa\"}", "a byte that starts no UTF-8 sequence", odm.ErrEncoding, odm.ErrJSON, 1, 17},
		{"second line", "{\"subjectKey\":\"S1\",\n \"lastName\":\"\xc3\"}", "a sequence cut short, on line 2", odm.ErrEncoding, odm.ErrJSON, 2, 14},
		{"lone surrogate", `{"firstName":"Ad\ud800a"}`, "a lone high surrogate", odm.ErrJSON, odm.ErrEncoding, 1, 17},
		{"in a key", "{\"first\\udc00Name\":\"Ada\"}", "a lone low surrogate in a member name", odm.ErrJSON, odm.ErrEncoding, 1, 8},
	} {
		var c Contact
		err := json.Unmarshal([]byte(tt.in), &c)
		var pe *odm.Error
		if !errors.Is(err, tt.want) || errors.Is(err, tt.not) || !errors.As(err, &pe) || pe.Line != tt.line || pe.Col != tt.col {
			t.Errorf("%s (%s): %v, want %v at %d:%d", tt.name, tt.reason, err, tt.want, tt.line, tt.col)
		}
	}
	// A pair of surrogates is one character, and text.
	var c Contact
	if err := json.Unmarshal([]byte(`{"firstName":"Ada \ud83d\ude00"}`), &c); err != nil || c.FirstName != "Ada \U0001F600" {
		t.Errorf("a surrogate pair: %q, %v", c.FirstName, err)
	}
}
