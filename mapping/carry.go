package mapping

import (
	"encoding/xml"
	"io"
	"strconv"
)

// NotCarried reads the ODM document in r and reports, one Warning of code CodeNotCarried
// per kind with its count, the content outside AdminData that a write into another
// flavour (ToDocument, WriteODM) does not carry: each kind of element directly inside the
// ODM root other than AdminData (Study, ReferenceData, ClinicalData, Association,
// ds:Signature, vendor elements), comments and processing instructions outside AdminData
// and a DOCTYPE. It streams the document (a token at a time) and does not check it beyond
// what tokenizing needs; read it with odm first.
func NotCarried(r io.Reader) ([]Warning, error) {
	d := xml.NewDecoder(r)
	d.Strict = true
	// The document was read by odm already, which handles declared encodings; here
	// only names and nesting matter, so bytes pass through as they are.
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	type kind struct{ field, what string }
	counts := map[kind]int{}
	var order []kind
	add := func(k kind) {
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	depth := 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 {
				if t.Name.Local != "AdminData" {
					add(kind{"ODM/" + rawName(t.Name), "element"})
				}
			}
		case xml.EndElement:
			depth--
		case xml.Comment:
			if depth <= 1 {
				add(kind{"comment", "comment"})
			}
		case xml.ProcInst:
			if t.Target != "xml" && depth <= 1 {
				add(kind{"processing-instruction", "processing instruction"})
			}
		case xml.Directive:
			if depth == 0 {
				add(kind{"DOCTYPE", "document type declaration"})
			}
		}
	}
	var w warner
	for _, k := range order {
		w.list = append(w.list, Warning{Code: CodeNotCarried, Field: k.field, Count: counts[k],
			Message: strconv.Itoa(counts[k]) + " " + k.what + plural(counts[k]) + " outside AdminData; a write into another flavour holds AdminData only and leaves them out"})
	}
	return w.list, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// rawName writes a name as it stands in the document (prefix:local).
func rawName(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}
