package storetest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

func submitStores(t *testing.T, s Subject) {
	c := fullCase("PL-SUB-1")
	l1, l2 := newLetter(c.Reference, letter.Receipt, t0), newLetter(c.Reference, letter.ConfirmEmail, t0)
	l1.RetainUntil, l2.RetainUntil = c.RetainUntil, c.RetainUntil // a letter lives as long as its case
	ch := app.Change{Letters: []*outbox.Letter{l1, l2}, Events: []request.Event{
		{At: t0, Actor: "requester", Action: "submitted", Detail: "access"},
		{At: t0, Actor: "system", Action: "second"},
	}}
	if err := s.Submit(ctx, c, ch, nil); err != nil {
		t.Fatal(err)
	}
	if c.Version != 1 {
		t.Errorf("Submit left Version %d, want 1", c.Version)
	}
	got := mustCase(t, s, c.Reference)
	if d := cmp.Diff(c, got); d != "" {
		t.Errorf("case round trip (-stored +read):\n%s", d)
	}
	// The store holds its own copy: changing what was read changes nothing stored.
	got.Subject.Name, got.Decision.Recipients[0] = "changed", "changed"
	if again := mustCase(t, s, c.Reference); again.Subject.Name != "Carla Contract" || again.Decision.Recipients[0] != "a@b.test" {
		t.Error("a read case shares memory with the store")
	}
	events, err := s.Events(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(ch.Events, events); d != "" {
		t.Errorf("events (-written +read):\n%s", d)
	}
	letters := mustLetters(t, s, c.Reference)
	want := []*outbox.Letter{l1, l2}
	if l2.ID < l1.ID {
		want = []*outbox.Letter{l2, l1}
	}
	if d := cmp.Diff(want, letters); d != "" {
		t.Errorf("letters, in id order (-written +read):\n%s", d)
	}
	if ls := mustLetters(t, s, "PL-NONE"); len(ls) != 0 {
		t.Errorf("letters of an absent case: %d", len(ls))
	}
	if evs, err := s.Events(ctx, "PL-NONE"); err != nil || len(evs) != 0 {
		t.Errorf("events of an absent case: %v %v", evs, err)
	}
	if _, err := s.Case(ctx, "PL-NONE"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("absent case: %v, want ErrNotFound", err)
	}
}

func submitExists(t *testing.T, s Subject) {
	c := newCase("PL-EXISTS")
	submit(t, s, c, newLetter(c.Reference, letter.ConfirmEmail, t0))
	again := newCase("PL-EXISTS")
	again.Subject.Name = "Someone Else"
	limit := []app.Limit{{Key: "k", Max: 5, Window: time.Hour}}
	err := s.Submit(ctx, again, app.Change{Events: []request.Event{{At: t0, Actor: "requester", Action: "again"}}}, limit)
	if !errors.Is(err, app.ErrExists) {
		t.Fatalf("second Submit: %v, want ErrExists", err)
	}
	if got := mustCase(t, s, c.Reference); got.Subject.Name != "Carla" {
		t.Error("a refused Submit overwrote the case")
	}
	if evs, _ := s.Events(ctx, c.Reference); len(evs) != 1 {
		t.Errorf("a refused Submit wrote events: %d, want 1", len(evs))
	}
	// The refused submission did not count: the limit of one still lets one through.
	one := []app.Limit{{Key: "k", Max: 1, Window: time.Hour}}
	if err := s.Submit(ctx, newCase("PL-EXISTS-2"), app.Change{}, one); err != nil {
		t.Errorf("Submit after a refused one: %v", err)
	}
	// A letter id that is taken refuses the whole submission as well.
	other := newCase("PL-EXISTS-3")
	err = s.Submit(ctx, other, app.Change{Letters: []*outbox.Letter{newLetter(c.Reference, letter.ConfirmEmail, t0)}}, nil)
	if !errors.Is(err, app.ErrExists) {
		t.Errorf("Submit with a taken letter id: %v, want ErrExists", err)
	}
	if _, err := s.Case(ctx, other.Reference); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("case of a refused Submit: %v, want ErrNotFound", err)
	}
}

