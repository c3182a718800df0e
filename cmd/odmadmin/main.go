// Command odmadmin imports, exports, converts, compares and checks clinical-trial user
// administration data carried as CDISC ODM AdminData.
//
// Run "odmadmin --help" for the list of subcommands and "odmadmin help CMD" (or
// "odmadmin CMD --help") for one of them.
//
// Exit codes follow the diff(1) convention where a command answers a yes/no question:
// 0 means success (or "equal", "valid"), 1 means the question's answer is no (differences,
// findings, invalid records), and 2 means the command could not do its job (bad flags,
// unreadable input, a write that failed, an interrupt).
//
// Diagnostics have one format on every command, as compilers print them:
//
//	FILE:LINE:COL: SEVERITY CODE: message      (XML input)
//	FILE:ROW:COLUMN-NAME: SEVERITY CODE: message (CSV and spreadsheet input; ROW is the
//	                                              row a spreadsheet shows, header = 1)
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"syscall"
)

// command is one subcommand. run gets the arguments after the subcommand name and returns
// the process exit code; it must not call os.Exit so tests can run it in-process.
type command struct {
	summary string
	run     func(env *env, args []string) int
}

// env is what a command may touch: the standard streams and the context that an
// interrupt cancels. Tests fill it with buffers.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// ctx is cancelled by Ctrl-C (SIGINT), SIGTERM or SIGHUP; nil means never cancelled.
	ctx context.Context
	// tty says stderr is a terminal, so progress may be shown there; stdoutTTY says
	// stdout is one too, where output that streams while the input is read would mix
	// with the progress line.
	tty, stdoutTTY bool
	// quiet is --quiet, or output to a terminal's stdout (set by parseArgs): no progress.
	quiet bool
	// cmd is the running command's name (set by parseArgs), prog its progress line.
	cmd  string
	prog *progress
	// describe, when set, receives a command's flag set instead of the command running
	// (parseArgs calls it and stops): completion scripts list the flags this way.
	describe func(*cmdFlags)
	// temps removes the temporary files of a run when a signal ends it (nil in tests
	// that run commands in-process: nothing is registered then).
	temps *tempFiles
	// wholeODM makes map decode OpenClinica input whole, as it did before it streamed
	// it: only tests set it, to compare the two.
	wholeODM bool
	// wholeMerge makes map read several inputs whole and merge them in memory
	// (readDirectories), as it did before it merged them streaming (readMerged), and diff
	// and plan read every side or --existing whole and apply a spec with Spec.Apply
	// (diffWhole, readExistingWhole): only tests set it, to compare the two.
	wholeMerge bool
	// wholeBase makes map read an ODM input patched into --base of another flavour
	// whole, as before it held its users in a temporary file: only tests set it.
	wholeBase bool
	// places are the JSON places of the run's JSON-form inputs (see jsonPlaces), carried
	// by the context context returns; made once, on first use.
	placesOnce sync.Once
	places     *jsonPlaces
	placesCtx  context.Context
	// wholeTable makes map read a table or directory JSON input whole (readDirectoryFrom),
	// as it read one from stdin before it spooled stdin: only tests set it.
	wholeTable bool
	// withLayout makes map read an ODM input for its exports with the layout of each
	// record, as it did before it read values only (valuesOnly): only tests set it.
	withLayout bool
	// limits are the reader's limits the command's flags set (limitFlags), carried by
	// the context context returns to every reader of ODM the command makes; zero ones
	// are the odm package's defaults.
	limits readLimits
}

// context returns the command's context, never nil. It carries the run's jsonPlaces and readLimits.
func (e *env) context() context.Context {
	e.placesOnce.Do(func() {
		base := e.ctx
		if base == nil {
			base = context.Background()
		}
		e.places = new(jsonPlaces)
		e.placesCtx = context.WithValue(context.WithValue(base, placesKey{}, e.places), limitsKey{}, &e.limits)
	})
	return e.placesCtx
}

// commands lists the subcommands. Each lives in its own file named after it. The
// built-in ones (help, version, completion) are handled by run.
var commands = map[string]command{
	"accounts": {"check an OpenClinica 4 user table (types, statuses, roles, times)", runAccounts},
	"check":    {"check AdminData consistency (references, uniqueness, value lists)", runCheck},
	"convert":  {"convert ODM to JSON or back, losslessly", runConvert},
	"contacts": {"validate participant contact records (JSON or CSV)", runContacts},
	"diff":     {"compare two user exports, even of different vendors", runDiff},
	"map":      {"map users to the normalized model and between vendors", runMap},
	"plan":     {"check a bulk user upload against the current users", runPlan},
	"query":    {"evaluate an XPath 1.0 expression over an ODM document", runQuery},
}

