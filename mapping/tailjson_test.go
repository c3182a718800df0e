package mapping

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// maxWriter records the largest single Write: WriteJSON writes what it has made as soon
// as it has made jsonBatch of it (usersBatch of the users' array), so the largest write is
// about the most JSON it held. It also keeps where each write went (writes).
type maxWriter struct {
	bytes.Buffer
	max    int
	writes [][2]int // offset and length of each write
}

func (w *maxWriter) Write(p []byte) (int, error) {
	w.max = max(w.max, len(p))
	w.writes = append(w.writes, [2]int{w.Len(), len(p)})
	return w.Buffer.Write(p)
}

// largest returns the largest write within the bytes from lo to hi (in), and the largest
// of the others (out).
func (w *maxWriter) largest(lo, hi int) (in, out int) {
	for _, x := range w.writes {
		if x[0] >= lo && x[0]+x[1] <= hi {
			in = max(in, x[1])
		} else {
			out = max(out, x[1])
		}
	}
	return in, out
}

// withDefs returns a generated InForm export of users users whose last AdminData block
// also has n SignatureDefs and n rights groups (pf:GroupDef).
func withDefs(t *testing.T, users, n int) []byte {
	t.Helper()
	var g bytes.Buffer
	if err := gen.InForm(&g, users); err != nil {
		t.Fatal(err)
	}
	end := bytes.LastIndex(g.Bytes(), []byte("</AdminData>"))
	if end < 0 {
		t.Fatal("no AdminData in the generated export")
	}
	var defs bytes.Buffer
	for i := range n {
		fmt.Fprintf(&defs, "<SignatureDef OID=\"SD%05d\" Methodology=\"Electronic\"><Meaning>Approval %d</Meaning><LegalReason>Signed by the investigator of record</LegalReason></SignatureDef>\n", i, i)
		fmt.Fprintf(&defs, "<pf:GroupDef OID=\"R%05d\" Name=\"Rights Group %d\" GroupType=\"Rights\"><pf:Right Description=\"Enter Data\"/></pf:GroupDef>\n", i, i)
	}
	return append(append(append([]byte{}, g.Bytes()[:end]...), defs.Bytes()...), g.Bytes()[end:]...)
}

// TestWriteJSONTailInBatches checks that WriteJSON writes the groups and signatures that
// follow the users (as many as the users in some exports) a batch at a time, as
// encoding/json would write them, instead of making their JSON whole first: with 3,000
// of each (some 1.4 MB of JSON) no write is much larger than jsonBatch.
func TestWriteJSONTailInBatches(t *testing.T) {
	data := withDefs(t, 200, 3000)
	d, _, err := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Signatures) != 3000 || len(d.Groups) < 3000 {
		t.Fatalf("read %d signatures and %d groups, want 3000 and more", len(d.Signatures), len(d.Groups))
	}
	writesInBatches(t, data, d)
}

// defsHeld reads withDefs(200, n) as WriteJSON reads it (readValues, through a Reader
// that recycles its records, as map --to json reads) and returns the heap in use then.
func defsHeld(t *testing.T, n int) uint64 {
	t.Helper()
	data := withDefs(t, 200, n)
	return heldRead(t, data, func(b *builder) {
		if got := len(b.dir.Signatures) + b.sigJSON.len(); got != n {
			t.Fatalf("read %d signatures, want %d", got, n)
		}
	})
}

// TestWriteJSONDefsHeld checks what WriteJSON holds for each SignatureDef and rights group
// while reading: the group's model value (Group and its Source, some 500 bytes with the
// group index); not the signature's (another 360 bytes), whose JSON goes to the temporary
// file, nor the records decoded from the file (4,400 bytes a pair with them), which only
// writing back into ODM uses. It measures heap in use, not time.
func TestWriteJSONDefsHeld(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 24,000 generated definitions")
	}
	growsBy(t, "a SignatureDef and group", func(n int) uint64 { return defsHeld(t, n) }, 600, "no decoded records, no signature")
}

