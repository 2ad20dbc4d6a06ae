package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// caseParts: CaseParts gives what Case, Events and Letters give, copies the caller may change,
// and ErrNotFound for an absent case.
func caseParts(t *testing.T, s Subject) {
	c := fullCase("PL-PARTS")
	submit(t, s, c, newLetter(c.Reference, letter.ConfirmEmail, t0), newLetter(c.Reference, letter.Receipt, t0))
	if _, err := s.Update(ctx, c.Reference, func(*request.Case) (app.Change, error) {
		return app.Change{Events: []request.Event{{At: t0.Add(time.Minute), Actor: "staff@corp.test", Action: "case_viewed"}}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	wantCase, wantLetters := mustCase(t, s, c.Reference), mustLetters(t, s, c.Reference)
	wantEvents, err := s.Events(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	got, events, letters, err := s.CaseParts(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(wantCase, got); d != "" {
		t.Errorf("CaseParts' case (-Case +CaseParts):\n%s", d)
	}
	if d := cmp.Diff(wantEvents, events); d != "" || len(events) != 2 {
		t.Errorf("CaseParts' events (-Events +CaseParts):\n%s", d)
	}
	if d := cmp.Diff(wantLetters, letters); d != "" || len(letters) != 2 {
		t.Errorf("CaseParts' letters, in id order (-Letters +CaseParts):\n%s", d)
	}
	// What was read is the caller's own.
	got.Subject.Name, events[0].Action, letters[0].To = "changed", "changed", "changed"
	if _, events, letters, _ := s.CaseParts(ctx, c.Reference); events[0].Action == "changed" || letters[0].To == "changed" {
		t.Error("read parts share memory with the store")
	}
	if _, _, _, err := s.CaseParts(ctx, "PL-NONE"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("CaseParts of an absent case: %v, want ErrNotFound", err)
	}
	// The stub of an expired request has neither.
	if err := s.DeleteCase(ctx, c.Reference, true); err != nil {
		t.Fatal(err)
	}
	if _, events, letters, err := s.CaseParts(ctx, c.Reference); err != nil || len(events) != 0 || len(letters) != 0 {
		t.Errorf("CaseParts of a stub: %d events, %d letters (%v), want none", len(events), len(letters), err)
	}
}

// updateParts: UpdateParts commits as Update does and returns the case's events and letters as
// committed, the same as Events and Letters read afterwards.
func updateParts(t *testing.T, s Subject) {
	c := newCase("PL-UPDPARTS")
	sent := newLetter(c.Reference, letter.ConfirmEmail, t0)
	submit(t, s, c, sent)
	if _, err := s.ClaimLetter(ctx, sent.ID, t0, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishLetter(ctx, sent.ID, outbox.Sent, t0, ""); err != nil {
		t.Fatal(err)
	}
	// An instant finer than a microsecond comes back as stored.
	at := t0.Add(time.Hour + 789*time.Nanosecond)
	receipt := newLetter(c.Reference, letter.Receipt, at)
	got, events, letters, err := s.UpdateParts(ctx, c.Reference, func(c *request.Case) (app.Change, error) {
		c.Status = request.InProgress
		return app.Change{
			// The sent letter again: it exists, so it comes back as stored (sent), not as given.
			Letters: []*outbox.Letter{newLetter(c.Reference, letter.ConfirmEmail, t0), receipt},
			Events:  []request.Event{{At: at, Actor: "requester", Action: "confirmed"}},
		}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || got.Status != request.InProgress {
		t.Errorf("UpdateParts returned version %d status %s, want 2 in_progress", got.Version, got.Status)
	}
	if stored := mustCase(t, s, c.Reference); stored.Version != 2 || stored.Status != request.InProgress {
		t.Errorf("stored case after UpdateParts: version %d status %s", stored.Version, stored.Status)
	}
	wantParts(t, s, "UpdateParts", c.Reference, events, letters)
	if len(events) != 2 || len(letters) != 2 {
		t.Errorf("UpdateParts: %d events and %d letters, want 2 and 2", len(events), len(letters))
	}
	for _, l := range letters {
		if l.ID == sent.ID && l.Status != outbox.Sent {
			t.Errorf("UpdateParts returned the repeated letter as %s, want it as stored (sent)", l.Status)
		}
	}

	// A change with an event only: the letters come back as they were.
	got, events, letters, err = s.UpdateParts(ctx, c.Reference, func(c *request.Case) (app.Change, error) {
		c.UpdatedAt = t0.Add(2 * time.Hour)
		return app.Change{Events: []request.Event{{At: t0.Add(2 * time.Hour), Actor: "staff@corp.test", Action: "case_viewed"}}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 3 || len(events) != 3 || events[2].Action != "case_viewed" || len(letters) != 2 {
		t.Errorf("UpdateParts: version %d, events %+v, %d letters; want 3, three events with case_viewed last, 2 letters", got.Version, events, len(letters))
	}
	wantParts(t, s, "UpdateParts", c.Reference, events, letters)

	// An error from fn aborts: the case as fn left it, no parts, nothing written.
	boom := errors.New("boom")
	got, events, letters, err = s.UpdateParts(ctx, c.Reference, func(c *request.Case) (app.Change, error) {
		c.Status = request.Closed
		return app.Change{Events: []request.Event{{At: t0, Actor: "x", Action: "y"}}, Letters: []*outbox.Letter{newLetter(c.Reference, letter.Decision, t0)}}, boom
	})
	if err != boom || got == nil || got.Status != request.Closed || events != nil || letters != nil {
		t.Errorf("UpdateParts with fn's error: %v, case %+v, %d events, %d letters; want boom, the case as fn left it, no parts", err, got, len(events), len(letters))
	}
	if stored := mustCase(t, s, c.Reference); stored.Version != 3 || stored.Status != request.InProgress {
		t.Errorf("an aborted update changed the case: version %d status %s", stored.Version, stored.Status)
	}
	if evs, _ := s.Events(ctx, c.Reference); len(evs) != 3 {
		t.Errorf("an aborted update wrote events: %d, want 3", len(evs))
	}
	if ls := mustLetters(t, s, c.Reference); len(ls) != 2 {
		t.Errorf("an aborted update wrote letters: %d, want 2", len(ls))
	}

	none := func(*request.Case) (app.Change, error) { return app.Change{}, nil }
	if _, _, _, err := s.UpdateParts(ctx, "PL-NONE", none); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("UpdateParts of an absent case: %v, want ErrNotFound", err)
	}
}

// wantParts checks that events (and letters, unless nil) are what Events and Letters read now.
func wantParts(t *testing.T, s Stores, what, ref string, events []request.Event, letters []*outbox.Letter) {
	t.Helper()
	stored, err := s.Events(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(stored, events); d != "" {
		t.Errorf("%s's events (-Events after +returned):\n%s", what, d)
	}
	if letters == nil {
		return
	}
	if d := cmp.Diff(mustLetters(t, s, ref), letters); d != "" {
		t.Errorf("%s's letters (-Letters after +returned):\n%s", what, d)
	}
}

// concurrentUpdateParts: fn may run again when another update committed first; each
// UpdateParts returns the parts its own commit left, the other's included when it came first.
func concurrentUpdateParts(t *testing.T, s Subject) {
	c := newCase("PL-CONCPARTS")
	submit(t, s, c)
	const n = 2
	var loaded sync.WaitGroup
	loaded.Add(n)
	bothLoaded := make(chan struct{})
	go func() { loaded.Wait(); close(bothLoaded) }()
	type result struct {
		version int
		events  []request.Event
		letters []*outbox.Letter
		err     error
	}
	results := make(chan result, n)
	var wg sync.WaitGroup
	for i := range n {
		var first sync.Once
		wg.Go(func() {
			got, events, letters, err := s.UpdateParts(ctx, c.Reference, func(c *request.Case) (app.Change, error) {
				first.Do(func() {
					loaded.Done()
					select {
					case <-bothLoaded:
					case <-time.After(2 * time.Second):
					}
				})
				l := newLetter(c.Reference, letter.StaffCase, t0)
				l.ID = outbox.ID(testLetterKey, c.Reference, letter.StaffCase, "staff@corp.test", fmt.Sprint(i))
				return app.Change{Letters: []*outbox.Letter{l}, Events: []request.Event{{At: t0, Actor: "system", Action: request.Action(fmt.Sprint("update-", i))}}}, nil
			})
			r := result{err: err, events: events, letters: letters}
			if got != nil {
				r.version = got.Version
			}
			results <- r
		})
	}
	wg.Wait()
	close(results)
	versions := map[int]bool{}
	for r := range results {
		if r.err != nil {
			t.Errorf("concurrent UpdateParts: %v", r.err)
			continue
		}
		versions[r.version] = true
		// Version v: the submission's event and one per update committed so far.
		if len(r.events) != r.version || len(r.letters) != r.version-1 {
			t.Errorf("UpdateParts that committed version %d: %d events, %d letters; want %d and %d", r.version, len(r.events), len(r.letters), r.version, r.version-1)
		}
	}
	if !versions[2] || !versions[3] {
		t.Errorf("concurrent UpdateParts committed versions %v, want 2 and 3", versions)
	}
}
