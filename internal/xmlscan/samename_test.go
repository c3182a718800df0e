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

// TestSameOpen checks sameOpen against bytes.Equal for names of every length up to 39
// that differ in any one byte, or not at all, with the bytes after the name in the input
// and in the open names readable or not (the masked word, the two overlapping words and
// sameName), and an input that ends before the name does.
func TestSameOpen(t *testing.T) {
	const name = "pf:LocationRefMetaDataVersionOIDStreetN" // 39 bytes
	for n := 1; n <= len(name); n++ {
		for _, tail := range []string{">", ">0123456789"} { // input ends after '>', or goes on
			for _, room := range []int{0, 16} { // open names' capacity past the name
				names := make([]byte, 3, 3+n+room)
				names = append(names, name[:n]...)
				for p := -1; p < n; p++ {
					for _, d := range []byte{1, 0x20, 0x80} {
						in := []byte("</" + name[:n] + tail)
						if p >= 0 {
							in[2+p] ^= d
						}
						want := bytes.Equal(in[2:2+n], names[3:])
						if got := sameOpen(in, 2, names, 3, 3+n); got != want {
							t.Fatalf("sameOpen(%q, %q) = %v, want %v (room %d)", in, names[3:], got, want, room)
						}
						if p < 0 {
							break
						}
					}
				}
				if short := []byte("</" + name[:n-1]); sameOpen(short, 2, names, 3, 3+n) {
					t.Fatalf("sameOpen(%q, %q) = true past the end of the input", short, names[3:])
				}
			}
		}
	}
}
