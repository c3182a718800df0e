// Command benchtool is the helper of scripts/bench.sh: it writes the generated inputs
// and runs the bare encoding/xml Token loop the script compares odmadmin with.
//
//	benchtool inform N FILE         InForm-shaped export of N users
//	benchtool openclinica N FILE    OpenClinica-shaped export of N users (site studies)
//	benchtool upload ROWS N FILE    Clinical One upload CSV for the export of N users
//	benchtool samename N FILE       N users of the same name (plan's worst case)
//	benchtool samenameupload N FILE N upload rows of that name
//	benchtool contacts N FILE       N participant contact records, a JSON array
//	benchtool contactscsv N FILE    the same records as CSV
//	benchtool oc4users ROWS FILE    an OpenClinica 4 user table (CSV) of ROWS rows
//	benchtool tokens FILE           encoding/xml Decoder.Token loop; prints the users seen
//	benchtool reader FILE           decode-only through the public odm.Reader (default options)
//	benchtool reader-reuse FILE     the same with ReadOptions.Reuse (records recycled)
//	benchtool reader-values FILE    the same with ReadOptions.ValuesOnly (no layout kept)
//	benchtool reader-values-reuse FILE  with ValuesOnly and Reuse
package main

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchtool:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	if len(args) < 2 {
		return errors.New("usage: benchtool inform|openclinica|upload|samename|samenameupload|contacts|contactscsv|oc4users|tokens|reader|reader-reuse|reader-values|reader-values-reuse ARGS (see go doc)")
	}
	nums := make([]int, 0, 2)
	for _, a := range args[1 : len(args)-1] {
		n, err := strconv.Atoi(a)
		if err != nil || n < 0 {
			return fmt.Errorf("%q is not a count", a)
		}
		nums = append(nums, n)
	}
	file := args[len(args)-1]
	want := map[string]int{"inform": 1, "openclinica": 1, "upload": 2, "samename": 1, "samenameupload": 1, "contacts": 1, "contactscsv": 1, "oc4users": 1, "tokens": 0, "reader": 0, "reader-reuse": 0, "reader-values": 0, "reader-values-reuse": 0}
	n, ok := want[args[0]]
	if !ok || n != len(nums) {
		return fmt.Errorf("%s: wrong command or argument count", args[0])
	}
	switch args[0] {
	case "tokens":
		return tokens(file)
	case "reader", "reader-reuse", "reader-values", "reader-values-reuse":
		return reader(file, odm.ReadOptions{
			Name:       file,
			Reuse:      args[0] == "reader-reuse" || args[0] == "reader-values-reuse",
			ValuesOnly: args[0] == "reader-values" || args[0] == "reader-values-reuse",
		})
	}
	return write(file, func(w io.Writer) error {
		switch args[0] {
		case "inform":
			return gen.InForm(w, nums[0])
		case "openclinica":
			return gen.OpenClinica(w, nums[0])
		case "upload":
			return gen.UploadCSV(w, nums[0], nums[1])
		case "samename":
			return gen.SameName(w, nums[0])
		case "contacts", "contactscsv":
			return gen.Contacts(w, nums[0], args[0] == "contactscsv")
		case "oc4users":
			return gen.OC4Users(w, nums[0])
		default:
			return gen.SameNameUploadCSV(w, nums[0])
		}
	})
}

// write writes file through a temporary name so that an interrupted run leaves no
// truncated input for the next one to trust.
func write(file string, f func(io.Writer) error) error {
	tmp := file + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := f(out); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, file)
}

// tokens is the floor of anything built on encoding/xml: namespace-resolved tokens,
// nothing kept.
func tokens(file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	d := xml.NewDecoder(bufio.NewReaderSize(f, 64<<10))
	users := 0
	for {
		t, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if s, ok := t.(xml.StartElement); ok && s.Name.Local == "User" {
			users++
		}
	}
	fmt.Println(users, "users")
	return nil
}

// reader is decode-only through the public odm.Reader: every AdminData record typed,
// nothing written.
func reader(file string, opts odm.ReadOptions) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	r := odm.NewReader(bufio.NewReaderSize(f, 64<<10), opts)
	users := 0
	for {
		n, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if _, ok := n.(*odm.User); ok {
			users++
		}
	}
	fmt.Println(users, "users")
	return nil
}