// builtins are the commands run handles itself, with their summaries for the help.
var builtins = [][2]string{
	{"completion", "print a shell completion script: completion bash|zsh|fish"},
	{"help", "show the help of a command: help CMD"},
	{"version", "print the module version and the VCS revision it was built from"},
}

func main() {
	startGCPolicy()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	temps := newTempFiles()
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, ctx: ctx, tty: isTerminal(os.Stderr), stdoutTTY: isTerminal(os.Stdout), temps: temps}
	done := make(chan struct{})
	go temps.afterInterrupt(ctx, done, os.Stderr)
	code := run(e, os.Args[1:])
	close(done)
	stop()
	os.Exit(code)
}

// isTerminal reports whether f is a character device (a terminal, not a pipe or file).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func run(e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(e.stdout)
		return 0
	case "help":
		return runHelp(e, args[1:])
	case "version", "-version", "--version":
		return runVersion(e, args[1:])
	case "completion":
		return runCompletion(e, args[1:])
	}
	c, ok := commands[args[0]]
	if !ok {
		msg := fmt.Sprintf("unknown command %q", args[0])
		if strings.HasPrefix(args[0], "-") {
			msg = fmt.Sprintf("unknown flag %s (flags follow the command: odmadmin CMD [flags])", args[0])
		} else if m := nearest(args[0], commandNames()); m != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", m)
		}
		fmt.Fprintf(e.stderr, "odmadmin: %s\nRun 'odmadmin --help' for usage.\n", msg)
		return 2
	}
	defer e.stopProgress()
	return c.run(e, args[1:])
}

// commandNames lists every command, built-ins included, sorted.
func commandNames() []string {
	names := make([]string, 0, len(commands)+len(builtins))
	for n := range commands {
		names = append(names, n)
	}
	for _, b := range builtins {
		names = append(names, b[0])
	}
	sort.Strings(names)
	return names
}

// runHelp prints the help of the command named, or the top-level help.
func runHelp(e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stdout)
		return 0
	}
	if len(args) > 1 {
		fmt.Fprintf(e.stderr, "odmadmin help: want one command name, got %d\nRun 'odmadmin --help' for usage.\n", len(args))
		return 2
	}
	switch args[0] {
	case "help":
		usage(e.stdout)
		return 0
	case "version", "completion":
		return run(e, []string{args[0], "--help"})
	}
	if _, ok := commands[args[0]]; !ok {
		msg := fmt.Sprintf("unknown command %q", args[0])
		if m := nearest(args[0], commandNames()); m != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", m)
		}
		fmt.Fprintf(e.stderr, "odmadmin help: %s\nRun 'odmadmin --help' for usage.\n", msg)
		return 2
	}
	return commands[args[0]].run(e, []string{"--help"})
}

func usage(w io.Writer) {
	fmt.Fprint(w, `odmadmin works with CDISC ODM AdminData (users, sites, signatures) and vendor extensions.

Usage:
  odmadmin COMMAND [flags] [args]

Commands:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, "\n")
	for _, b := range builtins {
		fmt.Fprintf(w, "  %-10s %s\n", b[0], b[1])
	}
	fmt.Fprint(w, `
Flags may stand before or after the files. On every command with output, -o FILE writes
it atomically, --quiet silences warnings and progress on stderr, --format picks the
output format, and --max N caps how many diagnostics of one code are listed. Diagnostics
read FILE:LINE:COL: SEVERITY CODE: message (FILE:ROW:COLUMN-NAME for CSV, where ROW is
the spreadsheet row, header = 1).

Exit status: 0 success, 1 a negative answer (findings, differences), 2 an error.

Memory: the garbage collector runs when the process holds 48 MiB, or once the heap has
grown past that by as much as a collection has to scan (diff and plan, which hold large
directories, keep Go's default). Setting GOGC or GOMEMLIMIT in the
environment replaces this policy with Go's own: GOGC=100 is Go's default (less memory
for small inputs, more CPU), GOMEMLIMIT=200MiB a soft cap of your own.

Run "odmadmin help COMMAND" for a command's flags and examples.

Examples (run from the repository root; files under testdata/ ship with it):
  odmadmin convert --to json testdata/inform/htn-demo.xml
  odmadmin check testdata/inform/htn-demo.xml
`)
}

// fail prints a one-line error for a command and returns exit code 2.
func fail(e *env, cmd string, err error) int {
	placesOf(e.context()).fixErr(err)
	msg := strings.TrimSpace(err.Error())
	if errors.Is(err, context.Canceled) || e.context().Err() != nil {
		msg = "interrupted"
		var oe *outputError
		if errors.As(err, &oe) {
			msg += "; " + oe.path + " not written"
		}
	}
	if e.limits.set {
		msg += limitHint(err)
	}
	fmt.Fprintf(e.stderr, "odmadmin %s: %s\n", cmd, msg)
	return 2
}
