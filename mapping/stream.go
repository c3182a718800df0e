package mapping

import (
	"io"

	"github.com/odmadmin/odmadmin/odm"
)

// WriteODM writes dir as ToDocument does, but streams it to out record by record through an
// odm.Writer instead of building a document, so memory is the directory's plus one record
// (and, when writing decoded records back to their own flavour, the references needed to
// keep each block's source order). The output is the ToDocument document as odm.Encode
// writes it with opts, apart from white space between AdminData records.
//
// WriteODM writes AdminData (and OpenClinica's site studies) only; use Patch to write a
// directory back into a document with everything else it holds.
func WriteODM(out io.Writer, dir *Directory, p Profile, opts Options, wopts odm.WriteOptions) ([]Warning, error) {
	w, err := newWriter(dir, p, opts)
	if err != nil {
		return nil, err
	}
	return w.writeODM(out, wopts)
}

// writeODM is WriteODM once the writer is made.
func (w *writer) writeODM(out io.Writer, wopts odm.WriteOptions) ([]Warning, error) {
	doc := odm.NewDocument(w.v)
	if src := w.dir.Source; w.same && src != nil && src.doc != nil && src.doc.Version == w.v {
		doc.Prolog = src.doc.Prolog
	}
	w.rootAttrs(doc)
	// What the flavour's version cannot hold is reported below as CodeUnrepresentable
	// warnings, so the writer may leave it out rather than fail.
	wopts.AllowDrop = true
	ow := odm.NewWriter(out, wopts)
	root := *doc.Root
	root.Children = nil
	if err := ow.WriteHeader(&odm.Header{Version: w.v, Prolog: doc.Prolog, Root: &root}); err != nil {
		return w.warn.result(), err
	}
	// The flavour's Study elements (OpenClinica's site studies), each written as it is
	// made (the writer indents them itself).
	var werr error
	w.fl.writeStudies(w, doc.Root.Space, func(n odm.Node) {
		if e, ok := n.(*odm.Element); ok && werr == nil {
			werr = ow.Write(e)
		}
	})
	if werr != nil {
		return w.warn.result(), werr
	}
	for _, bp := range w.plan {
		w.writeBlock(bp, func(n odm.Node) {
			if werr == nil {
				werr = ow.Write(n)
			}
		})
		if werr != nil {
			return w.warn.result(), werr
		}
	}
	if err := ow.Close(); err != nil {
		return w.warn.result(), err
	}
	for _, x := range ow.Warnings() {
		w.warn.addN(CodeUnrepresentable, "ODM", "", x.Error(), max(1, x.More))
	}
	return w.warn.result(), nil
}
