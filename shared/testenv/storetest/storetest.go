// Package storetest is the contract every implementation of the app's stores passes: the
// Firestore adapter on the emulator (shared/firestoredb's tests) and the in-memory store
// (shared/memstore's tests). A use-case test that passes on one therefore means the same on the
// other. It is test support: only _test files import it.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cloud.google.com/go/civil"
	"github.com/google/go-cmp/cmp"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// Stores is one implementation of all the stores.
type Stores interface {
	app.CaseStore
	app.OutboxStore
	app.BlobStore
	app.DeskStore
	app.LetterQueue
}

// EventExpiries is how the contract sees the TTL a store gave a case's events; the Stores that
// Run tests must implement it (a test against Firestore reads the documents).
type EventExpiries interface {
	// EventsExpireAt lists the TTL (expireAt) of the case's events, in the order of Events.
	EventsExpireAt(ctx context.Context, ref string) ([]time.Time, error)
}

// Run runs the contract against fresh stores from newStores, one per subtest.
func Run(t *testing.T, newStores func(t *testing.T) Stores) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s Stores)
	}{
		{"SubmitStoresCaseLettersAndEvents", submitStores},
		{"SubmitRefusesATakenReference", submitExists},
		{"SubmitCountsRateLimits", rateLimits},
		{"ConcurrentSubmitsKeepTheLimit", concurrentLimits},
		{"CountWithoutACase", countLimits},
		{"ConcurrentCountsKeepTheLimit", concurrentCounts},
		{"InstantsComeBackInUTCToTheMicrosecond", instants},
		{"Update", update},
		{"UpdateErrorWritesNothing", updateError},
		{"ConcurrentUpdatesBothApply", concurrentUpdates},
		{"LetterLeases", letterLeases},
		{"OneWinnerPerLetterClaim", oneClaimWinner},
		{"ClaimCaseLetters", claimCaseLetters},
		{"OneWinnerPerCaseClaim", oneCaseClaimWinner},
		{"LettersOfNoCase", lettersOfNoCase},
		{"PendingLetters", pendingLetters},
		{"DueCases", dueCases},
		{"DeleteCase", deleteCase},
		{"Blobs", blobs},
		{"PartsLiveAsLongAsTheirCase", retention},
		{"AccessPackagesPerAttempt", accessPackages},
		{"OpenCases", openCases},
		{"CasesReceived", casesReceived},
		{"LettersToPost", lettersToPost},
		{"OneWinnerPerMarkPosted", oneMarkPostedWinner},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStores(t))
		})
	}
}

var ctx = context.Background()

// t0 is a whole microsecond in UTC, as the stores hand instants back.
var t0 = time.Date(2026, 3, 27, 9, 0, 0, 123456000, time.UTC)

func fullCase(ref string) *request.Case {
	return &request.Case{
		Reference: ref, Type: request.Access, Status: request.InProgress, Lang: "nl",
		Subject: request.Person{Name: "Carla Contract", Email: "carla@tenant.test", BirthDate: civil.Date{Year: 1980, Month: 5, Day: 17},
			Phone: "0612345678", Address: "Dorpsstraat 1"},
		Relation: "tenant", Details: "Alles", Proposed: "Jansen", Motivation: "Omdat",
		Representative: &request.Representative{Name: "Rob Rep", Email: "rob@rep.test", Capacity: "lawyer"},
		Signature:      "Carla Contract", SubmittedAt: t0, ConfirmedAt: t0.Add(time.Hour),
		Received: civil.Date{Year: 2026, Month: 3, Day: 27}, DueDate: civil.Date{Year: 2026, Month: 4, Day: 24},
		Extended: true, SuspendedDays: 3,
		Identity: request.Identity{CopyRequired: true, CopyHeld: true, CopyUploaded: t0.Add(2 * time.Hour), CopyKind: "image/jpeg",
			RequestedAt: t0.Add(time.Hour), CheckedBy: "staff@corp.test", CheckedAt: t0.Add(3 * time.Hour), DocumentType: "passport", Outcome: "verified"},
		ThirdParty: &request.ThirdParty{Name: "Derde", Email: "derde@x.test", AskedAt: t0.Add(4 * time.Hour),
			ObjectionDue: civil.Date{Year: 2026, Month: 4, Day: 10}, Answer: "agree", Comment: "ok", AnsweredAt: t0.Add(5 * time.Hour), Mask: true},
		Decision: &request.Decision{Outcome: "granted", Motivation: "m", Ground: "g", Recipients: []string{"a@b.test"},
			RecipientsNote: "n", DecidedBy: "staff@corp.test", DecidedAt: t0.Add(6 * time.Hour)},
		Result:    &request.Result{StoredAt: t0.Add(7 * time.Hour), ExpiresAt: t0.Add(30 * 24 * time.Hour), Size: 42, Downloads: 1, Key: "k1"},
		ClosedAt:  t0.Add(8 * time.Hour),
		UpdatedAt: t0.Add(8 * time.Hour), NextActionAt: t0.Add(24 * time.Hour), RetainUntil: t0.AddDate(1, 0, 0),
		LinkGeneration: 2, TickFailures: 1,
	}
}

// newCase is a small fresh case.
func newCase(ref string) *request.Case {
	return &request.Case{Reference: ref, Type: request.Access, Status: request.AwaitingConfirmation, Lang: "nl",
		Subject: request.Person{Name: "Carla", Email: "carla@tenant.test"}, SubmittedAt: t0, UpdatedAt: t0,
		NextActionAt: t0.Add(24 * time.Hour), RetainUntil: t0.AddDate(0, 0, 8)}
}

