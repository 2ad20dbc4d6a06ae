package letter

import (
	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/request"
)

// The letters of the search across the organisation's systems (docs/contract.md §3 "Search
// tasks", §5). They go to a system's owners, who need not be staff, in Dutch (staff's
// language); none carries the requester's personal data: the task page shows what to look for.
const (
	// SearchTask asks a system's owners to search it; the first one an owner gets says what
	// Privacyloket is.
	SearchTask Kind = "search_task"
	// SearchReminder: the task is due the next working day.
	SearchReminder Kind = "search_reminder"
	// SearchOverdue tells the case's staff that a task passed its due date unanswered.
	SearchOverdue Kind = "search_overdue"
	// SearchCancelled tells the owners that the request ended otherwise and no answer is needed.
	SearchCancelled Kind = "search_cancelled"
	// SearchReassigned gives staff a task whose system's owners left the register.
	SearchReassigned Kind = "search_reassigned"
	// CarryOutTask asks the owners of a system that holds data to carry out a granted decision.
	CarryOutTask Kind = "carry_out_task"
)

// ToSystemOwner is the audience of the letters about a search task.
const ToSystemOwner Audience = "system_owner"

// LinkSearch is the key of a task link (the SearchTask function).
const LinkSearch = "search"

func searchAudience(k Kind) Audience {
	switch k {
	case SearchTask, SearchReminder, SearchCancelled, CarryOutTask:
		return ToSystemOwner
	case SearchOverdue, SearchReassigned:
		return ToStaff
	}
	return ""
}

// SearchInfo is one search task as its letters state it.
type SearchInfo struct {
	// System is the system's id (custom_args.system, docs/contract.md §5).
	System string `json:",omitempty"`
	// SystemName is the system's name in the letter's language.
	SystemName string
	// DueDate is the task's own due date (the letter's custom_args.dueDate).
	DueDate civil.Date `json:",omitzero"`
	// FirstTask says this is the owner's first task letter: it explains what Privacyloket is.
	FirstTask bool `json:",omitempty"`
	// Holds is what the register says the system holds, as a reminder of where to look.
	Holds string `json:",omitempty"`
	// Owners are the system's owners, for the staff's search_overdue.
	Owners []string `json:",omitempty"`
	// Systems are, in a decision that was carried out, what was done per system.
	Systems []SystemOutcome `json:",omitempty"`
	// Searched are, in an access decision, the systems searched with their retention and
	// actual recipients (GDPR 15(1)(c), (d); CJEU C-154/21).
	Searched []SystemInfo `json:",omitempty"`
}

// SystemInfo is one system an access decision names, in the letter's language.
type SystemInfo struct {
	Name, Retention string
	Recipients      []string // empty: no other organisation
	// NotSearched is, for a system staff waived, why it was not searched ("" when it was).
	NotSearched string `json:",omitempty"`
}

// SystemOutcome is one system's carry-out task as a decision states it.
type SystemOutcome struct {
	Name   string
	Result string // "done", "not_possible", or "waived"
	// Backups ("included", "not_applicable") for an erasure done; Note why it was not possible.
	Backups, Note string
	// KeepGround and KeptUntil: what the system keeps after an erasure, why and until when.
	KeepGround request.Ground `json:",omitempty"`
	KeptUntil  civil.Date     `json:",omitzero"`
}

func checkSearch(c *checker, kind Kind, s *SearchInfo) {
	if s == nil {
		c.add("Search", "is missing")
		return
	}
	c.text("Search.SystemName", s.SystemName)
	c.date("Search.DueDate", s.DueDate, kind != SearchCancelled)
	if kind == SearchOverdue && len(s.Owners) == 0 {
		c.add("Search.Owners", "is missing")
	}
}
