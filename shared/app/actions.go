package app

import (
	"fmt"
	"time"

	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/request"
)

// Actions lists the staff actions case c allows at now, in page order: the state machine's
// answer, narrowed by what the case holds. StaffAct refuses exactly the others, so the staff
// page (HTML and JSON) offers only what will succeed.
func (s *core) Actions(c *request.Case, now time.Time) []request.Action {
	var out []request.Action
	for _, a := range request.StaffActions {
		if request.Allowed(a, c.Status) && s.refusal(c, a, now) == nil {
			out = append(out, a)
		}
	}
	return out
}

// refusal says why action a, which the case's status allows, cannot be applied to c at now:
// a *NotAllowedError with a stable reason, or nil.
func (s *core) refusal(c *request.Case, a request.Action, now time.Time) error {
	switch a {
	case request.ActVerifyIdentity:
		if c.Status == request.InProgress && c.Identity.Outcome == request.IdentityVerified {
			return &NotAllowedError{Reason: "already_verified"}
		}
	case request.ActRejectIdentity:
		if !c.Identity.CopyHeld {
			return &NotAllowedError{Reason: "no_copy"}
		}
	case request.ActRequestIdentity:
		if c.Type == request.Complaint {
			// A complaint needs no identity check (docs/rules.md §2).
			return &NotAllowedError{Reason: "complaint_no_identity"}
		}
		if c.Status == request.AwaitingIdentity && !c.Identity.CopyHeld {
			return &NotAllowedError{Reason: "already_asked"}
		}
	case request.ActThirdPartyDone:
		if c.ThirdParty == nil || c.ThirdParty.Answer != request.ThirdPartyPending {
			return &NotAllowedError{Reason: "third_party_done"}
		}
	case request.ActDecide:
		if c.Status == request.AwaitingIdentity && !askedForIdentity(c) {
			return &NotAllowedError{Reason: "identity_not_asked"}
		}
	case request.ActExtend:
		if c.Extended {
			return &NotAllowedError{Reason: "extend_once"}
		}
		if deadline.DateIn(now).After(c.DueDate) {
			return &NotAllowedError{Reason: "extend_late"}
		}
		// Only the types the profile names (V: access); never a complaint, which runs on the
		// organisation's own procedure, where GDPR 12(3) does not apply (docs/rules.md §3).
		if !s.extendable(c.Type) {
			return &NotAllowedError{Reason: "extend_not_allowed"}
		}
	}
	return nil
}

// allowed is the whole check for a staff action: the state machine, then refusal. It returns
// the status the action leads to.
func (s *Casework) allowed(c *request.Case, a request.Action, now time.Time) (request.Status, error) {
	next, err := request.Next(a, c.Status, "")
	if err != nil {
		return c.Status, err
	}
	if err := s.refusal(c, a, now); err != nil {
		return c.Status, fmt.Errorf("%s on %s: %w", a, c.Reference, err)
	}
	return next, nil
}