func newLetter(ref string, kind letter.Kind, created time.Time) *outbox.Letter {
	return &outbox.Letter{
		ID: outbox.ID(ref, kind, "carla@tenant.test", ""), Reference: ref, Kind: kind, Lang: "nl", To: "carla@tenant.test",
		Data:    letter.Data{Reference: ref, RecipientName: "Carla", RequestType: "access", DueDate: civil.Date{Year: 2026, Month: 4, Day: 24}},
		Links:   []outbox.Link{{Key: "confirm", Function: "ConfirmRequest", Claims: linktoken.Claims{Purpose: linktoken.Confirm, Reference: ref, Expires: 99}}},
		DueDate: civil.Date{Year: 2026, Month: 4, Day: 24}, Status: outbox.Pending, CreatedAt: created, RetainUntil: t0.AddDate(0, 0, 8),
	}
}

func submit(t *testing.T, s Stores, c *request.Case, letters ...*outbox.Letter) {
	t.Helper()
	ch := app.Change{Letters: letters, Events: []request.Event{{At: c.SubmittedAt, Actor: "requester", Action: "submitted", Detail: "access"}},
		RetainUntil: c.RetainUntil}
	if err := s.Submit(ctx, c, ch, nil); err != nil {
		t.Fatalf("Submit(%s): %v", c.Reference, err)
	}
}

func mustCase(t *testing.T, s Stores, ref string) *request.Case {
	t.Helper()
	c, err := s.Case(ctx, ref)
	if err != nil {
		t.Fatalf("Case(%s): %v", ref, err)
	}
	return c
}

func mustLetters(t *testing.T, s Stores, ref string) []*outbox.Letter {
	t.Helper()
	ls, err := s.Letters(ctx, ref)
	if err != nil {
		t.Fatalf("Letters(%s): %v", ref, err)
	}
	return ls
}

