package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// Staff actions on the search tasks (docs/contract.md §3 "Staff actions").
const (
	ActAddSearch   request.Action = "add_search"
	ActWaiveSearch request.Action = "waive_search"
)

// WaitingOnSystemOwner: the case waits for a system owner's answer to a search task.
const WaitingOnSystemOwner = "system_owner"

// SearchActions are the staff actions on search tasks, in page order.
var SearchActions = []request.Action{ActAddSearch, ActWaiveSearch}

func searchAction(a request.Action) bool { return a == ActAddSearch || a == ActWaiveSearch }

// SearchInput are the fields of add_search and waive_search.
type SearchInput struct {
	// System is a system id: of the register for add_search, of a task for waive_search.
	System string
	// SystemName and OwnerEmail add a system the register lacks; the owner's address must be
	// on one of the profile's organisationDomains.
	SystemName, OwnerEmail string
}

// maxAddedSystems bounds the systems staff add to one case.
const maxAddedSystems = 20

func (s *Casework) validateSearch(in StaffInput) []request.FieldError {
	var errs []request.FieldError
	add := func(f, code string) { errs = append(errs, request.FieldError{Field: f, Code: code}) }
	si := in.Search
	switch in.Action {
	case ActAddSearch:
		switch {
		case si.System != "":
			if _, ok := s.registered(si.System); !ok {
				add("system", "invalid")
			}
		default:
			if name := strings.TrimSpace(si.SystemName); name == "" {
				add("systemName", "required")
			} else if len(name) > 200 || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' }) {
				add("systemName", "invalid")
			}
			switch {
			case !validEmail(si.OwnerEmail):
				add("ownerEmail", "email")
			case !s.d.Profile.InOrganisation(si.OwnerEmail):
				add("ownerEmail", "organisation_domain")
			}
		}
	case ActWaiveSearch:
		if si.System == "" {
			add("system", "required")
		}
		if r := strings.TrimSpace(in.Reason); r == "" {
			add("reason", "required")
		} else if len(r) > 5000 {
			add("reason", "too_long")
		}
	}
	return errs
}

// searchAct applies add_search or waive_search to a case in one transaction, with the letters
// it causes and an audit event naming the staff member.
func (s *Casework) searchAct(ctx context.Context, ref string, by StaffLink, in StaffInput) (*request.Case, error) {
	if errs := s.validateSearch(in); len(errs) > 0 {
		return nil, &ValidationError{Fields: errs}
	}
	now := s.d.Clock()
	var letters []*outbox.Letter
	refused := false
	c, err := s.update(ctx, ref, func(c *request.Case) (Change, error) {
		letters, refused = nil, false
		if err := s.checkLink(c, by); err != nil {
			refused = true
			return Change{}, err
		}
		si := in.Search
		if t := c.Search(si.System + carryOutSuffix); in.Action == ActWaiveSearch && t != nil && t.State == request.TaskOpen {
			// After the decision a system's open task is its carry-out: waiving the system
			// waives that (the page and search_overdue name the system, not the task).
			si.System = t.ID
		}
		// Tasks exist from the moment identity is established until the case ends; a carry-out
		// task until it is answered, after the decision.
		carryOut := in.Action == ActWaiveSearch && c.Search(si.System) != nil && c.Search(si.System).Phase == request.PhaseCarryOut
		if !carryOut && (!c.Status.Open() || c.Identity.Outcome != request.IdentityVerified || !request.Searchable(c.Type)) {
			return Change{}, &NotAllowedError{Reason: "search_none"}
		}
		if c.Status == request.AwaitingApproval {
			// A drafted decision allows only note, assign and revoke_links (docs/contract.md §3).
			return Change{}, &NotAllowedError{Reason: "awaiting_approval"}
		}
		detail := si.System
		switch in.Action {
		case ActAddSearch:
			t := request.SearchTask{Phase: request.PhaseSearch, State: request.TaskOpen, CreatedAt: now, DueDate: s.searchDue(c, now)}
			if sys, ok := s.registered(si.System); ok {
				if c.Search(sys.ID) != nil {
					return Change{}, &NotAllowedError{Reason: "search_exists"}
				}
				t.ID, t.System, t.Owners = sys.ID, sys.ID, append([]string(nil), sys.Owners...)
			} else {
				n := 0
				for _, x := range c.Searches {
					if x.Name != "" {
						n++
					}
				}
				if n >= maxAddedSystems {
					return Change{}, &NotAllowedError{Reason: "search_exists"}
				}
				t.ID = fmt.Sprintf("added-%d", n+1)
				t.System, t.Name, t.Owners = t.ID, strings.TrimSpace(si.SystemName), []string{strings.ToLower(si.OwnerEmail)}
				detail = t.ID + " " + t.Name
			}
			c.Searches = append(c.Searches, t)
			task := &c.Searches[len(c.Searches)-1]
			for _, o := range task.Owners {
				letters = append(letters, s.taskLetter(c, task, o, letter.SearchTask, "", now))
			}
		case ActWaiveSearch:
			t := c.Search(si.System)
			if t == nil {
				return Change{}, ErrNotFound
			}
			if t.State != request.TaskOpen {
				return Change{}, &NotAllowedError{Reason: "search_answered"}
			}
			t.State, t.Reason, t.AnsweredAt, t.AnsweredBy = request.TaskWaived, strings.TrimSpace(in.Reason), now, by.Holder
			detail = si.System + ": " + t.Reason
			if t.Phase == request.PhaseCarryOut {
				letters = s.carryOutDone(c, now)
			}
		}
		c.UpdatedAt = now
		c.NextActionAt = s.nextAction(c, now)
		return Change{Letters: letters, Events: []request.Event{{At: now, Actor: by.Holder, Action: in.Action, Detail: detail}}}, nil
	})
	if err != nil {
		if refused {
			return nil, err
		}
		return c, err
	}
	s.d.Logger.InfoContext(ctx, "staff action", "reference", ref, "action", string(in.Action), "status", string(c.Status))
	s.publish(ctx, letters)
	return c, nil
}
