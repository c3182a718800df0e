package main

import (
	"context"
	"errors"

	"github.com/odmadmin/odmadmin/odm"
)

// readLimits are the odm reader's limits against hostile input (odm.ReadOptions), as the
// command's flags set them. Every command that reads ODM takes the same flags, so that a
// large but legitimate export that goes past a default (a vendor element of more than
// 100,000 nodes, a text of more than 10 MB) can be read by any command, not by convert
// alone, and so that a limit lowered for untrusted input holds for every reader the
// command makes: the readers of the input, of a --base file, of an --existing export.
type readLimits struct {
	depth, token, nodes, attrs int
	input                      int64
	// set: the command took the flags (limitFlags), so that its errors may name them.
	set bool
}

// limitsKey is the context key of the run's *readLimits (env.context).
type limitsKey struct{}

// limitFlags registers --max-depth, --max-token, --max-input, --max-nodes and --max-attrs
// into the run's limits. depthHelp is the help of --max-depth (query bounds it).
func (fs *cmdFlags) limitFlags(depthHelp string) *readLimits {
	l := &fs.e.limits
	l.set = true
	fs.IntVar(&l.depth, "max-depth", odm.DefaultMaxDepth, depthHelp)
	fs.IntVar(&l.token, "max-token", odm.DefaultMaxTokenBytes, "maximum size in bytes of one tag, text run or comment (-1: no limit)")
	fs.Int64Var(&l.input, "max-input", 0, "maximum input size in bytes (0: no limit)")
	fs.IntVar(&l.nodes, "max-nodes", odm.DefaultMaxNodes, "maximum child nodes (elements, text pieces, comments) of one User, Location or other AdminData record or of one of its parts (-1: no limit)")
	fs.IntVar(&l.attrs, "max-attrs", odm.DefaultMaxAttrs, "maximum attributes of one element (-1: no limit)")
	return l
}

// limitsOf returns the run's limits carried by ctx, nil when it carries none.
func limitsOf(ctx context.Context) *readLimits {
	if ctx == nil {
		return nil
	}
	l, _ := ctx.Value(limitsKey{}).(*readLimits)
	return l
}

// limited returns ro with the limits of ctx (the run's, see limitFlags) where ro sets
// none of its own.
func limited(ctx context.Context, ro odm.ReadOptions) odm.ReadOptions {
	l := limitsOf(ctx)
	if l == nil {
		return ro
	}
	if ro.MaxDepth == 0 {
		ro.MaxDepth = l.depth
	}
	if ro.MaxTokenBytes == 0 {
		ro.MaxTokenBytes = l.token
	}
	if ro.MaxInputBytes == 0 {
		ro.MaxInputBytes = l.input
	}
	if ro.MaxNodes == 0 {
		ro.MaxNodes = l.nodes
	}
	if ro.MaxAttrs == 0 {
		ro.MaxAttrs = l.attrs
	}
	return ro
}

// limitHint returns, for an error of one of the reader's limits, the flag that raises it,
// as " (FLAG raises the limit)"; else "". The reader says which limit its input went past
// in the library's terms; the command's user knows the flags.
func limitHint(err error) string {
	flag := ""
	switch {
	case errors.Is(err, odm.ErrDepth):
		flag = "--max-depth"
	case errors.Is(err, odm.ErrTooManyAttrs):
		flag = "--max-attrs"
	case errors.Is(err, odm.ErrTokenTooLarge):
		flag = "--max-token"
	case errors.Is(err, odm.ErrTooManyNodes):
		flag = "--max-nodes"
	case errors.Is(err, odm.ErrInputTooLarge):
		flag = "--max-input"
	default:
		return ""
	}
	return " (" + flag + " raises the limit)"
}
