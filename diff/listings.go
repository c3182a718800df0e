package diff

import (
	"encoding/binary"
	"slices"
	"strings"

	"github.com/odmadmin/odmadmin/mapping"
)

// A user or site listed in several AdminData blocks (Rave lists a person once per study
// environment, InForm and OpenClinica per study) is one value of the first listing's
// values, and those of its other listings that differ are its Source.Variants. Which
// listing is first is only the order of the blocks in the file: two exports of one
// system can list them in another order, and then the values kept differ while every
// listing is the same. So a field or vendor attribute whose listings differ on either
// side (a variant names it) is compared listing by listing, in each study both sides
// list the value in, and not as the value kept: the values of the listing there
// (mapping.User.InStudy) are compared, and a difference is a change whose value type
// names the study, "status (STB)". The other fields are the same in every listing and
// are compared as the value kept. When the sides share no study there is no listing to
// compare, and the values kept are.

// listed returns what of two listed values (their sources a and b) is compared listing
// by listing: the fields and vendor attributes either side's variants name, sorted, and
// the studies both sides list the value in, sorted. Both are nil when the sides have no
// variants or share no study: then every field is compared as the value kept.
func listed(a, b *mapping.Source) (names []mapping.Attr, studies []string) {
	if a == nil || b == nil || len(a.Variants) == 0 && len(b.Variants) == 0 {
		return nil, nil
	}
	for _, st := range a.Studies {
		if slices.Contains(b.Studies, st) && !slices.Contains(studies, st) {
			studies = append(studies, st)
		}
	}
	if len(studies) == 0 {
		return nil, nil
	}
	slices.Sort(studies)
	return variantNames(a, b), studies
}

