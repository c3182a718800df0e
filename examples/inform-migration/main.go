// Command inform-migration moves the users of an Oracle InForm AdminData export to Oracle
// Clinical One (a user upload template saved as CSV) and to Medidata Rave (Rave-flavoured
// ODM), printing what each target cannot hold.
//
// Usage:
//
//	go run ./examples/inform-migration [-out DIR] [-study OID] [INFORM-EXPORT.xml]
//
// Without an input it migrates its bundled testdata/inform-export.xml, a small fictitious
// export (embedded, so the command runs from any directory). Without -out it writes to a
// new temporary directory and prints its name, so a trial run leaves nothing behind in
// the working directory.
package main

import (
	"bufio"
	"bytes"
	_ "embed"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// sampleExport is the default input.
//
//go:embed testdata/inform-export.xml
var sampleExport []byte

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("inform-migration", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "directory to write clinicalone-users.csv and rave-users.xml to (default: a new temporary directory)")
	study := fs.String("study", "", "study OID for the Clinical One template (default: the export's only study)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	in := "testdata/inform-export.xml"
	var src io.Reader = bytes.NewReader(sampleExport)
	if fs.NArg() > 0 {
		in = fs.Arg(0)
		f, err := os.Open(in)
		if err != nil {
			fmt.Fprintln(stderr, "inform-migration:", err)
			return 2
		}
		defer f.Close()
		src = f
	}
	if *out == "" {
		dir, err := os.MkdirTemp("", "inform-migration-")
		if err != nil {
			fmt.Fprintln(stderr, "inform-migration:", err)
			return 2
		}
		*out = dir
	}
	if err := migrate(in, src, *out, *study, stdout); err != nil {
		fmt.Fprintln(stderr, "inform-migration:", err)
		return 2
	}
	return 0
}

func migrate(in string, src io.Reader, outDir, study string, stdout io.Writer) error {
	doc, err := odm.Decode(src, odm.ReadOptions{Name: in})
	if err != nil {
		return err
	}
	// Read with the InForm profile: rights groups become roles, LocationRefs site
	// assignments, pf:Active/pf:Terminated the account status.
	dir, warnings, err := mapping.FromDocument(doc, mapping.Options{Profile: mapping.ProfileInForm})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "read %d users, %d sites, %d studies from %s\n", len(dir.Users), len(dir.Sites), len(dir.Studies), in)
	report(stdout, "reading", warnings)

	csvPath := filepath.Join(outDir, "clinicalone-users.csv")
	err = writeFile(csvPath, func(w io.Writer) error {
		ws, err := mapping.WriteClinicalOneCSV(w, dir, mapping.Options{Study: study})
		report(stdout, "Clinical One", ws)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "wrote", csvPath)

	ravePath := filepath.Join(outDir, "rave-users.xml")
	err = writeFile(ravePath, func(w io.Writer) error {
		rave, ws, err := mapping.ToDocument(dir, mapping.ProfileRave, mapping.Options{})
		report(stdout, "Rave", ws)
		if err != nil {
			return err
		}
		return odm.Encode(w, rave, odm.WriteOptions{})
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "wrote", ravePath)
	return nil
}

func report(w io.Writer, stage string, ws []mapping.Warning) {
	for _, x := range ws {
		fmt.Fprintf(w, "  %s: %s\n", stage, x)
	}
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
