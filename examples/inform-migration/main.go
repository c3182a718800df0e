// Command inform-migration moves the users of an Oracle InForm AdminData export to Oracle
// Clinical One (a user upload template saved as CSV) and to Medidata Rave (Rave-flavoured
// ODM), printing what each target cannot hold.
//
// Usage:
//
//	go run ./examples/inform-migration [-out DIR] [-study OID] [INFORM-EXPORT.xml]
//
// Without an input it migrates testdata/inform-export.xml, a small fictitious export.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("inform-migration", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", ".", "directory to write clinicalone-users.csv and rave-users.xml to")
	study := fs.String("study", "", "study OID for the Clinical One template (default: the export's only study)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	in := filepath.Join("testdata", "inform-export.xml")
	if fs.NArg() > 0 {
		in = fs.Arg(0)
	}
	if err := migrate(in, *out, *study, stdout); err != nil {
		fmt.Fprintln(stderr, "inform-migration:", err)
		return 2
	}
	return 0
}

func migrate(in, outDir, study string, stdout io.Writer) error {
	doc, err := odm.DecodeFile(in, odm.ReadOptions{})
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
