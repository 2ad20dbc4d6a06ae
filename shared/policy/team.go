package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/privacyloket/privacyloket/shared/request"
)

// Team is the part of a profile that says how staff share the work (docs/rules.md §3, §8): who
// handles a new case. Profile embeds it, so its fields sit at the top level of the profile's
// JSON.
type Team struct {
	// DefaultHandler is the staff address (or the privacy officer's) that handles every new
	// case until staff assign another; "" leaves a new case without a handler, so every staff
	// address gets its reminders.
	DefaultHandler string `json:"defaultHandler,omitempty"`
	// Approval is four eyes (docs/rules.md §8): the decisions a second staff member approves
	// before any letter goes, besides every refusal as excessive or manifestly unfounded.
	Approval Approval `json:"approval"`
}

// Approval names the outcomes that need approval and who approves.
type Approval struct {
	// Outcomes are the decide outcomes that always need approval (both shipped profiles:
	// refused and partly_granted).
	Outcomes []string `json:"outcomes,omitempty"`
	// Approvers approve drafted decisions; empty: the staff list and the privacy officer.
	Approvers []string `json:"approvers,omitempty"`
}

// NeedsApproval reports whether a decision with outcome o on ground g waits for approval: a
// refusal as excessive or manifestly unfounded always does (docs/rules.md §8).
func (a Approval) NeedsApproval(o request.Outcome, g request.Ground) bool {
	if o == request.Refused && (g == request.Excessive || g == request.ManifestlyUnfounded) {
		return true
	}
	return slices.Contains(a.Outcomes, string(o))
}

// validateTeam adds every problem with the team settings to v: a default handler must be on
// the staff list or be the privacy officer.
func (p *Profile) validateTeam(v *validator) {
	for i, o := range p.Approval.Outcomes {
		if !request.Outcome(o).Valid() {
			v.add(fmt.Sprintf("approval.outcomes[%d]", i), "not an outcome (got %q)", o)
		}
	}
	for i, a := range p.Approval.Approvers {
		v.email(fmt.Sprintf("approval.approvers[%d]", i), a)
	}
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
