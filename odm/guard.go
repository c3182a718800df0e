package odm

import (
	"fmt"
	"io"
)

// A panic in a goroutine ends the process whatever its caller does: recover works only in
// the goroutine that panics. EncodeJSON and DecodeJSON run one side of a pipe in a
// goroutine of their own (the encoder, the JSON reader with the caller's io.Reader), so
// what runs there is guarded: a panic, which is a bug here or in a caller's reader, comes
// back to the caller as an error instead of killing a program that serves many requests.

// guard returns what fn returns, or, when fn panics, an *Error saying so with the panic
// value (no sentinel: it is no fault of the input the caller can test for).
func guard(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &Error{Msg: fmt.Sprintf("internal error: %v", p)}
		}
	}()
	return fn()
}

// nilReader is the error of every reader of this package given a nil io.Reader (or a nil
// *Reader): there is no input, as for an empty one, which wraps ErrTruncated too. name is
// the input's name (ReadOptions.Name).
func nilReader(name string) *Error {
	return &Error{File: name, Err: ErrTruncated, Msg: "no input: the reader is nil"}
}

// pipeErr is how the goroutine of EncodeJSON or DecodeJSON hands its error to the reader
// on the other side of the pipe, which stops on it; the caller gets the error itself from
// the goroutine. It does not unwrap: the reader places an *Error it meets at its own
// position (an XML line for an error about JSON), and the error is not the reader's to
// change.
type pipeErr struct{ err error }

func (e pipeErr) Error() string { return e.err.Error() }

// closeWith closes pw with err as pipeErr (nil: the input ended).
func closeWith(pw *io.PipeWriter, err error) {
	if err == nil {
		pw.Close()
		return
	}
	pw.CloseWithError(pipeErr{err})
}
