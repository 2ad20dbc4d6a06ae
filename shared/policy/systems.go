package policy

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Casework is the part of a profile the search across the organisation's systems works from
// (docs/rules.md §7): the register of systems, the domains an owner added by staff may have, and
// how far before the legal due date the internal target date lies (docs/rules.md §3). Profile
// embeds it, so its fields sit at the top level of the profile's JSON.
type Casework struct {
	// InternalMarginWorkingDays puts each case's internal target date this many working days
	// (on the undisputed holidays) before its due date; 0 means DefaultInternalMargin.
	InternalMarginWorkingDays int `json:"internalMarginWorkingDays,omitempty"`
	// Systems is the register of systems: a record of processing in small. A case of a type a
	// system lists gets a search task for it once identity is established. Empty: no tasks.
	Systems []System `json:"systems,omitempty"`
	// OrganisationDomains are the e-mail domains of the organisation: add_search accepts an owner
	// for a system the register lacks only on one of them (e.g. "valleiwonen.nl").
	OrganisationDomains []string `json:"organisationDomains,omitempty"`
}

// DefaultInternalMargin is the internal target date's distance from the due date in working
// days when the profile sets none (docs/rules.md §3).
const DefaultInternalMargin = 5

// InternalMargin is the profile's internal margin in working days.
func (c Casework) InternalMargin() int {
	if c.InternalMarginWorkingDays <= 0 {
		return DefaultInternalMargin
	}
	return c.InternalMarginWorkingDays
}

// System is one system in the register: where the organisation keeps personal data, who
// searches it, and what the access answer says about it (GDPR 15(1)(c), (d)).
type System struct {
	// ID names the system in tasks, links and the access package's folders.
	ID   string `json:"id"`
	Name Text   `json:"name"`
	// Department is the part of the organisation that searches the system; the access
	// package's manifest names it, never the person (docs/rules.md §7).
	Department Text `json:"department"`
	// Owners are the people who know the system and search it. They need not be staff.
	Owners []string `json:"owners"`
	// Holds says what the system holds, for the owner's task page and the access overview.
	Holds Text `json:"holds"`
	// Types are the request types the system is searched for (never complaint).
	Types []string `json:"types"`
	// Retention is how long the system keeps data; LegalGround why it may process it.
	Retention   Text `json:"retention"`
	LegalGround Text `json:"legalGround"`
	// Recipients are the named organisations that actually receive data from the system
	// (CJEU C-154/21: recipients, not categories). Empty: it gives data to no one.
	Recipients []Recipient `json:"recipients,omitempty"`
}

// Recipient is an organisation that receives data from a system: its name in nl and en (the
// JSON's "nl" and "en", beside "email" and "postalAddress"), and where a notice reaches it when
// the data it received is corrected, erased or restricted (GDPR 19, docs/casework.md "Art. 19
// notices"): by e-mail, else by a letter by post to its postal address (printed at the desk),
// else as staff inform it and note. The register names an organisation with the same contact
// details in every system, so its Dutch name identifies it.
type Recipient struct {
	Text
	Email         string   `json:"email,omitempty"`
	PostalAddress []string `json:"postalAddress,omitempty"`
}

// SearchTypes are the request types a system can be searched for: every type but complaint,
// as the search-task table of docs/contract.md §3 lists them.
var SearchTypes = []string{"access", "rectification", "erasure", "objection", "restriction", "portability"}

// PrivacyloketSystem is the id of the product's own records in the register (docs/rules.md §7):
// answered by the privacy officer, who decides what of them is disclosed.
const PrivacyloketSystem = "privacyloket"

// System returns the system with id, or false.
func (c Casework) System(id string) (System, bool) {
	for _, s := range c.Systems {
		if s.ID == id {
			return s, true
		}
	}
	return System{}, false
}

// SystemsFor lists the systems searched for a request of type t, in register order.
func (c Casework) SystemsFor(t string) []System {
	var out []System
	for _, s := range c.Systems {
		if slices.Contains(s.Types, t) {
			out = append(out, s)
		}
	}
	return out
}

// IsOwner reports whether addr is one of the system's owners.
func (s System) IsOwner(addr string) bool {
	return slices.ContainsFunc(s.Owners, func(o string) bool { return strings.EqualFold(o, strings.TrimSpace(addr)) })
}

// InOrganisation reports whether addr is an address on one of the organisation's domains.
func (c Casework) InOrganisation(addr string) bool {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return false
	}
	domain := strings.ToLower(addr[at+1:])
	return slices.ContainsFunc(c.OrganisationDomains, func(d string) bool { return strings.EqualFold(d, domain) })
}

var domainPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)

// maxSystems bounds the register: each system is a task, a letter and a folder per case.
const maxSystems = 40

