// Package odmtest helps tests of code that produces ODM AdminData: go-cmp options that
// compare odm documents and mapping directories as data (order-insensitive, blind to
// formatting), and a test helper that fails with the readable change list of package diff.
//
// Use [Equal] to check a migration or an export against what it should say; its failure
// message lists the differences as "odmadmin diff" prints them. For directories of two
// systems use [EqualAcross] (sites matched by OID, number or name with the resolver
// "odmadmin diff" and "odmadmin plan" use), or [EqualMigrated] with a migration spec
// ([ReadSpec]) applied to the source first. Use [DocumentOptions] and
// [DirectoryOptions] with cmp.Diff when a test wants go-cmp's view of two values (go-cmp
// says its output is not stable: fine in a test message, not in a program's output).
//
// What the options treat as formatting, and so as no difference:
//
//   - order: of users, locations, LocationRefs, MetaDataVersionRefs, signature
//     definitions, organizations, addresses, telecoms, e-mails, phones and other lists of
//     strings (not of street lines), of attributes, and of the child elements of generic
//     and vendor elements;
//   - white space: leading and trailing white space in text and attribute values, runs of
//     white space (one space), and white-space-only text between elements;
//   - empty versus absent: an empty element, attribute or list entry is the same as a
//     missing one, and an empty list the same as none;
//   - XML syntax: namespace prefixes and where namespaces are declared, <a/> versus
//     <a></a>, CDATA sections versus escaped text, source positions;
//   - outside the data: the prolog and epilog (XML declaration, comments before the root),
//     comments and processing instructions, reader warnings, and for directories
//     Directory.Source (the file's root attributes and block layout) and unexported state.
package odmtest

