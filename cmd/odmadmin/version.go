package main

import (
	"fmt"
	"runtime/debug"
)

// runVersion prints the module version and, when the binary was built from a VCS
// checkout, the revision, its time and whether the tree had local changes: what a bug
// report needs to name the code that ran.
func runVersion(e *env, args []string) int {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fmt.Fprint(e.stdout, `Usage:
  odmadmin version

Prints the module version (a release tag for "go install ...@vX", "(devel)" for a
build from a checkout) and, when the build recorded them, the VCS revision, its time
and "modified" when the checkout had uncommitted changes. "odmadmin --version" is
the same.
`)
			return 0
		}
	}
	if len(args) > 0 {
		fmt.Fprintf(e.stderr, "odmadmin version: takes no arguments, got %q\nRun 'odmadmin version --help' for usage.\n", args[0])
		return 2
	}
	fmt.Fprintln(e.stdout, versionLine())
	return 0
}

// versionLine describes the build: "odmadmin v1.2.3 (rev 0123abcd, 2026-12-01T17:00:00Z,
// modified) go1.26.8".
func versionLine() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "odmadmin (no build information)"
	}
	return formatVersion(bi)
}

func formatVersion(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, when string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	line := "odmadmin " + v
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		line += " (rev " + rev
		if when != "" {
			line += ", " + when
		}
		if modified {
			line += ", modified"
		}
		line += ")"
	} else {
		line += " (no VCS revision recorded: built by go run, a test, or -buildvcs=false)"
	}
	return line + " " + bi.GoVersion
}
