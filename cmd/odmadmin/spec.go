package main

import (
	"fmt"
	"path/filepath"

	inp "github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/mapping"
)

// loadSpec reads a migration spec (CSV or .xlsx) and, for a login lookup rule, the user
// table it names (relative to the spec's directory) with its reader's warnings (a row
// without OID, a second row of one user that disagrees), which each caller lists with its
// own.
func loadSpec(e *env, path string, o inp.Options) (*mapping.Spec, *mapping.Directory, []mapping.Warning, error) {
	in, err := openAny(e, path, o)
	if err != nil {
		return nil, nil, nil, err
	}
	defer in.Close()
	t, err := in.Table(inp.TableOptions{Sheets: []string{"Spec", "Migration Spec"}, IsHeader: mapping.IsSpecHeader})
	if err != nil {
		return nil, nil, nil, err
	}
	defer t.Close()
	spec, err := mapping.ReadSpec(t)
	if err != nil {
		return nil, nil, nil, inp.WithName(t.Name, err)
	}
	if spec.Login.From != "lookup" {
		return spec, nil, nil, nil
	}
	file := spec.Login.File
	if !filepath.IsAbs(file) && path != "" && path != "-" {
		file = filepath.Join(filepath.Dir(path), file)
	}
	// The table is read as readDirectories reads it, its ODM streamed into a merge whose
	// users are in a temporary file, and only its logins by OID are kept for the run
	// (mapping.LoginTable), not its users.
	ms, ws, err := readMerged(e, []string{file}, o, mapping.Options{Context: e.context()})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: the login lookup table: %w", t.Name, err)
	}
	lookup := mapping.LoginTable(ms.Users())
	err = ms.Err()
	if cerr := ms.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: the login lookup table: %w", t.Name, err)
	}
	return spec, lookup, placedAt(ws, file), nil
}

// placedAt names file as the place of the warnings that name none.
func placedAt(ws []mapping.Warning, file string) []mapping.Warning {
	for i := range ws {
		if ws[i].File == "" {
			ws[i].File = file
		}
	}
	return ws
}
