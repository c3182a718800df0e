package jsontext

import (
	"strings"
	"testing"
)

func TestCheckValue(t *testing.T) {
	tests := []struct {
		name, in, err string // err: substring of the error, "" for none
	}{
		{"unique keys at every level", `{"users":[{"id":"a","emails":["x"]},{"id":"b"}],"sites":[]}`, ""},
		{"equal keys in different objects are fine", `[{"id":"a"},{"id":"b"},{"k":{"id":"c"}}]`, ""},
		{"a second users would replace the first", `{"users":[{"id":"a"}],"users":[]}`, `duplicate key "users"`},
		{"a duplicate inside a nested object", `{"users":[{"id":"a","login":"x","id":"b"}]}`, `duplicate key "id"`},
		{"a duplicate after a nested value", `{"a":{"b":[1,{"c":2}]},"a":3}`, `duplicate key "a"`},
		{"empty objects and arrays", `{"a":{},"b":[],"c":[[],{}]}`, ""},
		{"data after the value", `{"users":[]} "ada@example.org"`, "after top-level value"},
		{"a second object after the first", `{"users":[]}{"users":[]}`, "after top-level value"},
		{"truncated", `{"users":[`, "unexpected EOF"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckValue(strings.NewReader(tc.in))
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("error %v, want one containing %q", err, tc.err)
			}
			if err != nil && strings.Contains(err.Error(), "ada@") {
				t.Errorf("the error quotes a value: %v", err)
			}
		})
	}
}
