package validate

import "testing"

func BenchmarkCheckContact(b *testing.B) {
	valid := Contact{SubjectKey: "SS-001", FirstName: "Ada", LastName: "Example", EmailAddress: "ada.example@example.org",
		PhoneNumber: "+44 2071234567", SecondaryID: "SEC-1", StreetAddress1: "1 Example Road", City: "Sampleton",
		Country: "Exampleland", PostalCode: "EX1 2MP", FullDob: "1970-01-31", Register: "n"}
	invalid := valid
	invalid.FirstName = "Ada Ada Ada Ada Ada Ada Ada Ada Ada Ada"
	invalid.PhoneNumber = "+44 (0)20 7123 4567"
	for _, bc := range []struct {
		name string
		rec  Contact
	}{{"valid", valid}, {"invalid", invalid}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				CheckContact(bc.rec, Options{})
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
