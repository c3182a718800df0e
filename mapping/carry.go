package mapping

import (
	"io"
	"strconv"

	"github.com/odmadmin/odmadmin/internal/xmlenc"
	"github.com/odmadmin/odmadmin/internal/xmlscan"
)

// NotCarried reads the ODM document in r and reports, one Warning of code CodeNotCarried
// per kind with its count, the content outside AdminData that a write into another
// flavour (ToDocument, WriteODM) does not carry: each kind of element directly inside the
// ODM root other than AdminData (Study, ReferenceData, ClinicalData, Association,
// ds:Signature, vendor elements), comments and processing instructions outside AdminData
// and a DOCTYPE. It streams the document (a token at a time, through the byte scanner odm
// reads with: encoding/xml's tokenizer took as long as the rest of map --to odm2) and
// does not check it beyond what tokenizing needs; read it with odm first, whose limits
// it has already met (none are set here).
func NotCarried(r io.Reader) ([]Warning, error) {
	// A document in another encoding is transcoded as odm reads it.
	u, err := xmlenc.UTF8(r)
	if err != nil {
		return nil, err
	}
	sc := xmlscan.New(u, xmlscan.Options{})
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
		tok, err := sc.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tok {
		case xmlscan.StartElement:
			depth++
			if depth == 2 {
				if n := sc.Name(); string(n.Local) != "AdminData" {
					add(kind{"ODM/" + rawName(n), "element"})
				}
			}
		case xmlscan.EndElement:
			depth--
		case xmlscan.Comment:
			if depth <= 1 {
				add(kind{"comment", "comment"})
			}
		case xmlscan.ProcInst:
			if string(sc.Target()) != "xml" && depth <= 1 {
				add(kind{"processing-instruction", "processing instruction"})
			}
		case xmlscan.Doctype:
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
func rawName(n *xmlscan.Name) string {
	if len(n.Prefix) > 0 {
		return string(n.Prefix) + ":" + string(n.Local)
	}
	return string(n.Local)
}
