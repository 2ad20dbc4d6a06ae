package policy

import "strings"

// Team is the part of a profile that says how staff share the work (docs/rules.md §3, §8): who
// handles a new case. Profile embeds it, so its fields sit at the top level of the profile's
// JSON.
type Team struct {
	// DefaultHandler is the staff address (or the privacy officer's) that handles every new
	// case until staff assign another; "" leaves a new case without a handler, so every staff
	// address gets its reminders.
	DefaultHandler string `json:"defaultHandler,omitempty"`
}

// validateTeam adds every problem with the team settings to v: a default handler must be on
// the staff list or be the privacy officer.
func (p *Profile) validateTeam(v *validator) {
	h := p.DefaultHandler
	if h == "" {
		return
	}
	v.email("defaultHandler", h)
	o := p.Organisation
	if strings.EqualFold(h, o.PrivacyOfficerEmail) {
		return
	}
	for _, s := range o.StaffEmails {
		if strings.EqualFold(s, h) {
			return
		}
	}
	v.add("defaultHandler", "must be a staff address or the privacy officer's (got %q)", h)
}