func instants(t *testing.T, s Subject) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 27, 10, 0, 0, 123456789, ams)
	c := newCase("PL-TIME")
	c.SubmittedAt, c.UpdatedAt, c.NextActionAt = at, at, at
	submit(t, s, c)
	got := mustCase(t, s, c.Reference)
	want := at.Truncate(time.Microsecond).UTC()
	for name, v := range map[string]time.Time{"SubmittedAt": got.SubmittedAt, "UpdatedAt": got.UpdatedAt, "NextActionAt": got.NextActionAt} {
		if v != want {
			t.Errorf("%s = %s (%s), want %s in UTC", name, v, v.Location(), want)
		}
	}
	if !got.ConfirmedAt.IsZero() || !got.ClosedAt.IsZero() {
		t.Errorf("zero instants came back as %s, %s", got.ConfirmedAt, got.ClosedAt)
	}
}

func update(t *testing.T, s Subject) {
	c := newCase("PL-UPD")
	l := newLetter(c.Reference, letter.ConfirmEmail, t0)
	submit(t, s, c, l)
	if err := s.PutIDCopy(ctx, c.Reference, []byte("sealed"), "image/jpeg", t0.AddDate(0, 0, 30)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimLetter(ctx, l.ID, t0, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishLetter(ctx, l.ID, outbox.Sent, t0, ""); err != nil {
		t.Fatal(err)
	}
	receipt := newLetter(c.Reference, letter.Receipt, t0.Add(time.Hour))
	got, err := s.Update(ctx, c.Reference, func(c *request.Case) (app.Change, error) {
		c.Status = request.InProgress
		c.UpdatedAt = t0.Add(time.Hour)
		return app.Change{
			// The confirm letter again: it exists, so it is not written again (still sent).
			Letters:      []*outbox.Letter{newLetter(c.Reference, letter.ConfirmEmail, t0), receipt},
			Events:       []request.Event{{At: t0.Add(time.Hour), Actor: "requester", Action: "confirmed"}},
			DeleteIDCopy: true,
		}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || got.Status != request.InProgress {
		t.Errorf("Update returned version %d status %s, want 2 in_progress", got.Version, got.Status)
	}
	stored := mustCase(t, s, c.Reference)
	if stored.Version != 2 || stored.Status != request.InProgress || !stored.UpdatedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("stored case: version %d status %s updated %s", stored.Version, stored.Status, stored.UpdatedAt)
	}
	events, _ := s.Events(ctx, c.Reference)
	if len(events) != 2 || events[0].Action != "submitted" || events[1].Action != "confirmed" {
		t.Errorf("events = %+v, want submitted then confirmed", events)
	}
	for _, x := range mustLetters(t, s, c.Reference) {
		switch x.ID {
		case l.ID:
			if x.Status != outbox.Sent {
				t.Errorf("a repeated letter was written again: status %s", x.Status)
			}
		case receipt.ID:
			if x.Status != outbox.Pending {
				t.Errorf("new letter status %s", x.Status)
			}
		default:
			t.Errorf("unexpected letter %s", x.ID)
		}
	}
	if _, _, err := s.IDCopy(ctx, c.Reference); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("ID copy after a change that deletes it: %v, want ErrNotFound", err)
	}
	if _, err := s.Update(ctx, "PL-NONE", func(*request.Case) (app.Change, error) { return app.Change{}, nil }); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("Update of an absent case: %v, want ErrNotFound", err)
	}
}

func updateError(t *testing.T, s Subject) {
	c := newCase("PL-UPDERR")
	submit(t, s, c)
	boom := errors.New("boom")
	got, err := s.Update(ctx, c.Reference, func(c *request.Case) (app.Change, error) {
		c.Status = request.Closed
		return app.Change{Events: []request.Event{{At: t0, Actor: "x", Action: "y"}}}, boom
	})
	if err != boom {
		t.Fatalf("Update = %v, want fn's error as is", err)
	}
	if got == nil || got.Status != request.Closed {
		t.Errorf("Update returned %+v, want the case as fn left it", got)
	}
	stored := mustCase(t, s, c.Reference)
	if stored.Version != 1 || stored.Status != request.AwaitingConfirmation {
		t.Errorf("an aborted Update changed the case: version %d status %s", stored.Version, stored.Status)
	}
	if evs, _ := s.Events(ctx, c.Reference); len(evs) != 1 {
		t.Errorf("an aborted Update wrote events: %d", len(evs))
	}
}

func concurrentUpdates(t *testing.T, s Subject) {
	c := newCase("PL-CONC")
	submit(t, s, c)
	const n = 2
	// Each update's first run waits (a while at most) until both have read the case, so that
	// both start from the same version and one must run again on what the other wrote.
	var loaded sync.WaitGroup
	loaded.Add(n)
	bothLoaded := make(chan struct{})
	go func() { loaded.Wait(); close(bothLoaded) }()
	var wg sync.WaitGroup
	var runs atomic.Int32
	errs := make(chan error, n)
	for i := range n {
		var first sync.Once
		wg.Go(func() {
			_, err := s.Update(ctx, c.Reference, func(c *request.Case) (app.Change, error) {
				runs.Add(1)
				first.Do(func() {
					loaded.Done()
					select {
					case <-bothLoaded:
					case <-time.After(2 * time.Second):
					}
				})
				c.SuspendedDays++
				return app.Change{Events: []request.Event{{At: t0, Actor: "system", Action: request.Action(fmt.Sprint("update-", i))}}}, nil
			})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent Update: %v", err)
		}
	}
	t.Logf("%d updates ran their function %d times", n, runs.Load())
	got := mustCase(t, s, c.Reference)
	if got.SuspendedDays != n || got.Version != 1+n {
		t.Errorf("after %d concurrent updates: SuspendedDays %d version %d, want %d and %d (none lost)", n, got.SuspendedDays, got.Version, n, 1+n)
	}
	if evs, _ := s.Events(ctx, c.Reference); len(evs) != 1+n {
		t.Errorf("events = %d, want %d (one per committed attempt)", len(evs), 1+n)
	}
}

func dueCases(t *testing.T, s Subject) {
	at := func(ref string, next time.Time) {
		c := newCase(ref)
		c.NextActionAt = next
		submit(t, s, c)
	}
	at("PL-DUE-C", t0.Add(-time.Hour))
	at("PL-DUE-A", t0.Add(-2*time.Hour))
	at("PL-DUE-B", t0.Add(-time.Hour))
	at("PL-DUE-NOW", t0)
	at("PL-DUE-LATER", t0.Add(time.Microsecond))
	at("PL-DUE-NEVER", time.Time{})
	refs, err := s.DueCases(ctx, t0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"PL-DUE-A", "PL-DUE-B", "PL-DUE-C", "PL-DUE-NOW"}, refs); d != "" {
		t.Errorf("due cases, oldest first (-want +got):\n%s", d)
	}
	refs, _ = s.DueCases(ctx, t0, 2)
	if d := cmp.Diff([]string{"PL-DUE-A", "PL-DUE-B"}, refs); d != "" {
		t.Errorf("due cases, max 2 (-want +got):\n%s", d)
	}
	if refs, _ := s.DueCases(ctx, t0.Add(-3*time.Hour), 10); len(refs) != 0 {
		t.Errorf("nothing due yet: %v", refs)
	}
}

func deleteCase(t *testing.T, s Subject) {
	for _, keep := range []bool{true, false} {
		c := newCase(fmt.Sprintf("PL-DEL-%v", keep))
		submit(t, s, c, newLetter(c.Reference, letter.ConfirmEmail, t0), newLetter(c.Reference, letter.Receipt, t0))
		other := newCase(c.Reference + "-OTHER")
		submit(t, s, other, newLetter(other.Reference, letter.ConfirmEmail, t0))
		if err := s.PutIDCopy(ctx, c.Reference, []byte("id"), "image/png", t0.AddDate(0, 0, 30)); err != nil {
			t.Fatal(err)
		}
		if err := s.PutAccessPackage(ctx, c.Reference, "k1", []byte("zip"), t0.AddDate(0, 0, 30)); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteCase(ctx, c.Reference, keep); err != nil {
			t.Fatal(err)
		}
		_, err := s.Case(ctx, c.Reference)
		if keep && err != nil {
			t.Errorf("keepCase: case gone: %v", err)
		}
		if !keep && !errors.Is(err, app.ErrNotFound) {
			t.Errorf("case after DeleteCase: %v, want ErrNotFound", err)
		}
		if ls := mustLetters(t, s, c.Reference); len(ls) != 0 {
			t.Errorf("keep %v: %d letters left", keep, len(ls))
		}
		if evs, _ := s.Events(ctx, c.Reference); len(evs) != 0 {
			t.Errorf("keep %v: %d events left", keep, len(evs))
		}
		if _, _, err := s.IDCopy(ctx, c.Reference); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("keep %v: ID copy left: %v", keep, err)
		}
		if _, err := ReadChunks(s.AccessPackage(ctx, c.Reference, "k1")); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("keep %v: access package left: %v", keep, err)
		}
		if ls := mustLetters(t, s, other.Reference); len(ls) != 1 {
			t.Errorf("another case lost its letters: %d", len(ls))
		}
	}
	if err := s.DeleteCase(ctx, "PL-NONE", false); err != nil {
		t.Errorf("deleting an absent case: %v", err)
	}
}

