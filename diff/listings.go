package diff

import (
	"slices"
	"strings"

	"github.com/odmadmin/odmadmin/mapping"
)

// A user or site listed in several AdminData blocks (Rave lists a person once per study
// environment, InForm and OpenClinica per study) is one value of the first listing's
// values, and those of its other listings that differ are its Source.Variants. Two
// directories are compared listing by listing too: for each study listed on both sides
// that either side has a variant for, the values of the listing there
// (mapping.User.InStudy) are compared, and a difference is a change whose value type
// names the study: "status (STB)".

// listingStudies returns, sorted, the studies of a's and b's variants that both list.
func listingStudies(a, b *mapping.Source) []string {
	if a == nil || b == nil || len(a.Variants) == 0 && len(b.Variants) == 0 {
		return nil
	}
	var out []string
	for _, src := range [2]*mapping.Source{a, b} {
		for _, v := range src.Variants {
			if !slices.Contains(out, v.Study) && slices.Contains(a.Studies, v.Study) && slices.Contains(b.Studies, v.Study) {
				out = append(out, v.Study)
			}
		}
	}
	slices.Sort(out)
	return out
}

// listingNames returns, in order, the fields and attributes a's or b's variants give a
// value in the listing of study.
func listingNames(a, b *mapping.Source, study string) []mapping.Attr {
	var out []mapping.Attr
	for _, src := range [2]*mapping.Source{a, b} {
		for _, v := range src.Variants {
			k := mapping.Attr{Space: v.Space, Name: v.Name}
			if v.Study == study && !slices.Contains(out, k) {
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

// userListings compares the listings of a and b study by study (see above).
func (c *comparer) userListings(login, target string, a, b *mapping.User) {
	for _, st := range listingStudies(a.Source, b.Source) {
		ai, bi := a.InStudy(st), b.InStudy(st)
		for _, k := range listingNames(a.Source, b.Source, st) {
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

// siteListings compares the listings of sites a and b study by study (see above).
func (c *comparer) siteListings(target string, a, b *mapping.Site) {
	for _, st := range listingStudies(a.Source, b.Source) {
		ai, bi := a.InStudy(st), b.InStudy(st)
		for _, k := range listingNames(a.Source, b.Source, st) {
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

// listings hashes src's variants as a set, for the fingerprint of a user: two users
// whose variants and values are equal have equal listings.
func (f *fingerprinter) listings(c *comparer, src *mapping.Source) {
	f.keys = f.keys[:0]
	if src != nil {
		for _, v := range src.Variants {
			start := len(f.items)
			f.items = append(append(append(append(append(append(append(f.items, v.Study...), 0), v.Space...), 0), v.Name...), 0), c.text(v.Value)...)
			f.keys = append(f.keys, f.item(start))
		}
	}
	f.sorted()
}