// variantNames returns, sorted, the fields and attributes the variants of a or b (either
// may be nil) give a value for in any listing.
func variantNames(a, b *mapping.Source) []mapping.Attr {
	var out []mapping.Attr
	for _, src := range [2]*mapping.Source{a, b} {
		if src == nil {
			continue
		}
		for _, v := range src.Variants {
			if k := (mapping.Attr{Space: v.Space, Name: v.Name}); !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.SortFunc(out, func(x, y mapping.Attr) int {
		if c := strings.Compare(x.Space, y.Space); c != 0 {
			return c
		}
		return strings.Compare(x.Name, y.Name)
	})
	return out
}

// isListed reports whether names (from listed) holds the model field of JSON key name.
func isListed(names []mapping.Attr, name string) bool {
	return slices.Contains(names, mapping.Attr{Name: name})
}

// userValue returns the field of u a variant names (a JSON key of mapping.User), the
// field it is compared as, and false for one it does not compare.
func userValue(u *mapping.User, name string) (string, field, bool) {
	switch name {
	case "login":
		return u.Login, fLogin, true
	case "displayName":
		return u.DisplayName, fDisplayName, true
	case "fullName":
		return u.FullName, fFullName, true
	case "givenName":
		return u.GivenName, fGivenName, true
	case "familyName":
		return u.FamilyName, fFamilyName, true
	case "prefix":
		return u.Prefix, fPrefix, true
	case "suffix":
		return u.Suffix, fSuffix, true
	case "pager":
		return u.Pager, fPager, true
	case "organization":
		return u.Organization, fOrganization, true
	case "organizationId":
		return u.OrganizationID, fOrganizationID, true
	case "locale":
		return u.Locale, fLocale, true
	case "type":
		return u.Type, fType, true
	case "category":
		return string(u.Category), fCategory, true
	case "status":
		return string(u.Status), fStatus, true
	}
	return "", 0, false
}

// siteValue is userValue for a site (a JSON key of mapping.Site).
func siteValue(s *mapping.Site, name string) (string, field, bool) {
	switch name {
	case "name":
		return s.Name, sName, true
	case "type":
		return s.Type, sType, true
	case "number":
		return s.Number, sNumber, true
	case "country":
		return s.Country, sCountry, true
	case "timeZone":
		return s.TimeZone, sTimeZone, true
	case "locale":
		return s.Locale, sLocale, true
	case "active":
		return yesNo(s.Active), sActive, true
	case "organization":
		return s.Organization, sOrganization, true
	case "description":
		return s.Description, sDescription, true
	case "study":
		return s.Study, sStudy, true
	}
	return "", 0, false
}

// userListings compares the fields and attributes names of a and b in each of studies
// (see listed).
func (c *comparer) userListings(login, target string, a, b *mapping.User, names []mapping.Attr, studies []string) {
	for _, st := range studies {
		ai, bi := a.InStudy(st), b.InStudy(st)
		for _, k := range names {
			if k.Space != "" {
				c.listingAttr(login, target, userAttr, k, ai.Source, bi.Source, st)
				continue
			}
			old, f, ok := userValue(ai, k.Name)
			new, _, _ := userValue(bi, k.Name)
			if !ok || !c.has(f) || c.eqText(old, new) {
				continue
			}
			ev := ProfileChange
			if f == fStatus {
				ev = StatusChange
			}
			c.add(Change{Event: ev, User: login, Target: target, ValueType: k.Name + " (" + st + ")", Old: old, New: new})
		}
	}
}

// siteListings is userListings for sites a and b.
func (c *comparer) siteListings(target string, a, b *mapping.Site, names []mapping.Attr, studies []string) {
	for _, st := range studies {
		ai, bi := a.InStudy(st), b.InStudy(st)
		for _, k := range names {
			if k.Space != "" {
				c.listingAttr("", target, siteAttr, k, ai.Source, bi.Source, st)
				continue
			}
			old, f, ok := siteValue(ai, k.Name)
			new, _, _ := siteValue(bi, k.Name)
			if ok && c.has(f) && !c.eqText(old, new) {
				c.add(Change{Event: SiteChange, Target: target, ValueType: k.Name + " (" + st + ")", Old: old, New: new})
			}
		}
	}
}

// listingAttr compares vendor attribute k of two listings of study as extAttrs does.
func (c *comparer) listingAttr(login, target string, who owner, k mapping.Attr, a, b *mapping.Source, study string) {
	if !c.has(fExtensions) || mapped[who][k] {
		return
	}
	old, oldOK := firstAttr(a, k)
	new, newOK := firstAttr(b, k)
	if oldOK == newOK && c.eqText(old, new) || !c.opts.KeepEmpty && c.text(old) == "" && c.text(new) == "" {
		return
	}
	c.add(Change{Event: ExtensionChange, User: login, Target: target, ValueType: AttrName(k.Space, k.Name) + " (" + study + ")", Old: old, New: new})
}

func firstAttr(s *mapping.Source, k mapping.Attr) (string, bool) {
	if s == nil {
		return "", false
	}
	for _, a := range s.Attrs {
		if a.Space == k.Space && a.Name == k.Name {
			return a.Value, true
		}
	}
	return "", false
}

// listing returns what of u fingerprinter.user hashes listing by listing, as listed
// would for u against a user of the same listings: the names of its variants and its
// studies, sorted; both nil when it has no variants or lists no study.
func listing(src *mapping.Source) (names []mapping.Attr, studies []string) {
	if src == nil || len(src.Variants) == 0 || len(src.Studies) == 0 {
		return nil, nil
	}
	studies = slices.Clone(src.Studies)
	slices.Sort(studies)
	return variantNames(src, nil), slices.Compact(studies)
}

// listings hashes the listings of u for its fingerprint, as userListings compares them:
// with names and studies (from listing), the value of each of names in each study's
// listing, so that two users listed with the same values in a different order of blocks
// hash alike; without (no study to compare in), its variants as a set.
func (f *fingerprinter) listings(c *comparer, u *mapping.User, names []mapping.Attr, studies []string) {
	src := u.Source
	if src == nil || len(src.Variants) == 0 {
		return
	}
	f.keys = f.keys[:0]
	if len(studies) == 0 {
		f.str("variants")
		for _, v := range src.Variants {
			start := len(f.items)
			f.items = append(append(append(append(append(append(append(f.items, v.Study...), 0), v.Space...), 0), v.Name...), 0), c.text(v.Value)...)
			f.keys = append(f.keys, f.item(start))
		}
		f.sorted()
		return
	}
	f.str("listings")
	f.buf = binary.LittleEndian.AppendUint64(f.buf, uint64(len(studies)))
	for _, st := range studies {
		f.str(st)
	}
	f.buf = binary.LittleEndian.AppendUint64(f.buf, uint64(len(names)))
	for _, k := range names {
		f.str(k.Space)
		f.str(k.Name)
	}
	for _, st := range studies {
		in := u.InStudy(st)
		for _, k := range names {
			if k.Space == "" {
				v, _, _ := userValue(in, k.Name)
				f.str(c.text(v))
				continue
			}
			// As listingAttr compares: an empty value is an absent one unless KeepEmpty.
			v, ok := firstAttr(in.Source, k)
			v = c.text(v)
			if c.opts.KeepEmpty && ok {
				v = "\x01" + v
			}
			f.str(v)
		}
	}
}
