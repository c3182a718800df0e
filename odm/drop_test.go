package odm_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// dropCases sets, one at a time, every value of the typed model that only the other ODM
// version can hold. want is the name the error must give.
var dropCases = []struct {
	name, reason string
	v            odm.Version
	set          func(ad *odm.AdminData)
	want         string
}{
	// ODM 2.0 has no place for these 1.3 values.
	{"2.0-displayName", "2.0 User has no DisplayName", odm.V20, func(ad *odm.AdminData) { ad.Users[0].DisplayName = "D" }, "User/DisplayName"},
	{"2.0-organization", "2.0 User has no Organization text", odm.V20, func(ad *odm.AdminData) { ad.Users[0].Organization = "O" }, "User/Organization"},
	{"2.0-emails", "2.0 User has Telecom, not Email", odm.V20, func(ad *odm.AdminData) { ad.Users[0].Emails = []string{"a@example.org"} }, "User/Email"},
	{"2.0-picture", "2.0 User has Image, not Picture", odm.V20, func(ad *odm.AdminData) { ad.Users[0].Picture = &odm.Picture{PictureFileName: "p.jpg"} }, "User/Picture"},
	{"2.0-pager", "2.0 User has no Pager", odm.V20, func(ad *odm.AdminData) { ad.Users[0].Pager = "1" }, "User/Pager"},
	{"2.0-faxes", "2.0 User has no Fax", odm.V20, func(ad *odm.AdminData) { ad.Users[0].Faxes = []string{"1"} }, "User/Fax"},
	{"2.0-phones", "2.0 User has no Phone", odm.V20, func(ad *odm.AdminData) { ad.Users[0].Phones = []string{"1"} }, "User/Phone"},
	{"2.0-locationRefs", "2.0 User has no LocationRef", odm.V20, func(ad *odm.AdminData) {
		ad.Users[0].LocationRefs = []*odm.LocationRef{{LocationOID: "L"}}
	}, "User/LocationRef"},
	{"2.0-certificates", "2.0 User has no Certificate", odm.V20, func(ad *odm.AdminData) { ad.Users[0].Certificates = []string{"c"} }, "User/Certificate"},
	{"2.0-streetNames", "2.0 Address has one StreetName", odm.V20, func(ad *odm.AdminData) {
		ad.Users[0].Addresses = []*odm.Address{{StreetNames: []string{"a", "b"}}}
	}, "StreetName"},
	{"2.0-locationType", "2.0 Location has no LocationType", odm.V20, func(ad *odm.AdminData) { ad.Locations[0].LocationType = odm.LocationSite }, "Location/@LocationType"},
	// ODM 1.3 has no place for these 2.0 values.
	{"1.3-organizationOID", "1.3 User has no OrganizationOID", odm.V13, func(ad *odm.AdminData) { ad.Users[0].OrganizationOID = "O" }, "User/@OrganizationOID"},
	{"1.3-userLocationOID", "1.3 User has no LocationOID", odm.V13, func(ad *odm.AdminData) { ad.Users[0].LocationOID = "L" }, "User/@LocationOID"},
	{"1.3-prefix", "1.3 User has no Prefix", odm.V13, func(ad *odm.AdminData) { ad.Users[0].Prefix = "Dr." }, "User/Prefix"},
	{"1.3-suffix", "1.3 User has no Suffix", odm.V13, func(ad *odm.AdminData) { ad.Users[0].Suffix = "MD" }, "User/Suffix"},
	{"1.3-image", "1.3 User has Picture, not Image", odm.V13, func(ad *odm.AdminData) { ad.Users[0].Image = &odm.Image{ImageFileName: "i.jpg"} }, "User/Image"},
	{"1.3-telecoms", "1.3 User has Email/Phone/Fax, not Telecom", odm.V13, func(ad *odm.AdminData) {
		ad.Users[0].Telecoms = []*odm.Telecom{{TelecomType: odm.TelecomEmail, Value: "a@example.org"}}
	}, "User/Telecom"},
	{"1.3-houseNumber", "1.3 Address has no HouseNumber", odm.V13, func(ad *odm.AdminData) {
		ad.Users[0].Addresses = []*odm.Address{{HouseNumber: "1"}}
	}, "Address/HouseNumber"},
	{"1.3-geoPosition", "1.3 Address has no GeoPosition", odm.V13, func(ad *odm.AdminData) {
		ad.Users[0].Addresses = []*odm.Address{{GeoPosition: &odm.GeoPosition{Latitude: "1", Longitude: "2"}}}
	}, "Address/GeoPosition"},
	{"1.3-role", "1.3 Location has no Role", odm.V13, func(ad *odm.AdminData) { ad.Locations[0].Role = "r" }, "Location/@Role"},
	{"1.3-locationOrganizationOID", "1.3 Location has no OrganizationOID", odm.V13, func(ad *odm.AdminData) { ad.Locations[0].OrganizationOID = "O" }, "Location/@OrganizationOID"},
	{"1.3-description", "1.3 Location has no Description", odm.V13, func(ad *odm.AdminData) {
		ad.Locations[0].Description = &odm.Description{TranslatedTexts: []*odm.TranslatedText{{Text: "d"}}}
	}, "Location/Description"},
	{"1.3-locationAddresses", "1.3 Location has no Address", odm.V13, func(ad *odm.AdminData) {
		ad.Locations[0].Addresses = []*odm.Address{{City: "c"}}
	}, "Location/Address"},
	{"1.3-locationTelecoms", "1.3 Location has no Telecom", odm.V13, func(ad *odm.AdminData) {
		ad.Locations[0].Telecoms = []*odm.Telecom{{TelecomType: odm.TelecomPhone, Value: "1"}}
	}, "Location/Telecom"},
	{"1.3-queries", "1.3 Location has no Query", odm.V13, func(ad *odm.AdminData) {
		ad.Locations[0].Queries = []*odm.Element{{Name: odm.Name{Space: odm.NS20, Local: "Query"}}}
	}, "Location/Query"},
	{"1.3-organizations", "1.3 AdminData has no Organization", odm.V13, func(ad *odm.AdminData) {
		ad.Organizations = []*odm.Organization{{OID: "O", Name: "n", Type: odm.OrganizationCRO}}
	}, "AdminData/Organization"},
}

