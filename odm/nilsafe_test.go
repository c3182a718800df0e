package odm_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// panicReader panics on Read: a caller's reader with a bug.
type panicReader struct{}

func (panicReader) Read([]byte) (int, error) { panic("reader bug") }

// TestGoroutinePanicIsError: a panic in the goroutine EncodeJSON or DecodeJSON starts
// comes back as an *Error saying "internal error" with the panic value; it used to end
// the process, which no recover of the caller could prevent.
func TestGoroutinePanicIsError(t *testing.T) {
	_, err := odm.DecodeJSON(panicReader{}, odm.ReadOptions{})
	var pe *odm.Error
	require.ErrorAs(t, err, &pe, "a reader that panics inside DecodeJSON's goroutine")
	require.Contains(t, pe.Msg, "internal error", "says what it is")
	require.Contains(t, pe.Msg, "reader bug", "carries the panic value")
}

// TestEncodeJSONNilEntries: nil entries in a typed value's slices carry no value; EncodeJSON
// writes the JSON of the document without them, as the XML encoder writes its XML (its
// encoder goroutine used to panic and end the process).
func TestEncodeJSONNilEntries(t *testing.T) {
	build := func(withNil bool) *odm.Document {
		doc := odm.NewDocument(odm.V13)
		u := &odm.User{OID: "U1", LocationRefs: []*odm.LocationRef{{LocationOID: "L1"}}}
		users := []*odm.User{u}
		if withNil {
			u.LocationRefs = append([]*odm.LocationRef{nil}, u.LocationRefs...)
			u.Addresses = []*odm.Address{nil}
			users = append(users, nil)
		}
		doc.AddAdminData(&odm.AdminData{Users: users})
		return doc
	}
	var got, want bytes.Buffer
	require.NoError(t, odm.EncodeJSON(&want, build(false)))
	require.NoError(t, odm.EncodeJSON(&got, build(true)))
	require.Equal(t, want.String(), got.String(), "the nil entries are skipped, nothing else changes")
}

// TestEncodeJSONNilDocument: nil values are errors, not panics.
func TestEncodeJSONNilDocument(t *testing.T) {
	for _, tt := range []struct {
		name, reason string
		w            io.Writer
		doc          *odm.Document
	}{
		{"nil document", "the encoder goroutine dereferenced it and ended the process", io.Discard, nil},
		{"nil writer", "StreamJSON wrote into it", nil, odm.NewDocument(odm.V13)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := odm.EncodeJSON(tt.w, tt.doc)
			var pe *odm.Error
			require.ErrorAs(t, err, &pe, tt.reason)
		})
	}
}

// TestNilReaders: every reader of the package given a nil reader returns one error, an
// *Error wrapping ErrTruncated (there is no input, as for an empty one) that names the
// input, instead of panicking.
func TestNilReaders(t *testing.T) {
	ro := odm.ReadOptions{Name: "in.xml"}
	for _, tt := range []struct {
		name, reason string
		run          func() error
		named        bool // the error carries ro.Name
	}{
		{"Decode", "the scanner read from it", func() error { _, err := odm.Decode(nil, ro); return err }, true},
		{"NewReader.Next", "the scanner read from it", func() error { _, err := odm.NewReader(nil, ro).Next(); return err }, true},
		{"Check", "the scanner read from it", func() error { _, err := odm.Check(nil, ro); return err }, true},
		{"Transform", "the scanner read from it", func() error {
			_, err := odm.Transform(io.Discard, nil, ro, odm.WriteOptions{}, nil)
			return err
		}, true},
		{"JSONToODM", "the JSON decoder read from it", func() error {
			_, err := odm.JSONToODM(io.Discard, nil, ro, odm.WriteOptions{})
			return err
		}, true},
		{"DecodeJSON", "its goroutine read from it and ended the process", func() error { _, err := odm.DecodeJSON(nil, ro); return err }, true},
		{"nil *Reader", "a nil *Reader's Next dereferenced it", func() error { _, err := (*odm.Reader)(nil).Next(); return err }, false},
		{"StreamJSON nil *Reader", "Header dereferenced it", func() error { return odm.StreamJSON(io.Discard, nil) }, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			require.ErrorIs(t, err, odm.ErrTruncated, tt.reason)
			var pe *odm.Error
			require.ErrorAs(t, err, &pe)
			require.Contains(t, pe.Msg, "the reader is nil")
			if tt.named {
				require.Equal(t, "in.xml", pe.File, "names the input")
			}
		})
	}
	// A nil *Reader has no warnings and no AdminData, and Keep does nothing.
	var r *odm.Reader
	r.Keep()
	require.Nil(t, r.Warnings())
	require.Nil(t, r.AdminData())
}

// TestLatestMetaDataVersionRefNil: a nil entry holds no reference and is skipped; a nil
// location has none.
func TestLatestMetaDataVersionRefNil(t *testing.T) {
	want := &odm.MetaDataVersionRef{StudyOID: "S", EffectiveDate: "2020-01-01"}
	l := &odm.Location{MetaDataVersionRefs: []*odm.MetaDataVersionRef{nil, want, nil}}
	require.Same(t, want, l.LatestMetaDataVersionRef(), "nil entries around the only reference")
	require.Nil(t, (*odm.Location)(nil).LatestMetaDataVersionRef(), "a nil location")
	require.Nil(t, (&odm.Location{MetaDataVersionRefs: []*odm.MetaDataVersionRef{nil}}).LatestMetaDataVersionRef(), "only a nil entry")
}

// jsonUser is a whole JSON-form document with one user whose login name is login (JSON
// string content, escapes as written) on line 2.
func jsonUser(login string) string {
	return jsonHead + `"content":[],` + "\n" + `"adminData":[{"studyOID":"S","users":[{"oid":"u1","loginName":"` + login + `"}]}],"epilog":[]}`
}

