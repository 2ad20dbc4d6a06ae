package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/request"
)

// The search across the organisation's systems (docs/rules.md §7, docs/contract.md §3 "Search
// tasks"). The tasks live on the case, so each change to them is part of the case's transaction:
// a decision sees every answer that committed before it, and an answer sees the decision.

// searchTermWorkingDays is the least time an owner gets: a task is due at the earliest this many
// working days after it was made.
const searchTermWorkingDays = 3

// taskLinkGraceDays: a task link works until the case's due date plus this many days.
const taskLinkGraceDays = 7

// searchDue is the due date of a task made at now on c: the later of the case's internal date
// and searchTermWorkingDays after now, never after the case's due date.
func (s *core) searchDue(c *request.Case, now time.Time) civil.Date {
	d := s.d.Calendar.AddGDPRWorkingDays(deadline.DateIn(now), searchTermWorkingDays)
	if in := s.InternalDate(c); in.After(d) {
		d = in
	}
	if !c.DueDate.IsZero() && d.After(c.DueDate) {
		d = c.DueDate
	}
	return d
}

// systemName is the name of the task's system in lang: the register's, or the one staff gave.
func (s *core) systemName(t *request.SearchTask, lang string) string {
	if sys, ok := s.d.Profile.System(t.System); ok {
		return sys.Name.In(lang)
	}
	return t.Name
}

// searchPrep is what a staff action reads before its transaction for the search tasks: which
// owners have had a task letter before (the first one says what Privacyloket is).
type searchPrep struct {
	introduced map[string]bool // by pseudonym of the owner's address
}

// prepareSearches reads, for verify_identity, which of the owners the case would task have had
// a task letter before. It costs one read of the case and one of the owners.
func (s *Casework) prepareSearches(ctx context.Context, ref string, in StaffInput) (*searchPrep, error) {
	p := &searchPrep{introduced: map[string]bool{}}
	if in.Action != request.ActVerifyIdentity || len(s.d.Profile.Systems) == 0 {
		return p, nil
	}
	c, err := s.d.Cases.Case(ctx, ref)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, sys := range s.d.Profile.SystemsFor(string(c.Type)) {
		for _, o := range sys.Owners {
			if k := s.pseudonym(strings.ToLower(o)); !slices.Contains(keys, k) {
				keys = append(keys, k) // an owner of two systems is looked up once
			}
		}
	}
	if len(keys) == 0 {
		return p, nil
	}
	if p.introduced, err = s.d.Tasks.OwnersIntroduced(ctx, keys); err != nil {
		return nil, err
	}
	return p, nil
}

// searchesAllow refuses, before anything changes, a grant or partial grant while a search task
// is open (docs/contract.md §3): 409 searches_open.
func searchesAllow(c *request.Case, in StaffInput) error {
	if in.Action != request.ActDecide || in.Outcome == request.Refused {
		return nil
	}
	if c.OpenSearches(request.PhaseSearch) > 0 {
		return &NotAllowedError{Reason: "searches_open"}
	}
	return nil
}

// searchesOn brings the tasks in step with a staff action on c, given the letters the action
// writes, and returns the letters to write: identity first established starts the search; a
// grant of a change gives each system that holds data a carry-out task and holds the decision's
// letters until they are answered (carryout.go); a case that ends otherwise (a refusal, a
// withdrawal) cancels the open tasks and tells their owners.
func (s *core) searchesOn(c *request.Case, in StaffInput, p *searchPrep, letters []*outbox.Letter, now time.Time) []*outbox.Letter {
	switch in.Action {
	case request.ActVerifyIdentity:
		return append(letters, s.startSearches(c, p, now)...)
	case request.ActWithdraw:
		return append(letters, s.cancelSearches(c, now)...)
	case request.ActDecide:
		if in.Outcome == request.Refused {
			return append(letters, s.cancelSearches(c, now)...)
		}
		s.nameSearched(c, letters)
		return s.startCarryOut(c, letters, now)
	}
	return letters
}

// nameSearched adds to an access decision the systems searched with their retention and actual
// recipients (the README of the package names them too).
func (s *core) nameSearched(c *request.Case, letters []*outbox.Letter) {
	if c.Type != request.Access {
		return
	}
	var systems []letter.SystemInfo
	for i := range c.Searches {
		t := &c.Searches[i]
		sys, ok := s.d.Profile.System(t.System)
		if t.Phase != request.PhaseSearch || t.State == request.TaskCancelled || !ok || t.Name != "" {
			continue
		}
		info := letter.SystemInfo{Name: sys.Name.In(c.Lang), Retention: sys.Retention.In(c.Lang)}
		if t.State == request.TaskWaived {
			info.NotSearched = t.Reason // staff waived it: the letter does not say it was searched
		}
		for _, r := range sys.Recipients {
			info.Recipients = append(info.Recipients, r.In(c.Lang))
		}
		systems = append(systems, info)
	}
	for _, l := range letters {
		if l.Kind == letter.Decision && len(systems) > 0 {
			l.Data.Search = &letter.SearchInfo{Searched: systems}
		}
	}
}