// validateCasework adds every problem with the register and the domains to v.
func (p *Profile) validateCasework(v *validator) {
	c := p.Casework
	v.between("internalMarginWorkingDays", c.InternalMarginWorkingDays, 0, 15)
	if len(c.Systems) > maxSystems {
		v.add("systems", "at most %d systems (got %d)", maxSystems, len(c.Systems))
	}
	seen := map[string]bool{}
	named := map[string]namedAt{}
	for i, s := range c.Systems {
		f := fmt.Sprintf("systems[%d]", i)
		switch {
		case !idPattern.MatchString(s.ID):
			v.add(f+".id", "required: lower-case letters, digits and hyphens (got %q)", s.ID)
		case seen[s.ID]:
			v.add(f+".id", "duplicate system %q", s.ID)
		}
		seen[s.ID] = true
		for _, t := range []struct {
			name string
			t    Text
		}{{"name", s.Name}, {"department", s.Department}, {"holds", s.Holds}, {"retention", s.Retention}, {"legalGround", s.LegalGround}} {
			v.text(f+"."+t.name+".nl", t.t.NL)
			v.text(f+"."+t.name+".en", t.t.EN)
		}
		if len(s.Owners) == 0 {
			v.add(f+".owners", "required: at least one address")
		}
		for j, o := range s.Owners {
			of := fmt.Sprintf("%s.owners[%d]", f, j)
			v.email(of, o)
			if slices.IndexFunc(s.Owners, func(x string) bool { return strings.EqualFold(x, o) }) < j {
				v.add(of, "duplicate address %q", o)
			}
		}
		if len(s.Types) == 0 {
			v.add(f+".types", "required: the request types the system is searched for")
		}
		for j, t := range s.Types {
			tf := fmt.Sprintf("%s.types[%d]", f, j)
			if !slices.Contains(SearchTypes, t) {
				v.add(tf, "not a type a system is searched for (want one of %s; got %q)", strings.Join(SearchTypes, ", "), t)
			} else if slices.Index(s.Types, t) < j {
				v.add(tf, "duplicate type %q", t)
			}
		}
		for j, r := range s.Recipients {
			rf := fmt.Sprintf("%s.recipients[%d]", f, j)
			v.recipient(rf, r)
			if k, ok := named[r.Key()]; ok && !k.sameContact(r) {
				v.add(rf, "%q is named with other contact details in %s: one organisation, one address", r.NL, k.field)
			} else if !ok {
				named[r.Key()] = namedAt{r, rf}
			}
		}
	}
	if len(c.Systems) > 0 {
		if po, ok := c.System(PrivacyloketSystem); !ok {
			v.add("systems", "the register holds Privacyloket itself (id %q, answered by the privacy officer: docs/rules.md §7)", PrivacyloketSystem)
		} else if !po.IsOwner(p.Organisation.PrivacyOfficerEmail) {
			v.add("systems", "system %q is answered by the privacy officer: its owners must include organisation.privacyOfficerEmail", PrivacyloketSystem)
		}
	}
	for i, d := range c.OrganisationDomains {
		f := fmt.Sprintf("organisationDomains[%d]", i)
		if !domainPattern.MatchString(d) {
			v.add(f, "not a lower-case domain such as valleiwonen.nl (got %q)", d)
		} else if slices.Index(c.OrganisationDomains, d) < i {
			v.add(f, "duplicate domain %q", d)
		}
	}
}

// Key identifies a recipient in the register and in a decision: its Dutch name, in lower case.
func (r Recipient) Key() string { return strings.ToLower(strings.TrimSpace(r.NL)) }

// Recipient returns the register's recipient whose Dutch or English name is name (in any case),
// or false.
func (c Casework) Recipient(name string) (Recipient, bool) {
	name = strings.TrimSpace(name)
	for _, s := range c.Systems {
		for _, r := range s.Recipients {
			if strings.EqualFold(r.NL, name) || strings.EqualFold(r.EN, name) {
				return r, true
			}
		}
	}
	return Recipient{}, false
}

// namedAt is a recipient as first named in the register, and where.
type namedAt struct {
	Recipient
	field string
}

func (r Recipient) sameContact(o Recipient) bool {
	return strings.EqualFold(r.Email, o.Email) && slices.Equal(r.PostalAddress, o.PostalAddress)
}

// recipient checks one recipient of a system. Its name is what staff may write in a decision's
// recipients for an organisation without an e-mail address, beside e-mail addresses, one per
// line: it holds no "@" and no ";".
func (v *validator) recipient(field string, r Recipient) {
	v.texts(field, r.Text)
	for _, n := range []struct{ lang, s string }{{"nl", r.NL}, {"en", r.EN}} {
		if strings.ContainsAny(n.s, "@;") {
			v.add(field+"."+n.lang, "a recipient's name holds no @ or ; (got %q)", n.s)
		}
	}
	if r.Email != "" {
		v.email(field+".email", r.Email)
	}
	if r.PostalAddress != nil {
		v.address(field+".postalAddress", r.PostalAddress)
	}
}