// TestJSONLimitsPlaced: MaxInputBytes met by the JSON readers is ErrInputTooLarge at the
// first byte past the limit (it was "data after the JSON object", ErrJSON, for a short
// input read whole), and MaxDepth errors are placed (they were at 0:0) and wrap ErrDepth
// as the XML reader's do, and ErrJSON as before.
func TestJSONLimitsPlaced(t *testing.T) {
	in := jsonUser("ada")
	for _, tt := range []struct {
		name, reason string
		in           string
		ro           odm.ReadOptions
		want         error
		line, col    int
	}{
		{"input 50", "a short input is read whole by the first Read", in, odm.ReadOptions{MaxInputBytes: 50}, odm.ErrInputTooLarge, 1, 51},
		{"input on line 2", "the limit met on the second line", in, odm.ReadOptions{MaxInputBytes: int64(len(jsonHead) + len(`"content":[],`) + 5)}, odm.ErrInputTooLarge, 2, 5},
		{"AdminData too deep", "MaxDepth 1 leaves no room for AdminData: at its object", in, odm.ReadOptions{MaxDepth: 1}, odm.ErrDepth, 2, 14},
		{"user too deep", "MaxDepth 2 leaves no room for a User: at its object", in, odm.ReadOptions{MaxDepth: 2}, odm.ErrDepth, 2, 39},
		{"element too deep", "a content element nested past MaxDepth", withContent(`{"type":"element","name":"a","children":[{"type":"element","name":"b","children":[]}]}`), odm.ReadOptions{MaxDepth: 2}, odm.ErrDepth, 1, len(jsonHead) + len(`"content":[{"type":"element","name":"a","children":[`) + 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := odm.JSONToODM(io.Discard, strings.NewReader(tt.in), tt.ro, odm.WriteOptions{})
			require.ErrorIs(t, err, tt.want, tt.reason)
			var pe *odm.Error
			require.ErrorAs(t, err, &pe)
			require.Equal(t, [2]int{tt.line, tt.col}, [2]int{pe.Line, pe.Col}, tt.reason+": the place the limit was met")
			if tt.want == odm.ErrDepth {
				require.ErrorIs(t, err, odm.ErrJSON, "still an error of the JSON")
			}
			_, err = odm.DecodeJSON(strings.NewReader(tt.in), tt.ro)
			require.ErrorIs(t, err, tt.want, tt.reason+" (DecodeJSON)")
			require.ErrorAs(t, err, &pe)
			require.Equal(t, [2]int{tt.line, tt.col}, [2]int{pe.Line, pe.Col}, tt.reason+" (DecodeJSON): the JSON's place, not the XML's")
		})
	}
}

// TestJSONRefusesBadText: a JSON string holding bytes that are not UTF-8 is ErrEncoding,
// as the XML reader says of the same bytes, and a \u escape of a lone surrogate ErrJSON,
// each at its place: both were read as U+FFFD, silently.
func TestJSONRefusesBadText(t *testing.T) {
	col := strings.Index(jsonUser("X"), "X") - strings.Index(jsonUser("X"), "\n") // of X on line 2
	for _, tt := range []struct {
		name, reason string
		login        string
		want, not    error
		msg          string
		col          int
	}{
		{"byte 0xFF", "a byte that starts no UTF-8 sequence", "a\xffb", odm.ErrEncoding, odm.ErrJSON, "UTF-8", col + 1},
		{"cut sequence", "a UTF-8 sequence cut short", "a\xc3", odm.ErrEncoding, odm.ErrJSON, "UTF-8", col + 1},
		{"encoded surrogate", "a surrogate encoded as UTF-8 bytes", "\xed\xa0\x80", odm.ErrEncoding, odm.ErrJSON, "UTF-8", col},
		{"lone high surrogate", "\\ud800 alone", `a\ud800b`, odm.ErrJSON, odm.ErrEncoding, "lone surrogate", col + 1},
		{"lone low surrogate", "\\udc00 alone", `\udc00`, odm.ErrJSON, odm.ErrEncoding, "lone surrogate", col},
		{"high then no low", "\\ud800 followed by another escape", `\ud800\u0041`, odm.ErrJSON, odm.ErrEncoding, "lone surrogate", col},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := jsonUser(tt.login)
			for _, read := range []struct {
				name string
				run  func() error
			}{
				{"JSONToODM", func() error {
					_, err := odm.JSONToODM(io.Discard, strings.NewReader(in), odm.ReadOptions{Name: "in.json"}, odm.WriteOptions{})
					return err
				}},
				{"DecodeJSON", func() error {
					_, err := odm.DecodeJSON(strings.NewReader(in), odm.ReadOptions{Name: "in.json"})
					return err
				}},
			} {
				err := read.run()
				require.ErrorIs(t, err, tt.want, read.name+": "+tt.reason)
				require.False(t, errors.Is(err, tt.not), read.name+": says which")
				var pe *odm.Error
				require.ErrorAs(t, err, &pe)
				require.Equal(t, [3]any{"in.json", 2, tt.col}, [3]any{pe.File, pe.Line, pe.Col}, read.name+": placed at the bad text")
				require.Contains(t, pe.Msg, tt.msg)
			}
		})
	}
	// A surrogate pair is one character, and read.
	doc, err := odm.DecodeJSON(strings.NewReader(jsonUser(`\ud83d\ude00`)), odm.ReadOptions{})
	require.NoError(t, err)
	require.Equal(t, "\U0001F600", doc.AdminData()[0].Users[0].LoginName)
}