// orgsHeld reads an ODM 2.0 export of n Organizations as WriteJSON reads it and returns
// the heap in use then.
func orgsHeld(t *testing.T, n int) uint64 {
	t.Helper()
	var x bytes.Buffer
	x.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v2.0" FileType="Snapshot" Granularity="AdminData" FileOID="ORGS" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="2.0">
<AdminData StudyOID="ST.ORGS">
<User OID="U1"><UserName>user1</UserName></User>
`)
	for i := range n {
		fmt.Fprintf(&x, `<Organization OID="ORG%05d" Name="Demo Organisation %d" Type="Site"><Description><TranslatedText xml:lang="en">Organisation %d</TranslatedText></Description><Address><StreetName>%d Example Street</StreetName><City>Springfield</City></Address><Telecom TelecomType="Phone" Value="+1 617 555 %04d"/></Organization>
`, i, i, i, i, i)
	}
	x.WriteString("</AdminData>\n</ODM>\n")
	return heldRead(t, x.Bytes(), func(b *builder) {
		if got := len(b.dir.Organizations) + b.orgJSON.len(); got != n {
			t.Fatalf("read %d organizations, want %d", got, n)
		}
	})
}

// TestWriteJSONOrganizationsHeld is TestWriteJSONDefsHeld for ODM 2.0 Organizations:
// nothing grows with them, their JSON goes to the temporary file (the model value with
// its address and telecom was some 720 bytes each, with the decoded record 1,900).
func TestWriteJSONOrganizationsHeld(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 24,000 generated organizations")
	}
	growsBy(t, "an organization", func(n int) uint64 { return orgsHeld(t, n) }, 64, "no organization")
}

// withBlocks returns a generated InForm export of 200 users followed by n AdminData
// blocks, each with a vendor attribute.
func withBlocks(t *testing.T, n int) []byte {
	t.Helper()
	var g bytes.Buffer
	if err := gen.InForm(&g, 200); err != nil {
		t.Fatal(err)
	}
	end := bytes.LastIndex(g.Bytes(), []byte("</ODM>"))
	if end < 0 {
		t.Fatal("no ODM end tag in the generated export")
	}
	var blocks bytes.Buffer
	for i := range n {
		fmt.Fprintf(&blocks, "<AdminData StudyOID=\"ST%d\" pf:Batch=\"%d\"></AdminData>\n", i%7, i)
	}
	return append(append(append([]byte{}, g.Bytes()[:end]...), blocks.Bytes()...), g.Bytes()[end:]...)
}

// TestWriteJSONBlocks checks that WriteJSON writes the source's AdminData blocks (one a
// user in some exports) a batch at a time, as encoding/json would write them, and holds
// for each its study and attributes (some 200 bytes), not also the AdminData read (another
// 350 bytes), which only writing back into ODM uses.
func TestWriteJSONBlocks(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 24,000 generated blocks")
	}
	data := withBlocks(t, 4000)
	d, _, err := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	writesInBatches(t, data, d)

	held := func(n int) uint64 {
		return heldRead(t, withBlocks(t, n), func(b *builder) {
			if len(b.dir.Source.Blocks) < n {
				t.Fatalf("read %d blocks, want %d and more", len(b.dir.Source.Blocks), n)
			}
		})
	}
	growsBy(t, "a block", held, 400, "no AdminData records")
}

// writesInBatches checks that WriteJSON writes data as encoding/json writes d, the
// directory FromReader read from it, and that no single write is much larger than
// jsonBatch.
func writesInBatches(t *testing.T, data []byte, d *Directory) {
	t.Helper()
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		t.Fatal(err)
	}
	var got maxWriter
	if _, err := WriteJSON(&got, odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("WriteJSON differs from encoding/json (%d vs %d bytes)", got.Len(), want.Len())
	}
	// The users' array (up to the line break before its closing bracket, at the
	// directory's indent) goes usersBatch at a time, the rest jsonBatch at a time.
	out := got.Bytes()
	lo := bytes.Index(out, []byte("\n  \"users\": ["))
	if lo < 0 {
		t.Fatal("no users' array in the JSON")
	}
	hi := lo + bytes.Index(out[lo:], []byte("\n  ]"))
	if hi < lo {
		t.Fatal("the users' array does not end")
	}
	users, rest := got.largest(lo, hi)
	if limit := jsonBatch + 4<<10; rest > limit {
		t.Errorf("largest write outside the users %d bytes of %d, want at most %d", rest, got.Len(), limit)
	}
	if limit := usersBatch + 4<<10; users > limit {
		t.Errorf("largest write of users %d bytes of %d, want at most %d", users, got.Len(), limit)
	}
}

// heldRead reads data as WriteJSON reads it (readValues, through a Reader that recycles
// its records, as map --to json reads), lets check look at what was read, and returns
// the heap in use then (data is no longer referenced by the caller's test by then).
func heldRead(t *testing.T, data []byte, check func(*builder)) uint64 {
	t.Helper()
	b, err := readValues(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{Reuse: true, ValuesOnly: true}), Options{}, valuesOpts{spillSites: true, spillDefs: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	check(b)
	h, _ := liveHeld(b)
	return h
}

// growsBy checks that the heap held(n) reports grows by at most limit bytes for each of
// what between 4,000 and 20,000 of them (why says what the limit leaves out).
func growsBy(t *testing.T, what string, held func(n int) uint64, limit float64, why string) {
	t.Helper()
	const small, large = 4000, 20000
	h1, h2 := held(small), held(large)
	per := (float64(h2) - float64(h1)) / (large - small)
	t.Logf("heap in use: %d: %d KiB, %d: %d KiB: %.0f bytes %s", small, h1>>10, large, h2>>10, per, what)
	if per > limit {
		t.Errorf("heap grows by %.0f bytes %s, want at most %.0f (%s)", per, what, limit, why)
	}
}

// TestPatchStreamDefsHeld is TestWriteJSONDefsHeld for PatchStream (map --to odm into the
// input's flavour), which writes each SignatureDef and rights group back from the
// document it reads again: what its first read holds of each is the model values, not
// also the records decoded (some 4,400 bytes a pair with them) nor, for the groups, the
// AdminData's vendor elements.
func TestPatchStreamDefsHeld(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 24,000 generated definitions")
	}
	held := func(n int) uint64 {
		data := withDefs(t, 200, n)
		// As PatchStream reads: a Reader that keeps each record.
		b, err := readPatched(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer b.close()
		if len(b.dir.Signatures) != n {
			t.Fatalf("read %d signatures, want %d", len(b.dir.Signatures), n)
		}
		h, _ := liveHeld(b)
		return h
	}
	growsBy(t, "a SignatureDef and group", held, 1000, "no decoded records")
}

// TestTemplateDefsHeld checks what the Clinical One template (map --to csv, xlsx) holds for
// each SignatureDef and rights group while reading: the group, whose name the users'
// rows may need, not the signature, which the template does not write (some 360 bytes
// more as a model value).
func TestTemplateDefsHeld(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 24,000 generated definitions")
	}
	held := func(n int) uint64 {
		data := withDefs(t, 200, n)
		b, err := readValues(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{Reuse: true, ValuesOnly: true}), Options{}, valuesOpts{dropDefs: true})
		if err != nil {
			t.Fatal(err)
		}
		defer b.close()
		if len(b.groups) < n {
			t.Fatalf("read %d groups, want %d and more", len(b.groups), n)
		}
		h, _ := liveHeld(b)
		return h
	}
	growsBy(t, "a SignatureDef and group", held, 600, "no signature")
}
