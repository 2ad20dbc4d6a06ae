package letter

import "cloud.google.com/go/civil"

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
)

// ToSystemOwner is the audience of the letters about a search task.
const ToSystemOwner Audience = "system_owner"

// LinkSearch is the key of a task link (the SearchTask function).
const LinkSearch = "search"

func searchAudience(k Kind) Audience {
	switch k {
	case SearchTask, SearchReminder, SearchCancelled:
		return ToSystemOwner
	case SearchOverdue:
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
