package ctxio

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReader(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := Reader(ctx, strings.NewReader("abcdef"))
	buf := make([]byte, 3)
	if n, err := r.Read(buf); n != 3 || err != nil {
		t.Fatalf("before cancel: %d, %v", n, err)
	}
	cancel()
	if _, err := r.Read(buf); !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: %v, want context.Canceled", err)
	}
	plain := strings.NewReader("x")
	if Reader(context.Background(), plain) != io.Reader(plain) {
		t.Error("a context that cannot be cancelled should not wrap the reader")
	}
}

func TestWriter(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var b strings.Builder
	w := Writer(ctx, &b)
	if _, err := io.WriteString(w, "ab"); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := io.WriteString(w, "cd"); !errors.Is(err, context.Canceled) || b.String() != "ab" {
		t.Errorf("after cancel: %v, wrote %q", err, b.String())
	}
}

func TestCheck(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	check := Check(ctx, 3)
	cancel()
	var errs []error
	for range 6 {
		errs = append(errs, check())
	}
	// The first call checks too: a loop given a context cancelled before it started
	// stops at its first item.
	if !errors.Is(errs[0], context.Canceled) || errs[1] != nil || !errors.Is(errs[2], context.Canceled) || errs[3] != nil || !errors.Is(errs[5], context.Canceled) {
		t.Errorf("Check on the first and every 3rd call: %v", errs)
	}
	if err := Check(nil, 1)(); err != nil {
		t.Errorf("nil context: %v", err)
	}
}
