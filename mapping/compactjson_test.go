package mapping

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// compactJSONUsers reads doc with ReadCompact and, when it holds its users as records,
// returns them and the shell; whole reports that it asked for the whole read.
func compactJSONUsers(t *testing.T, doc string) (d *Directory, whole bool, err error) {
	t.Helper()
	c, _, err := ReadCompact(strings.NewReader(doc), "x.json", Options{})
	if errors.Is(err, ErrReadWhole) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer c.Close()
	d, err = c.Each(func(u *User) *User { return u })
	return d, !c.Compact(), err
}

// TestCompactJSONAsEncodingJSON holds the token decoder of the directory JSON's users
// (decodeCompactJSON, userTokens) to encoding/json through ReadAny: for each document
// either the same directory, users and all (nil and empty lists apart), or a request to
// read it whole (ErrReadWhole), never a directory ReadAny refuses. The documents are
// what map writes for the ODM fixtures, which must take the fast path, and variants of
// each kind of value (null, empty, escapes, invalid UTF-8, keys in other letter cases or
// given twice, wrong types, what follows the object).
func TestCompactJSONAsEncodingJSON(t *testing.T) {
	var fast []string
	for _, p := range []string{"../testdata/inform/htn-demo.xml", "../testdata/odm2/demo-admin.xml", "../testdata/rave/mediflex-users.xml", "../testdata/openclinica/demo-site-studies.xml", "../diff/testdata/inform-export.xml", "../diff/testdata/rave-export.xml"} {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		_, err = WriteJSON(&b, odm.NewReader(f, odm.ReadOptions{Name: p}), Options{})
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		fast = append(fast, b.String())
	}
	user := func(body string) string {
		return `{"studies":[{"id":"S1"}],"sites":[{"id":"01","name":"One"}],"users":[` + body + `]}`
	}
	variants := []struct {
		doc, why string
		fast     bool // must be read as records
	}{
		{user(`{"id":"u1","login":"a","emails":[],"phones":null,"groups":[],"assignments":null}`), "empty and null lists", true},
		{user(`{"id":null,"login":"\u00e9\ud83d\ude00\n\"x\\","displayName":"caf\u00e9"}`), "escapes and a null string", true},
		// Refused by both (left to the whole read, which refuses them): encoding/json would
		// read each as U+FFFD, a value the file does not hold.
		{user("{\"id\":\"u1\",\"login\":\"\xff\xfe bad\"}"), "invalid UTF-8", false},
		{user("{\"id\":\"u1\",\"givenName\":\"\\ud800 lone\"}"), "a lone surrogate", false},
		{user(`{"id":"u1","status":"available ","category":"site"}`), "status and category in other letter cases", true},
		{user(`{"id":"u1","status":null,"category":null,"external":null,"picture":null,"source":null}`), "nulls for the typed fields", true},
		{user(`{"id":"u1","external":true,"picture":{"file":"p.png","mimeType":"image/png"},"source":{"vendor":"inform","ids":{},"attrs":[{"ns":"n","name":"a","value":"v"}],"elements":["<x/>"],"studies":[],"rolesFor":"rave"}}`), "picture and source", true},
		{user(`{"id":"u1","source":{"vendor":"inform","ids":{"a":"1","b":"2"}}}`), "source ids", true},
		{user(`{"id":"u1","telecoms":[{"type":"SMS","value":"1"}],"addresses":[{"streetNames":["a","b"],"city":"X","altitude":"3"}],"certificates":["c"],"faxes":[]}`), "telecoms, addresses, certificates", true},
		{user(`{"id":"u1","assignments":[{"study":"S1","site":"01","role":{"name":"CRA","canonical":"Monitor"},"scope":"site","environment":"Production","from":"2026-01-01","to":"","depots":["All"]},{"study":"S1","role":null}]}`), "assignments, a null role", true},
		{user(`{"id":"u1","groups":[{"id":"g","name":"G","type":"Rights"}]}`), "groups", true},
		{user(`{"id":"u1"},{"id":"u2","login":"b"}`), "two users", true},
		{`{"users":[{"id":"u1"}],"sites":[],"studies":[],"groups":[{"id":"g","name":"G","source":{"vendor":"inform"}}],"source":{"vendor":"rave"}}`, "users first, other keys after", true},
		{user(`{"ID":"u1"}`), "a key in another letter case", false},
		{user(`{"id":7}`), "a number for a string", false},
		{user(`{"id":"u1","emails":["a",null]}`), "null in a list of strings", false},
		{user(`{"id":"u1","emails":"a"}`), "a string for a list", false},
		{user(`{"id":"u1","assignments":[null]}`), "null in a list of objects", false},
		{user(`{"id":"u1","status":"Bogus"}`), "an unknown status", false},
		{user(`{"id":"u1","nickname":"x"}`), "an unknown key", false},
		{user(`{"id":"u1","id":"u2"}`), "a user's key twice", false},
		{user(`{"id":"u1","source":{"ids":{"a":"1","a":"2"}}}`), "an id key twice", false},
		{user(`{"id":"u1","source":{"ids":{"a":null}}}`), "a null id", false},
		{`{"studies":[],"sites":[{"id":"01","id":"02"}],"users":[]}`, "a site's key twice", false},
		{`{"studies":[],"studies":[],"users":[]}`, "a directory key twice", false},
		{`{"users":[],"Users":[]}`, "users twice in two letter cases", false},
		{`{"studies":[],"users":[]} {}`, "a second value", false},
		{`{"studies":[],"users":[]`, "cut short", false},
		{`{"studies":[],"users":[{"id":"u1",}]}`, "a trailing comma", false},
		{`{"studies":[],"users":[null]}`, "a null user", false},
		{`{"studies":[],"sites":[{"id":"01","active":tru}],"users":[]}`, "a bad literal", false},
		{`{"studies":[{"id":"S1","x":1.5e3}],"users":[]}`, "a number in the shell", false},
		{`[]`, "not an object (refused by both)", false},
	}
	docs := make([]struct {
		doc, why string
		fast     bool
	}, 0, len(fast)+len(variants))
	for i, f := range fast {
		docs = append(docs, struct {
			doc, why string
			fast     bool
		}{f, "map --to json of fixture " + string(rune('1'+i)), true})
	}
	docs = append(docs, variants...)
	for _, tc := range docs {
		want, _, werr := ReadAny(strings.NewReader(tc.doc), "x.json", Options{})
		got, whole, gerr := compactJSONUsers(t, tc.doc)
		switch {
		case gerr != nil:
			// Refused before its users are read (not a directory at all): so must the
			// whole read be.
			if werr == nil {
				t.Errorf("%s: ReadCompact: %v; ReadAny read it", tc.why, gerr)
			}
		case whole:
			if tc.fast {
				t.Errorf("%s: read whole, want records (ReadAny: %v)", tc.why, werr)
			}
		case werr != nil:
			t.Errorf("%s: ReadCompact read %d users of what ReadAny refuses: %v", tc.why, len(got.Users), werr)
		default:
			if !tc.fast {
				t.Errorf("%s: read as records; the case is meant to be left to encoding/json", tc.why)
			}
			if d := cmp.Diff(want, got, cmp.Exporter(func(reflect.Type) bool { return true })); d != "" {
				t.Errorf("%s: differs from encoding/json (-ReadAny +ReadCompact):\n%s", tc.why, d)
			}
		}
	}
}

// TestCompactJSONAllocationsPerUser: the users of map's JSON are decoded from tokens
// without an allocation per token for its interface (jsontext.Decoder.Next, not Token):
// at 200,000 users that boxing was a tenth of "map" of such a file.
func TestCompactJSONAllocationsPerUser(t *testing.T) {
	const users = 300
	var x, js bytes.Buffer
	require.NoError(t, gen.InForm(&x, users))
	_, err := WriteJSON(&js, odm.NewReader(&x, odm.ReadOptions{}), Options{})
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(2, func() {
		c, _, err := ReadCompact(bytes.NewReader(js.Bytes()), "x.json", Options{})
		require.NoError(t, err)
		defer c.Close()
		require.True(t, c.Compact())
		n := 0
		_, err = c.Each(func(u *User) *User { n++; return u })
		require.NoError(t, err)
		require.Equal(t, users, n)
	})
	t.Logf("%.1f allocations per user", allocs/users)
	require.Less(t, allocs/users, 140.0, "allocations per user (210 through Token)")
}
