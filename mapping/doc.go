// Package mapping reads vendor flavours of ODM AdminData (Oracle InForm, Medidata Rave,
// OpenClinica, plain ODM 1.3.2 and 2.0) and the Oracle Clinical One user upload template
// into one normalized model of studies, sites, users and role assignments, and writes the
// model back as any of them.
package mapping
