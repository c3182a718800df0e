package xmlscan

import (
	"bytes"
	"testing"
)

// TestSameName checks sameName against bytes.Equal for names of every length up to 40
// that differ in any one byte, or not at all.
func TestSameName(t *testing.T) {
	const name = "pf:LocationRefMetaDataVersionOIDStreetN" // 39 bytes
	for n := 0; n <= len(name); n++ {
		a := []byte(name[:n])
		if !sameName(a, []byte(name[:n])) {
			t.Fatalf("sameName(%q, itself) = false", a)
		}
		for p := 0; p < n; p++ {
			for _, d := range []byte{1, 0x20, 0x80} {
				b := []byte(name[:n])
				b[p] ^= d
				if got, want := sameName(a, b), bytes.Equal(a, b); got != want {
					t.Fatalf("sameName(%q, %q) = %v, want %v", a, b, got, want)
				}
			}
		}
		if n > 0 && sameName(a, a[:n-1]) {
			t.Fatalf("sameName(%q, %q) = true for different lengths", a, a[:n-1])
		}
	}
}
