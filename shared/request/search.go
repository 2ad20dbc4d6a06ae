package request

import (
	"slices"
	"time"

	"cloud.google.com/go/civil"
)

// The search across the organisation's systems (docs/rules.md §7, docs/contract.md §3 "Search
// tasks"): one task per system, answered by the system's owners through a personal link.

// SearchPhase says whether a task looks for data (before the decision) or carries the
// decision out (after a grant).
type SearchPhase string

const (
	PhaseSearch   SearchPhase = "search"
	PhaseCarryOut SearchPhase = "carry_out"
)

// SearchState is where a task stands. Cancelled tasks count neither as answered nor as late.
type SearchState string

const (
	TaskOpen      SearchState = "open"
	TaskAnswered  SearchState = "answered"
	TaskWaived    SearchState = "waived"
	TaskCancelled SearchState = "cancelled"
)

// SearchResult is an owner's answer.
type SearchResult string

const (
	ResultFound        SearchResult = "found"
	ResultNothingFound SearchResult = "nothing_found"
	ResultHeld         SearchResult = "held"
	ResultRestricted   SearchResult = "restricted"
	ResultDone         SearchResult = "done"
	ResultNotPossible  SearchResult = "not_possible"
)

// SearchResults lists the answers an owner may give to a task of phase p on a case of type t
// (docs/contract.md §3); none for a complaint.
func SearchResults(t Type, p SearchPhase) []SearchResult {
	if p == PhaseCarryOut {
		return []SearchResult{ResultDone, ResultNotPossible}
	}
	switch t {
	case Access, Portability:
		return []SearchResult{ResultFound, ResultNothingFound}
	case Rectification, Objection, Erasure:
		return []SearchResult{ResultHeld, ResultNothingFound}
	case Restriction:
		return []SearchResult{ResultRestricted, ResultNothingFound}
	}
	return nil
}

// Holds reports whether the answer says the system holds the requester's data.
func (r SearchResult) Holds() bool {
	return r == ResultFound || r == ResultHeld || r == ResultRestricted
}

// Why something must be kept after an erasure (GDPR 17(3)(b), (e)).
const (
	KeepLegalObligation Ground = "legal_obligation"
	KeepLegalClaims     Ground = "legal_claims"
)

// Backups, in a carry-out task of an erasure: erased from the backups too, or there are none.
const (
	BackupsIncluded      = "included"
	BackupsNotApplicable = "not_applicable"
)

// MaxExtracts bounds the extracts one task holds.
const MaxExtracts = 20

// Extract is one file an owner uploaded for a task, sealed in the store under Key.
type Extract struct {
	Key  string
	Name string // the file name as the access package names it
	Kind string // "json", "csv" or "pdf"
	Size int
	At   time.Time
	// Removed names the kinds of active content taken out of a PDF extract
	// (idcheck.RemovedScripts …), for the manifest.
	Removed []string `json:",omitempty"`
}

// SearchTask is one system's part of the work behind an answer.
type SearchTask struct {
	// ID is unique within the case: the system id for a search, with ".carry_out" for a
	// carry-out task.
	ID     string
	System string
	// Name is the name staff gave a system the register lacks (add_search); "" for a
	// registered system, whose name comes from the profile.
	Name   string
	Owners []string
	Phase  SearchPhase
	State  SearchState
	Result SearchResult
	// CreatedAt is when the task was made; DueDate is its internal due date.
	CreatedAt  time.Time
	DueDate    civil.Date
	AnsweredAt time.Time
	AnsweredBy string // an owner's address, or the staff member who waived it
	Note       string // what the system holds, or why a carry-out was not possible
	// KeepGround and KeptUntil say, for an erasure, what must be kept and until when.
	KeepGround Ground
	KeptUntil  civil.Date
	Backups    string
	// Reason is why staff waived the task.
	Reason   string
	Extracts []Extract
	// Reminded and Escalated record that the search_reminder and the search_overdue went.
	Reminded, Escalated bool
	// Reassigned: the system's owners left the register, and the task moved to staff
	// (search_reassigned), who answer it whatever the register says.
	Reassigned bool
}

// Search returns the case's task with id, or nil.
func (c *Case) Search(id string) *SearchTask {
	for i := range c.Searches {
		if c.Searches[i].ID == id {
			return &c.Searches[i]
		}
	}
	return nil
}

// OpenSearches counts the case's open tasks of phase p.
func (c *Case) OpenSearches(p SearchPhase) int {
	n := 0
	for _, t := range c.Searches {
		if t.State == TaskOpen && t.Phase == p {
			n++
		}
	}
	return n
}

// SearchCounts counts the case's tasks by state (the desk's searchCounts).
func (c *Case) SearchCounts() map[SearchState]int {
	out := map[SearchState]int{TaskOpen: 0, TaskAnswered: 0, TaskWaived: 0}
	for _, t := range c.Searches {
		out[t.State]++
	}
	return out
}

// Searchable reports whether a case of type t gets search tasks: every type but complaint.
func Searchable(t Type) bool { return len(SearchResults(t, PhaseSearch)) > 0 }

// ValidSearchResult reports whether r answers a task of phase p on a case of type t.
func ValidSearchResult(t Type, p SearchPhase, r SearchResult) bool {
	return slices.Contains(SearchResults(t, p), r)
}