func submitStores(t *testing.T, s Stores) {
	c := fullCase("PL-SUB-1")
	l1, l2 := newLetter(c.Reference, letter.Receipt, t0), newLetter(c.Reference, letter.ConfirmEmail, t0)
	l1.RetainUntil, l2.RetainUntil = c.RetainUntil, c.RetainUntil // a letter lives as long as its case
	ch := app.Change{Letters: []*outbox.Letter{l1, l2}, RetainUntil: c.RetainUntil, Events: []request.Event{
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

func submitExists(t *testing.T, s Stores) {
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

func rateLimits(t *testing.T, s Stores) {
	now := time.Date(2026, 3, 27, 10, 20, 0, 0, time.UTC)
	limits := []app.Limit{{Key: "ip-x", Max: 5, Window: time.Hour}, {Key: "mail-y", Max: 2, Window: time.Hour}}
	for i := range 2 {
		c := newCase(fmt.Sprintf("PL-RATE-%d", i))
		c.SubmittedAt = now
		if err := s.Submit(ctx, c, app.Change{}, limits); err != nil {
			t.Fatalf("submission %d: %v", i, err)
		}
	}
	// Reading the counters counts nothing: it says what Submit would say.
	var rl *app.RateLimitedError
	for range 3 {
		if err := s.Limited(ctx, limits, now); !errors.As(err, &rl) || rl.RetryAfter != 40*time.Minute {
			t.Fatalf("Limited at the limit: %v, want *RateLimitedError of 40m", err)
		}
	}
	if err := s.Limited(ctx, limits[:1], now); err != nil {
		t.Errorf("Limited under the limit: %v (reading must not count)", err)
	}
	if err := s.Limited(ctx, limits, now.Add(40*time.Minute)); err != nil {
		t.Errorf("Limited in the next window: %v", err)
	}
	c := newCase("PL-RATE-2")
	c.SubmittedAt = now
	err := s.Submit(ctx, c, app.Change{}, limits)
	if !errors.As(err, &rl) {
		t.Fatalf("third submission: %v, want *RateLimitedError", err)
	}
	if rl.RetryAfter != 40*time.Minute {
		t.Errorf("RetryAfter = %s, want 40m (the end of the hour window)", rl.RetryAfter)
	}
	if _, err := s.Case(ctx, c.Reference); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("a rate-limited case was stored: %v", err)
	}
	// Another key, or the next window, is not limited.
	c.SubmittedAt = now.Add(40 * time.Minute)
	if err := s.Submit(ctx, c, app.Change{}, limits); err != nil {
		t.Errorf("submission in the next window: %v", err)
	}
	d := newCase("PL-RATE-3")
	d.SubmittedAt = now
	if err := s.Submit(ctx, d, app.Change{}, []app.Limit{{Key: "ip-x", Max: 5, Window: time.Hour}}); err != nil {
		t.Errorf("submission under another key's limit: %v", err)
	}
}

// Submissions that race for the last place under a limit: exactly one gets it.
func concurrentLimits(t *testing.T, s Stores) {
	now := time.Date(2026, 3, 27, 10, 20, 0, 0, time.UTC)
	limits := []app.Limit{{Key: "mail-race", Max: 1, Window: time.Hour}}
	var n atomic.Int32
	errLimited := errors.New("rate limited")
	oneWinner(t, 5, "Submit under a limit of one", errLimited, func() error {
		c := newCase(fmt.Sprintf("PL-RACE-%d", n.Add(1)))
		c.SubmittedAt = now
		err := s.Submit(ctx, c, app.Change{}, limits)
		var rl *app.RateLimitedError
		if errors.As(err, &rl) {
			return errLimited
		}
		return err
	})
}

// Count counts attempts that store no case, against the same counters as Submit.
func countLimits(t *testing.T, s Stores) {
	now := time.Date(2026, 3, 27, 10, 20, 0, 0, time.UTC)
	limits := []app.Limit{{Key: "count-ip", Max: 2, Window: time.Hour}, {Key: "count-other", Max: 9, Window: time.Hour}}
	for i := range 2 {
		if err := s.Count(ctx, limits, now); err != nil {
			t.Fatalf("count %d: %v", i+1, err)
		}
	}
	var rl *app.RateLimitedError
	if err := s.Count(ctx, limits, now); !errors.As(err, &rl) || rl.RetryAfter != 40*time.Minute {
		t.Fatalf("third count: %v, want *RateLimitedError of 40m", err)
	}
	// The refused count counted nothing, under any of its limits: seven more fit under the other.
	for i := range 7 {
		if err := s.Count(ctx, limits[1:], now); err != nil {
			t.Fatalf("count %d under the other limit: %v", i+1, err)
		}
	}
	if err := s.Count(ctx, limits[1:], now); !errors.As(err, &rl) {
		t.Errorf("tenth count under a limit of 9: %v, want *RateLimitedError", err)
	}
	// Counts and submissions share their counters.
	c := newCase("PL-COUNT-1")
	c.SubmittedAt = now
	if err := s.Submit(ctx, c, app.Change{}, limits[:1]); !errors.As(err, &rl) {
		t.Errorf("a submission after two counts under a limit of 2: %v, want *RateLimitedError", err)
	}
	if err := s.Count(ctx, limits, now.Add(40*time.Minute)); err != nil {
		t.Errorf("count in the next window: %v", err)
	}
	if err := s.Count(ctx, nil, now); err != nil {
		t.Errorf("count under no limit: %v", err)
	}
}

// Counts that race for the last place under a limit: exactly one gets it.
func concurrentCounts(t *testing.T, s Stores) {
	now := time.Date(2026, 3, 27, 10, 20, 0, 0, time.UTC)
	limits := []app.Limit{{Key: "count-race", Max: 1, Window: time.Hour}}
	errLimited := errors.New("rate limited")
	oneWinner(t, 5, "Count under a limit of one", errLimited, func() error {
		err := s.Count(ctx, limits, now)
		var rl *app.RateLimitedError
		if errors.As(err, &rl) {
			return errLimited
		}
		return err
	})
}

func instants(t *testing.T, s Stores) {
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

func update(t *testing.T, s Stores) {
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
			DeleteIDCopy: true, RetainUntil: c.RetainUntil,
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

func updateError(t *testing.T, s Stores) {
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

func concurrentUpdates(t *testing.T, s Stores) {
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
				return app.Change{Events: []request.Event{{At: t0, Actor: "system", Action: fmt.Sprint("update-", i)}}}, nil
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

func letterLeases(t *testing.T, s Stores) {
	c := newCase("PL-LEASE")
	l := newLetter(c.Reference, letter.ConfirmEmail, t0)
	submit(t, s, c, l)
	if _, err := s.ClaimLetter(ctx, "absent", t0, t0.Add(time.Minute)); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("claim of an absent letter: %v, want ErrNotFound", err)
	}
	got, err := s.ClaimLetter(ctx, l.ID, t0, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != outbox.Sending || got.Attempts != 1 || !got.LeaseUntil.Equal(t0.Add(time.Minute)) || !got.AttemptedAt.Equal(t0) ||
		got.To != l.To || got.Data.RecipientName != "Carla" || len(got.Links) != 1 {
		t.Errorf("claimed letter: %+v", got)
	}
	if _, err := s.ClaimLetter(ctx, l.ID, t0.Add(59*time.Second), t0.Add(2*time.Minute)); !errors.Is(err, app.ErrLeased) {
		t.Errorf("claim within the lease: %v, want ErrLeased", err)
	}
	// A sender that died: its lease runs out and another may claim.
	got, err = s.ClaimLetter(ctx, l.ID, t0.Add(time.Minute), t0.Add(2*time.Minute))
	if err != nil || got.Attempts != 2 {
		t.Fatalf("claim after the lease: %v (attempts %d)", err, got.Attempts)
	}
	// A transient failure puts it back.
	if err := s.FinishLetter(ctx, l.ID, outbox.Pending, t0.Add(time.Minute), "503"); err != nil {
		t.Fatal(err)
	}
	ls := mustLetters(t, s, c.Reference)
	if ls[0].Status != outbox.Pending || ls[0].LastError != "503" || !ls[0].LeaseUntil.IsZero() || !ls[0].SentAt.IsZero() {
		t.Errorf("after a transient failure: %+v", ls[0])
	}
	if _, err := s.ClaimLetter(ctx, l.ID, t0.Add(90*time.Second), t0.Add(3*time.Minute)); err != nil {
		t.Fatalf("claim after a transient failure: %v", err)
	}
	if err := s.FinishLetter(ctx, l.ID, outbox.Sent, t0.Add(2*time.Minute), ""); err != nil {
		t.Fatal(err)
	}
	ls = mustLetters(t, s, c.Reference)
	if ls[0].Status != outbox.Sent || !ls[0].SentAt.Equal(t0.Add(2*time.Minute)) || ls[0].LastError != "" || ls[0].Attempts != 3 {
		t.Errorf("after sending: %+v", ls[0])
	}
	if _, err := s.ClaimLetter(ctx, l.ID, t0.Add(time.Hour), t0.Add(2*time.Hour)); !errors.Is(err, app.ErrAlreadySent) {
		t.Errorf("claim of a sent letter: %v, want ErrAlreadySent", err)
	}
	// Failed for good is final as well.
	f := newLetter(c.Reference, letter.Receipt, t0)
	if _, err := s.Update(ctx, c.Reference, func(*request.Case) (app.Change, error) {
		return app.Change{Letters: []*outbox.Letter{f}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimLetter(ctx, f.ID, t0, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishLetter(ctx, f.ID, outbox.Failed, t0, "400 bad address"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimLetter(ctx, f.ID, t0.Add(time.Hour), t0.Add(2*time.Hour)); !errors.Is(err, app.ErrAlreadySent) {
		t.Errorf("claim of a failed letter: %v, want ErrAlreadySent", err)
	}
	if err := s.FinishLetter(ctx, "absent", outbox.Sent, t0, ""); err != nil {
		t.Errorf("finishing a deleted letter: %v, want nil", err)
	}
}

// A letter that belongs to no case (the decree-days warning) is queued once and then claimed,
// sent and relayed like any other.
func lettersOfNoCase(t *testing.T, s Stores) {
	l := &outbox.Letter{ID: outbox.ID("", letter.DecreeDaysMissing, "privacy@corp.test", "2028"), Kind: letter.DecreeDaysMissing,
		Lang: "nl", To: "privacy@corp.test", Data: letter.Data{MissingYear: 2028}, Status: outbox.Pending, CreatedAt: t0,
		RetainUntil: t0.AddDate(1, 0, 0)}
	if err := s.QueueLetter(ctx, l); err != nil {
		t.Fatal(err)
	}
	if err := s.QueueLetter(ctx, l); !errors.Is(err, app.ErrExists) {
		t.Errorf("second queue of the same letter: %v, want ErrExists", err)
	}
	if ids, err := s.PendingLetters(ctx, t0.Add(time.Hour), t0.Add(time.Hour), 10); err != nil || len(ids) != 1 || ids[0] != l.ID {
		t.Errorf("pending: %v %v, want the queued letter", ids, err)
	}
	got, err := s.ClaimLetter(ctx, l.ID, t0, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if got.Reference != "" || got.To != l.To || got.Data.MissingYear != 2028 || got.Status != outbox.Sending || !got.RetainUntil.Equal(l.RetainUntil) {
		t.Errorf("claimed letter of no case: %+v", got)
	}
	if err := s.FinishLetter(ctx, l.ID, outbox.Sent, t0, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimLetter(ctx, l.ID, t0.Add(time.Hour), t0.Add(2*time.Hour)); !errors.Is(err, app.ErrAlreadySent) {
		t.Errorf("claim of the sent letter: %v, want ErrAlreadySent", err)
	}
}

func oneClaimWinner(t *testing.T, s Stores) {
	c := newCase("PL-CLAIM")
	l := newLetter(c.Reference, letter.ConfirmEmail, t0)
	submit(t, s, c, l)
	oneWinner(t, 5, "ClaimLetter", app.ErrLeased, func() error {
		_, err := s.ClaimLetter(ctx, l.ID, t0, t0.Add(time.Minute))
		return err
	})
	if ls := mustLetters(t, s, c.Reference); ls[0].Attempts != 1 {
		t.Errorf("attempts = %d, want 1", ls[0].Attempts)
	}
}

// A sender claims all of a case's letters that can go with the one its message names, and
// records their outcomes together.
func claimCaseLetters(t *testing.T, s Stores) {
	c := newCase("PL-CASECLAIM")
	a, b, done := newLetter(c.Reference, letter.Receipt, t0), newLetter(c.Reference, letter.StaffCase, t0), newLetter(c.Reference, letter.ConfirmEmail, t0)
	submit(t, s, c, a, b, done)
	other := newCase("PL-CASECLAIM-2")
	elsewhere := newLetter(other.Reference, letter.Receipt, t0)
	submit(t, s, other, elsewhere)
	if _, err := s.ClaimLetter(ctx, done.ID, t0, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishLetter(ctx, done.ID, outbox.Sent, t0, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimCaseLetters(ctx, "absent", t0, t0.Add(time.Minute)); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("claim of an absent letter: %v, want ErrNotFound", err)
	}
	got, err := s.ClaimCaseLetters(ctx, b.ID, t0, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, l := range got {
		ids = append(ids, l.ID)
		if l.Status != outbox.Sending || l.Attempts != 1 || !l.LeaseUntil.Equal(t0.Add(time.Minute)) || l.Reference != c.Reference || l.To != a.To {
			t.Errorf("claimed letter: %+v", l)
		}
	}
	// The named letter first, then the case's others that can go: not the sent one, not
	// another case's.
	if d := cmp.Diff([]string{b.ID, a.ID}, ids); d != "" {
		t.Errorf("claimed (-want +got):\n%s", d)
	}
	if _, err := s.ClaimCaseLetters(ctx, a.ID, t0.Add(time.Second), t0.Add(time.Minute)); !errors.Is(err, app.ErrLeased) {
		t.Errorf("claim while a sender holds them: %v, want ErrLeased", err)
	}
	// b went out, a failed for a moment.
	if err := s.FinishLetters(ctx, t0.Add(2*time.Second), []app.LetterOutcome{{ID: b.ID, Status: outbox.Sent}, {ID: a.ID, Status: outbox.Pending, Error: "503"}}); err != nil {
		t.Fatal(err)
	}
	byID := map[string]*outbox.Letter{}
	for _, l := range mustLetters(t, s, c.Reference) {
		byID[l.ID] = l
	}
	if l := byID[b.ID]; l.Status != outbox.Sent || !l.SentAt.Equal(t0.Add(2*time.Second)) || !l.LeaseUntil.IsZero() {
		t.Errorf("after sending: %+v", l)
	}
	if l := byID[a.ID]; l.Status != outbox.Pending || l.LastError != "503" || !l.LeaseUntil.IsZero() {
		t.Errorf("after a transient failure: %+v", l)
	}
	// The message that names b comes again: b is sent, a is claimed alone.
	got, err = s.ClaimCaseLetters(ctx, b.ID, t0.Add(time.Minute), t0.Add(2*time.Minute))
	if err != nil || len(got) != 1 || got[0].ID != a.ID || got[0].Attempts != 2 {
		t.Fatalf("claim after the retry: %v %v, want a alone", got, err)
	}
	if err := s.FinishLetters(ctx, t0.Add(time.Minute), []app.LetterOutcome{{ID: a.ID, Status: outbox.ToPost}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimCaseLetters(ctx, b.ID, t0.Add(time.Hour), t0.Add(2*time.Hour)); !errors.Is(err, app.ErrAlreadySent) {
		t.Errorf("claim when all went: %v, want ErrAlreadySent", err)
	}
	if ls, err := s.LettersToPost(ctx, 10); err != nil || len(ls) != 1 || ls[0].ID != a.ID {
		t.Errorf("letters to post: %v %v, want a", ls, err)
	}
	if ids, err := s.PendingLetters(ctx, t0.Add(time.Hour), t0.Add(time.Hour), 10); err != nil || len(ids) != 1 || ids[0] != elsewhere.ID {
		t.Errorf("pending: %v %v, want only the other case's letter", ids, err)
	}
	// A letter of no case is claimed alone; finishing a letter deleted meanwhile is no error.
	q := &outbox.Letter{ID: outbox.ID("", letter.DecreeDaysMissing, "privacy@corp.test", "2029"), Kind: letter.DecreeDaysMissing,
		Lang: "nl", To: "privacy@corp.test", Status: outbox.Pending, CreatedAt: t0, RetainUntil: t0.AddDate(1, 0, 0)}
	if err := s.QueueLetter(ctx, q); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ClaimCaseLetters(ctx, q.ID, t0, t0.Add(time.Minute)); err != nil || len(got) != 1 || got[0].ID != q.ID {
		t.Errorf("claim of a letter of no case: %v %v", got, err)
	}
	if err := s.FinishLetters(ctx, t0, []app.LetterOutcome{{ID: q.ID, Status: outbox.Sent}, {ID: "absent", Status: outbox.Sent}}); err != nil {
		t.Errorf("finish: %v", err)
	}
}

func oneCaseClaimWinner(t *testing.T, s Stores) {
	c := newCase("PL-CASEWIN")
	a, b := newLetter(c.Reference, letter.Receipt, t0), newLetter(c.Reference, letter.StaffCase, t0)
	submit(t, s, c, a, b)
	oneWinner(t, 5, "ClaimCaseLetters", app.ErrLeased, func() error {
		_, err := s.ClaimCaseLetters(ctx, a.ID, t0, t0.Add(time.Minute))
		return err
	})
	for _, l := range mustLetters(t, s, c.Reference) {
		if l.Attempts != 1 {
			t.Errorf("%s: attempts = %d, want 1", l.ID, l.Attempts)
		}
	}
}

func pendingLetters(t *testing.T, s Stores) {
	c := newCase("PL-PEND")
	kinds := []letter.Kind{letter.ConfirmEmail, letter.Receipt, letter.StaffCase, letter.IDRequested, letter.StaffReminder}
	var ls []*outbox.Letter
	for i, k := range kinds {
		ls = append(ls, newLetter(c.Reference, k, t0.Add(time.Duration(i)*time.Second)))
	}
	submit(t, s, c, ls...)
	fresh := newLetter("PL-PEND", letter.DelayNotice, t0.Add(time.Hour))
	if _, err := s.Update(ctx, c.Reference, func(*request.Case) (app.Change, error) {
		return app.Change{Letters: []*outbox.Letter{fresh}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	// ls[0]: sent. ls[1]: tried recently (pending again). ls[2]: tried long ago. ls[3]: being
	// sent under a live lease. ls[4]: never tried. fresh: too young.
	claim := func(l *outbox.Letter, at, lease time.Time) {
		t.Helper()
		if _, err := s.ClaimLetter(ctx, l.ID, at, lease); err != nil {
			t.Fatal(err)
		}
	}
	now := t0.Add(30 * time.Minute)
	claim(ls[0], t0, t0.Add(time.Minute))
	s.FinishLetter(ctx, ls[0].ID, outbox.Sent, t0, "")
	claim(ls[1], now.Add(-time.Minute), now)
	s.FinishLetter(ctx, ls[1].ID, outbox.Pending, now.Add(-time.Minute), "503")
	claim(ls[2], t0.Add(time.Minute), t0.Add(2*time.Minute))
	s.FinishLetter(ctx, ls[2].ID, outbox.Pending, t0.Add(time.Minute), "503")
	claim(ls[3], now.Add(-20*time.Minute), now.Add(time.Minute))
	olderThan, retryAfter := now.Add(-time.Minute), now.Add(-15*time.Minute)
	ids, err := s.PendingLetters(ctx, olderThan, retryAfter, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{ls[2].ID, ls[4].ID} // pending ones, oldest first
	if d := cmp.Diff(want, ids); d != "" {
		t.Errorf("pending letters (-want +got):\n%s", d)
	}
	// A sender that died: once its lease has run out, the letter is due again.
	ids, _ = s.PendingLetters(ctx, now.Add(2*time.Minute), now.Add(-15*time.Minute), 10)
	if d := cmp.Diff([]string{ls[2].ID, ls[4].ID, ls[3].ID}, ids); d != "" {
		t.Errorf("pending letters after the lease ran out (-want +got):\n%s", d)
	}
	// max bounds each status's query before the filter.
	ids, _ = s.PendingLetters(ctx, olderThan, retryAfter, 1)
	if len(ids) != 0 {
		t.Errorf("max 1: %v, want none (the oldest pending letter was tried recently)", ids)
	}
	ids, _ = s.PendingLetters(ctx, olderThan, retryAfter, 2)
	if d := cmp.Diff([]string{ls[2].ID}, ids); d != "" {
		t.Errorf("max 2 (-want +got):\n%s", d)
	}
}

func dueCases(t *testing.T, s Stores) {
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

func deleteCase(t *testing.T, s Stores) {
	for _, keep := range []bool{true, false} {
		c := newCase(fmt.Sprintf("PL-DEL-%v", keep))
		submit(t, s, c, newLetter(c.Reference, letter.ConfirmEmail, t0), newLetter(c.Reference, letter.Receipt, t0))
		other := newCase(c.Reference + "-OTHER")
		submit(t, s, other, newLetter(other.Reference, letter.ConfirmEmail, t0))
		if err := s.PutIDCopy(ctx, c.Reference, []byte("id"), "image/png", t0.AddDate(0, 0, 30)); err != nil {
			t.Fatal(err)
		}
		if err := s.PutAccessPackage(ctx, c.Reference, "", []byte("zip"), t0.AddDate(0, 0, 30)); err != nil {
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
		if _, err := s.AccessPackage(ctx, c.Reference, ""); !errors.Is(err, app.ErrNotFound) {
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

func blobs(t *testing.T, s Stores) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 80_000) // 1.28 MB: more than one Firestore document
	if err := s.PutIDCopy(ctx, "PL-BLOB", big, "image/jpeg", t0.AddDate(0, 0, 30)); err != nil {
		t.Fatal(err)
	}
	got, kind, err := s.IDCopy(ctx, "PL-BLOB")
	if err != nil || kind != "image/jpeg" || !bytes.Equal(got, big) {
		t.Fatalf("ID copy round trip: %v kind %q equal %v", err, kind, bytes.Equal(got, big))
	}
	got[0] = 'X'
	if again, _, _ := s.IDCopy(ctx, "PL-BLOB"); again[0] != '0' {
		t.Error("a read ID copy shares memory with the store")
	}
	if err := s.PutIDCopy(ctx, "PL-BLOB", []byte("small"), "application/pdf", t0.AddDate(0, 0, 30)); err != nil {
		t.Fatal(err)
	}
	if got, kind, _ := s.IDCopy(ctx, "PL-BLOB"); string(got) != "small" || kind != "application/pdf" {
		t.Errorf("replaced ID copy: %q %q", got, kind)
	}
	if err := s.DeleteIDCopy(ctx, "PL-BLOB"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.IDCopy(ctx, "PL-BLOB"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("deleted ID copy: %v, want ErrNotFound", err)
	}
	if err := s.DeleteIDCopy(ctx, "PL-BLOB"); err != nil {
		t.Errorf("deleting nothing: %v", err)
	}

	if _, err := s.AccessPackage(ctx, "PL-BLOB", ""); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("absent access package: %v, want ErrNotFound", err)
	}
	if err := s.PutAccessPackage(ctx, "PL-BLOB", "", big, t0.AddDate(0, 0, 14)); err != nil {
		t.Fatal(err)
	}
	if got, err := s.AccessPackage(ctx, "PL-BLOB", ""); err != nil || !bytes.Equal(got, big) {
		t.Errorf("access package round trip: %v", err)
	}
	if _, _, err := s.IDCopy(ctx, "PL-BLOB"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("an access package shows up as an ID copy: %v", err)
	}
	if err := s.DeleteAccessPackage(ctx, "PL-BLOB", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AccessPackage(ctx, "PL-BLOB", ""); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("deleted access package: %v, want ErrNotFound", err)
	}
}

// retention: a case's events and letters carry the case's RetainUntil as their TTL, whatever
// the change or the letter says, and follow it when a change moves it.
func retention(t *testing.T, s Stores) {
	ex, ok := s.(EventExpiries)
	if !ok {
		t.Fatalf("%T does not implement storetest.EventExpiries", s)
	}
	c := newCase("PL-RETAIN")
	confirm := newLetter(c.Reference, letter.ConfirmEmail, t0)
	confirm.RetainUntil = t0.Add(time.Hour) // ignored: the case's retention counts
	ch := app.Change{Letters: []*outbox.Letter{confirm}, Events: []request.Event{{At: t0, Actor: "requester", Action: "submitted"}},
		RetainUntil: t0.Add(time.Hour)}
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
		exp, err := ex.EventsExpireAt(ctx, c.Reference)
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
			Events: []request.Event{{At: t0, Actor: "staff@corp.test", Action: "decided"}}, RetainUntil: t0}, nil
	}); err != nil {
		t.Fatal(err)
	}
	check("after an Update that moves it", years)
	if n := len(mustLetters(t, s, c.Reference)); n != 3 {
		t.Errorf("letters = %d, want 3", n)
	}
	if exp, _ := ex.EventsExpireAt(ctx, c.Reference); len(exp) != 3 {
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

// accessPackages: two concurrent attempts each store their own package; the loser deletes only
// its own; DeleteCase removes every package of the case.
func accessPackages(t *testing.T, s Stores) {
	const ref = "PL-PKG"
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, key := range []string{"a1", "b2"} {
		wg.Go(func() { errs <- s.PutAccessPackage(ctx, ref, key, []byte("zip-"+key), t0.AddDate(0, 0, 14)) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent PutAccessPackage: %v", err)
		}
	}
	// b2 lost the decide: it deletes its own package only.
	if err := s.DeleteAccessPackage(ctx, ref, "b2"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.AccessPackage(ctx, ref, "a1"); err != nil || string(got) != "zip-a1" {
		t.Errorf("the winner's package after the loser cleaned up: %q %v", got, err)
	}
	if _, err := s.AccessPackage(ctx, ref, "b2"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("the loser's package: %v, want ErrNotFound", err)
	}
	if _, err := s.AccessPackage(ctx, ref, ""); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("a keyed package shows up under the empty key: %v", err)
	}
	if err := s.PutAccessPackage(ctx, ref+"-OTHER", "a1", []byte("other"), t0.AddDate(0, 0, 14)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutAccessPackage(ctx, ref, "", []byte("legacy"), t0.AddDate(0, 0, 14)); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCase(ctx, ref, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AccessPackage(ctx, ref, "a1"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("keyed package after DeleteCase: %v, want ErrNotFound", err)
	}
	if _, err := s.AccessPackage(ctx, ref, ""); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("unkeyed package after DeleteCase: %v, want ErrNotFound", err)
	}
	if got, err := s.AccessPackage(ctx, ref+"-OTHER", "a1"); err != nil || string(got) != "other" {
		t.Errorf("another case's package after DeleteCase: %q %v", got, err)
	}
}

func day(d int) civil.Date { return civil.Date{Year: 2026, Month: 3, Day: 1}.AddDays(d) }

func openCases(t *testing.T, s Stores) {
	seed := func(ref string, st request.Status, due civil.Date, submitted time.Time) {
		c := newCase(ref)
		c.Status, c.DueDate, c.SubmittedAt = st, due, submitted
		submit(t, s, c)
	}
	seed("PL-OPEN-LATE", request.InProgress, day(40), t0)
	seed("PL-OPEN-B", request.AwaitingThirdParty, day(20), t0)
	seed("PL-OPEN-A", request.AwaitingIdentity, day(20), t0)
	seed("PL-OPEN-FIRST", request.InProgress, day(10), t0)
	seed("PL-OPEN-UNCONF-2", request.AwaitingConfirmation, civil.Date{}, t0.Add(time.Hour))
	seed("PL-OPEN-UNCONF-1", request.AwaitingConfirmation, civil.Date{}, t0)
	seed("PL-SHUT-DECIDED", request.Decided, day(1), t0)
	seed("PL-SHUT-CLOSED", request.Closed, day(1), t0)
	seed("PL-SHUT-EXPIRED", request.Expired, civil.Date{}, t0)
	refs := func(cs []*request.Case) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Reference)
		}
		return out
	}
	got, err := s.OpenCases(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"PL-OPEN-FIRST", "PL-OPEN-A", "PL-OPEN-B", "PL-OPEN-LATE", "PL-OPEN-UNCONF-1", "PL-OPEN-UNCONF-2"}
	if d := cmp.Diff(want, refs(got)); d != "" {
		t.Errorf("open cases, most urgent first (-want +got):\n%s", d)
	}
	if len(got) > 0 && (got[0].Subject.Name != "Carla" || got[0].DueDate != day(10) || got[0].Version != 1) {
		t.Errorf("an open case comes back incomplete: %+v", got[0])
	}
	for _, n := range []int{2, 5} {
		got, err := s.OpenCases(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want[:n], refs(got)); d != "" {
			t.Errorf("open cases, limit %d (-want +got):\n%s", n, d)
		}
	}

	// The digest's reads: only the running cases due by a date, those in one status, and a
	// count of the running ones.
	for _, tc := range []struct {
		by    civil.Date
		limit int
		want  []string
	}{
		{day(20), 100, []string{"PL-OPEN-FIRST", "PL-OPEN-A", "PL-OPEN-B"}},
		{day(19), 100, []string{"PL-OPEN-FIRST"}},
		{day(40), 2, []string{"PL-OPEN-FIRST", "PL-OPEN-A"}},
		{day(9), 100, nil},
	} {
		got, err := s.RunningCases(ctx, tc.by, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(tc.want, refs(got)); d != "" {
			t.Errorf("running cases due by %s, limit %d (-want +got):\n%s", tc.by, tc.limit, d)
		}
	}
	if got, err := s.CasesIn(ctx, request.InProgress, 100); err != nil || !slices.Equal(refs(got), []string{"PL-OPEN-FIRST", "PL-OPEN-LATE"}) {
		t.Errorf("cases in progress: %v %v", refs(got), err)
	}
	if got, err := s.CasesIn(ctx, request.AwaitingIdentity, 100); err != nil || !slices.Equal(refs(got), []string{"PL-OPEN-A"}) {
		t.Errorf("cases awaiting identity: %v %v", refs(got), err)
	}
	if n, err := s.CountRunning(ctx); err != nil || n != 4 {
		t.Errorf("running cases counted: %d %v, want 4", n, err)
	}
}

func casesReceived(t *testing.T, s Stores) {
	seed := func(ref string, received civil.Date, events int) {
		c := newCase(ref)
		c.Received = received
		submit(t, s, c)
		for i := range events {
			if _, err := s.Update(ctx, ref, func(*request.Case) (app.Change, error) {
				return app.Change{Events: []request.Event{{At: t0, Actor: "system", Action: fmt.Sprint("step-", i)}}}, nil
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	seed("PL-REC-BEFORE", day(-1), 0)
	seed("PL-REC-FIRST-B", day(0), 2)
	seed("PL-REC-FIRST-A", day(0), 0)
	seed("PL-REC-LAST", day(30), 1)
	seed("PL-REC-AFTER", day(31), 0)
	seed("PL-REC-NONE", civil.Date{}, 0)
	// A case whose day of receipt is corrected takes its events along.
	seed("PL-REC-MOVED", day(-5), 1)
	if _, err := s.Update(ctx, "PL-REC-MOVED", func(c *request.Case) (app.Change, error) {
		c.Received = day(5)
		return app.Change{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	got, err := s.CasesReceived(ctx, day(0), day(31))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Ref     string
		Actions []string
	}
	var rows []row
	for _, ce := range got {
		r := row{Ref: ce.Case.Reference}
		for _, e := range ce.Events {
			r.Actions = append(r.Actions, e.Action)
		}
		rows = append(rows, r)
	}
	want := []row{
		{"PL-REC-FIRST-A", []string{"submitted"}},
		{"PL-REC-FIRST-B", []string{"submitted", "step-0", "step-1"}},
		{"PL-REC-MOVED", []string{"submitted", "step-0"}},
		{"PL-REC-LAST", []string{"submitted", "step-0"}},
	}
	if d := cmp.Diff(want, rows); d != "" {
		t.Errorf("cases received in [from, to) with their events (-want +got):\n%s", d)
	}
	if got, err := s.CasesReceived(ctx, day(100), day(130)); err != nil || len(got) != 0 {
		t.Errorf("an empty period: %d cases, %v", len(got), err)
	}
}

func postLetter(ref string, kind letter.Kind, created time.Time) *outbox.Letter {
	l := newLetter(ref, kind, created)
	l.To, l.Status = "", outbox.ToPost
	l.ID = outbox.ID(ref, kind, "post", "")
	return l
}

func lettersToPost(t *testing.T, s Stores) {
	c := newCase("PL-POST")
	mail := newLetter(c.Reference, letter.ConfirmEmail, t0)
	second, first := postLetter(c.Reference, letter.Decision, t0.Add(time.Hour)), postLetter(c.Reference, letter.Receipt, t0)
	submit(t, s, c, mail, second, first)
	ids := func(ls []*outbox.Letter) []string {
		var out []string
		for _, l := range ls {
			out = append(out, l.ID)
		}
		return out
	}
	got, err := s.LettersToPost(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{first.ID, second.ID}, ids(got)); d != "" {
		t.Errorf("letters to post, oldest first (-want +got):\n%s", d)
	}
	if len(got) > 0 && (got[0].Reference != c.Reference || got[0].Data.RecipientName != "Carla" || got[0].Kind != letter.Receipt) {
		t.Errorf("a letter to post comes back incomplete: %+v", got[0])
	}
	if got, _ := s.LettersToPost(ctx, 1); len(got) != 1 {
		t.Errorf("max 1: %d letters", len(got))
	}
	// No sender takes a letter to post, and the relay does not republish it.
	if _, err := s.ClaimLetter(ctx, first.ID, t0, t0.Add(time.Minute)); !errors.Is(err, app.ErrAlreadySent) {
		t.Errorf("claim of a letter to post: %v, want ErrAlreadySent", err)
	}
	if ids, _ := s.PendingLetters(ctx, t0.Add(48*time.Hour), t0.Add(48*time.Hour), 10); len(ids) != 1 || ids[0] != mail.ID {
		t.Errorf("pending letters: %v, want only the e-mail", ids)
	}

	posted, err := s.MarkPosted(ctx, first.ID, t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if posted.Status != outbox.Posted || !posted.SentAt.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("posted letter: status %s at %s", posted.Status, posted.SentAt)
	}
	if _, err := s.MarkPosted(ctx, first.ID, t0.Add(3*time.Hour)); !errors.Is(err, app.ErrAlreadyPosted) {
		t.Errorf("posting twice: %v, want ErrAlreadyPosted", err)
	}
	if _, err := s.MarkPosted(ctx, mail.ID, t0); !errors.Is(err, app.ErrNotPostable) {
		t.Errorf("posting an e-mail: %v, want ErrNotPostable", err)
	}
	if _, err := s.MarkPosted(ctx, "absent", t0); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("posting an absent letter: %v, want ErrNotFound", err)
	}
	got, _ = s.LettersToPost(ctx, 10)
	if d := cmp.Diff([]string{second.ID}, ids(got)); d != "" {
		t.Errorf("letters to post after one was posted (-want +got):\n%s", d)
	}
	for _, l := range mustLetters(t, s, c.Reference) {
		if l.ID == first.ID && (l.Status != outbox.Posted || !l.SentAt.Equal(t0.Add(2*time.Hour))) {
			t.Errorf("stored posted letter: status %s at %s", l.Status, l.SentAt)
		}
	}
}

func oneMarkPostedWinner(t *testing.T, s Stores) {
	c := newCase("PL-POST-RACE")
	l := postLetter(c.Reference, letter.Receipt, t0)
	submit(t, s, c, l)
	oneWinner(t, 4, "MarkPosted", app.ErrAlreadyPosted, func() error {
		_, err := s.MarkPosted(ctx, l.ID, t0)
		return err
	})
}

// oneWinner runs try n times at once and wants exactly one to succeed and every other to fail
// with lost.
func oneWinner(t *testing.T, n int, what string, lost error, try func() error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() { errs <- try() })
	}
	wg.Wait()
	close(errs)
	won := 0
	for err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, lost):
		default:
			t.Errorf("concurrent %s: %v, want nil or %v", what, err, lost)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d concurrent %s calls won, want exactly 1", won, n, what)
	}
}
