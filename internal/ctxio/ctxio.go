// Package ctxio makes a blocking reader stop when its context is cancelled, so that the
// library's long reads (decode, map, check, plan of a large file) can be interrupted
// without each parser checking a context in its inner loop.
package ctxio

import (
	"context"
	"io"
)

// Reader returns r, or when ctx can be cancelled, a reader whose Read fails with
// ctx.Err() once ctx is done. The check costs one channel poll per Read, and readers
// here read some 4 to 68 KiB at a time, so a cancelled read stops within one buffer.
func Reader(ctx context.Context, r io.Reader) io.Reader {
	if r == nil || ctx == nil || ctx.Done() == nil {
		// A nil r stays nil, for the caller's check of a nil reader to see it.
		return r
	}
	return &reader{ctx: ctx, r: r}
}

type reader struct {
	ctx context.Context
	r   io.Reader
}

func (c *reader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Check returns ctx.Err() on the first call of the returned function and every n-th
// after (and nil for a nil context), for loops over data already in memory that should
// still stop promptly. The first call checks: a loop given a context cancelled before it
// started stops at once, not after n items (a comparison of 1,000 users ran to its end).
func Check(ctx context.Context, n int) func() error {
	if ctx == nil || ctx.Done() == nil {
		return func() error { return nil }
	}
	i := 0
	return func() error {
		i++
		if i != 1 && i%max(n, 1) != 0 {
			return nil
		}
		return ctx.Err()
	}
}

// Writer returns w, or when ctx can be cancelled, a writer whose Write fails with
// ctx.Err() once ctx is done: a command that is interrupted while it writes its output
// stops writing, and its caller removes the partial file.
func Writer(ctx context.Context, w io.Writer) io.Writer {
	if ctx == nil || ctx.Done() == nil {
		return w
	}
	return &writer{ctx: ctx, w: w}
}

type writer struct {
	ctx context.Context
	w   io.Writer
}

func (c *writer) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
