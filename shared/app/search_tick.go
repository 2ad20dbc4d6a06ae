package app

import (
	"slices"
	"time"

	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// The Tick's part in the search tasks (docs/contract.md §3, §5): a search_reminder to the owners
// the working day before a task is due, and a search_overdue to the case's staff the working day
// after, each once per task (SearchTask.Reminded, Escalated).

// searchReminderAt is the start of the working day before t is due; searchOverdueAt the start of
// the first working day after.
func (s *core) searchReminderAt(t *request.SearchTask) time.Time {
	return at(s.d.Calendar.AddWorkingDays(t.DueDate, -1))
}

func (s *core) searchOverdueAt(t *request.SearchTask) time.Time {
	return at(s.d.Calendar.NextWorkingDay(t.DueDate.AddDays(1)))
}

// planSearches adds to p what is due for c's open tasks as of now, and when they next need the
// Tick. Each due item's disc is the task's id.
func (s *core) planSearches(c *request.Case, now time.Time, p *plan) {
	if !c.Status.Open() && c.OpenSearches(request.PhaseCarryOut) == 0 {
		return
	}
	soonest := func(t time.Time) {
		if p.next.IsZero() || t.Before(p.next) {
			p.next = t
		}
	}
	for i := range c.Searches {
		t := &c.Searches[i]
		if t.State != request.TaskOpen || t.DueDate.IsZero() {
			continue
		}
		if s.ownersLeft(t) {
			p.due = append(p.due, dueItem{kind: letter.SearchReassigned, at: now, disc: t.ID})
		}
		over := s.searchOverdueAt(t)
		if !t.Escalated && !now.Before(over) {
			p.due = append(p.due, dueItem{kind: letter.SearchOverdue, at: over, disc: t.ID})
			continue
		}
		if !t.Escalated {
			soonest(over)
		}
		if rem := s.searchReminderAt(t); !t.Reminded && rem.After(t.CreatedAt) {
			if !now.Before(rem) {
				p.due = append(p.due, dueItem{kind: letter.SearchReminder, at: rem, disc: t.ID})
			} else {
				soonest(rem)
			}
		}
	}
}

// searchDueLetters turns a due item of planSearches into its letters and records on the task
// that they went, so a later tick does not send them again.
func (s *Sweep) searchDueLetters(c *request.Case, d dueItem, now time.Time) []*outbox.Letter {
	t := c.Search(d.disc)
	if t == nil {
		return nil
	}
	var out []*outbox.Letter
	switch d.kind {
	case letter.SearchReminder:
		t.Reminded = true
		for _, o := range t.Owners {
			// A fresh link with each reminder (docs/contract.md §3).
			out = append(out, s.taskLetter(c, t, o, letter.SearchReminder, t.DueDate.String(), now))
		}
	case letter.SearchReassigned:
		out = append(out, s.reassign(c, t, now)...)
	case letter.SearchOverdue:
		t.Reminded, t.Escalated = true, true
		for _, addr := range s.remindFirst(c) {
			l := s.staffLetter(c, letter.SearchOverdue, addr, t.ID+"|"+t.DueDate.String(), now)
			l.Data.Search = &letter.SearchInfo{System: t.System, SystemName: s.systemName(t, l.Lang), DueDate: t.DueDate, Owners: t.Owners,
				CarryOut: t.Phase == request.PhaseCarryOut}
			l.Data.Staff.DaysOverdue = int(deadline.DateIn(now).DaysSince(t.DueDate))
			out = append(out, l)
		}
	}
	return out
}

// ownersLeft reports whether an owner of open task t is no longer an owner of its system in the
// register (the operator changed the profile): the Tick then moves the task (reassign).
func (s *core) ownersLeft(t *request.SearchTask) bool {
	sys, ok := s.d.Profile.System(t.System)
	if !ok || t.Name != "" || t.Reassigned {
		return false
	}
	return slices.ContainsFunc(t.Owners, func(o string) bool { return !sys.IsOwner(o) })
}

// reassign drops the owners that left the register from task t; when none is left, the task
// moves to the case's staff, who each get a search_reassigned letter with a task link.
func (s *Sweep) reassign(c *request.Case, t *request.SearchTask, now time.Time) []*outbox.Letter {
	sys, _ := s.d.Profile.System(t.System)
	t.Owners = slices.DeleteFunc(t.Owners, func(o string) bool { return !sys.IsOwner(o) })
	if len(t.Owners) > 0 {
		return nil
	}
	t.Owners, t.Reassigned = slices.Clone(s.staff), true
	var out []*outbox.Letter
	for _, o := range t.Owners {
		out = append(out, s.taskLetter(c, t, o, letter.SearchReassigned, "", now))
	}
	return out
}
