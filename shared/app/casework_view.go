package app

import (
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/request"
)

// CaseworkView is what the staff page shows of the work behind an answer: the internal target
// date and the checklist of search and carry-out tasks (docs/contract.md §3 "Search tasks").
type CaseworkView struct {
	InternalDate civil.Date
	Searches     []SearchRow
	// AddSystems are the register's systems staff can still add (add_search); CanAct says the
	// case takes add_search and waive_search now.
	AddSystems []SystemChoice
	CanAct     bool
	// CarryingOut: the case is decided and a carry-out task is open; its letter waits for it,
	// so staff still see the checklist and may waive the task (waive_search).
	CarryingOut bool
	// Recipients are the organisations the systems holding the data name, for the notices of
	// GDPR 19 that the decide form lists ticked (art19.go).
	Recipients []NamedRecipient
}

// SearchRow is one task on the checklist.
type SearchRow struct {
	System     string
	Name       string // in staff's language
	Owners     []string
	Phase      request.SearchPhase
	State      request.SearchState
	Result     request.SearchResult
	DueDate    civil.Date
	AnsweredAt time.Time
	AnsweredBy string
	Note       string
	Reason     string
	KeepGround request.Ground
	KeptUntil  civil.Date
	Extracts   []string // file names
}

// SystemChoice is a system staff may add.
type SystemChoice struct{ ID, Name string }

func (s *core) caseworkView(c *request.Case) CaseworkView {
	v := CaseworkView{InternalDate: s.InternalDate(c), Recipients: s.namedRecipients(c)}
	for i := range c.Searches {
		t := &c.Searches[i]
		r := SearchRow{System: t.System, Name: s.systemName(t, staffLang), Owners: t.Owners, Phase: t.Phase, State: t.State,
			Result: t.Result, DueDate: t.DueDate, AnsweredAt: t.AnsweredAt, AnsweredBy: t.AnsweredBy, Note: t.Note,
			Reason: t.Reason, KeepGround: t.KeepGround, KeptUntil: t.KeptUntil}
		for _, e := range t.Extracts {
			r.Extracts = append(r.Extracts, e.Name)
		}
		v.Searches = append(v.Searches, r)
	}
	v.CanAct = c.Status.Open() && c.Identity.Outcome == request.IdentityVerified && request.Searchable(c.Type)
	v.CarryingOut = c.Decision != nil && c.OpenSearches(request.PhaseCarryOut) > 0
	if v.CanAct {
		for _, sys := range s.d.Profile.Systems {
			if c.Search(sys.ID) == nil {
				v.AddSystems = append(v.AddSystems, SystemChoice{ID: sys.ID, Name: sys.Name.In(staffLang)})
			}
		}
	}
	return v
}