// retention: a case's events and letters carry the case's RetainUntil as their TTL, whatever
// the change or the letter says, and follow it when a change moves it.
func retention(t *testing.T, s Subject) {
	c := newCase("PL-RETAIN")
	confirm := newLetter(c.Reference, letter.ConfirmEmail, t0)
	confirm.RetainUntil = t0.Add(time.Hour) // ignored: the case's retention counts
	ch := app.Change{Letters: []*outbox.Letter{confirm}, Events: []request.Event{{At: t0, Actor: "requester", Action: "submitted"}}}
	if err := s.Submit(ctx, c, ch, nil); err != nil {
		t.Fatal(err)
	}
	other := newCase("PL-RETAIN-OTHER")
	submit(t, s, other, newLetter(other.Reference, letter.ConfirmEmail, t0))
	check := func(when string, want time.Time) {
		t.Helper()
		for _, l := range mustLetters(t, s, c.Reference) {
			if !l.RetainUntil.Equal(want) {
				t.Errorf("%s: letter %s retained until %s, want %s (the case's)", when, l.Kind, l.RetainUntil, want)
			}
		}
		exp, err := s.EventsExpireAt(ctx, c.Reference)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range exp {
			if !e.Equal(want) {
				t.Errorf("%s: event %d expires at %s, want %s (the case's)", when, i, e, want)
			}
		}
	}
	check("after Submit", c.RetainUntil)

	// A change that keeps the retention writes its parts with it.
	if _, err := s.Update(ctx, c.Reference, func(c *request.Case) (app.Change, error) {
		c.Status = request.InProgress
		return app.Change{Letters: []*outbox.Letter{newLetter(c.Reference, letter.Receipt, t0)},
			Events: []request.Event{{At: t0, Actor: "requester", Action: "confirmed"}}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	check("after an Update that keeps it", c.RetainUntil)

	// Deciding keeps the case for years: every earlier event and letter is kept as long.
	years := t0.AddDate(2, 0, 0)
	if _, err := s.Update(ctx, c.Reference, func(c *request.Case) (app.Change, error) {
		c.Status, c.RetainUntil = request.Decided, years
		return app.Change{Letters: []*outbox.Letter{newLetter(c.Reference, letter.Decision, t0)},
			Events: []request.Event{{At: t0, Actor: "staff@corp.test", Action: "decided"}}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	check("after an Update that moves it", years)
	if n := len(mustLetters(t, s, c.Reference)); n != 3 {
		t.Errorf("letters = %d, want 3", n)
	}
	if exp, _ := s.EventsExpireAt(ctx, c.Reference); len(exp) != 3 {
		t.Errorf("events = %d, want 3", len(exp))
	}
	// Another case keeps its own.
	for _, l := range mustLetters(t, s, other.Reference) {
		if !l.RetainUntil.Equal(other.RetainUntil) {
			t.Errorf("another case's letter moved to %s", l.RetainUntil)
		}
	}
	// An aborted change moves nothing.
	boom := errors.New("boom")
	s.Update(ctx, c.Reference, func(c *request.Case) (app.Change, error) {
		c.RetainUntil = t0
		return app.Change{}, boom
	})
	check("after an aborted Update", years)
}