func dropAdminData() *odm.AdminData {
	return &odm.AdminData{StudyOID: "S",
		Users: []*odm.User{{OID: "U", LoginName: "u"}},
		Locations: []*odm.Location{{OID: "L", Name: "n",
			MetaDataVersionRefs: []*odm.MetaDataVersionRef{{StudyOID: "S", MetaDataVersionOID: "M", EffectiveDate: "2026-01-01"}}}}}
}

// requireDrop checks that err is a *DropError naming want, without any value in it.
func requireDrop(t *testing.T, err error, want, reason string) {
	t.Helper()
	require.ErrorIs(t, err, odm.ErrUnrepresentable, reason)
	var de *odm.DropError
	require.True(t, errors.As(err, &de), "%s: a *DropError, got %T", reason, err)
	require.Positive(t, de.Count)
	var names []string
	for _, d := range de.Dropped {
		names = append(names, d.Msg)
	}
	require.Contains(t, strings.Join(names, "\n"), want, reason)
	require.NotContains(t, err.Error(), "example.org", "no value in the message")
}

// TestEncodeDropIsError: every value of the typed model that the document's version
// cannot hold makes Encode, WriteFile, Writer and Transform fail with a *DropError naming
// it; AllowDrop writes without it and reports it in Warnings.
func TestEncodeDropIsError(t *testing.T) {
	for _, tt := range dropCases {
		t.Run(tt.name, func(t *testing.T) {
			ad := dropAdminData()
			tt.set(ad)
			doc := newDoc(tt.v, ad)

			requireDrop(t, odm.Encode(io.Discard, doc, odm.WriteOptions{}), tt.want, tt.reason)

			path := filepath.Join(t.TempDir(), "out.xml")
			requireDrop(t, doc.WriteFile(path, odm.WriteOptions{}), tt.want, tt.reason+" (WriteFile)")
			_, err := os.Stat(path)
			require.True(t, os.IsNotExist(err), "WriteFile leaves no file when it fails")

			err = odm.NewEncoder(io.Discard, odm.WriteOptions{Strict: true}).Encode(doc)
			requireDrop(t, err, tt.want, tt.reason+" (Strict)")

			enc := odm.NewEncoder(io.Discard, odm.WriteOptions{AllowDrop: true})
			require.NoError(t, enc.Encode(doc), "AllowDrop writes without the value")
			require.NotEmpty(t, enc.Warnings(), "and reports it")

			// The streaming Writer fails on the record (or the AdminData) holding it.
			w := odm.NewWriter(io.Discard, odm.WriteOptions{})
			require.NoError(t, w.WriteHeader(&odm.Header{Version: tt.v, Root: doc.Root}))
			head := &odm.AdminData{StudyOID: ad.StudyOID, Organizations: ad.Organizations}
			err = w.Write(head)
			for _, n := range []odm.Node{ad.Users[0], ad.Locations[0]} {
				if err == nil {
					err = w.Write(n)
				}
			}
			requireDrop(t, err, tt.want, tt.reason+" (Writer)")

			// Transform: fn puts the value into a record read from a file.
			src := encode(t, newDoc(tt.v, dropAdminData()), odm.WriteOptions{})
			_, err = odm.Transform(io.Discard, bytes.NewReader(src), odm.ReadOptions{}, odm.WriteOptions{}, func(n odm.Node) (odm.Node, error) {
				switch n := n.(type) {
				case *odm.AdminData:
					n.Organizations = ad.Organizations
				case *odm.User:
					return ad.Users[0], nil
				case *odm.Location:
					return ad.Locations[0], nil
				}
				return n, nil
			})
			requireDrop(t, err, tt.want, tt.reason+" (Transform)")
		})
	}
}

// TestJSONToODMDropIsError: JSON that sets a value the version cannot hold fails to
// convert rather than losing it.
func TestJSONToODMDropIsError(t *testing.T) {
	in := `{"odm":{"version":"2.0"},"adminData":[{"users":[{"oid":"u","emails":["a@example.org"]}]}]}`
	_, err := odm.JSONToODM(io.Discard, strings.NewReader(in), odm.ReadOptions{}, odm.WriteOptions{})
	requireDrop(t, err, "User/Email", "JSON to ODM")
	_, err = odm.DecodeJSON(strings.NewReader(in), odm.ReadOptions{})
	requireDrop(t, err, "User/Email", "DecodeJSON")
}
