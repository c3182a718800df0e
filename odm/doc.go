// Package odm reads and writes CDISC ODM files (1.2, 1.3.x and 2.0) with typed AdminData —
// users, organizations, locations and signature definitions — without losing anything:
// vendor extensions (InForm pf:, Rave mdsol:, OpenClinica:, any other namespace), comments,
// processing instructions and everything outside AdminData (Study, ReferenceData,
// ClinicalData, Association, ds:Signature) survive a read–write cycle.
//
// # Reading and writing
//
// [Decode] reads a whole document; [Document.AdminData] returns its AdminData elements in
// order (a file may hold one per study). Typed values ([User], [Location], [SignatureDef],
// [Organization], [Address], [MetaDataVersionRef], ...) have one field per ODM attribute or
// child; where ODM 2.0 renamed an element the field keeps the 1.3 name and its comment says
// so (User.LoginName is 2.0's UserName). [Encode] writes the document back. A value the
// document's ODM version has no place for (an Email on a 2.0 User, an Organization in
// 1.3, a second StreetName in 2.0, ...) is never dropped silently: Encode,
// [Document.WriteFile], [Writer] and [Transform] fail with a [*DropError] naming each such
// value, unless [WriteOptions].AllowDrop asks to write without them (they are then in
// Warnings).
//
// [Reader] streams the same typed values one record at a time, in bounded memory, for files
// of any size; [Writer] writes a document record by record; [StreamJSON] converts a file to
// JSON while reading it; [Transform] copies a file of any size losslessly — Study and
// ClinicalData token by token — handing each AdminData record to a function that may edit
// or drop it, or add records to the block (each written at its place in the block's
// content model, after the records of the kinds before it), and writes exactly what
// Decode and Encode would. The whole-document and
// streaming APIs share one set of types. A consumer done with each record before asking
// for the next sets [ReadOptions].Reuse, and the Reader reads every record into the memory
// of the one before (strings excepted, which stay valid): about a tenth of the garbage per
// record. StreamJSON and Transform without a function recycle records that way themselves,
// and their strings too, as nothing outside them sees a record: they make next to no
// garbage (a 1,000,000-user file in 17–18 MiB). [Check] gives the verdict of a Reader read
// to the end (the header and the first error) without building the records, in about
// half the time of a Reader with Reuse.
// A record Transform's function leaves as it was read ([AsRead]; every record without a
// function) is written as its input bytes wherever encoding it would give those same
// bytes (no lexical normalization applies, see Fidelity), without encoding it again.
//
// # Vendor extensions
//
// Every typed value embeds [Ext]. Its Attrs hold attributes in other namespaces (and
// namespace declarations), its Nodes hold child elements in other namespaces, comments,
// processing instructions and anything the ODM model does not define, each with its whole
// subtree. Each keeps its namespace URI, local name and the prefix it was written with.
// Look them up by namespace URI ([Ext.Attr], [Ext.Elements]) — never by prefix, because a
// file may bind several prefixes to one URI. Typed views exist for InForm
// ([User.InForm], [Location.InForm], [AdminData.InFormGroups]) and Rave ([User.Rave],
// [Location.RaveActive], [MetaDataVersionRef.RaveStudySiteNumber]); the namespace URIs
// are constants ([NSInForm], [NSRave], [NSOpenClinica], ...).
//
// # Fidelity
//
// Decoding and encoding an unmodified document gives the same exclusive canonical XML
// (xmllint --exc-c14n) as the input: same prefixes and namespace declarations in the same
// places, same attribute values (&#9; and &#10; in attribute values stay character
// references), comments, processing instructions, the XML declaration with its standalone
// flag, a DOCTYPE. CDATA sections stay CDATA sections. An empty element keeps its form
// (<a/> or <a></a>). The remaining normalizations, all lexical, are:
//
//   - attributes are written with double quotes, separated by one space (white space and
//     line breaks between attributes inside a tag are not kept);
//   - character and entity references in text and attribute values are written as the
//     characters they stand for, except where XML needs an escape (&amp; &lt; &gt; in
//     text; &amp; &lt; &quot; &#9; &#10; &#13; in attributes);
//   - the output is always UTF-8: a document read as UTF-16, ISO-8859-1, windows-1252 or
//     another encoding is written as UTF-8 and its declaration says encoding="UTF-8" (one
//     that named UTF-8 already, as utf-8 or utf8, keeps its spelling); a byte-order mark
//     is not written;
//   - "<x />" is written "<x/>".
//
// Editing a typed value changes only that value in the output: a changed text child is
// rewritten in place with its own attributes, a changed attribute keeps its position, a
// removed value disappears with the white space before it, a new value is inserted where
// the schema puts it and indented like its siblings. Values built in code are laid out in
// schema order, vendor content after the standard children.
//
// What the typed layer cannot carry, and where it goes instead:
//
//   - attributes on simple text children (a vendor attribute on <LoginName>) survive XML
//     round trips, also when the text is edited, but are not part of the typed value or
//     the JSON form;
//   - comments or elements inside a text-only child (<LoginName>a<!--x-->b</LoginName>)
//     survive when the text is unchanged; changing the text replaces them with it;
//   - a second occurrence of a single-valued child, or any element ODM does not define in
//     that place, is kept in Ext.Nodes (and reported, see Warnings);
//   - changing Document.Version of a decoded document is not a conversion: the mapping
//     package converts between 1.3 and 2.0 and reports what cannot be carried over.
//
// # Warnings and strictness
//
// Real producers write things the schema forbids. They are read, kept exactly as written,
// and reported in Document.Warnings (or [Reader.Warnings]) as [*Error] values wrapping
// [ErrQuirk] — an EffectiveDate written as a dateTime, white space around an OID, empty
// <Address/> or <Fax/>, consecutive spaces in a name, a Location without
// MetaDataVersionRef, a SignatureDef without Meaning or LegalReason — or [ErrUnknown] —
// unknown attributes or elements in the ODM namespace, text where only elements belong.
// [ReadOptions].Strict turns the first of them into an error. Warnings never quote values:
// names, e-mail addresses and phone numbers are personal data. [ReadOptions].MaxWarnings
// bounds them (1000 of each code by default): past it, one warning counts the rest
// ([Error].More), so a quirk on every user of a large file is reported without holding a
// value per user.
//
// # Errors and limits
//
// Errors are [*Error] values with the input's name, line and column, wrapping a sentinel
// ([ErrSyntax], [ErrTruncated], [ErrEncoding], [ErrNotODM], [ErrDepth],
// [ErrTokenTooLarge], [ErrTooManyAttrs] (a kind of ErrTokenTooLarge), [ErrTooManyNodes],
// [ErrInputTooLarge], [ErrJSON]) for errors.Is: each limit has its own, so that a
// caller can say which one its input went past. Entities are never
// expanded and external DTDs never loaded, so entity bombs and external entities fail at
// once. [ReadOptions] bounds element depth (default 256), the size of one token — a tag
// with its attributes, a text run, a comment, a CDATA section (default 10 MiB, as
// libxml2) —, the attributes of one element (default 1024) and optionally the whole input.
// The limits are enforced on the bytes before encoding/xml buffers them, so hostile input
// fails fast in bounded memory. Namespace well-formedness (declared prefixes, unique
// attributes, matching end tags, one root) is checked.
//
// # Encodings
//
// UTF-8 (with or without byte-order mark), UTF-16 (with a byte-order mark, or detected from
// its first bytes) and any encoding named in the XML declaration that golang.org/x/text
// knows (ISO-8859-1, windows-1252, Shift_JIS, ...) are decoded. UTF-32 is refused.
//
// # JSON form
//
// [EncodeJSON], [StreamJSON], [DecodeJSON] and [JSONToODM] use one documented JSON form
// that carries the whole document: AdminData typed, everything else (Study,
// ReferenceData, ClinicalData, Association, ds:Signature, comments, processing
// instructions, the XML declaration, a DOCTYPE, white space) as generic nodes, so that
// ODM -> JSON -> ODM gives the same exclusive canonical XML as the input. Both directions
// stream in bounded memory: StreamJSON writes each record and each generic element as it
// reads it, JSONToODM writes the XML as it reads the JSON. With
// [ReadOptions].JSONPositions, JSONToODM also records which JSON object each record and
// first-level element of its XML came from, so that what a reader of that XML reports at
// an XML line can be placed in the JSON (the odmadmin command does so). An error in a
// record's JSON names the record's path and the place of its object. Its shape, members
// in this order:
//
//	{"odm": {"version": "1.3", "attrs": [ATTR...], "prefix": P},
//	 "prolog": [NODE...],
//	 "content": [NODE...],
//	 "adminData": [
//	   {"studyOID": "...", "attrs": [ATTR...], "layout": {"prefix": P},
//	    "users": [USER...], "organizations": [...], "locations": [...], "signatureDefs": [...],
//	    "nodes": [NODE...], "trail": WS, "after": [NODE...]}],
//	 "empty": true,
//	 "epilog": [NODE...]}
//
// "prolog" is what precedes the root element (the XML declaration is a "pi" node with
// target "xml", a DOCTYPE a "directive"), "epilog" what follows it. "content" holds the
// root's children before the first AdminData, and "after" in an AdminData object the
// root's children between it and the next AdminData (or the end of the root); its
// "trail" is the white space before the AdminData's end tag, "" for one written
// <AdminData></AdminData> (without "trail", an AdminData with nothing inside is
// <AdminData/>). "prefix" is the prefix the root or AdminData element was written with,
// when it had one; "ns": "" in "odm" marks a root read in no namespace; "empty": true a
// root written <ODM/> (without the member, a root with nothing inside is <ODM></ODM>).
//
// ATTR is {"ns": URI, "prefix": P, "name": LOCAL, "value": V} ("ns" and "prefix" omitted
// when empty; namespace declarations have ns "http://www.w3.org/2000/xmlns/"). NODE is
// {"type": "element", "ns", "prefix", "name", "attrs": [ATTR...], "children": [NODE...]},
// {"type": "text", "text", "cdata": true}, {"type": "comment", "text"},
// {"type": "pi", "target", "text"} or {"type": "directive", "text"}. An element's
// "children" come last so that a reader can stream them. A node of a typed value's "nodes"
// read from XML between standard children carries "slot": N, the number of standard
// children before it; a node directly inside AdminData carries "ws", the white space
// before it.
//
// Typed objects use the field names in lower camel case ("oid", "userType", "loginName",
// "firstName", "emails", "locationRefs": [{"locationOID"}], "metaDataVersionRefs":
// [{"studyOID", "metaDataVersionOID", "effectiveDate"}], "telecoms": [{"telecomType",
// "value"}], ...), plus "attrs" and "nodes" for their extensions. A key is omitted when the
// value is absent; an attribute or single text child present but empty (<Pager/>) is "".
// Records of one AdminData whose kinds are out of schema order are split into consecutive
// AdminData objects, the later ones marked "continued": true, because a JSON key cannot
// repeat.
//
// A typed value read from XML also carries "layout", how it was written, so that the XML
// comes back as it was: {"prefix": P, "empty": true (written <x/>), "attrOrder": [KEY...]
// (standard attributes not in schema order), "children": [CHILD...], "trail": WS (white
// space before the end tag)}, and for an AdminData record "ws" (the white space before it)
// and "before": [NODE...] (comments, vendor elements and text between the previous record
// and it, each with its "ws"). CHILD is {"ws": WS, "key": KEY} for a standard child (the
// n-th CHILD of a key is its n-th value), with "empty": true for <x/> and "element": NODE
// when a text child had a prefix, attributes or mixed content; {"ws": WS, "node": I} for
// the value's nodes[I]; or {"ws": WS, "content": NODE} for the text of a TranslatedText.
// Editing a value in the JSON changes it as editing the typed field would; a value
// without "layout" is laid out afresh.
//
// Compatibility: the members of the AdminData-only form of earlier versions ("odm" with
// "version" and "attrs", "adminData" with its typed keys, "attrs", "nodes", "continued")
// keep their names, shapes and meaning, so a consumer that reads only AdminData keeps
// working if it ignores members it does not know; the new members are "prefix",
// "prolog", "content", "empty", "epilog", "layout", "trail", "after" and "ws". Nodes directly
// inside AdminData that stand before a record are now in that record's "layout.before"
// rather than in the AdminData's "nodes". JSON of the AdminData-only form (no "content")
// is still read, as a new document with its AdminData laid out afresh; it is read one
// AdminData at a time rather than one record at a time. The readers reject unknown and
// repeated keys; "odm" must come first.
package odm