import (
	"cmp"
	"fmt"
	"go/token"
	"reflect"
	"slices"
	"strings"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// DocumentOptions returns go-cmp options for *odm.Document and the typed odm values
// (*odm.User, *odm.AdminData, ...) that ignore order and formatting (see the package
// documentation).
func DocumentOptions() gocmp.Option {
	return gocmp.Options{
		gocmp.FilterPath(unexported, gocmp.Ignore()),
		cmpopts.IgnoreFields(odm.Ext{}, "Line", "Col"),
		cmpopts.IgnoreFields(odm.Element{}, "Line", "Col", "Empty"),
		cmpopts.IgnoreFields(odm.Name{}, "Prefix"),
		cmpopts.IgnoreFields(odm.Text{}, "CDATA"),
		cmpopts.IgnoreFields(odm.Document{}, "Prolog", "Epilog", "Warnings"),
		gocmp.Transformer("odmtest.Attrs", attrs),
		gocmp.Transformer("odmtest.Nodes", nodes),
		sortedBy("odmtest.Users", func(u *odm.User) string { return u.OID }),
		sortedBy("odmtest.Locations", func(l *odm.Location) string { return l.OID }),
		sortedBy("odmtest.LocationRefs", func(r *odm.LocationRef) string { return r.LocationOID }),
		sortedBy("odmtest.MetaDataVersionRefs", func(r *odm.MetaDataVersionRef) string {
			return r.StudyOID + "\x00" + r.MetaDataVersionOID + "\x00" + r.EffectiveDate
		}),
		sortedBy("odmtest.SignatureDefs", func(s *odm.SignatureDef) string { return s.OID }),
		sortedBy("odmtest.Organizations", func(o *odm.Organization) string { return o.OID }),
		sortedBy("odmtest.Telecoms", func(t *odm.Telecom) string { return string(t.TelecomType) + "\x00" + t.Value }),
		sortedBy("odmtest.TranslatedTexts", func(t *odm.TranslatedText) string { return t.Lang + "\x00" + t.Type + "\x00" + t.Text }),
		gocmp.Transformer("odmtest.Addresses", addresses),
		sortedBy("odmtest.Elements", func(e *odm.Element) string { return nodeKey(e) }),
		stringOptions(),
		emptyMaps(),
	}
}

// DirectoryOptions returns go-cmp options for *mapping.Directory and the mapping values
// in it that ignore order and formatting (see the package documentation). E-mail
// addresses are compared ignoring letter case.
func DirectoryOptions() gocmp.Option {
	return gocmp.Options{
		gocmp.FilterPath(unexported, gocmp.Ignore()),
		cmpopts.IgnoreFields(mapping.Directory{}, "Source"),
		sortedBy("odmtest.Users", func(u *mapping.User) string { return u.ID + "\x00" + u.Login }),
		sortedBy("odmtest.Sites", func(s *mapping.Site) string { return s.ID }),
		sortedBy("odmtest.Studies", func(s *mapping.Study) string { return s.ID }),
		sortedBy("odmtest.Groups", func(g *mapping.Group) string { return g.Study + "\x00" + g.ID }),
		sortedBy("odmtest.Organizations", func(o *mapping.Organization) string { return o.Study + "\x00" + o.ID }),
		sortedBy("odmtest.Signatures", func(s *mapping.Signature) string { return s.Study + "\x00" + s.ID }),
		sortedBy("odmtest.Assignments", func(a mapping.Assignment) string {
			return strings.Join([]string{a.Study, string(a.Environment), a.Site, a.Role.Name, string(a.Role.Canonical), a.From, a.To}, "\x00")
		}),
		sortedBy("odmtest.GroupRefs", func(g mapping.GroupRef) string { return g.Type + "\x00" + g.ID + "\x00" + g.Name }),
		sortedBy("odmtest.Telecoms", func(t mapping.Telecom) string { return t.Type + "\x00" + t.Value }),
		sortedBy("odmtest.StudyVersions", func(v mapping.StudyVersion) string {
			return v.Study + "\x00" + v.Version + "\x00" + v.Effective + "\x00" + v.Number
		}),
		gocmp.Transformer("odmtest.Attrs", func(in []mapping.Attr) []mapping.Attr {
			out := make([]mapping.Attr, 0, len(in))
			for _, a := range in {
				if collapse(a.Value) != "" {
					out = append(out, a)
				}
			}
			slices.SortStableFunc(out, func(x, y mapping.Attr) int {
				return cmp.Or(strings.Compare(x.Space, y.Space), strings.Compare(x.Name, y.Name))
			})
			return out
		}),
		gocmp.Transformer("odmtest.Addresses", func(in []mapping.Address) []mapping.Address {
			out := make([]mapping.Address, 0, len(in))
			for _, a := range in {
				if key := fmt.Sprint(a); collapse(strings.Trim(key, "{}[] ")) != "" {
					out = append(out, a)
				}
			}
			slices.SortStableFunc(out, func(x, y mapping.Address) int { return strings.Compare(fmt.Sprint(x), fmt.Sprint(y)) })
			return out
		}),
		gocmp.FilterPath(isField("Emails"), gocmp.Transformer("odmtest.Emails", func(in []string) []string {
			return set(in, func(s string) string { return strings.ToLower(collapse(s)) })
		})),
		gocmp.FilterPath(isField("Elements"), gocmp.Transformer("odmtest.Elements", func(in []string) []string {
			return set(in, func(s string) string { return strings.ReplaceAll(collapse(s), "> <", "><") })
		})),
		stringOptions("Emails", "Elements"),
		emptyMaps(),
	}
}

// emptyMaps makes a nil map equal an empty one. (Slices need no such option: each
// transformer above returns a non-nil slice.)
func emptyMaps() gocmp.Option {
	return gocmp.FilterValues(func(x, y any) bool {
		return reflect.ValueOf(x).Kind() == reflect.Map && reflect.ValueOf(y).Kind() == reflect.Map
	}, cmpopts.EquateEmpty())
}

// stringOptions normalizes white space in every string and compares lists of strings as
// sets, except street lines (whose order is part of the address) and the named fields,
// which have transformers of their own.
func stringOptions(except ...string) gocmp.Option {
	except = append(except, "StreetNames")
	return gocmp.Options{
		gocmp.Transformer("odmtest.Text", collapse),
		gocmp.FilterPath(func(p gocmp.Path) bool { return !isField(except...)(p) },
			gocmp.Transformer("odmtest.Strings", func(in []string) []string { return set(in, collapse) })),
		gocmp.FilterPath(isField("StreetNames"), gocmp.Transformer("odmtest.Lines", func(in []string) []string {
			out := make([]string, 0, len(in))
			for _, s := range in {
				if s = collapse(s); s != "" {
					out = append(out, s)
				}
			}
			return out
		})),
	}
}

// isField returns a path filter matching values of the named struct fields, also after
// transformers have been applied to them.
func isField(names ...string) func(gocmp.Path) bool {
	return func(p gocmp.Path) bool {
		for i := len(p) - 1; i >= 0; i-- {
			switch s := p[i].(type) {
			case gocmp.Transform:
				continue
			case gocmp.StructField:
				return slices.Contains(names, s.Name())
			}
			return false
		}
		return false
	}
}

// unexported matches the unexported fields of any struct: the odm and mapping types keep
// source layout and caches there, which are not data.
func unexported(p gocmp.Path) bool {
	sf, ok := p.Last().(gocmp.StructField)
	return ok && !token.IsExported(sf.Name())
}

// set normalizes, drops empty values, sorts and removes duplicates.
func set(in []string, norm func(string) string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s = norm(s); s != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// sortedBy returns a transformer that sorts a slice of T by key (nil pointers first).
func sortedBy[T any](name string, key func(T) string) gocmp.Option {
	return gocmp.Transformer(name, func(in []T) []T {
		keys := make(map[int]string, len(in))
		idx := make([]int, len(in))
		for i, v := range in {
			idx[i] = i
			if !isNil(v) {
				keys[i] = collapse(key(v))
			}
		}
		slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
		out := make([]T, len(in))
		for i, j := range idx {
			out[i] = in[j]
		}
		return out
	})
}

func isNil(v any) bool {
	switch v := v.(type) {
	case *odm.User:
		return v == nil
	case *odm.Location:
		return v == nil
	case *odm.LocationRef:
		return v == nil
	case *odm.MetaDataVersionRef:
		return v == nil
	case *odm.SignatureDef:
		return v == nil
	case *odm.Organization:
		return v == nil
	case *odm.Telecom:
		return v == nil
	case *odm.TranslatedText:
		return v == nil
	case *odm.Element:
		return v == nil
	case *mapping.User:
		return v == nil
	case *mapping.Site:
		return v == nil
	case *mapping.Study:
		return v == nil
	case *mapping.Group:
		return v == nil
	case *mapping.Organization:
		return v == nil
	case *mapping.Signature:
		return v == nil
	}
	return false
}

// collapse trims s and turns each run of white space into one space.
func collapse(s string) string {
	if strings.TrimSpace(s) == s && !strings.Contains(s, "  ") && !strings.ContainsAny(s, "\t\n\r\v\f\u00a0\u0085") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// attrs drops namespace declarations and empty attributes and sorts the rest by name.
func attrs(in []odm.Attr) []odm.Attr {
	out := make([]odm.Attr, 0, len(in))
	for _, a := range in {
		if !a.IsNamespaceDecl() && collapse(a.Value) != "" {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(x, y odm.Attr) int {
		return cmp.Or(strings.Compare(x.Space, y.Space), strings.Compare(x.Local, y.Local))
	})
	return out
}

// addresses drops empty addresses (<Address/>) and sorts the rest by content.
func addresses(in []*odm.Address) []*odm.Address {
	out := make([]*odm.Address, 0, len(in))
	keys := map[*odm.Address]string{}
	for _, a := range in {
		if a == nil {
			continue
		}
		k := addressKey(a)
		if k == "" && len(attrs(a.Attrs)) == 0 && len(nodes(a.Nodes)) == 0 {
			continue
		}
		keys[a] = k
		out = append(out, a)
	}
	slices.SortStableFunc(out, func(x, y *odm.Address) int { return strings.Compare(keys[x], keys[y]) })
	return out
}

func addressKey(a *odm.Address) string {
	parts := slices.Clone(a.StreetNames)
	parts = append(parts, a.HouseNumber, a.City, a.StateProv, a.Country, a.PostalCode, a.OtherText)
	if g := a.GeoPosition; g != nil {
		parts = append(parts, g.Longitude, g.Latitude, g.Altitude)
	}
	var b strings.Builder
	for _, p := range parts {
		if p = collapse(p); p != "" {
			b.WriteString(p)
			b.WriteByte(0)
		}
	}
	return b.String()
}

// nodes drops white-space-only text, comments and processing instructions, joins adjacent
// text, and sorts the rest by content, so that child order does not matter.
func nodes(in []odm.Node) []odm.Node {
	out := make([]odm.Node, 0, len(in))
	var text strings.Builder
	flush := func() {
		if t := collapse(text.String()); t != "" {
			out = append(out, &odm.Text{Data: t})
		}
		text.Reset()
	}
	for _, n := range in {
		switch n := n.(type) {
		case *odm.Text:
			text.WriteString(n.Data)
			continue
		case *odm.Comment, *odm.ProcInst, nil:
			continue
		}
		flush()
		out = append(out, n)
	}
	flush()
	keys := make(map[int]string, len(out))
	idx := make([]int, len(out))
	for i, n := range out {
		idx[i] = i
		keys[i] = nodeKey(n)
	}
	slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	sorted := make([]odm.Node, len(out))
	for i, j := range idx {
		sorted[i] = out[j]
	}
	return sorted
}

// nodeKey is a canonical text of a node, used only to sort.
func nodeKey(n odm.Node) string {
	switch n := n.(type) {
	case *odm.Element:
		var b strings.Builder
		b.WriteString("<{" + n.Space + "}" + n.Local)
		for _, a := range attrs(n.Attrs) {
			b.WriteString(" {" + a.Space + "}" + a.Local + "=" + collapse(a.Value))
		}
		b.WriteString(">")
		for _, c := range nodes(n.Children) {
			b.WriteString(nodeKey(c))
		}
		b.WriteString("</>")
		return b.String()
	case *odm.Text:
		return "text " + collapse(n.Data)
	case *odm.Directive:
		return "directive " + n.Data
	case *odm.AdminData:
		return "AdminData " + collapse(n.StudyOID)
	}
	return fmt.Sprintf("%T", n)
}