// startSearches makes one task per system of the register searched for c's type, the first
// time identity is established (re-entering in_progress later makes none), and writes each
// owner a search_task letter.
func (s *core) startSearches(c *request.Case, p *searchPrep, now time.Time) []*outbox.Letter {
	if len(c.Searches) > 0 || !request.Searchable(c.Type) {
		return nil
	}
	var out []*outbox.Letter
	due := s.searchDue(c, now)
	for _, sys := range s.d.Profile.SystemsFor(string(c.Type)) {
		c.Searches = append(c.Searches, request.SearchTask{ID: sys.ID, System: sys.ID, Owners: slices.Clone(sys.Owners),
			Phase: request.PhaseSearch, State: request.TaskOpen, CreatedAt: now, DueDate: due})
		t := &c.Searches[len(c.Searches)-1]
		for _, o := range t.Owners {
			l := s.taskLetter(c, t, o, letter.SearchTask, "", now)
			if key := s.pseudonym(strings.ToLower(o)); p != nil && !p.introduced[key] {
				// The owner's first task letter: only one of this batch explains Privacyloket,
				// and not to the staff and the privacy officer, who work with it.
				l.Data.Search.FirstTask, p.introduced[key] = s.holder(o) == "", true
			}
			out = append(out, l)
		}
	}
	return out
}

// cancelSearches closes every open task of c and tells its owners that no answer is needed.
func (s *core) cancelSearches(c *request.Case, now time.Time) []*outbox.Letter {
	var out []*outbox.Letter
	for i := range c.Searches {
		t := &c.Searches[i]
		if t.State != request.TaskOpen {
			continue
		}
		t.State = request.TaskCancelled
		for _, o := range t.Owners {
			out = append(out, s.taskLetter(c, t, o, letter.SearchCancelled, "", now))
		}
	}
	return out
}

// taskLetter is a letter about task t to owner, in staff's language, with a personal task link
// for every kind but search_cancelled. disc tells apart letters of one kind to one owner.
func (s *core) taskLetter(c *request.Case, t *request.SearchTask, owner string, kind letter.Kind, disc string, now time.Time) *outbox.Letter {
	l := s.newLetter(c, kind, owner, t.ID+"|"+disc, now)
	l.Lang = staffLang
	l.Data.RecipientName, l.Data.Representative = "", nil
	info := &letter.SearchInfo{System: t.System, SystemName: s.systemName(t, l.Lang), DueDate: t.DueDate}
	if sys, ok := s.d.Profile.System(t.System); ok && kind == letter.SearchTask {
		info.Holds = sys.Holds.In(l.Lang)
	}
	l.Data.Search = info
	if kind == letter.SearchCancelled {
		return l
	}
	l.DueDate = t.DueDate // custom_args.dueDate: the task's own (docs/contract.md §3)
	until := s.taskLinkExpiry(c)
	l.Links = append(l.Links, outbox.Link{Key: letter.LinkSearch, Function: "SearchTask", Claims: linktoken.Claims{
		Purpose: linktoken.Search, Reference: c.Reference, Subject: owner, Scope: t.ID,
		Expires: until.Unix(), Issued: now.UnixMilli(), Generation: c.LinkGeneration}})
	l.Data.LinksExpire = deadline.DateIn(until.Add(-time.Second))
	return l
}

// taskLinkExpiry is when a task link made now stops: the end of the case's due date plus
// taskLinkGraceDays.
func (s *core) taskLinkExpiry(c *request.Case) time.Time {
	return deadline.StartOfDay(c.DueDate.AddDays(taskLinkGraceDays + 1))
}

// markIntroduced records, after a change committed, the owners whose first task letter it wrote.
// A failure only means an owner may be told twice what Privacyloket is: it is logged.
func (s *core) markIntroduced(ctx context.Context, letters []*outbox.Letter, now time.Time) {
	var keys []string
	for _, l := range letters {
		if l.Kind == letter.SearchTask && l.Data.Search != nil && l.Data.Search.FirstTask {
			keys = append(keys, s.pseudonym(strings.ToLower(l.To)))
		}
	}
	if len(keys) == 0 {
		return
	}
	if err := s.d.Tasks.MarkOwnersIntroduced(ctx, keys, now); err != nil {
		s.d.Logger.ErrorContext(ctx, "record owners introduced failed", "error", err)
	}
}

// dropExtracts deletes a finished case's extracts once nothing needs them: at once for a case
// that ends without an access package, with the package otherwise (the Tick, planSearches).
func (s *core) dropExtracts(ctx context.Context, c *request.Case) {
	if !c.Status.Finished() || c.Result != nil || !hasExtracts(c) {
		return
	}
	if err := s.d.Tasks.DeleteExtracts(ctx, c.Reference); err != nil {
		s.d.Logger.ErrorContext(ctx, "delete extracts failed; their TTL removes them", "reference", c.Reference, "error", err)
	}
}

func hasExtracts(c *request.Case) bool {
	for _, t := range c.Searches {
		if len(t.Extracts) > 0 {
			return true
		}
	}
	return false
}

// taskHolder checks that holder may answer task t of c now: the link is of the case's current
// generation, the holder is one of the task's owners and, for a registered system, still one of
// its owners in the register (taking an owner out of the register revokes their links).
func (s *Casework) taskHolder(c *request.Case, t *request.SearchTask, holder string, generation int) error {
	if t == nil {
		return ErrNotFound
	}
	if !(linktoken.Claims{Generation: generation}).Current(c.LinkGeneration) {
		return ErrLinkRevoked
	}
	if !slices.ContainsFunc(t.Owners, func(o string) bool { return strings.EqualFold(o, holder) }) {
		return ErrLinkRevoked
	}
	if sys, ok := s.d.Profile.System(t.System); ok && t.Name == "" && !t.Reassigned && !sys.IsOwner(holder) {
		return ErrLinkRevoked
	}
	return nil
}

// registered reports whether id names a system of the register.
func (s *Casework) registered(id string) (policy.System, bool) { return s.d.Profile.System(id) }
