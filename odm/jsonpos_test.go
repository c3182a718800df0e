package odm_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// jsonOffset returns the byte offset of line:col (from 1) in b, -1 if there is none.
func jsonOffset(b []byte, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(b[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	if off+col-1 >= len(b) {
		return -1
	}
	return off + col - 1
}

// recordOID is the OID of an AdminData record.
func recordOID(n odm.Node) (string, bool) {
	switch v := n.(type) {
	case *odm.User:
		return v.OID, true
	case *odm.Location:
		return v.OID, true
	case *odm.SignatureDef:
		return v.OID, true
	case *odm.Organization:
		return v.OID, true
	}
	return "", false
}

// TestJSONPositions: every record of the XML JSONToODM writes, looked up by the line of
// its start tag or any line inside it, leads to the JSON object it was written from (its
// "oid" is the record's), for every fixture and a generated file of many records (past
// the lookup table's checkpoints); a line before the root has no place.
func TestJSONPositions(t *testing.T) {
	files, _ := filepath.Glob("../testdata/*/*.xml")
	var inputs [][2]string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, [2]string{f, string(b)})
	}
	var big bytes.Buffer
	if err := gen.InForm(&big, 300); err != nil {
		t.Fatal(err)
	}
	inputs = append(inputs, [2]string{"generated 300 users", big.String()})
	for _, in := range inputs {
		t.Run(filepath.Base(in[0]), func(t *testing.T) {
			var js bytes.Buffer
			if err := odm.StreamJSON(&js, odm.NewReader(strings.NewReader(in[1]), odm.ReadOptions{})); err != nil {
				t.Fatal(err)
			}
			var xml bytes.Buffer
			pos := new(odm.JSONPositions)
			if _, err := odm.JSONToODM(&xml, bytes.NewReader(js.Bytes()), odm.ReadOptions{JSONPositions: pos}, odm.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, _, ok := pos.Lookup(0); ok {
				t.Errorf("line 0 has a place")
			}
			r := odm.NewReader(bytes.NewReader(xml.Bytes()), odm.ReadOptions{})
			records := 0
			for {
				n, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				oid, ok := recordOID(n)
				if !ok {
					continue
				}
				records++
				line, _ := n.(interface{ Position() (int, int) }).Position()
				end := line + strings.Count(recordXML(t, xml.Bytes(), line, n), "\n")
				for _, l := range []int{line, (line + end) / 2, end} {
					jl, jc, ok := pos.Lookup(l)
					if !ok {
						t.Fatalf("%s at XML line %d (looked up at %d): no place", oid, line, l)
					}
					off := jsonOffset(js.Bytes(), jl, jc)
					if off < 0 || js.Bytes()[off] != '{' {
						t.Fatalf("%s at XML line %d: JSON %d:%d is not an object", oid, l, jl, jc)
					}
					var obj struct {
						OID string `json:"oid"`
					}
					if err := json.NewDecoder(bytes.NewReader(js.Bytes()[off:])).Decode(&obj); err != nil || obj.OID != oid {
						t.Fatalf("%s at XML line %d: JSON %d:%d is the object of %q (%v)", oid, l, jl, jc, obj.OID, err)
					}
				}
			}
			if records == 0 || pos.Len() < records {
				t.Errorf("%d records, %d marks", records, pos.Len())
			}
		})
	}
}

// recordXML returns the XML of the record n whose start tag is on line, up to its end
// tag ("" for an empty element).
func recordXML(t *testing.T, xml []byte, line int, n odm.Node) string {
	t.Helper()
	local := strings.TrimPrefix(fmt.Sprintf("%T", n), "*odm.")
	rest := string(xml[jsonOffset(xml, line, 1):])
	start := regexp.MustCompile(`<([\w.-]+:)?` + local + `[\s/>]`).FindStringIndex(rest)
	if start == nil {
		t.Fatalf("no %s start tag on line %d", local, line)
	}
	rest = rest[start[0]:]
	if tag := rest[:strings.IndexByte(rest, '>')+1]; strings.HasSuffix(tag, "/>") {
		return ""
	}
	end := regexp.MustCompile(`</([\w.-]+:)?` + local + `>`).FindStringIndex(rest)
	if end == nil {
		t.Fatalf("no %s end tag after line %d", local, line)
	}
	return rest[:end[0]]
}
