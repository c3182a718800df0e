package odm

import (
	"context"
	"errors"
	"io"

	"github.com/odmadmin/odmadmin/internal/xmlenc"
)

// Default limits. MaxTokenBytes matches libxml2's default limit on a single text node or
// attribute value; MaxDepth matches libxml2's default nesting limit. ODM AdminData needs a
// depth below 10.
const (
	DefaultMaxDepth      = 256
	DefaultMaxTokenBytes = 10 << 20
	DefaultMaxAttrs      = 1024
	DefaultMaxNodes      = 100000
)

// ReadOptions configure decoding. The zero value is ready to use.
type ReadOptions struct {
	// Name is the input's name (a file path) used in errors and warnings. Default: "".
	Name string
	// Strict turns every warning (ErrQuirk, ErrUnknown) into an error. Default: false.
	Strict bool
	// MaxDepth limits element nesting. Default (0): DefaultMaxDepth. Negative: no limit.
	MaxDepth int
	// MaxTokenBytes limits the size of one token: a start tag with its attributes, a run of
	// text, a comment, a CDATA section, a processing instruction. Default (0):
	// DefaultMaxTokenBytes. Negative: no limit.
	MaxTokenBytes int
	// MaxInputBytes limits the input length in bytes. Default (0): no limit. The error
	// (ErrInputTooLarge) is placed at the first byte past the limit, in XML and in the
	// JSON form.
	MaxInputBytes int64
	// Context, when set, stops the read once it is cancelled: the next read of the input
	// fails with an *Error that wraps ctx.Err(), so errors.Is(err, context.Canceled)
	// holds. Reads are of some 64 KiB (more only while a token, or an element the scanner
	// holds, is larger), so a cancelled read stops promptly. Default (nil): never
	// cancelled.
	Context context.Context
	// MaxAttrs limits the attributes of one element. encoding/xml spends about a hundred
	// bytes per attribute, so a tag of a million tiny attributes would cost far more memory
	// than its size suggests. Default (0): DefaultMaxAttrs. Negative: no limit.
	MaxAttrs int
	// MaxNodes limits the child nodes (elements, text pieces, comments, PIs) of one typed
	// AdminData value (a User, a Location, one of their text elements, ...), which is held in
	// memory whole: real exports have at most hundreds, while a User with a million vendor
	// children or a TranslatedText split by a million comments would cost hundreds of MiB.
	// Default (0): DefaultMaxNodes. Negative: no limit.
	MaxNodes int
	// MaxWarnings limits the warnings kept of each code (WarningCode). Past it, further
	// warnings of that code are counted, not kept: one warning stands for them all, with
	// Error.More saying how many, so a file with a quirk on each of a million users holds
	// a few KiB of warnings, not hundreds of MiB. Default (0): DefaultMaxWarnings.
	// Negative: every warning is kept.
	MaxWarnings int
	// Reuse lets a Reader recycle the memory of each record for the next, so that a long
	// stream makes almost no garbage: a User (Organization, Location, SignatureDef) that
	// Next, All or Users returns, with everything it points to (its slices of attributes,
	// texts and addresses, nested values, layout), is valid only until the next call of
	// Next, as the bytes of a bufio.Scanner are. A caller that keeps a record, or any slice
	// or pointer of it, past that copies it. Strings are never recycled: a string taken
	// from a record stays valid and unchanged. The *AdminData values (of Next and
	// AdminData), the Header and nodes directly inside AdminData (vendor elements,
	// comments, text) are not recycled either. Reader and Transform (for the records its
	// callback is given) read this option; Decode ignores it. Default: false, every
	// record has memory of its own.
	Reuse bool
	// ValuesOnly skips the layout a typed value keeps for writing it back as it was read,
	// for callers that only read values (mapping's exports, checks, queries): less memory
	// and less work per record. Every value is read as without it: the fields, Ext.Attrs
	// (vendor attributes), Ext.Nodes (vendor elements, comments, processing instructions,
	// stray text) with their places between standard children, Ext.Line and Ext.Col, an
	// empty single text child being present, and every warning and error.
	//
	// What is left out is how the value was written: the white space, the order of the
	// children and of the attributes, prefixes, <x/> against <x></x>, the positions of
	// standard children (Ext.Children returns nil) and, of a standard text child (Email,
	// FirstName, ...), the XML around its text: attributes and a prefix on it, and the
	// comments, CDATA sections and elements inside it (its text is read, the pieces joined;
	// an element inside is warned about as without the option). Whether a standard
	// attribute written empty (UserType="") was there is not kept either: its field is ""
	// as when it is absent. Encoding a value read so (Encode, Writer, EncodeJSON,
	// StreamJSON) therefore writes it in the canonical form, as for a value built in code,
	// not the input's bytes.
	//
	// Reader, Decode and StreamJSON read this option; Transform ignores it, as it writes
	// the document back. Default: false, every typed value keeps its layout.
	ValuesOnly bool
	// JSONPositions, when set, is where JSONToODM records which JSON object each part of
	// the XML it writes came from (see JSONPositions); the readers ignore it. Default
	// (nil): nothing is recorded.
	JSONPositions *JSONPositions
	// poison, set by tests only, has the strings StreamJSON and Transform recycle
	// overwritten when their memory is handed out again (strPool.poison).
	poison bool
}

// maxNodes resolves MaxNodes; "no limit" is the largest int, so callers compare directly.
func (o ReadOptions) maxNodes() int {
	switch {
	case o.MaxNodes == 0:
		return DefaultMaxNodes
	case o.MaxNodes < 0:
		return int(^uint(0) >> 1)
	}
	return o.MaxNodes
}

func (o ReadOptions) maxAttrs() int {
	if o.MaxAttrs == 0 {
		return DefaultMaxAttrs
	}
	return o.MaxAttrs
}

func (o ReadOptions) maxDepth() int {
	if o.MaxDepth == 0 {
		return DefaultMaxDepth
	}
	return o.MaxDepth
}

func (o ReadOptions) maxToken() int {
	if o.MaxTokenBytes == 0 {
		return DefaultMaxTokenBytes
	}
	return o.MaxTokenBytes
}

// prepareInput turns r into a UTF-8 stream as internal/xmlenc decides (the one place
// that does, shared with validate's scan): a byte-order mark removed, UTF-16 decoded (with
// a BOM, or detected from "<?" in the first bytes) and any single-byte or multi-byte
// encoding named in the XML declaration that golang.org/x/text knows. Its errors become
// *Error values wrapping ErrEncoding.
func prepareInput(r io.Reader) (io.Reader, error) {
	in, err := xmlenc.UTF8(r)
	if err != nil {
		return nil, encodingError(err, 1, 1)
	}
	return encodingErrors{in}, nil
}

// encodingError makes an xmlenc error an *Error wrapping ErrEncoding (line and col 0: a
// read error is placed by the scanner that meets it).
func encodingError(err error, line, col int) error {
	var e *xmlenc.Error
	if errors.As(err, &e) {
		return &Error{Line: line, Col: col, Err: ErrEncoding, Msg: e.Msg}
	}
	return err
}

// encodingErrors is a reader whose xmlenc errors (malformed UTF-16 met mid-stream) are odm's.
type encodingErrors struct{ r io.Reader }

func (e encodingErrors) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		err = encodingError(err, 0, 0)
	}
	return n, err
}
