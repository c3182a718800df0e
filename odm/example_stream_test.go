package odm_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/odmadmin/odmadmin/odm"
)

// Transform copies a document record by record in bounded memory, letting the callback
// change a record; everything else is written back as it was read.
func ExampleTransform() {
	const src = `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileType="Snapshot" FileOID="F1" CreationDateTime="2025-01-01T00:00:00">
  <AdminData>
    <User OID="U1"><LoginName>ada</LoginName></User>
    <User OID="U2"><LoginName>bo</LoginName></User>
  </AdminData>
</ODM>`
	rename := func(n odm.Node) (odm.Node, error) {
		if u, ok := n.(*odm.User); ok && u.LoginName == "bo" {
			u.LoginName = "bo.example"
		}
		return n, nil
	}
	_, err := odm.Transform(os.Stdout, strings.NewReader(src), odm.ReadOptions{}, odm.WriteOptions{}, rename)
	if err != nil {
		panic(err)
	}
	// Output:
	// <ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileType="Snapshot" FileOID="F1" CreationDateTime="2025-01-01T00:00:00">
	//   <AdminData>
	//     <User OID="U1"><LoginName>ada</LoginName></User>
	//     <User OID="U2"><LoginName>bo.example</LoginName></User>
	//   </AdminData>
	// </ODM>
}

// ReadOptions.Context stops a long read: a cancelled read fails with an error that
// wraps the context's.
func ExampleReadOptions_context() {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // as Ctrl-C would, part-way through a large file
	_, err := odm.Decode(strings.NewReader(`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"/>`),
		odm.ReadOptions{Name: "export.xml", Context: ctx})
	fmt.Println(errors.Is(err, context.Canceled))
	// Output:
	// true
}
