package request

// What a case's audit trail records (Event.Action). A staff action of the state machine
// (StaffActions) is recorded under its own name; the actions below are recorded besides them.
// A letter the Tick sent is recorded under its letter kind. The staff page and the requester's
// timeline name each with the catalogue's "event." key.
const (
	// ActSubmitted starts a web request; Detail is its type. The case awaits confirmation.
	ActSubmitted Action = "submitted"
	// ActConfirmed records ActConfirm; Detail is the status the case entered.
	ActConfirmed Action = "confirmed"
	// ActIntake records a request registered by staff; Detail is the status the case entered
	// (an intake starts confirmed).
	ActIntake Action = "intake"
	// ActReceivedOn records, beside an intake, the day of receipt that staff entered (Detail,
	// YYYY-MM-DD); its Actor is who entered it.
	ActReceivedOn Action = "received_on"
	// ActPossibleDuplicate notes open cases that seem to be the same person's; Detail holds
	// their references.
	ActPossibleDuplicate Action = "possible_duplicate"
	// ActIDUploaded records ActUploadIdentity; Detail is the file's media type.
	ActIDUploaded Action = "id_uploaded"
	// ActIDCopyViewed is recorded each time staff open a case's ID copy.
	ActIDCopyViewed Action = "id_copy_viewed"
	// ActIDCopyDeleted: the ID copy's term ended and the Tick deleted it.
	ActIDCopyDeleted Action = "id_copy_deleted"
	// ActThirdPartyAgree and ActThirdPartyObject record ActThirdPartyDone by the third party's
	// answer; ActThirdPartyTermEnded records it when the term passed without one.
	ActThirdPartyAgree     Action = "third_party_agree"
	ActThirdPartyObject    Action = "third_party_object"
	ActThirdPartyTermEnded Action = "third_party_term_ended"
	// ActCaseViewed: staff opened the case page.
	ActCaseViewed Action = "case_viewed"
	// ActExported: staff exported the case's timeline.
	ActExported Action = "exported"
	// ActLetterPosted: staff posted a letter that goes by post; Detail is its kind.
	ActLetterPosted Action = "letter_posted"
	// ActResultPosted: the posted letter was an access result on paper, which provides it.
	ActResultPosted Action = "result_posted"
	// ActResultViewed: staff opened an access result on paper to print it.
	ActResultViewed Action = "result_viewed"
	// ActResultDownloaded: the requester downloaded the access package.
	ActResultDownloaded Action = "result_downloaded"
	// ActResultDeleted: the access package's link expired and the Tick deleted it.
	ActResultDeleted Action = "result_deleted"
	// ActAssign names the case's handler; ActNote is an internal note, whose text is in the
	// staff timeline only: never in a letter, the status page, the package, the report or an
	// export (docs/contract.md §3).
	ActAssign Action = "assign"
	ActNote   Action = "note"
	// Four eyes (docs/rules.md §8): a decision drafted for approval, approved, returned by an
	// approver, or cancelled by extend or withdraw.
	ActDecisionDrafted  Action = "decision_drafted"
	ActDecisionApproved Action = "decision_approved"
	ActDecisionReturned Action = "decision_returned"
	ActDraftCancelled   Action = "draft_cancelled"
)

// Recorded lists every action the audit trail records under its own name.
var Recorded = []Action{
	ActSubmitted, ActConfirmed, ActIntake, ActReceivedOn, ActPossibleDuplicate,
	ActIDUploaded, ActVerifyIdentity, ActRejectIdentity, ActRequestIdentity, ActIDCopyViewed, ActIDCopyDeleted,
	ActExtend, ActConsult, ActThirdPartyAgree, ActThirdPartyObject, ActThirdPartyTermEnded,
	ActDecide, ActWithdraw, ActRevokeLinks, ActCaseViewed, ActExported,
	ActLetterPosted, ActResultPosted, ActResultViewed, ActResultDownloaded, ActResultDeleted, ActAssign, ActNote,
	ActDecisionDrafted, ActDecisionApproved, ActDecisionReturned, ActDraftCancelled,
}
