package odm

import (
	"testing"

	"github.com/odmadmin/odmadmin/internal/jsontext"
)

// TestJSONKeysPlain: the JSON writer copies keys without escaping them (obj.key), which is
// only right while no key of the JSON form needs escaping.
func TestJSONKeysPlain(t *testing.T) {
	keys := append([]string{}, jsonListKey...)
	for _, ks := range jsonKeys {
		for _, k := range ks {
			keys = append(keys, k.key)
		}
	}
	for _, k := range keys {
		if got := string(jsontext.AppendString(nil, k)); got != `"`+k+`"` {
			t.Errorf("key %q is written %s: obj.key must escape it", k, got)
		}
	}
}

// TestJSONTypes: the writer's index of jsonKeys finds, for every field id, the key a search
// of the table finds (the first), and no attribute field has two keys (attrOrder would
// list both).
func TestJSONTypes(t *testing.T) {
	for name, keys := range jsonKeys {
		jt := jsonTypes[name]
		if jt == nil {
			t.Fatalf("%s: no index", name)
		}
		for f := -1; f < 70; f++ {
			want, wantKid, n := -1, -1, 0
			for i, k := range keys {
				if k.field != f {
					continue
				}
				if k.attr {
					n++
					if want < 0 {
						want = i
					}
				} else if wantKid < 0 {
					wantKid = i
				}
			}
			if n > 1 {
				t.Errorf("%s: attribute field %d has %d keys", name, f, n)
			}
			if got := jt.attrKey(f); got != want {
				t.Errorf("%s: attrKey(%d) = %d, want %d", name, f, got, want)
			}
			if got := jt.kidKey(f); got != wantKid {
				t.Errorf("%s: kidKey(%d) = %d, want %d", name, f, got, wantKid)
			}
		}
	}
}
