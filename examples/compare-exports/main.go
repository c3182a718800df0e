// Command compare-exports checks a user migration: it compares the source export with the
// migrated one (of the same or another vendor) and lists every difference, failing when
// there is one. main_test.go is the same check as a Go test harness, built on package
// odmtest, for a migration's test suite.
//
// Usage:
//
//	go run ./examples/compare-exports [-key oid|login|email] [SOURCE MIGRATED]
//
// Without arguments it compares its bundled testdata/source.xml (an InForm export) with
// testdata/migrated.xml (the same users migrated to Rave by "odmadmin map"); they are
// embedded, so the command runs from any directory. Users are
// matched by login by default, since a migration to another vendor usually changes OIDs.
// Exit status: 0 the migration kept every user, role, status and site; 1 differences;
// 2 error.
package main

import (
	"bytes"
	"embed"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/odmadmin/odmadmin/diff"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// samples are the default inputs.
//
//go:embed testdata/source.xml testdata/migrated.xml
var samples embed.FS

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("compare-exports", flag.ContinueOnError)
	fs.SetOutput(stderr)
	key := fs.String("key", "login", "match users by oid, login or email")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	src, dst := "", ""
	switch fs.NArg() {
	case 0:
	case 2:
		src, dst = fs.Arg(0), fs.Arg(1)
	default:
		fmt.Fprintln(stderr, "compare-exports: want SOURCE and MIGRATED, or nothing")
		return 2
	}
	k, err := diff.ParseKey(*key)
	if err != nil {
		fmt.Fprintln(stderr, "compare-exports:", err)
		return 2
	}
	changes, err := compare(src, dst, k)
	if err != nil {
		fmt.Fprintln(stderr, "compare-exports:", err)
		return 2
	}
	if src == "" {
		src, dst = "testdata/source.xml", "testdata/migrated.xml"
	}
	if len(changes) == 0 {
		fmt.Fprintf(stdout, "%s and %s hold the same users, roles, statuses and sites\n", src, dst)
		return 0
	}
	fmt.Fprintf(stdout, "%d differences from %s to %s:\n", len(changes), src, dst)
	diff.WriteText(stdout, changes)
	return 1
}

// compare reads both exports (their vendor profiles detected) and compares them.
func compare(src, dst string, key diff.Key) ([]diff.Change, error) {
	a, err := read(src, "testdata/source.xml")
	if err != nil {
		return nil, err
	}
	b, err := read(dst, "testdata/migrated.xml")
	if err != nil {
		return nil, err
	}
	return diff.Compare(a, b, diff.Options{Key: key}), nil
}

// read reads an export, or the bundled one named name when path is "".
func read(path, name string) (*mapping.Directory, error) {
	var doc *odm.Document
	var err error
	if path == "" {
		var data []byte
		if data, err = samples.ReadFile(name); err == nil {
			doc, err = odm.Decode(bytes.NewReader(data), odm.ReadOptions{Name: name})
		}
	} else {
		doc, err = odm.DecodeFile(path, odm.ReadOptions{})
	}
	if err != nil {
		return nil, err
	}
	d, _, err := mapping.FromDocument(doc, mapping.Options{})
	return d, err
}
