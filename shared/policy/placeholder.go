package policy

import (
	"fmt"
	"strings"
)

// Placeholders names every value of the profile that is a placeholder, not the organisation's
// own: an e-mail address on a reserved domain (.example, .test, .invalid, .localhost,
// example.com/.net/.org), a postal or visiting address whose postcode starts with 0 (no Dutch
// postcode does), a phone number of zeros. Letters print them (a letter by post names the
// sender's address and phone), so a profile that has any must not go live: the functions
// refuse to start with one unless ALLOW_PLACEHOLDER_PROFILE is true (docs/contract.md §2).
// Each entry is "field (value)", in the order of the profile.
func (p *Profile) Placeholders() []string {
	var out []string
	add := func(field, value string) { out = append(out, fmt.Sprintf("%s (%s)", field, value)) }
	o := p.Organisation
	for _, f := range []struct{ field, value string }{
		{"organisation.senderEmail", o.SenderEmail}, {"organisation.privacyOfficerEmail", o.PrivacyOfficerEmail},
	} {
		if placeholderEmail(f.value) {
			add(f.field, f.value)
		}
	}
	for i, e := range o.StaffEmails {
		if placeholderEmail(e) {
			add(fmt.Sprintf("organisation.staffEmails[%d]", i), e)
		}
	}
	for _, f := range []struct {
		field string
		lines []string
	}{{"organisation.postalAddress", o.PostalAddress}, {"organisation.visitingAddress", o.VisitingAddress},
		{"organisation.privacyOfficerAddress", o.PrivacyOfficerAddress}} {
		if n := len(f.lines); n > 0 && strings.HasPrefix(f.lines[n-1], "0") {
			add(f.field, AddressLine(f.lines))
		}
	}
	// The register of systems: owners get search tasks by e-mail, and add_search accepts owners
	// on the organisation's domains only.
	for i, sys := range p.Systems {
		for j, e := range sys.Owners {
			if placeholderEmail(e) {
				add(fmt.Sprintf("systems[%d].owners[%d]", i, j), e)
			}
		}
		// A recipient's address gets the notices of GDPR 19.
		for j, r := range sys.Recipients {
			if placeholderEmail(r.Email) {
				add(fmt.Sprintf("systems[%d].recipients[%d].email", i, j), r.Email)
			}
			if n := len(r.PostalAddress); n > 0 && strings.HasPrefix(r.PostalAddress[n-1], "0") {
				add(fmt.Sprintf("systems[%d].recipients[%d].postalAddress", i, j), AddressLine(r.PostalAddress))
			}
		}
	}
	for i, d := range p.OrganisationDomains {
		if placeholderEmail("x@" + d) {
			add(fmt.Sprintf("organisationDomains[%d]", i), d)
		}
	}
	for _, f := range []struct{ field, value string }{
		{"organisation.phone", o.Phone}, {"organisation.privacyOfficerPhone", o.PrivacyOfficerPhone},
	} {
		if f.value != "" && strings.Trim(f.value, "0 +()-") == "" {
			add(f.field, f.value)
		}
	}
	return out
}

// placeholderEmail reports whether addr is on a domain reserved for examples and tests (RFC
// 2606, 6761): mail to it never reaches the organisation.
func placeholderEmail(addr string) bool {
	_, domain, ok := strings.Cut(strings.ToLower(addr), "@")
	if !ok {
		return false
	}
	for _, tld := range []string{".example", ".test", ".invalid", ".localhost"} {
		if strings.HasSuffix(domain, tld) {
			return true
		}
	}
	switch domain {
	case "example.com", "example.net", "example.org", "localhost":
		return true
	}
	return false
}

// CheckPlaceholders is an error naming every placeholder, or nil: the start-up check.
func (p *Profile) CheckPlaceholders() error {
	ph := p.Placeholders()
	if len(ph) == 0 {
		return nil
	}
	return fmt.Errorf("policy profile %q has placeholder values, which letters would print: %s; set the organisation's own, or ALLOW_PLACEHOLDER_PROFILE=true for local use and tests",
		p.ID, strings.Join(ph, ", "))
}
