// Package detach copies a value deeply, so that the copy shares no memory with the
// original: every string, slice, map and pointer is copied.
//
// A reader that builds many values from a few large blocks (mapping carves users, their
// lists and their strings from shared slabs) makes each value keep its whole block alive.
// A caller that keeps a few of a million such values copies them with Copy, so that it
// holds those values and not the blocks they were carved from.
package detach

import (
	"reflect"
	"strings"
)

// Copy returns a deep copy of *p (nil for nil). Unexported struct fields are left zero:
// they are the owning package's caches and layouts, which a copy cannot rebuild.
func Copy[T any](p *T) *T {
	if p == nil {
		return nil
	}
	out := new(T)
	reflect.ValueOf(out).Elem().Set(value(reflect.ValueOf(p).Elem()))
	return out
}

func value(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		return reflect.ValueOf(strings.Clone(v.String())).Convert(v.Type())
	case reflect.Slice:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			n.Index(i).Set(value(v.Index(i)))
		}
		return n
	case reflect.Array:
		n := reflect.New(v.Type()).Elem()
		for i := range v.Len() {
			n.Index(i).Set(value(v.Index(i)))
		}
		return n
	case reflect.Pointer:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		n := reflect.New(v.Type().Elem())
		n.Elem().Set(value(v.Elem()))
		return n
	case reflect.Struct:
		n := reflect.New(v.Type()).Elem()
		t := v.Type()
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				n.Field(i).Set(value(v.Field(i)))
			}
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		n := reflect.MakeMapWithSize(v.Type(), v.Len())
		it := v.MapRange()
		for it.Next() {
			n.SetMapIndex(value(it.Key()), value(it.Value()))
		}
		return n
	}
	// Booleans and numbers are values; an interface or function is shared as it is.
	return v
}
