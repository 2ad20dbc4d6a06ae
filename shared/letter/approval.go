package letter

import "github.com/privacyloket/privacyloket/shared/request"

// The letters of four eyes (docs/rules.md §8, docs/contract.md §3): to staff, in Dutch.
const (
	// ApprovalRequest asks an approver to approve or return a drafted decision.
	ApprovalRequest Kind = "approval_request"
	// ApprovalOverdue tells the approvers and the privacy officer that a drafted decision still
	// waits on the case's internal target date.
	ApprovalOverdue Kind = "approval_overdue"
	// DecisionReturned tells the author of a draft that an approver sent it back, and why.
	DecisionReturned Kind = "decision_returned"
	// ApprovalCancelled tells the approvers that extend or withdraw cancelled a draft they were
	// asked to approve: their link no longer works.
	ApprovalCancelled Kind = "approval_cancelled"
)

// LinkApprove is the key of an approval link (the ApproveDecision function).
const LinkApprove = "approve"

func approvalAudience(k Kind) Audience {
	switch k {
	case ApprovalRequest, ApprovalOverdue, DecisionReturned, ApprovalCancelled:
		return ToStaff
	}
	return ""
}

// ApprovalInfo is a drafted decision as the letters of four eyes state it: who drafted it,
// the outcome and ground, and for a returned one who returned it and why.
type ApprovalInfo struct {
	DraftedBy  string
	Outcome    request.Outcome
	Ground     request.Ground `json:",omitempty"`
	ReturnedBy string         `json:",omitempty"`
	Comment    string         `json:",omitempty"`
}

func checkApproval(c *checker, kind Kind, a *ApprovalInfo) {
	if a == nil {
		c.add("Approval", "is missing")
		return
	}
	c.text("Approval.DraftedBy", a.DraftedBy)
	if !a.Outcome.Valid() {
		c.add("Approval.Outcome", "is not an outcome (got %q)", a.Outcome)
	}
	if kind == DecisionReturned {
		c.text("Approval.ReturnedBy", a.ReturnedBy)
		c.text("Approval.Comment", a.Comment)
	}
}
