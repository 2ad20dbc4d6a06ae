package app

import (
	"slices"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// Carry-out tasks (docs/rules.md §7, docs/contract.md §3, issue 21 item 4): nothing is changed
// or erased before the decision; a grant or partial grant of a rectification, erasure, objection
// or restriction then gives each system that answered "held" or "restricted" a carry-out task,
// and the decision's letters go when every carry-out task is answered or waived, listing per
// system what was done, or kept with its ground and until when.

// carriesOut reports whether a decision on a case of type t is carried out in the systems.
func carriesOut(t request.Type) bool {
	return t == request.Rectification || t == request.Erasure || t == request.Objection || t == request.Restriction
}

// carryOutSuffix makes a carry-out task's id from its system's search task's.
const carryOutSuffix = ".carry_out"

// carryOutDue is a carry-out task's due date: searchTermWorkingDays after now, but not after the
// case's due date while that is still ahead.
func (s *core) carryOutDue(c *request.Case, now time.Time) civil.Date {
	d := s.d.Calendar.AddGDPRWorkingDays(deadline.DateIn(now), searchTermWorkingDays)
	if today := deadline.DateIn(now); c.DueDate.After(today) && d.After(c.DueDate) {
		d = c.DueDate
	}
	return d
}

// startCarryOut gives, on a grant of c that is carried out, each system that holds data a
// carry-out task and its owners a carry_out_task letter; while any is open the decision and its
// correction notices are held back (heldDecisionLetters writes them when the last is answered).
func (s *core) startCarryOut(c *request.Case, letters []*outbox.Letter, now time.Time) []*outbox.Letter {
	if !carriesOut(c.Type) || c.Decision == nil || c.Decision.Outcome == request.Refused {
		return letters
	}
	var tasks []*request.SearchTask
	for i := range c.Searches {
		t := c.Searches[i]
		if t.Phase == request.PhaseSearch && t.State == request.TaskAnswered && t.Result.Holds() {
			c.Searches = append(c.Searches, request.SearchTask{ID: t.ID + carryOutSuffix, System: t.System, Name: t.Name,
				Owners: slices.Clone(t.Owners), Phase: request.PhaseCarryOut, State: request.TaskOpen, CreatedAt: now,
				DueDate: s.carryOutDue(c, now), KeepGround: t.KeepGround, KeptUntil: t.KeptUntil})
		}
	}
	for i := range c.Searches {
		if c.Searches[i].Phase == request.PhaseCarryOut && c.Searches[i].State == request.TaskOpen {
			tasks = append(tasks, &c.Searches[i])
		}
	}
	if len(tasks) == 0 {
		return letters
	}
	held := slices.DeleteFunc(letters, func(l *outbox.Letter) bool {
		return l.Kind == letter.Decision || l.Kind == letter.CorrectionNotice
	})
	for _, t := range tasks {
		for _, o := range t.Owners {
			held = append(held, s.taskLetter(c, t, o, letter.CarryOutTask, "", now))
		}
	}
	return held
}

// carryOutDone returns the decision's held letters once c has no open carry-out task left, with
// the outcome per system; none while one is open.
func (s *Casework) carryOutDone(c *request.Case, now time.Time) []*outbox.Letter {
	if c.Decision == nil || c.OpenSearches(request.PhaseCarryOut) > 0 {
		return nil
	}
	var outcomes []letter.SystemOutcome
	for i := range c.Searches {
		t := &c.Searches[i]
		if t.Phase != request.PhaseCarryOut {
			continue
		}
		o := letter.SystemOutcome{Name: s.systemName(t, c.Lang), Result: string(t.Result), Backups: t.Backups, Note: t.Note,
			KeepGround: t.KeepGround, KeptUntil: t.KeptUntil}
		if t.State == request.TaskWaived {
			o.Result, o.Note = "waived", ""
		}
		outcomes = append(outcomes, o)
	}
	if len(outcomes) == 0 {
		return nil
	}
	return s.heldDecisionLetters(c, outcomes, now)
}

// heldDecisionLetters writes the letters of c's decision that waited for the carry-out tasks:
// the decision to the requester, with what was done per system, and the notice of GDPR 19 to
// each recipient staff confirmed (a restriction's too), as decide would have written them.
func (s *Casework) heldDecisionLetters(c *request.Case, outcomes []letter.SystemOutcome, now time.Time) []*outbox.Letter {
	d := c.Decision
	_, to := c.Recipient()
	informed, unchanged, notices := s.art19Letters(c, d, now)
	l := s.newLetter(c, letter.Decision, to, "", now)
	l.Data.Decision = &letter.DecisionInfo{Outcome: d.Outcome, Motivation: d.Motivation, Ground: d.Ground,
		Recipients: informed, RecipientsNote: d.RecipientsNote, NoRecipients: d.NoRecipients, Unchanged: unchanged,
		ThirdPartyMasked: c.ThirdParty != nil && c.ThirdParty.Mask}
	l.Data.Search = &letter.SearchInfo{Systems: outcomes}
	return append([]*outbox.Letter{l}, notices...)
}
