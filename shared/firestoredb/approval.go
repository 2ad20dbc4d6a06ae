package firestoredb

import (
	"time"

	"github.com/privacyloket/privacyloket/shared/request"
)

// approvalDoc is a decision drafted for approval (request.Approval), in the case document.
type approvalDoc struct {
	Draft             decisionDoc `firestore:"draft"`
	From              string      `firestore:"from"`
	DraftedAt         time.Time   `firestore:"draftedAt"`
	TransferConfirmed bool        `firestore:"transferConfirmed,omitempty"`
	ResultKey         string      `firestore:"resultKey,omitempty"`
	ResultSize        int         `firestore:"resultSize,omitempty"`
	ResultExpires     *time.Time  `firestore:"resultExpires,omitempty"`
	ResultExtracts    int         `firestore:"resultExtracts,omitempty"`
}

func toApprovalDoc(a *request.Approval) *approvalDoc {
	if a == nil {
		return nil
	}
	x := a.Draft
	return &approvalDoc{
		Draft: decisionDoc{Outcome: string(x.Outcome), Motivation: x.Motivation, Ground: string(x.Ground), Evidence: x.Evidence, Fee: x.Fee, FeeBasis: string(x.FeeBasis), Recipients: x.Recipients,
			RecipientsNote: x.RecipientsNote, NoRecipients: x.NoRecipients, Correction: x.CorrectionSummary, AccessInfo: x.AccessInfo,
			DecidedBy: x.DecidedBy, DecidedAt: x.DecidedAt.UTC()},
		From: string(a.From), DraftedAt: a.DraftedAt.UTC(), TransferConfirmed: a.TransferConfirmed,
		ResultKey: a.ResultKey, ResultSize: a.ResultSize, ResultExpires: ptr(a.ResultExpires), ResultExtracts: a.ResultExtracts,
	}
}

func fromApprovalDoc(d *approvalDoc) *request.Approval {
	if d == nil {
		return nil
	}
	x := d.Draft
	return &request.Approval{
		Draft: request.Decision{Outcome: request.Outcome(x.Outcome), Motivation: x.Motivation, Ground: request.Ground(x.Ground), Evidence: x.Evidence, Fee: x.Fee, FeeBasis: request.FeeBasis(x.FeeBasis), Recipients: x.Recipients,
			RecipientsNote: x.RecipientsNote, NoRecipients: x.NoRecipients, CorrectionSummary: x.Correction, AccessInfo: x.AccessInfo,
			DecidedBy: x.DecidedBy, DecidedAt: x.DecidedAt},
		From: request.Status(d.From), DraftedAt: d.DraftedAt, TransferConfirmed: d.TransferConfirmed,
		ResultKey: d.ResultKey, ResultSize: d.ResultSize, ResultExpires: val(d.ResultExpires), ResultExtracts: d.ResultExtracts,
	}
}
