// Command odmadmin imports, exports, converts, compares and checks clinical-trial user
// administration data carried as CDISC ODM AdminData.
//
// Run "odmadmin --help" for the list of subcommands and "odmadmin CMD --help" for one of them.
//
// Exit codes follow the diff(1) convention where a command answers a yes/no question:
// 0 means success (or "equal", "valid"), 1 means the question's answer is no (differences,
// findings, invalid records), and 2 means the command could not do its job (bad flags,
// unreadable input, a write that failed).
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one subcommand. run gets the arguments after the subcommand name and returns
// the process exit code; it must not call os.Exit so tests can run it in-process.
type command struct {
	summary string
	run     func(env *env, args []string) int
}

// env is what a command may touch: the standard streams. Tests fill it with buffers.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// commands lists the subcommands. Each lives in its own file named after it.
var commands = map[string]command{
	"check":    {"check AdminData consistency (references, uniqueness, value lists)", runCheck},
	"convert":  {"convert ODM to JSON or back, losslessly", runConvert},
	"contacts": {"validate participant contact records (JSON or CSV)", runContacts},
	"diff":     {"compare two user exports, even of different vendors", runDiff},
	"map":      {"map users to the normalized model and between vendors", runMap},
	"plan":     {"check a bulk user upload against the current users", runPlan},
	"query":    {"evaluate an XPath 1.0 expression over an ODM document", runQuery},
}

func main() {
	os.Exit(run(&env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:]))
}

func run(e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(e.stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "odmadmin: unknown command %q\n", args[0])
		usage(e.stderr)
		return 2
	}
	return c.run(e, args[1:])
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
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, `
Run "odmadmin COMMAND --help" for a command's flags and an example.

Example:
  odmadmin convert --to json testdata/inform/inform-study.xml
`)
}

// fail prints a one-line error for a command and returns exit code 2.
func fail(e *env, cmd string, err error) int {
	msg := strings.TrimSpace(err.Error())
	fmt.Fprintf(e.stderr, "odmadmin %s: %s\n", cmd, msg)
	return 2
}
